/*
 * cmd_analyse.c - `wijkscan analyse`, `map` and `report`: one stage on an
 * existing store.
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/jobs.h"

static const char *const analyse_usage[] = {
    "usage: wijkscan analyse [-c STUDY.ini] [-o OUTDIR]",
    "",
    "Computes every indicator (README: Data dictionary) from the store",
    "OUTDIR/wijkscan.sqlite made by 'wijkscan load', protects them (primary and",
    "secondary suppression, rounding, the attacker's audit) and writes the",
    "published tables indicators.csv, indicators_excel.csv, indicators.gpkg,",
    "indicators.xlsx, statistics.json and audit.csv.  Nothing is written when",
    "any step fails.",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -o, --output OUTDIR      output folder (default: the study's [output] dir)",
    "  -h, --help               show this help",
    NULL,
};

static const char *const map_usage[] = {
    "usage: wijkscan map [-c STUDY.ini] [-o OUTDIR] [--jobs N]",
    "",
    "Draws the maps of the study's map definitions ([maps] files, default the",
    "shipped maps/*.ini) from the protected indicators in OUTDIR/wijkscan.sqlite",
    "into OUTDIR/maps/ as PNG, PDF and/or SVG.",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -o, --output OUTDIR      output folder (default: the study's [output] dir)",
    "  -j, --jobs N             worker processes for the maps (default: the",
    "                           number of cores); the output is the same for any N",
    "  -h, --help               show this help",
    NULL,
};

static const char *const report_usage[] = {
    "usage: wijkscan report [-c STUDY.ini] [-o OUTDIR] [--jobs N]",
    "",
    "Writes the atlas OUTDIR/report/wijkanalyse.pdf (cover, contents, an",
    "overview of the gemeente, then one section per wijk) and the same as one",
    "offline page OUTDIR/report/index.html, from the protected indicators in",
    "OUTDIR/wijkscan.sqlite.  Suppressed figures read \"geheim\".",
    "",
    "  -c, --config STUDY.ini   study file (default: data/groningen.ini)",
    "  -o, --output OUTDIR      output folder (default: the study's [output] dir)",
    "  -j, --jobs N             worker processes for the atlases (default: the",
    "                           number of cores); the output is the same for any N",
    "  -h, --help               show this help",
    NULL,
};

const char *const *ws_cmd_report_usage(void)
{
    return report_usage;
}

const char *const *ws_cmd_analyse_usage(void)
{
    return analyse_usage;
}

const char *const *ws_cmd_map_usage(void)
{
    return map_usage;
}

static int one_stage(const char *name, unsigned stages, int argc, char **argv, struct ws_err *err)
{
    struct ws_cli_opts o;
    struct ws_study st;
    bool help;
    int rc;

    rc = ws_cli_parse_common(ws_cli_find(name), argc, argv, true, &o, &help, err);
    if (rc || help) {
        if (help)
            ws_cli_print_usage(ws_cli_find(name));
        return rc;
    }
    ws_jobs_set(o.jobs);
    rc = ws_cli_load_study(&o, &st, err);
    if (rc)
        return rc;
    rc = ws_cli_pipeline(&st, ws_cli_out_dir(&o, &st), stages, err);
    ws_study_release(&st);
    return rc;
}

int ws_cmd_analyse(int argc, char **argv, struct ws_err *err)
{
    return one_stage("analyse", WS_STAGE_ANALYSE, argc, argv, err);
}

int ws_cmd_map(int argc, char **argv, struct ws_err *err)
{
    return one_stage("map", WS_STAGE_MAP, argc, argv, err);
}

int ws_cmd_report(int argc, char **argv, struct ws_err *err)
{
    return one_stage("report", WS_STAGE_REPORT, argc, argv, err);
}
