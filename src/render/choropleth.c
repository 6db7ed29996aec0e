/*
 * choropleth.c - the map page (see choropleth.h).
 *
 * Build: rows of the map's level, year and category are matched to areas by
 * code (sorted index, binary search).  Class breaks come from the values of
 * the non-suppressed rows only, over the whole study (a wijk map uses the
 * study's classes so it compares with the overview), pooled over all years
 * when same_breaks_across_years is set, and over all panels of a small
 * multiple.  With a center c, classes are symmetric around it: the distances
 * d = |t(v) - t(c)| are classified (t = log for ratios, so 0.5 and 2 are
 * equally far from 1; t = identity otherwise) and mirrored, giving an even
 * number of classes with c as a break, or an odd number with a neutral class
 * around c.
 *
 * Draw: one path and one fill per class (even-odd, so holes stay open), one
 * hatched fill for all suppressed areas and one dotted fill for all areas
 * without data, then buurt outlines (one stroke) and wijk outlines on top
 * (one stroke).  Labels are placed greedily, largest areas first, at a point
 * inside the largest part of the polygon (the widest inside stretch of a
 * horizontal line through it, as GEOS's interior point does); a label is
 * skipped when it is wider than the polygon there or overlaps a label or
 * point placed before.  Labels are area names, never values.
 */
#include "wijkscan/render/choropleth.h"

#include "wijkscan/analyse/classify.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/render/viewport.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- the strings of the page, Dutch and English --- */

enum str_id {
    S_SUPPRESSED,
    S_NODATA,
    S_SOURCE,
    S_MAP_BY,
    S_ALL_CATEGORIES,
    S_PER_CATEGORY,
    S_CATEGORY,
    S_BUURTEN,
    S_GEBIEDEN,
    S_WIJKEN,
    S_WIJK,
    S_VERSUS,
    S_SAME_BREAKS,
    S_HH,
    S_LL,
    S_HL,
    S_LH,
    S_NS,
    S_ISOLATED,
    S_BOX_LOW,
    S_BOX_Q1,
    S_BOX_Q2,
    S_BOX_Q3,
    S_BOX_Q4,
    S_BOX_HIGH,
    S_AREAS,
    S_NOTSIG_P,
    S_NOTSIG_CI,
    N_STR
};

static const char *const strings[N_STR][2] = {
    [S_SUPPRESSED] = {"geheim", "suppressed"},
    [S_NODATA] = {"geen data", "no data"},
    [S_NOTSIG_P] = {"niet significant (p \xe2\x89\xa5 ", "not significant (p \xe2\x89\xa5 "},
    [S_NOTSIG_CI] = {"niet significant (interval bevat ", "not significant (interval includes "},
    [S_SOURCE] = {"Bron", "Source"},
    [S_MAP_BY] = {"kaart: wijkscan", "map: wijkscan"},
    [S_ALL_CATEGORIES] = {"alle categorie\xc3\xabn", "all categories"},
    [S_PER_CATEGORY] = {"per categorie", "by category"},
    [S_CATEGORY] = {"categorie", "category"},
    [S_BUURTEN] = {"Buurten", "Neighbourhoods (buurten)"},
    [S_GEBIEDEN] = {"Gebieden (groepen buurten)", "Areas (groups of buurten)"},
    [S_WIJKEN] = {"Wijken", "Districts (wijken)"},
    [S_WIJK] = {"Wijk", "District"},
    [S_VERSUS] = {"t.o.v.", "vs"},
    [S_SAME_BREAKS] = {"klassen gelijk voor alle jaren", "same classes for all years"},
    [S_HH] = {"hoog bij hoog (hotspot)", "high among high (hot spot)"},
    [S_LL] = {"laag bij laag (koude plek)", "low among low (cold spot)"},
    [S_HL] = {"hoog bij laag", "high among low"},
    [S_LH] = {"laag bij hoog", "low among high"},
    [S_NS] = {"niet significant", "not significant"},
    [S_ISOLATED] = {"geen buren", "no neighbours"},
    [S_BOX_LOW] = {"uitschieter laag", "low outlier"},
    [S_BOX_Q1] = {"1e kwart", "1st quarter"},
    [S_BOX_Q2] = {"2e kwart", "2nd quarter"},
    [S_BOX_Q3] = {"3e kwart", "3rd quarter"},
    [S_BOX_Q4] = {"4e kwart", "4th quarter"},
    [S_BOX_HIGH] = {"uitschieter hoog", "high outlier"},
    [S_AREAS] = {"gebieden", "areas"},
};

static const char *str(const struct ws_choropleth *m, enum str_id id)
{
    return strings[id][m->en ? 1 : 0];
}

/* The subtitle's word for the areas of a level. */
static enum str_id level_word(enum ws_level level)
{
    return level == WS_LEVEL_WIJK ? S_WIJKEN : level == WS_LEVEL_GEBIED ? S_GEBIEDEN : S_BUURTEN;
}

/* The field a map shows (indicator_fields.h: its legend title is what the
 * indicator is called on the page); the first map field for an unknown
 * name (a map definition names a known one). */
static const struct ws_field *info_of(const char *field)
{
    int k = ws_field_index(field);

    if (k >= 0 && ws_fields[k].legend_nl)
        return &ws_fields[k];
    for (k = 0; k < WS_N_FIELDS; k++)
        if (ws_fields[k].legend_nl)
            return &ws_fields[k];
    return &ws_fields[0];
}

/* How many decimals a legend of a field of this unit shows (rates 1,
 * ratios and scores 2, p-values 3, counts 0). */
static int unit_decimals(enum ws_field_unit unit)
{
    switch (unit) {
    case WS_UNIT_PER_1000:
    case WS_UNIT_EXPECTED:
        return 1;
    case WS_UNIT_RATIO:
    case WS_UNIT_SCORE:
        return 2;
    case WS_UNIT_PROBABILITY:
        return 3;
    case WS_UNIT_NONE:
    case WS_UNIT_PERSONS:
    case WS_UNIT_CASES:
    case WS_UNIT_RANK:
        break;
    }
    return 0;
}

/* Cluster types in legend order, with their fixed colours. */
static const struct {
    const char *code;
    enum str_id label;
    struct ws_rgba colour;
} clusters[] = {
    {"HH", S_HH, {0xd7 / 255.0, 0x19 / 255.0, 0x1c / 255.0, 1}},
    {"LL", S_LL, {0x2c / 255.0, 0x7b / 255.0, 0xb6 / 255.0, 1}},
    {"HL", S_HL, {0xf4 / 255.0, 0xa6 / 255.0, 0xa6 / 255.0, 1}},
    {"LH", S_LH, {0xab / 255.0, 0xd9 / 255.0, 0xe9 / 255.0, 1}},
    {"ns", S_NS, {0xe3 / 255.0, 0xe3 / 255.0, 0xe3 / 255.0, 1}},
    {"isolated", S_ISOLATED, {1, 1, 1, 1}},
};
#define N_CLUSTERS  6
#define ISOLATED_IX 5

/* Colours of the page. */
static const struct ws_rgba ink = {0.10, 0.10, 0.10, 1};
static const struct ws_rgba ink_soft = {0.33, 0.33, 0.33, 1};
static const struct ws_rgba white = {1, 1, 1, 1};
static const struct ws_rgba halo = {1, 1, 1, 0.85};
static const struct ws_rgba fade = {1, 1, 1, 0.62};
static const struct ws_rgba supp_bg = {0.95, 0.95, 0.95, 1};
static const struct ws_rgba supp_fg = {0.50, 0.50, 0.50, 1};
static const struct ws_rgba nodata_bg = {1, 1, 1, 1};
static const struct ws_rgba nodata_fg = {0.58, 0.58, 0.58, 1};
static const struct ws_rgba notsig_bg = {0.84, 0.84, 0.84, 1};
static const struct ws_rgba wijk_line = {0.22, 0.22, 0.22, 1};
static const struct ws_rgba buurt_line_light = {1, 1, 1, 1};
static const struct ws_rgba buurt_line_grey = {0.72, 0.72, 0.72, 1};
static const struct ws_rgba swatch_line = {0.55, 0.55, 0.55, 1};
static const struct ws_rgba isolated_line = {0.50, 0.50, 0.50, 1};

/* --- numbers and dates --- */

void ws_choropleth_format_number(double v, int decimals, bool en, char *buf, size_t size)
{
    char raw[64];
    char *dot;
    size_t int_len;
    size_t o = 0;
    const char *digits;
    char thousands = en ? ',' : '.';
    char point = en ? '.' : ',';

    if (!isfinite(v)) {
        (void)snprintf(buf, size, "-");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    (void)snprintf(raw, sizeof(raw), "%.*f", decimals, v);
    if (!strcmp(raw, "-0") || strspn(raw, "-0.") == strlen(raw))
        memmove(raw, raw + (raw[0] == '-'), strlen(raw) + (raw[0] == '-' ? 0 : 1));
    digits = raw[0] == '-' ? raw + 1 : raw;
    dot = strchr(digits, '.');
    int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    if (raw[0] == '-' && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < int_len && o + 2 < size; i++) {
        // group thousands only from 10.000 on: "1234" reads better than "1.234"
        if (i > 0 && int_len > 4 && (int_len - i) % 3 == 0)
            buf[o++] = thousands;
        buf[o++] = digits[i];
    }
    if (dot && o + 1 < size) {
        buf[o++] = point;
        for (const char *d = dot + 1; *d && o + 1 < size; d++)
            buf[o++] = *d;
    }
    buf[o < size ? o : size - 1] = '\0';
}

void ws_choropleth_date(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;
    bool utc = false;

    if (sde && sde[0]) {
        char *end = NULL;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0) {
            t = (time_t)v;
            utc = true;
        }
    }
    if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL ||
        strftime(buf, size, "%Y-%m-%d", &tm) == 0)
        (void)snprintf(buf, size, "?");
}

/* "psychisch_welbevinden" -> "Psychisch welbevinden" (owned) */
static char *pretty_category(const char *c)
{
    char *s = ws_xstrdup(c);
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

/* --- area index --- */

struct code_ix {
    const char *code;
    size_t ix;
};

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const struct code_ix *)a)->code, ((const struct code_ix *)b)->code);
}

static struct code_ix *make_index(const struct ws_area *areas, size_t n)
{
    struct code_ix *ix = ws_xcalloc(n ? n : 1, sizeof(*ix));
    for (size_t i = 0; i < n; i++) {
        ix[i].code = areas[i].code;
        ix[i].ix = i;
    }
    qsort(ix, n, sizeof(*ix), cmp_code);
    return ix;
}

static long find_code(const struct code_ix *ix, size_t n, const char *code)
{
    struct code_ix key = {code, 0};
    const struct code_ix *hit = bsearch(&key, ix, n, sizeof(*ix), cmp_code);
    return hit ? (long)hit->ix : -1;
}

/* --- build --- */

struct build {
    const struct ws_map_inputs *in;
    const struct ws_mapdef *md;
    struct ws_choropleth *m;
    struct ws_warnings *warn;
    struct ws_err *err;
    struct code_ix *ix;
    int *years;
    size_t n_years, cap_years;
    size_t n_matched; /* rows of the map's level, year and categories */
    char **cats;      /* borrowed from rows */
    size_t n_cats, cap_cats;
    const struct ws_field *info;
};

static bool has_year(const struct build *b, int y)
{
    for (size_t i = 0; i < b->n_years; i++)
        if (b->years[i] == y)
            return true;
    return false;
}

static bool has_cat(const struct build *b, const char *c)
{
    for (size_t i = 0; i < b->n_cats; i++)
        if (!strcmp(b->cats[i], c))
            return true;
    return false;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_pstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_year(struct build *b, int year)
{
    if (has_year(b, year))
        return;
    WS_VEC_GROW(b->years, b->n_years + 1, b->cap_years);
    b->years[b->n_years++] = year;
}

static void add_cat(struct build *b, char *category)
{
    if (!category || has_cat(b, category))
        return;
    WS_VEC_GROW(b->cats, b->n_cats + 1, b->cap_cats);
    b->cats[b->n_cats++] = category;
}

/* Years and categories of the level's rows of the map's period: single
 * years, or (period = pooled) the pooled periods, whose length is the
 * longest in the rows (0 when there are none). */
static void scan_rows(struct build *b)
{
    const struct ws_indicator_set *set = b->in->published;

    b->m->period = 1;
    if (b->md->pooled) {
        b->m->period = 0;
        for (size_t i = 0; set && i < set->n; i++)
            if (set->rows[i].period > 1 && set->rows[i].period > b->m->period)
                b->m->period = set->rows[i].period;
    }
    for (size_t i = 0; set && i < set->n; i++) {
        if (set->rows[i].level != b->m->level || set->rows[i].period != b->m->period)
            continue;
        add_year(b, set->rows[i].year);
        add_cat(b, set->rows[i].category);
    }
    if (b->n_years)
        qsort(b->years, b->n_years, sizeof(*b->years), cmp_int);
    if (b->n_cats)
        qsort(b->cats, b->n_cats, sizeof(*b->cats), cmp_pstr);
}

static void skip(struct build *b, const char *why)
{
    if (b->warn)
        ws_warnings_add(b->warn, "map '%s' (%s) is not drawn: %s", b->md->name, b->md->path, why);
}

static int choose_year(struct build *b)
{
    struct ws_strbuf list = WS_STRBUF_INIT;

    if (!b->md->year) {
        b->m->year = b->years[b->n_years - 1];
        return WS_OK;
    }
    if (has_year(b, b->md->year)) {
        b->m->year = b->md->year;
        return WS_OK;
    }
    for (size_t i = 0; i < b->n_years; i++)
        ws_strbuf_addf(&list, "%s%d", i ? ", " : "", b->years[i]);
    ws_err_set(b->err, WS_EDATA, "map '%s': year %d is not in the results", b->md->name,
               b->md->year);
    ws_err_where(b->err, "%s", b->md->path);
    ws_err_hint(b->err, "years with results: %s; or write year = latest", list.buf);
    ws_strbuf_release(&list);
    return WS_EDATA;
}

static void add_panel(struct build *b, const char *category, bool heading)
{
    struct ws_choropleth *m = b->m;
    struct ws_map_panel *p;

    m->panels = ws_xrealloc(m->panels, ws_st_mult(m->n_panels + 1, sizeof(*m->panels)));
    p = &m->panels[m->n_panels++];
    p->category = ws_xstrdup(category);
    p->heading = heading ? pretty_category(category) : NULL;
    p->areas = ws_xcalloc(m->n_areas ? m->n_areas : 1, sizeof(*p->areas));
}

/* Does the level have published rows of `category` in the map's year?  (A
 * withheld year x category has none: it gets no panel.) */
static bool cat_in_year(const struct build *b, const char *category)
{
    const struct ws_indicator_set *set = b->in->published;

    for (size_t i = 0; set && i < set->n; i++)
        if (set->rows[i].level == b->m->level && set->rows[i].year == b->m->year &&
            set->rows[i].period == b->m->period && set->rows[i].category &&
            strcmp(set->rows[i].category, category) == 0)
            return true;
    return false;
}

/* One panel per category (each), or the one asked for. */
static int choose_panels(struct build *b)
{
    const struct ws_mapdef *md = b->md;
    struct ws_strbuf list = WS_STRBUF_INIT;
    const char *near;

    if (md->each) {
        for (size_t i = 0; i < b->n_cats; i++)
            if (strcmp(b->cats[i], "all") != 0 && cat_in_year(b, b->cats[i]))
                add_panel(b, b->cats[i], true);
        return WS_OK;
    }
    if (has_cat(b, md->category)) {
        add_panel(b, md->category, false);
        return WS_OK;
    }
    for (size_t i = 0; i < b->n_cats; i++)
        ws_strbuf_addf(&list, "%s%s", i ? ", " : "", b->cats[i]);
    near = ws_suggest(md->category, (const char *const *)b->cats, b->n_cats);
    ws_err_set(b->err, WS_EDATA, "map '%s': category '%s' is not in the results", md->name,
               md->category);
    ws_err_where(b->err, "%s", md->path);
    if (near)
        ws_err_hint(b->err, "did you mean '%s'? categories: %s, each", near, list.buf);
    else
        ws_err_hint(b->err, "categories: %s, each", list.buf);
    ws_strbuf_release(&list);
    return WS_EDATA;
}

static int cluster_index(const char *s)
{
    for (int i = 0; i < N_CLUSTERS; i++)
        if (!strcmp(clusters[i].code, s))
            return i;
    return -1;
}

/* Is row r's difference significant by the definition's significance (true
 * without one)?  An unknown p-value or interval is not. */
static bool significant(const struct ws_choropleth *m, const struct ws_indicator *r)
{
    if (m->sig_p) {
        double p = ws_mapdef_value(r, m->sig_p);
        return isfinite(p) && p < m->alpha;
    }
    if (m->sig_low) {
        double lo = ws_mapdef_value(r, m->sig_low);
        double hi = ws_mapdef_value(r, m->sig_high);
        return isfinite(lo) && isfinite(hi) && (lo > m->center || hi < m->center);
    }
    return true;
}

/* The panel's areas: class unknown yet (value set), suppressed or no data.
 * Returns the number of rows matched. */
static size_t fill_panel(struct build *b, struct ws_map_panel *p)
{
    struct ws_choropleth *m = b->m;
    const struct ws_indicator_set *set = b->in->published;
    size_t matched = 0;

    for (size_t i = 0; i < m->n_areas; i++) {
        p->areas[i].cls = WS_MAP_NODATA;
        p->areas[i].value = NAN;
        p->areas[i].not_sig = false;
    }
    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        long a;
        if (r->level != m->level || r->year != m->year || r->period != m->period || !r->category ||
            strcmp(r->category, p->category) != 0)
            continue;
        a = find_code(b->ix, m->n_areas, r->code);
        if (a < 0)
            continue;
        matched++;
        if (r->suppressed != WS_SUPP_NONE) {
            // whatever the row carries, a suppressed cell shows no value
            p->areas[a].cls = WS_MAP_SUPPRESSED;
        } else if (m->categorical) {
            int c = cluster_index(r->lisa_cluster);
            p->areas[a].cls = c >= 0 ? c : WS_MAP_NODATA;
        } else {
            p->areas[a].value = ws_mapdef_value(r, m->indicator);
            p->areas[a].not_sig = !significant(m, r);
        }
    }
    return matched;
}

/* Whether row r takes part in the class breaks: the map's level, not
 * suppressed, the map's year (or any year when the breaks are pooled), a
 * category of one of the panels, a known area. */
static bool sets_breaks(const struct build *b, const struct ws_indicator *r)
{
    const struct ws_choropleth *m = b->m;

    if (r->level != m->level || r->period != m->period || r->suppressed != WS_SUPP_NONE ||
        !r->category)
        return false;
    if (r->year != m->year && !b->md->same_breaks_across_years)
        return false;
    for (size_t p = 0; p < m->n_panels; p++)
        if (!strcmp(m->panels[p].category, r->category))
            return find_code(b->ix, m->n_areas, r->code) >= 0;
    return false;
}

/* Values that set the class breaks: every non-suppressed finite value of the
 * panels' categories (all years when same_breaks_across_years). */
static double *pool_values(struct build *b, size_t *n)
{
    const struct ws_indicator_set *set = b->in->published;
    double *v = NULL;
    size_t cap = 0;

    *n = 0;
    for (size_t i = 0; i < set->n; i++) {
        double x;
        if (!sets_breaks(b, &set->rows[i]))
            continue;
        x = ws_mapdef_value(&set->rows[i], b->m->indicator);
        if (!isfinite(x))
            continue;
        WS_VEC_GROW(v, *n + 1, cap);
        v[(*n)++] = x;
    }
    return v;
}

/* Breaks symmetric around md->center (see the file comment). */
static int centered_breaks(struct build *b, const double *v, size_t n)
{
    const struct ws_mapdef *md = b->md;
    struct ws_choropleth *m = b->m;
    bool use_log = b->info->unit == WS_UNIT_RATIO && md->center > 0;
    double db[WS_MAP_MAX_CLASSES + 1];
    double *d;
    size_t half = (md->classes + 1) / 2;
    size_t got = 0;
    size_t k = 0;
    bool odd = md->classes % 2 == 1;
    double tc;
    int rc;

    for (size_t i = 0; i < n && use_log; i++)
        use_log = v[i] > 0;
    tc = use_log ? log(md->center) : md->center;
    d = ws_xmalloc(ws_st_mult(n ? n : 1, sizeof(*d)));
    for (size_t i = 0; i < n; i++)
        d[i] = fabs((use_log ? log(v[i]) : v[i]) - tc);
    rc = ws_classify(d, n, md->method, half, NULL, 0, db, &got, b->err);
    free(d);
    if (rc)
        return rc;
    db[0] = 0;
    if (!(db[got] > 0)) {
        // every value equals the center: one class around it
        db[1] = use_log ? 1e-9 : fmax(fabs(md->center) * 1e-9, 1e-12);
        got = 1;
    }
    for (size_t i = got; i >= 1; i--)
        m->breaks[k++] = use_log ? exp(tc - db[i]) : tc - db[i];
    if (!odd)
        m->breaks[k++] = md->center;
    for (size_t i = 1; i <= got; i++)
        m->breaks[k++] = use_log ? exp(tc + db[i]) : tc + db[i];
    m->n_classes = k - 1;
    return WS_OK;
}

/* Class colours for m->n_classes classes from the definition's palette:
 * the palette's own n-colour version when it has one, else evenly spread
 * colours of its nearest version (ties can leave fewer classes). */
static int class_colours(struct build *b)
{
    struct ws_choropleth *m = b->m;
    struct ws_rgb pal[WS_MAP_MAX_CLASSES + 2];
    size_t lo = 3;
    size_t hi = 9;
    size_t k = m->n_classes;
    size_t np;
    int rc;

    (void)ws_palette_range(b->md->palette, &lo, &hi);
    np = k < lo ? lo : k > hi ? hi : k;
    rc = ws_palette_get(b->md->palette, np, pal, b->err);
    if (rc) {
        ws_err_where(b->err, "%s", b->md->path);
        return rc;
    }
    for (size_t i = 0; i < k; i++) {
        size_t j = k == 1 ? np / 2 : (size_t)lround((double)i * (double)(np - 1) / (double)(k - 1));
        if (b->md->reverse_palette)
            j = np - 1 - j;
        m->colours[i].r = pal[j].r / 255.0;
        m->colours[i].g = pal[j].g / 255.0;
        m->colours[i].b = pal[j].b / 255.0;
        m->colours[i].a = 1;
    }
    return WS_OK;
}

static int classify_values(struct build *b)
{
    struct ws_choropleth *m = b->m;
    const struct ws_mapdef *md = b->md;
    size_t n = 0;
    double *v = pool_values(b, &n);
    int rc = WS_OK;

    if (n == 0) {
        m->n_classes = 0;
        free(v);
        return WS_OK;
    }
    if (md->has_center)
        rc = centered_breaks(b, v, n);
    else
        rc = ws_classify(v, n, md->method, md->classes, md->breaks, md->n_breaks, m->breaks,
                         &m->n_classes, b->err);
    free(v);
    if (rc) {
        ws_err_where(b->err, "%s", md->path);
        return rc;
    }
    return class_colours(b);
}

/* Class of value v; values outside fixed breaks go to the end classes. */
static int class_of(const struct ws_choropleth *m, double v)
{
    int c;

    if (!isfinite(v) || m->n_classes == 0)
        return WS_MAP_NODATA;
    c = ws_class_of(v, m->breaks, m->n_classes);
    if (c >= 0)
        return c;
    return v < m->breaks[0] ? 0 : (int)m->n_classes - 1;
}

/* --- legend --- */

static void add_entry(struct ws_choropleth *m, enum ws_legend_kind kind, const char *label,
                      struct ws_rgba colour, size_t count)
{
    struct ws_legend_entry *e;

    m->legend = ws_xrealloc(m->legend, ws_st_mult(m->n_legend + 1, sizeof(*m->legend)));
    e = &m->legend[m->n_legend++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->label = ws_xstrdup(label);
    e->colour = colour;
    e->count = count;
}

/* Decimals so that every break reads differently (at most 4 more). */
static int legend_decimals(const struct ws_choropleth *m, int base)
{
    char a[64];
    char b[64];

    for (int d = base; d < base + 4; d++) {
        bool distinct = true;
        for (size_t i = 0; i < m->n_classes && distinct; i++) {
            ws_choropleth_format_number(m->breaks[i], d, m->en, a, sizeof(a));
            ws_choropleth_format_number(m->breaks[i + 1], d, m->en, b, sizeof(b));
            distinct = strcmp(a, b) != 0;
        }
        if (distinct)
            return d;
    }
    return base + 4;
}

static void class_label(const struct ws_choropleth *m, size_t i, const struct ws_mapdef *md,
                        bool open_low, bool open_high, struct ws_strbuf *sb)
{
    static const enum str_id box[6] = {S_BOX_LOW, S_BOX_Q1, S_BOX_Q2,
                                       S_BOX_Q3,  S_BOX_Q4, S_BOX_HIGH};
    char lo[64];
    char hi[64];

    ws_choropleth_format_number(m->breaks[i], m->decimals, m->en, lo, sizeof(lo));
    ws_choropleth_format_number(m->breaks[i + 1], m->decimals, m->en, hi, sizeof(hi));
    if (md->method == WS_CLASS_BOX && m->n_classes == 6)
        ws_strbuf_addf(sb, "%s: ", str(m, box[i]));
    if (open_low && i == 0)
        ws_strbuf_addf(sb, "\xe2\x89\xa4 %s", hi); // <=
    else if (open_high && i + 1 == m->n_classes)
        ws_strbuf_addf(sb, "> %s", lo);
    else
        ws_strbuf_addf(sb, "%s \xe2\x80\x93 %s", lo, hi); // en dash
}

static void count_classes(const struct ws_choropleth *m, size_t *counts, size_t n_counts,
                          size_t *n_supp, size_t *n_nodata, size_t *n_notsig)
{
    memset(counts, 0, n_counts * sizeof(*counts));
    *n_supp = 0;
    *n_nodata = 0;
    *n_notsig = 0;
    for (size_t p = 0; p < m->n_panels; p++) {
        for (size_t i = 0; i < m->n_areas; i++) {
            const struct ws_map_area *a = &m->panels[p].areas[i];
            if (!a->in_focus)
                continue;
            if (a->cls == WS_MAP_SUPPRESSED)
                (*n_supp)++;
            else if (a->cls == WS_MAP_NODATA)
                (*n_nodata)++;
            else if (a->cls == WS_MAP_NOTSIG)
                (*n_notsig)++;
            else if ((size_t)a->cls < n_counts)
                counts[a->cls]++;
        }
    }
}

/* "niet significant (p >= 0,05)" or "(interval bevat 1)". */
static void add_notsig_entry(struct ws_choropleth *m, size_t n)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    char num[64];

    if (m->sig_p) {
        ws_choropleth_format_number(m->alpha, m->alpha < 0.01 ? 3 : 2, m->en, num, sizeof(num));
        ws_strbuf_adds(&sb, str(m, S_NOTSIG_P));
    } else {
        ws_choropleth_format_number(m->center, m->center == floor(m->center) ? 0 : 2, m->en, num,
                                    sizeof(num));
        ws_strbuf_adds(&sb, str(m, S_NOTSIG_CI));
    }
    ws_strbuf_adds(&sb, num);
    ws_strbuf_addch(&sb, ')');
    add_entry(m, WS_LEGEND_NOTSIG, sb.buf, notsig_bg, n);
    ws_strbuf_release(&sb);
}

static void build_legend(struct build *b)
{
    struct ws_choropleth *m = b->m;
    size_t counts[WS_MAP_MAX_CLASSES > N_CLUSTERS ? WS_MAP_MAX_CLASSES : N_CLUSTERS];
    size_t n_supp;
    size_t n_nodata;
    size_t n_notsig;
    bool open_low = false;
    bool open_high = false;

    count_classes(m, counts, sizeof(counts) / sizeof(counts[0]), &n_supp, &n_nodata, &n_notsig);
    if (m->categorical) {
        for (int i = 0; i < N_CLUSTERS; i++) {
            if (i == ISOLATED_IX && counts[i] == 0)
                continue;
            add_entry(m, WS_LEGEND_CLASS, str(m, clusters[i].label), clusters[i].colour, counts[i]);
            m->legend[m->n_legend - 1].outline_dashed = i == ISOLATED_IX;
        }
    } else {
        m->decimals = legend_decimals(m, unit_decimals(b->info->unit));
        for (size_t p = 0; p < m->n_panels && b->md->method == WS_CLASS_FIXED; p++) {
            for (size_t i = 0; i < m->n_areas; i++) {
                double v = m->panels[p].areas[i].value;
                open_low = open_low || (isfinite(v) && v < m->breaks[0]);
                open_high = open_high || (isfinite(v) && v > m->breaks[m->n_classes]);
            }
        }
        for (size_t i = 0; i < m->n_classes; i++) {
            struct ws_strbuf sb = WS_STRBUF_INIT;
            class_label(m, i, b->md, open_low, open_high, &sb);
            add_entry(m, WS_LEGEND_CLASS, sb.buf, m->colours[i], counts[i]);
            ws_strbuf_release(&sb);
        }
    }
    if (n_notsig)
        add_notsig_entry(m, n_notsig);
    if (n_supp)
        add_entry(m, WS_LEGEND_SUPPRESSED, str(m, S_SUPPRESSED), supp_bg, n_supp);
    if (n_nodata)
        add_entry(m, WS_LEGEND_NODATA, str(m, S_NODATA), nodata_bg, n_nodata);
}

/* --- titles --- */

static const char *wijk_name(const struct ws_map_inputs *in, const char *code)
{
    for (size_t i = 0; i < in->n_wijken; i++)
        if (!strcmp(in->wijken[i].code, code))
            return in->wijken[i].name ? in->wijken[i].name : code;
    return code;
}

static void build_titles(struct build *b)
{
    struct ws_choropleth *m = b->m;
    const struct ws_mapdef *md = b->md;
    const char *title = m->en && md->title_en ? md->title_en : md->title;
    const char *sub = m->en && md->subtitle_en ? md->subtitle_en : md->subtitle;
    struct ws_strbuf sb = WS_STRBUF_INIT;
    char date[32];

    m->title = ws_xstrdup(title ? title : (m->en ? b->info->legend_en : b->info->legend_nl));
    m->kicker = ws_xstrdup(b->in->study_title);
    if (sub)
        ws_strbuf_addf(&sb, "%s \xc2\xb7 ", sub); // middle dot
    if (m->focus_code) {
        // "Wijk Centrum: buurten, 2024, ..."
        char *lvl = ws_xstrdup(str(m, level_word(m->level)));
        lvl[0] = (char)tolower((unsigned char)lvl[0]);
        ws_strbuf_addf(&sb, "%s %s: %s, ", str(m, S_WIJK), wijk_name(b->in, m->focus_code), lvl);
        free(lvl);
    } else {
        ws_strbuf_addf(&sb, "%s, ", str(m, level_word(m->level)));
    }
    if (m->period > 1 && !strncmp(m->indicator, "trend_", 6))
        ws_strbuf_addf(&sb, "%d\u2013%d %s %d\u2013%d", m->year - m->period + 1, m->year,
                       str(m, S_VERSUS), m->year - 2 * m->period + 1, m->year - m->period);
    else if (m->period > 1)
        ws_strbuf_addf(&sb, "%d\u2013%d", m->year - m->period + 1, m->year);
    else if (!strncmp(m->indicator, "trend_", 6))
        ws_strbuf_addf(&sb, "%d %s %d", m->year, str(m, S_VERSUS), m->year - 1);
    else
        ws_strbuf_addf(&sb, "%d", m->year);
    if (md->each) {
        ws_strbuf_addf(&sb, ", %s", str(m, S_PER_CATEGORY));
    } else if (!strcmp(md->category, "all")) {
        ws_strbuf_addf(&sb, ", %s", str(m, S_ALL_CATEGORIES));
    } else {
        char *c = pretty_category(md->category);
        c[0] = (char)tolower((unsigned char)c[0]);
        ws_strbuf_addf(&sb, ", %s: %s", str(m, S_CATEGORY), c);
        free(c);
    }
    if (md->same_breaks_across_years)
        ws_strbuf_addf(&sb, " (%s)", str(m, S_SAME_BREAKS));
    m->subtitle = ws_strbuf_detach(&sb);

    ws_choropleth_date(date, sizeof(date));
    if (b->in->date)
        (void)snprintf(date, sizeof(date), "%s", b->in->date);
    if (b->in->source_note && b->in->source_note[0])
        ws_strbuf_addf(&sb, "%s: %s \xc2\xb7 %s, %s", str(m, S_SOURCE), b->in->source_note,
                       str(m, S_MAP_BY), date);
    else
        ws_strbuf_addf(&sb, "%s, %s", str(m, S_MAP_BY), date);
    m->source_line = ws_strbuf_detach(&sb);
}

/* --- wijk shapes without slivers --- */

static double ring_area_abs(const struct ws_geom *g, size_t r, double *perimeter)
{
    double s = 0;
    double per = 0;

    for (size_t i = g->ring_point[r]; i + 1 < g->ring_point[r + 1]; i++) {
        s += g->xy[2 * i] * g->xy[2 * i + 3] - g->xy[2 * i + 2] * g->xy[2 * i + 1];
        per += hypot(g->xy[2 * i + 2] - g->xy[2 * i], g->xy[2 * i + 3] - g->xy[2 * i + 1]);
    }
    if (perimeter)
        *perimeter = per;
    return fabs(s / 2);
}

/* A hole that is a gap between buurten, not a real enclave: tiny next to
 * its polygon, or a thin sliver (isoperimetric quotient 4 pi A / P^2 far
 * below a compact shape's). */
static bool sliver(const struct ws_geom *g, size_t hole, double outer_area)
{
    double per = 0;
    double a = ring_area_abs(g, hole, &per);
    double q = per > 0 ? 4 * M_PI * a / (per * per) : 0;

    return a < 0.005 * outer_area || (q < 0.1 && a < 0.05 * outer_area);
}

static void clean_geom(const struct ws_geom *src, struct ws_geom *dst)
{
    size_t nr = 0;
    size_t np = 0;

    ws_geom_init(dst);
    dst->poly_ring = ws_xcalloc(src->n_polys + 1, sizeof(size_t));
    dst->ring_point = ws_xcalloc(src->n_rings + 1, sizeof(size_t));
    dst->xy = ws_xmalloc(ws_st_mult(src->n_points ? src->n_points : 1, 2 * sizeof(double)));
    for (size_t p = 0; p < src->n_polys; p++) {
        size_t r0 = src->poly_ring[p];
        double outer = ring_area_abs(src, r0, NULL);
        dst->poly_ring[p] = nr;
        for (size_t r = r0; r < src->poly_ring[p + 1]; r++) {
            size_t a = src->ring_point[r];
            size_t b = src->ring_point[r + 1];
            if (r > r0 && sliver(src, r, outer))
                continue;
            dst->ring_point[nr++] = np;
            memcpy(dst->xy + 2 * np, src->xy + 2 * a, (b - a) * 2 * sizeof(double));
            np += b - a;
        }
    }
    dst->poly_ring[src->n_polys] = nr;
    dst->ring_point[nr] = np;
    dst->n_polys = src->n_polys;
    dst->n_rings = nr;
    dst->n_points = np;
}

/* The shape drawn for area i of the map's level. */
static const struct ws_geom *geom_of(const struct ws_choropleth *m, size_t i)
{
    if (m->level == WS_LEVEL_WIJK)
        return &m->wijk_geoms[i];
    if (m->level == WS_LEVEL_GEBIED)
        return &m->gebied_geoms[i];
    return &m->areas[i].geom;
}

/* --- extent and focus --- */

static void grow(struct ws_bbox *a, struct ws_bbox b)
{
    if (b.minx > b.maxx)
        return;
    if (a->minx > a->maxx) {
        *a = b;
        return;
    }
    a->minx = fmin(a->minx, b.minx);
    a->miny = fmin(a->miny, b.miny);
    a->maxx = fmax(a->maxx, b.maxx);
    a->maxy = fmax(a->maxy, b.maxy);
}

static bool area_in_focus(const struct ws_choropleth *m, size_t i)
{
    const struct ws_area *a = &m->areas[i];

    if (!m->focus_code)
        return true;
    if (m->level == WS_LEVEL_WIJK)
        return !strcmp(a->code, m->focus_code);
    return a->parent && !strcmp(a->parent, m->focus_code);
}

static int set_extent(struct build *b)
{
    struct ws_choropleth *m = b->m;
    struct ws_bbox e = {1, 1, 0, 0};
    size_t n_focus = 0;

    for (size_t i = 0; i < m->n_areas; i++) {
        bool in = area_in_focus(m, i);
        for (size_t p = 0; p < m->n_panels; p++)
            m->panels[p].areas[i].in_focus = in;
        if (in) {
            grow(&e, ws_geom_bbox(geom_of(m, i)));
            n_focus++;
        }
    }
    if (m->focus_code && n_focus == 0) {
        ws_err_set(b->err, WS_EDATA, "map '%s': wijk '%s' has no areas", b->md->name,
                   m->focus_code);
        ws_err_where(b->err, "%s", b->md->path);
        ws_err_hint(b->err, "give the code of a wijk of the study (WK...)");
        return WS_EDATA;
    }
    if (m->focus_code) {
        // a margin so the faded neighbours show where the wijk lies
        double dx = (e.maxx - e.minx) * 0.08 + 50;
        double dy = (e.maxy - e.miny) * 0.08 + 50;
        e.minx -= dx;
        e.maxx += dx;
        e.miny -= dy;
        e.maxy += dy;
    }
    m->extent = e;
    return WS_OK;
}

static void page_size(struct ws_choropleth *m, const struct ws_mapdef *md)
{
    double dpi = md->dpi > 0 ? md->dpi : 150;
    int w = md->width_px > 0 ? md->width_px : (int)lround(595 * dpi / 72);
    int h = md->height_px > 0 ? md->height_px : (int)lround(842 * dpi / 72);

    m->px_per_pt = dpi / 72.0;
    m->page_w_pt = w / m->px_per_pt;
    m->page_h_pt = h / m->px_per_pt;
}

/* Classes of every panel's areas, from the values set by fill_panel. */
static void assign_classes(struct ws_choropleth *m)
{
    for (size_t p = 0; p < m->n_panels && !m->categorical; p++) {
        for (size_t i = 0; i < m->n_areas; i++) {
            struct ws_map_area *a = &m->panels[p].areas[i];
            if (a->cls == WS_MAP_NODATA)
                a->cls = class_of(m, a->value);
            if (a->cls >= 0 && a->not_sig)
                a->cls = WS_MAP_NOTSIG;
            if (a->cls < 0)
                a->value = NAN;
        }
    }
}

/* Whether some area has a value (a class): a map of only hatching and
 * "geen data" says nothing. */
static bool any_value(const struct ws_choropleth *m)
{
    for (size_t p = 0; p < m->n_panels; p++)
        for (size_t i = 0; i < m->n_areas; i++)
            if (m->panels[p].areas[i].cls >= 0)
                return true;
    return false;
}

/* Why a map without a single value is not drawn, in the user's terms. */
static const char *no_value_reason(const struct build *b)
{
    const struct ws_choropleth *m = b->m;
    bool trend = strncmp(m->indicator, "trend_", 6) == 0;
    size_t n_supp = 0;

    for (size_t p = 0; p < m->n_panels; p++)
        for (size_t i = 0; i < m->n_areas; i++)
            n_supp += m->panels[p].areas[i].cls == WS_MAP_SUPPRESSED;
    if (trend && b->n_years < 2)
        return "it has no values (a trend needs results of two years)";
    if (n_supp > 0 && n_supp == b->n_matched)
        return "every area with results is geheim (suppressed) in this year";
    if (trend)
        return "no area has a published change on the previous year (it is geheim this year or "
               "the year before)";
    return "it has no values in the published results";
}

static int build_model(struct build *b)
{
    struct ws_choropleth *m = b->m;
    int rc;

    scan_rows(b);
    if (m->period == 0) {
        skip(b, "period = pooled, but the study pools no years (set [analysis] period = 2 or "
                "more in the study, or write period = single)");
        return WS_OK;
    }
    if (m->n_areas == 0 || b->n_years == 0) {
        skip(b, m->level == WS_LEVEL_WIJK && b->in->n_wijken == 0
                    ? "the study has no wijken (add [boundaries] parent)"
                    : "there are no published results at this level");
        return WS_OK;
    }
    rc = choose_year(b);
    rc = rc ? rc : choose_panels(b);
    if (rc)
        return rc;
    if (m->n_panels == 0) {
        skip(b, "category = each, but the study has no categories");
        return WS_OK;
    }
    for (size_t p = 0; p < m->n_panels; p++)
        b->n_matched += fill_panel(b, &m->panels[p]);
    rc = m->categorical ? WS_OK : classify_values(b);
    if (rc)
        return rc;
    assign_classes(m);
    if (!any_value(m)) {
        skip(b, no_value_reason(b));
        return WS_OK;
    }
    rc = set_extent(b);
    if (rc)
        return rc;
    build_legend(b);
    build_titles(b);
    page_size(m, b->md);
    b->m = NULL; // built: hand over
    return WS_OK;
}

int ws_choropleth_build(const struct ws_map_inputs *in, const struct ws_mapdef *md,
                        const char *focus_wijk, struct ws_warnings *warn,
                        struct ws_choropleth **out, struct ws_err *err)
{
    struct build b;
    struct ws_choropleth *m = ws_xcalloc(1, sizeof(*m));
    int rc;

    *out = NULL;
    memset(&b, 0, sizeof(b));
    b.in = in;
    b.md = md;
    b.m = m;
    b.warn = warn;
    b.err = err;
    b.info = info_of(md->indicator);
    m->in = in;
    m->level = md->level;
    m->areas = md->level == WS_LEVEL_WIJK     ? in->wijken
               : md->level == WS_LEVEL_GEBIED ? in->gebieden
                                              : in->buurten;
    m->n_areas = md->level == WS_LEVEL_WIJK     ? in->n_wijken
                 : md->level == WS_LEVEL_GEBIED ? in->n_gebieden
                                                : in->n_buurten;
    m->en = in->language && !strcmp(in->language, "en");
    m->name = ws_xstrdup(md->name);
    m->indicator = ws_xstrdup(md->indicator);
    m->categorical = md->categorical;
    m->sig_p = md->sig_p ? ws_xstrdup(md->sig_p) : NULL;
    m->sig_low = md->sig_low ? ws_xstrdup(md->sig_low) : NULL;
    m->sig_high = md->sig_high ? ws_xstrdup(md->sig_high) : NULL;
    m->alpha = md->alpha;
    m->center = md->center;
    m->focus_code = ws_xstrdup(focus_wijk);
    m->labels = md->labels;
    if (focus_wijk) // a wijk map names what is in it
        m->labels = md->level == WS_LEVEL_WIJK     ? WS_MAP_LABELS_WIJK
                    : md->level == WS_LEVEL_GEBIED ? WS_MAP_LABELS_GEBIED
                                                   : WS_MAP_LABELS_BUURT;
    m->wijk_geoms = ws_xcalloc(in->n_wijken ? in->n_wijken : 1, sizeof(*m->wijk_geoms));
    for (size_t i = 0; i < in->n_wijken; i++)
        clean_geom(&in->wijken[i].geom, &m->wijk_geoms[i]);
    m->gebied_geoms = ws_xcalloc(in->n_gebieden ? in->n_gebieden : 1, sizeof(*m->gebied_geoms));
    for (size_t i = 0; i < in->n_gebieden; i++)
        clean_geom(&in->gebieden[i].geom, &m->gebied_geoms[i]);
    b.ix = make_index(m->areas, m->n_areas);

    rc = build_model(&b);
    if (!rc && b.m == NULL)
        *out = m;
    else
        ws_choropleth_free(m);
    free(b.ix);
    free(b.years);
    free(b.cats);
    return rc;
}

static void free_texts(struct ws_choropleth *m)
{
    for (size_t i = 0; i < m->n_placed; i++)
        free(m->placed[i].text);
    free(m->placed);
    m->placed = NULL;
    m->n_placed = 0;
    for (size_t i = 0; i < m->n_texts; i++)
        free(m->texts[i]);
    free(m->texts);
    m->texts = NULL;
    m->n_texts = 0;
}

void ws_choropleth_free(struct ws_choropleth *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_legend; i++)
        free(m->legend[i].label);
    free(m->legend);
    for (size_t p = 0; p < m->n_panels; p++) {
        free(m->panels[p].category);
        free(m->panels[p].heading);
        free(m->panels[p].areas);
    }
    free(m->panels);
    for (size_t i = 0; m->wijk_geoms && i < m->in->n_wijken; i++)
        ws_geom_release(&m->wijk_geoms[i]);
    free(m->wijk_geoms);
    for (size_t i = 0; m->gebied_geoms && i < m->in->n_gebieden; i++)
        ws_geom_release(&m->gebied_geoms[i]);
    free(m->gebied_geoms);
    free_texts(m);
    free(m->name);
    free(m->indicator);
    free(m->sig_p);
    free(m->sig_low);
    free(m->sig_high);
    free(m->kicker);
    free(m->title);
    free(m->subtitle);
    free(m->source_line);
    free(m->focus_code);
    free(m);
}

/* --- geometry for labels --- */

/* Signed shoelace area of ring r. */
static double ring_area(const struct ws_geom *g, size_t r)
{
    double s = 0;
    for (size_t i = g->ring_point[r]; i + 1 < g->ring_point[r + 1]; i++)
        s += g->xy[2 * i] * g->xy[2 * i + 3] - g->xy[2 * i + 2] * g->xy[2 * i + 1];
    return s / 2;
}

static size_t largest_part(const struct ws_geom *g)
{
    size_t best = 0;
    double best_a = -1;

    for (size_t p = 0; p < g->n_polys; p++) {
        double a = 0;
        for (size_t r = g->poly_ring[p]; r < g->poly_ring[p + 1]; r++)
            a += (r == g->poly_ring[p] ? 1 : -1) * fabs(ring_area(g, r));
        if (a > best_a) {
            best_a = a;
            best = p;
        }
    }
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Inside stretches of part p on the line at height y (even-odd): the widest
 * one in *x0, *x1, and the one containing x (if any) in *cx0, *cx1. */
struct stretch {
    double x0, x1;
};

static size_t crossings(const struct ws_geom *g, size_t p, double y, double **xs, size_t *cap)
{
    size_t n = 0;

    for (size_t r = g->poly_ring[p]; r < g->poly_ring[p + 1]; r++) {
        for (size_t i = g->ring_point[r]; i + 1 < g->ring_point[r + 1]; i++) {
            double ya = g->xy[2 * i + 1];
            double yb = g->xy[2 * i + 3];
            if ((ya > y) == (yb > y))
                continue;
            WS_VEC_GROW(*xs, n + 1, *cap);
            (*xs)[n++] = g->xy[2 * i] + (y - ya) / (yb - ya) * (g->xy[2 * i + 2] - g->xy[2 * i]);
        }
    }
    if (n > 1)
        qsort(*xs, n, sizeof(**xs), cmp_double);
    return n;
}

static struct stretch widest(const double *xs, size_t n)
{
    struct stretch best = {0, -1};

    for (size_t i = 0; i + 1 < n; i += 2)
        if (xs[i + 1] - xs[i] > best.x1 - best.x0)
            best = (struct stretch){xs[i], xs[i + 1]};
    return best;
}

static struct stretch containing(const double *xs, size_t n, double x)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        if (xs[i] <= x && x <= xs[i + 1])
            return (struct stretch){xs[i], xs[i + 1]};
    return (struct stretch){0, -1};
}

/* A point well inside the largest part of g (world units) and the width of
 * the inside stretch through it; false for an empty geometry. */
static bool interior_point(const struct ws_geom *g, double *x, double *y, double *width)
{
    size_t p;
    double *xs = NULL;
    size_t cap = 0;
    double miny = INFINITY;
    double maxy = -INFINITY;
    struct stretch best = {0, -1};
    double best_y = 0;
    double best_score = 0;

    if (!g->n_polys)
        return false;
    p = largest_part(g);
    for (size_t i = g->ring_point[g->poly_ring[p]]; i < g->ring_point[g->poly_ring[p] + 1]; i++) {
        miny = fmin(miny, g->xy[2 * i + 1]);
        maxy = fmax(maxy, g->xy[2 * i + 1]);
    }
    // try nine heights, the middle one first; keep the widest stretch, with
    // a bonus for heights near the middle so labels sit centrally
    for (int k = 0; k < 9; k++) {
        static const double at[9] = {0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9};
        double yy = miny + (maxy - miny) * at[k];
        size_t n = crossings(g, p, yy, &xs, &cap);
        struct stretch s = widest(xs, n);
        double score = (s.x1 - s.x0) * (1.0 - fabs(at[k] - 0.5));
        if (score > best_score) {
            best_score = score;
            best = s;
            best_y = yy;
        }
    }
    free(xs);
    if (!(best.x1 > best.x0))
        return false;
    *x = (best.x0 + best.x1) / 2;
    *y = best_y;
    *width = best.x1 - best.x0;
    return true;
}

/* True when the page box [x0, x1] at world heights y - dh and y + dh lies
 * inside the largest part of g too (a label must not stick out of a thin
 * polygon). */
static bool fits_vertically(const struct ws_geom *g, double x0, double x1, double y, double dh)
{
    size_t p = largest_part(g);
    double *xs = NULL;
    size_t cap = 0;
    bool ok = true;

    for (int k = -1; k <= 1 && ok; k += 2) {
        size_t n = crossings(g, p, y + k * dh, &xs, &cap);
        struct stretch s = containing(xs, n, (x0 + x1) / 2);
        ok = s.x0 <= x0 && x1 <= s.x1;
    }
    free(xs);
    return ok;
}

/* --- drawing --- */

struct page {
    struct ws_canvas *c;
    struct ws_choropleth *m;
    double u; /* size unit: 1 on A4, larger on larger pages */
    double W, H, margin;
    bool landscape;
    /* map frame */
    double fx, fy, fw, fh;
    /* legend box (top left) and its columns */
    double lx, ly, lw, lh;
    size_t legend_cols, legend_rows;
    double legend_col_w, count_w;
    /* scale bar and north arrow: bottom-right corner of their box */
    double sx, sy;
    /* placed boxes (labels and points) for collision tests */
    struct box {
        double x0, y0, x1, y1;
    } * boxes;
    size_t n_boxes, cap_boxes;
};

static void record_text(struct ws_choropleth *m, const char *t)
{
    m->texts = ws_xrealloc(m->texts, ws_st_mult(m->n_texts + 1, sizeof(*m->texts)));
    m->texts[m->n_texts++] = ws_xstrdup(t);
}

static void text(struct page *pg, double x, double y, double ax, double ay, double size, bool bold,
                 bool italic, const char *t, const struct ws_rgba *col, bool with_halo)
{
    struct ws_font f = {size, bold, italic};

    record_text(pg->m, t);
    ws_canvas_text(pg->c, x, y, ax, ay, &f, t, col, with_halo ? &halo : NULL,
                   with_halo ? size * 0.3 : 0);
}

static void text_size(struct page *pg, double size, bool bold, const char *t, double *w, double *h)
{
    struct ws_font f = {size, bold, false};
    ws_canvas_text_size(pg->c, &f, t, w, h);
}

/* A font size at most `size` at which t fits in max_w. */
static double fit_size(struct page *pg, double size, bool bold, const char *t, double max_w)
{
    double w;
    double h;

    text_size(pg, size, bold, t, &w, &h);
    if (w > max_w && w > 0)
        size = fmax(size * max_w / w, size * 0.5);
    return size;
}

/* Legend geometry: columns of (swatch, label, count). */
static void measure_legend(struct page *pg, double max_w)
{
    struct ws_choropleth *m = pg->m;
    double u = pg->u;
    double label_w = 0;
    double count_w = 0;
    double w;
    double h;
    char num[32];

    for (size_t i = 0; i < m->n_legend; i++) {
        text_size(pg, 8 * u, false, m->legend[i].label, &w, &h);
        label_w = fmax(label_w, w);
        (void)snprintf(num, sizeof(num), "%zu", m->legend[i].count);
        text_size(pg, 8 * u, false, num, &w, &h);
        count_w = fmax(count_w, w);
    }
    if (m->n_panels > 1)
        count_w = 0; // counts over panels mean little; shown on single maps only
    pg->count_w = count_w;
    pg->legend_col_w = 18 * u + 6 * u + label_w + (count_w > 0 ? 8 * u + count_w : 0) + 14 * u;
    {
        double fit = floor(max_w / pg->legend_col_w);
        size_t n = m->n_legend ? m->n_legend : 1;
        size_t cols = fit >= 1 && fit < (double)n ? (size_t)fit : n;
        // balance the columns: as few rows as the columns allow
        size_t rows = (n + cols - 1) / cols;
        pg->legend_rows = rows;
        pg->legend_cols = (n + rows - 1) / rows;
    }
    pg->lw = (double)pg->legend_cols * pg->legend_col_w;
    pg->lh = 16 * u + (double)pg->legend_rows * 13.5 * u;
}

static double header_height(struct page *pg)
{
    double u = pg->u;
    return (pg->m->kicker ? 14 * u : 0) + 22 * u + 16 * u;
}

static void layout(struct page *pg)
{
    double u = pg->u;
    double top = pg->margin + header_height(pg);
    double footer = 16 * u;
    double tools_w = 100 * u; /* scale bar and north arrow */

    if (!pg->landscape) {
        measure_legend(pg, pg->W - 2 * pg->margin - tools_w);
        pg->fx = pg->margin;
        pg->fy = top + 4 * u;
        pg->fw = pg->W - 2 * pg->margin;
        pg->fh = pg->H - pg->margin - footer - pg->lh - 10 * u - pg->fy;
        pg->lx = pg->margin;
        pg->ly = pg->fy + pg->fh + 10 * u;
        pg->sx = pg->W - pg->margin;
        pg->sy = pg->ly + pg->lh;
    } else {
        measure_legend(pg, 0.3 * pg->W);
        pg->fx = pg->margin;
        pg->fy = top + 4 * u;
        pg->fw = pg->W - 2 * pg->margin - pg->lw - 12 * u;
        pg->fh = pg->H - pg->margin - footer - pg->fy;
        pg->lx = pg->fx + pg->fw + 12 * u;
        pg->ly = pg->fy;
        pg->sx = pg->W - pg->margin;
        pg->sy = pg->fy + pg->fh;
    }
}

static void draw_header(struct page *pg)
{
    struct ws_choropleth *m = pg->m;
    double u = pg->u;
    double y = pg->margin;
    double max_w = pg->W - 2 * pg->margin;

    if (m->kicker) {
        text(pg, pg->margin, y, 0, 0, fit_size(pg, 8.5 * u, false, m->kicker, max_w), false, false,
             m->kicker, &ink_soft, false);
        y += 14 * u;
    }
    text(pg, pg->margin, y, 0, 0, fit_size(pg, 16 * u, true, m->title, max_w), true, false,
         m->title, &ink, false);
    y += 22 * u;
    text(pg, pg->margin, y, 0, 0, fit_size(pg, 10 * u, false, m->subtitle, max_w), false, false,
         m->subtitle, &ink_soft, false);
}

static void draw_footer(struct page *pg)
{
    double max_w = pg->W - 2 * pg->margin;
    double size = fit_size(pg, 7 * pg->u, false, pg->m->source_line, max_w);

    text(pg, pg->margin, pg->H - pg->margin, 0, 1, size, false, false, pg->m->source_line,
         &ink_soft, false);
}

static void swatch(struct page *pg, const struct ws_legend_entry *e, double x, double y, double w,
                   double h)
{
    double u = pg->u;

    ws_canvas_new_path(pg->c);
    ws_canvas_rect(pg->c, x, y, w, h);
    if (e->kind == WS_LEGEND_SUPPRESSED)
        ws_canvas_hatch(pg->c, &supp_bg, &supp_fg, 3.2 * u, 0.55 * u);
    else if (e->kind == WS_LEGEND_NOTSIG)
        ws_canvas_fill(pg->c, &notsig_bg);
    else if (e->kind == WS_LEGEND_NODATA)
        ws_canvas_dots(pg->c, &nodata_bg, &nodata_fg, 4 * u, 0.7 * u);
    else
        ws_canvas_fill(pg->c, &e->colour);
    ws_canvas_rect(pg->c, x, y, w, h);
    ws_canvas_stroke(pg->c, e->outline_dashed ? &isolated_line : &swatch_line, 0.5 * u,
                     e->outline_dashed ? 1.2 * u : 0);
}

static void draw_legend(struct page *pg)
{
    struct ws_choropleth *m = pg->m;
    const struct ws_field *info = info_of(m->indicator);
    double u = pg->u;
    char num[32];

    text(pg, pg->lx, pg->ly, 0, 0, 8.5 * u, true, false, m->en ? info->legend_en : info->legend_nl,
         &ink, false);
    for (size_t i = 0; i < m->n_legend; i++) {
        const struct ws_legend_entry *e = &m->legend[i];
        size_t col = i / pg->legend_rows;
        size_t row = i % pg->legend_rows;
        double x = pg->lx + (double)col * pg->legend_col_w;
        double y = pg->ly + 16 * u + (double)row * 13.5 * u;
        swatch(pg, e, x, y, 18 * u, 10 * u);
        text(pg, x + 24 * u, y + 5 * u, 0, 0.5, 8 * u, false, false, e->label, &ink, false);
        if (pg->count_w > 0) {
            (void)snprintf(num, sizeof(num), "%zu", e->count);
            text(pg, x + pg->legend_col_w - 14 * u, y + 5 * u, 1, 0.5, 8 * u, false, false, num,
                 &ink_soft, false);
        }
    }
}

/* Scale bar with its right end at (x1, y): two halves, black and white. */
static void draw_scalebar(struct page *pg, const struct ws_viewport *vp, double x1, double y)
{
    double u = pg->u;
    double len_pt = 0;
    double km = ws_viewport_scalebar_km(vp, 90 * u, &len_pt);
    double x0 = x1 - len_pt;
    double h = 3.5 * u;
    char label[48];
    char num[32];

    if (km <= 0)
        return;
    ws_canvas_new_path(pg->c);
    ws_canvas_rect(pg->c, x0, y - h, len_pt / 2, h);
    ws_canvas_fill(pg->c, &ink);
    ws_canvas_rect(pg->c, x0 + len_pt / 2, y - h, len_pt / 2, h);
    ws_canvas_fill(pg->c, &white);
    ws_canvas_rect(pg->c, x0, y - h, len_pt, h);
    ws_canvas_stroke(pg->c, &ink, 0.6 * u, 0);
    if (km < 1)
        ws_choropleth_format_number(km * 1000, 0, pg->m->en, num, sizeof(num));
    else
        ws_choropleth_format_number(km, 0, pg->m->en, num, sizeof(num));
    (void)snprintf(label, sizeof(label), "%s %s", num, km < 1 ? "m" : "km");
    text(pg, x0, y - h - 2 * u, 0.5, 1, 7 * u, false, false, "0", &ink, false);
    text(pg, x1, y - h - 2 * u, 0.5, 1, 7 * u, false, false, label, &ink, false);
}

/* North arrow with its base centre at (x, y). */
static void draw_north(struct page *pg, double x, double y)
{
    double u = pg->u;
    double hgt = 18 * u;
    double half = 5 * u;

    ws_canvas_new_path(pg->c);
    ws_canvas_move_to(pg->c, x, y - hgt);
    ws_canvas_line_to(pg->c, x - half, y);
    ws_canvas_line_to(pg->c, x, y - hgt * 0.28);
    ws_canvas_close_path(pg->c);
    ws_canvas_fill(pg->c, &ink);
    ws_canvas_move_to(pg->c, x, y - hgt);
    ws_canvas_line_to(pg->c, x + half, y);
    ws_canvas_line_to(pg->c, x, y - hgt * 0.28);
    ws_canvas_close_path(pg->c);
    ws_canvas_fill(pg->c, &white);
    ws_canvas_move_to(pg->c, x, y - hgt);
    ws_canvas_line_to(pg->c, x - half, y);
    ws_canvas_line_to(pg->c, x, y - hgt * 0.28);
    ws_canvas_line_to(pg->c, x + half, y);
    ws_canvas_close_path(pg->c);
    ws_canvas_stroke(pg->c, &ink, 0.6 * u, 0);
    text(pg, x, y - hgt - 1.5 * u, 0.5, 1, 8 * u, true, false, "N", &ink, false);
}

/* Page box of an area, from its world box. */
static bool visible(const struct ws_viewport *vp, const struct ws_geom *g, double x, double y,
                    double w, double h)
{
    struct ws_bbox b = ws_geom_bbox(g);
    double x0;
    double y0;
    double x1;
    double y1;

    if (b.minx > b.maxx)
        return false;
    ws_viewport_to_page(vp, b.minx, b.maxy, &x0, &y0);
    ws_viewport_to_page(vp, b.maxx, b.miny, &x1, &y1);
    return x1 >= x && x0 <= x + w && y1 >= y && y0 <= y + h;
}

struct frame {
    double x, y, w, h;
    struct ws_viewport vp;
    bool *vis; /* per area of the level */
};

/* One path and one fill per class, then suppressed (hatched) and no data
 * (dotted). */
static void draw_fills(struct page *pg, struct ws_map_panel *p, const struct frame *f)
{
    struct ws_choropleth *m = pg->m;
    double u = pg->u;
    size_t n_cls = m->categorical ? N_CLUSTERS : m->n_classes;

    for (int cls = WS_MAP_NOTSIG; cls < (int)n_cls; cls++) {
        size_t n = 0;
        ws_canvas_new_path(pg->c);
        for (size_t i = 0; i < m->n_areas; i++) {
            if (p->areas[i].cls != cls || !f->vis[i])
                continue;
            ws_canvas_add_geom(pg->c, geom_of(m, i), &f->vp);
            p->areas[i].n_drawn++;
            n++;
        }
        if (!n)
            continue;
        if (cls == WS_MAP_NOTSIG)
            ws_canvas_fill(pg->c, &notsig_bg);
        else if (cls == WS_MAP_SUPPRESSED)
            ws_canvas_hatch(pg->c, &supp_bg, &supp_fg, 3.2 * u, 0.55 * u);
        else if (cls == WS_MAP_NODATA)
            ws_canvas_dots(pg->c, &nodata_bg, &nodata_fg, 4 * u, 0.7 * u);
        else
            ws_canvas_fill(pg->c, m->categorical ? &clusters[cls].colour : &m->colours[cls]);
    }
}

/* One stroke over the level's visible areas. */
static void stroke_level(struct page *pg, const struct frame *f, const struct ws_rgba *col,
                         double width)
{
    struct ws_choropleth *m = pg->m;
    bool any = false;

    ws_canvas_new_path(pg->c);
    for (size_t i = 0; i < m->n_areas; i++) {
        if (!f->vis[i])
            continue;
        ws_canvas_add_geom(pg->c, geom_of(m, i), &f->vp);
        any = true;
    }
    if (any)
        ws_canvas_stroke(pg->c, col, width, 0);
    else
        ws_canvas_new_path(pg->c);
}

/* One stroke over the visible wijken (sliver holes left out). */
static void stroke_wijken(struct page *pg, const struct frame *f, const struct ws_rgba *col,
                          double width)
{
    struct ws_choropleth *m = pg->m;
    bool any = false;

    ws_canvas_new_path(pg->c);
    for (size_t i = 0; i < m->in->n_wijken; i++) {
        if (!visible(&f->vp, &m->wijk_geoms[i], f->x, f->y, f->w, f->h))
            continue;
        ws_canvas_add_geom(pg->c, &m->wijk_geoms[i], &f->vp);
        any = true;
    }
    if (any)
        ws_canvas_stroke(pg->c, col, width, 0);
    else
        ws_canvas_new_path(pg->c);
}

static void draw_outlines(struct page *pg, struct ws_map_panel *p, const struct frame *f)
{
    struct ws_choropleth *m = pg->m;
    const struct ws_map_inputs *in = m->in;
    double u = pg->u;
    bool any_iso = false;

    if (m->level == WS_LEVEL_BUURT || m->level == WS_LEVEL_GEBIED)
        stroke_level(pg, f, in->n_wijken ? &buurt_line_light : &buurt_line_grey,
                     (m->level == WS_LEVEL_GEBIED ? 0.5 : 0.4) * u);
    // isolated clusters: white with a dashed outline, over the buurt lines
    ws_canvas_new_path(pg->c);
    for (size_t i = 0; m->categorical && i < m->n_areas; i++) {
        if (p->areas[i].cls != ISOLATED_IX || !f->vis[i])
            continue;
        ws_canvas_add_geom(pg->c, geom_of(m, i), &f->vp);
        any_iso = true;
    }
    if (any_iso)
        ws_canvas_stroke(pg->c, &isolated_line, 0.7 * u, 1.5 * u);
    ws_canvas_new_path(pg->c);
    if ((m->level == WS_LEVEL_BUURT || m->level == WS_LEVEL_GEBIED) && in->n_wijken)
        stroke_wijken(pg, f, &wijk_line, 0.9 * u);
    else if (m->level == WS_LEVEL_WIJK)
        stroke_level(pg, f, &wijk_line, 0.7 * u);
}

/* Fades everything outside the focus wijk and outlines the wijk. */
static void draw_focus(struct page *pg, const struct frame *f)
{
    struct ws_choropleth *m = pg->m;
    const struct ws_map_inputs *in = m->in;
    bool any = false;

    if (!m->focus_code)
        return;
    ws_canvas_new_path(pg->c);
    for (size_t i = 0; i < m->n_areas; i++) {
        if (!f->vis[i] || area_in_focus(m, i))
            continue;
        ws_canvas_add_geom(pg->c, geom_of(m, i), &f->vp);
        any = true;
    }
    if (any)
        ws_canvas_fill(pg->c, &fade);
    ws_canvas_new_path(pg->c);
    for (size_t i = 0; i < in->n_wijken; i++)
        if (!strcmp(in->wijken[i].code, m->focus_code))
            ws_canvas_add_geom(pg->c, &m->wijk_geoms[i], &f->vp);
    ws_canvas_stroke(pg->c, &ink, 1.8 * pg->u, 0);
}

static bool collides(const struct page *pg, struct box b)
{
    for (size_t i = 0; i < pg->n_boxes; i++) {
        const struct box *o = &pg->boxes[i];
        if (b.x0 < o->x1 && o->x0 < b.x1 && b.y0 < o->y1 && o->y0 < b.y1)
            return true;
    }
    return false;
}

static void reserve(struct page *pg, struct box b)
{
    WS_VEC_GROW(pg->boxes, pg->n_boxes + 1, pg->cap_boxes);
    pg->boxes[pg->n_boxes++] = b;
}

static bool inside_frame(const struct frame *f, struct box b)
{
    return b.x0 >= f->x && b.x1 <= f->x + f->w && b.y0 >= f->y && b.y1 <= f->y + f->h;
}

static void draw_points(struct page *pg, const struct frame *f)
{
    const struct ws_map_inputs *in = pg->m->in;
    double u = pg->u;
    const struct ws_rgba point_ink = {0.08, 0.08, 0.08, 1};

    if (pg->m->n_panels > 1)
        return; // small multiples stay uncluttered
    // every dot first, so that no label is placed where a later dot goes
    for (size_t i = 0; i < in->n_points; i++) {
        double x;
        double y;
        ws_viewport_to_page(&f->vp, in->points[i].x, in->points[i].y, &x, &y);
        if (x < f->x || x > f->x + f->w || y < f->y || y > f->y + f->h)
            continue;
        ws_canvas_new_path(pg->c);
        ws_canvas_circle(pg->c, x, y, 2.8 * u);
        ws_canvas_fill(pg->c, &point_ink);
        ws_canvas_circle(pg->c, x, y, 2.8 * u);
        ws_canvas_stroke(pg->c, &white, 0.9 * u, 0);
        reserve(pg, (struct box){x - 3.5 * u, y - 3.5 * u, x + 3.5 * u, y + 3.5 * u});
    }
    // then the names, right of the dot or else left, where they fit
    for (size_t i = 0; i < in->n_points; i++) {
        double x;
        double y;
        double w;
        double h;
        struct box b;
        ws_viewport_to_page(&f->vp, in->points[i].x, in->points[i].y, &x, &y);
        if (!in->points[i].name || x < f->x || x > f->x + f->w || y < f->y || y > f->y + f->h)
            continue;
        text_size(pg, 6.5 * u, false, in->points[i].name, &w, &h);
        for (int side = 0; side < 2; side++) {
            double lx = side == 0 ? x + 4.5 * u : x - 4.5 * u - w;
            b = (struct box){lx, y - h / 2, lx + w, y + h / 2};
            if (collides(pg, b) || !inside_frame(f, b))
                continue;
            text(pg, lx, y, 0, 0.5, 6.5 * u, false, true, in->points[i].name, &point_ink, true);
            reserve(pg, b);
            break;
        }
    }
}

struct label_cand {
    size_t ix;
    double area;
};

static int cmp_cand(const void *a, const void *b)
{
    double x = ((const struct label_cand *)a)->area;
    double y = ((const struct label_cand *)b)->area;
    if (x != y)
        return (x < y) - (x > y); // largest first
    return (((const struct label_cand *)a)->ix > ((const struct label_cand *)b)->ix) -
           (((const struct label_cand *)a)->ix < ((const struct label_cand *)b)->ix);
}

static void place_label(struct page *pg, const struct frame *f, const struct ws_area *a,
                        const struct ws_geom *g)
{
    struct ws_choropleth *m = pg->m;
    double u = pg->u;
    double size = (m->focus_code ? 8 : 6.5) * u; // a wijk map has room
    double wx;
    double wy;
    double width;
    double px;
    double py;
    double w;
    double h;
    const char *name = a->name ? a->name : a->code;
    struct box b;

    if (!interior_point(g, &wx, &wy, &width))
        return;
    text_size(pg, size, false, name, &w, &h);
    if (width * f->vp.scale < w + 2 * u)
        return; // wider than the polygon
    ws_viewport_to_page(&f->vp, wx, wy, &px, &py);
    b = (struct box){px - w / 2, py - h / 2, px + w / 2, py + h / 2};
    if (!inside_frame(f, b) || collides(pg, b))
        return;
    if (!fits_vertically(g, wx - (w / 2) / f->vp.scale, wx + (w / 2) / f->vp.scale, wy,
                         (h * 0.35) / f->vp.scale))
        return;
    text(pg, px, py, 0.5, 0.5, size, false, false, name, &ink, true);
    reserve(pg, b);
    m->placed = ws_xrealloc(m->placed, ws_st_mult(m->n_placed + 1, sizeof(*m->placed)));
    m->placed[m->n_placed++] = (struct ws_map_label){ws_xstrdup(name), b.x0, b.y0, w, h};
}

static void draw_labels(struct page *pg, const struct frame *f)
{
    struct ws_choropleth *m = pg->m;
    const struct ws_area *areas;
    size_t n;
    struct label_cand *cand;
    size_t nc = 0;

    if (m->labels == WS_MAP_LABELS_NONE)
        return;
    areas = m->labels == WS_MAP_LABELS_WIJK     ? m->in->wijken
            : m->labels == WS_MAP_LABELS_GEBIED ? m->in->gebieden
                                                : m->in->buurten;
    n = m->labels == WS_MAP_LABELS_WIJK     ? m->in->n_wijken
        : m->labels == WS_MAP_LABELS_GEBIED ? m->in->n_gebieden
                                            : m->in->n_buurten;
    cand = ws_xcalloc(n ? n : 1, sizeof(*cand));
    for (size_t i = 0; i < n; i++) {
        bool in_focus =
            !m->focus_code || (m->labels == WS_MAP_LABELS_WIJK
                                   ? !strcmp(areas[i].code, m->focus_code)
                                   : areas[i].parent && !strcmp(areas[i].parent, m->focus_code));
        if (!in_focus || !visible(&f->vp, &areas[i].geom, f->x, f->y, f->w, f->h))
            continue;
        cand[nc].ix = i;
        cand[nc].area = ws_geom_area(&areas[i].geom);
        nc++;
    }
    qsort(cand, nc, sizeof(*cand), cmp_cand);
    for (size_t i = 0; i < nc; i++) {
        size_t k = cand[i].ix;
        place_label(pg, f, &areas[k],
                    m->labels == WS_MAP_LABELS_WIJK     ? &m->wijk_geoms[k]
                    : m->labels == WS_MAP_LABELS_GEBIED ? &m->gebied_geoms[k]
                                                        : &areas[k].geom);
    }
    free(cand);
}

static void draw_panel(struct page *pg, struct ws_map_panel *p, struct frame *f)
{
    struct ws_choropleth *m = pg->m;

    for (size_t i = 0; i < m->n_areas; i++)
        f->vis[i] = visible(&f->vp, geom_of(m, i), f->x, f->y, f->w, f->h);
    ws_canvas_save(pg->c);
    ws_canvas_clip_rect(pg->c, f->x, f->y, f->w, f->h);
    // every fill edge gets an outline on top: no antialiasing needed
    ws_canvas_set_flat_fills(pg->c, true);
    draw_fills(pg, p, f);
    ws_canvas_set_flat_fills(pg->c, false);
    draw_outlines(pg, p, f);
    draw_focus(pg, f);
    draw_points(pg, f);
    draw_labels(pg, f);
    ws_canvas_restore(pg->c);
    if (m->focus_code) {
        // the map is cut at the frame: show the cut
        ws_canvas_new_path(pg->c);
        ws_canvas_rect(pg->c, f->x, f->y, f->w, f->h);
        ws_canvas_stroke(pg->c, &swatch_line, 0.5 * pg->u, 0);
    }
}

/* Grid of panels that gives each the largest map scale. */
static void panel_grid(const struct page *pg, size_t n, double head, size_t *cols, size_t *rows)
{
    const struct ws_choropleth *m = pg->m;
    double ew = fmax(m->extent.maxx - m->extent.minx, 1);
    double eh = fmax(m->extent.maxy - m->extent.miny, 1);
    double gap = 8 * pg->u;
    double best = -1;

    *cols = 1;
    *rows = n;
    for (size_t c = 1; c <= n; c++) {
        size_t r = (n + c - 1) / c;
        double w = (pg->fw - (double)(c - 1) * gap) / (double)c;
        double h = (pg->fh - (double)(r - 1) * gap) / (double)r - head;
        double s = fmin(w / ew, h / eh);
        if (s > best) {
            best = s;
            *cols = c;
            *rows = r;
        }
    }
}

static int draw_panels(struct page *pg, struct ws_viewport *first)
{
    struct ws_choropleth *m = pg->m;
    double u = pg->u;
    bool multi = m->n_panels > 1;
    double head = multi ? 14 * u : 0;
    double gap = 8 * u;
    size_t cols = 1;
    size_t rows = 1;
    struct frame f;

    memset(&f, 0, sizeof(f));
    f.vis = ws_xcalloc(m->n_areas ? m->n_areas : 1, sizeof(*f.vis));
    panel_grid(pg, m->n_panels, head, &cols, &rows);
    for (size_t p = 0; p < m->n_panels; p++) {
        double w = (pg->fw - (double)(cols - 1) * gap) / (double)cols;
        double h = (pg->fh - (double)(rows - 1) * gap) / (double)rows;
        size_t col = p % cols;
        size_t row = p / cols;
        f.x = pg->fx + (double)col * (w + gap);
        f.y = pg->fy + (double)row * (h + gap) + head;
        f.w = w;
        f.h = h - head;
        if (!ws_viewport_fit(m->extent, f.x, f.y, f.w, f.h, 2 * u, &f.vp))
            continue;
        if (p == 0)
            *first = f.vp;
        if (multi && m->panels[p].heading)
            text(pg, f.x, f.y - 3 * u, 0, 1, 9 * u, true, false, m->panels[p].heading, &ink, false);
        pg->n_boxes = 0;
        draw_panel(pg, &m->panels[p], &f);
    }
    free(f.vis);
    return WS_OK;
}

static void reset_counts(struct ws_choropleth *m)
{
    free_texts(m);
    for (size_t p = 0; p < m->n_panels; p++)
        for (size_t i = 0; i < m->n_areas; i++)
            m->panels[p].areas[i].n_drawn = 0;
}

int ws_choropleth_draw(struct ws_choropleth *m, enum ws_canvas_format fmt, const char *path,
                       unsigned char **data, size_t *len, struct ws_err *err)
{
    struct page pg;
    struct ws_viewport vp;
    int rc;

    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    memset(&pg, 0, sizeof(pg));
    memset(&vp, 0, sizeof(vp));
    reset_counts(m);
    rc = ws_canvas_open(fmt, path, m->page_w_pt, m->page_h_pt, m->px_per_pt, &pg.c, err);
    if (rc)
        return rc;
    pg.m = m;
    pg.W = m->page_w_pt;
    pg.H = m->page_h_pt;
    pg.u = fmin(fmax(fmin(pg.W / 595.0, pg.H / 842.0), 0.75), 4.0);
    if (pg.W > 1.15 * pg.H)
        pg.u = fmin(fmax(fmin(pg.W / 842.0, pg.H / 595.0), 0.75), 4.0);
    pg.margin = 28 * pg.u;
    pg.landscape = pg.W > 1.15 * pg.H;
    layout(&pg);
    draw_header(&pg);
    if (pg.fw > 10 && pg.fh > 10)
        (void)draw_panels(&pg, &vp);
    draw_legend(&pg);
    if (vp.scale > 0) {
        draw_scalebar(&pg, &vp, pg.sx, pg.sy);
        draw_north(&pg, pg.sx - 6 * pg.u, pg.sy - 24 * pg.u);
    }
    draw_footer(&pg);
    free(pg.boxes);
    if (path)
        return ws_canvas_close(pg.c, err);
    if (!data || !len) {
        ws_canvas_free(pg.c);
        return WS_OK;
    }
    return ws_canvas_close_buffer(pg.c, data, len, err);
}
