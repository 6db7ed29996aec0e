/*
 * moran.c - global Moran's I and local Moran (LISA), as R spdep 1.2-7.
 *
 * Over the m non-island areas (islands are dropped first, see moran.h), with
 * row-standardised weights w_ij = 1 / card_i:
 *
 *   mean     xbar = sum_i x_i / m,  z_i = x_i - xbar,  zz = sum_i z_i^2
 *   lag      lag_i = sum_j w_ij z_j
 *   global   I = (m / S0) * sum_i z_i lag_i / zz,   E[I] = -1 / (m - 1)
 *            S0 = sum_ij w_ij,  S1 = sum_i sum_j (w_ij^2 + w_ij w_ji),
 *            S2 = sum_i (rS_i + cS_i)^2 (row and column sums),
 *            K  = m sum_i z_i^4 / zz^2
 *            var_norm = (m^2 S1 - m S2 + 3 S0^2) / (S0^2 (m^2 - 1)) - E[I]^2
 *            var_rand = (m (S1 (m^2 - 3m + 3) - m S2 + 3 S0^2)
 *                        - K (S1 (m^2 - m) - 2 m S2 + 6 S0^2))
 *                       / ((m - 1)(m - 2)(m - 3) S0^2) - E[I]^2
 *            z_* = (I - E[I]) / sqrt(var_*),  p_* = 1 - Phi(z_*)  ("greater")
 *   local    m2 = zz / m,  I_i = z_i / m2 * lag_i
 *            W_i = sum_j w_ij, W2_i = sum_j w_ij^2
 *            E[I_i] = -z_i^2 W_i / ((m - 1) m2)
 *            Var[I_i] = (z_i / m2)^2 m / (m - 2) (W2_i - W_i^2 / (m - 1))
 *                       (m2 - z_i^2 / (m - 1))
 *            Z_i = (I_i - E[I_i]) / sqrt(Var[I_i]),  p_norm_i = 2 (1 - Phi(|Z_i|))
 *
 * (spdep moran.test / spweights.constants / moran / localmoran with mlvar =
 * TRUE, conditional = TRUE; sums are accumulated in long double and the mean
 * is R's two-pass mean, so results agree with R to rounding.)
 *
 * Permutations.  Global: nsim random permutations of z over the m areas
 * (Fisher-Yates), p_sim = (#{I_perm >= I} + 1) / (nsim + 1), the usual
 * Monte Carlo p (Hope 1968).  spdep moran.mc ranks instead and gives
 * max(#{I_perm >= I}, 1) / (nsim + 1) (no ties), one permutation less.
 * Local (conditional randomisation): z_i stays at area i and card_i values
 * are drawn WITHOUT replacement from the other m - 1 (partial Fisher-Yates
 * on a per-thread copy of z, undone after each draw), giving
 * I_i,perm = z_i / m2 * sum_k w_ik z_draw(k); then
 *     p_sim_i = min(1, 2 (min(#{I_perm >= I_i}, #{I_perm <= I_i}) + 1) / (nsim + 1)),
 * the two-sided rule; without ties it equals spdep localmoran_perm's
 * rank-based "Pr(z != E(Ii)) Sim".  (spdep 1.2-7 localmoran_perm samples
 * with replacement; we follow the contract and GeoDa/PySAL: without.)
 * Clusters: quadrant HH/LL/HL/LH with High meaning z_i > 0 resp. lag_i > 0
 * (spdep's "pysal" quadrant); reported where the Benjamini-Hochberg adjusted
 * p_sim over the non-island areas is below fdr, else "ns".
 *
 * Random numbers: xoshiro256** (Blackman and Vigna 2018), one stream per
 * permutation (global) or per area (local), its state filled by splitmix64
 * from mix(mix(seed ^ domain) ^ index); bounded integers by Lemire's (2019)
 * multiply-and-reject method on the two 32-bit halves of each output, so no
 * modulo bias.  (Far cheaper than a gsl_rng per area; the partial
 * Fisher-Yates draw measured faster than rejection or Floyd sampling.)  Work is
 * shared by POSIX threads in chunks taken from an atomic counter; because the
 * streams depend only on (seed, index), results are identical for any thread
 * count.
 *
 * References: Cliff, A. D. and Ord, J. K. (1981) Spatial Processes, Pion,
 * ch. 2 (moments of I); Anselin, L. (1995) Local indicators of spatial
 * association - LISA, Geographical Analysis 27, 93-115; Sokal, Oden and
 * Thomson (1998) Local spatial autocorrelation in a biological model,
 * Geographical Analysis 30, 331-354 (conditional variance); Bivand and Wong
 * (2018) Comparing implementations of global and local indicators of spatial
 * association, TEST 27, 716-748.
 */
#include "wijkscan/analyse/moran.h"

#include "wijkscan/analyse/multiple.h"
#include "wijkscan/core/mem.h"

#include <gsl/gsl_cdf.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN_GLOBAL UINT64_C(0x676c6f62616c4d49) /* "globalMI" */
#define DOMAIN_LOCAL  UINT64_C(0x6c6f63616c4c4953) /* "localLIS" */
#define CHUNK_AREAS   16
#define CHUNK_PERMS   8

/* ---- random numbers ---------------------------------------------------- */

struct rng {
    uint64_t s[4];
    uint64_t spare; /* low half of the last output, not yet used */
    bool has_spare;
};

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t splitmix64(uint64_t *state)
{
    *state += UINT64_C(0x9e3779b97f4a7c15);
    return mix64(*state);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t domain, uint64_t stream)
{
    uint64_t s = mix64(mix64(seed ^ domain) ^ stream);
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&s);
    r->spare = 0;
    r->has_spare = false;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t rng_next(struct rng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9;
    uint64_t t = r->s[1] << 17;

    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

/* 32 random bits: the high, then the low half of each 64-bit output. */
static inline uint64_t rng_u32(struct rng *r)
{
    uint64_t v;

    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    v = rng_next(r);
    r->spare = v & 0xffffffffu;
    r->has_spare = true;
    return v >> 32;
}

/* Uniform integer in [0, range), 0 < range < 2^32 (Lemire 2019). */
static inline uint32_t rng_below(struct rng *r, uint32_t range)
{
    uint64_t m = rng_u32(r) * (uint64_t)range;
    uint32_t low = (uint32_t)m;

    if (low < range) {
        uint32_t threshold = (uint32_t)(-range) % range;
        while (low < threshold) {
            m = rng_u32(r) * (uint64_t)range;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* ---- threads ----------------------------------------------------------- */

struct job {
    size_t n_items;
    size_t chunk;
    atomic_size_t next;
    const void *ctx;
    size_t scratch_doubles; /* per-thread double scratch */
    size_t scratch_sizes;   /* per-thread size_t scratch */
    /* Optional: prepares a thread's scratch once, before its first chunk. */
    void (*init)(const void *ctx, double *dbl);
    /* Processes items [begin, end); returns a count to be summed. */
    size_t (*run)(const void *ctx, size_t begin, size_t end, double *dbl, size_t *sz);
};

struct worker {
    struct job *job;
    size_t count;
};

static void *work(void *arg)
{
    struct worker *wk = arg;
    struct job *job = wk->job;
    double *dbl = ws_xmalloc(ws_st_mult(job->scratch_doubles + 1, sizeof(*dbl)));
    size_t *sz = ws_xmalloc(ws_st_mult(job->scratch_sizes + 1, sizeof(*sz)));

    if (job->init)
        job->init(job->ctx, dbl);
    for (;;) {
        size_t begin = atomic_fetch_add(&job->next, job->chunk);
        size_t end;

        if (begin >= job->n_items)
            break;
        end = begin + job->chunk < job->n_items ? begin + job->chunk : job->n_items;
        wk->count += job->run(job->ctx, begin, end, dbl, sz);
    }
    free(dbl);
    free(sz);
    return NULL;
}

/* Runs job on n_threads threads (the caller's is one of them); returns the
 * summed counts.  A thread that cannot be started leaves its share to the
 * others, so the result is the same. */
static size_t run_job(struct job *job, unsigned n_threads)
{
    pthread_t *tid = NULL;
    struct worker *wk = NULL;
    bool *started = NULL;
    size_t total = 0;
    unsigned t;

    if (n_threads < 1)
        n_threads = 1;
    atomic_init(&job->next, 0);
    tid = ws_xcalloc(n_threads, sizeof(*tid));
    wk = ws_xcalloc(n_threads, sizeof(*wk));
    started = ws_xcalloc(n_threads, sizeof(*started));
    for (t = 0; t < n_threads; t++) {
        wk[t].job = job;
        wk[t].count = 0;
    }
    for (t = 1; t < n_threads; t++)
        started[t] = pthread_create(&tid[t], NULL, work, &wk[t]) == 0;
    work(&wk[0]);
    for (t = 1; t < n_threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    for (t = 0; t < n_threads; t++)
        total += wk[t].count;
    free(tid);
    free(wk);
    free(started);
    return total;
}

/* ---- shared preparation ------------------------------------------------ */

/* The non-island areas, renumbered 0..m-1, with their CSR rows, weights and
 * centred values. */
struct prep {
    size_t m;
    size_t *orig;  /* orig[k]: index in w of area k */
    size_t *start; /* m + 1 */
    size_t *idx;   /* neighbours in 0..m-1 */
    double *wt;    /* row weight 1 / card_k, as nb2listw(style = "W") */
    double *z;     /* x - mean */
    double *lag;   /* sum_j w_kj z_j */
    double zz;     /* sum z^2 */
    bool constant; /* every value equal */
};

static void prep_release(struct prep *p)
{
    free(p->orig);
    free(p->start);
    free(p->idx);
    free(p->wt);
    free(p->z);
    free(p->lag);
    memset(p, 0, sizeof(*p));
}

/* R's mean(): long double sum, then one correction pass. */
static double r_mean(const double *x, size_t n)
{
    long double s = 0.0L;
    long double t = 0.0L;
    size_t i;

    for (i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    if (isfinite((double)s)) {
        for (i = 0; i < n; i++)
            t += x[i] - s;
        s += t / (long double)n;
    }
    return (double)s;
}

/* sum_k lag_k-style row sum, as spdep lagw(): double, neighbour order. */
static inline double row_lag(const struct prep *p, const double *z, size_t k)
{
    double sum = 0.0;
    size_t j;

    for (j = p->start[k]; j < p->start[k + 1]; j++)
        sum += z[p->idx[j]] * p->wt[k];
    return sum;
}

static int prepare(const struct ws_weights *w, const double *x, struct prep *p, size_t *n_islands,
                   struct ws_err *err)
{
    size_t *new_id = NULL;
    double *xu = NULL;
    size_t i;
    size_t k;
    size_t nnz = 0;
    long double zz = 0.0L;
    int rc;

    memset(p, 0, sizeof(*p));
    new_id = ws_xmalloc(ws_st_mult(w->n + 1, sizeof(*new_id)));
    for (i = 0; i < w->n; i++) {
        if (ws_weights_card(w, i) == 0) {
            new_id[i] = SIZE_MAX;
            continue;
        }
        if (!isfinite(x[i])) {
            rc = WS_EDATA;
            ws_err_set(err, rc, "value of area %zu is not a finite number (%g)", i, x[i]);
            ws_err_hint(err, "drop areas without data with ws_weights_subset() first");
            goto out;
        }
        new_id[i] = p->m++;
    }
    *n_islands = w->n - p->m;
    p->orig = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*p->orig)));
    p->start = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*p->start)));
    p->idx = ws_xmalloc(ws_st_mult(w->n > 0 ? w->nb_start[w->n] + 1 : 1, sizeof(*p->idx)));
    p->wt = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*p->wt)));
    p->z = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*p->z)));
    p->lag = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*p->lag)));
    xu = ws_xmalloc(ws_st_mult(p->m + 1, sizeof(*xu)));
    p->start[0] = 0;
    p->constant = true;
    for (i = 0; i < w->n; i++) {
        if (new_id[i] == SIZE_MAX)
            continue;
        k = new_id[i];
        p->orig[k] = i;
        xu[k] = x[i];
        if (x[i] != xu[0])
            p->constant = false;
        for (size_t j = w->nb_start[i]; j < w->nb_start[i + 1]; j++)
            p->idx[nnz++] = new_id[w->nb_idx[j]]; // islands are never neighbours
        p->start[k + 1] = nnz;
        p->wt[k] = 1.0 / (double)(w->nb_start[i + 1] - w->nb_start[i]);
    }
    if (p->m > 0) {
        double mean = r_mean(xu, p->m);

        for (k = 0; k < p->m; k++) {
            p->z[k] = xu[k] - mean;
            zz += p->z[k] * p->z[k];
        }
        for (k = 0; k < p->m; k++)
            p->lag[k] = row_lag(p, p->z, k);
    }
    p->zz = (double)zz;
    if (!(p->zz > 0.0))
        p->constant = true;
    rc = WS_OK;
out:
    if (rc != WS_OK)
        prep_release(p);
    free(new_id);
    free(xu);
    return rc;
}

static int check_opts(const struct ws_moran_opts *opts, bool local, struct ws_err *err)
{
    if (opts->n_threads < 1)
        return ws_err_set(err, WS_EUSAGE, "thread count must be at least 1 (got %u)",
                          opts->n_threads);
    if (local && !(opts->fdr > 0.0 && opts->fdr <= 1.0))
        return ws_err_set(err, WS_EUSAGE, "fdr must be in (0, 1] (got %g)", opts->fdr);
    return WS_OK;
}

const char *ws_moran_validity_text(enum ws_moran_validity v)
{
    switch (v) {
    case WS_MORAN_VALID:
        return "valid";
    case WS_MORAN_NO_VARIANCE:
        return "all values are equal (no between-area variance)";
    case WS_MORAN_TOO_FEW:
        return "too few areas with neighbours";
    }
    return "unknown";
}

/* ---- global ------------------------------------------------------------ */

/* sum_k z_k lag_k with lag from z itself, long double as R's sum(). */
static double cross_sum(const struct prep *p, const double *z)
{
    long double s = 0.0L;
    size_t k;

    for (k = 0; k < p->m; k++)
        s += z[k] * row_lag(p, z, k);
    return (double)s;
}

struct global_ctx {
    const struct prep *p;
    uint64_t seed;
    double scale; /* m / S0 */
    double i_obs;
};

/* size_t scratch unused, but the signature is struct job's */
static size_t global_perms(const void *ctx, size_t begin, size_t end, double *zp,
                           size_t *unused) // NOLINT(readability-non-const-parameter)
{
    const struct global_ctx *c = ctx;
    const struct prep *p = c->p;
    size_t s;
    size_t k;
    size_t n_ge = 0;

    (void)unused;
    for (s = begin; s < end; s++) {
        struct rng r;

        rng_seed(&r, c->seed, DOMAIN_GLOBAL, s);
        memcpy(zp, p->z, p->m * sizeof(*zp));
        for (k = p->m - 1; k > 0; k--) {
            size_t j = rng_below(&r, (uint32_t)(k + 1));
            double t = zp[k];
            zp[k] = zp[j];
            zp[j] = t;
        }
        if (c->scale * (cross_sum(p, zp) / p->zz) >= c->i_obs)
            n_ge++;
    }
    return n_ge;
}

int ws_moran_global(const struct ws_weights *w, const double *x, const struct ws_moran_opts *opts,
                    struct ws_moran_global *res, struct ws_err *err)
{
    struct ws_moran_global r;
    struct prep p;
    double *rs = NULL;
    double *cs = NULL;
    long double s0l = 0.0L;
    long double s2l = 0.0L;
    long double z4 = 0.0L;
    double s0;
    double s1 = 0.0;
    double s2;
    double s02;
    double n;
    double nn;
    double n1;
    double n2;
    double n3;
    double kurt;
    double vi;
    double tmp;
    size_t k;
    size_t j;
    int rc;

    memset(&p, 0, sizeof(p));
    if (!w || !opts || !res || (w->n > 0 && !x)) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_moran_global: NULL argument");
        goto out;
    }
    rc = check_opts(opts, false, err);
    if (rc != WS_OK)
        goto out;
    memset(&r, 0, sizeof(r));
    r.i = r.expected = r.var_norm = r.var_rand = NAN;
    r.z_norm = r.z_rand = r.p_norm = r.p_rand = r.p_sim = NAN;
    rc = prepare(w, x, &p, &r.n_islands, err);
    if (rc != WS_OK)
        goto out;
    r.n_used = p.m;
    if (p.m < 4 || p.constant) {
        r.valid = p.m < 4 ? WS_MORAN_TOO_FEW : WS_MORAN_NO_VARIANCE;
        *res = r;
        goto out;
    }

    // spweights.constants(): S0, S1, S2 for the row-standardised weights
    rs = ws_xcalloc(p.m, sizeof(*rs));
    cs = ws_xcalloc(p.m, sizeof(*cs));
    for (k = 0; k < p.m; k++) {
        long double row = 0.0L;

        for (j = p.start[k]; j < p.start[k + 1]; j++) {
            double dij = p.wt[k];
            double dji = p.wt[p.idx[j]]; // symmetric links
            s0l += dij;
            row += dij;
            cs[p.idx[j]] += dij;
            s1 = s1 + dij * dij + dij * dji;
        }
        rs[k] = (double)row;
    }
    for (k = 0; k < p.m; k++) {
        double t = rs[k] + cs[k];
        s2l += t * t;
        z4 += pow(p.z[k], 4.0);
    }
    s0 = (double)s0l;
    s2 = (double)s2l;
    s02 = s0 * s0;
    n = (double)p.m;
    nn = n * n;
    n1 = n - 1.0;
    n2 = n - 2.0;
    n3 = n - 3.0;
    kurt = (n * (double)z4) / (p.zz * p.zz);

    r.i = (n / s0) * (cross_sum(&p, p.z) / p.zz);
    r.expected = -1.0 / n1;
    vi = (nn * s1 - n * s2 + 3.0 * s02) / (s02 * (nn - 1.0));
    r.var_norm = vi - r.expected * r.expected;
    vi = n * (s1 * (nn - 3.0 * n + 3.0) - n * s2 + 3.0 * s02);
    tmp = kurt * (s1 * (nn - n) - 2.0 * n * s2 + 6.0 * s02);
    vi = (vi - tmp) / (n1 * n2 * n3 * s02);
    r.var_rand = vi - r.expected * r.expected;
    r.z_norm = (r.i - r.expected) / sqrt(r.var_norm);
    r.z_rand = (r.i - r.expected) / sqrt(r.var_rand);
    r.p_norm = gsl_cdf_ugaussian_Q(r.z_norm);
    r.p_rand = gsl_cdf_ugaussian_Q(r.z_rand);
    r.valid = WS_MORAN_VALID;

    r.nsim = opts->nsim;
    if (opts->nsim > 0) {
        struct global_ctx c = {&p, opts->seed, n / s0, r.i};
        struct job job;

        memset(&job, 0, sizeof(job));
        job.n_items = opts->nsim;
        job.chunk = CHUNK_PERMS;
        job.ctx = &c;
        job.scratch_doubles = p.m;
        job.run = global_perms;
        r.n_ge = run_job(&job, opts->n_threads);
        r.p_sim = ((double)r.n_ge + 1.0) / ((double)opts->nsim + 1.0);
    }
    *res = r;
    rc = WS_OK;
out:
    prep_release(&p);
    free(rs);
    free(cs);
    return rc;
}

/* ---- local ------------------------------------------------------------- */

const char *ws_lisa_cluster_name(enum ws_lisa_cluster c)
{
    switch (c) {
    case WS_LISA_NS:
        return "ns";
    case WS_LISA_HH:
        return "HH";
    case WS_LISA_LL:
        return "LL";
    case WS_LISA_HL:
        return "HL";
    case WS_LISA_LH:
        return "LH";
    case WS_LISA_ISOLATED:
        return "isolated";
    }
    return "?";
}

void ws_lisa_init(struct ws_lisa *l)
{
    memset(l, 0, sizeof(*l));
}

void ws_lisa_release(struct ws_lisa *l)
{
    if (!l)
        return;
    free(l->ii);
    free(l->e_ii);
    free(l->var_ii);
    free(l->z_ii);
    free(l->p_norm);
    free(l->p_sim);
    free(l->p_adj);
    free(l->lag);
    free(l->quadrant);
    free(l->cluster);
    ws_lisa_init(l);
}

struct local_ctx {
    const struct prep *p;
    uint64_t seed;
    size_t nsim;
    double m2;
    const double *ii; /* observed I_k, subset numbering */
    double *p_sim;    /* out, subset numbering */
};

/* A thread's copy of z, canonical (restored after every area). */
static void local_init(const void *ctx, double *zo)
{
    const struct local_ctx *c = ctx;

    memcpy(zo, c->p->z, c->p->m * sizeof(*zo));
}

/* Conditional permutations for areas [begin, end) (subset numbering).  zo is
 * the thread's copy of z (m entries, restored after every area), undo holds
 * the swap partners of one draw. */
static size_t local_perms(const void *ctx, size_t begin, size_t end, double *zo, size_t *undo)
{
    const struct local_ctx *c = ctx;
    const struct prep *p = c->p;
    size_t a;
    size_t s;
    size_t t;
    size_t m = p->m;

    for (a = begin; a < end; a++) {
        size_t card = p->start[a + 1] - p->start[a];
        uint32_t n_other = (uint32_t)(m - 1);
        double zi_m2 = p->z[a] / c->m2;
        double wt = p->wt[a];
        double ii = c->ii[a];
        double tmp;
        size_t n_ge = 0;
        size_t n_le = 0;
        size_t low;
        struct rng r;

        rng_seed(&r, c->seed, DOMAIN_LOCAL, p->orig[a]);
        // move z_a out of the drawing range [0, m - 1)
        tmp = zo[a];
        zo[a] = zo[m - 1];
        zo[m - 1] = tmp;
        for (s = 0; s < c->nsim; s++) {
            double sum = 0.0;
            double ip;

            for (t = 0; t < card; t++) {
                size_t j = t + rng_below(&r, n_other - (uint32_t)t);
                tmp = zo[t];
                zo[t] = zo[j];
                zo[j] = tmp;
                undo[t] = j;
                sum += zo[t] * wt;
            }
            ip = zi_m2 * sum;
            n_ge += ip >= ii;
            n_le += ip <= ii;
            for (t = card; t-- > 0;) {
                size_t j = undo[t];
                tmp = zo[t];
                zo[t] = zo[j];
                zo[j] = tmp;
            }
        }
        tmp = zo[a];
        zo[a] = zo[m - 1];
        zo[m - 1] = tmp;
        low = n_ge < n_le ? n_ge : n_le;
        c->p_sim[a] = fmin(1.0, 2.0 * ((double)low + 1.0) / ((double)c->nsim + 1.0));
    }
    return 0;
}

static void lisa_alloc(struct ws_lisa *l, size_t n)
{
    size_t i;

    l->n = n;
    l->ii = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->e_ii = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->var_ii = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->z_ii = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->p_norm = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->p_sim = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->p_adj = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->lag = ws_xmalloc(ws_st_mult(n + 1, sizeof(double)));
    l->quadrant = ws_xmalloc(ws_st_mult(n + 1, sizeof(*l->quadrant)));
    l->cluster = ws_xmalloc(ws_st_mult(n + 1, sizeof(*l->cluster)));
    for (i = 0; i < n; i++) {
        l->ii[i] = l->e_ii[i] = l->var_ii[i] = l->z_ii[i] = NAN;
        l->p_norm[i] = l->p_sim[i] = l->p_adj[i] = l->lag[i] = NAN;
        l->quadrant[i] = l->cluster[i] = WS_LISA_ISOLATED;
    }
}

/* Analytic local Moran for every non-island area (spdep localmoran); fills
 * res (original numbering) and ii (subset numbering); returns the largest
 * card. */
static size_t local_analytic(const struct prep *p, double *ii, struct ws_lisa *res)
{
    double n = (double)p->m;
    double m2 = p->zz / n;
    size_t k;
    size_t j;
    size_t max_card = 0;

    for (k = 0; k < p->m; k++) {
        size_t o = p->orig[k];
        size_t card = p->start[k + 1] - p->start[k];
        long double wil = 0.0L;
        long double wi2l = 0.0L;
        double z = p->z[k];
        double lag = p->lag[k];
        double wi;
        double wi2;
        double e;
        double v;

        for (j = 0; j < card; j++) { // R: sum(weights), sum(weights^2)
            wil += p->wt[k];
            wi2l += p->wt[k] * p->wt[k];
        }
        wi = (double)wil;
        wi2 = (double)wi2l;
        max_card = card > max_card ? card : max_card;
        ii[k] = (z / m2) * lag;
        e = -(z * z * wi) / ((n - 1.0) * m2);
        v = ((z / m2) * (z / m2) * (n / (n - 2.0)) * (wi2 - (wi * wi / (n - 1.0))) *
             (m2 - (z * z / (n - 1.0))));
        res->ii[o] = ii[k];
        res->e_ii[o] = e;
        res->var_ii[o] = v;
        res->z_ii[o] = (ii[k] - e) / sqrt(v);
        res->p_norm[o] = 2.0 * gsl_cdf_ugaussian_Q(fabs(res->z_ii[o]));
        res->lag[o] = lag;
        if (z > 0.0)
            res->quadrant[o] = lag > 0.0 ? WS_LISA_HH : WS_LISA_HL;
        else
            res->quadrant[o] = lag > 0.0 ? WS_LISA_LH : WS_LISA_LL;
    }
    return max_card;
}

/* Permutation p-values into p_sim (subset numbering; written by the workers
 * through the context) and res->p_sim. */
static void local_permute(const struct prep *p, const struct ws_moran_opts *opts, const double *ii,
                          size_t max_card,
                          double *p_sim, // NOLINT(readability-non-const-parameter)
                          struct ws_lisa *res)
{
    struct local_ctx c = {p, opts->seed, opts->nsim, p->zz / (double)p->m, ii, p_sim};
    struct job job;
    size_t k;

    memset(&job, 0, sizeof(job));
    job.n_items = p->m;
    job.chunk = CHUNK_AREAS;
    job.ctx = &c;
    job.scratch_doubles = p->m;
    job.scratch_sizes = max_card;
    job.init = local_init;
    job.run = local_perms;
    run_job(&job, opts->n_threads);
    for (k = 0; k < p->m; k++)
        res->p_sim[p->orig[k]] = p_sim[k];
}

int ws_moran_local(const struct ws_weights *w, const double *x, const struct ws_moran_opts *opts,
                   struct ws_lisa *res, struct ws_err *err)
{
    struct prep p;
    double *ii = NULL;
    double *p_sim = NULL;
    double *p_adj = NULL;
    size_t k;
    size_t max_card;
    size_t n_islands = 0;
    int rc;

    memset(&p, 0, sizeof(p));
    if (!w || !opts || !res || (w->n > 0 && !x)) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_moran_local: NULL argument");
        goto out;
    }
    rc = check_opts(opts, true, err);
    if (rc == WS_OK && w->n >= UINT32_MAX)
        rc = ws_err_set(err, WS_EUSAGE, "too many areas for local Moran (%zu)", w->n);
    if (rc == WS_OK)
        rc = prepare(w, x, &p, &n_islands, err);
    if (rc != WS_OK)
        goto out;
    ws_lisa_release(res);
    lisa_alloc(res, w->n);
    res->n_used = p.m;
    res->n_islands = n_islands;
    for (k = 0; k < p.m; k++)
        res->cluster[p.orig[k]] = res->quadrant[p.orig[k]] = WS_LISA_NS;
    if (p.m < 3 || p.constant) {
        res->valid = p.m < 3 ? WS_MORAN_TOO_FEW : WS_MORAN_NO_VARIANCE;
        goto out;
    }
    res->valid = WS_MORAN_VALID;
    ii = ws_xmalloc(ws_st_mult(p.m, sizeof(*ii)));
    p_sim = ws_xmalloc(ws_st_mult(p.m, sizeof(*p_sim)));
    p_adj = ws_xmalloc(ws_st_mult(p.m, sizeof(*p_adj)));
    max_card = local_analytic(&p, ii, res);
    res->nsim = opts->nsim;
    if (opts->nsim > 0)
        local_permute(&p, opts, ii, max_card, p_sim, res);
    else
        for (k = 0; k < p.m; k++)
            p_sim[k] = res->p_norm[p.orig[k]];
    rc = ws_multiple_bh(p_sim, p.m, p_adj, err);
    if (rc != WS_OK)
        goto out;
    for (k = 0; k < p.m; k++) {
        size_t o = p.orig[k];
        res->p_adj[o] = p_adj[k];
        res->cluster[o] = p_adj[k] < opts->fdr ? res->quadrant[o] : WS_LISA_NS;
    }
out:
    prep_release(&p);
    free(ii);
    free(p_sim);
    free(p_adj);
    return rc;
}
