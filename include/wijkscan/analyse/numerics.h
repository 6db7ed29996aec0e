/*
 * numerics.h - facts about the numerical library (GSL) the analysis uses.
 */
#ifndef WIJKSCAN_NUMERICS_H
#define WIJKSCAN_NUMERICS_H

/* The GSL version in use (static string). */
const char *ws_numerics_gsl_version(void);

#endif
