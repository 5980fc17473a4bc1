/*
** study/constraint.c — constraints of `drsim optimize`: parsing and the
** one-sided 95 % checks (study/constraint.h states the rules).
*/
#include "study/constraint.h"

#include "models/units.h"
#include "reports/stats.h"
#include "study/status.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int study_constraint_parse(const model_scenario *sc, const char *spec, study_constraint *c,
                           char *err, size_t n) {
  memset(c, 0, sizeof *c);
  snprintf(c->spec, sizeof c->spec, "%s", spec);
  const char *op = strstr(spec, "<=");
  int ge = 0;
  if (!op && (op = strstr(spec, ">="))) ge = 1;
  if (!op) return study_errf(err, n, "'%s' has no <= or >=; write e.g. production.rto.p95<=4h", spec);
  char left[300];
  size_t ln = (size_t)(op - spec);
  if (ln >= sizeof left) ln = sizeof left - 1;
  memcpy(left, spec, ln);
  left[ln] = '\0';
  if (study_target_parse(sc, left, 1, &c->t, err, n)) return -1;
  c->env = model_scenario_find_environment(sc, c->t.env);
  c->confidence = sc->meet.confidence;
  const char *rhs = op + 2;
  const char *why = NULL;
  if (c->t.stat == STUDY_TARGET_STAT_P_MEET) {
    if (!ge)
      return study_errf(err, n, "'%s': a share of trials meeting the objective is a floor; "
                        "write %s>=%s", spec, left, rhs);
    if (model_units_parse_fraction(rhs, &c->threshold, &why))
      return study_errf(err, n, "'%s': %s", rhs, why ? why : "not a share, as in 95%");
    if (isnan(c->t.objective))
      return study_errf(err, n, "'%s': environment %s has no %s objective for p_meet", spec,
                        c->t.env, study_target_metric_name(c->t.metric));
    c->kind = STUDY_CONSTRAINT_P_MEET;
    c->objective = c->t.objective;
    return 0;
  }
  if (ge) return study_errf(err, n, "'%s': a duration is a ceiling; write %s<=%s", spec, left, rhs);
  if (model_units_parse_duration(rhs, &c->threshold, &why))
    return study_errf(err, n, "'%s': %s", rhs, why ? why : "not a duration, as in 4h");
  c->kind = c->t.stat == STUDY_TARGET_STAT_MEAN ? STUDY_CONSTRAINT_MEAN : STUDY_CONSTRAINT_QUANTILE;
  c->q = c->t.q;
  c->objective = c->threshold;
  c->t.objective = c->threshold;
  return 0;
}

void study_constraint_check(const study_constraint *c, double *values, size_t n,
                            study_opt_check *out) {
  study_target_stats st;
  double q = c->kind == STUDY_CONSTRAINT_QUANTILE ? c->q : 0.5;
  double conf = c->confidence > 0.5 && c->confidence < 1 ? c->confidence
                                                          : MODEL_MEET_CONFIDENCE_DEFAULT;
  study_target_stats_compute(values, n, q, c->objective, conf, &st);
  out->p_meet = st.p_meet.est;
  if (c->kind == STUDY_CONSTRAINT_QUANTILE) {
    out->estimate = st.q.est;
    out->bound = st.q_upper;
    /* the one rule: X(u) <= threshold <=> the lower bound of P(value <=
    ** threshold) is at least q (tests/test_model_meet.c) */
    model_meet_rule rule = {c->q, conf};
    out->meets = model_meet_judge(&rule, st.n, st.n_meet) == MODEL_MEET_MEETS;
    out->shortfall = out->p_meet < c->q ? c->q - out->p_meet : 0;
  } else if (c->kind == STUDY_CONSTRAINT_MEAN) {
    /* one-sided 95 %: the upper end of the two-sided 90 % t interval */
    report_stats_ci m = report_stats_mean(values, n, 0.90, NULL);
    int inf = st.not_finite > 0;
    out->estimate = inf ? INFINITY : m.est;
    out->bound = inf ? INFINITY : m.hi;
    out->meets = !inf && m.hi <= c->threshold;
    out->shortfall = inf ? 1e9 : m.est > c->threshold ? (m.est - c->threshold) / c->threshold : 0;
  } else {
    model_meet_rule rule = {c->threshold, conf};
    out->estimate = st.p_meet.est;
    out->bound = model_meet_lower(st.n, st.n_meet, conf);
    out->meets = model_meet_judge(&rule, st.n, st.n_meet) == MODEL_MEET_MEETS;
    out->shortfall = out->p_meet < c->threshold ? c->threshold - out->p_meet : 0;
  }
}

uint64_t study_constraint_min_trials(const study_constraint *c) {
  double conf = c->confidence > 0.5 && c->confidence < 1 ? c->confidence
                                                          : MODEL_MEET_CONFIDENCE_DEFAULT;
  return c->kind == STUDY_CONSTRAINT_QUANTILE ? study_target_min_trials(c->q, conf) : 0;
}
