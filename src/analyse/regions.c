/*
 * regions.c - analysis areas: max-p regions per wijk component (rules,
 * objective and guarantees in regions.h).
 *
 * Layout:
 *   - input checks, internal contiguity (symmetric, same wijk, deduplicated),
 *     standardised covariates;
 *   - the exact solver on a vertex set of at most EXACT_MAX buurten (bit
 *     masks): every connected subset containing its lowest vertex is
 *     enumerated once (extension sets with a forbidden set), the feasible
 *     ones are kept per lowest vertex, and best(S) = max over feasible T
 *     holding the lowest vertex of S of value(T) + best(S \ T), memoised
 *     top-down over the 2^m subsets; value = (p, -merged, -heterogeneity),
 *     which is additive over regions;
 *   - the heuristic: seeded region growing, enclave assignment, best of
 *     N_CONSTRUCT runs, then pair re-optimisation with the exact solver;
 *   - numbering and labels.
 */
#include "wijkscan/analyse/regions.h"

#include "wijkscan/core/err.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_MAX WS_REGIONS_EXACT_MAX
#define LNS_MAX   WS_REGIONS_LNS_MAX
#define ENUM_CAP  32768u /* connected subsets enumerated per exact call (at most 2^m) */
/* subsets scanned per exact call: at most sum over v of 4^(m-1-v) < 4^(m-1) * 4 / 3
 * are scanned, so m <= 10 always fits */
#define WORK_CAP     524288u
#define N_CONSTRUCT  64  /* construction runs per heuristic component */
#define LNS_ROUNDS   200 /* improvements per component, a safety cap */
#define NONE         ((size_t)-1)
#define ENCLAVE      ((size_t)-2)
#define NAME_MAX_LEN 40

/* value of a region or partition: larger p, fewer merged, lower het */
struct val {
    long p;
    long merged;
    double het;
};

static struct val val_add(struct val a, struct val b)
{
    struct val r = {a.p + b.p, a.merged + b.merged, a.het + b.het};
    return r;
}

static bool val_better(struct val a, struct val b)
{
    if (a.p != b.p)
        return a.p > b.p;
    if (a.merged != b.merged)
        return a.merged < b.merged;
    return a.het < b.het - 1e-9 * (1.0 + fabs(b.het));
}

struct ctx {
    const struct ws_region_input *in;
    size_t n;
    size_t *adj_start; /* n + 1 */
    size_t *adj;       /* symmetric, same wijk, sorted, no duplicates */
    double *z;         /* n x k standardised covariates, NAN kept */
    bool *populated;
    bool *selfsuff;
    size_t *pos;  /* scratch: local index of a buurt in the heuristic's component, or NONE */
    size_t *pos2; /* scratch: the same for the exact solver's vertex set */
    /* exact solver */
    uint32_t *sub_mask; /* feasible connected subsets, grouped by lowest vertex */
    struct val *sub_val;
    size_t n_sub, cap_sub;
    size_t enum_count;
    uint8_t *state; /* 2^EXACT_MAX: 0 unknown, 1 feasible, 2 infeasible */
    struct val *memo;
    uint32_t *choice;
    size_t work;
    bool aborted;
};

/* ---- checks and preparation ---------------------------------------- */

static int check_arrays(const struct ws_region_input *in, struct ws_err *err)
{
    if (!in->wijk || !in->cases || !in->nb_start || (in->k > 0 && !in->covar))
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_build: NULL input array");
    if (in->nb_start[in->n] > in->nb_start[0] && !in->nb)
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_build: NULL neighbour array");
    if (!isfinite(in->threshold))
        return ws_err_set(err, WS_EDATA, "the minimum count of an analysis area is not finite");
    return WS_OK;
}

static int check_buurt(const struct ws_region_input *in, size_t i, struct ws_err *err)
{
    double pop = in->population ? in->population[i] : 1.0;

    if (!isfinite(in->cases[i]) || in->cases[i] < 0)
        return ws_err_set(err, WS_EDATA, "case count of buurt %zu is not a number >= 0 (%g)", i,
                          in->cases[i]);
    if (isinf(pop) || pop < 0)
        return ws_err_set(err, WS_EDATA, "population of buurt %zu is not a number >= 0 (%g)", i,
                          pop);
    if (in->nb_start[i + 1] < in->nb_start[i])
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_build: nb_start not ascending at %zu", i);
    for (size_t e = in->nb_start[i]; e < in->nb_start[i + 1]; e++)
        if (in->nb[e] >= in->n)
            return ws_err_set(err, WS_EDATA, "neighbour %zu of buurt %zu is not a buurt", in->nb[e],
                              i);
    return WS_OK;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Symmetric same-wijk adjacency without self-links and duplicates. */
static void build_adjacency(struct ctx *c)
{
    const struct ws_region_input *in = c->in;
    size_t n = c->n;
    size_t *deg = ws_xcalloc(n + 1, sizeof(*deg));
    size_t *fill;

    for (size_t i = 0; i < n; i++)
        for (size_t e = in->nb_start[i]; e < in->nb_start[i + 1]; e++) {
            size_t j = in->nb[e];
            if (j != i && in->wijk[j] == in->wijk[i]) {
                deg[i]++;
                deg[j]++;
            }
        }
    c->adj_start = ws_xcalloc(n + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        c->adj_start[i + 1] = c->adj_start[i] + deg[i];
    c->adj = ws_xmalloc(ws_st_mult(c->adj_start[n] + 1, sizeof(size_t)));
    fill = deg;
    memcpy(fill, c->adj_start, n * sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        for (size_t e = in->nb_start[i]; e < in->nb_start[i + 1]; e++) {
            size_t j = in->nb[e];
            if (j != i && in->wijk[j] == in->wijk[i]) {
                c->adj[fill[i]++] = j;
                c->adj[fill[j]++] = i;
            }
        }
    /* sort and deduplicate in place, compacting the CSR */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = c->adj_start[i];
        size_t e = c->adj_start[i + 1];
        qsort(c->adj + b, e - b, sizeof(size_t), cmp_size);
        c->adj_start[i] = w;
        for (size_t t = b; t < e; t++)
            if (t == b || c->adj[t] != c->adj[t - 1])
                c->adj[w++] = c->adj[t];
    }
    c->adj_start[n] = w;
    free(deg);
}

/* z = (x - mean) / sd per covariate over the non-NAN values; 0 without spread. */
static void standardise(struct ctx *c)
{
    size_t n = c->n;
    size_t k = c->in->k;

    c->z = ws_xmalloc(ws_st_mult(ws_st_mult(n, k) + 1, sizeof(double)));
    for (size_t j = 0; j < k; j++) {
        double sum = 0;
        double ss = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++) {
            double x = c->in->covar[i * k + j];
            if (isfinite(x)) {
                sum += x;
                cnt++;
            }
        }
        double mean = cnt ? sum / (double)cnt : 0;
        for (size_t i = 0; i < n; i++) {
            double x = c->in->covar[i * k + j];
            if (isfinite(x))
                ss += (x - mean) * (x - mean);
        }
        double sd = cnt > 1 ? sqrt(ss / (double)(cnt - 1)) : 0;
        for (size_t i = 0; i < n; i++) {
            double x = c->in->covar[i * k + j];
            c->z[i * k + j] = !isfinite(x) ? NAN : sd > 0 ? (x - mean) / sd : 0.0;
        }
    }
}

/* Heterogeneity of a region of m buurten (global indices). */
static double region_het(const struct ctx *c, const size_t *mem, size_t m)
{
    size_t k = c->in->k;
    double het = 0;

    for (size_t j = 0; j < k; j++) {
        double sum = 0;
        size_t cnt = 0;
        for (size_t t = 0; t < m; t++) {
            double x = c->z[mem[t] * k + j];
            if (!isnan(x)) {
                sum += x;
                cnt++;
            }
        }
        if (cnt < 2)
            continue;
        double mean = sum / (double)cnt;
        for (size_t t = 0; t < m; t++) {
            double x = c->z[mem[t] * k + j];
            if (!isnan(x))
                het += (x - mean) * (x - mean);
        }
    }
    return het;
}

static struct val region_val(const struct ctx *c, const size_t *mem, size_t m)
{
    struct val v = {1, 0, 0.0};

    if (m > 1)
        for (size_t t = 0; t < m; t++)
            v.merged += c->selfsuff[mem[t]];
    v.het = region_het(c, mem, m);
    return v;
}

/* ---- exact solver --------------------------------------------------- */

/* A vertex set of at most EXACT_MAX buurten with local adjacency masks. */
struct vset {
    size_t m;
    size_t v[EXACT_MAX]; /* global indices */
    uint32_t nbm[EXACT_MAX];
};

static unsigned lowest_bit(uint32_t x)
{
    unsigned i = 0;
    while (!(x & 1u)) {
        x >>= 1;
        i++;
    }
    return i;
}

static void vset_masks(struct ctx *c, struct vset *s)
{
    memset(s->nbm, 0, sizeof(s->nbm));
    for (size_t i = 0; i < s->m; i++)
        c->pos2[s->v[i]] = i;
    for (size_t i = 0; i < s->m; i++) {
        s->nbm[i] = 0;
        for (size_t e = c->adj_start[s->v[i]]; e < c->adj_start[s->v[i] + 1]; e++) {
            size_t l = c->pos2[c->adj[e]];
            if (l != NONE)
                s->nbm[i] |= 1u << l;
        }
    }
    for (size_t i = 0; i < s->m; i++)
        c->pos2[s->v[i]] = NONE;
}

static bool mask_feasible(const struct ctx *c, const struct vset *s, uint32_t mask)
{
    double sum = 0;
    bool pop = false;

    for (size_t i = 0; i < s->m; i++)
        if (mask & (1u << i)) {
            sum += c->in->cases[s->v[i]];
            pop = pop || c->populated[s->v[i]];
        }
    return pop && sum >= c->in->threshold;
}

static void keep_subset(struct ctx *c, const struct vset *s, uint32_t mask)
{
    size_t mem[EXACT_MAX];
    size_t m = 0;

    for (size_t i = 0; i < s->m; i++)
        if (mask & (1u << i))
            mem[m++] = s->v[i];
    if (c->n_sub == c->cap_sub) {
        c->cap_sub = c->cap_sub ? 2 * c->cap_sub : 1024;
        c->sub_mask = ws_xrealloc(c->sub_mask, ws_st_mult(c->cap_sub, sizeof(*c->sub_mask)));
        c->sub_val = ws_xrealloc(c->sub_val, ws_st_mult(c->cap_sub, sizeof(*c->sub_val)));
    }
    c->sub_mask[c->n_sub] = mask;
    c->sub_val[c->n_sub] = region_val(c, mem, m);
    c->n_sub++;
}

/* Emits every connected set sub + (extension from ext) once; forbid grows. */
static void enum_connected(struct ctx *c, const struct vset *s, uint32_t sub, uint32_t ext,
                           uint32_t forbid)
{
    if (c->aborted)
        return;
    if (++c->enum_count > ENUM_CAP) {
        c->aborted = true;
        return;
    }
    if (mask_feasible(c, s, sub))
        keep_subset(c, s, sub);
    while (ext) {
        unsigned w = lowest_bit(ext);
        uint32_t bit = 1u << w;
        ext &= ~bit;
        uint32_t next = ext | (s->nbm[w] & ~sub & ~forbid & ~bit);
        enum_connected(c, s, sub | bit, next, forbid | bit);
        forbid |= bit;
        if (c->aborted)
            return;
    }
}

static bool exact_best(struct ctx *c, const struct vset *s, const size_t *start, uint32_t set);

static void exact_try(struct ctx *c, const struct vset *s, const size_t *start, uint32_t set,
                      size_t t, bool *have)
{
    uint32_t rest = set & ~c->sub_mask[t];

    if (!exact_best(c, s, start, rest))
        return;
    struct val cand = rest ? val_add(c->sub_val[t], c->memo[rest]) : c->sub_val[t];
    if (!*have || val_better(cand, c->memo[set])) {
        c->memo[set] = cand;
        c->choice[set] = c->sub_mask[t];
        *have = true;
    }
}

/* best(set) into memo/choice; false when set has no feasible partition. */
static bool exact_best(struct ctx *c, const struct vset *s, const size_t *start, uint32_t set)
{
    if (!set)
        return true;
    if (c->state[set])
        return c->state[set] == 1;
    if (c->aborted)
        return false;
    unsigned low = lowest_bit(set);
    bool have = false;
    if (mask_feasible(c, s, set))
        for (size_t t = start[low]; t < start[low + 1] && !c->aborted; t++) {
            if (++c->work > WORK_CAP) {
                c->aborted = true;
                break;
            }
            if (c->sub_mask[t] & ~set)
                continue;
            exact_try(c, s, start, set, t, &have);
        }
    if (c->aborted)
        return false;
    c->state[set] = have ? 1 : 2;
    return have;
}

/* Solves s exactly: label[i] (0-based region of local vertex i) and the value.
 * Returns false when the budget ran out or s has no feasible partition. */
static bool exact_solve(struct ctx *c, struct vset *s, size_t *label, struct val *value)
{
    size_t start[EXACT_MAX + 1];
    uint32_t full = (1u << s->m) - 1u;

    vset_masks(c, s);
    c->n_sub = 0;
    c->enum_count = 0;
    c->work = 0;
    c->aborted = false;
    for (size_t v = 0; v < s->m; v++) {
        uint32_t below = (1u << v) - 1u;
        start[v] = c->n_sub;
        enum_connected(c, s, 1u << v, s->nbm[v] & ~below, below | (1u << v));
    }
    start[s->m] = c->n_sub;
    if (c->aborted)
        return false;
    memset(c->state, 0, ((size_t)full + 1) * sizeof(*c->state));
    if (!exact_best(c, s, start, full))
        return false;
    *value = c->memo[full];
    size_t r = 0;
    for (uint32_t set = full; set; set &= ~c->choice[set], r++)
        for (size_t i = 0; i < s->m; i++)
            if (c->choice[set] & (1u << i))
                label[i] = r;
    return true;
}

/* ---- heuristic ------------------------------------------------------ */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rng_below(struct rng *r, size_t n)
{
    return n ? (size_t)(rng_next(r) % (uint64_t)n) : 0;
}

/* A component: nc buurten (global, ascending), labels in local indices. */
struct comp {
    size_t nc;
    const size_t *g;
    size_t *lab;   /* nc: current labels */
    size_t *best;  /* nc: best labels */
    size_t *order; /* nc: scratch */
    size_t *mem;   /* nc: scratch (members of a growing region, local) */
    size_t *cand;  /* nc: scratch */
    size_t *size;  /* nc: region sizes */
    size_t *stamp; /* nc: scratch marks */
    size_t stamp_now;
};

/* The neighbours of local vertex i are local(c, e) for e in [nb_lo, nb_hi). */
static size_t nb_lo(const struct ctx *c, const struct comp *cp, size_t i)
{
    return c->adj_start[cp->g[i]];
}

static size_t nb_hi(const struct ctx *c, const struct comp *cp, size_t i)
{
    return c->adj_start[cp->g[i] + 1];
}

static size_t local(const struct ctx *c, size_t e)
{
    return c->pos[c->adj[e]];
}

static size_t collect_candidates(struct ctx *c, struct comp *cp, size_t m)
{
    size_t nc = 0;

    cp->stamp_now++;
    for (size_t t = 0; t < m; t++)
        for (size_t e = nb_lo(c, cp, cp->mem[t]); e < nb_hi(c, cp, cp->mem[t]); e++) {
            size_t j = local(c, e);
            if (cp->lab[j] == NONE && cp->stamp[j] != cp->stamp_now) {
                cp->stamp[j] = cp->stamp_now;
                cp->cand[nc++] = j;
            }
        }
    return nc;
}

/* Rule 0: random; rules 1, 2: the candidate that completes the region with
 * the fewest cases, else (1) the most cases or (2) a random one. */
static size_t pick_candidate(const struct ctx *c, const struct comp *cp, size_t ncand, double sum,
                             bool pop, int rule, struct rng *r)
{
    size_t pick = NONE;
    double thr = c->in->threshold;

    if (rule == 0)
        return cp->cand[rng_below(r, ncand)];
    for (size_t t = 0; t < ncand; t++) {
        size_t j = cp->cand[t];
        double cj = c->in->cases[cp->g[j]];
        bool done = sum + cj >= thr && (pop || c->populated[cp->g[j]]);
        if (done && (pick == NONE || cj < c->in->cases[cp->g[pick]]))
            pick = j;
    }
    if (pick != NONE)
        return pick;
    if (rule == 2)
        return cp->cand[rng_below(r, ncand)];
    for (size_t t = 0; t < ncand; t++) {
        size_t j = cp->cand[t];
        if (pick == NONE || c->in->cases[cp->g[j]] > c->in->cases[cp->g[pick]])
            pick = j;
    }
    return pick;
}

/* Grows region `id` from seed s; false (members marked ENCLAVE) when it
 * cannot reach the threshold. */
static bool grow_region(struct ctx *c, struct comp *cp, size_t s, size_t id, int rule,
                        struct rng *r)
{
    size_t m = 0;
    double sum = 0;
    bool pop = false;

    cp->mem[m++] = s;
    cp->lab[s] = id;
    sum += c->in->cases[cp->g[s]];
    pop = c->populated[cp->g[s]];
    while (sum < c->in->threshold || !pop) {
        size_t ncand = collect_candidates(c, cp, m);
        if (!ncand) {
            for (size_t t = 0; t < m; t++)
                cp->lab[cp->mem[t]] = ENCLAVE;
            return false;
        }
        size_t j = pick_candidate(c, cp, ncand, sum, pop, rule, r);
        cp->mem[m++] = j;
        cp->lab[j] = id;
        sum += c->in->cases[cp->g[j]];
        pop = pop || c->populated[cp->g[j]];
    }
    cp->size[id] = m;
    return true;
}

static double zdist(const struct ctx *c, size_t a, size_t b)
{
    size_t k = c->in->k;
    double d = 0;

    for (size_t j = 0; j < k; j++) {
        double x = c->z[a * k + j] - c->z[b * k + j];
        if (!isnan(x))
            d += x * x;
    }
    return d;
}

/* Joins enclave e to the neighbouring region that merges fewest
 * self-sufficient buurten, then is nearest in covariates.  False when e has
 * no assigned neighbour yet. */
static bool join_enclave(struct ctx *c, struct comp *cp, size_t e)
{
    size_t best = NONE;
    long best_m = 0;
    double best_d = 0;

    for (size_t f = nb_lo(c, cp, e); f < nb_hi(c, cp, e); f++) {
        size_t j = local(c, f);
        size_t id = cp->lab[j];
        if (id == ENCLAVE || id == NONE)
            continue;
        long mg = cp->size[id] == 1 && c->selfsuff[cp->g[j]];
        double d = zdist(c, cp->g[e], cp->g[j]);
        if (best == NONE || mg < best_m || (mg == best_m && d < best_d)) {
            best = id;
            best_m = mg;
            best_d = d;
        }
    }
    if (best == NONE)
        return false;
    cp->lab[e] = best;
    cp->size[best]++;
    return true;
}

static void shuffle_order(struct comp *cp, struct rng *r, const struct ctx *c, bool selfsuff_first)
{
    for (size_t i = 0; i < cp->nc; i++)
        cp->order[i] = i;
    for (size_t i = cp->nc; i > 1; i--) {
        size_t j = rng_below(r, i);
        size_t t = cp->order[i - 1];
        cp->order[i - 1] = cp->order[j];
        cp->order[j] = t;
    }
    if (!selfsuff_first)
        return;
    size_t w = 0;
    for (size_t i = 0; i < cp->nc; i++) /* stable: self-sufficient ones first */
        if (c->selfsuff[cp->g[cp->order[i]]]) {
            size_t t = cp->order[i];
            memmove(cp->order + w + 1, cp->order + w, (i - w) * sizeof(size_t));
            cp->order[w++] = t;
        }
}

/* One construction; returns the number of regions (0: none formed). */
static size_t construct(struct ctx *c, struct comp *cp, struct rng *r, int iter)
{
    size_t p = 0;
    bool left = true;

    shuffle_order(cp, r, c, iter % 2 == 0);
    for (size_t i = 0; i < cp->nc; i++)
        cp->lab[i] = NONE;
    for (size_t i = 0; i < cp->nc; i++) {
        size_t s = cp->order[i];
        if (cp->lab[s] == NONE && grow_region(c, cp, s, p, (iter / 2) % 3, r))
            p++;
    }
    if (!p)
        return 0;
    while (left) {
        left = false;
        for (size_t i = 0; i < cp->nc; i++)
            if (cp->lab[i] == ENCLAVE && !join_enclave(c, cp, i))
                left = true;
    }
    return p;
}

/* Value of a labelling with p regions (labels < p). */
static struct val labels_val(const struct ctx *c, const struct comp *cp, const size_t *lab,
                             size_t p)
{
    struct val total = {0, 0, 0.0};
    size_t *mem = ws_xmalloc(ws_st_mult(cp->nc, sizeof(size_t)));

    for (size_t id = 0; id < p; id++) {
        size_t m = 0;
        for (size_t i = 0; i < cp->nc; i++)
            if (lab[i] == id)
                mem[m++] = cp->g[i];
        total = val_add(total, region_val(c, mem, m));
    }
    free(mem);
    return total;
}

/* Re-solves regions a and b together; true when that improved the value. */
static bool improve_pair(struct ctx *c, struct comp *cp, size_t a, size_t b, size_t *p)
{
    struct vset s;
    size_t loc[LNS_MAX] = {0};
    size_t label[LNS_MAX] = {0};
    size_t mem[LNS_MAX];
    size_t na = 0;
    struct val now;
    struct val v;

    s.m = 0;
    for (size_t i = 0; i < cp->nc; i++)
        if (cp->lab[i] == a || cp->lab[i] == b) {
            if (s.m == LNS_MAX)
                return false;
            loc[s.m] = i;
            s.v[s.m++] = cp->g[i];
        }
    for (size_t i = 0; i < s.m; i++)
        if (cp->lab[loc[i]] == a)
            mem[na++] = s.v[i];
    now = region_val(c, mem, na);
    for (size_t i = 0, t = 0; i < s.m; i++)
        if (cp->lab[loc[i]] == b)
            mem[t++] = s.v[i];
    now = val_add(now, region_val(c, mem, s.m - na));
    if (!exact_solve(c, &s, label, &v) || !val_better(v, now))
        return false;
    for (size_t i = 0; i < s.m; i++)
        cp->lab[loc[i]] = label[i] == 0 ? a : label[i] == 1 ? b : *p + label[i] - 2;
    if (v.p > 2)
        *p += (size_t)v.p - 2;
    return true;
}

/* Tries the adjacent region pairs (a < b) in order; true after one improved. */
static bool improve_once(struct ctx *c, struct comp *cp, size_t *p)
{
    for (size_t a = 0; a < *p; a++) {
        cp->stamp_now++;
        for (size_t i = 0; i < cp->nc; i++) {
            if (cp->lab[i] != a)
                continue;
            for (size_t e = nb_lo(c, cp, i); e < nb_hi(c, cp, i); e++) {
                size_t j = local(c, e);
                size_t b = cp->lab[j];
                if (b <= a || cp->stamp[b] == cp->stamp_now)
                    continue;
                cp->stamp[b] = cp->stamp_now;
                if (improve_pair(c, cp, a, b, p))
                    return true;
            }
        }
    }
    return false;
}

static void set_local_pos(struct ctx *c, const struct comp *cp, bool on)
{
    for (size_t i = 0; i < cp->nc; i++)
        c->pos[cp->g[i]] = on ? i : NONE;
}

/* Heuristic for one component; labels in cp->lab, returns p. */
static size_t heuristic(struct ctx *c, struct comp *cp)
{
    struct rng r = {c->in->seed ^ (0x5851f42d4c957f2dull * ((uint64_t)cp->g[0] + 1))};
    size_t best_p = 0;
    struct val best = {0, 0, 0.0};

    set_local_pos(c, cp, true);
    for (int iter = 0; iter < N_CONSTRUCT; iter++) {
        size_t p = construct(c, cp, &r, iter);
        if (!p || (size_t)best.p > p)
            continue;
        struct val v = labels_val(c, cp, cp->lab, p);
        if (!best_p || val_better(v, best)) {
            best = v;
            best_p = p;
            memcpy(cp->best, cp->lab, cp->nc * sizeof(size_t));
        }
    }
    memcpy(cp->lab, cp->best, cp->nc * sizeof(size_t));
    for (int round = 0; round < LNS_ROUNDS; round++)
        if (!improve_once(c, cp, &best_p))
            break;
    set_local_pos(c, cp, false);
    return best_p;
}

/* ---- components ----------------------------------------------------- */

/* Partitions component g[0..nc) into regions base, base+1, ...; returns p. */
static size_t solve_component(struct ctx *c, struct comp *cp, size_t *region_of, size_t base)
{
    double total = 0;
    bool pop = false;
    size_t p = 1;

    for (size_t i = 0; i < cp->nc; i++) {
        total += c->in->cases[cp->g[i]];
        pop = pop || c->populated[cp->g[i]];
        cp->lab[i] = 0;
    }
    if (cp->nc > 1 && pop && total >= c->in->threshold) {
        struct vset s;
        struct val v;
        bool done = false;
        if (cp->nc <= EXACT_MAX) {
            s.m = cp->nc;
            memcpy(s.v, cp->g, cp->nc * sizeof(size_t));
            done = exact_solve(c, &s, cp->lab, &v);
            p = done ? (size_t)v.p : 0;
        }
        if (!done)
            p = heuristic(c, cp);
    }
    for (size_t i = 0; i < cp->nc; i++)
        region_of[cp->g[i]] = base + cp->lab[i];
    return p;
}

/* Collects the component of buurt s (BFS over unvisited) into g, sorted. */
static size_t collect_component(const struct ctx *c, size_t s, bool *seen, size_t *g)
{
    size_t nc = 0;

    g[nc++] = s;
    seen[s] = true;
    for (size_t h = 0; h < nc; h++)
        for (size_t e = c->adj_start[g[h]]; e < c->adj_start[g[h] + 1]; e++)
            if (!seen[c->adj[e]]) {
                seen[c->adj[e]] = true;
                g[nc++] = c->adj[e];
            }
    qsort(g, nc, sizeof(size_t), cmp_size);
    return nc;
}

struct rkey {
    size_t wijk;
    size_t first;
    size_t id;
};

static int cmp_rkey(const void *a, const void *b)
{
    const struct rkey *x = a;
    const struct rkey *y = b;
    if (x->wijk != y->wijk)
        return (x->wijk > y->wijk) - (x->wijk < y->wijk);
    return (x->first > y->first) - (x->first < y->first);
}

/* Renumbers regions by (wijk, smallest buurt index). */
static void renumber(const struct ws_region_input *in, size_t *region_of, size_t p)
{
    struct rkey *key = ws_xmalloc(ws_st_mult(p + 1, sizeof(*key)));
    size_t *map = ws_xmalloc(ws_st_mult(p + 1, sizeof(size_t)));

    for (size_t r = 0; r < p; r++)
        key[r].first = NONE;
    for (size_t i = in->n; i-- > 0;) {
        key[region_of[i]].first = i;
        key[region_of[i]].wijk = in->wijk[i];
        key[region_of[i]].id = region_of[i];
    }
    qsort(key, p, sizeof(*key), cmp_rkey);
    for (size_t r = 0; r < p; r++)
        map[key[r].id] = r;
    for (size_t i = 0; i < in->n; i++)
        region_of[i] = map[region_of[i]];
    free(map);
    free(key);
}

static void ctx_init(struct ctx *c, const struct ws_region_input *in)
{
    memset(c, 0, sizeof(*c));
    c->in = in;
    c->n = in->n;
    c->populated = ws_xcalloc(in->n + 1, sizeof(bool));
    c->selfsuff = ws_xcalloc(in->n + 1, sizeof(bool));
    c->pos = ws_xmalloc(ws_st_mult(in->n + 1, sizeof(size_t)));
    c->pos2 = ws_xmalloc(ws_st_mult(in->n + 1, sizeof(size_t)));
    for (size_t i = 0; i < in->n; i++) {
        double pop = in->population ? in->population[i] : 1.0;
        c->populated[i] = pop > 0;
        c->selfsuff[i] = c->populated[i] && in->cases[i] >= in->threshold;
        c->pos[i] = NONE;
        c->pos2[i] = NONE;
    }
    c->state = ws_xmalloc((size_t)1 << EXACT_MAX);
    c->memo = ws_xmalloc(((size_t)1 << EXACT_MAX) * sizeof(*c->memo));
    c->choice = ws_xmalloc(((size_t)1 << EXACT_MAX) * sizeof(*c->choice));
    build_adjacency(c);
    standardise(c);
}

static void ctx_free(struct ctx *c)
{
    free(c->adj_start);
    free(c->adj);
    free(c->z);
    free(c->populated);
    free(c->selfsuff);
    free(c->pos);
    free(c->pos2);
    free(c->sub_mask);
    free(c->sub_val);
    free(c->state);
    free(c->memo);
    free(c->choice);
}

static void comp_alloc(struct comp *cp, size_t n)
{
    size_t bytes = ws_st_mult(n + 1, sizeof(size_t));

    memset(cp, 0, sizeof(*cp));
    cp->lab = ws_xmalloc(bytes);
    cp->best = ws_xmalloc(bytes);
    cp->order = ws_xmalloc(bytes);
    cp->mem = ws_xmalloc(bytes);
    cp->cand = ws_xmalloc(bytes);
    cp->size = ws_xmalloc(bytes);
    cp->stamp = ws_xcalloc(n + 1, sizeof(size_t));
}

static void comp_free(struct comp *cp)
{
    free(cp->lab);
    free(cp->best);
    free(cp->order);
    free(cp->mem);
    free(cp->cand);
    free(cp->size);
    free(cp->stamp);
}

int ws_regions_build(const struct ws_region_input *in, struct ws_regions *out, struct ws_err *err)
{
    struct ctx c;
    struct comp cp;
    size_t p = 0;

    if (!in || !out)
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_build: NULL argument");
    memset(out, 0, sizeof(*out));
    if (in->n == 0)
        return WS_OK;
    int rc = check_arrays(in, err);
    for (size_t i = 0; i < in->n && rc == WS_OK; i++)
        rc = check_buurt(in, i, err);
    if (rc != WS_OK)
        return rc;
    ctx_init(&c, in);
    comp_alloc(&cp, in->n);
    bool *seen = ws_xcalloc(in->n, sizeof(bool));
    size_t *g = ws_xmalloc(ws_st_mult(in->n, sizeof(size_t)));
    out->region_of = ws_xmalloc(ws_st_mult(in->n, sizeof(size_t)));
    for (size_t i = 0; i < in->n; i++) {
        if (seen[i])
            continue;
        cp.nc = collect_component(&c, i, seen, g);
        cp.g = g;
        p += solve_component(&c, &cp, out->region_of, p);
    }
    renumber(in, out->region_of, p);
    out->n = in->n;
    out->n_regions = p;
    free(g);
    free(seen);
    comp_free(&cp);
    ctx_free(&c);
    return WS_OK;
}

void ws_regions_release(struct ws_regions *r)
{
    if (!r)
        return;
    free(r->region_of);
    memset(r, 0, sizeof(*r));
}

/* ---- labels --------------------------------------------------------- */

static double pop_of(const double *population, size_t i)
{
    double v = population ? population[i] : 0.0;
    return isnan(v) ? 0.0 : v;
}

static const char *name_of(const char *const *buurt_code, const char *const *buurt_name, size_t i)
{
    return buurt_name && buurt_name[i] ? buurt_name[i] : buurt_code[i];
}

static char *make_code(const char *buurt_code)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *s = buurt_code;

    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    ws_strbuf_adds(&sb, "GB");
    ws_strbuf_adds(&sb, *s ? s : buurt_code);
    return ws_strbuf_detach(&sb);
}

/* Name of the region whose members (ascending) are mem[0..m). */
static char *make_name(const size_t *mem, size_t m, const char *const *buurt_code,
                       const char *const *buurt_name, const double *population)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    size_t big = mem[0];

    for (size_t t = 1; t < m; t++)
        if (pop_of(population, mem[t]) > pop_of(population, big))
            big = mem[t];
    if (m == 1)
        return ws_xstrdup(name_of(buurt_code, buurt_name, big));
    if (m == 2) {
        size_t other = big == mem[0] ? mem[1] : mem[0];
        ws_strbuf_addf(&sb, "%s en %s", name_of(buurt_code, buurt_name, big),
                       name_of(buurt_code, buurt_name, other));
        if (sb.len <= NAME_MAX_LEN)
            return ws_strbuf_detach(&sb);
        ws_strbuf_reset(&sb);
    }
    ws_strbuf_addf(&sb, "%s e.o.", name_of(buurt_code, buurt_name, big));
    return ws_strbuf_detach(&sb);
}

void ws_regions_labels_free(char **codes, char **names, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        if (codes)
            free(codes[r]);
        if (names)
            free(names[r]);
    }
    free(codes);
    free(names);
}

int ws_regions_label(const struct ws_regions *r, const char *const *buurt_code,
                     const char *const *buurt_name, const double *population, char ***code_out,
                     char ***name_out, struct ws_err *err)
{
    if (!code_out || !name_out)
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_label: NULL argument");
    *code_out = NULL;
    *name_out = NULL;
    if (!r || (r->n && (!buurt_code || !r->region_of)))
        return ws_err_set(err, WS_EINTERNAL, "ws_regions_label: NULL argument");
    size_t *start = ws_xcalloc(r->n_regions + 2, sizeof(size_t));
    size_t *mem = ws_xmalloc(ws_st_mult(r->n + 1, sizeof(size_t)));
    int rc = WS_OK;
    for (size_t i = 0; i < r->n && rc == WS_OK; i++) {
        if (!buurt_code[i] || r->region_of[i] >= r->n_regions)
            rc = ws_err_set(err, WS_EINTERNAL, "ws_regions_label: bad buurt %zu", i);
        else
            start[r->region_of[i] + 2]++;
    }
    for (size_t q = 0; q < r->n_regions && rc == WS_OK; q++) {
        if (!start[q + 2])
            rc = ws_err_set(err, WS_EINTERNAL, "ws_regions_label: region %zu is empty", q);
        start[q + 2] += start[q + 1];
    }
    if (rc != WS_OK) {
        free(start);
        free(mem);
        return rc;
    }
    for (size_t i = 0; i < r->n; i++) /* counting sort: members ascending */
        mem[start[r->region_of[i] + 1]++] = i;
    char **codes = ws_xcalloc(r->n_regions + 1, sizeof(char *));
    char **names = ws_xcalloc(r->n_regions + 1, sizeof(char *));
    for (size_t q = 0; q < r->n_regions; q++) {
        const size_t *m = mem + start[q];
        codes[q] = make_code(buurt_code[m[0]]);
        names[q] = make_name(m, start[q + 1] - start[q], buurt_code, buurt_name, population);
    }
    free(start);
    free(mem);
    *code_out = codes;
    *name_out = names;
    return WS_OK;
}
