/*
 * mapdef.h - map definition files maps/NAME.ini (README: Maps).
 *
 * A definition says what one map shows, not how to draw it:
 *
 *   [map]
 *   title     = Gesmoothe ratio per 1.000      ; optional: default from the indicator
 *   title_en  = Smoothed rate per 1,000        ; optional: used with language = en
 *   subtitle  = ...                            ; optional (subtitle_en likewise)
 *   indicator = eb_rate        ; a numeric field of the data dictionary, or lisa_cluster
 *   level     = buurt          ; buurt | gebied | wijk
 *   year      = latest         ; a year or latest (with pooled: the period's last year)
 *   period    = single         ; single (one year) | pooled (the study's [analysis] period
 *                              ; of N > 1 years, e.g. 2023-2024; needs period > 1)
 *   category  = all            ; a category value, all, or each (small multiples)
 *   method    = quantile       ; quantile | equal | jenks | box | fixed
 *   classes   = 5              ; 2..11 (box: always 6)
 *   breaks    = 0, 5, 10, 20   ; method = fixed only: ascending class limits
 *   palette   = YlOrRd         ; a ColorBrewer scheme, colour-blind safe unless
 *   allow_unsafe_palette = false   ; ... this is true
 *   reverse_palette = false    ; true: the scheme's last colour for the lowest class
 *   center    = 1              ; diverging schemes: classes symmetric around it
 *   labels    = none           ; none | buurt | wijk | gebied (area names, never values)
 *   formats   = png, pdf, svg
 *   width_px  = 1240           ; PNG size; with height_px
 *   height_px = 1754
 *   dpi       = 150            ; pixels per inch of the PNG (page = px / dpi inch)
 *   same_breaks_across_years = false   ; true: breaks from all years pooled
 *   significance = trend_p     ; areas not significant drawn neutral: a p-value
 *                              ; field (trend_p, poisson_p, lisa_p), or an interval
 *                              ; (oe_ci_low, oe_ci_high) that must leave out center
 *   alpha     = 0.05           ; p-value fields only
 *
 * Only `indicator` is required.  lisa_cluster is categorical (fixed colours
 * per cluster type): method, classes, breaks, palette, reverse_palette,
 * center and same_breaks_across_years do not apply to it and are refused.
 * Unknown sections or keys, duplicates, bad values and missing keys are
 * WS_EDATA at FILE:LINE, quoting the line, with the nearest valid key or
 * value (the study file's rules, conf.c).
 */
#ifndef WIJKSCAN_MAPDEF_H
#define WIJKSCAN_MAPDEF_H

#include "wijkscan/analyse/classify.h"
#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/render/canvas.h"

#include <stdbool.h>
#include <stddef.h>

#define WS_MAP_MAX_CLASSES 11

enum ws_map_labels {
    WS_MAP_LABELS_NONE = 0,
    WS_MAP_LABELS_BUURT = 1,
    WS_MAP_LABELS_WIJK = 2,
    WS_MAP_LABELS_GEBIED = 3,
};

struct ws_mapdef {
    char *path; /* the file as given */
    char *name; /* basename without ".ini": output maps/NAME.png */

    char *title;       /* NULL: from the indicator (in the study language) */
    char *title_en;    /* NULL: title */
    char *subtitle;    /* NULL: none */
    char *subtitle_en; /* NULL: subtitle */
    char *indicator;   /* field name (README: data dictionary) */
    bool categorical;  /* indicator is lisa_cluster */
    enum ws_level level;
    int year;       /* 0: latest */
    bool pooled;    /* period = pooled: the rows of the pooled periods */
    char *category; /* "all", "each" or a value */
    bool each;      /* small multiples, one panel per category */
    enum ws_class_method method;
    size_t classes;
    double breaks[WS_MAP_MAX_CLASSES + 1]; /* method fixed: n_breaks ascending values */
    size_t n_breaks;
    char *palette;
    bool reverse_palette;
    bool allow_unsafe_palette;
    bool has_center;
    double center;
    enum ws_map_labels labels;
    bool formats[WS_CANVAS_N_FORMATS]; /* indexed by enum ws_canvas_format */
    int width_px, height_px;
    double dpi;
    bool same_breaks_across_years;
    /* significance: an area whose difference is not significant is drawn in
     * a neutral colour: sig_p a p-value field (significant when < alpha), or
     * sig_low/sig_high an interval (significant when it leaves out center);
     * all NULL: no marking */
    char *sig_p;
    char *sig_low, *sig_high;
    double alpha;
};

/* The indicator fields a map may show (those with a legend title in
 * indicator_fields.h): the numeric ones in data dictionary order, then the
 * ranks, then the categorical lisa_cluster; NULL-terminated, static. */
const char *const *ws_mapdef_indicators(void);
/* Value of numeric indicator `field` in row r (NAN when NULL or unknown). */
double ws_mapdef_value(const struct ws_indicator *r, const char *field);

/* Reads and validates one definition.  On success *md is filled (release with
 * ws_mapdef_release); on failure *md is released and err set (WS_ENOINPUT
 * when unreadable, WS_EDATA for its contents). */
int ws_mapdef_load(const char *path, struct ws_mapdef *md, struct ws_err *err);
void ws_mapdef_release(struct ws_mapdef *md);

/* The definition files of a study: its [maps] files (globs already
 * expanded by the study reader), or else every *.ini of the first folder
 * that has any of: maps/ beside the study file, ./maps, maps/ of an
 * installed binary (BINDIR/../share/wijkscan/maps), maps/ of a checkout
 * whose build folder holds the binary (BINDIR/../maps), WS_DATADIR/maps;
 * sorted by name.
 * *paths is owned: free with ws_mapdef_free_paths(*paths, *n).  No folder
 * with definitions is WS_ENOINPUT with a hint. */
int ws_mapdef_files(const struct ws_study *st, char ***paths, size_t *n, struct ws_err *err);
void ws_mapdef_free_paths(char **paths, size_t n);

/* Validates every definition file of the study (what `wijkscan check` runs):
 * WS_OK, or the first error.  Writes nothing.  Two files with the same NAME
 * (they would write the same output) are WS_EDATA. */
int ws_mapdef_check_files(const struct ws_study *st, struct ws_err *err);

#endif
