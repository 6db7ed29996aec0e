/*
 * canvas.c - the one wrapper around cairo and pango (see canvas.h).
 *
 * One struct ws_canvas owns a cairo surface, its cairo_t and one reusable
 * PangoLayout.  The cairo_t is scaled once at open (PNG: px_per_pt; vector:
 * 1) so callers always draw in points.  cairo errors are sticky ("it is safe
 * to call all cairo functions normally even if the underlying object is in an
 * error status"), so the status is read once when the page is finished.
 *
 * Reproducible output: fonts come from fontconfig by the family name "DejaVu
 * Sans" (Debian fonts-dejavu-core) with absolute sizes in points; font
 * options are fixed (grey antialiasing, no hinting, no hint metrics) so the
 * machine's fontconfig rules cannot change glyph shapes or advances; the PDF
 * creation date is taken from SOURCE_DATE_EPOCH when it is set.
 *
 * Cost: filling one path of N vertices is O(N log N) in cairo's tessellator;
 * ws_canvas_add_geom() drops vertices that fall within a fraction of a pixel
 * of the previous one, which for a national buurt map at 2000 px removes most
 * of them before cairo sees them.
 */
#include "wijkscan/render/canvas.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FONT_FAMILY "DejaVu Sans"

/* fontconfig and libpng come in through pango and cairo.  Weak references
 * let the binary link without naming them on the link line: the symbols are
 * then found at run time among the libraries cairo loads, and when one is
 * missing we fall back (no FcFini; cairo's own, slower PNG writer). */
#pragma weak FcFini
#pragma weak png_create_write_struct
#pragma weak png_create_info_struct
#pragma weak png_set_write_fn
#pragma weak png_get_io_ptr
#pragma weak png_set_IHDR
#pragma weak png_set_compression_level
#pragma weak png_set_filter
#pragma weak png_write_info
#pragma weak png_write_row
#pragma weak png_write_end
#pragma weak png_destroy_write_struct
#pragma weak png_set_longjmp_fn
#pragma weak png_error
#pragma weak png_longjmp

/* Strokes up to this width (device pixels) are rasterised by fast_stroke()
 * on PNG pages. */
#define FAST_STROKE_MAX_PX 4.0

struct membuf {
    unsigned char *data;
    size_t len, cap;
};

struct ws_canvas {
    enum ws_canvas_format fmt;
    char *path; /* NULL: in memory */
    double width_pt, height_pt;
    double px_per_pt;
    double min_step; /* vertices closer than this (points) are skipped */
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    struct membuf mem;
    cairo_surface_t *mask; /* PNG: A8 coverage buffer of fast_stroke(), lazily made */
    bool flat_fills;       /* PNG: fills without antialiasing */
};

const char *ws_canvas_cairo_version(void)
{
    return cairo_version_string();
}

const char *ws_canvas_pango_version(void)
{
    return pango_version_string();
}

/* Set once a canvas has used pango (and so fontconfig). */
static bool fonts_used;

void ws_canvas_global_shutdown(void)
{
    if (fonts_used) {
        // Drop the default font map; it holds fontconfig patterns and cairo
        // scaled fonts.  Pango 1.50 initialises fontconfig in a thread of
        // its own that may hold the map a moment longer, and cairo asserts
        // if its caches are reset while a font is alive: wait for the map
        // to go (at most a second), else leave the caches to the exit.
        PangoFontMap *map = pango_cairo_font_map_get_default();
        gpointer alive = map;
        g_object_add_weak_pointer(G_OBJECT(map), &alive);
        pango_cairo_font_map_set_default(NULL);
        for (int i = 0; g_atomic_pointer_get(&alive) && i < 200; i++)
            g_usleep(5000);
        if (g_atomic_pointer_get(&alive)) {
            g_object_remove_weak_pointer(G_OBJECT(map), &alive);
            return;
        }
    }
    cairo_debug_reset_static_data();
    if (fonts_used && FcFini)
        FcFini();
    fonts_used = false;
}

static const char *const format_names[WS_CANVAS_N_FORMATS] = {"png", "pdf", "svg"};

int ws_canvas_format_parse(const char *name)
{
    for (int i = 0; i < WS_CANVAS_N_FORMATS; i++)
        if (!strcmp(name, format_names[i]))
            return i;
    return -1;
}

const char *ws_canvas_format_name(enum ws_canvas_format fmt)
{
    if ((int)fmt < 0 || fmt >= WS_CANVAS_N_FORMATS)
        return "?";
    return format_names[fmt];
}

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct membuf *m = closure;
    WS_VEC_GROW(m->data, m->len + length, m->cap);
    memcpy(m->data + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* ISO 8601 date-time for PDF metadata: SOURCE_DATE_EPOCH when set, so runs
 * with the same inputs give the same bytes. */
static bool pdf_date(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long v;
    time_t t;
    struct tm tm;

    if (!sde || !sde[0])
        return false;
    v = strtoll(sde, &end, 10);
    if (*end || v < 0)
        return false;
    t = (time_t)v;
    if (!gmtime_r(&t, &tm))
        return false;
    return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

static cairo_surface_t *make_surface(struct ws_canvas *c)
{
    switch (c->fmt) {
    case WS_CANVAS_PNG: {
        int w = (int)lround(c->width_pt * c->px_per_pt);
        int h = (int)lround(c->height_pt * c->px_per_pt);
        return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    }
    case WS_CANVAS_PDF: {
        cairo_surface_t *s;
        char date[64];
        if (c->path)
            s = cairo_pdf_surface_create(c->path, c->width_pt, c->height_pt);
        else
            s = cairo_pdf_surface_create_for_stream(mem_write, &c->mem, c->width_pt, c->height_pt);
        if (pdf_date(date, sizeof(date))) {
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
        }
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "wijkscan");
        return s;
    }
    case WS_CANVAS_SVG: {
        // always into memory: finish() renumbers cairo's surface ids and
        // then writes the file (see renumber_svg_surfaces)
        cairo_surface_t *s =
            cairo_svg_surface_create_for_stream(mem_write, &c->mem, c->width_pt, c->height_pt);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
        return s;
    }
    }
    return NULL;
}

static void setup_text(struct ws_canvas *c)
{
    PangoContext *ctx;
    cairo_font_options_t *fo = cairo_font_options_create();

    fonts_used = true;
    c->layout = pango_cairo_create_layout(c->cr);
    ctx = pango_layout_get_context(c->layout);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(ctx, fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_layout_context_changed(c->layout);
    cairo_font_options_destroy(fo);
}

int ws_canvas_open(enum ws_canvas_format fmt, const char *path, double width_pt, double height_pt,
                   double px_per_pt, struct ws_canvas **out, struct ws_err *err)
{
    struct ws_canvas *c = NULL;
    cairo_status_t st;
    int rc = WS_OK;

    *out = NULL;
    if (!(width_pt >= 1 && height_pt >= 1 && width_pt <= 100000 && height_pt <= 100000) ||
        (fmt == WS_CANVAS_PNG &&
         !(px_per_pt > 0 && width_pt * px_per_pt <= 32767 && height_pt * px_per_pt <= 32767))) {
        ws_err_set(err, WS_EINTERNAL, "bad page size %.1f x %.1f pt (%.3f px/pt)", width_pt,
                   height_pt, px_per_pt);
        return WS_EINTERNAL;
    }
    c = ws_xcalloc(1, sizeof(*c));
    c->fmt = fmt;
    c->path = ws_xstrdup(path);
    c->width_pt = width_pt;
    c->height_pt = height_pt;
    c->px_per_pt = fmt == WS_CANVAS_PNG ? px_per_pt : 1.0;
    // a third of a pixel on PNG; 0.05 pt (under 0.02 mm) on paper
    c->min_step = fmt == WS_CANVAS_PNG ? 0.33 / px_per_pt : 0.05;
    c->surface = make_surface(c);
    st = cairo_surface_status(c->surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = ws_err_set(err, path ? WS_ECANTCREAT : WS_EINTERNAL, "cannot create %s '%s'",
                        ws_canvas_format_name(fmt), path ? path : "(memory)");
        ws_err_cause(err, "cairo: %s", cairo_status_to_string(st));
        ws_err_hint(err, "check that the output folder is writable and the disk not full");
        goto out;
    }
    c->cr = cairo_create(c->surface);
    if (fmt == WS_CANVAS_PNG)
        cairo_scale(c->cr, c->px_per_pt, c->px_per_pt);
    cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    setup_text(c);
    *out = c;
    c = NULL;
out:
    ws_canvas_free(c);
    return rc;
}

void ws_canvas_free(struct ws_canvas *c)
{
    if (!c)
        return;
    if (c->layout)
        g_object_unref(c->layout);
    if (c->mask)
        cairo_surface_destroy(c->mask);
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surface)
        cairo_surface_destroy(c->surface);
    free(c->mem.data);
    free(c->path);
    free(c);
}

/* --- PNG encoding ---
 * cairo_surface_write_to_png() uses libpng's defaults (zlib level 6, adaptive
 * filters): a 2000 x 2400 map takes about 0.3 s.  Maps are large flat areas,
 * hatching and thin lines, which zlib level 1 without row filters packs
 * smaller and about three times faster. */

struct png_sink {
    FILE *fp; /* file, or NULL: mem */
    struct membuf *mem;
};

static void png_write_data(png_structp png, png_bytep data, size_t len)
{
    struct png_sink *sink = png_get_io_ptr(png);

    if (sink->fp) {
        if (fwrite(data, 1, len, sink->fp) != len)
            png_error(png, "write failed");
        return;
    }
    (void)mem_write(sink->mem, data, (unsigned int)len);
}

static void png_flush_data(png_structp png)
{
    (void)png;
}

static bool have_libpng(void)
{
    return png_create_write_struct && png_create_info_struct && png_set_write_fn &&
           png_get_io_ptr && png_set_IHDR && png_set_compression_level && png_set_filter &&
           png_write_info && png_write_row && png_write_end && png_destroy_write_struct &&
           png_set_longjmp_fn && png_error && png_longjmp;
}

/* libpng's default handlers print to stderr; only main prints: the error
 * just jumps back (the caller reports a cairo write error). */
static void png_quiet_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void png_quiet_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Encodes c->surface (RGB24) as an 8-bit RGB PNG.  libpng reports errors by
 * longjmp: everything the jump can skip is volatile or freed after it. */
static cairo_status_t encode_png(struct ws_canvas *c, FILE *fp)
{
    struct png_sink sink = {fp, &c->mem};
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int w = cairo_image_surface_get_width(c->surface);
    int h = cairo_image_surface_get_height(c->surface);
    int stride = cairo_image_surface_get_stride(c->surface);
    const unsigned char *data = cairo_image_surface_get_data(c->surface);
    unsigned char *volatile row = NULL;
    volatile cairo_status_t st = CAIRO_STATUS_WRITE_ERROR;

    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        return CAIRO_STATUS_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png)) == 0) {
        row = ws_xmalloc(ws_st_mult((size_t)w, 3));
        png_set_write_fn(png, &sink, png_write_data, png_flush_data);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_compression_level(png, 1);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
        png_write_info(png, info);
        for (int y = 0; y < h; y++) {
            const uint32_t *in =
                (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
            for (size_t x = 0; x < (size_t)w; x++) {
                row[3 * x] = (unsigned char)(in[x] >> 16);
                row[3 * x + 1] = (unsigned char)(in[x] >> 8);
                row[3 * x + 2] = (unsigned char)in[x];
            }
            png_write_row(png, row);
        }
        png_write_end(png, info);
        st = CAIRO_STATUS_SUCCESS;
    }
    free(row);
    png_destroy_write_struct(&png, &info);
    return st;
}

static cairo_status_t write_png(struct ws_canvas *c)
{
    FILE *fp;
    cairo_status_t st;

    if (!have_libpng())
        return c->path ? cairo_surface_write_to_png(c->surface, c->path)
                       : cairo_surface_write_to_png_stream(c->surface, mem_write, &c->mem);
    if (!c->path)
        return encode_png(c, NULL);
    fp = fopen(c->path, "wb");
    if (!fp)
        return CAIRO_STATUS_WRITE_ERROR;
    st = encode_png(c, fp);
    if (fclose(fp) != 0 && st == CAIRO_STATUS_SUCCESS)
        st = CAIRO_STATUS_WRITE_ERROR;
    return st;
}

/* cairo names an SVG's groups "surfaceN" after a counter of every surface
 * the process made, so the same map would get other ids in a worker process
 * (jobs.h) or after other drawings.  Renumbers them in order of first
 * appearance (surface1, surface2, ...), so an SVG depends on its drawing
 * only. */
struct id_map {
    unsigned long *v;
    size_t n, cap;
};

/* The new number (from 1) of cairo's surface number v. */
static size_t id_number(struct id_map *ids, unsigned long v)
{
    for (size_t k = 0; k < ids->n; k++)
        if (ids->v[k] == v)
            return k + 1;
    WS_VEC_GROW(ids->v, ids->n + 1, ids->cap);
    ids->v[ids->n++] = v;
    return ids->n;
}

/* When "surfaceN" starts at data[i]: the end of N, and N in *v; else 0. */
static size_t surface_token(const struct membuf *m, size_t i, unsigned long *v)
{
    static const char tok[] = "surface";
    size_t j = i + sizeof(tok) - 1;

    *v = 0;
    if (m->len - i <= sizeof(tok) - 1 || memcmp(m->data + i, tok, sizeof(tok) - 1) != 0 ||
        m->data[j] < '0' || m->data[j] > '9')
        return 0;
    while (j < m->len && m->data[j] >= '0' && m->data[j] <= '9' && *v < 100000000UL)
        *v = *v * 10 + (unsigned long)(m->data[j++] - '0');
    return j;
}

static void renumber_svg_surfaces(struct membuf *m)
{
    struct ws_strbuf out = WS_STRBUF_INIT;
    struct id_map ids = {NULL, 0, 0};
    size_t i = 0;

    while (i < m->len) {
        const unsigned char *s = memchr(m->data + i, 's', m->len - i);
        size_t at = s ? (size_t)(s - m->data) : m->len;
        unsigned long v;
        size_t end;
        ws_strbuf_add(&out, m->data + i, at - i);
        if (at == m->len)
            break;
        end = surface_token(m, at, &v);
        if (end) {
            ws_strbuf_addf(&out, "surface%zu", id_number(&ids, v));
            i = end;
        } else {
            ws_strbuf_addch(&out, 's');
            i = at + 1;
        }
    }
    free(m->data);
    m->len = out.len;
    m->cap = out.len + 1;
    m->data = (unsigned char *)ws_strbuf_detach(&out);
    free(ids.v);
}

/* The finished SVG in memory: renumbered, then written to c->path if any. */
static cairo_status_t write_svg(struct ws_canvas *c)
{
    FILE *fp;
    bool ok;

    renumber_svg_surfaces(&c->mem);
    if (!c->path)
        return CAIRO_STATUS_SUCCESS;
    fp = fopen(c->path, "wb");
    if (!fp)
        return CAIRO_STATUS_WRITE_ERROR;
    ok = fwrite(c->mem.data, 1, c->mem.len, fp) == c->mem.len;
    ok = fclose(fp) == 0 && ok;
    return ok ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Finishes drawing and the surface; returns the first cairo error. */
static cairo_status_t finish(struct ws_canvas *c)
{
    cairo_status_t st = cairo_status(c->cr);

    if (st != CAIRO_STATUS_SUCCESS)
        return st;
    if (c->fmt == WS_CANVAS_PNG) {
        cairo_surface_flush(c->surface);
        st = write_png(c);
        if (st != CAIRO_STATUS_SUCCESS)
            return st;
    } else {
        cairo_show_page(c->cr);
        st = cairo_status(c->cr);
        if (st != CAIRO_STATUS_SUCCESS)
            return st;
    }
    cairo_surface_finish(c->surface);
    st = cairo_surface_status(c->surface);
    if (st == CAIRO_STATUS_SUCCESS && c->fmt == WS_CANVAS_SVG)
        st = write_svg(c);
    return st;
}

static int finish_checked(struct ws_canvas *c, struct ws_err *err)
{
    cairo_status_t st = finish(c);

    if (st == CAIRO_STATUS_SUCCESS)
        return WS_OK;
    int rc = ws_err_set(err, c->path ? WS_ECANTCREAT : WS_EINTERNAL, "cannot write %s '%s'",
                        ws_canvas_format_name(c->fmt), c->path ? c->path : "(memory)");
    ws_err_cause(err, "cairo: %s", cairo_status_to_string(st));
    ws_err_hint(err, "check that the output folder is writable and the disk not full");
    return rc;
}

int ws_canvas_close(struct ws_canvas *c, struct ws_err *err)
{
    int rc;

    if (!c)
        return WS_OK;
    rc = finish_checked(c, err);
    ws_canvas_free(c);
    return rc;
}

int ws_canvas_close_buffer(struct ws_canvas *c, unsigned char **data, size_t *len,
                           struct ws_err *err)
{
    int rc;

    *data = NULL;
    *len = 0;
    if (!c)
        return WS_OK;
    rc = finish_checked(c, err);
    if (!rc) {
        *data = c->mem.data;
        *len = c->mem.len;
        c->mem.data = NULL;
    }
    ws_canvas_free(c);
    return rc;
}

double ws_canvas_width(const struct ws_canvas *c)
{
    return c->width_pt;
}

double ws_canvas_height(const struct ws_canvas *c)
{
    return c->height_pt;
}

/* --- paths --- */

void ws_canvas_new_path(struct ws_canvas *c)
{
    cairo_new_path(c->cr);
}

void ws_canvas_move_to(struct ws_canvas *c, double x, double y)
{
    cairo_move_to(c->cr, x, y);
}

void ws_canvas_line_to(struct ws_canvas *c, double x, double y)
{
    cairo_line_to(c->cr, x, y);
}

void ws_canvas_close_path(struct ws_canvas *c)
{
    cairo_close_path(c->cr);
}

void ws_canvas_rect(struct ws_canvas *c, double x, double y, double w, double h)
{
    cairo_rectangle(c->cr, x, y, w, h);
}

void ws_canvas_circle(struct ws_canvas *c, double x, double y, double r)
{
    cairo_new_sub_path(c->cr);
    cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
    cairo_close_path(c->cr);
}

void ws_canvas_add_geom(struct ws_canvas *c, const struct ws_geom *g, const struct ws_viewport *vp)
{
    cairo_t *cr = c->cr;
    const double s = vp->scale;
    const double ox = vp->ox;
    const double oy = vp->oy;
    const double tol = c->min_step;

    for (size_t r = 0; r < g->n_rings; r++) {
        size_t a = g->ring_point[r];
        size_t b = g->ring_point[r + 1];
        double lx;
        double ly;
        if (b - a < 3)
            continue;
        lx = ox + s * g->xy[2 * a];
        ly = oy - s * g->xy[2 * a + 1];
        cairo_move_to(cr, lx, ly);
        for (size_t i = a + 1; i < b; i++) {
            double x = ox + s * g->xy[2 * i];
            double y = oy - s * g->xy[2 * i + 1];
            if (fabs(x - lx) + fabs(y - ly) < tol && i + 1 < b)
                continue;
            cairo_line_to(cr, x, y);
            lx = x;
            ly = y;
        }
        cairo_close_path(cr);
    }
}

static void set_colour(cairo_t *cr, const struct ws_rgba *col)
{
    if (col->a >= 1.0)
        cairo_set_source_rgb(cr, col->r, col->g, col->b);
    else
        cairo_set_source_rgba(cr, col->r, col->g, col->b, col->a);
}

/* cairo_fill, without antialiasing while flat fills are on (PNG). */
static void fill_path(struct ws_canvas *c)
{
    if (c->flat_fills)
        cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_NONE);
    cairo_fill(c->cr);
    if (c->flat_fills)
        cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_DEFAULT);
}

void ws_canvas_set_flat_fills(struct ws_canvas *c, bool on)
{
    c->flat_fills = on && c->fmt == WS_CANVAS_PNG;
}

void ws_canvas_fill(struct ws_canvas *c, const struct ws_rgba *colour)
{
    set_colour(c->cr, colour);
    fill_path(c);
}

/* --- thin strokes on PNG pages ---
 * cairo 1.16's stroker turns every segment into a polygon with round joins
 * and scan-converts the lot: the outlines of 14,500 buurten (180,000
 * vertices) take about 0.5 s at 2000 px.  For thin solid lines on PNG pages
 * the stroke is rasterised here instead: every segment of the flattened path
 * adds its pixel coverage (Wu-style spans, see raster_segment) to an A8
 * mask, taking the maximum so overlapping segments do not darken, and the
 * colour is then composited through the mask by cairo (which applies the
 * clip).  Vector pages always use cairo_stroke. */

struct ibox {
    int x0, y0, x1, y1; /* inclusive; empty when x0 > x1 */
};

struct raster {
    unsigned char *data;
    int stride, w, h;
    double hw;      /* half the line width, pixels */
    double max_cov; /* coverage of a pixel on the centre line */
    struct ibox dirty;
};

static void mark(struct raster *r, int x, int y, double cov)
{
    unsigned char *p;
    unsigned v;

    if (x < 0 || y < 0 || x >= r->w || y >= r->h || cov <= 0)
        return;
    cov = cov > r->max_cov ? r->max_cov : cov;
    v = (unsigned)(cov * 255 + 0.5);
    p = r->data + (size_t)y * (size_t)r->stride + x;
    if (v > *p)
        *p = (unsigned char)v;
    if (x < r->dirty.x0)
        r->dirty.x0 = x;
    if (x > r->dirty.x1)
        r->dirty.x1 = x;
    if (y < r->dirty.y0)
        r->dirty.y0 = y;
    if (y > r->dirty.y1)
        r->dirty.y1 = y;
}

/* One segment as a run of pixel columns (or rows, for steep segments), as
 * Wu's line algorithm does: at every step along the major axis the line
 * covers a span of w / cos(angle) pixels across, whose overlap with each
 * pixel is its coverage.  Each end is extended by half the width (at most
 * half a pixel), which closes the joins between segments. */
static void raster_segment(struct raster *r, double x0, double y0, double x1, double y1)
{
    bool steep = fabs(y1 - y0) > fabs(x1 - x0);
    double a0 = steep ? y0 : x0; // major axis
    double b0 = steep ? x0 : y0; // minor axis
    double a1 = steep ? y1 : x1;
    double b1 = steep ? x1 : y1;
    double len = hypot(x1 - x0, y1 - y0);
    double ext = r->hw < 0.5 ? r->hw : 0.5;
    double slope;
    double half;
    int i0;
    int i1;

    if (a1 < a0) {
        double t = a0;
        a0 = a1;
        a1 = t;
        t = b0;
        b0 = b1;
        b1 = t;
    }
    slope = a1 > a0 ? (b1 - b0) / (a1 - a0) : 0;
    half = len > 0 ? r->hw * len / (a1 - a0 > 0 ? a1 - a0 : len) : r->hw;
    if (half > 3 * r->hw)
        half = 3 * r->hw;
    i0 = (int)floor(a0 - ext);
    i1 = (int)floor(a1 + ext);
    for (int i = i0; i <= i1; i++) {
        double ac = i + 0.5;
        double t = ac < a0 ? a0 : ac > a1 ? a1 : ac;
        double bc = b0 + (t - a0) * slope;
        double lo = bc - half;
        double hi = bc + half;
        // the column is partly covered where the segment starts or ends
        double along = fmin(ac + 0.5, a1 + ext) - fmax(ac - 0.5, a0 - ext);
        along = along > 1 ? 1 : along;
        for (int j = (int)floor(lo); j <= (int)floor(hi); j++) {
            double cov = (fmin(hi, j + 1.0) - fmax(lo, (double)j)) * along;
            if (steep)
                mark(r, j, i, cov);
            else
                mark(r, i, j, cov);
        }
    }
}

static void raster_path(struct raster *r, const cairo_path_t *path, double scale)
{
    double sx = 0;
    double sy = 0;
    double lx = 0;
    double ly = 0;

    for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
        const cairo_path_data_t *d = &path->data[i];
        switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO:
            sx = lx = d[1].point.x * scale;
            sy = ly = d[1].point.y * scale;
            break;
        case CAIRO_PATH_LINE_TO: {
            double x = d[1].point.x * scale;
            double y = d[1].point.y * scale;
            raster_segment(r, lx, ly, x, y);
            lx = x;
            ly = y;
            break;
        }
        case CAIRO_PATH_CLOSE_PATH:
            raster_segment(r, lx, ly, sx, sy);
            lx = sx;
            ly = sy;
            break;
        case CAIRO_PATH_CURVE_TO: // not in a flattened path
            break;
        }
    }
}

static bool fast_stroke(struct ws_canvas *c, const struct ws_rgba *colour, double width_pt)
{
    double w_px = width_pt * c->px_per_pt;
    cairo_path_t *path;
    struct raster r;

    if (c->fmt != WS_CANVAS_PNG || w_px > FAST_STROKE_MAX_PX || w_px <= 0)
        return false;
    if (!c->mask) {
        c->mask =
            cairo_image_surface_create(CAIRO_FORMAT_A8, cairo_image_surface_get_width(c->surface),
                                       cairo_image_surface_get_height(c->surface));
    }
    if (cairo_surface_status(c->mask) != CAIRO_STATUS_SUCCESS)
        return false;
    path = cairo_copy_path_flat(c->cr);
    if (path->status != CAIRO_STATUS_SUCCESS) {
        cairo_path_destroy(path);
        return false;
    }
    cairo_new_path(c->cr);
    cairo_surface_flush(c->mask);
    r.data = cairo_image_surface_get_data(c->mask);
    r.stride = cairo_image_surface_get_stride(c->mask);
    r.w = cairo_image_surface_get_width(c->mask);
    r.h = cairo_image_surface_get_height(c->mask);
    r.hw = w_px / 2;
    r.max_cov = w_px < 1 ? w_px : 1;
    r.dirty = (struct ibox){r.w, r.h, -1, -1};
    raster_path(&r, path, c->px_per_pt);
    cairo_path_destroy(path);
    if (r.dirty.x0 > r.dirty.x1)
        return true;
    cairo_surface_mark_dirty(c->mask);
    cairo_save(c->cr);
    cairo_identity_matrix(c->cr);
    cairo_rectangle(c->cr, r.dirty.x0, r.dirty.y0, r.dirty.x1 - r.dirty.x0 + 1,
                    r.dirty.y1 - r.dirty.y0 + 1);
    cairo_clip(c->cr);
    set_colour(c->cr, colour);
    cairo_mask_surface(c->cr, c->mask, 0, 0);
    cairo_restore(c->cr);
    // clear what was used, for the next stroke
    cairo_surface_flush(c->mask);
    for (int y = r.dirty.y0; y <= r.dirty.y1; y++)
        memset(r.data + (size_t)y * (size_t)r.stride + r.dirty.x0, 0,
               (size_t)r.dirty.x1 - (size_t)r.dirty.x0 + 1);
    cairo_surface_mark_dirty(c->mask);
    return true;
}

void ws_canvas_stroke(struct ws_canvas *c, const struct ws_rgba *colour, double width_pt,
                      double dash_pt)
{
    if (dash_pt <= 0 && fast_stroke(c, colour, width_pt))
        return;
    set_colour(c->cr, colour);
    cairo_set_line_width(c->cr, width_pt);
    if (dash_pt > 0) {
        double d[2] = {dash_pt, dash_pt};
        cairo_set_dash(c->cr, d, 2, 0);
    }
    cairo_stroke(c->cr);
    if (dash_pt > 0)
        cairo_set_dash(c->cr, NULL, 0, 0);
}

/* --- hatching and dots ---
 * Both are anchored at the page origin, so neighbouring areas line up.
 * PNG: one fill with a repeating image tile in device pixels (no
 * resampling, no seams).  PDF and SVG: the lines and dots themselves, inside
 * a clip to the path.  (A repeating pattern would be smaller, but poppler
 * draws seams between pattern tiles, and cairo 1.16's SVG surface leaks
 * recording-surface patterns.)  Dots are placed only in the lattice cells
 * that the rings' bounding boxes cover, so a few small areas without data
 * on a national map cost a few dots, not a country full. */

static void draw_tile(cairo_t *t, double side, const struct ws_rgba *bg, const struct ws_rgba *fg,
                      double line_w, double dot_r)
{
    set_colour(t, bg);
    cairo_paint(t);
    set_colour(t, fg);
    if (dot_r > 0) {
        // two dots per tile, the second shifted by half: an even texture
        cairo_arc(t, side / 4, side / 4, dot_r, 0, 2 * M_PI);
        cairo_close_path(t);
        cairo_new_sub_path(t);
        cairo_arc(t, 3 * side / 4, 3 * side / 4, dot_r, 0, 2 * M_PI);
        cairo_fill(t);
        return;
    }
    // lines x + y = k side through the tile and its corners
    for (int k = 0; k < 3; k++) {
        double o = (k - 1) * side;
        cairo_move_to(t, o - side, 2 * side);
        cairo_line_to(t, o + 2 * side, -side);
    }
    cairo_set_line_width(t, line_w);
    cairo_set_line_cap(t, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(t);
}

/* PNG: fills the current path with a repeating image tile. */
static void fill_tiled(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                       double side_pt, double line_w_pt, double dot_r_pt)
{
    // a whole number of pixels, so the tile repeats without seams
    int side_px = (int)lround(side_pt * c->px_per_pt);
    double scale;
    cairo_surface_t *tile;
    cairo_pattern_t *pat;
    cairo_t *t;
    cairo_matrix_t m;

    side_px = side_px < 2 ? 2 : side_px;
    scale = side_px / side_pt;
    tile = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side_px, side_px);
    t = cairo_create(tile);
    cairo_scale(t, scale, scale);
    draw_tile(t, side_pt, bg, fg, line_w_pt, dot_r_pt);
    cairo_destroy(t);
    pat = cairo_pattern_create_for_surface(tile);
    cairo_surface_destroy(tile);
    cairo_pattern_set_extend(pat, CAIRO_EXTEND_REPEAT);
    // pattern space (points) -> tile pixels
    cairo_matrix_init_scale(&m, scale, scale);
    cairo_pattern_set_matrix(pat, &m);
    // the tile carries the background: one fill
    cairo_set_source(c->cr, pat);
    fill_path(c);
    cairo_pattern_destroy(pat);
}

struct cell {
    long x, y;
};

static int cmp_cell(const void *a, const void *b)
{
    const struct cell *p = a;
    const struct cell *q = b;
    if (p->y != q->y)
        return (p->y > q->y) - (p->y < q->y);
    return (p->x > q->x) - (p->x < q->x);
}

static void add_cells(struct cell **cells, size_t *n, size_t *cap, const double box[4], double side)
{
    for (long y = (long)floor(box[1] / side); (double)y * side < box[3]; y++) {
        for (long x = (long)floor(box[0] / side); (double)x * side < box[2]; x++) {
            WS_VEC_GROW(*cells, *n + 1, *cap);
            (*cells)[(*n)++] = (struct cell){x, y};
        }
    }
}

/* Lattice cells (side x side) under the bounding box of every ring of the
 * current path, each once; owned. */
static struct cell *path_cells(cairo_t *cr, double side, size_t *n)
{
    cairo_path_t *path = cairo_copy_path_flat(cr);
    struct cell *cells = NULL;
    size_t cap = 0;
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    size_t k = 0;

    *n = 0;
    for (int i = 0; i <= path->num_data;
         i += i < path->num_data ? path->data[i].header.length : 1) {
        bool end = i == path->num_data || path->data[i].header.type == CAIRO_PATH_MOVE_TO;
        if (end && box[0] <= box[2])
            add_cells(&cells, n, &cap, box, side);
        if (end) {
            box[0] = box[1] = INFINITY;
            box[2] = box[3] = -INFINITY;
        }
        if (i < path->num_data && path->data[i].header.type != CAIRO_PATH_CLOSE_PATH) {
            double x = path->data[i + 1].point.x;
            double y = path->data[i + 1].point.y;
            box[0] = fmin(box[0], x);
            box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x);
            box[3] = fmax(box[3], y);
        }
    }
    cairo_path_destroy(path);
    if (*n > 1)
        qsort(cells, *n, sizeof(*cells), cmp_cell);
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || cmp_cell(&cells[i], &cells[k - 1]) != 0)
            cells[k++] = cells[i];
    *n = k;
    return cells;
}

/* PDF, SVG: fills the path with bg, then draws the lines or dots clipped to
 * it. */
static void fill_drawn(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                       double side, double line_w, double dot_r)
{
    cairo_t *cr = c->cr;
    struct cell *cells = NULL;
    size_t n = 0;
    double x0;
    double y0;
    double x1;
    double y1;

    if (dot_r > 0)
        cells = path_cells(cr, side, &n);
    cairo_save(cr);
    set_colour(cr, bg);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    for (size_t i = 0; i < n; i++) {
        double x = (double)cells[i].x * side;
        double y = (double)cells[i].y * side;
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + side / 4, y + side / 4, dot_r, 0, 2 * M_PI);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + 3 * side / 4, y + 3 * side / 4, dot_r, 0, 2 * M_PI);
    }
    // hatching: lines x + y = k side, from bottom left to top right
    for (long k = (long)floor((x0 + y0) / side); dot_r <= 0 && (double)k * side <= x1 + y1; k++) {
        double d = (double)k * side;
        cairo_move_to(cr, d - y1, y1);
        cairo_line_to(cr, d - y0, y0);
    }
    set_colour(cr, fg);
    if (dot_r > 0) {
        cairo_fill(cr);
    } else {
        cairo_set_line_width(cr, line_w);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    cairo_new_path(cr);
    free(cells);
}

static void fill_pattern(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                         double spacing_pt, double line_w_pt, double dot_r_pt)
{
    if (c->fmt == WS_CANVAS_PNG)
        fill_tiled(c, bg, fg, spacing_pt, line_w_pt, dot_r_pt);
    else
        fill_drawn(c, bg, fg, spacing_pt, line_w_pt, dot_r_pt);
}

void ws_canvas_hatch(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                     double spacing_pt, double width_pt)
{
    fill_pattern(c, bg, fg, spacing_pt, width_pt, 0);
}

void ws_canvas_dots(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                    double spacing_pt, double r_pt)
{
    // the tile holds two dots, so it is twice the spacing wide
    fill_pattern(c, bg, fg, 2 * spacing_pt, 0, r_pt);
}

void ws_canvas_save(struct ws_canvas *c)
{
    cairo_save(c->cr);
}

void ws_canvas_restore(struct ws_canvas *c)
{
    cairo_restore(c->cr);
}

void ws_canvas_clip_rect(struct ws_canvas *c, double x, double y, double w, double h)
{
    cairo_new_path(c->cr);
    cairo_rectangle(c->cr, x, y, w, h);
    cairo_clip(c->cr);
}

/* --- text --- */

static void set_text(struct ws_canvas *c, const struct ws_font *f, const char *text)
{
    PangoFontDescription *d = pango_font_description_new();

    pango_font_description_set_family_static(d, FONT_FAMILY);
    pango_font_description_set_absolute_size(d, f->size_pt * PANGO_SCALE);
    pango_font_description_set_weight(d, f->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(d, f->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(c->layout, d);
    pango_font_description_free(d);
    pango_layout_set_text(c->layout, text, -1);
}

void ws_canvas_text_size(struct ws_canvas *c, const struct ws_font *f, const char *text, double *w,
                         double *h)
{
    PangoRectangle logical;

    set_text(c, f, text);
    pango_layout_get_extents(c->layout, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
}

void ws_canvas_text(struct ws_canvas *c, double x, double y, double ax, double ay,
                    const struct ws_font *f, const char *text, const struct ws_rgba *colour,
                    const struct ws_rgba *halo, double halo_pt)
{
    cairo_t *cr = c->cr;
    PangoRectangle logical;
    double w;
    double h;
    double left;
    double top;

    set_text(c, f, text);
    pango_layout_get_extents(c->layout, NULL, &logical);
    w = (double)logical.width / PANGO_SCALE;
    h = (double)logical.height / PANGO_SCALE;
    left = x - ax * w - (double)logical.x / PANGO_SCALE;
    top = y - ay * h - (double)logical.y / PANGO_SCALE;
    cairo_save(cr);
    if (halo && halo_pt > 0) {
        cairo_new_path(cr);
        cairo_move_to(cr, left, top);
        pango_cairo_layout_path(cr, c->layout);
        set_colour(cr, halo);
        cairo_set_line_width(cr, halo_pt);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_move_to(cr, left, top);
    set_colour(cr, colour);
    pango_cairo_show_layout(cr, c->layout);
    cairo_restore(cr);
    cairo_new_path(cr);
}

/* --- multi-page documents --- */

void ws_canvas_show_page(struct ws_canvas *c)
{
    if (c->fmt != WS_CANVAS_PDF)
        return;
    cairo_show_page(c->cr);
}

double ws_canvas_paragraph(struct ws_canvas *c, double x, double y, double width_pt,
                           const struct ws_font *f, const char *text, const struct ws_rgba *colour,
                           bool draw)
{
    PangoRectangle logical;
    double h;

    set_text(c, f, text);
    pango_layout_set_width(c->layout, (int)(width_pt * PANGO_SCALE));
    pango_layout_set_wrap(c->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_get_extents(c->layout, NULL, &logical);
    h = (double)logical.height / PANGO_SCALE;
    if (draw) {
        cairo_save(c->cr);
        cairo_new_path(c->cr);
        cairo_move_to(c->cr, x, y);
        set_colour(c->cr, colour);
        pango_cairo_show_layout(c->cr, c->layout);
        cairo_restore(c->cr);
        cairo_new_path(c->cr);
    }
    pango_layout_set_width(c->layout, -1);
    return h;
}

struct png_reader {
    const unsigned char *data;
    size_t len, pos;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    struct png_reader *m = closure;
    if (m->len - m->pos < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->data + m->pos, length);
    m->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

bool ws_canvas_image_png(struct ws_canvas *c, const unsigned char *data, size_t len, double x,
                         double y, double w, double h)
{
    struct png_reader r = {data, len, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &r);
    double iw;
    double ih;
    double scale;

    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return false;
    }
    iw = cairo_image_surface_get_width(img);
    ih = cairo_image_surface_get_height(img);
    if (iw < 1 || ih < 1) {
        cairo_surface_destroy(img);
        return false;
    }
    scale = fmin(w / iw, h / ih);
    cairo_save(c->cr);
    cairo_translate(c->cr, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2);
    cairo_scale(c->cr, scale, scale);
    cairo_set_source_surface(c->cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(c->cr), CAIRO_FILTER_GOOD);
    cairo_paint(c->cr);
    cairo_restore(c->cr);
    cairo_surface_destroy(img);
    return true;
}

int ws_canvas_outline_add(struct ws_canvas *c, int parent, const char *title, int page)
{
    char dest[32];

    if (c->fmt != WS_CANVAS_PDF)
        return 0;
    (void)snprintf(dest, sizeof(dest), "page=%d", page);
    return cairo_pdf_surface_add_outline(c->surface, parent, title, dest,
                                         CAIRO_PDF_OUTLINE_FLAG_OPEN);
}

void ws_canvas_link_page(struct ws_canvas *c, double x, double y, double w, double h, int page)
{
    char attrs[96];

    if (c->fmt != WS_CANVAS_PDF)
        return;
    (void)snprintf(attrs, sizeof(attrs), "rect=[%.2f %.2f %.2f %.2f] page=%d", x, y, w, h, page);
    cairo_tag_begin(c->cr, CAIRO_TAG_LINK, attrs);
    cairo_tag_end(c->cr, CAIRO_TAG_LINK);
}

/* --- PNG files back into memory --- */

struct membuf_reader {
    const unsigned char *data;
    size_t len, pos;
};

static cairo_status_t mem_read(void *closure, unsigned char *data, unsigned int length)
{
    struct membuf_reader *m = closure;
    if (m->len - m->pos < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->data + m->pos, length);
    m->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

static int image_from_surface(cairo_surface_t *s, const char *name, struct ws_image *img,
                              struct ws_err *err)
{
    cairo_status_t st = cairo_surface_status(s);
    int w;
    int h;
    int stride;
    cairo_format_t f;
    const unsigned char *data;

    memset(img, 0, sizeof(*img));
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        ws_err_set(err, WS_ENOINPUT, "cannot read PNG '%s'", name);
        ws_err_cause(err, "cairo: %s", cairo_status_to_string(st));
        return WS_ENOINPUT;
    }
    cairo_surface_flush(s);
    w = cairo_image_surface_get_width(s);
    h = cairo_image_surface_get_height(s);
    stride = cairo_image_surface_get_stride(s);
    f = cairo_image_surface_get_format(s);
    data = cairo_image_surface_get_data(s);
    img->width = w;
    img->height = h;
    img->rgb = ws_xmalloc(ws_st_mult(ws_st_mult((size_t)w, (size_t)h), 3) + 1);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        unsigned char *o = img->rgb + (size_t)y * (size_t)w * 3;
        for (size_t x = 0; x < (size_t)w; x++) {
            uint32_t p = row[x];
            unsigned a = f == CAIRO_FORMAT_ARGB32 ? (p >> 24) & 0xff : 255;
            // premultiplied ARGB composed over white
            o[3 * x] = (unsigned char)(((p >> 16) & 0xff) + (255 - a));
            o[3 * x + 1] = (unsigned char)(((p >> 8) & 0xff) + (255 - a));
            o[3 * x + 2] = (unsigned char)((p & 0xff) + (255 - a));
        }
    }
    cairo_surface_destroy(s);
    return WS_OK;
}

int ws_image_read_png(const char *path, struct ws_image *img, struct ws_err *err)
{
    return image_from_surface(cairo_image_surface_create_from_png(path), path, img, err);
}

int ws_image_read_png_buffer(const unsigned char *data, size_t len, struct ws_image *img,
                             struct ws_err *err)
{
    struct membuf_reader m = {data, len, 0};
    return image_from_surface(cairo_image_surface_create_from_png_stream(mem_read, &m), "(memory)",
                              img, err);
}

int ws_image_write_png(const struct ws_image *img, const char *path, struct ws_err *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width, img->height);
    cairo_status_t st = cairo_surface_status(s);

    if (st == CAIRO_STATUS_SUCCESS) {
        unsigned char *data = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        cairo_surface_flush(s);
        for (int y = 0; y < img->height; y++) {
            uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
            const unsigned char *in = img->rgb + (size_t)y * (size_t)img->width * 3;
            for (size_t x = 0; x < (size_t)img->width; x++)
                row[x] = 0xff000000u | ((uint32_t)in[3 * x] << 16) |
                         ((uint32_t)in[3 * x + 1] << 8) | (uint32_t)in[3 * x + 2];
        }
        cairo_surface_mark_dirty(s);
        st = cairo_surface_write_to_png(s, path);
    }
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        ws_err_set(err, WS_ECANTCREAT, "cannot write PNG '%s'", path);
        ws_err_cause(err, "cairo: %s", cairo_status_to_string(st));
        return WS_ECANTCREAT;
    }
    return WS_OK;
}

void ws_image_release(struct ws_image *img)
{
    if (!img)
        return;
    free(img->rgb);
    memset(img, 0, sizeof(*img));
}

size_t ws_image_count_colour(const struct ws_image *img, unsigned char r, unsigned char g,
                             unsigned char b, int tol)
{
    size_t n = 0;
    size_t total = (size_t)img->width * (size_t)img->height;

    for (size_t i = 0; i < total; i++) {
        const unsigned char *p = img->rgb + 3 * i;
        if (abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol)
            n++;
    }
    return n;
}

size_t ws_image_count_diff(const struct ws_image *a, const struct ws_image *b, int tol)
{
    size_t n = 0;
    size_t total;

    if (a->width != b->width || a->height != b->height)
        return SIZE_MAX;
    total = (size_t)a->width * (size_t)a->height;
    for (size_t i = 0; i < total; i++) {
        const unsigned char *p = a->rgb + 3 * i;
        const unsigned char *q = b->rgb + 3 * i;
        if (abs(p[0] - q[0]) > tol || abs(p[1] - q[1]) > tol || abs(p[2] - q[2]) > tol)
            n++;
    }
    return n;
}
