/*
 * textpool.h - one copy of each distinct string, for sets of rows that repeat
 * the same codes, names and categories many times (an indicator set read
 * from the store names each area once per year and category).
 *
 * The strings live until the pool is freed; they must not be freed or
 * changed one by one.
 */
#ifndef WIJKSCAN_TEXTPOOL_H
#define WIJKSCAN_TEXTPOOL_H

#include <stddef.h>

struct ws_text_pool;

struct ws_text_pool *ws_text_pool_new(void);
/* The pool's copy of s (equal strings give the same pointer); NULL for NULL. */
char *ws_text_pool_intern(struct ws_text_pool *p, const char *s);
/* Distinct strings held. */
size_t ws_text_pool_count(const struct ws_text_pool *p);
void ws_text_pool_free(struct ws_text_pool *p);

#endif
