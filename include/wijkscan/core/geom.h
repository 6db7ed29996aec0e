/*
 * geom.h - a plain (multi)polygon geometry and its WKB form.
 *
 * Flat arrays, so analysis (shared-vertex hashing) and rendering walk them
 * without pointer chasing.  Polygon p owns rings [poly_ring[p], poly_ring[p+1]);
 * ring r owns points [ring_point[r], ring_point[r+1]); point i is
 * (xy[2i], xy[2i+1]).  The first ring of a polygon is its exterior; rings are
 * closed (first point == last point), as in WKB.  Coordinates are in the
 * study's working CRS (metres for EPSG:28992).
 */
#ifndef WIJKSCAN_GEOM_H
#define WIJKSCAN_GEOM_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_geom {
    size_t n_polys;
    size_t n_rings;
    size_t n_points;
    size_t *poly_ring;  /* n_polys + 1 entries */
    size_t *ring_point; /* n_rings + 1 entries */
    double *xy;         /* 2 * n_points */
};

struct ws_bbox {
    double minx, miny, maxx, maxy;
};

void ws_geom_init(struct ws_geom *g);
/* Frees the arrays and re-initialises g; a zeroed or initialised g is fine. */
void ws_geom_release(struct ws_geom *g);
/* Deep copy of src into dst (dst is overwritten, not released). */
void ws_geom_copy(struct ws_geom *dst, const struct ws_geom *src);

/* Parses ISO/OGC WKB (Polygon or MultiPolygon, 2D; Z/M ordinates are dropped;
 * either byte order; EWKB Z/M/SRID flags accepted) into g, which must be
 * initialised (its old contents are released).  Empty polygons are skipped
 * and unclosed rings closed; a ring of fewer than 4 points, a non-finite
 * coordinate, truncated or trailing bytes are errors.  On failure g is left
 * empty and err says why (WS_EDATA).  A parsed g always has its arrays; a
 * g that was only initialised has NULL arrays and zero counts. */
int ws_geom_from_wkb(const unsigned char *wkb, size_t len, struct ws_geom *g, struct ws_err *err);

/* Writes g as a little-endian 2D MultiPolygon WKB.  Returns an owned buffer
 * (free with free()) and its length in *len. */
unsigned char *ws_geom_to_wkb(const struct ws_geom *g, size_t *len);

/* Bounding box of g; an empty geometry gives an inverted box (min > max). */
struct ws_bbox ws_geom_bbox(const struct ws_geom *g);
/* Area (shoelace; holes subtracted) in CRS units squared. */
double ws_geom_area(const struct ws_geom *g);
/* Area-weighted centroid (holes subtracted) into *x, *y; false (nothing
 * written) for an empty or zero-area geometry. */
bool ws_geom_centroid(const struct ws_geom *g, double *x, double *y);

#endif
