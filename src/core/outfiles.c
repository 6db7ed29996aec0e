/*
 * outfiles.c - all-or-nothing output files (see outfiles.h).
 */
#include "wijkscan/outfiles.h"

#include "wijkscan/mem.h"
#include "wijkscan/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ws_outfiles_init(struct ws_outfiles *o, const char *dir)
{
    memset(o, 0, sizeof(*o));
    o->dir = ws_xstrdup(dir);
}

/* Makes one folder of a path unless it exists; records it in o if made. */
static int make_one(const char *p, struct ws_outfiles *o, struct ws_err *err)
{
    struct stat sb;

    if (stat(p, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return WS_OK;
        ws_err_set(err, WS_ECANTCREAT, "cannot create folder '%s': a file is in the way", p);
        ws_err_hint(err, "check the path and its permissions, or choose another output folder "
                         "with -o OUTDIR");
        return WS_ECANTCREAT;
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        ws_err_set(err, WS_ECANTCREAT, "cannot create folder '%s'", p);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err, "check the path and its permissions, or choose another output folder "
                         "with -o OUTDIR");
        return WS_ECANTCREAT;
    }
    if (o) {
        WS_VEC_GROW(o->made_dirs, o->n_dirs + 1, o->cap_dirs);
        o->made_dirs[o->n_dirs++] = ws_xstrdup(p);
    }
    return WS_OK;
}

int ws_mkdir_p(const char *path, struct ws_outfiles *o, struct ws_err *err)
{
    char *p = ws_xstrdup(path);
    int rc = WS_OK;

    for (char *c = p + 1; rc == WS_OK; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char saved = *c;
        *c = '\0';
        rc = make_one(p, o, err);
        *c = saved;
        if (saved == '\0')
            break;
    }
    free(p);
    return rc;
}

int ws_outfiles_add(struct ws_outfiles *o, const char *rel, const char **tmp_path,
                    struct ws_err *err)
{
    struct ws_strbuf final = WS_STRBUF_INIT;
    struct ws_strbuf tmp = WS_STRBUF_INIT;
    const char *slash;
    int rc;

    ws_strbuf_addf(&final, "%s/%s", o->dir, rel);
    for (size_t i = 0; i < o->n; i++) {
        if (!strcmp(o->files[i].final, final.buf)) {
            *tmp_path = o->files[i].tmp;
            ws_strbuf_release(&final);
            return WS_OK;
        }
    }
    slash = strrchr(final.buf, '/');
    ws_strbuf_add(&tmp, final.buf, (size_t)(slash - final.buf));
    rc = ws_mkdir_p(tmp.buf, o, err);
    if (rc) {
        ws_strbuf_release(&final);
        ws_strbuf_release(&tmp);
        return rc;
    }
    ws_strbuf_addf(&tmp, "/.%s.tmp-%ld", slash + 1, (long)getpid());
    WS_VEC_GROW(o->files, o->n + 1, o->cap);
    o->files[o->n].final = ws_strbuf_detach(&final);
    o->files[o->n].tmp = ws_strbuf_detach(&tmp);
    *tmp_path = o->files[o->n].tmp;
    o->n++;
    return WS_OK;
}

int ws_outfiles_commit(struct ws_outfiles *o, struct ws_err *err)
{
    for (size_t i = 0; i < o->n; i++) {
        if (rename(o->files[i].tmp, o->files[i].final) != 0) {
            ws_err_set(err, WS_ECANTCREAT, "cannot rename '%s' to '%s': %s", o->files[i].tmp,
                       o->files[i].final, strerror(errno));
            ws_err_where(err, "%s", o->files[i].final);
            ws_err_hint(err, "check the permissions of the output folder");
            return WS_ECANTCREAT;
        }
    }
    for (size_t i = 0; i < o->n_dirs; i++)
        free(o->made_dirs[i]);
    o->n_dirs = 0; /* committed: the folders stay */
    return WS_OK;
}

void ws_outfiles_abort(struct ws_outfiles *o)
{
    for (size_t i = 0; i < o->n; i++)
        (void)unlink(o->files[i].tmp);
    for (size_t i = o->n_dirs; i-- > 0;) {
        (void)rmdir(o->made_dirs[i]);
        free(o->made_dirs[i]);
    }
    o->n_dirs = 0;
}

void ws_outfiles_release(struct ws_outfiles *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->files[i].tmp);
        free(o->files[i].final);
    }
    for (size_t i = 0; i < o->n_dirs; i++)
        free(o->made_dirs[i]);
    free(o->files);
    free(o->made_dirs);
    free(o->dir);
    memset(o, 0, sizeof(*o));
}

int ws_copy_file(const char *src, const char *dst, struct ws_err *err)
{
    FILE *in = NULL;
    FILE *out = NULL;
    int fd = -1;
    char buf[1 << 16];
    size_t n;
    int rc = WS_OK;

    in = fopen(src, "rb");
    if (!in) {
        rc = ws_err_set(err, WS_ENOINPUT, "cannot read '%s': %s", src, strerror(errno));
        ws_err_where(err, "%s", src);
        goto out;
    }
    fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && fchmod(fd, 0600) != 0) {
        (void)close(fd);
        fd = -1;
    }
    out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        if (fd >= 0)
            (void)close(fd);
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s': %s", dst, strerror(errno));
        ws_err_where(err, "%s", dst);
        ws_err_hint(err, "check the permissions of the output folder");
        goto out;
    }
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s': %s", dst, strerror(errno));
            ws_err_where(err, "%s", dst);
            goto out;
        }
    }
    if (ferror(in)) {
        rc = ws_err_set(err, WS_ENOINPUT, "cannot read '%s'", src);
        ws_err_where(err, "%s", src);
    }
out:
    if (in)
        (void)fclose(in);
    if (out && fclose(out) != 0 && rc == WS_OK) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s': %s", dst, strerror(errno));
        ws_err_where(err, "%s", dst);
    }
    return rc;
}
