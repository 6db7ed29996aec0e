/*
 * test_priority.c - priority.c on a hand-made study of 6 buurten (5 usable).
 *
 * Hand computation (weights 1, 1, 0.5, 0.5):
 *   need   = 10 20 30 40 50: mean 30, sd = sqrt(1000 / 4) = sqrt(250),
 *            z = (x - 30) / sqrt(250); Q3 (type 7) = 40
 *   demand = 5 5 5 5 10: mean 6, sd = sqrt(20 / 4) = sqrt(5),
 *            z = -1/sqrt(5) (x4), 4/sqrt(5); Q3 = 5, high only where z > 0
 *   trend  = rr 2 (p 0.01): +qnorm(0.995) = +2.5758293035489004 (R 4.2.2)
 *            rr 0.5 (p 0.001): -min(qnorm(0.9995) = 3.29, 3) = -3
 *            rr NAN (p 0.02), rr 1.5 (p 0.2), rr 1 (p 0.5): 0
 *   HH     = buurten 2 and 4
 *   scores: b0 = -20/sqrt(250) - 1/sqrt(5) + 0.5 * 2.5758293035489004
 *           b1 = -10/sqrt(250) - 1/sqrt(5)
 *           b2 = -1/sqrt(5) - 0.5 * 3 + 0.5
 *           b3 = 10/sqrt(250) - 1/sqrt(5)
 *           b4 = 20/sqrt(250) + 4/sqrt(5) + 0.5
 *   order: b4 (3.554) b3 (0.185) b0 (-0.424) b1 (-1.080) b2 (-1.447)
 * Buurt 5 is not usable and has extreme values: it must change nothing.
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

#include "wijkscan/analyse/priority.h"

#include <stdbool.h>

#define N   6
#define TOL 1e-12

static const double need[N] = {10, 20, 30, 40, 50, 1000};
static const double demand[N] = {5, 5, 5, 5, 10, 1000};
static const double rr[N] = {2, 1, 0.5, NAN, 1.5, 5};
static const double pval[N] = {0.01, 0.5, 0.001, 0.02, 0.2, 1e-9};
static const bool hh[N] = {false, false, true, false, true, true};
static const bool usable[N] = {true, true, true, true, true, false};

static struct ws_priority_input study(void)
{
    struct ws_priority_input in = {N, need, demand, rr, pval, hh, usable};
    return in;
}

static const struct ws_priority_weights default_w = {1.0, 1.0, 0.5, 0.5};

static void test_scores_and_ranks(void **state)
{
    struct ws_priority_input in = study();
    double score[N];
    long rank[N];
    unsigned why[N];
    struct ws_err err = WS_ERR_INIT;
    const double s250 = sqrt(250.0);
    const double s5 = sqrt(5.0);
    const double q995 = 2.5758293035489004;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &default_w, score, rank, why, &err), WS_OK);
    assert_double_close(score[0], -20 / s250 - 1 / s5 + 0.5 * q995, TOL, 1e-9);
    assert_double_close(score[1], -10 / s250 - 1 / s5, TOL, TOL);
    assert_double_close(score[2], -1 / s5 - 0.5 * 3 + 0.5, TOL, TOL);
    assert_double_close(score[3], 10 / s250 - 1 / s5, TOL, TOL);
    assert_double_close(score[4], 20 / s250 + 4 / s5 + 0.5, TOL, TOL);
    assert_true(isnan(score[5]));

    assert_int_equal(rank[4], 1);
    assert_int_equal(rank[3], 2);
    assert_int_equal(rank[0], 3);
    assert_int_equal(rank[1], 4);
    assert_int_equal(rank[2], 5);
    assert_int_equal(rank[5], 0);

    assert_int_equal(why[0], WS_REASON_RISING);
    assert_int_equal(why[1], 0);
    assert_int_equal(why[2], WS_REASON_FALLING | WS_REASON_CLUSTER);
    assert_int_equal(why[3], WS_REASON_HIGH_NEED);
    assert_int_equal(why[4], WS_REASON_HIGH_NEED | WS_REASON_HIGH_DEMAND | WS_REASON_CLUSTER);
    assert_int_equal(why[5], 0);
}

/* Outputs are optional; each alone gives the same as all together. */
static void test_optional_outputs(void **state)
{
    struct ws_priority_input in = study();
    long rank[N];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &default_w, NULL, rank, NULL, &err), WS_OK);
    assert_int_equal(rank[4], 1);
    assert_int_equal(rank[2], 5);
    assert_int_equal(ws_priority_score(&in, &default_w, NULL, NULL, NULL, &err), WS_OK);
}

/* NAN need or demand in a usable buurt counts as the mean (z = 0) and is
 * left out of mean, sd and Q3; NULL arrays mean "missing everywhere". */
static void test_nan_handling(void **state)
{
    const double need2[4] = {10, NAN, 30, 20};
    const double demand2[4] = {1, 2, 3, INFINITY};
    const bool ok[4] = {true, true, true, true};
    struct ws_priority_input in = {4, need2, demand2, NULL, NULL, NULL, ok};
    const struct ws_priority_weights w = {1.0, 0.0, 1.0, 1.0};
    double score[4];
    long rank[4];
    unsigned why[4];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    // need over {10, 30, 20}: mean 20, sd 10; Q3 = 25
    assert_int_equal(ws_priority_score(&in, &w, score, rank, why, &err), WS_OK);
    assert_double_close(score[0], -1.0, TOL, TOL);
    assert_double_close(score[1], 0.0, TOL, TOL);
    assert_double_close(score[2], 1.0, TOL, TOL);
    assert_double_close(score[3], 0.0, TOL, TOL);
    assert_int_equal(rank[2], 1);
    assert_int_equal(rank[1], 2); // tie with buurt 3: the order given
    assert_int_equal(rank[3], 3);
    assert_int_equal(rank[0], 4);
    assert_int_equal(why[2], WS_REASON_HIGH_NEED);
    assert_int_equal(why[0] | why[1] | why[3], 0);

    // fewer than two finite values: every z is 0
    in.n = 2;
    in.need = (const double[]){NAN, 7};
    assert_int_equal(ws_priority_score(&in, &w, score, rank, why, &err), WS_OK);
    assert_double_close(score[0], 0.0, 0, 0);
    assert_double_close(score[1], 0.0, 0, 0);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 2);
    assert_int_equal(why[0] | why[1], 0);

    // nothing usable: all NAN and 0; n == 0 is fine too
    in.usable = (const bool[]){false, false};
    assert_int_equal(ws_priority_score(&in, &w, score, rank, why, &err), WS_OK);
    assert_true(isnan(score[0]) && isnan(score[1]));
    assert_int_equal(rank[0] + rank[1], 0);
    in.n = 0;
    in.usable = NULL;
    assert_int_equal(ws_priority_score(&in, &w, score, rank, why, &err), WS_OK);
}

/* Equal values (sd 0) give z = 0 and no "high" reason; equal scores are
 * ranked in the order given. */
static void test_ties(void **state)
{
    const double same[3] = {4, 4, 4};
    const bool ok[3] = {true, true, true};
    struct ws_priority_input in = {3, same, same, NULL, NULL, NULL, ok};
    double score[3];
    long rank[3];
    unsigned why[3];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &default_w, score, rank, why, &err), WS_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_double_close(score[i], 0.0, 0, 0);
        assert_int_equal(rank[i], (long)i + 1);
        assert_int_equal(why[i], 0);
    }

    // two identical buurten between others: the earlier one ranks first
    in.need = (const double[]){1, 5, 5, 3};
    in.demand = NULL;
    in.usable = (const bool[]){true, true, true, true};
    in.n = 4;
    long rank4[4];
    assert_int_equal(ws_priority_score(&in, &default_w, NULL, rank4, NULL, &err), WS_OK);
    assert_int_equal(rank4[1], 1);
    assert_int_equal(rank4[2], 2);
    assert_int_equal(rank4[3], 3);
    assert_int_equal(rank4[0], 4);
}

/* A weight of 0 removes the component from the score and its reason. */
static void test_zero_weights(void **state)
{
    struct ws_priority_input in = study();
    const struct ws_priority_weights zero = {0, 0, 0, 0};
    const struct ws_priority_weights only_cluster = {0, 0, 0, 2};
    const struct ws_priority_weights only_trend = {0, 0, 1, 0};
    double score[N];
    long rank[N];
    unsigned why[N];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &zero, score, rank, why, &err), WS_OK);
    for (size_t i = 0; i < 5; i++) {
        assert_double_close(score[i], 0.0, 0, 0);
        assert_int_equal(rank[i], (long)i + 1);
        assert_int_equal(why[i], 0);
    }

    assert_int_equal(ws_priority_score(&in, &only_cluster, score, rank, why, &err), WS_OK);
    assert_double_close(score[2], 2.0, 0, 0);
    assert_double_close(score[4], 2.0, 0, 0);
    assert_int_equal(rank[2], 1);
    assert_int_equal(rank[4], 2);
    assert_int_equal(rank[0], 3);
    assert_int_equal(why[2], WS_REASON_CLUSTER);
    assert_int_equal(why[4], WS_REASON_CLUSTER);
    assert_int_equal(why[3], 0);

    assert_int_equal(ws_priority_score(&in, &only_trend, score, rank, why, &err), WS_OK);
    assert_double_close(score[0], 2.5758293035489004, 1e-12, 1e-9);
    assert_double_close(score[2], -3.0, 0, 0);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[2], 5);
    assert_int_equal(why[0], WS_REASON_RISING);
    assert_int_equal(why[2], WS_REASON_FALLING);
    assert_int_equal(why[4], 0);
}

/* trend: p == 0 is capped at 3; p exactly 0.05 is not significant; a
 * ratio <= 0 or of exactly 1 is no trend. */
static void test_trend_edges(void **state)
{
    const bool ok[5] = {true, true, true, true, true};
    const double r[5] = {4, 3, 0, 1, 0.2};
    const double p[5] = {0, 0.05, 0.001, 0.001, 0.049};
    struct ws_priority_input in = {5, NULL, NULL, r, p, NULL, ok};
    const struct ws_priority_weights w = {1, 1, 1, 1};
    double score[5];
    unsigned why[5];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &w, score, NULL, why, &err), WS_OK);
    assert_double_close(score[0], 3.0, 0, 0);
    assert_double_close(score[1], 0.0, 0, 0);
    assert_double_close(score[2], 0.0, 0, 0);
    assert_double_close(score[3], 0.0, 0, 0);
    assert_double_close(score[4], -1.9685916691865943, 1e-9, 1e-9); // -qnorm(1 - 0.049 / 2)
    assert_int_equal(why[0], WS_REASON_RISING);
    assert_int_equal(why[1] | why[2] | why[3], 0);
    assert_int_equal(why[4], WS_REASON_FALLING);
}

static void test_bad_weights(void **state)
{
    struct ws_priority_input in = study();
    const struct ws_priority_weights neg = {1, 1, -0.5, 0.5};
    const struct ws_priority_weights nan_w = {NAN, 1, 0.5, 0.5};
    long rank[N] = {42, 42, 42, 42, 42, 42};
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_priority_score(&in, &neg, NULL, rank, NULL, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "'trend'"));
    assert_non_null(strstr(err.hint, "[priority]"));
    assert_int_equal(rank[0], 42);
    ws_err_clear(&err);
    assert_int_equal(ws_priority_score(&in, &nan_w, NULL, rank, NULL, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "'need'"));
    ws_err_clear(&err);
    in.usable = NULL;
    assert_int_equal(ws_priority_score(&in, &default_w, NULL, rank, NULL, &err), WS_EINTERNAL);
}

static void test_reason_texts(void **state)
{
    (void)state;
    assert_string_equal(ws_reason_text(WS_REASON_HIGH_NEED, "nl"), "hoog verwacht door profiel");
    assert_string_equal(ws_reason_text(WS_REASON_HIGH_DEMAND, NULL),
                        "veel vraag (hoge gladgestreken rate)");
    assert_string_equal(ws_reason_text(WS_REASON_RISING, "nl"), "stijgend");
    assert_string_equal(ws_reason_text(WS_REASON_CLUSTER, "nl"),
                        "deel van een cluster van hoge waarden");
    assert_string_equal(ws_reason_text(WS_REASON_FALLING, "nl"), "dalend");
    assert_string_equal(ws_reason_text(WS_REASON_HIGH_NEED, "en"), "high expected need by profile");
    assert_string_equal(ws_reason_text(WS_REASON_HIGH_DEMAND, "en"),
                        "high demand (high smoothed rate)");
    assert_string_equal(ws_reason_text(WS_REASON_RISING, "en"), "rising");
    assert_string_equal(ws_reason_text(WS_REASON_CLUSTER, "en"),
                        "part of a cluster of high values");
    assert_string_equal(ws_reason_text(WS_REASON_FALLING, "en"), "falling");
    assert_null(ws_reason_text(0, "nl"));
    assert_null(ws_reason_text(WS_REASON_RISING | WS_REASON_CLUSTER, "nl"));
    assert_null(ws_reason_text(1u << 9, "en"));
}

static void test_reason_join(void **state)
{
    char buf[128];
    char small[12];
    const unsigned r = WS_REASON_CLUSTER | WS_REASON_HIGH_NEED | WS_REASON_RISING;
    const char *nl = "hoog verwacht door profiel; stijgend; deel van een cluster van hoge waarden";

    (void)state;
    assert_int_equal(ws_reason_join(r, "nl", buf, sizeof(buf)), strlen(nl));
    assert_string_equal(buf, nl);
    assert_int_equal(
        ws_reason_join(WS_REASON_FALLING | WS_REASON_HIGH_DEMAND, "en", buf, sizeof(buf)),
        strlen("high demand (high smoothed rate); falling"));
    assert_string_equal(buf, "high demand (high smoothed rate); falling");
    assert_int_equal(ws_reason_join(0, "nl", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ws_reason_join(WS_REASON_RISING | (1u << 9), "nl", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "stijgend");

    // truncation: NUL-terminated, full length returned; size 0 and NULL buf
    assert_int_equal(ws_reason_join(r, "nl", small, sizeof(small)), strlen(nl));
    assert_string_equal(small, "hoog verwac");
    assert_int_equal(ws_reason_join(r, "nl", NULL, 0), strlen(nl));
    small[0] = 'x';
    assert_int_equal(ws_reason_join(r, "nl", small, 0), strlen(nl));
    assert_int_equal(small[0], 'x');
    assert_int_equal(ws_reason_join(r, "nl", small, 1), strlen(nl));
    assert_string_equal(small, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_and_ranks), cmocka_unit_test(test_optional_outputs),
        cmocka_unit_test(test_nan_handling),     cmocka_unit_test(test_ties),
        cmocka_unit_test(test_zero_weights),     cmocka_unit_test(test_trend_edges),
        cmocka_unit_test(test_bad_weights),      cmocka_unit_test(test_reason_texts),
        cmocka_unit_test(test_reason_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
