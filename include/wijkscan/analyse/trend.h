/*
 * trend.h - change of the rate between two years (README, data dictionary:
 * trend_rr, trend_p).
 *
 * O0, P0 are the cases and population of "the year before", O1, P1 those of
 * "this year", per area (plain arrays of n, borrowed; outputs caller-owned
 * arrays of n doubles; missing values NAN).  Counts and populations are
 * checked as in rates.h (WS_EDATA naming the area; nothing written on
 * failure).
 *
 * NAN rules, per area:
 *   - both outputs are NAN unless both years are usable (ws_rates_usable():
 *     count present, population finite and > 0);
 *   - trend_rr = (O1 / P1) / (O0 / P0) is NAN when O0 == 0: the rate ratio
 *     against a zero rate is undefined (+Inf for O1 > 0, 0/0 for O1 == 0),
 *     and a NAN keeps infinities out of maps, classifications and sorts;
 *     O1 == 0 < O0 gives 0;
 *   - trend_p is defined whenever O0 + O1 > 0 (also when O0 == 0) and NAN
 *     when O0 + O1 == 0 (no cases in either year: nothing to test; R's
 *     binom.test refuses n = 0).
 */
#ifndef WIJKSCAN_TREND_H
#define WIJKSCAN_TREND_H

#include "wijkscan/core/err.h"

#include <stddef.h>

/* Conditional binomial test of equal rates.  Given the total n = O0 + O1, O1
 * is Binomial(n, p0) with p0 = P1 / (P0 + P1) when the two rates are equal;
 * trend_p[i] is the two-sided exact p-value ws_trend_binom_test(O1, n, p0).
 * trend_rr and trend_p as in the NAN rules above; either may be NULL. */
int ws_trend_binom(const double *O0, const double *P0, const double *O1, const double *P1, size_t n,
                   double *trend_rr, double *trend_p, struct ws_err *err);

/* Two-sided p-value of the exact binomial test of x successes in n_trials
 * trials against probability p, exactly as R binom.test(x, n, p)$p.value
 * (R 4.2.2): with d = dbinom(x, n, p) and m = n p, the probability of every
 * outcome y with dbinom(y, n, p) <= d (1 + 1e-7) on the other side of m, plus
 * the tail from x outward; 1 when x == m; min(1, ...).  For p == 0 or 1 the
 * p-value is 1 when x is the only possible outcome and 0 otherwise.  Returns
 * NAN unless x and n_trials are whole numbers with 0 <= x <= n_trials,
 * 1 <= n_trials < 2^32 and 0 <= p <= 1.  Cost: O(n_trials). */
double ws_trend_binom_test(double x, double n_trials, double p);

#endif
