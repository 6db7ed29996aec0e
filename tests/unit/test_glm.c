/*
 * test_glm.c - glm.c against R glm().
 *
 * Reference: tests/fixtures/reference/{nc,hand}_glm.csv, _scalars.csv and
 * _areas.csv, written by scripts/reference/rates_glm_eb.R (R 4.2.2):
 *   null  glm(O ~ 1 + offset(log(P)), family = poisson)
 *   m1    glm(O ~ x1 + offset(log(P)), family = poisson)
 *   m2    glm(O ~ x1 + x2 + offset(log(P)), family = poisson)
 * on the rows with P > 0 and the model's covariates present (nc: O = SID74,
 * P = BIR74, x1 = pnw = NWBIR74/BIR74, x2 = logdens = log(BIR74/AREA)).
 * Checked: summary(fit)$coefficients in original units and refitted on
 * covariates centred and scaled over the fitted rows, deviance,
 * null.deviance, AIC, iter, Pearson dispersion
 * sum(residuals(fit, "pearson")^2) / df.residual, and predict(type =
 * "response") for every row with P > 0 and complete covariates.  The
 * intercept-only expected is theta P exactly (R's fit equals it to ~1e-9,
 * its convergence tolerance).  Agreement required: 1e-9 relative.
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

#include "wijkscan/analyse/glm.h"

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

static double scalar(const struct ws_test_csv *s, const char *model, const char *what)
{
    char name[128];

    snprintf(name, sizeof(name), "glm_%s_%s", model, what);
    return ws_test_csv_num(s, ws_test_csv_find(s, 0, name), 1);
}

/* Row of the coefficient table for (model, term). */
static size_t coef_row(const struct ws_test_csv *g, const char *model, const char *term)
{
    size_t i, c_model = ws_test_csv_col(g, "model"), c_term = ws_test_csv_col(g, "term");

    for (i = 0; i < g->n_rows; i++)
        if (strcmp(ws_test_csv_str(g, i, c_model), model) == 0 &&
            strcmp(ws_test_csv_str(g, i, c_term), term) == 0)
            return i;
    print_error("no coefficient %s/%s in the fixture\n", model, term);
    fail();
    return 0;
}

static void check_model(const char *set, const char *model, const char *const *names, size_t n_cov)
{
    static const char *const fields[] = {"estimate",     "se",     "z",     "p",
                                         "estimate_std", "se_std", "z_std", "p_std"};
    char path[256];
    struct ws_test_csv t, g, s;
    struct ws_glm_result res;
    struct ws_err err = WS_ERR_INIT;
    double *O, *P, *cov[2] = {NULL, NULL}, *ex, *r_ex;
    const double *ccov[2];
    size_t i, j, f, n, row;

    snprintf(path, sizeof(path), "%s/%s_areas.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    snprintf(path, sizeof(path), "%s/%s_glm.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&g, path);
    snprintf(path, sizeof(path), "%s/%s_scalars.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&s, path);
    n = t.n_rows;
    O = col_array(&t, "O");
    P = col_array(&t, "P");
    for (j = 0; j < n_cov; j++) {
        cov[j] = col_array(&t, names[j]);
        ccov[j] = cov[j];
    }
    snprintf(path, sizeof(path), "glm_%s_expected", model);
    r_ex = col_array(&t, n_cov ? path : "expected_theta");
    ex = malloc(n * sizeof(double));

    ws_glm_result_init(&res);
    assert_int_equal(ws_glm_fit(O, P, n, ccov, names, n_cov, NULL, &res, ex, &err), WS_OK);
    assert_int_equal(err.code, WS_OK);
    assert_true(res.converged);
    assert_int_equal(res.n_cov, n_cov);
    assert_int_equal(res.n_used, (size_t)scalar(&s, model, "n"));
    assert_int_equal(res.df_residual, (size_t)scalar(&s, model, "df_residual"));
    assert_int_equal(res.df_null, res.n_used - 1);
    assert_int_equal(res.iterations, (int)scalar(&s, model, "iter"));
    close_rel(res.deviance, scalar(&s, model, "deviance"), 0.0);
    close_rel(res.null_deviance, scalar(&s, model, "null_deviance"), 0.0);
    close_rel(res.pearson_dispersion, scalar(&s, model, "pearson_dispersion"), 0.0);
    close_rel(res.aic, scalar(&s, model, "aic"), 0.0);
    for (j = 0; j < n_cov; j++) {
        char what[64];
        snprintf(what, sizeof(what), "mean_%s", names[j]);
        close_rel(res.cov_mean[j], scalar(&s, model, what), 0.0);
        snprintf(what, sizeof(what), "sd_%s", names[j]);
        close_rel(res.cov_sd[j], scalar(&s, model, what), 0.0);
    }
    for (j = 0; j <= n_cov; j++) {
        const double *got[] = {res.coef,     res.se,     res.z,     res.p,
                               res.coef_std, res.se_std, res.z_std, res.p_std};
        row = coef_row(&g, model, j == 0 ? "intercept" : names[j - 1]);
        for (f = 0; f < 8; f++)
            close_rel(got[f][j], ws_test_csv_num(&g, row, ws_test_csv_col(&g, fields[f])), 0.0);
    }
    for (i = 0; i < n; i++)
        close_rel(ex[i], r_ex[i], 0.0);

    ws_glm_result_release(&res);
    ws_glm_result_release(&res); // twice is fine
    free(O);
    free(P);
    free(cov[0]);
    free(cov[1]);
    free(ex);
    free(r_ex);
    ws_test_csv_free(&t);
    ws_test_csv_free(&g);
    ws_test_csv_free(&s);
}

static void test_reference_nc(void **state)
{
    static const char *const names[] = {"pnw", "logdens"};

    (void)state;
    check_model("nc", "null", names, 0);
    check_model("nc", "m1", names, 1);
    check_model("nc", "m2", names, 2);
}

static void test_reference_hand(void **state)
{
    static const char *const names[] = {"x1", "x2"};

    (void)state;
    check_model("hand", "null", names, 0);
    check_model("hand", "m1", names, 1);
    check_model("hand", "m2", names, 2);
}

/* Row selection: expected where P > 0 and covariates present, even without a
 * count; rows without them stay out of the fit. */
static void test_rows(void **state)
{
    const double O[] = {3, 5, NAN, 2, 7, 1, 4};
    const double P[] = {1000, 1200, 900, 0, 1500, NAN, 800};
    const double x[] = {0.1, 0.4, 0.2, 0.3, 0.5, 0.2, NAN};
    const double *cov[] = {x};
    double ex[7];
    struct ws_glm_result res;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    ws_glm_result_init(&res);
    assert_int_equal(ws_glm_fit(O, P, 7, cov, NULL, 1, NULL, &res, ex, &err), WS_OK);
    assert_int_equal(res.n_used, 3); // rows 0, 1, 4
    assert_true(!isnan(ex[2]));      // no count, but P and x
    assert_true(isnan(ex[3]) && isnan(ex[5]) && isnan(ex[6]));
    // the fitted rows reproduce the observed total (score equation of the intercept)
    assert_double_close(ex[0] + ex[1] + ex[4], 15.0, 0, 1e-8);
    // expected may be NULL
    assert_int_equal(ws_glm_fit(O, P, 7, cov, NULL, 1, NULL, &res, NULL, &err), WS_OK);
    ws_glm_result_release(&res);
}

static void expect_edata(const double *O, const double *P, size_t n, const double *const *cov,
                         const char *const *names, size_t n_cov, const struct ws_glm_opts *opts,
                         const char *what_part)
{
    struct ws_glm_result res;
    struct ws_err err = WS_ERR_INIT;
    double ex[16];
    size_t i;

    for (i = 0; i < 16; i++)
        ex[i] = 42.0;
    ws_glm_result_init(&res);
    assert_int_equal(ws_glm_fit(O, P, n, cov, names, n_cov, opts, &res, ex, &err), WS_EDATA);
    if (!strstr(err.what, what_part)) {
        print_error("message '%s' lacks '%s'\n", err.what, what_part);
        fail();
    }
    assert_true(err.hint[0] != '\0' || strstr(err.what, "case count") != NULL);
    assert_null(res.coef); // released on failure
    assert_null(res.cov_mean);
    for (i = 0; i < n; i++)
        assert_double_close(ex[i], 42.0, 0, 0); // not written
}

static void test_errors(void **state)
{
    const double O[] = {3, 5, 2, 4, 7, 1};
    const double P[] = {1000, 1200, 900, 1100, 1500, 700};
    const double c[] = {2, 2, 2, 2, 2, 2};
    const double a[] = {0.1, 0.4, 0.2, 0.3, 0.5, 0.2};
    const double b[] = {1, 2, 3, 1, 2, 3};
    double ab[6], zero[6] = {0, 0, 0, 0, 0, 0}, neg[6];
    const double *const_cov[] = {a, c};
    const double *coll_cov[] = {a, b, ab};
    const char *const names[] = {"inkomen", "dichtheid", "som"};
    const char *const cnames[] = {"inkomen", "constant"};
    struct ws_glm_opts opts = WS_GLM_OPTS_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < 6; i++) {
        ab[i] = 2.0 * a[i] - 0.5 * b[i] + 1.0;
        neg[i] = O[i];
    }
    neg[2] = -1;
    expect_edata(O, P, 6, const_cov, cnames, 2, NULL, "covariate 'constant' is constant");
    expect_edata(O, P, 6, coll_cov, names, 3, NULL,
                 "covariate 'som' is a linear combination of the covariates before it");
    // unnamed covariates are numbered from 1
    expect_edata(O, P, 6, const_cov, NULL, 2, NULL, "covariate 'covariate 2' is constant");
    expect_edata(O, P, 2, coll_cov, names, 2, NULL, "2 areas for 3 coefficients");
    expect_edata(zero, P, 6, coll_cov, names, 1, NULL, "no cases in the 6 areas");
    expect_edata(zero, P, 6, NULL, NULL, 0, NULL, "no cases in the 6 areas");
    expect_edata(neg, P, 6, coll_cov, names, 1, NULL, "case count of area 2");
    {
        const double Pn[] = {0, NAN, 0, 0, 0, 0};
        expect_edata(O, Pn, 6, NULL, NULL, 0, NULL, "no area has a population");
    }
    opts.max_iter = 2;
    expect_edata(O, P, 6, coll_cov, names, 2, &opts, "did not converge in 2 iterations");
}

/* Separation: every area with dichtheid > 0 has no cases. */
static void test_separation(void **state)
{
    const double O[] = {4, 6, 3, 5, 0, 0, 0, 0};
    const double P[] = {1000, 1200, 900, 1100, 1500, 700, 800, 1000};
    const double x[] = {-1, -2, -1.5, -0.5, 1, 2, 1.5, 0.5};
    const double y[] = {0.3, 0.1, 0.2, 0.4, 0.3, 0.2, 0.1, 0.5};
    const double *cov[] = {y, x};
    const char *const names[] = {"inkomen", "dichtheid"};

    (void)state;
    expect_edata(O, P, 8, cov, names, 2, NULL, "largest coefficient: covariate 'dichtheid'");
    expect_edata(O, P, 8, cov, names, 2, NULL, "the covariates separate areas without cases");
}

static void test_result_lifecycle(void **state)
{
    struct ws_glm_result res;

    (void)state;
    ws_glm_result_init(&res);
    ws_glm_result_release(&res);
    ws_glm_result_release(NULL);
    assert_null(res.coef);
}

static int report_max_rel(void **state)
{
    (void)state;
    print_message("glm: max relative error against R = %.3g\n", max_rel_seen);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_nc), cmocka_unit_test(test_reference_hand),
        cmocka_unit_test(test_rows),         cmocka_unit_test(test_errors),
        cmocka_unit_test(test_separation),   cmocka_unit_test(test_result_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, report_max_rel);
}
