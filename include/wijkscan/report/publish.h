/*
 * publish.h - writers of the published tables: indicators.csv,
 * indicators_excel.csv, indicators.gpkg, indicators.xlsx, statistics.json
 * and audit.csv (README, "What it writes" and "Data dictionary").
 *
 * The writers take ONLY a protected set (ws_protect_apply, or the store's
 * WS_SET_PUBLISHED) and refuse a set in which a suppressed row still carries
 * a count or a figure derived from it (WS_EINTERNAL: a bug upstream).
 * Every file is written under a temporary name in OUTDIR
 * (".NAME.tmp-PID.EXT") and renamed by ws_publish_commit(); ws_publish_abort()
 * removes them all, so that a failed run writes nothing.
 *
 *   struct ws_publish *p;
 *   ws_publish_begin(outdir, &p, &err);
 *   ws_publish_indicators_csv(p, pub, &err);
 *   ws_publish_indicators_gpkg(p, pub, &layers, srid, &err);
 *   ws_publish_text(p, "statistics.json", json, &err);
 *   ws_publish_audit_csv(p, &audit, &err);
 *   rc ? ws_publish_abort(p) : (rc = ws_publish_commit(p, &err));
 *
 * indicators.csv: UTF-8 (no byte-order mark), ',' separator, '\n' line
 * ends, the header the field list of the README's data dictionary (the
 * names of indicator_fields.h, in its order); one row per indicator row in
 * the set's order.  NULL (NaN, "" lisa_cluster, 0 priority_rank) is an
 * empty field.  Text is quoted (RFC 4180) when it holds
 * ',', '"', CR or LF.  Numbers: year, cases, priority_rank and suppressed as
 * integers; every other number with %.10g (ten significant digits, the
 * shortest form: 12.5, 0.000123, 1.234567891e-05), locale-independent.
 * suppressed is 0 or 1 (audit.csv says why).  The last column, buurten,
 * lists a gebied's buurt codes separated by spaces (empty at other levels).
 *
 * indicators_excel.csv: the same header and rows for Excel with Dutch
 * regional settings: a UTF-8 byte-order mark, ';' separator, a decimal
 * comma, CRLF line ends; text is also quoted when it holds ';'.
 *
 * indicators.gpkg (GDAL's GPKG driver): layers buurt, gebied, wijk, gemeente with
 * the same fields (year, cases, priority_rank, suppressed INTEGER;
 * population and the figures REAL; the rest TEXT), NULL as SQL NULL, fid as
 * the primary key, plus the area's MULTIPOLYGON geom in the study's SRID
 * with a spatial index; one feature per area x year x category.  A row whose
 * area has no geometry gets a NULL geometry.  The timestamps GDAL writes
 * are SOURCE_DATE_EPOCH when set, else 2000-01-01T00:00:00Z, so two runs
 * give the same bytes.
 *
 * Next to them: views buurt_latest, gebied_latest, wijk_latest and gemeente_latest (the
 * latest year, category 'all': one feature per area), registered as
 * feature layers, and QGIS's layer_styles table with a style per map
 * definition (on its level's layer, and on LEVEL_latest when it shows the
 * latest year); QGIS opens each layer with its default style.
 *
 * indicators.xlsx (xlsx.h, written row by row): sheets buurt, gebied, wijk,
 * gemeente, the same rows and columns without geometry, numbers stored as
 * numbers, NULL as an empty cell, and the column headers in the study's
 * language (nl or en).
 */
#ifndef WIJKSCAN_PUBLISH_H
#define WIJKSCAN_PUBLISH_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/protect/audit.h"

#include <stddef.h>

struct ws_outfiles;
struct ws_publish;
struct ws_store;
struct ws_layer_styles;

/* The areas of each level with their geometry (borrowed), as
 * ws_store_read_areas() returns them. */
struct ws_publish_areas {
    const struct ws_area *areas[WS_N_LEVELS]; /* indexed by enum ws_level */
    size_t n[WS_N_LEVELS];
};

/* Starts a publication into out_dir, which must exist (WS_ECANTCREAT
 * otherwise).  *out owned: end with ws_publish_commit() or
 * ws_publish_abort(). */
int ws_publish_begin(const char *out_dir, struct ws_publish **out, struct ws_err *err);
/* Starts a publication through the outfiles set `set` (borrowed, must
 * outlive p): files get the set's temporary names, ws_publish_commit() only
 * frees p and the set's commit puts the files in place. */
int ws_publish_begin_set(struct ws_outfiles *set, struct ws_publish **out);

/* Checks that `set` is protected: every suppressed row has NULL cases and
 * NULL figures (WS_EINTERNAL naming the row otherwise). */
int ws_publish_check_protected(const struct ws_indicator_set *set, struct ws_err *err);

int ws_publish_indicators_csv(struct ws_publish *p, const struct ws_indicator_set *published,
                              struct ws_err *err);
int ws_publish_indicators_excel_csv(struct ws_publish *p, const struct ws_indicator_set *published,
                                    struct ws_err *err);
/* styles (may be NULL): QGIS styles for layer_styles (render.h). */
int ws_publish_indicators_gpkg(struct ws_publish *p, const struct ws_indicator_set *published,
                               const struct ws_publish_areas *areas, int srid,
                               const struct ws_layer_styles *styles, struct ws_err *err);
/* language "nl" (NULL) or "en": the column headers. */
int ws_publish_indicators_xlsx(struct ws_publish *p, const struct ws_indicator_set *published,
                               const char *language, struct ws_err *err);
/* audit.csv (ws_audit_csv). */
int ws_publish_audit_csv(struct ws_publish *p, const struct ws_audit *audit, struct ws_err *err);
/* Any text file, e.g. "statistics.json" or "audit.csv" as stored. */
int ws_publish_text(struct ws_publish *p, const char *name, const char *text, struct ws_err *err);

/* [output] database: the published layers into the PostgreSQL/PostGIS
 * database of st->out_database ("PG:..."), in one transaction: tables
 * PREFIX_buurt, PREFIX_gebied, PREFIX_wijk, PREFIX_gemeente (the fields of
 * indicators.gpkg, geometry geom in EPSG:srid with a GiST index) and views
 * PREFIX_LEVEL_latest, replacing the tables and views of an earlier run
 * with the same prefix (st->out_prefix, default "wijkscan").  Never the
 * private store.  A connection string that is not "PG:..." or a prefix that
 * is not a plain name is WS_EDATA at the study line; a database that cannot
 * be reached or written is WS_ECANTCREAT, and nothing is changed there. */
int ws_publish_database(const struct ws_study *st, const struct ws_indicator_set *published,
                        const struct ws_publish_areas *areas, int srid, struct ws_err *err);

/* Renames every temporary file to its final name (replacing an older one)
 * and frees p.  On failure the files not yet renamed are removed. */
int ws_publish_commit(struct ws_publish *p, struct ws_err *err);
/* Removes every temporary file and frees p (NULL is fine). */
void ws_publish_abort(struct ws_publish *p);

/* Store level: reads WS_SET_PUBLISHED, the areas of every level and the
 * stored results (statistics.json, audit.csv; groepsaanbod.csv,
 * priorities.csv and manifest.json written from the typed results of
 * results.h) from the store, and publishes them with
 * indicators.csv, indicators_excel.csv, indicators.gpkg and indicators.xlsx
 * (headers in the study's language; the GeoPackage with the QGIS styles of
 * the study's maps) through `set` (ws_publish_begin_set): the caller commits
 * them with the rest of the run's files.  st may be NULL (no styles, no
 * database). */
int ws_publish_tables(struct ws_store *s, struct ws_outfiles *set, const struct ws_study *st,
                      struct ws_err *err);

#endif
