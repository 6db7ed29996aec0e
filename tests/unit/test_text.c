/*
 * test_text.c - numbers, no-data markers, Windows-1252, BOM, integers.
 */
#include "helpers.h"

#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/text.h"

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

/* CSV quoting for ',' and ';' files, and XML/HTML escaping (core/strbuf). */
static void test_strbuf_quoting(void **state)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    (void)state;
    ws_strbuf_add_csv(&sb, "a,b");
    ws_strbuf_addch(&sb, '|');
    ws_strbuf_add_csv(&sb, "a;b");
    ws_strbuf_addch(&sb, '|');
    ws_strbuf_add_csv_sep(&sb, "a;b", ';');
    ws_strbuf_addch(&sb, '|');
    ws_strbuf_add_csv_sep(&sb, "a,\"b\"", ';');
    ws_strbuf_addch(&sb, '|');
    ws_strbuf_add_csv_sep(&sb, NULL, ';');
    assert_string_equal(sb.buf, "\"a,b\"|a;b|\"a;b\"|\"a,\"\"b\"\"\"|");
    ws_strbuf_reset(&sb);
    ws_strbuf_add_xml(&sb, "<a & \"b\">", false);
    ws_strbuf_addch(&sb, '|');
    ws_strbuf_add_xml(&sb, "<a & \"b\">", true);
    ws_strbuf_add_xml(&sb, NULL, true);
    assert_string_equal(sb.buf, "&lt;a &amp; \"b\"&gt;|&lt;a &amp; &quot;b&quot;&gt;");
    ws_strbuf_release(&sb);
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
    check_not_number("1e400", WS_NUM_TOO_LARGE);
    check_not_number("-1e400", WS_NUM_TOO_LARGE);
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
        {"12", 12},       {"0", 0},
        {"-7", -7},       {"+3", 3},
        {"12.0", 12},     {"12,0", 12},
        {" 2021 ", 2021}, {"1.234,0", 1234},
        {"00012", 12},    {"9223372036854775807", 9223372036854775807LL},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        v = -1;
        if (ws_parse_integer(ok[i].s, &v) != WS_NUM_OK)
            fail_msg("'%s' should be an integer", ok[i].s);
        assert_int_equal(v, ok[i].v);
    }
    struct {
        const char *s;
        enum ws_num_status st;
    } bad[] = {
        {"12.5", WS_NUM_NOT_WHOLE},
        {"12,5", WS_NUM_NOT_WHOLE},
        {"0.1", WS_NUM_NOT_WHOLE},
        {"-", WS_NUM_INVALID},
        {"abc", WS_NUM_INVALID},
        {"1 2", WS_NUM_INVALID},
        {"12a", WS_NUM_INVALID},
        {"1e3", WS_NUM_EXPONENT}, // whole, but not written with digits
        {"5e1", WS_NUM_EXPONENT},
        {"5E1", WS_NUM_EXPONENT},
        {"1e20", WS_NUM_EXPONENT},
        {"1e400", WS_NUM_EXPONENT},
        {"1e", WS_NUM_INVALID},
        {"9223372036854775808", WS_NUM_TOO_LARGE},
        {"99999999999999999999", WS_NUM_TOO_LARGE},
        {"-99999999999999999999", WS_NUM_TOO_LARGE},
        {"1234567890123456789012345678901234567890", WS_NUM_TOO_LARGE},
        {"9.007.199.254.740.993", WS_NUM_TOO_LARGE}, // beyond 2^53 with separators
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum ws_num_status st;
        v = -1;
        st = ws_parse_integer(bad[i].s, &v);
        if (st != bad[i].st)
            fail_msg("'%s': expected status %d, got %d", bad[i].s, (int)bad[i].st, (int)st);
        assert_int_equal(v, -1);
    }
    const char *missing[] = {"", ".", "-99999999", "-99999997", "  "};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        v = -1;
        assert_int_equal(ws_parse_integer(missing[i], &v), WS_NUM_MISSING);
        assert_int_equal(v, -1);
    }
}

/* One value in the four conventions: the expected status and value of each
 * (GUESS, POINT, COMMA, EITHER); the value is used only where the status is
 * WS_NUM_OK. */
struct conv_case {
    const char *s;
    enum ws_num_status st[4];
    double v[4];
};

#define OK_ WS_NUM_OK
#define CV_ WS_NUM_CONVENTION
#define IN_ WS_NUM_INVALID

static void check_conv_cases(const struct conv_case *cases, size_t n)
{
    static const enum ws_num_conv convs[4] = {WS_NUM_GUESS, WS_NUM_POINT, WS_NUM_COMMA,
                                              WS_NUM_EITHER};
    static const char *const names[4] = {"GUESS", "POINT", "COMMA", "EITHER"};

    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < 4; k++) {
            double v = -12345.0;
            enum ws_num_status st = ws_parse_number_conv(cases[i].s, convs[k], &v);
            if (st != cases[i].st[k])
                fail_msg("'%s' in %s: expected status %d, got %d (value %.17g)", cases[i].s,
                         names[k], (int)cases[i].st[k], (int)st, v);
            if (st == WS_NUM_OK && fabs(v - cases[i].v[k]) > 1e-9 * fmax(1.0, fabs(v)))
                fail_msg("'%s' in %s: expected %.17g, got %.17g", cases[i].s, names[k],
                         cases[i].v[k], v);
            if (st != WS_NUM_OK)
                assert_true(v == -12345.0); // *out untouched
        }
    }
}

/* Every rule of text.h, one value per line. */
static void test_number_conventions(void **state)
{
    (void)state;
    const struct conv_case cases[] = {
        //  value          GUESS POINT COMMA EITHER   GUESS POINT COMMA EITHER
        {"12", {OK_, OK_, OK_, OK_}, {12, 12, 12, 12}},
        {"-3", {OK_, OK_, OK_, OK_}, {-3, -3, -3, -3}},
        // one separator, not before exactly three digits: a decimal separator
        {"12,5", {OK_, OK_, OK_, OK_}, {12.5, 12.5, 12.5, 12.5}},
        {"12.5", {OK_, OK_, CV_, OK_}, {12.5, 12.5, 0, 12.5}},
        {"0,25", {OK_, OK_, OK_, OK_}, {0.25, 0.25, 0.25, 0.25}},
        {"0.25", {OK_, OK_, CV_, OK_}, {0.25, 0.25, 0, 0.25}},
        {",5", {OK_, OK_, OK_, OK_}, {0.5, 0.5, 0.5, 0.5}},
        {".5", {OK_, OK_, CV_, OK_}, {0.5, 0.5, 0, 0.5}},
        {"5.", {OK_, OK_, CV_, OK_}, {5, 5, 0, 5}},
        {"1.0", {OK_, OK_, CV_, OK_}, {1, 1, 0, 1}},
        {"1,0", {OK_, OK_, OK_, OK_}, {1, 1, 1, 1}},
        {"1234.567", {OK_, OK_, CV_, OK_}, {1234.567, 1234.567, 0, 1234.567}},
        {"1234,567", {OK_, OK_, OK_, OK_}, {1234.567, 1234.567, 1234.567, 1234.567}},
        // one separator before exactly three digits: decimal or thousands?
        {"1.000", {OK_, OK_, OK_, CV_}, {1, 1, 1000, 0}},
        {"1,000", {OK_, CV_, OK_, CV_}, {1, 0, 1, 0}},
        {"12.663", {OK_, OK_, OK_, CV_}, {12.663, 12.663, 12663, 0}},
        {"123.456", {OK_, OK_, OK_, CV_}, {123.456, 123.456, 123456, 0}},
        {"-1.000", {OK_, OK_, OK_, CV_}, {-1, -1, -1000, 0}},
        {"0.500", {OK_, OK_, CV_, OK_}, {0.5, 0.5, 0, 0.5}}, // 0 never leads a group
        {"0,500", {OK_, OK_, OK_, OK_}, {0.5, 0.5, 0.5, 0.5}},
        // thousands with decimals
        {"1.234,5", {OK_, CV_, OK_, OK_}, {1234.5, 0, 1234.5, 1234.5}},
        {"16.413,5", {OK_, CV_, OK_, OK_}, {16413.5, 0, 16413.5, 16413.5}},
        {"-1.234.567,89", {OK_, CV_, OK_, OK_}, {-1234567.89, 0, -1234567.89, -1234567.89}},
        {"1,234.5", {OK_, CV_, CV_, OK_}, {1234.5, 0, 0, 1234.5}},
        {"1,234,567.5", {OK_, CV_, CV_, OK_}, {1234567.5, 0, 0, 1234567.5}},
        // one kind of separator, repeated: thousands
        {"1.234.567", {OK_, CV_, OK_, OK_}, {1234567, 0, 1234567, 1234567}},
        {"1,234,567", {OK_, CV_, CV_, OK_}, {1234567, 0, 0, 1234567}},
        // badly formed groups are no number in any convention
        {"1.2.3", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        {"1234.567,5", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        {"12.34,5", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        {"1.234,5,6", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        // COMMA: '.' only in d{1,3}(.ddd)+, and never after the decimal comma
        {"0.123.456", {OK_, CV_, CV_, OK_}, {123456, 0, 0, 123456}},
        {"1.234,567", {OK_, CV_, OK_, OK_}, {1234.567, 0, 1234.567, 1234.567}},
        // exponents are numbers
        {"1e3", {OK_, OK_, OK_, OK_}, {1000, 1000, 1000, 1000}},
        {"2,5e2", {OK_, OK_, OK_, OK_}, {250, 250, 250, 250}},
        {"2.5e2", {OK_, OK_, CV_, OK_}, {250, 250, 0, 250}},
        // not numbers at all
        {"n.v.t.", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        {"1 000", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
        {"5%", {IN_, IN_, IN_, IN_}, {0, 0, 0, 0}},
    };
    check_conv_cases(cases, sizeof(cases) / sizeof(cases[0]));

    // no-data markers and overflow are the same in every convention
    for (int k = 0; k < 4; k++) {
        double v = 0;
        assert_int_equal(ws_parse_number_conv(".", (enum ws_num_conv)k, &v), WS_NUM_MISSING);
        assert_int_equal(ws_parse_number_conv("-99999997", (enum ws_num_conv)k, &v),
                         WS_NUM_MISSING);
        assert_int_equal(ws_parse_number_conv("1e400", (enum ws_num_conv)k, &v), WS_NUM_TOO_LARGE);
    }
    // every rule has words for the hint
    assert_non_null(strstr(ws_num_conv_rule(WS_NUM_COMMA), "decimal comma"));
    assert_non_null(strstr(ws_num_conv_rule(WS_NUM_POINT), "decimal point"));
    assert_non_null(strstr(ws_num_conv_rule(WS_NUM_EITHER), "ambiguous"));
    assert_non_null(strstr(ws_num_conv_rule(WS_NUM_GUESS), "12,5"));
}

/* Whole numbers (counts, years) in each convention. */
static void test_integer_conventions(void **state)
{
    (void)state;
    struct {
        const char *s;
        enum ws_num_conv conv;
        enum ws_num_status st;
        long long v;
    } cases[] = {
        // ';' files (Dutch Excel): '.' groups thousands, ',' is the decimal comma
        {"1.000", WS_NUM_COMMA, WS_NUM_OK, 1000},
        {"1.234", WS_NUM_COMMA, WS_NUM_OK, 1234},
        {"1.234.567", WS_NUM_COMMA, WS_NUM_OK, 1234567},
        {"12,0", WS_NUM_COMMA, WS_NUM_OK, 12},
        {"1.000,0", WS_NUM_COMMA, WS_NUM_OK, 1000},
        {"2,5", WS_NUM_COMMA, WS_NUM_NOT_WHOLE, 0},
        {"1,000", WS_NUM_COMMA, WS_NUM_OK, 1}, // a decimal comma: 1,000 is one
        {"1.0", WS_NUM_COMMA, WS_NUM_CONVENTION, 0},
        {"12.0", WS_NUM_COMMA, WS_NUM_CONVENTION, 0},
        {"1.00", WS_NUM_COMMA, WS_NUM_CONVENTION, 0},
        {"1.2345", WS_NUM_COMMA, WS_NUM_CONVENTION, 0},
        {"5e1", WS_NUM_COMMA, WS_NUM_EXPONENT, 0},
        // ',' files, XLSX, ODS: '.' is the decimal point, no thousands separator
        {"1.000", WS_NUM_POINT, WS_NUM_OK, 1},
        {"12.0", WS_NUM_POINT, WS_NUM_OK, 12},
        {"5,0", WS_NUM_POINT, WS_NUM_OK, 5}, // quoted "5,0": an unambiguous decimal comma
        {"1,000", WS_NUM_POINT, WS_NUM_CONVENTION, 0},
        {"1.234.567", WS_NUM_POINT, WS_NUM_CONVENTION, 0},
        {"1,234", WS_NUM_POINT, WS_NUM_CONVENTION, 0},
        {"2.5", WS_NUM_POINT, WS_NUM_NOT_WHOLE, 0},
        {"5e1", WS_NUM_POINT, WS_NUM_EXPONENT, 0},
        // tab files: a lone separator before three digits is ambiguous
        {"1.000", WS_NUM_EITHER, WS_NUM_CONVENTION, 0},
        {"1,000", WS_NUM_EITHER, WS_NUM_CONVENTION, 0},
        {"1.000,0", WS_NUM_EITHER, WS_NUM_OK, 1000},
        {"1.000.000", WS_NUM_EITHER, WS_NUM_OK, 1000000},
        {"12,0", WS_NUM_EITHER, WS_NUM_OK, 12},
        // digits only: the same everywhere
        {"99999999999999999999", WS_NUM_COMMA, WS_NUM_TOO_LARGE, 0},
        {"99999999999999999999", WS_NUM_POINT, WS_NUM_TOO_LARGE, 0},
        {"0", WS_NUM_COMMA, WS_NUM_OK, 0},
        {"-4", WS_NUM_POINT, WS_NUM_OK, -4},
        {"veel", WS_NUM_COMMA, WS_NUM_INVALID, 0},
        {"", WS_NUM_POINT, WS_NUM_MISSING, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long v = -1;
        enum ws_num_status st = ws_parse_integer_conv(cases[i].s, cases[i].conv, &v);
        if (st != cases[i].st)
            fail_msg("'%s' (convention %d): expected status %d, got %d", cases[i].s,
                     (int)cases[i].conv, (int)cases[i].st, (int)st);
        if (st == WS_NUM_OK)
            assert_int_equal(v, cases[i].v);
        else
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

/* UTF-16 (Excel's "Unicode-tekst"): both byte orders, a surrogate pair,
 * a lone surrogate and an odd last byte. */
static void test_utf16(void **state)
{
    // "é\t😀" little-endian with BOM, then a lone high surrogate and a stray byte
    static const unsigned char le[] = {0xFF, 0xFE, 0xE9, 0x00, 0x09, 0x00, 0x3D,
                                       0xD8, 0x00, 0xDE, 0x3D, 0xD8, 0x41};
    static const unsigned char be[] = {0xFE, 0xFF, 0x00, 0x61, 0x00, 0xE9};
    size_t n = 0;
    char *s;

    (void)state;
    assert_true(ws_utf16_bom(le, sizeof(le)));
    assert_true(ws_utf16_bom(be, sizeof(be)));
    assert_false(ws_utf16_bom((const unsigned char *)"\xEF\xBB\xBF", 3));
    assert_false(ws_utf16_bom(le, 1));
    s = ws_utf16_to_utf8(le, sizeof(le), &n);
    assert_string_equal(s, "\xC3\xA9\t\xF0\x9F\x98\x80\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(n, strlen(s));
    free(s);
    s = ws_utf16_to_utf8(be, sizeof(be), &n);
    assert_string_equal(s, "a\xC3\xA9");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strbuf_quoting),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_nodata),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_number_conventions),
        cmocka_unit_test(test_integer_conventions),
        cmocka_unit_test(test_strcasecmp),
        cmocka_unit_test(test_utf16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
