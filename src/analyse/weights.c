/*
 * weights.c - contiguity neighbours (queen/rook) as R spdep::poly2nb.
 *
 * Rule (spdep 1.2-7, poly2nb() with sf input and its C helper polypolyC()):
 * each area a contributes the point list P_a = every vertex of every ring of
 * every part, in order, minus the very first vertex of the area (which
 * repeats as the closing vertex of its first ring).  Closing vertices of
 * further rings and repeated vertices stay in the list and count again.  For
 * areas a < b, with snap s (default sqrt(DBL_EPSILON) = 2^-26),
 *
 *     k_ab = #{ (p, q) in P_a x P_b : |xd| <= s, |yd| <= s, hypot(xd, yd) <= s },
 *     xd = x_p - x_q, yd = y_p - y_q,
 *
 * and a, b are neighbours when k_ab > crit, crit = 0 for queen (at least one
 * pair of boundary vertices within snap) and crit = 1 for rook (at least two
 * pairs; normally two shared vertices, i.e. a shared edge).  spdep counts
 * vertex pairs, not distinct points, so a single shared point that is a
 * repeated vertex of one area also makes a rook link; we reproduce that.
 *
 * Algorithm (no pairwise polygon test): every point is put in a square grid
 * cell of side h >= 256 s, key = (floor(x/h), floor(y/h)), and the points are
 * radix sorted by key.  Point pairs within s lie in the same cell or in
 * adjacent cells; a point is compared with a neighbouring cell only when it
 * lies within s of that cell's side (plus a margin of 2^-20 h: h >= 2^-30
 * max|coordinate| keeps the rounding of x / h below 2^-23, so no pair is
 * missed), and only in the "forward" directions (+y, +x, +x+y, +x-y) so each
 * cell pair is visited once.  Every
 * pair within snap from different areas is a hit on the area pair (a, b);
 * hits are capped at 2 per pair of point runs (only k_ab > 1 matters), radix
 * sorted and counted.  Expected cost O(V + H) for V vertices and H vertex
 * pairs within snap (radix sorts are linear), O(V) memory.
 *
 * Reference: Bivand, R. S., Pebesma, E. and Gomez-Rubio, V. (2013) Applied
 * Spatial Data Analysis with R, 2nd ed., Springer, section 9.2.1 (contiguity
 * neighbours); spdep::poly2nb documentation and src/polypoly.c.
 */
#include "wijkscan/analyse/weights.h"

#include "wijkscan/core/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Near-border flags of a point (within snap of the cell side in +x / +y). */
#define NEAR_XHI 1u
#define NEAR_YHI 2u
#define NEAR_YLO 4u

/* Points of all areas, flat. */
struct pts {
    size_t n;
    double *x;
    double *y;
    uint32_t *area;
};

void ws_weights_init(struct ws_weights *w)
{
    w->n = 0;
    w->nb_start = NULL;
    w->nb_idx = NULL;
}

void ws_weights_release(struct ws_weights *w)
{
    if (!w)
        return;
    free(w->nb_start);
    free(w->nb_idx);
    ws_weights_init(w);
}

size_t ws_weights_card(const struct ws_weights *w, size_t i)
{
    return w->nb_start[i + 1] - w->nb_start[i];
}

size_t ws_weights_n_islands(const struct ws_weights *w)
{
    size_t i;
    size_t n_islands = 0;

    for (i = 0; i < w->n; i++)
        if (w->nb_start[i + 1] == w->nb_start[i])
            n_islands++;
    return n_islands;
}

/*
 * LSD radix sort of key[0..n) (with an optional uint32 payload val) on 11-bit
 * digits; digits that are equal in every key are skipped.  Stable.  tmp and
 * val_tmp are scratch arrays of n entries (val_tmp only if val).
 */
static void radix_sort(uint64_t *key, uint32_t *val, size_t n, uint64_t *tmp, uint32_t *val_tmp)
{
    enum { BITS = 11, BUCKETS = 1 << BITS, PASSES = (64 + BITS - 1) / BITS };
    size_t *count = NULL;
    uint64_t key_or = 0;
    uint64_t key_and = ~(uint64_t)0;
    uint64_t *src = key;
    uint64_t *dst = tmp;
    uint32_t *vsrc = val;
    uint32_t *vdst = val_tmp;
    size_t i;
    int pass;

    if (n < 2)
        return;
    count = ws_xcalloc((size_t)PASSES * BUCKETS, sizeof(*count));
    for (i = 0; i < n; i++) {
        key_or |= key[i];
        key_and &= key[i];
        for (pass = 0; pass < PASSES; pass++)
            count[(size_t)pass * BUCKETS + ((key[i] >> (pass * BITS)) & (BUCKETS - 1))]++;
    }
    for (pass = 0; pass < PASSES; pass++) {
        size_t *c = count + (size_t)pass * BUCKETS;
        size_t sum = 0;
        size_t b;
        int shift = pass * BITS;

        if ((((key_or ^ key_and) >> shift) & (BUCKETS - 1)) == 0)
            continue; // every key has the same digit here
        for (b = 0; b < BUCKETS; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (i = 0; i < n; i++) {
            size_t pos = c[(src[i] >> shift) & (BUCKETS - 1)]++;
            dst[pos] = src[i];
            if (vsrc)
                vdst[pos] = vsrc[i];
        }
        {
            uint64_t *t = src;
            uint32_t *vt = vsrc;
            src = dst;
            dst = t;
            vsrc = vdst;
            vdst = vt;
        }
    }
    if (src != key) {
        memcpy(key, src, n * sizeof(*key));
        if (val)
            memcpy(val, vsrc, n * sizeof(*val));
    }
    free(count);
}

/* Collects P_a for every area (see the file comment).  Fails on non-finite
 * coordinates and on more than UINT32_MAX points or areas. */
static int collect_points(const struct ws_geom *geoms, size_t n, struct pts *p, struct ws_err *err)
{
    size_t a;
    size_t total = 0;
    size_t k = 0;

    for (a = 0; a < n; a++)
        if (geoms[a].n_points > 0)
            total += geoms[a].n_points - 1;
    if (n >= UINT32_MAX || total >= UINT32_MAX)
        return ws_err_set(err, WS_EUSAGE, "too many areas or vertices for contiguity (%zu, %zu)", n,
                          total);
    p->n = total;
    p->x = ws_xmalloc(ws_st_mult(total, sizeof(*p->x)));
    p->y = ws_xmalloc(ws_st_mult(total, sizeof(*p->y)));
    p->area = ws_xmalloc(ws_st_mult(total, sizeof(*p->area)));
    for (a = 0; a < n; a++) {
        const struct ws_geom *g = &geoms[a];
        size_t i;

        // skip point 0: the first vertex of the first ring, repeated at its end
        for (i = 1; i < g->n_points; i++) {
            double x = g->xy[2 * i];
            double y = g->xy[2 * i + 1];

            if (!isfinite(x) || !isfinite(y)) {
                ws_err_set(err, WS_EDATA, "area %zu has a non-finite coordinate (%g, %g)", a, x, y);
                ws_err_where(err, "area %zu (0-based), vertex %zu", a, i);
                ws_err_hint(err, "repair or drop the geometry before building neighbours");
                return WS_EDATA;
            }
            p->x[k] = x;
            p->y[k] = y;
            p->area[k] = (uint32_t)a;
            k++;
        }
    }
    return WS_OK;
}

static inline bool within_snap(const struct pts *p, size_t i, size_t j, double snap)
{
    double xd = p->x[i] - p->x[j];
    double yd;

    // the tests and their order are polypolyC's
    if (fabs(xd) > snap)
        return false;
    yd = p->y[i] - p->y[j];
    if (fabs(yd) > snap)
        return false;
    return hypot(xd, yd) <= snap;
}

static inline uint64_t pair_key(uint32_t a, uint32_t b)
{
    return a < b ? ((uint64_t)a << 32) | b : ((uint64_t)b << 32) | a;
}

struct hits {
    uint64_t *key;
    size_t n, cap;
};

static inline void hit(struct hits *h, uint64_t key)
{
    WS_VEC_GROW(h->key, h->n + 1, h->cap);
    h->key[h->n++] = key;
}

/* Pairs between the points ord[s1..e1) (all of one area) and ord[s2..e2)
 * (all of another), at most 2 hits. */
static void run_pairs(const struct pts *p, const uint32_t *ord, size_t s1, size_t e1, size_t s2,
                      size_t e2, double snap, struct hits *h)
{
    size_t i;
    size_t j;
    int k = 0;

    for (i = s1; i < e1 && k < 2; i++)
        for (j = s2; j < e2 && k < 2; j++)
            if (within_snap(p, ord[i], ord[j], snap)) {
                hit(h, pair_key(p->area[ord[i]], p->area[ord[j]]));
                k++;
            }
}

/* First index in sorted skey[0..n) with skey[i] >= key. */
static size_t lower_bound(const uint64_t *skey, size_t n, uint64_t key)
{
    size_t lo = 0;
    size_t hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (skey[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Cell key of (cx, cy), both in [-2^31 + 2, 2^31 - 2]. */
static inline uint64_t cell_key(int64_t cx, int64_t cy)
{
    return ((uint64_t)(cx + INT64_C(2147483648)) << 32) | (uint64_t)(cy + INT64_C(2147483648));
}

/* Points sorted into grid cells (see the file comment). */
struct grid {
    const struct pts *p;
    double snap;
    uint64_t *key;       /* sorted cell keys, p->n */
    uint32_t *ord;       /* point index of each sorted entry */
    unsigned char *near; /* NEAR_* flags per point index */
};

/* End of the run of entries [i, e) that belong to the same area as entry i. */
static size_t area_run_end(const struct grid *g, size_t i, size_t e)
{
    uint32_t a = g->p->area[g->ord[i]];
    size_t k = i + 1;

    while (k < e && g->p->area[g->ord[k]] == a)
        k++;
    return k;
}

/* Compares point pi with the points of the cell `key` (if any), per area run. */
static void cell_pairs(const struct grid *g, uint32_t pi, uint64_t key, struct hits *h)
{
    const struct pts *p = g->p;
    size_t s = lower_bound(g->key, p->n, key);
    size_t e = s;
    size_t run_e;

    while (e < p->n && g->key[e] == key)
        e++;
    for (; s < e; s = run_e) {
        uint32_t b = p->area[g->ord[s]];
        size_t j;
        int k = 0;

        run_e = area_run_end(g, s, e);
        if (b == p->area[pi])
            continue;
        for (j = s; j < run_e && k < 2; j++)
            if (within_snap(p, pi, g->ord[j], g->snap)) {
                hit(h, pair_key(p->area[pi], b));
                k++;
            }
    }
}

/* Pairs of points inside the cell [s, e): between runs of different areas
 * (ord is stable, so entries of one area are adjacent). */
static void inside_pairs(const struct grid *g, size_t s, size_t e, struct hits *h)
{
    size_t r1;
    size_t r1e;
    size_t r2;
    size_t r2e;

    for (r1 = s; r1 < e; r1 = r1e) {
        r1e = area_run_end(g, r1, e);
        for (r2 = r1e; r2 < e; r2 = r2e) {
            r2e = area_run_end(g, r2, e);
            run_pairs(g->p, g->ord, r1, r1e, r2, r2e, g->snap, h);
        }
    }
}

/* Pairs of the cell [s, e) with its forward neighbour cells (+y, +x, +x+y,
 * +x-y), only for points near the side they share. */
static void forward_pairs(const struct grid *g, size_t s, size_t e, struct hits *h)
{
    int64_t cx = (int64_t)(g->key[s] >> 32) - INT64_C(2147483648);
    int64_t cy = (int64_t)(g->key[s] & 0xffffffffu) - INT64_C(2147483648);
    size_t i;

    for (i = s; i < e; i++) {
        uint32_t pi = g->ord[i];
        unsigned char f = g->near[pi];

        if (f & NEAR_YHI)
            cell_pairs(g, pi, cell_key(cx, cy + 1), h);
        if (!(f & NEAR_XHI))
            continue;
        cell_pairs(g, pi, cell_key(cx + 1, cy), h);
        if (f & NEAR_YHI)
            cell_pairs(g, pi, cell_key(cx + 1, cy + 1), h);
        if (f & NEAR_YLO)
            cell_pairs(g, pi, cell_key(cx + 1, cy - 1), h);
    }
}

/* Cell side for the points of p and the "near a side" threshold *t (as a
 * fraction of the side). */
static double cell_size(const struct pts *p, double snap, double *t)
{
    double maxabs = 0.0;
    double cell;
    size_t i;

    for (i = 0; i < p->n; i++) {
        maxabs = fmax(maxabs, fabs(p->x[i]));
        maxabs = fmax(maxabs, fabs(p->y[i]));
    }
    /* |x / cell| <= 2^30 keeps cell indices in 32 bits and the rounding of
     * x / cell below 2^-23; cell >= 256 snap makes few points near a side. */
    cell = fmax(256.0 * snap, ldexp(maxabs, -30));
    if (!(cell > 0.0) || !isfinite(cell))
        cell = 1.0;
    *t = snap / cell + ldexp(1.0, -20);
    return cell;
}

/* Finds all hits (see the file comment). */
static void find_hits(const struct pts *p, double snap, struct hits *h)
{
    struct grid g = {p, snap, NULL, NULL, NULL};
    uint64_t *tmp = NULL;
    uint32_t *ord_tmp = NULL;
    double cell;
    double t;
    size_t i;
    size_t e;

    if (p->n == 0)
        return;
    cell = cell_size(p, snap, &t);
    g.key = ws_xmalloc(ws_st_mult(p->n, sizeof(*g.key)));
    g.ord = ws_xmalloc(ws_st_mult(p->n, sizeof(*g.ord)));
    g.near = ws_xmalloc(p->n);
    tmp = ws_xmalloc(ws_st_mult(p->n, sizeof(*tmp)));
    ord_tmp = ws_xmalloc(ws_st_mult(p->n, sizeof(*ord_tmp)));
    for (i = 0; i < p->n; i++) {
        double qx = p->x[i] / cell;
        double qy = p->y[i] / cell;
        double fx = floor(qx);
        double fy = floor(qy);

        // qx - fx is exact; see the file comment for why t covers rounding
        g.near[i] =
            (unsigned char)((qx - fx >= 1.0 - t ? NEAR_XHI : 0u) |
                            (qy - fy >= 1.0 - t ? NEAR_YHI : 0u) | (qy - fy < t ? NEAR_YLO : 0u));
        g.key[i] = cell_key((int64_t)fx, (int64_t)fy);
        g.ord[i] = (uint32_t)i;
    }
    radix_sort(g.key, g.ord, p->n, tmp, ord_tmp);
    for (i = 0; i < p->n; i = e) {
        for (e = i + 1; e < p->n && g.key[e] == g.key[i]; e++)
            ;
        inside_pairs(&g, i, e, h);
        forward_pairs(&g, i, e, h);
    }
    free(g.key);
    free(g.ord);
    free(g.near);
    free(tmp);
    free(ord_tmp);
}

/* CSR from area pairs a < b; `pairs` sorted ascending, unique. */
static void build_csr(size_t n, const uint64_t *pairs, size_t n_pairs, struct ws_weights *w)
{
    size_t *fill = ws_xcalloc(n + 1, sizeof(*fill));
    size_t i;

    w->n = n;
    w->nb_start = ws_xcalloc(n + 1, sizeof(*w->nb_start));
    w->nb_idx = ws_xmalloc(ws_st_mult(2 * n_pairs + 1, sizeof(*w->nb_idx)));
    for (i = 0; i < n_pairs; i++) {
        w->nb_start[(pairs[i] >> 32) + 1]++;
        w->nb_start[(pairs[i] & 0xffffffffu) + 1]++;
    }
    for (i = 0; i < n; i++)
        w->nb_start[i + 1] += w->nb_start[i];
    memcpy(fill, w->nb_start, (n + 1) * sizeof(*fill));
    /* Pairs are sorted by (a, b): row r first receives its smaller neighbours
     * (pairs (a, r), increasing a), then its larger ones (pairs (r, b)), so
     * every row comes out sorted. */
    for (i = 0; i < n_pairs; i++) {
        size_t a = (size_t)(pairs[i] >> 32);
        size_t b = (size_t)(pairs[i] & 0xffffffffu);
        w->nb_idx[fill[a]++] = b;
        w->nb_idx[fill[b]++] = a;
    }
    free(fill);
}

int ws_weights_contiguity_snap(const struct ws_geom *geoms, size_t n, bool queen, double snap,
                               struct ws_weights *w, struct ws_err *err)
{
    struct pts p = {0, NULL, NULL, NULL};
    struct hits h = {NULL, 0, 0};
    uint64_t *tmp = NULL;
    size_t crit = queen ? 0 : 1;
    size_t i;
    size_t e;
    size_t n_pairs = 0;
    int rc;

    if (!w || (n > 0 && !geoms)) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_weights_contiguity: NULL argument");
        goto out;
    }
    if (!(snap >= 0.0) || !isfinite(snap)) {
        rc =
            ws_err_set(err, WS_EUSAGE, "snap distance must be a finite number >= 0 (got %g)", snap);
        goto out;
    }
    rc = collect_points(geoms, n, &p, err);
    if (rc != WS_OK)
        goto out;
    find_hits(&p, snap, &h);
    if (h.n > 0) {
        tmp = ws_xmalloc(ws_st_mult(h.n, sizeof(*tmp)));
        radix_sort(h.key, NULL, h.n, tmp, NULL);
    }
    // keep the pairs with more than crit hits, in place
    for (i = 0; i < h.n; i = e) {
        for (e = i + 1; e < h.n && h.key[e] == h.key[i]; e++)
            ;
        if (e - i > crit)
            h.key[n_pairs++] = h.key[i];
    }
    ws_weights_release(w);
    build_csr(n, h.key, n_pairs, w);
    rc = WS_OK;
out:
    free(p.x);
    free(p.y);
    free(p.area);
    free(h.key);
    free(tmp);
    return rc;
}

int ws_weights_contiguity(const struct ws_geom *geoms, size_t n, bool queen, struct ws_weights *w,
                          struct ws_err *err)
{
    return ws_weights_contiguity_snap(geoms, n, queen, WS_WEIGHTS_SNAP, w, err);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Is j in the sorted row i of w? */
static bool has_link(const struct ws_weights *w, size_t i, size_t j)
{
    size_t lo = w->nb_start[i];
    size_t hi = w->nb_start[i + 1];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->nb_idx[mid] < j)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->nb_start[i + 1] && w->nb_idx[lo] == j;
}

/* Sorts row i of t and checks its entries (range, self, duplicates). */
static int check_row(struct ws_weights *t, size_t i, struct ws_err *err)
{
    size_t s = t->nb_start[i];
    size_t e = t->nb_start[i + 1];
    size_t k;

    qsort(t->nb_idx + s, e - s, sizeof(*t->nb_idx), cmp_size);
    for (k = s; k < e; k++) {
        size_t j = t->nb_idx[k];

        if (j >= t->n)
            return ws_err_set(err, WS_EDATA, "area %zu has neighbour %zu, outside the %zu areas", i,
                              j, t->n);
        if (j == i)
            return ws_err_set(err, WS_EDATA, "area %zu lists itself as a neighbour", i);
        if (k > s && j == t->nb_idx[k - 1])
            return ws_err_set(err, WS_EDATA, "area %zu lists neighbour %zu twice", i, j);
    }
    return WS_OK;
}

static int check_offsets(size_t n, const size_t *nb_start, struct ws_err *err)
{
    size_t i;

    if (nb_start[0] != 0)
        return ws_err_set(err, WS_EDATA, "neighbour offsets must start at 0 (got %zu)",
                          nb_start[0]);
    for (i = 0; i < n; i++)
        if (nb_start[i + 1] < nb_start[i])
            return ws_err_set(err, WS_EDATA, "neighbour offsets decrease at area %zu", i);
    return WS_OK;
}

int ws_weights_from_csr(size_t n, const size_t *nb_start, const size_t *nb_idx,
                        struct ws_weights *w, struct ws_err *err)
{
    struct ws_weights t;
    size_t i;
    size_t k;
    int rc = WS_OK;

    ws_weights_init(&t);
    if (!w || !nb_start || (nb_start[n] > 0 && !nb_idx)) {
        rc = WS_EINTERNAL;
        ws_err_set(err, rc, "ws_weights_from_csr: NULL argument");
        goto out;
    }
    rc = check_offsets(n, nb_start, err);
    if (rc != WS_OK)
        goto out;
    t.n = n;
    t.nb_start = ws_xmalloc(ws_st_mult(n + 1, sizeof(*t.nb_start)));
    t.nb_idx = ws_xmalloc(ws_st_mult(nb_start[n] + 1, sizeof(*t.nb_idx)));
    memcpy(t.nb_start, nb_start, (n + 1) * sizeof(*t.nb_start));
    if (nb_start[n] > 0)
        memcpy(t.nb_idx, nb_idx, nb_start[n] * sizeof(*t.nb_idx));
    for (i = 0; i < n && rc == WS_OK; i++)
        rc = check_row(&t, i, err);
    if (rc != WS_OK)
        goto out;
    for (i = 0; i < n; i++)
        for (k = t.nb_start[i]; k < t.nb_start[i + 1]; k++)
            if (!has_link(&t, t.nb_idx[k], i)) {
                rc = WS_EDATA;
                ws_err_set(err, rc,
                           "neighbours are not symmetric: %zu lists %zu but not the reverse", i,
                           t.nb_idx[k]);
                goto out;
            }
    ws_weights_release(w);
    *w = t;
    ws_weights_init(&t);
out:
    ws_weights_release(&t);
    return rc;
}

int ws_weights_subset(const struct ws_weights *w, const bool *keep, struct ws_weights *out,
                      struct ws_err *err)
{
    size_t *new_id = NULL;
    size_t i;
    size_t k;
    size_t m = 0;
    size_t nnz = 0;
    int rc;

    if (!w || !out || out == w || (w->n > 0 && !keep)) {
        rc = ws_err_set(err, WS_EINTERNAL, "ws_weights_subset: bad arguments");
        goto out;
    }
    new_id = ws_xmalloc(ws_st_mult(w->n + 1, sizeof(*new_id)));
    for (i = 0; i < w->n; i++)
        new_id[i] = keep[i] ? m++ : SIZE_MAX;
    ws_weights_release(out);
    out->n = m;
    out->nb_start = ws_xmalloc(ws_st_mult(m + 1, sizeof(*out->nb_start)));
    out->nb_idx =
        ws_xmalloc(ws_st_mult(w->n > 0 ? w->nb_start[w->n] + 1 : 1, sizeof(*out->nb_idx)));
    out->nb_start[0] = 0;
    for (i = 0; i < w->n; i++) {
        if (!keep[i])
            continue;
        // new_id is increasing, so the sorted rows stay sorted
        for (k = w->nb_start[i]; k < w->nb_start[i + 1]; k++)
            if (keep[w->nb_idx[k]])
                out->nb_idx[nnz++] = new_id[w->nb_idx[k]];
        out->nb_start[new_id[i] + 1] = nnz;
    }
    rc = WS_OK;
out:
    free(new_id);
    return rc;
}
