/*
** cli/serve_lab.c — `drsim serve`'s API without HTTP: requests
** parsed and checked, the HTTP statuses and JSON of the three operations;
** the evaluations, the cached baselines, the per-trial values, metric
** statistics and paired changes are study/lab.h's (see serve_lab.h).
*/
#include "cli/serve_lab.h"
#include "cli/args.h"
#include "cli/common.h"
#include "cli/serve_params.h"
#include "reports/html.h"
#include "reports/json.h"
#include "reports/summary.h"
#include "study/lab.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_STEPS_MAX 20000   /* per-step detail for reports up to this many trials */

struct cli_serve_lab {
  char *path, *text;
  model_scenario *sc;
  cli_serve_params *params;
  uint64_t max_trials;
  unsigned threads;
  report_store *db;
  char *db_path;
  pthread_mutex_t save_lock;      /* the database connection */
  study_lab *study;                /* evaluations and the baseline cache */
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* ------------------------------------------------------------ JSON helpers */

/* A number by reports/json.h's conventions: null for NaN, "inf" for +inf. */
static json_t *num(double v) { return report_json_number(v); }

/* {"error": message, "errors": [{"param": path|null, "message": ...}]} */
static json_t *error_json(const char *message, const char *param) {
  json_t *e = json_pack("{s:s, s:[{s:o, s:s}]}", "error", message, "errors", "param",
                        param ? json_string(param) : json_null(), "message", message);
  return e;
}

/* ------------------------------------------------------------ lab */

int cli_serve_lab_new(const cli_serve_lab_options *o, cli_serve_lab **out) {
  *out = NULL;
  cli_serve_lab *lab = calloc(1, sizeof *lab);
  if (!lab) {
    cli_error("serve", "out of memory");
    return CLI_EXIT_IO;
  }
  pthread_mutex_init(&lab->save_lock, NULL);
  lab->max_trials = o->max_trials ? o->max_trials : 1;
  lab->threads = o->threads;
  lab->db = o->db;
  lab->path = dupstr(o->scenario_path);
  lab->db_path = dupstr(o->db_path ? o->db_path : "");
  if (!lab->path || !lab->db_path) {
    cli_error("serve", "out of memory");
    cli_serve_lab_free(lab);
    return CLI_EXIT_IO;
  }
  int rs = cli_read_scenario(o->scenario_path, &lab->text);   /* once: "-" is standard input */
  if (rs != CLI_EXIT_OK) {
    cli_serve_lab_free(lab);
    return rs;
  }
  model_diag *diag = model_diag_new();
  if (!diag || model_scenario_load_string(lab->text, strlen(lab->text),
                                          model_scenario_source_name(lab->path), NULL, 0,
                                          &lab->sc, diag)) {
    model_diag_print(diag, stderr);
    if (diag) {
      size_t n = model_diag_count(diag);
      fprintf(stderr, "%zu error%s in %s\n", n, n == 1 ? "" : "s",
              model_scenario_source_name(lab->path));
    }
    model_diag_free(diag);
    cli_serve_lab_free(lab);
    return CLI_EXIT_USAGE;
  }
  model_diag_free(diag);
  if (lab->sc->mode != MODEL_MODE_DISASTER) {
    cli_error("serve", "%s is a lifetime-mode scenario; serve works on disaster-mode scenarios "
              "(RTO and RPO of one disaster)", lab->path);
    cli_serve_lab_free(lab);
    return CLI_EXIT_USAGE;
  }
  if (lab->sc->n_environments > 64) {
    cli_error("serve", "%s has %zu environments; serve shows at most 64", lab->path,
              lab->sc->n_environments);
    cli_serve_lab_free(lab);
    return CLI_EXIT_USAGE;
  }
  lab->params = cli_serve_params_new(lab->text, lab->sc);
  study_error serr;
  if (!lab->params ||
      study_lab_new(lab->path, lab->text, lab->sc, lab->threads, &lab->study, &serr) != STUDY_OK) {
    cli_error("serve", "out of memory listing the parameters of %s", lab->path);
    cli_serve_lab_free(lab);
    return CLI_EXIT_IO;
  }
  *out = lab;
  return CLI_EXIT_OK;
}

void cli_serve_lab_free(cli_serve_lab *lab) {
  if (!lab) return;
  study_lab_free(lab->study);
  cli_serve_params_free(lab->params);
  model_scenario_free(lab->sc);
  free(lab->text);
  free(lab->path);
  free(lab->db_path);
  pthread_mutex_destroy(&lab->save_lock);
  free(lab);
}

json_t *cli_serve_lab_scenario_json(const cli_serve_lab *lab) {
  json_t *envs = json_array();
  for (size_t e = 0; envs && e < lab->sc->n_environments; e++) {
    const model_environment *en = &lab->sc->environments[e];
    json_array_append_new(envs, json_pack("{s:s, s:o, s:o}", "name", en->name, "rto",
                                          num(en->rto_s), "rpo", num(en->rpo_s)));
  }
  json_t *params = cli_serve_params_json(lab->params);
  char *cmd = cli_serve_lab_command(lab, NULL);
  json_t *o = NULL;
  if (envs && params && cmd)
    o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:s, s:b}", "name", lab->sc->name,
                  "path", lab->path, "mode", "disaster", "seed", (json_int_t)(lab->sc->seed & INT64_MAX),
                  "trials", (json_int_t)(lab->sc->trials < lab->max_trials ? lab->sc->trials : lab->max_trials),
                  "max_trials", (json_int_t)lab->max_trials, "environments", envs, "parameters",
                  params, "command", cmd, "can_save", lab->db != NULL);
  else {
    json_decref(envs);
    json_decref(params);
  }
  free(cmd);
  return o;
}

/* ------------------------------------------------------------ requests */

void cli_serve_request_clear(cli_serve_request *req) {
  if (!req) return;
  for (size_t i = 0; i < req->n_overrides; i++) {
    free(req->overrides[i]);
    free(req->paths[i]);
  }
  free(req->overrides);
  free(req->paths);
  memset(req, 0, sizeof *req);
}

/* The keys of a request but its overrides: none unknown, trials, seed,
** stream. Returns 0, or -1 with msg. */
static int parse_settings(const cli_serve_lab *lab, json_t *doc, cli_serve_request *req,
                          char *msg, size_t n) {
  const char *key;
  json_t *val;
  json_object_foreach(doc, key, val) {
    if (strcmp(key, "overrides") && strcmp(key, "trials") && strcmp(key, "seed") &&
        strcmp(key, "stream")) {
      snprintf(msg, n, "unknown key '%.100s' in the request; use overrides, trials, "
               "seed and stream", key);
      return -1;
    }
  }
  val = json_object_get(doc, "trials");
  if (val) {
    if (!json_is_integer(val) || json_integer_value(val) < 1 ||
        (uint64_t)json_integer_value(val) > lab->max_trials) {
      snprintf(msg, n, "trials must be a whole number from 1 to %llu (this server's "
               "--max-trials)", (unsigned long long)lab->max_trials);
      return -1;
    }
    req->trials = (uint64_t)json_integer_value(val);
  }
  val = json_object_get(doc, "seed");
  if (val) {
    if (!json_is_integer(val) || json_integer_value(val) < 0) {
      snprintf(msg, n, "seed must be a whole number from 0 to 2^63-1");
      return -1;
    }
    req->seed = (uint64_t)json_integer_value(val);
  }
  val = json_object_get(doc, "stream");
  if (val) {
    if (!json_is_boolean(val)) {
      snprintf(msg, n, "stream must be true or false");
      return -1;
    }
    req->stream = json_is_true(val);
  }
  return 0;
}

/* The text of override key = val, checked against the controls. Returns 0,
** or -1 with why. */
static int override_text(const cli_serve_lab *lab, const char *key, json_t *val,
                         char text[CLI_SERVE_MAX_VALUE + 2], char *why, size_t wn) {
  if (json_is_string(val)) {
    if (json_string_length(val) > CLI_SERVE_MAX_VALUE || strlen(json_string_value(val)) != json_string_length(val)) {
      snprintf(why, wn, "%.300s: give a value of 1 to %d characters", key, CLI_SERVE_MAX_VALUE);
      return -1;
    }
    snprintf(text, CLI_SERVE_MAX_VALUE + 2, "%s", json_string_value(val));
  } else if (json_is_integer(val)) {
    snprintf(text, CLI_SERVE_MAX_VALUE + 2, "%" JSON_INTEGER_FORMAT, json_integer_value(val));
  } else if (json_is_real(val)) {
    snprintf(text, CLI_SERVE_MAX_VALUE + 2, "%.17g", json_real_value(val));
  } else {
    snprintf(why, wn, "%.300s: the value must be a string or a number", key);
    return -1;
  }
  if (strlen(key) > 1000) {
    snprintf(why, wn, "a parameter path of %zu bytes; paths are shorter", strlen(key));
    return -1;
  }
  return cli_serve_params_check(lab->params, key, text, why, wn) ? -1 : 0;
}

int cli_serve_lab_parse(const cli_serve_lab *lab, const char *body, size_t len,
                        cli_serve_request *req, json_t **error) {
  memset(req, 0, sizeof *req);
  req->trials = lab->sc->trials < lab->max_trials ? lab->sc->trials : lab->max_trials;
  req->seed = lab->sc->seed;
  *error = NULL;
  char msg[600];
  json_error_t jerr;
  json_t *doc = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : json_object();
  if (!doc) {
    snprintf(msg, sizeof msg, "the request body is not valid JSON: %s at line %d, column %d",
             jerr.text, jerr.line, jerr.column);
    *error = error_json(msg, NULL);
    return CLI_SERVE_BAD;
  }
  if (!json_is_object(doc)) {
    *error = error_json("the request body must be a JSON object, as in "
                        "{\"overrides\": {\"standby.aks-prod-dr.warm_nodes\": \"3\"}, \"trials\": 10000}",
                        NULL);
    json_decref(doc);
    return CLI_SERVE_BAD;
  }
  const char *key;
  json_t *val;
  if (parse_settings(lab, doc, req, msg, sizeof msg)) goto bad;
  json_t *ov = json_object_get(doc, "overrides");
  if (ov && !json_is_object(ov)) {
    snprintf(msg, sizeof msg, "overrides must be an object of \"path\": \"value\", as in "
             "{\"standby.aks-prod-dr.warm_nodes\": \"3\"}");
    goto bad;
  }
  size_t n = ov ? json_object_size(ov) : 0;
  if (n > CLI_SERVE_MAX_OVERRIDES) {
    snprintf(msg, sizeof msg, "%zu overrides; at most %d in one request", n,
             CLI_SERVE_MAX_OVERRIDES);
    goto bad;
  }
  if (n) {
    req->overrides = calloc(n, sizeof *req->overrides);
    req->paths = calloc(n, sizeof *req->paths);
    if (!req->overrides || !req->paths) {
      snprintf(msg, sizeof msg, "out of memory");
      goto bad;
    }
    json_t *errors = json_array();
    json_object_foreach(ov, key, val) {
      char text[CLI_SERVE_MAX_VALUE + 2] = "";
      char why[600];
      int ok = override_text(lab, key, val, text, why, sizeof why) == 0;
      if (!ok) {
        json_array_append_new(errors, json_pack("{s:s%, s:s}", "param", key, strlen(key) > 1000 ? (size_t)1000 : strlen(key),
                                                "message", why));
        continue;
      }
      size_t k = req->n_overrides;
      req->paths[k] = dupstr(key);
      req->overrides[k] = malloc(strlen(key) + strlen(text) + 2);
      if (!req->paths[k] || !req->overrides[k]) {
        free(req->paths[k]);
        free(req->overrides[k]);
        json_array_append_new(errors, json_pack("{s:n, s:s}", "param", "message", "out of memory"));
        continue;
      }
      sprintf(req->overrides[k], "%s=%s", key, text);
      req->n_overrides++;
    }
    if (errors && json_array_size(errors)) {
      json_t *first = json_array_get(errors, 0);
      *error = json_pack("{s:O, s:o}", "error", json_object_get(first, "message"), "errors", errors);
      json_decref(doc);
      cli_serve_request_clear(req);
      return CLI_SERVE_BAD;
    }
    json_decref(errors);
  }
  json_decref(doc);
  return 0;
bad:
  json_decref(doc);
  cli_serve_request_clear(req);
  *error = error_json(msg, NULL);
  return CLI_SERVE_BAD;
}

/* ------------------------------------------------------------ command line */

static void put_quoted(FILE *f, const char *s) {
  int plain = *s != '\0';
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          strchr("._-+%=/:,@", *c)))
      plain = 0;
  if (plain) {
    fputs(s, f);
    return;
  }
  fputc('\'', f);
  for (const char *c = s; *c; c++) {
    if (*c == '\'') fputs("'\\''", f);
    else fputc(*c, f);
  }
  fputc('\'', f);
}

char *cli_serve_lab_command(const cli_serve_lab *lab, const cli_serve_request *req) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  fputs("drsim run ", f);
  put_quoted(f, lab->path);
  if (req) {
    fprintf(f, " --seed %llu --trials %llu", (unsigned long long)req->seed,
            (unsigned long long)req->trials);
    for (size_t i = 0; i < req->n_overrides; i++) {
      fputs(" --set ", f);
      put_quoted(f, req->overrides[i]);
    }
  }
  if (fclose(f)) {
    free(text);
    return NULL;
  }
  return text;
}

/* ------------------------------------------------------------ evaluation */

/* The load diagnostics as the error object, each with the override it
** belongs to. */
static json_t *diag_json(const model_diag *diag, char *const *paths, size_t n_paths) {
  json_t *errors = json_array();
  char line[1200];
  for (size_t i = 0; errors && i < model_diag_count(diag); i++) {
    const char *file = model_diag_file(diag, i);
    int l = model_diag_line(diag, i), c = model_diag_col(diag, i);
    if (l > 0 || c > 0)
      snprintf(line, sizeof line, "%s:%d:%d: error: %s", file, l, c, model_diag_message(diag, i));
    else
      snprintf(line, sizeof line, "%s: error: %s", file, model_diag_message(diag, i));
    const char *param = NULL;
    if (!strcmp(file, "--set") && l == 0 && c >= 1 && (size_t)c <= n_paths) param = paths[c - 1];
    json_array_append_new(errors, json_pack("{s:o, s:s}", "param",
                                            param ? json_string(param) : json_null(), "message", line));
  }
  if (!errors || json_array_size(errors) == 0) {
    json_decref(errors);
    return error_json("the configuration does not load", NULL);
  }
  return json_pack("{s:O, s:o}", "error", json_object_get(json_array_get(errors, 0), "message"),
                   "errors", errors);
}

/* A study status as the operation's HTTP status and error object; a
** failure of the simulation or the store is logged. */
static int serve_status(int rs, const study_error *err, const study_lab_watch *w,
                        const model_diag *diag, const cli_serve_request *req, int with_overrides,
                        json_t **out) {
  if (rs == STUDY_OK) return CLI_SERVE_OK;
  if (rs == STUDY_EINPUT) {
    *out = diag_json(diag, req->paths, with_overrides ? req->n_overrides : 0);
    return CLI_SERVE_BAD;
  }
  if (rs == STUDY_INTERRUPTED) {
    *out = error_json("stopped: the client went away or the server is shutting down", NULL);
    return CLI_SERVE_STOPPED;
  }
  if (!w->point_failed) {
    *out = error_json(err->text, NULL);
    return CLI_SERVE_FAILED;
  }
  if (err->text[0]) cli_error("serve", "%s", err->text);
  *out = error_json("the simulation or the results store failed; the server's log says why", NULL);
  return CLI_SERVE_FAILED;
}

static study_lab_config config_of(const cli_serve_request *req, int with_overrides) {
  study_lab_config c = {with_overrides ? (const char *const *)req->overrides : NULL,
                        with_overrides ? req->n_overrides : 0, req->seed, req->trials};
  return c;
}

/* One evaluation into st (begun, run, finished there). */
static int evaluate(cli_serve_lab *lab, const cli_serve_request *req, report_store *st,
                    const char *detail, study_lab_watch *w, int64_t *run_id, json_t **err) {
  *err = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    *err = error_json("out of memory", NULL);
    return CLI_SERVE_FAILED;
  }
  study_lab_config c = config_of(req, 1);
  study_error serr;
  int rs = study_lab_evaluate(lab->study, &c, st, detail, w, diag, run_id, &serr);
  int status = serve_status(rs, &serr, w, diag, req, 1, err);
  model_diag_free(diag);
  return status;
}

static json_t *overrides_json(const cli_serve_request *req) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < req->n_overrides; i++)
    json_array_append_new(a, json_string(req->overrides[i]));
  return a;
}

int cli_serve_lab_run(cli_serve_lab *lab, const cli_serve_request *req, const cli_serve_ctl *ctl,
                      json_t **out) {
  *out = NULL;
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.ctl = ctl;
  w.total = req->trials * (req->n_overrides ? 2 : 1);   /* if the baseline must be computed */
  const study_lab_baseline *base = NULL;
  study_lab_values cur;
  memset(&cur, 0, sizeof cur);
  json_t *cur_stats = NULL, *cur_summary = NULL;
  study_error serr;
  model_diag *diag = model_diag_new();
  if (!diag) {
    *out = error_json("out of memory", NULL);
    return CLI_SERVE_FAILED;
  }
  double t0 = now_ms();
  int rs = study_lab_baseline_get(lab->study, req->seed, req->trials, &w, diag, &base, &serr);
  int status = serve_status(rs, &serr, &w, diag, req, 0, out);
  double base_ms = w.done_before ? now_ms() - t0 : 0;
  if (status != CLI_SERVE_OK) goto done;
  if (!w.done_before) w.total = req->trials;   /* the baseline was cached */
  double t1 = now_ms();
  if (req->n_overrides) {
    study_lab_config c = config_of(req, 1);
    w.vals = &cur;
    rs = study_lab_evaluate_stats(lab->study, &c, &w, diag, &cur_stats, &cur_summary, &serr);
    w.vals = NULL;
    if ((status = serve_status(rs, &serr, &w, diag, req, 1, out)) != CLI_SERVE_OK) goto done;
  }
  double cur_ms = now_ms() - t1;
  if (ctl && ctl->progress) ctl->progress(ctl->ctx, w.total, w.total);
  json_t *envs = study_lab_environments(lab->study, base, &cur, cur_stats);
  json_t *base_summary = study_lab_baseline_summary(lab->study, base);
  if (!cur_summary && base_summary) cur_summary = json_deep_copy(base_summary);
  char *cmd = cli_serve_lab_command(lab, req);
  *out = json_pack("{s:s, s:I, s:I, s:o, s:s, s:{s:f, s:f}, s:o, s:f, s:f, s:o, s:o}", "scenario",
                   lab->sc->name, "seed", (json_int_t)req->seed, "trials", (json_int_t)req->trials,
                   "overrides", overrides_json(req), "command", cmd ? cmd : "", "elapsed_ms",
                   "baseline", base_ms, "current", cur_ms, "environments", envs, "meet_share",
                   lab->sc->meet.share, "meet_confidence", lab->sc->meet.confidence, "summary", cur_summary ? cur_summary : json_null(),
                   "baseline_summary", base_summary ? base_summary : json_null());
  cur_summary = NULL;
  free(cmd);
  if (!*out) {
    *out = error_json("out of memory building the result", NULL);
    status = CLI_SERVE_FAILED;
  }
done:
  json_decref(cur_stats);
  json_decref(cur_summary);
  study_lab_values_clear(&cur);
  if (base) study_lab_baseline_release(lab->study, base);
  model_diag_free(diag);
  return status;
}

int cli_serve_lab_save(cli_serve_lab *lab, const cli_serve_request *req, const cli_serve_ctl *ctl,
                       json_t **out) {
  *out = NULL;
  if (!lab->db) {
    *out = error_json("this server has no results database to save to", NULL);
    return CLI_SERVE_CONFLICT;
  }
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.ctl = ctl;
  w.total = req->trials;
  int64_t run_id = 0;
  json_t *err = NULL;
  pthread_mutex_lock(&lab->save_lock);
  int status = evaluate(lab, req, lab->db, "auto", &w, &run_id, &err);
  pthread_mutex_unlock(&lab->save_lock);
  if (status != CLI_SERVE_OK) {
    *out = err;
    return status;
  }
  char *cmd = cli_serve_lab_command(lab, req);
  char report[1200];
  snprintf(report, sizeof report, "drsim report --db %s --run %lld --format html -o report.html",
           lab->db_path, (long long)run_id);
  *out = json_pack("{s:I, s:s, s:s, s:s}", "run_id", (json_int_t)run_id, "db", lab->db_path,
                   "command", cmd ? cmd : "", "report_command", report);
  free(cmd);
  return *out ? CLI_SERVE_OK : CLI_SERVE_FAILED;
}

int cli_serve_lab_report(cli_serve_lab *lab, const cli_serve_request *req,
                         const cli_serve_ctl *ctl, char **html, size_t *len, json_t **out) {
  *html = NULL;
  *len = 0;
  *out = NULL;
  study_lab_watch w;
  memset(&w, 0, sizeof w);
  w.ctl = ctl;
  w.total = req->trials;
  report_store *st = NULL;
  study_error serr;
  if (study_lab_memory_store(&st, &serr) != STUDY_OK) {
    *out = error_json(serr.text, NULL);
    return CLI_SERVE_FAILED;
  }
  int64_t run_id = 0;
  int status = evaluate(lab, req, st, req->trials <= REPORT_STEPS_MAX ? "steps" : "summary",
                        &w, &run_id, out);
  if (status == CLI_SERVE_OK) {
    report_summary *s = NULL;
    report_error rerr;
    FILE *f = NULL;
    if (report_summary_build(st, run_id, &s, &rerr) != REPORT_OK) {
      *out = error_json(rerr.text, NULL);
      status = CLI_SERVE_FAILED;
    } else if (!(f = open_memstream(html, len))) {
      *out = error_json("out of memory", NULL);
      status = CLI_SERVE_FAILED;
    } else {
      int rc = report_html_write(f, st, s, &rerr);
      if (fclose(f) || rc != REPORT_OK) {
        *out = error_json(rc != REPORT_OK ? rerr.text : "out of memory writing the report", NULL);
        free(*html);
        *html = NULL;
        *len = 0;
        status = CLI_SERVE_FAILED;
      }
    }
    report_summary_free(s);
  }
  report_store_close(st);
  return status;
}
