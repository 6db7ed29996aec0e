/*
 * test_rates.c - rates.c against R reference values.
 *
 * Reference: tests/fixtures/reference/{nc,hand}_areas.csv and _scalars.csv,
 * written by scripts/reference/rates_glm_eb.R (R 4.2.2, spdep 1.2-7): rates
 * and Garwood intervals from qchisq (cross-checked there against
 * poisson.test), theta = sum O / sum P, ratio O / (theta P), Choynowski from
 * spdep::choynowski and the exact tail ppois(O - 1, E, lower.tail = FALSE),
 * O/E intervals as qchisq / fitted from glm().  Agreement required: 1e-9
 * relative.
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

#include "wijkscan/analyse/rates.h"

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

static double scalar(const char *set, const char *name)
{
    char path[256];
    struct ws_test_csv t;
    double x;

    snprintf(path, sizeof(path), "%s/%s_scalars.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    x = ws_test_csv_num(&t, ws_test_csv_find(&t, 0, name), 1);
    ws_test_csv_free(&t);
    return x;
}

static void check_set(const char *set)
{
    char path[256];
    struct ws_test_csv t;
    struct ws_err err = WS_ERR_INIT;
    double *O, *P, *rate, *lo, *hi, *ratio, *pp, *ex, *oe, *oel, *oeh, theta;
    size_t i, n, m;
    static const char *const models[] = {"null", "m1", "m2"};
    char name[64];

    snprintf(path, sizeof(path), "%s/%s_areas.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    n = t.n_rows;
    O = col_array(&t, "O");
    P = col_array(&t, "P");
    rate = malloc(n * sizeof(double));
    lo = malloc(n * sizeof(double));
    hi = malloc(n * sizeof(double));
    ratio = malloc(n * sizeof(double));
    pp = malloc(n * sizeof(double));
    oe = malloc(n * sizeof(double));
    oel = malloc(n * sizeof(double));
    oeh = malloc(n * sizeof(double));
    ex = malloc(n * sizeof(double));

    assert_int_equal(ws_rates_crude(O, P, n, rate, lo, hi, &err), WS_OK);
    assert_int_equal(ws_rates_theta(O, P, n, &theta, &err), WS_OK);
    close_rel(theta, scalar(set, "theta"), 0.0);
    assert_int_equal(ws_rates_ratio_avg(O, P, n, theta, ratio, pp, &err), WS_OK);
    {
        size_t c_rate = ws_test_csv_col(&t, "rate_per_1000");
        size_t c_lo = ws_test_csv_col(&t, "rate_ci_low");
        size_t c_hi = ws_test_csv_col(&t, "rate_ci_high");
        size_t c_ratio = ws_test_csv_col(&t, "ratio_avg");
        size_t c_exact = ws_test_csv_col(&t, "choynowski_exact");
        size_t c_spdep = ws_test_csv_col(&t, "choynowski_spdep");

        for (i = 0; i < n; i++) {
            close_rel(rate[i], ws_test_csv_num(&t, i, c_rate), 0.0);
            close_rel(lo[i], ws_test_csv_num(&t, i, c_lo), 0.0);
            close_rel(hi[i], ws_test_csv_num(&t, i, c_hi), 0.0);
            close_rel(ratio[i], ws_test_csv_num(&t, i, c_ratio), 0.0);
            close_rel(pp[i], ws_test_csv_num(&t, i, c_exact), 0.0);
            // spdep's 1 - ppois() form: equal up to cancellation
            assert_double_close(pp[i], ws_test_csv_num(&t, i, c_spdep), 1e-15, REL);
        }
    }

    // model-free expected = theta P (R: theta * P)
    assert_int_equal(ws_rates_expected_theta(P, n, theta, ex, &err), WS_OK);
    {
        double *r_ex = col_array(&t, "expected_theta");
        for (i = 0; i < n; i++)
            close_rel(ex[i], r_ex[i], 0.0);
        free(r_ex);
    }

    // O/E with R's fitted values as the expected counts
    for (m = 0; m < 3; m++) {
        double *r_ex, *r_oe, *r_lo, *r_hi;

        snprintf(name, sizeof(name), "glm_%s_expected", models[m]);
        r_ex = col_array(&t, name);
        snprintf(name, sizeof(name), "glm_%s_oe", models[m]);
        r_oe = col_array(&t, name);
        snprintf(name, sizeof(name), "glm_%s_oe_low", models[m]);
        r_lo = col_array(&t, name);
        snprintf(name, sizeof(name), "glm_%s_oe_high", models[m]);
        r_hi = col_array(&t, name);
        assert_int_equal(ws_rates_oe(O, r_ex, n, oe, oel, oeh, &err), WS_OK);
        for (i = 0; i < n; i++) {
            close_rel(oe[i], r_oe[i], 0.0);
            close_rel(oel[i], r_lo[i], 0.0);
            close_rel(oeh[i], r_hi[i], 0.0);
        }
        free(r_ex);
        free(r_oe);
        free(r_lo);
        free(r_hi);
    }
    assert_int_equal(err.code, WS_OK);

    free(O);
    free(P);
    free(rate);
    free(lo);
    free(hi);
    free(ratio);
    free(pp);
    free(oe);
    free(oel);
    free(oeh);
    free(ex);
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

/* NAN rules: missing or zero population, missing count. */
static void test_nan_rules(void **state)
{
    const double O[] = {3, NAN, 2, 0, 4};
    const double P[] = {1000, 500, 0, NAN, 2000};
    double rate[5], lo[5], hi[5], ratio[5], pp[5], ex[5], theta;
    struct ws_err err = WS_ERR_INIT;
    size_t i;

    (void)state;
    assert_int_equal(ws_rates_crude(O, P, 5, rate, lo, hi, &err), WS_OK);
    for (i = 1; i < 4; i++) {
        assert_true(isnan(rate[i]) && isnan(lo[i]) && isnan(hi[i]));
    }
    assert_double_close(rate[0], 3.0, 0, 1e-15);
    assert_double_close(rate[4], 2.0, 0, 1e-15);
    assert_int_equal(ws_rates_theta(O, P, 5, &theta, &err), WS_OK);
    assert_double_close(theta, 7.0 / 3000.0, 0, 1e-15); // areas 0 and 4 only
    assert_int_equal(ws_rates_ratio_avg(O, P, 5, theta, ratio, pp, &err), WS_OK);
    for (i = 1; i < 4; i++)
        assert_true(isnan(ratio[i]) && isnan(pp[i]));
    // expected exists wherever P > 0, even without a count
    assert_int_equal(ws_rates_expected_theta(P, 5, theta, ex, &err), WS_OK);
    assert_double_close(ex[1], 500.0 * 7.0 / 3000.0, 0, 1e-15);
    assert_true(isnan(ex[2]) && isnan(ex[3]));

    // NULL interval outputs are allowed
    assert_int_equal(ws_rates_crude(O, P, 5, rate, NULL, NULL, &err), WS_OK);

    // no usable area: theta NAN, everything NAN
    {
        const double P0[] = {0, NAN};
        const double O0[] = {1, 2};
        assert_int_equal(ws_rates_theta(O0, P0, 2, &theta, &err), WS_OK);
        assert_true(isnan(theta));
        assert_int_equal(ws_rates_ratio_avg(O0, P0, 2, theta, ratio, pp, &err), WS_OK);
        assert_true(isnan(ratio[0]) && isnan(pp[1]));
    }
    // no cases at all: theta 0, ratio NAN (E = 0), Choynowski P(X >= 0) = 1
    {
        const double Oz[] = {0, 0};
        const double Pz[] = {100, 200};
        assert_int_equal(ws_rates_theta(Oz, Pz, 2, &theta, &err), WS_OK);
        assert_double_close(theta, 0.0, 0, 0);
        assert_int_equal(ws_rates_ratio_avg(Oz, Pz, 2, theta, ratio, pp, &err), WS_OK);
        assert_true(isnan(ratio[0]));
        assert_double_close(pp[0], 1.0, 0, 0);
    }
    assert_int_equal(ws_rates_theta(NULL, NULL, 0, &theta, &err), WS_OK);
    assert_true(isnan(theta));
}

static void test_oe_rules(void **state)
{
    const double O[] = {4, 4, NAN, 0};
    const double ex[] = {2, 0, 3, NAN};
    const double bad[] = {2, -1, 3, 1};
    double oe[4], lo[4], hi[4];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_rates_oe(O, ex, 4, oe, lo, hi, &err), WS_OK);
    assert_double_close(oe[0], 2.0, 0, 1e-15);
    assert_true(isnan(oe[1]) && isnan(lo[1]) && isnan(hi[1]));
    assert_true(isnan(oe[2]) && isnan(oe[3]));
    assert_int_equal(ws_rates_oe(O, bad, 4, oe, lo, hi, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "expected count of area 1"));
}

/* Choynowski corner cases and tail accuracy (values from R 4.2.2). */
static void test_choynowski(void **state)
{
    (void)state;
    assert_double_close(ws_rates_choynowski(0, 0), 1.0, 0, 0);
    assert_double_close(ws_rates_choynowski(1, 0), 0.0, 0, 0);
    // ppois(49, 5, lower.tail = FALSE); spdep's 1 - ppois(49, 5) gives 0
    assert_double_close(ws_rates_choynowski(50, 5), 2.1810592140784885e-32, 0, REL);
    // ppois(0, 30)
    assert_double_close(ws_rates_choynowski(0, 30), 9.3576229688401748e-14, 0, REL);
    // O == E takes the upper tail (spdep type = n < E is FALSE): P(X >= 2 | 2)
    assert_double_close(ws_rates_choynowski(2, 2), 1.0 - 3.0 * exp(-2.0), 0, 1e-14);
    assert_true(isnan(ws_rates_choynowski(1.5, 2)));
    assert_true(isnan(ws_rates_choynowski(-1, 2)));
    assert_true(isnan(ws_rates_choynowski(1, NAN)));
}

static void test_poisson_ci(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    double lo, hi;

    (void)state;
    // R: qchisq(0.05, 14) / 2, qchisq(0.95, 16) / 2
    assert_int_equal(ws_rates_poisson_ci(7, 0.90, &lo, &hi, &err), WS_OK);
    assert_double_close(lo, 3.285315691894672, 0, REL);
    assert_double_close(hi, 13.148113802432118, 0, REL);
    assert_int_equal(ws_rates_poisson_ci(0, 0.95, &lo, &hi, &err), WS_OK);
    assert_double_close(lo, 0.0, 0, 0);
    assert_double_close(hi, -log(0.025), 0, 1e-12); // upper limit for O = 0
    assert_int_equal(ws_rates_poisson_ci(2.5, 0.95, &lo, &hi, &err), WS_EDATA);
    assert_true(isnan(lo) && isnan(hi));
    ws_err_clear(&err);
    assert_int_equal(ws_rates_poisson_ci(2, 1.0, &lo, &hi, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "confidence level"));
}

static void test_bad_input(void **state)
{
    const double O_neg[] = {1, -3};
    const double O_frac[] = {1, 2.5};
    const double O_inf[] = {1, INFINITY};
    const double P_ok[] = {10, 10};
    const double P_neg[] = {10, -1};
    const double P_inf[] = {10, INFINITY};
    double out[2] = {42, 42}, theta = 42;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_rates_crude(O_neg, P_ok, 2, out, NULL, NULL, &err), WS_EDATA);
    assert_string_equal(err.what, "case count of area 1 is not a whole number >= 0 (-3)");
    assert_true(err.hint[0] != '\0');
    assert_double_close(out[0], 42, 0, 0); // nothing written
    ws_err_clear(&err);
    assert_int_equal(ws_rates_theta(O_frac, P_ok, 2, &theta, &err), WS_EDATA);
    assert_double_close(theta, 42, 0, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_rates_ratio_avg(O_inf, P_ok, 2, 0.1, out, NULL, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_rates_crude(O_neg + 0, P_neg, 1, out, NULL, NULL, &err), WS_OK);
    assert_int_equal(ws_rates_crude(P_ok, P_neg, 2, out, NULL, NULL, &err), WS_EDATA);
    assert_string_equal(err.what, "population at risk of area 1 is not a number >= 0 (-1)");
    ws_err_clear(&err);
    assert_int_equal(ws_rates_expected_theta(P_inf, 2, 0.1, out, &err), WS_EDATA);
    assert_int_equal(ws_rates_check(NULL, NULL, 2, NULL), WS_OK);
}

static int report_max_rel(void **state)
{
    (void)state;
    print_message("rates: max relative error against R = %.3g\n", max_rel_seen);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_nc), cmocka_unit_test(test_reference_hand),
        cmocka_unit_test(test_nan_rules),    cmocka_unit_test(test_oe_rules),
        cmocka_unit_test(test_choynowski),   cmocka_unit_test(test_poisson_ci),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, report_max_rel);
}
