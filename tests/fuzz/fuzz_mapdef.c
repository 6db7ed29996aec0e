/*
 * fuzz_mapdef.c - the map-definition parser (ws_mapdef_load) on any bytes.
 */
#include "fuzz.h"

#include "wijkscan/render/mapdef.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_mapdef md;
    const char *path = ws_fuzz_file(data, size, "map.ini");

    if (!path)
        return 0;
    if (ws_mapdef_load(path, &md, &err) == WS_OK)
        ws_mapdef_release(&md);
    (void)unlink(path);
    return 0;
}
