/*
 * canvas.c - the one wrapper around cairo and pango (see canvas.h).
 */
#include "wijkscan/canvas.h"

#include <cairo.h>
#include <pango/pango.h>

const char *ws_canvas_cairo_version(void)
{
    return cairo_version_string();
}

const char *ws_canvas_pango_version(void)
{
    return pango_version_string();
}
