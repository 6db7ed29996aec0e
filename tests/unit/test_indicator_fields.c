/*
 * test_indicator_fields.c - the table of indicator fields
 * (indicator_fields.h) and everything that must follow it.  Every check
 * iterates the table, so a field added to it is checked too:
 *   - names are unique and found again; each field reads back what was set;
 *   - protection: a suppressed row of the protected set has NULL in every
 *     WS_FIELD_HIDDEN field and keeps every other one; a published row keeps
 *     its hidden fields;
 *   - the publish check refuses a suppressed row with any one hidden field
 *     set, and names it;
 *   - writers: indicators.csv, indicators_excel.csv, every GeoPackage layer
 *     and every XLSX sheet have one column per field, named and ordered as
 *     the table says, with the hidden fields empty in suppressed rows;
 *   - the store gives back every field as written;
 *   - maps offer exactly the fields with a legend title, and read them;
 *   - scripts/check-published.sh checks exactly the hidden fields.
 */
#include "helpers.h"

#include "wijkscan/core/indicators.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/protect/protect.h"
#include "wijkscan/render/mapdef.h"
#include "wijkscan/report/publish.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- rows with every field set -------------------------------------------- */

/* Sets field k of r to a non-NULL value of its kind (distinct per field). */
static void fill_field(struct ws_indicator *r, size_t k)
{
    struct ws_field_value v = {0};

    switch (ws_fields[k].kind) {
    case WS_KIND_TEXT:
        v.s = ws_fields[k].name;
        break;
    case WS_KIND_LABEL:
        v.s = "HH";
        break;
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        v.d = 10.0 + (double)k;
        break;
    case WS_KIND_INT:
    case WS_KIND_RANK:
    case WS_KIND_FLAG:
        v.i = 1 + (long long)k;
        break;
    case WS_KIND_LEVEL:
        v.i = WS_LEVEL_WIJK;
        break;
    }
    ws_field_set(r, k, &v);
}

/* A row with its key, O cases and every other field that can be NULL set. */
static void add_row(struct ws_indicator_set *s, const char *code, enum ws_level level,
                    const char *parent, double P, double O)
{
    struct ws_indicator *r = ws_indicator_set_add(s);

    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].kind != WS_KIND_INT && ws_fields[k].kind != WS_KIND_LEVEL &&
            ws_fields[k].kind != WS_KIND_FLAG)
            fill_field(r, k);
    free(r->code);
    r->code = ws_xstrdup(code);
    free(r->parent);
    r->parent = ws_xstrdup(parent);
    free(r->category);
    r->category = ws_xstrdup("all");
    r->level = level;
    r->year = 2024;
    r->population = P;
    r->cases = O;
}

/* WK1 = BU1 (3, primary) + BU2 (40) + BU3 (53); GM1 = WK1 + WK2 (= BU4). */
static void raw_set(struct ws_indicator_set *raw)
{
    add_row(raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 5000, 157);
    add_row(raw, "WK1", WS_LEVEL_WIJK, "GM1", 3000, 96);
    add_row(raw, "WK2", WS_LEVEL_WIJK, "GM1", 2000, 61);
    add_row(raw, "BU1", WS_LEVEL_BUURT, "WK1", 500, 3);
    add_row(raw, "BU2", WS_LEVEL_BUURT, "WK1", 1000, 40);
    add_row(raw, "BU3", WS_LEVEL_BUURT, "WK1", 1500, 53);
    add_row(raw, "BU4", WS_LEVEL_BUURT, "WK2", 2000, 61);
}

static void protect(const struct ws_indicator_set *raw, struct ws_indicator_set *pub)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_protect_opts o;

    memset(&o, 0, sizeof(o));
    o.min_count = 10;
    o.round_to = 5;
    o.safety_range = 5;
    assert_int_equal(ws_protect_apply(raw, &o, pub, &audit, &err), WS_OK);
    ws_audit_release(&audit);
}

static bool same_value(const struct ws_field_value *a, const struct ws_field_value *b)
{
    if (a->null || b->null)
        return a->null == b->null;
    if (a->s || b->s)
        return a->s && b->s && strcmp(a->s, b->s) == 0;
    return a->i == b->i && (a->d == b->d || (isnan(a->d) && isnan(b->d)));
}

/* Fails naming the field when field k of a and b differ. */
static void assert_same_field(const struct ws_indicator *a, const struct ws_indicator *b, size_t k)
{
    struct ws_field_value va;
    struct ws_field_value vb;

    ws_field_get(a, k, &va);
    ws_field_get(b, k, &vb);
    if (!same_value(&va, &vb))
        fail_msg("%s '%s': field '%s' differs", a->code, b->code, ws_fields[k].name);
}

/* --- the table ------------------------------------------------------------ */

static void test_table(void **state)
{
    struct ws_indicator r;
    struct ws_field_value v;
    (void)state;

    assert_true(WS_N_FIELDS > 0);
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        const struct ws_field *f = &ws_fields[k];
        assert_int_equal(ws_field_index(f->name), (int)k);
        assert_non_null(f->header_nl);
        assert_non_null(f->header_en);
        // a map field has both legend titles
        assert_true(!f->legend_nl == !f->legend_en);
        for (size_t j = 0; j < k; j++)
            assert_true(ws_fields[j].offset != f->offset);
        // a field that comes back NULL when suppressed starts NULL
        ws_indicator_clear(&r);
        ws_field_get(&r, k, &v);
        if (!ws_field_shown_when_suppressed(k))
            assert_true(v.null);
        fill_field(&r, k);
        ws_field_get(&r, k, &v);
        assert_false(v.null);
        if (!ws_field_shown_when_suppressed(k)) {
            ws_field_set_null(&r, k);
            ws_field_get(&r, k, &v);
            assert_true(v.null);
        }
        if (f->kind == WS_KIND_TEXT)
            ws_field_set_null(&r, k); // frees the copy
    }
    assert_int_equal(ws_field_index("no_such_field"), -1);
    // the key of a row
    assert_true(ws_fields[ws_field_index("code")].flags & WS_FIELD_KEY);
    assert_true(ws_fields[ws_field_index("year")].flags & WS_FIELD_KEY);
    // the two figures a suppressed row shows (README, Privacy)
    assert_true(ws_field_shown_when_suppressed((size_t)ws_field_index("population")));
    assert_true(ws_field_shown_when_suppressed((size_t)ws_field_index("expected")));
    assert_false(ws_field_shown_when_suppressed((size_t)ws_field_index("cases")));
}

/* --- protection ----------------------------------------------------------- */

static void test_protection_follows_table(void **state)
{
    struct ws_indicator_set raw = {0};
    struct ws_indicator_set pub = {0};
    struct ws_field_value v;
    size_t n_suppressed = 0;
    (void)state;

    raw_set(&raw);
    protect(&raw, &pub);
    assert_int_equal(pub.n, raw.n);
    for (size_t i = 0; i < pub.n; i++) {
        const struct ws_indicator *p = &pub.rows[i];
        const struct ws_indicator *r = &raw.rows[i];
        assert_string_equal(p->code, r->code);
        n_suppressed += p->suppressed != WS_SUPP_NONE;
        for (size_t k = 0; k < WS_N_FIELDS; k++) {
            ws_field_get(p, k, &v);
            if (ws_field_shown_when_suppressed(k)) {
                if (ws_fields[k].kind != WS_KIND_FLAG)
                    assert_same_field(p, r, k);
            } else if (p->suppressed != WS_SUPP_NONE && !v.null) {
                fail_msg("suppressed %s shows '%s'", p->code, ws_fields[k].name);
            } else if (p->suppressed == WS_SUPP_NONE && v.null) {
                fail_msg("published %s lost '%s'", p->code, ws_fields[k].name);
            }
        }
    }
    // BU1 (primary) and its complement in WK1
    assert_true(n_suppressed >= 2);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
}

static void test_publish_check_follows_table(void **state)
{
    struct ws_indicator_set set = {0};
    struct ws_indicator *r;
    size_t n_hidden = 0;
    (void)state;

    add_row(&set, "BU1", WS_LEVEL_BUURT, "WK1", 500, 3);
    r = &set.rows[0];
    r->suppressed = WS_SUPP_SECONDARY;
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (!ws_field_shown_when_suppressed(k))
            ws_field_set_null(r, k);
    {
        struct ws_err err = WS_ERR_INIT;
        assert_int_equal(ws_publish_check_protected(&set, &err), WS_OK);
    }
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        struct ws_err err = WS_ERR_INIT;
        if (ws_field_shown_when_suppressed(k))
            continue;
        n_hidden++;
        fill_field(r, k);
        assert_int_equal(ws_publish_check_protected(&set, &err), WS_EINTERNAL);
        assert_non_null(strstr(err.cause, ws_fields[k].name));
        ws_field_set_null(r, k);
    }
    assert_true(n_hidden > 0);
    ws_indicator_set_release(&set);
}

/* --- writers -------------------------------------------------------------- */

/* The columns of layer `layer` of `path` are the table's names (or its
 * Dutch headers), in order; suppressed rows have the hidden ones empty. */
static void check_layer(const char *path, const char *layer, bool headers)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_ogr_table *t = NULL;
    const char *const *names;
    size_t supp = 0;
    size_t n_rows = 0;

    assert_int_equal(ws_ogr_table_open(path, layer, NULL, &t, &err), WS_OK);
    assert_int_equal(ws_ogr_table_n_fields(t), WS_N_FIELDS);
    names = ws_ogr_table_fields(t);
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        const char *want = headers ? ws_fields[k].header_nl : ws_fields[k].name;
        assert_string_equal(names[k], want);
        if (!strcmp(ws_fields[k].name, "suppressed"))
            supp = k;
    }
    while (ws_ogr_table_next(t, &err) == 1) {
        n_rows++;
        if (strcmp(ws_ogr_table_value(t, supp), "1") != 0)
            continue;
        for (size_t k = 0; k < WS_N_FIELDS; k++)
            if (!ws_field_shown_when_suppressed(k) && *ws_ogr_table_value(t, k))
                fail_msg("%s, layer %s: a suppressed row shows '%s'", path, layer,
                         ws_fields[k].name);
    }
    assert_true(n_rows > 0);
    ws_ogr_table_close(t);
}

static void test_writers_follow_table(void **state)
{
    struct ws_indicator_set raw = {0};
    struct ws_indicator_set pub = {0};
    struct ws_err err = WS_ERR_INIT;
    struct ws_publish *p = NULL;
    struct ws_test_csv csv;
    char *dir = ws_test_tmpdir();
    char *path;
    size_t n_supp = 0;
    (void)state;

    raw_set(&raw);
    protect(&raw, &pub);
    assert_int_equal(ws_publish_begin(dir, &p, &err), WS_OK);
    if (ws_publish_indicators_csv(p, &pub, &err) ||
        ws_publish_indicators_excel_csv(p, &pub, &err) ||
        ws_publish_indicators_gpkg(p, &pub, NULL, 28992, NULL, &err) ||
        ws_publish_indicators_xlsx(p, &pub, "nl", &err))
        fail_msg("%s (%s)", err.what, err.cause);
    assert_int_equal(ws_publish_commit(p, &err), WS_OK);

    // indicators.csv: one column per field (ws_test_csv_load fails on a
    // row of another width), in table order
    path = ws_test_path(dir, "indicators.csv");
    ws_test_csv_load(&csv, path);
    assert_int_equal(csv.n_cols, WS_N_FIELDS);
    assert_int_equal(csv.n_rows, pub.n);
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        assert_string_equal(csv.names[k], ws_fields[k].name);
    for (size_t i = 0; i < csv.n_rows; i++) {
        if (strcmp(ws_test_csv_str(&csv, i, ws_test_csv_col(&csv, "suppressed")), "1") != 0)
            continue;
        n_supp++;
        for (size_t k = 0; k < WS_N_FIELDS; k++)
            if (!ws_field_shown_when_suppressed(k) && *ws_test_csv_str(&csv, i, k))
                fail_msg("indicators.csv row %zu: suppressed, shows '%s'", i + 1,
                         ws_fields[k].name);
    }
    assert_true(n_supp >= 2);
    ws_test_csv_free(&csv);
    free(path);

    // the Excel dialect, the GeoPackage layers and the XLSX sheets
    path = ws_test_path(dir, "indicators_excel.csv");
    check_layer(path, NULL, false);
    free(path);
    path = ws_test_path(dir, "indicators.gpkg");
    check_layer(path, "buurt", false);
    check_layer(path, "wijk", false);
    check_layer(path, "gemeente", false);
    free(path);
    path = ws_test_path(dir, "indicators.xlsx");
    check_layer(path, "buurt", true);
    check_layer(path, "gemeente", true);
    free(path);

    ws_test_rmtree(dir);
    free(dir);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
}

/* --- the store ------------------------------------------------------------ */

static void test_store_follows_table(void **state)
{
    struct ws_indicator_set raw = {0};
    struct ws_indicator_set pub = {0};
    struct ws_indicator_set back = {0};
    struct ws_err err = WS_ERR_INIT;
    struct ws_store *s = NULL;
    char *dir = ws_test_tmpdir();
    char *path = ws_test_path(dir, "store.sqlite");
    (void)state;

    raw_set(&raw);
    protect(&raw, &pub);
    assert_int_equal(ws_store_create(path, 28992, &s, &err), WS_OK);
    assert_int_equal(ws_store_put_indicators(s, WS_SET_RAW, &raw, &err), WS_OK);
    assert_int_equal(ws_store_put_indicators(s, WS_SET_PUBLISHED, &pub, &err), WS_OK);
    for (int t = 0; t < 2; t++) {
        const struct ws_indicator_set *want = t ? &pub : &raw;
        assert_int_equal(
            ws_store_read_indicators(s, t ? WS_SET_PUBLISHED : WS_SET_RAW, &back, &err), WS_OK);
        assert_int_equal(back.n, want->n);
        // the store reads back in key order: match rows by code
        for (size_t i = 0; i < want->n; i++) {
            const struct ws_indicator *w = &want->rows[i];
            const struct ws_indicator *b = NULL;
            for (size_t j = 0; j < back.n && !b; j++)
                if (!strcmp(back.rows[j].code, w->code))
                    b = &back.rows[j];
            assert_non_null(b);
            for (size_t k = 0; k < WS_N_FIELDS; k++)
                assert_same_field(b, w, k);
            assert_int_equal(b->suppressed, w->suppressed); // primary or secondary
        }
        ws_indicator_set_release(&back);
    }
    ws_store_close(s);
    ws_test_rmtree(dir);
    free(path);
    free(dir);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
}

/* --- maps ----------------------------------------------------------------- */

static void test_maps_follow_table(void **state)
{
    const char *const *names = ws_mapdef_indicators();
    struct ws_indicator_set set = {0};
    struct ws_field_value v;
    size_t n = 0;
    size_t n_names = 0;
    (void)state;

    add_row(&set, "BU1", WS_LEVEL_BUURT, "WK1", 500, 3);
    for (size_t k = 0; k < WS_N_FIELDS; k++) {
        bool listed = false;
        for (size_t i = 0; names[i] && !listed; i++)
            listed = strcmp(names[i], ws_fields[k].name) == 0;
        assert_true(listed == (ws_fields[k].legend_nl != NULL));
        n += listed;
        if (!listed)
            continue;
        // a numeric map field reads as its value, lisa_cluster as NAN
        ws_field_get(&set.rows[0], k, &v);
        if (ws_fields[k].kind == WS_KIND_LABEL)
            assert_true(isnan(ws_mapdef_value(&set.rows[0], ws_fields[k].name)));
        else
            assert_double_close(ws_mapdef_value(&set.rows[0], ws_fields[k].name), v.d, 0, 0);
    }
    // and no other names
    for (size_t i = 0; names[i]; i++) {
        assert_true(ws_field_index(names[i]) >= 0);
        n_names++;
    }
    assert_int_equal(n_names, n);
    ws_indicator_set_release(&set);
}

/* --- scripts/check-published.sh ------------------------------------------- */

/* The script checks, as an outsider, that suppressed rows have every
 * hidden field empty: its list (figures="...") must be the table's. */
static void test_check_script_lists_hidden_fields(void **state)
{
    FILE *f = fopen("scripts/check-published.sh", "r");
    struct ws_strbuf text = WS_STRBUF_INIT;
    struct ws_strbuf want = WS_STRBUF_INIT;
    struct ws_strbuf got = WS_STRBUF_INIT;
    char buf[4096];
    size_t n;
    const char *start;
    const char *end;
    (void)state;

    assert_non_null(f);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        ws_strbuf_add(&text, buf, n);
    fclose(f);
    start = strstr(text.buf, "\nfigures=\"");
    assert_non_null(start);
    start += strlen("\nfigures=\"");
    end = strchr(start, '"');
    assert_non_null(end);
    for (const char *c = start; c < end; c++)
        if (*c != ' ' && *c != '\n')
            ws_strbuf_addch(&got, *c);
    for (size_t k = 0; k < WS_N_FIELDS; k++)
        if (!ws_field_shown_when_suppressed(k))
            ws_strbuf_addf(&want, "%s%s", want.len ? "," : "", ws_fields[k].name);
    assert_string_equal(got.buf, want.buf);
    ws_strbuf_release(&text);
    ws_strbuf_release(&want);
    ws_strbuf_release(&got);
}

static int setup(void **state)
{
    (void)state;
    ws_db_global_init();
    ws_ogr_global_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ws_lp_shutdown();
    ws_db_global_shutdown();
    ws_ogr_global_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_protection_follows_table),
        cmocka_unit_test(test_publish_check_follows_table),
        cmocka_unit_test(test_writers_follow_table),
        cmocka_unit_test(test_store_follows_table),
        cmocka_unit_test(test_maps_follow_table),
        cmocka_unit_test(test_check_script_lists_hidden_fields),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
