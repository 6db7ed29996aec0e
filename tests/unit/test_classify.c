/*
 * test_classify.c - class breaks against R classInt, Fisher-Jenks against
 * Hartigan's FISH, and the edge cases of ws_classify() / ws_class_of().
 *
 * Reference values: scripts/reference/classint.R (R 4.2.2, classInt 0.4.9)
 * writes tests/fixtures/reference/classint_values.csv (set,i,value) and
 * classint_breaks.csv (set,style,k,n_classes,i,brk): classIntervals() with
 * style "quantile" (then unique()), "equal", "fisher", and box breaks by
 * hand with quantile(type = 7); the script's header lists the conventions
 * (merged quantile ties, unpadded outer breaks when k >= distinct values,
 * finite box breaks).  Breaks must agree to 1e-12 relative; the box map's
 * second break is 1 ulp below the lower fence by design (classify.c), well
 * inside that.  Run from the repository root.
 */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/analyse/classify.h"
#include "wijkscan/core/err.h"

#include <float.h>
#include <stdbool.h>

#define FIXTURES "tests/fixtures/reference/"
#define REL_TOL  1e-12
#define ABS_TOL  1e-300
#define MAX_K    16

/* Largest relative error against classInt, printed at the end. */
static double max_rel_classint;
static size_t n_compared, n_nudged;

static double rel_err(double obs, double exp)
{
    double d = fabs(obs - exp);

    if (d == 0.0)
        return 0.0;
    return exp != 0.0 ? d / fabs(exp) : d;
}

static void values_of_set(const struct ws_test_csv *t, const char *set, double **out, size_t *n)
{
    size_t c_set = ws_test_csv_col(t, "set");
    size_t c_val = ws_test_csv_col(t, "value");
    double *v = malloc(t->n_rows * sizeof(*v));
    size_t m = 0;

    assert_non_null(v);
    for (size_t r = 0; r < t->n_rows; r++)
        if (strcmp(ws_test_csv_str(t, r, c_set), set) == 0)
            v[m++] = ws_test_csv_num(t, r, c_val);
    assert_true(m > 0);
    *out = v;
    *n = m;
}

static enum ws_class_method method_of_style(const char *style)
{
    if (strcmp(style, "fisher") == 0)
        return WS_CLASS_JENKS;
    int m = ws_class_method_parse(style);
    assert_true(m >= 0);
    return (enum ws_class_method)m;
}

static void test_classint_fixtures(void **state)
{
    struct ws_test_csv vals, brk;
    size_t c_set, c_style, c_k, c_nc, c_i, c_brk;
    size_t r = 0, groups = 0;

    (void)state;
    ws_test_csv_load(&vals, FIXTURES "classint_values.csv");
    ws_test_csv_load(&brk, FIXTURES "classint_breaks.csv");
    c_set = ws_test_csv_col(&brk, "set");
    c_style = ws_test_csv_col(&brk, "style");
    c_k = ws_test_csv_col(&brk, "k");
    c_nc = ws_test_csv_col(&brk, "n_classes");
    c_i = ws_test_csv_col(&brk, "i");
    c_brk = ws_test_csv_col(&brk, "brk");

    while (r < brk.n_rows) {
        const char *set = ws_test_csv_str(&brk, r, c_set);
        const char *style = ws_test_csv_str(&brk, r, c_style);
        size_t k = (size_t)ws_test_csv_num(&brk, r, c_k);
        size_t nc = (size_t)ws_test_csv_num(&brk, r, c_nc);
        double b[MAX_K + 1];
        size_t n_out = 0, n;
        double *x;
        struct ws_err err = WS_ERR_INIT;

        assert_true(k <= MAX_K && nc <= k && r + nc < brk.n_rows);
        values_of_set(&vals, set, &x, &n);
        int rc = ws_classify(x, n, method_of_style(style), k, NULL, 0, b, &n_out, &err);
        if (rc != WS_OK || n_out != nc)
            print_error("set %s, style %s, k %zu: rc %d (%s), %zu classes, classInt %zu\n", set,
                        style, k, rc, err.what, n_out, nc);
        assert_int_equal(rc, WS_OK);
        assert_int_equal(n_out, nc);
        for (size_t i = 0; i <= nc; i++, r++) {
            double exp = ws_test_csv_num(&brk, r, c_brk);
            assert_int_equal((size_t)ws_test_csv_num(&brk, r, c_i), i + 1);
            assert_string_equal(ws_test_csv_str(&brk, r, c_set), set);
            if (rel_err(b[i], exp) > REL_TOL && fabs(b[i] - exp) > ABS_TOL)
                print_error("set %s, style %s, k %zu, break %zu\n", set, style, k, i + 1);
            assert_double_close(b[i], exp, ABS_TOL, REL_TOL);
            // the box map's lower fence (and lo when that class is empty)
            // lies 1 ulp below classInt's by design; all else must be exact
            if (strcmp(style, "box") == 0 && (i == 1 || (i == 0 && b[0] == b[1])))
                n_nudged++;
            else if (rel_err(b[i], exp) > max_rel_classint)
                max_rel_classint = rel_err(b[i], exp);
            n_compared++;
        }
        // every finite value is in a class, and the classes are in order
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i]))
                assert_true(ws_class_of(x[i], b, n_out) >= 0);
        free(x);
        groups++;
    }
    assert_true(groups >= 50);
    ws_test_csv_free(&vals);
    ws_test_csv_free(&brk);
}

/*
 * Hartigan's FISH (classInt src/fish1.f, from Hartigan 1975) transcribed
 * for the comparison: the O(k n^2) table over sorted x[1..m] with the same
 * arithmetic and the same tie rule (">=": the earliest start of the last
 * group wins), then classInt's breaks (min, midpoints, max).
 */
static void fish_breaks(const double *x, size_t m, size_t k, double *b)
{
    double *work = calloc((m + 1) * (k + 1), sizeof(double));
    size_t *iwork = calloc((m + 1) * (k + 1), sizeof(size_t));
    size_t *lo = calloc(k + 1, sizeof(size_t));
    size_t *hi = calloc(k + 1, sizeof(size_t));
    const double big = 10.0e30;

    assert_true(work && iwork && lo && hi);
#define W(i, j)  work[(i) * (k + 1) + (j)]
#define IW(i, j) iwork[(i) * (k + 1) + (j)]
    for (size_t j = 1; j <= k; j++) {
        IW(1, j) = 1;
        for (size_t i = 1; i <= m; i++)
            W(i, j) = big;
    }
    for (size_t i = 1; i <= m; i++) {
        double ss = 0.0, s = 0.0, var = 0.0;
        for (size_t ii = 1; ii <= i; ii++) {
            size_t iii = i - ii + 1;
            double v = x[iii - 1];
            ss += v * v;
            s += v;
            var = ss - s * s / (double)ii;
            size_t ik = iii - 1;
            if (ik != 0) {
                for (size_t j = 2; j <= k; j++) {
                    if (W(i, j) >= var + W(ik, j - 1)) {
                        IW(i, j) = iii;
                        W(i, j) = var + W(ik, j - 1);
                    }
                }
            }
        }
        W(i, 1) = var;
        IW(i, 1) = 1;
    }
    // groups from the top: group l (1 = lowest) is x[lo[l]..hi[l]]
    size_t il = m + 1;
    for (size_t l = k; l >= 1; l--) {
        size_t iu = il - 1;
        il = IW(iu, l);
        lo[l] = il;
        hi[l] = iu;
    }
#undef W
#undef IW
    b[0] = x[lo[1] - 1];
    for (size_t l = 1; l < k; l++)
        b[l] = (x[hi[l] - 1] + x[lo[l + 1] - 1]) / 2.0;
    b[k] = x[hi[k] - 1];
    free(work);
    free(iwork);
    free(lo);
    free(hi);
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t xorshift(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double uniform01(void)
{
    return (double)(xorshift() >> 11) * 0x1.0p-53;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Within-group sum of squares of sorted x for breaks b (classes by
 * ws_class_of), computed two-pass. */
static double partition_ss(const double *x, size_t n, const double *b, size_t k)
{
    double sum[MAX_K] = {0}, mean[MAX_K], ss = 0.0;
    size_t cnt[MAX_K] = {0};

    for (size_t i = 0; i < n; i++) {
        int c = ws_class_of(x[i], b, k);
        assert_true(c >= 0);
        sum[c] += x[i];
        cnt[c]++;
    }
    for (size_t c = 0; c < k; c++)
        mean[c] = cnt[c] ? sum[c] / (double)cnt[c] : 0.0;
    for (size_t i = 0; i < n; i++) {
        int c = ws_class_of(x[i], b, k);
        ss += (x[i] - mean[c]) * (x[i] - mean[c]);
    }
    return ss;
}

static void test_jenks_vs_fish(void **state)
{
    size_t same = 0, trials = 0, better = 0, differ[3] = {0}, tried[3] = {0};

    (void)state;
    for (int t = 0; t < 600; t++) {
        size_t n = 5 + (size_t)(xorshift() % 300);
        size_t k = 2 + (size_t)(xorshift() % 8);
        int kind = t % 3;
        double *x = malloc(n * sizeof(*x));
        double b[MAX_K + 1], f[MAX_K + 1];
        size_t n_out = 0, d = 1;
        struct ws_err err = WS_ERR_INIT;

        assert_non_null(x);
        for (size_t i = 0; i < n; i++) {
            if (kind == 0) // small integers: many ties
                x[i] = (double)(xorshift() % 25);
            else if (kind == 1) // skewed, like rates
                x[i] = -log(1.0 - uniform01()) * 37.5;
            else // large offset, small spread: cancellation
                x[i] = 1.0e6 + uniform01() * 3.0;
        }
        qsort(x, n, sizeof(*x), cmp_dbl);
        for (size_t i = 1; i < n; i++)
            d += x[i] != x[i - 1];
        if (k >= d) {
            free(x);
            continue;
        }
        assert_int_equal(ws_classify(x, n, WS_CLASS_JENKS, k, NULL, 0, b, &n_out, &err), WS_OK);
        fish_breaks(x, n, k, f);
        trials++;
        tried[kind]++;
        bool equal = n_out == k;
        for (size_t i = 0; equal && i <= k; i++)
            equal = b[i] == f[i];
        if (equal) {
            same++;
        } else {
            // another partition: it must be at least as good as FISH's (a tie
            // that rounding broke differently, or FISH's naive sums of
            // squares losing digits when the values share a large offset)
            double ss_ours = partition_ss(x, n, b, n_out);
            double ss_fish = partition_ss(x, n, f, k);
            if (ss_ours < ss_fish * (1.0 - 1e-12))
                better++;
            else
                assert_double_close(ss_ours, ss_fish, 1e-12 * ss_fish, 1e-12);
            differ[kind]++;
        }
        free(x);
    }
    print_message("jenks vs FISH: %zu of %zu random sets identical; different (ties, "
                  "skewed, offset): %zu %zu %zu, of which %zu better than FISH\n",
                  same, trials, differ[0], differ[1], differ[2], better);
    // ties and ordinary data: the very same breaks as FISH; large offsets:
    // never worse (checked above), usually better
    assert_true(tried[0] > 150 && tried[1] > 150 && tried[2] > 150);
    assert_true(differ[0] + differ[1] <= (tried[0] + tried[1]) / 100);
}

static void test_all_equal_and_single(void **state)
{
    const double eq[] = {4.0, 4.0, NAN, 4.0, 4.0};
    const double one[] = {NAN, 7.5};
    const enum ws_class_method ms[] = {WS_CLASS_QUANTILE, WS_CLASS_EQUAL, WS_CLASS_JENKS};
    double b[8];
    size_t k = 99, counts[6];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (size_t m = 0; m < 3; m++) {
        assert_int_equal(ws_classify(eq, 5, ms[m], 5, NULL, 0, b, &k, &err), WS_OK);
        assert_int_equal(k, 1);
        assert_true(b[0] == 4.0 && b[1] == 4.0);
        assert_int_equal(ws_class_of(4.0, b, k), 0);
        assert_int_equal(ws_classify(one, 2, ms[m], 3, NULL, 0, b, &k, &err), WS_OK);
        assert_int_equal(k, 1);
        assert_true(b[0] == 7.5 && b[1] == 7.5);
    }
    // box: every value in the "< 25%" class, no outliers
    assert_int_equal(ws_classify(eq, 5, WS_CLASS_BOX, 0, NULL, 0, b, &k, &err), WS_OK);
    assert_int_equal(k, WS_CLASS_BOX_CLASSES);
    ws_class_count(eq, 5, b, k, counts, NULL);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 4);
    assert_int_equal(counts[5], 0);
    assert_int_equal(err.code, WS_OK);
}

static void test_no_values(void **state)
{
    const double nan3[] = {NAN, NAN, INFINITY};
    double b[4] = {1, 2, 3, 4};
    size_t k = 42;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_classify(nan3, 3, WS_CLASS_QUANTILE, 3, NULL, 0, b, &k, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "none of the 3 values"));
    assert_true(err.hint[0] != '\0');
    // outputs unchanged on failure
    assert_int_equal(k, 42);
    assert_true(b[0] == 1 && b[3] == 4);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(NULL, 0, WS_CLASS_JENKS, 3, NULL, 0, b, &k, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(nan3, 3, WS_CLASS_BOX, 0, NULL, 0, b, &k, &err), WS_EDATA);
    ws_err_clear(&err);
    // n_classes < 1
    assert_int_equal(ws_classify(nan3, 3, WS_CLASS_EQUAL, 0, NULL, 0, b, &k, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "at least 1 class"));
    ws_err_clear(&err);
    assert_int_equal(ws_classify(nan3, 3, (enum ws_class_method)17, 3, NULL, 0, b, &k, &err),
                     WS_EINTERNAL);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(nan3, 3, WS_CLASS_EQUAL, 3, NULL, 0, NULL, &k, &err),
                     WS_EINTERNAL);
}

static void test_more_classes_than_values(void **state)
{
    const double x[] = {5.0, 1.0, NAN, 2.0, 1.0, 5.0};
    const enum ws_class_method ms[] = {WS_CLASS_QUANTILE, WS_CLASS_EQUAL, WS_CLASS_JENKS};
    double b[9];
    size_t k = 0, counts[8];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (size_t m = 0; m < 3; m++) {
        for (size_t want = 3; want <= 8; want += 5) {
            assert_int_equal(ws_classify(x, 6, ms[m], want, NULL, 0, b, &k, &err), WS_OK);
            // one class per distinct value, breaks halfway, outer ones min/max
            assert_int_equal(k, 3);
            assert_true(b[0] == 1.0 && b[1] == 1.5 && b[2] == 3.5 && b[3] == 5.0);
            ws_class_count(x, 6, b, k, counts, NULL);
            assert_int_equal(counts[0], 2);
            assert_int_equal(counts[1], 1);
            assert_int_equal(counts[2], 2);
        }
    }
    // 2 distinct values, k = 1: one class [min, max]
    assert_int_equal(ws_classify(x, 6, WS_CLASS_JENKS, 1, NULL, 0, b, &k, &err), WS_OK);
    assert_int_equal(k, 1);
    assert_true(b[0] == 1.0 && b[1] == 5.0);
}

static void test_quantile_ties_merge(void **state)
{
    // 14 zeros of 20 (7 distinct values): the 20%..60% quantiles are all 0
    const double x[] = {0, 0, 0, 0, 3, 0, 0, 0, 0, 9, 0, 1, 0, 0, 2, 0, 5, 0, 4, 0};
    double b[6];
    size_t k = 0, counts[5], other = 7;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_classify(x, 20, WS_CLASS_QUANTILE, 5, NULL, 0, b, &k, &err), WS_OK);
    assert_int_equal(k, 2);
    assert_true(b[0] == 0.0 && b[2] == 9.0);
    assert_double_close(b[1], 2.2, 0, 1e-12); // type 7 at p = 0.8: 0.8 * 2 + 0.2 * 3
    ws_class_count(x, 20, b, k, counts, &other);
    assert_int_equal(counts[0], 16);
    assert_int_equal(counts[1], 4);
    assert_int_equal(other, 0);
}

static void test_box_classes(void **state)
{
    // 1..20 plus a low and a high outlier; Q1 = 5.75, Q3 = 16.25, IQR 10.5
    double x[23];
    double b[7];
    size_t k = 0, counts[6];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (int i = 0; i < 20; i++)
        x[i] = i + 1;
    x[20] = -30.0;
    x[21] = 60.0;
    x[22] = NAN;
    assert_int_equal(ws_classify(x, 23, WS_CLASS_BOX, 6, NULL, 0, b, &k, &err), WS_OK);
    assert_int_equal(k, 6);
    // with the outliers: 22 values, Q1 = 5.25, Q2 = 10.5, Q3 = 15.75
    assert_true(b[0] == -30.0 && b[6] == 60.0);
    assert_true(b[2] == 5.25 && b[3] == 10.5 && b[4] == 15.75);
    assert_true(b[1] < 5.25 - 1.5 * 10.5 && b[1] == nextafter(5.25 - 15.75, -INFINITY));
    assert_true(b[5] == 15.75 + 15.75);
    ws_class_count(x, 23, b, k, counts, NULL);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[5], 1);
    assert_int_equal(counts[1] + counts[2] + counts[3] + counts[4], 20);
    // a value exactly at a fence is not an outlier (GeoDa: strictly beyond)
    assert_int_equal(ws_class_of(5.25 - 15.75, b, k), 1);
    assert_int_equal(ws_class_of(31.5, b, k), 4);
    assert_int_equal(ws_class_of(31.5000001, b, k), 5);

    // no outliers: both outlier classes empty, zero width, finite
    assert_int_equal(ws_classify(x, 20, WS_CLASS_BOX, 6, NULL, 0, b, &k, &err), WS_OK);
    assert_true(isfinite(b[0]) && isfinite(b[6]));
    assert_true(b[0] == b[1] && b[5] == b[6]);
    assert_true(b[0] < 1.0 && b[6] > 20.0);
    ws_class_count(x, 20, b, k, counts, NULL);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[5], 0);
    assert_int_equal(counts[1], 5);
    assert_int_equal(counts[4], 5);

    // IQR = 0 with most values at the minimum: they are not outliers
    const double z[] = {0, 0, 0, 0, 0, 0, 0, 0, 2, 5};
    assert_int_equal(ws_classify(z, 10, WS_CLASS_BOX, 6, NULL, 0, b, &k, &err), WS_OK);
    ws_class_count(z, 10, b, k, counts, NULL);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 8);
    assert_int_equal(counts[5], 2);
}

static void test_fixed(void **state)
{
    const double x[] = {-1.0, 0.0, 2.0, 5.0, 7.0, 10.0, 11.0, NAN};
    const double fx[] = {0.0, 5.0, 10.0};
    const double open[] = {-INFINITY, 0.0, 10.0, INFINITY};
    const double bad1[] = {0.0, 10.0, 5.0};
    const double bad2[] = {0.0, 5.0, 5.0, 10.0};
    const double bad3[] = {0.0, NAN, 10.0};
    double b[5] = {0};
    size_t k = 0, counts[4], other = 0;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, fx, 3, b, &k, &err), WS_OK);
    assert_int_equal(k, 2);
    assert_true(b[0] == 0.0 && b[1] == 5.0 && b[2] == 10.0);
    ws_class_count(x, 8, b, k, counts, &other);
    assert_int_equal(counts[0], 3); // 0 (== b[0]), 2, 5
    assert_int_equal(counts[1], 2); // 7, 10
    assert_int_equal(other, 3);     // -1, 11, NAN
    assert_int_equal(ws_class_of(-1.0, b, k), -1);
    assert_int_equal(ws_class_of(11.0, b, k), -1);

    // room for more classes than the breaks make is fine
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 4, open, 4, b, &k, &err), WS_OK);
    assert_int_equal(k, 3);
    ws_class_count(x, 8, b, k, counts, &other);
    assert_int_equal(counts[0], 2); // -1, and 0 (== b[1]: right-closed)
    assert_int_equal(counts[1], 4);
    assert_int_equal(counts[2], 1);
    assert_int_equal(other, 1);

    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, bad1, 3, b, &k, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "not ascending"));
    assert_non_null(strstr(err.what, "break 3 (5)"));
    assert_true(err.hint[0] != '\0');
    ws_err_clear(&err);
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 3, bad2, 4, b, &k, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, bad3, 3, b, &k, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "not a number"));
    ws_err_clear(&err);
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, fx, 1, b, &k, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, NULL, 0, b, &k, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_classify(x, 8, WS_CLASS_FIXED, 2, open, 4, b, &k, &err), WS_EINTERNAL);
}

static void test_class_of_edges(void **state)
{
    const double b[] = {0.0, 1.0, 1.0, 3.0, 10.0};

    (void)state;
    assert_int_equal(ws_class_of(0.0, b, 4), 0); // == min
    assert_int_equal(ws_class_of(0.5, b, 4), 0);
    assert_int_equal(ws_class_of(1.0, b, 4), 0); // == a break: the class below
    assert_int_equal(ws_class_of(nextafter(1.0, 2.0), b, 4), 2);
    assert_int_equal(ws_class_of(3.0, b, 4), 2);
    assert_int_equal(ws_class_of(10.0, b, 4), 3); // == max
    assert_int_equal(ws_class_of(-0.0, b, 4), 0);
    assert_int_equal(ws_class_of(nextafter(0.0, -1.0), b, 4), -1);
    assert_int_equal(ws_class_of(10.5, b, 4), -1);
    assert_int_equal(ws_class_of(NAN, b, 4), -1);
    assert_int_equal(ws_class_of(INFINITY, b, 4), -1);
    assert_int_equal(ws_class_of(1.0, NULL, 4), -1);
    assert_int_equal(ws_class_of(1.0, b, 0), -1);
    // a zero-width first class holds its break
    const double z[] = {2.0, 2.0, 5.0};
    assert_int_equal(ws_class_of(2.0, z, 2), 0);
    assert_int_equal(ws_class_of(2.5, z, 2), 1);
}

static void test_pooled_years(void **state)
{
    const double y1[] = {1, 4, 9, NAN, 16, 25};
    const double y2[] = {2, 8, 18, 32, 50, 72, 98};
    const double all[] = {1, 4, 9, NAN, 16, 25, 2, 8, 18, 32, 50, 72, 98};
    const double *const sets[3] = {y1, NULL, y2};
    const size_t ns[3] = {6, 0, 7};
    double b[8], bc[8];
    size_t k = 0, kc = 0, counts[6], other = 0;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (int m = WS_CLASS_QUANTILE; m <= WS_CLASS_BOX; m++) {
        assert_int_equal(
            ws_classify_pooled(sets, ns, 3, (enum ws_class_method)m, 5, NULL, 0, b, &k, &err),
            WS_OK);
        assert_int_equal(ws_classify(all, 13, (enum ws_class_method)m, 5, NULL, 0, bc, &kc, &err),
                         WS_OK);
        assert_int_equal(k, kc);
        assert_memory_equal(b, bc, (k + 1) * sizeof(double));
        if (m == WS_CLASS_BOX)
            continue;
        // every year's values fall in the shared classes
        ws_class_count(y1, 6, b, k, counts, &other);
        assert_int_equal(other, 1); // the NAN
        ws_class_count(y2, 7, b, k, counts, &other);
        assert_int_equal(other, 0);
        assert_true(b[0] == 1.0 && b[k] == 98.0);
    }
    assert_int_equal(ws_classify_pooled(NULL, NULL, 0, WS_CLASS_EQUAL, 5, NULL, 0, b, &k, &err),
                     WS_EDATA);
}

static void test_method_names(void **state)
{
    (void)state;
    for (int m = WS_CLASS_QUANTILE; m <= WS_CLASS_FIXED; m++)
        assert_int_equal(ws_class_method_parse(ws_class_method_name((enum ws_class_method)m)), m);
    assert_string_equal(ws_class_method_name(WS_CLASS_JENKS), "jenks");
    assert_int_equal(ws_class_method_parse("natural"), -1);
    assert_int_equal(ws_class_method_parse(NULL), -1);
    assert_string_equal(ws_class_method_name((enum ws_class_method)9), "?");
}

static void test_quantile_and_equal_shape(void **state)
{
    double x[1000], b[8];
    size_t k = 0, counts[7];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (size_t i = 0; i < 1000; i++)
        x[i] = -log(1.0 - uniform01());
    assert_int_equal(ws_classify(x, 1000, WS_CLASS_QUANTILE, 5, NULL, 0, b, &k, &err), WS_OK);
    ws_class_count(x, 1000, b, k, counts, NULL);
    for (size_t c = 0; c < 5; c++)
        assert_int_equal(counts[c], 200);
    assert_int_equal(ws_classify(x, 1000, WS_CLASS_EQUAL, 7, NULL, 0, b, &k, &err), WS_OK);
    for (size_t c = 1; c <= 7; c++)
        assert_double_close(b[c] - b[c - 1], (b[7] - b[0]) / 7.0, 0, 1e-12);
}

static int report(void **state)
{
    (void)state;
    print_message("classInt: %zu breaks, max relative error %.3g (%zu box fences 1 ulp below "
                  "by design)\n",
                  n_compared, max_rel_classint, n_nudged);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classint_fixtures),
        cmocka_unit_test(test_jenks_vs_fish),
        cmocka_unit_test(test_all_equal_and_single),
        cmocka_unit_test(test_no_values),
        cmocka_unit_test(test_more_classes_than_values),
        cmocka_unit_test(test_quantile_ties_merge),
        cmocka_unit_test(test_box_classes),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_class_of_edges),
        cmocka_unit_test(test_pooled_years),
        cmocka_unit_test(test_method_names),
        cmocka_unit_test(test_quantile_and_equal_shape),
    };

    return cmocka_run_group_tests(tests, NULL, report);
}
