/*
 * cmd_check.c - `wijkscan check`: validate the study and its inputs, write
 * nothing.
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/load/load.h"
#include "wijkscan/render/mapdef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage[] = {
    "usage: wijkscan check [-c STUDY.ini]",
    "",
    "Validates the study file and every input it names (boundaries, statistics,",
    "case counts) by the same rules as 'wijkscan load', and writes nothing.",
    "Exit status 0 means 'wijkscan run' will accept the inputs.",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -h, --help               show this help",
    NULL,
};

const char *const *ws_cmd_check_usage(void)
{
    return usage;
}

/* --verbose: which map definitions the study uses. */
static void log_map_files(const struct ws_study *st)
{
    char **paths = NULL;
    size_t n = 0;
    struct ws_err sub = WS_ERR_INIT;

    if (ws_mapdef_files(st, &paths, &n, &sub) != WS_OK)
        return;
    for (size_t i = 0; i < n; i++)
        ws_log_verbose("map definition: %s", paths[i]);
    ws_mapdef_free_paths(paths, n);
}

struct yc_total {
    int year;
    const char *category;
    long long total;
};

/* Index of (year, category) in t[0..*n), appended with a zero total when
 * absent. */
static size_t yc_slot(struct yc_total **t, size_t *n, size_t *cap, const struct ws_case_row *r)
{
    size_t k = 0;
    while (k < *n && !((*t)[k].year == r->year && strcmp((*t)[k].category, r->category) == 0))
        k++;
    if (k < *n)
        return k;
    WS_VEC_GROW(*t, *n + 1, *cap);
    (*t)[k].year = r->year;
    (*t)[k].category = r->category;
    (*t)[k].total = 0;
    (*n)++;
    return k;
}

/* What protection will withhold (see README, Privacy): a year x category
 * with fewer than min_count cases in the whole study, whose count the
 * published averages and model would give away.  Warned, never with the
 * count. */
static void predict_withheld(const struct ws_study *st, struct ws_dataset *ds)
{
    struct yc_total *t = NULL;
    size_t n = 0;
    size_t cap = 0;

    for (size_t i = 0; i < ds->n_cases; i++) {
        size_t k = yc_slot(&t, &n, &cap, &ds->cases[i]);
        t[k].total += ds->cases[i].count;
    }
    for (size_t k = 0; k < n; k++) {
        if (t[k].total >= st->min_count)
            continue;
        if (strcmp(t[k].category, "all") == 0)
            ws_warnings_add(&ds->warnings,
                            "%d has fewer than min_count cases in the whole study: nothing of "
                            "that year will be published; pool years",
                            t[k].year);
        else
            ws_warnings_add(&ds->warnings,
                            "%d, category '%s': fewer than min_count cases in the whole study: "
                            "it will be withheld for that year (with the smallest other "
                            "category); merge it with another category, or pool years",
                            t[k].year, t[k].category);
    }
    free(t);
}

int ws_cmd_check(int argc, char **argv, struct ws_err *err)
{
    struct ws_cli_opts o;
    struct ws_study st;
    struct ws_dataset ds;
    bool help;
    int rc;

    rc = ws_cli_parse_common(ws_cli_find("check"), argc, argv, false, &o, &help, err);
    if (rc || help) {
        if (help)
            ws_cli_print_usage(ws_cli_find("check"));
        return rc;
    }
    rc = ws_cli_load_study(&o, &st, err);
    if (rc)
        return rc;
    ws_dataset_init(&ds);
    ws_log_progress("reading inputs");
    rc = ws_load_read(&st, &ds, err);
    if (!rc)
        rc = ws_mapdef_check_files(&st, err);
    if (!rc && ws_log_get_level() >= WS_LOG_VERBOSE)
        log_map_files(&st);
    ws_log_progress_done();
    if (!rc) {
        predict_withheld(&st, &ds);
        ws_warnings_print(&ds.warnings, 5);
        if (ws_log_get_level() >= WS_LOG_NORMAL)
            (void)printf("%s: ok: %zu buurten, %zu statistics rows, %zu case rows, %zu warning%s\n",
                         st.path, ds.n_areas, ds.n_stats, ds.n_cases, ds.warnings.n,
                         ds.warnings.n == 1 ? "" : "s");
    }
    ws_dataset_release(&ds);
    ws_study_release(&st);
    return rc;
}
