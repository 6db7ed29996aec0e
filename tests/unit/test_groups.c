/*
 * test_groups.c - groups.c on a hand-made study: 6 buurten in 2 wijken, 2
 * service locations, coordinates in metres.
 *
 *   L0 (0, 0)   L1 (4000, 0)   max_km 3
 *   buurt  centroid      wijk  d(L0)   d(L1)   catchment
 *   b0     (500, 0)      0     500     3500    L0
 *   b1     (1000, 1000)  0     1414    3162    L0
 *   b2     (2000, 0)     0     2000    2000    L0 (tie: lowest index)
 *   b3     (3000, 0)     1     3000    1000    L1
 *   b4     (7000, 0)     1     7000    3000    L1 (exactly max_km: inside)
 *   b5     (0, 3001)     1     3001    5001    none (beyond max_km)
 *   cases  3 4 2 6 5 9:  L0 = 9, L1 = 11; wijk 0 = 9, wijk 1 = 20
 */
// cmocka.h needs these first, helpers.h needs cmocka.h
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/analyse/groups.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/protect/offers.h"

#define NB 6

static const double bx[NB] = {500, 1000, 2000, 3000, 7000, 0};
static const double by[NB] = {0, 1000, 0, 0, 0, 3001};
static const size_t bwijk[NB] = {0, 0, 0, 1, 1, 1};
static const double bcases[NB] = {3, 4, 2, 6, 5, 9};
static const double lx[2] = {0, 4000};
static const double ly[2] = {0, 0};
static const size_t lname[2] = {7, 3};

static struct ws_groups_input with_locations(const double *cases)
{
    struct ws_groups_input in = {NB, bx, by, bwijk, 2, cases, 2, lx, ly, lname};
    return in;
}

static const struct ws_groups_opts default_opts = {3.0, 8, 10, 5};

static void assert_members(const struct ws_catchment *c, const size_t *want, size_t n)
{
    assert_int_equal(c->n_members, n);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(c->members[k], want[k]);
}

static void test_nearest_location(void **state)
{
    struct ws_groups_input in = with_locations(bcases);
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;
    const size_t m0[] = {0, 1, 2};
    const size_t m1[] = {3, 4};
    const size_t of[NB] = {0, 0, 0, 1, 1, WS_GROUPS_NONE};

    (void)state;
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_OK);
    assert_int_equal(g.n_catchments, 2);
    assert_int_equal(g.n_buurt, NB);
    assert_int_equal(g.n_unassigned, 1);
    for (size_t i = 0; i < NB; i++)
        assert_int_equal(g.catchment_of[i], of[i]);

    assert_int_equal(g.catchments[0].kind, WS_CATCHMENT_LOCATION);
    assert_int_equal(g.catchments[0].index, 0);
    assert_int_equal(g.catchments[0].name_index, 7);
    assert_members(&g.catchments[0], m0, 3);
    assert_double_close(g.catchments[0].total, 9, 0, 0);
    // 9 < min_count 10: not published, not suggested although >= min_group 8
    assert_true(isnan(g.catchments[0].published));
    assert_false(g.catchments[0].suggest);
    assert_double_close(g.catchments[0].feasible_lo, 0, 0, 0);
    assert_double_close(g.catchments[0].feasible_hi, 9, 0, 0);

    assert_int_equal(g.catchments[1].index, 1);
    assert_int_equal(g.catchments[1].name_index, 3);
    assert_members(&g.catchments[1], m1, 2);
    assert_double_close(g.catchments[1].total, 11, 0, 0);
    assert_double_close(g.catchments[1].published, 10, 0, 0);
    assert_true(g.catchments[1].suggest);
    // rounded 10 (R = 5): 8..12, at least min_count 10
    assert_double_close(g.catchments[1].feasible_lo, 10, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 12, 0, 0);

    // the catchments are disjoint and every member's cell is accounted for
    assert_double_close(g.catchments[0].total + g.catchments[1].total + bcases[5], 29, 0, 0);
    ws_groups_release(&g);
    ws_groups_release(&g); // released twice: a no-op
    ws_groups_release(NULL);
}

/* The radius is inclusive, and smaller or larger radii move buurten in or
 * out; without loc_name the name index is the location index. */
static void test_max_km(void **state)
{
    struct ws_groups_input in = with_locations(bcases);
    struct ws_groups_opts o = default_opts;
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;
    const size_t m0[] = {0, 1};
    const size_t m1[] = {3};

    (void)state;
    in.loc_name = NULL;
    o.max_km = 1.9; // b0 500, b1 1414 to L0; b3 1000 to L1; b2 at 2000: none
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_members(&g.catchments[0], m0, 2);
    assert_members(&g.catchments[1], m1, 1);
    assert_int_equal(g.catchment_of[2], WS_GROUPS_NONE);
    assert_int_equal(g.n_unassigned, 3);
    assert_int_equal(g.catchments[1].name_index, 1);
    ws_groups_release(&g);

    o.max_km = 2.0; // b2 exactly on both radii: the lower index
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_int_equal(g.catchment_of[2], 0);
    assert_int_equal(g.n_unassigned, 2);
    ws_groups_release(&g);

    o.max_km = 100; // b5 now goes to L0 (3001 < 5001)
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_int_equal(g.catchment_of[5], 0);
    assert_int_equal(g.n_unassigned, 0);
    assert_double_close(g.catchments[0].total, 18, 0, 0);
    ws_groups_release(&g);

    o.max_km = 0.1; // nobody: both catchments empty, still listed
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_int_equal(g.n_catchments, 2);
    assert_int_equal(g.catchments[0].n_members, 0);
    assert_double_close(g.catchments[0].total, 0, 0, 0);
    assert_true(isnan(g.catchments[0].published));
    assert_false(g.catchments[0].suggest);
    assert_int_equal(g.n_unassigned, NB);
    ws_groups_release(&g);
}

/* Without locations the catchments are the wijken (coordinates unused). */
static void test_wijken(void **state)
{
    struct ws_groups_input in = {NB, NULL, NULL, bwijk, 3, bcases, 0, NULL, NULL, NULL};
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;
    const size_t m0[] = {0, 1, 2};
    const size_t m1[] = {3, 4, 5};

    (void)state;
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_OK);
    assert_int_equal(g.n_catchments, 3);
    assert_int_equal(g.catchments[1].kind, WS_CATCHMENT_WIJK);
    assert_int_equal(g.catchments[1].index, 1);
    assert_int_equal(g.catchments[1].name_index, 1);
    assert_members(&g.catchments[0], m0, 3);
    assert_members(&g.catchments[1], m1, 3);
    assert_int_equal(g.catchments[2].n_members, 0); // a wijk without buurten
    assert_false(g.catchments[0].suggest);
    assert_double_close(g.catchments[1].total, 20, 0, 0);
    assert_double_close(g.catchments[1].published, 20, 0, 0);
    assert_true(g.catchments[1].suggest);
    assert_double_close(g.catchments[1].feasible_lo, 18, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 22, 0, 0);
    assert_int_equal(g.n_unassigned, 0);
    ws_groups_release(&g);

    // a buurt without wijk is in no catchment
    const size_t w2[NB] = {0, 0, WS_GROUPS_NONE, 1, 1, 1};
    in.wijk = w2;
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_OK);
    assert_int_equal(g.catchment_of[2], WS_GROUPS_NONE);
    assert_int_equal(g.n_unassigned, 1);
    assert_double_close(g.catchments[0].total, 7, 0, 0);
    ws_groups_release(&g);
}

/* min_group and min_count thresholds, both ways round. */
static void test_thresholds(void **state)
{
    struct ws_groups_input in = with_locations(bcases);
    struct ws_groups_opts o = default_opts;
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    // min_group 12 > min_count 10: L1 (11) is published but not suggested,
    // and the flag tells the attacker 11 <= ... so the range is 10..11
    o.min_group = 12;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[1].published, 10, 0, 0);
    assert_false(g.catchments[1].suggest);
    assert_double_close(g.catchments[1].feasible_lo, 10, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 11, 0, 0);
    ws_groups_release(&g);

    // min_group 11 == total: suggested (>=), range 11..12
    o.min_group = 11;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_true(g.catchments[1].suggest);
    assert_double_close(g.catchments[1].feasible_lo, 11, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 12, 0, 0);
    ws_groups_release(&g);

    // min_count 9 == L0's total: published (>=) and suggested (>= 8)
    o.min_group = 8;
    o.min_count = 9;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[0].published, 10, 0, 0);
    assert_true(g.catchments[0].suggest);
    assert_double_close(g.catchments[0].feasible_lo, 9, 0, 0);
    assert_double_close(g.catchments[0].feasible_hi, 12, 0, 0);
    ws_groups_release(&g);

    // min_count 12: L1 (11) no longer published nor suggested
    o.min_count = 12;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_true(isnan(g.catchments[1].published));
    assert_false(g.catchments[1].suggest);
    assert_double_close(g.catchments[1].feasible_hi, 11, 0, 0);
    ws_groups_release(&g);

    // min_count 0: even an empty catchment is published (as 0)
    o.min_count = 0;
    o.max_km = 0.1;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[0].published, 0, 0, 0);
    assert_false(g.catchments[0].suggest);
    ws_groups_release(&g);
}

/* Published totals: half up to a multiple of round_to (as ws_sdc_round). */
static void test_rounding(void **state)
{
    double cases[NB] = {0, 0, 12, 0, 13, 0};
    struct ws_groups_input in = with_locations(cases);
    struct ws_groups_opts o = {3.0, 8, 10, 5};
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[0].published, 10, 0, 0); // 12 -> 10
    assert_double_close(g.catchments[1].published, 15, 0, 0); // 13 -> 15
    assert_double_close(g.catchments[1].feasible_lo, 13, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 17, 0, 0);
    ws_groups_release(&g);

    cases[2] = 15; // 15 -> 20 for round_to 10 (half up); range 15..24
    o.round_to = 10;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[0].published, 20, 0, 0);
    assert_double_close(g.catchments[0].feasible_lo, 15, 0, 0);
    assert_double_close(g.catchments[0].feasible_hi, 24, 0, 0);
    assert_double_close(g.catchments[1].published, 10, 0, 0); // 13 -> 10
    ws_groups_release(&g);

    o.round_to = 1; // no rounding: the exact total, range of width 0
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_OK);
    assert_double_close(g.catchments[1].published, 13, 0, 0);
    assert_double_close(g.catchments[1].feasible_lo, 13, 0, 0);
    assert_double_close(g.catchments[1].feasible_hi, 13, 0, 0);
    ws_groups_release(&g);
}

/* Pooling two years, NAN propagation, and the plan on pooled counts. */
static void test_pool(void **state)
{
    const double y1[NB] = {3, 4, 2, 6, 5, 9};
    const double y2[NB] = {1, 0, NAN, 2, 3, 1};
    double pooled[NB] = {0};
    double same[NB] = {0};
    struct ws_groups_input in = with_locations(pooled);
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;
    const size_t m0[] = {0, 1};

    (void)state;
    assert_int_equal(ws_groups_pool(y1, y2, NB, pooled, &err), WS_OK);
    assert_double_close(pooled[0], 4, 0, 0);
    assert_true(isnan(pooled[2]));
    assert_double_close(pooled[4], 8, 0, 0);
    assert_int_equal(ws_groups_pool(y1, NULL, NB, same, &err), WS_OK);
    for (size_t i = 0; i < NB; i++)
        assert_double_close(same[i], y1[i], 0, 0);

    // b2 has no data in year 2: in no catchment; L0 = 4 + 4, L1 = 8 + 8
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_OK);
    assert_members(&g.catchments[0], m0, 2);
    assert_int_equal(g.catchment_of[2], WS_GROUPS_NONE);
    assert_int_equal(g.n_unassigned, 2);
    assert_double_close(g.catchments[0].total, 8, 0, 0);
    assert_false(g.catchments[0].suggest);
    assert_double_close(g.catchments[1].total, 16, 0, 0);
    assert_double_close(g.catchments[1].published, 15, 0, 0);
    assert_true(g.catchments[1].suggest);
    ws_groups_release(&g);

    // in place
    memcpy(same, y1, sizeof(same));
    assert_int_equal(ws_groups_pool(same, y1, NB, same, &err), WS_OK);
    assert_double_close(same[5], 18, 0, 0);
}

static void test_bad_input(void **state)
{
    double cases[NB] = {3, 4, 2, -1, 5, 9};
    const double nan_x[2] = {0, NAN};
    struct ws_groups_input in = with_locations(cases);
    struct ws_groups_opts o = default_opts;
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;
    double out[NB] = {42, 42, 42, 42, 42, 42};

    (void)state;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "case count of buurt 3"));
    assert_null(g.catchments);
    assert_null(g.catchment_of);
    ws_err_clear(&err);

    cases[3] = 2.5;
    assert_int_equal(ws_groups_pool(cases, NULL, NB, out, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "first year: case count of buurt 3"));
    assert_double_close(out[0], 42, 0, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_groups_pool(bcases, cases, NB, out, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "second year"));
    assert_double_close(out[0], 42, 0, 0);
    ws_err_clear(&err);

    cases[3] = 6;
    in.loc_x = nan_x;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "service location 1"));
    ws_err_clear(&err);

    in.loc_x = lx;
    o.max_km = 0;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "max_km"));
    assert_non_null(strstr(err.hint, "[locations]"));
    ws_err_clear(&err);

    o = default_opts;
    o.min_count = -1;
    assert_int_equal(ws_groups_plan(&in, &o, &g, &err), WS_EDATA);
    ws_err_clear(&err);

    // a wijk index out of range, and missing arrays, are the caller's bugs
    const size_t bad_wijk[NB] = {0, 0, 0, 1, 1, 2};
    struct ws_groups_input wijken = {NB, NULL, NULL, bad_wijk, 2, bcases, 0, NULL, NULL, NULL};
    assert_int_equal(ws_groups_plan(&wijken, &default_opts, &g, &err), WS_EINTERNAL);
    ws_err_clear(&err);
    wijken.wijk = NULL;
    assert_int_equal(ws_groups_plan(&wijken, &default_opts, &g, &err), WS_EINTERNAL);
    ws_err_clear(&err);
    in.x = NULL;
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_EINTERNAL);
    ws_groups_release(&g);
}

/* A buurt with NAN coordinates is in no location catchment; n == 0 works. */
static void test_edge_cases(void **state)
{
    const double nx[2] = {NAN, 100};
    const double ny[2] = {0, 0};
    const double c[2] = {10, 10};
    struct ws_groups_input in = {2, nx, ny, NULL, 0, c, 2, lx, ly, NULL};
    struct ws_groups_input none = {0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL};
    struct ws_groups g = WS_GROUPS_INIT;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_groups_plan(&in, &default_opts, &g, &err), WS_OK);
    assert_int_equal(g.catchment_of[0], WS_GROUPS_NONE);
    assert_int_equal(g.catchment_of[1], 0);
    assert_true(g.catchments[0].suggest);
    ws_groups_release(&g);

    assert_int_equal(ws_groups_plan(&none, &default_opts, &g, &err), WS_OK);
    assert_int_equal(g.n_catchments, 0);
    assert_int_equal(g.n_unassigned, 0);
    ws_groups_release(&g);
}

static void offer_row(struct ws_indicator_set *s, const char *code, const char *wijk, int year,
                      const char *cat, double O)
{
    struct ws_indicator *r = ws_indicator_set_add(s);

    r->code = ws_xstrdup(code);
    r->name = ws_xstrdup(code);
    r->level = WS_LEVEL_BUURT;
    r->parent = ws_xstrdup(wijk);
    r->year = year;
    r->category = ws_xstrdup(cat);
    r->population = 100;
    r->cases = O;
}

/* ws_offers_plan without locations: one catchment per wijk and category
 * (not 'all'), the latest year pooled with the one before; nothing is
 * published before the protection step. */
static void test_offers_plan(void **state)
{
    struct ws_indicator_set raw = {0};
    struct ws_area b[3];
    struct ws_study st;
    struct ws_offer_set os = {NULL, 0, 0};
    struct ws_err err = WS_ERR_INIT;
    static const char *const codes[] = {"BU3", "BU1", "BU2"};
    static const char *const wijken[] = {"WK2", "WK1", "WK1"};

    (void)state;
    memset(b, 0, sizeof(b));
    for (int i = 0; i < 3; i++) {
        b[i].code = (char *)codes[i];
        b[i].parent = (char *)wijken[i];
        b[i].parent_name = (char *)(i == 0 ? "Wijk twee" : "Wijk een");
        ws_geom_init(&b[i].geom);
    }
    for (int y = 2023; y <= 2024; y++) {
        offer_row(&raw, "BU1", "WK1", y, "x", y == 2024 ? 4 : 3);
        offer_row(&raw, "BU2", "WK1", y, "x", 5);
        offer_row(&raw, "BU3", "WK2", y, "x", 7);
        offer_row(&raw, "BU1", "WK1", y, "all", 20);
    }
    memset(&st, 0, sizeof(st));
    st.pool_years = 2;
    st.min_group = 8;
    st.min_count = 10;
    st.round_to = 5;
    assert_int_equal(ws_offers_plan(&raw, b, 3, NULL, 0, &st, &os, &err), WS_OK);
    assert_int_equal(os.n, 2); // category x only, wijken WK1 and WK2
    assert_string_equal(os.rows[0].category, "x");
    assert_string_equal(os.rows[0].catchment, "WK1");
    assert_string_equal(os.rows[0].catchment_name, "Wijk een");
    assert_int_equal(os.rows[0].year_from, 2023);
    assert_int_equal(os.rows[0].year_to, 2024);
    assert_int_equal(os.rows[0].n_members, 2);
    assert_string_equal(os.rows[0].members[0], "BU1");
    assert_double_close(os.rows[0].total, 3 + 4 + 5 + 5, 0, 0);
    assert_double_close(os.rows[1].total, 14, 0, 0);
    assert_true(isnan(os.rows[0].published) && !os.rows[0].suggest);
    ws_offer_set_release(&os);
    // one year only
    st.pool_years = 1;
    assert_int_equal(ws_offers_plan(&raw, b, 3, NULL, 0, &st, &os, &err), WS_OK);
    assert_int_equal(os.rows[0].year_from, 2024);
    assert_double_close(os.rows[0].total, 9, 0, 0);
    ws_offer_set_release(&os);
    ws_indicator_set_release(&raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearest_location), cmocka_unit_test(test_max_km),
        cmocka_unit_test(test_wijken),           cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_rounding),         cmocka_unit_test(test_pool),
        cmocka_unit_test(test_bad_input),        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_offers_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
