/*
 * test_ebayes.c - ebayes.c against R spdep 1.2-7.
 *
 * Reference: tests/fixtures/reference/{nc,hand}_areas.csv, _scalars.csv and
 * _nb.csv, written by scripts/reference/rates_glm_eb.R: spdep::EBest(O, P)
 * (estmm and attr "parameters" a, b) and spdep::EBlocal(O, P, nb,
 * zero.policy = TRUE, geoda = TRUE) (est and attr a, m), both run on the areas
 * with P > 0 only, the neighbour list cut down with spdep::subset.nb.  nc uses
 * the queen neighbours of spdep::poly2nb(nc, queen = TRUE).  Agreement
 * required: 1e-9 relative.  One documented difference: where spdep's local
 * shrinkage factor is 0 / 0 (hand area I, an island without cases) spdep
 * gives NaN and we give the prior mean m.
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

#include "wijkscan/analyse/ebayes.h"

#define REL 1e-9

static double max_rel_seen;

static void close_rel(double obs, double exp, double abs_tol)
{
    if (!isnan(exp) && exp != 0.0 && fabs(obs - exp) / fabs(exp) > max_rel_seen)
        max_rel_seen = fabs(obs - exp) / fabs(exp);
    assert_double_close(obs, exp, abs_tol, REL);
}

static double *col_array(const struct ws_test_csv *t, const char *name)
{
    size_t j = ws_test_csv_col(t, name), i;
    double *v = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*v));

    assert_non_null(v);
    for (i = 0; i < t->n_rows; i++)
        v[i] = ws_test_csv_num(t, i, j);
    return v;
}

static double scalar(const char *set, const char *name)
{
    char path[256];
    struct ws_test_csv t;
    double x;

    snprintf(path, sizeof(path), "%s/%s_scalars.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    x = ws_test_csv_num(&t, ws_test_csv_find(&t, 0, name), 1);
    ws_test_csv_free(&t);
    return x;
}

/* Reads <set>_nb.csv (idx,code,n_nb,nb with space-separated 0-based
 * indices) into CSR arrays (owned, free with free()). */
static void load_nb(const char *set, size_t n, size_t **nb_start, size_t **nb_idx)
{
    char path[256];
    struct ws_test_csv t;
    size_t i, k = 0, total = 0, c_n, c_nb;
    const char *s;
    char *end;

    snprintf(path, sizeof(path), "%s/%s_nb.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    assert_int_equal(t.n_rows, n);
    c_n = ws_test_csv_col(&t, "n_nb");
    c_nb = ws_test_csv_col(&t, "nb");
    for (i = 0; i < n; i++)
        total += (size_t)ws_test_csv_num(&t, i, c_n);
    *nb_start = malloc((n + 1) * sizeof(size_t));
    *nb_idx = malloc((total ? total : 1) * sizeof(size_t));
    assert_non_null(*nb_start);
    assert_non_null(*nb_idx);
    for (i = 0; i < n; i++) {
        (*nb_start)[i] = k;
        for (s = ws_test_csv_str(&t, i, c_nb); *s; s = end) {
            (*nb_idx)[k++] = (size_t)strtoul(s, &end, 10);
            assert_true(end != s);
        }
        assert_int_equal(k - (*nb_start)[i], (size_t)ws_test_csv_num(&t, i, c_n));
    }
    (*nb_start)[n] = k;
    ws_test_csv_free(&t);
}

static void check_set(const char *set)
{
    char path[256];
    struct ws_test_csv t;
    struct ws_err err = WS_ERR_INIT;
    double *O, *P, *r_eb, *r_ebl, *r_a, *r_m, *eb, *seb, *al, *ml, a, b;
    size_t *nb_start, *nb_idx, i, n;

    snprintf(path, sizeof(path), "%s/%s_areas.csv", WS_TEST_REF_DIR, set);
    ws_test_csv_load(&t, path);
    n = t.n_rows;
    O = col_array(&t, "O");
    P = col_array(&t, "P");
    r_eb = col_array(&t, "eb_est");
    r_ebl = col_array(&t, "ebl_est");
    r_a = col_array(&t, "ebl_a");
    r_m = col_array(&t, "ebl_m");
    eb = malloc(n * sizeof(double));
    seb = malloc(n * sizeof(double));
    al = malloc(n * sizeof(double));
    ml = malloc(n * sizeof(double));
    load_nb(set, n, &nb_start, &nb_idx);

    assert_int_equal(ws_ebayes_global(O, P, n, eb, &a, &b, &err), WS_OK);
    close_rel(a, scalar(set, "eb_a"), 0.0);
    close_rel(b, scalar(set, "eb_b"), 0.0);
    for (i = 0; i < n; i++)
        close_rel(eb[i], 1000.0 * r_eb[i], 0.0);

    assert_int_equal(ws_ebayes_local(O, P, n, nb_start, nb_idx, seb, al, ml, &err), WS_OK);
    for (i = 0; i < n; i++) {
        close_rel(ml[i], r_m[i], 0.0);
        close_rel(al[i], r_a[i], 0.0);
        if (isnan(r_ebl[i]) && !isnan(r_m[i]))
            close_rel(seb[i], 1000.0 * r_m[i], 0.0); // spdep 0/0, see the file comment
        else
            close_rel(seb[i], 1000.0 * r_ebl[i], 0.0);
    }
    assert_int_equal(err.code, WS_OK);

    free(O);
    free(P);
    free(r_eb);
    free(r_ebl);
    free(r_a);
    free(r_m);
    free(eb);
    free(seb);
    free(al);
    free(ml);
    free(nb_start);
    free(nb_idx);
    ws_test_csv_free(&t);
}

static void test_reference_nc(void **state)
{
    (void)state;
    check_set("nc");
}

static void test_reference_hand(void **state)
{
    (void)state;
    check_set("hand");
}

/* Excluded areas: NAN out, and they change nothing for the others. */
static void test_exclusion(void **state)
{
    // 0 - 1 - 2 - 3 in a line; area 2 has no population
    const double O[] = {2, 5, 100, 1};
    const double P[] = {1000, 1500, 0, 800};
    const size_t nb_start[] = {0, 1, 3, 5, 6};
    const size_t nb_idx[] = {1, 0, 2, 1, 3, 2};
    // the same without area 2 (area 3 becomes an island)
    const double O2[] = {2, 5, 1};
    const double P2[] = {1000, 1500, 800};
    const size_t nb_start2[] = {0, 1, 2, 2};
    const size_t nb_idx2[] = {1, 0};
    double e[4], e2[3], s[4], s2[3], m[4], a, b, a2, b2;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_ebayes_global(O, P, 4, e, &a, &b, &err), WS_OK);
    assert_int_equal(ws_ebayes_global(O2, P2, 3, e2, &a2, &b2, &err), WS_OK);
    assert_true(isnan(e[2]));
    assert_double_close(a, a2, 0, 1e-15);
    assert_double_close(b, b2, 0, 1e-15);
    assert_double_close(e[0], e2[0], 0, 1e-15);
    assert_double_close(e[3], e2[2], 0, 1e-15);

    assert_int_equal(ws_ebayes_local(O, P, 4, nb_start, nb_idx, s, NULL, m, &err), WS_OK);
    assert_int_equal(ws_ebayes_local(O2, P2, 3, nb_start2, nb_idx2, s2, NULL, NULL, &err), WS_OK);
    assert_true(isnan(s[2]) && isnan(m[2]));
    assert_double_close(s[0], s2[0], 0, 1e-15);
    assert_double_close(s[1], s2[1], 0, 1e-15);
    // an area left without usable neighbours keeps its own rate
    assert_double_close(s[3], 1000.0 * 1.0 / 800.0, 0, 1e-15);
    assert_double_close(m[3], 1.0 / 800.0, 0, 1e-15);
}

/* No cases anywhere: spdep gives NaN (0 / 0), we give the prior mean 0. */
static void test_no_cases(void **state)
{
    const double O[] = {0, 0, 0};
    const double P[] = {100, 200, 300};
    const size_t nb_start[] = {0, 1, 2, 2};
    const size_t nb_idx[] = {1, 0};
    double e[3], s[3], a, b;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_ebayes_global(O, P, 3, e, &a, &b, &err), WS_OK);
    assert_double_close(a, 0, 0, 0);
    assert_double_close(b, 0, 0, 0);
    assert_double_close(e[1], 0, 0, 0);
    assert_int_equal(ws_ebayes_local(O, P, 3, nb_start, nb_idx, s, NULL, NULL, &err), WS_OK);
    assert_double_close(s[0], 0, 0, 0);
    assert_double_close(s[2], 0, 0, 0);
}

static void test_all_missing(void **state)
{
    const double O[] = {1, NAN};
    const double P[] = {NAN, 100};
    double e[2], a = 1, b = 1;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_ebayes_global(O, P, 2, e, &a, &b, &err), WS_OK);
    assert_true(isnan(e[0]) && isnan(e[1]) && isnan(a) && isnan(b));
    assert_int_equal(ws_ebayes_global(NULL, NULL, 0, NULL, NULL, NULL, &err), WS_OK);
    assert_int_equal(ws_ebayes_local(NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &err), WS_OK);
}

/* A self entry in the neighbour list is ignored (i counts once). */
static void test_self_entry(void **state)
{
    const double O[] = {2, 5};
    const double P[] = {1000, 1500};
    const size_t with_self_start[] = {0, 2, 3};
    const size_t with_self_idx[] = {0, 1, 0};
    const size_t plain_start[] = {0, 1, 2};
    const size_t plain_idx[] = {1, 0};
    double s1[2], s2[2];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_ebayes_local(O, P, 2, with_self_start, with_self_idx, s1, NULL, NULL, &err),
                     WS_OK);
    assert_int_equal(ws_ebayes_local(O, P, 2, plain_start, plain_idx, s2, NULL, NULL, &err), WS_OK);
    assert_double_close(s1[0], s2[0], 0, 1e-15);
    assert_double_close(s1[1], s2[1], 0, 1e-15);
}

static void test_bad_input(void **state)
{
    const double O[] = {2, 5};
    const double P[] = {1000, 1500};
    const double O_bad[] = {2, -5};
    const size_t bad_idx[] = {1, 7};
    const size_t start[] = {0, 1, 2};
    const size_t bad_start[] = {0, 2, 1};
    const size_t bad_first[] = {1, 1, 2};
    double s[2] = {42, 42};
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_ebayes_local(O, P, 2, start, bad_idx, s, NULL, NULL, &err), WS_EDATA);
    assert_string_equal(err.what, "neighbour 7 of area 1 is out of range (2 areas)");
    assert_double_close(s[0], 42, 0, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_ebayes_local(O, P, 2, bad_start, bad_idx, s, NULL, NULL, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_ebayes_local(O, P, 2, bad_first, bad_idx, s, NULL, NULL, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_ebayes_global(O_bad, P, 2, s, NULL, NULL, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "case count of area 1"));
}

static int report_max_rel(void **state)
{
    (void)state;
    print_message("ebayes: max relative error against R = %.3g\n", max_rel_seen);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_nc), cmocka_unit_test(test_reference_hand),
        cmocka_unit_test(test_exclusion),    cmocka_unit_test(test_no_cases),
        cmocka_unit_test(test_all_missing),  cmocka_unit_test(test_self_entry),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, report_max_rel);
}
