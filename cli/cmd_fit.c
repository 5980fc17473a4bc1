/*
** cli/cmd_fit.c — `drsim fit DATA.csv`: maximum-likelihood fits of observed
** durations (right-censored rows handled), one row per family with AIC,
** the bootstrap KS p-value and every parameter with its 95 % interval, and
** the scenario snippet to paste; `drsim fit --failures K --attempts N`: the
** Beta posterior of a failure probability. The statistics are fit/'s, the
** comparison of families study/families.h's; this file reads the data and
** prints.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "fit/csv.h"
#include "fit/gof.h"
#include "fit/mle.h"
#include "models/units.h"
#include "study/families.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static void usage(void) {
  puts("usage: drsim fit DATA.csv [--column NAME] [--censored-column NAME]\n"
       "                [--dist auto|exponential|lognormal|gamma|weibull|normal] [options]\n"
       "       drsim fit --failures K --attempts N\n"
       "\n"
       "Fits observed durations (a drill's step times, incident phases) by maximum\n"
       "likelihood. Rows whose censored column is 1/true/yes are right-censored: the\n"
       "duration was still running when it was cut off (a drill stopped, a timeout),\n"
       "so it is only known to be longer; they count as such, not as completed.\n"
       "Prints, per family, AIC (lower is better), the Kolmogorov-Smirnov distance to\n"
       "the data with a parametric-bootstrap p-value (small: the family does not fit),\n"
       "the parameters with 95 % intervals, then the snippet to paste into a scenario,\n"
       "with and without its `uncertainty:` (for drsim run --epistemic).\n"
       "With --failures/--attempts: the failure probability's Beta posterior (Jeffreys\n"
       "prior) with its 95 % interval.\n"
       "\n"
       "options:\n"
       "  --column NAME           the durations' column (default: 'duration' if there is\n"
       "                          one, else the first); values as in scenarios (15m, 1h30m)\n"
       "                          or bare seconds\n"
       "  --censored-column NAME  1/true/yes marks a censored row (default: 'censored' if\n"
       "                          there is one, else none censored)\n"
       "  --dist D                auto (every family, ranked by AIC; default) or one family\n"
       "  --bootstrap B           bootstrap replicates of the KS p-value (default 199; 0: none)\n"
       "  --seed S                seed of the bootstrap (default 42)\n"
       "  --failures K            failed attempts (with --attempts)\n"
       "  --attempts N            attempts in all\n"
       "\n"
       "exit status: 0 ok, 2 bad input (unreadable value, too few data), 3 I/O error.\n"
       "See docs/calibration.md.");
}

static int parse_bool(const char *s, int *v) {
  if (!*s || !strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no")) *v = 0;
  else if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) *v = 1;
  else return -1;
  return 0;
}

static void print_beta(unsigned long k, unsigned long n) {
  double a, b;
  fit_ci p = fit_beta_posterior(k, n, 0.95, &a, &b);
  printf("failure probability after %lu failures in %lu attempts: %.3g [%.3g, %.3g] (95 %% "
         "interval)\n",
         k, n, p.est, p.lo, p.hi);
  printf("posterior Beta(%.1f, %.1f) from the Jeffreys prior Beta(0.5, 0.5); the estimate is "
         "its mean\n\npaste into the step:\n  failure_probability: %.4g\n",
         a, b, p.est);
}

/* Read the duration column (and the censored column) of a table. */
static int read_data(const char *path, const char *column, const char *cens_col, double **xs,
                     unsigned char **cs, size_t *n, const char **col_used) {
  char err[512];
  fit_csv *t = fit_csv_read(path, err, sizeof err);
  if (!t) {
    cli_error("fit", "%s", err);
    return errno == ENOENT || errno == EACCES ? CLI_EXIT_IO : CLI_EXIT_USAGE;
  }
  int status = CLI_EXIT_USAGE;
  int c = column ? fit_csv_col(t, column) : fit_csv_col(t, "duration");
  if (c < 0 && !column) c = 0;
  if (c < 0) {
    cli_error("fit", "%s has no column '%s'", path, column);
    goto out;
  }
  int cc = cens_col ? fit_csv_col(t, cens_col) : fit_csv_col(t, "censored");
  if (cens_col && cc < 0) {
    cli_error("fit", "%s has no column '%s'", path, cens_col);
    goto out;
  }
  *col_used = fit_csv_header(t, (size_t)c);
  size_t rows = fit_csv_rows(t);
  *xs = malloc((rows ? rows : 1) * sizeof **xs);
  *cs = calloc(rows ? rows : 1, 1);
  if (!*xs || !*cs) {
    cli_error("fit", "out of memory");
    status = CLI_EXIT_IO;
    goto out;
  }
  *n = 0;
  for (size_t r = 0; r < rows; r++) {
    const char *v = fit_csv_get(t, r, (size_t)c), *why = NULL;
    double s;
    if (model_units_parse_duration(v, &s, &why) || !(s > 0)) {
      fprintf(stderr, "%s:%zu: error: '%s' is not a duration > 0%s%s\n", path,
              fit_csv_line(t, r), v, why ? ": " : "", why ? why : "");
      goto out;
    }
    int cens = 0;
    if (cc >= 0 && parse_bool(fit_csv_get(t, r, (size_t)cc), &cens)) {
      fprintf(stderr, "%s:%zu: error: censored must be 1/0, true/false or yes/no, not '%s'\n",
              path, fit_csv_line(t, r), fit_csv_get(t, r, (size_t)cc));
      goto out;
    }
    (*xs)[*n] = s;
    (*cs)[*n] = (unsigned char)cens;
    (*n)++;
  }
  if (*n == 0) {
    cli_error("fit", "%s holds no values", path);
    goto out;
  }
  static char colname[130];
  snprintf(colname, sizeof colname, "%s", *col_used);
  *col_used = colname;
  status = CLI_EXIT_OK;
out:
  fit_csv_free(t);
  return status;
}

/* "median 12m [11m 02s, 13m 10s], p95 ..." for a fit. */
static void print_params(const fit_result *f) {
  for (size_t i = 0; i < f->k; i++) {
    const char *name;
    fit_ci ci = fit_param_ci(f, i, 0.95, &name);
    char a[48], b[48], c[48];
    int dimensionless = (f->family == FIT_GAMMA || f->family == FIT_WEIBULL) && i == 0;
    if (dimensionless)
      printf("%s%s %.3g [%.3g, %.3g]", i ? ", " : "", name, ci.est, ci.lo, ci.hi);
    else
      printf("%s%s %s [%s, %s]", i ? ", " : "", name,
             model_units_format_duration(ci.est, a, sizeof a),
             model_units_format_duration(ci.lo, b, sizeof b),
             model_units_format_duration(ci.hi, c, sizeof c));
  }
  if (f->family != FIT_LOGNORMAL) {
    char a[48], b[48], c[48];
    fit_ci m = fit_quantile_ci(f, 0.5, 0.95), p = fit_quantile_ci(f, 0.95, 0.95);
    printf("; median %s", model_units_format_duration(m.est, a, sizeof a));
    printf(", p95 %s [%s, %s]", model_units_format_duration(p.est, a, sizeof a),
           model_units_format_duration(p.lo, b, sizeof b),
           model_units_format_duration(p.hi, c, sizeof c));
  }
}

/* The families ranked by AIC, those not fitted, the best and its snippet. */
static void print_table(const study_families *fam, size_t n, size_t n_cens, const char *path,
                        const char *col_used, uint64_t boot) {
  int best = fam->order[0];
  printf("fit of %zu durations from %s (column %s), %zu right-censored\n\n", n, path,
         col_used, n_cens);
  printf("| family | AIC | ΔAIC | KS D | KS p (bootstrap %llu) | parameters [95 %% interval] |\n"
         "|:--|--:|--:|--:|--:|:--|\n",
         (unsigned long long)boot);
  for (int j = 0; j < fam->n_ok; j++) {
    const fit_result *f = &fam->fits[fam->order[j]];
    printf("| %s | %.1f | %.1f | %.3f | ", fit_family_name(f->family), f->aic,
           f->aic - fam->fits[best].aic, fam->ks_d[fam->order[j]]);
    if (isnan(fam->ks_p[fam->order[j]])) printf("– | ");
    else printf("%.3f | ", fam->ks_p[fam->order[j]]);
    print_params(f);
    printf(" |\n");
  }
  for (int j = 0; j < fam->n_asked; j++)
    if (!fam->ok[fam->asked[j]])
      printf("| %s | – | – | – | – | not fitted: %s |\n", fit_family_name((fit_family)fam->asked[j]),
             fam->why[fam->asked[j]]);
  char snip[512];
  printf("\nbest by AIC: %s", fit_family_name((fit_family)best));
  if (!isnan(fam->ks_p[best]) && fam->ks_p[best] < 0.05)
    printf(" — but its KS p = %.3f: no family here describes the data well; consider an "
           "empirical distribution", fam->ks_p[best]);
  if (n < 20)
    printf(" — with %zu values, expect wide intervals; AIC cannot tell families apart well",
           n);
  printf("\n\npaste into the scenario:\n  duration: %s\n",
         fit_yaml_snippet(&fam->fits[best], 0, snip, sizeof snip));
  if (fam->fits[best].cov_ok)
    printf("with its estimation uncertainty (drsim run --epistemic):\n  duration: %s\n",
           fit_yaml_snippet(&fam->fits[best], 1, snip, sizeof snip));
}

int cli_cmd_fit(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0, fail_seen = 0, att_seen = 0;
  uint64_t failures = 0, attempts = 0, boot = 199, seed = 42;
  const char *column = NULL, *cens_col = NULL, *dist = "auto";
  cli_opt opts[] = {
    {"--column", CLI_OPT_STRING, &column, 0, 0, NULL},
    {"--censored-column", CLI_OPT_STRING, &cens_col, 0, 0, NULL},
    {"--dist", CLI_OPT_STRING, &dist, 0, 0, NULL},
    {"--bootstrap", CLI_OPT_U64, &boot, 0, 100000, NULL},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, NULL},
    {"--failures", CLI_OPT_U64, &failures, 0, UINT64_C(1000000000000), &fail_seen},
    {"--attempts", CLI_OPT_U64, &attempts, 0, UINT64_C(1000000000000), &att_seen},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  double *xs = NULL;
  unsigned char *cs = NULL;
  if (cli_args_parse("fit", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) {
    usage();
    status = CLI_EXIT_OK;
    goto done;
  }
  if (fail_seen || att_seen) {
    if (!fail_seen || !att_seen || failures > attempts || attempts == 0 || pos.n) {
      cli_error("fit", "give both --failures K and --attempts N with 0 <= K <= N, N > 0, and "
                       "no data file");
      goto done;
    }
    print_beta((unsigned long)failures, (unsigned long)attempts);
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n != 1) {
    cli_error("fit", "expected one data file; usage: drsim fit DATA.csv [options]");
    goto done;
  }
  int families[FIT_N_FAMILIES], n_fam = 0;
  if (!strcmp(dist, "auto")) {
    for (int i = 0; i < FIT_N_FAMILIES; i++) families[n_fam++] = i;
  } else {
    fit_family f;
    if (fit_family_parse(dist, &f)) {
      cli_error("fit", "--dist '%s' is not valid; use auto, exponential, lognormal, gamma, "
                       "weibull or normal", dist);
      goto done;
    }
    families[n_fam++] = (int)f;
  }
  size_t n = 0;
  const char *col_used = NULL;
  status = read_data(pos.items[0], column, cens_col, &xs, &cs, &n, &col_used);
  if (status != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  size_t n_cens = 0;
  for (size_t i = 0; i < n; i++) n_cens += cs[i];

  study_families fam;
  study_error serr;
  int rs = study_families_fit(xs, cs, n, families, n_fam, boot, seed, &fam, &serr);
  if (rs != STUDY_OK) {
    cli_error("fit", "%s", serr.text);
    status = cli_exit_from_study(rs);
    goto done;
  }
  print_table(&fam, n, n_cens, pos.items[0], col_used, boot);
  status = CLI_EXIT_OK;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("fit", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
done:
  free(xs);
  free(cs);
  cli_strlist_free(&pos);
  return status;
}
