/*
 * results.c - the typed results between stages and the published files
 * written from them (see results.h); the JSON through strbuf.h's writer.
 */
#include "wijkscan/core/results.h"

#include "wijkscan/core/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const reason_keys[] = {"need", "demand", "rising", "cluster", "falling"};
#define N_REASONS (sizeof(reason_keys) / sizeof(reason_keys[0]))

static const char *const kind_names[WS_MANIFEST_N_KINDS] = {
    "tool", "library", "run", "input", "setting", "warning",
};

/* The published files manifest.json lists (README: What it writes). */
static const char *const published_files[] = {
    "indicators.csv",         "indicators_excel.csv", "indicators.gpkg",
    "indicators.xlsx",        "statistics.json",      "audit.csv",
    "groepsaanbod.csv",       "priorities.csv",       "maps/",
    "report/wijkanalyse.pdf", "report/index.html",    "manifest.json",
};

const char *ws_reason_key(unsigned flag)
{
    for (size_t f = 0; f < N_REASONS; f++)
        if (flag == 1u << f)
            return reason_keys[f];
    return NULL;
}

const char *ws_manifest_kind_name(enum ws_manifest_kind kind)
{
    if ((unsigned)kind >= WS_MANIFEST_N_KINDS)
        return NULL;
    return kind_names[kind];
}

bool ws_manifest_kind_parse(const char *name, enum ws_manifest_kind *kind)
{
    for (unsigned k = 0; name && k < WS_MANIFEST_N_KINDS; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (enum ws_manifest_kind)k;
            return true;
        }
    }
    return false;
}

void ws_priority_rows_free(struct ws_priority_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].code);
        free(rows[i].name);
        free(rows[i].wijk);
    }
    free(rows);
}

void ws_offer_rows_free(struct ws_offer_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].category);
        free(rows[i].catchment);
        free(rows[i].catchment_name);
        free(rows[i].location);
    }
    free(rows);
}

void ws_manifest_items_free(struct ws_manifest_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].key);
        free(items[i].value);
        free(items[i].sha256);
    }
    free(items);
}

char *ws_priorities_csv(const struct ws_priority_row *rows, size_t n)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_strbuf_adds(&sb, "year,rank,code,name,wijk,reasons\n");
    for (size_t i = 0; i < n; i++) {
        const struct ws_priority_row *r = &rows[i];
        bool first = true;
        ws_strbuf_addf(&sb, "%d,%ld,", r->year, r->rank);
        ws_strbuf_add_csv(&sb, r->code);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, r->name);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, r->wijk);
        ws_strbuf_addch(&sb, ',');
        for (size_t f = 0; f < N_REASONS; f++) {
            if (!(r->reasons & (1u << f)))
                continue;
            ws_strbuf_addf(&sb, "%s%s", first ? "" : ";", reason_keys[f]);
            first = false;
        }
        ws_strbuf_addch(&sb, '\n');
    }
    return ws_strbuf_detach(&sb);
}

char *ws_offers_csv(const struct ws_offer_row *rows, size_t n)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;

    ws_strbuf_adds(&sb,
                   "category,years,catchment,catchment_name,location,n_buurten,cases,suggest\n");
    for (size_t i = 0; i < n; i++) {
        const struct ws_offer_row *o = &rows[i];
        ws_strbuf_add_csv(&sb, o->category);
        if (o->year_from != o->year_to)
            ws_strbuf_addf(&sb, ",%d-%d,", o->year_from, o->year_to);
        else
            ws_strbuf_addf(&sb, ",%d,", o->year_to);
        ws_strbuf_add_csv(&sb, o->catchment);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, o->catchment_name);
        ws_strbuf_addch(&sb, ',');
        ws_strbuf_add_csv(&sb, o->location);
        ws_strbuf_addf(&sb, ",%zu,", o->n_buurten);
        if (isfinite(o->cases))
            ws_strbuf_addf(&sb, "%.0f", o->cases);
        ws_strbuf_addf(&sb, ",%d\n", o->suggest ? 1 : 0);
    }
    return ws_strbuf_detach(&sb);
}

/* The items of one kind as the members of an object: "key":"value",... */
static void members(struct ws_strbuf *j, const struct ws_manifest_item *items, size_t n,
                    enum ws_manifest_kind kind)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].kind == kind)
            ws_json_kstr(j, items[i].key, items[i].value);
}

/* The items of one kind as an array of objects, one per line. */
static void entries(struct ws_strbuf *j, const struct ws_manifest_item *items, size_t n,
                    enum ws_manifest_kind kind)
{
    bool first = true;

    for (size_t i = 0; i < n; i++) {
        const struct ws_manifest_item *it = &items[i];
        if (it->kind != kind)
            continue;
        ws_strbuf_adds(j, first ? "\n{" : ",\n{");
        first = false;
        if (kind == WS_MANIFEST_INPUT) {
            ws_json_kstr(j, "role", it->key);
            ws_json_kstr(j, "path", it->value);
            ws_json_kstr(j, "sha256", it->sha256);
        } else {
            ws_json_kstr(j, "stage", it->key);
            ws_json_kstr(j, "message", it->value);
        }
        ws_strbuf_addch(j, '}');
    }
}

/* A whole number >= 0 (the study's seed), so that it can stand in JSON as
 * it is. */
static bool is_number(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

char *ws_manifest_json(const struct ws_manifest_item *items, size_t n)
{
    struct ws_strbuf j = WS_STRBUF_INIT;
    const char *seed = NULL;

    ws_strbuf_adds(&j, "{\"format\":\"wijkscan-manifest/1\",\n\"tool\":{");
    for (size_t i = 0; i < n; i++) {
        if (items[i].kind == WS_MANIFEST_TOOL) {
            ws_json_kstr(&j, "name", items[i].key);
            ws_json_kstr(&j, "version", items[i].value);
            break;
        }
    }
    ws_strbuf_adds(&j, "},\n\"libraries\":{");
    members(&j, items, n, WS_MANIFEST_LIBRARY);
    ws_strbuf_adds(&j, "},\n\"run\":{");
    members(&j, items, n, WS_MANIFEST_RUN);
    ws_strbuf_adds(&j, "},\n\"inputs\":[");
    entries(&j, items, n, WS_MANIFEST_INPUT);
    ws_strbuf_adds(&j, "],\n\"settings\":{");
    members(&j, items, n, WS_MANIFEST_SETTING);
    for (size_t i = 0; i < n; i++)
        if (items[i].kind == WS_MANIFEST_SETTING && strcmp(items[i].key, "seed") == 0)
            seed = items[i].value;
    ws_strbuf_addf(&j, "},\n\"seed\":%s,\n\"published\":[", is_number(seed) ? seed : "null");
    for (size_t i = 0; i < sizeof(published_files) / sizeof(published_files[0]); i++)
        ws_json_elem_str(&j, published_files[i]);
    ws_strbuf_adds(&j, "],\n\"warnings\":[");
    entries(&j, items, n, WS_MANIFEST_WARNING);
    ws_strbuf_adds(&j, "]}\n");
    return ws_strbuf_detach(&j);
}
