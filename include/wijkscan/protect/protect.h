/*
 * protect.h - disclosure control: from the raw indicator set to the one that
 * may be published.
 *
 * ws_protect_apply() turns a RAW set (exact counts, every figure) into a
 * PUBLISHED set and the audit records:
 *   1. primary suppression: a cell (area, year, category) with cases <
 *      min_count (0 included);
 *   2. secondary suppression (suppress.h) over the relations that the
 *      published rows form for each year: buurten within their wijk, wijken
 *      within their gemeente, gemeenten within the study, categories within
 *      'all'; subtable by subtable, top-down (one subtable per parent area);
 *   3. the attacker's audit (audit.h) over every relation;
 *   3a. withholding: a year x category with a cell the attacker knows
 *      exactly while it is below min_count (a study-wide total, the only
 *      gemeente's total), or with a cell no suppression can protect, is
 *      withheld: none of its rows is published, and its counts become part
 *      of an unpublished remainder column (all minus the published
 *      categories, which the attacker can compute) that is protected like
 *      any other; a single withheld category takes the smallest other one
 *      with it (else the remainder would be that category).  A withheld
 *      'all' (or a remainder that cannot be protected) withholds the year.
 *      audit.csv and statistics.json list them with the reason;
 *   0. first, the model: where the buurten with a population but no
 *      covariate profile hold fewer than min_count cases of a year and
 *      category (ws_rates_model_withheld), the GLM's expected values and
 *      coefficients would give that small total away (a GLM with an
 *      intercept reproduces the total of the buurten it was fitted on), so
 *      expected, oe_ratio and oe_ci_low/high (the WS_FIELD_MODEL fields)
 *      are NULL at every level of that year and category (analyse.c leaves
 *      out its coefficients);
 *   4. the published set: a deep copy of raw in which
 *      - a suppressed row (primary or secondary) has suppressed = 1|2 and NULL
 *        in every field marked WS_FIELD_HIDDEN in indicator_fields.h: cases
 *        and every figure that follows from it (rates and their intervals,
 *        ratios, O/E, EB rates, LISA, trend, priority rank); population and
 *        expected stay (population is public CBS data; expected comes from
 *        the covariate model, not from the cell's count);
 *      - a published row whose previous year (same level, code, category;
 *        the latest earlier year in the set) is suppressed has NULL trend_rr
 *        and trend_p, its WS_FIELD_TREND fields (rate ratio x published rate
 *        would give the old count);
 *      - published cases are rounded half up to a multiple of round_to
 *        (12 -> 10, 13 -> 15 for 5; 15 -> 20 for 10);
 *      - priority_rank is renumbered 1..k over the published rows of each
 *        (level, year, category) in the raw order, so that no gap shows
 *        where a suppressed area ranked (per (level, year, category, parent)
 *        when the raw ranks repeat within a (level, year, category));
 * What the attacker is assumed to know (the audit's model): every published
 * figure, the rules above and audit.csv (including each cell's reason), so
 *   - a published row with any of its own rates or ratios (the
 *     WS_FIELD_EXACT fields) non-NULL reveals its exact count (rate x
 *     population, O/E x expected, the Garwood interval, ...): an exact
 *     constant; a published row with none of them
 *     (no population) only reveals its rounded count: an interval;
 *   - the study total per year and category is known exactly (ratio_avg and
 *     eb_rate use theta = study total / study population, and a Poisson GLM
 *     with intercept reproduces the study total in the sum of `expected`), so
 *     in a one-gemeente study the gemeente's cells can never be hidden;
 *   - a primary cell lies in [0, min_count - 1], a secondary one is at least
 *     min_count.
 * Areas without a population are assumed known to the attacker exactly (a
 * worst case; see exempt_unpopulated).
 * Not modelled (see the README's privacy section): non-linear channels
 * (EB prior variance, local EB and LISA values of a suppressed cell's
 * neighbours, Moran's I), the GLM's score equations for the covariates, and
 * an attacker who replays the complement-choosing heuristic.
 */
#ifndef WIJKSCAN_PROTECT_H
#define WIJKSCAN_PROTECT_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/offers.h"

#include <stddef.h>

struct ws_store;

struct ws_protect_opts {
    long min_count;    /* [privacy] min_count (>= 1) */
    long round_to;     /* [privacy] round_to (<= 1: no rounding) */
    long safety_range; /* [privacy] safety_range (0: no check) */
    /* Optional (borrowed): the buurten with their gemeente code, for buurten
     * whose parent is not a wijk or gemeente row of the set (a study without
     * wijken); without it such buurten belong to the only gemeente. */
    const struct ws_area *buurten;
    size_t n_buurten;
    /* Cells of areas without a population at risk (P missing or 0) are
     * suppressed like any other when small, but need not reach safety_range:
     * the published averages over the populated areas (theta, the model's
     * `expected`) give the total over the unpopulated ones, which no
     * suppression can hide (see protect.c).  false: such a cell fails the
     * audit like any other. */
    bool exempt_unpopulated;
    /* Optional (borrowed, updated): group-offer catchments (offers.h).  Each
     * becomes a cell of the table with the relation "catchment = sum of its
     * member buurt cells" and is published (o->published, o->suggest) only
     * when it is neither below min_count nor chosen as a complement. */
    struct ws_offer_set *offers;
    long min_group; /* [locations] min_group, for o->suggest */
};

/* Protects `raw` (borrowed) into `published` (zeroed or released first; owned
 * by the caller: ws_indicator_set_release) and `audit` (owned: released
 * first, then filled; ws_audit_release), records ordered by level, code,
 * year, category (withheld year x categories: code "", check
 * WS_CHECK_WITHHELD, with a note).  Errors:
 *   WS_EDATA      safety_range >= min_count (no primary cell could ever have
 *                 a range that wide; where: [privacy]);
 *   WS_EINTERNAL  the raw rows do not form additive tables (a wijk whose
 *                 buurten do not add up, duplicate rows, a buurt without a
 *                 gemeente), or a suppressed cell stays narrower than
 *                 safety_range even after withholding (a bug).
 * On failure published and audit are empty. */
int ws_protect_apply(const struct ws_indicator_set *raw, const struct ws_protect_opts *opts,
                     struct ws_indicator_set *published, struct ws_audit *audit,
                     struct ws_err *err);
/* The same on rows the caller no longer needs: they become the published
 * rows (raw is left empty on success, untouched on failure), which saves
 * one copy of every row (the store level uses it). */
int ws_protect_apply_in_place(struct ws_indicator_set *raw, const struct ws_protect_opts *opts,
                              struct ws_indicator_set *published, struct ws_audit *audit,
                              struct ws_err *err);

/* Store level: reads WS_SET_RAW and the buurten, applies the study's
 * [privacy] settings, and in one transaction of its own writes
 * WS_SET_PUBLISHED and the result "audit.csv" (ws_audit_csv; it holds only
 * published knowledge).  audit may be NULL; otherwise it receives the
 * records and statistics (owned; ws_audit_release).  On failure the store is
 * unchanged. */
int ws_protect_store(struct ws_store *s, const struct ws_study *st, struct ws_audit *audit,
                     struct ws_err *err);

/* The same, and the group offers (offers.h) planned around the service
 * locations (may be NULL with n_loc 0: catchments are the wijken), protected
 * with the indicators, stored as typed rows (ws_store_put_offers; the rows
 * of groepsaanbod.csv); and the priority list (ws_store_put_priorities, see
 * protect.c): the published buurten with a priority_rank up to [priority]
 * top, per year, with the reasons that their published figures support. */
int ws_protect_store_plan(struct ws_store *s, const struct ws_study *st,
                          const struct ws_offer_location *loc, size_t n_loc, struct ws_audit *audit,
                          struct ws_err *err);

#endif
