/*
 * flow.c - a protection table read as a network; feasible directions by
 * augmenting paths (see flow.h).
 *
 * Invariants:
 *   - node 0 is the ground: the far end of a cell that is in one network
 *     relation only (its balance follows from all the others'); a cell in
 *     none is a loop at the ground;
 *   - a relation is a node only when none of its cells is already in two
 *     nodes and its orientation agrees with its neighbours' (else it is a
 *     side relation): so the network is always a relaxation of the table;
 *   - nothing is certified from the network alone: every direction is
 *     checked against all relations and all prior bounds first (check_dir).
 */
#include "wijkscan/flow.h"

#include "wijkscan/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE   ((size_t)-1)
#define GROUND 0
#define EPS    1e-9

struct ws_flow {
    size_t n_cells, n_rels, n_nodes, n_side;
    size_t *node_of_rel; /* relation -> node, NONE for a side relation */
    size_t *tail, *head; /* per cell; NONE for a known cell (no arc) */
    size_t *adj_start;   /* per node: incident arcs (CSR), loops left out */
    size_t *adj;
    size_t *rel_slack; /* per relation: a cell in no other relation, or NONE */

    size_t *crel_start; /* cell -> (relation, coefficient), CSR */
    size_t *crel;
    signed char *crel_coef;

    /* scratch */
    unsigned *seen; /* per node: == gen when reached */
    unsigned gen;
    size_t *pred; /* per node: the arc it was reached through */
    signed char *pred_dir;
    size_t *queue;
    double *d; /* the direction, per cell */
    size_t *sup;
    size_t n_sup;
    double *imb; /* per relation */
    size_t *rels;
    size_t n_rels_touched;
    bool *rel_touched;
};

/* --- building ---------------------------------------------------------------- */

static void build_crel(struct ws_flow *f, const struct ws_sdc_table *t)
{
    size_t *fill = ws_xcalloc(t->n_cells + 1, sizeof(*fill));

    f->crel_start = ws_xcalloc(t->n_cells + 2, sizeof(*f->crel_start));
    for (size_t m = 0; m < t->n_terms; m++)
        f->crel_start[t->rel_cell[m] + 1]++;
    for (size_t i = 0; i < t->n_cells; i++)
        f->crel_start[i + 1] += f->crel_start[i];
    f->crel = ws_xcalloc(t->n_terms + 1, sizeof(*f->crel));
    f->crel_coef = ws_xcalloc(t->n_terms + 1, sizeof(*f->crel_coef));
    for (size_t r = 0; r < t->n_rels; r++)
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t k = t->rel_cell[m];
            size_t at = f->crel_start[k] + fill[k]++;
            f->crel[at] = r;
            f->crel_coef[at] = t->rel_coef[m];
        }
    free(fill);
}

/* The nodes: relations in table order whose cells are in fewer than two
 * nodes so far (known cells are no arcs and do not count). */
static void choose_nodes(struct ws_flow *f, const struct ws_sdc_table *t, unsigned char *deg)
{
    for (size_t r = 0; r < t->n_rels; r++) {
        bool ok = true;
        f->node_of_rel[r] = NONE;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1] && ok; m++)
            ok = t->cells[t->rel_cell[m]].known || deg[t->rel_cell[m]] < 2;
        if (!ok)
            continue;
        f->node_of_rel[r] = f->n_nodes++;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
            deg[t->rel_cell[m]]++;
    }
}

/* The other node relation of cell k than r (and k's coefficient there), or
 * NONE. */
static size_t other_node(const struct ws_flow *f, size_t k, size_t r, signed char *coef)
{
    for (size_t a = f->crel_start[k]; a < f->crel_start[k + 1]; a++)
        if (f->crel[a] != r && f->node_of_rel[f->crel[a]] != NONE) {
            *coef = f->crel_coef[a];
            return f->crel[a];
        }
    return NONE;
}

static signed char coef_in(const struct ws_flow *f, size_t k, size_t r)
{
    for (size_t a = f->crel_start[k]; a < f->crel_start[k + 1]; a++)
        if (f->crel[a] == r)
            return f->crel_coef[a];
    return 0;
}

/* Orientations (+1/-1 per relation) so that every cell in two nodes enters
 * one and leaves the other; a relation that disagrees becomes a side
 * relation. */
static void orient(struct ws_flow *f, const struct ws_sdc_table *t, signed char *o)
{
    size_t *queue = ws_xcalloc(t->n_rels + 1, sizeof(*queue));

    for (size_t root = 0; root < t->n_rels; root++) {
        size_t qh = 0;
        size_t qt = 0;
        if (f->node_of_rel[root] == NONE || o[root])
            continue;
        o[root] = 1;
        queue[qt++] = root;
        while (qh < qt) {
            size_t r = queue[qh++];
            if (f->node_of_rel[r] == NONE)
                continue;
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t k = t->rel_cell[m];
                signed char c2 = 0;
                size_t r2;
                signed char want;
                if (t->cells[k].known || (r2 = other_node(f, k, r, &c2)) == NONE)
                    continue;
                want = (signed char)(-o[r] * t->rel_coef[m] * c2);
                if (!o[r2]) {
                    o[r2] = want;
                    queue[qt++] = r2;
                } else if (o[r2] != want) {
                    f->node_of_rel[r2] = NONE; // disagrees: a side relation
                }
            }
        }
    }
    free(queue);
}

/* Arc of cell k: head where it enters (o * coef = +1), tail where it
 * leaves; the ground for a missing end. */
static void place_arcs(struct ws_flow *f, const struct ws_sdc_table *t, const signed char *o)
{
    for (size_t k = 0; k < t->n_cells; k++) {
        f->tail[k] = f->head[k] = NONE;
        if (t->cells[k].known)
            continue;
        f->tail[k] = f->head[k] = GROUND;
        for (size_t a = f->crel_start[k]; a < f->crel_start[k + 1]; a++) {
            size_t r = f->crel[a];
            if (f->node_of_rel[r] == NONE)
                continue;
            if (o[r] * f->crel_coef[a] > 0)
                f->head[k] = f->node_of_rel[r];
            else
                f->tail[k] = f->node_of_rel[r];
        }
    }
}

static void build_adj(struct ws_flow *f, const struct ws_sdc_table *t)
{
    size_t *fill = ws_xcalloc(f->n_nodes + 1, sizeof(*fill));

    f->adj_start = ws_xcalloc(f->n_nodes + 1, sizeof(*f->adj_start));
    for (size_t k = 0; k < t->n_cells; k++)
        if (f->tail[k] != NONE && f->tail[k] != f->head[k]) {
            f->adj_start[f->tail[k] + 1]++;
            f->adj_start[f->head[k] + 1]++;
        }
    for (size_t n = 0; n < f->n_nodes; n++)
        f->adj_start[n + 1] += f->adj_start[n];
    f->adj = ws_xcalloc(f->adj_start[f->n_nodes] + 1, sizeof(*f->adj));
    for (size_t k = 0; k < t->n_cells; k++)
        if (f->tail[k] != NONE && f->tail[k] != f->head[k]) {
            f->adj[f->adj_start[f->tail[k]] + fill[f->tail[k]]++] = k;
            f->adj[f->adj_start[f->head[k]] + fill[f->head[k]]++] = k;
        }
    free(fill);
}

static void find_slacks(struct ws_flow *f, const struct ws_sdc_table *t)
{
    for (size_t r = 0; r < t->n_rels; r++) {
        f->rel_slack[r] = NONE;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t k = t->rel_cell[m];
            if (!t->cells[k].known && f->crel_start[k + 1] - f->crel_start[k] == 1) {
                f->rel_slack[r] = k;
                break;
            }
        }
    }
}

struct ws_flow *ws_flow_new(const struct ws_sdc_table *t)
{
    struct ws_flow *f = ws_xcalloc(1, sizeof(*f));
    unsigned char *deg = ws_xcalloc(t->n_cells + 1, sizeof(*deg));
    signed char *o = ws_xcalloc(t->n_rels + 1, sizeof(*o));

    f->n_cells = t->n_cells;
    f->n_rels = t->n_rels;
    f->n_nodes = 1; // the ground
    build_crel(f, t);
    f->node_of_rel = ws_xcalloc(t->n_rels + 1, sizeof(*f->node_of_rel));
    choose_nodes(f, t, deg);
    orient(f, t, o);
    for (size_t r = 0; r < t->n_rels; r++)
        f->n_side += f->node_of_rel[r] == NONE;
    f->tail = ws_xcalloc(t->n_cells + 1, sizeof(*f->tail));
    f->head = ws_xcalloc(t->n_cells + 1, sizeof(*f->head));
    place_arcs(f, t, o);
    build_adj(f, t);
    f->rel_slack = ws_xcalloc(t->n_rels + 1, sizeof(*f->rel_slack));
    find_slacks(f, t);

    f->seen = ws_xcalloc(f->n_nodes + 1, sizeof(*f->seen));
    f->pred = ws_xcalloc(f->n_nodes + 1, sizeof(*f->pred));
    f->pred_dir = ws_xcalloc(f->n_nodes + 1, sizeof(*f->pred_dir));
    f->queue = ws_xcalloc(f->n_nodes + 1, sizeof(*f->queue));
    f->d = ws_xcalloc(t->n_cells + 1, sizeof(*f->d));
    f->sup = ws_xcalloc(t->n_cells + 1, sizeof(*f->sup));
    f->imb = ws_xcalloc(t->n_rels + 1, sizeof(*f->imb));
    f->rels = ws_xcalloc(t->n_rels + 1, sizeof(*f->rels));
    f->rel_touched = ws_xcalloc(t->n_rels + 1, sizeof(*f->rel_touched));
    free(deg);
    free(o);
    return f;
}

void ws_flow_free(struct ws_flow *f)
{
    if (!f)
        return;
    free(f->node_of_rel);
    free(f->tail);
    free(f->head);
    free(f->adj_start);
    free(f->adj);
    free(f->rel_slack);
    free(f->crel_start);
    free(f->crel);
    free(f->crel_coef);
    free(f->seen);
    free(f->pred);
    free(f->pred_dir);
    free(f->queue);
    free(f->d);
    free(f->sup);
    free(f->imb);
    free(f->rels);
    free(f->rel_touched);
    free(f);
}

size_t ws_flow_side_relations(const struct ws_flow *f)
{
    return f ? f->n_side : 0;
}

/* --- directions -------------------------------------------------------------- */

/* How far cell k may move by `dir` (+1 up, -1 down) from value + d[k]. */
static double room(const struct ws_flow *f, const struct ws_sdc_table *t, size_t k, int dir)
{
    double lo;
    double hi;
    double v;

    if (!ws_sdc_is_variable(&t->cells[k]))
        return 0.0;
    ws_sdc_bounds(t, k, &lo, &hi);
    v = t->cells[k].value + f->d[k];
    return dir > 0 ? hi - v : v - lo;
}

static void add_d(struct ws_flow *f, size_t k, double amount)
{
    if (f->d[k] == 0.0 && amount != 0.0)
        f->sup[f->n_sup++] = k;
    f->d[k] += amount;
}

static void clear_d(struct ws_flow *f)
{
    for (size_t s = 0; s < f->n_sup; s++)
        f->d[f->sup[s]] = 0.0;
    f->n_sup = 0;
}

/* Breadth first from node `from` to node `to` over arcs with at least one
 * unit of room, c left out.  pred/pred_dir hold the path. */
static bool find_path(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, size_t from,
                      size_t to)
{
    size_t qh = 0;
    size_t qt = 0;

    if (++f->gen == 0) {
        memset(f->seen, 0, (f->n_nodes + 1) * sizeof(*f->seen));
        f->gen = 1;
    }
    f->seen[from] = f->gen;
    f->queue[qt++] = from;
    while (qh < qt) {
        size_t n = f->queue[qh++];
        for (size_t a = f->adj_start[n]; a < f->adj_start[n + 1]; a++) {
            size_t e = f->adj[a];
            int dir = f->tail[e] == n ? 1 : -1;
            size_t next = dir > 0 ? f->head[e] : f->tail[e];
            if (e == c || f->seen[next] == f->gen || room(f, t, e, dir) < 1.0 - EPS)
                continue;
            f->seen[next] = f->gen;
            f->pred[next] = e;
            f->pred_dir[next] = (signed char)dir;
            if (next == to)
                return true;
            f->queue[qt++] = next;
        }
    }
    return false;
}

/* Pushes up to `amount` along the path found to `to` (and c by dir);
 * returns what was pushed. */
static double push(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir, size_t from,
                   size_t to, double amount)
{
    for (size_t n = to; n != from;) {
        size_t e = f->pred[n];
        amount = fmin(amount, room(f, t, e, f->pred_dir[n]));
        n = f->pred_dir[n] > 0 ? f->tail[e] : f->head[e];
    }
    for (size_t n = to; n != from;) {
        size_t e = f->pred[n];
        add_d(f, e, f->pred_dir[n] * amount);
        n = f->pred_dir[n] > 0 ? f->tail[e] : f->head[e];
    }
    add_d(f, c, dir * amount);
    return amount;
}

/* Moves cell c by dir (+1/-1) as far as `target` over augmenting paths in
 * the network (a maximum flow capped at target): the direction is left in
 * f->d; returns how far. */
static double augment(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir,
                      double target, bool one_path)
{
    size_t from = dir > 0 ? f->head[c] : f->tail[c];
    size_t to = dir > 0 ? f->tail[c] : f->head[c];
    double done = 0.0;

    clear_d(f);
    target = fmin(target, room(f, t, c, dir));
    if (from == to) { // a loop: nothing to balance in the network
        if (target >= 1.0 - EPS)
            add_d(f, c, dir * floor(target + EPS));
        return f->d[c] * dir;
    }
    while (done < target - EPS && find_path(f, t, c, from, to)) {
        done += push(f, t, c, dir, from, to, one_path ? 1.0 : target - done);
        if (one_path)
            break;
    }
    return done;
}

/* Balances relation r's imbalance with its slack cell, if it has room. */
static bool balance(struct ws_flow *f, const struct ws_sdc_table *t, size_t r)
{
    size_t k = f->rel_slack[r];
    signed char coef;
    double want;

    if (fabs(f->imb[r]) < EPS)
        return true;
    if (k == NONE || f->d[k] != 0.0)
        return false;
    coef = coef_in(f, k, r);
    want = -f->imb[r] * coef;
    if (room(f, t, k, want > 0 ? 1 : -1) < fabs(want) - EPS)
        return false;
    add_d(f, k, want);
    return true;
}

/* Is x + d a feasible table (every relation, every prior bound)?  A side
 * relation may be balanced by its slack cell (added to d). */
static bool check_dir(struct ws_flow *f, const struct ws_sdc_table *t)
{
    size_t n_sup = f->n_sup;
    bool ok = true;

    f->n_rels_touched = 0;
    for (size_t s = 0; s < n_sup; s++) {
        size_t k = f->sup[s];
        for (size_t a = f->crel_start[k]; a < f->crel_start[k + 1]; a++) {
            size_t r = f->crel[a];
            if (!f->rel_touched[r]) {
                f->rel_touched[r] = true;
                f->imb[r] = 0.0;
                f->rels[f->n_rels_touched++] = r;
            }
            f->imb[r] += f->crel_coef[a] * f->d[k];
        }
    }
    for (size_t i = 0; i < f->n_rels_touched && ok; i++)
        ok = balance(f, t, f->rels[i]);
    for (size_t i = 0; i < f->n_rels_touched; i++)
        f->rel_touched[f->rels[i]] = false;
    for (size_t s = 0; s < f->n_sup && ok; s++) {
        size_t k = f->sup[s];
        double lo;
        double hi;
        double v = t->cells[k].value + f->d[k];
        if (!ws_sdc_is_variable(&t->cells[k]))
            return false;
        ws_sdc_bounds(t, k, &lo, &hi);
        ok = v >= lo - EPS && v <= hi + EPS;
    }
    return ok;
}

/* How many times d fits from x in direction dir (+1/-1) within the prior
 * bounds: min over the support of room / |d|, whole. */
static double reach(const struct ws_flow *f, const struct ws_sdc_table *t, int dir)
{
    double s = INFINITY;

    for (size_t i = 0; i < f->n_sup; i++) {
        size_t k = f->sup[i];
        double lo;
        double hi;
        double v = t->cells[k].value;
        double dk = f->d[k] * dir;
        if (dk == 0.0)
            continue;
        ws_sdc_bounds(t, k, &lo, &hi);
        s = fmin(s, dk > 0 ? (hi - v) / dk : (v - lo) / -dk);
    }
    return floor(s + EPS);
}

/* One checked cycle through c: certifies c and every pending cell on it
 * that it moves far enough both ways. */
static bool one_cycle(struct ws_flow *f, struct ws_sdc_table *t, size_t c, size_t *n_also)
{
    double need = (double)t->safety_range;
    double span;
    bool wide = false;

    if (augment(f, t, c, 1, 1.0, true) < 1.0 - EPS && augment(f, t, c, -1, 1.0, true) < 1.0 - EPS)
        return false;
    if (!check_dir(f, t))
        return false;
    span = reach(f, t, 1) + reach(f, t, -1);
    for (size_t i = 0; i < f->n_sup; i++) {
        size_t k = f->sup[i];
        if (span * fabs(f->d[k]) < need - EPS)
            continue;
        if (k == c) {
            wide = true;
        } else if (n_also && ws_sdc_needs_range(t, k) && t->cells[k].cert == WS_CERT_NONE) {
            t->cells[k].cert = WS_CERT_BOUND;
            (*n_also)++;
        }
    }
    return wide;
}

enum ws_flow_verdict ws_flow_check(struct ws_flow *f, struct ws_sdc_table *t, size_t c,
                                   size_t *n_also)
{
    double need = (double)t->safety_range;
    double up;
    double down;
    double up_ok;
    double down_ok;

    if (n_also)
        *n_also = 0;
    if (!f || f->n_cells != t->n_cells || f->tail[c] == NONE)
        return WS_FLOW_UNKNOWN;
    if (one_cycle(f, t, c, n_also)) {
        clear_d(f);
        return WS_FLOW_WIDE;
    }
    // maximum flows capped at need: the relaxation's range, then checked
    up = augment(f, t, c, 1, need, false);
    up_ok = up > 0.0 && check_dir(f, t) ? up : 0.0;
    down = augment(f, t, c, -1, need, false);
    down_ok = down > 0.0 && check_dir(f, t) ? down : 0.0;
    clear_d(f);
    if (up_ok + down_ok >= need - EPS)
        return WS_FLOW_WIDE;
    if (up + down < need - EPS)
        return WS_FLOW_NARROW;
    return WS_FLOW_UNKNOWN;
}
