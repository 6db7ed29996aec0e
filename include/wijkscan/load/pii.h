/*
 * pii.h - refuse case tables that look like personal data (README: Your own municipality).
 *
 * wijkscan accepts only anonymised counts per area, year and category.  This
 * detector looks at a table's column names and at its values and reports the
 * first column that looks personal, and what kind of data it seems to hold.
 * It never reports, copies or logs a value.  Pure C: no I/O, no allocation.
 *
 * Two ways in: ws_pii_scan() over a table held in memory, or, for a table
 * read row by row (the loader scans every row of a case table, so personal
 * data after thousands of empty rows is still found), ws_pii_scan_names()
 * before reading, ws_pii_tally_add() for each value, and
 * ws_pii_scan_tallies() at the end.  Both give the same verdict.
 *
 * Rules (column names are compared case-insensitively, split on '_', '-',
 * '.', space and camelCase):
 *   - names:     naam, name, voornaam, achternaam, roepnaam, surname, ...;
 *                "naam"/"name" qualified by an area or category word
 *                (buurtnaam, area_name, vraagtype_naam) is NOT personal
 *   - BSN:       bsn, burgerservicenummer, sofinummer, ...; or values that are
 *                nine-digit numbers passing the elfproef (11-test)
 *   - birth date: geboortedatum, geb_datum, birth, dob, ...; or values that
 *                are full dates (dd-mm-yyyy, yyyy-mm-dd, dd/mm/yyyy) that are
 *                not all period boundaries (1st or last day of a month)
 *   - address:   adres, address, straat, street, huisnummer, house_number, ...;
 *                or values shaped "Herestraat 12"
 *   - postcode with house number: values shaped "9712 AB 12", or a postcode
 *                column next to a house-number column
 *   - six-character postcodes: values shaped "9712AB" / "9712 AB"
 * A four-digit (PC4) postcode column without house numbers is not personal.
 */
#ifndef WIJKSCAN_PII_H
#define WIJKSCAN_PII_H

#include <stdbool.h>
#include <stddef.h>

enum ws_pii_kind {
    WS_PII_NONE = 0,
    WS_PII_NAME,
    WS_PII_BSN,
    WS_PII_BIRTH_DATE,
    WS_PII_ADDRESS,
    WS_PII_POSTCODE_HOUSE, /* postcode with house number */
    WS_PII_POSTCODE6,      /* six-character postcode (1234 AB) */
};

struct ws_pii_result {
    enum ws_pii_kind kind; /* WS_PII_NONE when nothing looks personal */
    size_t column;         /* index of the offending column */
    bool by_name;          /* decided from the column name (else from values) */
};

/* Counts of the value shapes of one column; start from all zeros
 * (WS_PII_TALLY_INIT) and add every value with ws_pii_tally_add(). */
struct ws_pii_tally {
    size_t n;           /* non-empty values (CBS no-data markers count as empty) */
    size_t bsn_pass;    /* nine digits passing the 11-test */
    size_t bsn_fail;    /* nine digits failing it */
    size_t dates;       /* full calendar dates */
    size_t dates_inner; /* ... that are not the first or last day of a month */
    size_t pc6;         /* six-character postcodes */
    size_t pc6_house;   /* postcodes with a house number */
    size_t streets;     /* "Straatnaam 12" */
};

#define WS_PII_TALLY_INIT                                                                          \
    {                                                                                              \
        0, 0, 0, 0, 0, 0, 0, 0                                                                     \
    }

/* Adds one value (borrowed; NULL reads as empty) to a column's tally. */
void ws_pii_tally_add(struct ws_pii_tally *tally, const char *value);

/* Judges the column names alone (no values): fills *res and returns true if
 * a name looks personal, or a postcode column sits next to a house-number
 * column. */
bool ws_pii_scan_names(const char *const *names, size_t n_cols, struct ws_pii_result *res);

/* Judges names and values: `tallies` holds one tally per column (may be NULL:
 * names only).  Fills *res and returns true if the table looks personal; the
 * verdict is the one ws_pii_scan() gives for the same values. */
bool ws_pii_scan_tallies(const char *const *names, size_t n_cols,
                         const struct ws_pii_tally *tallies, struct ws_pii_result *res);

/* Scans a table.  `names` holds n_cols column names; `values` holds n_rows
 * rows of n_cols values each, row-major (values[r * n_cols + c]); any name or
 * value may be NULL (read as empty).  Everything is borrowed.  Fills *res and
 * returns true if the table looks like personal data. */
bool ws_pii_scan(const char *const *names, size_t n_cols, const char *const *values, size_t n_rows,
                 struct ws_pii_result *res);

/* What a column of this kind holds, for "column 'X' holds ...": "names",
 * "BSN numbers (burgerservicenummers)", "birth dates", "addresses",
 * "postcodes with house numbers", "six-character postcodes".  Static. */
const char *ws_pii_kind_desc(enum ws_pii_kind kind);

/* The elfproef (11-test) for a BSN: `s` is exactly nine digits, not all zero,
 * and 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11. */
bool ws_pii_is_bsn(const char *s);

#endif
