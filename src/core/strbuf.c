/*
 * strbuf.c - growable strings (see strbuf.h).
 */
#include "wijkscan/core/strbuf.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char ws_strbuf_empty_[1];

void ws_strbuf_init(struct ws_strbuf *sb)
{
    sb->buf = ws_strbuf_empty_;
    sb->len = 0;
    sb->alloc = 0;
}

void ws_strbuf_release(struct ws_strbuf *sb)
{
    if (!sb)
        return;
    if (sb->alloc)
        free(sb->buf);
    ws_strbuf_init(sb);
}

void ws_strbuf_reset(struct ws_strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = '\0';
}

void ws_strbuf_grow(struct ws_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return;
    size_t cap = sb->alloc ? sb->alloc : 64;
    while (cap < need)
        cap = ws_st_mult(cap, 2);
    if (sb->alloc) {
        sb->buf = ws_xrealloc(sb->buf, cap);
    } else {
        sb->buf = ws_xmalloc(cap);
        sb->buf[0] = '\0';
    }
    sb->alloc = cap;
}

void ws_strbuf_add(struct ws_strbuf *sb, const void *data, size_t len)
{
    ws_strbuf_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void ws_strbuf_adds(struct ws_strbuf *sb, const char *s)
{
    ws_strbuf_add(sb, s, strlen(s));
}

void ws_strbuf_addch(struct ws_strbuf *sb, char c)
{
    ws_strbuf_add(sb, &c, 1);
}

void ws_strbuf_vaddf(struct ws_strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    ws_strbuf_grow(sb, (size_t)n);
    (void)vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void ws_strbuf_addf(struct ws_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ws_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *ws_strbuf_detach(struct ws_strbuf *sb)
{
    char *s = sb->alloc ? sb->buf : ws_xstrdup("");
    ws_strbuf_init(sb);
    return s;
}

void ws_strbuf_add_csv(struct ws_strbuf *sb, const char *s)
{
    ws_strbuf_add_csv_sep(sb, s, ',');
}

void ws_strbuf_add_csv_sep(struct ws_strbuf *sb, const char *s, char sep)
{
    const char specials[] = {sep, ',', '"', '\r', '\n', '\0'};

    if (!s)
        return;
    if (!s[strcspn(s, specials)]) {
        ws_strbuf_adds(sb, s);
        return;
    }
    ws_strbuf_addch(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            ws_strbuf_addch(sb, '"');
        ws_strbuf_addch(sb, *s);
    }
    ws_strbuf_addch(sb, '"');
}

void ws_strbuf_add_json(struct ws_strbuf *sb, const char *s)
{
    const unsigned char *p;

    if (!s) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    ws_strbuf_addch(sb, '"');
    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            ws_strbuf_adds(sb, "\\\"");
            break;
        case '\\':
            ws_strbuf_adds(sb, "\\\\");
            break;
        case '\n':
            ws_strbuf_adds(sb, "\\n");
            break;
        case '\r':
            ws_strbuf_adds(sb, "\\r");
            break;
        case '\t':
            ws_strbuf_adds(sb, "\\t");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                ws_strbuf_addf(sb, "\\u%04x", *p);
            else
                ws_strbuf_addch(sb, (char)*p);
        }
    }
    ws_strbuf_addch(sb, '"');
}

void ws_strbuf_add_xml(struct ws_strbuf *sb, const char *s, bool attr)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            ws_strbuf_adds(sb, "&amp;");
            break;
        case '<':
            ws_strbuf_adds(sb, "&lt;");
            break;
        case '>':
            ws_strbuf_adds(sb, "&gt;");
            break;
        case '"':
            ws_strbuf_adds(sb, attr ? "&quot;" : "\"");
            break;
        default:
            ws_strbuf_addch(sb, *s);
        }
    }
}

/* A comma unless the last character written opens an object or array
 * (entries that start on a new line write the newline after the comma). */
void ws_json_sep(struct ws_strbuf *sb)
{
    char last = '{';

    if (sb->len)
        last = sb->buf[sb->len - 1];
    if (last != '{' && last != '[')
        ws_strbuf_addch(sb, ',');
}

void ws_json_key(struct ws_strbuf *sb, const char *key)
{
    ws_json_sep(sb);
    ws_strbuf_add_json(sb, key);
    ws_strbuf_addch(sb, ':');
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v: exact, and
 * "0.05" rather than "0.050000000000000003".  NaN and infinities: null. */
void ws_json_num(struct ws_strbuf *sb, double v)
{
    char buf[40];
    int prec;

    if (!isfinite(v)) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    for (prec = 15; prec < 17; prec++) {
        (void)snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (prec == 17)
        (void)snprintf(buf, sizeof(buf), "%.17g", v);
    ws_strbuf_adds(sb, buf);
}

void ws_json_knum(struct ws_strbuf *sb, const char *key, double v)
{
    ws_json_key(sb, key);
    ws_json_num(sb, v);
}

void ws_json_ksize(struct ws_strbuf *sb, const char *key, size_t v)
{
    ws_json_key(sb, key);
    ws_strbuf_addf(sb, "%zu", v);
}

void ws_json_kstr(struct ws_strbuf *sb, const char *key, const char *v)
{
    ws_json_key(sb, key);
    ws_strbuf_add_json(sb, v);
}

void ws_json_elem_str(struct ws_strbuf *sb, const char *v)
{
    ws_json_sep(sb);
    ws_strbuf_add_json(sb, v);
}
