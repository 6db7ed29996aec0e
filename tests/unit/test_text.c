/*
 * test_text.c - numbers, no-data markers, Windows-1252, BOM, integers.
 */
#include "helpers.h"

#include "wijkscan/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check_number(const char *s, double expected)
{
    double v = -12345.0;
    enum ws_num_status st = ws_parse_number(s, &v);
    if (st != WS_NUM_OK)
        fail_msg("'%s': expected a number, got status %d", s, (int)st);
    if (fabs(v - expected) > 1e-9 * fmax(1.0, fabs(expected)))
        fail_msg("'%s': expected %.17g, got %.17g", s, expected, v);
}

static void check_not_number(const char *s, enum ws_num_status expected)
{
    double v = -12345.0;
    enum ws_num_status st = ws_parse_number(s, &v);
    if (st != expected)
        fail_msg("'%s': expected status %d, got %d (value %g)", s, (int)expected, (int)st, v);
    assert_true(v == -12345.0); // *out untouched
}

static void test_trim(void **state)
{
    (void)state;
    char a[] = "  buurtcode\t\r\n";
    char b[] = "\xEF\xBB\xBF"
               "buurtcode";
    char c[] = "\xEF\xBB\xBF  x ";
    char d[] = "   ";
    char e[] = "";
    char f[] = "n\xC3\xA9";
    assert_string_equal(ws_trim(a), "buurtcode");
    assert_string_equal(ws_trim(b), "buurtcode");
    assert_string_equal(ws_trim(c), "x");
    assert_string_equal(ws_trim(d), "");
    assert_string_equal(ws_trim(e), "");
    assert_string_equal(ws_trim(f), "n\xC3\xA9");
    assert_null(ws_trim(NULL));
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(ws_utf8_valid(""));
    assert_true(ws_utf8_valid("plain ascii"));
    assert_true(ws_utf8_valid("Caf\xC3\xA9"));      // é
    assert_true(ws_utf8_valid("\xE2\x82\xAC"));     // €
    assert_true(ws_utf8_valid("\xF0\x9F\x98\x80")); // emoji
    assert_true(ws_utf8_valid("\xEF\xBB\xBF"
                              "BOM"));
    assert_false(ws_utf8_valid("Caf\xE9"));          // cp1252 é
    assert_false(ws_utf8_valid("\x80"));             // lone continuation
    assert_false(ws_utf8_valid("\xC3"));             // truncated
    assert_false(ws_utf8_valid("\xC0\xAF"));         // overlong '/'
    assert_false(ws_utf8_valid("\xE0\x80\xAF"));     // overlong 3-byte
    assert_false(ws_utf8_valid("\xED\xA0\x80"));     // surrogate
    assert_false(ws_utf8_valid("\xF4\x90\x80\x80")); // > U+10FFFF
    assert_false(ws_utf8_valid("\xE2\x82"));         // truncated €
    assert_false(ws_utf8_valid(NULL));
}

static void test_cp1252(void **state)
{
    (void)state;
    struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"abc", "abc"},
        {"", ""},
        {"Caf\xE9", "Caf\xC3\xA9"},               // é
        {"\x80", "\xE2\x82\xAC"},                 // €
        {"\x85", "\xE2\x80\xA6"},                 // …
        {"\x8A", "\xC5\xA0"},                     // Š
        {"\x91\x92", "\xE2\x80\x98\xE2\x80\x99"}, // ‘ ’
        {"\x93\x94", "\xE2\x80\x9C\xE2\x80\x9D"}, // “ ”
        {"\x96\x97", "\xE2\x80\x93\xE2\x80\x94"}, // – —
        {"\x99", "\xE2\x84\xA2"},                 // ™
        {"\x9F", "\xC5\xB8"},                     // Ÿ
        {"\x81", "\xC2\x81"},                     // undefined -> C1
        {"\xA0", "\xC2\xA0"},                     // nbsp
        {"\xEB", "\xC3\xAB"},                     // ë
        {"\xFF", "\xC3\xBF"},                     // ÿ
        {"'s-Hertogenbosch \xE9\xE8", "'s-Hertogenbosch \xC3\xA9\xC3\xA8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *u = ws_cp1252_to_utf8(cases[i].in);
        assert_string_equal(u, cases[i].out);
        assert_true(ws_utf8_valid(u));
        free(u);
    }
    // every byte 0x01-0xFF converts to valid UTF-8
    char all[256];
    for (int b = 1; b < 256; b++)
        all[b - 1] = (char)b;
    all[255] = '\0';
    char *u = ws_cp1252_to_utf8(all);
    assert_true(ws_utf8_valid(u));
    free(u);
    assert_null(ws_cp1252_to_utf8(NULL));
}

static void test_nodata(void **state)
{
    (void)state;
    assert_true(ws_is_nodata(""));
    assert_true(ws_is_nodata("   "));
    assert_true(ws_is_nodata("."));
    assert_true(ws_is_nodata(" . "));
    assert_true(ws_is_nodata("-99999999"));
    assert_true(ws_is_nodata("-99999997"));
    assert_true(ws_is_nodata(" -99999997\r"));
    assert_true(ws_is_nodata(NULL));
    assert_false(ws_is_nodata("0"));
    assert_false(ws_is_nodata("-"));
    assert_false(ws_is_nodata(".."));
    assert_false(ws_is_nodata("-99999998"));
    assert_false(ws_is_nodata("-999999999"));
    assert_false(ws_is_nodata("99999999"));
    assert_false(ws_is_nodata("abc"));
}

static void test_numbers(void **state)
{
    (void)state;
    check_number("0", 0.0);
    check_number("12", 12.0);
    check_number("-3", -3.0);
    check_number("+4", 4.0);
    check_number("1.5", 1.5);
    check_number("1,5", 1.5);
    check_number("12,5", 12.5);
    check_number("-0,25", -0.25);
    check_number(" 7,5 ", 7.5);
    check_number("\t42\r\n", 42.0);
    check_number(",5", 0.5);
    check_number(".5", 0.5);
    check_number("5.", 5.0);
    check_number("1e3", 1000.0);
    check_number("1E-2", 0.01);
    check_number("2,5e2", 250.0);
    check_number("1.234,5", 1234.5); // Dutch thousands
    check_number("1,234.5", 1234.5); // English thousands
    check_number("-1.234.567,89", -1234567.89);
    check_number("1,234,567.5", 1234567.5);
    check_number("1.234.567", 1234567.0);
    check_number("12.345.678", 12345678.0);
    check_number("1,234", 1.234); // one comma: a decimal comma
    check_number("1.234", 1.234); // one dot: a decimal point
    check_number("123456789", 123456789.0);
    check_number("1e-400", 0.0); // underflow reads as zero
    check_number("1.234,5e3", 1234500.0);

    check_not_number("", WS_NUM_MISSING);
    check_not_number(".", WS_NUM_MISSING);
    check_not_number("-99999999", WS_NUM_MISSING);
    check_not_number("-99999997", WS_NUM_MISSING);
    check_not_number(NULL, WS_NUM_MISSING);
    check_not_number("-", WS_NUM_INVALID);
    check_not_number("+", WS_NUM_INVALID);
    check_not_number(",", WS_NUM_INVALID);
    check_not_number("abc", WS_NUM_INVALID);
    check_not_number("12abc", WS_NUM_INVALID);
    check_not_number("1 234", WS_NUM_INVALID);
    check_not_number("1e400", WS_NUM_INVALID);
    check_not_number("-1e400", WS_NUM_INVALID);
    check_not_number("inf", WS_NUM_INVALID);
    check_not_number("nan", WS_NUM_INVALID);
    check_not_number("0x10", WS_NUM_INVALID);
    check_not_number("1.2.3", WS_NUM_INVALID); // bad thousands groups
    check_not_number("1,2,3", WS_NUM_INVALID);
    check_not_number("1.234,5,6", WS_NUM_INVALID);
    check_not_number("1,23.5", WS_NUM_INVALID);     // group of two
    check_not_number("1234.567,5", WS_NUM_INVALID); // leading group of four
    check_not_number("1.2,5.3", WS_NUM_INVALID);
    check_not_number("1e3.5", WS_NUM_INVALID);
    check_not_number("1e", WS_NUM_INVALID);
    check_not_number("--1", WS_NUM_INVALID);
    check_not_number("1-2", WS_NUM_INVALID);
    check_not_number("\xE2\x82\xAC 5", WS_NUM_INVALID);
    check_not_number("5%", WS_NUM_INVALID);
}

static void test_integers(void **state)
{
    (void)state;
    long long v = -1;
    struct {
        const char *s;
        long long v;
    } ok[] = {
        {"12", 12},
        {"0", 0},
        {"-7", -7},
        {"+3", 3},
        {"12.0", 12},
        {"12,0", 12},
        {" 2021 ", 2021},
        {"1e3", 1000},
        {"1.234,0", 1234},
        {"00012", 12},
        {"9223372036854775807", 9223372036854775807LL},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        v = -1;
        if (ws_parse_integer(ok[i].s, &v) != WS_NUM_OK)
            fail_msg("'%s' should be an integer", ok[i].s);
        assert_int_equal(v, ok[i].v);
    }
    const char *bad[] = {"12.5", "12,5", "-", "abc", "1e400", "0.1", "1 2", "9223372036854775808",
                         "1e20", "12a"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = -1;
        if (ws_parse_integer(bad[i], &v) != WS_NUM_INVALID)
            fail_msg("'%s' should not be an integer", bad[i]);
        assert_int_equal(v, -1);
    }
    const char *missing[] = {"", ".", "-99999999", "-99999997", "  "};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        v = -1;
        assert_int_equal(ws_parse_integer(missing[i], &v), WS_NUM_MISSING);
        assert_int_equal(v, -1);
    }
}

static void test_strcasecmp(void **state)
{
    (void)state;
    assert_int_equal(ws_strcasecmp("BuurtCode", "buurtcode"), 0);
    assert_int_equal(ws_strcasecmp("", ""), 0);
    assert_true(ws_strcasecmp("a", "B") < 0);
    assert_true(ws_strcasecmp("b", "A") > 0);
    assert_true(ws_strcasecmp("abc", "ab") > 0);
    assert_true(ws_strcasecmp("ab", "ABC") < 0);
    assert_true(ws_strcasecmp("\xC3\xA9", "\xC3\x89") != 0); // ASCII only
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim),       cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_cp1252),     cmocka_unit_test(test_nodata),
        cmocka_unit_test(test_numbers),    cmocka_unit_test(test_integers),
        cmocka_unit_test(test_strcasecmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
