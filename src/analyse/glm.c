/*
 * glm.c - Poisson GLM with log link and offset log P, fitted by IRLS the way
 * R's glm.fit does it (see glm.h for the contract).
 *
 * Symbols as in the code: y_r = O of fitted row r, off_r = log P_r, Z the
 * m x k design (column 0 = 1, column 1 + j = (x_j - cov_mean_j) / cov_sd_j),
 * beta the k standardised coefficients, eta = Z beta + off, mu = exp(eta).
 *
 * IRLS (Fisher scoring; for the canonical log link it is Newton-Raphson):
 *     start   mu = y + 0.1,  eta = log mu
 *     repeat  w_r = mu_r,  z_r = eta_r - off_r + (y_r - mu_r) / mu_r
 *             A = Z' W Z,  beta = A^-1 Z' W z      (Cholesky of A)
 *             eta = Z beta + off,  mu = max(exp(eta), DBL_EPSILON)
 *             dev = 2 sum [y log(y / mu) - (y - mu)]   (y log y = 0 at y = 0)
 *     until   |dev - dev_old| / (|dev| + 0.1) < epsilon
 * with R's step halving towards the previous beta while dev is not finite.
 *     cov(beta)  = A^-1 of the last step      (summary.glm, dispersion 1)
 *     back-transform  coef_0 = beta_0 - sum_j beta_j cov_mean_j / cov_sd_j,
 *                     coef_j = beta_j / cov_sd_j,
 *                     cov(coef) = T cov(beta) T' for that linear map T
 *     null_deviance: mu = theta P with theta = sum y / sum P (exact MLE)
 *     pearson_dispersion = sum (y - mu)^2 / mu / (m - k)
 *     aic = -2 sum [y log mu - mu - lgamma(y + 1)] + 2 k
 *
 * Standardising does not change the IRLS path (the fitted values of each
 * weighted least-squares step only depend on the column space), so the
 * iterates are R's; it only makes A well conditioned.
 *
 * References: P. McCullagh and J. A. Nelder (1989), Generalized Linear
 * Models, 2nd ed., Chapman & Hall, section 2.5 (IRLS); R Core Team, stats
 * glm.fit and summary.glm (R 4.2.2).
 */
#include "wijkscan/analyse/glm.h"

#include "wijkscan/analyse/rates.h"
#include "wijkscan/core/mem.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A fitted rate below this fraction of theta means separation. */
#define SEPARATION_RATIO 1e-6
/* 1 - R^2 of a covariate on the ones before it below this is collinearity. */
#define COLLINEAR_TOL 1e-10

/* Working arrays of one fit (all owned). */
struct work {
    size_t m;      /* fitted rows */
    size_t k;      /* coefficients */
    size_t *row;   /* m original row indices */
    double *Z;     /* m x k design, row major */
    double *y;     /* m counts */
    double *off;   /* m offsets log P */
    double *eta;   /* m linear predictors (with offset) */
    double *mu;    /* m fitted means */
    double *A;     /* k x k: Z'WZ, then its Cholesky factor, then its inverse */
    double *rhs;   /* k */
    double *beta;  /* k current coefficients */
    double *beta0; /* k previous coefficients (step halving) */
    double sum_P;  /* population of the fitted rows */
    double theta;  /* sum y / sum_P */
};

static void work_release(struct work *w)
{
    free(w->row);
    free(w->Z);
    free(w->y);
    free(w->off);
    free(w->eta);
    free(w->mu);
    free(w->A);
    free(w->rhs);
    free(w->beta);
    free(w->beta0);
    memset(w, 0, sizeof(*w));
}

void ws_glm_result_init(struct ws_glm_result *res)
{
    memset(res, 0, sizeof(*res));
}

void ws_glm_result_release(struct ws_glm_result *res)
{
    if (!res)
        return;
    free(res->coef);
    free(res->se);
    free(res->z);
    free(res->p);
    free(res->coef_std);
    free(res->se_std);
    free(res->z_std);
    free(res->p_std);
    free(res->cov_mean);
    free(res->cov_sd);
    ws_glm_result_init(res);
}

static void result_alloc(struct ws_glm_result *res, size_t n_cov)
{
    size_t k = n_cov + 1;

    res->n_cov = n_cov;
    res->coef = ws_xcalloc(k, sizeof(double));
    res->se = ws_xcalloc(k, sizeof(double));
    res->z = ws_xcalloc(k, sizeof(double));
    res->p = ws_xcalloc(k, sizeof(double));
    res->coef_std = ws_xcalloc(k, sizeof(double));
    res->se_std = ws_xcalloc(k, sizeof(double));
    res->z_std = ws_xcalloc(k, sizeof(double));
    res->p_std = ws_xcalloc(k, sizeof(double));
    if (n_cov) {
        res->cov_mean = ws_xcalloc(n_cov, sizeof(double));
        res->cov_sd = ws_xcalloc(n_cov, sizeof(double));
    }
}

/* Name of covariate j for messages; buf holds the fallback "covariate N". */
static const char *cov_label(const char *const *cov_names, size_t j, char *buf, size_t size)
{
    if (cov_names && cov_names[j])
        return cov_names[j];
    (void)snprintf(buf, size, "covariate %zu", j + 1);
    return buf;
}

static bool row_complete(const double *const *cov, size_t n_cov, size_t i)
{
    size_t j;

    for (j = 0; j < n_cov; j++)
        if (!isfinite(cov[j][i]))
            return false;
    return true;
}

static double poisson_deviance(const double *y, const double *mu, size_t m)
{
    double dev = 0.0;
    size_t r;

    for (r = 0; r < m; r++)
        dev += y[r] > 0.0 ? y[r] * log(y[r] / mu[r]) - (y[r] - mu[r]) : mu[r];
    return 2.0 * dev;
}

/* eta = Z beta + off, mu = max(exp(eta), DBL_EPSILON) (R poisson linkinv);
 * returns the deviance. */
static double update_fit(struct work *w)
{
    size_t r;
    size_t c;
    double e;

    for (r = 0; r < w->m; r++) {
        e = w->off[r];
        for (c = 0; c < w->k; c++)
            e += w->Z[r * w->k + c] * w->beta[c];
        w->eta[r] = e;
        w->mu[r] = fmax(exp(e), DBL_EPSILON);
    }
    return poisson_deviance(w->y, w->mu, w->m);
}

/* One weighted least-squares step: A = Z'WZ (Cholesky-factored in place) and
 * beta = A^-1 Z'Wz.  Returns 0, or a GSL status when A is not positive
 * definite. */
static int wls_step(struct work *w)
{
    size_t k = w->k;
    size_t r;
    size_t a;
    size_t b;
    double wt;
    double z;
    gsl_matrix_view A = gsl_matrix_view_array(w->A, k, k);
    gsl_vector_view rhs = gsl_vector_view_array(w->rhs, k);
    gsl_vector_view beta = gsl_vector_view_array(w->beta, k);
    int status;

    for (a = 0; a < k * k; a++)
        w->A[a] = 0.0;
    for (a = 0; a < k; a++)
        w->rhs[a] = 0.0;
    for (r = 0; r < w->m; r++) {
        const double *zr = w->Z + r * k;

        wt = w->mu[r];
        z = w->eta[r] - w->off[r] + (w->y[r] - w->mu[r]) / w->mu[r];
        for (a = 0; a < k; a++) {
            for (b = 0; b <= a; b++)
                w->A[a * k + b] += wt * zr[a] * zr[b];
            w->rhs[a] += wt * zr[a] * z;
        }
    }
    for (a = 0; a < k; a++)
        for (b = a + 1; b < k; b++)
            w->A[a * k + b] = w->A[b * k + a];
    status = gsl_linalg_cholesky_decomp1(&A.matrix);
    if (status)
        return status;
    return gsl_linalg_cholesky_solve(&A.matrix, &rhs.vector, &beta.vector);
}

/* Index (into the covariates) of the largest standardised slope. */
static size_t largest_slope(const double *beta, size_t n_cov)
{
    size_t j;
    size_t best = 0;

    for (j = 1; j < n_cov; j++)
        if (fabs(beta[1 + j]) > fabs(beta[1 + best]))
            best = j;
    return best;
}

/* Picks the fitted rows (usable, covariates complete) and allocates w. */
static int select_rows(const double *O, const double *P, size_t n, const double *const *cov,
                       size_t n_cov, struct work *w, struct ws_err *err)
{
    size_t k = n_cov + 1;
    size_t m = 0;
    size_t i;
    size_t r = 0;

    for (i = 0; i < n; i++)
        if (ws_rates_usable(O[i], P[i]) && row_complete(cov, n_cov, i))
            m++;
    if (m == 0) {
        ws_err_set(err, WS_EDATA, "no area has a population > 0, a case count and every covariate");
        ws_err_hint(err, "check that the statistics and case tables share area codes and that the "
                         "covariate columns are filled");
        return WS_EDATA;
    }
    if (m < k) {
        ws_err_set(err, WS_EDATA,
                   "too few areas with complete data for the glm: %zu areas for %zu coefficients",
                   m, k);
        ws_err_hint(err, "use fewer covariates in [statistics] covariates");
        return WS_EDATA;
    }
    w->m = m;
    w->k = k;
    w->row = ws_xmalloc(ws_st_mult(m, sizeof(*w->row)));
    w->Z = ws_xmalloc(ws_st_mult(ws_st_mult(m, k), sizeof(*w->Z)));
    w->y = ws_xmalloc(ws_st_mult(m, sizeof(double)));
    w->off = ws_xmalloc(ws_st_mult(m, sizeof(double)));
    w->eta = ws_xmalloc(ws_st_mult(m, sizeof(double)));
    w->mu = ws_xmalloc(ws_st_mult(m, sizeof(double)));
    w->A = ws_xcalloc(k * k, sizeof(double));
    w->rhs = ws_xcalloc(k, sizeof(double));
    w->beta = ws_xcalloc(k, sizeof(double));
    w->beta0 = ws_xcalloc(k, sizeof(double));
    w->sum_P = 0.0;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i]) || !row_complete(cov, n_cov, i))
            continue;
        w->row[r] = i;
        w->y[r] = O[i];
        w->off[r] = log(P[i]);
        w->Z[r * k] = 1.0;
        w->sum_P += P[i];
        r++;
    }
    return WS_OK;
}

/* Centres and scales each covariate over the fitted rows into columns 1.. of
 * Z; fails on a constant covariate. */
static int standardise(const double *const *cov, const char *const *cov_names, size_t n_cov,
                       struct work *w, struct ws_glm_result *res, struct ws_err *err)
{
    size_t j;
    size_t r;
    double s;
    double ss;
    double d;
    char buf[32];
    const char *name;

    for (j = 0; j < n_cov; j++) {
        s = 0.0;
        for (r = 0; r < w->m; r++)
            s += cov[j][w->row[r]];
        res->cov_mean[j] = s / (double)w->m;
        ss = 0.0;
        for (r = 0; r < w->m; r++) {
            d = cov[j][w->row[r]] - res->cov_mean[j];
            ss += d * d;
        }
        res->cov_sd[j] = sqrt(ss / (double)(w->m - 1));
        if (!(res->cov_sd[j] > 1e-12 * fabs(res->cov_mean[j]))) {
            name = cov_label(cov_names, j, buf, sizeof(buf));
            ws_err_set(err, WS_EDATA, "covariate '%s' is constant over the %zu areas in the glm",
                       name, w->m);
            ws_err_hint(err,
                        "a constant covariate cannot explain differences between areas; "
                        "remove '%s' from [statistics] covariates",
                        name);
            return WS_EDATA;
        }
        for (r = 0; r < w->m; r++)
            w->Z[r * w->k + 1 + j] = (cov[j][w->row[r]] - res->cov_mean[j]) / res->cov_sd[j];
    }
    return WS_OK;
}

/* Modified Gram-Schmidt over the columns of Z: a column whose residual on the
 * columns before it is (almost) 0 is a linear combination of them. */
static int check_collinear(const struct work *w, const char *const *cov_names, struct ws_err *err)
{
    size_t m = w->m;
    size_t k = w->k;
    size_t c;
    size_t q;
    size_t r;
    double *Q = ws_xmalloc(ws_st_mult(ws_st_mult(m, k), sizeof(*Q)));
    double dot;
    double norm2;
    double orig2;
    char buf[32];
    const char *name;
    int rc = WS_OK;

    memcpy(Q, w->Z, m * k * sizeof(*Q));
    for (c = 0; c < k; c++) {
        for (q = 0; q < c; q++) {
            dot = 0.0;
            for (r = 0; r < m; r++)
                dot += Q[r * k + q] * Q[r * k + c];
            for (r = 0; r < m; r++)
                Q[r * k + c] -= dot * Q[r * k + q];
        }
        norm2 = 0.0;
        orig2 = 0.0;
        for (r = 0; r < m; r++) {
            norm2 += Q[r * k + c] * Q[r * k + c];
            orig2 += w->Z[r * k + c] * w->Z[r * k + c];
        }
        if (c > 0 && norm2 < COLLINEAR_TOL * orig2) {
            name = cov_label(cov_names, c - 1, buf, sizeof(buf));
            rc = ws_err_set(err, WS_EDATA,
                            "covariate '%s' is a linear combination of the covariates before it",
                            name);
            ws_err_hint(err,
                        "collinear covariates have no separate effects; remove '%s' (or one "
                        "it depends on) from [statistics] covariates",
                        name);
            goto out;
        }
        for (r = 0; r < m; r++)
            Q[r * k + c] /= sqrt(norm2);
    }
out:
    free(Q);
    return rc;
}

/* The IRLS loop; leaves the Cholesky factor of the last step in w->A. */
static int irls(struct work *w, const struct ws_glm_opts *opts, const char *const *cov_names,
                size_t n_cov, struct ws_glm_result *res, struct ws_err *err)
{
    double dev;
    double dev_old;
    bool have_old = false;
    size_t r;
    int iter;
    int halve;
    char buf[32];
    const char *name;

    for (r = 0; r < w->m; r++) {
        w->mu[r] = w->y[r] + 0.1;
        w->eta[r] = log(w->mu[r]);
    }
    dev_old = poisson_deviance(w->y, w->mu, w->m);
    for (iter = 1; iter <= opts->max_iter; iter++) {
        if (wls_step(w))
            return ws_err_set(err, WS_EDATA,
                              "the glm's weighted least-squares step became singular "
                              "(iteration %d)",
                              iter);
        dev = update_fit(w);
        for (halve = 1; !isfinite(dev); halve++) {
            if (!have_old || halve > opts->max_iter) {
                ws_err_set(err, WS_EDATA, "the glm found no finite fit (the deviance overflows)");
                ws_err_hint(err, "check the covariates for extreme values; a log transform may "
                                 "help");
                return WS_EDATA;
            }
            for (r = 0; r < w->k; r++)
                w->beta[r] = (w->beta[r] + w->beta0[r]) / 2.0;
            dev = update_fit(w);
        }
        res->iterations = iter;
        if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < opts->epsilon) {
            res->converged = true;
            res->deviance = dev;
            return WS_OK;
        }
        dev_old = dev;
        memcpy(w->beta0, w->beta, w->k * sizeof(*w->beta));
        have_old = true;
    }
    name = n_cov ? cov_label(cov_names, largest_slope(w->beta, n_cov), buf, sizeof(buf))
                 : "(intercept)";
    ws_err_set(err, WS_EDATA, "the poisson glm did not converge in %d iterations", opts->max_iter);
    ws_err_hint(err,
                "the largest coefficient is that of '%s': check it for extreme values or "
                "remove it from [statistics] covariates",
                name);
    return WS_EDATA;
}

/* A fitted rate far below theta: the MLE is at infinity (separation). */
static int check_separation(const struct work *w, const double *P, const char *const *cov_names,
                            size_t n_cov, struct ws_err *err)
{
    size_t r;
    char buf[32];
    const char *name;

    for (r = 0; r < w->m; r++) {
        if (w->mu[r] >= SEPARATION_RATIO * w->theta * P[w->row[r]])
            continue;
        name = n_cov ? cov_label(cov_names, largest_slope(w->beta, n_cov), buf, sizeof(buf))
                     : "(intercept)";
        ws_err_set(err, WS_EDATA,
                   "the poisson glm has no finite solution: the covariates separate areas "
                   "without cases (fitted rate near 0 for area %zu; largest coefficient: "
                   "covariate '%s')",
                   w->row[r], name);
        ws_err_hint(err,
                    "remove '%s' from [statistics] covariates, or merge categories with "
                    "few cases",
                    name);
        return WS_EDATA;
    }
    return WS_OK;
}

/* Standard errors, back-transform, z and p. */
static void finish_coefficients(struct work *w, struct ws_glm_result *res)
{
    size_t k = w->k;
    size_t a;
    size_t b;
    size_t j;
    gsl_matrix_view A = gsl_matrix_view_array(w->A, k, k);
    double *T = ws_xcalloc(k * k, sizeof(double));
    double *TC = ws_xcalloc(k * k, sizeof(double));
    double v;

    (void)gsl_linalg_cholesky_invert(&A.matrix); // w->A = cov(beta); A is positive definite
    // T maps standardised to original coefficients
    T[0] = 1.0;
    for (j = 0; j < res->n_cov; j++) {
        T[1 + j] = -res->cov_mean[j] / res->cov_sd[j];
        T[(1 + j) * k + 1 + j] = 1.0 / res->cov_sd[j];
    }
    for (a = 0; a < k; a++) {
        res->coef_std[a] = w->beta[a];
        res->se_std[a] = sqrt(w->A[a * k + a]);
        res->coef[a] = 0.0;
        for (b = 0; b < k; b++) {
            res->coef[a] += T[a * k + b] * w->beta[b];
            v = 0.0;
            for (j = 0; j < k; j++)
                v += T[a * k + j] * w->A[j * k + b];
            TC[a * k + b] = v;
        }
    }
    for (a = 0; a < k; a++) {
        v = 0.0;
        for (j = 0; j < k; j++)
            v += TC[a * k + j] * T[a * k + j];
        res->se[a] = sqrt(v);
        res->z[a] = res->coef[a] / res->se[a];
        res->p[a] = 2.0 * gsl_cdf_ugaussian_P(-fabs(res->z[a]));
        res->z_std[a] = res->coef_std[a] / res->se_std[a];
        res->p_std[a] = 2.0 * gsl_cdf_ugaussian_P(-fabs(res->z_std[a]));
    }
    free(T);
    free(TC);
}

/* Deviance of the null model, Pearson dispersion and AIC from the final mu. */
static void fit_summaries(struct work *w, const double *P, struct ws_glm_result *res)
{
    double pearson = 0.0;
    double loglik = 0.0;
    double d;
    size_t r;

    res->n_used = w->m;
    res->df_residual = w->m - w->k;
    res->df_null = w->m - 1;
    for (r = 0; r < w->m; r++) {
        d = w->y[r] - w->mu[r];
        pearson += d * d / w->mu[r];
        loglik +=
            (w->y[r] > 0.0 ? w->y[r] * log(w->mu[r]) : 0.0) - w->mu[r] - lgamma(w->y[r] + 1.0);
        w->mu[r] = w->theta * P[w->row[r]]; // the null model's fit
    }
    res->null_deviance = poisson_deviance(w->y, w->mu, w->m);
    res->pearson_dispersion = res->df_residual > 0 ? pearson / (double)res->df_residual : NAN;
    res->aic = -2.0 * loglik + 2.0 * (double)w->k;
}

static void write_expected(const double *P, size_t n, const double *const *cov, size_t n_cov,
                           double theta, const struct ws_glm_result *res, double *expected)
{
    size_t i;
    size_t j;
    double e;

    for (i = 0; i < n; i++) {
        if (!(isfinite(P[i]) && P[i] > 0.0) || !row_complete(cov, n_cov, i)) {
            expected[i] = NAN;
            continue;
        }
        if (n_cov == 0) {
            expected[i] = theta * P[i];
            continue;
        }
        e = log(P[i]) + res->coef_std[0];
        for (j = 0; j < n_cov; j++)
            e += res->coef_std[1 + j] * (cov[j][i] - res->cov_mean[j]) / res->cov_sd[j];
        expected[i] = exp(e);
    }
}

int ws_glm_fit(const double *O, const double *P, size_t n, const double *const *cov,
               const char *const *cov_names, size_t n_cov, const struct ws_glm_opts *opts,
               struct ws_glm_result *res, double *expected, struct ws_err *err)
{
    static const struct ws_glm_opts default_opts = WS_GLM_OPTS_INIT;
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    struct work w;
    double sum_y = 0.0;
    size_t r;
    int rc;

    memset(&w, 0, sizeof(w));
    ws_glm_result_release(res);
    if (!opts)
        opts = &default_opts;
    rc = ws_rates_check(O, P, n, err);
    if (rc)
        goto out;
    if (n_cov > 0 && !cov) {
        rc = ws_err_set(err, WS_EINTERNAL, "glm called with %zu covariates but no columns", n_cov);
        goto out;
    }
    result_alloc(res, n_cov);
    rc = select_rows(O, P, n, cov, n_cov, &w, err);
    if (rc)
        goto out;
    for (r = 0; r < w.m; r++)
        sum_y += w.y[r];
    if (sum_y == 0.0) {
        rc = ws_err_set(err, WS_EDATA,
                        "no cases in the %zu areas of the glm: the expected counts are all 0", w.m);
        ws_err_hint(err, "skip the glm for this year and category (expected = theta P = 0)");
        goto out;
    }
    w.theta = sum_y / w.sum_P;
    rc = standardise(cov, cov_names, n_cov, &w, res, err);
    if (!rc)
        rc = check_collinear(&w, cov_names, err);
    if (!rc)
        rc = irls(&w, opts, cov_names, n_cov, res, err);
    if (!rc)
        rc = check_separation(&w, P, cov_names, n_cov, err);
    if (rc)
        goto out;
    finish_coefficients(&w, res);
    fit_summaries(&w, P, res);
    if (expected)
        write_expected(P, n, cov, n_cov, w.theta, res, expected);
out:
    if (rc)
        ws_glm_result_release(res);
    work_release(&w);
    gsl_set_error_handler(old_handler);
    return rc;
}
