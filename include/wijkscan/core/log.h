/*
 * log.h - levels, progress lines and the counted warning list.
 *
 * Diagnostics go to stderr.  Progress lines are shown only when stderr is a
 * terminal (or when forced for tests) and never at the quiet level.  Nothing
 * personal is ever logged: callers pass codes, counts and file positions only.
 */
#ifndef WIJKSCAN_LOG_H
#define WIJKSCAN_LOG_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

enum ws_log_level {
    WS_LOG_QUIET = 0,   /* errors only */
    WS_LOG_NORMAL = 1,  /* plus warnings and a summary */
    WS_LOG_VERBOSE = 2, /* plus stage details */
};

void ws_log_set_level(enum ws_log_level level);
enum ws_log_level ws_log_get_level(void);
/* Forces progress output even when stderr is not a terminal. */
void ws_log_force_progress(bool on);

/* A line at normal level ("wijkscan: ..."). */
void ws_log_info(const char *fmt, ...) WS_PRINTF(1, 2);
/* A line at verbose level. */
void ws_log_verbose(const char *fmt, ...) WS_PRINTF(1, 2);
/* A transient progress line (terminal only, overwritten with \r). */
void ws_log_progress(const char *fmt, ...) WS_PRINTF(1, 2);
/* Ends a progress line, if one is showing. */
void ws_log_progress_done(void);

struct ws_strbuf;
/* In a worker process (see jobs.h): lines go into sb instead of stderr and
 * progress lines are dropped; NULL sends them to stderr again. */
void ws_log_capture(struct ws_strbuf *sb);
/* Writes len bytes of lines that a worker captured to stderr. */
void ws_log_replay(const char *text, size_t len);

/* Counted warnings: data-quality problems that still allow a result. */
struct ws_warnings {
    char **msg;
    size_t n;
    size_t cap;
};
#define WS_WARNINGS_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void ws_warnings_add(struct ws_warnings *w, const char *fmt, ...) WS_PRINTF(2, 3);
void ws_warnings_release(struct ws_warnings *w);
/* Prints the first `max_shown` warnings as "wijkscan: warning: ..." plus
 * "wijkscan: warning: ... and N more" (not at the quiet level). */
void ws_warnings_print(const struct ws_warnings *w, size_t max_shown);

#endif
