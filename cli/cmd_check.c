/*
** cli/cmd_check.c — `drsim check SCENARIO --observed OBS.csv`: observed
** end-to-end recoveries (drills or real incidents) against the model's
** predicted distribution. The scenario is simulated (in memory, nothing
** stored), every observation gets its probability-integral-transform value
** (where it falls in the predicted law: 0.5 at the median, 0.81 at the
** p81), and per environment and metric a KS test of uniformity and a plain
** sentence say whether the model is consistent, optimistic (reality is
** slower) or pessimistic. The simulation and the judgement are
** study/check.h's (statistics: fit/gof.h); this file reads the observations,
** prints the table, the sentences and the PIT values.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "study/check.h"
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

typedef study_check_obs obs_env;

static int parse_flag(const char *s, unsigned char *v) {
  if (!*s || !strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no")) *v = 0;
  else if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) *v = 1;
  else return -1;
  return 0;
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

/* The observations of OBS.csv per environment into *envs (n_envs); errors
** printed. Returns a CLI_EXIT_* status. */
static int read_observations(const fit_csv *t, const char *obs_path, const model_scenario *sc,
                             const char *scenario, obs_env **envs_out, size_t *n_envs) {
  int ce = fit_csv_col(t, "environment"), cr = fit_csv_col(t, "rto");
  int cp = fit_csv_col(t, "rpo"), cc = fit_csv_col(t, "censored");
  if (ce < 0 || cr < 0) {
    cli_error("check", "%s needs the columns environment and rto (rpo, censored optional)",
              obs_path);
    return CLI_EXIT_USAGE;
  }
  size_t rows = fit_csv_rows(t);
  obs_env *envs = *envs_out = calloc(rows ? rows : 1, sizeof *envs);
  if (!envs) {
    cli_error("check", "out of memory");
    return CLI_EXIT_IO;
  }
  for (size_t r = 0; r < rows; r++) {
    size_t line = fit_csv_line(t, r);
    const char *env = fit_csv_get(t, r, (size_t)ce), *why = NULL;
    if (model_scenario_find_environment(sc, env) < 0) {
      fprintf(stderr, "%s:%zu: error: environment '%s' is not in %s\n", obs_path, line, env,
              scenario);
      return CLI_EXIT_USAGE;
    }
    obs_env *e = NULL;
    for (size_t i = 0; i < *n_envs && !e; i++)
      if (!strcmp(envs[i].env, env)) e = &envs[i];
    if (!e) {
      e = &envs[(*n_envs)++];
      e->env = env;
      e->rto = malloc(rows * sizeof *e->rto);
      e->rpo = malloc(rows * sizeof *e->rpo);
      e->cens = calloc(rows, 1);
      if (!e->rto || !e->rpo || !e->cens) {
        cli_error("check", "out of memory");
        return CLI_EXIT_IO;
      }
    }
    double v;
    if (model_units_parse_duration(fit_csv_get(t, r, (size_t)cr), &v, &why)) {
      fprintf(stderr, "%s:%zu: error: rto '%s' is not a duration: %s\n", obs_path, line,
              fit_csv_get(t, r, (size_t)cr), why);
      return CLI_EXIT_USAGE;
    }
    e->rto[e->n] = v;
    e->rpo[e->n] = NAN;
    if (cp >= 0 && *fit_csv_get(t, r, (size_t)cp)) {
      if (model_units_parse_duration(fit_csv_get(t, r, (size_t)cp), &v, &why)) {
        fprintf(stderr, "%s:%zu: error: rpo '%s' is not a duration: %s\n", obs_path, line,
                fit_csv_get(t, r, (size_t)cp), why);
        return CLI_EXIT_USAGE;
      }
      e->rpo[e->n] = v;
      e->n_rpo++;
    }
    if (cc >= 0 && parse_flag(fit_csv_get(t, r, (size_t)cc), &e->cens[e->n])) {
      fprintf(stderr, "%s:%zu: error: censored must be 1/0, true/false or yes/no\n", obs_path,
              line);
      return CLI_EXIT_USAGE;
    }
    e->n++;
  }
  if (*n_envs == 0) {
    cli_error("check", "%s holds no observations", obs_path);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* Simulate and judge every environment, printing each table row as it
** comes. Returns a CLI_EXIT_* status. */
static int judge_all(const study_check_model *m, const obs_env *envs, size_t n_envs,
                     gsl_rng *rng, study_check_judged *js, size_t *n_js) {
  for (size_t i = 0; i < n_envs; i++) {
    size_t k = 0;
    model_diag *failed = NULL;
    study_error err;
    int rs = study_check_environment(m, &envs[i], rng, js + *n_js, &k, &failed, &err);
    for (size_t q = *n_js; q < *n_js + k; q++)
      printf("| %s | %s | %zu | %zu | %.3f | %.3f | %.3g | %s |\n", js[q].env, js[q].metric,
             js[q].n, js[q].n_censored, js[q].mean, js[q].ks_d, js[q].ks_p,
             study_check_verdict_name(js[q].verdict));
    *n_js += k;
    if (failed) model_diag_print(failed, stderr);   /* it did not load */
    model_diag_free(failed);
    if (rs != STUDY_OK) {
      if (err.text[0]) cli_error("check", "%s", err.text);
      return cli_exit_from_study(rs);
    }
  }
  return CLI_EXIT_OK;
}

/* The sentences, then (pit_of: the observations' file) the PIT values. */
static void print_verdicts(const study_check_judged *js, size_t n_js, const char *pit_of) {
  printf("\n");
  for (size_t i = 0; i < n_js; i++)
    sentence(js[i].env, js[i].metric, js[i].n, js[i].mean, js[i].ks_p, js[i].verdict);
  for (size_t i = 0; pit_of && i < n_js; i++) {
    printf("\nPIT values, %s %s, in the order of %s:", js[i].env, js[i].metric, pit_of);
    for (size_t k = 0; k < js[i].n; k++) printf(" %.3f", js[i].u[k]);
    printf("\n");
  }
}

/* Free the observations read by read_observations. */
static void free_observations(obs_env *envs, size_t n_envs) {
  for (size_t i = 0; envs && i < n_envs; i++) {
    free(envs[i].rto);
    free(envs[i].rpo);
    free(envs[i].cens);
  }
  free(envs);
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
  study_check_judged *js = NULL;
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
  if ((status = read_observations(t, obs_path, sc, pos.items[0], &envs, &n_envs)) != CLI_EXIT_OK)
    goto done;
  size_t rows = fit_csv_rows(t);
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
  study_check_model m = {sc, pos.items[0], (const char *const *)sets.items, sets.n, seed_seen,
                         trials_seen, seed, trials, threads_seen ? (unsigned)threads : 0};
  if ((status = judge_all(&m, envs, n_envs, rng, js, &n_js)) != CLI_EXIT_OK) goto done;
  print_verdicts(js, n_js, list ? obs_path : NULL);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("check", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
    goto done;
  }
  status = CLI_EXIT_OK;
done:
  for (size_t i = 0; i < n_js; i++) study_check_judged_clear(&js[i]);
  free(js);
  gsl_rng_free(rng);
  free_observations(envs, n_envs);
  fit_csv_free(t);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&pos);
  return status;
}
