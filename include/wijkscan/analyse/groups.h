/*
 * groups.h - group-offer planning: catchments where enough families with the
 * same question live to fill a group (issue 6, item 4; study file section
 * [locations]: min_group, max_km, pool_years).
 *
 * One call covers one category (and one year, or two pooled years).  Inputs
 * are plain arrays (borrowed, read only during the call); the result is an
 * owned struct ws_groups.  Pure: no I/O, no third-party headers.
 * Coordinates are in metres in a projected CRS (RD New, EPSG:28992: the
 * study's working CRS); distances are Euclidean in that plane.
 *
 * Catchments:
 *   - with locations (n_loc > 0): each buurt goes to its NEAREST location
 *     (centroid to location), if that is within max_km (distance <= max_km,
 *     inclusive); equally near locations: the lowest location index.  A
 *     buurt farther than max_km from every location is in no catchment.
 *     One catchment per location, in location index order (also when empty).
 *   - without locations: one catchment per wijk, in wijk index order (also
 *     when empty); a buurt with wijk == WS_GROUPS_NONE is in no catchment.
 *   A buurt whose count is NAN (no data) is in no catchment, so that a
 *   catchment's total is exactly the sum of its members' cells.
 *
 * Why the catchments are disjoint (each buurt in at most one): if two
 * published catchments overlapped, e.g. A = {b1, b2} and B = {b2, b3}, an
 * attacker who also knows the total of b2 + b3 from elsewhere (or catchment
 * C = {b1, b2, b3}) recovers b1 = C - B, a single buurt, by subtraction,
 * although no published figure is below min_count.  "Every buurt within
 * max_km of a location" would make every pair of nearby locations such a
 * pair of overlapping sums.  Disjoint catchments leave only sums of
 * different buurten, which the disclosure audit can reason about.
 *
 * Per catchment:
 *   total      = sum of the members' cases (PRIVATE: raw, never published)
 *   published  = total rounded half up to a multiple of round_to (as
 *                ws_sdc_round), NAN when total < min_count
 *   suggest    = total >= min_group and total >= min_count (so never true
 *                for an unpublished catchment)
 *   feasible_lo, feasible_hi = the whole numbers an attacker can narrow the
 *                total to from `published`, `suggest` and the public rules:
 *                  not published: [0, min_count - 1]
 *                  published r:   [r - floor(R/2), r + ceil(R/2) - 1]
 *                                 (R = round_to; [r, r] when R <= 1),
 *                                 at least min_count, then at least
 *                                 min_group when suggested, at most
 *                                 min_group - 1 when not.
 *                With min_group <= min_count (the default 8 <= 10) the flag
 *                adds nothing; with min_group > min_count it narrows the
 *                rounded range, and these bounds say by how much.
 *
 * Privacy: the caller must add every published catchment to the disclosure
 * audit before writing groepsaanbod.csv: one cell (the published count, with
 * the feasible range above) and the relation
 *     catchment total = sum of the member buurt cells
 * (members[], of this category; with pooling, the member cells of both
 * years).  A secondary-suppressed buurt with a catchment of its own, or a
 * catchment that differs from a published wijk by one suppressed buurt,
 * would otherwise be recovered.  Without locations an unpooled catchment
 * total IS the wijk cell: publish it only where the protected wijk cell is
 * published, or the secondary suppression of that wijk is undone.  When the
 * audit hides a catchment, the caller sets its published to NAN and suggest
 * to false.
 */
#ifndef WIJKSCAN_GROUPS_H
#define WIJKSCAN_GROUPS_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

/* "no wijk" in ws_groups_input.wijk, "no catchment" in ws_groups.catchment_of */
#define WS_GROUPS_NONE ((size_t)-1)

/* Borrowed input arrays. */
struct ws_groups_input {
    size_t n_buurt;
    const double *x;        /* n_buurt centroid eastings, metres; NULL when n_loc == 0 */
    const double *y;        /* n_buurt centroid northings, metres; NULL when n_loc == 0 */
    const size_t *wijk;     /* n_buurt wijk indices < n_wijk or WS_GROUPS_NONE; may be
                               NULL when n_loc > 0 */
    size_t n_wijk;          /* catchments without locations */
    const double *cases;    /* n_buurt counts of one category, already summed over the
                               pooled years (ws_groups_pool); NAN = no data */
    size_t n_loc;           /* 0: catchments are the wijken */
    const double *loc_x;    /* n_loc location eastings, metres */
    const double *loc_y;    /* n_loc location northings, metres */
    const size_t *loc_name; /* n_loc name indices (caller's table), NULL: the index */
};

struct ws_groups_opts {
    double max_km;  /* catchment radius, km, > 0 (only with locations) */
    long min_group; /* participants needed for one group, >= 0 */
    long min_count; /* privacy: a total below this is not published, >= 0 */
    long round_to;  /* published totals are rounded to a multiple (<= 1: none) */
};

enum ws_catchment_kind {
    WS_CATCHMENT_LOCATION = 0,
    WS_CATCHMENT_WIJK = 1,
};

struct ws_catchment {
    enum ws_catchment_kind kind;
    size_t index;      /* location index, or wijk index */
    size_t name_index; /* loc_name[index] (index when loc_name is NULL); wijk index */
    size_t *members;   /* buurt indices, ascending (owned by the ws_groups) */
    size_t n_members;
    double total;                    /* PRIVATE: raw sum of the members' cases */
    double published;                /* rounded total, NAN when total < min_count */
    bool suggest;                    /* total >= min_group and total >= min_count */
    double feasible_lo, feasible_hi; /* the total as narrowed by the published figures */
};

struct ws_groups {
    struct ws_catchment *catchments; /* n_catchments: n_loc, or n_wijk */
    size_t n_catchments;
    size_t *catchment_of; /* n_buurt: index into catchments, or WS_GROUPS_NONE */
    size_t n_buurt;
    size_t n_unassigned; /* buurten in no catchment (too far, no wijk, no data) */
};

#define WS_GROUPS_INIT                                                                             \
    {                                                                                              \
        NULL, 0, NULL, 0, 0                                                                        \
    }

/* Plans the catchments (see above) into *out, which must be zeroed
 * (WS_GROUPS_INIT) or released; on success it is owned by the caller: free
 * its contents with ws_groups_release().  Returns WS_OK; WS_EDATA when a
 * count is negative or not whole (naming the buurt index), a location's
 * coordinates are not finite (naming the location index) or an option is
 * out of range; WS_EINTERNAL when a required array is NULL or a wijk index
 * is >= n_wijk.  On failure *out is left zeroed.  A buurt with non-finite
 * centroid coordinates is in no location catchment. */
int ws_groups_plan(const struct ws_groups_input *in, const struct ws_groups_opts *opts,
                   struct ws_groups *out, struct ws_err *err);

/* Frees the contents of g and zeroes it; a zeroed g is a no-op, NULL too. */
void ws_groups_release(struct ws_groups *g);

/* Pools two years: out[i] = a[i] + b[i] for n buurten (b == NULL: out = a,
 * for pool_years = 1).  A NAN in either year gives NAN (a buurt without
 * data in one of the years is left out rather than undercounted).  out may
 * be a or b.  Returns WS_EDATA (naming the buurt index; out unchanged) when
 * a count is negative or not whole. */
int ws_groups_pool(const double *a, const double *b, size_t n, double *out, struct ws_err *err);

#endif
