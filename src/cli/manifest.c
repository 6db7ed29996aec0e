/*
 * manifest.c - manifest.json (README: What it writes): what made the published
 * files, so that a result can be traced and repeated.
 *
 * {"format": "wijkscan-manifest/1", "tool": {"name", "version"},
 *  "libraries": {"GDAL", "PROJ", "SQLite", "SpatiaLite", "cairo", "pango",
 *                "GSL", "GLPK"},
 *  "run": {"started_utc", "study"},
 *  "inputs": [{"role", "path", "sha256"}],
 *  "settings": {key: value, ...}   (the study's settings as the store holds
 *                                   them; seed among them)
 *  "seed": the study seed,
 *  "published": [file names],
 *  "warnings": [{"stage", "message"}]}
 * Warnings never hold personal data (the loader never prints values).  The
 * same facts as "key: value" lines go to manifest.txt, the report's last
 * page.  Both are store results, written by the analyse stage.
 */
#include "wijkscan/analyse/numerics.h"
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/store/db.h"
#include "wijkscan/store/store.h"

#include <stdlib.h>
#include <string.h>

static const char *const published_files[] = {
    "indicators.csv",
    "indicators_excel.csv",
    "indicators.gpkg",
    "indicators.xlsx",
    "statistics.json",
    "audit.csv",
    "groepsaanbod.csv",
    "priorities.csv",
    "maps/",
    "report/wijkanalyse.pdf",
    "report/index.html",
    "manifest.json",
    NULL,
};

static void kv(struct ws_strbuf *j, const char *key, const char *value, bool first)
{
    ws_strbuf_adds(j, first ? "" : ",");
    ws_strbuf_add_json(j, key);
    ws_strbuf_addch(j, ':');
    ws_strbuf_add_json(j, value);
}

static void warning_entry(struct ws_strbuf *j, struct ws_strbuf *t, size_t n, const char *stage,
                          const char *message)
{
    ws_strbuf_adds(j, n ? ",\n{" : "\n{");
    kv(j, "stage", stage, true);
    kv(j, "message", message, false);
    ws_strbuf_addch(j, '}');
    ws_strbuf_addf(t, "warning (%s): %s\n", stage, message);
}

/* The store's warnings (stage, message pairs), then the analysis's. */
static void add_warnings(struct ws_strbuf *j, struct ws_strbuf *t, char **rec, size_t n_rec,
                         const struct ws_warnings *analysis)
{
    size_t n = 0;

    for (size_t i = 0; i < n_rec; i++, n++)
        warning_entry(j, t, n, rec[2 * i], rec[2 * i + 1]);
    for (size_t i = 0; analysis && i < analysis->n; i++, n++)
        warning_entry(j, t, n, "analyse", analysis->msg[i]);
}

int ws_cli_manifest(struct ws_store *s, const struct ws_warnings *analysis_warnings, char **json,
                    char **txt, struct ws_err *err)
{
    struct ws_strbuf j = WS_STRBUF_INIT;
    struct ws_strbuf t = WS_STRBUF_INIT;
    char **rec[4] = {NULL, NULL, NULL, NULL};
    size_t nr[4] = {0, 0, 0, 0};
    size_t nc[4] = {0, 0, 0, 0};
    const char *libs[][2] = {
        {"GDAL", ws_ogr_gdal_version()},      {"PROJ", ws_crs_proj_version()},
        {"SQLite", ws_db_sqlite_version()},   {"SpatiaLite", ws_db_spatialite_version()},
        {"cairo", ws_canvas_cairo_version()}, {"pango", ws_canvas_pango_version()},
        {"GSL", ws_numerics_gsl_version()},   {"GLPK", ws_lp_glpk_version()},
    };
    const char *seed = "";
    int rc = WS_OK;

    *json = *txt = NULL;
    for (int k = 0; k < 4 && !rc; k++)
        rc = ws_store_read_record(s, (enum ws_store_record)k, &rec[k], &nr[k], &nc[k], err);
    if (rc)
        goto out;

    ws_strbuf_adds(&j, "{\"format\":\"wijkscan-manifest/1\",\n\"tool\":{");
    kv(&j, "name", "wijkscan", true);
    kv(&j, "version", WS_VERSION, false);
    ws_strbuf_addf(&t, "wijkscan: %s\n", WS_VERSION);
    ws_strbuf_adds(&j, "},\n\"libraries\":{");
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        kv(&j, libs[i][0], libs[i][1], i == 0);
        ws_strbuf_addf(&t, "%s: %s\n", libs[i][0], libs[i][1]);
    }
    ws_strbuf_adds(&j, "},\n\"run\":{");
    if (nr[WS_RECORD_RUN]) {
        char **r = rec[WS_RECORD_RUN];
        kv(&j, "started_utc", r[0], true);
        kv(&j, "study", r[2], false);
        ws_strbuf_addf(&t, "run started (UTC): %s\nstudy: %s\n", r[0], r[2]);
    }
    ws_strbuf_adds(&j, "},\n\"inputs\":[");
    for (size_t i = 0; i < nr[WS_RECORD_INPUTS]; i++) {
        char **r = rec[WS_RECORD_INPUTS] + 3 * i;
        ws_strbuf_adds(&j, i ? ",\n{" : "\n{");
        kv(&j, "role", r[0], true);
        kv(&j, "path", r[1], false);
        kv(&j, "sha256", r[2][0] ? r[2] : NULL, false);
        ws_strbuf_addch(&j, '}');
        ws_strbuf_addf(&t, "input %s: %s (SHA-256 %s)\n", r[0], r[1], r[2][0] ? r[2] : "-");
    }
    ws_strbuf_adds(&j, "],\n\"settings\":{");
    for (size_t i = 0; i < nr[WS_RECORD_SETTINGS]; i++) {
        char **r = rec[WS_RECORD_SETTINGS] + 2 * i;
        kv(&j, r[0], r[1], i == 0);
        if (strcmp(r[0], "seed") == 0)
            seed = r[1];
        ws_strbuf_addf(&t, "setting %s: %s\n", r[0], r[1]);
    }
    ws_strbuf_addf(&j, "},\n\"seed\":%s,\n\"published\":[", seed[0] ? seed : "null");
    for (size_t i = 0; published_files[i]; i++) {
        ws_strbuf_adds(&j, i ? "," : "");
        ws_strbuf_add_json(&j, published_files[i]);
    }
    ws_strbuf_adds(&j, "],\n\"warnings\":[");
    add_warnings(&j, &t, rec[WS_RECORD_WARNINGS], nr[WS_RECORD_WARNINGS], analysis_warnings);
    ws_strbuf_adds(&j, "]}\n");
    *json = ws_strbuf_detach(&j);
    *txt = ws_strbuf_detach(&t);
out:
    for (int k = 0; k < 4; k++)
        ws_store_free_strings(rec[k], nr[k] * nc[k]);
    ws_strbuf_release(&j);
    ws_strbuf_release(&t);
    return rc;
}
