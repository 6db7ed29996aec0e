/*
 * priority.h - prevention priority score, rank and reasons per buurt (issue 6,
 * item 3; study file section [priority]).
 *
 * One call covers the buurten of ONE year and the category 'all'.  Inputs are
 * plain arrays of n (borrowed; read only during the call), outputs are
 * caller-owned arrays of n.  Pure: no I/O, only GSL besides libc.
 *
 * Components, per usable buurt i (usable[i]: P > 0 and not excluded):
 *
 *   z_need[i]   = (need[i] - mean(need)) / sd(need)
 *                 need = 1000 * expected / P (need by profile, per 1000)
 *   z_demand[i] = (demand[i] - mean(demand)) / sd(demand)
 *                 demand = eb_rate (smoothed demand, per 1000)
 *       mean and sd (n - 1 in the denominator, as R sd() and scale()) over
 *       the usable buurten whose value is finite.  A usable buurt whose value
 *       is NAN, or every buurt when fewer than two values are finite or sd is
 *       0, gets 0 (the mean): a missing value neither raises nor lowers it.
 *   c_trend[i]  = sign(log trend_rr[i]) * min(q(trend_p[i] / 2), 3)
 *                     when trend_p[i] < WS_PRIORITY_ALPHA, else 0
 *       q = upper standard normal quantile (gsl_cdf_ugaussian_Qinv), so
 *       q(p / 2) is the |z| of a two-sided test with p-value p.  Only a
 *       significant change counts (a rate ratio of 3 from 1 case to 3 is
 *       noise); its strength is on the same z scale as the other components
 *       (between 1.96 and 3; the cap keeps one extreme buurt from swamping
 *       need and demand).  A rise adds, a fall subtracts.  NAN trend_rr or
 *       trend_p (first year, O = 0 the year before, no cases) gives 0.
 *   c_cluster[i] = 1 when in_hh_cluster[i] (lisa_cluster == "HH"), else 0.
 *
 *   score[i] = w.need * z_need[i] + w.demand * z_demand[i]
 *            + w.trend * c_trend[i] + w.cluster * c_cluster[i]
 *
 * score is NAN for a buurt that is not usable.  rank: 1 = highest score,
 * over the usable buurten; 0 (NULL) when not usable.  Equal scores are
 * ranked in the order given (lower index first), so pass the buurten in a
 * stable order (by code) for reproducible ranks.
 *
 * Reasons (bit flags, 0 for a buurt that is not usable).  A reason is only
 * given when its weight is > 0, so the reasons always explain the score:
 *   WS_REASON_HIGH_NEED    need >= Q3 and z_need > 0
 *   WS_REASON_HIGH_DEMAND  demand >= Q3 and z_demand > 0
 *       Q3: third quartile (R quantile() type 7) over the same finite values
 *       as the mean; "z > 0" keeps equal values from all counting as high
 *   WS_REASON_RISING       trend_rr > 1 and trend_p < WS_PRIORITY_ALPHA
 *   WS_REASON_FALLING      trend_rr < 1 and trend_p < WS_PRIORITY_ALPHA
 *   WS_REASON_CLUSTER      in_hh_cluster
 *
 * Privacy (README: Privacy).  The score and rank are computed on the full
 * private figures.  Whether a rank may be published for a suppressed buurt
 * is the protection step's decision, not this module's.  The RANK of a
 * suppressed buurt reveals only an order, never a count; but together with
 * the published neighbours in the list it narrows the buurt's eb_rate and
 * trend, which are NULLed for a suppressed cell.  We therefore recommend
 * that the protect step NULLs priority_rank of primary-suppressed cells
 * (ws_protect_apply does so for every suppressed cell) and renumbers the
 * rest without gaps, and that reasons are shown only for published buurten.
 */
#ifndef WIJKSCAN_PRIORITY_H
#define WIJKSCAN_PRIORITY_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

/* Significance level for a rising or falling trend. */
#define WS_PRIORITY_ALPHA 0.05
/* Cap on the |z| of the trend component. */
#define WS_PRIORITY_TREND_CAP 3.0

enum ws_reason {
    WS_REASON_HIGH_NEED = 1u << 0,   /* "hoog verwacht door profiel" */
    WS_REASON_HIGH_DEMAND = 1u << 1, /* "veel vraag (hoge gladgestreken rate)" */
    WS_REASON_RISING = 1u << 2,      /* "stijgend" */
    WS_REASON_CLUSTER = 1u << 3,     /* "deel van een cluster van hoge waarden" */
    WS_REASON_FALLING = 1u << 4,     /* "dalend" */
};
#define WS_REASON_ALL 0x1fu

/* Weights from [priority] (struct ws_study prio_need, prio_demand,
 * prio_trend, prio_cluster); each finite and >= 0. */
struct ws_priority_weights {
    double need;
    double demand;
    double trend;
    double cluster;
};

/* Borrowed input arrays of n each.  Any of need, demand, trend_rr, trend_p
 * and in_hh_cluster may be NULL, meaning "missing for every buurt" (e.g. no
 * trend in the first year); usable is required when n > 0. */
struct ws_priority_input {
    size_t n;
    const double *need;        /* 1000 * expected / P; NAN = missing */
    const double *demand;      /* eb_rate per 1000; NAN = missing */
    const double *trend_rr;    /* rate this year / year before; NAN = missing */
    const double *trend_p;     /* conditional binomial p; NAN = missing */
    const bool *in_hh_cluster; /* lisa_cluster == "HH" */
    const bool *usable;        /* P > 0 and not excluded */
};

/* Computes score, rank and reasons as described above.  Each output (arrays
 * of in->n, caller-owned) may be NULL when not wanted.  Returns WS_OK, or
 * WS_EDATA when a weight is negative or not finite (naming the [priority]
 * key; nothing written), or WS_EINTERNAL when usable is NULL with n > 0. */
int ws_priority_score(const struct ws_priority_input *in, const struct ws_priority_weights *w,
                      double *score, long *rank, unsigned *reasons, struct ws_err *err);

/* Text of one reason flag in `lang` ("en": English; anything else, NULL
 * included: Dutch, the default).  Returns a static string, or NULL when
 * flag is not exactly one WS_REASON_* flag. */
const char *ws_reason_text(unsigned flag, const char *lang);

/* Writes the texts of the flags in `reasons` (in the order of enum
 * ws_reason, unknown bits ignored) joined by "; " into buf (size bytes,
 * always NUL-terminated when size > 0, truncated if needed; buf may be NULL
 * when size is 0).  reasons == 0 gives "".  Returns the length of the full
 * text (excluding the NUL), as snprintf does: the text was truncated when
 * the result is >= size. */
size_t ws_reason_join(unsigned reasons, const char *lang, char *buf, size_t size);

#endif
