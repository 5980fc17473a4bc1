/*
** study/explain_run.c — re-simulating a stored run and its counterfactuals
** for `drsim explain` (see explain_run.h).
*/
#include "study/explain_run.h"

#include "models/outcome.h"
#include "models/units.h"
#include "sim/runner.h"
#include "study/exec.h"
#include "study/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct study_explain_run {
  const study_explain_spec *spec;
  report_store *st;
  report_run *run;
  model_scenario *sc;
  model_scenario **cf_sc;   /* the counterfactuals' scenarios: the analysis reads them */
  size_t n_cf, max_cf;
  study_explain *x;
  double *cols[2];          /* stored rto_s, rpo_s */
};

/* What one simulation feeds: the run itself (checked) or a counterfactual. */
typedef struct feed {
  study_explain *x;
  const model_scenario *sc;
  size_t env;
  long whatif;             /* -1: the run itself */
  const double *rto, *rpo; /* stored, for the run itself */
  uint64_t first;
  uint64_t mismatch;       /* first trial that did not reproduce + 1 (0: none) */
  double want, got;
} feed;

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int observe(void *ctx, uint64_t first, size_t n, const void *records) {
  feed *f = ctx;
  if (f->whatif < 0) {
    size_t size = model_outcome_size(f->sc);
    for (size_t r = 0; r < n && !f->mismatch; r++) {
      model_trial_view v = model_outcome_view(f->sc, (unsigned char *)records + r * size);
      size_t t = (size_t)(first + r - f->first);
      const model_env_outcome *o = &v.env[f->env];
      /* The store keeps infinite RTO/RPO as NULL, read back as +inf. */
      double rto = o->rto_s, rpo = o->rpo_s;
      if (!same(rto, f->rto[t])) {
        f->mismatch = first + r + 1, f->want = f->rto[t], f->got = rto;
      } else if (!same(rpo, f->rpo[t])) {
        f->mismatch = first + r + 1, f->want = f->rpo[t], f->got = rpo;
      }
    }
    if (f->mismatch) return -1;
    return study_explain_add(f->x, first, n, records);
  }
  return study_explain_whatif_add(f->x, (size_t)f->whatif, first, n, records);
}

/* A stored or simulated value for a message: "never" for +inf. */
static const char *dur(double s, char *buf, size_t n) {
  if (isnan(s)) snprintf(buf, n, "n/a");
  else if (isinf(s)) snprintf(buf, n, "never");
  else model_units_format_duration(s, buf, n);
  return buf;
}

/* The stored run's trials (seed, trial indexes) simulated on sc, each chunk
** to observe. Returns a SIM_RUNNER_* status. */
static int run_trials(const model_scenario *sc, const report_run *run, unsigned threads,
                      volatile sig_atomic_t *stop,
                      int (*observe_fn)(void *, uint64_t, size_t, const void *), void *ctx) {
  study_exec x;
  memset(&x, 0, sizeof x);
  x.sc = sc;
  x.seed = run->seed;
  x.first_trial = run->first_trial;
  x.n_trials = run->trials_done;
  x.threads = threads;
  x.stop_flag = stop;
  x.observe = observe_fn;
  x.observe_ctx = ctx;
  return x.n_trials ? study_exec_go(&x) : SIM_RUNNER_OK;
}

/* The run's trials of sc, into f. */
static int simulate(const study_explain_run *r, const model_scenario *sc, feed *f,
                    study_error *err) {
  const report_run *run = r->run;
  f->sc = sc;
  f->first = run->first_trial;
  int rr = run_trials(sc, run, r->spec->threads, r->spec->stop_flag, observe, f);
  if (rr == SIM_RUNNER_INTERRUPTED) return STUDY_INTERRUPTED;
  if (f->mismatch) {
    char a[48], b[48];
    return study_fail(err, STUDY_EINPUT, "trial %llu of run %lld does not reproduce (stored %s, "
                      "simulated %s): the model changed since the run (its drsim was %s); run "
                      "the scenario again with this build and explain that run",
                      (unsigned long long)(f->mismatch - 1), (long long)run->id,
                      dur(f->want, a, sizeof a), dur(f->got, b, sizeof b),
                      run->program_version ? run->program_version : "unknown");
  }
  if (rr != SIM_RUNNER_OK)
    return study_fail(err, STUDY_EIO, "simulation failed: %s", sim_runner_strerror(rr));
  return STUDY_OK;
}

/* The run's scenario with extra overrides after its own; its diagnostics
** to the spec's callback. */
static int load(const study_explain_run *r, const char *const *extra, size_t n_extra,
                model_scenario **out, study_error *err) {
  model_diag *diag = NULL;
  int rc = study_run_load_scenario(r->run, extra, n_extra, r->spec->load_opts, out, &diag, err);
  if (diag && r->spec->on_diag) r->spec->on_diag(r->spec->diag_ctx, diag);
  model_diag_free(diag);
  return rc;
}

/* One counterfactual: load, begin, simulate, finish. */
static int whatif(study_explain_run *r, const char *label, const char *const *ovr, size_t n_ovr,
                  study_error *err) {
  model_scenario *sc = NULL;
  int rc = load(r, ovr, n_ovr, &sc, err);
  if (rc != STUDY_OK) return rc;
  r->cf_sc[r->n_cf++] = sc;   /* the analysis reads it until the output is written */
  size_t k;
  int xr = study_explain_whatif_begin(r->x, sc, label, ovr, n_ovr, &k);
  if (xr != STUDY_EXPLAIN_OK)
    return xr == STUDY_EXPLAIN_ENOMEM
               ? study_fail(err, STUDY_EIO, "out of memory")
               : study_fail(err, STUDY_EINPUT, "the counterfactual '%s' has no such environment",
                            label);
  feed fd = {.x = r->x, .whatif = (long)k};
  rc = simulate(r, sc, &fd, err);
  if (rc == STUDY_OK && study_explain_whatif_finish(r->x, k) != STUDY_EXPLAIN_OK)
    return study_fail(err, STUDY_EIO, "internal error: counterfactual '%s' incomplete", label);
  return rc;
}

/* The stored run: the newest or the one asked for, with consecutive trials. */
static int open_run(study_explain_run *r, study_error *err) {
  const study_explain_spec *s = r->spec;
  report_error re;
  if (report_store_open(s->db_path, REPORT_STORE_READONLY, &r->st, &re) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", re.text);
  int64_t id = s->run_id;
  if (!s->run_given && report_store_latest_run(r->st, &id, &re) != REPORT_OK)
    return study_fail(err, STUDY_EINPUT, "%s", re.text);
  int rs = report_store_run_get(r->st, id, &r->run, &re);
  if (rs != REPORT_OK)
    return study_fail(err, rs == REPORT_ENOTFOUND ? STUDY_EINPUT : STUDY_EIO, "%s", re.text);
  int is_prefix = 1;
  if (report_store_run_prefix(r->st, id, &is_prefix, &re) != REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", re.text);
  if (!is_prefix)
    return study_fail(err, STUDY_EINPUT, "run %lld holds trials with gaps between them (a merge "
                      "with --allow-gaps); explain needs consecutive trials", (long long)id);
  return STUDY_OK;
}

/* The analysis of the run itself: its scenario, its trials simulated again
** and checked against the stored RTO and RPO. */
static int explain_run(study_explain_run *r, study_error *err) {
  const study_explain_spec *s = r->spec;
  const report_run *run = r->run;
  int rc = load(r, NULL, 0, &r->sc, err);
  if (rc != STUDY_OK) return rc;
  char msg[512];
  int xr = study_explain_new(r->sc, s->env, s->metric, run->first_trial, run->trials_done, &r->x,
                             msg, sizeof msg);
  if (xr != STUDY_EXPLAIN_OK)
    return xr == STUDY_EXPLAIN_ENOMEM ? study_fail(err, STUDY_EIO, "out of memory")
                                      : study_fail(err, STUDY_EINPUT, "%s", msg);
  const char *names[] = {"rto_s", "rpo_s"};
  size_t n_stored = 0;
  report_error re;
  if (report_store_trial_columns(r->st, run->id, s->env, names, 2, r->cols, &n_stored, &re) !=
      REPORT_OK)
    return study_fail(err, STUDY_EIO, "%s", re.text);
  if (n_stored != run->trials_done)
    return study_fail(err, STUDY_EINPUT, "run %lld: %zu stored rows for %s, %llu trials",
                      (long long)run->id, n_stored, s->env, (unsigned long long)run->trials_done);
  feed base = {.x = r->x, .whatif = -1, .rto = r->cols[0], .rpo = r->cols[1],
               .env = (size_t)model_scenario_find_environment(r->sc, s->env)};
  if ((rc = simulate(r, r->sc, &base, err)) != STUDY_OK) return rc;
  if (study_explain_finish(r->x) != STUDY_EXPLAIN_OK)
    return study_fail(err, STUDY_EIO, "out of memory");
  return STUDY_OK;
}

/* --what-if: the top removable conditions one by one, then all together. */
static int remove_top(study_explain_run *r, study_error *err) {
  const char *all[2 * STUDY_EXPLAIN_RUN_MAX_WHATIF * 2];
  size_t n_all = 0, n_removed = 0;
  char label_all[1024] = "";
  size_t count = study_explain_count(r->x), limit = r->spec->top ? r->spec->top : count;
  for (size_t i = 0; i < count && i < limit && n_removed < STUDY_EXPLAIN_RUN_MAX_WHATIF; i++) {
    const study_explain_condition *k = study_explain_get(r->x, i);
    if (!k->n_overrides || !(k->contribution > 0)) continue;
    char label[512];
    snprintf(label, sizeof label, "without: %s", k->name);
    int rc = whatif(r, label, k->overrides, k->n_overrides, err);
    if (rc != STUDY_OK) return rc;
    for (size_t j = 0; j < k->n_overrides && n_all < sizeof all / sizeof *all; j++)
      all[n_all++] = k->overrides[j];
    size_t len = strlen(label_all);
    snprintf(label_all + len, sizeof label_all - len, "%s%zu", n_removed ? ", " : "without ranks ",
             i + 1);
    n_removed++;
  }
  if (n_removed <= 1) return STUDY_OK;
  size_t len = strlen(label_all);
  snprintf(label_all + len, sizeof label_all - len, " together");
  return whatif(r, label_all, all, n_all, err);
}

int study_explain_run_go(const study_explain_spec *spec, study_explain_run **out,
                         study_error *err) {
  *out = NULL;
  if (err) err->text[0] = '\0';
  study_explain_run *r = calloc(1, sizeof *r);
  if (!r) return study_fail(err, STUDY_EIO, "out of memory");
  r->spec = spec;
  *out = r;
  int rc = open_run(r, err);
  if (rc == STUDY_OK) rc = explain_run(r, err);
  if (rc != STUDY_OK) return rc;
  r->max_cf = STUDY_EXPLAIN_RUN_MAX_WHATIF + 1 + spec->n_tries;
  if (!(r->cf_sc = calloc(r->max_cf, sizeof *r->cf_sc)))
    return study_fail(err, STUDY_EIO, "out of memory");
  if (spec->what_if && (rc = remove_top(r, err)) != STUDY_OK) return rc;
  for (size_t i = 0; i < spec->n_tries; i++) {
    if (!strchr(spec->tries[i], '='))
      return study_fail(err, STUDY_EINPUT, "--try '%s' is not PATH=VALUE", spec->tries[i]);
    char label[512];
    snprintf(label, sizeof label, "with %s", spec->tries[i]);
    if ((rc = whatif(r, label, &spec->tries[i], 1, err)) != STUDY_OK) return rc;
  }
  return STUDY_OK;
}

const study_explain *study_explain_run_analysis(const study_explain_run *r) { return r->x; }

const report_run *study_explain_run_stored(const study_explain_run *r) { return r->run; }

void study_explain_run_free(study_explain_run *r) {
  if (!r) return;
  study_explain_free(r->x);
  for (size_t i = 0; i < r->n_cf; i++) model_scenario_free(r->cf_sc[i]);
  free(r->cf_sc);
  free(r->cols[0]);
  free(r->cols[1]);
  model_scenario_free(r->sc);
  report_store_run_free(r->run);
  report_store_close(r->st);
  free(r);
}

/* ------------------------------------------------------------ report leads */

#define LEAD_MAX 64   /* environments x objectives analysed, at most */

typedef struct lead_feed {
  study_explain *x[LEAD_MAX];
  size_t n;
  const model_scenario *sc;
  double **rto;          /* [n_environments] stored, NULL: not read */
  uint64_t first;
  int mismatch;
  long whatif;           /* < 0: feed the run to every x; else x[target] */
  size_t target;
  size_t whatif_index;
} lead_feed;

static int lead_observe(void *ctx, uint64_t first, size_t n, const void *records) {
  lead_feed *f = ctx;
  if (f->whatif >= 0)
    return study_explain_whatif_add(f->x[f->target], f->whatif_index, first, n, records);
  size_t size = model_outcome_size(f->sc);
  for (size_t r = 0; r < n; r++) {
    model_trial_view v = model_outcome_view(f->sc, (unsigned char *)records + r * size);
    for (size_t e = 0; e < f->sc->n_environments; e++)
      if (f->rto[e] && !same(v.env[e].rto_s, f->rto[e][first + r - f->first])) f->mismatch = 1;
  }
  if (f->mismatch) return -1;
  for (size_t i = 0; i < f->n; i++)
    if (study_explain_add(f->x[i], first, n, records) != STUDY_EXPLAIN_OK) return -1;
  return 0;
}

static int lead_simulate(const model_scenario *sc, const report_run *run, unsigned threads,
                         lead_feed *f) {
  f->sc = f->whatif < 0 ? sc : f->sc;
  f->first = run->first_trial;
  return run_trials(sc, run, threads, NULL, lead_observe, f);
}

/* An analysis of every objective of every environment, with the stored
** RTO it must reproduce. Returns 0, 1 (note filled: no leads) or -1. */
static int lead_setup(report_store *st, const report_run *run, const model_scenario *sc,
                      lead_feed *f, char *note, size_t nn) {
  for (size_t e = 0; e < sc->n_environments; e++) {
    for (int m = STUDY_EXPLAIN_RTO; m <= STUDY_EXPLAIN_AVAILABILITY && f->n < LEAD_MAX; m++) {
      char msg[256];
      study_explain *x = NULL;
      int xr = study_explain_new((model_scenario *)sc, sc->environments[e].name,
                                 (study_explain_metric)m, run->first_trial, run->trials_done, &x,
                                 msg, sizeof msg);
      if (xr == STUDY_EXPLAIN_ENOMEM) return -1;
      if (xr != STUDY_EXPLAIN_OK) continue;   /* no such objective */
      f->x[f->n++] = x;
      if (f->rto[e]) continue;
      report_error err;
      const char *col = "rto_s";
      size_t n = 0;
      if (report_store_trial_columns(st, run->id, sc->environments[e].name, &col, 1, &f->rto[e],
                                     &n, &err) != REPORT_OK || n != run->trials_done) {
        snprintf(note, nn, "%s", n != run->trials_done ? "stored rows missing" : err.text);
        return 1;
      }
    }
  }
  return 0;
}

/* One counterfactual for analysis i when it misses: its top removable
** condition, on cf (loaded here). Returns 0 or -1. */
static int lead_whatif(const report_run *run, unsigned threads, lead_feed *f, size_t i,
                       model_scenario **cf) {
  study_explain *x = f->x[i];
  if (study_explain_missed(x) == 0 || study_explain_missed(x) == study_explain_trials(x)) return 0;
  const study_explain_condition *k = NULL;
  for (size_t j = 0; j < study_explain_count(x) && !k; j++) {
    const study_explain_condition *c = study_explain_get(x, j);
    if (c->n_overrides && c->contribution > 0) k = c;
  }
  study_error serr;
  if (!k || study_run_load_scenario(run, k->overrides, k->n_overrides, NULL, cf, NULL, &serr) !=
                STUDY_OK)
    return 0;
  char label[512];
  snprintf(label, sizeof label, "without: %s", k->name);
  size_t wi;
  if (study_explain_whatif_begin(x, *cf, label, k->overrides, k->n_overrides, &wi) !=
      STUDY_EXPLAIN_OK)
    return -1;
  lead_feed g = *f;
  g.whatif = 0;
  g.target = i;
  g.whatif_index = wi;
  g.sc = *cf;
  if (lead_simulate(*cf, run, threads, &g) != SIM_RUNNER_OK ||
      study_explain_whatif_finish(x, wi) != STUDY_EXPLAIN_OK)
    return -1;
  return 0;
}

/* The sentences of the analyses that counted some trial. */
static int lead_sentences(lead_feed *f, char ***leads, size_t *n_leads) {
  *leads = calloc(f->n + 1, sizeof **leads);
  if (!*leads) return -1;
  for (size_t i = 0; i < f->n; i++) {
    if (study_explain_trials(f->x[i]) == 0) continue;   /* never affected */
    char buf[2048];
    if (!((*leads)[*n_leads] = strdup(study_explain_sentence(f->x[i], buf, sizeof buf))))
      return -1;
    ++*n_leads;
  }
  return 0;
}

int study_explain_run_leads(report_store *st, const report_run *run, unsigned threads,
                            char ***leads, size_t *n_leads, char *note, size_t n) {
  *leads = NULL;
  *n_leads = 0;
  note[0] = '\0';
  if (run->trials_done == 0) return STUDY_OK;
  model_scenario *sc = NULL;
  model_scenario *cf[LEAD_MAX] = {0};
  study_error serr;
  int rc = 0;
  lead_feed f;
  memset(&f, 0, sizeof f);
  f.whatif = -1;
  if (study_run_load_scenario(run, NULL, 0, NULL, &sc, NULL, &serr) != STUDY_OK) {
    snprintf(note, n, "%s", serr.text);
    return STUDY_OK;
  }
  f.rto = calloc(sc->n_environments, sizeof *f.rto);
  if (!f.rto) { rc = -1; goto done; }
  if ((rc = lead_setup(st, run, sc, &f, note, n)) != 0 || f.n == 0) goto done;
  int rr = lead_simulate(sc, run, threads, &f);
  if (f.mismatch || rr != SIM_RUNNER_OK) {
    snprintf(note, n, "%s", f.mismatch ? "the run's trials do not reproduce with this build of drsim"
                                       : sim_runner_strerror(rr));
    goto done;
  }
  for (size_t i = 0; i < f.n && rc == 0; i++)
    if (study_explain_finish(f.x[i]) != STUDY_EXPLAIN_OK) rc = -1;
  for (size_t i = 0; i < f.n && rc == 0; i++) rc = lead_whatif(run, threads, &f, i, &cf[i]);
  if (rc == 0) rc = lead_sentences(&f, leads, n_leads);
done:
  for (size_t i = 0; i < f.n; i++) study_explain_free(f.x[i]);
  for (size_t i = 0; i < LEAD_MAX; i++) model_scenario_free(cf[i]);
  if (f.rto)
    for (size_t e = 0; e < sc->n_environments; e++) free(f.rto[e]);
  free(f.rto);
  model_scenario_free(sc);
  if (rc < 0) {
    study_explain_run_leads_free(*leads, *n_leads);
    *leads = NULL;
    *n_leads = 0;
    return STUDY_EIO;
  }
  return STUDY_OK;
}

void study_explain_run_leads_free(char **leads, size_t n_leads) {
  for (size_t i = 0; i < n_leads; i++) free(leads[i]);
  free(leads);
}
