/*
 * args.c - option parsing shared by the stage commands (-c STUDY, -o OUTDIR).
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/jobs.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef WS_DATADIR
#define WS_DATADIR "/usr/local/share/wijkscan"
#endif

/* BINDIR/REL of the running binary (the study installed beside it, or the
 * checkout around a build folder), found through /proc/self/exe so that any
 * PREFIX works; static, NULL if unknown. */
static const char *beside_binary(const char *rel)
{
    static char path[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    if (snprintf(path, sizeof(path), "%s/%s", exe, rel) >= (int)sizeof(path))
        return NULL;
    return path;
}

const char *ws_cli_default_study(void)
{
    static const char local[] = "data/groningen.ini";
    static const char installed[] = WS_DATADIR "/data/groningen.ini";
    const char *beside;

    if (access(local, R_OK) == 0)
        return local;
    beside = beside_binary("../share/wijkscan/data/groningen.ini");
    if (beside && access(beside, R_OK) == 0)
        return beside;
    // a binary in a checkout's build folder
    beside = beside_binary("../data/groningen.ini");
    if (beside && access(beside, R_OK) == 0)
        return beside;
    if (access(installed, R_OK) == 0)
        return installed;
    return local;
}

/* --jobs N: only for the commands that draw (run, map, report); N from 1
 * to WS_JOBS_MAX. */
static int parse_jobs(const struct ws_cmd *cmd, const char *arg, unsigned *jobs, struct ws_err *err)
{
    unsigned long n = 0;
    const char *p = arg;

    if (strcmp(cmd->name, "run") != 0 && strcmp(cmd->name, "map") != 0 &&
        strcmp(cmd->name, "report") != 0) {
        ws_err_set(err, WS_EUSAGE, "unknown option '--jobs' for 'wijkscan %s'", cmd->name);
        ws_err_hint(err, "only 'run', 'map' and 'report' take --jobs");
        return WS_EUSAGE;
    }
    while (*p >= '0' && *p <= '9' && n <= WS_JOBS_MAX)
        n = n * 10 + (unsigned long)(*p++ - '0');
    if (p == arg || *p || n < 1 || n > WS_JOBS_MAX) {
        ws_err_set(err, WS_EUSAGE, "--jobs needs a whole number from 1 to %d, not '%s'",
                   WS_JOBS_MAX, arg);
        ws_err_hint(err, "try 'wijkscan help %s'", cmd->name);
        return WS_EUSAGE;
    }
    *jobs = (unsigned)n;
    return WS_OK;
}

int ws_cli_parse_common(const struct ws_cmd *cmd, int argc, char **argv, bool allow_out,
                        struct ws_cli_opts *o, bool *help, struct ws_err *err)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    *help = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:o:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->study = optarg;
            break;
        case 'o':
            if (!allow_out) {
                ws_err_set(err, WS_EUSAGE, "unknown option '-o' for 'wijkscan %s'", cmd->name);
                ws_err_hint(err, "'wijkscan %s' writes nothing; try 'wijkscan help %s'", cmd->name,
                            cmd->name);
                return WS_EUSAGE;
            }
            o->out = optarg;
            break;
        case 'j':
            if (parse_jobs(cmd, optarg, &o->jobs, err))
                return WS_EUSAGE;
            break;
        case 'h':
            *help = true;
            return WS_OK;
        case ':':
            ws_err_set(err, WS_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
            ws_err_hint(err, "try 'wijkscan help %s'", cmd->name);
            return WS_EUSAGE;
        default:
            goto bad;
        }
    }
    if (optind < argc) {
        ws_err_set(err, WS_EUSAGE, "unexpected argument '%s' for 'wijkscan %s'", argv[optind],
                   cmd->name);
        ws_err_hint(err, "try 'wijkscan help %s'", cmd->name);
        return WS_EUSAGE;
    }
    return WS_OK;
bad:
    ws_err_set(err, WS_EUSAGE, "unknown option '%s' for 'wijkscan %s'", argv[optind - 1],
               cmd->name);
    ws_err_hint(err, "try 'wijkscan help %s'", cmd->name);
    return WS_EUSAGE;
}

int ws_cli_load_study(const struct ws_cli_opts *o, struct ws_study *st, struct ws_err *err)
{
    return ws_study_load(o->study ? o->study : ws_cli_default_study(), st, err);
}

const char *ws_cli_out_dir(const struct ws_cli_opts *o, const struct ws_study *st)
{
    return o->out ? o->out : st->out_dir;
}

void ws_cli_print_usage(const struct ws_cmd *cmd)
{
    for (const char *const *l = cmd->usage; l && *l; l++)
        (void)printf("%s\n", *l);
}
