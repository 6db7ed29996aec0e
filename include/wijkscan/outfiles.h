/*
 * outfiles.h - all-or-nothing output: every published file is written under a
 * temporary name and renamed only when the whole run succeeded.
 *
 * A writer asks for the temporary path of OUTDIR/REL (e.g. "maps/rate.png"),
 * writes it, and the stage that owns the set calls ws_outfiles_commit() at
 * the very end (renames every file into place) or ws_outfiles_abort() on any
 * error (removes every temporary file and the folders it created), so bad
 * input never leaves half-written output.
 */
#ifndef WIJKSCAN_OUTFILES_H
#define WIJKSCAN_OUTFILES_H

#include "wijkscan/err.h"

#include <stddef.h>

struct ws_outfile {
    char *tmp;   /* OUTDIR/REL_DIR/.NAME.tmp-PID */
    char *final; /* OUTDIR/REL */
};

struct ws_outfiles {
    char *dir;
    struct ws_outfile *files;
    size_t n, cap;
    char **made_dirs; /* folders created here, removed again on abort */
    size_t n_dirs, cap_dirs;
};

/* Starts an empty set for OUTDIR `dir` (not created yet). */
void ws_outfiles_init(struct ws_outfiles *o, const char *dir);
/* Registers OUTDIR/rel and returns (borrowed, valid until release) the
 * temporary path to write instead; creates OUTDIR and sub-folders as needed
 * (WS_ECANTCREAT with a hint on failure).  Registering the same rel twice
 * returns the same temporary path. */
int ws_outfiles_add(struct ws_outfiles *o, const char *rel, const char **tmp_path,
                    struct ws_err *err);
/* Renames every temporary file to its final name (WS_ECANTCREAT on failure;
 * files already renamed stay). */
int ws_outfiles_commit(struct ws_outfiles *o, struct ws_err *err);
/* Removes every temporary file and every folder this set created (if empty). */
void ws_outfiles_abort(struct ws_outfiles *o);
/* Frees the set (does not touch files). */
void ws_outfiles_release(struct ws_outfiles *o);

/* mkdir -p; WS_ECANTCREAT with a hint on failure.  Optionally records the
 * folders it created in o (may be NULL). */
int ws_mkdir_p(const char *path, struct ws_outfiles *o, struct ws_err *err);

/* Copies the file src to dst (created or truncated, readable by the owner
 * only: mode 0600 whatever the umask; it is meant for the private store).  WS_ENOINPUT when src
 * cannot be read, WS_ECANTCREAT when dst cannot be written. */
int ws_copy_file(const char *src, const char *dst, struct ws_err *err);

#endif
