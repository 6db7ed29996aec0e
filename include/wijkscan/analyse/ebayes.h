/*
 * ebayes.h - empirical Bayes smoothed rates (README, data dictionary: eb_rate,
 * seb_rate).
 *
 * Global EB is Marshall's (1991) method of moments as R spdep::EBest(n, x,
 * family = "poisson"); local (spatial) EB uses moments over each area and its
 * neighbours as spdep::EBlocal(ri, ni, nb, geoda = TRUE) (spdep 1.2-7).  The
 * formulas are in ebayes.c.
 *
 * Arrays are borrowed; outputs are caller-owned arrays of n doubles.  Only
 * usable areas (ws_rates_usable(): O not NAN, P finite and > 0) take part:
 * every other area gets NAN and does not enter the moments of any other area
 * (as running spdep on the usable areas only, with the neighbour list cut down
 * by spdep::subset.nb).  Counts and populations are checked as in rates.h
 * (WS_EDATA naming the area otherwise; nothing is written on failure).
 *
 * Units: smoothed rates are per 1000 (WS_RATES_PER).  The moment parameters
 * (a, b, m) are per person, exactly as spdep reports them in
 * attr(, "parameters").
 *
 * Where spdep divides 0 by 0 (the prior variance is clamped to 0 *and* the
 * prior mean is 0, i.e. no cases at all in the reference set) the shrinkage
 * factor is taken as 0, so the smoothed rate is the prior mean (0) where spdep
 * returns NaN.
 */
#ifndef WIJKSCAN_EBAYES_H
#define WIJKSCAN_EBAYES_H

#include "wijkscan/core/err.h"

#include <stddef.h>

/* Global EB.  eb_rate_per_1000[i] = 1000 * spdep EBest(...)$estmm for each
 * usable area, NAN otherwise.  *a and *b (either may be NULL) receive the
 * prior variance (clamped at 0) and mean, per person; both NAN when no area is
 * usable (then every output is NAN and WS_OK is returned). */
int ws_ebayes_global(const double *O, const double *P, size_t n, double *eb_rate_per_1000,
                     double *a, double *b, struct ws_err *err);

/* Local (spatial) EB as EBlocal(geoda = TRUE).  The neighbours of area i are
 * nb_idx[nb_start[i] .. nb_start[i+1]) (CSR, as struct ws_weights in
 * weights.h; nb_start has n + 1 entries and nb_start[0] == 0; any order; no
 * duplicates).  Each area's reference set is itself plus its usable
 * neighbours; an entry equal to i is ignored (i is always included once), and
 * an area whose neighbours are all excluded (or an island) is smoothed
 * towards its own rate.  seb_rate_per_1000[i] = 1000 * EBlocal(...)$est;
 * a_local and m_local (either may be NULL) receive spdep's
 * attr(, "parameters")$a and $m (per person).  All NAN for areas that are not
 * usable.  A neighbour index >= n or decreasing nb_start fails with WS_EDATA. */
int ws_ebayes_local(const double *O, const double *P, size_t n, const size_t *nb_start,
                    const size_t *nb_idx, double *seb_rate_per_1000, double *a_local,
                    double *m_local, struct ws_err *err);

#endif
