/*
 * rstrings.c - the report's string table (see rstrings.h).
 */
#include "wijkscan/report/rstrings.h"

#include <stddef.h>

static const char *const table[WS_RS_N_][2] = {
#define WS_RS_ROW(key, nl, en) {nl, en},
    WS_RSTRINGS(WS_RS_ROW)
#undef WS_RS_ROW
};

const char *ws_rs(enum ws_rstring key, bool en)
{
    if ((size_t)key >= (size_t)WS_RS_N_)
        return "";
    return table[key][en ? 1 : 0];
}
