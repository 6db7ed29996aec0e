/*
 * gpkg.h - a small GeoPackage writer (OGC 12-128r18, version 1.2) on top of
 * the db.h wrapper and SpatiaLite's GeoPackage SQL functions.
 *
 * One file, one SRID, any number of feature layers of MULTIPOLYGON features
 * with typed attribute columns.  Everything is written in one transaction
 * and committed by ws_gpkg_finish(); ws_gpkg_abort() closes without
 * committing (the caller removes the file).  NULL attributes are stored as
 * SQL NULL.  The result opens with GDAL/OGR (ogrinfo -al -so FILE).
 *
 *   struct ws_gpkg *g;
 *   ws_gpkg_create(path, 28992, &g, &err);            path must not exist
 *   ws_gpkg_add_layer(g, "buurt", fields, n, &err);   the current layer
 *   ws_gpkg_add_feature(g, values, &geom, &err);      repeatedly
 *   ws_gpkg_finish(g, &err);                          commits, closes, frees
 */
#ifndef WIJKSCAN_GPKG_H
#define WIJKSCAN_GPKG_H

#include "wijkscan/err.h"
#include "wijkscan/geom.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_gpkg;

enum ws_gpkg_type {
    WS_GPKG_TEXT = 0,
    WS_GPKG_INTEGER = 1,
    WS_GPKG_REAL = 2,
};

struct ws_gpkg_field {
    const char *name;
    enum ws_gpkg_type type;
};

/* One attribute value; `null` (or a NULL s, or a NaN d) stores SQL NULL. */
struct ws_gpkg_value {
    bool null;
    const char *s; /* WS_GPKG_TEXT (borrowed for the call) */
    int64_t i;     /* WS_GPKG_INTEGER */
    double d;      /* WS_GPKG_REAL */
};

/* Creates a new GeoPackage at path (WS_ECANTCREAT if it exists or cannot be
 * made) with the base tables and the EPSG definition of srid.  *out owned:
 * finish with ws_gpkg_finish() or ws_gpkg_abort(). */
int ws_gpkg_create(const char *path, int srid, struct ws_gpkg **out, struct ws_err *err);
/* Adds a feature layer (table `name` with fid, the fields in order and a
 * MULTIPOLYGON column geom) and makes it the current layer.  Field and layer
 * names must be unique; they are quoted, not checked further. */
int ws_gpkg_add_layer(struct ws_gpkg *g, const char *name, const struct ws_gpkg_field *fields,
                      size_t n_fields, struct ws_err *err);
/* Adds a feature to the current layer: values[k] for field k (types as
 * declared), geom in the SRID (NULL or empty: NULL geometry). */
int ws_gpkg_add_feature(struct ws_gpkg *g, const struct ws_gpkg_value *values,
                        const struct ws_geom *geom, struct ws_err *err);
/* As ws_gpkg_add_feature, with the geometry as a GeoPackage blob made by
 * ws_gpkg_geometry_blob() (to convert a geometry once for many features). */
int ws_gpkg_add_feature_blob(struct ws_gpkg *g, const struct ws_gpkg_value *values,
                             const unsigned char *gpb, size_t gpb_len, const struct ws_bbox *bbox,
                             struct ws_err *err);
/* The GeoPackage geometry blob of geom (owned, free with free(); *len its
 * size), or NULL with *len 0 for an empty geometry. */
int ws_gpkg_geometry_blob(struct ws_gpkg *g, const struct ws_geom *geom, unsigned char **out,
                          size_t *len, struct ws_err *err);
/* Writes the layers' extents, commits and closes; frees g (also on
 * failure, when the file is left incomplete for the caller to remove). */
int ws_gpkg_finish(struct ws_gpkg *g, struct ws_err *err);
/* Closes without committing and frees g (NULL is fine). */
void ws_gpkg_abort(struct ws_gpkg *g);

#endif
