/*
 * suppress.h - primary and secondary cell suppression on a protection table
 * (table.h), checked by the attacker's audit (audit.h).
 *
 * Secondary suppression is hierarchical, as tau-ARGUS's Modular (HiTaS)
 * method: the subtables (a parent area with its children, by column) are
 * protected top-down, each with its margins already decided, so the work
 * grows with the number of areas rather than with the size of the whole
 * table.  Then the audit certifies every suppressed cell over EVERY relation
 * of the table (audit.h: neighbourhoods first, growing where needed), and
 * where a cell is still too narrow (relations between subtables: the
 * study-wide totals, the model's known sums, group-offer catchments) more
 * complements are chosen around it until it is certified or nothing helps.
 *
 * Usage: build the table (table.h); ws_suppress_primary; ws_suppress_secondary;
 * read cells[i].state and cells[i].cert.
 */
#ifndef WIJKSCAN_SUPPRESS_H
#define WIJKSCAN_SUPPRESS_H

#include "wijkscan/core/err.h"
#include "wijkscan/protect/audit.h"
#include "wijkscan/protect/table.h"

#include <stddef.h>

/* Marks every EXACT or ROUNDED cell with value < min_count PRIMARY; returns
 * how many.  HIDDEN cells are left alone (nothing of them is published), and
 * so are cells tagged WS_SDC_NO_TAG (virtual cells such as the study total:
 * not published rows, but known to the attacker). */
size_t ws_suppress_primary(struct ws_sdc_table *t);

/* Secondary suppression, then the audit:
 *   1. subtable by subtable, in group order: a per-relation rule (while a
 *      relation alone pins a suppressed cell to a range narrower than
 *      safety_range, suppress the inner cell of the subtable that widens it
 *      enough at least cost, else the one that widens it most), then the
 *      subtable's own LP, with complements chosen among its inner cells
 *      until each of its suppressed cells is wide enough there;
 *   2. the audit over every relation; a cell it cannot certify gets
 *      complements anywhere near it (tested on its neighbourhood's LP),
 *      until certified or nothing helps;
 *   3. cert and (where exact) t->ranges are left in the table.
 * Cells marked `exempt` are suppressed like any other but need not reach
 * safety_range.  safety_range <= 0: only counts the primary cells (no
 * secondary suppression, no audit).  *n_failed is the number of cells that
 * must reach safety_range and could not be certified: the caller withholds
 * what they belong to (protect.c).  A solver failure sets err.  stats may
 * be NULL; progress lines go to ws_log_progress. */
int ws_suppress_secondary(struct ws_sdc_table *t, size_t *n_failed, struct ws_sdc_stats *stats,
                          struct ws_err *err);

#endif
