/*
 * audit.c - the attacker's audit: feasible ranges of suppressed cells by LP
 * (see audit.h for the model and costs).
 *
 * Invariants:
 *   - only published knowledge enters an LP: EXACT cells are constants (their
 *     count follows from a published rate and population), every other cell
 *     is a variable with the attacker's prior bounds (ws_sdc_bounds); the
 *     true value of an unknown cell is never used;
 *   - a component is the set of unknown cells reachable from a suppressed
 *     cell through relations; a relation joins the LP of every unknown cell
 *     it holds, with its EXACT members moved to the right-hand side;
 *   - ranges are whole numbers: [ceil(min - eps), floor(max + eps)], eps
 *     1e-6 relative, for the simplex's feasibility tolerance.
 */
#include "wijkscan/audit.h"

#include "wijkscan/lp.h"
#include "wijkscan/mem.h"
#include "wijkscan/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ws_audit_ctx {
    size_t n_cells, n_rels;
    unsigned *cell_gen; /* == gen: cell is in the current component */
    unsigned *rel_gen;  /* == gen: relation is in the current component */
    unsigned gen;
    size_t *var_of; /* cell -> variable, valid when cell_gen == gen */

    size_t *cells; /* variables of the current component (cell indices) */
    size_t n_vars, vars_cap;
    size_t *rels;
    size_t n_crels, crels_cap;

    size_t *row_idx; /* one LP row under construction */
    double *row_coef;
    size_t row_cap;

    size_t solves;
    size_t max_vars;  /* largest component so far */
    size_t *seed_idx; /* objective of the seeding solves */
    double *seed_coef;
    size_t seed_cap;

    /* decomposition of the current component (see decompose()) */
    size_t n_blocks, n_crows;
    size_t *block_of;   /* var -> block */
    size_t *uf;         /* union-find parents, then block ids of roots */
    size_t *bvar_start; /* block -> vars (CSR over bvars) */
    size_t *bvars;
    size_t *brel_start; /* block -> relations (CSR over brels) */
    size_t *brels;
    size_t *crows;           /* coupling relations */
    size_t *crow_of;         /* var -> coupling row index, NONE, or MULTI */
    size_t *local;           /* var -> index in its block's LP */
    double *ab_lo, *ab_hi;   /* var -> how far it can move with its block (absorption) */
    bool *ab_done;           /* block -> absorption computed */
    struct pair_move *pairs; /* two coupled variables of one block moving oppositely */
    size_t n_pairs, pairs_cap;
    size_t *pair_start, *pair_n; /* block -> its pairs */
    unsigned *used;              /* block -> certification mark */
    double *budget;              /* block -> share of its moves still free (see certify) */
    unsigned used_gen;
    size_t big_solves;             /* fallbacks to a whole decomposed component */
    size_t lower_bounds;           /* decomposed ranges taken from the restricted LP */
    bool inexact;                  /* see ws_audit_ctx_set_exact() */
    size_t inexact_hits;           /* ranges narrowed because of it */
    bool *in_virtual;              /* cell -> member of a relation with a virtual known total */
    unsigned char *rel_kind;       /* per ctx->rels entry: REL_* */
    size_t *rel_crow;              /* relation id -> coupling row index or NONE (n_rels) */
    double *delta;                 /* coupling row -> how far a block moved it */
    size_t *touched;               /* coupling rows with a delta */
    size_t dcap, bcap, rcap, ccap; /* capacities: vars, blocks, ctx->rels, coupling rows */
};

enum { REL_BLOCK = 0, REL_COUPLING = 1, REL_EMPTY = 2 };

/* Variable u may rise by up to `up` (and fall by up to `down`) while w
 * moves the other way by as much (same: the same way, as a gemeente's 'all'
 * and one of its categories do), the block's other coupled variables at
 * their true values. */
struct pair_move {
    size_t u, w;
    double up, down;
    bool same;
};

/* Components with fewer variables get no seeding solves. */
#define SEED_MIN_VARS 24
/* Components with fewer variables are never decomposed (tests lower it). */
static size_t decompose_min_vars = 2000;

#define NONE  ((size_t)-1)
#define MULTI ((size_t)-2)

static bool is_suppressed(unsigned char state)
{
    return state == WS_CELL_PRIMARY || state == WS_CELL_SECONDARY;
}

static bool virtual_total(const struct ws_sdc_table *t, size_t r);

struct ws_audit_ctx *ws_audit_ctx_new(const struct ws_sdc_table *t)
{
    struct ws_audit_ctx *ctx = ws_xcalloc(1, sizeof(*ctx));

    ctx->n_cells = t->n_cells;
    ctx->n_rels = t->n_rels;
    ctx->cell_gen = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->cell_gen));
    ctx->rel_gen = ws_xcalloc(t->n_rels + 1, sizeof(*ctx->rel_gen));
    ctx->var_of = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->var_of));
    ctx->rel_crow = ws_xmalloc(ws_st_mult(t->n_rels + 1, sizeof(*ctx->rel_crow)));
    for (size_t r = 0; r <= t->n_rels; r++)
        ctx->rel_crow[r] = NONE;
    ctx->in_virtual = ws_xcalloc(t->n_cells + 1, sizeof(*ctx->in_virtual));
    for (size_t r = 0; r < t->n_rels; r++)
        if (virtual_total(t, r))
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
                ctx->in_virtual[t->rel_cell[m]] = true;
    return ctx;
}

void ws_audit_ctx_free(struct ws_audit_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->cell_gen);
    free(ctx->rel_gen);
    free(ctx->var_of);
    free(ctx->cells);
    free(ctx->rels);
    free(ctx->row_idx);
    free(ctx->row_coef);
    free(ctx->seed_idx);
    free(ctx->seed_coef);
    free(ctx->block_of);
    free(ctx->uf);
    free(ctx->bvar_start);
    free(ctx->bvars);
    free(ctx->brel_start);
    free(ctx->brels);
    free(ctx->crows);
    free(ctx->crow_of);
    free(ctx->local);
    free(ctx->ab_lo);
    free(ctx->ab_hi);
    free(ctx->ab_done);
    free(ctx->pairs);
    free(ctx->pair_start);
    free(ctx->pair_n);
    free(ctx->used);
    free(ctx->budget);
    free(ctx->rel_kind);
    free(ctx->in_virtual);
    free(ctx->rel_crow);
    free(ctx->delta);
    free(ctx->touched);
    free(ctx);
}

size_t ws_audit_ctx_solves(const struct ws_audit_ctx *ctx)
{
    return ctx ? ctx->solves : 0;
}

void ws_audit_ctx_set_exact(struct ws_audit_ctx *ctx, bool exact)
{
    ctx->inexact = !exact;
}

size_t ws_audit_ctx_inexact(const struct ws_audit_ctx *ctx)
{
    return ctx ? ctx->inexact_hits : 0;
}

size_t ws_audit_ctx_max_component(const struct ws_audit_ctx *ctx)
{
    return ctx ? ctx->max_vars : 0;
}

double ws_sdc_range_width(const struct ws_sdc_range *r)
{
    if (isnan(r->low) || isnan(r->high))
        return NAN;
    if (isinf(r->high) || isinf(r->low))
        return INFINITY;
    return r->high - r->low;
}

static void next_gen(struct ws_audit_ctx *ctx)
{
    if (++ctx->gen == 0) {
        // wrapped: forget every old mark
        memset(ctx->cell_gen, 0, (ctx->n_cells + 1) * sizeof(*ctx->cell_gen));
        memset(ctx->rel_gen, 0, (ctx->n_rels + 1) * sizeof(*ctx->rel_gen));
        ctx->gen = 1;
    }
}

/* The component of unknown cells around `seed` (which must be unknown):
 * ctx->cells (variables, seed first) and ctx->rels. */
static void collect(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t seed)
{
    next_gen(ctx);
    ctx->n_vars = 0;
    ctx->n_crels = 0;
    WS_VEC_GROW(ctx->cells, 1, ctx->vars_cap);
    ctx->cells[ctx->n_vars] = seed;
    ctx->var_of[seed] = ctx->n_vars++;
    ctx->cell_gen[seed] = ctx->gen;
    // the variable list doubles as the BFS queue
    for (size_t q = 0; q < ctx->n_vars; q++) {
        size_t c = ctx->cells[q];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++) {
            size_t r = t->cell_rel[k];
            if (ctx->rel_gen[r] == ctx->gen)
                continue;
            ctx->rel_gen[r] = ctx->gen;
            WS_VEC_GROW(ctx->rels, ctx->n_crels + 1, ctx->crels_cap);
            ctx->rels[ctx->n_crels++] = r;
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t d = t->rel_cell[m];
                if (ctx->cell_gen[d] == ctx->gen || !ws_sdc_is_variable(&t->cells[d]))
                    continue;
                ctx->cell_gen[d] = ctx->gen;
                WS_VEC_GROW(ctx->cells, ctx->n_vars + 1, ctx->vars_cap);
                ctx->cells[ctx->n_vars] = d;
                ctx->var_of[d] = ctx->n_vars++;
            }
        }
    }
}

/* The LP of the current component: owned, free with ws_lp_free(). */
static struct ws_lp *build_lp(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t)
{
    struct ws_lp *lp = ws_lp_new(ctx->n_vars);

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
        size_t len = t->rel_start[r + 1] - t->rel_start[r];
        if (len > ctx->row_cap) {
            ctx->row_cap = len;
            ctx->row_idx = ws_xrealloc(ctx->row_idx, ws_st_mult(len, sizeof(*ctx->row_idx)));
            ctx->row_coef = ws_xrealloc(ctx->row_coef, ws_st_mult(len, sizeof(*ctx->row_coef)));
        }
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            double a = t->rel_coef[m];
            if (ws_sdc_is_variable(&t->cells[c])) {
                ctx->row_idx[n] = ctx->var_of[c];
                ctx->row_coef[n++] = a;
            } else {
                rhs -= a * t->cells[c].value;
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

static int solve(struct ws_audit_ctx *ctx, struct ws_lp *lp, size_t v, bool maximise, double *val,
                 struct ws_err *err)
{
    size_t before = ws_lp_solves(lp);
    int rc = ws_lp_optimise(lp, v, maximise, val, err);

    ctx->solves += ws_lp_solves(lp) - before;
    return rc;
}

/* --- decomposition ---------------------------------------------------------
 * A component that spans many gemeenten does so only through relations whose
 * total is a virtual, known cell (the study total per category, the known
 * sums of protect.c): "coupling rows".  Without them it falls apart into
 * blocks (one gemeente and year each).  A cell's extreme is first found in
 * its block alone (a relaxation: coupling rows left out, so it can only be
 * more extreme), and that block solution is then extended to a point of the
 * whole component: each coupling row the block moves (by delta) is balanced
 * by other blocks, each moving ONE of its coupled cells within what its
 * block allows with its other coupled cells at their true values (its
 * "absorption" interval), every block at most once.  When that succeeds the
 * relaxed extreme is attained in the whole component, so it is the exact
 * extreme; otherwise (rare) the whole component's LP is solved.  Only
 * components of at least decompose_min_vars variables are decomposed.
 */

size_t ws_audit_set_decompose_min(size_t n_vars)
{
    size_t old = decompose_min_vars;

    decompose_min_vars = n_vars;
    return old;
}

static size_t uf_find(size_t *uf, size_t x)
{
    while (uf[x] != x) {
        uf[x] = uf[uf[x]];
        x = uf[x];
    }
    return x;
}

/* Does relation r have a virtual known total (a coupling candidate)? */
static bool virtual_total(const struct ws_sdc_table *t, size_t r)
{
    for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
        if (t->rel_coef[m] < 0)
            return t->cells[t->rel_cell[m]].fixed && t->cells[t->rel_cell[m]].tag == WS_SDC_NO_TAG;
    return false;
}

static void grow_decomp(struct ws_audit_ctx *ctx)
{
    size_t n = ctx->n_vars + 1;
    size_t nr = ctx->n_crels + 1;

    if (n > ctx->dcap) {
        ctx->dcap = n;
        ctx->block_of = ws_xrealloc(ctx->block_of, ws_st_mult(n, sizeof(*ctx->block_of)));
        ctx->uf = ws_xrealloc(ctx->uf, ws_st_mult(n, sizeof(*ctx->uf)));
        ctx->bvars = ws_xrealloc(ctx->bvars, ws_st_mult(n, sizeof(*ctx->bvars)));
        ctx->crow_of = ws_xrealloc(ctx->crow_of, ws_st_mult(n, sizeof(*ctx->crow_of)));
        ctx->local = ws_xrealloc(ctx->local, ws_st_mult(n, sizeof(*ctx->local)));
        ctx->ab_lo = ws_xrealloc(ctx->ab_lo, ws_st_mult(n, sizeof(*ctx->ab_lo)));
        ctx->ab_hi = ws_xrealloc(ctx->ab_hi, ws_st_mult(n, sizeof(*ctx->ab_hi)));
        // at most one block per variable
        ctx->bvar_start = ws_xrealloc(ctx->bvar_start, ws_st_mult(n + 1, sizeof(size_t)));
        ctx->brel_start = ws_xrealloc(ctx->brel_start, ws_st_mult(n + 1, sizeof(size_t)));
        ctx->ab_done = ws_xrealloc(ctx->ab_done, ws_st_mult(n, sizeof(*ctx->ab_done)));
        ctx->pair_start = ws_xrealloc(ctx->pair_start, ws_st_mult(n, sizeof(size_t)));
        ctx->pair_n = ws_xrealloc(ctx->pair_n, ws_st_mult(n, sizeof(size_t)));
        ctx->used = ws_xrealloc(ctx->used, ws_st_mult(n, sizeof(*ctx->used)));
        ctx->budget = ws_xrealloc(ctx->budget, ws_st_mult(n, sizeof(*ctx->budget)));
        // every block is "not used in this certification" (used != gen)
        memset(ctx->used, 0, n * sizeof(*ctx->used));
        ctx->used_gen = 0;
    }
    if (nr > ctx->rcap) {
        ctx->rcap = nr;
        ctx->rel_kind = ws_xrealloc(ctx->rel_kind, nr);
        ctx->brels = ws_xrealloc(ctx->brels, ws_st_mult(nr, sizeof(*ctx->brels)));
        ctx->crows = ws_xrealloc(ctx->crows, ws_st_mult(nr, sizeof(*ctx->crows)));
        ctx->delta = ws_xrealloc(ctx->delta, ws_st_mult(nr, sizeof(*ctx->delta)));
        // a row that certify() has not touched needs no move: delta 0
        memset(ctx->delta, 0, nr * sizeof(*ctx->delta));
        ctx->touched = ws_xrealloc(ctx->touched, ws_st_mult(nr, sizeof(*ctx->touched)));
    }
}

/* Splits the current component into blocks and coupling rows.  Returns false
 * (and sets nothing usable) when it is small or has no coupling row. */
static bool decompose(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t)
{
    size_t n = ctx->n_vars;
    size_t nb = 0;

    for (size_t k = 0; k < ctx->n_crows; k++)
        ctx->rel_crow[ctx->crows[k]] = NONE; // forget the last component's
    ctx->n_crows = 0;
    ctx->n_blocks = 0;
    if (n < decompose_min_vars)
        return false;
    grow_decomp(ctx);
    for (size_t v = 0; v < n; v++)
        ctx->uf[v] = v;
    // blocks: variables linked by relations other than the candidates
    for (size_t i = 0; i < ctx->n_crels; i++) {
        size_t r = ctx->rels[i];
        size_t first = NONE;
        ctx->rel_kind[i] = virtual_total(t, r) ? REL_COUPLING : REL_BLOCK;
        if (ctx->rel_kind[i] == REL_COUPLING)
            continue;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            size_t a;
            size_t b;
            if (!ws_sdc_is_variable(&t->cells[c]))
                continue;
            if (first == NONE) {
                first = ctx->var_of[c];
                continue;
            }
            a = uf_find(ctx->uf, first);
            b = uf_find(ctx->uf, ctx->var_of[c]);
            if (a != b)
                ctx->uf[a] = b;
        }
    }
    for (size_t v = 0; v < n; v++)
        ctx->block_of[v] = NONE;
    for (size_t v = 0; v < n; v++) {
        size_t root = uf_find(ctx->uf, v);
        if (ctx->block_of[root] == NONE)
            ctx->block_of[root] = nb++;
    }
    for (size_t v = 0; v < n; v++)
        ctx->block_of[v] = ctx->block_of[uf_find(ctx->uf, v)];
    // a candidate is a coupling row only when it spans two blocks
    for (size_t i = 0; i < ctx->n_crels; i++) {
        size_t r = ctx->rels[i];
        size_t b0 = NONE;
        bool spans = false;
        if (ctx->rel_kind[i] != REL_COUPLING)
            continue;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            size_t b;
            if (!ws_sdc_is_variable(&t->cells[c]))
                continue;
            b = ctx->block_of[ctx->var_of[c]];
            if (b0 == NONE)
                b0 = b;
            else if (b != b0)
                spans = true;
        }
        if (b0 == NONE)
            ctx->rel_kind[i] = REL_EMPTY;
        else if (!spans)
            ctx->rel_kind[i] = REL_BLOCK;
        else {
            ctx->rel_crow[r] = ctx->n_crows;
            ctx->crows[ctx->n_crows++] = r;
        }
    }
    if (ctx->n_crows == 0) {
        return false;
    }
    ctx->n_blocks = nb;
    // block -> variables
    memset(ctx->bvar_start, 0, (nb + 1) * sizeof(size_t));
    for (size_t v = 0; v < n; v++)
        ctx->bvar_start[ctx->block_of[v] + 1]++;
    for (size_t b = 0; b < nb; b++)
        ctx->bvar_start[b + 1] += ctx->bvar_start[b];
    for (size_t b = 0; b < nb; b++)
        ctx->uf[b] = ctx->bvar_start[b]; // fill positions (uf is free now)
    for (size_t v = 0; v < n; v++) {
        size_t b = ctx->block_of[v];
        ctx->local[v] = ctx->uf[b] - ctx->bvar_start[b];
        ctx->bvars[ctx->uf[b]++] = v;
    }
    // block -> relations (by the block of any variable member)
    memset(ctx->brel_start, 0, (nb + 1) * sizeof(size_t));
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (size_t b = 0; b < nb; b++)
                ctx->brel_start[b + 1] += ctx->brel_start[b];
            for (size_t b = 0; b < nb; b++)
                ctx->uf[b] = ctx->brel_start[b];
        }
        for (size_t i = 0; i < ctx->n_crels; i++) {
            size_t r = ctx->rels[i];
            size_t b = NONE;
            if (ctx->rel_kind[i] != REL_BLOCK)
                continue;
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1] && b == NONE; m++)
                if (ws_sdc_is_variable(&t->cells[t->rel_cell[m]]))
                    b = ctx->block_of[ctx->var_of[t->rel_cell[m]]];
            if (pass == 0)
                ctx->brel_start[b + 1]++;
            else
                ctx->brels[ctx->uf[b]++] = r;
        }
    }
    // coupled variables: in one coupling row, or several (MULTI)
    for (size_t v = 0; v < n; v++)
        ctx->crow_of[v] = NONE;
    for (size_t k = 0; k < ctx->n_crows; k++) {
        size_t r = ctx->crows[k];
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            size_t v;
            if (!ws_sdc_is_variable(&t->cells[c]))
                continue;
            v = ctx->var_of[c];
            ctx->crow_of[v] = ctx->crow_of[v] == NONE ? k : MULTI;
        }
    }
    for (size_t b = 0; b < nb; b++)
        ctx->ab_done[b] = false;
    ctx->n_pairs = 0;
    return true;
}

/* The LP of block b (variables numbered ctx->local). */
static struct ws_lp *block_lp(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t b)
{
    size_t n = ctx->bvar_start[b + 1] - ctx->bvar_start[b];
    struct ws_lp *lp = ws_lp_new(n);

    for (size_t k = 0; k < n; k++) {
        double lo;
        double hi;
        ws_sdc_bounds(t, ctx->cells[ctx->bvars[ctx->bvar_start[b] + k]], &lo, &hi);
        ws_lp_set_bounds(lp, k, lo, hi);
    }
    for (size_t i = ctx->brel_start[b]; i < ctx->brel_start[b + 1]; i++) {
        size_t r = ctx->brels[i];
        size_t nr = 0;
        double rhs = 0.0;
        size_t len = t->rel_start[r + 1] - t->rel_start[r];
        if (len > ctx->row_cap) {
            ctx->row_cap = len;
            ctx->row_idx = ws_xrealloc(ctx->row_idx, ws_st_mult(len, sizeof(*ctx->row_idx)));
            ctx->row_coef = ws_xrealloc(ctx->row_coef, ws_st_mult(len, sizeof(*ctx->row_coef)));
        }
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            double a = t->rel_coef[m];
            if (ws_sdc_is_variable(&t->cells[c])) {
                ctx->row_idx[nr] = ctx->local[ctx->var_of[c]];
                ctx->row_coef[nr++] = a;
            } else {
                rhs -= a * t->cells[c].value;
            }
        }
        ws_lp_add_row(lp, nr, ctx->row_idx, ctx->row_coef, rhs);
    }
    return lp;
}

/* block_lp() plus, for every coupling row the block takes part in, the row
 * itself with the other blocks' part as ONE extra variable bounded by the sum
 * of their members' prior bounds: still a relaxation of the whole component
 * (exact extremes are never beyond its), but much closer than leaving the
 * row out, and bounded where the row bounds a cell (a secondary gemeente
 * cell has no upper bound in its block alone). */
static struct ws_lp *block_lp_coupled(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t,
                                      size_t b)
{
    size_t n = ctx->bvar_start[b + 1] - ctx->bvar_start[b];
    size_t k = 0;
    struct ws_lp *lp;

    // the coupling rows of block b (touched[] as scratch, delta[] as marks)
    for (size_t i = ctx->bvar_start[b]; i < ctx->bvar_start[b + 1]; i++) {
        size_t v = ctx->bvars[i];
        size_t c = ctx->cells[v];
        if (ctx->crow_of[v] == NONE)
            continue;
        for (size_t j = t->cell_rel_start[c]; j < t->cell_rel_start[c + 1]; j++) {
            size_t row = ctx->rel_crow[t->cell_rel[j]];
            size_t q = 0;
            if (row == NONE)
                continue;
            while (q < k && ctx->touched[q] != row)
                q++;
            if (q == k)
                ctx->touched[k++] = row;
        }
    }
    lp = ws_lp_new(n + k);
    for (size_t i = 0; i < n; i++) {
        double lo;
        double hi;
        ws_sdc_bounds(t, ctx->cells[ctx->bvars[ctx->bvar_start[b] + i]], &lo, &hi);
        ws_lp_set_bounds(lp, i, lo, hi);
    }
    for (size_t q = 0; q < k; q++) {
        size_t r = ctx->crows[ctx->touched[q]];
        size_t nr = 0;
        size_t n_inf = 0;
        size_t len = t->rel_start[r + 1] - t->rel_start[r] + 1;
        double rhs = 0.0;
        double ylo = 0.0;
        double yhi = 0.0;
        if (len > ctx->row_cap) {
            ctx->row_cap = len;
            ctx->row_idx = ws_xrealloc(ctx->row_idx, ws_st_mult(len, sizeof(*ctx->row_idx)));
            ctx->row_coef = ws_xrealloc(ctx->row_coef, ws_st_mult(len, sizeof(*ctx->row_coef)));
        }
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            double a = t->rel_coef[m];
            double lo;
            double hi;
            if (!ws_sdc_is_variable(&t->cells[c])) {
                rhs -= a * t->cells[c].value;
            } else if (ctx->block_of[ctx->var_of[c]] == b) {
                ctx->row_idx[nr] = ctx->local[ctx->var_of[c]];
                ctx->row_coef[nr++] = a;
            } else {
                ws_sdc_bounds(t, c, &lo, &hi); // a part: coefficient +1
                ylo += lo;
                if (isinf(hi))
                    n_inf++;
                else
                    yhi += hi;
            }
        }
        ws_lp_set_bounds(lp, n + q, ylo, n_inf ? INFINITY : yhi);
        ctx->row_idx[nr] = n + q;
        ctx->row_coef[nr++] = 1.0;
        ws_lp_add_row(lp, nr, ctx->row_idx, ctx->row_coef, rhs);
    }
    // the block's own rows
    {
        struct ws_lp *own = lp;
        for (size_t i = ctx->brel_start[b]; i < ctx->brel_start[b + 1]; i++) {
            size_t r = ctx->brels[i];
            size_t nr = 0;
            double rhs = 0.0;
            size_t len = t->rel_start[r + 1] - t->rel_start[r];
            if (len > ctx->row_cap) {
                ctx->row_cap = len;
                ctx->row_idx = ws_xrealloc(ctx->row_idx, ws_st_mult(len, sizeof(*ctx->row_idx)));
                ctx->row_coef = ws_xrealloc(ctx->row_coef, ws_st_mult(len, sizeof(*ctx->row_coef)));
            }
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t c = t->rel_cell[m];
                double a = t->rel_coef[m];
                if (ws_sdc_is_variable(&t->cells[c])) {
                    ctx->row_idx[nr] = ctx->local[ctx->var_of[c]];
                    ctx->row_coef[nr++] = a;
                } else {
                    rhs -= a * t->cells[c].value;
                }
            }
            ws_lp_add_row(own, nr, ctx->row_idx, ctx->row_coef, rhs);
        }
    }
    return lp;
}

static double true_of(const struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t v)
{
    return t->cells[ctx->cells[v]].value;
}

/* The LP of block b with its coupled variables fixed at their true values:
 * every solution of it is (with the other blocks at their true values) a
 * point of the whole component. */
static struct ws_lp *block_lp_fixed(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t,
                                    size_t b)
{
    struct ws_lp *lp = block_lp(ctx, t, b);

    for (size_t i = ctx->bvar_start[b]; i < ctx->bvar_start[b + 1]; i++) {
        size_t v = ctx->bvars[i];
        if (ctx->crow_of[v] != NONE)
            ws_lp_set_bounds(lp, ctx->local[v], true_of(ctx, t, v), true_of(ctx, t, v));
    }
    return lp;
}

/* Are cells a and b members of one relation?  (Only such pairs of a block's
 * coupled cells are worth a pair move: others do not depend on each
 * other directly.) */
static bool share_relation(const struct ws_sdc_table *t, size_t a, size_t b)
{
    for (size_t k = t->cell_rel_start[a]; k < t->cell_rel_start[a + 1]; k++) {
        size_t r = t->cell_rel[k];
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
            if (t->rel_cell[m] == b)
                return true;
    }
    return false;
}

/* Absorption intervals of block b's coupled variables (each alone, the
 * others at their true values), computed once per decomposition. */
static int absorb(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t b,
                  struct ws_err *err)
{
    struct ws_lp *lp = NULL;
    size_t s0 = ctx->bvar_start[b];
    size_t s1 = ctx->bvar_start[b + 1];
    int rc = WS_OK;

    if (ctx->ab_done[b])
        return WS_OK;
    for (size_t i = s0; i < s1; i++)
        ctx->ab_lo[ctx->bvars[i]] = ctx->ab_hi[ctx->bvars[i]] = 0.0;
    lp = block_lp(ctx, t, b);
    for (size_t i = s0; i < s1; i++) {
        size_t v = ctx->bvars[i];
        if (ctx->crow_of[v] != NONE)
            ws_lp_set_bounds(lp, ctx->local[v], true_of(ctx, t, v), true_of(ctx, t, v));
    }
    for (size_t i = s0; i < s1 && !rc; i++) {
        size_t v = ctx->bvars[i];
        double lo;
        double hi;
        double mn;
        double mx;
        double tv = true_of(ctx, t, v);
        if (ctx->crow_of[v] == NONE || ctx->crow_of[v] == MULTI)
            continue;
        ws_sdc_bounds(t, ctx->cells[v], &lo, &hi);
        ws_lp_set_bounds(lp, ctx->local[v], lo, hi);
        if (!(rc = solve(ctx, lp, ctx->local[v], false, &mn, err)) &&
            !(rc = solve(ctx, lp, ctx->local[v], true, &mx, err))) {
            ctx->ab_lo[v] = mn - tv;
            ctx->ab_hi[v] = mx - tv;
        }
        ws_lp_set_bounds(lp, ctx->local[v], tv, tv);
    }
    // pairs of coupled variables in different coupling rows, on the same LP
    // with one spare row
    ctx->pair_start[b] = ctx->n_pairs;
    ctx->pair_n[b] = 0;
    ws_lp_add_row(lp, 0, NULL, NULL, 0.0);
    for (size_t i = s0; i < s1 && !rc; i++) {
        size_t u = ctx->bvars[i];
        if (ctx->crow_of[u] == NONE || ctx->crow_of[u] == MULTI)
            continue;
        for (size_t j = i + 1; j < s1 && !rc; j++) {
            size_t w = ctx->bvars[j];
            size_t idx[2];
            size_t spare = ws_lp_rows(lp) - 1;
            double coef[2] = {1.0, 1.0};
            double lo;
            double hi;
            double mn;
            double mx;
            double tu = true_of(ctx, t, u);
            double tw = true_of(ctx, t, w);
            struct pair_move *pm;
            if (ctx->crow_of[w] == NONE || ctx->crow_of[w] == MULTI ||
                ctx->crow_of[w] == ctx->crow_of[u] ||
                !share_relation(t, ctx->cells[u], ctx->cells[w]))
                continue;
            ws_sdc_bounds(t, ctx->cells[u], &lo, &hi);
            ws_lp_set_bounds(lp, ctx->local[u], lo, hi);
            ws_sdc_bounds(t, ctx->cells[w], &lo, &hi);
            ws_lp_set_bounds(lp, ctx->local[w], lo, hi);
            idx[0] = ctx->local[u];
            idx[1] = ctx->local[w];
            for (int same = 0; same < 2 && !rc; same++) {
                coef[1] = same ? -1.0 : 1.0;
                ws_lp_set_row(lp, spare, 2, idx, coef, tu + coef[1] * tw);
                if (!(rc = solve(ctx, lp, ctx->local[u], false, &mn, err)) &&
                    !(rc = solve(ctx, lp, ctx->local[u], true, &mx, err)) &&
                    (mx - tu > 1e-9 || tu - mn > 1e-9)) {
                    WS_VEC_GROW(ctx->pairs, ctx->n_pairs + 1, ctx->pairs_cap);
                    pm = &ctx->pairs[ctx->n_pairs++];
                    pm->u = u;
                    pm->w = w;
                    pm->up = mx - tu;
                    pm->down = tu - mn;
                    pm->same = same;
                    ctx->pair_n[b]++;
                }
            }
            ws_lp_set_row(lp, spare, 0, NULL, NULL, 0.0);
            ws_lp_set_bounds(lp, ctx->local[u], tu, tu);
            ws_lp_set_bounds(lp, ctx->local[w], tw, tw);
        }
    }
    ws_lp_free(lp);
    ctx->ab_done[b] = true;
    return rc;
}

/* The share of block b's moves not yet used in this certification.  A
 * block's moves are feasible points around its true values, so any convex
 * combination of them (shares summing to at most 1) is feasible too. */
static double budget_of(struct ws_audit_ctx *ctx, size_t b)
{
    if (ctx->used[b] != ctx->used_gen) {
        ctx->used[b] = ctx->used_gen;
        ctx->budget[b] = 1.0;
    }
    return ctx->budget[b];
}

/* Can block b0's solution (in lp) be extended to the whole component?  See
 * the comment above.  *ok says so. */
static int certify(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t b0,
                   const struct ws_lp *lp, bool *ok, struct ws_err *err)
{
    size_t n_touched = 0;
    int rc = WS_OK;

    *ok = true;
    if (++ctx->used_gen == 0) {
        memset(ctx->used, 0, ctx->dcap * sizeof(*ctx->used));
        ctx->used_gen = 1;
    }
    ctx->used[b0] = ctx->used_gen;
    ctx->budget[b0] = 0.0; // the block being extended moves nothing else
    for (size_t i = ctx->bvar_start[b0]; i < ctx->bvar_start[b0 + 1]; i++) {
        size_t v = ctx->bvars[i];
        size_t c = ctx->cells[v];
        double d;
        if (ctx->crow_of[v] == NONE)
            continue;
        d = ws_lp_value(lp, ctx->local[v]) - true_of(ctx, t, v);
        if (fabs(d) <= 1e-9)
            continue;
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++) {
            size_t row = ctx->rel_crow[t->cell_rel[k]];
            size_t j = 0;
            if (row == NONE)
                continue;
            while (j < n_touched && ctx->touched[j] != row)
                j++;
            if (j == n_touched) {
                ctx->touched[n_touched++] = row;
                ctx->delta[row] = 0.0;
            }
            ctx->delta[row] += d; // a coupled cell is a part: coefficient +1
        }
    }
    // needs: what the other blocks must move each touched row by
    for (size_t j = 0; j < n_touched; j++)
        ctx->delta[ctx->touched[j]] = -ctx->delta[ctx->touched[j]];
    // first pairs: one block moving two rows in opposite directions (a
    // gemeente whose 'all' is published can only move that way)
    for (size_t j1 = 0; j1 < n_touched && !rc; j1++) {
        size_t r1 = ctx->touched[j1];
        size_t rel1 = ctx->crows[r1];
        for (size_t m = t->rel_start[rel1]; m < t->rel_start[rel1 + 1] && !rc; m++) {
            size_t c = t->rel_cell[m];
            size_t u;
            size_t b;
            if (fabs(ctx->delta[r1]) <= 1e-7)
                break;
            if (!ws_sdc_is_variable(&t->cells[c]))
                continue;
            u = ctx->var_of[c];
            b = ctx->block_of[u];
            if (ctx->crow_of[u] != r1 || budget_of(ctx, b) <= 1e-12)
                continue;
            if ((rc = absorb(ctx, t, b, err)))
                break;
            for (size_t k = ctx->pair_start[b]; k < ctx->pair_start[b] + ctx->pair_n[b]; k++) {
                const struct pair_move *pm = &ctx->pairs[k];
                size_t x = pm->u == u ? pm->u : pm->w == u ? pm->w : NONE;
                size_t y = pm->u == u ? pm->w : pm->u;
                size_t r2 = ctx->crow_of[y];
                double need1 = ctx->delta[r1];
                double need2;
                double cap;
                double take;
                if (x == NONE || r2 == NONE || r2 == MULTI)
                    continue;
                need2 = ctx->delta[r2];
                if (pm->same ? !(need1 * need2 > 0) : !(need1 * need2 < 0))
                    continue; // the rows must move as the pair does
                // u's room in the needed direction (up/down are for pm->u;
                // for an opposite pair, w going up is pm->u going down)
                {
                    bool u_up = need1 > 0;
                    bool pmu_up = pm->u == u || pm->same ? u_up : !u_up;
                    cap = pmu_up ? pm->up : pm->down;
                }
                take = fmin(fmin(fabs(need1), fabs(need2)), cap * ctx->budget[b]);
                if (take <= 1e-9)
                    continue;
                ctx->delta[r1] -= need1 > 0 ? take : -take;
                ctx->delta[r2] -= need2 > 0 ? take : -take;
                ctx->budget[b] -= take / cap;
                if (ctx->budget[b] <= 1e-12)
                    break;
            }
        }
    }
    // then single variables
    for (size_t j = 0; j < n_touched && !rc; j++) {
        size_t row = ctx->touched[j];
        size_t r = ctx->crows[row];
        double need = ctx->delta[row];
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1] && fabs(need) > 1e-7; m++) {
            size_t c = t->rel_cell[m];
            size_t v;
            size_t b;
            double take;
            if (!ws_sdc_is_variable(&t->cells[c]))
                continue;
            v = ctx->var_of[c];
            b = ctx->block_of[v];
            if (ctx->crow_of[v] != row || budget_of(ctx, b) <= 1e-12)
                continue;
            if ((rc = absorb(ctx, t, b, err)))
                break;
            {
                double cap = need > 0 ? ctx->ab_hi[v] : -ctx->ab_lo[v];
                if (!(cap > 1e-9))
                    continue;
                take = fmin(fabs(need), cap * ctx->budget[b]);
                if (take <= 1e-9)
                    continue;
                ctx->budget[b] -= take / cap;
                need -= need > 0 ? take : -take;
            }
        }
        if (fabs(need) > 1e-7)
            *ok = false;
    }
    for (size_t j = 0; j < n_touched; j++)
        ctx->delta[ctx->touched[j]] = 0.0; // see grow_decomp()
    if (rc)
        *ok = false;
    return rc;
}

/* Which LP holds a solution valid for the whole component after extreme(). */
enum { SOL_FIXED, SOL_BLOCK, SOL_BIG, SOL_NONE };

/* Exact extreme of variable v of block b: lp is the block's LP (coupling
 * rows left out: a relaxation), lpf the same with the coupled variables at
 * their true values (a restriction: its points are points of the whole
 * component).  When both agree, or the relaxed optimum can be extended
 * (certify), that is the exact extreme; else the whole component's LP (*big,
 * built on first use) is solved.  *sol says which LP's current solution is
 * a point of the whole component (a witness). */
static int extreme(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t b,
                   struct ws_lp *lp, struct ws_lp *lpf, size_t v, bool maximise, struct ws_lp **big,
                   double *val, int *sol, struct ws_err *err)
{
    double vf;
    bool ok = false;
    int rc;

    *sol = SOL_NONE;
    if ((rc = solve(ctx, lp, ctx->local[v], maximise, val, err)) ||
        (rc = solve(ctx, lpf, ctx->local[v], maximise, &vf, err)))
        return rc;
    if (fabs(*val - vf) <= eps_of(vf) || (isinf(*val) && isinf(vf))) {
        *sol = isinf(vf) ? SOL_NONE : SOL_FIXED;
        return WS_OK;
    }
    // inexact (while choosing complements): the restricted optimum at once;
    // certifying the relaxed one costs a series of LPs on other blocks
    if (!isinf(*val) && !ctx->inexact) {
        if ((rc = certify(ctx, t, b, lp, &ok, err)))
            return rc;
        if (ok) {
            *sol = SOL_BLOCK;
            return WS_OK;
        }
    }
    if (ctx->inexact) {
        // the restricted optimum: never more extreme than the exact one
        ctx->inexact_hits++;
        *val = vf;
        *sol = SOL_FIXED;
        (void)solve(ctx, lpf, ctx->local[v], maximise, &vf, err); // its solution again
        return WS_OK;
    }
    if (!*big)
        *big = build_lp(ctx, t);
    ctx->big_solves++;
    if ((rc = solve(ctx, *big, v, maximise, val, err)))
        return rc;
    *sol = isinf(*val) ? SOL_NONE : SOL_BIG;
    return WS_OK;
}

int ws_audit_cell(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                  struct ws_sdc_range *range, struct ws_err *err)
{
    struct ws_lp *lp = NULL;
    double mn;
    double mx;
    int rc = WS_OK;

    if (!ws_sdc_is_variable(&t->cells[cell])) {
        range->low = range->high = t->cells[cell].value;
        return WS_OK;
    }
    collect(ctx, t, cell);
    if (ctx->n_crels == 0) {
        ws_sdc_bounds(t, cell, &mn, &mx);
        *range = whole_range(mn, mx);
        return WS_OK;
    }
    if (ctx->n_vars > ctx->max_vars)
        ctx->max_vars = ctx->n_vars;
    if (decompose(ctx, t)) {
        struct ws_lp *big = NULL;
        struct ws_lp *lpf;
        size_t v = ctx->var_of[cell];
        size_t b = ctx->block_of[v];
        int sol;
        lp = block_lp_coupled(ctx, t, b);
        lpf = block_lp_fixed(ctx, t, b);
        if (!(rc = extreme(ctx, t, b, lp, lpf, v, false, &big, &mn, &sol, err)))
            rc = extreme(ctx, t, b, lp, lpf, v, true, &big, &mx, &sol, err);
        ws_lp_free(big);
        ws_lp_free(lpf);
    } else {
        lp = build_lp(ctx, t);
        if (!(rc = solve(ctx, lp, 0, false, &mn, err)))
            rc = solve(ctx, lp, 0, true, &mx, err);
    }
    if (!rc)
        *range = whole_range(mn, mx);
    ws_lp_free(lp);
    return rc;
}

/* Every optimum is a feasible point: remember where it put each variable
 * from `from` on. */
static void observe(const struct ws_audit_ctx *ctx, const struct ws_lp *lp, size_t from,
                    double *obs_min, double *obs_max)
{
    for (size_t w = from; w < ctx->n_vars; w++) {
        double x = ws_lp_value(lp, w);
        if (x < obs_min[w])
            obs_min[w] = x;
        if (x > obs_max[w])
            obs_max[w] = x;
    }
}

/* collect() without the relations that have a virtual known total. */
static void collect_local(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t seed)
{
    next_gen(ctx);
    ctx->n_vars = 0;
    ctx->n_crels = 0;
    WS_VEC_GROW(ctx->cells, 1, ctx->vars_cap);
    ctx->cells[ctx->n_vars] = seed;
    ctx->var_of[seed] = ctx->n_vars++;
    ctx->cell_gen[seed] = ctx->gen;
    for (size_t q = 0; q < ctx->n_vars; q++) {
        size_t c = ctx->cells[q];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++) {
            size_t r = t->cell_rel[k];
            if (ctx->rel_gen[r] == ctx->gen || virtual_total(t, r))
                continue;
            ctx->rel_gen[r] = ctx->gen;
            WS_VEC_GROW(ctx->rels, ctx->n_crels + 1, ctx->crels_cap);
            ctx->rels[ctx->n_crels++] = r;
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t d = t->rel_cell[m];
                if (ctx->cell_gen[d] == ctx->gen || !ws_sdc_is_variable(&t->cells[d]))
                    continue;
                ctx->cell_gen[d] = ctx->gen;
                WS_VEC_GROW(ctx->cells, ctx->n_vars + 1, ctx->vars_cap);
                ctx->cells[ctx->n_vars] = d;
                ctx->var_of[d] = ctx->n_vars++;
            }
        }
    }
}

int ws_audit_cell_quick(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, size_t cell,
                        struct ws_sdc_range *range, struct ws_err *err)
{
    struct ws_lp *lp = NULL;
    double mn;
    double mx;
    int rc;

    if (!ws_sdc_is_variable(&t->cells[cell]) || ctx->in_virtual[cell]) {
        range->low = range->high = t->cells[cell].value;
        return WS_OK;
    }
    collect_local(ctx, t, cell);
    lp = build_lp(ctx, t);
    // the cells that study-wide relations tie to other gemeenten: fixed
    for (size_t v = 1; v < ctx->n_vars; v++)
        if (ctx->in_virtual[ctx->cells[v]])
            ws_lp_set_bounds(lp, v, t->cells[ctx->cells[v]].value, t->cells[ctx->cells[v]].value);
    if (!(rc = solve(ctx, lp, 0, false, &mn, err)) && !(rc = solve(ctx, lp, 0, true, &mx, err)))
        *range = whole_range(mn, mx);
    ws_lp_free(lp);
    return rc;
}

/* observe() for a block's LP solution. */
static void observe_block(const struct ws_audit_ctx *ctx, const struct ws_lp *lp, size_t b,
                          double *obs_min, double *obs_max)
{
    for (size_t i = ctx->bvar_start[b]; i < ctx->bvar_start[b + 1]; i++) {
        size_t v = ctx->bvars[i];
        double x = ws_lp_value(lp, ctx->local[v]);
        if (x < obs_min[v])
            obs_min[v] = x;
        if (x > obs_max[v])
            obs_max[v] = x;
    }
}

/* Two solves that put many cells at their bounds at once: minimise the sum
 * of the suppressed cells, maximise the sum of the primary ones (bounded
 * above).  In a large component most cells reach their prior bounds here and
 * need no solve of their own.  Skipped for small components. */
static int seed_witnesses(struct ws_audit_ctx *ctx, const struct ws_sdc_table *t, struct ws_lp *lp,
                          double *obs_min, double *obs_max, struct ws_err *err)
{
    size_t n = 0;
    double val;
    int rc = WS_OK;

    if (ctx->n_vars < SEED_MIN_VARS)
        return WS_OK;
    if (ctx->n_vars > ctx->seed_cap) {
        ctx->seed_cap = ctx->n_vars;
        ctx->seed_idx = ws_xrealloc(ctx->seed_idx, ws_st_mult(ctx->seed_cap, sizeof(size_t)));
        ctx->seed_coef = ws_xrealloc(ctx->seed_coef, ws_st_mult(ctx->seed_cap, sizeof(double)));
    }
    for (int pass = 0; pass < 2 && !rc; pass++) {
        n = 0;
        for (size_t v = 0; v < ctx->n_vars; v++) {
            unsigned char st = t->cells[ctx->cells[v]].state;
            if (pass == 0 ? is_suppressed(st) : st == WS_CELL_PRIMARY) {
                ctx->seed_idx[n] = v;
                ctx->seed_coef[n++] = 1.0;
            }
        }
        if (n == 0)
            continue;
        ctx->solves++;
        rc = ws_lp_optimise_sum(lp, n, ctx->seed_idx, ctx->seed_coef, pass == 1, &val, err);
        if (!rc && !isinf(val))
            observe(ctx, lp, 0, obs_min, obs_max);
    }
    return rc;
}

/* audit_component() for a decomposed component: block by block. */
static int audit_decomposed(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, double *obs_min,
                            double *obs_max, struct ws_err *err)
{
    struct ws_lp *big = NULL;
    int rc = WS_OK;

    for (size_t b = 0; b < ctx->n_blocks && !rc; b++) {
        size_t s0 = ctx->bvar_start[b];
        size_t s1 = ctx->bvar_start[b + 1];
        size_t n_sup = 0;
        struct ws_lp *lp;
        struct ws_lp *lpf;
        for (size_t i = s0; i < s1; i++)
            n_sup += is_suppressed(t->cells[ctx->cells[ctx->bvars[i]]].state);
        if (!n_sup)
            continue;
        lp = block_lp_coupled(ctx, t, b);
        lpf = block_lp_fixed(ctx, t, b);
        // seeding solves, as in seed_witnesses(), kept only when they extend
        for (int pass = 0; pass < 2 && !rc && s1 - s0 >= SEED_MIN_VARS; pass++) {
            size_t n = 0;
            double val;
            bool ok = false;
            if (s1 - s0 > ctx->seed_cap) {
                ctx->seed_cap = s1 - s0;
                ctx->seed_idx =
                    ws_xrealloc(ctx->seed_idx, ws_st_mult(ctx->seed_cap, sizeof(size_t)));
                ctx->seed_coef =
                    ws_xrealloc(ctx->seed_coef, ws_st_mult(ctx->seed_cap, sizeof(double)));
            }
            for (size_t i = s0; i < s1; i++) {
                unsigned char st = t->cells[ctx->cells[ctx->bvars[i]]].state;
                if (pass == 0 ? is_suppressed(st) : st == WS_CELL_PRIMARY) {
                    ctx->seed_idx[n] = i - s0;
                    ctx->seed_coef[n++] = 1.0;
                }
            }
            if (n == 0)
                continue;
            ctx->solves++;
            // on the restricted LP: its optima are points of the whole component
            (void)ok;
            rc = ws_lp_optimise_sum(lpf, n, ctx->seed_idx, ctx->seed_coef, pass == 1, &val, err);
            if (!rc && !isinf(val))
                observe_block(ctx, lpf, b, obs_min, obs_max);
        }
        for (size_t i = s0; i < s1 && !rc; i++) {
            size_t v = ctx->bvars[i];
            size_t c = ctx->cells[v];
            double lo;
            double hi;
            double ext[2];
            int sol;
            if (!is_suppressed(t->cells[c].state))
                continue;
            ws_sdc_bounds(t, c, &lo, &hi);
            // First the restricted LP alone (the coupled cells at their true
            // values): its range is never wider than the exact one, so when
            // it already reaches safety_range the cell is safe, and that
            // range (a lower bound of the exact width) is what audit.csv
            // shows.  Only cells it cannot clear get the exact extremes,
            // which on national tables cost most of the audit.
            {
                double fx[2];
                struct ws_sdc_range fr;
                for (int dir = 0; dir < 2 && !rc; dir++) {
                    if (dir == 0 && obs_min[v] <= lo + eps_of(lo))
                        fx[0] = lo;
                    else if (dir == 1 && !isinf(hi) && obs_max[v] >= hi - eps_of(hi))
                        fx[1] = hi;
                    else if (!(rc = solve(ctx, lpf, ctx->local[v], dir == 1, &fx[dir], err)))
                        observe_block(ctx, lpf, b, obs_min, obs_max);
                }
                if (rc)
                    continue;
                fr = whole_range(fx[0], fx[1]);
                if (t->safety_range > 0 && ws_sdc_range_width(&fr) >= (double)t->safety_range) {
                    t->ranges[c] = fr;
                    ctx->lower_bounds++;
                    continue;
                }
            }
            for (int dir = 0; dir < 2 && !rc; dir++) {
                if (dir == 0 && obs_min[v] <= lo + eps_of(lo)) {
                    ext[0] = lo;
                    continue;
                }
                if (dir == 1 && !isinf(hi) && obs_max[v] >= hi - eps_of(hi)) {
                    ext[1] = hi;
                    continue;
                }
                rc = extreme(ctx, t, b, lp, lpf, v, dir == 1, &big, &ext[dir], &sol, err);
                if (rc)
                    continue;
                if (sol == SOL_FIXED)
                    observe_block(ctx, lpf, b, obs_min, obs_max);
                else if (sol == SOL_BLOCK)
                    observe_block(ctx, lp, b, obs_min, obs_max);
                else if (sol == SOL_BIG)
                    observe(ctx, big, 0, obs_min, obs_max);
            }
            if (!rc)
                t->ranges[c] = whole_range(ext[0], ext[1]);
        }
        ws_lp_free(lp);
        ws_lp_free(lpf);
    }
    ws_lp_free(big);
    return rc;
}

/* Ranges of every suppressed cell of the current component. */
static int audit_component(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, double *obs_min,
                           double *obs_max, struct ws_err *err)
{
    struct ws_lp *lp = NULL;
    int rc = WS_OK;

    for (size_t v = 0; v < ctx->n_vars; v++) {
        obs_min[v] = INFINITY;
        obs_max[v] = -INFINITY;
    }
    if (ctx->n_crels == 0) {
        for (size_t v = 0; v < ctx->n_vars; v++) {
            double lo;
            double hi;
            size_t c = ctx->cells[v];
            ws_sdc_bounds(t, c, &lo, &hi);
            if (is_suppressed(t->cells[c].state))
                t->ranges[c] = whole_range(lo, hi);
        }
        return WS_OK;
    }
    if (ctx->n_vars > ctx->max_vars)
        ctx->max_vars = ctx->n_vars;
    if (decompose(ctx, t))
        return audit_decomposed(ctx, t, obs_min, obs_max, err);
    lp = build_lp(ctx, t);
    if ((rc = seed_witnesses(ctx, t, lp, obs_min, obs_max, err)))
        goto out;
    for (size_t v = 0; v < ctx->n_vars; v++) {
        size_t c = ctx->cells[v];
        double lo;
        double hi;
        double ext[2];
        if (!is_suppressed(t->cells[c].state))
            continue;
        ws_sdc_bounds(t, c, &lo, &hi);
        for (int dir = 0; dir < 2; dir++) {
            // an earlier optimum already put the cell at its prior bound
            if (dir == 0 && obs_min[v] <= lo + eps_of(lo)) {
                ext[0] = lo;
                continue;
            }
            if (dir == 1 && !isinf(hi) && obs_max[v] >= hi - eps_of(hi)) {
                ext[1] = hi;
                continue;
            }
            rc = solve(ctx, lp, v, dir == 1, &ext[dir], err);
            if (rc)
                goto out;
            if (isinf(ext[dir]))
                continue;
            observe(ctx, lp, v, obs_min, obs_max);
        }
        t->ranges[c] = whole_range(ext[0], ext[1]);
    }
out:
    ws_lp_free(lp);
    return rc;
}

int ws_audit_table(struct ws_audit_ctx *ctx, struct ws_sdc_table *t, bool only_dirty,
                   size_t *n_components, struct ws_err *err)
{
    double *obs_min = NULL;
    double *obs_max = NULL;
    size_t obs_cap = 0;
    size_t n_comp = 0;
    int rc = WS_OK;

    if (!t->ranges) {
        t->ranges = ws_xcalloc(t->n_cells + 1, sizeof(*t->ranges));
        for (size_t i = 0; i < t->n_cells; i++)
            t->ranges[i].low = t->ranges[i].high = NAN;
        only_dirty = false;
    }
    if (!only_dirty)
        for (size_t i = 0; i < t->n_cells; i++)
            t->ranges[i].low = t->ranges[i].high = NAN;
    for (size_t i = 0; i < t->n_cells; i++) {
        struct ws_sdc_cell *c = &t->cells[i];
        if (!is_suppressed(c->state) || c->known || (only_dirty && !c->dirty))
            continue;
        // a cell of a component audited in this pass has dirty == false and
        // a range; a cell not yet audited in this pass has NAN or dirty
        if (!only_dirty && !isnan(t->ranges[i].low))
            continue;
        collect(ctx, t, i);
        if (ctx->n_vars > obs_cap) {
            obs_cap = ctx->n_vars;
            free(obs_min);
            free(obs_max);
            obs_min = ws_xmalloc(ws_st_mult(obs_cap, sizeof(*obs_min)));
            obs_max = ws_xmalloc(ws_st_mult(obs_cap, sizeof(*obs_max)));
        }
        rc = audit_component(ctx, t, obs_min, obs_max, err);
        if (rc)
            goto out;
        n_comp++;
        for (size_t v = 0; v < ctx->n_vars; v++)
            t->cells[ctx->cells[v]].dirty = false;
    }
out:
    free(obs_min);
    free(obs_max);
    if (n_components)
        *n_components = n_comp;
    return rc;
}

/* --- published records ------------------------------------------------------- */

void ws_audit_release(struct ws_audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->rec[i].code);
        free(a->rec[i].category);
    }
    free(a->rec);
    a->rec = NULL;
    a->n = a->cap = 0;
}

struct ws_audit_record *ws_audit_add(struct ws_audit *a, const char *code, enum ws_level level,
                                     int year, const char *category, enum ws_suppression reason,
                                     double low, double high)
{
    struct ws_audit_record *r;

    WS_VEC_GROW(a->rec, a->n + 1, a->cap);
    r = &a->rec[a->n++];
    r->code = ws_xstrdup(code ? code : "");
    r->level = level;
    r->year = year;
    r->category = ws_xstrdup(category ? category : "");
    r->reason = reason;
    r->range_low = low;
    r->range_high = high;
    return r;
}

char *ws_audit_csv(const struct ws_audit *a)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_strbuf_adds(&sb, "code,level,year,category,reason,range_low,range_high,range_width\n");
    for (size_t i = 0; a && i < a->n; i++) {
        const struct ws_audit_record *r = &a->rec[i];
        ws_strbuf_add_csv(&sb, r->code);
        ws_strbuf_addf(&sb, ",%s,%d,", ws_level_name(r->level), r->year);
        ws_strbuf_add_csv(&sb, r->category);
        ws_strbuf_addf(&sb, ",%s,", r->reason == WS_SUPP_PRIMARY ? "primary" : "secondary");
        if (isnan(r->range_low) || isnan(r->range_high))
            ws_strbuf_adds(&sb, ",,\n"); // not audited (exempt)
        else if (isinf(r->range_high))
            ws_strbuf_addf(&sb, "%.0f,,\n", r->range_low);
        else
            ws_strbuf_addf(&sb, "%.0f,%.0f,%.0f\n", r->range_low, r->range_high,
                           r->range_high - r->range_low);
    }
    return ws_strbuf_detach(&sb);
}
