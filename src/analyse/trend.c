/*
 * trend.c - rate ratio between two years and the conditional binomial test
 * (see trend.h for the NAN rules).
 *
 * Symbols as in the code: O0, P0 the year before, O1, P1 this year.
 *
 *     trend_rr = (O1 / P1) / (O0 / P0)
 *     n_trials = O0 + O1,  p0 = P1 / (P0 + P1)
 *     under equal rates O1 | n_trials ~ Binomial(n_trials, p0)
 *     trend_p = two-sided exact binomial p-value of O1 (R binom.test):
 *         d = dbinom(x, n, p),  m = n p,  rel_err = 1 + 1e-7
 *         x == m:  1
 *         x <  m:  y = #{i in [ceil(m), n] : dbinom(i) <= d rel_err}
 *                  p = pbinom(x) + P(X > n - y)
 *         x >  m:  y = #{i in [0, floor(m)] : dbinom(i) <= d rel_err}
 *                  p = pbinom(y - 1) + P(X > x - 1)
 *         trend_p = min(1, p)
 *
 * The conditioning on the total removes the unknown common rate, so the test
 * is exact for two Poisson counts.
 *
 * References: J. Przyborowski and H. Wilenski (1940), Homogeneity of results
 * in testing samples from Poisson series, Biometrika 31, 313-323; the
 * two-sided rule (outcomes no more likely than the observed one) is R's
 * binom.test (R Core Team, stats, R 4.2.2).
 */
#include "wijkscan/analyse/trend.h"

#include "wijkscan/analyse/rates.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include <math.h>

static bool is_whole(double x)
{
    return isfinite(x) && x >= 0.0 && x == floor(x);
}

/* Number of outcomes i in [from, to] with dbinom(i, n, p) <= d. */
static unsigned int count_le(unsigned int from, unsigned int to, double d, double p, unsigned int n)
{
    unsigned int i;
    unsigned int y = 0;

    for (i = from;; i++) {
        if (gsl_ran_binomial_pdf(i, p, n) <= d)
            y++;
        if (i >= to) // not `i <= to` in the loop test: to may be UINT_MAX
            break;
    }
    return y;
}

double ws_trend_binom_test(double x, double n_trials, double p)
{
    const double rel_err = 1.0 + 1e-7;
    gsl_error_handler_t *old_handler;
    unsigned int xi;
    unsigned int n;
    unsigned int y;
    double d;
    double m;
    double pval;

    if (!is_whole(x) || !is_whole(n_trials) || n_trials < 1.0 || n_trials > 4294967295.0 ||
        x > n_trials || !(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0 || p == 1.0) // the only possible outcome is 0 or n
        return x == p * n_trials ? 1.0 : 0.0;
    xi = (unsigned int)x;
    n = (unsigned int)n_trials;
    m = n_trials * p;
    if (x == m)
        return 1.0;
    old_handler = gsl_set_error_handler_off();
    d = gsl_ran_binomial_pdf(xi, p, n) * rel_err;
    if (x < m) {
        y = count_le((unsigned int)ceil(m), n, d, p, n);
        // pbinom(n - y, lower.tail = FALSE) is P(X > n - y)
        pval = gsl_cdf_binomial_P(xi, p, n) + gsl_cdf_binomial_Q(n - y, p, n);
    } else {
        y = count_le(0, (unsigned int)floor(m), d, p, n);
        // x > m >= 0, so x >= 1; pbinom(-1) = 0
        pval = (y > 0 ? gsl_cdf_binomial_P(y - 1, p, n) : 0.0) + gsl_cdf_binomial_Q(xi - 1, p, n);
    }
    gsl_set_error_handler(old_handler);
    return pval < 1.0 ? pval : 1.0;
}

int ws_trend_binom(const double *O0, const double *P0, const double *O1, const double *P1, size_t n,
                   double *trend_rr, double *trend_p, struct ws_err *err)
{
    size_t i;
    int rc;

    rc = ws_rates_check(O0, P0, n, err);
    if (rc)
        return rc;
    rc = ws_rates_check(O1, P1, n, err);
    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        bool usable = ws_rates_usable(O0[i], P0[i]) && ws_rates_usable(O1[i], P1[i]);

        if (trend_rr)
            trend_rr[i] = usable && O0[i] > 0.0 ? (O1[i] / P1[i]) / (O0[i] / P0[i]) : NAN;
        if (trend_p)
            trend_p[i] = usable && O0[i] + O1[i] > 0.0
                             ? ws_trend_binom_test(O1[i], O0[i] + O1[i], P1[i] / (P0[i] + P1[i]))
                             : NAN;
    }
    return WS_OK;
}
