/*
 * indicators.h - one row of results per area x year x category (the
 * README's data dictionary), as plain values shared by the analyse, protect
 * and publishing stages.
 *
 * A raw set (from the analysis) holds exact counts and every figure; it lives
 * only in the private store.  A protected set (from ws_protect_apply) has
 * suppressed cells NULLed and counts rounded; it is the only thing any writer
 * of a published file, map or report may see.  NULL is NAN for doubles, ""
 * for lisa_cluster and 0 for priority_rank.  The fields, their columns and
 * which of them a suppressed cell may show are listed once, in
 * indicator_fields.h; code that handles every field iterates ws_fields.
 */
#ifndef WIJKSCAN_INDICATORS_H
#define WIJKSCAN_INDICATORS_H

#include "wijkscan/core/indicator_fields.h"
#include "wijkscan/core/model.h"

#include <stdbool.h>
#include <stddef.h>

enum ws_suppression {
    WS_SUPP_NONE = 0,
    WS_SUPP_PRIMARY = 1,   /* cases < min_count */
    WS_SUPP_SECONDARY = 2, /* complementary: protects a primary cell */
};

struct ws_indicator {
    char *code;
    char *name;
    enum ws_level level;
    char *parent;   /* wijk of a buurt or gebied, gemeente of a wijk, NULL for a gemeente */
    int year;       /* a single year, or the last year of a pooled period */
    int period;     /* years pooled: 1 for a single year, N for the period year - N + 1 .. year */
    char *category; /* "all" for the total over categories */

    double population; /* P */
    double cases;      /* O (raw in the store; rounded when published) */
    double rate_per_1000, rate_ci_low, rate_ci_high;
    double ratio_avg, poisson_p;
    double expected, oe_ratio, oe_ci_low, oe_ci_high;
    double eb_rate, seb_rate; /* per 1000 */
    double lisa_i, lisa_z, lisa_p;
    char lisa_cluster[WS_FIELD_LABEL_SIZE]; /* HH LL HL LH ns isolated, "" = NULL */
    double trend_rr, trend_p;
    long priority_rank; /* 0 = NULL */
    enum ws_suppression suppressed;
    char *buurten; /* gebied: the codes of its buurten, space-separated; NULL elsewhere */
};

struct ws_text_pool;

struct ws_indicator_set {
    struct ws_indicator *rows;
    size_t n;
    size_t cap;
    /* NULL: each row owns its texts; else the texts of every row are the
     * pool's (ws_indicator_set_share_texts), set only by
     * ws_indicator_set_field and never freed one by one */
    struct ws_text_pool *pool;
};

/* Sets every numeric field of r to NAN (NULL), period to 1 (a single year)
 * and the rest to empty. */
void ws_indicator_clear(struct ws_indicator *r);
/* Appends a cleared row and returns it (borrowed, valid until the next
 * append or release); the caller fills it; strings are owned by the set. */
struct ws_indicator *ws_indicator_set_add(struct ws_indicator_set *set);
void ws_indicator_set_release(struct ws_indicator_set *set);
/* Room for n rows in all, exactly (a reader that knows the count). */
void ws_indicator_set_reserve(struct ws_indicator_set *set, size_t n);
/* Deep copy of src into dst (dst must be released or zeroed); dst's rows
 * own their texts. */
void ws_indicator_set_copy(struct ws_indicator_set *dst, const struct ws_indicator_set *src);
/* Makes the empty set keep one copy of each distinct text (a set read from
 * the store repeats each code, name and category once per year and
 * category); its rows then take texts only through ws_indicator_set_field. */
void ws_indicator_set_share_texts(struct ws_indicator_set *set);
/* ws_field_set for row r of set: a text is the pool's copy when the set
 * shares its texts. */
void ws_indicator_set_field(struct ws_indicator_set *set, struct ws_indicator *r, size_t k,
                            const struct ws_field_value *v);
/* NULLs the texts of row r of set (freed unless the set shares them), for a
 * row about to be dropped from the set. */
void ws_indicator_drop_texts(const struct ws_indicator_set *set, struct ws_indicator *r);

#endif
