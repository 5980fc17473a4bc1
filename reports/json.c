/*
** reports/json.c — JSON documents of results with jansson (see json.h).
** The summary tables' rows come from the column tables of reports/columns.h
** that the CSV writers (reports/csv.c) also walk, so a row's keys are the
** CSV header's columns in the same order.
*/
#include "reports/json.h"
#include "reports/columns.h"
#include "reports/costs.h"
#include "reports/csv.h"
#include "reports/meet.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *report_json_number(double v)
{
  if (isnan(v)) return json_null();
  if (isinf(v)) return json_string(v > 0 ? "inf" : "-inf");
  return json_real(v);
}

json_t *report_json_count(uint64_t v)
{
  if (v <= (uint64_t)INT64_MAX) return json_integer((json_int_t)v);
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  return json_string(buf);
}

/* Set key to a new value; a NULL value (out of memory) poisons *ok.
** json_object_set_new takes the reference in every case. */
static void put(json_t *o, const char *key, json_t *v, int *ok)
{
  if (!v || json_object_set_new(o, key, v) != 0) *ok = 0;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static void num(json_t *o, const char *key, double v, int *ok) { put(o, key, report_json_number(v), ok); }
static void cnt(json_t *o, const char *key, uint64_t v, int *ok) { put(o, key, report_json_count(v), ok); }
static void str(json_t *o, const char *key, const char *s, int *ok) { put(o, key, str_or_null(s), ok); }

/* key, key_lo, key_hi — as the CSV's ci3 columns. */
static void ci3(json_t *o, const char *key, report_stats_ci c, int *ok)
{
  char k[96];
  num(o, key, c.est, ok);
  snprintf(k, sizeof k, "%s_lo", key);
  num(o, k, c.lo, ok);
  snprintf(k, sizeof k, "%s_hi", key);
  num(o, k, c.hi, ok);
}

/* Append row to arr (the reference is taken in every case); 0 when the
** row or the append failed. */
static int push(json_t *arr, json_t *row, int ok)
{
  if (!row) return 0;
  if (!ok) {
    json_decref(row);
    return 0;
  }
  return json_array_append_new(arr, row) == 0;
}

json_t *report_json_run(const report_run *r)
{
  json_t *o = json_object();
  if (!o) return NULL;
  int ok = 1;
  put(o, "id", json_integer(r->id), &ok);
  str(o, "scenario", r->scenario_name, &ok);
  str(o, "status", report_store_run_state(r), &ok);
  str(o, "mode", r->mode == MODEL_MODE_LIFETIME ? "lifetime" : "disaster", &ok);
  cnt(o, "seed", r->seed, &ok);
  cnt(o, "trials", r->trials, &ok);
  cnt(o, "first_trial", r->first_trial, &ok);
  cnt(o, "trials_done", r->trials_done, &ok);
  str(o, "detail", r->detail == REPORT_DETAIL_STEPS ? "steps" : "summary", &ok);
  put(o, "threads", json_integer((json_int_t)r->threads), &ok);
  str(o, "started", r->started, &ok);
  str(o, "finished", r->finished, &ok);
  str(o, "program_version", r->program_version, &ok);
  put(o, "sweep_id", r->sweep_id ? json_integer(r->sweep_id) : json_null(), &ok);
  put(o, "point", r->point >= 0 ? json_integer(r->point) : json_null(), &ok);
  str(o, "shard", r->shard, &ok);
  put(o, "total_trials", r->total_trials ? report_json_count(r->total_trials) : json_null(), &ok);
  str(o, "scenario_hash", r->scenario_hash, &ok);
  num(o, "horizon_s", r->horizon_s, &ok);
  str(o, "disaster", r->disaster, &ok);
  str(o, "notes", r->notes, &ok);
  json_t *ov = json_array();
  for (size_t i = 0; ov && i < r->n_overrides; i++)
    if (json_array_append_new(ov, json_string(r->overrides[i])) != 0) ok = 0;
  put(o, "overrides", ov, &ok);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *summary_rows(const report_summary *s)
{
  json_t *arr = json_array();
  if (!arr) return NULL;
  size_t n = 0;
  report_summary_row *rows = report_csv_summary_rows(s, &n);   /* cost rows too */
  if (!rows) {
    json_decref(arr);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *r = &rows[i];
    json_t *o = json_object();
    int ok = o != NULL;
    for (size_t j = 0; o && j < report_summary_ncolumns; j++) {
      const report_summary_column *c = &report_summary_columns[j];
      if (report_summary_column_missing(c, r)) put(o, c->name, json_null(), &ok);
      else if (c->kind == REPORT_SUMCOL_TEXT) str(o, c->name, report_summary_column_text(c, r), &ok);
      else if (c->kind == REPORT_SUMCOL_NUMBER) num(o, c->name, report_summary_column_number(c, r), &ok);
      else cnt(o, c->name, report_summary_column_count(c, r), &ok);
    }
    if (!push(arr, o, ok)) {
      free(rows);
      json_decref(arr);
      return NULL;
    }
  }
  free(rows);
  return arr;
}

/* The rows of a summary table (reports/columns.h report_row_tables), each
** an object whose keys are the CSV header's columns in the same order. */
static json_t *table_rows(const report_summary *s, size_t which)
{
  const report_row_table *t = &report_row_tables[which];
  json_t *arr = json_array();
  if (!arr) return NULL;
  int lifetime = report_summary_run(s)->mode == MODEL_MODE_LIFETIME;
  const void *rows;
  size_t n = t->rows(s, &rows);
  for (size_t i = 0; i < n; i++) {
    const void *r = (const char *)rows + i * t->row_size;
    json_t *o = json_object();
    int ok = o != NULL;
    for (size_t j = 0; o && j < t->ncols; j++) {
      const report_row_column *c = &t->cols[j];
      switch (c->kind) {
      case REPORT_ROWCOL_TEXT:
      case REPORT_ROWCOL_CAUSE:
        str(o, c->name, report_row_column_text(c, r), &ok);
        break;
      case REPORT_ROWCOL_NUMBER:
        num(o, c->name, report_row_column_number(c, r), &ok);
        break;
      case REPORT_ROWCOL_CI:
        ci3(o, c->name, report_row_column_ci(c, r), &ok);
        break;
      case REPORT_ROWCOL_LIFETIME:
        if (!lifetime) {
          put(o, c->name, json_null(), &ok);
          break;
        }
        /* fall through */
      default:
        cnt(o, c->name, report_row_column_count(c, r), &ok);
        break;
      }
    }
    if (!push(arr, o, ok)) { json_decref(arr); return NULL; }
  }
  return arr;
}

static json_t *steps_rows(const report_summary *s) { return table_rows(s, REPORT_ROWS_STEPS); }
static json_t *components_rows(const report_summary *s)
{
  return table_rows(s, REPORT_ROWS_COMPONENTS);
}
static json_t *standby_rows(const report_summary *s) { return table_rows(s, REPORT_ROWS_STANDBY); }
static json_t *lifetime_rows(const report_summary *s) { return table_rows(s, REPORT_ROWS_LIFETIME); }
static json_t *causes_rows(const report_summary *s) { return table_rows(s, REPORT_ROWS_CAUSES); }

/* The run's costs (reports/costs.h) as one object; JSON null without. */
static json_t *costs_obj(const report_summary *s)
{
  const report_costs *c = report_summary_costs(s);
  if (!c) return json_null();
  json_t *o = json_object();
  int ok = o != NULL;
  double r = c->disasters_per_year;
  str(o, "currency", c->currency, &ok);
  cnt(o, "trials", c->n, &ok);
  num(o, "disasters_per_year", r, &ok);
  ci3(o, "loss_mean", c->loss, &ok);
  ci3(o, "loss_cvar95", c->cvar95_ci, &ok);
  ci3(o, "risk_annual", c->risk_annual, &ok);
  num(o, "standby_annual", c->standby_annual, &ok);
  ci3(o, "total_annual", c->total_annual, &ok);
  json_t *env = json_array(), *items = json_array();
  for (size_t i = 0; ok && env && i < c->n_env; i++) {
    json_t *e = json_object();
    int eok = e != NULL;
    str(e, "environment", c->env[i].environment, &eok);
    ci3(e, "loss_mean", c->env[i].loss, &eok);
    ci3(e, "risk_annual", (report_stats_ci){r * c->env[i].loss.est, r * c->env[i].loss.lo,
                                            r * c->env[i].loss.hi}, &eok);
    if (!push(env, e, eok)) ok = 0;
  }
  for (size_t i = 0; ok && items && i < c->n_items; i++) {
    json_t *e = json_object();
    int eok = e != NULL;
    str(e, "kind", c->items[i].kind, &eok);
    str(e, "name", c->items[i].name, &eok);
    num(e, "annual", c->items[i].annual, &eok);
    if (!push(items, e, eok)) ok = 0;
  }
  put(o, "environments", env, &ok);
  put(o, "standby", items, &ok);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static const struct {
  const char *name;
  unsigned flag;
  json_t *(*fn)(const report_summary *);
} tables[] = {
  {"summary", REPORT_JSON_SUMMARY, summary_rows},
  {"steps", REPORT_JSON_STEPS, steps_rows},
  {"components", REPORT_JSON_COMPONENTS, components_rows},
  {"standby", REPORT_JSON_STANDBY, standby_rows},
  {"lifetime", REPORT_JSON_LIFETIME, lifetime_rows},
  {"causes", REPORT_JSON_CAUSES, causes_rows},
  {"costs", REPORT_JSON_COSTS, costs_obj},
};

json_t *report_json_table(const report_summary *s, const char *table)
{
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
    if (strcmp(tables[i].name, table) == 0) return tables[i].fn(s);
  return NULL;
}

/* "verdicts": the one rule (reports/meet.h) and each objective's verdict,
** beside the summary rows (which stay the CSV contract's columns). */
static json_t *verdicts(const report_summary *s)
{
  model_meet_rule rule = report_meet_rule(report_summary_run(s));
  char text[400];
  json_t *o = json_object(), *arr = json_array();
  int ok = o && arr;
  if (ok) {
    num(o, "share", rule.share, &ok);
    num(o, "confidence", rule.confidence, &ok);
    str(o, "rule", model_meet_describe(&rule, text, sizeof text), &ok);
  }
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows);
  for (size_t i = 0; ok && i < n; i++) {
    const report_summary_row *r = &rows[i];
    if (isnan(r->objective)) continue;
    json_t *v = json_object();
    int vok = v != NULL;
    str(v, "environment", r->environment, &vok);
    str(v, "metric", r->metric, &vok);
    cnt(v, "n", r->n, &vok);
    cnt(v, "n_meet", r->n_meet, &vok);
    str(v, "verdict", model_meet_verdict_name(report_meet_row(&rule, r)), &vok);
    ok = push(arr, v, vok);
  }
  if (ok) put(o, "objectives", arr, &ok);
  else json_decref(arr);
  if (!ok) { json_decref(o); return NULL; }
  return o;
}

json_t *report_json_report(const report_summary *s, unsigned which)
{
  json_t *o = json_object();
  if (!o) return NULL;
  int ok = 1;
  put(o, "run", report_json_run(report_summary_run(s)), &ok);
  for (size_t i = 0; ok && i < sizeof tables / sizeof *tables; i++)
    if (which & tables[i].flag)
      put(o, tables[i].name, tables[i].fn(s), &ok);
  if (ok && (which & REPORT_JSON_SUMMARY)) put(o, "verdicts", verdicts(s), &ok);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *report_json_summary(const report_summary *s)
{
  return report_json_report(s, REPORT_JSON_SUMMARY | REPORT_JSON_COSTS);
}

unsigned report_json_table_flag(const char *table)
{
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
    if (strcmp(tables[i].name, table) == 0) return tables[i].flag;
  return 0;
}

int report_json_write(FILE *out, const json_t *doc, report_error *err)
{
  errno = 0;
  int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (rc == 0) rc = fputc('\n', out) == EOF ? -1 : 0;
  if (rc != 0 || fflush(out) != 0 || ferror(out)) {
    int e = errno;
    if (err)
      snprintf(err->text, sizeof err->text, "writing the JSON: %s",
               e ? strerror(e) : "write error");
    return REPORT_EIO;
  }
  return REPORT_OK;
}
