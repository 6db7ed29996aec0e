/*
 * report.h - the report stage: the atlas report/wijkanalyse.pdf and the
 * offline report/index.html, both rendered from one small document model.
 *
 * Privacy (README: Privacy): the model is built from PUBLISHED indicator
 * rows only (ws_store_read_indicators(WS_SET_PUBLISHED)), the areas and the
 * store's named results.  Every figure of a suppressed row is replaced by the
 * word "geheim" (en: "suppressed") while the model is built: tables hold
 * formatted strings, charts hold a state per point (a suppressed point has
 * no value at all), and the generated text never mentions a suppressed
 * figure.  Renderers only lay out what the model holds.
 *
 * Optional inputs (the store's typed results, results.h; a part is left out
 * when the store does not have its result yet): the priority list, the group
 * offers and the manifest.
 */
#ifndef WIJKSCAN_REPORT_H
#define WIJKSCAN_REPORT_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/results.h"
#include "wijkscan/render/choropleth.h"
#include "wijkscan/render/mapdef.h"
#include "wijkscan/report/rstrings.h"
#include "wijkscan/store/store.h"

#include <stdbool.h>
#include <stddef.h>

/* --- the document model ------------------------------------------------ */

enum ws_doc_kind {
    WS_DOC_HEADING = 0, /* text, level 2 or 3 (level 1 is the section title) */
    WS_DOC_PARA,        /* text */
    WS_DOC_NOTE,        /* text: a caveat, set apart */
    WS_DOC_LIST,        /* items */
    WS_DOC_TABLE,       /* cells */
    WS_DOC_MAP,         /* map_index into the model's maps, wijk (NULL: the gemeente) */
    WS_DOC_TREND,       /* chart: values over the years with their interval */
    WS_DOC_PROFILE,     /* chart: one bar per category */
    WS_DOC_KEYVALS,     /* items as "key\tvalue" pairs (key figures, manifest) */
};

/* State of one chart point: a value, a suppressed cell or no data. */
enum ws_doc_point_state {
    WS_POINT_VALUE = 0,
    WS_POINT_SUPPRESSED = 1, /* drawn as a gap marked "geheim"; value is NAN */
    WS_POINT_NODATA = 2,
};

struct ws_doc_point {
    char *label; /* year or category name */
    enum ws_doc_point_state state;
    double value, lo, hi; /* NAN unless state is WS_POINT_VALUE (lo, hi may be NAN) */
    double ref;           /* the gemeente's value for comparison, NAN when none */
};

struct ws_doc_block {
    enum ws_doc_kind kind;
    int level;
    char *text;   /* heading, paragraph, note; chart and map title */
    char **items; /* list, keyvals */
    size_t n_items;
    char **cells; /* table, row major, row 0 the header */
    size_t n_rows, n_cols;
    struct ws_doc_point *points; /* charts */
    size_t n_points;
    char *axis;     /* chart: what the values are */
    char *ref_name; /* chart: what ref is ("gemeente") */
    size_t map_index;
    char *wijk;         /* map: the wijk shown, NULL: whole study */
    bool highlight;     /* list: set apart (the "Herken je dit?" questions) */
    unsigned left_cols; /* table: bit j set: column j holds text (left-aligned);
                           column 0 always does, the others hold figures */
};

struct ws_doc_section {
    char *id;    /* HTML anchor: "overzicht", a wijk code, ... */
    char *title; /* table of contents entry */
    bool is_wijk;
    struct ws_doc_block *blocks;
    size_t n_blocks, cap_blocks;
};

struct ws_doc {
    bool en;
    char *title;    /* study title */
    char *gemeente; /* gemeente name(s) */
    char *years;    /* "2021–2024" */
    char *source;   /* source note (may be NULL) */
    char *date;     /* YYYY-MM-DD */
    bool synthetic;
    struct ws_doc_section *sections;
    size_t n_sections, cap_sections;
    char **map_names; /* map definitions referred to by WS_DOC_MAP (borrowed from inputs) */
    size_t n_maps;
};

/* Everything the model is built from; all borrowed. */
struct ws_report_inputs {
    const struct ws_indicator_set *published; /* protected rows only */
    const struct ws_area *buurten;
    size_t n_buurten;
    const struct ws_area *gebieden; /* analysis areas (may be empty) */
    size_t n_gebieden;
    const struct ws_area *wijken;
    size_t n_wijken;
    const struct ws_area *gemeenten;
    size_t n_gemeenten;
    const char *title;
    const char *language;     /* "nl" (default) or "en" */
    const char *source_note;  /* may be NULL */
    const char *profile;      /* the covariates, "a, b" (NULL: the share of the average) */
    const char *date;         /* NULL: today (SOURCE_DATE_EPOCH) */
    bool synthetic;           /* the case counts are synthetic */
    long min_count, round_to; /* the study's protection (0: not said) */
    /* the priority list; without it (has_priorities false) the list is
     * taken from the published priority_rank, without reasons */
    const struct ws_priority_row *priorities;
    size_t n_priorities;
    bool has_priorities;
    const struct ws_offer_row *groups; /* the group offers (has_groups: the stage ran) */
    size_t n_groups;
    bool has_groups;
    const struct ws_manifest_item *manifest; /* provenance (has_manifest: the stage ran) */
    size_t n_manifest;
    bool has_manifest;
    const struct ws_mapdef *maps; /* overview maps (may be NULL) */
    size_t n_maps;
    size_t wijk_map; /* index into maps of the map drawn per wijk; SIZE_MAX: none */
};

/* Builds the model.  doc must be zeroed; release with ws_doc_release(). */
int ws_report_build(const struct ws_report_inputs *in, struct ws_doc *doc, struct ws_err *err);
void ws_doc_release(struct ws_doc *doc);

/* Draws a chart block (WS_DOC_TREND or WS_DOC_PROFILE) into the box
 * (x, y, w, h) of a canvas (shared by the PDF and the HTML renderer). */
void ws_report_draw_chart(struct ws_canvas *c, const struct ws_doc_block *b, bool en, double x,
                          double y, double w, double h);
/* The height (points) a chart of width w wants. */
double ws_report_chart_height(const struct ws_doc_block *b, double w);

/* Renders the model as one HTML5 page to `path`, maps and charts inline as
 * SVG (drawn from map_in; may be NULL: no maps).  WS_ECANTCREAT on write
 * failure. */
int ws_report_write_html(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                         const struct ws_mapdef *maps, const char *path, struct ws_err *err);
/* The same page as an owned string (free with free()). */
int ws_report_html_string(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                          const struct ws_mapdef *maps, char **out, struct ws_err *err);
/* The same as an A4 PDF with a cover, contents, page numbers and an
 * outline. */
int ws_report_write_pdf(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                        const struct ws_mapdef *maps, const char *path, struct ws_err *err);

/* The stage as `wijkscan report` and `run` call it: reads areas, PUBLISHED
 * rows and results from the store and writes report/wijkanalyse.pdf and
 * report/index.html through `out`.  WS_ENOINPUT (hint: run the analysis)
 * when the store has no published rows. */
int ws_report_store(struct ws_store *s, const struct ws_study *st, struct ws_outfiles *out,
                    struct ws_err *err);

#endif
