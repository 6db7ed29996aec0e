/*
 * crs.h - coordinate reference systems: the one wrapper around PROJ.
 *
 * crs.c is the only file that includes proj.h; PROJ objects never leave it.
 * Each ws_crs_* call works in its own PJ_CONTEXT whose log function captures
 * PROJ's messages, so PROJ never prints to stderr; library text goes to
 * err->cause.
 *
 * Axis order: coordinates are always (x, y) = (easting, northing) or
 * (longitude, latitude), whatever the CRS definition says (PROJ's
 * proj_normalize_for_visualization; GDAL's OAMS_TRADITIONAL_GIS_ORDER).
 */
#ifndef WIJKSCAN_CRS_H
#define WIJKSCAN_CRS_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"

#include <stdbool.h>

/* Process-wide end: proj_cleanup().  Call once from main, after every
 * transform has been freed.  Safe to call when nothing was used. */
void ws_crs_global_shutdown(void);
/* PROJ's release string ("Rel. 9.1.1, December 1st, 2022"); static. */
const char *ws_crs_proj_version(void);

/* Validates the study's working CRS `def` ("EPSG:28992", WKT, PROJJSON or a
 * PROJ string): it must be a projected CRS in metres with an EPSG code.  On
 * success *srid is the EPSG code.  A bad definition is WS_EDATA, with
 * "crs 'X' ..." in what and a hint; err->where is left to the caller (the
 * study file line). */
int ws_crs_check(const char *def, int *srid, struct ws_err *err);

/* A prepared transformation from one CRS to another. */
struct ws_crs_transform;

/* Prepares the transformation from `src_def` (e.g. the WKT GDAL reports for a
 * layer) to `dst_def` (the study's crs).  *out is owned; free with
 * ws_crs_transform_free().  A bad definition or no known transformation is
 * WS_EDATA with the PROJ text in err->cause. */
int ws_crs_transform_new(const char *src_def, const char *dst_def, struct ws_crs_transform **out,
                         struct ws_err *err);
/* True when source and target are the same CRS (transforming is a no-op). */
bool ws_crs_transform_is_noop(const struct ws_crs_transform *t);
/* Transforms every point of g in place.  A point that cannot be transformed
 * (outside the area of use, infinite result) is WS_EDATA; g is then left
 * partly transformed and should be released. */
int ws_crs_transform_geom(struct ws_crs_transform *t, struct ws_geom *g, struct ws_err *err);
/* Transforms n points given as interleaved x, y pairs in place. */
int ws_crs_transform_xy(struct ws_crs_transform *t, double *xy, size_t n, struct ws_err *err);
void ws_crs_transform_free(struct ws_crs_transform *t);

#endif
