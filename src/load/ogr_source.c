/*
 * ogr_source.c - reading tables and polygons, writing vector datasets and zip
 * archives: the one wrapper around GDAL/OGR (see ogr_source.h).
 *
 * Error handling: every public function runs between guard_begin() and
 * guard_end(), which reset GDAL's last error and push a collecting handler
 * (CPLPushErrorHandlerEx) whose user data is a struct gdal_msgs.  The first
 * failure text is kept for err->cause; warnings go to the caller's list.
 * Outside our calls a quiet default handler (set in ws_ogr_global_init) keeps
 * GDAL off stderr too.
 *
 * Tables: CSV is opened with HEADERS=YES and AUTODETECT_TYPE=NO, so every
 * field is text exactly as written.  GDAL 3.6 has no SEPARATOR open option;
 * its CSV driver picks ',' ';' or tab from the header line itself (a header
 * that mixes them falls back to ','), which covers both ',' and ';' files.
 * XLSX and ODS take their header and typing rules from configuration options
 * (OGR_XLSX_HEADERS=FORCE, OGR_XLSX_FIELD_TYPES=STRING and the ODS pair), set
 * thread-locally while the sheet is opened and parsed.  GDAL numbers CSV
 * records 1, 2, ... skipping blank lines, so the physical line of each record
 * is found by a separate scan of the file (quote parity, as GDAL's reader),
 * done before GDAL opens it.  The scan also finds what GDAL handles badly: an
 * empty file or a header without separator (GDAL: "not recognized"), a quote
 * never closed (GDAL: the rest of the file is one value), and rows with too
 * many or too few fields (GDAL drops or leaves them empty silently).  The
 * separator fixes how the table writes numbers (enum ws_num_conv, text.h).
 *
 * Polygons: geometries are copied out as ISO WKB into struct ws_geom before
 * the feature is destroyed.  Invalid ones are repaired with OGR_G_MakeValid
 * (GEOS) keeping only polygonal parts.  The layer's CRS is handed on as WKT2;
 * if the layer stores coordinates in the CRS's own (north, east) order, x and
 * y are swapped so that x is always easting or longitude.
 *
 * Zip archives: GDAL's CPL zip writer (CPLCreateZip and friends, its copy of
 * minizip), which deflates each entry as it is written; the handle stays in
 * struct ws_zip.
 */
// cpl_vsi.h declares VSIStatBufL as struct stat64, which needs this
#define _LARGEFILE64_SOURCE 1

#include "wijkscan/load/ogr_source.h"

#include "wijkscan/core/mem.h"
#include "wijkscan/core/suggest.h"
#include "wijkscan/core/text.h"

// GDAL's headers declare enumerators above INT_MAX (wkbPoint25D), which
// -Wpedantic rejects in C; the warning is about GDAL's code, not ours
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#pragma GCC diagnostic pop

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GDAL messages ---- */

#define MAX_GDAL_WARNINGS 5 /* per open table or layer read */

struct gdal_msgs {
    char failure[WS_ERR_TEXT]; /* first CE_Failure / CE_Fatal text */
    struct ws_warnings *warn;  /* borrowed; NULL: warnings are dropped */
    const char *label;         /* file name for warnings */
    size_t n_warn;
    bool mute;       /* keep warnings in `muted` instead of the list */
    char muted[256]; /* the last warning while muted */
};

static void CPL_STDCALL collect(CPLErr cls, CPLErrorNum num, const char *msg)
{
    struct gdal_msgs *m = CPLGetErrorHandlerUserData();

    (void)num;
    if (!m || !msg)
        return;
    if (cls == CE_Failure || cls == CE_Fatal) {
        if (!m->failure[0]) {
            size_t n;
            (void)snprintf(m->failure, sizeof(m->failure), "%s", msg);
            // PostgreSQL's messages end in a line break
            n = strlen(m->failure);
            while (n && (m->failure[n - 1] == '\n' || m->failure[n - 1] == ' '))
                m->failure[--n] = '\0';
        }
    } else if (cls == CE_Warning && m->mute) {
        (void)snprintf(m->muted, sizeof(m->muted), "%s", msg);
    } else if (cls == CE_Warning && m->warn && m->n_warn < MAX_GDAL_WARNINGS) {
        ws_warnings_add(m->warn, "'%s': GDAL: %s", m->label ? m->label : "?", msg);
        m->n_warn++;
    }
}

static void guard_begin(struct gdal_msgs *m)
{
    m->failure[0] = '\0';
    m->mute = false;
    m->muted[0] = '\0';
    CPLErrorReset();
    CPLPushErrorHandlerEx(collect, m);
}

static void guard_end(void)
{
    CPLPopErrorHandler();
}

/* GDAL's explanation of the last failure, into err->cause. */
static void gdal_cause(struct ws_err *err, const struct gdal_msgs *m)
{
    if (m->failure[0])
        ws_err_cause(err, "GDAL: %s", m->failure);
    else if (CPLGetLastErrorType() >= CE_Failure && CPLGetLastErrorMsg()[0])
        ws_err_cause(err, "GDAL: %s", CPLGetLastErrorMsg());
}

static bool have_geos;

void ws_ogr_global_init(void)
{
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    // reading a .gz input must not write NAME.gz.properties beside it
    CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO");
    // GDAL 3.6 builds the R-tree of a large GeoPackage layer in a helper
    // thread and then cannot detach its temporary database inside our one
    // transaction ("database temp_rtree_... is locked"): the national
    // indicators.gpkg failed to write.  Build it in line instead.
    CPLSetConfigOption("OGR_GPKG_ALLOW_THREADED_RTREE", "NO");
    have_geos = OGRGetGEOSVersion(NULL, NULL, NULL);
}

void ws_ogr_global_shutdown(void)
{
    GDALDestroy();
}

const char *ws_ogr_gdal_version(void)
{
    return GDALVersionInfo("RELEASE_NAME");
}

/* ---- shared helpers ---- */

/* An owned, trimmed UTF-8 copy of GDAL text (Windows-1252 if not UTF-8). */
static char *utf8_copy(const char *raw)
{
    char *s;

    if (!raw)
        return ws_xstrdup("");
    s = ws_utf8_valid(raw) ? ws_xstrdup(raw) : ws_cp1252_to_utf8(raw);
    ws_trim(s);
    return s;
}

static bool has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path);
    size_t m = strlen(suffix);
    return n >= m && ws_strcasecmp(path + n - m, suffix) == 0;
}

enum table_kind {
    KIND_OTHER = 0,
    KIND_CSV,
    KIND_XLSX,
    KIND_ODS,
};

static enum table_kind kind_of(const char *path)
{
    if (has_suffix(path, ".csv") || has_suffix(path, ".csv.gz") || has_suffix(path, ".tsv") ||
        has_suffix(path, ".txt"))
        return KIND_CSV;
    if (has_suffix(path, ".xlsx") || has_suffix(path, ".xlsm"))
        return KIND_XLSX;
    if (has_suffix(path, ".ods"))
        return KIND_ODS;
    return KIND_OTHER;
}

/* Appends "a, b, c" (at most ~300 characters, then "... (N more)"). */
static void add_list(struct ws_strbuf *sb, const char *const *items, size_t n)
{
    size_t start = sb->len;

    for (size_t i = 0; i < n; i++) {
        if (sb->len - start > 300) {
            ws_strbuf_addf(sb, ", ... (%zu more)", n - i);
            return;
        }
        ws_strbuf_addf(sb, "%s%s", i ? ", " : "", items[i]);
    }
}

/* Sets the hint for a name not found among cands. */
static void hint_missing(struct ws_err *err, const char *name, const char *const *cands, size_t n,
                         const char *plural, const char *key)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *s = ws_suggest(name, cands, n);

    if (s)
        ws_strbuf_addf(&sb, "did you mean '%s'? ", s);
    if (n == 0) {
        ws_strbuf_addf(&sb, "there are no %s", plural);
    } else {
        ws_strbuf_addf(&sb, "available %s: ", plural);
        add_list(&sb, cands, n);
    }
    if (key)
        ws_strbuf_addf(&sb, " (set %s in the study file)", key);
    ws_err_hint(err, "%s", sb.buf);
    ws_strbuf_release(&sb);
}

/* The path GDAL opens: "x.csv.gz" is read through /vsigzip/.  Owned. */
static char *gdal_path(const char *path)
{
    if (has_suffix(path, ".gz") && strncmp(path, "/vsi", 4) != 0) {
        struct ws_strbuf sb = WS_STRBUF_INIT;
        ws_strbuf_addf(&sb, "/vsigzip/%s", path);
        return ws_strbuf_detach(&sb);
    }
    return ws_xstrdup(path);
}

/* CRC-32 (the gzip trailer's) of n bytes, continuing crc. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    static uint32_t table[256];

    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* The most a ".gz" input may hold once decompressed: a national case table
 * is about 100 MB; more is refused before the pre-scan spends memory on it
 * (a gzip bomb: 13 MB of gzip can hold 2 GB of rows). */
#define WS_GZIP_MAX_BYTES ((uint64_t)512 << 20)

static int gzip_too_large(const char *path, struct ws_err *err)
{
    ws_err_set(err, WS_EDATA, "'%s' holds more than %u MB once decompressed", path,
               (unsigned)(WS_GZIP_MAX_BYTES >> 20));
    ws_err_where(err, "%s", path);
    ws_err_hint(err,
                "wijkscan reads gzip-compressed tables up to %u MB; check what the file "
                "holds ('zcat FILE | head'), and give one row per buurt, year and category",
                (unsigned)(WS_GZIP_MAX_BYTES >> 20));
    return WS_EDATA;
}

/* GDAL reads a gzip stream that was cut short as if it ended there.  So a
 * ".gz" input is read through once and its data checked against the
 * stream's trailer (CRC-32 and length): WS_EDATA when they differ, or when
 * it holds more than WS_GZIP_MAX_BYTES. */
static int gzip_complete(const char *path, const char *gpath, struct ws_err *err)
{
    const size_t pre = strlen("/vsigzip/");
    unsigned char *buf = NULL;
    unsigned char tail[8];
    VSILFILE *fp = NULL;
    uint32_t crc = 0;
    uint64_t size = 0;
    size_t got;
    bool ok = false;

    if (strncmp(gpath, "/vsigzip/", pre) != 0)
        return WS_OK;
    fp = VSIFOpenL(gpath + pre, "rb");
    if (fp && VSIFSeekL(fp, 0, SEEK_END) == 0 && VSIFTellL(fp) >= 18 &&
        VSIFSeekL(fp, VSIFTellL(fp) - 8, SEEK_SET) == 0 && VSIFReadL(tail, 1, 8, fp) == 8)
        ok = true;
    if (fp)
        (void)VSIFCloseL(fp);
    fp = ok ? VSIFOpenL(gpath, "rb") : NULL;
    if (fp) {
        buf = ws_xmalloc(65536);
        while (size <= WS_GZIP_MAX_BYTES && (got = VSIFReadL(buf, 1, 65536, fp)) > 0) {
            crc = crc32_update(crc, buf, got);
            size += got;
        }
        (void)VSIFCloseL(fp);
        free(buf);
        ok = crc == ((uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                     (uint32_t)tail[3] << 24) &&
             (uint32_t)size == ((uint32_t)tail[4] | (uint32_t)tail[5] << 8 |
                                (uint32_t)tail[6] << 16 | (uint32_t)tail[7] << 24);
    }
    if (size > WS_GZIP_MAX_BYTES)
        return gzip_too_large(path, err);
    if (ok)
        return WS_OK;
    ws_err_set(err, WS_EDATA, "'%s' is not a complete gzip file: it was cut short or is damaged",
               path);
    ws_err_where(err, "%s", path);
    ws_err_hint(err, "copy or export the file again ('gzip -t FILE' checks it); a file of "
                     "several gzip streams joined together is not supported either");
    return WS_EDATA;
}

/* Opens path for reading vectors.  Missing or unreadable: WS_ENOINPUT. */
static int open_dataset(const char *path, const char *const *drivers, const char *const *options,
                        struct gdal_msgs *m, GDALDatasetH *out, struct ws_err *err)
{
    VSIStatBufL st;
    GDALDatasetH ds = NULL;
    char *gpath = gdal_path(path);
    int rc = WS_OK;

    *out = NULL;
    if (VSIStatL(gpath, &st) != 0) {
        ws_err_set(err, WS_ENOINPUT, "cannot read '%s': no such file", path);
        ws_err_hint(err, "check the path in the study file; relative paths are relative to the "
                         "study file's folder");
        rc = WS_ENOINPUT;
        goto out;
    }
    if ((rc = gzip_complete(path, gpath, err)))
        goto out;
    ds = GDALOpenEx(gpath, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, drivers,
                    options, NULL);
    if (!ds) {
        ws_err_set(err, WS_ENOINPUT, "cannot read '%s'", path);
        gdal_cause(err, m);
        ws_err_hint(err,
                    "check that the file is readable and in a format GDAL/OGR reads "
                    "(gpkg, shp, geojson, csv, xlsx, ods, ...): try 'ogrinfo %s'",
                    path);
        rc = WS_ENOINPUT;
        goto out;
    }
    *out = ds;
out:
    free(gpath);
    return rc;
}

/* Finds `name` (NULL: the first layer) in ds; the layer is borrowed. */
static int pick_layer(GDALDatasetH ds, const char *path, const char *name, OGRLayerH *out,
                      struct ws_err *err)
{
    int n = GDALDatasetGetLayerCount(ds);
    OGRLayerH lyr = NULL;
    const char **names = NULL;
    int rc = WS_OK;

    *out = NULL;
    if (n <= 0) {
        ws_err_where(err, "%s", path);
        return ws_err_set(err, WS_EDATA, "'%s' holds no layers", path);
    }
    if (!name) {
        *out = GDALDatasetGetLayer(ds, 0);
        return WS_OK;
    }
    lyr = GDALDatasetGetLayerByName(ds, name);
    if (lyr) {
        *out = lyr;
        return WS_OK;
    }
    names = ws_xcalloc((size_t)n, sizeof(*names));
    for (int i = 0; i < n; i++)
        names[i] = OGR_L_GetName(GDALDatasetGetLayer(ds, i));
    rc = ws_err_set(err, WS_EDATA, "layer '%s' not found in '%s'", name, path);
    ws_err_where(err, "%s", path);
    hint_missing(err, name, names, (size_t)n, "layers", NULL);
    free(names);
    return rc;
}

/* ---- tables ---- */

enum pos_kind {
    POS_LINE,    /* CSV: physical line */
    POS_ROW,     /* XLSX/ODS: spreadsheet row (= OGR FID) */
    POS_FEATURE, /* anything else: feature id */
};

struct csv_rec {
    size_t line;        /* physical line the record starts on */
    size_t n_fields;    /* separators outside quotes + 1 */
    bool blank;         /* nothing but white space, separators and quotes */
    bool extra_content; /* a field beyond the header's holds more than white space */
};

struct ws_ogr_table {
    char *path;
    char *layer_name;
    GDALDatasetH ds;
    OGRLayerH lyr; /* borrowed from ds */
    OGRFeatureH feat;
    enum pos_kind pos;
    enum table_kind kind;
    char sep;             /* CSV: the header's separator; '\0' if unknown */
    enum ws_num_conv num; /* how the table writes numbers */
    struct csv_rec *recs; /* CSV: data record k (0-based); NULL if unknown */
    size_t n_rec;
    size_t n_header_fields; /* CSV: fields in the header line; 0: not checked */
    size_t n_header_named;  /* CSV: fields up to the last one with a name */
    size_t n_fields;
    char **names;
    struct ws_strbuf *vals; /* current row, converted on demand; buffers reused */
    bool *have;             /* vals[i] holds the current row's field i */
    size_t line;
    struct gdal_msgs msgs;
    char *mem_path; /* /vsimem/ UTF-8 copy of a UTF-16 file, or NULL */
};

/* What the scan of a CSV file found. */
struct csv_info {
    bool read;            /* the file could be read (else nothing below is known) */
    bool empty;           /* no value: white space, separators, quotes, a BOM */
    size_t header_line;   /* the line of the header (the first non-empty line) */
    char sep;             /* the header's first separator; '\0': none */
    bool mixed;           /* the header mixes separators (GDAL then uses ',') */
    size_t header_fields; /* fields in the header; 0 without a clear separator */
    size_t header_named;  /* fields up to the last one with a name */
    bool open_quote;      /* a quote is still open at the end of the file */
    size_t quote_line;    /* the line where that quote opened */
    struct csv_rec *recs; /* the data records; owned */
    size_t n;
};

/* State of the CSV record scanner.  Per byte it does as little as it can:
 * a byte of a value only sets `content` and `last_field`. */
struct csv_scanner {
    size_t lineno;     /* current physical line, from 1 */
    size_t start;      /* line the current record started on */
    size_t seps;       /* separators in the current record */
    size_t last_field; /* the last field (from 0) of the record with a value */
    size_t quote_line; /* line of the last opening quote */
    int sep;           /* the separator of data records; -1: none (yet) */
    bool in_header;    /* the header record has not ended */
    bool in_quotes;    /* inside a quoted value */
    bool in_record;    /* a record has started and not ended */
    bool content;      /* the record has a value (more than white space) */
    bool any_content;  /* an earlier record had one */
    struct csv_info *info;
    size_t cap;
};

static bool csv_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The end of the header record: its separator and field counts. */
static void csv_header_end(struct csv_scanner *s)
{
    struct csv_info *in = s->info;

    in->header_line = s->start;
    // without a clear separator GDAL guesses; do not second-guess it
    if (in->sep && !in->mixed) {
        in->header_fields = s->seps + 1;
        in->header_named = s->content ? s->last_field + 1 : 0;
    }
    s->sep = in->sep ? in->sep : -1;
    s->in_header = false;
}

/* A line break: ends the record unless inside quotes. */
static void csv_newline(struct csv_scanner *s)
{
    struct csv_info *in = s->info;
    struct csv_rec *r;

    s->lineno++;
    if (s->in_quotes || !s->in_record)
        return;
    s->in_record = false;
    s->any_content = s->any_content || s->content;
    if (s->in_header) {
        csv_header_end(s);
        return;
    }
    WS_VEC_GROW(in->recs, in->n + 1, s->cap);
    r = &in->recs[in->n++];
    r->line = s->start;
    r->n_fields = s->seps + 1;
    r->blank = !s->content;
    r->extra_content = s->content && in->header_fields && s->last_field >= in->header_fields;
}

/* A separator candidate of the header (outside quotes): true if it is one. */
static bool csv_header_separator(struct csv_scanner *s, int c)
{
    struct csv_info *in = s->info;

    if (c != ',' && c != ';' && c != '\t')
        return false;
    if (!in->sep)
        in->sep = (char)c;
    else if (in->sep != c)
        in->mixed = true;
    s->seps++;
    return true;
}

static void csv_byte(struct csv_scanner *s, int c)
{
    if (c == '\n') {
        csv_newline(s);
        return;
    }
    if (c == '\r' && !s->in_record)
        return; // an empty "\r\n" line, which GDAL skips
    if (!s->in_record) {
        s->in_record = true;
        s->start = s->lineno;
        s->seps = 0;
        s->content = false;
    }
    if (c == '"') {
        s->in_quotes = !s->in_quotes;
        if (s->in_quotes)
            s->quote_line = s->lineno;
        return;
    }
    if (!s->in_quotes) {
        if (c == s->sep) {
            s->seps++;
            return;
        }
        if (s->in_header && csv_header_separator(s, c))
            return;
    }
    if (c <= ' ' && csv_blank(c))
        return;
    s->content = true;
    s->last_field = s->seps;
}

/* Scans a CSV file the way GDAL's reader splits it: a record continues while
 * its double quotes are unbalanced; empty lines are skipped; the first record
 * is the header, whose first ',' ';' or tab outside quotes is the separator.
 * Finds the start line and field count of every data record, and what GDAL
 * would not say: an empty file, a header without a separator, a quote left
 * open.  Read through GDAL's VSI layer so /vsigzip/ works too.  info->read is
 * false if the path is not a readable file (GDAL reports that then). */
static void csv_scan(const char *gdal_path, struct csv_info *info)
{
    struct csv_scanner s;
    VSIStatBufL st;
    VSILFILE *fp;
    unsigned char *buf = NULL;
    size_t got;
    bool first = true;

    memset(info, 0, sizeof(*info));
    memset(&s, 0, sizeof(s));
    s.lineno = 1;
    s.sep = -1;
    s.in_header = true;
    s.info = info;
    if (VSIStatL(gdal_path, &st) != 0 || VSI_ISDIR(st.st_mode))
        return;
    fp = VSIFOpenL(gdal_path, "rb");
    if (!fp)
        return;
    buf = ws_xmalloc(65536);
    while ((got = VSIFReadL(buf, 1, 65536, fp)) > 0) {
        size_t i = 0;
        if (first && got >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
            i = 3; // a UTF-8 BOM, which GDAL drops
        first = false;
        for (; i < got; i++)
            csv_byte(&s, buf[i]);
    }
    if (s.in_record && !s.in_quotes)
        csv_byte(&s, '\n'); // a last line without a line break
    free(buf);
    VSIFCloseL(fp);
    info->read = true;
    info->empty = !s.any_content && !(s.in_record && s.content);
    info->open_quote = s.in_quotes;
    info->quote_line = s.quote_line;
    if (!info->header_line)
        info->header_line = s.in_record ? s.start : 1;
}

/* Refuses what GDAL would misread or not open, from the scan: an empty file,
 * a header without a separator, a quote that is never closed. */
static int csv_check(const char *path, const struct csv_info *in, struct ws_err *err)
{
    if (!in->read)
        return WS_OK;
    if (in->empty) {
        ws_err_set(err, WS_EDATA, "'%s' is empty", path);
        ws_err_where(err, "%s:1", path);
        ws_err_hint(err, "a table needs a header line with the column names and a line per "
                         "row: save it as CSV with ',' or ';' between the columns");
        return WS_EDATA;
    }
    if (!in->sep) {
        ws_err_set(err, WS_EDATA, "'%s' has no ',' ';' or tab separator in its header line", path);
        ws_err_where(err, "%s:%zu", path, in->header_line ? in->header_line : 1);
        ws_err_hint(err, "save the table as CSV with ',' or ';' between the columns (Excel: "
                         "'CSV (puntkomma-gescheiden)'); other separators such as '|' are not "
                         "read");
        return WS_EDATA;
    }
    if (in->open_quote) {
        ws_err_set(err, WS_EDATA, "unterminated quote in '%s'", path);
        ws_err_where(err, "%s:%zu", path, in->quote_line);
        ws_err_hint(err,
                    "the '\"' opened on line %zu is never closed, so the rest of the file would "
                    "read as one value: add the closing '\"' or remove this one",
                    in->quote_line);
        return WS_EDATA;
    }
    return WS_OK;
}

/* The number convention of a CSV file (see text.h): GDAL splits a header
 * that mixes separators on ','. */
static enum ws_num_conv csv_conv(const struct csv_info *in)
{
    if (!in->read || !in->sep)
        return WS_NUM_EITHER;
    if (in->mixed || in->sep == ',')
        return WS_NUM_POINT;
    return in->sep == ';' ? WS_NUM_COMMA : WS_NUM_EITHER;
}

/* Forgets the current row's values (the buffers are kept for the next). */
static void free_values(struct ws_ogr_table *t)
{
    if (t->have)
        memset(t->have, 0, t->n_fields * sizeof(*t->have));
}

/* Sets (or, with values NULL, restores) thread-local config options. */
static void set_config(const char *const *keys, const char *const *values, char **saved, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (values) {
            const char *old = CPLGetThreadLocalConfigOption(keys[i], NULL);
            saved[i] = old ? ws_xstrdup(old) : NULL;
            CPLSetThreadLocalConfigOption(keys[i], values[i]);
        } else {
            CPLSetThreadLocalConfigOption(keys[i], saved[i]);
            free(saved[i]);
            saved[i] = NULL;
        }
    }
}

/* Sets err->where to the table's header. */
static void header_where(const struct ws_ogr_table *t, struct ws_err *err)
{
    if (t->pos == POS_FEATURE)
        ws_err_where(err, "%s, layer '%s'", t->path, t->layer_name);
    else if (t->pos == POS_ROW)
        ws_err_where(err, "%s, sheet '%s', header (row 1)", t->path, t->layer_name);
    else
        ws_err_where(err, "%s, header (line 1)", t->path);
}

/* Refuses a header that names a column twice: a lookup by name would take
 * the first silently. */
static int check_unique_names(const struct ws_ogr_table *t, struct ws_err *err)
{
    for (size_t i = 1; i < t->n_fields; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(t->names[i], t->names[j]) != 0)
                continue;
            ws_err_set(err, WS_EDATA, "column '%s' appears twice in the header of '%s'",
                       t->names[i], t->path);
            header_where(t, err);
            ws_err_hint(err,
                        "columns %zu and %zu are both named '%s': rename or remove one, so "
                        "that every column name is unique",
                        j + 1, i + 1, t->names[i]);
            return WS_EDATA;
        }
    }
    return WS_OK;
}

/* A /vsimem/ copy of a text table for GDAL, or NULL when GDAL can read the
 * file itself: Excel's "Unicode-tekst" is UTF-16 (tab-separated), which
 * GDAL's CSV reader does not decode, so a file that starts with a UTF-16
 * byte-order mark is copied as UTF-8; and the first `skip` lines (a title
 * above the header) are left out.  The copy is named .csv (GDAL's CSV
 * driver does not take .txt).  Line k of the copy is line k + skip of the
 * file.  Returns the owned path. */
static char *text_copy(const char *path, size_t skip)
{
    static unsigned serial;
    unsigned char head[2];
    VSILFILE *fp = VSIFOpenL(path, "rb");
    unsigned char *raw;
    size_t cap;
    size_t got;
    char *text;
    const char *from;
    size_t len;
    bool utf16;
    const char *base = strrchr(path, '/');
    struct ws_strbuf mem = WS_STRBUF_INIT;
    VSILFILE *out;

    if (!fp)
        return NULL;
    utf16 = VSIFReadL(head, 1, 2, fp) == 2 && ws_utf16_bom(head, 2);
    if (!utf16 && !skip) {
        VSIFCloseL(fp);
        return NULL;
    }
    // read to the end (a /vsigzip/ size is not known beforehand)
    (void)VSIFSeekL(fp, 0, SEEK_SET);
    cap = 65536;
    raw = ws_xmalloc(cap + 1);
    len = 0;
    while ((got = VSIFReadL(raw + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            cap = ws_st_mult(cap, 2);
            raw = ws_xrealloc(raw, cap + 1);
        }
    }
    VSIFCloseL(fp);
    if (utf16) {
        text = ws_utf16_to_utf8(raw, len, &len);
        free(raw);
    } else {
        raw[len] = '\0';
        text = (char *)raw;
    }
    from = text;
    for (size_t k = 0; k < skip && from < text + len; k++) {
        const char *nl = memchr(from, '\n', (size_t)(text + len - from));
        from = nl ? nl + 1 : text + len;
    }
    len -= (size_t)(from - text);
    memmove(text, from, len);
    ws_strbuf_addf(&mem, "/vsimem/wijkscan-text-%u/%s.csv", ++serial, base ? base + 1 : path);
    // VSIFileFromMemBuffer takes ownership of the buffer (freed by VSIFree)
    out = VSIFileFromMemBuffer(mem.buf, (GByte *)text, len, TRUE);
    if (!out) {
        free(text);
        ws_strbuf_release(&mem);
        return NULL;
    }
    VSIFCloseL(out);
    return ws_strbuf_detach(&mem);
}

/* Line numbers of a copy without its first `skip` lines, as lines of the
 * file. */
static void csv_shift_lines(struct csv_info *in, size_t skip)
{
    for (size_t i = 0; i < in->n; i++)
        in->recs[i].line += skip;
    if (in->header_line)
        in->header_line += skip;
    if (in->quote_line)
        in->quote_line += skip;
}

/* Before GDAL opens a CSV file: the /vsimem/ copy when one is needed
 * (text_copy), then the scan (GDAL opens neither an empty file nor one
 * without a separator, and reads an open quote to the end of the file), its
 * checks, and what the table keeps of it. */
static int csv_prepare(struct ws_ogr_table *t, size_t header_row, struct ws_err *err)
{
    struct csv_info csv;
    char *gpath = gdal_path(t->path); // a .csv.gz is read through /vsigzip/
    VSIStatBufL st;
    int rc;

    // a .gz cut short reads as if it ended there: refuse it first
    if (VSIStatL(gpath, &st) == 0 && (rc = gzip_complete(t->path, gpath, err))) {
        free(gpath);
        return rc;
    }
    t->mem_path = text_copy(gpath, header_row > 1 ? header_row - 1 : 0);
    free(gpath);
    gpath = gdal_path(t->mem_path ? t->mem_path : t->path);
    csv_scan(gpath, &csv);
    free(gpath);
    if (header_row > 1)
        csv_shift_lines(&csv, header_row - 1);
    if ((rc = csv_check(t->path, &csv, err))) {
        free(csv.recs);
        return rc;
    }
    t->recs = csv.recs;
    t->n_rec = csv.n;
    t->n_header_fields = csv.header_fields;
    t->n_header_named = csv.header_named;
    if (csv.read && !csv.mixed)
        t->sep = csv.sep;
    t->num = csv_conv(&csv);
    return WS_OK;
}

/* A sheet (XLSX, ODS) or GIS layer: its header is its first row. */
static int sheet_header(const struct ws_ogr_table *t, size_t header_row, struct ws_err *err)
{
    if (header_row <= 1)
        return WS_OK;
    ws_err_set(err, WS_EDATA, "'%s': a header below row 1 is read in CSV files only", t->path);
    ws_err_where(err, "%s", t->path);
    ws_err_hint(err, "delete the rows above the column names in the sheet, or save it as CSV "
                     "(Excel: 'CSV (puntkomma-gescheiden)')");
    return WS_EDATA;
}

int ws_ogr_table_open(const char *path, const char *layer, struct ws_warnings *warn,
                      struct ws_ogr_table **out, struct ws_err *err)
{
    return ws_ogr_table_open_at(path, layer, 1, warn, out, err);
}

int ws_ogr_table_open_at(const char *path, const char *layer, size_t header_row,
                         struct ws_warnings *warn, struct ws_ogr_table **out, struct ws_err *err)
{
    static const char *const csv_drivers[] = {"CSV", NULL};
    static const char *const csv_options[] = {
        "HEADERS=YES", "AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", "KEEP_GEOM_COLUMNS=YES",
        NULL,
    };
    static const char *const xlsx_keys[] = {"OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES"};
    static const char *const ods_keys[] = {"OGR_ODS_HEADERS", "OGR_ODS_FIELD_TYPES"};
    static const char *const sheet_values[] = {"FORCE", "STRING"};
    struct ws_ogr_table *t = ws_xcalloc(1, sizeof(*t));
    enum table_kind kind = kind_of(path);
    const char *const *config_keys = NULL;
    char *saved[2] = {NULL, NULL};
    OGRFeatureDefnH defn;
    int rc = WS_OK;

    *out = NULL;
    t->path = ws_xstrdup(path);
    t->msgs.warn = warn;
    t->msgs.label = t->path;
    t->kind = kind;
    t->num = WS_NUM_POINT; // XLSX, ODS and GIS layers: GDAL writes "12.5"
    t->pos = kind == KIND_CSV ? POS_LINE : (kind == KIND_OTHER ? POS_FEATURE : POS_ROW);
    if (kind == KIND_XLSX)
        config_keys = xlsx_keys;
    else if (kind == KIND_ODS)
        config_keys = ods_keys;

    guard_begin(&t->msgs);
    if ((rc =
             kind == KIND_CSV ? csv_prepare(t, header_row, err) : sheet_header(t, header_row, err)))
        goto out;
    if (t->mem_path)
        path = t->mem_path; // GDAL reads the copy; messages name t->path
    if (config_keys)
        set_config(config_keys, sheet_values, saved, 2);
    rc = open_dataset(path, kind == KIND_CSV ? csv_drivers : NULL,
                      kind == KIND_CSV ? csv_options : NULL, &t->msgs, &t->ds, err);
    if (rc)
        goto out;
    rc = pick_layer(t->ds, path, layer, &t->lyr, err);
    if (rc)
        goto out;
    // the sheet is parsed here, while the header options are still set
    defn = OGR_L_GetLayerDefn(t->lyr);
    t->layer_name = ws_xstrdup(OGR_L_GetName(t->lyr));
    t->n_fields = defn ? (size_t)OGR_FD_GetFieldCount(defn) : 0;
    if (t->n_fields == 0) {
        rc = ws_err_set(err, WS_EDATA, "'%s' has no columns", path);
        ws_err_where(err, "%s", path);
        gdal_cause(err, &t->msgs);
        ws_err_hint(err, "a table needs a header line with column names");
        goto out;
    }
    t->names = ws_xcalloc(t->n_fields, sizeof(*t->names));
    t->vals = ws_xcalloc(t->n_fields, sizeof(*t->vals));
    t->have = ws_xcalloc(t->n_fields, sizeof(*t->have));
    for (size_t i = 0; i < t->n_fields; i++)
        ws_strbuf_init(&t->vals[i]);
    for (size_t i = 0; i < t->n_fields; i++)
        t->names[i] = utf8_copy(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, (int)i)));
    if ((rc = check_unique_names(t, err)))
        goto out;
    OGR_L_ResetReading(t->lyr);
out:
    if (config_keys)
        set_config(config_keys, NULL, saved, 2);
    guard_end();
    if (rc) {
        ws_ogr_table_close(t);
        return rc;
    }
    *out = t;
    return WS_OK;
}

void ws_ogr_table_close(struct ws_ogr_table *t)
{
    struct gdal_msgs m;

    memset(&m, 0, sizeof(m));
    if (!t)
        return;
    guard_begin(&m);
    if (t->feat)
        OGR_F_Destroy(t->feat);
    if (t->ds)
        GDALClose(t->ds);
    if (t->mem_path)
        (void)VSIUnlink(t->mem_path);
    guard_end();
    free(t->mem_path);
    for (size_t i = 0; t->vals && i < t->n_fields; i++)
        ws_strbuf_release(&t->vals[i]);
    free(t->vals);
    free(t->have);
    for (size_t i = 0; t->names && i < t->n_fields; i++)
        free(t->names[i]);
    free(t->names);
    free(t->recs);
    free(t->layer_name);
    free(t->path);
    free(t);
}

size_t ws_ogr_table_n_fields(const struct ws_ogr_table *t)
{
    return t->n_fields;
}

const char *const *ws_ogr_table_fields(const struct ws_ogr_table *t)
{
    return (const char *const *)t->names;
}

const char *ws_ogr_table_path(const struct ws_ogr_table *t)
{
    return t->path;
}

const char *ws_ogr_table_layer(const struct ws_ogr_table *t)
{
    return t->layer_name;
}

int ws_ogr_table_field_index(const struct ws_ogr_table *t, const char *name, const char *key,
                             size_t *idx, struct ws_err *err)
{
    size_t found = t->n_fields;
    size_t n_ci = 0;

    for (size_t i = 0; i < t->n_fields; i++) {
        if (strcmp(t->names[i], name) == 0) {
            *idx = i;
            return WS_OK;
        }
    }
    for (size_t i = 0; i < t->n_fields; i++) {
        if (ws_strcasecmp(t->names[i], name) == 0) {
            found = i;
            n_ci++;
        }
    }
    if (n_ci == 1) {
        *idx = found;
        return WS_OK;
    }
    ws_err_set(err, WS_EDATA, "column '%s' not found in '%s'", name, t->path);
    header_where(t, err);
    hint_missing(err, name, (const char *const *)t->names, t->n_fields, "columns", key);
    return WS_EDATA;
}

/* The hint for a CSV line with more fields than the header, for the file's
 * separator. */
static void hint_extra_fields(const struct ws_ogr_table *t, struct ws_err *err)
{
    if (t->sep == ';')
        ws_err_hint(err, "a value holds a ';': quote it (\"a;b\") or remove the extra ';' (empty "
                         "fields after the last column are ignored)");
    else if (t->sep == '\t')
        ws_err_hint(err, "a value holds a tab: quote it or remove the extra tab (empty fields "
                         "after the last column are ignored)");
    else
        ws_err_hint(err, "a value holds the separator: quote it (\"12,5\"), or save the table "
                         "from Excel as 'CSV (puntkomma-gescheiden)' with ';'");
}

/* Checks a CSV record's field count against the header: GDAL silently
 * drops fields beyond the header's (an unquoted decimal comma in a
 * ','-separated file would shift or lose values) and leaves missing ones
 * empty.  Extra fields that are empty are what Excel writes: fine. */
static int check_field_count(const struct ws_ogr_table *t, const struct csv_rec *rec,
                             struct ws_err *err)
{
    size_t want = t->n_header_named;

    if (!t->n_header_fields)
        return WS_OK;
    if (rec->n_fields > t->n_header_fields && rec->extra_content) {
        ws_err_set(err, WS_EDATA, "line has %zu fields but the header has %zu", rec->n_fields,
                   t->n_header_fields);
        ws_ogr_table_where(t, NULL, err);
        hint_extra_fields(t, err);
        return WS_EDATA;
    }
    if (rec->n_fields < want) {
        ws_err_set(err, WS_EDATA, "line has %zu field%s but the header has %zu", rec->n_fields,
                   rec->n_fields == 1 ? "" : "s", want);
        ws_ogr_table_where(t, NULL, err);
        ws_err_hint(err,
                    "every line needs a field for each column (an empty field is fine): add "
                    "the missing '%s', or join a line that was broken in two",
                    t->sep == '\t' ? "tab" : (t->sep == ';' ? ";" : ","));
        return WS_EDATA;
    }
    return WS_OK;
}

/* Replaces the current feature by the next one: 1, 0 at the end, or a
 * negative status when GDAL fails. */
static int next_feature(struct ws_ogr_table *t, struct ws_err *err)
{
    if (t->feat) {
        OGR_F_Destroy(t->feat);
        t->feat = NULL;
    }
    t->feat = OGR_L_GetNextFeature(t->lyr);
    if (t->feat)
        return 1;
    if (!t->msgs.failure[0])
        return 0;
    ws_err_set(err, WS_EDATA, "cannot read '%s'", t->path);
    ws_err_where(err, "%s", t->path);
    gdal_cause(err, &t->msgs);
    ws_err_hint(err, "check the file with 'ogrinfo -al %s'", t->path);
    return -WS_EDATA;
}

int ws_ogr_table_next(struct ws_ogr_table *t, struct ws_err *err)
{
    const struct csv_rec *rec;
    int64_t fid;
    int rc;

    free_values(t);
    guard_begin(&t->msgs);
    do {
        if ((rc = next_feature(t, err)) != 1)
            goto out;
        fid = OGR_F_GetFID(t->feat);
        rec = NULL;
        // GDAL's CSV FIDs count data records from 1
        if (t->pos == POS_LINE && t->recs && fid >= 1 && (size_t)fid <= t->n_rec)
            rec = &t->recs[fid - 1];
        // a line of only separators and white space (an empty Excel row) is
        // no row, like an empty line
    } while (rec && rec->blank);
    if (t->pos == POS_LINE) {
        t->line = rec ? rec->line : (fid >= 0 ? (size_t)fid + 1 : 0);
        if (rec && check_field_count(t, rec, err))
            rc = -WS_EDATA;
    } else {
        t->line = fid >= 0 ? (size_t)fid : 0;
    }
out:
    guard_end();
    return rc;
}

void ws_ogr_table_rewind(struct ws_ogr_table *t)
{
    free_values(t);
    guard_begin(&t->msgs);
    if (t->feat) {
        OGR_F_Destroy(t->feat);
        t->feat = NULL;
    }
    OGR_L_ResetReading(t->lyr);
    guard_end();
    t->line = 0;
}

const char *ws_ogr_table_value(struct ws_ogr_table *t, size_t i)
{
    struct ws_strbuf *sb;
    const char *raw = "";

    if (!t->feat || i >= t->n_fields)
        return "";
    sb = &t->vals[i];
    if (t->have[i])
        return sb->buf;
    if (OGR_F_IsFieldSetAndNotNull(t->feat, (int)i))
        raw = OGR_F_GetFieldAsString(t->feat, (int)i);
    ws_strbuf_reset(sb);
    if (ws_utf8_valid(raw)) {
        ws_strbuf_adds(sb, raw);
    } else {
        char *u = ws_cp1252_to_utf8(raw);
        ws_strbuf_adds(sb, u);
        free(u);
    }
    ws_trim(sb->buf);
    sb->len = strlen(sb->buf);
    t->have[i] = true;
    return sb->buf;
}

enum ws_num_conv ws_ogr_table_num_conv(const struct ws_ogr_table *t)
{
    return t->num;
}

const char *ws_ogr_table_kind_desc(const struct ws_ogr_table *t)
{
    switch (t->kind) {
    case KIND_CSV:
        if (t->num == WS_NUM_COMMA)
            return "a ';'-separated file";
        if (t->num == WS_NUM_POINT)
            return "a ','-separated file";
        return t->sep == '\t' ? "a tab-separated file" : "a CSV file";
    case KIND_XLSX:
    case KIND_ODS:
        return "a spreadsheet";
    case KIND_OTHER:
        break;
    }
    return "a GIS table";
}

size_t ws_ogr_table_line(const struct ws_ogr_table *t)
{
    return t->line;
}

void ws_ogr_table_locate(const struct ws_ogr_table *t, size_t line, const char *column,
                         struct ws_strbuf *sb)
{
    if (t->pos == POS_FEATURE)
        ws_strbuf_addf(sb, "%s, feature %zu", t->path, line);
    else
        ws_strbuf_addf(sb, "%s:%zu", t->path, line);
    if (column)
        ws_strbuf_addf(sb, ", column '%s'", column);
}

void ws_ogr_table_where(const struct ws_ogr_table *t, const char *column, struct ws_err *err)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    ws_ogr_table_locate(t, t->line, column, &sb);
    ws_err_where(err, "%s", sb.buf);
    ws_strbuf_release(&sb);
}

/* ---- polygons ---- */

void ws_ogr_polygons_init(struct ws_ogr_polygons *p)
{
    memset(p, 0, sizeof(*p));
}

static void feature_release(struct ws_ogr_feature *f, size_t n_fields)
{
    for (size_t i = 0; f->values && i < n_fields; i++)
        free(f->values[i]);
    free(f->values);
    ws_geom_release(&f->geom);
}

void ws_ogr_polygons_release(struct ws_ogr_polygons *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        feature_release(&p->features[i], p->n_fields);
    free(p->features);
    free(p->layer);
    free(p->crs);
    ws_ogr_polygons_init(p);
}

static bool is_polygonal(OGRwkbGeometryType t)
{
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}

/* "points", "lines", ... for a layer or feature that is not polygons. */
static const char *kind_plural(OGRwkbGeometryType t)
{
    switch (t) {
    case wkbPoint:
    case wkbMultiPoint:
        return "points";
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
        return "lines";
    default:
        return "geometries that are not polygons";
    }
}

/* Adds the polygons in g (recursively through collections) to mp. */
static void add_polygons(OGRGeometryH mp, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));

    if (t == wkbPolygon) {
        if (!OGR_G_IsEmpty(g))
            OGR_G_AddGeometry(mp, g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            add_polygons(mp, OGR_G_GetGeometryRef(g, i));
    }
}

/* An owned MultiPolygon of the polygonal parts of g, or NULL if none. */
static OGRGeometryH polygonal_part(OGRGeometryH g)
{
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);

    add_polygons(mp, g);
    if (OGR_G_GetGeometryCount(mp) == 0) {
        OGR_G_DestroyGeometry(mp);
        return NULL;
    }
    return mp;
}

/* Context for reading one polygon layer. */
struct poly_reader {
    const char *path;
    const char *layer;
    bool swap_xy;
    struct ws_warnings *warn;
    struct gdal_msgs *msgs; /* GEOS explains invalidity in a warning */
    size_t n_repaired;
};

/* Appends "feature N ('CODE')" to sb. */
static void feature_label(struct ws_strbuf *sb, int64_t fid, const char *code)
{
    ws_strbuf_addf(sb, "feature %lld", (long long)fid);
    if (code && code[0])
        ws_strbuf_addf(sb, " ('%s')", code);
}

static void set_feature_where(struct ws_err *err, const struct poly_reader *r, int64_t fid,
                              const char *code)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    ws_strbuf_addf(&sb, "%s, layer '%s', ", r->path, r->layer);
    feature_label(&sb, fid, code);
    ws_err_where(err, "%s", sb.buf);
    ws_strbuf_release(&sb);
}

/* The (Multi)Polygon to copy for geom: *work is geom itself, or an owned
 * linearised / polygonal-part copy in *owned (destroy it after use). */
static int polygonal_view(const struct poly_reader *r, OGRGeometryH geom, int64_t fid,
                          const char *code, OGRGeometryH *work, OGRGeometryH *owned,
                          struct ws_err *err)
{
    OGRwkbGeometryType type;

    *work = NULL;
    *owned = NULL;
    if (!geom || OGR_G_IsEmpty(geom)) {
        ws_err_set(err, WS_EDATA, "a feature of '%s' has no geometry", r->path);
        set_feature_where(err, r, fid, code);
        ws_err_hint(err, "every area needs a polygon: remove the feature or give it its shape");
        return WS_EDATA;
    }
    type = wkbFlatten(OGR_G_GetGeometryType(geom));
    if (type == wkbPolygon || type == wkbMultiPolygon) {
        *work = geom;
        return WS_OK;
    }
    if (type == wkbCurvePolygon || type == wkbMultiSurface)
        *owned = OGR_G_GetLinearGeometry(geom, 0.0, NULL);
    else if (type == wkbGeometryCollection)
        *owned = polygonal_part(geom);
    if (*owned) {
        *work = *owned;
        return WS_OK;
    }
    ws_err_set(err, WS_EDATA, "a feature of '%s' holds %s (%s), not polygons", r->path,
               kind_plural(type), OGRGeometryTypeToName(type));
    set_feature_where(err, r, fid, code);
    ws_err_hint(err, "[boundaries] source must be a polygon layer (buurt shapes)");
    return WS_EDATA;
}

/* If work is invalid, *fixed becomes an owned, valid MultiPolygon of its
 * polygonal parts (OGR_G_MakeValid) and a warning is added; else NULL. */
static int repair(struct poly_reader *r, OGRGeometryH work, int64_t fid, const char *code,
                  OGRGeometryH *fixed, struct ws_err *err)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    OGRGeometryH made = NULL;
    bool valid;

    *fixed = NULL;
    r->msgs->mute = true; // GEOS says why a polygon is invalid in a warning
    r->msgs->muted[0] = '\0';
    valid = !have_geos || OGR_G_IsValid(work);
    if (!valid)
        made = OGR_G_MakeValid(work);
    r->msgs->mute = false;
    if (valid)
        return WS_OK;
    *fixed = made ? polygonal_part(made) : NULL;
    if (made)
        OGR_G_DestroyGeometry(made);
    if (!*fixed) {
        ws_err_set(err, WS_EDATA, "an invalid polygon in '%s' cannot be repaired", r->path);
        set_feature_where(err, r, fid, code);
        ws_err_hint(err, "fix the shape in a GIS (e.g. QGIS 'Fix geometries') and try again");
        return WS_EDATA;
    }
    feature_label(&sb, fid, code);
    ws_strbuf_adds(&sb, ": invalid polygon repaired (MakeValid)");
    if (r->msgs->muted[0])
        ws_strbuf_addf(&sb, ": %s", r->msgs->muted);
    if (r->warn)
        ws_warnings_add(r->warn, "'%s' %s", r->path, sb.buf);
    ws_strbuf_release(&sb);
    r->n_repaired++;
    return WS_OK;
}

/* Copies the geometry of one feature into g (repairing it if invalid). */
static int copy_geometry(struct poly_reader *r, OGRGeometryH geom, int64_t fid, const char *code,
                         struct ws_geom *g, struct ws_err *err)
{
    OGRGeometryH owned = NULL; // linearised curves or polygonal parts
    OGRGeometryH fixed = NULL; // MakeValid output
    OGRGeometryH work = NULL;
    unsigned char *wkb = NULL;
    size_t size;
    int rc;

    rc = polygonal_view(r, geom, fid, code, &work, &owned, err);
    if (rc)
        goto out;
    OGR_G_FlattenTo2D(work);
    rc = repair(r, work, fid, code, &fixed, err);
    if (rc)
        goto out;
    if (fixed)
        work = fixed;
    size = OGR_G_WkbSizeEx(work);
    wkb = ws_xmalloc(size);
    if (OGR_G_ExportToIsoWkb(work, wkbNDR, wkb) != OGRERR_NONE) {
        rc = ws_err_set(err, WS_EDATA, "cannot copy a polygon of '%s'", r->path);
        set_feature_where(err, r, fid, code);
        goto out;
    }
    rc = ws_geom_from_wkb(wkb, size, g, err);
    if (rc) {
        set_feature_where(err, r, fid, code);
        goto out;
    }
    for (size_t i = 0; r->swap_xy && i < g->n_points; i++) {
        double x = g->xy[2 * i];
        g->xy[2 * i] = g->xy[2 * i + 1];
        g->xy[2 * i + 1] = x;
    }
out:
    free(wkb);
    if (owned)
        OGR_G_DestroyGeometry(owned);
    if (fixed)
        OGR_G_DestroyGeometry(fixed);
    return rc;
}

/* True if the layer stores (north, east) in its x, y: its first data axis is
 * a CRS axis pointing north or south. */
static bool stores_north_first(OGRSpatialReferenceH srs)
{
    int n = 0;
    const int *map = OSRGetDataAxisToSRSAxisMapping(srs, &n);
    OGRAxisOrientation o = OAO_Other;

    if (!map || n < 1 || map[0] < 1)
        return false;
    if (!OSRGetAxis(srs, NULL, map[0] - 1, &o))
        return false;
    return o == OAO_North || o == OAO_South;
}

/* Fills err->where with "FILE, layer 'L'". */
static void layer_where(struct ws_err *err, const char *path, const char *layer)
{
    ws_err_where(err, "%s, layer '%s'", path, layer);
}

/* Checks that a layer holds polygons; the caller checks each feature of a
 * layer of unknown type. */
static int check_geometry_type(OGRLayerH lyr, const char *path, const char *layer,
                               struct ws_err *err)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(lyr));

    if (t == wkbNone) {
        ws_err_set(err, WS_EDATA, "layer '%s' in '%s' has no geometry", layer, path);
        layer_where(err, path, layer);
        ws_err_hint(err, "[boundaries] source must be a polygon layer (buurt shapes), not a "
                         "table");
        return WS_EDATA;
    }
    if (t == wkbUnknown || t == wkbGeometryCollection || is_polygonal(t))
        return WS_OK;
    ws_err_set(err, WS_EDATA, "layer '%s' in '%s' holds %s (%s), not polygons", layer, path,
               kind_plural(t), OGRGeometryTypeToName(t));
    layer_where(err, path, layer);
    ws_err_hint(err, "[boundaries] source must be a polygon layer (buurt shapes); choose "
                     "another layer with [boundaries] layer");
    return WS_EDATA;
}

/* The layer's CRS as WKT2 (*wkt, owned) and its axis order. */
static int layer_crs(OGRLayerH lyr, const char *path, const char *layer, const struct gdal_msgs *m,
                     char **wkt, bool *swap_xy, struct ws_err *err)
{
    static const char *const wkt2[] = {"FORMAT=WKT2_2019", NULL};
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    const char *name = srs ? OSRGetName(srs) : NULL;
    char *text = NULL;

    *wkt = NULL;
    // GeoPackage srs_id 0 and -1 read as "Undefined geographic/Cartesian SRS"
    if (!srs || OSRIsLocal(srs) || (name && strncmp(name, "Undefined ", 10) == 0)) {
        ws_err_set(err, WS_EDATA, "layer '%s' in '%s' has no coordinate reference system", layer,
                   path);
        layer_where(err, path, layer);
        ws_err_hint(err,
                    "assign the CRS the coordinates are in, e.g. 'ogr2ogr -a_srs "
                    "EPSG:28992 fixed.gpkg %s' for RD New",
                    path);
        return WS_EDATA;
    }
    if (OSRExportToWktEx(srs, &text, wkt2) != OGRERR_NONE || !text) {
        CPLFree(text);
        ws_err_set(err, WS_EDATA, "cannot read the coordinate reference system of '%s'", path);
        layer_where(err, path, layer);
        gdal_cause(err, m);
        ws_err_hint(err, "assign a known CRS, e.g. 'ogr2ogr -a_srs EPSG:28992 fixed.gpkg %s'",
                    path);
        return WS_EDATA;
    }
    *wkt = ws_xstrdup(text);
    CPLFree(text);
    *swap_xy = stores_north_first(srs);
    return WS_OK;
}

/* Field indexes of the wanted columns (-1 where fields[i] is NULL). */
static int find_fields(OGRLayerH lyr, const char *path, const char *layer,
                       const char *const *fields, const char *const *keys, size_t n_fields,
                       int *idx, struct ws_err *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int nf = OGR_FD_GetFieldCount(defn);
    const char **names = NULL;

    for (size_t i = 0; i < n_fields; i++) {
        idx[i] = fields[i] ? OGR_FD_GetFieldIndex(defn, fields[i]) : -1;
        if (!fields[i] || idx[i] >= 0)
            continue;
        names = ws_xcalloc(nf > 0 ? (size_t)nf : 1, sizeof(*names));
        for (int j = 0; j < nf; j++)
            names[j] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j));
        ws_err_set(err, WS_EDATA, "column '%s' not found in '%s'", fields[i], path);
        layer_where(err, path, layer);
        hint_missing(err, fields[i], names, (size_t)nf, "columns", keys ? keys[i] : NULL);
        free(names);
        return WS_EDATA;
    }
    return WS_OK;
}

/* Copies the wanted attributes of a feature (NULL for null or empty). */
static char **copy_values(OGRFeatureH feat, const int *idx, size_t n_fields)
{
    char **values = ws_xcalloc(n_fields ? n_fields : 1, sizeof(*values));

    for (size_t i = 0; i < n_fields; i++) {
        if (idx[i] < 0 || !OGR_F_IsFieldSetAndNotNull(feat, idx[i]))
            continue;
        values[i] = utf8_copy(OGR_F_GetFieldAsString(feat, idx[i]));
        if (!values[i][0]) {
            free(values[i]);
            values[i] = NULL;
        }
    }
    return values;
}

/* Reads every feature of lyr into p. */
static int read_features(OGRLayerH lyr, struct poly_reader *r, const int *idx,
                         struct ws_ogr_polygons *p, struct ws_err *err)
{
    OGRFeatureH feat;
    size_t cap = 0;
    int rc = WS_OK;

    OGR_L_ResetReading(lyr);
    while ((feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        struct ws_ogr_feature *f;
        WS_VEC_GROW(p->features, p->n + 1, cap);
        f = &p->features[p->n++];
        memset(f, 0, sizeof(*f));
        ws_geom_init(&f->geom);
        f->fid = OGR_F_GetFID(feat);
        f->values = copy_values(feat, idx, p->n_fields);
        rc = copy_geometry(r, OGR_F_GetGeometryRef(feat), f->fid, p->n_fields ? f->values[0] : NULL,
                           &f->geom, err);
        OGR_F_Destroy(feat);
        if (rc)
            return rc;
    }
    if (r->msgs->failure[0]) {
        ws_err_set(err, WS_EDATA, "cannot read '%s'", r->path);
        layer_where(err, r->path, r->layer);
        gdal_cause(err, r->msgs);
        ws_err_hint(err, "check the file with 'ogrinfo -al %s'", r->path);
        return WS_EDATA;
    }
    return WS_OK;
}

/* An OGR geometry of g (NULL, with err set, if GDAL cannot read it). */
static OGRGeometryH geom_to_ogr(const struct ws_geom *g, struct ws_err *err)
{
    size_t len = 0;
    unsigned char *wkb = ws_geom_to_wkb(g, &len);
    OGRGeometryH h = NULL;

    if (OGR_G_CreateFromWkbEx(wkb, NULL, &h, len) != OGRERR_NONE) {
        ws_err_set(err, WS_EINTERNAL, "GDAL cannot read a polygon for the overlay");
        h = NULL;
    }
    free(wkb);
    return h;
}

int ws_ogr_overlap_areas(const struct ws_geom *a, const struct ws_geom *const *b, size_t n,
                         double *area, struct ws_err *err)
{
    struct gdal_msgs m;
    OGRGeometryH ga = NULL;
    int rc = WS_OK;

    memset(&m, 0, sizeof(m));
    if (!have_geos)
        return ws_err_set(err, WS_EINTERNAL,
                          "GDAL was built without GEOS: polygons cannot be overlaid");
    guard_begin(&m);
    if (!(ga = geom_to_ogr(a, err))) {
        rc = WS_EINTERNAL;
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        OGRGeometryH gb = geom_to_ogr(b[k], err);
        OGRGeometryH gi;
        if (!gb) {
            rc = WS_EINTERNAL;
            goto out;
        }
        gi = OGR_G_Intersection(ga, gb);
        OGR_G_DestroyGeometry(gb);
        if (!gi) {
            rc = ws_err_set(err, WS_EINTERNAL, "GDAL cannot overlay two polygons");
            gdal_cause(err, &m);
            goto out;
        }
        area[k] = OGR_G_IsEmpty(gi) ? 0.0 : OGR_G_Area(gi);
        OGR_G_DestroyGeometry(gi);
    }
out:
    if (ga)
        OGR_G_DestroyGeometry(ga);
    guard_end();
    return rc;
}

int ws_ogr_read_polygons(const char *path, const char *layer, const char *where,
                         const char *const *fields, const char *const *keys, size_t n_fields,
                         struct ws_ogr_polygons *out, struct ws_warnings *warn, struct ws_err *err)
{
    struct gdal_msgs m;
    struct ws_ogr_polygons p;
    struct poly_reader r = {path, NULL, false, warn, &m, 0};
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    int *idx = ws_xcalloc(n_fields ? n_fields : 1, sizeof(*idx));
    int rc;

    ws_ogr_polygons_init(&p);
    memset(&m, 0, sizeof(m));
    m.warn = warn;
    m.label = path;
    guard_begin(&m);
    rc = open_dataset(path, NULL, NULL, &m, &ds, err);
    if (rc)
        goto out;
    rc = pick_layer(ds, path, layer, &lyr, err);
    if (rc)
        goto out;
    p.layer = ws_xstrdup(OGR_L_GetName(lyr));
    p.n_fields = n_fields;
    r.layer = p.layer;
    if ((rc = check_geometry_type(lyr, path, p.layer, err)) ||
        (rc = layer_crs(lyr, path, p.layer, &m, &p.crs, &r.swap_xy, err)))
        goto out;
    if (where && OGR_L_SetAttributeFilter(lyr, where) != OGRERR_NONE) {
        rc = ws_err_set(err, WS_EDATA, "cannot filter layer '%s' in '%s' with where = %s", p.layer,
                        path, where);
        gdal_cause(err, &m);
        ws_err_hint(err, "write an OGR SQL condition on the layer's columns, e.g. where = "
                         "gemeentecode = 'GM0014' (text in single quotes); try 'ogrinfo -where "
                         "\"...\" FILE LAYER'");
        goto out;
    }
    if (where && OGR_L_GetFeatureCount(lyr, TRUE) == 0) {
        rc = ws_err_set(err, WS_EDATA, "no feature of layer '%s' in '%s' matches where = %s",
                        p.layer, path, where);
        ws_err_hint(err,
                    "check the column and the value (codes are text: gemeentecode = "
                    "'GM0014'); 'ogrinfo -so %s %s' lists the columns",
                    path, p.layer);
        goto out;
    }
    if (OGR_L_GetFeatureCount(lyr, TRUE) == 0) {
        rc = ws_err_set(err, WS_EDATA, "layer '%s' in '%s' has no features", p.layer, path);
        layer_where(err, path, p.layer);
        ws_err_hint(err, "[boundaries] source must hold the buurt polygons; check the file and "
                         "the layer name");
        goto out;
    }
    if ((rc = find_fields(lyr, path, p.layer, fields, keys, n_fields, idx, err)) ||
        (rc = read_features(lyr, &r, idx, &p, err)))
        goto out;
    p.n_repaired = r.n_repaired;
out:
    if (ds)
        GDALClose(ds);
    guard_end();
    free(idx);
    if (rc) {
        ws_ogr_polygons_release(&p);
        return rc;
    }
    *out = p;
    return WS_OK;
}

/* ---- points ---- */

void ws_ogr_points_init(struct ws_ogr_points *p)
{
    memset(p, 0, sizeof(*p));
}

void ws_ogr_points_release(struct ws_ogr_points *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->points[i].name);
    free(p->points);
    free(p->layer);
    free(p->crs);
    ws_ogr_points_init(p);
}

/* Index of the first column named like one of names (any case). */
static bool find_named(const struct ws_ogr_table *t, const char *const *names, size_t *idx)
{
    for (size_t k = 0; names[k]; k++) {
        for (size_t i = 0; i < t->n_fields; i++) {
            if (ws_strcasecmp(t->names[i], names[k]) == 0) {
                *idx = i;
                return true;
            }
        }
    }
    return false;
}

/* Parses a WGS 84 coordinate in [lo, hi] degrees from column col. */
static int parse_degrees(struct ws_ogr_table *t, size_t col, double lo, double hi, double *out,
                         struct ws_err *err)
{
    const char *v = ws_ogr_table_value(t, col);
    const char *name = t->names[col];

    switch (ws_parse_number_conv(v, t->num, out)) {
    case WS_NUM_OK:
        if (*out >= lo && *out <= hi)
            return WS_OK;
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is not in degrees (%g to %g)", v,
                   name, lo, hi);
        break;
    case WS_NUM_MISSING:
        ws_err_set(err, WS_EDATA, "coordinate is missing in column '%s'", name);
        break;
    case WS_NUM_CONVENTION:
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is not a number as %s writes it", v,
                   name, ws_ogr_table_kind_desc(t));
        ws_ogr_table_where(t, name, err);
        ws_err_hint(err, "in %s %s", ws_ogr_table_kind_desc(t), ws_num_conv_rule(t->num));
        return WS_EDATA;
    default:
        ws_err_set(err, WS_EDATA, "value '%.40s' in column '%s' is not a number", v, name);
        break;
    }
    ws_ogr_table_where(t, name, err);
    ws_err_hint(err, "longitude and latitude are WGS 84 degrees, e.g. 6.5665 and 53.2194 "
                     "(6,5665 in a ';'-separated file)");
    return WS_EDATA;
}

/* Adds the current table row as a point. */
static int add_table_point(struct ws_ogr_table *t, size_t i_lon, size_t i_lat, size_t i_name,
                           struct ws_ogr_points *p, size_t *cap, struct ws_err *err)
{
    struct ws_ogr_point pt = {(int64_t)p->n + 1, t->line, NULL, 0.0, 0.0};
    int rc;

    if ((rc = parse_degrees(t, i_lon, -180.0, 180.0, &pt.x, err)) ||
        (rc = parse_degrees(t, i_lat, -90.0, 90.0, &pt.y, err)))
        return rc;
    if (i_name != (size_t)-1) {
        pt.name = ws_xstrdup(ws_ogr_table_value(t, i_name));
    } else {
        struct ws_strbuf sb = WS_STRBUF_INIT;
        ws_strbuf_addf(&sb, "%lld", (long long)pt.fid);
        pt.name = ws_strbuf_detach(&sb);
    }
    WS_VEC_GROW(p->points, p->n + 1, *cap);
    p->points[p->n++] = pt;
    return WS_OK;
}

/* Points from a table with longitude and latitude columns. */
static int read_points_table(const char *path, const char *layer, const char *name_field,
                             const char *key, struct ws_ogr_points *p, struct ws_err *err)
{
    static const char *const lon_names[] = {"lon", "lng", "long", "longitude", "lengtegraad", NULL};
    static const char *const lat_names[] = {"lat", "latitude", "breedtegraad", NULL};
    struct ws_ogr_table *t = NULL;
    size_t i_lon = 0;
    size_t i_lat = 0;
    size_t i_name = (size_t)-1;
    size_t cap = 0;
    int r = 0;
    int rc;

    rc = ws_ogr_table_open(path, layer, NULL, &t, err);
    if (rc)
        goto out;
    p->layer = ws_xstrdup(t->layer_name);
    p->crs = ws_xstrdup("EPSG:4326");
    if (!find_named(t, lon_names, &i_lon) || !find_named(t, lat_names, &i_lat)) {
        rc = ws_err_set(err, WS_EDATA, "'%s' has no longitude and latitude columns", path);
        ws_err_where(err, "%s, header", path);
        ws_err_hint(err, "name the columns 'lon' and 'lat' (WGS 84 degrees), or use a source "
                         "with point geometries and a CRS (gpkg, geojson)");
        goto out;
    }
    if (name_field && (rc = ws_ogr_table_field_index(t, name_field, key, &i_name, err)))
        goto out;
    while ((r = ws_ogr_table_next(t, err)) == 1) {
        if ((rc = add_table_point(t, i_lon, i_lat, i_name, p, &cap, err)))
            goto out;
    }
    rc = r < 0 ? -r : WS_OK;
out:
    ws_ogr_table_close(t);
    return rc;
}

/* The (x, y) of a Point, or of a MultiPoint holding one point. */
static bool point_xy(OGRGeometryH g, double *x, double *y)
{
    OGRwkbGeometryType type;

    if (!g || OGR_G_IsEmpty(g))
        return false;
    type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1)
        g = OGR_G_GetGeometryRef(g, 0);
    else if (type != wkbPoint)
        return false;
    *x = OGR_G_GetX(g, 0);
    *y = OGR_G_GetY(g, 0);
    return true;
}

/* Adds one feature of a point layer. */
static int add_feature_point(const struct poly_reader *r, OGRFeatureH feat, int name_idx,
                             struct ws_ogr_points *p, size_t *cap, struct ws_err *err)
{
    struct ws_ogr_point pt = {OGR_F_GetFID(feat), 0, NULL, 0.0, 0.0};
    OGRGeometryH g = OGR_F_GetGeometryRef(feat);

    pt.line = pt.fid >= 0 ? (size_t)pt.fid : 0;
    if (name_idx >= 0 && OGR_F_IsFieldSetAndNotNull(feat, name_idx))
        pt.name = utf8_copy(OGR_F_GetFieldAsString(feat, name_idx));
    if (!point_xy(g, &pt.x, &pt.y)) {
        OGRwkbGeometryType type = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbNone;
        ws_err_set(err, WS_EDATA, "a feature of '%s' is not a point (%s)", r->path,
                   g ? OGRGeometryTypeToName(type) : "no geometry");
        set_feature_where(err, r, pt.fid, pt.name);
        ws_err_hint(err, "[locations] source must hold one point per location");
        free(pt.name);
        return WS_EDATA;
    }
    if (!pt.name) {
        struct ws_strbuf sb = WS_STRBUF_INIT;
        ws_strbuf_addf(&sb, "%lld", (long long)pt.fid);
        pt.name = ws_strbuf_detach(&sb);
    }
    if (r->swap_xy) {
        double x = pt.x;
        pt.x = pt.y;
        pt.y = x;
    }
    WS_VEC_GROW(p->points, p->n + 1, *cap);
    p->points[p->n++] = pt;
    return WS_OK;
}

/* Points from a layer with Point geometries. */
static int read_points_layer(const char *path, const char *layer, const char *name_field,
                             const char *key, struct ws_ogr_points *p, struct ws_err *err)
{
    struct gdal_msgs m;
    struct poly_reader r = {path, NULL, false, NULL, &m, 0};
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    OGRFeatureH feat;
    int name_idx = -1;
    size_t cap = 0;
    int rc;

    memset(&m, 0, sizeof(m));
    m.label = path;
    guard_begin(&m);
    if ((rc = open_dataset(path, NULL, NULL, &m, &ds, err)) ||
        (rc = pick_layer(ds, path, layer, &lyr, err)))
        goto out;
    p->layer = ws_xstrdup(OGR_L_GetName(lyr));
    r.layer = p->layer;
    if ((rc = layer_crs(lyr, path, p->layer, &m, &p->crs, &r.swap_xy, err)) ||
        (rc = find_fields(lyr, path, p->layer, &name_field, &key, 1, &name_idx, err)))
        goto out;
    OGR_L_ResetReading(lyr);
    while ((feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        rc = add_feature_point(&r, feat, name_idx, p, &cap, err);
        OGR_F_Destroy(feat);
        if (rc)
            goto out;
    }
out:
    if (ds)
        GDALClose(ds);
    guard_end();
    return rc;
}

int ws_ogr_read_points(const char *path, const char *layer, const char *name_field, const char *key,
                       struct ws_ogr_points *out, struct ws_err *err)
{
    struct ws_ogr_points p;
    int rc;

    ws_ogr_points_init(&p);
    if (kind_of(path) != KIND_OTHER)
        rc = read_points_table(path, layer, name_field, key, &p, err);
    else
        rc = read_points_layer(path, layer, name_field, key, &p, err);
    if (!rc && p.n == 0) {
        rc = ws_err_set(err, WS_EDATA, "'%s' holds no locations", path);
        ws_err_where(err, "%s", path);
        ws_err_hint(err, "[locations] source needs at least one point");
    }
    if (rc) {
        ws_ogr_points_release(&p);
        return rc;
    }
    *out = p;
    return WS_OK;
}

/* ---- writing ---- */

struct ws_ogr_writer {
    GDALDatasetH ds;
    OGRLayerH lyr; /* the current layer (borrowed from ds) */
    char *target;  /* for messages: the path, or the connection's name */
    char *layer;   /* the current layer's name */
    enum ws_ogr_type *types;
    size_t n_fields;
    bool in_tx;
    bool is_db;       /* a database, not a new file */
    char *date;       /* OGR_CURRENT_DATE while GDAL writes, or NULL */
    char *saved_date; /* the thread's value before */
    struct gdal_msgs m;
};

/* A connection string names its database only: never print a password. */
static char *target_label(const char *driver, const char *target)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    const char *db;

    if (strcmp(driver, "PostgreSQL") != 0)
        return ws_xstrdup(target);
    db = strstr(target, "dbname=");
    ws_strbuf_adds(&sb, "PostgreSQL database ");
    if (db) {
        db += 7;
        ws_strbuf_addf(&sb, "%.*s", (int)strcspn(db, " '"), db);
    } else {
        ws_strbuf_adds(&sb, "(default)");
    }
    return ws_strbuf_detach(&sb);
}

/* Every writer call runs with the collecting handler and the date option. */
static void writer_begin(struct ws_ogr_writer *w)
{
    guard_begin(&w->m);
    if (w->date) {
        const char *old = CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
        free(w->saved_date);
        w->saved_date = old ? ws_xstrdup(old) : NULL;
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", w->date);
    }
}

static void writer_end(struct ws_ogr_writer *w)
{
    if (w->date)
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", w->saved_date);
    guard_end();
}

static int write_failed(struct ws_ogr_writer *w, struct ws_err *err, const char *what)
{
    ws_err_set(err, WS_ECANTCREAT, "cannot write %s into '%s'", what, w->target);
    gdal_cause(err, &w->m);
    if (w->layer)
        ws_err_where(err, "%s, layer '%s'", w->target, w->layer);
    if (w->is_db)
        ws_err_hint(err, "check that the user may create tables and views in that database and "
                         "that no other object there has the name");
    else
        ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    return WS_ECANTCREAT;
}

static void writer_free(struct ws_ogr_writer *w)
{
    free(w->target);
    free(w->layer);
    free(w->types);
    free(w->date);
    free(w->saved_date);
    free(w);
}

int ws_ogr_writer_create(const char *driver, const char *target, const char *date,
                         struct ws_ogr_writer **out, struct ws_err *err)
{
    const char *const drivers[] = {driver, NULL};
    struct ws_ogr_writer *w = ws_xcalloc(1, sizeof(*w));
    GDALDriverH drv;
    int rc = WS_OK;

    *out = NULL;
    w->target = target_label(driver, target);
    w->is_db = strcmp(driver, "PostgreSQL") == 0;
    w->date = date ? ws_xstrdup(date) : NULL;
    writer_begin(w);
    drv = GDALGetDriverByName(driver);
    if (!drv) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot write '%s': GDAL has no %s driver", w->target,
                        driver);
        ws_err_hint(err, "install GDAL with the %s driver (Debian: libgdal32)", driver);
        goto out;
    }
    if (strcmp(driver, "PostgreSQL") != 0) {
        VSIStatBufL st;
        if (VSIStatL(target, &st) == 0) {
            rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s': it exists", w->target);
            ws_err_hint(err, "remove it or write to another folder");
            goto out;
        }
    }
    if (strcmp(driver, "PostgreSQL") == 0)
        w->ds = GDALOpenEx(target, GDAL_OF_VECTOR | GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR, drivers,
                           NULL, NULL);
    else
        w->ds = GDALCreate(drv, target, 0, 0, 0, GDT_Unknown, NULL);
    if (!w->ds) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s'", w->target);
        gdal_cause(err, &w->m);
        ws_err_hint(err, strcmp(driver, "PostgreSQL") == 0
                             ? "check [output] database: the server must run, the database "
                               "exist with PostGIS, and the user may create tables"
                             : "check that the output folder is writable and the disk is not "
                               "full");
        goto out;
    }
    if (GDALDatasetTestCapability(w->ds, ODsCTransactions)) {
        if (GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE) {
            rc = write_failed(w, err, "a transaction");
            goto out;
        }
        w->in_tx = true;
    }
out:
    writer_end(w);
    if (rc) {
        ws_ogr_writer_abort(w);
        return rc;
    }
    *out = w;
    return WS_OK;
}

static OGRFieldType field_type(enum ws_ogr_type t)
{
    switch (t) {
    case WS_OGR_INTEGER:
        return OFTInteger64;
    case WS_OGR_REAL:
        return OFTReal;
    case WS_OGR_TEXT:
        break;
    }
    return OFTString;
}

int ws_ogr_writer_add_layer(struct ws_ogr_writer *w, const char *name, int srid,
                            const struct ws_ogr_field *fields, size_t n_fields,
                            const char *const *options, struct ws_err *err)
{
    OGRSpatialReferenceH srs = NULL;
    int rc = WS_OK;

    writer_begin(w);
    free(w->layer);
    w->layer = ws_xstrdup(name);
    w->lyr = NULL;
    if (srid > 0) {
        srs = OSRNewSpatialReference(NULL);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRImportFromEPSG(srs, srid) != OGRERR_NONE) {
            rc = ws_err_set(err, WS_ECANTCREAT, "cannot write layer '%s': unknown CRS EPSG:%d",
                            name, srid);
            gdal_cause(err, &w->m);
            ws_err_hint(err, "check that the proj-data package is installed");
            goto out;
        }
    }
    w->lyr = GDALDatasetCreateLayer(w->ds, name, srs, srid > 0 ? wkbMultiPolygon : wkbNone,
                                    (char **)options); // GDAL does not change them
    if (!w->lyr) {
        rc = write_failed(w, err, "a layer");
        goto out;
    }
    for (size_t k = 0; k < n_fields; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[k].name, field_type(fields[k].type));
        OGRErr e = OGR_L_CreateField(w->lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            rc = write_failed(w, err, "a field");
            goto out;
        }
    }
    free(w->types);
    w->types = ws_xcalloc(n_fields + 1, sizeof(*w->types));
    for (size_t k = 0; k < n_fields; k++)
        w->types[k] = fields[k].type;
    w->n_fields = n_fields;
out:
    if (srs)
        OSRRelease(srs);
    writer_end(w);
    return rc;
}

static void set_value(OGRFeatureH f, int i, enum ws_ogr_type t, const struct ws_ogr_value *v)
{
    if (v->null || (t == WS_OGR_TEXT && !v->s) || (t == WS_OGR_REAL && isnan(v->d))) {
        OGR_F_SetFieldNull(f, i);
        return;
    }
    switch (t) {
    case WS_OGR_TEXT:
        OGR_F_SetFieldString(f, i, v->s);
        break;
    case WS_OGR_INTEGER:
        OGR_F_SetFieldInteger64(f, i, v->i);
        break;
    case WS_OGR_REAL:
        OGR_F_SetFieldDouble(f, i, v->d);
        break;
    }
}

int ws_ogr_writer_add_feature(struct ws_ogr_writer *w, const struct ws_ogr_value *values,
                              const unsigned char *wkb, size_t wkb_len, struct ws_err *err)
{
    OGRFeatureH f;
    OGRGeometryH g = NULL;
    int rc = WS_OK;

    if (!w->lyr)
        return ws_err_set(err, WS_EINTERNAL, "ws_ogr_writer_add_feature: no layer");
    writer_begin(w);
    f = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr));
    for (size_t k = 0; k < w->n_fields; k++)
        set_value(f, (int)k, w->types[k], &values[k]);
    if (wkb && wkb_len) {
        if (OGR_G_CreateFromWkbEx(wkb, NULL, &g, wkb_len) != OGRERR_NONE) {
            rc = ws_err_set(err, WS_EINTERNAL, "GDAL cannot read a geometry for layer '%s'",
                            w->layer);
            gdal_cause(err, &w->m);
            goto out;
        }
        OGR_F_SetGeometryDirectly(f, g);
    }
    if (OGR_L_CreateFeature(w->lyr, f) != OGRERR_NONE)
        rc = write_failed(w, err, "a feature");
out:
    OGR_F_Destroy(f);
    writer_end(w);
    return rc;
}

int ws_ogr_writer_exec(struct ws_ogr_writer *w, const char *sql, struct ws_err *err)
{
    OGRLayerH res;
    int rc = WS_OK;

    writer_begin(w);
    res = GDALDatasetExecuteSQL(w->ds, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(w->ds, res);
    if (w->m.failure[0]) {
        // the statement, not the last layer, is what failed
        free(w->layer);
        w->layer = NULL;
        rc = write_failed(w, err, "a table or view");
        ws_err_where(err, "%s", w->target);
    }
    writer_end(w);
    return rc;
}

int ws_ogr_writer_finish(struct ws_ogr_writer *w, struct ws_err *err)
{
    int rc = WS_OK;

    if (!w)
        return WS_OK;
    writer_begin(w);
    if (w->in_tx && GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE) {
        rc = write_failed(w, err, "the data");
        (void)GDALDatasetRollbackTransaction(w->ds);
    }
    w->in_tx = false;
    w->lyr = NULL;
    free(w->layer);
    w->layer = NULL;
    // GDAL writes a new file's last pages (the GeoPackage's extents, the
    // XLSX zip) on close: a failure then is reported as an error
    w->m.failure[0] = '\0';
    GDALClose(w->ds);
    w->ds = NULL;
    if (!rc && w->m.failure[0])
        rc = write_failed(w, err, "the data");
    writer_end(w);
    writer_free(w);
    return rc;
}

void ws_ogr_writer_abort(struct ws_ogr_writer *w)
{
    if (!w)
        return;
    writer_begin(w);
    if (w->ds) {
        if (w->in_tx)
            (void)GDALDatasetRollbackTransaction(w->ds);
        GDALClose(w->ds);
    }
    writer_end(w);
    writer_free(w);
}

/* ---- zip archives --------------------------------------------------------- */

struct ws_zip {
    void *h;     /* CPLCreateZip's handle */
    char *path;  /* for messages */
    char *entry; /* the open entry's name, or NULL */
    bool failed; /* a write failed: later calls do nothing */
    struct gdal_msgs m;
};

static int zip_failed(struct ws_zip *z, struct ws_err *err, const char *what)
{
    z->failed = true;
    ws_err_set(err, WS_ECANTCREAT, "cannot write %s into '%s'", what, z->path);
    gdal_cause(err, &z->m);
    if (z->entry)
        ws_err_where(err, "%s, entry '%s'", z->path, z->entry);
    ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    return WS_ECANTCREAT;
}

static void zip_free(struct ws_zip *z)
{
    free(z->path);
    free(z->entry);
    free(z);
}

int ws_zip_create(const char *path, struct ws_zip **out, struct ws_err *err)
{
    struct ws_zip *z = ws_xcalloc(1, sizeof(*z));
    VSIStatBufL st;
    int rc = WS_OK;

    *out = NULL;
    z->path = ws_xstrdup(path);
    guard_begin(&z->m);
    if (VSIStatL(path, &st) == 0) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s': it exists", path);
        ws_err_hint(err, "remove it or write to another folder");
    } else if (!(z->h = CPLCreateZip(path, NULL))) {
        rc = ws_err_set(err, WS_ECANTCREAT, "cannot create '%s'", path);
        gdal_cause(err, &z->m);
        ws_err_hint(err, "check that the output folder is writable and the disk is not full");
    }
    guard_end();
    if (rc) {
        zip_free(z);
        return rc;
    }
    *out = z;
    return WS_OK;
}

int ws_zip_entry_end(struct ws_zip *z, struct ws_err *err)
{
    int rc = WS_OK;

    if (!z->entry)
        return WS_OK;
    guard_begin(&z->m);
    if (CPLCloseFileInZip(z->h) != CE_None)
        rc = zip_failed(z, err, "an entry");
    guard_end();
    free(z->entry);
    z->entry = NULL;
    return rc;
}

int ws_zip_entry_begin(struct ws_zip *z, const char *name, struct ws_err *err)
{
    int rc;

    if (z->failed)
        return WS_ECANTCREAT;
    if ((rc = ws_zip_entry_end(z, err)))
        return rc;
    z->entry = ws_xstrdup(name);
    guard_begin(&z->m);
    if (CPLCreateFileInZip(z->h, name, NULL) != CE_None) {
        rc = zip_failed(z, err, "an entry");
        free(z->entry); // nothing is open
        z->entry = NULL;
    }
    guard_end();
    return rc;
}

int ws_zip_write(struct ws_zip *z, const void *data, size_t len, struct ws_err *err)
{
    const char *p = data;
    int rc = WS_OK;

    if (z->failed || !z->entry)
        return z->failed ? WS_ECANTCREAT
                         : ws_err_set(err, WS_EINTERNAL, "zip write without an entry; a bug");
    guard_begin(&z->m);
    while (len && !rc) {
        int n = len > (1u << 30) ? (1 << 30) : (int)len;
        if (CPLWriteFileInZip(z->h, p, n) != CE_None)
            rc = zip_failed(z, err, "data");
        p += n;
        len -= (size_t)n;
    }
    guard_end();
    return rc;
}

int ws_zip_close(struct ws_zip *z, struct ws_err *err)
{
    int rc;

    if (!z)
        return WS_OK;
    rc = z->failed ? WS_ECANTCREAT : ws_zip_entry_end(z, err);
    guard_begin(&z->m);
    free(z->entry);
    z->entry = NULL;
    if (CPLCloseZip(z->h) != CE_None && !rc)
        rc = zip_failed(z, err, "the archive's directory");
    guard_end();
    zip_free(z);
    return rc;
}

void ws_zip_abort(struct ws_zip *z)
{
    if (!z)
        return;
    guard_begin(&z->m);
    (void)CPLCloseZip(z->h); // also closes an open entry
    guard_end();
    zip_free(z);
}
