/*
 * test_suppress.c - disclosure control on indicator sets (protect.h):
 * primary suppression and the NULLing of derived figures, rounding, the
 * trend rule, secondary suppression over areas and categories, refusals, and
 * a property test over thousands of random hierarchical tables checked by an
 * attacker written independently here (from the PUBLISHED rows only).
 *
 * WS_TEST_QUICK (any value) runs 200 random tables instead of 2,000.
 */
#include "helpers.h"

#include "wijkscan/core/indicators.h"
#include "wijkscan/core/mem.h"
#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/lp.h"
#include "wijkscan/protect/protect.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- building sets -------------------------------------------------------- */

/* Adds a row with the rate (and ratio/expected left NULL): a published row
 * with a rate reveals its exact count. */
static struct ws_indicator *add_row(struct ws_indicator_set *s, const char *code,
                                    enum ws_level level, const char *parent, int year,
                                    const char *cat, double P, double O)
{
    struct ws_indicator *r = ws_indicator_set_add(s);

    r->code = ws_xstrdup(code);
    r->name = ws_xstrdup(code);
    r->level = level;
    r->parent = ws_xstrdup(parent);
    r->year = year;
    r->category = ws_xstrdup(cat);
    r->population = P;
    r->cases = O;
    if (isfinite(P) && P > 0) {
        r->rate_per_1000 = 1000.0 * O / P;
        r->rate_ci_low = r->rate_per_1000 * 0.5;
        r->rate_ci_high = r->rate_per_1000 * 1.5;
        r->eb_rate = r->rate_per_1000;
        r->lisa_i = 0.5;
        r->lisa_z = 1.0;
        r->lisa_p = 0.3;
        strcpy(r->lisa_cluster, "ns");
        r->expected = O + 1.0;
        r->oe_ratio = O / r->expected;
    }
    return r;
}

static const struct ws_indicator *find_p(const struct ws_indicator_set *s, const char *code,
                                         int year, int period, const char *cat)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->rows[i].code, code) == 0 && s->rows[i].year == year &&
            s->rows[i].period == period && strcmp(s->rows[i].category, cat) == 0)
            return &s->rows[i];
    fail_msg("no row %s %d/%d %s", code, year, period, cat);
    return NULL;
}

static const struct ws_indicator *find(const struct ws_indicator_set *s, const char *code, int year,
                                       const char *cat)
{
    return find_p(s, code, year, 1, cat);
}

static struct ws_protect_opts opts_of(long m, long r, long s)
{
    struct ws_protect_opts o;

    memset(&o, 0, sizeof(o));
    o.min_count = m;
    o.round_to = r;
    o.safety_range = s;
    return o;
}

static void assert_all_count_figures_null(const struct ws_indicator *r)
{
    assert_true(isnan(r->cases));
    assert_true(isnan(r->rate_per_1000) && isnan(r->rate_ci_low) && isnan(r->rate_ci_high));
    assert_true(isnan(r->ratio_avg) && isnan(r->poisson_p));
    assert_true(isnan(r->oe_ratio) && isnan(r->oe_ci_low) && isnan(r->oe_ci_high));
    assert_true(isnan(r->eb_rate) && isnan(r->seb_rate));
    assert_true(isnan(r->lisa_i) && isnan(r->lisa_z) && isnan(r->lisa_p));
    assert_string_equal(r->lisa_cluster, "");
    assert_true(isnan(r->trend_rr) && isnan(r->trend_p));
    assert_int_equal(r->priority_rank, 0);
}

/*
 * Two gemeenten G1 = W1 + W2... kept small:
 *   G1 (gemeente) = W1 + W2;  W1 = B1 + B2 + B3;  W2 = B4 + B5
 *   B1 3, B2 40, B3 53, B4 30, B5 31 (one category 'all')
 *   G2 (gemeente) = W3 = B6 + B7: 25, 26
 * B1 is primary.  In W1, B2 = 40 is the cheapest complement that gives B1 a
 * range of at least 5 (B1 <= 3 + 40 - 10): chosen; B1 in [0, 9], B2 =
 * 43 - B1 in [34, 43].
 */
static void small_set(struct ws_indicator_set *s, int year)
{
    add_row(s, "GM1", WS_LEVEL_GEMEENTE, NULL, year, "all", 5000, 157);
    add_row(s, "GM2", WS_LEVEL_GEMEENTE, NULL, year, "all", 2000, 51);
    add_row(s, "WK1", WS_LEVEL_WIJK, "GM1", year, "all", 3000, 96);
    add_row(s, "WK2", WS_LEVEL_WIJK, "GM1", year, "all", 2000, 61);
    add_row(s, "WK3", WS_LEVEL_WIJK, "GM2", year, "all", 2000, 51);
    add_row(s, "BU1", WS_LEVEL_BUURT, "WK1", year, "all", 500, 3);
    add_row(s, "BU2", WS_LEVEL_BUURT, "WK1", year, "all", 1000, 40);
    add_row(s, "BU3", WS_LEVEL_BUURT, "WK1", year, "all", 1500, 53);
    add_row(s, "BU4", WS_LEVEL_BUURT, "WK2", year, "all", 1000, 30);
    add_row(s, "BU5", WS_LEVEL_BUURT, "WK2", year, "all", 1000, 31);
    add_row(s, "BU6", WS_LEVEL_BUURT, "WK3", year, "all", 1000, 25);
    add_row(s, "BU7", WS_LEVEL_BUURT, "WK3", year, "all", 1000, 26);
}

static void add_offer(struct ws_offer_set *os, const char *name, const char *m1, const char *m2,
                      double total)
{
    struct ws_offer *o;

    WS_VEC_GROW(os->rows, os->n + 1, os->cap);
    o = &os->rows[os->n++];
    memset(o, 0, sizeof(*o));
    o->category = ws_xstrdup("all");
    o->year_from = o->year_to = 2024;
    o->by_location = true;
    o->catchment = ws_xstrdup(name);
    o->catchment_name = ws_xstrdup(name);
    o->members = ws_xcalloc(2, sizeof(char *));
    o->members[0] = ws_xstrdup(m1);
    o->members[1] = ws_xstrdup(m2);
    o->n_members = 2;
    o->total = total;
    o->published = NAN;
}

/* Group-offer catchments go through the audit: {BU4, BU5} (both published)
 * is published, rounded; {BU1, BU3} would pin the primary BU1 to
 * 56 +- 2 - 53, so it is withheld rather than published. */
static void test_offers_in_audit(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_offer_set os = {NULL, 0, 0};
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_err err = WS_ERR_INIT;
    struct ws_offer_row *rows = NULL;
    size_t n_rows = 0;
    char *csv;

    (void)state;
    small_set(&raw, 2024);
    add_offer(&os, "Loc A", "BU4", "BU5", 61);
    add_offer(&os, "Loc B", "BU1", "BU3", 56);
    add_offer(&os, "Loc C", "BU1", "BU2", 43);
    o.offers = &os;
    o.min_group = 8;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_double_close(os.rows[0].published, 60, 0, 0);
    assert_true(os.rows[0].suggest);
    assert_true(isnan(os.rows[1].published));
    assert_false(os.rows[1].suggest);
    // BU1 and BU2 are both suppressed; their sum is the wijk minus BU3 anyway
    assert_int_equal(find(&pub, "BU1", 2024, "all")->suppressed, WS_SUPP_PRIMARY);
    ws_offers_published(&os, &rows, &n_rows);
    csv = ws_offers_csv(rows, n_rows);
    assert_non_null(strstr(csv, "category,years,catchment,catchment_name,location,n_buurten,cases,"
                                "suggest\nall,2024,Loc A,Loc A,Loc A,2,60,1\n"));
    assert_non_null(strstr(csv, "all,2024,Loc B,Loc B,Loc B,2,,0\n"));
    free(csv);
    ws_offer_rows_free(rows, n_rows);
    ws_offer_set_release(&os);
    ws_audit_release(&audit);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
}

/* A small total over the buurten without a covariate profile withholds the
 * model's expected and O/E everywhere in that year and category. */
static void test_model_withheld(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_err err = WS_ERR_INIT;

    (void)state;
    small_set(&raw, 2024);
    // BU1 (3 cases) has no profile: 3 < min_count
    for (size_t i = 0; i < raw.n; i++)
        if (strcmp(raw.rows[i].code, "BU1") == 0)
            raw.rows[i].expected = raw.rows[i].oe_ratio = NAN;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(audit.n_model_withheld, 1);
    for (size_t i = 0; i < pub.n; i++) {
        assert_true(isnan(pub.rows[i].expected));
        assert_true(isnan(pub.rows[i].oe_ratio));
    }
    ws_audit_release(&audit);
    ws_indicator_set_release(&pub);
    // with 12 cases there, the model stays
    for (size_t i = 0; i < raw.n; i++)
        if (strcmp(raw.rows[i].code, "BU1") == 0)
            raw.rows[i].cases = 12;
    for (size_t i = 0; i < raw.n; i++)
        if (strcmp(raw.rows[i].code, "WK1") == 0 || strcmp(raw.rows[i].code, "GM1") == 0)
            raw.rows[i].cases += 9;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(audit.n_model_withheld, 0);
    assert_false(isnan(find(&pub, "BU4", 2024, "all")->expected));
    ws_audit_release(&audit);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
}

/* Audit record a shows a range of at least s: exact, or a lower bound. */
static void assert_wide(const struct ws_audit_record *a, long s)
{
    if (a->check == WS_CHECK_EXACT)
        assert_true(a->range_high - a->range_low >= (double)s);
    else
        assert_int_equal(a->check, WS_CHECK_BOUND);
}

static void test_primary_and_nulls(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    const struct ws_indicator *r;

    (void)state;
    small_set(&raw, 2023);
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(pub.n, raw.n);

    r = find(&pub, "BU1", 2023, "all");
    assert_int_equal(r->suppressed, WS_SUPP_PRIMARY);
    assert_all_count_figures_null(r);
    assert_double_close(r->population, 500, 0, 0); // public CBS data: kept
    assert_double_close(r->expected, 4, 0, 0);     // from the profile: kept
    r = find(&pub, "BU2", 2023, "all");
    assert_int_equal(r->suppressed, WS_SUPP_SECONDARY);
    assert_all_count_figures_null(r);
    // published: rounded half up to 5, the rest untouched
    r = find(&pub, "BU3", 2023, "all");
    assert_int_equal(r->suppressed, WS_SUPP_NONE);
    assert_double_close(r->cases, 55, 0, 0);
    assert_double_close(r->rate_per_1000, 1000.0 * 53 / 1500, 1e-12, 0);
    assert_double_close(find(&pub, "WK1", 2023, "all")->cases, 95, 0, 0);
    assert_double_close(find(&pub, "BU4", 2023, "all")->cases, 30, 0, 0);
    assert_double_close(find(&pub, "BU5", 2023, "all")->cases, 30, 0, 0);
    assert_double_close(find(&pub, "BU6", 2023, "all")->cases, 25, 0, 0);
    // the raw set is untouched
    assert_double_close(find(&raw, "BU1", 2023, "all")->cases, 3, 0, 0);

    assert_int_equal(audit.n, 2);
    assert_string_equal(audit.rec[0].code, "BU1");
    assert_int_equal(audit.rec[0].reason, WS_SUPP_PRIMARY);
    assert_wide(&audit.rec[0], 5);
    assert_string_equal(audit.rec[1].code, "BU2");
    assert_int_equal(audit.rec[1].reason, WS_SUPP_SECONDARY);
    assert_wide(&audit.rec[1], 5);
    assert_int_equal(audit.stats.n_primary, 1);
    assert_int_equal(audit.stats.n_secondary, 1);
    assert_int_equal(audit.min_count, 10);

    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* A published cell's trend against a suppressed previous year is NULL; a
 * cell whose previous year is published keeps it. */
static void test_trend_rule(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_indicator *r;

    (void)state;
    small_set(&raw, 2022);
    small_set(&raw, 2023);
    // 2023: BU1 now has 20 cases (its wijk and gemeente follow)
    for (size_t i = 0; i < raw.n; i++) {
        r = &raw.rows[i];
        if (r->year != 2023)
            continue;
        if (strcmp(r->code, "BU1") == 0 || strcmp(r->code, "WK1") == 0 ||
            strcmp(r->code, "GM1") == 0) {
            r->cases += 17;
            r->rate_per_1000 = 1000.0 * r->cases / r->population;
        }
        r->trend_rr = 1.5;
        r->trend_p = 0.2;
    }
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    r = (struct ws_indicator *)find(&pub, "BU1", 2023, "all");
    assert_int_equal(r->suppressed, WS_SUPP_NONE);
    assert_double_close(r->cases, 20, 0, 0);
    assert_true(isnan(r->trend_rr) && isnan(r->trend_p)); // 2022 was suppressed
    assert_false(isnan(r->rate_per_1000));
    r = (struct ws_indicator *)find(&pub, "BU3", 2023, "all");
    assert_double_close(r->trend_rr, 1.5, 0, 0);
    assert_double_close(r->trend_p, 0.2, 0, 0);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/*
 * Areas x categories in one gemeente (so the gemeente's cells are known from
 * the study-wide figures):
 *            a    b    all
 *   BU1      4   30     34
 *   BU2     25   26     51
 *   BU3     28   27     55
 *   WK1     57   83    140     (= GM1)
 * BU1/a is primary; the per-relation rule needs a complement in its row
 * (BU1/b or BU1/all) and in its column (BU2/a or BU3/a), and those need
 * partners in turn, until every suppressed cell has width >= 5.
 */
static void test_two_dimensions(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    const char *bu[3] = {"BU1", "BU2", "BU3"};
    const double a[3] = {4, 25, 28}, b[3] = {30, 26, 27};
    size_t n_sup = 0;

    (void)state;
    for (int i = 0; i < 3; i++) {
        add_row(&raw, bu[i], WS_LEVEL_BUURT, "WK1", 2024, "a", 400, a[i]);
        add_row(&raw, bu[i], WS_LEVEL_BUURT, "WK1", 2024, "b", 400, b[i]);
        add_row(&raw, bu[i], WS_LEVEL_BUURT, "WK1", 2024, "all", 400, a[i] + b[i]);
    }
    add_row(&raw, "WK1", WS_LEVEL_WIJK, "GM1", 2024, "a", 1200, 57);
    add_row(&raw, "WK1", WS_LEVEL_WIJK, "GM1", 2024, "b", 1200, 83);
    add_row(&raw, "WK1", WS_LEVEL_WIJK, "GM1", 2024, "all", 1200, 140);
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "a", 1200, 57);
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "b", 1200, 83);
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "all", 1200, 140);
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(find(&pub, "BU1", 2024, "a")->suppressed, WS_SUPP_PRIMARY);
    for (size_t i = 0; i < pub.n; i++) {
        if (pub.rows[i].suppressed == WS_SUPP_NONE)
            continue;
        n_sup++;
        assert_all_count_figures_null(&pub.rows[i]);
        // the wijk and gemeente rows equal the study totals: never hidden
        assert_int_equal(pub.rows[i].level, WS_LEVEL_BUURT);
    }
    assert_int_equal(audit.n, n_sup);
    assert_true(n_sup >= 4); // at least a rectangle
    for (size_t i = 0; i < audit.n; i++)
        assert_wide(&audit.rec[i], 5);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* A published row without a population has no rate: the attacker sees only
 * its rounded count. */
static void test_rounded_only_rows(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 4);
    struct ws_indicator *r;

    (void)state;
    small_set(&raw, 2023);
    // BU3 without population: only its rounded count (55: 53..57) is known
    r = (struct ws_indicator *)find(&raw, "BU3", 2023, "all");
    r->population = NAN;
    r->rate_per_1000 = r->rate_ci_low = r->rate_ci_high = NAN;
    r->eb_rate = r->lisa_i = r->lisa_z = r->lisa_p = r->oe_ratio = NAN;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(find(&pub, "BU3", 2023, "all")->suppressed, WS_SUPP_NONE);
    assert_double_close(find(&pub, "BU3", 2023, "all")->cases, 55, 0, 0);
    // the interval of BU3 gives BU1 room; safety 4 needs no complement... but
    // BU1 alone in [96 - 53..57 - 40] is [-1..3]: still too narrow without one
    assert_int_equal(find(&pub, "BU1", 2023, "all")->suppressed, WS_SUPP_PRIMARY);
    for (size_t i = 0; i < audit.n; i++)
        assert_wide(&audit.rec[i], 4);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

static void test_refusals(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(5, 5, 5);
    struct ws_indicator *r;

    (void)state;
    small_set(&raw, 2023);
    // safety_range 5 > min_count - 1 = 4: impossible by construction
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_EDATA);
    assert_non_null(strstr(err.what, "safety_range 5"));
    assert_non_null(strstr(err.where, "[privacy]"));
    assert_int_equal(pub.n, 0);

    // a wijk whose buurten do not add up
    ws_err_clear(&err);
    o = opts_of(10, 5, 5);
    r = (struct ws_indicator *)find(&raw, "WK1", 2023, "all");
    r->cases = 97;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "do not add up"));
    assert_non_null(strstr(err.where, "WK1"));
    r->cases = 96;

    // a duplicate row
    ws_err_clear(&err);
    add_row(&raw, "BU7", WS_LEVEL_BUURT, "WK3", 2023, "all", 1000, 26);
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "twice"));
    assert_int_equal(pub.n, 0);
    assert_int_equal(audit.n, 0);
    ws_indicator_set_release(&raw);
}

/* One gemeente whose category total is below min_count: its count follows
 * from the study-wide figures, so protection must fail, naming the cell and
 * the width but not the count. */
static void test_unprotectable_withheld(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    char *csv;

    (void)state;
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "rare", 1000, 7);
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "common", 1000, 93);
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "all", 1000, 100);
    add_row(&raw, "BU1", WS_LEVEL_BUURT, "GM1", 2024, "rare", 500, 3);
    add_row(&raw, "BU1", WS_LEVEL_BUURT, "GM1", 2024, "common", 500, 40);
    add_row(&raw, "BU1", WS_LEVEL_BUURT, "GM1", 2024, "all", 500, 43);
    add_row(&raw, "BU2", WS_LEVEL_BUURT, "GM1", 2024, "rare", 500, 4);
    add_row(&raw, "BU2", WS_LEVEL_BUURT, "GM1", 2024, "common", 500, 53);
    add_row(&raw, "BU2", WS_LEVEL_BUURT, "GM1", 2024, "all", 500, 57);
    // 'rare' is pinned by the study-wide figures (one gemeente): withheld,
    // and 'common' with it (alone it would be all minus rare)
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(pub.n, 3);
    for (size_t i = 0; i < pub.n; i++)
        assert_string_equal(pub.rows[i].category, "all");
    assert_int_equal(audit.n_withheld, 2);
    csv = ws_audit_csv(&audit);
    assert_non_null(strstr(csv, ",,2024,1,rare,withheld,withheld,,,,"));
    assert_non_null(strstr(csv, ",,2024,1,common,withheld,withheld,,,,"));
    assert_null(strstr(csv, "BU1,buurt,2024,1,rare"));
    free(csv);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* Without wijken, buurten belong to their gemeente through `buurten`. */
static void test_buurt_gemeente_lookup(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_area bu[4];
    const char *codes[4] = {"BU1", "BU2", "BU3", "BU4"};
    const char *gem[4] = {"GM1", "GM1", "GM2", "GM2"};
    const double O[4] = {2, 30, 12, 40};

    (void)state;
    memset(bu, 0, sizeof(bu));
    for (int i = 0; i < 4; i++) {
        bu[i].code = (char *)codes[i];
        bu[i].gemeente = (char *)gem[i];
        add_row(&raw, codes[i], WS_LEVEL_BUURT, NULL, 2024, "all", 500, O[i]);
    }
    add_row(&raw, "GM1", WS_LEVEL_GEMEENTE, NULL, 2024, "all", 1000, 32);
    add_row(&raw, "GM2", WS_LEVEL_GEMEENTE, NULL, 2024, "all", 1000, 52);
    // without the lookup the buurten cannot be placed
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "not in the set"));
    ws_err_clear(&err);
    o.buurten = bu;
    o.n_buurten = 4;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(find(&pub, "BU1", 2024, "all")->suppressed, WS_SUPP_PRIMARY);
    // BU2 is BU1's only partner in GM1, and GM1 is published
    assert_int_equal(find(&pub, "BU2", 2024, "all")->suppressed, WS_SUPP_SECONDARY);
    assert_int_equal(find(&pub, "BU3", 2024, "all")->suppressed, WS_SUPP_NONE);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* The analysis areas: buurt -> gebied -> wijk.  GB12 = BU1 (3, primary) +
 * BU2; publishing GB12 and BU2 would give BU1 away, so one of them is
 * suppressed, and every suppressed cell keeps a range of safety_range.
 * Without the buurten's gebied the buurten are parts of their wijk, which
 * then does not add up (buurten and gebieden both). */
static void test_gebied_tree(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_area bu[7];
    const char *codes[7] = {"BU1", "BU2", "BU3", "BU4", "BU5", "BU6", "BU7"};
    const char *gebied[7] = {"GB12", "GB12", "GB3", "GB45", "GB45", "GB67", "GB67"};
    const char *gem[7] = {"GM1", "GM1", "GM1", "GM1", "GM1", "GM2", "GM2"};
    const struct ws_indicator *g12, *b2;

    (void)state;
    memset(bu, 0, sizeof(bu));
    for (int i = 0; i < 7; i++) {
        bu[i].code = (char *)codes[i];
        bu[i].gemeente = (char *)gem[i];
        bu[i].gebied = (char *)gebied[i];
    }
    small_set(&raw, 2024);
    add_row(&raw, "GB12", WS_LEVEL_GEBIED, "WK1", 2024, "all", 1500, 43);
    add_row(&raw, "GB3", WS_LEVEL_GEBIED, "WK1", 2024, "all", 1500, 53);
    add_row(&raw, "GB45", WS_LEVEL_GEBIED, "WK2", 2024, "all", 2000, 61);
    add_row(&raw, "GB67", WS_LEVEL_GEBIED, "WK3", 2024, "all", 2000, 51);
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_EINTERNAL);
    assert_non_null(strstr(err.what, "do not add up"));
    ws_err_clear(&err);
    ws_audit_release(&audit);

    o.buurten = bu;
    o.n_buurten = 7;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(find(&pub, "BU1", 2024, "all")->suppressed, WS_SUPP_PRIMARY);
    g12 = find(&pub, "GB12", 2024, "all");
    b2 = find(&pub, "BU2", 2024, "all");
    assert_false(g12->suppressed == WS_SUPP_NONE && b2->suppressed == WS_SUPP_NONE);
    // a gebied of one published buurt is published with it
    assert_int_equal(find(&pub, "GB3", 2024, "all")->suppressed, WS_SUPP_NONE);
    assert_double_close(find(&pub, "GB3", 2024, "all")->cases, 55, 0, 0);
    assert_true(audit.n >= 2);
    for (size_t i = 0; i < audit.n; i++)
        assert_wide(&audit.rec[i], 5);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* priority_rank: suppressed rows lose theirs and the rest close the gap. */
static void test_rerank(void **state)
{
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    const char *order[7] = {"BU1", "BU3", "BU2", "BU4", "BU5", "BU6", "BU7"};

    (void)state;
    small_set(&raw, 2023);
    for (long k = 0; k < 7; k++)
        ((struct ws_indicator *)find(&raw, order[k], 2023, "all"))->priority_rank = k + 1;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    assert_int_equal(find(&pub, "BU1", 2023, "all")->priority_rank, 0);
    assert_int_equal(find(&pub, "BU2", 2023, "all")->priority_rank, 0);
    assert_int_equal(find(&pub, "BU3", 2023, "all")->priority_rank, 1);
    assert_int_equal(find(&pub, "BU4", 2023, "all")->priority_rank, 2);
    assert_int_equal(find(&pub, "BU7", 2023, "all")->priority_rank, 5);
    assert_int_equal(find(&pub, "WK1", 2023, "all")->priority_rank, 0); // was NULL
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* --- the property test ------------------------------------------------------ */

static int rng_int(struct ws_test_rng *g, int lo, int hi)
{
    return lo + (int)(ws_test_rng_unif(g) * (hi - lo + 1));
}

/* Poisson by inversion (small means) */
static double rng_poisson(struct ws_test_rng *g, double mu)
{
    double p = exp(-mu), f = p, u = ws_test_rng_unif(g);
    double k = 0;

    while (u > f && k < 1000) {
        k++;
        p *= mu / k;
        f += p;
    }
    return k;
}

struct gen_area {
    char code[40], parent[40];
    enum ws_level level;
    double P;
};

/* A random table: 1-3 gemeenten, 1-3 wijken each, 1-4 buurten each, 0-3
 * categories (0: only 'all'), 1-2 years, and with two years and one gemeente
 * in half the tables their pooled period (period = 2: the sums of the two years, with
 * population-years); counts from a skewed distribution
 * (a third zero, else Poisson with a log-normal mean: many small cells, a few
 * large); a buurt in twelve has no population (no rates: only its rounded
 * count is published).  Derived figures follow the analysis: rate with
 * P > 0, theta per level over areas with P > 0, ratio_avg = O / (theta P),
 * expected = theta P. */
static void random_table(struct ws_test_rng *g, struct ws_indicator_set *raw, int *n_years_out)
{
    struct gen_area areas[64];
    size_t n_areas = 0;
    int n_gem = rng_int(g, 1, 3), n_cat = rng_int(g, 0, 3), n_years = rng_int(g, 1, 2);
    // slot 2: the period (one gemeente: the audit's LPs over the linked years
    // of bigger tables take too long for a unit test)
    int n_slots = n_years == 2 && n_gem == 1 && rng_int(g, 0, 1) ? 3 : n_years;
    const char *cats[4] = {"all", "c1", "c2", "c3"};
    double *O = NULL;
    size_t n_cols = (size_t)n_cat + 1;

    for (int gi = 0; gi < n_gem; gi++) {
        size_t gidx = n_areas++;
        int n_wijk = rng_int(g, 1, 4);
        snprintf(areas[gidx].code, sizeof(areas[gidx].code), "GM%d", gi);
        areas[gidx].parent[0] = '\0';
        areas[gidx].level = WS_LEVEL_GEMEENTE;
        for (int wi = 0; wi < n_wijk; wi++) {
            size_t widx = n_areas++;
            int n_bu = rng_int(g, 1, 5);
            snprintf(areas[widx].code, sizeof(areas[widx].code), "WK%d%d", gi, wi);
            memcpy(areas[widx].parent, areas[gidx].code, sizeof(areas[widx].parent));
            areas[widx].level = WS_LEVEL_WIJK;
            for (int bi = 0; bi < n_bu; bi++) {
                size_t bidx = n_areas++;
                snprintf(areas[bidx].code, sizeof(areas[bidx].code), "BU%d%d%d", gi, wi, bi);
                memcpy(areas[bidx].parent, areas[widx].code, sizeof(areas[bidx].parent));
                areas[bidx].level = WS_LEVEL_BUURT;
                areas[bidx].P = ws_test_rng_unif(g) < 1.0 / 12 ? NAN : (double)rng_int(g, 50, 3000);
            }
        }
    }
    // populations of wijken and gemeenten: sums of the known ones
    for (size_t i = n_areas; i-- > 0;) {
        if (areas[i].level == WS_LEVEL_BUURT)
            continue;
        areas[i].P = NAN;
        for (size_t j = 0; j < n_areas; j++)
            if (strcmp(areas[j].parent, areas[i].code) == 0 && isfinite(areas[j].P))
                areas[i].P = (isnan(areas[i].P) ? 0 : areas[i].P) + areas[j].P;
    }
    O = ws_xcalloc(n_areas * n_cols * (size_t)n_slots, sizeof(*O));
    for (int y = 0; y < n_slots; y++) {
        double *Oy = O + (size_t)y * n_areas * n_cols;
        bool pooled = y == n_years;
        // buurten: categories, then all; a buurt's size scales all its cells
        for (size_t i = 0; pooled && i < n_areas; i++)
            if (areas[i].level == WS_LEVEL_BUURT)
                for (size_t c = 0; c < n_cols; c++)
                    Oy[i * n_cols + c] = O[i * n_cols + c] + O[n_areas * n_cols + i * n_cols + c];
        for (size_t i = 0; !pooled && i < n_areas; i++) {
            double size;
            if (areas[i].level != WS_LEVEL_BUURT)
                continue;
            size =
                1.9 + 1.0 * (ws_test_rng_unif(g) + ws_test_rng_unif(g) + ws_test_rng_unif(g) - 1.5);
            for (size_t c = 1; c < n_cols || (n_cat == 0 && c == 1); c++) {
                double mu = exp(size + 0.8 * (ws_test_rng_unif(g) - 0.5));
                double v = ws_test_rng_unif(g) < 0.25 ? 0 : rng_poisson(g, mu);
                if (n_cat == 0)
                    Oy[i * n_cols] = v;
                else
                    Oy[i * n_cols + c] = v;
            }
            if (n_cat > 0)
                for (size_t c = 1; c < n_cols; c++)
                    Oy[i * n_cols] += Oy[i * n_cols + c];
        }
        // wijken, then gemeenten (areas are listed parent first: go backwards)
        for (size_t i = n_areas; i-- > 0;)
            for (size_t j = 0; j < n_areas; j++)
                if (strcmp(areas[j].parent, areas[i].code) == 0)
                    for (size_t c = 0; c < n_cols; c++)
                        Oy[i * n_cols + c] += Oy[j * n_cols + c];
        for (size_t c = 0; c < n_cols; c++) {
            for (int lv = 0; lv <= 2; lv++) {
                double so = 0, sp = 0, theta, py = pooled ? 2.0 : 1.0; // population-years
                for (size_t i = 0; i < n_areas; i++)
                    if ((int)areas[i].level == lv && isfinite(areas[i].P) && areas[i].P > 0) {
                        so += Oy[i * n_cols + c];
                        sp += py * areas[i].P;
                    }
                theta = sp > 0 ? so / sp : NAN;
                for (size_t i = 0; i < n_areas; i++) {
                    struct ws_indicator *r;
                    double P = py * areas[i].P, v = Oy[i * n_cols + c];
                    if ((int)areas[i].level != lv)
                        continue;
                    r = add_row(raw, areas[i].code, areas[i].level,
                                areas[i].parent[0] ? areas[i].parent : NULL,
                                pooled ? 2021 : 2020 + y, cats[c], P, v);
                    r->period = pooled ? 2 : 1;
                    r->expected = NAN;
                    r->oe_ratio = NAN;
                    if (isfinite(P) && P > 0 && theta >= 0) {
                        r->expected = theta * P; // 0 when the level has no cases
                        if (theta > 0) {
                            r->ratio_avg = v / (theta * P);
                            r->oe_ratio = r->ratio_avg;
                        }
                    }
                    if (y > 0 && !pooled && isfinite(P) && P > 0) {
                        double prev = O[(size_t)(y - 1) * n_areas * n_cols + i * n_cols + c];
                        if (prev > 0) {
                            r->trend_rr = v / prev;
                            r->trend_p = 0.5;
                        }
                    }
                }
            }
        }
    }
    free(O);
    *n_years_out = n_years;
}

static size_t attacker(const struct ws_indicator_set *pub, const struct ws_audit *audit, long m,
                       long R, double *low, double *high);

/* A pooled period is the sum of its years: small_set() in 2023 and 2024 and
 * their period 2023-2024 (counts and populations summed).  BU1 has 3 cases in
 * 2023 (primary) and 40 in 2024, 43 in the period: publishing the period and
 * 2024 would give 2023 away by subtraction.  The protected set must keep every
 * suppressed cell (of a year or of the period) at least safety_range wide for
 * an attacker who knows period = 2023 + 2024 (here 2024 becomes a
 * complement: 43 - 2024 leaves 2023 at least 5 wide). */
static void test_period_relation(void **state)
{
    struct ws_indicator_set raw = {0}, y23 = {0}, y24 = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    const struct ws_indicator *bu1_23, *bu1_24, *bu1_p;
    double *low, *high;

    (void)state;
    small_set(&y23, 2023);
    small_set(&y24, 2024);
    for (size_t i = 0; i < y23.n; i++) {
        const struct ws_indicator *a = &y23.rows[i], *b = &y24.rows[i];
        struct ws_indicator *r;
        // 2024: BU1 has 37 cases more (40), and so have WK1 and GM1
        double more =
            !strcmp(a->code, "BU1") || !strcmp(a->code, "WK1") || !strcmp(a->code, "GM1") ? 37 : 0;
        add_row(&raw, a->code, a->level, a->parent, 2023, a->category, a->population, a->cases);
        add_row(&raw, b->code, b->level, b->parent, 2024, b->category, b->population,
                b->cases + more);
        r = add_row(&raw, a->code, a->level, a->parent, 2024, a->category,
                    a->population + b->population, a->cases + b->cases + more);
        r->period = 2;
    }
    // no model: the attacker below reads theta off `expected` when there is one
    for (size_t i = 0; i < raw.n; i++)
        raw.rows[i].expected = raw.rows[i].oe_ratio = NAN;
    assert_int_equal(ws_protect_apply(&raw, &o, &pub, &audit, &err), WS_OK);
    bu1_23 = find_p(&pub, "BU1", 2023, 1, "all");
    bu1_24 = find_p(&pub, "BU1", 2024, 1, "all");
    bu1_p = find_p(&pub, "BU1", 2024, 2, "all");
    assert_int_equal(bu1_23->suppressed, WS_SUPP_PRIMARY);
    // not both of the period and 2024 published: 43 - 40 would be 2023's 3
    assert_false(bu1_p->suppressed == WS_SUPP_NONE && bu1_24->suppressed == WS_SUPP_NONE);
    low = ws_xcalloc(pub.n, sizeof(*low));
    high = ws_xcalloc(pub.n, sizeof(*high));
    (void)attacker(&pub, &audit, 10, 5, low, high);
    for (size_t i = 0; i < pub.n; i++) {
        const struct ws_indicator *p = &pub.rows[i];
        const struct ws_indicator *r = find_p(&raw, p->code, p->year, p->period, p->category);
        if (p->suppressed == WS_SUPP_NONE)
            continue;
        if (!(high[i] - low[i] >= 5.0))
            fail_msg("%s %d/%d pinned to width %g", p->code, p->year, p->period, high[i] - low[i]);
        assert_true(low[i] <= r->cases && r->cases <= high[i]);
    }
    free(low);
    free(high);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&y23);
    ws_indicator_set_release(&y24);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

/* --- an independent attacker ------------------------------------------------ */

struct atk_key {
    const struct ws_indicator *r;
    size_t i;
};

static int atk_cmp(const void *pa, const void *pb)
{
    const struct ws_indicator *a = ((const struct atk_key *)pa)->r;
    const struct ws_indicator *b = ((const struct atk_key *)pb)->r;
    int c;

    if (a->period != b->period)
        return a->period < b->period ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if ((c = strcmp(a->code, b->code)) != 0)
        return c;
    return strcmp(a->category, b->category);
}

/* What the attacker knows of published row r: [lo, hi], and whether it is a
 * variable (anything but an exactly known count). */
static bool atk_bounds(const struct ws_indicator *r, long m, long R, double *lo, double *hi)
{
    if (r->suppressed == WS_SUPP_PRIMARY) {
        *lo = 0;
        *hi = (double)m - 1;
        return true;
    }
    if (r->suppressed == WS_SUPP_SECONDARY) {
        *lo = (double)m;
        *hi = INFINITY;
        return true;
    }
    if (!isnan(r->rate_per_1000) && isfinite(r->population)) {
        *lo = *hi = round(r->rate_per_1000 * r->population / 1000.0);
        return false;
    }
    // only the rounded count: r - floor(R/2) .. r + ceil(R/2) - 1, >= m
    *lo = r->cases - (double)(R / 2);
    *hi = r->cases + (double)((R + 1) / 2) - 1;
    if (*lo < (double)m)
        *lo = (double)m;
    return true;
}

/* per row: the LP variable of its remainder (withheld categories), or -1 */
static long *atk_rem_;

struct atk_row {
    size_t *idx;
    double *coef;
    size_t n, cap;
    double rhs;
};

static void atk_term(struct atk_row *row, const long *var, const double *val, size_t i, double a)
{
    if (var[i] < 0) {
        row->rhs -= a * val[i];
        return;
    }
    WS_VEC_GROW(row->idx, row->n + 1, row->cap);
    row->coef = ws_xrealloc(row->coef, row->cap * sizeof(*row->coef));
    row->idx[row->n] = (size_t)var[i];
    row->coef[row->n++] = a;
}

/*
 * From the published rows only: relations parent = sum of children (each
 * level, each year and category, found through `parent`), all = sum of
 * categories, and per level, year and category the sum over the rows with a
 * population of O = theta * sum P, theta read off any row's expected / P.
 * Fills low/high per row (NAN for published rows).  Returns the number of
 * suppressed rows.
 */
static size_t attacker(const struct ws_indicator_set *pub, const struct ws_audit *audit, long m,
                       long R, double *low, double *high)
{
    size_t n = pub->n, n_var = 0, n_sup = 0;
    struct atk_key *keys = ws_xcalloc(n, sizeof(*keys));
    long *var = ws_xcalloc(n, sizeof(*var));
    double *val = ws_xcalloc(n, sizeof(*val));
    struct atk_row row = {0};
    struct ws_lp *lp;
    struct ws_err err = WS_ERR_INIT;

    for (size_t i = 0; i < n; i++) {
        double lo, hi;
        keys[i].r = &pub->rows[i];
        keys[i].i = i;
        var[i] = atk_bounds(&pub->rows[i], m, R, &lo, &hi) ? (long)n_var++ : -1;
        val[i] = lo;
        low[i] = high[i] = NAN;
    }
    qsort(keys, n, sizeof(*keys), atk_cmp);
    // a year with withheld categories: each 'all' row has an unknown
    // remainder (>= 0), additive over the areas like any column
    {
        long *rem = ws_xcalloc(n + 1, sizeof(*rem));
        size_t n_rem = 0;
        for (size_t i = 0; i < n; i++) {
            bool wh = false;
            rem[i] = -1;
            for (size_t k = 0; audit && k < audit->n; k++)
                wh |= audit->rec[k].check == WS_CHECK_WITHHELD &&
                      audit->rec[k].year == pub->rows[i].year &&
                      audit->rec[k].period == pub->rows[i].period;
            if (wh && strcmp(pub->rows[i].category, "all") == 0)
                rem[i] = (long)(n_var + n_rem++);
        }
        lp = ws_lp_new(n_var + n_rem);
        for (size_t i = 0; i < n; i++) {
            if (rem[i] < 0)
                continue;
            row.n = 0;
            row.rhs = 0;
            WS_VEC_GROW(row.idx, 1, row.cap);
            row.coef = ws_xrealloc(row.coef, row.cap * sizeof(*row.coef));
            row.idx[row.n] = (size_t)rem[i];
            row.coef[row.n++] = -1;
            for (size_t j = 0; j < n; j++) {
                const struct ws_indicator *c = &pub->rows[j];
                if (rem[j] >= 0 && c->parent && c->year == pub->rows[i].year &&
                    c->period == pub->rows[i].period && strcmp(c->parent, pub->rows[i].code) == 0 &&
                    (int)c->level < (int)pub->rows[i].level) {
                    WS_VEC_GROW(row.idx, row.n + 1, row.cap);
                    row.coef = ws_xrealloc(row.coef, row.cap * sizeof(*row.coef));
                    row.idx[row.n] = (size_t)rem[j];
                    row.coef[row.n++] = 1;
                }
            }
            if (row.n > 1)
                ws_lp_add_row(lp, row.n, row.idx, row.coef, 0);
        }
        atk_rem_ = rem;
    }
    for (size_t i = 0; i < n; i++) {
        double lo, hi;
        if (var[i] >= 0 && atk_bounds(&pub->rows[i], m, R, &lo, &hi))
            ws_lp_set_bounds(lp, (size_t)var[i], lo, hi);
    }
    // parent = sum of children; all = sum of categories
    for (size_t i = 0; i < n; i++) {
        const struct ws_indicator *p = &pub->rows[i];
        row.n = 0;
        row.rhs = 0;
        atk_term(&row, var, val, i, -1);
        for (size_t j = 0; j < n; j++) {
            const struct ws_indicator *c = &pub->rows[j];
            if (c->parent && c->year == p->year && c->period == p->period &&
                strcmp(c->parent, p->code) == 0 && strcmp(c->category, p->category) == 0 &&
                (int)c->level < (int)p->level)
                atk_term(&row, var, val, j, 1);
        }
        if (row.n > 0 && row.n + (var[i] < 0 ? 1 : 0) > 1)
            ws_lp_add_row(lp, row.n, row.idx, row.coef, row.rhs);
        if (strcmp(p->category, "all") == 0) {
            bool any = false;
            row.n = 0;
            row.rhs = 0;
            atk_term(&row, var, val, i, -1);
            for (size_t j = 0; j < n; j++) {
                const struct ws_indicator *c = &pub->rows[j];
                if (c->year == p->year && c->period == p->period && c->level == p->level &&
                    strcmp(c->code, p->code) == 0 && strcmp(c->category, "all") != 0) {
                    atk_term(&row, var, val, j, 1);
                    any = true;
                }
            }
            if (atk_rem_[i] >= 0) {
                WS_VEC_GROW(row.idx, row.n + 1, row.cap);
                row.coef = ws_xrealloc(row.coef, row.cap * sizeof(*row.coef));
                row.idx[row.n] = (size_t)atk_rem_[i];
                row.coef[row.n++] = 1;
                any = true;
            }
            if (any && row.n > 0)
                ws_lp_add_row(lp, row.n, row.idx, row.coef, row.rhs);
        }
    }
    // a pooled period = the sum of its years (same area and category)
    for (size_t i = 0; i < n; i++) {
        const struct ws_indicator *p = &pub->rows[i];
        if (p->period <= 1)
            continue;
        row.n = 0;
        row.rhs = 0;
        atk_term(&row, var, val, i, -1);
        for (size_t j = 0; j < n; j++) {
            const struct ws_indicator *c = &pub->rows[j];
            if (c->period == 1 && c->year <= p->year && c->year > p->year - p->period &&
                c->level == p->level && strcmp(c->code, p->code) == 0 &&
                strcmp(c->category, p->category) == 0)
                atk_term(&row, var, val, j, 1);
        }
        if (row.n > 0)
            ws_lp_add_row(lp, row.n, row.idx, row.coef, row.rhs);
    }
    // the published averages: sum over rows with P > 0 of O = theta sum P
    for (size_t a = 0, e; a < n; a = e) {
        const struct ws_indicator *ra = keys[a].r;
        for (e = a + 1; e < n && keys[e].r->year == ra->year && keys[e].r->period == ra->period &&
                        keys[e].r->level == ra->level;
             e++)
            ;
        // this (year, level): per category
        for (size_t x = a; x < e; x++) {
            const struct ws_indicator *rx = keys[x].r;
            double theta = NAN, sp = 0;
            bool first = true;
            for (size_t y = a; y < x && first; y++)
                first = strcmp(keys[y].r->category, rx->category) != 0;
            if (!first)
                continue;
            row.n = 0;
            row.rhs = 0;
            for (size_t y = a; y < e; y++) {
                const struct ws_indicator *ry = keys[y].r;
                if (strcmp(ry->category, rx->category) != 0 || !isfinite(ry->population) ||
                    ry->population <= 0)
                    continue;
                if (isnan(theta) && !isnan(ry->expected))
                    theta = ry->expected / ry->population;
                sp += ry->population;
                atk_term(&row, var, val, keys[y].i, 1);
            }
            if (!isnan(theta) && row.n > 0) {
                ws_lp_add_row(lp, row.n, row.idx, row.coef, row.rhs + round(theta * sp));
            }
        }
    }
    // min and max of each suppressed row; an optimum that already put a row
    // at its bound answers that row's question (every optimum is feasible)
    for (size_t i = 0; i < n; i++)
        low[i] = INFINITY, high[i] = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double lo, hi, v;
        if (pub->rows[i].suppressed == WS_SUPP_NONE)
            continue;
        n_sup++;
        (void)atk_bounds(&pub->rows[i], m, R, &lo, &hi);
        for (int dir = 0; dir < 2; dir++) {
            if (dir == 0 ? low[i] <= lo + 1e-9 : high[i] >= hi - 1e-9)
                continue;
            assert_int_equal(ws_lp_optimise(lp, (size_t)var[i], dir == 1, &v, &err), WS_OK);
            if (isinf(v)) {
                high[i] = v;
                continue;
            }
            for (size_t j = i; j < n; j++) {
                double x;
                if (var[j] < 0 || pub->rows[j].suppressed == WS_SUPP_NONE)
                    continue;
                x = ws_lp_value(lp, (size_t)var[j]);
                low[j] = x < low[j] ? x : low[j];
                high[j] = x > high[j] ? x : high[j];
            }
        }
        low[i] = ceil(low[i] - 1e-6) + 0.0;
        high[i] = isinf(high[i]) ? high[i] : floor(high[i] + 1e-6) + 0.0;
    }
    for (size_t i = 0; i < n; i++)
        if (pub->rows[i].suppressed == WS_SUPP_NONE)
            low[i] = high[i] = NAN;
    ws_lp_free(lp);
    free(row.idx);
    free(row.coef);
    free(keys);
    free(var);
    free(val);
    free(atk_rem_);
    atk_rem_ = NULL;
    return n_sup;
}

static bool populated(const struct ws_indicator *r)
{
    return isfinite(r->population) && r->population > 0;
}

static void test_property_random_tables(void **state)
{
    const long m = 10, R = 5, s = 5;
    struct ws_protect_opts o = opts_of(m, R, s);
    int n_tables = getenv("WS_TEST_QUICK") ? 200 : 2000;
    // as ws_protect_store runs it: unpopulated areas need not reach s
    o.exempt_unpopulated = true;
    size_t n_ok = 0, n_unprotectable = 0, n_cells = 0, n_sup = 0, n_solves = 0;
    struct ws_test_rng g = {0x9E3779B97F4A7C15ULL};

    (void)state;
    for (int tbl = 0; tbl < n_tables; tbl++) {
        struct ws_indicator_set raw = {0}, pub = {0};
        struct ws_audit audit = WS_AUDIT_INIT;
        struct ws_err err = WS_ERR_INIT;
        double *low, *high;
        int n_years, rc;

        random_table(&g, &raw, &n_years);
        // one table in four audited block by block (exact as well): the
        // independent attacker below checks both ways
        rc = ws_protect_apply(&raw, &o, &pub, &audit, &err);
        if (rc != WS_OK)
            fail_msg("table %d: %s (%s; %s)", tbl, err.what, err.where, err.hint);
        if (audit.n_withheld > 0)
            n_unprotectable++;
        n_ok++;
        n_cells += pub.n;
        n_solves += audit.stats.n_lp_solves;
        low = ws_xcalloc(pub.n, sizeof(*low));
        high = ws_xcalloc(pub.n, sizeof(*high));
        n_sup += attacker(&pub, &audit, m, R, low, high);
        for (size_t i = 0; i < pub.n; i++) {
            const struct ws_indicator *p = &pub.rows[i],
                                      *r = find_p(&raw, p->code, p->year, p->period, p->category);
            if (p->suppressed == WS_SUPP_NONE) {
                assert_true(r->cases >= (double)m);
                assert_double_close(p->cases, 5 * floor((r->cases + 2.5) / 5), 0, 0);
                continue;
            }
            // no published figure of a suppressed cell
            assert_all_count_figures_null(p);
            assert_int_equal(p->suppressed,
                             r->cases < (double)m ? WS_SUPP_PRIMARY : WS_SUPP_SECONDARY);
            // the independent attacker cannot pin it (unless exempt: no
            // population), and the truth is inside
            if (!(high[i] - low[i] >= (double)s) && populated(p))
                fail_msg("table %d: %s %d %s pinned to width %g", tbl, p->code, p->year,
                         p->category, high[i] - low[i]);
            assert_true(low[i] <= r->cases && r->cases <= high[i]);
        }
        // the audit lists each suppressed cell with a range inside the attacker's
        for (size_t k = 0; k < audit.n; k++) {
            const struct ws_audit_record *a = &audit.rec[k];
            size_t i = 0;
            if (a->check == WS_CHECK_WITHHELD) {
                // nothing of a withheld year x category is published
                for (size_t j = 0; j < pub.n; j++)
                    assert_false(pub.rows[j].year == a->year && pub.rows[j].period == a->period &&
                                 (strcmp(a->category, "all") == 0 ||
                                  strcmp(pub.rows[j].category, a->category) == 0));
                continue;
            }
            while (i < pub.n &&
                   !(strcmp(pub.rows[i].code, a->code) == 0 && pub.rows[i].year == a->year &&
                     pub.rows[i].period == a->period && pub.rows[i].level == a->level &&
                     strcmp(pub.rows[i].category, a->category) == 0))
                i++;
            assert_true(i < pub.n);
            assert_int_equal(a->reason, pub.rows[i].suppressed);
            if (a->check == WS_CHECK_EXACT) {
                assert_true(a->range_high - a->range_low >= (double)s);
                assert_true(low[i] <= a->range_low && a->range_high <= high[i]);
            }
        }
        free(low);
        free(high);
        ws_indicator_set_release(&raw);
        ws_indicator_set_release(&pub);
        ws_audit_release(&audit);
    }
    print_message("property: %d tables, %zu protected (%zu cells, %zu suppressed, %zu simplex "
                  "runs), %zu with a year x category withheld\n",
                  n_tables, n_ok, n_cells, n_sup, n_solves, n_unprotectable);
    // most generated tables can be protected (the rest are tiny: a category
    // whose totals pin its cells whatever is suppressed)
    assert_true(n_unprotectable * 4 < (size_t)n_tables);
}

/* --- national timing (run only with WS_BENCH_NATIONAL set) ---------------------
 * 342 gemeenten x 10 wijken (8-12) x 4 buurten (2-6) x 9 categories x 4
 * years; a buurt's population at risk is log-normal (median 150), one buurt
 * in ten has none (P missing); counts are Poisson(rate_c x P x area effect),
 * with category rates like the demo's (6% a year in total).  Prints the
 * timings of ws_protect_apply and of its final audit. */
static void test_national_timing(void **state)
{
    const double rate[9] = {0.015, 0.0125, 0.008, 0.007, 0.0065, 0.0055, 0.004, 0.003, 0.0015};
    const char *cats[10] = {"all", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"};
    struct ws_indicator_set raw = {0}, pub = {0};
    struct ws_audit audit = WS_AUDIT_INIT;
    struct ws_err err = WS_ERR_INIT;
    struct ws_protect_opts o = opts_of(10, 5, 5);
    struct ws_test_rng g = {20240101};
    size_t n_bu = 0, n_wk = 0;
    int rc;

    (void)state;
    if (!getenv("WS_BENCH_NATIONAL")) {
        skip();
        return;
    }
    o.exempt_unpopulated = true;
    for (int gi = 0; gi < 342; gi++) {
        char gcode[40];
        int n_w = rng_int(&g, 8, 12);
        double gO[4][10] = {{0}}, gP = NAN;
        snprintf(gcode, sizeof(gcode), "GM%04d", gi);
        for (int wi = 0; wi < n_w; wi++) {
            char wcode[40];
            int nb = rng_int(&g, 2, 6);
            double wO[4][10] = {{0}}, wP = NAN;
            snprintf(wcode, sizeof(wcode), "WK%04d%02d", gi, wi);
            n_wk++;
            for (int bi = 0; bi < nb; bi++) {
                char bcode[40];
                double P = ws_test_rng_unif(&g) < 0.1
                               ? NAN
                               : floor(150 * exp(0.9 *
                                                 (ws_test_rng_unif(&g) + ws_test_rng_unif(&g) +
                                                  ws_test_rng_unif(&g) - 1.5) *
                                                 2));
                double eff = exp(0.4 * (ws_test_rng_unif(&g) - 0.5));
                snprintf(bcode, sizeof(bcode), "BU%04d%02d%02d", gi, wi, bi);
                n_bu++;
                if (isfinite(P))
                    wP = (isnan(wP) ? 0 : wP) + P;
                for (int y = 0; y < 4; y++) {
                    double all = 0;
                    for (int c = 1; c <= 9; c++) {
                        double mu = (isfinite(P) ? P : 3) * rate[c - 1] * eff;
                        double v = rng_poisson(&g, mu);
                        all += v;
                        wO[y][c] += v;
                        add_row(&raw, bcode, WS_LEVEL_BUURT, wcode, 2021 + y, cats[c], P, v);
                    }
                    wO[y][0] += all;
                    add_row(&raw, bcode, WS_LEVEL_BUURT, wcode, 2021 + y, "all", P, all);
                }
            }
            if (isfinite(wP))
                gP = (isnan(gP) ? 0 : gP) + wP;
            for (int y = 0; y < 4; y++)
                for (int c = 0; c <= 9; c++) {
                    add_row(&raw, wcode, WS_LEVEL_WIJK, gcode, 2021 + y, cats[c], wP, wO[y][c]);
                    gO[y][c] += wO[y][c];
                }
        }
        for (int y = 0; y < 4; y++)
            for (int c = 0; c <= 9; c++)
                add_row(&raw, gcode, WS_LEVEL_GEMEENTE, NULL, 2021 + y, cats[c], gP, gO[y][c]);
    }
    print_message("national: %zu buurten, %zu wijken, 342 gemeenten, %zu rows\n", n_bu, n_wk,
                  raw.n);
    if (getenv("DBGROW")) {
        size_t q = (size_t)strtol(getenv("DBGROW"), NULL, 10);
        const struct ws_indicator *x = &raw.rows[q];
        for (size_t i = 0; i < raw.n; i++) {
            const struct ws_indicator *y = &raw.rows[i];
            if (y->year == x->year &&
                (strcmp(y->code, x->code) == 0 ||
                 (y->parent && x->parent && strcmp(y->parent, x->parent) == 0 &&
                  strcmp(y->category, x->category) == 0) ||
                 strcmp(y->code, x->parent) == 0))
                print_message("  %s %s %d %s P=%g O=%g\n", y->code, y->parent ? y->parent : "-",
                              y->year, y->category, y->population, y->cases);
        }
    }
    rc = ws_protect_apply(&raw, &o, &pub, &audit, &err);
    print_message("national: rc %d (%s) primary %zu, secondary %zu (subtables %zu, repair %zu), "
                  "%zu year x category withheld\n",
                  rc, err.what, audit.stats.n_primary, audit.stats.n_secondary,
                  audit.stats.n_secondary_subtable, audit.stats.n_secondary_repair,
                  audit.n_withheld);
    print_message("national: subtables %.2f s, audit %.2f s (largest LP %zu variables), "
                  "protection in all %.2f s, %zu simplex runs\n",
                  audit.stats.subtable_seconds, audit.stats.audit_seconds, audit.stats.max_vars,
                  audit.stats.total_seconds, audit.stats.n_lp_solves);
    assert_int_equal(rc, WS_OK);
    ws_indicator_set_release(&raw);
    ws_indicator_set_release(&pub);
    ws_audit_release(&audit);
}

static int teardown_glpk(void **state)
{
    (void)state;
    ws_lp_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primary_and_nulls),
        cmocka_unit_test(test_offers_in_audit),
        cmocka_unit_test(test_model_withheld),
        cmocka_unit_test(test_trend_rule),
        cmocka_unit_test(test_two_dimensions),
        cmocka_unit_test(test_rounded_only_rows),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_unprotectable_withheld),
        cmocka_unit_test(test_buurt_gemeente_lookup),
        cmocka_unit_test(test_gebied_tree),
        cmocka_unit_test(test_rerank),
        cmocka_unit_test(test_period_relation),
        cmocka_unit_test(test_property_random_tables),
        cmocka_unit_test(test_national_timing),
    };

    return cmocka_run_group_tests(tests, NULL, teardown_glpk);
}
