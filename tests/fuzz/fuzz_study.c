/*
 * fuzz_study.c - the study-file parser (ws_study_load) on any bytes.
 */
#include "fuzz.h"

#include "wijkscan/core/conf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_study st;
    const char *path = ws_fuzz_file(data, size, "study.ini");

    if (!path)
        return 0;
    if (ws_study_load(path, &st, &err) == WS_OK) {
        // what the messages use on a loaded study
        (void)ws_study_key_line(&st, "cases", "source");
        ws_study_where(&st, "privacy", "min_count", &err);
        ws_study_release(&st);
    }
    (void)unlink(path);
    return 0;
}
