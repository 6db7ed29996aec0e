/*
 * test_canvas.c - the cairo/pango wrapper and the viewport: tiny PNG, SVG and
 * PDF pages written and read back, text extents, hatching, the fast thin
 * stroke of PNG pages, errors, and the world -> page transform with its
 * round scale-bar steps.
 */
#include "helpers.h"

#include "wijkscan/render/canvas.h"
#include "wijkscan/render/viewport.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

static const struct ws_rgba red = {1, 0, 0, 1};
static const struct ws_rgba black = {0, 0, 0, 1};
static const struct ws_rgba grey = {0.9, 0.9, 0.9, 1};

static void test_formats(void **state)
{
    (void)state;
    assert_int_equal(ws_canvas_format_parse("png"), WS_CANVAS_PNG);
    assert_int_equal(ws_canvas_format_parse("pdf"), WS_CANVAS_PDF);
    assert_int_equal(ws_canvas_format_parse("svg"), WS_CANVAS_SVG);
    assert_int_equal(ws_canvas_format_parse("jpg"), -1);
    assert_string_equal(ws_canvas_format_name(WS_CANVAS_SVG), "svg");
    assert_non_null(ws_canvas_cairo_version());
    assert_non_null(ws_canvas_pango_version());
}

/* A 100 x 50 pt page at 2 px/pt with a red 20 x 10 pt rectangle: a
 * 200 x 100 PNG with 40 x 20 red pixels. */
static void test_png_file(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_image img;
    char *dir = ws_test_tmpdir();
    char *path = ws_test_path(dir, "t.png");
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, path, 100, 50, 2, &c, &err), WS_OK);
    assert_double_close(ws_canvas_width(c), 100, 0, 0);
    assert_double_close(ws_canvas_height(c), 50, 0, 0);
    ws_canvas_new_path(c);
    ws_canvas_rect(c, 10, 10, 20, 10);
    ws_canvas_fill(c, &red);
    assert_int_equal(ws_canvas_close(c, &err), WS_OK);

    assert_int_equal(ws_image_read_png(path, &img, &err), WS_OK);
    assert_int_equal(img.width, 200);
    assert_int_equal(img.height, 100);
    assert_int_equal(ws_image_count_colour(&img, 255, 0, 0, 0), 40 * 20);
    assert_int_equal(ws_image_count_colour(&img, 255, 255, 255, 0), 200 * 100 - 40 * 20);
    ws_image_release(&img);
    ws_image_release(&img); // a released image releases again
    ws_test_rmtree(dir);
    free(path);
    free(dir);
}

static void test_png_buffer_and_diff(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_image a;
    struct ws_image b;
    unsigned char *data = NULL;
    size_t len = 0;
    char *dir = ws_test_tmpdir();
    char *path = ws_test_path(dir, "copy.png");
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, NULL, 40, 30, 1, &c, &err), WS_OK);
    ws_canvas_new_path(c);
    ws_canvas_circle(c, 20, 15, 10);
    ws_canvas_fill(c, &black);
    assert_int_equal(ws_canvas_close_buffer(c, &data, &len, &err), WS_OK);
    assert_non_null(data);
    assert_true(len > 8);
    assert_memory_equal(data, "\x89PNG", 4);
    assert_int_equal(ws_image_read_png_buffer(data, len, &a, &err), WS_OK);
    assert_int_equal(a.width, 40);
    // a circle of radius 10 covers about 314 pixels
    assert_in_range(ws_image_count_colour(&a, 0, 0, 0, 0), 250, 330);

    // written and read again: identical
    assert_int_equal(ws_image_write_png(&a, path, &err), WS_OK);
    assert_int_equal(ws_image_read_png(path, &b, &err), WS_OK);
    assert_int_equal(ws_image_count_diff(&a, &b, 0), 0);
    b.rgb[0] = (unsigned char)(b.rgb[0] ^ 0xff);
    assert_int_equal(ws_image_count_diff(&a, &b, 8), 1);
    b.width = 39;
    assert_int_equal(ws_image_count_diff(&a, &b, 8), SIZE_MAX);
    b.width = 40;
    ws_image_release(&a);
    ws_image_release(&b);
    free(data);
    ws_test_rmtree(dir);
    free(path);
    free(dir);
}

static bool file_starts_with(const char *path, const char *magic)
{
    char buf[64] = {0};
    FILE *fp = fopen(path, "rb");
    size_t n;

    if (!fp)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    return n >= strlen(magic) && strstr(buf, magic) != NULL;
}

static void test_vector_files(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_font f = {10, false, false};
    char *dir = ws_test_tmpdir();
    char *pdf = ws_test_path(dir, "t.pdf");
    char *svg = ws_test_path(dir, "t.svg");
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PDF, pdf, 200, 100, 0, &c, &err), WS_OK);
    ws_canvas_text(c, 10, 10, 0, 0, &f, "Groningen", &black, NULL, 0);
    ws_canvas_new_path(c);
    ws_canvas_rect(c, 10, 40, 50, 30);
    ws_canvas_hatch(c, &grey, &black, 4, 0.5);
    assert_int_equal(ws_canvas_close(c, &err), WS_OK);
    assert_true(file_starts_with(pdf, "%PDF-"));

    assert_int_equal(ws_canvas_open(WS_CANVAS_SVG, svg, 200, 100, 0, &c, &err), WS_OK);
    ws_canvas_new_path(c);
    ws_canvas_rect(c, 10, 40, 50, 30);
    ws_canvas_dots(c, &grey, &black, 3, 0.6);
    assert_int_equal(ws_canvas_close(c, &err), WS_OK);
    assert_true(file_starts_with(svg, "<svg"));
    ws_test_rmtree(dir);
    free(pdf);
    free(svg);
    free(dir);
}

static bool contains(const unsigned char *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(data + i, s, n))
            return true;
    return false;
}

static void test_svg_buffer(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_SVG, NULL, 120, 80, 0, &c, &err), WS_OK);
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, 0, 0);
    ws_canvas_line_to(c, 120, 80);
    ws_canvas_stroke(c, &black, 1, 2);
    assert_int_equal(ws_canvas_close_buffer(c, &data, &len, &err), WS_OK);
    assert_true(len > 100);
    assert_true(contains(data, len, "<svg"));
    assert_true(contains(data, len, "120pt"));
    free(data);

    // dropped without finishing: no leak, no output
    assert_int_equal(ws_canvas_open(WS_CANVAS_SVG, NULL, 120, 80, 0, &c, &err), WS_OK);
    ws_canvas_free(c);
    ws_canvas_free(NULL);
}

static void test_text_size(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_font regular = {10, false, false};
    struct ws_font bold = {10, true, false};
    struct ws_font big = {20, false, false};
    double w1;
    double h1;
    double w2;
    double h2;
    double wb;
    double hb;
    double w3;
    double h3;
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, NULL, 100, 100, 1, &c, &err), WS_OK);
    ws_canvas_text_size(c, &regular, "Binnenstad", &w1, &h1);
    ws_canvas_text_size(c, &regular, "Binnenstad-Noord", &w2, &h2);
    ws_canvas_text_size(c, &bold, "Binnenstad", &wb, &hb);
    ws_canvas_text_size(c, &big, "Binnenstad", &w3, &h3);
    assert_true(w1 > 30 && w1 < 80); // DejaVu Sans 10 pt: about 55 pt
    assert_true(h1 > 9 && h1 < 16);
    assert_true(w2 > w1);
    assert_true(wb > w1);
    assert_double_close(w3, 2 * w1, 0.5, 0);
    ws_canvas_free(c);
}

/* Hatching shows both colours; the lines do not leave the path. */
static void test_hatch_png(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_image img;
    unsigned char *data = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, NULL, 100, 100, 1, &c, &err), WS_OK);
    ws_canvas_new_path(c);
    ws_canvas_rect(c, 20, 20, 40, 40);
    ws_canvas_hatch(c, &grey, &black, 5, 1);
    assert_int_equal(ws_canvas_close_buffer(c, &data, &len, &err), WS_OK);
    assert_int_equal(ws_image_read_png_buffer(data, len, &img, &err), WS_OK);
    assert_true(ws_image_count_colour(&img, 230, 230, 230, 2) > 400);
    assert_true(ws_image_count_colour(&img, 0, 0, 0, 60) > 100);
    // outside the square everything is still white
    assert_int_equal(ws_image_count_colour(&img, 255, 255, 255, 0), 100 * 100 - 40 * 40);
    ws_image_release(&img);
    free(data);
}

/* The PNG fast path for thin strokes: a 2 px horizontal line 100 px long
 * covers about 200 pixels' worth of ink, and a clip rectangle cuts it. */
static void test_thin_stroke_png(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    struct ws_image img;
    unsigned char *data = NULL;
    size_t len = 0;
    double ink = 0;
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, NULL, 120, 40, 1, &c, &err), WS_OK);
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, 10, 10);
    ws_canvas_line_to(c, 110, 10);
    ws_canvas_stroke(c, &black, 2, 0);
    ws_canvas_save(c);
    ws_canvas_clip_rect(c, 0, 20, 60, 20);
    ws_canvas_new_path(c);
    ws_canvas_move_to(c, 10, 30);
    ws_canvas_line_to(c, 110, 30);
    ws_canvas_stroke(c, &black, 2, 0);
    ws_canvas_restore(c);
    assert_int_equal(ws_canvas_close_buffer(c, &data, &len, &err), WS_OK);
    assert_int_equal(ws_image_read_png_buffer(data, len, &img, &err), WS_OK);
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < img.width; x++)
            ink += (255 - img.rgb[3 * (y * img.width + x)]) / 255.0;
    // 100 x 2 plus the round-ish ends
    assert_double_close(ink, 202, 6, 0);
    // the clipped line stops at x = 60
    for (int x = 61; x < img.width; x++)
        assert_int_equal(img.rgb[3 * (30 * img.width + x)], 255);
    assert_true(img.rgb[3 * (30 * img.width + 30)] < 40);
    ws_image_release(&img);
    free(data);
}

static void test_open_errors(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_canvas *c = NULL;
    (void)state;

    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, NULL, 0, 10, 1, &c, &err), WS_EINTERNAL);
    assert_null(c);
    ws_err_clear(&err);
    assert_int_equal(ws_canvas_open(WS_CANVAS_PDF, "/nonexistent-dir/x.pdf", 10, 10, 1, &c, &err),
                     WS_ECANTCREAT);
    assert_null(c);
    assert_non_null(strstr(err.what, "/nonexistent-dir/x.pdf"));
    assert_non_null(strstr(err.cause, "cairo"));
    ws_err_clear(&err);
    // PNG files are written at close
    assert_int_equal(ws_canvas_open(WS_CANVAS_PNG, "/nonexistent-dir/x.png", 10, 10, 1, &c, &err),
                     WS_OK);
    assert_int_equal(ws_canvas_close(c, &err), WS_ECANTCREAT);
    assert_non_null(strstr(err.hint, "writable"));
    ws_err_clear(&err);
    assert_int_equal(ws_image_read_png("/nonexistent-dir/x.png", &(struct ws_image){0}, &err),
                     WS_ENOINPUT);
}

static void test_viewport(void **state)
{
    struct ws_viewport vp;
    struct ws_bbox world = {1000, 2000, 3000, 3000}; // 2000 x 1000 m
    struct ws_bbox seen;
    double px;
    double py;
    double wx;
    double wy;
    (void)state;

    // a 200 x 200 pt frame at (10, 20) with 10 pt margins: 180 pt for 2000 m
    assert_true(ws_viewport_fit(world, 10, 20, 200, 200, 10, &vp));
    assert_double_close(vp.scale, 0.09, 1e-12, 0);
    ws_viewport_to_page(&vp, 2000, 2500, &px, &py); // the centre
    assert_double_close(px, 110, 1e-9, 0);
    assert_double_close(py, 120, 1e-9, 0);
    ws_viewport_to_page(&vp, 1000, 3000, &px, &py); // top left: y grows down
    assert_double_close(px, 20, 1e-9, 0);
    assert_double_close(py, 75, 1e-9, 0);
    ws_viewport_to_world(&vp, px, py, &wx, &wy);
    assert_double_close(wx, 1000, 1e-9, 0);
    assert_double_close(wy, 3000, 1e-9, 0);
    seen = ws_viewport_world_box(&vp);
    assert_true(seen.minx < world.minx && seen.maxy > world.maxy);

    assert_false(ws_viewport_fit((struct ws_bbox){1, 1, 0, 0}, 0, 0, 100, 100, 0, &vp));
    assert_false(ws_viewport_fit(world, 0, 0, 10, 10, 6, &vp));
    // a point is widened to 1 m
    assert_true(ws_viewport_fit((struct ws_bbox){5, 5, 5, 5}, 0, 0, 100, 100, 0, &vp));
    assert_double_close(vp.scale, 100, 1e-12, 0);
}

static void test_scalebar(void **state)
{
    struct ws_viewport vp;
    double len;
    (void)state;

    memset(&vp, 0, sizeof(vp));
    vp.scale = 0.01; // 1 km = 10 pt
    assert_double_close(ws_viewport_scalebar_km(&vp, 90, &len), 5, 1e-12, 0);
    assert_double_close(len, 50, 1e-9, 0);
    assert_double_close(ws_viewport_scalebar_km(&vp, 100, &len), 10, 1e-12, 0);
    assert_double_close(ws_viewport_scalebar_km(&vp, 45, &len), 2, 1e-12, 0);
    vp.scale = 0.5; // 1 km = 500 pt
    assert_double_close(ws_viewport_scalebar_km(&vp, 90, &len), 0.1, 1e-12, 0);
    assert_double_close(len, 50, 1e-9, 0);
    vp.scale = 1e-6; // 1000 km = 1 pt
    assert_double_close(ws_viewport_scalebar_km(&vp, 1, &len), 1000, 1e-9, 0);
    vp.scale = 100; // 10 m = 1000 pt
    assert_double_close(ws_viewport_scalebar_km(&vp, 90, &len), 0, 0, 0);
}

static int teardown(void **state)
{
    (void)state;
    ws_canvas_global_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_png_file),
        cmocka_unit_test(test_png_buffer_and_diff),
        cmocka_unit_test(test_vector_files),
        cmocka_unit_test(test_svg_buffer),
        cmocka_unit_test(test_text_size),
        cmocka_unit_test(test_hatch_png),
        cmocka_unit_test(test_thin_stroke_png),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_viewport),
        cmocka_unit_test(test_scalebar),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
