/*
 * store.c - the private SpatiaLite store wijkscan.sqlite (see store.h).
 *
 * Everything goes through db.h with prepared, bound statements; the caller
 * wraps ws_store_put_dataset() in one transaction, so 500,000 inserts cost
 * one journal write.  Each INSERT is prepared once and reused per row; the
 * keyed tables (statistics, cases) are WITHOUT ROWID, which saves the
 * separate primary-key index (466k case rows: 0.42 s instead of 0.60 s).
 *
 * Wijk and gemeente outlines.  A wijk is the union of its buurten, a
 * gemeente the union of its wijken (or of its buurten when some buurt has no
 * wijk).  Measured on the national 2024 layer (14,566 buurten, 3,393 wijken,
 * 342 gemeenten, 180k vertices) with SpatiaLite 5.0.1 / GEOS 3.11:
 *     ST_Union aggregate per wijk              0.45 s
 *     ST_Union aggregate per gemeente          0.86 s (from buurten)
 *                                              0.41 s (from wijk unions)
 *     ST_Buffer(ST_Collect(geom), 0) per wijk  0.29 s
 *     the same per gemeente from wijken        0.19 s
 * The zero-width buffer of the collected polygons is GEOS's classic fast
 * union (it nodes all rings once and keeps what has positive depth); on the
 * national data it agrees with ST_Union to 3e-6 m2 of symmetric difference
 * in total.  It is only a union for valid input, which the load stage
 * guarantees (MakeValid), but as a guard every group's result is checked:
 * max(part area) <= area <= sum(part areas) (relative slack 1e-9).  A group
 * that fails the check, or for which GEOS returned nothing, is recomputed
 * with the exact ST_Union aggregate; if that fails too, the load stops with
 * an error naming the wijk or gemeente.
 *
 * The unions run in a second thread on a private in-memory SpatiaLite
 * connection (fed from the dataset, not from the store), while this thread
 * does the bulk inserts; the results come back as WKB and are inserted at
 * the end.  National load into the store: 0.7 s with a free second core,
 * 1.2 s without (the same as doing it all in one thread).
 */
#include "wijkscan/store/store.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/store/db.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef WS_VERSION
#define WS_VERSION "0.0.0"
#endif

#define STORE_SCHEMA_VERSION 2

struct ws_store {
    struct ws_db *db;
    char *path;
    int srid;
};

/* Level names as stored in areas.level (model.h's names). */
static const char *level_sql(enum ws_level level)
{
    return ws_level_name(level);
}

/* ------------------------------------------------------------------------ */
/* Create, open, close, transactions                                        */

/* Columns of indicators_raw and indicators_published: level_no (0 buurt,
 * 1 gebied, 2 wijk, 3 gemeente), then the fields of the data dictionary in the order
 * of indicator_fields.h with the level moved to the front (level_no, level,
 * code, name, ...), then suppressed_reason ('primary' | 'secondary' |
 * NULL).  NULL is NAN, '' or 0 in struct ws_indicator (see indicators.h);
 * key fields, and fields whose kind has no NULL, are NOT NULL.
 *
 * The tables are plain rowid tables without an index: the writer puts the
 * rows in key order (level_no, code, period, year, category), refusing duplicate
 * keys, so reading in rowid order gives that order without a sort.  On the
 * national data (576k rows) this takes 0.9 s to write, where a WITHOUT ROWID
 * table keyed on those columns took 1.5 s and CHECK(x IN (...)) constraints
 * (SQLite builds a temporary index to evaluate each) took it to 3.3 s. */
#define INDICATOR_N_COLUMNS (WS_N_FIELDS + 2)

/* The SQL type of a field (with " NOT NULL" where it cannot be NULL). */
static const char *field_sql_type(size_t k)
{
    bool not_null = ws_fields[k].flags & WS_FIELD_KEY;

    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
    case WS_KIND_LABEL:
        return not_null ? "TEXT NOT NULL" : "TEXT";
    case WS_KIND_LEVEL:
        return "TEXT NOT NULL";
    case WS_KIND_INT:
    case WS_KIND_FLAG:
        return "INTEGER NOT NULL";
    case WS_KIND_RANK:
        return not_null ? "INTEGER NOT NULL" : "INTEGER";
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        break;
    }
    return not_null ? "REAL NOT NULL" : "REAL";
}

/* The fields of the store's columns 1 .. WS_N_FIELDS (column 0 is
 * level_no, the last suppressed_reason): the level first, then the others
 * in table order. */
static void column_fields(size_t order[WS_N_FIELDS])
{
    size_t n = 0;

    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].kind == WS_KIND_LEVEL)
            order[n++] = k;
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].kind != WS_KIND_LEVEL)
            order[n++] = k;
}

/* The column list of the indicator tables, with their types when `types`. */
static void indicator_columns(struct ws_strbuf *sb, bool types)
{
    size_t order[WS_N_FIELDS];

    column_fields(order);
    ws_strbuf_adds(sb, types ? "level_no INTEGER NOT NULL" : "level_no");
    for (size_t col = 1; col <= WS_N_FIELDS; col++) {
        size_t k = order[col - 1];
        ws_strbuf_addf(sb, ", %s", ws_fields[k].name);
        if (types)
            ws_strbuf_addf(sb, " %s", field_sql_type(k));
    }
    ws_strbuf_adds(sb, types ? ", suppressed_reason TEXT" : ", suppressed_reason");
}

static const char schema_sql[] =
    "CREATE TABLE run(id INTEGER PRIMARY KEY, started_utc TEXT, tool_version TEXT,"
    " study_path TEXT, title TEXT, language TEXT, seed INTEGER, crs TEXT, srid INTEGER);"
    "CREATE TABLE inputs(role TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT);"
    "CREATE TABLE areas(code TEXT PRIMARY KEY, name TEXT,"
    " level TEXT NOT NULL CHECK(level IN ('buurt', 'gebied', 'wijk', 'gemeente')),"
    " parent TEXT, gemeente TEXT, gebied TEXT);"
    "CREATE INDEX areas_level ON areas(level, parent);"
    "CREATE TABLE covariates(idx INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE statistics(code TEXT NOT NULL, year INTEGER NOT NULL, population REAL,"
    " PRIMARY KEY(code, year)) WITHOUT ROWID;"
    "CREATE TABLE statistic_values(code TEXT NOT NULL, year INTEGER NOT NULL,"
    " idx INTEGER NOT NULL, value REAL, PRIMARY KEY(code, year, idx)) WITHOUT ROWID;"
    "CREATE TABLE cases(code TEXT NOT NULL, year INTEGER NOT NULL, category TEXT NOT NULL,"
    " count INTEGER NOT NULL, PRIMARY KEY(code, year, category)) WITHOUT ROWID;"
    "CREATE TABLE warnings(id INTEGER PRIMARY KEY, stage TEXT NOT NULL, message TEXT NOT NULL);"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);";

/* Creates the result tables (analyse and protect stages).  IF NOT EXISTS:
 * also run by the writers, so that a store made before these tables existed
 * takes results too. */
static int create_results_schema(struct ws_db *db, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_strbuf cols = WS_STRBUF_INIT;
    int rc;

    indicator_columns(&cols, true);
    ws_strbuf_addf(&sql,
                   "CREATE TABLE IF NOT EXISTS indicators_raw(%s);"
                   "CREATE TABLE IF NOT EXISTS indicators_published(%s);"
                   "CREATE TABLE IF NOT EXISTS results(key TEXT PRIMARY KEY, text TEXT NOT NULL);",
                   cols.buf, cols.buf);
    rc = ws_db_exec(db, sql.buf, err);
    ws_strbuf_release(&cols);
    ws_strbuf_release(&sql);
    return rc;
}

/* Runs a statement with at most one integer parameter (bound when
 * `bind`) and reads the first column of its first row into *v (0 without a
 * row). */
static int query_int_p(struct ws_db *db, const char *sql, bool bind, int64_t p, int64_t *v,
                       struct ws_err *err)
{
    struct ws_stmt *st = NULL;
    int rc;

    *v = 0;
    rc = ws_db_prepare(db, sql, &st, err);
    if (!rc && bind)
        rc = ws_stmt_bind_int(st, 1, p, err);
    if (!rc) {
        rc = ws_stmt_step(st, err);
        if (rc == 1)
            *v = ws_stmt_column_int(st, 0);
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(st);
    return rc;
}

static int query_int(struct ws_db *db, const char *sql, int64_t *v, struct ws_err *err)
{
    return query_int_p(db, sql, false, 0, v, err);
}

#define WS_STR_(x) #x
#define WS_STR(x)  WS_STR_(x)

static int create_schema(struct ws_db *db, int srid, struct ws_err *err)
{
    int64_t ok = 0;
    int rc;

    rc = ws_db_exec(db, "BEGIN", err);
    if (rc)
        return rc;
    // only the working CRS goes into spatial_ref_sys: InitSpatialMetadata(1)
    // with all EPSG definitions would add ~6,000 rows and ~0.1 s per store
    rc = query_int(db, "SELECT InitSpatialMetadata(0, 'NONE')", &ok, err);
    if (!rc && ok != 1)
        rc = ws_err_set(err, WS_EINTERNAL, "cannot initialise the SpatiaLite metadata");
    if (!rc) {
        rc = query_int_p(db, "SELECT InsertEpsgSrid(?)", true, srid, &ok, err);
        if (!rc && ok != 1)
            rc = ws_err_set(err, WS_EDATA, "unknown EPSG code %d for the working CRS", srid);
        if (rc)
            ws_err_hint(err, "use an EPSG CRS in [boundaries] crs, such as EPSG:28992");
    }
    if (!rc)
        rc = ws_db_exec(db, schema_sql, err);
    if (!rc)
        rc = create_results_schema(db, err);
    if (!rc) {
        rc =
            query_int_p(db, "SELECT AddGeometryColumn('areas', 'geom', ?, 'MULTIPOLYGON', 'XY', 1)",
                        true, srid, &ok, err);
        if (!rc && ok != 1)
            rc = ws_err_set(err, WS_EINTERNAL, "cannot add the geometry column (srid %d)", srid);
    }
    if (!rc)
        rc = query_int_p(db, "INSERT INTO settings(key, value) VALUES ('srid', ?)", true, srid, &ok,
                         err);
    if (!rc)
        rc = ws_db_exec(db, "PRAGMA user_version = " WS_STR(STORE_SCHEMA_VERSION), err);
    if (!rc)
        rc = ws_db_exec(db, "COMMIT", err);
    else
        (void)ws_db_exec(db, "ROLLBACK", NULL);
    return rc;
}

int ws_store_create(const char *path, int srid, struct ws_store **out, struct ws_err *err)
{
    struct ws_store *s = NULL;
    struct ws_db *db = NULL;
    int rc;

    *out = NULL;
    rc = ws_db_open(path, WS_DB_CREATE_PRIVATE, &db, err);
    if (rc)
        goto out;
    rc = create_schema(db, srid, err);
    if (rc) {
        ws_db_close(db);
        db = NULL;
        (void)unlink(path);
        goto out;
    }
    s = ws_xcalloc(1, sizeof(*s));
    s->db = db;
    s->path = ws_xstrdup(path);
    s->srid = srid;
out:
    *out = s;
    return rc;
}

/* Message for a file that is not a store; `why` is the detail. */
static int not_a_store(const char *path, const char *why, struct ws_err *err)
{
    ws_err_set(err, WS_EDATA, "'%s' is not a wijkscan store (%s)", path, why);
    ws_err_hint(err, "re-run 'wijkscan load' to create the store with this version of wijkscan");
    return WS_EDATA;
}

int ws_store_open(const char *path, bool writable, struct ws_store **out, struct ws_err *err)
{
    struct ws_store *s = NULL;
    struct ws_db *db = NULL;
    struct ws_err e2 = WS_ERR_INIT;
    struct stat sb;
    int64_t version = 0;
    int64_t srid = 0;
    int rc;

    *out = NULL;
    if (stat(path, &sb) != 0) {
        rc = ws_err_set(err, WS_ENOINPUT, "the wijkscan store '%s' does not exist", path);
        ws_err_hint(err, "run 'wijkscan load' (or 'wijkscan run') first to create it");
        goto out;
    }
    rc = ws_db_open(path, writable ? WS_DB_WRITE : WS_DB_READ, &db, err);
    if (rc)
        goto out;
    // the first read shows whether this is an SQLite file at all
    rc = query_int(db, "PRAGMA user_version", &version, &e2);
    if (rc) {
        if (rc == WS_EDATA) {
            ws_err_cause(err, "%s", e2.cause);
            rc = not_a_store(path, "not an SQLite database", err);
        } else {
            *err = e2;
        }
        goto out;
    }
    if (version != STORE_SCHEMA_VERSION) {
        char why[64];
        (void)snprintf(why, sizeof(why), "schema version %lld", (long long)version);
        rc = not_a_store(path, why, err);
        goto out;
    }
    rc =
        query_int(db, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'srid'", &srid, err);
    if (rc)
        goto out;
    s = ws_xcalloc(1, sizeof(*s));
    s->db = db;
    s->path = ws_xstrdup(path);
    s->srid = (int)srid;
    db = NULL;
out:
    ws_db_close(db);
    *out = s;
    return rc;
}

void ws_store_close(struct ws_store *s)
{
    if (!s)
        return;
    ws_db_close(s->db);
    free(s->path);
    free(s);
}

struct ws_db *ws_store_db(struct ws_store *s)
{
    return s->db;
}

int ws_store_srid(const struct ws_store *s)
{
    return s->srid;
}

int ws_store_begin(struct ws_store *s, struct ws_err *err)
{
    return ws_db_exec(s->db, "BEGIN", err);
}

int ws_store_commit(struct ws_store *s, struct ws_err *err)
{
    return ws_db_exec(s->db, "COMMIT", err);
}

void ws_store_rollback(struct ws_store *s)
{
    struct ws_err ignored = WS_ERR_INIT;

    // "no transaction is active" is fine here
    if (s)
        (void)ws_db_exec(s->db, "ROLLBACK", &ignored);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

/* Steps a write statement and resets it for the next row.  On a constraint
 * failure only err->cause is filled and *constraint set: the caller must then
 * set the message, naming the row. */
static int step_write(struct ws_store *s, struct ws_stmt *st, bool *constraint, struct ws_err *err)
{
    struct ws_err e2 = WS_ERR_INIT;
    int rc = ws_stmt_step(st, &e2);

    ws_stmt_reset(st);
    *constraint = false;
    if (rc >= 0)
        return WS_OK;
    if (ws_db_last_error_is_constraint(s->db)) {
        *constraint = true;
        ws_err_cause(err, "%s", e2.cause);
        return WS_EDATA;
    }
    if (err && err->code == WS_OK)
        *err = e2;
    return -rc;
}

/* FILE:LINE for a row read from `file`, if both are known. */
static void where_line(struct ws_err *err, const char *file, size_t line)
{
    if (file && line)
        ws_err_where(err, "%s:%zu", file, line);
    else if (file)
        ws_err_where(err, "%s", file);
}

/* A code that is already in areas: names the level that holds it. */
static int level_conflict(struct ws_store *s, enum ws_level level, const char *code,
                          struct ws_err *err)
{
    struct ws_err ignored = WS_ERR_INIT;
    struct ws_stmt *q = NULL;
    char *other = NULL;

    if (!ws_db_prepare(s->db, "SELECT level FROM areas WHERE code = ?", &q, &ignored) &&
        !ws_stmt_bind_text(q, 1, code, &ignored) && ws_stmt_step(q, &ignored) == 1)
        other = ws_xstrdup(ws_stmt_column_text(q, 0));
    ws_stmt_finalize(q);
    if (other && strcmp(other, level_sql(level)) == 0)
        ws_err_set(err, WS_EDATA, "%s code '%s' occurs twice", level_sql(level), code);
    else if (other)
        ws_err_set(err, WS_EDATA, "code '%s' is used for both a %s and a %s", code, other,
                   level_sql(level));
    else
        ws_err_set(err, WS_EDATA, "the polygon of %s '%s' cannot be stored", level_sql(level),
                   code);
    ws_err_hint(err, "area codes must be unique, and buurt, wijk and gemeente codes must differ");
    free(other);
    return WS_EDATA;
}

static void utc_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    const char *sde = getenv("SOURCE_DATE_EPOCH");

    // reproducible builds of the store for tests and golden files
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    }
    if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        (void)snprintf(buf, size, "1970-01-01T00:00:00Z");
}

static int put_run(struct ws_store *s, const struct ws_study *st, const struct ws_dataset *ds,
                   struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    char now[32];
    bool constraint;
    int rc;

    utc_now(now, sizeof(now));
    rc = ws_db_prepare(s->db,
                       "INSERT INTO run(id, started_utc, tool_version, study_path, title,"
                       " language, seed, crs, srid) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &q, err);
    if (rc)
        goto out;
    if ((rc = ws_stmt_bind_text(q, 1, now, err)) ||
        (rc = ws_stmt_bind_text(q, 2, WS_VERSION, err)) ||
        (rc = ws_stmt_bind_text(q, 3, st->path, err)) ||
        (rc = ws_stmt_bind_text(q, 4, st->title, err)) ||
        (rc = ws_stmt_bind_text(q, 5, st->language, err)) ||
        (rc = ws_stmt_bind_int(q, 6, (int64_t)st->seed, err)) ||
        (rc = ws_stmt_bind_text(q, 7, ds->crs ? ds->crs : st->crs, err)) ||
        (rc = ws_stmt_bind_int(q, 8, ds->srid, err)))
        goto out;
    rc = step_write(s, q, &constraint, err);
    if (rc && constraint) {
        rc = ws_err_set(err, WS_EINTERNAL, "the store '%s' already holds a run", s->path);
        ws_err_hint(err, "write a dataset into a freshly created store only");
    }
out:
    ws_stmt_finalize(q);
    return rc;
}

/* The shortest %g text that reads back as v ("0.05", not
 * "0.050000000000000003"). */
static void fmt_double(char *buf, size_t size, double v)
{
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        (void)snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
}

static char *join_names(char *const *v, size_t n)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    size_t i;

    for (i = 0; i < n; i++) {
        if (i)
            ws_strbuf_adds(&sb, ", ");
        ws_strbuf_adds(&sb, v[i]);
    }
    return ws_strbuf_detach(&sb);
}

/* The settings rows of a study: keys and owned values (NULL: stored as
 * NULL). */
struct setting {
    const char *key;
    char *value;
};

static char *fmt_long(long v)
{
    char num[32];

    (void)snprintf(num, sizeof(num), "%ld", v);
    return ws_xstrdup(num);
}

static char *fmt_real(double v)
{
    char num[64];

    fmt_double(num, sizeof(num), v);
    return ws_xstrdup(num);
}

static int put_settings(struct ws_store *s, const struct ws_study *st, const struct ws_dataset *ds,
                        struct ws_err *err)
{
    struct setting v[26];
    struct ws_stmt *q = NULL;
    char seed[32];
    bool has_wijken = false;
    size_t n = 0;
    size_t i;
    int rc;

    for (i = 0; i < ds->n_areas && !has_wijken; i++)
        has_wijken = ds->areas[i].parent != NULL;
    (void)snprintf(seed, sizeof(seed), "%lu", st->seed);
    v[n++] = (struct setting){"title", ws_xstrdup(st->title)};
    v[n++] = (struct setting){"language", ws_xstrdup(st->language)};
    v[n++] = (struct setting){"seed", ws_xstrdup(seed)};
    v[n++] = (struct setting){"crs", ws_xstrdup(ds->crs ? ds->crs : st->crs)};
    v[n++] = (struct setting){"population", ws_xstrdup(st->population)};
    v[n++] = (struct setting){"covariates", join_names(ds->covariate_names, ds->n_covariates)};
    v[n++] = (struct setting){"category", ws_xstrdup(st->case_category)};
    v[n++] = (struct setting){"min_count", fmt_long(st->min_count)};
    v[n++] = (struct setting){"round_to", fmt_long(st->round_to)};
    v[n++] = (struct setting){"safety_range", fmt_long(st->safety_range)};
    v[n++] = (struct setting){"weights", ws_xstrdup(st->weights)};
    v[n++] = (struct setting){"permutations", fmt_long(st->permutations)};
    v[n++] = (struct setting){"fdr", fmt_real(st->fdr)};
    v[n++] = (struct setting){"period", fmt_long(st->period)};
    v[n++] = (struct setting){"has_wijken", ws_xstrdup(has_wijken ? "1" : "0")};
    if (st->loc_source) {
        v[n++] = (struct setting){"loc_source", ws_xstrdup(st->loc_source)};
        v[n++] = (struct setting){"loc_name", ws_xstrdup(st->loc_name)};
        v[n++] = (struct setting){"min_group", fmt_long(st->min_group)};
        v[n++] = (struct setting){"max_km", fmt_real(st->max_km)};
    }
    rc = ws_db_prepare(s->db, "INSERT INTO settings(key, value) VALUES (?, ?)", &q, err);
    for (i = 0; !rc && i < n; i++) {
        bool constraint;
        if ((rc = ws_stmt_bind_text(q, 1, v[i].key, err)) ||
            (rc = ws_stmt_bind_text(q, 2, v[i].value, err)))
            break;
        rc = step_write(s, q, &constraint, err);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "setting '%s' written twice", v[i].key);
    }
    for (i = 0; i < n; i++)
        free(v[i].value);
    ws_stmt_finalize(q);
    return rc;
}

static int put_inputs_warnings(struct ws_store *s, const struct ws_dataset *ds, struct ws_err *err)
{
    struct ws_stmt *qi = NULL;
    struct ws_stmt *qw = NULL;
    bool constraint;
    size_t i;
    int rc;

    rc = ws_db_prepare(s->db, "INSERT INTO inputs(role, path, sha256) VALUES (?, ?, ?)", &qi, err);
    if (!rc)
        rc = ws_db_prepare(s->db, "INSERT INTO warnings(stage, message) VALUES ('load', ?)", &qw,
                           err);
    for (i = 0; !rc && i < ds->n_inputs; i++) {
        const struct ws_input_file *f = &ds->inputs[i];
        if ((rc = ws_stmt_bind_text(qi, 1, f->role, err)) ||
            (rc = ws_stmt_bind_text(qi, 2, f->path, err)) ||
            (rc = ws_stmt_bind_text(qi, 3, f->sha256[0] ? f->sha256 : NULL, err)))
            break;
        rc = step_write(s, qi, &constraint, err);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "input %zu has no role or path", i);
    }
    for (i = 0; !rc && i < ds->warnings.n; i++) {
        if ((rc = ws_stmt_bind_text(qw, 1, ds->warnings.msg[i] ? ds->warnings.msg[i] : "", err)))
            break;
        rc = step_write(s, qw, &constraint, err);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "warning %zu cannot be stored", i + 1);
    }
    ws_stmt_finalize(qi);
    ws_stmt_finalize(qw);
    return rc;
}

static int put_buurten(struct ws_store *s, const struct ws_dataset *ds, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    unsigned char *wkb = NULL;
    size_t i;
    size_t len;
    bool constraint;
    int rc;

    rc = ws_db_prepare(s->db,
                       "INSERT INTO areas(code, name, level, parent, gemeente, geom)"
                       " VALUES (?, ?, 'buurt', ?, ?, CastToMultiPolygon(GeomFromWKB(?, ?)))",
                       &q, err);
    for (i = 0; !rc && i < ds->n_areas; i++) {
        const struct ws_area *a = &ds->areas[i];
        if (!a->code || !a->gemeente) {
            rc = ws_err_set(err, WS_EINTERNAL, "buurt %zu has no %s code", i + 1,
                            a->code ? "gemeente" : "area");
            break;
        }
        if (a->geom.n_polys == 0) {
            rc = ws_err_set(err, WS_EDATA, "buurt '%s' has an empty polygon", a->code);
            ws_err_hint(err, "every buurt needs an outline; fix or remove this feature");
            break;
        }
        free(wkb);
        wkb = ws_geom_to_wkb(&a->geom, &len);
        if ((rc = ws_stmt_bind_text_nocopy(q, 1, a->code, err)) ||
            (rc = ws_stmt_bind_text_nocopy(q, 2, a->name ? a->name : a->code, err)) ||
            (rc = ws_stmt_bind_text_nocopy(q, 3, a->parent, err)) ||
            (rc = ws_stmt_bind_text_nocopy(q, 4, a->gemeente, err)) ||
            (rc = ws_stmt_bind_blob(q, 5, wkb, len, err)) ||
            (rc = ws_stmt_bind_int(q, 6, s->srid, err)))
            break;
        rc = step_write(s, q, &constraint, err);
        if (rc && constraint)
            rc = level_conflict(s, WS_LEVEL_BUURT, a->code, err);
    }
    free(wkb);
    ws_stmt_finalize(q);
    return rc;
}

static int put_covariates(struct ws_store *s, const struct ws_dataset *ds, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    bool constraint;
    size_t k;
    int rc;

    rc = ws_db_prepare(s->db, "INSERT INTO covariates(idx, name) VALUES (?, ?)", &q, err);
    for (k = 0; !rc && k < ds->n_covariates; k++) {
        if ((rc = ws_stmt_bind_int(q, 1, (int64_t)k, err)) ||
            (rc = ws_stmt_bind_text_nocopy(q, 2, ds->covariate_names[k], err)))
            break;
        rc = step_write(s, q, &constraint, err);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "covariate %zu has no name", k);
    }
    ws_stmt_finalize(q);
    return rc;
}

/* The covariate values of one statistics row (qv: statistic_values). */
static int put_stat_values(struct ws_store *s, struct ws_stmt *qv, const struct ws_stat_row *r,
                           size_t n_cov, struct ws_err *err)
{
    bool constraint;
    size_t k;
    int rc = WS_OK;

    for (k = 0; !rc && k < n_cov; k++) {
        if ((rc = ws_stmt_bind_text_nocopy(qv, 1, r->code, err)) ||
            (rc = ws_stmt_bind_int(qv, 2, r->year, err)) ||
            (rc = ws_stmt_bind_int(qv, 3, (int64_t)k, err)) ||
            (rc = ws_stmt_bind_double(qv, 4, r->covariates ? r->covariates[k] : NAN, err)))
            break;
        rc = step_write(s, qv, &constraint, err);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "statistic value written twice");
    }
    return rc;
}

static int put_statistics(struct ws_store *s, const struct ws_study *st,
                          const struct ws_dataset *ds, struct ws_err *err)
{
    struct ws_stmt *qs = NULL;
    struct ws_stmt *qv = NULL;
    bool constraint;
    size_t i;
    int rc;

    rc = put_covariates(s, ds, err);
    if (!rc)
        rc = ws_db_prepare(s->db, "INSERT INTO statistics(code, year, population) VALUES (?, ?, ?)",
                           &qs, err);
    if (!rc)
        rc = ws_db_prepare(s->db,
                           "INSERT INTO statistic_values(code, year, idx, value)"
                           " VALUES (?, ?, ?, ?)",
                           &qv, err);
    for (i = 0; !rc && i < ds->n_stats; i++) {
        const struct ws_stat_row *r = &ds->stats[i];
        const char *code = r->code ? r->code : "";
        if ((rc = ws_stmt_bind_text_nocopy(qs, 1, r->code, err)) ||
            (rc = ws_stmt_bind_int(qs, 2, r->year, err)) ||
            (rc = ws_stmt_bind_double(qs, 3, r->population, err)))
            break;
        rc = step_write(s, qs, &constraint, err);
        if (rc && constraint) {
            if (r->year)
                rc = ws_err_set(err, WS_EDATA, "statistics for '%s', year %d, occur twice", code,
                                r->year);
            else
                rc = ws_err_set(err, WS_EDATA, "statistics for '%s' occur twice", code);
            where_line(err, st->stat_source, r->line);
            ws_err_hint(err, "keep one row per area and year");
        }
        if (!rc)
            rc = put_stat_values(s, qv, r, ds->n_covariates, err);
    }
    ws_stmt_finalize(qs);
    ws_stmt_finalize(qv);
    return rc;
}

static int put_cases(struct ws_store *s, const struct ws_study *st, const struct ws_dataset *ds,
                     struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    bool constraint;
    size_t i;
    int rc;

    rc = ws_db_prepare(s->db, "INSERT INTO cases(code, year, category, count) VALUES (?, ?, ?, ?)",
                       &q, err);
    for (i = 0; !rc && i < ds->n_cases; i++) {
        const struct ws_case_row *r = &ds->cases[i];
        if ((rc = ws_stmt_bind_text_nocopy(q, 1, r->code, err)) ||
            (rc = ws_stmt_bind_int(q, 2, r->year, err)) ||
            (rc = ws_stmt_bind_text_nocopy(q, 3, r->category ? r->category : "all", err)) ||
            (rc = ws_stmt_bind_int(q, 4, r->count, err)))
            break;
        rc = step_write(s, q, &constraint, err);
        if (rc && constraint) {
            rc = ws_err_set(err, WS_EDATA,
                            "cases for '%s', year %d, category '%s' occur twice (or have no code)",
                            r->code ? r->code : "", r->year, r->category ? r->category : "all");
            where_line(err, st->case_source, r->line);
            ws_err_hint(err, "keep one row per area, year and category; counts are not summed");
        }
    }
    ws_stmt_finalize(q);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Wijk and gemeente levels                                                  */

/* One wijk or gemeente to build: code, name, gemeente code (its own for a
 * gemeente) and the buurt where it first occurs (for order); wkb is the
 * outline computed by the union worker (owned). */
struct group {
    const char *code;
    const char *name;
    const char *gemeente;
    size_t first;
    unsigned char *wkb;
    size_t wkb_len;
};

struct keyed {
    const char *key;
    size_t idx;
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a;
    const struct keyed *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_group_first(const void *a, const void *b)
{
    const struct group *x = a;
    const struct group *y = b;

    return x->first < y->first ? -1 : x->first > y->first;
}

static void free_groups(struct group *g, size_t n)
{
    size_t i;

    if (!g)
        return;
    for (i = 0; i < n; i++)
        free(g[i].wkb);
    free(g);
}

/* Fills grp from the run keys[i..*end) of buurten with the same key. */
static int fill_group(const struct ws_dataset *ds, enum ws_level level, const struct keyed *keys,
                      size_t n, size_t i, size_t *end, struct group *grp, struct ws_err *err)
{
    const struct ws_area *first = &ds->areas[keys[i].idx];
    size_t j;

    grp->code = keys[i].key;
    grp->first = keys[i].idx;
    grp->gemeente = level == WS_LEVEL_WIJK ? first->gemeente : grp->code;
    for (j = i; j < n && strcmp(keys[j].key, keys[i].key) == 0; j++) {
        const struct ws_area *a = &ds->areas[keys[j].idx];
        const char *nm = level == WS_LEVEL_WIJK ? a->parent_name : a->gemeente_name;
        if (!grp->name && nm && *nm)
            grp->name = nm;
        if (level == WS_LEVEL_WIJK && strcmp(a->gemeente, first->gemeente) != 0) {
            ws_err_set(err, WS_EDATA, "wijk '%s' has buurten in two gemeenten ('%s' and '%s')",
                       grp->code, first->gemeente, a->gemeente);
            ws_err_where(err, "buurt '%s'", a->code);
            ws_err_hint(err, "each wijk must lie in one gemeente; check the wijk and gemeente "
                             "codes of these buurten");
            return WS_EDATA;
        }
    }
    if (!grp->name)
        grp->name = grp->code;
    *end = j;
    return WS_OK;
}

/* Collects the distinct wijken (level WIJK: key = parent) or gemeenten (key =
 * gemeente) of the buurten, in order of first occurrence.  *out owned (free
 * with free_groups). */
static int collect_groups(const struct ws_dataset *ds, enum ws_level level, struct group **out,
                          size_t *n_out, struct ws_err *err)
{
    struct keyed *keys = NULL;
    struct group *g = NULL;
    size_t n = 0;
    size_t ng = 0;
    size_t i;
    int rc = WS_OK;

    keys = ws_xcalloc(ds->n_areas ? ds->n_areas : 1, sizeof(*keys));
    for (i = 0; i < ds->n_areas; i++) {
        const struct ws_area *a = &ds->areas[i];
        const char *k = level == WS_LEVEL_WIJK ? a->parent : a->gemeente;
        if (!a->code || !a->gemeente) {
            rc = ws_err_set(err, WS_EINTERNAL, "buurt %zu has no %s code", i + 1,
                            a->code ? "gemeente" : "area");
            goto out;
        }
        if (k) {
            keys[n].key = k;
            keys[n].idx = i;
            n++;
        }
    }
    qsort(keys, n, sizeof(*keys), cmp_keyed);
    g = ws_xcalloc(n ? n : 1, sizeof(*g));
    for (i = 0; i < n && !rc;)
        rc = fill_group(ds, level, keys, n, i, &i, &g[ng++], err);
    if (!rc)
        qsort(g, ng, sizeof(*g), cmp_group_first);
out:
    free(keys);
    if (rc) {
        free_groups(g, ng);
        g = NULL;
        ng = 0;
    }
    *out = g;
    *n_out = ng;
    return rc;
}

/* The union worker's job.  What it reads (the dataset, the group codes) is
 * owned by the caller and not written while it runs; it writes only the
 * groups' wkb and its own err and rc. */
struct union_job {
    const struct ws_dataset *ds;
    int srid;
    struct group *wijk, *gem;
    size_t n_wijk, n_gem;
    bool gem_from_wijken; /* every buurt is in a wijk */
    struct ws_err err;
    int rc;
};

/* Reads the first column of every row of a query as owned strings (free
 * with ws_store_free_strings). */
static int read_strings(struct ws_db *db, const char *sql, char ***out, size_t *n_out,
                        struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    char **v = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc;

    rc = ws_db_prepare(db, sql, &q, err);
    while (!rc) {
        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        WS_VEC_GROW(v, n + 1, cap);
        v[n++] = ws_xstrdup(ws_stmt_column_text(q, 0));
        rc = WS_OK;
    }
    ws_stmt_finalize(q);
    if (rc) {
        ws_store_free_strings(v, n);
        v = NULL;
        n = 0;
    }
    *out = v;
    *n_out = n;
    return rc;
}

/* Recomputes the outlines of `redo` in `dst` with the exact (slower)
 * overlay union; an outline that is still missing is an error naming it. */
static int redo_unions(struct ws_db *m, const char *src, const char *key, const char *dst,
                       char *const *redo, size_t n_redo, const char *level_word,
                       const char *member_word, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_stmt *fix = NULL;
    size_t i;
    int rc;

    ws_strbuf_addf(&sql,
                   "UPDATE %s SET geom = (SELECT CastToMultiPolygon(ST_Union(geom)) FROM %s"
                   " WHERE %s = ?1) WHERE code = ?1 RETURNING geom IS NULL OR ST_IsEmpty(geom)",
                   dst, src, key);
    rc = ws_db_prepare(m, sql.buf, &fix, err);
    for (i = 0; !rc && i < n_redo; i++) {
        rc = ws_stmt_bind_text(fix, 1, redo[i], err);
        if (rc)
            break;
        rc = ws_stmt_step(fix, err);
        if (rc < 0) {
            rc = -rc;
            break;
        }
        // RETURNING: the update is complete after the first row
        if (rc == 1 && ws_stmt_column_int(fix, 0) == 0) {
            ws_stmt_reset(fix);
            rc = WS_OK;
            continue;
        }
        ws_stmt_reset(fix);
        rc = ws_err_set(err, WS_EDATA, "cannot build the outline of %s '%s' from its %s",
                        level_word, redo[i], member_word);
        ws_err_cause(err, "the union of the polygons (GEOS, via SpatiaLite) gave no polygon");
        ws_err_hint(err, "check the buurt polygons of %s '%s' for invalid or empty shapes",
                    level_word, redo[i]);
    }
    ws_stmt_finalize(fix);
    ws_strbuf_release(&sql);
    return rc;
}

/* Builds table `dst` (code, geom, sum_area, max_area) in the scratch
 * database with one outline per distinct `key` of table expression `src`. */
static int union_into(struct ws_db *m, const char *src, const char *key, const char *dst,
                      const char *level_word, const char *member_word, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    char **redo = NULL;
    size_t n_redo = 0;
    int rc;

    // src, key and dst are fixed identifiers from this file, never user text
    ws_strbuf_addf(&sql,
                   "CREATE TABLE %s(code TEXT PRIMARY KEY, geom BLOB, sum_area REAL,"
                   " max_area REAL);"
                   "INSERT INTO %s(code, geom, sum_area, max_area)"
                   " SELECT %s, CastToMultiPolygon(ST_Buffer(ST_Collect(geom), 0)),"
                   " sum(ST_Area(geom)), max(ST_Area(geom))"
                   " FROM %s WHERE %s IS NOT NULL GROUP BY %s",
                   dst, dst, key, src, key, key);
    rc = ws_db_exec(m, sql.buf, err);
    if (rc)
        goto out;

    // guard: a union covers its largest part and no more than all parts
    ws_strbuf_reset(&sql);
    ws_strbuf_addf(&sql,
                   "SELECT code FROM %s WHERE geom IS NULL OR ST_IsEmpty(geom)"
                   " OR ST_Area(geom) > sum_area * (1 + 1e-9) + 1e-6"
                   " OR ST_Area(geom) < max_area * (1 - 1e-9) - 1e-6",
                   dst);
    rc = read_strings(m, sql.buf, &redo, &n_redo, err);
    if (!rc && n_redo > 0)
        rc = redo_unions(m, src, key, dst, redo, n_redo, level_word, member_word, err);
out:
    ws_store_free_strings(redo, n_redo);
    ws_strbuf_release(&sql);
    return rc;
}

/* Copies the outlines of table `tab` into the groups' wkb, by code. */
static int fetch_outlines(struct ws_db *m, const char *tab, struct group *g, size_t n,
                          const char *level_word, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_stmt *q = NULL;
    size_t i;
    int rc;

    ws_strbuf_addf(&sql, "SELECT AsBinary(geom) FROM %s WHERE code = ?", tab);
    rc = ws_db_prepare(m, sql.buf, &q, err);
    for (i = 0; !rc && i < n; i++) {
        const void *p;
        size_t len = 0;
        if ((rc = ws_stmt_bind_text(q, 1, g[i].code, err)))
            break;
        rc = ws_stmt_step(q, err);
        if (rc < 0) {
            rc = -rc;
            break;
        }
        p = rc == 1 ? ws_stmt_column_blob(q, 0, &len) : NULL;
        if (!p || len == 0) {
            rc = ws_err_set(err, WS_EINTERNAL, "no outline computed for %s '%s'", level_word,
                            g[i].code);
            break;
        }
        g[i].wkb = ws_xmalloc(len);
        memcpy(g[i].wkb, p, len);
        g[i].wkb_len = len;
        ws_stmt_reset(q);
        rc = WS_OK;
    }
    ws_stmt_finalize(q);
    ws_strbuf_release(&sql);
    return rc;
}

/* Computes every wijk and gemeente outline in a private in-memory
 * SpatiaLite database, so that it can run in parallel with the bulk inserts
 * into the store (SQLite and SpatiaLite are safe with one connection per
 * thread).  A gemeente is the union of its wijken when every buurt is in a
 * wijk (fewer, already merged parts: half the time of merging buurten). */
static void run_union_job(struct union_job *job)
{
    const struct ws_dataset *ds = job->ds;
    struct ws_err *err = &job->err;
    struct ws_db *m = NULL;
    struct ws_stmt *q = NULL;
    unsigned char *wkb = NULL;
    size_t i;
    size_t len;
    int rc;

    rc = ws_db_open("union scratch", WS_DB_MEMORY, &m, err);
    if (!rc)
        rc = ws_db_exec(m, "CREATE TABLE b(parent TEXT, gemeente TEXT, geom BLOB)", err);
    if (!rc)
        rc = ws_db_prepare(m, "INSERT INTO b VALUES (?, ?, GeomFromWKB(?, ?))", &q, err);
    for (i = 0; !rc && i < ds->n_areas; i++) {
        const struct ws_area *a = &ds->areas[i];
        free(wkb);
        wkb = ws_geom_to_wkb(&a->geom, &len);
        if ((rc = ws_stmt_bind_text(q, 1, a->parent, err)) ||
            (rc = ws_stmt_bind_text(q, 2, a->gemeente, err)) ||
            (rc = ws_stmt_bind_blob(q, 3, wkb, len, err)) ||
            (rc = ws_stmt_bind_int(q, 4, job->srid, err)))
            break;
        rc = ws_stmt_step(q, err);
        rc = rc < 0 ? -rc : WS_OK;
        ws_stmt_reset(q);
    }
    ws_stmt_finalize(q);
    if (!rc && job->n_wijk)
        rc = union_into(m, "b", "parent", "w", "wijk", "buurten", err);
    if (!rc && job->n_gem)
        rc = job->gem_from_wijken
                 ? union_into(m,
                              "w JOIN (SELECT DISTINCT parent AS wcode, gemeente FROM b)"
                              " ON wcode = w.code",
                              "gemeente", "g", "gemeente", "wijken", err)
                 : union_into(m, "b", "gemeente", "g", "gemeente", "buurten", err);
    if (!rc && job->n_wijk)
        rc = fetch_outlines(m, "w", job->wijk, job->n_wijk, "wijk", err);
    if (!rc && job->n_gem)
        rc = fetch_outlines(m, "g", job->gem, job->n_gem, "gemeente", err);
    free(wkb);
    ws_db_close(m);
    job->rc = rc;
}

static void *union_thread(void *arg)
{
    run_union_job(arg);
    return NULL;
}

/* Inserts the rows of one level from the groups' computed outlines. */
static int put_level(struct ws_store *s, enum ws_level level, const struct group *g, size_t n,
                     struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    bool constraint;
    size_t i;
    int rc;

    rc = ws_db_prepare(s->db,
                       "INSERT INTO areas(code, name, level, parent, gemeente, geom)"
                       " VALUES (?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, ?)))",
                       &q, err);
    for (i = 0; !rc && i < n; i++) {
        if ((rc = ws_stmt_bind_text(q, 1, g[i].code, err)) ||
            (rc = ws_stmt_bind_text(q, 2, g[i].name, err)) ||
            (rc = ws_stmt_bind_text(q, 3, level_sql(level), err)) ||
            (rc = ws_stmt_bind_text(q, 4, level == WS_LEVEL_WIJK ? g[i].gemeente : NULL, err)) ||
            (rc = ws_stmt_bind_text(q, 5, g[i].gemeente, err)) ||
            (rc = ws_stmt_bind_blob(q, 6, g[i].wkb, g[i].wkb_len, err)) ||
            (rc = ws_stmt_bind_int(q, 7, s->srid, err)))
            break;
        rc = step_write(s, q, &constraint, err);
        if (rc && constraint)
            rc = level_conflict(s, level, g[i].code, err);
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_store_put_dataset(struct ws_store *s, const struct ws_study *st, const struct ws_dataset *ds,
                         struct ws_err *err)
{
    struct union_job job;
    pthread_t thread;
    bool threaded = false, any_parent = false;
    size_t i;
    int rc;

    memset(&job, 0, sizeof(job));
    job.err = (struct ws_err)WS_ERR_INIT;
    if (ds->srid != s->srid) {
        rc = ws_err_set(err, WS_EINTERNAL, "dataset srid %d differs from the store's srid %d",
                        ds->srid, s->srid);
        goto out;
    }
    job.ds = ds;
    job.srid = s->srid;
    job.gem_from_wijken = true;
    for (i = 0; i < ds->n_areas; i++) {
        if (ds->areas[i].parent)
            any_parent = true;
        else
            job.gem_from_wijken = false;
    }
    job.gem_from_wijken = job.gem_from_wijken && any_parent;
    if ((rc = collect_groups(ds, WS_LEVEL_WIJK, &job.wijk, &job.n_wijk, err)) ||
        (rc = collect_groups(ds, WS_LEVEL_GEMEENTE, &job.gem, &job.n_gem, err)))
        goto out;

    // outlines in a second thread while this one does the bulk inserts; if no
    // thread can be started, the same job runs here afterwards
    if (job.n_wijk + job.n_gem > 0)
        threaded = pthread_create(&thread, NULL, union_thread, &job) == 0;
    if (!(rc = put_run(s, st, ds, err)) && !(rc = put_settings(s, st, ds, err)) &&
        !(rc = put_inputs_warnings(s, ds, err)) && !(rc = put_buurten(s, ds, err)) &&
        !(rc = put_statistics(s, st, ds, err)))
        rc = put_cases(s, st, ds, err);
    // the worker is joined on every path
    if (threaded && pthread_join(thread, NULL) != 0)
        WS_BUG("cannot join the union thread");
    if (!threaded && !rc && job.n_wijk + job.n_gem > 0)
        run_union_job(&job);
    if (rc)
        goto out;
    if (job.rc) {
        if (err && err->code == WS_OK)
            *err = job.err;
        rc = job.rc;
        goto out;
    }
    rc = put_level(s, WS_LEVEL_WIJK, job.wijk, job.n_wijk, err);
    if (!rc)
        rc = put_level(s, WS_LEVEL_GEMEENTE, job.gem, job.n_gem, err);
out:
    free_groups(job.wijk, job.n_wijk);
    free_groups(job.gem, job.n_gem);
    if (rc)
        ws_err_where(err, "%s", s->path);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Analysis areas (gebieden)                                                 */

/* Binds and runs one write statement with up to three text parameters. */
static int exec_text3(struct ws_store *s, struct ws_stmt *q, const char *a, const char *b,
                      const char *c, struct ws_err *err)
{
    bool constraint;
    int rc;

    if ((rc = ws_stmt_bind_text(q, 1, a, err)) || (b && (rc = ws_stmt_bind_text(q, 2, b, err))) ||
        (c && (rc = ws_stmt_bind_text(q, 3, c, err))))
        return rc;
    return step_write(s, q, &constraint, err);
}

int ws_store_put_gebieden(struct ws_store *s, const struct ws_area *buurten, size_t n_buurten,
                          const size_t *gebied_of, const char *const *code, const char *const *name,
                          size_t n_gebieden, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    char ord[32];
    size_t i;
    int rc;

    rc =
        ws_db_exec(s->db,
                   "DELETE FROM areas WHERE level = 'gebied';"
                   "UPDATE areas SET gebied = NULL WHERE gebied IS NOT NULL;"
                   "DROP TABLE IF EXISTS temp.gebied_names;"
                   "CREATE TEMP TABLE gebied_names(code TEXT PRIMARY KEY, name TEXT, ord INTEGER);",
                   err);
    if (!rc)
        rc = ws_db_prepare(s->db, "UPDATE areas SET gebied = ?2 WHERE code = ?1", &q, err);
    for (i = 0; !rc && i < n_buurten; i++) {
        if (gebied_of[i] >= n_gebieden)
            WS_BUG("store: buurt without an analysis area");
        rc = exec_text3(s, q, buurten[i].code, code[gebied_of[i]], NULL, err);
    }
    ws_stmt_finalize(q);
    q = NULL;
    if (!rc)
        rc = ws_db_prepare(s->db, "INSERT INTO temp.gebied_names VALUES (?1, ?2, ?3)", &q, err);
    for (i = 0; !rc && i < n_gebieden; i++) {
        (void)snprintf(ord, sizeof(ord), "%zu", i);
        rc = exec_text3(s, q, code[i], name[i], ord, err);
    }
    ws_stmt_finalize(q);
    // the outline is the exact union of the member buurten (few per gebied);
    // the parent is the buurten's wijk, or their gemeente without wijken
    if (!rc)
        rc = ws_db_exec(s->db,
                        "INSERT INTO areas(code, name, level, parent, gemeente, geom)"
                        " SELECT n.code, n.name, 'gebied', u.parent, u.gemeente, u.geom"
                        " FROM temp.gebied_names AS n JOIN"
                        " (SELECT gebied, min(coalesce(parent, gemeente)) AS parent,"
                        " min(gemeente) AS gemeente, CastToMultiPolygon(ST_Union(geom)) AS geom"
                        " FROM areas WHERE level = 'buurt' AND gebied IS NOT NULL"
                        " GROUP BY gebied) AS u ON u.gebied = n.code"
                        " ORDER BY n.ord;"
                        "DROP TABLE temp.gebied_names;",
                        err);
    if (!rc) {
        size_t n_put = 0;
        rc = ws_store_count_areas(s, WS_LEVEL_GEBIED, &n_put, err);
        if (!rc && n_put != n_gebieden)
            rc = ws_err_set(err, WS_EDATA, "cannot build the outlines of the analysis areas");
    }
    if (rc)
        ws_err_where(err, "%s", s->path);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */

int ws_store_count_areas(struct ws_store *s, enum ws_level level, size_t *n, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc;

    *n = 0;
    rc = ws_db_prepare(s->db, "SELECT count(*) FROM areas WHERE level = ?", &q, err);
    if (!rc)
        rc = ws_stmt_bind_text(q, 1, level_sql(level), err);
    if (!rc) {
        rc = ws_stmt_step(q, err);
        if (rc == 1)
            *n = (size_t)ws_stmt_column_int(q, 0);
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(q);
    return rc;
}

void ws_store_free_areas(struct ws_area *areas, size_t n)
{
    size_t i;

    if (!areas)
        return;
    for (i = 0; i < n; i++) {
        free(areas[i].code);
        free(areas[i].name);
        free(areas[i].parent);
        free(areas[i].parent_name);
        free(areas[i].gemeente);
        free(areas[i].gemeente_name);
        free(areas[i].gebied);
        ws_geom_release(&areas[i].geom);
    }
    free(areas);
}

int ws_store_read_areas(struct ws_store *s, enum ws_level level, struct ws_area **out, size_t *n,
                        struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    struct ws_area *v = NULL;
    size_t nv = 0;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = ws_db_prepare(s->db,
                       "SELECT a.code, a.name, a.parent, p.name, a.gemeente, g.name,"
                       " AsBinary(a.geom), a.gebied FROM areas AS a"
                       " LEFT JOIN areas AS p ON p.code = a.parent"
                       " LEFT JOIN areas AS g ON g.code = a.gemeente"
                       " WHERE a.level = ? ORDER BY a.rowid",
                       &q, err);
    if (!rc)
        rc = ws_stmt_bind_text(q, 1, level_sql(level), err);
    while (!rc) {
        struct ws_area *a;
        const void *wkb;
        size_t len;

        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        WS_VEC_GROW(v, nv + 1, cap);
        a = &v[nv++];
        memset(a, 0, sizeof(*a));
        ws_geom_init(&a->geom);
        a->code = ws_xstrdup(ws_stmt_column_text(q, 0));
        a->name = ws_xstrdup(ws_stmt_column_text(q, 1));
        a->parent = ws_xstrdup(ws_stmt_column_text(q, 2));
        a->parent_name = ws_xstrdup(ws_stmt_column_text(q, 3));
        a->gemeente = ws_xstrdup(ws_stmt_column_text(q, 4));
        a->gemeente_name = ws_xstrdup(ws_stmt_column_text(q, 5));
        a->gebied = ws_xstrdup(ws_stmt_column_text(q, 7));
        wkb = ws_stmt_column_blob(q, 6, &len);
        rc = ws_geom_from_wkb(wkb, len, &a->geom, err);
        if (rc)
            ws_err_where(err, "%s, %s '%s'", s->path, level_sql(level), a->code);
    }
    ws_stmt_finalize(q);
    if (rc) {
        ws_store_free_areas(v, nv);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *n = nv;
    return rc;
}

void ws_store_free_strings(char **v, size_t n)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int ws_store_read_covariates(struct ws_store *s, char ***names, size_t *n, struct ws_err *err)
{
    return read_strings(s->db, "SELECT name FROM covariates ORDER BY idx", names, n, err);
}

void ws_store_free_stats(struct ws_stat_row *rows, size_t n)
{
    size_t i;

    if (!rows)
        return;
    for (i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].covariates);
    }
    free(rows);
}

/* Orders (code, year) pairs as the store's ORDER BY code, year does
 * (BINARY collation is byte order, as strcmp). */
static int cmp_code_year(const char *c1, int y1, const char *c2, int y2)
{
    int c = strcmp(c1, c2);

    if (c)
        return c;
    return y1 < y2 ? -1 : y1 > y2;
}

/* Fills the covariates of rows v (sorted by code, year) from
 * statistic_values, walking both in the same order. */
static int fill_stat_values(struct ws_store *s, struct ws_stat_row *v, size_t nv, int64_t n_cov,
                            struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    size_t i = 0;
    int rc;

    rc = ws_db_prepare(s->db,
                       "SELECT code, year, idx, value FROM statistic_values"
                       " ORDER BY code, year, idx",
                       &q, err);
    while (!rc) {
        const char *code;
        int year;
        int64_t idx;
        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        rc = WS_OK;
        code = ws_stmt_column_text(q, 0);
        year = (int)ws_stmt_column_int(q, 1);
        idx = ws_stmt_column_int(q, 2);
        if (!code || idx < 0 || idx >= n_cov)
            continue;
        while (i < nv && cmp_code_year(v[i].code, v[i].year, code, year) < 0)
            i++;
        if (i < nv && cmp_code_year(v[i].code, v[i].year, code, year) == 0)
            v[i].covariates[idx] = ws_stmt_column_double(q, 3);
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_store_read_stats(struct ws_store *s, struct ws_stat_row **out, size_t *n, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    struct ws_stat_row *v = NULL;
    size_t nv = 0;
    size_t cap = 0;
    size_t k;
    int64_t n_cov = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = query_int(s->db, "SELECT count(*) FROM covariates", &n_cov, err);
    if (!rc)
        rc = ws_db_prepare(
            s->db, "SELECT code, year, population FROM statistics ORDER BY code, year", &q, err);
    while (!rc) {
        struct ws_stat_row *r;
        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        WS_VEC_GROW(v, nv + 1, cap);
        r = &v[nv++];
        memset(r, 0, sizeof(*r));
        r->code = ws_xstrdup(ws_stmt_column_text(q, 0));
        r->year = (int)ws_stmt_column_int(q, 1);
        r->population = ws_stmt_column_double(q, 2);
        r->covariates = ws_xcalloc(n_cov ? (size_t)n_cov : 1, sizeof(double));
        for (k = 0; k < (size_t)n_cov; k++)
            r->covariates[k] = NAN;
        rc = WS_OK;
    }
    ws_stmt_finalize(q);
    if (!rc && n_cov > 0)
        rc = fill_stat_values(s, v, nv, n_cov, err);
    if (rc) {
        ws_store_free_stats(v, nv);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *n = nv;
    return rc;
}

void ws_store_free_cases(struct ws_case_row *rows, size_t n)
{
    size_t i;

    if (!rows)
        return;
    for (i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].category);
    }
    free(rows);
}

int ws_store_read_cases(struct ws_store *s, struct ws_case_row **out, size_t *n, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    struct ws_case_row *v = NULL;
    size_t nv = 0;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = ws_db_prepare(s->db,
                       "SELECT code, year, category, count FROM cases"
                       " ORDER BY code, year, category",
                       &q, err);
    while (!rc) {
        struct ws_case_row *r;
        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        WS_VEC_GROW(v, nv + 1, cap);
        r = &v[nv++];
        memset(r, 0, sizeof(*r));
        r->code = ws_xstrdup(ws_stmt_column_text(q, 0));
        r->year = (int)ws_stmt_column_int(q, 1);
        r->category = ws_xstrdup(ws_stmt_column_text(q, 2));
        r->count = (long long)ws_stmt_column_int(q, 3);
        rc = WS_OK;
    }
    ws_stmt_finalize(q);
    if (rc) {
        ws_store_free_cases(v, nv);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *n = nv;
    return rc;
}

int ws_store_get_setting(struct ws_store *s, const char *key, char **value, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc;

    *value = NULL;
    rc = ws_db_prepare(s->db, "SELECT value FROM settings WHERE key = ?", &q, err);
    if (!rc)
        rc = ws_stmt_bind_text(q, 1, key, err);
    if (!rc) {
        rc = ws_stmt_step(q, err);
        if (rc == 1)
            *value = ws_xstrdup(ws_stmt_column_text(q, 0));
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(q);
    return rc;
}

/* The run record for the manifest: one fixed query per kind (no SQL from
 * outside the store). */
int ws_store_read_record(struct ws_store *s, enum ws_store_record kind, char ***cells,
                         size_t *n_rows, size_t *n_cols, struct ws_err *err)
{
    static const char *const sql[] = {
        "SELECT role, path, sha256 FROM inputs ORDER BY rowid",
        "SELECT key, value FROM settings ORDER BY key",
        "SELECT stage, message FROM warnings ORDER BY id",
        "SELECT started_utc, tool_version, study_path FROM run ORDER BY id DESC LIMIT 1",
    };
    static const size_t cols[] = {3, 2, 2, 3};
    struct ws_stmt *q = NULL;
    char **v = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc;

    *cells = NULL;
    *n_rows = 0;
    *n_cols = cols[kind];
    rc = ws_db_prepare(s->db, sql[kind], &q, err);
    while (!rc) {
        rc = ws_stmt_step(q, err);
        if (rc != 1) {
            rc = rc < 0 ? -rc : WS_OK;
            break;
        }
        rc = WS_OK;
        WS_VEC_GROW(v, (n + 1) * cols[kind], cap);
        for (size_t c = 0; c < cols[kind]; c++) {
            const char *t = ws_stmt_column_text(q, (int)c);
            v[n * cols[kind] + c] = ws_xstrdup(t ? t : "");
        }
        n++;
    }
    ws_stmt_finalize(q);
    if (rc) {
        ws_store_free_strings(v, n * cols[kind]);
        return rc;
    }
    *cells = v;
    *n_rows = n;
    return WS_OK;
}

/* ------------------------------------------------------------------------ */
/* Results: indicator rows and named texts                                   */

static const char *indicator_table(enum ws_indicator_table table)
{
    return table == WS_SET_PUBLISHED ? "indicators_published" : "indicators_raw";
}

/* True when table `name` exists (a store made before the result tables
 * were added has none until a writer creates them). */
static int table_exists(struct ws_db *db, const char *name, bool *exists, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc;

    *exists = false;
    rc =
        ws_db_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &q, err);
    if (!rc)
        rc = ws_stmt_bind_text(q, 1, name, err);
    if (!rc) {
        rc = ws_stmt_step(q, err);
        *exists = rc == 1;
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(q);
    return rc;
}

/* Binds field k of r to parameter i. */
static int bind_field(struct ws_stmt *q, int i, const struct ws_indicator *r, size_t k,
                      struct ws_err *err)
{
    struct ws_field_value v;

    ws_field_get(r, k, &v);
    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
        // NULL stays NULL, "" stays "" (as the struct holds it)
        return ws_stmt_bind_text_nocopy(q, i, v.s, err);
    case WS_KIND_LABEL:
        return ws_stmt_bind_text_nocopy(q, i, v.null ? NULL : v.s, err);
    case WS_KIND_LEVEL:
        return ws_stmt_bind_text_nocopy(q, i, level_sql(r->level), err);
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        return ws_stmt_bind_double(q, i, v.d, err);
    case WS_KIND_INT:
    case WS_KIND_RANK:
    case WS_KIND_FLAG:
        break;
    }
    if (v.null)
        return ws_stmt_bind_null(q, i, err);
    return ws_stmt_bind_int(q, i, v.i, err);
}

/* Binds row r to the parameters base + 1 .. base + INDICATOR_N_COLUMNS. */
static int bind_indicator(struct ws_stmt *q, int base, const struct ws_indicator *r,
                          struct ws_err *err)
{
    size_t order[WS_N_FIELDS];
    int rc = ws_stmt_bind_int(q, base + 1, (int64_t)r->level, err);

    column_fields(order);
    for (size_t col = 1; !rc && col <= WS_N_FIELDS; col++)
        rc = bind_field(q, base + 1 + (int)col, r, order[col - 1], err);
    if (!rc)
        rc = ws_stmt_bind_text_nocopy(q, base + INDICATOR_N_COLUMNS,
                                      r->suppressed == WS_SUPP_PRIMARY     ? "primary"
                                      : r->suppressed == WS_SUPP_SECONDARY ? "secondary"
                                                                           : NULL,
                                      err);
    return rc;
}

/* Key order of indicator rows: level, code, period, year, category (byte order,
 * as SQLite's BINARY collation). */
static int cmp_indicator_key(const struct ws_indicator *a, const struct ws_indicator *b)
{
    int c;

    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if ((c = strcmp(a->code, b->code)) != 0)
        return c;
    if (a->period != b->period)
        return a->period < b->period ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return strcmp(a->category, b->category);
}

static int cmp_indicator_ptr(const void *a, const void *b)
{
    const struct ws_indicator *const *x = a;
    const struct ws_indicator *const *y = b;

    return cmp_indicator_key(*x, *y);
}

/* Rows per INSERT of the writer: one statement for many rows saves most of
 * SQLite's per-statement work (national rows: 0.95 s -> 0.6 s). */
#define INDICATOR_BATCH 16

struct ws_indicator_writer {
    struct ws_store *s;
    const char *table;
    struct ws_stmt *q;        /* INSERT of one row */
    struct ws_stmt *qb;       /* INSERT of INDICATOR_BATCH rows */
    struct ws_indicator last; /* key of the last row written; code and category
                               * point into the two buffers below */
    struct ws_strbuf last_code, last_category;
    bool any;
};

int ws_store_indicator_writer_begin(struct ws_store *s, enum ws_indicator_table table,
                                    struct ws_indicator_writer **out, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_indicator_writer *w = NULL;
    size_t i;
    size_t j;
    int k;
    int rc;

    *out = NULL;
    w = ws_xcalloc(1, sizeof(*w));
    ws_strbuf_init(&w->last_code);
    ws_strbuf_init(&w->last_category);
    w->s = s;
    w->table = indicator_table(table);
    rc = create_results_schema(s->db, err);
    if (!rc) {
        ws_strbuf_addf(&sql, "DELETE FROM %s", w->table);
        rc = ws_db_exec(s->db, sql.buf, err);
    }
    for (k = 0; !rc && k < 2; k++) {
        size_t rows = k == 0 ? 1 : INDICATOR_BATCH;
        ws_strbuf_reset(&sql);
        ws_strbuf_addf(&sql, "INSERT INTO %s(", w->table);
        indicator_columns(&sql, false);
        ws_strbuf_adds(&sql, ") VALUES ");
        for (j = 0; j < rows; j++) {
            ws_strbuf_adds(&sql, j ? ", (?" : "(?");
            for (i = 1; i < INDICATOR_N_COLUMNS; i++)
                ws_strbuf_adds(&sql, ", ?");
            ws_strbuf_addch(&sql, ')');
        }
        rc = ws_db_prepare(s->db, sql.buf, k == 0 ? &w->q : &w->qb, err);
    }
    ws_strbuf_release(&sql);
    if (rc) {
        ws_err_where(err, "%s, table %s", s->path, w->table);
        ws_store_indicator_writer_end(w);
        w = NULL;
    }
    *out = w;
    return rc;
}

void ws_store_indicator_writer_end(struct ws_indicator_writer *w)
{
    if (!w)
        return;
    ws_stmt_finalize(w->q);
    ws_stmt_finalize(w->qb);
    ws_strbuf_release(&w->last_code);
    ws_strbuf_release(&w->last_category);
    free(w);
}

static int check_indicator_row(const struct ws_indicator *r, struct ws_err *err)
{
    if (!r->code || !r->category || (unsigned)r->level >= WS_N_LEVELS)
        return ws_err_set(err, WS_EINTERNAL, "an indicator row has no code, category or level");
    return WS_OK;
}

static int duplicate_indicator(const struct ws_indicator *r, struct ws_err *err)
{
    return ws_err_set(err, WS_EINTERNAL,
                      "indicator row for %s '%s', year %d, category '%s' occurs twice",
                      level_sql(r->level), r->code, r->year, r->category);
}

/* Checks that r continues the key order and remembers its key. */
static int writer_follow(struct ws_indicator_writer *w, const struct ws_indicator *r,
                         struct ws_err *err)
{
    int c;
    int rc = check_indicator_row(r, err);

    if (rc)
        return rc;
    c = w->any ? cmp_indicator_key(&w->last, r) : -1;
    if (c == 0)
        return duplicate_indicator(r, err);
    if (c > 0)
        return ws_err_set(err, WS_EINTERNAL,
                          "indicator row for %s '%s', year %d, category '%s' is out of order",
                          level_sql(r->level), r->code, r->year, r->category);
    // remember the key (the buffers keep their allocation)
    ws_strbuf_reset(&w->last_code);
    ws_strbuf_adds(&w->last_code, r->code);
    ws_strbuf_reset(&w->last_category);
    ws_strbuf_adds(&w->last_category, r->category);
    w->last.code = w->last_code.buf;
    w->last.category = w->last_category.buf;
    w->last.level = r->level;
    w->last.year = r->year;
    w->last.period = r->period;
    w->any = true;
    return WS_OK;
}

int ws_store_indicator_writer_add(struct ws_indicator_writer *w, const struct ws_indicator *rows,
                                  size_t n, struct ws_err *err)
{
    bool constraint = false;
    size_t i = 0;
    int rc = WS_OK;

    while (!rc && i < n) {
        size_t k = n - i >= INDICATOR_BATCH ? INDICATOR_BATCH : 1;
        struct ws_stmt *q = k > 1 ? w->qb : w->q;
        size_t j;

        for (j = 0; !rc && j < k; j++) {
            rc = writer_follow(w, &rows[i + j], err);
            if (!rc)
                rc = bind_indicator(q, (int)(j * INDICATOR_N_COLUMNS), &rows[i + j], err);
        }
        if (!rc)
            rc = step_write(w->s, q, &constraint, err);
        else
            ws_stmt_reset(q);
        if (rc && constraint)
            rc = ws_err_set(err, WS_EINTERNAL, "indicator rows for %s '%s' cannot be stored",
                            level_sql(rows[i].level), rows[i].code);
        i += k;
    }
    if (rc)
        ws_err_where(err, "%s, table %s", w->s->path, w->table);
    return rc;
}

int ws_store_put_indicators(struct ws_store *s, enum ws_indicator_table table,
                            const struct ws_indicator_set *set, struct ws_err *err)
{
    struct ws_indicator_writer *w = NULL;
    const struct ws_indicator **v = NULL;
    size_t n = set ? set->n : 0;
    bool sorted = true;
    size_t i;
    int rc = WS_OK;

    for (i = 0; !rc && i < n; i++) {
        rc = check_indicator_row(&set->rows[i], err);
        if (!rc && i > 0 && sorted && cmp_indicator_key(&set->rows[i - 1], &set->rows[i]) >= 0)
            sorted = false;
    }
    if (!rc)
        rc = ws_store_indicator_writer_begin(s, table, &w, err);
    if (!rc && sorted) {
        rc = ws_store_indicator_writer_add(w, set ? set->rows : NULL, n, err);
    } else if (!rc) {
        // rows out of key order: write them sorted (a repeated key is
        // then caught as a duplicate by the writer)
        v = ws_xmalloc(ws_st_mult(n, sizeof(const struct ws_indicator *)));
        for (i = 0; i < n; i++)
            v[i] = &set->rows[i];
        qsort(v, n, sizeof(const struct ws_indicator *), cmp_indicator_ptr);
        for (i = 0; !rc && i < n; i++)
            rc = ws_store_indicator_writer_add(w, v[i], 1, err);
    }
    ws_store_indicator_writer_end(w);
    free(v);
    return rc;
}

/* Copies the current row of a SELECT of the indicator columns into r. */
static void read_indicator(struct ws_stmt *q, struct ws_indicator_set *set)
{
    struct ws_indicator *r = ws_indicator_set_add(set);
    int64_t lv = ws_stmt_column_int(q, 0);
    size_t order[WS_N_FIELDS];
    const char *why;

    column_fields(order);
    for (size_t col = 1; col <= WS_N_FIELDS; col++) {
        size_t k = order[col - 1];
        int c = (int)col;
        struct ws_field_value v = {.null = ws_stmt_column_is_null(q, c)};
        switch (ws_fields[k].kind) {
        case WS_KIND_TEXT:
        case WS_KIND_LABEL:
            v.s = ws_stmt_column_text(q, c);
            v.null = !v.s;
            break;
        case WS_KIND_LEVEL:
            v.i = lv > 0 && lv < WS_N_LEVELS ? lv : WS_LEVEL_BUURT;
            v.null = false;
            break;
        case WS_KIND_REAL:
        case WS_KIND_COUNT:
            v.d = ws_stmt_column_double(q, c);
            break;
        case WS_KIND_INT:
        case WS_KIND_RANK:
        case WS_KIND_FLAG:
            v.i = ws_stmt_column_int(q, c);
            break;
        }
        ws_indicator_set_field(set, r, k, &v);
    }
    why = ws_stmt_column_text(q, INDICATOR_N_COLUMNS - 1);
    if (r->suppressed != WS_SUPP_NONE && why && strcmp(why, "secondary") == 0)
        r->suppressed = WS_SUPP_SECONDARY;
}

int ws_store_read_indicators(struct ws_store *s, enum ws_indicator_table table,
                             struct ws_indicator_set *set, struct ws_err *err)
{
    struct ws_strbuf sql = WS_STRBUF_INIT;
    struct ws_stmt *q = NULL;
    const char *tab = indicator_table(table);
    bool exists = false;
    int rc;

    ws_indicator_set_release(set);
    ws_indicator_set_share_texts(set); // each area's texts once, not once per row
    rc = table_exists(s->db, tab, &exists, err);
    if (!rc && !exists) {
        rc = ws_err_set(err, WS_ENOINPUT, "the store '%s' holds no %s indicators yet", s->path,
                        table == WS_SET_PUBLISHED ? "published" : "analysed");
        ws_err_hint(err, "run 'wijkscan analyse' (or 'wijkscan run') first");
    }
    if (!rc) { // the exact room: a national set is close to a million rows
        int64_t count = 0;
        ws_strbuf_addf(&sql, "SELECT count(*) FROM %s", tab);
        rc = query_int(s->db, sql.buf, &count, err);
        if (!rc && count > 0)
            ws_indicator_set_reserve(set, (size_t)count);
        ws_strbuf_reset(&sql);
    }
    if (!rc) {
        ws_strbuf_adds(&sql, "SELECT ");
        indicator_columns(&sql, false);
        ws_strbuf_addf(&sql, " FROM %s ORDER BY rowid", tab);
        rc = ws_db_prepare(s->db, sql.buf, &q, err);
    }
    // rows were written in key order (ws_store_put_indicators)
    while (!rc) {
        rc = ws_stmt_step(q, err);
        if (rc <= 0) {
            rc = -rc;
            break;
        }
        read_indicator(q, set);
        rc = WS_OK;
    }
    ws_stmt_finalize(q);
    ws_strbuf_release(&sql);
    if (rc)
        ws_indicator_set_release(set);
    return rc;
}

int ws_store_put_result(struct ws_store *s, const char *key, const char *text, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    int rc;

    if (!key || !text)
        return ws_err_set(err, WS_EINTERNAL, "ws_store_put_result: NULL key or text");
    rc = create_results_schema(s->db, err);
    if (!rc)
        rc = ws_db_prepare(s->db, "INSERT OR REPLACE INTO results(key, text) VALUES (?, ?)", &q,
                           err);
    if (!rc && !(rc = ws_stmt_bind_text_nocopy(q, 1, key, err)) &&
        !(rc = ws_stmt_bind_text_nocopy(q, 2, text, err))) {
        rc = ws_stmt_step(q, err);
        rc = rc < 0 ? -rc : WS_OK;
    }
    ws_stmt_finalize(q);
    if (rc)
        ws_err_where(err, "%s, result '%s'", s->path, key);
    return rc;
}

int ws_store_get_result(struct ws_store *s, const char *key, char **text, struct ws_err *err)
{
    struct ws_stmt *q = NULL;
    bool exists = false;
    int rc;

    *text = NULL;
    rc = table_exists(s->db, "results", &exists, err);
    if (!rc && exists) {
        rc = ws_db_prepare(s->db, "SELECT text FROM results WHERE key = ?", &q, err);
        if (!rc)
            rc = ws_stmt_bind_text(q, 1, key, err);
        if (!rc) {
            rc = ws_stmt_step(q, err);
            if (rc == 1)
                *text = ws_xstrdup(ws_stmt_column_text(q, 0));
            rc = rc < 0 ? -rc : WS_OK;
        }
    }
    ws_stmt_finalize(q);
    if (!rc && !*text) {
        rc = ws_err_set(err, WS_ENOINPUT, "the store '%s' holds no result '%s' yet", s->path, key);
        ws_err_hint(err, "run 'wijkscan analyse' (or 'wijkscan run') first to make it");
    }
    return rc;
}
