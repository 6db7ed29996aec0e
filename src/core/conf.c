/*
 * conf.c - the study file: inih tokenises, one key table validates.
 *
 * inih (Debian libinih) calls handle_kv() for every "key = value" line.  Our
 * reader feeds it one line at a time and remembers every line, so each
 * message can name FILE:LINE and quote the line as written.  The key table
 * below is the single definition of what a study file may contain (Redis
 * standardConfig style); defaults live there too.  The first error wins.
 */
#include "wijkscan/core/conf.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/core/text.h"

#include <ini.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type {
    K_STR,   /* free text */
    K_NAME,  /* a column or layer name: non-empty */
    K_PATH,  /* a path, resolved against the study folder */
    K_PATHS, /* comma-separated paths */
    K_LIST,  /* comma-separated names, may be empty */
    K_SUM,   /* "a + b + c" */
    K_INT,
    K_REAL,
    K_ENUM,
};

struct key_def {
    const char *section;
    const char *key;
    enum key_type type;
    bool required;
    const char *def;     /* default as text, NULL: none */
    double min, max;     /* K_INT, K_REAL */
    const char *choices; /* K_ENUM: "a|b" */
    size_t offset;       /* into struct ws_study */
    const char *help;
};

#define OFF(field) offsetof(struct ws_study, field)
#define NOLIM      0, 0

static const struct key_def keys[] = {
    {"study", "title", K_STR, false, "Wijkanalyse", NOLIM, NULL, OFF(title),
     "title on maps and reports"},
    {"study", "language", K_ENUM, false, "nl", NOLIM, "nl|en", OFF(language), "report language"},
    {"study", "seed", K_INT, false, "20240101", 0, 4294967295.0, NULL, OFF(seed),
     "seed for every random step"},
    {"boundaries", "source", K_PATH, true, NULL, NOLIM, NULL, OFF(bnd_source),
     "polygon source GDAL reads"},
    {"boundaries", "layer", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_layer), "layer name"},
    {"boundaries", "code", K_NAME, true, NULL, NOLIM, NULL, OFF(bnd_code), "area code column"},
    {"boundaries", "name", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_name), "area name column"},
    {"boundaries", "parent", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_parent), "wijk code column"},
    {"boundaries", "parent_name", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_parent_name),
     "wijk name column"},
    {"boundaries", "gemeente", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_gemeente),
     "gemeente code column"},
    {"boundaries", "gemeente_name", K_NAME, false, NULL, NOLIM, NULL, OFF(bnd_gemeente_name),
     "gemeente name column"},
    {"boundaries", "where", K_STR, false, NULL, NOLIM, NULL, OFF(bnd_where),
     "OGR attribute filter, e.g. gemeentecode = 'GM0014'"},
    {"boundaries", "crs", K_NAME, false, "EPSG:28992", NOLIM, NULL, OFF(crs), "working CRS"},
    {"wijken", "source", K_PATH, false, NULL, NOLIM, NULL, OFF(wijk_source),
     "wijk names: a table or polygon layer"},
    {"wijken", "layer", K_NAME, false, NULL, NOLIM, NULL, OFF(wijk_layer), "layer or sheet"},
    {"wijken", "code", K_NAME, false, "wijkcode", NOLIM, NULL, OFF(wijk_code), "wijk code column"},
    {"wijken", "name", K_NAME, false, "wijknaam", NOLIM, NULL, OFF(wijk_name), "wijk name column"},
    {"statistics", "source", K_PATH, true, NULL, NOLIM, NULL, OFF(stat_source), "statistics table"},
    {"statistics", "layer", K_NAME, false, NULL, NOLIM, NULL, OFF(stat_layer), "layer or sheet"},
    {"statistics", "code", K_NAME, true, NULL, NOLIM, NULL, OFF(stat_code), "area code column"},
    {"statistics", "year", K_NAME, false, NULL, NOLIM, NULL, OFF(stat_year), "year column"},
    {"statistics", "header_row", K_INT, false, "1", 1, 1000, NULL, OFF(stat_header_row),
     "CSV line with the column names"},
    {"statistics", "population", K_SUM, true, NULL, NOLIM, NULL, OFF(population),
     "population at risk"},
    {"statistics", "covariates", K_LIST, false, "", NOLIM, NULL, OFF(covariates),
     "profile columns"},
    {"cases", "source", K_PATH, true, NULL, NOLIM, NULL, OFF(case_source), "case count table"},
    {"cases", "layer", K_NAME, false, NULL, NOLIM, NULL, OFF(case_layer), "layer or sheet"},
    {"cases", "code", K_NAME, true, NULL, NOLIM, NULL, OFF(case_code), "area code column"},
    {"cases", "year", K_NAME, true, NULL, NOLIM, NULL, OFF(case_year), "year column"},
    {"cases", "category", K_NAME, false, NULL, NOLIM, NULL, OFF(case_category), "category column"},
    {"cases", "header_row", K_INT, false, "1", 1, 1000, NULL, OFF(case_header_row),
     "CSV line with the column names"},
    {"cases", "count", K_NAME, true, NULL, NOLIM, NULL, OFF(case_count), "count column"},
    {"indeling", "crosswalk", K_PATH, false, NULL, NOLIM, NULL, OFF(ind_crosswalk),
     "old code to new buurt table: old_code, new_code, share"},
    {"indeling", "old_boundaries", K_PATH, false, NULL, NOLIM, NULL, OFF(ind_old_boundaries),
     "polygons of the older indeling"},
    {"indeling", "old_layer", K_NAME, false, NULL, NOLIM, NULL, OFF(ind_old_layer),
     "layer of the older indeling"},
    {"indeling", "old_code", K_NAME, false, NULL, NOLIM, NULL, OFF(ind_old_code),
     "code column of the older indeling"},
    {"indeling", "within", K_REAL, false, "0.95", 0.5, 1, NULL, OFF(ind_within),
     "share of an old buurt's area in one buurt for it to move there"},
    {"privacy", "min_count", K_INT, false, "10", 1, 1000000, NULL, OFF(min_count),
     "smallest publishable count"},
    {"privacy", "round_to", K_INT, false, "5", 1, 1000, NULL, OFF(round_to), "rounding base"},
    {"privacy", "safety_range", K_INT, false, "5", 0, 1000000, NULL, OFF(safety_range),
     "narrowest allowed range"},
    {"analysis", "weights", K_ENUM, false, "queen", NOLIM, "queen|rook", OFF(weights),
     "contiguity"},
    {"analysis", "permutations", K_INT, false, "9999", 99, 999999, NULL, OFF(permutations),
     "LISA permutations"},
    {"analysis", "permutations_other", K_INT, false, "-1", -1, 999999, NULL,
     OFF(permutations_other), "LISA permutations except buurten, latest year, all (-1: the same)"},
    {"analysis", "fdr", K_REAL, false, "0.05", 1e-6, 0.5, NULL, OFF(fdr), "false discovery rate"},
    {"analysis", "period", K_INT, false, "1", 1, 50, NULL, OFF(period),
     "years per pooled period (non-overlapping, ending with the latest year)"},
    {"locations", "source", K_PATH, false, NULL, NOLIM, NULL, OFF(loc_source), "service locations"},
    {"locations", "layer", K_NAME, false, NULL, NOLIM, NULL, OFF(loc_layer), "layer name"},
    {"locations", "name", K_NAME, false, NULL, NOLIM, NULL, OFF(loc_name), "location name column"},
    {"locations", "min_group", K_INT, false, "8", 2, 1000, NULL, OFF(min_group),
     "participants per group"},
    {"locations", "max_km", K_REAL, false, "3", 0.1, 100, NULL, OFF(max_km),
     "catchment radius in km"},
    {"locations", "pool_years", K_INT, false, "1", 1, 2, NULL, OFF(pool_years),
     "years pooled for group offers"},
    {"priority", "need", K_REAL, false, "1", 0, 100, NULL, OFF(prio_need),
     "weight of expected per 1000"},
    {"priority", "demand", K_REAL, false, "1", 0, 100, NULL, OFF(prio_demand),
     "weight of the smoothed rate"},
    {"priority", "trend", K_REAL, false, "0.5", 0, 100, NULL, OFF(prio_trend),
     "weight of a rising trend"},
    {"priority", "cluster", K_REAL, false, "0.5", 0, 100, NULL, OFF(prio_cluster),
     "weight of HH cluster membership"},
    {"priority", "top", K_INT, false, "10", 1, 1000, NULL, OFF(prio_top),
     "buurten listed with reasons"},
    {"maps", "files", K_PATHS, false, NULL, NOLIM, NULL, OFF(map_files), "map definitions"},
    {"output", "dir", K_PATH, false, NULL, NOLIM, NULL, OFF(out_dir), "output folder"},
    {"output", "database", K_STR, false, NULL, NOLIM, NULL, OFF(out_database),
     "PostGIS connection string for the published layers"},
    {"output", "table_prefix", K_NAME, false, "wijkscan", NOLIM, NULL, OFF(out_prefix),
     "prefix of the study's tables in the database"},
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = {"study",     "boundaries", "wijken",  "statistics",
                                       "cases",     "indeling",   "privacy", "analysis",
                                       "locations", "priority",   "maps",    "output"};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* Parse state shared by the reader and the handler. */
struct parse {
    struct ws_study *st;
    struct ws_err *err;
    FILE *fp;
    int line;     /* line number of the line inih is handling */
    char **texts; /* every line read, trimmed, for quoting */
    size_t n_texts, cap_texts;
    char **values;    /* raw value per key table entry (NULL: not given) */
    size_t cap_lines; /* capacity of st->lines */
    int section_line; /* line of the last '[section]' header */
};

static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    char *r = fgets(str, num, p->fp);
    if (!r)
        return NULL;
    p->line++;
    char *copy = ws_xstrdup(str);
    WS_VEC_GROW(p->texts, p->n_texts + 1, p->cap_texts);
    p->texts[p->n_texts++] = copy;
    {
        const char *t = str;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '[')
            p->section_line = p->line;
    }
    return r;
}

static const char *line_text(const struct parse *p, int line)
{
    if (line < 1 || (size_t)line > p->n_texts)
        return "";
    return ws_trim(p->texts[line - 1]);
}

static int find_key(const char *section, const char *key)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key))
            return (int)i;
    return -1;
}

static void keys_of(const char *section, struct ws_strbuf *sb, const char **cands, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        if (sb->len)
            ws_strbuf_adds(sb, ", ");
        ws_strbuf_adds(sb, keys[i].key);
        cands[(*n)++] = keys[i].key;
    }
}

static void where_line(struct parse *p, int line)
{
    ws_err_where(p->err, "%s:%d", p->st->path, line);
}

static bool known_section(const char *s)
{
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (!strcmp(sections[i], s))
            return true;
    return false;
}

static int handle_kv(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    struct ws_study *st = p->st;
    int line = p->line;
    int k;

    if (p->err->code != WS_OK)
        return 0;
    if (!section[0]) {
        ws_err_set(p->err, WS_EDATA, "key '%s' comes before any [section]: '%s'", name,
                   line_text(p, line));
        where_line(p, line);
        ws_err_hint(p->err, "put it under its section, e.g. [study], [boundaries] or [cases]");
        return 0;
    }
    if (!known_section(section)) {
        const char *s = ws_suggest(section, sections, N_SECTIONS);
        ws_err_set(p->err, WS_EDATA, "unknown section [%s]", section);
        where_line(p, p->section_line ? p->section_line : line);
        if (s)
            ws_err_hint(p->err, "did you mean [%s]?", s);
        else
            ws_err_hint(p->err, "valid sections: study, boundaries, statistics, cases, privacy, "
                                "analysis, locations, priority, maps, output");
        return 0;
    }
    k = find_key(section, name);
    if (k < 0) {
        struct ws_strbuf list = WS_STRBUF_INIT;
        const char *cands[N_KEYS];
        size_t n;
        keys_of(section, &list, cands, &n);
        const char *s = ws_suggest(name, cands, n);
        ws_err_set(p->err, WS_EDATA, "unknown key '%s' in section [%s]: '%s'", name, section,
                   line_text(p, line));
        where_line(p, line);
        if (s)
            ws_err_hint(p->err, "did you mean '%s'? valid keys in [%s]: %s", s, section, list.buf);
        else
            ws_err_hint(p->err, "valid keys in [%s]: %s", section, list.buf);
        ws_strbuf_release(&list);
        return 0;
    }
    if (p->values[k]) {
        int first = ws_study_key_line(st, section, name);
        ws_err_set(p->err, WS_EDATA, "duplicate key '%s' in section [%s]: '%s'", name, section,
                   line_text(p, line));
        where_line(p, line);
        ws_err_hint(p->err, "'%s' is already set on line %d; keep one of the two lines", name,
                    first);
        return 0;
    }
    p->values[k] = ws_xstrdup(value);
    WS_VEC_GROW(st->lines, st->n_lines + 1, p->cap_lines);
    struct ws_study_line *l = &st->lines[st->n_lines++];
    l->section = ws_xstrdup(section);
    l->key = ws_xstrdup(name);
    l->line = line;
    l->text = ws_xstrdup(line_text(p, line));
    return 1;
}

/* Splits s on `sep`, trimming each item; empty items are kept as "" so the
 * caller can complain about them. */
static char **split(const char *s, char sep, size_t *n)
{
    char **v = NULL;
    size_t cap = 0;
    const char *start = s;
    const char *end;

    *n = 0;
    do {
        end = strchr(start, sep);
        if (!end)
            end = start + strlen(start);
        char *item = ws_xstrndup(start, (size_t)(end - start));
        char *t = ws_trim(item);
        memmove(item, t, strlen(t) + 1);
        WS_VEC_GROW(v, *n + 1, cap);
        v[(*n)++] = item;
        start = end + 1;
    } while (*end);
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static int bad_value(struct parse *p, const struct key_def *d, const char *what, const char *hint)
{
    int line = ws_study_key_line(p->st, d->section, d->key);
    ws_err_set(p->err, WS_EDATA, "bad value for '%s' in section [%s]: %s: '%s'", d->key, d->section,
               what, line_text(p, line));
    where_line(p, line);
    ws_err_hint(p->err, "%s", hint);
    return WS_EDATA;
}

/* Appends path to v unless it is there already. */
static void add_unique(char ***v, size_t *n, size_t *cap, const char *path)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], path) == 0)
            return;
    WS_VEC_GROW(*v, *n + 1, *cap);
    (*v)[(*n)++] = ws_xstrdup(path);
}

/* Comma-separated paths, each relative to the study folder; an item with
 * '*', '?' or '[' is a glob pattern and becomes the files it matches, sorted
 * (no match: the pattern itself stays, and reading it fails with a message
 * that names it). */
static int set_paths(struct parse *p, const struct key_def *d, const char *raw)
{
    size_t n;
    char **items = split(raw, ',', &n);
    char **v = NULL;
    size_t nv = 0;
    size_t cap = 0;

    for (size_t i = 0; i < n; i++) {
        if (!items[i][0]) {
            free_list(items, n);
            free_list(v, nv);
            return bad_value(p, d, "empty item in list", "separate file paths with commas");
        }
    }
    for (size_t i = 0; i < n; i++) {
        char *r = ws_path_resolve(p->st->dir, items[i]);
        glob_t g;
        if (strpbrk(items[i], "*?[") && glob(r, 0, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc; k++)
                add_unique(&v, &nv, &cap, g.gl_pathv[k]);
            globfree(&g);
        } else {
            add_unique(&v, &nv, &cap, r);
        }
        free(r);
    }
    free_list(items, n);
    p->st->map_files = v;
    p->st->n_map_files = nv;
    return WS_OK;
}

static int set_list(struct parse *p, const struct key_def *d, const char *raw)
{
    char buf[256];
    size_t n;
    char **v;

    if (!raw[0])
        return WS_OK;
    v = split(raw, ',', &n);
    for (size_t i = 0; i < n; i++) {
        if (!v[i][0]) {
            free_list(v, n);
            return bad_value(p, d, "empty item in list",
                             "separate column names with commas: a, b, c");
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(v[i], v[j]) != 0)
                continue;
            (void)snprintf(buf, sizeof(buf), "'%s' is listed twice", v[i]);
            free_list(v, n);
            return bad_value(p, d, buf, "list each column once");
        }
    }
    p->st->covariates = v;
    p->st->n_covariates = n;
    return WS_OK;
}

static int set_sum(struct parse *p, const struct key_def *d, const char *raw)
{
    size_t n;
    char **v = split(raw, '+', &n);

    for (size_t i = 0; i < n; i++) {
        if (!v[i][0]) {
            free_list(v, n);
            return bad_value(p, d, "empty term", "write a column name or a sum of columns: a + b");
        }
    }
    p->st->population = ws_xstrdup(raw);
    p->st->pop_terms = v;
    p->st->n_pop_terms = n;
    return WS_OK;
}

static int set_int(struct parse *p, const struct key_def *d, const char *raw, char *field)
{
    char buf[256];
    char *end;
    long long v;

    errno = 0;
    v = strtoll(raw, &end, 10);
    if (!raw[0] || *end || errno || v < (long long)d->min || v > (long long)d->max) {
        (void)snprintf(buf, sizeof(buf), "must be a whole number from %.0f to %.0f", d->min,
                       d->max);
        if (d->offset == OFF(period))
            return bad_value(p, d, buf,
                             "write the number of years per period, e.g. 2 for 2023-2024 and "
                             "2021-2022; periods never overlap (a moving window is not offered, "
                             "since one window could be subtracted from the next)");
        return bad_value(p, d, buf, "write a whole number, e.g. the default");
    }
    if (d->offset == OFF(seed))
        p->st->seed = (unsigned long)v;
    else
        *(long *)(void *)field = (long)v;
    return WS_OK;
}

static int set_enum(struct parse *p, const struct key_def *d, const char *raw, char *field)
{
    char buf[256];
    size_t n;
    char **v = split(d->choices, '|', &n);
    bool ok = false;

    for (size_t i = 0; i < n; i++)
        ok = ok || !strcmp(v[i], raw);
    free_list(v, n);
    if (!ok) {
        (void)snprintf(buf, sizeof(buf), "must be one of %s", d->choices);
        return bad_value(p, d, buf, "choose one of the listed values");
    }
    *(char **)(void *)field = ws_xstrdup(raw);
    return WS_OK;
}

static int set_value(struct parse *p, const struct key_def *d, const char *raw)
{
    char *field = (char *)p->st + d->offset;
    char buf[256];
    double v;

    switch (d->type) {
    case K_STR:
    case K_NAME:
        if (d->type == K_NAME && !raw[0])
            return bad_value(p, d, "empty", "give a name, or remove the line to use the default");
        *(char **)(void *)field = ws_xstrdup(raw);
        return WS_OK;
    case K_PATH:
        if (!raw[0])
            return bad_value(p, d, "empty path", "give a file path relative to the study file");
        *(char **)(void *)field = ws_path_resolve(p->st->dir, raw);
        return WS_OK;
    case K_PATHS:
        return set_paths(p, d, raw);
    case K_LIST:
        return set_list(p, d, raw);
    case K_SUM:
        return set_sum(p, d, raw);
    case K_INT:
        return set_int(p, d, raw, field);
    case K_REAL:
        if (ws_parse_number(raw, &v) != WS_NUM_OK || v < d->min || v > d->max) {
            (void)snprintf(buf, sizeof(buf), "must be a number from %g to %g", d->min, d->max);
            return bad_value(p, d, buf, "write a number such as the default");
        }
        *(double *)(void *)field = v;
        return WS_OK;
    case K_ENUM:
        return set_enum(p, d, raw, field);
    }
    return WS_OK;
}

int ws_study_key_line(const struct ws_study *st, const char *section, const char *key)
{
    for (size_t i = 0; i < st->n_lines; i++)
        if (!strcmp(st->lines[i].section, section) && !strcmp(st->lines[i].key, key))
            return st->lines[i].line;
    return 0;
}

void ws_study_where(const struct ws_study *st, const char *section, const char *key,
                    struct ws_err *err)
{
    int line = ws_study_key_line(st, section, key);
    if (line)
        ws_err_where(err, "%s:%d", st->path, line);
    else
        ws_err_where(err, "%s", st->path);
}

/* Checks required keys and converts every value (or default) by type. */
static int apply_keys(struct parse *p)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key_def *d = &keys[i];
        const char *raw = p->values[i];
        bool required = d->required;
        int rc;

        if (!raw && required) {
            ws_err_set(p->err, WS_EDATA, "missing required key '%s' in section [%s]", d->key,
                       d->section);
            ws_err_where(p->err, "%s", p->st->path);
            ws_err_hint(p->err, "add '%s = ...' under [%s] (%s)", d->key, d->section, d->help);
            return WS_EDATA;
        }
        if (!raw)
            raw = d->def;
        if (!raw)
            continue;
        rc = set_value(p, d, raw);
        if (rc)
            return rc;
    }
    return WS_OK;
}

int ws_study_load(const char *path, struct ws_study *st, struct ws_err *err)
{
    struct parse p;
    int rc = WS_OK;
    int ini_rc;

    memset(st, 0, sizeof(*st));
    memset(&p, 0, sizeof(p));
    p.st = st;
    p.err = err;
    p.values = ws_xcalloc(N_KEYS, sizeof(*p.values));
    st->path = ws_xstrdup(path);
    st->dir = ws_path_dirname(path);

    p.fp = fopen(path, "r");
    if (!p.fp) {
        rc = ws_err_set(err, WS_ENOINPUT, "cannot read study file '%s': %s", path, strerror(errno));
        ws_err_where(err, "%s", path);
        ws_err_hint(err, "check the path given with -c, or leave -c out to use the embedded "
                         "Groningen study");
        goto out;
    }
    ini_allow_multiline = false;
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 65536;
    ini_rc = ini_parse_stream(reader, &p, handle_kv, &p);
    if (err->code != WS_OK) {
        rc = err->code;
        goto out;
    }
    if (ini_rc != 0) {
        rc = ws_err_set(err, WS_EDATA, "line %d is neither '[section]' nor 'key = value': '%s'",
                        ini_rc, line_text(&p, ini_rc));
        where_line(&p, ini_rc);
        ws_err_hint(err, "fix the line, or start it with ';' to make it a comment");
        goto out;
    }

    rc = apply_keys(&p);
    if (rc)
        goto out;
    if (!st->out_dir)
        st->out_dir = ws_xstrdup("out");

out:
    if (p.fp)
        (void)fclose(p.fp);
    free_list(p.values, N_KEYS);
    free_list(p.texts, p.n_texts);
    if (rc)
        ws_study_release(st);
    return rc;
}

void ws_study_release(struct ws_study *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < N_KEYS; i++) {
        char *field = (char *)st + keys[i].offset;
        switch (keys[i].type) {
        case K_STR:
        case K_NAME:
        case K_PATH:
        case K_ENUM:
        case K_SUM:
            free(*(char **)field);
            break;
        default:
            break;
        }
    }
    free_list(st->covariates, st->n_covariates);
    free_list(st->pop_terms, st->n_pop_terms);
    free_list(st->map_files, st->n_map_files);
    for (size_t i = 0; i < st->n_lines; i++) {
        free(st->lines[i].section);
        free(st->lines[i].key);
        free(st->lines[i].text);
    }
    free(st->lines);
    free(st->path);
    free(st->dir);
    memset(st, 0, sizeof(*st));
}

char *ws_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ws_xstrdup(".");
    if (slash == path)
        return ws_xstrdup("/");
    return ws_xstrndup(path, (size_t)(slash - path));
}

/* Lexically removes "./" segments and "NAME/.." pairs from the relative part
 * of a path, in place ("data/../out" -> "out", "a/./b" -> "a/b"). */
static void normalize(char *p)
{
    char *seg[256];
    size_t n = 0;
    bool absolute = p[0] == '/';
    char *copy = ws_xstrdup(p);
    char *save = NULL;
    struct ws_strbuf sb = WS_STRBUF_INIT;

    for (char *t = strtok_r(copy, "/", &save); t && n < 256; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..") && n > 0 && strcmp(seg[n - 1], "..") != 0)
            n--;
        else
            seg[n++] = t;
    }
    if (absolute)
        ws_strbuf_addch(&sb, '/');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ws_strbuf_addch(&sb, '/');
        ws_strbuf_adds(&sb, seg[i]);
    }
    if (!sb.len)
        ws_strbuf_addch(&sb, '.');
    if (sb.len <= strlen(p))
        memcpy(p, sb.buf, sb.len + 1);
    ws_strbuf_release(&sb);
    free(copy);
}

char *ws_path_resolve(const char *dir, const char *path)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *rest = path;

    /* keep GDAL virtual file system prefixes (/vsigzip/, /vsizip/) in front */
    while (!strncmp(rest, "/vsi", 4)) {
        const char *slash = strchr(rest + 1, '/');
        if (!slash)
            break;
        ws_strbuf_add(&sb, rest, (size_t)(slash - rest) + 1);
        rest = slash + 1;
        if (*rest == '/')
            break;
    }
    size_t prefix = sb.len;
    if (rest[0] == '/' || !dir || !strcmp(dir, ".") || !dir[0]) {
        ws_strbuf_adds(&sb, rest);
    } else {
        ws_strbuf_addf(&sb, "%s/%s", dir, rest);
    }
    if (sb.len > prefix)
        normalize(sb.buf + prefix);
    sb.len = strlen(sb.buf);
    return ws_strbuf_detach(&sb);
}

/* --- generic INI reading for other declarative files (map definitions) --- */

struct ini_generic {
    FILE *fp;
    int line;
    char *text; /* the current line, trimmed */
    ws_ini_fn fn;
    void *user;
    int rc;
};

static char *generic_reader(char *str, int num, void *stream)
{
    struct ini_generic *g = stream;
    char *r = fgets(str, num, g->fp);
    if (!r)
        return NULL;
    g->line++;
    free(g->text);
    g->text = ws_xstrdup(str);
    (void)ws_trim(g->text);
    return r;
}

static int generic_handler(void *user, const char *section, const char *name, const char *value)
{
    struct ini_generic *g = user;
    if (g->rc != WS_OK)
        return 0;
    g->rc = g->fn(g->user, section, name, value, g->line, g->text ? g->text : "");
    return g->rc == WS_OK;
}

int ws_ini_parse_file(const char *path, ws_ini_fn fn, void *user, struct ws_err *err)
{
    struct ini_generic g;
    int ini_rc;

    memset(&g, 0, sizeof(g));
    g.fn = fn;
    g.user = user;
    g.fp = fopen(path, "r");
    if (!g.fp) {
        ws_err_set(err, WS_ENOINPUT, "cannot read '%s': %s", path, strerror(errno));
        ws_err_where(err, "%s", path);
        ws_err_hint(err, "check the path in the study file");
        return WS_ENOINPUT;
    }
    ini_allow_multiline = false;
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 65536;
    ini_rc = ini_parse_stream(generic_reader, &g, generic_handler, &g);
    (void)fclose(g.fp);
    free(g.text);
    if (g.rc != WS_OK)
        return g.rc;
    if (ini_rc != 0) {
        ws_err_set(err, WS_EDATA, "line %d of '%s' is neither '[section]' nor 'key = value'",
                   ini_rc, path);
        ws_err_where(err, "%s:%d", path, ini_rc);
        ws_err_hint(err, "fix the line, or start it with ';' to make it a comment");
        return WS_EDATA;
    }
    return WS_OK;
}
