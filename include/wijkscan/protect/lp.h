/*
 * lp.h - a tiny linear-programming wrapper (the attacker's audit, audit.c).
 *
 * lp.c is the only file that includes glpk.h.  A problem has n continuous
 * variables, each with bounds [lo, hi] (hi = INFINITY for none; lo == hi
 * fixes it), and equality rows sum_k coef_k x_idx_k = rhs.  ws_lp_optimise()
 * minimises or maximises ONE variable; successive calls on the same problem
 * start from the previous optimal basis (warm start), so asking for the
 * minimum and maximum of every variable in turn costs a few pivots each.
 * GLPK's terminal output is off; nothing is printed.
 *
 * Usage:
 *   struct ws_lp *lp = ws_lp_new(n);
 *   ws_lp_set_bounds(lp, j, lo, hi);          for each variable (default [0, inf))
 *   ws_lp_add_row(lp, k, idx, coef, rhs);     for each equality
 *   ws_lp_optimise(lp, j, true, &v, &err);    v = max x_j (INFINITY: unbounded)
 *   ws_lp_value(lp, i)                        x_i in that optimal solution
 *   ws_lp_free(lp);
 * and ws_lp_shutdown() once at exit (glp_free_env).
 */
#ifndef WIJKSCAN_LP_H
#define WIJKSCAN_LP_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_lp;

/* A problem with n variables, each in [0, inf), and no rows.  Owned; free
 * with ws_lp_free(). */
struct ws_lp *ws_lp_new(size_t n);
void ws_lp_free(struct ws_lp *lp);

/* Bounds of variable j (0-based): lo finite, hi >= lo or INFINITY. */
void ws_lp_set_bounds(struct ws_lp *lp, size_t j, double lo, double hi);
/* Adds the equality row sum_{k < n} coef[k] x_{idx[k]} = rhs (idx 0-based,
 * each variable at most once per row; n may be 0).  Rows are loaded into the
 * solver at the first ws_lp_optimise(). */
void ws_lp_add_row(struct ws_lp *lp, size_t n, const size_t *idx, const double *coef, double rhs);

/* Replaces row i (0-based, in the order of ws_lp_add_row) with
 * sum_k coef[k] x_{idx[k]} = rhs (n may be 0: an empty row, rhs 0). */
void ws_lp_set_row(struct ws_lp *lp, size_t i, size_t n, const size_t *idx, const double *coef,
                   double rhs);
/* Rows added so far. */
size_t ws_lp_rows(const struct ws_lp *lp);

/* Minimises (maximise false) or maximises x_j subject to the bounds and rows.
 * *value is the optimum, -INFINITY / INFINITY when unbounded.  An infeasible
 * problem or a solver failure is WS_EINTERNAL (the audit only builds problems
 * that the true values satisfy, so this is a bug). */
int ws_lp_optimise(struct ws_lp *lp, size_t j, bool maximise, double *value, struct ws_err *err);
/* The same for the objective sum_k coef[k] x_{idx[k]} (0-based, each
 * variable at most once); *value its optimum (+-INFINITY when unbounded).
 * Used to find many cells' extremes with one solve. */
int ws_lp_optimise_sum(struct ws_lp *lp, size_t n, const size_t *idx, const double *coef,
                       bool maximise, double *value, struct ws_err *err);
/* x_i in the solution of the last successful ws_lp_optimise() (NAN before
 * the first, or after an unbounded one). */
double ws_lp_value(const struct ws_lp *lp, size_t i);
/* Simplex runs so far on this problem (for statistics). */
size_t ws_lp_solves(const struct ws_lp *lp);

/* Frees GLPK's global environment; call once at exit, after every problem
 * is freed (later calls re-create it). */
void ws_lp_shutdown(void);
/* GLPK's version, e.g. "5.0". */
const char *ws_lp_glpk_version(void);

#endif
