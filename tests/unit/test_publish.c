/*
 * test_publish.c - the published-table writers (publish.h) and GDAL's
 * writer (ogr_source.h): exact CSV header, NULLs, quoting, the Excel CSV
 * dialect, a readable GeoPackage (reopened through db.h: rows per layer,
 * gpkg_contents, NULL attributes, spatial index), the XLSX sheets read back
 * through ogr_source.h, temporary files gone after commit and after abort,
 * and the refusal of an unprotected set.
 */
#include "helpers.h"

#include "wijkscan/core/indicators.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/protect/protect.h"
#include "wijkscan/report/publish.h"
#include "wijkscan/store/db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const header =
    "code,name,level,parent,year,period,category,population,cases,rate_per_1000,rate_ci_low,"
    "rate_ci_high,ratio_avg,poisson_p,expected,oe_ratio,oe_ci_low,oe_ci_high,eb_rate,seb_rate,"
    "lisa_i,lisa_z,lisa_p,lisa_cluster,trend_rr,trend_p,priority_rank,suppressed,buurten\n";

static void add_row(struct ws_indicator_set *s, const char *code, const char *name,
                    enum ws_level level, const char *parent, double P, double O)
{
    struct ws_indicator *r = ws_indicator_set_add(s);

    r->code = ws_xstrdup(code);
    r->name = ws_xstrdup(name);
    r->level = level;
    r->parent = ws_xstrdup(parent);
    r->year = 2024;
    r->category = ws_xstrdup("all");
    r->population = P;
    r->cases = O;
    r->rate_per_1000 = 1000.0 * O / P;
    r->expected = O * 0.9;
    r->oe_ratio = O / r->expected;
    strcpy(r->lisa_cluster, "ns");
}

/* WK1 = BU1 (3, primary) + BU2 (40) + BU3 (53); GM1 = WK1 + WK2 (= GB4 = BU4,
 * an analysis area of one buurt). */
static void published_set(struct ws_indicator_set *pub, struct ws_audit *audit)
{
    struct ws_indicator_set raw = {0};
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o;
    struct ws_area bu4;

    memset(&bu4, 0, sizeof(bu4));
    bu4.code = (char *)"BU4";
    bu4.gemeente = (char *)"GM1";
    bu4.gebied = (char *)"GB4";
    add_row(&raw, "GM1", "Gemeente", WS_LEVEL_GEMEENTE, NULL, 5000, 157);
    add_row(&raw, "WK1", "Centrum, Oost", WS_LEVEL_WIJK, "GM1", 3000, 96);
    add_row(&raw, "WK2", "Zuid \"aan zee\"", WS_LEVEL_WIJK, "GM1", 2000, 61);
    add_row(&raw, "BU1", "Noord", WS_LEVEL_BUURT, "WK1", 500, 3);
    add_row(&raw, "BU2", "Midden", WS_LEVEL_BUURT, "WK1", 1000, 40);
    add_row(&raw, "BU3", "Zuid", WS_LEVEL_BUURT, "WK1", 1500, 53);
    add_row(&raw, "BU4", "Haven", WS_LEVEL_BUURT, "WK2", 2000, 61);
    add_row(&raw, "GB4", "Haven", WS_LEVEL_GEBIED, "WK2", 2000, 61);
    raw.rows[raw.n - 1].buurten = ws_xstrdup("BU4");
    memset(&o, 0, sizeof(o));
    o.buurten = &bu4;
    o.n_buurten = 1;
    o.min_count = 10;
    o.round_to = 5;
    o.safety_range = 5;
    assert_int_equal(ws_protect_apply(&raw, &o, pub, audit, &err), WS_OK);
    ws_indicator_set_release(&raw);
}

/* A unit square at (x, y). */
static void square(struct ws_geom *g, double x, double y)
{
    const double xy[10] = {x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y};

    ws_geom_init(g);
    g->n_polys = g->n_rings = 1;
    g->n_points = 5;
    g->poly_ring = ws_xcalloc(2, sizeof(size_t));
    g->ring_point = ws_xcalloc(2, sizeof(size_t));
    g->poly_ring[1] = 1;
    g->ring_point[1] = 5;
    g->xy = ws_xmalloc(sizeof(xy));
    memcpy(g->xy, xy, sizeof(xy));
}

struct areas {
    struct ws_area a[7];
    struct ws_publish_areas pa;
};

static void make_areas(struct areas *ar)
{
    static const char *const codes[7] = {"BU1", "BU2", "BU3", "BU4", "WK1", "WK2", "GM1"};

    memset(ar, 0, sizeof(*ar));
    for (int i = 0; i < 7; i++) {
        ar->a[i].code = (char *)codes[i];
        square(&ar->a[i].geom, 155000.0 + i, 463000.0);
    }
    // BU4 has no geometry: its features get a NULL geometry
    ws_geom_release(&ar->a[3].geom);
    ar->pa.areas[WS_LEVEL_BUURT] = &ar->a[0];
    ar->pa.n[WS_LEVEL_BUURT] = 4;
    ar->pa.areas[WS_LEVEL_WIJK] = &ar->a[4];
    ar->pa.n[WS_LEVEL_WIJK] = 2;
    ar->pa.areas[WS_LEVEL_GEMEENTE] = &ar->a[6];
    ar->pa.n[WS_LEVEL_GEMEENTE] = 1;
}

static void free_areas(struct areas *ar)
{
    for (int i = 0; i < 7; i++)
        ws_geom_release(&ar->a[i].geom);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = ws_xmalloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool exists(const char *dir, const char *name)
{
    char *p = ws_test_path(dir, name);
    struct stat sb;
    bool e = stat(p, &sb) == 0;

    free(p);
    return e;
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int64_t query_int(struct ws_db *db, const char *sql)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_stmt *q = NULL;
    int64_t v;

    assert_int_equal(ws_db_prepare(db, sql, &q, &err), WS_OK);
    assert_int_equal(ws_stmt_step(q, &err), 1);
    v = ws_stmt_column_int(q, 0);
    ws_stmt_finalize(q);
    return v;
}

/* indicators.xlsx: a sheet per level, Dutch headers, numbers as numbers. */
static void check_xlsx(const char *dir)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_ogr_table *t = NULL;
    char *path = ws_test_path(dir, "indicators.xlsx");
    size_t code = 0, cases = 0, rate = 0, supp = 0;
    int found = 0;

    assert_int_equal(ws_ogr_table_open(path, "buurt", NULL, &t, &err), WS_OK);
    assert_int_equal(ws_ogr_table_n_fields(t), 29);
    assert_int_equal(ws_ogr_table_field_index(t, "Code", NULL, &code, &err), WS_OK);
    assert_int_equal(ws_ogr_table_field_index(t, "Hulpvragen (afgerond)", NULL, &cases, &err),
                     WS_OK);
    assert_int_equal(ws_ogr_table_field_index(t, "Per 1.000 inwoners", NULL, &rate, &err), WS_OK);
    assert_int_equal(ws_ogr_table_field_index(t, "Geheim (1 = ja)", NULL, &supp, &err), WS_OK);
    while (ws_ogr_table_next(t, &err) == 1) {
        const char *c = ws_ogr_table_value(t, code);
        if (strcmp(c, "BU3") == 0) {
            assert_string_equal(ws_ogr_table_value(t, cases), "55");
            assert_true(strncmp(ws_ogr_table_value(t, rate), "35.333333", 9) == 0);
            found++;
        } else if (strcmp(c, "BU1") == 0) {
            assert_string_equal(ws_ogr_table_value(t, cases), "");
            assert_string_equal(ws_ogr_table_value(t, supp), "1");
            found++;
        }
    }
    assert_int_equal(found, 2);
    ws_ogr_table_close(t);
    assert_int_equal(ws_ogr_table_open(path, "gemeente", NULL, &t, &err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &err), 1);
    assert_int_equal(ws_ogr_table_next(t, &err), 0);
    ws_ogr_table_close(t);
    // the gebied sheet lists the area's buurten
    assert_int_equal(ws_ogr_table_open(path, "gebied", NULL, &t, &err), WS_OK);
    assert_int_equal(ws_ogr_table_field_index(t, "Buurten (codes)", NULL, &code, &err), WS_OK);
    assert_int_equal(ws_ogr_table_next(t, &err), 1);
    assert_string_equal(ws_ogr_table_value(t, code), "BU4");
    ws_ogr_table_close(t);
    free(path);
}

static void test_publish_commit(void **state)
{
    struct ws_indicator_set pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_publish *p = NULL;
    struct areas ar;
    char *dir = ws_test_tmpdir(), *path, *csv, *line;
    struct ws_db *db = NULL;

    (void)state;
    published_set(&pub, &audit);
    make_areas(&ar);
    assert_int_equal(ws_publish_begin(dir, &p, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_csv(p, &pub, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_excel_csv(p, &pub, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_gpkg(p, &pub, &ar.pa, 28992, NULL, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_xlsx(p, &pub, "nl", &err), WS_OK);
    assert_int_equal(ws_publish_text(p, "statistics.json", "{\"format\": 1}\n", &err), WS_OK);
    assert_int_equal(ws_publish_audit_csv(p, &audit, &err), WS_OK);
    // before the commit only temporary names exist
    assert_int_equal(count_entries(dir), 6);
    assert_false(exists(dir, "indicators.csv"));
    assert_int_equal(ws_publish_commit(p, &err), WS_OK);
    assert_int_equal(count_entries(dir), 6);
    assert_true(exists(dir, "indicators_excel.csv"));
    assert_true(exists(dir, "indicators.xlsx"));
    assert_true(exists(dir, "indicators.csv"));
    assert_true(exists(dir, "indicators.gpkg"));
    assert_true(exists(dir, "statistics.json"));
    assert_true(exists(dir, "audit.csv"));

    // indicators.csv: the header exactly, NULL as empty, quoting, 0/1
    path = ws_test_path(dir, "indicators.csv");
    csv = slurp(path);
    assert_memory_equal(csv, header, strlen(header));
    line = strstr(csv, "\nBU1,");
    assert_non_null(line);
    assert_true(
        strncmp(line, "\nBU1,Noord,buurt,WK1,2024,1,all,500,,,,,,,2.7,,,,,,,,,,,,,1,\n", 61) == 0);
    assert_non_null(strstr(csv, "\nBU3,Zuid,buurt,WK1,2024,1,all,1500,55,35.33333333,,,,,47.7,"
                                "1.111111111,,,,,,,,ns,,,,0,\n"));
    assert_non_null(strstr(csv, "\nWK1,\"Centrum, Oost\",wijk,GM1,2024,1,all,3000,95,"));
    assert_non_null(strstr(csv, "\nWK2,\"Zuid \"\"aan zee\"\"\",wijk,GM1,"));
    assert_non_null(strstr(csv, "\nGM1,Gemeente,gemeente,,2024,"));
    assert_non_null(strstr(csv, "\nGB4,Haven,gebied,WK2,2024,1,all,2000,60,"));
    assert_non_null(strstr(csv, ",0,BU4\n"));
    free(csv);
    free(path);

    // indicators_excel.csv: BOM, ';', decimal comma, CRLF, the same header
    path = ws_test_path(dir, "indicators_excel.csv");
    csv = slurp(path);
    assert_memory_equal(csv,
                        "\xEF\xBB\xBF"
                        "code;name;level;parent;year;period;category;population;",
                        58);
    assert_non_null(strstr(csv, "trend_p;priority_rank;suppressed;buurten\r\n"));
    assert_non_null(strstr(csv, "\r\nBU3;Zuid;buurt;WK1;2024;1;all;1500;55;35,33333333;;;;;47,7;"
                                "1,111111111;;;;;;;;ns;;;;0;\r\n"));
    assert_non_null(strstr(csv, "\r\nWK1;\"Centrum, Oost\";wijk;GM1;2024;1;all;3000;95;"));
    assert_non_null(
        strstr(csv, "\r\nBU1;Noord;buurt;WK1;2024;1;all;500;;;;;;;2,7;;;;;;;;;;;;;1;\r\n"));
    free(csv);
    free(path);

    // audit.csv
    path = ws_test_path(dir, "audit.csv");
    csv = slurp(path);
    assert_string_equal(csv, "code,level,year,period,category,reason,check,range_low,range_high,"
                             "range_width,note\n"
                             "BU1,buurt,2024,1,all,primary,at least 5,,,,\n"
                             "BU2,buurt,2024,1,all,secondary,at least 5,,,,\n");
    free(csv);
    free(path);

    // indicators.gpkg through db.h
    path = ws_test_path(dir, "indicators.gpkg");
    assert_int_equal(ws_db_open(path, WS_DB_READ, &db, &err), WS_OK);
    assert_int_equal(query_int(db, "PRAGMA application_id"), 1196444487);
    assert_int_equal(query_int(db, "SELECT count(*) FROM buurt"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM wijk"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gemeente"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gebied WHERE buurten = 'BU4'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gpkg_contents WHERE data_type = "
                                   "'features' AND srs_id = 28992 AND identifier = table_name "
                                   "AND min_x IS NOT NULL"),
                     3);
    // the four layers and the four LEVEL_latest views
    assert_int_equal(query_int(db, "SELECT count(*) FROM gpkg_geometry_columns WHERE "
                                   "geometry_type_name = 'MULTIPOLYGON' AND srs_id = 28992"),
                     8);
    assert_int_equal(query_int(db, "SELECT count(*) FROM buurt_latest"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gemeente_latest"), 1);
    // no styles given: no layer_styles table
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                   "'layer_styles'"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE "
                                   "srs_id = 28992"),
                     1);
    // NULL attributes are NULL, the rest typed
    assert_int_equal(query_int(db, "SELECT count(*) FROM buurt WHERE suppressed = 1 AND "
                                   "cases IS NULL AND rate_per_1000 IS NULL AND lisa_cluster IS "
                                   "NULL AND priority_rank IS NULL AND population = 500"),
                     1);
    assert_int_equal(query_int(db, "SELECT cases FROM buurt WHERE code = 'BU3'"), 55);
    assert_int_equal(query_int(db, "SELECT typeof(cases) = 'integer' FROM buurt WHERE "
                                   "code = 'BU3'"),
                     1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gemeente WHERE parent IS NULL"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM buurt WHERE geom IS NULL"), 1);
    // GeoPackage blobs start with "GP"; every layer has its R-tree index
    assert_int_equal(query_int(db, "SELECT count(*) FROM wijk WHERE substr(geom, 1, 2) = "
                                   "CAST('GP' AS BLOB)"),
                     2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = "
                                   "'gpkg_rtree_index'"),
                     4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM rtree_buurt_geom"), 3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gpkg_contents WHERE last_change = "
                                   "'2000-01-01T00:00:00.000Z'"),
                     8);
    ws_db_close(db);
    free(path);

    check_xlsx(dir);

    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
    free_areas(&ar);
    ws_test_rmtree(dir);
    free(dir);
}

static void test_publish_abort(void **state)
{
    struct ws_indicator_set pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_publish *p = NULL;
    struct areas ar;
    char *dir = ws_test_tmpdir();

    (void)state;
    published_set(&pub, &audit);
    make_areas(&ar);
    assert_int_equal(ws_publish_begin(dir, &p, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_csv(p, &pub, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_gpkg(p, &pub, &ar.pa, 28992, NULL, &err), WS_OK);
    assert_int_equal(count_entries(dir), 2);
    ws_publish_abort(p);
    assert_int_equal(count_entries(dir), 0);
    ws_publish_abort(NULL);

    // an unprotected set is refused, and nothing is left behind
    pub.rows[3].cases = 3; // BU1 is suppressed
    assert_int_equal(ws_publish_begin(dir, &p, &err), WS_OK);
    assert_int_equal(ws_publish_indicators_csv(p, &pub, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "refusing to publish"));
    assert_non_null(strstr(err.what, "'BU1'"));
    ws_err_clear(&err);
    pub.rows[3].cases = NAN;
    pub.rows[3].rate_per_1000 = 6;
    assert_int_equal(ws_publish_indicators_gpkg(p, &pub, &ar.pa, 28992, NULL, &err), WS_EINTERNAL);
    ws_publish_abort(p);
    assert_int_equal(count_entries(dir), 0);

    // a missing folder
    ws_err_clear(&err);
    assert_int_equal(ws_publish_begin("/nonexistent/wijkscan", &p, &err), WS_ECANTCREAT);
    assert_null(p);
    assert_int_equal(ws_status_exit_code(err.code), 73);

    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
    free_areas(&ar);
    ws_test_rmtree(dir);
    free(dir);
}

/* GDAL's writer alone: an existing file is refused; a layer without
 * features still opens; NULLs; the XLSX header language. */
static void test_ogr_writer(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_ogr_writer *w = NULL;
    struct ws_db *db = NULL;
    const struct ws_ogr_field f[3] = {
        {"label", WS_OGR_TEXT}, {"n", WS_OGR_INTEGER}, {"x", WS_OGR_REAL}};
    struct ws_ogr_value v[3];
    struct ws_geom sq;
    unsigned char *wkb;
    size_t len;
    char *dir = ws_test_tmpdir(), *path = ws_test_path(dir, "t.gpkg");

    (void)state;
    square(&sq, 0, 0);
    wkb = ws_geom_to_wkb(&sq, &len);
    assert_int_equal(ws_ogr_writer_create("GPKG", path, "2001-02-03T04:05:06.000Z", &w, &err),
                     WS_OK);
    assert_int_equal(ws_ogr_writer_add_layer(w, "leeg", 28992, f, 3, NULL, &err), WS_OK);
    assert_int_equal(ws_ogr_writer_add_layer(w, "vol", 28992, f, 3, NULL, &err), WS_OK);
    memset(v, 0, sizeof(v));
    v[0].s = "a";
    v[1].i = 7;
    v[2].d = 0.5;
    assert_int_equal(ws_ogr_writer_add_feature(w, v, wkb, len, &err), WS_OK);
    v[0].null = true;
    v[1].null = true;
    v[2].d = NAN;
    assert_int_equal(ws_ogr_writer_add_feature(w, v, NULL, 0, &err), WS_OK);
    assert_int_equal(
        ws_ogr_writer_exec(w, "CREATE VIEW vol_a AS SELECT * FROM vol WHERE n = 7", &err), WS_OK);
    assert_int_equal(ws_ogr_writer_finish(w, &err), WS_OK);
    assert_int_equal(ws_db_open(path, WS_DB_READ, &db, &err), WS_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM vol WHERE label IS NULL AND n IS NULL "
                                   "AND x IS NULL AND geom IS NULL"),
                     1);
    assert_int_equal(query_int(db, "SELECT n FROM vol WHERE label = 'a' AND x = 0.5"), 7);
    assert_int_equal(query_int(db, "SELECT count(*) FROM vol_a"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM leeg"), 0);
    assert_int_equal(query_int(db, "SELECT max_x = 1 FROM gpkg_contents WHERE "
                                   "table_name = 'vol' AND last_change = "
                                   "'2001-02-03T04:05:06.000Z'"),
                     1);
    ws_db_close(db);
    // an existing file is never overwritten
    assert_int_equal(ws_ogr_writer_create("GPKG", path, NULL, &w, &err), WS_ECANTCREAT);
    assert_null(w);
    assert_non_null(strstr(err.what, "exists"));
    ws_ogr_writer_abort(NULL);
    // nor made in a missing folder
    ws_err_clear(&err);
    // (GDAL's XLSX writer writes its file on close: the failure shows there)
    assert_int_equal(ws_ogr_writer_create("XLSX", "/nonexistent/wijkscan/t.xlsx", NULL, &w, &err),
                     WS_OK);
    assert_int_equal(ws_ogr_writer_add_layer(w, "blad", 0, f, 3, NULL, &err), WS_OK);
    assert_int_equal(ws_ogr_writer_finish(w, &err), WS_ECANTCREAT);
    assert_non_null(strstr(err.what, "t.xlsx"));
    free(wkb);
    ws_geom_release(&sq);
    free(path);
    ws_test_rmtree(dir);
    free(dir);
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
        cmocka_unit_test(test_publish_commit),
        cmocka_unit_test(test_publish_abort),
        cmocka_unit_test(test_ogr_writer),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
