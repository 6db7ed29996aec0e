/*
 * chart.c - the report's two chart types, drawn through the canvas into a
 * box of any page (PDF) or onto a page of their own (SVG for the HTML).
 *
 *   trend    values over the years as a line with dots and a shaded band
 *            for the 95% interval, the gemeente as a dashed reference line;
 *            a suppressed year is a hatched gap marked "geheim", a year
 *            without data a gap marked "geen data".  Lines and bands never
 *            cross a gap.
 *   profile  one horizontal bar per category, the gemeente's value as a
 *            tick; a suppressed category is a hatched stub marked "geheim".
 *
 * Only points in state WS_POINT_VALUE carry numbers (doc.c), so nothing a
 * chart draws can reveal a suppressed figure.
 */
#include "wijkscan/report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct ws_rgba ink = {0.15, 0.15, 0.15, 1};
static const struct ws_rgba grid = {0.85, 0.85, 0.85, 1};
static const struct ws_rgba line_col = {0.13, 0.37, 0.62, 1};
static const struct ws_rgba band_col = {0.13, 0.37, 0.62, 0.18};
static const struct ws_rgba ref_col = {0.45, 0.45, 0.45, 1};
static const struct ws_rgba hatch_bg = {0.96, 0.96, 0.96, 1};
static const struct ws_rgba hatch_fg = {0.62, 0.62, 0.62, 1};

double ws_report_chart_height(const struct ws_doc_block *b, double w)
{
    if (b->kind == WS_DOC_PROFILE)
        return 16.0 * (double)b->n_points + 44;
    return fmax(150, fmin(200, w * 0.36));
}

/* A round step for about n ticks up to max. */
static double nice_step(double max, int n)
{
    double raw = max / n;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static double chart_max(const struct ws_doc_block *b)
{
    double m = 0;
    for (size_t i = 0; i < b->n_points; i++) {
        const struct ws_doc_point *p = &b->points[i];
        if (p->state == WS_POINT_VALUE) {
            m = fmax(m, p->value);
            if (isfinite(p->hi))
                m = fmax(m, p->hi);
        }
        if (isfinite(p->ref))
            m = fmax(m, p->ref);
    }
    return m > 0 ? m * 1.08 : 1;
}

static void y_axis(struct ws_canvas *c, bool en, double x0, double x1, double top, double bottom,
                   double ymax, double *step_out)
{
    struct ws_font f = {7.5, false, false};
    double step = nice_step(ymax, 4);
    char buf[40];

    for (int k = 0; k * step <= ymax + 1e-9; k++) {
        double v = k * step;
        double y = bottom - (bottom - top) * v / ymax;
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, x0, y);
        ws_canvas_line_to(c, x1, y);
        ws_canvas_stroke(c, &grid, 0.5, 0);
        ws_choropleth_format_number(v, step < 1 ? 1 : 0, en, buf, sizeof(buf));
        ws_canvas_text(c, x0 - 4, y, 1, 0.5, &f, buf, &ink, NULL, 0);
    }
    *step_out = step;
}

static void legend(struct ws_canvas *c, const struct ws_doc_block *b, const char *own, double x,
                   double y)
{
    struct ws_font f = {7.5, false, false};
    double w;
    double h;

    ws_canvas_new_path(c);
    ws_canvas_move_to(c, x, y);
    ws_canvas_line_to(c, x + 18, y);
    ws_canvas_stroke(c, &line_col, 1.6, 0);
    ws_canvas_text(c, x + 22, y, 0, 0.5, &f, own, &ink, NULL, 0);
    ws_canvas_text_size(c, &f, own, &w, &h);
    x += 22 + w + 14;
    if (b->ref_name) {
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, x, y);
        ws_canvas_line_to(c, x + 18, y);
        ws_canvas_stroke(c, &ref_col, 1.2, 2.5);
        ws_canvas_text(c, x + 22, y, 0, 0.5, &f, b->ref_name, &ink, NULL, 0);
    }
}

/* The plot area of a trend chart and its scales. */
struct frame {
    double left, right, top, bottom, ymax, dx;
};

static double fx(const struct frame *f, size_t i)
{
    return f->left + f->dx * ((double)i + 0.5);
}

static double fy(const struct frame *f, double v)
{
    return f->bottom - (f->bottom - f->top) * v / f->ymax;
}

/* Year labels, and a hatched ("geheim") or blank ("geen data") gap for each
 * year without a value. */
static void trend_gaps(struct ws_canvas *c, const struct ws_doc_block *b, bool en,
                       const struct frame *f)
{
    struct ws_font font = {7.5, false, false};
    const struct ws_rgba white = {1, 1, 1, 1};

    for (size_t i = 0; i < b->n_points; i++) {
        const struct ws_doc_point *p = &b->points[i];
        ws_canvas_text(c, fx(f, i), f->bottom + 4, 0.5, 0, &font, p->label, &ink, NULL, 0);
        if (p->state == WS_POINT_VALUE)
            continue;
        ws_canvas_new_path(c);
        ws_canvas_rect(c, fx(f, i) - f->dx * 0.3, f->top, f->dx * 0.6, f->bottom - f->top);
        if (p->state == WS_POINT_SUPPRESSED)
            ws_canvas_hatch(c, &hatch_bg, &hatch_fg, 4, 0.6);
        else
            ws_canvas_fill(c, &hatch_bg);
        ws_canvas_text(c, fx(f, i), (f->top + f->bottom) / 2, 0.5, 0.5, &font,
                       ws_rs(p->state == WS_POINT_SUPPRESSED ? WS_RS_SUPPRESSED : WS_RS_NODATA, en),
                       &ink, &white, 2.5);
    }
}

/* Band, interval whiskers, line and dots over one run i..j of values. */
static void trend_run(struct ws_canvas *c, const struct ws_doc_block *b, const struct frame *f,
                      size_t i, size_t j)
{
    const struct ws_doc_point *pt = b->points;
    bool band = j > i;

    for (size_t k = i; k <= j; k++)
        band = band && isfinite(pt[k].lo) && isfinite(pt[k].hi);
    if (band) {
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, fx(f, i), fy(f, pt[i].hi));
        for (size_t k = i + 1; k <= j; k++)
            ws_canvas_line_to(c, fx(f, k), fy(f, pt[k].hi));
        for (size_t k = j + 1; k-- > i;)
            ws_canvas_line_to(c, fx(f, k), fy(f, pt[k].lo));
        ws_canvas_close_path(c);
        ws_canvas_fill(c, &band_col);
    }
    for (size_t k = i; k <= j; k++) {
        if (!isfinite(pt[k].lo) || !isfinite(pt[k].hi))
            continue;
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, fx(f, k), fy(f, pt[k].lo));
        ws_canvas_line_to(c, fx(f, k), fy(f, pt[k].hi));
        ws_canvas_stroke(c, &band_col, 1.2, 0);
    }
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, fx(f, i), fy(f, pt[i].value));
    for (size_t k = i + 1; k <= j; k++)
        ws_canvas_line_to(c, fx(f, k), fy(f, pt[k].value));
    if (j > i)
        ws_canvas_stroke(c, &line_col, 1.6, 0);
    else
        ws_canvas_new_path(c);
    for (size_t k = i; k <= j; k++) {
        ws_canvas_new_path(c);
        ws_canvas_circle(c, fx(f, k), fy(f, pt[k].value), 2.4);
        ws_canvas_fill(c, &line_col);
    }
}

static void draw_trend(struct ws_canvas *c, const struct ws_doc_block *b, bool en, double x,
                       double y, double w, double h)
{
    struct frame f;
    size_t n = b->n_points;
    double step;

    f.left = x + 36;
    f.right = x + w - 8;
    f.top = y + 8;
    f.bottom = y + h - 34;
    f.ymax = chart_max(b);
    f.dx = n > 0 ? (f.right - f.left) / (double)n : 0;
    y_axis(c, en, f.left, f.right, f.top, f.bottom, f.ymax, &step);
    trend_gaps(c, b, en, &f);
    // lines and bands over runs of consecutive values, never across a gap
    for (size_t i = 0; i < n;) {
        size_t j = i;
        if (b->points[i].state != WS_POINT_VALUE) {
            i++;
            continue;
        }
        while (j + 1 < n && b->points[j + 1].state == WS_POINT_VALUE)
            j++;
        trend_run(c, b, &f, i, j);
        i = j + 1;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (!isfinite(b->points[i].ref) || !isfinite(b->points[i + 1].ref))
            continue;
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, fx(&f, i), fy(&f, b->points[i].ref));
        ws_canvas_line_to(c, fx(&f, i + 1), fy(&f, b->points[i + 1].ref));
        ws_canvas_stroke(c, &ref_col, 1.2, 2.5);
    }
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, f.left, f.bottom);
    ws_canvas_line_to(c, f.right, f.bottom);
    ws_canvas_stroke(c, &ink, 0.8, 0);
    legend(c, b, b->axis ? b->axis : "", f.left, y + h - 8);
}

static void draw_profile(struct ws_canvas *c, const struct ws_doc_block *b, bool en, double x,
                         double y, double w, double h)
{
    struct ws_font f = {7.5, false, false};
    double label_w = 0;
    double top = y + 6;
    double row = 16;
    double bottom = top + row * (double)b->n_points;
    double ymax = chart_max(b);
    double left;
    double right = x + w - 36;
    double step;
    char buf[40];

    for (size_t i = 0; i < b->n_points; i++) {
        double tw;
        double th;
        ws_canvas_text_size(c, &f, b->points[i].label, &tw, &th);
        label_w = fmax(label_w, tw);
    }
    left = x + fmin(label_w + 8, w * 0.4);
    step = nice_step(ymax, 4);
    for (int k = 0; k * step <= ymax + 1e-9; k++) {
        double v = k * step;
        double px = left + (right - left) * v / ymax;
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, px, top);
        ws_canvas_line_to(c, px, bottom);
        ws_canvas_stroke(c, &grid, 0.5, 0);
        ws_choropleth_format_number(v, step < 1 ? 1 : 0, en, buf, sizeof(buf));
        ws_canvas_text(c, px, bottom + 3, 0.5, 0, &f, buf, &ink, NULL, 0);
    }
    for (size_t i = 0; i < b->n_points; i++) {
        const struct ws_doc_point *p = &b->points[i];
        double cy = top + row * ((double)i + 0.5);
        ws_canvas_text(c, left - 6, cy, 1, 0.5, &f, p->label, &ink, NULL, 0);
        if (p->state == WS_POINT_VALUE) {
            double bw = (right - left) * p->value / ymax;
            ws_canvas_new_path(c);
            ws_canvas_rect(c, left, cy - row * 0.32, bw, row * 0.64);
            ws_canvas_fill(c, &line_col);
            ws_choropleth_format_number(p->value, 1, en, buf, sizeof(buf));
            ws_canvas_text(c, left + bw + 3, cy, 0, 0.5, &f, buf, &ink, NULL, 0);
        } else {
            const char *t =
                ws_rs(p->state == WS_POINT_SUPPRESSED ? WS_RS_SUPPRESSED : WS_RS_NODATA, en);
            double tw;
            double th;
            ws_canvas_text_size(c, &f, t, &tw, &th);
            ws_canvas_new_path(c);
            ws_canvas_rect(c, left, cy - row * 0.32, tw + 8, row * 0.64);
            if (p->state == WS_POINT_SUPPRESSED)
                ws_canvas_hatch(c, &hatch_bg, &hatch_fg, 3, 0.5);
            else
                ws_canvas_fill(c, &hatch_bg);
            ws_canvas_text(c, left + 4, cy, 0, 0.5, &f, t, &ink, &(struct ws_rgba){1, 1, 1, 1},
                           2.5);
        }
        if (isfinite(p->ref)) {
            double px = left + (right - left) * p->ref / ymax;
            ws_canvas_new_path(c);
            ws_canvas_move_to(c, px, cy - row * 0.45);
            ws_canvas_line_to(c, px, cy + row * 0.45);
            ws_canvas_stroke(c, &ref_col, 1.4, 0);
        }
    }
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, left, top);
    ws_canvas_line_to(c, left, bottom);
    ws_canvas_stroke(c, &ink, 0.8, 0);
    if (b->ref_name) {
        double lx = left;
        double ly = y + h - 8;
        ws_canvas_new_path(c);
        ws_canvas_rect(c, lx, ly - 4, 14, 8);
        ws_canvas_fill(c, &line_col);
        ws_canvas_text(c, lx + 18, ly, 0, 0.5, &f, b->axis ? b->axis : "", &ink, NULL, 0);
        lx += 90;
        ws_canvas_new_path(c);
        ws_canvas_move_to(c, lx + 7, ly - 6);
        ws_canvas_line_to(c, lx + 7, ly + 6);
        ws_canvas_stroke(c, &ref_col, 1.4, 0);
        ws_canvas_text(c, lx + 14, ly, 0, 0.5, &f, b->ref_name, &ink, NULL, 0);
    }
}

void ws_report_draw_chart(struct ws_canvas *c, const struct ws_doc_block *b, bool en, double x,
                          double y, double w, double h)
{
    if (b->kind == WS_DOC_TREND)
        draw_trend(c, b, en, x, y, w, h);
    else if (b->kind == WS_DOC_PROFILE)
        draw_profile(c, b, en, x, y, w, h);
}
