/*
 * strbuf.c - growable strings (see strbuf.h).
 */
#include "wijkscan/strbuf.h"

#include "wijkscan/mem.h"

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
    if (!s) {
        ws_strbuf_adds(sb, "null");
        return;
    }
    ws_strbuf_addch(sb, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            ws_strbuf_addf(sb, "\\%c", ch);
        else if (ch == '\n')
            ws_strbuf_adds(sb, "\\n");
        else if (ch == '\t')
            ws_strbuf_adds(sb, "\\t");
        else if (ch < 0x20)
            ws_strbuf_addf(sb, "\\u%04x", ch);
        else
            ws_strbuf_addch(sb, (char)ch);
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
