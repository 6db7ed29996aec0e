/*
 * canvas.h - the one wrapper around cairo and pango (render stage).
 *
 * canvas.c is the only file that includes cairo or pango headers; their
 * handles never leave it.
 */
#ifndef WIJKSCAN_CANVAS_H
#define WIJKSCAN_CANVAS_H

/* Versions of the cairo and pango libraries in use (static strings). */
const char *ws_canvas_cairo_version(void);
const char *ws_canvas_pango_version(void);

#endif
