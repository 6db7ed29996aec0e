/*
 * audit.h - the attacker's audit: does every suppressed cell keep a feasible
 * range of at least safety_range, given everything published?
 *
 * From every additive relation of a protection table (table.h) and what the
 * attacker knows of each cell (ws_sdc_bounds: exact published counts as
 * fixed values, rounded counts as intervals, primary cells in
 * [0, min_count - 1], secondary cells >= min_count, missing rows >= 0), a
 * cell's feasible range is [min, max] of the cell subject to all relations,
 * by linear programming (lp.h).  The counts are whole numbers, so the range
 * is [ceil(min), floor(max)].
 *
 * Most cells never need an LP: the table read as a network (flow.h) gives
 * a checked feasible direction (certified) or shows that even a relaxation
 * is too narrow.  What it cannot decide goes to the LPs below.
 *
 * Certification is local where it can be: around a suppressed cell, a
 * "neighbourhood" of at most N unknown cells (breadth first through the
 * relations) gets an LP of every relation touching it, in which the unknown
 * cells OUTSIDE the neighbourhood are held at their true values.  Every
 * solution of that restricted LP is a point of the whole problem, so its
 * range is never wider than the exact one: when it reaches safety_range,
 * so does the exact range.  Cells that a small neighbourhood cannot clear
 * get a larger one, up to the whole connected component (then the range is
 * exact).  A restricted range uses counts that are not published, so it is
 * never published itself: audit.csv shows exact ranges only.
 *
 * The records (struct ws_audit) are what audit.csv publishes: every
 * suppressed cell, why, and how it was cleared; and every withheld year x
 * category.
 */
#ifndef WIJKSCAN_AUDIT_H
#define WIJKSCAN_AUDIT_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/model.h"
#include "wijkscan/protect/flow.h"
#include "wijkscan/protect/table.h"

#include <stdbool.h>
#include <stddef.h>

/* --- table level ----------------------------------------------------------- */

/* Scratch space for repeated audits of one table; owned, free with
 * ws_audit_ctx_free().  Valid while the table's cells and relations are not
 * added to (states may change). */
struct ws_audit_ctx;
struct ws_audit_ctx *ws_audit_ctx_new(const struct ws_sdc_table *t);
void ws_audit_ctx_free(struct ws_audit_ctx *ctx);
/* Simplex runs made through ctx so far, and the most variables one LP had. */
size_t ws_audit_ctx_solves(const struct ws_audit_ctx *ctx);
size_t ws_audit_ctx_max_vars(const struct ws_audit_ctx *ctx);

/* The network (flow.h) is tried before any LP unless switched off (tests
 * of the LPs).  ws_audit_ctx_network: cells it certified (wide) and, in
 * *n_narrow and *n_unknown (each may be NULL), cells it showed too narrow
 * and cells it left to the LPs, so far. */
void ws_audit_ctx_set_network(struct ws_audit_ctx *ctx, bool on);
size_t ws_audit_ctx_network(const struct ws_audit_ctx *ctx, size_t *n_narrow, size_t *n_unknown);

/* Neighbourhood sizes tried in turn by ws_audit_certify(); the last is
 * unlimited (the whole component). */
#define WS_AUDIT_N_LEVELS 4
extern const size_t ws_audit_levels[WS_AUDIT_N_LEVELS];

/* The range of `cell` on its neighbourhood of at most max_vars unknown cells
 * (SIZE_MAX: the whole component): never wider than the exact range; *exact
 * (may be NULL) says whether it is the exact one. */
int ws_audit_hood_range(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                        size_t max_vars, struct ws_sdc_range *range, bool *exact,
                        struct ws_err *err);
/* The network's verdict on `cell` (flow.h; WS_FLOW_UNKNOWN when the
 * network is switched off); changes nothing. */
enum ws_flow_verdict ws_audit_flow(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t,
                                   size_t cell);

/* The range of `cell` on subtable `group` alone (its relations only, every
 * other relation left out): a relaxation, never narrower than the exact
 * range; used to choose complements subtable by subtable. */
int ws_audit_group_range(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t group,
                         size_t cell, struct ws_sdc_range *range, struct ws_err *err);

/* The first cell of subtable `group` (in the order of its relations) that
 * must reach safety_range, is not skipped (skip may be NULL) and is
 * narrower than safety_range on the subtable's LP; *found SIZE_MAX when
 * none.  One LP for the whole subtable. */
int ws_audit_group_narrow(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t group,
                          const bool *skip, size_t *found, struct ws_err *err);

/* Certifies every cell that must reach safety_range (ws_sdc_needs_range) and
 * has cert == WS_CERT_NONE (with only_dirty: and dirty set): neighbourhoods
 * of ws_audit_levels[0..up_to] in turn.  Sets cert, t->ranges (exact ranges
 * only; allocated when NULL) and clears every cell's dirty flag.  *n_left (may be NULL) is the
 * number of such cells still not certified.  `progress` (may be NULL) is
 * called now and then with the cells done and to do. */
int ws_audit_certify(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t up_to,
                     bool only_dirty, size_t *n_left,
                     void (*progress)(void *arg, size_t done, size_t total), void *arg,
                     struct ws_err *err);

/* --- published records ---------------------------------------------------- */

enum ws_audit_check {
    WS_CHECK_EXACT = 0,    /* range_low/high: the exact range from published figures */
    WS_CHECK_BOUND = 1,    /* shown to be at least safety_range wide; not published */
    WS_CHECK_EXEMPT = 2,   /* an area without population (see README, Privacy) */
    WS_CHECK_WITHHELD = 3, /* a withheld year x category: nothing of it published */
};

struct ws_audit_record {
    char *code; /* "" for a withheld year x category */
    enum ws_level level;
    int year;
    char *category;
    enum ws_suppression reason; /* WS_SUPP_PRIMARY or WS_SUPP_SECONDARY (withheld: 0) */
    enum ws_audit_check check;
    double range_low, range_high; /* WS_CHECK_EXACT: whole numbers, high INFINITY when
                                   * unbounded; else NAN */
    char *note;                   /* withheld: why (owned); else NULL */
};

/* Statistics of one protection run. */
struct ws_sdc_stats {
    size_t n_primary;
    size_t n_secondary;          /* all complements */
    size_t n_secondary_subtable; /* of which chosen subtable by subtable */
    size_t n_secondary_repair;   /* of which chosen after the whole-table audit */
    size_t n_subtables;          /* subtables protected */
    size_t n_bound, n_exact;     /* cells certified on a restricted LP / exactly */
    size_t max_vars;             /* most variables in one LP */
    size_t n_lp_solves;          /* simplex runs, all audits together */
    size_t n_network_wide;       /* certifications by the network (no LP) */
    size_t n_network_narrow;     /* cells the network showed too narrow (no LP) */
    size_t n_network_unknown;    /* checks the network left to the LPs */
    double subtable_seconds;     /* wall time of the subtable pass */
    double audit_seconds;        /* wall time of the whole-table audit and repair */
    double total_seconds;        /* wall time of ws_suppress_secondary */
    size_t n_passes;             /* protection passes (a withheld year x category: one more) */
};

struct ws_text_pool;

struct ws_audit {
    struct ws_audit_record *rec; /* ordered by level, code, year, category */
    size_t n, cap;
    long min_count, round_to, safety_range;
    size_t n_model_withheld; /* year x category fits whose expected and O/E were withheld */
    size_t n_withheld;       /* year x category breakdowns withheld entirely */
    struct ws_sdc_stats stats;
    struct ws_text_pool *texts; /* the records' codes and categories (one copy each) */
};

#define WS_AUDIT_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0}, NULL    \
    }

/* Frees the records and re-initialises a (NULL is fine). */
void ws_audit_release(struct ws_audit *a);
/* Appends a record with copies of the strings (shared by the records, owned
 * by a); returns it (borrowed). */
struct ws_audit_record *ws_audit_add(struct ws_audit *a, const char *code, enum ws_level level,
                                     int year, const char *category, enum ws_suppression reason,
                                     enum ws_audit_check check, double low, double high);

/* audit.csv as text: header
 *   code,level,year,category,reason,check,range_low,range_high,range_width,note
 * reason "primary" | "secondary" | "withheld"; check "exact" (the range is
 * what the published figures allow), "at least safety_range" (shown on a
 * restricted LP; the range itself is not published, since it uses counts
 * that are not), "exempt", "withheld"; an unbounded range_high and its
 * width are empty.  Owned; free with free(). */
char *ws_audit_csv(const struct ws_audit *a);

#endif
