/*
 * indeling.h - case codes of an older buurt indeling onto the study's buurten.
 *
 * CBS renumbers buurten between indelingen, so the cases of earlier years
 * name codes that the study's boundaries no longer hold.  The study's
 * [indeling] section (README: A new indeling) maps such an old code onto the
 * buurten of the boundaries:
 *   - a crosswalk table (columns old_code, new_code, share): the cases of the
 *     old code go to its new buurten in these shares, which add up to 1;
 *   - an older boundary file: an old buurt with at least the share `within`
 *     of its area inside one buurt of the boundaries moves there; any other
 *     old buurt that overlaps the boundaries is split, and the tool does not
 *     guess how its cases divide (ws_indeling_code.kind WS_INDELING_SPLIT):
 *     the caller lists it.
 * A crosswalk row wins over the overlay for its old code.  A code that is a
 * buurt of the boundaries is never mapped: it is counted in that buurt.
 *
 * Shares are applied to each case row (old code x year x category) on its
 * own, with largest-remainder rounding (ws_indeling_split_count), so every
 * row's count is kept exactly and every result is a whole number.  The
 * mapped rows are then added to the rows of their new buurt, year and
 * category (ws_indeling_apply).
 *
 * Ownership: a ws_indeling owns its codes and parts; release it with
 * ws_indeling_release().  Nothing here prints.
 */
#ifndef WIJKSCAN_LOAD_INDELING_H
#define WIJKSCAN_LOAD_INDELING_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/model.h"

#include <stddef.h>

/* Overlaps below this share of the old buurt are slivers of redrawn lines:
 * not listed as a part of a split buurt. */
#define WS_INDELING_SLIVER 0.005
/* How far the shares of one old code in a crosswalk may be from 1. */
#define WS_INDELING_SUM_TOLERANCE 0.001

enum ws_indeling_kind {
    WS_INDELING_CROSSWALK = 0, /* from the crosswalk table: parts and shares */
    WS_INDELING_MOVED = 1,     /* overlay: wholly within one new buurt */
    WS_INDELING_SPLIT = 2,     /* overlay: over several new buurten, not mapped */
};

/* One new buurt of an old code. */
struct ws_indeling_part {
    char *code;   /* the new buurt's code */
    size_t area;  /* its index in the dataset's areas */
    double share; /* crosswalk: the share of the cases; overlay: of the area */
};

struct ws_indeling_code {
    char *old_code;
    enum ws_indeling_kind kind;
    struct ws_indeling_part *parts; /* by code; split: largest share first */
    size_t n_parts;
    size_t parts_cap;
    double outside; /* overlay: share of the old buurt outside the boundaries */
    size_t line;    /* crosswalk: line of its first row; overlay: feature id */
};

struct ws_indeling {
    struct ws_indeling_code *codes; /* sorted by old_code (ws_indeling_sort) */
    size_t n;
    size_t cap;
    size_t n_ignored; /* crosswalk rows whose old code is a buurt of the boundaries */
};

void ws_indeling_init(struct ws_indeling *ix);
/* Frees everything and re-initialises ix. */
void ws_indeling_release(struct ws_indeling *ix);

/* Adds an old code (copied); returns the borrowed entry, valid until the next
 * add.  Call ws_indeling_sort() before ws_indeling_find(). */
struct ws_indeling_code *ws_indeling_add(struct ws_indeling *ix, const char *old_code,
                                         enum ws_indeling_kind kind, size_t line);
/* Adds a new buurt (code copied) to an old code. */
void ws_indeling_add_part(struct ws_indeling_code *c, const char *code, size_t area, double share);
/* Sorts the codes by old code, and each code's parts by new code (a split
 * code's by share, largest first). */
void ws_indeling_sort(struct ws_indeling *ix);
/* The entry of old_code, or NULL; borrowed. */
const struct ws_indeling_code *ws_indeling_find(const struct ws_indeling *ix, const char *old_code);

/* Reads the crosswalk table at `path` (any table GDAL reads; columns
 * old_code, new_code and share, numbers in the table's convention) into ix.
 * WS_ENOINPUT when it cannot be read; WS_EDATA at FILE:LINE, column: a
 * missing column, an empty code, a new code that is not one of areas[], a
 * share that is not a number in (0, 1], an (old, new) pair given twice, and
 * the shares of one old code that do not add up to 1 (within
 * WS_INDELING_SUM_TOLERANCE; at its first row).  Rows whose old code is one
 * of areas[] are ignored (counted in ix->n_ignored). */
int ws_indeling_read_crosswalk(struct ws_indeling *ix, const char *path,
                               const struct ws_area *areas, size_t n_areas, struct ws_err *err);

/* Overlays the old buurten of `layer` (NULL: the first) of the polygon source
 * at `path`, code column `code_field`, reprojected to `crs`, on areas[] (in
 * `crs`): every old code that is neither one of areas[] nor already in ix is
 * added as WS_INDELING_MOVED (at least the share `within` of its area lies
 * in one buurt; that one part) or WS_INDELING_SPLIT (parts: overlaps of at
 * least WS_INDELING_SLIVER, with their share of the old buurt's area); an
 * old buurt that overlaps no buurt of the boundaries is not added.
 * WS_ENOINPUT for a missing file; WS_EDATA for what ws_ogr_read_polygons
 * refuses, a feature without a code and an old code given twice. */
int ws_indeling_overlay(struct ws_indeling *ix, const char *path, const char *layer,
                        const char *code_field, const char *crs, double within,
                        const struct ws_area *areas, size_t n_areas, struct ws_warnings *warn,
                        struct ws_err *err);

/* Divides `count` over the n parts in proportion to their shares (which need
 * not add up to 1 exactly: they are normalised) into out[k]: each part gets
 * the whole part of count x share, and what is left is given one at a time
 * to the parts with the largest remainders, the earlier part on a tie.  The
 * out[k] add up to count. */
void ws_indeling_split_count(long long count, const struct ws_indeling_part *parts, size_t n,
                             long long *out);

/* Maps the n_old case rows of old codes onto the new buurten with ix (each
 * row's code must have an entry of kind WS_INDELING_CROSSWALK or
 * WS_INDELING_MOVED) and merges them into (*cases, *n_cases, *cap): a part
 * adds to the row of its buurt, year and category, or becomes a new row
 * (with the old row's line) appended in the order of (code, year,
 * category).  A part that gets 0 cases still makes its row (with 0): the
 * old row covered that buurt.  Returns WS_EINTERNAL when a row's code has
 * no such entry. */
int ws_indeling_apply(const struct ws_indeling *ix, const struct ws_case_row *old_rows,
                      size_t n_old, struct ws_case_row **cases, size_t *n_cases, size_t *cap,
                      struct ws_err *err);

/* A plausible correction of an unknown code among the n codes cands, or
 * NULL: a code at edit distance 1 that, for CBS buurt codes (BU + 8 digits),
 * also has the same gemeente and wijk (its first 8 characters).  Borrowed
 * from cands. */
const char *ws_indeling_suggest(const char *code, const char *const *cands, size_t n);

#endif
