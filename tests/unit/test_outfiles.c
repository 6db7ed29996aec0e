/*
 * test_outfiles.c - all-or-nothing output: commit renames every file, abort
 * leaves nothing behind (not even the folders it made).
 */
#include "helpers.h"

#include "wijkscan/outfiles.h"

#include <cmocka.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_blocked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
