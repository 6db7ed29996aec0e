/*
 * textpool.c - interned strings (see textpool.h): an open-addressing hash
 * set of pointers into large blocks that hold the characters.
 */
#include "wijkscan/core/textpool.h"

#include "wijkscan/core/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_SIZE = 64 * 1024 };

struct block {
    struct block *next;
    size_t used, size;
    char text[];
};

struct ws_text_pool {
    char **slot; /* n_slots (a power of two), NULL = empty */
    size_t n_slots, n;
    struct block *blocks;
};

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL; // FNV-1a

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

struct ws_text_pool *ws_text_pool_new(void)
{
    struct ws_text_pool *p = ws_xcalloc(1, sizeof(*p));

    p->n_slots = 1024;
    p->slot = ws_xcalloc(p->n_slots, sizeof(*p->slot));
    return p;
}

/* Room for len + 1 characters, in the current block or a new one. */
static char *pool_alloc(struct ws_text_pool *p, size_t len)
{
    struct block *b = p->blocks;
    char *out;

    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > BLOCK_SIZE ? len + 1 : BLOCK_SIZE;
        b = ws_xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        b->next = p->blocks;
        p->blocks = b;
    }
    out = b->text + b->used;
    b->used += len + 1;
    return out;
}

static void grow(struct ws_text_pool *p)
{
    size_t n_new = p->n_slots * 2;
    char **slot = ws_xcalloc(n_new, sizeof(*slot));

    for (size_t i = 0; i < p->n_slots; i++) {
        size_t j;
        if (!p->slot[i])
            continue;
        for (j = hash_of(p->slot[i]) & (n_new - 1); slot[j]; j = (j + 1) & (n_new - 1))
            ;
        slot[j] = p->slot[i];
    }
    free(p->slot);
    p->slot = slot;
    p->n_slots = n_new;
}

char *ws_text_pool_intern(struct ws_text_pool *p, const char *s)
{
    size_t j;
    size_t len;

    if (!s)
        return NULL;
    if (2 * (p->n + 1) > p->n_slots)
        grow(p);
    for (j = hash_of(s) & (p->n_slots - 1); p->slot[j]; j = (j + 1) & (p->n_slots - 1))
        if (strcmp(p->slot[j], s) == 0)
            return p->slot[j];
    len = strlen(s);
    p->slot[j] = pool_alloc(p, len);
    memcpy(p->slot[j], s, len + 1);
    p->n++;
    return p->slot[j];
}

size_t ws_text_pool_count(const struct ws_text_pool *p)
{
    return p ? p->n : 0;
}

void ws_text_pool_free(struct ws_text_pool *p)
{
    if (!p)
        return;
    while (p->blocks) {
        struct block *next = p->blocks->next;
        free(p->blocks);
        p->blocks = next;
    }
    free(p->slot);
    free(p);
}
