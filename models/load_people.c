/*
** models/load_people.c — the people side of a scenario: `calendars:`,
** `teams:`, the oncall block as the default calendar, `disaster.start`, a
** step's `off_hours` policy (a distribution, `wait`, or `{page: DIST}`),
** `team` and `calendar`, a workflow's `calendar` and a detection drawn by
** business hours; then the wall clock (models/scenario.h, model_clock) and
** each calendar's time-zone table (resolved here, once, at load time).
** Meaning: scenarios/README.md (`calendars`, `teams`).
*/
#include "models/load_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/calendar.h"

#define LP_REF_WEEK_YEAR 2026
#define LP_REF_WEEK_MONTH 1
#define LP_REF_WEEK_DAY 5   /* Monday 2026-01-05 */

/* ---- steps and workflows -------------------------------------------------- */

void ld_load_step_hours(loader *L, model_step *s, const ynode *m, const char *sname) {
  s->calendar = -1;
  s->team = -1;
  const ynode *bh = model_yaml_get(m, "business_hours"), *oh = model_yaml_get(m, "off_hours");
  if (!bh && !oh) return;
  model_yaml_pair *kp = model_yaml_get_pair(m, bh ? "business_hours" : "off_hours");
  if (!s->manual) {
    ld_err_at(L, kp->key, "'%s' is only for manual steps; add manual: true to step '%s' or "
              "remove it", kp->key->str, sname);
    return;
  }
  if (oh && oh->kind == MODEL_YAML_SCALAR && strcmp(oh->str, "wait") == 0) {
    s->off_policy = MODEL_OFF_WAIT;
  } else if (oh && oh->kind == MODEL_YAML_MAPPING && model_yaml_get(oh, "page")) {
    static const char *const pkeys[] = {"page", NULL};
    ld_check_keys(L, oh, pkeys, "off_hours");
    if (ld_get_dist(L, model_yaml_get(oh, "page"), "page", &s->page) == 0)
      s->off_policy = MODEL_OFF_PAGE;
  } else if (!oh) {
    ld_err_at(L, kp->key, "step '%s' has 'business_hours' but no 'off_hours'; say what happens "
              "outside business hours: off_hours: DIST (drawn instead), wait (for the next "
              "business window) or {page: DIST}", sname);
    return;
  } else if (ld_get_dist(L, oh, "off_hours", &s->off_hours) == 0) {
    s->off_policy = MODEL_OFF_DRAW;
  }
  if (bh) s->has_business = ld_get_dist(L, bh, "business_hours", &s->business_hours) == 0;
  s->has_oncall = s->off_policy == MODEL_OFF_DRAW;
}

void ld_load_detection(loader *L, model_workflow *wf, const ynode *x) {
  wf->calendar = -1;
  if (!x) return;
  if (x->kind == MODEL_YAML_MAPPING && !model_yaml_get(x, "dist") &&
      (model_yaml_get(x, "business_hours") || model_yaml_get(x, "off_hours"))) {
    static const char *const keys[] = {"business_hours", "off_hours", NULL};
    ld_check_keys(L, x, keys, "detection");
    const ynode *bh = model_yaml_get(x, "business_hours"), *oh = model_yaml_get(x, "off_hours");
    if (!bh || !oh) {
      ld_err_at(L, x, "detection by business hours needs both 'business_hours' and "
                "'off_hours' distributions");
      return;
    }
    int ok = ld_get_dist(L, bh, "business_hours", &wf->detection_business) == 0;
    ok &= ld_get_dist(L, oh, "off_hours", &wf->detection_off) == 0;
    wf->has_detection_hours = ok;
    return;
  }
  ld_get_dist(L, x, "detection", &wf->detection);
}

/* ---- calendars ------------------------------------------------------------ */

static int lp_add_calendar(loader *L, model_calendar *c) {
  model_scenario *sc = L->sc;
  if (!c) {
    ld_oom(L);
    return -1;
  }
  model_calendar **a = realloc(sc->calendars, (sc->n_calendars + 1) * sizeof *a);
  if (!a) {
    model_calendar_free(c);
    ld_oom(L);
    return -1;
  }
  sc->calendars = a;
  sc->calendars[sc->n_calendars++] = c;
  return 0;
}

static void lp_load_workdays(loader *L, model_calendar *c, const ynode *x) {
  long long v;
  if (x->kind == MODEL_YAML_SCALAR) {
    if (ld_get_int(L, x, "workdays", 1, 7, &v) == 0) model_calendar_set_workdays_count(c, (int)v);
    return;
  }
  if (ld_want_list(L, x, "'workdays'")) return;
  if (x->n_items == 0) {
    ld_err_at(L, x, "'workdays' is empty: the calendar would never open; list days, as in "
              "[Mon, Tue, Wed, Thu, Fri]");
    return;
  }
  model_calendar_clear_workdays(c);
  for (size_t i = 0; i < x->n_items; i++) {
    const ynode *d = x->items[i];
    if (ld_want_scalar(L, d, "workdays") != 0) continue;
    int wd = model_calendar_parse_weekday(d->str);
    if (wd < 0)
      ld_err_at(L, d, "'%s' is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun", d->str);
    else
      model_calendar_add_workday(c, wd);
  }
}

static void lp_load_calendar(loader *L, const ynode *m, const char *name) {
  char why[256];
  model_calendar *c = model_calendar_new(name);
  if (lp_add_calendar(L, c)) return;
  static const char *const keys[] = {"name", "timezone", "business_hours", "workdays",
                                     "holidays", NULL};
  char where[200];
  snprintf(where, sizeof where, "calendar '%s'", name);
  ld_check_keys(L, m, keys, where);
  const ynode *x;
  if ((x = model_yaml_get(m, "timezone")) && ld_want_scalar(L, x, "timezone") == 0 &&
      model_calendar_set_timezone(c, x->str, why, sizeof why))
    ld_err_at(L, x, "bad timezone '%s': %s", x->str, why);
  if ((x = model_yaml_get(m, "business_hours")) && ld_want_scalar(L, x, "business_hours") == 0 &&
      model_calendar_set_hours(c, x->str, why, sizeof why))
    ld_err_at(L, x, "bad business_hours '%s': %s", x->str, why);
  if ((x = model_yaml_get(m, "workdays"))) lp_load_workdays(L, c, x);
  if ((x = model_yaml_get(m, "holidays")) && !ld_is_null(x) && ld_want_items(L, x, "'holidays'") == 0)
    for (size_t i = 0; i < x->n_items; i++) {
      const ynode *d = x->items[i];
      if (ld_want_scalar(L, d, "holidays") == 0 &&
          model_calendar_add_holiday(c, d->str, why, sizeof why))
        ld_err_at(L, d, "bad holiday '%s': %s", d->str, why);
    }
}

static void lp_load_calendars(loader *L, const ynode *root, name_ix *ix) {
  const ynode *list = model_yaml_get(root, "calendars");
  char **owned = NULL;
  memset(ix, 0, sizeof *ix);
  if (!list || ld_is_null(list)) goto oncall;
  if (ld_want_items(L, list, "'calendars'")) goto oncall;
  ld_collect_names(L, list, "calendar", ix, &owned);
  for (size_t i = 0; i < list->n_items; i++) {
    const ynode *m = list->items[i];
    if (ld_want_map(L, m, "a calendar")) continue;
    if (!model_yaml_get(m, "name"))
      ld_err_at(L, m, "a calendar needs a 'name', e.g. name: sre-berlin");
    const char *nm = owned && owned[i] ? owned[i] : "?";
    if (strcmp(nm, "oncall") == 0 && model_yaml_get(root, "oncall"))
      ld_err_at(L, model_yaml_get(m, "name"), "a calendar named 'oncall' and an oncall block: "
                "the oncall block is the calendar 'oncall'; rename this one");
    lp_load_calendar(L, m, nm);
    if (L->sc->n_calendars != i + 1) break;   /* out of memory */
  }
  if (owned)
    for (size_t i = 0; i < list->n_items; i++) free(owned[i]);
  free(owned);
oncall:
  /* The oncall block (read by ld_load_oncall) is the calendar "oncall":
  ** UTC, its business hours and its first n workdays. */
  if (L->sc->oncall.enabled) {
    model_calendar *c = model_calendar_new("oncall");
    if (lp_add_calendar(L, c)) return;
    model_calendar_set_hours_s(c, L->sc->oncall.day_start_s, L->sc->oncall.day_end_s);
    model_calendar_set_workdays_count(c, L->sc->oncall.workdays);
  }
}

/* The index of names[i] equal to v's value, or -1 after an error ("unknown
** WHAT 'x'; did you mean ...", or `none` when there are no names at all). */
static int lp_find(loader *L, const ynode *v, const char *key, const char *what,
                   const char *const *names, size_t n, const char *none) {
  if (ld_want_scalar(L, v, key)) return -1;
  for (size_t i = 0; i < n; i++)
    if (names[i] && strcmp(names[i], v->str) == 0) return (int)i;
  char h[512] = "";
  if (!n) {
    ld_err_at(L, v, "'%s' names %s '%s', but %s", key, what, v->str, none);
    return -1;
  }
  ld_hint(L, v->str, names, n, h, sizeof h);
  ld_err_at(L, v, "unknown %s '%s'%s", what, v->str, h);
  return -1;
}

/* The calendar named by value node v, or -1 after an error. */
static int lp_find_calendar(loader *L, const ynode *v, const char *key) {
  model_scenario *sc = L->sc;
  const char **names = ld_xcalloc(L, sc->n_calendars, sizeof *names);
  if (!names) return -1;
  for (size_t i = 0; i < sc->n_calendars; i++) names[i] = model_calendar_name(sc->calendars[i]);
  int r = lp_find(L, v, key, "calendar", names, sc->n_calendars,
                  "the scenario has no calendars; define it under 'calendars:'");
  free(names);
  return r;
}

/* ---- teams ---------------------------------------------------------------- */

static void lp_load_teams(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  const ynode *list = model_yaml_get(root, "teams");
  if (!list || ld_is_null(list) || ld_want_items(L, list, "'teams'")) return;
  name_ix ix;
  char **owned = NULL;
  sc->teams = ld_xcalloc(L, list->n_items, sizeof *sc->teams);
  if (!sc->teams) return;
  sc->n_teams = list->n_items;
  ld_collect_names(L, list, "team", &ix, &owned);
  static const char *const keys[] = {"name", "size", "calendar", NULL};
  for (size_t i = 0; i < list->n_items; i++) {
    model_team *t = &sc->teams[i];
    const ynode *m = list->items[i], *x;
    t->name = owned && owned[i] ? owned[i] : ld_xstrdup(L, "?");
    if (owned) owned[i] = NULL;
    t->size = 1;
    t->calendar = -1;
    t->loc.line = m->line;
    t->loc.col = m->col;
    if (ld_want_map(L, m, "a team")) continue;
    char where[200];
    snprintf(where, sizeof where, "team '%s'", t->name ? t->name : "?");
    ld_check_keys(L, m, keys, where);
    if (!model_yaml_get(m, "name")) ld_err_at(L, m, "a team needs a 'name', e.g. name: sre");
    long long v;
    if (!(x = model_yaml_get(m, "size")))
      ld_err_at(L, m, "team '%s' needs a 'size' (how many people can work at once), e.g. "
                "size: 2", t->name ? t->name : "?");
    else if (ld_get_int(L, x, "size", 1, 100000, &v) == 0)
      t->size = (int)v;
    if ((x = model_yaml_get(m, "calendar"))) t->calendar = lp_find_calendar(L, x, "calendar");
  }
  if (owned)
    for (size_t i = 0; i < list->n_items; i++) free(owned[i]);
  free(owned);
  ld_ix_free(&ix);
}

static int lp_find_team(loader *L, const ynode *v) {
  model_scenario *sc = L->sc;
  const char **names = ld_xcalloc(L, sc->n_teams, sizeof *names);
  if (!names) return -1;
  for (size_t i = 0; i < sc->n_teams; i++) names[i] = sc->teams[i].name;
  int r = lp_find(L, v, "team", "team", (const char *const *)names, sc->n_teams,
                  "the scenario has no teams; define it under 'teams:', as in teams: "
                  "[{name: sre, size: 1}]");
  free(names);
  return r;
}

/* ---- the wall clock ------------------------------------------------------- */

static void lp_load_clock(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  model_clock *k = &sc->clock;
  k->enabled = sc->n_calendars > 0;
  k->start_utc = model_calendar_days_from_civil(LP_REF_WEEK_YEAR, LP_REF_WEEK_MONTH,
                                                LP_REF_WEEK_DAY) * MODEL_UNITS_DAY;
  k->period_s = MODEL_UNITS_WEEK;
  const ynode *dm = model_yaml_get(root, "disaster");
  const ynode *x = dm && dm->kind == MODEL_YAML_MAPPING ? model_yaml_get(dm, "start") : NULL;
  if (x) {
    double t;
    if (ld_want_scalar(L, x, "start")) return;
    if (model_calendar_parse_utc(x->str, &t)) {
      ld_err_at(L, x, "bad disaster start '%s'; write a UTC date and time, as in "
                "\"2026-01-09T18:04\"", x->str);
      return;
    }
    if (!k->enabled)
      ld_err_at(L, x, "'start' fixes the disaster's wall clock, which only calendars read; "
                "this scenario has no 'calendars' (or 'oncall'): add one or remove 'start'");
    if (sc->mode == MODEL_MODE_LIFETIME)
      ld_err_at(L, x, "'start' fixes the wall clock of the one disaster of a disaster-mode "
                "trial; lifetime mode draws each incident's wall clock: remove it, or run "
                "with mode: disaster");
    k->fixed = 1;
    k->start_utc = t;
    k->period_s = 0;
    return;
  }
  /* Holidays: the year of the earliest one, so that they matter. */
  long first = 0;
  int have = 0;
  for (size_t i = 0; i < sc->n_calendars; i++)
    for (size_t h = 0; h < model_calendar_n_holidays(sc->calendars[i]); h++) {
      long d = model_calendar_holiday(sc->calendars[i], h);
      if (!have || d < first) first = d;
      have = 1;
    }
  if (have) {
    int y, m, d;
    model_calendar_civil_from_days(first, &y, &m, &d);
    long a = model_calendar_days_from_civil(y, 1, 1), b = model_calendar_days_from_civil(y + 1, 1, 1);
    k->start_utc = a * MODEL_UNITS_DAY;
    k->period_s = (double)(b - a) * MODEL_UNITS_DAY;
  }
}

/* ---- entry ---------------------------------------------------------------- */

void ld_load_people(loader *L, const ynode *root) {
  model_scenario *sc = L->sc;
  name_ix cix;
  sc->default_calendar = -1;
  lp_load_calendars(L, root, &cix);
  ld_ix_free(&cix);
  lp_load_teams(L, root);
  if (sc->oncall.enabled) sc->default_calendar = (int)sc->n_calendars - 1;
  else if (sc->n_calendars == 1) sc->default_calendar = 0;
  lp_load_clock(L, root);

  for (size_t w = 0; w < sc->n_workflows; w++) {
    model_workflow *wf = &sc->workflows[w];
    const ynode *wm = L->wf ? L->wf[w].map : NULL, *x;
    if (!wm) continue;
    const char *env = wf->environment >= 0 ? sc->environments[wf->environment].name : "?";
    wf->calendar = sc->default_calendar;
    if ((x = model_yaml_get(wm, "calendar"))) wf->calendar = lp_find_calendar(L, x, "calendar");
    if (wf->has_detection_hours && wf->calendar < 0)
      ld_err_at(L, model_yaml_get(wm, "detection"), "detection of workflow '%s' is drawn by "
                "business hours, but no calendar says when they are: add 'calendars:' (or "
                "'oncall:'), or name one with calendar: NAME on the workflow", env);
    for (size_t si = 0; si < wf->n_steps; si++) {
      model_step *s = &wf->steps[si];
      const ynode *m = L->wf[w].steps ? L->wf[w].steps[si].map : NULL;
      if (!m) continue;
      const ynode *tn = model_yaml_get(m, "team"), *cn = model_yaml_get(m, "calendar");
      if (tn) s->team = lp_find_team(L, tn);
      if (cn && s->off_policy == MODEL_OFF_NONE)
        ld_err_at(L, model_yaml_get_pair(m, "calendar")->key, "'calendar' says which business "
                  "hours the step's off_hours policy reads; step '%s' has no off_hours: add "
                  "one or remove 'calendar'", s->name);
      if (cn) s->calendar = lp_find_calendar(L, cn, "calendar");
      else if (s->team >= 0 && sc->teams[s->team].calendar >= 0)
        s->calendar = sc->teams[s->team].calendar;
      else
        s->calendar = wf->calendar;
      if (s->off_policy == MODEL_OFF_NONE) s->calendar = -1;
      if (s->off_policy != MODEL_OFF_NONE && s->calendar < 0 &&
          (s->off_policy != MODEL_OFF_DRAW || sc->n_calendars > 0)) {
        const ynode *oh = model_yaml_get(m, "off_hours");
        if (sc->n_calendars > 1)
          ld_err_at(L, oh, "step '%s' of workflow '%s' has an off_hours policy but no calendar: "
                    "the scenario has several; name one with calendar: NAME (on the step, its "
                    "team or its workflow)", s->name, env);
        else
          ld_err_at(L, oh, "off_hours of step '%s' (workflow '%s') needs a calendar to know "
                    "when business hours are: add 'calendars:' (or an 'oncall' block)",
                    s->name, env);
      }
    }
  }

  /* Time zones: offsets over the draw period and 400 days beyond it. */
  if (L->errors == 0)
    for (size_t i = 0; i < sc->n_calendars; i++) {
      char why[256] = "";
      double from = sc->clock.start_utc - 2 * MODEL_UNITS_DAY;
      double to = sc->clock.start_utc + sc->clock.period_s + 400 * MODEL_UNITS_DAY;
      if (model_calendar_resolve(sc->calendars[i], from, to, why, sizeof why))
        ld_err_at(L, model_yaml_get(root, "calendars"), "calendar '%s': time zone '%s': %s",
                  model_calendar_name(sc->calendars[i]),
                  model_calendar_timezone(sc->calendars[i]), why);
    }
}
