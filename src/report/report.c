/*
 * report.c - the report stage (see report.h): reads what the report may
 * show from the store (areas, PUBLISHED rows, named results), builds the
 * document model once and renders it as report/wijkanalyse.pdf and
 * report/index.html through the caller's outfiles set.
 */
#include "wijkscan/report/report.h"

#include "wijkscan/core/jobs.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/render/render.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool says_synthetic(const char *s)
{
    static const char word[] = "synthet";
    for (; s && *s; s++) {
        size_t i = 0;
        while (word[i] && s[i] && tolower((unsigned char)s[i]) == word[i])
            i++;
        if (!word[i])
            return true;
    }
    return false;
}

/* The typed results the report shows when the store has them (yet):
 * each has_* is false for a result the store does not hold. */
struct optional_results {
    struct ws_priority_row *prio;
    size_t n_prio;
    struct ws_offer_row *groups;
    size_t n_groups;
    struct ws_manifest_item *manifest;
    size_t n_manifest;
};

static void read_optional(struct ws_store *s, struct optional_results *o,
                          struct ws_report_inputs *in)
{
    struct ws_err sub = WS_ERR_INIT;

    in->has_priorities = ws_store_read_priorities(s, &o->prio, &o->n_prio, &sub) == WS_OK;
    ws_err_clear(&sub);
    in->has_groups = ws_store_read_offers(s, &o->groups, &o->n_groups, &sub) == WS_OK;
    ws_err_clear(&sub);
    in->has_manifest = ws_store_read_manifest(s, &o->manifest, &o->n_manifest, &sub) == WS_OK;
    in->priorities = o->prio;
    in->n_priorities = o->n_prio;
    in->groups = o->groups;
    in->n_groups = o->n_groups;
    in->manifest = o->manifest;
    in->n_manifest = o->n_manifest;
}

static void release_optional(struct optional_results *o)
{
    ws_priority_rows_free(o->prio, o->n_prio);
    ws_offer_rows_free(o->groups, o->n_groups);
    ws_manifest_items_free(o->manifest, o->n_manifest);
    memset(o, 0, sizeof(*o));
}

/* The map drawn for every wijk: eb_rate if the study has it, else the first
 * buurt or gebied map of one category. */
static size_t pick_wijk_map(const struct ws_mapdef *maps, size_t n)
{
    size_t pick = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if ((maps[i].level != WS_LEVEL_BUURT && maps[i].level != WS_LEVEL_GEBIED) || maps[i].each)
            continue;
        if (!strcmp(maps[i].name, "eb_rate"))
            return i;
        if (pick == SIZE_MAX)
            pick = i;
    }
    return pick;
}

/* The atlas of one set of inputs into DIR/wijkanalyse.pdf and
 * DIR/index.html. */
static int write_atlas(const struct ws_report_inputs *in, const struct ws_map_inputs *mi,
                       const struct ws_mapdef *maps, const char *dir, struct ws_outfiles *out,
                       struct ws_err *err)
{
    struct ws_doc doc;
    struct ws_strbuf path = WS_STRBUF_INIT;
    const char *tmp = NULL;
    int rc;

    memset(&doc, 0, sizeof(doc));
    rc = ws_report_build(in, &doc, err);
    ws_strbuf_addf(&path, "%s/wijkanalyse.pdf", dir);
    rc = rc ? rc : ws_outfiles_add(out, path.buf, &tmp, err);
    rc = rc ? rc : ws_report_write_pdf(&doc, mi, maps, tmp, err);
    ws_strbuf_reset(&path);
    ws_strbuf_addf(&path, "%s/index.html", dir);
    rc = rc ? rc : ws_outfiles_add(out, path.buf, &tmp, err);
    rc = rc ? rc : ws_report_write_html(&doc, mi, maps, tmp, err);
    ws_strbuf_release(&path);
    ws_doc_release(&doc);
    return rc;
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* What every gemeente's atlas reads: the study's inputs and, per gemeente,
 * the indices of its published rows (in the order of the set). */
struct atlases {
    const struct ws_report_inputs *all;
    const struct ws_map_inputs *mi_all;
    const struct ws_mapdef *maps;
    const struct ws_area *gemeenten;
    size_t **rows; /* rows[g]: indices into all->published */
    size_t *n_rows;
};

/* A code and the index of what it points to, for bsearch. */
struct code_ix {
    const char *code;
    size_t ix;
};

static int cmp_code_ix(const void *a, const void *b)
{
    return strcmp(((const struct code_ix *)a)->code, ((const struct code_ix *)b)->code);
}

/* The index of code in the sorted table, SIZE_MAX when absent. */
static size_t find_code(const struct code_ix *t, size_t n, const char *code)
{
    struct code_ix key = {code, 0};
    const struct code_ix *hit = code ? bsearch(&key, t, n, sizeof(*t), cmp_code_ix) : NULL;
    return hit ? hit->ix : SIZE_MAX;
}

/* The gemeente index of each published row (a gemeente by its code, a wijk
 * by its parent, a buurt or gebied by the gemeente of its area), then the
 * rows of each gemeente in the order of the set. */
static void rows_by_gemeente(struct atlases *a, size_t ng)
{
    const struct ws_report_inputs *all = a->all;
    const struct ws_indicator_set *pub = all->published;
    struct code_ix *gem = ws_xcalloc(ng + 1, sizeof(*gem));
    struct code_ix *bu = ws_xcalloc(all->n_buurten + all->n_gebieden + 1, sizeof(*bu));
    size_t *of = ws_xcalloc(pub->n + 1, sizeof(*of));
    size_t nb = 0;

    for (size_t g = 0; g < ng; g++)
        gem[g] = (struct code_ix){a->gemeenten[g].code, g};
    qsort(gem, ng, sizeof(*gem), cmp_code_ix);
    for (size_t i = 0; i < all->n_buurten; i++) {
        size_t g = find_code(gem, ng, all->buurten[i].gemeente);
        if (g != SIZE_MAX && all->buurten[i].code)
            bu[nb++] = (struct code_ix){all->buurten[i].code, g};
    }
    for (size_t i = 0; i < all->n_gebieden; i++) {
        size_t g = find_code(gem, ng, all->gebieden[i].gemeente);
        if (g != SIZE_MAX && all->gebieden[i].code)
            bu[nb++] = (struct code_ix){all->gebieden[i].code, g};
    }
    qsort(bu, nb, sizeof(*bu), cmp_code_ix);
    a->rows = ws_xcalloc(ng + 1, sizeof(*a->rows));
    a->n_rows = ws_xcalloc(ng + 1, sizeof(*a->n_rows));
    for (size_t i = 0; i < pub->n; i++) {
        const struct ws_indicator *r = &pub->rows[i];
        of[i] = r->level == WS_LEVEL_GEMEENTE ? find_code(gem, ng, r->code)
                : r->level == WS_LEVEL_WIJK   ? find_code(gem, ng, r->parent)
                                              : find_code(bu, nb, r->code);
        if (of[i] != SIZE_MAX)
            a->n_rows[of[i]]++;
    }
    for (size_t g = 0; g < ng; g++) {
        a->rows[g] = ws_xcalloc(a->n_rows[g] + 1, sizeof(**a->rows));
        a->n_rows[g] = 0;
    }
    for (size_t i = 0; i < pub->n; i++)
        if (of[i] != SIZE_MAX)
            a->rows[of[i]][a->n_rows[of[i]]++] = i;
    free(of);
    free(bu);
    free(gem);
}

static void atlases_release(struct atlases *a, size_t ng)
{
    for (size_t g = 0; a->rows && g < ng; g++)
        free(a->rows[g]);
    free(a->rows);
    free(a->n_rows);
}

/* The atlas of gemeente g: its buurten, wijken and rows (one task of
 * ws_jobs_run). */
static int gemeente_atlas(size_t gi, void *ctx, struct ws_outfiles *out, struct ws_warnings *warn,
                          struct ws_err *err)
{
    const struct atlases *a = ctx;
    const struct ws_report_inputs *all = a->all;
    const struct ws_area *g = &a->gemeenten[gi];
    const struct ws_indicator_set *pub = all->published;
    struct ws_report_inputs in = *all;
    struct ws_map_inputs mi = *a->mi_all;
    struct ws_indicator_set rows;
    struct ws_area *b = ws_xcalloc(all->n_buurten + 1, sizeof(*b));
    struct ws_area *w = ws_xcalloc(all->n_wijken + 1, sizeof(*w));
    struct ws_area *ge = ws_xcalloc(all->n_gebieden + 1, sizeof(*ge));
    size_t nb = 0;
    size_t nw = 0;
    size_t nge = 0;
    struct ws_strbuf dir = WS_STRBUF_INIT;
    int rc;

    (void)warn;
    memset(&rows, 0, sizeof(rows));
    // shallow copies: the areas stay owned by the caller
    for (size_t i = 0; i < all->n_buurten; i++)
        if (same(all->buurten[i].gemeente, g->code))
            b[nb++] = all->buurten[i];
    for (size_t i = 0; i < all->n_wijken; i++)
        if (same(all->wijken[i].gemeente, g->code) || same(all->wijken[i].parent, g->code))
            w[nw++] = all->wijken[i];
    for (size_t i = 0; i < all->n_gebieden; i++)
        if (same(all->gebieden[i].gemeente, g->code))
            ge[nge++] = all->gebieden[i];
    rows.rows = ws_xcalloc(a->n_rows[gi] + 1, sizeof(*rows.rows));
    for (size_t i = 0; i < a->n_rows[gi]; i++)
        rows.rows[rows.n++] = pub->rows[a->rows[gi][i]]; // shallow: the caller's set owns them
    in.published = &rows;
    in.buurten = b;
    in.n_buurten = nb;
    in.wijken = w;
    in.n_wijken = nw;
    in.gebieden = ge;
    in.n_gebieden = nge;
    in.gemeenten = g;
    in.n_gemeenten = 1;
    in.priorities = NULL;
    in.n_priorities = 0;
    in.has_priorities = false;
    in.groups = NULL;
    in.n_groups = 0;
    in.has_groups = false;
    mi.buurten = b;
    mi.n_buurten = nb;
    mi.wijken = w;
    mi.n_wijken = nw;
    mi.gebieden = ge;
    mi.n_gebieden = nge;
    mi.published = &rows;
    ws_strbuf_addf(&dir, "report/%s", g->code);
    rc = write_atlas(&in, &mi, a->maps, dir.buf, out, err);
    ws_strbuf_release(&dir);
    free(rows.rows);
    free(b);
    free(w);
    free(ge);
    return rc;
}

/* One atlas per gemeente, report/GMxxxx/, from that gemeente's rows only
 * (the study-wide priority and group-offer lists are left out: the
 * published priority_rank of its buurten orders its list); the atlases are
 * independent tasks (jobs.h). */
static int gemeente_atlases(const struct ws_report_inputs *in, const struct ws_map_inputs *mi,
                            const struct ws_mapdef *maps, const struct ws_area *gemeenten,
                            size_t ng, struct ws_outfiles *out, struct ws_err *err)
{
    struct atlases a = {in, mi, maps, gemeenten, NULL, NULL};
    int rc;

    rows_by_gemeente(&a, ng);
    // an atlas takes about as long as its gemeente has rows: the largest
    // are started first
    rc = ws_jobs_run_sized("atlas", ng, a.n_rows, gemeente_atlas, &a, out, NULL, err);
    atlases_release(&a, ng);
    return rc;
}

int ws_report_store(struct ws_store *s, const struct ws_study *st, struct ws_outfiles *out,
                    struct ws_err *err)
{
    struct ws_indicator_set published;
    struct ws_report_inputs in;
    struct ws_map_inputs mi;
    struct ws_area *buurten = NULL;
    struct ws_area *wijken = NULL;
    struct ws_area *gemeenten = NULL;
    struct ws_area *gebieden = NULL;
    size_t nb = 0;
    size_t nw = 0;
    size_t ng = 0;
    size_t nge = 0;
    char **files = NULL;
    size_t n_files = 0;
    struct ws_mapdef *maps = NULL;
    size_t n_maps = 0;
    char *note = NULL;
    struct optional_results opt;
    struct ws_strbuf profile = WS_STRBUF_INIT;
    int rc;

    memset(&published, 0, sizeof(published));
    memset(&in, 0, sizeof(in));
    memset(&mi, 0, sizeof(mi));
    memset(&opt, 0, sizeof(opt));
    rc = ws_store_read_areas(s, WS_LEVEL_BUURT, &buurten, &nb, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_WIJK, &wijken, &nw, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_GEMEENTE, &gemeenten, &ng, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_GEBIED, &gebieden, &nge, err);
    rc = rc ? rc : ws_store_read_indicators(s, WS_SET_PUBLISHED, &published, err);
    if (rc)
        goto out;
    if (!published.n) {
        rc = ws_err_set(err, WS_ENOINPUT, "the store holds no published indicators to report");
        ws_err_hint(err, "run 'wijkscan analyse' with the same -o first");
        goto out;
    }
    rc = ws_mapdef_files(st, &files, &n_files, err);
    if (rc)
        goto out;
    maps = ws_xcalloc(n_files + 1, sizeof(*maps));
    for (size_t i = 0; i < n_files && !rc; i++) {
        rc = ws_mapdef_load(files[i], &maps[i], err);
        if (!rc)
            n_maps++;
    }
    if (rc)
        goto out;
    read_optional(s, &opt, &in);
    note = ws_render_source_note(st);

    in.published = &published;
    in.buurten = buurten;
    in.n_buurten = nb;
    in.wijken = wijken;
    in.n_wijken = nw;
    in.gebieden = gebieden;
    in.n_gebieden = nge;
    in.gemeenten = gemeenten;
    in.n_gemeenten = ng;
    in.title = st->title;
    in.language = st->language;
    in.source_note = note;
    for (size_t i = 0; i < st->n_covariates; i++)
        ws_strbuf_addf(&profile, "%s%s", i ? ", " : "", st->covariates[i]);
    in.profile = st->n_covariates ? profile.buf : NULL;
    in.synthetic = says_synthetic(st->case_source) || says_synthetic(st->title);
    in.min_count = st->min_count;
    in.round_to = st->round_to;
    in.maps = maps;
    in.n_maps = n_maps;
    in.wijk_map = pick_wijk_map(maps, n_maps);

    mi.buurten = buurten;
    mi.n_buurten = nb;
    mi.wijken = wijken;
    mi.n_wijken = nw;
    mi.gebieden = gebieden;
    mi.n_gebieden = nge;
    mi.published = &published;
    mi.study_title = st->title;
    mi.language = st->language;
    mi.source_note = note;

    if (ng <= 1)
        rc = write_atlas(&in, &mi, maps, "report", out, err);
    else
        rc = gemeente_atlases(&in, &mi, maps, gemeenten, ng, out, err);
out:
    for (size_t i = 0; i < n_maps; i++)
        ws_mapdef_release(&maps[i]);
    free(maps);
    ws_mapdef_free_paths(files, n_files);
    free(note);
    release_optional(&opt);
    ws_strbuf_release(&profile);
    ws_indicator_set_release(&published);
    ws_store_free_areas(buurten, nb);
    ws_store_free_areas(wijken, nw);
    ws_store_free_areas(gemeenten, ng);
    ws_store_free_areas(gebieden, nge);
    return rc;
}
