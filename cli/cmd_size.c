/*
** cli/cmd_size.c — `drsim size SCENARIO.yaml --pool POOL --objective
** ENV.METRIC --quantile Q`: the fewest warm standby nodes (optionally over
** several max_parallel values) for which ENV's METRIC meets its objective at
** quantile Q with 95 % confidence, with the annual standby cost of every
** candidate evaluated and a cost vs. RTO Pareto table (CSV, and an HTML
** chart with --html).
**
** The face of study/size.h (the criterion, the bisection and why it is
** valid, the cost formula, the Pareto front): this file parses the options,
** checks the pool and objective, and prints the table, CSV, JSON, the
** sentence and the HTML page (chart: reports/pareto.h).
*/
#include "cli/common.h"
#include "cli/outfile.h"
#include "cli/sweep_values.h"
#include "models/costs.h"
#include "models/units.h"
#include "reports/csv.h"
#include "reports/json.h"
#include "reports/pareto.h"
#include "reports/svg.h"
#include "study/grid.h"
#include "study/run.h"
#include "study/size.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The metric as people write it: "RTO", "RPO", "full capacity". */
static const char *metric_label(study_target_metric m) {
  return m == STUDY_TARGET_RTO ? "RTO" : m == STUDY_TARGET_RPO ? "RPO" : "full capacity";
}

static void usage(void) {
  puts("usage: drsim size SCENARIO.yaml --pool POOL [--objective ENV.METRIC] [options]\n"
       "\n"
       "Finds the fewest warm nodes of a standby pool for which ENV's METRIC (rto,\n"
       "rpo, full_capacity) meets its objective: the one-sided --confidence upper\n"
       "bound of its --quantile is within it (the rule of every command: models/meet.h),\n"
       "by bisection over warm_nodes (the response is monotone in it), and prints\n"
       "every candidate evaluated with its annual standby cost\n"
       "(warm_nodes x node_cost_per_hour x 8760 h) and RTO percentiles.\n"
       "\n"
       "options:\n"
       "  --pool NAME          the standby pool to size (required)\n"
       "  --objective E.M      the metric to meet (default: the pool's environment.rto)\n"
       "  --quantile Q         the share of trials that must meet it, in (0, 1) (default:\n"
       "                       the scenario's meet.share, else 0.95)\n"
       "  --target DURATION    the objective (default: the scenario's for E.M)\n"
       "  --confidence C       one-sided confidence of 'meets', in (0.5, 1) (default: the\n"
       "                       scenario's meet.confidence, else 0.95)\n"
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
       "  --shard K/N          with --all and --db: evaluate only the K-th of N slices of\n"
       "                       the candidates; drsim merge joins the shards, and the same\n"
       "                       command without --shard plus --resume 1 --db MERGED.db\n"
       "                       prints the answer\n"
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

static char *money(double v, const char *currency, char *buf, size_t n) {
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
  snprintf(buf, n, "%s.%02lld%s%s", grouped, cents % 100, currency && *currency ? " " : "",
           currency ? currency : "");
  return buf;
}

static void sentence(const study_size_spec *s, const study_size *z,
                     const study_size_candidate *rec, int required, FILE *f, int html) {
  char b[4][64];
  const char *mname = metric_label(s->target.metric);
  report_page_duration(s->target.objective, b[0], sizeof b[0]);
  if (rec) {
    fprintf(f, "Recommendation: keep %d warm node%s in %s (max_parallel %d): %s %s p%.*g is at "
            "most %s with %g %% confidence (p%.*g %s, upper bound %s; P(meet) %.1f %%), for an "
            "annual standby cost of %s.\n",
            rec->warm, rec->warm == 1 ? "" : "s", s->pool, rec->max_parallel, s->target.env,
            mname, REPORT_PAGE_PCT(s->q), b[0], 100 * s->confidence, REPORT_PAGE_PCT(s->q),
            report_page_duration(rec->obj.q.est, b[1], sizeof b[1]),
            report_page_duration(rec->obj.q_upper, b[2], sizeof b[2]),
            100 * rec->obj.p_meet.est, money(rec->annual_cost, s->currency, b[3], sizeof b[3]));
    return;
  }
  const study_size_candidate *top = NULL;
  for (size_t i = 0; i < study_size_count(z); i++) {
    const study_size_candidate *c = study_size_at(z, i);
    if (c->warm == required && (!top || c->obj.q.est < top->obj.q.est)) top = c;
  }
  if (!top) return;
  fprintf(f, "No candidate meets %s %s p%.*g <= %s with %g %% confidence: even with all %d nodes "
          "warm (annual cost %s) p%.*g is %s (upper bound %s; P(meet) %.1f %%), so warm standby "
          "capacity alone cannot reach it%s\n",
          s->target.env, mname, REPORT_PAGE_PCT(s->q), b[0], 100 * s->confidence, required,
          money(top->annual_cost, s->currency, b[3], sizeof b[3]), REPORT_PAGE_PCT(s->q),
          report_page_duration(top->obj.q.est, b[1], sizeof b[1]),
          report_page_duration(top->obj.q_upper, b[2], sizeof b[2]),
          100 * top->obj.p_meet.est,
          html ? "; see drsim sensitivity for the parameters that drive it."
               : "; `drsim sensitivity` shows which parameters drive it.");
}

static void print_text(const study_size_spec *s, const study_size *z,
                       const study_size_candidate *rec, int required, int all) {
  char b[8][48];
  const char *metric = metric_label(s->target.metric);
  printf("size %s for %s %s p%.*g <= %s (%g %% confidence), %llu trials a candidate\n", s->pool,
         s->target.env, metric, REPORT_PAGE_PCT(s->q),
         report_page_duration(s->target.objective, b[0], sizeof b[0]), 100 * s->confidence,
         (unsigned long long)(study_size_count(z) ? study_size_at(z, 0)->obj.n : 0));
  size_t n = study_size_count(z);
  printf("%s: %d nodes required, %s per node-hour; %zu candidate%s evaluated by %s\n\n", s->pool,
         required, money(s->cost_per_hour, s->currency, b[0], sizeof b[0]), n, n == 1 ? "" : "s",
         all ? "full grid" : "bisection");
  printf("| warm nodes | max_parallel | annual cost | RTO p50 | RTO p95 | RTO p99 | %s p%.*g upper | "
         "P(%s <= %s) | meets |\n|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n",
         metric, REPORT_PAGE_PCT(s->q), metric, report_page_duration(s->target.objective, b[1], sizeof b[1]));
  for (size_t i = 0; i < study_size_count(z); i++) {
    const study_size_candidate *c = study_size_at(z, i);
    printf("| %d | %d | %s | %s | %s | %s | %s | %.1f %% | %s |\n", c->warm, c->max_parallel,
           money(c->annual_cost, s->currency, b[0], sizeof b[0]),
           report_page_duration(c->rto_p50.est, b[1], sizeof b[1]),
           report_page_duration(c->rto_p95.est, b[2], sizeof b[2]),
           report_page_duration(c->rto_p99.est, b[3], sizeof b[3]),
           report_page_duration(c->obj.q_upper, b[4], sizeof b[4]), 100 * c->obj.p_meet.est,
           c->meets ? (c == rec ? "yes (recommended)" : "yes") : "no");
  }
  putchar('\n');
  sentence(s, z, rec, required, stdout, 0);
}

static void print_csv(const study_size_spec *s, const study_size *z) {
  puts("pool,warm_nodes,max_parallel,annual_cost,rto_p50,rto_p95,rto_p99,p_meet,meets,"
       "p_meet_lo,p_meet_hi,metric,quantile,q_value,q_upper,objective,trials,evaluation,run_id,"
       "pareto");
  for (size_t i = 0; i < study_size_count(z); i++) {
    const study_size_candidate *c = study_size_at(z, i);
    report_csv_field(stdout, s->pool);
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
    report_csv_field(stdout, s->target.spec);
    putchar(',');
    report_csv_number(stdout, s->q);
    putchar(',');
    report_csv_number(stdout, c->obj.q.est);
    putchar(',');
    report_csv_number(stdout, c->obj.q_upper);
    putchar(',');
    report_csv_number(stdout, s->target.objective);
    printf(",%llu,%d,", (unsigned long long)c->obj.n, c->order);
    if (c->run_id) printf("%lld", (long long)c->run_id);
    printf(",%d\n", c->pareto);
  }
}

/* --format json: {"pool", "metric", "quantile", "objective", "confidence",
** "required_nodes", "recommended": the chosen candidate's row or null,
** "candidates": the print_csv rows as objects}. Returns 0, -1 out of
** memory or a write error (printed by the caller's stdout check). */
static int print_json(const study_size_spec *s, const study_size *z,
                      const study_size_candidate *rec, int required) {
  json_t *rows = json_array(), *recommended = json_null();
  int ok = rows != NULL;
  for (size_t i = 0; ok && i < study_size_count(z); i++) {
    const study_size_candidate *c = study_size_at(z, i);
    json_t *o = json_object();
    if (!o) { ok = 0; break; }
    ok = !json_object_set_new(o, "pool", json_string(s->pool)) &&
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
         !json_object_set_new(o, "metric", json_string(s->target.spec)) &&
         !json_object_set_new(o, "quantile", report_json_number(s->q)) &&
         !json_object_set_new(o, "q_value", report_json_number(c->obj.q.est)) &&
         !json_object_set_new(o, "q_upper", report_json_number(c->obj.q_upper)) &&
         !json_object_set_new(o, "objective", report_json_number(s->target.objective)) &&
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
  json_t *doc = ok ? json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:O, s:O}", "pool", s->pool,
                               "metric", s->target.spec, "quantile", report_json_number(s->q),
                               "objective", report_json_number(s->target.objective),
                               "confidence", report_json_number(s->confidence),
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

/* The cost vs. recovery time chart (reports/pareto.h) of the candidates. */
static void pareto(FILE *f, const study_size_spec *s, const study_size *z,
                   const study_size_candidate *rec) {
  size_t n = study_size_count(z);
  report_pareto_point *pts = calloc(n ? n : 1, sizeof *pts);
  if (!pts) return;
  report_pareto_chart ch = {s->target.env, metric_label(s->target.metric), s->target.objective,
                            s->q, s->confidence, pts, n, -1};
  for (size_t i = 0; i < n; i++) {
    const study_size_candidate *c = study_size_at(z, i);
    report_pareto_point pt = {c->annual_cost, c->obj.p50.est, c->obj.p95.est, c->obj.p99.est,
                              c->obj.q_upper, c->warm, c->max_parallel};
    pts[i] = pt;
    if (c == rec) ch.recommended = (long)i;
  }
  report_pareto_svg(f, &ch);
  free(pts);
}

static int write_html(const char *path, const study_size_spec *s, const study_size *z,
                      const study_size_candidate *rec, int required) {
  cli_outfile *o;
  if (cli_outfile_open("size", path, &o) != CLI_EXIT_OK) return CLI_EXIT_IO;
  FILE *f = cli_outfile_stream(o);
  char title[300], b[8][48];
  snprintf(title, sizeof title, "Standby sizing: %s for %s %s p%.*g", s->pool, s->target.env,
           metric_label(s->target.metric), REPORT_PAGE_PCT(s->q));
  report_page_begin(f, title);
  fputs("<p class=\"verdict\">", f);
  {
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) {
      sentence(s, z, rec, required, m, 1);
      fclose(m);
      report_svg_escape(f, text);
      free(text);
    }
  }
  fputs("</p>\n<h2>Cost vs. recovery time</h2>\n", f);
  pareto(f, s, z, rec);
  /* CDFs of the objective metric, one per candidate of the recommended (or
  ** first) max_parallel, at most 7 (the palette) */
  int mp = rec ? rec->max_parallel : study_size_count(z) ? study_size_at(z, 0)->max_parallel : 0;
  report_svg_cdf_series ser[7];
  char labels[7][96];
  size_t ns = 0;
  for (size_t i = 0; i < study_size_count(z) && ns < 7; i++) {
    const study_size_candidate *c = study_size_at(z, i);
    if (c->max_parallel != mp || !c->sorted) continue;
    snprintf(labels[ns], sizeof labels[ns], "%d warm (%s/yr)", c->warm,
             money(c->annual_cost, s->currency, b[0], sizeof b[0]));
    ser[ns].label = labels[ns];
    ser[ns].sorted = c->sorted;
    ser[ns].n = c->n;
    ser[ns].objective_s = ns == 0 ? s->target.objective : NAN;
    ns++;
  }
  if (ns) {
    char ctitle[200], quantity[64];
    snprintf(ctitle, sizeof ctitle, "%s %s by warm nodes (max_parallel %d)", s->target.env,
             metric_label(s->target.metric), mp);
    snprintf(quantity, sizeof quantity, "%s", metric_label(s->target.metric));
    report_svg_cdf_chart ch = {"size-cdf", ctitle, quantity, NULL, ser, ns};
    fputs("<h2>Distribution per candidate</h2>\n", f);
    report_svg_cdf(f, &ch);
  }
  fputs("<h2>Candidates</h2>\n<table>\n<tr><th>warm nodes</th><th>max_parallel</th>"
        "<th>annual cost</th><th>RTO p50</th><th>RTO p95</th><th>RTO p99</th>", f);
  fprintf(f, "<th>p%.*g upper bound</th><th>P(meet)</th><th>meets</th></tr>\n", REPORT_PAGE_PCT(s->q));
  for (size_t i = 0; i < study_size_count(z); i++) {
    const study_size_candidate *c = study_size_at(z, i);
    fprintf(f, "<tr class=\"%s%s\"><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td>"
            "<td>%s</td><td>%s</td><td>%.1f %%</td><td>%s</td></tr>\n",
            c->meets ? "meets" : "", c == rec ? " pick" : "", c->warm, c->max_parallel,
            money(c->annual_cost, s->currency, b[0], sizeof b[0]),
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
          (unsigned long long)(study_size_count(z) ? study_size_at(z, 0)->obj.n : 0), 100 * s->confidence, REPORT_PAGE_PCT(s->q));
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

/* The command line of `drsim size`, parsed. */
typedef struct size_args {
  CLI_STUDY_ARGS;               /* --trials, --seed, --set, --db, --format ... */
  int all, fail_on_miss;
  cli_strlist pos;
  const char *pool, *objective, *quantile_s, *target_s, *confidence_s, *mp_s;
  double q, confidence;
} size_args;

/* Parse and check the options that need no scenario. */
static int parse_args(int argc, char **argv, size_args *a) {
  a->format = "text";
  cli_opt opts[] = {
    {"--pool", CLI_OPT_STRING, &a->pool, 0, 0, NULL},
    {"--objective", CLI_OPT_STRING, &a->objective, 0, 0, NULL},
    {"--quantile", CLI_OPT_STRING, &a->quantile_s, 0, 0, NULL},
    {"--target", CLI_OPT_STRING, &a->target_s, 0, 0, NULL},
    {"--confidence", CLI_OPT_STRING, &a->confidence_s, 0, 0, NULL},
    {"--max-parallel", CLI_OPT_STRING, &a->mp_s, 0, 0, NULL},
    {"--all", CLI_OPT_FLAG, &a->all, 0, 0, NULL},
    CLI_STUDY_OPTS(a),
    {"--fail-on-miss", CLI_OPT_FLAG, &a->fail_on_miss, 0, 0, NULL},
  };
  int status = cli_args_parse("size", argc, argv, 2, opts, sizeof opts / sizeof *opts, &a->pos);
  if (status != 0 || a->help) return status;
  int ok;
  if (a->pos.n != 1) {
    cli_error("size", "expected exactly one scenario file; usage: drsim size SCENARIO.yaml "
                      "--pool POOL --objective ENV.rto");
    return CLI_EXIT_USAGE;
  }
  if (strcmp(a->format, "text") && strcmp(a->format, "csv") && strcmp(a->format, "json")) {
    cli_error("size", "--format '%s' is not valid; use text, csv or json", a->format);
    return CLI_EXIT_USAGE;
  }
  if (a->shard && (study_run_parse_shard(a->shard, &a->shard_k, &a->shard_n) != 0 || !a->all ||
                   !a->db_path || a->html)) {
    cli_error("size", "--shard '%s': give K/N with 1 <= K <= N, with --all (the bisection picks "
              "each candidate from the last one's result: only the full grid splits into "
              "shards) and --db (the shards' databases are merged), without --html (use it "
              "after the merge)", a->shard);
    return CLI_EXIT_USAGE;
  }
  /* Not given: the scenario's meet: block (models/meet.h), once it is read. */
  a->q = a->confidence = NAN;
  if (a->quantile_s) a->q = parse_real(a->quantile_s, &ok);
  if (a->quantile_s && (!ok || !(a->q > 0 && a->q < 1))) {
    cli_error("size", "--quantile '%s' is not valid; give a share in (0, 1), e.g. 0.99",
              a->quantile_s);
    return CLI_EXIT_USAGE;
  }
  if (a->confidence_s) a->confidence = parse_real(a->confidence_s, &ok);
  if (a->confidence_s && (!ok || !(a->confidence > 0.5 && a->confidence < 1))) {
    cli_error("size", "--confidence '%s' is not valid; give a level in (0.5, 1), e.g. 0.95",
              a->confidence_s);
    return CLI_EXIT_USAGE;
  }
  const char *inputs[] = {a->pos.items[0], a->db_path};
  if (a->html) return cli_outfile_check("size", a->html, inputs, 2);
  return CLI_EXIT_OK;
}

/* The index of the pool to size, or -1 (printed why; *status set). */
static int find_pool(const model_scenario *sc, const char *pool, int *status) {
  *status = CLI_EXIT_USAGE;
  if (!pool) {
    cli_error("size", "which pool? add --pool NAME%s%s", sc->n_standby ? ", e.g. --pool " : "",
              sc->n_standby ? sc->standby[0].name : " (the scenario has no standby pool)");
    return -1;
  }
  int pi = model_scenario_find_standby(sc, pool);
  if (pi >= 0) return pi;
  const char **names = malloc((sc->n_standby + 1) * sizeof *names);
  if (!names) { *status = CLI_EXIT_IO; return -1; }
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
  return -1;
}

/* The objective (default: the pool's environment's RTO), its target and
** whether the trials can bound the quantile. */
static int parse_objective(const size_args *a, const model_scenario *sc, const model_standby *sb,
                           study_target *t) {
  char err[512], objbuf[300];
  const char *objective = a->objective;
  if (!objective) {
    if (sb->environment < 0) {
      cli_error("size", "pool %s serves no single environment; add --objective ENV.rto", a->pool);
      return CLI_EXIT_USAGE;
    }
    snprintf(objbuf, sizeof objbuf, "%s.rto", sc->environments[sb->environment].name);
    objective = objbuf;
  }
  if (study_target_parse(sc, objective, 0, t, err, sizeof err)) {
    cli_error("size", "--objective %s", err);
    return CLI_EXIT_USAGE;
  }
  const char *why = NULL;
  if (a->target_s && model_units_parse_duration(a->target_s, &t->objective, &why)) {
    cli_error("size", "--target '%s': %s", a->target_s, why ? why : "not a duration");
    return CLI_EXIT_USAGE;
  }
  if (isnan(t->objective)) {
    cli_error("size", "environment %s has no %s objective; give one with --target, e.g. "
              "--target 4h", t->env, study_target_metric_name(t->metric));
    return CLI_EXIT_USAGE;
  }
  /* Below this count the upper rank exceeds n, q_upper is +inf for every
  ** candidate, and the search would blame the pool for a lack of trials. */
  uint64_t n_eff = a->trials_seen ? a->trials : sc->trials;
  uint64_t need = study_target_min_trials(a->q, a->confidence);
  if (n_eff < need) {
    cli_error("size", "too few trials to bound the p%.*g at %g %% confidence: need at least "
              "%llu; use --trials %llu", REPORT_PAGE_PCT(a->q), 100 * a->confidence,
              (unsigned long long)need, (unsigned long long)need);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* The max_parallel values to search (default: the pool's), distinct. */
static int parse_max_parallel(const char *mp_s, const model_standby *sb, int **values,
                              size_t *n) {
  study_grid_axis mps;
  memset(&mps, 0, sizeof mps);
  char err[512];
  int status = CLI_EXIT_OK;
  *n = 0;
  if (!mp_s) {
    if (!(*values = malloc(sizeof **values))) return CLI_EXIT_IO;
    (*values)[(*n)++] = sb->max_parallel;
    return CLI_EXIT_OK;
  }
  if (study_grid_values_parse(mp_s, &mps, err, sizeof err)) {
    cli_error("size", "--max-parallel: %s", err);
    study_grid_axis_free(&mps);
    return CLI_EXIT_USAGE;
  }
  if (!(*values = calloc(mps.n, sizeof **values))) status = CLI_EXIT_IO;
  for (size_t i = 0; status == CLI_EXIT_OK && i < mps.n; i++) {
    double v = mps.numbers[i];
    if (!(v >= 1 && v <= MODEL_MAX_ITEMS && v == floor(v))) {
      cli_error("size", "--max-parallel value '%s' is not a whole number in [1, %d]",
                mps.texts[i], MODEL_MAX_ITEMS);
      status = CLI_EXIT_USAGE;
      break;
    }
    int dup = 0;
    for (size_t j = 0; j < *n; j++) dup |= (*values)[j] == (int)v;
    if (!dup) (*values)[(*n)++] = (int)v;
  }
  study_grid_axis_free(&mps);
  return status;
}

/* Warn (with --strict: refuse) when no step of the objective's workflow
** scales the pool up. */
static int check_pool_used(const size_args *a, const model_scenario *sc, int pi,
                           const study_target *t) {
  int used = 0;
  int we = model_scenario_find_workflow(sc, t->env);
  if (we >= 0)
    for (size_t s = 0; s < sc->workflows[we].n_steps; s++)
      used |= sc->workflows[we].steps[s].standby == pi;
  if (!used && (!a->quiet || a->strict))
    fprintf(stderr, "drsim size: %s: no step of %s's workflow scales up %s; its warm "
            "nodes may not change %s\n", a->strict ? "error" : "warning", t->env, a->pool,
            t->spec);
  if (!used && a->strict) {
    fputs("drsim size: error: a warning and --strict was given\n", stderr);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* Open the --db store: a new sweep, or the stored search to resume (the
** search is deterministic: each candidate it evaluates again is read back,
** and resumed when interrupted). */
static int open_store(const size_args *a, study_size_spec *s) {
  if (a->resume_seen && !a->db_path) {
    cli_error("size", "--resume needs the --db the search was stored in");
    return CLI_EXIT_USAGE;
  }
  if (a->resume_seen) {
    s->sweep_id = (int64_t)a->resume_id;
    s->resume = 1;
    return cli_sweep_open_existing("size", a->db_path, s->sweep_id, &s->store);
  }
  if (a->db_path) return cli_sweep_open_store("size", a->db_path, &s->store, &s->sweep_id);
  return CLI_EXIT_OK;
}

/* The "candidate N: ..." progress line. */
static void on_candidate(void *ctx, const study_size_candidate *c) {
  const study_size_spec *s = ctx;
  char b[2][48];
  fprintf(stderr, "candidate %d: warm_nodes %d, max_parallel %d: p%.*g %s (upper %s) -> %s\n",
          c->order, c->warm, c->max_parallel, REPORT_PAGE_PCT(s->q),
          report_page_duration(c->obj.q.est, b[0], sizeof b[0]),
          report_page_duration(c->obj.q_upper, b[1], sizeof b[1]), c->meets ? "meets" : "misses");
}

/* Search every max_parallel value, then print in the asked format. */
static int search_and_print(const size_args *a, const study_size_spec *s, const int *mp_values,
                            size_t n_mp, int required) {
  study_size *z = NULL;
  study_error err;
  int rs = study_size_new(s, &z, &err);
  for (size_t i = 0; rs == STUDY_OK && i < n_mp; i++)
    rs = study_size_search(z, required, mp_values[i], a->all, &err);
  if (rs != STUDY_OK) {
    if (z && study_size_failed_diag(z)) model_diag_print(study_size_failed_diag(z), stderr);
    if (err.text[0]) cli_error("size", "%s", err.text);
    study_size_free(z);
    return cli_exit_from_study(rs);
  }
  if (study_size_partial(z)) {
    size_t first, end;
    study_grid_shard(s->shard_points, a->shard_k, a->shard_n, &first, &end);
    fprintf(stderr, "size shard %s: candidates %zu..%zu of %zu stored as sweep %lld in %s; merge "
            "the shards' databases (drsim merge PART.db... -o ALL.db), then run this command "
            "without --shard, with --resume 1 --db ALL.db, for the answer\n", a->shard, first,
            end ? end - 1 : 0, s->shard_points, (long long)s->sweep_id, a->db_path);
    study_size_free(z);
    return CLI_EXIT_OK;
  }
  study_size_finish(z);
  const study_size_candidate *rec = study_size_recommendation(z);
  int status = CLI_EXIT_OK;
  if (strcmp(a->format, "csv") == 0) print_csv(s, z);
  else if (strcmp(a->format, "json") == 0) {
    if (print_json(s, z, rec, required)) {
      cli_error("size", "out of memory");
      status = CLI_EXIT_IO;
    }
  } else print_text(s, z, rec, required, a->all);
  if (status == CLI_EXIT_OK) {
    if (!a->quiet && strcmp(a->format, "text") != 0) sentence(s, z, rec, required, stderr, 0);
    if (!a->quiet)
      fprintf(stderr, "%zu candidates evaluated; a full grid would take %zu\n",
              study_size_count(z), (size_t)(required + 1) * n_mp);
    if (a->html) status = write_html(a->html, s, z, rec, required);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      cli_error("size", "cannot write the output: %s", strerror(errno));
      status = CLI_EXIT_IO;
    }
  }
  if (status == CLI_EXIT_OK && a->fail_on_miss && !rec) {
    /* Whatever --format and --quiet: say why the exit status is 1. */
    if (a->quiet || strcmp(a->format, "text") == 0) {
      fflush(stdout);
      sentence(s, z, rec, required, stderr, 0);
    }
    status = CLI_EXIT_MISSED;
  }
  study_size_free(z);
  return status;
}

int cli_cmd_size(int argc, char **argv) {
  size_args a;
  memset(&a, 0, sizeof a);
  study_size_spec s;
  memset(&s, 0, sizeof s);
  model_scenario *sc = NULL;
  char *text = NULL;
  int *mp_values = NULL, pi = -1;
  size_t n_mp = 0;
  model_load_opts lo = cli_load_opts(NULL);
  int status = parse_args(argc, argv, &a);
  if (status != CLI_EXIT_OK || a.help) {
    if (a.help) usage();
    goto done;
  }
  lo = cli_load_opts(&a.allow);
  if ((status = cli_load_scenario_text_flags(a.pos.items[0], &a.sets, &lo,
                                             a.strict ? CLI_LOAD_STRICT : 0, &sc, &text)) != CLI_EXIT_OK)
    goto done;
  if (sc->mode != MODEL_MODE_DISASTER) {
    cli_error("size", "%s is a lifetime-mode scenario; size runs disaster mode only", a.pos.items[0]);
    status = CLI_EXIT_USAGE;
    goto done;
  }
  if (isnan(a.q)) a.q = sc->meet.share;
  if (isnan(a.confidence)) a.confidence = sc->meet.confidence;
  if ((pi = find_pool(sc, a.pool, &status)) < 0) goto done;
  const model_standby *sb = &sc->standby[pi];
  if ((status = parse_objective(&a, sc, sb, &s.target)) != CLI_EXIT_OK ||
      (status = parse_max_parallel(a.mp_s, sb, &mp_values, &n_mp)) != CLI_EXIT_OK ||
      (status = check_pool_used(&a, sc, pi, &s.target)) != CLI_EXIT_OK)
    goto done;
  lo.pinned = sc->inputs;   /* every candidate uses the files as first read */
  lo.n_pinned = sc->n_inputs;
  s.scenario_path = a.pos.items[0];
  s.scenario_text = text;
  s.load_opts = &lo;
  s.overrides = a.sets.items;
  s.n_overrides = a.sets.n;
  s.pool = a.pool;
  s.q = a.q;
  s.confidence = a.confidence;
  s.seed_given = a.seed_seen;
  s.seed = a.seed;
  s.trials_given = a.trials_seen;
  s.trials = a.trials;
  s.threads = a.threads_seen ? (unsigned)a.threads : 0;
  s.keep_values = a.html != NULL;
  s.shard_k = a.shard_k;
  s.shard_n = a.shard_n;
  s.shard_points = (size_t)(sb->required_nodes + 1) * n_mp;
  s.cost_per_hour = sb->node_cost_per_hour;
  s.currency = model_costs_currency(sc);
  if (!a.quiet && isatty(STDERR_FILENO)) s.progress = cli_progress_bar;
  if (!a.quiet) s.on_candidate = on_candidate, s.on_candidate_ctx = &s;
  if ((status = open_store(&a, &s)) != CLI_EXIT_OK) goto done;
  s.stop = cli_signals_catch();
  status = search_and_print(&a, &s, mp_values, n_mp, sb->required_nodes);
  cli_signals_restore();
done:
  report_store_close(s.store);
  free(text);
  free(mp_values);
  model_scenario_free(sc);
  cli_strlist_free(&a.sets);
  cli_strlist_free(&a.allow);
  cli_strlist_free(&a.pos);
  return status;
}
