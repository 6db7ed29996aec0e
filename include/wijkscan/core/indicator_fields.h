/*
 * indicator_fields.h - the one table of the fields of an indicator row
 * (struct ws_indicator; the README's data dictionary), in the column order of
 * indicators.csv.
 *
 * Every writer and reader of indicator rows goes through this table: the
 * store's indicator tables (columns, insert, select), indicators.csv and
 * indicators_excel.csv, the layers of indicators.gpkg and the sheets of
 * indicators.xlsx, the protection rules that NULL a suppressed cell's
 * figures, the check that refuses to publish a suppressed row that still
 * has one, and the indicators a map definition may name.  A field added
 * here reaches all of them; a field that a suppressed cell must not show
 * says so here (WS_FIELD_HIDDEN) and nowhere else.
 *
 * X(member, kind, flags, unit, header_nl, header_en, legend_nl, legend_en)
 *   member     the member of struct ws_indicator, which is also the column
 *              name in the store, the CSV files and the GeoPackage;
 *   kind       how the member holds its value (enum ws_field_kind, without
 *              the WS_KIND_ prefix); checked against the member's C type at
 *              compile time (indicators.c);
 *   flags      enum ws_field_flag bits, or 0: whether the field is part of
 *              the row's key, and when the protected set makes it NULL;
 *   unit       enum ws_field_unit without the WS_UNIT_ prefix;
 *   header_*   the column header of indicators.xlsx in Dutch and English;
 *   legend_*   the legend title of a map of the field, or NULL: a field
 *              without one cannot be drawn on a map.
 */
#ifndef WIJKSCAN_INDICATOR_FIELDS_H
#define WIJKSCAN_INDICATOR_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#define WS_INDICATOR_FIELDS(X)                                                                     \
    X(code, TEXT, WS_FIELD_KEY, NONE, "Code", "Code", NULL, NULL)                                  \
    X(name, TEXT, 0, NONE, "Naam", "Name", NULL, NULL)                                             \
    X(level, LEVEL, WS_FIELD_KEY, NONE, "Niveau", "Level", NULL, NULL)                             \
    X(parent, TEXT, 0, NONE, "Ligt in", "Part of", NULL, NULL)                                     \
    X(year, INT, WS_FIELD_KEY, NONE, "Jaar", "Year", NULL, NULL)                                   \
    X(period, INT, WS_FIELD_KEY, NONE, "Periode (jaren)", "Period (years)", NULL, NULL)            \
    X(category, TEXT, WS_FIELD_KEY, NONE, "Categorie", "Category", NULL, NULL)                     \
    X(population, REAL, 0, PERSONS, "Inwoners (doelgroep)", "Population at risk", "Populatie",     \
      "Population at risk")                                                                        \
    X(cases, COUNT, WS_FIELD_HIDDEN, CASES, "Hulpvragen (afgerond)", "Cases (rounded)",            \
      "Aantal casussen", "Number of cases")                                                        \
    X(rate_per_1000, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PER_1000, "Per 1.000 inwoners",       \
      "Rate per 1,000", "Casussen per 1.000", "Cases per 1,000")                                   \
    X(rate_ci_low, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PER_1000,                               \
      "Per 1.000: 95%-interval van", "Rate: 95% interval from",                                    \
      "Ondergrens 95%-interval per 1.000", "Lower 95% limit per 1,000")                            \
    X(rate_ci_high, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PER_1000,                              \
      "Per 1.000: 95%-interval tot", "Rate: 95% interval to", "Bovengrens 95%-interval per 1.000", \
      "Upper 95% limit per 1,000")                                                                 \
    X(ratio_avg, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, RATIO, "Verhouding tot gemiddelde",       \
      "Ratio to the average", "Verhouding tot het gemiddelde", "Ratio to the study average")       \
    X(poisson_p, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PROBABILITY, "Kans (Poisson)",            \
      "Poisson probability", "Poisson-kans (Choynowski)", "Poisson probability (Choynowski)")      \
    X(expected, REAL, WS_FIELD_MODEL, EXPECTED, "Verwacht aantal", "Expected cases",               \
      "Verwacht aantal (model)", "Expected cases (model)")                                         \
    X(oe_ratio, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT | WS_FIELD_MODEL, RATIO,                    \
      "Waargenomen / verwacht", "Observed / expected", "Waargenomen / verwacht",                   \
      "Observed / expected")                                                                       \
    X(oe_ci_low, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT | WS_FIELD_MODEL, RATIO,                   \
      "Waargenomen / verwacht: 95%-interval van", "Observed / expected: 95% interval from",        \
      "Ondergrens 95%-interval W/V", "Lower 95% limit O/E")                                        \
    X(oe_ci_high, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT | WS_FIELD_MODEL, RATIO,                  \
      "Waargenomen / verwacht: 95%-interval tot", "Observed / expected: 95% interval to",          \
      "Bovengrens 95%-interval W/V", "Upper 95% limit O/E")                                        \
    X(eb_rate, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PER_1000, "Gladgestreken per 1.000 (EB)",   \
      "Smoothed rate per 1,000 (EB)", "Gesmoothed per 1.000 (empirisch Bayes)",                    \
      "Smoothed rate per 1,000 (empirical Bayes)")                                                 \
    X(seb_rate, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PER_1000,                                  \
      "Ruimtelijk gladgestreken per 1.000 (EB)", "Spatially smoothed rate per 1,000 (EB)",         \
      "Lokaal gesmoothed per 1.000 (empirisch Bayes)",                                             \
      "Locally smoothed rate per 1,000 (empirical Bayes)")                                         \
    X(lisa_i, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, SCORE, "LISA I", "LISA I",                   \
      "Lokale Moran's I", "Local Moran's I")                                                       \
    X(lisa_z, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, SCORE, "LISA z", "LISA z",                   \
      "Lokale Moran's I (z-score)", "Local Moran's I (z-score)")                                   \
    X(lisa_p, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT, PROBABILITY, "LISA p", "LISA p",             \
      "Lokale Moran's I (p-waarde)", "Local Moran's I (p-value)")                                  \
    X(lisa_cluster, LABEL, WS_FIELD_HIDDEN, NONE, "Cluster (LISA)", "Cluster (LISA)",              \
      "Clusters (lokale Moran's I)", "Clusters (local Moran's I)")                                 \
    X(trend_rr, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT | WS_FIELD_TREND, RATIO,                    \
      "Verandering t.o.v. vorig jaar (verhouding)", "Change on the year before (ratio)",           \
      "Verandering t.o.v. vorig jaar", "Change on the previous year")                              \
    X(trend_p, REAL, WS_FIELD_HIDDEN | WS_FIELD_EXACT | WS_FIELD_TREND, PROBABILITY,               \
      "Verandering: kans (p)", "Change: probability (p)", "Trend (p-waarde)", "Trend (p-value)")   \
    X(priority_rank, RANK, WS_FIELD_HIDDEN, RANK, "Prioriteit (rang)", "Priority (rank)",          \
      "Prioriteit (rang)", "Priority (rank)")                                                      \
    X(suppressed, FLAG, 0, NONE, "Geheim (1 = ja)", "Suppressed (1 = yes)", NULL, NULL)            \
    X(buurten, TEXT, 0, NONE, "Buurten (codes)", "Neighbourhoods (codes)", NULL, NULL)

/* How a member holds its value, and what NULL is. */
enum ws_field_kind {
    WS_KIND_TEXT,  /* char *, owned by the set; NULL (or "") = NULL */
    WS_KIND_LEVEL, /* enum ws_level, written as its name; never NULL */
    WS_KIND_INT,   /* int; never NULL */
    WS_KIND_REAL,  /* double; NAN = NULL */
    WS_KIND_COUNT, /* double holding a whole number, written as an integer; NAN = NULL */
    WS_KIND_LABEL, /* char[WS_FIELD_LABEL_SIZE]; "" = NULL */
    WS_KIND_RANK,  /* long, 1 = first; 0 = NULL */
    WS_KIND_FLAG,  /* enum ws_suppression, written as 0 or 1; never NULL */
};

/* Size of a WS_KIND_LABEL member, with its terminating NUL. */
#define WS_FIELD_LABEL_SIZE 12

enum ws_field_flag {
    WS_FIELD_KEY = 1 << 0,    /* part of the row's key (level, code, year, category): never NULL */
    WS_FIELD_HIDDEN = 1 << 1, /* follows from the row's own count: NULL in a suppressed row */
    WS_FIELD_EXACT = 1 << 2,  /* (with HIDDEN) a value gives the exact count back, with the
                                 row's population or expected: the audit knows such a count */
    WS_FIELD_MODEL = 1 << 3,  /* from the covariate model: NULL where it is withheld */
    WS_FIELD_TREND = 1 << 4,  /* compares with the year before: NULL when that year is
                                 suppressed */
};

/* The unit of a figure (README's data dictionary, "type, unit"). */
enum ws_field_unit {
    WS_UNIT_NONE,        /* text, a code, a year or a flag */
    WS_UNIT_PERSONS,     /* population at risk */
    WS_UNIT_CASES,       /* a number of cases */
    WS_UNIT_EXPECTED,    /* an expected (fractional) number of cases */
    WS_UNIT_PER_1000,    /* per 1,000 of the population at risk */
    WS_UNIT_RATIO,       /* a ratio, 1 = as expected */
    WS_UNIT_PROBABILITY, /* 0 to 1 */
    WS_UNIT_SCORE,       /* an index or a z-score */
    WS_UNIT_RANK,        /* 1 = highest */
};

struct ws_field {
    const char *name; /* member and column name */
    enum ws_field_kind kind;
    unsigned flags; /* enum ws_field_flag bits */
    enum ws_field_unit unit;
    const char *header_nl, *header_en; /* indicators.xlsx column headers */
    const char *legend_nl, *legend_en; /* map legend titles; NULL: not a map indicator */
    size_t offset;                     /* offsetof(struct ws_indicator, member) */
};

/* WS_FIELD_IX_member: the index of a field in ws_fields; WS_N_FIELDS: how
 * many there are. */
#define WS_FIELD_IX_(m, ...) WS_FIELD_IX_##m,
enum ws_field_ix { WS_INDICATOR_FIELDS(WS_FIELD_IX_) WS_N_FIELDS };
#undef WS_FIELD_IX_

/* The table, in column order (static; defined in indicators.c). */
extern const struct ws_field ws_fields[WS_N_FIELDS];

/* One field's value, read without knowing its kind. */
struct ws_field_value {
    bool null;
    double d;      /* REAL, COUNT; also INT, RANK and FLAG as a number; NAN when null */
    long long i;   /* INT, LEVEL (the enum), COUNT (rounded), RANK, FLAG (0 or 1); else 0 */
    const char *s; /* TEXT, LABEL (borrowed from the row); NULL for other kinds */
};

struct ws_indicator;

/* The index of field `name` in ws_fields, or -1. */
int ws_field_index(const char *name);
/* True when a suppressed row may show field k (it is not WS_FIELD_HIDDEN). */
bool ws_field_shown_when_suppressed(size_t k);
/* Reads field k of r into *v. */
void ws_field_get(const struct ws_indicator *r, size_t k, struct ws_field_value *v);
/* Sets field k of r to NULL.  Only for kinds that have a NULL (TEXT, REAL,
 * COUNT, LABEL, RANK); a TEXT value is freed. */
void ws_field_set_null(struct ws_indicator *r, size_t k);
/* Sets field k of r from v (a null v: as ws_field_set_null): TEXT is
 * copied (the old value freed), LABEL truncated to its size, REAL and COUNT
 * from v->d, INT, LEVEL and RANK from v->i, FLAG WS_SUPP_PRIMARY when
 * v->i != 0, else WS_SUPP_NONE (the caller knows whether it is secondary). */
void ws_field_set(struct ws_indicator *r, size_t k, const struct ws_field_value *v);

#endif
