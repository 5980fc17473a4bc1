/*
** cli/cmd_size.c — `drsim size SCENARIO.yaml --pool POOL --objective
** ENV.METRIC --quantile Q`: the fewest warm standby nodes (optionally over
** several max_parallel values) for which ENV's METRIC meets its objective at
** quantile Q with 95 % confidence, with the annual standby cost of every
** candidate evaluated and a cost vs. RTO Pareto table (CSV, and an HTML
** chart with --html).
**
** Criterion ("meets"). With n trials, the q-quantile of the metric is below
** the objective T with one-sided confidence c (0.95) when the order statistic
** X(u) <= T, u the smallest rank with P(Binomial(n, q) <= u - 1) >= c
** (report_stats_quantile_ranks at two-sided level 2c - 1). X(u) <= T means at
** least u trials met T, so this is the exact one-sided binomial test of
** "P(meet) > q": if P(meet) were only q, it would pass with probability at
** most 1 - c. Chosen over the Wilson bound because it is exact and
** distribution-free, and it is the upper end of the quantile interval the
** summary tables print. A trial that never recovers counts as +inf: a miss.
**
** Search. Per max_parallel value, bisection over warm_nodes in
** [0, required_nodes]: evaluate required_nodes (all warm) first (if that
** fails, nothing does), then halve the interval between the largest failing
** and the smallest meeting count; 1 + ceil(log2(required + 1)) evaluations
** instead of required + 1 (--all evaluates every count, for the full
** Pareto table).
**
** Why bisection is valid: the response is monotone in warm_nodes, trial by
** trial. All candidates share their random numbers (same seed, one stream
** per entity, sim/rng.h). A scale-up attempt of the pool provisions
** required - warm nodes whose provisioning times are the first draws of the
** pool's stream, in node order, after the (warm-independent) shortage
** draws; with list scheduling the first k nodes are placed exactly as in a
** run with more nodes (later nodes never change earlier placements), so one
** more warm node removes the last node and its completion can only lower
** the scale-up's end (the max) and its service time (the k-th completion of
** a subset is not later than the (k+1)-th of the superset). Every other step
** draws from its own stream, and completion times in the workflow DAG are
** max/plus of step ends, non-decreasing in each step's end. Hence every
** trial's RTO is non-increasing in warm_nodes, so is the share of trials
** meeting T, and so is the criterion. (The same list-scheduling argument
** gives monotonicity in max_parallel.) Exceptions, where the response is
** monotone only on average: a scale-up step with retries or a timeout (a
** retry's draws come after a first attempt whose length depends on warm),
** and on-call manual steps after the scale-up whose business/off hours
** depend on their start time; use --all there to see the whole table.
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "models/units.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/svg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOURS_PER_YEAR 8760.0

/* The metric as people write it: "RTO", "RPO", "full capacity". */
static const char *metric_label(study_target_metric m) {
  return m == STUDY_TARGET_RTO ? "RTO" : m == STUDY_TARGET_RPO ? "RPO" : "full capacity";
}

static void usage(void) {
  puts("usage: drsim size SCENARIO.yaml --pool POOL [--objective ENV.METRIC] [options]\n"
       "\n"
       "Finds the fewest warm nodes of a standby pool for which ENV's METRIC (rto,\n"
       "rpo, full_capacity) meets its objective at --quantile with 95 % confidence,\n"
       "by bisection over warm_nodes (the response is monotone in it), and prints\n"
       "every candidate evaluated with its annual standby cost\n"
       "(warm_nodes x node_cost_per_hour x 8760 h) and RTO percentiles.\n"
       "\n"
       "options:\n"
       "  --pool NAME          the standby pool to size (required)\n"
       "  --objective E.M      the metric to meet (default: the pool's environment.rto)\n"
       "  --quantile Q         the share of trials that must meet it, in (0, 1) (default 0.99)\n"
       "  --target DURATION    the objective (default: the scenario's for E.M)\n"
       "  --confidence C       one-sided confidence of 'meets', in (0.5, 1) (default 0.95)\n"
       "  --max-parallel V     also vary max_parallel over VALUES (list or range, e.g. 2,4,8)\n"
       "  --all                evaluate every warm node count (full Pareto table)\n"
       "  --trials N           trials per candidate (default: the scenario's)\n"
       "  --seed S             seed of every candidate (default: the scenario's)\n"
       "  --threads T          worker threads (default: all cores)\n"
       "  --set PATH=VALUE     override a scenario value (repeatable)\n"
       CLI_ALLOW_PATH_HELP
       "  --db FILE            also store every candidate as a run (tagged as a sweep)\n"
       "  --resume SWEEP_ID    continue an interrupted search stored with --db: give the\n"
       "                       command that started it plus --resume\n"
       "  --format F           text (default), csv: pool,warm_nodes,max_parallel,\n"
       "                       annual_cost,rto_p50,rto_p95,rto_p99,p_meet,meets,..., or\n"
       "                       json: the same rows as objects and the recommendation\n"
       "  --html FILE          write a page with the cost vs. RTO chart and the table\n"
       "  --fail-on-miss       exit 1 when no candidate meets the objective\n"
       "  --strict             a warning (an override the model does not use, a pool no\n"
       "                       step scales up) is an error (exit 2)\n"
       "  --quiet              no progress\n"
       "\n"
       "exit status: 0 ok, 1 nothing meets (with --fail-on-miss), 2 bad input,\n"
       "3 I/O or database error, 130 interrupted.");
}

typedef struct candidate {
  int warm, max_parallel;
  double annual_cost;
  study_target_stats obj;          /* the objective metric at the quantile */
  report_stats_ci rto_p50, rto_p95, rto_p99;
  int meets;
  int pareto;
  int order;                    /* 1-based evaluation order */
  int64_t run_id;
  double *sorted;               /* --html: sorted objective values (owned) */
  size_t n;
} candidate;

typedef struct sizer {
  int resume;                   /* --resume: candidates come back from the stored search */
  const char *scenario;
  const model_load_opts *load_opts;  /* --allow-path; the base scenario's files pinned */
  const char *text;             /* scenario text (stored runs) */
  const cli_strlist *sets;
  const char *pool;
  study_target target;
  double q, confidence;
  int seed_given, trials_given;
  uint64_t seed, trials;
  unsigned threads;
  report_store *store;
  int64_t sweep_id;
  int keep_values;
  int quiet;
  volatile sig_atomic_t *stop;
  double cost_per_hour;
  candidate *c;
  size_t n, cap;
} sizer;

static candidate *find(sizer *z, int warm, int mp) {
  for (size_t i = 0; i < z->n; i++)
    if (z->c[i].warm == warm && z->c[i].max_parallel == mp) return &z->c[i];
  return NULL;
}

/* Evaluate (warm, max_parallel) once; *out points at the cached candidate. */
static int evaluate(sizer *z, int warm, int mp, candidate **out) {
  if ((*out = find(z, warm, mp))) return CLI_EXIT_OK;
  if (z->n == z->cap) {
    size_t cap = z->cap ? 2 * z->cap : 16;
    candidate *b = realloc(z->c, cap * sizeof *b);
    if (!b) { cli_error("size", "out of memory"); return CLI_EXIT_IO; }
    z->c = b;
    z->cap = cap;
  }
  char o1[200], o2[200];
  snprintf(o1, sizeof o1, "standby.%s.warm_nodes=%d", z->pool, warm);
  snprintf(o2, sizeof o2, "standby.%s.max_parallel=%d", z->pool, mp);
  const char **ov = malloc((z->sets->n + 2) * sizeof *ov);
  if (!ov) { cli_error("size", "out of memory"); return CLI_EXIT_IO; }
  for (size_t i = 0; i < z->sets->n; i++) ov[i] = z->sets->items[i];
  ov[z->sets->n] = o1;
  ov[z->sets->n + 1] = o2;
  study_point p;
  memset(&p, 0, sizeof p);
  p.cmd = "size";
  p.scenario_path = z->scenario;
  p.load_opts = z->load_opts;
  p.scenario_text = z->text;
  p.overrides = ov;
  p.n_overrides = z->sets->n + 2;
  p.seed_given = z->seed_given;
  p.seed = z->seed;
  p.trials_given = z->trials_given;
  p.trials = z->trials;
  p.threads = z->threads;
  p.store = z->store;
  p.sweep_id = z->sweep_id;
  p.point = (int64_t)z->n;
  p.detail = "summary";
  p.collect = &z->target;
  p.collect_rto = 1;
  p.stop_flag = z->stop;
  p.resume = z->resume;
  if (!z->quiet && isatty(STDERR_FILENO)) p.progress = cli_progress_bar;
  int rc = cli_sweep_point_run(&p);
  free(ov);
  if (rc != CLI_EXIT_OK) {
    study_point_clear(&p);
    return rc;
  }
  candidate *c = &z->c[z->n];
  memset(c, 0, sizeof *c);
  c->warm = warm;
  c->max_parallel = mp;
  /* to the cent: 3 x 0.38 x 8760 is 9986.4, not 9986.400000000001 */
  c->annual_cost = round(warm * z->cost_per_hour * HOURS_PER_YEAR * 100) / 100;
  c->run_id = p.run_id;
  c->order = (int)z->n + 1;
  study_target_stats_compute(p.values, p.n_values, z->q, z->target.objective, z->confidence, &c->obj);
  study_target_stats rto;
  study_target_stats_compute(p.rto_values, p.n_values, z->q, NAN, z->confidence, &rto);
  c->rto_p50 = rto.p50;
  c->rto_p95 = rto.p95;
  c->rto_p99 = rto.p99;
  c->meets = c->obj.q_upper <= z->target.objective;
  if (z->keep_values) {
    c->sorted = p.values;   /* sorted by study_target_stats_compute */
    c->n = (size_t)c->obj.n;
    p.values = NULL;
  }
  study_point_clear(&p);
  z->n++;
  if (!z->quiet) {
    char b[2][48];
    fprintf(stderr, "candidate %d: warm_nodes %d, max_parallel %d: p%.*g %s (upper %s) -> %s\n",
            c->order, warm, mp, REPORT_PAGE_PCT(z->q), report_page_duration(c->obj.q.est, b[0], sizeof b[0]),
            report_page_duration(c->obj.q_upper, b[1], sizeof b[1]),
            c->meets ? "meets" : "misses");
  }
  *out = c;
  return CLI_EXIT_OK;
}

/* Bisection over warm in [0, required] for one max_parallel (see header). */
static int search(sizer *z, int required, int mp, int all) {
  candidate *c;
  int rc;
  if (all) {
    for (int w = required; w >= 0; w--)
      if ((rc = evaluate(z, w, mp, &c)) != CLI_EXIT_OK) return rc;
    return CLI_EXIT_OK;
  }
  if ((rc = evaluate(z, required, mp, &c)) != CLI_EXIT_OK) return rc;
  if (!c->meets) return CLI_EXIT_OK;   /* nothing cheaper can meet it */
  int lo = -1, hi = required;          /* lo misses (or is below 0), hi meets */
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if ((rc = evaluate(z, mid, mp, &c)) != CLI_EXIT_OK) return rc;
    if (c->meets) hi = mid; else lo = mid;
  }
  return CLI_EXIT_OK;
}

static int cmp_candidate(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->max_parallel != y->max_parallel) return x->max_parallel < y->max_parallel ? -1 : 1;
  return (x->warm > y->warm) - (x->warm < y->warm);
}

/* Non-dominated in (annual cost, quantile of the objective metric). */
static void mark_pareto(sizer *z) {
  for (size_t i = 0; i < z->n; i++) {
    candidate *a = &z->c[i];
    a->pareto = 1;
    for (size_t j = 0; j < z->n && a->pareto; j++) {
      const candidate *b = &z->c[j];
      if (j == i) continue;
      int no_worse = b->annual_cost <= a->annual_cost && b->obj.q.est <= a->obj.q.est;
      int better = b->annual_cost < a->annual_cost || b->obj.q.est < a->obj.q.est;
      /* of equal candidates keep the first (fewer parallel) */
      int same_first = !better && no_worse && j < i;
      if ((no_worse && better) || same_first) a->pareto = 0;
    }
  }
}

static const candidate *recommendation(const sizer *z) {
  const candidate *best = NULL;
  for (size_t i = 0; i < z->n; i++) {
    const candidate *c = &z->c[i];
    if (!c->meets) continue;
    if (!best || c->annual_cost < best->annual_cost ||
        (c->annual_cost == best->annual_cost &&
         (c->warm < best->warm || (c->warm == best->warm && c->max_parallel < best->max_parallel))))
      best = c;
  }
  return best;
}

static char *money(double v, char *buf, size_t n) {
  /* thousands separated for reading; the CSV has the plain number */
  long long cents = llround(v * 100);
  long long whole = cents / 100;
  char digits[32], grouped[48];
  snprintf(digits, sizeof digits, "%lld", whole);
  size_t len = strlen(digits), o = 0;
  for (size_t i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) grouped[o++] = ',';
    grouped[o++] = digits[i];
  }
  grouped[o] = '\0';
  snprintf(buf, n, "%s.%02lld", grouped, cents % 100);
  return buf;
}

static void sentence(const sizer *z, const candidate *rec, int required, FILE *f, int html) {
  char b[4][64];
  const char *mname = metric_label(z->target.metric);
  report_page_duration(z->target.objective, b[0], sizeof b[0]);
  if (rec) {
    fprintf(f, "Recommendation: keep %d warm node%s in %s (max_parallel %d): %s %s p%.*g is at "
            "most %s with %g %% confidence (p%.*g %s, upper bound %s; P(meet) %.1f %%), for an "
            "annual standby cost of %s.\n",
            rec->warm, rec->warm == 1 ? "" : "s", z->pool, rec->max_parallel, z->target.env,
            mname, REPORT_PAGE_PCT(z->q), b[0], 100 * z->confidence, REPORT_PAGE_PCT(z->q),
            report_page_duration(rec->obj.q.est, b[1], sizeof b[1]),
            report_page_duration(rec->obj.q_upper, b[2], sizeof b[2]),
            100 * rec->obj.p_meet.est, money(rec->annual_cost, b[3], sizeof b[3]));
    return;
  }
  const candidate *top = NULL;
  for (size_t i = 0; i < z->n; i++)
    if (z->c[i].warm == required && (!top || z->c[i].obj.q.est < top->obj.q.est)) top = &z->c[i];
  if (!top) return;
  fprintf(f, "No candidate meets %s %s p%.*g <= %s with %g %% confidence: even with all %d nodes "
          "warm (annual cost %s) p%.*g is %s (upper bound %s; P(meet) %.1f %%), so warm standby "
          "capacity alone cannot reach it%s\n",
          z->target.env, mname, REPORT_PAGE_PCT(z->q), b[0], 100 * z->confidence, required,
          money(top->annual_cost, b[3], sizeof b[3]), REPORT_PAGE_PCT(z->q),
          report_page_duration(top->obj.q.est, b[1], sizeof b[1]),
          report_page_duration(top->obj.q_upper, b[2], sizeof b[2]),
          100 * top->obj.p_meet.est,
          html ? "; see drsim sensitivity for the parameters that drive it."
               : "; `drsim sensitivity` shows which parameters drive it.");
}

static void print_text(const sizer *z, const candidate *rec, int required, int all) {
  char b[8][48];
  const char *metric = metric_label(z->target.metric);
  printf("size %s for %s %s p%.*g <= %s (%g %% confidence), %llu trials a candidate\n", z->pool,
         z->target.env, metric, REPORT_PAGE_PCT(z->q),
         report_page_duration(z->target.objective, b[0], sizeof b[0]), 100 * z->confidence,
         (unsigned long long)(z->n ? z->c[0].obj.n : 0));
  printf("%s: %d nodes required, %s per node-hour; %zu candidate%s evaluated by %s\n\n", z->pool,
         required, money(z->cost_per_hour, b[0], sizeof b[0]), z->n, z->n == 1 ? "" : "s",
         all ? "full grid" : "bisection");
  printf("| warm nodes | max_parallel | annual cost | RTO p50 | RTO p95 | RTO p99 | %s p%.*g upper | "
         "P(%s <= %s) | meets |\n|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n",
         metric, REPORT_PAGE_PCT(z->q), metric, report_page_duration(z->target.objective, b[1], sizeof b[1]));
  for (size_t i = 0; i < z->n; i++) {
    const candidate *c = &z->c[i];
    printf("| %d | %d | %s | %s | %s | %s | %s | %.1f %% | %s |\n", c->warm, c->max_parallel,
           money(c->annual_cost, b[0], sizeof b[0]),
           report_page_duration(c->rto_p50.est, b[1], sizeof b[1]),
           report_page_duration(c->rto_p95.est, b[2], sizeof b[2]),
           report_page_duration(c->rto_p99.est, b[3], sizeof b[3]),
           report_page_duration(c->obj.q_upper, b[4], sizeof b[4]), 100 * c->obj.p_meet.est,
           c->meets ? (c == rec ? "yes (recommended)" : "yes") : "no");
  }
  putchar('\n');
  sentence(z, rec, required, stdout, 0);
}

static void print_csv(const sizer *z) {
  puts("pool,warm_nodes,max_parallel,annual_cost,rto_p50,rto_p95,rto_p99,p_meet,meets,"
       "p_meet_lo,p_meet_hi,metric,quantile,q_value,q_upper,objective,trials,evaluation,run_id,"
       "pareto");
  for (size_t i = 0; i < z->n; i++) {
    const candidate *c = &z->c[i];
    report_csv_field(stdout, z->pool);
    printf(",%d,%d,", c->warm, c->max_parallel);
    report_csv_number(stdout, c->annual_cost);
    double v[] = {c->rto_p50.est, c->rto_p95.est, c->rto_p99.est, c->obj.p_meet.est};
    for (size_t k = 0; k < 4; k++) {
      putchar(',');
      report_csv_number(stdout, v[k]);
    }
    printf(",%d,", c->meets);
    report_csv_number(stdout, c->obj.p_meet.lo);
    putchar(',');
    report_csv_number(stdout, c->obj.p_meet.hi);
    putchar(',');
    report_csv_field(stdout, z->target.spec);
    putchar(',');
    report_csv_number(stdout, z->q);
    putchar(',');
    report_csv_number(stdout, c->obj.q.est);
    putchar(',');
    report_csv_number(stdout, c->obj.q_upper);
    putchar(',');
    report_csv_number(stdout, z->target.objective);
    printf(",%llu,%d,", (unsigned long long)c->obj.n, c->order);
    if (c->run_id) printf("%lld", (long long)c->run_id);
    printf(",%d\n", c->pareto);
  }
}

/* --format json: {"pool", "metric", "quantile", "objective", "confidence",
** "required_nodes", "recommended": the chosen candidate's row or null,
** "candidates": the print_csv rows as objects}. Returns 0, -1 out of
** memory or a write error (printed by the caller's stdout check). */
static int print_json(const sizer *z, const candidate *rec, int required) {
  json_t *rows = json_array(), *recommended = json_null();
  int ok = rows != NULL;
  for (size_t i = 0; ok && i < z->n; i++) {
    const candidate *c = &z->c[i];
    json_t *o = json_object();
    if (!o) { ok = 0; break; }
    ok = !json_object_set_new(o, "pool", json_string(z->pool)) &&
         !json_object_set_new(o, "warm_nodes", json_integer(c->warm)) &&
         !json_object_set_new(o, "max_parallel", json_integer(c->max_parallel)) &&
         !json_object_set_new(o, "annual_cost", report_json_number(c->annual_cost)) &&
         !json_object_set_new(o, "rto_p50", report_json_number(c->rto_p50.est)) &&
         !json_object_set_new(o, "rto_p95", report_json_number(c->rto_p95.est)) &&
         !json_object_set_new(o, "rto_p99", report_json_number(c->rto_p99.est)) &&
         !json_object_set_new(o, "p_meet", report_json_number(c->obj.p_meet.est)) &&
         !json_object_set_new(o, "meets", json_integer(c->meets)) &&
         !json_object_set_new(o, "p_meet_lo", report_json_number(c->obj.p_meet.lo)) &&
         !json_object_set_new(o, "p_meet_hi", report_json_number(c->obj.p_meet.hi)) &&
         !json_object_set_new(o, "metric", json_string(z->target.spec)) &&
         !json_object_set_new(o, "quantile", report_json_number(z->q)) &&
         !json_object_set_new(o, "q_value", report_json_number(c->obj.q.est)) &&
         !json_object_set_new(o, "q_upper", report_json_number(c->obj.q_upper)) &&
         !json_object_set_new(o, "objective", report_json_number(z->target.objective)) &&
         !json_object_set_new(o, "trials", report_json_count(c->obj.n)) &&
         !json_object_set_new(o, "evaluation", json_integer(c->order)) &&
         !json_object_set_new(o, "run_id", c->run_id ? json_integer(c->run_id) : json_null()) &&
         !json_object_set_new(o, "pareto", json_integer(c->pareto));
    if (ok && c == rec) {
      json_decref(recommended);
      recommended = json_incref(o);
    }
    if (json_array_append_new(rows, o)) ok = 0;
  }
  json_t *doc = ok ? json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:O, s:O}", "pool", z->pool,
                               "metric", z->target.spec, "quantile", report_json_number(z->q),
                               "objective", report_json_number(z->target.objective),
                               "confidence", report_json_number(z->confidence),
                               "required_nodes", required, "recommended", recommended,
                               "candidates", rows)
                   : NULL;
  json_decref(rows);
  json_decref(recommended);
  if (!doc) return -1;
  report_error err;
  int rc = report_json_write(stdout, doc, &err);
  json_decref(doc);
  return rc == REPORT_OK || ferror(stdout) ? 0 : -1;
}

/* ------------------------------------------------------------ HTML */

/* Cost (x) vs. the metric's p50 / p95 / p99 and the chosen quantile's upper
** bound (y), one marker per candidate, lines along increasing cost for each
** max_parallel; the objective as a dashed line; the recommendation ringed. */
static void pareto_svg(FILE *f, const sizer *z, const candidate *rec) {
  const double W = 760, H = 420, L = 70, R = 20, T = 40, B = 60;
  double xmax = 0, ymax = 0;
  for (size_t i = 0; i < z->n; i++) {
    const candidate *c = &z->c[i];
    double ys[] = {c->obj.p50.est, c->obj.p95.est, c->obj.p99.est, c->obj.q_upper};
    if (c->annual_cost > xmax) xmax = c->annual_cost;
    for (int k = 0; k < 4; k++)
      if (isfinite(ys[k]) && ys[k] > ymax) ymax = ys[k];
  }
  if (isfinite(z->target.objective) && z->target.objective > ymax) ymax = z->target.objective;
  report_svg_unit u = report_svg_unit_for(ymax);
  double xt[16], yt[16], xs, ys_;
  if (!(xmax > 0)) xmax = 1;
  size_t nxt = report_svg_nice_ticks(xmax, 6, xt, 16, &xs);
  size_t nyt = report_svg_nice_ticks(ymax / u.seconds, 6, yt, 16, &ys_);
  double xtop = xt[nxt - 1], ytop = yt[nyt - 1];
#define PX(v) (L + (W - L - R) * (v) / xtop)
#define PY(s) (H - B - (H - T - B) * ((s) / u.seconds) / ytop)
  const char *metric = metric_label(z->target.metric);
  fprintf(f, "<svg data-chart=\"pareto\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><title>Annual standby cost vs. %s of ",
          W, H, metric);
  report_svg_escape(f, z->target.env);
  fprintf(f, "</title>\n<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"600\">"
          "Annual standby cost vs. %s (", L, metric);
  report_svg_escape(f, z->target.env);
  fputs(")</text>\n", f);
  for (size_t i = 0; i < nyt; i++)
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
            L, W - R, PY(yt[i] * u.seconds), PY(yt[i] * u.seconds), L - 6,
            PY(yt[i] * u.seconds) + 4, yt[i]);
  for (size_t i = 0; i < nxt; i++)
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
            PX(xt[i]), PX(xt[i]), H - B, H - B + 5, PX(xt[i]), H - B + 18, xt[i]);
  fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>"
          "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>\n",
          L, W - R, H - B, H - B, L, L, T, H - B);
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">annual "
          "standby cost (warm nodes × node cost × 8760 h)</text>\n", (L + W - R) / 2, H - 22);
  fprintf(f, "<text transform=\"translate(16 %.0f) rotate(-90)\" font-size=\"12\" "
          "text-anchor=\"middle\">%s (%s)</text>\n", (T + H - B) / 2, metric, u.name);
  if (isfinite(z->target.objective)) {
    char b[48];
    fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#444\" "
            "stroke-dasharray=\"6 4\"/><text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
            "fill=\"#444\" text-anchor=\"end\">objective %s</text>\n",
            L, W - R, PY(z->target.objective), PY(z->target.objective), W - R - 4,
            PY(z->target.objective) - 5,
            report_page_duration(z->target.objective, b, sizeof b));
  }
  /* series: p50, p95, p99, upper bound of the chosen quantile */
  char qname[48];
  snprintf(qname, sizeof qname, "p%.*g upper %g %%", REPORT_PAGE_PCT(z->q), 100 * z->confidence);
  const char *names[] = {"p50", "p95", "p99", qname};
  const char *dash[] = {"", "6 3", "2 3", "1 0"};
  for (int k = 0; k < 4; k++) {
    const char *col = report_svg_color((size_t)k);
    for (size_t i = 0; i < z->n; i++) {
      const candidate *c = &z->c[i];
      double y = k == 0 ? c->obj.p50.est : k == 1 ? c->obj.p95.est : k == 2 ? c->obj.p99.est
                                                                            : c->obj.q_upper;
      if (!isfinite(y)) continue;
      /* line to the next candidate of the same max_parallel (sorted by warm) */
      if (i + 1 < z->n && z->c[i + 1].max_parallel == c->max_parallel) {
        const candidate *d = &z->c[i + 1];
        double y2 = k == 0 ? d->obj.p50.est : k == 1 ? d->obj.p95.est : k == 2 ? d->obj.p99.est
                                                                              : d->obj.q_upper;
        if (isfinite(y2))
          fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"1.5\"%s%s%s/>\n", PX(c->annual_cost), PY(y), PX(d->annual_cost),
                  PY(y2), col, *dash[k] ? " stroke-dasharray=\"" : "", dash[k], *dash[k] ? "\"" : "");
      }
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%d warm, "
              "max_parallel %d: %s</title></circle>\n", PX(c->annual_cost), PY(y),
              k == 3 ? "4.5" : "3.5", col, c->warm, c->max_parallel, names[k]);
    }
  }
  if (rec && isfinite(rec->obj.q_upper))
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"#000\" "
            "stroke-width=\"1.5\"><title>recommended</title></circle>\n",
            PX(rec->annual_cost), PY(rec->obj.q_upper));
  for (int k = 0; k < 4; k++) {
    double x = L + 10 + 150.0 * k;
    fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\" "
            "font-size=\"11\">%s</text>\n", x, H - 6.0, report_svg_color((size_t)k), x + 8,
            H - 2.0, names[k]);
  }
  fputs("</svg>\n", f);
#undef PX
#undef PY
}

static int write_html(const char *path, const sizer *z, const candidate *rec, int required) {
  cli_outfile *o;
  if (cli_outfile_open("size", path, &o) != CLI_EXIT_OK) return CLI_EXIT_IO;
  FILE *f = cli_outfile_stream(o);
  char title[300], b[8][48];
  snprintf(title, sizeof title, "Standby sizing: %s for %s %s p%.*g", z->pool, z->target.env,
           metric_label(z->target.metric), REPORT_PAGE_PCT(z->q));
  report_page_begin(f, title);
  fputs("<p class=\"verdict\">", f);
  {
    char *s = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&s, &len);
    if (m) {
      sentence(z, rec, required, m, 1);
      fclose(m);
      report_svg_escape(f, s);
      free(s);
    }
  }
  fputs("</p>\n<h2>Cost vs. recovery time</h2>\n", f);
  pareto_svg(f, z, rec);
  /* CDFs of the objective metric, one per candidate of the recommended (or
  ** first) max_parallel, at most 7 (the palette) */
  int mp = rec ? rec->max_parallel : z->n ? z->c[0].max_parallel : 0;
  report_svg_cdf_series ser[7];
  char labels[7][96];
  size_t ns = 0;
  for (size_t i = 0; i < z->n && ns < 7; i++) {
    const candidate *c = &z->c[i];
    if (c->max_parallel != mp || !c->sorted) continue;
    snprintf(labels[ns], sizeof labels[ns], "%d warm (%s/yr)", c->warm,
             money(c->annual_cost, b[0], sizeof b[0]));
    ser[ns].label = labels[ns];
    ser[ns].sorted = c->sorted;
    ser[ns].n = c->n;
    ser[ns].objective_s = ns == 0 ? z->target.objective : NAN;
    ns++;
  }
  if (ns) {
    char ctitle[200], quantity[64];
    snprintf(ctitle, sizeof ctitle, "%s %s by warm nodes (max_parallel %d)", z->target.env,
             metric_label(z->target.metric), mp);
    snprintf(quantity, sizeof quantity, "%s", metric_label(z->target.metric));
    report_svg_cdf_chart ch = {"size-cdf", ctitle, quantity, NULL, ser, ns};
    fputs("<h2>Distribution per candidate</h2>\n", f);
    report_svg_cdf(f, &ch);
  }
  fputs("<h2>Candidates</h2>\n<table>\n<tr><th>warm nodes</th><th>max_parallel</th>"
        "<th>annual cost</th><th>RTO p50</th><th>RTO p95</th><th>RTO p99</th>", f);
  fprintf(f, "<th>p%.*g upper bound</th><th>P(meet)</th><th>meets</th></tr>\n", REPORT_PAGE_PCT(z->q));
  for (size_t i = 0; i < z->n; i++) {
    const candidate *c = &z->c[i];
    fprintf(f, "<tr class=\"%s%s\"><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td>"
            "<td>%s</td><td>%s</td><td>%.1f %%</td><td>%s</td></tr>\n",
            c->meets ? "meets" : "", c == rec ? " pick" : "", c->warm, c->max_parallel,
            money(c->annual_cost, b[0], sizeof b[0]),
            report_page_duration(c->rto_p50.est, b[1], sizeof b[1]),
            report_page_duration(c->rto_p95.est, b[2], sizeof b[2]),
            report_page_duration(c->rto_p99.est, b[3], sizeof b[3]),
            report_page_duration(c->obj.q_upper, b[4], sizeof b[4]),
            100 * c->obj.p_meet.est, c->meets ? (c == rec ? "yes, recommended" : "yes") : "no");
  }
  fprintf(f, "</table>\n<p class=\"note\">Each candidate: %llu trials with the same random "
          "numbers (same seed). &ldquo;Meets&rdquo;: the one-sided %g %% upper confidence bound "
          "of the p%.*g (an order statistic) is within the objective. Annual cost = warm nodes "
          "&times; node cost per hour &times; 8760 h.</p>\n",
          (unsigned long long)(z->n ? z->c[0].obj.n : 0), 100 * z->confidence, REPORT_PAGE_PCT(z->q));
  report_page_end(f);
  return cli_outfile_close(o, 1);
}

static double parse_real(const char *s, int *ok) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  *ok = end != s && !*end && errno == 0 && isfinite(v);
  return v;
}

int cli_cmd_size(int argc, char **argv) {
  uint64_t resume_id = 0;
  int resume_seen = 0;
  cli_strlist sets = {0}, pos = {0}, allow = {0};
  int help = 0, quiet = 0, all = 0, fail_on_miss = 0, strict = 0;
  int trials_seen = 0, seed_seen = 0, threads_seen = 0;
  uint64_t trials = 0, seed = 0, threads = 0;
  const char *pool = NULL, *objective = NULL, *quantile_s = "0.99", *target_s = NULL;
  const char *confidence_s = "0.95", *mp_s = NULL, *db_path = NULL, *format = "text";
  const char *html = NULL;
  cli_opt opts[] = {
    {"--pool", CLI_OPT_STRING, &pool, 0, 0, NULL},
    {"--objective", CLI_OPT_STRING, &objective, 0, 0, NULL},
    {"--quantile", CLI_OPT_STRING, &quantile_s, 0, 0, NULL},
    {"--target", CLI_OPT_STRING, &target_s, 0, 0, NULL},
    {"--confidence", CLI_OPT_STRING, &confidence_s, 0, 0, NULL},
    {"--max-parallel", CLI_OPT_STRING, &mp_s, 0, 0, NULL},
    {"--all", CLI_OPT_FLAG, &all, 0, 0, NULL},
    {"--trials", CLI_OPT_U64, &trials, 1, UINT64_C(1000000000), &trials_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--threads", CLI_OPT_U64, &threads, 1, 1024, &threads_seen},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--db", CLI_OPT_STRING, &db_path, 0, 0, NULL},
    {"--resume", CLI_OPT_U64, &resume_id, 1, INT64_MAX, &resume_seen},
    {"--format", CLI_OPT_STRING, &format, 0, 0, NULL},
    {"--html", CLI_OPT_STRING, &html, 0, 0, NULL},
    {"--fail-on-miss", CLI_OPT_FLAG, &fail_on_miss, 0, 0, NULL},
    {"--quiet", CLI_OPT_FLAG, &quiet, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE, catching = 0, ok;
  model_scenario *sc = NULL;
  sizer z;
  memset(&z, 0, sizeof z);
  study_grid_axis mps;
  memset(&mps, 0, sizeof mps);
  char err[512], objbuf[300];
  int *mp_values = NULL;
  size_t n_mp = 0;
  char *text = NULL;

  if ((status = cli_args_parse("size", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("size", "expected exactly one scenario file; usage: drsim size SCENARIO.yaml "
                      "--pool POOL --objective ENV.rto");
    goto done;
  }
  if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
    cli_error("size", "--format '%s' is not valid; use text, csv or json", format);
    goto done;
  }
  z.q = parse_real(quantile_s, &ok);
  if (!ok || !(z.q > 0 && z.q < 1)) {
    cli_error("size", "--quantile '%s' is not valid; give a share in (0, 1), e.g. 0.99", quantile_s);
    goto done;
  }
  z.confidence = parse_real(confidence_s, &ok);
  if (!ok || !(z.confidence > 0.5 && z.confidence < 1)) {
    cli_error("size", "--confidence '%s' is not valid; give a level in (0.5, 1), e.g. 0.95",
              confidence_s);
    goto done;
  }
  {
    const char *inputs[] = {pos.items[0], db_path};
    if (html && (status = cli_outfile_check("size", html, inputs, 2)) != CLI_EXIT_OK) goto done;
  }
  model_load_opts lo = cli_load_opts(&allow);
  if ((status = cli_load_scenario_text_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0, &sc, &text)) != CLI_EXIT_OK) goto done;
  z.text = text;
  status = CLI_EXIT_USAGE;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("size", "%s is a lifetime-mode scenario; size runs disaster mode only", pos.items[0]);
    goto done;
  }
  if (!pool) {
    cli_error("size", "which pool? add --pool NAME%s%s", sc->n_standby ? ", e.g. --pool " : "",
              sc->n_standby ? sc->standby[0].name : " (the scenario has no standby pool)");
    goto done;
  }
  int pi = model_scenario_find_standby(sc, pool);
  if (pi < 0) {
    const char **names = malloc((sc->n_standby + 1) * sizeof *names);
    if (!names) { status = CLI_EXIT_IO; goto done; }
    for (size_t i = 0; i < sc->n_standby; i++) names[i] = sc->standby[i].name;
    const char *sug = model_diag_suggest(pool, names, sc->n_standby);
    if (sug) cli_error("size", "unknown pool '%s'; did you mean '%s'?", pool, sug);
    else if (sc->n_standby) {
      char list[400] = "";
      size_t off = 0;
      for (size_t i = 0; i < sc->n_standby && off < sizeof list; i++)
        off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
      cli_error("size", "unknown pool '%s'; the pools are %s", pool, list);
    } else {
      cli_error("size", "unknown pool '%s'; the scenario has no standby pool", pool);
    }
    free(names);
    goto done;
  }
  const model_standby *sb = &sc->standby[pi];
  if (!objective) {
    if (sb->environment < 0) {
      cli_error("size", "pool %s serves no single environment; add --objective ENV.rto", pool);
      goto done;
    }
    snprintf(objbuf, sizeof objbuf, "%s.rto", sc->environments[sb->environment].name);
    objective = objbuf;
  }
  if (study_target_parse(sc, objective, 0, &z.target, err, sizeof err)) {
    cli_error("size", "--objective %s", err);
    goto done;
  }
  if (target_s) {
    const char *why = NULL;
    if (model_units_parse_duration(target_s, &z.target.objective, &why)) {
      cli_error("size", "--target '%s': %s", target_s, why ? why : "not a duration");
      goto done;
    }
  }
  if (isnan(z.target.objective)) {
    cli_error("size", "environment %s has no %s objective; give one with --target, e.g. "
              "--target 4h", z.target.env, study_target_metric_name(z.target.metric));
    goto done;
  }
  {
    /* Below this count the upper rank exceeds n, q_upper is +inf for every
    ** candidate, and the search would blame the pool for a lack of trials. */
    uint64_t n_eff = trials_seen ? trials : sc->trials;
    uint64_t need = study_target_min_trials(z.q, z.confidence);
    if (n_eff < need) {
      cli_error("size", "too few trials to bound the p%.*g at %g %% confidence: need at least "
                "%llu; use --trials %llu", REPORT_PAGE_PCT(z.q), 100 * z.confidence,
                (unsigned long long)need, (unsigned long long)need);
      goto done;
    }
  }
  if (mp_s) {
    if (study_grid_values_parse(mp_s, &mps, err, sizeof err)) {
      cli_error("size", "--max-parallel: %s", err);
      goto done;
    }
    mp_values = calloc(mps.n, sizeof *mp_values);
    if (!mp_values) { status = CLI_EXIT_IO; goto done; }
    for (size_t i = 0; i < mps.n; i++) {
      double v = mps.numbers[i];
      if (!(v >= 1 && v <= MODEL_MAX_ITEMS && v == floor(v))) {
        cli_error("size", "--max-parallel value '%s' is not a whole number in [1, %d]",
                  mps.texts[i], MODEL_MAX_ITEMS);
        goto done;
      }
      int dup = 0;
      for (size_t j = 0; j < n_mp; j++) dup |= mp_values[j] == (int)v;
      if (!dup) mp_values[n_mp++] = (int)v;
    }
  } else {
    mp_values = malloc(sizeof *mp_values);
    if (!mp_values) { status = CLI_EXIT_IO; goto done; }
    mp_values[n_mp++] = sb->max_parallel;
  }
  {
    int used = 0;
    int we = model_scenario_find_workflow(sc, z.target.env);
    if (we >= 0)
      for (size_t s = 0; s < sc->workflows[we].n_steps; s++)
        used |= sc->workflows[we].steps[s].standby == pi;
    if (!used && (!quiet || strict))
      fprintf(stderr, "drsim size: %s: no step of %s's workflow scales up %s; its warm "
              "nodes may not change %s\n", strict ? "error" : "warning", z.target.env, pool,
              z.target.spec);
    if (!used && strict) {
      fputs("drsim size: error: a warning and --strict was given\n", stderr);
      status = CLI_EXIT_USAGE;
      goto done;
    }
  }

  z.scenario = pos.items[0];
  lo.pinned = sc->inputs;   /* every candidate uses the files as first read */
  lo.n_pinned = sc->n_inputs;
  z.load_opts = &lo;
  z.sets = &sets;
  z.pool = pool;
  z.seed_given = seed_seen;
  z.seed = seed;
  z.trials_given = trials_seen;
  z.trials = trials;
  z.threads = threads_seen ? (unsigned)threads : 0;
  z.keep_values = html != NULL;
  z.quiet = quiet;
  z.cost_per_hour = sb->node_cost_per_hour;
  int required = sb->required_nodes;
  if (resume_seen && !db_path) {
    cli_error("size", "--resume needs the --db the search was stored in");
    status = CLI_EXIT_USAGE;
    goto done;
  }
  if (resume_seen) {
    /* The search is deterministic: each candidate it evaluates again is
    ** read back from the stored search (resumed when interrupted). */
    z.sweep_id = (int64_t)resume_id;
    z.resume = 1;
    if ((status = cli_sweep_open_existing("size", db_path, z.sweep_id, &z.store)) != CLI_EXIT_OK)
      goto done;
  } else if (db_path) {
    if ((status = cli_sweep_open_store("size", db_path, &z.store, &z.sweep_id)) != CLI_EXIT_OK)
      goto done;
  }

  z.stop = cli_signals_catch();
  catching = 1;
  for (size_t i = 0; i < n_mp; i++)
    if ((status = search(&z, required, mp_values[i], all)) != CLI_EXIT_OK) goto done;
  qsort(z.c, z.n, sizeof *z.c, cmp_candidate);
  mark_pareto(&z);
  const candidate *rec = recommendation(&z);
  if (strcmp(format, "csv") == 0) print_csv(&z);
  else if (strcmp(format, "json") == 0) {
    if (print_json(&z, rec, required)) {
      cli_error("size", "out of memory");
      status = CLI_EXIT_IO;
      goto done;
    }
  } else print_text(&z, rec, required, all);
  if (!quiet && strcmp(format, "text") != 0) sentence(&z, rec, required, stderr, 0);
  if (!quiet)
    fprintf(stderr, "%zu candidates evaluated; a full grid would take %zu\n", z.n,
            (size_t)(required + 1) * n_mp);
  status = CLI_EXIT_OK;
  if (html) status = write_html(html, &z, rec, required);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("size", "cannot write the output: %s", strerror(errno));
    status = CLI_EXIT_IO;
  }
  if (status == CLI_EXIT_OK && fail_on_miss && !rec) {
    /* Whatever --format and --quiet: say why the exit status is 1. */
    if (quiet || strcmp(format, "text") == 0) {
      fflush(stdout);
      sentence(&z, rec, required, stderr, 0);
    }
    status = CLI_EXIT_MISSED;
  }
done:
  if (catching) cli_signals_restore();
  for (size_t i = 0; i < z.n; i++) free(z.c[i].sorted);
  free(z.c);
  report_store_close(z.store);
  free(text);
  free(mp_values);
  study_grid_axis_free(&mps);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
