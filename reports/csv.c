/*
** reports/csv.c — CSV writers (format in reports/csv.h). Numbers go through
** report_csv_format_number so every table prints them the same way, and
** each writer checks the stream once at the end (stdio keeps the error
** flag), which is where a full disk or closed pipe shows up.
*/
#include "reports/csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

char *report_csv_format_number(double v, char *buf, size_t n)
{
  if (n == 0) return buf;
  if (isnan(v)) { buf[0] = '\0'; return buf; }
  if (isinf(v)) { snprintf(buf, n, "%s", v > 0 ? "inf" : "-inf"); return buf; }
  /* Shortest precision that reads back exactly: 0.1 prints as 0.1, not
  ** 0.10000000000000001, and nothing is lost. */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  /* A program that set LC_NUMERIC would get a decimal comma: force '.'. */
  for (char *p = buf; *p; p++)
    if (*p == ',') *p = '.';
  return buf;
}

void report_csv_number(FILE *out, double v)
{
  char buf[40];
  fputs(report_csv_format_number(v, buf, sizeof buf), out);
}

void report_csv_field(FILE *out, const char *text)
{
  if (!text) return;
  size_t len = strlen(text);
  int quote = len > 0 && (text[0] == ' ' || text[0] == '\t' ||
                          text[len - 1] == ' ' || text[len - 1] == '\t');
  if (strpbrk(text, ",\"\r\n")) quote = 1;
  if (!quote) {
    fputs(text, out);
    return;
  }
  putc('"', out);
  for (const char *p = text; *p; p++) {
    if (*p == '"') putc('"', out);
    putc(*p, out);
  }
  putc('"', out);
}

static void sep(FILE *out) { putc(',', out); }

static void num(FILE *out, double v)
{
  sep(out);
  report_csv_number(out, v);
}

static void u64(FILE *out, uint64_t v)
{
  sep(out);
  fprintf(out, "%llu", (unsigned long long)v);
}

static void ci3(FILE *out, report_stats_ci c)
{
  num(out, c.est);
  num(out, c.lo);
  num(out, c.hi);
}

static int finish(FILE *out, report_error *err, const char *what)
{
  if (fflush(out) != 0 || ferror(out)) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the %s CSV: %s", what,
               e ? strerror(e) : "write error");
    return REPORT_EIO;
  }
  return REPORT_OK;
}

int report_csv_write_summary(FILE *out, const report_summary *s, report_error *err)
{
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  fputs(REPORT_CSV_SUMMARY_HEADER "\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    report_csv_field(out, r->environment);
    sep(out);
    report_csv_field(out, r->metric);
    u64(out, r->n);
    num(out, r->mean.est);
    num(out, r->p50.est);
    num(out, r->p90.est);
    num(out, r->p95.est);
    num(out, r->p99.est);
    num(out, r->max);
    num(out, r->objective);
    num(out, r->p_meet.est);
    num(out, r->p_meet.lo);
    num(out, r->p_meet.hi);
    num(out, r->mean.lo);
    num(out, r->mean.hi);
    num(out, r->p50.lo);
    num(out, r->p50.hi);
    num(out, r->p90.lo);
    num(out, r->p90.hi);
    num(out, r->p95.lo);
    num(out, r->p95.hi);
    num(out, r->p99.lo);
    num(out, r->p99.hi);
    if (isnan(r->objective)) sep(out);   /* n_meet means nothing without one */
    else u64(out, r->n_meet);
    u64(out, r->not_recovered);
    putc('\n', out);
  }
  return finish(out, err, "summary");
}

int report_csv_write_steps(FILE *out, const report_summary *s, report_error *err)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(s, &rows);
  fputs("environment,step,manual,standby,n,criticality,criticality_lo,"
        "criticality_hi,n_completed,mean_duration_s,sd_duration_s,"
        "attempts_per_trial,failure_rate,failure_rate_lo,failure_rate_hi,"
        "off_hours_share\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_step_row *r = &rows[i];
    report_csv_field(out, r->environment);
    sep(out);
    report_csv_field(out, r->name);
    u64(out, (uint64_t)(r->manual != 0));
    sep(out);
    report_csv_field(out, r->standby);
    u64(out, r->n);
    ci3(out, r->criticality);
    u64(out, r->n_completed);
    num(out, r->mean_duration_s);
    num(out, r->sd_duration_s);
    num(out, r->attempts_per_trial);
    ci3(out, r->failure_rate);
    num(out, r->off_hours_share);
    putc('\n', out);
  }
  return finish(out, err, "steps");
}

int report_csv_write_components(FILE *out, const report_summary *s,
                                report_error *err)
{
  const report_summary_component_row *rows;
  size_t n = report_summary_components(s, &rows);
  fputs("component,environment,replication_mode,n_rpo,mean_rpo_s,max_rpo_s,"
        "inf_rpo,sets_env_rpo,sets_env_rpo_lo,sets_env_rpo_hi,n_failover,"
        "mean_failover_s,max_failover_s,mean_down_s,mean_downtime_caused_s,"
        "failures_per_trial,incidents_caused_per_trial\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_component_row *r = &rows[i];
    report_csv_field(out, r->name);
    sep(out);
    report_csv_field(out, r->environment);
    sep(out);
    report_csv_field(out, r->replication_mode);
    u64(out, r->n_rpo);
    num(out, r->mean_rpo_s);
    num(out, r->max_rpo_s);
    u64(out, r->inf_rpo);
    ci3(out, r->sets_env_rpo);
    u64(out, r->n_failover);
    num(out, r->mean_failover_s);
    num(out, r->max_failover_s);
    num(out, r->mean_down_s);
    num(out, r->mean_downtime_caused_s);
    num(out, r->failures_per_trial);
    num(out, r->incidents_caused_per_trial);
    putc('\n', out);
  }
  return finish(out, err, "components");
}

int report_csv_write_standby(FILE *out, const report_summary *s, report_error *err)
{
  const report_summary_standby_row *rows;
  size_t n = report_summary_standby(s, &rows);
  fputs("pool,environment,warm_nodes,required_nodes,service_nodes,"
        "node_cost_per_hour,annual_warm_cost,n,mean_first_service_s,"
        "first_service_p50,first_service_p50_lo,first_service_p50_hi,"
        "first_service_p90,first_service_p90_lo,first_service_p90_hi,"
        "first_service_p99,first_service_p99_lo,first_service_p99_hi,"
        "mean_full_capacity_s,"
        "full_capacity_p50,full_capacity_p50_lo,full_capacity_p50_hi,"
        "full_capacity_p90,full_capacity_p90_lo,full_capacity_p90_hi,"
        "full_capacity_p99,full_capacity_p99_lo,full_capacity_p99_hi,"
        "max_full_capacity_s,shortage_share,mean_nodes\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_standby_row *r = &rows[i];
    report_csv_field(out, r->name);
    sep(out);
    report_csv_field(out, r->environment);
    u64(out, (uint64_t)(r->warm_nodes > 0 ? r->warm_nodes : 0));
    u64(out, (uint64_t)(r->required_nodes > 0 ? r->required_nodes : 0));
    u64(out, (uint64_t)(r->service_nodes > 0 ? r->service_nodes : 0));
    num(out, r->node_cost_per_hour);
    num(out, r->annual_warm_cost);
    u64(out, r->n);
    num(out, r->mean_first_service_s);
    ci3(out, r->first_service_p50);
    ci3(out, r->first_service_p90);
    ci3(out, r->first_service_p99);
    num(out, r->mean_full_capacity_s);
    ci3(out, r->full_capacity_p50);
    ci3(out, r->full_capacity_p90);
    ci3(out, r->full_capacity_p99);
    num(out, r->max_full_capacity_s);
    num(out, r->shortage_share);
    num(out, r->mean_nodes);
    putc('\n', out);
  }
  return finish(out, err, "standby");
}

typedef struct trials_ctx {
  FILE *out;
  int64_t run_id;
} trials_ctx;

static int trial_row(void *ctx, const report_trial_row *r)
{
  trials_ctx *c = ctx;
  FILE *out = c->out;
  fprintf(out, "%lld,", (long long)c->run_id);
  report_csv_field(out, r->environment);
  u64(out, r->trial);
  num(out, r->rto_s);
  num(out, r->rpo_s);
  fprintf(out, ",%d", r->recovered);
  num(out, r->first_service_s);
  num(out, r->full_capacity_s);
  fprintf(out, ",%d", r->retries);
  num(out, r->wallclock_s);
  num(out, r->availability);
  num(out, r->downtime_s);
  num(out, r->incidents);
  num(out, r->disasters);
  num(out, r->disaster_incidents);
  num(out, r->component_incidents);
  num(out, r->downtime_component_s);
  num(out, r->downtime_disaster_s);
  num(out, r->downtime_failback_s);
  num(out, r->longest_outage_s);
  putc('\n', out);
  /* Stop early on a dead stream (closed pipe, full disk) rather than
  ** formatting millions of rows into it. */
  return ferror(out) ? REPORT_EIO : 0;
}

int report_csv_write_trials(FILE *out, report_store *st, int64_t run_id,
                            report_error *err)
{
  /* Check the run first, so a wrong id writes nothing at all. */
  report_run *run = NULL;
  int rc = report_store_run_get(st, run_id, &run, err);
  if (rc) return rc;
  report_store_run_free(run);
  fputs("run_id,environment,trial,rto_s,rpo_s,recovered,first_service_s,"
        "full_capacity_s,retries,wallclock_s,availability,downtime_s,"
        "incidents,disasters,disaster_incidents,component_incidents,"
        "downtime_component_s,downtime_disaster_s,downtime_failback_s,"
        "longest_outage_s\n", out);
  trials_ctx c = {out, run_id};
  rc = report_store_trials_foreach(st, run_id, trial_row, &c, err);
  if (rc == REPORT_EIO && ferror(out)) return finish(out, err, "trials");
  if (rc) return rc;
  return finish(out, err, "trials");
}
