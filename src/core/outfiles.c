/*
 * outfiles.c - all-or-nothing output files, one run per OUTDIR (see
 * outfiles.h).
 */
#include "wijkscan/core/outfiles.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* --- what a signal handler may use ----------------------------------------- */

/* The private folder of the run that holds an OUTDIR and, after it, the
 * folders the lock created (NUL-separated, outermost first); set only while
 * the lock is held. */
static char sig_paths[8192];
static volatile sig_atomic_t sig_n_paths;
static volatile sig_atomic_t sig_committing;
static volatile sig_atomic_t sig_pending;

/* Removes every entry of the folder `dir` but `keep` (may be NULL) with
 * async-signal-safe calls; returns how many were removed. */
static size_t clear_folder(const char *dir, const char *keep)
{
    struct dirent64_ {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[];
    };
    static char buf[4096] __attribute__((aligned(8)));
    size_t removed = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    long got;

    if (fd < 0)
        return 0;
    for (int pass = 0; pass < 64; pass++) {
        size_t before = removed;
        (void)lseek(fd, 0, SEEK_SET);
        while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
            for (long off = 0; off < got;) {
                const struct dirent64_ *d = (const void *)(buf + off);
                off += d->reclen;
                if (!strcmp(d->name, ".") || !strcmp(d->name, "..") ||
                    (keep && !strcmp(d->name, keep)))
                    continue;
                if (unlinkat(fd, d->name, 0) == 0)
                    removed++;
            }
        }
        if (removed == before)
            break;
    }
    (void)close(fd);
    return removed;
}

bool ws_outfiles_signal_cleanup(int sig)
{
    const char *p = sig_paths;

    if (sig_committing) {
        sig_pending = sig;
        return false;
    }
    if (sig_n_paths == 0)
        return true;
    (void)clear_folder(p, NULL);
    (void)rmdir(p);
    // the folders the lock made, innermost first
    for (int k = (int)sig_n_paths - 1; k >= 1; k--) {
        const char *q = sig_paths;
        for (int i = 0; i < k; i++)
            q += strlen(q) + 1;
        (void)rmdir(q);
    }
    sig_n_paths = 0;
    return true;
}

static void sig_arm(const struct ws_outfiles *o)
{
    size_t len = strlen(o->work) + 1;
    int n = 1;

    sig_n_paths = 0;
    if (len > sizeof(sig_paths))
        return;
    memcpy(sig_paths, o->work, len);
    for (size_t i = 0; i < o->n_dirs; i++) {
        size_t l = strlen(o->made_dirs[i]) + 1;
        if (len + l > sizeof(sig_paths))
            break;
        memcpy(sig_paths + len, o->made_dirs[i], l);
        len += l;
        n++;
    }
    sig_n_paths = n;
}

static void sig_disarm(void)
{
    sig_n_paths = 0;
}

/* --- folders ------------------------------------------------------------------- */

void ws_outfiles_init(struct ws_outfiles *o, const char *dir)
{
    memset(o, 0, sizeof(*o));
    o->dir = ws_xstrdup(dir);
    o->lock_fd = -1;
}

/* Makes one folder of a path unless it exists; records it in *made if made. */
static int make_one(const char *p, char ***made, size_t *n, size_t *cap, struct ws_err *err)
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
    if (made) {
        WS_VEC_GROW(*made, *n + 1, *cap);
        (*made)[(*n)++] = ws_xstrdup(p);
    }
    return WS_OK;
}

static int mkdir_p_into(const char *path, char ***made, size_t *n, size_t *cap, struct ws_err *err)
{
    char *p = ws_xstrdup(path);
    int rc = WS_OK;

    for (char *c = p + 1; rc == WS_OK; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char saved = *c;
        *c = '\0';
        rc = make_one(p, made, n, cap, err);
        *c = saved;
        if (saved == '\0')
            break;
    }
    free(p);
    return rc;
}

int ws_mkdir_p(const char *path, struct ws_outfiles *o, struct ws_err *err)
{
    if (!o)
        return mkdir_p_into(path, NULL, NULL, NULL, err);
    return mkdir_p_into(path, &o->made_dirs, &o->n_dirs, &o->cap_dirs, err);
}

/* --- the lock ------------------------------------------------------------------ */

static long read_pid(int fd)
{
    char buf[32];
    ssize_t got = pread(fd, buf, sizeof(buf) - 1, 0);
    char *end = NULL;
    long pid;

    if (got <= 0)
        return 0;
    buf[got] = '\0';
    pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

static int lock_error(const struct ws_outfiles *o, const char *what, int e, struct ws_err *err)
{
    ws_err_set(err, WS_ECANTCREAT, "cannot %s '%s/%s'", what, o->dir, WS_OUTFILES_WORK);
    ws_err_cause(err, "%s", strerror(e));
    ws_err_hint(err, "check the permissions of the output folder, or choose another with "
                     "-o OUTDIR");
    return WS_ECANTCREAT;
}

/* One attempt at the lock: 1 when it must be tried again (the folder was
 * removed under us by a run that just ended). */
static int try_lock(struct ws_outfiles *o, const char *lock_path, struct ws_err *err)
{
    struct stat a;
    struct stat b;
    char pid[32];
    bool fresh;
    long old;
    int fd;

    fresh = mkdir(o->work, 0700) == 0;
    if (!fresh && errno != EEXIST)
        return lock_error(o, "create", errno, err);
    fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return errno == ENOENT ? 1 : lock_error(o, "lock", errno, err);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        old = read_pid(fd);
        (void)close(fd);
        if (e != EWOULDBLOCK)
            return lock_error(o, "lock", e, err);
        if (old)
            ws_err_set(err, WS_ECANTCREAT,
                       "the output folder '%s' is in use by another wijkscan run (PID %ld)", o->dir,
                       old);
        else
            ws_err_set(err, WS_ECANTCREAT,
                       "the output folder '%s' is in use by another wijkscan run", o->dir);
        ws_err_hint(err, "wait until that run has ended, or choose another output folder with "
                         "-o OUTDIR");
        return WS_ECANTCREAT;
    }
    // a run that ended between our open and flock removed the file we hold
    if (fstat(fd, &a) != 0 || stat(lock_path, &b) != 0 || a.st_ino != b.st_ino ||
        a.st_dev != b.st_dev) {
        (void)close(fd);
        return 1;
    }
    old = fresh ? 0 : read_pid(fd);
    if (!fresh) {
        size_t removed = clear_folder(o->work, "lock");
        struct ws_strbuf note = WS_STRBUF_INIT;
        if (old)
            ws_strbuf_addf(&note, "an earlier run into '%s' (PID %ld) ", o->dir, old);
        else
            ws_strbuf_addf(&note, "an earlier run into '%s' ", o->dir);
        ws_strbuf_addf(&note,
                       "was stopped before it could clean up: its lock is taken over and its "
                       "%zu temporary file%s removed",
                       removed, removed == 1 ? "" : "s");
        free(o->note);
        o->note = ws_strbuf_detach(&note);
    }
    (void)snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (fchmod(fd, 0600) != 0 || chmod(o->work, 0700) != 0 || ftruncate(fd, 0) != 0 ||
        pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
        int e = errno;
        (void)unlink(lock_path);
        (void)rmdir(o->work);
        (void)close(fd);
        return lock_error(o, "lock", e, err);
    }
    o->lock_fd = fd;
    return WS_OK;
}

/* An earlier wijkscan wrote its temporary files beside the final ones as
 * ".NAME.tmp-PID" (plus SQLite's -journal, -wal, -shm): true for such a
 * name whose process no longer runs. */
static bool legacy_tmp(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    char *end = NULL;
    long pid;

    if (name[0] != '.' || !t)
        return false;
    pid = strtol(t + 5, &end, 10);
    if (end == t + 5 || pid <= 0 ||
        (*end && strcmp(end, "-journal") != 0 && strcmp(end, "-wal") != 0 &&
         strcmp(end, "-shm") != 0))
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes such leftovers from OUTDIR, maps/, report/ and report/'s
 * sub-folders; returns how many. */
static size_t remove_legacy(const char *dir, int depth)
{
    struct ws_strbuf p = WS_STRBUF_INIT;
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    while (d && (e = readdir(d))) {
        struct stat sb;
        ws_strbuf_reset(&p);
        ws_strbuf_addf(&p, "%s/%s", dir, e->d_name);
        if (lstat(p.buf, &sb) != 0)
            continue;
        if (S_ISREG(sb.st_mode) && legacy_tmp(e->d_name) && unlink(p.buf) == 0)
            n++;
        else if (S_ISDIR(sb.st_mode) && e->d_name[0] != '.' &&
                 ((depth == 0 && (!strcmp(e->d_name, "maps") || !strcmp(e->d_name, "report"))) ||
                  depth == 1))
            n += remove_legacy(p.buf, depth + 1);
    }
    if (d)
        (void)closedir(d);
    ws_strbuf_release(&p);
    return n;
}

static void note_legacy(struct ws_outfiles *o)
{
    size_t n = remove_legacy(o->dir, 0);
    struct ws_strbuf note = WS_STRBUF_INIT;

    if (n == 0)
        return;
    if (o->note)
        ws_strbuf_addf(&note, "%s; ", o->note);
    ws_strbuf_addf(&note,
                   "%zu temporary file%s of an earlier wijkscan version left in '%s' %s removed", n,
                   n == 1 ? "" : "s", o->dir, n == 1 ? "was" : "were");
    free(o->note);
    o->note = ws_strbuf_detach(&note);
}

int ws_outfiles_lock(struct ws_outfiles *o, struct ws_err *err)
{
    struct ws_strbuf work = WS_STRBUF_INIT;
    struct ws_strbuf lock = WS_STRBUF_INIT;
    int rc;

    if (o->work)
        return WS_OK;
    if ((rc = ws_mkdir_p(o->dir, o, err)))
        return rc;
    ws_strbuf_addf(&work, "%s/%s", o->dir, WS_OUTFILES_WORK);
    ws_strbuf_addf(&lock, "%s/lock", work.buf);
    o->work = ws_strbuf_detach(&work);
    for (int attempt = 0; (rc = try_lock(o, lock.buf, err)) == 1; attempt++) {
        if (attempt == 100) {
            rc = lock_error(o, "lock", EAGAIN, err);
            break;
        }
    }
    ws_strbuf_release(&lock);
    if (rc) {
        free(o->work);
        o->work = NULL;
        return rc;
    }
    sig_arm(o);
    note_legacy(o);
    return WS_OK;
}

/* Removes the private folder and lets the lock go. */
static void unlock(struct ws_outfiles *o)
{
    struct ws_strbuf lock = WS_STRBUF_INIT;

    if (!o->work)
        return;
    sig_disarm();
    (void)clear_folder(o->work, "lock");
    ws_strbuf_addf(&lock, "%s/lock", o->work);
    (void)unlink(lock.buf);
    (void)rmdir(o->work);
    if (o->lock_fd >= 0)
        (void)close(o->lock_fd);
    o->lock_fd = -1;
    free(o->work);
    o->work = NULL;
    ws_strbuf_release(&lock);
}

void ws_outfiles_own(struct ws_outfiles *o, const char *scope)
{
    WS_VEC_GROW(o->scope, o->n_scope + 1, o->cap_scope);
    o->scope[o->n_scope++] = ws_xstrdup(scope);
}

/* --- files --------------------------------------------------------------------- */

int ws_outfiles_add(struct ws_outfiles *o, const char *rel, const char **tmp_path,
                    struct ws_err *err)
{
    struct ws_strbuf tmp = WS_STRBUF_INIT;
    const char *slash = strrchr(rel, '/');
    int rc;

    for (size_t i = 0; i < o->n; i++) {
        if (!strcmp(o->files[i].rel, rel)) {
            *tmp_path = o->files[i].tmp;
            return WS_OK;
        }
    }
    if ((rc = ws_outfiles_lock(o, err)))
        return rc;
    if (o->worker)
        ws_strbuf_addf(&tmp, "%s/w%u-%zu-%s", o->work, o->worker, o->n, slash ? slash + 1 : rel);
    else
        ws_strbuf_addf(&tmp, "%s/%zu-%s", o->work, o->n, slash ? slash + 1 : rel);
    (void)unlink(tmp.buf);
    WS_VEC_GROW(o->files, o->n + 1, o->cap);
    memset(&o->files[o->n], 0, sizeof(o->files[o->n]));
    o->files[o->n].rel = ws_xstrdup(rel);
    o->files[o->n].tmp = ws_strbuf_detach(&tmp);
    ws_strbuf_addf(&tmp, "%s/%s", o->dir, rel);
    o->files[o->n].final = ws_strbuf_detach(&tmp);
    *tmp_path = o->files[o->n].tmp;
    o->n++;
    return WS_OK;
}

void ws_outfiles_set_worker(struct ws_outfiles *o, unsigned worker)
{
    o->worker = worker;
}

/* --- the record of what wijkscan wrote ----------------------------------------- */

static bool in_scope(const struct ws_outfiles *o, const char *rel)
{
    for (size_t i = 0; i < o->n_scope; i++) {
        const char *s = o->scope[i];
        size_t len = strlen(s);
        if (!strcmp(s, ".")            ? strchr(rel, '/') == NULL
            : len && s[len - 1] == '/' ? strncmp(rel, s, len) == 0
                                       : strcmp(rel, s) == 0)
            return true;
    }
    return false;
}

static bool written(const struct ws_outfiles *o, const char *rel)
{
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->files[i].rel, rel))
            return true;
    return false;
}

/* A recorded path that may be removed: relative, inside OUTDIR. */
static bool safe_rel(const char *rel)
{
    if (!rel[0] || rel[0] == '/' || !strcmp(rel, WS_OUTFILES_RECORD))
        return false;
    for (const char *p = rel; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
        if (!strncmp(p, "..", 2) && (p[2] == '/' || p[2] == '\0'))
            return false;
    size_t wl = strlen(WS_OUTFILES_WORK);
    return !(strncmp(rel, WS_OUTFILES_WORK, wl) == 0 && (rel[wl] == '\0' || rel[wl] == '/'));
}

/* Reads OUTDIR/.wijkscan-files: the recorded paths (owned) and their count. */
static char **read_record(const struct ws_outfiles *o, size_t *n)
{
    struct ws_strbuf path = WS_STRBUF_INIT;
    char **v = NULL;
    size_t cap = 0;
    char line[4096];
    FILE *fp;

    *n = 0;
    ws_strbuf_addf(&path, "%s/%s", o->dir, WS_OUTFILES_RECORD);
    fp = fopen(path.buf, "r");
    ws_strbuf_release(&path);
    if (!fp)
        return NULL;
    while (fgets(line, sizeof(line), fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (!safe_rel(line))
            continue;
        WS_VEC_GROW(v, *n + 1, cap);
        v[(*n)++] = ws_xstrdup(line);
    }
    (void)fclose(fp);
    return v;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Writes the new record (the earlier entries out of scope, then this run's
 * files) into the private folder and adds it to the set. */
static int stage_record(struct ws_outfiles *o, char **prev, size_t n_prev, struct ws_err *err)
{
    struct ws_strbuf text = WS_STRBUF_INIT;
    const char *tmp = NULL;
    size_t n_files = o->n;
    FILE *fp = NULL;
    int rc;

    for (size_t i = 0; i < n_prev; i++)
        if (!in_scope(o, prev[i]) && !written(o, prev[i]))
            ws_strbuf_addf(&text, "%s\n", prev[i]);
    for (size_t i = 0; i < n_files; i++)
        ws_strbuf_addf(&text, "%s\n", o->files[i].rel);
    if ((rc = ws_outfiles_add(o, WS_OUTFILES_RECORD, &tmp, err)))
        goto out;
    fp = fopen(tmp, "w");
    if (!fp || fwrite(text.buf, 1, text.len, fp) != text.len) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", tmp);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    }
    if (fp && fclose(fp) != 0 && !rc) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", tmp);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    }
out:
    ws_strbuf_release(&text);
    return rc;
}

/* Removes the recorded files in scope that this run did not write, and
 * the folders they leave empty (never OUTDIR itself). */
static void remove_stale(const struct ws_outfiles *o, char **prev, size_t n_prev)
{
    struct ws_strbuf p = WS_STRBUF_INIT;
    struct stat sb;

    for (size_t i = 0; i < n_prev; i++) {
        if (!in_scope(o, prev[i]) || written(o, prev[i]))
            continue;
        ws_strbuf_reset(&p);
        ws_strbuf_addf(&p, "%s/%s", o->dir, prev[i]);
        if (lstat(p.buf, &sb) != 0 || !S_ISREG(sb.st_mode) || unlink(p.buf) != 0)
            continue;
        for (char *slash = strrchr(p.buf, '/'); slash && (size_t)(slash - p.buf) > strlen(o->dir);
             slash = strrchr(p.buf, '/')) {
            *slash = '\0';
            if (rmdir(p.buf) != 0)
                break;
        }
    }
    ws_strbuf_release(&p);
}

/* --- commit and abort ------------------------------------------------------------ */

/* Puts back every file renamed so far and removes the folders made. */
static void roll_back(struct ws_outfiles *o, char **made, size_t n_made)
{
    for (size_t i = o->n; i-- > 0;) {
        struct ws_outfile *f = &o->files[i];
        if (f->renamed) {
            if (f->backup)
                (void)rename(f->backup, f->final);
            else
                (void)unlink(f->final);
        }
        f->renamed = false;
    }
    for (size_t i = n_made; i-- > 0;)
        (void)rmdir(made[i]);
}

/* Moves one file into place, keeping a hard link to the file it replaces. */
static int put_in_place(struct ws_outfiles *o, size_t i, char ***made, size_t *n_made,
                        size_t *cap_made, struct ws_err *err)
{
    struct ws_outfile *f = &o->files[i];
    struct ws_strbuf parent = WS_STRBUF_INIT;
    struct ws_strbuf bak = WS_STRBUF_INIT;
    struct stat sb;
    int rc;

    ws_strbuf_add(&parent, f->final, (size_t)(strrchr(f->final, '/') - f->final));
    rc = mkdir_p_into(parent.buf, made, n_made, cap_made, err);
    ws_strbuf_release(&parent);
    if (rc)
        return rc;
    if (lstat(f->final, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        ws_strbuf_addf(&bak, "%s/bak-%zu", o->work, i);
        (void)unlink(bak.buf);
        if (link(f->final, bak.buf) != 0 && rename(f->final, bak.buf) != 0) {
            int e = errno;
            ws_err_set(err, WS_ECANTCREAT, "cannot replace '%s'", f->final);
            ws_err_cause(err, "%s", strerror(e));
            ws_err_hint(err, "check the permissions of the output folder; the output folder "
                             "was left as it was");
            ws_strbuf_release(&bak);
            return WS_ECANTCREAT;
        }
        f->backup = ws_strbuf_detach(&bak);
    }
    if (rename(f->tmp, f->final) != 0) {
        int e = errno;
        ws_err_set(err, WS_ECANTCREAT, "cannot write '%s'", f->final);
        ws_err_cause(err, "%s", strerror(e));
        ws_err_hint(err, "check the permissions of the output folder and that nothing is in "
                         "the way; the output folder was left as it was");
        return WS_ECANTCREAT;
    }
    f->renamed = true;
    return WS_OK;
}

int ws_outfiles_commit(struct ws_outfiles *o, struct ws_err *err)
{
    char **prev = NULL;
    size_t n_prev = 0;
    char **made = NULL;
    size_t n_made = 0;
    size_t cap_made = 0;
    int rc;

    if ((rc = ws_outfiles_lock(o, err)))
        return rc;
    prev = read_record(o, &n_prev);
    if ((rc = stage_record(o, prev, n_prev, err)))
        goto out;
    sig_committing = 1;
    for (size_t i = 0; i < o->n && !rc; i++)
        rc = put_in_place(o, i, &made, &n_made, &cap_made, err);
    if (rc) {
        roll_back(o, made, n_made);
    } else {
        remove_stale(o, prev, n_prev);
        for (size_t i = 0; i < o->n_dirs; i++)
            free(o->made_dirs[i]);
        o->n_dirs = 0; /* committed: the folders stay */
        sig_arm(o);
    }
    for (size_t i = 0; i < o->n; i++) {
        if (o->files[i].backup)
            (void)unlink(o->files[i].backup);
        free(o->files[i].backup);
        o->files[i].backup = NULL;
        o->files[i].renamed = false;
    }
    sig_committing = 0;
out:
    free_strings(prev, n_prev);
    free_strings(made, n_made);
    if (sig_pending)
        (void)raise((int)sig_pending);
    return rc;
}

void ws_outfiles_abort(struct ws_outfiles *o)
{
    for (size_t i = 0; i < o->n; i++)
        (void)unlink(o->files[i].tmp);
    unlock(o);
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
    unlock(o);
    for (size_t i = 0; i < o->n; i++) {
        free(o->files[i].rel);
        free(o->files[i].tmp);
        free(o->files[i].final);
        free(o->files[i].backup);
    }
    for (size_t i = 0; i < o->n_dirs; i++)
        free(o->made_dirs[i]);
    free_strings(o->scope, o->n_scope);
    free(o->files);
    free(o->made_dirs);
    free(o->dir);
    free(o->note);
    memset(o, 0, sizeof(*o));
    o->lock_fd = -1;
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
