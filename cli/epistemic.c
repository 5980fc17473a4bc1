/*
** cli/epistemic.c — `drsim run SCENARIO --epistemic N`: parameter
** uncertainty in the answer (see cli/calib.h and docs/calibration.md).
**
** The face of study/epistemic.h (the uncertain inputs, their draws, the
** combined intervals): this file runs the central scenario and the N draws
** as the points of one stored sweep (cli_sweep_point_run), so each is
** reportable like a sweep point and reproducible with `drsim run --set`,
** and prints the table (md or csv).
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "cli/sweep_values.h"
#include "models/diag.h"
#include "reports/summary.h"
#include "study/epistemic.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the points share. */
typedef struct epi_run {
  const cli_calib_epistemic *e;
  const char *text;
  uint64_t seed;
  report_store *store;
  int64_t sweep_id, first_run, last_run;
  volatile sig_atomic_t *stop;
} epi_run;

/* Run point pt (0: central, else a draw of every uncertain input) and add
** its summary. */
static int run_point(epi_run *r, study_epistemic *ep, uint64_t pt, const char **ov) {
  const cli_calib_epistemic *e = r->e;
  size_t n_used = e->sets->n;
  study_error err;
  if (pt > 0) {
    const char *const *drawn;
    int rs = study_epistemic_draw(ep, &drawn, &err);
    if (rs != STUDY_OK) {
      cli_error("run", "%s", err.text);
      return cli_exit_from_study(rs);
    }
    for (size_t i = 0; i < study_epistemic_inputs(ep); i++) ov[n_used++] = drawn[i];
  }
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "run";
  p.scenario_path = e->scenario_path;
  p.scenario_text = r->text;
  p.overrides = ov;
  p.n_overrides = n_used;
  p.seed_given = 1;
  p.seed = r->seed;
  p.trials_given = e->trials_given;
  p.trials = e->trials;
  p.threads = e->threads;
  p.store = r->store;
  p.sweep_id = r->sweep_id;
  p.point = (int64_t)pt;
  p.detail = "summary";
  p.stop_flag = r->stop;
  if (!e->quiet && isatty(STDERR_FILENO))
    fprintf(stderr, "\rdraw %llu/%llu", (unsigned long long)pt, (unsigned long long)e->draws);
  int status = cli_sweep_point_run(&p);
  int64_t run_id = p.run_id;
  study_point_clear(&p);
  if (run_id) {
    if (!r->first_run) r->first_run = run_id;
    r->last_run = run_id;
  }
  if (status != CLI_EXIT_OK) {
    if (status == CLI_EXIT_INTERRUPTED)
      fprintf(stderr, "drsim run: interrupted at draw %llu; the finished draws are kept as "
              "runs %lld..%lld\n", (unsigned long long)pt, (long long)r->first_run,
              (long long)r->last_run);
    return status;
  }
  report_summary *s = NULL;
  report_error rerr;
  if (report_summary_build(r->store, run_id, &s, &rerr) != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", rerr.text);
    return CLI_EXIT_IO;
  }
  int rs = study_epistemic_add(ep, pt, s, e->draws, &err);
  report_summary_free(s);
  if (rs != STUDY_OK) cli_error("run", "%s", err.text);
  return cli_exit_from_study(rs);
}

/* The table: md (with its heading and note) or csv; nothing for none. */
static void print_results(const epi_run *r, const study_epistemic *ep, const model_scenario *sc) {
  const cli_calib_epistemic *e = r->e;
  unsigned long n_min = study_epistemic_n_min(ep);
  size_t n_in = study_epistemic_inputs(ep);
  uint64_t trials = e->trials_given ? e->trials : sc->trials;
  char given[64] = "";
  if (n_min) snprintf(given, sizeof given, " given n = %lu", n_min);
  int md = !strcmp(e->format, "md"), csv = !strcmp(e->format, "csv");
  if (md) {
    printf("## Epistemic run: %s\n\n%llu draws of %zu uncertain input%s (the fewest "
           "observations behind one: %lu), each %llu trials at seed %llu (common random "
           "numbers); central run %lld, draws %lld..%lld, sweep %lld in %s.\n\n",
           sc->name, (unsigned long long)e->draws, n_in, n_in == 1 ? "" : "s", n_min,
           (unsigned long long)trials, (unsigned long long)r->seed, (long long)r->first_run,
           (long long)r->first_run + 1, (long long)r->last_run, (long long)r->sweep_id,
           e->db_path);
    printf("| environment | metric | objective | P(meet) [95 %% interval] | Monte Carlo only | p95 "
           "[95 %% interval] | p95 Monte Carlo only |\n|:--|:--|--:|--:|--:|--:|--:|\n");
  } else if (csv) {
    printf("environment,metric,objective_s,draws,n_min,p_meet,p_meet_lo,p_meet_hi,p_meet_mc_lo,"
           "p_meet_mc_hi,p95_s,p95_lo_s,p95_hi_s,p95_mc_lo_s,p95_mc_hi_s\n");
  }
  for (size_t i = 0; i < study_epistemic_count(ep); i++) {
    study_epistemic_result x;
    study_epistemic_result_at(ep, i, &x);
    if (md) {
      char b[6][48];
      printf("| %s | %s | %s | ", x.env, !strcmp(x.metric, "rto") ? "RTO" : "RPO",
             isnan(x.objective) ? "–" : report_page_duration(x.objective, b[0], 48));
      if (isnan(x.p)) printf("– | – | ");
      else
        printf("%.1f %% [%.1f, %.1f]%s | [%.1f, %.1f] | ", 100 * x.p, 100 * x.p_lo,
               100 * x.p_hi, given, 100 * x.central_lo, 100 * x.central_hi);
      printf("%s [%s, %s] | [%s, %s] |\n", report_page_duration(x.q, b[1], 48),
             report_page_duration(x.q_lo, b[2], 48), report_page_duration(x.q_hi, b[3], 48),
             report_page_duration(x.central_qlo, b[4], 48),
             report_page_duration(x.central_qhi, b[5], 48));
    } else if (csv) {
      printf("%s,%s,%.17g,%zu,%lu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
             x.env, x.metric, x.objective, x.draws, n_min, x.p, x.p_lo, x.p_hi, x.central_lo,
             x.central_hi, x.q, x.q_lo, x.q_hi, x.central_qlo, x.central_qhi);
    }
  }
  if (md)
    printf("\nThe interval combines parameter uncertainty (the 2.5-97.5 %% range over the "
           "draws) with the Monte Carlo error of %llu trials (the central run's interval), in "
           "quadrature; the centre is the mean over the draws (the median for a p95 that is "
           "infinite in some draws). Each draw is a stored run: drsim report --db %s --run ID.\n",
           (unsigned long long)trials, e->db_path);
}

/* Find the uncertain inputs (diagnostics and errors printed). */
static int find_inputs(const cli_calib_epistemic *e, const char *text, uint64_t seed,
                       study_epistemic **ep) {
  model_diag *diag = model_diag_new();
  if (!diag) {
    cli_error("run", "out of memory");
    return CLI_EXIT_IO;
  }
  study_error err;
  int rs = study_epistemic_new(text, e->scenario_path, seed, ep, diag, &err);
  if (rs != STUDY_OK) {
    model_diag_print(diag, stderr);
    if (err.text[0]) cli_error("run", "%s", err.text);
  }
  model_diag_free(diag);
  return cli_exit_from_study(rs);
}

int cli_calib_epistemic_run(const cli_calib_epistemic *e) {
  epi_run r;
  memset(&r, 0, sizeof r);
  r.e = e;
  char *text = NULL;
  model_scenario *sc = NULL;
  study_epistemic *ep = NULL;
  const char **ov = NULL;
  int status = CLI_EXIT_USAGE;
  if (strcmp(e->format, "md") && strcmp(e->format, "csv") && strcmp(e->format, "none")) {
    cli_error("run", "--format '%s' is not valid with --epistemic; use md, csv or none", e->format);
    goto done;
  }
  /* Read once: the points load from this text, which is stored with them. */
  if ((status = cli_read_scenario(e->scenario_path, &text)) != CLI_EXIT_OK ||
      (status = cli_load_scenario_from(e->scenario_path, text, e->sets, NULL, &sc)) != CLI_EXIT_OK)
    goto done;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("run", "--epistemic works on disaster-mode scenarios");
    status = CLI_EXIT_USAGE;
    goto done;
  }
  r.text = text;
  r.seed = e->seed_given ? e->seed : sc->seed;
  if ((status = find_inputs(e, text, r.seed, &ep)) != CLI_EXIT_OK) goto done;
  if (!(ov = calloc(e->sets->n + study_epistemic_inputs(ep) + 1, sizeof *ov))) {
    cli_error("run", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  for (size_t i = 0; i < e->sets->n; i++) ov[i] = e->sets->items[i];
  if ((status = cli_sweep_open_store("run", e->db_path, &r.store, &r.sweep_id)) != CLI_EXIT_OK)
    goto done;
  r.stop = cli_signals_catch();
  if (!e->quiet)
    fprintf(stderr, "epistemic: %zu uncertain input%s, %llu draws + the central run\n",
            study_epistemic_inputs(ep), study_epistemic_inputs(ep) == 1 ? "" : "s",
            (unsigned long long)e->draws);
  for (uint64_t pt = 0; status == CLI_EXIT_OK && pt <= e->draws; pt++)
    status = run_point(&r, ep, pt, ov);
  cli_signals_restore();
  if (status != CLI_EXIT_OK) goto done;
  if (!e->quiet && isatty(STDERR_FILENO)) fputc('\n', stderr);
  print_results(&r, ep, sc);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("run", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  free(ov);
  study_epistemic_free(ep);
  report_store_close(r.store);
  model_scenario_free(sc);
  free(text);
  return status;
}
