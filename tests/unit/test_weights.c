/*
 * test_weights.c - contiguity neighbours against R spdep::poly2nb.
 *
 * Reference fixtures come from scripts/reference/weights_moran.R (R 4.2.2,
 * sf 1.0.9, spdep 1.2.7): tests/fixtures/reference/{nc,groningen}_polygons.txt
 * (the rings, %.17g) and {nc,groningen}_nb_{queen,rook}.csv (poly2nb with the
 * default snap; 1-based).  Run from the repository root.
 */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/analyse/weights.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"
#include "wijkscan/core/mem.h"

#include <errno.h>
#include <stdbool.h>

#define FIXTURES "tests/fixtures/reference/"

/* ---- building geometries ---------------------------------------------- */

/* One area under construction: parts -> rings -> points. */
struct gbuild {
    size_t n_polys, n_rings, n_points;
    size_t cap_polys, cap_rings, cap_points;
    size_t *poly_ring;  /* start ring of each part (closed at the end) */
    size_t *ring_point; /* start point of each ring */
    double *xy;
};

static void gb_ring(struct gbuild *b, bool new_part, const double *xy, size_t n_pts)
{
    if (new_part) {
        WS_VEC_GROW(b->poly_ring, b->n_polys + 2, b->cap_polys);
        b->poly_ring[b->n_polys++] = b->n_rings;
    }
    WS_VEC_GROW(b->ring_point, b->n_rings + 2, b->cap_rings);
    b->ring_point[b->n_rings++] = b->n_points;
    WS_VEC_GROW(b->xy, 2 * (b->n_points + n_pts), b->cap_points);
    memcpy(b->xy + 2 * b->n_points, xy, 2 * n_pts * sizeof(double));
    b->n_points += n_pts;
}

/* Moves the built area into g (struct ws_geom layout) and resets b. */
static void gb_finish(struct gbuild *b, struct ws_geom *g)
{
    WS_VEC_GROW(b->poly_ring, b->n_polys + 1, b->cap_polys);
    WS_VEC_GROW(b->ring_point, b->n_rings + 1, b->cap_rings);
    b->poly_ring[b->n_polys] = b->n_rings;
    b->ring_point[b->n_rings] = b->n_points;
    g->n_polys = b->n_polys;
    g->n_rings = b->n_rings;
    g->n_points = b->n_points;
    g->poly_ring = b->poly_ring;
    g->ring_point = b->ring_point;
    g->xy = b->xy;
    memset(b, 0, sizeof(*b));
}

static void drop_geom(struct ws_geom *g)
{
    free(g->poly_ring);
    free(g->ring_point);
    free(g->xy);
    memset(g, 0, sizeof(*g));
}

static void free_geoms(struct ws_geom *g, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(g[i].poly_ring);
        free(g[i].ring_point);
        free(g[i].xy);
    }
    free(g);
}

/* Reads <set>_polygons.txt: "area part ring x1 y1 ..." (1-based, in order).
 * Returns an owned array of areas (free with free_geoms()), count in *n. */
static struct ws_geom *read_polygons(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n_geoms = 0, cap_geoms = 0, cur_area = 0, cur_part = 0;
    double *xy = NULL;
    size_t cap_xy = 0;
    struct ws_geom *geoms = NULL;
    struct gbuild b;

    memset(&b, 0, sizeof(b));
    if (!f) {
        print_error("cannot open %s (run the tests from the repository root)\n", path);
        fail();
    }
    while (getline(&line, &cap, f) > 0) {
        char *p = line, *end;
        long area = strtol(p, &end, 10), part, ring;
        size_t n_pts = 0;

        if (end == p)
            continue;
        part = strtol(end, &p, 10);
        ring = strtol(p, &end, 10);
        (void)ring;
        p = end;
        for (;;) {
            double v = strtod(p, &end);
            if (end == p)
                break;
            WS_VEC_GROW(xy, n_pts + 1, cap_xy);
            xy[n_pts++] = v;
            p = end;
        }
        assert_int_equal(n_pts % 2, 0);
        if ((size_t)area != cur_area) {
            if (cur_area > 0) {
                WS_VEC_GROW(geoms, n_geoms + 1, cap_geoms);
                gb_finish(&b, &geoms[n_geoms++]);
            }
            assert_int_equal((size_t)area, n_geoms + 1);
            cur_area = (size_t)area;
            cur_part = 0;
        }
        gb_ring(&b, (size_t)part != cur_part, xy, n_pts / 2);
        cur_part = (size_t)part;
    }
    if (cur_area > 0) {
        WS_VEC_GROW(geoms, n_geoms + 1, cap_geoms);
        gb_finish(&b, &geoms[n_geoms++]);
    }
    free(line);
    free(xy);
    fclose(f);
    *n = n_geoms;
    return geoms;
}

/* Reads <set>_nb_<type>.csv (area,code,neighbours 1-based) into w. */
static void read_nb(const char *path, struct ws_weights *w)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, nnz = 0, cap_start = 0, cap_idx = 0;
    size_t *start = NULL, *idx = NULL;
    struct ws_err err = WS_ERR_INIT;

    if (!f) {
        print_error("cannot open %s (run the tests from the repository root)\n", path);
        fail();
    }
    WS_VEC_GROW(start, 1, cap_start);
    start[0] = 0;
    assert_true(getline(&line, &cap, f) > 0); // header
    while (getline(&line, &cap, f) > 0) {
        char *p = strchr(line, ','), *end;

        assert_non_null(p);
        p = strchr(p + 1, ',');
        assert_non_null(p);
        p++;
        for (;;) {
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            WS_VEC_GROW(idx, nnz + 1, cap_idx);
            idx[nnz++] = (size_t)(v - 1);
            p = end;
        }
        n++;
        WS_VEC_GROW(start, n + 1, cap_start);
        start[n] = nnz;
    }
    assert_int_equal(ws_weights_from_csr(n, start, idx, w, &err), WS_OK);
    free(start);
    free(idx);
    free(line);
    fclose(f);
}

static void assert_same_weights(const struct ws_weights *got, const struct ws_weights *exp)
{
    size_t i, k;

    assert_int_equal(got->n, exp->n);
    for (i = 0; i < exp->n; i++) {
        if (ws_weights_card(got, i) != ws_weights_card(exp, i)) {
            print_error("area %zu (0-based): %zu neighbours, R has %zu\n", i,
                        ws_weights_card(got, i), ws_weights_card(exp, i));
            fail();
        }
        for (k = exp->nb_start[i]; k < exp->nb_start[i + 1]; k++)
            assert_int_equal(got->nb_idx[got->nb_start[i] + (k - exp->nb_start[i])],
                             exp->nb_idx[k]);
    }
}

static void check_set(const char *set, bool queen)
{
    char path[256];
    struct ws_geom *geoms;
    struct ws_weights w, ref;
    struct ws_err err = WS_ERR_INIT;
    size_t n;

    ws_weights_init(&w);
    ws_weights_init(&ref);
    snprintf(path, sizeof(path), FIXTURES "%s_polygons.txt", set);
    geoms = read_polygons(path, &n);
    snprintf(path, sizeof(path), FIXTURES "%s_nb_%s.csv", set, queen ? "queen" : "rook");
    read_nb(path, &ref);
    assert_int_equal(ws_weights_contiguity(geoms, n, queen, &w, &err), WS_OK);
    assert_same_weights(&w, &ref);
    ws_weights_release(&w);
    ws_weights_release(&ref);
    free_geoms(geoms, n);
}

static void test_nc_queen(void **state)
{
    (void)state;
    check_set("nc", true);
}

static void test_nc_rook(void **state)
{
    (void)state;
    check_set("nc", false);
}

static void test_groningen_queen(void **state)
{
    (void)state;
    check_set("groningen", true);
}

static void test_groningen_rook(void **state)
{
    (void)state;
    check_set("groningen", false);
}

/* ---- hand-made geometries ---------------------------------------------- */

/* Closed single-ring polygon from n_pts points (the closing point included). */
static void one_ring(struct ws_geom *g, const double *xy, size_t n_pts)
{
    struct gbuild b;

    memset(&b, 0, sizeof(b));
    gb_ring(&b, true, xy, n_pts);
    gb_finish(&b, g);
}

static void links(const struct ws_geom *g, size_t n, bool queen, struct ws_weights *w)
{
    struct ws_err err = WS_ERR_INIT;

    assert_int_equal(ws_weights_contiguity(g, n, queen, w, &err), WS_OK);
    assert_int_equal(w->n, n);
}

/* Cases checked with spdep 1.2-7 poly2nb (sfc of POLYGONs):
 *   a = unit square; b touches a only at (1,1), its first vertex -> queen yes,
 *   rook no; b2 has (1,1) twice (not as its first vertex) -> rook yes;
 *   c shares a's edge x = 1 but with vertices 1e-9 off -> rook yes (snap). */
static void test_hand_rules(void **state)
{
    static const double a[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    static const double b[] = {1, 1, 2, 1, 2, 2, 1, 2, 1, 1};
    static const double b2[] = {2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 2, 1};
    static const double c[] = {1 + 1e-9, 0, 2, 0, 2, 1 - 1e-9, 1, 1, 1 + 1e-9, 0};
    static const double far_c[] = {1 + 1e-7, 0, 2, 0, 2, 1 - 1e-7, 1 + 1e-7, 1, 1 + 1e-7, 0};
    struct ws_geom *g = ws_xcalloc(2, sizeof(*g));
    struct ws_weights w;

    (void)state;
    ws_weights_init(&w);
    one_ring(&g[0], a, 5);
    one_ring(&g[1], b, 5);
    links(g, 2, true, &w);
    assert_int_equal(ws_weights_card(&w, 0), 1);
    assert_int_equal(w.nb_idx[0], 1);
    links(g, 2, false, &w);
    assert_int_equal(ws_weights_n_islands(&w), 2);

    drop_geom(&g[1]);
    one_ring(&g[1], b2, 6);
    links(g, 2, false, &w);
    assert_int_equal(ws_weights_card(&w, 0), 1);
    assert_int_equal(ws_weights_card(&w, 1), 1);

    drop_geom(&g[1]);
    one_ring(&g[1], c, 5);
    links(g, 2, false, &w);
    assert_int_equal(ws_weights_card(&w, 0), 1);

    drop_geom(&g[1]);
    one_ring(&g[1], far_c, 5);
    links(g, 2, true, &w);
    assert_int_equal(ws_weights_n_islands(&w), 2);

    ws_weights_release(&w);
    free_geoms(g, 2);
}

/* An empty area is an island; no areas at all is fine. */
static void test_empty(void **state)
{
    static const double a[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    struct ws_geom *g = ws_xcalloc(3, sizeof(*g));
    struct ws_weights w;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    ws_weights_init(&w);
    one_ring(&g[0], a, 5);
    one_ring(&g[2], a, 5); // identical square: every vertex shared
    links(g, 3, false, &w);
    assert_int_equal(ws_weights_card(&w, 0), 1);
    assert_int_equal(ws_weights_card(&w, 1), 0);
    assert_int_equal(ws_weights_card(&w, 2), 1);
    assert_int_equal(ws_weights_n_islands(&w), 1);
    assert_int_equal(ws_weights_contiguity(NULL, 0, true, &w, &err), WS_OK);
    assert_int_equal(w.n, 0);
    ws_weights_release(&w);
    ws_weights_release(&w); // twice is fine
    free_geoms(g, 3);
}

static void test_nonfinite(void **state)
{
    static const double a[] = {0, 0, 1, 0, NAN, 1, 0, 1, 0, 0};
    struct ws_geom *g = ws_xcalloc(1, sizeof(*g));
    struct ws_weights w;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    ws_weights_init(&w);
    one_ring(&g[0], a, 5);
    assert_int_equal(ws_weights_contiguity(g, 1, true, &w, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "area 0"));
    assert_int_equal(w.n, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_weights_contiguity_snap(g, 1, true, -1.0, &w, &err), WS_EUSAGE);
    free_geoms(g, 1);
}

/* side x side squares, each edge split into `split` segments. */
static struct ws_geom *grid(size_t side, size_t split)
{
    struct ws_geom *g = ws_xcalloc(side * side, sizeof(*g));
    size_t per = 4 * split + 1, r, c, k;
    double *xy = ws_xmalloc(2 * per * sizeof(*xy));

    for (r = 0; r < side; r++)
        for (c = 0; c < side; c++) {
            size_t n = 0;
            // corners in grid units of 1/split, walked counter-clockwise
            long x0 = (long)(c * split), y0 = (long)(r * split), s = (long)split;
            for (k = 0; k < split; k++, n++) { // bottom
                xy[2 * n] = (double)(x0 + (long)k) * 0.1;
                xy[2 * n + 1] = (double)y0 * 0.1;
            }
            for (k = 0; k < split; k++, n++) { // right
                xy[2 * n] = (double)(x0 + s) * 0.1;
                xy[2 * n + 1] = (double)(y0 + (long)k) * 0.1;
            }
            for (k = 0; k < split; k++, n++) { // top
                xy[2 * n] = (double)(x0 + s - (long)k) * 0.1;
                xy[2 * n + 1] = (double)(y0 + s) * 0.1;
            }
            for (k = 0; k < split; k++, n++) { // left
                xy[2 * n] = (double)x0 * 0.1;
                xy[2 * n + 1] = (double)(y0 + s - (long)k) * 0.1;
            }
            xy[2 * n] = xy[0];
            xy[2 * n + 1] = xy[1];
            one_ring(&g[r * side + c], xy, per);
        }
    free(xy);
    return g;
}

static void test_grid_120(void **state)
{
    const size_t side = 120;
    struct ws_geom *g = grid(side, 3);
    struct ws_weights queen, rook;
    size_t r, c;

    (void)state;
    ws_weights_init(&queen);
    ws_weights_init(&rook);
    links(g, side * side, true, &queen);
    links(g, side * side, false, &rook);
    for (r = 0; r < side; r++)
        for (c = 0; c < side; c++) {
            size_t i = r * side + c;
            bool edge_r = r == 0 || r == side - 1, edge_c = c == 0 || c == side - 1;
            size_t q = edge_r && edge_c ? 3 : edge_r || edge_c ? 5 : 8;
            size_t k = edge_r && edge_c ? 2 : edge_r || edge_c ? 3 : 4;

            assert_int_equal(ws_weights_card(&queen, i), q);
            assert_int_equal(ws_weights_card(&rook, i), k);
            if (!edge_r && !edge_c) {
                const size_t *nb = rook.nb_idx + rook.nb_start[i];
                assert_int_equal(nb[0], i - side);
                assert_int_equal(nb[1], i - 1);
                assert_int_equal(nb[2], i + 1);
                assert_int_equal(nb[3], i + side);
            }
        }
    ws_weights_release(&queen);
    ws_weights_release(&rook);
    free_geoms(g, side * side);
}

/* ---- CSR building and subsetting --------------------------------------- */

static void test_from_csr(void **state)
{
    // 0-1, 1-2, 2-0, 3 island; rows given unsorted
    static const size_t start[] = {0, 2, 4, 6, 6};
    static const size_t idx[] = {2, 1, 2, 0, 1, 0};
    static const size_t asym[] = {2, 1, 2, 0, 1, 3};
    static const size_t self_[] = {2, 0, 2, 0, 1, 0};
    static const size_t dup[] = {1, 1, 2, 0, 1, 0};
    static const size_t out_of_range[] = {2, 1, 2, 0, 1, 9};
    struct ws_weights w;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    ws_weights_init(&w);
    assert_int_equal(ws_weights_from_csr(4, start, idx, &w, &err), WS_OK);
    assert_int_equal(w.nb_idx[0], 1);
    assert_int_equal(w.nb_idx[1], 2);
    assert_int_equal(ws_weights_n_islands(&w), 1);
    ws_weights_release(&w);

    assert_int_equal(ws_weights_from_csr(4, start, asym, &w, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "not symmetric"));
    assert_int_equal(w.n, 0);
    ws_err_clear(&err);
    assert_int_equal(ws_weights_from_csr(4, start, self_, &w, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "itself"));
    ws_err_clear(&err);
    assert_int_equal(ws_weights_from_csr(4, start, dup, &w, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "twice"));
    ws_err_clear(&err);
    assert_int_equal(ws_weights_from_csr(4, start, out_of_range, &w, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "outside"));
    assert_int_equal(w.n, 0);
}

/* subset.nb: path 0-1-2-3-4, drop 2 -> 0-1, 3-4 renumbered to 0-1, 2-3;
 * drop 1 and 3 -> 0, 2, 4 all islands. */
static void test_subset(void **state)
{
    static const size_t start[] = {0, 1, 3, 5, 7, 8};
    static const size_t idx[] = {1, 0, 2, 1, 3, 2, 4, 3};
    static const bool keep1[] = {true, true, false, true, true};
    static const bool keep2[] = {true, false, true, false, true};
    struct ws_weights w, s;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    ws_weights_init(&w);
    ws_weights_init(&s);
    assert_int_equal(ws_weights_from_csr(5, start, idx, &w, &err), WS_OK);
    assert_int_equal(ws_weights_subset(&w, keep1, &s, &err), WS_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.nb_start[4], 4);
    assert_int_equal(s.nb_idx[0], 1);
    assert_int_equal(s.nb_idx[1], 0);
    assert_int_equal(s.nb_idx[2], 3);
    assert_int_equal(s.nb_idx[3], 2);
    assert_int_equal(ws_weights_subset(&w, keep2, &s, &err), WS_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(ws_weights_n_islands(&s), 3);
    assert_int_equal(ws_weights_subset(&w, keep2, &w, &err), WS_EINTERNAL);
    ws_weights_release(&w);
    ws_weights_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nc_queen),        cmocka_unit_test(test_nc_rook),
        cmocka_unit_test(test_groningen_queen), cmocka_unit_test(test_groningen_rook),
        cmocka_unit_test(test_hand_rules),      cmocka_unit_test(test_empty),
        cmocka_unit_test(test_nonfinite),       cmocka_unit_test(test_grid_120),
        cmocka_unit_test(test_from_csr),        cmocka_unit_test(test_subset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
