/*
** models/meet.h — the one meaning of "an objective is met" that every
** command uses (the report's verdicts, `run --fail-on-miss`, `size`,
** `sweep`, `optimize`'s constraints, `drsim serve`), and where it is set:
** the scenario's `meet:` block (`meet: {share: 0.95, confidence: 0.95}`),
** which `--set meet.share=0.99` overrides like any other key.
**
** The rule. An objective asks that at least `share` of the disasters
** (trials) meet it: RTO <= the objective, for example, in 95 % of them.
** The trials only estimate that probability, so the verdict is that of a
** one-sided exact binomial test at `confidence`:
**
**   MEETS        the one-sided `confidence` lower bound of P(meet)
**                (Clopper-Pearson) is at least `share`: the data show it is
**                met. Equivalently, the one-sided upper bound of the
**                share-quantile (the p95 for share 0.95, an order
**                statistic) is within the objective.
**   MISSES       the one-sided upper bound is below `share`: the data show
**                it is missed.
**   INCONCLUSIVE neither: the estimate is too close to `share` for the
**                trials run; more trials decide it.
**   NO_DATA      no trial to judge by (n = 0).
**
** Why not the point estimate: with 1000 trials a system that meets its
** objective in exactly 94 % of disasters shows 95 % or more about one time
** in seven; a planner told "meets" on that has been told something the data
** do not support. An audit tool says "meets" only when it is shown, and
** says "inconclusive" rather than "misses" when it is not shown either way.
** The point estimate is still printed next to every verdict.
*/
#ifndef DRSIM_MODELS_MEET_H
#define DRSIM_MODELS_MEET_H

#include <stddef.h>
#include <stdint.h>

#define MODEL_MEET_SHARE_DEFAULT 0.95       /* an objective holds in 95 % of disasters */
#define MODEL_MEET_CONFIDENCE_DEFAULT 0.95  /* one-sided */

typedef struct model_meet_rule {
  double share;        /* in (0, 1): the share of trials that must meet an objective */
  double confidence;   /* in (0.5, 1): one-sided confidence of MEETS and MISSES */
} model_meet_rule;

typedef enum model_meet_verdict {
  MODEL_MEET_NO_DATA = 0,
  MODEL_MEET_MEETS,
  MODEL_MEET_INCONCLUSIVE,
  MODEL_MEET_MISSES
} model_meet_verdict;

/* The defaults: {MODEL_MEET_SHARE_DEFAULT, MODEL_MEET_CONFIDENCE_DEFAULT}. */
model_meet_rule model_meet_default(void);

/* Is the rule valid (share in (0, 1), confidence in (0.5, 1))? 1 or 0. */
int model_meet_valid(const model_meet_rule *r);

/* One-sided Clopper-Pearson bounds of a probability from k successes in n
** trials (k <= n, n >= 1) at confidence c in (0, 1): the lower bound is 0
** for k = 0, else the (1 - c) quantile of Beta(k, n - k + 1); the upper is
** 1 for k = n, else the c quantile of Beta(k + 1, n - k). NAN for n = 0. */
double model_meet_lower(uint64_t n, uint64_t k, double c);
double model_meet_upper(uint64_t n, uint64_t k, double c);

/* The verdict for k of n trials meeting the objective under rule r. */
model_meet_verdict model_meet_judge(const model_meet_rule *r, uint64_t n, uint64_t k);

/* "meets", "inconclusive", "misses", "no data". */
const char *model_meet_verdict_name(model_meet_verdict v);

/* The rule in one sentence for reports and --help, e.g. "an objective is
** met when the one-sided 95 % lower confidence bound of the share of trials
** meeting it is at least 95 %, missed when the upper bound is below 95 %,
** and inconclusive otherwise". Returns buf. */
char *model_meet_describe(const model_meet_rule *r, char *buf, size_t n);

/* The rule of a stored run: the `meet:` block of the scenario text
** text[0..len) after the overrides ov[0..n_ov) ("key.path=value"), or the
** defaults for what it does not set. The run was validated when it ran, so
** this reads without diagnostics: returns 0, or -1 (and the defaults) when
** the text does not parse or the block is not valid. */
int model_meet_rule_read(const char *text, size_t len, const char *const *ov, size_t n_ov,
                         model_meet_rule *out);

#endif
