/*
 * publish.c - writers of the published tables (see publish.h for the file
 * formats).
 *
 * Invariants:
 *   - only a protected set is written: ws_publish_check_protected() runs
 *     before every indicator writer;
 *   - nothing appears under a final name before ws_publish_commit(): each
 *     file is made exclusively (fopen "wx", or a new GeoPackage) under
 *     ".NAME.tmp-PID" in OUTDIR and registered before the first byte, so
 *     ws_publish_abort() can remove even a half-written one;
 *   - numbers are printed without locale (the program never calls
 *     setlocale), so '.' is the decimal point everywhere.
 */
#include "wijkscan/publish.h"

#include "wijkscan/gpkg.h"
#include "wijkscan/mem.h"
#include "wijkscan/outfiles.h"
#include "wijkscan/store.h"
#include "wijkscan/strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pub_file {
    char *tmp;
    char *final;
};

struct ws_publish {
    char *dir;
    struct ws_outfiles *set; /* when set, files go through it (borrowed) */
    struct pub_file *f;
    size_t n, cap;
};

static const char *const csv_header =
    "code,name,level,parent,year,category,population,cases,rate_per_1000,rate_ci_low,"
    "rate_ci_high,ratio_avg,poisson_p,expected,oe_ratio,oe_ci_low,oe_ci_high,eb_rate,seb_rate,"
    "lisa_i,lisa_z,lisa_p,lisa_cluster,trend_rr,trend_p,priority_rank,suppressed\n";

int ws_publish_begin(const char *out_dir, struct ws_publish **out, struct ws_err *err)
{
    struct stat sb;
    struct ws_publish *p;

    *out = NULL;
    if (!out_dir || stat(out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        ws_err_set(err, WS_ECANTCREAT, "cannot write into '%s': it is not a folder",
                   out_dir ? out_dir : "(null)");
        ws_err_hint(err, "create the output folder or choose another with -o");
        return WS_ECANTCREAT;
    }
    p = ws_xcalloc(1, sizeof(*p));
    p->dir = ws_xstrdup(out_dir);
    *out = p;
    return WS_OK;
}

/* Registers OUTDIR/NAME and returns its temporary path (borrowed, valid
 * until commit/abort), after removing a leftover of an earlier run with the
 * same process id. */
static const char *add_file(struct ws_publish *p, const char *name, struct ws_err *err)
{
    struct ws_strbuf tmp = WS_STRBUF_INIT;
    struct ws_strbuf fin = WS_STRBUF_INIT;
    struct pub_file *f;

    if (p->set) {
        const char *path = NULL;
        return ws_outfiles_add(p->set, name, &path, err) ? NULL : path;
    }
    ws_strbuf_addf(&tmp, "%s/.%s.tmp-%ld", p->dir, name, (long)getpid());
    ws_strbuf_addf(&fin, "%s/%s", p->dir, name);
    (void)unlink(tmp.buf);
    WS_VEC_GROW(p->f, p->n + 1, p->cap);
    f = &p->f[p->n++];
    f->tmp = ws_strbuf_detach(&tmp);
    f->final = ws_strbuf_detach(&fin);
    return f->tmp;
}

static int cannot_write(const char *path, int e, struct ws_err *err)
{
    ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", path);
    ws_err_cause(err, "%s", strerror(e));
    ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    return WS_ECANTCREAT;
}

static int write_file(struct ws_publish *p, const char *name, const char *data, size_t len,
                      struct ws_err *err)
{
    const char *path = add_file(p, name, err);
    FILE *fp = NULL;
    int rc = WS_OK;

    if (!path)
        return WS_ECANTCREAT;
    fp = fopen(path, "wx");
    if (!fp)
        return cannot_write(path, errno, err);
    if (len && fwrite(data, 1, len, fp) != len)
        rc = cannot_write(path, errno, err);
    if (fclose(fp) != 0 && !rc)
        rc = cannot_write(path, errno, err);
    return rc;
}

int ws_publish_text(struct ws_publish *p, const char *name, const char *text, struct ws_err *err)
{
    return write_file(p, name, text ? text : "", text ? strlen(text) : 0, err);
}

int ws_publish_audit_csv(struct ws_publish *p, const struct ws_audit *audit, struct ws_err *err)
{
    char *csv = ws_audit_csv(audit);
    int rc = ws_publish_text(p, "audit.csv", csv, err);

    free(csv);
    return rc;
}

int ws_publish_check_protected(const struct ws_indicator_set *set, struct ws_err *err)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct ws_indicator *r = &set->rows[i];
        const double v[] = {r->cases,      r->rate_per_1000, r->rate_ci_low, r->rate_ci_high,
                            r->ratio_avg,  r->poisson_p,     r->oe_ratio,    r->oe_ci_low,
                            r->oe_ci_high, r->eb_rate,       r->seb_rate,    r->lisa_i,
                            r->lisa_z,     r->lisa_p,        r->trend_rr,    r->trend_p};
        bool bad = r->lisa_cluster[0] != '\0' || r->priority_rank != 0;
        if (r->suppressed == WS_SUPP_NONE)
            continue;
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]) && !bad; k++)
            bad = !isnan(v[k]);
        if (bad) {
            ws_err_set(err, WS_EINTERNAL,
                       "refusing to publish: suppressed row %s '%s' (year %d, category '%s') "
                       "still has a count or a figure derived from it",
                       ws_level_name(r->level), r->code ? r->code : "", r->year,
                       r->category ? r->category : "");
            ws_err_hint(err, "publish only the protected set (ws_protect_apply); this is a bug");
            return WS_EINTERNAL;
        }
    }
    return WS_OK;
}

/* --- indicators.csv --------------------------------------------------------- */

/* ",%.10g" or "," for NULL; -0 prints as 0 */
static void csv_num(struct ws_strbuf *sb, double v)
{
    ws_strbuf_addch(sb, ',');
    if (isnan(v))
        return;
    if (v == 0.0)
        v = 0.0;
    ws_strbuf_addf(sb, "%.10g", v);
}

static void csv_row(struct ws_strbuf *sb, const struct ws_indicator *r)
{
    ws_strbuf_add_csv(sb, r->code);
    ws_strbuf_addch(sb, ',');
    ws_strbuf_add_csv(sb, r->name);
    ws_strbuf_addf(sb, ",%s,", ws_level_name(r->level));
    ws_strbuf_add_csv(sb, r->parent);
    ws_strbuf_addf(sb, ",%d,", r->year);
    ws_strbuf_add_csv(sb, r->category);
    csv_num(sb, r->population);
    ws_strbuf_addch(sb, ',');
    if (!isnan(r->cases))
        ws_strbuf_addf(sb, "%.0f", r->cases);
    csv_num(sb, r->rate_per_1000);
    csv_num(sb, r->rate_ci_low);
    csv_num(sb, r->rate_ci_high);
    csv_num(sb, r->ratio_avg);
    csv_num(sb, r->poisson_p);
    csv_num(sb, r->expected);
    csv_num(sb, r->oe_ratio);
    csv_num(sb, r->oe_ci_low);
    csv_num(sb, r->oe_ci_high);
    csv_num(sb, r->eb_rate);
    csv_num(sb, r->seb_rate);
    csv_num(sb, r->lisa_i);
    csv_num(sb, r->lisa_z);
    csv_num(sb, r->lisa_p);
    ws_strbuf_addch(sb, ',');
    ws_strbuf_add_csv(sb, r->lisa_cluster);
    csv_num(sb, r->trend_rr);
    csv_num(sb, r->trend_p);
    ws_strbuf_addch(sb, ',');
    if (r->priority_rank > 0)
        ws_strbuf_addf(sb, "%ld", r->priority_rank);
    ws_strbuf_addf(sb, ",%d\n", r->suppressed != WS_SUPP_NONE);
}

int ws_publish_indicators_csv(struct ws_publish *p, const struct ws_indicator_set *published,
                              struct ws_err *err)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *path;
    FILE *fp = NULL;
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    path = add_file(p, "indicators.csv", err);
    if (!path)
        return WS_ECANTCREAT;
    fp = fopen(path, "wx");
    if (!fp)
        return cannot_write(path, errno, err);
    ws_strbuf_adds(&sb, csv_header);
    for (size_t i = 0; i < published->n && !rc; i++) {
        csv_row(&sb, &published->rows[i]);
        // write in blocks of about 1 MB
        if (sb.len > (1u << 20) || i + 1 == published->n) {
            if (fwrite(sb.buf, 1, sb.len, fp) != sb.len)
                rc = cannot_write(path, errno, err);
            ws_strbuf_reset(&sb);
        }
    }
    if (!rc && sb.len && fwrite(sb.buf, 1, sb.len, fp) != sb.len)
        rc = cannot_write(path, errno, err);
    if (fclose(fp) != 0 && !rc)
        rc = cannot_write(path, errno, err);
    ws_strbuf_release(&sb);
    return rc;
}

/* --- indicators.gpkg -------------------------------------------------------- */

enum {
    F_CODE,
    F_NAME,
    F_LEVEL,
    F_PARENT,
    F_YEAR,
    F_CATEGORY,
    F_POPULATION,
    F_CASES,
    F_RATE,
    F_RATE_LO,
    F_RATE_HI,
    F_RATIO,
    F_POISSON,
    F_EXPECTED,
    F_OE,
    F_OE_LO,
    F_OE_HI,
    F_EB,
    F_SEB,
    F_LISA_I,
    F_LISA_Z,
    F_LISA_P,
    F_CLUSTER,
    F_TREND_RR,
    F_TREND_P,
    F_RANK,
    F_SUPPRESSED,
    N_FIELDS
};

static const struct ws_gpkg_field gpkg_fields[N_FIELDS] = {
    {"code", WS_GPKG_TEXT},          {"name", WS_GPKG_TEXT},
    {"level", WS_GPKG_TEXT},         {"parent", WS_GPKG_TEXT},
    {"year", WS_GPKG_INTEGER},       {"category", WS_GPKG_TEXT},
    {"population", WS_GPKG_REAL},    {"cases", WS_GPKG_INTEGER},
    {"rate_per_1000", WS_GPKG_REAL}, {"rate_ci_low", WS_GPKG_REAL},
    {"rate_ci_high", WS_GPKG_REAL},  {"ratio_avg", WS_GPKG_REAL},
    {"poisson_p", WS_GPKG_REAL},     {"expected", WS_GPKG_REAL},
    {"oe_ratio", WS_GPKG_REAL},      {"oe_ci_low", WS_GPKG_REAL},
    {"oe_ci_high", WS_GPKG_REAL},    {"eb_rate", WS_GPKG_REAL},
    {"seb_rate", WS_GPKG_REAL},      {"lisa_i", WS_GPKG_REAL},
    {"lisa_z", WS_GPKG_REAL},        {"lisa_p", WS_GPKG_REAL},
    {"lisa_cluster", WS_GPKG_TEXT},  {"trend_rr", WS_GPKG_REAL},
    {"trend_p", WS_GPKG_REAL},       {"priority_rank", WS_GPKG_INTEGER},
    {"suppressed", WS_GPKG_INTEGER},
};

static void real_value(struct ws_gpkg_value *v, double d)
{
    v->null = isnan(d);
    v->d = d;
}

static void text_value(struct ws_gpkg_value *v, const char *s)
{
    v->null = !s || !*s;
    v->s = s;
}

static void row_values(const struct ws_indicator *r, struct ws_gpkg_value *v)
{
    memset(v, 0, N_FIELDS * sizeof(*v));
    text_value(&v[F_CODE], r->code);
    text_value(&v[F_NAME], r->name);
    text_value(&v[F_LEVEL], ws_level_name(r->level));
    text_value(&v[F_PARENT], r->parent);
    v[F_YEAR].i = r->year;
    text_value(&v[F_CATEGORY], r->category);
    real_value(&v[F_POPULATION], r->population);
    v[F_CASES].null = isnan(r->cases);
    v[F_CASES].i = isnan(r->cases) ? 0 : (int64_t)llround(r->cases);
    real_value(&v[F_RATE], r->rate_per_1000);
    real_value(&v[F_RATE_LO], r->rate_ci_low);
    real_value(&v[F_RATE_HI], r->rate_ci_high);
    real_value(&v[F_RATIO], r->ratio_avg);
    real_value(&v[F_POISSON], r->poisson_p);
    real_value(&v[F_EXPECTED], r->expected);
    real_value(&v[F_OE], r->oe_ratio);
    real_value(&v[F_OE_LO], r->oe_ci_low);
    real_value(&v[F_OE_HI], r->oe_ci_high);
    real_value(&v[F_EB], r->eb_rate);
    real_value(&v[F_SEB], r->seb_rate);
    real_value(&v[F_LISA_I], r->lisa_i);
    real_value(&v[F_LISA_Z], r->lisa_z);
    real_value(&v[F_LISA_P], r->lisa_p);
    text_value(&v[F_CLUSTER], r->lisa_cluster);
    real_value(&v[F_TREND_RR], r->trend_rr);
    real_value(&v[F_TREND_P], r->trend_p);
    v[F_RANK].null = r->priority_rank <= 0;
    v[F_RANK].i = r->priority_rank;
    v[F_SUPPRESSED].i = r->suppressed != WS_SUPP_NONE;
}

static int cmp_area_ptr(const void *pa, const void *pb)
{
    const struct ws_area *a = *(const struct ws_area *const *)pa;
    const struct ws_area *b = *(const struct ws_area *const *)pb;

    return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

static int cmp_code_area(const void *pkey, const void *pel)
{
    const char *code = *(const char *const *)pkey;
    const struct ws_area *a = *(const struct ws_area *const *)pel;

    return strcmp(code, a->code ? a->code : "");
}

/* One geometry per area, converted once. */
struct geom_cache {
    const struct ws_area **sorted;
    unsigned char **gpb;
    size_t *len;
    struct ws_bbox *box;
    bool *done;
    size_t n;
};

static void cache_init(struct geom_cache *gc, const struct ws_area *areas, size_t n)
{
    memset(gc, 0, sizeof(*gc));
    gc->n = n;
    gc->sorted = ws_xcalloc(n + 1, sizeof(const struct ws_area *));
    gc->gpb = ws_xcalloc(n + 1, sizeof(*gc->gpb));
    gc->len = ws_xcalloc(n + 1, sizeof(*gc->len));
    gc->box = ws_xcalloc(n + 1, sizeof(*gc->box));
    gc->done = ws_xcalloc(n + 1, sizeof(*gc->done));
    for (size_t i = 0; i < n; i++)
        gc->sorted[i] = &areas[i];
    if (n)
        qsort(gc->sorted, n, sizeof(const struct ws_area *), cmp_area_ptr);
}

static void cache_release(struct geom_cache *gc)
{
    for (size_t i = 0; i < gc->n; i++)
        free(gc->gpb[i]);
    free(gc->sorted);
    free(gc->gpb);
    free(gc->len);
    free(gc->box);
    free(gc->done);
}

/* The blob of area `code` (NULL when unknown or empty). */
static int cache_get(struct geom_cache *gc, struct ws_gpkg *g, const char *code,
                     const unsigned char **gpb, size_t *len, const struct ws_bbox **box,
                     struct ws_err *err)
{
    const struct ws_area *const *hit;
    size_t k;
    int rc;

    *gpb = NULL;
    *len = 0;
    *box = NULL;
    if (!code || !gc->n)
        return WS_OK;
    hit = bsearch(&code, gc->sorted, gc->n, sizeof(const struct ws_area *), cmp_code_area);
    if (!hit)
        return WS_OK;
    k = (size_t)(hit - gc->sorted);
    if (!gc->done[k]) {
        if ((rc = ws_gpkg_geometry_blob(g, &(*hit)->geom, &gc->gpb[k], &gc->len[k], err)))
            return rc;
        gc->box[k] = ws_geom_bbox(&(*hit)->geom);
        gc->done[k] = true;
    }
    *gpb = gc->gpb[k];
    *len = gc->len[k];
    *box = &gc->box[k];
    return WS_OK;
}

int ws_publish_indicators_gpkg(struct ws_publish *p, const struct ws_indicator_set *published,
                               const struct ws_publish_areas *areas, int srid, struct ws_err *err)
{
    struct ws_gpkg *g = NULL;
    struct ws_gpkg_value v[N_FIELDS];
    const char *path;
    int rc;

    if ((rc = ws_publish_check_protected(published, err)))
        return rc;
    path = add_file(p, "indicators.gpkg", err);
    if (!path)
        return WS_ECANTCREAT;
    if ((rc = ws_gpkg_create(path, srid, &g, err)))
        return rc;
    for (int lv = WS_LEVEL_BUURT; lv <= WS_LEVEL_GEMEENTE && !rc; lv++) {
        struct geom_cache gc;
        cache_init(&gc, areas ? areas->areas[lv] : NULL, areas ? areas->n[lv] : 0);
        rc = ws_gpkg_add_layer(g, ws_level_name((enum ws_level)lv), gpkg_fields, N_FIELDS, err);
        for (size_t i = 0; i < published->n && !rc; i++) {
            const struct ws_indicator *r = &published->rows[i];
            const unsigned char *gpb;
            const struct ws_bbox *box;
            size_t len;
            if ((int)r->level != lv)
                continue;
            row_values(r, v);
            rc = cache_get(&gc, g, r->code, &gpb, &len, &box, err);
            if (!rc)
                rc = ws_gpkg_add_feature_blob(g, v, gpb, len, box, err);
        }
        cache_release(&gc);
    }
    if (rc) {
        ws_gpkg_abort(g);
        return rc;
    }
    return ws_gpkg_finish(g, err);
}

/* --- commit and abort -------------------------------------------------------- */

static void release(struct ws_publish *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->f[i].tmp);
        free(p->f[i].final);
    }
    free(p->f);
    free(p->dir);
    free(p);
}

static void remove_tmp(const char *path)
{
    struct ws_strbuf side = WS_STRBUF_INIT;

    (void)unlink(path);
    // SQLite side files of a GeoPackage (journal_mode MEMORY leaves none,
    // but a crash of another mode could)
    ws_strbuf_addf(&side, "%s-journal", path);
    (void)unlink(side.buf);
    ws_strbuf_release(&side);
}

int ws_publish_commit(struct ws_publish *p, struct ws_err *err)
{
    int rc = WS_OK;
    size_t i;

    if (!p)
        return WS_OK;
    if (p->set) {
        release(p); /* the set's commit renames the files */
        return WS_OK;
    }
    for (i = 0; i < p->n; i++) {
        if (rename(p->f[i].tmp, p->f[i].final) != 0) {
            int e = errno;
            ws_err_set(err, WS_ECANTCREAT, "cannot rename '%s' to '%s'", p->f[i].tmp,
                       p->f[i].final);
            ws_err_cause(err, "%s", strerror(e));
            ws_err_hint(err, "check that the output folder is writable");
            rc = WS_ECANTCREAT;
            break;
        }
    }
    for (; i < p->n; i++)
        remove_tmp(p->f[i].tmp);
    release(p);
    return rc;
}

void ws_publish_abort(struct ws_publish *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        remove_tmp(p->f[i].tmp);
    release(p);
}

/* --- from the store ------------------------------------------------------------ */

int ws_publish_begin_set(struct ws_outfiles *set, struct ws_publish **out)
{
    struct ws_publish *p = ws_xcalloc(1, sizeof(*p));

    p->dir = ws_xstrdup(set->dir);
    p->set = set;
    *out = p;
    return WS_OK;
}

int ws_publish_tables(struct ws_store *s, struct ws_outfiles *set, struct ws_err *err)
{
    struct ws_indicator_set pub = {0};
    struct ws_area *areas[3] = {NULL, NULL, NULL};
    struct ws_publish_areas pa;
    struct ws_publish *p = NULL;
    char *stats = NULL;
    char *audit = NULL;
    char *offers = NULL;
    char *prio = NULL;
    char *manifest = NULL;
    int rc;

    memset(&pa, 0, sizeof(pa));
    if ((rc = ws_store_read_indicators(s, WS_SET_PUBLISHED, &pub, err)) ||
        (rc = ws_publish_check_protected(&pub, err)))
        goto out;
    for (int lv = WS_LEVEL_BUURT; lv <= WS_LEVEL_GEMEENTE; lv++) {
        if ((rc = ws_store_read_areas(s, (enum ws_level)lv, &areas[lv], &pa.n[lv], err)))
            goto out;
        pa.areas[lv] = areas[lv];
    }
    if ((rc = ws_store_get_result(s, "statistics.json", &stats, err)) ||
        (rc = ws_store_get_result(s, "audit.csv", &audit, err)) ||
        (rc = ws_store_get_result(s, "groepsaanbod.csv", &offers, err)) ||
        (rc = ws_store_get_result(s, "priorities.csv", &prio, err)) ||
        (rc = ws_store_get_result(s, "manifest.json", &manifest, err)))
        goto out;
    if ((rc = ws_publish_begin_set(set, &p)) || (rc = ws_publish_indicators_csv(p, &pub, err)) ||
        (rc = ws_publish_indicators_gpkg(p, &pub, &pa, ws_store_srid(s), err)) ||
        (rc = ws_publish_text(p, "statistics.json", stats, err)) ||
        (rc = ws_publish_text(p, "audit.csv", audit, err)) ||
        (rc = ws_publish_text(p, "groepsaanbod.csv", offers, err)) ||
        (rc = ws_publish_text(p, "priorities.csv", prio, err)) ||
        (rc = ws_publish_text(p, "manifest.json", manifest, err)))
        goto out;
    rc = ws_publish_commit(p, err);
    p = NULL;
out:
    ws_publish_abort(p);
    for (int lv = WS_LEVEL_BUURT; lv <= WS_LEVEL_GEMEENTE; lv++)
        ws_store_free_areas(areas[lv], pa.n[lv]);
    ws_indicator_set_release(&pub);
    free(stats);
    free(audit);
    free(offers);
    free(prio);
    free(manifest);
    return rc;
}
