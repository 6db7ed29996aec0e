/*
 * log.c - log levels, terminal-only progress lines and counted warnings.
 *
 * Messages carry codes, counts and file positions only: never a value from a
 * case table, so nothing personal can reach a log.
 */
#include "wijkscan/core/log.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static enum ws_log_level log_level = WS_LOG_NORMAL;
static bool progress_forced;
static bool progress_showing;
static struct ws_strbuf *captured;

void ws_log_set_level(enum ws_log_level level)
{
    log_level = level;
}

enum ws_log_level ws_log_get_level(void)
{
    return log_level;
}

void ws_log_force_progress(bool on)
{
    progress_forced = on;
}

void ws_log_capture(struct ws_strbuf *sb)
{
    captured = sb;
}

void ws_log_replay(const char *text, size_t len)
{
    if (!len)
        return;
    ws_log_progress_done();
    (void)fwrite(text, 1, len, stderr);
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
    if (captured) {
        ws_strbuf_adds(captured, prefix);
        ws_strbuf_vaddf(captured, fmt, ap);
        ws_strbuf_addch(captured, '\n');
        return;
    }
    ws_log_progress_done();
    (void)fputs(prefix, stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
}

void ws_log_info(const char *fmt, ...)
{
    va_list ap;
    if (log_level < WS_LOG_NORMAL)
        return;
    va_start(ap, fmt);
    vline("wijkscan: ", fmt, ap);
    va_end(ap);
}

void ws_log_verbose(const char *fmt, ...)
{
    va_list ap;
    if (log_level < WS_LOG_VERBOSE)
        return;
    va_start(ap, fmt);
    vline("wijkscan: ", fmt, ap);
    va_end(ap);
}

void ws_log_progress(const char *fmt, ...)
{
    va_list ap;
    if (log_level < WS_LOG_NORMAL || captured)
        return;
    if (!progress_forced && !isatty(STDERR_FILENO))
        return;
    va_start(ap, fmt);
    (void)fputs("\rwijkscan: ", stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputs("\033[K", stderr);
    va_end(ap);
    (void)fflush(stderr);
    progress_showing = true;
}

void ws_log_progress_done(void)
{
    if (!progress_showing)
        return;
    (void)fputc('\n', stderr);
    progress_showing = false;
}

void ws_warnings_add(struct ws_warnings *w, const char *fmt, ...)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    ws_strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    WS_VEC_GROW(w->msg, w->n + 1, w->cap);
    w->msg[w->n++] = ws_strbuf_detach(&sb);
}

void ws_warnings_release(struct ws_warnings *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->msg[i]);
    free(w->msg);
    w->msg = NULL;
    w->n = 0;
    w->cap = 0;
}

void ws_warnings_print(const struct ws_warnings *w, size_t max_shown)
{
    if (!w || log_level < WS_LOG_NORMAL)
        return;
    ws_log_progress_done();
    for (size_t i = 0; i < w->n && i < max_shown; i++)
        (void)fprintf(stderr, "wijkscan: warning: %s\n", w->msg[i]);
    if (w->n > max_shown)
        (void)fprintf(stderr, "wijkscan: warning: ... and %zu more (see the run record)\n",
                      w->n - max_shown);
}
