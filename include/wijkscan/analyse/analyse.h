/*
 * analyse.h - the analyse stage: every indicator of the README's data dictionary
 * for every area x year x category, pure computation over arrays.
 *
 * ws_analyse_run() takes the areas, statistics and cases as arrays and
 * returns
 *   - the indicator rows, through a callback (the CLI's driver, analyse_store.h,
 *     writes them to the private store's raw table: exact counts, which never
 *     leave the private store; the protection step makes the published rows
 *     from them), and
 *   - the text of "statistics.json": the global figures per level, year and
 *     category (see "statistics.json" below).
 * Every statistic goes through the pure modules (rates.h, glm.h, ebayes.h,
 * weights.h, moran.h, trend.h); this stage only assembles their inputs.
 *
 * Analysis areas.  ws_analyse_gebieden() builds the gebied level (regions.h):
 * contiguous groups of buurten within one wijk (one gemeente without wijken),
 * each holding at least [privacy] min_count cases of all categories in the
 * latest year, as many as possible, alike in their covariates (the latest
 * year's values, imputed as for the model), over the study's contiguity
 * (queen | rook), seeded by the study seed.  The store driver
 * (cli/analyse_store.c) stores them with their outlines
 * (ws_store_put_gebieden) and hands them to ws_analyse_run() as the gebied
 * level, the buurten carrying their gebied's code.

 * What is computed, per level (buurt, gebied; wijk and gemeente when the
 * store has them), per year present in the cases, per category and "all":
 *   O, P       buurt: the case count (a missing (buurt, year, category) row
 *              counts as 0 cases, with a warning naming how many cells of a
 *              year were filled) and the population of the statistics row of
 *              the year used (ws_dataset_stat_year(): that year, else the
 *              nearest).  "all" is the sum over the categories (or the rows
 *              themselves when the case table has no category).
 *              gebied, wijk, gemeente: O = the sum of their buurten's O (all of it, so
 *              that counts add up across levels), P = the sum of the known
 *              populations of their buurten (NULL when none is known).
 *   rates      rate_per_1000 with Garwood interval, ratio_avg and Choynowski
 *              poisson_p against theta = sum O / sum P over the usable areas
 *              (P > 0) of that level, year and category.
 *   expected   buurt: Poisson GLM (glm.h) fitted per year and category over
 *              the buurten with P > 0 (the covariate values of the statistics
 *              row used for that year; a missing value is the population-
 *              weighted mean of the wijk, else the gemeente, else the study,
 *              impute.h, so that the model is fitted on the same buurten as
 *              theta and reveals no other total; statistics.json counts them
 *              as n_profile_imputed); NULL for a buurt whose covariate no
 *              buurt has.  Without covariates, or when the fit fails
 *              (a warning, and the reason in statistics.json), expected =
 *              theta P for every buurt with P > 0.
 *              gebied, wijk, gemeente: the sum of their buurten's expected over the
 *              buurten with P > 0, where a buurt without a complete covariate
 *              profile contributes theta P (the study average; such buurten
 *              are small, and leaving them out would bias O/E, while making
 *              the whole wijk NULL would blank most of the demo's wijken and
 *              the gemeente).  statistics.json counts these per entry.
 *   oe         oe_ratio = O / expected with the exact interval.
 *   eb_rate    global EB (ws_ebayes_global) over the level's usable areas;
 *   seb_rate   local EB (ws_ebayes_local) with the level's contiguity.
 *   LISA       Moran's I (statistics.json) and local Moran on eb_rate over the
 *              usable areas, with the study's contiguity (queen | rook) built
 *              from the level's polygons and cut down to those areas
 *              (ws_weights_subset).  Areas without neighbours there are
 *              islands: lisa_cluster 'isolated', listed by code in
 *              statistics.json and in one warning per level and run of years
 *              with the same islands.  A level with fewer than 2 usable areas
 *              (the demo's single gemeente) gets no Moran/LISA at all (NULL);
 *              no variance or too few areas: every figure NULL (islands stay
 *              'isolated') with the reason in statistics.json.
 *   trend      trend_rr, trend_p against the year before (year - 1) of the
 *              same area and category; NULL for a year whose year before has
 *              no cases in the data.
 *   priority_rank buurt and gebied levels, category "all": the prevention
 *              priority (priority.h); else NULL.  suppressed is 0.
 * Areas with P missing or 0 have every rate NULL and take no part in theta,
 * EB, Moran or LISA; their population and cases are still written.
 *
 * Permutations.  The study's `permutations` (default 9,999) are used for the
 * global Moran test and the local Moran of EVERY level, year and category,
 * because the figures must not depend on which map they end up on, and
 * because with fewer permutations the Benjamini-Hochberg step cannot find
 * clusters among many areas: the smallest two-sided p of N permutations is
 * 2 / (N + 1), which BH at 0.05 over m areas accepts only when at least
 * m (2 / (N + 1)) / 0.05 areas share it (N = 999, m = 13,000 buurten: 520
 * areas), so a cheaper default would show "ns" where there are clusters.
 * The cost is linear in areas x permutations: the demo study (151 buurten,
 * 4 years, 9 categories) takes 0.7 s in all, the national data (14,566
 * buurten) 52 s, of which 49 s are permutations.
 * struct ws_analyse_opts.permutations_other lowers the count for everything
 * but the main analysis (the buurt level's latest year, category "all"),
 * for quick or national runs: with 0 there (lisa_p NULL and clusters from
 * the analytic p, as moran.h does without permutations) the national stage
 * takes 3.8 CPU-seconds, about 3 s on an idle 2-core machine (writing the
 * 658k rows is 1 s of it).  Each entry of statistics.json records its nsim
 * and seed.  (permutations = 0 in the study has the same effect everywhere.)
 * Each level/year/category draws from its own seed, ws_analyse_seed(), and
 * the permutation module is deterministic for any thread count, so the same
 * study and seed give byte-identical rows and statistics.json.
 *
 * statistics.json (UTF-8, keys in fixed order, numbers in the shortest of
 * %.15g/%.16g/%.17g that reads back exactly, NaN and infinities as null):
 *   { "format": "wijkscan-statistics/1", "seed", "weights", "permutations",
 *     "permutations_other", "fdr", "covariates": [...], "years": [...],
 *     "categories": [...],
 *     "levels": [{"level", "n_areas", "islands": [codes without any
 *                 neighbour]}],
 *     "analyses": [{"level", "year", "category", "statistics_year",
 *        "n_areas", "n_with_data", "theta", "eb": {"a", "b"},
 *        "expected": {"method": "glm" | "theta" | "sum of buurten", "glm_error",
 *                     "n_without_profile", "n_profile_imputed",
 *                     "n_buurten_theta_filled", "withheld"},
 *        ("withheld": true when ws_rates_model_withheld(): fewer than
 *        min_count cases in the buurten the model could not be fitted on;
 *        then "glm" is null and protect.c NULLs expected and O/E everywhere
 *        for that year and category, see protect.h),
 *        "glm": null | {"covariates", "n", "coefficients": [{"term",
 *                 "estimate", "se", "z", "p", "estimate_std", "se_std",
 *                 "z_std", "p_std"}], "deviance", "null_deviance",
 *                 "pearson_dispersion", "aic", "df_residual", "df_null",
 *                 "iterations", "converged"},
 *        "moran": null | {"n", "n_islands", "I", "expectation",
 *                 "variance_normality", "z_normality", "p_normality",
 *                 "variance_randomisation", "z_randomisation",
 *                 "p_randomisation", "p_permutation", "nsim", "seed"},
 *        "lisa": null | {"n", "nsim", "fdr", "seed", "clusters": {"HH", "LL",
 *                 "HL", "LH", "ns", "isolated"}},
 *        "islands": [codes],
 *        "null_reasons": {"rates", "expected", "moran", "lisa", "trend"}}]}
 *   ("glm" is only on buurt entries; a reason is present only where some
 *   figure of that kind is NULL.)  theta is the exact study-wide case count
 *   divided by the population: the protection step must treat it like a
 *   count before publishing the file.
 */
#ifndef WIJKSCAN_ANALYSE_H
#define WIJKSCAN_ANALYSE_H

#include "wijkscan/analyse/priority.h"
#include "wijkscan/analyse/regions.h"
#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/indicators.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/model.h"

#include <stdbool.h>
#include <stdint.h>

struct ws_analyse_opts {
    unsigned n_threads;      /* threads for the permutations (>= 1); results do not depend on it */
    long permutations;       /* < 0: the study's [analysis] permutations */
    long permutations_other; /* < 0: the same; else the count for every level/year/category
                              * except the buurt level's latest year, category "all" */
};

#define WS_ANALYSE_OPTS_INIT                                                                       \
    {                                                                                              \
        2, -1, -1                                                                                  \
    }

/* The settings of one run (from the study, or from the store's settings
 * when a store is analysed without its study). */
struct ws_analyse_cfg {
    uint64_t seed;
    bool queen;
    struct ws_priority_weights prio; /* [priority] weights */
    const char *weights;             /* "queen" | "rook" */
    size_t nsim_main;                /* buurt level, latest year, "all" */
    size_t nsim_other;
    double fdr;
    unsigned n_threads;
    long min_count; /* [privacy] min_count: see ws_rates_model_withheld() */
    int period;     /* [analysis] period: years per pooled period (<= 1: none) */
};

/* What the stage reads, all borrowed for the call: the covariate names, the
 * statistics and case rows, and the areas of each level (indexed by enum
 * ws_level; the buurten are required, a level without areas is skipped). */
struct ws_analyse_input {
    const char *const *cov_names;
    size_t n_covariates;
    const struct ws_stat_row *stats;
    size_t n_stats;
    const struct ws_case_row *cases;
    size_t n_cases;
    const struct ws_area *areas[WS_N_LEVELS];
    size_t n_areas[WS_N_LEVELS];
};

/* Receives the indicator rows, n at a time, in key order (level, code, year,
 * category); a non-zero return stops the run with that status. */
typedef int (*ws_analyse_emit_fn)(void *ctx, const struct ws_indicator *rows, size_t n,
                                  struct ws_err *err);

/* Runs the stage: every indicator row goes to emit, and *statistics_json
 * (owned by the caller, free()) receives statistics.json.  Data-quality
 * findings (islands, filled case cells, failed GLM fits) are appended to
 * warnings (may be NULL).  Returns WS_OK, WS_EDATA for bad data (a negative
 * population, a case category named "all" beside others, a case row for an
 * unknown buurt), WS_ENOINPUT without buurten, or emit's status. */
int ws_analyse_run(const struct ws_analyse_cfg *cfg, const struct ws_analyse_input *ai,
                   ws_analyse_emit_fn emit, void *ctx, char **statistics_json,
                   struct ws_warnings *warnings, struct ws_err *err);

/* The analysis areas of the buurten of ai (see "Analysis areas" above) into
 * *out (zeroed, WS_REGIONS_INIT) and their codes and names (*codes, *names:
 * out->n_regions owned strings each, free with ws_regions_labels_free()).
 * out->region_of follows ai's buurt order.  Returns WS_OK or the errors of
 * ws_analyse_run's input checks and of regions.h. */
int ws_analyse_gebieden(const struct ws_analyse_cfg *cfg, const struct ws_analyse_input *ai,
                        struct ws_regions *out, char ***codes, char ***names, struct ws_err *err);

/* The permutation seed of one analysis: a 64-bit mix of the study seed and
 * the text "LEVEL/YEAR/CATEGORY" (FNV-1a, then the splitmix64 finaliser), so
 * every level, year and category draws its own, reproducible stream. */
uint64_t ws_analyse_seed(uint64_t seed, enum ws_level level, int year, const char *category);

#endif
