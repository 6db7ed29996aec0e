/*
 * text.h - small text helpers for reading Dutch tables.
 *
 * Numbers are parsed without locale (never setlocale(LC_NUMERIC)), and CBS
 * no-data markers read as missing, never as numbers.
 *
 * How a table writes its numbers depends on the file, not on the value: the
 * same text "1.000" is one thousand in Dutch Excel's ';' CSV and one in a ','
 * CSV.  So a table's values are parsed with the convention of their file
 * (enum ws_num_conv, chosen by ogr_source.c from the CSV separator), and a
 * value that does not fit it is refused (WS_NUM_CONVENTION), never guessed:
 *
 *   value        ';' file (COMMA)  ',' file, XLSX, ODS (POINT)  tab file (EITHER)
 *   "12,5"       12.5              12.5 (quoted in a ',' file)  12.5
 *   "12.5"       refused           12.5                         12.5
 *   "1.000"      1000              1                            refused
 *   "1,000"      1                 refused                      refused
 *   "12.663"     12663             12.663                       refused
 *   "1.234,5"    1234.5            refused                      1234.5
 *   "1,234.5"    refused           refused                      1234.5
 *   "1.234.567"  1234567           refused                      1234567
 *   "0.500"      refused           0.5                          0.5
 *
 *   - COMMA (';'-separated CSV, as Dutch Excel writes it): ',' is the decimal
 *     comma, and '.' is a thousands separator only in the strict pattern
 *     d{1,3}(.ddd)+ (first digit not 0), optionally followed by ',' decimals.
 *     Any other '.' ("12.5", "1.0", ".5") is refused.
 *   - POINT (','-separated CSV; XLSX, ODS and GIS layers, whose numbers GDAL
 *     hands over as "12.5"): '.' is the decimal point and thousands are not
 *     separated.  A ',' (only possible quoted in a ',' file) is read as a
 *     decimal comma when that is unambiguous ("12,5", "0,125"); one that
 *     could be a thousands separator ("1,000") is refused.
 *   - EITHER (tab-separated CSV: no hint from the separator): one '.' or one
 *     ',' is the decimal separator, both together are thousands + decimals
 *     (either order), one kind repeated is thousands; a lone separator before
 *     exactly three digits after 1-3 digits ("1.000") is refused.
 *   - GUESS (study-file values, no table): as EITHER, but a lone separator
 *     is always the decimal separator ("1.000" is 1).
 * Exponents ("1e3", "2,5e2") are numbers; ws_parse_integer*() refuse them.
 */
#ifndef WIJKSCAN_TEXT_H
#define WIJKSCAN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Trims ASCII white space (and a leading UTF-8 BOM) in place; returns s. */
char *ws_trim(char *s);

/* True if s is well-formed UTF-8. */
bool ws_utf8_valid(const char *s);
/* Returns an owned UTF-8 copy of a Windows-1252 string; free with free(). */
char *ws_cp1252_to_utf8(const char *s);
/* True if buf starts with a UTF-16 byte-order mark (FF FE little-endian,
 * FE FF big-endian: Excel's "Unicode-tekst"). */
bool ws_utf16_bom(const unsigned char *buf, size_t len);
/* Decodes UTF-16 with a byte-order mark (dropped) into an owned UTF-8
 * buffer of *out_len bytes (NUL-terminated; free with free()).  A lone
 * surrogate, an odd last byte and a NUL character become U+FFFD. */
char *ws_utf16_to_utf8(const unsigned char *buf, size_t len, size_t *out_len);

/* True for the CBS no-data markers: empty, ".", "-99999999", "-99999997"
 * (after trimming). */
bool ws_is_nodata(const char *s);

enum ws_num_status {
    WS_NUM_OK = 0,
    WS_NUM_MISSING,    /* a no-data marker (see ws_is_nodata) */
    WS_NUM_INVALID,    /* not a number in any convention */
    WS_NUM_TOO_LARGE,  /* a number, but too large: beyond a double, or an
                          integer beyond what a long long (digits only) or a
                          double (with separators) holds exactly */
    WS_NUM_CONVENTION, /* a number in some convention, not in the file's */
    WS_NUM_NOT_WHOLE,  /* integers only: a number with a fraction ("2,5") */
    WS_NUM_EXPONENT,   /* integers only: written with an exponent ("5e1") */
};

/* The number conventions of the table above. */
enum ws_num_conv {
    WS_NUM_GUESS = 0, /* study-file values */
    WS_NUM_POINT,     /* ','-separated CSV, XLSX, ODS, GIS layers */
    WS_NUM_COMMA,     /* ';'-separated CSV (Dutch Excel) */
    WS_NUM_EITHER,    /* tab-separated CSV */
};

/* Parses a finite decimal number written in convention `conv` (see above).
 * *out is set only on WS_NUM_OK.  Returns WS_NUM_MISSING, WS_NUM_INVALID,
 * WS_NUM_TOO_LARGE or WS_NUM_CONVENTION otherwise. */
enum ws_num_status ws_parse_number_conv(const char *s, enum ws_num_conv conv, double *out);

/* Parses a whole number written with digits in convention `conv`: "12",
 * "12,0" (COMMA), "12.0" (POINT), "1.000" (COMMA: 1000).  *out is set only on
 * WS_NUM_OK.  "12,5" is WS_NUM_NOT_WHOLE, "5e1" WS_NUM_EXPONENT, and
 * "99999999999999999999" WS_NUM_TOO_LARGE (digits only: beyond a long long;
 * with separators: from 2^53 on). */
enum ws_num_status ws_parse_integer_conv(const char *s, enum ws_num_conv conv, long long *out);

/* The same with WS_NUM_GUESS, for values that do not come from a table. */
enum ws_num_status ws_parse_number(const char *s, double *out);
enum ws_num_status ws_parse_integer(const char *s, long long *out);

/* The rule of a convention in words, for hints: e.g. for WS_NUM_COMMA "','
 * is the decimal comma and '.' only groups thousands in threes (1.234,5 or
 * 1234,5)".  Static. */
const char *ws_num_conv_rule(enum ws_num_conv conv);

/* Case-insensitive ASCII comparison. */
int ws_strcasecmp(const char *a, const char *b);

#endif
