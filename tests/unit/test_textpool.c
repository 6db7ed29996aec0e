/*
 * test_textpool.c - interned strings, and indicator sets that share their
 * texts (as a set read from the store does).
 */
#include "helpers.h"

#include "wijkscan/core/indicators.h"
#include "wijkscan/core/textpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_intern_same_pointer(void **state)
{
    struct ws_text_pool *p = ws_text_pool_new();
    char buf[32];
    char *a;
    char *b;
    char *c;

    (void)state;
    assert_null(ws_text_pool_intern(p, NULL));
    a = ws_text_pool_intern(p, "BU00140100");
    (void)snprintf(buf, sizeof(buf), "BU0014%04d", 100);
    b = ws_text_pool_intern(p, buf);
    c = ws_text_pool_intern(p, "");
    assert_ptr_equal(a, b); // equal strings: one copy
    assert_string_equal(a, "BU00140100");
    assert_string_equal(c, "");
    assert_ptr_not_equal(a, c);
    assert_int_equal(ws_text_pool_count(p), 2);
    ws_text_pool_free(p);
}

/* Many strings (the table grows and the blocks fill), and one longer than a
 * block: each comes back intact and once. */
static void test_intern_many(void **state)
{
    struct ws_text_pool *p = ws_text_pool_new();
    char **first = calloc(20000, sizeof(*first));
    char *big = malloc(200000);
    char buf[32];

    (void)state;
    memset(big, 'x', 199999);
    big[199999] = '\0';
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 20000; i++) {
            char *s;
            (void)snprintf(buf, sizeof(buf), "code-%d", i);
            s = ws_text_pool_intern(p, buf);
            assert_string_equal(s, buf);
            if (round == 0)
                first[i] = s;
            else
                assert_ptr_equal(s, first[i]);
        }
    assert_int_equal(strlen(ws_text_pool_intern(p, big)), 199999);
    assert_int_equal(ws_text_pool_count(p), 20001);
    assert_string_equal(first[0], "code-0"); // earlier strings survive later blocks
    ws_text_pool_free(p);
    free(first);
    free(big);
}

/* A set that shares its texts: rows point at one copy, dropping a row's texts
 * does not free them, a copy of the set owns its own, and both release. */
static void test_shared_set(void **state)
{
    struct ws_indicator_set set = {0};
    struct ws_indicator_set copy = {0};
    int k_code = ws_field_index("code");
    int k_cat = ws_field_index("category");
    struct ws_field_value v;

    (void)state;
    assert_true(k_code >= 0 && k_cat >= 0);
    ws_indicator_set_share_texts(&set);
    assert_non_null(set.pool);
    for (int i = 0; i < 3; i++) {
        struct ws_indicator *r = ws_indicator_set_add(&set);
        memset(&v, 0, sizeof(v));
        v.s = "BU00140100";
        ws_indicator_set_field(&set, r, (size_t)k_code, &v);
        v.s = i == 2 ? "opvoeding" : "all";
        ws_indicator_set_field(&set, r, (size_t)k_cat, &v);
        v.null = true;
        ws_indicator_set_field(&set, r, (size_t)ws_field_index("name"), &v);
    }
    assert_ptr_equal(set.rows[0].code, set.rows[1].code);
    assert_ptr_equal(set.rows[0].category, set.rows[1].category);
    assert_null(set.rows[0].name);
    assert_string_equal(set.rows[2].category, "opvoeding");
    ws_indicator_drop_texts(&set, &set.rows[1]);
    assert_null(set.rows[1].code);
    assert_string_equal(set.rows[0].code, "BU00140100"); // still the pool's
    ws_indicator_set_copy(&copy, &set);
    assert_null(copy.pool);
    assert_ptr_not_equal(copy.rows[0].code, set.rows[0].code);
    ws_indicator_set_release(&set);
    assert_string_equal(copy.rows[0].code, "BU00140100");
    ws_indicator_drop_texts(&copy, &copy.rows[0]); // frees: the copy owns them
    assert_null(copy.rows[0].code);
    ws_indicator_set_release(&copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_same_pointer),
        cmocka_unit_test(test_intern_many),
        cmocka_unit_test(test_shared_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
