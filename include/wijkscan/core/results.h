/*
 * results.h - the typed results that pass between stages: the priority list,
 * the group offers and the manifest.
 *
 * The stage that makes a result stores its rows in the private store
 * (store.h: ws_store_put_priorities, ws_store_put_offers,
 * ws_store_put_manifest); the publishing stage writes the published file from
 * those rows with the formatters below, and the report reads the same rows by
 * field name.  No stage parses another stage's text, so a new field or
 * column changes what its readers are compiled against, not what they find
 * in column N.
 *
 * Ownership: every string of a row is owned by the row (NULL where a field
 * says it may be); arrays of rows are released with the *_free functions.
 */
#ifndef WIJKSCAN_RESULTS_H
#define WIJKSCAN_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

/* Why a buurt is on the priority list (bit flags; priority.h says when each
 * is given).  The published key of each flag (priorities.csv, column
 * reasons) is ws_reason_key(). */
enum ws_reason {
    WS_REASON_HIGH_NEED = 1u << 0,   /* "need": hoog verwacht door profiel */
    WS_REASON_HIGH_DEMAND = 1u << 1, /* "demand": veel vraag (hoge gladgestreken rate) */
    WS_REASON_RISING = 1u << 2,      /* "rising": stijgend */
    WS_REASON_CLUSTER = 1u << 3,     /* "cluster": deel van een cluster van hoge waarden */
    WS_REASON_FALLING = 1u << 4,     /* "falling": dalend */
};
#define WS_REASON_ALL 0x1fu

/* The key of exactly one flag ("need", "demand", "rising", "cluster",
 * "falling"), or NULL for anything else. */
const char *ws_reason_key(unsigned flag);

/* One buurt on the priority list of one year (priorities.csv). */
struct ws_priority_row {
    int year;
    long rank;        /* priority_rank, 1 = first */
    char *code;       /* buurt code; never NULL */
    char *name;       /* buurt name; may be NULL */
    char *wijk;       /* the buurt's wijk code; may be NULL */
    unsigned reasons; /* WS_REASON_* flags that its published figures support */
};

/* One published group-offer catchment (groepsaanbod.csv). */
struct ws_offer_row {
    char *category;
    int year_from, year_to; /* the pooled years; equal without pooling */
    char *catchment;        /* service location name, or wijk code; never NULL */
    char *catchment_name;   /* location name or wijk name; may be NULL */
    char *location;         /* the service location; NULL for a wijk catchment */
    size_t n_buurten;       /* buurten in the catchment */
    double cases;           /* published (rounded) total; NAN when withheld */
    bool suggest;           /* published and enough families for a group */
};

/* What one manifest item says (manifest.json, the report's provenance). */
enum ws_manifest_kind {
    WS_MANIFEST_TOOL = 0,    /* key: tool name, value: its version */
    WS_MANIFEST_LIBRARY = 1, /* key: library, value: its version */
    WS_MANIFEST_RUN = 2,     /* key: "started_utc" or "study", value */
    WS_MANIFEST_INPUT = 3,   /* key: role, value: path, sha256 (may be NULL) */
    WS_MANIFEST_SETTING = 4, /* key: setting, value (may be NULL) */
    WS_MANIFEST_WARNING = 5, /* key: stage, value: message */
};
#define WS_MANIFEST_N_KINDS 6

/* The name of a kind as the store keeps it ("tool", "library", "run",
 * "input", "setting", "warning"), or NULL for a value out of range. */
const char *ws_manifest_kind_name(enum ws_manifest_kind kind);
/* The kind of a name of ws_manifest_kind_name(); false when there is none. */
bool ws_manifest_kind_parse(const char *name, enum ws_manifest_kind *kind);

struct ws_manifest_item {
    enum ws_manifest_kind kind;
    char *key;    /* never NULL */
    char *value;  /* may be NULL */
    char *sha256; /* inputs only; NULL otherwise or when not computed */
};

void ws_priority_rows_free(struct ws_priority_row *rows, size_t n);
void ws_offer_rows_free(struct ws_offer_row *rows, size_t n);
void ws_manifest_items_free(struct ws_manifest_item *items, size_t n);

/* priorities.csv (owned text): header year,rank,code,name,wijk,reasons;
 * one line per row in the given order; reasons the keys of its flags in
 * flag order, ';'-separated. */
char *ws_priorities_csv(const struct ws_priority_row *rows, size_t n);

/* groepsaanbod.csv (owned text): header
 *   category,years,catchment,catchment_name,location,n_buurten,cases,suggest
 * one line per row in the given order; years "2024" or "2023-2024";
 * location empty for a wijk catchment; cases empty when withheld; suggest 1
 * or 0. */
char *ws_offers_csv(const struct ws_offer_row *rows, size_t n);

/* manifest.json (owned text, README: What it writes): format, tool,
 * libraries, run, inputs, settings, seed (the setting "seed", null
 * without it), the list of published files and the warnings, each part
 * from the items of its kind in the given order. */
char *ws_manifest_json(const struct ws_manifest_item *items, size_t n);

#endif
