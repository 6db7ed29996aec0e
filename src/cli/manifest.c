/*
 * manifest.c - the manifest (README: What it writes): what made the published
 * files, so that a result can be traced and repeated.
 *
 * The manifest is a list of typed items (results.h): the tool and its
 * version, the library versions, the run record (started_utc, study), the
 * inputs with their SHA-256, the study's settings as the store holds them
 * (seed among them) and the warnings (the store's, then the analysis's).
 * The analyse stage stores them (ws_store_put_manifest); manifest.json is
 * written from them when the tables are published (ws_manifest_json) and the
 * report's provenance page reads the same items.  Warnings never hold
 * personal data (the loader never prints values).
 */
#include "wijkscan/analyse/numerics.h"
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <stdlib.h>
#include <string.h>

struct items {
    struct ws_manifest_item *v;
    size_t n, cap;
};

/* Appends an item; value and sha256 may be NULL (copied). */
static void add(struct items *l, enum ws_manifest_kind kind, const char *key, const char *value,
                const char *sha256)
{
    struct ws_manifest_item *it;

    WS_VEC_GROW(l->v, l->n + 1, l->cap);
    it = &l->v[l->n++];
    it->kind = kind;
    it->key = ws_xstrdup(key);
    it->value = value ? ws_xstrdup(value) : NULL;
    it->sha256 = sha256 ? ws_xstrdup(sha256) : NULL;
}

/* The items of the store's run record rec[WS_RECORD_*] (rows of text,
 * NULL read as ""). */
static void add_record(struct items *l, char **rec[4], const size_t nr[4])
{
    if (nr[WS_RECORD_RUN]) {
        char **r = rec[WS_RECORD_RUN];
        add(l, WS_MANIFEST_RUN, "started_utc", r[0], NULL);
        add(l, WS_MANIFEST_RUN, "study", r[2], NULL);
    }
    for (size_t i = 0; i < nr[WS_RECORD_INPUTS]; i++) {
        char **r = rec[WS_RECORD_INPUTS] + 3 * i;
        add(l, WS_MANIFEST_INPUT, r[0], r[1], r[2][0] ? r[2] : NULL);
    }
    for (size_t i = 0; i < nr[WS_RECORD_SETTINGS]; i++) {
        char **r = rec[WS_RECORD_SETTINGS] + 2 * i;
        add(l, WS_MANIFEST_SETTING, r[0], r[1], NULL);
    }
    for (size_t i = 0; i < nr[WS_RECORD_WARNINGS]; i++) {
        char **r = rec[WS_RECORD_WARNINGS] + 2 * i;
        add(l, WS_MANIFEST_WARNING, r[0], r[1], NULL);
    }
}

int ws_cli_manifest(struct ws_store *s, const struct ws_warnings *analysis_warnings,
                    struct ws_manifest_item **items, size_t *n, struct ws_err *err)
{
    struct items l = {NULL, 0, 0};
    char **rec[4] = {NULL, NULL, NULL, NULL};
    size_t nr[4] = {0, 0, 0, 0};
    size_t nc[4] = {0, 0, 0, 0};
    const char *libs[][2] = {
        {"GDAL", ws_ogr_gdal_version()},      {"PROJ", ws_crs_proj_version()},
        {"SQLite", ws_db_sqlite_version()},   {"SpatiaLite", ws_db_spatialite_version()},
        {"cairo", ws_canvas_cairo_version()}, {"pango", ws_canvas_pango_version()},
        {"GSL", ws_numerics_gsl_version()},   {"GLPK", ws_lp_glpk_version()},
    };
    int rc = WS_OK;

    *items = NULL;
    *n = 0;
    for (int k = 0; k < 4 && !rc; k++)
        rc = ws_store_read_record(s, (enum ws_store_record)k, &rec[k], &nr[k], &nc[k], err);
    if (!rc) {
        add(&l, WS_MANIFEST_TOOL, "wijkscan", WS_VERSION, NULL);
        for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
            add(&l, WS_MANIFEST_LIBRARY, libs[i][0], libs[i][1], NULL);
        add_record(&l, rec, nr);
        for (size_t i = 0; analysis_warnings && i < analysis_warnings->n; i++)
            add(&l, WS_MANIFEST_WARNING, "analyse", analysis_warnings->msg[i], NULL);
        *items = l.v;
        *n = l.n;
    }
    for (int k = 0; k < 4; k++)
        ws_store_free_strings(rec[k], nr[k] * nc[k]);
    return rc;
}
