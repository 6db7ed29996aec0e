/*
 * crs.c - coordinate reference systems: the one wrapper around PROJ (see
 * crs.h).
 *
 * Every public call creates its own PJ_CONTEXT (a transform keeps one for its
 * life) with a log function that captures PROJ's error messages into a
 * buffer instead of stderr; on failure that text, or proj_context_errno_string,
 * becomes err->cause.  Operations are made with proj_create_crs_to_crs_from_pj
 * and then proj_normalize_for_visualization, so input and output are always
 * (easting, northing) or (longitude, latitude) whatever axis order the CRS
 * definitions declare.  Source and target CRS that PROJ finds equivalent
 * (e.g. GeoPackage WKT of RD New and "EPSG:28992") skip the transformation.
 *
 * Cost: one proj.db lookup per context; proj_trans_generic over the flat
 * coordinate array of a geometry, so the per-point overhead is PROJ's alone.
 */
#include "wijkscan/load/crs.h"

#include "wijkscan/core/mem.h"

#include <proj.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_TEXT 512

/* PROJ log messages of one context (error level and above). */
struct proj_log {
    char text[LOG_TEXT];
};

struct ws_crs_transform {
    PJ_CONTEXT *ctx;
    struct proj_log log;
    PJ *op; /* NULL when the transformation is a no-op */
};

static void capture_log(void *app_data, int level, const char *msg)
{
    struct proj_log *log = app_data;
    size_t used;

    if (!log || !msg || level > PJ_LOG_ERROR)
        return;
    used = strlen(log->text);
    if (used + 3 >= sizeof(log->text))
        return;
    // several messages are joined with "; " (the first is usually the cause)
    (void)snprintf(log->text + used, sizeof(log->text) - used, "%s%s", used ? "; " : "", msg);
}

static PJ_CONTEXT *context_new(struct proj_log *log)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx)
        WS_BUG("proj_context_create failed");
    log->text[0] = '\0';
    proj_log_func(ctx, log, capture_log);
    proj_log_level(ctx, PJ_LOG_ERROR);
    return ctx;
}

/* Copies PROJ's explanation of the last failure in ctx into err->cause. */
static void set_cause(struct ws_err *err, PJ_CONTEXT *ctx, const struct proj_log *log)
{
    int e = proj_context_errno(ctx);

    if (log->text[0])
        ws_err_cause(err, "PROJ: %s", log->text);
    else if (e)
        ws_err_cause(err, "PROJ: %s", proj_context_errno_string(ctx, e));
}

/* A short label for a CRS definition in messages: the text itself when short
 * (EPSG:28992), else the CRS name PROJ gives it. */
static void crs_label(const char *def, const PJ *crs, char *buf, size_t cap)
{
    const char *name = crs ? proj_get_name(crs) : NULL;

    if (strlen(def) <= 40 && !strchr(def, '\n'))
        (void)snprintf(buf, cap, "%s", def);
    else if (name)
        (void)snprintf(buf, cap, "%s", name);
    else
        (void)snprintf(buf, cap, "%.37s...", def);
}

void ws_crs_global_shutdown(void)
{
    proj_cleanup();
}

const char *ws_crs_proj_version(void)
{
    return proj_info().release;
}

/* The EPSG code of crs, or 0 if it has none and none can be identified with
 * full confidence. */
static int epsg_code(PJ_CONTEXT *ctx, const PJ *crs)
{
    const char *auth = proj_get_id_auth_name(crs, 0);
    const char *code = proj_get_id_code(crs, 0);
    int srid = 0;

    if (auth && code && strcmp(auth, "EPSG") == 0) {
        char *end = NULL;
        long v;
        errno = 0;
        v = strtol(code, &end, 10);
        if (errno == 0 && end && *end == '\0' && v > 0 && v < 1000000000)
            return (int)v;
    }
    int *confidence = NULL;
    PJ_OBJ_LIST *list = proj_identify(ctx, crs, "EPSG", NULL, &confidence);
    if (list) {
        int n = proj_list_get_count(list);
        for (int i = 0; i < n && srid == 0; i++) {
            if (confidence[i] < 100)
                continue;
            PJ *cand = proj_list_get(ctx, list, i);
            const char *c = cand ? proj_get_id_code(cand, 0) : NULL;
            if (c) {
                char *end = NULL;
                long v = strtol(c, &end, 10);
                if (end && *end == '\0' && v > 0 && v < 1000000000)
                    srid = (int)v;
            }
            proj_destroy(cand);
        }
        proj_list_destroy(list);
    }
    proj_int_list_destroy(confidence);
    return srid;
}

int ws_crs_check(const char *def, int *srid, struct ws_err *err)
{
    struct proj_log log;
    PJ_CONTEXT *ctx = context_new(&log);
    PJ *crs = NULL;
    PJ *base = NULL; // crs, or the source CRS of a bound CRS
    PJ *cs = NULL;
    char label[128];
    double to_metre = 0.0;
    int code;
    int rc = WS_OK;

    if (!def || !def[0]) {
        rc = ws_err_set(err, WS_EDATA, "crs is empty");
        ws_err_hint(err, "set [boundaries] crs to an EPSG code such as 'EPSG:28992' (RD New)");
        goto out;
    }
    crs = proj_create(ctx, def);
    if (!crs || !proj_is_crs(crs)) {
        crs_label(def, NULL, label, sizeof(label));
        rc = ws_err_set(err, WS_EDATA, "crs '%s' is not a coordinate reference system PROJ knows",
                        label);
        set_cause(err, ctx, &log);
        ws_err_hint(err, "use an EPSG code such as 'EPSG:28992' (RD New); if the code is right, "
                         "check that the proj-data package is installed");
        goto out;
    }
    crs_label(def, crs, label, sizeof(label));
    base = proj_get_type(crs) == PJ_TYPE_BOUND_CRS ? proj_get_source_crs(ctx, crs) : NULL;
    if (proj_get_type(base ? base : crs) != PJ_TYPE_PROJECTED_CRS) {
        rc = ws_err_set(err, WS_EDATA, "crs '%s' is not a projected coordinate reference system",
                        label);
        ws_err_hint(err, "areas and distances need metres: use a projected CRS such as "
                         "'EPSG:28992' (RD New); inputs in other CRSs are reprojected to it");
        goto out;
    }
    cs = proj_crs_get_coordinate_system(ctx, base ? base : crs);
    if (!cs || !proj_cs_get_axis_info(ctx, cs, 0, NULL, NULL, NULL, &to_metre, NULL, NULL, NULL) ||
        fabs(to_metre - 1.0) > 1e-9) {
        rc = ws_err_set(err, WS_EDATA, "crs '%s' is not in metres", label);
        ws_err_hint(err, "use a projected CRS in metres such as 'EPSG:28992' (RD New)");
        goto out;
    }
    code = epsg_code(ctx, base ? base : crs);
    if (code == 0) {
        rc = ws_err_set(err, WS_EDATA, "crs '%s' has no EPSG code", label);
        ws_err_hint(err, "the store needs an EPSG code: write it as 'EPSG:NNNN', e.g. "
                         "'EPSG:28992' (RD New)");
        goto out;
    }
    *srid = code;
out:
    proj_destroy(cs);
    proj_destroy(base);
    proj_destroy(crs);
    proj_context_destroy(ctx);
    return rc;
}

int ws_crs_transform_new(const char *src_def, const char *dst_def, struct ws_crs_transform **out,
                         struct ws_err *err)
{
    struct ws_crs_transform *t = ws_xcalloc(1, sizeof(*t));
    PJ *src = NULL;
    PJ *dst = NULL;
    PJ *op = NULL;
    char src_label[128];
    char dst_label[128];
    int rc = WS_OK;

    *out = NULL;
    t->ctx = context_new(&t->log);
    src = src_def ? proj_create(t->ctx, src_def) : NULL;
    if (!src || !proj_is_crs(src)) {
        rc = ws_err_set(err, WS_EDATA,
                        "the source coordinate reference system is not one PROJ "
                        "knows");
        set_cause(err, t->ctx, &t->log);
        ws_err_hint(err, "assign a known CRS to the source, e.g. 'ogr2ogr -a_srs EPSG:28992 "
                         "out.gpkg in.gpkg'; check that the proj-data package is installed");
        goto out;
    }
    dst = dst_def ? proj_create(t->ctx, dst_def) : NULL;
    if (!dst || !proj_is_crs(dst)) {
        rc = ws_err_set(err, WS_EDATA, "crs '%s' is not a coordinate reference system PROJ knows",
                        dst_def ? dst_def : "");
        set_cause(err, t->ctx, &t->log);
        ws_err_hint(err, "use an EPSG code such as 'EPSG:28992' (RD New)");
        goto out;
    }
    if (proj_is_equivalent_to_with_ctx(t->ctx, src, dst,
                                       PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS))
        goto out; // same CRS: t->op stays NULL
    crs_label(src_def, src, src_label, sizeof(src_label));
    crs_label(dst_def, dst, dst_label, sizeof(dst_label));
    op = proj_create_crs_to_crs_from_pj(t->ctx, src, dst, NULL, NULL);
    if (!op) {
        rc = ws_err_set(err, WS_EDATA, "no transformation from '%s' to '%s'", src_label, dst_label);
        set_cause(err, t->ctx, &t->log);
        ws_err_hint(err, "check both CRSs; check that the proj-data package is installed");
        goto out;
    }
    t->op = proj_normalize_for_visualization(t->ctx, op);
    if (!t->op) {
        rc = ws_err_set(err, WS_EDATA,
                        "cannot order the axes of the transformation from '%s' "
                        "to '%s'",
                        src_label, dst_label);
        set_cause(err, t->ctx, &t->log);
        goto out;
    }
out:
    proj_destroy(op);
    proj_destroy(dst);
    proj_destroy(src);
    if (rc) {
        ws_crs_transform_free(t);
        return rc;
    }
    *out = t;
    return WS_OK;
}

bool ws_crs_transform_is_noop(const struct ws_crs_transform *t)
{
    return !t || !t->op;
}

int ws_crs_transform_xy(struct ws_crs_transform *t, double *xy, size_t n, struct ws_err *err)
{
    const size_t stride = 2 * sizeof(double);

    if (!t || !t->op || n == 0)
        return WS_OK;
    proj_errno_reset(t->op);
    proj_trans_generic(t->op, PJ_FWD, xy, stride, n, xy + 1, stride, n, NULL, 0, 0, NULL, 0, 0);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) { // PROJ marks failures HUGE_VAL
            int e = proj_errno(t->op);
            ws_err_set(err, WS_EDATA, "a point cannot be transformed to the working CRS");
            if (t->log.text[0])
                ws_err_cause(err, "PROJ: %s", t->log.text);
            else if (e)
                ws_err_cause(err, "PROJ: %s", proj_context_errno_string(t->ctx, e));
            ws_err_hint(err, "check that the source's CRS is right: coordinates far outside "
                             "its area of use usually mean a wrong CRS");
            return WS_EDATA;
        }
    }
    return WS_OK;
}

int ws_crs_transform_geom(struct ws_crs_transform *t, struct ws_geom *g, struct ws_err *err)
{
    return ws_crs_transform_xy(t, g->xy, g->n_points, err);
}

void ws_crs_transform_free(struct ws_crs_transform *t)
{
    if (!t)
        return;
    proj_destroy(t->op);
    proj_context_destroy(t->ctx);
    free(t);
}
