/*
 * fuzz_csv.c - a CSV table on any bytes: the pre-scan (separator, quotes,
 * record lines, number convention) inside ws_ogr_table_open, every row
 * through ws_ogr_table_next, and every value through the number readers in
 * the table's convention.
 */
#include "fuzz.h"

#include "wijkscan/core/log.h"
#include "wijkscan/core/text.h"
#include "wijkscan/load/ogr_source.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ws_ogr_global_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ws_warnings warn = WS_WARNINGS_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_ogr_table *t = NULL;
    const char *path = ws_fuzz_file(data, size, "table.csv");
    int rc;

    if (!path)
        return 0;
    if (ws_ogr_table_open(path, NULL, &warn, &t, &err) == WS_OK) {
        enum ws_num_conv conv = ws_ogr_table_num_conv(t);
        size_t n = ws_ogr_table_n_fields(t);
        size_t idx;
        (void)ws_ogr_table_field_index(t, "buurtcode", "[cases] code", &idx, &err);
        for (int rows = 0; rows < 10000 && (rc = ws_ogr_table_next(t, &err)) == 1; rows++) {
            for (size_t i = 0; i < n; i++) {
                const char *v = ws_ogr_table_value(t, i);
                double d;
                long long ll;
                (void)ws_parse_number_conv(v, conv, &d);
                (void)ws_parse_integer_conv(v, conv, &ll);
            }
            ws_ogr_table_where(t, n ? ws_ogr_table_fields(t)[0] : NULL, &err);
        }
        ws_ogr_table_close(t);
    }
    ws_warnings_release(&warn);
    (void)unlink(path);
    return 0;
}
