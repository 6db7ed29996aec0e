/*
 * render.h - the map stage: every map definition of a study, drawn from the
 * published indicator rows in every format it asks for.
 *
 * Inputs are plain structs (areas with geometry, PUBLISHED rows, optional
 * points); nothing here ever reads the raw (private) indicator table.
 * Output files go through an outfiles set (maps/NAME.png|pdf|svg under
 * temporary names); the caller commits or aborts the whole set.
 */
#ifndef WIJKSCAN_RENDER_H
#define WIJKSCAN_RENDER_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/render/choropleth.h"
#include "wijkscan/render/mapdef.h"
#include "wijkscan/store/store.h"

#include <stdbool.h>
#include <stddef.h>

/* Renders every definition in map_files (paths) from `in` into `out` as
 * maps/NAME.EXT for each format the definition lists.  All definitions are
 * read and checked before anything is drawn.  A map that does not apply to
 * the results (see ws_choropleth_build) is skipped with a warning in warn
 * (may be NULL).  *n_written (may be NULL) receives the number of files. */
int ws_render_maps(const struct ws_map_inputs *in, char *const *map_files, size_t n_files,
                   struct ws_outfiles *out, struct ws_warnings *warn, size_t *n_written,
                   struct ws_err *err);

/* The stage as `wijkscan map` and `run` call it: reads buurt and wijk areas
 * and the PUBLISHED indicator rows from the store, takes the study's map
 * files (ws_mapdef_files: [maps] files or the shipped maps/), and renders
 * them with the study's title and language.  points (may be NULL) are
 * service locations in the working CRS.  source_note is the text after
 * "Bron: " (NULL: ws_render_source_note(st)).  Errors: those of the store
 * (WS_ENOINPUT with a hint to run the analysis when there are no published
 * rows), of the definitions (WS_EDATA at FILE:LINE) and of writing
 * (WS_ECANTCREAT). */
int ws_render_store(struct ws_store *s, const struct ws_study *st,
                    const struct ws_map_point *points, size_t n_points, const char *source_note,
                    struct ws_outfiles *out, struct ws_warnings *warn, struct ws_err *err);

/* A default source note from the study's input files: "CBS Kerncijfers
 * wijken en buurten[ YEAR]; PDOK" when the statistics file name says
 * "kerncijfers", else the statistics file name; then "; casussen: FILE",
 * with " (synthetisch)" (en: "(synthetic)") when the case file name says
 * so.  Owned; free with free(). */
char *ws_render_source_note(const struct ws_study *st);

/* The map of one wijk for the report stage: map `md` zoomed to wijk
 * `wijk_code` (buurten outside it faded; the legend counts its buurten
 * only; classes as on the overview map).  width_pt/height_pt > 0 set the
 * page size (points), else the definition's.  path: file to write; NULL:
 * in memory, bytes in *data (owned, free with free()) and *len.  A map that
 * does not apply is WS_OK with *len 0 and nothing written. */
int ws_render_wijk_map(const struct ws_map_inputs *in, const struct ws_mapdef *md,
                       const char *wijk_code, enum ws_canvas_format fmt, double width_pt,
                       double height_pt, const char *path, unsigned char **data, size_t *len,
                       struct ws_err *err);

/* ---- QGIS styles (qml.c) ---- */

/* A QGIS style of a published layer, for the GeoPackage's layer_styles. */
struct ws_layer_style {
    char *layer;       /* "buurt" or "wijk" */
    char *name;        /* the map definition's name, e.g. "eb_rate" */
    char *description; /* the map's title */
    char *qml;         /* QGIS QML document (UTF-8) */
    int year;          /* the year the style shows */
    bool indicator_is_eb;
    bool is_default; /* the layer's default style (one per layer) */
};

struct ws_layer_styles {
    struct ws_layer_style *v;
    size_t n, cap;
};

/* The QML of map model m: a rule-based renderer with the map's classes,
 * colours and legend labels, for the map's year and category; suppressed
 * rows hatched, no data dotted (see qml.c).  Owned; free with free(). */
char *ws_render_qml(const struct ws_choropleth *m);
/* The styles of the definitions in map_files that show one map (not small
 * multiples) at buurt or wijk level, built from `in` as the maps are;
 * definitions that do not apply are left out.  One style per layer is the
 * default: the smoothed rate's (eb_rate) when there is one, else the
 * first.  *out is initialised here; release with ws_layer_styles_release. */
int ws_render_styles(const struct ws_map_inputs *in, char *const *map_files, size_t n_files,
                     struct ws_layer_styles *out, struct ws_err *err);
/* As ws_render_styles with the study's map files and the store's buurt and
 * wijk areas, for the published rows `published`. */
int ws_render_styles_store(struct ws_store *s, const struct ws_study *st,
                           const struct ws_indicator_set *published, struct ws_layer_styles *out,
                           struct ws_err *err);
void ws_layer_styles_release(struct ws_layer_styles *s);

#endif
