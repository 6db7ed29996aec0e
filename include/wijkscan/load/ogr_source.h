/*
 * ogr_source.h - reading tables and polygons, and writing vector datasets
 * (GeoPackage, XLSX, PostgreSQL/PostGIS), and zip archives: the one wrapper
 * around GDAL/OGR and its CPL library.
 *
 * ogr_source.c is the only file that includes gdal.h, ogr_api.h, ogr_srs_api.h
 * or cpl_*.h; GDAL handles never leave it.  Every call runs with a collecting
 * GDAL error handler, so GDAL never prints: failure text goes to err->cause,
 * and GDAL warnings go to the caller's warning list (when one is given).
 *
 * Text is always UTF-8: a value or column name that is not valid UTF-8 is
 * read as Windows-1252 (CSV from Dutch Excel), and a UTF-8 BOM in front of
 * the first column name is dropped.  Values and names are trimmed of
 * surrounding white space.
 *
 * Positions, for messages: a CSV row is its physical line in the file (the
 * header is line 1; blank lines and quoted line breaks are counted), an XLSX
 * or ODS row is its spreadsheet row, anything else is "feature N" with N the
 * OGR feature id (as ogrinfo shows it).
 */
#ifndef WIJKSCAN_OGR_SOURCE_H
#define WIJKSCAN_OGR_SOURCE_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/geom.h"
#include "wijkscan/core/log.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/core/text.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Process-wide start (GDALAllRegister, a quiet default error handler) and end
 * (GDALDestroy).  Call once each from main; everything opened must be closed
 * before the shutdown. */
void ws_ogr_global_init(void);
void ws_ogr_global_shutdown(void);
/* GDAL's release name ("3.6.2"); static. */
const char *ws_ogr_gdal_version(void);

/* ---- tables: CSV (',' or ';'), XLSX, ODS, or any OGR layer's attributes ---- */

struct ws_ogr_table;

/* Opens `layer` (NULL: the first layer or sheet) of the table at `path`.  All
 * fields are read as text.  `warn` (may be NULL) receives GDAL warnings; it is
 * borrowed until ws_ogr_table_close().  *out is owned; close with
 * ws_ogr_table_close().  A missing or unreadable file is WS_ENOINPUT.
 * WS_EDATA: an unknown layer, a table without columns, a column name used
 * twice, and for CSV (.csv, .csv.gz, .tsv, .txt, also under /vsigzip/), at
 * FILE:LINE: an empty file, a header line without a ',' ';' or tab
 * separator, and a quote that is never closed (at the line it opens). */
int ws_ogr_table_open(const char *path, const char *layer, struct ws_warnings *warn,
                      struct ws_ogr_table **out, struct ws_err *err);
/* As ws_ogr_table_open, with the column names on line `header_row` (from
 * 1) of a CSV file: the lines above it (a title Excel wrote) are not read;
 * positions stay the file's own lines.  header_row > 1 for another kind of
 * table is WS_EDATA with the fix. */
int ws_ogr_table_open_at(const char *path, const char *layer, size_t header_row,
                         struct ws_warnings *warn, struct ws_ogr_table **out, struct ws_err *err);
void ws_ogr_table_close(struct ws_ogr_table *t);

/* Column names: borrowed, valid until close. */
size_t ws_ogr_table_n_fields(const struct ws_ogr_table *t);
const char *const *ws_ogr_table_fields(const struct ws_ogr_table *t);
/* The path as given to open, and the layer's name; borrowed. */
const char *ws_ogr_table_path(const struct ws_ogr_table *t);
const char *ws_ogr_table_layer(const struct ws_ogr_table *t);

/* Finds column `name` (exact, else the only case-insensitive match).  When it
 * is missing: WS_EDATA "column 'X' not found in 'FILE'", where = the header,
 * and a hint with a did-you-mean and the available columns; `key` (may be
 * NULL), e.g. "[statistics] code", names the study setting to change. */
int ws_ogr_table_field_index(const struct ws_ogr_table *t, const char *name, const char *key,
                             size_t *idx, struct ws_err *err);

/* Reads the next row: returns 1 for a row, 0 at the end, or a negative ws
 * status (err set) when GDAL fails or, for CSV, when the row has fewer fields
 * than the header names or more fields than the header with something in
 * them (WS_EDATA at FILE:LINE).  Empty fields after the last column (Excel's
 * "a;b;c;") are ignored, and a line of only separators and white space is
 * skipped like an empty line. */
int ws_ogr_table_next(struct ws_ogr_table *t, struct ws_err *err);
/* Starts reading again from the first row. */
void ws_ogr_table_rewind(struct ws_ogr_table *t);
/* Field i of the current row, trimmed UTF-8; "" when the field is empty or
 * null.  Borrowed, valid until the next ws_ogr_table_next/rewind/close. */
const char *ws_ogr_table_value(struct ws_ogr_table *t, size_t i);
/* How the table writes numbers (see text.h): WS_NUM_COMMA for a
 * ';'-separated CSV, WS_NUM_EITHER for a tab-separated one, WS_NUM_POINT for
 * a ','-separated CSV, XLSX, ODS and any other layer. */
enum ws_num_conv ws_ogr_table_num_conv(const struct ws_ogr_table *t);
/* The table's kind, for messages about its numbers: "a ';'-separated file",
 * "a ','-separated file", "a tab-separated file", "a spreadsheet" or "a GIS
 * table".  Static. */
const char *ws_ogr_table_kind_desc(const struct ws_ogr_table *t);
/* The current row's position: its line (CSV), row (XLSX/ODS) or feature id. */
size_t ws_ogr_table_line(const struct ws_ogr_table *t);
/* Appends "FILE:LINE" (or "FILE, feature N") for position `line`, and
 * ", column 'C'" when column is not NULL. */
void ws_ogr_table_locate(const struct ws_ogr_table *t, size_t line, const char *column,
                         struct ws_strbuf *sb);
/* Fills err->where with the current row's position and column (may be NULL). */
void ws_ogr_table_where(const struct ws_ogr_table *t, const char *column, struct ws_err *err);

/* ---- polygons ---- */

struct ws_ogr_feature {
    int64_t fid;         /* OGR feature id, as ogrinfo shows it */
    char **values;       /* n_fields trimmed UTF-8 strings; NULL when not
                            requested, null or empty */
    struct ws_geom geom; /* in the layer's CRS, x = easting/longitude */
};

struct ws_ogr_polygons {
    char *layer; /* the layer's name */
    char *crs;   /* the layer's CRS as WKT2 (for ws_crs_transform_new) */
    size_t n_fields;
    struct ws_ogr_feature *features;
    size_t n;
    size_t n_repaired; /* features repaired with MakeValid */
};

void ws_ogr_polygons_init(struct ws_ogr_polygons *p);
/* Frees everything and re-initialises p. */
void ws_ogr_polygons_release(struct ws_ogr_polygons *p);

/* Reads every feature of `layer` (NULL: the first) of the polygon source at
 * `path` into *out (initialised by the caller; filled only on success).
 * `fields` names n_fields attribute columns to copy (an entry may be NULL: not
 * wanted); fields[0] labels features in messages.  `keys` (may be NULL, or
 * hold NULLs) names the study setting of each field for hints.
 *   - a missing file: WS_ENOINPUT; an unknown layer or column: WS_EDATA with
 *     a did-you-mean;
 *   - no CRS, no features, or not (Multi)Polygon geometries: WS_EDATA;
 *   - a feature without geometry: WS_EDATA naming the feature;
 *   - an invalid polygon is repaired (OGR_G_MakeValid, polygonal parts kept)
 *     and warned about in `warn` (may be NULL): "feature N ('CODE'): invalid
 *     polygon repaired (MakeValid)".
 * Curved geometries are linearised; Z and M are dropped.
 * `where` (may be NULL) is an OGR attribute filter (OGR SQL, as ogr2ogr
 * -where): only matching features are read.  A filter GDAL refuses is
 * WS_EDATA with GDAL's reason as the cause and err->where left empty (the
 * caller names the study line); no matching feature is WS_EDATA. */
int ws_ogr_read_polygons(const char *path, const char *layer, const char *where,
                         const char *const *fields, const char *const *keys, size_t n_fields,
                         struct ws_ogr_polygons *out, struct ws_warnings *warn, struct ws_err *err);

/* The area (CRS units squared) of the intersection of polygon `a` with
 * each of the n polygons b[k], into area[k]; all in one CRS.  Needs GDAL
 * with GEOS: without it, or when GDAL cannot overlay two polygons,
 * WS_EINTERNAL with GDAL's reason as the cause. */
int ws_ogr_overlap_areas(const struct ws_geom *a, const struct ws_geom *const *b, size_t n,
                         double *area, struct ws_err *err);

/* ---- points ([locations]) ---- */

struct ws_ogr_point {
    int64_t fid; /* feature id (CSV: data row, from 1) */
    size_t line; /* CSV line, XLSX/ODS row, or the feature id */
    char *name;  /* trimmed UTF-8; the feature id as text without a name column */
    double x, y; /* in the layer's CRS, x = easting/longitude */
};

struct ws_ogr_points {
    char *layer; /* the layer's name */
    char *crs;   /* WKT2 of the layer's CRS, or "EPSG:4326" for lon/lat columns */
    struct ws_ogr_point *points;
    size_t n;
};

void ws_ogr_points_init(struct ws_ogr_points *p);
/* Frees everything and re-initialises p. */
void ws_ogr_points_release(struct ws_ogr_points *p);

/* Reads point locations into *out (initialised by the caller; filled only on
 * success).  A table (CSV, XLSX, ODS) needs a longitude and a latitude column
 * (lon/lng/longitude and lat/latitude, any case; WGS 84), parsed in the
 * table's number convention (text.h); any other source needs Point
 * geometries and a CRS.  `name_field` (may be NULL) is the name column, `key`
 * (may be NULL) the study setting named in hints.  Missing file: WS_ENOINPUT;
 * no coordinates, a bad coordinate, no CRS, geometries that are not points or
 * no points at all: WS_EDATA at FILE:LINE. */
int ws_ogr_read_points(const char *path, const char *layer, const char *name_field, const char *key,
                       struct ws_ogr_points *out, struct ws_err *err);

/* ---- writing: GeoPackage, XLSX, PostgreSQL/PostGIS ---- */

struct ws_ogr_writer;

enum ws_ogr_type {
    WS_OGR_TEXT = 0,
    WS_OGR_INTEGER = 1, /* 64-bit */
    WS_OGR_REAL = 2,
};

struct ws_ogr_field {
    const char *name;
    enum ws_ogr_type type;
};

/* One attribute value; `null` (or a NULL s, or a NaN d) writes a null. */
struct ws_ogr_value {
    bool null;
    const char *s; /* WS_OGR_TEXT (borrowed for the call) */
    int64_t i;     /* WS_OGR_INTEGER */
    double d;      /* WS_OGR_REAL */
};

/* Starts writing with OGR driver `driver`:
 *   "GPKG", "XLSX": a new file at `target`, which must not exist;
 *   "PostgreSQL": the existing database of connection string `target`
 *   ("PG:dbname=... host=..."), opened for update.
 * Everything written goes into one transaction where the driver has them
 * (GPKG, PostgreSQL), committed by ws_ogr_writer_finish().  `date` (may be
 * NULL) is the timestamp written for the layers' last change (GDAL's
 * OGR_CURRENT_DATE, "YYYY-MM-DDTHH:MM:SS.000Z"), so that a GeoPackage is the
 * same bytes on every run.  *out owned: end with ws_ogr_writer_finish() or
 * ws_ogr_writer_abort().  WS_ECANTCREAT when it cannot be made or opened. */
int ws_ogr_writer_create(const char *driver, const char *target, const char *date,
                         struct ws_ogr_writer **out, struct ws_err *err);
/* Adds layer `name` with the fields in order, and makes it the current
 * layer.  srid > 0: a MULTIPOLYGON geometry column in EPSG:srid; 0: no
 * geometry (a plain table, an XLSX sheet).  `options` (NULL-terminated, may
 * be NULL) are OGR layer creation options, e.g. "IDENTIFIER=...",
 * "DESCRIPTION=...", "OVERWRITE=YES". */
int ws_ogr_writer_add_layer(struct ws_ogr_writer *w, const char *name, int srid,
                            const struct ws_ogr_field *fields, size_t n_fields,
                            const char *const *options, struct ws_err *err);
/* Adds a feature to the current layer: values[k] for field k, and the
 * geometry as WKB (ws_geom_to_wkb; NULL or len 0: a null geometry). */
int ws_ogr_writer_add_feature(struct ws_ogr_writer *w, const struct ws_ogr_value *values,
                              const unsigned char *wkb, size_t wkb_len, struct ws_err *err);
/* Runs one SQL statement in the driver's dialect (e.g. CREATE VIEW, an
 * INSERT into a GeoPackage's own tables); a result set is discarded. */
int ws_ogr_writer_exec(struct ws_ogr_writer *w, const char *sql, struct ws_err *err);
/* Commits, closes and frees w (also on failure, when a new file is left
 * incomplete for the caller to remove and a database is rolled back). */
int ws_ogr_writer_finish(struct ws_ogr_writer *w, struct ws_err *err);
/* Rolls back, closes and frees w (NULL is fine). */
void ws_ogr_writer_abort(struct ws_ogr_writer *w);

/* ---- writing a zip archive (the container of an XLSX workbook) ---- */

struct ws_zip;

/* Starts a new zip archive at `path`, which must not exist.  Entries are
 * written one after another and compressed as they come (deflate), so memory
 * stays small whatever their size; no entry carries a date (GDAL writes
 * zero), so that the same content gives the same bytes.  *out owned:
 * end with ws_zip_close() or ws_zip_abort().  WS_ECANTCREAT when it cannot
 * be made. */
int ws_zip_create(const char *path, struct ws_zip **out, struct ws_err *err);
/* Starts entry `name` ("xl/workbook.xml"), ending the one before if open. */
int ws_zip_entry_begin(struct ws_zip *z, const char *name, struct ws_err *err);
/* Appends len bytes to the current entry. */
int ws_zip_write(struct ws_zip *z, const void *data, size_t len, struct ws_err *err);
/* Ends the current entry (nothing to do when none is open). */
int ws_zip_entry_end(struct ws_zip *z, struct ws_err *err);
/* Ends the last entry, writes the archive's directory, closes and frees z
 * (also on failure, when the file is left incomplete for the caller to
 * remove). */
int ws_zip_close(struct ws_zip *z, struct ws_err *err);
/* Closes and frees z without reporting (NULL is fine); the file is left
 * incomplete for the caller to remove. */
void ws_zip_abort(struct ws_zip *z);

#endif
