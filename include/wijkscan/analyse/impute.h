/*
 * impute.h - missing covariate values of the model, filled from the areas
 * around a buurt.
 *
 * CBS leaves a covariate empty where a buurt is too small to publish it, so
 * in a region or the whole country some buurten with children have no
 * complete profile.  Left out of the model, they would give their case total
 * away: a Poisson GLM with an intercept reproduces the total of the buurten
 * it is fitted on, and the study total is known (README: Privacy).  So the
 * model fills such a value with the mean of the same covariate over the
 * other buurten of its wijk, weighted by their population; in a wijk where
 * no buurt has the value, over its gemeente; where none of the gemeente
 * has it, over the study.  Pure computation over arrays.
 */
#ifndef WIJKSCAN_IMPUTE_H
#define WIJKSCAN_IMPUTE_H

#include <stdbool.h>
#include <stddef.h>

/* No group (a buurt without a wijk or gemeente). */
#define WS_IMPUTE_NO_GROUP ((size_t)-1)

/* Fills x[i] where it is NaN and w[i] > 0 with the w-weighted mean of x over
 * the areas j with w[j] > 0 and a finite x[j] that share i's first group
 * (wijk[i]), else its second (gemeente[i]), else over all such areas.  Group
 * ids are below n_wijk and n_gemeente, or WS_IMPUTE_NO_GROUP.  Areas without
 * a positive weight keep their NaN.  Sets imputed[i] for each value filled
 * (imputed may be NULL) and returns how many were filled; a value stays NaN
 * only when no area has one. */
size_t ws_impute_group_mean(double *x, const double *w, size_t n, const size_t *wijk, size_t n_wijk,
                            const size_t *gemeente, size_t n_gemeente, bool *imputed);

/* Group ids of n keys (strings, NULL: WS_IMPUTE_NO_GROUP): equal keys get
 * the same id, ids count from 0 in the keys' byte order.  Returns the number
 * of groups. */
size_t ws_impute_group_ids(const char *const *keys, size_t n, size_t *id);

#endif
