/*
 * xlsx.h - a spreadsheet workbook (Office Open XML, .xlsx) written as a
 * stream: rows go out as they come, so memory stays the same for ten rows
 * or a million (report stage).
 *
 * The workbook holds sheets written one after another; each sheet has a
 * header row of texts (the column names) and then one row per call.  A
 * sheet without rows stays empty, without a header (as GDAL writes one:
 * GDAL would read a lone header row as a row of data).  Cells
 * keep their type: numbers are numbers (integers as integers, reals with
 * the fewest digits that read back as the same double), texts are inline
 * texts, and a NULL (a null value, a NULL or empty text, a NaN or infinite
 * number) is an empty cell.  Every column is 15 characters wide, in Arial
 * 10.  The zip container is written by ws_zip_* (the GDAL wrapper).
 *
 * A spreadsheet has at most 1,048,576 rows: a sheet with more data rows than
 * fit under its header is refused (WS_ECANTCREAT).
 */
#ifndef WIJKSCAN_XLSX_H
#define WIJKSCAN_XLSX_H

#include "wijkscan/core/err.h"
#include "wijkscan/core/strbuf.h"
#include "wijkscan/load/ogr_source.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_xlsx;

/* The most rows a sheet holds, the header row included. */
#define WS_XLSX_MAX_ROWS 1048576u

/* Starts a new workbook at `path`, which must not exist.  *out owned: end
 * with ws_xlsx_finish() or ws_xlsx_abort(). */
int ws_xlsx_create(const char *path, struct ws_xlsx **out, struct ws_err *err);
/* Starts sheet `name` (ending the one before) with columns cols[0..n-1]: the
 * header row holds their names, and their types say how ws_xlsx_row()
 * writes a value.  A name must be a valid sheet name (ws_xlsx_sheet_name_ok)
 * and differ from the earlier ones (WS_EINTERNAL otherwise). */
int ws_xlsx_sheet_begin(struct ws_xlsx *x, const char *name, const struct ws_ogr_field *cols,
                        size_t n, struct ws_err *err);
/* Appends one row to the current sheet: v[k] for column k. */
int ws_xlsx_row(struct ws_xlsx *x, const struct ws_ogr_value *v, struct ws_err *err);
/* Ends the last sheet, writes the workbook's parts, closes and frees x (also
 * on failure, when the file is left incomplete for the caller to remove).  A
 * workbook needs at least one sheet. */
int ws_xlsx_finish(struct ws_xlsx *x, struct ws_err *err);
/* Closes and frees x (NULL is fine); the file is left for the caller to
 * remove. */
void ws_xlsx_abort(struct ws_xlsx *x);

/* The pieces, for tests. */
/* true when s can name a sheet: 1 to 31 characters (UTF-8), none of
 * : \ / ? * [ ] or a control character, not starting or ending with '. */
bool ws_xlsx_sheet_name_ok(const char *s);
/* Appends text s as the content of a <t> element: &, <, > escaped, control
 * characters other than tab and line feed as _xHHHH_, and a literal
 * "_xHHHH_" protected as "_x005F_xHHHH_", so a reader gets s back. */
void ws_xlsx_add_text(struct ws_strbuf *sb, const char *s);
/* Appends d with the fewest significant digits (15, 16 or 17) that read
 * back as d; -0 as 0.  d must be finite. */
void ws_xlsx_add_number(struct ws_strbuf *sb, double d);
/* Lowers the row limit of x's sheets to max_rows (2 ..
 * WS_XLSX_MAX_ROWS - 1; other values are ignored), so that a test reaches
 * it without a million rows. */
void ws_xlsx_set_row_limit(struct ws_xlsx *x, size_t max_rows);
/* Appends the column letters of 0-based column k: A..Z, AA.. */
void ws_xlsx_add_column(struct ws_strbuf *sb, size_t k);

#endif
