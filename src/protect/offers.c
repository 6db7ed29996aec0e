/*
 * offers.c - group-offer catchments from the private rows (see offers.h);
 * the protection step decides what of them is published.
 */
#include "wijkscan/protect/offers.h"

#include "wijkscan/analyse/groups.h"
#include "wijkscan/core/geom.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/protect/suppress.h"

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
    hit = bsearch(&pp, sorted, n, sizeof(const struct ws_area *), cmp_area_code);
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

/* Everything the catchments of every category share. */
struct plan {
    const struct ws_indicator_set *raw;
    const struct ws_offer_location *loc;
    size_t n_loc;
    const struct ws_area **b; /* the buurten sorted by code */
    size_t nb;
    struct wijken wk;
    double *x, *y; /* buurt centroids */
    size_t *wijk;  /* buurt -> wijk index */
    double *lx, *ly;
    char **cats; /* distinct categories other than 'all', sorted */
    size_t n_cats;
    int latest, first; /* the years pooled */
};

static void plan_areas(struct plan *pl, const struct ws_area *buurten)
{
    for (size_t i = 0; i < pl->nb; i++)
        pl->b[i] = &buurten[i];
    if (pl->nb)
        qsort(pl->b, pl->nb, sizeof(const struct ws_area *), cmp_area_code);
    collect_wijken(pl->b, pl->nb, &pl->wk);
    for (size_t i = 0; i < pl->nb; i++) {
        const struct ws_area *a = pl->b[i];
        char *const *hit =
            a->parent ? bsearch(&a->parent, pl->wk.code, pl->wk.n, sizeof(char *), cmp_str) : NULL;
        pl->wijk[i] = hit ? (size_t)(hit - pl->wk.code) : WS_GROUPS_NONE;
        if (!ws_geom_centroid(&a->geom, &pl->x[i], &pl->y[i]))
            pl->x[i] = pl->y[i] = NAN;
    }
    for (size_t i = 0; i < pl->n_loc; i++) {
        pl->lx[i] = pl->loc[i].x;
        pl->ly[i] = pl->loc[i].y;
    }
}

static void plan_categories(struct plan *pl)
{
    size_t m = 0;

    for (size_t i = 0; i < pl->raw->n; i++) {
        const struct ws_indicator *r = &pl->raw->rows[i];
        if (r->level != WS_LEVEL_BUURT)
            continue;
        pl->latest = r->year > pl->latest ? r->year : pl->latest;
        if (r->category && strcmp(r->category, "all") != 0)
            pl->cats[pl->n_cats++] = r->category;
    }
    if (pl->n_cats)
        qsort(pl->cats, pl->n_cats, sizeof(*pl->cats), cmp_str);
    for (size_t i = 0; i < pl->n_cats; i++)
        if (m == 0 || strcmp(pl->cats[m - 1], pl->cats[i]) != 0)
            pl->cats[m++] = pl->cats[i];
    pl->n_cats = m;
}

/* The counts of category cat: cases (latest year) and prev (the year
 * before, when pooled); returns whether the year before has any. */
static bool plan_counts(const struct plan *pl, const char *cat, double *cases, double *prev)
{
    bool have_prev = false;

    for (size_t i = 0; i < pl->nb; i++)
        cases[i] = prev[i] = NAN;
    for (size_t i = 0; i < pl->raw->n; i++) {
        const struct ws_indicator *r = &pl->raw->rows[i];
        size_t k;
        if (r->level != WS_LEVEL_BUURT || r->period != 1 || !r->category ||
            strcmp(r->category, cat) != 0 || (r->year != pl->latest && r->year != pl->first))
            continue; // single years only: a pooled period's row is a sum of them
        if ((k = find_buurt(pl->b, pl->nb, r->code)) == WS_GROUPS_NONE)
            continue;
        if (r->year == pl->latest) {
            cases[k] = r->cases;
        } else {
            prev[k] = r->cases;
            have_prev = true;
        }
    }
    return have_prev;
}

static void add_offers(const struct plan *pl, const char *cat, bool pooled,
                       const struct ws_groups *g, struct ws_offer_set *out)
{
    for (size_t k = 0; k < g->n_catchments; k++) {
        const struct ws_catchment *ct = &g->catchments[k];
        struct ws_offer *o;
        WS_VEC_GROW(out->rows, out->n + 1, out->cap);
        o = &out->rows[out->n++];
        memset(o, 0, sizeof(*o));
        o->category = ws_xstrdup(cat);
        o->year_from = pooled ? pl->first : pl->latest;
        o->year_to = pl->latest;
        o->by_location = ct->kind == WS_CATCHMENT_LOCATION;
        o->catchment =
            ws_xstrdup(o->by_location ? pl->loc[ct->index].name : pl->wk.code[ct->index]);
        o->catchment_name =
            ws_xstrdup(o->by_location ? pl->loc[ct->index].name : pl->wk.name[ct->index]);
        o->members = ws_xcalloc(ct->n_members + 1, sizeof(*o->members));
        for (size_t m = 0; m < ct->n_members; m++)
            o->members[m] = ws_xstrdup(pl->b[ct->members[m]]->code);
        o->n_members = ct->n_members;
        o->total = ct->total;
        o->published = NAN;
        o->suggest = false;
    }
}

int ws_offers_plan(const struct ws_indicator_set *raw, const struct ws_area *buurten,
                   size_t n_buurten, const struct ws_offer_location *loc, size_t n_loc,
                   const struct ws_study *st, struct ws_offer_set *out, struct ws_err *err)
{
    struct plan pl;
    double *cases = ws_xcalloc(2 * (n_buurten + 1), sizeof(*cases));
    double *prev = cases + n_buurten + 1;
    int rc = WS_OK;

    memset(out, 0, sizeof(*out));
    memset(&pl, 0, sizeof(pl));
    pl.raw = raw;
    pl.loc = loc;
    pl.n_loc = n_loc;
    pl.nb = n_buurten;
    pl.b = ws_xcalloc(n_buurten + 1, sizeof(const struct ws_area *));
    pl.x = ws_xcalloc(n_buurten + 1, sizeof(*pl.x));
    pl.y = ws_xcalloc(n_buurten + 1, sizeof(*pl.y));
    pl.wijk = ws_xcalloc(n_buurten + 1, sizeof(*pl.wijk));
    pl.lx = ws_xcalloc(n_loc + 1, sizeof(*pl.lx));
    pl.ly = ws_xcalloc(n_loc + 1, sizeof(*pl.ly));
    pl.cats = ws_xcalloc(raw->n + 1, sizeof(*pl.cats));
    plan_areas(&pl, buurten);
    plan_categories(&pl);
    pl.first = st->pool_years >= 2 ? pl.latest - 1 : pl.latest;

    for (size_t c = 0; c < pl.n_cats && !rc; c++) {
        struct ws_groups_input gi;
        struct ws_groups_opts go;
        struct ws_groups g = WS_GROUPS_INIT;
        bool pooled = plan_counts(&pl, pl.cats[c], cases, prev) && pl.first != pl.latest;
        if (pooled && (rc = ws_groups_pool(cases, prev, n_buurten, cases, err)))
            break;
        memset(&gi, 0, sizeof(gi));
        gi.n_buurt = n_buurten;
        gi.x = pl.x;
        gi.y = pl.y;
        gi.wijk = pl.wijk;
        gi.n_wijk = pl.wk.n;
        gi.cases = cases;
        gi.n_loc = n_loc;
        gi.loc_x = pl.lx;
        gi.loc_y = pl.ly;
        go.max_km = st->max_km > 0 ? st->max_km : 3.0;
        go.min_group = st->min_group;
        go.min_count = st->min_count;
        go.round_to = st->round_to;
        if ((rc = ws_groups_plan(&gi, &go, &g, err)))
            break;
        add_offers(&pl, pl.cats[c], pooled, &g, out);
        ws_groups_release(&g);
    }
    if (rc)
        ws_offer_set_release(out);
    free(pl.b);
    free(pl.wk.code);
    free(pl.wk.name);
    free(pl.cats);
    free(pl.x);
    free(pl.y);
    free(pl.wijk);
    free(pl.lx);
    free(pl.ly);
    free(cases);
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

void ws_offers_published(const struct ws_offer_set *s, struct ws_offer_row **rows, size_t *n)
{
    const struct ws_offer **o = ws_xcalloc(s->n + 1, sizeof(const struct ws_offer *));
    struct ws_offer_row *v;
    size_t m = 0;

    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].n_members > 0)
            o[m++] = &s->rows[i];
    if (m)
        qsort(o, m, sizeof(const struct ws_offer *), cmp_offer);
    v = m ? ws_xcalloc(m, sizeof(*v)) : NULL;
    for (size_t i = 0; i < m; i++) {
        v[i].category = ws_xstrdup(o[i]->category);
        v[i].year_from = o[i]->year_from;
        v[i].year_to = o[i]->year_to;
        v[i].catchment = ws_xstrdup(o[i]->catchment);
        v[i].catchment_name = o[i]->catchment_name ? ws_xstrdup(o[i]->catchment_name) : NULL;
        v[i].location = o[i]->by_location ? ws_xstrdup(o[i]->catchment) : NULL;
        v[i].n_buurten = o[i]->n_members;
        v[i].cases = isfinite(o[i]->published) ? o[i]->published : NAN;
        v[i].suggest = o[i]->suggest;
    }
    free(o);
    *rows = v;
    *n = m;
}
