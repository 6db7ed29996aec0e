/*
 * viewport.c - world -> page transform and scale-bar steps (see viewport.h).
 *
 * A uniform scale keeps shapes true (RD New is conformal enough at city
 * scale that 1 m east equals 1 m north on paper).  The frame is centred on
 * the world box, so the map sits in the middle of its rectangle whichever
 * side limits the scale.
 */
#include "wijkscan/render/viewport.h"

#include <math.h>

bool ws_viewport_fit(struct ws_bbox world, double x, double y, double w, double h, double margin,
                     struct ws_viewport *vp)
{
    double ww;
    double wh;
    double fw = w - 2 * margin;
    double fh = h - 2 * margin;
    double s;
    double cx;
    double cy;

    if (!(world.minx <= world.maxx) || !(world.miny <= world.maxy) || !isfinite(world.minx) ||
        !isfinite(world.maxx) || !isfinite(world.miny) || !isfinite(world.maxy))
        return false;
    if (!(fw > 0) || !(fh > 0))
        return false;
    ww = world.maxx - world.minx;
    wh = world.maxy - world.miny;
    if (ww <= 0) {
        world.minx -= 0.5;
        ww = 1;
    }
    if (wh <= 0) {
        world.miny -= 0.5;
        wh = 1;
    }
    s = fmin(fw / ww, fh / wh);
    cx = world.minx + ww / 2;
    cy = world.miny + wh / 2;
    vp->scale = s;
    vp->ox = x + w / 2 - s * cx;
    vp->oy = y + h / 2 + s * cy;
    vp->frame_x = x;
    vp->frame_y = y;
    vp->frame_w = w;
    vp->frame_h = h;
    return true;
}

void ws_viewport_to_page(const struct ws_viewport *vp, double wx, double wy, double *px, double *py)
{
    *px = vp->ox + vp->scale * wx;
    *py = vp->oy - vp->scale * wy;
}

void ws_viewport_to_world(const struct ws_viewport *vp, double px, double py, double *wx,
                          double *wy)
{
    *wx = (px - vp->ox) / vp->scale;
    *wy = (vp->oy - py) / vp->scale;
}

struct ws_bbox ws_viewport_world_box(const struct ws_viewport *vp)
{
    struct ws_bbox b;

    ws_viewport_to_world(vp, vp->frame_x, vp->frame_y + vp->frame_h, &b.minx, &b.miny);
    ws_viewport_to_world(vp, vp->frame_x + vp->frame_w, vp->frame_y, &b.maxx, &b.maxy);
    return b;
}

double ws_viewport_scalebar_km(const struct ws_viewport *vp, double max_pt, double *len_pt)
{
    static const double steps[] = {1, 2, 5};
    double best = 0;
    double best_pt = 0;

    // 10 m up to 5000 km covers any map a study makes
    for (int k = -2; k <= 3; k++) {
        for (int i = 0; i < 3; i++) {
            double km = steps[i] * pow(10, k);
            double pt = km * 1000 * vp->scale;
            if (pt <= max_pt && km > best) {
                best = km;
                best_pt = pt;
            }
        }
    }
    if (len_pt)
        *len_pt = best_pt;
    return best;
}
