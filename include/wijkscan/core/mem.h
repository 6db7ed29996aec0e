/*
 * mem.h - allocation helpers that never return NULL.
 *
 * A batch tool gains little from recovering from out-of-memory, so these print
 * "wijkscan: fatal: out of memory (N bytes)" and exit 70 (git xmalloc).  Sizes
 * are multiplied with an overflow check (git st_mult).
 */
#ifndef WIJKSCAN_MEM_H
#define WIJKSCAN_MEM_H

#include <stddef.h>

void *ws_xmalloc(size_t size);
void *ws_xcalloc(size_t n, size_t size);
void *ws_xrealloc(void *ptr, size_t size);
/* Returns an owned copy of s (NULL stays NULL); free with free(). */
char *ws_xstrdup(const char *s);
/* Returns an owned copy of the first n bytes of s, NUL-terminated. */
char *ws_xstrndup(const char *s, size_t n);
/* a * b, exiting with an internal error on overflow. */
size_t ws_st_mult(size_t a, size_t b);
/* Hands memory that was freed back to the system (between stages: the
 * analysis's threads leave freed blocks that the next stage cannot reuse). */
void ws_mem_give_back(void);
/* The process's peak resident memory so far, in MB (0 if unknown). */
long ws_mem_peak_mb(void);

/* Grows array `ptr` (element type inferred) so that it holds at least `n`
 * elements; `cap` is its current capacity and is updated. */
#define WS_VEC_GROW(ptr, n, cap)                                                                   \
    do {                                                                                           \
        if ((n) > (cap)) {                                                                         \
            size_t ws_newcap_ = (cap) ? (cap)*2 : 16;                                              \
            while (ws_newcap_ < (n))                                                               \
                ws_newcap_ *= 2;                                                                   \
            (ptr) = ws_xrealloc((ptr), ws_st_mult(ws_newcap_, sizeof(*(ptr))));                    \
            (cap) = ws_newcap_;                                                                    \
        }                                                                                          \
    } while (0)

#endif
