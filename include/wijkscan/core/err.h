/*
 * err.h - status codes and the caller-owned error record.
 *
 * Every function that can fail returns an `int` status (WS_OK == 0) and fills a
 * `struct ws_err` that the caller owns (usually on the stack in main).  The first
 * error wins: later ws_err_set() calls on an already-set error do not overwrite it,
 * so the innermost, most precise message survives (SQLite parse-context style).
 * Only main prints errors; the exit code comes from ws_status_exit_code().
 */
#ifndef WIJKSCAN_ERR_H
#define WIJKSCAN_ERR_H

#include <stdarg.h>

/* XX(name, exit code, description).  Exit codes follow sysexits(3) as the
 * contract fixes them: 64 usage, 65 bad input data, 66 input missing,
 * 70 internal error, 73 cannot create output, 74 I/O error. */
#define WS_STATUS_MAP(XX)                                                                          \
    XX(OK, 0, "ok")                                                                                \
    XX(EUSAGE, 64, "usage error")                                                                  \
    XX(EDATA, 65, "bad input data")                                                                \
    XX(ENOINPUT, 66, "input missing or unreadable")                                                \
    XX(EINTERNAL, 70, "internal error")                                                            \
    XX(ECANTCREAT, 73, "cannot create output")                                                     \
    XX(EIO, 74, "input/output error")

enum ws_status {
#define WS_STATUS_ENUM_(name, code, desc) WS_##name,
    WS_STATUS_MAP(WS_STATUS_ENUM_)
#undef WS_STATUS_ENUM_
};

#define WS_ERR_TEXT 2048

struct ws_err {
    enum ws_status code;     /* WS_OK while no error is set */
    char what[WS_ERR_TEXT];  /* what is wrong, lower-case, no full stop */
    char where[WS_ERR_TEXT]; /* FILE[:LINE][, column 'C'] or feature id */
    char cause[WS_ERR_TEXT]; /* library text, if any */
    char hint[WS_ERR_TEXT];  /* how to fix it */
};

#define WS_ERR_INIT                                                                                \
    {                                                                                              \
        WS_OK, "", "", "", ""                                                                      \
    }

#if defined(__GNUC__)
#define WS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define WS_PRINTF(a, b)
#endif

/* Sets code and message unless an error is already set.  Returns the error's
 * code (the new one, or the one already there), so failing paths read
 * `return ws_err_set(err, WS_EDATA, "...")`.  err may be NULL. */
int ws_err_set(struct ws_err *err, enum ws_status code, const char *fmt, ...) WS_PRINTF(3, 4);

/* Fill the where/hint/cause fields, only if still empty (first wins). */
void ws_err_where(struct ws_err *err, const char *fmt, ...) WS_PRINTF(2, 3);
void ws_err_hint(struct ws_err *err, const char *fmt, ...) WS_PRINTF(2, 3);
void ws_err_cause(struct ws_err *err, const char *fmt, ...) WS_PRINTF(2, 3);

/* Resets err to WS_ERR_INIT. */
void ws_err_clear(struct ws_err *err);

/* Name ("EDATA"), description and process exit code of a status. */
const char *ws_status_name(int code);
const char *ws_status_desc(int code);
int ws_status_exit_code(int code);

/* WS_BUG: an internal invariant that must hold in release builds too; prints
 * and aborts.  Never used for user input. */
#define WS_BUG(msg) ws_bug_(__FILE__, __LINE__, (msg))
_Noreturn void ws_bug_(const char *file, int line, const char *msg);

#endif
