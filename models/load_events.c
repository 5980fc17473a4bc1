/*
** models/load_events.c — top-level keys and the event sections of a scenario.
**
** version, name, seed, trials and the other top-level scalars; disaster,
** oncall and lifetime; and the check that a lifetime trial stays within a
** reasonable number of events.
*/
#include "models/load_internal.h"

#include <ctype.h>
#include <string.h>

#include "models/calendar.h"
#include "models/units.h"

/* ---- disaster, oncall, lifetime ----------------------------------------- */

void ld_load_disaster(loader *L, const ynode *root, const name_ix *rix, const name_ix *cix) {
  model_scenario *sc = L->sc;
  model_disaster *d = &sc->disaster;
  d->type = MODEL_DISASTER_REGION;
  d->component = -1;
  d->region = -1;
  for (size_t r = 0; r < sc->n_regions; r++)
    if (sc->regions[r].primary) d->region = (int)r;
  const ynode *m = model_yaml_get(root, "disaster");
  if (!m) return;   /* default: the primary region is lost */
  d->loc.line = m->line;
  d->loc.col = m->col;
  if (ld_want_map(L, m, "'disaster'")) return;
  static const char *const keys[] = {"type", "region", "zone", "component", "duration",
                                     "rate", "start", NULL};
  ld_check_keys(L, m, keys, "disaster");
  const ynode *x;
  int type = 0;
  if ((x = model_yaml_get(m, "type")) &&
      ld_get_enum(L, x, "disaster type", model_disaster_type_names, &type))
    return;
  d->type = (model_disaster_type)type;
  model_yaml_pair *p;
  if (type == MODEL_DISASTER_COMPONENT && (p = model_yaml_get_pair(m, "region")))
    ld_err_at(L, p->key, "'region' is for region-outage and zone-outage disasters; remove it (a "
              "component disaster hits the named component)");
  if (type != MODEL_DISASTER_ZONE && (p = model_yaml_get_pair(m, "zone")))
    ld_err_at(L, p->key, "'zone' is for type: zone-outage only; remove it or change the type");
  if (type != MODEL_DISASTER_COMPONENT && (p = model_yaml_get_pair(m, "component")))
    ld_err_at(L, p->key, "'component' is for type: component only; remove it or change the type");
  if (type != MODEL_DISASTER_COMPONENT && (x = model_yaml_get(m, "region")))
    d->region = ld_find_region(L, rix, x, "region");
  if (type == MODEL_DISASTER_ZONE) {
    long long z;
    if (!(x = model_yaml_get(m, "zone")))
      ld_err_at(L, m, "a zone-outage disaster needs 'zone' (1, 2 or 3)");
    else if (ld_get_int(L, x, "zone", 1, 3, &z) == 0)
      d->zone = (int)z;
  }
  if (type == MODEL_DISASTER_COMPONENT) {
    d->region = -1;
    if (!(x = model_yaml_get(m, "component"))) {
      ld_err_at(L, m, "a component disaster needs 'component' (the name of the component that fails)");
    } else if (ld_want_scalar(L, x, "component") == 0) {
      long c = ld_ix_find(cix, x->str);
      if (c < 0) {
        char h[512];
        ld_err_at(L, x, "unknown component '%s'%s", x->str, ld_ix_hint(L, cix, x->str, h, sizeof h));
      }
      d->component = (int)c;
    }
  }
  if ((x = model_yaml_get(m, "duration")) && ld_get_dist(L, x, "duration", &d->duration) == 0)
    d->has_duration = 1;
  if ((x = model_yaml_get(m, "rate")) && ld_want_scalar(L, x, "rate") == 0) {
    const char *why = NULL;
    if (model_units_parse_rate(x->str, &d->rate_per_s, &why)) {
      ld_err_at(L, x, "bad rate '%s': %s", x->str, why ? why : "write it as 1/10y (once in ten years)");
      d->rate_per_s = 0;
    }
  }
}

/* "HH:MM" -> seconds after midnight; -1 when malformed. */
static double parse_clock(const char *s, size_t len) { return model_calendar_parse_clock(s, len); }

void ld_load_oncall(loader *L, const ynode *root) {
  model_oncall *o = &L->sc->oncall;
  o->day_start_s = 8 * 3600.0;
  o->day_end_s = 18 * 3600.0;
  o->workdays = 5;
  const ynode *m = model_yaml_get(root, "oncall");
  if (!m) return;
  if (ld_want_map(L, m, "'oncall'")) return;
  o->enabled = 1;
  static const char *const keys[] = {"business_hours", "workdays", NULL};
  ld_check_keys(L, m, keys, "oncall");
  const ynode *x;
  if ((x = model_yaml_get(m, "business_hours")) && ld_want_scalar(L, x, "business_hours") == 0) {
    const char *dash = strchr(x->str, '-');
    double a = dash ? parse_clock(x->str, (size_t)(dash - x->str)) : -1;
    double b = dash ? parse_clock(dash + 1, strlen(dash + 1)) : -1;
    if (a < 0 || b < 0)
      ld_err_at(L, x, "bad business_hours '%s'; write HH:MM-HH:MM, as in \"08:00-18:00\"", x->str);
    else if (!(b > a))
      ld_err_at(L, x, "business_hours '%s' ends before it starts; write HH:MM-HH:MM within one "
                "day, as in \"08:00-18:00\"", x->str);
    else {
      o->day_start_s = a;
      o->day_end_s = b;
    }
  }
  long long v;
  if ((x = model_yaml_get(m, "workdays")) && ld_get_int(L, x, "workdays", 1, 7, &v) == 0)
    o->workdays = (int)v;
}

void ld_load_lifetime(loader *L, const ynode *root) {
  const ynode *m = model_yaml_get(root, "lifetime");
  if (!m || ld_want_map(L, m, "'lifetime'")) return;
  static const char *const keys[] = {"failback", "failback_duration", "failback_window", NULL};
  ld_check_keys(L, m, keys, "lifetime");
  const ynode *x;
  model_lifetime *lt = &L->sc->lifetime;
  if ((x = model_yaml_get(m, "failback"))) ld_get_bool(L, x, "failback", &lt->failback);
  if ((x = model_yaml_get(m, "failback_duration")))
    ld_get_dist(L, x, "failback_duration", &lt->failback_duration);
  if ((x = model_yaml_get(m, "failback_window")) && ld_want_scalar(L, x, "failback_window") == 0) {
    const char *dash = strchr(x->str, '-');
    double a = dash ? parse_clock(x->str, (size_t)(dash - x->str)) : -1;
    double b = dash ? parse_clock(dash + 1, strlen(dash + 1)) : -1;
    if (a < 0 || b < 0 || a >= MODEL_UNITS_DAY || b > MODEL_UNITS_DAY)
      ld_err_at(L, x, "bad failback_window '%s'; write a daily window HH:MM-HH:MM, as in "
                "\"02:00-05:00\" (it may wrap past midnight: \"22:00-02:00\")", x->str);
    else if (a == b)
      ld_err_at(L, x, "failback_window '%s' is empty; give a window of some length, as in "
                "\"02:00-05:00\"", x->str);
    else {
      lt->has_failback_window = 1;
      lt->failback_window_start_s = a;
      lt->failback_window_end_s = b;
    }
  }
}

/* ---- top level ---------------------------------------------------------- */

void ld_load_top(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  static const char *const keys[] = {"version", "name", "description", "seed", "trials", "mode",
                                     "horizon", "objectives", "regions", "components",
                                     "disaster", "standby", "workflows", "oncall", "lifetime",
                                     "calendars", "teams", "common_causes", "costs", "currency",
                                     "meet", NULL};
  ld_check_keys(L, root, keys, "the scenario");
  const ynode *x;
  long long v;
  if (!(x = model_yaml_get(root, "version")))
    ld_err_at(L, root, "missing 'version'; start the scenario with version: 1");
  else if (ld_get_int(L, x, "version", 0, 1000000, &v) == 0 && v != 1)
    ld_err_at(L, x, "version %lld is not supported; this drsim reads version: 1", v);
  if (!(x = model_yaml_get(root, "name"))) {
    ld_err_at(L, root, "missing 'name'; name the scenario, e.g. name: aks-east-west");
  } else if (ld_want_scalar(L, x, "name") == 0) {
    size_t blank = strspn(x->str, " \t");
    if (x->len > 200)
      ld_err_at(L, x, "the scenario name is %zu characters long; the limit is 200", x->len);
    else if (blank == x->len)
      ld_err_at(L, x, "the scenario name is empty; name the scenario, e.g. name: aks-east-west");
    else if (ld_has_control(x->str))
      ld_err_at(L, x, "the scenario name holds a control character (an escape sequence or a "
                "line break); use printable text");
    else
      sc->name = ld_xstrdup(L, x->str);
  }
  if ((x = model_yaml_get(root, "description")) && ld_want_scalar(L, x, "description") == 0) {
    /* Line breaks are fine in a description; other control characters
    ** (ANSI escape sequences) would reach the terminal. */
    int bad = 0;
    for (const char *p = x->str; *p; p++)
      bad |= ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f;
    if (bad)
      ld_err_at(L, x, "the description holds a control character (an escape sequence); use "
                "printable text");
    else
      sc->description = ld_xstrdup(L, x->str);
  }
  sc->seed = 42;
  sc->trials = 10000;
  if ((x = model_yaml_get(root, "seed"))) ld_get_u64(L, x, "seed", UINT64_MAX, &sc->seed);
  if ((x = model_yaml_get(root, "trials")) &&
      ld_get_u64(L, x, "trials", MODEL_MAX_TRIALS, &sc->trials) == 0 &&
      sc->trials == 0) {
    ld_err_at(L, x, "'trials' must be at least 1");
    sc->trials = 1;
  }
  /* meet: {share, confidence}: what "meets" means for every command. */
  sc->meet = model_meet_default();
  if ((x = model_yaml_get(root, "meet")) && ld_want_map(L, x, "'meet'") == 0) {
    static const char *const mkeys[] = {"share", "confidence", NULL};
    ld_check_keys(L, x, mkeys, "'meet'");
    const ynode *y;
    if ((y = model_yaml_get(x, "share")) && ld_get_fraction(L, y, "share", &sc->meet.share) == 0 &&
        !(sc->meet.share > 0 && sc->meet.share < 1))
      ld_err_at(L, y, "'share' must be above 0 and below 1 (100%%): no number of trials shows "
                "that every disaster meets an objective; use e.g. 0.95 or 99%%");
    if ((y = model_yaml_get(x, "confidence")) &&
        ld_get_fraction(L, y, "confidence", &sc->meet.confidence) == 0 &&
        !(sc->meet.confidence > 0.5 && sc->meet.confidence < 1))
      ld_err_at(L, y, "'confidence' must be above 0.5 and below 1; use e.g. 0.95");
  }
  static const char *const modes[] = {"disaster", "lifetime", NULL};
  int mode = 0;
  if ((x = model_yaml_get(root, "mode")) && ld_get_enum(L, x, "mode", modes, &mode) == 0)
    sc->mode = (model_mode)mode;
  /* horizon is read in either mode, so that --set mode=lifetime works. */
  if ((x = model_yaml_get(root, "horizon")) && ld_get_duration(L, x, "horizon", &sc->horizon_s) == 0 &&
      (!(sc->horizon_s > 0) || sc->horizon_s > MAX_HORIZON_S))
    ld_err_at(L, x, "'horizon' must be greater than 0 and at most 1000y");
  if (sc->mode == MODEL_MODE_LIFETIME && !x)
    ld_err_at(L, model_yaml_get(root, "mode"), "lifetime mode needs 'horizon', the time each "
              "trial simulates, e.g. horizon: 1y");
}

/* Lifetime mode: refuse a scenario whose trials would each simulate more
** than MAX_LIFETIME_EVENTS failures, repairs and disasters, since one such
** trial runs for minutes. Expected events: horizon / (mean failure + mean
** repair) per component, plus disaster rate x horizon. */
void ld_check_lifetime_events(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  if (sc->mode != MODEL_MODE_LIFETIME || !(sc->horizon_s > 0) || sc->horizon_s > MAX_HORIZON_S)
    return;
  double total = sc->disaster.rate_per_s * sc->horizon_s, worst = 0;
  size_t worst_c = 0;
  for (size_t i = 0; i < sc->n_components; i++) {
    const model_component *c = &sc->components[i];
    if (!c->has_failure) continue;
    double cycle = model_dist_mean(&c->failure) + model_dist_mean(&c->repair);
    if (!(cycle > 0)) continue;   /* refused where it was read */
    double ev = sc->horizon_s / cycle;
    total += ev;
    if (ev > worst) {
      worst = ev;
      worst_c = i;
    }
  }
  if (total <= MAX_LIFETIME_EVENTS) return;
  const ynode *h = model_yaml_get(root, "horizon");
  char hb[48];
  model_units_format_duration(sc->horizon_s, hb, sizeof hb);
  if (worst > sc->disaster.rate_per_s * sc->horizon_s)
    ld_err_at(L, h, "lifetime mode would simulate about %.3g failures and repairs per trial over "
              "the horizon of %s; the limit is %.0e. Component '%s' alone cycles about %.3g "
              "times: check the units of its failure and repair, or shorten the horizon", total,
              hb, MAX_LIFETIME_EVENTS, sc->components[worst_c].name, worst);
  else
    ld_err_at(L, h, "lifetime mode would simulate about %.3g disasters per trial over the horizon "
              "of %s; the limit is %.0e: check the disaster rate or shorten the horizon", total,
              hb, MAX_LIFETIME_EVENTS);
}
