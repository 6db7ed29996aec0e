/*
 * suppress.c - primary and secondary suppression on a protection table (see
 * suppress.h for the method).
 *
 * The local rule, for one relation sum_k a_k x_k = 0 (a = +1 for a part, -1
 * for the total) and a suppressed member u: with every other member v in its
 * prior bounds [lo_v, hi_v], a_u x_u = -sum_{v != u} a_v x_v lies in
 * [-S_hi, -S_lo], where S_lo and S_hi sum the smallest and largest values of
 * a_v x_v.  Intersected with u's own bounds this is the widest range the
 * relation alone allows; when it is narrower than safety_range, a published
 * member c becomes a complement.  Its cost is its count (information lost):
 * the cheapest c that makes the range wide enough wins; if none does, the
 * one that widens it most.  A complement c only gives u room when
 * c - min_count is large enough (the attacker knows c >= min_count), so the
 * cheapest useful complement is often not the smallest cell.
 *
 * Infinite bounds (secondary and hidden cells have no upper bound) are kept
 * as counts of infinite terms, so that no inf - inf arises.
 *
 * Termination: every step suppresses at least one more cell, and a cell is
 * never unsuppressed.  Monotonicity: suppressing more never narrows a range
 * (a published cell becomes a variable whose bounds contain its old ones),
 * so a certified cell stays certified and a set of complements that does not
 * help as a whole has no subset that helps.
 */
#include "wijkscan/protect/suppress.h"

#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/model.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* LP trials for one narrow cell: single candidates, then pruning a set. */
#define MAX_LP_TRIES    24
#define MAX_PRUNE_TRIES 64
/* Rings of relations added around a narrow cell before giving up. */
#define MAX_RINGS 4
/* The neighbourhood level (audit.h) of the repair's trials. */
#define REPAIR_LEVEL 1
/* Relations with more terms than this give no complement candidates (the
 * known sums over a whole level). */
#define RING_MAX_TERMS 128
/* Tables with more cells than this audit on smaller LPs (certify_and_repair). */
#define LARGE_TABLE 200000
/* Any group: no restriction on complements. */
#define ANY WS_SDC_NO_GROUP

static double now_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

size_t ws_suppress_primary(struct ws_sdc_table *t)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_cells; i++) {
        struct ws_sdc_cell *c = &t->cells[i];
        if (c->tag != WS_SDC_NO_TAG && ws_sdc_is_published(c->state) &&
            c->value < (double)t->min_count) {
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
    long lo_inf, hi_inf;
};

static void term_bounds(const struct ws_sdc_table *t, size_t cell, signed char a,
                        unsigned char state, double *tlo, double *thi)
{
    double lo;
    double hi;

    ws_sdc_bounds_as(t, cell, state, &lo, &hi);
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
        s->lo_inf += sign;
    else
        s->lo += sign * tlo;
    if (isinf(thi))
        s->hi_inf += sign;
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
 * when k_cand != SIZE_MAX, as if that member were secondary. */
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
    lo = ulo > lo ? ulo : lo;
    hi = uhi < hi ? uhi : hi;
    return isinf(hi) ? INFINITY : hi - lo;
}

/* What losing cell c costs: its count, weighted by its level (order, enum
 * ws_level: buurt, gebied, wijk, gemeente, then the study): a wijk or
 * gemeente figure is read by more people than a buurt's, and a suppressed
 * total takes its breakdowns' use with it.  A gebied (analysis area) weighs
 * as much as a wijk: its figures are the main maps'. */
static double cost(const struct ws_sdc_cell *c)
{
    static const double weight[WS_N_LEVELS + 1] = {1.0, 4.0, 4.0, 16.0, 64.0};

    return c->value * (c->order <= WS_N_LEVELS ? weight[c->order] : 1.0);
}

/* a is cheaper than b as a complement */
static bool cheaper(const struct ws_sdc_table *t, size_t a, size_t b)
{
    const struct ws_sdc_cell *ca = &t->cells[a];
    const struct ws_sdc_cell *cb = &t->cells[b];

    if ((ca->order == WS_SDC_ORDER_FIRST) != (cb->order == WS_SDC_ORDER_FIRST))
        return ca->order == WS_SDC_ORDER_FIRST;
    if (cost(ca) != cost(cb))
        return cost(ca) < cost(cb);
    if (ca->order != cb->order)
        return ca->order < cb->order;
    return a < b;
}

/* May cell c become a complement of subtable g (ANY: anywhere)? */
static bool eligible(const struct ws_sdc_table *t, size_t c, size_t g)
{
    const struct ws_sdc_cell *x = &t->cells[c];

    return ws_sdc_is_published(x->state) && !x->fixed && !x->known && (g == ANY || x->group == g);
}

/* The complement relation r needs for member u (at term ku), or SIZE_MAX. */
static size_t rule_member(const struct ws_sdc_table *t, size_t r, const struct span *all, size_t ku,
                          size_t g)
{
    double need = (double)t->safety_range;
    double w0 = local_width(t, all, ku, SIZE_MAX);
    double best_w = w0;
    size_t good = SIZE_MAX;
    size_t best = SIZE_MAX;

    if (w0 >= need)
        return SIZE_MAX;
    for (size_t kc = t->rel_start[r]; kc < t->rel_start[r + 1]; kc++) {
        size_t c = t->rel_cell[kc];
        double w;
        if (kc == ku || !eligible(t, c, g))
            continue;
        w = local_width(t, all, ku, kc);
        if (w >= need) {
            if (good == SIZE_MAX || cheaper(t, c, good))
                good = c;
        } else if (w > w0 &&
                   (w > best_w || (best != SIZE_MAX && w == best_w && cheaper(t, c, best)))) {
            best_w = w;
            best = c;
        }
    }
    return good != SIZE_MAX ? good : best;
}

/* One relation: the complement chosen, or SIZE_MAX when the relation needs
 * none (or none helps). */
static size_t rule_relation(const struct ws_sdc_table *t, size_t r, size_t g)
{
    struct span all;

    relation_span(t, r, &all);
    for (size_t ku = t->rel_start[r]; ku < t->rel_start[r + 1]; ku++) {
        size_t c;
        if (!ws_sdc_needs_range(t, t->rel_cell[ku]))
            continue;
        if ((c = rule_member(t, r, &all, ku, g)) != SIZE_MAX)
            return c;
    }
    return SIZE_MAX;
}

/* --- queues, undo ------------------------------------------------------------ */

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

/* Queues the relations of cell c (those of subtable g only, unless ANY). */
static void rq_push_cell(struct relqueue *rq, const struct ws_sdc_table *t, size_t c, size_t g)
{
    for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
        if (g == ANY || t->rel_group[t->cell_rel[k]] == g)
            rq_push(rq, t->cell_rel[k]);
}

/* Cells suppressed tentatively, with what they were, to be undone. */
struct undo {
    size_t *cell;
    unsigned char *state;
    size_t n, cap;
};

static void suppress_logged(struct ws_sdc_table *t, size_t c, struct undo *u)
{
    if (u) {
        if (u->n + 1 > u->cap) {
            u->cap = u->cap ? 2 * u->cap : 16;
            u->cell = ws_xrealloc(u->cell, ws_st_mult(u->cap, sizeof(*u->cell)));
            u->state = ws_xrealloc(u->state, ws_st_mult(u->cap, sizeof(*u->state)));
        }
        u->cell[u->n] = c;
        u->state[u->n++] = t->cells[c].state;
    }
    t->cells[c].state = WS_CELL_SECONDARY;
    t->cells[c].dirty = true;
    t->cells[c].cert = WS_CERT_NONE;
}

static void undo_all(struct ws_sdc_table *t, struct undo *u)
{
    while (u->n > 0) {
        u->n--;
        t->cells[u->cell[u->n]].state = u->state[u->n];
        t->cells[u->cell[u->n]].dirty = false;
    }
}

/* Applies the rule to the queued relations until none needs a complement
 * (complements from subtable g, or ANY); the cells it suppresses go into u
 * when u is not NULL.  Returns how many. */
static size_t rule_fixpoint(struct ws_sdc_table *t, struct relqueue *rq, size_t g, struct undo *u)
{
    size_t added = 0;

    while (rq->head != rq->tail) {
        size_t r = rq->q[rq->head];
        size_t c;
        rq->head = (rq->head + 1) % rq->cap;
        rq->in[r] = false;
        if ((c = rule_relation(t, r, g)) == SIZE_MAX)
            continue;
        suppress_logged(t, c, u);
        added++;
        rq_push_cell(rq, t, c, g); // includes r: check it again
    }
    return added;
}

/* --- choosing complements by LP ------------------------------------------------ */

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

static void sort_cands(const struct ws_sdc_table *t, size_t *v, size_t n)
{
    sort_table_ = t;
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_cheaper);
}

/* The state of one search for complements. */
struct repair {
    struct ws_sdc_table *t;
    struct ws_audit_ctx *ctx;
    struct relqueue rq; /* empty between uses */
    struct undo undo;
    unsigned *seen; /* per cell: candidate marks */
    unsigned mark;
    size_t group;            /* subtable (its LP, its inner cells) or ANY (neighbourhoods) */
    size_t cell;             /* the narrow cell */
    size_t level;            /* neighbourhood level of the trials (group ANY) */
    unsigned char max_order; /* candidates up to this level (and group offers) */
    bool *gdirty;            /* per subtable: to be protected (again) */
    size_t lowest;           /* no subtable below it is dirty */
    bool cleanup_all;        /* cleanup: every cell checked again at each try */
};

/* One ring of candidates around the frontier fr[from..n): the eligible
 * members of their relations go into cs (and onto the frontier), and so do
 * their unknown members (onto the frontier only), each cell once (marks). */
static void cands_push(struct cands *cs, size_t c)
{
    WS_VEC_GROW(cs->v, cs->n + 1, cs->cap);
    cs->v[cs->n++] = c;
}

/* May cell d be a candidate of this search? */
static bool takes(const struct repair *rp, size_t d)
{
    const struct ws_sdc_cell *x = &rp->t->cells[d];

    return eligible(rp->t, d, rp->group) &&
           (x->order <= rp->max_order || x->order == WS_SDC_ORDER_FIRST);
}

/* The members of relation r for ring(). */
static void ring_relation(struct repair *rp, size_t r, struct cands *fr, struct cands *cs)
{
    const struct ws_sdc_table *t = rp->t;

    if (rp->group != ANY && t->rel_group[r] != rp->group)
        return;
    if (t->rel_start[r + 1] - t->rel_start[r] > RING_MAX_TERMS)
        return; // a sum over a whole level: one more cell in it does not help
    for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
        size_t d = t->rel_cell[m];
        bool take = takes(rp, d);
        if (rp->seen[d] == rp->mark || (!take && !ws_sdc_is_variable(&t->cells[d])))
            continue;
        rp->seen[d] = rp->mark;
        cands_push(fr, d);
        if (take)
            cands_push(cs, d);
    }
}

static void ring(struct repair *rp, struct cands *fr, size_t from, struct cands *cs)
{
    const struct ws_sdc_table *t = rp->t;
    size_t n = fr->n;

    for (size_t i = from; i < n; i++) {
        size_t c = fr->v[i];
        for (size_t k = t->cell_rel_start[c]; k < t->cell_rel_start[c + 1]; k++)
            ring_relation(rp, t->cell_rel[k], fr, cs);
    }
}

/* The narrow cell's range if cs[0..n) were suppressed, with the rule's
 * cascade; undone after. */
static int try_cells(struct repair *rp, const size_t *cs, size_t n, double *width,
                     struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    struct ws_sdc_range rg;
    enum ws_flow_verdict verdict;
    int rc;

    rp->undo.n = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ws_sdc_is_published(t->cells[cs[i]].state))
            continue;
        suppress_logged(t, cs[i], &rp->undo);
        rq_push_cell(&rp->rq, t, cs[i], rp->group);
    }
    (void)rule_fixpoint(t, &rp->rq, rp->group, &rp->undo);
    verdict = rp->group == ANY ? ws_audit_flow(rp->ctx, t, rp->cell) : WS_FLOW_UNKNOWN;
    if (verdict == WS_FLOW_WIDE) {
        rg.low = 0.0;
        rg.high = (double)t->safety_range;
        rc = WS_OK;
    } else if (verdict == WS_FLOW_NARROW) { // even the network's relaxation
        rg.low = rg.high = 0.0;
        rc = WS_OK;
    } else if (rp->group != ANY) {
        rc = ws_audit_group_range(rp->ctx, t, rp->group, rp->cell, &rg, err);
    } else {
        rc = ws_audit_hood_range(rp->ctx, t, rp->cell, ws_audit_levels[rp->level], &rg, NULL, err);
    }
    undo_all(t, &rp->undo);
    *width = rc ? 0.0 : ws_sdc_range_width(&rg);
    return rc;
}

/* Greedy pruning of a set that makes the cell wide enough: drop members,
 * most expensive first, while it stays wide enough without them. */
static int prune(struct repair *rp, struct cands *set, struct ws_err *err)
{
    double need = (double)rp->t->safety_range;
    size_t tries = 0;
    int rc = WS_OK;

    sort_cands(rp->t, set->v, set->n);
    for (size_t k = set->n; k-- > 0 && tries < MAX_PRUNE_TRIES && set->n > 1 && !rc; tries++) {
        size_t drop = set->v[k];
        double w;
        set->v[k] = set->v[set->n - 1]; // try without member k (at the end)
        set->v[set->n - 1] = drop;
        if ((rc = try_cells(rp, set->v, set->n - 1, &w, err)))
            break;
        if (w >= need) {
            set->n--;
        } else {
            set->v[set->n - 1] = set->v[k];
            set->v[k] = drop;
        }
    }
    return rc;
}

/* The cheapest single candidate that makes the cell wide enough, or
 * SIZE_MAX. */
static int cheapest_single(struct repair *rp, const struct cands *cs, size_t *pick,
                           struct ws_err *err)
{
    double need = (double)rp->t->safety_range;
    int rc = WS_OK;

    *pick = SIZE_MAX;
    for (size_t i = 0; i < cs->n && i < MAX_LP_TRIES; i++) {
        double w;
        if ((rc = try_cells(rp, &cs->v[i], 1, &w, err)))
            break;
        if (w >= need) {
            *pick = cs->v[i];
            break;
        }
    }
    return rc;
}

/* Complements for the narrow cell rp->cell, into *chosen (emptied first):
 * candidates are the eligible members of its relations, then ring by ring
 * of theirs; if all of a ring's candidates make it wide enough, the
 * cheapest single one that does, else the set, pruned.  Empty: nothing
 * helps. */
/* Grows the candidates ring by ring until suppressing all of them makes
 * the narrow cell wide enough (*w_all its width then). */
static int grow_candidates(struct repair *rp, struct cands *cs, double *w_all, struct ws_err *err)
{
    const struct ws_sdc_table *t = rp->t;
    double need = (double)t->safety_range;
    struct cands fr = {0};
    size_t from = 0;
    int rc = WS_OK;

    *w_all = 0.0;
    rp->mark++;
    cands_push(&fr, rp->cell);
    rp->seen[rp->cell] = rp->mark;
    for (int r = 0; r <= MAX_RINGS && fr.n > from; r++) {
        size_t before = fr.n;
        size_t had = cs->n;
        ring(rp, &fr, from, cs);
        from = before;
        sort_cands(t, cs->v + had, cs->n - had);
        if (cs->n == had)
            continue; // no new candidate: look further out
        if ((rc = try_cells(rp, cs->v, cs->n, w_all, err)) || *w_all >= need)
            break;
    }
    if (!rc && !(*w_all >= need) && rp->group == ANY && cs->n > 0 && rp->level < REPAIR_LEVEL + 1) {
        rp->level++; // a larger neighbourhood may show the room the set gives
        rc = try_cells(rp, cs->v, cs->n, w_all, err);
    }
    free(fr.v);
    return rc;
}

static int find_complements_upto(struct repair *rp, struct cands *chosen, struct ws_err *err)
{
    struct cands cs = {0};
    double w_all = 0.0;
    size_t pick = SIZE_MAX;
    int rc;

    chosen->n = 0;
    if ((rc = grow_candidates(rp, &cs, &w_all, err)) || !(w_all >= (double)rp->t->safety_range))
        goto out; // nothing helps (or an error)
    if ((rc = cheapest_single(rp, &cs, &pick, err)))
        goto out;
    if (pick != SIZE_MAX) {
        cs.v[0] = pick;
        cs.n = 1;
    } else if ((rc = prune(rp, &cs, err))) {
        goto out;
    }
    for (size_t i = 0; i < cs.n; i++)
        cands_push(chosen, cs.v[i]);
out:
    free(cs.v);
    return rc;
}

/* find_complements_upto() among cells at the narrow cell's level or below
 * (a wijk at least) first; only when they cannot help, higher ones. */
static int find_complements(struct repair *rp, struct cands *chosen, struct ws_err *err)
{
    unsigned char own = rp->t->cells[rp->cell].order;
    int rc;

    rp->max_order = own > WS_LEVEL_WIJK && own != WS_SDC_ORDER_FIRST ? own : WS_LEVEL_WIJK;
    rc = find_complements_upto(rp, chosen, err);
    if (!rc && chosen->n == 0) {
        rp->max_order = WS_SDC_ORDER_FIRST;
        rc = find_complements_upto(rp, chosen, err);
    }
    return rc;
}

/* Marks the subtables of a newly suppressed cell to be protected again. */
static void touch(struct repair *rp, size_t c)
{
    const struct ws_sdc_cell *x = &rp->t->cells[c];
    size_t gs[2] = {x->group, x->margin};

    if (!rp->gdirty)
        return;
    for (int k = 0; k < 2; k++) {
        if (gs[k] == WS_SDC_NO_GROUP || gs[k] == rp->group)
            continue;
        rp->gdirty[gs[k]] = true;
        if (gs[k] < rp->lowest)
            rp->lowest = gs[k];
    }
}

/* Suppresses the chosen cells and what the rule adds because of them. */
static size_t apply(struct repair *rp, const struct cands *chosen)
{
    struct undo log = {0};
    size_t n;

    for (size_t i = 0; i < chosen->n; i++) {
        suppress_logged(rp->t, chosen->v[i], &log);
        rq_push_cell(&rp->rq, rp->t, chosen->v[i], rp->group);
    }
    n = chosen->n + rule_fixpoint(rp->t, &rp->rq, rp->group, &log);
    for (size_t i = 0; i < log.n; i++) {
        touch(rp, log.cell[i]);
    }
    free(log.cell);
    free(log.state);
    return n;
}

/* HiTaS backtracking: when no inner cell of subtable g helps narrow cell f,
 * its cheapest published margin in f's relations of g is suppressed (its
 * own subtable, above, is then protected again).  Returns whether one was. */
static bool open_margin(struct repair *rp, size_t f, struct cands *chosen)
{
    const struct ws_sdc_table *t = rp->t;
    size_t best = SIZE_MAX;

    for (size_t k = t->cell_rel_start[f]; k < t->cell_rel_start[f + 1]; k++) {
        size_t r = t->cell_rel[k];
        if (t->rel_group[r] != rp->group)
            continue;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t c = t->rel_cell[m];
            if (c == f || !eligible(t, c, ANY) || t->cells[c].group == rp->group)
                continue;
            if (best == SIZE_MAX || cheaper(t, c, best))
                best = c;
        }
    }
    if (best == SIZE_MAX)
        return false;
    WS_VEC_GROW(chosen->v, 1, chosen->cap);
    chosen->v[0] = best;
    chosen->n = 1;
    (void)apply(rp, chosen);
    return true;
}

/* --- 1. subtables ---------------------------------------------------------- */

/* Protects subtable g with its margins as they are. */
static int protect_group(struct repair *rp, bool *hopeless, struct cands *chosen, size_t *added,
                         struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    size_t g = rp->group;
    int rc = WS_OK;

    struct cands none = {0};

    for (size_t i = t->group_rel_start[g]; i < t->group_rel_start[g + 1]; i++)
        rq_push(&rp->rq, t->group_rel[i]);
    *added += apply(rp, &none);
    for (;;) {
        size_t f;
        if ((rc = ws_audit_group_narrow(rp->ctx, t, g, hopeless, &f, err)) || f == SIZE_MAX)
            break;
        rp->cell = f;
        if ((rc = find_complements(rp, chosen, err)))
            break;
        if (chosen->n > 0)
            *added += apply(rp, chosen);
        else if (open_margin(rp, f, chosen))
            (*added)++;
        else
            hopeless[f] = true; // left to the whole-table audit
    }
    return rc;
}

static void progress_line(const char *what, size_t done, size_t total, double t0)
{
    double el = now_seconds() - t0;
    double left = done > 0 ? el * (double)(total - done) / (double)done : 0.0;

    ws_log_progress("protecting: %s %zu of %zu (%.0f s, about %.0f s to go)", what, done, total, el,
                    left);
}

static int subtables(struct repair *rp, struct cands *chosen, struct ws_sdc_stats *st,
                     struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    bool *hopeless = ws_xcalloc(t->n_cells + 1, sizeof(*hopeless));
    double t0 = now_seconds();
    int rc = WS_OK;

    size_t done = 0;

    rp->gdirty = ws_xcalloc(t->n_groups + 1, sizeof(*rp->gdirty));
    for (size_t g = 0; g < t->n_groups; g++)
        rp->gdirty[g] = true;
    rp->lowest = 0;
    while (!rc) {
        size_t g = rp->lowest;
        while (g < t->n_groups && !rp->gdirty[g])
            g++;
        if (g >= t->n_groups)
            break;
        rp->gdirty[g] = false;
        rp->lowest = g + 1;
        rp->group = g;
        rc = protect_group(rp, hopeless, chosen, &st->n_secondary_subtable, err);
        if ((++done & 63) == 0)
            progress_line("subtables", g + 1, t->n_groups, t0);
    }
    st->n_subtables = done;
    rp->group = ANY;
    free(rp->gdirty);
    rp->gdirty = NULL;
    free(hopeless);
    return rc;
}

/* --- 2. the whole table ------------------------------------------------------- */

struct audit_progress {
    double t0;
};

static void on_audit_progress(void *arg, size_t done, size_t total)
{
    progress_line("audit, cells", done, total, ((struct audit_progress *)arg)->t0);
}

/* Complements for every cell the audit could not certify; returns how many
 * were added. */
static int repair_round(struct repair *rp, struct cands *chosen, size_t *added, struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    int rc = WS_OK;

    *added = 0;
    for (size_t f = 0; f < t->n_cells && !rc; f++) {
        if (!ws_sdc_needs_range(t, f) || t->cells[f].cert != WS_CERT_NONE || t->cells[f].dirty)
            continue;
        rp->cell = f;
        rp->level = REPAIR_LEVEL;
        if (!(rc = find_complements(rp, chosen, err)) && chosen->n > 0)
            *added += apply(rp, chosen);
    }
    return rc;
}

static int certify_and_repair(struct repair *rp, struct cands *chosen, struct ws_sdc_stats *st,
                              struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    struct audit_progress ap = {now_seconds()};
    size_t left = 0;
    size_t added = 0;
    int rc;

    // large tables: what the network leaves goes to LPs of at most 600
    // unknowns (a 4000-unknown LP per cell does not scale to the country);
    // a cell they cannot clear gets a complement instead
    size_t top = t->n_cells > LARGE_TABLE ? REPAIR_LEVEL : WS_AUDIT_N_LEVELS - 2;

    rc = ws_audit_certify(rp->ctx, t, top, false, &left, on_audit_progress, &ap, err);
    while (!rc && left > 0) {
        if ((rc = repair_round(rp, chosen, &added, err)) || added == 0)
            break;
        st->n_secondary_repair += added;
        rc = ws_audit_certify(rp->ctx, t, top, false, &left, NULL, NULL, err);
    }
    // what is left: the whole component, exactly
    if (!rc && left > 0)
        rc = ws_audit_certify(rp->ctx, t, WS_AUDIT_N_LEVELS - 1, false, &left, NULL, NULL, err);
    return rc;
}

static int whole_table(struct repair *rp, struct cands *chosen, struct ws_sdc_stats *st,
                       struct ws_err *err)
{
    struct cands none = {0};

    // the rule over every relation, the ones between subtables included
    for (size_t r = 0; r < rp->t->n_rels; r++)
        rq_push(&rp->rq, r);
    st->n_secondary_repair += apply(rp, &none);
    return certify_and_repair(rp, chosen, st, err);
}

/* --- 3. cleanup ------------------------------------------------------------ */

/* Tables with more complements than this skip the cleanup (its cost grows
 * with complements x cells). */
#define CLEANUP_MAX 3000
/* Tables with at most this many suppressed cells check every cell at each
 * try (then the final check finds nothing to repair). */
#define CLEANUP_ALL_MAX 1000

/* Is subtable g one of gs[0..3)? */
static bool in_groups(const size_t *gs, size_t g)
{
    return g != WS_SDC_NO_GROUP && (g == gs[0] || g == gs[1] || g == gs[2]);
}

/* Publishes complement s again if every suppressed cell of the subtables
 * around it stays certified (else puts it back); saved: scratch. */
static int try_unsuppress(struct repair *rp, size_t s, const unsigned char *orig,
                          unsigned char *saved, struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    struct ws_sdc_cell *x = &t->cells[s];
    size_t gs[3] = {x->group, x->margin,
                    x->group != WS_SDC_NO_GROUP ? t->group_parent[x->group] : WS_SDC_NO_GROUP};
    size_t left = 0;
    int rc;

    x->state = orig[s];
    x->cert = WS_CERT_NONE;
    for (size_t i = 0; i < t->n_cells; i++) {
        struct ws_sdc_cell *c = &t->cells[i];
        saved[i] = c->cert;
        if (ws_sdc_needs_range(t, i) &&
            (rp->cleanup_all || in_groups(gs, c->group) || in_groups(gs, c->margin))) {
            c->cert = WS_CERT_NONE;
            c->dirty = true;
        }
    }
    rc = ws_audit_certify(rp->ctx, t, 1, true, &left, NULL, NULL, err);
    if (rc || left > 0) {
        x->state = WS_CELL_SECONDARY;
        for (size_t i = 0; i < t->n_cells; i++)
            t->cells[i].cert = saved[i];
        x->cert = WS_CERT_NONE;
    }
    return rc;
}

/* Complements that are not needed after all are published again, the most
 * costly first (a complement chosen early may have been made redundant by
 * later ones); then the whole table is certified again from scratch, and
 * repaired where that finds a narrow cell. */
static int cleanup(struct repair *rp, const unsigned char *orig, struct cands *chosen,
                   struct ws_sdc_stats *st, struct ws_err *err)
{
    struct ws_sdc_table *t = rp->t;
    struct cands sec = {0};
    unsigned char *saved = NULL;
    int rc = WS_OK;

    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].state == WS_CELL_SECONDARY && ws_sdc_is_published(orig[i]))
            cands_push(&sec, i);
    if (sec.n == 0 || sec.n > CLEANUP_MAX)
        goto out;
    sort_cands(t, sec.v, sec.n);
    saved = ws_xmalloc(t->n_cells + 1);
    {
        size_t n_sup = 0;
        for (size_t i = 0; i < t->n_cells; i++)
            n_sup += ws_sdc_needs_range(t, i);
        rp->cleanup_all = n_sup <= CLEANUP_ALL_MAX;
    }
    for (size_t k = sec.n; k-- > 0 && !rc;)
        rc = try_unsuppress(rp, sec.v[k], orig, saved, err);
    for (size_t i = 0; i < t->n_cells && !rc; i++)
        t->cells[i].cert = WS_CERT_NONE; // the final check, from scratch
    if (!rc)
        rc = certify_and_repair(rp, chosen, st, err);
out:
    free(sec.v);
    free(saved);
    return rc;
}

static void count_stats(const struct ws_sdc_table *t, size_t *n_failed, struct ws_sdc_stats *st)
{
    *n_failed = 0;
    for (size_t i = 0; i < t->n_cells; i++) {
        const struct ws_sdc_cell *c = &t->cells[i];
        st->n_secondary += c->state == WS_CELL_SECONDARY;
        st->n_bound += c->cert == WS_CERT_BOUND;
        st->n_exact += c->cert == WS_CERT_EXACT;
        if (ws_sdc_needs_range(t, i) && c->cert == WS_CERT_NONE)
            (*n_failed)++;
    }
}

int ws_suppress_secondary(struct ws_sdc_table *t, size_t *n_failed, struct ws_sdc_stats *stats,
                          struct ws_err *err)
{
    struct ws_sdc_stats st;
    struct repair rp;
    struct cands chosen = {0};
    unsigned char *orig = NULL;
    double t0 = now_seconds();
    double t1;
    int rc = WS_OK;

    memset(&st, 0, sizeof(st));
    memset(&rp, 0, sizeof(rp));
    *n_failed = 0;
    for (size_t i = 0; i < t->n_cells; i++)
        st.n_primary += t->cells[i].state == WS_CELL_PRIMARY;
    if (t->safety_range <= 0) {
        // the study asked for no check: primary suppression only
        for (size_t i = 0; i < t->n_cells; i++)
            st.n_secondary += t->cells[i].state == WS_CELL_SECONDARY;
        goto out;
    }
    rp.t = t;
    rp.ctx = ws_audit_ctx_new(t);
    rp.rq.cap = t->n_rels + 1;
    rp.rq.q = ws_xcalloc(rp.rq.cap, sizeof(*rp.rq.q));
    rp.rq.in = ws_xcalloc(rp.rq.cap, sizeof(*rp.rq.in));
    rp.seen = ws_xcalloc(t->n_cells + 1, sizeof(*rp.seen));
    rp.group = ANY;
    orig = ws_xmalloc(t->n_cells + 1);
    for (size_t i = 0; i < t->n_cells; i++)
        orig[i] = t->cells[i].state;
    if ((rc = subtables(&rp, &chosen, &st, err)))
        goto out;
    t1 = now_seconds();
    st.subtable_seconds = t1 - t0;
    if ((rc = whole_table(&rp, &chosen, &st, err)) || (rc = cleanup(&rp, orig, &chosen, &st, err)))
        goto out;
    st.audit_seconds = now_seconds() - t1;
    count_stats(t, n_failed, &st);
out:
    st.n_lp_solves = ws_audit_ctx_solves(rp.ctx);
    st.n_network_wide = ws_audit_ctx_network(rp.ctx, &st.n_network_narrow, &st.n_network_unknown);
    st.max_vars = ws_audit_ctx_max_vars(rp.ctx);
    st.total_seconds = now_seconds() - t0;
    if (stats)
        *stats = st;
    ws_log_progress_done();
    ws_audit_ctx_free(rp.ctx);
    free(orig);
    free(rp.seen);
    free(rp.undo.cell);
    free(rp.undo.state);
    free(rp.rq.q);
    free(rp.rq.in);
    free(chosen.v);
    return rc;
}
