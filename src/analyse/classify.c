/*
 * classify.c - class breaks for choropleth maps, as R classInt 0.4.9.
 *
 * All methods work on x[0..n-1], the finite input values sorted ascending
 * (NAN and infinities dropped), with d distinct values and k requested
 * classes.  Breaks b[0..k]; class i is (b[i], b[i+1]], the first class also
 * holds b[0] (classInt intervalClosure = "right").
 *
 *   quantile  b[i] = Q(p_i), p_i = min(i * (1 / k), 1) (R's seq(0, 1, 1/k)),
 *             R quantile type 7 (Hyndman and Fan 1996, definition 7):
 *                 h = 1 + (n - 1) p,  lo = floor(h),  hi = ceil(h)
 *                 Q = x[lo]                                  if x[hi] == x[lo]
 *                 Q = (1 - (h - lo)) x[lo] + (h - lo) x[hi]  otherwise
 *             (1-based x, the same operations in the same order as R's
 *             quantile.default, so results agree to the last bit); then
 *             equal breaks merge (R unique()), so *n_out may be < k.
 *   equal     b[0] = x_min, b[i] = x_min + i ((x_max - x_min) / k), b[k] =
 *             x_max: R seq(min, max, length.out = k + 1), no padding.
 *   jenks     Fisher's (1958) exact optimal partition of the sorted values
 *             into k contiguous groups, minimising the within-group sum of
 *             squares  sum_g sum_{i in g} (x_i - mean_g)^2  (classInt style
 *             "fisher", which runs Hartigan's 1975 O(k n^2) program FISH);
 *             breaks are min, the midpoints (max_g + min_{g+1}) / 2 between
 *             neighbouring groups, and max, as classInt computes them.
 *   box       Q1, Q2, Q3 by type 7, IQR = Q3 - Q1, fences Q1 - 1.5 IQR and
 *             Q3 + 1.5 IQR (Tukey's hinge 1.5; GeoDa's box map); lower
 *             outliers are v < lofence, upper outliers v > upfence:
 *             b = [lo, lofence-, Q1, Q2, Q3, upfence, hi]
 *             where lofence- = nextafter(lofence, -inf), the largest double
 *             below the fence, so that the right-closed class [lo, lofence-]
 *             holds exactly the values below the fence (it prints as the
 *             fence); lo = x_min if x_min < lofence, else lofence- (an empty
 *             zero-width class); hi = x_max if x_max > upfence, else upfence
 *             (the empty class (upfence, upfence]).  These are classInt's
 *             style = "box" breaks except that classInt puts -Inf / +Inf
 *             where an outlier class is empty and counts a value equal to
 *             the lower fence as an outlier; with the strict rule an
 *             all-equal variable, or one with IQR = 0 (most areas 0), puts
 *             its mass in the middle classes, not among the outliers.
 *   fixed     the caller's breaks, checked (strictly ascending, no NAN).
 *
 * k >= d (quantile, equal, jenks): classInt switches to style "unique", one
 * class per distinct value with breaks halfway between neighbouring distinct
 * values; we do the same but keep x_min and x_max as the outer breaks
 * (classInt pads them by half the mean gap), so b[0] = min and b[k] = max
 * hold for every method but box and fixed.  d == 1 gives the single class
 * [v, v] (classInt stops with "single unique value").
 *
 * Fisher-Jenks without O(k n^2).  Write C(a, b) for the sum of squares of
 * x[a..b] and D_j(e) for the best cost of x[0..e] in j groups:
 *     D_1(e) = C(0, e),   D_j(e) = min_{j-1 <= s <= e} D_{j-1}(s - 1) + C(s, e)
 * (the last group starts at s), which is what FISH tabulates for every
 * (s, e).  C satisfies the quadrangle inequality C(a,c) + C(b,d) <=
 * C(a,d) + C(b,c) for a <= b <= c <= d, so the smallest minimising s(e) is
 * non-decreasing in e, and each layer can be solved by divide and conquer:
 * solve the middle e over its whole range of s, then the left half with s
 * bounded above and the right half with s bounded below by the middle's s
 * (the "divide and conquer optimisation"; for 1-D k-means exactly this is
 * Grønlund et al. 2017 and R's Ckmeans.1d.dp).  C(s, e) comes in O(1) from
 * prefix sums S1 = sum (x - c), S2 = sum (x - c)^2 with the shift c =
 * x[n / 2] against cancellation: C = S2 - S1^2 / w, w = e - s + 1.  Cost
 * O(k n log n) time and O(k n) memory: 5 ms for 14,500 values and k = 7
 * (random exponential values; one AMD EPYC core, gcc -O2), against 490 ms
 * for the O(k n^2) table with identical breaks.  classInt instead samples
 * 10% or 3000 values at random above 3000 distinct values, so its breaks
 * change from run to run; ours are exact and reproducible.
 * The partition is the same optimum FISH finds.  Several partitions can tie
 * (tied values, or integer data); FISH then keeps the earliest start s of
 * the last group (it replaces on ">="), and so do we: among the s whose
 * cost is within rounding (16 (k + 1) DBL_EPSILON S2_total) of the minimum
 * we keep the smallest.  Only a tie that rounding decides differently in
 * the two programs could then give other breaks.  tests/unit/test_classify.c
 * checks the result against a transcription of FISH on random data with
 * many ties, and against classInt.
 *
 * References: Fisher, W. D. (1958) On grouping for maximum homogeneity,
 * JASA 53, 789-798; Hartigan, J. A. (1975) Clustering Algorithms, Wiley,
 * 130-142; Jenks, G. F. (1977) Optimal data classification for choropleth
 * maps, Univ. of Kansas Occasional Paper 2; Hyndman, R. J. and Fan, Y.
 * (1996) Sample quantiles in statistical packages, Am. Stat. 50, 361-365;
 * Grønlund, A. et al. (2017) Fast exact k-means, k-medians and Bregman
 * divergence clustering in 1D, arXiv:1701.07204; Anselin, L. GeoDa
 * workbook, "Box map" (hinge 1.5).
 */
#include "wijkscan/analyse/classify.h"

#include "wijkscan/core/mem.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"quantile", "equal", "jenks", "box", "fixed"};
#define N_METHODS (sizeof(method_names) / sizeof(method_names[0]))

int ws_class_method_parse(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < N_METHODS; i++)
        if (strcmp(name, method_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *ws_class_method_name(enum ws_class_method m)
{
    if ((unsigned)m >= N_METHODS)
        return "?";
    return method_names[m];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

/* R quantile(x, p, type = 7) on sorted x[0..n-1], n >= 1. */
static double quantile7(const double *x, size_t n, double p)
{
    double index = 1.0 + (double)(n - 1) * p;
    double lo = floor(index);
    double hi = ceil(index);
    double qs = x[(size_t)lo - 1];
    double h;

    if (index > lo && x[(size_t)hi - 1] != qs) {
        h = index - lo;
        qs = (1.0 - h) * qs + h * x[(size_t)hi - 1];
    }
    return qs;
}

/* Drops repeated breaks in place (R unique() on sorted breaks); returns the
 * new number of breaks. */
static size_t merge_ties(double *b, size_t n_breaks)
{
    size_t m = 1;

    for (size_t i = 1; i < n_breaks; i++)
        if (b[i] != b[m - 1])
            b[m++] = b[i];
    return m;
}

static size_t count_distinct(const double *x, size_t n)
{
    size_t d = n > 0;

    for (size_t i = 1; i < n; i++)
        d += x[i] != x[i - 1];
    return d;
}

/* One class per distinct value: [min, midpoints..., max]; returns d. */
static size_t breaks_unique(const double *x, size_t n, double *b)
{
    size_t m = 1;

    b[0] = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[i - 1])
            b[m++] = x[i - 1] + (x[i] - x[i - 1]) / 2.0; // classInt's midpoint, same order
    b[m] = x[n - 1];
    return m;
}

static size_t breaks_quantile(const double *x, size_t n, size_t k, double *b)
{
    double by = 1.0 / (double)k;

    for (size_t i = 0; i <= k; i++) {
        double p = (double)i * by;
        b[i] = quantile7(x, n, p > 1.0 ? 1.0 : p);
    }
    return merge_ties(b, k + 1) - 1;
}

static size_t breaks_equal(const double *x, size_t n, size_t k, double *b)
{
    double from = x[0];
    double to = x[n - 1];
    double step = (to - from) / (double)k;

    b[0] = from;
    for (size_t i = 1; i < k; i++)
        b[i] = from + (double)i * step;
    b[k] = to;
    return k;
}

static void breaks_box(const double *x, size_t n, double *b)
{
    double q1 = quantile7(x, n, 0.25);
    double q2 = quantile7(x, n, 0.5);
    double q3 = quantile7(x, n, 0.75);
    double iqr = 1.5 * (q3 - q1);
    double lofence = q1 - iqr;
    double upfence = q3 + iqr;

    double below = nextafter(lofence, -INFINITY);

    b[0] = x[0] < lofence ? x[0] : below;
    b[1] = below;
    b[2] = q1;
    b[3] = q2;
    b[4] = q3;
    b[5] = upfence;
    b[6] = x[n - 1] > upfence ? x[n - 1] : upfence;
}

/* ---- Fisher-Jenks ---------------------------------------------------- */

struct fisher {
    double *s1, *s2;     /* prefix sums of (x - c) and (x - c)^2, n + 1 each */
    double *prev, *cur;  /* D_{j-1}(e), D_j(e) */
    uint32_t *start;     /* start[(j - 2) n + e]: best start of the last group */
    uint32_t *start_row; /* the row of the layer being solved */
    size_t j;            /* groups in the layer being solved */
    double tol;          /* costs closer than this are ties */
};

/* Sum of squares of x[a..e]. */
static double seg_cost(const struct fisher *f, size_t a, size_t e)
{
    double w = (double)(e - a + 1);
    double s1 = f->s1[e + 1] - f->s1[a];
    double s2 = f->s2[e + 1] - f->s2[a];
    double c = s2 - s1 * s1 / w;

    return c > 0.0 ? c : 0.0;
}

/* Cost of x[0..e] with the last of j groups starting at s (s >= j - 1). */
static double cand_cost(const struct fisher *f, size_t s, size_t e)
{
    return f->prev[s - 1] + seg_cost(f, s, e);
}

/* Solves D_j(e) for e in [e_lo, e_hi] with starts in [s_lo, s_hi]. */
static void fisher_layer(struct fisher *f, size_t e_lo, size_t e_hi, size_t s_lo, size_t s_hi)
{
    while (e_lo <= e_hi) {
        size_t e = e_lo + (e_hi - e_lo) / 2;
        size_t hi = s_hi < e ? s_hi : e;
        size_t s_min = s_lo;
        size_t s_pick = s_lo;
        double best = cand_cost(f, s_lo, e);

        for (size_t s = s_lo + 1; s <= hi; s++) {
            double c = cand_cost(f, s, e);
            if (c < best) {
                best = c;
                s_min = s;
            }
        }
        // FISH's rule: the smallest start whose cost ties with the minimum
        while (cand_cost(f, s_pick, e) > best + f->tol)
            s_pick++;
        f->cur[e] = cand_cost(f, s_pick, e);
        f->start_row[e] = (uint32_t)s_pick;
        if (e > e_lo)
            fisher_layer(f, e_lo, e - 1, s_lo, s_min);
        // loop instead of a second recursive call for the right half
        e_lo = e + 1;
        s_lo = s_pick;
    }
}

/* Optimal k groups of sorted x[0..n-1] (2 <= k < d <= n); writes k + 1
 * breaks (tied ones merged) and returns the number of classes. */
static size_t breaks_fisher(const double *x, size_t n, size_t k, double *b)
{
    struct fisher f = {0};
    size_t *first = NULL;
    double c = x[n / 2];

    f.s1 = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    f.s2 = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    f.prev = ws_xmalloc(ws_st_mult(n, sizeof(double)));
    f.cur = ws_xmalloc(ws_st_mult(n, sizeof(double)));
    f.start = ws_xmalloc(ws_st_mult(ws_st_mult(k - 1, n), sizeof(uint32_t)));
    first = ws_xmalloc(ws_st_mult(k + 1, sizeof(size_t)));

    f.s1[0] = 0.0;
    f.s2[0] = 0.0;
    for (size_t i = 0; i < n; i++) {
        double z = x[i] - c;
        f.s1[i + 1] = f.s1[i] + z;
        f.s2[i + 1] = f.s2[i] + z * z;
    }
    f.tol = 16.0 * (double)(k + 1) * DBL_EPSILON * f.s2[n];
    for (size_t e = 0; e < n; e++)
        f.prev[e] = seg_cost(&f, 0, e);

    for (f.j = 2; f.j <= k; f.j++) {
        f.start_row = f.start + (f.j - 2) * n;
        if (f.j < k) {
            fisher_layer(&f, f.j - 1, n - 1, f.j - 1, n - 1);
        } else {
            // the last layer needs only e = n - 1
            fisher_layer(&f, n - 1, n - 1, f.j - 1, n - 1);
        }
        double *t = f.prev;
        f.prev = f.cur;
        f.cur = t;
    }

    // walk back: group g (0-based) starts at first[g]
    first[k] = n;
    size_t e = n - 1;
    for (size_t g = k - 1; g >= 1; g--) {
        first[g] = f.start[(g - 1) * n + e];
        e = first[g] - 1;
    }
    first[0] = 0;
    b[0] = x[0];
    for (size_t g = 1; g < k; g++)
        b[g] = (x[first[g] - 1] + x[first[g]]) / 2.0;
    b[k] = x[n - 1];

    free(f.s1);
    free(f.s2);
    free(f.prev);
    free(f.cur);
    free(f.start);
    free(first);
    return merge_ties(b, k + 1) - 1;
}

/* ---- driver ---------------------------------------------------------- */

static int check_fixed(const double *fixed, size_t n_fixed, size_t n_classes, struct ws_err *err)
{
    if (!fixed || n_fixed < 2) {
        ws_err_set(err, WS_EDATA, "fixed classification needs at least 2 breaks (got %zu)",
                   fixed ? n_fixed : 0);
        ws_err_hint(err, "give the class boundaries from low to high, e.g. 'breaks = 0, 5, 10, "
                         "20' for 3 classes");
        return WS_EDATA;
    }
    for (size_t i = 0; i < n_fixed; i++) {
        if (isnan(fixed[i])) {
            ws_err_set(err, WS_EDATA, "fixed break %zu is not a number", i + 1);
            ws_err_hint(err, "give every break as a number, from low to high");
            return WS_EDATA;
        }
        if (i > 0 && !(fixed[i] > fixed[i - 1])) {
            ws_err_set(err, WS_EDATA,
                       "fixed breaks are not ascending: break %zu (%.15g) is not "
                       "above break %zu (%.15g)",
                       i + 1, fixed[i], i, fixed[i - 1]);
            ws_err_hint(err, "list the breaks from low to high, each larger than the one before");
            return WS_EDATA;
        }
    }
    if (n_fixed - 1 > n_classes)
        return ws_err_set(err, WS_EINTERNAL,
                          "%zu fixed breaks make %zu classes, but room was given for %zu", n_fixed,
                          n_fixed - 1, n_classes);
    return WS_OK;
}

/* Copies the finite values of the pooled arrays, sorted; *n_out of them. */
static double *sorted_finite(const double *const *values, const size_t *n_values, size_t n_sets,
                             size_t *n_out)
{
    size_t total = 0;
    size_t m = 0;
    double *x;

    for (size_t s = 0; s < n_sets; s++)
        if (values[s])
            total += n_values[s];
    x = ws_xmalloc(ws_st_mult(total ? total : 1, sizeof(*x)));
    for (size_t s = 0; s < n_sets; s++) {
        if (!values[s])
            continue;
        for (size_t i = 0; i < n_values[s]; i++)
            if (isfinite(values[s][i]))
                x[m++] = values[s][i];
    }
    qsort(x, m, sizeof(*x), cmp_double);
    *n_out = m;
    return x;
}

int ws_classify_pooled(const double *const *values, const size_t *n_values, size_t n_sets,
                       enum ws_class_method method, size_t n_classes, const double *fixed,
                       size_t n_fixed, double *breaks, size_t *n_out, struct ws_err *err)
{
    double *x = NULL;
    double *b = NULL;
    size_t n = 0;
    size_t d = 0;
    size_t k = 0;
    size_t n_total = 0;
    int rc = WS_OK;

    if (!breaks || !n_out || (n_sets > 0 && (!values || !n_values)))
        return ws_err_set(err, WS_EINTERNAL, "ws_classify: NULL argument");
    if ((unsigned)method >= N_METHODS)
        return ws_err_set(err, WS_EINTERNAL, "ws_classify: unknown method %d", (int)method);
    if (method != WS_CLASS_BOX && n_classes < 1) {
        ws_err_set(err, WS_EDATA, "a %s classification needs at least 1 class (got 0)",
                   ws_class_method_name(method));
        ws_err_hint(err, "set the number of classes to 3 or more (5 is usual)");
        return WS_EDATA;
    }
    if (method == WS_CLASS_FIXED) {
        rc = check_fixed(fixed, n_fixed, n_classes, err);
        if (rc != WS_OK)
            return rc;
    }

    for (size_t s = 0; s < n_sets; s++)
        n_total += values[s] ? n_values[s] : 0;
    x = sorted_finite(values, n_values, n_sets, &n);
    if (n == 0) {
        rc = ws_err_set(err, WS_EDATA, "nothing to classify: none of the %zu values is a number",
                        n_total);
        ws_err_hint(err, "the variable is missing or suppressed in every area; choose another "
                         "variable or year, or check the analysis step");
        goto out;
    }
    d = count_distinct(x, n);

    // work on a scratch copy so that `breaks` stays unchanged on failure
    if (method == WS_CLASS_BOX)
        k = WS_CLASS_BOX_CLASSES;
    else if (method == WS_CLASS_FIXED)
        k = n_fixed - 1;
    else
        k = n_classes;
    b = ws_xmalloc(ws_st_mult(k + 1, sizeof(*b)));
    switch (method) {
    case WS_CLASS_BOX:
        breaks_box(x, n, b);
        break;
    case WS_CLASS_FIXED:
        memcpy(b, fixed, n_fixed * sizeof(*b));
        break;
    case WS_CLASS_QUANTILE:
    case WS_CLASS_EQUAL:
    case WS_CLASS_JENKS:
        if (n_classes >= d)
            k = breaks_unique(x, n, b);
        else if (method == WS_CLASS_QUANTILE)
            k = breaks_quantile(x, n, n_classes, b);
        else if (method == WS_CLASS_EQUAL)
            k = breaks_equal(x, n, n_classes, b);
        else if (n_classes == 1)
            k = breaks_equal(x, n, 1, b);
        else
            k = breaks_fisher(x, n, n_classes, b);
        break;
    }
    memcpy(breaks, b, (k + 1) * sizeof(*b));
    *n_out = k;
out:
    free(x);
    free(b);
    return rc;
}

int ws_classify(const double *values, size_t n, enum ws_class_method method, size_t n_classes,
                const double *fixed, size_t n_fixed, double *breaks, size_t *n_out,
                struct ws_err *err)
{
    const double *const sets[1] = {values};
    const size_t counts[1] = {n};

    return ws_classify_pooled(sets, counts, 1, method, n_classes, fixed, n_fixed, breaks, n_out,
                              err);
}

int ws_class_of(double v, const double *breaks, size_t n_classes)
{
    size_t lo = 1;
    size_t hi = n_classes;

    if (!breaks || n_classes < 1 || isnan(v) || v < breaks[0] || v > breaks[n_classes])
        return -1;
    if (v == breaks[0])
        return 0;
    // smallest j in 1..n_classes with v <= breaks[j]: v is then above breaks[j - 1]
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v <= breaks[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return (int)lo - 1;
}

void ws_class_count(const double *values, size_t n, const double *breaks, size_t n_classes,
                    size_t *counts, size_t *n_unclassed)
{
    size_t other = 0;

    if (counts)
        memset(counts, 0, n_classes * sizeof(*counts));
    for (size_t i = 0; i < n && values; i++) {
        int c = ws_class_of(values[i], breaks, n_classes);
        if (c < 0)
            other++;
        else if (counts)
            counts[c]++;
    }
    if (n_unclassed)
        *n_unclassed = other;
}
