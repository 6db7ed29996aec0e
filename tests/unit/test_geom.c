/*
 * test_geom.c - WKB reading and writing, bbox and area (src/core/geom.c).
 *
 * WKB inputs are built byte by byte by a small writer below that can emit
 * either byte order and extra Z/M ordinates, so every accepted variant is
 * checked against the same expected 2D geometry.
 */
#include "helpers.h"

#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer for building WKB by hand. */
struct wkb_buf {
    unsigned char b[4096];
    size_t n;
    int le;   /* 1: little-endian */
    int dims; /* ordinates per point written: 2, 3 or 4 */
};

static void put_byte(struct wkb_buf *w, unsigned char c)
{
    assert_true(w->n < sizeof(w->b));
    w->b[w->n++] = c;
}

static void put_u32(struct wkb_buf *w, uint32_t v)
{
    int i;

    for (i = 0; i < 4; i++)
        put_byte(w, (unsigned char)(v >> (8 * (w->le ? i : 3 - i))));
}

static void put_f64(struct wkb_buf *w, double d)
{
    uint64_t u;
    int i;

    memcpy(&u, &d, sizeof(u));
    for (i = 0; i < 8; i++)
        put_byte(w, (unsigned char)(u >> (8 * (w->le ? i : 7 - i))));
}

static void put_header(struct wkb_buf *w, uint32_t type)
{
    put_byte(w, (unsigned char)w->le);
    put_u32(w, type);
}

/* A ring of n points (x, y pairs); extra ordinates are filled with 7 and 9. */
static void put_ring(struct wkb_buf *w, const double *xy, uint32_t n)
{
    uint32_t i;

    put_u32(w, n);
    for (i = 0; i < n; i++) {
        put_f64(w, xy[2 * i]);
        put_f64(w, xy[2 * i + 1]);
        if (w->dims >= 3)
            put_f64(w, 7.0);
        if (w->dims >= 4)
            put_f64(w, 9.0);
    }
}

static const double square10[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
static const double hole2[] = {2, 2, 2, 4, 4, 4, 4, 2, 2, 2};
static const double square_far[] = {20, 0, 21, 0, 21, 1, 20, 1, 20, 0};

/* Polygon: 10x10 square with a 2x2 hole, type code `type`. */
static void build_square_with_hole(struct wkb_buf *w, uint32_t type)
{
    put_header(w, type);
    put_u32(w, 2);
    put_ring(w, square10, 5);
    put_ring(w, hole2, 5);
}

static void check_square_with_hole(const struct ws_geom *g)
{
    assert_int_equal(g->n_polys, 1);
    assert_int_equal(g->n_rings, 2);
    assert_int_equal(g->n_points, 10);
    assert_int_equal(g->poly_ring[0], 0);
    assert_int_equal(g->poly_ring[1], 2);
    assert_int_equal(g->ring_point[0], 0);
    assert_int_equal(g->ring_point[1], 5);
    assert_int_equal(g->ring_point[2], 10);
    assert_double_close(g->xy[2], 10.0, 0, 0);
    assert_double_close(g->xy[13], 4.0, 0, 0);
    assert_double_close(ws_geom_area(g), 96.0, 1e-12, 0);
}

static void parse_ok(const struct wkb_buf *w, struct ws_geom *g)
{
    struct ws_err err = WS_ERR_INIT;
    int rc = ws_geom_from_wkb(w->b, w->n, g, &err);

    if (rc)
        print_error("unexpected error: %s (%s)\n", err.what, err.cause);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(err.code, WS_OK);
}

static void parse_fails(const unsigned char *b, size_t n, const char *what_part)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_geom g;
    int rc;

    ws_geom_init(&g);
    rc = ws_geom_from_wkb(b, n, &g, &err);
    assert_int_equal(rc, WS_EDATA);
    assert_int_equal(err.code, WS_EDATA);
    assert_int_equal(g.n_polys, 0);
    assert_int_equal(g.n_points, 0);
    assert_null(g.xy);
    if (what_part && !strstr(err.what, what_part)) {
        print_error("'%s' does not mention '%s'\n", err.what, what_part);
        fail();
    }
    ws_geom_release(&g);
}

static void test_polygon_le(void **state)
{
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g;
    struct ws_bbox bb;

    (void)state;
    ws_geom_init(&g);
    build_square_with_hole(&w, 3);
    parse_ok(&w, &g);
    check_square_with_hole(&g);
    bb = ws_geom_bbox(&g);
    assert_double_close(bb.minx, 0, 0, 0);
    assert_double_close(bb.miny, 0, 0, 0);
    assert_double_close(bb.maxx, 10, 0, 0);
    assert_double_close(bb.maxy, 10, 0, 0);
    ws_geom_release(&g);
    ws_geom_release(&g); // twice is fine
}

static void test_polygon_be(void **state)
{
    struct wkb_buf w = {.le = 0, .dims = 2};
    struct ws_geom g;

    (void)state;
    ws_geom_init(&g);
    build_square_with_hole(&w, 3);
    parse_ok(&w, &g);
    check_square_with_hole(&g);
    ws_geom_release(&g);
}

static void test_z_m_variants(void **state)
{
    /* type code, ordinates per point */
    static const struct {
        uint32_t type;
        int dims;
    } cases[] = {
        {1003, 3},        // ISO Z
        {2003, 3},        // ISO M
        {3003, 4},        // ISO ZM
        {0x80000003u, 3}, // EWKB Z
        {0x40000003u, 3}, // EWKB M
        {0xC0000003u, 4}, // EWKB ZM
    };
    size_t i;
    int le;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (le = 0; le <= 1; le++) {
            struct wkb_buf w = {.le = le, .dims = cases[i].dims};
            struct ws_geom g;
            ws_geom_init(&g);
            build_square_with_hole(&w, cases[i].type);
            parse_ok(&w, &g);
            check_square_with_hole(&g);
            ws_geom_release(&g);
        }
    }
}

static void test_ewkb_srid(void **state)
{
    struct wkb_buf w = {.le = 0, .dims = 3};
    struct ws_geom g;

    (void)state;
    ws_geom_init(&g);
    put_header(&w, 0x80000000u | 0x20000000u | 6u); // MultiPolygon Z with SRID
    put_u32(&w, 28992);
    put_u32(&w, 1);
    build_square_with_hole(&w, 0x80000003u);
    parse_ok(&w, &g);
    check_square_with_hole(&g);
    ws_geom_release(&g);
}

static void test_multipolygon_mixed_order(void **state)
{
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g;

    (void)state;
    ws_geom_init(&g);
    put_header(&w, 6);
    put_u32(&w, 2);
    build_square_with_hole(&w, 3);
    w.le = 0; // each member carries its own byte order
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, square_far, 5);
    parse_ok(&w, &g);
    assert_int_equal(g.n_polys, 2);
    assert_int_equal(g.n_rings, 3);
    assert_int_equal(g.n_points, 15);
    assert_int_equal(g.poly_ring[2], 3);
    assert_int_equal(g.ring_point[3], 15);
    assert_double_close(ws_geom_area(&g), 97.0, 1e-12, 0);
    ws_geom_release(&g);
}

static void test_round_trip_and_copy(void **state)
{
    struct wkb_buf w = {.le = 0, .dims = 4};
    struct ws_geom g, h, c;
    unsigned char *out, *out2;
    size_t len, len2;

    (void)state;
    ws_geom_init(&g);
    ws_geom_init(&h);
    put_header(&w, 3006);
    put_u32(&w, 2);
    build_square_with_hole(&w, 3003);
    put_header(&w, 3003);
    put_u32(&w, 1);
    put_ring(&w, square_far, 5);
    parse_ok(&w, &g);

    out = ws_geom_to_wkb(&g, &len);
    // 9 + 2 polygons * 9 + 3 rings * 4 + 15 points * 16
    assert_int_equal(len, 9 + 18 + 12 + 240);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 6);
    assert_int_equal(out[2] | out[3] | out[4], 0);
    {
        struct wkb_buf copy = {.le = 1, .dims = 2};
        memcpy(copy.b, out, len);
        copy.n = len;
        parse_ok(&copy, &h);
    }
    assert_int_equal(h.n_polys, g.n_polys);
    assert_int_equal(h.n_rings, g.n_rings);
    assert_int_equal(h.n_points, g.n_points);
    assert_memory_equal(h.poly_ring, g.poly_ring, (g.n_polys + 1) * sizeof(size_t));
    assert_memory_equal(h.ring_point, g.ring_point, (g.n_rings + 1) * sizeof(size_t));
    assert_memory_equal(h.xy, g.xy, 2 * g.n_points * sizeof(double));

    ws_geom_copy(&c, &g);
    out2 = ws_geom_to_wkb(&c, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(out2, out, len);
    assert_double_close(ws_geom_area(&c), 97.0, 1e-12, 0);

    free(out);
    free(out2);
    ws_geom_release(&c);
    ws_geom_release(&g);
    ws_geom_release(&h);
}

static void test_empty(void **state)
{
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g, c;
    struct ws_bbox bb;
    unsigned char *out;
    size_t len;

    (void)state;
    ws_geom_init(&g);
    put_header(&w, 6);
    put_u32(&w, 2);
    put_header(&w, 3); // POLYGON EMPTY: skipped
    put_u32(&w, 0);
    put_header(&w, 3); // empty exterior with a hole: skipped with its hole
    put_u32(&w, 2);
    put_u32(&w, 0);
    put_ring(&w, hole2, 5);
    parse_ok(&w, &g);
    assert_int_equal(g.n_polys, 0);
    assert_int_equal(g.n_rings, 0);
    assert_int_equal(g.n_points, 0);
    assert_double_close(ws_geom_area(&g), 0.0, 0, 0);
    bb = ws_geom_bbox(&g);
    assert_true(bb.minx > bb.maxx);
    out = ws_geom_to_wkb(&g, &len);
    assert_int_equal(len, 9);
    ws_geom_copy(&c, &g);
    assert_int_equal(c.n_polys, 0);
    free(out);
    ws_geom_release(&c);
    ws_geom_release(&g);

    // an initialised, never-filled geometry also copies and measures
    ws_geom_copy(&c, &g);
    assert_null(c.xy);
    assert_double_close(ws_geom_area(&c), 0.0, 0, 0);
    ws_geom_release(&c);
}

static void test_unclosed_ring_is_closed(void **state)
{
    static const double open4[] = {0, 0, 3, 0, 3, 3, 0, 3};
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g;

    (void)state;
    ws_geom_init(&g);
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, open4, 4);
    parse_ok(&w, &g);
    assert_int_equal(g.n_points, 5);
    assert_double_close(g.xy[8], 0, 0, 0);
    assert_double_close(g.xy[9], 0, 0, 0);
    assert_double_close(ws_geom_area(&g), 9.0, 1e-12, 0);
    ws_geom_release(&g);
}

static void test_area_precision_rd(void **state)
{
    // a 1 m square at RD coordinates: translated shoelace keeps full precision
    static const double sq[] = {155000, 463000, 155001, 463000, 155001,
                                463001, 155000, 463001, 155000, 463000};
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g;

    (void)state;
    ws_geom_init(&g);
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, sq, 5);
    parse_ok(&w, &g);
    assert_double_close(ws_geom_area(&g), 1.0, 1e-12, 0);
    ws_geom_release(&g);
}

/* Area-weighted centroid: the 2 x 2 hole at (3, 3) pulls it away from
 * (5, 5): (100 x 5 - 4 x 3) / 96 on both axes; an RD-sized square keeps its
 * centre exactly. */
static void test_centroid(void **state)
{
    static const double sq[] = {155000, 463000, 155002, 463000, 155002,
                                463002, 155000, 463002, 155000, 463000};
    struct wkb_buf w = {.le = 1, .dims = 2};
    struct ws_geom g;
    double x = 0, y = 0;

    (void)state;
    ws_geom_init(&g);
    build_square_with_hole(&w, 3);
    parse_ok(&w, &g);
    assert_true(ws_geom_centroid(&g, &x, &y));
    assert_double_close(x, 488.0 / 96.0, 1e-14, 0);
    assert_double_close(y, 488.0 / 96.0, 1e-14, 0);
    ws_geom_release(&g);
    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, sq, 5);
    parse_ok(&w, &g);
    assert_true(ws_geom_centroid(&g, &x, &y));
    assert_double_close(x, 155001, 1e-15, 0);
    assert_double_close(y, 463001, 1e-15, 0);
    ws_geom_release(&g);
    ws_geom_init(&g);
    assert_false(ws_geom_centroid(&g, &x, &y));
}

static void test_truncated(void **state)
{
    struct wkb_buf w = {.le = 1, .dims = 3};
    size_t n;

    (void)state;
    put_header(&w, 1006);
    put_u32(&w, 1);
    build_square_with_hole(&w, 1003);
    // every proper prefix is malformed
    for (n = 0; n < w.n; n++)
        parse_fails(w.b, n, NULL);
    parse_fails(w.b, 0, "truncated");
    parse_fails(NULL, 0, "truncated");
}

static void test_trailing_bytes(void **state)
{
    struct wkb_buf w = {.le = 1, .dims = 2};

    (void)state;
    build_square_with_hole(&w, 3);
    put_byte(&w, 0);
    parse_fails(w.b, w.n, "trailing");
}

static void test_bad_headers(void **state)
{
    struct wkb_buf w;

    (void)state;
    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 1); // a point
    put_f64(&w, 1);
    put_f64(&w, 2);
    parse_fails(w.b, w.n, "not a Polygon");

    w = (struct wkb_buf){.le = 1, .dims = 2};
    build_square_with_hole(&w, 3);
    w.b[0] = 7; // byte order
    parse_fails(w.b, w.n, "byte order");

    w = (struct wkb_buf){.le = 1, .dims = 2};
    build_square_with_hole(&w, 4003); // no such ISO dimension
    parse_fails(w.b, w.n, "type code");

    w = (struct wkb_buf){.le = 1, .dims = 3};
    build_square_with_hole(&w, 0x80000000u | 1003u); // Z twice
    parse_fails(w.b, w.n, "type code");

    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 6);
    put_u32(&w, 1);
    put_header(&w, 6); // nested MultiPolygon
    put_u32(&w, 0);
    parse_fails(w.b, w.n, "member");
}

static void test_bad_counts(void **state)
{
    struct wkb_buf w;

    (void)state;
    // huge counts must be refused before anything is allocated
    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 6);
    put_u32(&w, 0xFFFFFFFFu);
    parse_fails(w.b, w.n, "polygon count");

    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 3);
    put_u32(&w, 0x7FFFFFFFu);
    put_u32(&w, 0);
    parse_fails(w.b, w.n, "ring count");

    w = (struct wkb_buf){.le = 0, .dims = 2};
    put_header(&w, 3);
    put_u32(&w, 1);
    put_u32(&w, 0xFFFFFFF0u);
    put_f64(&w, 0);
    put_f64(&w, 0);
    parse_fails(w.b, w.n, "point count");

    // a ring of 3 points (closed) is degenerate
    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, square10 + 4, 3); // (10,10) (0,10) (0,0): not closed -> 4 points: ok
    {
        struct ws_geom g;
        ws_geom_init(&g);
        parse_ok(&w, &g);
        assert_int_equal(g.n_points, 4);
        ws_geom_release(&g);
    }
    w = (struct wkb_buf){.le = 1, .dims = 2};
    put_header(&w, 3);
    put_u32(&w, 1);
    {
        static const double tri[] = {0, 0, 1, 1, 0, 0};
        put_ring(&w, tri, 3);
    }
    parse_fails(w.b, w.n, "fewer than 4");
}

static void test_non_finite(void **state)
{
    double ring[10];
    struct wkb_buf w = {.le = 1, .dims = 2};

    (void)state;
    memcpy(ring, square10, sizeof(ring));
    ring[5] = NAN;
    put_header(&w, 3);
    put_u32(&w, 1);
    put_ring(&w, ring, 5);
    parse_fails(w.b, w.n, "finite");
}

static void test_garbage(void **state)
{
    struct wkb_buf valid = {.le = 1, .dims = 2};
    unsigned char buf[512];
    uint32_t x = 12345;
    size_t i, k, n;
    int iter, ok = 0;

    (void)state;
    put_header(&valid, 6);
    put_u32(&valid, 1);
    build_square_with_hole(&valid, 3);
    // random bytes, and a valid WKB with random bytes flipped: OK or EDATA,
    // never a crash or an out-of-bounds read (run under ASan / valgrind)
    for (iter = 0; iter < 20000; iter++) {
        struct ws_err err = WS_ERR_INIT;
        struct ws_geom g;
        int rc;

        if (iter % 2) {
            n = valid.n;
            memcpy(buf, valid.b, n);
            for (k = 0; k < 3; k++) {
                x = x * 1103515245u + 12345u;
                i = (x >> 8) % n;
                x = x * 1103515245u + 12345u;
                buf[i] = (unsigned char)(x >> 16);
            }
        } else {
            x = x * 1103515245u + 12345u;
            n = (x >> 8) % 64;
            buf[0] = (unsigned char)(iter % 4 == 0); // valid byte order half the time
            buf[1] = iter % 3 == 0 ? 3 : 6;
            for (i = 1; i < n; i++) {
                x = x * 1103515245u + 12345u;
                if (i > 1)
                    buf[i] = (unsigned char)(x >> 16);
            }
        }
        ws_geom_init(&g);
        rc = ws_geom_from_wkb(buf, n, &g, &err);
        assert_true(rc == WS_OK || rc == WS_EDATA);
        if (rc == WS_OK) {
            ok++;
            assert_true(g.n_points == 0 || g.xy != NULL);
        }
        ws_geom_release(&g);
    }
    assert_true(ok > 0); // some flips land in coordinates and still parse
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polygon_le),
        cmocka_unit_test(test_polygon_be),
        cmocka_unit_test(test_z_m_variants),
        cmocka_unit_test(test_ewkb_srid),
        cmocka_unit_test(test_multipolygon_mixed_order),
        cmocka_unit_test(test_round_trip_and_copy),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_unclosed_ring_is_closed),
        cmocka_unit_test(test_area_precision_rd),
        cmocka_unit_test(test_centroid),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_counts),
        cmocka_unit_test(test_non_finite),
        cmocka_unit_test(test_garbage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
