/*
 * mapdef.c - map definition files maps/NAME.ini (see mapdef.h).
 *
 * conf.c tokenises (ws_ini_parse_file, the only inih user); this file owns
 * the key table and the checks.  Every key's raw value, line and line text
 * are collected first (so a duplicate can name the first line), then each
 * value is converted in table order, then the cross-key rules run (fixed
 * needs breaks, center needs a diverging palette, the palette must have the
 * number of classes asked for and be colour-blind safe...).  Every message
 * names FILE:LINE and quotes the line, as the study file's do.
 */
#include "wijkscan/render/mapdef.h"

#include "wijkscan/analyse/classify.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/core/text.h"
#include "wijkscan/render/palette.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WS_DATADIR
#define WS_DATADIR "/usr/local/share/wijkscan"
#endif

/* --- indicator fields --- */

/* A field with a legend title (indicator_fields.h) can be drawn on a map. */
static bool is_map_field(size_t k)
{
    return ws_fields[k].legend_nl != NULL;
}

/* Order of the map indicators: numbers, then ranks, then categories. */
static int map_group(enum ws_field_kind kind)
{
    switch (kind) {
    case WS_KIND_REAL:
    case WS_KIND_COUNT:
        return 0;
    case WS_KIND_RANK:
        return 1;
    case WS_KIND_TEXT:
    case WS_KIND_LEVEL:
    case WS_KIND_INT:
    case WS_KIND_LABEL:
    case WS_KIND_FLAG:
        break;
    }
    return 2;
}

const char *const *ws_mapdef_indicators(void)
{
    // filled on the first call, from the table (the same names every time)
    static const char *names[WS_N_FIELDS + 1];
    size_t n = 0;

    if (names[0])
        return names;
    for (int g = 0; g <= 2; g++)
        for (size_t k = 0; k < WS_N_FIELDS; k++)
            if (is_map_field(k) && map_group(ws_fields[k].kind) == g)
                names[n++] = ws_fields[k].name;
    names[n] = NULL;
    return names;
}

double ws_mapdef_value(const struct ws_indicator *r, const char *field)
{
    int k = ws_field_index(field);
    struct ws_field_value v;

    if (k < 0 || !is_map_field((size_t)k))
        return NAN;
    ws_field_get(r, (size_t)k, &v);
    return v.null ? NAN : v.d;
}

/* --- the key table --- */

enum key_id {
    K_TITLE,
    K_TITLE_EN,
    K_SUBTITLE,
    K_SUBTITLE_EN,
    K_INDICATOR,
    K_LEVEL,
    K_YEAR,
    K_PERIOD,
    K_CATEGORY,
    K_METHOD,
    K_CLASSES,
    K_BREAKS,
    K_PALETTE,
    K_REVERSE,
    K_UNSAFE,
    K_CENTER,
    K_LABELS,
    K_FORMATS,
    K_WIDTH,
    K_HEIGHT,
    K_DPI,
    K_SAME_BREAKS,
    K_SIGNIFICANCE,
    K_ALPHA,
    N_KEYS
};

static const struct key_def {
    const char *key;
    const char *help; /* for "missing key" hints */
} keys[N_KEYS] = {
    [K_TITLE] = {"title", "the map title"},
    [K_TITLE_EN] = {"title_en", "the title in English"},
    [K_SUBTITLE] = {"subtitle", "a line under the title"},
    [K_SUBTITLE_EN] = {"subtitle_en", "the subtitle in English"},
    [K_INDICATOR] = {"indicator", "an indicator field such as eb_rate, oe_ratio or lisa_cluster"},
    [K_LEVEL] = {"level", "buurt or wijk"},
    [K_YEAR] = {"year", "a year or latest"},
    [K_PERIOD] = {"period", "single (one year) or pooled (the period of [analysis] period)"},
    [K_CATEGORY] = {"category", "a category, all, or each"},
    [K_METHOD] = {"method", "quantile, equal, jenks, box or fixed"},
    [K_CLASSES] = {"classes", "the number of classes"},
    [K_BREAKS] = {"breaks", "ascending class limits for method = fixed, e.g. 0, 5, 10, 20"},
    [K_PALETTE] = {"palette", "a ColorBrewer scheme such as YlOrRd"},
    [K_REVERSE] = {"reverse_palette", "true or false"},
    [K_UNSAFE] = {"allow_unsafe_palette", "true or false"},
    [K_CENTER] = {"center", "the value diverging classes are symmetric around"},
    [K_LABELS] = {"labels", "none, buurt or wijk"},
    [K_FORMATS] = {"formats", "png, pdf, svg"},
    [K_WIDTH] = {"width_px", "the PNG width in pixels"},
    [K_HEIGHT] = {"height_px", "the PNG height in pixels"},
    [K_DPI] = {"dpi", "PNG pixels per inch"},
    [K_SAME_BREAKS] = {"same_breaks_across_years", "true or false"},
    [K_SIGNIFICANCE] = {"significance",
                        "a p-value field (trend_p, poisson_p, lisa_p), or the two fields of an "
                        "interval (oe_ci_low, oe_ci_high)"},
    [K_ALPHA] = {"alpha", "the significance level, e.g. 0.05"},
};

#define DEFAULT_DPI     150.0
#define A4_WIDTH_PT     595.276
#define A4_HEIGHT_PT    841.89
#define DEFAULT_PALETTE "YlOrRd"
#define DEFAULT_CLASSES 5
#define BOX_CLASSES     6
#define MIN_PX          64
#define MAX_PX          16000

struct parse {
    struct ws_mapdef *md;
    struct ws_err *err;
    const char *path;
    char *raw[N_KEYS];
    char *text[N_KEYS];
    int line[N_KEYS];
};

static int find_key(const char *key)
{
    for (int i = 0; i < N_KEYS; i++)
        if (!strcmp(keys[i].key, key))
            return i;
    return -1;
}

static void key_list(struct ws_strbuf *sb, const char **cands)
{
    for (int i = 0; i < N_KEYS; i++) {
        if (i)
            ws_strbuf_adds(sb, ", ");
        ws_strbuf_adds(sb, keys[i].key);
        cands[i] = keys[i].key;
    }
}

/* Line of "[section]" in the file (the generic reader reports key lines
 * only); 0 if not found. */
static int section_line(const char *path, const char *section)
{
    FILE *fp = fopen(path, "r");
    char buf[1024];
    int line = 0;
    int found = 0;

    if (!fp)
        return 0;
    while (!found && fgets(buf, sizeof(buf), fp)) {
        char *t = ws_trim(buf);
        size_t n = strlen(section);
        line++;
        if (t[0] == '[' && !strncmp(t + 1, section, n) && t[n + 1] == ']')
            found = line;
    }
    (void)fclose(fp);
    return found;
}

static int unknown_section(struct parse *p, const char *section, int line)
{
    static const char *const sections[] = {"map"};
    int sline = section_line(p->path, section);

    ws_err_set(p->err, WS_EDATA, "unknown section [%s]", section);
    ws_err_where(p->err, "%s:%d", p->path, sline ? sline : line);
    if (ws_suggest(section, sections, 1))
        ws_err_hint(p->err, "did you mean [map]?");
    else
        ws_err_hint(p->err, "a map definition has one section, [map]");
    return WS_EDATA;
}

static int unknown_key(struct parse *p, const char *key, int line, const char *text)
{
    struct ws_strbuf list = WS_STRBUF_INIT;
    const char *cands[N_KEYS];
    const char *s;

    key_list(&list, cands);
    s = ws_suggest(key, cands, N_KEYS);
    ws_err_set(p->err, WS_EDATA, "unknown key '%s' in section [map]: '%s'", key, text);
    ws_err_where(p->err, "%s:%d", p->path, line);
    if (s)
        ws_err_hint(p->err, "did you mean '%s'? valid keys in [map]: %s", s, list.buf);
    else
        ws_err_hint(p->err, "valid keys in [map]: %s", list.buf);
    ws_strbuf_release(&list);
    return WS_EDATA;
}

static int on_key(void *user, const char *section, const char *key, const char *value, int line,
                  const char *text)
{
    struct parse *p = user;
    int k;

    if (!section[0]) {
        ws_err_set(p->err, WS_EDATA, "key '%s' comes before any [section]: '%s'", key, text);
        ws_err_where(p->err, "%s:%d", p->path, line);
        ws_err_hint(p->err, "put it under [map]");
        return WS_EDATA;
    }
    if (strcmp(section, "map") != 0)
        return unknown_section(p, section, line);
    k = find_key(key);
    if (k < 0)
        return unknown_key(p, key, line, text);
    if (p->raw[k]) {
        ws_err_set(p->err, WS_EDATA, "duplicate key '%s' in section [map]: '%s'", key, text);
        ws_err_where(p->err, "%s:%d", p->path, line);
        ws_err_hint(p->err, "'%s' is already set on line %d; keep one of the two lines", key,
                    p->line[k]);
        return WS_EDATA;
    }
    p->raw[k] = ws_xstrdup(value);
    p->text[k] = ws_xstrdup(text);
    p->line[k] = line;
    return WS_OK;
}

/* "bad value for KEY in section [map]: WHAT: 'LINE'" at the key's line. */
static int bad_value(struct parse *p, int k, const char *what, const char *hint)
{
    ws_err_set(p->err, WS_EDATA, "bad value for '%s' in section [map]: %s: '%s'", keys[k].key, what,
               p->text[k] ? p->text[k] : "");
    if (p->line[k])
        ws_err_where(p->err, "%s:%d", p->path, p->line[k]);
    else
        ws_err_where(p->err, "%s", p->path);
    ws_err_hint(p->err, "%s", hint);
    return WS_EDATA;
}

static int missing_key(struct parse *p, int k, const char *why)
{
    ws_err_set(p->err, WS_EDATA, "missing required key '%s' in section [map]%s", keys[k].key, why);
    ws_err_where(p->err, "%s", p->path);
    ws_err_hint(p->err, "add '%s = ...' under [map] (%s)", keys[k].key, keys[k].help);
    return WS_EDATA;
}

/* A value that must be one of `choices` ('|'-separated); *index set. */
static int parse_choice(struct parse *p, int k, const char *const *choices, size_t n, int *index)
{
    const char *raw = p->raw[k];
    struct ws_strbuf what = WS_STRBUF_INIT;
    struct ws_strbuf hint = WS_STRBUF_INIT;
    const char *s;
    int rc;

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(raw, choices[i])) {
            *index = (int)i;
            return WS_OK;
        }
    }
    ws_strbuf_adds(&what, "must be one of ");
    for (size_t i = 0; i < n; i++)
        ws_strbuf_addf(&what, "%s%s", i ? " | " : "", choices[i]);
    s = ws_suggest(raw, choices, n);
    if (s)
        ws_strbuf_addf(&hint, "did you mean '%s'?", s);
    else
        ws_strbuf_adds(&hint, "choose one of the listed values");
    rc = bad_value(p, k, what.buf, hint.buf);
    ws_strbuf_release(&what);
    ws_strbuf_release(&hint);
    return rc;
}

static int parse_bool(struct parse *p, int k, bool *out)
{
    static const char *const b[] = {"false", "true"};
    int i = 0;
    int rc;

    if (!p->raw[k])
        return WS_OK;
    rc = parse_choice(p, k, b, 2, &i);
    if (!rc)
        *out = i == 1;
    return rc;
}

static int parse_int(struct parse *p, int k, long min, long max, int *out)
{
    char what[128];
    long long v;

    if (!p->raw[k])
        return WS_OK;
    if (ws_parse_integer(p->raw[k], &v) != WS_NUM_OK || v < min || v > max ||
        strchr(p->raw[k], '.') || strchr(p->raw[k], ',')) {
        (void)snprintf(what, sizeof(what), "must be a whole number from %ld to %ld", min, max);
        return bad_value(p, k, what, "write a whole number, e.g. the default");
    }
    *out = (int)v;
    return WS_OK;
}

static int parse_real(struct parse *p, int k, double min, double max, double *out)
{
    char what[128];
    double v;

    if (!p->raw[k])
        return WS_OK;
    if (ws_parse_number(p->raw[k], &v) != WS_NUM_OK || v < min || v > max) {
        (void)snprintf(what, sizeof(what), "must be a number from %g to %g", min, max);
        return bad_value(p, k, what, "write a number with a decimal point, e.g. 1.5");
    }
    *out = v;
    return WS_OK;
}

static int parse_text(struct parse *p, int k, char **out)
{
    if (!p->raw[k])
        return WS_OK;
    if (!p->raw[k][0])
        return bad_value(p, k, "empty", "write the text, or remove the line");
    *out = ws_xstrdup(p->raw[k]);
    return WS_OK;
}

static int parse_indicator(struct parse *p)
{
    const char *raw = p->raw[K_INDICATOR];
    struct ws_strbuf hint = WS_STRBUF_INIT;
    const char *const *names;
    const char *s;
    size_t n;
    int rc;
    int k;

    if (!raw)
        return missing_key(p, K_INDICATOR, "");
    k = ws_field_index(raw);
    if (k >= 0 && is_map_field((size_t)k)) {
        p->md->indicator = ws_xstrdup(raw);
        p->md->categorical = ws_fields[k].kind == WS_KIND_LABEL;
        return WS_OK;
    }
    names = ws_mapdef_indicators();
    n = 0;
    while (names[n])
        n++;
    s = ws_suggest(raw, names, n);
    if (s)
        ws_strbuf_addf(&hint, "did you mean '%s'? ", s);
    ws_strbuf_adds(&hint, "indicators: ");
    for (size_t i = 0; i < n; i++)
        ws_strbuf_addf(&hint, "%s%s", i ? ", " : "", names[i]);
    rc = bad_value(p, K_INDICATOR, "not an indicator field", hint.buf);
    ws_strbuf_release(&hint);
    return rc;
}

/* The p-value fields, and the interval pairs, `significance` takes. */
static const char *const p_fields[] = {"trend_p", "poisson_p", "lisa_p"};
static const char *const ci_fields[][2] = {
    {"oe_ci_low", "oe_ci_high"},
    {"rate_ci_low", "rate_ci_high"},
};

/* The p-value field or interval pair named by significance = RAW into md
 * (left NULL when RAW names none). */
static void significance_fields(struct ws_mapdef *md, const char *raw)
{
    char *copy = ws_xstrdup(raw);
    char *comma = strchr(copy, ',');

    if (!comma) {
        for (size_t i = 0; i < sizeof(p_fields) / sizeof(p_fields[0]) && !md->sig_p; i++)
            if (!strcmp(ws_trim(copy), p_fields[i]))
                md->sig_p = ws_xstrdup(p_fields[i]);
        free(copy);
        return;
    }
    *comma = '\0';
    for (size_t i = 0; i < sizeof(ci_fields) / sizeof(ci_fields[0]) && !md->sig_low; i++)
        if (!strcmp(ws_trim(copy), ci_fields[i][0]) &&
            !strcmp(ws_trim(comma + 1), ci_fields[i][1])) {
            md->sig_low = ws_xstrdup(ci_fields[i][0]);
            md->sig_high = ws_xstrdup(ci_fields[i][1]);
        }
    free(copy);
}

/* significance = P_FIELD | LOW_FIELD, HIGH_FIELD (an interval: significant
 * when it leaves out center); alpha = level of a p-value (default 0.05). */
static int parse_significance(struct parse *p)
{
    static const char *hint = "use one of trend_p, poisson_p, lisa_p (significant when p < "
                              "alpha), or an interval: oe_ci_low, oe_ci_high or rate_ci_low, "
                              "rate_ci_high (significant when it leaves out center)";
    struct ws_mapdef *md = p->md;
    const char *raw = p->raw[K_SIGNIFICANCE];
    int rc;

    md->alpha = 0.05;
    if ((rc = parse_real(p, K_ALPHA, 1e-6, 0.5, &md->alpha)))
        return rc;
    if (!raw && p->raw[K_ALPHA])
        return bad_value(p, K_ALPHA, "alpha without significance",
                         "add significance = trend_p (or another p-value field), or remove alpha");
    if (!raw)
        return WS_OK;
    significance_fields(md, raw);
    if (!md->sig_p && !md->sig_low)
        return bad_value(p, K_SIGNIFICANCE, "not a p-value field or an interval", hint);
    if (md->sig_low && !p->raw[K_CENTER])
        return bad_value(p, K_SIGNIFICANCE,
                         "an interval needs center (the value it must leave out)",
                         "add e.g. center = 1");
    if (md->sig_low && p->raw[K_ALPHA])
        return bad_value(p, K_ALPHA, "alpha does not apply to an interval (its level is fixed)",
                         "remove alpha, or use a p-value field such as poisson_p");
    if (md->categorical)
        return bad_value(p, K_SIGNIFICANCE, "cluster maps mark significance already ('ns')",
                         "remove the line");
    return WS_OK;
}

static int parse_year(struct parse *p)
{
    long long v;

    if (!p->raw[K_YEAR] || !strcmp(p->raw[K_YEAR], "latest"))
        return WS_OK;
    if (ws_parse_integer(p->raw[K_YEAR], &v) != WS_NUM_OK || v < 1900 || v > 2100 ||
        strchr(p->raw[K_YEAR], '.'))
        return bad_value(p, K_YEAR, "must be a year such as 2024, or latest",
                         "write a year from 1900 to 2100, or 'latest' for the last year with data");
    p->md->year = (int)v;
    return WS_OK;
}

static int parse_method(struct parse *p)
{
    static const char *const m[] = {"quantile", "equal", "jenks", "box", "fixed"};
    int i = 0;
    int rc;

    if (!p->raw[K_METHOD])
        return WS_OK;
    rc = parse_choice(p, K_METHOD, m, 5, &i);
    if (!rc)
        p->md->method = (enum ws_class_method)ws_class_method_parse(m[i]);
    return rc;
}

static int parse_breaks(struct parse *p)
{
    struct ws_mapdef *md = p->md;
    char *copy;
    char *save = NULL;
    char what[160];
    int rc = WS_OK;

    if (!p->raw[K_BREAKS])
        return WS_OK;
    copy = ws_xstrdup(p->raw[K_BREAKS]);
    for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
        double v;
        char *item = ws_trim(t);
        if (md->n_breaks == WS_MAP_MAX_CLASSES + 1) {
            (void)snprintf(what, sizeof(what), "more than %d limits", WS_MAP_MAX_CLASSES + 1);
            rc = bad_value(p, K_BREAKS, what, "use at most 11 classes");
        } else if (ws_parse_number(item, &v) != WS_NUM_OK) {
            (void)snprintf(what, sizeof(what), "'%s' is not a number", item);
            rc = bad_value(p, K_BREAKS, what,
                           "separate the limits with commas and write decimals with a point: "
                           "0, 2.5, 5, 10");
        } else if (md->n_breaks > 0 && !(v > md->breaks[md->n_breaks - 1])) {
            (void)snprintf(what, sizeof(what), "%s does not follow %g (limits must ascend)", item,
                           md->breaks[md->n_breaks - 1]);
            rc = bad_value(p, K_BREAKS, what, "list the class limits from low to high");
        } else {
            md->breaks[md->n_breaks++] = v;
        }
    }
    free(copy);
    if (!rc && md->n_breaks < 2)
        rc = bad_value(p, K_BREAKS, "fewer than 2 limits",
                       "give the lowest value, the limits between classes and the highest value");
    return rc;
}

static int parse_formats(struct parse *p)
{
    struct ws_mapdef *md = p->md;
    char *copy;
    char *save = NULL;
    char what[160];
    int rc = WS_OK;
    int n = 0;

    if (!p->raw[K_FORMATS]) {
        for (int i = 0; i < WS_CANVAS_N_FORMATS; i++)
            md->formats[i] = true;
        return WS_OK;
    }
    copy = ws_xstrdup(p->raw[K_FORMATS]);
    for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
        char *item = ws_trim(t);
        int f = ws_canvas_format_parse(item);
        if (f < 0) {
            (void)snprintf(what, sizeof(what), "unknown format '%s'", item);
            rc = bad_value(p, K_FORMATS, what, "formats are png, pdf and svg, separated by commas");
        } else if (md->formats[f]) {
            (void)snprintf(what, sizeof(what), "'%s' is listed twice", item);
            rc = bad_value(p, K_FORMATS, what, "list each format once");
        } else {
            md->formats[f] = true;
            n++;
        }
    }
    free(copy);
    if (!rc && n == 0)
        rc = bad_value(p, K_FORMATS, "no format", "list one or more of png, pdf, svg");
    return rc;
}

/* What the map shows. */
static int parse_content(struct parse *p)
{
    static const char *const levels[] = {"buurt", "gebied", "wijk"}; // enum ws_level order
    struct ws_mapdef *md = p->md;
    int i = 0;
    int rc = WS_OK;

    rc = rc ? rc : parse_text(p, K_TITLE, &md->title);
    rc = rc ? rc : parse_text(p, K_TITLE_EN, &md->title_en);
    rc = rc ? rc : parse_text(p, K_SUBTITLE, &md->subtitle);
    rc = rc ? rc : parse_text(p, K_SUBTITLE_EN, &md->subtitle_en);
    rc = rc ? rc : parse_indicator(p);
    if (!rc && p->raw[K_LEVEL]) {
        rc = parse_choice(p, K_LEVEL, levels, 3, &i);
        md->level = (enum ws_level)i;
    }
    rc = rc ? rc : parse_year(p);
    if (!rc && p->raw[K_PERIOD]) {
        static const char *const periods[] = {"single", "pooled"};
        rc = parse_choice(p, K_PERIOD, periods, 2, &i);
        md->pooled = i == 1;
    }
    rc = rc ? rc : parse_text(p, K_CATEGORY, &md->category);
    return rc;
}

/* How it is classified and drawn. */
static int parse_style(struct parse *p)
{
    static const char *const labels[] = {"none", "buurt", "wijk", "gebied"};
    struct ws_mapdef *md = p->md;
    int i = 0;
    int rc = WS_OK;

    rc = rc ? rc : parse_method(p);
    rc = rc ? rc : parse_int(p, K_CLASSES, 2, WS_MAP_MAX_CLASSES, &i);
    if (!rc && p->raw[K_CLASSES])
        md->classes = (size_t)i;
    rc = rc ? rc : parse_breaks(p);
    rc = rc ? rc : parse_text(p, K_PALETTE, &md->palette);
    rc = rc ? rc : parse_bool(p, K_REVERSE, &md->reverse_palette);
    rc = rc ? rc : parse_bool(p, K_UNSAFE, &md->allow_unsafe_palette);
    rc = rc ? rc : parse_real(p, K_CENTER, -1e12, 1e12, &md->center);
    md->has_center = p->raw[K_CENTER] != NULL;
    if (!rc && p->raw[K_LABELS]) {
        rc = parse_choice(p, K_LABELS, labels, 4, &i);
        md->labels = (enum ws_map_labels)i;
    }
    rc = rc ? rc : parse_formats(p);
    rc = rc ? rc : parse_int(p, K_WIDTH, MIN_PX, MAX_PX, &md->width_px);
    rc = rc ? rc : parse_int(p, K_HEIGHT, MIN_PX, MAX_PX, &md->height_px);
    rc = rc ? rc : parse_real(p, K_DPI, 36, 1200, &md->dpi);
    rc = rc ? rc : parse_bool(p, K_SAME_BREAKS, &md->same_breaks_across_years);
    rc = rc ? rc : parse_significance(p);
    return rc;
}

/* Keys that mean nothing for lisa_cluster (fixed colours per cluster). */
static int check_categorical(struct parse *p)
{
    static const int unused[] = {K_METHOD,  K_CLASSES, K_BREAKS,      K_PALETTE,
                                 K_REVERSE, K_CENTER,  K_SAME_BREAKS, K_UNSAFE};
    char what[160];

    for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
        int k = unused[i];
        if (!p->raw[k])
            continue;
        (void)snprintf(what, sizeof(what), "'%s' does not apply to indicator 'lisa_cluster'",
                       keys[k].key);
        return bad_value(p, k, what,
                         "cluster maps have fixed colours per cluster type (HH, LL, HL, LH, ns, "
                         "isolated); remove the line");
    }
    return WS_OK;
}

/* Method, classes and breaks agree. */
static int check_classes(struct parse *p)
{
    struct ws_mapdef *md = p->md;
    char what[160];

    if (md->method == WS_CLASS_FIXED) {
        if (!md->n_breaks)
            return missing_key(p, K_BREAKS, " (method = fixed)");
        if (p->raw[K_CLASSES] && md->classes != md->n_breaks - 1) {
            (void)snprintf(what, sizeof(what), "%zu classes, but breaks give %zu", md->classes,
                           md->n_breaks - 1);
            return bad_value(p, K_CLASSES, what,
                             "n limits make n - 1 classes; remove classes or fix the breaks");
        }
        md->classes = md->n_breaks - 1;
        return WS_OK;
    }
    if (md->n_breaks) {
        (void)snprintf(what, sizeof(what),
                       "breaks are used with method = fixed only (method is %s)",
                       ws_class_method_name(md->method));
        return bad_value(p, K_BREAKS, what, "set method = fixed, or remove the breaks line");
    }
    if (md->method == WS_CLASS_BOX) {
        if (p->raw[K_CLASSES] && md->classes != BOX_CLASSES)
            return bad_value(p, K_CLASSES, "a box map has 6 classes",
                             "remove classes, or write classes = 6");
        md->classes = BOX_CLASSES;
    }
    if (!md->classes)
        md->classes = DEFAULT_CLASSES;
    return WS_OK;
}

static int check_palette(struct parse *p)
{
    struct ws_mapdef *md = p->md;
    struct ws_rgb tmp[WS_MAP_MAX_CLASSES + 1];
    struct ws_err perr = WS_ERR_INIT;
    enum ws_palette_kind kind = WS_PALETTE_SEQUENTIAL;
    size_t lo = 0;
    size_t hi = 0;
    char what[200];
    char hint[300];

    if (!md->palette)
        md->palette = ws_xstrdup(DEFAULT_PALETTE);
    if (!ws_palette_kind(md->palette, &kind) || !ws_palette_range(md->palette, &lo, &hi)) {
        (void)ws_palette_get(md->palette, md->classes, tmp, &perr);
        return bad_value(p, K_PALETTE, perr.what[0] ? perr.what : "unknown palette",
                         perr.hint[0] ? perr.hint : "use a ColorBrewer name such as YlOrRd");
    }
    if (kind == WS_PALETTE_QUALITATIVE)
        return bad_value(p, K_PALETTE, "a qualitative palette cannot show ordered classes",
                         "use a sequential palette (e.g. YlOrRd, Blues) or a diverging one "
                         "(e.g. RdBu, PuOr)");
    if (md->classes < lo || md->classes > hi) {
        int k = p->raw[K_CLASSES] ? K_CLASSES : p->raw[K_BREAKS] ? K_BREAKS : K_PALETTE;
        (void)snprintf(what, sizeof(what), "%zu classes, but palette '%s' has %zu to %zu colours",
                       md->classes, md->palette, lo, hi);
        (void)snprintf(hint, sizeof(hint), "choose %zu to %zu classes, or another palette", lo, hi);
        return bad_value(p, k, what, hint);
    }
    if (!md->allow_unsafe_palette && !ws_palette_colorblind_safe(md->palette, md->classes)) {
        (void)snprintf(what, sizeof(what), "palette '%s' is not colour-blind safe at %zu classes",
                       md->palette, md->classes);
        return bad_value(p, p->raw[K_PALETTE] ? K_PALETTE : K_CLASSES, what,
                         "choose a colour-blind safe scheme (e.g. YlOrRd, Blues, RdBu, PuOr), or "
                         "set allow_unsafe_palette = true");
    }
    if (md->has_center && kind != WS_PALETTE_DIVERGING) {
        (void)snprintf(what, sizeof(what), "center needs a diverging palette ('%s' is sequential)",
                       md->palette);
        return bad_value(p, K_CENTER, what,
                         "add e.g. palette = RdBu and reverse_palette = true (high values red), "
                         "or remove center");
    }
    if (md->has_center && (md->method == WS_CLASS_BOX || md->method == WS_CLASS_FIXED)) {
        (void)snprintf(what, sizeof(what), "center does not combine with method = %s",
                       ws_class_method_name(md->method));
        return bad_value(p, K_CENTER, what,
                         "use quantile, equal or jenks with a center, or remove center");
    }
    return WS_OK;
}

static int check_size(struct parse *p)
{
    struct ws_mapdef *md = p->md;

    if (p->raw[K_WIDTH] && !p->raw[K_HEIGHT])
        return missing_key(p, K_HEIGHT, " (width_px is set)");
    if (p->raw[K_HEIGHT] && !p->raw[K_WIDTH])
        return missing_key(p, K_WIDTH, " (height_px is set)");
    if (!p->raw[K_DPI])
        md->dpi = DEFAULT_DPI;
    if (!p->raw[K_WIDTH]) {
        // A4 portrait at the given resolution
        md->width_px = (int)lround(A4_WIDTH_PT * md->dpi / 72.0);
        md->height_px = (int)lround(A4_HEIGHT_PT * md->dpi / 72.0);
    }
    return WS_OK;
}

/* "maps/eb_rate.ini" -> "eb_rate" */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);

    if (n > 4 && !strcmp(b + n - 4, ".ini"))
        n -= 4;
    return ws_xstrndup(b, n);
}

int ws_mapdef_load(const char *path, struct ws_mapdef *md, struct ws_err *err)
{
    struct parse p;
    int rc;

    memset(md, 0, sizeof(*md));
    memset(&p, 0, sizeof(p));
    p.md = md;
    p.err = err;
    p.path = path;
    md->path = ws_xstrdup(path);
    md->name = base_name(path);
    md->level = WS_LEVEL_BUURT;
    md->method = WS_CLASS_QUANTILE;

    rc = ws_ini_parse_file(path, on_key, &p, err);
    rc = rc ? rc : parse_content(&p);
    rc = rc ? rc : parse_style(&p);
    if (!rc && !md->category)
        md->category = ws_xstrdup("all");
    if (!rc)
        md->each = !strcmp(md->category, "each");
    if (!rc && md->categorical)
        rc = check_categorical(&p);
    if (!rc && !md->categorical) {
        rc = check_classes(&p);
        rc = rc ? rc : check_palette(&p);
    }
    rc = rc ? rc : check_size(&p);

    for (int k = 0; k < N_KEYS; k++) {
        free(p.raw[k]);
        free(p.text[k]);
    }
    if (rc)
        ws_mapdef_release(md);
    return rc;
}

void ws_mapdef_release(struct ws_mapdef *md)
{
    if (!md)
        return;
    free(md->path);
    free(md->name);
    free(md->title);
    free(md->title_en);
    free(md->subtitle);
    free(md->subtitle_en);
    free(md->indicator);
    free(md->category);
    free(md->palette);
    free(md->sig_p);
    free(md->sig_low);
    free(md->sig_high);
    memset(md, 0, sizeof(*md));
}

/* --- which files --- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.ini in dir, sorted; false when dir has none. */
static bool list_ini(const char *dir, char ***paths, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;

    *paths = NULL;
    *n = 0;
    if (!d)
        return false;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        struct ws_strbuf sb = WS_STRBUF_INIT;
        if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0 || e->d_name[0] == '.')
            continue;
        ws_strbuf_addf(&sb, "%s/%s", dir, e->d_name);
        WS_VEC_GROW(*paths, *n + 1, cap);
        (*paths)[(*n)++] = ws_strbuf_detach(&sb);
    }
    (void)closedir(d);
    if (*n)
        qsort(*paths, *n, sizeof(**paths), cmp_str);
    return *n > 0;
}

/* BINDIR/REL of the running binary, owned; NULL if unknown. */
static char *beside_binary(const char *rel)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;
    char *real;
    struct ws_strbuf sb = WS_STRBUF_INIT;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    ws_strbuf_addf(&sb, "%s/%s", exe, rel);
    // without "..", so that messages name the folder plainly
    real = realpath(sb.buf, NULL);
    if (real) {
        ws_strbuf_release(&sb);
        return real;
    }
    return ws_strbuf_detach(&sb);
}

/* Every *.ini of the first folder in `dirs` (NULL entries skipped) that has
 * any. */
static bool list_first(char *const *dirs, size_t n_dirs, char ***paths, size_t *n)
{
    for (size_t i = 0; i < n_dirs; i++)
        if (dirs[i] && list_ini(dirs[i], paths, n))
            return true;
    return false;
}

/* The files a study lists under [maps]; one that cannot be read is an
 * error at the study's line. */
static int study_files(const struct ws_study *st, char ***paths, size_t *n, struct ws_err *err)
{
    for (size_t i = 0; i < st->n_map_files; i++) {
        if (access(st->map_files[i], R_OK) == 0)
            continue;
        if (strpbrk(st->map_files[i], "*?["))
            ws_err_set(err, WS_ENOINPUT, "no map definition matches '%s'", st->map_files[i]);
        else
            ws_err_set(err, WS_ENOINPUT, "cannot read map definition '%s': %s", st->map_files[i],
                       strerror(errno));
        ws_study_where(st, "maps", "files", err);
        ws_err_hint(err, "check [maps] files in the study; paths are relative to the study "
                         "file's folder");
        return WS_ENOINPUT;
    }
    *paths = ws_xcalloc(st->n_map_files, sizeof(**paths));
    for (size_t i = 0; i < st->n_map_files; i++)
        (*paths)[i] = ws_xstrdup(st->map_files[i]);
    *n = st->n_map_files;
    return WS_OK;
}

int ws_mapdef_files(const struct ws_study *st, char ***paths, size_t *n, struct ws_err *err)
{
    struct ws_strbuf study_maps = WS_STRBUF_INIT;
    char *dirs[5];
    bool found;

    *paths = NULL;
    *n = 0;
    if (st && st->n_map_files)
        return study_files(st, paths, n, err);
    // beside the study file, the working folder, an installed binary, a
    // binary in a checkout's build folder, the configured prefix
    if (st && st->dir)
        ws_strbuf_addf(&study_maps, "%s/maps", st->dir);
    dirs[0] = st && st->dir ? study_maps.buf : NULL;
    dirs[1] = ws_xstrdup("maps");
    dirs[2] = beside_binary("../share/wijkscan/maps");
    dirs[3] = beside_binary("../maps");
    dirs[4] = ws_xstrdup(WS_DATADIR "/maps");
    found = list_first(dirs, 5, paths, n);
    ws_strbuf_release(&study_maps);
    for (size_t i = 1; i < 5; i++)
        free(dirs[i]);
    if (found)
        return WS_OK;
    ws_err_set(err, WS_ENOINPUT, "no map definitions found");
    if (st)
        ws_study_where(st, "maps", "files", err);
    ws_err_hint(err, "put map files in maps/ beside the study file, install wijkscan with 'make "
                     "install', or list them under [maps] files = ... (globs such as maps/*.ini "
                     "are relative to the study file)");
    return WS_ENOINPUT;
}

void ws_mapdef_free_paths(char **paths, size_t n)
{
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}

int ws_mapdef_check_files(const struct ws_study *st, struct ws_err *err)
{
    char **paths = NULL;
    char **names = NULL;
    size_t n = 0;
    int rc;

    rc = ws_mapdef_files(st, &paths, &n, err);
    if (rc)
        return rc;
    names = ws_xcalloc(n ? n : 1, sizeof(*names));
    for (size_t i = 0; i < n && !rc; i++) {
        struct ws_mapdef md;
        rc = ws_mapdef_load(paths[i], &md, err);
        if (rc)
            break;
        for (size_t j = 0; j < i && !rc; j++) {
            if (strcmp(names[j], md.name) != 0)
                continue;
            rc = ws_err_set(err, WS_EDATA, "two map definitions are named '%s': '%s' and '%s'",
                            md.name, paths[j], paths[i]);
            if (st)
                ws_study_where(st, "maps", "files", err);
            ws_err_hint(err, "both would write maps/%s.*; rename one of the files", md.name);
        }
        names[i] = ws_xstrdup(md.name);
        ws_mapdef_release(&md);
    }
    ws_mapdef_free_paths(names, n);
    ws_mapdef_free_paths(paths, n);
    return rc;
}
