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
#include "wijkscan/canvas.h"

#include "wijkscan/mem.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FONT_FAMILY "DejaVu Sans"

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
};

const char *ws_canvas_cairo_version(void)
{
    return cairo_version_string();
}

const char *ws_canvas_pango_version(void)
{
    return pango_version_string();
}

void ws_canvas_global_shutdown(void)
{
    // the default font map holds fontconfig patterns; drop it before FcFini
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
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
            s = cairo_pdf_surface_create_for_stream(mem_write, &c->mem, c->width_pt,
                                                    c->height_pt);
        if (pdf_date(date, sizeof(date))) {
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
        }
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "wijkscan");
        return s;
    }
    case WS_CANVAS_SVG: {
        cairo_surface_t *s;
        if (c->path)
            s = cairo_svg_surface_create(c->path, c->width_pt, c->height_pt);
        else
            s = cairo_svg_surface_create_for_stream(mem_write, &c->mem, c->width_pt,
                                                    c->height_pt);
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
        (fmt == WS_CANVAS_PNG && !(px_per_pt > 0 && width_pt * px_per_pt <= 32767 &&
                                   height_pt * px_per_pt <= 32767))) {
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
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surface)
        cairo_surface_destroy(c->surface);
    free(c->mem.data);
    free(c->path);
    free(c);
}

/* Finishes drawing and the surface; returns the first cairo error. */
static cairo_status_t finish(struct ws_canvas *c)
{
    cairo_status_t st = cairo_status(c->cr);

    if (st != CAIRO_STATUS_SUCCESS)
        return st;
    if (c->fmt == WS_CANVAS_PNG) {
        cairo_surface_flush(c->surface);
        if (c->path)
            st = cairo_surface_write_to_png(c->surface, c->path);
        else
            st = cairo_surface_write_to_png_stream(c->surface, mem_write, &c->mem);
        if (st != CAIRO_STATUS_SUCCESS)
            return st;
    } else {
        cairo_show_page(c->cr);
        st = cairo_status(c->cr);
        if (st != CAIRO_STATUS_SUCCESS)
            return st;
    }
    cairo_surface_finish(c->surface);
    return cairo_surface_status(c->surface);
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

void ws_canvas_add_geom(struct ws_canvas *c, const struct ws_geom *g,
                        const struct ws_viewport *vp)
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

void ws_canvas_fill(struct ws_canvas *c, const struct ws_rgba *colour)
{
    set_colour(c->cr, colour);
    cairo_fill(c->cr);
}

void ws_canvas_stroke(struct ws_canvas *c, const struct ws_rgba *colour, double width_pt,
                      double dash_pt)
{
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

/* Fills the current path with bg, clips to it and returns the clip extents;
 * false (path cleared, state restored) when nothing is left to cover. */
static bool fill_and_clip(struct ws_canvas *c, const struct ws_rgba *bg, double *x0, double *y0,
                          double *x1, double *y1)
{
    cairo_t *cr = c->cr;

    cairo_save(cr);
    set_colour(cr, bg);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_clip_extents(cr, x0, y0, x1, y1);
    if (!(*x1 > *x0 && *y1 > *y0)) {
        cairo_restore(cr);
        return false;
    }
    return true;
}

void ws_canvas_hatch(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                     double spacing_pt, double width_pt)
{
    cairo_t *cr = c->cr;
    double x0;
    double y0;
    double x1;
    double y1;
    double h;
    double start;

    if (!fill_and_clip(c, bg, &x0, &y0, &x1, &y1))
        return;
    h = y1 - y0;
    // lines at 45 degrees on a page-anchored grid, so neighbouring hatched
    // areas line up
    start = floor((x0 - h) / spacing_pt) * spacing_pt;
    for (double t = start; t <= x1; t += spacing_pt) {
        cairo_move_to(cr, t, y1);
        cairo_line_to(cr, t + h, y0);
    }
    set_colour(cr, fg);
    cairo_set_line_width(cr, width_pt);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ws_canvas_dots(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                    double spacing_pt, double r_pt)
{
    cairo_t *cr = c->cr;
    double x0;
    double y0;
    double x1;
    double y1;

    if (!fill_and_clip(c, bg, &x0, &y0, &x1, &y1))
        return;
    for (double y = floor(y0 / spacing_pt) * spacing_pt; y <= y1 + r_pt; y += spacing_pt) {
        // every other row shifted by half a step: a denser, even texture
        double shift = fmod(floor(y / spacing_pt), 2.0) != 0 ? spacing_pt / 2 : 0;
        for (double x = floor(x0 / spacing_pt) * spacing_pt + shift; x <= x1 + r_pt;
             x += spacing_pt) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, r_pt, 0, 2 * M_PI);
        }
    }
    set_colour(cr, fg);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_fill(cr);
    cairo_restore(cr);
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

void ws_canvas_text_size(struct ws_canvas *c, const struct ws_font *f, const char *text,
                         double *w, double *h)
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
        for (int x = 0; x < w; x++) {
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
    return image_from_surface(cairo_image_surface_create_from_png_stream(mem_read, &m),
                              "(memory)", img, err);
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
            for (int x = 0; x < img->width; x++)
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
