/*
 * xlsx.c - a streamed .xlsx workbook (see xlsx.h).
 *
 * Layout of the archive: the sheets first (xl/worksheets/sheetN.xml, each
 * written row by row through a buffer of about 256 KB), then the parts that
 * list them ([Content_Types].xml, _rels/.rels, xl/workbook.xml,
 * xl/_rels/workbook.xml.rels) and xl/styles.xml.  Readers find parts by name,
 * so the order does not matter to them.  Texts are inline (t="inlineStr"):
 * no shared-strings table has to be held until the end.
 */
#include "wijkscan/report/xlsx.h"

#include "wijkscan/core/mem.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FLUSH_AT ((size_t)256 * 1024)

static const char xml_decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
static const char ns_main[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
static const char ns_rel[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

struct ws_xlsx {
    struct ws_zip *z;
    struct ws_strbuf buf;
    char **sheets; /* names of the sheets begun */
    size_t n_sheets, cap_sheets;
    enum ws_ogr_type *types; /* the current sheet's columns */
    char **cols;             /* their letters */
    char **names;            /* their names, for the header row */
    size_t n_cols;
    size_t row;      /* rows written to the current sheet, header included */
    size_t max_rows; /* WS_XLSX_MAX_ROWS, or lower in tests */
    bool in_sheet;
};

bool ws_xlsx_sheet_name_ok(const char *s)
{
    size_t chars = 0;
    size_t len;

    if (!s || !*s)
        return false;
    len = strlen(s);
    if (s[0] == '\'' || s[len - 1] == '\'')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || strchr(":\\/?*[]", *p))
            return false;
        if ((*p & 0xc0) != 0x80) // count UTF-8 lead bytes only
            chars++;
    }
    return chars <= 31;
}

/* true when s starts with "_xHHHH_" (an escape a reader would decode). */
static bool looks_escaped(const char *s)
{
    if (s[0] != '_' || s[1] != 'x')
        return false;
    for (int i = 2; i < 6; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return false;
    return s[6] == '_';
}

void ws_xlsx_add_text(struct ws_strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            ws_strbuf_adds(sb, "&amp;");
        else if (c == '<')
            ws_strbuf_adds(sb, "&lt;");
        else if (c == '>')
            ws_strbuf_adds(sb, "&gt;");
        else if ((c < 0x20 && c != '\t' && c != '\n'))
            ws_strbuf_addf(sb, "_x%04X_", (unsigned)c);
        else if (c == '_' && looks_escaped(s))
            ws_strbuf_adds(sb, "_x005F_");
        else
            ws_strbuf_addch(sb, (char)c);
    }
}

void ws_xlsx_add_number(struct ws_strbuf *sb, double d)
{
    char tmp[40];

    if (d == 0.0)
        d = 0.0; // -0 prints as 0
    for (int prec = 15; prec <= 17; prec++) {
        (void)snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (prec == 17 || strtod(tmp, NULL) == d)
            break;
    }
    ws_strbuf_adds(sb, tmp);
}

void ws_xlsx_add_column(struct ws_strbuf *sb, size_t k)
{
    char tmp[16];
    size_t n = sizeof(tmp);

    tmp[--n] = '\0';
    for (k++; k > 0 && n > 0; k = (k - 1) / 26)
        tmp[--n] = (char)('A' + (k - 1) % 26);
    ws_strbuf_adds(sb, tmp + n);
}

static int flush(struct ws_xlsx *x, struct ws_err *err)
{
    int rc = ws_zip_write(x->z, x->buf.buf, x->buf.len, err);

    ws_strbuf_reset(&x->buf);
    return rc;
}

/* Writes the whole of `text` as entry `name`. */
static int add_part(struct ws_xlsx *x, const char *name, const char *text, struct ws_err *err)
{
    int rc = ws_zip_entry_begin(x->z, name, err);

    if (!rc)
        rc = ws_zip_write(x->z, text, strlen(text), err);
    return rc;
}

int ws_xlsx_create(const char *path, struct ws_xlsx **out, struct ws_err *err)
{
    struct ws_xlsx *x;
    struct ws_zip *z = NULL;
    int rc;

    *out = NULL;
    if ((rc = ws_zip_create(path, &z, err)))
        return rc;
    x = ws_xcalloc(1, sizeof(*x));
    x->z = z;
    x->max_rows = WS_XLSX_MAX_ROWS;
    ws_strbuf_init(&x->buf);
    *out = x;
    return WS_OK;
}

static void free_columns(struct ws_xlsx *x)
{
    for (size_t k = 0; k < x->n_cols; k++) {
        free(x->cols[k]);
        free(x->names[k]);
    }
    free(x->cols);
    free(x->names);
    free(x->types);
    x->cols = NULL;
    x->names = NULL;
    x->types = NULL;
    x->n_cols = 0;
}

static int sheet_end(struct ws_xlsx *x, struct ws_err *err)
{
    if (!x->in_sheet)
        return WS_OK;
    x->in_sheet = false;
    ws_strbuf_adds(&x->buf, "</sheetData>\n</worksheet>\n");
    free_columns(x);
    return flush(x, err);
}

static int check_sheet_name(const struct ws_xlsx *x, const char *name, struct ws_err *err)
{
    if (!ws_xlsx_sheet_name_ok(name))
        return ws_err_set(err, WS_EINTERNAL, "'%s' cannot name a spreadsheet sheet; a bug",
                          name ? name : "(null)");
    for (size_t i = 0; i < x->n_sheets; i++)
        if (strcasecmp(x->sheets[i], name) == 0)
            return ws_err_set(err, WS_EINTERNAL, "sheet '%s' written twice; a bug", name);
    return WS_OK;
}

static void header_row(struct ws_xlsx *x)
{
    ws_strbuf_adds(&x->buf, "<row r=\"1\">");
    for (size_t k = 0; k < x->n_cols; k++) {
        ws_strbuf_addf(&x->buf, "<c r=\"%s1\" t=\"inlineStr\"><is><t>", x->cols[k]);
        ws_xlsx_add_text(&x->buf, x->names[k]);
        ws_strbuf_adds(&x->buf, "</t></is></c>");
    }
    ws_strbuf_adds(&x->buf, "</row>\n");
    x->row = 1;
}

int ws_xlsx_sheet_begin(struct ws_xlsx *x, const char *name, const struct ws_ogr_field *cols,
                        size_t n, struct ws_err *err)
{
    struct ws_strbuf entry = WS_STRBUF_INIT;
    int rc;

    if ((rc = check_sheet_name(x, name, err)) || (rc = sheet_end(x, err)))
        return rc;
    WS_VEC_GROW(x->sheets, x->n_sheets + 1, x->cap_sheets);
    x->sheets[x->n_sheets++] = ws_xstrdup(name);
    ws_strbuf_addf(&entry, "xl/worksheets/sheet%zu.xml", x->n_sheets);
    rc = ws_zip_entry_begin(x->z, entry.buf, err);
    ws_strbuf_release(&entry);
    if (rc)
        return rc;
    x->in_sheet = true;
    x->n_cols = n;
    x->types = ws_xcalloc(n + 1, sizeof(*x->types));
    x->cols = ws_xcalloc(n + 1, sizeof(*x->cols));
    x->names = ws_xcalloc(n + 1, sizeof(*x->names));
    for (size_t k = 0; k < n; k++) {
        struct ws_strbuf col = WS_STRBUF_INIT;
        ws_xlsx_add_column(&col, k);
        x->cols[k] = ws_strbuf_detach(&col);
        x->types[k] = cols[k].type;
        x->names[k] = ws_xstrdup(cols[k].name ? cols[k].name : "");
    }
    ws_strbuf_addf(&x->buf, "%s<worksheet xmlns=\"%s\" xmlns:r=\"%s\">\n", xml_decl, ns_main,
                   ns_rel);
    if (n)
        ws_strbuf_addf(&x->buf,
                       "<cols><col min=\"1\" max=\"%zu\" width=\"15\" customWidth=\"1\"/>"
                       "</cols>\n",
                       n);
    ws_strbuf_adds(&x->buf, "<sheetData>\n");
    x->row = 0;
    return WS_OK;
}

/* Cell k of the current row (nothing for a NULL). */
static void add_cell(struct ws_xlsx *x, size_t k, const struct ws_ogr_value *v)
{
    struct ws_strbuf *sb = &x->buf;

    if (v->null)
        return;
    switch (x->types[k]) {
    case WS_OGR_TEXT:
        if (!v->s || !*v->s)
            return;
        ws_strbuf_addf(sb, "<c r=\"%s%zu\" t=\"inlineStr\"><is><t", x->cols[k], x->row);
        // a reader keeps surrounding white space only when told so
        if (strchr(" \t\n", v->s[0]) || strchr(" \t\n", v->s[strlen(v->s) - 1]))
            ws_strbuf_adds(sb, " xml:space=\"preserve\"");
        ws_strbuf_addch(sb, '>');
        ws_xlsx_add_text(sb, v->s);
        ws_strbuf_adds(sb, "</t></is></c>");
        return;
    case WS_OGR_INTEGER:
        ws_strbuf_addf(sb, "<c r=\"%s%zu\"><v>%" PRId64 "</v></c>", x->cols[k], x->row, v->i);
        return;
    case WS_OGR_REAL:
        if (!isfinite(v->d))
            return;
        ws_strbuf_addf(sb, "<c r=\"%s%zu\"><v>", x->cols[k], x->row);
        ws_xlsx_add_number(sb, v->d);
        ws_strbuf_adds(sb, "</v></c>");
        return;
    }
}

int ws_xlsx_row(struct ws_xlsx *x, const struct ws_ogr_value *v, struct ws_err *err)
{
    if (!x->in_sheet)
        return ws_err_set(err, WS_EINTERNAL, "a spreadsheet row outside a sheet; a bug");
    if (x->row >= x->max_rows) {
        ws_err_set(err, WS_ECANTCREAT,
                   "cannot write sheet '%s': it has more rows than a spreadsheet holds",
                   x->sheets[x->n_sheets - 1]);
        ws_err_cause(err, "a sheet holds at most %zu rows, the header included", x->max_rows);
        ws_err_hint(err, "use indicators.csv or indicators.gpkg, which have no such limit");
        return WS_ECANTCREAT;
    }
    if (x->row == 0)
        header_row(x);
    x->row++;
    ws_strbuf_addf(&x->buf, "<row r=\"%zu\">", x->row);
    for (size_t k = 0; k < x->n_cols; k++)
        add_cell(x, k, &v[k]);
    ws_strbuf_adds(&x->buf, "</row>\n");
    return x->buf.len >= FLUSH_AT ? flush(x, err) : WS_OK;
}

static void content_types(const struct ws_xlsx *x, struct ws_strbuf *sb)
{
    static const char ct[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.";

    ws_strbuf_addf(sb,
                   "%s<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                   "content-types\">\n"
                   "<Default Extension=\"rels\" "
                   "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\n"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/>\n"
                   "<Override PartName=\"/xl/workbook.xml\" ContentType=\"%ssheet.main+xml\"/>\n"
                   "<Override PartName=\"/xl/styles.xml\" ContentType=\"%sstyles+xml\"/>\n",
                   xml_decl, ct, ct);
    for (size_t i = 0; i < x->n_sheets; i++)
        ws_strbuf_addf(sb,
                       "<Override PartName=\"/xl/worksheets/sheet%zu.xml\" "
                       "ContentType=\"%sworksheet+xml\"/>\n",
                       i + 1, ct);
    ws_strbuf_adds(sb, "</Types>\n");
}

static void package_rels(struct ws_strbuf *sb)
{
    ws_strbuf_addf(sb,
                   "%s<Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n"
                   "<Relationship Id=\"rId1\" Type=\"%s/officeDocument\" "
                   "Target=\"xl/workbook.xml\"/>\n"
                   "</Relationships>\n",
                   xml_decl, ns_rel);
}

static void workbook(const struct ws_xlsx *x, struct ws_strbuf *sb)
{
    ws_strbuf_addf(sb, "%s<workbook xmlns=\"%s\" xmlns:r=\"%s\">\n<sheets>\n", xml_decl, ns_main,
                   ns_rel);
    for (size_t i = 0; i < x->n_sheets; i++) {
        ws_strbuf_adds(sb, "<sheet name=\"");
        ws_strbuf_add_xml(sb, x->sheets[i], true);
        ws_strbuf_addf(sb, "\" sheetId=\"%zu\" r:id=\"rId%zu\"/>\n", i + 1, i + 1);
    }
    ws_strbuf_adds(sb, "</sheets>\n</workbook>\n");
}

static void workbook_rels(const struct ws_xlsx *x, struct ws_strbuf *sb)
{
    ws_strbuf_addf(sb,
                   "%s<Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n",
                   xml_decl);
    for (size_t i = 0; i < x->n_sheets; i++)
        ws_strbuf_addf(sb,
                       "<Relationship Id=\"rId%zu\" Type=\"%s/worksheet\" "
                       "Target=\"worksheets/sheet%zu.xml\"/>\n",
                       i + 1, ns_rel, i + 1);
    ws_strbuf_addf(sb, "<Relationship Id=\"rId%zu\" Type=\"%s/styles\" Target=\"styles.xml\"/>\n",
                   x->n_sheets + 1, ns_rel);
    ws_strbuf_adds(sb, "</Relationships>\n");
}

/* One font (Arial 10), the two fills every workbook has, one border, one
 * cell format. */
static void styles(struct ws_strbuf *sb)
{
    ws_strbuf_addf(sb,
                   "%s<styleSheet xmlns=\"%s\">\n"
                   "<fonts count=\"1\"><font><sz val=\"10\"/><name val=\"Arial\"/>"
                   "<family val=\"2\"/></font></fonts>\n"
                   "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
                   "<fill><patternFill patternType=\"gray125\"/></fill></fills>\n"
                   "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/>"
                   "</border></borders>\n"
                   "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
                   "borderId=\"0\"/></cellStyleXfs>\n"
                   "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
                   "borderId=\"0\" xfId=\"0\"/></cellXfs>\n"
                   "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" "
                   "builtinId=\"0\"/></cellStyles>\n"
                   "</styleSheet>\n",
                   xml_decl, ns_main);
}

static int write_parts(struct ws_xlsx *x, struct ws_err *err)
{
    struct ws_strbuf sb = WS_STRBUF_INIT;
    int rc;

    content_types(x, &sb);
    rc = add_part(x, "[Content_Types].xml", sb.buf, err);
    ws_strbuf_reset(&sb);
    package_rels(&sb);
    if (!rc)
        rc = add_part(x, "_rels/.rels", sb.buf, err);
    ws_strbuf_reset(&sb);
    workbook(x, &sb);
    if (!rc)
        rc = add_part(x, "xl/workbook.xml", sb.buf, err);
    ws_strbuf_reset(&sb);
    workbook_rels(x, &sb);
    if (!rc)
        rc = add_part(x, "xl/_rels/workbook.xml.rels", sb.buf, err);
    ws_strbuf_reset(&sb);
    styles(&sb);
    if (!rc)
        rc = add_part(x, "xl/styles.xml", sb.buf, err);
    ws_strbuf_release(&sb);
    return rc;
}

static void xlsx_free(struct ws_xlsx *x)
{
    free_columns(x);
    for (size_t i = 0; i < x->n_sheets; i++)
        free(x->sheets[i]);
    free(x->sheets);
    ws_strbuf_release(&x->buf);
    free(x);
}

int ws_xlsx_finish(struct ws_xlsx *x, struct ws_err *err)
{
    int rc;

    if (!x)
        return WS_OK;
    rc = sheet_end(x, err);
    if (!rc && !x->n_sheets)
        rc = ws_err_set(err, WS_EINTERNAL, "a workbook without sheets; a bug");
    if (!rc)
        rc = write_parts(x, err);
    if (rc) {
        ws_zip_abort(x->z);
    } else {
        rc = ws_zip_close(x->z, err);
    }
    xlsx_free(x);
    return rc;
}

void ws_xlsx_set_row_limit(struct ws_xlsx *x, size_t max_rows)
{
    if (max_rows >= 2 && max_rows < WS_XLSX_MAX_ROWS)
        x->max_rows = max_rows;
}

void ws_xlsx_abort(struct ws_xlsx *x)
{
    if (!x)
        return;
    ws_zip_abort(x->z);
    xlsx_free(x);
}
