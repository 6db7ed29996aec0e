/*
 * analyse.c - the analyse stage: from the store's inputs to indicator rows
 * and statistics.json (see analyse.h for what is computed and why).
 *
 * Layout.  The inputs become dense arrays indexed [year][category][area]
 * (O) and [year][area] (P), one set per level; wijk and gemeente arrays are
 * sums over their buurten.  Each level's figures are computed one (year,
 * category) cell at a time into dense result arrays (16 doubles and a cluster
 * byte per area x year x category: 67 MB for the 14,566 Dutch buurten x 4
 * years x 9 categories), and then written to the store as rows in key order
 * (level, code, year, category), 8,192 at a time, so that the row structs
 * (about 340 bytes each with their strings) never all exist at once: the
 * national stage peaks at 160 MB, where 576k row structs alone take about
 * 220 MB.
 *
 * Invariants:
 *   - areas are processed in the store's order (load order), so every sum
 *     over buurten is formed in the same order for the same store; rows are
 *     written in code order;
 *   - categories are sorted in byte order with "all" among them, which is the
 *     store's row order;
 *   - all randomness is in moran.c, seeded by ws_analyse_seed(), and this
 *     file runs in one thread: the output does not depend on n_threads.
 * No statistic is computed here: the numbers come from rates.c, glm.c,
 * ebayes.c, weights.c, moran.c and trend.c (each checked against R); the one
 * shortcut, the Garwood interval by count (garwood_cache below), scales the
 * intervals of rates.c exactly as rates.c does.
 *
 * Timing (national data, 2 cores, --verbose prints the same split): reading
 * the store 0.3 s, weights 0.1 s, rates, GLM, EB and trend 0.6 s, writing
 * 658k rows 1.0-1.3 s, and Moran/LISA: 1.0 s for one 14,566-buurt analysis
 * with 9,999 permutations (global 0.3 s, local 0.7 s), 0.15 s for all
 * analyses without permutations.
 */
#include "wijkscan/analyse/analyse.h"

#include "wijkscan/analyse/ebayes.h"
#include "wijkscan/analyse/glm.h"
#include "wijkscan/analyse/impute.h"
#include "wijkscan/analyse/moran.h"
#include "wijkscan/analyse/period.h"
#include "wijkscan/analyse/priority.h"
#include "wijkscan/analyse/rates.h"
#include "wijkscan/analyse/regions.h"
#include "wijkscan/analyse/trend.h"
#include "wijkscan/analyse/weights.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROW_CHUNK      8192 /* indicator rows per write */
#define WARN_MAX_CODES 10   /* codes listed in one warning */
#define NO_INDEX       SIZE_MAX
#define ALL_CATEGORY   "all"

/* ------------------------------------------------------------------------ */
/* Settings                                                                  */

/* Wall time per phase, for --verbose. */
struct timing {
    double read, levels, rates, expected, eb, moran, trend, write;
};

static double now_s(void)
{
    struct timespec t;

    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        return 0.0;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

uint64_t ws_analyse_seed(uint64_t seed, enum ws_level level, int year, const char *category)
{
    char key[64];
    uint64_t h = UINT64_C(0xcbf29ce484222325); // FNV-1a offset basis
    const char *p;
    uint64_t z;

    (void)snprintf(key, sizeof(key), "%s/%d/", ws_level_name(level), year);
    for (p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
    for (p = category ? category : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
    // splitmix64 finaliser of the combination
    z = seed ^ h;
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------ */
/* Code lookup                                                               */

struct code_ix {
    const char *code;
    size_t idx;
};

static int cmp_code_ix(const void *a, const void *b)
{
    const struct code_ix *x = a;
    const struct code_ix *y = b;

    return strcmp(x->code, y->code);
}

/* Sorted index of the codes of n areas; owned (free with free()). */
static struct code_ix *index_areas(const struct ws_area *areas, size_t n)
{
    struct code_ix *ix = ws_xmalloc(ws_st_mult(n + 1, sizeof(*ix)));
    size_t i;

    for (i = 0; i < n; i++) {
        ix[i].code = areas[i].code ? areas[i].code : "";
        ix[i].idx = i;
    }
    qsort(ix, n, sizeof(*ix), cmp_code_ix);
    return ix;
}

static size_t find_code(const struct code_ix *ix, size_t n, const char *code)
{
    struct code_ix key = {code ? code : "", 0};
    const struct code_ix *hit = n ? bsearch(&key, ix, n, sizeof(*ix), cmp_code_ix) : NULL;

    return hit ? hit->idx : NO_INDEX;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;

    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ------------------------------------------------------------------------ */
/* Garwood intervals by count                                                */

/* The exact Poisson interval of a count depends on the count alone, and
 * counts repeat: 650,000 cells of the national data hold a few hundred
 * distinct counts.  ws_rates_crude() and ws_rates_oe() invert the chi-square
 * distribution twice per area (1.3 us each; 0.9 s in all), so this stage
 * takes the interval of each distinct count once from ws_rates_poisson_ci()
 * and scales it exactly as those two functions do (lo * 1000 / P and
 * lo / expected), giving bit-identical results (test_analyse.c checks). */
struct garwood_cache {
    size_t n;   /* counts 0 .. n - 1 */
    double *lo; /* per count */
    double *hi;
};

#define GARWOOD_CACHE_MAX 1000000 /* larger counts are computed when met */

/* The intervals of the counts 0 .. max (at most GARWOOD_CACHE_MAX). */
static int garwood_cache_build(struct garwood_cache *gc, double max, struct ws_err *err)
{
    size_t i;
    int rc = WS_OK;

    gc->n = max < 0 ? 0 : max >= GARWOOD_CACHE_MAX ? GARWOOD_CACHE_MAX : (size_t)max + 1;
    gc->lo = ws_xmalloc(ws_st_mult(gc->n + 1, sizeof(double)));
    gc->hi = ws_xmalloc(ws_st_mult(gc->n + 1, sizeof(double)));
    for (i = 0; !rc && i < gc->n; i++)
        rc = ws_rates_poisson_ci((double)i, WS_RATES_CONF, &gc->lo[i], &gc->hi[i], err);
    return rc;
}

static void garwood_cache_release(struct garwood_cache *gc)
{
    free(gc->lo);
    free(gc->hi);
    memset(gc, 0, sizeof(*gc));
}

static int garwood_get(const struct garwood_cache *gc, double O, double *lo, double *hi,
                       struct ws_err *err)
{
    if (O >= 0 && O < (double)gc->n) {
        *lo = gc->lo[(size_t)O];
        *hi = gc->hi[(size_t)O];
        return WS_OK;
    }
    return ws_rates_poisson_ci(O, WS_RATES_CONF, lo, hi, err);
}

/* ws_rates_crude() with its intervals from the cache. */
static int rates_crude(const struct garwood_cache *gc, const double *O, const double *P, size_t n,
                       double *rate, double *ci_low, double *ci_high, struct ws_err *err)
{
    double lo;
    double hi;
    size_t i;
    int rc = ws_rates_crude(O, P, n, rate, NULL, NULL, err);

    for (i = 0; !rc && i < n; i++) {
        if (isnan(rate[i])) { // not usable: NULL, as ws_rates_crude
            ci_low[i] = ci_high[i] = NAN;
            continue;
        }
        rc = garwood_get(gc, O[i], &lo, &hi, err);
        ci_low[i] = lo * WS_RATES_PER / P[i];
        ci_high[i] = hi * WS_RATES_PER / P[i];
    }
    return rc;
}

/* ws_rates_oe() with its intervals from the cache. */
static int rates_oe(const struct garwood_cache *gc, const double *O, const double *E, size_t n,
                    double *oe, double *ci_low, double *ci_high, struct ws_err *err)
{
    double lo;
    double hi;
    size_t i;
    int rc = ws_rates_oe(O, E, n, oe, NULL, NULL, err);

    for (i = 0; !rc && i < n; i++) {
        if (isnan(oe[i])) {
            ci_low[i] = ci_high[i] = NAN;
            continue;
        }
        rc = garwood_get(gc, O[i], &lo, &hi, err);
        ci_low[i] = lo / E[i];
        ci_high[i] = hi / E[i];
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Inputs: dense buurt arrays                                                */

struct input {
    size_t nb;       /* buurten */
    size_t ny;       /* slots: the years with cases, then the pooled periods (period.h) */
    size_t ny_years; /* the single years: slots [0, ny_years), ascending */
    int *years; /* [ny] the year, or a period's last year (periods ascending after the years) */
    int *span;  /* [ny] years pooled in the slot: 1, or [analysis] period */
    int *stat_years; /* statistics year used for each slot (0: the one table) */
    size_t nc;       /* categories including "all", byte order */
    char **cats;     /* owned */
    size_t all_c;    /* index of "all" in cats */
    size_t ncov;
    const char *const *cov_names; /* borrowed */
    double *P;                    /* [ny][nb] */
    double *X;                    /* [ny][ncov][nb] */
    double *O;                    /* [ny][nc][nb] */
    size_t *filled;               /* [ny]: cells without a case row, of buurten with P > 0 */
    size_t *imputed;              /* [ny]: buurten with P > 0 given a covariate value (impute.h) */
    struct garwood_cache gc;
};

static void input_release(struct input *in)
{
    size_t c;

    free(in->years);
    free(in->span);
    free(in->stat_years);
    for (c = 0; c < in->nc; c++)
        free(in->cats[c]);
    free(in->cats);
    free(in->P);
    free(in->X);
    free(in->O);
    free(in->filled);
    free(in->imputed);
    garwood_cache_release(&in->gc);
    memset(in, 0, sizeof(*in));
}

static size_t find_year(const struct input *in, int year)
{
    const int *hit = bsearch(&year, in->years, in->ny_years, sizeof(int), cmp_int);

    return hit ? (size_t)(hit - in->years) : NO_INDEX;
}

static size_t find_cat(const struct input *in, const char *cat)
{
    const char *const *hit = bsearch(&cat, in->cats, in->nc, sizeof(char *), cmp_str);

    return hit ? (size_t)(hit - (const char *const *)in->cats) : NO_INDEX;
}

/* Years and categories present in the cases. */
static int collect_keys(const struct ws_case_row *cases, size_t n_cases, struct input *in,
                        struct ws_err *err)
{
    const char **cats = ws_xmalloc(ws_st_mult(n_cases + 1, sizeof(*cats)));
    size_t n_cat = 0;
    size_t i;
    bool has_all = false;
    int rc = WS_OK;

    in->years = ws_xmalloc(ws_st_mult(n_cases + 1, sizeof(int)));
    for (i = 0; i < n_cases; i++) {
        in->years[i] = cases[i].year;
        cats[i] = cases[i].category ? cases[i].category : ALL_CATEGORY;
    }
    qsort(in->years, n_cases, sizeof(int), cmp_int);
    for (i = 0; i < n_cases; i++)
        if (in->ny == 0 || in->years[in->ny - 1] != in->years[i])
            in->years[in->ny++] = in->years[i];
    in->ny_years = in->ny;
    in->span = ws_xmalloc(ws_st_mult(in->ny + 1, sizeof(int)));
    for (i = 0; i < in->ny; i++)
        in->span[i] = 1;
    qsort(cats, n_cases, sizeof(*cats), cmp_str);
    for (i = 0; i < n_cases; i++) {
        if (n_cat > 0 && strcmp(cats[n_cat - 1], cats[i]) == 0)
            continue;
        cats[n_cat++] = cats[i];
        has_all = has_all || strcmp(cats[i], ALL_CATEGORY) == 0;
    }
    if (has_all && n_cat > 1) {
        rc = WS_EDATA;
        (void)ws_err_set(err, WS_EDATA,
                         "the case table has a category named '" ALL_CATEGORY
                         "' beside other categories");
        ws_err_hint(err, "'" ALL_CATEGORY "' is the total over the categories that wijkscan "
                         "computes itself; rename that category in the case table");
        goto out;
    }
    // the categories plus "all", in byte order
    in->cats = ws_xcalloc(n_cat + 1, sizeof(char *));
    for (i = 0; i < n_cat; i++)
        in->cats[in->nc++] = ws_xstrdup(cats[i]);
    if (!has_all)
        in->cats[in->nc++] = ws_xstrdup(ALL_CATEGORY);
    qsort(in->cats, in->nc, sizeof(char *), cmp_str);
    in->all_c = find_cat(in, ALL_CATEGORY);
out:
    free(cats);
    return rc;
}

/* P and X from the statistics rows of the year each case year uses. */
static int fill_statistics(const struct ws_stat_row *stats, size_t n_stats,
                           const struct ws_area *buurten, const struct code_ix *bix,
                           struct input *in, struct ws_err *err)
{
    struct ws_dataset tmp;
    size_t i;
    size_t y;
    size_t k;

    memset(&tmp, 0, sizeof(tmp));
    tmp.stats = (struct ws_stat_row *)stats; // read only: ws_dataset_stat_year looks at years
    tmp.n_stats = n_stats;
    in->stat_years = ws_xcalloc(in->ny + 1, sizeof(int));
    for (y = 0; y < in->ny; y++)
        in->stat_years[y] = ws_dataset_stat_year(&tmp, in->years[y]);
    in->P = ws_xmalloc(ws_st_mult(ws_st_mult(in->ny, in->nb) + 1, sizeof(double)));
    in->X = ws_xmalloc(
        ws_st_mult(ws_st_mult(ws_st_mult(in->ny, in->ncov), in->nb) + 1, sizeof(double)));
    for (i = 0; i < in->ny * in->nb; i++)
        in->P[i] = NAN;
    for (i = 0; i < in->ny * in->ncov * in->nb; i++)
        in->X[i] = NAN;
    for (i = 0; i < n_stats; i++) {
        const struct ws_stat_row *r = &stats[i];
        size_t b = find_code(bix, in->nb, r->code);
        double pop = r->population;
        if (b == NO_INDEX)
            continue;
        if (!isnan(pop) && !(isfinite(pop) && pop >= 0)) {
            ws_err_set(err, WS_EDATA, "the population of buurt '%s' in %d is %g", buurten[b].code,
                       r->year, pop);
            ws_err_hint(err, "a population must be a number >= 0 or missing; fix the statistics "
                             "table and re-run 'wijkscan load'");
            return WS_EDATA;
        }
        for (y = 0; y < in->ny; y++) {
            if (in->stat_years[y] != r->year)
                continue;
            in->P[y * in->nb + b] = pop;
            for (k = 0; k < in->ncov; k++)
                in->X[(y * in->ncov + k) * in->nb + b] = r->covariates ? r->covariates[k] : NAN;
        }
    }
    return WS_OK;
}

/* A case row the load stage would have refused: only a store changed by
 * hand has one. */
static int bad_case_row(const struct ws_case_row *r, bool known_code, struct ws_err *err)
{
    const char *code = r->code ? r->code : "";

    if (!known_code)
        ws_err_set(err, WS_EDATA, "the store holds cases for '%s', which is not a buurt", code);
    else
        ws_err_set(err, WS_EDATA, "the store holds a bad case row for '%s' (%d, %lld)", code,
                   r->year, r->count);
    ws_err_hint(err, "re-run 'wijkscan load' to make the store again");
    return WS_EDATA;
}

/* Counts, per year, the cells without a row among buurten with a
 * population: with categories those of every category but "all", else
 * those of "all". */
static void count_filled(struct input *in, const unsigned char *seen)
{
    size_t y;
    size_t b;
    size_t c;

    in->filled = ws_xcalloc(in->ny + 1, sizeof(size_t));
    for (y = 0; y < in->ny; y++) {
        for (b = 0; b < in->nb; b++) {
            if (!(in->P[y * in->nb + b] > 0))
                continue;
            for (c = 0; c < in->nc; c++) {
                bool counted = c != in->all_c || in->nc == 1;
                in->filled[y] += counted && !seen[(y * in->nc + c) * in->nb + b];
            }
        }
    }
}

/* O from the case rows; missing cells are 0 (counted in filled). */
static int fill_cases(const struct ws_case_row *cases, size_t n_cases, const struct code_ix *bix,
                      struct input *in, struct ws_err *err)
{
    size_t cells = ws_st_mult(ws_st_mult(in->ny, in->nc), in->nb);
    unsigned char *seen = ws_xcalloc(cells + 1, 1);
    const char *last_code = "";
    size_t b = NO_INDEX;
    size_t i;
    int rc = WS_OK;

    in->O = ws_xcalloc(cells + 1, sizeof(double));
    for (i = 0; i < n_cases; i++) {
        const struct ws_case_row *r = &cases[i];
        const char *code = r->code ? r->code : "";
        size_t y = find_year(in, r->year);
        size_t c = find_cat(in, r->category ? r->category : ALL_CATEGORY);
        // rows come ordered by code: look each code up once
        if (i == 0 || strcmp(last_code, code) != 0) {
            last_code = code;
            b = find_code(bix, in->nb, code);
        }
        if (b == NO_INDEX || y == NO_INDEX || c == NO_INDEX || r->count < 0) {
            rc = bad_case_row(r, b != NO_INDEX, err);
            break;
        }
        in->O[(y * in->nc + c) * in->nb + b] = (double)r->count;
        seen[(y * in->nc + c) * in->nb + b] = 1;
        if (c != in->all_c)
            in->O[(y * in->nc + in->all_c) * in->nb + b] += (double)r->count;
    }
    if (!rc)
        count_filled(in, seen);
    free(seen);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Levels                                                                    */

enum field {
    F_RATE,
    F_LO,
    F_HI,
    F_RATIO,
    F_PP,
    F_EXP,
    F_OE,
    F_OELO,
    F_OEHI,
    F_EB,
    F_SEB,
    F_LI,
    F_LZ,
    F_LP,
    F_TRR,
    F_TP,
    NF
};

struct level {
    enum ws_level level;
    const struct ws_area *areas; /* borrowed from the input */
    size_t n;
    size_t *order;    /* area indices by code */
    size_t *of_buurt; /* buurt -> area (NO_INDEX: none); NULL at buurt level */
    struct ws_weights w;
    double *P;              /* [ny][n] */
    double *O;              /* [ny][nc][n] */
    double *theta;          /* [ny][nc] */
    double *f[NF];          /* [ny][nc][n] results */
    unsigned char *cluster; /* [ny][nc][n]: 0 = NULL, else enum ws_lisa_cluster + 1 */
    long *rank;             /* buurt level: [ny][n] priority rank of category all, 0 = NULL */
    size_t ny;
    char **islands_text; /* [ny]: first island codes (of "all"), owned, NULL until computed */
    size_t *n_islands;   /* [ny] */
    char **members;      /* gebied level: [n] its buurt codes, space-separated (owned) */
};

static void level_release(struct level *L)
{
    size_t k;

    free(L->order);
    free(L->of_buurt);
    ws_weights_release(&L->w);
    free(L->P);
    free(L->O);
    free(L->theta);
    for (k = 0; k < NF; k++)
        free(L->f[k]);
    free(L->cluster);
    free(L->rank);
    for (k = 0; L->islands_text && k < L->ny; k++)
        free(L->islands_text[k]);
    free(L->islands_text);
    for (k = 0; L->members && k < L->n; k++)
        free(L->members[k]);
    free(L->members);
    free(L->n_islands);
    memset(L, 0, sizeof(*L));
}

/* Area indices in code order; owned (free with free()). */
static size_t *order_by_code(const struct ws_area *areas, size_t n)
{
    struct code_ix *ix = index_areas(areas, n);
    size_t *order = ws_xmalloc(ws_st_mult(n + 1, sizeof(*order)));
    size_t i;

    for (i = 0; i < n; i++)
        order[i] = ix[i].idx;
    free(ix);
    return order;
}

/* The buurt codes of each area of L (space-separated, in buurt order). */
static void level_members(const struct level *buurt, struct level *L)
{
    struct ws_strbuf *sb = ws_xcalloc(L->n + 1, sizeof(*sb));

    L->members = ws_xcalloc(L->n + 1, sizeof(char *));
    for (size_t a = 0; a < L->n; a++)
        ws_strbuf_init(&sb[a]);
    for (size_t i = 0; i < buurt->n; i++) {
        size_t a = L->of_buurt[i];
        if (a == NO_INDEX)
            continue;
        if (sb[a].len)
            ws_strbuf_addch(&sb[a], ' ');
        ws_strbuf_adds(&sb[a], buurt->areas[i].code);
    }
    for (size_t a = 0; a < L->n; a++)
        L->members[a] = ws_strbuf_detach(&sb[a]);
    free(sb);
}

/* O and P of a wijk or gemeente level: sums over their buurten (P over the
 * known populations, NAN when none is known). */
static void level_sums(const struct input *in, const struct level *buurt, struct level *L)
{
    struct code_ix *ix = index_areas(L->areas, L->n);
    size_t i;
    size_t y;
    size_t c;

    L->of_buurt = ws_xmalloc(ws_st_mult(in->nb + 1, sizeof(size_t)));
    for (i = 0; i < in->nb; i++) {
        const struct ws_area *b = &buurt->areas[i];
        const char *key = L->level == WS_LEVEL_GEBIED ? b->gebied
                          : L->level == WS_LEVEL_WIJK ? b->parent
                                                      : b->gemeente;
        L->of_buurt[i] = find_code(ix, L->n, key);
    }
    free(ix);
    if (L->level == WS_LEVEL_GEBIED)
        level_members(buurt, L);
    for (i = 0; i < in->ny * L->n; i++)
        L->P[i] = NAN;
    for (y = 0; y < in->ny; y++) {
        for (i = 0; i < in->nb; i++) {
            size_t a = L->of_buurt[i];
            double pop = in->P[y * in->nb + i];
            if (a == NO_INDEX)
                continue;
            if (!isnan(pop)) {
                double *sum = &L->P[y * L->n + a];
                *sum = isnan(*sum) ? pop : *sum + pop;
            }
            for (c = 0; c < in->nc; c++)
                L->O[(y * in->nc + c) * L->n + a] += in->O[(y * in->nc + c) * in->nb + i];
        }
    }
}

/* Reads a level's areas (the buurten are in L already) and builds its
 * contiguity and its O and P (sums of buurten for wijk and gemeente). */
static int level_build(const struct ws_analyse_input *ai, enum ws_level level,
                       const struct ws_analyse_cfg *cfg, const struct input *in,
                       const struct level *buurt, struct level *L, struct ws_err *err)
{
    struct ws_geom *geoms = NULL;
    size_t cells;
    size_t i;
    size_t k;
    int rc = WS_OK;

    if (level != WS_LEVEL_BUURT) {
        memset(L, 0, sizeof(*L));
        L->areas = ai->areas[level];
        L->n = ai->n_areas[level];
    }
    L->level = level;
    ws_weights_init(&L->w);
    if (rc || L->n == 0)
        return rc;
    L->order = order_by_code(L->areas, L->n);
    geoms = ws_xmalloc(ws_st_mult(L->n, sizeof(*geoms)));
    for (i = 0; i < L->n; i++)
        geoms[i] = L->areas[i].geom; // shallow: borrowed for the call
    rc = ws_weights_contiguity(geoms, L->n, cfg->queen, &L->w, err);
    free(geoms);
    if (rc) {
        ws_err_where(err, "%s level", ws_level_name(level));
        return rc;
    }

    cells = ws_st_mult(ws_st_mult(in->ny, in->nc), L->n);
    L->P = ws_xmalloc(ws_st_mult(ws_st_mult(in->ny, L->n) + 1, sizeof(double)));
    L->O = ws_xcalloc(cells + 1, sizeof(double));
    L->theta = ws_xmalloc(ws_st_mult(ws_st_mult(in->ny, in->nc) + 1, sizeof(double)));
    for (k = 0; k < NF; k++) {
        L->f[k] = ws_xmalloc(ws_st_mult(cells + 1, sizeof(double)));
        for (i = 0; i < cells; i++)
            L->f[k][i] = NAN;
    }
    L->cluster = ws_xcalloc(cells + 1, 1);
    L->ny = in->ny;
    L->islands_text = ws_xcalloc(in->ny + 1, sizeof(char *));
    L->n_islands = ws_xcalloc(in->ny + 1, sizeof(size_t));
    for (i = 0; i < in->ny * in->nc; i++)
        L->theta[i] = NAN;

    if (level == WS_LEVEL_BUURT) {
        memcpy(L->P, in->P, in->ny * in->nb * sizeof(double));
        memcpy(L->O, in->O, cells * sizeof(double));
    } else {
        level_sums(in, buurt, L);
    }
    return WS_OK;
}

/* ------------------------------------------------------------------------ */
/* One analysis: a level, a year and a category                              */

/* Scratch arrays of one level (n entries each). */
struct scratch {
    bool *keep;
    double *x;
    size_t *kept; /* subset index -> area */
    double *acc;
    bool *has;
};

static void scratch_alloc(struct scratch *sc, size_t n)
{
    sc->keep = ws_xcalloc(n + 1, sizeof(bool));
    sc->x = ws_xcalloc(n + 1, sizeof(double));
    sc->kept = ws_xcalloc(n + 1, sizeof(size_t));
    sc->acc = ws_xcalloc(n + 1, sizeof(double));
    sc->has = ws_xcalloc(n + 1, sizeof(bool));
}

static void scratch_release(struct scratch *sc)
{
    free(sc->keep);
    free(sc->x);
    free(sc->kept);
    free(sc->acc);
    free(sc->has);
    memset(sc, 0, sizeof(*sc));
}

/* Everything the JSON entry of one analysis needs besides the arrays. */
struct cell_info {
    size_t n_data;
    double theta;
    double eb_a, eb_b;
    bool glm_done;
    struct ws_glm_result glm;
    char glm_error[2 * WS_ERR_TEXT + 8];
    const char *exp_method;
    size_t n_without_profile; /* buurten with P > 0 without expected */
    bool model_withheld;      /* ws_rates_model_withheld(): no glm block published */
    size_t n_theta_filled;    /* wijk/gemeente: buurten that contributed theta P */
    bool moran_run;
    struct ws_moran_global mg;
    struct ws_lisa lisa;
    const char *moran_reason;
    const char *lisa_reason;
    uint64_t seed;
    size_t nsim;
    struct ws_strbuf islands;      /* JSON array body of island codes */
    struct ws_strbuf island_codes; /* "A, B, ..." for the warning (first WARN_MAX_CODES) */
    size_t n_islands;
    bool trend;
};

/* expected of the buurten: the GLM, or theta P without covariates or when
 * the fit fails (the reason goes to ci->glm_error). */
static int expected_buurt(const struct input *in, struct level *L, size_t y, size_t c,
                          struct cell_info *ci, struct ws_err *err)
{
    size_t n = L->n;
    size_t off = (y * in->nc + c) * n;
    const double *P = L->P + y * n;
    double *E = L->f[F_EXP] + off;
    size_t i;
    int rc = WS_OK;

    ci->exp_method = "theta";
    if (in->ncov > 0) {
        const double **cov = ws_xcalloc(in->ncov, sizeof(*cov));
        struct ws_err gerr = WS_ERR_INIT;
        for (i = 0; i < in->ncov; i++)
            cov[i] = in->X + (y * in->ncov + i) * in->nb;
        rc = ws_glm_fit(L->O + off, P, n, cov, (const char *const *)in->cov_names, in->ncov, NULL,
                        &ci->glm, E, &gerr);
        free(cov);
        if (rc == WS_OK) {
            ci->glm_done = true;
            ci->exp_method = "glm";
        } else if (rc == WS_EDATA) {
            // a model that cannot be fitted is a finding, not a failure
            (void)snprintf(ci->glm_error, sizeof(ci->glm_error), "%s%s%s", gerr.what,
                           gerr.cause[0] ? ": " : "", gerr.cause);
            rc = WS_OK;
        } else {
            *err = gerr;
            return rc;
        }
    }
    if (!ci->glm_done)
        rc = ws_rates_expected_theta(P, n, ci->theta, E, err);
    for (i = 0; !rc && i < n; i++)
        ci->n_without_profile += P[i] > 0 && isnan(E[i]);
    return rc;
}

/* expected of a wijk or gemeente: the sum of its buurten's; a buurt with a
 * population but no expected (no complete covariate profile) contributes
 * theta_buurt P. */
static void expected_sum(const struct input *in, struct level *L, const struct level *B, size_t y,
                         size_t c, struct scratch *sc, struct cell_info *ci)
{
    size_t n = L->n;
    double *E = L->f[F_EXP] + (y * in->nc + c) * n;
    const double *Eb = B->f[F_EXP] + (y * in->nc + c) * in->nb;
    const double *Pb = B->P + y * in->nb;
    double theta_b = B->theta[y * in->nc + c];
    size_t i;

    ci->exp_method = "sum of buurten";
    memset(sc->acc, 0, n * sizeof(double));
    memset(sc->has, 0, n * sizeof(bool));
    for (i = 0; i < in->nb; i++) {
        size_t a = L->of_buurt[i];
        double e = Eb[i];
        if (a == NO_INDEX || !(Pb[i] > 0))
            continue;
        if (isnan(e)) {
            e = theta_b * Pb[i];
            ci->n_theta_filled++;
        }
        sc->acc[a] += e;
        sc->has[a] = true;
    }
    for (i = 0; i < n; i++)
        E[i] = sc->has[i] ? sc->acc[i] : NAN;
}

static void cell_islands(const struct level *L, const struct ws_weights *ws, size_t m,
                         const size_t *kept, struct cell_info *ci)
{
    size_t k;

    for (k = 0; k < m; k++) {
        const char *code;
        if (ws_weights_card(ws, k) != 0)
            continue;
        code = L->areas[kept[k]].code;
        ws_json_elem_str(&ci->islands, code);
        if (ci->n_islands < WARN_MAX_CODES)
            ws_strbuf_addf(&ci->island_codes, "%s%s", ci->n_islands ? ", " : "", code);
        ci->n_islands++;
    }
}

/* Moran's I and LISA on eb_rate over the usable areas. */
static int cell_moran(const struct ws_analyse_cfg *cfg, const struct input *in, struct level *L,
                      size_t y, size_t c, struct scratch *sc, struct cell_info *ci,
                      struct ws_err *err)
{
    size_t n = L->n;
    size_t off = (y * in->nc + c) * n;
    const double *O = L->O + off;
    const double *P = L->P + y * n;
    const double *eb = L->f[F_EB] + off;
    struct ws_weights ws;
    struct ws_moran_opts mo = WS_MORAN_OPTS_INIT;
    size_t m = 0;
    size_t i;
    size_t k;
    int rc;

    ws_weights_init(&ws);
    for (i = 0; i < n; i++) {
        sc->keep[i] = ws_rates_usable(O[i], P[i]);
        if (sc->keep[i]) {
            sc->kept[m] = i;
            sc->x[m] = eb[i];
            m++;
        }
    }
    if (m < 2) {
        ci->moran_reason = ci->lisa_reason = "fewer than 2 areas with data at this level";
        return WS_OK;
    }
    rc = ws_weights_subset(&L->w, sc->keep, &ws, err);
    if (rc)
        goto out;
    mo.nsim = ci->nsim;
    mo.seed = ci->seed;
    mo.n_threads = cfg->n_threads;
    mo.fdr = cfg->fdr;
    rc = ws_moran_global(&ws, sc->x, &mo, &ci->mg, err);
    if (!rc)
        rc = ws_moran_local(&ws, sc->x, &mo, &ci->lisa, err);
    if (rc)
        goto out;
    ci->moran_run = true;
    cell_islands(L, &ws, m, sc->kept, ci);
    if (ci->mg.valid != WS_MORAN_VALID)
        ci->moran_reason = ws_moran_validity_text(ci->mg.valid);
    if (ci->lisa.valid != WS_MORAN_VALID)
        ci->lisa_reason = ws_moran_validity_text(ci->lisa.valid);
    for (k = 0; k < m; k++) {
        size_t o = off + sc->kept[k];
        enum ws_lisa_cluster cl = ci->lisa.cluster[k];
        if (cl == WS_LISA_ISOLATED) {
            L->cluster[o] = (unsigned char)(cl + 1);
            continue;
        }
        if (ci->lisa.valid != WS_MORAN_VALID)
            continue; // NULL, the reason is in the JSON
        L->f[F_LI][o] = ci->lisa.ii[k];
        L->f[F_LZ][o] = ci->lisa.z_ii[k];
        L->f[F_LP][o] = ci->lisa.p_sim[k];
        L->cluster[o] = (unsigned char)(cl + 1);
    }
out:
    ws_weights_release(&ws);
    return rc;
}

static void json_glm(struct ws_strbuf *sb, const struct input *in, const struct cell_info *ci)
{
    const struct ws_glm_result *g = &ci->glm;
    size_t k;

    ws_json_key(sb, "glm");
    if (!ci->glm_done || ci->model_withheld) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    ws_strbuf_addch(sb, '{');
    ws_json_key(sb, "covariates");
    ws_strbuf_addch(sb, '[');
    for (k = 0; k < in->ncov; k++)
        ws_json_elem_str(sb, in->cov_names[k]);
    ws_strbuf_addch(sb, ']');
    ws_json_ksize(sb, "n", g->n_used);
    ws_json_key(sb, "coefficients");
    ws_strbuf_addch(sb, '[');
    for (k = 0; k <= g->n_cov; k++) {
        ws_json_sep(sb);
        ws_strbuf_addch(sb, '{');
        ws_json_kstr(sb, "term", k == 0 ? "(Intercept)" : in->cov_names[k - 1]);
        ws_json_knum(sb, "estimate", g->coef[k]);
        ws_json_knum(sb, "se", g->se[k]);
        ws_json_knum(sb, "z", g->z[k]);
        ws_json_knum(sb, "p", g->p[k]);
        ws_json_knum(sb, "estimate_std", g->coef_std[k]);
        ws_json_knum(sb, "se_std", g->se_std[k]);
        ws_json_knum(sb, "z_std", g->z_std[k]);
        ws_json_knum(sb, "p_std", g->p_std[k]);
        ws_strbuf_addch(sb, '}');
    }
    ws_strbuf_addch(sb, ']');
    ws_json_knum(sb, "deviance", g->deviance);
    ws_json_knum(sb, "null_deviance", g->null_deviance);
    ws_json_knum(sb, "pearson_dispersion", g->pearson_dispersion);
    ws_json_knum(sb, "aic", g->aic);
    ws_json_ksize(sb, "df_residual", g->df_residual);
    ws_json_ksize(sb, "df_null", g->df_null);
    ws_json_ksize(sb, "iterations", (size_t)g->iterations);
    ws_json_key(sb, "converged");
    ws_strbuf_adds(sb, g->converged ? "true" : "false");
    ws_strbuf_addch(sb, '}');
}

static void json_moran(struct ws_strbuf *sb, const struct cell_info *ci)
{
    const struct ws_moran_global *g = &ci->mg;

    ws_json_key(sb, "moran");
    if (!ci->moran_run || g->valid != WS_MORAN_VALID) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    ws_strbuf_addch(sb, '{');
    ws_json_ksize(sb, "n", g->n_used);
    ws_json_ksize(sb, "n_islands", g->n_islands);
    ws_json_knum(sb, "I", g->i);
    ws_json_knum(sb, "expectation", g->expected);
    ws_json_knum(sb, "variance_normality", g->var_norm);
    ws_json_knum(sb, "z_normality", g->z_norm);
    ws_json_knum(sb, "p_normality", g->p_norm);
    ws_json_knum(sb, "variance_randomisation", g->var_rand);
    ws_json_knum(sb, "z_randomisation", g->z_rand);
    ws_json_knum(sb, "p_randomisation", g->p_rand);
    ws_json_knum(sb, "p_permutation", g->p_sim);
    ws_json_ksize(sb, "nsim", g->nsim);
    ws_json_key(sb, "seed");
    ws_strbuf_addf(sb, "%llu", (unsigned long long)ci->seed);
    ws_strbuf_addch(sb, '}');
}

static void json_lisa(struct ws_strbuf *sb, const struct ws_analyse_cfg *cfg,
                      const struct cell_info *ci)
{
    size_t count[WS_LISA_ISOLATED + 1];
    size_t k;
    int q;

    ws_json_key(sb, "lisa");
    if (!ci->moran_run || ci->lisa.valid != WS_MORAN_VALID) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    memset(count, 0, sizeof(count));
    for (k = 0; k < ci->lisa.n; k++)
        count[ci->lisa.cluster[k]]++;
    ws_strbuf_addch(sb, '{');
    ws_json_ksize(sb, "n", ci->lisa.n_used);
    ws_json_ksize(sb, "nsim", ci->lisa.nsim);
    ws_json_knum(sb, "fdr", cfg->fdr);
    ws_json_key(sb, "seed");
    ws_strbuf_addf(sb, "%llu", (unsigned long long)ci->seed);
    ws_json_key(sb, "clusters");
    ws_strbuf_addch(sb, '{');
    for (q = WS_LISA_HH; q <= WS_LISA_LH; q++)
        ws_json_ksize(sb, ws_lisa_cluster_name((enum ws_lisa_cluster)q), count[q]);
    ws_json_ksize(sb, ws_lisa_cluster_name(WS_LISA_NS), count[WS_LISA_NS]);
    ws_json_ksize(sb, ws_lisa_cluster_name(WS_LISA_ISOLATED), count[WS_LISA_ISOLATED]);
    ws_strbuf_addch(sb, '}');
    ws_strbuf_addch(sb, '}');
}

/* Appends a reason to a "; "-separated list. */
static void why_add(struct ws_strbuf *why, const char *fmt, ...) WS_PRINTF(2, 3);
static void why_add(struct ws_strbuf *why, const char *fmt, ...)
{
    va_list ap;

    if (why->len)
        ws_strbuf_adds(why, "; ");
    va_start(ap, fmt);
    ws_strbuf_vaddf(why, fmt, ap);
    va_end(ap);
}

/* Writes "key": why (when why is not empty) and empties why. */
static void why_flush(struct ws_strbuf *sb, const char *key, struct ws_strbuf *why)
{
    if (why->len)
        ws_json_kstr(sb, key, why->buf);
    ws_strbuf_reset(why);
}

/* Why figures of an analysis are NULL ("null_reasons"). */
static void json_null_reasons(struct ws_strbuf *sb, const struct input *in, const struct level *L,
                              size_t y, const struct cell_info *ci)
{
    struct ws_strbuf why = WS_STRBUF_INIT;
    size_t no_data = L->n - ci->n_data;

    ws_json_key(sb, "null_reasons");
    ws_strbuf_addch(sb, '{');
    if (no_data)
        why_add(&why, "%zu of %zu areas have no population (missing or 0)", no_data, L->n);
    why_flush(sb, "rates", &why);
    if (ci->n_without_profile > 0)
        why_add(&why, "%zu buurten with a population lack a covariate", ci->n_without_profile);
    if (no_data)
        why_add(&why, "areas without a population have no expected count");
    why_flush(sb, "expected", &why);
    if (ci->moran_reason)
        why_add(&why, "%s", ci->moran_reason);
    why_flush(sb, "moran", &why);
    if (ci->lisa_reason)
        why_add(&why, "%s", ci->lisa_reason);
    if (ci->n_islands > 0)
        why_add(&why, "%zu areas have no neighbour with data ('isolated')", ci->n_islands);
    if (no_data)
        why_add(&why, "areas without a population are left out");
    why_flush(sb, "lisa", &why);
    if (!ci->trend && in->span[y] > 1)
        why_add(&why, "no complete period %d-%d in the data", in->years[y] - 2 * in->span[y] + 1,
                in->years[y] - in->span[y]);
    else if (!ci->trend)
        why_add(&why, "no cases for %d in the data", in->years[y] - 1);
    why_flush(sb, "trend", &why);
    ws_strbuf_addch(sb, '}');
    ws_strbuf_release(&why);
}

/* One analysis: one line of its own (protect.c leaves out the lines of
 * withheld year x categories by that). */
static void json_cell(struct ws_strbuf *sb, const struct ws_analyse_cfg *cfg,
                      const struct input *in, const struct level *L, size_t y, size_t c,
                      const struct cell_info *ci)
{
    ws_json_sep(sb);
    ws_strbuf_adds(sb, "\n{");
    ws_json_kstr(sb, "level", ws_level_name(L->level));
    ws_json_key(sb, "year");
    ws_strbuf_addf(sb, "%d", in->years[y]);
    if (in->span[y] > 1) {
        ws_json_key(sb, "period");
        ws_strbuf_addf(sb, "%d", in->span[y]);
    }
    ws_json_kstr(sb, "category", in->cats[c]);
    ws_json_key(sb, "statistics_year");
    if (in->stat_years[y])
        ws_strbuf_addf(sb, "%d", in->stat_years[y]);
    else
        ws_strbuf_adds(sb, "null");
    ws_json_ksize(sb, "n_areas", L->n);
    ws_json_ksize(sb, "n_with_data", ci->n_data);
    ws_json_knum(sb, "theta", ci->theta);
    ws_json_key(sb, "eb");
    ws_strbuf_addch(sb, '{');
    ws_json_knum(sb, "a", ci->eb_a);
    ws_json_knum(sb, "b", ci->eb_b);
    ws_strbuf_addch(sb, '}');
    ws_json_key(sb, "expected");
    ws_strbuf_addch(sb, '{');
    ws_json_kstr(sb, "method", ci->exp_method);
    ws_json_kstr(sb, "glm_error", ci->glm_error[0] ? ci->glm_error : NULL);
    ws_json_ksize(sb, "n_without_profile", ci->n_without_profile);
    ws_json_ksize(sb, "n_profile_imputed",
                  L->level == WS_LEVEL_BUURT && ci->glm_done ? in->imputed[y] : 0);
    ws_json_ksize(sb, "n_buurten_theta_filled", ci->n_theta_filled);
    ws_json_key(sb, "withheld");
    ws_strbuf_adds(sb, ci->model_withheld ? "true" : "false");
    ws_strbuf_addch(sb, '}');
    if (L->level == WS_LEVEL_BUURT)
        json_glm(sb, in, ci);
    json_moran(sb, ci);
    json_lisa(sb, cfg, ci);
    ws_json_key(sb, "islands");
    ws_strbuf_addch(sb, '[');
    ws_strbuf_adds(sb, ci->islands.buf);
    ws_strbuf_addch(sb, ']');

    json_null_reasons(sb, in, L, y, ci);
    ws_strbuf_addch(sb, '}');
}

static void cell_info_release(struct cell_info *ci)
{
    ws_glm_result_release(&ci->glm);
    ws_lisa_release(&ci->lisa);
    ws_strbuf_release(&ci->islands);
    ws_strbuf_release(&ci->island_codes);
}

/* Computes every figure of one level, year and category into L's arrays
 * and appends its JSON entry. */
static int analyse_cell(const struct ws_analyse_cfg *cfg, const struct input *in, struct level *L,
                        const struct level *B, size_t y, size_t c, bool buurt_level,
                        struct scratch *sc, struct ws_strbuf *json, struct ws_warnings *warn,
                        struct timing *tm, struct ws_err *err)
{
    double t0 = now_s();
    double t1;
    size_t n = L->n;
    size_t off = (y * in->nc + c) * n;
    const double *O = L->O + off;
    const double *P = L->P + y * n;
    struct cell_info ci;
    size_t i;
    int rc;

    memset(&ci, 0, sizeof(ci));
    ws_glm_result_init(&ci.glm);
    ws_lisa_init(&ci.lisa);
    ws_strbuf_init(&ci.islands);
    ws_strbuf_init(&ci.island_codes);
    ci.seed = ws_analyse_seed(cfg->seed, L->level, in->years[y], in->cats[c]);
    ci.nsim =
        buurt_level && y + 1 == in->ny_years && c == in->all_c ? cfg->nsim_main : cfg->nsim_other;
    for (i = 0; i < n; i++)
        ci.n_data += ws_rates_usable(O[i], P[i]);

    if ((rc = rates_crude(&in->gc, O, P, n, L->f[F_RATE] + off, L->f[F_LO] + off, L->f[F_HI] + off,
                          err)) ||
        (rc = ws_rates_theta(O, P, n, &ci.theta, err)) ||
        (rc = ws_rates_ratio_avg(O, P, n, ci.theta, L->f[F_RATIO] + off, L->f[F_PP] + off, err)))
        goto out;
    L->theta[y * in->nc + c] = ci.theta;
    t1 = now_s();
    tm->rates += t1 - t0;
    t0 = t1;
    if (L->level == WS_LEVEL_BUURT) {
        rc = expected_buurt(in, L, y, c, &ci, err);
        ci.model_withheld = !rc && ci.glm_done &&
                            ws_rates_model_withheld(O, P, L->f[F_EXP] + off, n, cfg->min_count);
    } else
        expected_sum(in, L, B, y, c, sc, &ci);
    if (rc || (rc = rates_oe(&in->gc, O, L->f[F_EXP] + off, n, L->f[F_OE] + off, L->f[F_OELO] + off,
                             L->f[F_OEHI] + off, err)))
        goto out;
    t1 = now_s();
    tm->expected += t1 - t0;
    t0 = t1;
    if ((rc = ws_ebayes_global(O, P, n, L->f[F_EB] + off, &ci.eb_a, &ci.eb_b, err)) ||
        (rc = ws_ebayes_local(O, P, n, L->w.nb_start, L->w.nb_idx, L->f[F_SEB] + off, NULL, NULL,
                              err)))
        goto out;
    if (ci.glm_error[0])
        ws_warnings_add(warn,
                        "the buurt model for %d, category '%s' could not be fitted (%s); its "
                        "expected counts are the study average (theta P)",
                        in->years[y], in->cats[c], ci.glm_error);
    t1 = now_s();
    tm->eb += t1 - t0;
    t0 = t1;
    if ((rc = cell_moran(cfg, in, L, y, c, sc, &ci, err)))
        goto out;
    t1 = now_s();
    tm->moran += t1 - t0;
    t0 = t1;
    if (c == in->all_c) {
        L->n_islands[y] = ci.n_islands;
        L->islands_text[y] = ws_xstrdup(ci.island_codes.buf);
    }
    if (y > 0 && in->span[y - 1] == in->span[y] && in->years[y - 1] == in->years[y] - in->span[y]) {
        size_t prev = ((y - 1) * in->nc + c) * n;
        ci.trend = true;
        rc = ws_trend_binom(L->O + prev, L->P + (y - 1) * n, O, P, n, L->f[F_TRR] + off,
                            L->f[F_TP] + off, err);
        if (rc)
            goto out;
    }
    json_cell(json, cfg, in, L, y, c, &ci);
    tm->trend += now_s() - t0;
out:
    if (rc)
        ws_err_where(err, "%s level, %d, category '%s'", ws_level_name(L->level), in->years[y],
                     in->cats[c]);
    cell_info_release(&ci);
    return rc;
}

/* One warning per run of years with the same islands at a level. */
static void warn_islands(const struct input *in, const struct level *L, struct ws_warnings *warn)
{
    size_t y = 0;

    while (y < in->ny_years) { // a period's islands are those of its last year
        size_t z = y + 1;
        size_t k = L->n_islands[y];
        while (z < in->ny_years && L->n_islands[z] == k &&
               strcmp(L->islands_text[z], L->islands_text[y]) == 0)
            z++;
        if (k > 0) {
            char years[32];
            if (z - y > 1)
                (void)snprintf(years, sizeof(years), "%d-%d", in->years[y], in->years[z - 1]);
            else
                (void)snprintf(years, sizeof(years), "%d", in->years[y]);
            ws_warnings_add(warn,
                            "%s level, %s: %zu area%s without a neighbour among the areas with "
                            "data, left out of Moran's I and LISA ('isolated'): %s%s",
                            ws_level_name(L->level), years, k, k == 1 ? "" : "s",
                            L->islands_text[y], k > WARN_MAX_CODES ? ", ..." : "");
        }
        y = z;
    }
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */

static void fill_row(struct ws_indicator *r, const struct input *in, const struct level *L,
                     size_t a, size_t y, size_t c)
{
    const struct ws_area *area = &L->areas[a];
    size_t o = (y * in->nc + c) * L->n + a;
    unsigned char cl = L->cluster[o];

    r->code = ws_xstrdup(area->code);
    r->name = ws_xstrdup(area->name ? area->name : area->code);
    r->parent = ws_xstrdup(area->parent);
    r->level = L->level;
    r->year = in->years[y];
    r->period = in->span[y];
    r->category = ws_xstrdup(in->cats[c]);
    r->population = L->P[y * L->n + a];
    r->cases = L->O[o];
    r->rate_per_1000 = L->f[F_RATE][o];
    r->rate_ci_low = L->f[F_LO][o];
    r->rate_ci_high = L->f[F_HI][o];
    r->ratio_avg = L->f[F_RATIO][o];
    r->poisson_p = L->f[F_PP][o];
    r->expected = L->f[F_EXP][o];
    r->oe_ratio = L->f[F_OE][o];
    r->oe_ci_low = L->f[F_OELO][o];
    r->oe_ci_high = L->f[F_OEHI][o];
    r->eb_rate = L->f[F_EB][o];
    r->seb_rate = L->f[F_SEB][o];
    r->lisa_i = L->f[F_LI][o];
    r->lisa_z = L->f[F_LZ][o];
    r->lisa_p = L->f[F_LP][o];
    if (cl)
        (void)snprintf(r->lisa_cluster, sizeof(r->lisa_cluster), "%s",
                       ws_lisa_cluster_name((enum ws_lisa_cluster)(cl - 1)));
    r->trend_rr = L->f[F_TRR][o];
    r->trend_p = L->f[F_TP][o];
    r->priority_rank = L->rank && c == in->all_c ? L->rank[y * L->n + a] : 0;
    r->suppressed = WS_SUPP_NONE;
    r->buurten = L->members ? ws_xstrdup(L->members[a]) : NULL;
}

/* Writes a level's rows in key order (code, year, category). */
static int write_level(ws_analyse_emit_fn emit, void *ctx, const struct input *in,
                       const struct level *L, struct ws_err *err)
{
    struct ws_indicator_set chunk = {0};
    size_t r;
    size_t y;
    size_t c;
    int rc = WS_OK;

    for (r = 0; !rc && r < L->n; r++) {
        for (y = 0; y < in->ny; y++)
            for (c = 0; c < in->nc; c++)
                fill_row(ws_indicator_set_add(&chunk), in, L, L->order[r], y, c);
        if (chunk.n >= ROW_CHUNK || r + 1 == L->n) {
            rc = emit(ctx, chunk.rows, chunk.n, err);
            ws_indicator_set_release(&chunk);
        }
    }
    ws_indicator_set_release(&chunk);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* The stage                                                                 */

static void json_head(struct ws_strbuf *sb, const struct ws_analyse_cfg *cfg,
                      const struct input *in, const struct level *lv, size_t n_levels)
{
    size_t i;
    size_t k;

    ws_strbuf_addch(sb, '{');
    ws_json_kstr(sb, "format", "wijkscan-statistics/1");
    ws_json_key(sb, "seed");
    ws_strbuf_addf(sb, "%llu", (unsigned long long)cfg->seed);
    ws_json_kstr(sb, "weights", cfg->weights);
    ws_json_ksize(sb, "permutations", cfg->nsim_main);
    ws_json_ksize(sb, "permutations_other", cfg->nsim_other);
    ws_json_knum(sb, "fdr", cfg->fdr);
    ws_json_key(sb, "covariates");
    ws_strbuf_addch(sb, '[');
    for (k = 0; k < in->ncov; k++)
        ws_json_elem_str(sb, in->cov_names[k]);
    ws_strbuf_addch(sb, ']');
    ws_json_key(sb, "years");
    ws_strbuf_addch(sb, '[');
    for (k = 0; k < in->ny_years; k++) {
        ws_json_sep(sb);
        ws_strbuf_addf(sb, "%d", in->years[k]);
    }
    ws_strbuf_addch(sb, ']');
    if (in->ny > in->ny_years) {
        ws_json_key(sb, "periods");
        ws_strbuf_addch(sb, '[');
        for (k = in->ny_years; k < in->ny; k++) {
            ws_json_sep(sb);
            ws_strbuf_addf(sb, "\"%d-%d\"", in->years[k] - in->span[k] + 1, in->years[k]);
        }
        ws_strbuf_addch(sb, ']');
    }
    ws_json_key(sb, "categories");
    ws_strbuf_addch(sb, '[');
    for (k = 0; k < in->nc; k++)
        ws_json_elem_str(sb, in->cats[k]);
    ws_strbuf_addch(sb, ']');
    ws_json_key(sb, "levels");
    ws_strbuf_addch(sb, '[');
    for (i = 0; i < n_levels; i++) {
        const struct level *L = &lv[i];
        ws_json_sep(sb);
        ws_strbuf_adds(sb, "\n{");
        ws_json_kstr(sb, "level", ws_level_name(L->level));
        ws_json_ksize(sb, "n_areas", L->n);
        ws_json_key(sb, "islands");
        ws_strbuf_addch(sb, '[');
        // a level of one area has no neighbours, but is no island either
        for (k = 0; L->n > 1 && k < L->n; k++)
            if (ws_weights_card(&L->w, L->order[k]) == 0)
                ws_json_elem_str(sb, L->areas[L->order[k]].code);
        ws_strbuf_adds(sb, "]}");
    }
    ws_strbuf_addch(sb, ']');
    ws_json_key(sb, "analyses");
    ws_strbuf_addch(sb, '[');
}

/* Missing covariate values of buurten with a population, from their wijk,
 * gemeente or the study (impute.h), year by year. */
static void impute_profiles(struct input *in, const struct ws_area *buurten)
{
    const char **keys = ws_xmalloc(ws_st_mult(in->nb + 1, sizeof(*keys)));
    size_t *wijk = ws_xmalloc(ws_st_mult(in->nb + 1, sizeof(size_t)));
    size_t *gem = ws_xmalloc(ws_st_mult(in->nb + 1, sizeof(size_t)));
    bool *hit = ws_xmalloc(in->nb + 1);
    size_t n_wijk;
    size_t n_gem;

    for (size_t i = 0; i < in->nb; i++)
        keys[i] = buurten[i].parent;
    n_wijk = ws_impute_group_ids(keys, in->nb, wijk);
    for (size_t i = 0; i < in->nb; i++)
        keys[i] = buurten[i].gemeente;
    n_gem = ws_impute_group_ids(keys, in->nb, gem);
    in->imputed = ws_xcalloc(in->ny + 1, sizeof(size_t));
    for (size_t y = 0; y < in->ny; y++) {
        memset(hit, 0, in->nb);
        for (size_t k = 0; k < in->ncov; k++)
            (void)ws_impute_group_mean(in->X + (y * in->ncov + k) * in->nb, in->P + y * in->nb,
                                       in->nb, wijk, n_wijk, gem, n_gem, hit);
        for (size_t i = 0; i < in->nb; i++)
            in->imputed[y] += hit[i];
    }
    free(keys);
    free(wijk);
    free(gem);
    free(hit);
}

/* Grows the slot arrays from ny_years to ny_years + p->n entries. */
static void grow_slots(struct input *in, const struct ws_periods *p)
{
    size_t ny = in->ny_years + p->n;
    size_t nb = in->nb;

    in->years = ws_xrealloc(in->years, ws_st_mult(ny + 1, sizeof(int)));
    in->span = ws_xrealloc(in->span, ws_st_mult(ny + 1, sizeof(int)));
    in->stat_years = ws_xrealloc(in->stat_years, ws_st_mult(ny + 1, sizeof(int)));
    in->filled = ws_xrealloc(in->filled, ws_st_mult(ny + 1, sizeof(size_t)));
    in->imputed = ws_xrealloc(in->imputed, ws_st_mult(ny + 1, sizeof(size_t)));
    in->P = ws_xrealloc(in->P, ws_st_mult(ws_st_mult(ny, nb) + 1, sizeof(double)));
    in->X = ws_xrealloc(in->X,
                        ws_st_mult(ws_st_mult(ws_st_mult(ny, in->ncov), nb) + 1, sizeof(double)));
    in->O =
        ws_xrealloc(in->O, ws_st_mult(ws_st_mult(ws_st_mult(ny, in->nc), nb) + 1, sizeof(double)));
}

/* Appends the pooled periods of `span` years as slots after the years: O
 * and P are the sums over the period's years (P: population-years), the
 * covariates, statistics year and counts of filled and imputed cells are
 * those of its last year. */
static int add_periods(struct input *in, int span, struct ws_err *err)
{
    struct ws_periods p = WS_PERIODS_INIT;
    size_t ny0 = in->ny_years;
    size_t nb = in->nb;
    int rc = ws_periods_plan(in->years, ny0, span, &p, err);

    if (rc || p.n == 0) {
        ws_periods_release(&p);
        return rc;
    }
    grow_slots(in, &p);
    ws_periods_sum(&p, in->P, nb, in->P + ny0 * nb);
    ws_periods_sum(&p, in->O, in->nc * nb, in->O + ny0 * in->nc * nb);
    for (size_t k = 0; k < p.n; k++) {
        size_t y = ny0 + k;
        size_t last = p.first[k] + (size_t)span - 1;
        in->years[y] = p.last[k];
        in->span[y] = span;
        in->stat_years[y] = in->stat_years[last];
        in->filled[y] = in->filled[last];
        in->imputed[y] = in->imputed[last];
        if (in->ncov)
            memcpy(in->X + y * in->ncov * nb, in->X + last * in->ncov * nb,
                   in->ncov * nb * sizeof(double));
    }
    in->ny = ny0 + p.n;
    ws_periods_release(&p);
    return WS_OK;
}

/* The inputs into in (with the pooled periods of `span` years), and the
 * buurten into buurt->areas. */
static int read_inputs(const struct ws_analyse_input *ai, int span, struct input *in,
                       struct level *buurt, struct ws_err *err)
{
    struct code_ix *bix = NULL;
    int rc;

    in->cov_names = ai->cov_names;
    in->ncov = ai->n_covariates;
    rc = collect_keys(ai->cases, ai->n_cases, in, err);
    if (rc)
        return rc;
    // the buurten fix nb and the buurt index
    buurt->areas = ai->areas[WS_LEVEL_BUURT];
    buurt->n = ai->n_areas[WS_LEVEL_BUURT];
    if (buurt->n == 0) {
        (void)ws_err_set(err, WS_ENOINPUT, "the store holds no buurten");
        ws_err_hint(err, "run 'wijkscan load' (or 'wijkscan run') first");
        return WS_ENOINPUT;
    }
    in->nb = buurt->n;
    bix = index_areas(buurt->areas, buurt->n);
    rc = fill_statistics(ai->stats, ai->n_stats, buurt->areas, bix, in, err);
    if (!rc)
        impute_profiles(in, buurt->areas);
    if (!rc)
        rc = fill_cases(ai->cases, ai->n_cases, bix, in, err);
    if (!rc)
        rc = add_periods(in, span, err);
    free(bix);
    return rc;
}

static void warn_filled(const struct input *in, struct ws_warnings *warn)
{
    size_t y;

    for (y = 0; y < in->ny_years; y++)
        if (in->ncov > 0 && in->imputed[y] > 0)
            ws_warnings_add(warn,
                            "%d: %zu buurt%s with a population lack%s a covariate value; the model "
                            "uses the population-weighted mean of the wijk (else the gemeente) "
                            "instead",
                            in->years[y], in->imputed[y], in->imputed[y] == 1 ? "" : "en",
                            in->imputed[y] == 1 ? "s" : "");
    for (y = 0; y < in->ny_years; y++)
        if (in->filled[y] > 0)
            ws_warnings_add(warn,
                            "%d: %zu buurt x category cell%s of buurten with a population have no "
                            "row in the case table and count as 0 cases",
                            in->years[y], in->filled[y], in->filled[y] == 1 ? "" : "s");
}

/* Builds the levels that have areas (buurt first) into lv[0 .. *n_levels)
 * and the interval cache. */
static int build_levels(const struct ws_analyse_input *ai, const struct ws_analyse_cfg *cfg,
                        struct input *in, struct level *lv, size_t *n_levels, struct ws_err *err)
{
    double max = -1;
    size_t i;
    int rc = WS_OK;

    *n_levels = 0;
    for (i = 0; i < WS_N_LEVELS && !rc; i++) {
        rc = level_build(ai, (enum ws_level)i, cfg, in, &lv[0], &lv[*n_levels], err);
        if (!rc && lv[*n_levels].n > 0)
            (*n_levels)++;
        else
            level_release(&lv[*n_levels]);
    }
    if (rc)
        return rc;
    // the buurt counts: most cells; the larger wijk and gemeente counts
    // are rarer, and slow to invert, so they are computed when met
    for (i = 0; i < in->ny * in->nc * in->nb; i++)
        max = in->O[i] > max ? in->O[i] : max;
    return garwood_cache_build(&in->gc, max, err);
}

/* Prevention priority (priority.h) of the buurten, per year, on category
 * 'all': need = 1000 expected / P, demand = eb_rate, trend, HH cluster. */
static int priority_ranks(const struct ws_analyse_cfg *cfg, const struct input *in, struct level *B,
                          struct ws_err *err)
{
    size_t n = B->n;
    double *need = ws_xcalloc(n + 1, sizeof(double));
    bool *hh = ws_xcalloc(n + 1, sizeof(bool));
    bool *usable = ws_xcalloc(n + 1, sizeof(bool));
    int rc = WS_OK;

    B->rank = ws_xcalloc(in->ny * n + 1, sizeof(long));
    for (size_t y = 0; y < in->ny && !rc; y++) {
        size_t off = (y * in->nc + in->all_c) * n;
        struct ws_priority_input pi;
        for (size_t i = 0; i < n; i++) {
            double P = B->P[y * n + i];
            usable[i] = P > 0;
            need[i] = usable[i] ? 1000.0 * B->f[F_EXP][off + i] / P : NAN;
            hh[i] = B->cluster[off + i] == (unsigned char)(WS_LISA_HH + 1);
        }
        memset(&pi, 0, sizeof(pi));
        pi.n = n;
        pi.need = need;
        pi.demand = B->f[F_EB] + off;
        pi.trend_rr = B->f[F_TRR] + off;
        pi.trend_p = B->f[F_TP] + off;
        pi.in_hh_cluster = hh;
        pi.usable = usable;
        rc = ws_priority_score(&pi, &cfg->prio, NULL, B->rank + y * n, NULL, err);
    }
    free(need);
    free(hh);
    free(usable);
    return rc;
}

/* Every analysis of every level, year and category, in that order (the
 * wijk and gemeente levels need the buurten's expected). */
static int analyse_levels(const struct ws_analyse_cfg *cfg, const struct input *in,
                          struct level *lv, size_t n_levels, struct ws_strbuf *json,
                          struct ws_warnings *warn, struct timing *tm, struct ws_err *err)
{
    struct scratch sc;
    size_t i;
    size_t y;
    size_t c;
    int rc = WS_OK;

    for (i = 0; i < n_levels && !rc; i++) {
        struct level *L = &lv[i];
        scratch_alloc(&sc, L->n);
        for (y = 0; y < in->ny && !rc; y++) {
            for (c = 0; c < in->nc && !rc; c++) {
                ws_log_progress("analyse: %s level, %d (%d year%s), %s", ws_level_name(L->level),
                                in->years[y], in->span[y], in->span[y] == 1 ? "" : "s",
                                in->cats[c]);
                rc = analyse_cell(cfg, in, L, &lv[0], y, c, i == 0, &sc, json, warn, tm, err);
            }
        }
        scratch_release(&sc);
        if (!rc)
            warn_islands(in, L, warn);
        if (!rc && (L->level == WS_LEVEL_BUURT || L->level == WS_LEVEL_GEBIED) &&
            in->all_c < in->nc)
            rc = priority_ranks(cfg, in, L, err);
    }
    ws_log_progress_done();
    return rc;
}

int ws_analyse_run(const struct ws_analyse_cfg *cfg, const struct ws_analyse_input *ai,
                   ws_analyse_emit_fn emit, void *ctx, char **statistics_json,
                   struct ws_warnings *warnings, struct ws_err *err)
{
    struct ws_warnings own = WS_WARNINGS_INIT;
    struct ws_warnings *warn = warnings ? warnings : &own;
    struct ws_strbuf json = WS_STRBUF_INIT;
    struct level lv[WS_N_LEVELS];
    struct input in;
    struct timing tm;
    double t0 = now_s();
    size_t n_levels = 0;
    size_t i;
    int rc;

    *statistics_json = NULL;
    memset(lv, 0, sizeof(lv));
    memset(&in, 0, sizeof(in));
    memset(&tm, 0, sizeof(tm));
    rc = read_inputs(ai, cfg->period, &in, &lv[0], err);
    if (rc)
        goto out;
    warn_filled(&in, warn);
    tm.read = now_s() - t0;
    t0 = now_s();

    rc = build_levels(ai, cfg, &in, lv, &n_levels, err);
    if (rc)
        goto out;
    tm.levels = now_s() - t0;
    json_head(&json, cfg, &in, lv, n_levels);
    rc = analyse_levels(cfg, &in, lv, n_levels, &json, warn, &tm, err);
    if (rc)
        goto out;
    ws_strbuf_adds(&json, "]}\n");

    t0 = now_s();
    for (i = 0; i < n_levels && !rc; i++)
        rc = write_level(emit, ctx, &in, &lv[i], err);
    tm.write = now_s() - t0;
    if (!rc) {
        *statistics_json = ws_strbuf_detach(&json);
        ws_log_verbose("analyse: inputs %.2f s, levels and weights %.2f s, rates %.2f s, "
                       "expected %.2f s, EB %.2f s, Moran and LISA %.2f s, trend and JSON "
                       "%.2f s, rows %.2f s",
                       tm.read, tm.levels, tm.rates, tm.expected, tm.eb, tm.moran, tm.trend,
                       tm.write);
    }
out:
    for (i = 0; i < WS_N_LEVELS; i++)
        level_release(&lv[i]);
    input_release(&in);
    ws_strbuf_release(&json);
    ws_warnings_release(&own);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Analysis areas (gebieden)                                                 */

/* Index of each buurt's wijk (its gemeente when it has no wijk): equal keys,
 * equal index.  Owned (free with free()). */
static size_t *wijk_index(const struct ws_area *b, size_t n)
{
    struct code_ix *ix = ws_xmalloc(ws_st_mult(n + 1, sizeof(*ix)));
    size_t *out = ws_xmalloc(ws_st_mult(n + 1, sizeof(*out)));
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const char *key = b[i].parent ? b[i].parent : b[i].gemeente;
        ix[i].code = key ? key : "";
        ix[i].idx = i;
    }
    qsort(ix, n, sizeof(*ix), cmp_code_ix);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(ix[i].code, ix[i - 1].code) != 0)
            k++;
        out[ix[i].idx] = k;
    }
    free(ix);
    return out;
}

/* The regions input from the dense buurt arrays (the last slot: the latest
 * period, or the latest year without periods) and the
 * buurten's contiguity; cases and covar are caller-owned scratch. */
static void region_input(const struct ws_analyse_cfg *cfg, const struct input *in,
                         const struct ws_weights *w, const size_t *wijk, double *cases,
                         double *covar, struct ws_region_input *ri)
{
    size_t nb = in->nb;
    size_t y = in->ny ? in->ny - 1 : 0;

    for (size_t i = 0; in->ny && i < nb; i++) {
        cases[i] = in->O[(y * in->nc + in->all_c) * nb + i];
        for (size_t k = 0; k < in->ncov; k++)
            covar[i * in->ncov + k] = in->X[(y * in->ncov + k) * nb + i];
    }
    memset(ri, 0, sizeof(*ri));
    ri->n = nb;
    ri->wijk = wijk;
    ri->cases = cases;
    ri->population = in->ny ? in->P + y * nb : NULL;
    ri->nb_start = w->nb_start;
    ri->nb = w->nb_idx;
    ri->covar = in->ncov ? covar : NULL;
    ri->k = in->ncov;
    ri->threshold = (double)cfg->min_count;
    ri->seed = cfg->seed;
}

int ws_analyse_gebieden(const struct ws_analyse_cfg *cfg, const struct ws_analyse_input *ai,
                        struct ws_regions *out, char ***codes, char ***names, struct ws_err *err)
{
    struct ws_region_input ri;
    struct ws_weights w;
    struct level buurt;
    struct input in;
    struct ws_geom *geoms = NULL;
    double *cases = NULL;
    double *covar = NULL;
    size_t *wijk = NULL;
    const char **bcode = NULL;
    const char **bname = NULL;
    int rc;

    *codes = *names = NULL;
    memset(&buurt, 0, sizeof(buurt));
    memset(&in, 0, sizeof(in));
    ws_weights_init(&w);
    rc = read_inputs(ai, cfg->period, &in, &buurt, err);
    if (rc)
        goto out;
    geoms = ws_xmalloc(ws_st_mult(in.nb + 1, sizeof(*geoms)));
    bcode = ws_xcalloc(in.nb + 1, sizeof(char *));
    bname = ws_xcalloc(in.nb + 1, sizeof(char *));
    for (size_t i = 0; i < in.nb; i++) {
        geoms[i] = buurt.areas[i].geom; // shallow: borrowed for the call
        bcode[i] = buurt.areas[i].code;
        bname[i] = buurt.areas[i].name;
    }
    rc = ws_weights_contiguity(geoms, in.nb, cfg->queen, &w, err);
    if (rc)
        goto out;
    cases = ws_xcalloc(in.nb + 1, sizeof(double));
    covar = ws_xcalloc(ws_st_mult(in.nb, in.ncov) + 1, sizeof(double));
    wijk = wijk_index(buurt.areas, in.nb);
    region_input(cfg, &in, &w, wijk, cases, covar, &ri);
    rc = ws_regions_build(&ri, out, err);
    if (!rc)
        rc = ws_regions_label(out, bcode, bname, ri.population, codes, names, err);
    if (rc)
        ws_regions_release(out);
out:
    free(geoms);
    free(bcode);
    free(bname);
    free(cases);
    free(covar);
    free(wijk);
    ws_weights_release(&w);
    input_release(&in);
    return rc;
}
