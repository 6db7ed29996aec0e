/*
 * geom.c - flat (multi)polygon geometry and its WKB form (see geom.h).
 *
 * Reading is done in two passes over the same bytes: the first pass checks
 * every length against the bytes that remain and counts polygons, rings and
 * points; the second pass fills arrays of exactly that size.  So malformed
 * input can never make us read past `len` or allocate more than the input
 * could describe (a count is only believed if the bytes for it are there).
 *
 * Accepted type codes (after the byte-order byte):
 *   ISO/OGC  3, 6 (XY), 1003, 1006 (Z), 2003, 2006 (M), 3003, 3006 (ZM)
 *   EWKB     the same base codes with 0x80000000 (Z), 0x40000000 (M) and
 *            0x20000000 (an SRID follows, skipped) flags
 * Z and M ordinates are dropped.  Every nested polygon of a MultiPolygon has
 * its own byte-order byte and type code, as WKB prescribes.
 *
 * Normalisation while reading: a polygon without rings, or whose exterior
 * ring is empty, is skipped; an empty interior ring is skipped; a ring whose
 * last point differs from its first is closed by repeating the first point.
 * A non-empty ring must then have at least 4 points, and every coordinate
 * must be finite; anything else is WS_EDATA.
 *
 * Area: the shoelace formula per ring, on coordinates translated to the
 * ring's first point (RD coordinates are ~1e5 m, so products of untranslated
 * values lose digits).  |exterior| minus |holes|, so orientation is ignored.
 */
#include "wijkscan/core/geom.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WKB_POLYGON      3u
#define WKB_MULTIPOLYGON 6u

#define EWKB_Z    0x80000000u
#define EWKB_M    0x40000000u
#define EWKB_SRID 0x20000000u

void ws_geom_init(struct ws_geom *g)
{
    memset(g, 0, sizeof(*g));
    g->poly_ring = NULL;
    g->ring_point = NULL;
    g->xy = NULL;
}

void ws_geom_release(struct ws_geom *g)
{
    if (!g)
        return;
    free(g->poly_ring);
    free(g->ring_point);
    free(g->xy);
    ws_geom_init(g);
}

static void *dup_array(const void *src, size_t n, size_t size)
{
    void *p;

    if (!src)
        return NULL;
    p = ws_xmalloc(ws_st_mult(n, size));
    memcpy(p, src, n * size);
    return p;
}

void ws_geom_copy(struct ws_geom *dst, const struct ws_geom *src)
{
    dst->n_polys = src->n_polys;
    dst->n_rings = src->n_rings;
    dst->n_points = src->n_points;
    dst->poly_ring = dup_array(src->poly_ring, src->n_polys + 1, sizeof(size_t));
    dst->ring_point = dup_array(src->ring_point, src->n_rings + 1, sizeof(size_t));
    dst->xy = dup_array(src->xy, ws_st_mult(2, src->n_points), sizeof(double));
}

/* ------------------------------------------------------------------------ */
/* WKB reading                                                               */

struct wkb_reader {
    const unsigned char *p;
    size_t len;
    size_t pos;
    struct ws_geom *g; /* NULL in the counting pass */
    size_t n_polys, n_rings, n_points;
};

static int wkb_fail(struct ws_err *err, const struct wkb_reader *r, const char *what)
{
    ws_err_set(err, WS_EDATA, "malformed polygon geometry (WKB): %s", what);
    ws_err_cause(err, "at byte %zu of %zu", r->pos, r->len);
    return WS_EDATA;
}

static bool wkb_has(const struct wkb_reader *r, size_t n)
{
    return n <= r->len - r->pos;
}

/* Reads an unsigned 32-bit value in byte order `le`; caller checked bounds. */
static uint32_t wkb_u32(struct wkb_reader *r, bool le)
{
    const unsigned char *b = r->p + r->pos;
    uint32_t v;

    if (le)
        v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    else
        v = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    r->pos += 4;
    return v;
}

static double wkb_f64(const unsigned char *b, bool le)
{
    uint64_t u = 0;
    double d;
    int i;

    for (i = 0; i < 8; i++)
        u |= (uint64_t)b[le ? i : 7 - i] << (8 * i);
    memcpy(&d, &u, sizeof(d));
    return d;
}

/* Reads the byte-order byte and the type code; returns the number of
 * ordinates per point in *dims and the base type in *type. */
static int wkb_header(struct wkb_reader *r, bool *le, uint32_t *type, size_t *dims,
                      struct ws_err *err)
{
    uint32_t code;
    uint32_t base;
    uint32_t iso;
    size_t d = 2;

    if (!wkb_has(r, 5))
        return wkb_fail(err, r, "truncated geometry header");
    if (r->p[r->pos] > 1)
        return wkb_fail(err, r, "byte order is neither 0 nor 1");
    *le = r->p[r->pos] == 1;
    r->pos++;
    code = wkb_u32(r, *le);
    if (code & EWKB_Z)
        d++;
    if (code & EWKB_M)
        d++;
    if (code & EWKB_SRID) {
        if (!wkb_has(r, 4))
            return wkb_fail(err, r, "truncated SRID");
        r->pos += 4;
    }
    code &= ~(EWKB_Z | EWKB_M | EWKB_SRID);
    base = code % 1000u;
    iso = code / 1000u;
    if (iso > 3 || (iso > 0 && d > 2))
        return wkb_fail(err, r, "unknown geometry type code");
    if (iso == 1 || iso == 2)
        d += 1;
    else if (iso == 3)
        d += 2;
    if (base != WKB_POLYGON && base != WKB_MULTIPOLYGON)
        return wkb_fail(err, r, "not a Polygon or MultiPolygon");
    *type = base;
    *dims = d;
    return WS_OK;
}

/* Reads one ring.  With `store` false the ring is only checked (a hole of a
 * dropped polygon); *kept says whether it was added. */
static int wkb_ring(struct wkb_reader *r, bool le, size_t dims, bool exterior, bool store,
                    bool *kept, struct ws_err *err)
{
    size_t stride = dims * 8;
    size_t np;
    size_t i;
    size_t start;
    size_t out;
    uint32_t n;
    bool closed;

    *kept = false;
    if (!wkb_has(r, 4))
        return wkb_fail(err, r, "truncated ring point count");
    n = wkb_u32(r, le);
    np = n;
    if (np > (r->len - r->pos) / stride)
        return wkb_fail(err, r, "ring point count exceeds the data");
    start = r->pos;
    r->pos += np * stride;
    if (np == 0)
        return WS_OK;
    for (i = 0; i < np; i++) {
        const unsigned char *b = r->p + start + i * stride;
        if (!isfinite(wkb_f64(b, le)) || !isfinite(wkb_f64(b + 8, le)))
            return wkb_fail(err, r, "coordinate is not a finite number");
    }
    closed = wkb_f64(r->p + start, le) == wkb_f64(r->p + start + (np - 1) * stride, le) &&
             wkb_f64(r->p + start + 8, le) == wkb_f64(r->p + start + (np - 1) * stride + 8, le);
    out = closed ? np : np + 1;
    if (out < 4)
        return wkb_fail(err, r,
                        exterior ? "exterior ring has fewer than 4 points"
                                 : "interior ring has fewer than 4 points");
    if (!store)
        return WS_OK;
    *kept = true;
    if (r->g) {
        struct ws_geom *g = r->g;
        double *xy = g->xy + 2 * r->n_points;
        for (i = 0; i < np; i++) {
            const unsigned char *b = r->p + start + i * stride;
            xy[2 * i] = wkb_f64(b, le);
            xy[2 * i + 1] = wkb_f64(b + 8, le);
        }
        if (!closed) {
            xy[2 * np] = xy[0];
            xy[2 * np + 1] = xy[1];
        }
        g->ring_point[r->n_rings] = r->n_points;
        g->ring_point[r->n_rings + 1] = r->n_points + out;
    }
    r->n_rings++;
    r->n_points += out;
    return WS_OK;
}

/* Reads the body of a polygon (after its header). */
static int wkb_polygon_body(struct wkb_reader *r, bool le, size_t dims, struct ws_err *err)
{
    uint32_t n;
    uint32_t i;
    size_t rings_before = r->n_rings;
    bool kept;
    bool have_exterior = false;
    int rc;

    if (!wkb_has(r, 4))
        return wkb_fail(err, r, "truncated ring count");
    n = wkb_u32(r, le);
    // each ring needs at least its 4-byte point count
    if (n > (r->len - r->pos) / 4)
        return wkb_fail(err, r, "ring count exceeds the data");
    for (i = 0; i < n; i++) {
        // holes of a polygon with an empty exterior are checked, then dropped
        rc = wkb_ring(r, le, dims, i == 0, i == 0 || have_exterior, &kept, err);
        if (rc)
            return rc;
        if (i == 0)
            have_exterior = kept;
    }
    if (!have_exterior)
        return WS_OK;
    if (r->g) {
        r->g->poly_ring[r->n_polys] = rings_before;
        r->g->poly_ring[r->n_polys + 1] = r->n_rings;
    }
    r->n_polys++;
    return WS_OK;
}

static int wkb_parse(struct wkb_reader *r, struct ws_err *err)
{
    bool le;
    uint32_t type;
    uint32_t n;
    uint32_t i;
    size_t dims;
    int rc;

    rc = wkb_header(r, &le, &type, &dims, err);
    if (rc)
        return rc;
    if (type == WKB_POLYGON) {
        rc = wkb_polygon_body(r, le, dims, err);
    } else {
        if (!wkb_has(r, 4))
            return wkb_fail(err, r, "truncated polygon count");
        n = wkb_u32(r, le);
        // each polygon needs at least a 9-byte header and count
        if (n > (r->len - r->pos) / 9)
            return wkb_fail(err, r, "polygon count exceeds the data");
        for (i = 0; i < n && !rc; i++) {
            bool ple;
            uint32_t ptype;
            size_t pdims;
            rc = wkb_header(r, &ple, &ptype, &pdims, err);
            if (!rc && ptype != WKB_POLYGON)
                return wkb_fail(err, r, "a MultiPolygon member is not a Polygon");
            if (!rc)
                rc = wkb_polygon_body(r, ple, pdims, err);
        }
    }
    if (rc)
        return rc;
    if (r->pos != r->len)
        return wkb_fail(err, r, "trailing bytes after the geometry");
    return WS_OK;
}

int ws_geom_from_wkb(const unsigned char *wkb, size_t len, struct ws_geom *g, struct ws_err *err)
{
    struct wkb_reader r;
    int rc;

    ws_geom_release(g);
    memset(&r, 0, sizeof(r));
    r.p = wkb;
    r.len = wkb ? len : 0;
    rc = wkb_parse(&r, err);
    if (rc)
        goto out;

    g->poly_ring = ws_xcalloc(r.n_polys + 1, sizeof(size_t));
    g->ring_point = ws_xcalloc(r.n_rings + 1, sizeof(size_t));
    g->xy = ws_xcalloc(ws_st_mult(2, r.n_points ? r.n_points : 1), sizeof(double));
    g->n_polys = r.n_polys;
    g->n_rings = r.n_rings;
    g->n_points = r.n_points;

    memset(&r, 0, sizeof(r));
    r.p = wkb;
    r.len = len;
    r.g = g;
    rc = wkb_parse(&r, err);
    if (rc || r.n_polys != g->n_polys || r.n_rings != g->n_rings || r.n_points != g->n_points)
        WS_BUG("WKB passes disagree");
out:
    if (rc)
        ws_geom_release(g);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* WKB writing                                                               */

static unsigned char *put_u32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v & 0xff);
    b[1] = (unsigned char)(v >> 8 & 0xff);
    b[2] = (unsigned char)(v >> 16 & 0xff);
    b[3] = (unsigned char)(v >> 24 & 0xff);
    return b + 4;
}

static unsigned char *put_f64(unsigned char *b, double d)
{
    uint64_t u;
    int i;

    memcpy(&u, &d, sizeof(u));
    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i) & 0xff);
    return b + 8;
}

static uint32_t to_u32(size_t n)
{
    if (n > UINT32_MAX)
        WS_BUG("geometry too large for WKB");
    return (uint32_t)n;
}

unsigned char *ws_geom_to_wkb(const struct ws_geom *g, size_t *len)
{
    size_t size;
    size_t p;
    size_t r;
    size_t i;
    unsigned char *buf;
    unsigned char *b;

    // header + per polygon header + per ring count + 16 bytes per point
    size = 9 + 9 * g->n_polys + 4 * g->n_rings;
    size += ws_st_mult(16, g->n_points);
    buf = ws_xmalloc(size);
    b = buf;
    *b++ = 1;
    b = put_u32(b, WKB_MULTIPOLYGON);
    b = put_u32(b, to_u32(g->n_polys));
    for (p = 0; p < g->n_polys; p++) {
        *b++ = 1;
        b = put_u32(b, WKB_POLYGON);
        b = put_u32(b, to_u32(g->poly_ring[p + 1] - g->poly_ring[p]));
        for (r = g->poly_ring[p]; r < g->poly_ring[p + 1]; r++) {
            b = put_u32(b, to_u32(g->ring_point[r + 1] - g->ring_point[r]));
            for (i = g->ring_point[r]; i < g->ring_point[r + 1]; i++) {
                b = put_f64(b, g->xy[2 * i]);
                b = put_f64(b, g->xy[2 * i + 1]);
            }
        }
    }
    if ((size_t)(b - buf) != size)
        WS_BUG("WKB size mismatch");
    *len = size;
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Measures                                                                  */

struct ws_bbox ws_geom_bbox(const struct ws_geom *g)
{
    struct ws_bbox bb = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    size_t i;

    for (i = 0; i < g->n_points; i++) {
        double x = g->xy[2 * i];
        double y = g->xy[2 * i + 1];
        if (x < bb.minx)
            bb.minx = x;
        if (x > bb.maxx)
            bb.maxx = x;
        if (y < bb.miny)
            bb.miny = y;
        if (y > bb.maxy)
            bb.maxy = y;
    }
    return bb;
}

static double ring_area(const double *xy, size_t n)
{
    double x0;
    double y0;
    double sum = 0.0;
    size_t i;

    if (n < 3)
        return 0.0;
    x0 = xy[0];
    y0 = xy[1];
    for (i = 0; i + 1 < n; i++) {
        double ax = xy[2 * i] - x0;
        double ay = xy[2 * i + 1] - y0;
        double bx = xy[2 * i + 2] - x0;
        double by = xy[2 * i + 3] - y0;
        sum += ax * by - bx * ay;
    }
    return fabs(sum) / 2.0;
}

double ws_geom_area(const struct ws_geom *g)
{
    double area = 0.0;
    size_t p;
    size_t r;

    for (p = 0; p < g->n_polys; p++) {
        for (r = g->poly_ring[p]; r < g->poly_ring[p + 1]; r++) {
            size_t first = g->ring_point[r];
            double a = ring_area(g->xy + 2 * first, g->ring_point[r + 1] - first);
            area += r == g->poly_ring[p] ? a : -a;
        }
    }
    return area;
}

bool ws_geom_centroid(const struct ws_geom *g, double *x, double *y)
{
    double a_sum = 0.0;
    double cx = 0.0;
    double cy = 0.0;

    for (size_t p = 0; p < g->n_polys; p++) {
        for (size_t r = g->poly_ring[p]; r < g->poly_ring[p + 1]; r++) {
            size_t first = g->ring_point[r];
            size_t n = g->ring_point[r + 1] - first;
            const double *xy = g->xy + 2 * first;
            double a = 0.0;
            double sx = 0.0;
            double sy = 0.0;
            if (n < 4)
                continue;
            // relative to the first point: no cancellation at RD magnitudes
            for (size_t i = 0; i + 1 < n; i++) {
                double ax = xy[2 * i] - xy[0];
                double ay = xy[2 * i + 1] - xy[1];
                double bx = xy[2 * i + 2] - xy[0];
                double by = xy[2 * i + 3] - xy[1];
                double cross = ax * by - bx * ay;
                a += cross;
                sx += (ax + bx) * cross;
                sy += (ay + by) * cross;
            }
            if (a == 0.0)
                continue;
            {
                // exterior counts positive, holes negative, whatever the winding
                double w = (r == g->poly_ring[p] ? 1.0 : -1.0) * fabs(a / 2.0);
                a_sum += w;
                cx += w * (xy[0] + sx / (3.0 * a));
                cy += w * (xy[1] + sy / (3.0 * a));
            }
        }
    }
    if (!(a_sum > 0.0))
        return false;
    *x = cx / a_sum;
    *y = cy / a_sum;
    return true;
}
