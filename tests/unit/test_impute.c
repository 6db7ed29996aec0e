/*
 * test_impute.c - impute.c: group ids, and missing covariate values from the
 * wijk, then the gemeente, then the study mean (population-weighted), on
 * small hand-computed cases.
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

#include "wijkscan/analyse/impute.h"

#include <math.h>

#define NO WS_IMPUTE_NO_GROUP

static void test_group_ids(void **state)
{
    const char *keys[] = {"WK02", "WK01", NULL, "WK02", "WK10"};
    size_t id[5];

    (void)state;
    assert_int_equal(ws_impute_group_ids(keys, 5, id), 3);
    assert_int_equal(id[0], 1);
    assert_int_equal(id[1], 0);
    assert_int_equal(id[2], NO);
    assert_int_equal(id[3], 1);
    assert_int_equal(id[4], 2);
    assert_int_equal(ws_impute_group_ids(keys, 0, id), 0);
}

/* Buurten 0-2 in wijk 0, 3-4 in wijk 1, 5 in wijk 2, all in gemeente 0,
 * and buurt 6 in wijk 3 of gemeente 1 (no value anywhere in it). */
static void test_wijk_then_gemeente_then_study(void **state)
{
    double x[] = {2.0, 4.0, NAN, NAN, NAN, NAN, NAN};
    const double w[] = {100, 300, 50, 10, 20, 40, 70};
    const size_t wijk[] = {0, 0, 0, 1, 1, 2, 3};
    const size_t gem[] = {0, 0, 0, 0, 0, 0, 1};
    bool hit[7] = {false};

    (void)state;
    assert_int_equal(ws_impute_group_mean(x, w, 7, wijk, 4, gem, 2, hit), 5);
    // wijk 0: (100 * 2 + 300 * 4) / 400
    assert_double_close(x[2], 3.5, 1e-15, 0);
    // wijk 1 has no value: gemeente 0, over the buurten with a value only
    assert_double_close(x[3], 3.5, 1e-15, 0);
    assert_double_close(x[4], 3.5, 1e-15, 0);
    assert_double_close(x[5], 3.5, 1e-15, 0);
    // gemeente 1 has none: the study
    assert_double_close(x[6], 3.5, 1e-15, 0);
    assert_false(hit[0]);
    assert_false(hit[1]);
    for (int i = 2; i < 7; i++)
        assert_true(hit[i]);
}

/* Imputed values do not feed the means of later buurten; a buurt without a
 * population keeps its NaN and its value does not count; with no value at
 * all nothing is filled. */
static void test_edges(void **state)
{
    double x[] = {NAN, 10.0, NAN, 30.0, NAN};
    const double w[] = {5, 0, 5, 15, 0};
    const size_t wijk[] = {0, 0, 1, 1, NO};
    const size_t gem[] = {0, 0, 0, 0, NO};
    double none[] = {NAN, NAN};
    const double w2[] = {1, 1};
    const size_t g2[] = {0, 0};

    (void)state;
    assert_int_equal(ws_impute_group_mean(x, w, 5, wijk, 2, gem, 1, NULL), 2);
    // wijk 0's only value has no population: the gemeente (buurt 3 only)
    assert_double_close(x[0], 30.0, 1e-15, 0);
    assert_double_close(x[2], 30.0, 1e-15, 0);
    assert_true(isnan(x[4])); // no population: not filled
    assert_int_equal(ws_impute_group_mean(none, w2, 2, g2, 1, NULL, 0, NULL), 0);
    assert_true(isnan(none[0]) && isnan(none[1]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_ids),
        cmocka_unit_test(test_wijk_then_gemeente_then_study),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
