/*
 * err.c - the caller-owned error record (see err.h).
 */
#include "wijkscan/core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void vfill(char *dst, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(dst, size, fmt, ap);
    if (n < 0)
        dst[0] = '\0';
}

int ws_err_set(struct ws_err *err, enum ws_status code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    if (err->code != WS_OK)
        return err->code;
    err->code = code;
    va_start(ap, fmt);
    vfill(err->what, sizeof(err->what), fmt, ap);
    va_end(ap);
    return code;
}

#define WS_ERR_FIELD_SETTER(fn, field)                                                             \
    void fn(struct ws_err *err, const char *fmt, ...)                                              \
    {                                                                                              \
        va_list ap;                                                                                \
        if (!err || err->field[0] != '\0')                                                         \
            return;                                                                                \
        va_start(ap, fmt);                                                                         \
        vfill(err->field, sizeof(err->field), fmt, ap);                                            \
        va_end(ap);                                                                                \
    }

WS_ERR_FIELD_SETTER(ws_err_where, where)
WS_ERR_FIELD_SETTER(ws_err_hint, hint)
WS_ERR_FIELD_SETTER(ws_err_cause, cause)

void ws_err_clear(struct ws_err *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->code = WS_OK;
}

const char *ws_status_name(int code)
{
    switch (code) {
#define WS_STATUS_NAME_(name, num, desc)                                                           \
    case WS_##name:                                                                                \
        return #name;
        WS_STATUS_MAP(WS_STATUS_NAME_)
#undef WS_STATUS_NAME_
    default:
        return "UNKNOWN";
    }
}

const char *ws_status_desc(int code)
{
    switch (code) {
#define WS_STATUS_DESC_(name, num, desc)                                                           \
    case WS_##name:                                                                                \
        return desc;
        WS_STATUS_MAP(WS_STATUS_DESC_)
#undef WS_STATUS_DESC_
    default:
        return "unknown error";
    }
}

int ws_status_exit_code(int code)
{
    switch (code) {
#define WS_STATUS_EXIT_(name, num, desc)                                                           \
    case WS_##name:                                                                                \
        return num;
        WS_STATUS_MAP(WS_STATUS_EXIT_)
#undef WS_STATUS_EXIT_
    default:
        return 70;
    }
}

void ws_bug_(const char *file, int line, const char *msg)
{
    (void)fprintf(stderr, "wijkscan: BUG: %s:%d: %s\n", file, line, msg);
    abort();
}
