/*
 * test_xlsx.c - the streamed .xlsx writer (xlsx.h) and the zip functions of
 * the GDAL wrapper under it: text escaping, numbers that read back exactly,
 * column letters, sheet names, a workbook read back through GDAL (sheet
 * names, header, cell types, NULLs as empty cells), the refusals (an
 * existing file, a missing folder, a bad or repeated sheet name, no sheet,
 * a row outside a sheet) and the row limit of a sheet.
 */
#include "helpers.h"

#include "wijkscan/load/ogr_source.h"
#include "wijkscan/report/xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void check_text(const char *in, const char *want)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_xlsx_add_text(&sb, in);
    assert_string_equal(sb.buf ? sb.buf : "", want);
    ws_strbuf_release(&sb);
}

static void test_text(void **state)
{
    (void)state;
    check_text("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d\"e'f");
    check_text("tab\there\nline", "tab\there\nline");
    check_text("\x01x\r\x1f", "_x0001_x_x000D__x001F_");
    // a literal escape sequence survives a reader's decoding
    check_text("_x0041_", "_x005F_x0041_");
    check_text("a_x00e9_b", "a_x005F_x00e9_b");
    check_text("_x004_", "_x004_");
    check_text("_xZZZZ_ _x", "_xZZZZ_ _x");
    check_text("Oranjewijk-Zuid \xc3\xa9\xe2\x82\xac", "Oranjewijk-Zuid \xc3\xa9\xe2\x82\xac");
    check_text("", "");
    check_text(NULL, "");
}

static void check_number(double d, const char *want)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_xlsx_add_number(&sb, d);
    assert_string_equal(sb.buf, want);
    assert_true(strtod(sb.buf, NULL) == d);
    ws_strbuf_release(&sb);
}

static void test_number(void **state)
{
    (void)state;
    check_number(0.1, "0.1");
    check_number(-0.0, "0");
    check_number(2021, "2021");
    check_number(35.333333333333336, "35.333333333333336");
    check_number(1.0 / 3.0, "0.3333333333333333");
    check_number(0.1 + 0.2, "0.30000000000000004");
    check_number(-12.5, "-12.5");
    check_number(1e300, "1e+300");
    check_number(4.9406564584124654e-324, "4.94065645841247e-324");
    check_number(123456789012345.0, "123456789012345");
}

static void check_column(size_t k, const char *want)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_xlsx_add_column(&sb, k);
    assert_string_equal(sb.buf, want);
    ws_strbuf_release(&sb);
}

static void test_columns(void **state)
{
    (void)state;
    check_column(0, "A");
    check_column(25, "Z");
    check_column(26, "AA");
    check_column(27, "AB");
    check_column(701, "ZZ");
    check_column(702, "AAA");
    check_column(16383, "XFD");
}

static void test_sheet_names(void **state)
{
    (void)state;
    assert_true(ws_xlsx_sheet_name_ok("buurt"));
    assert_true(ws_xlsx_sheet_name_ok("gemeente"));
    assert_true(ws_xlsx_sheet_name_ok("a&b <c> \"d\""));
    assert_true(ws_xlsx_sheet_name_ok("it's"));
    assert_true(ws_xlsx_sheet_name_ok("1234567890123456789012345678901"));
    assert_false(ws_xlsx_sheet_name_ok("12345678901234567890123456789012"));
    // 31 characters of two bytes each
    assert_true(ws_xlsx_sheet_name_ok("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                      "\xc3\xa9\xc3\xa9\xc3\xa9"));
    assert_false(ws_xlsx_sheet_name_ok(""));
    assert_false(ws_xlsx_sheet_name_ok(NULL));
    assert_false(ws_xlsx_sheet_name_ok("a/b"));
    assert_false(ws_xlsx_sheet_name_ok("a\\b"));
    assert_false(ws_xlsx_sheet_name_ok("a:b"));
    assert_false(ws_xlsx_sheet_name_ok("a?"));
    assert_false(ws_xlsx_sheet_name_ok("a*"));
    assert_false(ws_xlsx_sheet_name_ok("[a]"));
    assert_false(ws_xlsx_sheet_name_ok("a\tb"));
    assert_false(ws_xlsx_sheet_name_ok("'a"));
    assert_false(ws_xlsx_sheet_name_ok("a'"));
}

static const struct ws_ogr_field cols[3] = {
    {"Naam & <code>", WS_OGR_TEXT}, {"Aantal", WS_OGR_INTEGER}, {"Per 1.000", WS_OGR_REAL}};

static void set_row(struct ws_ogr_value *v, const char *s, int64_t i, double d)
{
    memset(v, 0, 3 * sizeof(*v));
    v[0].s = s;
    v[1].i = i;
    v[2].d = d;
}

/* Writes sheets "leeg" (no rows: empty, no header) and "a&b" (four rows). */
static void write_workbook(const char *path)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_xlsx *x = NULL;
    struct ws_ogr_value v[3];

    assert_int_equal(ws_xlsx_create(path, &x, &err), WS_OK);
    // (GDAL drops empty sheets at the end of a workbook, as spreadsheet
    // programs leave them: the empty one goes first)
    assert_int_equal(ws_xlsx_sheet_begin(x, "leeg", cols, 3, &err), WS_OK);
    assert_int_equal(ws_xlsx_sheet_begin(x, "a&b", cols, 3, &err), WS_OK);
    set_row(v, "BU1 <\"x\"> & y", 55, 35.333333333333336);
    assert_int_equal(ws_xlsx_row(x, v, &err), WS_OK);
    set_row(v, NULL, 0, NAN); // all NULL
    v[1].null = true;
    assert_int_equal(ws_xlsx_row(x, v, &err), WS_OK);
    set_row(v, "", -9007199254740993LL, INFINITY); // "" and infinity: empty
    assert_int_equal(ws_xlsx_row(x, v, &err), WS_OK);
    set_row(v, "z", 0, 0.1);
    v[0].null = true; // null wins over s
    assert_int_equal(ws_xlsx_row(x, v, &err), WS_OK);
    assert_int_equal(ws_xlsx_finish(x, &err), WS_OK);
}

static void expect_row(struct ws_ogr_table *t, const char *a, const char *b, const char *c)
{
    struct ws_err err = WS_ERR_INIT;

    assert_int_equal(ws_ogr_table_next(t, &err), 1);
    assert_string_equal(ws_ogr_table_value(t, 0), a);
    assert_string_equal(ws_ogr_table_value(t, 1), b);
    assert_string_equal(ws_ogr_table_value(t, 2), c);
}

static void test_workbook(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_ogr_table *t = NULL;
    char *dir = ws_test_tmpdir(), *path = ws_test_path(dir, "t.xlsx");
    const char *const *names;
    struct stat sb;

    (void)state;
    write_workbook(path);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(ws_ogr_table_open(path, "a&b", NULL, &t, &err), WS_OK);
    assert_int_equal(ws_ogr_table_n_fields(t), 3);
    names = ws_ogr_table_fields(t);
    assert_string_equal(names[0], "Naam & <code>");
    assert_string_equal(names[1], "Aantal");
    assert_string_equal(names[2], "Per 1.000");
    expect_row(t, "BU1 <\"x\"> & y", "55", "35.333333333333336");
    expect_row(t, "", "", "");
    expect_row(t, "", "-9007199254740993", "");
    expect_row(t, "", "0", "0.1");
    assert_int_equal(ws_ogr_table_next(t, &err), 0);
    ws_ogr_table_close(t);
    // the empty sheet is there, without columns
    assert_int_equal(ws_ogr_table_open(path, "leeg", NULL, &t, &err), WS_EDATA);
    assert_null(strstr(err.what, "not found"));
    ws_err_clear(&err);
    free(path);
    ws_test_rmtree(dir);
    free(dir);
}

static void test_refusals(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_xlsx *x = NULL;
    struct ws_ogr_value v[3];
    char *dir = ws_test_tmpdir(), *path = ws_test_path(dir, "t.xlsx");

    (void)state;
    // a missing folder fails at once
    assert_int_equal(ws_xlsx_create("/nonexistent/wijkscan/t.xlsx", &x, &err), WS_ECANTCREAT);
    assert_null(x);
    assert_non_null(strstr(err.what, "t.xlsx"));
    ws_err_clear(&err);
    // no sheet, a row outside a sheet, bad and repeated names
    assert_int_equal(ws_xlsx_create(path, &x, &err), WS_OK);
    set_row(v, "a", 1, 1);
    assert_int_equal(ws_xlsx_row(x, v, &err), WS_EINTERNAL);
    ws_err_clear(&err);
    assert_int_equal(ws_xlsx_sheet_begin(x, "a/b", cols, 3, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "a/b"));
    ws_err_clear(&err);
    assert_int_equal(ws_xlsx_sheet_begin(x, "buurt", cols, 3, &err), WS_OK);
    assert_int_equal(ws_xlsx_sheet_begin(x, "Buurt", cols, 3, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "twice"));
    ws_err_clear(&err);
    ws_xlsx_abort(x);
    ws_xlsx_abort(NULL);
    // an existing file is never overwritten
    assert_int_equal(ws_xlsx_create(path, &x, &err), WS_ECANTCREAT);
    assert_null(x);
    assert_non_null(strstr(err.what, "exists"));
    ws_err_clear(&err);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ws_xlsx_create(path, &x, &err), WS_OK);
    assert_int_equal(ws_xlsx_finish(x, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "without sheets"));
    assert_int_equal(ws_xlsx_finish(NULL, &err), WS_OK);
    free(path);
    ws_test_rmtree(dir);
    free(dir);
}

/* Fills sheet "veel" up to its limit; the next row is refused. */
static void fill_sheet(size_t limit, const char *want_cause)
{
    static const struct ws_ogr_field one[1] = {{"n", WS_OGR_INTEGER}};
    struct ws_err err = WS_ERR_INIT;
    struct ws_xlsx *x = NULL;
    struct ws_ogr_value v = {.i = 1};
    char *dir = ws_test_tmpdir();
    char *path = ws_test_path(dir, "t.xlsx");

    assert_int_equal(ws_xlsx_create(path, &x, &err), WS_OK);
    if (limit != WS_XLSX_MAX_ROWS)
        ws_xlsx_set_row_limit(x, limit);
    assert_int_equal(ws_xlsx_sheet_begin(x, "veel", one, 1, &err), WS_OK);
    for (size_t i = 1; i < limit; i++)
        if (ws_xlsx_row(x, &v, &err) != WS_OK)
            fail_msg("row %zu: %s", i, err.what);
    assert_int_equal(ws_xlsx_row(x, &v, &err), WS_ECANTCREAT);
    assert_non_null(strstr(err.what, "'veel'"));
    assert_non_null(strstr(err.cause, want_cause));
    ws_xlsx_abort(x);
    free(path);
    ws_test_rmtree(dir);
    free(dir);
}

/* A sheet holds 1,048,576 rows, the header included (WS_TEST_QUICK: a
 * lowered limit of 10 only, the same path without a million rows). */
static void test_row_limit(void **state)
{
    (void)state;
    fill_sheet(10, "at most 10 rows");
    if (!getenv("WS_TEST_QUICK"))
        fill_sheet(WS_XLSX_MAX_ROWS, "at most 1048576 rows");
}

static int setup(void **state)
{
    (void)state;
    ws_ogr_global_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ws_ogr_global_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),      cmocka_unit_test(test_number),
        cmocka_unit_test(test_columns),   cmocka_unit_test(test_sheet_names),
        cmocka_unit_test(test_workbook),  cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_row_limit),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
