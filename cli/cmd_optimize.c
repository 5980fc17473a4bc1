/*
** cli/cmd_optimize.c — `drsim optimize SCENARIO --decide ... --constraint
** ...`: the cheapest set of decisions (warm nodes, reservations, backup
** tiers, automating a gate, wait-for-primary...) meeting every constraint
** with 95 % confidence, from the scenario's costs (models/costs.h). Parses
** the decisions (--decide PATH=VALUES as `sweep --vary`, named alternatives
** NAME={PATH: VALUE, ...}, or a --study file), runs each candidate as a
** stored run with the same seed (common random numbers), and prints the
** answer, the candidates and the Pareto front as Markdown, CSV, JSON and an
** HTML page. The search is study/optimize.c, the constraints
** study/constraint.c, a candidate's evaluation study/candidate.c, the page
** reports/opt_page.c.
** cli_cmd_optimize stays over 100 lines: its options table and one check
** per option in the order of --help, each with its message; the reading of
** decisions, the checks of the scenario, the search and the printing are
** functions of their own.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "models/costs.h"
#include "models/outcome.h"
#include "models/override.h"
#include "models/units.h"
#include "models/yaml_tree.h"
#include "reports/costs.h"
#include "reports/csv.h"
#include "reports/opt_page.h"
#include "study/candidate.h"
#include "study/constraint.h"
#include "study/optimize.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONSTRAINTS 16

static void usage(void) {
  puts("usage: drsim optimize SCENARIO.yaml --decide PATH=VALUES [--decide ...]\n"
       "                      [--constraint ENV.METRIC.STAT<=VALUE ...] [options]\n"
       "\n"
       "Finds the cheapest set of decisions that meets every constraint with 95 %\n"
       "confidence, weighing the standby's annual cost against the expected annual\n"
       "cost of risk (the scenario's costs: block), and prints the Pareto front of\n"
       "annual cost against P(meet) of the first constraint. Every candidate is run\n"
       "with the same seed (common random numbers) and stored as a run.\n"
       "\n"
       "decisions:\n"
       "  --decide PATH=VALUES  a --set path and its values, as sweep --vary: 0..5,\n"
       "                        1h,4h,24h, {mode: async, lag: 5m}\n"
       "  --decide 'NAME={PATH: VALUE, ...}'  a named alternative (NAME without dots):\n"
       "                        off, or on setting every PATH at once\n"
       "  --study FILE          decisions:, constraints: and minimize: from a YAML file\n"
       "                        (docs/optimize.md)\n"
       "options:\n"
       "  --constraint C        ENV.METRIC.pNN<=DURATION, ENV.METRIC.mean<=DURATION or\n"
       "                        ENV.METRIC.p_meet>=SHARE (repeatable), e.g.\n"
       "                        production.rto.p95<=4h\n"
       "  --minimize M          total_cost (default: standby + risk a year) or risk_cost\n"
       "  --pareto P            p_meet (default) or cvar: the front's second axis\n"
       "  --search S            auto (default: grid up to 16 candidates, else descent),\n"
       "                        grid, or descent (coordinate descent)\n"
       "  --budget N            at most N screening runs\n"
       "  --trials N            trials per screening run (default: the scenario's)\n"
       "  --confirm-trials N    trials of the finalists' confirmation runs (default 4 x)\n"
       "  --seed S              seed of every run (default: the scenario's)\n"
       "  --threads T           worker threads (default: all cores)\n"
       "  --set PATH=VALUE      override a scenario value for every candidate\n"
       CLI_ALLOW_PATH_HELP
       "  --db FILE             store every run here (default drsim-results.db)\n"
       "  --format F            md (default), csv or json\n"
       "  --html FILE           a page with the Pareto front, the chosen point and what\n"
       "                        each decision contributes\n"
       "  --fail-on-miss        exit 1 when no candidate meets every constraint\n"
       "  --strict              a warning is an error (exit 2)\n"
       "  --quiet               no progress\n"
       "\n"
       "exit status: 0 ok, 1 nothing meets (with --fail-on-miss), 2 bad input,\n"
       "3 I/O or database error, 130 interrupted.");
}

typedef struct optimizer {
  const char *scenario;
  const cli_strlist *sets;
  study_opt_decision *dec;
  size_t n_dec;
  study_constraint cons[MAX_CONSTRAINTS];
  size_t n_cons;
  int seed_given;
  uint64_t seed;
  const model_scenario *base_sc;
} optimizer;

/* ------------------------------------------------------------ parsing */

/* Append to buf at *off; -1 when it does not fit. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int put(char *buf, size_t cap, size_t *off, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = *off < cap ? vsnprintf(buf + *off, cap - *off, fmt, ap) : -1;
  va_end(ap);
  if (k < 0 || (size_t)k >= cap - *off) return -1;
  *off += (size_t)k;
  return 0;
}

#define PUT(...) do { if (put(buf, cap, off, __VA_ARGS__)) return -1; } while (0)

/* A node as flow YAML for an override's value. */
static int node_text(const model_yaml_node *n, char *buf, size_t cap, size_t *off) {
  if (n->kind == MODEL_YAML_SCALAR) {
    if (!n->quoted) PUT("%s", n->str);
    else {
      PUT("\"");
      for (const char *p = n->str; *p; p++) {
        if (*p == '"' || *p == '\\') PUT("\\%c", *p);
        else if (*p == '\n') PUT("\\n");
        else PUT("%c", *p);
      }
      PUT("\"");
    }
  } else if (n->kind == MODEL_YAML_SEQUENCE) {
    PUT("[");
    for (size_t i = 0; i < n->n_items; i++) {
      if (i) PUT(", ");
      if (node_text(n->items[i], buf, cap, off)) return -1;
    }
    PUT("]");
  } else {
    PUT("{");
    for (size_t i = 0; i < n->n_pairs; i++) {
      if (i) PUT(", ");
      if (node_text(n->pairs[i].key, buf, cap, off)) return -1;
      PUT(": ");
      if (node_text(n->pairs[i].value, buf, cap, off)) return -1;
    }
    PUT("}");
  }
  return 0;
}
#undef PUT

/* The overrides "PATH=TEXT" of a map {PATH: VALUE, ...}; returns the count or -1. */
static int map_overrides(const model_yaml_node *m, char **out, size_t max) {
  if (m->kind != MODEL_YAML_MAPPING || m->n_pairs == 0 || m->n_pairs > max) return -1;
  for (size_t i = 0; i < m->n_pairs; i++) {
    char buf[4096];
    size_t off = 0;
    int k = snprintf(buf, sizeof buf, "%s=", m->pairs[i].key->str);
    if (k < 0 || (size_t)k >= sizeof buf) return -1;
    off = (size_t)k;
    if (node_text(m->pairs[i].value, buf, sizeof buf, &off)) return -1;
    if (!(out[i] = strdup(buf))) return -1;
  }
  return (int)m->n_pairs;
}

static void free_strs(char **s, size_t n) {
  for (size_t i = 0; i < n; i++) free(s[i]);
}

/* A named alternative from its YAML value: a map of PATH: VALUE (off / on)
** or a map of OPTION: {PATH: VALUE, ...} (one of several options). */
static int alt_from_node(study_opt_decision *d, const char *name, const model_yaml_node *v,
                         char *err, size_t n) {
  if (!(d->name = strdup(name))) return -1;
  if (v->kind != MODEL_YAML_MAPPING || v->n_pairs == 0) {
    snprintf(err, n, "alternative '%s' must be a map {PATH: VALUE, ...} or {OPTION: {PATH: "
             "VALUE}, ...}", name);
    return -1;
  }
  int options = v->pairs[0].value->kind == MODEL_YAML_MAPPING;
  char *ov[64];
  if (!options) {
    int k = map_overrides(v, ov, 64);
    if (k < 0) {
      snprintf(err, n, "alternative '%s': give at most 64 PATH: VALUE pairs", name);
      return -1;
    }
    int rc = study_opt_decision_add(d, "off", NULL, 0) ||
             study_opt_decision_add(d, "on", (const char *const *)ov, (size_t)k);
    free_strs(ov, (size_t)k);
    return rc ? -1 : 0;
  }
  for (size_t i = 0; i < v->n_pairs; i++) {
    int k = map_overrides(v->pairs[i].value, ov, 64);
    if (k < 0) {
      snprintf(err, n, "alternative '%s', option '%s': give a map of PATH: VALUE", name,
               v->pairs[i].key->str);
      return -1;
    }
    int rc = study_opt_decision_add(d, v->pairs[i].key->str, (const char *const *)ov, (size_t)k);
    free_strs(ov, (size_t)k);
    if (rc) return -1;
  }
  return 0;
}

/* The option of a path decision that the scenario already has. */
static size_t base_of(const model_yaml_doc *doc, const study_grid_axis *ax) {
  const model_yaml_node *n = doc ? model_override_find(doc, ax->path) : NULL;
  if (!n || n->kind != MODEL_YAML_SCALAR) return 0;
  double s;
  int is_dur = model_units_parse_duration(n->str, &s, NULL) == 0;
  for (size_t i = 0; i < ax->n; i++) {
    if (strcmp(ax->texts[i], n->str) == 0) return i;
    double t;
    if (is_dur && model_units_parse_duration(ax->texts[i], &t, NULL) == 0 && t == s) return i;
  }
  return 0;
}

static int path_decision(study_opt_decision *d, const model_yaml_doc *doc, const char *spec,
                         char *err, size_t n) {
  study_grid_axis ax;
  if (study_grid_axis_parse(spec, &ax, err, n)) return -1;
  int rc = (d->name = strdup(ax.path)) ? 0 : -1;
  for (size_t i = 0; !rc && i < ax.n; i++) {
    char *o = study_grid_override(&ax, i);
    const char *ov[1] = {o};
    rc = !o || study_opt_decision_add(d, ax.texts[i], ov, 1);
    free(o);
  }
  if (!rc) d->base = base_of(doc, &ax);
  study_grid_axis_free(&ax);
  return rc;
}

/* --decide SPEC: NAME={...} (an alternative) or PATH=VALUES. */
static int decision_parse(study_opt_decision *d, const model_yaml_doc *doc, const char *spec,
                          char *err, size_t n) {
  memset(d, 0, sizeof *d);
  const char *eq = strchr(spec, '=');
  if (eq && eq > spec && eq[1] == '{') {
    size_t ln = (size_t)(eq - spec);
    char name[200];
    if (ln < sizeof name && !memchr(spec, '.', ln)) {
      memcpy(name, spec, ln);
      name[ln] = '\0';
      model_diag *diag = model_diag_new();
      model_yaml_doc *y = NULL;
      int rc = -1;
      if (diag && model_yaml_parse(eq + 1, strlen(eq + 1), "--decide", &y, diag) == 0 &&
          model_yaml_root(y))
        rc = alt_from_node(d, name, model_yaml_root(y), err, n);
      else
        snprintf(err, n, "'%s' is not a valid map; write NAME={PATH: VALUE, ...}", eq + 1);
      model_yaml_free(y);
      model_diag_free(diag);
      return rc;
    }
  }
  return path_decision(d, doc, spec, err, n);
}

/* ------------------------------------------------------------ output */

static const char *money(double v, const char *cur, char *b, size_t n) {
  return report_costs_format(v, cur, b, n);
}

/* "PATH=VALUE ..." of a candidate's options, as --set arguments or labels. */
static void choice_text(const optimizer *o, const size_t *choice, int as_sets, char *buf,
                        size_t n) {
  size_t off = 0;
  buf[0] = '\0';
  for (size_t d = 0; d < o->n_dec && off < n; d++) {
    const study_opt_option *op = &o->dec[d].options[choice[d]];
    if (!as_sets) {
      off += (size_t)snprintf(buf + off, n - off, "%s%s=%s", d ? ", " : "", o->dec[d].name,
                              op->label);
      continue;
    }
    for (size_t j = 0; j < op->n_overrides && off < n; j++)
      off += (size_t)snprintf(buf + off, n - off, " --set '%s'", op->overrides[j]);
  }
}

static void check_text(const study_constraint *c, const study_opt_check *k, char *buf, size_t n) {
  char a[48], b[48];
  if (c->kind == STUDY_CONSTRAINT_P_MEET)
    snprintf(buf, n, "%.1f %% (lower bound %.1f %%)", 100 * k->estimate, 100 * k->bound);
  else
    snprintf(buf, n, "%s (upper bound %s)", report_page_duration(k->estimate, a, sizeof a),
             report_page_duration(k->bound, b, sizeof b));
}

static void answer(const optimizer *o, const study_opt_result *r, const char *cur, FILE *f) {
  char b[4096], m1[64], m2[64], m3[64], m4[64], m5[64], m6[64];
  if (r->winner < 0) {
    const study_opt_cand *c = r->closest >= 0 ? &r->cands[r->closest] : NULL;
    fprintf(f, "No candidate meets ");
    for (size_t i = 0; i < o->n_cons; i++) fprintf(f, "%s%s", i ? " and " : "", o->cons[i].spec);
    if (!c) { fprintf(f, ".\n"); return; }
    choice_text(o, c->choice, 0, b, sizeof b);
    fprintf(f, "; the closest is %s", b);
    const study_opt_eval *e = study_opt_final(c);
    for (size_t i = 0; i < o->n_cons; i++) {
      check_text(&o->cons[i], &e->checks[i], m1, sizeof m1);
      fprintf(f, " (%s: %s, P(meet) %.1f %%)", o->cons[i].spec, m1, 100 * e->checks[i].p_meet);
    }
    fprintf(f, ".\n");
    return;
  }
  const study_opt_cand *w = &r->cands[r->winner];
  const study_opt_eval *e = study_opt_final(w);
  choice_text(o, w->choice, 0, b, sizeof b);
  fprintf(f, "The cheapest choice meeting every constraint is %s: %s",
          b[0] ? b : "the scenario as it is", money(e->total.est, cur, m1, sizeof m1));
  fprintf(f, " [%s, %s] a year in all (standby %s, risk %s [%s, %s]; 95 %% intervals over %llu trials).\n",
          money(e->total.lo, "", m1, sizeof m1), money(e->total.hi, "", m2, sizeof m2),
          money(e->standby_annual, cur, m3, sizeof m3), money(e->risk.est, cur, m4, sizeof m4),
          money(e->risk.lo, "", m5, sizeof m5), money(e->risk.hi, "", m6, sizeof m6),
          (unsigned long long)e->trials);
  if (r->runner_up >= 0) {
    choice_text(o, r->cands[r->runner_up].choice, 0, b, sizeof b);
    fprintf(f, "%s than the runner-up (%s): paired difference %s [%s, %s] a year.\n",
            r->conclusive ? "Conclusively cheaper" : "NOT CONCLUSIVE at these trials: not "
            "significantly cheaper", b, money(r->paired.est, cur, m1, sizeof m1),
            money(r->paired.lo, "", m2, sizeof m2), money(r->paired.hi, "", m3, sizeof m3));
  }
}

static void print_reproduce(const optimizer *o, const study_opt_result *r, FILE *f) {
  long i = r->winner >= 0 ? r->winner : r->closest;
  if (i < 0) return;
  const study_opt_cand *c = &r->cands[i];
  const study_opt_eval *e = study_opt_final(c);
  char b[8192];
  choice_text(o, c->choice, 1, b, sizeof b);
  fprintf(f, "drsim run %s --trials %llu", o->scenario, (unsigned long long)e->trials);
  if (o->seed_given) fprintf(f, " --seed %llu", (unsigned long long)o->seed);
  for (size_t k = 0; k < o->sets->n; k++) fprintf(f, " --set '%s'", o->sets->items[k]);
  fprintf(f, "%s", b);
}

static void print_md(const optimizer *o, const study_opt_result *r, const char *cur) {
  char b[4096], m[6][64];
  printf("## drsim optimize: %s\n\n", o->base_sc->name);
  answer(o, r, cur, stdout);
  printf("\nReproduce it (run %lld of the database, row for row):\n\n    ",
         (long long)(r->winner >= 0 ? study_opt_final(&r->cands[r->winner])->run_id :
                     r->closest >= 0 ? study_opt_final(&r->cands[r->closest])->run_id : 0));
  print_reproduce(o, r, stdout);
  printf("\n\n### Candidates\n\n| # | decisions | standby a year | risk a year [95 %% CI] | total "
         "a year [95 %% CI] | CVaR-95 per disaster |");
  for (size_t i = 0; i < o->n_cons; i++) printf(" %s | P(meet) |", o->cons[i].spec);
  printf(" meets all | trials | run | front |\n|--:|---|--:|--:|--:|--:|");
  for (size_t i = 0; i < o->n_cons; i++) printf("--:|--:|");
  printf("---|--:|--:|---|\n");
  for (size_t i = 0; i < r->n_cands; i++) {
    const study_opt_cand *c = &r->cands[i];
    const study_opt_eval *e = study_opt_final(c);
    choice_text(o, c->choice, 0, b, sizeof b);
    int win = (long)i == r->winner;
    printf("| %zu | %s%s%s | %s | %s [%s, %s] |", c->order, win ? "**" : "", b,
           win ? "**" : "", money(e->standby_annual, cur, m[0], 64), money(e->risk.est, cur, m[1], 64),
           money(e->risk.lo, "", m[2], 64), money(e->risk.hi, "", m[3], 64));
    printf(" %s [%s, %s] | %s |", money(e->total.est, cur, m[0], 64),
           money(e->total.lo, "", m[1], 64), money(e->total.hi, "", m[2], 64),
           money(e->cvar95, cur, m[3], 64));
    for (size_t k = 0; k < o->n_cons; k++) {
      check_text(&o->cons[k], &e->checks[k], m[0], 64);
      printf(" %s | %.1f %% |", m[0], 100 * e->checks[k].p_meet);
    }
    printf(" %s | %llu | %lld | %s |\n", e->meets_all ? "yes" : "no",
           (unsigned long long)e->trials, (long long)e->run_id,
           c->pareto ? "yes" : "");
  }
  if (r->winner >= 0 && r->n_contribs) {
    printf("\n### What each decision contributes\n\nThe winner against the winner with one "
           "decision set back to the scenario's choice (same trials):\n\n| decision | chosen | "
           "instead of | standby a year | risk a year | total a year |");
    if (o->n_cons) printf(" P(meet) %s |", o->cons[0].spec);
    printf("\n|---|---|---|--:|--:|--:|%s\n", o->n_cons ? "--:|" : "");
    const study_opt_cand *w = &r->cands[r->winner];
    const study_opt_eval *we = study_opt_final(w);
    for (size_t i = 0; i < r->n_contribs; i++) {
      const study_opt_contrib *k = &r->contribs[i];
      const study_opt_decision *d = &o->dec[k->decision];
      if (k->without < 0) {
        printf("| %s | %s | (the scenario's) | 0 | 0 | 0 |%s\n", d->name,
               d->options[w->choice[k->decision]].label, o->n_cons ? " 0 |" : "");
        continue;
      }
      const study_opt_eval *e = study_opt_final(&r->cands[k->without]);
      printf("| %s | %s | %s | %+.0f | %+.0f | %+.0f |", d->name,
             d->options[w->choice[k->decision]].label, d->options[d->base].label,
             we->standby_annual - e->standby_annual, we->risk.est - e->risk.est,
             we->total.est - e->total.est);
      if (o->n_cons)
        printf(" %+.1f points |", 100 * (we->checks[0].p_meet - e->checks[0].p_meet));
      printf("\n");
    }
  }
  printf("\n%s search: %zu screening runs of %llu trials (a full grid: %zu candidates), %zu "
         "confirmation run(s), %zu run(s) for the contributions%s. Every run has the same seed: "
         "candidates differ only by their decisions (common random numbers). \"Meets\": the "
         "one-sided 95 %% bound of each constrained statistic is within it.\n",
         r->search_used == STUDY_OPT_GRID ? "Grid" : "Coordinate-descent", r->screen_runs,
         (unsigned long long)(r->n_cands ? r->cands[0].screen.trials : 0), r->grid_size,
         r->confirm_runs, r->contrib_runs, r->budget_hit ? " (stopped by --budget)" : "");
}

static void print_csv(const optimizer *o, const study_opt_result *r, const char *cur) {
  printf("order");
  for (size_t d = 0; d < o->n_dec; d++) printf(",%s", o->dec[d].name);
  printf(",standby_annual,risk_annual,risk_annual_lo,risk_annual_hi,total_annual,loss_mean,"
         "cvar95");
  for (size_t c = 0; c < o->n_cons; c++) printf(",c%zu_estimate,c%zu_bound,c%zu_p_meet,c%zu_meets", c + 1, c + 1, c + 1, c + 1);
  printf(",meets_all,trials,run_id,finalist,pareto,chosen,total_annual_lo,total_annual_hi,"
         "loss_mean_lo,loss_mean_hi,currency\n");
  for (size_t i = 0; i < r->n_cands; i++) {
    const study_opt_cand *c = &r->cands[i];
    const study_opt_eval *e = study_opt_final(c);
    printf("%zu", c->order);
    for (size_t d = 0; d < o->n_dec; d++) printf(",\"%s\"", o->dec[d].options[c->choice[d]].label);
    printf(",%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f", e->standby_annual, e->risk.est, e->risk.lo,
           e->risk.hi, e->total.est, e->loss.est, e->cvar95);
    for (size_t k = 0; k < o->n_cons; k++)
      printf(",%.17g,%.17g,%.6f,%d", e->checks[k].estimate, e->checks[k].bound,
             e->checks[k].p_meet, e->checks[k].meets);
    printf(",%d,%llu,%lld,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,", e->meets_all,
           (unsigned long long)e->trials, (long long)e->run_id, c->finalist, c->pareto,
           (long)i == r->winner, e->total.lo, e->total.hi, e->loss.lo, e->loss.hi);
    report_csv_field(stdout, cur);
    putchar('\n');
  }
}

static json_t *jnum(double v) {
  return isfinite(v) ? json_real(v) : isnan(v) ? json_null() : json_string(v > 0 ? "inf" : "-inf");
}

static int print_json(const optimizer *o, const study_opt_result *r, const char *cur) {
  json_t *root = json_object(), *cands = json_array();
  if (!root || !cands) return -1;
  json_object_set_new(root, "scenario", json_string(o->base_sc->name));
  json_object_set_new(root, "currency", json_string(cur));
  json_t *cons = json_array();
  for (size_t c = 0; c < o->n_cons; c++) json_array_append_new(cons, json_string(o->cons[c].spec));
  json_object_set_new(root, "constraints", cons);
  json_object_set_new(root, "search", json_string(r->search_used == STUDY_OPT_GRID ? "grid" : "descent"));
  json_object_set_new(root, "grid_size", json_integer((json_int_t)r->grid_size));
  json_object_set_new(root, "screen_runs", json_integer((json_int_t)r->screen_runs));
  json_object_set_new(root, "confirm_runs", json_integer((json_int_t)r->confirm_runs));
  json_object_set_new(root, "contribution_runs", json_integer((json_int_t)r->contrib_runs));
  json_object_set_new(root, "budget_hit", json_boolean(r->budget_hit));
  json_object_set_new(root, "conclusive", json_boolean(r->conclusive));
  json_object_set_new(root, "paired_difference", jnum(r->paired.est));
  json_object_set_new(root, "paired_difference_lo", jnum(r->paired.lo));
  json_object_set_new(root, "paired_difference_hi", jnum(r->paired.hi));
  for (size_t i = 0; i < r->n_cands; i++) {
    const study_opt_cand *c = &r->cands[i];
    const study_opt_eval *e = study_opt_final(c);
    json_t *x = json_object(), *dec = json_object(), *ch = json_array(), *ov = json_array();
    for (size_t d = 0; d < o->n_dec; d++) {
      const study_opt_option *op = &o->dec[d].options[c->choice[d]];
      json_object_set_new(dec, o->dec[d].name, json_string(op->label));
      for (size_t j = 0; j < op->n_overrides; j++) json_array_append_new(ov, json_string(op->overrides[j]));
    }
    json_object_set_new(x, "order", json_integer((json_int_t)c->order));
    json_object_set_new(x, "decisions", dec);
    json_object_set_new(x, "overrides", ov);
    json_object_set_new(x, "standby_annual", jnum(e->standby_annual));
    json_object_set_new(x, "risk_annual", jnum(e->risk.est));
    json_object_set_new(x, "risk_annual_lo", jnum(e->risk.lo));
    json_object_set_new(x, "risk_annual_hi", jnum(e->risk.hi));
    json_object_set_new(x, "total_annual", jnum(e->total.est));
    json_object_set_new(x, "total_annual_lo", jnum(e->total.lo));
    json_object_set_new(x, "total_annual_hi", jnum(e->total.hi));
    json_object_set_new(x, "loss_mean", jnum(e->loss.est));
    json_object_set_new(x, "loss_mean_lo", jnum(e->loss.lo));
    json_object_set_new(x, "loss_mean_hi", jnum(e->loss.hi));
    json_object_set_new(x, "cvar95", jnum(e->cvar95));
    for (size_t k = 0; k < o->n_cons; k++) {
      json_t *y = json_object();
      json_object_set_new(y, "constraint", json_string(o->cons[k].spec));
      json_object_set_new(y, "estimate", jnum(e->checks[k].estimate));
      json_object_set_new(y, "bound", jnum(e->checks[k].bound));
      json_object_set_new(y, "p_meet", jnum(e->checks[k].p_meet));
      json_object_set_new(y, "meets", json_boolean(e->checks[k].meets));
      json_array_append_new(ch, y);
    }
    json_object_set_new(x, "checks", ch);
    json_object_set_new(x, "meets_all", json_boolean(e->meets_all));
    json_object_set_new(x, "trials", json_integer((json_int_t)e->trials));
    json_object_set_new(x, "run_id", json_integer((json_int_t)e->run_id));
    json_object_set_new(x, "finalist", json_boolean(c->finalist));
    json_object_set_new(x, "contribution", json_boolean(c->contribution));
    json_object_set_new(x, "pareto", json_boolean(c->pareto));
    json_array_append_new(cands, x);
  }
  json_object_set_new(root, "candidates", cands);
  json_object_set_new(root, "winner", r->winner >= 0 ? json_integer(r->winner) : json_null());
  json_object_set_new(root, "closest", r->closest >= 0 ? json_integer(r->closest) : json_null());
  char *s = json_dumps(root, JSON_INDENT(2));
  json_decref(root);
  if (!s) return -1;
  puts(s);
  free(s);
  return 0;
}

/* A stream's text (answer or reproduce line) as a string; NULL when it fails. */
static char *text_of(const optimizer *o, const study_opt_result *r, const char *cur, int which) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mf = open_memstream(&buf, &len);
  if (!mf) return NULL;
  if (which == 0) answer(o, r, cur, mf);
  else print_reproduce(o, r, mf);
  fclose(mf);
  return buf;
}

/* --html: the page's data from the result, written by reports/opt_page. */
static int write_html(const char *path, const optimizer *o, const study_opt_result *r,
                      const char *cur, int pareto_cvar) {
  report_opt_page_cand *pc = calloc(r->n_cands + 1, sizeof *pc);
  report_opt_page_contrib pk[STUDY_OPT_MAX_DECISIONS];
  char (*labels)[4096] = calloc(r->n_cands + 1, sizeof *labels);
  char *ans = text_of(o, r, cur, 0), *rep = text_of(o, r, cur, 1);
  int status = CLI_EXIT_IO;
  if (!pc || !labels || !ans || !rep) { cli_error("optimize", "out of memory"); goto out; }
  for (size_t i = 0; i < r->n_cands; i++) {
    const study_opt_cand *c = &r->cands[i];
    const study_opt_eval *e = study_opt_final(c);
    choice_text(o, c->choice, 0, labels[i], sizeof labels[i]);
    double pm = o->n_cons ? 100 * e->checks[0].p_meet : 0.0;
    pc[i] = (report_opt_page_cand){.label = labels[i], .order = c->order,
                                   .objective = e->objective, .y = pareto_cvar ? e->cvar95 : pm,
                                   .standby = e->standby_annual, .risk = e->risk.est,
                                   .total = e->total.est, .p_meet = pm,
                                   .meets_all = e->meets_all, .pareto = c->pareto,
                                   .chosen = (long)i == r->winner, .run_id = e->run_id};
  }
  size_t nk = r->winner >= 0 ? r->n_contribs : 0;
  for (size_t i = 0; i < nk; i++) {
    const study_opt_contrib *k = &r->contribs[i];
    const study_opt_decision *d = &o->dec[k->decision];
    const study_opt_cand *w = &r->cands[r->winner];
    const study_opt_eval *we = study_opt_final(w), *e = NULL;
    pk[i] = (report_opt_page_contrib){.decision = d->name,
                                      .chosen = d->options[w->choice[k->decision]].label};
    if (k->without < 0) continue;
    e = study_opt_final(&r->cands[k->without]);
    pk[i].instead = d->options[d->base].label;
    pk[i].d_standby = we->standby_annual - e->standby_annual;
    pk[i].d_risk = we->risk.est - e->risk.est;
    pk[i].d_total = we->total.est - e->total.est;
    pk[i].d_p_meet = o->n_cons ? 100 * (we->checks[0].p_meet - e->checks[0].p_meet) : 0.0;
  }
  report_opt_page pg = {.scenario = o->base_sc->name, .answer = ans, .reproduce = rep,
                        .currency = cur, .pareto_cvar = pareto_cvar, .cands = pc,
                        .n_cands = r->n_cands, .contribs = pk, .n_contribs = nk};
  cli_outfile *of;
  if (cli_outfile_open("optimize", path, &of) != CLI_EXIT_OK) goto out;
  FILE *f = cli_outfile_stream(of);
  int ok = report_opt_page_write(f, &pg) == 0;
  status = cli_outfile_close(of, ok && !ferror(f));
out:
  free(pc);
  free(labels);
  free(ans);
  free(rep);
  return status;
}

/* ------------------------------------------------------------ study file */

/* Read a study file into o's decisions, cons and *minimize. The constraint
** strings pushed on cons are borrowed from *keep (the study's tree: free
** it after cons). */
static int load_study(const char *path, const model_yaml_doc *sdoc, optimizer *o,
                      cli_strlist *cons, const char **minimize, model_yaml_doc **keep,
                      char *err, size_t n) {
  size_t len = 0;
  model_diag *diag = model_diag_new();
  char *text = diag ? model_scenario_read_file(path, &len, diag) : NULL;
  model_yaml_doc *y = NULL;
  int rc = -1;
  if (!text || model_yaml_parse(text, len, path, &y, diag) || !model_yaml_root(y)) {
    if (diag && model_diag_count(diag)) model_diag_print(diag, stderr);
    snprintf(err, n, "cannot read the study file %s", path);
    goto out;
  }
  const model_yaml_node *root = model_yaml_root(y), *x;
  if (root->kind != MODEL_YAML_MAPPING) { snprintf(err, n, "%s: expected a map", path); goto out; }
  for (size_t i = 0; i < root->n_pairs; i++) {
    const char *k = root->pairs[i].key->str;
    if (strcmp(k, "decisions") && strcmp(k, "constraints") && strcmp(k, "minimize")) {
      snprintf(err, n, "%s:%d:%d: unknown key '%s'; a study has decisions, constraints and "
               "minimize", path, root->pairs[i].key->line, root->pairs[i].key->col, k);
      goto out;
    }
  }
  if ((x = model_yaml_get(root, "decisions"))) {
    if (x->kind != MODEL_YAML_MAPPING) { snprintf(err, n, "%s:%d:%d: decisions must be a map", path, x->line, x->col); goto out; }
    for (size_t i = 0; i < x->n_pairs; i++) {
      if (o->n_dec >= STUDY_OPT_MAX_DECISIONS) { snprintf(err, n, "at most %d decisions", STUDY_OPT_MAX_DECISIONS); goto out; }
      const model_yaml_node *k = x->pairs[i].key, *v = x->pairs[i].value;
      study_opt_decision *d = &o->dec[o->n_dec++];
      memset(d, 0, sizeof *d);
      char e2[400];
      int r;
      if (v->kind == MODEL_YAML_MAPPING) {
        r = alt_from_node(d, k->str, v, e2, sizeof e2);
      } else {
        char spec[4096];
        size_t off = 0;
        int w = snprintf(spec, sizeof spec, "%s=", k->str);
        off = (size_t)w;
        if (v->kind == MODEL_YAML_SEQUENCE) {
          for (size_t j = 0; j < v->n_items && off < sizeof spec; j++) {
            if (j) spec[off++] = ',';
            if (node_text(v->items[j], spec, sizeof spec, &off)) break;
          }
          spec[off < sizeof spec ? off : sizeof spec - 1] = '\0';
        } else {
          node_text(v, spec, sizeof spec, &off);
        }
        r = path_decision(d, sdoc, spec, e2, sizeof e2);
      }
      if (r) { snprintf(err, n, "%s:%d:%d: %s", path, k->line, k->col, e2); goto out; }
    }
  }
  if ((x = model_yaml_get(root, "constraints"))) {
    if (x->kind == MODEL_YAML_SCALAR) cli_strlist_push(cons, x->str);
    else if (x->kind == MODEL_YAML_SEQUENCE)
      for (size_t j = 0; j < x->n_items; j++)
        if (x->items[j]->kind == MODEL_YAML_SCALAR) cli_strlist_push(cons, x->items[j]->str);
  }
  if ((x = model_yaml_get(root, "minimize")) && x->kind == MODEL_YAML_SCALAR)
    *minimize = x->str;   /* checked with --minimize's values */
  rc = 0;
out:
  *keep = y;
  free(text);
  model_diag_free(diag);
  return rc;
}

/* ------------------------------------------------------------ command */

/* The decisions (--study file, then each --decide) and the constraints into
** o, checked against sc and the trials. Returns a CLI_EXIT_* status. */
static int read_decisions(optimizer *o, const model_scenario *sc, const model_yaml_doc *sdoc,
                          const char *study, const cli_strlist *decide, cli_strlist *cons,
                          const char **minimize, model_yaml_doc **study_doc) {
  char err[600];
  if (study && load_study(study, sdoc, o, cons, minimize, study_doc, err, sizeof err)) {
    cli_error("optimize", "%s", err);
    return CLI_EXIT_USAGE;
  }
  for (size_t i = 0; i < decide->n; i++) {
    if (o->n_dec >= STUDY_OPT_MAX_DECISIONS) {
      cli_error("optimize", "at most %d decisions", STUDY_OPT_MAX_DECISIONS);
      return CLI_EXIT_USAGE;
    }
    if (decision_parse(&o->dec[o->n_dec++], sdoc, decide->items[i], err, sizeof err)) {
      cli_error("optimize", "--decide %s", err);
      return CLI_EXIT_USAGE;
    }
  }
  for (size_t i = 0; i < o->n_dec; i++)
    for (size_t j = 0; j < i; j++)
      if (!strcmp(o->dec[i].name, o->dec[j].name)) {
        cli_error("optimize", "decision '%s' is given twice", o->dec[i].name);
        return CLI_EXIT_USAGE;
      }
  if (o->n_dec == 0) {
    cli_error("optimize", "nothing to decide; add --decide PATH=VALUES, e.g. --decide "
              "standby.%s.warm_nodes=0..5", sc->n_standby ? sc->standby[0].name : "POOL");
    return CLI_EXIT_USAGE;
  }
  if (cons->n > MAX_CONSTRAINTS) {
    cli_error("optimize", "at most %d constraints", MAX_CONSTRAINTS);
    return CLI_EXIT_USAGE;
  }
  for (size_t i = 0; i < cons->n; i++)
    if (study_constraint_parse(sc, cons->items[i], &o->cons[o->n_cons++], err, sizeof err)) {
      cli_error("optimize", "--constraint %s", err);
      return CLI_EXIT_USAGE;
    }
  return CLI_EXIT_OK;
}

/* The scenario's tree with the user's --set: each path decision's base
** option is the value found there. NULL when it does not parse. */
static model_yaml_doc *scenario_tree(const char *text, const char *path, const cli_strlist *sets) {
  model_yaml_doc *doc = NULL;
  model_diag *d = model_diag_new();
  if (d && model_yaml_parse(text, strlen(text), path, &doc, d) == 0 && sets->n)
    model_override_apply(doc, (const char *const *)sets->items, sets->n, d);
  model_diag_free(d);
  return doc;
}

static void on_run(void *ctx, int64_t run_id, uint64_t trials) {
  (void)ctx;
  fprintf(stderr, "optimize: run %lld (%llu trials)\n", (long long)run_id,
          (unsigned long long)trials);
}

/* The answer in the chosen format, the HTML page, --fail-on-miss. */
static int print_results(const optimizer *o, const study_opt_result *res, const char *format,
                         const char *html, int pareto_cvar, int quiet, int fail_on_miss) {
  const char *cur = model_costs_currency(o->base_sc);
  if (!strcmp(format, "csv")) print_csv(o, res, cur);
  else if (!strcmp(format, "json")) {
    if (print_json(o, res, cur)) { cli_error("optimize", "out of memory"); return CLI_EXIT_IO; }
  } else print_md(o, res, cur);
  if (strcmp(format, "md") && !quiet) {
    answer(o, res, cur, stderr);
    fputs("reproduce: ", stderr);
    print_reproduce(o, res, stderr);
    fputs("\n", stderr);
  }
  int status = CLI_EXIT_OK;
  if (html) status = write_html(html, o, res, cur, pareto_cvar);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("optimize", "cannot write the output");
    return CLI_EXIT_IO;
  }
  if (status == CLI_EXIT_OK && fail_on_miss && res->winner < 0) {
    if (quiet || strcmp(format, "md") == 0) answer(o, res, cur, stderr);
    status = CLI_EXIT_MISSED;
  }
  return status;
}

/* The values of --format, --search, --pareto and --minimize; a CLI_EXIT_* status. */
static int check_choices(const char *format, const char *search_s, const char *pareto_s,
                         study_opt_search *search) {
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("optimize", "--format '%s' is not valid; use md, csv or json", format);
    return CLI_EXIT_USAGE;
  }
  *search = STUDY_OPT_AUTO;
  if (!strcmp(search_s, "grid")) *search = STUDY_OPT_GRID;
  else if (!strcmp(search_s, "descent")) *search = STUDY_OPT_DESCENT;
  else if (strcmp(search_s, "auto")) {
    cli_error("optimize", "--search '%s' is not valid; use auto, grid or descent", search_s);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(pareto_s, "p_meet") && strcmp(pareto_s, "cvar")) {
    cli_error("optimize", "--pareto '%s' is not valid; use p_meet or cvar", pareto_s);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* What the scenario must allow (disaster mode, a disaster rate with costs
** of risk, enough trials for every quantile); a CLI_EXIT_* status. */
static int check_scenario(const optimizer *o, const model_scenario *sc, const char *path,
                          const char *minimize, uint64_t trials) {
  if (strcmp(minimize, "total_cost") && strcmp(minimize, "risk_cost")) {
    cli_error("optimize", "--minimize '%s' is not valid; use total_cost or risk_cost", minimize);
    return CLI_EXIT_USAGE;
  }
  if (model_costs_has_risk(sc) && isnan(model_costs_disasters_per_year(sc))) {
    cli_error("optimize", "%s gives costs of downtime or data loss but no disaster rate; add "
              "costs: {disaster_rate: 1/10y} (how often this disaster strikes)", path);
    return CLI_EXIT_USAGE;
  }
  for (size_t i = 0; i < o->n_cons; i++) {
    uint64_t need = study_constraint_min_trials(&o->cons[i]);
    if (trials < need) {
      cli_error("optimize", "too few trials to bound %s at 95 %% confidence: need at least "
                "%llu; use --trials %llu", o->cons[i].spec, (unsigned long long)need,
                (unsigned long long)need);
      return CLI_EXIT_USAGE;
    }
  }
  return CLI_EXIT_OK;
}

/* A failed search: what the candidate's evaluation left, printed; the exit status. */
static int search_failed(int rc, const study_candidate_ctx *cx, const char *db_path) {
  if (rc < 0) {
    cli_error("optimize", "out of memory");
    return CLI_EXIT_IO;
  }
  if (cx->failed_diag) model_diag_print(cx->failed_diag, stderr);   /* it did not load */
  if (cx->status == STUDY_INTERRUPTED) {
    fprintf(stderr, "drsim optimize: interrupted; the candidates' runs finished so far are kept "
            "in %s as sweep %lld (drsim runs --db %s), the one cut short as interrupted\n",
            db_path, (long long)cx->sweep_id, db_path);
    return CLI_EXIT_INTERRUPTED;
  }
  if (cx->err.text[0]) cli_error("optimize", "%s", cx->err.text);
  return cli_exit_from_study(cx->status);
}

/* The candidates' evaluation context from the parsed command. */
static void fill_candidates(study_candidate_ctx *cx, const optimizer *o, const char *text,
                            const model_load_opts *lo, unsigned threads, int quiet) {
  cx->scenario_path = o->scenario;
  cx->scenario_text = text;
  cx->load_opts = lo;
  cx->sets = (const char *const *)o->sets->items;
  cx->n_sets = o->sets->n;
  cx->dec = o->dec;
  cx->n_dec = o->n_dec;
  cx->cons = o->cons;
  cx->n_cons = o->n_cons;
  cx->seed_given = o->seed_given;
  cx->seed = o->seed;
  cx->threads = threads;
  if (!quiet && isatty(STDERR_FILENO)) cx->progress = cli_progress_bar;
  if (!quiet) cx->on_run = on_run;
}

/* The search (cfg's options; its decisions, constraints and evaluation from
** o and cx), then the answer or the failure printed. Returns the exit status. */
static int search_and_print(const optimizer *o, study_candidate_ctx *cx, study_opt_config *cfg,
                            study_opt_result *res, const char *db_path, const char *format,
                            const char *html, int quiet, int fail_on_miss) {
  cfg->decisions = o->dec;
  cfg->n_decisions = o->n_dec;
  cfg->n_constraints = o->n_cons;
  cfg->eval = study_candidate_eval;
  cfg->ctx = cx;
  int rc = study_opt_run(cfg, res);
  if (rc) return search_failed(rc, cx, db_path);
  return print_results(o, res, format, html, cfg->pareto_cvar, quiet, fail_on_miss);
}

int cli_cmd_optimize(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0}, decide = {0}, cons = {0};
  int help = 0, quiet = 0, fail_on_miss = 0, strict = 0;
  int trials_seen = 0, seed_seen = 0, threads_seen = 0, confirm_seen = 0, budget_seen = 0;
  uint64_t trials = 0, seed = 0, threads = 0, confirm_trials = 0, budget = 0;
  const char *db_path = "drsim-results.db", *format = "md", *html = NULL, *study = NULL;
  const char *minimize = NULL, *search_s = "auto", *pareto_s = "p_meet";
  cli_opt opts[] = {
    {"--decide", CLI_OPT_LIST, &decide, 0, 0, NULL},
    {"--constraint", CLI_OPT_LIST, &cons, 0, 0, NULL},
    {"--study", CLI_OPT_STRING, &study, 0, 0, NULL},
    {"--minimize", CLI_OPT_STRING, &minimize, 0, 0, NULL},
    {"--pareto", CLI_OPT_STRING, &pareto_s, 0, 0, NULL},
    {"--search", CLI_OPT_STRING, &search_s, 0, 0, NULL},
    {"--budget", CLI_OPT_U64, &budget, 1, 1000000, &budget_seen},
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(1000000000), &trials_seen},
    {"--confirm-trials", CLI_OPT_U64, &confirm_trials, 1, UINT64_C(1000000000), &confirm_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--html", CLI_OPT_STRING, &html, 0, 0, NULL},
    {"--fail-on-miss", CLI_OPT_FLAG, &fail_on_miss, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status, catching = 0;
  model_scenario *sc = NULL;
  char *text = NULL;
  optimizer o;
  memset(&o, 0, sizeof o);
  study_opt_decision dec[STUDY_OPT_MAX_DECISIONS];
  memset(dec, 0, sizeof dec);
  o.dec = dec;
  study_candidate_ctx cx;
  memset(&cx, 0, sizeof cx);
  study_opt_result res;
  memset(&res, 0, sizeof res);
  int have_res = 0;
  model_yaml_doc *sdoc = NULL, *study_doc = NULL;
  study_opt_search search;

  if ((status = cli_args_parse("optimize", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  /* From here on Ctrl-C or SIGTERM stops the search at the next trial and
  ** exits 130; every finished candidate's run stays in the database. */
  cx.stop_flag = cli_signals_catch();
  catching = 1;
  if (pos.n != 1) {
    cli_error("optimize", "expected exactly one scenario file; usage: drsim optimize SCENARIO.yaml "
              "--decide PATH=VALUES --constraint ENV.rto.p95<=4h");
    goto done;
  }
  if ((status = check_choices(format, search_s, pareto_s, &search)) != CLI_EXIT_OK) goto done;
  const char *inputs[] = {pos.items[0], db_path};
  if (html && (status = cli_outfile_check("optimize", html, inputs, 2)) != CLI_EXIT_OK) goto done;
  model_load_opts lo = cli_load_opts(&allow);
  if ((status = cli_load_scenario_text_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0,
                                             &sc, &text)) != CLI_EXIT_OK)
    goto done;
  status = CLI_EXIT_USAGE;
  o.base_sc = sc;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("optimize", "%s is a lifetime-mode scenario; optimize runs disaster mode only",
              pos.items[0]);
    goto done;
  }
  sdoc = scenario_tree(text, pos.items[0], &sets);
  if ((status = read_decisions(&o, sc, sdoc, study, &decide, &cons, &minimize, &study_doc)) !=
      CLI_EXIT_OK)
    goto done;
  if (!minimize) minimize = "total_cost";
  if (!trials_seen) trials = sc->trials;
  if ((status = check_scenario(&o, sc, pos.items[0], minimize, trials)) != CLI_EXIT_OK) goto done;
  if (!confirm_seen) confirm_trials = 4 * trials;

  lo.pinned = sc->inputs;
  lo.n_pinned = sc->n_inputs;
  o.scenario = pos.items[0];
  o.sets = &sets;
  o.seed_given = 1;
  o.seed = seed_seen ? seed : sc->seed;
  fill_candidates(&cx, &o, text, &lo, threads_seen ? (unsigned)threads : 0, quiet);
  if ((status = cli_sweep_open_store("optimize", db_path, &cx.store, &cx.sweep_id)) != CLI_EXIT_OK)
    goto done;
  if (*cx.stop_flag) {
    status = CLI_EXIT_INTERRUPTED;
    goto done;
  }

  study_opt_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.minimize = strcmp(minimize, "risk_cost") == 0 ? STUDY_OPT_RISK : STUDY_OPT_TOTAL;
  cfg.search = search;
  cfg.budget = budget_seen ? (size_t)budget : 0;
  cfg.trials = trials;
  cfg.confirm_trials = confirm_trials;
  cfg.pareto_cvar = strcmp(pareto_s, "cvar") == 0;
  have_res = 1;
  status = search_and_print(&o, &cx, &cfg, &res, db_path, format, html, quiet, fail_on_miss);
done:
  if (catching) cli_signals_restore();
  if (have_res) study_opt_free(&res, o.n_cons);
  study_candidate_clear(&cx);
  for (size_t d = 0; d < STUDY_OPT_MAX_DECISIONS; d++) study_opt_decision_clear(&dec[d]);
  report_store_close(cx.store);
  model_yaml_free(sdoc);
  free(text);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  cli_strlist_free(&decide);
  cli_strlist_free(&cons);
  model_yaml_free(study_doc);
  return status;
}
