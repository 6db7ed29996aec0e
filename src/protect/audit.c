/*
 * audit.c - the attacker's audit: feasible ranges of suppressed cells by LP,
 * on neighbourhoods, subtables or whole components (see audit.h).
 *
 * Invariants:
 *   - one LP builder (build_lp) for every kind of problem: the variables are
 *     the listed unknown cells with the attacker's prior bounds; a relation
 *     enters with its known (EXACT or `known`) members on the right-hand
 *     side, and with its unknown members that are not variables held at
 *     their TRUE values (a restriction: neighbourhoods) or left out with the
 *     relation itself (a relaxation: subtables, where only the subtable's own
 *     relations are listed);
 *   - ranges are whole numbers: [ceil(min - eps), floor(max + eps)], eps
 *     1e-6 relative, for the simplex's feasibility tolerance;
 *   - a restricted range is never published (it uses unpublished counts):
 *     only cert is set from it.
 */
#include "wijkscan/protect/audit.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/textpool.h"
#include "wijkscan/protect/flow.h"
#include "wijkscan/protect/lp.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const size_t ws_audit_levels[WS_AUDIT_N_LEVELS] = {64, 600, 4000, (size_t)-1};

#define NONE ((size_t)-1)

struct ws_audit_ctx {
    size_t n_cells, n_rels;
    unsigned *cell_gen; /* == gen: cell is a variable of the current LP */
    unsigned *rel_gen;  /* == gen: relation is in the current LP */
    unsigned *open_gen; /* == gen: open_val[r] is worked out for the current LP */
    bool *open_val;
    unsigned gen;
    size_t *var_of; /* cell -> variable, valid when cell_gen == gen */

    size_t *cells; /* variables of the current LP (cell indices), BFS order */
    size_t n_vars, vars_cap;
    size_t *rels; /* relations of the current LP */
    size_t n_crels, crels_cap;
    bool exact; /* the current neighbourhood is its whole component */

    size_t *row_idx; /* one LP row under construction */
    double *row_coef;
    size_t row_cap;
    double *obs_min, *obs_max; /* per variable: seen in some optimal solution */
    size_t obs_cap;

    size_t solves;
    size_t max_vars;

    struct ws_flow *flow; /* the network (flow.h): most cells without an LP */
    bool *narrow;         /* per cell: the network shows it too narrow */
    bool use_flow;
    size_t flow_wide, flow_narrow, flow_unknown;

    size_t n_cert; /* cells certified so far (progress) */
    size_t prog_base, prog_total, prog_tick;
    void (*progress)(void *arg, size_t done, size_t total);
    void *prog_arg;
};

struct ws_audit_ctx *ws_audit_ctx_new(const struct ws_sdc_table *t)
{
    struct ws_audit_ctx *ctx = ws_xcalloc(1, sizeof(*ctx));

    ctx->n_cells = t->n_cells;
    ctx->n_rels = t->n_rels;
    ctx->cell_gen = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->cell_gen));
    ctx->rel_gen = ws_xcalloc(t->n_rels + 1, sizeof(*ctx->rel_gen));
    ctx->open_gen = ws_xcalloc(t->n_rels + 1, sizeof(*ctx->open_gen));
    ctx->open_val = ws_xcalloc(t->n_rels + 1, sizeof(*ctx->open_val));
    ctx->var_of = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->var_of));
    ctx->flow = ws_flow_new(t);
    ctx->narrow = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->narrow));
    ctx->use_flow = true;
    return ctx;
}

void ws_audit_ctx_free(struct ws_audit_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->cell_gen);
    free(ctx->rel_gen);
    free(ctx->open_gen);
    free(ctx->open_val);
    free(ctx->var_of);
    free(ctx->cells);
    free(ctx->rels);
    free(ctx->row_idx);
    free(ctx->row_coef);
    free(ctx->obs_min);
    free(ctx->obs_max);
    ws_flow_free(ctx->flow);
    free(ctx->narrow);
    free(ctx);
}

size_t ws_audit_ctx_solves(const struct ws_audit_ctx *ctx)
{
    return ctx ? ctx->solves : 0;
}

size_t ws_audit_ctx_max_vars(const struct ws_audit_ctx *ctx)
{
    return ctx ? ctx->max_vars : 0;
}

static void next_gen(struct ws_audit_ctx *ctx)
{
    if (++ctx->gen == 0) {
        // wrapped: forget every old mark
        memset(ctx->cell_gen, 0, (ctx->n_cells + 1) * sizeof(*ctx->cell_gen));
        memset(ctx->rel_gen, 0, (ctx->n_rels + 1) * sizeof(*ctx->rel_gen));
        memset(ctx->open_gen, 0, (ctx->n_rels + 1) * sizeof(*ctx->open_gen));
        ctx->gen = 1;
    }
    ctx->n_vars = 0;
    ctx->n_crels = 0;
}

static bool in_lp(const struct ws_audit_ctx *ctx, size_t cell)
{
    return ctx->cell_gen[cell] == ctx->gen;
}

static void add_var(struct ws_audit_ctx *ctx, size_t cell)
{
    WS_VEC_GROW(ctx->cells, ctx->n_vars + 1, ctx->vars_cap);
    ctx->cells[ctx->n_vars] = cell;
    ctx->var_of[cell] = ctx->n_vars++;
    ctx->cell_gen[cell] = ctx->gen;
}

static void add_rel(struct ws_audit_ctx *ctx, size_t r)
{
    ctx->rel_gen[r] = ctx->gen;
    WS_VEC_GROW(ctx->rels, ctx->n_crels + 1, ctx->crels_cap);
    ctx->rels[ctx->n_crels++] = r;
}

/* The neighbourhood of `seed` (an unknown cell): unknown cells breadth first
 * through the relations, at most max_vars of them, and EVERY relation that
 * touches one of them (so that the LP is a restriction, not a relaxation).
 * ctx->exact: the search ended before the limit (the whole component). */
static void collect_hood(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t seed,
                         size_t max_vars)
{
    next_gen(ctx);
    ctx->exact = true;
    add_var(ctx, seed);
    for (size_t q = 0; q < ctx->n_vars; q++) {
        size_t c = ctx->cells[q];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++) {
            size_t r = t->cell_rel[k];
            if (ctx->rel_gen[r] == ctx->gen)
                continue;
            add_rel(ctx, r);
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t d = t->rel_cell[m];
                if (in_lp(ctx, d) || !ws_sdc_is_variable(&t->cells[d]))
                    continue;
                if (ctx->n_vars >= max_vars) {
                    ctx->exact = false; // d stays outside, at its true value
                    continue;
                }
                add_var(ctx, d);
            }
        }
    }
}

/* Adds the unknown cells of cells[0..n) not in the LP yet; false when that
 * would pass max_vars. */
static bool add_cells(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, const size_t *cells,
                      size_t n, size_t max_vars)
{
    for (size_t k = 0; k < n; k++) {
        size_t c = cells[k];
        if (in_lp(ctx, c) || !ws_sdc_is_variable(&t->cells[c]))
            continue;
        if (ctx->n_vars >= max_vars)
            return false;
        add_var(ctx, c);
    }
    return true;
}

/* The inner cells of subtable g and of every subtable below it. */
static bool add_subtree(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t g,
                        size_t max_vars)
{
    if (!add_cells(ctx, t, t->group_cell + t->group_cell_start[g],
                   t->group_cell_start[g + 1] - t->group_cell_start[g], max_vars))
        return false;
    for (size_t k = t->group_child_start[g]; k < t->group_child_start[g + 1]; k++)
        if (!add_subtree(ctx, t, t->group_child[k], max_vars))
            return false;
    return true;
}

/* Every relation touching a variable; ctx->exact when none of them has an
 * unknown member outside the LP (then it is the whole component). */
static void add_touching(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t)
{
    for (size_t v = 0; v < ctx->n_vars; v++) {
        size_t c = ctx->cells[v];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
            if (ctx->rel_gen[t->cell_rel[k]] != ctx->gen)
                add_rel(ctx, t->cell_rel[k]);
    }
    ctx->exact = true;
    for (size_t i = 0; i < ctx->n_crels && ctx->exact; i++) {
        size_t r = ctx->rels[i];
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
            if (!in_lp(ctx, t->rel_cell[m]) && ws_sdc_is_variable(&t->cells[t->rel_cell[m]]))
                ctx->exact = false;
    }
}

/* The subtree of subtable g and every relation touching it: everything
 * else unknown (its margins included) is held at its true value (a
 * restriction).  False (nothing usable) past max_vars. */
static bool collect_subtree(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t g,
                            size_t max_vars)
{
    next_gen(ctx);
    ctx->exact = false;
    if (!add_subtree(ctx, t, g, max_vars)) {
        next_gen(ctx);
        return false;
    }
    add_touching(ctx, t);
    return true;
}

/* Subtable g: its relations and their unknown members. */
static void collect_group(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t g)
{
    next_gen(ctx);
    ctx->exact = false;
    for (size_t i = t->group_rel_start[g]; i < t->group_rel_start[g + 1]; i++) {
        size_t r = t->group_rel[i];
        add_rel(ctx, r);
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t d = t->rel_cell[m];
            if (!in_lp(ctx, d) && ws_sdc_is_variable(&t->cells[d]))
                add_var(ctx, d);
        }
    }
}

static void grow_row(struct ws_audit_ctx *ctx, size_t len)
{
    if (len <= ctx->row_cap)
        return;
    ctx->row_cap = len;
    ctx->row_idx = ws_xrealloc(ctx->row_idx, ws_st_mult(len, sizeof(*ctx->row_idx)));
    ctx->row_coef = ws_xrealloc(ctx->row_coef, ws_st_mult(len, sizeof(*ctx->row_coef)));
}

/* The LP of the current variables and relations (see the invariants):
 * owned, free with ws_lp_free(). */
static struct ws_lp *build_lp(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t)
{
    struct ws_lp *lp = ws_lp_new(ctx->n_vars);

    if (ctx->n_vars > ctx->max_vars)
        ctx->max_vars = ctx->n_vars;
    for (size_t v = 0; v < ctx->n_vars; v++) {
        double lo;
        double hi;
        ws_sdc_bounds(t, ctx->cells[v], &lo, &hi);
        ws_lp_set_bounds(lp, v, lo, hi);
    }
    for (size_t i = 0; i < ctx->n_crels; i++) {
        size_t r = ctx->rels[i];
        size_t n = 0;
        double rhs = 0.0;
        grow_row(ctx, t->rel_start[r + 1] - t->rel_start[r]);
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            double a = t->rel_coef[m];
            if (in_lp(ctx, c)) {
                ctx->row_idx[n] = ctx->var_of[c];
                ctx->row_coef[n++] = a;
            } else {
                rhs -= a * t->cells[c].value; // known, or held at its true value
            }
        }
        ws_lp_add_row(lp, n, ctx->row_idx, ctx->row_coef, rhs);
    }
    return lp;
}

static double eps_of(double v)
{
    return 1e-6 * (fabs(v) > 1.0 ? fabs(v) : 1.0);
}

static struct ws_sdc_range whole_range(double mn, double mx)
{
    struct ws_sdc_range r;

    // + 0.0: no "-0" from ceil(-1e-9)
    r.low = isinf(mn) ? mn : ceil(mn - eps_of(mn)) + 0.0;
    r.high = isinf(mx) ? mx : floor(mx + eps_of(mx)) + 0.0;
    return r;
}

static void obs_reset(struct ws_audit_ctx *ctx)
{
    if (ctx->n_vars > ctx->obs_cap) {
        ctx->obs_cap = ctx->n_vars;
        ctx->obs_min = ws_xrealloc(ctx->obs_min, ws_st_mult(ctx->obs_cap, sizeof(double)));
        ctx->obs_max = ws_xrealloc(ctx->obs_max, ws_st_mult(ctx->obs_cap, sizeof(double)));
    }
    for (size_t v = 0; v < ctx->n_vars; v++) {
        ctx->obs_min[v] = INFINITY;
        ctx->obs_max[v] = -INFINITY;
    }
}

/* Every optimal solution is feasible: a variable seen at a value there can
 * take it. */
static void observe(struct ws_audit_ctx *ctx, const struct ws_lp *lp)
{
    for (size_t v = 0; v < ctx->n_vars; v++) {
        double x = ws_lp_value(lp, v);
        if (isnan(x))
            continue;
        if (x < ctx->obs_min[v])
            ctx->obs_min[v] = x;
        if (x > ctx->obs_max[v])
            ctx->obs_max[v] = x;
    }
}

/* min (dir 0) or max (dir 1) of variable v, skipping the solve when a
 * solution already put it at its prior bound. */
static int extreme(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, struct ws_lp *lp,
                   size_t v, int dir, double *val, struct ws_err *err)
{
    double lo;
    double hi;
    size_t before;
    int rc;

    ws_sdc_bounds(t, ctx->cells[v], &lo, &hi);
    if (dir == 0 && ctx->obs_min[v] <= lo + eps_of(lo)) {
        *val = lo;
        return WS_OK;
    }
    if (dir == 1 && !isinf(hi) && ctx->obs_max[v] >= hi - eps_of(hi)) {
        *val = hi;
        return WS_OK;
    }
    before = ws_lp_solves(lp);
    rc = ws_lp_optimise(lp, v, dir == 1, val, err);
    ctx->solves += ws_lp_solves(lp) - before;
    if (!rc && !isinf(*val))
        observe(ctx, lp);
    return rc;
}

static int range_of(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, struct ws_lp *lp,
                    size_t v, struct ws_sdc_range *range, struct ws_err *err)
{
    double mn;
    double mx;
    int rc;

    if ((rc = extreme(ctx, t, lp, v, 0, &mn, err)) || (rc = extreme(ctx, t, lp, v, 1, &mx, err)))
        return rc;
    *range = whole_range(mn, mx);
    return WS_OK;
}

/* The range of the first variable on the current LP. */
static int first_range(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t,
                       struct ws_sdc_range *range, struct ws_err *err)
{
    struct ws_lp *lp = build_lp(ctx, t);
    int rc;

    obs_reset(ctx);
    rc = range_of(ctx, t, lp, 0, range, err);
    ws_lp_free(lp);
    return rc;
}

int ws_audit_hood_range(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                        size_t max_vars, struct ws_sdc_range *range, bool *exact,
                        struct ws_err *err)
{
    collect_hood(ctx, t, cell, max_vars);
    if (exact)
        *exact = ctx->exact;
    return first_range(ctx, t, range, err);
}

int ws_audit_group_range(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t group,
                         size_t cell, struct ws_sdc_range *range, struct ws_err *err)
{
    struct ws_lp *lp;
    int rc;

    collect_group(ctx, t, group);
    if (!in_lp(ctx, cell)) {
        ws_sdc_bounds(t, cell, &range->low, &range->high);
        return WS_OK;
    }
    lp = build_lp(ctx, t);
    obs_reset(ctx);
    rc = range_of(ctx, t, lp, ctx->var_of[cell], range, err);
    ws_lp_free(lp);
    return rc;
}

int ws_audit_group_narrow(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t group,
                          const bool *skip, size_t *found, struct ws_err *err)
{
    struct ws_lp *lp;
    int rc = WS_OK;

    *found = SIZE_MAX;
    collect_group(ctx, t, group);
    lp = build_lp(ctx, t);
    obs_reset(ctx);
    for (size_t v = 0; v < ctx->n_vars && !rc; v++) {
        size_t c = ctx->cells[v];
        struct ws_sdc_range rg;
        if (!ws_sdc_needs_range(t, c) || (skip && skip[c]))
            continue;
        rc = range_of(ctx, t, lp, v, &rg, err);
        if (!rc && !(ws_sdc_range_width(&rg) >= (double)t->safety_range)) {
            *found = c;
            break;
        }
    }
    ws_lp_free(lp);
    return rc;
}

/* Is cell c waiting for certification? */
static bool pending(const struct ws_sdc_table *t, size_t c, bool only_dirty)
{
    return ws_sdc_needs_range(t, c) && t->cells[c].cert == WS_CERT_NONE &&
           (!only_dirty || t->cells[c].dirty);
}

/* Pending, and not already shown too narrow by the network. */
static bool todo(const struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t c,
                 bool only_dirty)
{
    return pending(t, c, only_dirty) && !ctx->narrow[c];
}

/* Has relation r an unknown member outside the current LP?  Worked out
 * once per LP (memo: open_gen, open_val). */
static bool rel_open(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t r)
{
    bool open = false;

    if (ctx->open_gen[r] == ctx->gen)
        return ctx->open_val[r];
    for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1] && !open; m++) {
        size_t d = t->rel_cell[m];
        open = !in_lp(ctx, d) && ws_sdc_is_variable(&t->cells[d]);
    }
    ctx->open_gen[r] = ctx->gen;
    ctx->open_val[r] = open;
    return open;
}

/* Are all unknown members of v's relations in the current LP (v is not on
 * the neighbourhood's rim)? */
static bool inner(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t c)
{
    if (ctx->exact)
        return true;
    for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
        if (rel_open(ctx, t, t->cell_rel[k]))
            return false;
    return true;
}

static void record(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t c,
                   const struct ws_sdc_range *rg, bool exact)
{
    bool wide = ws_sdc_range_width(rg) >= (double)t->safety_range;

    if (exact)
        t->ranges[c] = *rg; // exact: published in audit.csv (wide or not)
    if (wide) {
        t->cells[c].cert = exact ? WS_CERT_EXACT : WS_CERT_BOUND;
        ctx->n_cert++;
    }
}

static void certified(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t c)
{
    t->cells[c].cert = WS_CERT_BOUND;
    ctx->n_cert++;
}

/* Now and then: the cells certified of those to do. */
static void report(struct ws_audit_ctx *ctx)
{
    if (ctx->progress && (++ctx->prog_tick & 63) == 0)
        ctx->progress(ctx->prog_arg, ctx->n_cert - ctx->prog_base, ctx->prog_total);
}

/* Two solves that put many cells at their bounds at once: minimise the sum
 * of the suppressed variables, maximise the sum of the primary ones (bounded
 * above).  Most cells of a neighbourhood reach both prior bounds here. */
static int seed_witnesses(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, struct ws_lp *lp,
                          struct ws_err *err)
{
    int rc = WS_OK;

    grow_row(ctx, ctx->n_vars);
    for (int pass = 0; pass < 2 && !rc; pass++) {
        size_t n = 0;
        double val;
        for (size_t v = 0; v < ctx->n_vars; v++) {
            unsigned char st = t->cells[ctx->cells[v]].state;
            if (pass == 0 ? ws_sdc_is_suppressed(st) : st == WS_CELL_PRIMARY) {
                ctx->row_idx[n] = v;
                ctx->row_coef[n++] = 1.0;
            }
        }
        if (n < 2)
            continue;
        ctx->solves++;
        rc = ws_lp_optimise_sum(lp, n, ctx->row_idx, ctx->row_coef, pass == 1, &val, err);
        if (!rc && !isinf(val))
            observe(ctx, lp);
    }
    return rc;
}

/* Certifies variable v from the solutions seen so far, or its range. */
static int certify_var(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, struct ws_lp *lp, size_t v,
                       struct ws_err *err)
{
    double s = (double)t->safety_range;
    size_t c = ctx->cells[v];
    struct ws_sdc_range rg;
    double mn;
    int rc;

    // two solutions this far apart show the width (exact hoods: the range too)
    if (!ctx->exact && ctx->obs_max[v] - ctx->obs_min[v] >= s - 1e-6) {
        certified(ctx, t, c);
        return WS_OK;
    }
    if ((rc = extreme(ctx, t, lp, v, 0, &mn, err)))
        return rc;
    if (!ctx->exact && ctx->obs_max[v] - mn >= s - 1e-6) {
        certified(ctx, t, c);
        return WS_OK;
    }
    if ((rc = range_of(ctx, t, lp, v, &rg, err)))
        return rc;
    record(ctx, t, c, &rg, ctx->exact);
    return WS_OK;
}

/* One neighbourhood around `seed`: the ranges of its pending cells (the
 * seed, and those not on the rim). */
static int certify_hood(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t seed,
                        size_t max_vars, bool only_dirty, struct ws_err *err)
{
    struct ws_lp *lp;
    int rc = WS_OK;

    collect_hood(ctx, t, seed, max_vars);
    lp = build_lp(ctx, t);
    obs_reset(ctx);
    if (ctx->n_vars >= 8)
        rc = seed_witnesses(ctx, t, lp, err);
    for (size_t v = 0; v < ctx->n_vars && !rc; v++) {
        size_t c = ctx->cells[v];
        if (!todo(ctx, t, c, only_dirty) ||
            (v > 0 && max_vars > ws_audit_levels[0] && !inner(ctx, t, c)))
            continue;
        if (v == 0 || max_vars <= ws_audit_levels[0] || ctx->exact)
            rc = certify_var(ctx, t, lp, v, err);
        else if (ctx->obs_max[v] - ctx->obs_min[v] >= (double)t->safety_range - 1e-6)
            certified(ctx, t, c); // large LPs: solve for the seed only
    }
    ws_lp_free(lp);
    return rc;
}

/* Certifies the pending cells of subtree g on its restricted LP. */
static int certify_subtree(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t g,
                           bool only_dirty, struct ws_err *err)
{
    struct ws_lp *lp;
    bool any = false;
    int rc = WS_OK;

    if (!collect_subtree(ctx, t, g, ws_audit_levels[WS_AUDIT_N_LEVELS - 2]))
        return WS_OK;
    for (size_t v = 0; v < ctx->n_vars && !any; v++)
        any = todo(ctx, t, ctx->cells[v], only_dirty);
    if (!any)
        return WS_OK;
    lp = build_lp(ctx, t);
    obs_reset(ctx);
    if (ctx->n_vars >= 8)
        rc = seed_witnesses(ctx, t, lp, err);
    for (size_t v = 0; v < ctx->n_vars && !rc; v++)
        if (todo(ctx, t, ctx->cells[v], only_dirty))
            rc = certify_var(ctx, t, lp, v, err);
    ws_lp_free(lp);
    return rc;
}

/* Subtrees first, bottom-up (a wijk's buurten, then a gemeente's wijken
 * and buurten): most cells are cleared where their subtable lies. */
static int certify_subtrees(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, bool only_dirty,
                            struct ws_err *err)
{
    bool *has = ws_xcalloc(t->n_groups + 1, sizeof(*has));
    int rc = WS_OK;

    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].group != WS_SDC_NO_GROUP && todo(ctx, t, i, only_dirty))
            for (size_t h = t->cells[i].group; h != WS_SDC_NO_GROUP; h = t->group_parent[h])
                has[h] = true;
    for (size_t g = t->n_groups; g-- > 0 && !rc;)
        if (has[g])
            rc = certify_subtree(ctx, t, g, only_dirty, err);
    free(has);
    return rc;
}

enum ws_flow_verdict ws_audit_flow(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t,
                                   size_t cell)
{
    enum ws_flow_verdict v;

    if (!ctx->use_flow)
        return WS_FLOW_UNKNOWN;
    v = ws_flow_check(ctx->flow, (struct ws_sdc_table *)t, cell, NULL);
    ctx->flow_wide += v == WS_FLOW_WIDE;
    ctx->flow_narrow += v == WS_FLOW_NARROW;
    ctx->flow_unknown += v == WS_FLOW_UNKNOWN;
    return v;
}

void ws_audit_ctx_set_network(struct ws_audit_ctx *ctx, bool on)
{
    ctx->use_flow = on;
}

size_t ws_audit_ctx_network(const struct ws_audit_ctx *ctx, size_t *n_narrow, size_t *n_unknown)
{
    if (n_narrow)
        *n_narrow = ctx ? ctx->flow_narrow : 0;
    if (n_unknown)
        *n_unknown = ctx ? ctx->flow_unknown : 0;
    return ctx ? ctx->flow_wide : 0;
}

/* The network first (flow.h): cells it shows wide are certified, cells it
 * shows narrow skip the LPs (they stay pending: the repair's work). */
static void flow_pass(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, bool only_dirty)
{
    for (size_t i = 0; i < t->n_cells; i++) {
        size_t also = 0;
        enum ws_flow_verdict v;
        ctx->narrow[i] = false;
        if (!ctx->use_flow || !pending(t, i, only_dirty))
            continue;
        v = ws_flow_check(ctx->flow, t, i, &also);
        ctx->n_cert += also;
        if (v == WS_FLOW_WIDE)
            certified(ctx, t, i);
        ctx->narrow[i] = v == WS_FLOW_NARROW;
        ctx->flow_wide += (v == WS_FLOW_WIDE) + also;
        ctx->flow_narrow += v == WS_FLOW_NARROW;
        ctx->flow_unknown += v == WS_FLOW_UNKNOWN;
        report(ctx);
    }
}

int ws_audit_certify(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, size_t up_to,
                     bool only_dirty, size_t *n_left,
                     void (*progress)(void *arg, size_t done, size_t total), void *arg,
                     struct ws_err *err)
{
    size_t total = 0;
    size_t left = 0;
    int rc = WS_OK;

    if (!t->ranges) {
        t->ranges = ws_xcalloc(t->n_cells + 1, sizeof(*t->ranges));
        for (size_t i = 0; i < t->n_cells; i++)
            t->ranges[i].low = t->ranges[i].high = NAN;
    }
    for (size_t i = 0; i < t->n_cells; i++)
        total += pending(t, i, only_dirty);
    ctx->progress = progress;
    ctx->prog_arg = arg;
    ctx->prog_base = ctx->n_cert;
    ctx->prog_total = total;
    flow_pass(ctx, t, only_dirty);
    if (!ctx->use_flow && (rc = certify_subtrees(ctx, t, only_dirty, err)))
        return rc;
    for (size_t lv = 0; lv <= up_to && lv < WS_AUDIT_N_LEVELS && !rc; lv++) {
        for (size_t i = 0; i < t->n_cells && !rc; i++) {
            if (!todo(ctx, t, i, only_dirty))
                continue;
            rc = certify_hood(ctx, t, i, ws_audit_levels[lv], only_dirty, err);
            report(ctx);
        }
        left = 0;
        for (size_t i = 0; i < t->n_cells; i++)
            left += pending(t, i, only_dirty);
        if (left == 0)
            break;
    }
    for (size_t i = 0; i < t->n_cells; i++)
        t->cells[i].dirty = false;
    if (n_left)
        *n_left = left;
    return rc;
}

/* --- published records ------------------------------------------------------- */

void ws_audit_release(struct ws_audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        free(a->rec[i].note);
    free(a->rec);
    ws_text_pool_free(a->texts);
    a->texts = NULL;
    a->rec = NULL;
    a->n = a->cap = 0;
}

struct ws_audit_record *ws_audit_add(struct ws_audit *a, const char *code, enum ws_level level,
                                     int year, const char *category, enum ws_suppression reason,
                                     enum ws_audit_check check, double low, double high)
{
    struct ws_audit_record *r;

    WS_VEC_GROW(a->rec, a->n + 1, a->cap);
    r = &a->rec[a->n++];
    memset(r, 0, sizeof(*r));
    if (!a->texts)
        a->texts = ws_text_pool_new();
    r->code = ws_text_pool_intern(a->texts, code ? code : "");
    r->level = level;
    r->year = year;
    r->category = ws_text_pool_intern(a->texts, category ? category : "");
    r->reason = reason;
    r->check = check;
    r->range_low = low;
    r->range_high = high;
    return r;
}

static const char *check_name(const struct ws_audit *a, enum ws_audit_check c, char *buf,
                              size_t size)
{
    switch (c) {
    case WS_CHECK_EXACT:
        return "exact";
    case WS_CHECK_BOUND:
        (void)snprintf(buf, size, "at least %ld", a->safety_range);
        return buf;
    case WS_CHECK_EXEMPT:
        return "exempt";
    default:
        return "withheld";
    }
}

char *ws_audit_csv(const struct ws_audit *a)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_strbuf_adds(&sb,
                   "code,level,year,category,reason,check,range_low,range_high,range_width,note\n");
    for (size_t i = 0; a && i < a->n; i++) {
        const struct ws_audit_record *r = &a->rec[i];
        char buf[64];
        ws_strbuf_add_csv(&sb, r->code);
        ws_strbuf_addf(&sb, ",%s,%d,", r->check == WS_CHECK_WITHHELD ? "" : ws_level_name(r->level),
                       r->year);
        ws_strbuf_add_csv(&sb, r->category);
        ws_strbuf_addf(&sb, ",%s,%s,",
                       r->check == WS_CHECK_WITHHELD  ? "withheld"
                       : r->reason == WS_SUPP_PRIMARY ? "primary"
                                                      : "secondary",
                       check_name(a, r->check, buf, sizeof(buf)));
        if (r->check != WS_CHECK_EXACT || isnan(r->range_low) || isnan(r->range_high))
            ws_strbuf_adds(&sb, ",,");
        else if (isinf(r->range_high))
            ws_strbuf_addf(&sb, "%.0f,,", r->range_low);
        else
            ws_strbuf_addf(&sb, "%.0f,%.0f,%.0f", r->range_low, r->range_high,
                           r->range_high - r->range_low);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, r->note ? r->note : "");
        ws_strbuf_addch(&sb, '\n');
    }
    return ws_strbuf_detach(&sb);
}
