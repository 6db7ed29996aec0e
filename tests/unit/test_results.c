/*
 * test_results.c - the typed results between stages: their tables in the
 * store (src/store/typed.c) and the published files written from them
 * (src/core/results.c: priorities.csv, groepsaanbod.csv, manifest.json).
 *
 * Each test makes a fresh store in its own temporary folder.
 */
#include "helpers.h"

#include "wijkscan/core/results.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
    char *dir;
    char *path;
    struct ws_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct ws_err err = WS_ERR_INIT;

    assert_non_null(f);
    f->dir = ws_test_tmpdir();
    f->path = ws_test_path(f->dir, "wijkscan.sqlite");
    assert_int_equal(ws_store_create(f->path, 28992, &f->s, &err), WS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ws_store_close(f->s);
    ws_test_rmtree(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

/* Closes and reopens the store read-only: what a later stage sees. */
static void reopen(struct fixture *f)
{
    struct ws_err err = WS_ERR_INIT;

    ws_store_close(f->s);
    f->s = NULL;
    assert_int_equal(ws_store_open(f->path, false, &f->s, &err), WS_OK);
}

static const struct ws_priority_row prio[] = {
    {2023, 1, (char *)"BU02", (char *)"Bessenhof", (char *)"WK01", WS_REASON_HIGH_DEMAND},
    {2024, 1, (char *)"BU01", (char *)"Appel, hof", (char *)"WK01",
     WS_REASON_HIGH_NEED | WS_REASON_RISING | WS_REASON_CLUSTER},
    {2024, 2, (char *)"BU03", NULL, NULL, 0},
};

static const struct ws_offer_row offers[] = {
    {(char *)"gedrag", 2023, 2024, (char *)"Buurthuis", (char *)"Buurthuis", (char *)"Buurthuis", 3,
     40, true},
    {(char *)"school", 2024, 2024, (char *)"WK01", (char *)"Noord", NULL, 2, NAN, false},
};

static const struct ws_manifest_item items[] = {
    {WS_MANIFEST_TOOL, (char *)"wijkscan", (char *)"9.9.9", NULL},
    {WS_MANIFEST_LIBRARY, (char *)"GDAL", (char *)"3.6.2", NULL},
    {WS_MANIFEST_LIBRARY, (char *)"PROJ", (char *)"9.1.1", NULL},
    {WS_MANIFEST_RUN, (char *)"started_utc", (char *)"2024-01-01T00:00:00Z", NULL},
    {WS_MANIFEST_RUN, (char *)"study", (char *)"study.ini", NULL},
    {WS_MANIFEST_INPUT, (char *)"study", (char *)"study.ini", (char *)"ab12"},
    {WS_MANIFEST_INPUT, (char *)"wijken", (char *)"wijken.csv", NULL},
    {WS_MANIFEST_SETTING, (char *)"seed", (char *)"42", NULL},
    {WS_MANIFEST_SETTING, (char *)"title", (char *)"Zuid \"oost\"", NULL},
    {WS_MANIFEST_WARNING, (char *)"load", (char *)"one warning", NULL},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void test_priorities_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_priority_row *got = NULL;
    size_t n = 0;

    assert_int_equal(ws_store_begin(f->s, &err), WS_OK);
    // a first list is replaced by the second, not added to
    assert_int_equal(ws_store_put_priorities(f->s, prio + 2, 1, &err), WS_OK);
    assert_int_equal(ws_store_put_priorities(f->s, prio, N(prio), &err), WS_OK);
    assert_int_equal(ws_store_commit(f->s, &err), WS_OK);
    reopen(f);
    assert_int_equal(ws_store_read_priorities(f->s, &got, &n, &err), WS_OK);
    assert_int_equal(n, N(prio));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].year, prio[i].year);
        assert_int_equal(got[i].rank, prio[i].rank);
        assert_string_equal(got[i].code, prio[i].code);
        assert_str_or_null(got[i].name, prio[i].name);
        assert_str_or_null(got[i].wijk, prio[i].wijk);
        assert_int_equal(got[i].reasons, prio[i].reasons);
    }
    ws_priority_rows_free(got, n);
}

static void test_offers_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_offer_row *got = NULL;
    size_t n = 0;

    assert_int_equal(ws_store_put_offers(f->s, offers, N(offers), &err), WS_OK);
    reopen(f);
    assert_int_equal(ws_store_read_offers(f->s, &got, &n, &err), WS_OK);
    assert_int_equal(n, N(offers));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(got[i].category, offers[i].category);
        assert_int_equal(got[i].year_from, offers[i].year_from);
        assert_int_equal(got[i].year_to, offers[i].year_to);
        assert_string_equal(got[i].catchment, offers[i].catchment);
        assert_str_or_null(got[i].catchment_name, offers[i].catchment_name);
        assert_str_or_null(got[i].location, offers[i].location);
        assert_int_equal(got[i].n_buurten, offers[i].n_buurten);
        assert_double_close(got[i].cases, offers[i].cases, 0, 0); // NAN reads back as NAN
        assert_int_equal(got[i].suggest, offers[i].suggest);
    }
    ws_offer_rows_free(got, n);
}

static void test_manifest_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_manifest_item *got = NULL;
    size_t n = 0;

    assert_int_equal(ws_store_put_manifest(f->s, items, N(items), &err), WS_OK);
    reopen(f);
    assert_int_equal(ws_store_read_manifest(f->s, &got, &n, &err), WS_OK);
    assert_int_equal(n, N(items));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].kind, items[i].kind);
        assert_string_equal(got[i].key, items[i].key);
        assert_str_or_null(got[i].value, items[i].value);
        assert_str_or_null(got[i].sha256, items[i].sha256);
    }
    ws_manifest_items_free(got, n);
}

/* A store that has not run the stages that make the results: every reader
 * says so (the report leaves those parts out), nothing is returned. */
static void test_absent_results(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_priority_row *p = (struct ws_priority_row *)prio;
    struct ws_offer_row *o = (struct ws_offer_row *)offers;
    struct ws_manifest_item *m = (struct ws_manifest_item *)items;
    size_t n = 7;

    assert_int_equal(ws_store_read_priorities(f->s, &p, &n, &err), WS_ENOINPUT);
    assert_null(p);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.what, "holds no priority list yet"));
    assert_non_null(strstr(err.hint, "wijkscan analyse"));
    ws_err_clear(&err);
    assert_int_equal(ws_store_read_offers(f->s, &o, &n, &err), WS_ENOINPUT);
    assert_null(o);
    assert_non_null(strstr(err.what, "holds no group offers yet"));
    ws_err_clear(&err);
    assert_int_equal(ws_store_read_manifest(f->s, &m, &n, &err), WS_ENOINPUT);
    assert_null(m);
    assert_non_null(strstr(err.what, "holds no manifest yet"));

    // an empty list, once written, is present and empty
    ws_err_clear(&err);
    assert_int_equal(ws_store_put_offers(f->s, NULL, 0, &err), WS_OK);
    n = 7;
    assert_int_equal(ws_store_read_offers(f->s, &o, &n, &err), WS_OK);
    assert_null(o);
    assert_int_equal(n, 0);
}

/* Rows without a required field, a repeated key or a kind out of range are
 * internal errors that name the row; the table keeps its earlier rows when
 * the caller rolls back. */
static void test_bad_rows(void **state)
{
    struct fixture *f = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_priority_row twice[2];
    struct ws_priority_row *got = NULL;
    struct ws_offer_row bad_offer = offers[0];
    struct ws_manifest_item bad_item = items[0];
    size_t n = 0;

    assert_int_equal(ws_store_put_priorities(f->s, prio, 1, &err), WS_OK);

    twice[0] = prio[1];
    twice[1] = prio[1];
    twice[1].rank = 3;
    assert_int_equal(ws_store_begin(f->s, &err), WS_OK);
    assert_int_equal(ws_store_put_priorities(f->s, twice, 2, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 2 of the priority list cannot be stored");
    ws_store_rollback(f->s);
    ws_err_clear(&err);
    assert_int_equal(ws_store_read_priorities(f->s, &got, &n, &err), WS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].code, "BU02");
    ws_priority_rows_free(got, n);

    twice[1].code = NULL;
    assert_int_equal(ws_store_put_priorities(f->s, twice, 2, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 2 of the priority list has no code");
    ws_err_clear(&err);
    twice[1] = prio[0];
    twice[1].rank = 0;
    assert_int_equal(ws_store_put_priorities(f->s, twice, 2, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 2 of the priority list has no rank");
    ws_err_clear(&err);

    bad_offer.year_from = 2025;
    assert_int_equal(ws_store_put_offers(f->s, &bad_offer, 1, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 1 of the group offers has no valid years");
    ws_err_clear(&err);
    bad_offer = offers[1];
    bad_offer.catchment = NULL;
    assert_int_equal(ws_store_put_offers(f->s, &bad_offer, 1, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 1 of the group offers has no catchment");
    ws_err_clear(&err);

    bad_item.kind = (enum ws_manifest_kind)WS_MANIFEST_N_KINDS;
    assert_int_equal(ws_store_put_manifest(f->s, &bad_item, 1, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 1 of the manifest has no valid kind");
    ws_err_clear(&err);
    bad_item = items[1];
    bad_item.key = NULL;
    assert_int_equal(ws_store_put_manifest(f->s, &bad_item, 1, &err), WS_EINTERNAL);
    assert_string_equal(err.what, "row 1 of the manifest has no key");
}

static void test_priorities_csv(void **state)
{
    char *csv = ws_priorities_csv(prio, N(prio));

    (void)state;
    assert_string_equal(csv, "year,rank,code,name,wijk,reasons\n"
                             "2023,1,BU02,Bessenhof,WK01,demand\n"
                             "2024,1,BU01,\"Appel, hof\",WK01,need;rising;cluster\n"
                             "2024,2,BU03,,,\n");
    free(csv);
    csv = ws_priorities_csv(NULL, 0);
    assert_string_equal(csv, "year,rank,code,name,wijk,reasons\n");
    free(csv);
    assert_string_equal(ws_reason_key(WS_REASON_FALLING), "falling");
    assert_null(ws_reason_key(WS_REASON_RISING | WS_REASON_FALLING));
    assert_null(ws_reason_key(0));
}

static void test_offers_csv(void **state)
{
    char *csv = ws_offers_csv(offers, N(offers));

    (void)state;
    assert_string_equal(csv,
                        "category,years,catchment,catchment_name,location,n_buurten,cases,suggest\n"
                        "gedrag,2023-2024,Buurthuis,Buurthuis,Buurthuis,3,40,1\n"
                        "school,2024,WK01,Noord,,2,,0\n");
    free(csv);
}

static void test_manifest_json(void **state)
{
    char *json = ws_manifest_json(items, N(items));
    enum ws_manifest_kind k = WS_MANIFEST_TOOL;

    (void)state;
    assert_string_equal(
        json, "{\"format\":\"wijkscan-manifest/1\",\n"
              "\"tool\":{\"name\":\"wijkscan\",\"version\":\"9.9.9\"},\n"
              "\"libraries\":{\"GDAL\":\"3.6.2\",\"PROJ\":\"9.1.1\"},\n"
              "\"run\":{\"started_utc\":\"2024-01-01T00:00:00Z\",\"study\":\"study.ini\"},\n"
              "\"inputs\":[\n"
              "{\"role\":\"study\",\"path\":\"study.ini\",\"sha256\":\"ab12\"},\n"
              "{\"role\":\"wijken\",\"path\":\"wijken.csv\",\"sha256\":null}],\n"
              "\"settings\":{\"seed\":\"42\",\"title\":\"Zuid \\\"oost\\\"\"},\n"
              "\"seed\":42,\n"
              "\"published\":[\"indicators.csv\",\"indicators_excel.csv\",\"indicators.gpkg\","
              "\"indicators.xlsx\",\"statistics.json\",\"audit.csv\",\"groepsaanbod.csv\","
              "\"priorities.csv\",\"maps/\",\"report/wijkanalyse.pdf\",\"report/index.html\","
              "\"manifest.json\"],\n"
              "\"warnings\":[\n"
              "{\"stage\":\"load\",\"message\":\"one warning\"}]}\n");
    free(json);
    // no seed setting (or not a number): null
    json = ws_manifest_json(items, 1);
    assert_non_null(strstr(json, "\"settings\":{},\n\"seed\":null,\n"));
    free(json);
    assert_true(ws_manifest_kind_parse("warning", &k));
    assert_int_equal(k, WS_MANIFEST_WARNING);
    assert_false(ws_manifest_kind_parse("tools", &k));
    assert_null(ws_manifest_kind_name((enum ws_manifest_kind)WS_MANIFEST_N_KINDS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_priorities_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offers_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test(test_priorities_csv),
        cmocka_unit_test(test_offers_csv),
        cmocka_unit_test(test_manifest_json),
    };
    int rc;

    ws_db_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    ws_db_global_shutdown();
    return rc;
}
