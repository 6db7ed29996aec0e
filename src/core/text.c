/*
 * text.c - small text helpers for reading Dutch tables (see text.h).
 *
 * Invariants: nothing here depends on the C library's locale other than the
 * "C" LC_NUMERIC that strtod() sees (nobody calls setlocale), and nothing
 * allocates except ws_cp1252_to_utf8().  Numbers are normalised into a small
 * copy ('.' as decimal point, thousands separators removed) and then handed to
 * strtod() with end-pointer, errno and isfinite() checks.
 *
 * Decimal-separator rules (the table in text.h gives examples):
 *   GUESS   "12,5" / "12.5" one separator    -> the decimal separator
 *           "1.234,5" / "1,234.5"            -> thousands, then decimals
 *           "1.234.567" one kind, used twice -> thousands (groups of three)
 *   EITHER  as GUESS, but a lone separator after 1-3 digits (not starting
 *           with 0) and before exactly three is ambiguous: refused
 *   COMMA   at most one ',' (decimal); '.' only in d{1,3}(.ddd)+ before it
 *   POINT   at most one '.' (decimal), or one ',' that is not ambiguous
 * Thousands groups must be well formed: 1-3 leading digits, then groups of
 * exactly three.  A value refused by its convention but read by GUESS is
 * WS_NUM_CONVENTION (it is a number, written for another file), else
 * WS_NUM_INVALID.
 */
#include "wijkscan/core/text.h"

#include "wijkscan/core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

char *ws_trim(char *s)
{
    size_t start = 0;
    size_t len;

    if (!s)
        return s;
    len = strlen(s);
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        start = 3;
    while (start < len && is_space((unsigned char)s[start]))
        start++;
    while (len > start && is_space((unsigned char)s[len - 1]))
        len--;
    if (start > 0)
        memmove(s, s + start, len - start);
    s[len - start] = '\0';
    return s;
}

/* Length of the well-formed UTF-8 sequence at s (lead byte >= 0x80), or 0:
 * no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    uint32_t cp;
    size_t n;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0; // continuation byte, overlong 2-byte lead, or > U+10FFFF
    }
    for (size_t i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; // also catches the terminating NUL
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0; // overlong or out of range
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0; // UTF-16 surrogate
    return n + 1;
}

bool ws_utf8_valid(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    if (!s)
        return false;
    while (*s) {
        size_t n = *s < 0x80 ? 1 : utf8_seq_len(s);
        if (n == 0)
            return false;
        s += n;
    }
    return true;
}

/* Windows-1252 0x80-0x9F.  The five undefined bytes (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) map to the C1 controls of the same value, as the WHATWG encoding
 * standard does. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, // 88-8F
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, // 98-9F
};

char *ws_cp1252_to_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    char *out;
    size_t o = 0;

    if (!s)
        return NULL;
    // every byte becomes at most three UTF-8 bytes
    out = ws_xmalloc(ws_st_mult(strlen(str), 3) + 1);
    for (; *s; s++) {
        uint32_t cp = *s;
        if (cp >= 0x80 && cp <= 0x9F)
            cp = cp1252_high[cp - 0x80];
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    return out;
}

bool ws_utf16_bom(const unsigned char *buf, size_t len)
{
    return len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF));
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *ws_utf16_to_utf8(const unsigned char *buf, size_t len, size_t *out_len)
{
    bool be = len >= 2 && buf[0] == 0xFE && buf[1] == 0xFF;
    size_t i = ws_utf16_bom(buf, len) ? 2 : 0;
    // a UTF-16 unit becomes at most three UTF-8 bytes (a pair: four)
    char *out = ws_xmalloc(ws_st_mult(len / 2 + 1, 3) + 1);
    size_t o = 0;

    for (; i + 1 < len; i += 2) {
        uint32_t u =
            be ? (uint32_t)(buf[i] << 8 | buf[i + 1]) : (uint32_t)(buf[i + 1] << 8 | buf[i]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            uint32_t lo = be ? (uint32_t)(buf[i + 2] << 8 | buf[i + 3])
                             : (uint32_t)(buf[i + 3] << 8 | buf[i + 2]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                o += put_utf8(out + o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        if ((u >= 0xD800 && u <= 0xDFFF) || u == 0)
            u = 0xFFFD;
        o += put_utf8(out + o, u);
    }
    if (i < len)
        o += put_utf8(out + o, 0xFFFD);
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* The bounds [*b, *e) of s without surrounding white space (and BOM). */
static void trimmed_bounds(const char *s, const char **b, const char **e)
{
    const char *p = s;
    const char *q;

    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (*p && is_space((unsigned char)*p))
        p++;
    q = p + strlen(p);
    while (q > p && is_space((unsigned char)q[-1]))
        q--;
    *b = p;
    *e = q;
}

static bool span_equals(const char *b, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - b) == n && memcmp(b, lit, n) == 0;
}

bool ws_is_nodata(const char *s)
{
    const char *b;
    const char *e;

    if (!s)
        return true;
    trimmed_bounds(s, &b, &e);
    return b == e || span_equals(b, e, ".") || span_equals(b, e, "-99999999") ||
           span_equals(b, e, "-99999997");
}

/* True if digits [b, e) interrupted by `sep` form valid thousands groups: 1-3
 * digits, then groups of exactly three.  A span without `sep` is fine. */
static bool thousands_ok(const char *b, const char *e, char sep)
{
    size_t run = 0;
    bool first = true;

    for (const char *p = b; p < e; p++) {
        if (*p == sep) {
            if ((first && (run < 1 || run > 3)) || (!first && run != 3))
                return false;
            first = false;
            run = 0;
        } else {
            run++;
        }
    }
    return first || run == 3;
}

/* True if [b, e) is exactly d{1,3}(<sep>ddd)+ with a first digit other than
 * '0': the only shape a thousands separator may have in COMMA files. */
static bool strict_thousands(const char *b, const char *e, char sep)
{
    return e > b && *b != '0' && memchr(b, sep, (size_t)(e - b)) && thousands_ok(b, e, sep);
}

/* True if [b, e) (digits only around one separator at `sep`) could mean a
 * decimal separator as well as a thousands one: 1-3 digits, the first not
 * '0', then exactly three ("1.000", "12,663"). */
static bool ambiguous_single(const char *b, const char *sep, const char *e)
{
    return sep - b >= 1 && sep - b <= 3 && *b != '0' && e - sep == 4;
}

/* The separators in a mantissa. */
struct separators {
    size_t n_dot;
    size_t n_comma;
    const char *last_dot;
    const char *last_comma;
};

/* Checks the characters of [b, e) and finds where the exponent starts
 * (*mant_end; e if none).  Digits, '.', ',', signs and 'e' only: no hex, inf,
 * nan, spaces or currency signs, and no separators in the exponent. */
static bool number_chars_ok(const char *b, const char *e, const char **mant_end)
{
    *mant_end = e;
    for (const char *p = b; p < e; p++) {
        char c = *p;
        if (!(is_digit(c) || c == '.' || c == ',' || c == '+' || c == '-' || c == 'e' || c == 'E'))
            return false;
        if ((c == 'e' || c == 'E') && *mant_end == e)
            *mant_end = p;
    }
    for (const char *p = *mant_end; p < e; p++) {
        if (*p == '.' || *p == ',')
            return false;
    }
    return true;
}

/* Counts the separators in the unsigned mantissa [b, e); false if it holds
 * anything but digits and separators. */
static bool count_separators(const char *b, const char *e, struct separators *sep)
{
    memset(sep, 0, sizeof(*sep));
    for (const char *p = b; p < e; p++) {
        if (*p == '.') {
            sep->n_dot++;
            sep->last_dot = p;
        } else if (*p == ',') {
            sep->n_comma++;
            sep->last_comma = p;
        } else if (!is_digit(*p)) {
            return false;
        }
    }
    return true;
}

/* The GUESS rules: decides which separator groups thousands (*thousands, '\0'
 * if none) and where the decimal separator is (*dec, NULL if none). */
static bool choose_guess(const struct separators *sep, char *thousands, const char **dec)
{
    if (sep->n_dot && sep->n_comma) {
        if (sep->n_comma == 1 && sep->last_comma > sep->last_dot) {
            *thousands = '.';
            *dec = sep->last_comma;
        } else if (sep->n_dot == 1 && sep->last_dot > sep->last_comma) {
            *thousands = ',';
            *dec = sep->last_dot;
        } else {
            return false;
        }
    } else if (sep->n_dot > 1) {
        *thousands = '.';
    } else if (sep->n_comma > 1) {
        *thousands = ',';
    } else if (sep->n_dot == 1) {
        *dec = sep->last_dot;
    } else if (sep->n_comma == 1) {
        *dec = sep->last_comma;
    }
    return true;
}

/* The COMMA rules: at most one ',' (the decimal comma); '.' only as strict
 * thousands groups before it. */
static bool choose_comma(const struct separators *sep, const char *b, const char *mant_end,
                         char *thousands, const char **dec)
{
    const char *int_e = sep->n_comma ? sep->last_comma : mant_end;

    if (sep->n_comma > 1 || (sep->n_dot && sep->last_dot > int_e))
        return false;
    *dec = sep->n_comma ? sep->last_comma : NULL;
    if (sep->n_dot) {
        if (!strict_thousands(b, int_e, '.'))
            return false;
        *thousands = '.';
    }
    return true;
}

/* The POINT rules: at most one '.' (the decimal point), or one ',' read as a
 * decimal comma when it cannot be a thousands separator. */
static bool choose_point(const struct separators *sep, const char *b, const char *mant_end,
                         const char **dec)
{
    if (sep->n_dot + sep->n_comma > 1)
        return false;
    if (sep->n_comma && ambiguous_single(b, sep->last_comma, mant_end))
        return false;
    *dec = sep->n_dot ? sep->last_dot : sep->last_comma;
    return true;
}

/* Decides, for convention conv, which separator groups thousands
 * (*thousands, '\0' if none) and where the decimal separator is (*dec, NULL
 * if none), for the unsigned mantissa [b, mant_end).  False if the
 * separators break the convention's rules (see text.h). */
static bool choose_separators(enum ws_num_conv conv, const struct separators *sep, const char *b,
                              const char *mant_end, char *thousands, const char **dec)
{
    const char *single;

    *thousands = '\0';
    *dec = NULL;
    switch (conv) {
    case WS_NUM_COMMA:
        return choose_comma(sep, b, mant_end, thousands, dec);
    case WS_NUM_POINT:
        return choose_point(sep, b, mant_end, dec);
    case WS_NUM_EITHER:
        single = sep->n_dot ? sep->last_dot : sep->last_comma;
        if (sep->n_dot + sep->n_comma == 1 && ambiguous_single(b, single, mant_end))
            return false;
        return choose_guess(sep, thousands, dec);
    case WS_NUM_GUESS:
        break;
    }
    return choose_guess(sep, thousands, dec);
}

/* Copies the number in [b, e) into buf (size cap) with '.' as the decimal
 * point and without thousands separators.  Returns false if the separators do
 * not follow the rules of conv or the text is too long. */
static bool normalise_number(const char *b, const char *e, enum ws_num_conv conv, char *buf,
                             size_t cap)
{
    const char *mant_end;
    const char *int_b = b;
    struct separators sep;
    char thousands;
    const char *dec;
    size_t o = 0;

    if ((size_t)(e - b) + 1 > cap || !number_chars_ok(b, e, &mant_end))
        return false;
    if (int_b < mant_end && (*int_b == '+' || *int_b == '-'))
        int_b++;
    if (!count_separators(int_b, mant_end, &sep) ||
        !choose_separators(conv, &sep, int_b, mant_end, &thousands, &dec))
        return false;
    if (thousands && !thousands_ok(int_b, dec ? dec : mant_end, thousands))
        return false;
    if (thousands && dec && !count_separators(dec + 1, mant_end, &sep))
        return false;
    if (thousands && dec && (sep.n_dot || sep.n_comma))
        return false; // no separators after the decimal one
    for (const char *p = b; p < e; p++) {
        char c = *p;
        if (p < mant_end && c == thousands && p != dec)
            continue;
        if (p == dec)
            c = '.';
        buf[o++] = c;
    }
    buf[o] = '\0';
    return true;
}

/* strtod() over a normalised number. */
static enum ws_num_status convert(const char *buf, double *out)
{
    char *end = NULL;
    double v;

    // strtod accepts "1." and ".5"; it also needs at least one digit
    if (!strpbrk(buf, "0123456789"))
        return WS_NUM_INVALID;
    errno = 0;
    v = strtod(buf, &end);
    if (end == buf || *end != '\0')
        return WS_NUM_INVALID;
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return WS_NUM_TOO_LARGE; // overflow; underflow to (near) zero is fine
    *out = v;
    return WS_NUM_OK;
}

enum ws_num_status ws_parse_number_conv(const char *s, enum ws_num_conv conv, double *out)
{
    char buf[128];
    const char *b;
    const char *e;
    double v;
    enum ws_num_status st;

    if (ws_is_nodata(s))
        return WS_NUM_MISSING;
    trimmed_bounds(s, &b, &e);
    if (normalise_number(b, e, conv, buf, sizeof(buf)))
        return convert(buf, out);
    // a number in the GUESS rules is one written in another convention
    if (conv == WS_NUM_GUESS || !normalise_number(b, e, WS_NUM_GUESS, buf, sizeof(buf)))
        return WS_NUM_INVALID;
    st = convert(buf, &v);
    return st == WS_NUM_OK ? WS_NUM_CONVENTION : st;
}

enum ws_num_status ws_parse_number(const char *s, double *out)
{
    return ws_parse_number_conv(s, WS_NUM_GUESS, out);
}

/* True if [b, e) holds only a sign and digits, at least one digit. */
static bool plain_digits(const char *b, const char *e)
{
    const char *p = b;

    if (p < e && (*p == '+' || *p == '-'))
        p++;
    if (p == e)
        return false;
    for (; p < e; p++) {
        if (!is_digit(*p))
            return false;
    }
    return true;
}

enum ws_num_status ws_parse_integer_conv(const char *s, enum ws_num_conv conv, long long *out)
{
    const char *b;
    const char *e;
    double v;
    enum ws_num_status st;

    if (ws_is_nodata(s))
        return WS_NUM_MISSING;
    trimmed_bounds(s, &b, &e);
    if (plain_digits(b, e) && (size_t)(e - b) < 32) {
        // exact, without a detour through double
        char buf[32];
        char *end = NULL;
        long long n;
        memcpy(buf, b, (size_t)(e - b));
        buf[e - b] = '\0';
        errno = 0;
        n = strtoll(buf, &end, 10);
        if (errno == ERANGE)
            return WS_NUM_TOO_LARGE;
        if (*end != '\0')
            return WS_NUM_INVALID;
        *out = n;
        return WS_NUM_OK;
    }
    if (memchr(b, 'e', (size_t)(e - b)) || memchr(b, 'E', (size_t)(e - b))) {
        st = ws_parse_number(s, &v);
        return st == WS_NUM_OK || st == WS_NUM_TOO_LARGE ? WS_NUM_EXPONENT : WS_NUM_INVALID;
    }
    st = ws_parse_number_conv(s, conv, &v);
    if (st != WS_NUM_OK)
        return st;
    if (v != floor(v))
        return WS_NUM_NOT_WHOLE;
    // 2^53: from there on a double no longer holds every whole number, so
    // the text may have been rounded
    if (fabs(v) >= 9007199254740992.0)
        return WS_NUM_TOO_LARGE;
    *out = (long long)v;
    return WS_NUM_OK;
}

enum ws_num_status ws_parse_integer(const char *s, long long *out)
{
    return ws_parse_integer_conv(s, WS_NUM_GUESS, out);
}

const char *ws_num_conv_rule(enum ws_num_conv conv)
{
    switch (conv) {
    case WS_NUM_COMMA:
        return "',' is the decimal comma and '.' only groups thousands in threes (1.234,5 or "
               "1234,5)";
    case WS_NUM_POINT:
        return "'.' is the decimal point and thousands are not separated (1234.5)";
    case WS_NUM_EITHER:
        return "one '.' or ',' before exactly three digits is ambiguous (is 1.000 one or a "
               "thousand?): write 1000, or 1.0 or 1,0";
    case WS_NUM_GUESS:
        break;
    }
    return "write 12.5 or 12,5 (decimal comma); thousands as 1.234,5 or 1,234.5";
}

int ws_strcasecmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (;; p++, q++) {
        int x = *p;
        int y = *q;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y || x == 0)
            return x - y;
    }
}
