/*
 * moran.h - global Moran's I and local Moran (LISA) with row-standardised
 * contiguity weights (see weights.h), as R spdep 1.2-7.
 *
 * Convention for islands (README: data dictionary): areas with no neighbours in w
 * are excluded before anything is computed, exactly as in R
 *     u <- card(nb) > 0; lw <- nb2listw(subset(nb, u), style = "W")
 *     moran.test(x[u], lw); localmoran(x[u], lw)
 * so the mean, the variance and n are over the m non-island areas only.
 * Areas without data must be removed first with ws_weights_subset() (which
 * may create new islands; they are then excluded here).  The values of
 * islands are ignored (they may be NaN); every other value must be finite.
 *
 * When the statistics are undefined the functions still return WS_OK but set
 * `valid` (all values equal: no between-area variance; or too few areas) and
 * leave every statistic NaN, so the caller can write NULL and say why
 * (ws_moran_validity_text()).
 *
 * Permutations are seeded and reproducible: each permutation (global) or
 * area (local) draws from its own xoshiro256** stream derived from
 * (seed, index), so results are bit-identical whatever n_threads is.
 */
#ifndef WIJKSCAN_MORAN_H
#define WIJKSCAN_MORAN_H

#include "wijkscan/analyse/weights.h"
#include "wijkscan/core/err.h"

#include <stddef.h>
#include <stdint.h>

enum ws_moran_validity {
    WS_MORAN_VALID = 0,
    WS_MORAN_NO_VARIANCE, /* all (non-island) values are equal */
    WS_MORAN_TOO_FEW      /* fewer non-island areas than the formulas need */
};

/* Static English text for a validity, e.g. "all values are equal (no
 * between-area variance)". */
const char *ws_moran_validity_text(enum ws_moran_validity v);

struct ws_moran_opts {
    size_t nsim;        /* permutations; 0 = none (p_sim NaN) */
    uint64_t seed;      /* seed of all permutation streams */
    unsigned n_threads; /* worker threads for the permutations (>= 1) */
    double fdr;         /* LISA: BH level below which a quadrant is reported */
};

#define WS_MORAN_OPTS_INIT                                                                         \
    {                                                                                              \
        9999, 20240101u, 2, 0.05                                                                   \
    }

/* Global Moran's I; alternative "greater" as moran.test's default. */
struct ws_moran_global {
    enum ws_moran_validity valid;
    size_t n_used;    /* m: non-island areas the statistic is over */
    size_t n_islands; /* areas excluded for having no neighbours */
    double i;         /* Moran's I */
    double expected;  /* E[I] = -1 / (m - 1) */
    double var_norm;  /* Var[I] under normality */
    double var_rand;  /* Var[I] under randomisation */
    double z_norm;    /* (I - E[I]) / sqrt(var_norm) */
    double z_rand;    /* (I - E[I]) / sqrt(var_rand) */
    double p_norm;    /* P(Z >= z_norm), standard normal */
    double p_rand;    /* P(Z >= z_rand) */
    size_t nsim;      /* permutations done */
    size_t n_ge;      /* permutations with I_perm >= I */
    double p_sim;     /* (n_ge + 1) / (nsim + 1); NaN if nsim == 0 */
};

/* Computes global Moran's I of x (w->n values, borrowed) over the non-island
 * areas of w.  Fails with WS_EDATA on a non-finite value of a non-island area
 * and WS_EUSAGE on bad options (n_threads 0).  At least 4 non-island areas
 * are needed (else valid = WS_MORAN_TOO_FEW). */
int ws_moran_global(const struct ws_weights *w, const double *x, const struct ws_moran_opts *opts,
                    struct ws_moran_global *res, struct ws_err *err);

enum ws_lisa_cluster {
    WS_LISA_NS = 0,  /* not significant */
    WS_LISA_HH,      /* high value, high neighbours */
    WS_LISA_LL,      /* low, low */
    WS_LISA_HL,      /* high, low neighbours */
    WS_LISA_LH,      /* low, high neighbours */
    WS_LISA_ISOLATED /* island: no neighbours, not tested */
};

/* "ns", "HH", "LL", "HL", "LH", "isolated" (static). */
const char *ws_lisa_cluster_name(enum ws_lisa_cluster c);

/* Local Moran results; every array has n entries (one per area of w, in w's
 * order) and is owned by the struct.  Entries of islands are NaN with
 * quadrant and cluster WS_LISA_ISOLATED. */
struct ws_lisa {
    size_t n;
    enum ws_moran_validity valid;
    size_t n_used; /* m: non-island areas */
    size_t n_islands;
    size_t nsim;    /* permutations per area */
    double *ii;     /* I_i = z_i / m2 * lag_i */
    double *e_ii;   /* E[I_i], conditional randomisation */
    double *var_ii; /* Var[I_i], conditional randomisation */
    double *z_ii;   /* (I_i - E[I_i]) / sqrt(Var[I_i]); NaN where z_i == 0 */
    double *p_norm; /* two-sided normal p of z_ii */
    double *p_sim;  /* two-sided permutation pseudo-p (see moran.c); NaN if nsim == 0 */
    double *p_adj;  /* BH-adjusted p_sim (p_norm if nsim == 0) over non-islands */
    double *lag;    /* spatial lag of z: sum_j w_ij z_j, z = x - mean */
    enum ws_lisa_cluster *quadrant; /* HH/LL/HL/LH from the signs of z_i and lag */
    enum ws_lisa_cluster *cluster;  /* quadrant where p_adj < fdr, else WS_LISA_NS */
};

void ws_lisa_init(struct ws_lisa *l);
/* Frees the arrays and re-initialises l; a zeroed or initialised l is fine. */
void ws_lisa_release(struct ws_lisa *l);

/* Local Moran's I of x (w->n values, borrowed) as spdep::localmoran (mlvar,
 * conditional, two-sided), plus conditional permutation pseudo-p values,
 * Benjamini-Hochberg adjustment and cluster labels.  res must be initialised;
 * it is released and refilled (arrays allocated even when not valid, then the
 * non-island entries are NaN and their cluster WS_LISA_NS).  Fails with
 * WS_EDATA on a non-finite value of a non-island area, WS_EUSAGE on bad
 * options (n_threads 0, fdr outside (0, 1]).  At least 3 non-island areas
 * are needed. */
int ws_moran_local(const struct ws_weights *w, const double *x, const struct ws_moran_opts *opts,
                   struct ws_lisa *res, struct ws_err *err);

#endif
