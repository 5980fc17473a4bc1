/*
** tests/support/report_fixture.h — the hand-built scenario and deterministic
** trial records that the report tests (tests/test_report_*.c) check their
** numbers against, plus the temporary-directory helpers they use. The
** expected values in those tests are worked out by hand from what is
** written here, so changing any number below changes their answers.
**
** Disaster fixture: two environments, production (RTO 4h, RPO 15m,
** availability 99.9 %) with a workflow approve (manual) -> scale-up (pool
** aks-prod-dr) -> restore, and staging (RTO 8h, no RPO objective) with one
** step restore. Components: sql-prod (production, async), blob (shared,
** periodic), app (staging, none). One pool: aks-prod-dr (production, 1 warm
** of 5, 3 to serve, 0.50/h).
**
** Lifetime fixture: the same scenario turned into a one-year lifetime run
** of FIXTURE_LT_TRIALS trials. Regions eastus (primary) and westus2;
** disaster: region-outage of eastus at 1/10y. sql-prod fails (exponential,
** mean 720 h; repair exponential, mean 2 h) t % 3 times in trial t, each
** down 1 h, all of it production downtime; the shared blob (constant
** 1000 h / 1 h) fails once a trial, down 2 h in both environments; app
** never fails. Disaster incidents (both environments): one in trials 0, 5
** and 15, six in trial 10 (four itemised), each with RTO 2 h, RPO 10 min
** and a 30 min failback.
**
** The functions check their own steps with cmocka assertions, so they are
** to be called from inside a cmocka test only.
*/
#ifndef DRSIM_TESTS_SUPPORT_REPORT_FIXTURE_H
#define DRSIM_TESTS_SUPPORT_REPORT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "models/scenario.h"
#include "reports/store.h"
#include "reports/summary.h"
#include <stdio.h>

/* Lifetime fixture: the horizon (one year, seconds) and the trial count. */
#define FIXTURE_LT_H (365.0 * 86400.0)
#define FIXTURE_LT_TRIALS 20

/* The scenario and the arrays it points into; not opaque because the tests
** change single fields (names, objectives, modes) to build their variants. */
typedef struct fixture {
  model_environment envs[2];
  model_step steps_prod[3], steps_stg[1];
  model_workflow wf[2];
  model_component comps[3];
  model_standby pools[1];
  model_scenario sc;
} fixture;

/* Fill *f with the disaster fixture (see the file comment): name
** "fixture", seed 42, 100 trials, disaster mode. f->sc points into *f, so
** *f must not be copied or moved while f->sc is in use. Strings are string
** literals: nothing to free. */
void fixture_init(fixture *f);

/* Write the record of trial t of the disaster fixture into rec (at least
** model_outcome_size(sc) bytes), sc being f->sc after fixture_init.
** Production is not recovered when t % 10 == 9 (restore fails), else
** RTO = 3600 + 10 t; its RPO is (t % 7) minutes (set by sql-prod).
** Staging: RTO 7200, RPO 30 s (set by the shared blob). */
void fixture_fill(const model_scenario *sc, void *rec, uint64_t t);

/* The n records of trials first, first + 1, ... (fixture_fill) in one
** malloc'ed buffer the caller frees with free(); never NULL, also for
** n == 0. */
void *fixture_records(const model_scenario *sc, uint64_t first, size_t n);

/* Store in st a complete run of `trials` disaster-fixture trials, appended
** in chunks of 37, with `detail`, seed 42, two overrides and 2 threads.
** Returns the run id; a store error fails the current test. */
int64_t fixture_run(report_store *st, const model_scenario *sc, uint64_t trials,
                    report_detail detail);

/* Turn the disaster fixture *f (after fixture_init) into the lifetime
** fixture (see the file comment). The regions it sets are shared by all
** callers of one program and must not be modified. */
void fixture_lifetime_init(fixture *f);

/* Write the record of trial t of the lifetime fixture into rec (at least
** model_outcome_size(sc) bytes), sc being f->sc after
** fixture_lifetime_init. */
void fixture_lifetime_fill(const model_scenario *sc, void *rec, uint64_t t);

/* Store in st the complete lifetime run (FIXTURE_LT_TRIALS trials, chunks
** of 7) with `detail`, seed 7, 1 thread. Returns the run id; a store error
** fails the current test. */
int64_t fixture_lifetime_run(report_store *st, const model_scenario *sc,
                             report_detail detail);

/* A fresh temporary directory (under /tmp) for databases and files, as a
** malloc'ed path; remove it with fixture_tmpdir_remove. */
char *fixture_tmpdir_new(void);

/* Remove dir and everything in it, then free the path. */
void fixture_tmpdir_remove(char *dir);

/* The set-up most report tests share: a new store (file `name`) in a fresh
** temporary directory holding one run of sc (after fixture_init: a disaster
** run of `trials` trials, fixture_run; after fixture_lifetime_init: the
** lifetime run, fixture_lifetime_run, trials ignored) with `detail`, and
** the run's summary. */
typedef struct fixture_db {
  char *dir;
  char path[512];
  report_store *st;
  int64_t id;
  report_summary *s;
} fixture_db;

void fixture_db_open(fixture_db *d, const char *name, const model_scenario *sc,
                     uint64_t trials, report_detail detail);

/* Free the summary, close the store and remove the directory. */
void fixture_db_close(fixture_db *d);

/* What a summary writer prints for s, as a malloc'ed string (the writer
** must return REPORT_OK). */
char *fixture_capture(int (*fn)(FILE *, const report_summary *, report_error *),
                      const report_summary *s);

#endif
