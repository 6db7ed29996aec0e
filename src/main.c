/*
 * main.c - global options, the command table, and the error -> exit code
 * mapping.  The only place that prints errors.
 */
#include "wijkscan/analyse/numerics.h"
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/jobs.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/load/crs.h"
#include "wijkscan/load/ogr_source.h"
#include "wijkscan/render/canvas.h"
#include "wijkscan/store/db.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef WS_VERSION
#define WS_VERSION "0.0.0"
#endif

static const char *const overview[] = {
    "usage: wijkscan [--quiet | --verbose] COMMAND [OPTIONS]",
    "",
    "wijkscan combines anonymised youth-care case counts per neighbourhood with",
    "CBS neighbourhood statistics into wijkanalyses and maps.",
    "",
    "commands:",
    "  run      the whole job: load, analyse (with protection), map, report",
    "  check    validate the study file, its inputs and map files; write nothing",
    "  load     read and validate the inputs into OUTDIR/wijkscan.sqlite",
    "  analyse  indicators, disclosure control and the published tables",
    "  map      the maps of the study's map definitions",
    "  report   the atlas report (PDF) and the offline HTML report",
    "  help     show help for a command",
    "",
    "global options:",
    "  -q, --quiet      print errors only",
    "  -v, --verbose    print more about each stage",
    "      --progress   show progress lines even when stderr is not a terminal",
    "  -h, --help       show this help",
    "  -V, --version    print the wijkscan and library versions",
    "",
    "Without -c, the embedded Groningen study data/groningen.ini is used.",
    "Exit status: 0 ok, 64 usage, 65 bad input data, 66 input missing or",
    "unreadable, 70 internal error, 73 cannot create output (or OUTDIR in use),",
    "74 a write failed (disk full), 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.",
    "See 'wijkscan help COMMAND' for the options of one command.",
    NULL,
};

static const struct ws_cmd commands[] = {
    {"", NULL, "", overview},
    {"run", ws_cmd_run, "the whole job", NULL},
    {"check", ws_cmd_check, "validate; write nothing", NULL},
    {"load", ws_cmd_load, "inputs into the store", NULL},
    {"analyse", ws_cmd_analyse, "indicators, protection, tables", NULL},
    {"map", ws_cmd_map, "maps", NULL},
    {"report", ws_cmd_report, "atlas and HTML report", NULL},
    {"help", ws_cmd_help, "show help", NULL},
    {NULL, NULL, NULL, NULL},
};

static struct ws_cmd table[sizeof(commands) / sizeof(commands[0])];

const struct ws_cmd *ws_cli_commands(void)
{
    return table;
}

const struct ws_cmd *ws_cli_find(const char *name)
{
    for (const struct ws_cmd *c = table; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static void fill_table(void)
{
    memcpy(table, commands, sizeof(commands));
    for (struct ws_cmd *c = table; c->name; c++) {
        if (!strcmp(c->name, "run"))
            c->usage = ws_cmd_run_usage();
        else if (!strcmp(c->name, "check"))
            c->usage = ws_cmd_check_usage();
        else if (!strcmp(c->name, "load"))
            c->usage = ws_cmd_load_usage();
        else if (!strcmp(c->name, "analyse"))
            c->usage = ws_cmd_analyse_usage();
        else if (!strcmp(c->name, "map"))
            c->usage = ws_cmd_map_usage();
        else if (!strcmp(c->name, "report"))
            c->usage = ws_cmd_report_usage();
        else if (!strcmp(c->name, "help"))
            c->usage = ws_cmd_help_usage();
    }
}

static void print_version(void)
{
    (void)printf("wijkscan %s\n", WS_VERSION);
    (void)printf("GDAL %s\n", ws_ogr_gdal_version());
    (void)printf("PROJ %s\n", ws_crs_proj_version());
    (void)printf("SQLite %s\n", ws_db_sqlite_version());
    (void)printf("SpatiaLite %s\n", ws_db_spatialite_version());
    (void)printf("cairo %s\n", ws_canvas_cairo_version());
    (void)printf("pango %s\n", ws_canvas_pango_version());
    (void)printf("GSL %s\n", ws_numerics_gsl_version());
}

static void print_error(const struct ws_err *err)
{
    (void)fprintf(stderr, "wijkscan: error: %s\n",
                  err->what[0] ? err->what : ws_status_desc(err->code));
    if (err->where[0])
        (void)fprintf(stderr, "  where: %s\n", err->where);
    if (err->cause[0])
        (void)fprintf(stderr, "  cause: %s\n", err->cause);
    if (err->hint[0])
        (void)fprintf(stderr, "  hint: %s\n", err->hint);
}

/* Parses the global options before the command.  Returns -1 to go on with the
 * command at argv[*next], or an exit code (0 after --help/--version). */
static int global_options(int argc, char **argv, int *next)
{
    struct ws_err err = WS_ERR_INIT;
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            ws_log_set_level(WS_LOG_QUIET);
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            ws_log_set_level(WS_LOG_VERBOSE);
        } else if (!strcmp(a, "--progress")) {
            ws_log_force_progress(true);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ws_cli_print_usage(ws_cli_find(""));
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            print_version();
            return 0;
        } else {
            ws_err_set(&err, WS_EUSAGE, "unknown option '%s'", a);
            ws_err_hint(&err, "see 'wijkscan --help'");
            print_error(&err);
            return ws_status_exit_code(err.code);
        }
    }
    if (i >= argc) {
        ws_err_set(&err, WS_EUSAGE, "no command given");
        ws_err_hint(&err, "try 'wijkscan run' for the default study, or 'wijkscan --help'");
        print_error(&err);
        return ws_status_exit_code(err.code);
    }
    *next = i;
    return -1;
}

static int unknown_command(const char *name)
{
    struct ws_err err = WS_ERR_INIT;
    const char *names[16];
    size_t n = 0;

    for (const struct ws_cmd *c = table; c->name; c++)
        if (c->fn && n < 16)
            names[n++] = c->name;
    const char *s = ws_suggest(name, names, n);
    ws_err_set(&err, WS_EUSAGE, "unknown command '%s'", name);
    if (s)
        ws_err_hint(&err, "did you mean '%s'? see 'wijkscan --help'", s);
    else
        ws_err_hint(&err, "see 'wijkscan --help' for the commands");
    print_error(&err);
    return ws_status_exit_code(err.code);
}

/* SIGINT, SIGTERM, SIGHUP: the run's temporary files go (the private store
 * among them), one line says so, exit 128 + the signal number. */
static void on_signal(int sig)
{
    const char *msg = sig == SIGINT    ? "wijkscan: interrupted (SIGINT): stopped; the run's "
                                         "temporary files were removed\n"
                      : sig == SIGTERM ? "wijkscan: terminated (SIGTERM): stopped; the run's "
                                         "temporary files were removed\n"
                                       : "wijkscan: hangup (SIGHUP): stopped; the run's "
                                         "temporary files were removed\n";

    ws_jobs_signal_stop(); /* no worker writes after the folder is gone */
    if (!ws_outfiles_signal_cleanup(sig))
        return; /* a commit is under way: raised again when it has ended */
    (void)!write(STDERR_FILENO, msg, strlen(msg));
    _exit(128 + sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    (void)sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        (void)sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        // a signal ignored at start (nohup, a background job) stays ignored
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        (void)sigaction(sigs[i], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    struct ws_err err = WS_ERR_INIT;
    const struct ws_cmd *cmd;
    int i = 1;
    int rc;

    fill_table();
    catch_signals();
    rc = global_options(argc, argv, &i);
    if (rc >= 0)
        return rc;
    cmd = ws_cli_find(argv[i]);
    if (!cmd || !cmd->fn)
        return unknown_command(argv[i]);

    ws_ogr_global_init();
    ws_db_global_init();
    rc = cmd->fn(argc - i, argv + i, &err);
    ws_db_global_shutdown();
    ws_crs_global_shutdown();
    ws_ogr_global_shutdown();
    ws_canvas_global_shutdown();

    if (rc != WS_OK) {
        if (err.code == WS_OK)
            ws_err_set(&err, (enum ws_status)rc, "%s", ws_status_desc(rc));
        print_error(&err);
        return ws_status_exit_code(err.code);
    }
    if (fflush(stdout) != 0) {
        (void)fprintf(stderr, "wijkscan: error: cannot write to standard output\n");
        return 74;
    }
    return 0;
}
