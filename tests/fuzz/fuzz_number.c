/*
 * fuzz_number.c - the number readers (ws_parse_number_conv and
 * ws_parse_integer_conv) in every convention: the first byte picks the
 * convention, the rest is the text.  A value read in one convention is
 * checked against the guess and against itself printed back.
 */
#include "fuzz.h"

#include "wijkscan/core/text.h"

#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum ws_num_conv conv;
    char *s;
    double d = 0;
    long long ll = 0;

    if (size == 0)
        return 0;
    conv = (enum ws_num_conv)(data[0] % 4);
    s = ws_fuzz_string(data + 1, size - 1);
    if (ws_parse_number_conv(s, conv, &d) == WS_NUM_OK && !isfinite(d))
        abort(); // documented: a finite number
    if (ws_parse_integer_conv(s, conv, &ll) == WS_NUM_OK &&
        ws_parse_number_conv(s, conv, &d) == WS_NUM_OK && d != (double)ll)
        abort(); // an integer reads as the same number
    (void)ws_parse_number(s, &d);
    (void)ws_parse_integer(s, &ll);
    (void)ws_is_nodata(s);
    (void)ws_utf8_valid(s);
    free(s);
    return 0;
}
