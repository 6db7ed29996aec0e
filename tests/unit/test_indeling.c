/*
 * test_indeling.c - case codes of an older indeling onto the study's buurten:
 * the largest-remainder split of a count, merging mapped rows into the case
 * rows, the plausible did-you-mean, the crosswalk table's checks and the
 * overlay of older boundaries (small files written into a temporary folder).
 *
 * Run from the repository root.
 */
#include "helpers.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/load/indeling.h"
#include "wijkscan/load/ogr_source.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = ws_test_path(dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    free(path);
}

/* A square [x0, x0 + w] x [y0, y0 + w] as a one-ring polygon. */
static void square(struct ws_geom *g, double x0, double y0, double w)
{
    static const double dx[5] = {0, 1, 1, 0, 0};
    static const double dy[5] = {0, 0, 1, 1, 0};

    ws_geom_init(g);
    g->n_polys = 1;
    g->n_rings = 1;
    g->n_points = 5;
    g->poly_ring = ws_xcalloc(2, sizeof(*g->poly_ring));
    g->ring_point = ws_xcalloc(2, sizeof(*g->ring_point));
    g->xy = ws_xcalloc(10, sizeof(*g->xy));
    g->poly_ring[1] = 1;
    g->ring_point[1] = 5;
    for (size_t i = 0; i < 5; i++) {
        g->xy[2 * i] = x0 + w * dx[i];
        g->xy[2 * i + 1] = y0 + w * dy[i];
    }
}

/* Two buurten: BU00010001 = [0,100]^2, BU00010002 = [100,200]x[0,100]. */
static void two_areas(struct ws_area areas[2])
{
    memset(areas, 0, 2 * sizeof(*areas));
    areas[0].code = ws_xstrdup("BU00010001");
    areas[1].code = ws_xstrdup("BU00010002");
    square(&areas[0].geom, 0, 0, 100);
    square(&areas[1].geom, 100, 0, 100);
}

static void free_areas(struct ws_area *areas, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(areas[i].code);
        ws_geom_release(&areas[i].geom);
    }
}

static struct ws_case_row row(const char *code, int year, const char *cat, long long count,
                              size_t line)
{
    struct ws_case_row r = {ws_xstrdup(code), year, ws_xstrdup(cat), count, line};
    return r;
}

static void free_rows(struct ws_case_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].category);
    }
    free(rows);
}

/* ---- splitting a count ---- */

static void split(long long count, const double *shares, size_t n, long long *out)
{
    struct ws_indeling_part parts[8];

    assert_true(n <= 8);
    for (size_t k = 0; k < n; k++)
        parts[k] = (struct ws_indeling_part){NULL, k, shares[k]};
    ws_indeling_split_count(count, parts, n, out);
}

static void test_split_largest_remainder(void **state)
{
    long long out[4];
    (void)state;

    split(10, (const double[]){0.5, 0.3, 0.2}, 3, out);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 2);
    // 3.5 and 3.5: the tie goes to the earlier part
    split(7, (const double[]){0.5, 0.5}, 2, out);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 3);
    // 0.6 and 0.4 of one case: all of it to the larger share
    split(1, (const double[]){0.4, 0.6}, 2, out);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    // thirds: 3.33 each, one left over for the first
    split(10, (const double[]){1.0 / 3, 1.0 / 3, 1.0 / 3}, 3, out);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 3);
    // shares are normalised: 2:1:1 is 0.5, 0.25, 0.25
    split(10, (const double[]){2, 1, 1}, 3, out);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 2);
    split(0, (const double[]){0.7, 0.3}, 2, out);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 0);
}

/* Every split adds up to the count, and no part is a whole case or more
 * away from its exact share. */
static void test_split_keeps_totals(void **state)
{
    unsigned long x = 12345;
    (void)state;

    for (int trial = 0; trial < 2000; trial++) {
        double shares[5];
        double sum = 0.0;
        long long out[5];
        long long total = 0;
        size_t n = 1 + (size_t)(trial % 5);
        long long count = trial % 97;
        for (size_t k = 0; k < n; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            shares[k] = 0.001 + (double)((x >> 33) % 1000) / 1000.0;
            sum += shares[k];
        }
        split(count, shares, n, out);
        for (size_t k = 0; k < n; k++) {
            double exact = (double)count * shares[k] / sum;
            assert_true(out[k] >= 0);
            assert_true((double)out[k] > exact - 1.0 && (double)out[k] < exact + 1.0);
            total += out[k];
        }
        assert_int_equal(total, count);
    }
}

/* ---- applying to case rows ---- */

/* OLD1 moved whole into BU00010001; OLD2 divided 0.5 / 0.5 by a crosswalk. */
static void small_indeling(struct ws_indeling *ix)
{
    struct ws_indeling_code *c;

    ws_indeling_init(ix);
    c = ws_indeling_add(ix, "OLD2", WS_INDELING_CROSSWALK, 2);
    ws_indeling_add_part(c, "BU00010002", 1, 0.5);
    ws_indeling_add_part(c, "BU00010001", 0, 0.5);
    c = ws_indeling_add(ix, "OLD1", WS_INDELING_MOVED, 7);
    ws_indeling_add_part(c, "BU00010001", 0, 1.0);
    c = ws_indeling_add(ix, "OLD3", WS_INDELING_SPLIT, 9);
    ws_indeling_add_part(c, "BU00010001", 0, 0.6);
    ws_indeling_add_part(c, "BU00010002", 1, 0.4);
    ws_indeling_sort(ix);
}

static void test_find_and_sort(void **state)
{
    struct ws_indeling ix;
    const struct ws_indeling_code *c;
    (void)state;

    small_indeling(&ix);
    assert_null(ws_indeling_find(&ix, "BU00010001"));
    c = ws_indeling_find(&ix, "OLD2");
    assert_non_null(c);
    assert_int_equal(c->kind, WS_INDELING_CROSSWALK);
    // parts by code
    assert_string_equal(c->parts[0].code, "BU00010001");
    c = ws_indeling_find(&ix, "OLD3");
    assert_non_null(c);
    // a split code's parts: the largest share first
    assert_double_close(c->parts[0].share, 0.6, 0, 0);
    assert_non_null(ws_indeling_find(&ix, "OLD1"));
    ws_indeling_release(&ix);
}

static void test_apply_merges_and_keeps_totals(void **state)
{
    struct ws_indeling ix;
    struct ws_err err = WS_ERR_INIT;
    struct ws_case_row *cases = ws_xcalloc(2, sizeof(*cases));
    size_t n = 0;
    size_t cap = 2;
    struct ws_case_row old[3];
    long long before = 0;
    long long after = 0;
    (void)state;

    small_indeling(&ix);
    cases[n++] = row("BU00010001", 2021, "a", 4, 2);
    cases[n++] = row("BU00010002", 2022, "a", 1, 3);
    old[0] = row("OLD1", 2021, "a", 3, 10);
    old[1] = row("OLD1", 2021, "b", 2, 11);
    old[2] = row("OLD2", 2021, "a", 5, 12);
    for (size_t i = 0; i < n; i++)
        before += cases[i].count;
    for (size_t i = 0; i < 3; i++)
        before += old[i].count;

    assert_int_equal(ws_indeling_apply(&ix, old, 3, &cases, &n, &cap, &err), WS_OK);
    // BU00010001 2021 a: 4 + 3 (moved) + 3 (5 x 0.5, the tie to the first
    // part by code); new rows in (code, year, category) order
    assert_int_equal(n, 4);
    assert_string_equal(cases[0].code, "BU00010001");
    assert_int_equal(cases[0].count, 10);
    assert_int_equal(cases[1].count, 1);
    assert_string_equal(cases[2].code, "BU00010001");
    assert_string_equal(cases[2].category, "b");
    assert_int_equal(cases[2].count, 2);
    assert_int_equal(cases[2].line, 11);
    assert_string_equal(cases[3].code, "BU00010002");
    assert_int_equal(cases[3].year, 2021);
    assert_int_equal(cases[3].count, 2);
    for (size_t i = 0; i < n; i++)
        after += cases[i].count;
    assert_int_equal(after, before);

    for (size_t i = 0; i < 3; i++) {
        free(old[i].code);
        free(old[i].category);
    }
    free_rows(cases, n);
    ws_indeling_release(&ix);
}

/* Two old codes that merged into one new buurt with no row of its own: one
 * new row with the sum; a row of 0 cases makes a row of 0. */
static void test_apply_two_old_codes_one_new_row(void **state)
{
    struct ws_indeling ix;
    struct ws_indeling_code *c;
    struct ws_err err = WS_ERR_INIT;
    struct ws_case_row *cases = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct ws_case_row old[3];
    (void)state;

    ws_indeling_init(&ix);
    c = ws_indeling_add(&ix, "A", WS_INDELING_MOVED, 1);
    ws_indeling_add_part(c, "BU00010002", 1, 1.0);
    c = ws_indeling_add(&ix, "B", WS_INDELING_MOVED, 2);
    ws_indeling_add_part(c, "BU00010002", 1, 1.0);
    ws_indeling_sort(&ix);
    old[0] = row("A", 2020, "x", 6, 5);
    old[1] = row("B", 2020, "x", 7, 4);
    old[2] = row("A", 2021, "x", 0, 6);
    assert_int_equal(ws_indeling_apply(&ix, old, 3, &cases, &n, &cap, &err), WS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cases[0].count, 13);
    assert_int_equal(cases[0].line, 4); // the earlier line of the two
    // a row of 0 cases is kept: the registration covered the buurt that year
    assert_int_equal(cases[1].year, 2021);
    assert_int_equal(cases[1].count, 0);
    for (size_t i = 0; i < 3; i++) {
        free(old[i].code);
        free(old[i].category);
    }
    free_rows(cases, n);
    ws_indeling_release(&ix);
}

static void test_apply_refuses_split_code(void **state)
{
    struct ws_indeling ix;
    struct ws_err err = WS_ERR_INIT;
    struct ws_case_row *cases = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct ws_case_row old = row("OLD3", 2021, "a", 5, 3);
    (void)state;

    small_indeling(&ix);
    assert_int_equal(ws_indeling_apply(&ix, &old, 1, &cases, &n, &cap, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "OLD3"));
    assert_int_equal(n, 0);
    free(old.code);
    free(old.category);
    free(cases);
    ws_indeling_release(&ix);
}

/* ---- did you mean ---- */

static void test_suggest_only_plausible(void **state)
{
    static const char *const cands[] = {"BU00140007", "BU00140817", "BU00140901", "BU00140910"};
    static const char *const other[] = {"AB12", "XY99"};
    (void)state;

    // the 2017 Suikerfabriekterrein: BU00140007 is one edit away but in
    // another wijk (WK001400, not WK001408)
    assert_null(ws_indeling_suggest("BU00140807", cands, 1));
    // same gemeente and wijk, one edit: plausible
    assert_string_equal(ws_indeling_suggest("BU00140818", cands, 2), "BU00140817");
    // two codes of the wijk one edit away: neither
    assert_null(ws_indeling_suggest("BU00140900", cands, 4));
    // two edits: none
    assert_null(ws_indeling_suggest("BU00140899", cands, 4));
    // other codes: one edit, unique
    assert_string_equal(ws_indeling_suggest("AB13", other, 2), "AB12");
    assert_null(ws_indeling_suggest("AB99", other, 2));
}

/* ---- the crosswalk table ---- */

struct cw {
    char *dir;
    struct ws_area areas[2];
    struct ws_indeling ix;
    struct ws_err err;
};

static int cw_setup(void **state)
{
    struct cw *c = ws_xcalloc(1, sizeof(*c));

    c->dir = ws_test_tmpdir();
    two_areas(c->areas);
    ws_indeling_init(&c->ix);
    ws_err_clear(&c->err);
    *state = c;
    return 0;
}

static int cw_teardown(void **state)
{
    struct cw *c = *state;

    ws_indeling_release(&c->ix);
    free_areas(c->areas, 2);
    ws_test_rmtree(c->dir);
    free(c->dir);
    free(c);
    return 0;
}

static int read_cw(struct cw *c, const char *text)
{
    char *path = ws_test_path(c->dir, "crosswalk.csv");
    int rc;

    write_file(c->dir, "crosswalk.csv", text);
    rc = ws_indeling_read_crosswalk(&c->ix, path, c->areas, 2, &c->err);
    free(path);
    return rc;
}

static void test_crosswalk_good(void **state)
{
    struct cw *c = *state;
    const struct ws_indeling_code *e;

    // ';' and decimal comma (Dutch Excel); a row of a code that is still a
    // buurt is ignored
    assert_int_equal(read_cw(c, "old_code;new_code;share\n"
                                "BU00019900;BU00010002;0,25\n"
                                "BU00019900;BU00010001;0,75\n"
                                "BU00019901;BU00010001;1\n"
                                "BU00010001;BU00010001;1\n"),
                     WS_OK);
    assert_int_equal(c->ix.n, 2);
    assert_int_equal(c->ix.n_ignored, 1);
    e = ws_indeling_find(&c->ix, "BU00019900");
    assert_non_null(e);
    assert_int_equal(e->kind, WS_INDELING_CROSSWALK);
    assert_int_equal(e->n_parts, 2);
    assert_string_equal(e->parts[0].code, "BU00010001");
    assert_int_equal(e->parts[0].area, 0);
    assert_double_close(e->parts[0].share, 0.75, 1e-12, 0);
    assert_int_equal(e->line, 2);
}

static void test_crosswalk_shares_must_add_up(void **state)
{
    struct cw *c = *state;

    // the first code by line whose shares are wrong is named
    assert_int_equal(read_cw(c, "old_code,new_code,share\n"
                                "BU00019902,BU00010001,1\n"
                                "BU00019901,BU00010001,0.5\n"
                                "BU00019900,BU00010002,0.25\n"
                                "BU00019901,BU00010002,0.4\n"
                                "BU00019900,BU00010001,0.5\n"),
                     WS_EDATA);
    assert_non_null(strstr(c->err.what, "old code 'BU00019901' add up to 0.9, not 1"));
    assert_non_null(strstr(c->err.where, "crosswalk.csv:3, column 'share'"));
    assert_non_null(strstr(c->err.hint, "lines 3, 5"));
}

static void test_crosswalk_unknown_new_code(void **state)
{
    struct cw *c = *state;

    assert_int_equal(read_cw(c, "old_code,new_code,share\n"
                                "BU00019900,BU00010003,1\n"),
                     WS_EDATA);
    assert_non_null(strstr(c->err.what, "new code 'BU00010003'"));
    assert_non_null(strstr(c->err.where, "crosswalk.csv:2, column 'new_code'"));
    // one edit from both buurten: no guess
    assert_null(strstr(c->err.hint, "did you mean"));
}

static void test_crosswalk_bad_rows(void **state)
{
    struct cw *c = *state;

    assert_int_equal(read_cw(c, "old_code,new_code,share\nBU00019900,BU00010001,75%\n"), WS_EDATA);
    assert_non_null(strstr(c->err.what, "is not a number"));
    assert_non_null(strstr(c->err.where, ":2, column 'share'"));
    ws_err_clear(&c->err);
    ws_indeling_release(&c->ix);
    assert_int_equal(read_cw(c, "old_code,new_code,share\nBU00019900,BU00010001,1.5\n"), WS_EDATA);
    assert_non_null(strstr(c->err.what, "not above 0 and at most 1"));
    ws_err_clear(&c->err);
    ws_indeling_release(&c->ix);
    assert_int_equal(read_cw(c, "old_code,new_code,share\n"
                                "BU00019900,BU00010001,0.5\n"
                                "BU00019900,BU00010001,0.5\n"),
                     WS_EDATA);
    assert_non_null(strstr(c->err.what, "maps to 'BU00010001' twice (also at line 2)"));
    assert_non_null(strstr(c->err.where, ":3"));
    ws_err_clear(&c->err);
    ws_indeling_release(&c->ix);
    assert_int_equal(read_cw(c, "old,new_code,share\nBU00019900,BU00010001,1\n"), WS_EDATA);
    assert_non_null(strstr(c->err.what, "'old_code'"));
    ws_err_clear(&c->err);
    ws_indeling_release(&c->ix);
    assert_int_equal(read_cw(c, "old_code,new_code,share\n,BU00010001,1\n"), WS_EDATA);
    assert_non_null(strstr(c->err.what, "old code is missing"));
}

/* ---- the overlay ---- */

static const char old_geojson[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
    "\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":[\n"
    // wholly within BU00010001
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"OLDA\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[10,10],[90,10],[90,90],[10,90],[10,10]]]}},\n"
    // 96% in BU00010002: moves with within 0.95, split with 0.99
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"OLDB\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[96,0],[196,0],[196,100],[96,100],[96,0]]]}},\n"
    // half and half, a quarter of it outside the boundaries
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"OLDC\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[50,0],[150,0],[150,150],[50,150],[50,0]]]}},\n"
    // far away: not added
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"OLDD\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[5000,0],[5100,0],[5100,100],[5000,100],[5000,0]]]}},\n"
    // a code of the boundaries: counted there, not added
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"BU00010001\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[0,0],[150,0],[150,100],[0,100],[0,0]]]}}\n"
    "]}\n";

static int overlay(struct cw *c, double within)
{
    char *path = ws_test_path(c->dir, "old.geojson");
    int rc;

    write_file(c->dir, "old.geojson", old_geojson);
    rc = ws_indeling_overlay(&c->ix, path, NULL, "code", "EPSG:28992", within, c->areas, 2, NULL,
                             &c->err);
    free(path);
    return rc;
}

static void test_overlay_moves_and_splits(void **state)
{
    struct cw *c = *state;
    const struct ws_indeling_code *e;

    assert_int_equal(overlay(c, 0.95), WS_OK);
    assert_int_equal(c->ix.n, 3);
    e = ws_indeling_find(&c->ix, "OLDA");
    assert_non_null(e);
    assert_int_equal(e->kind, WS_INDELING_MOVED);
    assert_int_equal(e->n_parts, 1);
    assert_string_equal(e->parts[0].code, "BU00010001");
    e = ws_indeling_find(&c->ix, "OLDB");
    assert_non_null(e);
    assert_int_equal(e->kind, WS_INDELING_MOVED);
    assert_string_equal(e->parts[0].code, "BU00010002");
    assert_double_close(e->parts[0].share, 0.96, 1e-9, 0);
    e = ws_indeling_find(&c->ix, "OLDC");
    assert_non_null(e);
    assert_int_equal(e->kind, WS_INDELING_SPLIT);
    assert_int_equal(e->n_parts, 2);
    assert_double_close(e->parts[0].share, 1.0 / 3, 1e-9, 0);
    assert_double_close(e->outside, 1.0 / 3, 1e-9, 0);
    assert_null(ws_indeling_find(&c->ix, "OLDD"));
    assert_null(ws_indeling_find(&c->ix, "BU00010001"));
}

static void test_overlay_stricter_and_crosswalk_wins(void **state)
{
    struct cw *c = *state;
    struct ws_indeling_code *x;

    x = ws_indeling_add(&c->ix, "OLDC", WS_INDELING_CROSSWALK, 2);
    ws_indeling_add_part(x, "BU00010001", 0, 1.0);
    assert_int_equal(overlay(c, 0.99), WS_OK);
    // OLDB is 96% in one buurt: split with within = 0.99 (its 4% part is
    // listed: above the sliver share)
    assert_int_equal(ws_indeling_find(&c->ix, "OLDB")->kind, WS_INDELING_SPLIT);
    assert_int_equal(ws_indeling_find(&c->ix, "OLDB")->n_parts, 2);
    assert_int_equal(ws_indeling_find(&c->ix, "OLDC")->kind, WS_INDELING_CROSSWALK);
}

static void test_overlay_missing_code(void **state)
{
    struct cw *c = *state;
    char *path = ws_test_path(c->dir, "old.geojson");

    write_file(c->dir, "old.geojson", old_geojson);
    assert_int_equal(ws_indeling_overlay(&c->ix, path, NULL, "BU_CODE", "EPSG:28992", 0.95,
                                         c->areas, 2, NULL, &c->err),
                     WS_EDATA);
    assert_non_null(strstr(c->err.what, "BU_CODE"));
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_largest_remainder),
        cmocka_unit_test(test_split_keeps_totals),
        cmocka_unit_test(test_find_and_sort),
        cmocka_unit_test(test_apply_merges_and_keeps_totals),
        cmocka_unit_test(test_apply_two_old_codes_one_new_row),
        cmocka_unit_test(test_apply_refuses_split_code),
        cmocka_unit_test(test_suggest_only_plausible),
        cmocka_unit_test_setup_teardown(test_crosswalk_good, cw_setup, cw_teardown),
        cmocka_unit_test_setup_teardown(test_crosswalk_shares_must_add_up, cw_setup, cw_teardown),
        cmocka_unit_test_setup_teardown(test_crosswalk_unknown_new_code, cw_setup, cw_teardown),
        cmocka_unit_test_setup_teardown(test_crosswalk_bad_rows, cw_setup, cw_teardown),
        cmocka_unit_test_setup_teardown(test_overlay_moves_and_splits, cw_setup, cw_teardown),
        cmocka_unit_test_setup_teardown(test_overlay_stricter_and_crosswalk_wins, cw_setup,
                                        cw_teardown),
        cmocka_unit_test_setup_teardown(test_overlay_missing_code, cw_setup, cw_teardown),
    };
    int rc;

    ws_ogr_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    ws_ogr_global_shutdown();
    return rc;
}
