/*
 * period.c - pooled periods of N consecutive years (see period.h).
 */
#include "wijkscan/analyse/period.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ws_periods_release(struct ws_periods *p)
{
    if (!p)
        return;
    free(p->last);
    free(p->first);
    memset(p, 0, sizeof(*p));
}

/* Are years[i - span + 1 .. i] the consecutive years ending with years[i]? */
static int complete_at(const int *years, size_t i, int span)
{
    if (i + 1 < (size_t)span)
        return 0;
    return years[i] - years[i + 1 - (size_t)span] == span - 1;
}

static int too_long(const int *years, size_t ny, int span, struct ws_err *err)
{
    if (ny == 0)
        ws_err_set(err, WS_EDATA, "a period of %d years needs cases of %d years; there are none",
                   span, span);
    else
        ws_err_set(err, WS_EDATA,
                   "a period of %d years needs the %d years %d-%d in the cases; they hold %zu "
                   "year%s from %d to %d",
                   span, span, years[ny - 1] - span + 1, years[ny - 1], ny, ny == 1 ? "" : "s",
                   years[0], years[ny - 1]);
    ws_err_hint(err, "set [analysis] period to at most the number of consecutive years up to the "
                     "latest year, or to 1 for single years only");
    return WS_EDATA;
}

int ws_periods_plan(const int *years, size_t ny, int span, struct ws_periods *p, struct ws_err *err)
{
    size_t n = 0;

    memset(p, 0, sizeof(*p));
    if (span <= 1)
        return WS_OK;
    p->span = span;
    if (ny == 0 || !complete_at(years, ny - 1, span))
        return too_long(years, ny, span, err);
    // count back from the latest year while the periods are complete
    for (size_t end = ny; end >= (size_t)span && complete_at(years, end - 1, span);
         end -= (size_t)span)
        n++;
    p->n = n;
    p->last = ws_xcalloc(n + 1, sizeof(*p->last));
    p->first = ws_xcalloc(n + 1, sizeof(*p->first));
    for (size_t k = 0; k < n; k++) {
        size_t end = ny - (n - 1 - k) * (size_t)span; // one past the period's last year
        p->last[k] = years[end - 1];
        p->first[k] = end - (size_t)span;
    }
    return WS_OK;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;

    return (x > y) - (x < y);
}

int ws_periods_check(const int *years, size_t n, int span, struct ws_err *err)
{
    struct ws_periods p;
    int *v;
    size_t m = 0;
    int rc;

    if (span <= 1)
        return WS_OK;
    v = ws_xmalloc(ws_st_mult(n + 1, sizeof(*v)));
    if (n)
        memcpy(v, years, n * sizeof(*v));
    qsort(v, n, sizeof(*v), cmp_int);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    rc = ws_periods_plan(v, m, span, &p, err);
    ws_periods_release(&p);
    free(v);
    return rc;
}

void ws_periods_sum(const struct ws_periods *p, const double *in, size_t stride, double *out)
{
    for (size_t k = 0; k < p->n; k++) {
        double *o = out + k * stride;
        for (size_t m = 0; m < stride; m++)
            o[m] = 0.0;
        for (size_t y = p->first[k]; y < p->first[k] + (size_t)p->span; y++) {
            const double *v = in + y * stride;
            for (size_t m = 0; m < stride; m++)
                o[m] += v[m]; // NAN stays NAN
        }
    }
}
