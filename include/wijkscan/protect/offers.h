/*
 * offers.h - group-offer catchments (groepsaanbod.csv; issue 6, item 4),
 * planned on the private counts and published only through the protection
 * step (protect.h), which adds each catchment to the attacker's audit.
 *
 * For each category other than 'all' and the latest year (pooled with the
 * year before when [locations] pool_years = 2), ws_groups_plan() (groups.h)
 * forms disjoint catchments: the buurten nearest to each service location
 * within max_km, or the wijken when the study has no locations.  A catchment
 * total is a sum of buurt cells, so publishing it adds the relation
 *     catchment = sum of its member cells (of every pooled year)
 * to what an attacker knows.  ws_protect_apply() puts every catchment into
 * its table as a cell with that relation (a total below min_count is a
 * primary cell, never published), lets secondary suppression choose it as a
 * complement like any other cell, and audits the whole.  Only then is a
 * catchment published: `published` is its total rounded to round_to, NAN
 * when suppressed, and `suggest` says it can fill a group (published and
 * total >= min_group).
 */
#ifndef WIJKSCAN_OFFERS_H
#define WIJKSCAN_OFFERS_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"

#include <stdbool.h>
#include <stddef.h>

/* A service location in the study's working CRS (borrowed strings). */
struct ws_offer_location {
    const char *name;
    double x, y;
};

struct ws_offer {
    char *category;
    int year_from, year_to; /* the pooled years (equal without pooling) */
    bool by_location;       /* false: the catchment is a wijk */
    char *catchment;        /* location name, or wijk code */
    char *catchment_name;   /* location name, or wijk name */
    char **members;         /* buurt codes, ascending */
    size_t n_members;
    double total;     /* PRIVATE: raw sum over members and years */
    double published; /* rounded total; NAN when not published */
    bool suggest;     /* published and total >= min_group */
};

struct ws_offer_set {
    struct ws_offer *rows;
    size_t n, cap;
};

/* Plans the catchments from the raw rows (borrowed; buurt level) and the
 * buurten (their wijk and centroid).  *out must be zeroed; owned by the
 * caller (ws_offer_set_release).  Every offer starts unpublished (NAN). */
int ws_offers_plan(const struct ws_indicator_set *raw, const struct ws_area *buurten,
                   size_t n_buurten, const struct ws_offer_location *loc, size_t n_loc,
                   const struct ws_study *st, struct ws_offer_set *out, struct ws_err *err);

void ws_offer_set_release(struct ws_offer_set *s);

/* groepsaanbod.csv as text (owned): header
 *   category,years,catchment,catchment_name,location,n_buurten,cases,suggest
 * years "2024" or "2023-2024"; location empty for a wijk catchment; cases
 * the published total, empty when not published; suggest 1 or 0.  Only
 * catchments with at least one buurt; suggested ones first, then by
 * category and catchment. */
char *ws_offers_csv(const struct ws_offer_set *s);

#endif
