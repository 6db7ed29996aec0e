/*
 * period.h - pooled periods: non-overlapping runs of N consecutive years
 * ending with the latest year ([analysis] period = N; README, "Pooled
 * periods").
 *
 * With the years 2021..2024 and N = 2 the periods are 2021-2022 and
 * 2023-2024; with 2020..2024 and N = 2 they are 2021-2022 and 2023-2024
 * (2020 is left over: it belongs to no period).  Periods never overlap: a
 * moving window would let a reader subtract one window from the next and
 * find a single year.  A period is made only of years that are all present;
 * counting back from the latest year, the first period with a missing year
 * ends the list.
 *
 * A period's count is the sum of its years' counts and its population the
 * sum of its years' populations (population-years, NAN when any year's is
 * NAN), so its rate per 1000 is per 1000 population-years.
 */
#ifndef WIJKSCAN_PERIOD_H
#define WIJKSCAN_PERIOD_H

#include "wijkscan/core/err.h"

#include <stddef.h>

struct ws_periods {
    int span;      /* N, years per period (>= 2 when n > 0) */
    size_t n;      /* periods, oldest first */
    int *last;     /* [n] the last year of each period */
    size_t *first; /* [n] the index in the year list of each period's first year */
};

#define WS_PERIODS_INIT                                                                            \
    {                                                                                              \
        0, 0, NULL, NULL                                                                           \
    }

/* The periods of `span` years over the distinct ascending years[0..ny).
 * span <= 1: no periods (WS_OK, p->n = 0).  WS_EDATA when not even the
 * latest period is complete (fewer than span consecutive years ending with
 * the latest year): the message names the years; the caller adds where the
 * study sets the period. */
int ws_periods_plan(const int *years, size_t ny, int span, struct ws_periods *p,
                    struct ws_err *err);
void ws_periods_release(struct ws_periods *p);

/* The same check as ws_periods_plan over unsorted, repeating years (e.g.
 * every case row's year): WS_OK when span <= 1 or a complete latest period
 * exists. */
int ws_periods_check(const int *years, size_t n, int span, struct ws_err *err);

/* out[k * stride + m] = the sum over period k's years y of
 * in[y * stride + m], for m < stride; NAN when any of them is NAN. */
void ws_periods_sum(const struct ws_periods *p, const double *in, size_t stride, double *out);

#endif
