/*
 * fuzz.h - shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with clang
 * -fsanitize=fuzzer it is a fuzzer (`make fuzz`); built with the regression
 * driver (driver.c) it replays the seed corpus and every saved crash input
 * under tests/fuzz/corpus/NAME/ as part of `make test`.
 */
#ifndef WIJKSCAN_FUZZ_H
#define WIJKSCAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Writes data to a file of this process under /tmp named by `suffix` (e.g.
 * "study.ini") and returns its path (static); NULL when it cannot. */
static inline const char *ws_fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[256];
    FILE *fp;

    (void)snprintf(path, sizeof(path), "/tmp/wijkscan-fuzz-%ld-%s", (long)getpid(), suffix);
    fp = fopen(path, "wb");
    if (!fp)
        return NULL;
    if (size && fwrite(data, 1, size, fp) != size) {
        (void)fclose(fp);
        return NULL;
    }
    return fclose(fp) == 0 ? path : NULL;
}

/* A NUL-terminated copy of the input (owned). */
static inline char *ws_fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
