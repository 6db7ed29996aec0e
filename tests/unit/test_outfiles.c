/*
 * test_outfiles.c - all-or-nothing output: commit renames every file, abort
 * leaves nothing behind (not even the folders it made); one set per OUTDIR at
 * a time; a failed rename rolls the commit back; stale recorded outputs go,
 * the user's files stay.
 */
#include "helpers.h"

#include "wijkscan/core/outfiles.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static bool exists(const char *dir, const char *rel)
{
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    return stat(path, &sb) == 0;
}

static void test_commit(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    const char *a;
    const char *b;
    const char *again;
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    (void)state;

    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_add(&o, "indicators.csv", &a, &err), WS_OK);
    assert_int_equal(ws_outfiles_add(&o, "maps/rate.png", &b, &err), WS_OK);
    assert_int_equal(ws_outfiles_add(&o, "indicators.csv", &again, &err), WS_OK);
    assert_ptr_equal(a, again);
    write_file(a, "x\n");
    write_file(b, "y\n");
    assert_false(exists(out, "indicators.csv"));
    assert_int_equal(ws_outfiles_commit(&o, &err), WS_OK);
    assert_true(exists(out, "indicators.csv"));
    assert_true(exists(out, "maps/rate.png"));
    assert_false(exists(a, ""));
    ws_outfiles_release(&o);

    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(out);
    free(dir);
}

static void test_abort(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    const char *a;
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    (void)state;

    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_add(&o, "report/sub/index.html", &a, &err), WS_OK);
    write_file(a, "z\n");
    ws_outfiles_abort(&o);
    ws_outfiles_release(&o);
    assert_false(exists(dir, "out"));
    ws_test_rmtree(dir);
    free(out);
    free(dir);
}

static void test_blocked(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    const char *a;
    char *dir = ws_test_tmpdir();
    char *file = ws_test_path(dir, "file");
    char *out = ws_test_path(file, "out");
    (void)state;

    write_file(file, "in the way\n");
    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_add(&o, "x.csv", &a, &err), WS_ECANTCREAT);
    assert_non_null(strstr(err.what, "a file is in the way"));
    assert_non_null(strstr(err.hint, "-o"));
    ws_outfiles_abort(&o);
    ws_outfiles_release(&o);
    ws_test_rmtree(dir);
    free(out);
    free(file);
    free(dir);
}

static char *read_text(const char *dir, const char *rel)
{
    char path[4096];
    char buf[4096];
    size_t n;
    FILE *fp;
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    fp = fopen(path, "r");
    if (!fp)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return strdup(buf);
}

static void commit_files(const char *out, const char *const *rels, const char *own,
                         const char *text)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    const char *tmp;

    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_lock(&o, &err), WS_OK);
    ws_outfiles_own(&o, own);
    for (size_t i = 0; rels[i]; i++) {
        assert_int_equal(ws_outfiles_add(&o, rels[i], &tmp, &err), WS_OK);
        write_file(tmp, text);
    }
    assert_int_equal(ws_outfiles_commit(&o, &err), WS_OK);
    ws_outfiles_release(&o);
}

static void test_lock(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles a;
    struct ws_outfiles b;
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    char pid[32];
    struct stat sb;
    (void)state;

    ws_outfiles_init(&a, out);
    ws_outfiles_init(&b, out);
    assert_int_equal(ws_outfiles_lock(&a, &err), WS_OK);
    assert_null(a.note);
    assert_int_equal(stat(a.work, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    // a second holder (another open file: flock conflicts in one process too)
    assert_int_equal(ws_outfiles_lock(&b, &err), WS_ECANTCREAT);
    snprintf(pid, sizeof(pid), "(PID %ld)", (long)getpid());
    assert_non_null(strstr(err.what, "in use by another wijkscan run"));
    assert_non_null(strstr(err.what, pid));
    ws_outfiles_abort(&a);
    ws_outfiles_release(&a);
    assert_false(exists(dir, "out"));
    // free again
    assert_int_equal(ws_outfiles_lock(&b, &err), WS_OK);
    ws_outfiles_release(&b);
    assert_false(exists(out, WS_OUTFILES_WORK));
    ws_test_rmtree(dir);
    free(out);
    free(dir);
}

static void test_stale_lock(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    char *work = ws_test_path(out, WS_OUTFILES_WORK);
    char *lock = ws_test_path(work, "lock");
    char *left = ws_test_path(work, "3-index.html");
    (void)state;

    assert_int_equal(mkdir(out, 0755), 0);
    assert_int_equal(mkdir(work, 0700), 0);
    write_file(lock, "4242\n");
    write_file(left, "half a file");
    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_lock(&o, &err), WS_OK);
    assert_non_null(o.note);
    assert_non_null(strstr(o.note, "(PID 4242)"));
    assert_non_null(strstr(o.note, "1 temporary file removed"));
    assert_false(exists(work, "3-index.html"));
    ws_outfiles_release(&o);
    assert_false(exists(out, WS_OUTFILES_WORK));
    ws_test_rmtree(dir);
    free(left);
    free(lock);
    free(work);
    free(out);
    free(dir);
}

static void test_rollback(void **state)
{
    struct ws_err err = WS_ERR_INIT;
    struct ws_outfiles o;
    const char *tmp;
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    char *blocker = ws_test_path(out, "z/blocked.txt");
    const char *const first[] = {"a.csv", "maps/m.png", "z/blocked.txt", NULL};
    char *text;
    (void)state;

    commit_files(out, first, ".", "old\n");
    // turn the last file into a folder: its rename fails after a.csv and a
    // new file were already in place
    assert_int_equal(unlink(blocker), 0);
    assert_int_equal(mkdir(blocker, 0755), 0);
    ws_outfiles_init(&o, out);
    assert_int_equal(ws_outfiles_add(&o, "a.csv", &tmp, &err), WS_OK);
    write_file(tmp, "new\n");
    assert_int_equal(ws_outfiles_add(&o, "new/b.csv", &tmp, &err), WS_OK);
    write_file(tmp, "new\n");
    assert_int_equal(ws_outfiles_add(&o, "z/blocked.txt", &tmp, &err), WS_OK);
    write_file(tmp, "new\n");
    assert_int_equal(ws_outfiles_commit(&o, &err), WS_ECANTCREAT);
    assert_non_null(strstr(err.what, "blocked.txt"));
    ws_outfiles_abort(&o);
    ws_outfiles_release(&o);
    text = read_text(out, "a.csv");
    assert_string_equal(text, "old\n");
    free(text);
    assert_false(exists(out, "new"));
    assert_false(exists(out, WS_OUTFILES_WORK));
    text = read_text(out, WS_OUTFILES_RECORD);
    assert_string_equal(text, "a.csv\nmaps/m.png\nz/blocked.txt\n");
    free(text);
    ws_test_rmtree(dir);
    free(blocker);
    free(out);
    free(dir);
}

static void test_stale_outputs(void **state)
{
    char *dir = ws_test_tmpdir();
    char *out = ws_test_path(dir, "out");
    char *user = ws_test_path(out, "report/GM0002/mine.txt");
    const char *const first[] = {"t.csv", "report/GM0001/index.html", "report/GM0002/index.html",
                                 "maps/a.png", NULL};
    const char *const second[] = {"report/index.html", NULL};
    char *text;
    (void)state;

    commit_files(out, first, ".", "1\n");
    write_file(user, "mine\n");
    // a run that owns report/ only: the other reports go, maps/ and t.csv stay
    commit_files(out, second, "report/", "2\n");
    assert_false(exists(out, "report/GM0001"));
    assert_false(exists(out, "report/GM0002/index.html"));
    assert_true(exists(out, "report/GM0002/mine.txt"));
    assert_true(exists(out, "report/index.html"));
    assert_true(exists(out, "maps/a.png"));
    assert_true(exists(out, "t.csv"));
    text = read_text(out, WS_OUTFILES_RECORD);
    assert_string_equal(text, "t.csv\nmaps/a.png\nreport/index.html\n");
    free(text);
    ws_test_rmtree(dir);
    free(user);
    free(out);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit),        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_blocked),       cmocka_unit_test(test_lock),
        cmocka_unit_test(test_stale_lock),    cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_stale_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
