/*
** cli/cmd_check.c — `drsim check SCENARIO --observed OBS.csv`: observed
** end-to-end recoveries (drills or real incidents) against the model's
** predicted distribution. The scenario is simulated (in memory, nothing
** stored), every observation gets its probability-integral-transform value
** (where it falls in the predicted law: 0.5 at the median, 0.81 at the
** p81), and per environment and metric a KS test of uniformity and a plain
** sentence say whether the model is consistent, optimistic (reality is
** slower) or pessimistic. Statistics: fit/gof.h.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "cli/sweep_values.h"
#include "fit/csv.h"
#include "fit/gof.h"
#include "models/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

static void usage(void) {
  puts("usage: drsim check SCENARIO.yaml --observed OBS.csv [options]\n"
       "\n"
       "Compares observed recoveries with what the scenario predicts. OBS.csv has the\n"
       "columns environment, rto and optionally rpo and censored (1/true/yes: the\n"
       "recovery was still not done at `rto`, e.g. a drill called off), durations as\n"
       "in scenarios (2h30m) or seconds. For each observation drsim computes its PIT\n"
       "value: the share of simulated trials that recovered faster (0.5 = at the\n"
       "model's median). If the model is right these are uniform between 0 and 1;\n"
       "the KS test checks that, and the mean PIT says in which direction it errs:\n"
       "observations sitting high (say at the model's p81) mean reality is slower than\n"
       "the model: the model is optimistic.\n"
       "\n"
       "options:\n"
       "  --observed FILE   the observations (required)\n"
       "  --trials N        simulated trials (default: the scenario's)\n"
       "  --seed S          seed of the simulation and of the PIT tie-breaking\n"
       "                    (default: the scenario's)\n"
       "  --threads T       worker threads (default: all cores)\n"
       "  --set PATH=VALUE  override a scenario value (repeatable)\n"
       "  --pit             also list every observation's PIT value\n"
       "\n"
       "exit status: 0 ok (whatever the verdict), 2 bad input, 3 I/O error.\n"
       "See docs/calibration.md.");
}

typedef struct obs_env {
  const char *env;
  double *rto, *rpo;            /* rpo NAN when not given */
  unsigned char *cens;
  size_t n, n_rpo;
} obs_env;

static int parse_flag(const char *s, unsigned char *v) {
  if (!*s || !strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no")) *v = 0;
  else if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) *v = 1;
  else return -1;
  return 0;
}

static const char *verdict_text(fit_verdict v) {
  switch (v) {
    case FIT_VERDICT_CONSISTENT: return "consistent";
    case FIT_VERDICT_OPTIMISTIC: return "optimistic";
    case FIT_VERDICT_PESSIMISTIC: return "pessimistic";
    case FIT_VERDICT_TOO_NARROW: return "too narrow";
    case FIT_VERDICT_TOO_WIDE: return "too wide";
  }
  return "?";
}

static void sentence(const char *env, const char *metric, size_t n, double mean, double p,
                     fit_verdict v) {
  int pc = (int)lround(100 * mean);
  if (pc < 1) pc = 1;
  if (pc > 99) pc = 99;
  printf("%s %s: the %zu observed %ss sit on average at the model's p%d", env, metric, n,
         metric, pc);
  switch (v) {
    case FIT_VERDICT_CONSISTENT:
      printf(" (KS p = %.2f): consistent with the model; nothing here says it is wrong%s.\n", p,
             n < 10 ? ", but so few observations cannot say much either" : "");
      break;
    case FIT_VERDICT_OPTIMISTIC:
      printf(" (KS p = %.2g): the model is optimistic — real %ss are longer than it "
             "predicts.\n", p, metric);
      break;
    case FIT_VERDICT_PESSIMISTIC:
      printf(" (KS p = %.2g): the model is pessimistic — real %ss are shorter than it "
             "predicts.\n", p, metric);
      break;
    case FIT_VERDICT_TOO_NARROW:
      printf(" (KS p = %.2g): centred, but too many observations fall in the model's tails: "
             "it is too sure of itself (spread too narrow).\n", p);
      break;
    case FIT_VERDICT_TOO_WIDE:
      printf(" (KS p = %.2g): centred, but observations avoid the model's tails: its spread "
             "is wider than reality.\n", p);
      break;
  }
}

/* One environment and metric, judged. */
typedef struct judged {
  const char *env, *metric;
  size_t n;
  double mean, p;
  fit_verdict v;
  double *u;        /* PIT values in observation order (owned) */
} judged;

/* PIT values of one metric's observations (NAN skipped), judged; the
** table row is printed. Returns 0, or -1 when out of memory. */
static int judge(const char *env, const char *metric, double *sim, size_t m, const double *x,
                 const unsigned char *cens, size_t n, gsl_rng *rng, judged *j) {
  double *u = malloc((n ? n : 1) * sizeof *u), *sorted = malloc((n ? n : 1) * sizeof *u);
  if (!u || !sorted) {
    free(u);
    free(sorted);
    return -1;
  }
  size_t k = 0, nc = 0;
  gsl_sort(sim, 1, m);
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    int c = cens ? cens[i] : 0;
    nc += (size_t)c;
    u[k++] = fit_gof_pit(sim, m, x[i], c, rng);
  }
  memcpy(sorted, u, k * sizeof *u);
  double d;
  j->env = env;
  j->metric = metric;
  j->n = k;
  j->u = u;
  j->v = fit_gof_verdict(sorted, k, &j->mean, &j->p);
  fit_gof_ks_uniform(sorted, k, &d);
  free(sorted);
  printf("| %s | %s | %zu | %zu | %.3f | %.3f | %.3g | %s |\n", env, metric, k, nc, j->mean, d,
         j->p, verdict_text(j->v));
  return 0;
}

int cli_cmd_check(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0};
  int help = 0, trials_seen = 0, seed_seen = 0, threads_seen = 0, list = 0;
  uint64_t trials = 0, seed = 0, threads = 0;
  const char *obs_path = NULL;
  cli_opt opts[] = {
    {"--observed", CLI_OPT_STRING, &obs_path, 0, 0, NULL},
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(100000000), &trials_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--pit", CLI_OPT_FLAG, &list, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  fit_csv *t = NULL;
  obs_env *envs = NULL;
  size_t n_envs = 0;
  model_scenario *sc = NULL;
  gsl_rng *rng = NULL;
  judged *js = NULL;
  size_t n_js = 0;
  char err[512];
  if (cli_args_parse("check", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) {
    usage();
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n != 1 || !obs_path) {
    cli_error("check", "usage: drsim check SCENARIO.yaml --observed OBS.csv");
    goto done;
  }
  status = cli_load_scenario(pos.items[0], &sets, NULL, &sc);
  if (status != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("check", "%s is a lifetime-mode scenario; check compares disaster recoveries "
                       "(use --set mode=disaster)", pos.items[0]);
    goto done;
  }
  t = fit_csv_read(obs_path, err, sizeof err);
  if (!t) {
    cli_error("check", "%s", err);
    status = access(obs_path, R_OK) ? CLI_EXIT_IO : CLI_EXIT_USAGE;
    goto done;
  }
  int ce = fit_csv_col(t, "environment"), cr = fit_csv_col(t, "rto");
  int cp = fit_csv_col(t, "rpo"), cc = fit_csv_col(t, "censored");
  if (ce < 0 || cr < 0) {
    cli_error("check", "%s needs the columns environment and rto (rpo, censored optional)",
              obs_path);
    goto done;
  }
  size_t rows = fit_csv_rows(t);
  envs = calloc(rows ? rows : 1, sizeof *envs);
  if (!envs) {
    cli_error("check", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  for (size_t r = 0; r < rows; r++) {
    size_t line = fit_csv_line(t, r);
    const char *env = fit_csv_get(t, r, (size_t)ce), *why = NULL;
    if (model_scenario_find_environment(sc, env) < 0) {
      fprintf(stderr, "%s:%zu: error: environment '%s' is not in %s\n", obs_path, line, env,
              pos.items[0]);
      goto done;
    }
    obs_env *e = NULL;
    for (size_t i = 0; i < n_envs && !e; i++)
      if (!strcmp(envs[i].env, env)) e = &envs[i];
    if (!e) {
      e = &envs[n_envs++];
      e->env = env;
      e->rto = malloc(rows * sizeof *e->rto);
      e->rpo = malloc(rows * sizeof *e->rpo);
      e->cens = calloc(rows, 1);
      if (!e->rto || !e->rpo || !e->cens) {
        cli_error("check", "out of memory");
        status = CLI_EXIT_IO;
        goto done;
      }
    }
    double v;
    if (model_units_parse_duration(fit_csv_get(t, r, (size_t)cr), &v, &why)) {
      fprintf(stderr, "%s:%zu: error: rto '%s' is not a duration: %s\n", obs_path, line,
              fit_csv_get(t, r, (size_t)cr), why);
      goto done;
    }
    e->rto[e->n] = v;
    e->rpo[e->n] = NAN;
    if (cp >= 0 && *fit_csv_get(t, r, (size_t)cp)) {
      if (model_units_parse_duration(fit_csv_get(t, r, (size_t)cp), &v, &why)) {
        fprintf(stderr, "%s:%zu: error: rpo '%s' is not a duration: %s\n", obs_path, line,
                fit_csv_get(t, r, (size_t)cp), why);
        goto done;
      }
      e->rpo[e->n] = v;
      e->n_rpo++;
    }
    if (cc >= 0 && parse_flag(fit_csv_get(t, r, (size_t)cc), &e->cens[e->n])) {
      fprintf(stderr, "%s:%zu: error: censored must be 1/0, true/false or yes/no\n", obs_path,
              line);
      goto done;
    }
    e->n++;
  }
  if (n_envs == 0) {
    cli_error("check", "%s holds no observations", obs_path);
    goto done;
  }
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) {
    cli_error("check", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  uint64_t seed_used = seed_seen ? seed : sc->seed;
  gsl_rng_set(rng, (unsigned long)(seed_used ^ UINT64_C(0x5eed0f1f)));
  printf("check of %s against %zu observed recoveries (%s); model: %llu trials, seed %llu\n\n",
         pos.items[0], rows, obs_path,
         (unsigned long long)(trials_seen ? trials : sc->trials), (unsigned long long)seed_used);
  printf("| environment | metric | n | censored | mean PIT | KS D | KS p | verdict |\n"
         "|:--|:--|--:|--:|--:|--:|--:|:--|\n");
  js = calloc(2 * n_envs, sizeof *js);
  if (!js) {
    cli_error("check", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  for (size_t i = 0; i < n_envs; i++) {
    obs_env *e = &envs[i];
    study_target tg;
    char spec[200];
    snprintf(spec, sizeof spec, "%s.rpo", e->env);
    if (study_target_parse(sc, spec, 0, &tg, err, sizeof err)) {
      cli_error("check", "%s", err);
      goto done;
    }
    study_point p;
    memset(&p, 0, sizeof p);
    p.cmd = "check";
    p.scenario_path = pos.items[0];
    p.overrides = sets.items;
    p.n_overrides = sets.n;
    p.seed_given = seed_seen;
    p.seed = seed;
    p.trials_given = trials_seen;
    p.trials = trials;
    p.threads = threads_seen ? (unsigned)threads : 0;
    p.collect = &tg;
    p.collect_rto = 1;
    status = cli_sweep_point_run(&p);
    if (status == CLI_EXIT_OK &&
        (judge(e->env, "RTO", p.rto_values, p.n_values, e->rto, e->cens, e->n, rng,
               &js[n_js++]) ||
         (e->n_rpo &&
          judge(e->env, "RPO", p.values, p.n_values, e->rpo, NULL, e->n, rng, &js[n_js++])))) {
      cli_error("check", "out of memory");
      status = CLI_EXIT_IO;
    }
    study_point_clear(&p);
    if (status != CLI_EXIT_OK) goto done;
  }
  printf("\n");
  for (size_t i = 0; i < n_js; i++)
    sentence(js[i].env, js[i].metric, js[i].n, js[i].mean, js[i].p, js[i].v);
  if (list)
    for (size_t i = 0; i < n_js; i++) {
      printf("\nPIT values, %s %s, in the order of %s:", js[i].env, js[i].metric, obs_path);
      for (size_t k = 0; k < js[i].n; k++) printf(" %.3f", js[i].u[k]);
      printf("\n");
    }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("check", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
    goto done;
  }
  status = CLI_EXIT_OK;
done:
  for (size_t i = 0; i < n_js; i++) free(js[i].u);
  free(js);
  gsl_rng_free(rng);
  if (envs)
    for (size_t i = 0; i < n_envs; i++) {
      free(envs[i].rto);
      free(envs[i].rpo);
      free(envs[i].cens);
    }
  free(envs);
  fit_csv_free(t);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&pos);
  return status;
}
