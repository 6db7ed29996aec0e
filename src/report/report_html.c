/*
 * report_html.c - the document model as one static, offline HTML5 page.
 *
 * No external assets and no JavaScript: the CSS is inline, maps and charts
 * are inline SVG (cairo's SVG with the XML declaration and the fixed size
 * removed, and every id prefixed so that the glyph and clip ids of
 * different drawings cannot clash in one document).  Text goes through
 * one escaping function (html_escape) for text and attribute contexts.
 */
#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/render/render.h"
#include "wijkscan/report/report.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum esc_ctx {
    ESC_TEXT = 0,
    ESC_ATTR = 1,
};

static void html_escape(struct ws_strbuf *sb, const char *s, enum esc_ctx ctx)
{
    ws_strbuf_add_xml(sb, s, ctx == ESC_ATTR);
}

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;margin:0;background:#f4f4f2;"
    "line-height:1.45}\n"
    "main{max-width:980px;margin:0 auto;background:#fff;padding:24px 40px 60px}\n"
    "header.cover{border-bottom:4px solid #215e9e;margin-bottom:24px;padding-bottom:12px}\n"
    "header.cover h1{font-size:2em;margin:0.2em 0}\n"
    ".kicker{color:#215e9e;font-weight:bold;text-transform:uppercase;letter-spacing:0.05em}\n"
    ".notice{background:#fff4d6;border-left:4px solid #e0a800;padding:8px 12px}\n"
    ".note{color:#555;font-style:italic;font-size:0.92em}\n"
    "nav.toc ol{columns:2;font-size:0.95em}\n"
    "section{border-top:1px solid #ccc;margin-top:36px;padding-top:8px}\n"
    "h2{color:#215e9e}\n"
    "table{border-collapse:collapse;width:100%;font-size:0.85em;margin:8px 0}\n"
    "th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:right;vertical-align:top}\n"
    "td{white-space:nowrap}th:first-child,td:first-child,th.l,td.l{text-align:left;white-space:normal}\n"
    "th{background:#eef3f8}\n"
    "caption{text-align:left;font-weight:bold;padding:4px 0}\n"
    "figure{margin:12px 0}\n"
    "figcaption{font-weight:bold;font-size:0.92em;margin-bottom:4px}\n"
    "svg.map{width:100%;max-width:820px;height:auto;display:block}\n"
    "svg.chart{width:100%;max-width:760px;height:auto;display:block}\n"
    "dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 16px}\n"
    "dl.kv dt{font-weight:bold}dl.kv dd{margin:0}\n"
    "ul.prompts{background:#eef3f8;border-left:4px solid #215e9e;padding:8px 12px 8px 32px}\n"
    "ul.prompts li{margin-bottom:4px}\n"
    "footer{margin-top:40px;font-size:0.85em;color:#666}\n"
    "@media print{section{page-break-before:always}body{background:#fff}}\n";

/* Copies path data up to its closing quote (returned past it) with every
 * number cut to two decimals: cairo writes six, a hundredth of a point is
 * invisible at any zoom, and the page gets a third smaller. */
static char *add_path_data(struct ws_strbuf *sb, char *p)
{
    while (*p && *p != '"') {
        if (*p == '.' && isdigit((unsigned char)p[1])) {
            char *e = p + 1;
            size_t keep;
            while (isdigit((unsigned char)*e))
                e++;
            keep = (size_t)(e - p - 1) < 2 ? (size_t)(e - p - 1) : 2;
            while (keep > 0 && p[keep] == '0')
                keep--;
            if (keep > 0)
                ws_strbuf_add(sb, p, keep + 1);
            p = e;
            continue;
        }
        ws_strbuf_addch(sb, *p++);
    }
    if (*p == '"')
        ws_strbuf_addch(sb, *p++);
    return p;
}

/* Appends cairo SVG bytes as inline SVG: drops the XML declaration, replaces
 * the root's width/height by class `cls`, prefixes every id with `pfx`. */
static void add_svg(struct ws_strbuf *sb, const unsigned char *data, size_t len, const char *pfx,
                    const char *cls, const char *label)
{
    char *s = ws_xstrndup((const char *)data, len);
    char *p = strstr(s, "<svg");
    bool root_done = false;

    if (!p) {
        free(s);
        return;
    }
    while (*p) {
        if (!root_done && !strncmp(p, " width=\"", 8)) {
            char *q = strchr(p + 8, '"');
            p = q ? q + 1 : p + 8;
            continue;
        }
        if (!root_done && !strncmp(p, " height=\"", 9)) {
            char *q = strchr(p + 9, '"');
            p = q ? q + 1 : p + 9;
            ws_strbuf_addf(sb, " class=\"%s\" role=\"img\" aria-label=\"", cls);
            html_escape(sb, label, ESC_ATTR);
            ws_strbuf_addch(sb, '"');
            continue;
        }
        if (!root_done && *p == '>')
            root_done = true;
        if (!strncmp(p, "id=\"", 4)) {
            ws_strbuf_addf(sb, "id=\"%s-", pfx);
            p += 4;
            continue;
        }
        if (!strncmp(p, "href=\"#", 7)) {
            ws_strbuf_addf(sb, "href=\"#%s-", pfx);
            p += 7;
            continue;
        }
        if (!strncmp(p, "url(#", 5)) {
            ws_strbuf_addf(sb, "url(#%s-", pfx);
            p += 5;
            continue;
        }
        if (!strncmp(p, " d=\"", 4)) {
            ws_strbuf_adds(sb, " d=\"");
            p = add_path_data(sb, p + 4);
            continue;
        }
        ws_strbuf_addch(sb, *p++);
    }
    free(s);
}

struct html {
    struct ws_strbuf out;
    const struct ws_doc *doc;
    const struct ws_map_inputs *map_in;
    const struct ws_mapdef *maps;
    unsigned n_svg;
};

static int html_map(struct html *h, const struct ws_doc_block *b, struct ws_err *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char pfx[24];
    int rc;

    if (!h->map_in || !h->maps || b->map_index == SIZE_MAX)
        return WS_OK;
    if (b->wijk)
        rc = ws_render_wijk_map(h->map_in, &h->maps[b->map_index], b->wijk, WS_CANVAS_SVG, 628, 481,
                                NULL, &data, &len, err);
    else
        rc = ws_render_wijk_map(h->map_in, &h->maps[b->map_index], NULL, WS_CANVAS_SVG, 0, 0, NULL,
                                &data, &len, err);
    if (rc || !len)
        goto out;
    (void)snprintf(pfx, sizeof(pfx), "s%u", ++h->n_svg);
    ws_strbuf_adds(&h->out, "<figure>\n<figcaption>");
    html_escape(&h->out, b->text, ESC_TEXT);
    ws_strbuf_adds(&h->out, "</figcaption>\n");
    add_svg(&h->out, data, len, pfx, "map", b->text ? b->text : "");
    ws_strbuf_adds(&h->out, "\n</figure>\n");
out:
    free(data);
    return rc;
}

static int html_chart(struct html *h, const struct ws_doc_block *b, struct ws_err *err)
{
    struct ws_canvas *c = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    double w = 520;
    double ht = ws_report_chart_height(b, w);
    char pfx[24];
    int rc;

    rc = ws_canvas_open(WS_CANVAS_SVG, NULL, w, ht, 1, &c, err);
    if (rc)
        return rc;
    ws_report_draw_chart(c, b, h->doc->en, 0, 0, w, ht);
    rc = ws_canvas_close_buffer(c, &data, &len, err);
    if (rc)
        return rc;
    (void)snprintf(pfx, sizeof(pfx), "s%u", ++h->n_svg);
    ws_strbuf_adds(&h->out, "<figure>\n<figcaption>");
    html_escape(&h->out, b->text, ESC_TEXT);
    ws_strbuf_adds(&h->out, "</figcaption>\n");
    add_svg(&h->out, data, len, pfx, "chart", b->text ? b->text : "");
    ws_strbuf_adds(&h->out, "\n</figure>\n");
    free(data);
    return WS_OK;
}

static void html_table(struct html *h, const struct ws_doc_block *b)
{
    ws_strbuf_adds(&h->out, "<table>\n");
    if (b->text) {
        ws_strbuf_adds(&h->out, "<caption>");
        html_escape(&h->out, b->text, ESC_TEXT);
        ws_strbuf_adds(&h->out, "</caption>\n");
    }
    for (size_t r = 0; r < b->n_rows; r++) {
        const char *cell = r == 0 ? "th" : "td";
        ws_strbuf_adds(&h->out, r == 0 ? "<thead><tr>" : "<tr>");
        for (size_t c = 0; c < b->n_cols; c++) {
            bool left = c > 0 && (b->left_cols & (1u << c));
            ws_strbuf_addf(&h->out, "<%s%s%s>", cell, r == 0 ? " scope=\"col\"" : "",
                           left ? " class=\"l\"" : "");
            html_escape(&h->out, b->cells[r * b->n_cols + c], ESC_TEXT);
            ws_strbuf_addf(&h->out, "</%s>", cell);
        }
        ws_strbuf_adds(&h->out, r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
    }
    ws_strbuf_adds(&h->out, b->n_rows ? "</tbody>\n</table>\n" : "</table>\n");
}

static int html_block(struct html *h, const struct ws_doc_block *b, struct ws_err *err)
{
    switch (b->kind) {
    case WS_DOC_HEADING:
        ws_strbuf_addf(&h->out, "<h%d>", b->level);
        html_escape(&h->out, b->text, ESC_TEXT);
        ws_strbuf_addf(&h->out, "</h%d>\n", b->level);
        break;
    case WS_DOC_PARA:
        ws_strbuf_adds(&h->out, "<p>");
        html_escape(&h->out, b->text, ESC_TEXT);
        ws_strbuf_adds(&h->out, "</p>\n");
        break;
    case WS_DOC_NOTE:
        ws_strbuf_adds(&h->out, "<p class=\"note\">");
        html_escape(&h->out, b->text, ESC_TEXT);
        ws_strbuf_adds(&h->out, "</p>\n");
        break;
    case WS_DOC_LIST:
        ws_strbuf_adds(&h->out, b->highlight ? "<ul class=\"prompts\">\n" : "<ul>\n");
        for (size_t i = 0; i < b->n_items; i++) {
            ws_strbuf_adds(&h->out, "<li>");
            html_escape(&h->out, b->items[i], ESC_TEXT);
            ws_strbuf_adds(&h->out, "</li>\n");
        }
        ws_strbuf_adds(&h->out, "</ul>\n");
        break;
    case WS_DOC_KEYVALS:
        ws_strbuf_adds(&h->out, "<dl class=\"kv\">\n");
        for (size_t i = 0; i < b->n_items; i++) {
            const char *tab = strchr(b->items[i], '\t');
            char *k = ws_xstrndup(b->items[i], tab ? (size_t)(tab - b->items[i]) : 0);
            ws_strbuf_adds(&h->out, "<dt>");
            html_escape(&h->out, k, ESC_TEXT);
            ws_strbuf_adds(&h->out, "</dt><dd>");
            html_escape(&h->out, tab ? tab + 1 : b->items[i], ESC_TEXT);
            ws_strbuf_adds(&h->out, "</dd>\n");
            free(k);
        }
        ws_strbuf_adds(&h->out, "</dl>\n");
        break;
    case WS_DOC_TABLE:
        html_table(h, b);
        break;
    case WS_DOC_MAP:
        return html_map(h, b, err);
    case WS_DOC_TREND:
    case WS_DOC_PROFILE:
        return html_chart(h, b, err);
    }
    return WS_OK;
}

static int html_build(struct html *h, struct ws_err *err)
{
    const struct ws_doc *d = h->doc;
    bool en = d->en;
    int rc = WS_OK;

    ws_strbuf_addf(&h->out,
                   "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"wijkscan\">\n<title>",
                   en ? "en" : "nl");
    html_escape(&h->out, d->title, ESC_TEXT);
    ws_strbuf_adds(&h->out, "</title>\n<style>\n");
    ws_strbuf_adds(&h->out, css);
    ws_strbuf_adds(&h->out,
                   "</style>\n</head>\n<body>\n<main id=\"top\">\n<header class=\"cover\">\n");
    ws_strbuf_adds(&h->out, "<div class=\"kicker\">");
    html_escape(&h->out, ws_rs(WS_RS_REPORT, en), ESC_TEXT);
    ws_strbuf_adds(&h->out, "</div>\n<h1>");
    html_escape(&h->out, d->title, ESC_TEXT);
    ws_strbuf_adds(&h->out, "</h1>\n<p>");
    html_escape(&h->out, ws_rs(WS_RS_GEMEENTE, en), ESC_TEXT);
    ws_strbuf_adds(&h->out, " ");
    html_escape(&h->out, d->gemeente, ESC_TEXT);
    ws_strbuf_adds(&h->out, " · ");
    html_escape(&h->out, ws_rs(WS_RS_YEARS, en), ESC_TEXT);
    ws_strbuf_adds(&h->out, " ");
    html_escape(&h->out, d->years, ESC_TEXT);
    ws_strbuf_adds(&h->out, "</p>\n");
    if (d->synthetic) {
        ws_strbuf_adds(&h->out, "<p class=\"notice\">");
        html_escape(&h->out, ws_rs(WS_RS_SYNTHETIC_NOTICE, en), ESC_TEXT);
        ws_strbuf_adds(&h->out, "</p>\n");
    }
    ws_strbuf_adds(&h->out, "</header>\n<nav class=\"toc\">\n<h2>");
    html_escape(&h->out, ws_rs(WS_RS_CONTENTS, en), ESC_TEXT);
    ws_strbuf_adds(&h->out, "</h2>\n<ol>\n");
    for (size_t i = 0; i < d->n_sections; i++) {
        ws_strbuf_adds(&h->out, "<li><a href=\"#");
        html_escape(&h->out, d->sections[i].id, ESC_ATTR);
        ws_strbuf_adds(&h->out, "\">");
        html_escape(&h->out, d->sections[i].title, ESC_TEXT);
        ws_strbuf_adds(&h->out, "</a></li>\n");
    }
    ws_strbuf_adds(&h->out, "</ol>\n</nav>\n");
    for (size_t i = 0; i < d->n_sections && !rc; i++) {
        const struct ws_doc_section *s = &d->sections[i];
        ws_log_progress("report (html): %s", s->title);
        ws_strbuf_adds(&h->out, "<section id=\"");
        html_escape(&h->out, s->id, ESC_ATTR);
        ws_strbuf_adds(&h->out, "\">\n<h2>");
        html_escape(&h->out, s->title, ESC_TEXT);
        ws_strbuf_adds(&h->out, "</h2>\n");
        for (size_t j = 0; j < s->n_blocks && !rc; j++) {
            const struct ws_doc_block *b = &s->blocks[j];
            rc = html_block(h, b, err);
        }
        ws_strbuf_adds(&h->out, "<p class=\"note\"><a href=\"#top\">↑</a></p>\n</section>\n");
    }
    ws_strbuf_adds(&h->out, "<footer>\n<p>");
    {
        const char *made = ws_rs(WS_RS_MADE_ON, en);
        const char *pct = strstr(made, "%s");
        struct ws_strbuf m = WS_STRBUF_INIT;
        if (pct) {
            ws_strbuf_add(&m, made, (size_t)(pct - made));
            ws_strbuf_adds(&m, d->date);
            ws_strbuf_adds(&m, pct + 2);
        } else {
            ws_strbuf_adds(&m, made);
        }
        html_escape(&h->out, m.buf, ESC_TEXT);
        ws_strbuf_release(&m);
    }
    if (d->source) {
        ws_strbuf_adds(&h->out, ". ");
        html_escape(&h->out, ws_rs(WS_RS_SOURCE, en), ESC_TEXT);
        ws_strbuf_adds(&h->out, ": ");
        html_escape(&h->out, d->source, ESC_TEXT);
    }
    ws_strbuf_adds(&h->out, "</p>\n</footer>\n</main>\n</body>\n</html>\n");
    ws_log_progress_done();
    return rc;
}

int ws_report_html_string(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                          const struct ws_mapdef *maps, char **out, struct ws_err *err)
{
    struct html h;
    int rc;

    memset(&h, 0, sizeof(h));
    ws_strbuf_init(&h.out);
    h.doc = doc;
    h.map_in = map_in;
    h.maps = maps;
    *out = NULL;
    rc = html_build(&h, err);
    if (rc)
        ws_strbuf_release(&h.out);
    else
        *out = ws_strbuf_detach(&h.out);
    return rc;
}

int ws_report_write_html(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                         const struct ws_mapdef *maps, const char *path, struct ws_err *err)
{
    char *text = NULL;
    FILE *fp = NULL;
    int rc;

    rc = ws_report_html_string(doc, map_in, maps, &text, err);
    if (rc)
        goto out;
    fp = fopen(path, "w");
    if (!fp || fputs(text, fp) == EOF) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", path);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err, "check that the output folder is writable and the disk not full");
    }
    if (fp && fclose(fp) != 0 && !rc) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", path);
        ws_err_cause(err, "%s", strerror(errno));
    }
out:
    free(text);
    return rc;
}
