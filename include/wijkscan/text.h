/*
 * text.h - small text helpers for reading Dutch tables.
 *
 * Numbers are parsed without locale (never setlocale(LC_NUMERIC)); a decimal
 * comma is accepted as Dutch Excel writes it ("12,5"), and CBS no-data markers
 * read as missing, never as numbers.
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

/* True for the CBS no-data markers: empty, ".", "-99999999", "-99999997"
 * (after trimming). */
bool ws_is_nodata(const char *s);

enum ws_num_status {
    WS_NUM_OK = 0,
    WS_NUM_MISSING, /* a no-data marker (see ws_is_nodata) */
    WS_NUM_INVALID, /* not a finite number */
};
/* Parses a finite decimal number; "1.5", "1,5", "-3", "1e3" are numbers.  A
 * string with both '.' and ',' is accepted only as Dutch thousands ("1.234,5")
 * or English thousands ("1,234.5").  *out is set only on WS_NUM_OK. */
enum ws_num_status ws_parse_number(const char *s, double *out);

/* Parses a whole number; *out set only on WS_NUM_OK.  "12.0" is not whole text
 * but is accepted (Excel exports), "12.5" is WS_NUM_INVALID. */
enum ws_num_status ws_parse_integer(const char *s, long long *out);

/* Case-insensitive ASCII comparison. */
int ws_strcasecmp(const char *a, const char *b);

#endif
