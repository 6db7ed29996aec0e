/*
 * qml.c - QGIS styles of the study's maps, for the published GeoPackage's
 * layer_styles table (see render.h).
 *
 * Each style is the map model of one definition (ws_choropleth_build: the
 * same classes, colours and legend labels as the map files) written as a
 * QGIS rule-based renderer.  The published layers hold every year and
 * category, so one parent rule selects the map's year and category, and
 * its children are, in order: suppressed rows (hatched, "geheim"), one rule
 * per class with the class rule of ws_class_of() (the first class closed
 * below, every class closed above), and ELSE: no data (dotted).  Breaks are
 * written with 17 significant digits, so QGIS puts every area in the class
 * the map gave it.  Rows of other years and categories match no rule and are
 * not drawn: the layer opens as the map, not as 32 stacked polygons.
 */
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/render/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The map's colours for suppressed and no-data areas (as choropleth.c). */
static const struct ws_rgba supp_bg = {0.95, 0.95, 0.95, 1};
static const struct ws_rgba supp_fg = {0.50, 0.50, 0.50, 1};
static const struct ws_rgba nodata_bg = {1, 1, 1, 1};
static const struct ws_rgba notsig_bg = {0.84, 0.84, 0.84, 1}; /* as choropleth.c */
static const struct ws_rgba nodata_fg = {0.58, 0.58, 0.58, 1};

/* Cluster codes in the legend order of a categorical map (choropleth.c). */
static const char *const cluster_codes[] = {"HH", "LL", "HL", "LH", "ns", "isolated"};

static int channel(double v)
{
    return (int)lround(fmax(0.0, fmin(1.0, v)) * 255.0);
}

static void add_colour(struct ws_strbuf *sb, const struct ws_rgba *c)
{
    ws_strbuf_addf(sb, "%d,%d,%d,%d", channel(c->r), channel(c->g), channel(c->b), channel(c->a));
}

/* One SimpleFill symbol layer: brush `style` in colour c, with or without
 * the white outline of the map's area borders. */
static void fill_layer(struct ws_strbuf *sb, const struct ws_rgba *c, const char *style,
                       bool outline)
{
    ws_strbuf_adds(sb,
                   "        <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n"
                   "          <prop k=\"color\" v=\"");
    add_colour(sb, c);
    ws_strbuf_addf(sb,
                   "\"/>\n"
                   "          <prop k=\"style\" v=\"%s\"/>\n"
                   "          <prop k=\"outline_color\" v=\"255,255,255,255\"/>\n"
                   "          <prop k=\"outline_style\" v=\"%s\"/>\n"
                   "          <prop k=\"outline_width\" v=\"0.2\"/>\n"
                   "          <prop k=\"outline_width_unit\" v=\"MM\"/>\n"
                   "          <prop k=\"joinstyle\" v=\"bevel\"/>\n"
                   "        </layer>\n",
                   style, outline ? "solid" : "no");
}

static void symbol_open(struct ws_strbuf *sb, size_t name)
{
    ws_strbuf_addf(sb,
                   "      <symbol type=\"fill\" name=\"%zu\" alpha=\"1\" clip_to_extent=\"1\" "
                   "force_rhr=\"0\">\n",
                   name);
}

static void symbol_close(struct ws_strbuf *sb)
{
    ws_strbuf_adds(sb, "      </symbol>\n");
}

/* The filter of class k of a numeric map (ws_class_of's rule). */
static void class_filter(struct ws_strbuf *sb, const struct ws_choropleth *m, size_t k)
{
    double lo = m->breaks[k];
    double hi = m->breaks[k + 1];
    bool first = true;

    ws_strbuf_adds(sb, "&quot;suppressed&quot; = 0");
    if (isfinite(lo)) {
        ws_strbuf_adds(sb, " AND &quot;");
        ws_strbuf_add_xml(sb, m->indicator, true);
        ws_strbuf_addf(sb, "&quot; %s %.17g", k == 0 ? "&gt;=" : "&gt;", lo);
        first = false;
    }
    if (isfinite(hi)) {
        ws_strbuf_adds(sb, " AND &quot;");
        ws_strbuf_add_xml(sb, m->indicator, true);
        ws_strbuf_addf(sb, "&quot; &lt;= %.17g", hi);
        first = false;
    }
    if (first) {
        ws_strbuf_adds(sb, " AND &quot;");
        ws_strbuf_add_xml(sb, m->indicator, true);
        ws_strbuf_adds(sb, "&quot; IS NOT NULL");
    }
}

static void rule(struct ws_strbuf *sb, size_t key, const char *filter, size_t symbol,
                 const char *label)
{
    ws_strbuf_addf(sb, "        <rule key=\"r%zu\" filter=\"%s\" symbol=\"%zu\" label=\"", key,
                   filter, symbol);
    ws_strbuf_add_xml(sb, label, true);
    ws_strbuf_adds(sb, "\"/>\n");
}

/* The legend label of kind `kind` (the map's own words), or `fallback`. */
static const char *legend_label(const struct ws_choropleth *m, enum ws_legend_kind kind, size_t nth,
                                const char *fallback)
{
    size_t seen = 0;

    for (size_t i = 0; i < m->n_legend; i++) {
        if (m->legend[i].kind != kind)
            continue;
        if (seen++ == nth)
            return m->legend[i].label;
    }
    return fallback;
}

/* The definition's "significant" as a QGIS expression (empty without one). */
static void sig_expr(struct ws_strbuf *sb, const struct ws_choropleth *m)
{
    if (m->sig_p) {
        ws_strbuf_adds(sb, "&quot;");
        ws_strbuf_add_xml(sb, m->sig_p, true);
        ws_strbuf_addf(sb, "&quot; &lt; %.17g", m->alpha);
    } else if (m->sig_low) {
        ws_strbuf_adds(sb, "(&quot;");
        ws_strbuf_add_xml(sb, m->sig_low, true);
        ws_strbuf_addf(sb, "&quot; &gt; %.17g OR &quot;", m->center);
        ws_strbuf_add_xml(sb, m->sig_high, true);
        ws_strbuf_addf(sb, "&quot; &lt; %.17g)", m->center);
    }
}

/* The rules of the classes (and of "not significant"). */
static void class_rules(struct ws_strbuf *sb, const struct ws_choropleth *m, size_t n_cls,
                        size_t *key)
{
    struct ws_strbuf f = WS_STRBUF_INIT;
    bool sig = !m->categorical && (m->sig_p || m->sig_low);

    for (size_t k = 0; k < n_cls; k++) {
        ws_strbuf_reset(&f);
        if (m->categorical) {
            ws_strbuf_addf(&f, "&quot;suppressed&quot; = 0 AND &quot;lisa_cluster&quot; = '%s'",
                           cluster_codes[k]);
            rule(sb, (*key)++, f.buf, k + 1, legend_label(m, WS_LEGEND_CLASS, k, cluster_codes[k]));
            continue;
        }
        class_filter(&f, m, k);
        if (sig) {
            ws_strbuf_adds(&f, " AND ");
            sig_expr(&f, m);
        }
        rule(sb, (*key)++, f.buf, k + 1, legend_label(m, WS_LEGEND_CLASS, k, ""));
    }
    if (sig) {
        // a value, not significant: the map's neutral fill
        ws_strbuf_reset(&f);
        ws_strbuf_adds(&f, "&quot;suppressed&quot; = 0 AND &quot;");
        ws_strbuf_add_xml(&f, m->indicator, true);
        ws_strbuf_adds(&f, "&quot; IS NOT NULL AND NOT coalesce(");
        sig_expr(&f, m);
        ws_strbuf_adds(&f, ", false)");
        rule(sb, (*key)++, f.buf, n_cls + 2,
             legend_label(m, WS_LEGEND_NOTSIG, 0, m->en ? "not significant" : "niet significant"));
    }
    ws_strbuf_release(&f);
}

/* The symbols of the classes: as on the map. */
static void class_symbols(struct ws_strbuf *sb, const struct ws_choropleth *m, size_t n_cls)
{
    for (size_t k = 0; k < n_cls; k++) {
        symbol_open(sb, k + 1);
        if (m->categorical) {
            // the map's cluster colours are its legend colours, in order
            const struct ws_legend_entry *e = NULL;
            size_t seen = 0;
            for (size_t i = 0; i < m->n_legend && !e; i++)
                if (m->legend[i].kind == WS_LEGEND_CLASS && seen++ == k)
                    e = &m->legend[i];
            fill_layer(sb, e ? &e->colour : &nodata_bg, "solid", true);
        } else {
            fill_layer(sb, &m->colours[k], "solid", true);
        }
        symbol_close(sb);
    }
}

char *ws_render_qml(const struct ws_choropleth *m)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    size_t n_cls = m->categorical ? sizeof(cluster_codes) / sizeof(cluster_codes[0]) : m->n_classes;
    const char *category = m->n_panels ? m->panels[0].category : "all";
    size_t key = 1;

    ws_strbuf_adds(&sb, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                        "<qgis version=\"3.22.0\" styleCategories=\"Symbology\">\n"
                        "  <renderer-v2 type=\"RuleRenderer\" forceraster=\"0\" "
                        "symbollevels=\"0\" enableorderby=\"0\">\n"
                        "    <rules key=\"r0\">\n");
    ws_strbuf_addf(&sb,
                   "      <rule key=\"r%zu\" filter=\"&quot;year&quot; = %d AND "
                   "&quot;category&quot; = '",
                   key++, m->year);
    ws_strbuf_add_xml(&sb, category, true);
    ws_strbuf_adds(&sb, "'\" label=\"");
    ws_strbuf_add_xml(&sb, m->title, true);
    ws_strbuf_adds(&sb, "\">\n");
    rule(&sb, key++, "&quot;suppressed&quot; = 1", 0,
         legend_label(m, WS_LEGEND_SUPPRESSED, 0, m->en ? "suppressed" : "geheim"));
    class_rules(&sb, m, n_cls, &key);
    rule(&sb, key++, "ELSE", n_cls + 1,
         legend_label(m, WS_LEGEND_NODATA, 0, m->en ? "no data" : "geen data"));
    ws_strbuf_adds(&sb, "      </rule>\n    </rules>\n    <symbols>\n");
    // 0: suppressed, hatched as on the map
    symbol_open(&sb, 0);
    fill_layer(&sb, &supp_bg, "solid", true);
    fill_layer(&sb, &supp_fg, "b_diagonal", false);
    symbol_close(&sb);
    class_symbols(&sb, m, n_cls);
    // then: no data, dotted; not significant, flat grey
    symbol_open(&sb, n_cls + 1);
    fill_layer(&sb, &nodata_bg, "solid", true);
    fill_layer(&sb, &nodata_fg, "dense6", false);
    symbol_close(&sb);
    if (!m->categorical && (m->sig_p || m->sig_low)) {
        symbol_open(&sb, n_cls + 2);
        fill_layer(&sb, &notsig_bg, "solid", true);
        symbol_close(&sb);
    }
    ws_strbuf_adds(&sb, "    </symbols>\n  </renderer-v2>\n</qgis>\n");
    return ws_strbuf_detach(&sb);
}

void ws_layer_styles_release(struct ws_layer_styles *s)
{
    for (size_t i = 0; s && i < s->n; i++) {
        free(s->v[i].layer);
        free(s->v[i].name);
        free(s->v[i].description);
        free(s->v[i].qml);
    }
    if (s) {
        free(s->v);
        memset(s, 0, sizeof(*s));
    }
}

/* Adds the style of definition `path` (when it is one map of one category
 * at buurt or wijk level). */
static int add_style(const struct ws_map_inputs *in, const char *path, struct ws_layer_styles *out,
                     struct ws_err *err)
{
    struct ws_mapdef md;
    struct ws_choropleth *m = NULL;
    struct ws_layer_style *s;
    int rc = ws_mapdef_load(path, &md, err);

    if (rc)
        return rc;
    if (md.each) {
        ws_mapdef_release(&md);
        return WS_OK;
    }
    rc = ws_choropleth_build(in, &md, NULL, NULL, &m, err);
    if (!rc && m) {
        WS_VEC_GROW(out->v, out->n + 1, out->cap);
        s = &out->v[out->n++];
        memset(s, 0, sizeof(*s));
        s->layer = ws_xstrdup(ws_level_name(m->level));
        s->name = ws_xstrdup(md.name);
        s->description = ws_xstrdup(m->title ? m->title : md.name);
        s->qml = ws_render_qml(m);
        s->indicator_is_eb = strcmp(md.indicator, "eb_rate") == 0;
        s->year = m->year;
    }
    ws_choropleth_free(m);
    ws_mapdef_release(&md);
    return rc;
}

/* Marks one default style per layer: the smoothed rate's when there is one,
 * else the first. */
static void mark_defaults(struct ws_layer_styles *out)
{
    for (size_t i = 0; i < out->n; i++) {
        bool taken = false;
        for (size_t j = 0; j < out->n; j++)
            taken = taken || (out->v[j].is_default && !strcmp(out->v[j].layer, out->v[i].layer));
        if (taken)
            continue;
        for (size_t j = i; j < out->n && !taken; j++) {
            if (!strcmp(out->v[j].layer, out->v[i].layer) && out->v[j].indicator_is_eb) {
                out->v[j].is_default = true;
                taken = true;
            }
        }
        if (!taken)
            out->v[i].is_default = true;
    }
}

int ws_render_styles(const struct ws_map_inputs *in, char *const *map_files, size_t n_files,
                     struct ws_layer_styles *out, struct ws_err *err)
{
    int rc = WS_OK;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n_files && !rc; i++)
        rc = add_style(in, map_files[i], out, err);
    if (rc) {
        ws_layer_styles_release(out);
        return rc;
    }
    mark_defaults(out);
    return WS_OK;
}

int ws_render_styles_store(struct ws_store *s, const struct ws_study *st,
                           const struct ws_indicator_set *published, struct ws_layer_styles *out,
                           struct ws_err *err)
{
    struct ws_map_inputs in;
    struct ws_area *buurten = NULL;
    struct ws_area *wijken = NULL;
    struct ws_area *gebieden = NULL;
    size_t nb = 0;
    size_t nw = 0;
    size_t ng = 0;
    char **files = NULL;
    size_t n_files = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&in, 0, sizeof(in));
    rc = ws_mapdef_files(st, &files, &n_files, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_BUURT, &buurten, &nb, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_WIJK, &wijken, &nw, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_GEBIED, &gebieden, &ng, err);
    if (!rc) {
        in.buurten = buurten;
        in.n_buurten = nb;
        in.gebieden = gebieden;
        in.n_gebieden = ng;
        in.wijken = wijken;
        in.n_wijken = nw;
        in.published = published;
        in.study_title = st->title;
        in.language = st->language;
        rc = ws_render_styles(&in, files, n_files, out, err);
    }
    ws_store_free_areas(buurten, nb);
    ws_store_free_areas(wijken, nw);
    ws_store_free_areas(gebieden, ng);
    ws_mapdef_free_paths(files, n_files);
    return rc;
}
