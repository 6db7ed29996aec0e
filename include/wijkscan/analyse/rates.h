/*
 * rates.h - crude rates, exact Poisson intervals, ratio to the study average,
 * Choynowski probabilities and observed/expected ratios (README: data dictionary).
 *
 * All functions work on plain arrays of n areas: O[i] = cases, P[i] =
 * population at risk.  Arrays are borrowed (read only during the call); output
 * arrays are caller-owned and must hold n doubles.  Missing values are NAN.
 *
 * An area is *usable* when O[i] is not NAN and P[i] is finite and > 0 (see
 * ws_rates_usable()).  Every per-area output of an area that is not usable is
 * NAN, and such an area never enters a sum (theta and the like): zero or
 * missing populations are excluded, never divided by.
 *
 * Input checks (all functions taking O and P, see ws_rates_check()): a count
 * must be NAN or a finite whole number >= 0, a population NAN or finite and
 * >= 0 (0 is allowed and means "no data"); anything else fails with WS_EDATA
 * naming the 0-based area index, and nothing is written.
 *
 * Units: rates and their intervals are per 1000 (WS_RATES_PER); theta is per
 * person (cases / population).  Intervals are 95% (WS_RATES_CONF).
 */
#ifndef WIJKSCAN_RATES_H
#define WIJKSCAN_RATES_H

#include "wijkscan/core/err.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define WS_RATES_PER  1000.0 /* rates are per 1000 population */
#define WS_RATES_CONF 0.95   /* confidence level of every interval */

/* True when area (O, P) has a rate: O not NAN, P finite and > 0. */
static inline bool ws_rates_usable(double O, double P)
{
    return !isnan(O) && isfinite(P) && P > 0.0;
}

/* Checks the input rules above for n areas.  O or P may be NULL (not
 * checked).  Returns WS_OK or WS_EDATA ("case count of area 7 is negative
 * (-3)", with a hint). */
int ws_rates_check(const double *O, const double *P, size_t n, struct ws_err *err);

/* Exact (Garwood 1936) two-sided interval for the mean of a Poisson count O at
 * level conf_level (0 < conf_level < 1):
 *     lo = qchisq((1 - conf_level) / 2, 2 O) / 2   (0 when O = 0)
 *     hi = qchisq((1 + conf_level) / 2, 2 (O + 1)) / 2
 * as R poisson.test(O)$conf.int.  O must be a finite whole number >= 0 and
 * conf_level in (0, 1), else *lo = *hi = NAN and WS_EDATA is returned. */
int ws_rates_poisson_ci(double O, double conf_level, double *lo, double *hi, struct ws_err *err);

/* rate_per_1000[i] = 1000 O/P and its Garwood 95% interval
 * [ci_low, ci_high] = 1000 [lo(O), hi(O)] / P.  NAN for areas that are not
 * usable.  ci_low and ci_high may be NULL (not computed). */
int ws_rates_crude(const double *O, const double *P, size_t n, double *rate_per_1000,
                   double *ci_low, double *ci_high, struct ws_err *err);

/* *theta = sum O / sum P over the usable areas (per person).  NAN when no
 * area is usable. */
int ws_rates_theta(const double *O, const double *P, size_t n, double *theta, struct ws_err *err);

/* expected[i] = theta P[i] for every area with P finite and > 0 (O is not
 * looked at), NAN otherwise.  The model-free expected count, used when a
 * study has no covariates.  theta NAN gives all NAN. */
int ws_rates_expected_theta(const double *P, size_t n, double theta, double *expected,
                            struct ws_err *err);

/* For every usable area, with E = theta P[i]:
 *     ratio_avg[i] = O / E
 *     poisson_p[i] = Choynowski probability, see ws_rates_choynowski()
 * theta is normally ws_rates_theta() of the same arrays.  ratio_avg is NAN
 * when E == 0 (theta 0: no cases at all) and both are NAN when theta is NAN
 * or negative and for areas that are not usable.  Either output may be NULL. */
int ws_rates_ratio_avg(const double *O, const double *P, size_t n, double theta, double *ratio_avg,
                       double *poisson_p, struct ws_err *err);

/* Choynowski (1959) probability of a count at least this far from E, one tail
 * toward O, as R spdep::choynowski(n = O, x = P)$pmap (spdep 1.2-7, default
 * legacy = FALSE):
 *     O <  E:  P(X <= O | X ~ Poisson(E))         (spdep type = TRUE)
 *     O >= E:  P(X >= O | X ~ Poisson(E))         (spdep type = FALSE)
 * spdep computes the upper tail as 1 - ppois(O - 1, E), which loses all
 * relative precision below about 1e-15; this computes the same tail directly
 * (R ppois(O - 1, E, lower.tail = FALSE)), so the two agree to about 1e-16
 * absolute and tiny probabilities are accurate here.  Returns NAN when O is
 * not a whole number >= 0 or E is NAN or negative. */
double ws_rates_choynowski(double O, double E);

/* Observed / expected with an exact interval, for every area where O is not
 * NAN and expected[i] is finite and > 0 (else NAN):
 *     oe[i] = O / expected[i],  [ci_low, ci_high] = [lo(O), hi(O)] / expected[i]
 * with [lo, hi] the Garwood 95% interval of O.  O is checked as above;
 * expected must be NAN or finite >= 0 (else WS_EDATA).  ci_low and ci_high
 * may be NULL. */
int ws_rates_oe(const double *O, const double *expected, size_t n, double *oe, double *ci_low,
                double *ci_high, struct ws_err *err);

/* The privacy rule for the model (README: Privacy; see protect.h): a
 * Poisson GLM with an intercept reproduces the observed total over the
 * buurten it was fitted on, so publishing its `expected` values (or its
 * coefficients) together with theta reveals the total count over the buurten
 * with a population but no complete covariate profile.  When that total is
 * below min_count (0 included) it is a small cell in its own right, and the
 * model's figures of that year and category are withheld.  Returns true
 * then: some i has P[i] > 0 and E[i] NaN, and the sum of their O is below
 * min_count.  Pure; O, P, E hold n values. */
bool ws_rates_model_withheld(const double *O, const double *P, const double *E, size_t n,
                             long min_count);

#endif
