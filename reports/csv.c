/*
** reports/csv.c — CSV writers (format in reports/csv.h). Numbers go through
** report_csv_format_number so every table prints them the same way, and
** each writer checks the stream once at the end (stdio keeps the error
** flag), which is where a full disk or closed pipe shows up.
*/
#include "reports/csv.h"
#include "reports/columns.h"
#include "reports/costs.h"

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

/* A summary row of a cost figure: a mean with its interval over n trials,
** in the currency. */
static report_summary_row cost_row(const report_costs *c, const char *env, const char *metric,
                                   report_stats_ci v)
{
  report_summary_row r;
  memset(&r, 0, sizeof r);
  report_stats_ci none = {NAN, NAN, NAN};
  r.environment = env;
  r.metric = metric;
  r.n = r.n_finite = r.n_affected = c->n;
  r.mean = v;
  r.p50 = r.p90 = r.p95 = r.p99 = r.p_meet = none;
  r.max = r.objective = NAN;
  r.unit = c->currency;
  return r;
}

/* The trials in which the disaster affected env (its rto row's), or the
** most over every environment for env NULL. */
static uint64_t affected(const report_summary_row *rows, size_t n, const char *env)
{
  uint64_t most = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(rows[i].metric, "rto") != 0) continue;
    if (env && strcmp(rows[i].environment, env) == 0) return rows[i].n_affected;
    if (!env && rows[i].n_affected > most) most = rows[i].n_affected;
  }
  return most;
}

/* The cost rows after a run's summary rows (reports/costs.h): per
** environment and over all ("all") the loss per disaster, its CVaR-95, and
** the annual cost of risk, standby and total; n_affected as the summary
** rows say (over all: the most of any environment). Fills rows[0..);
** returns how many (at most n_env + 5). */
static size_t cost_rows(const report_costs *c, const report_summary_row *summary, size_t n,
                        report_summary_row *rows)
{
  size_t k = 0;
  double r = c->disasters_per_year;
  report_stats_ci none = {NAN, NAN, NAN};
  for (size_t e = 0; e < c->n_env; e++) {
    rows[k] = cost_row(c, c->env[e].environment, "loss", c->env[e].loss);
    rows[k++].n_affected = affected(summary, n, c->env[e].environment);
  }
  size_t first_all = k;
  rows[k++] = cost_row(c, "all", "loss", c->loss);
  rows[k++] = cost_row(c, "all", "loss_cvar95", (report_stats_ci){c->cvar95, NAN, NAN});
  rows[k++] = cost_row(c, "all", "risk_annual", isfinite(r) ? c->risk_annual : none);
  rows[k++] = cost_row(c, "all", "standby_annual", (report_stats_ci){c->standby_annual, NAN, NAN});
  rows[k++] = cost_row(c, "all", "total_annual", isfinite(r) ? c->total_annual : none);
  for (size_t i = first_all; i < k; i++) rows[i].n_affected = affected(summary, n, NULL);
  return k;
}

report_summary_row *report_csv_summary_rows(const report_summary *s, size_t *n_rows)
{
  const report_summary_row *summary_rows;
  size_t n_summary = report_summary_rows(s, &summary_rows);
  const report_costs *costs = report_summary_costs(s);
  size_t n = n_summary + (costs ? costs->n_env + 5 : 0);
  report_summary_row *rows = malloc((n ? n : 1) * sizeof *rows);
  if (!rows) return NULL;
  if (n_summary) memcpy(rows, summary_rows, n_summary * sizeof *rows);
  if (costs) n = n_summary + cost_rows(costs, summary_rows, n_summary, rows + n_summary);
  *n_rows = n;
  return rows;
}

int report_csv_write_summary(FILE *out, const report_summary *s, report_error *err)
{
  size_t n = 0;
  report_summary_row *rows = report_csv_summary_rows(s, &n);
  if (!rows) {
    if (err) snprintf(err->text, sizeof err->text, "out of memory writing the summary CSV");
    return REPORT_ENOMEM;
  }
  for (size_t j = 0; j < report_summary_ncolumns; j++)
    fprintf(out, "%s%s", j ? "," : "", report_summary_columns[j].name);
  putc('\n', out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    for (size_t j = 0; j < report_summary_ncolumns; j++) {
      const report_summary_column *c = &report_summary_columns[j];
      if (j) sep(out);
      if (report_summary_column_missing(c, r)) continue;
      if (c->kind == REPORT_SUMCOL_TEXT) report_csv_field(out, report_summary_column_text(c, r));
      else if (c->kind == REPORT_SUMCOL_NUMBER)
        report_csv_number(out, report_summary_column_number(c, r));
      else fprintf(out, "%llu", (unsigned long long)report_summary_column_count(c, r));
    }
    putc('\n', out);
  }
  free(rows);
  return finish(out, err, "summary");
}

int report_csv_write_steps(FILE *out, const report_summary *s, report_error *err)
{
  const report_summary_step_row *rows;
  size_t n = report_summary_steps(s, &rows);
  fputs("environment,step,manual,standby,n,criticality,criticality_lo,"
        "criticality_hi,n_completed,mean_duration_s,sd_duration_s,"
        "attempts_per_trial,failure_rate,failure_rate_lo,failure_rate_hi,"
        "off_hours_share,mean_team_wait_s\n", out);
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
    num(out, r->mean_team_wait_s);
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
        "failures_per_trial,incidents_caused_per_trial,failures,mtbf_target_s,"
        "mtbf_s,mtbf_s_lo,mtbf_s_hi,mttr_target_s,mttr_s,mttr_s_lo,mttr_s_hi\n", out);
  int lifetime = report_summary_run(s)->mode == MODEL_MODE_LIFETIME;
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
    if (lifetime) u64(out, r->failures);
    else sep(out);
    num(out, r->mtbf_target_s);
    ci3(out, r->mtbf_s);
    num(out, r->mttr_target_s);
    ci3(out, r->mttr_s);
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

int report_csv_write_lifetime(FILE *out, const report_summary *s, report_error *err)
{
  const report_summary_lifetime_row *rows;
  size_t n = report_summary_lifetime(s, &rows);
  fputs("environment,n,availability_objective,availability,availability_lo,availability_hi,"
        "p_meet,p_meet_lo,p_meet_hi,downtime_s,downtime_s_lo,downtime_s_hi,n_disaster,"
        "expected_n_disaster,p_no_disaster,disaster_incidents,incidents_itemised,"
        "component_incidents,disaster_availability,disaster_availability_lo,"
        "disaster_availability_hi,disaster_p_meet,disaster_p_meet_lo,disaster_p_meet_hi,"
        "disaster_downtime_s,disaster_downtime_s_lo,disaster_downtime_s_hi,"
        "quiet_availability,quiet_availability_lo,quiet_availability_hi,quiet_p_meet,"
        "quiet_p_meet_lo,quiet_p_meet_hi,quiet_downtime_s,quiet_downtime_s_lo,"
        "quiet_downtime_s_hi,stratified_availability,stratified_availability_lo,"
        "stratified_availability_hi,n_incidents,incidents_not_recovered,"
        "incident_rto_p50,incident_rto_p50_lo,incident_rto_p50_hi,"
        "incident_rto_p95,incident_rto_p95_lo,incident_rto_p95_hi,"
        "incident_rpo_p50,incident_rpo_p50_lo,incident_rpo_p50_hi,"
        "incident_rpo_p95,incident_rpo_p95_lo,incident_rpo_p95_hi,"
        "incident_rto_meet,incident_rto_meet_lo,incident_rto_meet_hi,"
        "incident_rpo_meet,incident_rpo_meet_lo,incident_rpo_meet_hi,"
        "downtime_per_incident_s,downtime_component_s,downtime_disaster_s,"
        "downtime_failback_s,top_cause,top_cause_share\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_lifetime_row *r = &rows[i];
    report_csv_field(out, r->environment);
    u64(out, r->n);
    num(out, r->objective);
    ci3(out, r->availability);
    ci3(out, r->p_meet);
    ci3(out, r->downtime_s);
    u64(out, r->n_disaster);
    num(out, r->expected_n_disaster);
    num(out, r->p_no_disaster);
    u64(out, r->disaster_incidents);
    u64(out, r->incidents_itemised);
    u64(out, r->component_incidents);
    ci3(out, r->disaster_availability);
    ci3(out, r->disaster_p_meet);
    ci3(out, r->disaster_downtime_s);
    ci3(out, r->quiet_availability);
    ci3(out, r->quiet_p_meet);
    ci3(out, r->quiet_downtime_s);
    ci3(out, r->stratified_availability);
    u64(out, r->n_incidents);
    u64(out, r->incidents_not_recovered);
    ci3(out, r->incident_rto_p50);
    ci3(out, r->incident_rto_p95);
    ci3(out, r->incident_rpo_p50);
    ci3(out, r->incident_rpo_p95);
    ci3(out, r->incident_rto_meet);
    ci3(out, r->incident_rpo_meet);
    num(out, r->downtime_per_incident_s);
    num(out, r->downtime_component_s);
    num(out, r->downtime_disaster_s);
    num(out, r->downtime_failback_s);
    sep(out);
    report_csv_field(out, r->top_cause);
    num(out, r->top_cause_share);
    putc('\n', out);
  }
  return finish(out, err, "lifetime");
}

int report_csv_write_causes(FILE *out, const report_summary *s, report_error *err)
{
  static const char *const kinds[] = {"component", "disaster", "failback"};
  const report_summary_cause_row *rows;
  size_t n = report_summary_causes(s, &rows);
  fputs("environment,cause,kind,trials,mean_downtime_s,mean_downtime_s_lo,"
        "mean_downtime_s_hi,share,availability_cost\n", out);
  for (size_t i = 0; i < n; i++) {
    const report_summary_cause_row *r = &rows[i];
    report_csv_field(out, r->environment);
    sep(out);
    report_csv_field(out, r->cause);
    sep(out);
    report_csv_field(out, (unsigned)r->kind < 3 ? kinds[r->kind] : "component");
    u64(out, r->trials);
    ci3(out, r->downtime_s);
    num(out, r->share);
    num(out, r->availability_cost);
    putc('\n', out);
  }
  return finish(out, err, "causes");
}

typedef struct incidents_ctx {
  FILE *out;
  int64_t run_id;
} incidents_ctx;

static int incident_row(void *ctx, const report_incident_row *r)
{
  incidents_ctx *c = ctx;
  FILE *out = c->out;
  fprintf(out, "%lld,", (long long)c->run_id);
  report_csv_field(out, r->environment);
  u64(out, r->trial);
  fprintf(out, ",%d,", r->incident);
  report_csv_field(out, r->cause);
  num(out, r->start_s);
  num(out, r->rto_s);
  num(out, r->rpo_s);
  num(out, r->failback_s);
  fprintf(out, ",%d,%d\n", r->failed_over, r->recovered);
  return ferror(out) ? REPORT_EIO : 0;
}

int report_csv_write_incidents(FILE *out, report_store *st, int64_t run_id,
                               report_error *err)
{
  report_run *run = NULL;
  int rc = report_store_run_get(st, run_id, &run, err);
  if (rc) return rc;
  report_store_run_free(run);
  fputs("run_id,environment,trial,incident,cause,start_s,rto_s,rpo_s,failback_s,"
        "failed_over,recovered\n", out);
  incidents_ctx c = {out, run_id};
  rc = report_store_incidents_foreach(st, run_id, incident_row, &c, err);
  if (rc == REPORT_EIO && ferror(out)) return finish(out, err, "incidents");
  if (rc) return rc;
  return finish(out, err, "incidents");
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
  for (size_t j = 0; j < report_trial_ncolumns; j++) {
    const report_trial_column *col = &report_trial_columns[j];
    double v = report_trial_column_get(col, r);
    if (col->row_int) fprintf(out, ",%d", (int)v);
    else num(out, v);
  }
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
  fputs("run_id,environment,trial", out);
  for (size_t j = 0; j < report_trial_ncolumns; j++)
    fprintf(out, ",%s", report_trial_columns[j].col.name);
  putc('\n', out);
  trials_ctx c = {out, run_id};
  rc = report_store_trials_foreach(st, run_id, trial_row, &c, err);
  if (rc == REPORT_EIO && ferror(out)) return finish(out, err, "trials");
  if (rc) return rc;
  return finish(out, err, "trials");
}
