/*
** tests/test_model_calendar.c — models/calendar.c and the calendars of a
** scenario: windows, workdays, holidays, the time-zone table (New York's
** daylight-saving changes of 2026, a window opening in the spring-forward
** gap), date parsing; then through the loader and the disaster model
** (issue 18 acceptance): off_hours: wait with a zero business duration
** waits exactly until the next window, and over a uniform week its wait has
** the closed-form law of the calendar (KS test on the positive waits, the
** atom at 0 by its share); a Friday 18:04 disaster gets its approval on
** Monday 08:00, a Monday holiday moves it a day; off_hours: {page: DIST};
** detection by business hours; the oncall block and the same calendar
** written under calendars: give the same trials; lifetime mode runs
** calendars and refuses disaster.start.
**
** Statistical checks: fixed seed, tolerance Z = 4 standard errors; the KS
** p-value must exceed 0.001.
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

#include "fit/gof.h"
#include "models/calendar.h"
#include "models/diag.h"
#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"
#include "models/units.h"
#include "tests/support/sim_fixture.h"

#define Z 4.0
#define SEED 20261203u
#define MIN 60.0
#define HOUR 3600.0
#define DAY 86400.0

static double utc(const char *s) {
  double t;
  assert_int_equal(model_calendar_parse_utc(s, &t), 0);
  return t;
}

static size_t n_trials(void) {
  const char *v = getenv("DRSIM_UNDER_VALGRIND");
  return v && strcmp(v, "1") == 0 ? 4000 : 40000;
}

/* ------------------------------------------------------------ the module */

static void test_defaults_and_windows(void **state) {
  (void)state;
  char why[200];
  model_calendar *c = model_calendar_new("ops");
  assert_non_null(c);
  assert_string_equal(model_calendar_name(c), "ops");
  assert_string_equal(model_calendar_timezone(c), "UTC");
  /* 2026-01-09 is a Friday. */
  assert_true(model_calendar_is_open(c, utc("2026-01-09T08:00")));
  assert_true(model_calendar_is_open(c, utc("2026-01-09T17:59:59")));
  assert_false(model_calendar_is_open(c, utc("2026-01-09T18:00")));
  assert_false(model_calendar_is_open(c, utc("2026-01-10T10:00")));   /* Saturday */
  assert_true(model_calendar_next_open(c, utc("2026-01-09T18:04")) == utc("2026-01-12T08:00"));
  assert_true(model_calendar_next_open(c, utc("2026-01-08T07:00")) == utc("2026-01-08T08:00"));
  double t = utc("2026-01-08T09:30");
  assert_true(model_calendar_next_open(c, t) == t);
  assert_int_equal(model_calendar_add_holiday(c, "2026-01-12", why, sizeof why), 0);
  assert_true(model_calendar_next_open(c, utc("2026-01-09T18:04")) == utc("2026-01-13T08:00"));
  assert_int_equal(model_calendar_add_holiday(c, "2026-02-30", why, sizeof why), -1);
  assert_int_equal(model_calendar_add_holiday(c, "12/25/2026", why, sizeof why), -1);
  assert_int_equal(model_calendar_n_holidays(c), 1);

  assert_int_equal(model_calendar_set_hours(c, "09:30-17:15", why, sizeof why), 0);
  assert_false(model_calendar_is_open(c, utc("2026-01-08T09:29")));
  assert_true(model_calendar_is_open(c, utc("2026-01-08T09:30")));
  assert_int_equal(model_calendar_set_hours(c, "18:00-08:00", why, sizeof why), -1);
  assert_int_equal(model_calendar_set_hours(c, "9-17", why, sizeof why), -1);
  assert_int_equal(model_calendar_set_hours(c, "00:00-24:00", why, sizeof why), 0);

  /* Weekend shift only. */
  model_calendar_clear_workdays(c);
  model_calendar_add_workday(c, model_calendar_parse_weekday("Sat"));
  model_calendar_add_workday(c, model_calendar_parse_weekday("sunday"));
  assert_int_equal(model_calendar_parse_weekday("Funday"), -1);
  assert_true(model_calendar_next_open(c, utc("2026-01-09T18:04")) == utc("2026-01-10T00:00"));
  model_calendar_clear_workdays(c);
  assert_true(isinf(model_calendar_next_open(c, utc("2026-01-09T18:04"))));
  model_calendar_free(c);
  model_calendar_free(NULL);
}

static void test_parse_and_format(void **state) {
  (void)state;
  double t;
  assert_int_equal(model_calendar_parse_utc("1970-01-01", &t), 0);
  assert_true(t == 0);
  assert_int_equal(model_calendar_parse_utc("2026-01-09T18:04Z", &t), 0);
  assert_true(t == utc("2026-01-09T18:04:00"));
  assert_int_equal(model_calendar_parse_utc("2026-01-09T25:00", &t), -1);
  assert_int_equal(model_calendar_parse_utc("2026-01-09T18:04+02", &t), -1);
  assert_int_equal(model_calendar_parse_utc("yesterday", &t), -1);
  char buf[48];
  assert_string_equal(model_calendar_format(NULL, utc("2026-01-09T18:04"), buf, sizeof buf),
                      "Fri 2026-01-09 18:04");
  for (long d = -1000; d < 100000; d += 37) {
    int y, m, dd;
    model_calendar_civil_from_days(d, &y, &m, &dd);
    assert_int_equal(model_calendar_days_from_civil(y, m, dd), d);
  }
}

/* New York 2026: EST (-5 h) until Sunday 2026-03-08 07:00 UTC, then EDT
** (-4 h) until Sunday 2026-11-01 06:00 UTC. */
static void test_timezone_dst(void **state) {
  (void)state;
  char why[300];
  model_calendar *c = model_calendar_new("nyc");
  assert_int_equal(model_calendar_set_timezone(c, "America/New_York", why, sizeof why), 0);
  assert_int_equal(model_calendar_resolve(c, utc("2026-01-01"), utc("2027-01-01"), why, sizeof why), 0);
  double spring = utc("2026-03-08T07:00"), fall = utc("2026-11-01T06:00");
  assert_true(model_calendar_offset(c, spring - 1) == -5 * HOUR);
  assert_true(model_calendar_offset(c, spring) == -4 * HOUR);
  assert_true(model_calendar_offset(c, fall - 1) == -4 * HOUR);
  assert_true(model_calendar_offset(c, fall) == -5 * HOUR);
  /* 08:00 local: 13:00 UTC in winter, 12:00 UTC in summer. */
  assert_true(model_calendar_next_open(c, utc("2026-01-09T23:04")) == utc("2026-01-12T13:00"));
  assert_true(model_calendar_next_open(c, utc("2026-07-10T23:04")) == utc("2026-07-13T12:00"));
  /* The Friday before the spring change to the Monday after it. */
  assert_true(model_calendar_next_open(c, utc("2026-03-06T23:04")) == utc("2026-03-09T12:00"));
  char buf[48];
  assert_string_equal(model_calendar_format(c, utc("2026-07-10T23:04"), buf, sizeof buf),
                      "Fri 2026-07-10 19:04");
  /* A window opening at 02:30 on the day the clocks jump from 02:00 to
  ** 03:00 opens at the jump. */
  assert_int_equal(model_calendar_set_hours(c, "02:30-04:00", why, sizeof why), 0);
  model_calendar_clear_workdays(c);
  model_calendar_add_workday(c, 6);   /* Sunday */
  assert_true(model_calendar_next_open(c, utc("2026-03-08T06:00")) == spring);
  model_calendar_free(c);

  c = model_calendar_new("bad");
  assert_int_equal(model_calendar_set_timezone(c, "Mars/Olympus_Mons", why, sizeof why), -1);
  assert_non_null(strstr(why, "time-zone database"));
  assert_int_equal(model_calendar_set_timezone(c, "../../etc/passwd", why, sizeof why), -1);
  assert_int_equal(model_calendar_set_timezone(c, "/etc/localtime", why, sizeof why), -1);
  assert_int_equal(model_calendar_set_timezone(c, "Etc/UTC", why, sizeof why), 0);
  model_calendar_free(c);
}

/* ------------------------------------------------- through the simulation */

typedef sim_fixture fx;

static fx *fx_load(const char *yaml) { return sim_fixture_load(yaml); }
static void fx_free(fx *f) { sim_fixture_free(f); }
static void fx_run(fx *f, uint64_t trial) { sim_fixture_run(f, SEED, trial); }

static char *load_error(const char *yaml) { return sim_fixture_load_error(yaml); }

#define HDR                                                                    \
  "version: 1\n"                                                               \
  "name: t\n"                                                                  \
  "objectives:\n"                                                              \
  "  production: {rto: 4h}\n"                                                  \
  "regions:\n"                                                                 \
  "  - {name: eastus, role: primary}\n"                                        \
  "  - {name: westus2, role: standby}\n"                                       \
  "components:\n"                                                              \
  "  - {name: app, environment: production, region: eastus}\n"

#define CAL_UTC                                                                \
  "calendars:\n"                                                               \
  "  - {name: ops, timezone: UTC, business_hours: \"08:00-18:00\",\n"          \
  "     workdays: [Mon, Tue, Wed, Thu, Fri]}\n"

#define WAIT_STEP(biz)                                                         \
  "workflows:\n"                                                               \
  "  - environment: production\n"                                              \
  "    steps:\n"                                                               \
  "      - {name: approve, manual: true, duration: " biz ", off_hours: wait}\n"

/* Closed form of the wait over a uniform week, 08:00-18:00 Monday to
** Friday: open 50 h of 168 (wait 0); four 14 h weeknights and the 62 h
** weekend, in each of which the wait is uniform up to the gap's length.
** Conditional on a positive wait: F(t) = (4 min(t, 14 h) + min(t, 62 h)) / 118 h. */
static double wait_cdf_positive(double t) {
  return (4 * fmin(t, 14 * HOUR) + fmin(t, 62 * HOUR)) / (118 * HOUR);
}

static void test_wait_closed_form(void **state) {
  (void)state;
  fx *f = fx_load(HDR CAL_UTC WAIT_STEP("0"));
  assert_true(f->sc->clock.enabled && f->sc->clock.period_s == MODEL_UNITS_WEEK);
  const model_calendar *cal = f->sc->calendars[0];
  size_t n = n_trials(), zero = 0, npos = 0;
  double *u = malloc(n * sizeof *u);
  assert_non_null(u);
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    double w = f->v.env[0].wallclock_s, start = f->sc->clock.start_utc + w;
    double rto = f->v.env[0].rto_s;
    /* Exactly the time to the next window (to rounding of the instant). */
    assert_true(fabs(rto - (model_calendar_next_open(cal, start) - start)) < 1e-6);
    assert_int_equal(f->v.steps[0].off_hours, rto > 0);
    if (rto == 0) zero++;
    else u[npos++] = wait_cdf_positive(rto);
  }
  double share = (double)zero / (double)n, p0 = 50.0 / 168, tol = Z * sqrt(p0 * (1 - p0) / (double)n);
  print_message("P(no wait) %.4f, expected %.4f +- %.4f\n", share, p0, tol);
  assert_true(fabs(share - p0) <= tol);
  double d, p = fit_gof_ks_uniform(u, npos, &d);
  print_message("KS of the positive waits against the calendar's law: D = %.4f, p = %.3f (n = %zu)\n",
                d, p, npos);
  assert_true(p > 0.001);
  free(u);
  fx_free(f);
}

/* Friday 18:04 UTC: the approval (10 m of business time) starts at Monday
** 08:00 and ends 08:10; a holiday on that Monday moves it to Tuesday. */
static void test_friday_evening(void **state) {
  (void)state;
  fx *f = fx_load(HDR CAL_UTC "disaster: {type: region-outage, start: \"2026-01-09T18:04\"}\n"
                  WAIT_STEP("10m"));
  assert_true(f->sc->clock.fixed);
  for (uint64_t t = 0; t < 5; t++) {
    fx_run(f, t);
    double end = f->sc->clock.start_utc + f->v.steps[0].end_s;
    assert_true(f->v.env[0].wallclock_s == 0);
    assert_true(end >= utc("2026-01-12T08:00"));
    assert_true(end == utc("2026-01-12T08:10"));
    assert_true(f->v.env[0].rto_s == 62 * HOUR + 6 * MIN);
  }
  fx_free(f);
  f = fx_load(HDR
              "calendars:\n"
              "  - {name: ops, business_hours: \"08:00-18:00\", holidays: [\"2026-01-12\"]}\n"
              "disaster: {type: region-outage, start: \"2026-01-09T18:04\"}\n" WAIT_STEP("10m"));
  fx_run(f, 0);
  assert_true(f->sc->clock.start_utc + f->v.steps[0].end_s == utc("2026-01-13T08:10"));
  fx_free(f);
  /* The same in New York time: Friday 18:04 EST is 23:04 UTC; Monday 08:00
  ** EST is 13:00 UTC. */
  f = fx_load(HDR
              "calendars:\n"
              "  - {name: ops, timezone: America/New_York, business_hours: \"08:00-18:00\"}\n"
              "disaster: {type: region-outage, start: \"2026-01-09T23:04\"}\n" WAIT_STEP("10m"));
  fx_run(f, 0);
  assert_true(f->sc->clock.start_utc + f->v.steps[0].end_s == utc("2026-01-12T13:10"));
  fx_free(f);
}

/* Holidays make the draw span their year. */
static void test_year_draw(void **state) {
  (void)state;
  fx *f = fx_load(HDR
                  "calendars:\n"
                  "  - {name: ops, holidays: [\"2026-12-25\", \"2026-01-01\"]}\n" WAIT_STEP("0"));
  assert_true(f->sc->clock.start_utc == utc("2026-01-01"));
  assert_true(f->sc->clock.period_s == 365 * DAY);
  double lo = INFINITY, hi = -INFINITY;
  for (uint64_t t = 0; t < 2000; t++) {
    fx_run(f, t);
    lo = fmin(lo, f->v.env[0].wallclock_s);
    hi = fmax(hi, f->v.env[0].wallclock_s);
  }
  assert_true(lo >= 0 && hi < 365 * DAY && hi > 300 * DAY && lo < 65 * DAY);
  fx_free(f);
}

/* off_hours: {page: 30m}: 10 m inside business hours, 40 m outside. */
static void test_page(void **state) {
  (void)state;
  fx *f = fx_load(HDR CAL_UTC
                  "workflows:\n"
                  "  - environment: production\n"
                  "    detection: {business_hours: 1m, off_hours: 20m}\n"
                  "    steps:\n"
                  "      - {name: approve, manual: true, duration: 30m, business_hours: 10m,\n"
                  "         off_hours: {page: 30m}}\n");
  const model_calendar *cal = f->sc->calendars[0];
  size_t n = n_trials() / 4, off = 0;
  for (size_t t = 0; t < n; t++) {
    fx_run(f, t);
    double w0 = f->sc->clock.start_utc + f->v.env[0].wallclock_s;
    int open0 = model_calendar_is_open(cal, w0);
    double det = open0 ? MIN : 20 * MIN;
    int open = model_calendar_is_open(cal, w0 + det);
    assert_true(f->v.env[0].rto_s == det + (open ? 10 * MIN : 40 * MIN));
    off += !open0;
  }
  double p = 118.0 / 168, share = (double)off / (double)n;
  assert_true(fabs(share - p) <= Z * sqrt(p * (1 - p) / (double)n));
  fx_free(f);
}

/* The oncall block is the calendar "oncall": the same trials as that
** calendar written under calendars:, and as before (the draw of the
** "oncall" stream is unchanged). */
static void test_oncall_is_a_calendar(void **state) {
  (void)state;
  static const char *const steps =
      "workflows:\n"
      "  - environment: production\n"
      "    steps:\n"
      "      - {name: approve, manual: true, duration: 30m,\n"
      "         business_hours: {dist: exponential, mean: 10m}, off_hours: 1h}\n";
  char a[2048], b[2048];
  snprintf(a, sizeof a, "%soncall: {business_hours: \"09:00-17:00\", workdays: 6}\n%s", HDR, steps);
  snprintf(b, sizeof b, "%scalendars:\n  - {name: x, business_hours: \"09:00-17:00\", workdays: 6}\n%s",
           HDR, steps);
  fx *f = fx_load(a), *g = fx_load(b);
  assert_int_equal(f->sc->n_calendars, 1);
  assert_string_equal(model_calendar_name(f->sc->calendars[0]), "oncall");
  for (uint64_t t = 0; t < 3000; t++) {
    fx_run(f, t);
    fx_run(g, t);
    assert_true(f->v.env[0].rto_s == g->v.env[0].rto_s);
    assert_true(f->v.env[0].wallclock_s == g->v.env[0].wallclock_s);
    double w = f->v.env[0].wallclock_s, day = floor(w / DAY), tod = w - day * DAY;
    int business = day < 6 && tod >= 9 * HOUR && tod < 17 * HOUR;
    assert_int_equal(f->v.steps[0].off_hours, !business);
  }
  fx_free(f);
  fx_free(g);
}

static void test_load_errors(void **state) {
  (void)state;
  char *e;
  e = load_error(HDR WAIT_STEP("10m"));
  assert_non_null(strstr(e, "needs a calendar"));
  free(e);
  e = load_error(HDR "calendars:\n  - {name: a}\n  - {name: b}\n" WAIT_STEP("10m"));
  assert_non_null(strstr(e, "has several; name one with calendar: NAME"));
  free(e);
  e = load_error(HDR "calendars:\n  - {name: a, timezone: Europe/Atlantis}\n" WAIT_STEP("10m"));
  assert_non_null(strstr(e, "bad timezone 'Europe/Atlantis'"));
  free(e);
  e = load_error(HDR "calendars:\n  - {name: a, workdays: [Mon, Fryday]}\n" WAIT_STEP("10m"));
  assert_non_null(strstr(e, "'Fryday' is not a day"));
  free(e);
  e = load_error(HDR "calendars:\n  - {name: a, holidays: [2026-13-01]}\n" WAIT_STEP("10m"));
  assert_non_null(strstr(e, "bad holiday '2026-13-01'"));
  free(e);
  e = load_error(HDR "disaster: {start: \"2026-01-09T18:04\"}\n");
  assert_non_null(strstr(e, "only calendars read"));
  free(e);
  e = load_error(HDR CAL_UTC "disaster: {start: \"Friday evening\"}\n" WAIT_STEP("10m"));
  assert_non_null(strstr(e, "bad disaster start"));
  free(e);
  e = load_error(HDR CAL_UTC
                 "workflows:\n"
                 "  - environment: production\n"
                 "    steps:\n"
                 "      - {name: approve, manual: true, duration: 1m, calendar: opz, off_hours: wait}\n");
  assert_non_null(strstr(e, "unknown calendar 'opz'; did you mean 'ops'?"));
  free(e);
  e = load_error(HDR CAL_UTC "oncall: {}\n"
                 "workflows:\n"
                 "  - environment: production\n"
                 "    steps:\n"
                 "      - {name: approve, manual: true, duration: 1m, calendar: ops}\n");
  assert_non_null(strstr(e, "has no off_hours"));
  free(e);
}

/* Lifetime mode: each incident draws its own wall clock; disaster.start is
** refused with a clear error. */
static void test_lifetime(void **state) {
  (void)state;
  static const char *const life =
      HDR "mode: lifetime\nhorizon: 10y\n" CAL_UTC
      "disaster: {type: region-outage, rate: 1/1y}\n" WAIT_STEP("10m");
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  assert_int_equal(model_scenario_load_string(life, strlen(life), "t.yaml", NULL, 0, &sc, diag), 0);
  model_lifetime_sim *ls = model_lifetime_sim_new(sc);
  assert_non_null(ls);
  void *rec = malloc(model_outcome_size(sc));
  model_trial_view v = model_outcome_view(sc, rec);
  size_t waited = 0, n = 500;
  for (uint64_t t = 0; t < n; t++) {
    assert_int_equal(model_lifetime_sim_trial(ls, SEED, t, rec, NULL, NULL), 0);
    if (v.env[0].disaster_incidents > 0) {
      assert_true(v.env[0].wallclock_s >= 0 && v.env[0].wallclock_s < MODEL_UNITS_WEEK);
      waited += v.steps[0].off_hours;
    }
  }
  assert_true(waited > 0);
  free(rec);
  model_lifetime_sim_free(ls);
  model_scenario_free(sc);
  model_diag_free(diag);
  char *e = load_error(HDR "mode: lifetime\nhorizon: 10y\n" CAL_UTC
                       "disaster: {type: region-outage, rate: 1/1y, start: \"2026-01-09T18:04\"}\n"
                       WAIT_STEP("10m"));
  assert_non_null(strstr(e, "lifetime mode draws each incident's wall clock"));
  free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_and_windows),
      cmocka_unit_test(test_parse_and_format),
      cmocka_unit_test(test_timezone_dst),
      cmocka_unit_test(test_wait_closed_form),
      cmocka_unit_test(test_friday_evening),
      cmocka_unit_test(test_year_draw),
      cmocka_unit_test(test_page),
      cmocka_unit_test(test_oncall_is_a_calendar),
      cmocka_unit_test(test_load_errors),
      cmocka_unit_test(test_lifetime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
