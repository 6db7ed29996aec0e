/*
 * ebayes.c - global and local empirical Bayes rates (see ebayes.h).
 *
 * Symbols as in the code: O_i cases, P_i population, x_i = O_i / P_i raw rate
 * (per person); sums run over the usable areas only, m = their number.
 *
 * Global (Marshall 1991, method of moments; spdep::EBest, family "poisson"):
 *     b   = sum O / sum P
 *     s2  = sum_i P_i (x_i - b)^2 / sum P
 *     a   = max(0, s2 - b / (sum P / m))
 *     est_i = b + a (x_i - b) / (a + b / P_i)
 *
 * Local (spdep::EBlocal, geoda = TRUE), over S_i = {i} + usable neighbours
 * of i, with card_i = |S_i|:
 *     r_i    = sum_{j in S_i} O_j,   n_i = sum_{j in S_i} P_j
 *     nbar_i = n_i / card_i,         m_i = r_i / n_i
 *     C_i    = sum_{j in S_i} P_j (x_j - m_i)^2
 *     a_i    = max(0, C_i / n_i - m_i / nbar_i)
 *     est_i  = m_i + (x_i - m_i) a_i / (a_i + m_i / P_i)
 * (with geoda = FALSE spdep would use each neighbour's own m_j in C_i; GeoDa
 * and this code use m_i.)  A shrinkage factor 0 / 0 (a = 0 and a zero prior
 * mean) is taken as 0: est = prior mean.  Rates are reported x 1000.
 *
 * References: R. J. Marshall (1991), Mapping disease and mortality rates
 * using empirical Bayes estimators, Applied Statistics 40, 283-294.
 * L. Anselin, N. Lozano-Gracia, J. Koschinsky (2006), Rate transformations
 * and smoothing, GeoDa Center technical report (spatial EB); R spdep 1.2-7
 * EBest and EBlocal (Bivand).
 */
#include "wijkscan/analyse/ebayes.h"

#include "wijkscan/analyse/rates.h"

#include <math.h>

/* Shrinkage factor a / (a + prior / P) with 0 / 0 taken as 0. */
static double shrink(double a, double prior, double P)
{
    double den = a + prior / P;

    return den > 0.0 ? a / den : 0.0;
}

int ws_ebayes_global(const double *O, const double *P, size_t n, double *eb_rate_per_1000,
                     double *a, double *b, struct ws_err *err)
{
    double sum_O = 0.0;
    double sum_P = 0.0;
    double s2 = 0.0;
    double b_hat;
    double a_hat;
    double x;
    size_t i;
    size_t m = 0;
    int rc;

    rc = ws_rates_check(O, P, n, err);
    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i]))
            continue;
        sum_O += O[i];
        sum_P += P[i];
        m++;
    }
    if (m == 0) {
        for (i = 0; i < n; i++)
            eb_rate_per_1000[i] = NAN;
        if (a)
            *a = NAN;
        if (b)
            *b = NAN;
        return WS_OK;
    }
    b_hat = sum_O / sum_P;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i]))
            continue;
        x = O[i] / P[i];
        s2 += P[i] * ((x - b_hat) * (x - b_hat) / sum_P); // spdep's order of operations
    }
    a_hat = s2 - b_hat / (sum_P / (double)m);
    if (a_hat < 0.0)
        a_hat = 0.0;
    for (i = 0; i < n; i++) {
        if (!ws_rates_usable(O[i], P[i])) {
            eb_rate_per_1000[i] = NAN;
            continue;
        }
        x = O[i] / P[i];
        eb_rate_per_1000[i] = WS_RATES_PER * (b_hat + (x - b_hat) * shrink(a_hat, b_hat, P[i]));
    }
    if (a)
        *a = a_hat;
    if (b)
        *b = b_hat;
    return WS_OK;
}

static int check_csr(size_t n, const size_t *nb_start, const size_t *nb_idx, struct ws_err *err)
{
    size_t i;
    size_t k;

    if (n == 0)
        return WS_OK;
    if (!nb_start || nb_start[0] != 0)
        return ws_err_set(err, WS_EDATA, "neighbour list does not start at offset 0");
    for (i = 0; i < n; i++) {
        if (nb_start[i + 1] < nb_start[i])
            return ws_err_set(err, WS_EDATA, "neighbour offsets decrease at area %zu", i);
        for (k = nb_start[i]; k < nb_start[i + 1]; k++) {
            if (nb_idx[k] >= n)
                return ws_err_set(err, WS_EDATA,
                                  "neighbour %zu of area %zu is out of range (%zu areas)",
                                  nb_idx[k], i, n);
        }
    }
    return WS_OK;
}

/* Moments over S_i = {i} + usable neighbours of the usable area i: the
 * local prior mean *m_i and variance *a_i (clamped at 0). */
static void local_moments(const double *O, const double *P, size_t i, const size_t *nb_start,
                          const size_t *nb_idx, double *m_i, double *a_i)
{
    double r_i = O[i];
    double n_i = P[i];
    double C_i;
    double d;
    size_t card = 1;
    size_t j;
    size_t k;

    for (k = nb_start[i]; k < nb_start[i + 1]; k++) {
        j = nb_idx[k];
        if (j == i || !ws_rates_usable(O[j], P[j]))
            continue;
        r_i += O[j];
        n_i += P[j];
        card++;
    }
    *m_i = r_i / n_i;
    // population-weighted squared deviations from m_i (geoda = TRUE)
    d = O[i] / P[i] - *m_i;
    C_i = P[i] * (d * d);
    for (k = nb_start[i]; k < nb_start[i + 1]; k++) {
        j = nb_idx[k];
        if (j == i || !ws_rates_usable(O[j], P[j]))
            continue;
        d = O[j] / P[j] - *m_i;
        C_i += P[j] * (d * d);
    }
    *a_i = C_i / n_i - *m_i / (n_i / (double)card); // nbar_i = n_i / card
    if (*a_i < 0.0)
        *a_i = 0.0;
}

int ws_ebayes_local(const double *O, const double *P, size_t n, const size_t *nb_start,
                    const size_t *nb_idx, double *seb_rate_per_1000, double *a_local,
                    double *m_local, struct ws_err *err)
{
    double m_i = NAN;
    double a_i = NAN;
    double x;
    size_t i;
    int rc;

    rc = ws_rates_check(O, P, n, err);
    if (rc)
        return rc;
    rc = check_csr(n, nb_start, nb_idx, err);
    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        if (ws_rates_usable(O[i], P[i])) {
            local_moments(O, P, i, nb_start, nb_idx, &m_i, &a_i);
            x = O[i] / P[i];
            seb_rate_per_1000[i] = WS_RATES_PER * (m_i + (x - m_i) * shrink(a_i, m_i, P[i]));
        } else {
            m_i = NAN;
            a_i = NAN;
            seb_rate_per_1000[i] = NAN;
        }
        if (a_local)
            a_local[i] = a_i;
        if (m_local)
            m_local[i] = m_i;
    }
    return WS_OK;
}
