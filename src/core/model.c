/*
 * model.c - levels and the dataset's lifetime (model.h).
 */
#include "wijkscan/core/model.h"

#include <stdlib.h>
#include <string.h>

const char *ws_level_name(enum ws_level level)
{
    switch (level) {
    case WS_LEVEL_BUURT:
        return "buurt";
    case WS_LEVEL_GEBIED:
        return "gebied";
    case WS_LEVEL_WIJK:
        return "wijk";
    case WS_LEVEL_GEMEENTE:
        return "gemeente";
    }
    return "?";
}

void ws_dataset_init(struct ws_dataset *ds)
{
    memset(ds, 0, sizeof(*ds));
}

void ws_dataset_release(struct ws_dataset *ds)
{
    if (!ds)
        return;
    free(ds->crs);
    for (size_t i = 0; ds->areas && i < ds->n_areas; i++) {
        struct ws_area *a = &ds->areas[i];
        free(a->code);
        free(a->name);
        free(a->parent);
        free(a->parent_name);
        free(a->gemeente);
        free(a->gemeente_name);
        free(a->gebied);
        ws_geom_release(&a->geom);
    }
    free(ds->areas);
    for (size_t i = 0; ds->covariate_names && i < ds->n_covariates; i++)
        free(ds->covariate_names[i]);
    free(ds->covariate_names);
    for (size_t i = 0; ds->stats && i < ds->n_stats; i++) {
        free(ds->stats[i].code);
        free(ds->stats[i].covariates);
    }
    free(ds->stats);
    for (size_t i = 0; ds->cases && i < ds->n_cases; i++) {
        free(ds->cases[i].code);
        free(ds->cases[i].category);
    }
    free(ds->cases);
    for (size_t i = 0; ds->inputs && i < ds->n_inputs; i++) {
        free(ds->inputs[i].role);
        free(ds->inputs[i].path);
    }
    free(ds->inputs);
    ws_warnings_release(&ds->warnings);
    ws_dataset_init(ds);
}

int ws_dataset_stat_year(const struct ws_dataset *ds, int year)
{
    int best = 0;
    int best_d = 0;

    for (size_t i = 0; i < ds->n_stats; i++) {
        int y = ds->stats[i].year;
        int d = abs(y - year);
        if (y == 0)
            return 0;
        if (d == 0)
            return y;
        if (best == 0 || d < best_d || (d == best_d && y < best)) {
            best = y;
            best_d = d;
        }
    }
    return best;
}
