/*
 * analyse_store.c - the analyse stage's driver (analyse_store.h): the store
 * in, ws_analyse_run() over arrays, the store out.
 */
#include "wijkscan/cli/analyse_store.h"

#include "wijkscan/analyse/period.h"
#include "wijkscan/core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;

    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        return 0.0;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A numeric setting of the store (the seed as a whole number: it may
 * exceed 2^53). */
static int parse_setting_num(struct ws_store *s, const char *key, double *v, uint64_t *u,
                             struct ws_err *err)
{
    char *text = NULL;
    char *end = NULL;
    int rc = ws_store_get_setting(s, key, &text, err);

    if (rc)
        return rc;
    if (!text) {
        rc = ws_err_set(err, WS_EDATA, "the store has no setting '%s'", key);
        ws_err_hint(err, "re-run 'wijkscan load' to make the store with this version of wijkscan");
        return rc;
    }
    errno = 0;
    if (u) {
        *u = strtoull(text, &end, 10);
        *v = 0;
    } else {
        *v = strtod(text, &end);
    }
    if (errno || end == text || *end != '\0' || !isfinite(*v)) {
        rc = ws_err_set(err, WS_EDATA, "the store's setting '%s' must be a number (got '%s')", key,
                        text);
        ws_err_hint(err, "re-run 'wijkscan load' to make the store again");
    }
    free(text);
    return rc;
}

/* The store's pooled period (1 when a store made before periods has none). */
static int read_period_setting(struct ws_store *s, struct ws_analyse_cfg *cfg, struct ws_err *err)
{
    char *text = NULL;
    double v = 1;
    int rc = ws_store_get_setting(s, "period", &text, err);

    cfg->period = 1;
    if (rc || !text)
        return rc;
    free(text);
    if ((rc = parse_setting_num(s, "period", &v, NULL, err)))
        return rc;
    cfg->period = v >= 1 && v <= 50 ? (int)v : 1;
    return WS_OK;
}

/* The cases must hold the latest period ([analysis] period; period.h). */
static int check_period(const struct ws_study *st, const struct ws_analyse_cfg *cfg,
                        const struct ws_analyse_input *in, struct ws_err *err)
{
    int *years = ws_xcalloc(in->n_cases + 1, sizeof(*years));
    int rc;

    for (size_t i = 0; i < in->n_cases; i++)
        years[i] = in->cases[i].year;
    rc = ws_periods_check(years, in->n_cases, cfg->period, err);
    free(years);
    if (rc && st)
        ws_study_where(st, "analysis", "period", err);
    return rc;
}

/* Settings from the study, or (st NULL) from the store's settings table. */
static int read_cfg(struct ws_store *s, const struct ws_study *st,
                    const struct ws_analyse_opts *opts, struct ws_analyse_cfg *cfg,
                    struct ws_err *err)
{
    double unused = 0;
    double perms = 0;
    double fdr = 0;
    char *weights = NULL;
    int rc = WS_OK;

    memset(cfg, 0, sizeof(*cfg));
    if (st) {
        cfg->seed = st->seed;
        cfg->queen = !st->weights || strcmp(st->weights, "rook") != 0;
        perms = (double)st->permutations;
        fdr = st->fdr;
        cfg->min_count = st->min_count;
        cfg->period = (int)st->period;
        cfg->prio.need = st->prio_need;
        cfg->prio.demand = st->prio_demand;
        cfg->prio.trend = st->prio_trend;
        cfg->prio.cluster = st->prio_cluster;
    } else {
        // a store analysed without its study: the default weights
        cfg->prio.need = cfg->prio.demand = 1.0; // as conf.c
        cfg->prio.trend = cfg->prio.cluster = 0.5;
        double mc = 0;
        if ((rc = parse_setting_num(s, "seed", &unused, &cfg->seed, err)) ||
            (rc = parse_setting_num(s, "permutations", &perms, NULL, err)) ||
            (rc = parse_setting_num(s, "fdr", &fdr, NULL, err)) ||
            (rc = parse_setting_num(s, "min_count", &mc, NULL, err)) ||
            (rc = ws_store_get_setting(s, "weights", &weights, err)))
            goto out;
        cfg->min_count = (long)mc;
        if ((rc = read_period_setting(s, cfg, err)))
            goto out;
        cfg->queen = !weights || strcmp(weights, "rook") != 0;
    }
    cfg->weights = cfg->queen ? "queen" : "rook";
    if (opts->permutations >= 0)
        perms = (double)opts->permutations;
    if (!(perms >= 0 && perms < 1e9)) {
        rc = ws_err_set(err, WS_EUSAGE, "permutations must be between 0 and 999999999 (got %g)",
                        perms);
        goto out;
    }
    if (!(fdr > 0 && fdr <= 1)) {
        rc = ws_err_set(err, WS_EUSAGE, "fdr must be above 0 and at most 1 (got %g)", fdr);
        goto out;
    }
    cfg->nsim_main = (size_t)perms;
    cfg->nsim_other =
        opts->permutations_other >= 0 ? (size_t)opts->permutations_other : cfg->nsim_main;
    if (opts->permutations_other < 0 && st && st->permutations_other >= 0)
        cfg->nsim_other = (size_t)st->permutations_other;
    cfg->fdr = fdr;
    cfg->n_threads = opts->n_threads >= 1 ? opts->n_threads : 1;
out:
    free(weights);
    return rc;
}

/* The study's covariates must be the store's (the values are stored by
 * index). */
static int check_covariates(const struct ws_study *st, char **names, size_t n, struct ws_err *err)
{
    size_t k;
    bool same = st->n_covariates == n;

    for (k = 0; same && k < n; k++)
        same = strcmp(st->covariates[k], names[k]) == 0;
    if (same)
        return WS_OK;
    ws_err_set(err, WS_EDATA, "the store was loaded with other covariates than the study names");
    ws_study_where(st, "statistics", "covariates", err);
    ws_err_hint(err, "re-run 'wijkscan load' (or 'wijkscan run') after changing [statistics] "
                     "covariates");
    return WS_EDATA;
}

/* Everything the stage reads, owned. */
struct store_input {
    char **cov_names;
    struct ws_stat_row *stats;
    struct ws_case_row *cases;
    struct ws_area *areas[WS_N_LEVELS];
    struct ws_analyse_input in; /* views of the above */
};

static void store_input_release(struct store_input *si)
{
    ws_store_free_strings(si->cov_names, si->in.n_covariates);
    ws_store_free_stats(si->stats, si->in.n_stats);
    ws_store_free_cases(si->cases, si->in.n_cases);
    for (size_t i = 0; i < WS_N_LEVELS; i++)
        ws_store_free_areas(si->areas[i], si->in.n_areas[i]);
    memset(si, 0, sizeof(*si));
}

static int store_input_read(struct ws_store *s, const struct ws_study *st, struct store_input *si,
                            struct ws_err *err)
{
    struct ws_analyse_input *in = &si->in;
    int rc;

    memset(si, 0, sizeof(*si));
    rc = ws_store_read_covariates(s, &si->cov_names, &in->n_covariates, err);
    if (!rc && st)
        rc = check_covariates(st, si->cov_names, in->n_covariates, err);
    if (!rc)
        rc = ws_store_read_stats(s, &si->stats, &in->n_stats, err);
    if (!rc)
        rc = ws_store_read_cases(s, &si->cases, &in->n_cases, err);
    for (size_t i = 0; !rc && i < WS_N_LEVELS; i++)
        rc = ws_store_read_areas(s, (enum ws_level)i, &si->areas[i], &in->n_areas[i], err);
    in->cov_names = (const char *const *)si->cov_names;
    in->stats = si->stats;
    in->cases = si->cases;
    for (size_t i = 0; i < WS_N_LEVELS; i++)
        in->areas[i] = si->areas[i];
    return rc;
}

/* Builds the analysis areas (ws_analyse_gebieden), stores them with their
 * outlines (replacing an earlier analysis's) and reads the buurten (now with
 * their gebied) and the gebieden back into si. */
static int put_gebieden(struct ws_store *s, const struct ws_analyse_cfg *cfg,
                        struct store_input *si, struct ws_err *err)
{
    struct ws_analyse_input *in = &si->in;
    struct ws_regions reg = WS_REGIONS_INIT;
    char **codes = NULL;
    char **names = NULL;
    int rc;

    rc = ws_analyse_gebieden(cfg, in, &reg, &codes, &names, err);
    if (!rc)
        rc = ws_store_put_gebieden(s, si->areas[WS_LEVEL_BUURT], in->n_areas[WS_LEVEL_BUURT],
                                   reg.region_of, (const char *const *)codes,
                                   (const char *const *)names, reg.n_regions, err);
    if (!rc)
        ws_log_verbose("analyse: %zu buurten form %zu analysis areas (gebieden) of at least %ld "
                       "cases",
                       in->n_areas[WS_LEVEL_BUURT], reg.n_regions, cfg->min_count);
    ws_regions_labels_free(codes, names, reg.n_regions);
    ws_regions_release(&reg);
    for (int lv = WS_LEVEL_BUURT; !rc && lv <= WS_LEVEL_GEBIED; lv++) {
        ws_store_free_areas(si->areas[lv], in->n_areas[lv]);
        si->areas[lv] = NULL;
        in->n_areas[lv] = 0;
        rc = ws_store_read_areas(s, (enum ws_level)lv, &si->areas[lv], &in->n_areas[lv], err);
        in->areas[lv] = si->areas[lv];
    }
    return rc;
}

static int emit_rows(void *ctx, const struct ws_indicator *rows, size_t n, struct ws_err *err)
{
    return ws_store_indicator_writer_add(ctx, rows, n, err);
}

int ws_analyse_store_opts(struct ws_store *s, const struct ws_study *st,
                          const struct ws_analyse_opts *opts, struct ws_warnings *warnings,
                          struct ws_err *err)
{
    static const struct ws_analyse_opts defaults = WS_ANALYSE_OPTS_INIT;
    struct ws_indicator_writer *wr = NULL;
    struct ws_analyse_cfg cfg;
    struct store_input si;
    char *json = NULL;
    double t0 = now_s();
    int rc;

    rc = read_cfg(s, st, opts ? opts : &defaults, &cfg, err);
    if (!rc)
        rc = store_input_read(s, st, &si, err);
    else
        memset(&si, 0, sizeof(si));
    if (!rc)
        rc = check_period(st, &cfg, &si.in, err);
    if (!rc)
        ws_log_verbose("analyse: reading the store %.2f s", now_s() - t0);
    if (!rc)
        rc = put_gebieden(s, &cfg, &si, err);
    if (!rc)
        rc = ws_store_indicator_writer_begin(s, WS_SET_RAW, &wr, err);
    if (!rc)
        rc = ws_analyse_run(&cfg, &si.in, emit_rows, wr, &json, warnings, err);
    if (!rc)
        rc = ws_store_put_result(s, "statistics.json", json, err);
    ws_store_indicator_writer_end(wr);
    store_input_release(&si);
    free(json);
    return rc;
}

int ws_analyse_store(struct ws_store *s, const struct ws_study *st, struct ws_warnings *warnings,
                     struct ws_err *err)
{
    return ws_analyse_store_opts(s, st, NULL, warnings, err);
}
