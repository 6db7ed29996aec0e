/*
 * jobs.c - independent tasks in forked worker processes (see jobs.h).
 *
 * Processes rather than threads: cairo, pango, fontconfig and GDAL keep
 * global state, and a worker that writes distinct files needs nothing
 * shared but a task counter (an anonymous shared mapping).  Each worker
 * sends one record per task over its own pipe:
 *
 *   task, status, the struct ws_err, the captured log lines, the warnings,
 *   and every file it registered as (rel, temporary path)
 *
 * and the parent reads every pipe until it closes, reaps the workers and
 * then takes the records in task order.
 */
#include "wijkscan/core/jobs.h"

#include "wijkscan/core/log.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/strbuf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned jobs_wanted;

void ws_jobs_set(unsigned n)
{
    jobs_wanted = n > WS_JOBS_MAX ? WS_JOBS_MAX : n;
}

unsigned ws_jobs_get(void)
{
    long cores;

    if (jobs_wanted)
        return jobs_wanted;
    cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        return 1;
    return cores > WS_JOBS_MAX ? WS_JOBS_MAX : (unsigned)cores;
}

/* --- what a signal handler may use ------------------------------------------ */

static volatile sig_atomic_t sig_pids[WS_JOBS_MAX];

void ws_jobs_signal_stop(void)
{
    for (int i = 0; i < WS_JOBS_MAX; i++) {
        pid_t pid = (pid_t)sig_pids[i];
        if (pid <= 0)
            continue;
        (void)kill(pid, SIGKILL);
        (void)waitpid(pid, NULL, 0);
        sig_pids[i] = 0;
    }
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CAUGHT (sizeof(caught) / sizeof(caught[0]))

/* --- the shared counter --------------------------------------------------------- */

struct shared {
    atomic_size_t next; /* the next place in the start order */
    atomic_size_t done; /* tasks finished, for the progress line */
    atomic_int stop;
};

/* --- the start order ------------------------------------------------------------ */

void ws_jobs_order(const size_t *size, size_t n, size_t *order)
{
    // insertion sort, stable: the largest first, equal sizes in task order
    // (a few hundred tasks at most, each taking far longer than this)
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && size[order[k - 1]] < size[i]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
}

/* --- records ----------------------------------------------------------------- */

static void put_u64(struct ws_strbuf *b, uint64_t v)
{
    ws_strbuf_add(b, &v, sizeof(v));
}

static void put_str(struct ws_strbuf *b, const char *s, size_t len)
{
    put_u64(b, len);
    ws_strbuf_add(b, s, len);
}

struct reader {
    const char *p;
    size_t left;
    bool bad;
};

static uint64_t get_u64(struct reader *r)
{
    uint64_t v = 0;

    if (r->left < sizeof(v)) {
        r->bad = true;
        r->left = 0;
        return 0;
    }
    memcpy(&v, r->p, sizeof(v));
    r->p += sizeof(v);
    r->left -= sizeof(v);
    return v;
}

/* A string of the record, borrowed (not NUL-terminated): its length in *len. */
static const char *get_str(struct reader *r, size_t *len)
{
    uint64_t n = get_u64(r);
    const char *s = r->p;

    if (n > r->left) {
        r->bad = true;
        r->left = 0;
        *len = 0;
        return "";
    }
    r->p += n;
    r->left -= n;
    *len = (size_t)n;
    return s;
}

static bool write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* --- the worker ----------------------------------------------------------------- */

struct run {
    const char *what;
    size_t n_tasks;
    const size_t *order; /* the start order, NULL: task order */
    ws_job_fn fn;
    void *ctx;
    struct ws_outfiles *out;
    bool want_warn;
    struct shared *sh;
};

static void record_task(struct ws_strbuf *rec, size_t task, int rc, const struct ws_err *e,
                        const struct ws_strbuf *log, const struct ws_warnings *w,
                        const struct ws_outfiles *o, size_t first_file)
{
    put_u64(rec, task);
    put_u64(rec, (uint64_t)(int64_t)rc);
    ws_strbuf_add(rec, e, sizeof(*e));
    put_str(rec, log->buf ? log->buf : "", log->len);
    put_u64(rec, w->n);
    for (size_t i = 0; i < w->n; i++)
        put_str(rec, w->msg[i], strlen(w->msg[i]));
    put_u64(rec, o->n - first_file);
    for (size_t i = first_file; i < o->n; i++) {
        put_str(rec, o->files[i].rel, strlen(o->files[i].rel));
        put_str(rec, o->files[i].tmp, strlen(o->files[i].tmp));
    }
}

static _Noreturn void worker(const struct run *r, unsigned number, int fd, pid_t parent)
{
    struct ws_strbuf log = WS_STRBUF_INIT;
    struct ws_strbuf rec = WS_STRBUF_INIT;
    sigset_t none;

    // die with the parent; signals do what they do by default (the parent
    // cleans up), unless they were ignored
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    for (size_t i = 0; i < N_CAUGHT; i++) {
        struct sigaction old;
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            (void)signal(caught[i], SIG_DFL);
    }
    (void)sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    ws_outfiles_set_worker(r->out, number);
    ws_log_capture(&log);
    while (!atomic_load(&r->sh->stop)) {
        size_t k = atomic_fetch_add(&r->sh->next, 1);
        struct ws_warnings w = WS_WARNINGS_INIT;
        struct ws_err e = WS_ERR_INIT;
        size_t first = r->out->n;
        size_t task;
        int rc;
        if (k >= r->n_tasks)
            break;
        task = r->order ? r->order[k] : k;
        rc = r->fn(task, r->ctx, r->out, r->want_warn ? &w : NULL, &e);
        if (rc)
            atomic_store(&r->sh->stop, 1);
        atomic_fetch_add(&r->sh->done, 1);
        ws_strbuf_reset(&rec);
        record_task(&rec, task, rc, &e, &log, &w, r->out, first);
        ws_strbuf_reset(&log);
        ws_warnings_release(&w);
        if (!write_all(fd, rec.buf, rec.len))
            _exit(1);
        if (rc)
            break;
    }
    _exit(0);
}

/* --- the parent ----------------------------------------------------------------- */

struct pool {
    unsigned n;
    pid_t pid[WS_JOBS_MAX];
    int fd[WS_JOBS_MAX];
    struct ws_strbuf data[WS_JOBS_MAX];
    int status[WS_JOBS_MAX];
};

static void block_signals(sigset_t *old)
{
    sigset_t set;

    (void)sigemptyset(&set);
    for (size_t i = 0; i < N_CAUGHT; i++)
        (void)sigaddset(&set, caught[i]);
    (void)sigprocmask(SIG_BLOCK, &set, old);
}

static int start_workers(const struct run *r, struct pool *p, struct ws_err *err)
{
    pid_t parent = getpid();
    int rc = WS_OK;
    sigset_t old;

    (void)fflush(NULL);
    block_signals(&old);
    for (unsigned k = 0; k < p->n && !rc; k++) {
        int fds[2];
        if (pipe(fds) != 0) {
            rc =
                ws_err_set(err, WS_EINTERNAL, "cannot start a worker process: %s", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            (void)close(fds[0]);
            for (unsigned j = 0; j < k; j++)
                (void)close(p->fd[j]);
            worker(r, k + 1, fds[1], parent);
        }
        (void)close(fds[1]);
        if (pid < 0) {
            (void)close(fds[0]);
            rc =
                ws_err_set(err, WS_EINTERNAL, "cannot start a worker process: %s", strerror(errno));
            break;
        }
        p->pid[k] = pid;
        p->fd[k] = fds[0];
        sig_pids[k] = pid;
    }
    (void)sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Reads every worker's pipe until all are closed; the progress line counts
 * the tasks finished (in any order: a worker counts a task it has done). */
static void drain(const struct run *r, struct pool *p)
{
    struct pollfd pfd[WS_JOBS_MAX];
    unsigned open_fds = 0;
    size_t shown = SIZE_MAX;
    size_t done;
    char buf[1 << 16];

    for (unsigned k = 0; k < p->n; k++)
        open_fds += p->fd[k] >= 0;
    while (open_fds) {
        done = atomic_load(&r->sh->done);
        if (done != shown)
            ws_log_progress("%s: %zu of %zu done, %u worker processes", r->what, done, r->n_tasks,
                            p->n);
        shown = done;
        for (unsigned k = 0; k < p->n; k++) {
            pfd[k].fd = p->fd[k];
            pfd[k].events = POLLIN;
            pfd[k].revents = 0;
        }
        if (poll(pfd, p->n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (unsigned k = 0; k < p->n; k++) {
            ssize_t got;
            if (p->fd[k] < 0 || !pfd[k].revents)
                continue;
            got = read(p->fd[k], buf, sizeof(buf));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                (void)close(p->fd[k]);
                p->fd[k] = -1;
                open_fds--;
                continue;
            }
            ws_strbuf_add(&p->data[k], buf, (size_t)got);
        }
    }
}

static void reap(struct pool *p)
{
    for (unsigned k = 0; k < p->n; k++) {
        if (p->pid[k] <= 0)
            continue;
        while (waitpid(p->pid[k], &p->status[k], 0) < 0 && errno == EINTR)
            ;
        sig_pids[k] = 0;
    }
}

/* One parsed record. */
struct rec {
    bool seen;
    int rc;
    struct ws_err err;
    struct reader body; /* log, warnings and files, still to read */
};

/* Splits worker k's data into records by task; false on a damaged stream. */
static bool split(const struct pool *p, unsigned k, struct rec *recs, size_t n_tasks)
{
    struct reader r = {p->data[k].buf, p->data[k].len, false};

    while (r.left && !r.bad) {
        uint64_t task = get_u64(&r);
        int rc = (int)(int64_t)get_u64(&r);
        struct rec *x;
        size_t len;
        if (r.bad || task >= n_tasks || r.left < sizeof(x->err))
            return false;
        x = &recs[task];
        x->seen = true;
        x->rc = rc;
        memcpy(&x->err, r.p, sizeof(x->err));
        r.p += sizeof(x->err);
        r.left -= sizeof(x->err);
        x->body = r;
        // skip the body: log, warnings, files
        (void)get_str(&r, &len);
        for (uint64_t n = get_u64(&r); n && !r.bad; n--)
            (void)get_str(&r, &len);
        for (uint64_t n = get_u64(&r); n && !r.bad; n--) {
            (void)get_str(&r, &len);
            (void)get_str(&r, &len);
        }
        x->body.left -= r.left;
    }
    return !r.bad;
}

static char *dup_n(const char *s, size_t len)
{
    return ws_xstrndup(s, len);
}

/* Takes one successful record: its log lines, warnings and files. */
static int take(const struct run *r, struct rec *x, struct ws_warnings *warn, struct ws_err *err)
{
    struct reader b = x->body;
    size_t len;
    const char *s = get_str(&b, &len);
    int rc = WS_OK;

    ws_log_replay(s, len);
    for (uint64_t n = get_u64(&b); n; n--) {
        s = get_str(&b, &len);
        if (warn) {
            char *m = dup_n(s, len);
            ws_warnings_add(warn, "%s", m);
            free(m);
        }
    }
    for (uint64_t n = get_u64(&b); n && !rc; n--) {
        const char *tmp = NULL;
        char *rel = NULL;
        char *from = NULL;
        s = get_str(&b, &len);
        rel = dup_n(s, len);
        s = get_str(&b, &len);
        from = dup_n(s, len);
        rc = ws_outfiles_add(r->out, rel, &tmp, err);
        if (!rc && rename(from, tmp) != 0)
            rc = ws_err_set(err, WS_ECANTCREAT, "cannot rename '%s' to '%s': %s", from, tmp,
                            strerror(errno));
        free(rel);
        free(from);
    }
    return rc;
}

/* The first failure in task order, else a worker that died, else WS_OK. */
static int verdict(const struct run *r, const struct pool *p, const struct rec *recs,
                   struct ws_err *err)
{
    for (size_t t = 0; t < r->n_tasks; t++) {
        if (recs[t].seen && recs[t].rc) {
            *err = recs[t].err;
            if (err->code == WS_OK)
                err->code = WS_EINTERNAL;
            return recs[t].rc;
        }
    }
    for (unsigned k = 0; k < p->n; k++) {
        int st = p->status[k];
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            continue;
        ws_err_set(err, WS_EINTERNAL, "a worker process (%s) stopped %s %d", r->what,
                   WIFSIGNALED(st) ? "by signal" : "with status",
                   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        ws_err_hint(err, "run again with --jobs 1 to see where it fails");
        return WS_EINTERNAL;
    }
    for (size_t t = 0; t < r->n_tasks; t++) {
        if (!recs[t].seen) {
            ws_err_set(err, WS_EINTERNAL, "%s %zu of %zu was not done by any worker", r->what,
                       t + 1, r->n_tasks);
            return WS_EINTERNAL;
        }
    }
    return WS_OK;
}

static int run_parallel(const struct run *r, unsigned n_workers, struct ws_warnings *warn,
                        struct ws_err *err)
{
    struct pool p;
    struct rec *recs = ws_xcalloc(r->n_tasks + 1, sizeof(*recs));
    int rc;

    memset(&p, 0, sizeof(p));
    p.n = n_workers;
    for (unsigned k = 0; k < p.n; k++) {
        p.fd[k] = -1;
        ws_strbuf_init(&p.data[k]);
    }
    rc = start_workers(r, &p, err);
    if (rc)
        atomic_store(&r->sh->stop, 1);
    drain(r, &p);
    reap(&p);
    ws_log_progress_done();
    for (unsigned k = 0; k < p.n && !rc; k++)
        if (!split(&p, k, recs, r->n_tasks))
            rc = ws_err_set(err, WS_EINTERNAL, "a worker process (%s) sent a damaged record",
                            r->what);
    rc = rc ? rc : verdict(r, &p, recs, err);
    for (size_t t = 0; t < r->n_tasks && !rc; t++)
        rc = take(r, &recs[t], warn, err);
    for (unsigned k = 0; k < p.n; k++)
        ws_strbuf_release(&p.data[k]);
    free(recs);
    return rc;
}

int ws_jobs_run(const char *what, size_t n_tasks, ws_job_fn fn, void *ctx, struct ws_outfiles *out,
                struct ws_warnings *warn, struct ws_err *err)
{
    return ws_jobs_run_sized(what, n_tasks, NULL, fn, ctx, out, warn, err);
}

int ws_jobs_run_sized(const char *what, size_t n_tasks, const size_t *size, ws_job_fn fn, void *ctx,
                      struct ws_outfiles *out, struct ws_warnings *warn, struct ws_err *err)
{
    unsigned n_workers = ws_jobs_get();
    size_t *order = NULL;
    struct run r;
    int rc = WS_OK;

    if (n_workers > n_tasks)
        n_workers = (unsigned)n_tasks;
    if (n_workers <= 1 || out->worker) {
        for (size_t t = 0; t < n_tasks && !rc; t++) {
            ws_log_progress("%s %zu of %zu", what, t + 1, n_tasks);
            rc = fn(t, ctx, out, warn, err);
        }
        ws_log_progress_done();
        return rc;
    }
    // the workers write into the run's private folder: take it first
    if ((rc = ws_outfiles_lock(out, err)))
        return rc;
    memset(&r, 0, sizeof(r));
    r.what = what;
    r.n_tasks = n_tasks;
    r.fn = fn;
    r.ctx = ctx;
    r.out = out;
    r.want_warn = warn != NULL;
    r.sh = mmap(NULL, sizeof(*r.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r.sh == MAP_FAILED)
        return ws_err_set(err, WS_EINTERNAL, "cannot share memory with worker processes: %s",
                          strerror(errno));
    atomic_init(&r.sh->next, 0);
    atomic_init(&r.sh->done, 0);
    atomic_init(&r.sh->stop, 0);
    if (size) {
        // the workers inherit the order (copied on fork)
        order = ws_xcalloc(n_tasks, sizeof(*order));
        ws_jobs_order(size, n_tasks, order);
        r.order = order;
    }
    rc = run_parallel(&r, n_workers, warn, err);
    (void)munmap(r.sh, sizeof(*r.sh));
    free(order);
    return rc;
}
