/*
** reports/meet.c — verdicts on a stored run's rows (see meet.h).
*/
#include "reports/meet.h"

#include <math.h>
#include <string.h>

model_meet_rule report_meet_rule(const report_run *run) {
  model_meet_rule r = model_meet_default();
  if (run && run->scenario_text)
    model_meet_rule_read(run->scenario_text, strlen(run->scenario_text),
                         (const char *const *)run->overrides, run->n_overrides, &r);
  return r;
}

model_meet_verdict report_meet_row(const model_meet_rule *r, const report_summary_row *row) {
  if (isnan(row->objective) || row->n == 0) return MODEL_MEET_NO_DATA;
  return model_meet_judge(r, row->n, row->n_meet);
}

size_t report_meet_not_met(const report_summary *s, const model_meet_rule *r, size_t *misses,
                           size_t *inconclusive, size_t *no_data) {
  const report_summary_row *rows;
  size_t n = report_summary_rows(s, &rows), k = 0, c[4] = {0, 0, 0, 0};
  const report_run *run = report_summary_run(s);
  for (size_t i = 0; i < n; i++) {
    const report_summary_row *row = &rows[i];
    if (isnan(row->objective)) continue;
    /* not affected in any of the trials run: nothing to meet */
    if (row->n == 0 && row->n_affected == 0 && run->trials_done > 0) continue;
    model_meet_verdict v = report_meet_row(r, row);
    if (v == MODEL_MEET_MEETS) continue;
    c[v]++;
    k++;
  }
  if (misses) *misses = c[MODEL_MEET_MISSES];
  if (inconclusive) *inconclusive = c[MODEL_MEET_INCONCLUSIVE];
  if (no_data) *no_data = c[MODEL_MEET_NO_DATA];
  return k;
}
