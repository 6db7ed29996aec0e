/*
 * report_pdf.c - the document model as an A4 PDF atlas: a cover, the table
 * of contents (linked), then every section from a new page, with page
 * numbers and a PDF outline.
 *
 * The layout runs twice over the same canvas: a measuring pass (draw false)
 * that only advances the cursor and records the first page of every
 * section, then the drawing pass, which can therefore print the page
 * numbers in the contents.  Maps are drawn by the render stage to PNG in
 * memory and painted into their box; charts are drawn straight onto the
 * page (chart.c).
 */
#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/render/render.h"
#include "wijkscan/report/report.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page label comes from the string table (rstrings.h; test_report
 * checks its conversions). */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define PAGE_W         595.28
#define PAGE_H         841.89
#define MARGIN_L       56.0
#define MARGIN_R       56.0
#define MARGIN_T       52.0
#define MARGIN_B       62.0
#define CONTENT_W      (PAGE_W - MARGIN_L - MARGIN_R)
#define BOTTOM         (PAGE_H - MARGIN_B)
#define WIJK_MAP_H     370.0
#define WIJK_MAP_SCALE 1.3

static const struct ws_rgba ink = {0.13, 0.13, 0.13, 1};
static const struct ws_rgba grey = {0.38, 0.38, 0.38, 1};
static const struct ws_rgba accent = {0.13, 0.37, 0.62, 1};
static const struct ws_rgba rule = {0.8, 0.8, 0.8, 1};
static const struct ws_rgba head_bg = {0.93, 0.95, 0.97, 1};
static const struct ws_rgba notice_bg = {1.0, 0.96, 0.84, 1};
static const struct ws_rgba notice_bar = {0.88, 0.66, 0.0, 1};

struct pdf {
    struct ws_canvas *c;
    const struct ws_doc *doc;
    const struct ws_map_inputs *map_in;
    const struct ws_mapdef *maps;
    bool draw;
    int page;
    double y;
    int *section_page;     /* first page of each section (from the measuring pass) */
    const char *sec_title; /* running header */
    struct ws_err *err;
    int rc;
};

static void footer(struct pdf *p)
{
    struct ws_font f = {7.5, false, false};
    char buf[64];

    if (!p->draw || p->page <= 1)
        return;
    (void)snprintf(buf, sizeof(buf), ws_rs(WS_RS_PAGE, p->doc->en), p->page);
    ws_canvas_new_path(p->c);
    ws_canvas_move_to(p->c, MARGIN_L, PAGE_H - MARGIN_B + 18);
    ws_canvas_line_to(p->c, PAGE_W - MARGIN_R, PAGE_H - MARGIN_B + 18);
    ws_canvas_stroke(p->c, &rule, 0.5, 0);
    ws_canvas_text(p->c, MARGIN_L, PAGE_H - MARGIN_B + 24, 0, 0, &f, p->doc->title, &grey, NULL, 0);
    ws_canvas_text(p->c, PAGE_W - MARGIN_R, PAGE_H - MARGIN_B + 24, 1, 0, &f, buf, &grey, NULL, 0);
    if (p->sec_title)
        ws_canvas_text(p->c, PAGE_W - MARGIN_R, MARGIN_T - 22, 1, 0, &f, p->sec_title, &grey, NULL,
                       0);
}

static void new_page(struct pdf *p)
{
    footer(p);
    if (p->draw)
        ws_canvas_show_page(p->c);
    p->page++;
    p->y = MARGIN_T;
}

/* Starts a new page unless h points still fit. */
static void need(struct pdf *p, double h)
{
    if (p->y + h > BOTTOM && p->y > MARGIN_T + 1)
        new_page(p);
}

static double para(struct pdf *p, double x, double w, const struct ws_font *f, const char *text,
                   const struct ws_rgba *col)
{
    double h = ws_canvas_paragraph(p->c, x, p->y, w, f, text, col, false);
    need(p, h);
    ws_canvas_paragraph(p->c, x, p->y, w, f, text, col, p->draw);
    p->y += h;
    return h;
}

/* --- tables --- */

static void col_widths(struct pdf *p, const struct ws_doc_block *b, const struct ws_font *f,
                       const struct ws_font *fh, double *w)
{
    double total = 0;
    const double pad = 8;

    for (size_t j = 0; j < b->n_cols; j++) {
        double m = 0;
        for (size_t i = 1; i < b->n_rows; i++) {
            double tw;
            double th;
            ws_canvas_text_size(p->c, f, b->cells[i * b->n_cols + j], &tw, &th);
            m = fmax(m, tw);
        }
        // headers wrap: their longest word is the minimum
        {
            char *hd = ws_xstrdup(b->cells[j]);
            for (char *tok = hd; tok && *tok;) {
                char *sp = strchr(tok, ' ');
                double tw;
                double th;
                if (sp)
                    *sp = '\0';
                ws_canvas_text_size(p->c, fh, tok, &tw, &th);
                m = fmax(m, tw);
                tok = sp ? sp + 1 : NULL;
            }
            free(hd);
        }
        w[j] = m + pad;
        total += w[j];
    }
    if (total > CONTENT_W) {
        // shrink the first (name) column first, down to a third of the page
        double over = total - CONTENT_W;
        double can = fmax(0, w[0] - CONTENT_W / 3);
        double cut = fmin(over, can);
        w[0] -= cut;
        over -= cut;
        total -= cut;
        for (size_t j = 0; j < b->n_cols && over > 0; j++)
            w[j] *= CONTENT_W / total;
    } else if (b->n_cols > 2) {
        // spread the spare room over the figure columns
        double extra = (CONTENT_W - total) / (double)(b->n_cols - 1);
        for (size_t j = 1; j < b->n_cols; j++)
            w[j] += extra;
    } else {
        w[b->n_cols - 1] += CONTENT_W - total;
    }
}

static double row_height(struct pdf *p, const struct ws_doc_block *b, size_t i, const double *w,
                         const struct ws_font *f)
{
    double h = 0;
    for (size_t j = 0; j < b->n_cols; j++)
        h = fmax(h, ws_canvas_paragraph(p->c, 0, 0, w[j] - 8, f, b->cells[i * b->n_cols + j], &ink,
                                        false));
    return h + 5;
}

static void draw_row(struct pdf *p, const struct ws_doc_block *b, size_t i, const double *w,
                     const struct ws_font *f, double h)
{
    double x = MARGIN_L;

    if (!p->draw)
        return;
    if (i == 0) {
        ws_canvas_new_path(p->c);
        ws_canvas_rect(p->c, MARGIN_L, p->y, CONTENT_W, h);
        ws_canvas_fill(p->c, &head_bg);
    }
    for (size_t j = 0; j < b->n_cols; j++) {
        const char *t = b->cells[i * b->n_cols + j];
        // text columns left; figures (and their one-line headers) right
        if (j == 0 || (b->left_cols & (1u << j))) {
            ws_canvas_paragraph(p->c, x + 4, p->y + 2.5, w[j] - 8, f, t, &ink, true);
        } else {
            double ww;
            double hh;
            ws_canvas_text_size(p->c, f, t, &ww, &hh);
            if (ww <= w[j] - 8)
                ws_canvas_text(p->c, x + w[j] - 4, p->y + 2.5, 1, 0, f, t, &ink, NULL, 0);
            else
                ws_canvas_paragraph(p->c, x + 4, p->y + 2.5, w[j] - 8, f, t, &ink, true);
        }
        x += w[j];
    }
    ws_canvas_new_path(p->c);
    ws_canvas_move_to(p->c, MARGIN_L, p->y + h);
    ws_canvas_line_to(p->c, MARGIN_L + CONTENT_W, p->y + h);
    ws_canvas_stroke(p->c, &rule, 0.5, 0);
}

static void table(struct pdf *p, const struct ws_doc_block *b)
{
    struct ws_font f = {7.5, false, false};
    struct ws_font fh = {7.5, true, false};
    struct ws_font fc = {9, true, false};
    double *w;
    double hh;

    if (!b->n_rows)
        return;
    w = ws_xcalloc(b->n_cols, sizeof(*w));
    col_widths(p, b, &f, &fh, w);
    hh = row_height(p, b, 0, w, &fh);
    if (b->text) {
        double ch = ws_canvas_paragraph(p->c, 0, 0, CONTENT_W, &fc, b->text, &ink, false);
        need(p, ch + hh + 40);
        para(p, MARGIN_L, CONTENT_W, &fc, b->text, &ink);
        p->y += 3;
    }
    need(p, hh + 30);
    draw_row(p, b, 0, w, &fh, hh);
    p->y += hh;
    for (size_t i = 1; i < b->n_rows; i++) {
        double h = row_height(p, b, i, w, &f);
        if (p->y + h > BOTTOM) {
            new_page(p);
            draw_row(p, b, 0, w, &fh, hh);
            p->y += hh;
        }
        draw_row(p, b, i, w, &f, h);
        p->y += h;
    }
    p->y += 6;
    free(w);
}

/* --- figures --- */

static void caption(struct pdf *p, const char *text, double keep)
{
    struct ws_font fc = {9, true, false};
    double ch;

    if (!text)
        return;
    ch = ws_canvas_paragraph(p->c, 0, 0, CONTENT_W, &fc, text, &ink, false);
    need(p, ch + keep);
    para(p, MARGIN_L, CONTENT_W, &fc, text, &ink);
    p->y += 3;
}

static void map_block(struct pdf *p, const struct ws_doc_block *b)
{
    const struct ws_mapdef *md;
    unsigned char *data = NULL;
    size_t len = 0;
    double w = CONTENT_W;
    double h;

    if (!p->map_in || !p->maps || b->map_index == SIZE_MAX || p->rc)
        return;
    md = &p->maps[b->map_index];
    if (b->wijk)
        h = WIJK_MAP_H;
    else
        h = fmin(w * md->height_px / fmax(1, md->width_px), BOTTOM - MARGIN_T - 4);
    // a whole map page carries its own title: no caption above it
    if (b->wijk)
        caption(p, b->text, h);
    else
        need(p, h);
    if (p->draw) {
        if (b->wijk)
            // drawn on a larger page and scaled down: the map's legend needs room
            p->rc = ws_render_wijk_map(p->map_in, md, b->wijk, WS_CANVAS_PNG, w * WIJK_MAP_SCALE,
                                       h * WIJK_MAP_SCALE, NULL, &data, &len, p->err);
        else
            p->rc = ws_render_wijk_map(p->map_in, md, NULL, WS_CANVAS_PNG, 0, 0, NULL, &data, &len,
                                       p->err);
        if (!p->rc && len)
            (void)ws_canvas_image_png(p->c, data, len, MARGIN_L, p->y, w, h);
        free(data);
    }
    p->y += h + 10;
}

static void chart_block(struct pdf *p, const struct ws_doc_block *b)
{
    double h = ws_report_chart_height(b, CONTENT_W);

    caption(p, b->text, h);
    if (p->draw)
        ws_report_draw_chart(p->c, b, p->doc->en, MARGIN_L, p->y, CONTENT_W, h);
    p->y += h + 10;
}

static double list_height(struct pdf *p, const struct ws_doc_block *b)
{
    struct ws_font body = {9.5, false, false};
    double h = b->highlight ? 12 : 0;
    for (size_t i = 0; i < b->n_items; i++)
        h += ws_canvas_paragraph(p->c, 0, 0, CONTENT_W - 14 - (b->highlight ? 16 : 0), &body,
                                 b->items[i], &ink, false) +
             3;
    return h;
}

/* The least height of a block, to keep a heading with it. */
static double min_height(struct pdf *p, const struct ws_doc_block *b)
{
    if (!b)
        return 0;
    switch (b->kind) {
    case WS_DOC_LIST:
        return fmin(list_height(p, b), 220);
    case WS_DOC_MAP:
        return b->wijk ? WIJK_MAP_H + 20 : 400;
    case WS_DOC_TREND:
    case WS_DOC_PROFILE:
        return ws_report_chart_height(b, CONTENT_W) + 20;
    case WS_DOC_TABLE:
        return 70;
    default:
        return 36;
    }
}

static void list_block(struct pdf *p, const struct ws_doc_block *b)
{
    struct ws_font body = {9.5, false, false};
    double in = b->highlight ? 16 : 0;
    if (b->highlight) {
        // the questions stay together on a tinted panel
        double lh = list_height(p, b);
        need(p, lh);
        if (p->draw) {
            ws_canvas_new_path(p->c);
            ws_canvas_rect(p->c, MARGIN_L, p->y, CONTENT_W, lh);
            ws_canvas_fill(p->c, &head_bg);
            ws_canvas_new_path(p->c);
            ws_canvas_rect(p->c, MARGIN_L, p->y, 3, lh);
            ws_canvas_fill(p->c, &accent);
        }
        p->y += 6;
    }
    for (size_t i = 0; i < b->n_items; i++) {
        double h =
            ws_canvas_paragraph(p->c, 0, 0, CONTENT_W - 14 - in, &body, b->items[i], &ink, false);
        need(p, h);
        if (p->draw)
            ws_canvas_text(p->c, MARGIN_L + in + 3, p->y, 0, 0, &body, "•", &accent, NULL, 0);
        para(p, MARGIN_L + in + 14, CONTENT_W - 14 - in, &body, b->items[i], &ink);
        p->y += 3;
    }
    p->y += b->highlight ? 10 : 4;
}

static void keyvals_block(struct pdf *p, const struct ws_doc_block *b)
{
    struct ws_font body = {9.5, false, false};
    for (size_t i = 0; i < b->n_items; i++) {
        const char *tab = strchr(b->items[i], '\t');
        char *k = ws_xstrndup(b->items[i], tab ? (size_t)(tab - b->items[i]) : 0);
        struct ws_font kb = {9.5, true, false};
        double kh = ws_canvas_paragraph(p->c, 0, 0, 200, &kb, k, &ink, false);
        double vh = ws_canvas_paragraph(p->c, 0, 0, CONTENT_W - 210, &body,
                                        tab ? tab + 1 : b->items[i], &ink, false);
        need(p, fmax(kh, vh));
        ws_canvas_paragraph(p->c, MARGIN_L, p->y, 200, &kb, k, &ink, p->draw);
        ws_canvas_paragraph(p->c, MARGIN_L + 210, p->y, CONTENT_W - 210, &body,
                            tab ? tab + 1 : b->items[i], &ink, p->draw);
        p->y += fmax(kh, vh) + 2;
        free(k);
    }
    p->y += 6;
}

static void block(struct pdf *p, const struct ws_doc_block *b, const struct ws_doc_block *next)
{
    struct ws_font body = {9.5, false, false};
    struct ws_font note = {8.5, false, true};

    switch (b->kind) {
    case WS_DOC_HEADING: {
        struct ws_font f = {b->level <= 2 ? 13.0 : 11.0, true, false};
        double h = ws_canvas_paragraph(p->c, 0, 0, CONTENT_W, &f, b->text, &accent, false);
        p->y += b->level <= 2 ? 10 : 6;
        need(p, h + 6 + min_height(p, next)); // keep with what follows
        para(p, MARGIN_L, CONTENT_W, &f, b->text, b->level <= 2 ? &accent : &ink);
        p->y += 4;
        break;
    }
    case WS_DOC_PARA:
        para(p, MARGIN_L, CONTENT_W, &body, b->text, &ink);
        p->y += 6;
        break;
    case WS_DOC_NOTE:
        para(p, MARGIN_L, CONTENT_W, &note, b->text, &grey);
        p->y += 5;
        break;
    case WS_DOC_LIST:
        list_block(p, b);
        break;
    case WS_DOC_KEYVALS:
        keyvals_block(p, b);
        break;
    case WS_DOC_TABLE:
        table(p, b);
        break;
    case WS_DOC_MAP:
        map_block(p, b);
        break;
    case WS_DOC_TREND:
    case WS_DOC_PROFILE:
        chart_block(p, b);
        break;
    }
}

/* --- cover and contents --- */

static void cover(struct pdf *p)
{
    const struct ws_doc *d = p->doc;
    bool en = d->en;
    struct ws_font kick = {12, true, false};
    struct ws_font title = {28, true, false};
    struct ws_font sub = {14, false, false};
    struct ws_font small = {9, false, false};
    struct ws_strbuf sb = WS_STRBUF_INIT;

    if (!p->draw)
        return;
    ws_canvas_new_path(p->c);
    ws_canvas_rect(p->c, 0, 0, PAGE_W, 14);
    ws_canvas_fill(p->c, &accent);
    p->y = 190;
    ws_canvas_text(p->c, MARGIN_L, p->y, 0, 0, &kick, ws_rs(WS_RS_REPORT, en), &accent, NULL, 0);
    p->y += 24;
    p->y += ws_canvas_paragraph(p->c, MARGIN_L, p->y, CONTENT_W, &title, d->title, &ink, true);
    p->y += 14;
    ws_strbuf_addf(&sb, "%s %s", ws_rs(WS_RS_GEMEENTE, en), d->gemeente);
    p->y += ws_canvas_paragraph(p->c, MARGIN_L, p->y, CONTENT_W, &sub, sb.buf, &ink, true);
    ws_strbuf_reset(&sb);
    ws_strbuf_addf(&sb, "%s %s", ws_rs(WS_RS_YEARS, en), d->years);
    p->y += ws_canvas_paragraph(p->c, MARGIN_L, p->y, CONTENT_W, &sub, sb.buf, &ink, true);
    p->y += 40;
    if (d->synthetic) {
        struct ws_font nf = {11, true, false};
        double h = ws_canvas_paragraph(p->c, 0, 0, CONTENT_W - 30, &nf,
                                       ws_rs(WS_RS_SYNTHETIC_NOTICE, en), &ink, false);
        ws_canvas_new_path(p->c);
        ws_canvas_rect(p->c, MARGIN_L, p->y, CONTENT_W, h + 24);
        ws_canvas_fill(p->c, &notice_bg);
        ws_canvas_new_path(p->c);
        ws_canvas_rect(p->c, MARGIN_L, p->y, 5, h + 24);
        ws_canvas_fill(p->c, &notice_bar);
        ws_canvas_paragraph(p->c, MARGIN_L + 20, p->y + 12, CONTENT_W - 30, &nf,
                            ws_rs(WS_RS_SYNTHETIC_NOTICE, en), &ink, true);
        p->y += h + 40;
    }
    ws_canvas_paragraph(p->c, MARGIN_L, p->y, CONTENT_W, &small, ws_rs(WS_RS_CAVEAT, en), &grey,
                        true);
    ws_strbuf_reset(&sb);
    {
        const char *made = ws_rs(WS_RS_MADE_ON, en);
        const char *pct = strstr(made, "%s");
        if (pct) {
            ws_strbuf_add(&sb, made, (size_t)(pct - made));
            ws_strbuf_adds(&sb, d->date);
            ws_strbuf_adds(&sb, pct + 2);
        }
    }
    if (d->source)
        ws_strbuf_addf(&sb, "\n%s: %s", ws_rs(WS_RS_SOURCE, en), d->source);
    ws_canvas_paragraph(p->c, MARGIN_L, PAGE_H - 120, CONTENT_W, &small, sb.buf, &grey, true);
    ws_strbuf_release(&sb);
}

static void contents(struct pdf *p)
{
    struct ws_font h = {16, true, false};
    struct ws_font f = {10, false, false};
    struct ws_font fb = {10, true, false};
    bool en = p->doc->en;

    if (p->draw)
        ws_canvas_text(p->c, MARGIN_L, p->y, 0, 0, &h, ws_rs(WS_RS_CONTENTS, en), &accent, NULL, 0);
    p->y += 34;
    for (size_t i = 0; i < p->doc->n_sections; i++) {
        const struct ws_doc_section *s = &p->doc->sections[i];
        const struct ws_font *ff = s->is_wijk ? &f : &fb;
        double x = MARGIN_L + (s->is_wijk ? 14 : 0);
        double row = 15.5;
        if (i > 0 && s->is_wijk && !p->doc->sections[i - 1].is_wijk) {
            if (p->draw)
                ws_canvas_text(p->c, MARGIN_L, p->y, 0, 0, &fb, ws_rs(WS_RS_WIJKEN, en), &ink, NULL,
                               0);
            p->y += row;
        }
        need(p, row);
        if (p->draw) {
            char num[16];
            double tw;
            double th;
            (void)snprintf(num, sizeof(num), "%d", p->section_page[i]);
            ws_canvas_text(p->c, x, p->y, 0, 0, ff, s->title, &ink, NULL, 0);
            ws_canvas_text_size(p->c, ff, s->title, &tw, &th);
            ws_canvas_new_path(p->c);
            ws_canvas_move_to(p->c, x + tw + 6, p->y + th * 0.8);
            ws_canvas_line_to(p->c, PAGE_W - MARGIN_R - 24, p->y + th * 0.8);
            ws_canvas_stroke(p->c, &rule, 0.8, 1.2);
            ws_canvas_text(p->c, PAGE_W - MARGIN_R, p->y, 1, 0, ff, num, &ink, NULL, 0);
            ws_canvas_link_page(p->c, x, p->y, PAGE_W - MARGIN_R - x, row, p->section_page[i]);
        }
        p->y += row;
    }
}

static void layout(struct pdf *p)
{
    const struct ws_doc *d = p->doc;
    struct ws_font st = {18, true, false};
    int wijken_outline = 0;

    p->page = 1;
    p->sec_title = NULL;
    cover(p);
    new_page(p);
    contents(p);
    for (size_t i = 0; i < d->n_sections && !p->rc; i++) {
        const struct ws_doc_section *s = &d->sections[i];
        p->sec_title = NULL;
        new_page(p);
        p->sec_title = s->title;
        if (!p->draw) {
            p->section_page[i] = p->page;
        } else {
            int parent = 0;
            ws_log_progress("report (pdf): %s", s->title);
            if (s->is_wijk) {
                if (!wijken_outline)
                    wijken_outline =
                        ws_canvas_outline_add(p->c, 0, ws_rs(WS_RS_WIJKEN, d->en), p->page);
                parent = wijken_outline;
            }
            (void)ws_canvas_outline_add(p->c, parent, s->title, p->page);
        }
        if (p->draw)
            ws_canvas_paragraph(p->c, MARGIN_L, p->y, CONTENT_W, &st, s->title, &accent, true);
        p->y += ws_canvas_paragraph(p->c, 0, 0, CONTENT_W, &st, s->title, &accent, false) + 8;
        if (p->draw) {
            ws_canvas_new_path(p->c);
            ws_canvas_move_to(p->c, MARGIN_L, p->y);
            ws_canvas_line_to(p->c, PAGE_W - MARGIN_R, p->y);
            ws_canvas_stroke(p->c, &accent, 1.2, 0);
        }
        p->y += 10;
        for (size_t j = 0; j < s->n_blocks && !p->rc; j++)
            block(p, &s->blocks[j], j + 1 < s->n_blocks ? &s->blocks[j + 1] : NULL);
    }
    footer(p);
}

int ws_report_write_pdf(const struct ws_doc *doc, const struct ws_map_inputs *map_in,
                        const struct ws_mapdef *maps, const char *path, struct ws_err *err)
{
    struct pdf p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.doc = doc;
    p.map_in = map_in;
    p.maps = maps;
    p.err = err;
    p.section_page = ws_xcalloc(doc->n_sections + 1, sizeof(*p.section_page));
    rc = ws_canvas_open(WS_CANVAS_PDF, path, PAGE_W, PAGE_H, 1, &p.c, err);
    if (rc)
        goto out;
    p.draw = false;
    layout(&p);
    p.draw = true;
    layout(&p);
    ws_log_progress_done();
    rc = p.rc;
    if (rc) {
        ws_canvas_free(p.c);
        goto out;
    }
    rc = ws_canvas_close(p.c, err);
out:
    free(p.section_page);
    return rc;
}
