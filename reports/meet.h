/*
** reports/meet.h — the verdict of models/meet.h on a stored run's summary
** rows: the run's rule (its scenario's `meet:` block after its overrides)
** and, per objective row, meets / inconclusive / misses / no data. Every
** writer (Markdown, HTML, JSON) and `drsim run --fail-on-miss` judge rows
** through here, so a report never says "meets" where the exit status says
** otherwise.
*/
#ifndef DRSIM_REPORTS_MEET_H
#define DRSIM_REPORTS_MEET_H

#include <stddef.h>
#include "models/meet.h"
#include "reports/store.h"
#include "reports/summary.h"

/* The rule of a stored run: its scenario text's `meet:` block after its
** stored overrides; the defaults when the run stored no text. */
model_meet_rule report_meet_rule(const report_run *run);

/* The verdict of one summary row under rule r: NO_DATA when the row has no
** objective or no trial (n = 0), else model_meet_judge(r, n, n_meet). */
model_meet_verdict report_meet_row(const model_meet_rule *r, const report_summary_row *row);

/* The objective rows (those with an objective and, in disaster mode, an
** environment the disaster affected) whose verdict is not MEETS: misses,
** inconclusive and no data, each counted in *misses, *inconclusive, *no_data
** (any may be NULL). Returns their total: what `--fail-on-miss` fails on. */
size_t report_meet_not_met(const report_summary *s, const model_meet_rule *r, size_t *misses,
                           size_t *inconclusive, size_t *no_data);

#endif
