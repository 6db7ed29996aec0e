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
#include "wijkscan/protect/flow.h"

#include "wijkscan/core/mem.h"

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
    size_t *rel_slack;  /* per relation: a cell in no other relation, or NONE */
    size_t *xrel_start; /* per cell: its "extra" relations (CSR): side relations
                         * with a cell of their own (group offers, known sums),
                         * which a direction through the cell must keep */
    size_t *xrel;
    bool blocking; /* searches avoid cells whose extra relations cannot move */
    double *ximb;  /* per relation: what d adds to it so far (extra relations) */
    bool *xr_in;
    size_t *xr_list;
    size_t n_xr;
    size_t cur_c; /* the cell being moved, and its direction (for blocked()) */
    int cur_dir;

    size_t *crel_start; /* cell -> (relation, coefficient), CSR */
    size_t *crel;
    signed char *crel_coef;

    /* the attacker's prior bounds per cell, cached for the state they were
     * computed for (st_cache; 0xFF: none yet) */
    double *lo, *hi;
    unsigned char *st_cache;

    /* path search scratch, per node: reached from the source (seen_f, through
     * arc pred_f traversed by dir_f) and towards the sink (seen_b, on to the
     * sink through arc succ_b traversed by dir_b) */
    unsigned *seen_f, *seen_b;
    unsigned gen;
    size_t *pred_f, *succ_b;
    signed char *dir_f, *dir_b;
    size_t *qf, *qb;
    /* per cell, over one check: the farthest it was seen to move down and up
     * in checked directions (valid when disp_gen == dgen) */
    double *disp_lo, *disp_hi;
    unsigned *disp_gen;
    unsigned dgen;
    size_t *moved;
    size_t n_moved;
    /* the compensated search (comp_path): states node * 2 + k, k = 1 once a
     * member of the stuck relation made up for the cell's own move */
    unsigned *seen2;
    size_t *pred2; /* the state before */
    size_t *arc2;
    signed char *dir2;
    size_t *queue2;
    size_t *path; /* the path found: arcs from source to sink, with directions */
    signed char *path_dir;
    size_t n_path;
    double *d;    /* the direction, per cell */
    bool *in_sup; /* per cell: listed in sup */
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

/* Does relation r have a cell of its own (one in no other relation: a known
 * sum's or a group offer's total)? */
static bool has_own_cell(const struct ws_flow *f, const struct ws_sdc_table *t, size_t r)
{
    for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
        size_t k = t->rel_cell[m];
        if (f->crel_start[k + 1] - f->crel_start[k] == 1)
            return true;
    }
    return false;
}

/* The nodes: relations whose cells are in fewer than two nodes so far
 * (known cells are no arcs and do not count), in table order, those with a
 * cell of their own last (a known sum over thousands of buurten must not
 * take the place of the buurten's rows). */
static void choose_nodes(struct ws_flow *f, const struct ws_sdc_table *t, unsigned char *deg)
{
    for (size_t r = 0; r < t->n_rels; r++)
        f->node_of_rel[r] = NONE;
    for (int pass = 0; pass < 2; pass++)
        for (size_t r = 0; r < t->n_rels; r++) {
            bool ok = true;
            if (has_own_cell(f, t, r) != (pass == 1))
                continue;
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
    size_t *fill = ws_xcalloc(t->n_cells + 1, sizeof(*fill));

    for (size_t r = 0; r < t->n_rels; r++) {
        f->rel_slack[r] = NONE;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
            size_t k = t->rel_cell[m];
            if (f->crel_start[k + 1] - f->crel_start[k] == 1) {
                f->rel_slack[r] = k;
                break;
            }
        }
    }
    // extra relations by cell
    f->xrel_start = ws_xcalloc(t->n_cells + 2, sizeof(*f->xrel_start));
    for (size_t r = 0; r < t->n_rels; r++)
        if (f->node_of_rel[r] == NONE && f->rel_slack[r] != NONE)
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
                f->xrel_start[t->rel_cell[m] + 1]++;
    for (size_t i = 0; i < t->n_cells; i++)
        f->xrel_start[i + 1] += f->xrel_start[i];
    f->xrel = ws_xcalloc(f->xrel_start[t->n_cells] + 1, sizeof(*f->xrel));
    for (size_t r = 0; r < t->n_rels; r++)
        if (f->node_of_rel[r] == NONE && f->rel_slack[r] != NONE)
            for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
                size_t k = t->rel_cell[m];
                f->xrel[f->xrel_start[k] + fill[k]++] = r;
            }
    free(fill);
}

struct ws_flow *ws_flow_new(const struct ws_sdc_table *t)
{
    struct ws_flow *f = ws_xcalloc(1, sizeof(*f));
    unsigned char *deg = ws_xcalloc(t->n_cells + 1, sizeof(*deg));
    signed char *o = ws_xcalloc(t->n_rels + 1, sizeof(*o));

    f->n_cells = t->n_cells;
    f->n_rels = t->n_rels;
    f->n_nodes = 1; // the ground
    f->cur_c = NONE;
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

    f->lo = ws_xcalloc(t->n_cells + 1, sizeof(*f->lo));
    f->hi = ws_xcalloc(t->n_cells + 1, sizeof(*f->hi));
    f->st_cache = ws_xmalloc(t->n_cells + 1);
    memset(f->st_cache, 0xFF, t->n_cells + 1);
    f->seen_f = ws_xcalloc(f->n_nodes + 1, sizeof(*f->seen_f));
    f->seen_b = ws_xcalloc(f->n_nodes + 1, sizeof(*f->seen_b));
    f->pred_f = ws_xcalloc(f->n_nodes + 1, sizeof(*f->pred_f));
    f->succ_b = ws_xcalloc(f->n_nodes + 1, sizeof(*f->succ_b));
    f->dir_f = ws_xcalloc(f->n_nodes + 1, sizeof(*f->dir_f));
    f->dir_b = ws_xcalloc(f->n_nodes + 1, sizeof(*f->dir_b));
    f->qf = ws_xcalloc(f->n_nodes + 1, sizeof(*f->qf));
    f->qb = ws_xcalloc(f->n_nodes + 1, sizeof(*f->qb));
    f->disp_lo = ws_xcalloc(t->n_cells + 1, sizeof(*f->disp_lo));
    f->disp_hi = ws_xcalloc(t->n_cells + 1, sizeof(*f->disp_hi));
    f->disp_gen = ws_xcalloc(t->n_cells + 1, sizeof(*f->disp_gen));
    f->moved = ws_xcalloc(t->n_cells + 1, sizeof(*f->moved));
    f->path = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->path));
    f->path_dir = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->path_dir));
    f->d = ws_xcalloc(t->n_cells + 1, sizeof(*f->d));
    f->ximb = ws_xcalloc(t->n_rels + 1, sizeof(*f->ximb));
    f->xr_in = ws_xcalloc(t->n_rels + 1, sizeof(*f->xr_in));
    f->xr_list = ws_xcalloc(t->n_rels + 1, sizeof(*f->xr_list));
    f->in_sup = ws_xcalloc(t->n_cells + 1, sizeof(*f->in_sup));
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
    free(f->xrel_start);
    free(f->xrel);
    free(f->crel_start);
    free(f->crel);
    free(f->crel_coef);
    free(f->lo);
    free(f->hi);
    free(f->st_cache);
    free(f->seen_f);
    free(f->seen_b);
    free(f->pred_f);
    free(f->succ_b);
    free(f->dir_f);
    free(f->dir_b);
    free(f->qf);
    free(f->qb);
    free(f->disp_lo);
    free(f->disp_hi);
    free(f->disp_gen);
    free(f->moved);
    free(f->seen2);
    free(f->pred2);
    free(f->arc2);
    free(f->dir2);
    free(f->queue2);
    free(f->path);
    free(f->path_dir);
    free(f->d);
    free(f->ximb);
    free(f->xr_in);
    free(f->xr_list);
    free(f->in_sup);
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
static double room(struct ws_flow *f, const struct ws_sdc_table *t, size_t k, int dir)
{
    const struct ws_sdc_cell *x = &t->cells[k];
    double v;

    if (!ws_sdc_is_variable(x))
        return 0.0;
    if (f->st_cache[k] != x->state) {
        ws_sdc_bounds(t, k, &f->lo[k], &f->hi[k]);
        f->st_cache[k] = x->state;
    }
    v = x->value + f->d[k];
    return dir > 0 ? f->hi[k] - v : v - f->lo[k];
}

/* Searching with blocking: may a direction move cell e by dir (one unit)?
 * Not when one of its extra relations has an own cell that cannot make up
 * for all that d, this move and the unit move of the cell being checked
 * add to it (a known sum, an offer total at the edge of its rounding
 * interval): that relation would break. */
static bool blocked(struct ws_flow *f, const struct ws_sdc_table *t, size_t e, int dir)
{
    if (!f->blocking)
        return false;
    for (size_t a = f->xrel_start[e]; a < f->xrel_start[e + 1]; a++) {
        size_t r = f->xrel[a];
        size_t p = f->rel_slack[r];
        double add;
        double want; // the own cell's move that keeps r
        if (p == e)
            continue;
        add = (f->xr_in[r] ? f->ximb[r] : 0.0) + coef_in(f, e, r) * dir;
        if (f->cur_c != NONE)
            add += coef_in(f, f->cur_c, r) * f->cur_dir;
        want = -add * coef_in(f, p, r);
        if (fabs(want) > EPS && room(f, t, p, want > 0 ? 1 : -1) < fabs(want) - EPS)
            return true;
    }
    return false;
}

/* Can the extra relations of c (the cell being moved) take one more unit of
 * its move by dir, their own cells making up for all of d? */
static bool own_ok(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir)
{
    for (size_t a = f->xrel_start[c]; a < f->xrel_start[c + 1]; a++) {
        size_t r = f->xrel[a];
        size_t p = f->rel_slack[r];
        double want;
        if (p == c)
            continue;
        want = -((f->xr_in[r] ? f->ximb[r] : 0.0) + coef_in(f, c, r) * dir) * coef_in(f, p, r);
        if (fabs(want) > EPS && room(f, t, p, want > 0 ? 1 : -1) < fabs(want) - EPS)
            return false;
    }
    return true;
}

/* d[k] += amount; k is listed in sup once (even if d[k] comes back to 0). */
static void add_d(struct ws_flow *f, size_t k, double amount)
{
    if (!f->in_sup[k] && amount != 0.0) {
        f->in_sup[k] = true;
        f->sup[f->n_sup++] = k;
    }
    f->d[k] += amount;
    for (size_t a = f->xrel_start[k]; a < f->xrel_start[k + 1]; a++) {
        size_t r = f->xrel[a];
        if (!f->xr_in[r]) {
            f->xr_in[r] = true;
            f->ximb[r] = 0.0;
            f->xr_list[f->n_xr++] = r;
        }
        f->ximb[r] += coef_in(f, k, r) * amount;
    }
}

static void clear_d(struct ws_flow *f)
{
    for (size_t s = 0; s < f->n_sup; s++) {
        f->d[f->sup[s]] = 0.0;
        f->in_sup[f->sup[s]] = false;
    }
    f->n_sup = 0;
    for (size_t i = 0; i < f->n_xr; i++)
        f->xr_in[f->xr_list[i]] = false;
    f->n_xr = 0;
}

/* One level of the search from the source: arcs out of the level's nodes
 * with a unit of room; returns the meeting node (reached from both sides)
 * or NONE.  *qh..*qt is the level, extended with the next. */
static size_t grow_f(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, size_t *qh,
                     size_t *qt)
{
    size_t end = *qt;

    for (; *qh < end; (*qh)++) {
        size_t n = f->qf[*qh];
        for (size_t a = f->adj_start[n]; a < f->adj_start[n + 1]; a++) {
            size_t e = f->adj[a];
            int dir = f->tail[e] == n ? 1 : -1;
            size_t next = dir > 0 ? f->head[e] : f->tail[e];
            if (e == c || f->seen_f[next] == f->gen || room(f, t, e, dir) < 1.0 - EPS ||
                blocked(f, t, e, dir))
                continue;
            f->seen_f[next] = f->gen;
            f->pred_f[next] = e;
            f->dir_f[next] = (signed char)dir;
            if (f->seen_b[next] == f->gen)
                return next;
            f->qf[(*qt)++] = next;
        }
    }
    return NONE;
}

/* The same towards the sink: arcs INTO the level's nodes. */
static size_t grow_b(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, size_t *qh,
                     size_t *qt)
{
    size_t end = *qt;

    for (; *qh < end; (*qh)++) {
        size_t n = f->qb[*qh];
        for (size_t a = f->adj_start[n]; a < f->adj_start[n + 1]; a++) {
            size_t e = f->adj[a];
            int dir = f->head[e] == n ? 1 : -1; // traversed towards n
            size_t prev = dir > 0 ? f->tail[e] : f->head[e];
            if (e == c || f->seen_b[prev] == f->gen || room(f, t, e, dir) < 1.0 - EPS ||
                blocked(f, t, e, dir))
                continue;
            f->seen_b[prev] = f->gen;
            f->succ_b[prev] = e;
            f->dir_b[prev] = (signed char)dir;
            if (f->seen_f[prev] == f->gen)
                return prev;
            f->qb[(*qt)++] = prev;
        }
    }
    return NONE;
}

/* The path through `meet` into f->path: source side reversed, then the
 * sink side. */
static void make_path(struct ws_flow *f, size_t from, size_t to, size_t meet)
{
    size_t n_half = 0;

    f->n_path = 0;
    for (size_t n = meet; n != from;) {
        size_t e = f->pred_f[n];
        f->path[f->n_path] = e;
        f->path_dir[f->n_path++] = f->dir_f[n];
        n = f->dir_f[n] > 0 ? f->tail[e] : f->head[e];
    }
    n_half = f->n_path;
    for (size_t i = 0; i < n_half / 2; i++) {
        size_t e = f->path[i];
        signed char d = f->path_dir[i];
        f->path[i] = f->path[n_half - 1 - i];
        f->path_dir[i] = f->path_dir[n_half - 1 - i];
        f->path[n_half - 1 - i] = e;
        f->path_dir[n_half - 1 - i] = d;
    }
    for (size_t n = meet; n != to;) {
        size_t e = f->succ_b[n];
        f->path[f->n_path] = e;
        f->path_dir[f->n_path++] = f->dir_b[n];
        n = f->dir_b[n] > 0 ? f->head[e] : f->tail[e];
    }
}

/* A path from node `from` to node `to` over arcs with at least one unit of
 * room, c left out, into f->path: breadth first from both ends, the
 * smaller level first (a cell whose row has no other unknown fails at
 * once). */
static bool find_path(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, size_t from,
                      size_t to)
{
    size_t fh = 0;
    size_t ft = 0;
    size_t bh = 0;
    size_t bt = 0;
    size_t meet = NONE;

    if (++f->gen == 0) {
        memset(f->seen_f, 0, (f->n_nodes + 1) * sizeof(*f->seen_f));
        memset(f->seen_b, 0, (f->n_nodes + 1) * sizeof(*f->seen_b));
        f->gen = 1;
    }
    f->seen_f[from] = f->seen_b[to] = f->gen;
    f->qf[ft++] = from;
    f->qb[bt++] = to;
    while (meet == NONE && fh < ft && bh < bt)
        meet = ft - fh <= bt - bh ? grow_f(f, t, c, &fh, &ft) : grow_b(f, t, c, &bh, &bt);
    if (meet == NONE)
        return false;
    make_path(f, from, to, meet);
    return true;
}

/* Pushes up to `amount` along f->path (and c by dir); returns what was
 * pushed. */
static double push(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir,
                   double amount)
{
    if (f->blocking)
        amount = fmin(amount, 1.0); // blocked() looked at one unit
    for (size_t i = 0; i < f->n_path; i++)
        amount = fmin(amount, room(f, t, f->path[i], f->path_dir[i]));
    for (size_t i = 0; i < f->n_path; i++)
        add_d(f, f->path[i], f->path_dir[i] * amount);
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
    f->cur_c = c;
    f->cur_dir = dir;
    target = fmin(target, room(f, t, c, dir));
    if (from == to) { // a loop: nothing to balance in the network
        if (target >= 1.0 - EPS)
            add_d(f, c, dir * floor(target + EPS));
        return f->d[c] * dir;
    }
    while (done < target - EPS && (!f->blocking || own_ok(f, t, c, dir)) &&
           find_path(f, t, c, from, to)) {
        done += push(f, t, c, dir, one_path ? 1.0 : target - done);
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

/* d is a checked direction: x + s*d is feasible for s in [-down, up]; each
 * cell's farthest moves so far take it in. */
static void note_moves(struct ws_flow *f, const struct ws_sdc_table *t)
{
    double up = reach(f, t, 1);
    double down = reach(f, t, -1);

    for (size_t i = 0; i < f->n_sup; i++) {
        size_t k = f->sup[i];
        double a = up * f->d[k];
        double b = -down * f->d[k];
        if (f->disp_gen[k] != f->dgen) {
            f->disp_gen[k] = f->dgen;
            f->disp_lo[k] = f->disp_hi[k] = 0.0;
            f->moved[f->n_moved++] = k;
        }
        f->disp_lo[k] = fmin(f->disp_lo[k], fmin(a, b));
        f->disp_hi[k] = fmax(f->disp_hi[k], fmax(a, b));
    }
}

static double moved_width(const struct ws_flow *f, size_t k)
{
    return f->disp_gen[k] == f->dgen ? f->disp_hi[k] - f->disp_lo[k] : 0.0;
}

/* Every pending cell (but c) that the checked directions moved across at
 * least safety_range gets cert = WS_CERT_BOUND. */
static void certify_moved(struct ws_flow *f, struct ws_sdc_table *t, size_t c, size_t *n_also)
{
    double need = (double)t->safety_range;

    for (size_t i = 0; i < f->n_moved; i++) {
        size_t k = f->moved[i];
        if (k != c && moved_width(f, k) >= need - EPS && ws_sdc_needs_range(t, k) &&
            t->cells[k].cert == WS_CERT_NONE) {
            t->cells[k].cert = WS_CERT_BOUND;
            (*n_also)++;
        }
    }
}

/* One cycle through c (the first found), taken in when it keeps every
 * relation, else one that avoids blocked cells. */
static void one_cycle(struct ws_flow *f, const struct ws_sdc_table *t, size_t c)
{
    for (int blocking = 0; blocking < 2; blocking++) {
        f->blocking = blocking;
        if (augment(f, t, c, 1, 1.0, true) < 1.0 - EPS &&
            augment(f, t, c, -1, 1.0, true) < 1.0 - EPS)
            return; // none at all (blocking only makes fewer)
        if (check_dir(f, t)) {
            note_moves(f, t);
            return;
        }
    }
}

/* The layer after traversing arc e by dir from layer k, or -1 when not
 * allowed: a member of r moves only to make up for c (sign `comp` on r),
 * once. */
static int next_layer(struct ws_flow *f, const struct ws_sdc_table *t, size_t e, int dir, int k,
                      size_t r, int comp)
{
    signed char ce = coef_in(f, e, r);

    if (ce == 0)
        return blocked(f, t, e, dir) ? -1 : k;
    return k == 0 && ce * dir == comp ? 1 : -1;
}

/* Breadth first over (node, layer) from (from, 0) to (to, 1); the path into
 * f->path. */
static bool comp_path(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, size_t from,
                      size_t to, size_t r, int comp)
{
    size_t qh = 0;
    size_t qt = 0;
    size_t goal = to * 2 + 1;

    if (!f->seen2) {
        f->seen2 = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->seen2));
        f->pred2 = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->pred2));
        f->arc2 = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->arc2));
        f->dir2 = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->dir2));
        f->queue2 = ws_xcalloc(2 * f->n_nodes + 1, sizeof(*f->queue2));
    }
    if (++f->gen == 0) {
        memset(f->seen_f, 0, (f->n_nodes + 1) * sizeof(*f->seen_f));
        memset(f->seen_b, 0, (f->n_nodes + 1) * sizeof(*f->seen_b));
        memset(f->seen2, 0, (2 * f->n_nodes + 1) * sizeof(*f->seen2));
        f->gen = 1;
    }
    f->seen2[from * 2] = f->gen;
    f->queue2[qt++] = from * 2;
    while (qh < qt && f->seen2[goal] != f->gen) {
        size_t st = f->queue2[qh++];
        size_t n = st / 2;
        for (size_t a = f->adj_start[n]; a < f->adj_start[n + 1]; a++) {
            size_t e = f->adj[a];
            int dir = f->tail[e] == n ? 1 : -1;
            size_t next = dir > 0 ? f->head[e] : f->tail[e];
            int k;
            if (e == c || room(f, t, e, dir) < 1.0 - EPS ||
                (k = next_layer(f, t, e, dir, (int)(st % 2), r, comp)) < 0 ||
                f->seen2[next * 2 + (size_t)k] == f->gen)
                continue;
            f->seen2[next * 2 + (size_t)k] = f->gen;
            f->pred2[next * 2 + (size_t)k] = st;
            f->arc2[next * 2 + (size_t)k] = e;
            f->dir2[next * 2 + (size_t)k] = (signed char)dir;
            f->queue2[qt++] = next * 2 + (size_t)k;
        }
    }
    if (f->seen2[goal] != f->gen)
        return false;
    f->n_path = 0;
    for (size_t st = goal; st != from * 2; st = f->pred2[st]) {
        f->path[f->n_path] = f->arc2[st];
        f->path_dir[f->n_path++] = f->dir2[st];
    }
    return true; // reversed order: push() does not mind
}

/* c's only extra relation, or NONE (none, or more than one). */
static size_t only_xrel(const struct ws_flow *f, size_t c)
{
    size_t found = NONE;

    for (size_t a = f->xrel_start[c]; a < f->xrel_start[c + 1]; a++) {
        if (f->rel_slack[f->xrel[a]] == c)
            continue;
        if (found != NONE)
            return NONE;
        found = f->xrel[a];
    }
    return found;
}

/* Moves c by dir up to need: over plain paths while its extra relation's own
 * cell can follow, then along paths on which another member of that
 * relation moves the other way (so the relation keeps); takes in the
 * direction when it checks. */
static void compensated_flow(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir,
                             double need)
{
    size_t r = only_xrel(f, c);
    size_t from = dir > 0 ? f->head[c] : f->tail[c];
    size_t to = dir > 0 ? f->tail[c] : f->head[c];
    double done;
    double target;
    int comp;

    if (r == NONE || from == to)
        return;
    comp = -coef_in(f, c, r) * dir;
    f->blocking = true;
    done = augment(f, t, c, dir, need, false); // clears d; stops where r cannot follow
    target = fmin(need, room(f, t, c, dir) + done);
    while (done < target - EPS && comp_path(f, t, c, from, to, r, comp))
        done += push(f, t, c, dir, target - done);
    if (done > 0.0 && check_dir(f, t))
        note_moves(f, t);
}

/* Moves c by dir as far as need over the relaxation (*relaxed: how far),
 * and takes in a checked direction: the relaxation's own when it keeps
 * every relation, else one that avoids blocked cells. */
static void checked_flow(struct ws_flow *f, const struct ws_sdc_table *t, size_t c, int dir,
                         double need, double *relaxed)
{
    f->blocking = false;
    *relaxed = augment(f, t, c, dir, need, false);
    if (*relaxed <= 0.0)
        return;
    if (check_dir(f, t)) {
        note_moves(f, t);
        return;
    }
    f->blocking = true;
    if (augment(f, t, c, dir, need, false) > 0.0 && check_dir(f, t))
        note_moves(f, t);
}

enum ws_flow_verdict ws_flow_check(struct ws_flow *f, struct ws_sdc_table *t, size_t c,
                                   size_t *n_also)
{
    double need = (double)t->safety_range;
    double up = 0.0;
    double down = 0.0;
    enum ws_flow_verdict v = WS_FLOW_UNKNOWN;

    if (n_also)
        *n_also = 0;
    if (!f || f->n_cells != t->n_cells || f->tail[c] == NONE)
        return WS_FLOW_UNKNOWN;
    if (++f->dgen == 0) {
        memset(f->disp_gen, 0, (f->n_cells + 1) * sizeof(*f->disp_gen));
        f->dgen = 1;
    }
    f->n_moved = 0;
    one_cycle(f, t, c);
    if (moved_width(f, c) < need - EPS) {
        // maximum flows capped at need: the relaxation's range, and checked ones
        checked_flow(f, t, c, 1, need, &up);
        checked_flow(f, t, c, -1, need, &down);
        if (moved_width(f, c) < need - EPS && up + down < need - EPS)
            v = WS_FLOW_NARROW;
    }
    if (v != WS_FLOW_NARROW && moved_width(f, c) < need - EPS) {
        // c's own extra relation (an offer total at the edge of its rounding)
        compensated_flow(f, t, c, 1, need);
        compensated_flow(f, t, c, -1, need);
    }
    if (moved_width(f, c) >= need - EPS)
        v = WS_FLOW_WIDE;
    if (n_also)
        certify_moved(f, t, c, n_also);
    clear_d(f);
    return v;
}
