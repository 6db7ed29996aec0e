/*
 * test_period.c - period.c: which pooled periods of N years exist (never
 * overlapping, ending with the latest year, only complete ones), the error
 * when even the latest is incomplete, and the sums of counts and
 * population-years, on small hand-computed cases.
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

#include "wijkscan/analyse/period.h"

#include <math.h>
#include <string.h>

static void test_plan(void **state)
{
    const int y4[] = {2021, 2022, 2023, 2024};
    const int y5[] = {2020, 2021, 2022, 2023, 2024};
    const int gap[] = {2019, 2020, 2022, 2023, 2024};
    struct ws_periods p;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    // 2021-2022 and 2023-2024
    assert_int_equal(ws_periods_plan(y4, 4, 2, &p, &err), WS_OK);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.last[0], 2022);
    assert_int_equal(p.first[0], 0);
    assert_int_equal(p.last[1], 2024);
    assert_int_equal(p.first[1], 2);
    ws_periods_release(&p);
    // 2020 is left over: periods never overlap
    assert_int_equal(ws_periods_plan(y5, 5, 2, &p, &err), WS_OK);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.last[0], 2022);
    assert_int_equal(p.first[0], 1);
    ws_periods_release(&p);
    // periods of three years over 2020-2024: 2022-2024 only (2019-2021
    // lacks 2019: not a period)
    assert_int_equal(ws_periods_plan(y5, 5, 3, &p, &err), WS_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.last[0], 2024);
    assert_int_equal(p.first[0], 2);
    ws_periods_release(&p);
    // a missing year (2021) ends the list counting back
    assert_int_equal(ws_periods_plan(gap, 5, 2, &p, &err), WS_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.last[0], 2024);
    ws_periods_release(&p);
    // span 1: no periods
    assert_int_equal(ws_periods_plan(y4, 4, 1, &p, &err), WS_OK);
    assert_int_equal(p.n, 0);
    ws_periods_release(&p);
    // the whole run of years is one period
    assert_int_equal(ws_periods_plan(y4, 4, 4, &p, &err), WS_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.first[0], 0);
    ws_periods_release(&p);
}

static void test_too_long(void **state)
{
    const int y4[] = {2021, 2022, 2023, 2024};
    const int gap[] = {2021, 2022, 2024};
    const int rows[] = {2024, 2023, 2024, 2023, 2022}; // case rows: unsorted, repeated
    struct ws_periods p;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_periods_plan(y4, 4, 5, &p, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "2020-2024"));
    assert_non_null(strstr(err.hint, "[analysis] period"));
    assert_int_equal(p.n, 0);
    ws_periods_release(&p);
    ws_err_clear(&err);
    // 2023 is missing: not even 2023-2024 is complete
    assert_int_equal(ws_periods_plan(gap, 3, 2, &p, &err), WS_EDATA);
    ws_periods_release(&p);
    ws_err_clear(&err);
    assert_int_equal(ws_periods_plan(NULL, 0, 2, &p, &err), WS_EDATA);
    ws_periods_release(&p);
    ws_err_clear(&err);
    assert_int_equal(ws_periods_check(rows, 5, 3, &err), WS_OK);
    assert_int_equal(ws_periods_check(rows, 5, 4, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_periods_check(rows, 5, 1, &err), WS_OK);
}

static void test_sum(void **state)
{
    // 4 years x 3 areas; the population of area 2 is missing in 2023
    const int years[] = {2021, 2022, 2023, 2024};
    const double P[] = {100, 200, 50, 110, 190, 60, 120, 180, NAN, 130, 170, 80};
    const double O[] = {1, 2, 0, 3, 4, 1, 5, 6, 2, 7, 8, 3};
    double outP[6], outO[6];
    struct ws_periods p;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_periods_plan(years, 4, 2, &p, &err), WS_OK);
    ws_periods_sum(&p, P, 3, outP);
    ws_periods_sum(&p, O, 3, outO);
    // 2021-2022: population-years and counts add up
    assert_double_close(outP[0], 210, 0, 0);
    assert_double_close(outP[1], 390, 0, 0);
    assert_double_close(outP[2], 110, 0, 0);
    assert_double_close(outO[0], 4, 0, 0);
    assert_double_close(outO[1], 6, 0, 0);
    assert_double_close(outO[2], 1, 0, 0);
    // 2023-2024: a missing population makes the period's missing
    assert_double_close(outP[3], 250, 0, 0);
    assert_double_close(outP[4], 350, 0, 0);
    assert_true(isnan(outP[5]));
    assert_double_close(outO[3], 12, 0, 0);
    assert_double_close(outO[5], 5, 0, 0);
    // the rate of a period is per 1000 population-years: 12 / 250
    assert_double_close(1000.0 * outO[3] / outP[3], 48.0, 1e-12, 0);
    ws_periods_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
