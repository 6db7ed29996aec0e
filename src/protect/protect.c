/*
 * protect.c - from the raw indicator set to the published one (see
 * protect.h for the rules and the attacker model).
 *
 * The raw rows of one year form a hierarchical table: areas (buurt ->
 * gebied -> wijk -> gemeente -> the study; a buurt's gebied comes from
 * opts->buurten, without one the buurt is a part of its wijk) by columns ('all' and each category).
 * Every row becomes a cell of a protection table (suppress.h); every area with children gives one
 * relation per column (parent = sum of children), and every area one relation "all = sum of
 * categories".  The study is a virtual area whose cells are known to the attacker (fixed).  A row
 * that is missing (an area without a row for some category) is a hidden cell: unknown to the
 * attacker, never published.  Years never share a relation: the only published link between years
 * is the trend, and it is NULLed whenever it touches a suppressed cell.
 *
 * Invariants checked on the raw rows (WS_EINTERNAL: the analysis made them):
 * counts are whole numbers >= 0, (level, code, year, category) is unique,
 * every buurt and wijk resolves to a parent, and each relation adds up.
 */
#include "wijkscan/protect/protect.h"

#include "wijkscan/analyse/priority.h"
#include "wijkscan/analyse/rates.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/protect/suppress.h"
#include "wijkscan/protect/table.h"
#include "wijkscan/store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

#define ORDER_STUDY WS_N_LEVELS

struct key {
    const struct ws_indicator *r;
    size_t i; /* index in the raw set */
};

struct area {
    enum ws_level level;
    bool study;
    const char *code;
    const char *parent;
    size_t *row;  /* n_cols raw rows (NONE: missing) */
    size_t *cell; /* n_cols table cells (NONE: column absent this year) */
    size_t parent_area;
    size_t child_start, n_children; /* into the year's child list */
    size_t group; /* its subtable (as a parent), WS_SDC_NO_GROUP without children */
    double wval;  /* the withheld categories' sum (the last column) */
    bool whidden; /* ... with a missing row among them */
};

struct build {
    const struct ws_indicator_set *raw;
    const struct ws_protect_opts *opts;
    struct ws_sdc_table *t;
    char **cats; /* sorted distinct categories other than "all" (owned) */
    size_t n_cats, n_cols;
    const struct ws_area **bgem_area; /* opts->buurten sorted by code */
    size_t n_bgem;
    size_t *parts; /* scratch for one relation */
    size_t parts_cap;
    /* withheld: per year (index into years) and column, the categories
     * merged into one unpublished remainder column (n_cols: the remainder);
     * year_out: the whole year is withheld */
    int *years;
    size_t n_years;
    bool *wh;
    bool *year_out;
    char **why;      /* per year x column: why it was withheld (owned) */
    size_t *cell_yc; /* per table cell: year index x (n_cols + 1) + column, or NONE */
    double *stot;    /* per year index x (n_cols + 1) + column: the study-wide count */
    size_t n_cell_yc, cell_yc_cap;
};

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

static int cmp_key(const void *pa, const void *pb)
{
    const struct ws_indicator *a = ((const struct key *)pa)->r;
    const struct ws_indicator *b = ((const struct key *)pb)->r;
    int c;

    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if ((c = strcmp(str_or_empty(a->code), str_or_empty(b->code))) != 0)
        return c;
    return strcmp(str_or_empty(a->category), str_or_empty(b->category));
}

/* A cell's place in the series order (cmp_series). */
struct series_key {
    enum ws_level level;
    const char *code, *category;
    int year;
};

/* level, code, category, year: consecutive years of one cell are adjacent */
static int cmp_series(const struct series_key *a, const struct series_key *b)
{
    int c;

    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if ((c = strcmp(str_or_empty(a->code), str_or_empty(b->code))) != 0)
        return c;
    if ((c = strcmp(str_or_empty(a->category), str_or_empty(b->category))) != 0)
        return c;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return 0;
}

static int cmp_key_series(const void *pa, const void *pb)
{
    const struct ws_indicator *a = ((const struct key *)pa)->r;
    const struct ws_indicator *b = ((const struct key *)pb)->r;
    struct series_key ka = {a->level, a->code, a->category, a->year};
    struct series_key kb = {b->level, b->code, b->category, b->year};

    return cmp_series(&ka, &kb);
}

/* NULLs the fields of r that carry `flag` (indicator_fields.h). */
static void null_fields(struct ws_indicator *r, enum ws_field_flag flag)
{
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].flags & flag)
            ws_field_set_null(r, k);
}

/* year, category: the rows of one model fit are adjacent */
static int cmp_key_model(const void *pa, const void *pb)
{
    const struct ws_indicator *a = ((const struct key *)pa)->r;
    const struct ws_indicator *b = ((const struct key *)pb)->r;

    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return strcmp(a->category ? a->category : "", b->category ? b->category : "");
}

/* NULLs expected and O/E (the WS_FIELD_MODEL fields) at every level of each
 * year and category whose model would reveal a small total
 * (ws_rates_model_withheld; analyse.c leaves out the same fits'
 * coefficients).  Returns how many year x category fits were withheld. */
static size_t withhold_models(struct ws_indicator_set *set, long min_count)
{
    size_t n = set->n;
    size_t n_withheld = 0;
    struct key *keys = ws_xcalloc(n + 1, sizeof(*keys));
    double *O = ws_xcalloc(3 * (n + 1), sizeof(*O));
    double *P = O + (n + 1);
    double *E = P + (n + 1);

    for (size_t i = 0; i < n; i++) {
        keys[i].r = &set->rows[i];
        keys[i].i = i;
    }
    if (n)
        qsort(keys, n, sizeof(*keys), cmp_key_model);
    for (size_t a = 0, e; a < n; a = e) {
        size_t m = 0;
        for (e = a; e < n && cmp_key_model(&keys[a], &keys[e]) == 0; e++) {
            const struct ws_indicator *r = keys[e].r;
            if (r->level != WS_LEVEL_BUURT)
                continue;
            O[m] = r->cases;
            P[m] = r->population;
            E[m++] = r->expected;
        }
        if (!ws_rates_model_withheld(O, P, E, m, min_count))
            continue;
        n_withheld++;
        for (size_t k = a; k < e; k++)
            null_fields(&set->rows[keys[k].i], WS_FIELD_MODEL);
    }
    free(O);
    free(keys);
    return n_withheld;
}

static int cmp_str(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static bool is_all(const char *cat)
{
    return !cat || strcmp(cat, "all") == 0;
}

static size_t col_of(const struct build *b, const char *cat)
{
    char *const *hit;

    if (is_all(cat))
        return 0;
    hit = bsearch(&cat, b->cats, b->n_cats, sizeof(*b->cats), cmp_str);
    return hit ? 1 + (size_t)(hit - b->cats) : NONE;
}

/* Does a row publish a figure from which its own count follows? */
static bool reveals_exact(const struct ws_indicator *r)
{
    struct ws_field_value v;

    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        if (!(ws_fields[k].flags & WS_FIELD_EXACT))
            continue;
        ws_field_get(r, k, &v);
        if (!v.null)
            return true;
    }
    return false;
}

/* NULLs every figure that follows from the row's own count. */
static void null_count_figures(struct ws_indicator *r)
{
    null_fields(r, WS_FIELD_HIDDEN);
}

static int cmp_bgem(const void *pa, const void *pb)
{
    const struct ws_area *a = *(const struct ws_area *const *)pa;
    const struct ws_area *b = *(const struct ws_area *const *)pb;

    return strcmp(str_or_empty(a->code), str_or_empty(b->code));
}

/* bsearch: the key is the code, the element an area pointer */
static int cmp_code_area(const void *pkey, const void *pel)
{
    const char *code = *(const char *const *)pkey;
    const struct ws_area *a = *(const struct ws_area *const *)pel;

    return strcmp(code, str_or_empty(a->code));
}

/* Buurt `code` among opts->buurten, or NULL. */
static const struct ws_area *find_buurt(const struct build *b, const char *code)
{
    const struct ws_area *const *hit;

    if (!b->n_bgem || !code)
        return NULL;
    hit = bsearch(&code, b->bgem_area, b->n_bgem, sizeof(const struct ws_area *), cmp_code_area);
    return hit ? *hit : NULL;
}

/* The gemeente code of buurt `code` from opts->buurten, or NULL. */
static const char *buurt_gemeente(const struct build *b, const char *code)
{
    const struct ws_area *a = find_buurt(b, code);

    return a ? a->gemeente : NULL;
}

/* The analysis area (gebied) of buurt `code` from opts->buurten, or NULL. */
static const char *buurt_gebied(const struct build *b, const char *code)
{
    const struct ws_area *a = find_buurt(b, code);

    return a ? a->gebied : NULL;
}

/* Index of the area (level, code) among areas[0..n) (sorted by level,
 * code), or NONE. */
static size_t find_area(const struct area *areas, size_t n, enum ws_level level, const char *code)
{
    size_t lo = 0;
    size_t hi = n;

    if (!code)
        return NONE;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = areas[mid].level != level ? (areas[mid].level < level ? -1 : 1)
                                          : strcmp(str_or_empty(areas[mid].code), code);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

static void fail_row(struct ws_err *err, const struct ws_indicator *r, const char *what)
{
    ws_err_set(err, WS_EINTERNAL, "the raw indicator rows cannot be protected: %s", what);
    ws_err_where(err, "%s '%s', year %d, category '%s'", ws_level_name(r->level),
                 str_or_empty(r->code), r->year, str_or_empty(r->category));
    ws_err_hint(err, "the analysis stage must write one row per area, year and category, with "
                     "wijk and gemeente counts that are sums of their parts; this is a bug");
}

/* Adds total = sum parts after checking that the true counts add up. */
static int add_relation(struct build *b, size_t total, const size_t *parts, size_t n, size_t group,
                        const struct ws_indicator *where, struct ws_err *err)
{
    const struct ws_sdc_table *t = b->t;
    double sum = 0.0;
    bool hidden = false;

    if (n == 0)
        return WS_OK;
    for (size_t k = 0; k < n; k++) {
        if (t->cells[parts[k]].state == WS_CELL_HIDDEN)
            hidden = true;
        else
            sum += t->cells[parts[k]].value;
    }
    if (t->cells[total].state != WS_CELL_HIDDEN &&
        (sum > t->cells[total].value || (!hidden && sum != t->cells[total].value))) {
        fail_row(err, where, "its parts do not add up to it");
        return WS_EINTERNAL;
    }
    ws_sdc_add_relation(b->t, total, parts, n, group);
    return WS_OK;
}

static void grow_parts(struct build *b, size_t n)
{
    WS_VEC_GROW(b->parts, n, b->parts_cap);
}

/* Known sums over subsets of one level (one column of one year):
 *   - theta = sum O / sum P over the level's areas with P > 0 (ratio_avg,
 *     poisson_p and eb_rate of any published cell give theta, and so does
 *     `expected`, published for every row: theta P without covariates, and a
 *     Poisson GLM with intercept reproduces the observed total over the
 *     buurten it was fitted on), so the sum of O over those areas is known;
 *   - likewise the sum over the buurten that have an `expected`.
 * A subset that is a whole level gives the study total: *study_known.  When
 * the study total is known, a subset's sum K is written as its complement,
 * sum over the level's other areas = S - K: the same knowledge, but over the
 * few areas without a population instead of all the others, so that the
 * audit's components stay small (one gemeente rather than the study).  An
 * empty subset, or one with a missing row, is skipped. */
struct subset {
    size_t *cells; /* n_level entries; in[k] says whether cell k is in the subset */
    bool *in;
    size_t n_level, n_in;
    double sum_in, sum_all;
    bool hidden_in, hidden_out;
};

static void subset_of(const struct build *b, const struct area *areas, size_t n_areas, size_t col,
                      int lv, int kind, struct subset *ss)
{
    const struct ws_indicator_set *raw = b->raw;

    ss->n_level = ss->n_in = 0;
    ss->sum_in = ss->sum_all = 0.0;
    ss->hidden_in = ss->hidden_out = false;
    for (size_t i = 0; i < n_areas; i++) {
        const struct area *a = &areas[i];
        const struct ws_sdc_cell *c;
        bool in = false;
        if ((int)a->level != lv)
            continue;
        c = &b->t->cells[a->cell[col]];
        if (a->row[col] != NONE) {
            const struct ws_indicator *r = &raw->rows[a->row[col]];
            in = kind == 0 ? (isfinite(r->population) && r->population > 0.0) : !isnan(r->expected);
        }
        ss->cells[ss->n_level] = a->cell[col];
        ss->in[ss->n_level++] = in;
        ss->sum_all += c->value;
        if (in) {
            ss->n_in++;
            ss->sum_in += c->value;
            ss->hidden_in |= c->state == WS_CELL_HIDDEN;
        } else {
            ss->hidden_out |= c->state == WS_CELL_HIDDEN;
        }
    }
}

/* The known-sum relation of one subset (see add_known_sums). */
static void add_subset_relation(struct build *b, const struct subset *x, const struct subset *theta,
                                bool study_known, size_t *sel)
{
    bool complement;
    size_t n_sel = 0;
    double sum;

    if (x->n_in == 0 || x->n_in == x->n_level || x->hidden_in)
        return;
    if (theta && memcmp(x->in, theta->in, x->n_level * sizeof(*x->in)) == 0)
        return; // the same buurten as theta's
    complement = study_known && !x->hidden_out;
    for (size_t k = 0; k < x->n_level; k++)
        if (x->in[k] != complement)
            sel[n_sel++] = x->cells[k];
    sum = complement ? x->sum_all - x->sum_in : x->sum_in;
    ws_sdc_add_relation(b->t, ws_sdc_add_cell(b->t, sum, WS_CELL_EXACT, ORDER_STUDY, true, NONE),
                        sel, n_sel, WS_SDC_NO_GROUP);
}

static int add_known_sums(struct build *b, const struct area *areas, size_t n_areas, size_t col,
                          bool *study_known, struct ws_err *err)
{
    struct subset ss[WS_N_LEVELS][2];
    size_t *sel = ws_xcalloc(n_areas + 1, sizeof(*sel));

    (void)err;
    *study_known = false;
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS; lv++)
        for (int kind = 0; kind < 2; kind++) {
            struct subset *x = &ss[lv][kind];
            x->cells = ws_xcalloc(n_areas + 1, sizeof(*x->cells));
            x->in = ws_xcalloc(n_areas + 1, sizeof(*x->in));
            subset_of(b, areas, n_areas, col, lv, kind, x);
            if (kind == 1 && lv != WS_LEVEL_BUURT)
                x->n_in = 0; // `expected` is a model fit only for buurten
            *study_known |= x->n_in > 0 && x->n_in == x->n_level && !x->hidden_in;
        }
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS; lv++)
        for (int kind = 0; kind < 2; kind++)
            add_subset_relation(b, &ss[lv][kind], kind == 1 ? &ss[lv][0] : NULL, *study_known, sel);
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS; lv++)
        for (int kind = 0; kind < 2; kind++) {
            free(ss[lv][kind].cells);
            free(ss[lv][kind].in);
        }
    free(sel);
    return WS_OK;
}

/* A study cell the attacker does not know: its relations say nothing (a
 * free total), and leaving them out keeps the gemeenten apart in the audit. */
static bool study_unknown(const struct build *b, const struct area *a, size_t col)
{
    return a->study && b->t->cells[a->cell[col]].state == WS_CELL_HIDDEN;
}

/* The year's index in b->years. */
static size_t year_index(const struct build *b, int year)
{
    for (size_t y = 0; y < b->n_years; y++)
        if (b->years[y] == year)
            return y;
    WS_BUG("protect: year not in the year list");
    return 0;
}

/* Is column c of year index y withheld (merged into the remainder)? */
static bool col_withheld(const struct build *b, size_t y, size_t c)
{
    return c > 0 && c < b->n_cols && b->wh[y * (b->n_cols + 1) + c];
}

struct year {
    struct area *areas;
    size_t n_areas, areas_cap;
    size_t *children;
    bool *present; /* n_cols + 1: the remainder last */
    size_t n_gem, n_wijk, one_gem, study;
    size_t y; /* index into b->years */
};

static struct area *new_area(struct year *Y, size_t n_cols)
{
    struct area *a;

    WS_VEC_GROW(Y->areas, Y->n_areas + 1, Y->areas_cap);
    a = &Y->areas[Y->n_areas++];
    memset(a, 0, sizeof(*a));
    a->row = ws_xmalloc(ws_st_mult(n_cols + 1, sizeof(*a->row)));
    a->cell = ws_xmalloc(ws_st_mult(n_cols + 1, sizeof(*a->cell)));
    for (size_t c = 0; c <= n_cols; c++)
        a->row[c] = a->cell[c] = NONE;
    a->group = WS_SDC_NO_GROUP;
    a->parent_area = NONE;
    return a;
}

/* The areas of the year and their rows; withheld categories add up into
 * the remainder. */
static int year_areas(struct build *b, struct year *Y, const struct key *keys, size_t n,
                      struct ws_err *err)
{
    for (size_t k = 0; k < n; k++) {
        const struct ws_indicator *r = keys[k].r;
        size_t col = col_of(b, r->category);
        struct area *a;
        if (col == NONE)
            WS_BUG("protect: category not in the category list");
        if (Y->n_areas == 0 || Y->areas[Y->n_areas - 1].level != r->level ||
            strcmp(str_or_empty(Y->areas[Y->n_areas - 1].code), str_or_empty(r->code)) != 0) {
            a = new_area(Y, b->n_cols);
            a->level = r->level;
            a->code = r->code;
            a->parent = r->parent;
            if (r->level == WS_LEVEL_GEMEENTE) {
                Y->n_gem++;
                Y->one_gem = Y->n_areas - 1;
            } else if (r->level == WS_LEVEL_WIJK) {
                Y->n_wijk++;
            }
        }
        a = &Y->areas[Y->n_areas - 1];
        if (a->row[col] != NONE) {
            fail_row(err, r, "the row appears twice");
            return WS_EINTERNAL;
        }
        a->row[col] = keys[k].i;
        if (col_withheld(b, Y->y, col)) {
            if (isnan(r->cases))
                a->whidden = true;
            else
                a->wval += r->cases;
            Y->present[b->n_cols] = true;
        } else {
            Y->present[col] = true;
        }
    }
    return WS_OK;
}

/* The parent of area i, or NONE. */
static size_t parent_of(const struct build *b, const struct year *Y, size_t i)
{
    const struct area *a = &Y->areas[i];
    size_t p = NONE;

    if (a->level == WS_LEVEL_GEMEENTE)
        return Y->study;
    if (a->level == WS_LEVEL_BUURT)
        p = find_area(Y->areas, Y->n_areas, WS_LEVEL_GEBIED, buurt_gebied(b, a->code));
    if (p == NONE && (a->level == WS_LEVEL_BUURT || a->level == WS_LEVEL_GEBIED))
        p = find_area(Y->areas, Y->n_areas, WS_LEVEL_WIJK, a->parent);
    if (p == NONE)
        p = find_area(Y->areas, Y->n_areas, WS_LEVEL_GEMEENTE, a->parent);
    if (p == NONE && a->level == WS_LEVEL_BUURT)
        p = find_area(Y->areas, Y->n_areas, WS_LEVEL_GEMEENTE, buurt_gemeente(b, a->code));
    if (p == NONE && Y->n_gem == 1)
        p = Y->one_gem;
    if (p == NONE && Y->n_gem == 0 && (a->level == WS_LEVEL_WIJK || Y->n_wijk == 0))
        p = Y->study;
    return p;
}

/* Parents, children lists (CSR) and the subtables, top-down. */
static int year_tree(struct build *b, struct year *Y, struct ws_err *err)
{
    size_t *fill;

    for (size_t i = 0; i < Y->n_areas; i++) {
        size_t p = parent_of(b, Y, i);
        if (p == NONE) {
            const struct area *a = &Y->areas[i];
            size_t any = 0;
            for (size_t c = 0; c <= b->n_cols && any == 0; c++)
                if (a->row[c] != NONE)
                    any = a->row[c];
            fail_row(err, &b->raw->rows[any], "its wijk or gemeente is not in the set");
            return WS_EINTERNAL;
        }
        Y->areas[i].parent_area = p;
    }
    for (size_t i = 0; i < Y->n_areas; i++)
        Y->areas[Y->areas[i].parent_area].n_children++;
    for (size_t i = 0, s = 0; i <= Y->n_areas; i++) {
        Y->areas[i].child_start = s;
        s += Y->areas[i].n_children;
    }
    Y->children = ws_xcalloc(Y->n_areas + 1, sizeof(*Y->children));
    fill = ws_xcalloc(Y->n_areas + 1, sizeof(*fill));
    for (size_t i = 0; i < Y->n_areas; i++) {
        size_t p = Y->areas[i].parent_area;
        Y->children[Y->areas[p].child_start + fill[p]++] = i;
    }
    free(fill);
    // subtables top-down: the study, then gemeenten, then wijken
    Y->areas[Y->study].group = ws_sdc_add_group(b->t);
    for (int lv = WS_LEVEL_GEMEENTE; lv >= WS_LEVEL_BUURT; lv--)
        for (size_t i = 0; i < Y->n_areas; i++)
            if ((int)Y->areas[i].level == lv && Y->areas[i].n_children > 0)
                Y->areas[i].group = ws_sdc_add_group(b->t);
    return WS_OK;
}

static bool populated_row(const struct ws_indicator *r)
{
    return isfinite(r->population) && r->population > 0.0;
}

/* The remainder cell of area a: not published; below min_count it must be
 * protected like a primary cell, since the attacker can derive it. */
static size_t remainder_cell(struct build *b, const struct area *a, unsigned char order)
{
    struct ws_sdc_table *t = b->t;
    size_t c;

    if (a->whidden)
        return ws_sdc_add_cell(t, 0.0, WS_CELL_HIDDEN, order, false, NONE);
    c = ws_sdc_add_cell(t, a->wval,
                        a->wval < (double)t->min_count ? WS_CELL_PRIMARY : WS_CELL_HIDDEN, order,
                        false, NONE);
    if (b->opts->exempt_unpopulated && a->row[0] != NONE &&
        !populated_row(&b->raw->rows[a->row[0]]))
        t->cells[c].exempt = t->cells[c].known = true; // see area_cell()
    return c;
}

/* The cell of area a in column c. */
static int area_cell(struct build *b, const struct area *a, size_t c, size_t *cell,
                     struct ws_err *err)
{
    struct ws_sdc_table *t = b->t;
    unsigned char order = (unsigned char)a->level;
    const struct ws_indicator *r;

    if (c == b->n_cols) {
        *cell = remainder_cell(b, a, order);
        return WS_OK;
    }
    if (a->row[c] == NONE) {
        *cell = ws_sdc_add_cell(t, 0.0, WS_CELL_HIDDEN, order, false, NONE);
        return WS_OK;
    }
    r = &b->raw->rows[a->row[c]];
    if (isnan(r->cases)) {
        *cell = ws_sdc_add_cell(t, 0.0, WS_CELL_HIDDEN, order, false, a->row[c]);
        return WS_OK;
    }
    if (!(r->cases >= 0.0) || r->cases != floor(r->cases) || r->cases > 9e15) {
        fail_row(err, r, "its count is not a whole number >= 0");
        return WS_EINTERNAL;
    }
    *cell = ws_sdc_add_cell(t, r->cases, reveals_exact(r) ? WS_CELL_EXACT : WS_CELL_ROUNDED, order,
                            false, a->row[c]);
    if (b->opts->exempt_unpopulated && !populated_row(r))
        // an area without population: the attacker is assumed to know its
        // count (a worst case: the published averages give the sum over such
        // areas anyway), so the audit's LPs stay within their subtables
        t->cells[*cell].exempt = t->cells[*cell].known = true;
    return WS_OK;
}

/* Remembers that table cell `cell` is column c of year index y. */
static void map_cell(struct build *b, size_t cell, size_t y, size_t c)
{
    WS_VEC_GROW(b->cell_yc, cell + 1, b->cell_yc_cap);
    while (b->n_cell_yc <= cell)
        b->cell_yc[b->n_cell_yc++] = NONE;
    b->cell_yc[cell] = y * (b->n_cols + 1) + c;
}

static int year_cells(struct build *b, struct year *Y, struct ws_err *err)
{
    int rc = WS_OK;

    for (size_t i = 0; i < Y->n_areas && !rc; i++) {
        struct area *a = &Y->areas[i];
        for (size_t c = 0; c <= b->n_cols && !rc; c++) {
            if (!Y->present[c])
                continue;
            if ((rc = area_cell(b, a, c, &a->cell[c], err)))
                break;
            b->t->cells[a->cell[c]].group = Y->areas[a->parent_area].group;
            b->t->cells[a->cell[c]].margin = a->group;
            map_cell(b, a->cell[c], Y->y, c);
        }
    }
    return rc;
}

/* The study's cells: known to the attacker (fixed) when a published
 * average covers a whole level (see add_known_sums), else hidden; the
 * remainder has no published average of its own. */
static int study_cells(struct build *b, struct year *Y, struct ws_err *err)
{
    struct area *s = &Y->areas[Y->study];
    int rc = WS_OK;

    for (size_t c = 0; c <= b->n_cols && !rc; c++) {
        double sum = 0.0;
        bool known = false;
        if (!Y->present[c])
            continue;
        if (c < b->n_cols && (rc = add_known_sums(b, Y->areas, Y->n_areas, c, &known, err)))
            break;
        for (size_t k = 0; k < s->n_children; k++) {
            const struct ws_sdc_cell *cc =
                &b->t->cells[Y->areas[Y->children[s->child_start + k]].cell[c]];
            if (cc->state == WS_CELL_HIDDEN)
                known = false;
            sum += cc->value;
        }
        s->cell[c] = known ? ws_sdc_add_cell(b->t, sum, WS_CELL_EXACT, ORDER_STUDY, true, NONE)
                           : ws_sdc_add_cell(b->t, 0.0, WS_CELL_HIDDEN, ORDER_STUDY, false, NONE);
        b->t->cells[s->cell[c]].margin = s->group;
        map_cell(b, s->cell[c], Y->y, c);
    }
    return rc;
}

/* A row of area a for error messages. */
static const struct ws_indicator *where_of(const struct build *b, const struct year *Y,
                                           const struct area *a, size_t c, size_t fallback)
{
    const struct area *first = &Y->areas[Y->children[a->child_start]];
    size_t c0 = c < b->n_cols ? c : 0;

    return &b->raw->rows[a->row[c0] != NONE       ? a->row[c0]
                         : first->row[c0] != NONE ? first->row[c0]
                                                  : fallback];
}

/* parent = sum of children, per column (the parent's subtable) */
static int area_relations(struct build *b, const struct year *Y, size_t fallback,
                          struct ws_err *err)
{
    int rc = WS_OK;

    for (size_t i = 0; i <= Y->n_areas && !rc; i++) {
        const struct area *a = &Y->areas[i];
        if (!a->n_children)
            continue;
        grow_parts(b, a->n_children);
        for (size_t c = 0; c <= b->n_cols && !rc; c++) {
            if (!Y->present[c] || study_unknown(b, a, c))
                continue;
            for (size_t k = 0; k < a->n_children; k++)
                b->parts[k] = Y->areas[Y->children[a->child_start + k]].cell[c];
            rc = add_relation(b, a->cell[c], b->parts, a->n_children, a->group,
                              where_of(b, Y, a, c, fallback), err);
        }
    }
    return rc;
}

/* all = sum of categories (and the remainder), per area (in the subtable
 * where the area is an inner row) */
static int category_relations(struct build *b, const struct year *Y, size_t fallback,
                              struct ws_err *err)
{
    int rc = WS_OK;

    if (!Y->present[0])
        return WS_OK;
    grow_parts(b, b->n_cols + 1);
    for (size_t i = 0; i <= Y->n_areas && !rc; i++) {
        const struct area *a = &Y->areas[i];
        size_t n_parts = 0;
        size_t g = i == Y->study ? a->group : Y->areas[a->parent_area].group;
        for (size_t c = 1; c <= b->n_cols; c++)
            if (Y->present[c])
                b->parts[n_parts++] = a->cell[c];
        if (!n_parts)
            break;
        if (study_unknown(b, a, 0))
            continue;
        rc = add_relation(b, a->cell[0], b->parts, n_parts, g,
                          &b->raw->rows[a->row[0] != NONE ? a->row[0] : fallback], err);
    }
    return rc;
}

static void year_release(struct year *Y)
{
    for (size_t i = 0; i < Y->n_areas; i++) {
        free(Y->areas[i].row);
        free(Y->areas[i].cell);
    }
    free(Y->areas);
    free(Y->children);
    free(Y->present);
}

/* One year: rows keys[0..n) (sorted by level, code, category). */
static int build_year(struct build *b, const struct key *keys, size_t n, struct ws_err *err)
{
    struct year Y;
    int rc;

    memset(&Y, 0, sizeof(Y));
    Y.one_gem = Y.study = NONE;
    Y.y = year_index(b, keys[0].r->year);
    if (b->year_out[Y.y])
        return WS_OK; // withheld entirely: nothing of it in the table
    Y.present = ws_xcalloc(b->n_cols + 1, sizeof(*Y.present));
    if ((rc = year_areas(b, &Y, keys, n, err)))
        goto out;
    // the study: a virtual area after the real ones (not in the sorted part)
    {
        struct area *s = new_area(&Y, b->n_cols);
        s->study = true;
        Y.study = Y.n_areas - 1;
        Y.n_areas--; // the real areas are [0, n_areas); the study is at n_areas
    }
    if ((rc = year_tree(b, &Y, err)) || (rc = year_cells(b, &Y, err)) ||
        (rc = study_cells(b, &Y, err)) || (rc = area_relations(b, &Y, keys[0].i, err)) ||
        (rc = category_relations(b, &Y, keys[0].i, err)))
        goto out;
out:
    if (Y.study != NONE)
        Y.n_areas++;
    year_release(&Y);
    return rc;
}

/* A row with a raw priority rank (rerank). */
struct rank_key {
    const struct ws_indicator *r;
    size_t i;  /* row */
    long rank; /* its raw rank */
};

/* Rank order: level, year, category, (parent), raw rank, row. */
static int cmp_rank_(const struct rank_key *ka, const struct rank_key *kb, bool by_parent)
{
    const struct ws_indicator *a = ka->r;
    const struct ws_indicator *b = kb->r;
    int c;

    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if ((c = strcmp(str_or_empty(a->category), str_or_empty(b->category))) != 0)
        return c;
    if (by_parent && (c = strcmp(str_or_empty(a->parent), str_or_empty(b->parent))) != 0)
        return c;
    if (ka->rank != kb->rank)
        return ka->rank < kb->rank ? -1 : 1;
    return ka->i < kb->i ? -1 : ka->i > kb->i;
}

static int cmp_rank(const void *pa, const void *pb)
{
    return cmp_rank_(pa, pb, false);
}

static int cmp_rank_parent(const void *pa, const void *pb)
{
    return cmp_rank_(pa, pb, true);
}

static bool same_group(const struct ws_indicator *a, const struct ws_indicator *b, bool by_parent)
{
    return a->level == b->level && a->year == b->year &&
           strcmp(str_or_empty(a->category), str_or_empty(b->category)) == 0 &&
           (!by_parent || strcmp(str_or_empty(a->parent), str_or_empty(b->parent)) == 0);
}

/* Renumbers priority_rank 1..k over the published rows of each group, in
 * raw rank order (see protect.h).  rank0[i] is row i's raw rank, kept before
 * the suppressed rows lost theirs. */
static void rerank(struct ws_indicator_set *pub, const long *rank0)
{
    struct rank_key *k = ws_xcalloc(pub->n + 1, sizeof(*k));
    size_t n = 0;

    for (size_t i = 0; i < pub->n; i++)
        if (rank0[i] > 0) {
            k[n].r = &pub->rows[i];
            k[n].i = i;
            k[n++].rank = rank0[i];
        }
    if (n)
        qsort(k, n, sizeof(*k), cmp_rank);
    for (size_t a = 0, e; a < n; a = e) {
        bool by_parent = false;
        for (e = a + 1; e < n && same_group(k[a].r, k[e].r, false); e++)
            if (k[e].rank == k[e - 1].rank)
                by_parent = true; // ranks repeat: they are per parent
        if (by_parent)
            qsort(k + a, e - a, sizeof(*k), cmp_rank_parent);
        for (size_t x = a, g = a, rank = 0; x < e; x++) {
            if (!same_group(k[g].r, k[x].r, by_parent)) {
                g = x;
                rank = 0;
            }
            // the rank is the place among the group's published rows
            if (pub->rows[k[x].i].suppressed == WS_SUPP_NONE)
                pub->rows[k[x].i].priority_rank = (long)++rank;
        }
    }
    free(k);
}

static int check_opts(const struct ws_protect_opts *o, struct ws_err *err)
{
    if (o->min_count > 0 && o->safety_range > 0 && o->safety_range > o->min_count - 1) {
        ws_err_set(err, WS_EDATA,
                   "safety_range %ld is larger than min_count - 1 (%ld): a suppressed count "
                   "below min_count can never have a range that wide",
                   o->safety_range, o->min_count - 1);
        ws_err_where(err, "[privacy] in the study file");
        ws_err_hint(err, "lower safety_range or raise min_count");
        return WS_EDATA;
    }
    return WS_OK;
}

/* Group-offer catchments (offers.h) as cells of the table: one per offer
 * with at least one member cell, its relation to the member cells of every
 * pooled year; cells are recorded in o->published as an index until
 * publish_offers() reads their states (NAN: no cell). */
/* The table cell of buurt `code`'s row of (category, year), or NONE; sk
 * sorted by cmp_key_series. */
static size_t member_cell(const struct key *sk, size_t n, const size_t *row_cell, const char *code,
                          const char *category, int year)
{
    struct ws_indicator probe;
    struct key pk = {&probe, 0};
    const struct key *hit;

    memset(&probe, 0, sizeof(probe));
    probe.level = WS_LEVEL_BUURT;
    probe.code = (char *)code;
    probe.category = (char *)category;
    probe.year = year;
    hit = bsearch(&pk, sk, n, sizeof(*sk), cmp_key_series);
    return hit ? row_cell[hit->i] : NONE;
}

/* The member cells of offer o over its pooled years into *parts; 0 when a
 * member has no count (then the offer is not published). */
static size_t offer_parts(const struct ws_offer *o, const struct key *sk, size_t n,
                          const size_t *row_cell, size_t **parts, size_t *cap)
{
    size_t np = 0;

    for (int year = o->year_from; year <= o->year_to; year++)
        for (size_t m = 0; m < o->n_members; m++) {
            size_t c = member_cell(sk, n, row_cell, o->members[m], o->category, year);
            if (c == NONE)
                return 0;
            WS_VEC_GROW(*parts, np + 1, *cap);
            (*parts)[np++] = c;
        }
    return np;
}

static void add_offers(struct build *b, const struct key *keys, size_t n,
                       struct ws_offer_set *offers)
{
    struct ws_sdc_table *t = b->t;
    struct ws_sdc_part_index ix;
    size_t *row_cell;
    size_t *parts = NULL;
    size_t parts_cap = 0;
    struct key *sk;
    bool *mark;

    if (!offers)
        return;
    // an offer over all buurten of a wijk is a sum of the wijk's cells
    ws_sdc_part_index_build(t, &ix);
    mark = ws_xcalloc(t->n_cells + offers->n + 1, sizeof(*mark));
    row_cell = ws_xmalloc(ws_st_mult(b->raw->n + 1, sizeof(*row_cell)));
    for (size_t i = 0; i <= b->raw->n; i++)
        row_cell[i] = NONE;
    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].tag != WS_SDC_NO_TAG && t->cells[i].state != WS_CELL_HIDDEN)
            row_cell[t->cells[i].tag] = i;
    sk = ws_xcalloc(n + 1, sizeof(*sk));
    memcpy(sk, keys, n * sizeof(*sk));
    if (n)
        qsort(sk, n, sizeof(*sk), cmp_key_series);
    for (size_t k = 0; k < offers->n; k++) {
        struct ws_offer *o = &offers->rows[k];
        size_t np = offer_parts(o, sk, n, row_cell, &parts, &parts_cap);
        size_t c;
        o->published = NAN;
        if (np == 0)
            continue;
        np = ws_sdc_collapse_parts(t, &ix, parts, np, mark);
        c = ws_sdc_add_cell(t, o->total,
                            o->total >= (double)t->min_count ? WS_CELL_ROUNDED : WS_CELL_PRIMARY,
                            WS_SDC_ORDER_FIRST, false, WS_SDC_NO_TAG);
        t->cells[c].exempt = true; // it protects its members, not itself
        ws_sdc_add_relation(t, c, parts, np, WS_SDC_NO_GROUP);
        o->published = (double)c;
    }
    ws_sdc_part_index_release(&ix);
    free(mark);
    free(parts);
    free(sk);
    free(row_cell);
}

/* After the suppression: publish the offers whose cell stayed published. */
static void publish_offers(const struct ws_sdc_table *t, struct ws_offer_set *offers,
                           long min_group)
{
    if (!offers)
        return;
    for (size_t k = 0; k < offers->n; k++) {
        struct ws_offer *o = &offers->rows[k];
        size_t c;
        o->suggest = false;
        if (isnan(o->published))
            continue;
        c = (size_t)o->published;
        o->published = NAN;
        if (t->cells[c].state != WS_CELL_ROUNDED)
            continue;
        o->published = ws_sdc_round(o->total, t->round_to);
        o->suggest = o->total >= (double)min_group;
    }
}

/* --- withholding ------------------------------------------------------------ */

static size_t wh_at(const struct build *b, size_t y, size_t c)
{
    return y * (b->n_cols + 1) + c;
}

/* (year index, column) of cell i, from the map kept while building; false
 * for cells of no column (known sums, offers). */
static bool cell_yc(const struct build *b, size_t i, size_t *y, size_t *c)
{
    size_t v = i < b->n_cell_yc ? b->cell_yc[i] : NONE;

    if (v == NONE)
        return false;
    *y = v / (b->n_cols + 1);
    *c = v % (b->n_cols + 1);
    return true;
}

/* Study-wide counts per year index and column (over the buurten), once. */
static void study_totals(struct build *b)
{
    b->stot = ws_xcalloc((b->n_years + 1) * (b->n_cols + 1), sizeof(*b->stot));
    for (size_t i = 0; i < b->raw->n; i++) {
        const struct ws_indicator *r = &b->raw->rows[i];
        size_t c = col_of(b, r->category);
        if (r->level == WS_LEVEL_BUURT && c != NONE && !isnan(r->cases))
            b->stot[wh_at(b, year_index(b, r->year), c)] += r->cases;
    }
}

/* The published category of year index y with the smallest study total,
 * or NONE. */
static size_t smallest_open(const struct build *b, size_t y)
{
    size_t best = NONE;
    double best_v = INFINITY;

    for (size_t c = 1; c < b->n_cols; c++) {
        double v;
        if (b->wh[wh_at(b, y, c)] || (v = b->stot[wh_at(b, y, c)]) >= best_v)
            continue;
        best = c;
        best_v = v;
    }
    return best;
}

static void set_why(struct build *b, size_t y, size_t c, const char *why)
{
    char **w = &b->why[wh_at(b, y, c)];

    if (!*w)
        *w = ws_xstrdup(why);
}

/* Withholds column c of year index y (the remainder: one more category
 * into it; 'all': the whole year), and a partner when a single category
 * would follow from the total. */
static void withhold(struct build *b, size_t y, size_t c, const char *why)
{
    size_t n_in = 0;
    size_t extra;

    if (c == 0) {
        b->year_out[y] = true;
        set_why(b, y, 0, why);
        return;
    }
    if (c < b->n_cols) {
        b->wh[wh_at(b, y, c)] = true;
        set_why(b, y, c, why);
    }
    for (size_t k = 1; k < b->n_cols; k++)
        n_in += b->wh[wh_at(b, y, k)];
    if (c < b->n_cols && n_in != 1)
        return;
    // the remainder must hold two categories at least (and be protectable)
    extra = smallest_open(b, y);
    if (extra == NONE) {
        if (c == b->n_cols)
            b->year_out[y] = true; // even every category together cannot be protected
        return;
    }
    b->wh[wh_at(b, y, extra)] = true;
    {
        struct ws_strbuf sb = WS_STRBUF_INIT;
        const char *other = NULL;
        for (size_t k = 1; k < b->n_cols && !other; k++)
            if (k != extra && b->wh[wh_at(b, y, k)])
                other = b->cats[k - 1];
        ws_strbuf_addf(&sb,
                       "withheld together with '%s' (the smallest other category), since the "
                       "total minus the published categories would give that one away",
                       other ? other : "?");
        set_why(b, y, extra, sb.buf);
        ws_strbuf_release(&sb);
    }
}

/* Columns with a cell that the attacker knows exactly (fixed) while it is
 * below min_count: no suppression can protect it.  Returns how many were
 * newly withheld. */
static size_t withhold_pinned(struct build *b)
{
    const struct ws_sdc_table *t = b->t;
    size_t n = 0;

    for (size_t i = 0; i < t->n_cells; i++) {
        const struct ws_sdc_cell *x = &t->cells[i];
        size_t y;
        size_t c;
        if (!x->fixed || x->exempt || x->state == WS_CELL_HIDDEN ||
            x->value >= (double)t->min_count || !cell_yc(b, i, &y, &c))
            continue;
        if (b->year_out[y] || (c > 0 && c < b->n_cols && b->wh[wh_at(b, y, c)]))
            continue;
        withhold(b, y, c,
                 x->tag == WS_SDC_NO_TAG
                     ? "fewer than min_count cases in the whole study, which its published "
                       "averages and model would give away; merge it with another category, "
                       "or pool years"
                     : "fewer than min_count cases in a gemeente whose count follows from the "
                       "study-wide figures; merge it with another category, or pool years");
        n++;
    }
    return n;
}

/* Columns of the cells that must reach safety_range and could not be
 * certified.  Returns how many were newly withheld. */
static size_t withhold_failed(struct build *b)
{
    const struct ws_sdc_table *t = b->t;
    size_t n = 0;

    for (size_t i = 0; i < t->n_cells; i++) {
        size_t y;
        size_t c;
        if (!ws_sdc_needs_range(t, i) || t->cells[i].cert != WS_CERT_NONE || !cell_yc(b, i, &y, &c))
            continue;
        if (b->year_out[y] || (c > 0 && c < b->n_cols && b->wh[wh_at(b, y, c)]))
            continue;
        withhold(b, y, c,
                 "no suppression keeps its small counts from being recovered from the "
                 "published figures; merge it with another category, or pool years");
        n++;
    }
    return n;
}

/* Is row r withheld? */
static bool row_withheld(const struct build *b, const struct ws_indicator *r)
{
    size_t y = year_index(b, r->year);
    size_t c = col_of(b, r->category);

    return b->year_out[y] || (c != NONE && c > 0 && b->wh[wh_at(b, y, c)]);
}

/* Drops the withheld rows from the published set (after everything that
 * uses raw row indices). */
static void drop_withheld(const struct build *b, struct ws_indicator_set *pub)
{
    size_t m = 0;

    for (size_t i = 0; i < pub->n; i++) {
        struct ws_indicator *r = &pub->rows[i];
        if (!row_withheld(b, r)) {
            pub->rows[m++] = *r;
            continue;
        }
        ws_indicator_drop_texts(pub, r);
    }
    pub->n = m;
}

/* One audit record per withheld year x category (all: the whole year). */
static void record_withheld(const struct build *b, struct ws_audit *audit)
{
    for (size_t y = 0; y < b->n_years; y++)
        for (size_t c = 0; c < b->n_cols; c++) {
            struct ws_audit_record *rec;
            const char *why = b->why[wh_at(b, y, c)];
            if (b->year_out[y] ? c != 0 : (c == 0 || !b->wh[wh_at(b, y, c)]))
                continue;
            rec = ws_audit_add(audit, "", WS_LEVEL_BUURT, b->years[y],
                               c == 0 ? "all" : b->cats[c - 1], WS_SUPP_NONE, WS_CHECK_WITHHELD,
                               NAN, NAN);
            rec->note = ws_xstrdup(why ? why : "withheld");
            audit->n_withheld++;
        }
}

/* The table of every year (and the offers), indexes and closure. */
static int build_table(struct build *b, const struct key *keys, size_t n, struct ws_err *err)
{
    int rc = WS_OK;

    ws_sdc_release(b->t);
    ws_sdc_init(b->t, b->opts->min_count, b->opts->round_to, b->opts->safety_range);
    b->n_cell_yc = 0;
    for (size_t a = 0, e; a < n && !rc; a = e) {
        for (e = a; e < n && keys[e].r->year == keys[a].r->year; e++)
            ;
        rc = build_year(b, keys + a, e - a, err);
    }
    if (rc)
        return rc;
    add_offers(b, keys, n, b->opts->offers);
    ws_sdc_finish(b->t);
    return WS_OK;
}

/* Builds, suppresses and audits until nothing more must be withheld. */
static int protect_table(struct build *b, const struct key *keys, size_t n, struct ws_audit *audit,
                         struct ws_err *err)
{
    size_t limit = b->n_years * (b->n_cols + 2) + 2;
    int rc = WS_OK;

    for (size_t pass = 0; pass < limit; pass++) {
        size_t n_failed = 0;
        if ((rc = build_table(b, keys, n, err)))
            return rc;
        if (withhold_pinned(b) > 0)
            continue;
        (void)ws_suppress_primary(b->t);
        if ((rc = ws_suppress_secondary(b->t, &n_failed, &audit->stats, err)))
            return rc;
        audit->stats.n_passes = pass + 1;
        if (n_failed == 0)
            return WS_OK;
        if (withhold_failed(b) == 0)
            break;
    }
    ws_err_set(err, WS_EINTERNAL,
               "the attacker's audit failed: some suppressed cells stay narrower than "
               "safety_range %ld even after withholding",
               b->opts->safety_range);
    ws_err_where(err, "[privacy] safety_range in the study file");
    ws_err_hint(err, "this is a bug in wijkscan's protection; lower safety_range or merge small "
                     "categories to work around it");
    return WS_EINTERNAL;
}

/* The distinct years of the set (sorted keys). */
static void collect_years(struct build *b, const struct key *keys, size_t n)
{
    b->years = ws_xcalloc(n + 1, sizeof(*b->years));
    for (size_t k = 0; k < n; k++)
        if (b->n_years == 0 || b->years[b->n_years - 1] != keys[k].r->year)
            b->years[b->n_years++] = keys[k].r->year;
    b->wh = ws_xcalloc((b->n_years + 1) * (b->n_cols + 1), sizeof(*b->wh));
    b->why = ws_xcalloc((b->n_years + 1) * (b->n_cols + 1), sizeof(*b->why));
    b->year_out = ws_xcalloc(b->n_years + 1, sizeof(*b->year_out));
}

static void collect_cats(struct build *b)
{
    const struct ws_indicator_set *raw = b->raw;
    size_t m = 0;

    b->cats = ws_xcalloc(raw->n + 1, sizeof(*b->cats));
    for (size_t i = 0; i < raw->n; i++)
        if (!is_all(raw->rows[i].category))
            b->cats[b->n_cats++] = raw->rows[i].category;
    if (b->n_cats)
        qsort(b->cats, b->n_cats, sizeof(*b->cats), cmp_str);
    for (size_t i = 0; i < b->n_cats; i++)
        if (m == 0 || strcmp(b->cats[m - 1], b->cats[i]) != 0)
            b->cats[m++] = b->cats[i];
    b->n_cats = m;
    b->n_cols = 1 + b->n_cats;
    for (size_t i = 0; i < m; i++) // own copies: the rows' texts go with withheld rows
        b->cats[i] = ws_xstrdup(b->cats[i]);
}

static void collect_bgem(struct build *b)
{
    const struct ws_protect_opts *opts = b->opts;

    if (!opts->buurten || !opts->n_buurten)
        return;
    b->bgem_area = ws_xcalloc(opts->n_buurten, sizeof(const struct ws_area *));
    for (size_t i = 0; i < opts->n_buurten; i++)
        b->bgem_area[i] = &opts->buurten[i];
    b->n_bgem = opts->n_buurten;
    qsort(b->bgem_area, b->n_bgem, sizeof(const struct ws_area *), cmp_bgem);
}

/* The published rows: suppressed ones NULLed, the rest rounded; audit
 * records for every suppressed cell. */
static void publish_cells(const struct build *b, struct ws_indicator_set *published,
                          struct ws_audit *audit)
{
    const struct ws_sdc_table *t = b->t;

    for (size_t i = 0; i < t->n_cells; i++) {
        const struct ws_sdc_cell *c = &t->cells[i];
        struct ws_indicator *r;
        enum ws_audit_check chk = WS_CHECK_EXACT;
        if (c->tag == WS_SDC_NO_TAG)
            continue;
        r = &published->rows[c->tag];
        if (!ws_sdc_is_suppressed(c->state)) {
            r->suppressed = WS_SUPP_NONE;
            r->cases = ws_sdc_round(r->cases, b->opts->round_to);
            continue;
        }
        r->suppressed = c->state == WS_CELL_PRIMARY ? WS_SUPP_PRIMARY : WS_SUPP_SECONDARY;
        null_count_figures(r);
        if (c->exempt || c->known)
            chk = WS_CHECK_EXEMPT;
        else if (c->cert == WS_CERT_BOUND || t->safety_range <= 0)
            chk = WS_CHECK_BOUND;
        if (row_withheld(b, r))
            continue;
        ws_audit_add(audit, r->code, r->level, r->year, r->category, r->suppressed, chk,
                     chk == WS_CHECK_EXACT && t->ranges ? t->ranges[i].low : NAN,
                     chk == WS_CHECK_EXACT && t->ranges ? t->ranges[i].high : NAN);
    }
}

/* A gebied of one buurt: the same cell as that buurt (same count, same
 * relations), so it is left out of the table and follows the buurt's
 * decision (mirror_single_gebieden); two cells for one count would only make
 * the suppression choose complements twice. */
static bool single_buurt_gebied(const struct ws_indicator *r)
{
    return r->level == WS_LEVEL_GEBIED && r->buurten && *r->buurten && !strchr(r->buurten, ' ');
}

/* The table cell of the buurt of single-buurt gebied r, or NONE; keys sorted
 * by cmp_key_series over the published rows, row_cell: row -> cell. */
static size_t buurt_cell_of(const struct ws_indicator *r, const struct key *keys, size_t n,
                            const size_t *row_cell)
{
    struct ws_indicator probe;
    struct key pk = {&probe, 0};
    const struct key *hit;

    memset(&probe, 0, sizeof(probe));
    probe.level = WS_LEVEL_BUURT;
    probe.code = r->buurten;
    probe.category = r->category;
    probe.year = r->year;
    hit = bsearch(&pk, keys, n, sizeof(*keys), cmp_key_series);
    return hit ? row_cell[hit->i] : NONE;
}

/* Row r takes the decision of cell c (NONE: suppressed, checked as a bound),
 * with c's audit record. */
static void follow_cell(const struct build *b, struct ws_indicator *r, size_t c,
                        struct ws_audit *audit)
{
    const struct ws_sdc_table *t = b->t;
    const struct ws_sdc_cell *cell = c != NONE ? &t->cells[c] : NULL;
    enum ws_audit_check chk = WS_CHECK_BOUND;

    if (cell && !ws_sdc_is_suppressed(cell->state)) {
        r->suppressed = WS_SUPP_NONE;
        r->cases = ws_sdc_round(r->cases, b->opts->round_to);
        return;
    }
    r->suppressed = cell && cell->state == WS_CELL_PRIMARY ? WS_SUPP_PRIMARY : WS_SUPP_SECONDARY;
    null_count_figures(r);
    if (cell && (cell->exempt || cell->known))
        chk = WS_CHECK_EXEMPT;
    else if (cell && cell->cert != WS_CERT_BOUND && t->safety_range > 0)
        chk = WS_CHECK_EXACT;
    if (row_withheld(b, r))
        return;
    ws_audit_add(audit, r->code, r->level, r->year, r->category, r->suppressed, chk,
                 chk == WS_CHECK_EXACT && t->ranges ? t->ranges[c].low : NAN,
                 chk == WS_CHECK_EXACT && t->ranges ? t->ranges[c].high : NAN);
}

/* Each single-buurt gebied row takes its buurt's decision: published with
 * the rounded count, or suppressed for the same reason, with the buurt's
 * audit range (the gebied's count is the buurt's).  A buurt without a cell
 * counts as suppressed. */
static void mirror_single_gebieden(const struct build *b, struct ws_indicator_set *published,
                                   struct key *keys, struct ws_audit *audit)
{
    const struct ws_sdc_table *t = b->t;
    size_t n = published->n;
    size_t *row_cell = ws_xmalloc(ws_st_mult(n + 1, sizeof(*row_cell)));

    for (size_t i = 0; i <= n; i++)
        row_cell[i] = NONE;
    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].tag != WS_SDC_NO_TAG)
            row_cell[t->cells[i].tag] = i;
    for (size_t i = 0; i < n; i++) {
        keys[i].r = &published->rows[i];
        keys[i].i = i;
    }
    if (n)
        qsort(keys, n, sizeof(*keys), cmp_key_series);
    for (size_t i = 0; i < n; i++) {
        struct ws_indicator *r = &published->rows[i];
        if (single_buurt_gebied(r))
            follow_cell(b, r, buurt_cell_of(r, keys, n, row_cell), audit);
    }
    free(row_cell);
}

/* A published row whose previous year is suppressed loses its trend. */
static void null_trends(struct ws_indicator_set *published, struct key *keys)
{
    size_t n = published->n;

    for (size_t i = 0; i < n; i++) {
        keys[i].r = &published->rows[i];
        keys[i].i = i;
    }
    if (n)
        qsort(keys, n, sizeof(*keys), cmp_key_series);
    for (size_t k = 1; k < n; k++) {
        const struct ws_indicator *prev = keys[k - 1].r;
        struct ws_indicator *cur = &published->rows[keys[k].i];
        if (prev->level == cur->level && prev->year < cur->year &&
            strcmp(str_or_empty(prev->code), str_or_empty(cur->code)) == 0 &&
            strcmp(str_or_empty(prev->category), str_or_empty(cur->category)) == 0 &&
            prev->suppressed != WS_SUPP_NONE)
            null_fields(cur, WS_FIELD_TREND);
    }
}

/* One audit record to sort (sort_audit). */
struct rec_ref {
    const struct ws_audit_record *r;
};

/* Audit record order: level, code, category, year (cmp_series). */
static int cmp_audit_rec(const void *pa, const void *pb)
{
    const struct ws_audit_record *a = ((const struct rec_ref *)pa)->r;
    const struct ws_audit_record *b = ((const struct rec_ref *)pb)->r;
    struct series_key ka = {a->level, a->code, a->category, a->year};
    struct series_key kb = {b->level, b->code, b->category, b->year};
    int c = cmp_series(&ka, &kb);

    return c ? c : (a < b ? -1 : a > b); // stable: the order they were added in
}

/* Audit records in the published order: level, code, year, category. */
static void sort_audit(struct ws_audit *audit)
{
    struct rec_ref *ref = ws_xcalloc(audit->n + 1, sizeof(*ref));
    struct ws_audit_record *sorted = ws_xcalloc(audit->n + 1, sizeof(*sorted));

    for (size_t i = 0; i < audit->n; i++)
        ref[i].r = &audit->rec[i];
    if (audit->n)
        qsort(ref, audit->n, sizeof(*ref), cmp_audit_rec);
    for (size_t i = 0; i < audit->n; i++)
        sorted[i] = *ref[i].r;
    free(ref);
    free(audit->rec);
    audit->rec = sorted;
    audit->cap = audit->n + 1;
}

static void build_release(struct build *b)
{
    for (size_t i = 0; b->why && i < (b->n_years + 1) * (b->n_cols + 1); i++)
        free(b->why[i]);
    free(b->why);
    free(b->wh);
    free(b->year_out);
    free(b->years);
    free(b->cell_yc);
    free(b->stot);
    for (size_t i = 0; b->cats && i < b->n_cats; i++)
        free(b->cats[i]);
    free(b->cats);
    free(b->bgem_area);
    free(b->parts);
}

/* ws_protect_apply on rows it may change: the model's figures are withheld
 * in raw itself (withhold_models), so that no second copy of the rows is
 * needed. */
static int apply(struct ws_indicator_set *raw, const struct ws_protect_opts *opts,
                 struct ws_indicator_set *published, struct ws_audit *audit, struct ws_err *err)
{
    struct ws_sdc_table t;
    struct build b;
    struct key *keys = NULL;
    long *rank0 = NULL;
    size_t n = raw->n;
    size_t n_table = 0; /* rows that are cells of the table */
    int rc;

    memset(published, 0, sizeof(*published));
    ws_audit_release(audit);
    memset(&b, 0, sizeof(b));
    ws_sdc_init(&t, opts->min_count, opts->round_to, opts->safety_range);
    if ((rc = check_opts(opts, err)))
        goto out;
    // the model's figures first: they decide which sums the attacker knows
    audit->n_model_withheld = withhold_models(raw, opts->min_count);
    b.raw = raw;
    b.opts = opts;
    b.t = &t;
    collect_cats(&b);
    collect_bgem(&b);
    keys = ws_xcalloc(n + 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        if (single_buurt_gebied(&raw->rows[i]))
            continue;
        keys[n_table].r = &raw->rows[i];
        keys[n_table++].i = i;
    }
    if (n_table)
        qsort(keys, n_table, sizeof(*keys), cmp_key);
    collect_years(&b, keys, n_table);
    study_totals(&b);
    if ((rc = protect_table(&b, keys, n_table, audit, err)))
        goto out;

    publish_offers(&t, opts->offers, opts->min_group);
    rank0 = ws_xmalloc(ws_st_mult(n + 1, sizeof(*rank0)));
    for (size_t i = 0; i < n; i++)
        rank0[i] = raw->rows[i].priority_rank;
    *published = *raw; // the rows become the published ones (keys stay valid)
    memset(raw, 0, sizeof(*raw));
    b.raw = published;
    publish_cells(&b, published, audit);
    mirror_single_gebieden(&b, published, keys, audit);
    null_trends(published, keys);
    rerank(published, rank0);
    drop_withheld(&b, published);
    record_withheld(&b, audit);
    audit->min_count = opts->min_count;
    audit->round_to = opts->round_to;
    audit->safety_range = opts->safety_range;
    sort_audit(audit);
out:
    if (rc) {
        ws_indicator_set_release(published);
        ws_audit_release(audit);
        for (size_t k = 0; opts->offers && k < opts->offers->n; k++) {
            opts->offers->rows[k].published = NAN; // nothing is published
            opts->offers->rows[k].suggest = false;
        }
    }
    ws_sdc_release(&t);
    free(keys);
    free(rank0);
    build_release(&b);
    return rc;
}

int ws_protect_apply(const struct ws_indicator_set *raw, const struct ws_protect_opts *opts,
                     struct ws_indicator_set *published, struct ws_audit *audit, struct ws_err *err)
{
    struct ws_indicator_set work = {0};
    int rc;

    ws_indicator_set_copy(&work, raw);
    rc = apply(&work, opts, published, audit, err);
    ws_indicator_set_release(&work);
    return rc;
}

int ws_protect_apply_in_place(struct ws_indicator_set *raw, const struct ws_protect_opts *opts,
                              struct ws_indicator_set *published, struct ws_audit *audit,
                              struct ws_err *err)
{
    return apply(raw, opts, published, audit, err);
}

static int cmp_prio(const void *pa, const void *pb)
{
    const struct ws_indicator *a = *(const struct ws_indicator *const *)pa;
    const struct ws_indicator *b = *(const struct ws_indicator *const *)pb;

    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->priority_rank != b->priority_rank)
        return a->priority_rank < b->priority_rank ? -1 : 1;
    return strcmp(str_or_empty(a->code), str_or_empty(b->code));
}

/* The priority list as rows (results.h), grown as it is built. */
struct prio_list {
    struct ws_priority_row *rows;
    size_t n, cap;
};

/* Appends row r with its reasons (WS_REASON_* flags). */
static void priority_row(struct prio_list *l, const struct ws_indicator *r, unsigned reasons)
{
    struct ws_priority_row *p;

    WS_VEC_GROW(l->rows, l->n + 1, l->cap);
    p = &l->rows[l->n++];
    p->year = r->year;
    p->rank = r->priority_rank;
    p->code = ws_xstrdup(r->code);
    p->name = r->name ? ws_xstrdup(r->name) : NULL;
    p->wijk = r->parent ? ws_xstrdup(r->parent) : NULL;
    p->reasons = reasons & WS_REASON_ALL;
}

/* The rows of one year's rows[0..m) (sorted by rank). */
static int priorities_year(const struct ws_indicator *const *rows, size_t m,
                           const struct ws_study *st, struct prio_list *l, struct ws_err *err)
{
    struct ws_priority_weights w = {st->prio_need, st->prio_demand, st->prio_trend,
                                    st->prio_cluster};
    double *need = ws_xcalloc(4 * m + 1, sizeof(double));
    bool *hh = ws_xcalloc(2 * m + 1, sizeof(bool));
    unsigned *reasons = ws_xcalloc(m + 1, sizeof(*reasons));
    struct ws_priority_input pi;
    int rc;

    memset(&pi, 0, sizeof(pi));
    pi.n = m;
    pi.need = need;
    pi.demand = need + m;
    pi.trend_rr = need + 2 * m;
    pi.trend_p = need + 3 * m;
    pi.in_hh_cluster = hh;
    pi.usable = hh + m;
    for (size_t k = 0; k < m; k++) {
        const struct ws_indicator *r = rows[k];
        hh[m + k] = r->suppressed == WS_SUPP_NONE && r->population > 0;
        need[k] = hh[m + k] ? 1000.0 * r->expected / r->population : NAN;
        need[m + k] = r->eb_rate;
        need[2 * m + k] = r->trend_rr;
        need[3 * m + k] = r->trend_p;
        hh[k] = strcmp(r->lisa_cluster, "HH") == 0;
    }
    rc = ws_priority_score(&pi, &w, NULL, NULL, reasons, err);
    for (size_t k = 0; !rc && k < m; k++)
        if (rows[k]->priority_rank >= 1 && rows[k]->priority_rank <= st->prio_top)
            priority_row(l, rows[k], reasons[k]);
    free(need);
    free(hh);
    free(reasons);
    return rc;
}

/* The priority list (priorities.csv): per year, the published buurten
 * (category 'all') with priority_rank 1..top, and the reasons that their
 * PUBLISHED figures support (priority.h on the published values: a reason
 * whose figure is NULL, e.g. a trend against a suppressed year, is not
 * given).  *out owned (ws_priority_rows_free). */
static int priorities_list(const struct ws_indicator_set *pub, const struct ws_study *st,
                           struct ws_priority_row **out, size_t *n_out, struct ws_err *err)
{
    const struct ws_indicator **rows = ws_xcalloc(pub->n + 1, sizeof(const struct ws_indicator *));
    struct prio_list l = {NULL, 0, 0};
    size_t n = 0;
    int rc = WS_OK;

    for (size_t i = 0; i < pub->n; i++) {
        const struct ws_indicator *r = &pub->rows[i];
        if (r->level == WS_LEVEL_BUURT && is_all(r->category))
            rows[n++] = r;
    }
    if (n)
        qsort(rows, n, sizeof(const struct ws_indicator *), cmp_prio);
    for (size_t a = 0, e; a < n && !rc; a = e) {
        for (e = a; e < n && rows[e]->year == rows[a]->year; e++)
            ;
        rc = priorities_year(rows + a, e - a, st, &l, err);
    }
    free(rows);
    if (rc) {
        ws_priority_rows_free(l.rows, l.n);
        return rc;
    }
    *out = l.rows;
    *n_out = l.n;
    return WS_OK;
}

/* Does p[0..len) contain key[0..n)? */
static bool contains(const char *p, size_t len, const char *key, size_t n)
{
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(p + i, key, n) == 0)
            return true;
    return false;
}

/* Is the line an analysis of a withheld year x category? */
static bool line_withheld(const char *line, size_t len, const struct ws_audit *a)
{
    char key[256];

    if (len < 10 || strncmp(line, "{\"level\":", 9) != 0)
        return false;
    for (size_t k = 0; k < a->n; k++) {
        const struct ws_audit_record *r = &a->rec[k];
        int n;
        if (r->check != WS_CHECK_WITHHELD)
            continue;
        n = strcmp(r->category, "all") == 0
                ? snprintf(key, sizeof(key), "\"year\":%d,", r->year)
                : snprintf(key, sizeof(key), "\"year\":%d,\"category\":\"%s\"", r->year,
                           r->category);
        if (n > 0 && (size_t)n < sizeof(key) && contains(line, len, key, (size_t)n))
            return true;
    }
    return false;
}

/* Appends one analysis line (an entry of "analyses") to sb unless it is
 * withheld: without its separator or the closing "]}". */
static void keep_entry(struct ws_strbuf *sb, const char *p, size_t len, const struct ws_audit *a,
                       bool *first)
{
    if (line_withheld(p, len, a))
        return;
    if (len && p[len - 1] == ',')
        len--;
    else if (len >= 2 && strncmp(p + len - 2, "]}", 2) == 0)
        len -= 2;
    if (!*first)
        ws_strbuf_adds(sb, ",\n");
    ws_strbuf_add(sb, p, len);
    *first = false;
}

static void withheld_json(struct ws_strbuf *sb, const struct ws_audit *a)
{
    size_t n = 0;

    ws_strbuf_adds(sb, "],\"withheld\":[");
    for (size_t k = 0; k < a->n; k++) {
        const struct ws_audit_record *r = &a->rec[k];
        if (r->check != WS_CHECK_WITHHELD)
            continue;
        ws_strbuf_addf(sb, "%s\n{\"year\":%d,\"category\":", n++ ? "," : "", r->year);
        ws_strbuf_add_json(sb, r->category);
        ws_strbuf_adds(sb, ",\"why\":");
        ws_strbuf_add_json(sb, r->note ? r->note : "");
        ws_strbuf_addch(sb, '}');
    }
    ws_strbuf_adds(sb, "]}\n");
}

/* statistics.json without the analyses of withheld year x categories, and
 * with the list of them ("withheld": year, category, why).  It is one
 * analysis per line (analyse.c), the last followed by "]}".  Owned. */
static char *filter_statistics(const char *json, const struct ws_audit *a)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    bool first = true;

    for (const char *p = json; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        bool entry =
            len > 10 && strncmp(p, "{\"level\":", 9) == 0 && contains(p, len, "\"year\":", 7);
        if (entry)
            keep_entry(&sb, p, len, a, &first);
        else if (!first)
            break; // nothing follows the analyses but their closing
        else {
            ws_strbuf_add(&sb, p, len);
            if (nl)
                ws_strbuf_addch(&sb, '\n');
        }
        p = nl ? nl + 1 : p + len;
    }
    withheld_json(&sb, a);
    return ws_strbuf_detach(&sb);
}

int ws_protect_store(struct ws_store *s, const struct ws_study *st, struct ws_audit *audit,
                     struct ws_err *err)
{
    return ws_protect_store_plan(s, st, NULL, 0, audit, err);
}

int ws_protect_store_plan(struct ws_store *s, const struct ws_study *st,
                          const struct ws_offer_location *loc, size_t n_loc, struct ws_audit *audit,
                          struct ws_err *err)
{
    struct ws_indicator_set raw = {0};
    struct ws_indicator_set pub = {0};
    struct ws_audit local = WS_AUDIT_INIT;
    struct ws_audit *a = audit ? audit : &local;
    struct ws_area *buurten = NULL;
    size_t n_buurten = 0;
    struct ws_protect_opts o;
    char *csv = NULL;
    struct ws_offer_row *offer_rows = NULL;
    size_t n_offer_rows = 0;
    struct ws_priority_row *prio = NULL;
    size_t n_prio = 0;
    char *stats = NULL;
    char *stats_out = NULL;
    struct ws_offer_set offers = {NULL, 0, 0};
    bool in_tx = false;
    int rc;

    memset(&o, 0, sizeof(o));
    if ((rc = ws_store_read_indicators(s, WS_SET_RAW, &raw, err)) ||
        (rc = ws_store_read_areas(s, WS_LEVEL_BUURT, &buurten, &n_buurten, err)))
        goto out;
    o.min_count = st->min_count;
    o.round_to = st->round_to;
    o.safety_range = st->safety_range;
    o.buurten = buurten;
    o.n_buurten = n_buurten;
    o.exempt_unpopulated = true; // see protect.h and the README privacy section
    if ((rc = ws_offers_plan(&raw, buurten, n_buurten, loc, n_loc, st, &offers, err)))
        goto out;
    o.offers = &offers;
    o.min_group = st->min_group;
    if ((rc = ws_protect_apply_in_place(&raw, &o, &pub, a, err)) ||
        (rc = priorities_list(&pub, st, &prio, &n_prio, err)))
        goto out;
    ws_indicator_set_release(&raw); // not needed any more: less memory while writing
    csv = ws_audit_csv(a);
    ws_offers_published(&offers, &offer_rows, &n_offer_rows);
    if ((rc = ws_store_get_result(s, "statistics.json", &stats, err)))
        goto out;
    stats_out = filter_statistics(stats, a);
    if ((rc = ws_store_begin(s, err)))
        goto out;
    in_tx = true;
    if ((rc = ws_store_put_indicators(s, WS_SET_PUBLISHED, &pub, err)) ||
        (rc = ws_store_put_result(s, "audit.csv", csv, err)) ||
        (rc = ws_store_put_offers(s, offer_rows, n_offer_rows, err)) ||
        (rc = ws_store_put_priorities(s, prio, n_prio, err)) ||
        (rc = ws_store_put_result(s, "statistics.json", stats_out, err)) ||
        (rc = ws_store_commit(s, err)))
        goto out;
    in_tx = false;
out:
    if (rc && in_tx)
        ws_store_rollback(s);
    if (rc && audit)
        ws_audit_release(audit);
    ws_audit_release(&local);
    ws_offer_set_release(&offers);
    ws_offer_rows_free(offer_rows, n_offer_rows);
    ws_priority_rows_free(prio, n_prio);
    free(csv);
    free(stats);
    free(stats_out);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_store_free_areas(buurten, n_buurten);
    return rc;
}
