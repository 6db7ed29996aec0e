/*
 * fuzz_pii.c - the personal-data detector on any table: the input is split
 * into lines, the first line into column names and each further line into
 * values at ',' (at most 64 columns).  The verdict of ws_pii_scan must equal
 * that of the tallies (ws_pii_scan_tallies), as pii.h promises.
 */
#include "fuzz.h"

#include "wijkscan/load/pii.h"

#define MAX_COLS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Splits s at c into at most max parts (in place). */
static size_t split(char *s, char c, char **parts, size_t max)
{
    size_t n = 0;

    while (n < max) {
        parts[n++] = s;
        s = strchr(s, c);
        if (!s)
            break;
        *s++ = '\0';
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ws_fuzz_string(data, size);
    char *lines[512];
    char *names[MAX_COLS];
    const char **values;
    struct ws_pii_tally tallies[MAX_COLS];
    struct ws_pii_result a;
    struct ws_pii_result b;
    size_t n_lines = split(text, '\n', lines, 512);
    size_t n_cols = split(lines[0], ',', names, MAX_COLS);
    size_t n_rows = n_lines - 1;

    values = calloc(n_rows * n_cols + 1, sizeof(*values));
    if (!values)
        abort();
    for (size_t c = 0; c < n_cols; c++)
        tallies[c] = (struct ws_pii_tally)WS_PII_TALLY_INIT;
    for (size_t r = 0; r < n_rows; r++) {
        char *v[MAX_COLS];
        size_t k = split(lines[r + 1], ',', v, n_cols);
        for (size_t c = 0; c < k; c++)
            values[r * n_cols + c] = v[c];
        for (size_t c = 0; c < n_cols; c++)
            ws_pii_tally_add(&tallies[c], values[r * n_cols + c]);
    }
    bool by_values = ws_pii_scan((const char *const *)names, n_cols, values, n_rows, &a);
    bool by_tallies = ws_pii_scan_tallies((const char *const *)names, n_cols, tallies, &b);
    if (by_values != by_tallies || a.kind != b.kind || (by_values && a.column != b.column))
        abort(); // the two entry points disagree
    (void)ws_pii_scan_names((const char *const *)names, n_cols, &a);
    for (size_t c = 0; c < n_cols; c++)
        (void)ws_pii_is_bsn(names[c]);
    if (a.kind != WS_PII_NONE)
        (void)ws_pii_kind_desc(a.kind);
    free(values);
    free(text);
    return 0;
}
