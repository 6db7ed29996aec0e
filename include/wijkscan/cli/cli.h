/*
 * cli.h - the subcommands (one cmd_<name>.c each) and their shared helpers.
 *
 * Only src/main.c and src/cli/ know about argv.  A command parses its options
 * with getopt_long, calls the stage API, and returns a ws status with err
 * filled; main prints the error and picks the exit code.
 */
#ifndef WIJKSCAN_CLI_H
#define WIJKSCAN_CLI_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"

#include <stdbool.h>

struct ws_outfiles;
struct ws_store;
struct ws_warnings;

typedef int (*ws_cmd_fn)(int argc, char **argv, struct ws_err *err);

struct ws_cmd {
    const char *name;
    ws_cmd_fn fn;
    const char *summary;
    const char *const *usage; /* NULL-terminated lines */
};

/* The command table (main.c). */
const struct ws_cmd *ws_cli_commands(void);
const struct ws_cmd *ws_cli_find(const char *name);

/* Options shared by the stage commands. */
struct ws_cli_opts {
    const char *study; /* -c, NULL: the embedded default study */
    const char *out;   /* -o, NULL: the study's [output] dir */
    unsigned jobs;     /* --jobs (run, map, report), 0: the number of cores */
};

/* Parses -c/-o (and -h) for command `cmd`; a usage error sets err (WS_EUSAGE)
 * with a hint naming 'wijkscan help CMD'.  Sets *help when -h was given. */
int ws_cli_parse_common(const struct ws_cmd *cmd, int argc, char **argv, bool allow_out,
                        struct ws_cli_opts *o, bool *help, struct ws_err *err);

/* Loads the study named by o (or the default study). */
int ws_cli_load_study(const struct ws_cli_opts *o, struct ws_study *st, struct ws_err *err);

/* The output folder: -o, else the study's [output] dir. Borrowed. */
const char *ws_cli_out_dir(const struct ws_cli_opts *o, const struct ws_study *st);

/* Prints a command's usage to stdout. */
void ws_cli_print_usage(const struct ws_cmd *cmd);

/* The stages a command runs, in pipeline order. */
enum ws_stage {
    WS_STAGE_LOAD = 1u << 0,    /* inputs -> a new store */
    WS_STAGE_ANALYSE = 1u << 1, /* indicators, protection, published tables */
    WS_STAGE_MAP = 1u << 2,     /* maps from the protected rows */
    WS_STAGE_REPORT = 1u << 3,  /* report/wijkanalyse.pdf and report/index.html */
};
#define WS_STAGE_ALL (WS_STAGE_LOAD | WS_STAGE_ANALYSE | WS_STAGE_MAP | WS_STAGE_REPORT)

/* Runs `stages` on the study into out_dir, all or nothing: every output is
 * written under a temporary name and renamed when all stages succeeded.
 * Without WS_STAGE_LOAD the store OUTDIR/wijkscan.sqlite must exist. */
/* manifest.json and its plain-text summary manifest.txt (manifest.c), from
 * the store's run record and the analysis warnings (may be NULL); both
 * owned. */
int ws_cli_manifest(struct ws_store *s, const struct ws_warnings *analysis_warnings, char **json,
                    char **txt, struct ws_err *err);

int ws_cli_pipeline(const struct ws_study *st, const char *out_dir, unsigned stages,
                    struct ws_err *err);

/* Shared by load and run: read, validate, write the store, print counts. */
/* Takes OUTDIR for a command that writes `stages` (see outfiles.h): the lock,
 * a note about an earlier run's leftovers, and the parts of OUTDIR the
 * stages own (stale outputs there are removed by the commit). */
int ws_cli_take_outdir(struct ws_outfiles *o, unsigned stages, struct ws_err *err);
int ws_cli_do_load(const struct ws_study *st, const char *out_dir, struct ws_err *err);

/* Usage text of each command (NULL-terminated lines). */
const char *const *ws_cmd_run_usage(void);
const char *const *ws_cmd_check_usage(void);
const char *const *ws_cmd_load_usage(void);
const char *const *ws_cmd_help_usage(void);
const char *const *ws_cmd_analyse_usage(void);
const char *const *ws_cmd_map_usage(void);
const char *const *ws_cmd_report_usage(void);

int ws_cmd_run(int argc, char **argv, struct ws_err *err);
int ws_cmd_check(int argc, char **argv, struct ws_err *err);
int ws_cmd_load(int argc, char **argv, struct ws_err *err);
int ws_cmd_help(int argc, char **argv, struct ws_err *err);
int ws_cmd_analyse(int argc, char **argv, struct ws_err *err);
int ws_cmd_map(int argc, char **argv, struct ws_err *err);
int ws_cmd_report(int argc, char **argv, struct ws_err *err);

/* The default study file: data/groningen.ini in the working folder, else the
 * copy installed beside the binary (BINDIR/../share/wijkscan/data), else the
 * checkout's when the binary is in its build folder (BINDIR/../data), else
 * the installed copy under WS_DATADIR. Static string. */
const char *ws_cli_default_study(void);

#endif
