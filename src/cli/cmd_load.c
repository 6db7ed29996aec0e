/*
 * cmd_load.c - `wijkscan load`: read and validate the inputs, write the store.
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/load/load.h"
#include "wijkscan/store/store.h"

#include <stdio.h>
#include <string.h>

static const char *const usage[] = {
    "usage: wijkscan load [-c STUDY.ini] [-o OUTDIR]",
    "",
    "Reads the boundaries, statistics and case counts named by the study file,",
    "checks them (README: Your own municipality) and writes the private store",
    "OUTDIR/wijkscan.sqlite in one transaction.",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -o, --output OUTDIR      output folder (default: the study's [output] dir)",
    "  -h, --help               show this help",
    NULL,
};

const char *const *ws_cmd_load_usage(void)
{
    return usage;
}

int ws_cli_do_load(const struct ws_study *st, const char *out_dir, struct ws_err *err)
{
    struct ws_dataset ds;
    struct ws_outfiles o;
    struct ws_store *store = NULL;
    const char *tmp = NULL;
    char path[4096];
    size_t n_b = 0;
    size_t n_w = 0;
    size_t n_g = 0;
    int rc;

    ws_dataset_init(&ds);
    ws_outfiles_init(&o, out_dir);
    if ((rc = ws_cli_take_outdir(&o, WS_STAGE_LOAD, err)))
        goto out;
    ws_log_progress("reading inputs");
    rc = ws_load_read(st, &ds, err);
    if (rc)
        goto out;
    ws_log_progress("writing store");
    if ((rc = ws_outfiles_add(&o, "wijkscan.sqlite", &tmp, err)) ||
        (rc = ws_store_create(tmp, ds.srid, &store, err)) || (rc = ws_store_begin(store, err)) ||
        (rc = ws_store_put_dataset(store, st, &ds, err)) || (rc = ws_store_commit(store, err)))
        goto out;
    ws_log_progress_done();
    if ((rc = ws_store_count_areas(store, WS_LEVEL_BUURT, &n_b, err)) ||
        (rc = ws_store_count_areas(store, WS_LEVEL_WIJK, &n_w, err)) ||
        (rc = ws_store_count_areas(store, WS_LEVEL_GEMEENTE, &n_g, err)))
        goto out;
    ws_store_close(store);
    store = NULL;
    if ((rc = ws_outfiles_commit(&o, err)))
        goto out;
    ws_warnings_print(&ds.warnings, 5);
    (void)snprintf(path, sizeof(path), "%s/wijkscan.sqlite", out_dir);
    if (ws_log_get_level() >= WS_LOG_NORMAL)
        (void)printf("store %s: %zu buurt%s, %zu wijk%s, %zu gemeente%s; %zu statistics "
                     "row%s, %zu case row%s\n",
                     path, n_b, n_b == 1 ? "" : "en", n_w, n_w == 1 ? "" : "en", n_g,
                     n_g == 1 ? "" : "n", ds.n_stats, ds.n_stats == 1 ? "" : "s", ds.n_cases,
                     ds.n_cases == 1 ? "" : "s");
out:
    ws_log_progress_done();
    if (store) {
        ws_store_rollback(store);
        ws_store_close(store);
    }
    if (rc)
        ws_outfiles_abort(&o);
    ws_outfiles_release(&o);
    ws_dataset_release(&ds);
    return rc;
}

int ws_cmd_load(int argc, char **argv, struct ws_err *err)
{
    struct ws_cli_opts o;
    struct ws_study st;
    bool help;
    int rc;

    rc = ws_cli_parse_common(ws_cli_find("load"), argc, argv, true, &o, &help, err);
    if (rc || help) {
        if (help)
            ws_cli_print_usage(ws_cli_find("load"));
        return rc;
    }
    rc = ws_cli_load_study(&o, &st, err);
    if (rc)
        return rc;
    rc = ws_cli_do_load(&st, ws_cli_out_dir(&o, &st), err);
    ws_study_release(&st);
    return rc;
}
