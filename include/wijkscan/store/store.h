/*
 * store.h - the private SpatiaLite store wijkscan.sqlite (typed API).
 *
 * The store is the project's state between subcommands and the ONLY file that
 * ever holds raw case counts.  Schema (PRAGMA user_version = 2):
 *   run(id INTEGER PK, started_utc, tool_version, study_path, title, language,
 *       seed, crs, srid)                              one row, id = 1
 *   inputs(role, path, sha256)                        one row per input file
 *   areas(code PK, name, level 'buurt'|'gebied'|'wijk'|'gemeente', parent,
 *         gemeente, gebied, geom MULTIPOLYGON XY in the working srid, NOT NULL)
 *         parent: buurt -> wijk code (NULL without wijken), gebied -> wijk
 *         code (gemeente code without wijken), wijk -> gemeente code,
 *         gemeente -> NULL; gemeente: the gemeente code at every level;
 *         gebied: a buurt's analysis area (NULL before the analysis and at
 *         the other levels)
 *   covariates(idx PK, name)                          0-based, study order
 *   statistics(code, year, population, PK(code, year))   buurten only
 *   statistic_values(code, year, idx, value, PK(code, year, idx))
 *         value NULL when missing
 *   cases(code, year, category, count, PK(code, year, category))
 *   warnings(id INTEGER PK, stage, message)          stage 'load', ...
 *   settings(key PK, value)                          study settings as text
 *   indicators_raw, indicators_published             results, see below
 *   results(key PK, text)                            named texts (statistics.json)
 *   priorities, group_offers, manifest               typed results, see below
 * Wijk and gemeente rows are built by ws_store_put_dataset() as unions of
 * their buurten (GEOS through SpatiaLite, see store.c); gebied rows by the
 * analyse stage through ws_store_put_gebieden().
 */
#ifndef WIJKSCAN_STORE_H
#define WIJKSCAN_STORE_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/core/results.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_store;

/* Creates a new store at path (which must not exist: WS_ECANTCREAT) with the
 * schema and SpatiaLite metadata for `srid`.  *out owned; close with
 * ws_store_close().  On failure the file is removed again. */
int ws_store_create(const char *path, int srid, struct ws_store **out, struct ws_err *err);
/* Opens an existing store; checks the schema version.  A missing file is
 * WS_ENOINPUT; a file that is not a version-1 store is WS_EDATA. */
int ws_store_open(const char *path, bool writable, struct ws_store **out, struct ws_err *err);
void ws_store_close(struct ws_store *s);

int ws_store_begin(struct ws_store *s, struct ws_err *err);
int ws_store_commit(struct ws_store *s, struct ws_err *err);
/* Rolls back an open transaction; harmless without one. */
void ws_store_rollback(struct ws_store *s);

/* Writes a whole validated dataset: buurten, statistics, cases, inputs,
 * warnings (stage 'load'), settings and the run record; then builds the wijk
 * level (one per distinct buurt parent, named by parent_name) and the
 * gemeente level (one per distinct gemeente code, named by gemeente_name) as
 * unions of their buurten.  Must be called inside a transaction
 * (ws_store_begin); on failure roll back.  Duplicate keys are WS_EDATA naming
 * the row (and FILE:LINE from st when the row has a line). */
int ws_store_put_dataset(struct ws_store *s, const struct ws_study *st, const struct ws_dataset *ds,
                         struct ws_err *err);

/* The analysis areas (level gebied), replacing those of an earlier analysis:
 * n_gebieden areas named code[g], name[g] (borrowed); gebied_of[i] (<
 * n_gebieden) is the area of buurten[i], the buurten as
 * ws_store_read_areas(WS_LEVEL_BUURT) returns them.  A gebied's parent is
 * its buurten's wijk (their gemeente without wijken), its gemeente theirs,
 * its outline the union of their polygons (ST_Union); every buurt's gebied
 * column is set.  Call inside a transaction.  WS_EDATA when a code repeats
 * or an area code, or an outline cannot be built. */
int ws_store_put_gebieden(struct ws_store *s, const struct ws_area *buurten, size_t n_buurten,
                          const size_t *gebied_of, const char *const *code, const char *const *name,
                          size_t n_gebieden, struct ws_err *err);

/* Number of areas at a level. */
int ws_store_count_areas(struct ws_store *s, enum ws_level level, size_t *n, struct ws_err *err);

/* The connection, for stages that add their own tables (results); borrowed,
 * valid until ws_store_close().  Do not close it. */
struct ws_db *ws_store_db(struct ws_store *s);
/* The working CRS's SRID (from the run record). */
int ws_store_srid(const struct ws_store *s);

/* Reads every area of a level with its geometry: buurten in load order,
 * gebieden in the order they were put, wijken and gemeenten in order of
 * their first buurt.  A buurt's gebied is filled after the analysis.  parent_name and
 * gemeente_name are filled from the parent and gemeente rows (for a wijk the
 * parent is its gemeente).  *out is owned (NULL when *n == 0); free with
 * ws_store_free_areas(*out, *n). */
int ws_store_read_areas(struct ws_store *s, enum ws_level level, struct ws_area **out, size_t *n,
                        struct ws_err *err);
void ws_store_free_areas(struct ws_area *areas, size_t n);

/* The covariate names in study order.  *names is owned; free with
 * ws_store_free_strings(*names, *n). */
int ws_store_read_covariates(struct ws_store *s, char ***names, size_t *n, struct ws_err *err);
void ws_store_free_strings(char **v, size_t n);

/* All statistics rows ordered by code and year; each row's covariates array
 * has one value per covariate (see ws_store_read_covariates), NAN when
 * missing; line is 0.  *out is owned; free with ws_store_free_stats(*out, *n). */
int ws_store_read_stats(struct ws_store *s, struct ws_stat_row **out, size_t *n,
                        struct ws_err *err);
void ws_store_free_stats(struct ws_stat_row *rows, size_t n);

/* All case rows ordered by code, year and category; line is 0.  *out is
 * owned; free with ws_store_free_cases(*out, *n). */
int ws_store_read_cases(struct ws_store *s, struct ws_case_row **out, size_t *n,
                        struct ws_err *err);
void ws_store_free_cases(struct ws_case_row *rows, size_t n);

/* The value of a study setting (settings table) as an owned string (free with
 * free()), or NULL when the key is absent.  Keys written by
 * ws_store_put_dataset: title, language, seed, crs, srid, population,
 * covariates (comma-separated), category, min_count, round_to, safety_range,
 * weights, permutations, fdr, has_wijken, and for [locations] loc_source,
 * loc_name, min_group, max_km. */
int ws_store_get_setting(struct ws_store *s, const char *key, char **value, struct ws_err *err);

/* --- results (analyse and protect stages) -------------------------------
 * Two tables hold indicator rows (struct ws_indicator): WS_SET_RAW, the exact
 * results of the analysis (private, like everything in the store), and
 * WS_SET_PUBLISHED, the protected rows that every publishing stage (tables,
 * maps, reports) reads.  Nothing else may feed a published file.
 *
 * Tables indicators_raw and indicators_published have the same columns:
 * every field of the README's data dictionary (indicator_fields.h) by its
 * name, the level first, plus level_no (0 buurt, 1 gebied, 2 wijk,
 * 3 gemeente) and suppressed_reason ('primary' | 'secondary' | NULL;
 * suppressed itself is 0 or 1).  A row's key is (level, code, year,
 * category); the writers store rows in key order and refuse a repeated key,
 * so reading needs no sort and no index.  NULL in the store is NAN, ""
 * (lisa_cluster) or 0 (priority_rank) in the struct, so a set reads back
 * exactly as it was written.  The tables are created with the store, and by
 * the writers below if a store lacks them.  The national data (576k rows)
 * takes about 1 s to write. */
enum ws_indicator_table {
    WS_SET_RAW = 0,
    WS_SET_PUBLISHED = 1,
};

/* Replaces every row of the table with `set` (borrowed, any order).  Call
 * inside a transaction.  Rows must have code, category and a valid level; a
 * repeated key is WS_EINTERNAL naming the row.  A set already in key order
 * is written as is, any other is sorted first (pointers, the set is not
 * changed). */
int ws_store_put_indicators(struct ws_store *s, enum ws_indicator_table table,
                            const struct ws_indicator_set *set, struct ws_err *err);
/* The same in parts, for sets too large to hold at once: _begin removes the
 * table's rows; _add appends rows (borrowed), which must continue the key
 * order strictly (WS_EINTERNAL naming the row otherwise); _end frees the
 * writer (NULL is fine).  Inside one transaction, like put.  *out owned. */
struct ws_indicator_writer;
int ws_store_indicator_writer_begin(struct ws_store *s, enum ws_indicator_table table,
                                    struct ws_indicator_writer **out, struct ws_err *err);
int ws_store_indicator_writer_add(struct ws_indicator_writer *w, const struct ws_indicator *rows,
                                  size_t n, struct ws_err *err);
void ws_store_indicator_writer_end(struct ws_indicator_writer *w);
/* Reads every row of the table, ordered by level (buurt, gebied, wijk, gemeente),
 * code, year, category (byte order), into `set`, which must be zeroed or hold
 * a set (it is released first); release with ws_indicator_set_release().  A
 * store without the table yet is WS_ENOINPUT with a hint to run the analysis;
 * an empty table gives an empty set. */
int ws_store_read_indicators(struct ws_store *s, enum ws_indicator_table table,
                             struct ws_indicator_set *set, struct ws_err *err);
/* What the run record holds, for manifest.json. */
enum ws_store_record {
    WS_RECORD_INPUTS = 0,   /* role, path, sha256 */
    WS_RECORD_SETTINGS = 1, /* key, value */
    WS_RECORD_WARNINGS = 2, /* stage, message */
    WS_RECORD_RUN = 3,      /* started_utc, tool_version, study_path (the latest run) */
};
/* Reads the rows of one record as text, row-major: *cells holds
 * n_rows x n_cols owned strings (NULL as ""); free with
 * ws_store_free_strings(*cells, n_rows * n_cols). */
int ws_store_read_record(struct ws_store *s, enum ws_store_record kind, char ***cells,
                         size_t *n_rows, size_t *n_cols, struct ws_err *err);

/* Named text results, e.g. key "statistics.json" (replaces an existing key).
 * key and text are borrowed. */
int ws_store_put_result(struct ws_store *s, const char *key, const char *text, struct ws_err *err);
/* *text is owned (free with free()); WS_ENOINPUT with a hint to run the stage
 * that makes it when the key is absent. */
int ws_store_get_result(struct ws_store *s, const char *key, char **text, struct ws_err *err);

/* --- typed results (results.h) -------------------------------------------
 * The results that later stages read field by field are rows with named
 * columns, one table each, created by its writer (so a store without the
 * table has not yet run the stage that makes it):
 *   priorities(year, rank, code, name, wijk, reasons, PK(year, code))
 *         reasons: the WS_REASON_* flags as an integer
 *   group_offers(category, year_from, year_to, catchment, catchment_name,
 *         location, n_buurten, cases, suggest)   cases NULL when withheld
 *   manifest(seq PK, kind, key, value, sha256)
 *         kind: 'tool' | 'library' | 'run' | 'input' | 'setting' | 'warning'
 * A writer replaces every row of its table with rows[0..n) (borrowed; call
 * inside a transaction); a row without a required field (results.h), a
 * repeated key or a manifest kind out of range is WS_EINTERNAL naming the
 * row.  A reader fills *rows (owned, NULL when *n == 0; free with the
 * results.h *_free function) in the order the rows were written, NULL as
 * NULL (NAN for cases); a store without the table is WS_ENOINPUT with a hint
 * to run the stage that makes it. */
int ws_store_put_priorities(struct ws_store *s, const struct ws_priority_row *rows, size_t n,
                            struct ws_err *err);
int ws_store_read_priorities(struct ws_store *s, struct ws_priority_row **rows, size_t *n,
                             struct ws_err *err);
int ws_store_put_offers(struct ws_store *s, const struct ws_offer_row *rows, size_t n,
                        struct ws_err *err);
int ws_store_read_offers(struct ws_store *s, struct ws_offer_row **rows, size_t *n,
                         struct ws_err *err);
int ws_store_put_manifest(struct ws_store *s, const struct ws_manifest_item *items, size_t n,
                          struct ws_err *err);
int ws_store_read_manifest(struct ws_store *s, struct ws_manifest_item **items, size_t *n,
                           struct ws_err *err);

#endif
