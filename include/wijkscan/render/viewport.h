/*
 * viewport.h - the world -> page transform of a map frame, and the round
 * steps of its scale bar (pure).
 *
 * World coordinates are in the study's working CRS (metres for EPSG:28992,
 * x east, y north); page coordinates are points (1/72 inch) with the origin at
 * the top left and y pointing down, as cairo draws.  One transform is computed
 * per map frame and used for every layer drawn in it:
 *     page_x = ox + scale * x,    page_y = oy - scale * y.
 */
#ifndef WIJKSCAN_VIEWPORT_H
#define WIJKSCAN_VIEWPORT_H

#include "wijkscan/core/geom.h"

#include <stdbool.h>

struct ws_viewport {
    double scale;  /* points per world unit (metre) */
    double ox, oy; /* page position of the world origin */
    /* the page rectangle the viewport was fitted into */
    double frame_x, frame_y, frame_w, frame_h;
};

/* Fits world box `world` into the page rectangle (x, y, w, h) keeping the
 * aspect ratio, centred, with `margin` points left free on every side.
 * Returns false (vp unchanged) when the box is empty or inverted, or the
 * rectangle smaller than the margins; a box of zero width or height is
 * widened to 1 world unit first. */
bool ws_viewport_fit(struct ws_bbox world, double x, double y, double w, double h, double margin,
                     struct ws_viewport *vp);

/* World -> page. */
void ws_viewport_to_page(const struct ws_viewport *vp, double wx, double wy, double *px,
                         double *py);
/* Page -> world. */
void ws_viewport_to_world(const struct ws_viewport *vp, double px, double py, double *wx,
                          double *wy);

/* The world box seen through the frame (the whole rectangle, margins
 * included). */
struct ws_bbox ws_viewport_world_box(const struct ws_viewport *vp);

/* The longest round scale-bar length (1, 2 or 5 x 10^k kilometres, k >= -2,
 * so 10 m .. ) whose page length is at most max_pt.  *len_pt receives its page
 * length.  Returns the length in kilometres (0 if even 10 m is longer than
 * max_pt).  Assumes world units are metres. */
double ws_viewport_scalebar_km(const struct ws_viewport *vp, double max_pt, double *len_pt);

#endif
