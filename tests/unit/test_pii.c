/*
 * test_pii.c - the personal-data detector: many true and false cases.
 */
#include "helpers.h"

#include "wijkscan/load/pii.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Scans a table and checks the verdict: kind and column index. */
static void expect_scan(const char *const *names, size_t n_cols, const char *const *values,
                        size_t n_rows, enum ws_pii_kind kind, size_t column)
{
    struct ws_pii_result res;
    bool found = ws_pii_scan(names, n_cols, values, n_rows, &res);
    if (res.kind != kind)
        fail_msg("column names starting '%s': expected kind %d, got %d (column %zu)",
                 n_cols ? names[0] : "", (int)kind, (int)res.kind, res.column);
    assert_int_equal(found, kind != WS_PII_NONE);
    if (kind != WS_PII_NONE)
        assert_int_equal(res.column, column);
}

/* A one-column table with no values: the verdict comes from the name. */
static void expect_name(const char *name, enum ws_pii_kind kind)
{
    const char *names[] = {"buurtcode", name, "aantal"};
    struct ws_pii_result res;
    ws_pii_scan(names, 3, NULL, 0, &res);
    if (res.kind != kind)
        fail_msg("column '%s': expected kind %d, got %d", name, (int)kind, (int)res.kind);
    if (kind != WS_PII_NONE) {
        assert_int_equal(res.column, 1);
        assert_true(res.by_name);
    }
}

/* A column with the given values under a neutral name. */
static void expect_values(const char *const *vals, size_t n, enum ws_pii_kind kind)
{
    const char *names[] = {"buurtcode", "kolom_x"};
    const char *values[400];
    assert_true(n <= 200);
    for (size_t r = 0; r < n; r++) {
        values[2 * r] = "BU00140000";
        values[2 * r + 1] = vals[r];
    }
    struct ws_pii_result res;
    ws_pii_scan(names, 2, values, n, &res);
    if (res.kind != kind)
        fail_msg("values starting '%s': expected kind %d, got %d", n ? vals[0] : "", (int)kind,
                 (int)res.kind);
    if (kind != WS_PII_NONE) {
        assert_int_equal(res.column, 1);
        assert_false(res.by_name);
    }
}

static void test_bsn_elfproef(void **state)
{
    (void)state;
    // 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6 * 11
    assert_true(ws_pii_is_bsn("111222333"));
    assert_true(ws_pii_is_bsn("123456782"));
    assert_true(ws_pii_is_bsn("999999990")); // 9*(9+...+2) = 396 = 36 * 11, minus 0
    assert_false(ws_pii_is_bsn("123456789"));
    assert_false(ws_pii_is_bsn("000000000"));
    assert_false(ws_pii_is_bsn("12345678"));
    assert_false(ws_pii_is_bsn("1234567820"));
    assert_false(ws_pii_is_bsn("12345678a"));
    assert_false(ws_pii_is_bsn(""));
    assert_false(ws_pii_is_bsn(NULL));
}

static void test_names_personal(void **state)
{
    (void)state;
    const char *names[] = {
        "naam",      "Naam",          "NAME",        "voornaam",    "Achternaam", "achter_naam",
        "roepnaam",  "tussenvoegsel", "first_name",  "FirstName",   "last-name",  "Last Name",
        "surname",   "full name",     "naam_client", "Client naam", "clientnaam", "kindnaam",
        "naam kind", "persoonsnaam",  "Naam ouder",  "voorletters", "given_name", "patient_name"};
    for (size_t i = 0; i < N(names); i++)
        expect_name(names[i], WS_PII_NAME);
}

static void test_names_not_personal(void **state)
{
    (void)state;
    const char *names[] = {"buurtnaam",
                           "buurt_naam",
                           "Buurt naam",
                           "wijknaam",
                           "wijk_naam",
                           "gemeentenaam",
                           "gemeente naam",
                           "area_name",
                           "AreaName",
                           "category_name",
                           "vraagtype_naam",
                           "naam_buurt",
                           "locatienaam",
                           "team naam",
                           "bestandsnaam",
                           "neighbourhood name",
                           "regio_naam",
                           "vraagtype",
                           "jaar",
                           "aantal",
                           "buurtcode",
                           "categorie",
                           "count",
                           "year",
                           "code",
                           "wijkcode",
                           "gemeentecode",
                           "inwoners",
                           "aantal_adressen",
                           "omgevingsadressendichtheid",
                           "geboorteland",
                           "geboortejaar_cohort_x",
                           "meest_voorkomende_postcode",
                           "postcode",
                           "pc4",
                           "nr",
                           "nummer",
                           "leeftijdsgroep",
                           "geslacht",
                           "datum_peil"};
    for (size_t i = 0; i < N(names); i++)
        expect_name(names[i], WS_PII_NONE);
}

static void test_names_other_kinds(void **state)
{
    (void)state;
    const char *bsn[] = {"bsn",
                         "BSN",
                         "bsn_client",
                         "BSN-nummer",
                         "burgerservicenummer",
                         "Burger_Service_Nummer",
                         "sofinummer",
                         "SSN"};
    for (size_t i = 0; i < N(bsn); i++)
        expect_name(bsn[i], WS_PII_BSN);
    const char *birth[] = {"geboortedatum", "Geboortedatum",  "geb_datum",   "gebdatum",
                           "geb. datum",    "geboorte_datum", "birth",       "birth_date",
                           "birthDate",     "date_of_birth",  "DateOfBirth", "dob",
                           "DOB",           "birthday",       "geboortedag"};
    for (size_t i = 0; i < N(birth); i++)
        expect_name(birth[i], WS_PII_BIRTH_DATE);
    const char *addr[] = {"adres",       "Adres",          "address",      "straat",
                          "straatnaam",  "street",         "street_name",  "huisnummer",
                          "huis_nummer", "huisnr",         "house_number", "HouseNumber",
                          "woonadres",   "address_line_1", "huisletter"};
    for (size_t i = 0; i < N(addr); i++)
        expect_name(addr[i], WS_PII_ADDRESS);
}

static void test_postcode_rules(void **state)
{
    (void)state;
    // PC4 postcode column: not personal
    const char *names[] = {"postcode", "jaar", "aantal"};
    const char *pc4[] = {"9712", "2021", "12", "9711", "2021", "3", "9718", "2022", "40"};
    expect_scan(names, 3, pc4, 3, WS_PII_NONE, 0);
    // six-character postcodes
    const char *pc6[] = {"9712AB", "2021", "12", "9711 CD", "2021", "3", "9718ef", "2022", "40"};
    expect_scan(names, 3, pc6, 3, WS_PII_POSTCODE6, 0);
    // postcode column next to a house-number column, even with PC4 values
    const char *names2[] = {"postcode", "huisnummer", "aantal"};
    const char *vals2[] = {"9712", "12", "1"};
    expect_scan(names2, 3, vals2, 1, WS_PII_POSTCODE_HOUSE, 0);
    const char *names3[] = {"PC6", "jaar", "house_number"};
    expect_scan(names3, 3, NULL, 0, WS_PII_POSTCODE_HOUSE, 0);
    // postcode + house number in one value
    const char *pch[] = {"9712 AB 12", "9711CD-3a", "9718 EF, 140"};
    expect_values(pch, 3, WS_PII_POSTCODE_HOUSE);
    const char *pc6v[] = {"9712 AB", "9711CD", "9718 EF"};
    expect_values(pc6v, 3, WS_PII_POSTCODE6);
    // not postcodes
    const char *notpc[] = {"0712 AB", "9712 ABC", "971 AB", "9712", "BU00140000"};
    expect_values(notpc, N(notpc), WS_PII_NONE);
}

static void test_bsn_values(void **state)
{
    (void)state;
    const char *bsns[] = {"111222333", "123456782", " 999999990 "};
    expect_values(bsns, N(bsns), WS_PII_BSN);
    const char *grouped[] = {"111 222 333", "123.456.782"};
    expect_values(grouped, N(grouped), WS_PII_BSN);
    // nine-digit numbers failing the 11-test: ids, not BSNs
    const char *ids[] = {"123456789", "987654321", "111111112", "200000000", "300000001"};
    expect_values(ids, N(ids), WS_PII_NONE);
    // a count column never trips the BSN rule
    const char *counts[] = {"0", "12", "130", "4", "99999", "1234567"};
    expect_values(counts, N(counts), WS_PII_NONE);
    // one 11-proof number among many that fail: chance, not BSNs
    const char *mixed[] = {"123456782", "123456789", "987654321", "111111112", "300000001"};
    expect_values(mixed, N(mixed), WS_PII_NONE);
    // all zeros is not a BSN
    const char *zeros[] = {"000000000", "000000000"};
    expect_values(zeros, N(zeros), WS_PII_NONE);
}

static void test_date_values(void **state)
{
    (void)state;
    const char *d1[] = {"12-05-2014", "03-11-2016", "28-02-2012"};
    expect_values(d1, N(d1), WS_PII_BIRTH_DATE);
    const char *d2[] = {"2014-05-12", "2016-11-03"};
    expect_values(d2, N(d2), WS_PII_BIRTH_DATE);
    const char *d3[] = {"12/05/2014", "3/11/2016", "29/02/2012"};
    expect_values(d3, N(d3), WS_PII_BIRTH_DATE);
    const char *d4[] = {"2014-05-12T00:00:00", "2016/11/03 00:00"};
    expect_values(d4, N(d4), WS_PII_BIRTH_DATE);
    // a jaar column, periods and reference dates: not birth dates
    const char *years[] = {"2021", "2021", "2022", "2023"};
    expect_values(years, N(years), WS_PII_NONE);
    const char *peil[] = {"01-01-2021", "2022-01-01", "31-12-2023", "30-06-2022"};
    expect_values(peil, N(peil), WS_PII_NONE);
    // not dates at all
    const char *notd[] = {"31-02-2014", "12-13-2014", "2014-5", "12.5", "1-2", "12-05-14"};
    expect_values(notd, N(notd), WS_PII_NONE);
    const char *decimals[] = {"12,5", "1.5", "0.25", "3"};
    expect_values(decimals, N(decimals), WS_PII_NONE);
}

static void test_address_values(void **state)
{
    (void)state;
    const char *a1[] = {"Herestraat 12", "Oude Ebbingestraat 5a", "Grote Markt 1-3",
                        "Paterswoldseweg 806", "Zuiderdiep 2"};
    expect_values(a1, N(a1), WS_PII_ADDRESS);
    const char *a2[] = {"Main Street 10", "Baker street 221b"};
    expect_values(a2, N(a2), WS_PII_ADDRESS);
    // categories with numbers are not addresses
    const char *cats[] = {"groep 8", "klas 3", "leeftijd 12", "fase 2", "opvoeding", "gedrag"};
    expect_values(cats, N(cats), WS_PII_NONE);
    const char *names[] = {"Binnenstad-Noord", "Oosterparkwijk", "De Wijert", "Paddepoel"};
    expect_values(names, N(names), WS_PII_NONE);
}

static void test_case_tables(void **state)
{
    (void)state;
    // the synthetic Groningen case table is clean
    const char *names[] = {"buurtcode", "jaar", "vraagtype", "aantal"};
    const char *vals[] = {"BU00140000", "2021", "opvoeding",     "0",   //
                          "BU00140000", "2021", "echtscheiding", "2",   //
                          "BU00140001", "2022", "gedrag",        "131", //
                          "BU00140002", "2024", "school",        "1"};
    expect_scan(names, 4, vals, 4, WS_PII_NONE, 0);
    // with names and NULLs
    const char *names2[] = {"buurtcode", "jaar", NULL, "aantal"};
    const char *vals2[] = {"BU00140000", "2021", NULL, NULL};
    expect_scan(names2, 4, vals2, 1, WS_PII_NONE, 0);
    // the first offending column wins, in table order
    const char *names3[] = {"buurtcode", "jaar", "kolom", "geboortedatum", "aantal"};
    const char *vals3[] = {"BU00140000", "2021", "111222333", "12-05-2014", "1",
                           "BU00140001", "2021", "123456782", "03-11-2016", "1"};
    expect_scan(names3, 5, vals3, 2, WS_PII_BSN, 2);
    // empty table and a table without columns
    expect_scan(names, 4, NULL, 0, WS_PII_NONE, 0);
    expect_scan(NULL, 0, NULL, 0, WS_PII_NONE, 0);
    // mostly-empty column judged on what it holds
    const char *names4[] = {"code", "x"};
    const char *vals4[] = {"BU1", "", "BU2", "", "BU3", "12-05-2014", "BU4", "."};
    expect_scan(names4, 2, vals4, 4, WS_PII_BIRTH_DATE, 1);
}

/* Tallies a row-major table column by column, as the loader does row by
 * row, and checks that the verdict equals ws_pii_scan's. */
static void expect_same_verdict(const char *const *names, size_t n_cols, const char *const *values,
                                size_t n_rows)
{
    struct ws_pii_tally tallies[8];
    struct ws_pii_result a;
    struct ws_pii_result b;
    bool fa;
    bool fb;

    assert_true(n_cols <= 8);
    memset(tallies, 0, sizeof(tallies));
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++)
            ws_pii_tally_add(&tallies[c], values[r * n_cols + c]);
    }
    fa = ws_pii_scan(names, n_cols, values, n_rows, &a);
    fb = ws_pii_scan_tallies(names, n_cols, tallies, &b);
    assert_int_equal(fa, fb);
    assert_int_equal(a.kind, b.kind);
    assert_int_equal(a.column, b.column);
    assert_int_equal(a.by_name, b.by_name);
}

static void test_tallies(void **state)
{
    (void)state;
    struct ws_pii_tally t = WS_PII_TALLY_INIT;
    struct ws_pii_result res;

    // empty values and CBS no-data markers are not counted
    ws_pii_tally_add(&t, NULL);
    ws_pii_tally_add(&t, "");
    ws_pii_tally_add(&t, "  ");
    ws_pii_tally_add(&t, ".");
    ws_pii_tally_add(&t, "-99999999");
    assert_int_equal(t.n, 0);
    ws_pii_tally_add(&t, " 111222333 ");
    ws_pii_tally_add(&t, "123456789");
    ws_pii_tally_add(&t, "14-03-2012");
    ws_pii_tally_add(&t, "01-01-2021");
    ws_pii_tally_add(&t, "9712 AB");
    ws_pii_tally_add(&t, "9712AB 12");
    ws_pii_tally_add(&t, "Herestraat 12");
    ws_pii_tally_add(&t, "opvoeding");
    assert_int_equal(t.n, 8);
    assert_int_equal(t.bsn_pass, 1);
    assert_int_equal(t.bsn_fail, 1);
    assert_int_equal(t.dates, 2);
    assert_int_equal(t.dates_inner, 1);
    assert_int_equal(t.pc6, 1);
    assert_int_equal(t.pc6_house, 1);
    assert_int_equal(t.streets, 1);

    // names alone, before any row is read
    const char *bsn_names[] = {"buurtcode", "BSN", "aantal"};
    assert_true(ws_pii_scan_names(bsn_names, 3, &res));
    assert_int_equal(res.kind, WS_PII_BSN);
    assert_int_equal(res.column, 1);
    assert_true(res.by_name);
    const char *pc_names[] = {"buurtcode", "postcode", "huisnummer"};
    assert_true(ws_pii_scan_names(pc_names, 3, &res));
    assert_int_equal(res.kind, WS_PII_POSTCODE_HOUSE);
    const char *clean[] = {"buurtcode", "jaar", "vraagtype", "aantal", "dossier"};
    assert_false(ws_pii_scan_names(clean, 5, &res));
    assert_false(ws_pii_scan_tallies(clean, 5, NULL, &res));

    // a column empty for 1000 rows, then BSNs: judged on all of it
    struct ws_pii_tally cols[5];
    memset(cols, 0, sizeof(cols));
    for (size_t r = 0; r < 1030; r++) {
        ws_pii_tally_add(&cols[0], "BU00140000");
        ws_pii_tally_add(&cols[1], "2024");
        ws_pii_tally_add(&cols[2], "opvoeding");
        ws_pii_tally_add(&cols[3], "3");
        ws_pii_tally_add(&cols[4], r < 1000 ? "" : (r % 2 ? "999990019" : "999990044"));
    }
    assert_true(ws_pii_scan_tallies(clean, 5, cols, &res));
    assert_int_equal(res.kind, WS_PII_BSN);
    assert_int_equal(res.column, 4);
    assert_false(res.by_name);

    // the same verdicts as ws_pii_scan
    const char *names3[] = {"buurtcode", "jaar", "kolom", "geboortedatum", "aantal"};
    const char *vals3[] = {"BU00140000", "2021", "111222333", "12-05-2014", "1",
                           "BU00140001", "2021", "123456782", "03-11-2016", "1"};
    expect_same_verdict(names3, 5, vals3, 2);
    const char *names4[] = {"code", "x"};
    const char *vals4[] = {"BU1", "", "BU2", "", "BU3", "12-05-2014", "BU4", "."};
    expect_same_verdict(names4, 2, vals4, 4);
    const char *vals5[] = {"BU1", "Herestraat 12", "BU2", "gedrag", "BU3", "9712AB"};
    expect_same_verdict(names4, 2, vals5, 3);
    const char *vals6[] = {"BU1", "opvoeding", "BU2", "gedrag"};
    expect_same_verdict(names4, 2, vals6, 2);
}

static void test_kind_desc(void **state)
{
    (void)state;
    assert_string_equal(ws_pii_kind_desc(WS_PII_BIRTH_DATE), "birth dates");
    assert_string_equal(ws_pii_kind_desc(WS_PII_NAME), "names");
    assert_non_null(strstr(ws_pii_kind_desc(WS_PII_BSN), "BSN"));
    assert_string_equal(ws_pii_kind_desc(WS_PII_ADDRESS), "addresses");
    assert_string_equal(ws_pii_kind_desc(WS_PII_POSTCODE_HOUSE), "postcodes with house numbers");
    assert_non_null(ws_pii_kind_desc(WS_PII_POSTCODE6));
    assert_non_null(ws_pii_kind_desc(WS_PII_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bsn_elfproef),       cmocka_unit_test(test_names_personal),
        cmocka_unit_test(test_names_not_personal), cmocka_unit_test(test_names_other_kinds),
        cmocka_unit_test(test_postcode_rules),     cmocka_unit_test(test_bsn_values),
        cmocka_unit_test(test_date_values),        cmocka_unit_test(test_address_values),
        cmocka_unit_test(test_case_tables),        cmocka_unit_test(test_tallies),
        cmocka_unit_test(test_kind_desc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
