/*
 * multiple.c - Benjamini-Hochberg false discovery rate adjustment.
 *
 * With the m non-missing p-values in decreasing order p_(m) >= ... >= p_(1)
 * (rank i = m for the largest), the adjusted values are
 *
 *     p_adj_(i) = min(1, min_{j >= i} (m / j) * p_(j)),
 *
 * computed as R does: q_i = (m / i) * p_(i) (division first), a running
 * minimum from the largest p downwards, then min(1, .), and scattered back to
 * the original positions.  Ties get the same value whatever their order.
 *
 * Reference: Benjamini, Y. and Hochberg, Y. (1995) Controlling the false
 * discovery rate: a practical and powerful approach to multiple testing.
 * J. R. Statist. Soc. B 57, 289-300; R stats::p.adjust(method = "BH").
 */
#include "wijkscan/analyse/multiple.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdlib.h>

struct ranked {
    double p;
    size_t idx;
};

/* Decreasing p, then increasing index (R's order() is stable). */
static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a;
    const struct ranked *y = b;

    if (x->p != y->p)
        return x->p < y->p ? 1 : -1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int ws_multiple_bh(const double *p, size_t n, double *p_adj, struct ws_err *err)
{
    struct ranked *r = NULL;
    size_t i;
    size_t m = 0;
    double run = INFINITY;
    int rc;

    if (n == 0) {
        rc = WS_OK;
        goto out;
    }
    if (!p || !p_adj) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_multiple_bh: NULL argument");
        goto out;
    }
    for (i = 0; i < n; i++)
        if (!isnan(p[i]) && !(p[i] >= 0.0 && p[i] <= 1.0)) {
            rc = ws_err_set(err, WS_EDATA, "p-value %zu is %g, outside [0, 1]", i, p[i]);
            goto out;
        }
    r = ws_xmalloc(ws_st_mult(n, sizeof(*r)));
    for (i = 0; i < n; i++)
        if (!isnan(p[i])) {
            r[m].p = p[i];
            r[m].idx = i;
            m++;
        }
    qsort(r, m, sizeof(*r), cmp_ranked);
    for (i = 0; i < n; i++)
        if (isnan(p[i]))
            p_adj[i] = NAN;
    for (i = 0; i < m; i++) {
        double rank = (double)(m - i); // R's i <- lp:1L
        double q = ((double)m / rank) * r[i].p;

        if (q < run)
            run = q;
        p_adj[r[i].idx] = run < 1.0 ? run : 1.0;
    }
    rc = WS_OK;
out:
    free(r);
    return rc;
}
