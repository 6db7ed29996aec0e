/*
 * indicators.c - rows of results (see indicators.h).
 */
#include "wijkscan/core/indicators.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ws_indicator_clear(struct ws_indicator *r)
{
    memset(r, 0, sizeof(*r));
    r->population = r->cases = NAN;
    r->rate_per_1000 = r->rate_ci_low = r->rate_ci_high = NAN;
    r->ratio_avg = r->poisson_p = NAN;
    r->expected = r->oe_ratio = r->oe_ci_low = r->oe_ci_high = NAN;
    r->eb_rate = r->seb_rate = NAN;
    r->lisa_i = r->lisa_z = r->lisa_p = NAN;
    r->trend_rr = r->trend_p = NAN;
}

struct ws_indicator *ws_indicator_set_add(struct ws_indicator_set *set)
{
    WS_VEC_GROW(set->rows, set->n + 1, set->cap);
    struct ws_indicator *r = &set->rows[set->n++];
    ws_indicator_clear(r);
    return r;
}

void ws_indicator_set_release(struct ws_indicator_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->rows[i].code);
        free(set->rows[i].name);
        free(set->rows[i].parent);
        free(set->rows[i].category);
        free(set->rows[i].buurten);
    }
    free(set->rows);
    memset(set, 0, sizeof(*set));
}

void ws_indicator_set_copy(struct ws_indicator_set *dst, const struct ws_indicator_set *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!src->n)
        return;
    dst->rows = ws_xcalloc(src->n, sizeof(*dst->rows));
    dst->n = dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        dst->rows[i] = src->rows[i];
        dst->rows[i].code = ws_xstrdup(src->rows[i].code);
        dst->rows[i].name = ws_xstrdup(src->rows[i].name);
        dst->rows[i].parent = ws_xstrdup(src->rows[i].parent);
        dst->rows[i].category = ws_xstrdup(src->rows[i].category);
        dst->rows[i].buurten = ws_xstrdup(src->rows[i].buurten);
    }
}
