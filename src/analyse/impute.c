/*
 * impute.c - missing covariate values from the wijk, gemeente or study mean
 * (impute.h).
 */
#include "wijkscan/analyse/impute.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct keyed {
    const char *key;
    size_t i;
};

static int cmp_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa;
    const struct keyed *b = pb;
    int c = strcmp(a->key, b->key);

    if (c != 0)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

size_t ws_impute_group_ids(const char *const *keys, size_t n, size_t *id)
{
    struct keyed *k = ws_xmalloc(ws_st_mult(n + 1, sizeof(*k)));
    size_t m = 0;
    size_t groups = 0;

    for (size_t i = 0; i < n; i++) {
        id[i] = WS_IMPUTE_NO_GROUP;
        if (keys[i]) {
            k[m].key = keys[i];
            k[m++].i = i;
        }
    }
    qsort(k, m, sizeof(*k), cmp_keyed);
    for (size_t j = 0; j < m; j++) {
        if (j > 0 && strcmp(k[j - 1].key, k[j].key) != 0)
            groups++;
        id[k[j].i] = groups;
    }
    free(k);
    return m > 0 ? groups + 1 : 0;
}

/* Weighted sums of x per group (sw, swx: n_groups entries each). */
static void group_sums(const double *x, const double *w, size_t n, const size_t *g, size_t n_groups,
                       double *sw, double *swx)
{
    memset(sw, 0, n_groups * sizeof(*sw));
    memset(swx, 0, n_groups * sizeof(*swx));
    for (size_t i = 0; g && i < n; i++) {
        if (g[i] == WS_IMPUTE_NO_GROUP || !(w[i] > 0) || !isfinite(x[i]))
            continue;
        sw[g[i]] += w[i];
        swx[g[i]] += w[i] * x[i];
    }
}

/* The mean of group g, or NaN when it has no value. */
static double group_mean(const size_t *g, size_t i, const double *sw, const double *swx)
{
    if (!g || g[i] == WS_IMPUTE_NO_GROUP || !(sw[g[i]] > 0))
        return NAN;
    return swx[g[i]] / sw[g[i]];
}

size_t ws_impute_group_mean(double *x, const double *w, size_t n, const size_t *wijk, size_t n_wijk,
                            const size_t *gemeente, size_t n_gemeente, bool *imputed)
{
    double *wsw = ws_xcalloc(n_wijk + 1, sizeof(double));
    double *wswx = ws_xcalloc(n_wijk + 1, sizeof(double));
    double *gsw = ws_xcalloc(n_gemeente + 1, sizeof(double));
    double *gswx = ws_xcalloc(n_gemeente + 1, sizeof(double));
    double sw = 0.0;
    double swx = 0.0;
    size_t filled = 0;

    group_sums(x, w, n, wijk, n_wijk, wsw, wswx);
    group_sums(x, w, n, gemeente, n_gemeente, gsw, gswx);
    for (size_t i = 0; i < n; i++) {
        if (w[i] > 0 && isfinite(x[i])) {
            sw += w[i];
            swx += w[i] * x[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        double v;
        if (!isnan(x[i]) || !(w[i] > 0))
            continue;
        v = group_mean(wijk, i, wsw, wswx);
        if (isnan(v))
            v = group_mean(gemeente, i, gsw, gswx);
        if (isnan(v) && sw > 0)
            v = swx / sw;
        if (isnan(v))
            continue;
        x[i] = v;
        filled++;
        if (imputed)
            imputed[i] = true;
    }
    free(wsw);
    free(wswx);
    free(gsw);
    free(gswx);
    return filled;
}
