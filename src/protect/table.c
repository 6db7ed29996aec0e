/*
 * table.c - the protection table: cells, relations, subtables and the
 * attacker's prior bounds (see table.h).
 */
#include "wijkscan/protect/table.h"

#include "wijkscan/core/err.h"
#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    free(t->rel_group);
    free(t->cell_rel_start);
    free(t->cell_rel);
    free(t->group_rel_start);
    free(t->group_rel);
    free(t->group_parent);
    free(t->group_cell_start);
    free(t->group_cell);
    free(t->group_margin_start);
    free(t->group_margin);
    free(t->group_child_start);
    free(t->group_child);
    free(t->ranges);
    memset(t, 0, sizeof(*t));
}

size_t ws_sdc_add_group(struct ws_sdc_table *t)
{
    return t->n_groups++;
}

size_t ws_sdc_add_cell(struct ws_sdc_table *t, double value, enum ws_cell_state state,
                       unsigned char order, bool fixed, size_t tag)
{
    struct ws_sdc_cell *c;

    if (!(value >= 0.0) || value != floor(value))
        WS_BUG("protection table: a count must be a whole number >= 0");
    WS_VEC_GROW(t->cells, t->n_cells + 1, t->cells_cap);
    c = &t->cells[t->n_cells];
    memset(c, 0, sizeof(*c));
    c->value = value;
    c->state = (unsigned char)state;
    c->order = order;
    c->fixed = fixed;
    c->dirty = ws_sdc_is_suppressed((unsigned char)state);
    c->tag = tag;
    c->group = WS_SDC_NO_GROUP;
    c->margin = WS_SDC_NO_GROUP;
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

/* Room for one more relation (rel_start has n_rels + 2 entries). */
static void grow_relations(struct ws_sdc_table *t)
{
    WS_VEC_GROW(t->rel_start, t->n_rels + 2, t->rel_start_cap);
    WS_VEC_GROW(t->rel_group, t->n_rels + 1, t->rel_group_cap);
}

void ws_sdc_add_relation(struct ws_sdc_table *t, size_t total, const size_t *parts, size_t n,
                         size_t group)
{
    if (n == 0)
        WS_BUG("protection table: a relation needs at least one part");
    if (group != WS_SDC_NO_GROUP && group >= t->n_groups)
        WS_BUG("protection table: relation names an unknown group");
    grow_relations(t);
    if (t->n_rels == 0)
        t->rel_start[0] = 0;
    add_term(t, total, -1);
    for (size_t k = 0; k < n; k++)
        add_term(t, parts[k], 1);
    t->rel_group[t->n_rels] = group;
    t->rel_start[++t->n_rels] = t->n_terms;
}

/* cell -> relations and group -> relations (CSR) */
static void build_indexes(struct ws_sdc_table *t)
{
    size_t *fill = ws_xcalloc(t->n_cells + t->n_groups + 1, sizeof(*fill));

    free(t->cell_rel_start);
    free(t->cell_rel);
    free(t->group_rel_start);
    free(t->group_rel);
    t->cell_rel_start = ws_xcalloc(t->n_cells + 1, sizeof(*t->cell_rel_start));
    t->cell_rel = ws_xcalloc(t->n_terms + 1, sizeof(*t->cell_rel));
    for (size_t k = 0; k < t->n_terms; k++)
        t->cell_rel_start[t->rel_cell[k] + 1]++;
    for (size_t i = 0; i < t->n_cells; i++)
        t->cell_rel_start[i + 1] += t->cell_rel_start[i];
    for (size_t r = 0; r < t->n_rels; r++)
        for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++) {
            size_t c = t->rel_cell[k];
            t->cell_rel[t->cell_rel_start[c] + fill[c]++] = r;
        }
    memset(fill, 0, (t->n_cells + t->n_groups + 1) * sizeof(*fill));
    t->group_rel_start = ws_xcalloc(t->n_groups + 1, sizeof(*t->group_rel_start));
    t->group_rel = ws_xcalloc(t->n_rels + 1, sizeof(*t->group_rel));
    for (size_t r = 0; r < t->n_rels; r++)
        if (t->rel_group[r] != WS_SDC_NO_GROUP)
            t->group_rel_start[t->rel_group[r] + 1]++;
    for (size_t g = 0; g < t->n_groups; g++)
        t->group_rel_start[g + 1] += t->group_rel_start[g];
    for (size_t r = 0; r < t->n_rels; r++) {
        size_t g = t->rel_group[r];
        if (g != WS_SDC_NO_GROUP)
            t->group_rel[t->group_rel_start[g] + fill[g]++] = r;
    }
    free(fill);
}

/* CSR of items 0..n by key(item) < n_keys (SIZE_MAX: none). */
static void csr(size_t n, size_t n_keys, const size_t *key_of, size_t **start, size_t **items)
{
    size_t *fill = ws_xcalloc(n_keys + 1, sizeof(*fill));

    free(*start);
    free(*items);
    *start = ws_xcalloc(n_keys + 1, sizeof(**start));
    *items = ws_xcalloc(n + 1, sizeof(**items));
    for (size_t i = 0; i < n; i++)
        if (key_of[i] < n_keys)
            (*start)[key_of[i] + 1]++;
    for (size_t k = 0; k < n_keys; k++)
        (*start)[k + 1] += (*start)[k];
    for (size_t i = 0; i < n; i++)
        if (key_of[i] < n_keys)
            (*items)[(*start)[key_of[i]] + fill[key_of[i]]++] = i;
    free(fill);
}

/* Subtables: parents, inner and margin cells, children. */
static void build_groups(struct ws_sdc_table *t)
{
    size_t *key = ws_xcalloc(t->n_cells + t->n_groups + 1, sizeof(*key));

    free(t->group_parent);
    t->group_parent = ws_xmalloc(ws_st_mult(t->n_groups + 1, sizeof(*t->group_parent)));
    for (size_t g = 0; g <= t->n_groups; g++)
        t->group_parent[g] = WS_SDC_NO_GROUP;
    for (size_t i = 0; i < t->n_cells; i++)
        if (t->cells[i].margin < t->n_groups)
            t->group_parent[t->cells[i].margin] = t->cells[i].group;
    for (size_t i = 0; i < t->n_cells; i++)
        key[i] = t->cells[i].group;
    csr(t->n_cells, t->n_groups, key, &t->group_cell_start, &t->group_cell);
    for (size_t i = 0; i < t->n_cells; i++)
        key[i] = t->cells[i].margin;
    csr(t->n_cells, t->n_groups, key, &t->group_margin_start, &t->group_margin);
    csr(t->n_groups, t->n_groups, t->group_parent, &t->group_child_start, &t->group_child);
    free(key);
}

/* The only non-fixed member of relation r, or SIZE_MAX. */
static size_t sole_free(const struct ws_sdc_table *t, size_t r)
{
    size_t n_free = 0;
    size_t last = SIZE_MAX;

    for (size_t k = t->rel_start[r]; k < t->rel_start[r + 1]; k++)
        if (!t->cells[t->rel_cell[k]].fixed) {
            n_free++;
            last = t->rel_cell[k];
        }
    return n_free == 1 ? last : SIZE_MAX;
}

void ws_sdc_finish(struct ws_sdc_table *t)
{
    size_t *queue = NULL;
    bool *queued = NULL;
    size_t cap = t->n_rels + 1;
    size_t qh = 0;
    size_t qt = 0;

    if (t->n_rels == 0) {
        WS_VEC_GROW(t->rel_start, 1, t->rel_start_cap);
        t->rel_start[0] = 0;
    }
    build_indexes(t);
    build_groups(t);
    // fixed closure: the only non-fixed member of a relation is known too
    queue = ws_xcalloc(cap, sizeof(*queue));
    queued = ws_xcalloc(cap, sizeof(*queued));
    for (size_t r = 0; r < t->n_rels; r++) {
        queue[qt++] = r;
        queued[r] = true;
    }
    while (qh != qt) {
        size_t r = queue[qh];
        size_t last;
        qh = (qh + 1) % cap;
        queued[r] = false;
        if ((last = sole_free(t, r)) == SIZE_MAX)
            continue;
        t->cells[last].fixed = true;
        for (size_t k = t->cell_rel_start[last]; k < t->cell_rel_start[last + 1]; k++) {
            size_t r2 = t->cell_rel[k];
            if (!queued[r2]) {
                queued[r2] = true;
                queue[qt] = r2;
                qt = (qt + 1) % cap;
            }
        }
    }
    free(queue);
    free(queued);
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

void ws_sdc_bounds_as(const struct ws_sdc_table *t, size_t i, unsigned char state, double *lo,
                      double *hi)
{
    const struct ws_sdc_cell *c = &t->cells[i];
    double m = t->min_count > 0 ? (double)t->min_count : 0.0;

    if (c->known || state == WS_CELL_EXACT) {
        *lo = *hi = c->value;
        return;
    }
    switch (state) {
    case WS_CELL_ROUNDED: {
        double r = ws_sdc_round(c->value, t->round_to);
        long R = t->round_to > 1 ? t->round_to : 1;
        *lo = r - floor((double)R / 2.0);
        *hi = r + ceil((double)R / 2.0) - 1.0;
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

void ws_sdc_bounds(const struct ws_sdc_table *t, size_t i, double *lo, double *hi)
{
    ws_sdc_bounds_as(t, i, t->cells[i].state, lo, hi);
}

double ws_sdc_range_width(const struct ws_sdc_range *r)
{
    if (isnan(r->low) || isnan(r->high))
        return NAN;
    if (isinf(r->high) || isinf(r->low))
        return INFINITY;
    return r->high - r->low;
}

/* --- sums with fewer cells ------------------------------------------------------ */

void ws_sdc_part_index_build(const struct ws_sdc_table *t, struct ws_sdc_part_index *ix)
{
    size_t *fill = ws_xcalloc(t->n_cells + 1, sizeof(*fill));

    ix->n = t->n_cells;
    ix->start = ws_xcalloc(t->n_cells + 2, sizeof(*ix->start));
    for (size_t m = 0; m < t->n_terms; m++)
        if (t->rel_coef[m] > 0)
            ix->start[t->rel_cell[m] + 1]++;
    for (size_t i = 0; i < t->n_cells; i++)
        ix->start[i + 1] += ix->start[i];
    ix->rel = ws_xcalloc(ix->start[t->n_cells] + 1, sizeof(*ix->rel));
    for (size_t r = 0; r < t->n_rels; r++)
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
            if (t->rel_coef[m] > 0) {
                size_t k = t->rel_cell[m];
                ix->rel[ix->start[k] + fill[k]++] = r;
            }
    free(fill);
}

void ws_sdc_part_index_release(struct ws_sdc_part_index *ix)
{
    free(ix->start);
    free(ix->rel);
    ix->start = ix->rel = NULL;
}

/* Relation r's total if every part of r is marked (and the total is not),
 * else SIZE_MAX. */
static size_t complete_total(const struct ws_sdc_table *t, size_t r, const bool *mark)
{
    size_t total = SIZE_MAX;

    for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++) {
        size_t k = t->rel_cell[m];
        if (t->rel_coef[m] < 0)
            total = k;
        else if (!mark[k])
            return SIZE_MAX;
    }
    return total != SIZE_MAX && !mark[total] ? total : SIZE_MAX;
}

/* One pass: replaces the first complete relation of parts[i]; true if it
 * did. */
static bool collapse_one(const struct ws_sdc_table *t, const struct ws_sdc_part_index *ix,
                         size_t *parts, size_t i, bool *mark)
{
    size_t k = parts[i];

    for (size_t a = ix->start[k]; a < ix->start[k + 1]; a++) {
        size_t r = ix->rel[a];
        size_t total = complete_total(t, r, mark);
        if (total == SIZE_MAX)
            continue;
        for (size_t m = t->rel_start[r]; m < t->rel_start[r + 1]; m++)
            if (t->rel_coef[m] > 0)
                mark[t->rel_cell[m]] = false;
        mark[total] = true;
        parts[i] = total; // the other parts' slots are dropped below
        return true;
    }
    return false;
}

size_t ws_sdc_collapse_parts(const struct ws_sdc_table *t, const struct ws_sdc_part_index *ix,
                             size_t *parts, size_t n, bool *mark)
{
    bool changed = true;
    size_t j = 0;

    for (size_t i = 0; i < n; i++)
        mark[parts[i]] = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < n; i++)
            if (mark[parts[i]] && parts[i] < ix->n)
                changed |= collapse_one(t, ix, parts, i, mark);
    }
    for (size_t i = 0; i < n; i++)
        if (mark[parts[i]]) {
            mark[parts[i]] = false; // once: a replaced slot may repeat a total
            parts[j++] = parts[i];
        }
    return j;
}
