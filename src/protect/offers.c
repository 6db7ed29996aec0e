/*
 * offers.c - group-offer catchments from the private rows (see offers.h);
 * the protection step decides what of them is published.
 */
#include "wijkscan/offers.h"

#include "wijkscan/geom.h"
#include "wijkscan/groups.h"
#include "wijkscan/mem.h"
#include "wijkscan/strbuf.h"
#include "wijkscan/suppress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int cmp_area_code(const void *pa, const void *pb)
{
    return strcmp((*(const struct ws_area *const *)pa)->code,
                  (*(const struct ws_area *const *)pb)->code);
}

static size_t find_buurt(const struct ws_area *const *sorted, size_t n, const char *code)
{
    struct ws_area probe;
    const struct ws_area *pp = &probe;
    const struct ws_area *const *hit;

    memset(&probe, 0, sizeof(probe));
    probe.code = (char *)code;
    hit = bsearch(&pp, sorted, n, sizeof(*sorted), cmp_area_code);
    return hit ? (size_t)(hit - sorted) : WS_GROUPS_NONE;
}

void ws_offer_set_release(struct ws_offer_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct ws_offer *o = &s->rows[i];
        free(o->category);
        free(o->catchment);
        free(o->catchment_name);
        for (size_t k = 0; k < o->n_members; k++)
            free(o->members[k]);
        free(o->members);
    }
    free(s->rows);
    memset(s, 0, sizeof(*s));
}

/* The wijken: distinct parent codes of the buurten, sorted; names from the
 * buurten's parent_name. */
struct wijken {
    char **code;
    const char **name;
    size_t n;
};

static void collect_wijken(const struct ws_area *const *b, size_t nb, struct wijken *w)
{
    w->code = ws_xcalloc(nb + 1, sizeof(*w->code));
    w->name = ws_xcalloc(nb + 1, sizeof(*w->name));
    for (size_t i = 0; i < nb; i++)
        if (b[i]->parent)
            w->code[w->n++] = b[i]->parent;
    if (w->n)
        qsort(w->code, w->n, sizeof(*w->code), cmp_str);
    {
        size_t m = 0;
        for (size_t i = 0; i < w->n; i++)
            if (m == 0 || strcmp(w->code[m - 1], w->code[i]) != 0)
                w->code[m++] = w->code[i];
        w->n = m;
    }
    for (size_t i = 0; i < nb; i++) {
        char *const *hit;
        if (!b[i]->parent)
            continue;
        hit = bsearch(&b[i]->parent, w->code, w->n, sizeof(*w->code), cmp_str);
        if (hit && !w->name[hit - w->code])
            w->name[hit - w->code] = b[i]->parent_name ? b[i]->parent_name : b[i]->parent;
    }
}

int ws_offers_plan(const struct ws_indicator_set *raw, const struct ws_area *buurten,
                   size_t n_buurten, const struct ws_offer_location *loc, size_t n_loc,
                   const struct ws_study *st, struct ws_offer_set *out, struct ws_err *err)
{
    const struct ws_area **b = ws_xcalloc(n_buurten + 1, sizeof(*b));
    struct wijken wk = {NULL, NULL, 0};
    char **cats = ws_xcalloc(raw->n + 1, sizeof(*cats));
    size_t n_cats = 0;
    int latest = 0;
    int first;
    double *x = ws_xcalloc(n_buurten + 1, sizeof(*x));
    double *y = ws_xcalloc(n_buurten + 1, sizeof(*y));
    size_t *wijk = ws_xcalloc(n_buurten + 1, sizeof(*wijk));
    double *cases = ws_xcalloc(2 * (n_buurten + 1), sizeof(*cases));
    double *prev = cases + n_buurten + 1;
    double *lx = ws_xcalloc(n_loc + 1, sizeof(*lx));
    double *ly = ws_xcalloc(n_loc + 1, sizeof(*ly));
    int rc = WS_OK;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n_buurten; i++)
        b[i] = &buurten[i];
    if (n_buurten)
        qsort(b, n_buurten, sizeof(*b), cmp_area_code);
    collect_wijken(b, n_buurten, &wk);
    for (size_t i = 0; i < n_buurten; i++) {
        char *const *hit =
            b[i]->parent ? bsearch(&b[i]->parent, wk.code, wk.n, sizeof(*wk.code), cmp_str) : NULL;
        wijk[i] = hit ? (size_t)(hit - wk.code) : WS_GROUPS_NONE;
        if (!ws_geom_centroid(&b[i]->geom, &x[i], &y[i]))
            x[i] = y[i] = NAN;
    }
    for (size_t i = 0; i < n_loc; i++) {
        lx[i] = loc[i].x;
        ly[i] = loc[i].y;
    }
    for (size_t i = 0; i < raw->n; i++) {
        const struct ws_indicator *r = &raw->rows[i];
        if (r->level != WS_LEVEL_BUURT)
            continue;
        latest = r->year > latest ? r->year : latest;
        if (r->category && strcmp(r->category, "all") != 0)
            cats[n_cats++] = r->category;
    }
    if (n_cats)
        qsort(cats, n_cats, sizeof(*cats), cmp_str);
    {
        size_t m = 0;
        for (size_t i = 0; i < n_cats; i++)
            if (m == 0 || strcmp(cats[m - 1], cats[i]) != 0)
                cats[m++] = cats[i];
        n_cats = m;
    }
    first = st->pool_years >= 2 ? latest - 1 : latest;

    for (size_t c = 0; c < n_cats && !rc; c++) {
        struct ws_groups_input gi;
        struct ws_groups_opts go;
        struct ws_groups g = WS_GROUPS_INIT;
        bool have_prev = false;
        for (size_t i = 0; i < n_buurten; i++)
            cases[i] = prev[i] = NAN;
        for (size_t i = 0; i < raw->n; i++) {
            const struct ws_indicator *r = &raw->rows[i];
            size_t k;
            if (r->level != WS_LEVEL_BUURT || !r->category || strcmp(r->category, cats[c]) != 0 ||
                (r->year != latest && r->year != first))
                continue;
            if ((k = find_buurt(b, n_buurten, r->code)) == WS_GROUPS_NONE)
                continue;
            if (r->year == latest)
                cases[k] = r->cases;
            else {
                prev[k] = r->cases;
                have_prev = true;
            }
        }
        if (first != latest && have_prev &&
            (rc = ws_groups_pool(cases, prev, n_buurten, cases, err)))
            break;
        memset(&gi, 0, sizeof(gi));
        gi.n_buurt = n_buurten;
        gi.x = x;
        gi.y = y;
        gi.wijk = wijk;
        gi.n_wijk = wk.n;
        gi.cases = cases;
        gi.n_loc = n_loc;
        gi.loc_x = lx;
        gi.loc_y = ly;
        go.max_km = st->max_km > 0 ? st->max_km : 3.0;
        go.min_group = st->min_group;
        go.min_count = st->min_count;
        go.round_to = st->round_to;
        if ((rc = ws_groups_plan(&gi, &go, &g, err)))
            break;
        for (size_t k = 0; k < g.n_catchments; k++) {
            const struct ws_catchment *ct = &g.catchments[k];
            struct ws_offer *o;
            WS_VEC_GROW(out->rows, out->n + 1, out->cap);
            o = &out->rows[out->n++];
            memset(o, 0, sizeof(*o));
            o->category = ws_xstrdup(cats[c]);
            o->year_from = first != latest && have_prev ? first : latest;
            o->year_to = latest;
            o->by_location = ct->kind == WS_CATCHMENT_LOCATION;
            if (o->by_location) {
                o->catchment = ws_xstrdup(loc[ct->index].name);
                o->catchment_name = ws_xstrdup(loc[ct->index].name);
            } else {
                o->catchment = ws_xstrdup(wk.code[ct->index]);
                o->catchment_name = ws_xstrdup(wk.name[ct->index]);
            }
            o->members = ws_xcalloc(ct->n_members + 1, sizeof(*o->members));
            for (size_t m = 0; m < ct->n_members; m++)
                o->members[m] = ws_xstrdup(b[ct->members[m]]->code);
            o->n_members = ct->n_members;
            o->total = ct->total;
            o->published = NAN;
            o->suggest = false;
        }
        ws_groups_release(&g);
    }
    if (rc)
        ws_offer_set_release(out);
    free(b);
    free(wk.code);
    free(wk.name);
    free(cats);
    free(x);
    free(y);
    free(wijk);
    free(cases);
    free(lx);
    free(ly);
    return rc;
}

static int cmp_offer(const void *pa, const void *pb)
{
    const struct ws_offer *a = *(const struct ws_offer *const *)pa;
    const struct ws_offer *b = *(const struct ws_offer *const *)pb;
    int c;

    if (a->suggest != b->suggest)
        return a->suggest ? -1 : 1;
    if ((c = strcmp(a->category, b->category)) != 0)
        return c;
    return strcmp(a->catchment, b->catchment);
}

char *ws_offers_csv(const struct ws_offer_set *s)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const struct ws_offer **o = ws_xcalloc(s->n + 1, sizeof(*o));
    size_t n = 0;

    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].n_members > 0)
            o[n++] = &s->rows[i];
    if (n)
        qsort(o, n, sizeof(*o), cmp_offer);
    ws_strbuf_adds(&sb,
                   "category,years,catchment,catchment_name,location,n_buurten,cases,suggest\n");
    for (size_t i = 0; i < n; i++) {
        ws_strbuf_add_csv(&sb, o[i]->category);
        if (o[i]->year_from != o[i]->year_to)
            ws_strbuf_addf(&sb, ",%d-%d,", o[i]->year_from, o[i]->year_to);
        else
            ws_strbuf_addf(&sb, ",%d,", o[i]->year_to);
        ws_strbuf_add_csv(&sb, o[i]->catchment);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, o[i]->catchment_name);
        ws_strbuf_addch(&sb, ',');
        if (o[i]->by_location)
            ws_strbuf_add_csv(&sb, o[i]->catchment);
        ws_strbuf_addf(&sb, ",%zu,", o[i]->n_members);
        if (isfinite(o[i]->published))
            ws_strbuf_addf(&sb, "%.0f", o[i]->published);
        ws_strbuf_addf(&sb, ",%d\n", o[i]->suggest ? 1 : 0);
    }
    free(o);
    return ws_strbuf_detach(&sb);
}
