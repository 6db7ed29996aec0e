/*
 * multiple.h - multiple-testing adjustment of p-values.
 */
#ifndef WIJKSCAN_MULTIPLE_H
#define WIJKSCAN_MULTIPLE_H

#include "wijkscan/core/err.h"

#include <stddef.h>

/* Benjamini-Hochberg adjusted p-values (false discovery rate), as R
 * p.adjust(p, method = "BH"): with the m non-NaN p sorted decreasing,
 * p_adj(k) = min(1, min_{j >= k} m / j * p_(j)) for rank k.  NaN entries are
 * skipped (their p_adj is NaN, and they do not count in m), as R's NA.
 * p and p_adj are borrowed arrays of n entries; p_adj may be p (in place).
 * Fails with WS_EDATA (p_adj unchanged) when a p is outside [0, 1]. */
int ws_multiple_bh(const double *p, size_t n, double *p_adj, struct ws_err *err);

#endif
