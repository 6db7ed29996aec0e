/*
 * test_moran.c - global and local Moran's I and Benjamini-Hochberg against R.
 *
 * Reference values: scripts/reference/weights_moran.R (R 4.2.2, spdep 1.2.7):
 * tests/fixtures/reference/{nc,groningen}_{values,nb_queen,nb_rook,moran,
 * localmoran}.csv and nc_p_adjust.csv; spdep::moran.test (randomisation and
 * normality), spdep::localmoran (defaults), stats::p.adjust(method = "BH").
 * Scenarios "all" and "subset" as documented in the R script: areas without a
 * value are dropped with ws_weights_subset() (spdep subset.nb), islands are
 * then excluded inside ws_moran_global()/ws_moran_local().  Permutation
 * p-values cannot be compared digit for digit (different random numbers; spdep
 * 1.2-7 localmoran_perm even samples with replacement), so they are checked
 * for statistical consistency and for reproducibility.  Run from the
 * repository root.
 */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/analyse/moran.h"
#include "wijkscan/analyse/multiple.h"
#include "wijkscan/analyse/weights.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/mem.h"

#include <stdbool.h>

#define FIXTURES "tests/fixtures/reference/"
#define REL_TOL  1e-9

/* Largest relative error seen per quantity, printed at the end. */
static double max_rel_global, max_rel_local, max_rel_bh;

static void close_rel(double obs, double exp, double *max_rel, const char *what, const char *ctx)
{
    double rel = exp != 0.0 ? fabs(obs - exp) / fabs(exp) : fabs(obs - exp);

    if (rel > *max_rel)
        *max_rel = rel;
    if (!(rel <= REL_TOL)) {
        print_error("%s %s: got %.17g, R has %.17g (relative error %g)\n", ctx, what, obs, exp,
                    rel);
        fail();
    }
}

/* ---- small CSV reading ------------------------------------------------- */

#define MAX_FIELDS 16

struct csv {
    FILE *f;
    char *line;
    size_t cap;
    char *field[MAX_FIELDS];
    size_t n_fields;
};

static void csv_open(struct csv *c, const char *path)
{
    memset(c, 0, sizeof(*c));
    c->f = fopen(path, "r");
    if (!c->f) {
        print_error("cannot open %s (run the tests from the repository root)\n", path);
        fail();
    }
}

/* Next line split on ',' (fields borrowed until the next call); false at EOF. */
static bool csv_next(struct csv *c)
{
    ssize_t len = getline(&c->line, &c->cap, c->f);
    char *p;

    if (len <= 0)
        return false;
    while (len > 0 && (c->line[len - 1] == '\n' || c->line[len - 1] == '\r'))
        c->line[--len] = '\0';
    c->n_fields = 0;
    p = c->line;
    for (;;) {
        char *comma = strchr(p, ',');
        assert_true(c->n_fields < MAX_FIELDS);
        c->field[c->n_fields++] = p;
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return true;
}

static void csv_close(struct csv *c)
{
    free(c->line);
    fclose(c->f);
}

static double num(const char *s)
{
    char *end;
    double v;

    if (strcmp(s, "NA") == 0)
        return NAN;
    v = strtod(s, &end);
    assert_true(end != s && *end == '\0');
    return v;
}

/* <set>_nb_<type>.csv into w (1-based in the file). */
static void read_nb(const char *set, const char *type, struct ws_weights *w)
{
    char path[256];
    struct csv c;
    size_t n = 0, nnz = 0, cap_start = 0, cap_idx = 0;
    size_t *start = NULL, *idx = NULL;
    struct ws_err err = WS_ERR_INIT;

    snprintf(path, sizeof(path), FIXTURES "%s_nb_%s.csv", set, type);
    csv_open(&c, path);
    assert_true(csv_next(&c));
    WS_VEC_GROW(start, 1, cap_start);
    start[0] = 0;
    while (csv_next(&c)) {
        char *p = c.field[2], *end;

        for (;;) {
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            WS_VEC_GROW(idx, nnz + 1, cap_idx);
            idx[nnz++] = (size_t)(v - 1);
            p = end;
        }
        n++;
        WS_VEC_GROW(start, n + 1, cap_start);
        start[n] = nnz;
    }
    csv_close(&c);
    assert_int_equal(ws_weights_from_csr(n, start, idx, w, &err), WS_OK);
    free(start);
    free(idx);
}

/* value_all (col 2) or value_subset (col 3) of <set>_values.csv; owned. */
static double *read_values(const char *set, bool subset, size_t *n)
{
    char path[256];
    struct csv c;
    double *x = NULL;
    size_t cap = 0;

    *n = 0;
    snprintf(path, sizeof(path), FIXTURES "%s_values.csv", set);
    csv_open(&c, path);
    assert_true(csv_next(&c));
    while (csv_next(&c)) {
        WS_VEC_GROW(x, *n + 1, cap);
        x[(*n)++] = num(c.field[subset ? 3 : 2]);
    }
    csv_close(&c);
    return x;
}

/* One scenario: the subset weights and values, and the map full -> subset. */
struct scen {
    struct ws_weights w;
    double *x;
    size_t *sub_of; /* full index -> subset index, SIZE_MAX if dropped */
    size_t n_full;
};

static void scen_load(struct scen *s, const char *set, const char *scenario, const char *type)
{
    struct ws_weights full;
    struct ws_err err = WS_ERR_INIT;
    double *x;
    bool *keep;
    size_t i, n, m = 0;

    ws_weights_init(&full);
    ws_weights_init(&s->w);
    read_nb(set, type, &full);
    x = read_values(set, strcmp(scenario, "subset") == 0, &n);
    assert_int_equal(n, full.n);
    keep = ws_xmalloc(n * sizeof(*keep));
    s->x = ws_xmalloc(n * sizeof(*s->x));
    s->sub_of = ws_xmalloc(n * sizeof(*s->sub_of));
    s->n_full = n;
    for (i = 0; i < n; i++) {
        keep[i] = !isnan(x[i]);
        s->sub_of[i] = keep[i] ? m : SIZE_MAX;
        if (keep[i])
            s->x[m++] = x[i];
    }
    assert_int_equal(ws_weights_subset(&full, keep, &s->w, &err), WS_OK);
    free(keep);
    free(x);
    ws_weights_release(&full);
}

static void scen_release(struct scen *s)
{
    ws_weights_release(&s->w);
    free(s->x);
    free(s->sub_of);
}

static struct ws_moran_opts opts_nsim(size_t nsim, unsigned threads)
{
    struct ws_moran_opts o = WS_MORAN_OPTS_INIT;

    o.nsim = nsim;
    o.n_threads = threads;
    return o;
}

/* ---- global Moran's I against moran.test ------------------------------- */

static void check_global(const char *set)
{
    char path[256], ctx[128];
    struct csv c;
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(0, 1);
    size_t rows = 0;

    snprintf(path, sizeof(path), FIXTURES "%s_moran.csv", set);
    csv_open(&c, path);
    assert_true(csv_next(&c));
    while (csv_next(&c)) {
        struct scen s;
        struct ws_moran_global g;
        bool rnd = strcmp(c.field[2], "randomisation") == 0;

        snprintf(ctx, sizeof(ctx), "%s %s %s %s", set, c.field[0], c.field[1], c.field[2]);
        scen_load(&s, set, c.field[0], c.field[1]);
        assert_int_equal(ws_moran_global(&s.w, s.x, &o, &g, &err), WS_OK);
        assert_int_equal(g.valid, WS_MORAN_VALID);
        assert_int_equal(g.n_used, (size_t)num(c.field[3]));
        assert_int_equal(g.n_used + g.n_islands, s.w.n);
        close_rel(g.i, num(c.field[4]), &max_rel_global, "I", ctx);
        close_rel(g.expected, num(c.field[5]), &max_rel_global, "E", ctx);
        close_rel(rnd ? g.var_rand : g.var_norm, num(c.field[6]), &max_rel_global, "Var", ctx);
        close_rel(rnd ? g.z_rand : g.z_norm, num(c.field[7]), &max_rel_global, "z", ctx);
        close_rel(rnd ? g.p_rand : g.p_norm, num(c.field[8]), &max_rel_global, "p", ctx);
        assert_true(isnan(g.p_sim));
        scen_release(&s);
        rows++;
    }
    csv_close(&c);
    assert_int_equal(rows, 8);
}

static void test_global_nc(void **state)
{
    (void)state;
    check_global("nc");
}

static void test_global_groningen(void **state)
{
    (void)state;
    check_global("groningen");
}

/* ---- local Moran against localmoran ------------------------------------ */

static enum ws_lisa_cluster quadrant_of(const char *q)
{
    if (strcmp(q, "HH") == 0)
        return WS_LISA_HH;
    if (strcmp(q, "LL") == 0)
        return WS_LISA_LL;
    if (strcmp(q, "HL") == 0)
        return WS_LISA_HL;
    assert_string_equal(q, "LH");
    return WS_LISA_LH;
}

/* Compares ws_moran_local() with nsim = 0 (so p_adj = BH of the analytic p,
 * as the fixture's p_bh) for every scenario x weights of the set. */
static void check_local(const char *set)
{
    static const char *const scenarios[] = {"all", "subset"};
    static const char *const types[] = {"queen", "rook"};
    char path[256], ctx[160];
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(0, 1);
    size_t si, ti, total = 0;

    for (si = 0; si < 2; si++)
        for (ti = 0; ti < 2; ti++) {
            struct scen s;
            struct ws_lisa l;
            struct csv c;
            size_t rows = 0, k, n_sig = 0;

            ws_lisa_init(&l);
            scen_load(&s, set, scenarios[si], types[ti]);
            assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l, &err), WS_OK);
            assert_int_equal(l.valid, WS_MORAN_VALID);
            assert_int_equal(l.n, s.w.n);
            snprintf(path, sizeof(path), FIXTURES "%s_localmoran.csv", set);
            csv_open(&c, path);
            assert_true(csv_next(&c));
            while (csv_next(&c)) {
                size_t area, i;
                enum ws_lisa_cluster q;

                if (strcmp(c.field[0], scenarios[si]) != 0 || strcmp(c.field[1], types[ti]) != 0)
                    continue;
                area = (size_t)num(c.field[2]) - 1;
                assert_true(area < s.n_full);
                i = s.sub_of[area];
                assert_true(i < s.w.n);
                snprintf(ctx, sizeof(ctx), "%s %s %s area %zu", set, scenarios[si], types[ti],
                         area + 1);
                close_rel(l.ii[i], num(c.field[3]), &max_rel_local, "Ii", ctx);
                close_rel(l.e_ii[i], num(c.field[4]), &max_rel_local, "E.Ii", ctx);
                close_rel(l.var_ii[i], num(c.field[5]), &max_rel_local, "Var.Ii", ctx);
                close_rel(l.z_ii[i], num(c.field[6]), &max_rel_local, "Z.Ii", ctx);
                close_rel(l.p_norm[i], num(c.field[7]), &max_rel_local, "p", ctx);
                close_rel(l.p_adj[i], num(c.field[8]), &max_rel_bh, "p BH", ctx);
                q = quadrant_of(c.field[9]);
                assert_int_equal(l.quadrant[i], q);
                assert_int_equal(l.cluster[i], num(c.field[8]) < o.fdr ? q : WS_LISA_NS);
                n_sig += l.cluster[i] != WS_LISA_NS;
                rows++;
            }
            csv_close(&c);
            // every non-island area has a row; islands are labelled isolated
            assert_int_equal(rows, l.n_used);
            for (k = 0; k < l.n; k++)
                if (ws_weights_card(&s.w, k) == 0) {
                    assert_int_equal(l.cluster[k], WS_LISA_ISOLATED);
                    assert_true(isnan(l.ii[k]));
                }
            print_message("%s %s %s: %zu areas, %zu islands, %zu significant\n", set, scenarios[si],
                          types[ti], l.n_used, l.n_islands, n_sig);
            total += rows;
            ws_lisa_release(&l);
            scen_release(&s);
        }
    assert_true(total > 0);
}

static void test_local_nc(void **state)
{
    (void)state;
    check_local("nc");
}

static void test_local_groningen(void **state)
{
    (void)state;
    check_local("groningen");
}

/* ---- Benjamini-Hochberg ------------------------------------------------ */

static void test_bh(void **state)
{
    struct csv c;
    struct ws_err err = WS_ERR_INIT;
    double p[32], exp[32], adj[32];
    size_t n = 0, i;

    (void)state;
    csv_open(&c, FIXTURES "nc_p_adjust.csv");
    assert_true(csv_next(&c));
    while (csv_next(&c)) {
        assert_true(n < 32);
        p[n] = num(c.field[0]);
        exp[n] = num(c.field[1]);
        n++;
    }
    csv_close(&c);
    assert_int_equal(ws_multiple_bh(p, n, adj, &err), WS_OK);
    for (i = 0; i < n; i++) {
        if (isnan(exp[i]))
            assert_true(isnan(adj[i]));
        else
            close_rel(adj[i], exp[i], &max_rel_bh, "p.adjust BH", "nc_p_adjust.csv");
    }
    // in place gives the same
    assert_int_equal(ws_multiple_bh(p, n, p, &err), WS_OK);
    assert_memory_equal(p, adj, n * sizeof(double));
    assert_int_equal(ws_multiple_bh(NULL, 0, NULL, &err), WS_OK);
    p[0] = 1.5;
    assert_int_equal(ws_multiple_bh(p, n, adj, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "outside [0, 1]"));
}

/* ---- permutations ------------------------------------------------------ */

/* Global: p_sim within a few binomial standard errors of the randomisation
 * p, on the nc "subset" scenario (p about 0.02-0.03, where the normal
 * approximation is fair) and on a nc "all" scenario with values shuffled
 * deterministically (no autocorrelation, p moderate). */
static void test_global_permutation(void **state)
{
    static const char *const types[] = {"queen", "rook"};
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(9999, 2);
    size_t t, i;

    (void)state;
    for (t = 0; t < 2; t++) {
        struct scen s;
        struct ws_moran_global g, g1;
        double se;

        scen_load(&s, "nc", "subset", types[t]);
        assert_int_equal(ws_moran_global(&s.w, s.x, &o, &g, &err), WS_OK);
        se = sqrt(g.p_rand * (1.0 - g.p_rand) / (double)o.nsim);
        print_message("nc subset %s: p_rand %.4f p_sim %.4f (n_ge %zu)\n", types[t], g.p_rand,
                      g.p_sim, g.n_ge);
        assert_true(fabs(g.p_sim - g.p_rand) < 4.0 * se + 0.01);
        assert_double_close(g.p_sim, ((double)g.n_ge + 1.0) / 10000.0, 0.0, 1e-15);
        // thread count does not matter
        o.n_threads = 1;
        assert_int_equal(ws_moran_global(&s.w, s.x, &o, &g1, &err), WS_OK);
        assert_int_equal(g1.n_ge, g.n_ge);
        o.n_threads = 2;
        scen_release(&s);

        // no autocorrelation: values in a scrambled order
        scen_load(&s, "nc", "all", types[t]);
        for (i = 0; i < s.w.n; i++)
            s.x[i] = fmod((double)(i * 37 % 101) * 0.6180339887498949, 1.0);
        assert_int_equal(ws_moran_global(&s.w, s.x, &o, &g, &err), WS_OK);
        se = sqrt(g.p_rand * (1.0 - g.p_rand) / (double)o.nsim);
        print_message("nc scrambled %s: p_rand %.4f p_sim %.4f\n", types[t], g.p_rand, g.p_sim);
        assert_true(fabs(g.p_sim - g.p_rand) < 4.0 * se + 0.02);
        scen_release(&s);
    }
}

static double correlation(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    size_t i, m = 0;

    for (i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            ma += a[i];
            mb += b[i];
            m++;
        }
    ma /= (double)m;
    mb /= (double)m;
    for (i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
    return sab / sqrt(saa * sbb);
}

/* <set>_localmoran_perm.csv: spdep's permutation p per area (full index). */
static double *read_perm(const char *set, size_t n_full)
{
    char path[256];
    struct csv c;
    double *p = ws_xmalloc(n_full * sizeof(*p));
    size_t i;

    for (i = 0; i < n_full; i++)
        p[i] = NAN;
    snprintf(path, sizeof(path), FIXTURES "%s_localmoran_perm.csv", set);
    csv_open(&c, path);
    assert_true(csv_next(&c));
    while (csv_next(&c)) {
        size_t area = (size_t)num(c.field[0]) - 1;
        assert_true(area < n_full);
        p[area] = num(c.field[1]);
    }
    csv_close(&c);
    return p;
}

/* Local: with 9,999 permutations each pseudo-p agrees with spdep
 * localmoran_perm's (also 9,999, other random numbers, with replacement)
 * within Monte Carlo error, and correlates with the analytic p; p_sim is
 * bounded by 2 / (nsim + 1) and 1; results are bit-identical for 1, 2 and 3
 * threads and for the same seed, and another seed gives other values. */
static void test_local_permutation(void **state)
{
    static const char *const sets[] = {"nc", "groningen"};
    struct ws_err err = WS_ERR_INIT;
    size_t si, i;

    (void)state;
    for (si = 0; si < 2; si++) {
        struct scen s;
        struct ws_lisa l1, l2, l3;
        struct ws_moran_opts o = opts_nsim(9999, 2);
        double *p_r = NULL, r_norm, r_perm, mad = 0.0, max_z = 0.0;
        size_t m = 0, differ = 0;

        ws_lisa_init(&l1);
        ws_lisa_init(&l2);
        ws_lisa_init(&l3);
        scen_load(&s, sets[si], "all", "queen");
        p_r = read_perm(sets[si], s.n_full);
        assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l2, &err), WS_OK);
        r_norm = correlation(l2.p_sim, l2.p_norm, l2.n);
        r_perm = correlation(l2.p_sim, p_r, l2.n); // "all": subset index = full index
        for (i = 0; i < l2.n; i++) {
            double p_mean, q, se, d;

            if (isnan(l2.p_sim[i]))
                continue;
            assert_true(l2.p_sim[i] >= 2.0 / 10000.0 - 1e-15 && l2.p_sim[i] <= 1.0);
            p_mean = 0.5 * (l2.p_sim[i] + p_r[i]);
            /* p = 2 q with q a binomial fraction, so var(p_hat) = 4 q (1 - q) / nsim;
             * the difference of two independent estimates has twice that. */
            q = 0.5 * p_mean;
            se = sqrt(8.0 * q * (1.0 - q) / (double)o.nsim) + 1e-4;
            d = fabs(l2.p_sim[i] - p_r[i]);
            if (d / se > max_z)
                max_z = d / se;
            mad += d;
            m++;
            if (d > 5.0 * se + 0.01) {
                print_error("%s area %zu: p_sim %.4f, spdep %.4f\n", sets[si], i + 1, l2.p_sim[i],
                            p_r[i]);
                fail();
            }
        }
        mad /= (double)m;
        print_message("%s all queen: p_sim vs spdep localmoran_perm: corr %.4f, mean |diff| "
                      "%.4f, max |diff|/se %.2f; corr with analytic p %.4f\n",
                      sets[si], r_perm, mad, max_z, r_norm);
        assert_true(r_perm > 0.99);
        assert_true(r_norm > 0.85);

        o.nsim = 999;
        o.n_threads = 1;
        assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l1, &err), WS_OK);
        o.n_threads = 2;
        assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l2, &err), WS_OK);
        o.n_threads = 3;
        assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l3, &err), WS_OK);
        assert_memory_equal(l1.p_sim, l2.p_sim, l1.n * sizeof(double));
        assert_memory_equal(l1.p_sim, l3.p_sim, l1.n * sizeof(double));
        assert_memory_equal(l1.cluster, l2.cluster, l1.n * sizeof(*l1.cluster));
        o.seed += 1;
        assert_int_equal(ws_moran_local(&s.w, s.x, &o, &l3, &err), WS_OK);
        for (i = 0; i < l1.n; i++)
            differ += l1.p_sim[i] != l3.p_sim[i];
        assert_true(differ > l1.n / 2);
        free(p_r);
        ws_lisa_release(&l1);
        ws_lisa_release(&l2);
        ws_lisa_release(&l3);
        scen_release(&s);
    }
}

/* Local permutation distribution is the exact conditional one: on a 3 x 3
 * rook lattice (m = 9, card 2..4) every card_i-subset of the other 8 values
 * is equally likely, so as nsim grows p_sim tends to
 * 2 min(P(I_perm >= I_i), P(I_perm <= I_i)) over all C(8, card_i) subsets.
 * The observed neighbour set is itself one subset and ties with I_i up to
 * rounding, so the exact p is bracketed by counting such ties on neither or
 * on both sides.  A with-replacement sampler would fail this. */
static void test_local_exact(void **state)
{
    static const double vals[9] = {1.3, 4.1, 2.2, 8.7, 5.0, 7.4, 3.9, 9.6, 6.1};
    size_t start[10], idx[24], nnz = 0, i, r, c;
    struct ws_weights w;
    struct ws_lisa l;
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(199999, 2);
    double mean = 0.0, zz = 0.0, z[9], m2;

    (void)state;
    ws_weights_init(&w);
    ws_lisa_init(&l);
    start[0] = 0;
    for (r = 0; r < 3; r++)
        for (c = 0; c < 3; c++) {
            if (r > 0)
                idx[nnz++] = (r - 1) * 3 + c;
            if (c > 0)
                idx[nnz++] = r * 3 + c - 1;
            if (c < 2)
                idx[nnz++] = r * 3 + c + 1;
            if (r < 2)
                idx[nnz++] = (r + 1) * 3 + c;
            start[r * 3 + c + 1] = nnz;
        }
    assert_int_equal(ws_weights_from_csr(9, start, idx, &w, &err), WS_OK);
    assert_int_equal(ws_moran_local(&w, vals, &o, &l, &err), WS_OK);
    for (i = 0; i < 9; i++)
        mean += vals[i] / 9.0;
    for (i = 0; i < 9; i++) {
        z[i] = vals[i] - mean;
        zz += z[i] * z[i];
    }
    m2 = zz / 9.0;
    for (i = 0; i < 9; i++) {
        size_t k = start[i + 1] - start[i], n_sub = 0, n_ge = 0, n_le = 0, n_tie = 0;
        double others[8], ii = l.ii[i], eps = 1e-9 * fabs(z[i] / m2), lo, hi, q, se;
        unsigned mask;

        for (r = 0, c = 0; r < 9; r++)
            if (r != i)
                others[c++] = z[r];
        for (mask = 0; mask < 256; mask++) {
            double sum = 0.0, ip;
            unsigned b, bits = 0;

            for (b = 0; b < 8; b++)
                if (mask & (1u << b)) {
                    sum += others[b];
                    bits++;
                }
            if (bits != k)
                continue;
            ip = z[i] / m2 * (sum / (double)k);
            n_sub++;
            if (fabs(ip - ii) <= eps)
                n_tie++;
            else if (ip > ii)
                n_ge++;
            else
                n_le++;
        }
        lo = 2.0 * (double)(n_ge < n_le ? n_ge : n_le) / (double)n_sub;
        hi = fmin(1.0, 2.0 * (double)((n_ge < n_le ? n_ge : n_le) + n_tie) / (double)n_sub);
        q = 0.25 * (lo + hi);
        se = sqrt(4.0 * q * (1.0 - q) / (double)o.nsim);
        print_message("area %zu: card %zu, exact p in [%.4f, %.4f], p_sim %.4f\n", i, k, lo, hi,
                      l.p_sim[i]);
        assert_true(l.p_sim[i] >= lo - 5.0 * se - 1e-5);
        assert_true(l.p_sim[i] <= hi + 5.0 * se + 1e-5);
    }
    ws_lisa_release(&l);
    ws_weights_release(&w);
}

/* ---- undefined cases and errors ---------------------------------------- */

/* 5 areas on a path, one island (4) whose value is NaN. */
static void path5(struct ws_weights *w)
{
    static const size_t start[] = {0, 1, 3, 5, 6, 6};
    static const size_t idx[] = {1, 0, 2, 1, 3, 2};
    struct ws_err err = WS_ERR_INIT;

    assert_int_equal(ws_weights_from_csr(5, start, idx, w, &err), WS_OK);
}

static void test_zero_variance(void **state)
{
    double x[] = {2.5, 2.5, 2.5, 2.5, NAN};
    struct ws_weights w;
    struct ws_moran_global g;
    struct ws_lisa l;
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(99, 2);
    size_t i;

    (void)state;
    ws_weights_init(&w);
    ws_lisa_init(&l);
    path5(&w);
    assert_int_equal(ws_moran_global(&w, x, &o, &g, &err), WS_OK);
    assert_int_equal(g.valid, WS_MORAN_NO_VARIANCE);
    assert_int_equal(g.n_used, 4);
    assert_int_equal(g.n_islands, 1);
    assert_true(isnan(g.i) && isnan(g.z_rand) && isnan(g.p_sim));
    assert_non_null(strstr(ws_moran_validity_text(g.valid), "equal"));
    assert_int_equal(ws_moran_local(&w, x, &o, &l, &err), WS_OK);
    assert_int_equal(l.valid, WS_MORAN_NO_VARIANCE);
    for (i = 0; i < 4; i++) {
        assert_true(isnan(l.ii[i]) && isnan(l.p_sim[i]));
        assert_int_equal(l.cluster[i], WS_LISA_NS);
    }
    assert_int_equal(l.cluster[4], WS_LISA_ISOLATED);
    assert_string_equal(ws_lisa_cluster_name(l.cluster[4]), "isolated");
    assert_int_equal(err.code, WS_OK);
    ws_lisa_release(&l);
    ws_weights_release(&w);
}

static void test_small_and_errors(void **state)
{
    double x[] = {1.0, 2.0, 4.0, 8.0, NAN};
    struct ws_weights w;
    struct ws_moran_global g;
    struct ws_lisa l;
    struct ws_err err = WS_ERR_INIT;
    struct ws_moran_opts o = opts_nsim(99, 2);
    bool keep[] = {false, true, true, true, true};
    struct ws_weights s;

    (void)state;
    ws_weights_init(&w);
    ws_weights_init(&s);
    ws_lisa_init(&l);
    path5(&w);
    // the island's NaN is ignored; 4 areas are enough for the global test
    assert_int_equal(ws_moran_global(&w, x, &o, &g, &err), WS_OK);
    assert_int_equal(g.valid, WS_MORAN_VALID);
    assert_true(isfinite(g.i) && isfinite(g.var_rand) && g.nsim == 99);
    assert_int_equal(ws_moran_local(&w, x, &o, &l, &err), WS_OK);
    assert_int_equal(l.valid, WS_MORAN_VALID);
    assert_string_equal(ws_lisa_cluster_name(l.quadrant[0]), "LL");
    assert_string_equal(ws_lisa_cluster_name(l.quadrant[3]), "HH");
    // 3 areas: too few for the global test, enough for LISA
    assert_int_equal(ws_weights_subset(&w, keep, &s, &err), WS_OK);
    assert_int_equal(ws_moran_global(&s, x + 1, &o, &g, &err), WS_OK);
    assert_int_equal(g.valid, WS_MORAN_TOO_FEW);
    assert_int_equal(ws_moran_local(&s, x + 1, &o, &l, &err), WS_OK);
    assert_int_equal(l.valid, WS_MORAN_VALID);
    // a missing value of an area that has neighbours is an error
    x[2] = NAN;
    assert_int_equal(ws_moran_global(&w, x, &o, &g, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "area 2"));
    ws_err_clear(&err);
    assert_int_equal(ws_moran_local(&w, x, &o, &l, &err), WS_EDATA);
    ws_err_clear(&err);
    x[2] = 4.0;
    o.n_threads = 0;
    assert_int_equal(ws_moran_global(&w, x, &o, &g, &err), WS_EUSAGE);
    ws_err_clear(&err);
    o.n_threads = 1;
    o.fdr = 0.0;
    assert_int_equal(ws_moran_local(&w, x, &o, &l, &err), WS_EUSAGE);
    ws_lisa_release(&l);
    ws_weights_release(&w);
    ws_weights_release(&s);
}

static int report(void **state)
{
    (void)state;
    print_message("max relative error vs R: global %.3g, local %.3g, BH %.3g\n", max_rel_global,
                  max_rel_local, max_rel_bh);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_nc),
        cmocka_unit_test(test_global_groningen),
        cmocka_unit_test(test_local_nc),
        cmocka_unit_test(test_local_groningen),
        cmocka_unit_test(test_bh),
        cmocka_unit_test(test_global_permutation),
        cmocka_unit_test(test_local_permutation),
        cmocka_unit_test(test_local_exact),
        cmocka_unit_test(test_zero_variance),
        cmocka_unit_test(test_small_and_errors),
    };

    return cmocka_run_group_tests(tests, NULL, report);
}
