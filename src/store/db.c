/*
 * db.c - the one wrapper around SQLite and SpatiaLite (see db.h).
 *
 * This is the only file that includes sqlite3.h or spatialite.h.  Each
 * connection gets its own SpatiaLite cache (spatialite_alloc_connection +
 * spatialite_init_ex, released with spatialite_cleanup_ex after
 * sqlite3_close), as SpatiaLite 4+ requires for thread-safe use.
 *
 * Errors: SQLite keeps only the last message per connection, so it is copied
 * into err->cause at the point of failure, with the first part of the SQL for
 * statements we wrote ourselves.  SQLite result codes map to our statuses:
 * CONSTRAINT, NOTADB, CORRUPT -> WS_EDATA; CANTOPEN -> WS_ENOINPUT;
 * IOERR, FULL -> WS_EIO; READONLY -> WS_ECANTCREAT; anything else (a bad
 * statement, misuse, out of memory) -> WS_EINTERNAL.
 *
 * Creating: sqlite3_open_v2 has no "must not exist" flag, so the file is
 * first made with open(O_CREAT | O_EXCL) (atomic, so two runs cannot both
 * think they made it) and then opened read-write as an empty database.  A
 * fresh file is tuned for one bulk load inside one transaction:
 * journal_mode=MEMORY and synchronous=OFF are safe because wijkscan writes
 * the store under a temporary name and renames it only after COMMIT, so a
 * crash leaves a temporary file, never a half-written store.
 */
#include "wijkscan/store/db.h"

#include "wijkscan/core/mem.h"

// spatialite.h needs sqlite3.h first
// clang-format off
#include <sqlite3.h>
#include <spatialite.h>
// clang-format on

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ws_db {
    sqlite3 *h;
    void *splite; /* SpatiaLite per-connection cache */
    char *path;
    int last_rc; /* extended result code of the last failure */
};

struct ws_stmt {
    sqlite3_stmt *h;
    struct ws_db *db;
};

void ws_db_global_init(void)
{
    // no allocation statistics: saves a global mutex per malloc (bulk load)
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    spatialite_initialize();
}

void ws_db_global_shutdown(void)
{
    spatialite_shutdown();
    (void)sqlite3_shutdown();
}

const char *ws_db_sqlite_version(void)
{
    return sqlite3_libversion();
}

const char *ws_db_spatialite_version(void)
{
    return spatialite_version();
}

const char *ws_db_path(const struct ws_db *db)
{
    return db ? db->path : NULL;
}

static enum ws_status status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_MISMATCH:
        return WS_EDATA;
    case SQLITE_CANTOPEN:
        return WS_ENOINPUT;
    case SQLITE_IOERR:
    case SQLITE_FULL:
        return WS_EIO;
    case SQLITE_READONLY:
        return WS_ECANTCREAT;
    default:
        return WS_EINTERNAL;
    }
}

/* Records a failed call: sets err with a message fitting the result code,
 * copies sqlite3_errmsg into err->cause at once.  `sql` may be NULL. */
static int db_fail(struct ws_db *db, int rc, const char *sql, struct ws_err *err)
{
    enum ws_status code = status_of(rc);
    const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
    const char *path = db && db->path ? db->path : "?";

    if (db)
        db->last_rc = rc;
    if (err && err->code == WS_OK) {
        if (sql)
            ws_err_cause(err, "%s (in: %.160s%s)", msg, sql, strlen(sql) > 160 ? "..." : "");
        else
            ws_err_cause(err, "%s", msg);
    }
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        ws_err_set(err, code, "'%s' is not an SQLite database", path);
        ws_err_hint(err, "check the path; a wijkscan store is made by 'wijkscan load'");
        break;
    case SQLITE_CORRUPT:
        ws_err_set(err, code, "'%s' is damaged", path);
        ws_err_hint(err, "remove it and run 'wijkscan load' again");
        break;
    case SQLITE_FULL:
        ws_err_set(err, code, "the disk is full while writing '%s'", path);
        ws_err_hint(err, "free some space or choose another output folder");
        break;
    case SQLITE_IOERR:
        ws_err_set(err, code, "cannot read or write '%s'", path);
        break;
    case SQLITE_READONLY:
        ws_err_set(err, code, "'%s' is read-only", path);
        break;
    case SQLITE_CONSTRAINT:
        ws_err_set(err, code, "a database constraint failed in '%s'", path);
        break;
    default:
        ws_err_set(err, code, "database operation failed on '%s'", path);
        break;
    }
    return code;
}

bool ws_db_last_error_is_constraint(const struct ws_db *db)
{
    return db && (db->last_rc & 0xff) == SQLITE_CONSTRAINT;
}

/* Makes the file with O_EXCL so an existing file is never reused; a private
 * file gets mode 0600 whatever the umask, others 0666 less the umask. */
static int create_exclusive(const char *path, bool private_file, struct ws_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_file ? 0600 : 0666);

    if (fd < 0) {
        int e = errno;
        if (e == EEXIST) {
            ws_err_set(err, WS_ECANTCREAT, "cannot create '%s': the file already exists", path);
            ws_err_hint(err, "remove it or choose another output folder");
        } else {
            ws_err_set(err, WS_ECANTCREAT, "cannot create '%s'", path);
            ws_err_cause(err, "%s", strerror(e));
            ws_err_hint(err, "check that the folder exists and is writable");
        }
        return WS_ECANTCREAT;
    }
    int e = private_file && fchmod(fd, 0600) != 0 ? errno : 0;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        (void)unlink(path);
        ws_err_set(err, WS_ECANTCREAT, "cannot create '%s'", path);
        ws_err_cause(err, "%s", strerror(e));
        return WS_ECANTCREAT;
    }
    return WS_OK;
}

static int check_existing(const char *path, struct ws_err *err)
{
    struct stat sb;

    if (stat(path, &sb) != 0) {
        int e = errno;
        ws_err_set(err, WS_ENOINPUT, "cannot open '%s'", path);
        ws_err_cause(err, "%s", strerror(e));
        ws_err_hint(err, "check the path and that the file is readable");
        return WS_ENOINPUT;
    }
    if (S_ISDIR(sb.st_mode)) {
        ws_err_set(err, WS_ENOINPUT, "cannot open '%s': it is a folder, not a file", path);
        ws_err_hint(err, "give the path of the database file");
        return WS_ENOINPUT;
    }
    return WS_OK;
}

/* Prepares the file for `mode` and returns the sqlite3_open_v2 flags in
 * *flags; *created says whether a new file was made. */
static int open_flags(const char *path, enum ws_db_mode mode, int *flags, bool *created,
                      struct ws_err *err)
{
    int rc = WS_OK;

    *created = false;
    switch (mode) {
    case WS_DB_MEMORY:
        *flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
        break;
    case WS_DB_CREATE:
    case WS_DB_CREATE_PRIVATE:
        rc = create_exclusive(path, mode == WS_DB_CREATE_PRIVATE, err);
        *created = rc == WS_OK;
        *flags = SQLITE_OPEN_READWRITE;
        break;
    case WS_DB_READ:
    case WS_DB_WRITE:
        rc = check_existing(path, err);
        *flags = mode == WS_DB_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        break;
    }
    *flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    return rc;
}

int ws_db_open(const char *path, enum ws_db_mode mode, struct ws_db **out, struct ws_err *err)
{
    struct ws_db *db = NULL;
    bool created = false;
    int flags = 0;
    int rc;

    *out = NULL;
    rc = open_flags(path, mode, &flags, &created, err);
    if (rc)
        goto out;
    db = ws_xcalloc(1, sizeof(*db));
    db->path = ws_xstrdup(path ? path : ":memory:");
    rc = sqlite3_open_v2(mode == WS_DB_MEMORY ? ":memory:" : path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        enum ws_status code =
            mode == WS_DB_READ || mode == WS_DB_WRITE ? WS_ENOINPUT : WS_ECANTCREAT;
        ws_err_set(err, code, "cannot open '%s'", db->path);
        ws_err_cause(err, "%s", db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        ws_err_hint(err, code == WS_ECANTCREAT ? "check that the folder is writable"
                                               : "check the path and that the file is readable");
        rc = code;
        goto out;
    }
    (void)sqlite3_extended_result_codes(db->h, 1);
    db->splite = spatialite_alloc_connection();
    spatialite_init_ex(db->h, db->splite, 0);

    // one bulk load on a fresh file that is renamed only after COMMIT
    if (mode == WS_DB_CREATE || mode == WS_DB_CREATE_PRIVATE || mode == WS_DB_MEMORY)
        rc = ws_db_exec(db,
                        "PRAGMA journal_mode = MEMORY;"
                        "PRAGMA synchronous = OFF;"
                        "PRAGMA temp_store = MEMORY;"
                        "PRAGMA cache_size = -65536;",
                        err);
out:
    if (rc) {
        ws_db_close(db);
        db = NULL;
        if (created)
            (void)unlink(path);
    }
    *out = db;
    return rc;
}

void ws_db_close(struct ws_db *db)
{
    if (!db)
        return;
    if (db->h && sqlite3_close(db->h) != SQLITE_OK)
        WS_BUG("database closed with statements still open");
    if (db->splite)
        spatialite_cleanup_ex(db->splite);
    free(db->path);
    free(db);
}

int ws_db_exec(struct ws_db *db, const char *sql, struct ws_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        // sqlite3_exec's message is the one for the failing statement
        if (err && err->code == WS_OK && msg)
            ws_err_cause(err, "%s (in: %.160s%s)", msg, sql, strlen(sql) > 160 ? "..." : "");
        rc = db_fail(db, rc, sql, err);
    }
    sqlite3_free(msg);
    return rc;
}

int ws_db_prepare(struct ws_db *db, const char *sql, struct ws_stmt **out, struct ws_err *err)
{
    sqlite3_stmt *h = NULL;
    int rc;

    *out = NULL;
    rc = sqlite3_prepare_v2(db->h, sql, -1, &h, NULL);
    if (rc != SQLITE_OK)
        return db_fail(db, rc, sql, err);
    if (!h)
        return ws_err_set(err, WS_EINTERNAL, "empty SQL statement");
    *out = ws_xmalloc(sizeof(**out));
    (*out)->h = h;
    (*out)->db = db;
    return WS_OK;
}

void ws_stmt_finalize(struct ws_stmt *st)
{
    if (!st)
        return;
    (void)sqlite3_finalize(st->h);
    free(st);
}

static int bind_result(struct ws_stmt *st, int rc, struct ws_err *err)
{
    if (rc == SQLITE_OK)
        return WS_OK;
    return db_fail(st->db, rc, sqlite3_sql(st->h), err);
}

int ws_stmt_bind_text(struct ws_stmt *st, int i, const char *s, struct ws_err *err)
{
    if (!s)
        return bind_result(st, sqlite3_bind_null(st->h, i), err);
    return bind_result(st, sqlite3_bind_text(st->h, i, s, -1, SQLITE_TRANSIENT), err);
}

int ws_stmt_bind_text_nocopy(struct ws_stmt *st, int i, const char *s, struct ws_err *err)
{
    if (!s)
        return bind_result(st, sqlite3_bind_null(st->h, i), err);
    // SQLITE_STATIC: valid until rebound; ws_stmt_reset rebinds all to NULL
    return bind_result(st, sqlite3_bind_text(st->h, i, s, -1, SQLITE_STATIC), err);
}

int ws_stmt_bind_int(struct ws_stmt *st, int i, int64_t v, struct ws_err *err)
{
    return bind_result(st, sqlite3_bind_int64(st->h, i, (sqlite3_int64)v), err);
}

int ws_stmt_bind_double(struct ws_stmt *st, int i, double v, struct ws_err *err)
{
    if (isnan(v))
        return bind_result(st, sqlite3_bind_null(st->h, i), err);
    return bind_result(st, sqlite3_bind_double(st->h, i, v), err);
}

int ws_stmt_bind_null(struct ws_stmt *st, int i, struct ws_err *err)
{
    return bind_result(st, sqlite3_bind_null(st->h, i), err);
}

int ws_stmt_bind_blob(struct ws_stmt *st, int i, const void *p, size_t n, struct ws_err *err)
{
    if (!p)
        return bind_result(st, sqlite3_bind_null(st->h, i), err);
    return bind_result(st, sqlite3_bind_blob64(st->h, i, p, (sqlite3_uint64)n, SQLITE_TRANSIENT),
                       err);
}

int ws_stmt_step(struct ws_stmt *st, struct ws_err *err)
{
    int rc = sqlite3_step(st->h);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return -db_fail(st->db, rc, sqlite3_sql(st->h), err);
}

void ws_stmt_reset(struct ws_stmt *st)
{
    if (!st)
        return;
    // the step's error, if any, was reported already
    (void)sqlite3_reset(st->h);
    (void)sqlite3_clear_bindings(st->h);
}

bool ws_stmt_column_is_null(struct ws_stmt *st, int i)
{
    return sqlite3_column_type(st->h, i) == SQLITE_NULL;
}

const char *ws_stmt_column_text(struct ws_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st->h, i);
}

int64_t ws_stmt_column_int(struct ws_stmt *st, int i)
{
    return (int64_t)sqlite3_column_int64(st->h, i);
}

double ws_stmt_column_double(struct ws_stmt *st, int i)
{
    if (sqlite3_column_type(st->h, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st->h, i);
}

const void *ws_stmt_column_blob(struct ws_stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(st->h, i);
    int len = sqlite3_column_bytes(st->h, i);

    if (n)
        *n = p && len > 0 ? (size_t)len : 0;
    return p;
}

int64_t ws_db_changes(struct ws_db *db)
{
    return (int64_t)sqlite3_changes64(db->h);
}
