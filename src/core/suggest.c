/*
 * suggest.c - edit distance and "did you mean" (git help.c, levenshtein.c).
 *
 * Classic two-row Levenshtein over ASCII-lowered bytes; O(|a||b|) time and
 * O(|b|) memory.  Used for unknown study keys, columns, commands and codes.
 */
#include "wijkscan/core/suggest.h"

#include "wijkscan/core/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static unsigned char lower(char c)
{
    return (unsigned char)tolower((unsigned char)c);
}

size_t ws_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    size_t *prev = ws_xcalloc(lb + 1, sizeof(*prev));
    size_t *cur = ws_xcalloc(lb + 1, sizeof(*cur));
    size_t d;

    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    d = prev[lb];
    free(prev);
    free(cur);
    return d;
}

const char *ws_suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit;

    if (!word || !cands)
        return NULL;
    limit = strlen(word) / 3;
    if (limit < 2)
        limit = 2;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = ws_edit_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best_d <= limit ? best : NULL;
}
