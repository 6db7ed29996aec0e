/*
 * suggest.h - "did you mean" from edit distance (git help.c / levenshtein.c).
 */
#ifndef WIJKSCAN_SUGGEST_H
#define WIJKSCAN_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b (case-insensitive ASCII). */
size_t ws_edit_distance(const char *a, const char *b);

/* The candidate nearest to `word`, or NULL if none is close enough (distance
 * at most max(2, strlen(word) / 3)).  Returns a borrowed pointer into cands. */
const char *ws_suggest(const char *word, const char *const *cands, size_t n);

#endif
