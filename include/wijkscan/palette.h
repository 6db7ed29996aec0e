/*
 * palette.h - ColorBrewer colour schemes embedded as data (pure).
 *
 * Source: Cynthia Brewer, Mark Harrower and The Pennsylvania State University,
 * ColorBrewer 2.0 (colorbrewer2.org), Apache-style licence; values as in R's
 * RColorBrewer.  Each scheme is known by its ColorBrewer name ("YlOrRd",
 * "RdBu", "Set2", ...) and exists for a range of class counts.
 */
#ifndef WIJKSCAN_PALETTE_H
#define WIJKSCAN_PALETTE_H

#include <stdbool.h>
#include <stddef.h>

#include "wijkscan/err.h"

enum ws_palette_kind {
    WS_PALETTE_SEQUENTIAL = 0,
    WS_PALETTE_DIVERGING,
    WS_PALETTE_QUALITATIVE,
};

struct ws_rgb {
    unsigned char r, g, b;
};

/* Fills `out` with the n colours of scheme `name` (n within the scheme's
 * range, e.g. 3..9 for sequential).  Unknown name or n out of range is
 * WS_EDATA with a hint listing the valid names / range (and a did-you-mean). */
int ws_palette_get(const char *name, size_t n, struct ws_rgb *out, struct ws_err *err);
/* Kind of a scheme; false if unknown. */
bool ws_palette_kind(const char *name, enum ws_palette_kind *kind);
/* Whether ColorBrewer marks the scheme colour-blind safe at n classes. */
bool ws_palette_colorblind_safe(const char *name, size_t n);
/* Smallest and largest class count of a scheme; false if unknown. */
bool ws_palette_range(const char *name, size_t *min_n, size_t *max_n);

#endif
