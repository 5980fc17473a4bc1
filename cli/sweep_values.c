/*
** cli/sweep_values.c — values, grids, target metrics, one evaluation point
** and HTML page helpers for sweep / size / sensitivity (see sweep_values.h).
*/
#include "cli/sweep_values.h"
#include "cli/common.h"
#include "cli/args.h"
#include "study/exec.h"
#include "study/trials.h"
#include "models/outcome.h"
#include "models/units.h"
#include "sim/runner.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ values */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int errf(char *err, size_t n, const char *fmt, ...) {
  if (err && n) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static char *dup_range(const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

/* A whole plain number (strtod, finite). */
static int plain_number(const char *s, double *v) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(x)) return 0;
  *v = x;
  return 1;
}

/* The number a value stands for: plain number, fraction "5%", duration. */
static double value_number(const char *text) {
  double v;
  if (plain_number(text, &v)) return v;
  size_t len = strlen(text);
  if (len > 1 && text[len - 1] == '%' && model_units_parse_fraction(text, &v, NULL) == 0) return v;
  if (model_units_parse_duration(text, &v, NULL) == 0) return v;
  return NAN;
}

/* Seconds of the single unit a duration token is written in ("10m" -> 60),
** 0 when it has none or several ("600", "1h30m"). */
static double token_unit(const char *s) {
  static const struct { char c; double s; } units[] = {
    {'s', 1}, {'m', MODEL_UNITS_MINUTE}, {'h', MODEL_UNITS_HOUR}, {'d', MODEL_UNITS_DAY},
    {'w', MODEL_UNITS_WEEK}, {'y', MODEL_UNITS_YEAR}};
  size_t len = strlen(s);
  if (len < 2) return 0;
  double v;
  char *num = dup_range(s, len - 1);
  int ok = num && plain_number(num, &v);
  free(num);
  if (!ok) return 0;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (s[len - 1] == units[i].c) return units[i].s;
  return 0;
}

static char unit_letter(double unit) {
  if (unit == MODEL_UNITS_MINUTE) return 'm';
  if (unit == MODEL_UNITS_HOUR) return 'h';
  if (unit == MODEL_UNITS_DAY) return 'd';
  if (unit == MODEL_UNITS_WEEK) return 'w';
  if (unit == MODEL_UNITS_YEAR) return 'y';
  return 's';
}

static int axis_push(cli_sweep_axis *a, const char *text, size_t len, char *err, size_t n) {
  if (a->n >= CLI_SWEEP_MAX_VALUES)
    return errf(err, n, "more than %d values; sweep fewer values or a coarser step",
                CLI_SWEEP_MAX_VALUES);
  char **t = realloc(a->texts, (a->n + 1) * sizeof *t);
  if (!t) return errf(err, n, "out of memory");
  a->texts = t;
  double *v = realloc(a->numbers, (a->n + 1) * sizeof *v);
  if (!v) return errf(err, n, "out of memory");
  a->numbers = v;
  char *d = dup_range(text, len);
  if (!d) return errf(err, n, "out of memory");
  a->texts[a->n] = d;
  a->numbers[a->n] = value_number(d);
  a->n++;
  return 0;
}

/* One range item "A..B[/S]" (already trimmed). */
static int parse_range(const char *item, const char *dots, cli_sweep_axis *a, char *err, size_t n) {
  char *start = dup_range(item, (size_t)(dots - item));
  const char *rest = dots + 2;
  const char *slash = strchr(rest, '/');
  char *stop = dup_range(rest, slash ? (size_t)(slash - rest) : strlen(rest));
  char *step = slash ? dup_range(slash + 1, strlen(slash + 1)) : NULL;
  int rc = -1;
  if (!start || !stop || (slash && !step)) {
    errf(err, n, "out of memory");
    goto done;
  }
  double a0, b0, s0 = 1;
  int numeric = plain_number(start, &a0) && plain_number(stop, &b0) &&
                (!step || plain_number(step, &s0));
  double unit = 0;
  if (!numeric) {
    const char *why = NULL;
    if (model_units_parse_duration(start, &a0, &why) || model_units_parse_duration(stop, &b0, &why) ||
        (step && model_units_parse_duration(step, &s0, &why))) {
      errf(err, n, "range '%s': the ends and the step must be numbers or durations (%s), as in "
           "1..8 or 10m..60m/10m", item, why ? why : "not a number");
      goto done;
    }
    if (!step) {
      errf(err, n, "range '%s' of durations needs a step, as in %s/%s", item, item,
           token_unit(start) ? start : "10m");
      goto done;
    }
    unit = token_unit(step);
    if (!unit) unit = token_unit(start);
    if (!unit) unit = 1;
  }
  if (!(s0 > 0)) {
    errf(err, n, "range '%s': the step must be greater than 0", item);
    goto done;
  }
  if (b0 < a0) {
    errf(err, n, "range '%s' ends below its start; write the smaller value first", item);
    goto done;
  }
  double count = floor((b0 - a0) / s0 * (1 + 1e-12) + 1e-9) + 1;
  if (count > CLI_SWEEP_MAX_VALUES) {
    errf(err, n, "range '%s' has %.0f values, more than %d; use a larger step", item, count,
         CLI_SWEEP_MAX_VALUES);
    goto done;
  }
  for (size_t k = 0; k < (size_t)count; k++) {
    double v = a0 + (double)k * s0;
    char text[64];
    /* 15 digits: 0.1 + 2 * 0.1 is written "0.3", as a user would */
    if (numeric) snprintf(text, sizeof text, "%.15g", v);
    else snprintf(text, sizeof text, "%.15g%c", v / unit, unit_letter(unit));
    if (axis_push(a, text, strlen(text), err, n)) goto done;
  }
  rc = 0;
done:
  free(start);
  free(stop);
  free(step);
  return rc;
}

int cli_sweep_values_parse(const char *values, cli_sweep_axis *a, char *err, size_t n) {
  if (!values || !*values) return errf(err, n, "no values; write a list (1,2,4) or a range (1..8)");
  const char *p = values;
  for (;;) {
    /* the item runs to the next comma outside brackets and quotes */
    const char *q = p;
    int depth = 0;
    char quote = 0;
    for (; *q; q++) {
      if (quote) {
        if (*q == quote) quote = 0;
      } else if (*q == '"' || *q == '\'') {
        quote = *q;
      } else if (*q == '[' || *q == '{') {
        depth++;
      } else if ((*q == ']' || *q == '}') && depth > 0) {
        depth--;
      } else if (*q == ',' && depth == 0) {
        break;
      }
    }
    const char *b = p, *e = q;
    while (b < e && (*b == ' ' || *b == '\t')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (b == e)
      return errf(err, n, "empty value in '%s'; separate values with single commas", values);
    char *item = dup_range(b, (size_t)(e - b));
    if (!item) return errf(err, n, "out of memory");
    const char *dots = NULL;
    if (!strpbrk(item, "[]{}\"'")) dots = strstr(item, "..");
    int rc = dots ? parse_range(item, dots, a, err, n) : axis_push(a, item, strlen(item), err, n);
    free(item);
    if (rc) return -1;
    if (!*q) break;
    p = q + 1;
  }
  return 0;
}

int cli_sweep_axis_parse(const char *spec, cli_sweep_axis *a, char *err, size_t n) {
  memset(a, 0, sizeof *a);
  const char *eq = spec ? strchr(spec, '=') : NULL;
  if (!eq || eq == spec)
    return errf(err, n, "'%s' is not PATH=VALUES; write e.g. "
                "standby.aks-prod-dr.warm_nodes=0..5 or "
                "workflows.production.steps.approve-failover.duration=10m,30m,1h",
                spec ? spec : "");
  a->path = dup_range(spec, (size_t)(eq - spec));
  if (!a->path) return errf(err, n, "out of memory");
  char sub[400];
  if (cli_sweep_values_parse(eq + 1, a, sub, sizeof sub)) {
    errf(err, n, "--vary %s: %s", a->path, sub);
    cli_sweep_axis_free(a);
    return -1;
  }
  return 0;
}

void cli_sweep_axis_free(cli_sweep_axis *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n; i++) free(a->texts[i]);
  free(a->texts);
  free(a->numbers);
  free(a->path);
  memset(a, 0, sizeof *a);
}

int cli_sweep_grid_size(const cli_sweep_axis *axes, size_t n_axes, size_t *n_points, char *err,
                        size_t n) {
  size_t total = 1;
  for (size_t i = 0; i < n_axes; i++) {
    for (size_t j = 0; j < i; j++)
      if (strcmp(axes[i].path, axes[j].path) == 0)
        return errf(err, n, "--vary %s is given twice; put all its values in one --vary",
                    axes[i].path);
    if (axes[i].n == 0) return errf(err, n, "--vary %s has no values", axes[i].path);
    if (total > CLI_SWEEP_MAX_POINTS / axes[i].n)
      return errf(err, n, "the grid has more than %d points; vary fewer values",
                  CLI_SWEEP_MAX_POINTS);
    total *= axes[i].n;
  }
  *n_points = total;
  return 0;
}

void cli_sweep_grid_index(const cli_sweep_axis *axes, size_t n_axes, size_t point, size_t *idx) {
  for (size_t i = n_axes; i-- > 0;) {
    idx[i] = point % axes[i].n;
    point /= axes[i].n;
  }
}

char *cli_sweep_override(const cli_sweep_axis *a, size_t i) {
  size_t lp = strlen(a->path), lv = strlen(a->texts[i]);
  char *s = malloc(lp + lv + 2);
  if (!s) return NULL;
  memcpy(s, a->path, lp);
  s[lp] = '=';
  memcpy(s + lp + 1, a->texts[i], lv + 1);
  return s;
}

/* ------------------------------------------------------------ target metric */

const char *cli_sweep_metric_name(cli_sweep_metric m) {
  switch (m) {
    case CLI_SWEEP_RTO: return "rto";
    case CLI_SWEEP_RPO: return "rpo";
    case CLI_SWEEP_FULL_CAPACITY: return "full_capacity";
  }
  return "?";
}

static int env_has_pool(const model_scenario *sc, int env) {
  for (size_t w = 0; w < sc->n_workflows; w++) {
    if (sc->workflows[w].environment != env) continue;
    for (size_t s = 0; s < sc->workflows[w].n_steps; s++)
      if (sc->workflows[w].steps[s].standby >= 0) return 1;
  }
  return 0;
}

int cli_sweep_target_parse(const model_scenario *sc, const char *spec, int with_stat,
                           cli_sweep_target *t, char *err, size_t n) {
  memset(t, 0, sizeof *t);
  t->objective = NAN;
  const char *form = with_stat ? "ENV.METRIC.STAT, e.g. production.rto.p95"
                               : "ENV.METRIC, e.g. production.rto";
  if (!spec || strlen(spec) >= sizeof t->spec) return errf(err, n, "write the metric as %s", form);
  snprintf(t->spec, sizeof t->spec, "%s", spec);
  /* environment: the longest name followed by '.' */
  int env = -1;
  size_t best = 0;
  for (size_t i = 0; i < sc->n_environments; i++) {
    size_t l = strlen(sc->environments[i].name);
    if (l > best && strncmp(spec, sc->environments[i].name, l) == 0 && spec[l] == '.') {
      env = (int)i;
      best = l;
    }
  }
  const char **names = malloc((sc->n_environments + 1) * sizeof *names);
  if (!names) return errf(err, n, "out of memory");
  for (size_t i = 0; i < sc->n_environments; i++) names[i] = sc->environments[i].name;
  if (env < 0) {
    const char *dot = strchr(spec, '.');
    char word[130];
    snprintf(word, sizeof word, "%.*s", dot ? (int)(dot - spec) : (int)strlen(spec), spec);
    for (size_t i = 0; i < sc->n_environments; i++)
      if (strcmp(word, names[i]) == 0) {
        /* The environment is right; the metric is missing. */
        free(names);
        return errf(err, n, "'%s': environment %s, but which metric? write %s.rto (or .rpo, "
                    ".full_capacity)%s", spec, word, word, with_stat ? " with a statistic, e.g. .p95" : "");
      }
    const char *sug = model_diag_suggest(word, names, sc->n_environments);
    char list[300] = "";
    size_t off = 0;
    for (size_t i = 0; i < sc->n_environments && off < sizeof list; i++)
      off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
    free(names);
    if (sug) return errf(err, n, "'%s': unknown environment '%s'; did you mean '%s'? (write %s)",
                         spec, word, sug, form);
    return errf(err, n, "'%s': unknown environment '%s'; the environments are %s (write %s)",
                spec, word, list, form);
  }
  free(names);
  snprintf(t->env, sizeof t->env, "%s", sc->environments[env].name);
  const char *m = spec + best + 1;
  const char *dot = strchr(m, '.');
  size_t ml = dot ? (size_t)(dot - m) : strlen(m);
  static const char *const metrics[] = {"rto", "rpo", "full_capacity"};
  int mi = -1;
  for (int i = 0; i < 3; i++)
    if (strlen(metrics[i]) == ml && strncmp(m, metrics[i], ml) == 0) mi = i;
  if (mi < 0) {
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(ml < 60 ? ml : 60), m);
    const char *sug = model_diag_suggest(word, metrics, 3);
    return errf(err, n, "'%s': unknown metric '%s'%s%s%s; the metrics are rto, rpo, full_capacity",
                spec, word, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
  }
  t->metric = (cli_sweep_metric)mi;
  if (t->metric == CLI_SWEEP_FULL_CAPACITY && !env_has_pool(sc, env))
    return errf(err, n, "'%s': environment %s scales up no standby pool, so it has no "
                "full_capacity; use rto or rpo", spec, t->env);
  const model_environment *e = &sc->environments[env];
  double obj = t->metric == CLI_SWEEP_RTO ? e->rto_s : t->metric == CLI_SWEEP_RPO ? e->rpo_s : NAN;
  t->objective = isfinite(obj) ? obj : NAN;
  if (!with_stat) {
    if (dot) return errf(err, n, "'%s': write the metric as %s (no statistic here)", spec, form);
    return 0;
  }
  if (!dot || !dot[1])
    return errf(err, n, "'%s': add the statistic, as in %s.p95 (mean, pNN or p_meet)", spec, spec);
  const char *st = dot + 1;
  if (strcmp(st, "mean") == 0) {
    t->stat = CLI_SWEEP_STAT_MEAN;
  } else if (strcmp(st, "p_meet") == 0) {
    if (isnan(t->objective))
      return errf(err, n, "'%s': environment %s has no %s objective, so there is no p_meet",
                  spec, t->env, cli_sweep_metric_name(t->metric));
    t->stat = CLI_SWEEP_STAT_P_MEET;
  } else {
    double q;
    if (st[0] != 'p' || !plain_number(st + 1, &q) || !(q > 0 && q < 100))
      return errf(err, n, "'%s': unknown statistic '%s'; use mean, p_meet or a percentile "
                  "pNN such as p50, p95, p99, p99.9", spec, st);
    t->stat = CLI_SWEEP_STAT_QUANTILE;
    t->q = q / 100;
  }
  return 0;
}

void cli_sweep_stats_compute(double *values, size_t n, double q, double objective,
                             double confidence, cli_sweep_stats *o) {
  memset(o, 0, sizeof *o);
  n = report_stats_prepare(values, n);
  o->n = n;
  o->mean = report_stats_mean(values, n, REPORT_STATS_LEVEL, NULL);
  o->p50 = report_stats_quantile(values, n, 0.50, REPORT_STATS_LEVEL);
  o->p95 = report_stats_quantile(values, n, 0.95, REPORT_STATS_LEVEL);
  o->p99 = report_stats_quantile(values, n, 0.99, REPORT_STATS_LEVEL);
  o->q = report_stats_quantile(values, n, q, REPORT_STATS_LEVEL);
  o->not_finite = report_stats_count_inf(values, n);
  /* One-sided bound at `confidence` = upper end of the two-sided interval
  ** at level 2 * confidence - 1. */
  uint64_t l, u;
  o->q_upper = INFINITY;
  if (n > 0) {
    report_stats_quantile_ranks(n, q, 2 * confidence - 1, &l, &u);
    if (u <= n) o->q_upper = values[u - 1];
  }
  o->p_meet.est = o->p_meet.lo = o->p_meet.hi = NAN;
  if (!isnan(objective)) {
    size_t k = 0;
    while (k < n && values[k] <= objective) k++;   /* sorted */
    o->n_meet = k;
    o->p_meet = report_stats_wilson(k, n, REPORT_STATS_LEVEL);
  }
}

uint64_t cli_sweep_min_trials(double q, double confidence) {
  double x = ceil(log1p(-confidence) / log(q));
  uint64_t n = x < 1 ? 1 : x > 4e9 ? UINT64_C(4000000000) : (uint64_t)x;
  /* the closed form can be off by one in floating point: settle it with the
  ** exact ranks the criterion uses */
  uint64_t l, u;
  for (;;) {
    report_stats_quantile_ranks(n, q, 2 * confidence - 1, &l, &u);
    if (u <= n) break;
    n++;
  }
  while (n > 1) {
    report_stats_quantile_ranks(n - 1, q, 2 * confidence - 1, &l, &u);
    if (u > n - 1) break;
    n--;
  }
  return n;
}

report_stats_ci cli_sweep_target_value(const cli_sweep_target *t, double *values, size_t n) {
  cli_sweep_stats s;
  double q = t->stat == CLI_SWEEP_STAT_QUANTILE ? t->q : 0.5;
  cli_sweep_stats_compute(values, n, q, t->objective, 0.95, &s);
  switch (t->stat) {
    case CLI_SWEEP_STAT_MEAN: return s.mean;
    case CLI_SWEEP_STAT_P_MEET: return s.p_meet;
    default: return s.q;
  }
}

/* ------------------------------------------------------------ one point */

typedef struct collector {
  cli_sweep_point *p;
  const model_scenario *sc;
  int env;
  cli_sweep_metric metric;
  uint64_t first_trial;
} collector;

static int observe(void *ctx, uint64_t first, size_t n, const void *records) {
  collector *c = ctx;
  if (c->p->observe && c->p->observe(c->p->observe_ctx, c->sc, first, n, records)) return 1;
  if (!c->p->collect) return 0;
  size_t size = model_outcome_size(c->sc);
  const unsigned char *rec = records;
  for (size_t i = 0; i < n; i++, rec += size) {
    /* the view is only read here */
    model_trial_view v = model_outcome_view(c->sc, (void *)rec);
    const model_env_outcome *e = &v.env[c->env];
    double x;
    if (!e->recovered) x = INFINITY;
    else if (c->metric == CLI_SWEEP_RTO) x = e->rto_s;
    else if (c->metric == CLI_SWEEP_RPO) x = e->rpo_s;
    else x = isnan(e->full_capacity_s) ? INFINITY : e->full_capacity_s;
    size_t at = (size_t)(first - c->first_trial) + i;
    if (at < c->p->n_values) {
      c->p->values[at] = x;
      if (c->p->rto_values) c->p->rto_values[at] = e->recovered ? e->rto_s : INFINITY;
    }
  }
  return 0;
}

/* --resume: the stored run of p's sweep and point. Returns 0 with
** p->run_id (0: none stored, run it anew) and *first (trials already
** stored; their values read back when collecting), -1 when the stored run
** was made with other values (printed), 1 on a store error or a live run
** (printed). A stored run that is not complete is claimed. */
static int find_resumable(cli_sweep_point *p, const char *cmd, const model_scenario *sc,
                          uint64_t *first) {
  report_error err;
  report_run **runs = NULL;
  size_t n = 0;
  *first = 0;
  p->run_id = 0;
  if (report_store_runs_list(p->store, &runs, &n, &err) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
    return 1;
  }
  const report_run *r = NULL;
  for (size_t i = 0; i < n; i++)
    if (runs[i]->sweep_id == p->sweep_id && runs[i]->point == p->point) r = runs[i];
  int rc = 0;
  if (r) {
    int same = r->n_overrides == p->n_overrides && r->seed == p->seed_used &&
               r->trials == p->trials_used && r->first_trial == 0 &&
               !strcmp(r->scenario_hash, sc->text_hash);
    for (size_t i = 0; same && i < p->n_overrides; i++)
      same = !strcmp(r->overrides[i], p->overrides[i]);
    if (!same) {
      fprintf(stderr, "drsim %s: error: point %lld of sweep %lld (run %lld) was run with another "
              "scenario, values, seed or trial count; resume with exactly the command that "
              "started it\n", cmd, (long long)p->point, (long long)p->sweep_id,
              (long long)r->id);
      rc = -1;
    } else if (r->status != REPORT_RUN_COMPLETE &&
               report_store_run_reopen(p->store, r->id, &err) != REPORT_OK) {
      fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
      rc = 1;
    } else {
      p->run_id = r->id;
      *first = r->trials_done;
    }
  }
  report_store_runs_free(runs, n);
  if (rc || !p->run_id || !p->collect || *first == 0) return rc;
  /* The stored trials' values, as observe() would have collected them. */
  static const char *const metric_col[] = {"rto_s", "rpo_s", "full_capacity_s"};
  const char *cols[3] = {"recovered", metric_col[p->collect->metric], "rto_s"};
  double *v[3] = {NULL, NULL, NULL};
  size_t got = 0;
  if (report_store_trial_columns(p->store, p->run_id, p->collect->env, cols, 3, v, &got,
                                 &err) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
    return 1;
  }
  for (size_t i = 0; i < got && i < p->n_values; i++) {
    int rec = v[0][i] != 0;
    double x = v[1][i];
    p->values[i] = !rec || isnan(x) ? INFINITY : x;
    if (p->rto_values) p->rto_values[i] = rec ? v[2][i] : INFINITY;
  }
  for (int k = 0; k < 3; k++) free(v[k]);
  return got == *first ? 0 : 1;
}

int cli_sweep_point_run(cli_sweep_point *p) {
  const char *cmd = p->cmd ? p->cmd : "sweep";
  p->sc = NULL;
  p->run_id = 0;
  p->values = NULL;
  p->rto_values = NULL;
  p->n_values = 0;
  p->elapsed_s = 0;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim %s: error: out of memory\n", cmd);
    return CLI_EXIT_IO;
  }
  int rc = p->scenario_text
               ? model_scenario_load_string_opts(p->scenario_text, strlen(p->scenario_text),
                                                 model_scenario_source_name(p->scenario_path),
                                                 p->overrides, p->n_overrides, p->load_opts,
                                                 &p->sc, p->diag ? p->diag : diag)
               : model_scenario_load_file(p->scenario_path, p->overrides, p->n_overrides, &p->sc,
                                          p->diag ? p->diag : diag);
  if (rc) {
    model_diag_print(diag, stderr);   /* empty when p->diag took them */
    int nomem = model_diag_nomem(diag);
    model_diag_free(diag);
    return nomem ? CLI_EXIT_IO : CLI_EXIT_USAGE;
  }
  model_diag_free(diag);
  model_scenario *sc = p->sc;
  /* The in-memory metrics are disaster-mode ones (RTO of the disaster); a
  ** lifetime run is summarised from the store, as `drsim run` does. */
  if (p->collect && sc->mode != MODEL_MODE_DISASTER) {
    fprintf(stderr, "drsim %s: error: %s is a lifetime-mode scenario; %s works on "
            "disaster-mode scenarios\n", cmd, p->scenario_path, cmd);
    return CLI_EXIT_USAGE;
  }
  p->seed_used = p->seed_given ? p->seed : sc->seed;
  p->trials_used = p->trials_given ? p->trials : sc->trials;

  collector col = {p, sc, -1, CLI_SWEEP_RTO, 0};
  if (p->collect) {
    col.env = model_scenario_find_environment(sc, p->collect->env);
    col.metric = p->collect->metric;
    if (col.env < 0) {
      fprintf(stderr, "drsim %s: error: environment %s is gone from the scenario with "
              "these overrides\n", cmd, p->collect->env);
      return CLI_EXIT_USAGE;
    }
    p->values = malloc((size_t)p->trials_used * sizeof *p->values);
    if (p->collect_rto) p->rto_values = malloc((size_t)p->trials_used * sizeof *p->rto_values);
    if (!p->values || (p->collect_rto && !p->rto_values)) {
      fprintf(stderr, "drsim %s: error: out of memory for %llu trials\n", cmd,
              (unsigned long long)p->trials_used);
      return CLI_EXIT_IO;
    }
    p->n_values = (size_t)p->trials_used;
    for (size_t i = 0; i < p->n_values; i++) p->values[i] = NAN;
    if (p->rto_values)
      for (size_t i = 0; i < p->n_values; i++) p->rto_values[i] = NAN;
  }

  report_error err;
  uint64_t first = 0;
  int resumed = 0;
  if (p->store && p->resume) {
    int rc2 = find_resumable(p, cmd, sc, &first);
    if (rc2 < 0) return CLI_EXIT_USAGE;
    if (rc2 == 1) return CLI_EXIT_IO;
    resumed = p->run_id != 0;
  }
  if (p->store && !resumed) {
    report_detail detail = REPORT_DETAIL_SUMMARY;
    const char *d = p->detail ? p->detail : "auto";
    if (!strcmp(d, "steps") || (!strcmp(d, "auto") && p->trials_used <= 100000))
      detail = REPORT_DETAIL_STEPS;
    report_run_info info;
    memset(&info, 0, sizeof info);
    info.scenario_text = p->scenario_text;
    info.overrides = p->overrides;
    info.n_overrides = p->n_overrides;
    info.seed = p->seed_used;
    info.trials = p->trials_used;
    info.first_trial = 0;
    info.detail = detail;
    info.threads = study_trials_threads(p->threads);
    info.sweep_id = p->sweep_id;
    info.point = p->point;
    int rs = report_store_run_begin(p->store, &info, sc, &p->run_id, &err);
    if (rs != REPORT_OK) {
      fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
      return rs == REPORT_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    }
  }

  study_exec x;
  memset(&x, 0, sizeof x);
  x.sc = sc;
  x.seed = p->seed_used;
  x.first_trial = first;
  x.n_trials = p->trials_used - first;
  x.threads = p->threads;
  x.store = p->store;
  x.run_id = p->run_id;
  x.stop_flag = p->stop_flag;
  if (p->show_progress) x.progress = cli_progress_bar;
  x.scenario_text = p->scenario_text;   /* MPI: the other ranks rebuild the point */
  x.overrides = p->overrides;
  x.n_overrides = p->n_overrides;
  if (p->collect || p->observe) {
    x.observe = observe;
    x.observe_ctx = &col;
  }
  int rr = x.n_trials ? study_exec_go(&x) : SIM_RUNNER_OK;
  p->elapsed_s = x.elapsed_s;
  /* A store failure (disk full, file-size limit, lock) keeps the committed
  ** trials: the run is resumable, so 'interrupted', not 'failed'. */
  report_run_status final = study_exec_final(rr, x.store_failed);
  int status = CLI_EXIT_OK;
  if (p->store && report_store_run_finish(p->store, p->run_id, final, &err) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, err.text);
    status = CLI_EXIT_IO;
  }
  if (rr == SIM_RUNNER_INTERRUPTED) return CLI_EXIT_INTERRUPTED;
  if (rr != SIM_RUNNER_OK) {
    if (x.store_failed) fprintf(stderr, "drsim %s: error: %s\n", cmd, x.err.text);
    else fprintf(stderr, "drsim %s: error: %s\n", cmd, sim_runner_strerror(rr));
    return CLI_EXIT_IO;
  }
  return status;
}

void cli_sweep_point_clear(cli_sweep_point *p) {
  if (!p) return;
  model_scenario_free(p->sc);
  p->sc = NULL;
  free(p->values);
  free(p->rto_values);
  p->values = NULL;
  p->rto_values = NULL;
  p->n_values = 0;
}

/* ------------------------------------------------------------ helpers */

int cli_sweep_next_id(report_store *st, int64_t *id, report_error *err) {
  report_run **runs = NULL;
  size_t n = 0;
  int rc = report_store_runs_list(st, &runs, &n, err);
  if (rc != REPORT_OK) return rc;
  int64_t best = 0;
  for (size_t i = 0; i < n; i++)
    if (runs[i]->sweep_id > best) best = runs[i]->sweep_id;
  report_store_runs_free(runs, n);
  *id = best + 1;
  return REPORT_OK;
}



int cli_sweep_open_existing(const char *cmd, const char *db_path, int64_t sweep_id,
                            report_store **store) {
  report_error rerr;
  *store = NULL;
  if (access(db_path, F_OK) != 0) {
    fprintf(stderr, "drsim %s: error: cannot resume sweep %lld: %s: %s\n", cmd,
            (long long)sweep_id, db_path, strerror(errno));
    return CLI_EXIT_IO;
  }
  report_run **runs = NULL;
  size_t n = 0, found = 0;
  if (report_store_open(db_path, REPORT_STORE_READWRITE, store, &rerr) != REPORT_OK ||
      report_store_runs_list(*store, &runs, &n, &rerr) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, rerr.text);
    report_store_close(*store);
    *store = NULL;
    return CLI_EXIT_IO;
  }
  for (size_t i = 0; i < n; i++) found += runs[i]->sweep_id == sweep_id;
  report_store_runs_free(runs, n);
  if (!found) {
    fprintf(stderr, "drsim %s: error: %s holds no run of sweep %lld; `drsim runs --db %s` "
            "lists the sweeps\n", cmd, db_path, (long long)sweep_id, db_path);
    report_store_close(*store);
    *store = NULL;
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

int cli_sweep_open_store(const char *cmd, const char *db_path, report_store **store,
                         int64_t *sweep_id) {
  report_error rerr;
  if (report_store_open(db_path, REPORT_STORE_READWRITE, store, &rerr) != REPORT_OK ||
      cli_sweep_next_id(*store, sweep_id, &rerr) != REPORT_OK) {
    fprintf(stderr, "drsim %s: error: %s\n", cmd, rerr.text);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_sweep_html_begin(FILE *f, const char *title) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
  for (const char *c = title; *c; c++) {
    if (*c == '<') fputs("&lt;", f);
    else if (*c == '>') fputs("&gt;", f);
    else if (*c == '&') fputs("&amp;", f);
    else fputc(*c, f);
  }
  fputs("</title>\n<style>\n"
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}\n"
        "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}\n"
        "table{border-collapse:collapse;font-size:.9rem;margin:1rem 0}\n"
        "th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}\n"
        "th:first-child,td:first-child{text-align:left}td{white-space:nowrap}\n"
        "tr.meets td{background:#eef7ee}tr.pick td{font-weight:600}\n"
        ".verdict{font-size:1.05rem;background:#f5f5f5;padding:.6rem 1rem;border-left:4px solid #0072B2}\n"
        "svg{width:100%;height:auto;font-family:inherit}\n"
        ".note{color:#555;font-size:.85rem}\n"
        "</style>\n</head>\n<body>\n<h1>", f);
  for (const char *c = title; *c; c++) {
    if (*c == '<') fputs("&lt;", f);
    else if (*c == '>') fputs("&gt;", f);
    else if (*c == '&') fputs("&amp;", f);
    else fputc(*c, f);
  }
  fputs("</h1>\n", f);
  return ferror(f) ? -1 : 0;
}

int cli_sweep_html_end(FILE *f) {
  fputs("</body>\n</html>\n", f);
  return ferror(f) ? -1 : 0;
}

char *cli_sweep_format_duration(double s, char *buf, size_t n) {
  if (isinf(s) && s > 0) {
    snprintf(buf, n, "never");
    return buf;
  }
  return model_units_format_duration(s, buf, n);
}

int cli_sweep_pct_digits(double q) {
  char buf[64];
  for (int d = 6; d < 17; d++) {
    snprintf(buf, sizeof buf, "%.*g", d, 100 * q);
    double v = strtod(buf, NULL);
    if (!(q < 1 && v >= 100) && !(q > 0 && v <= 0)) return d;
  }
  return 17;
}
