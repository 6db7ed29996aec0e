/*
 * conf.h - the study file (INI; every key is listed in the README).
 *
 * Parsed with inih and validated against one key table (conf.c): unknown
 * sections and keys, duplicate keys, bad values and missing required keys are
 * errors at FILE:LINE that quote the line and suggest the nearest valid key.
 * Paths in a study file are resolved against the study file's folder; the
 * resolved paths are what this struct holds.
 */
#ifndef WIJKSCAN_CONF_H
#define WIJKSCAN_CONF_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_study {
    char *path; /* the study file as given */
    char *dir;  /* its folder ("." if none) */

    /* [study] */
    char *title;
    char *language; /* "nl" or "en" */
    unsigned long seed;

    /* [boundaries] */
    char *bnd_source; /* resolved path */
    char *bnd_layer;  /* NULL: the first layer */
    char *bnd_code;
    char *bnd_name; /* NULL: the code */
    char *bnd_parent;
    char *bnd_parent_name;
    char *bnd_gemeente;
    char *bnd_gemeente_name;
    char *bnd_where; /* OGR attribute filter (SQL WHERE), NULL: none */
    char *crs;       /* default "EPSG:28992" */

    /* [wijken]: wijk names from a separate source (NULL: none) */
    char *wijk_source;
    char *wijk_layer;
    char *wijk_code; /* default "wijkcode" */
    char *wijk_name; /* default "wijknaam" */

    /* [statistics] */
    char *stat_source;
    char *stat_layer;
    char *stat_code;
    char *stat_year;      /* NULL: one year, used for every case year */
    long stat_header_row; /* CSV line of the column names, default 1 */
    char *population;     /* a column or a sum "a + b" (as written) */
    char **pop_terms;     /* the population expression split on '+' */
    size_t n_pop_terms;
    char **covariates;
    size_t n_covariates;

    /* [cases] */
    char *case_source;
    char *case_layer;
    char *case_code;
    char *case_year;
    char *case_category; /* NULL: only "all" */
    char *case_count;
    long case_header_row; /* CSV line of the column names, default 1 */

    /* [indeling]: case codes of an older indeling (NULL: none) */
    char *ind_crosswalk;      /* table: old_code, new_code, share */
    char *ind_old_boundaries; /* older boundary file, overlaid on the boundaries */
    char *ind_old_layer;      /* NULL: the first layer */
    char *ind_old_code;       /* NULL: as [boundaries] code */
    double ind_within;        /* share of an old buurt in one new buurt to move it */

    /* [privacy] */
    long min_count;
    long round_to;
    long safety_range;

    /* [analysis] */
    char *weights; /* "queen" or "rook" */
    long permutations;
    long permutations_other; /* -1: as permutations (see analyse.h) */
    double fdr;
    long period; /* years pooled per period (1: single years only; see analyse.h) */

    /* [locations]: loc_source NULL: catchments are the wijken */
    char *loc_source;
    char *loc_layer;
    char *loc_name; /* NULL: locations are named "Locatie N" */
    long min_group;
    double max_km;
    long pool_years; /* 1 or 2: years pooled for group offers */

    /* [priority]: weights of the prevention priority score */
    double prio_need;    /* expected per 1000 (need by profile) */
    double prio_demand;  /* eb_rate (smoothed demand) */
    double prio_trend;   /* rising trend */
    double prio_cluster; /* member of a high-high cluster */
    long prio_top;       /* buurten listed with reasons */

    /* [maps]: NULL/0 means the map definitions shipped in maps/ */
    char **map_files;
    size_t n_map_files;

    /* [output] */
    char *out_dir;      /* resolved; default "out" relative to the working folder */
    char *out_database; /* OGR connection string "PG:..." or NULL */
    char *out_prefix;   /* table name prefix in the database; default "wijkscan" */

    /* line of each key as written, for messages (0: not in the file) */
    struct ws_study_line {
        char *section;
        char *key;
        int line;
        char *text; /* the line as written */
    } * lines;
    size_t n_lines;
};

/* Reads and validates the study file at `path`.  On success *st is filled
 * (release with ws_study_release()); on failure *st is released and err is
 * set: WS_ENOINPUT when the file cannot be read, WS_EDATA for its contents. */
int ws_study_load(const char *path, struct ws_study *st, struct ws_err *err);

void ws_study_release(struct ws_study *st);

/* Line number (1-based) of `section`.`key` in the study file, 0 if absent. */
int ws_study_key_line(const struct ws_study *st, const char *section, const char *key);

/* Fills err->where with "FILE:LINE" of a key (or just FILE when absent). */
void ws_study_where(const struct ws_study *st, const char *section, const char *key,
                    struct ws_err *err);

/* Resolves `path` against `dir` unless it is absolute; keeps GDAL /vsi
 * prefixes in front ("/vsigzip/x.gz" -> "/vsigzip/DIR/x.gz").  Returns an
 * owned string; free with free(). */
char *ws_path_resolve(const char *dir, const char *path);

/* The folder part of path ("." if none); owned, free with free(). */
char *ws_path_dirname(const char *path);

/* Generic INI reading for other declarative files (map definitions): calls
 * fn for every "key = value" with the 1-based line number and the trimmed
 * line as written.  fn returns WS_OK to go on, or a status (with err filled
 * by fn) to stop; that status is returned.  A line that is neither a section
 * nor a key is WS_EDATA at FILE:LINE; a missing file is WS_ENOINPUT. */
typedef int (*ws_ini_fn)(void *user, const char *section, const char *key, const char *value,
                         int line, const char *line_text);
int ws_ini_parse_file(const char *path, ws_ini_fn fn, void *user, struct ws_err *err);

#endif
