/*
 * lp.c - the one wrapper around GLPK (see lp.h).
 *
 * This is the only file that includes glpk.h.  Problems are small (one
 * connected group of suppressed cells: tens to a few thousand variables) and
 * are solved many times with a different objective, so:
 *   - the presolver is off: it would throw away the basis that makes the
 *     next solve cheap (a few pivots instead of a cold start);
 *   - the primal simplex is used: changing only the objective keeps the last
 *     optimal basis primal feasible;
 *   - the first solve starts from GLPK's advanced (triangular) basis rather
 *     than the all-slack one: on a problem of 100,000 columns that is
 *     minutes faster;
 *   - when GLPK reports a bad or singular basis (it can after many warm
 *     starts) the standard basis is restored and the solve retried once.
 * GLPK prints nothing: glp_term_out(GLP_OFF) and msg_lev GLP_MSG_OFF.
 */
#include "wijkscan/protect/lp.h"

#include "wijkscan/core/mem.h"

#include <glpk.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>

struct ws_lp {
    glp_prob *p;
    size_t n;      /* variables */
    int obj;       /* 1-based column whose objective coefficient is 1, 0 for
                    * none, -1 for a general objective (every column reset) */
    bool have_sol; /* the last solve ended optimal */
    size_t solves; /* glp_simplex calls */
    int *ind;      /* row buffer, 1-based (GLPK convention) */
    double *val;
    size_t buf_cap;
};

static int col_of(size_t j)
{
    if (j >= (size_t)INT_MAX)
        WS_BUG("LP variable index out of range");
    return (int)j + 1;
}

struct ws_lp *ws_lp_new(size_t n)
{
    struct ws_lp *lp = ws_xcalloc(1, sizeof(*lp));

    (void)glp_term_out(GLP_OFF);
    lp->p = glp_create_prob();
    lp->n = n;
    glp_set_obj_dir(lp->p, GLP_MIN);
    if (n > 0) {
        (void)glp_add_cols(lp->p, col_of(n - 1));
        for (size_t j = 0; j < n; j++)
            glp_set_col_bnds(lp->p, col_of(j), GLP_LO, 0.0, 0.0);
    }
    return lp;
}

void ws_lp_free(struct ws_lp *lp)
{
    if (!lp)
        return;
    if (lp->p)
        glp_delete_prob(lp->p);
    free(lp->ind);
    free(lp->val);
    free(lp);
}

void ws_lp_set_bounds(struct ws_lp *lp, size_t j, double lo, double hi)
{
    int c = col_of(j);

    if (j >= lp->n)
        WS_BUG("LP variable index out of range");
    if (isinf(hi))
        glp_set_col_bnds(lp->p, c, GLP_LO, lo, 0.0);
    else if (hi <= lo)
        glp_set_col_bnds(lp->p, c, GLP_FX, lo, lo);
    else
        glp_set_col_bnds(lp->p, c, GLP_DB, lo, hi);
    lp->have_sol = false;
}

void ws_lp_add_row(struct ws_lp *lp, size_t n, const size_t *idx, const double *coef, double rhs)
{
    int r;

    if (n + 1 > lp->buf_cap) {
        lp->buf_cap = n + 1;
        lp->ind = ws_xrealloc(lp->ind, ws_st_mult(lp->buf_cap, sizeof(*lp->ind)));
        lp->val = ws_xrealloc(lp->val, ws_st_mult(lp->buf_cap, sizeof(*lp->val)));
    }
    for (size_t k = 0; k < n; k++) {
        if (idx[k] >= lp->n)
            WS_BUG("LP variable index out of range");
        lp->ind[k + 1] = col_of(idx[k]);
        lp->val[k + 1] = coef[k];
    }
    r = glp_add_rows(lp->p, 1);
    glp_set_row_bnds(lp->p, r, GLP_FX, rhs, rhs);
    if (n > 0)
        glp_set_mat_row(lp->p, r, (int)n, lp->ind, lp->val);
    lp->have_sol = false;
}

void ws_lp_set_row(struct ws_lp *lp, size_t i, size_t n, const size_t *idx, const double *coef,
                   double rhs)
{
    int r;

    if (i >= (size_t)glp_get_num_rows(lp->p))
        WS_BUG("LP row index out of range");
    r = (int)i + 1;
    if (n + 1 > lp->buf_cap) {
        lp->buf_cap = n + 1;
        lp->ind = ws_xrealloc(lp->ind, ws_st_mult(lp->buf_cap, sizeof(*lp->ind)));
        lp->val = ws_xrealloc(lp->val, ws_st_mult(lp->buf_cap, sizeof(*lp->val)));
    }
    for (size_t k = 0; k < n; k++) {
        if (idx[k] >= lp->n)
            WS_BUG("LP variable index out of range");
        lp->ind[k + 1] = col_of(idx[k]);
        lp->val[k + 1] = coef[k];
    }
    glp_set_mat_row(lp->p, r, (int)n, lp->ind, lp->val);
    glp_set_row_bnds(lp->p, r, GLP_FX, rhs, rhs);
    lp->have_sol = false;
}

size_t ws_lp_rows(const struct ws_lp *lp)
{
    return (size_t)glp_get_num_rows(lp->p);
}

static int run_simplex(struct ws_lp *lp)
{
    glp_smcp parm;
    int rc;

    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    parm.presolve = GLP_OFF;
    if (lp->solves == 0 && glp_get_num_rows(lp->p) > 0)
        glp_adv_basis(lp->p, 0); // a triangular start: far fewer pivots on big problems
    lp->solves++;
    rc = glp_simplex(lp->p, &parm);
    if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND || rc == GLP_EFAIL) {
        // a warm start gone stale: begin again from the standard basis
        glp_std_basis(lp->p);
        lp->solves++;
        rc = glp_simplex(lp->p, &parm);
    }
    return rc;
}

/* Runs the simplex with the objective already set and reads the result. */
static int solve(struct ws_lp *lp, bool maximise, double *value, struct ws_err *err)
{
    int rc;
    int status;

    glp_set_obj_dir(lp->p, maximise ? GLP_MAX : GLP_MIN);
    rc = run_simplex(lp);
    if (rc != 0) {
        ws_err_set(err, WS_EINTERNAL, "the audit's linear program could not be solved");
        ws_err_cause(err, "GLPK glp_simplex returned %d", rc);
        return WS_EINTERNAL;
    }
    status = glp_get_status(lp->p);
    switch (status) {
    case GLP_OPT:
        *value = glp_get_obj_val(lp->p);
        lp->have_sol = true;
        return WS_OK;
    case GLP_UNBND:
        *value = maximise ? INFINITY : -INFINITY;
        return WS_OK;
    default:
        ws_err_set(err, WS_EINTERNAL, "the audit's linear program has no feasible solution");
        ws_err_cause(err, "GLPK status %d", status);
        ws_err_hint(err, "the published relations do not hold for the true counts; this is a bug");
        return WS_EINTERNAL;
    }
}

static void clear_objective(struct ws_lp *lp)
{
    if (lp->obj > 0) {
        glp_set_obj_coef(lp->p, lp->obj, 0.0);
    } else if (lp->obj < 0) {
        for (size_t j = 0; j < lp->n; j++)
            glp_set_obj_coef(lp->p, col_of(j), 0.0);
    }
    lp->obj = 0;
}

int ws_lp_optimise(struct ws_lp *lp, size_t j, bool maximise, double *value, struct ws_err *err)
{
    int c = col_of(j);

    *value = NAN;
    lp->have_sol = false;
    if (j >= lp->n)
        WS_BUG("LP variable index out of range");
    if (lp->obj != c) {
        clear_objective(lp);
        glp_set_obj_coef(lp->p, c, 1.0);
        lp->obj = c;
    }
    return solve(lp, maximise, value, err);
}

int ws_lp_optimise_sum(struct ws_lp *lp, size_t n, const size_t *idx, const double *coef,
                       bool maximise, double *value, struct ws_err *err)
{
    *value = NAN;
    lp->have_sol = false;
    clear_objective(lp);
    for (size_t k = 0; k < n; k++) {
        if (idx[k] >= lp->n)
            WS_BUG("LP variable index out of range");
        glp_set_obj_coef(lp->p, col_of(idx[k]), coef[k]);
    }
    lp->obj = -1;
    return solve(lp, maximise, value, err);
}

double ws_lp_value(const struct ws_lp *lp, size_t i)
{
    if (!lp->have_sol || i >= lp->n)
        return NAN;
    return glp_get_col_prim(lp->p, col_of(i));
}

size_t ws_lp_solves(const struct ws_lp *lp)
{
    return lp ? lp->solves : 0;
}

void ws_lp_shutdown(void)
{
    (void)glp_free_env();
}

const char *ws_lp_glpk_version(void)
{
    return glp_version();
}
