/*
 * cmd_help.c - `wijkscan help [COMMAND]`.
 */
#include "wijkscan/cli/cli.h"
#include "wijkscan/core/suggest.h"

#include <stdio.h>

static const char *const usage[] = {
    "usage: wijkscan help [COMMAND]",
    "",
    "Shows the overview, or the help of one command.",
    NULL,
};

const char *const *ws_cmd_help_usage(void)
{
    return usage;
}

int ws_cmd_help(int argc, char **argv, struct ws_err *err)
{
    const struct ws_cmd *cmd;

    if (argc < 2) {
        ws_cli_print_usage(ws_cli_find(""));
        return WS_OK;
    }
    if (argc > 2) {
        ws_err_set(err, WS_EUSAGE, "'wijkscan help' takes one command, got %d arguments", argc - 1);
        ws_err_hint(err, "try 'wijkscan help run'");
        return WS_EUSAGE;
    }
    cmd = ws_cli_find(argv[1]);
    if (!cmd || !cmd->name[0]) {
        const char *names[16];
        size_t n = 0;
        for (const struct ws_cmd *c = ws_cli_commands(); c->name; c++)
            if (c->name[0] && n < 16)
                names[n++] = c->name;
        const char *s = ws_suggest(argv[1], names, n);
        ws_err_set(err, WS_EUSAGE, "unknown command '%s'", argv[1]);
        if (s)
            ws_err_hint(err, "did you mean '%s'? see 'wijkscan --help'", s);
        else
            ws_err_hint(err, "see 'wijkscan --help' for the commands");
        return WS_EUSAGE;
    }
    ws_cli_print_usage(cmd);
    return WS_OK;
}
