/*
 * numerics.c - facts about GSL, the analysis stage's numerical library.
 */
#include "wijkscan/analyse/numerics.h"

#include <gsl/gsl_version.h>

const char *ws_numerics_gsl_version(void)
{
    return gsl_version;
}
