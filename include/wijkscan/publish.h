/*
 * publish.h - writers of the published tables (CONTRACT section 4):
 * indicators.csv, indicators.gpkg, statistics.json and audit.csv.
 *
 * The writers take ONLY a protected set (ws_protect_apply, or the store's
 * WS_SET_PUBLISHED) and refuse a set in which a suppressed row still carries
 * a count or a figure derived from it (WS_EINTERNAL: a bug upstream).
 * Every file is written under a temporary name in OUTDIR
 * (".NAME.tmp-PID") and renamed by ws_publish_commit(); ws_publish_abort()
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
 * ends, the header exactly the CONTRACT section 4 field list; one row per
 * indicator row in the set's order.  NULL (NaN, "" lisa_cluster, 0
 * priority_rank) is an empty field.  Text is quoted (RFC 4180) when it holds
 * ',', '"', CR or LF.  Numbers: year, cases, priority_rank and suppressed as
 * integers; every other number with %.10g (ten significant digits, the
 * shortest form: 12.5, 0.000123, 1.234567891e-05), locale-independent.
 * suppressed is 0 or 1 (audit.csv says why).
 *
 * indicators.gpkg: layers buurt, wijk, gemeente with the same fields (year,
 * cases, priority_rank, suppressed INTEGER; population and the figures
 * REAL; the rest TEXT), NULL as SQL NULL, plus the area's MULTIPOLYGON in
 * the study's SRID; one feature per area x year x category.  A row whose area
 * has no geometry gets a NULL geometry.
 */
#ifndef WIJKSCAN_PUBLISH_H
#define WIJKSCAN_PUBLISH_H

#include "wijkscan/audit.h"
#include "wijkscan/err.h"
#include "wijkscan/indicators.h"
#include "wijkscan/load.h"

#include <stddef.h>

struct ws_outfiles;
struct ws_publish;
struct ws_store;

/* The areas of each level with their geometry (borrowed), as
 * ws_store_read_areas() returns them. */
struct ws_publish_areas {
    const struct ws_area *areas[3]; /* indexed by enum ws_level */
    size_t n[3];
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
int ws_publish_indicators_gpkg(struct ws_publish *p, const struct ws_indicator_set *published,
                               const struct ws_publish_areas *areas, int srid, struct ws_err *err);
/* audit.csv (ws_audit_csv). */
int ws_publish_audit_csv(struct ws_publish *p, const struct ws_audit *audit, struct ws_err *err);
/* Any text file, e.g. "statistics.json" or "audit.csv" as stored. */
int ws_publish_text(struct ws_publish *p, const char *name, const char *text, struct ws_err *err);

/* Renames every temporary file to its final name (replacing an older one)
 * and frees p.  On failure the files not yet renamed are removed. */
int ws_publish_commit(struct ws_publish *p, struct ws_err *err);
/* Removes every temporary file and frees p (NULL is fine). */
void ws_publish_abort(struct ws_publish *p);

/* Store level: reads WS_SET_PUBLISHED, the areas of every level and the
 * results "statistics.json" and "audit.csv" (written by ws_protect_store)
 * from the store, and publishes indicators.csv, indicators.gpkg,
 * statistics.json, audit.csv, groepsaanbod.csv, priorities.csv and
 * manifest.json through `set` (ws_publish_begin_set): the caller commits
 * them with the rest of the run's files. */
int ws_publish_tables(struct ws_store *s, struct ws_outfiles *set, struct ws_err *err);

#endif
