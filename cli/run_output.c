/*
** cli/run_output.c — what `drsim run` prints at the end (see run_output.h).
*/
#include "cli/run_output.h"
#include "cli/args.h"
#include "reports/costs.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/md.h"
#include "reports/meet.h"

#include <math.h>
#include <string.h>

/* "RTO", "RPO", ... as the Markdown table says. */
static const char *metric_label(const char *metric) {
  if (!strcmp(metric, "rto")) return "RTO";
  if (!strcmp(metric, "rpo")) return "RPO";
  if (!strcmp(metric, "full_capacity")) return "full capacity";
  return metric;
}

size_t cli_run_print_missed(FILE *out, const char *cmd, const report_summary *s,
                            const model_meet_rule *rule) {
  size_t missed = report_meet_not_met(s, rule, NULL, NULL, NULL);
  if (!missed) return 0;
  const report_run *run = report_summary_run(s);
  fprintf(out, "drsim %s: %zu objective%s not shown met (%.4g %% of the trials at %.4g %% "
          "confidence):", cmd, missed, missed == 1 ? "" : "s", 100.0 * rule->share,
          100.0 * rule->confidence);
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  const char *sep = " ";
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    if (isnan(r->objective)) continue;
    if (r->n == 0 && r->n_affected == 0 && run->trials_done > 0) continue;
    model_meet_verdict v = report_meet_row(rule, r);
    if (v == MODEL_MEET_MEETS) continue;
    char obj[48], got[48];
    if (r->is_fraction) report_md_format_percent(r->objective, obj, sizeof obj);
    else report_md_format_duration(r->objective, obj, sizeof obj);
    if (r->n == 0) snprintf(got, sizeof got, "no trials");
    else report_md_format_percent(r->p_meet.est, got, sizeof got);
    fprintf(out, "%s%s %s %s %s %s (%s)", sep, r->environment, metric_label(r->metric),
            r->higher_is_better ? ">=" : "<=", obj, model_meet_verdict_name(v), got);
    sep = ", ";
  }
  fputc('\n', out);
  return missed;
}

int cli_run_print_summary(report_store *st, int64_t run_id, const char *format, int announce,
                          int *missed) {
  report_summary *s = NULL;
  report_error err;
  int rc = report_summary_build(st, run_id, &s, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  model_meet_rule rule = report_meet_rule(report_summary_run(s));
  size_t n_miss = 0, n_inc = 0, n_none = 0;
  *missed = (int)report_meet_not_met(s, &rule, &n_miss, &n_inc, &n_none);
  if (strcmp(format, "none") == 0) {
    rc = REPORT_OK;
  } else if (strcmp(format, "csv") == 0) {
    rc = report_csv_write_summary(stdout, s, &err);
  } else if (strcmp(format, "json") == 0) {
    json_t *doc = report_json_summary(s);
    if (!doc) {
      snprintf(err.text, sizeof err.text, "out of memory building the JSON summary");
      rc = REPORT_ENOMEM;
    } else {
      rc = report_json_write(stdout, doc, &err);
      json_decref(doc);
    }
  } else {
    rc = report_md_write(stdout, s, REPORT_MD_RUN | REPORT_MD_OBJECTIVES, &err);
    if (rc == REPORT_OK && *missed)
      printf("\n%d objective%s not shown met: %zu missed, %zu inconclusive (more trials would "
             "decide), %zu without data.\n", *missed, *missed == 1 ? " is" : "s are", n_miss,
             n_inc, n_none);
    if (rc == REPORT_OK && report_summary_costs(s) &&
        report_costs_print_md(report_summary_costs(s), stdout) != 0) {
      snprintf(err.text, sizeof err.text, "writing the costs: write error");
      rc = REPORT_EIO;
    }
  }
  if (announce && *missed) {
    fflush(stdout);   /* the summary first when both go to one terminal */
    cli_run_print_missed(stderr, "run", s, &rule);
  }
  report_summary_free(s);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}
