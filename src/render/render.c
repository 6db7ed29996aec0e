/*
 * render.c - the map stage (see render.h).
 *
 * Order of work: resolve and read every definition (so a bad file fails the
 * stage before any drawing), read the areas and the PUBLISHED rows, then for
 * each definition build the model once and draw it once per format into the
 * outfiles set.  Nothing is renamed into place here: the caller commits the
 * set at the end of the run.
 */
#include "wijkscan/render/render.h"

#include "wijkscan/core/jobs.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void release_defs(struct ws_mapdef *defs, size_t n)
{
    for (size_t i = 0; defs && i < n; i++)
        ws_mapdef_release(&defs[i]);
    free(defs);
}

/* Reads every definition; two with the same name are an error (they would
 * write the same files). */
static int load_defs(char *const *files, size_t n, struct ws_mapdef **out, struct ws_err *err)
{
    struct ws_mapdef *defs = ws_xcalloc(n ? n : 1, sizeof(*defs));
    int rc = WS_OK;
    size_t loaded = 0;

    for (size_t i = 0; i < n && !rc; i++) {
        rc = ws_mapdef_load(files[i], &defs[i], err);
        if (rc)
            break;
        loaded++;
        for (size_t j = 0; j < i && !rc; j++) {
            if (strcmp(defs[j].name, defs[i].name) != 0)
                continue;
            rc = ws_err_set(err, WS_EDATA, "two map definitions are named '%s': '%s' and '%s'",
                            defs[i].name, files[j], files[i]);
            ws_err_where(err, "%s", files[i]);
            ws_err_hint(err, "both would write maps/%s.*; rename one of the files", defs[i].name);
        }
    }
    if (rc) {
        release_defs(defs, loaded);
        defs = NULL;
    }
    *out = defs;
    return rc;
}

static double wall_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int draw_formats(struct ws_choropleth *m, const struct ws_mapdef *md,
                        struct ws_outfiles *out, size_t *n_written, struct ws_err *err)
{
    for (int f = 0; f < WS_CANVAS_N_FORMATS; f++) {
        struct ws_strbuf rel = WS_STRBUF_INIT;
        const char *tmp = NULL;
        int rc;
        if (!md->formats[f])
            continue;
        ws_strbuf_addf(&rel, "maps/%s.%s", md->name, ws_canvas_format_name(f));
        rc = ws_outfiles_add(out, rel.buf, &tmp, err);
        if (!rc) {
            double t0 = wall_seconds();
            rc = ws_choropleth_draw(m, (enum ws_canvas_format)f, tmp, NULL, NULL, err);
            ws_log_verbose("map: wrote %s in %.3f s", rel.buf, wall_seconds() - t0);
        }
        ws_strbuf_release(&rel);
        if (rc)
            return rc;
        (*n_written)++;
    }
    return WS_OK;
}

struct maps_job {
    const struct ws_map_inputs *in;
    const struct ws_mapdef *defs;
    size_t n_defs;
};

/* One map definition: its model, then one file per format. */
static int map_task(size_t i, void *ctx, struct ws_outfiles *out, struct ws_warnings *warn,
                    struct ws_err *err)
{
    const struct maps_job *j = ctx;
    struct ws_choropleth *m = NULL;
    size_t written = 0;
    double t0 = wall_seconds();
    int rc;

    rc = ws_choropleth_build(j->in, &j->defs[i], NULL, warn, &m, err);
    ws_log_verbose("map: %s classified and laid out in %.3f s", j->defs[i].name,
                   wall_seconds() - t0);
    if (!rc && m)
        rc = draw_formats(m, &j->defs[i], out, &written, err);
    ws_choropleth_free(m);
    return rc;
}

int ws_render_maps(const struct ws_map_inputs *in, char *const *map_files, size_t n_files,
                   struct ws_outfiles *out, struct ws_warnings *warn, size_t *n_written,
                   struct ws_err *err)
{
    struct ws_mapdef *defs = NULL;
    size_t before = out->n;
    int rc;

    rc = load_defs(map_files, n_files, &defs, err);
    if (!rc) {
        // the definitions are independent: one task each (jobs.h), the
        // files and warnings in definition order whatever the jobs
        struct maps_job j = {in, defs, n_files};
        rc = ws_jobs_run("map", n_files, map_task, &j, out, warn, err);
    }
    release_defs(defs, defs ? n_files : 0);
    if (n_written)
        *n_written = out->n - before;
    return rc;
}

/* The basename of a path, borrowed. */
static const char *base(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path ? path : "";
}

static bool contains_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == word[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* The first run of four digits that looks like a year (19xx, 20xx), or 0. */
static int year_in(const char *s)
{
    for (; *s; s++) {
        if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
            isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
            !isdigit((unsigned char)s[4]) && (s[0] == '1' || s[0] == '2'))
            return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        while (isdigit((unsigned char)*s) && isdigit((unsigned char)s[1]))
            s++;
    }
    return 0;
}

char *ws_render_source_note(const struct ws_study *st)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    bool en = st->language && !strcmp(st->language, "en");
    const char *stats = base(st->stat_source);
    const char *cases = base(st->case_source);

    if (contains_ci(stats, "kerncijfers")) {
        int y = year_in(stats);
        ws_strbuf_adds(&sb, "CBS Kerncijfers wijken en buurten");
        if (y)
            ws_strbuf_addf(&sb, " %d", y);
        ws_strbuf_adds(&sb, "; PDOK");
    } else {
        ws_strbuf_adds(&sb, stats);
    }
    ws_strbuf_addf(&sb, "; %s: %s", en ? "cases" : "casussen", cases);
    if (contains_ci(cases, "synthet"))
        ws_strbuf_adds(&sb, en ? " (synthetic)" : " (synthetisch)");
    return ws_strbuf_detach(&sb);
}

static void release_areas(struct ws_area *b, size_t nb, struct ws_area *w, size_t nw,
                          struct ws_area *g, size_t ng)
{
    ws_store_free_areas(b, nb);
    ws_store_free_areas(w, nw);
    ws_store_free_areas(g, ng);
}

int ws_render_store(struct ws_store *s, const struct ws_study *st,
                    const struct ws_map_point *points, size_t n_points, const char *source_note,
                    struct ws_outfiles *out, struct ws_warnings *warn, struct ws_err *err)
{
    struct ws_indicator_set published;
    struct ws_map_inputs in;
    struct ws_area *buurten = NULL;
    struct ws_area *wijken = NULL;
    struct ws_area *gebieden = NULL;
    size_t nb = 0;
    size_t nw = 0;
    size_t ng = 0;
    char **files = NULL;
    size_t n_files = 0;
    char *note = NULL;
    size_t n_written = 0;
    int rc;

    memset(&published, 0, sizeof(published));
    memset(&in, 0, sizeof(in));
    rc = ws_mapdef_files(st, &files, &n_files, err);
    // check every definition before the (slower) reads
    rc = rc ? rc : ws_mapdef_check_files(st, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_BUURT, &buurten, &nb, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_WIJK, &wijken, &nw, err);
    rc = rc ? rc : ws_store_read_areas(s, WS_LEVEL_GEBIED, &gebieden, &ng, err);
    rc = rc ? rc : ws_store_read_indicators(s, WS_SET_PUBLISHED, &published, err);
    if (rc)
        goto out;
    note = source_note ? ws_xstrdup(source_note) : ws_render_source_note(st);
    in.buurten = buurten;
    in.n_buurten = nb;
    in.gebieden = gebieden;
    in.n_gebieden = ng;
    in.wijken = wijken;
    in.n_wijken = nw;
    in.published = &published;
    in.points = points;
    in.n_points = n_points;
    in.study_title = st->title;
    in.language = st->language;
    in.source_note = note;
    rc = ws_render_maps(&in, files, n_files, out, warn, &n_written, err);
    if (!rc)
        ws_log_verbose("map: %zu files from %zu definitions", n_written, n_files);
out:
    free(note);
    ws_indicator_set_release(&published);
    release_areas(buurten, nb, wijken, nw, gebieden, ng);
    ws_mapdef_free_paths(files, n_files);
    return rc;
}

int ws_render_wijk_map(const struct ws_map_inputs *in, const struct ws_mapdef *md,
                       const char *wijk_code, enum ws_canvas_format fmt, double width_pt,
                       double height_pt, const char *path, unsigned char **data, size_t *len,
                       struct ws_err *err)
{
    struct ws_choropleth *m = NULL;
    int rc;

    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    rc = ws_choropleth_build(in, md, wijk_code, NULL, &m, err);
    if (rc || !m)
        return rc;
    if (width_pt > 0 && height_pt > 0) {
        m->page_w_pt = width_pt;
        m->page_h_pt = height_pt;
    }
    rc = ws_choropleth_draw(m, fmt, path, data, len, err);
    ws_choropleth_free(m);
    return rc;
}
