/*
 * table.h - the protection table: counts linked by additive relations, and
 * what an attacker knows about each (the model that suppress.h and audit.h
 * work on).
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
 *                      the set, or a remainder such as the withheld
 *                      categories of a year): [0, inf)
 * A "fixed" cell is known whatever we suppress (the study total follows from
 * published averages and the model; a cell that is the only unknown part of a
 * relation whose other members are all fixed): never chosen as a complement.
 *
 * Subtables ("groups"): the hierarchical method (suppress.c) protects the
 * table one subtable at a time, top-down: a parent area with its children,
 * by column.  A relation may belong to one group; a cell may be an inner
 * cell of one group (the group where it may be chosen as a complement).
 * Groups are processed in the order of their ids, so a parent's group must
 * have a smaller id than its children's.
 *
 * Usage: ws_sdc_init; ws_sdc_add_group, ws_sdc_add_cell, ws_sdc_add_relation;
 * ws_sdc_finish; ws_suppress_primary; ws_suppress_secondary (suppress.h);
 * read cells[i].state; ws_sdc_release.
 */
#ifndef WIJKSCAN_TABLE_H
#define WIJKSCAN_TABLE_H

#include <stdbool.h>
#include <stddef.h>

enum ws_cell_state {
    WS_CELL_EXACT = 0,
    WS_CELL_ROUNDED = 1,
    WS_CELL_PRIMARY = 2,
    WS_CELL_SECONDARY = 3,
    WS_CELL_HIDDEN = 4,
};

/* How the audit cleared a suppressed cell (ws_sdc_cell.cert). */
enum ws_cert {
    WS_CERT_NONE = 0,  /* not (yet) shown to reach safety_range */
    WS_CERT_BOUND = 1, /* shown on a restricted LP: the exact range is at least as wide */
    WS_CERT_EXACT = 2, /* its exact range (t->ranges) reaches safety_range */
};

#define WS_SDC_NO_TAG   ((size_t)-1)
#define WS_SDC_NO_GROUP ((size_t)-1)
/* A cell's order that makes it the first choice as a complement, whatever
 * its count (the group-offer totals: losing one costs less than losing an
 * indicator cell). */
#define WS_SDC_ORDER_FIRST 255

struct ws_sdc_cell {
    double value;        /* the true count (private; a whole number >= 0) */
    unsigned char state; /* enum ws_cell_state */
    unsigned char order; /* tie-break among equal counts: lower first (0 = buurt) */
    unsigned char cert;  /* enum ws_cert, set by the audit */
    bool fixed;          /* known to the attacker whatever is suppressed */
    bool exempt;         /* need not reach safety_range (set by the caller) */
    bool known;          /* the audit assumes the attacker knows the count
                          * exactly, whatever its state (set by the caller,
                          * for exempt cells: a worst case that keeps the
                          * audit's LPs small); gets no range */
    bool dirty;          /* suppression changed: certify again */
    size_t tag;          /* caller's id (indicator row), WS_SDC_NO_TAG if none */
    size_t group;        /* the subtable where it is an inner cell, or WS_SDC_NO_GROUP */
    size_t margin;       /* the subtable where it is a margin (its area's children), or
                          * WS_SDC_NO_GROUP */
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
    size_t *rel_group; /* n_rels: the relation's subtable or WS_SDC_NO_GROUP */
    size_t rel_group_cap;
    size_t n_groups;

    /* built by ws_sdc_finish(): cell -> relations, group -> relations */
    size_t *cell_rel_start; /* n_cells + 1 entries */
    size_t *cell_rel;
    size_t *group_rel_start; /* n_groups + 1 entries */
    size_t *group_rel;
    size_t *group_parent;     /* n_groups: the subtable whose inner cells are its margins, or
                               * WS_SDC_NO_GROUP */
    size_t *group_cell_start; /* n_groups + 1: inner cells by subtable (CSR) */
    size_t *group_cell;
    size_t *group_margin_start; /* n_groups + 1: margin cells by subtable (CSR) */
    size_t *group_margin;
    size_t *group_child_start; /* n_groups + 1: child subtables (CSR) */
    size_t *group_child;

    long min_count;    /* primary: value < min_count */
    long round_to;     /* published counts rounded to a multiple of this (<= 1: none) */
    long safety_range; /* every suppressed cell's width must be at least this */

    struct ws_sdc_range *ranges; /* n_cells: exact ranges where the audit computed them */
};

void ws_sdc_init(struct ws_sdc_table *t, long min_count, long round_to, long safety_range);
void ws_sdc_release(struct ws_sdc_table *t);
/* A new subtable; returns its id (0, 1, ...). */
size_t ws_sdc_add_group(struct ws_sdc_table *t);
/* Adds a cell and returns its index.  value must be a whole number >= 0.
 * Its group is WS_SDC_NO_GROUP until set (cells[i].group). */
size_t ws_sdc_add_cell(struct ws_sdc_table *t, double value, enum ws_cell_state state,
                       unsigned char order, bool fixed, size_t tag);
/* Adds the relation x[total] = sum_k x[parts[k]] (n >= 1; the cells must
 * differ) in subtable `group` (WS_SDC_NO_GROUP: none). */
void ws_sdc_add_relation(struct ws_sdc_table *t, size_t total, const size_t *parts, size_t n,
                         size_t group);
/* Builds the indexes and the "fixed" closure; call after the last add and
 * before anything below. */
void ws_sdc_finish(struct ws_sdc_table *t);

/* Is cell c a variable of the audit's LPs (not a known constant)? */
static inline bool ws_sdc_is_variable(const struct ws_sdc_cell *c)
{
    return c->state != WS_CELL_EXACT && !c->known;
}

static inline bool ws_sdc_is_suppressed(unsigned char state)
{
    return state == WS_CELL_PRIMARY || state == WS_CELL_SECONDARY;
}

static inline bool ws_sdc_is_published(unsigned char state)
{
    return state == WS_CELL_EXACT || state == WS_CELL_ROUNDED;
}

/* Must cell i reach safety_range (suppressed, not exempt, not known)? */
static inline bool ws_sdc_needs_range(const struct ws_sdc_table *t, size_t i)
{
    const struct ws_sdc_cell *c = &t->cells[i];

    return ws_sdc_is_suppressed(c->state) && !c->exempt && !c->known;
}

/* Where each cell is a part (CSR over cells): for ws_sdc_collapse_parts. */
struct ws_sdc_part_index {
    size_t n;      /* cells indexed (those added before the build) */
    size_t *start; /* n + 1 */
    size_t *rel;
};
/* Indexes the relations added so far (callable before ws_sdc_finish). */
void ws_sdc_part_index_build(const struct ws_sdc_table *t, struct ws_sdc_part_index *ix);
void ws_sdc_part_index_release(struct ws_sdc_part_index *ix);
/* The sum of cells parts[0..n) written with fewer cells: wherever the parts
 * hold every part of a relation, they are replaced by its total (up the
 * hierarchy, e.g. all buurten of a wijk by the wijk).  Given the table's
 * relations it is the same sum, so a relation over it tells an attacker the
 * same; but the audit's network (flow.h) then sees the wijk's cells in it,
 * not every buurt's.  Returns the new n (parts rewritten in place); mark is
 * n_cells scratch, all false before and after. */
size_t ws_sdc_collapse_parts(const struct ws_sdc_table *t, const struct ws_sdc_part_index *ix,
                             size_t *parts, size_t n, bool *mark);

/* The attacker's prior bounds of cell i (see the table above; [v, v] for a
 * known cell). */
void ws_sdc_bounds(const struct ws_sdc_table *t, size_t i, double *lo, double *hi);
/* The same as if cell i had state `state`. */
void ws_sdc_bounds_as(const struct ws_sdc_table *t, size_t i, unsigned char state, double *lo,
                      double *hi);
/* The published (rounded) count of value v: round half up to a multiple of
 * round_to (v itself when round_to <= 1). */
double ws_sdc_round(double v, long round_to);
/* high - low; INFINITY when unbounded, NAN when not computed. */
double ws_sdc_range_width(const struct ws_sdc_range *r);

#endif
