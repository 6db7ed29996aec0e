/*
 * test_mapdef.c - map definition files: the shipped defaults, the
 * defaults of each key, and every kind of error at FILE:LINE with the quoted
 * line and a suggestion.
 */
#include "helpers.h"

#include "wijkscan/core/conf.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/render/mapdef.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct fixture {
    char *dir;
    char *path;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = ws_test_tmpdir();
    f->path = ws_test_path(f->dir, "test_map.ini");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ws_test_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

/* Writes text as the definition and loads it. */
static int load(void **state, const char *text, struct ws_mapdef *md, struct ws_err *err)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    ws_err_clear(err);
    return ws_mapdef_load(f->path, md, err);
}

/* "FILE:LINE" of the fixture's file. */
static void assert_where(void **state, const struct ws_err *err, int line)
{
    struct fixture *f = *state;
    char want[4200];

    if (line)
        snprintf(want, sizeof(want), "%s:%d", f->path, line);
    else
        snprintf(want, sizeof(want), "%s", f->path);
    assert_string_equal(err->where, want);
}

static void assert_has(const char *text, const char *part)
{
    if (!strstr(text, part)) {
        print_error("'%s' does not contain '%s'\n", text, part);
        fail();
    }
}

static void test_shipped_maps(void **state)
{
    static const char *const names[] = {
        "categories",   "clusters", "clusters_buurt", "eb_rate", "eb_rate_buurt",
        "eb_rate_wijk", "oe_ratio", "oe_ratio_buurt", "trend",   "trend_buurt"};
    static const enum ws_level levels[] = {
        WS_LEVEL_WIJK, WS_LEVEL_GEBIED, WS_LEVEL_BUURT, WS_LEVEL_GEBIED, WS_LEVEL_BUURT,
        WS_LEVEL_WIJK, WS_LEVEL_GEBIED, WS_LEVEL_BUURT, WS_LEVEL_GEBIED, WS_LEVEL_BUURT};
    struct ws_err err = WS_ERR_INIT;
    char **paths = NULL;
    size_t n = 0;
    (void)state;

    // tests run from the repository root: the shipped folder is ./maps
    assert_int_equal(ws_mapdef_files(NULL, &paths, &n, &err), WS_OK);
    assert_int_equal(n, 10);
    for (size_t i = 0; i < n; i++) {
        struct ws_mapdef md;
        if (ws_mapdef_load(paths[i], &md, &err) != WS_OK) {
            print_error("%s: %s (%s)\n", paths[i], err.what, err.where);
            fail();
        }
        assert_string_equal(md.name, names[i]);
        // the main maps per analysis area, the same per buurt, one per wijk
        assert_int_equal(md.level, levels[i]);
        for (int f = 0; f < WS_CANVAS_N_FORMATS; f++)
            assert_true(md.formats[f]);
        assert_non_null(md.title);
        assert_non_null(md.title_en);
        ws_mapdef_release(&md);
    }
    ws_mapdef_free_paths(paths, n);
}

static void test_default_details(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    (void)state;

    assert_int_equal(ws_mapdef_load("maps/eb_rate.ini", &md, &err), WS_OK);
    assert_string_equal(md.indicator, "eb_rate");
    assert_int_equal(md.level, WS_LEVEL_GEBIED);
    assert_int_equal(md.year, 0);
    assert_string_equal(md.category, "all");
    assert_false(md.each);
    assert_int_equal(md.method, WS_CLASS_QUANTILE);
    assert_int_equal(md.classes, 5);
    assert_string_equal(md.palette, "YlOrRd");
    assert_false(md.has_center);
    ws_mapdef_release(&md);

    assert_int_equal(ws_mapdef_load("maps/oe_ratio.ini", &md, &err), WS_OK);
    assert_true(md.has_center);
    assert_double_close(md.center, 1, 0, 0);
    assert_true(md.reverse_palette);
    assert_string_equal(md.palette, "RdBu");
    ws_mapdef_release(&md);

    assert_int_equal(ws_mapdef_load("maps/clusters.ini", &md, &err), WS_OK);
    assert_true(md.categorical);
    assert_null(md.palette);
    ws_mapdef_release(&md);

    assert_int_equal(ws_mapdef_load("maps/categories.ini", &md, &err), WS_OK);
    assert_true(md.each);
    assert_int_equal(md.level, WS_LEVEL_WIJK);
    ws_mapdef_release(&md);
}

static void test_minimal_defaults(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(load(state, "[map]\nindicator = rate_per_1000\n", &md, &err), WS_OK);
    assert_string_equal(md.name, "test_map");
    assert_null(md.title);
    assert_int_equal(md.level, WS_LEVEL_BUURT);
    assert_int_equal(md.method, WS_CLASS_QUANTILE);
    assert_int_equal(md.classes, 5);
    assert_string_equal(md.palette, "YlOrRd");
    assert_int_equal(md.labels, WS_MAP_LABELS_NONE);
    assert_double_close(md.dpi, 150, 0, 0);
    // A4 at 150 dpi
    assert_int_equal(md.width_px, 1240);
    assert_int_equal(md.height_px, 1754);
    ws_mapdef_release(&md);
    ws_mapdef_release(&md); // released twice: harmless

    assert_int_equal(load(state,
                          "; a comment\n[map]\nindicator = cases\nyear = 2023\ncategory = school\n"
                          "method = fixed\nbreaks = 0, 10, 20.5, 40\nformats = svg, png\n"
                          "width_px = 800\nheight_px = 600\ndpi = 96\nlabels = buurt\n"
                          "same_breaks_across_years = true\n",
                          &md, &err),
                     WS_OK);
    assert_int_equal(md.year, 2023);
    assert_string_equal(md.category, "school");
    assert_int_equal(md.classes, 3);
    assert_int_equal(md.n_breaks, 4);
    assert_double_close(md.breaks[2], 20.5, 0, 0);
    assert_true(md.formats[WS_CANVAS_SVG] && md.formats[WS_CANVAS_PNG]);
    assert_false(md.formats[WS_CANVAS_PDF]);
    assert_int_equal(md.width_px, 800);
    assert_double_close(md.dpi, 96, 0, 0);
    assert_int_equal(md.labels, WS_MAP_LABELS_BUURT);
    assert_true(md.same_breaks_across_years);
    ws_mapdef_release(&md);

    // dpi alone: A4 at that resolution
    assert_int_equal(load(state, "[map]\nindicator = cases\ndpi = 300\n", &md, &err), WS_OK);
    assert_int_equal(md.width_px, 2480);
    ws_mapdef_release(&md);

    assert_int_equal(load(state, "[map]\nindicator = eb_rate\nmethod = box\n", &md, &err), WS_OK);
    assert_int_equal(md.classes, 6);
    ws_mapdef_release(&md);
}

static void test_unknown_key(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(load(state, "[map]\nindicator = eb_rate\npalete = Blues\n", &md, &err),
                     WS_EDATA);
    assert_string_equal(err.what, "unknown key 'palete' in section [map]: 'palete = Blues'");
    assert_where(state, &err, 3);
    assert_has(err.hint, "did you mean 'palette'?");
    assert_has(err.hint, "valid keys in [map]: title, ");
    assert_null(md.path); // released on failure

    assert_int_equal(load(state, "[map]\nindicator = eb_rate\nkleur = rood\n", &md, &err),
                     WS_EDATA);
    assert_true(strncmp(err.hint, "valid keys", 10) == 0);
}

static void test_duplicate_key(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(
        load(state, "[map]\nclasses = 5\nindicator = eb_rate\nclasses = 7\n", &md, &err), WS_EDATA);
    assert_string_equal(err.what, "duplicate key 'classes' in section [map]: 'classes = 7'");
    assert_where(state, &err, 4);
    assert_string_equal(err.hint, "'classes' is already set on line 2; keep one of the two lines");
}

static void test_missing_key(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(load(state, "[map]\ntitle = Kaart\n", &md, &err), WS_EDATA);
    assert_string_equal(err.what, "missing required key 'indicator' in section [map]");
    assert_where(state, &err, 0);
    assert_has(err.hint, "add 'indicator = ...' under [map]");

    assert_int_equal(load(state, "[map]\nindicator = cases\nmethod = fixed\n", &md, &err),
                     WS_EDATA);
    assert_string_equal(err.what,
                        "missing required key 'breaks' in section [map] (method = fixed)");
    assert_int_equal(load(state, "[map]\nindicator = cases\nwidth_px = 900\n", &md, &err),
                     WS_EDATA);
    assert_has(err.what, "'height_px'");
    assert_int_equal(load(state, "[map]\nindicator = cases\nheight_px = 900\n", &md, &err),
                     WS_EDATA);
    assert_has(err.what, "'width_px'");
}

static void test_sections(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(load(state, "[map]\nindicator = eb_rate\n\n[mapp]\ntitle = x\n", &md, &err),
                     WS_EDATA);
    assert_string_equal(err.what, "unknown section [mapp]");
    assert_where(state, &err, 4); // the section line, not the key's
    assert_string_equal(err.hint, "did you mean [map]?");

    assert_int_equal(load(state, "[legenda]\ntitle = x\n", &md, &err), WS_EDATA);
    assert_string_equal(err.hint, "a map definition has one section, [map]");

    assert_int_equal(load(state, "indicator = eb_rate\n[map]\n", &md, &err), WS_EDATA);
    assert_string_equal(err.what,
                        "key 'indicator' comes before any [section]: 'indicator = eb_rate'");
    assert_where(state, &err, 1);

    assert_int_equal(load(state, "[map]\nindicator eb_rate\n", &md, &err), WS_EDATA);
    assert_has(err.what, "neither");
}

static void test_bad_values(void **state)
{
    static const struct {
        const char *text;
        int line;
        const char *what;
        const char *hint;
    } cases[] = {
        {"[map]\nindicator = eb_rat\n", 2,
         "bad value for 'indicator' in section [map]: not an indicator field: 'indicator = "
         "eb_rat'",
         "did you mean 'eb_rate'?"},
        {"[map]\nindicator = eb_rate\nlevel = gemeente\n", 3,
         "bad value for 'level' in section [map]: must be one of buurt | gebied | wijk: 'level = gemeente'",
         "choose one of the listed values"},
        {"[map]\nindicator = eb_rate\nmethod = quantiel\n", 3, "must be one of quantile | equal",
         "did you mean 'quantile'?"},
        {"[map]\nindicator = eb_rate\nyear = vorig\n", 3, "must be a year such as 2024, or latest",
         "'latest'"},
        {"[map]\nindicator = eb_rate\nyear = 2024.5\n", 3, "must be a year", "latest"},
        {"[map]\nindicator = eb_rate\nclasses = 5.5\n", 3, "must be a whole number from 2 to 11",
         "whole number"},
        {"[map]\nindicator = eb_rate\nclasses = 12\n", 3, "from 2 to 11", "whole number"},
        {"[map]\nindicator = eb_rate\nlabels = namen\n", 3, "none | buurt | wijk", "listed"},
        {"[map]\nindicator = eb_rate\nformats = png, jpg\n", 3, "unknown format 'jpg'",
         "png, pdf and svg"},
        {"[map]\nindicator = eb_rate\nformats = png, png\n", 3, "'png' is listed twice", "once"},
        {"[map]\nindicator = eb_rate\nreverse_palette = ja\n", 3, "must be one of false | true",
         "listed"},
        {"[map]\nindicator = eb_rate\ndpi = veel\n", 3, "must be a number from 36 to 1200",
         "number"},
        {"[map]\nindicator = eb_rate\nwidth_px = 10\nheight_px = 10\n", 3,
         "must be a whole number from 64 to 16000", "whole"},
        {"[map]\nindicator = eb_rate\ntitle = \n", 3, "empty", "remove the line"},
        {"[map]\nindicator = eb_rate\nmethod = fixed\nbreaks = 0, 5, 5, 10\n", 4,
         "5 does not follow 5 (limits must ascend)", "low to high"},
        {"[map]\nindicator = eb_rate\nmethod = fixed\nbreaks = 0, vijf\n", 4,
         "'vijf' is not a number", "commas"},
        {"[map]\nindicator = eb_rate\nmethod = fixed\nbreaks = 3\n", 4, "fewer than 2 limits",
         "lowest value"},
        {"[map]\nindicator = eb_rate\nbreaks = 0, 5, 10\n", 3,
         "breaks are used with method = fixed only (method is quantile)", "set method = fixed"},
        {"[map]\nindicator = eb_rate\nmethod = fixed\nbreaks = 0, 5, 10\nclasses = 3\n", 5,
         "3 classes, but breaks give 2", "n - 1 classes"},
        {"[map]\nindicator = eb_rate\nmethod = box\nclasses = 5\n", 4, "a box map has 6 classes",
         "classes = 6"},
        {"[map]\nindicator = eb_rate\nclasses = 2\n", 3,
         "2 classes, but palette 'YlOrRd' has 3 to 9 colours", "choose 3 to 9 classes"},
        {"[map]\nindicator = eb_rate\npalette = NoSuchPalette\n", 3, "NoSuchPalette", ""},
        {"[map]\nindicator = eb_rate\npalette = Set3\n", 3,
         "a qualitative palette cannot show ordered classes", "sequential"},
        {"[map]\nindicator = oe_ratio\npalette = RdYlGn\n", 3,
         "palette 'RdYlGn' is not colour-blind safe at 5 classes", "allow_unsafe_palette = true"},
        {"[map]\nindicator = oe_ratio\ncenter = 1\n", 3,
         "center needs a diverging palette ('YlOrRd' is sequential)", "palette = RdBu"},
        {"[map]\nindicator = oe_ratio\npalette = RdBu\nmethod = box\ncenter = 1\n", 5,
         "center does not combine with method = box", "quantile, equal or jenks"},
        {"[map]\nindicator = lisa_cluster\nclasses = 5\n", 3,
         "'classes' does not apply to indicator 'lisa_cluster'", "fixed colours"},
        {"[map]\nindicator = lisa_cluster\npalette = RdBu\n", 3,
         "'palette' does not apply to indicator 'lisa_cluster'", "remove the line"},
    };
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = load(state, cases[i].text, &md, &err);
        if (rc != WS_EDATA) {
            print_error("case %zu: rc %d for:\n%s\n", i, rc, cases[i].text);
            fail();
        }
        assert_has(err.what, cases[i].what);
        assert_has(err.hint, cases[i].hint);
        assert_where(state, &err, cases[i].line);
        assert_non_null(strstr(err.where, f->path));
    }
}

static void test_unsafe_allowed(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;

    assert_int_equal(load(state,
                          "[map]\nindicator = oe_ratio\npalette = RdYlGn\ncenter = 1\n"
                          "allow_unsafe_palette = true\n",
                          &md, &err),
                     WS_OK);
    assert_true(md.allow_unsafe_palette);
    ws_mapdef_release(&md);
}

static void test_missing_file(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    (void)state;

    assert_int_equal(ws_mapdef_load("/nonexistent/kaart.ini", &md, &err), WS_ENOINPUT);
    assert_has(err.what, "cannot read '/nonexistent/kaart.ini'");
}

static void test_check_files(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_study st;
    char study_path[] = "study.ini";
    char *a = ws_test_path(f->dir, "a.ini");
    char *sub = ws_test_path(f->dir, "sub");
    char *b = ws_test_path(sub, "a.ini");
    char *list[2] = {a, b};
    FILE *fp;
    char cmd[4300];

    memset(&st, 0, sizeof(st));
    st.path = study_path;
    fp = fopen(a, "w");
    fputs("[map]\nindicator = eb_rate\n", fp);
    fclose(fp);
    st.map_files = list;
    st.n_map_files = 1;
    assert_int_equal(ws_mapdef_check_files(&st, &err), WS_OK);

    // two definitions named 'a' would write the same files
    assert_int_equal(mkdir(sub, 0700), 0);
    fp = fopen(b, "w");
    fputs("[map]\nindicator = cases\n", fp);
    fclose(fp);
    st.n_map_files = 2;
    assert_int_equal(ws_mapdef_check_files(&st, &err), WS_EDATA);
    assert_has(err.what, "two map definitions are named 'a'");
    assert_has(err.hint, "maps/a.*");

    // the first bad file stops the check
    ws_err_clear(&err);
    fp = fopen(b, "w");
    fputs("[map]\nindicator = cases\nclasses = many\n", fp);
    fclose(fp);
    assert_int_equal(ws_mapdef_check_files(&st, &err), WS_EDATA);
    assert_has(err.where, "sub/a.ini:3");

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sub);
    assert_int_equal(system(cmd), 0);
    free(a);
    free(b);
    free(sub);
}

static void test_values(void **state)
{
    struct ws_indicator r;
    (void)state;

    ws_indicator_clear(&r);
    r.eb_rate = 12.5;
    r.trend_rr = 1.25;
    assert_double_close(ws_mapdef_value(&r, "eb_rate"), 12.5, 0, 0);
    assert_double_close(ws_mapdef_value(&r, "trend_rr"), 1.25, 0, 0);
    assert_true(isnan(ws_mapdef_value(&r, "oe_ratio")));
    assert_true(isnan(ws_mapdef_value(&r, "priority_rank")));
    r.priority_rank = 3;
    assert_double_close(ws_mapdef_value(&r, "priority_rank"), 3, 0, 0);
    assert_true(isnan(ws_mapdef_value(&r, "no_such_field")));
    assert_string_equal(ws_mapdef_indicators()[0], "population");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_maps),
        cmocka_unit_test(test_default_details),
        cmocka_unit_test_setup_teardown(test_minimal_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_allowed, setup, teardown),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test_setup_teardown(test_check_files, setup, teardown),
        cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
