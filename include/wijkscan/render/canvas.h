/*
 * canvas.h - the one wrapper around cairo and pango (render stage).
 *
 * canvas.c is the only file that includes cairo, pango or fontconfig
 * headers; their handles never leave it.  A canvas is one page: a PNG image,
 * a one-page vector PDF or an SVG, written to a file or collected in memory.
 * All drawing is in points (1/72 inch) with the origin at the top left; a PNG
 * is the page rasterised at `px_per_pt` pixels per point.  Text is set with
 * pango in "DejaVu Sans" at 72 points per inch with fixed font options
 * (grey antialiasing, no hinting, no hint metrics), so text extents are the
 * same in every format and on every machine with fonts-dejavu-core.
 *
 * Errors: cairo errors are sticky, so drawing calls return nothing; the status
 * is checked once in ws_canvas_close()/ws_canvas_close_buffer(), which report
 * WS_ECANTCREAT (file) or WS_EINTERNAL (memory) with cairo's text as cause.
 *
 * Paths: ws_canvas_add_geom() appends every ring of a geometry (through a
 * viewport) to the current path; ws_canvas_fill() then fills it with the
 * even-odd rule (holes stay open) and clears it.  Drawing many polygons with
 * one path and one fill is what makes a national map fast.
 */
#ifndef WIJKSCAN_CANVAS_H
#define WIJKSCAN_CANVAS_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"
#include "wijkscan/render/viewport.h"

#include <stdbool.h>
#include <stddef.h>

/* Versions of the cairo and pango libraries in use (static strings). */
const char *ws_canvas_cairo_version(void);
const char *ws_canvas_pango_version(void);

/* Frees the static caches of fontconfig, pango and cairo (call once at exit,
 * after the last canvas is closed; valgrind then sees no leaks of theirs).
 * Canvases may not be used afterwards. */
void ws_canvas_global_shutdown(void);

enum ws_canvas_format {
    WS_CANVAS_PNG = 0,
    WS_CANVAS_PDF = 1,
    WS_CANVAS_SVG = 2,
};
#define WS_CANVAS_N_FORMATS 3

/* "png", "pdf", "svg" -> format; -1 if unknown. */
int ws_canvas_format_parse(const char *name);
/* The file extension (and name) of a format: "png", "pdf", "svg". */
const char *ws_canvas_format_name(enum ws_canvas_format fmt);

/* A colour with alpha, components 0..1. */
struct ws_rgba {
    double r, g, b, a;
};

struct ws_font {
    double size_pt;
    bool bold;
    bool italic;
};

struct ws_canvas;

/* Opens a page of width_pt x height_pt points.  path: the file to write (a
 * temporary name from outfiles); NULL collects the output in memory (take it
 * with ws_canvas_close_buffer).  px_per_pt is used for PNG only (e.g. 150/72
 * for 150 dpi).  The page starts white.  *out is owned; finish it with
 * ws_canvas_close() or ws_canvas_close_buffer(), or drop it with
 * ws_canvas_free().  WS_ECANTCREAT when the file cannot be created,
 * WS_EINTERNAL for a bad size. */
int ws_canvas_open(enum ws_canvas_format fmt, const char *path, double width_pt, double height_pt,
                   double px_per_pt, struct ws_canvas **out, struct ws_err *err);
/* Finishes the page (writes the PNG, closes the PDF/SVG) and frees c (also on
 * failure).  For an in-memory canvas the output is discarded. */
int ws_canvas_close(struct ws_canvas *c, struct ws_err *err);
/* Finishes an in-memory canvas and hands over its bytes: *data is owned (free
 * with free()), *len its size.  Frees c (also on failure). */
int ws_canvas_close_buffer(struct ws_canvas *c, unsigned char **data, size_t *len,
                           struct ws_err *err);
/* Frees c without finishing (NULL is fine); a file may be left half written
 * (the caller's outfiles set removes it on abort). */
void ws_canvas_free(struct ws_canvas *c);

/* Page size in points. */
double ws_canvas_width(const struct ws_canvas *c);
double ws_canvas_height(const struct ws_canvas *c);

/* --- paths (in points) --- */
void ws_canvas_new_path(struct ws_canvas *c);
void ws_canvas_move_to(struct ws_canvas *c, double x, double y);
void ws_canvas_line_to(struct ws_canvas *c, double x, double y);
void ws_canvas_close_path(struct ws_canvas *c);
void ws_canvas_rect(struct ws_canvas *c, double x, double y, double w, double h);
void ws_canvas_circle(struct ws_canvas *c, double x, double y, double r);
/* Appends every ring of g, transformed by vp.  Vertices closer than a
 * fraction of a pixel (PNG) or 0.05 pt (vector) to the previous kept vertex
 * are skipped; the output looks the same and a national map draws fast. */
void ws_canvas_add_geom(struct ws_canvas *c, const struct ws_geom *g, const struct ws_viewport *vp);

/* Map areas whose edges an outline of at least one pixel covers afterwards
 * can be filled without antialiasing on PNG pages: twice as fast, and no
 * hairline seams between neighbouring areas.  Off at open; no effect on
 * PDF and SVG. */
void ws_canvas_set_flat_fills(struct ws_canvas *c, bool on);

/* Fills the current path (even-odd) and clears it. */
void ws_canvas_fill(struct ws_canvas *c, const struct ws_rgba *colour);
/* Strokes the current path (round joins) and clears it.  dash_pt > 0 draws
 * a dashed line with equal dashes and gaps. */
void ws_canvas_stroke(struct ws_canvas *c, const struct ws_rgba *colour, double width_pt,
                      double dash_pt);
/* Fills the current path with `bg` and covers it with diagonal hatching
 * (lines from bottom left to top right, `spacing_pt` apart, `width_pt`
 * wide, colour fg); clears the path.  Vector in PDF and SVG. */
void ws_canvas_hatch(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                     double spacing_pt, double width_pt);
/* As ws_canvas_hatch, with a grid of dots of radius r_pt instead of lines. */
void ws_canvas_dots(struct ws_canvas *c, const struct ws_rgba *bg, const struct ws_rgba *fg,
                    double spacing_pt, double r_pt);

/* Graphics state: clip to a rectangle until the matching restore. */
void ws_canvas_save(struct ws_canvas *c);
void ws_canvas_restore(struct ws_canvas *c);
void ws_canvas_clip_rect(struct ws_canvas *c, double x, double y, double w, double h);

/* --- text (UTF-8, plain text: no pango markup) --- */
/* Logical width and height of `text` set in font f, in points. */
void ws_canvas_text_size(struct ws_canvas *c, const struct ws_font *f, const char *text, double *w,
                         double *h);
/* Draws text with its box anchored at (x, y): ax is 0 (left edge at x), 0.5
 * (centred) or 1 (right edge); ay likewise from the top (0) to the bottom
 * (1).  halo (may be NULL) draws a soft outline of width halo_pt behind the
 * glyphs so labels stay readable on any fill. */
void ws_canvas_text(struct ws_canvas *c, double x, double y, double ax, double ay,
                    const struct ws_font *f, const char *text, const struct ws_rgba *colour,
                    const struct ws_rgba *halo, double halo_pt);

/* --- multi-page documents (report stage) --- */
/* Ends the current page and starts a new, blank one of the same size (PDF
 * only; on PNG and SVG canvases it does nothing). */
void ws_canvas_show_page(struct ws_canvas *c);
/* Sets `text` in font f wrapped to lines of at most width_pt points (word
 * wrap) with its top left at (x, y); returns the height it takes.  With
 * draw false nothing is drawn (measuring only). */
double ws_canvas_paragraph(struct ws_canvas *c, double x, double y, double width_pt,
                           const struct ws_font *f, const char *text, const struct ws_rgba *colour,
                           bool draw);
/* Paints the PNG image in data (len bytes, borrowed) scaled into the box
 * (x, y, w, h) (aspect kept, centred).  Returns false (drawing nothing) when
 * the bytes are not a PNG. */
bool ws_canvas_image_png(struct ws_canvas *c, const unsigned char *data, size_t len, double x,
                         double y, double w, double h);
/* PDF only (no-ops otherwise): adds an entry to the document outline
 * (bookmarks) under `parent` (0: top level) pointing at page `page` (1-based);
 * returns its id for children (0 on other formats). */
int ws_canvas_outline_add(struct ws_canvas *c, int parent, const char *title, int page);
/* PDF only: makes the rectangle (x, y, w, h) on the current page a link to
 * page `page` (1-based). */
void ws_canvas_link_page(struct ws_canvas *c, double x, double y, double w, double h, int page);

/* --- reading PNG files back (tests, golden images) --- */
struct ws_image {
    int width, height;
    unsigned char *rgb; /* width * height * 3 bytes, row major, no padding */
};
/* Reads a PNG into img (owned; release with ws_image_release).  Alpha is
 * composed over white.  WS_ENOINPUT when the file cannot be read as PNG. */
int ws_image_read_png(const char *path, struct ws_image *img, struct ws_err *err);
/* As ws_image_read_png, from PNG bytes in memory. */
int ws_image_read_png_buffer(const unsigned char *data, size_t len, struct ws_image *img,
                             struct ws_err *err);
/* Writes img as a PNG (WS_ECANTCREAT on failure). */
int ws_image_write_png(const struct ws_image *img, const char *path, struct ws_err *err);
void ws_image_release(struct ws_image *img);
/* Pixels whose every channel is within tol of (r, g, b). */
size_t ws_image_count_colour(const struct ws_image *img, unsigned char r, unsigned char g,
                             unsigned char b, int tol);
/* Pixels where a and b differ by more than tol in some channel; SIZE_MAX
 * when the sizes differ. */
size_t ws_image_count_diff(const struct ws_image *a, const struct ws_image *b, int tol);

#endif
