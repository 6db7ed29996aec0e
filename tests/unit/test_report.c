/*
 * test_report.c - the report's document model and HTML renderer (report.h)
 * on a small hand-made published set: two wijken with two buurten each,
 * years 2023 and 2024, categories all and gedrag, suppressed rows included.
 *
 * Suppressed rows carry tell-tale values (cases 777, rate 987.65, O/E 4.321)
 * that a protected set would never hold: the report must not show any of
 * them anywhere, because it must not read a suppressed row's figures at all.
 */
#include "helpers.h"

#include "wijkscan/core/indicators.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/report/report.h"
#include "wijkscan/report/rstrings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    struct ws_indicator_set set;
    struct ws_area buurten[4];
    struct ws_area wijken[2];
    struct ws_area gemeente;
    struct ws_report_inputs in;
    struct ws_doc doc;
};

static void area(struct ws_area *a, const char *code, const char *name, const char *parent)
{
    memset(a, 0, sizeof(*a));
    a->code = (char *)code;
    a->name = (char *)name;
    a->parent = (char *)parent;
    a->gemeente = (char *)"GM9999";
}

static struct ws_indicator *row(struct fixture *f, const char *code, const char *name,
                                enum ws_level level, const char *parent, int year, const char *cat,
                                double P, double O, bool suppressed)
{
    struct ws_indicator *r = ws_indicator_set_add(&f->set);

    r->code = ws_xstrdup(code);
    r->name = ws_xstrdup(name);
    r->level = level;
    r->parent = parent ? ws_xstrdup(parent) : NULL;
    r->year = year;
    r->category = ws_xstrdup(cat);
    r->population = P;
    if (suppressed) {
        // values no protected set would hold: they must never show
        r->suppressed = WS_SUPP_PRIMARY;
        r->cases = 777;
        r->rate_per_1000 = 987.65;
        r->oe_ratio = 4.321;
        r->trend_rr = 9.876;
        r->trend_p = 0.001;
        snprintf(r->lisa_cluster, sizeof(r->lisa_cluster), "HH");
        return r;
    }
    r->cases = O;
    r->rate_per_1000 = 1000 * O / P;
    r->rate_ci_low = r->rate_per_1000 * 0.8;
    r->rate_ci_high = r->rate_per_1000 * 1.2;
    r->ratio_avg = 1.1;
    r->expected = O * 0.9;
    r->oe_ratio = 1.11;
    r->oe_ci_low = 0.9;
    r->oe_ci_high = 1.4;
    snprintf(r->lisa_cluster, sizeof(r->lisa_cluster), "ns");
    // Zuid's 2023 is suppressed, so its 2024 trend is NULL
    if (year == 2024 && strcmp(code, "WK02") != 0) {
        r->trend_rr = 1.25;
        r->trend_p = 0.2;
    }
    return r;
}

static void fill(struct fixture *f, const char *language)
{
    static const char *const cats[2] = {"all", "gedrag"};
    memset(f, 0, sizeof(*f));
    area(&f->buurten[0], "BU01", "Appelhof", "WK01");
    area(&f->buurten[1], "BU02", "Bessenhof", "WK01");
    area(&f->buurten[2], "BU03", "Citroenwijk", "WK02");
    area(&f->buurten[3], "BU04", "Dadelbuurt", "WK02");
    area(&f->wijken[0], "WK01", "Noord", "GM9999");
    area(&f->wijken[1], "WK02", "Zuid", "GM9999");
    area(&f->gemeente, "GM9999", "Testgemeente", NULL);
    for (int y = 2023; y <= 2024; y++) {
        for (int c = 0; c < 2; c++) {
            double k = c ? 0.3 : 1;
            row(f, "BU01", "Appelhof", WS_LEVEL_BUURT, "WK01", y, cats[c], 400, 40 * k, false);
            // BU02 is suppressed in 2024 (primary) and its gedrag always
            row(f, "BU02", "Bessenhof", WS_LEVEL_BUURT, "WK01", y, cats[c], 300, 20 * k,
                y == 2024 || c == 1);
            row(f, "BU03", "Citroenwijk", WS_LEVEL_BUURT, "WK02", y, cats[c], 500, 60 * k, false);
            row(f, "BU04", "Dadelbuurt", WS_LEVEL_BUURT, "WK02", y, cats[c], 350, 30 * k, false);
            // wijk Noord secondary-suppressed in 2024; Zuid suppressed in 2023
            row(f, "WK01", "Noord", WS_LEVEL_WIJK, "GM9999", y, cats[c], 700, 60 * k,
                y == 2024 && c == 0);
            row(f, "WK02", "Zuid", WS_LEVEL_WIJK, "GM9999", y, cats[c], 850, 90 * k, y == 2023);
            row(f, "GM9999", "Testgemeente", WS_LEVEL_GEMEENTE, NULL, y, cats[c], 1550, 150 * k,
                false);
        }
    }
    f->in.published = &f->set;
    f->in.buurten = f->buurten;
    f->in.n_buurten = 4;
    f->in.wijken = f->wijken;
    f->in.n_wijken = 2;
    f->in.gemeenten = &f->gemeente;
    f->in.n_gemeenten = 1;
    f->in.title = "Testrapport";
    f->in.language = language;
    f->in.source_note = "test; casussen: casussen_synthetisch.csv (synthetisch)";
    f->in.date = "2024-06-01";
    f->in.synthetic = true;
    f->in.wijk_map = SIZE_MAX;
}

static void release(struct fixture *f)
{
    ws_doc_release(&f->doc);
    ws_indicator_set_release(&f->set);
}

static const struct ws_doc_section *section(const struct ws_doc *d, const char *id)
{
    for (size_t i = 0; i < d->n_sections; i++)
        if (!strcmp(d->sections[i].id, id))
            return &d->sections[i];
    return NULL;
}

/* Every string of a section, joined by newlines (owned). */
static char *section_text(const struct ws_doc_section *s)
{
    size_t cap = 1;
    char *out = ws_xcalloc(1, 1);
    for (size_t j = 0; j < s->n_blocks; j++) {
        const struct ws_doc_block *b = &s->blocks[j];
        const char *parts[4096];
        size_t n = 0;
        if (b->text)
            parts[n++] = b->text;
        for (size_t k = 0; k < b->n_items && n < 4096; k++)
            parts[n++] = b->items[k];
        for (size_t k = 0; k < b->n_rows * b->n_cols && n < 4096; k++)
            parts[n++] = b->cells[k];
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(out);
            cap = len + strlen(parts[k]) + 2;
            out = ws_xrealloc(out, cap);
            memcpy(out + len, parts[k], strlen(parts[k]));
            out[len + strlen(parts[k])] = '\n';
            out[len + strlen(parts[k]) + 1] = '\0';
        }
    }
    return out;
}

static void build(struct fixture *f)
{
    struct ws_err err = WS_ERR_INIT;
    assert_int_equal(ws_report_build(&f->in, &f->doc, &err), WS_OK);
}

static void assert_no_secret(const char *text)
{
    if (strstr(text, "777") || strstr(text, "987") || strstr(text, "4,32") ||
        strstr(text, "4.32")) {
        const char *hit = strstr(text, "777");
        hit = hit ? hit : strstr(text, "987");
        hit = hit ? hit : strstr(text, "4,32");
        hit = hit ? hit : strstr(text, "4.32");
        print_error("suppressed value in output: ...%.80s...\n", hit > text + 40 ? hit - 40 : text);
        fail();
    }
}

static void test_text_nl(void **state)
{
    struct fixture f;
    const struct ws_doc_section *s;
    char *t;

    (void)state;
    fill(&f, NULL);
    build(&f);
    assert_false(f.doc.en);
    assert_true(f.doc.synthetic);
    assert_string_equal(f.doc.years, "2023–2024");
    // overview, priorities, review, two wijken, about
    assert_int_equal(f.doc.n_sections, 6);
    s = section(&f.doc, "WK02");
    assert_non_null(s);
    assert_true(s->is_wijk);
    assert_string_equal(s->title, "Zuid (WK02)");
    t = section_text(s);
    assert_non_null(strstr(t, "In 2024 woonden in Zuid 850 jeugdigen. Er waren 90 casussen: "
                              "105,9 per 1.000 jeugdigen (95%-interval 84,7–127,1)"));
    assert_non_null(strstr(t, "tegen 96,8 in de hele gemeente"));
    assert_non_null(strstr(t, "Het verschil valt binnen de toevalsmarge."));
    assert_non_null(strstr(t, "De verandering ten opzichte van 2023 is geheim."));
    assert_non_null(strstr(t, "geen oordeel over beleid"));
    assert_non_null(strstr(t, "synthetisch"));
    assert_non_null(strstr(t, "Herken je dit?"));
    assert_non_null(strstr(t, "Welke voorzieningen, netwerken of plannen in Zuid"));
    // no groepsaanbod result: no such part
    assert_null(strstr(t, "groepsaanbod"));
    free(t);

    s = section(&f.doc, "WK01");
    t = section_text(s);
    assert_non_null(strstr(t, "De cijfers van Noord over 2024 zijn geheim"));
    assert_non_null(strstr(t, "Van 1 van de 2 buurten zijn de cijfers over 2024 geheim."));
    assert_non_null(strstr(t, "Bessenhof\n300\ngeheim\ngeheim\ngeheim\ngeheim\ngeheim\n"));
    assert_no_secret(t);
    free(t);

    // no priority list anywhere yet
    t = section_text(section(&f.doc, "prioriteiten"));
    assert_non_null(strstr(t, "geen prioriteitenlijst"));
    free(t);
    release(&f);
}

static void test_text_en(void **state)
{
    struct fixture f;
    char *t;

    (void)state;
    fill(&f, "en");
    build(&f);
    assert_true(f.doc.en);
    t = section_text(section(&f.doc, "WK02"));
    assert_non_null(strstr(t, "In 2024, Zuid had 850 young people and 90 cases: 105.9 per 1,000 "
                              "young people (95% interval 84.7–127.1)"));
    assert_non_null(strstr(t, "not a verdict on policy"));
    assert_non_null(strstr(t, "Do you recognise this?"));
    free(t);
    t = section_text(section(&f.doc, "WK01"));
    assert_non_null(strstr(t, "The figures of Noord for 2024 are suppressed"));
    assert_non_null(strstr(t, "Bessenhof\n300\nsuppressed\nsuppressed\n"));
    assert_null(strstr(t, "geheim"));
    free(t);
    release(&f);
}

static void test_chart_gaps(void **state)
{
    struct fixture f;
    const struct ws_doc_section *s;
    bool seen = false;

    (void)state;
    fill(&f, NULL);
    build(&f);
    s = section(&f.doc, "WK02");
    for (size_t j = 0; j < s->n_blocks; j++) {
        const struct ws_doc_block *b = &s->blocks[j];
        if (b->kind != WS_DOC_TREND)
            continue;
        seen = true;
        assert_int_equal(b->n_points, 2);
        assert_int_equal(b->points[0].state, WS_POINT_SUPPRESSED);
        assert_true(isnan(b->points[0].value) && isnan(b->points[0].lo) && isnan(b->points[0].hi));
        assert_int_equal(b->points[1].state, WS_POINT_VALUE);
        assert_double_close(b->points[1].value, 1000.0 * 90 / 850, 1e-9, 0);
    }
    assert_true(seen);
    s = section(&f.doc, "WK01");
    for (size_t j = 0; j < s->n_blocks; j++) {
        const struct ws_doc_block *b = &s->blocks[j];
        if (b->kind == WS_DOC_TREND)
            assert_int_equal(b->points[1].state, WS_POINT_SUPPRESSED);
    }
    release(&f);
}

static void test_html_no_secret(void **state)
{
    struct fixture f;
    struct ws_err err = WS_ERR_INIT;
    char *html = NULL;

    (void)state;
    fill(&f, NULL);
    build(&f);
    assert_int_equal(ws_report_html_string(&f.doc, NULL, NULL, &html, &err), WS_OK);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "<section id=\"WK01\">"));
    assert_non_null(strstr(html, "<section id=\"WK02\">"));
    assert_non_null(strstr(html, "<a href=\"#WK02\">Zuid (WK02)</a>"));
    assert_non_null(strstr(html, "<td>geheim</td>"));
    assert_non_null(strstr(html, "<svg"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src=\"http"));
    assert_null(strstr(html, "<link"));
    // glyphs in the SVG are paths whose coordinates may hold any digits;
    // charts are checked as data (test_chart_gaps), the rest as text
    for (char *a = strstr(html, "<svg"); a; a = strstr(a, "<svg")) {
        char *e = strstr(a, "</svg>");
        assert_non_null(e);
        memmove(a, e + 6, strlen(e + 6) + 1);
    }
    assert_no_secret(html);
    free(html);
    release(&f);
}

static void test_optional_results(void **state)
{
    struct fixture f;
    char *t;

    (void)state;
    fill(&f, NULL);
    f.in.priorities = "year,rank,code,name,wijk,reasons\n"
                      "2023,1,BU03,Citroenwijk,WK02,demand\n"
                      "2024,1,BU01,Appelhof,WK01,need;demand;rising;cluster\n"
                      "2024,2,BU03,Citroenwijk,WK02,falling\n";
    f.in.groups = "category,years,catchment,catchment_name,location,n_buurten,cases,suggest\n"
                  "gedrag,2023-2024,WK01,Noord,Buurthuis Noord,2,,1\n"
                  "gedrag,2023-2024,WK02,Zuid,School Zuid,2,25,0\n";
    f.in.manifest = "tool: wijkscan 0.1\nseed: 42\n";
    build(&f);
    t = section_text(section(&f.doc, "prioriteiten"));
    assert_non_null(strstr(t, "1\nAppelhof\nNoord\nhoog verwacht door profiel; veel vraag; "
                              "stijgend; deel van een cluster\n"));
    assert_non_null(strstr(t, "2\nCitroenwijk\nZuid\ndalend\n"));
    free(t);
    t = section_text(section(&f.doc, "review"));
    assert_non_null(strstr(t, "Nieuw op de lijst: Appelhof."));
    free(t);
    t = section_text(section(&f.doc, "WK01"));
    assert_non_null(strstr(t, "Suggesties voor groepsaanbod"));
    assert_non_null(strstr(t, "gedrag (2023-2024): 2 buurten, casussen: geheim, locatie "
                              "Buurthuis Noord — aanbevolen"));
    assert_null(strstr(t, "School Zuid"));
    free(t);
    t = section_text(section(&f.doc, "verantwoording"));
    assert_non_null(strstr(t, "tool\twijkscan 0.1\nseed\t42\n"));
    free(t);
    // all offers in one table, a hidden count reads geheim
    t = section_text(section(&f.doc, "groepsaanbod"));
    assert_non_null(strstr(t, "gedrag\n2023-2024\nNoord\n2\ngeheim\nja\n"));
    assert_non_null(strstr(t, "gedrag\n2023-2024\nZuid\n2\n25\nnee\n"));
    free(t);
    ws_doc_release(&f.doc);

    // catchments that are service locations cannot be put under a wijk
    f.in.groups = "category,years,catchment,catchment_name,location,n_buurten,cases,suggest\n"
                  "gedrag,2023-2024,Team Oost,Team Oost,Team Oost,3,40,1\n";
    build(&f);
    t = section_text(section(&f.doc, "WK01"));
    assert_non_null(strstr(t, "per locatie gepland"));
    free(t);
    t = section_text(section(&f.doc, "groepsaanbod"));
    assert_non_null(strstr(t, "gedrag\n2023-2024\nTeam Oost\n3\n40\nja\n"));
    free(t);
    ws_doc_release(&f.doc);

    // English reasons
    f.in.language = "en";
    build(&f);
    t = section_text(section(&f.doc, "prioriteiten"));
    assert_non_null(strstr(t, "high expected need given the profile; high demand; rising; part "
                              "of a cluster"));
    free(t);
    release(&f);
}

static void test_pdf_written(void **state)
{
    struct fixture f;
    struct ws_err err = WS_ERR_INIT;
    char path[] = "/tmp/wijkscan-test-report-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp;
    char head[5] = {0};
    long size;

    (void)state;
    assert_true(fd >= 0);
    (void)close(fd);
    fill(&f, NULL);
    build(&f);
    assert_int_equal(ws_report_write_pdf(&f.doc, NULL, NULL, path, &err), WS_OK);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(head, 1, 4, fp), 4);
    assert_string_equal(head, "%PDF");
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    assert_true(size > 2000);
    (void)fclose(fp);
    (void)unlink(path);
    // a path that cannot be written is WS_ECANTCREAT
    assert_int_equal(ws_report_write_pdf(&f.doc, NULL, NULL, "/nonexistent/dir/x.pdf", &err),
                     WS_ECANTCREAT);
    release(&f);
}

/* The conversions of a printf format in order, e.g. "%d%s%s". */
static void conversions(const char *fmt, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = fmt; *p && o + 3 < size; p++) {
        if (*p != '%')
            continue;
        const char *q = p + 1;
        while (*q && strchr("lz", *q))
            q++;
        // "95%-int." and "95% int." are text, not conversions
        if (!*q || !strchr("dsfu", *q))
            continue;
        out[o++] = '%';
        for (const char *c = p + 1; c <= q && o + 2 < size; c++)
            out[o++] = *c;
        p = q;
    }
    out[o] = '\0';
}

static void test_string_table(void **state)
{
    (void)state;
    for (int k = 0; k < WS_RS_N_; k++) {
        char a[64];
        char b[64];
        conversions(ws_rs((enum ws_rstring)k, false), a, sizeof(a));
        conversions(ws_rs((enum ws_rstring)k, true), b, sizeof(b));
        if (strcmp(a, b) != 0) {
            print_error("string %d: '%s' (nl) vs '%s' (en)\n", k, a, b);
            fail();
        }
        assert_true(ws_rs((enum ws_rstring)k, false)[0] != '\0');
        assert_true(ws_rs((enum ws_rstring)k, true)[0] != '\0');
    }
    assert_string_equal(ws_rs(WS_RS_SUPPRESSED, false), "geheim");
    assert_string_equal(ws_rs(WS_RS_SUPPRESSED, true), "suppressed");
}

static int teardown(void **state)
{
    (void)state;
    ws_canvas_global_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_nl),          cmocka_unit_test(test_text_en),
        cmocka_unit_test(test_chart_gaps),       cmocka_unit_test(test_html_no_secret),
        cmocka_unit_test(test_optional_results), cmocka_unit_test(test_pdf_written),
        cmocka_unit_test(test_string_table),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
