/*
** study/run.c — the lifecycle of one stored run (see run.h): plan, begin
** or resume, execute, finish.
**
** Reproducibility: a trial depends only on (scenario, seed, trial index),
** and the runner hands results to the store in trial order, so the
** database is identical for any thread count or number of MPI ranks. Each
** stored chunk is one SQLite transaction; a stop keeps every finished
** trial and marks the run 'interrupted', and a resume continues it from
** the stored scenario text to its trial count.
*/
#include "study/run.h"
#include "study/exec.h"
#include "study/trials.h"
#include "drsim_version.h"   /* DRSIM_VERSION, generated at build time */
#include "sim/runner.h"
#include "reports/merge.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct study_run {
  const study_run_spec *spec;        /* new run; NULL when resumed */
  report_store *st;
  report_run *old;                   /* resumed: the stored run */
  model_scenario *own_sc;            /* resumed: rebuilt from the stored text */
  const model_scenario *sc;
  int claimed, executed;
  int64_t run_id;
  uint64_t seed, first, n, total;
  report_detail detail;
  uint64_t delivered;
  double elapsed;
  int interrupted;
  int finish_failed;
  report_error finish_err;
};

int study_run_parse_shard(const char *s, uint64_t *k, uint64_t *n) {
  char *end;
  errno = 0;
  if (!s || *s < '0' || *s > '9') return -1;
  unsigned long long a = strtoull(s, &end, 10);
  if (errno || *end != '/' || end[1] < '0' || end[1] > '9') return -1;
  unsigned long long b = strtoull(end + 1, &end, 10);
  if (errno || *end || a < 1 || b < 1 || a > b || b > 1000000) return -1;
  *k = a;
  *n = b;
  return 0;
}

/* ------------------------------------------------------------ new runs */

int study_run_new(const study_run_spec *spec, study_run **out, study_error *err) {
  *out = NULL;
  for (size_t i = 0; i < spec->n_overrides; i++)
    if (strchr(spec->overrides[i], '\n'))
      return study_fail(err, STUDY_EINPUT, "--set '%s' holds a line break; give one "
                        "PATH=VALUE per --set", spec->overrides[i]);
  uint64_t k = spec->shard_n ? spec->shard_k : 1, nn = spec->shard_n ? spec->shard_n : 1;
  study_run *r = calloc(1, sizeof *r);
  if (!r) return study_fail(err, STUDY_EIO, "out of memory");
  r->spec = spec;
  r->sc = spec->sc;
  r->seed = spec->seed_given ? spec->seed : spec->sc->seed;
  r->total = spec->trials_given ? spec->trials : spec->sc->trials;
  r->first = (k - 1) * r->total / nn;
  r->n = k * r->total / nn - r->first;
  if (r->n == 0) {
    uint64_t total = r->total;
    free(r);
    return study_fail(err, STUDY_EINPUT, "shard %llu/%llu of %llu trials is empty; use fewer "
                      "shards", (unsigned long long)k, (unsigned long long)nn,
                      (unsigned long long)total);
  }
  /* Only --detail steps keeps per-trial step, component and pool rows;
  ** auto (the default) and summary keep one compact row per trial and
  ** environment, and readers re-simulate the rest on demand (study/detail.h;
  ** up to REPORT_DETAIL_RESIM_MAX trials, where auto used to keep rows). */
  const char *d = spec->detail ? spec->detail : "auto";
  r->detail = !strcmp(d, "steps") ? REPORT_DETAIL_STEPS : REPORT_DETAIL_SUMMARY;
  *out = r;
  return STUDY_OK;
}

int study_run_begin(study_run *r, report_store *st, study_error *err) {
  const study_run_spec *spec = r->spec;
  r->st = st;
  if (!st || !spec) return STUDY_OK;
  report_run_info info;
  memset(&info, 0, sizeof info);
  info.scenario_text = spec->text;
  info.overrides = spec->overrides;
  info.n_overrides = spec->n_overrides;
  info.seed = r->seed;
  info.trials = r->n;
  info.first_trial = r->first;
  info.detail = spec->summary_only ? REPORT_DETAIL_SUMMARY : r->detail;
  info.threads = study_trials_threads(spec->threads);
  info.sweep_id = spec->sweep_id;
  info.point = spec->sweep_id || spec->point ? spec->point : -1;
  info.scenario_dir = spec->scenario_dir;
  char shard_text[48];
  if (spec->shard_n) {
    /* Provenance for drsim merge: which slice, and of how many trials. */
    snprintf(shard_text, sizeof shard_text, "%llu/%llu", (unsigned long long)spec->shard_k,
             (unsigned long long)spec->shard_n);
    info.shard = shard_text;
    info.total_trials = r->total;
  }
  report_error rerr;
  int rs = report_store_run_begin(st, &info, r->sc, &r->run_id, &rerr);
  if (rs != REPORT_OK)
    return study_fail(err, rs == REPORT_EINVAL ? STUDY_EINPUT : STUDY_EIO, "%s", rerr.text);
  return STUDY_OK;
}

int study_run_continue(const study_run_spec *spec, report_store *st, int64_t run_id,
                       uint64_t first, study_run **out, study_error *err) {
  study_run *r = calloc(1, sizeof *r);
  *out = r;
  if (!r) return study_fail(err, STUDY_EIO, "out of memory");
  r->spec = spec;
  r->st = st;
  r->sc = spec->sc;
  r->run_id = run_id;
  r->seed = spec->seed_given ? spec->seed : spec->sc->seed;
  r->total = spec->trials_given ? spec->trials : spec->sc->trials;
  r->first = first < r->total ? first : r->total;
  r->n = r->total - r->first;
  return STUDY_OK;
}

/* ------------------------------------------------------------ resume */

/* The checks on a stored run before it is claimed. */
static int resumable(const report_run *old, study_error *err) {
  if (old->status == REPORT_RUN_COMPLETE)
    return study_fail(err, STUDY_EINPUT, "run %lld is already complete (%llu trials); nothing "
                      "to resume", (long long)old->id, (unsigned long long)old->trials_done);
  if (old->program_version && strcmp(old->program_version, DRSIM_VERSION) != 0)
    return study_fail(err, STUDY_EINPUT, "run %lld was started by drsim %s, this is drsim %s; "
                      "results of different builds are not mixed: resume it with drsim %s, or "
                      "start a new run", (long long)old->id, old->program_version,
                      DRSIM_VERSION, old->program_version);
  if (!old->scenario_text)
    return study_fail(err, STUDY_EINPUT, "run %lld has no stored scenario text; it cannot be "
                      "resumed", (long long)old->id);
  return STUDY_OK;
}

/* The rebuilt scenario must be the stored one: same input files, and (when
** nothing was added) the same hash. */
static int same_model(const model_scenario *sc, const report_run *old, int check_hash,
                      study_error *err) {
  for (size_t i = 0; i < sc->n_inputs; i++)
    for (size_t j = 0; j < old->n_inputs; j++)
      if (!strcmp(sc->inputs[i].name, old->inputs[j].name) &&
          strcmp(sc->inputs[i].sha256, old->inputs[j].sha256) != 0)
        return study_fail(err, STUDY_EINPUT, "input file '%s' of run %lld has changed since the "
                          "run started (SHA-256 %.12s... then, %.12s... now); refusing to mix "
                          "two models: restore the file, or start a new run", sc->inputs[i].name,
                          (long long)old->id, old->inputs[j].sha256, sc->inputs[i].sha256);
  if (check_hash && strcmp(sc->text_hash, old->scenario_hash) != 0)
    return study_fail(err, STUDY_EINPUT, "the stored scenario of run %lld hashes to %s, not %s; "
                      "refusing to mix results", (long long)old->id, sc->text_hash,
                      old->scenario_hash);
  return STUDY_OK;
}

/* Rebuild the stored run's scenario from its text, overrides and the input
** files as pinned with the run: the stored copies, read from nowhere else;
** one not stored (too large) from the scenario's original folder, never
** the current directory, and checked. */
int study_run_load_scenario(const report_run *old, const char *const *extra, size_t n_extra,
                            const model_load_opts *opts, model_scenario **out,
                            model_diag **load_diag, study_error *err) {
  *out = NULL;
  if (load_diag) *load_diag = NULL;
  if (!old->scenario_text)
    return study_fail(err, STUDY_EINPUT, "run %lld has no stored scenario text",
                      (long long)old->id);
  model_input_file *pins = calloc(old->n_inputs + 1, sizeof *pins);
  const char **ovr = calloc(old->n_overrides + n_extra + 1, sizeof *ovr);
  if (!pins || !ovr) {
    free(pins);
    free(ovr);
    return study_fail(err, STUDY_EIO, "out of memory");
  }
  size_t n_pins = 0;
  for (size_t i = 0; i < old->n_inputs; i++) {
    if (!old->inputs[i].content) continue;
    pins[n_pins].name = old->inputs[i].name;
    snprintf(pins[n_pins].sha256, sizeof pins[n_pins].sha256, "%s", old->inputs[i].sha256);
    pins[n_pins].content = old->inputs[i].content;
    pins[n_pins].size = (size_t)old->inputs[i].size;
    n_pins++;
  }
  for (size_t i = 0; i < old->n_overrides; i++) ovr[i] = old->overrides[i];
  for (size_t i = 0; i < n_extra; i++) ovr[old->n_overrides + i] = extra[i];
  model_load_opts lo;
  if (opts) lo = *opts;
  else memset(&lo, 0, sizeof lo);
  lo.base_dir = old->scenario_dir ? old->scenario_dir : NULL;
  lo.pinned = pins;
  lo.n_pinned = n_pins;
  model_diag *diag = model_diag_new();
  char source[128];
  snprintf(source, sizeof source, "%s (run %lld)", old->scenario_name, (long long)old->id);
  model_scenario *sc = NULL;
  int lrc = diag ? model_scenario_load_string_opts(old->scenario_text, strlen(old->scenario_text),
                                                   source, ovr, old->n_overrides + n_extra, &lo,
                                                   &sc, diag)
                 : -1;
  free(pins);
  free(ovr);
  if (lrc) {
    model_scenario_free(sc);
    if (load_diag) *load_diag = diag;
    else model_diag_free(diag);
    return study_fail(err, STUDY_EINPUT,
                      n_extra ? "the stored scenario of run %lld does not load with these overrides"
                              : "the stored scenario of run %lld no longer loads",
                      (long long)old->id);
  }
  model_diag_free(diag);
  int status = same_model(sc, old, n_extra == 0, err);
  if (status != STUDY_OK) {
    model_scenario_free(sc);
    return status;
  }
  *out = sc;
  return STUDY_OK;
}

/* Claim the run first (a second --resume of a run that a live process
** executes is refused before it can touch anything), then check that it
** has no gaps: --resume only appends after the last trial. */
static int claim(study_run *r, study_error *err) {
  report_error rerr;
  const report_run *old = r->old;
  if (report_store_run_reopen(r->st, old->id, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  r->claimed = 1;
  int is_prefix = 1;
  if (report_store_run_prefix(r->st, old->id, &is_prefix, &rerr) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", rerr.text);
  if (!is_prefix)
    return study_fail(err, STUDY_EINPUT, "run %lld holds %llu trials with gaps between them (a "
                      "merge with --allow-gaps): --resume only appends after the last trial, so "
                      "it cannot fill them; run the missing shards and merge again",
                      (long long)old->id, (unsigned long long)old->trials_done);
  return STUDY_OK;
}

int study_run_resume(report_store *st, int64_t run_id, const model_load_opts *opts,
                     study_run **out, model_diag **load_diag, study_error *err) {
  *out = NULL;
  if (load_diag) *load_diag = NULL;
  study_run *r = calloc(1, sizeof *r);
  if (!r) return study_fail(err, STUDY_EIO, "out of memory");
  r->st = st;
  report_error rerr;
  int rs = report_store_run_get(st, run_id, &r->old, &rerr), status;
  if (rs != REPORT_OK)
    status = study_fail(err, rs == REPORT_ENOTFOUND ? STUDY_EINPUT : STUDY_EIO, "%s", rerr.text);
  else if ((status = resumable(r->old, err)) == STUDY_OK &&
           (status = claim(r, err)) == STUDY_OK)
    status = study_run_load_scenario(r->old, NULL, 0, opts, &r->own_sc, load_diag, err);
  if (status != STUDY_OK) {
    study_run_free(r);
    return status;
  }
  r->sc = r->own_sc;
  r->run_id = r->old->id;
  r->seed = r->old->seed;
  r->first = r->old->first_trial + r->old->trials_done;
  r->n = r->old->trials - r->old->trials_done;
  r->total = r->old->trials;
  r->detail = r->old->detail;
  *out = r;
  return STUDY_OK;
}

/* ------------------------------------------------------------ execute */

static char *strdup_local(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* A part an interrupted MPI run left beside its database (study/mpi.h). */
typedef struct leftover {
  char *path;
  uint64_t first, trials, done;
} leftover;

static int cmp_leftover(const void *a, const void *b) {
  const leftover *x = a, *y = b;
  return x->first < y->first ? -1 : x->first > y->first;
}

/* The parts DB.from<FIRST> beside a resumed run's database that hold
** trials of it (same scenario hash and seed, within its remaining range),
** by first trial. report_merge_absorb checks the rest (overrides, detail,
** version) and refuses any other. Returns how many (0 when none or out
** of memory). */
static size_t find_leftovers(const study_run *r, leftover **out) {
  *out = NULL;
  const char *db = report_store_path(r->st);
  const char *slash = strrchr(db, '/');
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - db) + (slash == db) : 1,
           slash ? db : ".");
  const char *base = slash ? slash + 1 : db;
  size_t bl = strlen(base), n = 0, cap = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".from", 5) != 0) continue;
    const char *digits = name + bl + 5;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits)) continue;
    char path[4400], hash[80];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint64_t first, trials, done, seed;
    report_error rerr;
    if (report_merge_part_info(path, &first, &trials, &done, &seed, hash, sizeof hash, &rerr) !=
            REPORT_OK ||
        seed != r->seed || strcmp(hash, r->old->scenario_hash) != 0 || done == 0 ||
        first < r->first || first + done > r->first + r->n)
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 8;
      leftover *g = realloc(*out, cap * sizeof *g);
      if (!g) break;
      *out = g;
    }
    (*out)[n] = (leftover){strdup_local(path), first, trials, done};
    if ((*out)[n].path) n++;
  }
  closedir(d);
  if (n) qsort(*out, n, sizeof **out, cmp_leftover);
  return n;
}

int study_run_execute(study_run *r, const study_run_exec_opts *o, study_error *err) {
  study_exec x;
  memset(&x, 0, sizeof x);
  x.sc = r->sc;
  x.scenario_text = r->old ? r->old->scenario_text : r->spec->text;
  x.overrides = r->old ? (const char *const *)r->old->overrides : r->spec->overrides;
  x.n_overrides = r->old ? r->old->n_overrides : r->spec->n_overrides;
  x.seed = r->seed;
  x.first_trial = r->first;
  x.n_trials = r->n;
  x.store = r->st;
  x.run_id = r->run_id;
  if (o) {
    x.threads = o->threads;
    x.stop_flag = o->stop_flag;
    x.progress = o->progress;
    x.progress_ctx = o->progress_ctx;
    x.observe = o->observe;
    x.observe_ctx = o->observe_ctx;
  }
  r->executed = 1;
  int rr = SIM_RUNNER_OK;
  leftover *lo = NULL;
  size_t n_lo = r->old && r->st && r->n ? find_leftovers(r, &lo) : 0;
  if (n_lo) {
    /* An interrupted MPI run: absorb the parts its ranks left beside the
    ** database, computing only the gaps between them. */
    uint64_t cur = r->first, end = r->first + r->n;
    for (size_t i = 0; rr == SIM_RUNNER_OK && cur < end; i++) {
      uint64_t next = i < n_lo ? lo[i].first : end;
      if (next < cur) continue;   /* stale: overlaps what is stored */
      if (next > cur) {
        x.first_trial = cur;
        x.n_trials = next - cur;
        rr = study_exec_go(&x);
        r->delivered += x.delivered;
        r->elapsed += x.elapsed_s;
        cur += x.delivered;
      }
      if (rr != SIM_RUNNER_OK || i >= n_lo) continue;
      uint64_t got = 0;
      if (report_merge_absorb(report_store_path(r->st), r->run_id, lo[i].path, &got,
                              &x.err) != REPORT_OK) {
        x.store_failed = 1;
        rr = SIM_RUNNER_ESINK;
        continue;
      }
      study_run_remove_db(lo[i].path);
      r->delivered += got;
      cur += got;
    }
  } else {
    rr = r->n ? study_exec_go(&x) : SIM_RUNNER_OK;
    r->delivered = x.delivered;
    r->elapsed = x.elapsed_s;
  }
  for (size_t i = 0; i < n_lo; i++) free(lo[i].path);
  free(lo);
  report_run_status final = study_exec_final(rr, x.store_failed);
  r->interrupted = final == REPORT_RUN_INTERRUPTED;
  if (r->st && report_store_run_finish(r->st, r->run_id, final, &r->finish_err) != REPORT_OK)
    r->finish_failed = 1;
  if (rr == SIM_RUNNER_OK) return STUDY_OK;
  if (rr == SIM_RUNNER_INTERRUPTED) return STUDY_INTERRUPTED;
  if (x.store_failed)
    return study_fail(err, STUDY_EIO, "%s (the %llu trials stored before it are kept)",
                      x.err.text, (unsigned long long)x.delivered);
  return study_fail(err, STUDY_EIO, "%s", sim_runner_strerror(rr));
}

const model_scenario *study_run_scenario(const study_run *r) { return r->sc; }
int64_t study_run_id(const study_run *r) { return r->run_id; }
uint64_t study_run_seed(const study_run *r) { return r->seed; }
uint64_t study_run_first_trial(const study_run *r) { return r->first; }
uint64_t study_run_trials(const study_run *r) { return r->n; }
uint64_t study_run_delivered(const study_run *r) { return r->delivered; }
double study_run_elapsed(const study_run *r) { return r->elapsed; }
int study_run_interrupted(const study_run *r) { return r->interrupted; }

const char *study_run_finish_error(const study_run *r) {
  return r->finish_failed ? r->finish_err.text : NULL;
}

void study_run_free(study_run *r) {
  if (!r) return;
  if (r->claimed && !r->executed && r->st) {
    /* Claimed for --resume but refused before running: give it back. */
    report_error rerr;
    report_store_run_finish(r->st, r->old->id, r->old->status == REPORT_RUN_RUNNING
                                                   ? REPORT_RUN_INTERRUPTED : r->old->status,
                            &rerr);
  }
  report_store_run_free(r->old);
  model_scenario_free(r->own_sc);
  free(r);
}

/* ------------------------------------------------------------ temporary databases */

static const char *temp_dir(void) {
  const char *d = getenv("TMPDIR");
  return d && *d ? d : "/tmp";
}

int study_run_temp_db(char *buf, size_t n, study_error *err) {
  if ((size_t)snprintf(buf, n, "%s/drsim-nostore-XXXXXX", temp_dir()) >= n) {
    buf[0] = '\0';
    return study_fail(err, STUDY_EIO, "cannot create a temporary database in %s: %s",
                      temp_dir(), strerror(ENAMETOOLONG));
  }
  int fd = mkstemp(buf);
  if (fd < 0) {
    int e = errno;
    buf[0] = '\0';
    return study_fail(err, STUDY_EIO, "cannot create a temporary database in %s: %s",
                      temp_dir(), strerror(e));
  }
  close(fd);
  return STUDY_OK;
}

void study_run_remove_db(const char *path) {
  char side[4200];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
}
