/*
 * mem.c - allocation helpers that exit on out-of-memory (see mem.h).
 */
#include "wijkscan/core/mem.h"

#include <stdint.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t size)
{
    (void)fprintf(stderr, "wijkscan: fatal: out of memory (%zu bytes)\n", size);
    exit(70);
}

void *ws_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *ws_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(ws_st_mult(n, size));
    return p;
}

void *ws_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

char *ws_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    return ws_xstrndup(s, strlen(s));
}

char *ws_xstrndup(const char *s, size_t n)
{
    char *p;
    size_t len = 0;

    if (!s)
        return NULL;
    while (len < n && s[len])
        len++;
    p = ws_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t ws_st_mult(size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a) {
        (void)fprintf(stderr, "wijkscan: fatal: size overflow (%zu * %zu)\n", a, b);
        exit(70);
    }
    return a * b;
}

void ws_mem_give_back(void)
{
#ifdef __GLIBC__
    (void)malloc_trim(0);
#endif
}

long ws_mem_peak_mb(void)
{
    struct rusage u;

    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0;
    return u.ru_maxrss / 1024; // kilobytes on Linux
}
