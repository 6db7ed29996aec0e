/*
 * test_audit.c - the LP wrapper (lp.h) and the attacker's audit (audit.h) on
 * tables small enough to work out by hand.
 */
#include "helpers.h"

#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/protect/suppress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* x0 + x1 = 10, x0 - x2 = 2, x1 in [0, 5], x2 >= 0:
 * x0 = 10 - x1 in [5, 10]; x0 = 2 + x2 >= 2 adds nothing. */
static void test_lp_by_hand(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_lp *lp = ws_lp_new(3);
    size_t i1[] = {0, 1}, i2[] = {0, 2};
    double c1[] = {1, 1}, c2[] = {1, -1};
    double v;

    (void)state;
    ws_lp_set_bounds(lp, 1, 0, 5);
    ws_lp_add_row(lp, 2, i1, c1, 10);
    ws_lp_add_row(lp, 2, i2, c2, 2);
    assert_int_equal(ws_lp_optimise(lp, 0, false, &v, &err), WS_OK);
    assert_double_close(v, 5, 1e-9, 0);
    assert_double_close(ws_lp_value(lp, 1), 5, 1e-9, 0);
    assert_double_close(ws_lp_value(lp, 2), 3, 1e-9, 0);
    assert_int_equal(ws_lp_optimise(lp, 0, true, &v, &err), WS_OK);
    assert_double_close(v, 10, 1e-9, 0);
    // x2 = x0 - 2 in [3, 8]
    assert_int_equal(ws_lp_optimise(lp, 2, true, &v, &err), WS_OK);
    assert_double_close(v, 8, 1e-9, 0);
    assert_int_equal(ws_lp_optimise(lp, 2, false, &v, &err), WS_OK);
    assert_double_close(v, 3, 1e-9, 0);
    assert_true(ws_lp_solves(lp) >= 4);
    ws_lp_free(lp);
}

static void test_lp_unbounded_and_fixed(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_lp *lp = ws_lp_new(2);
    size_t idx[] = {0, 1};
    double coef[] = {1, -1};
    double v;

    (void)state;
    ws_lp_add_row(lp, 2, idx, coef, 0); // x0 = x1, both >= 0: no upper bound
    assert_int_equal(ws_lp_optimise(lp, 0, true, &v, &err), WS_OK);
    assert_true(isinf(v) && v > 0);
    assert_true(isnan(ws_lp_value(lp, 0)));
    assert_int_equal(ws_lp_optimise(lp, 0, false, &v, &err), WS_OK);
    assert_double_close(v, 0, 1e-9, 0);
    ws_lp_set_bounds(lp, 1, 7, 7); // fixed
    assert_int_equal(ws_lp_optimise(lp, 0, true, &v, &err), WS_OK);
    assert_double_close(v, 7, 1e-9, 0);
    ws_lp_free(lp);
}

static void test_lp_infeasible(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_lp *lp = ws_lp_new(2);
    size_t idx[] = {0, 1};
    double coef[] = {1, 1};
    double v;

    (void)state;
    ws_lp_add_row(lp, 2, idx, coef, -1); // two non-negative numbers summing to -1
    assert_int_equal(ws_lp_optimise(lp, 0, true, &v, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "no feasible solution"));
    ws_lp_free(lp);
}

/*
 * A 2 x 2 table with all margins published exactly (min_count 10):
 *            c1    c2  | row
 *     r1      2P   12S |  14
 *     r2     14S    3P |  17
 *     col    16    15  |  31
 * x11 + x12 = 14 with x12 >= 10 gives x11 <= 4; x11 + x21 = 16 with x21 >= 10
 * gives x11 <= 6; x22 = 17 - x21 = 1 + x11 <= 9 gives x11 <= 8.  So
 * x11 in [0, 4], x22 = 1 + x11 in [1, 5], x12 = 14 - x11 in [10, 14],
 * x21 = 16 - x11 in [12, 16]: every width is 4.
 */
static void two_by_two(struct ws_sdc_table *t, long safety, size_t cell[9])
{
    const double v[9] = {2, 12, 14, 3, 14, 17, 16, 15, 31};
    const unsigned char st[9] = {WS_CELL_PRIMARY, WS_CELL_SECONDARY, WS_CELL_SECONDARY,
                                 WS_CELL_PRIMARY, WS_CELL_EXACT,     WS_CELL_EXACT,
                                 WS_CELL_EXACT,   WS_CELL_EXACT,     WS_CELL_EXACT};
    size_t p[2];

    ws_sdc_init(t, 10, 5, safety);
    for (int i = 0; i < 9; i++)
        cell[i] = ws_sdc_add_cell(t, v[i], st[i], 0, false, (size_t)i);
    // 0 x11, 1 x12, 2 x21, 3 x22, 4 r1, 5 r2, 6 c1, 7 c2, 8 total
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

static void test_audit_two_by_two(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_sdc_table t;
    struct ws_audit_ctx *ctx;
    struct ws_sdc_range r;
    size_t cell[9], left = 99;
    bool exact = false;
    const double lo[4] = {0, 10, 12, 1}, hi[4] = {4, 14, 16, 5};

    (void)state;
    two_by_two(&t, 4, cell);
    ctx = ws_audit_ctx_new(&t);
    ws_audit_ctx_set_network(ctx, false); // the LPs (the network: test_flow.c)
    assert_int_equal(
        ws_audit_certify(ctx, &t, WS_AUDIT_N_LEVELS - 1, false, &left, NULL, NULL, &err), WS_OK);
    assert_int_equal(left, 0);
    for (int i = 0; i < 4; i++) {
        assert_double_close(t.ranges[cell[i]].low, lo[i], 0, 0);
        assert_double_close(t.ranges[cell[i]].high, hi[i], 0, 0);
        assert_double_close(ws_sdc_range_width(&t.ranges[cell[i]]), 4, 0, 0);
        assert_int_equal(t.cells[cell[i]].cert, WS_CERT_EXACT);
    }
    assert_true(isnan(t.ranges[cell[4]].low)); // published: no range
    // one cell alone gives the same
    assert_int_equal(ws_audit_hood_range(ctx, &t, cell[3], SIZE_MAX, &r, &exact, &err), WS_OK);
    assert_true(exact);
    assert_double_close(r.low, 1, 0, 0);
    assert_double_close(r.high, 5, 0, 0);
    // with x12 published the 2 x 2 no longer protects x11: [2, 2]
    t.cells[cell[1]].state = WS_CELL_EXACT;
    assert_int_equal(ws_audit_hood_range(ctx, &t, cell[0], SIZE_MAX, &r, NULL, &err), WS_OK);
    assert_double_close(r.low, 2, 0, 0);
    assert_double_close(r.high, 2, 0, 0);
    // a neighbourhood of one variable holds the others at their true
    // values: never wider than the exact range
    t.cells[cell[1]].state = WS_CELL_SECONDARY;
    assert_int_equal(ws_audit_hood_range(ctx, &t, cell[0], 1, &r, &exact, &err), WS_OK);
    assert_false(exact);
    assert_double_close(r.low, 2, 0, 0);
    assert_double_close(r.high, 2, 0, 0);
    ws_audit_ctx_free(ctx);
    ws_sdc_release(&t);
}

/* The full secondary suppression on the same table, starting from the two
 * primary cells: safety 4 is reachable with the 2 x 2 pattern; safety 5 is
 * reachable only by hiding the margins too, which are published and not
 * fixed, so it succeeds as well but needs more cells. */
static void test_secondary_two_by_two(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_sdc_table t;
    struct ws_sdc_stats st;
    size_t cell[9], failed;

    (void)state;
    two_by_two(&t, 4, cell);
    t.cells[cell[1]].state = t.cells[cell[2]].state = WS_CELL_EXACT;
    assert_int_equal(ws_suppress_primary(&t), 0); // already marked
    assert_int_equal(ws_suppress_secondary(&t, &failed, &st, &err), WS_OK);
    assert_int_equal(failed, 0);
    assert_int_equal(st.n_primary, 2);
    assert_int_equal(st.n_secondary, 2); // x12 and x21: the cheapest rectangle
    assert_int_equal(t.cells[cell[1]].state, WS_CELL_SECONDARY);
    assert_int_equal(t.cells[cell[2]].state, WS_CELL_SECONDARY);
    ws_sdc_release(&t);

    two_by_two(&t, 5, cell);
    t.cells[cell[1]].state = t.cells[cell[2]].state = WS_CELL_EXACT;
    assert_int_equal(ws_suppress_secondary(&t, &failed, &st, &err), WS_OK);
    assert_int_equal(failed, 0);
    for (size_t i = 0; i < t.n_cells; i++)
        if (t.cells[i].state == WS_CELL_PRIMARY || t.cells[i].state == WS_CELL_SECONDARY)
            assert_int_not_equal(t.cells[i].cert, WS_CERT_NONE);
    assert_true(st.n_secondary > 2);
    ws_sdc_release(&t);
}

/*
 * T = A + B + C with T = 30 published; A = 3 primary (min_count 10,
 * safety 5).  B = 12: A = 15 - B <= 5 with B >= 10: [0, 5], width 5, enough;
 * so B (the cheapest) is chosen.  With B = 11, C = 16: B gives A <= 4 (too
 * narrow), so C is chosen: A = 19 - C <= 9, width 9.
 */
static void test_rule_cheapest_useful(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_sdc_table t;
    size_t a, bb, c, tot, parts[3], failed;

    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        ws_sdc_init(&t, 10, 5, 5);
        a = ws_sdc_add_cell(&t, 3, WS_CELL_EXACT, 0, false, 0);
        bb = ws_sdc_add_cell(&t, variant ? 11 : 12, WS_CELL_EXACT, 0, false, 1);
        c = ws_sdc_add_cell(&t, variant ? 16 : 15, WS_CELL_EXACT, 0, false, 2);
        tot = ws_sdc_add_cell(&t, 30, WS_CELL_EXACT, 1, false, 3);
        parts[0] = a, parts[1] = bb, parts[2] = c;
        ws_sdc_add_relation(&t, tot, parts, 3, WS_SDC_NO_GROUP);
        ws_sdc_finish(&t);
        assert_int_equal(ws_suppress_primary(&t), 1);
        assert_int_equal(ws_suppress_secondary(&t, &failed, NULL, &err), WS_OK);
        assert_int_equal(t.cells[bb].state, variant ? WS_CELL_EXACT : WS_CELL_SECONDARY);
        assert_int_equal(t.cells[c].state, variant ? WS_CELL_SECONDARY : WS_CELL_EXACT);
        assert_int_equal(t.cells[tot].state, WS_CELL_EXACT);
        assert_int_not_equal(t.cells[a].cert, WS_CERT_NONE);
        ws_sdc_release(&t);
    }
}

/* Rounded published cells are intervals: T published as 25 (true 23,
 * round_to 5: [23, 27]), B exact 20, A = 3 primary: A = T - 20 in [3, 7]. */
static void test_audit_rounded_interval(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_sdc_table t;
    struct ws_audit_ctx *ctx;
    size_t a, bb, tot, parts[2];
    double lo, hi;

    (void)state;
    ws_sdc_init(&t, 10, 5, 4);
    a = ws_sdc_add_cell(&t, 3, WS_CELL_PRIMARY, 0, false, 0);
    bb = ws_sdc_add_cell(&t, 20, WS_CELL_EXACT, 0, false, 1);
    tot = ws_sdc_add_cell(&t, 23, WS_CELL_ROUNDED, 1, false, 2);
    parts[0] = a, parts[1] = bb;
    ws_sdc_add_relation(&t, tot, parts, 2, WS_SDC_NO_GROUP);
    ws_sdc_finish(&t);
    ws_sdc_bounds(&t, tot, &lo, &hi);
    assert_double_close(lo, 23, 0, 0);
    assert_double_close(hi, 27, 0, 0);
    ctx = ws_audit_ctx_new(&t);
    ws_audit_ctx_set_network(ctx, false);
    assert_int_equal(
        ws_audit_certify(ctx, &t, WS_AUDIT_N_LEVELS - 1, false, NULL, NULL, NULL, &err), WS_OK);
    assert_int_equal(t.cells[a].cert, WS_CERT_EXACT);
    assert_double_close(t.ranges[a].low, 3, 0, 0);
    assert_double_close(t.ranges[a].high, 7, 0, 0);
    ws_audit_ctx_free(ctx);
    ws_sdc_release(&t);
}

/* A fixed total with a single part pins it: nothing can widen it. */
static void test_fixed_cell_fails(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_sdc_table t;
    size_t g, s, failed;

    (void)state;
    ws_sdc_init(&t, 10, 5, 5);
    g = ws_sdc_add_cell(&t, 4, WS_CELL_EXACT, 2, false, 0);
    s = ws_sdc_add_cell(&t, 4, WS_CELL_EXACT, 3, true, WS_SDC_NO_TAG);
    ws_sdc_add_relation(&t, s, &g, 1, WS_SDC_NO_GROUP);
    ws_sdc_finish(&t);
    assert_true(t.cells[g].fixed);
    assert_int_equal(ws_suppress_primary(&t), 1); // the virtual total is not marked
    assert_int_equal(t.cells[s].state, WS_CELL_EXACT);
    assert_int_equal(ws_suppress_secondary(&t, &failed, NULL, &err), WS_OK);
    assert_int_equal(failed, 1); // the caller withholds what it belongs to
    assert_int_equal(t.cells[g].cert, WS_CERT_NONE);
    ws_sdc_release(&t);
}

static void test_round(void **state)
{
    (void)state;
    assert_double_close(ws_sdc_round(12, 5), 10, 0, 0);
    assert_double_close(ws_sdc_round(13, 5), 15, 0, 0);
    assert_double_close(ws_sdc_round(10, 5), 10, 0, 0);
    assert_double_close(ws_sdc_round(15, 10), 20, 0, 0); // half up
    assert_double_close(ws_sdc_round(14, 10), 10, 0, 0);
    assert_double_close(ws_sdc_round(14, 1), 14, 0, 0);
    assert_double_close(ws_sdc_round(14, 0), 14, 0, 0);
    assert_true(isnan(ws_sdc_round(NAN, 5)));
}

static void test_audit_csv(void **state)
{
    struct ws_audit a = WS_AUDIT_INIT;
    char *csv;

    (void)state;
    a.safety_range = 5;
    ws_audit_add(&a, "BU001", WS_LEVEL_BUURT, 2023, "opvoeding", WS_SUPP_PRIMARY, WS_CHECK_EXACT, 0,
                 7);
    ws_audit_add(&a, "WK01", WS_LEVEL_WIJK, 2023, "a,\"b\"", WS_SUPP_SECONDARY, WS_CHECK_EXACT, 10,
                 INFINITY);
    ws_audit_add(&a, "BU002", WS_LEVEL_BUURT, 2023, "school", WS_SUPP_PRIMARY, WS_CHECK_BOUND, NAN,
                 NAN);
    ws_audit_add(&a, "", WS_LEVEL_BUURT, 2024, "school", WS_SUPP_NONE, WS_CHECK_WITHHELD, NAN, NAN)
        ->note = strdup("too few");
    csv = ws_audit_csv(&a);
    assert_string_equal(
        csv, "code,level,year,period,category,reason,check,range_low,range_high,range_width,note\n"
             "BU001,buurt,2023,1,opvoeding,primary,exact,0,7,7,\n"
             "WK01,wijk,2023,1,\"a,\"\"b\"\"\",secondary,exact,10,,,\n"
             "BU002,buurt,2023,1,school,primary,at least 5,,,,\n"
             ",,2024,1,school,withheld,withheld,,,,too few\n");
    free(csv);
    ws_audit_release(&a);
    ws_audit_release(&a); // twice is fine
    ws_audit_release(NULL);
}

static int teardown_glpk(void **state)
{
    (void)state;
    ws_lp_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lp_by_hand),
        cmocka_unit_test(test_lp_unbounded_and_fixed),
        cmocka_unit_test(test_lp_infeasible),
        cmocka_unit_test(test_audit_two_by_two),
        cmocka_unit_test(test_secondary_two_by_two),
        cmocka_unit_test(test_rule_cheapest_useful),
        cmocka_unit_test(test_audit_rounded_interval),
        cmocka_unit_test(test_fixed_cell_fails),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_audit_csv),
    };

    return cmocka_run_group_tests(tests, NULL, teardown_glpk);
}
