/*
 * priority.c - prevention priority score, rank and reasons (formulas and NAN
 * rules in priority.h).
 *
 * Symbols as in the code, per usable buurt i:
 *
 *     z_need[i]    = (need[i] - mean) / sd        over finite usable values
 *     z_demand[i]  = (demand[i] - mean) / sd      sd with n - 1 (R sd())
 *     c_trend[i]   = sign(log trend_rr[i]) * min(Qinv(trend_p[i] / 2), 3)
 *                    if trend_p[i] < 0.05, else 0
 *     c_cluster[i] = in_hh_cluster[i] ? 1 : 0
 *     score[i]     = w.need z_need + w.demand z_demand
 *                  + w.trend c_trend + w.cluster c_cluster
 *     rank         = order of score, descending, ties by index
 *     "high"       = value >= Q3 (R quantile type 7) and z > 0
 *
 * Cost: O(n log n) for the quartiles and the ranking.
 */
#include "wijkscan/analyse/priority.h"

#include "wijkscan/core/mem.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Standardised values of one input over the usable buurten. */
struct component {
    double *z;     /* n values; 0 where missing or not usable */
    bool *is_high; /* n flags: value >= Q3 and z > 0 */
};

static void component_release(struct component *c)
{
    free(c->z);
    free(c->is_high);
    c->z = NULL;
    c->is_high = NULL;
}

/* Fills c (allocated here; release with component_release) from x (may be
 * NULL: everything missing). */
static void standardise(const double *x, const bool *usable, size_t n, struct component *c)
{
    double *v = ws_xmalloc(ws_st_mult(n ? n : 1, sizeof(*v)));
    size_t m = 0;
    double mean = 0.0;
    double sd = 0.0;
    double q3 = 0.0;

    c->z = ws_xcalloc(n ? n : 1, sizeof(*c->z));
    c->is_high = ws_xcalloc(n ? n : 1, sizeof(*c->is_high));
    for (size_t i = 0; x && i < n; i++)
        if (usable[i] && isfinite(x[i]))
            v[m++] = x[i];
    if (m >= 2) {
        mean = gsl_stats_mean(v, 1, m);
        sd = gsl_stats_sd_m(v, 1, m, mean);
        gsl_sort(v, 1, m);
        q3 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.75);
    }
    if (x && m >= 2 && sd > 0.0 && isfinite(sd)) {
        for (size_t i = 0; i < n; i++) {
            if (!usable[i] || !isfinite(x[i]))
                continue;
            c->z[i] = (x[i] - mean) / sd;
            c->is_high[i] = x[i] >= q3 && c->z[i] > 0.0;
        }
    }
    free(v);
}

/* Trend component and the direction of a significant trend (+1 rising,
 * -1 falling, 0 none). */
static double trend_component(double rr, double p, int *direction)
{
    double z;

    *direction = 0;
    if (!isfinite(rr) || rr <= 0.0 || isnan(p) || p < 0.0 || p > 1.0 || rr == 1.0)
        return 0.0;
    if (!(p < WS_PRIORITY_ALPHA))
        return 0.0;
    z = p > 0.0 ? gsl_cdf_ugaussian_Qinv(p / 2.0) : WS_PRIORITY_TREND_CAP;
    if (!(z < WS_PRIORITY_TREND_CAP))
        z = WS_PRIORITY_TREND_CAP;
    *direction = rr > 1.0 ? 1 : -1;
    return *direction * z;
}

static int check_weight(double w, const char *key, struct ws_err *err)
{
    if (isfinite(w) && w >= 0.0)
        return WS_OK;
    ws_err_set(err, WS_EDATA, "priority weight '%s' must be a number >= 0 (got %g)", key, w);
    ws_err_hint(err, "set '%s' in the [priority] section of the study file to 0 or more", key);
    return WS_EDATA;
}

static int check_weights(const struct ws_priority_weights *w, struct ws_err *err)
{
    int rc;

    if ((rc = check_weight(w->need, "need", err)) ||
        (rc = check_weight(w->demand, "demand", err)) ||
        (rc = check_weight(w->trend, "trend", err)) ||
        (rc = check_weight(w->cluster, "cluster", err)))
        return rc;
    return WS_OK;
}

struct rank_key {
    double score;
    size_t i;
};

/* Descending score, then ascending index: a total order, so qsort (not
 * stable) gives a deterministic result. */
static int cmp_rank_key(const void *pa, const void *pb)
{
    const struct rank_key *a = pa;
    const struct rank_key *b = pb;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static void rank_scores(const double *s, const bool *usable, size_t n, long *rank)
{
    struct rank_key *k = ws_xmalloc(ws_st_mult(n ? n : 1, sizeof(*k)));
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        if (usable[i]) {
            k[m].score = s[i];
            k[m++].i = i;
        }
    }
    if (m > 1)
        qsort(k, m, sizeof(*k), cmp_rank_key);
    for (size_t r = 0; r < m; r++)
        rank[k[r].i] = (long)(r + 1);
    free(k);
}

/* Score and reasons of usable buurt i. */
static double score_one(const struct ws_priority_input *in, const struct ws_priority_weights *w,
                        const struct component *need, const struct component *demand, size_t i,
                        unsigned *why)
{
    double rr = in->trend_rr ? in->trend_rr[i] : NAN;
    double p = in->trend_p ? in->trend_p[i] : NAN;
    bool hh = in->in_hh_cluster && in->in_hh_cluster[i];
    int direction;
    double c_trend = trend_component(rr, p, &direction);
    unsigned r = 0;

    if (w->need > 0.0 && need->is_high[i])
        r |= WS_REASON_HIGH_NEED;
    if (w->demand > 0.0 && demand->is_high[i])
        r |= WS_REASON_HIGH_DEMAND;
    if (w->trend > 0.0 && direction > 0)
        r |= WS_REASON_RISING;
    if (w->trend > 0.0 && direction < 0)
        r |= WS_REASON_FALLING;
    if (w->cluster > 0.0 && hh)
        r |= WS_REASON_CLUSTER;
    *why = r;
    return w->need * need->z[i] + w->demand * demand->z[i] + w->trend * c_trend +
           w->cluster * (hh ? 1.0 : 0.0);
}

int ws_priority_score(const struct ws_priority_input *in, const struct ws_priority_weights *w,
                      double *score, long *rank, unsigned *reasons, struct ws_err *err)
{
    struct component need = {NULL, NULL};
    struct component demand = {NULL, NULL};
    double *s = NULL;
    int rc;

    if ((rc = check_weights(w, err)))
        goto out;
    if (in->n > 0 && !in->usable) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_priority_score: 'usable' is NULL");
        goto out;
    }
    standardise(in->need, in->usable, in->n, &need);
    standardise(in->demand, in->usable, in->n, &demand);
    s = ws_xmalloc(ws_st_mult(in->n ? in->n : 1, sizeof(*s)));
    for (size_t i = 0; i < in->n; i++) {
        unsigned why = 0;

        s[i] = in->usable[i] ? score_one(in, w, &need, &demand, i, &why) : NAN;
        if (reasons)
            reasons[i] = why;
    }
    if (score && in->n)
        memcpy(score, s, in->n * sizeof(*s));
    if (rank)
        rank_scores(s, in->usable, in->n, rank);
out:
    component_release(&need);
    component_release(&demand);
    free(s);
    return rc;
}

struct reason_text {
    unsigned flag;
    const char *nl;
    const char *en;
};

/* In the order of enum ws_reason: the order of the joined text. */
static const struct reason_text reason_texts[] = {
    {WS_REASON_HIGH_NEED, "hoog verwacht door profiel", "high expected need by profile"},
    {WS_REASON_HIGH_DEMAND, "veel vraag (hoge gladgestreken rate)",
     "high demand (high smoothed rate)"},
    {WS_REASON_RISING, "stijgend", "rising"},
    {WS_REASON_CLUSTER, "deel van een cluster van hoge waarden",
     "part of a cluster of high values"},
    {WS_REASON_FALLING, "dalend", "falling"},
};

#define N_REASON_TEXTS (sizeof(reason_texts) / sizeof(reason_texts[0]))

const char *ws_reason_text(unsigned flag, const char *lang)
{
    bool en = lang && strcmp(lang, "en") == 0;

    for (size_t k = 0; k < N_REASON_TEXTS; k++)
        if (reason_texts[k].flag == flag)
            return en ? reason_texts[k].en : reason_texts[k].nl;
    return NULL;
}

/* Appends text to buf as far as it fits; *len counts the full length. */
static void append(char *buf, size_t size, size_t *len, const char *text)
{
    size_t tlen = strlen(text);

    if (buf && *len + 1 < size) {
        size_t room = size - 1 - *len;
        size_t take = tlen < room ? tlen : room;

        memcpy(buf + *len, text, take);
        buf[*len + take] = '\0';
    }
    *len += tlen;
}

size_t ws_reason_join(unsigned reasons, const char *lang, char *buf, size_t size)
{
    size_t len = 0;

    if (buf && size > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < N_REASON_TEXTS; k++) {
        if (!(reasons & reason_texts[k].flag))
            continue;
        if (len)
            append(buf, size, &len, "; ");
        append(buf, size, &len, ws_reason_text(reason_texts[k].flag, lang));
    }
    return len;
}
