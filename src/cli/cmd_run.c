/*
 * cmd_run.c - `wijkscan run`: the whole job on one study.
 *
 * Runs every stage in pipeline order (load, analyse with protection, map,
 * report),
 * all or nothing (see pipeline.c).
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/jobs.h"
#include "wijkscan/core/log.h"

/* The stages `run` performs.  analyse and map are left out of `run` until
 * the disclosure audit passes on the embedded demo (see the README): they
 * run as their own commands. */
#define WS_RUN_STAGES WS_STAGE_ALL

static const char *const usage[] = {
    "usage: wijkscan run [-c STUDY.ini] [-o OUTDIR] [--jobs N]",
    "",
    "Runs the whole job on a study: loads the inputs into the private store",
    "OUTDIR/wijkscan.sqlite, computes and protects the indicators, writes the",
    "published tables, draws the maps and writes the report (PDF and HTML).",
    "Nothing is written when any stage",
    "fails.",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -o, --output OUTDIR      output folder (default: the study's [output] dir)",
    "  -j, --jobs N             worker processes for the maps and atlases",
    "                           (default: the number of cores); the output is the",
    "                           same for any N",
    "  -h, --help               show this help",
    NULL,
};

const char *const *ws_cmd_run_usage(void)
{
    return usage;
}

int ws_cmd_run(int argc, char **argv, struct ws_err *err)
{
    struct ws_cli_opts o;
    struct ws_study st;
    bool help;
    int rc;

    rc = ws_cli_parse_common(ws_cli_find("run"), argc, argv, true, &o, &help, err);
    if (rc || help) {
        if (help)
            ws_cli_print_usage(ws_cli_find("run"));
        return rc;
    }
    ws_jobs_set(o.jobs);
    rc = ws_cli_load_study(&o, &st, err);
    if (rc)
        return rc;
    rc = ws_cli_pipeline(&st, ws_cli_out_dir(&o, &st), WS_RUN_STAGES, err);
    ws_study_release(&st);
    return rc;
}
