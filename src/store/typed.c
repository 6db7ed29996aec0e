/*
 * typed.c - the typed results in the store (store.h: typed results): the
 * priority list, the group offers and the manifest, one table each with a
 * column per field of its row type (results.h).
 *
 * Every table is written and read the same way (struct table): the writer
 * creates the table if needed, empties it and inserts the rows in order; the
 * reader checks that the table exists and selects in rowid order, so the
 * rows come back as they were written.  Only db.h is used.
 */
#include "wijkscan/core/mem.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
    const char *name;
    const char *create; /* CREATE TABLE IF NOT EXISTS */
    const char *insert; /* one row, bound in field order */
    const char *select; /* the same columns, in rowid order */
    const char *what;   /* for messages: "priority list" */
};

static const struct table priorities_table = {
    "priorities",
    "CREATE TABLE IF NOT EXISTS priorities(year INTEGER NOT NULL,"
    " rank INTEGER NOT NULL CHECK(rank >= 1), code TEXT NOT NULL, name TEXT, wijk TEXT,"
    " reasons INTEGER NOT NULL, PRIMARY KEY(year, code))",
    "INSERT INTO priorities(year, rank, code, name, wijk, reasons) VALUES (?, ?, ?, ?, ?, ?)",
    "SELECT year, rank, code, name, wijk, reasons FROM priorities ORDER BY rowid",
    "priority list",
};

static const struct table offers_table = {
    "group_offers",
    "CREATE TABLE IF NOT EXISTS group_offers(category TEXT NOT NULL,"
    " year_from INTEGER NOT NULL, year_to INTEGER NOT NULL, catchment TEXT NOT NULL,"
    " catchment_name TEXT, location TEXT, n_buurten INTEGER NOT NULL CHECK(n_buurten >= 0),"
    " cases REAL, suggest INTEGER NOT NULL CHECK(suggest IN (0, 1)))",
    "INSERT INTO group_offers(category, year_from, year_to, catchment, catchment_name,"
    " location, n_buurten, cases, suggest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "SELECT category, year_from, year_to, catchment, catchment_name, location, n_buurten,"
    " cases, suggest FROM group_offers ORDER BY rowid",
    "group offers",
};

static const struct table manifest_table = {
    "manifest",
    "CREATE TABLE IF NOT EXISTS manifest(seq INTEGER PRIMARY KEY, kind TEXT NOT NULL"
    " CHECK(kind IN ('tool', 'library', 'run', 'input', 'setting', 'warning')),"
    " key TEXT NOT NULL, value TEXT, sha256 TEXT)",
    "INSERT INTO manifest(kind, key, value, sha256) VALUES (?, ?, ?, ?)",
    "SELECT kind, key, value, sha256 FROM manifest ORDER BY seq",
    "manifest",
};

/* Creates the table if needed, empties it and prepares its insert. */
static int write_begin(struct ws_store *s, const struct table *t, struct ws_stmt **q,
                       struct ws_err *err)
{
    struct ws_db *db = ws_store_db(s);
    char del[64];
    int rc;

    *q = NULL;
    (void)snprintf(del, sizeof(del), "DELETE FROM %s", t->name);
    rc = ws_db_exec(db, t->create, err);
    rc = rc ? rc : ws_db_exec(db, del, err);
    rc = rc ? rc : ws_db_prepare(db, t->insert, q, err);
    return rc;
}

/* Steps the bound insert of row i; a constraint (a repeated key) names the
 * row. */
static int write_step(struct ws_store *s, const struct table *t, struct ws_stmt *q, size_t i,
                      struct ws_err *err)
{
    struct ws_err e2 = WS_ERR_INIT;
    int rc = ws_stmt_step(q, &e2);

    ws_stmt_reset(q);
    if (rc >= 0)
        return WS_OK;
    if (ws_db_last_error_is_constraint(ws_store_db(s))) {
        rc = ws_err_set(err, WS_EINTERNAL, "row %zu of the %s cannot be stored", i + 1, t->what);
        ws_err_cause(err, "%s", e2.cause);
        return rc;
    }
    if (err && err->code == WS_OK)
        *err = e2;
    return -rc;
}

static int bad_row(const struct table *t, size_t i, const char *field, struct ws_err *err)
{
    return ws_err_set(err, WS_EINTERNAL, "row %zu of the %s has no %s", i + 1, t->what, field);
}

/* Checks that the table exists (WS_ENOINPUT otherwise) and prepares its
 * select. */
static int read_begin(struct ws_store *s, const struct table *t, struct ws_stmt **q,
                      struct ws_err *err)
{
    struct ws_db *db = ws_store_db(s);
    struct ws_stmt *e = NULL;
    int rc;

    *q = NULL;
    rc =
        ws_db_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &e, err);
    rc = rc ? rc : ws_stmt_bind_text(e, 1, t->name, err);
    if (!rc) {
        rc = ws_stmt_step(e, err);
        if (rc == 0) {
            rc = ws_err_set(err, WS_ENOINPUT, "the store '%s' holds no %s yet", ws_db_path(db),
                            t->what);
            ws_err_hint(err, "run 'wijkscan analyse' (or 'wijkscan run') first to make it");
        } else {
            rc = rc < 0 ? -rc : WS_OK;
        }
    }
    ws_stmt_finalize(e);
    return rc ? rc : ws_db_prepare(db, t->select, q, err);
}

/* A copy of a text column, NULL for NULL. */
static char *column_str(struct ws_stmt *q, int i)
{
    const char *t = ws_stmt_column_text(q, i);
    return t ? ws_xstrdup(t) : NULL;
}

/* --- priorities --------------------------------------------------------- */

static int bind_priority(struct ws_stmt *q, const struct ws_priority_row *r, struct ws_err *err)
{
    int rc = ws_stmt_bind_int(q, 1, r->year, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 2, r->rank, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 3, r->code, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 4, r->name, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 5, r->wijk, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 6, r->reasons, err);
    return rc;
}

int ws_store_put_priorities(struct ws_store *s, const struct ws_priority_row *rows, size_t n,
                            struct ws_err *err)
{
    const struct table *t = &priorities_table;
    struct ws_stmt *q = NULL;
    int rc = WS_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        if (!rows[i].code)
            rc = bad_row(t, i, "code", err);
        else if (rows[i].rank < 1)
            rc = bad_row(t, i, "rank", err);
    }
    rc = rc ? rc : write_begin(s, t, &q, err);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = bind_priority(q, &rows[i], err);
        rc = rc ? rc : write_step(s, t, q, i, err);
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_store_read_priorities(struct ws_store *s, struct ws_priority_row **rows, size_t *n,
                             struct ws_err *err)
{
    struct ws_priority_row *v = NULL;
    struct ws_stmt *q = NULL;
    size_t cap = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = read_begin(s, &priorities_table, &q, err);
    while (!rc && (rc = ws_stmt_step(q, err)) == 1) {
        struct ws_priority_row *r;
        WS_VEC_GROW(v, *n + 1, cap);
        r = &v[(*n)++];
        r->year = (int)ws_stmt_column_int(q, 0);
        r->rank = (long)ws_stmt_column_int(q, 1);
        r->code = column_str(q, 2);
        r->name = column_str(q, 3);
        r->wijk = column_str(q, 4);
        r->reasons = (unsigned)ws_stmt_column_int(q, 5) & WS_REASON_ALL;
        rc = WS_OK;
    }
    rc = rc < 0 ? -rc : rc;
    ws_stmt_finalize(q);
    if (rc) {
        ws_priority_rows_free(v, *n);
        *n = 0;
        return rc;
    }
    *rows = v;
    return WS_OK;
}

/* --- group offers ------------------------------------------------------- */

static int bind_offer(struct ws_stmt *q, const struct ws_offer_row *r, struct ws_err *err)
{
    int rc = ws_stmt_bind_text(q, 1, r->category, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 2, r->year_from, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 3, r->year_to, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 4, r->catchment, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 5, r->catchment_name, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 6, r->location, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 7, (int64_t)r->n_buurten, err);
    rc = rc ? rc : ws_stmt_bind_double(q, 8, isfinite(r->cases) ? r->cases : NAN, err);
    rc = rc ? rc : ws_stmt_bind_int(q, 9, r->suggest ? 1 : 0, err);
    return rc;
}

int ws_store_put_offers(struct ws_store *s, const struct ws_offer_row *rows, size_t n,
                        struct ws_err *err)
{
    const struct table *t = &offers_table;
    struct ws_stmt *q = NULL;
    int rc = WS_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        if (!rows[i].category)
            rc = bad_row(t, i, "category", err);
        else if (!rows[i].catchment)
            rc = bad_row(t, i, "catchment", err);
        else if (rows[i].year_from > rows[i].year_to)
            rc = bad_row(t, i, "valid years", err);
    }
    rc = rc ? rc : write_begin(s, t, &q, err);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = bind_offer(q, &rows[i], err);
        rc = rc ? rc : write_step(s, t, q, i, err);
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_store_read_offers(struct ws_store *s, struct ws_offer_row **rows, size_t *n,
                         struct ws_err *err)
{
    struct ws_offer_row *v = NULL;
    struct ws_stmt *q = NULL;
    size_t cap = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = read_begin(s, &offers_table, &q, err);
    while (!rc && (rc = ws_stmt_step(q, err)) == 1) {
        struct ws_offer_row *r;
        WS_VEC_GROW(v, *n + 1, cap);
        r = &v[(*n)++];
        r->category = column_str(q, 0);
        r->year_from = (int)ws_stmt_column_int(q, 1);
        r->year_to = (int)ws_stmt_column_int(q, 2);
        r->catchment = column_str(q, 3);
        r->catchment_name = column_str(q, 4);
        r->location = column_str(q, 5);
        r->n_buurten = (size_t)ws_stmt_column_int(q, 6);
        r->cases = ws_stmt_column_double(q, 7);
        r->suggest = ws_stmt_column_int(q, 8) != 0;
        rc = WS_OK;
    }
    rc = rc < 0 ? -rc : rc;
    ws_stmt_finalize(q);
    if (rc) {
        ws_offer_rows_free(v, *n);
        *n = 0;
        return rc;
    }
    *rows = v;
    return WS_OK;
}

/* --- manifest ----------------------------------------------------------- */

static int bind_item(struct ws_stmt *q, const struct ws_manifest_item *it, struct ws_err *err)
{
    int rc = ws_stmt_bind_text(q, 1, ws_manifest_kind_name(it->kind), err);
    rc = rc ? rc : ws_stmt_bind_text(q, 2, it->key, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 3, it->value, err);
    rc = rc ? rc : ws_stmt_bind_text(q, 4, it->sha256, err);
    return rc;
}

int ws_store_put_manifest(struct ws_store *s, const struct ws_manifest_item *items, size_t n,
                          struct ws_err *err)
{
    const struct table *t = &manifest_table;
    struct ws_stmt *q = NULL;
    int rc = WS_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        if (!ws_manifest_kind_name(items[i].kind))
            rc = bad_row(t, i, "valid kind", err);
        else if (!items[i].key)
            rc = bad_row(t, i, "key", err);
    }
    rc = rc ? rc : write_begin(s, t, &q, err);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = bind_item(q, &items[i], err);
        rc = rc ? rc : write_step(s, t, q, i, err);
    }
    ws_stmt_finalize(q);
    return rc;
}

int ws_store_read_manifest(struct ws_store *s, struct ws_manifest_item **items, size_t *n,
                           struct ws_err *err)
{
    struct ws_manifest_item *v = NULL;
    struct ws_stmt *q = NULL;
    size_t cap = 0;
    int rc;

    *items = NULL;
    *n = 0;
    rc = read_begin(s, &manifest_table, &q, err);
    while (!rc && (rc = ws_stmt_step(q, err)) == 1) {
        struct ws_manifest_item *it;
        enum ws_manifest_kind kind = WS_MANIFEST_TOOL;
        if (!ws_manifest_kind_parse(ws_stmt_column_text(q, 0), &kind)) {
            rc = ws_err_set(err, WS_EDATA, "the store '%s' holds a manifest item of no known kind",
                            ws_db_path(ws_store_db(s)));
            break;
        }
        WS_VEC_GROW(v, *n + 1, cap);
        it = &v[(*n)++];
        it->kind = kind;
        it->key = column_str(q, 1);
        it->value = column_str(q, 2);
        it->sha256 = column_str(q, 3);
        rc = WS_OK;
    }
    rc = rc < 0 ? -rc : rc;
    ws_stmt_finalize(q);
    if (rc) {
        ws_manifest_items_free(v, *n);
        *n = 0;
        return rc;
    }
    *items = v;
    return WS_OK;
}
