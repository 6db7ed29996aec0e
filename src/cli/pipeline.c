/*
 * pipeline.c - the stages in order, all or nothing.
 *
 * Every command that writes works on temporary files: the store is built (or
 * copied) under a temporary name, maps and tables are written under
 * temporary names, and only when every stage succeeded are they renamed into
 * OUTDIR.  The analyse (with protection) and map stages join here once the
 * disclosure audit passes on the embedded demo.
 */
#include "wijkscan/cli.h"
#include "wijkscan/load.h"
#include "wijkscan/log.h"
#include "wijkscan/outfiles.h"
#include "wijkscan/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Loads the validated dataset into a new store at path. */
static int load_into(const struct ws_study *st, const char *path, struct ws_store **out,
                     struct ws_err *err)
{
    struct ws_dataset ds;
    struct ws_store *s = NULL;
    int rc;

    ws_dataset_init(&ds);
    ws_log_progress("reading inputs");
    rc = ws_load_read(st, &ds, err);
    if (rc)
        goto out;
    ws_log_progress("writing the store");
    (void)unlink(path);
    if ((rc = ws_store_create(path, ds.srid, &s, err)) || (rc = ws_store_begin(s, err)) ||
        (rc = ws_store_put_dataset(s, st, &ds, err)) || (rc = ws_store_commit(s, err)))
        goto out;
    ws_log_progress_done();
    ws_warnings_print(&ds.warnings, 5);
    if (ws_log_get_level() >= WS_LOG_NORMAL) {
        size_t nb = 0;
        size_t nw = 0;
        (void)ws_store_count_areas(s, WS_LEVEL_BUURT, &nb, err);
        (void)ws_store_count_areas(s, WS_LEVEL_WIJK, &nw, err);
        (void)printf("load: %zu buurt%s, %zu wijk%s; %zu statistics rows, %zu case rows\n", nb,
                     nb == 1 ? "" : "en", nw, nw == 1 ? "" : "en", ds.n_stats, ds.n_cases);
    }
    *out = s;
    s = NULL;
out:
    ws_log_progress_done();
    if (s) {
        ws_store_rollback(s);
        ws_store_close(s);
    }
    ws_dataset_release(&ds);
    return rc;
}

/* The store the stages work on: a new one, made by the load stage under a
 * temporary name. */
static int open_store(const struct ws_study *st, unsigned stages, struct ws_outfiles *o,
                      struct ws_store **s, struct ws_err *err)
{
    const char *tmp_store = NULL;
    int rc;

    if (!(stages & WS_STAGE_LOAD)) {
        ws_err_set(err, WS_EINTERNAL, "no stage to run");
        return WS_EINTERNAL;
    }
    if ((rc = ws_outfiles_add(o, "wijkscan.sqlite", &tmp_store, err)))
        return rc;
    return load_into(st, tmp_store, s, err);
}

int ws_cli_pipeline(const struct ws_study *st, const char *out_dir, unsigned stages,
                    struct ws_err *err)
{
    struct ws_outfiles o;
    struct ws_store *s = NULL;
    int rc;

    ws_outfiles_init(&o, out_dir);
    if ((rc = open_store(st, stages, &o, &s, err)))
        goto out;
    ws_store_close(s);
    s = NULL;
    rc = ws_outfiles_commit(&o, err);
    if (!rc && ws_log_get_level() >= WS_LOG_NORMAL)
        (void)printf("wrote %s\n", out_dir);
out:
    ws_store_close(s);
    if (rc)
        ws_outfiles_abort(&o);
    ws_outfiles_release(&o);
    return rc;
}
