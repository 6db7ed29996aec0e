/*
 * test_conf.c - the study file: key table, defaults, and every kind of error
 * at FILE:LINE with the quoted line and a suggestion.
 */
#include "helpers.h"

#include "wijkscan/core/conf.h"
#include "wijkscan/core/suggest.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

static const char *minimal = "[boundaries]\n"
                             "source = b.gpkg\n"
                             "code = buurtcode\n"
                             "[statistics]\n"
                             "source = s.csv\n"
                             "code = buurtcode\n"
                             "population = a + b\n"
                             "[cases]\n"
                             "source = c.csv\n"
                             "code = buurtcode\n"
                             "year = jaar\n"
                             "count = aantal\n";

static char *write_study(const char *dir, const char *text)
{
    char *path = ws_test_path(dir, "study.ini");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static int load_text(const char *text, struct ws_study *st, struct ws_err *err)
{
    char *dir = ws_test_tmpdir();
    char *path = write_study(dir, text);
    int rc = ws_study_load(path, st, err);
    free(path);
    ws_test_rmtree(dir);
    free(dir);
    return rc;
}

static void test_defaults(void **state)
{
    struct ws_study st;
    struct ws_err err = WS_ERR_INIT;
    (void)state;

    assert_int_equal(load_text(minimal, &st, &err), WS_OK);
    assert_string_equal(st.language, "nl");
    assert_int_equal(st.seed, 20240101UL);
    assert_string_equal(st.crs, "EPSG:28992");
    assert_int_equal(st.min_count, 10);
    assert_int_equal(st.round_to, 5);
    assert_int_equal(st.safety_range, 5);
    assert_string_equal(st.weights, "queen");
    assert_int_equal(st.permutations, 9999);
    assert_double_close(st.fdr, 0.05, 0, 1e-15);
    assert_null(st.loc_source);
    assert_null(st.bnd_parent);
    assert_int_equal(st.n_covariates, 0);
    assert_int_equal(st.n_pop_terms, 2);
    assert_string_equal(st.pop_terms[0], "a");
    assert_string_equal(st.pop_terms[1], "b");
    assert_string_equal(st.out_dir, "out");
    /* paths resolve against the study file's folder */
    assert_non_null(strstr(st.bnd_source, "/b.gpkg"));
    assert_int_equal(strncmp(st.bnd_source, "/tmp/wijkscan-test-", 19), 0);
    assert_int_equal(ws_study_key_line(&st, "statistics", "population"), 7);
    ws_study_release(&st);
}

static void test_full(void **state)
{
    struct ws_study st;
    struct ws_err err = WS_ERR_INIT;
    char text[2048];
    (void)state;

    snprintf(text, sizeof(text),
             "[study]\ntitle = Wijkanalyse jeugd   ; inline comment\nlanguage = en\nseed = 7\n"
             "%s"
             "covariates = x, y ,z\n"
             "[privacy]\nmin_count = 3\n"
             "[analysis]\nweights = rook\npermutations = 999\nfdr = 0,1\n"
             "[locations]\nsource = /vsigzip/loc.csv.gz\nname = naam\n"
             "[maps]\nfiles = ../maps/a.ini, /abs/b.ini\n"
             "[output]\ndir = ../out\n",
             minimal);
    /* covariates belongs to [statistics]: put it there */
    assert_int_equal(load_text(text, &st, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "unknown key 'covariates' in section [cases]"));
    ws_err_clear(&err);

    snprintf(text, sizeof(text),
             "[study]\ntitle = Wijkanalyse jeugd   ; inline comment\nlanguage = en\nseed = 7\n"
             "[statistics]\ncovariates = x, y ,z\n"
             "%s"
             "[privacy]\nmin_count = 3\n"
             "[analysis]\nweights = rook\npermutations = 999\nfdr = 0,1\n"
             "[locations]\nsource = /vsigzip/loc.csv.gz\nname = naam\n"
             "[maps]\nfiles = ../maps/a.ini, /abs/b.ini\n"
             "[output]\ndir = ../out\n",
             minimal);
    assert_int_equal(load_text(text, &st, &err), WS_OK);
    assert_string_equal(st.title, "Wijkanalyse jeugd");
    assert_string_equal(st.language, "en");
    assert_int_equal(st.seed, 7);
    assert_int_equal(st.n_covariates, 3);
    assert_string_equal(st.covariates[1], "y");
    assert_string_equal(st.covariates[2], "z");
    assert_string_equal(st.weights, "rook");
    assert_double_close(st.fdr, 0.1, 0, 1e-15);
    assert_int_equal(strncmp(st.loc_source, "/vsigzip//tmp/", 14), 0);
    assert_int_equal(st.min_group, 8);
    assert_double_close(st.max_km, 3, 0, 0);
    assert_int_equal(st.n_map_files, 2);
    assert_string_equal(st.map_files[1], "/abs/b.ini");
    assert_string_equal(st.map_files[0], "/tmp/maps/a.ini");
    ws_study_release(&st);
}

struct bad_case {
    const char *append; /* appended after the minimal study */
    const char *what;   /* substring of err.what */
    int line;           /* expected line in err.where, 0: none */
    const char *hint;   /* substring of err.hint */
};

static void test_bad(void **state)
{
    static const struct bad_case cases[] = {
        {"populaton = x\n", "unknown key 'populaton' in section [cases]: 'populaton = x'", 13,
         "valid keys in [cases]"},
        {"[statistics]\npopulaton = x\n", "unknown key 'populaton'", 14,
         "did you mean 'population'?"},
        {"[statistic]\nx = 1\n", "unknown section [statistic]", 13, "did you mean [statistics]?"},
        {"count = n\n", "duplicate key 'count' in section [cases]: 'count = n'", 13,
         "already set on line 12"},
        {"[privacy]\nmin_count = ten\n", "bad value for 'min_count' in section [privacy]", 14,
         "whole number"},
        {"[privacy]\nmin_count = 0\n", "must be a whole number from 1 to", 14, ""},
        {"[analysis]\nweights = bishop\n", "must be one of queen|rook", 14, ""},
        {"[analysis]\nfdr = 2\n", "must be a number from", 14, ""},
        {"[study]\nlanguage = de\n", "must be one of nl|en", 14, ""},
        {"[statistics]\ncovariates = a, , b\n", "empty item in list", 14, ""},
        {"[statistics]\ncovariates = a, a\n", "'a' is listed twice", 14, ""},
        {"this line is broken\n", "neither '[section]' nor 'key = value'", 13, "comment"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ws_study st;
        struct ws_err err = WS_ERR_INIT;
        char text[2048];
        char line[32];

        snprintf(text, sizeof(text), "%s%s", minimal, cases[i].append);
        assert_int_equal(load_text(text, &st, &err), WS_EDATA);
        if (!strstr(err.what, cases[i].what))
            print_error("case %zu: what = '%s'\n", i, err.what);
        assert_non_null(strstr(err.what, cases[i].what));
        snprintf(line, sizeof(line), "study.ini:%d", cases[i].line);
        if (!strstr(err.where, line))
            print_error("case %zu: where = '%s'\n", i, err.where);
        assert_non_null(strstr(err.where, line));
        if (!strstr(err.hint, cases[i].hint))
            print_error("case %zu: hint = '%s'\n", i, err.hint);
        assert_non_null(strstr(err.hint, cases[i].hint));
    }
}

static void test_missing_required(void **state)
{
    struct ws_study st;
    struct ws_err err = WS_ERR_INIT;
    (void)state;

    assert_int_equal(load_text("[boundaries]\nsource = b.gpkg\n", &st, &err), WS_EDATA);
    assert_string_equal(err.what, "missing required key 'code' in section [boundaries]");
    assert_non_null(strstr(err.hint, "add 'code = ...' under [boundaries]"));
}

static void test_missing_file(void **state)
{
    struct ws_study st;
    struct ws_err err = WS_ERR_INIT;
    (void)state;

    assert_int_equal(ws_study_load("/nonexistent/study.ini", &st, &err), WS_ENOINPUT);
    assert_non_null(strstr(err.what, "cannot read study file '/nonexistent/study.ini'"));
    assert_string_equal(err.where, "/nonexistent/study.ini");
}

static void test_paths(void **state)
{
    char *p;
    (void)state;

    p = ws_path_resolve("data", "groningen/x.gpkg");
    assert_string_equal(p, "data/groningen/x.gpkg");
    free(p);
    p = ws_path_resolve("data", "/abs/x.gpkg");
    assert_string_equal(p, "/abs/x.gpkg");
    free(p);
    p = ws_path_resolve(".", "x.gpkg");
    assert_string_equal(p, "x.gpkg");
    free(p);
    p = ws_path_resolve("data", "/vsigzip/nl.geojson.gz");
    assert_string_equal(p, "/vsigzip/data/nl.geojson.gz");
    free(p);
    p = ws_path_resolve("data", "/vsigzip//abs/nl.geojson.gz");
    assert_string_equal(p, "/vsigzip//abs/nl.geojson.gz");
    free(p);
    p = ws_path_resolve("data", "../out");
    assert_string_equal(p, "out");
    free(p);
    p = ws_path_resolve("data/./x", "../../../up/./f.csv");
    assert_string_equal(p, "../up/f.csv");
    free(p);
    p = ws_path_resolve("/", "a/b");
    assert_string_equal(p, "/a/b");
    free(p);
    p = ws_path_dirname("data/groningen.ini");
    assert_string_equal(p, "data");
    free(p);
    p = ws_path_dirname("groningen.ini");
    assert_string_equal(p, ".");
    free(p);
}

static void test_suggest(void **state)
{
    static const char *const cands[] = {"population", "covariates", "source", "code"};
    (void)state;

    assert_int_equal(ws_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(ws_edit_distance("", "abc"), 3);
    assert_int_equal(ws_edit_distance("Code", "code"), 0);
    assert_string_equal(ws_suggest("populaton", cands, 4), "population");
    assert_string_equal(ws_suggest("cod", cands, 4), "code");
    assert_null(ws_suggest("xyzzyplugh", cands, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),     cmocka_unit_test(test_full),
        cmocka_unit_test(test_bad),          cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_missing_file), cmocka_unit_test(test_paths),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
