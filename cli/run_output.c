/*
** cli/run_output.c — what `drsim run` prints at the end (see run_output.h).
*/
#include "cli/run_output.h"
#include "cli/args.h"
#include "reports/costs.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/md.h"

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
                            double meet_share) {
  size_t missed = report_summary_missed(s, meet_share);
  if (!missed) return 0;
  fprintf(out, "drsim %s: %zu objective%s missed (met in fewer than %.4g %% of the trials):", cmd,
          missed, missed == 1 ? "" : "s", 100.0 * meet_share);
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  const char *sep = " ";
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    if (isnan(r->objective)) continue;
    if (r->n > 0 && !(r->p_meet.est < meet_share)) continue;
    char obj[48], got[48];
    if (r->is_fraction) report_md_format_percent(r->objective, obj, sizeof obj);
    else report_md_format_duration(r->objective, obj, sizeof obj);
    if (r->n == 0) snprintf(got, sizeof got, "no trials");
    else report_md_format_percent(r->p_meet.est, got, sizeof got);
    fprintf(out, "%s%s %s %s %s (%s)", sep, r->environment, metric_label(r->metric),
            r->higher_is_better ? ">=" : "<=", obj, got);
    sep = ", ";
  }
  fputc('\n', out);
  return missed;
}

int cli_run_print_summary(report_store *st, int64_t run_id, const char *format,
                          double meet_share, int announce, int *missed) {
  report_summary *s = NULL;
  report_error err;
  int rc = report_summary_build(st, run_id, &s, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  *missed = (int)report_summary_missed(s, meet_share);
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
      printf("\n%d objective%s met in fewer than %.4g %% of the trials.\n", *missed,
             *missed == 1 ? " is" : "s are", 100.0 * meet_share);
    if (rc == REPORT_OK && report_summary_costs(s) &&
        report_costs_print_md(report_summary_costs(s), stdout) != 0) {
      snprintf(err.text, sizeof err.text, "writing the costs: write error");
      rc = REPORT_EIO;
    }
  }
  if (announce && *missed) {
    fflush(stdout);   /* the summary first when both go to one terminal */
    cli_run_print_missed(stderr, "run", s, meet_share);
  }
  report_summary_free(s);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim run: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}
