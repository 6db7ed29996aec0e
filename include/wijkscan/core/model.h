/*
 * model.h - the domain types every stage shares: levels, areas, the rows of
 * the statistics and case tables, and the dataset that holds them.
 *
 * The load stage fills a ws_dataset from the study's files; the store keeps
 * it; analyse, protect, render and report read areas and rows back.  Nothing
 * here does I/O.
 */
#ifndef WIJKSCAN_MODEL_H
#define WIJKSCAN_MODEL_H

#include "wijkscan/core/geom.h"
#include "wijkscan/core/log.h"

#include <stddef.h>

/* The levels, from the smallest areas up: a buurt lies in one gebied (an
 * analysis area, built by the analyse stage), a gebied in one wijk, a wijk in
 * one gemeente.  The numeric order is this nesting; loops over every level
 * run from WS_LEVEL_BUURT to WS_N_LEVELS - 1. */
enum ws_level {
    WS_LEVEL_BUURT = 0,
    WS_LEVEL_GEBIED = 1,
    WS_LEVEL_WIJK = 2,
    WS_LEVEL_GEMEENTE = 3,
};
#define WS_N_LEVELS 4
/* "buurt", "gebied", "wijk", "gemeente" */
const char *ws_level_name(enum ws_level level);

/* One area (buurt from the boundaries; wijk and gemeente are built by the
 * store as unions of their buurten at load, gebied by the analyse stage). */
struct ws_area {
    char *code;
    char *name;
    char *parent;      /* wijk code, NULL without [boundaries] parent */
    char *parent_name; /* wijk name, NULL if unknown */
    char *gemeente;    /* gemeente code (always set; see load.c for the default) */
    char *gemeente_name;
    char *gebied;        /* buurt: code of its analysis area (NULL before the analysis) */
    struct ws_geom geom; /* in the working CRS */
};

/* Statistics for one buurt and year; the population is the evaluated
 * [statistics] population expression. */
struct ws_stat_row {
    char *code;
    int year;           /* 0 when the table has no year column */
    double population;  /* NAN when missing */
    double *covariates; /* n_covariates values, NAN when missing */
    size_t line;        /* line or feature in the source, for messages */
};

struct ws_case_row {
    char *code;
    int year;
    char *category; /* "all" when the study has no category column */
    long long count;
    size_t line;
};

struct ws_input_file {
    char *role; /* "study", "boundaries", "wijken", "statistics", "cases", "locations" */
    char *path;
    char sha256[65];
};

struct ws_dataset {
    int srid; /* EPSG code of the working CRS (28992) */
    char *crs;

    struct ws_area *areas; /* buurten, in source order */
    size_t n_areas;

    char **covariate_names;
    size_t n_covariates;
    struct ws_stat_row *stats; /* only rows whose code is a known buurt */
    size_t n_stats;

    struct ws_case_row *cases;
    size_t n_cases;

    struct ws_input_file *inputs;
    size_t n_inputs;

    struct ws_warnings warnings;
};

void ws_dataset_init(struct ws_dataset *ds);
void ws_dataset_release(struct ws_dataset *ds);

/* The statistics year that case year `year` uses: `year` itself when the
 * statistics have rows for it, else the nearest year that has rows (the
 * earlier one on a tie; ws_load_read warns once per such year).  0 when the
 * statistics have no year column (one year for all), or hold no rows. */
int ws_dataset_stat_year(const struct ws_dataset *ds, int year);

#endif
