/*
 * load.h - the load stage: read, validate, and hand rows to the store.
 *
 * ws_load_read() reads the boundaries, statistics and case tables named by a
 * study, applies every input rule (README: Your own municipality) and returns
 * plain rows; it writes nothing (this is what `wijkscan check` runs).
 * ws_load_write() puts a
 * validated dataset into a new SpatiaLite store in OUTDIR, inside one
 * transaction, under a temporary name renamed at the end.
 */
#ifndef WIJKSCAN_LOAD_H
#define WIJKSCAN_LOAD_H

#include "wijkscan/core/conf.h"
#include "wijkscan/core/err.h"
#include "wijkscan/core/model.h"

/* Reads and validates everything the study names.  On failure ds holds no
 * rows and err says what, where (FILE:LINE, column) and how to fix it. */
int ws_load_read(const struct ws_study *st, struct ws_dataset *ds, struct ws_err *err);

/* Writes ds into OUTDIR/wijkscan.sqlite (created or replaced atomically),
 * including wijk and gemeente areas (unions of their buurten), the inputs with
 * their SHA-256 and a run record.  On failure nothing is left behind. */
int ws_load_write(const struct ws_study *st, const struct ws_dataset *ds, const char *out_dir,
                  struct ws_err *err);

#endif
