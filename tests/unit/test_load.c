/*
 * test_load.c - the load stage: SHA-256, the GDAL table and polygon readers,
 * the CRS wrapper, and ws_load_read/ws_load_write on small fixtures written
 * into a temporary folder (and a few binary ones in tests/fixtures/load, made
 * with ogr2ogr: see tests/fixtures/load/README.md).
 *
 * Every error test asserts err.code and substrings of what, where and hint.
 * Run from the repository root.
 */
#include "helpers.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/load.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/load/sha256.h"
#include "wijkscan/store/db.h"

#include <cmocka.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURES "tests/fixtures/load"

/* ---- fixtures ---- */

static const char buurten_rd[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
    "\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"buurtcode\":\"BU00010001\",\"buurtnaam\":\"Noord\","
    "\"wijkcode\":\"WK000100\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"buurtcode\":\" BU00010002 \",\"buurtnaam\":\"Zuid\","
    "\"wijkcode\":\"WK000100\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[100,0],[200,0],[200,100],[100,100],[100,0]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"buurtcode\":\"BU00010003\",\"buurtnaam\":\"Oost\","
    "\"wijkcode\":\"WK000101\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[200,0],[300,0],[300,100],[200,100],[200,0]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"buurtcode\":\"BU00010004\",\"buurtnaam\":\"Leeg\","
    "\"wijkcode\":\"WK000101\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
    "[[[[300,0],[400,0],[400,100],[300,100],[300,0]]]]}}\n"
    "]}\n";

/* Dutch Excel: UTF-8 BOM, ';', decimal comma, CRLF, a blank line, CBS
 * markers, and a row for a code outside the boundaries. */
static const char stats_csv[] =
    "\xEF\xBB\xBF"
    "buurtcode;buurtnaam;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\r\n"
    "BU00010001;Noord;2024;120;30;25,5;60\r\n"
    "BU00010002;Zuid;2024;.;10;-99999999;40,25\r\n"
    "\r\n"
    "BU00010003;Oost;2024;80;-99999997;1.234,5;\r\n"
    "BU99999999;Elders;2024;1;1;1;1\r\n";

static const char cases_csv[] = "buurtcode,jaar,vraagtype,aantal\n"
                                "BU00010001,2024,opvoeding,12\n"
                                "BU00010001,2024,gedrag,3\n"
                                "BU00010002,2023,opvoeding,0\n"
                                "BU00010003,2024,gedrag,\"5,0\"\n";

struct fx {
    char *dir;
    struct ws_study st;
    struct ws_dataset ds;
    struct ws_err err;
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = ws_test_path(dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
    free(path);
}

static void write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = ws_test_path(dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    free(path);
}

static char **str_list(size_t n, ...)
{
    va_list ap;
    char **v = ws_xcalloc(n, sizeof(*v));
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = ws_xstrdup(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

static int fx_setup(void **state)
{
    struct fx *f = ws_xcalloc(1, sizeof(*f));
    struct ws_study *st = &f->st;

    f->dir = ws_test_tmpdir();
    write_file(f->dir, "study.ini", "; a study filled in by the test\n");
    write_file(f->dir, "buurten.geojson", buurten_rd);
    write_file(f->dir, "stats.csv", stats_csv);
    write_file(f->dir, "cases.csv", cases_csv);

    st->path = ws_test_path(f->dir, "study.ini");
    st->dir = ws_xstrdup(f->dir);
    st->title = ws_xstrdup("Teststudie");
    st->language = ws_xstrdup("nl");
    st->seed = 1;
    st->bnd_source = ws_test_path(f->dir, "buurten.geojson");
    st->bnd_code = ws_xstrdup("buurtcode");
    st->bnd_name = ws_xstrdup("buurtnaam");
    st->bnd_parent = ws_xstrdup("wijkcode");
    st->crs = ws_xstrdup("EPSG:28992");
    st->stat_source = ws_test_path(f->dir, "stats.csv");
    st->stat_code = ws_xstrdup("buurtcode");
    st->stat_year = ws_xstrdup("jaar");
    st->population = ws_xstrdup("inwoners_0_tot_15 + inwoners_15_tot_25");
    st->pop_terms = str_list(2, "inwoners_0_tot_15", "inwoners_15_tot_25");
    st->n_pop_terms = 2;
    st->covariates = str_list(2, "gem_inkomen", "pct_koop");
    st->n_covariates = 2;
    st->case_source = ws_test_path(f->dir, "cases.csv");
    st->case_code = ws_xstrdup("buurtcode");
    st->case_year = ws_xstrdup("jaar");
    st->case_category = ws_xstrdup("vraagtype");
    st->case_count = ws_xstrdup("aantal");
    st->min_count = 10;
    st->round_to = 5;
    st->safety_range = 5;
    st->weights = ws_xstrdup("queen");
    st->permutations = 99;
    st->fdr = 0.05;
    ws_dataset_init(&f->ds);
    ws_err_clear(&f->err);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    ws_dataset_release(&f->ds);
    ws_study_release(&f->st);
    ws_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Replaces a study string field. */
static void set_field(char **field, const char *value)
{
    free(*field);
    *field = value ? ws_xstrdup(value) : NULL;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("'%s' does not contain '%s'", (hay), (needle));                               \
    } while (0)

#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle)))                                                               \
            fail_msg("'%s' should not contain '%s'", (hay), (needle));                             \
    } while (0)

/* Runs ws_load_read and expects failure with this code. */
static void expect_read_error(struct fx *f, enum ws_status code)
{
    int rc = ws_load_read(&f->st, &f->ds, &f->err);
    if (rc != (int)code || f->err.code != code)
        fail_msg("expected status %d, got %d (what: %s; where: %s; hint: %s)", (int)code, rc,
                 f->err.what, f->err.where, f->err.hint);
    // on failure ds holds no rows
    assert_int_equal(f->ds.n_areas, 0);
    assert_int_equal(f->ds.n_stats, 0);
    assert_int_equal(f->ds.n_cases, 0);
    assert_null(f->ds.areas);
}

static void expect_read_ok(struct fx *f)
{
    int rc = ws_load_read(&f->st, &f->ds, &f->err);
    if (rc != WS_OK)
        fail_msg("load failed: %s (where: %s; cause: %s; hint: %s)", f->err.what, f->err.where,
                 f->err.cause, f->err.hint);
}

static bool has_warning(const struct ws_dataset *ds, const char *needle)
{
    for (size_t i = 0; i < ds->warnings.n; i++) {
        if (strstr(ds->warnings.msg[i], needle))
            return true;
    }
    return false;
}

static const struct ws_stat_row *stat_of(const struct ws_dataset *ds, const char *code)
{
    for (size_t i = 0; i < ds->n_stats; i++) {
        if (strcmp(ds->stats[i].code, code) == 0)
            return &ds->stats[i];
    }
    return NULL;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[WS_SHA256_HEX];
    struct ws_sha256 c;
    unsigned char d[WS_SHA256_LEN];

    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf")
    ws_sha256_buf("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ws_sha256_buf("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ws_sha256_buf(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // one million 'a', fed in uneven pieces to exercise the block buffer
    char *a = ws_xmalloc(1000000);
    memset(a, 'a', 1000000);
    ws_sha256_init(&c);
    for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 3 % 1000 + 1)
        ws_sha256_update(&c, a + off, off + step > 1000000 ? 1000000 - off : step);
    ws_sha256_final(&c, d);
    ws_sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
    // lengths around the padding boundary (55, 56, 64 bytes) agree with one-shot hashing
    const char *quick = "The quick brown fox jumps over the lazy dog";
    ws_sha256_buf(quick, strlen(quick), hex);
    assert_string_equal(hex, "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}

static void test_sha256_file(void **state)
{
    struct fx *f = *state;
    char hex[WS_SHA256_HEX];
    char *path = ws_test_path(f->dir, "abc.txt");
    char *missing = ws_test_path(f->dir, "missing.txt");

    write_file(f->dir, "abc.txt", "abc");
    assert_int_equal(ws_sha256_file(path, hex, &f->err), WS_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(ws_sha256_file(missing, hex, &f->err), WS_ENOINPUT);
    assert_int_equal(f->err.code, WS_ENOINPUT);
    assert_contains(f->err.what, "cannot read");
    assert_contains(f->err.what, "missing.txt");
    free(path);
    free(missing);
}

/* ---- tables ---- */

static void test_table_dutch_excel_csv(void **state)
{
    struct fx *f = *state;
    struct ws_ogr_table *t = NULL;
    struct ws_warnings w = WS_WARNINGS_INIT;
    char *path = ws_test_path(f->dir, "excel.csv");
    size_t idx = 99;

    // Windows-1252 (not UTF-8), ';' separator, decimal comma, quoted ';'
    write_file(f->dir, "excel.csv",
               "code;naam;waarde\r\n"
               "BU1;Caf\xE9 \x80 \x93x\x94;12,5\r\n"
               "BU2;\"a;b\";.\r\n");
    assert_int_equal(ws_ogr_table_open(path, NULL, &w, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_n_fields(t), 3);
    assert_string_equal(ws_ogr_table_fields(t)[0], "code");
    assert_string_equal(ws_ogr_table_fields(t)[2], "waarde");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 2);
    assert_string_equal(ws_ogr_table_value(t, 1),
                        "Caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D"); // Café € “x”
    assert_string_equal(ws_ogr_table_value(t, 2), "12,5");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 3);
    assert_string_equal(ws_ogr_table_value(t, 1), "a;b");
    assert_string_equal(ws_ogr_table_value(t, 2), ".");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 0);
    // case-insensitive lookup when unique
    assert_int_equal(ws_ogr_table_field_index(t, "NAAM", NULL, &idx, &f->err), WS_OK);
    assert_int_equal(idx, 1);
    ws_ogr_table_close(t);
    ws_warnings_release(&w);
    free(path);
}

static void test_table_bom_and_lines(void **state)
{
    struct fx *f = *state;
    struct ws_ogr_table *t = NULL;
    char *path = ws_test_path(f->dir, "lines.csv");
    struct ws_strbuf sb = WS_STRBUF_INIT;

    // UTF-8 BOM; line 3 blank; a quoted line break in lines 4-5; line 6 blank
    write_file(f->dir, "lines.csv",
               "\xEF\xBB\xBF"
               "code,tekst\n"
               "BU1,een\n"
               "\n"
               "BU2,\"twee\nregels\"\n"
               "\n"
               "BU3,  drie  \n");
    assert_int_equal(ws_ogr_table_open(path, NULL, NULL, &t, &f->err), WS_OK);
    assert_string_equal(ws_ogr_table_fields(t)[0], "code"); // no BOM left
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 2);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 4);
    assert_string_equal(ws_ogr_table_value(t, 1), "twee\nregels");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 7);
    assert_string_equal(ws_ogr_table_value(t, 1), "drie"); // trimmed
    ws_ogr_table_locate(t, 7, "tekst", &sb);
    assert_contains(sb.buf, "lines.csv:7, column 'tekst'");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 0);
    // rewinding reads the first row again
    ws_ogr_table_rewind(t);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_string_equal(ws_ogr_table_value(t, 0), "BU1");
    assert_int_equal(ws_ogr_table_line(t), 2);
    ws_ogr_table_close(t);
    ws_strbuf_release(&sb);
    free(path);
}

static void test_table_spreadsheets(void **state)
{
    struct fx *f = *state;
    const char *files[] = {FIXTURES "/cases_text.xlsx", FIXTURES "/cases_text.ods"};

    // every cell is text, so GDAL would take the header for data without HEADERS=FORCE
    for (size_t k = 0; k < 2; k++) {
        struct ws_ogr_table *t = NULL;
        size_t idx = 99;
        if (ws_ogr_table_open(files[k], NULL, NULL, &t, &f->err) != WS_OK)
            fail_msg("%s: %s (%s)", files[k], f->err.what, f->err.cause);
        assert_string_equal(ws_ogr_table_layer(t), "casussen");
        assert_int_equal(ws_ogr_table_n_fields(t), 4);
        assert_int_equal(ws_ogr_table_field_index(t, "aantal", NULL, &idx, &f->err), WS_OK);
        assert_int_equal(idx, 3);
        assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
        assert_int_equal(ws_ogr_table_line(t), 2); // spreadsheet row
        assert_string_equal(ws_ogr_table_value(t, 0), "BU00010001");
        assert_string_equal(ws_ogr_table_value(t, 3), "12");
        assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
        assert_int_equal(ws_ogr_table_line(t), 3);
        assert_int_equal(ws_ogr_table_next(t, &f->err), 0);
        ws_ogr_table_close(t);
    }
}

static void test_table_errors(void **state)
{
    struct fx *f = *state;
    struct ws_ogr_table *t = NULL;
    char *path = ws_test_path(f->dir, "stats.csv");
    char *missing = ws_test_path(f->dir, "nope.csv");
    char *junk = ws_test_path(f->dir, "junk.gpkg");
    size_t idx;

    assert_int_equal(ws_ogr_table_open(missing, NULL, NULL, &t, &f->err), WS_ENOINPUT);
    assert_null(t);
    assert_contains(f->err.what, "nope.csv");
    ws_err_clear(&f->err);

    write_file(f->dir, "junk.gpkg", "this is not a geopackage");
    assert_int_equal(ws_ogr_table_open(junk, NULL, NULL, &t, &f->err), WS_ENOINPUT);
    assert_contains(f->err.cause, "not recognized");
    ws_err_clear(&f->err);

    assert_int_equal(ws_ogr_table_open(path, "geen_laag", NULL, &t, &f->err), WS_EDATA);
    assert_contains(f->err.what, "layer 'geen_laag' not found");
    assert_contains(f->err.hint, "stats");
    ws_err_clear(&f->err);

    assert_int_equal(ws_ogr_table_open(path, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_field_index(t, "buurtcod", "[statistics] code", &idx, &f->err),
                     WS_EDATA);
    assert_contains(f->err.what, "column 'buurtcod' not found in");
    assert_contains(f->err.where, "stats.csv, header (line 1)");
    assert_contains(f->err.hint, "did you mean 'buurtcode'?");
    assert_contains(f->err.hint, "inwoners_0_tot_15");
    assert_contains(f->err.hint, "[statistics] code");
    ws_ogr_table_close(t);
    free(path);
    free(missing);
    free(junk);
}

/* Opens `name` in the fixture folder and expects WS_EDATA with these parts
 * (where_suffix: the end of err.where). */
static void expect_open_error(struct fx *f, const char *name, const char *what,
                              const char *where_suffix, const char *hint)
{
    struct ws_ogr_table *t = NULL;
    char *path = ws_test_path(f->dir, name);
    size_t n;

    ws_err_clear(&f->err);
    if (ws_ogr_table_open(path, NULL, NULL, &t, &f->err) != WS_EDATA)
        fail_msg("%s: expected WS_EDATA, got '%s'", name, f->err.what);
    assert_null(t);
    assert_contains(f->err.what, what);
    n = strlen(f->err.where);
    if (n < strlen(where_suffix) ||
        strcmp(f->err.where + n - strlen(where_suffix), where_suffix) != 0)
        fail_msg("%s: where '%s' does not end in '%s'", name, f->err.where, where_suffix);
    assert_contains(f->err.hint, hint);
    assert_string_equal(f->err.cause, ""); // not GDAL's "not recognized"
    free(path);
}

/* What GDAL would not open, or would misread, is refused at FILE:LINE. */
static void test_table_csv_structure(void **state)
{
    struct fx *f = *state;
    // gzip of "" and of "buurtcode|jaar|aantal\nBU00010001|2024|3\n" (python gzip, mtime 0)
    static const unsigned char gz_empty[] = "\x1F\x8B\x08\x00\x00\x00\x00\x00\x02\xFF\x03\x00\x00"
                                            "\x00\x00\x00\x00\x00\x00\x00";
    static const unsigned char gz_pipe[] =
        "\x1F\x8B\x08\x00\x00\x00\x00\x00\x02\xFF\x4B\x2A\x2D\x2D\x2A\x49\xCE\x4F\x49\xAD\xC9"
        "\x4A\x4C\x2C\xAA\x49\x4C\xCC\x2B\x49\xCC\xE1\x72\x0A\x35\x30\x30\x30\x04\xE1\x1A\x23"
        "\x03\x23\x93\x1A\x63\x2E\x00\xC5\x76\xAC\x69\x28\x00\x00\x00";

    // an empty file: 0 bytes, only a BOM, only blank lines
    write_file(f->dir, "leeg.csv", "");
    expect_open_error(f, "leeg.csv", "leeg.csv' is empty", "leeg.csv:1", "',' or ';'");
    write_file(f->dir, "bom.csv", "\xEF\xBB\xBF");
    expect_open_error(f, "bom.csv", "bom.csv' is empty", "bom.csv:1", "',' or ';'");
    write_file(f->dir, "blank.txt", "\r\n\n  \n");
    expect_open_error(f, "blank.txt", "blank.txt' is empty", "blank.txt:1", "',' or ';'");
    write_bytes(f->dir, "leeg.csv.gz", gz_empty, sizeof(gz_empty) - 1);
    expect_open_error(f, "leeg.csv.gz", "leeg.csv.gz' is empty", "leeg.csv.gz:1", "',' or ';'");

    // a header without ',' ';' or tab: '|', or one column
    write_file(f->dir, "pipe.csv", "buurtcode|jaar|aantal\nBU00010001|2024|3\n");
    expect_open_error(f, "pipe.csv", "pipe.csv' has no ',' ';' or tab separator in its header line",
                      "pipe.csv:1", "save the table as CSV with ',' or ';'");
    write_file(f->dir, "een.csv", "\n\"buurtcode,jaar\"\nBU1\n"); // the ',' is quoted
    expect_open_error(f, "een.csv", "has no ',' ';' or tab separator", "een.csv:2", "'|'");
    write_file(f->dir, "pipe2.csv", "buurtcode|jaar|aantal\nBU1;2024;3\nBU2,2024,4\n");
    expect_open_error(f, "pipe2.csv", "has no ',' ';' or tab separator", "pipe2.csv:1", "'|'");
    write_bytes(f->dir, "pipe.csv.gz", gz_pipe, sizeof(gz_pipe) - 1);
    expect_open_error(f, "pipe.csv.gz", "pipe.csv.gz' has no ',' ';' or tab separator",
                      "pipe.csv.gz:1", "',' or ';'");
    {
        // also when the study names the /vsigzip/ path itself
        struct ws_ogr_table *t = NULL;
        char *gz = ws_test_path(f->dir, "pipe.csv.gz");
        struct ws_strbuf vsi = WS_STRBUF_INIT;
        ws_strbuf_addf(&vsi, "/vsigzip/%s", gz);
        ws_err_clear(&f->err);
        assert_int_equal(ws_ogr_table_open(vsi.buf, NULL, NULL, &t, &f->err), WS_EDATA);
        assert_contains(f->err.what, "has no ',' ';' or tab separator");
        assert_contains(f->err.where, "/vsigzip/");
        ws_strbuf_release(&vsi);
        free(gz);
    }

    // a quote that is never closed: at the line it opens, not where GDAL stops
    write_file(f->dir, "quote.csv",
               "code,cat,n\nBU1,a,1\nBU2,\"b\nc\",2\nBU3,\"open,3\nBU4,d,4\nBU5,e,5\n");
    expect_open_error(f, "quote.csv", "unterminated quote in '", "quote.csv:5",
                      "opened on line 5 is never closed");

    // a column name used twice (after trimming) in any table
    write_file(f->dir, "dubbel.csv", "code;aantal;jaar; aantal\nBU1;1;2024;2\n");
    expect_open_error(f, "dubbel.csv", "column 'aantal' appears twice in the header of '",
                      "dubbel.csv, header (line 1)", "columns 2 and 4 are both named 'aantal'");

    // a missing file is still WS_ENOINPUT, with GDAL's cause
    {
        struct ws_ogr_table *t = NULL;
        char *missing = ws_test_path(f->dir, "weg.csv.gz");
        ws_err_clear(&f->err);
        assert_int_equal(ws_ogr_table_open(missing, NULL, NULL, &t, &f->err), WS_ENOINPUT);
        assert_contains(f->err.what, "no such file");
        free(missing);
    }
}

/* Rows with too many or too few fields; Excel's empty trailing fields and
 * empty rows are fine. */
static void test_table_field_counts(void **state)
{
    struct fx *f = *state;
    struct ws_ogr_table *t = NULL;
    char *semi = ws_test_path(f->dir, "excel.csv");
    char *comma = ws_test_path(f->dir, "komma.csv");
    char *tab = ws_test_path(f->dir, "tab.tsv");

    // empty fields after the last column, whitespace too; an empty row ';;;;'
    // and a line of blanks are skipped like empty lines
    write_file(f->dir, "excel.csv",
               "code;jaar;cat;n\r\n"
               "BU1;2024;a;4;\r\n"
               "BU2;2024;b;5;; \r\n"
               ";;;;\r\n"
               "   \r\n"
               "BU3;2024;\"\";6;\"\"\r\n"
               "BU4;2024;d;7;x\r\n");
    assert_int_equal(ws_ogr_table_open(semi, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_n_fields(t), 4);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_string_equal(ws_ogr_table_value(t, 3), "4");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 3);
    assert_string_equal(ws_ogr_table_value(t, 3), "5");
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_line(t), 6); // lines 4 and 5 skipped
    assert_string_equal(ws_ogr_table_value(t, 0), "BU3");
    assert_string_equal(ws_ogr_table_value(t, 2), "");
    // something after the last column: an error with a hint for ';'
    assert_int_equal(ws_ogr_table_next(t, &f->err), -WS_EDATA);
    assert_string_equal(f->err.what, "line has 5 fields but the header has 4");
    assert_contains(f->err.where, "excel.csv:7");
    assert_contains(f->err.hint, "a value holds a ';'");
    assert_lacks(f->err.hint, "12,5");
    ws_ogr_table_close(t);
    ws_err_clear(&f->err);

    // too few fields, in a ',' file
    write_file(f->dir, "komma.csv", "code,jaar,cat,n\nBU1,2024,a,4\nBU2,2024,5\n");
    assert_int_equal(ws_ogr_table_open(comma, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_next(t, &f->err), -WS_EDATA);
    assert_string_equal(f->err.what, "line has 3 fields but the header has 4");
    assert_contains(f->err.where, "komma.csv:3");
    assert_contains(f->err.hint, "add the missing ','");
    ws_err_clear(&f->err);
    ws_ogr_table_close(t);

    // one field; an unnamed trailing header column may be left out
    write_file(f->dir, "komma.csv", "code,jaar,cat,n,\nBU1,2024,a,4\nBU2\n");
    assert_int_equal(ws_ogr_table_open(comma, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_string_equal(ws_ogr_table_value(t, 3), "4");
    assert_int_equal(ws_ogr_table_next(t, &f->err), -WS_EDATA);
    assert_string_equal(f->err.what, "line has 1 field but the header has 4");
    ws_err_clear(&f->err);
    ws_ogr_table_close(t);

    // an unquoted decimal comma in a ',' file: the hint says to quote it
    write_file(f->dir, "komma.csv", "code,n\nBU1,2,5\n");
    assert_int_equal(ws_ogr_table_open(comma, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &f->err), -WS_EDATA);
    assert_string_equal(f->err.what, "line has 3 fields but the header has 2");
    assert_contains(f->err.hint, "quote it (\"12,5\")");
    ws_err_clear(&f->err);
    ws_ogr_table_close(t);

    // tab-separated
    write_file(f->dir, "tab.tsv", "code\tn\nBU1\t1\t\nBU2\t2\tx\n");
    assert_int_equal(ws_ogr_table_open(tab, NULL, NULL, &t, &f->err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &f->err), 1);
    assert_int_equal(ws_ogr_table_next(t, &f->err), -WS_EDATA);
    assert_contains(f->err.hint, "a value holds a tab");
    ws_err_clear(&f->err);
    ws_ogr_table_close(t);
    free(semi);
    free(comma);
    free(tab);
}

/* The number convention follows the separator (text.h). */
static void test_table_number_conventions(void **state)
{
    struct fx *f = *state;
    struct {
        const char *name;
        const char *text;
        enum ws_num_conv conv;
        const char *desc;
    } cases[] = {
        {"semi.csv", "a;b\n1;2\n", WS_NUM_COMMA, "a ';'-separated file"},
        {"comma.csv", "a,b\n1,2\n", WS_NUM_POINT, "a ','-separated file"},
        {"tab.tsv", "a\tb\n1\t2\n", WS_NUM_EITHER, "a tab-separated file"},
        {"mixed.csv", "a;b,c\n1;2,3\n", WS_NUM_POINT, "a ','-separated file"}, // GDAL: ','
    };
    const char *sheets[] = {FIXTURES "/cases_text.xlsx", FIXTURES "/cases_text.ods"};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ws_ogr_table *t = NULL;
        char *path = ws_test_path(f->dir, cases[i].name);
        write_file(f->dir, cases[i].name, cases[i].text);
        assert_int_equal(ws_ogr_table_open(path, NULL, NULL, &t, &f->err), WS_OK);
        if (ws_ogr_table_num_conv(t) != cases[i].conv)
            fail_msg("%s: convention %d, expected %d", cases[i].name, (int)ws_ogr_table_num_conv(t),
                     (int)cases[i].conv);
        assert_string_equal(ws_ogr_table_kind_desc(t), cases[i].desc);
        ws_ogr_table_close(t);
        free(path);
    }
    for (size_t k = 0; k < 2; k++) {
        struct ws_ogr_table *t = NULL;
        assert_int_equal(ws_ogr_table_open(sheets[k], NULL, NULL, &t, &f->err), WS_OK);
        assert_int_equal(ws_ogr_table_num_conv(t), WS_NUM_POINT);
        assert_string_equal(ws_ogr_table_kind_desc(t), "a spreadsheet");
        ws_ogr_table_close(t);
    }
}

/* ---- CRS ---- */

static void test_crs_check(void **state)
{
    struct fx *f = *state;
    int srid = 0;

    assert_int_equal(ws_crs_check("EPSG:28992", &srid, &f->err), WS_OK);
    assert_int_equal(srid, 28992);
    assert_int_equal(ws_crs_check("epsg:3035", &srid, &f->err), WS_OK);
    assert_int_equal(srid, 3035);

    srid = 0;
    assert_int_equal(ws_crs_check("EPSG:999999", &srid, &f->err), WS_EDATA);
    assert_int_equal(srid, 0);
    assert_contains(f->err.what, "crs 'EPSG:999999'");
    assert_contains(f->err.hint, "EPSG:28992");
    assert_true(f->err.cause[0] != '\0');
    ws_err_clear(&f->err);

    assert_int_equal(ws_crs_check("RD nieuw", &srid, &f->err), WS_EDATA);
    ws_err_clear(&f->err);

    assert_int_equal(ws_crs_check("EPSG:4326", &srid, &f->err), WS_EDATA);
    assert_contains(f->err.what, "not a projected");
    ws_err_clear(&f->err);

    assert_int_equal(ws_crs_check("EPSG:2225", &srid, &f->err), WS_EDATA); // US survey feet
    assert_contains(f->err.what, "not in metres");
}

static void test_crs_transform(void **state)
{
    struct fx *f = *state;
    struct ws_crs_transform *t = NULL;
    // the Martinitoren, Groningen: longitude, latitude
    double xy[4] = {6.5683, 53.2194, 5.38763888888889, 52.1561605555556};

    assert_int_equal(ws_crs_transform_new("EPSG:4326", "EPSG:28992", &t, &f->err), WS_OK);
    assert_false(ws_crs_transform_is_noop(t));
    assert_int_equal(ws_crs_transform_xy(t, xy, 2, &f->err), WS_OK);
    // cs2cs EPSG:4326 EPSG:28992 gives 233889.927 582067.387; Amersfoort origin ~(155000, 463000)
    assert_double_close(xy[0], 233889.927, 1.0, 0.0);
    assert_double_close(xy[1], 582067.387, 1.0, 0.0);
    assert_double_close(xy[2], 155000.0, 150.0, 0.0);
    assert_double_close(xy[3], 463000.0, 150.0, 0.0);
    ws_crs_transform_free(t);

    assert_int_equal(ws_crs_transform_new("EPSG:28992", "EPSG:28992", &t, &f->err), WS_OK);
    assert_true(ws_crs_transform_is_noop(t));
    ws_crs_transform_free(t);

    t = NULL;
    assert_int_equal(ws_crs_transform_new("not a crs", "EPSG:28992", &t, &f->err), WS_EDATA);
    assert_null(t);
    assert_contains(f->err.hint, "-a_srs");
}

/* ---- ws_load_read ---- */

static void test_load_ok(void **state)
{
    struct fx *f = *state;
    struct ws_dataset *ds = &f->ds;
    const struct ws_stat_row *s;

    expect_read_ok(f);
    assert_int_equal(ds->srid, 28992);
    assert_string_equal(ds->crs, "EPSG:28992");

    // boundaries: codes trimmed, names, wijken, default gemeente from the CBS codes
    assert_int_equal(ds->n_areas, 4);
    assert_string_equal(ds->areas[1].code, "BU00010002");
    assert_string_equal(ds->areas[0].name, "Noord");
    assert_string_equal(ds->areas[3].parent, "WK000101");
    assert_null(ds->areas[0].parent_name);
    assert_string_equal(ds->areas[0].gemeente, "GM0001");
    assert_string_equal(ds->areas[0].gemeente_name, "Teststudie");
    assert_int_equal(ds->areas[3].geom.n_polys, 1);
    assert_double_close(ws_geom_area(&ds->areas[2].geom), 10000.0, 1e-6, 0.0);

    // statistics: BOM, ';', decimal comma, thousands, CBS markers, outside code skipped
    assert_int_equal(ds->n_covariates, 2);
    assert_string_equal(ds->covariate_names[1], "pct_koop");
    assert_int_equal(ds->n_stats, 3);
    assert_null(stat_of(ds, "BU99999999"));
    s = stat_of(ds, "BU00010001");
    assert_non_null(s);
    assert_int_equal(s->year, 2024);
    assert_int_equal(s->line, 2);
    assert_double_close(s->population, 150.0, 0.0, 0.0);
    assert_double_close(s->covariates[0], 25.5, 1e-12, 0.0);
    assert_double_close(s->covariates[1], 60.0, 0.0, 0.0);
    s = stat_of(ds, "BU00010002");
    assert_true(isnan(s->population));    // '.' in one term
    assert_true(isnan(s->covariates[0])); // -99999999
    assert_double_close(s->covariates[1], 40.25, 1e-12, 0.0);
    s = stat_of(ds, "BU00010003");
    assert_int_equal(s->line, 5);      // after the blank line 4
    assert_true(isnan(s->population)); // -99999997
    assert_double_close(s->covariates[0], 1234.5, 1e-9, 0.0);
    assert_true(isnan(s->covariates[1])); // empty
    assert_true(has_warning(ds, "buurt 'BU00010004' has no statistics"));

    // cases
    assert_int_equal(ds->n_cases, 4);
    assert_string_equal(ds->cases[1].category, "gedrag");
    assert_int_equal(ds->cases[1].count, 3);
    assert_int_equal(ds->cases[3].count, 5); // "5,0"
    assert_int_equal(ds->cases[3].line, 5);
    assert_int_equal(ds->cases[2].year, 2023);
    assert_true(has_warning(ds, "cases of 2023 use the statistics of 2024"));
    assert_int_equal(ws_dataset_stat_year(ds, 2023), 2024);
    assert_int_equal(ws_dataset_stat_year(ds, 2024), 2024);

    // inputs with SHA-256, the study file first
    assert_int_equal(ds->n_inputs, 4);
    assert_string_equal(ds->inputs[0].role, "study");
    assert_string_equal(ds->inputs[3].role, "cases");
    for (size_t i = 0; i < ds->n_inputs; i++)
        assert_int_equal(strlen(ds->inputs[i].sha256), 64);
}

static void test_load_no_category_and_gemeente_column(void **state)
{
    struct fx *f = *state;
    struct ws_dataset *ds = &f->ds;

    write_file(f->dir, "cases.csv", "buurtcode,jaar,aantal\nBU00010001,2024,7\n");
    set_field(&f->st.case_category, NULL);
    set_field(&f->st.bnd_gemeente, "wijkcode"); // any column will do for the test
    set_field(&f->st.bnd_name, NULL);
    expect_read_ok(f);
    assert_int_equal(ds->n_cases, 1);
    assert_string_equal(ds->cases[0].category, "all");
    assert_string_equal(ds->areas[0].gemeente, "WK000100");
    assert_string_equal(ds->areas[0].gemeente_name, "WK000100");
    assert_string_equal(ds->areas[0].name, "BU00010001"); // no name column: the code
}

static void test_load_gemeente_default_study(void **state)
{
    struct fx *f = *state;
    char *geo = ws_xstrdup(buurten_rd);
    char *p;

    // codes that are not CBS codes: the whole study is one gemeente 'STUDY'
    while ((p = strstr(geo, "BU0001000")) != NULL)
        memcpy(p, "XX0001000", 9);
    write_file(f->dir, "buurten.geojson", geo);
    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nXX00010001,2024,a,1\n");
    expect_read_ok(f);
    assert_string_equal(f->ds.areas[2].gemeente, "STUDY");
    assert_string_equal(f->ds.areas[2].gemeente_name, "Teststudie");
    free(geo);
}

static void test_load_cases_from_spreadsheets(void **state)
{
    struct fx *f = *state;
    const char *files[] = {FIXTURES "/cases_text.xlsx", FIXTURES "/cases_text.ods"};

    for (size_t k = 0; k < 2; k++) {
        set_field(&f->st.case_source, files[k]);
        set_field(&f->st.case_layer, "casussen");
        expect_read_ok(f);
        assert_int_equal(f->ds.n_cases, 2);
        assert_int_equal(f->ds.cases[0].count, 12);
        assert_int_equal(f->ds.cases[1].line, 3);
        ws_dataset_release(&f->ds);
    }
}

static void test_load_reprojects(void **state)
{
    struct fx *f = *state;

    // GeoJSON without "crs" is WGS 84 longitude/latitude by spec
    write_file(f->dir, "buurten.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
               "\"properties\":{\"buurtcode\":\"BU00140000\",\"buurtnaam\":\"Binnenstad\"},"
               "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[6.5683,53.2194],"
               "[6.5783,53.2194],[6.5783,53.2294],[6.5683,53.2294],[6.5683,53.2194]]]}}]}");
    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nBU00140000,2024,a,1\n");
    set_field(&f->st.bnd_parent, NULL);
    expect_read_ok(f);
    assert_int_equal(f->ds.n_areas, 1);
    assert_double_close(f->ds.areas[0].geom.xy[0], 233889.927, 1.0, 0.0);
    assert_double_close(f->ds.areas[0].geom.xy[1], 582067.387, 1.0, 0.0);
    assert_string_equal(f->ds.areas[0].gemeente, "GM0014");
}

static void test_load_bowtie_repaired(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "buurten.geojson",
               "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
               "{\"name\":\"EPSG:28992\"}},\"features\":[{\"type\":\"Feature\",\"properties\":"
               "{\"buurtcode\":\"BU00010001\",\"buurtnaam\":\"Strik\"},\"geometry\":{\"type\":"
               "\"Polygon\",\"coordinates\":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}}]}");
    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nBU00010001,2024,a,1\n");
    set_field(&f->st.bnd_parent, NULL);
    expect_read_ok(f);
    assert_true(has_warning(&f->ds, "feature 0 ('BU00010001'): invalid polygon repaired "
                                    "(MakeValid)"));
    // the bow tie becomes two triangles of 25 m2 each
    assert_int_equal(f->ds.areas[0].geom.n_polys, 2);
    assert_double_close(ws_geom_area(&f->ds.areas[0].geom), 50.0, 1e-9, 0.0);
}

static void test_boundaries_points(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "buurten.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
               "\"properties\":{\"buurtcode\":\"BU00010001\",\"buurtnaam\":\"x\"},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[6.5,53.2]}}]}");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "holds points (Point), not polygons");
    assert_contains(f->err.where, "buurten.geojson, layer 'buurten'");
    assert_contains(f->err.hint, "polygon layer");
}

static void test_boundaries_missing_crs(void **state)
{
    struct fx *f = *state;

    // a shapefile without .prj
    set_field(&f->st.bnd_source, FIXTURES "/noprj.shp");
    set_field(&f->st.bnd_parent, NULL);
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "layer 'noprj' in '" FIXTURES "/noprj.shp' has no coordinate "
                                 "reference system");
    assert_contains(f->err.hint, "ogr2ogr -a_srs EPSG:28992");
    ws_err_clear(&f->err);

    // a CSV with a WKT column: geometries, but no CRS either
    write_file(f->dir, "wkt.csv",
               "WKT,buurtcode,buurtnaam\n"
               "\"POLYGON((0 0,1 0,1 1,0 1,0 0))\",BU00010001,x\n");
    free(f->st.bnd_source);
    f->st.bnd_source = ws_test_path(f->dir, "wkt.csv");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "has no coordinate reference system");
}

static void test_boundaries_empty_layer(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "buurten.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "layer 'buurten'");
    assert_contains(f->err.what, "has no features");
    assert_contains(f->err.hint, "[boundaries] source");
}

static void test_boundaries_duplicate_code(void **state)
{
    struct fx *f = *state;
    char *geo = ws_xstrdup(buurten_rd);
    char *p = strstr(geo, "BU00010003");

    memcpy(p, "BU00010001", 10);
    write_file(f->dir, "buurten.geojson", geo);
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "duplicate area code 'BU00010001'");
    assert_contains(f->err.where, "feature 2 ('BU00010001')");
    assert_contains(f->err.hint, "features 0 and 2");
    free(geo);
}

static void test_boundaries_missing_code(void **state)
{
    struct fx *f = *state;
    char *geo = ws_xstrdup(buurten_rd);
    char *p = strstr(geo, "\"BU00010003\"");

    memcpy(p, "\"          \"", 12); // blank code
    write_file(f->dir, "buurten.geojson", geo);
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "has no code in column 'buurtcode'");
    assert_contains(f->err.where, "feature 2");
    free(geo);
}

static void test_boundaries_missing_column(void **state)
{
    struct fx *f = *state;

    set_field(&f->st.bnd_name, "buurtnam");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "column 'buurtnam' not found in");
    assert_contains(f->err.where, "layer 'buurten'");
    assert_contains(f->err.hint, "did you mean 'buurtnaam'?");
    assert_contains(f->err.hint, "[boundaries] name");
}

static void test_missing_files(void **state)
{
    struct fx *f = *state;

    set_field(&f->st.case_source, "/nonexistent/cases.csv");
    expect_read_error(f, WS_ENOINPUT);
    assert_contains(f->err.what, "cannot read '/nonexistent/cases.csv'");
    assert_contains(f->err.where, "study.ini");
    ws_err_clear(&f->err);

    set_field(&f->st.bnd_source, "/nonexistent/buurten.gpkg");
    expect_read_error(f, WS_ENOINPUT);
    assert_contains(f->err.what, "buurten.gpkg");
}

static void test_bad_study_crs(void **state)
{
    struct fx *f = *state;

    set_field(&f->st.crs, "EPSG:4326");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "crs 'EPSG:4326' is not a projected");
    assert_contains(f->err.where, "study.ini");
}

static void test_statistics_not_a_number(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "stats.csv",
               "buurtcode;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\n"
               "BU00010001;2024;10;10;1;1\n"
               "BU00010002;2024;10;10;abc;1\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "value 'abc' in column 'gem_inkomen' is not a number");
    assert_contains(f->err.where, "stats.csv:3, column 'gem_inkomen'");
    assert_contains(f->err.hint, "decimal comma");
    assert_contains(f->err.hint, "-99999999");
}

static void test_statistics_negative_population(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "stats.csv",
               "buurtcode;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\n"
               "BU00010001;2024;-5;10;1;1\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "value '-5' in column 'inwoners_0_tot_15' is negative");
    assert_contains(f->err.where, "stats.csv:2, column 'inwoners_0_tot_15'");
}

static void test_statistics_duplicate(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "stats.csv",
               "buurtcode;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\n"
               "BU00010001;2024;10;10;1;1\n"
               "BU00010002;2024;10;10;1;1\n"
               "BU00010001;2024;11;10;1;1\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "duplicate statistics row for 'BU00010001', year 2024");
    assert_contains(f->err.where, "stats.csv:4");
    assert_contains(f->err.hint, "stats.csv:2");
}

static void test_statistics_missing_column(void **state)
{
    struct fx *f = *state;

    free(f->st.pop_terms[1]);
    f->st.pop_terms[1] = ws_xstrdup("inwoners_15_tot_2");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "column 'inwoners_15_tot_2' not found in");
    assert_contains(f->err.where, "stats.csv, header (line 1)");
    assert_contains(f->err.hint, "did you mean 'inwoners_15_tot_25'?");
    assert_contains(f->err.hint, "[statistics] population");
}

static void test_cases_unknown_code(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "cases.csv",
               "buurtcode,jaar,vraagtype,aantal\n"
               "BU00010001,2024,opvoeding,12\n"
               "BU0001002,2024,opvoeding,3\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "code 'BU0001002' is not a buurt in");
    assert_contains(f->err.where, "cases.csv:3, column 'buurtcode'");
    assert_contains(f->err.hint, "did you mean 'BU00010002'?");
}

static void test_cases_duplicate_row(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "cases.csv",
               "buurtcode,jaar,vraagtype,aantal\n"
               "BU00010001,2024,opvoeding,12\n"
               "BU00010002,2024,opvoeding,3\n"
               "BU00010001,2024,opvoeding,4\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "duplicate case row for 'BU00010001', year 2024, category "
                                 "'opvoeding'");
    assert_contains(f->err.what, "cases.csv:2");
    assert_contains(f->err.where, "cases.csv:4");
    assert_contains(f->err.hint, "does not sum");
}

static void test_cases_bad_counts(void **state)
{
    struct fx *f = *state;
    struct {
        const char *count;
        const char *what;
        bool quoted;
    } cases[] = {
        {"-3", "count '-3' in column 'aantal' is negative", true},
        {"2.5", "count '2.5' in column 'aantal' is not a whole number", true},
        {"\"2,5\"", "count '2,5' in column 'aantal' is not a whole number", true},
        {"zzyzx", "a value in column 'aantal' is not a whole number", false},
        {"Jansen", "a value in column 'aantal' is not a whole number", false},
        {"", "count is missing in column 'aantal'", false},
        {".", "count is missing in column 'aantal'", false},
        {"99999999999999999999", "count '99999999999999999999' in column 'aantal' is too large",
         true},
        {"123456789012345678901234567890", "a count in column 'aantal' is too large", false},
        {"5e1", "count '5e1' in column 'aantal' must be a whole number written with digits", true},
        {"1E2", "count '1E2' in column 'aantal' must be a whole number written with digits", true},
        // ',' file: '.' is the decimal point, "1.000" is one; "1,000" is ambiguous
        {"1.000", "", true},
        {"\"1,000\"",
         "count '1,000' in column 'aantal' does not follow the number format of a "
         "','-separated file",
         true},
        {"1.234.567",
         "count '1.234.567' in column 'aantal' does not follow the number format of a "
         "','-separated file",
         true},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "buurtcode,jaar,vraagtype,aantal\nBU00010001,2024,a,1\nBU00010002,2024,a,%s\n",
                 cases[i].count);
        write_file(f->dir, "cases.csv", text);
        ws_err_clear(&f->err);
        if (!cases[i].what[0]) {
            // "1.000" in a ',' file is one: fine
            expect_read_ok(f);
            assert_int_equal(f->ds.cases[1].count, 1);
            ws_dataset_release(&f->ds);
            continue;
        }
        expect_read_error(f, WS_EDATA);
        assert_contains(f->err.what, cases[i].what);
        assert_contains(f->err.where, "cases.csv:3, column 'aantal'");
        assert_contains(f->err.hint, "whole numbers >= 0");
        if (!cases[i].quoted && cases[i].count[0] && cases[i].count[0] != '.') {
            // a value that is not a number is never shown: it could be personal
            assert_lacks(f->err.what, cases[i].count);
            assert_lacks(f->err.where, cases[i].count);
            assert_lacks(f->err.hint, cases[i].count);
        }
    }
}

static void test_cases_unquoted_decimal_comma(void **state)
{
    struct fx *f = *state;

    // GDAL would read "2" and drop "5"; the field count gives it away
    write_file(f->dir, "cases.csv",
               "buurtcode,jaar,vraagtype,aantal\n"
               "BU00010001,2024,a,1\n"
               "BU00010002,2024,a,2,5");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "line has 5 fields but the header has 4");
    assert_contains(f->err.where, "cases.csv:3");
    assert_contains(f->err.hint, "quote it");
    ws_err_clear(&f->err);

    // fewer fields than the header: an error too, not an empty count
    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nBU00010001,2024,a\n");
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "line has 3 fields but the header has 4");
    assert_contains(f->err.where, "cases.csv:2");
    ws_err_clear(&f->err);

    // Excel's ';' at the end of each line (and an empty row) is fine
    write_file(f->dir, "cases.csv",
               "buurtcode;jaar;vraagtype;aantal\r\n"
               "BU00010001;2024;a;1;\r\n"
               ";;;;\r\n"
               "BU00010002;2024;a;2;\r\n");
    expect_read_ok(f);
    assert_int_equal(f->ds.n_cases, 2);
    assert_int_equal(f->ds.cases[1].line, 4);
}

/* Thousands separators and decimal points, per file (text.h). */
static void test_numbers_follow_the_separator(void **state)
{
    struct fx *f = *state;
    const struct ws_stat_row *s;

    // ';' (Dutch Excel): 1.000 is a thousand, 12.663 too, 1.234,5 as well
    write_file(f->dir, "stats.csv",
               "buurtcode;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\n"
               "BU00010001;2024;1.000;10;12.663;12,5\n"
               "BU00010002;2024;2.500;1.234.567;1.234,5;0,5\n");
    write_file(f->dir, "cases.csv",
               "buurtcode;jaar;vraagtype;aantal\n"
               "BU00010001;2024;a;1.000\n"
               "BU00010002;2.024;a;12\n" // even a year
               "BU00010003;2024;a;7,0\n");
    expect_read_ok(f);
    s = stat_of(&f->ds, "BU00010001");
    assert_double_close(s->population, 1010.0, 0.0, 0.0);
    assert_double_close(s->covariates[0], 12663.0, 0.0, 0.0);
    assert_double_close(s->covariates[1], 12.5, 1e-12, 0.0);
    s = stat_of(&f->ds, "BU00010002");
    assert_double_close(s->population, 1237067.0, 0.0, 0.0);
    assert_double_close(s->covariates[0], 1234.5, 1e-12, 0.0);
    assert_int_equal(f->ds.cases[0].count, 1000);
    assert_int_equal(f->ds.cases[1].year, 2024);
    assert_int_equal(f->ds.cases[2].count, 7);
    ws_dataset_release(&f->ds);

    // ',' : '.' is the decimal point, 12.663 is twelve and a bit
    write_file(f->dir, "stats.csv",
               "buurtcode,jaar,inwoners_0_tot_15,inwoners_15_tot_25,gem_inkomen,pct_koop\n"
               "BU00010001,2024,100,10,12.663,\"12,5\"\n");
    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nBU00010001,2024,a,1\n");
    expect_read_ok(f);
    s = stat_of(&f->ds, "BU00010001");
    assert_double_close(s->covariates[0], 12.663, 1e-12, 0.0);
    assert_double_close(s->covariates[1], 12.5, 1e-12, 0.0);
    ws_dataset_release(&f->ds);

    // ';' with a decimal point: refused, naming the value and the rule
    write_file(f->dir, "stats.csv",
               "buurtcode;jaar;inwoners_0_tot_15;inwoners_15_tot_25;gem_inkomen;pct_koop\n"
               "BU00010001;2024;100;10;25.5;1\n");
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "value '25.5' in column 'gem_inkomen' does not follow the "
                                     "number format of a ';'-separated file");
    assert_contains(f->err.where, "stats.csv:2, column 'gem_inkomen'");
    assert_contains(f->err.hint, "',' is the decimal comma and '.' only groups thousands");
    ws_err_clear(&f->err);

    // ';' count 1.0: not a thousands group, not a decimal point
    write_file(f->dir, "stats.csv", stats_csv);
    write_file(f->dir, "cases.csv", "buurtcode;jaar;vraagtype;aantal\nBU00010001;2024;a;1.0\n");
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "count '1.0' in column 'aantal' does not follow the number "
                                     "format of a ';'-separated file");
    assert_contains(f->err.hint, "whole numbers >= 0");
    ws_err_clear(&f->err);

    // ',' with a quoted thousands separator: ambiguous
    write_file(f->dir, "stats.csv",
               "buurtcode,jaar,inwoners_0_tot_15,inwoners_15_tot_25,gem_inkomen,pct_koop\n"
               "BU00010001,2024,\"1,000\",10,1,1\n");
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "value '1,000' in column 'inwoners_0_tot_15' does not follow "
                                     "the number format of a ','-separated file");
    assert_contains(f->err.hint, "'.' is the decimal point and thousands are not separated");
    ws_err_clear(&f->err);

    // a number too large for a double
    write_file(f->dir, "stats.csv",
               "buurtcode,jaar,inwoners_0_tot_15,inwoners_15_tot_25,gem_inkomen,pct_koop\n"
               "BU00010001,2024,1,1,1e400,1\n");
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "value '1e400' in column 'gem_inkomen' is too large");
}

static void test_cases_bad_year(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "cases.csv", "buurtcode,jaar,vraagtype,aantal\nBU00010001,2024.5,a,1\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "value '2024.5' in column 'jaar' is not a year");
    assert_contains(f->err.where, "cases.csv:2, column 'jaar'");
}

static void test_cases_personal_data(void **state)
{
    struct fx *f = *state;

    write_file(f->dir, "cases.csv",
               "buurtcode,jaar,vraagtype,aantal,geboortedatum\n"
               "BU00010001,2024,opvoeding,1,12-05-2014\n"
               "BU00010002,2024,gedrag,1,03-11-2016\n");
    expect_read_error(f, WS_EDATA);
    assert_int_equal(ws_status_exit_code(f->err.code), 65);
    assert_contains(f->err.what, "cases.csv' looks like personal data: column 'geboortedatum' "
                                 "holds birth dates");
    assert_contains(f->err.hint, "wijkscan accepts only anonymised counts per area, year and "
                                 "category: aggregate first");
    assert_lacks(f->err.what, "12-05-2014");
    assert_lacks(f->err.where, "12-05-2014");
    ws_err_clear(&f->err);

    // by values alone, under a neutral name: BSNs passing the 11-test
    write_file(f->dir, "cases.csv",
               "buurtcode,jaar,vraagtype,aantal,id\n"
               "BU00010001,2024,opvoeding,1,111222333\n"
               "BU00010002,2024,gedrag,1,123456782\n");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "column 'id' holds BSN");
    assert_lacks(f->err.what, "111222333");
    assert_lacks(f->err.where, "111222333");
    assert_lacks(f->err.hint, "111222333");
}

/* Writes a case table of n rows (3 buurten x years from 1900) with a column
 * 'dossier' that is empty before row `from` and holds 11-proof nine-digit
 * numbers from there on; row `bad` (0: none) has the count 'veel'. */
static void write_late_bsn_cases(struct fx *f, size_t n, size_t from, size_t bad)
{
    static const char *const bsn[] = {"111222333", "123456782", "999990019", "999990044"};
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_strbuf_adds(&sb, "buurtcode,jaar,vraagtype,aantal,dossier\n");
    for (size_t r = 1; r <= n; r++)
        ws_strbuf_addf(&sb, "BU0001000%zu,%zu,a,%s,%s\n", 1 + r % 3, 1900 + r / 3,
                       r == bad ? "veel" : "1", r >= from ? bsn[r % 4] : "");
    write_file(f->dir, "cases.csv", sb.buf);
    ws_strbuf_release(&sb);
}

/* Every row is scanned for personal data, not a sample. */
static void test_cases_personal_data_late(void **state)
{
    struct fx *f = *state;

    // empty for 400 rows, BSNs on the last 20: found
    write_late_bsn_cases(f, 420, 401, 0);
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "looks like personal data: column 'dossier' holds BSN");
    assert_contains(f->err.where, "cases.csv, column 'dossier'");
    assert_lacks(f->err.what, "99999");
    assert_lacks(f->err.hint, "99999");
    ws_err_clear(&f->err);

    // a bad row before them: the personal data is reported, not the row
    write_late_bsn_cases(f, 420, 401, 5);
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "column 'dossier' holds BSN");
    ws_err_clear(&f->err);

    // the same for a missing column
    set_field(&f->st.case_count, "aantl");
    expect_read_error(f, WS_EDATA);
    assert_contains(f->err.what, "column 'dossier' holds BSN");
    ws_err_clear(&f->err);
    set_field(&f->st.case_count, "aantal");

    // without the BSNs the bad row is reported
    write_late_bsn_cases(f, 420, 421, 5);
    expect_read_error(f, WS_EDATA);
    assert_string_equal(f->err.what, "a value in column 'aantal' is not a whole number");
    assert_contains(f->err.where, "cases.csv:6, column 'aantal'");
    ws_err_clear(&f->err);

    // and a table without any is read in full
    write_late_bsn_cases(f, 420, 421, 0);
    expect_read_ok(f);
    assert_int_equal(f->ds.n_cases, 420);
}

/* ---- points ---- */

static void test_points(void **state)
{
    struct fx *f = *state;
    struct ws_ogr_points p;
    char *semi = ws_test_path(f->dir, "loc.csv");
    char *xy = ws_test_path(f->dir, "xy.csv");
    char *geo = ws_test_path(f->dir, "loc.geojson");

    ws_ogr_points_init(&p);
    // Dutch Excel: ';' and decimal commas; no name column: the row number
    write_file(f->dir, "loc.csv", "Naam;LAT;Lon\r\nWijkpost;53,22068;6,53128\r\n;53,2;6,5\r\n");
    assert_int_equal(ws_ogr_read_points(semi, NULL, "naam", NULL, &p, &f->err), WS_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.crs, "EPSG:4326");
    assert_string_equal(p.points[0].name, "Wijkpost");
    assert_double_close(p.points[0].x, 6.53128, 1e-12, 0.0);
    assert_double_close(p.points[0].y, 53.22068, 1e-12, 0.0);
    assert_int_equal(p.points[1].line, 3);
    ws_ogr_points_release(&p);
    assert_int_equal(ws_ogr_read_points(semi, NULL, NULL, NULL, &p, &f->err), WS_OK);
    assert_string_equal(p.points[1].name, "2");
    ws_ogr_points_release(&p);

    // a bad coordinate, and coordinates that are not lon/lat
    write_file(f->dir, "loc.csv", "naam,lon,lat\nA,6.5,53.2\nB,abc,53.2\n");
    assert_int_equal(ws_ogr_read_points(semi, NULL, "naam", NULL, &p, &f->err), WS_EDATA);
    assert_contains(f->err.what, "value 'abc' in column 'lon' is not a number");
    assert_contains(f->err.where, "loc.csv:3, column 'lon'");
    ws_err_clear(&f->err);
    write_file(f->dir, "loc.csv", "naam,lon,lat\nA,233890,582067\n");
    assert_int_equal(ws_ogr_read_points(semi, NULL, "naam", NULL, &p, &f->err), WS_EDATA);
    assert_contains(f->err.what, "is not in degrees");
    ws_err_clear(&f->err);
    write_file(f->dir, "xy.csv", "naam,x,y\nA,233890,582067\n");
    assert_int_equal(ws_ogr_read_points(xy, NULL, "naam", NULL, &p, &f->err), WS_EDATA);
    assert_contains(f->err.what, "has no longitude and latitude columns");
    ws_err_clear(&f->err);

    // point geometries with a CRS
    write_file(f->dir, "loc.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
               "\"properties\":{\"naam\":\"Wijkpost\"},\"geometry\":{\"type\":\"Point\","
               "\"coordinates\":[6.53128,53.22068]}}]}");
    assert_int_equal(ws_ogr_read_points(geo, NULL, "naam", "[locations] name", &p, &f->err), WS_OK);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.points[0].name, "Wijkpost");
    assert_double_close(p.points[0].x, 6.53128, 1e-12, 0.0); // lon first despite EPSG:4326
    assert_non_null(strstr(p.crs, "4326"));
    ws_ogr_points_release(&p);
    assert_int_equal(ws_ogr_read_points(geo, NULL, "name", "[locations] name", &p, &f->err),
                     WS_EDATA);
    assert_contains(f->err.hint, "did you mean 'naam'?");
    ws_err_clear(&f->err);
    assert_int_equal(ws_ogr_read_points(f->st.bnd_source, NULL, NULL, NULL, &p, &f->err), WS_EDATA);
    assert_contains(f->err.what, "is not a point (Polygon)");

    // the demo locations
    if (exists("data/groningen/locaties.csv")) {
        assert_int_equal(
            ws_ogr_read_points("data/groningen/locaties.csv", NULL, "naam", NULL, &p, &f->err),
            WS_OK);
        assert_true(p.n >= 1);
        assert_true(p.points[0].x > 6.0 && p.points[0].x < 7.0);
        ws_ogr_points_release(&p);
    }
    free(semi);
    free(xy);
    free(geo);
}

/* ---- ws_load_write ---- */

static void test_load_write(void **state)
{
    struct fx *f = *state;
    char *out = ws_test_path(f->dir, "out");
    char *nested = ws_test_path(f->dir, "out/a/b");
    struct ws_strbuf sb = WS_STRBUF_INIT;
    char *store = NULL;

    expect_read_ok(f);
    assert_int_equal(ws_load_write(&f->st, &f->ds, nested, &f->err), WS_OK);
    ws_strbuf_addf(&sb, "%s/wijkscan.sqlite", nested);
    store = ws_strbuf_detach(&sb);
    assert_true(exists(store));
    // again: replaced atomically, no temporary file left
    assert_int_equal(ws_load_write(&f->st, &f->ds, nested, &f->err), WS_OK);
    ws_strbuf_addf(&sb, "%s/.wijkscan.sqlite.tmp-%ld", nested, (long)getpid());
    assert_false(exists(sb.buf));
    ws_strbuf_release(&sb);
    unlink(store);
    free(store);
    rmdir(nested);
    ws_strbuf_addf(&sb, "%s/a", out);
    rmdir(sb.buf);
    ws_strbuf_release(&sb);
    rmdir(out);

    // an output "folder" that is a file
    assert_int_equal(ws_load_write(&f->st, &f->ds, f->st.stat_source, &f->err), WS_ECANTCREAT);
    assert_contains(f->err.what, "cannot create folder");
    assert_contains(f->err.hint, "-o OUTDIR");
    free(out);
    free(nested);
}

static void test_level_names(void **state)
{
    (void)state;
    assert_string_equal(ws_level_name(WS_LEVEL_BUURT), "buurt");
    assert_string_equal(ws_level_name(WS_LEVEL_WIJK), "wijk");
    assert_string_equal(ws_level_name(WS_LEVEL_GEMEENTE), "gemeente");
}

/* ---- the real demo data ---- */

static void test_groningen(void **state)
{
    struct fx *f = *state;
    struct ws_study *st = &f->st;

    if (!exists("data/groningen/groningen_2024_rd.gpkg"))
        skip();
    set_field(&st->bnd_source, "data/groningen/groningen_2024_rd.gpkg");
    set_field(&st->bnd_layer, "buurten");
    set_field(&st->bnd_parent_name, "wijknaam");
    set_field(&st->bnd_gemeente, "gemeentecode");
    set_field(&st->stat_source, "data/groningen/kerncijfers_buurten_2024.csv");
    set_field(&st->population, "inwoners_0_tot_15");
    set_field(&st->pop_terms[0], "inwoners_0_tot_15");
    set_field(&st->pop_terms[1], NULL);
    st->n_pop_terms = 1;
    set_field(&st->covariates[0], "gem_woz_waarde_x1000");
    set_field(&st->covariates[1], "bevolkingsdichtheid_per_km2");
    set_field(&st->case_source, "data/groningen/casussen_synthetisch.csv");
    expect_read_ok(f);
    assert_int_equal(f->ds.n_areas, 151);
    assert_int_equal(f->ds.n_stats, 151);
    assert_true(f->ds.n_cases > 1000);
    assert_string_equal(f->ds.areas[0].gemeente, "GM0014");
    assert_string_equal(f->ds.areas[0].parent_name, "Centrum");
    assert_true(has_warning(&f->ds, "cases of 2021 use the statistics of 2024"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test_setup_teardown(test_sha256_file, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_dutch_excel_csv, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_bom_and_lines, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_spreadsheets, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_errors, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_csv_structure, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_field_counts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_table_number_conventions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_crs_check, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_crs_transform, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_ok, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_no_category_and_gemeente_column, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_gemeente_default_study, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_cases_from_spreadsheets, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_reprojects, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_bowtie_repaired, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_points, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_missing_crs, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_empty_layer, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_duplicate_code, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_missing_code, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_missing_column, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_missing_files, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_study_crs, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_statistics_not_a_number, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_statistics_negative_population, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_statistics_duplicate, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_statistics_missing_column, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_unknown_code, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_duplicate_row, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_bad_counts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_unquoted_decimal_comma, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_bad_year, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_personal_data, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cases_personal_data_late, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_numbers_follow_the_separator, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_points, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_write, fx_setup, fx_teardown),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test_setup_teardown(test_groningen, fx_setup, fx_teardown),
    };
    int failed;

    ws_ogr_global_init();
    ws_db_global_init();
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    ws_db_global_shutdown();
    ws_crs_global_shutdown();
    ws_ogr_global_shutdown();
    return failed;
}
