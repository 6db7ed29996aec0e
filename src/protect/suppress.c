/*
 * suppress.c - primary and secondary suppression on a protection table (see
 * suppress.h for the model).
 *
 * Secondary suppression follows the idea of tau-ARGUS's modular method and
 * sdcTable's heuristic (protect each relation locally, cheapest complement
 * first, iterate to a fixed point), then lets the exact LP audit (audit.c)
 * find what the local rule misses (interactions between relations) and adds
 * complements until every suppressed cell's feasible range is at least
 * safety_range wide.
 *
 * The local rule, for one relation sum_k a_k x_k = 0 (a = +1 for a part, -1
 * for the total) and a suppressed member u: with every other member v in its
 * prior bounds [lo_v, hi_v], a_u x_u = -sum_{v != u} a_v x_v lies in
 * [-S_hi, -S_lo], where S_lo and S_hi sum the smallest and largest values of
 * a_v x_v.  Intersected with u's own bounds this is the widest range the
 * relation alone allows; when it is narrower than safety_range, a published
 * member c becomes a complement.  Its cost is its count (information lost):
 * the cheapest c that makes the range wide enough wins; if none does, the
 * one that widens it most.  Note that a complement c only gives u room when
 * c - min_count is large enough (the attacker knows c >= min_count), so the
 * cheapest useful complement is often not the smallest cell.
 *
 * Infinite bounds (secondary and hidden cells have no upper bound) are kept
 * as counts of infinite terms, so that no inf - inf arises.
 *
 * Termination: every step of either phase suppresses at least one more cell,
 * and a cell is never unsuppressed.
 */
#include "wijkscan/suppress.h"

#include "wijkscan/audit.h"
#include "wijkscan/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* LP trials for one failing cell: single candidates, then pruning a set. */
#define MAX_LP_TRIES    40
#define MAX_PRUNE_TRIES 200
/* Rings of relations added around a failing cell before giving up. */
#define MAX_RINGS 8

static double now_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_suppressed(unsigned char state)
{
    return state == WS_CELL_PRIMARY || state == WS_CELL_SECONDARY;
}

static bool is_published(unsigned char state)
{
    return state == WS_CELL_EXACT || state == WS_CELL_ROUNDED;
}

void ws_sdc_init(struct ws_sdc_table *t, long min_count, long round_to, long safety_range)
{
    memset(t, 0, sizeof(*t));
    t->min_count = min_count;
    t->round_to = round_to;
    t->safety_range = safety_range;
}

void ws_sdc_release(struct ws_sdc_table *t)
{
    if (!t)
        return;
    free(t->cells);
    free(t->rel_start);
    free(t->rel_cell);
    free(t->rel_coef);
    free(t->cell_rel_start);
    free(t->cell_rel);
    free(t->ranges);
    memset(t, 0, sizeof(*t));
}

size_t ws_sdc_add_cell(struct ws_sdc_table *t, double value, enum ws_cell_state state,
                       unsigned char order, bool fixed, size_t tag)
{
    struct ws_sdc_cell *c;

    if (!(value >= 0.0) || value != floor(value))
        WS_BUG("protection table: a count must be a whole number >= 0");
    WS_VEC_GROW(t->cells, t->n_cells + 1, t->cells_cap);
    c = &t->cells[t->n_cells];
    c->value = value;
    c->state = (unsigned char)state;
    c->order = order;
    c->fixed = fixed;
    c->exempt = false;
    c->known = false;
    c->dirty = is_suppressed((unsigned char)state);
    c->tag = tag;
    return t->n_cells++;
}

static void add_term(struct ws_sdc_table *t, size_t cell, signed char coef)
{
    if (cell >= t->n_cells)
        WS_BUG("protection table: relation names an unknown cell");
    WS_VEC_GROW(t->rel_cell, t->n_terms + 1, t->terms_cap);
    // rel_coef grows with rel_cell: same capacity
    t->rel_coef = ws_xrealloc(t->rel_coef, ws_st_mult(t->terms_cap, sizeof(*t->rel_coef)));
    t->rel_cell[t->n_terms] = cell;
    t->rel_coef[t->n_terms++] = coef;
}

void ws_sdc_add_relation(struct ws_sdc_table *t, size_t total, const size_t *parts, size_t n)
{
    if (n == 0)
        WS_BUG("protection table: a relation needs at least one part");
    if (t->n_rels == 0) {
        WS_VEC_GROW(t->rel_start, 1, t->rel_start_cap);
        t->rel_start[0] = 0;
    }
    add_term(t, total, -1);
    for (size_t k = 0; k < n; k++)
        add_term(t, parts[k], 1);
    WS_VEC_GROW(t->rel_start, t->n_rels + 2, t->rel_start_cap);
    t->rel_start[++t->n_rels] = t->n_terms;
}

void ws_sdc_finish(struct ws_sdc_table *t)
{
    size_t *fill = NULL;
    size_t *queue = NULL;
    bool *queued = NULL;
    size_t qh = 0;
    size_t qt = 0;

    if (t->n_rels == 0) {
        WS_VEC_GROW(t->rel_start, 1, t->rel_start_cap);
        t->rel_start[0] = 0;
    }
    free(t->cell_rel_start);
    free(t->cell_rel);
    t->cell_rel_start = ws_xcalloc(t->n_cells + 1, sizeof(*t->cell_rel_start));
    t->cell_rel = ws_xcalloc(t->n_terms + 1, sizeof(*t->cell_rel));
    for (size_t k = 0; k < t->n_terms; k++)
        t->cell_rel_start[t->rel_cell[k] + 1]++;
    for (size_t i = 0; i < t->n_cells; i++)
        t->cell_rel_start[i + 1] += t->cell_rel_start[i];
    fill = ws_xcalloc(t->n_cells + 1, sizeof(*fill));
    for (size_t r = 0; r < t->n_rels; r++)
        for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++) {
            size_t c = t->rel_cell[k];
            t->cell_rel[t->cell_rel_start[c] + fill[c]++] = r;
        }

    // fixed closure: the only non-fixed member of a relation is known too
    queue = ws_xcalloc(t->n_rels + 1, sizeof(*queue));
    queued = ws_xcalloc(t->n_rels + 1, sizeof(*queued));
    for (size_t r = 0; r < t->n_rels; r++) {
        queue[qt++] = r;
        queued[r] = true;
    }
    while (qh != qt) {
        size_t r = queue[qh];
        size_t n_free = 0;
        size_t last = 0;
        qh = (qh + 1) % (t->n_rels + 1);
        queued[r] = false;
        for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++)
            if (!t->cells[t->rel_cell[k]].fixed) {
                n_free++;
                last = t->rel_cell[k];
            }
        if (n_free != 1)
            continue;
        t->cells[last].fixed = true;
        for (size_t k = t->cell_rel_start[last]; k < t->cell_rel_start[last + 1]; k++) {
            size_t r2 = t->cell_rel[k];
            if (!queued[r2]) {
                queued[r2] = true;
                queue[qt] = r2;
                qt = (qt + 1) % (t->n_rels + 1);
            }
        }
    }
    free(queue);
    free(queued);
    free(fill);
}

double ws_sdc_round(double v, long round_to)
{
    double r;

    if (round_to <= 1 || isnan(v))
        return v;
    r = (double)round_to;
    // round half up: 12.5 -> 15 for round_to 5 (counts are whole, so only
    // an even round_to has exact halves: 15 -> 20 for round_to 10)
    return r * floor((v + r / 2.0) / r);
}

void ws_sdc_bounds(const struct ws_sdc_table *t, size_t i, double *lo, double *hi)
{
    const struct ws_sdc_cell *c = &t->cells[i];
    double m = t->min_count > 0 ? (double)t->min_count : 0.0;

    if (c->known) {
        *lo = *hi = c->value;
        return;
    }
    switch (c->state) {
    case WS_CELL_EXACT:
        *lo = *hi = c->value;
        return;
    case WS_CELL_ROUNDED: {
        double r = ws_sdc_round(c->value, t->round_to);
        long R = t->round_to > 1 ? t->round_to : 1;
        *lo = r - (double)(R / 2);
        *hi = r + (double)((R + 1) / 2) - 1.0;
        if (*lo < m)
            *lo = m; // it was published, so it is not below min_count
        if (*lo < 0.0)
            *lo = 0.0;
        return;
    }
    case WS_CELL_PRIMARY:
        *lo = 0.0;
        *hi = m > 0.0 ? m - 1.0 : 0.0;
        return;
    case WS_CELL_SECONDARY:
        *lo = m;
        *hi = INFINITY;
        return;
    default:
        *lo = 0.0;
        *hi = INFINITY;
        return;
    }
}

size_t ws_suppress_primary(struct ws_sdc_table *t)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_cells; i++) {
        struct ws_sdc_cell *c = &t->cells[i];
        if (c->tag != WS_SDC_NO_TAG && is_published(c->state) && c->value < (double)t->min_count) {
            c->state = WS_CELL_PRIMARY;
            c->dirty = true;
            n++;
        }
    }
    return n;
}

/* --- the per-relation rule ------------------------------------------------ */

/* Sum of a_v x_v over a set of terms: finite parts and counts of infinite
 * terms (-inf in lo, +inf in hi). */
struct span {
    double lo, hi;
    size_t lo_inf, hi_inf;
};

static void term_bounds(const struct ws_sdc_table *t, size_t cell, signed char a,
                        unsigned char state, double *tlo, double *thi)
{
    double lo;
    double hi;
    struct ws_sdc_cell tmp;
    struct ws_sdc_table view = *t;

    if (state != t->cells[cell].state) {
        // bounds as if the cell had another state
        tmp = t->cells[cell];
        tmp.state = state;
        view.cells = &tmp;
        ws_sdc_bounds(&view, 0, &lo, &hi);
    } else {
        ws_sdc_bounds(t, cell, &lo, &hi);
    }
    if (a > 0) {
        *tlo = lo;
        *thi = hi;
    } else {
        *tlo = -hi;
        *thi = -lo;
    }
}

static void span_add(struct span *s, double tlo, double thi, int sign)
{
    if (isinf(tlo))
        s->lo_inf = (size_t)((long)s->lo_inf + sign);
    else
        s->lo += sign * tlo;
    if (isinf(thi))
        s->hi_inf = (size_t)((long)s->hi_inf + sign);
    else
        s->hi += sign * thi;
}

static void relation_span(const struct ws_sdc_table *t, size_t r, struct span *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++) {
        double tlo;
        double thi;
        size_t c = t->rel_cell[k];
        term_bounds(t, c, t->rel_coef[k], t->cells[c].state, &tlo, &thi);
        span_add(s, tlo, thi, 1);
    }
}

/* Width of u's range from relation r alone, given the span of all its terms;
 * when cand != SIZE_MAX, as if cand (at term k_cand) were secondary. */
static double local_width(const struct ws_sdc_table *t, const struct span *all, size_t k_u,
                          size_t k_cand)
{
    struct span s = *all;
    size_t u = t->rel_cell[k_u];
    signed char a = t->rel_coef[k_u];
    double tlo;
    double thi;
    double lo;
    double hi;
    double ulo;
    double uhi;

    term_bounds(t, u, a, t->cells[u].state, &tlo, &thi);
    span_add(&s, tlo, thi, -1);
    if (k_cand != SIZE_MAX) {
        size_t c = t->rel_cell[k_cand];
        term_bounds(t, c, t->rel_coef[k_cand], t->cells[c].state, &tlo, &thi);
        span_add(&s, tlo, thi, -1);
        term_bounds(t, c, t->rel_coef[k_cand], WS_CELL_SECONDARY, &tlo, &thi);
        span_add(&s, tlo, thi, 1);
    }
    // a x_u lies in [-S_hi, -S_lo]
    lo = s.hi_inf ? -INFINITY : -s.hi;
    hi = s.lo_inf ? INFINITY : -s.lo;
    if (a < 0) {
        double tmp = lo;
        lo = -hi;
        hi = -tmp;
    }
    ws_sdc_bounds(t, u, &ulo, &uhi);
    if (ulo > lo)
        lo = ulo;
    if (uhi < hi)
        hi = uhi;
    if (isinf(hi))
        return INFINITY;
    return hi - lo;
}

/* a is cheaper than b as a complement */
static bool cheaper(const struct ws_sdc_table *t, size_t a, size_t b)
{
    const struct ws_sdc_cell *ca = &t->cells[a];
    const struct ws_sdc_cell *cb = &t->cells[b];

    if ((ca->order == WS_SDC_ORDER_FIRST) != (cb->order == WS_SDC_ORDER_FIRST))
        return ca->order == WS_SDC_ORDER_FIRST;
    if (ca->value != cb->value)
        return ca->value < cb->value;
    if (ca->order != cb->order)
        return ca->order < cb->order;
    return a < b;
}

static void suppress_cell(struct ws_sdc_table *t, size_t c)
{
    t->cells[c].state = WS_CELL_SECONDARY;
    t->cells[c].dirty = true;
}

struct relqueue {
    size_t *q;
    bool *in;
    size_t head, tail, cap; /* ring buffer of n_rels + 1 */
};

static void rq_push(struct relqueue *rq, size_t r)
{
    if (rq->in[r])
        return;
    rq->in[r] = true;
    rq->q[rq->tail] = r;
    rq->tail = (rq->tail + 1) % rq->cap;
}

static void rq_push_cell(struct relqueue *rq, const struct ws_sdc_table *t, size_t c)
{
    for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
        rq_push(rq, t->cell_rel[k]);
}

/* One relation: returns the complement chosen, or SIZE_MAX when the relation
 * needs none (or none helps). */
static size_t rule_relation(const struct ws_sdc_table *t, size_t r)
{
    struct span all;
    double need = (double)t->safety_range;

    relation_span(t, r, &all);
    for (size_t ku = t->rel_start[r]; ku < t->rel_start[r + 1]; ku++) {
        size_t u = t->rel_cell[ku];
        size_t good = SIZE_MAX;
        size_t best = SIZE_MAX;
        double w0;
        double best_w;
        if (!is_suppressed(t->cells[u].state) || t->cells[u].exempt || t->cells[u].known)
            continue;
        w0 = local_width(t, &all, ku, SIZE_MAX);
        if (w0 >= need)
            continue;
        best_w = w0;
        for (size_t kc = t->rel_start[r]; kc < t->rel_start[r + 1]; kc++) {
            size_t c = t->rel_cell[kc];
            double w;
            if (kc == ku || !is_published(t->cells[c].state) || t->cells[c].fixed ||
                t->cells[c].known)
                continue;
            w = local_width(t, &all, ku, kc);
            if (w >= need) {
                if (good == SIZE_MAX || cheaper(t, c, good))
                    good = c;
            } else if (w > best_w || (w == best_w && best != SIZE_MAX && cheaper(t, c, best))) {
                if (w > w0) {
                    best_w = w;
                    best = c;
                }
            }
        }
        if (good != SIZE_MAX)
            return good;
        if (best != SIZE_MAX)
            return best;
    }
    return SIZE_MAX;
}

/* Cells suppressed tentatively, with what they were, to be undone. */
struct undo {
    size_t *cell;
    unsigned char *state;
    bool *dirty;
    size_t n, cap;
};

static void suppress_logged(struct ws_sdc_table *t, size_t c, struct undo *u)
{
    if (u) {
        if (u->n + 1 > u->cap) {
            u->cap = u->cap ? 2 * u->cap : 16;
            u->cell = ws_xrealloc(u->cell, ws_st_mult(u->cap, sizeof(*u->cell)));
            u->state = ws_xrealloc(u->state, ws_st_mult(u->cap, sizeof(*u->state)));
            u->dirty = ws_xrealloc(u->dirty, ws_st_mult(u->cap, sizeof(*u->dirty)));
        }
        u->cell[u->n] = c;
        u->state[u->n] = t->cells[c].state;
        u->dirty[u->n++] = t->cells[c].dirty;
    }
    suppress_cell(t, c);
}

static void undo_all(struct ws_sdc_table *t, struct undo *u)
{
    while (u->n > 0) {
        u->n--;
        t->cells[u->cell[u->n]].state = u->state[u->n];
        t->cells[u->cell[u->n]].dirty = u->dirty[u->n];
    }
}

static void undo_release(struct undo *u)
{
    free(u->cell);
    free(u->state);
    free(u->dirty);
}

/* Applies the rule to the queued relations until none needs a complement;
 * the cells it suppresses go into u when u is not NULL. */
static size_t rule_fixpoint(struct ws_sdc_table *t, struct relqueue *rq, struct undo *u)
{
    size_t added = 0;

    while (rq->head != rq->tail) {
        size_t r = rq->q[rq->head];
        size_t c;
        rq->head = (rq->head + 1) % rq->cap;
        rq->in[r] = false;
        c = rule_relation(t, r);
        if (c == SIZE_MAX)
            continue;
        suppress_logged(t, c, u);
        added++;
        rq_push_cell(rq, t, c); // includes r: check it again
    }
    return added;
}

/* --- LP-driven repair -------------------------------------------------------- */

struct cands {
    size_t *v;
    size_t n, cap;
};

/* qsort has no context pointer; single-threaded use only */
static const struct ws_sdc_table *sort_table_;

static int cmp_cheaper(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa;
    size_t b = *(const size_t *)pb;

    if (a == b)
        return 0;
    return cheaper(sort_table_, a, b) ? -1 : 1;
}

/* Published, non-fixed members of relation r not yet in `seen` (== mark). */
static void gather(const struct ws_sdc_table *t, size_t r, unsigned *seen, unsigned mark,
                   struct cands *cs)
{
    for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++) {
        size_t c = t->rel_cell[k];
        if (seen[c] == mark || !is_published(t->cells[c].state) || t->cells[c].fixed ||
            t->cells[c].known)
            continue;
        seen[c] = mark;
        WS_VEC_GROW(cs->v, cs->n + 1, cs->cap);
        cs->v[cs->n++] = c;
    }
}

struct repair {
    struct ws_audit_ctx *ctx;
    struct relqueue *rq; /* empty between uses */
    struct undo undo;
    unsigned *seen;     /* per cell: candidate and BFS marks */
    unsigned *rel_seen; /* per relation: BFS marks */
    unsigned mark;
    size_t *queue;
    size_t queue_cap;
    size_t *comp_rels; /* the relations of the last component_relations() */
    size_t n_comp_rels, comp_rels_cap;
};

/* The relations of f's component (unknown cells linked by relations), as the
 * audit forms them; kept here so the audit context stays free for
 * ws_audit_cell(). */
static void component_relations(const struct ws_sdc_table *t, size_t f, struct repair *rp)
{
    size_t nq = 0;
    unsigned mark = ++rp->mark;

    rp->n_comp_rels = 0;
    WS_VEC_GROW(rp->queue, 1, rp->queue_cap);
    rp->queue[nq++] = f;
    rp->seen[f] = mark;
    for (size_t qi = 0; qi < nq; qi++) {
        size_t c = rp->queue[qi];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++) {
            size_t r = t->cell_rel[k];
            if (rp->rel_seen[r] == mark)
                continue;
            rp->rel_seen[r] = mark;
            WS_VEC_GROW(rp->comp_rels, rp->n_comp_rels + 1, rp->comp_rels_cap);
            rp->comp_rels[rp->n_comp_rels++] = r;
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t d = t->rel_cell[m];
                if (rp->seen[d] == mark || !ws_sdc_is_variable(&t->cells[d]))
                    continue;
                rp->seen[d] = mark;
                WS_VEC_GROW(rp->queue, nq + 1, rp->queue_cap);
                rp->queue[nq++] = d;
            }
        }
    }
}

/* f's range if the cells cs[0..n) were suppressed, with what the
 * per-relation rule would add because of them (its cascade); undone after. */
static int try_cells(struct ws_sdc_table *t, struct repair *rp, size_t f, const size_t *cs,
                     size_t n, struct ws_sdc_range *rg, struct ws_err *err)
{
    int rc;

    rp->undo.n = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_published(t->cells[cs[i]].state))
            continue;
        suppress_logged(t, cs[i], &rp->undo);
        rq_push_cell(rp->rq, t, cs[i]);
    }
    (void)rule_fixpoint(t, rp->rq, &rp->undo);
    // the quick range is never wider than the exact one: enough is enough
    rc = ws_audit_cell_quick(rp->ctx, t, f, rg, err);
    if (!rc && !(ws_sdc_range_width(rg) >= (double)t->safety_range))
        rc = ws_audit_cell(rp->ctx, t, f, rg, err);
    undo_all(t, &rp->undo);
    return rc;
}

/* Greedy pruning of a set that makes f wide enough: drop its members, most
 * expensive first, as long as f stays wide enough without them (one LP trial
 * each, at most MAX_PRUNE_TRIES). */
static int prune(struct ws_sdc_table *t, struct repair *rp, size_t f, struct cands *set,
                 struct ws_err *err)
{
    double need = (double)t->safety_range;
    size_t tries = 0;
    int rc = WS_OK;

    sort_table_ = t;
    qsort(set->v, set->n, sizeof(*set->v), cmp_cheaper);
    for (size_t k = set->n; k-- > 0 && tries < MAX_PRUNE_TRIES && set->n > 1; tries++) {
        struct ws_sdc_range rg;
        size_t drop = set->v[k];
        // try without member k (swap it to the end)
        set->v[k] = set->v[set->n - 1];
        set->v[set->n - 1] = drop;
        if ((rc = try_cells(t, rp, f, set->v, set->n - 1, &rg, err)))
            return rc;
        if (ws_sdc_range_width(&rg) >= need) {
            set->n--;
        } else {
            set->v[set->n - 1] = set->v[k];
            set->v[k] = drop;
        }
    }
    return rc;
}

/* Adds to `cs` the published, non-fixed members (not yet marked) of every
 * relation of its first n cells.  (cs->v may move as it grows: read it by
 * index.) */
static void ring(const struct ws_sdc_table *t, size_t n, unsigned *seen, unsigned mark,
                 struct cands *cs)
{
    for (size_t i = 0; i < n; i++) {
        size_t c = cs->v[i];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
            gather(t, t->cell_rel[k], seen, mark, cs);
    }
}

/* The complements for failing cell f, into *chosen (emptied first):
 *   1. candidates: the published, non-fixed members of the relations of f's
 *      component (f's own relations first), cheapest first;
 *   2. if suppressing all of them (with the per-relation rule's cascade)
 *      makes f wide enough, the cheapest single one that does (LP trial,
 *      at most MAX_LP_TRIES), else that whole set, pruned;
 *   3. if not, the candidate set grows ring by ring (the published members of
 *      the relations of every candidate) until all of them make f wide
 *      enough, then is pruned; if even the last ring does not, the set that
 *      widened f most (or nothing: f cannot be widened).
 * Monotone: suppressing more never narrows a range, so a set that does not
 * help as a whole has no subset that helps. */
static int find_complements(struct ws_sdc_table *t, struct repair *rp, size_t f,
                            struct cands *chosen, struct ws_err *err)
{
    struct cands tier1 = {0};
    struct cands cs = {0};
    double need = (double)t->safety_range;
    double w0 = ws_sdc_range_width(&t->ranges[f]);
    double w_all;
    size_t tries = 0;
    unsigned mark;
    int rc = WS_OK;

    chosen->n = 0;
    component_relations(t, f, rp);
    mark = ++rp->mark;
    for (size_t k = t->cell_rel_start[f]; k < t->cell_rel_start[f + 1]; k++)
        gather(t, t->cell_rel[k], rp->seen, mark, &tier1);
    sort_table_ = t;
    if (tier1.n)
        qsort(tier1.v, tier1.n, sizeof(*tier1.v), cmp_cheaper);
    WS_VEC_GROW(cs.v, tier1.n, cs.cap);
    if (tier1.n)
        memcpy(cs.v, tier1.v, tier1.n * sizeof(*cs.v));
    cs.n = tier1.n;
    for (size_t j = 0; j < rp->n_comp_rels; j++)
        gather(t, rp->comp_rels[j], rp->seen, mark, &cs);
    if (cs.n > tier1.n) {
        sort_table_ = t;
        qsort(cs.v + tier1.n, cs.n - tier1.n, sizeof(*cs.v), cmp_cheaper);
    }
    if (cs.n == 0)
        goto out;
    {
        struct ws_sdc_range rg;
        if ((rc = try_cells(t, rp, f, cs.v, cs.n, &rg, err)))
            goto out;
        w_all = ws_sdc_range_width(&rg);
    }
    if (w_all >= need) {
        // one cell may do: the cheapest that does (f's relations first)
        for (size_t i = 0; i < cs.n && tries < MAX_LP_TRIES; i++, tries++) {
            struct ws_sdc_range rg;
            if ((rc = try_cells(t, rp, f, &cs.v[i], 1, &rg, err)))
                goto out;
            if (ws_sdc_range_width(&rg) >= need) {
                WS_VEC_GROW(chosen->v, 1, chosen->cap);
                chosen->v[0] = cs.v[i];
                chosen->n = 1;
                goto out;
            }
        }
    } else {
        // grow the candidate set ring by ring
        for (int r = 0; r < MAX_RINGS && w_all < need; r++) {
            struct ws_sdc_range rg;
            size_t before = cs.n;
            ring(t, before, rp->seen, mark, &cs);
            if (cs.n == before)
                break;
            if ((rc = try_cells(t, rp, f, cs.v, cs.n, &rg, err)))
                goto out;
            w_all = ws_sdc_range_width(&rg);
        }
        if (!(w_all > w0))
            goto out; // nothing widens f
    }
    if (w_all >= need && (rc = prune(t, rp, f, &cs, err)))
        goto out;
    WS_VEC_GROW(chosen->v, cs.n, chosen->cap);
    memcpy(chosen->v, cs.v, cs.n * sizeof(*cs.v));
    chosen->n = cs.n;
out:
    free(tier1.v);
    free(cs.v);
    return rc;
}

static bool failing(const struct ws_sdc_table *t, size_t i)
{
    double w;

    if (!is_suppressed(t->cells[i].state) || t->cells[i].exempt || t->cells[i].known)
        return false;
    w = ws_sdc_range_width(&t->ranges[i]);
    return !(w >= (double)t->safety_range);
}

int ws_suppress_secondary(struct ws_sdc_table *t, size_t *failed, struct ws_sdc_stats *stats,
                          struct ws_err *err)
{
    struct ws_sdc_stats st;
    struct relqueue rq = {0};
    struct repair rp = {0};
    struct cands chosen = {0};
    bool *hopeless = NULL;
    double t0 = now_seconds();
    double t1;
    bool repaired = false;
    size_t n_comp = 0;
    int rc = WS_OK;

    memset(&st, 0, sizeof(st));
    *failed = SIZE_MAX;
    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].state == WS_CELL_PRIMARY)
            st.n_primary++;

    // safety_range 0: the study asked for no check (primary suppression
    // only); no ranges are computed
    if (t->safety_range <= 0) {
        for (size_t i = 0; i < t->n_cells; i++)
            st.n_secondary += t->cells[i].state == WS_CELL_SECONDARY;
        st.total_seconds = now_seconds() - t0;
        if (stats)
            *stats = st;
        return WS_OK;
    }

    // 1. the per-relation rule over every relation
    rq.cap = t->n_rels + 1;
    rq.q = ws_xcalloc(rq.cap, sizeof(*rq.q));
    rq.in = ws_xcalloc(rq.cap, sizeof(*rq.in));
    for (size_t r = 0; r < t->n_rels; r++)
        rq_push(&rq, r);
    st.n_secondary_rule += rule_fixpoint(t, &rq, NULL);

    // 2. audit; repair what the audit finds; audit the changed components
    rp.ctx = ws_audit_ctx_new(t);
    rp.rq = &rq;
    // deciding on complements may use ranges narrower than exact (safe side);
    // the final audit below is exact
    ws_audit_ctx_set_exact(rp.ctx, false);
    rp.seen = ws_xcalloc(t->n_cells + 1, sizeof(*rp.seen));
    rp.rel_seen = ws_xcalloc(t->n_rels + 1, sizeof(*rp.rel_seen));
    hopeless = ws_xcalloc(t->n_cells + 1, sizeof(*hopeless));
    for (bool first = true;; first = false) {
        bool progress = false;
        t1 = now_seconds();
        if ((rc = ws_audit_table(rp.ctx, t, !first, first ? &n_comp : NULL, err)))
            goto out;
        if (first)
            st.audit_seconds = now_seconds() - t1;
        for (size_t f = 0; f < t->n_cells; f++) {
            if (!failing(t, f) || hopeless[f])
                continue;
            // its component changed in this round: its range can only have
            // widened (more suppression relaxes the LP); look again
            if (t->cells[f].dirty) {
                struct ws_sdc_range q;
                if ((rc = ws_audit_cell_quick(rp.ctx, t, f, &q, err)))
                    goto out;
                if (ws_sdc_range_width(&q) >= (double)t->safety_range)
                    continue;
                if ((rc = ws_audit_cell(rp.ctx, t, f, &t->ranges[f], err)))
                    goto out;
                if (!failing(t, f))
                    continue;
            }
            if ((rc = find_complements(t, &rp, f, &chosen, err)))
                goto out;
            if (chosen.n == 0 && ws_audit_ctx_inexact(rp.ctx) > 0) {
                // the fast ranges may have hidden a way out: look again exactly
                ws_audit_ctx_set_exact(rp.ctx, true);
                rc = ws_audit_cell(rp.ctx, t, f, &t->ranges[f], err);
                if (!rc && failing(t, f))
                    rc = find_complements(t, &rp, f, &chosen, err);
                ws_audit_ctx_set_exact(rp.ctx, false);
                if (rc)
                    goto out;
                if (!failing(t, f))
                    continue;
            }
            if (chosen.n == 0) {
                hopeless[f] = true;
                continue;
            }
            for (size_t i = 0; i < chosen.n; i++) {
                suppress_cell(t, chosen.v[i]);
                st.n_secondary_lp++;
                rq_push_cell(&rq, t, chosen.v[i]);
            }
            st.n_secondary_rule += rule_fixpoint(t, &rq, NULL);
            // everything in f's component (as it is now) must be audited again
            component_relations(t, f, &rp);
            for (size_t j = 0; j < rp.n_comp_rels; j++) {
                size_t r = rp.comp_rels[j];
                for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++) {
                    size_t d = t->rel_cell[k];
                    if (is_suppressed(t->cells[d].state)) {
                        t->cells[d].dirty = true;
                        hopeless[d] = false;
                    }
                }
            }
            progress = true;
        }
        if (!progress)
            break;
        repaired = true;
    }

    // 3. the final audit, from scratch over the whole table, when the repair
    // changed it (the loop above already audited every changed component:
    // this is the independent check the run reports)
    ws_audit_ctx_set_exact(rp.ctx, true);
    if (repaired || ws_audit_ctx_inexact(rp.ctx) > 0) {
        t1 = now_seconds();
        if ((rc = ws_audit_table(rp.ctx, t, false, &n_comp, err)))
            goto out;
        st.audit_seconds = now_seconds() - t1;
    }
    st.n_components = n_comp;
    for (size_t i = 0; i < t->n_cells; i++) {
        if (t->cells[i].state == WS_CELL_SECONDARY)
            st.n_secondary++;
        if (*failed == SIZE_MAX && failing(t, i))
            *failed = i;
        if (t->cells[i].exempt && is_suppressed(t->cells[i].state) &&
            (t->cells[i].known || !(ws_sdc_range_width(&t->ranges[i]) >= (double)t->safety_range)))
            st.n_exempt_narrow++;
    }
    if (*failed != SIZE_MAX)
        rc = WS_EINTERNAL; // the caller names the cell (see suppress.h)
out:
    st.n_lp_solves = ws_audit_ctx_solves(rp.ctx);
    st.max_component = ws_audit_ctx_max_component(rp.ctx);
    st.total_seconds = now_seconds() - t0;
    if (stats)
        *stats = st;
    ws_audit_ctx_free(rp.ctx);
    free(rp.seen);
    free(rp.rel_seen);
    free(rp.queue);
    free(rp.comp_rels);
    undo_release(&rp.undo);
    free(hopeless);
    free(chosen.v);
    free(rq.q);
    free(rq.in);
    return rc;
}
