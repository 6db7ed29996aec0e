/*
 * glm.h - Poisson regression for expected counts (README, data dictionary:
 * `expected`).
 *
 * Model: O_i ~ Poisson(mu_i), log mu_i = log P_i + b_0 + sum_j b_j x_ij (log
 * link, offset log P), fitted by iteratively reweighted least squares exactly
 * as R glm(O ~ x1 + ... + offset(log(P)), family = poisson) with the default
 * glm.control(epsilon = 1e-8, maxit = 25): same start (mu = O + 0.1), same
 * convergence test |dev - dev_old| / (|dev| + 0.1) < epsilon, same step
 * halving, and standard errors from the inverse Fisher information of the
 * last weighted least-squares step (as summary.glm, dispersion 1).  The
 * covariates are centred and scaled (mean 0, sd 1 with the n - 1 divisor) over
 * the fitted rows before fitting; coefficients are reported on that scale and
 * back-transformed to the original units (the two parametrisations have the
 * same fit and deviance).
 *
 * Rows: the fit uses the rows that are usable (ws_rates_usable(): count
 * present, P finite and > 0) and have every covariate finite (NAN, +-Inf are
 * missing).  `expected` is written for every row with P finite and > 0 and
 * every covariate finite (also when its count is missing), NAN for the rest.
 * Without covariates expected = theta P exactly (theta = sum O / sum P over
 * the fitted rows, the intercept-only MLE; see also ws_rates_expected_theta()).
 *
 * Failures (WS_EDATA, with a message naming the covariate and a hint; `res`
 * is left released and `expected` is not written):
 *   - invalid counts or populations (as rates.h);
 *   - no row, or fewer rows than coefficients, with complete data;
 *   - no cases at all in the fitted rows (the MLE is mu = 0, log mu = -Inf);
 *   - a covariate constant over the fitted rows ("covariate 'x' is constant");
 *   - a covariate that is a linear combination of the ones before it;
 *   - no convergence within max_iter iterations, a deviance that stays
 *     infinite, or separation: a fitted rate below 1e-6 times the average
 *     rate theta, which happens when a covariate separates areas without
 *     cases so that its coefficient runs off to infinity (R's glm "converges"
 *     there with fitted rates near 0 and huge standard errors).
 */
#ifndef WIJKSCAN_GLM_H
#define WIJKSCAN_GLM_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_glm_opts {
    double epsilon; /* relative deviance change that stops IRLS (R: 1e-8) */
    int max_iter;   /* iterations before giving up (R: 25) */
};

#define WS_GLM_OPTS_INIT                                                                           \
    {                                                                                              \
        1e-8, 25                                                                                   \
    }

/*
 * A fitted model.  Arrays of k = n_cov + 1 coefficients are indexed
 * [0] = intercept, [1 + j] = covariate j.  All arrays are owned by the
 * struct (free with ws_glm_result_release()).
 */
struct ws_glm_result {
    size_t n_cov;              /* number of covariates; k = n_cov + 1 */
    size_t n_used;             /* rows in the fit */
    double *coef;              /* k coefficients in the original units */
    double *se;                /* k standard errors, original units */
    double *z;                 /* k Wald z = coef / se */
    double *p;                 /* k two-sided p-values 2 Phi(-|z|) */
    double *coef_std;          /* k coefficients on the standardised scale */
    double *se_std;            /* k standard errors, standardised scale */
    double *z_std;             /* k (equal to z except for the intercept) */
    double *p_std;             /* k */
    double *cov_mean;          /* n_cov means over the fitted rows (NULL if n_cov 0) */
    double *cov_sd;            /* n_cov standard deviations, n - 1 divisor */
    double deviance;           /* residual deviance */
    double null_deviance;      /* deviance of the intercept-only model, same offset */
    double pearson_dispersion; /* sum (O - mu)^2 / mu / df_residual; NAN if df 0 */
    double aic;                /* -2 log-likelihood + 2 k, as R AIC() */
    size_t df_residual;        /* n_used - k */
    size_t df_null;            /* n_used - 1 */
    int iterations;            /* IRLS iterations (R fit$iter) */
    bool converged;            /* always true when ws_glm_fit() returned WS_OK */
};

/* Zeroes res (no allocation). */
void ws_glm_result_init(struct ws_glm_result *res);
/* Frees the arrays and re-initialises res; a zeroed or initialised res is fine. */
void ws_glm_result_release(struct ws_glm_result *res);

/*
 * Fits the model to n rows.  O, P: counts and populations (borrowed).  cov:
 * n_cov borrowed columns, cov[j][i] = covariate j of row i (cov may be NULL
 * when n_cov is 0).  cov_names: n_cov names used in error messages (borrowed,
 * may be NULL: "covariate 1", ...).  opts: NULL for WS_GLM_OPTS_INIT.  res
 * must be initialised; it is released and overwritten.  expected: n doubles
 * (caller-owned) or NULL.  Returns WS_OK, or WS_EDATA as listed above.
 */
int ws_glm_fit(const double *O, const double *P, size_t n, const double *const *cov,
               const char *const *cov_names, size_t n_cov, const struct ws_glm_opts *opts,
               struct ws_glm_result *res, double *expected, struct ws_err *err);

#endif
