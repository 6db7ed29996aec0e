/*
 * regions.h - analysis areas ("gebieden"): contiguous groups of buurten that
 * never cross a wijk border, each holding at least `threshold` cases, as many
 * of them as possible (the max-p-regions problem, Duque, Anselin & Rey 2012;
 * issue 12, item 1).  Pure: plain arrays in, owned arrays out; no I/O, no
 * third-party headers, no globals.
 *
 * The problem is solved per wijk, per connected component of its buurten
 * (contiguity restricted to the wijk).  Per component, a partition is
 * FEASIBLE when every region is connected, holds cases >= threshold and at
 * least one populated buurt (population > 0; 0 or NAN is populationless).
 * Among feasible partitions the result maximises, in this order:
 *   1. p, the number of regions;
 *   2. minus the number of "merged self-sufficient" buurten: populated
 *      buurten with cases >= threshold on their own that share their region
 *      with other buurten (a self-sufficient buurt stays its own area unless
 *      a neighbour that cannot reach the threshold any other way has to join
 *      it);
 *   3. minus the heterogeneity: the sum over regions and covariates of the
 *      squared deviations of the members' standardised covariate from the
 *      region's mean (each covariate standardised over all n buurten; NAN
 *      values are left out of the mean, the deviations and the
 *      standardisation; a covariate with fewer than 2 values or no spread
 *      counts as 0).  Heterogeneities within 1e-9 (relative) count as equal.
 * A component without a feasible partition (total cases below the
 * threshold, or no populated buurt) is ONE region: protection suppresses it
 * later.  So every buurt is in exactly one region, a populationless buurt is
 * never a region alone unless its whole component is populationless, and an
 * isolated buurt (no neighbour in its wijk) is its own region.
 *
 * Search: components of at most WS_REGIONS_EXACT_MAX buurten are solved
 * EXACTLY (dynamic programming over the subsets of the component, using all
 * its connected feasible subsets) as long as the work stays within a fixed
 * budget (32768 connected subsets, 524288 subset tests); a component of at
 * most 10 buurten always fits, 4x4 grids mostly do not.  Other components
 * use a max-p heuristic in the spirit of PySAL spopt's MaxPHeuristic: region
 * growing from seeds over many seeded random orders (several growth rules),
 * enclaves joining a neighbouring region, the best partition kept; then a
 * local search that re-solves the union of every two adjacent regions
 * exactly (up to WS_REGIONS_LNS_MAX buurten), which can split a union into
 * three regions, move border buurten and reduce heterogeneity, until no pair
 * improves.  Measured against an unbudgeted exact search on random 4x4,
 * 3x5 and 2x8 grids: the same p in 99.3-99.5 % of components, one region
 * fewer in the rest.
 *
 * Determinism: the result depends only on the input values and the seed
 * (splitmix64 per component, keyed by the seed and the component's smallest
 * buurt index; fixed iteration counts; explicit tie-breaks: lowest index).
 * Region numbering: by wijk index, then by the smallest buurt index in the
 * region.
 *
 * Cost: about 0.2 s for a national-size synthetic input (13,400 buurten in
 * 3,300 wijken, 1 in 20 of 15-60 buurten; test_national) on one core; at
 * most a few ms per component.
 */
#ifndef WIJKSCAN_REGIONS_H
#define WIJKSCAN_REGIONS_H

#include "wijkscan/core/err.h"

#include <stddef.h>

/* components up to this many buurten are solved exactly (within budget) */
#define WS_REGIONS_EXACT_MAX 16
/* the heuristic's local search re-solves unions of two regions up to this size */
#define WS_REGIONS_LNS_MAX 12

/* Borrowed input arrays, read only during the call. */
struct ws_region_input {
    size_t n;                 /* buurten */
    const size_t *wijk;       /* n: wijk index per buurt; a region never crosses */
    const double *cases;      /* n: cases, all categories, latest period (finite, >= 0) */
    const double *population; /* n: population at risk; 0 or NAN = populationless; NULL:
                                 every buurt is populated */
    const size_t *nb_start;   /* n + 1: contiguity (queen) in CSR form: the neighbours */
    const size_t *nb;         /*   of i are nb[nb_start[i] .. nb_start[i+1]) (< n); the
                                   relation is made symmetric, self-links and links
                                   across a wijk border are ignored */
    const double *covar;      /* n x k, row-major, may hold NAN; NULL when k == 0 */
    size_t k;                 /* covariates */
    double threshold;         /* min_count: cases a region needs (finite) */
    unsigned long long seed;  /* heuristic's seed */
};

/* The partition: owned by the caller, free with ws_regions_release(). */
struct ws_regions {
    size_t n;          /* buurten (the input's n) */
    size_t n_regions;  /* regions */
    size_t *region_of; /* n: region index 0 .. n_regions-1 per buurt */
};

#define WS_REGIONS_INIT                                                                            \
    {                                                                                              \
        0, 0, NULL                                                                                 \
    }

/* Builds the analysis areas (rules above) into *out, which must be zeroed
 * (WS_REGIONS_INIT) or released.  Returns WS_OK; WS_EINTERNAL when a required
 * array is NULL (wijk, cases, nb_start, nb when links exist, covar when k > 0)
 * or nb_start is not ascending; WS_EDATA when a case count is negative or not
 * finite, a population is negative or infinite, a neighbour index is >= n, or
 * the threshold is not finite (naming the buurt index).  On failure *out is
 * left zeroed.  n == 0 gives an empty partition. */
int ws_regions_build(const struct ws_region_input *in, struct ws_regions *out, struct ws_err *err);

/* Frees the contents of r and zeroes it; a zeroed r and NULL are no-ops. */
void ws_regions_release(struct ws_regions *r);

/* Codes and names of the regions of r, as two owned arrays of r->n_regions
 * owned strings (free with ws_regions_labels_free()):
 *   code: "GB" + the buurt code of the region's first (lowest index) buurt
 *         without its leading letters ("BU00140007" -> "GB00140007"); stable
 *         as long as that buurt stays in the region, unique when the buurt
 *         codes are unique;
 *   name: one buurt: its name; two: "A en B" (larger population first, ties
 *         lower index); more, or a joined name longer than 40 bytes: the
 *         name of the buurt with the largest population (NAN counts as 0;
 *         ties: lowest index) + " e.o.".
 * buurt_code and buurt_name have r->n entries; a NULL name is replaced by
 * the code; population may be NULL (then the lowest index counts as the
 * largest).  Returns WS_OK, or WS_EINTERNAL when r, buurt_code, a buurt
 * code, code_out or name_out is NULL, or a region is empty (then *code_out
 * and *name_out are NULL). */
int ws_regions_label(const struct ws_regions *r, const char *const *buurt_code,
                     const char *const *buurt_name, const double *population, char ***code_out,
                     char ***name_out, struct ws_err *err);

/* Frees n strings of codes and of names and both arrays; NULLs are no-ops. */
void ws_regions_labels_free(char **codes, char **names, size_t n);

#endif
