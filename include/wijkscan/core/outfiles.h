/*
 * outfiles.h - all-or-nothing output into OUTDIR, one run at a time.
 *
 * A run first takes OUTDIR (ws_outfiles_lock): it creates OUTDIR if needed
 * and the run's private folder OUTDIR/.wijkscan-run (mode 0700) holding the
 * lock file (the run's process id, locked with flock) and every temporary
 * file of the run.  A second run into the same OUTDIR fails at once
 * (WS_ECANTCREAT naming the first run's process id); the folder of a run
 * that was killed outright (SIGKILL, power loss) holds no live lock: the
 * next run takes it over, removes its temporary files and says so.
 *
 * A writer asks for the temporary path of OUTDIR/REL (e.g. "maps/rate.png"),
 * writes it, and the stage that owns the set calls ws_outfiles_commit() at
 * the very end or ws_outfiles_abort() on any error.  The commit creates the
 * final folders, renames every file into place and rolls all of it back
 * when one rename fails, so OUTDIR is either fully updated or as before.
 *
 * OUTDIR/.wijkscan-files lists (one relative path a line) every file that
 * wijkscan wrote there.  A commit removes the listed files that lie in the
 * set's scope (ws_outfiles_own) and that this run did not write: stale
 * outputs of an earlier run (e.g. the report folder of a gemeente that is no
 * longer in the study).  Files that are not listed (the user's own) are
 * never touched.
 *
 * ws_outfiles_signal_cleanup() lets a signal handler remove the run's
 * temporary files with async-signal-safe calls only.
 */
#ifndef WIJKSCAN_OUTFILES_H
#define WIJKSCAN_OUTFILES_H

#include "wijkscan/core/err.h"

#include <stdbool.h>
#include <stddef.h>

struct ws_outfile {
    char *rel;    /* REL */
    char *tmp;    /* OUTDIR/.wijkscan-run/N-NAME */
    char *final;  /* OUTDIR/REL */
    char *backup; /* the file it replaced, kept until the commit ends; NULL */
    bool renamed; /* renamed into place by the running commit */
};

struct ws_outfiles {
    char *dir;
    char *work;  /* OUTDIR/.wijkscan-run while locked, else NULL */
    int lock_fd; /* -1 unless locked */
    struct ws_outfile *files;
    size_t n, cap;
    char **made_dirs; /* folders created here, removed again on abort */
    size_t n_dirs, cap_dirs;
    char **scope; /* what this set owns (see ws_outfiles_own) */
    size_t n_scope, cap_scope;
    char *note;      /* what the lock did about an earlier run, or NULL */
    unsigned worker; /* in a worker process (jobs.h): its number, from 1 */
};

/* The name of the run's private folder and of the record inside OUTDIR. */
#define WS_OUTFILES_WORK   ".wijkscan-run"
#define WS_OUTFILES_RECORD ".wijkscan-files"

/* Starts an empty set for OUTDIR `dir` (not created yet). */
void ws_outfiles_init(struct ws_outfiles *o, const char *dir);
/* Takes OUTDIR for this run (see above).  WS_ECANTCREAT with a hint when
 * OUTDIR cannot be made or another run holds it.  When an earlier run's
 * leftovers were removed, o->note says so (the caller prints it). */
int ws_outfiles_lock(struct ws_outfiles *o, struct ws_err *err);
/* Declares part of OUTDIR as owned by this set: "maps/" (everything under
 * it), "." (every file directly in OUTDIR) or one relative path.  A commit
 * removes recorded files of earlier runs in that scope that it did not
 * write. */
void ws_outfiles_own(struct ws_outfiles *o, const char *scope);
/* Registers OUTDIR/rel and returns (borrowed, valid until release) the
 * temporary path to write instead; locks OUTDIR first when the set does not
 * hold it yet.  Registering the same rel twice returns the same temporary
 * path. */
int ws_outfiles_add(struct ws_outfiles *o, const char *rel, const char **tmp_path,
                    struct ws_err *err);
/* In worker process number `worker` (from 1, see jobs.h): the temporary
 * files it registers from now on get names of their own (w3-N-NAME), which
 * no other worker and no later registration in the parent uses. */
void ws_outfiles_set_worker(struct ws_outfiles *o, unsigned worker);
/* Renames every temporary file to its final name, records them in
 * OUTDIR/.wijkscan-files and removes stale outputs of earlier runs;
 * WS_ECANTCREAT when a folder or a rename fails, and then every file already
 * renamed is put back as it was. */
int ws_outfiles_commit(struct ws_outfiles *o, struct ws_err *err);
/* Removes every temporary file, the run's private folder and every folder
 * this set created (if empty), and releases the lock. */
void ws_outfiles_abort(struct ws_outfiles *o);
/* Removes the run's private folder if still there, releases the lock and
 * frees the set (does not touch published files). */
void ws_outfiles_release(struct ws_outfiles *o);

/* For a handler of SIGINT, SIGTERM and SIGHUP: removes the temporary files
 * and the private folder of the run that holds an OUTDIR, and the OUTDIR it
 * created (if empty).  Returns false when a commit is under way: the signal
 * is then raised again when the commit has ended, so the handler should just
 * return. */
bool ws_outfiles_signal_cleanup(int sig);

/* mkdir -p; WS_ECANTCREAT with a hint on failure.  Optionally records the
 * folders it created in o (may be NULL). */
int ws_mkdir_p(const char *path, struct ws_outfiles *o, struct ws_err *err);

/* Copies the file src to dst (created or truncated, readable by the owner
 * only: mode 0600 whatever the umask; it is meant for the private store).
 * WS_ENOINPUT when src cannot be read, WS_ECANTCREAT when dst cannot be
 * written. */
int ws_copy_file(const char *src, const char *dst, struct ws_err *err);

#endif
