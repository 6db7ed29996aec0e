/*
 * flow.h - the audit's fast path: a protection table (table.h) read as a
 * network, and feasible directions found as augmenting paths instead of LPs.
 *
 * A table of areas x categories whose areas form a tree (buurt -> wijk ->
 * gemeente -> study) is a network: every relation "total = sum of parts" is
 * a node, every cell an arc between the (at most two) relations it is in,
 * and a change of counts that keeps every relation true is a circulation.
 * The relations of a non-leaf area's row (all = sum of categories) follow
 * from the others and are left out; relations that do not fit (group
 * offers, known sums) are "side" relations.
 *
 * Two uses, both exact with respect to the attacker of audit.h:
 *   - certification: a direction d found in the network is checked against
 *     EVERY relation of the table (side relations included; a side relation
 *     may be balanced by a cell that is in no other relation) and against
 *     every cell's prior bounds.  x + s*d is then a feasible table for s in
 *     [-down, up], so each cell e of d has a range of at least
 *     (up + down) * |d_e|: a lower bound, like a restricted LP's.
 *   - refutation: the network without the side relations is a relaxation,
 *     so a cell whose maximum flow up plus down (its range in the
 *     relaxation) is below safety_range is certainly too narrow; no LP
 *     needs to say so.
 * Whatever the network cannot decide is left to the LPs of audit.c.
 */
#ifndef WIJKSCAN_FLOW_H
#define WIJKSCAN_FLOW_H

#include "wijkscan/protect/table.h"

#include <stdbool.h>
#include <stddef.h>

/* The network of a table; its topology follows the relations only, so it
 * stays valid while cell states change. */
struct ws_flow;
struct ws_flow *ws_flow_new(const struct ws_sdc_table *t);
void ws_flow_free(struct ws_flow *f);

enum ws_flow_verdict {
    WS_FLOW_UNKNOWN = 0, /* the network cannot tell: ask the LPs */
    WS_FLOW_WIDE = 1,    /* a checked direction shows range >= safety_range */
    WS_FLOW_NARROW = 2,  /* even the relaxation's range is below safety_range */
};

/* Tries cell c (which must need a range).  With n_also: cells met on the
 * way whose range the same direction shows to be wide enough and that are
 * not yet certified get cert = WS_CERT_BOUND (*n_also counts them, c
 * excluded); with NULL nothing but c is looked at. */
enum ws_flow_verdict ws_flow_check(struct ws_flow *f, struct ws_sdc_table *t, size_t c,
                                   size_t *n_also);

/* Relations the network could not hold (side relations), for tests and
 * --verbose. */
size_t ws_flow_side_relations(const struct ws_flow *f);

#endif
