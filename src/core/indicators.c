/*
 * indicators.c - rows of results (see indicators.h).
 */
#include "wijkscan/core/indicators.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/textpool.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each member has the C type its kind says (a wrong kind in the table is a
 * compile error), and a field that the protection can make NULL has a kind
 * with a NULL. */
#define FIELD_PTR_TEXT  char **
#define FIELD_PTR_LEVEL enum ws_level *
#define FIELD_PTR_INT   int *
#define FIELD_PTR_REAL  double *
#define FIELD_PTR_COUNT double *
#define FIELD_PTR_LABEL char(*)[WS_FIELD_LABEL_SIZE]
#define FIELD_PTR_RANK  long *
#define FIELD_PTR_FLAG  enum ws_suppression *
#define FIELD_NULLABLE(kind)                                                                       \
    ((kind) != WS_KIND_LEVEL && (kind) != WS_KIND_INT && (kind) != WS_KIND_FLAG)
#define FIELD_CHECK(m, kind, flags, ...)                                                           \
    _Static_assert(_Generic(&((struct ws_indicator *)0)->m, FIELD_PTR_##kind : 1, default : 0),    \
                   "struct ws_indicator member '" #m "' is not of kind " #kind);                   \
    _Static_assert(!((flags) & (WS_FIELD_HIDDEN | WS_FIELD_MODEL | WS_FIELD_TREND)) ||             \
                       FIELD_NULLABLE(WS_KIND_##kind),                                             \
                   "field '" #m "' can be made NULL but its kind has no NULL");                    \
    _Static_assert(!((flags)&WS_FIELD_EXACT) || ((flags)&WS_FIELD_HIDDEN),                         \
                   "field '" #m "' gives the exact count back but is not hidden");
WS_INDICATOR_FIELDS(FIELD_CHECK)
#undef FIELD_CHECK

#define FIELD_ROW(m, kind, flags, unit, hnl, hen, lnl, len)                                        \
    {#m,                                                                                           \
     WS_KIND_##kind,                                                                               \
     (flags),                                                                                      \
     WS_UNIT_##unit,                                                                               \
     hnl,                                                                                          \
     hen,                                                                                          \
     lnl,                                                                                          \
     len,                                                                                          \
     offsetof(struct ws_indicator, m)},
const struct ws_field ws_fields[WS_N_FIELDS] = {WS_INDICATOR_FIELDS(FIELD_ROW)};
#undef FIELD_ROW

int ws_field_index(const char *name)
{
    for (size_t k = 0; name && k < WS_N_FIELDS; k++)
        if (!strcmp(ws_fields[k].name, name))
            return (int)k;
    return -1;
}

bool ws_field_shown_when_suppressed(size_t k)
{
    return !(ws_fields[k].flags & WS_FIELD_HIDDEN);
}

/* The member of field k in r (const and not). */
static const void *cmember(const struct ws_indicator *r, size_t k)
{
    return (const char *)r + ws_fields[k].offset;
}

static void *member(struct ws_indicator *r, size_t k)
{
    return (char *)r + ws_fields[k].offset;
}

void ws_field_get(const struct ws_indicator *r, size_t k, struct ws_field_value *v)
{
    const void *p = cmember(r, k);

    memset(v, 0, sizeof(*v));
    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
        v->s = *(char *const *)p;
        v->null = !v->s || !*v->s;
        break;
    case WS_KIND_LABEL:
        v->s = (const char *)p;
        v->null = !*v->s;
        break;
    case WS_KIND_LEVEL:
        v->i = (long long)*(const enum ws_level *)p;
        break;
    case WS_KIND_INT:
        v->i = *(const int *)p;
        break;
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        v->d = *(const double *)p;
        v->null = isnan(v->d);
        if (!v->null && ws_fields[k].kind == WS_KIND_COUNT)
            v->i = llround(v->d);
        break;
    case WS_KIND_RANK:
        v->i = *(const long *)p;
        v->null = v->i <= 0;
        break;
    case WS_KIND_FLAG:
        v->i = *(const enum ws_suppression *)p != WS_SUPP_NONE;
        break;
    }
    if (ws_fields[k].kind != WS_KIND_REAL && ws_fields[k].kind != WS_KIND_COUNT)
        v->d = v->null || v->s ? NAN : (double)v->i;
}

void ws_field_set_null(struct ws_indicator *r, size_t k)
{
    void *p = member(r, k);

    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
        free(*(char **)p);
        *(char **)p = NULL;
        break;
    case WS_KIND_LABEL:
        *(char *)p = '\0';
        break;
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        *(double *)p = NAN;
        break;
    case WS_KIND_RANK:
        *(long *)p = 0;
        break;
    case WS_KIND_LEVEL:
    case WS_KIND_INT:
    case WS_KIND_FLAG:
        break; // never NULL (checked above for the fields the protection NULLs)
    }
}

void ws_field_set(struct ws_indicator *r, size_t k, const struct ws_field_value *v)
{
    void *p = member(r, k);

    if (v->null) {
        ws_field_set_null(r, k);
        return;
    }
    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
        free(*(char **)p);
        *(char **)p = ws_xstrdup(v->s);
        break;
    case WS_KIND_LABEL:
        (void)snprintf((char *)p, WS_FIELD_LABEL_SIZE, "%s", v->s ? v->s : "");
        break;
    case WS_KIND_LEVEL:
        *(enum ws_level *)p = (enum ws_level)v->i;
        break;
    case WS_KIND_INT:
        *(int *)p = (int)v->i;
        break;
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        *(double *)p = v->d;
        break;
    case WS_KIND_RANK:
        *(long *)p = (long)v->i;
        break;
    case WS_KIND_FLAG:
        *(enum ws_suppression *)p = v->i ? WS_SUPP_PRIMARY : WS_SUPP_NONE;
        break;
    }
}

void ws_indicator_clear(struct ws_indicator *r)
{
    memset(r, 0, sizeof(*r));
    r->period = 1;
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].kind == WS_KIND_REAL || ws_fields[k].kind == WS_KIND_COUNT)
            ws_field_set_null(r, k);
}

struct ws_indicator *ws_indicator_set_add(struct ws_indicator_set *set)
{
    WS_VEC_GROW(set->rows, set->n + 1, set->cap);
    struct ws_indicator *r = &set->rows[set->n++];
    ws_indicator_clear(r);
    return r;
}

void ws_indicator_set_reserve(struct ws_indicator_set *set, size_t n)
{
    if (n <= set->cap)
        return;
    set->rows = ws_xrealloc(set->rows, ws_st_mult(n, sizeof(*set->rows)));
    set->cap = n;
}

void ws_indicator_drop_texts(const struct ws_indicator_set *set, struct ws_indicator *r)
{
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        if (ws_fields[k].kind != WS_KIND_TEXT)
            continue;
        if (set->pool)
            *(char **)member(r, k) = NULL; // the pool's
        else
            ws_field_set_null(r, k);
    }
}

void ws_indicator_set_release(struct ws_indicator_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; !set->pool && i < set->n; i++)
        ws_indicator_drop_texts(set, &set->rows[i]);
    ws_text_pool_free(set->pool);
    free(set->rows);
    memset(set, 0, sizeof(*set));
}

void ws_indicator_set_share_texts(struct ws_indicator_set *set)
{
    if (!set->pool && set->n == 0)
        set->pool = ws_text_pool_new();
}

void ws_indicator_set_field(struct ws_indicator_set *set, struct ws_indicator *r, size_t k,
                            const struct ws_field_value *v)
{
    if (set->pool && ws_fields[k].kind == WS_KIND_TEXT)
        *(char **)member(r, k) = v->null ? NULL : ws_text_pool_intern(set->pool, v->s);
    else
        ws_field_set(r, k, v);
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
        for (size_t k = 0; k < WS_N_FIELDS; k++) {
            if (ws_fields[k].kind == WS_KIND_TEXT) {
                char **s = member(&dst->rows[i], k);
                *s = ws_xstrdup(*s);
            }
        }
    }
}
