/*
 * db.h - the one wrapper around SQLite and SpatiaLite.
 *
 * db.c is the only file that includes sqlite3.h or spatialite.h.  A
 * connection is opened with SpatiaLite loaded; statements are always prepared
 * with bound values.  Library messages are copied into err->cause at once
 * (the next call would overwrite them).
 */
#ifndef WIJKSCAN_DB_H
#define WIJKSCAN_DB_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_db;   /* a connection with SpatiaLite initialised */
struct ws_stmt; /* a prepared statement */

enum ws_db_mode {
    WS_DB_READ = 0,           /* existing file, read-only */
    WS_DB_WRITE = 1,          /* existing file, read-write */
    WS_DB_CREATE = 2,         /* new file (must not exist), read-write */
    WS_DB_MEMORY = 3,         /* private scratch database in memory; path only names it */
    WS_DB_CREATE_PRIVATE = 4, /* as WS_DB_CREATE, but the file (and SQLite's side
                               * files, which copy its mode) is readable by the
                               * owner only (0600), whatever the umask */
};

/* Process-wide start and end (spatialite_initialize / spatialite_shutdown,
 * sqlite3_shutdown).  Call once each from main. */
void ws_db_global_init(void);
void ws_db_global_shutdown(void);
/* Library versions, static strings. */
const char *ws_db_sqlite_version(void);
const char *ws_db_spatialite_version(void);

/* Opens path.  Returns WS_ENOINPUT when an existing file is missing or
 * unreadable, WS_ECANTCREAT when a new file cannot be made (or exists).
 * *out is an owned connection; close with ws_db_close().  A connection may be
 * used from one thread at a time; separate connections may run in parallel
 * threads. */
int ws_db_open(const char *path, enum ws_db_mode mode, struct ws_db **out, struct ws_err *err);
/* Closes the connection (NULL is fine); finalises nothing: finalise first. */
void ws_db_close(struct ws_db *db);
/* The path the connection was opened with; borrowed, valid until close. */
const char *ws_db_path(const struct ws_db *db);
/* True when the last failure on db was a constraint violation (duplicate
 * key, CHECK): lets callers replace the generic message with one that names
 * the offending row. */
bool ws_db_last_error_is_constraint(const struct ws_db *db);

/* Runs one or more statements without results (schema, BEGIN, COMMIT). */
int ws_db_exec(struct ws_db *db, const char *sql, struct ws_err *err);

/* Prepares one statement.  *out is owned; free with ws_stmt_finalize(). */
int ws_db_prepare(struct ws_db *db, const char *sql, struct ws_stmt **out, struct ws_err *err);
void ws_stmt_finalize(struct ws_stmt *st);
/* Binds (1-based index).  Text and blobs are copied; a NULL string or blob
 * pointer binds SQL NULL. */
int ws_stmt_bind_text(struct ws_stmt *st, int i, const char *s, struct ws_err *err);
/* As ws_stmt_bind_text, but s is borrowed, not copied: it must stay valid
 * until the statement is reset (ws_stmt_reset) or finalised.  For bulk
 * inserts, where the copy is a tenth of the cost. */
int ws_stmt_bind_text_nocopy(struct ws_stmt *st, int i, const char *s, struct ws_err *err);
int ws_stmt_bind_int(struct ws_stmt *st, int i, int64_t v, struct ws_err *err);
/* Binds NULL when v is NaN. */
int ws_stmt_bind_double(struct ws_stmt *st, int i, double v, struct ws_err *err);
int ws_stmt_bind_null(struct ws_stmt *st, int i, struct ws_err *err);
int ws_stmt_bind_blob(struct ws_stmt *st, int i, const void *p, size_t n, struct ws_err *err);
/* Steps: returns 1 for a row, 0 when done, a negative ws status on error
 * (err set). */
int ws_stmt_step(struct ws_stmt *st, struct ws_err *err);
/* Resets for re-use and clears bindings. */
void ws_stmt_reset(struct ws_stmt *st);
/* Column accessors (0-based) for the current row.  Text and blob pointers are
 * borrowed, valid until the next step/reset/finalize.  NULL reads as NULL
 * text, NaN double, 0 integer. */
bool ws_stmt_column_is_null(struct ws_stmt *st, int i);
const char *ws_stmt_column_text(struct ws_stmt *st, int i);
int64_t ws_stmt_column_int(struct ws_stmt *st, int i);
double ws_stmt_column_double(struct ws_stmt *st, int i);
const void *ws_stmt_column_blob(struct ws_stmt *st, int i, size_t *n);

/* Rows changed by the last statement. */
int64_t ws_db_changes(struct ws_db *db);

#endif
