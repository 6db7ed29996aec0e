/*
 * test_store.c - the SpatiaLite store (src/store/store.c, src/store/db.c).
 *
 * The fixture is a hand-made dataset of four 100 m x 100 m square buurten in
 * two wijken of one gemeente, at RD coordinates:
 *
 *     y
 *   200 +--------+--------+
 *       | BU03   | BU04   |   WK02
 *   100 +--------+--------+
 *       | BU01   | BU02   |   WK01
 *     0 +--------+--------+ x (offset 150000, 450000)
 *       0       100      200
 *
 * so a wijk's outline is 20,000 m2 and the gemeente's 40,000 m2.  Every test
 * makes its own temporary folder and removes it.
 */
#include "helpers.h"

#include "wijkscan/core/geom.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define X0 150000.0
#define Y0 450000.0

/* One closed square ring as a single-polygon geometry. */
static void make_square(struct ws_geom *g, double x, double y, double size)
{
    static const double ux[] = {0, 1, 1, 0, 0}, uy[] = {0, 0, 1, 1, 0};
    int i;

    ws_geom_init(g);
    g->n_polys = 1;
    g->n_rings = 1;
    g->n_points = 5;
    g->poly_ring = ws_xcalloc(2, sizeof(size_t));
    g->ring_point = ws_xcalloc(2, sizeof(size_t));
    g->xy = ws_xcalloc(10, sizeof(double));
    g->poly_ring[1] = 1;
    g->ring_point[1] = 5;
    for (i = 0; i < 5; i++) {
        g->xy[2 * i] = X0 + x + size * ux[i];
        g->xy[2 * i + 1] = Y0 + y + size * uy[i];
    }
}

static void set_area(struct ws_area *a, const char *code, const char *parent,
                     const char *parent_name, double x, double y)
{
    memset(a, 0, sizeof(*a));
    a->code = ws_xstrdup(code);
    a->name = ws_xstrdup(code + 2); // "01"
    a->parent = ws_xstrdup(parent);
    a->parent_name = ws_xstrdup(parent_name);
    a->gemeente = ws_xstrdup("GM0014");
    a->gemeente_name = ws_xstrdup("Groningen");
    make_square(&a->geom, x, y, 100);
}

static const char *const cats[] = {"all", "opvoeding", "school"};

/* The fixture; with_parent false gives buurten without wijken. */
static void make_dataset(struct ws_dataset *ds, bool with_parent)
{
    size_t i, k;
    int year;

    memset(ds, 0, sizeof(*ds));
    ds->srid = 28992;
    ds->crs = ws_xstrdup("EPSG:28992");
    ds->n_areas = 4;
    ds->areas = ws_xcalloc(4, sizeof(struct ws_area));
    set_area(&ds->areas[0], "BU00140001", with_parent ? "WK001401" : NULL,
             with_parent ? "Centrum" : NULL, 0, 0);
    set_area(&ds->areas[1], "BU00140002", with_parent ? "WK001401" : NULL, NULL, 100, 0);
    set_area(&ds->areas[2], "BU00140003", with_parent ? "WK001402" : NULL,
             with_parent ? "Oost" : NULL, 0, 100);
    set_area(&ds->areas[3], "BU00140004", with_parent ? "WK001402" : NULL,
             with_parent ? "Oost" : NULL, 100, 100);

    ds->n_covariates = 2;
    ds->covariate_names = ws_xcalloc(2, sizeof(char *));
    ds->covariate_names[0] = ws_xstrdup("inkomen");
    ds->covariate_names[1] = ws_xstrdup("koopwoningen");
    ds->n_stats = 8;
    ds->stats = ws_xcalloc(8, sizeof(struct ws_stat_row));
    for (i = 0; i < 8; i++) {
        struct ws_stat_row *r = &ds->stats[i];
        r->code = ws_xstrdup(ds->areas[i % 4].code);
        r->year = 2022 + (int)(i / 4);
        r->population = i == 5 ? NAN : 100.0 * (double)(i + 1);
        r->covariates = ws_xcalloc(2, sizeof(double));
        r->covariates[0] = 25.5 + (double)i;
        r->covariates[1] = i == 2 ? NAN : 0.5;
        r->line = i + 2;
    }

    // 4 buurten x 2 years x 3 categories
    ds->n_cases = 24;
    ds->cases = ws_xcalloc(24, sizeof(struct ws_case_row));
    for (k = 0, year = 2022; year <= 2023; year++) {
        for (i = 0; i < 4; i++) {
            size_t c;
            for (c = 0; c < 3; c++, k++) {
                struct ws_case_row *r = &ds->cases[k];
                r->code = ws_xstrdup(ds->areas[i].code);
                r->year = year;
                r->category = ws_xstrdup(cats[c]);
                r->count = (long long)(k * 7 % 23);
                r->line = k + 2;
            }
        }
    }

    ds->n_inputs = 2;
    ds->inputs = ws_xcalloc(2, sizeof(struct ws_input_file));
    ds->inputs[0].role = ws_xstrdup("boundaries");
    ds->inputs[0].path = ws_xstrdup("groningen/groningen_2024_rd.gpkg");
    memset(ds->inputs[0].sha256, 'a', 64);
    ds->inputs[1].role = ws_xstrdup("cases");
    ds->inputs[1].path = ws_xstrdup("groningen/casussen.csv");

    ds->warnings.n = ds->warnings.cap = 1;
    ds->warnings.msg = ws_xcalloc(1, sizeof(char *));
    ds->warnings.msg[0] = ws_xstrdup("buurt 'BU00140009' has no statistics");
}

static void free_dataset(struct ws_dataset *ds)
{
    size_t i;

    ws_store_free_areas(ds->areas, ds->n_areas);
    ws_store_free_strings(ds->covariate_names, ds->n_covariates);
    ws_store_free_stats(ds->stats, ds->n_stats);
    ws_store_free_cases(ds->cases, ds->n_cases);
    for (i = 0; i < ds->n_inputs; i++) {
        free(ds->inputs[i].role);
        free(ds->inputs[i].path);
    }
    free(ds->inputs);
    ws_store_free_strings(ds->warnings.msg, ds->warnings.n);
    free(ds->crs);
    memset(ds, 0, sizeof(*ds));
}

static void make_study(struct ws_study *st)
{
    memset(st, 0, sizeof(*st));
    st->path = (char *)"data/groningen.ini";
    st->title = (char *)"Wijkanalyse jeugd Groningen";
    st->language = (char *)"nl";
    st->seed = 20240101;
    st->crs = (char *)"EPSG:28992";
    st->population = (char *)"inwoners_0_tot_15";
    st->stat_source = (char *)"kerncijfers.csv";
    st->case_source = (char *)"cases.csv";
    st->case_category = (char *)"vraagtype";
    st->min_count = 10;
    st->round_to = 5;
    st->safety_range = 5;
    st->weights = (char *)"queen";
    st->permutations = 9999;
    st->fdr = 0.05;
}

struct fixture {
    char *dir;
    char *path;
};

static int setup(void **state)
{
    struct fixture *f = ws_xcalloc(1, sizeof(*f));

    f->dir = ws_test_tmpdir();
    f->path = ws_test_path(f->dir, "wijkscan.sqlite");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ws_test_rmtree(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static void report(int rc, const struct ws_err *err)
{
    if (rc)
        print_error("error %d: %s\n  where: %s\n  cause: %s\n  hint: %s\n", rc, err->what,
                    err->where, err->cause, err->hint);
}

/* Creates the store at f->path from ds inside one transaction. */
static int load(const char *path, const struct ws_dataset *ds, struct ws_err *err)
{
    struct ws_study st;
    struct ws_store *s = NULL;
    int rc;

    make_study(&st);
    rc = ws_store_create(path, ds->srid, &s, err);
    if (!rc)
        rc = ws_store_begin(s, err);
    if (!rc)
        rc = ws_store_put_dataset(s, &st, ds, err);
    if (!rc)
        rc = ws_store_commit(s, err);
    if (rc && s)
        ws_store_rollback(s);
    ws_store_close(s);
    return rc;
}

static const struct ws_area *find_area(const struct ws_area *v, size_t n, const char *code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i].code, code) == 0)
            return &v[i];
    fail_msg("area %s not found", code);
    return NULL;
}

static void test_levels_and_geometry(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_area *b = NULL, *w = NULL, *g = NULL;
    size_t nb = 0, nw = 0, ng = 0, n = 0, i;
    const struct ws_area *w1;
    int rc;

    make_dataset(&ds, true);
    rc = load(f->path, &ds, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);

    rc = ws_store_open(f->path, false, &s, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(ws_store_srid(s), 28992);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_BUURT, &n, &err), WS_OK);
    assert_int_equal(n, 4);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_WIJK, &n, &err), WS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_GEMEENTE, &n, &err), WS_OK);
    assert_int_equal(n, 1);

    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_BUURT, &b, &nb, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_WIJK, &w, &nw, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_GEMEENTE, &g, &ng, &err), WS_OK);
    assert_int_equal(nb, 4);
    assert_int_equal(nw, 2);
    assert_int_equal(ng, 1);

    // buurten come back in load order, with their geometry unchanged
    for (i = 0; i < 4; i++) {
        assert_string_equal(b[i].code, ds.areas[i].code);
        assert_int_equal(b[i].geom.n_points, 5);
        assert_memory_equal(b[i].geom.xy, ds.areas[i].geom.xy, 10 * sizeof(double));
        assert_string_equal(b[i].gemeente, "GM0014");
        assert_string_equal(b[i].gemeente_name, "Groningen");
    }
    assert_string_equal(b[0].parent, "WK001401");
    assert_string_equal(b[1].parent_name, "Centrum"); // from the wijk row

    // wijken in order of their first buurt; name from the first parent_name
    assert_string_equal(w[0].code, "WK001401");
    assert_string_equal(w[0].name, "Centrum");
    assert_string_equal(w[1].code, "WK001402");
    assert_string_equal(w[1].name, "Oost");
    w1 = find_area(w, nw, "WK001401");
    assert_string_equal(w1->parent, "GM0014");
    assert_string_equal(w1->parent_name, "Groningen");
    assert_string_equal(w1->gemeente, "GM0014");
    // the wijk's outline is the union of its buurten: one square ring
    assert_double_close(ws_geom_area(&w1->geom),
                        ws_geom_area(&b[0].geom) + ws_geom_area(&b[1].geom), 1e-6, 0);
    assert_int_equal(w1->geom.n_polys, 1);
    assert_int_equal(w1->geom.n_rings, 1);
    {
        struct ws_bbox bb = ws_geom_bbox(&w1->geom);
        assert_double_close(bb.minx, X0, 1e-9, 0);
        assert_double_close(bb.maxx, X0 + 200, 1e-9, 0);
        assert_double_close(bb.maxy, Y0 + 100, 1e-9, 0);
    }
    assert_double_close(ws_geom_area(&w[1].geom), 20000.0, 1e-6, 0);

    assert_string_equal(g[0].code, "GM0014");
    assert_string_equal(g[0].name, "Groningen");
    assert_null(g[0].parent);
    assert_string_equal(g[0].gemeente, "GM0014");
    assert_double_close(ws_geom_area(&g[0].geom), 40000.0, 1e-6, 0);
    assert_int_equal(g[0].geom.n_rings, 1);

    ws_store_free_areas(b, nb);
    ws_store_free_areas(w, nw);
    ws_store_free_areas(g, ng);
    ws_store_close(s);
    free_dataset(&ds);
}

/* The analysis areas: put after the load (as the analyse stage does), read
 * back with parent, gemeente and the union outline; a second put replaces
 * the first. */
static void test_gebieden(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_area *b = NULL, *gb = NULL;
    size_t nb = 0, ngb = 0, n = 0;
    const char *codes[3] = {"GB00140001", "GB00140003", "GB00140004"};
    const char *names[3] = {"Buurt 1 en Buurt 2", "Buurt 3", "Buurt 4"};
    const size_t of[4] = {0, 0, 1, 2};
    const size_t of2[4] = {0, 0, 1, 1};
    int rc;

    make_dataset(&ds, true);
    rc = load(f->path, &ds, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(ws_store_open(f->path, true, &s, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_BUURT, &b, &nb, &err), WS_OK);
    assert_null(b[0].gebied); // before the analysis
    assert_int_equal(ws_store_begin(s, &err), WS_OK);
    rc = ws_store_put_gebieden(s, b, nb, of, codes, names, 3, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(ws_store_commit(s, &err), WS_OK);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_GEBIED, &n, &err), WS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_GEBIED, &gb, &ngb, &err), WS_OK);
    assert_int_equal(ngb, 3);
    assert_string_equal(gb[0].code, "GB00140001");
    assert_string_equal(gb[0].name, "Buurt 1 en Buurt 2");
    assert_string_equal(gb[0].parent, "WK001401");
    assert_string_equal(gb[0].parent_name, "Centrum");
    assert_string_equal(gb[0].gemeente, "GM0014");
    assert_double_close(ws_geom_area(&gb[0].geom),
                        ws_geom_area(&b[0].geom) + ws_geom_area(&b[1].geom), 1e-6, 0);
    assert_int_equal(gb[0].geom.n_rings, 1);
    assert_string_equal(gb[2].parent, "WK001402");
    ws_store_free_areas(gb, ngb);
    ws_store_free_areas(b, nb);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_BUURT, &b, &nb, &err), WS_OK);
    assert_string_equal(b[1].gebied, "GB00140001");
    assert_string_equal(b[3].gebied, "GB00140004");

    // again, with buurten 3 and 4 in one area: the old areas are gone
    assert_int_equal(ws_store_begin(s, &err), WS_OK);
    assert_int_equal(ws_store_put_gebieden(s, b, nb, of2, codes, names, 2, &err), WS_OK);
    assert_int_equal(ws_store_commit(s, &err), WS_OK);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_GEBIED, &n, &err), WS_OK);
    assert_int_equal(n, 2);
    ws_store_free_areas(b, nb);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_BUURT, &b, &nb, &err), WS_OK);
    assert_string_equal(b[3].gebied, "GB00140003");
    ws_store_free_areas(b, nb);
    ws_store_close(s);
    free_dataset(&ds);
}

static void test_rows_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_case_row *c = NULL;
    struct ws_stat_row *r = NULL;
    char **names = NULL;
    char *v = NULL;
    size_t nc = 0, nr = 0, nn = 0, i, j;
    long long total = 0, expected = 0;
    int rc;

    make_dataset(&ds, true);
    rc = load(f->path, &ds, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    rc = ws_store_open(f->path, true, &s, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);

    // cases: every row back, sorted by code, year, category
    assert_int_equal(ws_store_read_cases(s, &c, &nc, &err), WS_OK);
    assert_int_equal(nc, ds.n_cases);
    for (i = 0; i < nc; i++) {
        bool found = false;
        total += c[i].count;
        if (i) {
            int cmp = strcmp(c[i - 1].code, c[i].code);
            assert_true(cmp < 0 || (cmp == 0 && (c[i - 1].year < c[i].year ||
                                                 (c[i - 1].year == c[i].year &&
                                                  strcmp(c[i - 1].category, c[i].category) < 0))));
        }
        for (j = 0; j < ds.n_cases && !found; j++) {
            const struct ws_case_row *d = &ds.cases[j];
            if (strcmp(d->code, c[i].code) == 0 && d->year == c[i].year &&
                strcmp(d->category, c[i].category) == 0) {
                assert_int_equal(d->count, c[i].count);
                found = true;
            }
        }
        assert_true(found);
    }
    for (j = 0; j < ds.n_cases; j++)
        expected += ds.cases[j].count;
    assert_int_equal(total, expected);

    // statistics and covariates, NAN for missing values
    assert_int_equal(ws_store_read_covariates(s, &names, &nn, &err), WS_OK);
    assert_int_equal(nn, 2);
    assert_string_equal(names[0], "inkomen");
    assert_string_equal(names[1], "koopwoningen");
    assert_int_equal(ws_store_read_stats(s, &r, &nr, &err), WS_OK);
    assert_int_equal(nr, 8);
    for (i = 0; i < nr; i++) {
        for (j = 0; j < ds.n_stats; j++) {
            const struct ws_stat_row *d = &ds.stats[j];
            if (strcmp(d->code, r[i].code) != 0 || d->year != r[i].year)
                continue;
            assert_double_close(r[i].population, d->population, 0, 0);
            assert_double_close(r[i].covariates[0], d->covariates[0], 0, 0);
            assert_double_close(r[i].covariates[1], d->covariates[1], 0, 0);
            break;
        }
        assert_true(j < ds.n_stats);
    }

    // settings and the run record
    assert_int_equal(ws_store_get_setting(s, "min_count", &v, &err), WS_OK);
    assert_string_equal(v, "10");
    free(v);
    assert_int_equal(ws_store_get_setting(s, "fdr", &v, &err), WS_OK);
    assert_string_equal(v, "0.05");
    free(v);
    assert_int_equal(ws_store_get_setting(s, "covariates", &v, &err), WS_OK);
    assert_string_equal(v, "inkomen, koopwoningen");
    free(v);
    assert_int_equal(ws_store_get_setting(s, "no such key", &v, &err), WS_OK);
    assert_null(v);
    {
        struct ws_stmt *q = NULL;
        assert_int_equal(ws_db_prepare(ws_store_db(s),
                                       "SELECT (SELECT count(*) FROM inputs),"
                                       " (SELECT count(*) FROM warnings WHERE stage = 'load'),"
                                       " (SELECT seed FROM run WHERE id = 1),"
                                       " (SELECT tool_version FROM run WHERE id = 1),"
                                       " (SELECT started_utc FROM run WHERE id = 1)",
                                       &q, &err),
                         WS_OK);
        assert_int_equal(ws_stmt_step(q, &err), 1);
        assert_int_equal(ws_stmt_column_int(q, 0), 2);
        assert_int_equal(ws_stmt_column_int(q, 1), 1);
        assert_int_equal(ws_stmt_column_int(q, 2), 20240101);
        assert_non_null(ws_stmt_column_text(q, 3));
        assert_int_equal(strlen(ws_stmt_column_text(q, 4)), 20); // 2024-01-01T00:00:00Z
        assert_int_equal(ws_stmt_step(q, &err), 0);
        ws_stmt_finalize(q);
    }
    assert_int_equal(err.code, WS_OK);

    ws_store_free_cases(c, nc);
    ws_store_free_stats(r, nr);
    ws_store_free_strings(names, nn);
    ws_store_close(s);
    free_dataset(&ds);
}

static void test_without_wijken(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_area *g = NULL;
    size_t n = 0, ng = 0;
    int rc;

    make_dataset(&ds, false);
    // move BU04 away: the gemeente becomes two polygons
    ws_geom_release(&ds.areas[3].geom);
    make_square(&ds.areas[3].geom, 1000, 1000, 100);
    rc = load(f->path, &ds, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(ws_store_open(f->path, false, &s, &err), WS_OK);
    assert_int_equal(ws_store_count_areas(s, WS_LEVEL_WIJK, &n, &err), WS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_GEMEENTE, &g, &ng, &err), WS_OK);
    assert_int_equal(ng, 1);
    assert_int_equal(g[0].geom.n_polys, 2);
    assert_double_close(ws_geom_area(&g[0].geom), 40000.0, 1e-6, 0);
    ws_store_free_areas(g, ng);
    ws_store_close(s);
    free_dataset(&ds);
}

static void test_overlap_and_gap(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_area *w = NULL, *g = NULL;
    size_t nw = 0, ng = 0;
    int rc;

    make_dataset(&ds, true);
    // BU02 overlaps half of BU01: WK001401 covers 150 m x 100 m
    ws_geom_release(&ds.areas[1].geom);
    make_square(&ds.areas[1].geom, 50, 0, 100);
    // BU04 moves up 20 m: a notch between the wijken, BU03 and BU04 share 80 m
    ws_geom_release(&ds.areas[3].geom);
    make_square(&ds.areas[3].geom, 100, 120, 100);
    rc = load(f->path, &ds, &err);
    report(rc, &err);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(ws_store_open(f->path, false, &s, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_WIJK, &w, &nw, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_GEMEENTE, &g, &ng, &err), WS_OK);
    assert_int_equal(nw, 2);
    assert_double_close(ws_geom_area(&w[0].geom), 15000.0, 1e-6, 0);
    assert_int_equal(w[0].geom.n_polys, 1);
    assert_double_close(ws_geom_area(&w[1].geom), 20000.0, 1e-6, 0);
    assert_int_equal(w[1].geom.n_polys, 1); // sharing an edge: one polygon
    // the gemeente: both wijken, one outline (they share y = 100 over 100 m)
    assert_int_equal(ng, 1);
    assert_double_close(ws_geom_area(&g[0].geom), 35000.0, 1e-6, 0);
    ws_store_free_areas(w, nw);
    ws_store_free_areas(g, ng);
    ws_store_close(s);
    free_dataset(&ds);
}

static void test_create_existing_fails(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_store *s = NULL;
    FILE *fp;
    int rc;

    fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("keep me\n", fp);
    fclose(fp);
    rc = ws_store_create(f->path, 28992, &s, &err);
    assert_int_equal(rc, WS_ECANTCREAT);
    assert_int_equal(err.code, WS_ECANTCREAT);
    assert_null(s);
    assert_non_null(strstr(err.what, "already exists"));
    assert_true(err.hint[0] != '\0');
    // the existing file is untouched
    fp = fopen(f->path, "r");
    assert_non_null(fp);
    {
        char buf[16] = "";
        assert_non_null(fgets(buf, sizeof(buf), fp));
        assert_string_equal(buf, "keep me\n");
    }
    fclose(fp);

    // a folder that does not exist
    ws_err_clear(&err);
    {
        char *p = ws_test_path(f->dir, "no/such/dir/x.sqlite");
        rc = ws_store_create(p, 28992, &s, &err);
        free(p);
    }
    assert_int_equal(rc, WS_ECANTCREAT);
    assert_true(err.cause[0] != '\0');
}

static void test_open_not_a_store(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_store *s = NULL;
    struct ws_db *db = NULL;
    char *txt = ws_test_path(f->dir, "notes.txt");
    FILE *fp;
    int rc;

    // an SQLite file without our schema
    assert_int_equal(ws_db_open(f->path, WS_DB_CREATE, &db, &err), WS_OK);
    assert_int_equal(ws_db_exec(db, "CREATE TABLE t(a INTEGER); PRAGMA user_version = 7", &err),
                     WS_OK);
    ws_db_close(db);
    rc = ws_store_open(f->path, false, &s, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_null(s);
    assert_non_null(strstr(err.what, "is not a wijkscan store (schema version 7)"));
    assert_non_null(strstr(err.what, f->path));
    assert_non_null(strstr(err.hint, "wijkscan load"));

    // a text file
    ws_err_clear(&err);
    fp = fopen(txt, "w");
    assert_non_null(fp);
    for (rc = 0; rc < 100; rc++)
        fputs("this is not a database at all\n", fp);
    fclose(fp);
    rc = ws_store_open(txt, true, &s, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_null(s);
    assert_non_null(strstr(err.what, "is not a wijkscan store"));
    assert_true(err.cause[0] != '\0');
    free(txt);
}

static void test_open_missing(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_store *s = NULL;
    struct ws_db *db = NULL;
    int rc;

    rc = ws_store_open(f->path, false, &s, &err);
    assert_int_equal(rc, WS_ENOINPUT);
    assert_null(s);
    assert_non_null(strstr(err.what, "does not exist"));
    assert_true(err.hint[0] != '\0');

    ws_err_clear(&err);
    rc = ws_db_open(f->path, WS_DB_WRITE, &db, &err);
    assert_int_equal(rc, WS_ENOINPUT);
    assert_null(db);
    assert_true(err.hint[0] != '\0');
    assert_true(err.cause[0] != '\0');
    // READ/WRITE never create the file
    assert_int_equal(access(f->path, F_OK), -1);
}

static void test_duplicate_case(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    int rc;

    make_dataset(&ds, true);
    free(ds.cases[5].code);
    ds.cases[5].code = ws_xstrdup(ds.cases[4].code);
    ds.cases[5].year = ds.cases[4].year;
    free(ds.cases[5].category);
    ds.cases[5].category = ws_xstrdup(ds.cases[4].category);
    rc = load(f->path, &ds, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_non_null(strstr(err.what, "occur twice"));
    assert_non_null(strstr(err.what, ds.cases[4].code));
    assert_string_equal(err.where, "cases.csv:7");
    assert_true(err.cause[0] != '\0');
    free_dataset(&ds);
}

static void test_bad_hierarchy(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_dataset ds;
    int rc;

    // a wijk across two gemeenten
    make_dataset(&ds, true);
    free(ds.areas[1].gemeente);
    ds.areas[1].gemeente = ws_xstrdup("GM0015");
    rc = load(f->path, &ds, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_non_null(strstr(err.what, "wijk 'WK001401' has buurten in two gemeenten"));
    free_dataset(&ds);
    assert_int_equal(unlink(f->path), 0);

    // a wijk code that is also a buurt code
    ws_err_clear(&err);
    make_dataset(&ds, true);
    free(ds.areas[2].parent);
    ds.areas[2].parent = ws_xstrdup("BU00140004");
    rc = load(f->path, &ds, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_non_null(strstr(err.what, "code 'BU00140004' is used for both a buurt and a wijk"));
    free_dataset(&ds);
}

static void test_versions(void **state)
{
    (void)state;
    assert_non_null(strchr(ws_db_sqlite_version(), '.'));
    assert_non_null(strchr(ws_db_spatialite_version(), '.'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test_setup_teardown(test_levels_and_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gebieden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_wijken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_and_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_existing_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_not_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_hierarchy, setup, teardown),
    };
    int rc;

    // SOURCE_DATE_EPOCH makes run.started_utc reproducible
    setenv("SOURCE_DATE_EPOCH", "1704067200", 1);
    ws_db_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    ws_db_global_shutdown();
    return rc;
}
