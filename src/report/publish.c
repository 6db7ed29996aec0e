/*
 * publish.c - writers of the published tables (see publish.h for the file
 * formats).
 *
 * Invariants:
 *   - only a protected set is written: ws_publish_check_protected() runs
 *     before every indicator writer;
 *   - nothing appears under a final name before ws_publish_commit(): each
 *     file is made exclusively (fopen "wx", or a new GeoPackage) under
 *     ".NAME.tmp-PID" in OUTDIR and registered before the first byte, so
 *     ws_publish_abort() can remove even a half-written one;
 *   - numbers are printed without locale (the program never calls
 *     setlocale), so '.' is the decimal point everywhere.
 */
#include "wijkscan/report/publish.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/results.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/render/render.h"
#include "wijkscan/report/xlsx.h"
#include "wijkscan/store/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct pub_file {
    char *tmp;
    char *final;
};

struct ws_publish {
    char *dir;
    struct ws_outfiles *set; /* when set, files go through it (borrowed) */
    struct pub_file *f;
    size_t n, cap;
};

int ws_publish_begin(const char *out_dir, struct ws_publish **out, struct ws_err *err)
{
    struct stat sb;
    struct ws_publish *p;

    *out = NULL;
    if (!out_dir || stat(out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        ws_err_set(err, WS_ECANTCREAT, "cannot write into '%s': it is not a folder",
                   out_dir ? out_dir : "(null)");
        ws_err_hint(err, "create the output folder or choose another with -o");
        return WS_ECANTCREAT;
    }
    p = ws_xcalloc(1, sizeof(*p));
    p->dir = ws_xstrdup(out_dir);
    *out = p;
    return WS_OK;
}

/* Registers OUTDIR/NAME and returns its temporary path (borrowed, valid
 * until commit/abort), after removing a leftover of an earlier run with the
 * same process id. */
static const char *add_file(struct ws_publish *p, const char *name, struct ws_err *err)
{
    struct ws_strbuf tmp = WS_STRBUF_INIT;
    struct ws_strbuf fin = WS_STRBUF_INIT;
    struct pub_file *f;
    const char *ext = strrchr(name, '.');

    if (p->set) {
        const char *path = NULL;
        return ws_outfiles_add(p->set, name, &path, err) ? NULL : path;
    }
    // ".NAME.tmp-PID", keeping the extension at the end (".a.tmp-PID.xlsx"):
    // GDAL's writers choose by it
    if (!ext)
        ext = name + strlen(name);
    ws_strbuf_addf(&tmp, "%s/.%.*s.tmp-%ld%s", p->dir, (int)(ext - name), name, (long)getpid(),
                   ext);
    ws_strbuf_addf(&fin, "%s/%s", p->dir, name);
    (void)unlink(tmp.buf);
    WS_VEC_GROW(p->f, p->n + 1, p->cap);
    f = &p->f[p->n++];
    f->tmp = ws_strbuf_detach(&tmp);
    f->final = ws_strbuf_detach(&fin);
    return f->tmp;
}

static int cannot_write(const char *path, int e, struct ws_err *err)
{
    ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", path);
    ws_err_cause(err, "%s", strerror(e));
    ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    return WS_ECANTCREAT;
}

static int write_file(struct ws_publish *p, const char *name, const char *data, size_t len,
                      struct ws_err *err)
{
    const char *path = add_file(p, name, err);
    FILE *fp = NULL;
    int rc = WS_OK;

    if (!path)
        return WS_ECANTCREAT;
    fp = fopen(path, "wx");
    if (!fp)
        return cannot_write(path, errno, err);
    if (len && fwrite(data, 1, len, fp) != len)
        rc = cannot_write(path, errno, err);
    if (fclose(fp) != 0 && !rc)
        rc = cannot_write(path, errno, err);
    return rc;
}

int ws_publish_text(struct ws_publish *p, const char *name, const char *text, struct ws_err *err)
{
    return write_file(p, name, text ? text : "", text ? strlen(text) : 0, err);
}

int ws_publish_audit_csv(struct ws_publish *p, const struct ws_audit *audit, struct ws_err *err)
{
    char *csv = ws_audit_csv(audit);
    int rc = ws_publish_text(p, "audit.csv", csv, err);

    free(csv);
    return rc;
}

/* The first field that a suppressed row r must not show but does, or -1. */
static int shown_hidden_field(const struct ws_indicator *r)
{
    struct ws_field_value v;

    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        if (ws_field_shown_when_suppressed(k))
            continue;
        ws_field_get(r, k, &v);
        if (!v.null)
            return (int)k;
    }
    return -1;
}

int ws_publish_check_protected(const struct ws_indicator_set *set, struct ws_err *err)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        int k;
        if (r->suppressed == WS_SUPP_NONE || (k = shown_hidden_field(r)) < 0)
            continue;
        ws_err_set(err, WS_EINTERNAL,
                   "refusing to publish: suppressed row %s '%s' (year %d, category '%s') "
                   "still has a count or a figure derived from it",
                   ws_level_name(r->level), r->code ? r->code : "", r->year,
                   r->category ? r->category : "");
        ws_err_cause(err, "field '%s' is not empty", ws_fields[k].name);
        ws_err_hint(err, "publish only the protected set (ws_protect_apply); this is a bug");
        return WS_EINTERNAL;
    }
    return WS_OK;
}

/* --- indicators.csv and indicators_excel.csv -------------------------------- */

/* The two CSV dialects: ',' with a decimal point (indicators.csv), and ';'
 * with a decimal comma, a byte-order mark and CRLF line ends
 * (indicators_excel.csv, as Excel with Dutch settings reads on a
 * double-click). */
struct csv_style {
    char sep;
    char decimal;
    const char *eol;
};

static const struct csv_style csv_plain = {',', '.', "\n"};
static const struct csv_style csv_excel = {';', ',', "\r\n"};

/* Text, quoted (RFC 4180) when it holds a separator, '"', CR or LF. */
static void csv_text(struct ws_strbuf *sb, const char *s, const struct csv_style *st)
{
    ws_strbuf_add_csv_sep(sb, s, st->sep);
}

/* %.10g (the decimal point as the style says), or nothing for NULL; -0
 * prints as 0. */
static void csv_num(struct ws_strbuf *sb, double v, const struct csv_style *st)
{
    size_t at;

    if (isnan(v))
        return;
    if (v == 0.0)
        v = 0.0;
    at = sb->len;
    ws_strbuf_addf(sb, "%.10g", v);
    if (st->decimal != '.') {
        char *dot = strchr(sb->buf + at, '.');
        if (dot)
            *dot = st->decimal;
    }
}

static void csv_header(struct ws_strbuf *sb, const struct csv_style *st)
{
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        if (k)
            ws_strbuf_addch(sb, st->sep);
        ws_strbuf_adds(sb, ws_fields[k].name);
    }
    ws_strbuf_adds(sb, st->eol);
}

/* Field k of r (nothing for NULL): text quoted as needed, a level by its
 * name, numbers as csv_num, counts, ranks and flags as whole numbers. */
static void csv_field(struct ws_strbuf *sb, const struct ws_indicator *r, size_t k,
                      const struct csv_style *st)
{
    struct ws_field_value v;

    ws_field_get(r, k, &v);
    switch (ws_fields[k].kind) {
    case WS_KIND_REAL:
        csv_num(sb, v.d, st);
        break;
    case WS_KIND_TEXT:
    case WS_KIND_LABEL:
        csv_text(sb, v.s, st);
        break;
    case WS_KIND_LEVEL:
        ws_strbuf_adds(sb, ws_level_name(r->level));
        break;
    case WS_KIND_INT:
    case WS_KIND_COUNT:
    case WS_KIND_RANK:
    case WS_KIND_FLAG:
        if (!v.null)
            ws_strbuf_addf(sb, "%lld", v.i);
        break;
    }
}

static void csv_row(struct ws_strbuf *sb, const struct ws_indicator *r, const struct csv_style *st)
{
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        if (k)
            ws_strbuf_addch(sb, st->sep);
        csv_field(sb, r, k, st);
    }
    ws_strbuf_adds(sb, st->eol);
}

static int write_csv(struct ws_publish *p, const char *name,
                     const struct ws_indicator_set *published, const struct csv_style *st,
                     struct ws_err *err)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *path;
    FILE *fp = NULL;
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    path = add_file(p, name, err);
    if (!path)
        return WS_ECANTCREAT;
    fp = fopen(path, "wx");
    if (!fp)
        return cannot_write(path, errno, err);
    if (st->sep != ',')
        ws_strbuf_adds(&sb, "\xEF\xBB\xBF"); // Excel reads UTF-8 only after a BOM
    csv_header(&sb, st);
    for (size_t i = 0; i < published->n && !rc; i++) {
        csv_row(&sb, &published->rows[i], st);
        // write in blocks of about 1 MB
        if (sb.len > (1u << 20) || i + 1 == published->n) {
            if (fwrite(sb.buf, 1, sb.len, fp) != sb.len)
                rc = cannot_write(path, errno, err);
            ws_strbuf_reset(&sb);
        }
    }
    if (!rc && sb.len && fwrite(sb.buf, 1, sb.len, fp) != sb.len)
        rc = cannot_write(path, errno, err);
    if (fclose(fp) != 0 && !rc)
        rc = cannot_write(path, errno, err);
    ws_strbuf_release(&sb);
    return rc;
}

int ws_publish_indicators_csv(struct ws_publish *p, const struct ws_indicator_set *published,
                              struct ws_err *err)
{
    return write_csv(p, "indicators.csv", published, &csv_plain, err);
}

int ws_publish_indicators_excel_csv(struct ws_publish *p, const struct ws_indicator_set *published,
                                    struct ws_err *err)
{
    return write_csv(p, "indicators_excel.csv", published, &csv_excel, err);
}

/* --- indicators.gpkg and indicators.xlsx ------------------------------------ */

/* The OGR type of each kind of field. */
static enum ws_ogr_type ogr_type(enum ws_field_kind kind)
{
    switch (kind) {
    case WS_KIND_REAL:
        return WS_OGR_REAL;
    case WS_KIND_INT:
    case WS_KIND_COUNT:
    case WS_KIND_RANK:
    case WS_KIND_FLAG:
        return WS_OGR_INTEGER;
    case WS_KIND_TEXT:
    case WS_KIND_LEVEL:
    case WS_KIND_LABEL:
        break;
    }
    return WS_OGR_TEXT;
}

static void text_value(struct ws_ogr_value *v, const char *s)
{
    v->null = !s || !*s;
    v->s = s;
}

static void row_values(const struct ws_indicator *r, struct ws_ogr_value *v)
{
    struct ws_field_value fv;

    memset(v, 0, WS_N_FIELDS * sizeof(*v));
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        ws_field_get(r, k, &fv);
        v[k].null = fv.null;
        v[k].s = fv.s;
        v[k].i = fv.i;
        v[k].d = fv.d;
        if (ws_fields[k].kind == WS_KIND_LEVEL)
            text_value(&v[k], ws_level_name(r->level));
    }
}

static int cmp_area_ptr(const void *pa, const void *pb)
{
    const struct ws_area *a = *(const struct ws_area *const *)pa;
    const struct ws_area *b = *(const struct ws_area *const *)pb;

    return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

static int cmp_code_area(const void *pkey, const void *pel)
{
    const char *code = *(const char *const *)pkey;
    const struct ws_area *a = *(const struct ws_area *const *)pel;

    return strcmp(code, a->code ? a->code : "");
}

/* One WKB per area, converted once. */
struct geom_cache {
    const struct ws_area **sorted;
    unsigned char **wkb;
    size_t *len;
    bool *done;
    size_t n;
};

static void cache_init(struct geom_cache *gc, const struct ws_area *areas, size_t n)
{
    memset(gc, 0, sizeof(*gc));
    gc->n = n;
    gc->sorted = ws_xcalloc(n + 1, sizeof(const struct ws_area *));
    gc->wkb = ws_xcalloc(n + 1, sizeof(*gc->wkb));
    gc->len = ws_xcalloc(n + 1, sizeof(*gc->len));
    gc->done = ws_xcalloc(n + 1, sizeof(*gc->done));
    for (size_t i = 0; i < n; i++)
        gc->sorted[i] = &areas[i];
    if (n)
        qsort(gc->sorted, n, sizeof(const struct ws_area *), cmp_area_ptr);
}

static void cache_release(struct geom_cache *gc)
{
    for (size_t i = 0; i < gc->n; i++)
        free(gc->wkb[i]);
    free(gc->sorted);
    free(gc->wkb);
    free(gc->len);
    free(gc->done);
}

/* The WKB of area `code` (NULL, *len 0 when unknown or empty); borrowed. */
static const unsigned char *cache_get(struct geom_cache *gc, const char *code, size_t *len)
{
    const struct ws_area *const *hit;
    size_t k;

    *len = 0;
    if (!code || !gc->n)
        return NULL;
    hit = bsearch(&code, gc->sorted, gc->n, sizeof(const struct ws_area *), cmp_code_area);
    if (!hit)
        return NULL;
    k = (size_t)(hit - gc->sorted);
    if (!gc->done[k]) {
        if ((*hit)->geom.n_polys > 0)
            gc->wkb[k] = ws_geom_to_wkb(&(*hit)->geom, &gc->len[k]);
        gc->done[k] = true;
    }
    *len = gc->len[k];
    return gc->wkb[k];
}

/* gpkg_contents.last_change (and GDAL's other timestamps): SOURCE_DATE_EPOCH
 * when set, else a fixed date, so that two runs write the same bytes. */
static void publish_date(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long t = sde ? strtoll(sde, &end, 10) : -1;
    time_t tt;
    struct tm tm;

    if (!sde || end == sde || *end || t < 0) {
        (void)snprintf(buf, size, "2000-01-01T00:00:00.000Z");
        return;
    }
    tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
        (void)snprintf(buf, size, "2000-01-01T00:00:00.000Z");
}

/* The three level layers of the published set into w: GeoPackage and
 * database layers with geometry (srid > 0) and the field names, or
 * spreadsheet sheets without geometry (srid 0) and the readable headers of
 * `language`. */
static int write_levels(struct ws_ogr_writer *w, const struct ws_indicator_set *published,
                        const struct ws_publish_areas *areas, int srid, const char *language,
                        const char *prefix, const char *const *layer_options, struct ws_err *err)
{
    struct ws_strbuf name = WS_STRBUF_INIT;
    struct ws_ogr_field f[WS_N_FIELDS];
    struct ws_ogr_value v[WS_N_FIELDS];
    int rc = WS_OK;

    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        f[k].name = ws_fields[k].name;
        f[k].type = ogr_type(ws_fields[k].kind);
        if (language)
            f[k].name =
                strcmp(language, "en") == 0 ? ws_fields[k].header_en : ws_fields[k].header_nl;
    }
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS && !rc; lv++) {
        struct geom_cache gc;
        cache_init(&gc, areas ? areas->areas[lv] : NULL, areas ? areas->n[lv] : 0);
        ws_strbuf_reset(&name);
        ws_strbuf_addf(&name, "%s%s%s", prefix ? prefix : "", prefix ? "_" : "",
                       ws_level_name((enum ws_level)lv));
        rc = ws_ogr_writer_add_layer(w, name.buf, srid, f, WS_N_FIELDS, layer_options, err);
        for (size_t i = 0; i < published->n && !rc; i++) {
            const struct ws_indicator *r = &published->rows[i];
            const unsigned char *wkb = NULL;
            size_t len = 0;
            if ((int)r->level != lv)
                continue;
            row_values(r, v);
            if (srid > 0)
                wkb = cache_get(&gc, r->code, &len);
            rc = ws_ogr_writer_add_feature(w, v, wkb, len, err);
        }
        cache_release(&gc);
    }
    ws_strbuf_release(&name);
    return rc;
}

/* The latest year of `level` with rows of category 'all' (0: none). */
static int latest_year(const struct ws_indicator_set *set, enum ws_level level)
{
    int y = 0;

    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        if (r->level == level && r->category && !strcmp(r->category, "all") && r->year > y)
            y = r->year;
    }
    return y;
}

/* LEVEL_latest: a view of the latest single year (period 1), category 'all' (one feature per
 * area), registered as a feature layer so that GIS users see it. */
static int add_latest_view(struct ws_ogr_writer *w, enum ws_level lv, int year, int srid,
                           const char *date, struct ws_err *err)
{
    const char *level = ws_level_name(lv);
    struct ws_strbuf sql = WS_STRBUF_INIT;
    int rc;

    ws_strbuf_addf(&sql,
                   "CREATE VIEW \"%s_latest\" AS SELECT * FROM \"%s\" WHERE year = %d AND "
                   "period = 1 AND category = 'all'",
                   level, level, year);
    if ((rc = ws_ogr_writer_exec(w, sql.buf, err)))
        goto out;
    ws_strbuf_reset(&sql);
    ws_strbuf_addf(&sql,
                   "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                   "last_change, srs_id) VALUES ('%s_latest', 'features', '%s_latest', "
                   "'%s: %d, category all (one feature per %s)', '%s', %d)",
                   level, level, level, year, level, date, srid);
    if ((rc = ws_ogr_writer_exec(w, sql.buf, err)))
        goto out;
    ws_strbuf_reset(&sql);
    ws_strbuf_addf(&sql,
                   "INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                   "geometry_type_name, srs_id, z, m) VALUES ('%s_latest', 'geom', "
                   "'MULTIPOLYGON', %d, 0, 0)",
                   level, srid);
    rc = ws_ogr_writer_exec(w, sql.buf, err);
out:
    ws_strbuf_release(&sql);
    return rc;
}

enum {
    S_CATALOG,
    S_SCHEMA,
    S_TABLE,
    S_GEOMETRY,
    S_NAME,
    S_QML,
    S_SLD,
    S_DEFAULT,
    S_DESCRIPTION,
    S_OWNER,
    S_UI,
    S_TIME,
    N_STYLE_FIELDS
};

/* QGIS's layer_styles table (the columns QGIS itself creates). */
static const struct ws_ogr_field style_fields[N_STYLE_FIELDS] = {
    {"f_table_catalog", WS_OGR_TEXT},
    {"f_table_schema", WS_OGR_TEXT},
    {"f_table_name", WS_OGR_TEXT},
    {"f_geometry_column", WS_OGR_TEXT},
    {"styleName", WS_OGR_TEXT},
    {"styleQML", WS_OGR_TEXT},
    {"styleSLD", WS_OGR_TEXT},
    {"useAsDefault", WS_OGR_INTEGER},
    {"description", WS_OGR_TEXT},
    {"owner", WS_OGR_TEXT},
    {"ui", WS_OGR_TEXT},
    {"update_time", WS_OGR_TEXT},
};

static int add_style_row(struct ws_ogr_writer *w, const struct ws_layer_style *st,
                         const char *table, const char *date, struct ws_err *err)
{
    struct ws_ogr_value v[N_STYLE_FIELDS];

    memset(v, 0, sizeof(v));
    for (size_t k = 0; k < N_STYLE_FIELDS; k++)
        v[k].null = true;
    text_value(&v[S_CATALOG], "");
    v[S_CATALOG].null = false;
    text_value(&v[S_SCHEMA], "");
    v[S_SCHEMA].null = false;
    text_value(&v[S_TABLE], table);
    text_value(&v[S_GEOMETRY], "geom");
    text_value(&v[S_NAME], st->name);
    text_value(&v[S_QML], st->qml);
    v[S_DEFAULT].null = false;
    v[S_DEFAULT].i = st->is_default;
    text_value(&v[S_DESCRIPTION], st->description);
    text_value(&v[S_OWNER], "wijkscan");
    text_value(&v[S_TIME], date);
    return ws_ogr_writer_add_feature(w, v, NULL, 0, err);
}

/* The convenience views and QGIS's layer_styles (each style on its level's
 * layer, and on LEVEL_latest when it shows that year). */
static int write_gpkg_extras(struct ws_ogr_writer *w, const struct ws_indicator_set *published,
                             const struct ws_layer_styles *styles, int srid, const char *date,
                             struct ws_err *err)
{
    static const char *const options[] = {"FID=id", "DESCRIPTION=QGIS styles of the maps", NULL};
    int latest[WS_N_LEVELS];
    int rc = WS_OK;

    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS && !rc; lv++) {
        latest[lv] = latest_year(published, (enum ws_level)lv);
        if (latest[lv])
            rc = add_latest_view(w, (enum ws_level)lv, latest[lv], srid, date, err);
    }
    if (rc || !styles || !styles->n)
        return rc;
    rc = ws_ogr_writer_add_layer(w, "layer_styles", 0, style_fields, N_STYLE_FIELDS, options, err);
    for (size_t i = 0; i < styles->n && !rc; i++) {
        const struct ws_layer_style *st = &styles->v[i];
        struct ws_strbuf view = WS_STRBUF_INIT;
        int lv = WS_LEVEL_BUURT;
        for (int k = 0; k < WS_N_LEVELS; k++)
            if (strcmp(st->layer, ws_level_name((enum ws_level)k)) == 0)
                lv = k;
        rc = add_style_row(w, st, st->layer, date, err);
        ws_strbuf_addf(&view, "%s_latest", st->layer);
        if (!rc && latest[lv] && st->year == latest[lv])
            rc = add_style_row(w, st, view.buf, date, err);
        ws_strbuf_release(&view);
    }
    return rc;
}

/* A file that GDAL (SQLite) created with its own mode gets the one every
 * published file has: 0666 less the umask. */
static void follow_umask(const char *path)
{
    mode_t mask = umask(0);

    (void)umask(mask);
    (void)chmod(path, 0666 & ~mask);
}

/* Opens OUTDIR/name for GDAL's `driver` (a temporary path registered with
 * p), after the protection check; *path is that temporary path. */
static int ogr_file_begin(struct ws_publish *p, const struct ws_indicator_set *published,
                          const char *driver, const char *name, char *date, size_t date_size,
                          const char **path, struct ws_ogr_writer **w, struct ws_err *err)
{
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    publish_date(date, date_size);
    if (!(*path = add_file(p, name, err)))
        return WS_ECANTCREAT;
    return ws_ogr_writer_create(driver, *path, date, w, err);
}

/* Finishes (rc WS_OK) or abandons the file of ogr_file_begin(). */
static int ogr_file_end(struct ws_ogr_writer *w, const char *path, int rc, struct ws_err *err)
{
    if (rc) {
        ws_ogr_writer_abort(w);
        return rc;
    }
    if (!(rc = ws_ogr_writer_finish(w, err)))
        follow_umask(path);
    return rc;
}

int ws_publish_indicators_gpkg(struct ws_publish *p, const struct ws_indicator_set *published,
                               const struct ws_publish_areas *areas, int srid,
                               const struct ws_layer_styles *styles, struct ws_err *err)
{
    static const char *const options[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                                          NULL};
    struct ws_ogr_writer *w = NULL;
    const char *path = NULL;
    char date[32];
    int rc;

    if ((rc = ogr_file_begin(p, published, "GPKG", "indicators.gpkg", date, sizeof(date), &path, &w,
                             err)))
        return rc;
    rc = write_levels(w, published, areas, srid, NULL, NULL, options, err);
    if (!rc)
        rc = write_gpkg_extras(w, published, styles, srid, date, err);
    return ogr_file_end(w, path, rc, err);
}

/* The sheets of indicators.xlsx: one per level, the headers of `language`,
 * written row by row. */
static int write_sheets(struct ws_xlsx *x, const struct ws_indicator_set *published,
                        const char *language, struct ws_err *err)
{
    struct ws_ogr_field f[WS_N_FIELDS];
    struct ws_ogr_value v[WS_N_FIELDS];
    bool en = strcmp(language, "en") == 0;
    int rc = WS_OK;

    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        f[k].name = en ? ws_fields[k].header_en : ws_fields[k].header_nl;
        f[k].type = ogr_type(ws_fields[k].kind);
    }
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS && !rc; lv++) {
        rc = ws_xlsx_sheet_begin(x, ws_level_name((enum ws_level)lv), f, WS_N_FIELDS, err);
        for (size_t i = 0; i < published->n && !rc; i++) {
            if ((int)published->rows[i].level != lv)
                continue;
            row_values(&published->rows[i], v);
            rc = ws_xlsx_row(x, v, err);
        }
    }
    return rc;
}

int ws_publish_indicators_xlsx(struct ws_publish *p, const struct ws_indicator_set *published,
                               const char *language, struct ws_err *err)
{
    struct ws_xlsx *x = NULL;
    const char *path;
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    if (!(path = add_file(p, "indicators.xlsx", err)))
        return WS_ECANTCREAT;
    if ((rc = ws_xlsx_create(path, &x, err)))
        return rc;
    rc = write_sheets(x, published, language ? language : "nl", err);
    if (rc) {
        ws_xlsx_abort(x);
        return rc;
    }
    if (!(rc = ws_xlsx_finish(x, err)))
        follow_umask(path);
    return rc;
}

/* --- [output] database ------------------------------------------------------- */

/* A table prefix is a plain SQL name: letters, digits, '_', not starting
 * with a digit (PostgreSQL folds it to lower case). */
static bool plain_name(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

int ws_publish_database(const struct ws_study *st, const struct ws_indicator_set *published,
                        const struct ws_publish_areas *areas, int srid, struct ws_err *err)
{
    static const char *const options[] = {"OVERWRITE=YES", "GEOMETRY_NAME=geom", "FID=fid",
                                          "PRECISION=NO", NULL};
    const char *prefix = st->out_prefix ? st->out_prefix : "wijkscan";
    struct ws_ogr_writer *w = NULL;
    struct ws_strbuf sql = WS_STRBUF_INIT;
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    if (strncmp(st->out_database, "PG:", 3) != 0) {
        ws_err_set(err, WS_EDATA, "[output] database is not a PostgreSQL connection string");
        ws_study_where(st, "output", "database", err);
        ws_err_hint(err, "write it as GDAL does: database = PG:dbname=gis host=localhost "
                         "user=analist");
        return WS_EDATA;
    }
    if (!plain_name(prefix)) {
        ws_err_set(err, WS_EDATA, "table_prefix '%s' is not a plain SQL name", prefix);
        ws_study_where(st, "output", "table_prefix", err);
        ws_err_hint(err, "use letters, digits and '_' only, not starting with a digit");
        return WS_EDATA;
    }
    if ((rc = ws_ogr_writer_create("PostgreSQL", st->out_database, NULL, &w, err))) {
        ws_study_where(st, "output", "database", err);
        return rc;
    }
    // without PostGIS GDAL would store the polygons as plain bytes
    if (ws_ogr_writer_exec(w, "SELECT postgis_version()", err) != WS_OK) {
        ws_err_clear(err);
        ws_err_set(err, WS_ECANTCREAT, "the database of [output] database has no PostGIS");
        ws_study_where(st, "output", "database", err);
        ws_err_hint(err, "run 'CREATE EXTENSION postgis;' in that database (Debian: package "
                         "postgresql-15-postgis-3), or name another database");
        ws_ogr_writer_abort(w);
        return WS_ECANTCREAT;
    }
    rc = write_levels(w, published, areas, srid, NULL, prefix, options, err);
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS && !rc; lv++) {
        const char *level = ws_level_name((enum ws_level)lv);
        int year = latest_year(published, (enum ws_level)lv);
        if (!year)
            continue;
        ws_strbuf_reset(&sql);
        ws_strbuf_addf(&sql,
                       "CREATE VIEW %s_%s_latest AS SELECT * FROM %s_%s WHERE year = %d AND "
                       "period = 1 AND category = 'all'",
                       prefix, level, prefix, level, year);
        rc = ws_ogr_writer_exec(w, sql.buf, err);
    }
    ws_strbuf_release(&sql);
    if (rc) {
        ws_ogr_writer_abort(w);
        return rc;
    }
    return ws_ogr_writer_finish(w, err);
}

/* --- commit and abort -------------------------------------------------------- */

static void release(struct ws_publish *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->f[i].tmp);
        free(p->f[i].final);
    }
    free(p->f);
    free(p->dir);
    free(p);
}

static void remove_tmp(const char *path)
{
    struct ws_strbuf side = WS_STRBUF_INIT;

    (void)unlink(path);
    // SQLite side files of a GeoPackage (journal_mode MEMORY leaves none,
    // but a crash of another mode could)
    ws_strbuf_addf(&side, "%s-journal", path);
    (void)unlink(side.buf);
    ws_strbuf_reset(&side);
    ws_strbuf_addf(&side, "%s-wal", path);
    (void)unlink(side.buf);
    ws_strbuf_reset(&side);
    ws_strbuf_addf(&side, "%s-shm", path);
    (void)unlink(side.buf);
    ws_strbuf_release(&side);
}

int ws_publish_commit(struct ws_publish *p, struct ws_err *err)
{
    int rc = WS_OK;
    size_t i;

    if (!p)
        return WS_OK;
    if (p->set) {
        release(p); /* the set's commit renames the files */
        return WS_OK;
    }
    for (i = 0; i < p->n; i++) {
        if (rename(p->f[i].tmp, p->f[i].final) != 0) {
            int e = errno;
            ws_err_set(err, WS_ECANTCREAT, "cannot rename '%s' to '%s'", p->f[i].tmp,
                       p->f[i].final);
            ws_err_cause(err, "%s", strerror(e));
            ws_err_hint(err, "check that the output folder is writable");
            rc = WS_ECANTCREAT;
            break;
        }
    }
    for (; i < p->n; i++)
        remove_tmp(p->f[i].tmp);
    release(p);
    return rc;
}

void ws_publish_abort(struct ws_publish *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        remove_tmp(p->f[i].tmp);
    release(p);
}

/* --- from the store ------------------------------------------------------------ */

int ws_publish_begin_set(struct ws_outfiles *set, struct ws_publish **out)
{
    struct ws_publish *p = ws_xcalloc(1, sizeof(*p));

    p->dir = ws_xstrdup(set->dir);
    p->set = set;
    *out = p;
    return WS_OK;
}

/* groepsaanbod.csv, priorities.csv and manifest.json, written from the
 * store's typed results (results.h).  Each text owned. */
static int typed_results_text(struct ws_store *s, char **offers, char **prio, char **manifest,
                              struct ws_err *err)
{
    struct ws_offer_row *o = NULL;
    struct ws_priority_row *r = NULL;
    struct ws_manifest_item *m = NULL;
    size_t no = 0;
    size_t nr = 0;
    size_t nm = 0;
    int rc;

    if (!(rc = ws_store_read_offers(s, &o, &no, err)) &&
        !(rc = ws_store_read_priorities(s, &r, &nr, err)) &&
        !(rc = ws_store_read_manifest(s, &m, &nm, err))) {
        *offers = ws_offers_csv(o, no);
        *prio = ws_priorities_csv(r, nr);
        *manifest = ws_manifest_json(m, nm);
    }
    ws_offer_rows_free(o, no);
    ws_priority_rows_free(r, nr);
    ws_manifest_items_free(m, nm);
    return rc;
}

int ws_publish_tables(struct ws_store *s, struct ws_outfiles *set, const struct ws_study *st,
                      struct ws_err *err)
{
    struct ws_layer_styles styles = {NULL, 0, 0};
    struct ws_err ignored = WS_ERR_INIT;
    struct ws_indicator_set pub = {0};
    struct ws_area *areas[WS_N_LEVELS] = {NULL, NULL, NULL, NULL};
    struct ws_publish_areas pa;
    struct ws_publish *p = NULL;
    char *stats = NULL;
    char *audit = NULL;
    char *offers = NULL;
    char *prio = NULL;
    char *manifest = NULL;
    int rc;

    memset(&pa, 0, sizeof(pa));
    if ((rc = ws_store_read_indicators(s, WS_SET_PUBLISHED, &pub, err)) ||
        (rc = ws_publish_check_protected(&pub, err)))
        goto out;
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS; lv++) {
        if ((rc = ws_store_read_areas(s, (enum ws_level)lv, &areas[lv], &pa.n[lv], err)))
            goto out;
        pa.areas[lv] = areas[lv];
    }
    if ((rc = ws_store_get_result(s, "statistics.json", &stats, err)) ||
        (rc = ws_store_get_result(s, "audit.csv", &audit, err)) ||
        (rc = typed_results_text(s, &offers, &prio, &manifest, err)))
        goto out;
    // the maps' QGIS styles; map definitions that cannot be read are the map
    // stage's to report, so the tables are published without styles then
    if (st && ws_render_styles_store(s, st, &pub, &styles, &ignored) != WS_OK)
        ws_layer_styles_release(&styles);
    if ((rc = ws_publish_begin_set(set, &p)) || (rc = ws_publish_indicators_csv(p, &pub, err)) ||
        (rc = ws_publish_indicators_excel_csv(p, &pub, err)) ||
        (rc = ws_publish_indicators_gpkg(p, &pub, &pa, ws_store_srid(s), &styles, err)) ||
        (rc = ws_publish_indicators_xlsx(p, &pub, st ? st->language : NULL, err)) ||
        (rc = ws_publish_text(p, "statistics.json", stats, err)) ||
        (rc = ws_publish_text(p, "audit.csv", audit, err)) ||
        (rc = ws_publish_text(p, "groepsaanbod.csv", offers, err)) ||
        (rc = ws_publish_text(p, "priorities.csv", prio, err)) ||
        (rc = ws_publish_text(p, "manifest.json", manifest, err)))
        goto out;
    // the database in its own transaction, before the files are renamed: a
    // failure there leaves neither
    if (st && st->out_database && (rc = ws_publish_database(st, &pub, &pa, ws_store_srid(s), err)))
        goto out;
    rc = ws_publish_commit(p, err);
    p = NULL;
out:
    ws_publish_abort(p);
    for (int lv = WS_LEVEL_BUURT; lv < WS_N_LEVELS; lv++)
        ws_store_free_areas(areas[lv], pa.n[lv]);
    ws_indicator_set_release(&pub);
    ws_layer_styles_release(&styles);
    free(stats);
    free(audit);
    free(offers);
    free(prio);
    free(manifest);
    return rc;
}
