/*
 * audit.h - the attacker's audit (README: Privacy).
 *
 * From every additive relation of a protection table (suppress.h) and what
 * the attacker knows of each cell (ws_sdc_bounds: exact published counts as
 * fixed values, rounded counts as intervals, primary cells in
 * [0, min_count - 1], secondary cells >= min_count, missing rows >= 0), the
 * audit computes each suppressed cell's feasible range by linear programming
 * (lp.h): min and max of the cell subject to all relations.  Cells interact
 * only through relations with another unknown cell, so the table splits into
 * connected groups ("components": in practice one gemeente and year, or less)
 * and each gets its own small LP.  The LP optimum is a real number; the
 * counts are whole numbers, so the range is [ceil(min), floor(max)].
 *
 * Cost: per component one LP with one column per unknown cell and one row per
 * relation touching it; two warm-started simplex runs per suppressed cell,
 * minus those skipped because an earlier optimal solution already put the
 * cell at its prior bound (every solution is feasible, so a cell seen at
 * its lower bound has that bound as its minimum).
 *
 * Components of national size are audited block by block (one gemeente and
 * year); a cell whose range in its own block, with the cells that couple it
 * to other blocks held at their true values, already reaches safety_range
 * gets that range: a lower bound of the exact width (the exact range is
 * only wider), computed for the cells that need it.
 *
 * The audit records (struct ws_audit) are what audit.csv publishes: every
 * suppressed cell, why, and its range.  The range is derived from published
 * data only, so publishing it reveals nothing new.
 */
#ifndef WIJKSCAN_AUDIT_H
#define WIJKSCAN_AUDIT_H

#include "wijkscan/err.h"
#include "wijkscan/indicators.h"
#include "wijkscan/load.h"
#include "wijkscan/suppress.h"

#include <stdbool.h>
#include <stddef.h>

/* --- table level ----------------------------------------------------------- */

/* Scratch space for repeated audits of one table; owned, free with
 * ws_audit_ctx_free().  Valid while the table's cells and relations are not
 * added to (states may change). */
struct ws_audit_ctx;
struct ws_audit_ctx *ws_audit_ctx_new(const struct ws_sdc_table *t);
void ws_audit_ctx_free(struct ws_audit_ctx *ctx);
/* exact (the default): ranges are exact.  Otherwise a decomposed component
 * (see ws_audit_set_decompose_min) may give a cell a NARROWER range than the
 * exact one where the exact one would need the whole component's LP: a safe
 * side for deciding whether to add complements, much faster on national
 * data.  The final audit is always exact. */
void ws_audit_ctx_set_exact(struct ws_audit_ctx *ctx, bool exact);
/* How many extremes were narrowed so far because of that. */
size_t ws_audit_ctx_inexact(const struct ws_audit_ctx *ctx);
/* Simplex runs made through ctx so far, and the most variables one
 * component's LP had. */
size_t ws_audit_ctx_solves(const struct ws_audit_ctx *ctx);
size_t ws_audit_ctx_max_component(const struct ws_audit_ctx *ctx);

/* Computes t->ranges[i] for every suppressed cell i (allocating t->ranges if
 * needed; other cells get NAN), one LP per component.  With only_dirty, only
 * components holding a cell whose `dirty` flag is set are audited (the rest
 * keep their ranges); audited cells' flags are cleared.  *n_components (may
 * be NULL) is the number of LPs built. */
int ws_audit_table(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, bool only_dirty,
                   size_t *n_components, struct ws_err *err);
/* The range of one cell under the table's current states (for trying a
 * complement); two simplex runs on its component. */
int ws_audit_cell(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                  struct ws_sdc_range *range, struct ws_err *err);
/* A quick narrower-or-equal range of one cell (never wider than the exact
 * one): only its own gemeente and year, with the cells that study-wide
 * relations tie to other gemeenten taken as known; [v, v] for such a cell
 * itself.  When its width is enough, so is the exact width. */
int ws_audit_cell_quick(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                        struct ws_sdc_range *range, struct ws_err *err);
/* Components of at least n_vars variables (default 2,000) are audited
 * block by block (see audit.c: one gemeente and year at a time, with the
 * study-wide relations checked separately; exact either way).  For tests;
 * returns the previous value.  Not thread-safe. */
size_t ws_audit_set_decompose_min(size_t n_vars);
/* high - low; INFINITY when unbounded, NAN when not computed. */
double ws_sdc_range_width(const struct ws_sdc_range *r);

/* --- published records ---------------------------------------------------- */

struct ws_audit_record {
    char *code;
    enum ws_level level;
    int year;
    char *category;
    enum ws_suppression reason;   /* WS_SUPP_PRIMARY or WS_SUPP_SECONDARY */
    double range_low, range_high; /* whole numbers; range_high INFINITY when unbounded;
                                   * both NAN when not audited (exempt) */
};

struct ws_audit {
    struct ws_audit_record *rec; /* ordered by level, code, year, category */
    size_t n, cap;
    long min_count, round_to, safety_range;
    size_t n_model_withheld; /* year x category fits whose expected and O/E were withheld */
    struct ws_sdc_stats stats;
};

#define WS_AUDIT_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0,                                                                    \
        {                                                                                          \
            0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0                                                       \
        }                                                                                          \
    }

/* Frees the records and re-initialises a (NULL is fine). */
void ws_audit_release(struct ws_audit *a);
/* Appends a record with copies of the strings; returns it (borrowed). */
struct ws_audit_record *ws_audit_add(struct ws_audit *a, const char *code, enum ws_level level,
                                     int year, const char *category, enum ws_suppression reason,
                                     double low, double high);

/* audit.csv as text: header
 *   code,level,year,category,reason,range_low,range_high,range_width
 * reason "primary" | "secondary"; an unbounded range_high and its width are
 * empty; all three are empty for a cell that was not audited (exempt: an
 * area without population, see protect.h).  Owned; free with free(). */
char *ws_audit_csv(const struct ws_audit *a);

#endif
