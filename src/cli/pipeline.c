/*
 * pipeline.c - the stages in order, all or nothing.
 *
 * Every command that writes works on temporary files: the store is built (or
 * copied) under a temporary name, maps and tables are written under
 * temporary names, and only when every stage succeeded are they renamed into
 * OUTDIR.  Published tables and maps are made from the PROTECTED rows only
 * (WS_SET_PUBLISHED): the protection step runs inside `analyse`, before any
 * publishing writer.
 */
#include "wijkscan/cli/analyse_store.h"
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/load.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/protect/protect.h"
#include "wijkscan/render/choropleth.h"
#include "wijkscan/render/render.h"
#include "wijkscan/report/publish.h"
#include "wijkscan/report/report.h"
#include "wijkscan/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Service locations of the study in the working CRS; none without
 * [locations] source. */
struct locations {
    struct ws_ogr_points raw;
    struct ws_map_point *points;
    size_t n;
};

static void locations_release(struct locations *l)
{
    ws_ogr_points_release(&l->raw);
    free(l->points);
    memset(l, 0, sizeof(*l));
}

int ws_cli_read_locations(const struct ws_study *st, struct ws_map_point **points, size_t *n,
                          void **owner, struct ws_err *err);
int ws_cli_read_locations(const struct ws_study *st, struct ws_map_point **points, size_t *n,
                          void **owner, struct ws_err *err)
{
    struct locations *l = ws_xcalloc(1, sizeof(*l));
    struct ws_crs_transform *t = NULL;
    double *xy = NULL;
    int rc = WS_OK;

    *points = NULL;
    *n = 0;
    *owner = l;
    ws_ogr_points_init(&l->raw);
    if (!st->loc_source)
        return WS_OK;
    rc = ws_ogr_read_points(st->loc_source, st->loc_layer, st->loc_name, "[locations] name",
                            &l->raw, err);
    if (rc)
        goto out;
    rc = ws_crs_transform_new(l->raw.crs, st->crs, &t, err);
    if (rc)
        goto out;
    xy = ws_xcalloc(l->raw.n * 2 + 1, sizeof(*xy));
    for (size_t i = 0; i < l->raw.n; i++) {
        xy[2 * i] = l->raw.points[i].x;
        xy[2 * i + 1] = l->raw.points[i].y;
    }
    rc = ws_crs_transform_xy(t, xy, l->raw.n, err);
    if (rc)
        goto out;
    l->points = ws_xcalloc(l->raw.n + 1, sizeof(*l->points));
    for (size_t i = 0; i < l->raw.n; i++) {
        l->points[i].x = xy[2 * i];
        l->points[i].y = xy[2 * i + 1];
        l->points[i].name = l->raw.points[i].name;
    }
    l->n = l->raw.n;
    *points = l->points;
    *n = l->n;
out:
    if (rc)
        ws_study_where(st, "locations", "source", err);
    free(xy);
    ws_crs_transform_free(t);
    return rc;
}

void ws_cli_free_locations(void *owner);
void ws_cli_free_locations(void *owner)
{
    if (!owner)
        return;
    locations_release(owner);
    free(owner);
}

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

/* Analysis, then protection, inside the store. */
/* Protection with the study's service locations (for the group offers). */
static int protect_in(struct ws_store *s, const struct ws_study *st, struct ws_audit *audit,
                      struct ws_err *err)
{
    struct ws_map_point *points = NULL;
    struct ws_offer_location *loc = NULL;
    size_t n_points = 0;
    void *owner = NULL;
    int rc;

    rc = ws_cli_read_locations(st, &points, &n_points, &owner, err);
    if (!rc) {
        loc = ws_xcalloc(n_points + 1, sizeof(*loc));
        for (size_t i = 0; i < n_points; i++) {
            loc[i].name = points[i].name;
            loc[i].x = points[i].x;
            loc[i].y = points[i].y;
        }
        rc = ws_protect_store_plan(s, st, loc, n_points, audit, err);
    }
    free(loc);
    ws_cli_free_locations(owner);
    return rc;
}

/* One warning per withheld year x category, ahead of the others: the user
 * must see them. */
static void warn_withheld(const struct ws_audit *audit, struct ws_warnings *warn)
{
    size_t n_before = warn->n;

    for (size_t i = 0; i < audit->n; i++) {
        const struct ws_audit_record *r = &audit->rec[i];
        if (r->check != WS_CHECK_WITHHELD)
            continue;
        if (strcmp(r->category, "all") == 0)
            ws_warnings_add(warn,
                            "%d: withheld, nothing of this year is published (see audit.csv): %s",
                            r->year, r->note ? r->note : "");
        else
            ws_warnings_add(warn,
                            "%d, category '%s': withheld, nothing of it is published for %d (see "
                            "audit.csv): %s",
                            r->year, r->category, r->year, r->note ? r->note : "");
    }
    for (size_t i = n_before; i < warn->n; i++) {
        char *m = warn->msg[i];
        memmove(warn->msg + (i - n_before) + 1, warn->msg + (i - n_before),
                n_before * sizeof(*warn->msg));
        warn->msg[i - n_before] = m;
    }
}

static int store_manifest(struct ws_store *s, const struct ws_warnings *warn, struct ws_err *err)
{
    struct ws_manifest_item *items = NULL;
    size_t n = 0;
    int rc;

    if (!(rc = ws_cli_manifest(s, warn, &items, &n, err)) && !(rc = ws_store_begin(s, err))) {
        if ((rc = ws_store_put_manifest(s, items, n, err)))
            ws_store_rollback(s);
        else
            rc = ws_store_commit(s, err);
    }
    ws_manifest_items_free(items, n);
    return rc;
}

static void print_protect_summary(const struct ws_audit *audit, const struct ws_study *st)
{
    size_t prim = 0;
    size_t sec = 0;

    ws_log_verbose(
        "protect: %zu subtables in %.2f s; audit and repair %.2f s (%zu cells "
        "certified with a lower bound, %zu exactly; the network decided %zu checks "
        "without an LP (%zu of them too narrow), %zu left to LPs; %zu LP solves, the largest LP "
        "%zu variables); protection in all %.2f s over %zu passes; complements: %zu "
        "by subtable, %zu after the audit; %zu model fits withheld",
        audit->stats.n_subtables, audit->stats.subtable_seconds, audit->stats.audit_seconds,
        audit->stats.n_bound, audit->stats.n_exact,
        audit->stats.n_network_wide + audit->stats.n_network_narrow, audit->stats.n_network_narrow,
        audit->stats.n_network_unknown, audit->stats.n_lp_solves, audit->stats.max_vars,
        audit->stats.total_seconds, audit->stats.n_passes, audit->stats.n_secondary_subtable,
        audit->stats.n_secondary_repair, audit->n_model_withheld);
    if (ws_log_get_level() < WS_LOG_NORMAL)
        return;
    for (size_t i = 0; i < audit->n; i++) {
        if (audit->rec[i].reason == WS_SUPP_PRIMARY)
            prim++;
        else if (audit->rec[i].reason == WS_SUPP_SECONDARY)
            sec++;
    }
    (void)printf("analyse: indicators computed; %zu cells suppressed (%zu primary, %zu "
                 "secondary)",
                 prim + sec, prim, sec);
    if (audit->n_withheld)
        (void)printf("; year x category withheld: %zu", audit->n_withheld);
    (void)printf("; %s\n", st->safety_range > 0 ? "audit passed" : "no audit (safety_range = 0)");
}

static int analyse_in(struct ws_store *s, const struct ws_study *st, struct ws_err *err)
{
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_audit audit;
    int rc;

    memset(&audit, 0, sizeof(audit));
    ws_log_progress("analysing");
    if ((rc = ws_store_begin(s, err)))
        goto out;
    rc = ws_analyse_store(s, st, &warn, err);
    if (rc) {
        ws_store_rollback(s);
        goto out;
    }
    if ((rc = ws_store_commit(s, err)))
        goto out;
    ws_mem_give_back();
    ws_log_verbose("analyse: peak memory so far %ld MB", ws_mem_peak_mb());
    ws_log_progress("protecting");
    if (st->safety_range <= 0)
        ws_log_info("warning: safety_range = 0: no secondary suppression and no audit; a "
                    "suppressed count may be recoverable by subtraction");
    if ((rc = protect_in(s, st, &audit, err)))
        goto out;
    ws_mem_give_back();
    ws_log_verbose("protect: peak memory so far %ld MB", ws_mem_peak_mb());
    warn_withheld(&audit, &warn);
    if ((rc = store_manifest(s, &warn, err)))
        goto out;
    ws_log_progress_done();
    ws_warnings_print(&warn, audit.n_withheld > 5 ? audit.n_withheld : 5);
    print_protect_summary(&audit, st);
out:
    ws_log_progress_done();
    ws_audit_release(&audit);
    ws_warnings_release(&warn);
    return rc;
}

static int maps_in(struct ws_store *s, const struct ws_study *st, struct ws_outfiles *o,
                   struct ws_err *err)
{
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_map_point *points = NULL;
    size_t n_points = 0;
    void *owner = NULL;
    size_t before = o->n;
    int rc;

    rc = ws_cli_read_locations(st, &points, &n_points, &owner, err);
    if (rc)
        goto out;
    ws_log_progress("drawing maps");
    rc = ws_render_store(s, st, points, n_points, NULL, o, &warn, err);
    ws_log_progress_done();
    if (rc)
        goto out;
    ws_warnings_print(&warn, 5);
    if (ws_log_get_level() >= WS_LOG_NORMAL)
        (void)printf("map: %zu map file%s\n", o->n - before, o->n - before == 1 ? "" : "s");
out:
    ws_cli_free_locations(owner);
    ws_warnings_release(&warn);
    return rc;
}

static int report_in(struct ws_store *s, const struct ws_study *st, struct ws_outfiles *o,
                     struct ws_err *err)
{
    size_t before = o->n;
    int rc;

    ws_log_progress("writing the report");
    rc = ws_report_store(s, st, o, err);
    ws_log_progress_done();
    if (!rc && ws_log_get_level() >= WS_LOG_NORMAL)
        (void)printf("report: %zu file%s\n", o->n - before, o->n - before == 1 ? "" : "s");
    return rc;
}

/* The store the stages work on: a new one (load), a copy of the existing one
 * (analyse: a failure leaves the original as it was), or the existing one
 * read-only (map). */
static int open_store(const struct ws_study *st, const char *existing, unsigned stages,
                      struct ws_outfiles *o, struct ws_store **s, struct ws_err *err)
{
    const char *tmp_store = NULL;
    int rc;

    if (stages & WS_STAGE_LOAD) {
        if ((rc = ws_outfiles_add(o, "wijkscan.sqlite", &tmp_store, err)))
            return rc;
        return load_into(st, tmp_store, s, err);
    }
    if (access(existing, R_OK) != 0) {
        ws_err_set(err, WS_ENOINPUT, "no store '%s' to %s", existing,
                   (stages & WS_STAGE_ANALYSE) ? "analyse"
                   : (stages & WS_STAGE_MAP)   ? "draw maps from"
                                               : "write a report from");
        ws_err_where(err, "%s", existing);
        ws_err_hint(err, "run 'wijkscan load' (or 'wijkscan run') with the same -o first");
        return WS_ENOINPUT;
    }
    if (!(stages & WS_STAGE_ANALYSE))
        return ws_store_open(existing, false, s, err);
    if ((rc = ws_outfiles_add(o, "wijkscan.sqlite", &tmp_store, err)) ||
        (rc = ws_copy_file(existing, tmp_store, err)))
        return rc;
    return ws_store_open(tmp_store, true, s, err);
}

int ws_cli_take_outdir(struct ws_outfiles *o, unsigned stages, struct ws_err *err)
{
    int rc = ws_outfiles_lock(o, err);

    if (rc)
        return rc;
    if (o->note)
        ws_log_info("note: %s", o->note);
    if (stages & WS_STAGE_LOAD)
        ws_outfiles_own(o, "wijkscan.sqlite");
    if (stages & WS_STAGE_ANALYSE)
        ws_outfiles_own(o, ".");
    if (stages & WS_STAGE_MAP)
        ws_outfiles_own(o, "maps/");
    if (stages & WS_STAGE_REPORT)
        ws_outfiles_own(o, "report/");
    return WS_OK;
}

int ws_cli_pipeline(const struct ws_study *st, const char *out_dir, unsigned stages,
                    struct ws_err *err)
{
    struct ws_outfiles o;
    struct ws_store *s = NULL;
    struct ws_strbuf existing = WS_STRBUF_INIT;
    int rc;

    ws_outfiles_init(&o, out_dir);
    ws_strbuf_addf(&existing, "%s/wijkscan.sqlite", out_dir);
    if ((rc = ws_cli_take_outdir(&o, stages, err)))
        goto out;
    if ((rc = open_store(st, existing.buf, stages, &o, &s, err)))
        goto out;
    if ((stages & WS_STAGE_ANALYSE) && (rc = analyse_in(s, st, err)))
        goto out;
    if ((stages & (WS_STAGE_MAP | WS_STAGE_REPORT)) && !(stages & WS_STAGE_ANALYSE)) {
        /* maps and reports show the protected rows: a store that was only
         * loaded has none */
        char *audit = NULL;
        struct ws_err sub = WS_ERR_INIT;
        if (ws_store_get_result(s, "audit.csv", &audit, &sub) != WS_OK) {
            rc = ws_err_set(err, WS_ENOINPUT, "the store '%s' holds no protected results",
                            existing.buf);
            ws_err_where(err, "%s", existing.buf);
            ws_err_hint(err, "run 'wijkscan analyse' with the same -o first");
            goto out;
        }
        free(audit);
    }
    if ((stages & WS_STAGE_MAP) && (rc = maps_in(s, st, &o, err)))
        goto out;
    if ((stages & WS_STAGE_REPORT) && (rc = report_in(s, st, &o, err)))
        goto out;
    if (stages & WS_STAGE_ANALYSE) {
        /* published tables come last: they commit their own files at once */
        ws_log_progress("writing tables");
        rc = ws_publish_tables(s, &o, st, err);
        ws_log_progress_done();
        if (rc)
            goto out;
    }
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
    ws_strbuf_release(&existing);
    return rc;
}
