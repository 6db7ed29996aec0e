/*
 * helpers.h - small additions to cmocka shared by the unit tests.
 *
 * Self-contained: it includes <cmocka.h> with the headers cmocka needs
 * first, so it may come before or after them.  Everything here is static so
 * each test binary gets its own copy; unused helpers cost nothing.
 *
 *   assert_double_close(obs, exp, abs_tol, rel_tol)
 *       passes when |obs - exp| <= abs_tol or <= rel_tol * |exp|; NaN equals
 *       only NaN.  On failure prints both values (17 significant digits).
 *   ws_test_tmpdir()
 *       makes a fresh directory /tmp/wijkscan-test-XXXXXX and returns its
 *       path (owned, free with free()); fails the test if it cannot.
 *   ws_test_rmtree(path)
 *       removes a directory made by ws_test_tmpdir() and the files in it.
 *   ws_test_path(dir, name)
 *       "DIR/NAME" (owned, free with free()).
 */
#ifndef WIJKSCAN_TEST_HELPERS_H
#define WIJKSCAN_TEST_HELPERS_H

// cmocka.h needs these four first; keep the order
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* fail() and stop: cmocka's _fail() is not declared noreturn, so the
 * compiler would otherwise assume execution continues after it. */
static inline _Noreturn void ws_fail_hard_(void)
{
    fail();
    abort();
}

static inline void ws_assert_double_close_(double obs, double exp, double abs_tol, double rel_tol,
                                           const char *obs_text, const char *exp_text,
                                           const char *file, int line)
{
    double diff;

    if (isnan(obs) || isnan(exp)) {
        if (isnan(obs) && isnan(exp))
            return;
    } else {
        diff = fabs(obs - exp);
        if (diff <= abs_tol || diff <= rel_tol * fabs(exp))
            return;
    }
    print_error("%s = %.17g is not close to %s = %.17g (abs_tol %g, rel_tol %g)\n", obs_text, obs,
                exp_text, exp, abs_tol, rel_tol);
    _fail(file, line);
}

#define assert_double_close(obs, exp, abs_tol, rel_tol)                                            \
    ws_assert_double_close_((obs), (exp), (abs_tol), (rel_tol), #obs, #exp, __FILE__, __LINE__)

static inline char *ws_test_tmpdir(void)
{
    char tmpl[] = "/tmp/wijkscan-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *copy;

    if (!dir) {
        print_error("cannot make a temporary directory under /tmp\n");
        ws_fail_hard_();
    }
    copy = malloc(strlen(dir) + 1);
    if (!copy)
        ws_fail_hard_();
    strcpy(copy, dir);
    return copy;
}

/* Removes path and the files directly in it (test folders are flat); only
 * for paths under /tmp. */
static inline void ws_test_rmtree(const char *path)
{
    DIR *d;
    struct dirent *e;
    char buf[4096];

    if (!path || strncmp(path, "/tmp/", 5) != 0)
        return;
    d = opendir(path);
    if (d) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(buf, sizeof(buf), "%s/%s", path, e->d_name);
            (void)unlink(buf);
        }
        closedir(d);
    }
    (void)rmdir(path);
}

/* path "DIR/NAME", owned (free with free()). */
static inline char *ws_test_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (!p)
        abort(); /* cmocka's fail() is not declared noreturn */
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/*
 * Reading reference fixtures (CSV files in tests/fixtures/reference, written by
 * the R scripts in scripts/reference): a header line and comma-separated cells without
 * quoting.  Tests run from the repository root.
 *
 *   struct ws_test_csv t;  ws_test_csv_load(&t, path);   fails the test if unreadable
 *   ws_test_csv_col(&t, "name")   column index; fails the test if absent
 *   ws_test_csv_num(&t, row, col) the cell as a double: "NA" or empty is NAN,
 *                                 "NaN" is NAN, "Inf"/"-Inf" are infinities
 *   ws_test_csv_str(&t, row, col) the cell text (borrowed, valid until _free)
 *   ws_test_csv_find(&t, col, text) first row whose cell equals text, or fails
 *   ws_test_csv_free(&t)
 */
#ifndef WS_TEST_REF_DIR
#define WS_TEST_REF_DIR "tests/fixtures/reference"
#endif

struct ws_test_csv {
    size_t n_rows;
    size_t n_cols;
    char **names; /* n_cols header cells */
    char **cells; /* n_rows * n_cols, row major */
};

static inline char **ws_test_csv_split_(char *line, size_t *n_out)
{
    size_t n = 1, k = 0;
    char *p, **v;

    line[strcspn(line, "\r\n")] = '\0';
    for (p = line; *p; p++)
        n += *p == ',';
    v = malloc(n * sizeof(*v));
    if (!v)
        ws_fail_hard_();
    v[k++] = line;
    for (p = line; *p; p++) {
        if (*p == ',') {
            *p = '\0';
            v[k++] = p + 1;
        }
    }
    *n_out = n;
    return v;
}

static inline void ws_test_csv_load(struct ws_test_csv *t, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *copy, **v;
    size_t cap = 0, n, j, rows_cap = 0;
    ssize_t len;

    memset(t, 0, sizeof(*t));
    if (!f) {
        print_error("cannot open fixture '%s' (run the tests from the repository root)\n", path);
        ws_fail_hard_();
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len == 0 || line[0] == '\n')
            continue;
        copy = malloc((size_t)len + 1);
        if (!copy)
            ws_fail_hard_();
        memcpy(copy, line, (size_t)len + 1);
        v = ws_test_csv_split_(copy, &n);
        if (!t->names) {
            t->names = v;
            t->n_cols = n;
            continue;
        }
        if (n != t->n_cols) {
            print_error("'%s', data line %zu: %zu cells, header has %zu\n", path, t->n_rows + 1, n,
                        t->n_cols);
            ws_fail_hard_();
        }
        if (t->n_rows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 64;
            t->cells = realloc(t->cells, rows_cap * t->n_cols * sizeof(*t->cells));
            if (!t->cells)
                ws_fail_hard_();
        }
        for (j = 0; j < n; j++)
            t->cells[t->n_rows * t->n_cols + j] = v[j];
        // v[0] is the start of the row's buffer: remember it for _free
        t->n_rows++;
        free(v);
    }
    free(line);
    fclose(f);
    if (!t->names) {
        print_error("fixture '%s' is empty\n", path);
        ws_fail_hard_();
    }
}

static inline size_t ws_test_csv_col(const struct ws_test_csv *t, const char *name)
{
    size_t j;

    for (j = 0; j < t->n_cols; j++)
        if (strcmp(t->names[j], name) == 0)
            return j;
    print_error("fixture has no column '%s'\n", name);
    ws_fail_hard_();
    return 0;
}

static inline const char *ws_test_csv_str(const struct ws_test_csv *t, size_t row, size_t col)
{
    assert_true(row < t->n_rows && col < t->n_cols);
    return t->cells[row * t->n_cols + col];
}

static inline double ws_test_csv_num(const struct ws_test_csv *t, size_t row, size_t col)
{
    const char *s = ws_test_csv_str(t, row, col);
    char *end;
    double x;

    if (s[0] == '\0' || strcmp(s, "NA") == 0)
        return NAN;
    x = strtod(s, &end);
    if (*end != '\0') {
        print_error("fixture cell '%s' (row %zu, column '%s') is not a number\n", s, row,
                    t->names[col]);
        ws_fail_hard_();
    }
    return x;
}

static inline size_t ws_test_csv_find(const struct ws_test_csv *t, size_t col, const char *text)
{
    size_t i;

    for (i = 0; i < t->n_rows; i++)
        if (strcmp(ws_test_csv_str(t, i, col), text) == 0)
            return i;
    print_error("fixture has no row with '%s' = '%s'\n", t->names[col], text);
    ws_fail_hard_();
    return 0;
}

static inline void ws_test_csv_free(struct ws_test_csv *t)
{
    size_t i;

    for (i = 0; i < t->n_rows; i++)
        free(t->cells[i * t->n_cols]);
    free(t->cells);
    if (t->names)
        free(t->names[0]);
    free(t->names);
    memset(t, 0, sizeof(*t));
}

/* A seeded xorshift64* generator for the property tests: deterministic on
 * every platform, independent of the library's own. */
struct ws_test_rng {
    uint64_t s;
};

static inline uint64_t ws_test_rng_next(struct ws_test_rng *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * 2685821657736338717ULL;
}

/* Uniform in [0, 1). */
static inline double ws_test_rng_unif(struct ws_test_rng *g)
{
    return (double)(ws_test_rng_next(g) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
