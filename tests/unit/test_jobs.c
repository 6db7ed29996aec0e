/*
 * test_jobs.c - tasks in worker processes: the same files (names, temporary
 * names, bytes), warnings and log lines in task order whatever the number of
 * jobs, and whatever order the workers start them in (largest first); the
 * first failing task's error; a worker that dies is an error; nothing left
 * in the private folder after an abort.
 */
#include "helpers.h"

#include "wijkscan/core/jobs.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/outfiles.h"
#include "wijkscan/core/strbuf.h"

#include <cmocka.h>

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_TASKS 7

struct ctx {
    int fail_at;  /* task that fails, -1: none */
    int crash_at; /* task whose worker dies, -1: none */
};

/* Task t writes t%2 + 1 files, named after the task, adds a warning for
 * odd t and fails or dies where told. */
static int task(size_t t, void *ctx_, struct ws_outfiles *out, struct ws_warnings *warn,
                struct ws_err *err)
{
    const struct ctx *ctx = ctx_;

    if ((int)t == ctx->crash_at)
        raise(SIGKILL);
    if ((int)t == ctx->fail_at)
        return ws_err_set(err, WS_EDATA, "task %zu failed", t);
    for (size_t k = 0; k <= t % 2; k++) {
        char rel[64];
        const char *tmp = NULL;
        FILE *fp;
        snprintf(rel, sizeof(rel), "maps/t%zu-%zu.txt", t, k);
        if (ws_outfiles_add(out, rel, &tmp, err))
            return err->code;
        fp = fopen(tmp, "w");
        assert_non_null(fp);
        fprintf(fp, "task %zu file %zu\n", t, k);
        assert_int_equal(fclose(fp), 0);
    }
    if (t % 2 && warn)
        ws_warnings_add(warn, "task %zu warns", t);
    ws_log_verbose("task %zu done", t);
    return WS_OK;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    struct ws_strbuf sb = WS_STRBUF_INIT;
    char buf[256];
    size_t n;

    assert_non_null(fp);
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        ws_strbuf_add(&sb, buf, n);
    fclose(fp);
    return ws_strbuf_detach(&sb);
}

/* Runs every task with `jobs` jobs into a fresh set; returns the status,
 * the registered files as "rel tmp-basename content" lines and the
 * warnings. */
/* Sizes that make the workers start the last tasks first. */
static const size_t sizes[N_TASKS] = {1, 1, 2, 3, 5, 8, 13};

static int run_sized(unsigned jobs, const size_t *size, const struct ctx *ctx, const char *dir,
                     char **files, struct ws_warnings *warn, struct ws_err *err)
{
    struct ws_outfiles out;
    struct ws_strbuf sb = WS_STRBUF_INIT;
    int rc;

    ws_jobs_set(jobs);
    ws_outfiles_init(&out, dir);
    if (size)
        rc = ws_jobs_run_sized("task", N_TASKS, size, task, (void *)ctx, &out, warn, err);
    else
        rc = ws_jobs_run("task", N_TASKS, task, (void *)ctx, &out, warn, err);
    for (size_t i = 0; !rc && i < out.n; i++) {
        char *text = slurp(out.files[i].tmp);
        ws_strbuf_addf(&sb, "%s %s %s", out.files[i].rel, strrchr(out.files[i].tmp, '/') + 1, text);
        free(text);
    }
    *files = ws_strbuf_detach(&sb);
    if (rc) {
        ws_outfiles_abort(&out);
    } else {
        assert_int_equal(ws_outfiles_commit(&out, err), WS_OK);
    }
    ws_outfiles_release(&out);
    ws_jobs_set(0);
    return rc;
}

static int run_with(unsigned jobs, const struct ctx *ctx, const char *dir, char **files,
                    struct ws_warnings *warn, struct ws_err *err)
{
    return run_sized(jobs, NULL, ctx, dir, files, warn, err);
}

static void test_same_whatever_jobs(void **state)
{
    struct ctx ctx = {-1, -1};
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    char *one = NULL;
    struct ws_warnings w1 = WS_WARNINGS_INIT;
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    assert_int_equal(run_with(1, &ctx, out, &one, &w1, &err), WS_OK);
    assert_non_null(strstr(one, "maps/t0-0.txt 0-t0-0.txt task 0 file 0\n"));
    assert_non_null(strstr(one, "maps/t6-0.txt 9-t6-0.txt task 6 file 0\n"));
    assert_int_equal(w1.n, 3);
    assert_string_equal(w1.msg[2], "task 5 warns");
    for (unsigned run = 0; run < 4; run++) {
        unsigned jobs = run % 2 ? 9 : 2;
        char *many = NULL;
        struct ws_warnings w = WS_WARNINGS_INIT;
        assert_int_equal(run_sized(jobs, run < 2 ? NULL : sizes, &ctx, out, &many, &w, &err),
                         WS_OK);
        assert_string_equal(many, one); // same names, temporary names, bytes
        assert_int_equal(w.n, w1.n);
        for (size_t i = 0; i < w.n; i++)
            assert_string_equal(w.msg[i], w1.msg[i]);
        ws_warnings_release(&w);
        free(many);
    }
    ws_warnings_release(&w1);
    free(one);
    ws_test_rmtree(dir);
    free(out);
    free(dir);
}

/* Nothing but the lock may be left in the private folder after an abort;
 * the folder itself is gone. */
static void assert_clean(const char *out)
{
    char *work = ws_test_path(out, WS_OUTFILES_WORK);
    DIR *d = opendir(work);
    assert_null(d);
    free(work);
}

static void test_failure(void **state)
{
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");

    (void)state;
    for (unsigned jobs = 1; jobs <= 3; jobs++) {
        struct ctx fail = {4, -1};
        struct ctx crash = {-1, 3};
        struct ws_err err = WS_ERR_INIT;
        char *files = NULL;
        assert_int_equal(run_with(jobs, &fail, out, &files, NULL, &err), WS_EDATA);
        assert_string_equal(err.what, "task 4 failed");
        free(files);
        assert_clean(out);
        if (jobs == 1)
            continue; // a task that kills its own process: workers only
        ws_err_clear(&err);
        assert_int_equal(run_with(jobs, &crash, out, &files, NULL, &err), WS_EINTERNAL);
        assert_non_null(strstr(err.what, "stopped by signal 9"));
        free(files);
        assert_clean(out);
    }
    ws_test_rmtree(dir);
    free(out);
    free(dir);
}

static void test_order(void **state)
{
    const size_t mixed[] = {3, 9, 1, 9, 5, 0, 3};
    const size_t want[] = {1, 3, 4, 0, 6, 2, 5};
    const size_t same[] = {4, 4, 4};
    size_t order[7];

    (void)state;
    ws_jobs_order(mixed, 7, order);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(order[i], want[i]);
    ws_jobs_order(same, 3, order); // equal sizes: task order
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(order[i], i);
    ws_jobs_order(sizes, N_TASKS, order);
    for (size_t i = 0; i < N_TASKS; i++)
        assert_int_equal(order[i], i < 5 ? N_TASKS - 1 - i : i - 5); // 1, 1: task order
}

static void test_count(void **state)
{
    (void)state;
    ws_jobs_set(0);
    assert_true(ws_jobs_get() >= 1);
    ws_jobs_set(3);
    assert_int_equal(ws_jobs_get(), 3);
    ws_jobs_set(1000);
    assert_int_equal(ws_jobs_get(), WS_JOBS_MAX);
    ws_jobs_set(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_whatever_jobs),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_count),
    };
    ws_log_set_level(WS_LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
