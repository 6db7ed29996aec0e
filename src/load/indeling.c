/*
 * indeling.c - case codes of an older buurt indeling onto the study's
 * buurten (see indeling.h and the README, A new indeling).
 *
 * Tables and polygons are read through ogr_source.c and reprojected through
 * crs.c; the rest is plain C over arrays.  Lookups are binary searches over
 * arrays sorted by code (strcmp order), so a national crosswalk costs
 * n log n.
 */
#include "wijkscan/load/indeling.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/core/text.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/ogr_source.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ws_indeling_init(struct ws_indeling *ix)
{
    memset(ix, 0, sizeof(*ix));
}

void ws_indeling_release(struct ws_indeling *ix)
{
    for (size_t i = 0; i < ix->n; i++) {
        struct ws_indeling_code *c = &ix->codes[i];
        for (size_t k = 0; k < c->n_parts; k++)
            free(c->parts[k].code);
        free(c->parts);
        free(c->old_code);
    }
    free(ix->codes);
    ws_indeling_init(ix);
}

struct ws_indeling_code *ws_indeling_add(struct ws_indeling *ix, const char *old_code,
                                         enum ws_indeling_kind kind, size_t line)
{
    struct ws_indeling_code *c;

    WS_VEC_GROW(ix->codes, ix->n + 1, ix->cap);
    c = &ix->codes[ix->n++];
    memset(c, 0, sizeof(*c));
    c->old_code = ws_xstrdup(old_code);
    c->kind = kind;
    c->line = line;
    return c;
}

void ws_indeling_add_part(struct ws_indeling_code *c, const char *code, size_t area, double share)
{
    struct ws_indeling_part *p;

    WS_VEC_GROW(c->parts, c->n_parts + 1, c->parts_cap);
    p = &c->parts[c->n_parts++];
    p->code = ws_xstrdup(code);
    p->area = area;
    p->share = share;
}

static int cmp_code(const void *a, const void *b)
{
    const struct ws_indeling_code *x = a;
    const struct ws_indeling_code *y = b;
    return strcmp(x->old_code, y->old_code);
}

static int cmp_part(const void *a, const void *b)
{
    const struct ws_indeling_part *x = a;
    const struct ws_indeling_part *y = b;
    return strcmp(x->code, y->code);
}

/* Largest share first, then by code. */
static int cmp_part_share(const void *a, const void *b)
{
    const struct ws_indeling_part *x = a;
    const struct ws_indeling_part *y = b;
    if (x->share != y->share)
        return x->share < y->share ? 1 : -1;
    return strcmp(x->code, y->code);
}

void ws_indeling_sort(struct ws_indeling *ix)
{
    if (ix->n > 1)
        qsort(ix->codes, ix->n, sizeof(*ix->codes), cmp_code);
    for (size_t i = 0; i < ix->n; i++)
        if (ix->codes[i].n_parts > 1)
            qsort(ix->codes[i].parts, ix->codes[i].n_parts, sizeof(*ix->codes[i].parts),
                  ix->codes[i].kind == WS_INDELING_SPLIT ? cmp_part_share : cmp_part);
}

const struct ws_indeling_code *ws_indeling_find(const struct ws_indeling *ix, const char *old_code)
{
    size_t lo = 0;
    size_t hi = ix->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->codes[mid].old_code, old_code);
        if (c == 0)
            return &ix->codes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- the study's buurt codes, sorted, for lookups ---- */

struct area_ref {
    const char *code; /* borrowed from the areas */
    size_t idx;
};

struct area_index {
    const struct ws_area *areas;
    struct area_ref *order; /* sorted by code */
    size_t n;
};

static int cmp_area_ref(const void *a, const void *b)
{
    return strcmp(((const struct area_ref *)a)->code, ((const struct area_ref *)b)->code);
}

static void area_index_init(struct area_index *ai, const struct ws_area *areas, size_t n)
{
    ai->areas = areas;
    ai->n = n;
    ai->order = ws_xcalloc(n ? n : 1, sizeof(*ai->order));
    for (size_t i = 0; i < n; i++)
        ai->order[i] = (struct area_ref){areas[i].code, i};
    if (n > 1)
        qsort(ai->order, n, sizeof(*ai->order), cmp_area_ref);
}

static bool area_index_get(const struct area_index *ai, const char *code, size_t *idx)
{
    struct area_ref key = {code, 0};
    const struct area_ref *hit =
        ai->n ? bsearch(&key, ai->order, ai->n, sizeof(*ai->order), cmp_area_ref) : NULL;

    if (!hit)
        return false;
    *idx = hit->idx;
    return true;
}

/* ---- plausible corrections ---- */

/* True for 'BU' followed by eight digits. */
static bool is_cbs_buurt(const char *c)
{
    if (strlen(c) != 10 || c[0] != 'B' || c[1] != 'U')
        return false;
    for (int k = 2; k < 10; k++)
        if (c[k] < '0' || c[k] > '9')
            return false;
    return true;
}

const char *ws_indeling_suggest(const char *code, const char *const *cands, size_t n)
{
    bool cbs = is_cbs_buurt(code);
    const char *best = NULL;

    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || ws_edit_distance(code, cands[i]) != 1)
            continue;
        if (cbs && (!is_cbs_buurt(cands[i]) || strncmp(code, cands[i], 8) != 0))
            continue;
        if (best) // two candidates at distance 1: neither is plausible enough
            return NULL;
        best = cands[i];
    }
    return best;
}

/* The did-you-mean for an unknown new code of the crosswalk. */
static void hint_new_code(const struct area_index *ai, const char *code, struct ws_err *err)
{
    const char **cands = ws_xcalloc(ai->n ? ai->n : 1, sizeof(*cands));
    const char *near;

    for (size_t i = 0; i < ai->n; i++)
        cands[i] = ai->areas[i].code;
    near = ws_indeling_suggest(code, cands, ai->n);
    if (near)
        ws_err_hint(err,
                    "did you mean '%s'? every new_code must be a buurt code of the "
                    "boundaries (filter a national crosswalk to the study's gemeenten first)",
                    near);
    else
        ws_err_hint(err, "every new_code must be a buurt code of the boundaries (filter a "
                         "national crosswalk to the study's gemeenten first)");
    free(cands);
}

/* ---- the crosswalk table ---- */

struct xrow {
    char *old_code;
    char *new_code;
    size_t area;
    double share;
    size_t line;
};

struct xread {
    struct ws_ogr_table *t;
    const struct area_index *ai;
    size_t col_old, col_new, col_share;
    struct xrow *rows;
    size_t n, cap;
};

static int xrow_error(struct xread *x, const char *column, const char *hint, struct ws_err *err)
{
    ws_ogr_table_where(x->t, column, err);
    if (hint)
        ws_err_hint(err, "%s", hint);
    return WS_EDATA;
}

/* Parses a share in (0, 1] in the table's number convention. */
static int read_share(struct xread *x, double *share, struct ws_err *err)
{
    const char *v = ws_ogr_table_value(x->t, x->col_share);
    double s = 0.0;

    if (ws_parse_number_conv(v, ws_ogr_table_num_conv(x->t), &s) != WS_NUM_OK || !isfinite(s)) {
        if (!v[0])
            ws_err_set(err, WS_EDATA, "share is missing in column 'share'");
        else
            ws_err_set(err, WS_EDATA, "share '%.24s' in column 'share' is not a number", v);
        return xrow_error(x, "share", "a share is a number above 0 and at most 1 (0.25, not 25%)",
                          err);
    }
    if (s <= 0.0 || s > 1.0) {
        ws_err_set(err, WS_EDATA, "share '%.24s' in column 'share' is not above 0 and at most 1",
                   v);
        return xrow_error(x, "share",
                          "a share is the part of the old code's cases that goes to the new "
                          "buurt (0.25, not 25%); leave out rows with share 0",
                          err);
    }
    *share = s;
    return WS_OK;
}

/* Reads the current row into x->rows (or ignores it: its old code is a buurt
 * of the boundaries). */
static int read_xrow(struct ws_indeling *ix, struct xread *x, struct ws_err *err)
{
    const char *old_code = ws_ogr_table_value(x->t, x->col_old);
    const char *new_code = ws_ogr_table_value(x->t, x->col_new);
    size_t area = 0;
    double share = 0.0;
    struct xrow *r;
    int rc;

    if (!old_code[0]) {
        ws_err_set(err, WS_EDATA, "old code is missing in column 'old_code'");
        return xrow_error(x, "old_code", "every crosswalk row needs an old code", err);
    }
    if (!new_code[0]) {
        ws_err_set(err, WS_EDATA, "new code is missing in column 'new_code'");
        return xrow_error(x, "new_code", "every crosswalk row needs the buurt code it maps to",
                          err);
    }
    if (area_index_get(x->ai, old_code, &area)) {
        ix->n_ignored++;
        return WS_OK;
    }
    if (!area_index_get(x->ai, new_code, &area)) {
        ws_err_set(err, WS_EDATA,
                   "new code '%.40s' of the crosswalk is not a buurt of the "
                   "boundaries",
                   new_code);
        ws_ogr_table_where(x->t, "new_code", err);
        hint_new_code(x->ai, new_code, err);
        return WS_EDATA;
    }
    if ((rc = read_share(x, &share, err)))
        return rc;
    WS_VEC_GROW(x->rows, x->n + 1, x->cap);
    r = &x->rows[x->n++];
    r->old_code = ws_xstrdup(old_code);
    r->new_code = ws_xstrdup(new_code);
    r->area = area;
    r->share = share;
    r->line = ws_ogr_table_line(x->t);
    return WS_OK;
}

static int cmp_xrow(const void *a, const void *b)
{
    const struct xrow *x = a;
    const struct xrow *y = b;
    int c = strcmp(x->old_code, y->old_code);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Appends "FILE:LINE" of each row of [lo, hi), at most 6. */
static void list_lines(const struct xread *x, size_t lo, size_t hi, struct ws_strbuf *sb)
{
    for (size_t k = lo; k < hi && k < lo + 6; k++)
        ws_strbuf_addf(sb, "%s%zu", k > lo ? ", " : "", x->rows[k].line);
    if (hi - lo > 6)
        ws_strbuf_addf(sb, " and %zu more", hi - lo - 6);
}

/* Checks the rows [lo, hi) of one old code (sorted by line): no new code
 * twice, shares adding up to 1.  On error *line is the row it names. */
static int check_group(const struct xread *x, size_t lo, size_t hi, size_t *line,
                       struct ws_err *err)
{
    double sum = 0.0;

    for (size_t k = lo; k < hi; k++) {
        for (size_t j = lo; j < k; j++) {
            if (strcmp(x->rows[j].new_code, x->rows[k].new_code) != 0)
                continue;
            ws_err_set(err, WS_EDATA, "old code '%.40s' maps to '%.40s' twice (also at line %zu)",
                       x->rows[k].old_code, x->rows[k].new_code, x->rows[j].line);
            ws_err_hint(err, "give each (old_code, new_code) pair once, with its whole share");
            *line = x->rows[k].line;
            return WS_EDATA;
        }
        sum += x->rows[k].share;
    }
    if (fabs(sum - 1.0) <= WS_INDELING_SUM_TOLERANCE)
        return WS_OK;
    {
        struct ws_strbuf lines = WS_STRBUF_INIT;
        list_lines(x, lo, hi, &lines);
        ws_err_set(err, WS_EDATA, "the shares of old code '%.40s' add up to %.4g, not 1",
                   x->rows[lo].old_code, sum);
        ws_err_hint(err,
                    "the shares of one old code are the parts of its cases that go to each new "
                    "buurt and must add up to 1 (its rows: lines %s)",
                    lines.buf);
        ws_strbuf_release(&lines);
    }
    *line = x->rows[lo].line;
    return WS_EDATA;
}

/* Groups the rows by old code into ix; the first error by line wins. */
static int group_rows(struct ws_indeling *ix, struct xread *x, struct ws_err *err)
{
    struct ws_err first = WS_ERR_INIT;
    size_t first_line = 0;
    size_t lo = 0;

    if (x->n > 1)
        qsort(x->rows, x->n, sizeof(*x->rows), cmp_xrow);
    while (lo < x->n) {
        size_t hi = lo + 1;
        struct ws_err e = WS_ERR_INIT;
        size_t line = 0;
        while (hi < x->n && strcmp(x->rows[hi].old_code, x->rows[lo].old_code) == 0)
            hi++;
        if (check_group(x, lo, hi, &line, &e) != WS_OK) {
            if (!first.code || line < first_line) {
                first = e;
                first_line = line;
            }
        } else {
            struct ws_indeling_code *c =
                ws_indeling_add(ix, x->rows[lo].old_code, WS_INDELING_CROSSWALK, x->rows[lo].line);
            for (size_t k = lo; k < hi; k++)
                ws_indeling_add_part(c, x->rows[k].new_code, x->rows[k].area, x->rows[k].share);
        }
        lo = hi;
    }
    if (!first.code)
        return WS_OK;
    ws_err_set(err, first.code, "%s", first.what);
    {
        struct ws_strbuf where = WS_STRBUF_INIT;
        ws_ogr_table_locate(x->t, first_line, "share", &where);
        ws_err_where(err, "%s", where.buf);
        ws_strbuf_release(&where);
    }
    ws_err_hint(err, "%s", first.hint);
    return WS_EDATA;
}

static int find_xcolumns(struct xread *x, struct ws_err *err)
{
    int rc;

    if ((rc = ws_ogr_table_field_index(x->t, "old_code", NULL, &x->col_old, err)) ||
        (rc = ws_ogr_table_field_index(x->t, "new_code", NULL, &x->col_new, err)) ||
        (rc = ws_ogr_table_field_index(x->t, "share", NULL, &x->col_share, err)))
        return rc;
    return WS_OK;
}

int ws_indeling_read_crosswalk(struct ws_indeling *ix, const char *path,
                               const struct ws_area *areas, size_t n_areas, struct ws_err *err)
{
    struct area_index ai;
    struct xread x;
    int r;
    int rc;

    memset(&x, 0, sizeof(x));
    area_index_init(&ai, areas, n_areas);
    x.ai = &ai;
    if ((rc = ws_ogr_table_open(path, NULL, NULL, &x.t, err)) || (rc = find_xcolumns(&x, err)))
        goto out;
    while ((r = ws_ogr_table_next(x.t, err)) == 1)
        if ((rc = read_xrow(ix, &x, err)))
            goto out;
    if (r < 0) {
        rc = -r;
        goto out;
    }
    rc = group_rows(ix, &x, err);
    ws_indeling_sort(ix);
out:
    ws_ogr_table_close(x.t);
    for (size_t k = 0; k < x.n; k++) {
        free(x.rows[k].old_code);
        free(x.rows[k].new_code);
    }
    free(x.rows);
    free(ai.order);
    return rc;
}

/* ---- the older boundary file ---- */

struct overlay {
    double within; /* share of an old buurt in one new buurt to move it */
    const struct ws_area *areas;
    size_t n_areas;
    struct ws_bbox *boxes; /* of areas[] */
    const struct ws_geom **cand;
    size_t *cand_idx;
    double *cand_area;
};

static bool boxes_meet(const struct ws_bbox *a, const struct ws_bbox *b)
{
    return a->minx <= b->maxx && b->minx <= a->maxx && a->miny <= b->maxy && b->miny <= a->maxy;
}

/* Adds old buurt `code` (geometry g) as moved or split; nothing when it
 * overlaps no buurt of the boundaries. */
static int overlay_one(struct ws_indeling *ix, struct overlay *o, const char *code,
                       const struct ws_geom *g, size_t fid, struct ws_err *err)
{
    struct ws_bbox box = ws_geom_bbox(g);
    double total = ws_geom_area(g);
    double inside = 0.0;
    size_t n = 0;
    size_t best = 0;
    struct ws_indeling_code *c;
    int rc;

    for (size_t i = 0; i < o->n_areas; i++) {
        if (!boxes_meet(&box, &o->boxes[i]))
            continue;
        o->cand[n] = &o->areas[i].geom;
        o->cand_idx[n++] = i;
    }
    if (n == 0 || !(total > 0.0))
        return WS_OK;
    if ((rc = ws_ogr_overlap_areas(g, o->cand, n, o->cand_area, err)))
        return rc;
    for (size_t k = 0; k < n; k++) {
        inside += o->cand_area[k];
        if (o->cand_area[k] > o->cand_area[best])
            best = k;
    }
    if (!(inside > 0.0))
        return WS_OK;
    if (o->cand_area[best] >= o->within * total) {
        c = ws_indeling_add(ix, code, WS_INDELING_MOVED, fid);
        ws_indeling_add_part(c, o->areas[o->cand_idx[best]].code, o->cand_idx[best],
                             o->cand_area[best] / total);
    } else {
        c = ws_indeling_add(ix, code, WS_INDELING_SPLIT, fid);
        for (size_t k = 0; k < n; k++)
            if (o->cand_area[k] >= WS_INDELING_SLIVER * total)
                ws_indeling_add_part(c, o->areas[o->cand_idx[k]].code, o->cand_idx[k],
                                     o->cand_area[k] / total);
    }
    c->outside = inside < total ? 1.0 - inside / total : 0.0;
    return WS_OK;
}

/* The old code of feature f, checked: present and not given twice. */
static int old_feature_code(const struct ws_ogr_polygons *p, const struct ws_ogr_feature *f,
                            const char *path, const char *code_field, struct ws_err *err)
{
    if (!f->values[0]) {
        ws_err_set(err, WS_EDATA, "a feature of '%s' has no code in column '%s'", path, code_field);
        ws_err_where(err, "%s, layer '%s', feature %lld", path, p->layer, (long long)f->fid);
        ws_err_hint(err, "every old buurt needs its code in the [indeling] old_code column");
        return WS_EDATA;
    }
    return WS_OK;
}

/* Errors when two features of the old file have the same code. */
static int check_old_duplicates(const struct ws_ogr_polygons *p, const char *path,
                                struct ws_err *err)
{
    struct ws_indeling seen;
    int rc = WS_OK;

    ws_indeling_init(&seen);
    for (size_t i = 0; i < p->n; i++)
        ws_indeling_add(&seen, p->features[i].values[0], WS_INDELING_MOVED,
                        (size_t)p->features[i].fid);
    ws_indeling_sort(&seen);
    for (size_t i = 1; i < seen.n; i++) {
        if (strcmp(seen.codes[i].old_code, seen.codes[i - 1].old_code) != 0)
            continue;
        ws_err_set(err, WS_EDATA, "duplicate old buurt code '%s' in '%s'", seen.codes[i].old_code,
                   path);
        ws_err_where(err, "%s, layer '%s', feature %zu", path, p->layer, seen.codes[i].line);
        ws_err_hint(err,
                    "features %zu and %zu both have code '%s': one feature per old buurt "
                    "(dissolve multi-part buurten first)",
                    seen.codes[i - 1].line, seen.codes[i].line, seen.codes[i].old_code);
        rc = WS_EDATA;
        break;
    }
    ws_indeling_release(&seen);
    return rc;
}

static int overlay_all(struct ws_indeling *ix, struct ws_ogr_polygons *p, const char *path,
                       const char *code_field, const char *crs, struct overlay *o,
                       struct ws_err *err)
{
    struct area_index ai;
    struct ws_crs_transform *tr = NULL;
    size_t before = ix->n;
    int rc;

    area_index_init(&ai, o->areas, o->n_areas);
    for (size_t i = 0; i < p->n; i++)
        if ((rc = old_feature_code(p, &p->features[i], path, code_field, err)))
            goto out;
    if ((rc = check_old_duplicates(p, path, err)))
        goto out;
    if ((rc = ws_crs_transform_new(p->crs, crs, &tr, err))) {
        ws_err_where(err, "%s, layer '%s'", path, p->layer);
        goto out;
    }
    for (size_t i = 0; i < p->n; i++) {
        struct ws_ogr_feature *f = &p->features[i];
        size_t idx;
        // a code of the boundaries is counted there; a crosswalk row wins
        if (area_index_get(&ai, f->values[0], &idx))
            continue;
        if (before && ws_indeling_find(ix, f->values[0]))
            continue;
        if ((rc = ws_crs_transform_geom(tr, &f->geom, err))) {
            ws_err_where(err, "%s, layer '%s', feature %lld ('%s')", path, p->layer,
                         (long long)f->fid, f->values[0]);
            goto out;
        }
        if ((rc = overlay_one(ix, o, f->values[0], &f->geom, (size_t)f->fid, err)))
            goto out;
    }
out:
    ws_crs_transform_free(tr);
    free(ai.order);
    return rc;
}

int ws_indeling_overlay(struct ws_indeling *ix, const char *path, const char *layer,
                        const char *code_field, const char *crs, double within,
                        const struct ws_area *areas, size_t n_areas, struct ws_warnings *warn,
                        struct ws_err *err)
{
    const char *fields[1] = {code_field};
    static const char *const keys[1] = {"[indeling] old_code"};
    struct ws_ogr_polygons p;
    struct overlay o;
    int rc;

    ws_indeling_sort(ix); // ws_indeling_find() on the crosswalk's codes
    memset(&o, 0, sizeof(o));
    o.within = within;
    o.areas = areas;
    o.n_areas = n_areas;
    o.boxes = ws_xcalloc(n_areas ? n_areas : 1, sizeof(*o.boxes));
    o.cand = ws_xcalloc(n_areas ? n_areas : 1, sizeof(const struct ws_geom *));
    o.cand_idx = ws_xcalloc(n_areas ? n_areas : 1, sizeof(*o.cand_idx));
    o.cand_area = ws_xcalloc(n_areas ? n_areas : 1, sizeof(*o.cand_area));
    for (size_t i = 0; i < n_areas; i++)
        o.boxes[i] = ws_geom_bbox(&areas[i].geom);
    ws_ogr_polygons_init(&p);
    rc = ws_ogr_read_polygons(path, layer, NULL, fields, keys, 1, &p, warn, err);
    if (!rc)
        rc = overlay_all(ix, &p, path, code_field, crs, &o, err);
    ws_indeling_sort(ix);
    ws_ogr_polygons_release(&p);
    free(o.boxes);
    free(o.cand);
    free(o.cand_idx);
    free(o.cand_area);
    return rc;
}

/* ---- applying ---- */

/* Orders part indexes by remainder, largest first, then by index. */
struct remainder {
    double rest;
    size_t k;
};

static int cmp_remainder(const void *a, const void *b)
{
    const struct remainder *x = a;
    const struct remainder *y = b;
    if (x->rest != y->rest)
        return x->rest < y->rest ? 1 : -1;
    return (x->k > y->k) - (x->k < y->k);
}

void ws_indeling_split_count(long long count, const struct ws_indeling_part *parts, size_t n,
                             long long *out)
{
    double sum = 0.0;
    long long left = count;
    struct remainder *rest;

    if (n == 0)
        return;
    for (size_t k = 0; k < n; k++)
        sum += parts[k].share > 0.0 ? parts[k].share : 0.0;
    rest = ws_xcalloc(n, sizeof(*rest));
    for (size_t k = 0; k < n; k++) {
        double exact = 0.0;
        if (sum > 0.0 && parts[k].share > 0.0)
            exact = (double)count * (parts[k].share / sum);
        else if (!(sum > 0.0) && k == 0)
            exact = (double)count; // no share at all: everything to the first part
        out[k] = (long long)floor(exact);
        rest[k] = (struct remainder){exact - floor(exact), k};
        left -= out[k];
    }
    // the whole parts add up to at most count (an integer at most the sum of
    // the exact parts); fewer than n are left, one each to the largest
    // remainders (the modulo only guards against rounding of the shares)
    qsort(rest, n, sizeof(*rest), cmp_remainder);
    for (size_t i = 0; left > 0; i = (i + 1) % n, left--)
        out[rest[i].k]++;
    free(rest);
}

/* A mapped part of one case row. */
struct contrib {
    const char *code; /* borrowed from ix */
    int year;
    const char *category; /* borrowed from old_rows */
    long long count;
    size_t line;
};

static int cmp_key(const char *ca, int ya, const char *ka, const char *cb, int yb, const char *kb)
{
    int c = strcmp(ca, cb);
    if (c)
        return c;
    if (ya != yb)
        return (ya > yb) - (ya < yb);
    return strcmp(ka, kb);
}

static int cmp_contrib(const void *a, const void *b)
{
    const struct contrib *x = a;
    const struct contrib *y = b;
    int c = cmp_key(x->code, x->year, x->category, y->code, y->year, y->category);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

struct case_ref {
    const struct ws_case_row *row;
    size_t idx;
};

static int cmp_case_ref(const void *a, const void *b)
{
    const struct ws_case_row *x = ((const struct case_ref *)a)->row;
    const struct ws_case_row *y = ((const struct case_ref *)b)->row;
    return cmp_key(x->code, x->year, x->category, y->code, y->year, y->category);
}

/* The index of the case row of c's (code, year, category) among the n rows
 * in `order` (sorted), or (size_t)-1. */
static size_t find_case(const struct case_ref *order, size_t n, const struct contrib *c)
{
    struct ws_case_row key = {(char *)c->code, c->year, (char *)c->category, 0, 0};
    struct case_ref k = {&key, 0};
    const struct case_ref *hit = n ? bsearch(&k, order, n, sizeof(*order), cmp_case_ref) : NULL;
    return hit ? hit->idx : (size_t)-1;
}

/* Appends the parts of old row r (mapped by c) to (*out, *n, *cap); split
 * has room for c->n_parts counts. */
static void row_parts(const struct ws_indeling_code *c, const struct ws_case_row *r,
                      long long *split, struct contrib **out, size_t *n, size_t *cap)
{
    size_t n_parts = c->kind == WS_INDELING_MOVED ? 1 : c->n_parts;

    if (c->kind == WS_INDELING_MOVED)
        split[0] = r->count;
    else
        ws_indeling_split_count(r->count, c->parts, c->n_parts, split);
    WS_VEC_GROW(*out, *n + n_parts, *cap);
    for (size_t k = 0; k < n_parts; k++)
        (*out)[(*n)++] =
            (struct contrib){c->parts[k].code, r->year, r->category, split[k], r->line};
}

/* Every part of every old row with its count (0 included: the old row
 * covered that buurt), into *out. */
static int contributions(const struct ws_indeling *ix, const struct ws_case_row *old_rows,
                         size_t n_old, struct contrib **out, size_t *n_out, struct ws_err *err)
{
    size_t cap = 0;
    size_t max_parts = 1;
    long long *split;
    int rc = WS_OK;

    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < ix->n; i++)
        if (ix->codes[i].n_parts > max_parts)
            max_parts = ix->codes[i].n_parts;
    split = ws_xcalloc(max_parts, sizeof(*split));
    for (size_t i = 0; i < n_old; i++) {
        const struct ws_indeling_code *c = ws_indeling_find(ix, old_rows[i].code);
        if (!c || c->kind == WS_INDELING_SPLIT || c->n_parts == 0) {
            rc = ws_err_set(err, WS_EINTERNAL, "old code '%.40s' has no mapping", old_rows[i].code);
            break;
        }
        row_parts(c, &old_rows[i], split, out, n_out, &cap);
    }
    free(split);
    return rc;
}

/* Appends c as a new row to (*rows, *n, *cap), or adds it to the last row
 * when that has c's (code, year, category) (c comes in that order). */
static void add_new_row(struct ws_case_row **rows, size_t *n, size_t *cap, const struct contrib *c)
{
    struct ws_case_row *r = *n ? &(*rows)[*n - 1] : NULL;

    if (r && cmp_key(r->code, r->year, r->category, c->code, c->year, c->category) == 0) {
        r->count += c->count;
        return;
    }
    WS_VEC_GROW(*rows, *n + 1, *cap);
    r = &(*rows)[(*n)++];
    r->code = ws_xstrdup(c->code);
    r->year = c->year;
    r->category = ws_xstrdup(c->category);
    r->count = c->count;
    r->line = c->line;
}

int ws_indeling_apply(const struct ws_indeling *ix, const struct ws_case_row *old_rows,
                      size_t n_old, struct ws_case_row **cases, size_t *n_cases, size_t *cap,
                      struct ws_err *err)
{
    struct contrib *con = NULL;
    size_t n_con = 0;
    struct case_ref *order;
    struct ws_case_row *added = NULL; /* rows of (code, year, category) not in cases */
    size_t n_added = 0;
    size_t added_cap = 0;
    int rc;

    if ((rc = contributions(ix, old_rows, n_old, &con, &n_con, err)))
        return rc;
    if (n_con > 1)
        qsort(con, n_con, sizeof(*con), cmp_contrib);
    order = ws_xcalloc(*n_cases ? *n_cases : 1, sizeof(*order));
    for (size_t i = 0; i < *n_cases; i++)
        order[i] = (struct case_ref){&(*cases)[i], i};
    if (*n_cases > 1)
        qsort(order, *n_cases, sizeof(*order), cmp_case_ref);
    for (size_t k = 0; k < n_con; k++) {
        size_t at = find_case(order, *n_cases, &con[k]);
        if (at != (size_t)-1)
            (*cases)[at].count += con[k].count;
        else
            add_new_row(&added, &n_added, &added_cap, &con[k]);
    }
    free(order);
    free(con);
    if (n_added) {
        WS_VEC_GROW(*cases, *n_cases + n_added, *cap);
        memcpy(*cases + *n_cases, added, n_added * sizeof(*added));
        *n_cases += n_added;
    }
    free(added);
    return WS_OK;
}
