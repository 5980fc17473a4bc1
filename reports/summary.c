/*
** reports/summary.c — builds a report_summary from the store (contract in
** reports/summary.h). Each metric column is read once, sorted once, and all
** its quantiles come from that sorted copy; steps, components and pools come
** from the aggregates the store keeps, so they cost nothing per trial.
** Lifetime mode reads a few more trial columns in the same scan (the
** downtime by kind of cause, the incident counts), the itemised incidents,
** and the downtime-by-(environment, component) and MTBF/MTTR aggregates.
*/
#include "reports/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#define HOURS_PER_YEAR 8760.0

struct report_summary {
  report_run *run;
  report_summary_row *rows;
  size_t n_rows, cap_rows;
  report_summary_step_row *steps;
  size_t n_steps;
  report_summary_component_row *components;
  size_t n_components;
  report_summary_standby_row *standby;
  size_t n_standby;
  report_summary_lifetime_row *lifetime;
  size_t n_lifetime;
  report_summary_cause_row *causes;
  size_t n_causes, cap_causes;
  char **leads;             /* report_summary_add_lead */
  size_t n_leads;
};

const report_run *report_summary_run(const report_summary *s) { return s->run; }

size_t report_summary_rows(const report_summary *s, const report_summary_row **items)
{
  *items = s->rows;
  return s->n_rows;
}

size_t report_summary_steps(const report_summary *s, const report_summary_step_row **items)
{
  *items = s->steps;
  return s->n_steps;
}

size_t report_summary_components(const report_summary *s,
                                 const report_summary_component_row **items)
{
  *items = s->components;
  return s->n_components;
}

size_t report_summary_standby(const report_summary *s,
                              const report_summary_standby_row **items)
{
  *items = s->standby;
  return s->n_standby;
}

size_t report_summary_lifetime(const report_summary *s,
                               const report_summary_lifetime_row **items)
{
  *items = s->lifetime;
  return s->n_lifetime;
}

size_t report_summary_causes(const report_summary *s, const report_summary_cause_row **items)
{
  *items = s->causes;
  return s->n_causes;
}

void report_summary_free(report_summary *s)
{
  if (!s) return;
  report_store_run_free(s->run);
  free(s->lifetime);
  free(s->causes);
  free(s->rows);
  free(s->steps);
  free(s->components);
  free(s->standby);
  for (size_t i = 0; i < s->n_leads; i++) free(s->leads[i]);
  free(s->leads);
  free(s);
}

int report_summary_add_lead(report_summary *s, const char *text)
{
  char **l = realloc(s->leads, (s->n_leads + 1) * sizeof *l);
  if (!l) return REPORT_ENOMEM;
  s->leads = l;
  size_t n = strlen(text) + 1;
  if (!(l[s->n_leads] = malloc(n))) return REPORT_ENOMEM;
  memcpy(l[s->n_leads++], text, n);
  return REPORT_OK;
}

size_t report_summary_leads(const report_summary *s, const char *const **items)
{
  *items = (const char *const *)s->leads;
  return s->n_leads;
}

size_t report_summary_missed(const report_summary *s, double min_p_meet)
{
  size_t k = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    const report_summary_row *r = &s->rows[i];
    if (isnan(r->objective)) continue;
    /* not affected in any of the trials run: nothing to meet */
    if (r->n == 0 && r->n_affected == 0 && s->run->trials_done > 0) continue;
    if (r->n == 0 || r->p_meet.est < min_p_meet) k++;
  }
  return k;
}

static int nomem(report_store *st, report_error *err)
{
  if (err)
    snprintf(err->text, sizeof err->text, "%s: out of memory while summarising",
             report_store_path(st));
  return REPORT_ENOMEM;
}

/* Fill the distribution part of a row from values x[0..n) (consumed:
** sorted in place, NaNs dropped). */
static void describe(report_summary_row *row, double *x, size_t n)
{
  n = report_stats_prepare(x, n);
  row->n = n;
  size_t n_finite = 0;
  row->mean = report_stats_mean(x, n, REPORT_STATS_LEVEL, &n_finite);
  row->n_finite = n_finite;
  row->p50 = report_stats_quantile(x, n, 0.50, REPORT_STATS_LEVEL);
  row->p90 = report_stats_quantile(x, n, 0.90, REPORT_STATS_LEVEL);
  row->p95 = report_stats_quantile(x, n, 0.95, REPORT_STATS_LEVEL);
  row->p99 = report_stats_quantile(x, n, 0.99, REPORT_STATS_LEVEL);
  row->max = n ? x[n - 1] : NAN;
}

static report_summary_row *new_row(report_summary *s, const char *env,
                                   const char *metric)
{
  if (s->n_rows == s->cap_rows) {
    size_t nc = s->cap_rows ? 2 * s->cap_rows : 8;
    report_summary_row *r = realloc(s->rows, nc * sizeof *r);
    if (!r) return NULL;
    s->rows = r;
    s->cap_rows = nc;
  }
  report_summary_row *row = &s->rows[s->n_rows++];
  memset(row, 0, sizeof *row);
  row->environment = env;
  row->metric = metric;
  row->objective = NAN;
  row->p_meet = (report_stats_ci){NAN, NAN, NAN};
  return row;
}

/* Per-trial inputs of one environment, all in trial order, same length,
** read in one scan of the trials table. */
enum { C_RTO, C_RPO, C_RECOVERED, C_FULL, C_INCIDENTS, C_DISASTER_INCIDENTS,
       C_AVAILABILITY, C_DOWNTIME, C_COMPONENT_INCIDENTS, C_DT_COMPONENT, C_DT_DISASTER,
       C_DT_FAILBACK, C_AFFECTED, C_COUNT };

typedef struct env_cols {
  double *v[C_COUNT];       /* NULL for columns not read */
  size_t n;
} env_cols;

static void free_cols(env_cols *c)
{
  for (size_t j = 0; j < C_COUNT; j++) free(c->v[j]);
  memset(c, 0, sizeof *c);
}

static int read_env(report_store *st, const report_run *run, const char *env,
                    int has_pool, env_cols *c, report_error *err)
{
  static const char *const names[C_COUNT] = {
    "rto_s", "rpo_s", "recovered", "full_capacity_s", "incidents",
    "disaster_incidents", "availability", "downtime_s", "component_incidents",
    "downtime_component_s", "downtime_disaster_s", "downtime_failback_s", "affected"};
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  const char *cols[C_COUNT];
  int which[C_COUNT];
  size_t k = 0;
  for (int j = 0; j < C_COUNT; j++) {
    int want = j <= C_RECOVERED || (j == C_FULL && has_pool && !lifetime) ||
               (j >= C_INCIDENTS && j < C_AFFECTED && lifetime) || (j == C_AFFECTED && !lifetime);
    if (want) {
      which[k] = j;
      cols[k++] = names[j];
    }
  }
  double *vals[C_COUNT];
  int rc = report_store_trial_columns(st, run->id, env, cols, k, vals, &c->n, err);
  if (rc) return rc;
  for (size_t j = 0; j < k; j++) c->v[which[j]] = vals[j];
  return REPORT_OK;
}

/* Include trial i in the rto/rpo rows? Only trials that affected the
** environment have an RTO/RPO (the models write 0 for the others). Disaster
** mode: trials.affected (NULL before schema 4: affected). Lifetime mode:
** trials where a disaster started an incident; databases before schema 2
** lack disaster_incidents, so there any incident counts. */
static int has_sample(const env_cols *c, size_t i)
{
  if (!c->v[C_INCIDENTS]) {           /* disaster mode */
    const double *a = c->v[C_AFFECTED];
    return !a || isnan(a[i]) || a[i] != 0;
  }
  double d = c->v[C_DISASTER_INCIDENTS][i];
  if (!isnan(d)) return d > 0;
  return !isnan(c->v[C_INCIDENTS][i]) && c->v[C_INCIDENTS][i] > 0;
}

static void set_objective(report_summary_row *row, double objective, size_t meet)
{
  row->objective = objective;
  if (!isnan(objective)) {
    row->n_meet = meet;
    row->p_meet = report_stats_wilson(meet, row->n, REPORT_STATS_LEVEL);
  }
}

/* Mean with its t interval from n values' sum and sum of squares (the
** aggregates the store keeps instead of the values). */
static report_stats_ci mean_from_moments(double n, double sum, double sum_sq)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (!(n >= 1)) return r;
  double m = sum / n;
  r.est = m;
  if (n < 2) return r;
  double var = (sum_sq - n * m * m) / (n - 1.0);
  if (!(var > 0)) var = 0;   /* rounding; or every value equal */
  double half = gsl_cdf_tdist_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0, n - 1.0) * sqrt(var / n);
  r.lo = m - half;
  r.hi = m + half;
  return r;
}

/* The ratio R = sum_y / sum_x of two per-trial totals over n independent
** trials with the delta-method interval R ± t(n-1) se,
** se = sqrt(q / (n (n - 1))) / mean(x), q = sum over trials of
** (y - R x)^2. q < 0 (rounding) counts as 0; q NaN: no interval. */
static report_stats_ci ratio_ci(double n, double sum_y, double sum_x, double q)
{
  report_stats_ci r = {NAN, NAN, NAN};
  if (!(sum_x > 0)) return r;
  r.est = sum_y / sum_x;
  if (n < 2 || isnan(q)) return r;
  if (q < 0) q = 0;
  double se = sqrt(q / (n * (n - 1.0))) / (sum_x / n);
  double half = gsl_cdf_tdist_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0, n - 1.0) * se;
  r.lo = r.est - half;
  r.hi = r.est + half;
  return r;
}

/* What the disaster incidents are called as a cause, from the run's
** disaster ("region-outage eastus" -> "region disaster"). */
static const char *disaster_cause(const report_run *run)
{
  const char *d = run->disaster;
  if (!d) return "disaster";
  if (strncmp(d, "region-outage", 13) == 0) return "region disaster";
  if (strncmp(d, "zone-outage", 11) == 0) return "zone disaster";
  if (strncmp(d, "component", 9) == 0) return "component disaster";
  return "disaster";
}

static report_summary_cause_row *new_cause(report_summary *s)
{
  if (s->n_causes == s->cap_causes) {
    size_t nc = s->cap_causes ? 2 * s->cap_causes : 16;
    report_summary_cause_row *r = realloc(s->causes, nc * sizeof *r);
    if (!r) return NULL;
    s->causes = r;
    s->cap_causes = nc;
  }
  report_summary_cause_row *c = &s->causes[s->n_causes++];
  memset(c, 0, sizeof *c);
  return c;
}

/* Environment e's causes of downtime, appended to s->causes and sorted by
** share (insertion sort: stable, and an environment has few causes). */
static int summarise_causes(report_summary *s, size_t e, const env_cols *c,
                            report_summary_lifetime_row *lt)
{
  const report_run *run = s->run;
  const char *env = run->environments[e].name;
  double n = (double)c->n, H = run->horizon_s;
  size_t first = s->n_causes;
  report_summary_cause_row *row;
  int split = run->n_env_components > 0;
  for (size_t k = 0; k < run->n_env_components; k++) {
    const report_run_env_component *x = &run->env_components[k];
    if (x->env_index != e || x->component_index >= run->n_components) continue;
    if (!(x->sum_downtime_s > 0)) continue;
    if (!(row = new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = run->components[x->component_index].name;
    row->kind = REPORT_CAUSE_COMPONENT;
    row->trials = x->trials;
    row->downtime_s = mean_from_moments(n, x->sum_downtime_s, x->sum_sq_downtime_s);
  }
  /* Per trial columns: component downtime (only when the database has no
  ** split by component), the disaster incidents, failback. */
  const struct {
    int col;
    report_cause_kind kind;
    const char *name;
  } kinds[3] = {
    {C_DT_COMPONENT, REPORT_CAUSE_COMPONENT, "components (not split: database before schema 3)"},
    {C_DT_DISASTER, REPORT_CAUSE_DISASTER, disaster_cause(run)},
    {C_DT_FAILBACK, REPORT_CAUSE_FAILBACK, "failback"},
  };
  for (int j = split ? 1 : 0; j < 3; j++) {
    const double *v = c->v[kinds[j].col];
    size_t hits = 0;
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; v && i < c->n; i++)
      if (isfinite(v[i]) && v[i] > 0) {
        hits++;
        sum += v[i];
        sum_sq += v[i] * v[i];
      }
    if (!(sum > 0)) continue;
    if (!(row = new_cause(s))) return REPORT_ENOMEM;
    row->environment = env;
    row->cause = kinds[j].name;
    row->kind = kinds[j].kind;
    row->trials = hits;
    row->downtime_s = mean_from_moments(n, sum, sum_sq);
  }
  /* Shares of the sum of the causes (not of the downtime column, which
  ** differs from it by rounding), so they add up to 1. */
  double total = 0;
  for (size_t k = first; k < s->n_causes; k++) total += s->causes[k].downtime_s.est;
  for (size_t k = first; k < s->n_causes; k++) {
    report_summary_cause_row *r = &s->causes[k];
    r->share = r->downtime_s.est / total;
    r->availability_cost = r->downtime_s.est / H;
  }
  for (size_t k = first + 1; k < s->n_causes; k++) {
    report_summary_cause_row x = s->causes[k];
    size_t j = k;
    for (; j > first && s->causes[j - 1].share < x.share; j--) s->causes[j] = s->causes[j - 1];
    s->causes[j] = x;
  }
  if (s->n_causes > first) {
    lt->top_cause = s->causes[first].cause;
    lt->top_cause_share = s->causes[first].share;
  }
  return REPORT_OK;
}

/* Mean of x over the trials where sel[i] == want, and the share of those
** meeting `objective` (>= when higher is better). Writes the selected
** values to buf. */
static void stratum(const double *x, const unsigned char *sel, size_t n, int want,
                    double objective, int higher_is_better, double *buf,
                    report_stats_ci *mean, report_stats_ci *p_meet, size_t *count)
{
  size_t m = 0, meet = 0;
  for (size_t i = 0; i < n; i++) {
    if (sel[i] != want || isnan(x[i])) continue;
    buf[m++] = x[i];
    meet += higher_is_better ? x[i] >= objective : x[i] <= objective;
  }
  *mean = report_stats_mean(buf, m, REPORT_STATS_LEVEL, NULL);
  if (p_meet) {
    report_stats_ci none = {NAN, NAN, NAN};
    *p_meet = isnan(objective) ? none : report_stats_wilson(meet, m, REPORT_STATS_LEVEL);
  }
  if (count) *count = m;
}

/* Sample variance of the selected values (NaN below 2). */
static double stratum_var(const double *x, const unsigned char *sel, size_t n, int want)
{
  double sum = 0, m2 = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (sel[i] == want && isfinite(x[i])) { sum += x[i]; m++; }
  if (m < 2) return NAN;
  double mean = sum / (double)m;
  for (size_t i = 0; i < n; i++)
    if (sel[i] == want && isfinite(x[i])) m2 += (x[i] - mean) * (x[i] - mean);
  return m2 / (double)(m - 1);
}

/* The itemised incidents of environment e: per-incident RTO/RPO. */
static int summarise_incidents(report_store *st, const report_run *run, size_t e,
                               report_summary_lifetime_row *lt, report_error *err)
{
  const report_run_env *env = &run->environments[e];
  const char *cols[3] = {"rto_s", "rpo_s", "recovered"};
  double *v[3] = {NULL, NULL, NULL};
  size_t n = 0;
  int rc = report_store_incident_columns(st, run->id, env->name, cols, 3, v, &n, err);
  if (rc) return rc;
  size_t meet_rto = 0, meet_rpo = 0, notrec = 0;
  for (size_t i = 0; i < n; i++) {
    int rec = v[2][i] != 0;
    notrec += !rec;
    if (!rec) v[0][i] = INFINITY;
    meet_rto += rec && v[0][i] <= env->rto_objective_s;
    meet_rpo += rec && v[1][i] <= env->rpo_objective_s;
  }
  lt->n_incidents = n;
  lt->incidents_itemised = n;
  lt->incidents_not_recovered = notrec;
  report_stats_ci none = {NAN, NAN, NAN};
  lt->incident_rto_meet = isnan(env->rto_objective_s) || isinf(env->rto_objective_s)
                          ? none : report_stats_wilson(meet_rto, n, REPORT_STATS_LEVEL);
  lt->incident_rpo_meet = isnan(env->rpo_objective_s) || isinf(env->rpo_objective_s)
                          ? none : report_stats_wilson(meet_rpo, n, REPORT_STATS_LEVEL);
  size_t m = report_stats_prepare(v[0], n);
  lt->incident_rto_p50 = report_stats_quantile(v[0], m, 0.50, REPORT_STATS_LEVEL);
  lt->incident_rto_p95 = report_stats_quantile(v[0], m, 0.95, REPORT_STATS_LEVEL);
  m = report_stats_prepare(v[1], n);
  lt->incident_rpo_p50 = report_stats_quantile(v[1], m, 0.50, REPORT_STATS_LEVEL);
  lt->incident_rpo_p95 = report_stats_quantile(v[1], m, 0.95, REPORT_STATS_LEVEL);
  for (int j = 0; j < 3; j++) free(v[j]);
  return REPORT_OK;
}

/* Lifetime mode: environment e's lifetime row and causes. */
static int summarise_lifetime(report_summary *s, report_store *st, size_t e,
                              const env_cols *c, double *x, report_error *err)
{
  const report_run *run = s->run;
  const report_run_env *env = &run->environments[e];
  report_summary_lifetime_row *lt = &s->lifetime[e];
  s->n_lifetime = e + 1;
  report_stats_ci none = {NAN, NAN, NAN};
  lt->environment = env->name;
  lt->n = c->n;
  lt->objective = env->availability_objective;
  const double *av = c->v[C_AVAILABILITY], *dt = c->v[C_DOWNTIME];
  lt->availability = report_stats_mean(av, c->n, REPORT_STATS_LEVEL, NULL);
  lt->downtime_s = report_stats_mean(dt, c->n, REPORT_STATS_LEVEL, NULL);
  size_t meet = 0;
  for (size_t i = 0; i < c->n; i++) meet += !isnan(av[i]) && av[i] >= lt->objective;
  lt->p_meet = isnan(lt->objective) ? none : report_stats_wilson(meet, c->n, REPORT_STATS_LEVEL);

  unsigned char *sel = malloc(c->n ? c->n : 1);
  if (!sel) return nomem(st, err);
  double dis_down = 0;
  for (size_t i = 0; i < c->n; i++) {
    sel[i] = (unsigned char)has_sample(c, i);
    lt->n_disaster += sel[i];
    double d = c->v[C_DISASTER_INCIDENTS][i], ci = c->v[C_COMPONENT_INCIDENTS][i];
    if (isfinite(d)) lt->disaster_incidents += (uint64_t)d;
    if (isfinite(ci)) lt->component_incidents += (uint64_t)ci;
    double a = c->v[C_DT_DISASTER][i], b = c->v[C_DT_FAILBACK][i];
    dis_down += (isfinite(a) ? a : 0) + (isfinite(b) ? b : 0);
  }
  lt->downtime_per_incident_s = lt->disaster_incidents ? dis_down / (double)lt->disaster_incidents
                                                       : NAN;
  double rate = run->disaster_rate_per_s;
  lt->p_no_disaster = isfinite(rate) && rate >= 0 ? exp(-rate * run->horizon_s) : NAN;
  lt->expected_n_disaster = (double)c->n * (1.0 - lt->p_no_disaster);

  size_t n1 = 0, n0 = 0;
  stratum(av, sel, c->n, 1, lt->objective, 1, x, &lt->disaster_availability,
          &lt->disaster_p_meet, &n1);
  stratum(dt, sel, c->n, 1, NAN, 0, x, &lt->disaster_downtime_s, NULL, NULL);
  stratum(av, sel, c->n, 0, lt->objective, 1, x, &lt->quiet_availability, &lt->quiet_p_meet,
          &n0);
  stratum(dt, sel, c->n, 0, NAN, 0, x, &lt->quiet_downtime_s, NULL, NULL);

  /* Post-stratified mean: the strata's weights are known exactly. */
  double p0 = lt->p_no_disaster;
  lt->stratified_availability = none;
  if (!isnan(p0) && (p0 == 0 || n0 >= 2) && (p0 == 1 || n1 >= 2)) {
    double m0 = p0 > 0 ? lt->quiet_availability.est : 0, m1 = p0 < 1 ? lt->disaster_availability.est : 0;
    double v0 = p0 > 0 ? stratum_var(av, sel, c->n, 0) / (double)n0 : 0;
    double v1 = p0 < 1 ? stratum_var(av, sel, c->n, 1) / (double)n1 : 0;
    double est = p0 * m0 + (1 - p0) * m1;
    double half = gsl_cdf_ugaussian_Pinv(0.5 + REPORT_STATS_LEVEL / 2.0) *
                  sqrt(p0 * p0 * v0 + (1 - p0) * (1 - p0) * v1);
    lt->stratified_availability = (report_stats_ci){est, est - half, est + half};
  }
  free(sel);

  lt->downtime_component_s = report_stats_mean(c->v[C_DT_COMPONENT], c->n, REPORT_STATS_LEVEL, NULL).est;
  lt->downtime_disaster_s = report_stats_mean(c->v[C_DT_DISASTER], c->n, REPORT_STATS_LEVEL, NULL).est;
  lt->downtime_failback_s = report_stats_mean(c->v[C_DT_FAILBACK], c->n, REPORT_STATS_LEVEL, NULL).est;

  lt->incident_rto_p50 = lt->incident_rto_p95 = lt->incident_rpo_p50 = none;
  lt->incident_rpo_p95 = lt->incident_rto_meet = lt->incident_rpo_meet = none;
  int rc = summarise_incidents(st, run, e, lt, err);
  if (rc) return rc;
  if (summarise_causes(s, e, c, lt)) return nomem(st, err);
  return REPORT_OK;
}

static int summarise_env(report_summary *s, report_store *st, size_t e,
                         report_error *err)
{
  const report_run *run = s->run;
  const report_run_env *env = &run->environments[e];
  int lifetime = run->mode == MODEL_MODE_LIFETIME;
  int has_pool = 0;
  for (size_t p = 0; p < run->n_standby; p++)
    if (run->standby[p].environment && strcmp(run->standby[p].environment, env->name) == 0)
      has_pool = 1;
  env_cols c = {{0}, 0};
  double *x = NULL;
  int rc = read_env(st, run, env->name, has_pool, &c, err);
  if (rc) goto out;
  const double *rto = c.v[C_RTO], *rpo = c.v[C_RPO], *recovered = c.v[C_RECOVERED];
  x = malloc((c.n ? c.n : 1) * sizeof *x);
  if (!x) { rc = nomem(st, err); goto out; }

  size_t n_affected = 0;
  for (size_t i = 0; i < c.n; i++) n_affected += has_sample(&c, i) != 0;

  /* rto: NULL came back as +inf; with recovered = 1 it can only mean "no
  ** value" (NaN, dropped), never "not recovered". */
  report_summary_row *row = new_row(s, env->name, "rto");
  if (!row) { rc = nomem(st, err); goto out; }
  size_t m = 0, meet = 0, notrec = 0;
  for (size_t i = 0; i < c.n; i++) {
    if (!has_sample(&c, i)) continue;
    int rec = recovered[i] != 0;
    double v = rto[i];
    if (rec && isinf(v)) continue;
    notrec += !rec;
    meet += rec && v <= env->rto_objective_s;
    x[m++] = rec ? v : INFINITY;
  }
  describe(row, x, m);
  row->not_recovered = notrec;
  row->n_affected = n_affected;
  set_objective(row, env->rto_objective_s, meet);

  row = new_row(s, env->name, "rpo");
  if (!row) { rc = nomem(st, err); goto out; }
  m = meet = notrec = 0;
  for (size_t i = 0; i < c.n; i++) {
    if (!has_sample(&c, i)) continue;
    int rec = recovered[i] != 0;
    notrec += !rec;
    meet += rec && rpo[i] <= env->rpo_objective_s;
    x[m++] = rpo[i];
  }
  describe(row, x, m);
  row->not_recovered = notrec;
  row->n_affected = n_affected;
  set_objective(row, env->rpo_objective_s, meet);

  /* Environment-wide not-recovered count for the remaining rows. */
  size_t env_notrec = 0;
  for (size_t i = 0; i < c.n; i++) env_notrec += recovered[i] == 0;

  if (has_pool && !lifetime) {
    row = new_row(s, env->name, "full_capacity");
    if (!row) { rc = nomem(st, err); goto out; }
    /* NULL (NaN) in a pool environment: the pool never got there. Only
    ** the trials that affected the environment: the others never lost it. */
    const double *fc = c.v[C_FULL];
    m = 0;
    for (size_t i = 0; i < c.n; i++)
      if (has_sample(&c, i)) x[m++] = isnan(fc[i]) ? INFINITY : fc[i];
    describe(row, x, m);
    row->not_recovered = env_notrec;
    row->n_affected = n_affected;
  }

  if (lifetime) {
    const double *av = c.v[C_AVAILABILITY], *dt = c.v[C_DOWNTIME];
    row = new_row(s, env->name, "availability");
    if (!row) { rc = nomem(st, err); goto out; }
    row->is_fraction = 1;
    row->higher_is_better = 1;
    double obj = env->availability_objective;
    meet = 0;
    for (size_t i = 0; i < c.n; i++) meet += !isnan(av[i]) && av[i] >= obj;
    if (c.n) memcpy(x, av, c.n * sizeof *x);
    describe(row, x, c.n);
    row->not_recovered = env_notrec;
    row->n_affected = n_affected;
    set_objective(row, obj, meet);

    row = new_row(s, env->name, "downtime");
    if (!row) { rc = nomem(st, err); goto out; }
    obj = (1.0 - env->availability_objective) * run->horizon_s;   /* NAN propagates */
    meet = 0;
    for (size_t i = 0; i < c.n; i++) meet += !isnan(dt[i]) && dt[i] <= obj;
    if (c.n) memcpy(x, dt, c.n * sizeof *x);
    describe(row, x, c.n);
    row->not_recovered = env_notrec;
    row->n_affected = n_affected;
    set_objective(row, obj, meet);

    if ((rc = summarise_lifetime(s, st, e, &c, x, err))) goto out;
  }
out:
  free(x);
  free_cols(&c);
  return rc;
}

static void summarise_steps(report_summary *s)
{
  const report_run *run = s->run;
  for (size_t j = 0; j < run->n_steps; j++) {
    const report_run_step *a = &run->steps[j];
    report_summary_step_row *o = &s->steps[j];
    o->environment = a->environment;
    o->name = a->name;
    o->manual = a->manual;
    o->standby = a->standby;
    o->n = a->n;
    o->criticality = report_stats_wilson(a->critical, a->n, REPORT_STATS_LEVEL);
    o->failure_rate = report_stats_wilson(a->failures, a->n, REPORT_STATS_LEVEL);
    o->n_completed = a->n_completed;
    o->mean_duration_s = NAN;
    o->sd_duration_s = NAN;
    if (a->n_completed > 0) {
      double k = (double)a->n_completed, mean = a->sum_duration_s / k;
      o->mean_duration_s = mean;
      if (a->n_completed > 1) {
        double var = (a->sum_sq_duration_s - k * mean * mean) / (k - 1.0);
        o->sd_duration_s = sqrt(var > 0 ? var : 0);  /* rounding can go below 0 */
      }
    }
    o->attempts_per_trial = a->n ? (double)a->attempts / (double)a->n : NAN;
    o->off_hours_share = a->n ? (double)a->off_hours / (double)a->n : NAN;
    o->mean_team_wait_s = a->team_waits ? a->sum_team_wait_s / (double)a->team_waits : NAN;
  }
  s->n_steps = run->n_steps;
}

static void summarise_components(report_summary *s)
{
  const report_run *run = s->run;
  for (size_t c = 0; c < run->n_components; c++) {
    const report_run_component *a = &run->components[c];
    report_summary_component_row *o = &s->components[c];
    o->name = a->name;
    o->environment = a->environment;
    o->replication_mode = a->replication_mode;
    o->n_rpo = a->n_rpo;
    o->inf_rpo = a->inf_rpo;
    o->mean_rpo_s = a->n_rpo ? a->sum_rpo_s / (double)a->n_rpo : NAN;
    o->max_rpo_s = a->inf_rpo ? INFINITY : a->max_rpo_s;
    o->sets_env_rpo = report_stats_wilson(a->sets_env_rpo, run->trials_done,
                                          REPORT_STATS_LEVEL);
    o->n_failover = a->n_failover;
    o->mean_failover_s = a->n_failover ? a->sum_failover_s / (double)a->n_failover : NAN;
    o->max_failover_s = a->max_failover_s;
    double n = (double)run->trials_done;
    int lt = run->mode == MODEL_MODE_LIFETIME && run->trials_done > 0;
    o->mean_down_s = lt ? a->sum_down_s / n : NAN;
    o->mean_downtime_caused_s = lt ? a->sum_downtime_caused_s / n : NAN;
    o->failures_per_trial = lt ? (double)a->failures / n : NAN;
    o->incidents_caused_per_trial = lt ? (double)a->incidents_caused / n : NAN;
    o->failures = a->failures;
    o->mtbf_target_s = a->mtbf_target_s;
    o->mttr_target_s = a->mttr_target_s;
    report_stats_ci none = {NAN, NAN, NAN};
    o->mtbf_s = o->mttr_s = none;
    if (lt && a->failures > 0) {
      /* Per trial i: up time y = H - d_i, own down time d_i, failures f_i.
      ** The sums of squares about the ratio come from centred moments
      ** (no H^2 terms to cancel): with S_dd, S_df, S_ff the centred sums,
      ** sum (y - R f)^2 = S_dd + 2 R S_df + R^2 S_ff for MTBF (y's
      ** deviations are minus d's) and sum (d - R f)^2 = S_dd - 2 R S_df +
      ** R^2 S_ff for MTTR. A database before schema 3 lacks the squares
      ** (sum_sq_failures = 0 though failures > 0): estimates only. */
      double f = (double)a->failures, d = a->sum_down_s;
      double Sdd = a->sum_sq_down_s - d * d / n, Sdf = a->sum_down_x_failures - d * f / n,
             Sff = a->sum_sq_failures - f * f / n;
      int moments = a->sum_sq_failures > 0;
      double up = n * run->horizon_s - d;
      double R = up / f, Rd = d / f;
      o->mtbf_s = ratio_ci(n, up, f, moments ? Sdd + 2 * R * Sdf + R * R * Sff : NAN);
      o->mttr_s = ratio_ci(n, d, f, moments ? Sdd - 2 * Rd * Sdf + Rd * Rd * Sff : NAN);
    }
  }
  s->n_components = run->n_components;
}

/* Quantiles of one pool time column: NaN (never got there) counts as +inf. */
static void pool_quantiles(double *x, size_t n, report_stats_ci *p50,
                           report_stats_ci *p90, report_stats_ci *p99)
{
  for (size_t i = 0; i < n; i++)
    if (isnan(x[i])) x[i] = INFINITY;
  n = report_stats_prepare(x, n);
  *p50 = report_stats_quantile(x, n, 0.50, REPORT_STATS_LEVEL);
  *p90 = report_stats_quantile(x, n, 0.90, REPORT_STATS_LEVEL);
  *p99 = report_stats_quantile(x, n, 0.99, REPORT_STATS_LEVEL);
}

static int summarise_standby(report_summary *s, report_store *st, report_error *err)
{
  const report_run *run = s->run;
  int rc = REPORT_OK;
  for (size_t p = 0; p < run->n_standby; p++) {
    const report_run_standby *a = &run->standby[p];
    report_summary_standby_row *o = &s->standby[p];
    s->n_standby = p + 1;
    o->name = a->name;
    o->environment = a->environment;
    o->warm_nodes = a->warm_nodes;
    o->required_nodes = a->required_nodes;
    o->service_nodes = a->service_nodes;
    o->node_cost_per_hour = a->node_cost_per_hour;
    o->annual_warm_cost = a->warm_nodes * a->node_cost_per_hour * HOURS_PER_YEAR;
    o->n = a->n;
    o->mean_first_service_s = a->n_first_service
        ? a->sum_first_service_s / (double)a->n_first_service : NAN;
    o->mean_full_capacity_s = a->n_full_capacity
        ? a->sum_full_capacity_s / (double)a->n_full_capacity : NAN;
    o->max_full_capacity_s = a->n_full_capacity < a->n ? INFINITY : a->max_full_capacity_s;
    o->shortage_share = a->n ? (double)a->shortages / (double)a->n : NAN;
    o->mean_nodes = a->n ? (double)a->nodes / (double)a->n : NAN;
    report_stats_ci none = {NAN, NAN, NAN};
    o->first_service_p50 = o->first_service_p90 = o->first_service_p99 = none;
    o->full_capacity_p50 = o->full_capacity_p90 = o->full_capacity_p99 = none;

    /* Where the per-trial values are. */
    int pools_in_env = 0;
    for (size_t q = 0; q < run->n_standby; q++)
      if (a->environment && run->standby[q].environment &&
          strcmp(a->environment, run->standby[q].environment) == 0)
        pools_in_env++;
    const char *cols_detail[2] = {"first_service_s", "full_capacity_s"};
    double *fs = NULL, *fc = NULL;
    size_t nfs = 0, nfc = 0;
    if (run->detail == REPORT_DETAIL_STEPS) {
      rc = report_store_detail_column(st, run->id, "standby_trials", p, cols_detail[0],
                                      &fs, &nfs, err);
      if (!rc) rc = report_store_detail_column(st, run->id, "standby_trials", p,
                                               cols_detail[1], &fc, &nfc, err);
    } else if (pools_in_env == 1) {
      double *v[2];
      rc = report_store_trial_columns(st, run->id, a->environment, cols_detail, 2, v,
                                      &nfs, err);
      fs = v[0];
      fc = v[1];
      nfc = nfs;
    }
    if (!rc && nfs > 0 && nfc > 0) {
      o->has_quantiles = 1;
      pool_quantiles(fs, nfs, &o->first_service_p50, &o->first_service_p90,
                     &o->first_service_p99);
      pool_quantiles(fc, nfc, &o->full_capacity_p50, &o->full_capacity_p90,
                     &o->full_capacity_p99);
    }
    free(fs);
    free(fc);
    if (rc) return rc;
  }
  return rc;
}

int report_summary_build(report_store *st, int64_t run_id, report_summary **out,
                         report_error *err)
{
  *out = NULL;
  report_summary *s = calloc(1, sizeof *s);
  if (!s) return nomem(st, err);
  /* One snapshot: a run still being written gives a consistent summary of
  ** its trials_done committed trials. */
  int rc = report_store_snapshot_begin(st, err);
  if (rc) {
    free(s);
    return rc;
  }
  rc = report_store_run_get(st, run_id, &s->run, err);
  if (rc) goto fail;
  const report_run *run = s->run;
  s->steps = calloc(run->n_steps ? run->n_steps : 1, sizeof *s->steps);
  s->components = calloc(run->n_components ? run->n_components : 1, sizeof *s->components);
  s->standby = calloc(run->n_standby ? run->n_standby : 1, sizeof *s->standby);
  s->lifetime = calloc(run->n_environments ? run->n_environments : 1, sizeof *s->lifetime);
  if (!s->steps || !s->components || !s->standby || !s->lifetime) {
    rc = nomem(st, err);
    goto fail;
  }
  for (size_t e = 0; e < run->n_environments; e++)
    if ((rc = summarise_env(s, st, e, err))) goto fail;
  summarise_steps(s);
  summarise_components(s);
  if ((rc = summarise_standby(s, st, err))) goto fail;
  report_store_snapshot_end(st);
  *out = s;
  return REPORT_OK;
fail:
  report_store_snapshot_end(st);
  report_summary_free(s);
  return rc;
}
