/*
 * suppress.h - primary and secondary cell suppression on a table of counts
 * linked by additive relations (README: Privacy).
 *
 * The table is abstract: cells (one count each, with what the attacker knows
 * about it) and relations "total = sum of parts".  protect.c builds it from
 * an indicator set (areas x categories per year, plus a virtual study total
 * per year and category); the unit tests build small ones by hand.
 *
 * What the attacker knows about a cell (its prior bounds, ws_sdc_bounds()):
 *   WS_CELL_EXACT      published, and its exact count follows from a
 *                      published rate/ratio and population: [v, v]
 *   WS_CELL_ROUNDED    published with only the rounded count r (no rate):
 *                      [r - floor(R/2), r + ceil(R/2) - 1], at least min_count
 *                      (round half up to a multiple R = round_to)
 *   WS_CELL_PRIMARY    suppressed, count < min_count: [0, min_count - 1]
 *                      (audit.csv says "primary", and the rule is public)
 *   WS_CELL_SECONDARY  suppressed as a complement: [min_count, inf)
 *   WS_CELL_HIDDEN     not published and not protected (a row missing from
 *                      the set, or an unexplained remainder): [0, inf)
 * A "fixed" cell is known whatever we suppress (the study total follows from
 * published averages and the model; a cell that is the only unknown part of a
 * relation whose other members are all fixed): never chosen as a complement.
 *
 * Usage: ws_sdc_init; ws_sdc_add_cell / ws_sdc_add_relation; ws_sdc_finish;
 * ws_suppress_primary; ws_suppress_secondary; read cells[i].state;
 * ws_sdc_release.
 */
#ifndef WIJKSCAN_SUPPRESS_H
#define WIJKSCAN_SUPPRESS_H

#include "wijkscan/err.h"

#include <stdbool.h>
#include <stddef.h>

enum ws_cell_state {
    WS_CELL_EXACT = 0,
    WS_CELL_ROUNDED = 1,
    WS_CELL_PRIMARY = 2,
    WS_CELL_SECONDARY = 3,
    WS_CELL_HIDDEN = 4,
};

#define WS_SDC_NO_TAG ((size_t)-1)
/* A cell's order that makes it the first choice as a complement, whatever
 * its count (the group-offer totals: losing one costs less than losing an
 * indicator cell). */
#define WS_SDC_ORDER_FIRST 255

struct ws_sdc_cell {
    double value;        /* the true count (private; a whole number >= 0) */
    unsigned char state; /* enum ws_cell_state */
    unsigned char order; /* tie-break among equal counts: lower first (0 = buurt) */
    bool fixed;          /* known to the attacker whatever is suppressed */
    bool exempt;         /* need not reach safety_range (set by the caller) */
    bool known;          /* the audit assumes the attacker knows the count
                          * exactly, whatever its state (set by the caller,
                          * for exempt cells: a worst case that keeps the
                          * audit's LPs small); gets no range */
    bool dirty;          /* suppression changed near it: audit again */
    size_t tag;          /* caller's id (indicator row), WS_SDC_NO_TAG if none */
};

/* The feasible range of a cell: whole numbers low..high (high INFINITY when
 * unbounded); width = high - low.  NAN when not computed. */
struct ws_sdc_range {
    double low, high;
};

struct ws_sdc_table {
    struct ws_sdc_cell *cells;
    size_t n_cells, cells_cap;

    /* relation r: sum_k coef[k] x[cell[k]] = 0 over k in [start[r], start[r+1]) */
    size_t *rel_start; /* n_rels + 1 entries */
    size_t n_rels, rel_start_cap;
    size_t *rel_cell;
    signed char *rel_coef; /* +1 part, -1 total */
    size_t n_terms, terms_cap;

    /* cell -> relations, built by ws_sdc_finish() */
    size_t *cell_rel_start; /* n_cells + 1 entries */
    size_t *cell_rel;

    long min_count;    /* primary: value < min_count */
    long round_to;     /* published counts rounded to a multiple of this (<= 1: none) */
    long safety_range; /* every suppressed cell's width must be at least this */

    struct ws_sdc_range *ranges; /* n_cells, filled by the audit (ws_audit_table) */
};

/* Statistics of one protection run. */
struct ws_sdc_stats {
    size_t n_primary;
    size_t n_secondary;      /* all complements */
    size_t n_secondary_rule; /* of which chosen by the per-relation rule */
    size_t n_secondary_lp;   /* of which chosen after the LP audit */
    size_t n_components;     /* LPs in the final audit */
    size_t max_component;    /* most variables in one LP */
    size_t n_exempt_narrow;  /* suppressed exempt cells not shown to reach safety_range */
    size_t n_lp_solves;      /* simplex runs, all audits together */
    double audit_seconds;    /* wall time of the final audit */
    double total_seconds;    /* wall time of ws_suppress_secondary */
};

void ws_sdc_init(struct ws_sdc_table *t, long min_count, long round_to, long safety_range);
void ws_sdc_release(struct ws_sdc_table *t);
/* Adds a cell and returns its index.  value must be a whole number >= 0. */
size_t ws_sdc_add_cell(struct ws_sdc_table *t, double value, enum ws_cell_state state,
                       unsigned char order, bool fixed, size_t tag);
/* Adds the relation x[total] = sum_k x[parts[k]] (n >= 1; the cells must
 * differ). */
void ws_sdc_add_relation(struct ws_sdc_table *t, size_t total, const size_t *parts, size_t n);
/* Builds the cell -> relation index and the "fixed" closure; call after the
 * last add and before anything below. */
void ws_sdc_finish(struct ws_sdc_table *t);

/* Is cell c a variable of the audit's LPs (not a known constant)? */
static inline bool ws_sdc_is_variable(const struct ws_sdc_cell *c)
{
    return c->state != WS_CELL_EXACT && !c->known;
}

/* The attacker's prior bounds of cell i (see the table above; [v, v] for a
 * known cell). */
void ws_sdc_bounds(const struct ws_sdc_table *t, size_t i, double *lo, double *hi);
/* The published (rounded) count of value v: round half up to a multiple of
 * round_to (v itself when round_to <= 1). */
double ws_sdc_round(double v, long round_to);

/* Marks every EXACT or ROUNDED cell with value < min_count PRIMARY; returns
 * how many.  HIDDEN cells are left alone (nothing of them is published), and
 * so are cells tagged WS_SDC_NO_TAG (virtual cells such as the study total:
 * not published rows, but known to the attacker). */
size_t ws_suppress_primary(struct ws_sdc_table *t);

/* Secondary suppression, then the final audit:
 *   1. per-relation rule, to a fixed point: while some relation alone pins a
 *      suppressed cell to a range narrower than safety_range, suppress the
 *      published, non-fixed member with the smallest count that widens it
 *      enough (else the one that widens it most);
 *   2. LP audit (audit.c) per connected group of unknown cells; while a
 *      suppressed cell's width < safety_range, suppress the cheapest
 *      published cell in its group's relations that widens it (tested by LP),
 *      apply rule 1 again and audit the changed groups again;
 *   3. the final ranges are left in t->ranges (every suppressed cell).
 * Cells marked `exempt` are suppressed like any other but need not reach
 * safety_range (and get no complements for their own sake).
 * Returns WS_OK when every suppressed cell has width >= safety_range.  When
 * some cannot be widened, returns WS_EINTERNAL WITHOUT setting err and
 * *failed is the first such cell (lowest index): the caller words the
 * message, since it knows the cell's name.  Any other failure (a solver
 * error) sets err and leaves *failed SIZE_MAX.  stats may be NULL. */
int ws_suppress_secondary(struct ws_sdc_table *t, size_t *failed, struct ws_sdc_stats *stats,
                          struct ws_err *err);

#endif
