/*
 * choropleth.h - the map page: a model built from published rows and a map
 * definition, then drawn through the canvas to PNG, PDF or SVG.
 *
 * Privacy (README: Privacy): the model is built from PUBLISHED indicator
 * rows only.  A suppressed row is drawn hatched as "geheim" whatever value it
 * carries, its value never enters class breaks, legend ranges or labels, and
 * labels show area names only.
 *
 * Two steps, so tests can check the map as data:
 *   ws_choropleth_build()  classes, colours, legend entries with counts,
 *                          titles (Dutch, or English with language "en")
 *   ws_choropleth_draw()   lays out and draws the page; counts how often
 *                          each area was filled (n_drawn), records the labels
 *                          it placed and every string it drew.
 * Layout: title block on top; the map frame; the legend, scale bar and north
 * arrow below it (portrait pages) or to its right (landscape pages); the
 * source line with the date at the bottom.  Sizes scale with the page.
 */
#ifndef WIJKSCAN_CHOROPLETH_H
#define WIJKSCAN_CHOROPLETH_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/model.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/render/mapdef.h"
#include "wijkscan/render/palette.h"

#include <stdbool.h>
#include <stddef.h>

/* A service location, in the working CRS; name may be NULL. */
struct ws_map_point {
    double x, y;
    const char *name;
};

/* Everything a map is drawn from; all borrowed. */
struct ws_map_inputs {
    const struct ws_area *buurten;
    size_t n_buurten;
    const struct ws_area *gebieden; /* analysis areas; may be empty (no analysis yet) */
    size_t n_gebieden;
    const struct ws_area *wijken; /* may be empty: no wijk level */
    size_t n_wijken;
    const struct ws_indicator_set *published; /* protected rows only */
    const struct ws_map_point *points;        /* may be NULL */
    size_t n_points;
    const char *study_title; /* small line above the title; may be NULL */
    const char *language;    /* "nl" (default, also for NULL) or "en" */
    const char *source_note; /* text after "Bron: "; may be NULL */
    const char *date;        /* "YYYY-MM-DD"; NULL: SOURCE_DATE_EPOCH, else today */
};

/* Class of an area in a panel. */
#define WS_MAP_NODATA     (-1) /* no row, population 0 or missing, value NULL */
#define WS_MAP_SUPPRESSED (-2) /* published row with suppressed = 1 */
#define WS_MAP_NOTSIG     (-3) /* a value, but its difference is not significant */

struct ws_map_area {
    int cls;          /* class index (categorical: cluster index) or WS_MAP_* */
    double value;     /* NAN unless a class */
    bool in_focus;    /* counted in the legend (every area without a focus) */
    bool not_sig;     /* the definition's significance says: not significant */
    unsigned n_drawn; /* times its fill was drawn by the last draw */
};

struct ws_map_panel {
    char *category;            /* the category the panel shows */
    char *heading;             /* shown above the panel (small multiples), else NULL */
    struct ws_map_area *areas; /* one per area of the map's level, same order */
};

enum ws_legend_kind {
    WS_LEGEND_CLASS = 0,
    WS_LEGEND_SUPPRESSED,
    WS_LEGEND_NODATA,
    WS_LEGEND_NOTSIG,
};

struct ws_legend_entry {
    enum ws_legend_kind kind;
    char *label; /* "12,3 – 15,0", "geheim", "Hoog-hoog (hotspot)" */
    struct ws_rgba colour;
    bool outline_dashed; /* 'isolated' clusters */
    size_t count;        /* areas in this entry over all panels (in focus only) */
};

struct ws_map_label {
    char *text;
    double x, y, w, h; /* page box (points) */
};

struct ws_choropleth {
    const struct ws_map_inputs *in; /* borrowed */
    const struct ws_area *areas;    /* the level's areas (borrowed from in) */
    size_t n_areas;
    /* in->wijken's shapes without the sliver holes a union of slightly
     * mismatched buurten leaves (owned; one per wijk) */
    struct ws_geom *wijk_geoms;
    struct ws_geom *gebied_geoms; /* the same for in->gebieden (owned) */
    enum ws_level level;
    bool en;
    char *name; /* definition name (output file name) */
    char *indicator;
    bool categorical;
    int year;     /* the year drawn, or the last year of the period drawn */
    int period;   /* years pooled in the rows drawn: 1, or [analysis] period */
    char *kicker; /* study title or NULL */
    char *title;
    char *subtitle;
    char *source_line;

    size_t n_classes;
    double breaks[WS_MAP_MAX_CLASSES + 1];
    struct ws_rgba colours[WS_MAP_MAX_CLASSES]; /* class colours (categorical: 6) */
    int decimals;                               /* used in legend labels */
    /* significance marking (mapdef.h): a p-value field and alpha, or an
     * interval's fields and center; NULL: none (owned copies) */
    char *sig_p;
    char *sig_low, *sig_high;
    double alpha, center;

    struct ws_legend_entry *legend;
    size_t n_legend;

    struct ws_map_panel *panels;
    size_t n_panels;

    char *focus_code; /* wijk shown zoomed (neighbours faded), or NULL */
    struct ws_bbox extent;
    enum ws_map_labels labels;

    double page_w_pt, page_h_pt, px_per_pt; /* from the definition; may be changed */

    /* filled by the last ws_choropleth_draw() */
    struct ws_map_label *placed;
    size_t n_placed;
    char **texts; /* every string drawn */
    size_t n_texts;
};

/* Builds the model of map `md` (focus_wijk NULL: the whole study; else the
 * code of one wijk, drawn zoomed with its neighbours faded and counted alone
 * in the legend).  Returns WS_OK with *out owned (free with
 * ws_choropleth_free), or WS_OK with *out NULL and a warning in warn (may be
 * NULL) when the map cannot apply to these results (no wijken, no categories
 * for category = each, no value at all); a year or category the results do
 * not have, or an unknown focus wijk, is WS_EDATA naming the definition. */
int ws_choropleth_build(const struct ws_map_inputs *in, const struct ws_mapdef *md,
                        const char *focus_wijk, struct ws_warnings *warn,
                        struct ws_choropleth **out, struct ws_err *err);
void ws_choropleth_free(struct ws_choropleth *m);

/* Draws the page.  path: the file to write; NULL: in memory, bytes to *data
 * (owned, free with free()) and *len (data and len may be NULL when path is
 * set).  Updates n_drawn, placed and texts. */
int ws_choropleth_draw(struct ws_choropleth *m, enum ws_canvas_format fmt, const char *path,
                       unsigned char **data, size_t *len, struct ws_err *err);

/* Formats v with `decimals` decimals, Dutch style ("1.234,5") or English
 * ("1,234.5"), into buf (size >= 32). */
void ws_choropleth_format_number(double v, int decimals, bool en, char *buf, size_t size);

/* Today's date (or SOURCE_DATE_EPOCH's, UTC) as "YYYY-MM-DD" into buf. */
void ws_choropleth_date(char *buf, size_t size);

#endif
