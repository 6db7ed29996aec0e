/*
 * test_render.c - the map page and the map stage, on a synthetic 3 x 3 grid
 * of 100 m buurten in three wijken (one per row):
 *
 *     row 3 (y 200-300)   BU07 70   BU08 80   BU09 --   wijk WK03
 *     row 2 (y 100-200)   BU04 40   BU05 S    BU06 60   wijk WK02
 *     row 1 (y   0-100)   BU01 10   BU02 20   BU03 30   wijk WK01
 *
 * eb_rate per buurt in 2024 (S: suppressed, carrying the bogus value 987.6
 * that must never appear; --: population 0, no data).  Structural checks
 * (legend counts equal class counts, every area drawn once, suppressed areas
 * hatched, no suppressed value in any text or SVG), a golden image with a
 * per-pixel tolerance (WS_UPDATE_GOLDEN=1 rewrites it), and the stage
 * writing through outfiles and from a real store.
 */
#include "helpers.h"

#include "wijkscan/core/conf.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/load/load.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/render/choropleth.h"
#include "wijkscan/render/mapdef.h"
#include "wijkscan/render/render.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define GOLDEN    "tests/fixtures/render/grid3x3.png"
#define BOGUS     987.6
#define N_BUURTEN 9

struct grid {
    struct ws_area buurten[N_BUURTEN];
    struct ws_area wijken[3];
    struct ws_indicator_set set;
    struct ws_map_inputs in;
    struct ws_map_point point;
    char *dir;
};

/* A closed rectangle as a one-polygon geometry. */
static void rect_geom(struct ws_geom *g, double x0, double y0, double x1, double y1)
{
    const double xy[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};

    ws_geom_init(g);
    g->n_polys = 1;
    g->n_rings = 1;
    g->n_points = 5;
    g->poly_ring = calloc(2, sizeof(size_t));
    g->ring_point = calloc(2, sizeof(size_t));
    g->xy = malloc(sizeof(xy));
    g->poly_ring[1] = 1;
    g->ring_point[1] = 5;
    memcpy(g->xy, xy, sizeof(xy));
}

static char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void add_row(struct ws_indicator_set *set, const char *code, enum ws_level level, int year,
                    const char *category, double eb, double oe, const char *cluster, bool supp)
{
    struct ws_indicator *r = ws_indicator_set_add(set);
    r->code = sdup(code);
    r->name = sdup(code);
    r->level = level;
    r->year = year;
    r->category = sdup(category);
    r->population = 100;
    r->eb_rate = eb;
    r->rate_per_1000 = eb;
    r->oe_ratio = oe;
    r->trend_rr = NAN;
    snprintf(r->lisa_cluster, sizeof(r->lisa_cluster), "%s", cluster ? cluster : "");
    r->suppressed = supp ? WS_SUPP_PRIMARY : WS_SUPP_NONE;
    if (supp)
        r->cases = BOGUS; // a protected set would hold NULL; the map must not care
}

static int setup(void **state)
{
    static const double oe[N_BUURTEN] = {0.5, 0.8, 0.9, 1.0, 1.0, 1.1, 1.25, 2.0, NAN};
    static const char *const clusters[N_BUURTEN] = {"LL", "LL", "ns", "ns",      "",
                                                    "HL", "HH", "HH", "isolated"};
    struct grid *g = calloc(1, sizeof(*g));
    char code[16];
    char name[32];

    for (int i = 0; i < N_BUURTEN; i++) {
        int row = i / 3;
        int col = i % 3;
        snprintf(code, sizeof(code), "BU%02d", i + 1);
        snprintf(name, sizeof(name), "Buurt %d", i + 1);
        g->buurten[i].code = strdup(code);
        g->buurten[i].name = strdup(name);
        snprintf(code, sizeof(code), "WK%02d", row + 1);
        g->buurten[i].parent = strdup(code);
        rect_geom(&g->buurten[i].geom, col * 100.0, row * 100.0, col * 100.0 + 100,
                  row * 100.0 + 100);
    }
    for (int w = 0; w < 3; w++) {
        snprintf(code, sizeof(code), "WK%02d", w + 1);
        snprintf(name, sizeof(name), "Wijk %d", w + 1);
        g->wijken[w].code = strdup(code);
        g->wijken[w].name = strdup(name);
        rect_geom(&g->wijken[w].geom, 0, w * 100.0, 300, w * 100.0 + 100);
    }
    for (int i = 0; i < N_BUURTEN; i++) {
        const struct ws_area *a = &g->buurten[i];
        bool supp = i == 4;
        double eb = supp ? BOGUS : i == 8 ? NAN : 10.0 * (i + 1);
        add_row(&g->set, a->code, WS_LEVEL_BUURT, 2023, "all", eb + 1, oe[i], "ns", supp);
        add_row(&g->set, a->code, WS_LEVEL_BUURT, 2024, "all", eb, supp ? BOGUS : oe[i],
                supp ? NULL : clusters[i], supp);
        // per category BU05 stays suppressed (as secondary suppression would)
        add_row(&g->set, a->code, WS_LEVEL_BUURT, 2024, "opvoeding", supp ? BOGUS : eb / 2, NAN,
                NULL, supp || i == 0);
        add_row(&g->set, a->code, WS_LEVEL_BUURT, 2024, "school", supp ? BOGUS : eb / 4, NAN, NULL,
                supp || i == 2);
    }
    for (int w = 0; w < 3; w++)
        add_row(&g->set, g->wijken[w].code, WS_LEVEL_WIJK, 2024, "all", 20.0 * (w + 1), 1, NULL,
                false);
    g->point = (struct ws_map_point){150, 150, "Wijkteam"};
    g->in.buurten = g->buurten;
    g->in.n_buurten = N_BUURTEN;
    g->in.wijken = g->wijken;
    g->in.n_wijken = 3;
    g->in.published = &g->set;
    g->in.study_title = "Testgemeente";
    g->in.language = "nl";
    g->in.source_note = "CBS; PDOK; casussen: test.csv (synthetisch)";
    g->in.date = "2024-01-01";
    g->dir = ws_test_tmpdir();
    *state = g;
    return 0;
}

static void free_areas(struct ws_area *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].code);
        free(a[i].name);
        free(a[i].parent);
        ws_geom_release(&a[i].geom);
    }
}

static int teardown(void **state)
{
    struct grid *g = *state;
    char cmd[4200];

    free_areas(g->buurten, N_BUURTEN);
    free_areas(g->wijken, 3);
    ws_indicator_set_release(&g->set);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g->dir);
    if (system(cmd) != 0)
        return -1;
    free(g->dir);
    free(g);
    return 0;
}

/* A definition from text (written to the grid's folder as NAME.ini). */
static void mapdef(struct grid *g, const char *name, const char *text, struct ws_mapdef *md)
{
    struct ws_err err = WS_ERR_INIT;
    char file[64];
    char *path;
    FILE *fp;

    snprintf(file, sizeof(file), "%s.ini", name);
    path = ws_test_path(g->dir, file);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    if (ws_mapdef_load(path, md, &err) != WS_OK) {
        print_error("%s: %s\n", err.what, err.hint);
        fail();
    }
    free(path);
}

static struct ws_choropleth *build(struct grid *g, const struct ws_mapdef *md, const char *focus)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_choropleth *m = NULL;

    if (ws_choropleth_build(&g->in, md, focus, NULL, &m, &err) != WS_OK) {
        print_error("%s (%s) %s\n", err.what, err.where, err.hint);
        fail();
    }
    assert_non_null(m);
    return m;
}

static const char *fixed_def = "[map]\ntitle = Test\nindicator = eb_rate\nmethod = fixed\n"
                               "breaks = 0, 25, 50, 75, 100\npalette = YlOrRd\nclasses = 4\n"
                               "labels = buurt\nwidth_px = 240\nheight_px = 300\ndpi = 72\n";

static void test_classes_and_legend(void **state)
{
    static const int want[N_BUURTEN] = {0, 0, 1, 1, WS_MAP_SUPPRESSED, 2, 2, 3, WS_MAP_NODATA};
    struct grid *g = *state;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    size_t counts[6] = {0};

    mapdef(g, "fixed", fixed_def, &md);
    m = build(g, &md, NULL);
    assert_int_equal(m->year, 2024); // latest
    assert_int_equal(m->n_panels, 1);
    assert_int_equal(m->n_classes, 4);
    for (int i = 0; i < N_BUURTEN; i++)
        assert_int_equal(m->panels[0].areas[i].cls, want[i]);
    assert_true(isnan(m->panels[0].areas[4].value));

    // legend: 4 classes, geheim, geen data, with the class counts
    assert_int_equal(m->n_legend, 6);
    assert_string_equal(m->legend[0].label, "0,0 \xe2\x80\x93 25,0");
    assert_string_equal(m->legend[3].label, "75,0 \xe2\x80\x93 100,0");
    assert_int_equal(m->legend[4].kind, WS_LEGEND_SUPPRESSED);
    assert_string_equal(m->legend[4].label, "geheim");
    assert_int_equal(m->legend[5].kind, WS_LEGEND_NODATA);
    assert_string_equal(m->legend[5].label, "geen data");
    for (int i = 0; i < N_BUURTEN; i++) {
        int c = m->panels[0].areas[i].cls;
        counts[c >= 0 ? c : c == WS_MAP_SUPPRESSED ? 4 : 5]++;
    }
    for (size_t e = 0; e < m->n_legend; e++)
        assert_int_equal(m->legend[e].count, counts[e]);

    assert_string_equal(m->title, "Test");
    assert_string_equal(m->kicker, "Testgemeente");
    assert_string_equal(m->subtitle, "Buurten, 2024, alle categorie\xc3\xabn");
    assert_string_equal(m->source_line, "Bron: CBS; PDOK; casussen: test.csv (synthetisch) "
                                        "\xc2\xb7 kaart: wijkscan, 2024-01-01");
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

static bool contains(const unsigned char *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(data + i, s, n))
            return true;
    return false;
}

/* Quantile classes from the published values: the suppressed cell's value
 * enters neither the breaks nor any text, in any format. */
static void test_suppressed_value_never_shown(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    mapdef(g, "quant",
           "[map]\nindicator = eb_rate\nlabels = buurt\nwidth_px = 300\nheight_px = 400\n"
           "dpi = 72\n",
           &md);
    m = build(g, &md, NULL);
    for (size_t i = 0; i <= m->n_classes; i++)
        assert_true(m->breaks[i] < 100);
    assert_double_close(m->breaks[m->n_classes], 80, 1e-9, 0);
    for (int f = 0; f < WS_CANVAS_N_FORMATS; f++) {
        unsigned char *data = NULL;
        size_t len = 0;
        assert_int_equal(ws_choropleth_draw(m, (enum ws_canvas_format)f, NULL, &data, &len, &err),
                         WS_OK);
        assert_true(len > 0);
        for (size_t t = 0; t < m->n_texts; t++) {
            assert_null(strstr(m->texts[t], "987"));
            assert_null(strstr(m->texts[t], "BOGUS"));
        }
        if (f == WS_CANVAS_SVG) {
            assert_false(contains(data, len, "987"));
            assert_true(contains(data, len, "<svg"));
        }
        // every area filled exactly once
        for (int i = 0; i < N_BUURTEN; i++)
            assert_int_equal(m->panels[0].areas[i].n_drawn, 1);
        free(data);
    }
    // labels are names: 'Buurt N' only
    assert_true(m->n_placed > 0);
    for (size_t i = 0; i < m->n_placed; i++)
        assert_true(strncmp(m->placed[i].text, "Buurt ", 6) == 0);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

/* Placed labels never overlap and sit inside their buurt. */
static void test_labels(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    mapdef(g, "fixed", fixed_def, &md);
    m = build(g, &md, NULL);
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PNG, NULL, NULL, NULL, &err), WS_OK);
    assert_true(m->n_placed >= 5);
    for (size_t i = 0; i < m->n_placed; i++) {
        const struct ws_map_label *a = &m->placed[i];
        for (size_t j = 0; j < i; j++) {
            const struct ws_map_label *b = &m->placed[j];
            bool overlap = a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
                           b->y < a->y + a->h;
            assert_false(overlap);
        }
    }
    // the point's name is drawn, and the buurt under it keeps no label there
    bool has_point = false;
    for (size_t t = 0; t < m->n_texts; t++)
        has_point = has_point || !strcmp(m->texts[t], "Wijkteam");
    assert_false(has_point); // no points given yet
    g->in.points = &g->point;
    g->in.n_points = 1;
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PNG, NULL, NULL, NULL, &err), WS_OK);
    for (size_t t = 0; t < m->n_texts; t++)
        has_point = has_point || !strcmp(m->texts[t], "Wijkteam");
    assert_true(has_point);
    g->in.points = NULL;
    g->in.n_points = 0;
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

/* A polygon narrower than its name gets no label. */
static void test_no_label_when_too_narrow(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    struct ws_geom saved = g->buurten[0].geom;

    rect_geom(&g->buurten[0].geom, 0, 0, 4, 100); // 4 m wide
    mapdef(g, "fixed", fixed_def, &md);
    m = build(g, &md, NULL);
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PNG, NULL, NULL, NULL, &err), WS_OK);
    for (size_t i = 0; i < m->n_placed; i++)
        assert_string_not_equal(m->placed[i].text, "Buurt 1");
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
    ws_geom_release(&g->buurten[0].geom);
    g->buurten[0].geom = saved;
}

static unsigned char *pixel(const struct ws_image *img, int x, int y)
{
    return img->rgb + 3 * ((size_t)y * (size_t)img->width + (size_t)x);
}

/* In the PNG the suppressed buurt is hatched (light grey with darker
 * lines), the one without data white with grey dots. */
static void test_hatched_pixels(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    struct ws_image img;
    unsigned char *data = NULL;
    size_t len = 0;
    double x0;
    double y0;
    size_t light = 0;
    size_t dark = 0;
    size_t white = 0;
    size_t dots = 0;

    mapdef(g, "nolabels",
           "[map]\nindicator = eb_rate\nmethod = fixed\nbreaks = 0, 30, 60, 100\n"
           "palette = Blues\nwidth_px = 600\nheight_px = 800\ndpi = 72\n",
           &md);
    m = build(g, &md, NULL);
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PNG, NULL, &data, &len, &err), WS_OK);
    assert_int_equal(ws_image_read_png_buffer(data, len, &img, &err), WS_OK);
    // locate the grid (the frame is not exposed): the first blue pixel below
    // the title block is the top left of BU07
    x0 = -1;
    y0 = -1;
    for (int y = 120; y < img.height && y0 < 0; y++)
        for (int x = 0; x < img.width && y0 < 0; x++)
            if (pixel(&img, x, y)[0] < 250 && pixel(&img, x, y)[2] > 100) {
                x0 = x;
                y0 = y;
            }
    assert_true(x0 >= 0);
    // the grid is square and centred horizontally: its width spans the
    // frame, so the cell size is (page width - 2 x0) / 3
    {
        double cell = (img.width - 2 * x0) / 3.0;
        int cx = (int)(x0 + 1.5 * cell);
        int cy = (int)(y0 + 1.5 * cell); // BU05: middle row, middle column
        int nx = (int)(x0 + 2.5 * cell);
        int ny = (int)(y0 + 0.5 * cell); // BU09: top row, right column
        for (int dy = -10; dy <= 10; dy++) {
            for (int dx = -10; dx <= 10; dx++) {
                const unsigned char *p = pixel(&img, cx + dx, cy + dy);
                const unsigned char *q = pixel(&img, nx + dx, ny + dy);
                light += p[0] > 225 && p[0] < 250 && p[0] == p[2];
                dark += p[0] < 190 && p[0] == p[2];
                white += q[0] == 255 && q[1] == 255 && q[2] == 255;
                dots += q[0] < 220 && q[0] == q[2];
            }
        }
    }
    assert_true(light > 100);
    assert_true(dark > 20);
    assert_true(white > 100);
    assert_true(dots > 5);
    ws_image_release(&img);
    free(data);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

/* The golden image: the fixed-break map of the grid, drawn at 72 dpi. */
static void test_golden_image(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    struct ws_image got;
    struct ws_image want;
    unsigned char *data = NULL;
    size_t len = 0;
    size_t diff;
    char *copy = ws_test_path(g->dir, "got.png");

    g->in.points = &g->point;
    g->in.n_points = 1;
    mapdef(g, "golden", fixed_def, &md);
    m = build(g, &md, NULL);
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PNG, NULL, &data, &len, &err), WS_OK);
    assert_int_equal(ws_image_read_png_buffer(data, len, &got, &err), WS_OK);
    assert_int_equal(got.width, 240);
    assert_int_equal(got.height, 300);
    if (getenv("WS_UPDATE_GOLDEN")) {
        assert_int_equal(ws_image_write_png(&got, GOLDEN, &err), WS_OK);
        print_message("rewrote %s\n", GOLDEN);
    }
    assert_int_equal(ws_image_read_png(GOLDEN, &want, &err), WS_OK);
    // text rendering may move a few edge pixels between library versions;
    // the map itself must match
    diff = ws_image_count_diff(&got, &want, 40);
    if (diff > (size_t)(got.width * got.height) / 100) {
        (void)ws_image_write_png(&got, copy, &err);
        print_error("%zu pixels differ from %s (see %s); rerun with WS_UPDATE_GOLDEN=1 if the "
                    "change is intended\n",
                    diff, GOLDEN, copy);
        fail();
    }
    g->in.points = NULL;
    g->in.n_points = 0;
    ws_image_release(&got);
    ws_image_release(&want);
    free(data);
    free(copy);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

/* Diverging classes around 1 are symmetric on a ratio scale. */
static void test_centered(void **state)
{
    struct grid *g = *state;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    mapdef(g, "oe",
           "[map]\nindicator = oe_ratio\npalette = RdBu\nreverse_palette = true\ncenter = 1\n"
           "classes = 5\n",
           &md);
    m = build(g, &md, NULL);
    assert_int_equal(m->n_classes % 2, 1);
    for (size_t i = 0; i <= m->n_classes; i++)
        assert_double_close(m->breaks[i] * m->breaks[m->n_classes - i], 1, 1e-9, 0);
    assert_double_close(m->breaks[0], 0.5, 1e-9, 0); // the farthest value: 0.5 and 2
    assert_double_close(m->breaks[m->n_classes], 2, 1e-9, 0);
    // the middle class holds 1; high is warm (reversed RdBu)
    assert_int_equal(m->panels[0].areas[3].cls, (int)m->n_classes / 2);
    assert_true(m->colours[m->n_classes - 1].r > m->colours[m->n_classes - 1].b);
    assert_true(m->colours[0].b > m->colours[0].r);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);

    // an even number: 1 is a break
    mapdef(g, "oe6",
           "[map]\nindicator = oe_ratio\npalette = RdBu\ncenter = 1\nclasses = 4\n"
           "method = equal\n",
           &md);
    m = build(g, &md, NULL);
    assert_int_equal(m->n_classes, 4);
    assert_double_close(m->breaks[2], 1, 1e-12, 0);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

/* significance: areas whose interval includes center (or whose p-value is
 * not below alpha, or unknown) drawn neutral, counted in their own legend
 * entry; the QGIS style says the same. */
static void test_significance(void **state)
{
    static const double lo[N_BUURTEN] = {0.3, 0.5, 0.6, 0.7, 0, 0.9, 1.05, 1.5, NAN};
    static const double hi[N_BUURTEN] = {0.8, 1.2, 1.3, 1.4, 0, 1.3, 1.5, 2.6, NAN};
    struct grid *g = *state;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    const struct ws_legend_entry *ns = NULL;
    char *qml;

    for (size_t k = 0; k < g->set.n; k++) {
        struct ws_indicator *r = &g->set.rows[k];
        int i = atoi(r->code + 2) - 1;
        if (r->level != WS_LEVEL_BUURT || r->year != 2024 || strcmp(r->category, "all") != 0)
            continue;
        r->oe_ci_low = lo[i];
        r->oe_ci_high = hi[i];
        r->poisson_p = i == 0 ? 0.01 : i == 1 ? 0.2 : NAN;
    }
    mapdef(g, "sig",
           "[map]\nindicator = oe_ratio\npalette = RdBu\ncenter = 1\n"
           "significance = oe_ci_low, oe_ci_high\nwidth_px = 240\nheight_px = 300\ndpi = 72\n",
           &md);
    m = build(g, &md, NULL);
    for (int i = 0; i < N_BUURTEN; i++) {
        int c = m->panels[0].areas[i].cls;
        if (i == 1 || i == 2 || i == 3 || i == 5)
            assert_int_equal(c, WS_MAP_NOTSIG);
        else if (i == 0 || i == 6 || i == 7)
            assert_true(c >= 0);
    }
    assert_int_equal(m->panels[0].areas[4].cls, WS_MAP_SUPPRESSED);
    for (size_t e = 0; e < m->n_legend; e++)
        if (m->legend[e].kind == WS_LEGEND_NOTSIG)
            ns = &m->legend[e];
    assert_non_null(ns);
    assert_int_equal(ns->count, 4);
    assert_string_equal(ns->label, "niet significant (interval bevat 1)");
    qml = ws_render_qml(m);
    assert_non_null(strstr(qml, "NOT coalesce((&quot;oe_ci_low&quot; &gt; 1 OR"));
    free(qml);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);

    // a p-value: only BU01 (p 0.01) is significant; unknown p is not
    mapdef(g, "sigp",
           "[map]\nindicator = eb_rate\nsignificance = poisson_p\nalpha = 0.05\n"
           "width_px = 240\nheight_px = 300\ndpi = 72\n",
           &md);
    m = build(g, &md, NULL);
    assert_true(m->panels[0].areas[0].cls >= 0);
    assert_int_equal(m->panels[0].areas[1].cls, WS_MAP_NOTSIG);
    assert_int_equal(m->panels[0].areas[2].cls, WS_MAP_NOTSIG);
    ns = NULL;
    for (size_t e = 0; e < m->n_legend; e++)
        if (m->legend[e].kind == WS_LEGEND_NOTSIG)
            ns = &m->legend[e];
    assert_non_null(ns);
    assert_string_equal(ns->label, "niet significant (p \xe2\x89\xa5 0,05)");
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

static void test_clusters(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    mapdef(g, "cl", "[map]\nindicator = lisa_cluster\n", &md);
    m = build(g, &md, NULL);
    // HH, LL, HL, LH, ns, isolated (present), geheim; BU09 has no rate but
    // a cluster type ('isolated'), so no 'geen data'
    assert_int_equal(m->n_legend, 7);
    assert_string_equal(m->legend[0].label, "hoog bij hoog (hotspot)");
    assert_int_equal(m->legend[0].count, 2);
    assert_int_equal(m->legend[1].count, 2);
    assert_int_equal(m->legend[2].count, 1);
    assert_int_equal(m->legend[3].count, 0);
    assert_int_equal(m->legend[4].count, 2);
    assert_string_equal(m->legend[5].label, "geen buren");
    assert_true(m->legend[5].outline_dashed);
    assert_int_equal(m->legend[6].count, 1); // geheim
    assert_int_equal(m->legend[6].kind, WS_LEGEND_SUPPRESSED);
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_SVG, NULL, NULL, NULL, &err), WS_OK);
    for (int i = 0; i < N_BUURTEN; i++)
        assert_int_equal(m->panels[0].areas[i].n_drawn, 1);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

static void test_small_multiples(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    size_t supp = 0;

    mapdef(g, "cat", "[map]\nindicator = rate_per_1000\ncategory = each\nclasses = 3\n", &md);
    m = build(g, &md, NULL);
    assert_int_equal(m->n_panels, 2);
    assert_string_equal(m->panels[0].category, "opvoeding");
    assert_string_equal(m->panels[0].heading, "Opvoeding");
    assert_string_equal(m->panels[1].category, "school");
    assert_non_null(strstr(m->subtitle, "per categorie"));
    // one set of classes over both panels: school's largest value (20) and
    // opvoeding's (40) are both inside
    assert_double_close(m->breaks[m->n_classes], 40, 1e-9, 0);
    assert_double_close(m->breaks[0], 2.5, 1e-9, 0);
    for (size_t e = 0; e < m->n_legend; e++)
        if (m->legend[e].kind == WS_LEGEND_SUPPRESSED)
            supp = m->legend[e].count;
    assert_int_equal(supp, 1 + 1 + 2); // BU01 and BU03 (one panel each), BU05 twice
    assert_int_equal(ws_choropleth_draw(m, WS_CANVAS_PDF, NULL, NULL, NULL, &err), WS_OK);
    for (size_t p = 0; p < m->n_panels; p++)
        for (int i = 0; i < N_BUURTEN; i++)
            assert_int_equal(m->panels[p].areas[i].n_drawn, 1);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

static void test_same_breaks_across_years(void **state)
{
    struct grid *g = *state;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    // 2023 holds every 2024 value + 1, so pooled breaks reach 81
    mapdef(g, "pooled",
           "[map]\nindicator = eb_rate\nmethod = equal\nsame_breaks_across_years = true\n", &md);
    m = build(g, &md, NULL);
    assert_double_close(m->breaks[m->n_classes], 81, 1e-9, 0);
    assert_double_close(m->breaks[0], 10, 1e-9, 0);
    assert_non_null(strstr(m->subtitle, "klassen gelijk voor alle jaren"));
    ws_choropleth_free(m);
    ws_mapdef_release(&md);

    mapdef(g, "y2023", "[map]\nindicator = eb_rate\nmethod = equal\nyear = 2023\n", &md);
    m = build(g, &md, NULL);
    assert_int_equal(m->year, 2023);
    assert_double_close(m->breaks[0], 11, 1e-9, 0);
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
}

static void test_errors_and_skips(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m = NULL;

    mapdef(g, "y", "[map]\nindicator = eb_rate\nyear = 2019\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_EDATA);
    assert_null(m);
    assert_string_equal(err.what, "map 'y': year 2019 is not in the results");
    assert_non_null(strstr(err.where, "y.ini"));
    assert_string_equal(err.hint, "years with results: 2023, 2024; or write year = latest");
    ws_mapdef_release(&md);

    ws_err_clear(&err);
    mapdef(g, "c", "[map]\nindicator = eb_rate\ncategory = schol\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_EDATA);
    assert_string_equal(err.what, "map 'c': category 'schol' is not in the results");
    assert_string_equal(err.hint,
                        "did you mean 'school'? categories: all, opvoeding, school, each");
    ws_mapdef_release(&md);

    ws_err_clear(&err);
    mapdef(g, "f", "[map]\nindicator = eb_rate\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, "WK99", &warn, &m, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "wijk 'WK99' has no areas"));
    ws_mapdef_release(&md);

    // not applicable: skipped with a warning, not an error
    ws_err_clear(&err);
    mapdef(g, "trend", "[map]\nindicator = trend_rr\npalette = RdBu\ncenter = 1\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_OK);
    assert_null(m);
    assert_int_equal(warn.n, 1);
    // two years, but no published change: not "needs two years"
    assert_non_null(strstr(warn.msg[0], "no area has a published change on the previous year"));
    ws_mapdef_release(&md);

    // every row suppressed: the warning says so (and the rows come back)
    {
        enum ws_suppression *was = calloc(g->set.n + 1, sizeof(*was));
        for (size_t i = 0; i < g->set.n; i++) {
            was[i] = g->set.rows[i].suppressed;
            g->set.rows[i].suppressed = WS_SUPP_PRIMARY;
        }
        mapdef(g, "s", "[map]\nindicator = eb_rate\n", &md);
        assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_OK);
        assert_null(m);
        assert_int_equal(warn.n, 2);
        assert_non_null(strstr(warn.msg[1], "every area with results is geheim (suppressed)"));
        ws_mapdef_release(&md);
        for (size_t i = 0; i < g->set.n; i++)
            g->set.rows[i].suppressed = was[i];
        free(was);
    }

    g->in.n_wijken = 0;
    mapdef(g, "w", "[map]\nindicator = eb_rate\nlevel = wijk\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_OK);
    assert_null(m);
    assert_non_null(strstr(warn.msg[2], "the study has no wijken"));
    ws_mapdef_release(&md);
    g->in.n_wijken = 3;

    // a study without categories: only "all"
    for (size_t i = 0; i < g->set.n; i++)
        if (strcmp(g->set.rows[i].category, "all") != 0)
            g->set.rows[i].level = WS_LEVEL_GEMEENTE; // hide them from the buurt level
    mapdef(g, "each", "[map]\nindicator = eb_rate\ncategory = each\n", &md);
    assert_int_equal(ws_choropleth_build(&g->in, &md, NULL, &warn, &m, &err), WS_OK);
    assert_null(m);
    assert_non_null(strstr(warn.msg[3], "the study has no categories"));
    ws_mapdef_release(&md);
    for (size_t i = 0; i < g->set.n; i++)
        if (strcmp(g->set.rows[i].category, "all") != 0)
            g->set.rows[i].level = WS_LEVEL_BUURT;
    ws_warnings_release(&warn);
}

static void test_english(void **state)
{
    struct grid *g = *state;
    struct ws_mapdef md;
    struct ws_choropleth *m;

    g->in.language = "en";
    mapdef(g, "en",
           "[map]\ntitle = Kaart\ntitle_en = Map\nindicator = eb_rate\nmethod = fixed\n"
           "breaks = 0, 12.5, 25, 100\n",
           &md);
    m = build(g, &md, NULL);
    assert_string_equal(m->title, "Map");
    assert_string_equal(m->subtitle, "Neighbourhoods (buurten), 2024, all categories");
    assert_string_equal(m->legend[0].label, "0.0 \xe2\x80\x93 12.5");
    assert_string_equal(m->legend[m->n_legend - 2].label, "suppressed");
    assert_string_equal(m->legend[m->n_legend - 1].label, "no data");
    assert_non_null(strstr(m->source_line, "Source: "));
    ws_choropleth_free(m);
    ws_mapdef_release(&md);

    // without a title: the indicator's name in the study language
    mapdef(g, "en2", "[map]\nindicator = oe_ratio\n", &md);
    m = build(g, &md, NULL);
    assert_string_equal(m->title, "Observed / expected");
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
    g->in.language = "nl";
}

static void test_wijk_map(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    struct ws_choropleth *m;
    size_t total = 0;
    unsigned char *data = NULL;
    size_t len = 0;

    mapdef(g, "fixed", fixed_def, &md);
    m = build(g, &md, "WK02");
    for (size_t e = 0; e < m->n_legend; e++)
        total += m->legend[e].count;
    assert_int_equal(total, 3); // BU04, BU05, BU06 only
    assert_true(m->panels[0].areas[3].in_focus);
    assert_false(m->panels[0].areas[0].in_focus);
    assert_string_equal(m->subtitle, "Wijk Wijk 2: buurten, 2024, alle categorie\xc3\xabn");
    assert_int_equal(m->labels, WS_MAP_LABELS_BUURT);
    ws_choropleth_free(m);

    assert_int_equal(
        ws_render_wijk_map(&g->in, &md, "WK02", WS_CANVAS_SVG, 300, 200, NULL, &data, &len, &err),
        WS_OK);
    assert_true(len > 1000);
    assert_false(contains(data, len, "987"));
    free(data);
    assert_int_equal(
        ws_render_wijk_map(&g->in, &md, "WK02", WS_CANVAS_PNG, 0, 0, NULL, &data, &len, &err),
        WS_OK);
    assert_memory_equal(data, "\x89PNG", 4);
    free(data);
    ws_mapdef_release(&md);
}

static void test_format_number(void **state)
{
    char buf[32];
    (void)state;

    ws_choropleth_format_number(1234.56, 1, false, buf, sizeof(buf));
    assert_string_equal(buf, "1234,6");
    ws_choropleth_format_number(12345.6, 1, false, buf, sizeof(buf));
    assert_string_equal(buf, "12.345,6");
    ws_choropleth_format_number(1234567, 0, true, buf, sizeof(buf));
    assert_string_equal(buf, "1,234,567");
    ws_choropleth_format_number(-0.04, 1, false, buf, sizeof(buf));
    assert_string_equal(buf, "0,0");
    ws_choropleth_format_number(-2.5, 2, true, buf, sizeof(buf));
    assert_string_equal(buf, "-2.50");
    ws_choropleth_format_number(NAN, 1, false, buf, sizeof(buf));
    assert_string_equal(buf, "-");
}

static void test_date(void **state)
{
    char buf[32];
    (void)state;

    setenv("SOURCE_DATE_EPOCH", "1704067200", 1); // 2024-01-01T00:00:00Z
    ws_choropleth_date(buf, sizeof(buf));
    assert_string_equal(buf, "2024-01-01");
    unsetenv("SOURCE_DATE_EPOCH");
    ws_choropleth_date(buf, sizeof(buf));
    assert_int_equal(strlen(buf), 10);
}

static bool exists(const char *dir, const char *rel)
{
    char path[4200];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

/* The stage: every format of every definition through outfiles. */
static void test_render_maps(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_outfiles out;
    char *a = ws_test_path(g->dir, "rate.ini");
    char *b = ws_test_path(g->dir, "trendmap.ini");
    char *outdir = ws_test_path(g->dir, "out");
    char *files[2] = {a, b};
    size_t n = 0;
    FILE *fp;

    fp = fopen(a, "w");
    fputs("[map]\nindicator = eb_rate\nformats = png, svg\n", fp);
    fclose(fp);
    fp = fopen(b, "w");
    fputs("[map]\nindicator = trend_rr\npalette = RdBu\ncenter = 1\n", fp);
    fclose(fp);
    ws_outfiles_init(&out, outdir);
    assert_int_equal(ws_render_maps(&g->in, files, 2, &out, &warn, &n, &err), WS_OK);
    assert_int_equal(n, 2); // the trend map is skipped (one year only)
    assert_int_equal(warn.n, 1);
    assert_false(exists(outdir, "maps/rate.png")); // not before commit
    assert_int_equal(ws_outfiles_commit(&out, &err), WS_OK);
    assert_true(exists(outdir, "maps/rate.png"));
    assert_true(exists(outdir, "maps/rate.svg"));
    assert_false(exists(outdir, "maps/rate.pdf"));
    ws_outfiles_release(&out);

    // a bad definition stops the stage before anything is drawn
    fp = fopen(b, "w");
    fputs("[map]\nindicator = trend_rr\ncenter = 1\n", fp);
    fclose(fp);
    ws_outfiles_init(&out, outdir);
    assert_int_equal(ws_render_maps(&g->in, files, 2, &out, &warn, &n, &err), WS_EDATA);
    assert_int_equal(n, 0);
    assert_int_equal(out.n, 0);
    ws_outfiles_abort(&out);
    ws_outfiles_release(&out);
    ws_warnings_release(&warn);
    free(a);
    free(b);
    free(outdir);
}

static void test_source_note(void **state)
{
    struct ws_study st;
    char *note;
    char stats[] = "data/groningen/kerncijfers_buurten_2024.csv";
    char cases[] = "data/groningen/casussen_synthetisch.csv";
    char en[] = "en";
    char nl[] = "nl";
    char other[] = "/data/mijn_tabel.xlsx";
    char real[] = "/data/jeugd.csv";
    (void)state;

    memset(&st, 0, sizeof(st));
    st.stat_source = stats;
    st.case_source = cases;
    st.language = nl;
    note = ws_render_source_note(&st);
    assert_string_equal(note, "CBS Kerncijfers wijken en buurten 2024; PDOK; casussen: "
                              "casussen_synthetisch.csv (synthetisch)");
    free(note);
    st.language = en;
    st.stat_source = other;
    st.case_source = real;
    note = ws_render_source_note(&st);
    assert_string_equal(note, "mijn_tabel.xlsx; cases: jeugd.csv");
    free(note);
}

/* The stage as `wijkscan map` runs it: areas and PUBLISHED rows from a
 * store loaded from the 8 real buurten of wijk Centrum. */
static void test_render_store(void **state)
{
    struct grid *g = *state;
    struct ws_err err = WS_ERR_INIT;
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_study st;
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    struct ws_area *areas = NULL;
    size_t n = 0;
    struct ws_indicator_set pub;
    struct ws_outfiles out;
    char *store_dir = ws_test_path(g->dir, "store");
    char *store = ws_test_path(store_dir, "wijkscan.sqlite");
    char *def = ws_test_path(g->dir, "centrum.ini");
    char *outdir = ws_test_path(g->dir, "mapsout");
    char **saved_files;
    size_t saved_n;
    FILE *fp;

    memset(&pub, 0, sizeof(pub));
    assert_int_equal(ws_study_load("data/bad/centrum_ok.ini", &st, &err), WS_OK);
    ws_dataset_init(&ds);
    assert_int_equal(ws_load_read(&st, &ds, &err), WS_OK);
    assert_int_equal(ws_load_write(&st, &ds, store_dir, &err), WS_OK);
    ws_dataset_release(&ds);
    assert_int_equal(ws_store_open(store, true, &s, &err), WS_OK);
    assert_int_equal(ws_store_read_areas(s, WS_LEVEL_BUURT, &areas, &n, &err), WS_OK);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++)
        add_row(&pub, areas[i].code, WS_LEVEL_BUURT, 2024, "all", 10.0 * (double)(i + 1), 1, NULL,
                i == 2);
    ws_store_free_areas(areas, n);
    assert_int_equal(ws_store_begin(s, &err), WS_OK);
    assert_int_equal(ws_store_put_indicators(s, WS_SET_PUBLISHED, &pub, &err), WS_OK);
    assert_int_equal(ws_store_commit(s, &err), WS_OK);

    fp = fopen(def, "w");
    fputs("[map]\nindicator = eb_rate\nlabels = buurt\nformats = pdf\n", fp);
    fclose(fp);
    saved_files = st.map_files;
    saved_n = st.n_map_files;
    st.map_files = &def;
    st.n_map_files = 1;
    ws_outfiles_init(&out, outdir);
    assert_int_equal(ws_render_store(s, &st, NULL, 0, NULL, &out, &warn, &err), WS_OK);
    assert_int_equal(ws_outfiles_commit(&out, &err), WS_OK);
    assert_true(exists(outdir, "maps/centrum.pdf"));
    ws_outfiles_release(&out);
    st.map_files = saved_files;
    st.n_map_files = saved_n;

    ws_store_close(s);
    ws_study_release(&st);
    ws_indicator_set_release(&pub);
    ws_warnings_release(&warn);
    free(store_dir);
    free(store);
    free(def);
    free(outdir);
}

static int global_setup(void **state)
{
    (void)state;
    ws_ogr_global_init();
    ws_db_global_init();
    return 0;
}

static int global_teardown(void **state)
{
    (void)state;
    ws_db_global_shutdown();
    ws_ogr_global_shutdown();
    ws_canvas_global_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_classes_and_legend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suppressed_value_never_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_label_when_too_narrow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hatched_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_centered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_significance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clusters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_multiples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_breaks_across_years, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_and_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wijk_map, setup, teardown),
        cmocka_unit_test(test_format_number),
        cmocka_unit_test(test_date),
        cmocka_unit_test_setup_teardown(test_render_maps, setup, teardown),
        cmocka_unit_test(test_source_note),
        cmocka_unit_test_setup_teardown(test_render_store, setup, teardown),
    };
    return cmocka_run_group_tests(tests, global_setup, global_teardown);
}
