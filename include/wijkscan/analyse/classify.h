/*
 * classify.h - class breaks for choropleth maps (pure; checked against R
 * classInt).
 *
 * Input values may contain NAN (missing, suppressed): they are ignored, and so
 * are infinities.  Breaks are returned as n_classes + 1 ascending numbers
 * b[0] <= ... <= b[k] with b[0] = min and b[k] = max of the finite values
 * (box maps: the fences, see below).  A value v belongs to class i when
 * b[i] < v <= b[i+1], and the first class also holds v == b[0] (classInt's
 * intervalClosure = "right", include.lowest = TRUE).  Ties: quantile breaks
 * that coincide are merged, so fewer classes may come back; *n_out says how
 * many.
 *
 * Conventions beyond classInt (src/analyse/classify.c has the details):
 *   - k >= number of distinct values d (quantile, equal, jenks): like classInt
 *     (style "unique") every distinct value gets its own class, with breaks
 *     halfway between neighbouring values, so *n_out = d; unlike classInt the
 *     outer breaks are min and max, not padded.  One distinct value (also a
 *     single value) gives one class [v, v]; classInt refuses that.
 *   - box: always WS_CLASS_BOX_CLASSES (6) classes, 7 breaks
 *     [lo, lower fence, Q1, median, Q3, upper fence, hi] (fences at
 *     1.5 IQR, quartiles as R quantile type 7).  Outliers are the values
 *     strictly beyond a fence (GeoDa); so that the right-closed rule gives
 *     that, b[1] is the largest double below the lower fence (it prints as
 *     the fence).  lo = min when some value is below the lower fence, else
 *     lo = b[1], so the lower-outlier class is then the zero-width, empty
 *     class [b[1], b[1]]; likewise hi = max or the upper fence.  (classInt
 *     writes -Inf / +Inf there; we keep every break finite so legends and
 *     scales need no special case.)  Count with ws_class_count() rather
 *     than testing b[0] == b[1].
 *   - fixed: the user's breaks as given (strictly ascending, no NAN;
 *     -INFINITY / INFINITY allowed at the ends for open classes); values
 *     outside [b[0], b[k]] get class -1.
 *
 * The same breaks for several years.  Maps of different years compare only
 * when they share their breaks.  Compute the breaks once over the values of
 * all years pooled, with ws_classify_pooled() (or ws_classify() on the
 * concatenation), keep them, and classify every year's values with
 * ws_class_of() / ws_class_count() against those same breaks:
 *
 *     const double *years[3] = {v2022, v2023, v2024};
 *     size_t n_years[3] = {n2022, n2023, n2024};
 *     double b[8];
 *     size_t k;
 *     if (ws_classify_pooled(years, n_years, 3, WS_CLASS_QUANTILE, 7, NULL, 0, b, &k, err))
 *         return err->code;
 *     for each year y: colour area i with class ws_class_of(v_y[i], b, k);
 *                      legend counts from ws_class_count(v_y, n_y, b, k, counts, NULL)
 *
 * Every value of every year then falls in a class (b[0] and b[k] are the
 * pooled min and max); a quantile class of one year need not hold 1/k of
 * that year's areas, which is the point: colours mean the same range on
 * every map.  For a later year that was not in the pool, values beyond the
 * pooled range get class -1 (draw them as "outside the legend").
 */
#ifndef WIJKSCAN_CLASSIFY_H
#define WIJKSCAN_CLASSIFY_H

#include "wijkscan/core/err.h"

#include <stddef.h>

enum ws_class_method {
    WS_CLASS_QUANTILE = 0, /* classInt style = "quantile" (R quantile type 7) */
    WS_CLASS_EQUAL,        /* style = "equal" */
    WS_CLASS_JENKS,        /* Fisher-Jenks optimal breaks, style = "fisher" */
    WS_CLASS_BOX,          /* box map: hinge 1.5 (GeoDa): 6 classes */
    WS_CLASS_FIXED,        /* breaks given by the user */
};

/* Number of classes of a box map: lower outliers, < 25%, 25-50%, 50-75%,
 * > 75%, upper outliers. */
#define WS_CLASS_BOX_CLASSES 6

/* "quantile" "equal" "jenks" "box" "fixed" -> method; -1 if unknown. */
int ws_class_method_parse(const char *name);
/* The name ws_class_method_parse() accepts; "?" for an invalid value. */
const char *ws_class_method_name(enum ws_class_method m);

/* Computes breaks for `n_classes` classes (box: always 6, see the .c file).
 * `fixed` (n_fixed values) is used only for WS_CLASS_FIXED.  `breaks` must
 * hold n_classes + 1 doubles (box: 7).  Fewer than 1 finite value, or
 * n_classes < 1, is WS_EDATA with a message.
 *
 * Box: n_classes is not used (the result always has 6 classes).  Fixed: the
 * result has n_fixed - 1 classes, so n_classes must be at least n_fixed - 1
 * (WS_EINTERNAL otherwise: `breaks` would be too small); fewer than 2 fixed
 * breaks, a NAN break or breaks that are not strictly ascending are WS_EDATA.
 * On success breaks[0..*n_out] are set and *n_out <= n_classes (box: 6); on
 * failure `breaks` and *n_out are unchanged.  Allocates only scratch memory
 * (freed before returning); cost O(n log n) for every method, Jenks
 * O(k n log n) (about 5 ms for 14,500 values and k = 7). */
int ws_classify(const double *values, size_t n, enum ws_class_method method, size_t n_classes,
                const double *fixed, size_t n_fixed, double *breaks, size_t *n_out,
                struct ws_err *err);

/* ws_classify() over the values of n_sets arrays pooled (values[s] holds
 * n_values[s] numbers; a NULL array with count 0 is allowed), e.g. one array
 * per year, so that the maps of all years share one set of breaks (see the
 * file comment).  Same arguments, errors and results as ws_classify(). */
int ws_classify_pooled(const double *const *values, const size_t *n_values, size_t n_sets,
                       enum ws_class_method method, size_t n_classes, const double *fixed,
                       size_t n_fixed, double *breaks, size_t *n_out, struct ws_err *err);

/* The class of v for breaks b[0..n_classes] (rule above), or -1 for NAN or a
 * value outside [b[0], b[n]]. */
int ws_class_of(double v, const double *breaks, size_t n_classes);

/* Counts the values of each class: counts[0..n_classes-1] (caller-owned, set
 * here).  Values with class -1 (NAN, or outside the breaks) are counted in
 * *n_unclassed when it is not NULL. */
void ws_class_count(const double *values, size_t n, const double *breaks, size_t n_classes,
                    size_t *counts, size_t *n_unclassed);

#endif
