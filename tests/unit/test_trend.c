/*
 * test_trend.c - trend.c against R.
 *
 * Reference: tests/fixtures/reference/{nc,hand}_areas.csv, written by
 * scripts/reference/rates_glm_eb.R (R 4.2.2): trend_rr = (O1/P1) / (O/P) and
 * trend_p = binom.test(O1, O + O1, P1 / (P + P1))$p.value, where O, P are the
 * year before (nc: SID74, BIR74) and O1, P1 this year (nc: SID79, BIR79).
 * The single cases in test_binom_test are binom.test() values printed by
 * R 4.2.2 with sprintf("%.17g").  Agreement required: 1e-9 relative.
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

#include "wijkscan/analyse/trend.h"

#define REL 1e-9

static double max_rel_seen;

static void close_rel(double obs, double exp, double abs_tol)
{
    if (!isnan(exp) && exp != 0.0 && fabs(obs - exp) / fabs(exp) > max_rel_seen)
        max_rel_seen = fabs(obs - exp) / fabs(exp);
    assert_double_close(obs, exp, abs_tol, REL);
}

static double *col_array(const struct ws_test_csv *t, const char *name)
{
    size_t j = ws_test_csv_col(t, name), i;
    double *v = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*v));

    assert_non_null(v);
    for (i = 0; i < t->n_rows; i++)
        v[i] = ws_test_csv_num(t, i, j);
    return v;
}

static void check_set(const char *set)
{
    char path[256];
    struct ws_test_csv t;
    struct ws_err err = WS_ERR_INIT;
    double *O0, *P0, *O1, *P1, *r_rr, *r_p, *rr, *p;
    size_t i, n;

    snprintf(path, sizeof(path), "%s/%s_areas.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    n = t.n_rows;
    O0 = col_array(&t, "O");
    P0 = col_array(&t, "P");
    O1 = col_array(&t, "O1");
    P1 = col_array(&t, "P1");
    r_rr = col_array(&t, "trend_rr");
    r_p = col_array(&t, "trend_p");
    rr = malloc(n * sizeof(double));
    p = malloc(n * sizeof(double));

    assert_int_equal(ws_trend_binom(O0, P0, O1, P1, n, rr, p, &err), WS_OK);
    for (i = 0; i < n; i++) {
        close_rel(rr[i], r_rr[i], 0.0);
        close_rel(p[i], r_p[i], 0.0);
    }
    free(O0);
    free(P0);
    free(O1);
    free(P1);
    free(r_rr);
    free(r_p);
    free(rr);
    free(p);
    ws_test_csv_free(&t);
}

static void test_reference_nc(void **state)
{
    (void)state;
    check_set("nc");
}

static void test_reference_hand(void **state)
{
    (void)state;
    check_set("hand");
}

static void test_binom_test(void **state)
{
    // x, n, p, binom.test(x, n, p)$p.value (R 4.2.2)
    static const double cases[][4] = {
        {3, 10, 0.5, 0.34375000000000011},
        {7, 10, 0.5, 0.34375000000000011},
        {0, 5, 0.29999999999999999, 0.33114999999999983},
        {5, 5, 0.29999999999999999, 0.002429999999999999},
        {3, 10, 0.29999999999999999, 1},
        {1, 1, 0.5, 1},
        {480, 1000, 0.5, 0.21744829320414144},
        {12345, 30000, 0.40999999999999998, 0.59733553011431295},
        {0, 40, 0.20000000000000001, 0.00021809896997520558},
        {40, 40, 0.96999999999999997, 0.63417036610416555},
        {2, 7, 0.33333333333333331, 1},
        {20, 21, 0.5, 2.0980834960937486e-05},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        close_rel(ws_trend_binom_test(cases[i][0], cases[i][1], cases[i][2]), cases[i][3], 0.0);
    // p on the boundary: R gives (x == 0) for p = 0 and (x == n) for p = 1
    assert_double_close(ws_trend_binom_test(0, 5, 0.0), 1.0, 0, 0);
    assert_double_close(ws_trend_binom_test(1, 5, 0.0), 0.0, 0, 0);
    assert_double_close(ws_trend_binom_test(5, 5, 1.0), 1.0, 0, 0);
    assert_double_close(ws_trend_binom_test(4, 5, 1.0), 0.0, 0, 0);
    // invalid arguments
    assert_true(isnan(ws_trend_binom_test(6, 5, 0.5)));
    assert_true(isnan(ws_trend_binom_test(0, 0, 0.5)));
    assert_true(isnan(ws_trend_binom_test(1.5, 5, 0.5)));
    assert_true(isnan(ws_trend_binom_test(1, 5, 1.5)));
    assert_true(isnan(ws_trend_binom_test(1, 5, NAN)));
    assert_true(isnan(ws_trend_binom_test(-1, 5, 0.5)));
}

static void test_nan_rules(void **state)
{
    const double O0[] = {0, 0, 4, 4, 4, NAN, 3};
    const double P0[] = {100, 100, 100, 0, 100, 100, 100};
    const double O1[] = {3, 0, 0, 4, 4, 4, 6};
    const double P1[] = {100, 100, 100, 100, NAN, 100, 200};
    double rr[7], p[7];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_trend_binom(O0, P0, O1, P1, 7, rr, p, &err), WS_OK);
    assert_true(isnan(rr[0])); // previous rate 0
    assert_double_close(p[0], ws_trend_binom_test(3, 3, 0.5), 0, 1e-15);
    assert_double_close(p[0], 0.25, 0, 1e-12);
    assert_true(isnan(rr[1]) && isnan(p[1])); // no cases in either year
    assert_double_close(rr[2], 0.0, 0, 0);    // fell to 0
    assert_double_close(p[2], 0.125, 0, 1e-12);
    assert_true(isnan(rr[3]) && isnan(p[3])); // no population the year before
    assert_true(isnan(rr[4]) && isnan(p[4])); // population missing this year
    assert_true(isnan(rr[5]) && isnan(p[5])); // count missing
    assert_double_close(rr[6], 1.0, 0, 1e-15);
    assert_double_close(p[6], 1.0, 0, 0);
    // outputs may be NULL
    assert_int_equal(ws_trend_binom(O0, P0, O1, P1, 7, NULL, p, &err), WS_OK);
    assert_int_equal(ws_trend_binom(O0, P0, O1, P1, 7, rr, NULL, &err), WS_OK);
}

static void test_bad_input(void **state)
{
    const double ok[] = {1, 2};
    const double neg[] = {1, -2};
    double rr[2] = {42, 42};
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_trend_binom(ok, ok, neg, ok, 2, rr, NULL, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "case count of area 1"));
    assert_double_close(rr[1], 42, 0, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_trend_binom(ok, neg, ok, ok, 2, rr, NULL, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "population at risk of area 1"));
}

static int report_max_rel(void **state)
{
    (void)state;
    print_message("trend: max relative error against R = %.3g\n", max_rel_seen);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_nc), cmocka_unit_test(test_reference_hand),
        cmocka_unit_test(test_binom_test),   cmocka_unit_test(test_nan_rules),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, report_max_rel);
}
