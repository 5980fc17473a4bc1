/*
** import/gha.c — GitHub Actions workflow to a drsim workflow (see gha.h).
*/
#include "import/gha.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models/yaml_tree.h"

/* Actions that retry a command: uses-prefix, input with the attempt count,
** input with the wait between attempts and its unit in seconds. */
typedef struct retry_action {
  const char *uses;
  const char *attempts_key;
  const char *wait_key;
  double wait_unit_s;
} retry_action;

static const retry_action retry_actions[] = {
  {"nick-fields/retry", "max_attempts", "retry_wait_seconds", 1},
  {"nick-invision/retry", "max_attempts", "retry_wait_seconds", 1},
  {"Wandalen/wretry.action", "attempt_limit", "attempt_delay", 0.001},
};

static int scalar_is(const model_yaml_node *n, const char *s) {
  return n && n->kind == MODEL_YAML_SCALAR && strcasecmp(n->str, s) == 0;
}

static const char *scalar(const model_yaml_node *n) {
  return n && n->kind == MODEL_YAML_SCALAR ? n->str : NULL;
}

/* A number written as a plain scalar; -1 when it is not one (e.g. an
** expression ${{ ... }}). */
static double number(const model_yaml_node *n) {
  const char *s = scalar(n);
  if (!s || !*s) return -1;
  char *end;
  double v = strtod(s, &end);
  return (*end == '\0' && isfinite(v) && v >= 0) ? v : -1;
}

/* The GitHub environment a job is bound to (scalar, or map with name). */
static const char *job_environment(const model_yaml_node *job) {
  const model_yaml_node *e = model_yaml_get(job, "environment");
  if (e && e->kind == MODEL_YAML_MAPPING) e = model_yaml_get(e, "name");
  const char *s = scalar(e);
  return s && *s ? s : NULL;
}

static void at(model_diag *diag, const char *file, const model_yaml_node *n, const char *fmt,
               const char *a, const char *b) {
  model_diag_add(diag, file, n ? n->line : 0, n ? n->col : 0, fmt, a, b);
}

int import_gha(const char *text, size_t len, const char *file, const import_gha_options *opts,
               import_draft *draft, FILE *notes, model_diag *diag) {
  model_yaml_doc *doc = NULL;
  if (model_yaml_parse(text, len, file, &doc, diag) != 0) return -1;
  int rc = -1;
  char **names = NULL;
  const model_yaml_node *root = model_yaml_root(doc);
  const model_yaml_node *jobs = model_yaml_get(root, "jobs");
  if (!root || root->kind != MODEL_YAML_MAPPING) {
    at(diag, file, root, "%s%sa GitHub Actions workflow is a map with 'jobs:'", "", "");
    goto done;
  }
  if (!jobs || jobs->kind != MODEL_YAML_MAPPING || jobs->n_pairs == 0) {
    at(diag, file, jobs ? jobs : root, "%s%sno jobs: a workflow needs a 'jobs:' map with at least one job", "", "");
    goto done;
  }
  if (!opts || !opts->environment) {
    model_diag_add(diag, file, 0, 0, "no drsim environment given for the workflow (--environment)");
    goto done;
  }
  size_t nj = jobs->n_pairs;
  names = calloc(nj, sizeof *names);
  if (!names) goto done;
  for (size_t j = 0; j < nj; j++) {
    char base[112], buf[128];
    import_name(jobs->pairs[j].key->str, base, sizeof base);
    snprintf(buf, sizeof buf, "%s", base);
    for (size_t k = 0; k < j; k++)   /* two ids that clean up to the same name */
      if (strcmp(names[k], buf) == 0) snprintf(buf, sizeof buf, "%s-%u", base, (unsigned)(j + 1) % 100000u);
    names[j] = strdup(buf);
    if (!names[j]) goto done;
    if (jobs->pairs[j].value->kind != MODEL_YAML_MAPPING)
      at(diag, file, jobs->pairs[j].value, "job '%s' is %s; a job is a map (runs-on, needs, steps)",
         jobs->pairs[j].key->str, model_yaml_kind_name(jobs->pairs[j].value->kind));
  }
  /* needs must name jobs */
  for (size_t j = 0; j < nj; j++) {
    const model_yaml_node *needs = model_yaml_get(jobs->pairs[j].value, "needs");
    if (!needs) continue;
    size_t n = needs->kind == MODEL_YAML_SEQUENCE ? needs->n_items : 1;
    for (size_t i = 0; i < n; i++) {
      const model_yaml_node *x = needs->kind == MODEL_YAML_SEQUENCE ? needs->items[i] : needs;
      int found = 0;
      for (size_t k = 0; k < nj && x->kind == MODEL_YAML_SCALAR && !found; k++)
        found = strcmp(jobs->pairs[k].key->str, x->str) == 0;
      if (!found)
        at(diag, file, x, "job '%s' needs '%s', which is no job of this workflow",
           jobs->pairs[j].key->str, x->kind == MODEL_YAML_SCALAR ? x->str : "(not a name)");
    }
  }
  for (size_t i = 0; i < opts->n_standby; i++) {
    const char *eq = strchr(opts->standby[i], '=');
    int found = 0;
    for (size_t k = 0; eq && eq[1] && k < nj && !found; k++)
      found = strlen(jobs->pairs[k].key->str) == (size_t)(eq - opts->standby[i]) &&
              strncmp(jobs->pairs[k].key->str, opts->standby[i], (size_t)(eq - opts->standby[i])) == 0;
    if (!found)
      model_diag_add(diag, "--standby", 0, (int)i + 1, "'%s': write JOB=POOL with JOB a job id of %s",
                     opts->standby[i], file);
  }
  if (model_diag_count(diag) > 0) goto done;
  if (import_draft_add_environment(draft, opts->environment)) goto done;

  FILE *out = import_draft_section(draft, IMPORT_SECTION_WORKFLOWS);
  char c1[256], dur[32];
  const char *wname = scalar(model_yaml_get(root, "name"));
  fprintf(out, "  - environment: %s   # from %s", opts->environment, import_comment_text(file, c1, sizeof c1));
  if (wname) fprintf(out, ", workflow \"%s\"", import_comment_text(wname, c1, sizeof c1));
  fprintf(out, "\n    # From the alert to someone starting the workflow (workflow_dispatch).\n"
               "    detection: {dist: lognormal, median: 10m, p95: 30m}   " IMPORT_ASSUMPTION "\n"
               "    steps:\n");
  for (size_t j = 0; j < nj; j++) {
    const char *jid = jobs->pairs[j].key->str;
    const model_yaml_node *job = jobs->pairs[j].value;
    const model_yaml_node *steps = model_yaml_get(job, "steps");
    size_t nsteps = steps && steps->kind == MODEL_YAML_SEQUENCE ? steps->n_items : 0;
    fprintf(out, "      - name: %s   # job '%s'", names[j], import_comment_text(jid, c1, sizeof c1));
    const char *jname = scalar(model_yaml_get(job, "name"));
    if (jname) fprintf(out, " (\"%s\")", import_comment_text(jname, c1, sizeof c1));
    fprintf(out, ", %zu step%s\n", nsteps, nsteps == 1 ? "" : "s");
    for (size_t s = 0; s < nsteps; s++) {
      const char *sn = scalar(model_yaml_get(steps->items[s], "name"));
      if (!sn) sn = scalar(model_yaml_get(steps->items[s], "uses"));
      if (!sn) sn = "(unnamed step)";
      fprintf(out, "        #   - %s\n", import_comment_text(sn, c1, sizeof c1));
    }
    const model_yaml_node *needs = model_yaml_get(job, "needs");
    if (needs) {
      fprintf(out, "        needs: [");
      size_t n = needs->kind == MODEL_YAML_SEQUENCE ? needs->n_items : 1;
      for (size_t i = 0; i < n; i++) {
        const model_yaml_node *x = needs->kind == MODEL_YAML_SEQUENCE ? needs->items[i] : needs;
        for (size_t k = 0; k < nj; k++)
          if (strcmp(jobs->pairs[k].key->str, x->str) == 0) fprintf(out, "%s%s", i ? ", " : "", names[k]);
      }
      fprintf(out, "]\n");
    }
    const char *cond = scalar(model_yaml_get(job, "if"));
    if (cond)
      fprintf(out, "        # if: %s  (drsim runs the step in every trial; see if_lost in the scenario reference)\n",
              import_comment_text(cond, c1, sizeof c1));
    if (model_yaml_get(job, "strategy"))
      fprintf(out, "        # strategy/matrix: drsim models the job as one step\n");
    if (scalar(model_yaml_get(job, "uses")))
      fprintf(out, "        # calls the reusable workflow %s: modelled as one step\n",
              import_comment_text(scalar(model_yaml_get(job, "uses")), c1, sizeof c1));

    const char *pool = NULL;
    for (size_t i = 0; i < opts->n_standby; i++) {
      const char *eq = strchr(opts->standby[i], '=');
      if (eq && strlen(jid) == (size_t)(eq - opts->standby[i]) && strncmp(jid, opts->standby[i], strlen(jid)) == 0)
        pool = eq + 1;
    }
    if (pool) {
      char pn[130];
      fprintf(out, "        standby: %s   # --standby %s=%s: the time is the pool's provisioning\n",
              import_name(pool, pn, sizeof pn), import_comment_text(jid, c1, sizeof c1), pn);
      if (scalar(model_yaml_get(job, "timeout-minutes")))
        fprintf(out, "        # timeout-minutes: %s in the workflow (not applied to a standby step)\n",
                import_comment_text(scalar(model_yaml_get(job, "timeout-minutes")), c1, sizeof c1));
      continue;
    }
    const char *genv = job_environment(job);
    int gated = 0;
    if (genv) {
      gated = 1;
      for (size_t g = 0; g < opts->n_no_gate; g++)
        if (strcmp(opts->no_gate[g], genv) == 0) gated = 0;
    }
    if (gated) {
      fprintf(out, "        # ASSUMPTION: GitHub environment '%s' has required reviewers, so this job\n"
                   "        # waits for an approval (the workflow file cannot show it; --no-gate %s\n"
                   "        # if it has none).\n"
                   "        manual: true\n"
                   "        duration: {dist: lognormal, median: 20m, p95: 1h30m}   " IMPORT_ASSUMPTION "\n",
              import_comment_text(genv, c1, sizeof c1), c1);
      if (notes)
        fprintf(notes, "note: job '%s' runs in GitHub environment '%s': assumed to be an approval gate "
                       "(manual step); --no-gate %s if that environment has no required reviewers\n",
                jid, genv, genv);
    } else {
      if (genv)
        fprintf(out, "        # GitHub environment '%s' has no approval gate (--no-gate)\n",
                import_comment_text(genv, c1, sizeof c1));
      /* 5 minutes a step, p95 three times that; a timeout someone set is
      ** taken as an upper bound: p95 at most half of it. */
      double med = 300.0 * (double)(nsteps ? nsteps : 1), p95 = 3 * med;
      double tm = number(model_yaml_get(job, "timeout-minutes"));
      if (tm > 0 && p95 > tm * 30) {
        p95 = tm * 30;
        med = p95 / 3;
      }
      fprintf(out, "        duration: {dist: lognormal, median: %s, ", import_duration(med, dur, sizeof dur));
      fprintf(out, "p95: %s}   " IMPORT_ASSUMPTION "\n", import_duration(p95, dur, sizeof dur));
    }
    double tmin = number(model_yaml_get(job, "timeout-minutes"));
    if (tmin > 0)
      fprintf(out, "        timeout: %s   # timeout-minutes: %g in the workflow\n",
              import_duration(tmin * 60, dur, sizeof dur), tmin);

    /* failure handling: retry actions in the job's steps, continue-on-error */
    int retried = 0;
    for (size_t s = 0; s < nsteps && !retried; s++) {
      const char *uses = scalar(model_yaml_get(steps->items[s], "uses"));
      if (!uses) continue;
      for (size_t r = 0; r < sizeof retry_actions / sizeof *retry_actions; r++) {
        size_t pl = strlen(retry_actions[r].uses);
        if (strncmp(uses, retry_actions[r].uses, pl) != 0 || (uses[pl] != '@' && uses[pl] != '\0')) continue;
        const model_yaml_node *with = model_yaml_get(steps->items[s], "with");
        double attempts = number(model_yaml_get(with, retry_actions[r].attempts_key));
        double wait = number(model_yaml_get(with, retry_actions[r].wait_key));
        if (attempts < 1) attempts = 3;  /* both actions' documented default is at least 2; say 3 */
        if (wait < 0) wait = 0;
        retried = 1;
        fprintf(out, "        failure_probability: 0.1   # ASSUMPTION: no failure data; the job retries with %s\n",
                import_comment_text(uses, c1, sizeof c1));
        fprintf(out, "        retry: {max: %.0f, delay: %s}   # %s: %s %g, %s %g\n",
                attempts > 1 ? attempts - 1 : 0, import_duration(wait * retry_actions[r].wait_unit_s, dur, sizeof dur),
                retry_actions[r].uses, retry_actions[r].attempts_key, attempts, retry_actions[r].wait_key, wait);
        break;
      }
    }
    const model_yaml_node *coe = model_yaml_get(job, "continue-on-error");
    if (scalar_is(coe, "true"))
      fprintf(out, "        # continue-on-error: true: a failure of this job does not stop the workflow,\n"
                   "        # so it is modelled as never failing (failure_probability 0)%s\n",
              retried ? "; the retries above are kept" : "");
    for (size_t s = 0; s < nsteps; s++)
      if (scalar_is(model_yaml_get(steps->items[s], "continue-on-error"), "true")) {
        const char *sn = scalar(model_yaml_get(steps->items[s], "name"));
        fprintf(out, "        # step '%s' has continue-on-error: its failure does not fail the job\n",
                import_comment_text(sn ? sn : "(unnamed)", c1, sizeof c1));
      }
  }
  rc = 0;
done:
  if (names)
    for (size_t j = 0; j < (jobs ? jobs->n_pairs : 0); j++) free(names[j]);
  free(names);
  model_yaml_free(doc);
  return rc;
}
