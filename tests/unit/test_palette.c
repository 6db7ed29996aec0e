/*
 * test_palette.c - the embedded ColorBrewer table and its lookups.
 *
 * The table in src/render/palette.c comes from R's RColorBrewer 1.1-3
 * (scripts/reference/palettes.R).  The spot checks below use a second,
 * independent source: colorbrewer_schemes.js of axismaps/colorbrewer (the
 * data behind colorbrewer2.org), whose 'rgb(r,g,b)' strings are copied here
 * by hand, as are its colour-blind ratings.
 */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
// clang-format on

#include "wijkscan/core/err.h"
#include "wijkscan/render/palette.h"

#include <stdbool.h>

#define MAX_N 12

static void assert_rgb(struct ws_rgb c, int r, int g, int b)
{
    if (c.r != r || c.g != g || c.b != b)
        print_error("got rgb(%d,%d,%d), expected rgb(%d,%d,%d)\n", c.r, c.g, c.b, r, g, b);
    assert_true(c.r == r && c.g == g && c.b == b);
}

static void test_spot_values(void **state)
{
    struct ws_rgb c[MAX_N];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_palette_get("Blues", 3, c, &err), WS_OK);
    assert_rgb(c[0], 222, 235, 247);
    assert_rgb(c[1], 158, 202, 225);
    assert_rgb(c[2], 49, 130, 189);
    assert_int_equal(ws_palette_get("YlOrRd", 9, c, &err), WS_OK);
    assert_rgb(c[0], 255, 255, 204);
    assert_rgb(c[7], 189, 0, 38);
    assert_rgb(c[8], 128, 0, 38);
    assert_int_equal(ws_palette_get("YlOrRd", 5, c, &err), WS_OK);
    assert_rgb(c[2], 253, 141, 60);
    assert_int_equal(ws_palette_get("RdBu", 11, c, &err), WS_OK);
    assert_rgb(c[0], 103, 0, 31);
    assert_rgb(c[5], 247, 247, 247);
    assert_rgb(c[10], 5, 48, 97);
    assert_int_equal(ws_palette_get("PuOr", 7, c, &err), WS_OK);
    assert_rgb(c[0], 179, 88, 6);
    assert_rgb(c[6], 84, 39, 136);
    assert_int_equal(ws_palette_get("Spectral", 11, c, &err), WS_OK);
    assert_rgb(c[0], 158, 1, 66);
    assert_rgb(c[10], 94, 79, 162);
    assert_int_equal(ws_palette_get("Greys", 9, c, &err), WS_OK);
    assert_rgb(c[0], 255, 255, 255);
    assert_rgb(c[8], 0, 0, 0);
    assert_int_equal(ws_palette_get("Paired", 12, c, &err), WS_OK);
    assert_rgb(c[0], 166, 206, 227);
    assert_rgb(c[11], 177, 89, 40);
    assert_int_equal(ws_palette_get("Set3", 12, c, &err), WS_OK);
    assert_rgb(c[11], 255, 237, 111);
    assert_int_equal(ws_palette_get("Dark2", 8, c, &err), WS_OK);
    assert_rgb(c[0], 27, 158, 119);
    assert_rgb(c[7], 102, 102, 102);
    assert_int_equal(ws_palette_get("Pastel1", 9, c, &err), WS_OK);
    assert_rgb(c[8], 242, 242, 242);
    assert_int_equal(ws_palette_get("Accent", 8, c, &err), WS_OK);
    assert_rgb(c[5], 240, 2, 127);
    assert_int_equal(err.code, WS_OK);
}

static double luminance(struct ws_rgb c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

static void test_table_shape(void **state)
{
    size_t n_kind[3] = {0}, lo = 0, hi = 0, i;
    const char *name;
    enum ws_palette_kind kind;
    struct ws_rgb c[MAX_N];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    for (i = 0; (name = ws_palette_name(i)) != NULL; i++) {
        assert_true(ws_palette_kind(name, &kind));
        assert_true(ws_palette_range(name, &lo, &hi));
        assert_int_equal(lo, 3);
        n_kind[kind]++;
        if (kind == WS_PALETTE_SEQUENTIAL)
            assert_int_equal(hi, 9);
        else if (kind == WS_PALETTE_DIVERGING)
            assert_int_equal(hi, 11);
        else
            assert_true(hi >= 8 && hi <= 12);
        for (size_t n = lo; n <= hi; n++) {
            assert_int_equal(ws_palette_get(name, n, c, &err), WS_OK);
            for (size_t a = 0; a < n; a++) {
                for (size_t b = a + 1; b < n; b++)
                    assert_false(c[a].r == c[b].r && c[a].g == c[b].g && c[a].b == c[b].b);
                // sequential: light to dark
                if (kind == WS_PALETTE_SEQUENTIAL && a > 0)
                    assert_true(luminance(c[a]) < luminance(c[a - 1]));
            }
            // diverging, odd n: the middle class is the lightest
            if (kind == WS_PALETTE_DIVERGING && n % 2 == 1)
                for (size_t a = 0; a < n; a++)
                    assert_true(luminance(c[a]) <= luminance(c[n / 2]));
        }
    }
    assert_int_equal(i, 35);
    assert_int_equal(n_kind[WS_PALETTE_SEQUENTIAL], 18);
    assert_int_equal(n_kind[WS_PALETTE_DIVERGING], 9);
    assert_int_equal(n_kind[WS_PALETTE_QUALITATIVE], 8);
    assert_null(ws_palette_name(35));
    assert_true(ws_palette_range("Paired", &lo, &hi) && hi == 12);
    assert_true(ws_palette_range("Set1", &lo, &hi) && hi == 9);
    assert_true(ws_palette_range("Set2", NULL, &hi) && hi == 8);
    assert_false(ws_palette_range("Viridis", &lo, &hi));
    assert_false(ws_palette_kind("Viridis", &kind));
    assert_true(ws_palette_kind("Set2", &kind) && kind == WS_PALETTE_QUALITATIVE);
}

static void test_colorblind(void **state)
{
    static const char *const div_safe[] = {"BrBG", "PiYG", "PRGn", "PuOr", "RdBu", "RdYlBu"};
    static const char *const never[] = {"RdGy",    "RdYlGn",  "Spectral", "Accent",
                                        "Pastel1", "Pastel2", "Set1",     "Set3"};
    const char *name;

    (void)state;
    for (size_t i = 0; (name = ws_palette_name(i)) != NULL; i++) {
        enum ws_palette_kind kind;
        assert_true(ws_palette_kind(name, &kind));
        if (kind == WS_PALETTE_SEQUENTIAL)
            for (size_t n = 3; n <= 9; n++)
                assert_true(ws_palette_colorblind_safe(name, n));
    }
    for (size_t i = 0; i < sizeof(div_safe) / sizeof(div_safe[0]); i++)
        for (size_t n = 3; n <= 11; n++)
            assert_true(ws_palette_colorblind_safe(div_safe[i], n));
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        for (size_t n = 3; n <= 12; n++)
            assert_false(ws_palette_colorblind_safe(never[i], n));
    assert_true(ws_palette_colorblind_safe("Dark2", 3));
    assert_false(ws_palette_colorblind_safe("Dark2", 4));
    assert_true(ws_palette_colorblind_safe("Set2", 3));
    assert_false(ws_palette_colorblind_safe("Set2", 5));
    assert_true(ws_palette_colorblind_safe("Paired", 4));
    assert_false(ws_palette_colorblind_safe("Paired", 5));
    // outside the range or unknown: not safe
    assert_false(ws_palette_colorblind_safe("Blues", 2));
    assert_false(ws_palette_colorblind_safe("Blues", 10));
    assert_false(ws_palette_colorblind_safe("Nope", 5));
    assert_false(ws_palette_colorblind_safe(NULL, 5));
}

static void test_errors(void **state)
{
    struct ws_rgb c[MAX_N] = {{1, 2, 3}};
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_palette_get("Blus", 5, c, &err), WS_EDATA);
    assert_string_equal(err.what, "unknown colour scheme 'Blus'");
    assert_non_null(strstr(err.hint, "did you mean 'Blues'?"));
    assert_non_null(strstr(err.hint, "diverging: BrBG"));
    assert_rgb(c[0], 1, 2, 3); // unchanged
    ws_err_clear(&err);

    assert_int_equal(ws_palette_get("viridis", 5, c, &err), WS_EDATA);
    assert_null(strstr(err.hint, "did you mean"));
    assert_non_null(strstr(err.hint, "qualitative: Accent, Dark2"));
    ws_err_clear(&err);

    assert_int_equal(ws_palette_get(NULL, 5, c, &err), WS_EDATA);
    ws_err_clear(&err);

    assert_int_equal(ws_palette_get("Blues", 11, c, &err), WS_EDATA);
    assert_string_equal(err.what, "colour scheme 'Blues' has 3 to 9 classes, not 11");
    assert_non_null(strstr(err.hint, "use 3 to 9 classes"));
    assert_non_null(strstr(err.hint, "no sequential"));
    ws_err_clear(&err);

    assert_int_equal(ws_palette_get("Set2", 10, c, &err), WS_EDATA);
    assert_non_null(strstr(err.hint, "qualitative scheme with 10: Paired, Set3"));
    ws_err_clear(&err);

    assert_int_equal(ws_palette_get("RdBu", 2, c, &err), WS_EDATA);
    assert_rgb(c[0], 1, 2, 3);
    ws_err_clear(&err);
    assert_int_equal(ws_palette_get("RdBu", 5, NULL, &err), WS_EINTERNAL);
}

static void test_case_and_fit(void **state)
{
    struct ws_rgb a[MAX_N], b[MAX_N];
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(ws_palette_get("ylorrd", 5, a, &err), WS_OK);
    assert_int_equal(ws_palette_get("YlOrRd", 5, b, &err), WS_OK);
    assert_memory_equal(a, b, 5 * sizeof(*a));

    // n within the range: the same as ws_palette_get
    assert_int_equal(ws_palette_fit("PuOr", 6, a, &err), WS_OK);
    assert_int_equal(ws_palette_get("PuOr", 6, b, &err), WS_OK);
    assert_memory_equal(a, b, 6 * sizeof(*a));

    // 1 and 2 classes from the 3-class set
    assert_int_equal(ws_palette_get("YlOrRd", 3, b, &err), WS_OK);
    assert_int_equal(ws_palette_fit("YlOrRd", 2, a, &err), WS_OK);
    assert_memory_equal(&a[0], &b[0], sizeof(*a));
    assert_memory_equal(&a[1], &b[2], sizeof(*a));
    assert_int_equal(ws_palette_fit("YlOrRd", 1, a, &err), WS_OK);
    assert_memory_equal(&a[0], &b[1], sizeof(*a));
    assert_int_equal(ws_palette_get("RdBu", 3, b, &err), WS_OK);
    assert_int_equal(ws_palette_fit("RdBu", 1, a, &err), WS_OK);
    assert_rgb(a[0], 247, 247, 247);
    assert_int_equal(ws_palette_get("Set2", 3, b, &err), WS_OK);
    assert_int_equal(ws_palette_fit("Set2", 2, a, &err), WS_OK);
    assert_memory_equal(a, b, 2 * sizeof(*a));
    assert_int_equal(err.code, WS_OK);

    assert_int_equal(ws_palette_fit("Set2", 0, a, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_palette_fit("Set2", 9, a, &err), WS_EDATA);
    ws_err_clear(&err);
    assert_int_equal(ws_palette_fit("Sett2", 2, a, &err), WS_EDATA);
    assert_non_null(strstr(err.hint, "'Set2'"));
}

static void test_hex(void **state)
{
    char hex[8];
    struct ws_rgb c = {0x08, 0x51, 0x9c};
    struct ws_rgb w = {255, 255, 255};

    (void)state;
    ws_rgb_hex(c, hex);
    assert_string_equal(hex, "#08519c");
    ws_rgb_hex(w, hex);
    assert_string_equal(hex, "#ffffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spot_values),  cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_colorblind),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_case_and_fit), cmocka_unit_test(test_hex),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
