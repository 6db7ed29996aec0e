/*
 * strbuf.h - growable strings (git strbuf design).
 *
 * Invariants: `buf` is never NULL and always NUL-terminated; `len` is the string
 * length; `alloc` is 0 while `buf` points at a shared empty string.  A strbuf can
 * live on the stack: `struct ws_strbuf sb = WS_STRBUF_INIT;`.
 */
#ifndef WIJKSCAN_STRBUF_H
#define WIJKSCAN_STRBUF_H

#include "wijkscan/core/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct ws_strbuf {
    char *buf;
    size_t len;
    size_t alloc;
};

extern char ws_strbuf_empty_[1];
#define WS_STRBUF_INIT                                                                             \
    {                                                                                              \
        ws_strbuf_empty_, 0, 0                                                                     \
    }

void ws_strbuf_init(struct ws_strbuf *sb);
/* Frees the contents and re-initialises; safe on an initialised buffer. */
void ws_strbuf_release(struct ws_strbuf *sb);
/* Empties the string, keeping the allocation. */
void ws_strbuf_reset(struct ws_strbuf *sb);
void ws_strbuf_grow(struct ws_strbuf *sb, size_t extra);
void ws_strbuf_add(struct ws_strbuf *sb, const void *data, size_t len);
void ws_strbuf_adds(struct ws_strbuf *sb, const char *s);
void ws_strbuf_addch(struct ws_strbuf *sb, char c);
void ws_strbuf_addf(struct ws_strbuf *sb, const char *fmt, ...) WS_PRINTF(2, 3);
void ws_strbuf_vaddf(struct ws_strbuf *sb, const char *fmt, va_list ap);
/* Returns the owned string (free with free()) and re-initialises sb. */
char *ws_strbuf_detach(struct ws_strbuf *sb);
/* Appends s as one CSV field (RFC 4180: quoted, with doubled quotes, when it
 * holds ',', '"', CR or LF); NULL appends nothing. */
void ws_strbuf_add_csv(struct ws_strbuf *sb, const char *s);
/* The same for a file separated by `sep`: quoted when s holds sep, ',',
 * '"' or a line break (NULL appends nothing). */
void ws_strbuf_add_csv_sep(struct ws_strbuf *sb, const char *s, char sep);
/* Appends s escaped for XML/HTML text (&, <, >); with attr, '"' too, for
 * attribute values.  NULL appends nothing. */
void ws_strbuf_add_xml(struct ws_strbuf *sb, const char *s, bool attr);
/* Appends s as a JSON string (quoted and escaped; UTF-8 passes through);
 * NULL appends null. */
void ws_strbuf_add_json(struct ws_strbuf *sb, const char *s);

/* JSON written piece by piece into a strbuf (statistics.json, the manifest).
 * ws_json_sep appends a comma unless the last character written opens an
 * object or array, so members and elements can be appended in a loop; the
 * other calls write their own separator first. */
void ws_json_sep(struct ws_strbuf *sb);
/* "key": */
void ws_json_key(struct ws_strbuf *sb, const char *key);
/* The shortest of %.15g, %.16g and %.17g that reads back as v (exact, and
 * "0.05" rather than "0.050000000000000003"); NaN and infinities as null. */
void ws_json_num(struct ws_strbuf *sb, double v);
/* "key":number, "key":size, "key":"string" (NULL: null), and one string
 * element of an array. */
void ws_json_knum(struct ws_strbuf *sb, const char *key, double v);
void ws_json_ksize(struct ws_strbuf *sb, const char *key, size_t v);
void ws_json_kstr(struct ws_strbuf *sb, const char *key, const char *v);
void ws_json_elem_str(struct ws_strbuf *sb, const char *v);

#endif
