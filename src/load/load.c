/*
 * load.c - the load stage: read, validate, and hand rows to the store (see
 * load.h and the README, Your own municipality).
 *
 * Order of work, each step stopping at the first error:
 *   1. the study's crs (crs.c): a projected CRS in metres with an EPSG code;
 *   2. boundaries (ogr_source.c): polygons with a CRS, repaired if invalid,
 *      reprojected to the study crs; codes present and unique;
 *   3. [indeling] (indeling.c): the crosswalk and the overlay of the older
 *      boundaries, which map case codes of an older indeling onto the buurten;
 *   4. statistics: rows for codes outside the boundaries are skipped (a study
 *      may use the national table); population = the sum of its terms, NAN
 *      if any term is missing; covariates NAN when missing; one row per
 *      (code, year); buurten without a row are warned about;
 *   5. cases: refused if they look like personal data (pii.c: the header
 *      before any row is read, then the values of every row, tallied while
 *      the rows are checked); every code must be a buurt, years and counts
 *      whole numbers written with digits (counts >= 0), one row per (code,
 *      year, category); case years without statistics are warned about once
 *      each (ws_dataset_stat_year() gives the year used).  After the first
 *      bad row the remaining rows are still scanned for personal data, which
 *      is reported before the bad row: it decides whether the table may be
 *      read at all;
 *      A code of an older indeling is kept aside (checked for duplicates
 *      under its own code) and, once every row is read, divided over its new
 *      buurten and added to their rows (ws_indeling_apply); every unknown
 *      code, or every split one, is named in one error;
 *   6. the SHA-256 of every input, the study file included.
 * Messages: what (lower-case, subject in quotes), where = "FILE:LINE, column
 * 'C'" (FILE as the study resolves it), hint = how to fix.  A missing or
 * unreadable file is WS_ENOINPUT, anything wrong inside one WS_EDATA.
 * Numbers are read in the convention of their table (ws_ogr_table_num_conv:
 * in a ';'-separated file "1.000" is a thousand, see text.h); a value that
 * is a number in another convention only is refused with the table's rule.
 * Privacy: a value read from the case table is quoted in a message only when
 * it is a code (which must be a buurt code) or reads as a number.
 *
 * Lookups go through a small open-addressing hash map (FNV-1a), so a
 * national table (17k statistics rows, 14.5k buurten) costs linear time.
 */
#include "wijkscan/load/load.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/core/text.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/indeling.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/load/pii.h"
#include "wijkscan/load/sha256.h"
#include "wijkscan/store/store.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_COLUMN ((size_t)-1)

/* ---- hash maps: string -> size_t (keys copied), u64 -> size_t ---- */

struct strmap_slot {
    char *key; /* NULL: empty slot */
    uint64_t hash;
    size_t value;
};

struct strmap {
    struct strmap_slot *slots;
    size_t cap; /* a power of two, at most half full */
    size_t n;
};

/* splitmix64's finaliser: every input bit reaches the low bits used as the
 * slot index. */
static uint64_t mix64(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL; // FNV-1a
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return mix64(h);
}

static void strmap_init(struct strmap *m)
{
    m->cap = 64;
    m->n = 0;
    m->slots = ws_xcalloc(m->cap, sizeof(*m->slots));
}

static void strmap_release(struct strmap *m)
{
    for (size_t i = 0; m->slots && i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

static struct strmap_slot *strmap_slot(const struct strmap *m, const char *key, uint64_t hash)
{
    size_t i = (size_t)hash & (m->cap - 1);
    while (m->slots[i].key && (m->slots[i].hash != hash || strcmp(m->slots[i].key, key) != 0))
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static bool strmap_get(const struct strmap *m, const char *key, size_t *value)
{
    struct strmap_slot *s = strmap_slot(m, key, hash_str(key));
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

static void strmap_grow(struct strmap *m)
{
    struct strmap old = *m;

    m->cap *= 2;
    m->slots = ws_xcalloc(m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key)
            *strmap_slot(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
    }
    free(old.slots);
}

/* Adds key -> value.  If key is present, returns false and sets *existing. */
static bool strmap_put(struct strmap *m, const char *key, size_t value, size_t *existing)
{
    uint64_t hash = hash_str(key);
    struct strmap_slot *s = strmap_slot(m, key, hash);

    if (s->key) {
        *existing = s->value;
        return false;
    }
    if (2 * (m->n + 1) > m->cap) {
        strmap_grow(m);
        s = strmap_slot(m, key, hash);
    }
    s->key = ws_xstrdup(key);
    s->hash = hash;
    s->value = value;
    m->n++;
    return true;
}

/* Integer keys (packed area, year and category indexes) for the duplicate
 * checks: no string is built or copied per row. */
struct u64map {
    uint64_t *keys; /* key + 1; 0: empty slot */
    size_t *values;
    size_t cap; /* a power of two, at most half full */
    size_t n;
};

static void u64map_init(struct u64map *m)
{
    m->cap = 1024;
    m->n = 0;
    m->keys = ws_xcalloc(m->cap, sizeof(*m->keys));
    m->values = ws_xcalloc(m->cap, sizeof(*m->values));
}

static void u64map_release(struct u64map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof(*m));
}

static size_t u64map_slot(const struct u64map *m, uint64_t stored)
{
    size_t i = (size_t)mix64(stored) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != stored)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* Adds key -> value.  If key is present, returns false and sets *existing. */
static bool u64map_put(struct u64map *m, uint64_t key, size_t value, size_t *existing)
{
    uint64_t stored = key + 1;
    size_t i = u64map_slot(m, stored);

    if (m->keys[i]) {
        *existing = m->values[i];
        return false;
    }
    if (2 * (m->n + 1) > m->cap) {
        struct u64map old = *m;
        m->cap *= 2;
        m->keys = ws_xcalloc(m->cap, sizeof(*m->keys));
        m->values = ws_xcalloc(m->cap, sizeof(*m->values));
        for (size_t k = 0; k < old.cap; k++) {
            if (old.keys[k]) {
                size_t j = u64map_slot(m, old.keys[k]);
                m->keys[j] = old.keys[k];
                m->values[j] = old.values[k];
            }
        }
        free(old.keys);
        free(old.values);
        i = u64map_slot(m, stored);
    }
    m->keys[i] = stored;
    m->values[i] = value;
    m->n++;
    return true;
}

/* The duplicate-check key of (area, year, category): 24 + 16 + 24 bits. */
static uint64_t row_key(size_t area, int year, size_t category)
{
    return ((uint64_t)area << 40) | ((uint64_t)(year & 0xFFFF) << 24) | (uint64_t)category;
}

/* ---- codes named in one error ---- */

/* Codes of the case table with the line of their first row and their number
 * of rows, in order of first appearance. */
struct code_tally {
    struct strmap map; /* code -> index into line and rows */
    size_t *line;
    size_t *rows;
    size_t cap;
    size_t n_rows; /* rows in all */
};

static void tally_add(struct code_tally *t, const char *code, size_t line)
{
    size_t k = t->map.n;
    size_t prev;

    if (!t->map.cap)
        strmap_init(&t->map);
    t->n_rows++;
    if (!strmap_put(&t->map, code, k, &prev)) {
        if (t->rows && prev < k)
            t->rows[prev]++;
        return;
    }
    WS_VEC_GROW(t->line, k + 1, t->cap);
    t->rows = ws_xrealloc(t->rows, t->cap * sizeof(*t->rows));
    t->line[k] = line;
    t->rows[k] = 1;
}

/* The codes in order of first appearance: an owned array of borrowed
 * strings (free the array only). */
static const char **tally_codes(const struct code_tally *t)
{
    const char **code = ws_xcalloc(t->map.n + 1, sizeof(*code));

    for (size_t i = 0; i < t->map.cap; i++)
        if (t->map.slots[i].key)
            code[t->map.slots[i].value] = t->map.slots[i].key;
    return code;
}

static void tally_release(struct code_tally *t)
{
    strmap_release(&t->map);
    free(t->line);
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

/* ---- reading ---- */

struct loader {
    const struct ws_study *st;
    struct ws_dataset *ds;
    struct strmap areas;      /* buurt code -> index in ds->areas */
    struct strmap categories; /* case category -> small index, for row_key() */
    size_t stat_cap;
    size_t case_cap;
    size_t input_cap;
    bool unknown_code;            /* the last case_area() error was an unknown code */
    bool split_code;              /* ... a split code of the older indeling */
    bool row_mapped;              /* the last case_area() code is an older code */
    struct code_tally unknown;    /* case codes that are not buurten */
    struct code_tally split;      /* older codes split over several buurten */
    struct code_tally old_stats;  /* statistics rows of older codes (skipped) */
    struct ws_indeling ix;        /* [indeling]: older codes onto the buurten */
    struct ws_case_row *old_rows; /* case rows of older codes, mapped at the end */
    size_t n_old;
    size_t old_cap;
};

/* Unknown case codes named in one error (the message has room for these). */
#define MAX_UNKNOWN_LISTED 20
/* Split codes named in one error, each with its parts. */
#define MAX_SPLIT_LISTED 12

static int add_input(struct loader *L, const char *role, const char *path, struct ws_err *err)
{
    struct ws_input_file *f;
    char hex[WS_SHA256_HEX];
    int rc;

    rc = ws_sha256_file(path, hex, err);
    if (rc)
        return rc;
    WS_VEC_GROW(L->ds->inputs, L->ds->n_inputs + 1, L->input_cap);
    f = &L->ds->inputs[L->ds->n_inputs++];
    f->role = ws_xstrdup(role);
    f->path = ws_xstrdup(path);
    memcpy(f->sha256, hex, sizeof(f->sha256));
    return WS_OK;
}

/* Moves a string out of an array slot (the slot becomes NULL). */
static char *take(char **slot)
{
    char *s = *slot;
    *slot = NULL;
    return s;
}

/* True if every area code is 'BU' followed by eight digits (CBS buurtcode). */
static bool all_cbs_codes(const struct ws_dataset *ds)
{
    for (size_t i = 0; i < ds->n_areas; i++) {
        const char *c = ds->areas[i].code;
        if (strlen(c) != 10 || c[0] != 'B' || c[1] != 'U')
            return false;
        for (int k = 2; k < 10; k++) {
            if (c[k] < '0' || c[k] > '9')
                return false;
        }
    }
    return true;
}

static void feature_where(struct ws_err *err, const char *path, const char *layer, int64_t fid,
                          const char *code)
{
    if (code)
        ws_err_where(err, "%s, layer '%s', feature %lld ('%s')", path, layer, (long long)fid, code);
    else
        ws_err_where(err, "%s, layer '%s', feature %lld", path, layer, (long long)fid);
}

/* Gives every buurt the default gemeente (no [boundaries] gemeente): 'GM' and
 * the four digits of its CBS code when every code is a CBS buurtcode, else
 * 'STUDY'; the name is the study title. */
static void default_gemeente(struct loader *L)
{
    struct ws_dataset *ds = L->ds;
    bool cbs = all_cbs_codes(ds);

    for (size_t i = 0; i < ds->n_areas; i++) {
        struct ws_area *a = &ds->areas[i];
        if (cbs) {
            char gm[7] = {'G', 'M', a->code[2], a->code[3], a->code[4], a->code[5], '\0'};
            a->gemeente = ws_xstrdup(gm);
        } else {
            a->gemeente = ws_xstrdup("STUDY");
        }
        free(a->gemeente_name);
        a->gemeente_name = ws_xstrdup(L->st->title ? L->st->title : a->gemeente);
    }
}

/* Validates one boundary feature, reprojects it and moves it into
 * ds->areas. */
static int add_area(struct loader *L, const struct ws_ogr_polygons *p, struct ws_ogr_feature *f,
                    struct ws_crs_transform *tr, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    const char *path = st->bnd_source;
    struct ws_area *a = &ds->areas[ds->n_areas];
    size_t prev;
    int rc;

    if (!f->values[0]) {
        ws_err_set(err, WS_EDATA, "a feature of '%s' has no code in column '%s'", path,
                   st->bnd_code);
        feature_where(err, path, p->layer, f->fid, NULL);
        ws_err_hint(err, "every buurt needs a unique code in the [boundaries] code column");
        return WS_EDATA;
    }
    if (!strmap_put(&L->areas, f->values[0], ds->n_areas, &prev)) {
        ws_err_set(err, WS_EDATA, "duplicate area code '%s' in '%s'", f->values[0], path);
        feature_where(err, path, p->layer, f->fid, f->values[0]);
        ws_err_hint(err,
                    "features %lld and %lld both have code '%s'; codes must be unique: one "
                    "feature per buurt (dissolve multi-part buurten first)",
                    (long long)p->features[prev].fid, (long long)f->fid, f->values[0]);
        return WS_EDATA;
    }
    if (st->bnd_gemeente && !f->values[4]) {
        ws_err_set(err, WS_EDATA, "buurt '%s' has no gemeente code in column '%s'", f->values[0],
                   st->bnd_gemeente);
        feature_where(err, path, p->layer, f->fid, f->values[0]);
        ws_err_hint(err, "fill in the gemeente code, or remove [boundaries] gemeente to treat "
                         "the study as one gemeente");
        return WS_EDATA;
    }
    rc = ws_crs_transform_geom(tr, &f->geom, err);
    if (rc) {
        feature_where(err, path, p->layer, f->fid, f->values[0]);
        return rc;
    }
    a->code = take(&f->values[0]);
    a->name = f->values[1] ? take(&f->values[1]) : ws_xstrdup(a->code);
    a->parent = take(&f->values[2]);
    a->parent_name = take(&f->values[3]);
    a->gemeente = take(&f->values[4]);
    a->gemeente_name = take(&f->values[5]);
    if (a->gemeente && !a->gemeente_name)
        a->gemeente_name = ws_xstrdup(a->gemeente);
    a->geom = f->geom;
    ws_geom_init(&f->geom);
    ds->n_areas++;
    return WS_OK;
}

static int find_column(struct ws_ogr_table *t, const char *name, const char *key, size_t *idx,
                       struct ws_err *err);

/* The wijk names of a [wijken] table: names maps a code to its index in
 * *values (owned strings, *n of them); the first name of a code counts. */
static int read_wijk_table(const struct ws_study *st, struct ws_ogr_table *t, struct strmap *names,
                           char ***values, size_t *n, struct ws_err *err)
{
    size_t cap = 0;
    size_t ci;
    size_t ni;
    int r;
    int rc;

    if ((rc = find_column(t, st->wijk_code, "[wijken] code", &ci, err)) ||
        (rc = find_column(t, st->wijk_name, "[wijken] name", &ni, err)))
        return rc;
    while ((r = ws_ogr_table_next(t, err)) == 1) {
        const char *code = ws_ogr_table_value(t, ci);
        const char *name = ws_ogr_table_value(t, ni);
        size_t prev;
        if (!code[0] || !name[0] || !strmap_put(names, code, *n, &prev))
            continue;
        WS_VEC_GROW(*values, *n + 1, cap);
        (*values)[(*n)++] = ws_xstrdup(name);
    }
    return r < 0 ? -r : WS_OK;
}

/* Gives every buurt the name of its wijk code from names/values; returns
 * how many buurten have a wijk code without a name there. */
static size_t apply_wijk_names(struct ws_dataset *ds, const struct strmap *names,
                               char *const *values, size_t n)
{
    size_t missing = 0;

    for (size_t i = 0; i < ds->n_areas; i++) {
        struct ws_area *a = &ds->areas[i];
        size_t k;
        if (!a->parent)
            continue;
        if (!strmap_get(names, a->parent, &k) || k >= n) {
            missing++;
            continue;
        }
        free(a->parent_name);
        a->parent_name = ws_xstrdup(values[k]);
    }
    return missing;
}

/* [wijken]: the wijk names from a separate table or layer (the national
 * buurt file has none): they replace the boundaries' parent_name.  Wijk codes
 * of the buurten that the source lacks keep their name (or none); one warning
 * counts them. */
static int read_wijk_names(struct loader *L, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    struct ws_ogr_table *t = NULL;
    struct strmap names; /* wijk code -> index into values */
    char **values = NULL;
    size_t n = 0;
    size_t missing;
    int rc;

    if (!st->wijk_source)
        return WS_OK;
    if (!st->bnd_parent) {
        ws_err_set(err, WS_EDATA, "[wijken] needs the wijk code of every buurt");
        ws_study_where(st, "wijken", "source", err);
        ws_err_hint(err, "set [boundaries] parent to the boundaries' wijk code column "
                         "(wijkcode), or remove [wijken]");
        return WS_EDATA;
    }
    strmap_init(&names);
    rc = ws_ogr_table_open(st->wijk_source, st->wijk_layer, &ds->warnings, &t, err);
    if (rc == WS_ENOINPUT)
        ws_study_where(st, "wijken", "source", err);
    if (!rc)
        rc = read_wijk_table(st, t, &names, &values, &n, err);
    if (!rc) {
        missing = apply_wijk_names(ds, &names, values, n);
        if (missing)
            ws_warnings_add(&ds->warnings, "%zu buurten have a wijk code without a name in '%s'",
                            missing, st->wijk_source);
        ws_log_verbose("wijken: %zu names from '%s'", n, st->wijk_source);
        rc = add_input(L, "wijken", st->wijk_source, err);
    }
    ws_ogr_table_close(t);
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
    strmap_release(&names);
    return rc;
}

static int read_boundaries(struct loader *L, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    const char *fields[6] = {st->bnd_code,        st->bnd_name,     st->bnd_parent,
                             st->bnd_parent_name, st->bnd_gemeente, st->bnd_gemeente_name};
    static const char *const keys[6] = {
        "[boundaries] code",        "[boundaries] name",     "[boundaries] parent",
        "[boundaries] parent_name", "[boundaries] gemeente", "[boundaries] gemeente_name",
    };
    struct ws_ogr_polygons p;
    struct ws_crs_transform *tr = NULL;
    const char *path = st->bnd_source;
    int rc;

    ws_ogr_polygons_init(&p);
    rc = ws_ogr_read_polygons(path, st->bnd_layer, st->bnd_where, fields, keys, 6, &p,
                              &ds->warnings, err);
    if (rc) {
        if (rc == WS_ENOINPUT)
            ws_study_where(st, "boundaries", "source", err);
        else if (st->bnd_where && !err->where[0])
            ws_study_where(st, "boundaries", "where", err);
        goto out;
    }
    rc = ws_crs_transform_new(p.crs, st->crs, &tr, err);
    if (rc) {
        ws_err_where(err, "%s, layer '%s'", path, p.layer);
        goto out;
    }
    ds->areas = ws_xcalloc(p.n, sizeof(*ds->areas));
    for (size_t i = 0; i < p.n; i++) {
        if ((rc = add_area(L, &p, &p.features[i], tr, err)))
            goto out;
    }
    if (!st->bnd_gemeente)
        default_gemeente(L);
    ws_log_verbose("boundaries: %zu buurten from '%s', layer '%s'%s%s", ds->n_areas, path, p.layer,
                   ws_crs_transform_is_noop(tr) ? "" : ", reprojected to ",
                   ws_crs_transform_is_noop(tr) ? "" : st->crs);
    rc = add_input(L, "boundaries", path, err);
out:
    ws_crs_transform_free(tr);
    ws_ogr_polygons_release(&p);
    return rc;
}

/* Finds an optional column (name NULL: none, *idx = NO_COLUMN). */
static int find_column(struct ws_ogr_table *t, const char *name, const char *key, size_t *idx,
                       struct ws_err *err)
{
    *idx = NO_COLUMN;
    if (!name)
        return WS_OK;
    return ws_ogr_table_field_index(t, name, key, idx, err);
}

/* True if the text reads as a number (so it may be quoted in a message
 * about the case table: it cannot be a name or a date). */
static bool quotable(const char *v)
{
    double x;
    return strlen(v) <= 24 && ws_parse_number(v, &x) == WS_NUM_OK;
}

/* Parses a year (a whole number 1000-9999) in column col of the current row. */
static int read_year(struct ws_ogr_table *t, size_t col, const char *colname, bool private_table,
                     int *year, struct ws_err *err)
{
    const char *v = ws_ogr_table_value(t, col);
    long long y = 0;
    enum ws_num_status s = ws_parse_integer_conv(v, ws_ogr_table_num_conv(t), &y);

    if (s == WS_NUM_OK && y >= 1000 && y <= 9999) {
        *year = (int)y;
        return WS_OK;
    }
    if (s == WS_NUM_MISSING)
        ws_err_set(err, WS_EDATA, "year is missing in column '%s'", colname);
    else if (!private_table || quotable(v))
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is not a year", v, colname);
    else
        ws_err_set(err, WS_EDATA, "a value in column '%s' is not a year", colname);
    ws_ogr_table_where(t, colname, err);
    ws_err_hint(err, "years are whole numbers such as 2024, one per row");
    return WS_EDATA;
}

/* The hint for a number written in another convention than its table's
 * (WS_NUM_CONVENTION), with how to fix it; `also` (may be "") is appended. */
static void hint_convention(const struct ws_ogr_table *t, const char *also, struct ws_err *err)
{
    enum ws_num_conv conv = ws_ogr_table_num_conv(t);
    const char *fix = "";

    if (conv == WS_NUM_COMMA)
        fix = ": a table with decimal points needs ',' as separator";
    else if (conv == WS_NUM_POINT)
        fix = ": write 1000, not 1,000 or 1.000,0";
    ws_err_hint(err, "in %s %s%s%s", ws_ogr_table_kind_desc(t), ws_num_conv_rule(conv), fix, also);
}

/* Parses a statistics number; NAN for no-data markers. */
static int read_stat_number(struct ws_ogr_table *t, size_t col, const char *colname,
                            bool non_negative, double *out, struct ws_err *err)
{
    const char *v = ws_ogr_table_value(t, col);
    enum ws_num_conv conv = ws_ogr_table_num_conv(t);
    double x = NAN;

    switch (ws_parse_number_conv(v, conv, &x)) {
    case WS_NUM_MISSING:
        *out = NAN;
        return WS_OK;
    case WS_NUM_OK:
        if (non_negative && x < 0) {
            ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is negative", v, colname);
            ws_ogr_table_where(t, colname, err);
            ws_err_hint(err, "a population cannot be negative; CBS no-data markers "
                             "('.', '-99999999', '-99999997', empty) read as missing");
            return WS_EDATA;
        }
        *out = x;
        return WS_OK;
    case WS_NUM_CONVENTION:
        ws_err_set(err, WS_EDATA,
                   "value '%.40s' in column '%s' does not follow the number format of %s", v,
                   colname, ws_ogr_table_kind_desc(t));
        ws_ogr_table_where(t, colname, err);
        hint_convention(t, "", err);
        return WS_EDATA;
    case WS_NUM_TOO_LARGE:
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is too large", v, colname);
        break;
    default:
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is not a number", v, colname);
        break;
    }
    ws_ogr_table_where(t, colname, err);
    ws_err_hint(err,
                "write numbers without units; in %s %s; missing values are empty or a CBS "
                "no-data marker ('.', '-99999999', '-99999997')",
                ws_ogr_table_kind_desc(t), ws_num_conv_rule(conv));
    return WS_EDATA;
}

/* Column indexes of the statistics table. */
struct stat_columns {
    size_t code;
    size_t year; /* NO_COLUMN without [statistics] year */
    size_t *pop; /* n_pop_terms */
    size_t *cov; /* n_covariates */
};

static int find_stat_columns(const struct ws_study *st, struct ws_ogr_table *t,
                             struct stat_columns *c, struct ws_err *err)
{
    int rc;

    c->pop = ws_xcalloc(st->n_pop_terms ? st->n_pop_terms : 1, sizeof(*c->pop));
    c->cov = ws_xcalloc(st->n_covariates ? st->n_covariates : 1, sizeof(*c->cov));
    if ((rc = find_column(t, st->stat_code, "[statistics] code", &c->code, err)) ||
        (rc = find_column(t, st->stat_year, "[statistics] year", &c->year, err)))
        return rc;
    for (size_t k = 0; k < st->n_pop_terms; k++) {
        if ((rc = find_column(t, st->pop_terms[k], "[statistics] population", &c->pop[k], err)))
            return rc;
    }
    for (size_t k = 0; k < st->n_covariates; k++) {
        if ((rc = find_column(t, st->covariates[k], "[statistics] covariates", &c->cov[k], err)))
            return rc;
    }
    return WS_OK;
}

/* Errors unless (code, year) is new; seen maps row_key() to a line. */
static int check_stat_duplicate(struct ws_ogr_table *t, const struct ws_study *st,
                                struct u64map *seen, const struct ws_stat_row *row, size_t area,
                                const char *code, struct ws_err *err)
{
    struct ws_strbuf first = WS_STRBUF_INIT;
    size_t prev;

    if (u64map_put(seen, row_key(area, row->year, 0), row->line, &prev))
        return WS_OK;
    ws_ogr_table_locate(t, prev, NULL, &first);
    if (st->stat_year)
        ws_err_set(err, WS_EDATA, "duplicate statistics row for '%s', year %d", code, row->year);
    else
        ws_err_set(err, WS_EDATA, "duplicate statistics row for '%s'", code);
    ws_ogr_table_where(t, st->stat_code, err);
    ws_err_hint(err, "the first is at %s; statistics need one row per buurt%s", first.buf,
                st->stat_year ? " and year" : " (or set [statistics] year)");
    ws_strbuf_release(&first);
    return WS_EDATA;
}

/* Reads the current statistics row into *row (row->code stays NULL). */
static int read_stat_row(struct loader *L, struct ws_ogr_table *t, const struct stat_columns *c,
                         struct u64map *seen, size_t area, struct ws_stat_row *row,
                         struct ws_err *err)
{
    const struct ws_study *st = L->st;
    const char *code = ws_ogr_table_value(t, c->code);
    int rc;

    row->line = ws_ogr_table_line(t);
    if (c->year != NO_COLUMN && (rc = read_year(t, c->year, st->stat_year, false, &row->year, err)))
        return rc;
    for (size_t k = 0; k < st->n_pop_terms; k++) {
        double x;
        if ((rc = read_stat_number(t, c->pop[k], st->pop_terms[k], true, &x, err)))
            return rc;
        row->population += x; // NAN if any term is missing
    }
    if ((rc = check_stat_duplicate(t, st, seen, row, area, code, err)))
        return rc;
    row->covariates = ws_xcalloc(st->n_covariates ? st->n_covariates : 1, sizeof(double));
    for (size_t k = 0; k < st->n_covariates; k++) {
        if ((rc = read_stat_number(t, c->cov[k], st->covariates[k], false, &row->covariates[k],
                                   err))) {
            free(row->covariates);
            row->covariates = NULL;
            return rc;
        }
    }
    return WS_OK;
}

/* Adds the current row to ds->stats, or sets *skipped when its code is not a
 * buurt of the boundaries (a study may use the national table). */
static int add_stat_row(struct loader *L, struct ws_ogr_table *t, const struct stat_columns *c,
                        struct u64map *seen, bool *has_row, bool *skipped, struct ws_err *err)
{
    struct ws_dataset *ds = L->ds;
    struct ws_stat_row row = {NULL, 0, 0.0, NULL, 0};
    const char *code = ws_ogr_table_value(t, c->code);
    size_t ai;
    int rc;

    if (!strmap_get(&L->areas, code, &ai)) {
        *skipped = true;
        if (L->ix.n && ws_indeling_find(&L->ix, code))
            tally_add(&L->old_stats, code, ws_ogr_table_line(t));
        return WS_OK;
    }
    if ((rc = read_stat_row(L, t, c, seen, ai, &row, err)))
        return rc;
    row.code = ws_xstrdup(code);
    has_row[ai] = true;
    WS_VEC_GROW(ds->stats, ds->n_stats + 1, L->stat_cap);
    ds->stats[ds->n_stats++] = row;
    return WS_OK;
}

/* Warns once that the statistics rows of older codes are not mapped. */
static void warn_old_stats(struct loader *L)
{
    const char **code = tally_codes(&L->old_stats);

    ws_warnings_add(&L->ds->warnings,
                    "%zu statistics row%s of %zu code%s of the older indeling (the first '%s', "
                    "line %zu) %s skipped in '%s': statistics are not mapped onto the new "
                    "buurten; their buurten use the statistics of the new indeling",
                    L->old_stats.n_rows, L->old_stats.n_rows == 1 ? "" : "s", L->old_stats.map.n,
                    L->old_stats.map.n == 1 ? "" : "s", code[0], L->old_stats.line[0],
                    L->old_stats.n_rows == 1 ? "is" : "are", L->st->stat_source);
    free(code);
}

/* Warns for each buurt without a statistics row; returns how many. */
static size_t warn_without_stats(struct loader *L, const bool *has_row)
{
    struct ws_dataset *ds = L->ds;
    size_t n = 0;

    for (size_t i = 0; i < ds->n_areas; i++) {
        if (has_row[i])
            continue;
        ws_warnings_add(&ds->warnings, "buurt '%s' has no statistics in '%s': no data",
                        ds->areas[i].code, L->st->stat_source);
        n++;
    }
    return n;
}

static void copy_covariate_names(const struct ws_study *st, struct ws_dataset *ds)
{
    ds->n_covariates = st->n_covariates;
    ds->covariate_names =
        ws_xcalloc(st->n_covariates ? st->n_covariates : 1, sizeof(*ds->covariate_names));
    for (size_t k = 0; k < st->n_covariates; k++)
        ds->covariate_names[k] = ws_xstrdup(st->covariates[k]);
}

static int read_statistics(struct loader *L, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    const char *path = st->stat_source;
    struct ws_ogr_table *t = NULL;
    struct u64map seen; /* row_key(area, year, 0) -> line */
    struct stat_columns c = {NO_COLUMN, NO_COLUMN, NULL, NULL};
    bool *has_row = ws_xcalloc(ds->n_areas ? ds->n_areas : 1, sizeof(*has_row));
    size_t n_rows = 0;
    size_t n_skipped = 0;
    size_t n_without;
    int r;
    int rc;

    u64map_init(&seen);
    rc = ws_ogr_table_open_at(path, st->stat_layer,
                              st->stat_header_row > 1 ? (size_t)st->stat_header_row : 1,
                              &ds->warnings, &t, err);
    if (rc) {
        if (rc == WS_ENOINPUT)
            ws_study_where(st, "statistics", "source", err);
        goto out;
    }
    if ((rc = find_stat_columns(st, t, &c, err)))
        goto out;
    copy_covariate_names(st, ds);
    while ((r = ws_ogr_table_next(t, err)) == 1) {
        bool skipped = false;
        if ((rc = add_stat_row(L, t, &c, &seen, has_row, &skipped, err)))
            goto out;
        n_rows++;
        n_skipped += skipped;
    }
    if (r < 0) {
        rc = -r;
        goto out;
    }
    n_without = warn_without_stats(L, has_row);
    if (L->old_stats.n_rows)
        warn_old_stats(L);
    ws_log_verbose("statistics: %zu rows for %zu buurten from '%s'; %zu of %zu rows skipped "
                   "(code not in the boundaries); %zu buurten without statistics",
                   ds->n_stats, ds->n_areas - n_without, path, n_skipped, n_rows, n_without);
    rc = add_input(L, "statistics", path, err);
out:
    ws_ogr_table_close(t);
    u64map_release(&seen);
    free(c.pop);
    free(c.cov);
    free(has_row);
    return rc;
}

/* Refuses a case table whose column names (or, with tallies, values) look
 * like personal data.  Never quotes a value. */
static int refuse_personal_data(struct ws_ogr_table *t, const struct ws_pii_tally *tallies,
                                struct ws_err *err)
{
    const char *const *names = ws_ogr_table_fields(t);
    struct ws_pii_result res;

    if (!ws_pii_scan_tallies(names, ws_ogr_table_n_fields(t), tallies, &res))
        return WS_OK;
    ws_err_set(err, WS_EDATA, "'%s' looks like personal data: column '%s' holds %s",
               ws_ogr_table_path(t), names[res.column], ws_pii_kind_desc(res.kind));
    ws_err_where(err, "%s, column '%s'", ws_ogr_table_path(t), names[res.column]);
    ws_err_hint(err, "wijkscan accepts only anonymised counts per area, year and category: "
                     "aggregate first");
    return WS_EDATA;
}

#define COUNT_HINT                                                                                 \
    "case counts must be whole numbers >= 0 (write 0 for none); CBS no-data markers are not "      \
    "allowed in the case table"

/* Parses a case count: a whole number >= 0 written with digits.  The value
 * is quoted only if it reads as a number (quotable). */
static int read_count(struct ws_ogr_table *t, size_t col, const char *colname, long long *out,
                      struct ws_err *err)
{
    const char *v = ws_ogr_table_value(t, col);
    long long n = 0;

    switch (ws_parse_integer_conv(v, ws_ogr_table_num_conv(t), &n)) {
    case WS_NUM_OK:
        if (n >= 0) {
            *out = n;
            return WS_OK;
        }
        ws_err_set(err, WS_EDATA, "count '%.24s' in column '%s' is negative", v, colname);
        break;
    case WS_NUM_MISSING:
        ws_err_set(err, WS_EDATA, "count is missing in column '%s'", colname);
        break;
    case WS_NUM_TOO_LARGE:
        if (quotable(v))
            ws_err_set(err, WS_EDATA, "count '%.24s' in column '%s' is too large", v, colname);
        else
            ws_err_set(err, WS_EDATA, "a count in column '%s' is too large", colname);
        break;
    case WS_NUM_EXPONENT:
        if (quotable(v))
            ws_err_set(err, WS_EDATA,
                       "count '%.24s' in column '%s' must be a whole number written with digits", v,
                       colname);
        else
            ws_err_set(err, WS_EDATA,
                       "a value in column '%s' must be a whole number written with digits",
                       colname);
        ws_ogr_table_where(t, colname, err);
        ws_err_hint(err, "write counts in full (50, not 5e1); " COUNT_HINT);
        return WS_EDATA;
    case WS_NUM_CONVENTION:
        ws_err_set(err, WS_EDATA,
                   "count '%.24s' in column '%s' does not follow the number format of %s", v,
                   colname, ws_ogr_table_kind_desc(t));
        ws_ogr_table_where(t, colname, err);
        hint_convention(t, "; " COUNT_HINT, err);
        return WS_EDATA;
    case WS_NUM_NOT_WHOLE:
    case WS_NUM_INVALID:
        if (quotable(v))
            ws_err_set(err, WS_EDATA, "count '%.24s' in column '%s' is not a whole number", v,
                       colname);
        else
            ws_err_set(err, WS_EDATA, "a value in column '%s' is not a whole number", colname);
        break;
    }
    ws_ogr_table_where(t, colname, err);
    ws_err_hint(err, COUNT_HINT);
    return WS_EDATA;
}

/* Column indexes of the case table. */
struct case_columns {
    size_t code;
    size_t year;
    size_t cat; /* NO_COLUMN without [cases] category */
    size_t count;
};

/* The error of an unknown case code, with a did-you-mean only when it is
 * plausible (ws_indeling_suggest). */
static int unknown_code_error(struct loader *L, struct ws_ogr_table *t, const char *code,
                              const char ***codes, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    const struct ws_dataset *ds = L->ds;
    const char *near;

    if (!*codes) {
        *codes = ws_xcalloc(ds->n_areas ? ds->n_areas : 1, sizeof(**codes));
        for (size_t i = 0; i < ds->n_areas; i++)
            (*codes)[i] = ds->areas[i].code;
    }
    near = ws_indeling_suggest(code, *codes, ds->n_areas);
    L->unknown_code = true;
    ws_err_set(err, WS_EDATA, "code '%.40s' is not a buurt in '%s'", code, st->bnd_source);
    ws_ogr_table_where(t, st->case_code, err);
    if (near)
        ws_err_hint(err,
                    "did you mean '%s'? case codes must match the boundaries' '%s' column "
                    "exactly",
                    near, st->bnd_code);
    else
        ws_err_hint(err,
                    "case codes must match the boundaries' '%s' column exactly (e.g. '%s'); "
                    "for codes of an older indeling see [indeling] in the README",
                    st->bnd_code, ds->n_areas ? ds->areas[0].code : "");
    return WS_EDATA;
}

/* The area index of the current row's code; an older code of [indeling]
 * gets an index after the buurten (ds->n_areas + its entry), for the
 * duplicate check, and sets L->row_mapped.  An unknown or split code is an
 * error (L->unknown_code, L->split_code). */
static int case_area(struct loader *L, struct ws_ogr_table *t, const char *code,
                     const char ***codes, size_t *ai, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    const struct ws_indeling_code *c;

    if (!code[0]) {
        ws_err_set(err, WS_EDATA, "code is missing in column '%s'", st->case_code);
        ws_ogr_table_where(t, st->case_code, err);
        ws_err_hint(err, "every row needs the buurt code it counts cases for");
        return WS_EDATA;
    }
    if (strmap_get(&L->areas, code, ai))
        return WS_OK;
    c = ws_indeling_find(&L->ix, code);
    if (!c)
        return unknown_code_error(L, t, code, codes, err);
    if (c->kind == WS_INDELING_SPLIT) {
        // the message that lists every split code replaces this one
        L->split_code = true;
        ws_err_set(err, WS_EDATA, "code '%.40s' of the older indeling lies in several buurten",
                   code);
        ws_ogr_table_where(t, st->case_code, err);
        return WS_EDATA;
    }
    *ai = L->ds->n_areas + (size_t)(c - L->ix.codes);
    L->row_mapped = true;
    return WS_OK;
}

/* The current row's category ("all" without a category column). */
static int case_category(const struct ws_study *st, struct ws_ogr_table *t, size_t col,
                         const char **cat, struct ws_err *err)
{
    *cat = "all";
    if (col == NO_COLUMN)
        return WS_OK;
    *cat = ws_ogr_table_value(t, col);
    if (!(*cat)[0]) {
        ws_err_set(err, WS_EDATA, "category is missing in column '%s'", st->case_category);
        ws_ogr_table_where(t, st->case_category, err);
        ws_err_hint(err, "every row needs a category; totals over all categories are computed "
                         "by wijkscan");
        return WS_EDATA;
    }
    if (strcmp(*cat, "all") == 0) {
        ws_err_set(err, WS_EDATA, "category 'all' is reserved for the total");
        ws_ogr_table_where(t, st->case_category, err);
        ws_err_hint(err, "leave out total rows (wijkscan sums the categories into 'all') or "
                         "rename the category");
        return WS_EDATA;
    }
    return WS_OK;
}

/* Errors unless (code, year, category) is new; names both lines. */
static int check_case_duplicate(struct loader *L, struct ws_ogr_table *t, struct u64map *seen,
                                const struct ws_case_row *row, size_t area, const char *code,
                                const char *cat, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_strbuf first = WS_STRBUF_INIT;
    size_t cat_idx = L->categories.n;
    size_t prev;

    if (!strmap_put(&L->categories, cat, cat_idx, &prev))
        cat_idx = prev;
    if (u64map_put(seen, row_key(area, row->year, cat_idx), row->line, &prev))
        return WS_OK;
    ws_ogr_table_locate(t, prev, NULL, &first);
    if (st->case_category)
        ws_err_set(err, WS_EDATA,
                   "duplicate case row for '%s', year %d, category '%s' (also at %s)", code,
                   row->year, cat, first.buf);
    else
        ws_err_set(err, WS_EDATA, "duplicate case row for '%s', year %d (also at %s)", code,
                   row->year, first.buf);
    ws_ogr_table_where(t, NULL, err);
    ws_err_hint(err,
                "the first is at %s; wijkscan does not sum duplicate rows: aggregate them into "
                "one row per buurt, year%s",
                first.buf, st->case_category ? " and category" : "");
    ws_strbuf_release(&first);
    return WS_EDATA;
}

/* Reads and checks the current case row into *row (owned strings set only on
 * success). */
static int read_case_row(struct loader *L, struct ws_ogr_table *t, const struct case_columns *c,
                         struct u64map *seen, const char ***codes, struct ws_case_row *row,
                         struct ws_err *err)
{
    const struct ws_study *st = L->st;
    const char *code = ws_ogr_table_value(t, c->code);
    const char *cat = NULL;
    size_t area = 0;
    int rc;

    row->line = ws_ogr_table_line(t);
    if ((rc = case_area(L, t, code, codes, &area, err)) ||
        (rc = read_year(t, c->year, st->case_year, true, &row->year, err)) ||
        (rc = case_category(st, t, c->cat, &cat, err)) ||
        (rc = read_count(t, c->count, st->case_count, &row->count, err)) ||
        (rc = check_case_duplicate(L, t, seen, row, area, code, cat, err)))
        return rc;
    row->code = ws_xstrdup(code);
    row->category = ws_xstrdup(cat);
    return WS_OK;
}

/* Finds the case table's columns. */
static int find_case_columns(const struct ws_study *st, struct ws_ogr_table *t,
                             struct case_columns *c, struct ws_err *err)
{
    int rc;

    if ((rc = find_column(t, st->case_code, "[cases] code", &c->code, err)) ||
        (rc = find_column(t, st->case_year, "[cases] year", &c->year, err)) ||
        (rc = find_column(t, st->case_category, "[cases] category", &c->cat, err)) ||
        (rc = find_column(t, st->case_count, "[cases] count", &c->count, err)))
        return rc;
    return WS_OK;
}

/* After the first unknown or split code: notes the current row's code if
 * it is one too. */
static void note_unknown_code(struct loader *L, struct ws_ogr_table *t,
                              const struct case_columns *c, const char ***codes)
{
    const char *code = ws_ogr_table_value(t, c->code);
    struct ws_err ignored = WS_ERR_INIT;
    size_t ai;

    L->unknown_code = false;
    L->split_code = false;
    if (!code[0] || case_area(L, t, code, codes, &ai, &ignored) == WS_OK)
        return;
    if (L->unknown_code)
        tally_add(&L->unknown, code, ws_ogr_table_line(t));
    else if (L->split_code)
        tally_add(&L->split, code, ws_ogr_table_line(t));
}

/* The unknown codes in order of first appearance, for the error. */
static void list_unknown(const struct loader *L, const char *const *codes, struct ws_strbuf *sb)
{
    size_t n = L->unknown.map.n;
    const char **code = tally_codes(&L->unknown);

    for (size_t k = 0; k < n && k < MAX_UNKNOWN_LISTED; k++) {
        const char *near = codes ? ws_indeling_suggest(code[k], codes, L->ds->n_areas) : NULL;
        ws_strbuf_addf(sb, "%s'%.20s' (line %zu", k ? ", " : "", code[k], L->unknown.line[k]);
        if (L->unknown.rows[k] > 1)
            ws_strbuf_addf(sb, ", %zu rows", L->unknown.rows[k]);
        if (near)
            ws_strbuf_addf(sb, "; did you mean '%s'?", near);
        ws_strbuf_addch(sb, ')');
    }
    if (n > MAX_UNKNOWN_LISTED)
        ws_strbuf_addf(sb, " and %zu more", n - MAX_UNKNOWN_LISTED);
    free(code);
}

/* One split code for the error: "'CODE' (line N[, M rows]): NEW 62%, NEW
 * 37% (1% outside the boundaries)". */
static void list_one_split(const struct loader *L, const char *code, size_t k, struct ws_strbuf *sb)
{
    const struct ws_indeling_code *c = ws_indeling_find(&L->ix, code);

    ws_strbuf_addf(sb, "'%.20s' (line %zu", code, L->split.line[k]);
    if (L->split.rows[k] > 1)
        ws_strbuf_addf(sb, ", %zu rows", L->split.rows[k]);
    ws_strbuf_adds(sb, "):");
    for (size_t j = 0; c && j < c->n_parts; j++)
        ws_strbuf_addf(sb, "%s %s %.0f%%", j ? "," : "", c->parts[j].code,
                       100.0 * c->parts[j].share);
    if (c && c->outside >= WS_INDELING_SLIVER)
        ws_strbuf_addf(sb, " (%.0f%% outside the boundaries)", 100.0 * c->outside);
}

/* Replaces the first error by one that lists every split code (at most
 * MAX_SPLIT_LISTED) with the buurten it overlaps. */
static void split_codes_error(struct loader *L, struct ws_ogr_table *t, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_strbuf hint = WS_STRBUF_INIT;
    struct ws_strbuf where = WS_STRBUF_INIT;
    size_t n = L->split.map.n;
    const char **code = tally_codes(&L->split);

    ws_err_clear(err);
    ws_err_set(err, WS_EDATA,
               "%zu code%s in %zu case row%s %s of the older indeling that lie%s in several "
               "buurten of '%s'",
               n, n == 1 ? "" : "s", L->split.n_rows, L->split.n_rows == 1 ? "" : "s",
               n == 1 ? "is a buurt" : "are buurten", n == 1 ? "s" : "", st->bnd_source);
    ws_ogr_table_locate(t, L->split.line[0], st->case_code, &where);
    ws_err_where(err, "%s", where.buf);
    for (size_t k = 0; k < n && k < MAX_SPLIT_LISTED; k++) {
        ws_strbuf_adds(&hint, k ? "; " : "split: ");
        list_one_split(L, code[k], k, &hint);
    }
    if (n > MAX_SPLIT_LISTED)
        ws_strbuf_addf(&hint, "; and %zu more", n - MAX_SPLIT_LISTED);
    ws_strbuf_adds(&hint, ". wijkscan does not guess how their cases divide: recode these rows "
                          "at the source, or give their shares in [indeling] crosswalk "
                          "(old_code, new_code, share)");
    if (L->unknown.map.n) {
        const char **unknown = tally_codes(&L->unknown);
        ws_strbuf_addf(&hint,
                       ". Besides, %zu codes are not buurten of either indeling, the first "
                       "'%.20s' (line %zu)",
                       L->unknown.map.n, unknown[0], L->unknown.line[0]);
        free(unknown);
    }
    ws_err_hint(err, "%s", hint.buf);
    ws_strbuf_release(&hint);
    ws_strbuf_release(&where);
    free(code);
}

/* Turns the error of the first unknown code into one naming them all
 * (at most MAX_UNKNOWN_LISTED); where stays at the first. */
static void unknown_codes_error(struct loader *L, const char *const *codes, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_strbuf hint = WS_STRBUF_INIT;
    char where[sizeof(err->where)];

    memcpy(where, err->where, sizeof(where));
    ws_err_clear(err);
    ws_err_set(err, WS_EDATA, "%zu codes in %zu case rows are not buurten in '%s'",
               L->unknown.map.n, L->unknown.n_rows, st->bnd_source);
    ws_err_where(err, "%s", where);
    ws_strbuf_adds(&hint, "unknown: ");
    list_unknown(L, codes, &hint);
    ws_strbuf_addf(&hint, "; case codes must match the boundaries' '%s' column exactly",
                   st->bnd_code);
    if (st->bnd_where)
        ws_strbuf_addf(&hint, " (the boundaries are filtered with where = %s)", st->bnd_where);
    if (!st->bnd_where || L->ix.n)
        ws_strbuf_adds(&hint, "; for codes of an older indeling see [indeling] in the README");
    ws_err_hint(err, "%s", hint.buf);
    ws_strbuf_release(&hint);
}

/* Keeps a read case row: in ds->cases, or with the rows of older codes
 * (L->row_mapped) that map_old_rows() maps at the end. */
static void keep_case_row(struct loader *L, const struct ws_case_row *row)
{
    struct ws_dataset *ds = L->ds;

    if (L->row_mapped) {
        WS_VEC_GROW(L->old_rows, L->n_old + 1, L->old_cap);
        L->old_rows[L->n_old++] = *row;
        return;
    }
    WS_VEC_GROW(ds->cases, ds->n_cases + 1, L->case_cap);
    ds->cases[ds->n_cases++] = *row;
}

/* Notes the current row's code when read_case_row() failed on it (unknown
 * or split). */
static void tally_bad_code(struct loader *L, struct ws_ogr_table *t, const struct case_columns *c)
{
    if (L->unknown_code)
        tally_add(&L->unknown, ws_ogr_table_value(t, c->code), ws_ogr_table_line(t));
    else if (L->split_code)
        tally_add(&L->split, ws_ogr_table_value(t, c->code), ws_ogr_table_line(t));
}

/* One case row of read_case_rows(): kept in ds->cases, or its error in
 * *bad (the first); after an unknown code only the codes of later rows are
 * looked at, to name them all. */
static void case_row_step(struct loader *L, struct ws_ogr_table *t, const struct case_columns *c,
                          struct u64map *seen, const char ***codes, int *bad_rc, struct ws_err *bad)
{
    struct ws_case_row row = {NULL, 0, NULL, 0, 0};

    if (*bad_rc) {
        if (L->unknown.n_rows || L->split.n_rows)
            note_unknown_code(L, t, c, codes);
        return;
    }
    L->unknown_code = false;
    L->split_code = false;
    L->row_mapped = false;
    if ((*bad_rc = read_case_row(L, t, c, seen, codes, &row, bad))) {
        tally_bad_code(L, t, c);
        return;
    }
    keep_case_row(L, &row);
}

/* Reads every case row.  Every value of every row is tallied for the
 * personal-data check, also after the first bad row (rows are then no longer
 * checked or kept); *bad holds that first error. */
static int read_case_rows(struct loader *L, struct ws_ogr_table *t, const struct case_columns *c,
                          struct ws_pii_tally *tallies, int bad_rc, struct ws_err *bad)
{
    size_t n_cols = ws_ogr_table_n_fields(t);
    struct u64map seen;        /* row_key(area, year, category) -> line */
    const char **codes = NULL; /* area codes for suggestions, made on demand */
    int r;

    u64map_init(&seen);
    while ((r = ws_ogr_table_next(t, bad)) == 1) {
        for (size_t k = 0; k < n_cols; k++)
            ws_pii_tally_add(&tallies[k], ws_ogr_table_value(t, k));
        case_row_step(L, t, c, &seen, &codes, &bad_rc, bad);
    }
    if (r < 0 && !bad_rc)
        bad_rc = -r;
    if (bad_rc && L->split.map.n)
        split_codes_error(L, t, bad);
    else if (bad_rc && L->unknown.map.n > 1)
        unknown_codes_error(L, codes, bad);
    u64map_release(&seen);
    free(codes);
    return bad_rc;
}

static int read_cases(struct loader *L, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    const char *path = st->case_source;
    struct ws_ogr_table *t = NULL;
    struct case_columns c = {NO_COLUMN, NO_COLUMN, NO_COLUMN, NO_COLUMN};
    struct ws_pii_tally *tallies = NULL;
    struct ws_err bad = WS_ERR_INIT; /* the first error after the header check */
    int bad_rc;
    int rc;

    // no warning list: GDAL warnings may quote values of a private table
    rc = ws_ogr_table_open_at(path, st->case_layer,
                              st->case_header_row > 1 ? (size_t)st->case_header_row : 1, NULL, &t,
                              err);
    if (rc) {
        if (rc == WS_ENOINPUT)
            ws_study_where(st, "cases", "source", err);
        goto out;
    }
    // names first: a table with a 'bsn' column is not read any further
    if ((rc = refuse_personal_data(t, NULL, err)))
        goto out;
    tallies = ws_xcalloc(ws_ogr_table_n_fields(t), sizeof(*tallies));
    bad_rc = find_case_columns(st, t, &c, &bad);
    bad_rc = read_case_rows(L, t, &c, tallies, bad_rc, &bad);
    // personal data anywhere in the table wins over a bad row
    if ((rc = refuse_personal_data(t, tallies, err)))
        goto out;
    if (bad_rc) {
        rc = bad_rc;
        *err = bad;
        goto out;
    }
    ws_log_verbose("cases: %zu rows from '%s'", ds->n_cases, path);
    rc = add_input(L, "cases", path, err);
out:
    ws_ogr_table_close(t);
    free(tallies);
    return rc;
}

/* [indeling] needs old_boundaries for old_layer and old_code. */
static int check_indeling_keys(const struct ws_study *st, struct ws_err *err)
{
    const char *key = st->ind_old_layer ? "old_layer" : st->ind_old_code ? "old_code" : "within";

    if (st->ind_old_boundaries ||
        (!st->ind_old_layer && !st->ind_old_code && !ws_study_key_line(st, "indeling", "within")))
        return WS_OK;
    ws_err_set(err, WS_EDATA, "[indeling] %s needs [indeling] old_boundaries", key);
    ws_study_where(st, "indeling", key, err);
    ws_err_hint(err, "add old_boundaries = the boundary file of the older indeling, or remove "
                     "the line");
    return WS_EDATA;
}

/* The verbose summary of the overlay: the older codes it added, by kind
 * (the crosswalk's codes are not counted). */
static void log_overlay(const struct loader *L)
{
    struct ws_strbuf moved = WS_STRBUF_INIT;
    size_t n_moved = 0;
    size_t n_split = 0;

    for (size_t i = 0; i < L->ix.n; i++) {
        const struct ws_indeling_code *c = &L->ix.codes[i];
        if (c->kind == WS_INDELING_SPLIT) {
            n_split++;
        } else if (c->kind == WS_INDELING_MOVED) {
            if (n_moved < MAX_UNKNOWN_LISTED)
                ws_strbuf_addf(&moved, "%s%s -> %s (%.0f%%)", n_moved ? ", " : ": ", c->old_code,
                               c->parts[0].code, 100.0 * c->parts[0].share);
            n_moved++;
        }
    }
    ws_log_verbose("old boundaries: %zu older codes of '%s' are not buurten of the boundaries "
                   "and overlap them: %zu split over several buurten, %zu moved whole%s%s",
                   n_moved + n_split, L->st->ind_old_boundaries, n_split, n_moved, moved.buf,
                   n_moved > MAX_UNKNOWN_LISTED ? " and more" : "");
    ws_strbuf_release(&moved);
}

/* [indeling]: the crosswalk, then the overlay of the older boundaries (a
 * crosswalk row wins for its old code). */
static int read_indeling(struct loader *L, struct ws_err *err)
{
    const struct ws_study *st = L->st;
    struct ws_dataset *ds = L->ds;
    int rc;

    if ((rc = check_indeling_keys(st, err)))
        return rc;
    if (st->ind_crosswalk) {
        rc = ws_indeling_read_crosswalk(&L->ix, st->ind_crosswalk, ds->areas, ds->n_areas, err);
        if (rc == WS_ENOINPUT)
            ws_study_where(st, "indeling", "crosswalk", err);
        if (rc || (rc = add_input(L, "crosswalk", st->ind_crosswalk, err)))
            return rc;
        ws_log_verbose("crosswalk: %zu older codes from '%s' (%zu rows of codes in the "
                       "boundaries ignored)",
                       L->ix.n, st->ind_crosswalk, L->ix.n_ignored);
    }
    if (st->ind_old_boundaries) {
        rc = ws_indeling_overlay(&L->ix, st->ind_old_boundaries, st->ind_old_layer,
                                 st->ind_old_code ? st->ind_old_code : st->bnd_code, st->crs,
                                 st->ind_within, ds->areas, ds->n_areas, &ds->warnings, err);
        if (rc == WS_ENOINPUT)
            ws_study_where(st, "indeling", "old_boundaries", err);
        if (rc || (rc = add_input(L, "old_boundaries", st->ind_old_boundaries, err)))
            return rc;
        log_overlay(L);
    }
    return WS_OK;
}

/* Counts the older codes and rows of the case table by how they were
 * mapped, for the summary line. */
static void count_mapped(const struct loader *L, size_t *n_moved, size_t *n_crosswalk)
{
    struct strmap seen;

    *n_moved = 0;
    *n_crosswalk = 0;
    strmap_init(&seen);
    for (size_t i = 0; i < L->n_old; i++) {
        const struct ws_indeling_code *c = ws_indeling_find(&L->ix, L->old_rows[i].code);
        size_t prev;
        if (!c || !strmap_put(&seen, c->old_code, 0, &prev))
            continue;
        if (c->kind == WS_INDELING_MOVED)
            (*n_moved)++;
        else
            (*n_crosswalk)++;
    }
    strmap_release(&seen);
}

/* Adds the case rows of older codes to the rows of their new buurten, and
 * says how many there were. */
static int map_old_rows(struct loader *L, struct ws_err *err)
{
    struct ws_dataset *ds = L->ds;
    size_t n_moved;
    size_t n_crosswalk;
    int rc;

    if (!L->n_old)
        return WS_OK;
    count_mapped(L, &n_moved, &n_crosswalk);
    rc = ws_indeling_apply(&L->ix, L->old_rows, L->n_old, &ds->cases, &ds->n_cases, &L->case_cap,
                           err);
    if (rc)
        return rc;
    ws_log_info("indeling: %zu case row%s of %zu older code%s mapped onto the buurten of '%s' "
                "(%zu moved whole by the older boundaries, %zu divided by the crosswalk)",
                L->n_old, L->n_old == 1 ? "" : "s", n_moved + n_crosswalk,
                n_moved + n_crosswalk == 1 ? "" : "s", L->st->bnd_source, n_moved, n_crosswalk);
    return WS_OK;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Warns once for each case year that has no statistics of its own. */
static void warn_case_years(struct loader *L)
{
    struct ws_dataset *ds = L->ds;
    int *years;
    size_t n = 0;

    if (!L->st->stat_year || ds->n_cases == 0 || ds->n_stats == 0)
        return;
    years = ws_xcalloc(ds->n_cases, sizeof(*years));
    for (size_t i = 0; i < ds->n_cases; i++)
        years[n++] = ds->cases[i].year;
    qsort(years, n, sizeof(*years), cmp_int);
    for (size_t i = 0; i < n; i++) {
        int used;
        if (i > 0 && years[i] == years[i - 1])
            continue;
        used = ws_dataset_stat_year(ds, years[i]);
        if (used != years[i])
            ws_warnings_add(&ds->warnings,
                            "cases of %d use the statistics of %d, the nearest year in '%s'",
                            years[i], used, L->st->stat_source);
    }
    free(years);
}

/* The coverage warning for cases in n_with of the n_gem gemeenten in codes
 * (has[g]: gemeente g has a case row). */
static void warn_gemeenten(struct loader *L, const char *const *codes, const bool *has,
                           size_t n_gem, size_t n_with)
{
    struct ws_strbuf list = WS_STRBUF_INIT;
    size_t shown = 0;

    for (size_t g = 0; g < n_gem && shown < 3; g++) {
        if (!has[g])
            continue;
        ws_strbuf_addf(&list, "%s'%s'", shown ? ", " : "", codes[g]);
        shown++;
    }
    ws_warnings_add(&L->ds->warnings,
                    "cases in %zu of %zu gemeenten of the boundaries: every buurt of the other %zu "
                    "counts 0 cases; filter the boundaries with [boundaries] where = %s %s %s%s%s",
                    n_with, n_gem, n_gem - n_with,
                    L->st->bnd_gemeente ? L->st->bnd_gemeente : "gemeentecode",
                    n_with == 1 ? "=" : "IN (", list.buf, n_with == 1 ? "" : ")",
                    n_with > 3 ? " (and the others)" : "");
    ws_strbuf_release(&list);
}

/* Warns when some gemeenten of the boundaries have no case row at all (a
 * national boundary file that was not filtered: every other buurt would
 * count 0 cases), or, in a study of one gemeente, when the case rows name
 * fewer than 5% of its buurten (from 100 buurten up). */
static void warn_case_coverage(struct loader *L)
{
    struct ws_dataset *ds = L->ds;
    struct strmap gem;  /* gemeente code -> index */
    bool *has = NULL;   /* per gemeente: named by a case row */
    bool *buurt = NULL; /* per buurt: named by a case row */
    const char **codes = NULL;
    size_t n_gem = 0;
    size_t n_with = 0;
    size_t n_buurt = 0;

    if (!ds->n_areas || !ds->n_cases)
        return;
    strmap_init(&gem);
    codes = ws_xcalloc(ds->n_areas, sizeof(*codes));
    for (size_t i = 0; i < ds->n_areas; i++) {
        size_t prev;
        if (strmap_put(&gem, ds->areas[i].gemeente, n_gem, &prev))
            codes[n_gem++] = ds->areas[i].gemeente;
    }
    has = ws_xcalloc(n_gem, sizeof(*has));
    buurt = ws_xcalloc(ds->n_areas, sizeof(*buurt));
    for (size_t i = 0; i < ds->n_cases; i++) {
        size_t ai;
        size_t gi;
        if (!strmap_get(&L->areas, ds->cases[i].code, &ai) ||
            !strmap_get(&gem, ds->areas[ai].gemeente, &gi))
            continue;
        n_buurt += !buurt[ai];
        buurt[ai] = true;
        n_with += !has[gi];
        has[gi] = true;
    }
    if (n_gem > 1 && n_with < n_gem)
        warn_gemeenten(L, codes, has, n_gem, n_with);
    else if (n_gem == 1 && ds->n_areas >= 100 && 20 * n_buurt < ds->n_areas)
        ws_warnings_add(&ds->warnings,
                        "cases name %zu of the %zu buurten of the boundaries: every other buurt "
                        "counts 0 cases; filter the boundaries with [boundaries] where = ... if "
                        "the study covers less",
                        n_buurt, ds->n_areas);
    free(has);
    free(buurt);
    free(codes);
    strmap_release(&gem);
}

int ws_load_read(const struct ws_study *st, struct ws_dataset *ds, struct ws_err *err)
{
    struct loader L;
    int rc;

    memset(&L, 0, sizeof(L));
    L.st = st;
    L.ds = ds;
    strmap_init(&L.areas);
    strmap_init(&L.categories);

    rc = ws_crs_check(st->crs, &ds->srid, err);
    if (rc) {
        ws_study_where(st, "boundaries", "crs", err);
        goto out;
    }
    ds->crs = ws_xstrdup(st->crs);
    if (st->path && (rc = add_input(&L, "study", st->path, err)))
        goto out;
    if ((rc = read_boundaries(&L, err)) || (rc = read_wijk_names(&L, err)) ||
        (rc = read_indeling(&L, err)) || (rc = read_statistics(&L, err)) ||
        (rc = read_cases(&L, err)) || (rc = map_old_rows(&L, err)))
        goto out;
    if (st->loc_source) {
        // read by a later stage; recorded here when it can be read at all
        struct ws_err ignored = WS_ERR_INIT;
        (void)add_input(&L, "locations", st->loc_source, &ignored);
    }
    warn_case_years(&L);
    warn_case_coverage(&L);
out:
    strmap_release(&L.areas);
    strmap_release(&L.categories);
    tally_release(&L.unknown);
    tally_release(&L.split);
    tally_release(&L.old_stats);
    ws_indeling_release(&L.ix);
    for (size_t i = 0; i < L.n_old; i++) {
        free(L.old_rows[i].code);
        free(L.old_rows[i].category);
    }
    free(L.old_rows);
    if (rc)
        ws_dataset_release(ds);
    return rc;
}

/* ---- writing ---- */

/* mkdir -p: creates path and its missing parents. */
static int make_dirs(const char *path, struct ws_err *err)
{
    char *p = ws_xstrdup(path);
    struct stat sb;
    int rc = WS_OK;

    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = ws_err_set(err, WS_ECANTCREAT, "cannot create folder '%s'", p);
            ws_err_cause(err, "%s", strerror(errno));
            goto out;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create folder '%s'", p);
        ws_err_cause(err, "%s", strerror(errno));
        goto out;
    }
    if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create folder '%s': a file is in the way", p);
        goto out;
    }
out:
    if (rc)
        ws_err_hint(err, "check the path and its permissions, or choose another output folder "
                         "with -o OUTDIR");
    free(p);
    return rc;
}

/* Removes a temporary store and its SQLite side files. */
static void remove_store_files(const char *path)
{
    static const char *const side[] = {"", "-journal", "-wal", "-shm"};
    struct ws_strbuf sb = WS_STRBUF_INIT;

    for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
        ws_strbuf_reset(&sb);
        ws_strbuf_addf(&sb, "%s%s", path, side[i]);
        (void)unlink(sb.buf);
    }
    ws_strbuf_release(&sb);
}

int ws_load_write(const struct ws_study *st, const struct ws_dataset *ds, const char *out_dir,
                  struct ws_err *err)
{
    struct ws_strbuf tmp = WS_STRBUF_INIT;
    struct ws_strbuf final = WS_STRBUF_INIT;
    struct ws_store *s = NULL;
    int rc;

    rc = make_dirs(out_dir, err);
    if (rc)
        goto out;
    ws_strbuf_addf(&tmp, "%s/.wijkscan.sqlite.tmp-%ld", out_dir, (long)getpid());
    ws_strbuf_addf(&final, "%s/wijkscan.sqlite", out_dir);
    remove_store_files(tmp.buf); // a leftover of an earlier run with the same pid
    if ((rc = ws_store_create(tmp.buf, ds->srid, &s, err)) || (rc = ws_store_begin(s, err)) ||
        (rc = ws_store_put_dataset(s, st, ds, err)) || (rc = ws_store_commit(s, err)))
        goto out;
    ws_store_close(s);
    s = NULL;
    if (rename(tmp.buf, final.buf) != 0) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s'", final.buf);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err,
                    "check the permissions of '%s', or choose another output folder with "
                    "-o OUTDIR",
                    out_dir);
        goto out;
    }
out:
    if (rc) {
        if (s) {
            ws_store_rollback(s);
            ws_store_close(s);
        }
        if (tmp.len)
            remove_store_files(tmp.buf);
    }
    ws_strbuf_release(&tmp);
    ws_strbuf_release(&final);
    return rc;
}
