/*
 * rates.c - crude rates, Garwood intervals, ratio to the average, Choynowski
 * probabilities and O/E ratios (see rates.h for the NAN rules).
 *
 * Symbols as in the code: O = cases, P = population at risk of one area,
 * theta = study-wide rate, E = expected count, conf = confidence level.
 *
 *     rate_per_1000 = 1000 O / P
 *     lo = qchisq((1 - conf) / 2, 2 O) / 2   (lo = 0 for O = 0)
 *     hi = qchisq((1 + conf) / 2, 2 (O + 1)) / 2
 *     rate_ci_low = 1000 lo / P,  rate_ci_high = 1000 hi / P
 *     theta = sum_i O_i / sum_i P_i   (usable areas only)
 *     E = theta P,  ratio_avg = O / E
 *     poisson_p = P(X <= O | E) if O < E, else P(X >= O | E), X ~ Poisson(E)
 *     oe = O / expected,  oe_ci = [lo, hi] / expected
 *
 * The Poisson tails are regularised incomplete gamma functions, as in R's
 * ppois: P(X <= O) = Q(O + 1, E) and P(X >= O) = P(O, E) for O >= 1.
 *
 * References: F. Garwood (1936), Fiducial limits for the Poisson distribution,
 * Biometrika 28, 437-442.  M. Choynowski (1959), Maps based on probabilities,
 * J. Am. Stat. Assoc. 54, 385-388; as implemented in R spdep::choynowski
 * (Bivand, spdep 1.2-7).
 */
#include "wijkscan/analyse/rates.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include <math.h>

static bool is_count(double O)
{
    return isfinite(O) && O >= 0.0 && O == floor(O);
}

int ws_rates_check(const double *O, const double *P, size_t n, struct ws_err *err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (O && !isnan(O[i]) && !is_count(O[i])) {
            ws_err_set(err, WS_EDATA, "case count of area %zu is not a whole number >= 0 (%g)", i,
                       O[i]);
            ws_err_hint(err, "case counts must be whole numbers >= 0; leave a count empty when "
                             "it is missing");
            return WS_EDATA;
        }
        if (P && !isnan(P[i]) && !(isfinite(P[i]) && P[i] >= 0.0)) {
            ws_err_set(err, WS_EDATA, "population at risk of area %zu is not a number >= 0 (%g)", i,
                       P[i]);
            ws_err_hint(err, "populations must be >= 0; a missing population reads as empty or "
                             "a CBS no-data marker");
            return WS_EDATA;
        }
    }
    return WS_OK;
}

/* Garwood interval without argument checks; O a whole number >= 0. */
static void garwood(double O, double conf_level, double *lo, double *hi)
{
    double alpha = 1.0 - conf_level;

    *lo = O == 0.0 ? 0.0 : gsl_cdf_chisq_Pinv(alpha / 2.0, 2.0 * O) / 2.0;
    *hi = gsl_cdf_chisq_Pinv(1.0 - alpha / 2.0, 2.0 * (O + 1.0)) / 2.0;
}

int ws_rates_poisson_ci(double O, double conf_level, double *lo, double *hi, struct ws_err *err)
{
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    int rc = WS_OK;

    *lo = NAN;
    *hi = NAN;
    if (!is_count(O)) {
        rc = ws_err_set(err, WS_EDATA, "case count is not a whole number >= 0 (%g)", O);
        goto out;
    }
    if (!(conf_level > 0.0 && conf_level < 1.0)) {
        rc = ws_err_set(err, WS_EDATA, "confidence level %g is not between 0 and 1", conf_level);
        goto out;
    }
    garwood(O, conf_level, lo, hi);
out:
    gsl_set_error_handler(old_handler);
    return rc;
}

int ws_rates_crude(const double *O, const double *P, size_t n, double *rate_per_1000,
                   double *ci_low, double *ci_high, struct ws_err *err)
{
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    double lo;
    double hi;
    size_t i;
    int rc;

    rc = ws_rates_check(O, P, n, err);
    if (rc)
        goto out;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i])) {
            rate_per_1000[i] = NAN;
            if (ci_low)
                ci_low[i] = NAN;
            if (ci_high)
                ci_high[i] = NAN;
            continue;
        }
        rate_per_1000[i] = WS_RATES_PER * O[i] / P[i];
        if (!ci_low && !ci_high)
            continue;
        garwood(O[i], WS_RATES_CONF, &lo, &hi);
        if (ci_low)
            ci_low[i] = lo * WS_RATES_PER / P[i];
        if (ci_high)
            ci_high[i] = hi * WS_RATES_PER / P[i];
    }
out:
    gsl_set_error_handler(old_handler);
    return rc;
}

int ws_rates_theta(const double *O, const double *P, size_t n, double *theta, struct ws_err *err)
{
    double sum_O = 0.0;
    double sum_P = 0.0;
    size_t i;
    int rc;

    rc = ws_rates_check(O, P, n, err);
    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i]))
            continue;
        sum_O += O[i];
        sum_P += P[i];
    }
    *theta = sum_P > 0.0 ? sum_O / sum_P : NAN;
    return WS_OK;
}

int ws_rates_expected_theta(const double *P, size_t n, double theta, double *expected,
                            struct ws_err *err)
{
    size_t i;
    int rc;

    rc = ws_rates_check(NULL, P, n, err);
    if (rc)
        return rc;
    for (i = 0; i < n; i++)
        expected[i] = isfinite(P[i]) && P[i] > 0.0 ? theta * P[i] : NAN;
    return WS_OK;
}

double ws_rates_choynowski(double O, double E)
{
    gsl_error_handler_t *old_handler;
    double p;

    if (!is_count(O) || !(E >= 0.0) || !isfinite(E))
        return NAN;
    if (O >= E && O == 0.0)
        return 1.0; // P(X >= 0)
    old_handler = gsl_set_error_handler_off();
    if (O < E)
        p = gsl_cdf_gamma_Q(E, O + 1.0, 1.0); // P(X <= O)
    else
        p = gsl_cdf_gamma_P(E, O, 1.0); // P(X >= O), O >= 1
    gsl_set_error_handler(old_handler);
    return p;
}

int ws_rates_ratio_avg(const double *O, const double *P, size_t n, double theta, double *ratio_avg,
                       double *poisson_p, struct ws_err *err)
{
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    bool theta_ok = isfinite(theta) && theta >= 0.0;
    double E;
    size_t i;
    int rc;

    rc = ws_rates_check(O, P, n, err);
    if (rc)
        goto out;
    for (i = 0; i < n; i++) {
        if (!theta_ok || !ws_rates_usable(O[i], P[i])) {
            if (ratio_avg)
                ratio_avg[i] = NAN;
            if (poisson_p)
                poisson_p[i] = NAN;
            continue;
        }
        E = theta * P[i];
        if (ratio_avg)
            ratio_avg[i] = E > 0.0 ? O[i] / E : NAN;
        if (poisson_p)
            poisson_p[i] = ws_rates_choynowski(O[i], E);
    }
out:
    gsl_set_error_handler(old_handler);
    return rc;
}

int ws_rates_oe(const double *O, const double *expected, size_t n, double *oe, double *ci_low,
                double *ci_high, struct ws_err *err)
{
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    double lo;
    double hi;
    size_t i;
    int rc;

    // expected obeys the population rule: NAN or finite >= 0
    rc = ws_rates_check(O, NULL, n, err);
    if (rc)
        goto out;
    for (i = 0; i < n; i++) {
        if (!isnan(expected[i]) && !(isfinite(expected[i]) && expected[i] >= 0.0)) {
            rc = ws_err_set(err, WS_EDATA, "expected count of area %zu is not a number >= 0 (%g)",
                            i, expected[i]);
            goto out;
        }
    }
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], expected[i])) {
            oe[i] = NAN;
            if (ci_low)
                ci_low[i] = NAN;
            if (ci_high)
                ci_high[i] = NAN;
            continue;
        }
        oe[i] = O[i] / expected[i];
        if (!ci_low && !ci_high)
            continue;
        garwood(O[i], WS_RATES_CONF, &lo, &hi);
        if (ci_low)
            ci_low[i] = lo / expected[i];
        if (ci_high)
            ci_high[i] = hi / expected[i];
    }
out:
    gsl_set_error_handler(old_handler);
    return rc;
}

bool ws_rates_model_withheld(const double *O, const double *P, const double *E, size_t n,
                             long min_count)
{
    double sum = 0.0;
    size_t n_out = 0;

    for (size_t i = 0; i < n; i++) {
        if (!(P[i] > 0) || !isnan(E[i]))
            continue;
        n_out++;
        sum += isnan(O[i]) ? 0.0 : O[i];
    }
    return n_out > 0 && sum < (double)min_count;
}
