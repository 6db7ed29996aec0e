/*
 * test_flow.c - the audit's network (flow.h): by hand, and against the
 * exact LP range (audit.h with the network switched off) on thousands of
 * random hierarchical tables with categories, with and without relations
 * that do not fit a network.
 */
#include "helpers.h"

#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/flow.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 2 x 2 with margins, all four inner cells suppressed (counts 2, 12, 14, 3),
 * margins published: each inner cell moves by a rectangle. */
static void two_by_two(struct ws_sdc_table *t, long safety, size_t cell[9])
{
    const double v[4] = {2, 12, 14, 3};
    size_t p[2];

    ws_sdc_init(t, 10, 1, safety);
    for (int i = 0; i < 4; i++)
        cell[i] = ws_sdc_add_cell(t, v[i], v[i] < 10 ? WS_CELL_PRIMARY : WS_CELL_SECONDARY, 0,
                                  false, (size_t)i);
    cell[4] = ws_sdc_add_cell(t, 14, WS_CELL_EXACT, 1, false, 4); // row 0
    cell[5] = ws_sdc_add_cell(t, 17, WS_CELL_EXACT, 1, false, 5); // row 1
    cell[6] = ws_sdc_add_cell(t, 16, WS_CELL_EXACT, 1, false, 6); // column 0
    cell[7] = ws_sdc_add_cell(t, 15, WS_CELL_EXACT, 1, false, 7); // column 1
    cell[8] = ws_sdc_add_cell(t, 31, WS_CELL_EXACT, 2, false, 8); // total
    p[0] = cell[0], p[1] = cell[1];
    ws_sdc_add_relation(t, cell[4], p, 2, WS_SDC_NO_GROUP);
    p[0] = cell[2], p[1] = cell[3];
    ws_sdc_add_relation(t, cell[5], p, 2, WS_SDC_NO_GROUP);
    p[0] = cell[0], p[1] = cell[2];
    ws_sdc_add_relation(t, cell[6], p, 2, WS_SDC_NO_GROUP);
    p[0] = cell[1], p[1] = cell[3];
    ws_sdc_add_relation(t, cell[7], p, 2, WS_SDC_NO_GROUP);
    p[0] = cell[4], p[1] = cell[5];
    ws_sdc_add_relation(t, cell[8], p, 2, WS_SDC_NO_GROUP);
    ws_sdc_finish(t);
}

static void test_rectangle(void **state)
{
    struct ws_sdc_table t;
    size_t cell[9];
    size_t also = 0;
    struct ws_flow *f;

    (void)state;
    // the range of each inner cell is 5 wide (cell 0: 0..4 as a primary; 2..6 by the
    // rectangle): wide enough for 4, not for 6
    two_by_two(&t, 4, cell);
    f = ws_flow_new(&t);
    assert_int_equal(ws_flow_check(f, &t, cell[0], &also), WS_FLOW_WIDE);
    // the same rectangle clears the other three cells at once
    assert_int_equal(also, 3);
    for (int i = 1; i < 4; i++)
        assert_int_equal(t.cells[cell[i]].cert, WS_CERT_BOUND);
    ws_flow_free(f);
    ws_sdc_release(&t);

    two_by_two(&t, 6, cell);
    f = ws_flow_new(&t);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ws_flow_check(f, &t, cell[i], NULL), WS_FLOW_NARROW);
    ws_flow_free(f);
    ws_sdc_release(&t);
}

/* A primary cell whose only partner is published is pinned. */
static void test_pinned(void **state)
{
    struct ws_sdc_table t;
    size_t a, b, tot, p[2];
    struct ws_flow *f;

    (void)state;
    ws_sdc_init(&t, 10, 1, 3);
    a = ws_sdc_add_cell(&t, 3, WS_CELL_PRIMARY, 0, false, 0);
    b = ws_sdc_add_cell(&t, 20, WS_CELL_EXACT, 0, false, 1);
    tot = ws_sdc_add_cell(&t, 23, WS_CELL_EXACT, 1, false, 2);
    p[0] = a, p[1] = b;
    ws_sdc_add_relation(&t, tot, p, 2, WS_SDC_NO_GROUP);
    ws_sdc_finish(&t);
    f = ws_flow_new(&t);
    assert_int_equal(ws_flow_check(f, &t, a, NULL), WS_FLOW_NARROW);
    // suppress b too: a moves against b
    t.cells[b].state = WS_CELL_SECONDARY;
    assert_int_equal(ws_flow_check(f, &t, a, NULL), WS_FLOW_WIDE);
    ws_flow_free(f);
    ws_sdc_release(&t);
}

/* A known sum across the rectangle's cells (a side relation without a free
 * member) forbids the rectangle: the network must not certify. */
static void test_side_relation(void **state)
{
    struct ws_sdc_table t;
    size_t cell[9];
    size_t known;
    size_t p[2];
    struct ws_flow *f;
    struct ws_audit_ctx *ctx;
    struct ws_sdc_range r;
    struct ws_err err = WS_ERR_INIT;
    bool exact = false;

    (void)state;
    // the rectangle of two_by_two without the total, and x0 + x3 known (5)
    {
        const double v[4] = {2, 12, 14, 3};
        ws_sdc_init(&t, 10, 1, 4);
        for (int i = 0; i < 4; i++)
            cell[i] = ws_sdc_add_cell(&t, v[i], v[i] < 10 ? WS_CELL_PRIMARY : WS_CELL_SECONDARY, 0,
                                      false, (size_t)i);
        cell[4] = ws_sdc_add_cell(&t, 14, WS_CELL_EXACT, 1, false, 4);
        cell[5] = ws_sdc_add_cell(&t, 17, WS_CELL_EXACT, 1, false, 5);
        cell[6] = ws_sdc_add_cell(&t, 16, WS_CELL_EXACT, 1, false, 6);
        cell[7] = ws_sdc_add_cell(&t, 15, WS_CELL_EXACT, 1, false, 7);
        p[0] = cell[0], p[1] = cell[1];
        ws_sdc_add_relation(&t, cell[4], p, 2, WS_SDC_NO_GROUP);
        p[0] = cell[2], p[1] = cell[3];
        ws_sdc_add_relation(&t, cell[5], p, 2, WS_SDC_NO_GROUP);
        p[0] = cell[0], p[1] = cell[2];
        ws_sdc_add_relation(&t, cell[6], p, 2, WS_SDC_NO_GROUP);
        p[0] = cell[1], p[1] = cell[3];
        ws_sdc_add_relation(&t, cell[7], p, 2, WS_SDC_NO_GROUP);
        known = ws_sdc_add_cell(&t, 5, WS_CELL_EXACT, 2, true, WS_SDC_NO_TAG);
        p[0] = cell[0], p[1] = cell[3];
        ws_sdc_add_relation(&t, known, p, 2, WS_SDC_NO_GROUP);
        ws_sdc_finish(&t);
    }
    f = ws_flow_new(&t);
    assert_true(ws_flow_side_relations(f) >= 1);
    // x0 + x3 = 5 and x0 - x3 = const along the rectangle: pinned
    assert_int_not_equal(ws_flow_check(f, &t, cell[0], NULL), WS_FLOW_WIDE);
    ctx = ws_audit_ctx_new(&t);
    ws_audit_ctx_set_network(ctx, false);
    assert_int_equal(ws_audit_hood_range(ctx, &t, cell[0], SIZE_MAX, &r, &exact, &err), WS_OK);
    assert_true(exact);
    assert_double_close(ws_sdc_range_width(&r), 0, 0, 0);
    ws_audit_ctx_free(ctx);
    ws_flow_free(f);
    ws_sdc_release(&t);
}

/* A sum over all buurten of a wijk becomes the wijk's cell, over all of a
 * gemeente's the gemeente's; a partial set stays as it is. */
static void test_collapse_parts(void **state)
{
    struct ws_sdc_table t;
    struct ws_sdc_part_index ix;
    size_t b[5], w[2], g, p[5];
    bool mark[16] = {false};
    size_t n;

    (void)state;
    ws_sdc_init(&t, 10, 1, 3);
    for (int i = 0; i < 5; i++)
        b[i] = ws_sdc_add_cell(&t, 10 + i, WS_CELL_EXACT, 0, false, WS_SDC_NO_TAG);
    w[0] = ws_sdc_add_cell(&t, 10 + 11 + 12, WS_CELL_EXACT, 1, false, WS_SDC_NO_TAG);
    w[1] = ws_sdc_add_cell(&t, 13 + 14, WS_CELL_EXACT, 1, false, WS_SDC_NO_TAG);
    g = ws_sdc_add_cell(&t, 60, WS_CELL_EXACT, 2, false, WS_SDC_NO_TAG);
    ws_sdc_add_relation(&t, w[0], b, 3, WS_SDC_NO_GROUP);
    ws_sdc_add_relation(&t, w[1], b + 3, 2, WS_SDC_NO_GROUP);
    ws_sdc_add_relation(&t, g, w, 2, WS_SDC_NO_GROUP);
    ws_sdc_part_index_build(&t, &ix);
    // all of wijk 0 and one buurt of wijk 1
    p[0] = b[2], p[1] = b[0], p[2] = b[3], p[3] = b[1];
    n = ws_sdc_collapse_parts(&t, &ix, p, 4, mark);
    assert_int_equal(n, 2);
    assert_true((p[0] == w[0] && p[1] == b[3]) || (p[1] == w[0] && p[0] == b[3]));
    // every buurt: the gemeente
    memcpy(p, b, sizeof(b));
    n = ws_sdc_collapse_parts(&t, &ix, p, 5, mark);
    assert_int_equal(n, 1);
    assert_int_equal(p[0], g);
    for (size_t i = 0; i < 16; i++)
        assert_false(mark[i]);
    ws_sdc_part_index_release(&ix);
    ws_sdc_release(&t);
}

/* --- random tables against the LP -------------------------------------------- */

static int rng_int(struct ws_test_rng *g, int lo, int hi)
{
    return lo + (int)(ws_test_rng_next(g) % (uint64_t)(hi - lo + 1));
}

struct rtable {
    size_t n_areas;
    size_t parent[64]; /* (size_t)-1 for the root */
    size_t cell[64][6];
    size_t n_cols; /* categories; column 0 is 'all' */
};

/* A tree of at most 64 areas (root, 1-3 children, each 1-3, each 2-4
 * leaves); leaf counts random, the rest sums. */
static void random_tree(struct ws_test_rng *g, struct rtable *rt)
{
    size_t frontier[64];
    size_t n_front = 1;

    rt->n_areas = 1;
    rt->parent[0] = (size_t)-1;
    frontier[0] = 0;
    for (int depth = 0; depth < 3; depth++) {
        size_t next[64];
        size_t n_next = 0;
        for (size_t k = 0; k < n_front; k++) {
            int n = depth == 2 ? rng_int(g, 2, 4) : rng_int(g, 1, 3);
            for (int c = 0; c < n && rt->n_areas < 64; c++) {
                rt->parent[rt->n_areas] = frontier[k];
                next[n_next++] = rt->n_areas++;
            }
        }
        memcpy(frontier, next, n_next * sizeof(*next));
        n_front = n_next;
    }
}

static bool is_leaf(const struct rtable *rt, size_t a)
{
    for (size_t b = 0; b < rt->n_areas; b++)
        if (rt->parent[b] == a)
            return false;
    return true;
}

/* Values bottom-up: leaves random, parents sums; all = sum of categories. */
static void random_values(struct ws_test_rng *g, const struct rtable *rt, double v[64][6])
{
    memset(v, 0, 64 * 6 * sizeof(double));
    for (size_t a = rt->n_areas; a-- > 0;) {
        if (!is_leaf(rt, a))
            continue;
        for (size_t c = 1; c <= rt->n_cols; c++)
            v[a][c] = rng_int(g, 0, 4) == 0 ? 0 : rng_int(g, 0, 25);
    }
    for (size_t a = rt->n_areas; a-- > 1;) // children have larger indices
        for (size_t c = 1; c <= rt->n_cols; c++)
            v[rt->parent[a]][c] += v[a][c];
    for (size_t a = 0; a < rt->n_areas; a++)
        for (size_t c = 1; c <= rt->n_cols; c++)
            v[a][0] += v[a][c];
}

static void random_table(struct ws_test_rng *g, struct ws_sdc_table *t, struct rtable *rt,
                         bool side, long m, long s)
{
    double v[64][6];
    size_t parts[64];

    random_tree(g, rt);
    rt->n_cols = (size_t)rng_int(g, 2, 5);
    random_values(g, rt, v);
    ws_sdc_init(t, m, rng_int(g, 0, 2) == 0 ? 5 : 1, s);
    for (size_t a = 0; a < rt->n_areas; a++)
        for (size_t c = 0; c <= rt->n_cols; c++) {
            int u = rng_int(g, 0, 9);
            enum ws_cell_state st = v[a][c] < (double)m ? WS_CELL_PRIMARY
                                    : u < 3             ? WS_CELL_SECONDARY
                                    : u < 4             ? WS_CELL_ROUNDED
                                                        : WS_CELL_EXACT;
            rt->cell[a][c] = ws_sdc_add_cell(t, v[a][c], st, 0, false, WS_SDC_NO_TAG);
        }
    // parent = sum of children (per column), then all = sum of categories
    for (size_t a = 0; a < rt->n_areas; a++)
        for (size_t c = 0; c <= rt->n_cols; c++) {
            size_t n = 0;
            for (size_t b = 0; b < rt->n_areas; b++)
                if (rt->parent[b] == a)
                    parts[n++] = rt->cell[b][c];
            if (n)
                ws_sdc_add_relation(t, rt->cell[a][c], parts, n, WS_SDC_NO_GROUP);
        }
    for (size_t a = 0; a < rt->n_areas; a++) {
        for (size_t c = 1; c <= rt->n_cols; c++)
            parts[c - 1] = rt->cell[a][c];
        ws_sdc_add_relation(t, rt->cell[a][0], parts, rt->n_cols, WS_SDC_NO_GROUP);
    }
    if (side) {
        // a known sum over a few random leaf cells of one column, and an
        // "offer": a rounded total over a few leaf cells
        for (int k = 0; k < 2; k++) {
            size_t n = 0;
            size_t col = (size_t)rng_int(g, 1, (int)rt->n_cols);
            double sum = 0;
            for (size_t a = 0; a < rt->n_areas && n < 4; a++)
                if (is_leaf(rt, a) && rng_int(g, 0, 2) == 0) {
                    parts[n++] = rt->cell[a][col];
                    sum += v[a][col];
                }
            if (n < 2)
                continue;
            ws_sdc_add_relation(t,
                                ws_sdc_add_cell(t, sum,
                                                k == 0             ? WS_CELL_EXACT
                                                : sum >= (double)m ? WS_CELL_ROUNDED
                                                                   : WS_CELL_PRIMARY,
                                                0, k == 0, WS_SDC_NO_TAG),
                                parts, n, WS_SDC_NO_GROUP);
            t->cells[t->n_cells - 1].exempt = true;
        }
    }
    ws_sdc_finish(t);
}

static void test_random_against_lp(void **state)
{
    const long m = 10;
    struct ws_test_rng g = {0x2545F4914F6CDD1DULL};
    int n_tables = getenv("WS_TEST_QUICK") ? 150 : 1500;
    size_t n_wide = 0, n_narrow = 0, n_unknown = 0, n_also = 0;

    (void)state;
    for (int tbl = 0; tbl < n_tables; tbl++) {
        struct ws_sdc_table t;
        struct rtable rt;
        struct ws_err err = WS_ERR_INIT;
        bool side = tbl % 3 == 0;
        long s = rng_int(&g, 1, 8);
        struct ws_flow *f;
        struct ws_audit_ctx *ctx;

        random_table(&g, &t, &rt, side, m, s);
        f = ws_flow_new(&t);
        ctx = ws_audit_ctx_new(&t);
        ws_audit_ctx_set_network(ctx, false);
        // the rows of inner areas follow from the rest: side relations,
        // checked like any other
        assert_true(ws_flow_side_relations(f) < rt.n_areas + 2);
        for (size_t i = 0; i < t.n_cells; i++) {
            struct ws_sdc_range r;
            bool exact = false;
            size_t also = 0;
            enum ws_flow_verdict v;
            double w;
            if (!ws_sdc_needs_range(&t, i))
                continue;
            v = ws_flow_check(f, &t, i, &also);
            assert_int_equal(ws_audit_hood_range(ctx, &t, i, SIZE_MAX, &r, &exact, &err), WS_OK);
            assert_true(exact);
            w = ws_sdc_range_width(&r);
            if (v == WS_FLOW_WIDE && !(w >= (double)s))
                fail_msg("table %d cell %zu: network says wide, LP width %g < %ld", tbl, i, w, s);
            if (v == WS_FLOW_NARROW && w >= (double)s)
                fail_msg("table %d cell %zu: network says narrow, LP width %g >= %ld", tbl, i, w,
                         s);
            // a pure hierarchical table is a network: it always decides
            if (!side)
                assert_int_not_equal(v, WS_FLOW_UNKNOWN);
            n_wide += v == WS_FLOW_WIDE;
            n_narrow += v == WS_FLOW_NARROW;
            n_unknown += v == WS_FLOW_UNKNOWN;
            n_also += also;
        }
        // every cell certified on the way is wide enough by the LP too
        for (size_t i = 0; i < t.n_cells; i++) {
            struct ws_sdc_range r;
            if (t.cells[i].cert != WS_CERT_BOUND)
                continue;
            assert_int_equal(ws_audit_hood_range(ctx, &t, i, SIZE_MAX, &r, NULL, &err), WS_OK);
            if (!(ws_sdc_range_width(&r) >= (double)s))
                fail_msg("table %d cell %zu: certified on the way, LP width %g < %ld", tbl, i,
                         ws_sdc_range_width(&r), s);
        }
        ws_audit_ctx_free(ctx);
        ws_flow_free(f);
        ws_sdc_release(&t);
    }
    print_message("flow: %d tables; %zu wide, %zu narrow, %zu left to the LP; %zu certified on "
                  "the way\n",
                  n_tables, n_wide, n_narrow, n_unknown, n_also);
    assert_true(n_wide > 0 && n_narrow > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rectangle),         cmocka_unit_test(test_pinned),
        cmocka_unit_test(test_side_relation),     cmocka_unit_test(test_collapse_parts),
        cmocka_unit_test(test_random_against_lp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
