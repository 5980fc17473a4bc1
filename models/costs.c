/*
** models/costs.c — the `costs:` block and `currency:` of a scenario: parsing
** (located errors), the standby's annual cost, and one trial's loss. See
** models/costs.h for the contract and scenarios/README.md for the keys.
*/
#include "models/costs.h"
#include "models/outcome.h"
#include "models/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAYS_PER_MONTH (365.0 / 12.0)

typedef struct env_costs {
  double downtime_per_hour;      /* flat; or business hours when by_hours */
  double downtime_off_hours;     /* by_hours: outside business hours */
  int by_hours;
  double data_loss_per_hour;
  double failover, failback;     /* one-off, per trial that fails over */
} env_costs;

typedef struct repl_costs {
  double periodic_per_month, per_backup, async_per_month, sync_per_month;
} repl_costs;

typedef struct team_costs {
  double per_member_per_month;
} team_costs;

typedef struct measure_costs {
  char *name;
  double per_month;
  int in_place;
} measure_costs;

typedef struct pool_costs {
  double reservation_per_month;
  int reserved;
} pool_costs;

struct model_costs {
  char *currency;
  double disaster_rate_per_year;   /* NAN: not given here */
  double unrecovered_outage_s;
  int has_risk;
  double failover, failback;       /* one-off, per disaster that fails anything over */
  env_costs *env;                  /* [n_environments] */
  pool_costs *pool;                /* [n_standby] */
  repl_costs *comp;                /* [n_components] */
  team_costs *team;                /* [n_teams] */
  measure_costs *measure;          /* [n_measures] */
  size_t n_measures;
};

typedef struct parser {
  const char *file;
  model_diag *diag;
  int errors;
} parser;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void err_at(parser *P, const model_yaml_node *n, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *file = P->file;
  int line = 1, col = 1;
  if (n) model_yaml_where(n, P->file, &file, &line, &col);
  model_diag_add(P->diag, file, line, col, "%s", msg);
  P->errors++;
}

static int want_map(parser *P, const model_yaml_node *n, const char *what) {
  if (n->kind == MODEL_YAML_MAPPING) return 0;
  err_at(P, n, "'%s' must be a map, not %s", what, model_yaml_kind_name(n->kind));
  return -1;
}

static void check_keys(parser *P, const model_yaml_node *m, const char *const *keys,
                       const char *where) {
  size_t nk = 0;
  while (keys[nk]) nk++;
  for (size_t i = 0; i < m->n_pairs; i++) {
    const char *k = m->pairs[i].key->str;
    size_t j = 0;
    while (j < nk && strcmp(k, keys[j])) j++;
    if (j < nk) continue;
    const char *best = model_diag_suggest(k, keys, nk);
    if (best)
      err_at(P, m->pairs[i].key, "unknown key '%s' in %s; did you mean '%s'?", k, where, best);
    else
      err_at(P, m->pairs[i].key, "unknown key '%s' in %s", k, where);
  }
}

/* A number >= 0 (currency units). */
static void get_amount(parser *P, const model_yaml_node *n, const char *key, double *out) {
  if (!n) return;
  if (n->kind != MODEL_YAML_SCALAR) {
    err_at(P, n, "'%s' must be an amount of money, as in 1200, not %s", key,
           model_yaml_kind_name(n->kind));
    return;
  }
  char *end = NULL;
  errno = 0;
  double v = strtod(n->str, &end);
  if (end == n->str || *end != '\0' || !isfinite(v) || errno == ERANGE) {
    err_at(P, n, "'%s' must be an amount of money, as in 1200, not '%s'", key, n->str);
    return;
  }
  if (v < 0) {
    err_at(P, n, "'%s' must not be negative", key);
    return;
  }
  *out = v;
}

static void get_bool(parser *P, const model_yaml_node *n, const char *key, int *out) {
  if (!n) return;
  if (n->kind == MODEL_YAML_SCALAR && (!strcmp(n->str, "true") || !strcmp(n->str, "false"))) {
    *out = n->str[0] == 't';
    return;
  }
  err_at(P, n, "'%s' must be true or false", key);
}

static void load_env(parser *P, const model_yaml_node *m, const model_scenario *sc,
                     env_costs *e, int *has_risk) {
  static const char *const keys[] = {"downtime_per_hour", "data_loss_per_hour", "failover",
                                     "failback", NULL};
  if (want_map(P, m, "costs.environments.ENV")) return;
  check_keys(P, m, keys, "an environment's costs");
  const model_yaml_node *d = model_yaml_get(m, "downtime_per_hour");
  if (d && d->kind == MODEL_YAML_MAPPING) {
    static const char *const hk[] = {"business_hours", "off_hours", NULL};
    check_keys(P, d, hk, "downtime_per_hour");
    const model_yaml_node *b = model_yaml_get(d, "business_hours"),
                          *o = model_yaml_get(d, "off_hours");
    if (!b || !o)
      err_at(P, d, "downtime_per_hour by hours needs both business_hours and off_hours, as in "
             "{business_hours: 20000, off_hours: 8000}");
    get_amount(P, b, "business_hours", &e->downtime_per_hour);
    get_amount(P, o, "off_hours", &e->downtime_off_hours);
    e->by_hours = 1;
    if (!sc->oncall.enabled)
      err_at(P, d, "downtime_per_hour by business and off hours needs the oncall block (its "
             "calendar says which hours are business hours); give one flat amount instead");
  } else {
    get_amount(P, d, "downtime_per_hour", &e->downtime_per_hour);
  }
  get_amount(P, model_yaml_get(m, "data_loss_per_hour"), "data_loss_per_hour",
             &e->data_loss_per_hour);
  get_amount(P, model_yaml_get(m, "failover"), "failover", &e->failover);
  get_amount(P, model_yaml_get(m, "failback"), "failback", &e->failback);
  if (e->downtime_per_hour > 0 || e->downtime_off_hours > 0 || e->data_loss_per_hour > 0 ||
      e->failover > 0 || e->failback > 0)
    *has_risk = 1;
}

static void load_comp(parser *P, const model_yaml_node *m, repl_costs *r) {
  static const char *const keys[] = {"periodic", "async", "sync", NULL};
  if (want_map(P, m, "costs.components.NAME")) return;
  check_keys(P, m, keys, "a component's costs");
  const model_yaml_node *p = model_yaml_get(m, "periodic");
  if (p && want_map(P, p, "periodic") == 0) {
    static const char *const pk[] = {"per_month", "per_backup", NULL};
    check_keys(P, p, pk, "periodic");
    get_amount(P, model_yaml_get(p, "per_month"), "per_month", &r->periodic_per_month);
    get_amount(P, model_yaml_get(p, "per_backup"), "per_backup", &r->per_backup);
  }
  static const char *const mk[] = {"per_month", NULL};
  const model_yaml_node *a = model_yaml_get(m, "async");
  if (a && want_map(P, a, "async") == 0) {
    check_keys(P, a, mk, "async");
    get_amount(P, model_yaml_get(a, "per_month"), "per_month", &r->async_per_month);
  }
  const model_yaml_node *s = model_yaml_get(m, "sync");
  if (s && want_map(P, s, "sync") == 0) {
    check_keys(P, s, mk, "sync");
    get_amount(P, model_yaml_get(s, "per_month"), "per_month", &r->sync_per_month);
  }
}

static void load_pool(parser *P, const model_yaml_node *m, pool_costs *c) {
  static const char *const keys[] = {"reservation_per_month", "reserved", NULL};
  if (want_map(P, m, "costs.standby.POOL")) return;
  check_keys(P, m, keys, "a standby pool's costs");
  get_amount(P, model_yaml_get(m, "reservation_per_month"), "reservation_per_month",
             &c->reservation_per_month);
  get_bool(P, model_yaml_get(m, "reserved"), "reserved", &c->reserved);
}

static int find_team(const model_scenario *sc, const char *name) {
  for (size_t t = 0; t < sc->n_teams; t++)
    if (!strcmp(sc->teams[t].name, name)) return (int)t;
  return -1;
}

static void load_team(parser *P, const model_yaml_node *m, team_costs *t) {
  static const char *const keys[] = {"per_member_per_month", NULL};
  if (want_map(P, m, "costs.teams.NAME")) return;
  check_keys(P, m, keys, "a team's costs");
  get_amount(P, model_yaml_get(m, "per_member_per_month"), "per_member_per_month",
             &t->per_member_per_month);
}

/* costs.measures: NAME -> {per_month: A, in_place: true|false}. */
static void load_measures(parser *P, const model_yaml_node *m, model_costs *c,
                          model_diag *diag) {
  static const char *const keys[] = {"per_month", "in_place", NULL};
  if (want_map(P, m, "costs.measures")) return;
  if (!(c->measure = calloc(m->n_pairs + 1, sizeof *c->measure))) {
    model_diag_set_nomem(diag);
    err_at(P, m, "out of memory");
    return;
  }
  for (size_t i = 0; i < m->n_pairs; i++) {
    const model_yaml_node *k = m->pairs[i].key, *v = m->pairs[i].value;
    measure_costs *x = &c->measure[c->n_measures];
    if (!(x->name = strdup(k->str))) {
      model_diag_set_nomem(diag);
      err_at(P, k, "out of memory");
      return;
    }
    c->n_measures++;
    if (want_map(P, v, "costs.measures.NAME")) continue;
    check_keys(P, v, keys, "a measure's costs");
    if (!model_yaml_get(v, "per_month"))
      err_at(P, v, "measure '%s' needs per_month (its cost a month while in place)", k->str);
    get_amount(P, model_yaml_get(v, "per_month"), "per_month", &x->per_month);
    get_bool(P, model_yaml_get(v, "in_place"), "in_place", &x->in_place);
  }
}

/* Iterate a name -> map block whose names must be of one kind. */
static void load_named(parser *P, const model_yaml_node *m, const char *what, model_costs *c,
                       model_scenario *sc) {
  if (want_map(P, m, what)) return;
  for (size_t i = 0; i < m->n_pairs; i++) {
    const model_yaml_node *k = m->pairs[i].key, *v = m->pairs[i].value;
    if (!strcmp(what, "costs.environments")) {
      int e = model_scenario_find_environment(sc, k->str);
      if (e < 0) err_at(P, k, "costs for unknown environment '%s'", k->str);
      else load_env(P, v, sc, &c->env[e], &c->has_risk);
    } else if (!strcmp(what, "costs.teams")) {
      int t = find_team(sc, k->str);
      if (t < 0) err_at(P, k, "costs for unknown team '%s'", k->str);
      else load_team(P, v, &c->team[t]);
    } else if (!strcmp(what, "costs.standby")) {
      int p = model_scenario_find_standby(sc, k->str);
      if (p < 0) err_at(P, k, "costs for unknown standby pool '%s'", k->str);
      else load_pool(P, v, &c->pool[p]);
    } else {
      int x = model_scenario_find_component(sc, k->str);
      if (x < 0) err_at(P, k, "costs for unknown component '%s'", k->str);
      else load_comp(P, v, &c->comp[x]);
    }
  }
}

int model_costs_load(const model_yaml_node *root, model_scenario *sc, const char *file,
                     model_diag *diag) {
  parser P = {file, diag, 0};
  const model_yaml_node *cur = model_yaml_get(root, "currency");
  const model_yaml_node *m = model_yaml_get(root, "costs");
  if (!cur && !m) return 0;
  model_costs *c = calloc(1, sizeof *c);
  if (c) {
    c->env = calloc(sc->n_environments + 1, sizeof *c->env);
    c->pool = calloc(sc->n_standby + 1, sizeof *c->pool);
    c->comp = calloc(sc->n_components + 1, sizeof *c->comp);
    c->team = calloc(sc->n_teams + 1, sizeof *c->team);
  }
  if (!c || !c->env || !c->pool || !c->comp || !c->team) {
    model_costs_free(c);
    model_diag_set_nomem(diag);
    model_diag_add(diag, file, 0, 0, "out of memory");
    return 1;
  }
  sc->costs = c;
  c->disaster_rate_per_year = NAN;
  c->unrecovered_outage_s = 7 * MODEL_UNITS_DAY;
  if (cur) {
    if (cur->kind != MODEL_YAML_SCALAR || cur->len == 0 || cur->len > 16)
      err_at(&P, cur, "'currency' must be a short name, as in USD or EUR");
    else {
      for (const char *p = cur->str; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f) {
          err_at(&P, cur, "'currency' must be printable without spaces, as in USD");
          break;
        }
      if (!(c->currency = strdup(cur->str))) {
        model_diag_set_nomem(diag);
        err_at(&P, cur, "out of memory");
      }
    }
  }
  if (!m || want_map(&P, m, "costs")) return P.errors;
  static const char *const keys[] = {"disaster_rate", "unrecovered_outage", "failover",
                                     "failback", "environments", "standby", "components",
                                     "teams", "measures", NULL};
  check_keys(&P, m, keys, "costs");
  const model_yaml_node *x;
  if ((x = model_yaml_get(m, "disaster_rate"))) {
    double per_s;
    const char *why = NULL;
    if (x->kind != MODEL_YAML_SCALAR || model_units_parse_rate(x->str, &per_s, &why))
      err_at(&P, x, "bad disaster_rate: %s", why ? why : "write it as 1/10y");
    else
      c->disaster_rate_per_year = per_s * MODEL_UNITS_YEAR;
  }
  if ((x = model_yaml_get(m, "unrecovered_outage"))) {
    double s;
    const char *why = NULL;
    if (x->kind != MODEL_YAML_SCALAR || model_units_parse_duration(x->str, &s, &why) || !(s > 0))
      err_at(&P, x, "bad unrecovered_outage: %s", why ? why : "write a duration above 0, as in 7d");
    else
      c->unrecovered_outage_s = s;
  }
  get_amount(&P, model_yaml_get(m, "failover"), "failover", &c->failover);
  get_amount(&P, model_yaml_get(m, "failback"), "failback", &c->failback);
  if (c->failover > 0 || c->failback > 0) c->has_risk = 1;
  if ((x = model_yaml_get(m, "environments"))) load_named(&P, x, "costs.environments", c, sc);
  if ((x = model_yaml_get(m, "teams"))) load_named(&P, x, "costs.teams", c, sc);
  if ((x = model_yaml_get(m, "measures"))) load_measures(&P, x, c, diag);
  if ((x = model_yaml_get(m, "standby"))) load_named(&P, x, "costs.standby", c, sc);
  if ((x = model_yaml_get(m, "components"))) load_named(&P, x, "costs.components", c, sc);
  for (size_t p = 0; p < sc->n_standby; p++)
    if (c->pool[p].reserved) sc->standby[p].shortage_probability = 0;
  return P.errors;
}

void model_costs_free(model_costs *c) {
  if (!c) return;
  free(c->currency);
  free(c->env);
  free(c->pool);
  free(c->comp);
  free(c->team);
  for (size_t i = 0; c->measure && i < c->n_measures; i++) free(c->measure[i].name);
  free(c->measure);
  free(c);
}

const char *model_costs_currency(const model_scenario *sc) {
  return sc && sc->costs && sc->costs->currency ? sc->costs->currency : "";
}

int model_costs_has_risk(const model_scenario *sc) {
  return sc && sc->costs && sc->costs->has_risk;
}

double model_costs_disasters_per_year(const model_scenario *sc) {
  if (sc->costs && isfinite(sc->costs->disaster_rate_per_year))
    return sc->costs->disaster_rate_per_year;
  if (sc->disaster.rate_per_s > 0) return sc->disaster.rate_per_s * MODEL_UNITS_YEAR;
  return NAN;
}

static void add_item(model_costs_item *items, size_t max, size_t *n, const char *kind,
                     const char *name, double annual) {
  if (items && *n < max) items[*n] = (model_costs_item){kind, name, annual};
  (*n)++;
}

double model_costs_standby_annual(const model_scenario *sc, model_costs_item *items,
                                  size_t max_items, size_t *n_items) {
  size_t n = 0;
  double sum = 0;
  for (size_t p = 0; p < sc->n_standby; p++) {
    const model_standby *s = &sc->standby[p];
    double a = s->warm_nodes * s->node_cost_per_hour * MODEL_COSTS_HOURS_PER_YEAR;
    if (a > 0) add_item(items, max_items, &n, "warm nodes", s->name, a);
    sum += a;
    if (sc->costs && sc->costs->pool[p].reserved && sc->costs->pool[p].reservation_per_month > 0) {
      a = sc->costs->pool[p].reservation_per_month * MODEL_COSTS_MONTHS_PER_YEAR;
      add_item(items, max_items, &n, "reservation", s->name, a);
      sum += a;
    }
  }
  for (size_t i = 0; sc->costs && i < sc->n_components; i++) {
    const model_replication *r = &sc->components[i].replication;
    const repl_costs *rc = &sc->costs->comp[i];
    double month = 0;
    if (r->mode == MODEL_REPL_PERIODIC) {
      month = rc->periodic_per_month;
      if (rc->per_backup > 0 && r->interval_s > 0)
        month += rc->per_backup * DAYS_PER_MONTH * MODEL_UNITS_DAY / r->interval_s;
    } else if (r->mode == MODEL_REPL_ASYNC) {
      month = rc->async_per_month;
    } else if (r->mode == MODEL_REPL_SYNC) {
      month = rc->sync_per_month;
    }
    if (month > 0) {
      add_item(items, max_items, &n, "replication", sc->components[i].name,
               month * MODEL_COSTS_MONTHS_PER_YEAR);
      sum += month * MODEL_COSTS_MONTHS_PER_YEAR;
    }
  }
  for (size_t t = 0; sc->costs && t < sc->n_teams; t++) {
    double a = sc->teams[t].size * sc->costs->team[t].per_member_per_month *
               MODEL_COSTS_MONTHS_PER_YEAR;
    if (a > 0) add_item(items, max_items, &n, "members", sc->teams[t].name, a);
    sum += a;
  }
  for (size_t i = 0; sc->costs && i < sc->costs->n_measures; i++) {
    const measure_costs *x = &sc->costs->measure[i];
    if (!x->in_place || !(x->per_month > 0)) continue;
    add_item(items, max_items, &n, "measure", x->name, x->per_month * MODEL_COSTS_MONTHS_PER_YEAR);
    sum += x->per_month * MODEL_COSTS_MONTHS_PER_YEAR;
  }
  if (n_items) *n_items = n;
  return sum;
}

double model_costs_business_seconds(const model_oncall *oc, double start, double length) {
  if (!(length > 0)) return 0;
  double week = MODEL_UNITS_WEEK, total = 0;
  double full_weeks = floor(length / week);
  double per_week = oc->workdays * (oc->day_end_s - oc->day_start_s);
  total += full_weeks * per_week;
  double t = fmod(start, week), end = t + (length - full_weeks * week);
  /* Walk the days the remainder spans (at most 8). */
  for (double day = floor(t / MODEL_UNITS_DAY); day * MODEL_UNITS_DAY < end; day++) {
    if (fmod(day, 7.0) >= oc->workdays) continue;
    double a = day * MODEL_UNITS_DAY + oc->day_start_s, b = day * MODEL_UNITS_DAY + oc->day_end_s;
    if (a < t) a = t;
    if (b > end) b = end;
    if (b > a) total += b - a;
  }
  return total;
}

/* 1 when environment e's workflow ran a step in the trial (it failed over;
** it did not wait out the primary's return, nor was every step skipped). */
static int env_failed_over(const model_scenario *sc, const model_trial_view *v, size_t e) {
  int w = model_scenario_find_workflow(sc, sc->environments[e].name);
  if (w < 0) return 0;
  const model_workflow *wf = &sc->workflows[w];
  for (size_t s = 0; s < wf->n_steps; s++)
    if (!isnan(v->steps[wf->step_offset + s].start_s)) return 1;
  return 0;
}

/* Environment e's own loss in the trial (without the disaster's one-off). */
static double env_loss(const model_scenario *sc, const model_trial_view *v, size_t e,
                       int failed_over) {
  const model_costs *c = sc->costs;
  const model_env_outcome *o = &v->env[e];
  const env_costs *ec = &c->env[e];
  if (!o->affected) return 0;
  double loss = 0, cap = c->unrecovered_outage_s;
  double rto = o->recovered && isfinite(o->rto_s) ? o->rto_s : cap;
  double rpo = isfinite(o->rpo_s) ? o->rpo_s : cap;
  if (rto > cap) rto = cap;
  if (rpo > cap) rpo = cap;
  if (ec->by_hours && isfinite(o->wallclock_s)) {
    double b = model_costs_business_seconds(&sc->oncall, o->wallclock_s, rto);
    loss += (ec->downtime_per_hour * b + ec->downtime_off_hours * (rto - b)) / MODEL_UNITS_HOUR;
  } else {
    loss += ec->downtime_per_hour * rto / MODEL_UNITS_HOUR;
  }
  loss += ec->data_loss_per_hour * rpo / MODEL_UNITS_HOUR;
  if (failed_over) loss += ec->failover + ec->failback;
  return loss;
}

void model_costs_record_losses(const model_scenario *sc, void *record) {
  model_trial_view v = model_outcome_view(sc, record);
  const model_costs *c = sc->costs;
  int once = c != NULL && (c->failover > 0 || c->failback > 0);
  for (size_t e = 0; e < sc->n_environments; e++) {
    if (!c) {
      v.env[e].loss = NAN;
      continue;
    }
    int fo = v.env[e].affected && env_failed_over(sc, &v, e);
    v.env[e].loss = env_loss(sc, &v, e, fo);
    if (fo && once) {   /* the disaster's one-off: on the first that failed over */
      v.env[e].loss += c->failover + c->failback;
      once = 0;
    }
  }
}

double model_costs_trial_loss(const model_scenario *sc, const void *record) {
  if (!sc->costs) return 0;
  model_trial_view v = model_outcome_view(sc, (void *)record);
  double loss = 0;
  for (size_t e = 0; e < sc->n_environments; e++)
    if (!isnan(v.env[e].loss)) loss += v.env[e].loss;
  return loss;
}
