/*
 * doc.c - builds the report's document model from the published rows (see
 * report.h).
 *
 * Privacy is applied here and only here: every figure goes through fmt_*()
 * helpers that print "geheim" for a suppressed row whatever the row holds,
 * chart points of suppressed rows get no value, and sentences that would
 * quote a figure of a suppressed row are replaced by one that says the
 * figures are suppressed.  The renderers never see a number that is not
 * published.
 */
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/report/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Formats come from the string table (rstrings.h), not from literals here;
 * test_report checks that both languages of every string take the same
 * conversions in the same order. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define RS(key) ws_rs(WS_RS_##key, b->en)

struct builder {
    const struct ws_report_inputs *in;
    struct ws_doc *doc;
    bool en;
    int year, prev_year; /* latest year, the one before (0: none) */
    int first_year;
    int period;          /* years per pooled period (0: none) */
    int period_last[64]; /* the pooled periods' last years, ascending */
    size_t n_periods;
    char **cats;     /* categories other than "all", sorted */
    char *gem_label; /* "Groningen", or "gemeente GM0014" when it has no name */
    size_t n_cats;
};

/* --- small helpers --------------------------------------------------- */

static char *xfmt(const char *fmt, ...) WS_PRINTF(1, 2);
static char *xfmt(const char *fmt, ...)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    ws_strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    return ws_strbuf_detach(&sb);
}

static void num(const struct builder *b, double v, int dec, char *buf, size_t size)
{
    ws_choropleth_format_number(v, dec, b->en, buf, size);
}

static bool is_supp(const struct ws_indicator *r)
{
    return r && r->suppressed != WS_SUPP_NONE;
}

/* A figure of row r: "geheim" when r is suppressed, "geen data" when r is
 * missing or v is NULL, else v with dec decimals. */
static void fig(const struct builder *b, const struct ws_indicator *r, double v, int dec, char *buf,
                size_t size)
{
    if (is_supp(r))
        (void)snprintf(buf, size, "%s", RS(SUPPRESSED));
    else if (!r || !isfinite(v))
        (void)snprintf(buf, size, "%s", RS(NODATA));
    else
        num(b, v, dec, buf, size);
}

/* "61,8 (48,3–77,8)" */
static void fig_ci(const struct builder *b, const struct ws_indicator *r, double v, double lo,
                   double hi, int dec, char *buf, size_t size)
{
    char a[40];
    char l[40];
    char h[40];

    fig(b, r, v, dec, a, sizeof(a));
    if (is_supp(r) || !r || !isfinite(v) || !isfinite(lo) || !isfinite(hi)) {
        (void)snprintf(buf, size, "%s", a);
        return;
    }
    num(b, lo, dec, l, sizeof(l));
    num(b, hi, dec, h, sizeof(h));
    (void)snprintf(buf, size, "%s (%s–%s)", a, l, h);
}

/* "+28%*" from trend_rr/trend_p */
static void fig_trend(const struct builder *b, const struct ws_indicator *r, char *buf, size_t size)
{
    char p[40];

    if (is_supp(r) || !r || !isfinite(r->trend_rr)) {
        fig(b, r, NAN, 0, buf, size);
        return;
    }
    num(b, (r->trend_rr - 1) * 100, 0, p, sizeof(p));
    (void)snprintf(buf, size, "%s%s%%%s", r->trend_rr >= 1 ? "+" : "", p,
                   isfinite(r->trend_p) && r->trend_p < 0.05 ? "*" : "");
}

static const struct ws_indicator *find(const struct builder *b, const char *code, int year,
                                       const char *cat)
{
    const struct ws_indicator_set *s = b->in->published;
    for (size_t i = 0; i < s->n; i++) {
        const struct ws_indicator *r = &s->rows[i];
        if (r->year == year && r->period == 1 && !strcmp(r->code, code) &&
            !strcmp(r->category, cat))
            return r;
    }
    return NULL;
}

static struct ws_doc_section *add_section(struct builder *b, const char *id, const char *title)
{
    struct ws_doc *d = b->doc;
    struct ws_doc_section *s;

    WS_VEC_GROW(d->sections, d->n_sections + 1, d->cap_sections);
    s = &d->sections[d->n_sections++];
    memset(s, 0, sizeof(*s));
    s->id = ws_xstrdup(id);
    s->title = ws_xstrdup(title);
    return s;
}

static struct ws_doc_block *add_block(struct ws_doc_section *s, enum ws_doc_kind kind,
                                      const char *text)
{
    struct ws_doc_block *bl;

    WS_VEC_GROW(s->blocks, s->n_blocks + 1, s->cap_blocks);
    bl = &s->blocks[s->n_blocks++];
    memset(bl, 0, sizeof(*bl));
    bl->kind = kind;
    bl->level = 2;
    bl->text = text ? ws_xstrdup(text) : NULL;
    bl->map_index = SIZE_MAX;
    return bl;
}

static void add_heading(struct ws_doc_section *s, int level, const char *text)
{
    add_block(s, WS_DOC_HEADING, text)->level = level;
}

static void add_item(struct ws_doc_block *bl, char *owned)
{
    bl->items = ws_xrealloc(bl->items, (bl->n_items + 1) * sizeof(*bl->items));
    bl->items[bl->n_items++] = owned;
}

static void add_kv(struct ws_doc_block *bl, const char *k, const char *v)
{
    add_item(bl, xfmt("%s\t%s", k, v));
}

static void table_init(struct ws_doc_block *bl, size_t n_cols)
{
    bl->n_cols = n_cols;
    bl->n_rows = 0;
    bl->cells = NULL;
}

/* Appends a row of n_cols cells (copied). */
static void table_row(struct ws_doc_block *bl, const char *const *cells)
{
    bl->cells = ws_xrealloc(bl->cells, (bl->n_rows + 1) * bl->n_cols * sizeof(*bl->cells));
    for (size_t j = 0; j < bl->n_cols; j++)
        bl->cells[bl->n_rows * bl->n_cols + j] = ws_xstrdup(cells[j] ? cells[j] : "");
    bl->n_rows++;
}

/* --- typed results ---------------------------------------------------- */

/* The years of a group offer: "2024" or "2023-2024". */
static void offer_years(const struct ws_offer_row *o, char *buf, size_t size)
{
    if (o->year_from != o->year_to)
        (void)snprintf(buf, size, "%d-%d", o->year_from, o->year_to);
    else
        (void)snprintf(buf, size, "%d", o->year_to);
}

/* The published total of a group offer, or "geheim" when withheld. */
static const char *offer_cases(const struct builder *b, const struct ws_offer_row *o, char *buf,
                               size_t size)
{
    if (!isfinite(o->cases))
        return RS(SUPPRESSED);
    (void)snprintf(buf, size, "%.0f", o->cases);
    return buf;
}

/* --- areas -------------------------------------------------------------- */

static const char *buurt_wijk(const struct builder *b, const char *code)
{
    for (size_t i = 0; i < b->in->n_buurten; i++)
        if (!strcmp(b->in->buurten[i].code, code))
            return b->in->buurten[i].parent;
    return NULL;
}

static const char *area_name(const struct builder *b, const char *code)
{
    for (size_t i = 0; i < b->in->n_gemeenten; i++)
        if (!strcmp(b->in->gemeenten[i].code, code))
            return b->gem_label;
    for (size_t i = 0; i < b->in->n_buurten; i++)
        if (!strcmp(b->in->buurten[i].code, code))
            return b->in->buurten[i].name;
    for (size_t i = 0; i < b->in->n_wijken; i++)
        if (!strcmp(b->in->wijken[i].code, code))
            return b->in->wijken[i].name;
    return code;
}

/* The reason flags (WS_REASON_*) in words, "; "-separated, in flag order. */
static char *reasons_words(const struct builder *b, unsigned reasons)
{
    const struct {
        unsigned flag;
        const char *word;
    } words[] = {
        {WS_REASON_HIGH_NEED, RS(REASON_NEED)},  {WS_REASON_HIGH_DEMAND, RS(REASON_DEMAND)},
        {WS_REASON_RISING, RS(REASON_RISING)},   {WS_REASON_CLUSTER, RS(REASON_CLUSTER)},
        {WS_REASON_FALLING, RS(REASON_FALLING)},
    };
    struct ws_strbuf sb = WS_STRBUF_INIT;

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (!(reasons & words[i].flag))
            continue;
        if (sb.len)
            ws_strbuf_adds(&sb, "; ");
        ws_strbuf_adds(&sb, words[i].word);
    }
    return ws_strbuf_detach(&sb);
}

/* --- charts -------------------------------------------------------------- */

static void set_point(struct ws_doc_point *pt, const struct ws_indicator *r, double v, double lo,
                      double hi)
{
    pt->value = pt->lo = pt->hi = NAN;
    if (is_supp(r)) {
        pt->state = WS_POINT_SUPPRESSED;
    } else if (!r || !isfinite(v)) {
        pt->state = WS_POINT_NODATA;
    } else {
        pt->state = WS_POINT_VALUE;
        pt->value = v;
        pt->lo = lo;
        pt->hi = hi;
    }
}

static double ref_rate(const struct ws_indicator *g)
{
    return (g && !is_supp(g)) ? g->rate_per_1000 : NAN;
}

static void trend_chart(struct builder *b, struct ws_doc_section *s, const char *code,
                        const char *gem)
{
    struct ws_doc_block *bl = add_block(s, WS_DOC_TREND, RS(TREND_CHART));
    size_t n = (size_t)b->year - (size_t)b->first_year + 1;

    bl->axis = ws_xstrdup(RS(AXIS_RATE));
    bl->ref_name = gem ? ws_xstrdup(RS(LEGEND_REF)) : NULL;
    bl->points = ws_xcalloc(n, sizeof(*bl->points));
    bl->n_points = n;
    for (size_t i = 0; i < n; i++) {
        int y = b->first_year + (int)i;
        const struct ws_indicator *r = find(b, code, y, "all");
        struct ws_doc_point *pt = &bl->points[i];
        pt->label = xfmt("%d", y);
        set_point(pt, r, r ? r->rate_per_1000 : NAN, r ? r->rate_ci_low : NAN,
                  r ? r->rate_ci_high : NAN);
        pt->ref = ref_rate(gem ? find(b, gem, y, "all") : NULL);
    }
}

static void profile_chart(struct builder *b, struct ws_doc_section *s, const char *code,
                          const char *gem)
{
    struct ws_doc_block *bl;
    char *title;

    if (!b->n_cats)
        return;
    title = xfmt(RS(PROFILE_CHART), b->year);
    bl = add_block(s, WS_DOC_PROFILE, title);
    free(title);
    bl->axis = ws_xstrdup(RS(AXIS_RATE));
    bl->ref_name = gem ? ws_xstrdup(RS(LEGEND_REF)) : NULL;
    bl->points = ws_xcalloc(b->n_cats, sizeof(*bl->points));
    bl->n_points = b->n_cats;
    for (size_t i = 0; i < b->n_cats; i++) {
        const struct ws_indicator *r = find(b, code, b->year, b->cats[i]);
        struct ws_doc_point *pt = &bl->points[i];
        pt->label = ws_xstrdup(b->cats[i]);
        for (char *p = pt->label; *p; p++)
            if (*p == '_')
                *p = ' ';
        set_point(pt, r, r ? r->rate_per_1000 : NAN, r ? r->rate_ci_low : NAN,
                  r ? r->rate_ci_high : NAN);
        pt->ref = ref_rate(gem ? find(b, gem, b->year, b->cats[i]) : NULL);
    }
}

/* --- tables -------------------------------------------------------------- */

static void figure_row(struct builder *b, struct ws_doc_block *bl, const char *label,
                       const struct ws_indicator *r)
{
    char pop[40];
    char cases[40];
    char rate[96];
    char ratio[40];
    char oe[96];
    char trend[40];
    const char *cells[7];

    if (r && isfinite(r->population))
        num(b, r->population, 0, pop, sizeof(pop));
    else
        (void)snprintf(pop, sizeof(pop), "%s", RS(NODATA));
    fig(b, r, r ? r->cases : NAN, 0, cases, sizeof(cases));
    fig_ci(b, r, r ? r->rate_per_1000 : NAN, r ? r->rate_ci_low : NAN, r ? r->rate_ci_high : NAN, 1,
           rate, sizeof(rate));
    fig(b, r, r ? r->ratio_avg : NAN, 2, ratio, sizeof(ratio));
    fig_ci(b, r, r ? r->oe_ratio : NAN, r ? r->oe_ci_low : NAN, r ? r->oe_ci_high : NAN, 2, oe,
           sizeof(oe));
    fig_trend(b, r, trend, sizeof(trend));
    cells[0] = label;
    cells[1] = pop;
    cells[2] = cases;
    cells[3] = rate;
    cells[4] = ratio;
    cells[5] = oe;
    cells[6] = trend;
    table_row(bl, cells);
}

static struct ws_doc_block *figure_table(struct builder *b, struct ws_doc_section *s,
                                         const char *title)
{
    const char *head[7];
    struct ws_doc_block *bl = add_block(s, WS_DOC_TABLE, title);

    head[0] = RS(COL_AREA);
    head[1] = RS(COL_POP);
    head[2] = RS(COL_CASES);
    head[3] = RS(COL_RATE);
    head[4] = RS(COL_RATIO);
    head[5] = RS(COL_OE);
    head[6] = RS(COL_TREND);
    table_init(bl, 7);
    table_row(bl, head);
    return bl;
}

/* --- generated text ----------------------------------------------------- */

static void expected_sentence(const struct builder *b, const struct ws_indicator *r,
                              struct ws_strbuf *sb);
static void trend_sentence(const struct builder *b, const struct ws_indicator *r,
                           struct ws_strbuf *sb);

static char *figures_text(const struct builder *b, const char *name, const struct ws_indicator *r,
                          const struct ws_indicator *g)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    char pop[40];
    char cases[40];
    char rate[40];
    char lo[40];
    char hi[40];
    char grate[40];
    char ratio[40];

    if (!r || is_supp(r) || !isfinite(r->rate_per_1000)) {
        if (is_supp(r))
            ws_strbuf_addf(&sb, RS(TXT_SUPPRESSED), name, b->year);
        else
            ws_strbuf_addf(&sb, "%s: %s (%d).", name, RS(NODATA), b->year);
        return ws_strbuf_detach(&sb);
    }
    num(b, r->population, 0, pop, sizeof(pop));
    num(b, r->cases, 0, cases, sizeof(cases));
    num(b, r->rate_per_1000, 1, rate, sizeof(rate));
    num(b, r->rate_ci_low, 1, lo, sizeof(lo));
    num(b, r->rate_ci_high, 1, hi, sizeof(hi));
    fig(b, g, g ? g->rate_per_1000 : NAN, 1, grate, sizeof(grate));
    num(b, r->ratio_avg, 2, ratio, sizeof(ratio));
    if (r == g)
        ws_strbuf_addf(&sb, RS(TXT_FIGURES_GEM), b->year, name, pop, cases, rate, lo, hi);
    else
        ws_strbuf_addf(&sb, RS(TXT_FIGURES), b->year, name, pop, cases, rate, lo, hi, grate, ratio);
    expected_sentence(b, r, &sb);
    trend_sentence(b, r, &sb);
    return ws_strbuf_detach(&sb);
}

/* "Given the profile ... expected; O/E ...": nothing when there is no model. */
static void expected_sentence(const struct builder *b, const struct ws_indicator *r,
                              struct ws_strbuf *sb)
{
    if (isfinite(r->expected) && isfinite(r->oe_ratio)) {
        char e[40];
        char oe[40];
        char ol[40];
        char oh[40];
        num(b, r->expected, 0, e, sizeof(e));
        num(b, r->oe_ratio, 2, oe, sizeof(oe));
        num(b, r->oe_ci_low, 2, ol, sizeof(ol));
        num(b, r->oe_ci_high, 2, oh, sizeof(oh));
        ws_strbuf_addch(sb, ' ');
        ws_strbuf_addf(sb, RS(TXT_EXPECTED), b->in->profile ? b->in->profile : RS(TXT_NO_PROFILE),
                       e, oe, ol, oh);
        if (r->oe_ci_low > 1)
            ws_strbuf_adds(sb, RS(TXT_OE_HIGH));
        else if (r->oe_ci_high < 1)
            ws_strbuf_adds(sb, RS(TXT_OE_LOW));
        else
            ws_strbuf_adds(sb, RS(TXT_OE_SAME));
    }
}

/* The change on the year before, or that it is suppressed. */
static void trend_sentence(const struct builder *b, const struct ws_indicator *r,
                           struct ws_strbuf *sb)
{
    char pct[40];
    char p[40];

    if (!b->prev_year)
        return;
    ws_strbuf_addch(sb, ' ');
    if (!isfinite(r->trend_rr)) {
        ws_strbuf_addf(sb, RS(TXT_TREND_SUPP), b->prev_year);
        return;
    }
    num(b, fabs(r->trend_rr - 1) * 100, 0, pct, sizeof(pct));
    num(b, r->trend_p, 2, p, sizeof(p));
    if (!strcmp(pct, "0"))
        ws_strbuf_addf(sb, RS(TXT_TREND_FLAT), b->prev_year, p);
    else
        ws_strbuf_addf(sb, RS(TXT_TREND), b->prev_year,
                       r->trend_rr >= 1 ? RS(TXT_ROSE) : RS(TXT_FELL), pct,
                       r->trend_p < 0.05 ? RS(TXT_SIGNIF) : RS(TXT_CHANCE), p);
}

static bool significant(const struct ws_indicator *r)
{
    return r && !is_supp(r) && isfinite(r->trend_rr) && isfinite(r->trend_p) && r->trend_p < 0.05;
}

/* --- sections ----------------------------------------------------------- */

static const char *gemeente_code(const struct builder *b)
{
    return b->in->n_gemeenten ? b->in->gemeenten[0].code : NULL;
}

static void clusters_part(struct builder *b, struct ws_doc_section *s, const char *wijk)
{
    static const char *const types[4] = {"HH", "LL", "HL", "LH"};
    const enum ws_rstring names[4] = {WS_RS_CL_HH, WS_RS_CL_LL, WS_RS_CL_HL, WS_RS_CL_LH};
    struct ws_doc_block *bl;
    int unknown = 0;
    bool any = false;

    add_heading(s, 3, RS(CLUSTERS));
    bl = add_block(s, WS_DOC_LIST, NULL);
    for (int t = 0; t < 4; t++) {
        struct ws_strbuf who = WS_STRBUF_INIT;
        for (size_t i = 0; i < b->in->n_buurten; i++) {
            const struct ws_area *a = &b->in->buurten[i];
            const struct ws_indicator *r;
            if (!a->parent || strcmp(a->parent, wijk) != 0)
                continue;
            r = find(b, a->code, b->year, "all");
            if (t == 0 && (!r || is_supp(r) || !r->lisa_cluster[0]))
                unknown++;
            if (!r || is_supp(r) || strcmp(r->lisa_cluster, types[t]) != 0)
                continue;
            if (who.len)
                ws_strbuf_adds(&who, ", ");
            ws_strbuf_adds(&who, a->name);
        }
        if (who.len) {
            add_item(bl, xfmt(ws_rs(WS_RS_CL_LINE, b->en), ws_rs(names[t], b->en), who.buf));
            any = true;
        }
        ws_strbuf_release(&who);
    }
    if (!any)
        add_item(bl, xfmt(RS(CL_NONE), b->year));
    if (unknown)
        add_item(bl, xfmt(RS(CL_SUPP), unknown));
}

static bool is_wijk(const struct builder *b, const char *code)
{
    for (size_t i = 0; i < b->in->n_wijken; i++)
        if (!strcmp(b->in->wijken[i].code, code))
            return true;
    return false;
}

/* Catchments are service locations (not wijken or buurten): they cannot be
 * put under one wijk. */
static bool by_location(const struct builder *b)
{
    for (size_t i = 0; i < b->in->n_groups; i++) {
        const char *c = b->in->groups[i].catchment;
        if (!is_wijk(b, c) && !buurt_wijk(b, c))
            return true;
    }
    return false;
}

static void groups_part(struct builder *b, struct ws_doc_section *s, const struct ws_area *w)
{
    struct ws_doc_block *bl = NULL;

    if (!b->in->has_groups)
        return;
    add_heading(s, 3, RS(GROUPS));
    for (size_t i = 0; i < b->in->n_groups; i++) {
        const struct ws_offer_row *o = &b->in->groups[i];
        const char *wk = buurt_wijk(b, o->catchment);
        char years[32];
        char n_buurten[24];
        char cases[40];
        if (strcmp(o->catchment, w->code) != 0 && !(wk && !strcmp(wk, w->code)))
            continue;
        if (!bl)
            bl = add_block(s, WS_DOC_LIST, NULL);
        offer_years(o, years, sizeof(years));
        (void)snprintf(n_buurten, sizeof(n_buurten), "%zu", o->n_buurten);
        add_item(bl, xfmt(RS(GROUP_ITEM), o->category, years, n_buurten,
                          offer_cases(b, o, cases, sizeof(cases)), o->location ? o->location : "",
                          o->suggest ? RS(GROUP_SUGGESTED) : ""));
    }
    if (!bl)
        add_block(s, WS_DOC_PARA, by_location(b) ? RS(GROUPS_BY_LOCATION) : RS(NO_GROUPS));
}

/* All group offers in one table (the gemeente's overview of them). */
static void groups_section(struct builder *b)
{
    struct ws_doc_section *s;
    struct ws_doc_block *bl;
    const char *head[6];

    if (!b->in->has_groups)
        return;
    s = add_section(b, "groepsaanbod", RS(GROUPS_ALL));
    if (!b->in->n_groups) {
        add_block(s, WS_DOC_PARA, RS(NO_GROUPS_ALL));
        return;
    }
    bl = add_block(s, WS_DOC_TABLE, NULL);
    bl->left_cols = 0x7u;
    head[0] = RS(COL_CATEGORY);
    head[1] = RS(YEARS);
    head[2] = RS(COL_CATCHMENT);
    head[3] = RS(COL_N_BUURTEN);
    head[4] = RS(COL_CASES);
    head[5] = RS(COL_SUGGEST);
    table_init(bl, 6);
    table_row(bl, head);
    for (size_t i = 0; i < b->in->n_groups; i++) {
        const struct ws_offer_row *o = &b->in->groups[i];
        char years[32];
        char n_buurten[24];
        char cases[40];
        const char *cells[6];
        offer_years(o, years, sizeof(years));
        (void)snprintf(n_buurten, sizeof(n_buurten), "%zu", o->n_buurten);
        cells[0] = o->category;
        cells[1] = years;
        cells[2] = o->catchment_name && o->catchment_name[0] ? o->catchment_name : o->catchment;
        cells[3] = n_buurten;
        cells[4] = offer_cases(b, o, cases, sizeof(cases));
        cells[5] = o->suggest ? RS(YES) : RS(NO);
        table_row(bl, cells);
    }
    add_block(s, WS_DOC_NOTE, RS(GROUPS_NOTE));
}

/* The category with the highest published rate of an area, or NULL. */
static const char *top_category(const struct builder *b, const char *code)
{
    double best = -1;
    const char *best_cat = NULL;

    for (size_t i = 0; i < b->n_cats; i++) {
        const struct ws_indicator *c = find(b, code, b->year, b->cats[i]);
        if (c && !is_supp(c) && isfinite(c->rate_per_1000) && c->rate_per_1000 > best) {
            best = c->rate_per_1000;
            best_cat = b->cats[i];
        }
    }
    return best_cat;
}

static void prompts_part(struct builder *b, struct ws_doc_section *s, const struct ws_area *w,
                         const struct ws_indicator *r, int n_supp)
{
    struct ws_doc_block *bl;
    const char *best_cat = top_category(b, w->code);

    add_heading(s, 3, RS(RECOGNISE));
    bl = add_block(s, WS_DOC_LIST, NULL);
    bl->highlight = true;
    if (r && !is_supp(r) && isfinite(r->oe_ci_low) && r->oe_ci_low > 1)
        add_item(bl, xfmt(RS(Q_HIGH), w->name));
    else if (r && !is_supp(r) && isfinite(r->oe_ci_high) && r->oe_ci_high < 1)
        add_item(bl, xfmt(RS(Q_LOW), w->name));
    if (b->prev_year && significant(r))
        add_item(bl, xfmt(r->trend_rr > 1 ? RS(Q_RISE) : RS(Q_FALL), b->prev_year));
    if (best_cat) {
        char *label = ws_xstrdup(best_cat);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        add_item(bl, xfmt(RS(Q_TOPCAT), label));
        free(label);
    }
    for (size_t i = 0; i < b->in->n_buurten; i++) {
        const struct ws_area *a = &b->in->buurten[i];
        const struct ws_indicator *br;
        if (!a->parent || strcmp(a->parent, w->code) != 0)
            continue;
        br = find(b, a->code, b->year, "all");
        if (br && !is_supp(br) && !strcmp(br->lisa_cluster, "HH")) {
            add_item(bl, xfmt(RS(Q_CLUSTER), a->name));
            break;
        }
    }
    if (n_supp > 0)
        add_item(bl, xfmt(RS(Q_SUPP), n_supp));
    add_item(bl, xfmt(RS(Q_ALWAYS), w->name));
}

/* The wijk's analysis areas of more than one buurt ("Gebied X e.o."), as
 * rows of its figure table (an area of one buurt has that buurt's figures). */
static void gebied_rows(struct builder *b, struct ws_doc_block *bl, const struct ws_area *w)
{
    for (size_t i = 0; i < b->in->n_gebieden; i++) {
        const struct ws_area *a = &b->in->gebieden[i];
        const struct ws_indicator *r;
        char *label;
        if (!a->parent || strcmp(a->parent, w->code) != 0)
            continue;
        r = find(b, a->code, b->year, "all");
        if (r && r->buurten && !strchr(r->buurten, ' '))
            continue;
        label = xfmt(RS(ROW_GEBIED), a->name ? a->name : a->code);
        figure_row(b, bl, label, r);
        free(label);
    }
}

static void wijk_section(struct builder *b, const struct ws_area *w)
{
    const char *gem = gemeente_code(b);
    const struct ws_indicator *r = find(b, w->code, b->year, "all");
    const struct ws_indicator *g = gem ? find(b, gem, b->year, "all") : NULL;
    char *title = xfmt("%s (%s)", w->name, w->code);
    struct ws_doc_section *s = add_section(b, w->code, title);
    struct ws_doc_block *bl;
    char *t;
    int n_buurten = 0;
    int n_supp = 0;

    s->is_wijk = true;
    free(title);
    if (b->in->wijk_map != SIZE_MAX) {
        bool gebied = b->in->maps && b->in->maps[b->in->wijk_map].level == WS_LEVEL_GEBIED;
        bl = add_block(s, WS_DOC_MAP, gebied ? RS(MAP_OF_WIJK_GEBIED) : RS(MAP_OF_WIJK));
        bl->map_index = b->in->wijk_map;
        bl->wijk = ws_xstrdup(w->code);
    }
    add_heading(s, 3, RS(WHAT_FIGURES_SAY));
    t = figures_text(b, w->name, r, g);
    add_block(s, WS_DOC_PARA, t);
    free(t);
    for (size_t i = 0; i < b->in->n_buurten; i++) {
        const struct ws_area *a = &b->in->buurten[i];
        if (!a->parent || strcmp(a->parent, w->code) != 0)
            continue;
        n_buurten++;
        if (is_supp(find(b, a->code, b->year, "all")))
            n_supp++;
    }
    if (n_supp) {
        t = xfmt(RS(TXT_BUURTEN_SUPP), n_supp, n_buurten, b->year);
        add_block(s, WS_DOC_PARA, t);
        free(t);
    }
    add_block(s, WS_DOC_NOTE, RS(CAVEAT));
    if (b->in->synthetic)
        add_block(s, WS_DOC_NOTE, RS(SYNTHETIC_NOTICE));

    t = xfmt(RS(TABLE_OF_WIJK), b->year);
    bl = figure_table(b, s, t);
    free(t);
    if (gem)
        figure_row(b, bl, area_name(b, gem), g);
    figure_row(b, bl, w->name, r);
    gebied_rows(b, bl, w);
    for (size_t i = 0; i < b->in->n_buurten; i++) {
        const struct ws_area *a = &b->in->buurten[i];
        if (a->parent && !strcmp(a->parent, w->code))
            figure_row(b, bl, a->name, find(b, a->code, b->year, "all"));
    }
    add_block(s, WS_DOC_NOTE, RS(SIGNIF_NOTE));
    trend_chart(b, s, w->code, gem);
    profile_chart(b, s, w->code, gem);
    clusters_part(b, s, w->code);
    groups_part(b, s, w);
    prompts_part(b, s, w, r, n_supp);
}

/* One entry of a priority list. */
struct prio {
    long rank;
    const char *code;
    unsigned reasons;  /* WS_REASON_* flags */
    bool with_reasons; /* from the priority list (else from priority_rank) */
};

static int prio_cmp(const void *pa, const void *pb)
{
    const struct prio *a = pa;
    const struct prio *b = pb;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static void prio_push(struct prio **v, size_t *n, size_t *cap, long rank, const char *code,
                      unsigned reasons, bool with_reasons)
{
    WS_VEC_GROW(*v, *n + 1, *cap);
    (*v)[*n].rank = rank;
    (*v)[*n].code = code;
    (*v)[*n].reasons = reasons;
    (*v)[*n].with_reasons = with_reasons;
    (*n)++;
}

/* The priority list of one year in rank order (owned array, *n entries):
 * from the priority list's rows when the store has them, else from the
 * published priority_rank of buurten (category all). */
static struct prio *priority_list(const struct builder *b, int year, size_t *n)
{
    const struct ws_indicator_set *s = b->in->published;
    struct prio *v = NULL;
    size_t cap = 0;

    *n = 0;
    for (size_t i = 0; b->in->has_priorities && i < b->in->n_priorities; i++) {
        const struct ws_priority_row *r = &b->in->priorities[i];
        if (r->year == year && r->rank > 0 && r->code)
            prio_push(&v, n, &cap, r->rank, r->code, r->reasons, true);
    }
    for (size_t i = 0; !b->in->has_priorities && i < s->n; i++) {
        const struct ws_indicator *r = &s->rows[i];
        if (r->level == WS_LEVEL_BUURT && r->year == year && r->period == 1 &&
            !strcmp(r->category, "all") && r->priority_rank > 0 && !is_supp(r))
            prio_push(&v, n, &cap, r->priority_rank, r->code, 0, false);
    }
    if (*n > 1)
        qsort(v, *n, sizeof(*v), prio_cmp);
    return v;
}

static void priorities_section(struct builder *b)
{
    struct ws_doc_section *s = add_section(b, "prioriteiten", RS(PRIORITIES));
    size_t n = 0;
    struct prio *v = priority_list(b, b->year, &n);
    struct ws_doc_block *bl;
    const char *head[4];

    if (!n) {
        add_block(s, WS_DOC_PARA, RS(NO_PRIORITIES));
        free(v);
        return;
    }
    {
        char *cap = xfmt("%s %d", RS(PRIORITIES), b->year);
        bl = add_block(s, WS_DOC_TABLE, cap);
        free(cap);
    }
    bl->left_cols = 0xfu;
    head[0] = RS(COL_RANK);
    head[1] = RS(COL_BUURT);
    head[2] = RS(COL_WIJK);
    head[3] = RS(COL_REASONS);
    table_init(bl, v[0].with_reasons ? 4 : 3);
    table_row(bl, head);
    for (size_t i = 0; i < n; i++) {
        char rank[24];
        const char *wk = buurt_wijk(b, v[i].code);
        char *why = v[i].with_reasons ? reasons_words(b, v[i].reasons) : NULL;
        const char *cells[4];
        (void)snprintf(rank, sizeof(rank), "%ld", v[i].rank);
        cells[0] = rank;
        cells[1] = area_name(b, v[i].code);
        cells[2] = wk ? area_name(b, wk) : "";
        cells[3] = why;
        table_row(bl, cells);
        free(why);
    }
    add_block(s, WS_DOC_NOTE, RS(CAVEAT));
    free(v);
}

static bool in_list(const struct prio *v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].code, code))
            return true;
    return false;
}

/* A significant change, for sorting (largest rise first). */
struct change {
    double rr;
    const struct ws_indicator *row;
};

static int change_cmp(const void *pa, const void *pb)
{
    const struct change *a = pa;
    const struct change *b = pb;
    return (a->rr < b->rr) - (a->rr > b->rr);
}

static char *trend_item(const struct builder *b, const struct ws_indicator *r)
{
    char pct[40];
    char p[40];
    char sign[48];

    num(b, (r->trend_rr - 1) * 100, 0, pct, sizeof(pct));
    num(b, r->trend_p, 3, p, sizeof(p));
    (void)snprintf(sign, sizeof(sign), "%s%s", r->trend_rr >= 1 ? "+" : "", pct);
    return xfmt(RS(RV_ITEM), r->name ? r->name : r->code,
                r->level == WS_LEVEL_WIJK ? RS(RV_WIJK) : area_name(b, r->parent ? r->parent : ""),
                sign, p);
}

static void review_table(struct builder *b, struct ws_doc_section *s)
{
    char *t = xfmt(RS(RV_TABLE), b->year, b->prev_year);
    struct ws_doc_block *bl = add_block(s, WS_DOC_TABLE, t);
    char h1[24];
    char h2[24];
    const char *head[5];

    free(t);
    (void)snprintf(h1, sizeof(h1), "%d", b->prev_year);
    (void)snprintf(h2, sizeof(h2), "%d", b->year);
    head[0] = RS(COL_WIJK);
    head[1] = h1;
    head[2] = h2;
    head[3] = RS(COL_CHANGE);
    head[4] = RS(COL_SIGNIF);
    table_init(bl, 5);
    table_row(bl, head);
    for (size_t i = 0; i < b->in->n_wijken; i++) {
        const struct ws_area *w = &b->in->wijken[i];
        const struct ws_indicator *r0 = find(b, w->code, b->prev_year, "all");
        const struct ws_indicator *r1 = find(b, w->code, b->year, "all");
        char a[40];
        char c[40];
        char d[40];
        const char *cells[5];
        fig(b, r0, r0 ? r0->rate_per_1000 : NAN, 1, a, sizeof(a));
        fig(b, r1, r1 ? r1->rate_per_1000 : NAN, 1, c, sizeof(c));
        fig_trend(b, r1, d, sizeof(d));
        cells[0] = w->name;
        cells[1] = a;
        cells[2] = c;
        cells[3] = d;
        cells[4] = significant(r1) ? RS(YES) : (is_supp(r1) ? RS(SUPPRESSED) : RS(NO));
        table_row(bl, cells);
    }
    add_block(s, WS_DOC_NOTE, RS(SIGNIF_NOTE));
}

/* One list of at most 8 changes: rises from the front of v, falls from the back. */
static void change_list(struct builder *b, struct ws_doc_section *s, const struct change *v,
                        size_t n, bool rises)
{
    struct ws_doc_block *bl;

    add_heading(s, 3, rises ? RS(RV_RISES) : RS(RV_FALLS));
    bl = add_block(s, WS_DOC_LIST, NULL);
    for (size_t i = 0; i < n && bl->n_items < 8; i++) {
        const struct change *c = rises ? &v[i] : &v[n - 1 - i];
        if (rises ? c->rr > 1 : c->rr < 1)
            add_item(bl, trend_item(b, c->row));
    }
    if (!bl->n_items)
        add_item(bl, ws_xstrdup(RS(RV_NONE)));
}

static void review_changes(struct builder *b, struct ws_doc_section *s)
{
    const struct ws_indicator_set *set = b->in->published;
    struct change *v = NULL;
    size_t n = 0;
    size_t cap = 0;

    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        // (an area's change is its buurten's: buurten and wijken are listed)
        if (r->year != b->year || r->period != 1 || r->level == WS_LEVEL_GEMEENTE ||
            r->level == WS_LEVEL_GEBIED || strcmp(r->category, "all") != 0 || !significant(r))
            continue;
        WS_VEC_GROW(v, n + 1, cap);
        v[n].rr = r->trend_rr;
        v[n].row = r;
        n++;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), change_cmp);
    change_list(b, s, v, n, true);
    change_list(b, s, v, n, false);
    free(v);
}

/* Names of the entries of `a` that are not in `b`, ", "-separated. */
static void not_in(const struct builder *bd, const struct prio *a, size_t na, const struct prio *b,
                   size_t nb, struct ws_strbuf *out)
{
    for (size_t i = 0; i < na; i++) {
        if (in_list(b, nb, a[i].code))
            continue;
        if (out->len)
            ws_strbuf_adds(out, ", ");
        ws_strbuf_adds(out, area_name(bd, a[i].code));
    }
}

static void review_priorities(struct builder *b, struct ws_doc_section *s)
{
    char *t = xfmt(RS(RV_PRIO), b->year, b->prev_year);
    size_t n0 = 0;
    size_t n1 = 0;
    struct prio *p0 = priority_list(b, b->prev_year, &n0);
    struct prio *p1 = priority_list(b, b->year, &n1);
    struct ws_strbuf added = WS_STRBUF_INIT;
    struct ws_strbuf gone = WS_STRBUF_INIT;
    struct ws_doc_block *bl;

    add_heading(s, 3, t);
    free(t);
    bl = add_block(s, WS_DOC_LIST, NULL);
    if (!n0 || !n1) {
        add_item(bl, ws_xstrdup(RS(RV_PRIO_NONE)));
    } else {
        not_in(b, p1, n1, p0, n0, &added);
        not_in(b, p0, n0, p1, n1, &gone);
        if (added.len)
            add_item(bl, xfmt(RS(RV_PRIO_NEW), added.buf));
        if (gone.len)
            add_item(bl, xfmt(RS(RV_PRIO_GONE), gone.buf));
        if (!added.len && !gone.len)
            add_item(bl, ws_xstrdup(RS(RV_PRIO_SAME)));
    }
    ws_strbuf_release(&added);
    ws_strbuf_release(&gone);
    free(p0);
    free(p1);
}

static void review_section(struct builder *b)
{
    struct ws_doc_section *s = add_section(b, "review", RS(REVIEW));
    const char *gem = gemeente_code(b);

    if (!b->prev_year) {
        add_block(s, WS_DOC_PARA, RS(RV_ONE_YEAR));
        return;
    }
    if (gem) {
        const struct ws_indicator *g = find(b, gem, b->year, "all");
        char *ft = figures_text(b, area_name(b, gem), g, g);
        add_block(s, WS_DOC_PARA, ft);
        free(ft);
    }
    review_table(b, s);
    review_changes(b, s);
    review_priorities(b, s);
    add_block(s, WS_DOC_NOTE, RS(CAVEAT));
}

/* The gemeente's key figures as key-value pairs. */
static void key_figures(struct builder *b, struct ws_doc_section *s, const struct ws_indicator *g)
{
    struct ws_doc_block *bl;
    char buf[128];
    char *t;
    int n_supp = 0;

    t = xfmt(RS(KEY_FIGURES), b->year);
    add_heading(s, 2, t);
    free(t);
    bl = add_block(s, WS_DOC_KEYVALS, NULL);
    if (g && isfinite(g->population))
        num(b, g->population, 0, buf, sizeof(buf));
    else
        (void)snprintf(buf, sizeof(buf), "%s", RS(NODATA));
    add_kv(bl, RS(KV_POP), buf);
    fig(b, g, g ? g->cases : NAN, 0, buf, sizeof(buf));
    add_kv(bl, RS(KV_CASES), buf);
    fig_ci(b, g, g ? g->rate_per_1000 : NAN, g ? g->rate_ci_low : NAN, g ? g->rate_ci_high : NAN, 1,
           buf, sizeof(buf));
    add_kv(bl, RS(KV_RATE), buf);
    if (b->prev_year) {
        t = xfmt(RS(KV_TREND), b->prev_year);
        fig_trend(b, g, buf, sizeof(buf));
        add_kv(bl, t, buf);
        free(t);
    }
    (void)snprintf(buf, sizeof(buf), "%zu / %zu / %zu", b->in->n_wijken, b->in->n_gebieden,
                   b->in->n_buurten);
    add_kv(bl, RS(KV_AREAS), buf);
    for (size_t i = 0; i < b->in->n_buurten; i++)
        if (is_supp(find(b, b->in->buurten[i].code, b->year, "all")))
            n_supp++;
    t = xfmt(RS(KV_SUPPRESSED), b->year);
    (void)snprintf(buf, sizeof(buf), "%d", n_supp);
    add_kv(bl, t, buf);
    free(t);
    if (b->in->n_gebieden) {
        n_supp = 0;
        for (size_t i = 0; i < b->in->n_gebieden; i++)
            if (is_supp(find(b, b->in->gebieden[i].code, b->year, "all")))
                n_supp++;
        t = xfmt(RS(KV_GEBIED_SUPPRESSED), b->year);
        (void)snprintf(buf, sizeof(buf), "%d", n_supp);
        add_kv(bl, t, buf);
        free(t);
    }
}

static void overview_section(struct builder *b)
{
    struct ws_doc_section *s = add_section(b, "overzicht", RS(OVERVIEW));
    const char *gem = gemeente_code(b);
    const struct ws_indicator *g = gem ? find(b, gem, b->year, "all") : NULL;
    struct ws_doc_block *bl;
    char *t;

    key_figures(b, s, g);
    t = figures_text(b, gem ? area_name(b, gem) : "", g, g);
    add_block(s, WS_DOC_PARA, t);
    free(t);
    add_block(s, WS_DOC_NOTE, RS(CAVEAT));
    if (b->in->synthetic)
        add_block(s, WS_DOC_NOTE, RS(SYNTHETIC_NOTICE));
    t = xfmt(RS(TABLE_OF_WIJK), b->year);
    bl = figure_table(b, s, t);
    free(t);
    if (gem)
        figure_row(b, bl, area_name(b, gem), g);
    for (size_t i = 0; i < b->in->n_wijken; i++)
        figure_row(b, bl, b->in->wijken[i].name, find(b, b->in->wijken[i].code, b->year, "all"));
    add_block(s, WS_DOC_NOTE, RS(SIGNIF_NOTE));
    if (gem) {
        trend_chart(b, s, gem, NULL);
        profile_chart(b, s, gem, NULL);
    }
    if (b->in->n_maps) {
        add_heading(s, 2, RS(MAPS));
        for (size_t i = 0; i < b->in->n_maps; i++) {
            const struct ws_mapdef *md = &b->in->maps[i];
            const char *mt = b->en && md->title_en ? md->title_en : md->title;
            bl = add_block(s, WS_DOC_MAP, mt ? mt : md->name);
            bl->map_index = i;
        }
    }
}

/* One manifest item as a key-value pair of the provenance list. */
static void manifest_kv(struct ws_doc_block *bl, const struct ws_manifest_item *it)
{
    const char *v = it->value ? it->value : "";
    char *k = NULL;
    char *val = NULL;

    switch (it->kind) {
    case WS_MANIFEST_TOOL:
    case WS_MANIFEST_LIBRARY:
        break;
    case WS_MANIFEST_RUN:
        if (!strcmp(it->key, "started_utc"))
            k = ws_xstrdup("run started (UTC)");
        break;
    case WS_MANIFEST_INPUT:
        k = xfmt("input %s", it->key);
        val = xfmt("%s (SHA-256 %s)", v, it->sha256 ? it->sha256 : "-");
        break;
    case WS_MANIFEST_SETTING:
        k = xfmt("setting %s", it->key);
        break;
    case WS_MANIFEST_WARNING:
        k = xfmt("warning (%s)", it->key);
        break;
    }
    add_kv(bl, k ? k : it->key, val ? val : v);
    free(k);
    free(val);
}

static void about_section(struct builder *b)
{
    struct ws_doc_section *s = add_section(b, "verantwoording", RS(ABOUT));
    struct ws_doc_block *bl;

    add_block(s, WS_DOC_PARA, RS(METHOD));
    if (b->in->min_count > 0 && b->in->round_to > 0) {
        char *t = xfmt(RS(PRIVACY_NOTICE), b->in->min_count, b->in->round_to);
        add_block(s, WS_DOC_PARA, t);
        free(t);
    }
    if (b->in->n_gebieden && b->in->min_count > 0) {
        char *t = xfmt(RS(GEBIED_NOTICE), b->in->min_count);
        add_block(s, WS_DOC_PARA, t);
        free(t);
    }
    add_block(s, WS_DOC_NOTE, RS(CAVEAT));
    if (b->in->synthetic)
        add_block(s, WS_DOC_NOTE, RS(SYNTHETIC_NOTICE));
    if (b->in->source_note) {
        char *t = xfmt("%s: %s", RS(SOURCE), b->in->source_note);
        add_block(s, WS_DOC_PARA, t);
        free(t);
    }
    if (!b->in->has_manifest)
        return;
    add_heading(s, 2, RS(MANIFEST));
    bl = add_block(s, WS_DOC_KEYVALS, NULL);
    for (size_t i = 0; i < b->in->n_manifest; i++)
        manifest_kv(bl, &b->in->manifest[i]);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remembers the pooled period of row r. */
static void add_period(struct builder *b, const struct ws_indicator *r)
{
    size_t k = 0;

    b->period = r->period;
    while (k < b->n_periods && b->period_last[k] < r->year)
        k++;
    if ((k < b->n_periods && b->period_last[k] == r->year) ||
        b->n_periods == sizeof(b->period_last) / sizeof(b->period_last[0]))
        return;
    memmove(b->period_last + k + 1, b->period_last + k,
            (b->n_periods - k) * sizeof(b->period_last[0]));
    b->period_last[k] = r->year;
    b->n_periods++;
}

/* "2021–2024", and the pooled periods when there are any. */
static char *years_text(const struct builder *b)
{
    struct ws_strbuf list = WS_STRBUF_INIT;
    char *years =
        b->first_year == b->year ? xfmt("%d", b->year) : xfmt("%d–%d", b->first_year, b->year);
    char *out;

    if (b->n_periods == 0)
        return years;
    for (size_t k = 0; k < b->n_periods; k++)
        ws_strbuf_addf(&list, "%s%d–%d", k ? ", " : "", b->period_last[k] - b->period + 1,
                       b->period_last[k]);
    out = xfmt(RS(PERIODS), years, b->period, list.buf);
    free(years);
    ws_strbuf_release(&list);
    return out;
}

/* Years and categories of the published rows. */
static void scan_rows(struct builder *b)
{
    const struct ws_indicator_set *set = b->in->published;

    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        bool seen = !strcmp(r->category, "all");
        if (r->period > 1) {
            add_period(b, r);
            continue;
        }
        if (r->year > b->year)
            b->year = r->year;
        if (!b->first_year || r->year < b->first_year)
            b->first_year = r->year;
        for (size_t j = 0; j < b->n_cats && !seen; j++)
            seen = !strcmp(b->cats[j], r->category);
        if (!seen) {
            b->cats = ws_xrealloc(b->cats, (b->n_cats + 1) * sizeof(*b->cats));
            b->cats[b->n_cats++] = r->category;
        }
    }
    if (b->n_cats > 1)
        qsort(b->cats, b->n_cats, sizeof(*b->cats), cmp_str);
    b->prev_year = b->year > b->first_year ? b->year - 1 : 0;
}

/* The cover's facts. */
static void doc_header(struct builder *b)
{
    const struct ws_report_inputs *in = b->in;
    struct ws_doc *doc = b->doc;
    struct ws_strbuf gem = WS_STRBUF_INIT;
    char date[32];

    doc->en = b->en;
    doc->title = ws_xstrdup(in->title ? in->title : RS(REPORT));
    for (size_t i = 0; i < in->n_gemeenten; i++) {
        const struct ws_area *g = &in->gemeenten[i];
        if (gem.len)
            ws_strbuf_adds(&gem, ", ");
        ws_strbuf_adds(&gem, g->name ? g->name : g->code);
    }
    doc->gemeente = ws_strbuf_detach(&gem);
    if (in->n_gemeenten) {
        const struct ws_area *g = &in->gemeenten[0];
        if (g->name && strcmp(g->name, g->code) != 0)
            b->gem_label = ws_xstrdup(g->name);
        else
            b->gem_label = xfmt("%s %s", RS(GEMEENTE), g->code);
    }
    doc->years = years_text(b);
    doc->source = in->source_note ? ws_xstrdup(in->source_note) : NULL;
    if (in->date)
        (void)snprintf(date, sizeof(date), "%s", in->date);
    else
        ws_choropleth_date(date, sizeof(date));
    doc->date = ws_xstrdup(date);
    doc->synthetic = in->synthetic;
}

int ws_report_build(const struct ws_report_inputs *in, struct ws_doc *doc, struct ws_err *err)
{
    struct builder bb;
    struct builder *b = &bb;

    memset(&bb, 0, sizeof(bb));
    b->in = in;
    b->doc = doc;
    b->en = in->language && !strcmp(in->language, "en");
    if (!in->published || !in->published->n)
        return ws_err_set(err, WS_ENOINPUT, "no published indicator rows to report");
    scan_rows(b);
    doc_header(b);

    overview_section(b);
    priorities_section(b);
    groups_section(b);
    review_section(b);
    for (size_t i = 0; i < in->n_wijken; i++)
        wijk_section(b, &in->wijken[i]);
    about_section(b);

    free(b->cats);
    free(b->gem_label);
    return WS_OK;
}

void ws_doc_release(struct ws_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_sections; i++) {
        struct ws_doc_section *s = &doc->sections[i];
        for (size_t j = 0; j < s->n_blocks; j++) {
            struct ws_doc_block *bl = &s->blocks[j];
            free(bl->text);
            for (size_t k = 0; k < bl->n_items; k++)
                free(bl->items[k]);
            free(bl->items);
            for (size_t k = 0; k < bl->n_rows * bl->n_cols; k++)
                free(bl->cells[k]);
            free(bl->cells);
            for (size_t k = 0; k < bl->n_points; k++)
                free(bl->points[k].label);
            free(bl->points);
            free(bl->axis);
            free(bl->ref_name);
            free(bl->wijk);
        }
        free(s->blocks);
        free(s->id);
        free(s->title);
    }
    free(doc->sections);
    free(doc->title);
    free(doc->gemeente);
    free(doc->years);
    free(doc->source);
    free(doc->date);
    free(doc->map_names);
    memset(doc, 0, sizeof(*doc));
}
