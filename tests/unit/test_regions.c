/*
 * test_regions.c - regions.c: analysis areas (max-p regions per wijk).
 *
 * Hand-made cases (a line, a grid, a wijk border, populationless buurten, a
 * self-sufficient buurt, a component below the threshold, the covariate
 * tie-break, bad input), a property test over thousands of seeded random
 * grid graphs (validity, determinism, and for components of at most 9
 * buurten the optimum of an independent brute-force enumeration of all set
 * partitions), labels, and the time of a national-size synthetic input.
 */
// cmocka.h needs these first, helpers.h needs cmocka.h
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/analyse/regions.h"

#include <stdbool.h>
#include <time.h>

/* ---- a small graph builder ---------------------------------------- */

struct graph {
    size_t n;
    size_t *wijk;
    double *cases;
    double *pop;
    double *covar;
    size_t k;
    size_t *nb_start;
    size_t *nb;
    size_t n_edge, cap_edge;
    size_t *ea, *eb;
};

static void graph_init(struct graph *g, size_t n, size_t k)
{
    memset(g, 0, sizeof(*g));
    g->n = n;
    g->k = k;
    g->wijk = calloc(n + 1, sizeof(size_t));
    g->cases = calloc(n + 1, sizeof(double));
    g->pop = calloc(n + 1, sizeof(double));
    g->covar = calloc(n * k + 1, sizeof(double));
    g->nb_start = calloc(n + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        g->pop[i] = 100;
}

static void graph_edge(struct graph *g, size_t a, size_t b)
{
    if (g->n_edge == g->cap_edge) {
        g->cap_edge = g->cap_edge ? 2 * g->cap_edge : 64;
        g->ea = realloc(g->ea, g->cap_edge * sizeof(size_t));
        g->eb = realloc(g->eb, g->cap_edge * sizeof(size_t));
    }
    g->ea[g->n_edge] = a;
    g->eb[g->n_edge] = b;
    g->n_edge++;
}

/* CSR from the edges, both directions. */
static void graph_done(struct graph *g)
{
    size_t *fill = calloc(g->n + 1, sizeof(size_t));

    memset(g->nb_start, 0, (g->n + 1) * sizeof(size_t));
    for (size_t e = 0; e < g->n_edge; e++) {
        g->nb_start[g->ea[e] + 1]++;
        g->nb_start[g->eb[e] + 1]++;
    }
    for (size_t i = 0; i < g->n; i++)
        g->nb_start[i + 1] += g->nb_start[i];
    free(g->nb);
    g->nb = malloc((2 * g->n_edge + 1) * sizeof(size_t));
    for (size_t i = 0; i < g->n; i++)
        fill[i] = g->nb_start[i];
    for (size_t e = 0; e < g->n_edge; e++) {
        g->nb[fill[g->ea[e]]++] = g->eb[e];
        g->nb[fill[g->eb[e]]++] = g->ea[e];
    }
    free(fill);
}

static void graph_free(struct graph *g)
{
    free(g->wijk);
    free(g->cases);
    free(g->pop);
    free(g->covar);
    free(g->nb_start);
    free(g->nb);
    free(g->ea);
    free(g->eb);
}

static struct ws_region_input graph_input(const struct graph *g, double thr,
                                          unsigned long long seed)
{
    struct ws_region_input in = {
        g->n, g->wijk, g->cases, g->pop, g->nb_start, g->nb, g->k ? g->covar : NULL,
        g->k, thr,     seed};
    return in;
}

static void line(struct graph *g, size_t n, const double *cases)
{
    graph_init(g, n, 0);
    for (size_t i = 0; i < n; i++)
        g->cases[i] = cases[i];
    for (size_t i = 0; i + 1 < n; i++)
        graph_edge(g, i, i + 1);
    graph_done(g);
}

static struct ws_regions build_ok(const struct graph *g, double thr)
{
    struct ws_region_input in = graph_input(g, thr, 42);
    struct ws_regions r = WS_REGIONS_INIT;
    struct ws_err err = WS_ERR_INIT;

    assert_int_equal(ws_regions_build(&in, &r, &err), WS_OK);
    assert_int_equal(r.n, g->n);
    return r;
}

static void assert_regions(const struct ws_regions *r, const size_t *want, size_t n_regions)
{
    assert_int_equal(r->n_regions, n_regions);
    for (size_t i = 0; i < r->n; i++)
        assert_int_equal(r->region_of[i], want[i]);
}

/* ---- hand-made cases ----------------------------------------------- */

static void test_line(void **state)
{
    (void)state;
    struct graph g;
    const double cases[6] = {5, 5, 5, 5, 5, 5};
    line(&g, 6, cases);
    struct ws_regions r = build_ok(&g, 10);
    const size_t want[6] = {0, 0, 1, 1, 2, 2};
    assert_regions(&r, want, 3);
    ws_regions_release(&r);
    ws_regions_release(&r); /* zeroed: no-op */
    ws_regions_release(NULL);
    graph_free(&g);
}

static void test_grid(void **state)
{
    (void)state;
    struct graph g;
    graph_init(&g, 9, 0);
    for (size_t i = 0; i < 9; i++) {
        g.cases[i] = 4;
        if (i % 3 < 2)
            graph_edge(&g, i, i + 1);
        if (i < 6)
            graph_edge(&g, i, i + 3);
    }
    graph_done(&g);
    struct ws_regions r = build_ok(&g, 8);
    assert_int_equal(r.n_regions, 4); /* 9 buurten of 4: regions of >= 2 */
    assert_int_equal(r.region_of[0], 0);
    ws_regions_release(&r);
    graph_free(&g);
}

static void test_wijk_border(void **state)
{
    (void)state;
    struct graph g;
    const double cases[4] = {10, 0, 0, 10};
    line(&g, 4, cases);
    g.wijk[2] = g.wijk[3] = 1;
    struct ws_regions r = build_ok(&g, 10);
    const size_t want[4] = {0, 0, 1, 1};
    assert_regions(&r, want, 2);
    ws_regions_release(&r);
    /* wijk indices need not be in buurt order: numbering follows the wijk */
    g.wijk[0] = g.wijk[1] = 5;
    r = build_ok(&g, 10);
    const size_t want2[4] = {1, 1, 0, 0};
    assert_regions(&r, want2, 2);
    ws_regions_release(&r);
    graph_free(&g);
}

static void test_populationless(void **state)
{
    (void)state;
    struct graph g;
    const double cases[4] = {10, 10, 10, 3};
    line(&g, 4, cases);
    /* buurt 3 has no neighbour: drop the edge 2-3 */
    g.n_edge = 2;
    graph_done(&g);
    g.pop[1] = 0;
    g.pop[3] = NAN;
    struct ws_regions r = build_ok(&g, 10);
    /* buurt 1 has enough cases but no population: it joins a neighbour */
    assert_int_equal(r.n_regions, 3);
    assert_true(r.region_of[1] == r.region_of[0] || r.region_of[1] == r.region_of[2]);
    assert_int_not_equal(r.region_of[0], r.region_of[2]);
    assert_int_equal(r.region_of[3], 2); /* isolated: its own region */
    ws_regions_release(&r);
    /* population NULL: every buurt populated */
    struct ws_region_input in = graph_input(&g, 10, 1);
    struct ws_err err = WS_ERR_INIT;
    in.population = NULL;
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_OK);
    assert_int_equal(r.n_regions, 4);
    ws_regions_release(&r);
    /* a wholly populationless component is one region */
    for (size_t i = 0; i < 4; i++)
        g.pop[i] = 0;
    r = build_ok(&g, 10);
    const size_t want[4] = {0, 0, 0, 1};
    assert_regions(&r, want, 2);
    ws_regions_release(&r);
    graph_free(&g);
}

/* cycle A-C-D-E-A: A = 12 alone, or A with C or E at lower heterogeneity */
static void test_self_sufficient(void **state)
{
    (void)state;
    struct graph g;
    graph_init(&g, 4, 1);
    const double cases[4] = {12, 6, 4, 6};
    const double cov[4] = {0, 0, 5, 5};
    for (size_t i = 0; i < 4; i++) {
        g.cases[i] = cases[i];
        g.covar[i] = cov[i];
        graph_edge(&g, i, (i + 1) % 4);
    }
    graph_done(&g);
    struct ws_regions r = build_ok(&g, 10);
    const size_t want[4] = {0, 1, 1, 1};
    assert_regions(&r, want, 2);
    ws_regions_release(&r);
    /* a neighbour that cannot reach the threshold otherwise has to join */
    const double cases2[4] = {0, 12, 5, 5}; /* B - A - C - D */
    struct graph h;
    line(&h, 4, cases2);
    r = build_ok(&h, 10);
    const size_t want2[4] = {0, 0, 1, 1};
    assert_regions(&r, want2, 2);
    ws_regions_release(&r);
    graph_free(&h);
    graph_free(&g);
}

static void test_below_threshold(void **state)
{
    (void)state;
    struct graph g;
    const double cases[6] = {1, 2, 3, 20, 0, 0};
    line(&g, 6, cases);
    g.n_edge = 0; /* 0-1-2 and 3-4, 5 alone, one wijk */
    graph_edge(&g, 0, 1);
    graph_edge(&g, 2, 1);
    graph_edge(&g, 3, 4);
    graph_done(&g);
    struct ws_regions r = build_ok(&g, 10);
    const size_t want[6] = {0, 0, 0, 1, 1, 2};
    assert_regions(&r, want, 3);
    ws_regions_release(&r);
    graph_free(&g);
}

/* cycle 0-1-2-3-0 of 5 cases each: {0,1}{2,3} or {1,2}{3,0} by covariates */
static void test_covariates(void **state)
{
    (void)state;
    struct graph g;
    graph_init(&g, 4, 2);
    for (size_t i = 0; i < 4; i++) {
        g.cases[i] = 5;
        graph_edge(&g, i, (i + 1) % 4);
    }
    graph_done(&g);
    const double a[8] = {0, 1, 0, NAN, 9, 1, 9, 1};
    memcpy(g.covar, a, sizeof(a));
    struct ws_regions r = build_ok(&g, 10);
    const size_t want[4] = {0, 0, 1, 1};
    assert_regions(&r, want, 2);
    ws_regions_release(&r);
    const double b[8] = {0, 1, 9, 1, 9, NAN, 0, 1};
    memcpy(g.covar, b, sizeof(b));
    r = build_ok(&g, 10);
    const size_t want2[4] = {0, 1, 1, 0};
    assert_regions(&r, want2, 2);
    ws_regions_release(&r);
    graph_free(&g);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct graph g;
    const double cases[3] = {1, 2, 3};
    line(&g, 3, cases);
    struct ws_regions r = WS_REGIONS_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_region_input in = graph_input(&g, 10, 1);

    g.cases[1] = -1;
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "buurt 1"));
    assert_null(r.region_of);
    g.cases[1] = NAN;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EDATA);
    g.cases[1] = 2;
    g.pop[2] = -5;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EDATA);
    g.pop[2] = 5;
    g.nb[0] = 7;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EDATA);
    g.nb[0] = 1;
    in.threshold = INFINITY;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EDATA);
    in.threshold = 10;
    in.cases = NULL;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EINTERNAL);
    in.cases = g.cases;
    in.k = 2;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_EINTERNAL);
    in.k = 0;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(NULL, &r, &err), WS_EINTERNAL);
    /* empty input */
    in.n = 0;
    ws_err_clear(&err);
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_OK);
    assert_int_equal(r.n_regions, 0);
    ws_regions_release(&r);
    graph_free(&g);
}

/* self-links, duplicate and one-sided links and links across wijken are
 * tolerated: the contiguity is made symmetric within each wijk */
static void test_messy_links(void **state)
{
    (void)state;
    struct graph g;
    graph_init(&g, 4, 0);
    const double cases[4] = {5, 5, 5, 5};
    memcpy(g.cases, cases, sizeof(cases));
    g.wijk[3] = 1;
    size_t start[5] = {0, 3, 3, 5, 6};
    size_t nb[6] = {0, 1, 1, 1, 3, 2}; /* 0: self, 1 twice; 2: 1 and 3 (other wijk); 3: 2 */
    memcpy(g.nb_start, start, sizeof(start));
    g.nb = malloc(sizeof(nb));
    memcpy(g.nb, nb, sizeof(nb));
    struct ws_regions r = build_ok(&g, 10);
    /* 0-1-2 in wijk 0 (15 cases: one region), 3 alone in wijk 1 */
    const size_t want[4] = {0, 0, 0, 1};
    assert_regions(&r, want, 2);
    ws_regions_release(&r);
    graph_free(&g);
}

/* ---- property test -------------------------------------------------- */

static double trng_poisson(struct ws_test_rng *r, double lambda)
{
    double l = exp(-lambda);
    double p = 1;
    double k = 0;
    do {
        k++;
        p *= ws_test_rng_unif(r);
    } while (p > l);
    return k - 1;
}

static void random_links(struct graph *g, struct ws_test_rng *r, size_t w, size_t h)
{
    if (w == 0)
        return;
    for (size_t i = 0; i < w * h; i++) {
        size_t x = i % w;
        size_t y = i / w;
        if (x + 1 < w && ws_test_rng_unif(r) < 0.85)
            graph_edge(g, i, i + 1);
        if (y + 1 < h && ws_test_rng_unif(r) < 0.85)
            graph_edge(g, i, i + w);
        if (x + 1 < w && y + 1 < h && ws_test_rng_unif(r) < 0.25)
            graph_edge(g, i, i + w + 1);
        if (x > 0 && y + 1 < h && ws_test_rng_unif(r) < 0.25)
            graph_edge(g, i, i + w - 1);
    }
    graph_done(g);
}

/* A w x h grid, rook links kept with probability 0.85, diagonals 0.25; wijk
 * by a random cut (or random labels), Poisson cases, 10 % populationless,
 * 2 covariates with some NAN. */
static void random_graph(struct graph *g, struct ws_test_rng *r, size_t w, size_t h, double lambda)
{
    size_t n = w * h;
    size_t cut = 1 + (size_t)(ws_test_rng_next(r) % (w + 1));
    bool labels = ws_test_rng_next(r) % 5 == 0;

    graph_init(g, n, 2);
    for (size_t i = 0; i < n; i++) {
        g->wijk[i] = labels ? (size_t)(ws_test_rng_next(r) % 3) : i % w < cut ? 0 : 1;
        g->cases[i] = trng_poisson(r, lambda);
        if (ws_test_rng_unif(r) < 0.1)
            g->pop[i] = ws_test_rng_unif(r) < 0.5 ? 0 : NAN;
        for (size_t j = 0; j < 2; j++)
            g->covar[i * 2 + j] = ws_test_rng_unif(r) < 0.05 ? NAN : ws_test_rng_unif(r) * 10;
    }
    random_links(g, r, w, h);
}

static bool linked(const struct graph *g, size_t a, size_t b)
{
    for (size_t e = g->nb_start[a]; e < g->nb_start[a + 1]; e++)
        if (g->nb[e] == b)
            return true;
    return false;
}

/* Is the set mem[0..m) connected (links within one wijk)? */
static bool set_connected(const struct graph *g, const size_t *mem, size_t m)
{
    bool *reach = calloc(m + 1, sizeof(bool));
    size_t changed = 1;
    bool all = true;

    reach[0] = true;
    while (changed) {
        changed = 0;
        for (size_t a = 0; a < m; a++)
            for (size_t b = 0; b < m; b++)
                if (reach[a] && !reach[b] && g->wijk[mem[a]] == g->wijk[mem[b]] &&
                    linked(g, mem[a], mem[b])) {
                    reach[b] = true;
                    changed = 1;
                }
    }
    for (size_t a = 0; a < m; a++)
        all = all && reach[a];
    free(reach);
    return all;
}

/* comp[i]: component id (BFS within wijk) of every buurt; returns count. */
static size_t components(const struct graph *g, size_t *comp)
{
    size_t nc = 0;
    size_t *queue = malloc((g->n + 1) * sizeof(size_t));

    for (size_t i = 0; i < g->n; i++)
        comp[i] = (size_t)-1;
    for (size_t s = 0; s < g->n; s++) {
        if (comp[s] != (size_t)-1)
            continue;
        size_t qn = 0;
        queue[qn++] = s;
        comp[s] = nc;
        for (size_t q = 0; q < qn; q++)
            for (size_t t = 0; t < g->n; t++)
                if (comp[t] == (size_t)-1 && g->wijk[t] == g->wijk[queue[q]] &&
                    (linked(g, queue[q], t) || linked(g, t, queue[q]))) {
                    comp[t] = nc;
                    queue[qn++] = t;
                }
        nc++;
    }
    free(queue);
    return nc;
}

static bool populated(const struct graph *g, size_t i)
{
    return g->pop[i] > 0;
}

/* standardised covariates, computed independently (NAN kept) */
static void zscores(const struct graph *g, double *z)
{
    for (size_t j = 0; j < g->k; j++) {
        double s = 0;
        double ss = 0;
        double cnt = 0;
        for (size_t i = 0; i < g->n; i++)
            if (!isnan(g->covar[i * g->k + j])) {
                s += g->covar[i * g->k + j];
                cnt++;
            }
        double mean = s / cnt;
        for (size_t i = 0; i < g->n; i++)
            if (!isnan(g->covar[i * g->k + j]))
                ss += pow(g->covar[i * g->k + j] - mean, 2);
        double sd = cnt > 1 ? sqrt(ss / (cnt - 1)) : 0;
        for (size_t i = 0; i < g->n; i++) {
            double x = g->covar[i * g->k + j];
            z[i * g->k + j] = isnan(x) ? NAN : sd > 0 ? (x - mean) / sd : 0;
        }
    }
}

struct score {
    long p;
    long merged;
    double het;
};

/* score of a block mem[0..m); p = -1 when the block is not feasible */
static struct score block_score(const struct graph *g, const double *z, double thr,
                                const size_t *mem, size_t m)
{
    struct score s = {1, 0, 0};
    double sum = 0;
    bool pop = false;

    for (size_t t = 0; t < m; t++) {
        sum += g->cases[mem[t]];
        pop = pop || populated(g, mem[t]);
        if (m > 1 && populated(g, mem[t]) && g->cases[mem[t]] >= thr)
            s.merged++;
    }
    if (sum < thr || !pop || !set_connected(g, mem, m)) {
        s.p = -1;
        return s;
    }
    for (size_t j = 0; j < g->k; j++) {
        double a = 0;
        double cnt = 0;
        for (size_t t = 0; t < m; t++)
            if (!isnan(z[mem[t] * g->k + j])) {
                a += z[mem[t] * g->k + j];
                cnt++;
            }
        for (size_t t = 0; t < m && cnt > 1; t++)
            if (!isnan(z[mem[t] * g->k + j]))
                s.het += pow(z[mem[t] * g->k + j] - a / cnt, 2);
    }
    return s;
}

static bool score_better(struct score a, struct score b)
{
    if (a.p != b.p)
        return a.p > b.p;
    if (a.merged != b.merged)
        return a.merged < b.merged;
    return a.het < b.het;
}

/* Score of the partition of v[0..m) given as a restricted growth string. */
static struct score partition_score(const struct graph *g, const double *z, double thr,
                                    const size_t *v, size_t m, const size_t *rgs)
{
    size_t nb = 0;
    struct score s = {0, 0, 0};

    for (size_t i = 0; i < m; i++)
        nb = rgs[i] + 1 > nb ? rgs[i] + 1 : nb;
    for (size_t b = 0; b < nb; b++) {
        size_t mem[16];
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (rgs[i] == b)
                mem[k++] = v[i];
        struct score t = block_score(g, z, thr, mem, k);
        if (t.p < 0) {
            s.p = -1;
            return s;
        }
        s.p++;
        s.merged += t.merged;
        s.het += t.het;
    }
    return s;
}

/* Next restricted growth string (maxv[i] = max of rgs[0..i]); false at the end. */
static bool next_rgs(size_t *rgs, size_t *maxv, size_t m)
{
    size_t i = m - 1;

    while (i > 0 && rgs[i] == maxv[i - 1] + 1)
        i--;
    if (i == 0)
        return false;
    rgs[i]++;
    for (size_t t = i; t < m; t++) {
        if (t > i)
            rgs[t] = 0;
        maxv[t] = rgs[t] > maxv[t - 1] ? rgs[t] : maxv[t - 1];
    }
    return true;
}

/* Brute force over all set partitions (restricted growth strings) of the
 * component v[0..m); p = 0 when none is feasible. */
static struct score brute_force(const struct graph *g, const double *z, double thr, const size_t *v,
                                size_t m)
{
    size_t rgs[16] = {0};
    size_t maxv[16] = {0};
    struct score best = {0, 0, 0};

    do {
        struct score s = partition_score(g, z, thr, v, m, rgs);
        if (s.p > 0 && score_better(s, best))
            best = s;
    } while (next_rgs(rgs, maxv, m));
    return best;
}

/* Every region connected, in one wijk, feasible unless it is a whole
 * infeasible component; returns the result's score per component. */
static void check_valid(const struct graph *g, const struct ws_regions *r, double thr,
                        const size_t *comp, size_t ncomp, struct score *per_comp, const double *z)
{
    size_t *mem = calloc(g->n + 1, sizeof(size_t));

    for (size_t c = 0; c < ncomp; c++)
        per_comp[c] = (struct score){0, 0, 0};
    for (size_t q = 0; q < r->n_regions; q++) {
        size_t m = 0;
        for (size_t i = 0; i < g->n; i++)
            if (r->region_of[i] == q)
                mem[m++] = i;
        assert_true(m > 0);
        for (size_t t = 0; t < m; t++)
            assert_int_equal(comp[mem[t]], comp[mem[0]]);
        assert_true(set_connected(g, mem, m));
        struct score s = block_score(g, z, thr, mem, m);
        if (s.p < 0) {
            /* must be a whole component, and the component infeasible */
            size_t whole = 0;
            for (size_t i = 0; i < g->n; i++)
                whole += comp[i] == comp[mem[0]];
            assert_int_equal(whole, m);
            continue;
        }
        struct score *pc = &per_comp[comp[mem[0]]];
        pc->p++;
        pc->merged += s.merged;
        pc->het += s.het;
    }
    for (size_t i = 0; i < g->n; i++)
        assert_true(r->region_of[i] < r->n_regions);
    free(mem);
}

static void compare_small(const struct graph *g, double thr, const size_t *comp, size_t ncomp,
                          const struct score *per_comp, const double *z)
{
    size_t v[16];

    for (size_t c = 0; c < ncomp; c++) {
        size_t m = 0;
        for (size_t i = 0; i < g->n && m <= 9; i++)
            if (comp[i] == c)
                v[m++] = i;
        if (m > 9)
            continue;
        struct score b = brute_force(g, z, thr, v, m);
        assert_int_equal(per_comp[c].p, b.p);
        assert_int_equal(per_comp[c].merged, b.merged);
        assert_double_close(per_comp[c].het, b.het, 1e-7, 1e-7);
    }
}

static void test_property(void **state)
{
    (void)state;
    struct ws_test_rng rng = {0x1234567887654321ull};
    long n_graphs = 3000;

    for (long it = 0; it < n_graphs; it++) {
        struct graph g;
        size_t w = 1 + (size_t)(ws_test_rng_next(&rng) % (it % 10 == 0 ? 9 : 5));
        size_t h = 1 + (size_t)(ws_test_rng_next(&rng) % (it % 10 == 0 ? 9 : 4));
        double lambda = 0.3 + 5 * ws_test_rng_unif(&rng);
        double thr = (double)(3 + ws_test_rng_next(&rng) % 8);
        random_graph(&g, &rng, w, h, lambda);
        struct ws_region_input in = graph_input(&g, thr, (unsigned long long)it);
        struct ws_regions r1 = WS_REGIONS_INIT;
        struct ws_regions r2 = WS_REGIONS_INIT;
        struct ws_err err = WS_ERR_INIT;
        assert_int_equal(ws_regions_build(&in, &r1, &err), WS_OK);
        assert_int_equal(ws_regions_build(&in, &r2, &err), WS_OK);
        assert_int_equal(r1.n_regions, r2.n_regions);
        assert_memory_equal(r1.region_of, r2.region_of, g.n * sizeof(size_t));
        size_t *comp = calloc(g.n + 1, sizeof(size_t));
        size_t ncomp = components(&g, comp);
        struct score *pc = calloc(ncomp + 1, sizeof(*pc));
        double *z = calloc(g.n * g.k + 1, sizeof(double));
        zscores(&g, z);
        check_valid(&g, &r1, thr, comp, ncomp, pc, z);
        compare_small(&g, thr, comp, ncomp, pc, z);
        free(z);
        free(pc);
        free(comp);
        ws_regions_release(&r1);
        ws_regions_release(&r2);
        graph_free(&g);
    }
}

/* ---- labels ---------------------------------------------------------- */

static void test_labels(void **state)
{
    (void)state;
    struct ws_regions r = WS_REGIONS_INIT;
    size_t of[7] = {0, 1, 1, 2, 2, 2, 3};
    const char *code[7] = {"BU00140007", "BU00140008", "BU00140009", "BU00140010",
                           "BU00140011", "BU00140012", "BU00140013"};
    const char *name[7] = {
        "Binnenstad",     "Oosterpoort", "Herewegbuurt", "Noorderplantsoen", "Kostverloren",
        "Schildersbuurt", NULL};
    const double pop[7] = {100, 50, 80, 10, NAN, 30, 5};
    char **codes = NULL;
    char **names = NULL;
    struct ws_err err = WS_ERR_INIT;

    r.n = 7;
    r.n_regions = 4;
    r.region_of = of;
    assert_int_equal(ws_regions_label(&r, code, name, pop, &codes, &names, &err), WS_OK);
    assert_string_equal(codes[0], "GB00140007");
    assert_string_equal(codes[1], "GB00140008");
    assert_string_equal(codes[2], "GB00140010");
    assert_string_equal(codes[3], "GB00140013");
    assert_string_equal(names[0], "Binnenstad");
    assert_string_equal(names[1], "Herewegbuurt en Oosterpoort");
    assert_string_equal(names[2], "Schildersbuurt e.o.");
    assert_string_equal(names[3], "BU00140013");
    ws_regions_labels_free(codes, names, r.n_regions);
    /* a long joined name falls back to "e.o."; population NULL: first buurt */
    const char *longname[7] = {
        "a", "Een heel erg lange buurtnaam", "Nog een lange buurtnaam", "d", "e", "f", "g"};
    assert_int_equal(ws_regions_label(&r, code, longname, NULL, &codes, &names, &err), WS_OK);
    assert_string_equal(names[1], "Een heel erg lange buurtnaam e.o.");
    assert_string_equal(names[2], "d e.o.");
    ws_regions_labels_free(codes, names, r.n_regions);
    /* codes without letters, and odd ones */
    const char *odd[7] = {"12", "X", "BU1", "BU2", "BU3", "BU4", "BU5"};
    assert_int_equal(ws_regions_label(&r, odd, NULL, NULL, &codes, &names, &err), WS_OK);
    assert_string_equal(codes[0], "GB12");
    assert_string_equal(codes[1], "GBX");
    assert_string_equal(names[0], "12");
    ws_regions_labels_free(codes, names, r.n_regions);
    /* an empty region is an internal error */
    r.n_regions = 5;
    assert_int_equal(ws_regions_label(&r, code, name, pop, &codes, &names, &err), WS_EINTERNAL);
    assert_null(codes);
    assert_null(names);
    ws_regions_labels_free(NULL, NULL, 0);
}

/* ---- national size ---------------------------------------------------- */

/* ~14,600 buurten in 3,300 wijken (1 in 20 of 15-60 buurten, the others small), each wijk a
 * near-square grid with queen-ish links; Poisson cases around the threshold. */
static void test_national(void **state)
{
    (void)state;
    struct ws_test_rng rng = {0x9e3779b97f4a7c15ull};
    struct graph g;
    size_t nw = 3300;
    size_t *size = malloc(nw * sizeof(size_t));
    size_t n = 0;

    for (size_t w = 0; w < nw; w++) {
        double u = ws_test_rng_unif(&rng);
        size[w] = w % 20 == 0 ? 15 + (size_t)(ws_test_rng_next(&rng) % 46)
                              : 1 + (size_t)(-1.7 * log(1 - u * 0.999));
        n += size[w];
    }
    graph_init(&g, n, 5);
    size_t base = 0;
    for (size_t w = 0; w < nw; w++) {
        size_t side = (size_t)ceil(sqrt((double)size[w]));
        for (size_t t = 0; t < size[w]; t++) {
            size_t i = base + t;
            g.wijk[i] = w;
            g.cases[i] = trng_poisson(&rng, 1 + 6 * ws_test_rng_unif(&rng));
            g.pop[i] = ws_test_rng_unif(&rng) < 0.05 ? 0 : 500;
            for (size_t j = 0; j < 5; j++)
                g.covar[i * 5 + j] = ws_test_rng_unif(&rng);
            if (t % side + 1 < side && t + 1 < size[w])
                graph_edge(&g, i, i + 1);
            if (t + side < size[w])
                graph_edge(&g, i, i + side);
            if (t % side + 1 < side && t + side + 1 < size[w] && ws_test_rng_unif(&rng) < 0.3)
                graph_edge(&g, i, i + side + 1);
        }
        if (w > 0) /* a link across the wijk border, ignored */
            graph_edge(&g, base - 1, base);
        base += size[w];
    }
    graph_done(&g);
    struct ws_region_input in = graph_input(&g, 10, 7);
    struct ws_regions r = WS_REGIONS_INIT;
    struct ws_err err = WS_ERR_INIT;
    clock_t t0 = clock();
    assert_int_equal(ws_regions_build(&in, &r, &err), WS_OK);
    double sec = (double)(clock() - t0) / CLOCKS_PER_SEC;
    // the time is reported, not asserted (speed targets live in scripts/bench.sh)
    print_message("national: %zu buurten, %zu wijken, %zu regions in %.3f s\n", n, nw, r.n_regions,
                  sec);
    assert_true(r.n_regions > 0 && r.n_regions <= n);
    ws_regions_release(&r);
    graph_free(&g);
    free(size);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_wijk_border),
        cmocka_unit_test(test_populationless),
        cmocka_unit_test(test_self_sufficient),
        cmocka_unit_test(test_below_threshold),
        cmocka_unit_test(test_covariates),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_messy_links),
        cmocka_unit_test(test_property),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_national),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
