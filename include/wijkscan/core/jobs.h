/*
 * jobs.h - independent tasks (the atlas of one gemeente, one map
 * definition) run by forked worker processes, their results taken in task
 * order.
 *
 * ws_jobs_run() runs tasks 0..n-1 of one function.  With one job (or one
 * task) it simply calls them in turn.  Otherwise it forks up to ws_jobs_get()
 * workers that take the next task from a shared counter, in task order or,
 * with ws_jobs_run_sized(), the largest task first: a large task started
 * last would keep one worker busy while the others have nothing left to do.  A task writes its
 * files through the outfiles set it is given (ws_outfiles_add) and may add
 * warnings and log lines; a worker's files get temporary names of its own,
 * and when every worker has finished the parent registers every file in
 * task order and renames it to the temporary name a run with one job would
 * have given it.  Warnings and log lines are replayed in task order too, so
 * the outputs, the warnings and the logged lines are the same whatever the
 * number of jobs.  Only the parent prints.
 *
 * A failing task stops the workers (no new task is started); the error of
 * the first failing task (in task order, of the tasks that ran) is returned, and a worker that
 * died without reporting is an internal error.  The caller's outfiles set
 * then holds the workers' temporary files in its private folder, which
 * ws_outfiles_abort() clears.  A signal reaching the parent kills and reaps
 * the workers first (ws_jobs_signal_stop) so that nothing is written after
 * the private folder is removed; a worker dies with its parent.
 */
#ifndef WIJKSCAN_JOBS_H
#define WIJKSCAN_JOBS_H

#include "wijkscan/core/err.h"

#include <stddef.h>

struct ws_outfiles;
struct ws_warnings;

/* The most worker processes a run uses. */
#define WS_JOBS_MAX 64

/* One task: writes its files through out, adds warnings to warn (NULL when
 * the caller takes none). */
typedef int (*ws_job_fn)(size_t task, void *ctx, struct ws_outfiles *out, struct ws_warnings *warn,
                         struct ws_err *err);

/* The number of jobs: 0 (the default) is the number of online cores;
 * anything above WS_JOBS_MAX is WS_JOBS_MAX. */
void ws_jobs_set(unsigned n);
unsigned ws_jobs_get(void);

/* Runs tasks 0..n_tasks-1 (see above); `what` names a task in the progress
 * line ("atlas" gives "atlas 3 of 342"). */
int ws_jobs_run(const char *what, size_t n_tasks, ws_job_fn fn, void *ctx, struct ws_outfiles *out,
                struct ws_warnings *warn, struct ws_err *err);

/* The same with each task's size (any unit: rows, areas); the workers start
 * the tasks in the order ws_jobs_order() gives.  The outputs are taken in
 * task order all the same. */
int ws_jobs_run_sized(const char *what, size_t n_tasks, const size_t *size, ws_job_fn fn, void *ctx,
                      struct ws_outfiles *out, struct ws_warnings *warn, struct ws_err *err);

/* The order in which workers start n tasks of the given sizes: order[k] is
 * the task started k-th; the largest first, equal sizes in task order. */
void ws_jobs_order(const size_t *size, size_t n, size_t *order);

/* For a signal handler: kills and reaps the running workers with
 * async-signal-safe calls only. */
void ws_jobs_signal_stop(void);

#endif
