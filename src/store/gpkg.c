/*
 * gpkg.c - a small GeoPackage writer (see gpkg.h).
 *
 * Everything goes through db.h (db.c is the only file that includes
 * sqlite3.h/spatialite.h) and SpatiaLite's GeoPackage SQL functions:
 *   gpkgCreateBaseTables()            gpkg_spatial_ref_sys, gpkg_contents,
 *                                     gpkg_geometry_columns, ...
 *   gpkgInsertEpsgSRID(srid)          the CRS definition
 *   gpkgAddGeometryColumn(t, c, type, z, m, srid)
 *                                     the gpkg_geometry_columns and
 *                                     gpkg_contents rows of a layer
 *   AsGPB(GeomFromWKB(wkb, srid))     a GeoPackage geometry blob
 * The application_id ('GPKG') and user_version (10200) pragmas are set so
 * that GDAL recognises the file as GeoPackage 1.2.  No spatial index and no
 * geometry-type triggers (both optional in the standard; SpatiaLite's
 * triggers would call functions that other readers lack).
 *
 * Invariant: one transaction from create to finish, so a failed write leaves
 * an incomplete file that the caller removes, never a half-valid one.
 */
#include "wijkscan/gpkg.h"

#include "wijkscan/db.h"
#include "wijkscan/mem.h"
#include "wijkscan/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ws_gpkg {
    struct ws_db *db;
    int srid;
    struct ws_stmt *to_gpb; /* SELECT AsGPB(GeomFromWKB(?, srid)) */
    struct ws_stmt *insert; /* the current layer's INSERT */
    char *layer;            /* the current layer's name */
    struct ws_gpkg_field *fields;
    size_t n_fields;
    struct ws_bbox box; /* extent of the current layer so far */
    bool in_tx;
};

static void quote_ident(struct ws_strbuf *sb, const char *name)
{
    ws_strbuf_addch(sb, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            ws_strbuf_addch(sb, '"');
        ws_strbuf_addch(sb, *p);
    }
    ws_strbuf_addch(sb, '"');
}

static void box_reset(struct ws_bbox *b)
{
    b->minx = b->miny = INFINITY;
    b->maxx = b->maxy = -INFINITY;
}

static void box_add(struct ws_bbox *b, const struct ws_bbox *x)
{
    if (x->minx > x->maxx)
        return; // empty
    if (x->minx < b->minx)
        b->minx = x->minx;
    if (x->miny < b->miny)
        b->miny = x->miny;
    if (x->maxx > b->maxx)
        b->maxx = x->maxx;
    if (x->maxy > b->maxy)
        b->maxy = x->maxy;
}

/* Runs a one-row SELECT of a SpatiaLite function and checks that it returned
 * 1 (or, for void functions, anything). */
static int call_function(struct ws_gpkg *g, const char *sql, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc = ws_db_prepare(g->db, sql, &q, err);

    if (!rc) {
        rc = ws_stmt_step(q, err);
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_gpkg_create(const char *path, int srid, struct ws_gpkg **out, struct ws_err *err)
{
    struct ws_gpkg *g = ws_xcalloc(1, sizeof(*g));
    struct ws_strbuf sql = WS_STRBUF_INIT;
    int rc;

    *out = NULL;
    g->srid = srid;
    box_reset(&g->box);
    if ((rc = ws_db_open(path, WS_DB_CREATE, &g->db, err)))
        goto out;
    if ((rc = ws_db_exec(g->db, "BEGIN", err)))
        goto out;
    g->in_tx = true;
    // then application_id 'GPKG' and version 1.2.0 (the base tables set the
    // 1.0 id 'GP10', which GDAL reports as a bad application_id)
    if ((rc = call_function(g, "SELECT gpkgCreateBaseTables()", err)) ||
        (rc = ws_db_exec(g->db,
                         "PRAGMA application_id = 1196444487;"
                         "PRAGMA user_version = 10200;",
                         err)))
        goto out;
    ws_strbuf_addf(&sql, "SELECT gpkgInsertEpsgSRID(%d)", srid);
    if ((rc = call_function(g, sql.buf, err)))
        goto out;
    ws_strbuf_reset(&sql);
    ws_strbuf_addf(&sql, "SELECT AsGPB(GeomFromWKB(?, %d))", srid);
    rc = ws_db_prepare(g->db, sql.buf, &g->to_gpb, err);
out:
    ws_strbuf_release(&sql);
    if (rc) {
        ws_err_where(err, "%s", path);
        ws_gpkg_abort(g);
        g = NULL;
    }
    *out = g;
    return rc;
}

/* Writes the current layer's extent into gpkg_contents. */
static int close_layer(struct ws_gpkg *g, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc = WS_OK;

    if (!g->layer)
        return WS_OK;
    ws_stmt_finalize(g->insert);
    g->insert = NULL;
    if (g->box.minx <= g->box.maxx) {
        rc = ws_db_prepare(g->db,
                           "UPDATE gpkg_contents\n"
                           "SET min_x = ?, min_y = ?, max_x = ?, max_y = ?\n"
                           "WHERE table_name = ?",
                           &q, err);
        if (!rc && !(rc = ws_stmt_bind_double(q, 1, g->box.minx, err)) &&
            !(rc = ws_stmt_bind_double(q, 2, g->box.miny, err)) &&
            !(rc = ws_stmt_bind_double(q, 3, g->box.maxx, err)) &&
            !(rc = ws_stmt_bind_double(q, 4, g->box.maxy, err)) &&
            !(rc = ws_stmt_bind_text(q, 5, g->layer, err))) {
            rc = ws_stmt_step(q, err);
            rc = rc < 0 ? -rc : WS_OK;
        }
        ws_stmt_finalize(q);
    }
    free(g->layer);
    g->layer = NULL;
    free(g->fields);
    g->fields = NULL;
    g->n_fields = 0;
    box_reset(&g->box);
    return rc;
}

int ws_gpkg_add_layer(struct ws_gpkg *g, const char *name, const struct ws_gpkg_field *fields,
                      size_t n_fields, struct ws_err *err)
{
    static const char *const type_sql[] = {"TEXT", "INTEGER", "REAL"};
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_stmt *q = NULL;
    int rc;

    if ((rc = close_layer(g, err)))
        return rc;
    ws_strbuf_adds(&sql, "CREATE TABLE ");
    quote_ident(&sql, name);
    ws_strbuf_adds(&sql, " (\n  fid INTEGER PRIMARY KEY AUTOINCREMENT");
    for (size_t k = 0; k < n_fields; k++) {
        ws_strbuf_adds(&sql, ",\n  ");
        quote_ident(&sql, fields[k].name);
        ws_strbuf_addf(&sql, " %s", type_sql[fields[k].type]);
    }
    ws_strbuf_adds(&sql, "\n)");
    if ((rc = ws_db_exec(g->db, sql.buf, err)))
        goto out;
    // gpkg_geometry_columns and gpkg_contents rows; then a readable identifier
    if ((rc = ws_db_prepare(
             g->db, "SELECT gpkgAddGeometryColumn(?, 'geom', 'MULTIPOLYGON', 0, 0, ?)", &q, err)) ||
        (rc = ws_stmt_bind_text(q, 1, name, err)) || (rc = ws_stmt_bind_int(q, 2, g->srid, err)))
        goto out;
    rc = ws_stmt_step(q, err);
    rc = rc < 0 ? -rc : WS_OK;
    ws_stmt_finalize(q);
    q = NULL;
    if (rc)
        goto out;
    if ((rc = ws_db_prepare(g->db,
                            "UPDATE gpkg_contents\n"
                            "SET identifier = ?1, description = ''\n"
                            "WHERE table_name = ?1",
                            &q, err)) ||
        (rc = ws_stmt_bind_text(q, 1, name, err)))
        goto out;
    rc = ws_stmt_step(q, err);
    rc = rc < 0 ? -rc : WS_OK;
    if (!rc && ws_db_changes(g->db) != 1)
        rc = ws_err_set(err, WS_EINTERNAL,
                        "gpkgAddGeometryColumn made no gpkg_contents row for '%s'", name);
    if (rc)
        goto out;
    // the layer's INSERT
    ws_strbuf_reset(&sql);
    ws_strbuf_adds(&sql, "INSERT INTO ");
    quote_ident(&sql, name);
    ws_strbuf_adds(&sql, " (");
    for (size_t k = 0; k < n_fields; k++) {
        quote_ident(&sql, fields[k].name);
        ws_strbuf_adds(&sql, ", ");
    }
    ws_strbuf_adds(&sql, "geom) VALUES (");
    for (size_t k = 0; k <= n_fields; k++)
        ws_strbuf_adds(&sql, k ? ", ?" : "?");
    ws_strbuf_adds(&sql, ")");
    if ((rc = ws_db_prepare(g->db, sql.buf, &g->insert, err)))
        goto out;
    g->layer = ws_xstrdup(name);
    g->fields = ws_xcalloc(n_fields + 1, sizeof(*g->fields));
    if (n_fields)
        memcpy(g->fields, fields, n_fields * sizeof(*fields));
    g->n_fields = n_fields;
out:
    if (rc)
        ws_err_where(err, "%s, layer '%s'", ws_db_path(g->db), name);
    ws_stmt_finalize(q);
    ws_strbuf_release(&sql);
    return rc;
}

int ws_gpkg_geometry_blob(struct ws_gpkg *g, const struct ws_geom *geom, unsigned char **out,
                          size_t *len, struct ws_err *err)
{
    unsigned char *wkb = NULL;
    size_t n = 0;
    int rc;

    *out = NULL;
    *len = 0;
    if (!geom || geom->n_polys == 0)
        return WS_OK;
    wkb = ws_geom_to_wkb(geom, &n);
    rc = ws_stmt_bind_blob(g->to_gpb, 1, wkb, n, err);
    if (!rc) {
        rc = ws_stmt_step(g->to_gpb, err);
        if (rc == 1) {
            const void *p = ws_stmt_column_blob(g->to_gpb, 0, &n);
            if (p && n) {
                *out = ws_xmalloc(n);
                memcpy(*out, p, n);
                *len = n;
                rc = WS_OK;
            } else {
                rc = ws_err_set(err, WS_EINTERNAL,
                                "SpatiaLite could not convert a geometry to "
                                "a GeoPackage blob");
            }
        } else {
            rc = rc < 0 ? -rc : ws_err_set(err, WS_EINTERNAL, "AsGPB returned no row");
        }
    }
    ws_stmt_reset(g->to_gpb);
    free(wkb);
    return rc;
}

static int bind_values(struct ws_gpkg *g, const struct ws_gpkg_value *v, struct ws_err *err)
{
    int rc = WS_OK;

    for (size_t k = 0; k < g->n_fields && !rc; k++) {
        int i = (int)k + 1;
        switch (g->fields[k].type) {
        case WS_GPKG_TEXT:
            rc = v[k].null || !v[k].s ? ws_stmt_bind_null(g->insert, i, err)
                                      : ws_stmt_bind_text(g->insert, i, v[k].s, err);
            break;
        case WS_GPKG_INTEGER:
            rc = v[k].null ? ws_stmt_bind_null(g->insert, i, err)
                           : ws_stmt_bind_int(g->insert, i, v[k].i, err);
            break;
        case WS_GPKG_REAL:
            rc = v[k].null ? ws_stmt_bind_null(g->insert, i, err)
                           : ws_stmt_bind_double(g->insert, i, v[k].d, err); // NaN: NULL
            break;
        }
    }
    return rc;
}

int ws_gpkg_add_feature_blob(struct ws_gpkg *g, const struct ws_gpkg_value *values,
                             const unsigned char *gpb, size_t gpb_len, const struct ws_bbox *bbox,
                             struct ws_err *err)
{
    int rc;

    if (!g->insert)
        return ws_err_set(err, WS_EINTERNAL, "ws_gpkg_add_feature: no layer");
    rc = bind_values(g, values, err);
    if (!rc)
        rc = gpb ? ws_stmt_bind_blob(g->insert, (int)g->n_fields + 1, gpb, gpb_len, err)
                 : ws_stmt_bind_null(g->insert, (int)g->n_fields + 1, err);
    if (!rc) {
        rc = ws_stmt_step(g->insert, err);
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_reset(g->insert);
    if (!rc && gpb && bbox)
        box_add(&g->box, bbox);
    if (rc)
        ws_err_where(err, "%s, layer '%s'", ws_db_path(g->db), g->layer);
    return rc;
}

int ws_gpkg_add_feature(struct ws_gpkg *g, const struct ws_gpkg_value *values,
                        const struct ws_geom *geom, struct ws_err *err)
{
    unsigned char *gpb = NULL;
    size_t len = 0;
    struct ws_bbox box;
    int rc = ws_gpkg_geometry_blob(g, geom, &gpb, &len, err);

    if (!rc) {
        if (gpb)
            box = ws_geom_bbox(geom);
        rc = ws_gpkg_add_feature_blob(g, values, gpb, len, gpb ? &box : NULL, err);
    }
    free(gpb);
    return rc;
}

static void release(struct ws_gpkg *g)
{
    ws_stmt_finalize(g->insert);
    ws_stmt_finalize(g->to_gpb);
    ws_db_close(g->db);
    free(g->layer);
    free(g->fields);
    free(g);
}

int ws_gpkg_finish(struct ws_gpkg *g, struct ws_err *err)
{
    int rc;

    if (!g)
        return WS_OK;
    rc = close_layer(g, err);
    if (!rc) {
        rc = ws_db_exec(g->db, "COMMIT", err);
        g->in_tx = rc != WS_OK;
    }
    if (g->in_tx)
        (void)ws_db_exec(g->db, "ROLLBACK", NULL);
    release(g);
    return rc;
}

void ws_gpkg_abort(struct ws_gpkg *g)
{
    if (!g)
        return;
    ws_stmt_finalize(g->insert);
    g->insert = NULL;
    if (g->in_tx && g->db)
        (void)ws_db_exec(g->db, "ROLLBACK", NULL);
    release(g);
}
