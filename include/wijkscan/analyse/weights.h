/*
 * weights.h - contiguity neighbours and row-standardised spatial weights.
 *
 * A struct ws_weights is a symmetric neighbour relation over n areas in CSR
 * form: the neighbours of area i are nb_idx[nb_start[i] .. nb_start[i+1]),
 * sorted ascending, without duplicates and without i itself.  An area with no
 * neighbours (card 0) is an island.  The weights are row-standardised (spdep
 * style "W"): w_ij = 1 / card(i) for j a neighbour of i, else 0; they are not
 * stored, callers use 1.0 / ws_weights_card(w, i).
 *
 * Contiguity follows R spdep::poly2nb (spdep 1.2-7) exactly, see weights.c:
 * two areas are queen neighbours when at least one pair of their boundary
 * vertices lies within `snap` of each other, rook neighbours when at least two
 * such pairs exist.  Coordinates are used as given (no CRS handling).
 *
 * Invariants: nb_start has n + 1 entries, nb_start[0] == 0; the relation is
 * symmetric; for n == 0 both arrays may be NULL.
 */
#ifndef WIJKSCAN_WEIGHTS_H
#define WIJKSCAN_WEIGHTS_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"

#include <stdbool.h>
#include <stddef.h>

/* spdep::poly2nb's default snap, sqrt(.Machine$double.eps) = 2^-26. */
#define WS_WEIGHTS_SNAP 1.4901161193847656e-08

struct ws_weights {
    size_t n;         /* number of areas */
    size_t *nb_start; /* n + 1 offsets into nb_idx */
    size_t *nb_idx;   /* nb_start[n] neighbour indices, sorted per area */
};

/* Sets w to the empty relation (n = 0, no allocation). */
void ws_weights_init(struct ws_weights *w);
/* Frees the arrays and re-initialises w; a zeroed or initialised w is fine. */
void ws_weights_release(struct ws_weights *w);

/* Builds queen (queen = true) or rook contiguity between the n areas geoms[0..n),
 * each a (multi)polygon, as spdep::poly2nb(queen = queen) with its default snap
 * WS_WEIGHTS_SNAP.  An area without points is an island.  w must be
 * initialised; it is released and overwritten on success and left empty on
 * failure.  Fails with WS_EDATA on a non-finite coordinate (err names the area,
 * 0-based) and with WS_EUSAGE on 2^32 or more areas or vertices.  Cost:
 * O(V + H) time for V vertices and H vertex pairs within snap (grid cells
 * plus radix sorts, no pairwise polygon test), O(V) memory. */
int ws_weights_contiguity(const struct ws_geom *geoms, size_t n, bool queen, struct ws_weights *w,
                          struct ws_err *err);

/* As ws_weights_contiguity() with an explicit snap distance (>= 0, in CRS
 * units; spdep's `snap` argument). */
int ws_weights_contiguity_snap(const struct ws_geom *geoms, size_t n, bool queen, double snap,
                               struct ws_weights *w, struct ws_err *err);

/* Builds w from CSR arrays (borrowed, copied): nb_start has n + 1 entries,
 * neighbours of i are nb_idx[nb_start[i] .. nb_start[i+1]) in any order.
 * Each row is sorted.  Fails with WS_EDATA (w left empty) when an index is out
 * of range, an area lists itself, a neighbour is listed twice or the relation
 * is not symmetric; err says which area (0-based). */
int ws_weights_from_csr(size_t n, const size_t *nb_start, const size_t *nb_idx,
                        struct ws_weights *w, struct ws_err *err);

/* Restricts w to the areas with keep[i] true, as spdep subset.nb: the kept
 * areas are renumbered 0.. in their original order and links to dropped areas
 * are removed (so new islands may appear).  `out` must be initialised and must
 * not be `w`; it is released and overwritten.  keep is borrowed (w->n
 * entries).  Returns WS_OK (cannot fail except on misuse: NULL arguments give
 * WS_EINTERNAL). */
int ws_weights_subset(const struct ws_weights *w, const bool *keep, struct ws_weights *out,
                      struct ws_err *err);

/* Number of neighbours of area i (i < w->n). */
size_t ws_weights_card(const struct ws_weights *w, size_t i);

/* Number of islands (areas with no neighbours). */
size_t ws_weights_n_islands(const struct ws_weights *w);

#endif
