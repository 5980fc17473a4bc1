/*
** tests/support/report_fixture.c — the report tests' hand-built scenario,
** its deterministic trial records and the temporary-directory helpers (see
** report_fixture.h). Moved here verbatim from the copies that each
** tests/test_report_*.c used to carry: the tests' expected numbers are
** worked out from exactly these values.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/outcome.h"
#include "reports/store.h"
#include "tests/support/report_fixture.h"

void fixture_init(fixture *f)
{
  memset(f, 0, sizeof *f);
  f->envs[0] = (model_environment){"production", 4 * 3600.0, 900.0, 0.999, {0, 0}};
  f->envs[1] = (model_environment){"staging", 8 * 3600.0, INFINITY, NAN, {0, 0}};
  const char *pn[3] = {"approve", "scale-up", "restore"};
  for (int j = 0; j < 3; j++) {
    f->steps_prod[j].name = (char *)pn[j];
    f->steps_prod[j].standby = -1;
  }
  f->steps_prod[0].manual = 1;
  f->steps_prod[1].standby = 0;
  f->steps_stg[0].name = "restore";
  f->steps_stg[0].standby = -1;
  f->wf[0] = (model_workflow){.environment = 0, .steps = f->steps_prod, .n_steps = 3,
                              .step_offset = 0};
  f->wf[1] = (model_workflow){.environment = 1, .steps = f->steps_stg, .n_steps = 1,
                              .step_offset = 3};
  const char *cn[3] = {"sql-prod", "blob", "app"};
  const int ce[3] = {0, -1, 1};
  const model_repl_mode cm[3] = {MODEL_REPL_ASYNC, MODEL_REPL_PERIODIC, MODEL_REPL_NONE};
  for (int c = 0; c < 3; c++) {
    f->comps[c].name = (char *)cn[c];
    f->comps[c].environment = ce[c];
    f->comps[c].replication.mode = cm[c];
  }
  f->pools[0] = (model_standby){.name = "aks-prod-dr", .environment = 0, .warm_nodes = 1,
                                .required_nodes = 5, .service_nodes = 3,
                                .max_parallel = 2, .node_cost_per_hour = 0.5};
  model_scenario *sc = &f->sc;
  sc->name = "fixture";
  sc->text_hash = "0123456789abcdef";
  sc->seed = 42;
  sc->trials = 100;
  sc->mode = MODEL_MODE_DISASTER;
  sc->environments = f->envs;
  sc->n_environments = 2;
  sc->workflows = f->wf;
  sc->n_workflows = 2;
  sc->n_steps_total = 4;
  sc->components = f->comps;
  sc->n_components = 3;
  sc->standby = f->pools;
  sc->n_standby = 1;
}

void fixture_fill(const model_scenario *sc, void *rec, uint64_t t)
{
  model_outcome_clear(sc, rec);
  model_trial_view v = model_outcome_view(sc, rec);
  int lost = t % 10 == 9;
  v.env[0].rto_s = lost ? INFINITY : 3600.0 + 10.0 * (double)t;
  v.env[0].recovered = !lost;
  v.env[0].rpo_s = (double)(t % 7) * 60.0;
  v.env[0].first_service_s = 600.0 + (double)t;
  v.env[0].full_capacity_s = 1200.0 + (double)t;
  v.env[0].retries = (int32_t)(t % 3 == 1);
  v.env[0].affected = 1;
  v.env[1].affected = 1;
  v.env[1].rto_s = 7200.0;
  v.env[1].recovered = 1;
  v.env[1].rpo_s = 30.0;
  for (int j = 0; j < 4; j++) {
    v.steps[j].start_s = 100.0 * j;
    v.steps[j].end_s = 100.0 * j + 50.0 + (double)(t % 5);
    v.steps[j].attempts = 1;
    v.steps[j].critical = j == 2 || j == 3;
  }
  v.steps[0].off_hours = (int32_t)(t % 2);
  if (t % 3 == 1) v.steps[2].attempts = 2;
  if (lost) {
    v.steps[2].attempts = 3;
    v.steps[2].failed = 1;
    v.steps[2].end_s = NAN;
  }
  v.components[0].rpo_s = v.env[0].rpo_s;
  v.components[0].failover_s = 300.0;
  v.components[1].rpo_s = 30.0;
  v.standby[0].first_service_s = 600.0 + (double)t;
  v.standby[0].full_capacity_s = 1200.0 + (double)t;
  v.standby[0].nodes_provisioned = 4;
  v.standby[0].shortage = t % 4 == 0;
}

void *fixture_records(const model_scenario *sc, uint64_t first, size_t n)
{
  size_t rs = model_outcome_size(sc);
  unsigned char *buf = malloc(rs * (n ? n : 1));
  assert_non_null(buf);
  for (size_t i = 0; i < n; i++) fixture_fill(sc, buf + i * rs, first + i);
  return buf;
}

int64_t fixture_run(report_store *st, const model_scenario *sc, uint64_t trials,
                    report_detail detail)
{
  report_error err = {{0}};
  const char *ov[2] = {"trials=100", "objectives.production.rto=4h"};
  report_run_info info = {.scenario_text = "version: 1\nname: fixture\n",
                          .overrides = ov, .n_overrides = 2, .seed = 42,
                          .trials = trials, .first_trial = 0, .detail = detail,
                          .threads = 2, .program_version = "test", .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, sc, &id, &err), REPORT_OK);
  for (uint64_t t = 0; t < trials; t += 37) {
    size_t n = trials - t < 37 ? (size_t)(trials - t) : 37;
    void *rec = fixture_records(sc, t, n);
    int rc = report_store_run_append(st, id, sc, t, n, rec, model_outcome_size(sc), &err);
    if (rc) print_error("%s\n", err.text);
    assert_int_equal(rc, REPORT_OK);
    free(rec);
  }
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  return id;
}

char *fixture_tmpdir_new(void)
{
  char tmpl[] = "/tmp/drsim-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  char *copy = malloc(strlen(d) + 1);
  assert_non_null(copy);
  strcpy(copy, d);
  return copy;
}

void fixture_tmpdir_remove(char *dir)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

void fixture_lifetime_init(fixture *f)
{
  static model_region regions[2] = {{.name = "eastus", .primary = 1},
                                    {.name = "westus2", .primary = 0}};
  model_scenario *sc = &f->sc;
  sc->mode = MODEL_MODE_LIFETIME;
  sc->horizon_s = FIXTURE_LT_H;
  sc->regions = regions;
  sc->n_regions = 2;
  sc->disaster.type = MODEL_DISASTER_REGION;
  sc->disaster.region = 0;
  sc->disaster.rate_per_s = 1.0 / (10.0 * FIXTURE_LT_H);
  f->comps[0].has_failure = 1;
  f->comps[0].failure = (model_dist){.kind = MODEL_DIST_EXPONENTIAL, .p = {720 * 3600.0}};
  f->comps[0].repair = (model_dist){.kind = MODEL_DIST_EXPONENTIAL, .p = {2 * 3600.0}};
  f->comps[1].has_failure = 1;
  f->comps[1].failure = (model_dist){.kind = MODEL_DIST_CONSTANT, .p = {1000 * 3600.0}};
  f->comps[1].repair = (model_dist){.kind = MODEL_DIST_CONSTANT, .p = {3600.0}};
}

/* Disaster incidents of trial t (both environments). */
static int lt_incidents(uint64_t t) { return t == 10 ? 6 : t % 5 == 0 ? 1 : 0; }

void fixture_lifetime_fill(const model_scenario *sc, void *rec, uint64_t t)
{
  model_outcome_clear(sc, rec);
  model_trial_view v = model_outcome_view(sc, rec);
  int f = (int)(t % 3), k = lt_incidents(t);
  v.components[0].failures = f;
  v.components[0].down_s = 3600.0 * f;
  v.components[0].downtime_caused_s = 3600.0 * f;
  v.components[0].incidents_caused = f;
  v.components[1].failures = 1;
  v.components[1].down_s = 7200.0;
  v.components[1].downtime_caused_s = 2 * 7200.0;
  v.components[1].incidents_caused = 2;
  size_t nc = sc->n_components;
  v.env_component_downtime_s[0 * nc + 0] = 3600.0 * f;
  v.env_component_downtime_s[0 * nc + 1] = 7200.0;
  v.env_component_downtime_s[1 * nc + 1] = 7200.0;
  for (size_t e = 0; e < 2; e++) {
    model_env_outcome *o = &v.env[e];
    o->downtime_component_s = e == 0 ? 3600.0 * f + 7200.0 : 7200.0;
    o->downtime_disaster_s = 7200.0 * k;
    o->downtime_failback_s = 1800.0 * k;
    o->downtime_s = o->downtime_component_s + o->downtime_disaster_s + o->downtime_failback_s;
    o->availability = 1.0 - o->downtime_s / FIXTURE_LT_H;
    o->component_incidents = e == 0 ? f + 1 : 1;
    o->disasters = k;
    o->disaster_incidents = k;
    o->incidents = o->component_incidents + 2 * k;
    o->longest_outage_s = 7200.0;
    o->rto_s = k ? 7200.0 : 0.0;
    o->rpo_s = k ? 600.0 : 0.0;
    o->recovered = 1;
    for (int j = 0; j < k && j < MODEL_OUTCOME_MAX_INCIDENTS; j++) {
      model_incident_outcome *io = &v.incidents[e * MODEL_OUTCOME_MAX_INCIDENTS + (size_t)j];
      io->start_s = 1e6 * (j + 1);
      io->rto_s = 7200.0;
      io->rpo_s = 600.0;
      io->failback_s = 1800.0;
      io->failed_over = 1;
      io->recovered = 1;
    }
  }
}

int64_t fixture_lifetime_run(report_store *st, const model_scenario *sc,
                             report_detail detail)
{
  report_error err = {{0}};
  report_run_info info = {.seed = 7, .trials = FIXTURE_LT_TRIALS, .detail = detail,
                          .threads = 1, .program_version = "test", .point = -1};
  int64_t id = 0;
  assert_int_equal(report_store_run_begin(st, &info, sc, &id, &err), REPORT_OK);
  size_t rs = model_outcome_size(sc);
  unsigned char *rec = malloc(rs * FIXTURE_LT_TRIALS);
  assert_non_null(rec);
  for (uint64_t t = 0; t < FIXTURE_LT_TRIALS; t++) fixture_lifetime_fill(sc, rec + t * rs, t);
  for (uint64_t t = 0; t < FIXTURE_LT_TRIALS; t += 7) {
    size_t n = FIXTURE_LT_TRIALS - t < 7 ? (size_t)(FIXTURE_LT_TRIALS - t) : 7;
    int rc = report_store_run_append(st, id, sc, t, n, rec + t * rs, rs, &err);
    if (rc) print_error("%s\n", err.text);
    assert_int_equal(rc, REPORT_OK);
  }
  free(rec);
  assert_int_equal(report_store_run_finish(st, id, REPORT_RUN_COMPLETE, &err), REPORT_OK);
  return id;
}

void fixture_db_open(fixture_db *d, const char *name, const model_scenario *sc,
                     uint64_t trials, report_detail detail)
{
  memset(d, 0, sizeof *d);
  d->dir = fixture_tmpdir_new();
  snprintf(d->path, sizeof d->path, "%s/%s", d->dir, name);
  report_error err = {{0}};
  assert_int_equal(report_store_open(d->path, REPORT_STORE_READWRITE, &d->st, &err), REPORT_OK);
  d->id = sc->mode == MODEL_MODE_LIFETIME ? fixture_lifetime_run(d->st, sc, detail)
                                          : fixture_run(d->st, sc, trials, detail);
  assert_int_equal(report_summary_build(d->st, d->id, &d->s, &err), REPORT_OK);
}

void fixture_db_close(fixture_db *d)
{
  report_summary_free(d->s);
  report_store_close(d->st);
  fixture_tmpdir_remove(d->dir);
  memset(d, 0, sizeof *d);
}

char *fixture_capture(int (*fn)(FILE *, const report_summary *, report_error *),
                      const report_summary *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_non_null(fp);
  report_error err = {{0}};
  assert_int_equal(fn(fp, s, &err), REPORT_OK);
  fclose(fp);
  return buf;
}
