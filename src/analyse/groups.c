/*
 * groups.c - group-offer planning: disjoint catchments, their totals and
 * what may be published of them (rules and privacy reasoning in groups.h).
 *
 * Symbols as in the code:
 *
 *     d2(i, j)    = (x[i] - loc_x[j])^2 + (y[i] - loc_y[j])^2      metres^2
 *     catchment(i) = argmin_j d2(i, j) (lowest j on ties)
 *                    if d2 <= (1000 max_km)^2, else none
 *     total(c)    = sum over members i of cases[i]
 *     published   = R floor((total + R/2) / R)  if total >= min_count, else NAN
 *     suggest     = total >= min_group and total >= min_count
 *
 * Cost: O(n_buurt n_loc) for the assignment (a few hundred locations per
 * gemeente at most), O(n_buurt) otherwise.
 */
#include "wijkscan/analyse/groups.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_count(double v)
{
    return isfinite(v) && v >= 0.0 && v == floor(v);
}

static int check_counts(const double *v, size_t n, const char *what, struct ws_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]) || is_count(v[i]))
            continue;
        ws_err_set(err, WS_EDATA, "%scase count of buurt %zu is not a whole number >= 0 (%g)", what,
                   i, v[i]);
        ws_err_hint(err, "case counts must be whole numbers >= 0; leave a count empty when it "
                         "is not known");
        return WS_EDATA;
    }
    return WS_OK;
}

static int check_opts(const struct ws_groups_input *in, const struct ws_groups_opts *o,
                      struct ws_err *err)
{
    if (in->n_loc > 0 && !(isfinite(o->max_km) && o->max_km > 0.0)) {
        ws_err_set(err, WS_EDATA, "catchment radius max_km must be a number > 0 (got %g)",
                   o->max_km);
        ws_err_hint(err, "set 'max_km' in the [locations] section of the study file");
        return WS_EDATA;
    }
    if (o->min_group < 0 || o->min_count < 0) {
        ws_err_set(err, WS_EDATA, "min_group (%ld) and min_count (%ld) must be >= 0", o->min_group,
                   o->min_count);
        ws_err_hint(err, "check 'min_group' in [locations] and 'min_count' in [privacy]");
        return WS_EDATA;
    }
    return WS_OK;
}

static int check_input(const struct ws_groups_input *in, struct ws_err *err)
{
    if (in->n_buurt > 0 &&
        (!in->cases || (in->n_loc > 0 && (!in->x || !in->y)) || (in->n_loc == 0 && !in->wijk)))
        return ws_err_set(err, WS_EINTERNAL, "ws_groups_plan: a required buurt array is NULL");
    if (in->n_loc > 0 && (!in->loc_x || !in->loc_y))
        return ws_err_set(err, WS_EINTERNAL, "ws_groups_plan: location coordinates are NULL");
    for (size_t j = 0; j < in->n_loc; j++) {
        if (isfinite(in->loc_x[j]) && isfinite(in->loc_y[j]))
            continue;
        ws_err_set(err, WS_EDATA, "service location %zu has no valid coordinates (%g, %g)", j,
                   in->loc_x[j], in->loc_y[j]);
        ws_err_hint(err, "give every location in the [locations] source a point geometry");
        return WS_EDATA;
    }
    if (in->n_loc == 0)
        for (size_t i = 0; i < in->n_buurt; i++)
            if (in->wijk[i] != WS_GROUPS_NONE && in->wijk[i] >= in->n_wijk)
                return ws_err_set(err, WS_EINTERNAL,
                                  "ws_groups_plan: wijk index %zu of buurt %zu is not below %zu",
                                  in->wijk[i], i, in->n_wijk);
    return check_counts(in->cases, in->n_buurt, "", err);
}

/* Nearest location of buurt i within max_m metres, or WS_GROUPS_NONE. */
static size_t nearest(const struct ws_groups_input *in, size_t i, double max_m)
{
    size_t best = WS_GROUPS_NONE;
    double best_d2 = max_m * max_m;

    if (!isfinite(in->x[i]) || !isfinite(in->y[i]))
        return WS_GROUPS_NONE;
    for (size_t j = 0; j < in->n_loc; j++) {
        double dx = in->x[i] - in->loc_x[j];
        double dy = in->y[i] - in->loc_y[j];
        double d2 = dx * dx + dy * dy;

        // `<` keeps the lowest index on ties; the first one may equal the radius
        if (d2 < best_d2 || (best == WS_GROUPS_NONE && d2 == best_d2)) {
            best = j;
            best_d2 = d2;
        }
    }
    return best;
}

/* Half-up rounding to a multiple of round_to, as ws_sdc_round. */
static double round_count(double v, long round_to)
{
    double r;

    if (round_to <= 1 || isnan(v))
        return v;
    r = (double)round_to;
    return r * floor((v + r / 2.0) / r);
}

/* published, suggest and the feasible range of one catchment. */
static void publish(struct ws_catchment *c, const struct ws_groups_opts *o)
{
    double min_count = (double)o->min_count;
    double min_group = (double)o->min_group;
    double r = o->round_to > 1 ? (double)o->round_to : 1.0;

    c->suggest = c->total >= min_group && c->total >= min_count;
    if (c->total < min_count) {
        c->published = NAN;
        c->feasible_lo = 0.0;
        c->feasible_hi = min_count - 1.0;
        return;
    }
    c->published = round_count(c->total, o->round_to);
    c->feasible_lo = r > 1.0 ? c->published - floor(r / 2.0) : c->published;
    c->feasible_hi = r > 1.0 ? c->published + ceil(r / 2.0) - 1.0 : c->published;
    c->feasible_lo = fmax(c->feasible_lo, min_count);
    if (c->suggest)
        c->feasible_lo = fmax(c->feasible_lo, min_group);
    else
        c->feasible_hi = fmin(c->feasible_hi, min_group - 1.0);
}

/* Fills out->catchment_of[i] for every buurt. */
static void assign(const struct ws_groups_input *in, const struct ws_groups_opts *o,
                   struct ws_groups *out)
{
    double max_m = 1000.0 * o->max_km;

    for (size_t i = 0; i < in->n_buurt; i++) {
        size_t c = WS_GROUPS_NONE;

        if (!isnan(in->cases[i]))
            c = in->n_loc > 0 ? nearest(in, i, max_m) : in->wijk[i];
        out->catchment_of[i] = c;
        if (c == WS_GROUPS_NONE)
            out->n_unassigned++;
    }
}

/* Catchment k's kind, names, members and total, from catchment_of. */
static void fill_catchment(const struct ws_groups_input *in, struct ws_groups *g, size_t k,
                           const size_t *count)
{
    struct ws_catchment *c = &g->catchments[k];

    c->kind = in->n_loc > 0 ? WS_CATCHMENT_LOCATION : WS_CATCHMENT_WIJK;
    c->index = k;
    c->name_index = in->n_loc > 0 && in->loc_name ? in->loc_name[k] : k;
    c->members = ws_xmalloc(ws_st_mult(count[k] ? count[k] : 1, sizeof(*c->members)));
    c->total = 0.0;
    for (size_t i = 0; i < in->n_buurt; i++) {
        if (g->catchment_of[i] != k)
            continue;
        c->members[c->n_members++] = i;
        c->total += in->cases[i];
    }
}

int ws_groups_plan(const struct ws_groups_input *in, const struct ws_groups_opts *opts,
                   struct ws_groups *out, struct ws_err *err)
{
    struct ws_groups g = WS_GROUPS_INIT;
    size_t *count = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = check_opts(in, opts, err)) || (rc = check_input(in, err)))
        goto out;
    g.n_buurt = in->n_buurt;
    g.n_catchments = in->n_loc > 0 ? in->n_loc : in->n_wijk;
    g.catchment_of = ws_xmalloc(ws_st_mult(in->n_buurt ? in->n_buurt : 1, sizeof(size_t)));
    g.catchments = ws_xcalloc(g.n_catchments ? g.n_catchments : 1, sizeof(*g.catchments));
    count = ws_xcalloc(g.n_catchments ? g.n_catchments : 1, sizeof(*count));
    assign(in, opts, &g);
    for (size_t i = 0; i < in->n_buurt; i++)
        if (g.catchment_of[i] != WS_GROUPS_NONE)
            count[g.catchment_of[i]]++;
    for (size_t k = 0; k < g.n_catchments; k++) {
        fill_catchment(in, &g, k, count);
        publish(&g.catchments[k], opts);
    }
    *out = g;
    g = (struct ws_groups)WS_GROUPS_INIT;
out:
    ws_groups_release(&g);
    free(count);
    return rc;
}

void ws_groups_release(struct ws_groups *g)
{
    if (!g)
        return;
    for (size_t k = 0; g->catchments && k < g->n_catchments; k++)
        free(g->catchments[k].members);
    free(g->catchments);
    free(g->catchment_of);
    memset(g, 0, sizeof(*g));
}

int ws_groups_pool(const double *a, const double *b, size_t n, double *out, struct ws_err *err)
{
    int rc;

    if ((rc = check_counts(a, n, "first year: ", err)) ||
        (b && (rc = check_counts(b, n, "second year: ", err))))
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = b ? a[i] + b[i] : a[i];
    return WS_OK;
}
