/*
 * analyse_store.h - the driver of the analyse stage: reads a loaded private
 * store into arrays, runs ws_analyse_run() (analyse.h, pure computation) and
 * writes its indicator rows to the store's raw table and statistics.json as
 * a store result.
 */
#ifndef WIJKSCAN_ANALYSE_STORE_H
#define WIJKSCAN_ANALYSE_STORE_H

#include "wijkscan/analyse/analyse.h"
#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/log.h"
#include "wijkscan/store/store.h"

/* Runs the stage on an open, writable store (call inside a transaction,
 * ws_store_begin; roll back on failure).  st supplies seed, weights,
 * permutations and fdr, and its covariates must be the store's (WS_EDATA with
 * a hint to re-run 'wijkscan load' otherwise); st may be NULL: then the
 * settings written by the load stage are used.  Data-quality findings
 * (islands, filled case cells, failed GLM fits) are appended to warnings
 * (may be NULL).  Returns WS_OK, ws_analyse_run()'s errors, WS_ENOINPUT when
 * the store holds no areas, or the store's errors. */
int ws_analyse_store(struct ws_store *s, const struct ws_study *st, struct ws_warnings *warnings,
                     struct ws_err *err);

/* The same with explicit options (NULL: WS_ANALYSE_OPTS_INIT). */
int ws_analyse_store_opts(struct ws_store *s, const struct ws_study *st,
                          const struct ws_analyse_opts *opts, struct ws_warnings *warnings,
                          struct ws_err *err);

#endif
