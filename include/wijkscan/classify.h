/*
 * classify.h - class breaks for choropleth maps (pure; checked against R
 * classInt).
 *
 * Input values may contain NAN (missing, suppressed): they are ignored.
 * Breaks are returned as n_classes + 1 ascending numbers b[0] <= ... <= b[k]
 * with b[0] = min and b[k] = max of the finite values (box maps: the fences,
 * see below).  A value v belongs to class i when b[i] < v <= b[i+1], and the
 * first class also holds v == b[0] (classInt's intervalClosure = "right",
 * include.lowest = TRUE).  Ties: quantile breaks that coincide are merged, so
 * fewer classes may come back; *n_out says how many.
 */
#ifndef WIJKSCAN_CLASSIFY_H
#define WIJKSCAN_CLASSIFY_H

#include <stddef.h>

#include "wijkscan/err.h"

enum ws_class_method {
    WS_CLASS_QUANTILE = 0, /* classInt style = "quantile" (R quantile type 7) */
    WS_CLASS_EQUAL,        /* style = "equal" */
    WS_CLASS_JENKS,        /* Fisher-Jenks optimal breaks, style = "fisher" */
    WS_CLASS_BOX,          /* box map: hinge 1.5 (GeoDa): 6 classes */
    WS_CLASS_FIXED,        /* breaks given by the user */
};

/* "quantile" "equal" "jenks" "box" "fixed" -> method; -1 if unknown. */
int ws_class_method_parse(const char *name);
const char *ws_class_method_name(enum ws_class_method m);

/* Computes breaks for `n_classes` classes (box: always 6, see the .c file).
 * `fixed` (n_fixed values) is used only for WS_CLASS_FIXED.  `breaks` must
 * hold n_classes + 1 doubles (box: 7).  Fewer than 1 finite value, or
 * n_classes < 1, is WS_EDATA with a message. */
int ws_classify(const double *values, size_t n, enum ws_class_method method, size_t n_classes,
                const double *fixed, size_t n_fixed, double *breaks, size_t *n_out,
                struct ws_err *err);

/* The class of v for breaks b[0..n_classes] (rule above), or -1 for NAN or a
 * value outside [b[0], b[n]]. */
int ws_class_of(double v, const double *breaks, size_t n_classes);

#endif
