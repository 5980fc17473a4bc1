/*
** cli/cmd_calibrate.c — `drsim calibrate SCENARIO --drills DRILLS.csv -o
** NEW.yaml`: every workflow step (and `detection`) the drill log covers gets
** its duration refitted (fit/mle.h, with its `uncertainty:`), its failure
** probability re-estimated (Beta posterior mean) and a provenance comment;
** steps without data are listed as still assumed.
**
** The edit is textual: the scenario's YAML tree gives where each value
** starts, its extent is found in the text (a scalar, a flow collection up
** to its closing bracket, or a block map up to the next line indented
** less), and only those spans are replaced; comment lines "# calibrate:
** ..." are inserted above the edited keys. Everything else — comments,
** order, layout — is kept byte for byte. The result is loaded before it is
** written, so a calibrated scenario always validates.
*/
#include "cli/calib.h"
#include "cli/common.h"
#include "drsim_version.h"   /* DRSIM_VERSION */
#include "fit/drills.h"
#include "fit/gof.h"
#include "fit/mle.h"
#include "models/diag.h"
#include "models/scenario.h"
#include "models/units.h"
#include "models/yaml_tree.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

static void usage(void) {
  puts("usage: drsim calibrate SCENARIO.yaml --drills DRILLS.csv -o NEW.yaml [options]\n"
       "\n"
       "Updates every workflow step the drill log covers: its duration is refitted by\n"
       "maximum likelihood (censored attempts included) and written with its estimation\n"
       "uncertainty (for drsim run --epistemic), its failure_probability becomes the\n"
       "Beta posterior mean of the failed attempts (added only when some failed) with\n"
       "the counts behind it (failure_counts, for --epistemic), and a\n"
       "'# calibrate:' comment above each edited value records where it came from\n"
       "(drills, months, n, KS p). Everything else in the file is kept as written.\n"
       "A step named 'detection' in the log updates the workflow's detection. Steps\n"
       "without drill data are listed as still assumed.\n"
       "\n"
       "DRILLS.csv: drill, environment, step, start, end, outcome (ok | failed |\n"
       "censored), start/end as UTC timestamps (2026-01-14T10:02:00Z).\n"
       "\n"
       "options:\n"
       "  --drills FILE     the drill log (required)\n"
       "  -o FILE           the calibrated scenario (required; not the input)\n"
       "  --dist D          keep (the family already written, lognormal for a constant or\n"
       "                    other kind; default), auto (lowest AIC) or a family\n"
       "  --min-n N         fewest completed attempts to fit a duration (default 3)\n"
       "  --bootstrap B     KS bootstrap replicates (default 199)\n"
       "  --seed S          bootstrap seed (default 42)\n"
       "\n"
       "exit status: 0 ok, 2 bad input, 3 I/O error. See docs/calibration.md.");
}

typedef struct edit {
  size_t start, end;   /* byte span replaced (start == end: insertion) */
  char *text;
  size_t seq;
} edit;

typedef struct edits {
  edit *e;
  size_t n, cap;
} edits;

static int edit_add(edits *es, size_t start, size_t end, const char *text) {
  if (es->n == es->cap) {
    size_t nc = es->cap ? 2 * es->cap : 16;
    edit *ne = realloc(es->e, nc * sizeof *ne);
    if (!ne) return -1;
    es->e = ne;
    es->cap = nc;
  }
  char *t = strdup(text);
  if (!t) return -1;
  es->e[es->n] = (edit){start, end, t, es->n};
  es->n++;
  return 0;
}

/* Later spans first; at one offset the later-added edit first, so that
** edits added in text order come out in text order. */
static int cmp_edit(const void *a, const void *b) {
  const edit *p = a, *q = b;
  if (p->start != q->start) return p->start < q->start ? 1 : -1;
  return p->seq < q->seq ? 1 : -1;
}

static char *apply_edits(const char *text, size_t len, edits *es, size_t *out_len) {
  qsort(es->e, es->n, sizeof *es->e, cmp_edit);
  size_t total = len + 1;
  for (size_t i = 0; i < es->n; i++) total += strlen(es->e[i].text);
  char *out = malloc(total);
  if (!out) return NULL;
  /* Build from the front: walk the edits in ascending order. */
  size_t o = 0, pos = 0;
  for (size_t k = es->n; k-- > 0;) {
    const edit *e = &es->e[k];
    memcpy(out + o, text + pos, e->start - pos);
    o += e->start - pos;
    size_t tl = strlen(e->text);
    memcpy(out + o, e->text, tl);
    o += tl;
    pos = e->end;
  }
  memcpy(out + o, text + pos, len - pos);
  o += len - pos;
  out[o] = '\0';
  *out_len = o;
  return out;
}

/* Byte offset of (line, col), both 1-based, col counting UTF-8 characters
** as libyaml does. */
static size_t offset_of(const char *text, size_t len, int line, int col) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (text[i] == '\n') l++;
  for (int c = 1; c < col && i < len && text[i] != '\n';) {
    i++;
    if (((unsigned char)text[i] & 0xC0) != 0x80) c++;
  }
  return i;
}

static size_t line_start(const char *text, size_t off) {
  while (off > 0 && text[off - 1] != '\n') off--;
  return off;
}

static size_t line_end(const char *text, size_t len, size_t off) {
  while (off < len && text[off] != '\n') off++;
  return off;
}

/* End of a flow collection or quoted scalar starting at off. */
static size_t flow_end(const char *text, size_t len, size_t off) {
  int depth = 0;
  for (size_t i = off; i < len; i++) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (i++; i < len && text[i] != c; i++)
        if (c == '"' && text[i] == '\\') i++;
      if (depth == 0) return i + 1;
    } else if (c == '#' && i > off && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
      i = line_end(text, len, i) - 1;
    } else if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return len;
}

/* The span of the value of `key` (pair kp) in the text: [*start, *end).
** A block map value is replaced from just after the key's colon. */
static int value_span(const char *text, size_t len, const model_yaml_pair *kp, size_t *start,
                      size_t *end) {
  const model_yaml_node *v = kp->value;
  size_t off = offset_of(text, len, v->line, v->col);
  if (v->kind == MODEL_YAML_SCALAR) {
    if (off < len && (text[off] == '"' || text[off] == '\'')) {
      *start = off;
      *end = flow_end(text, len, off);
      return 0;
    }
    if (v->len > 0 && off + v->len <= len && memcmp(text + off, v->str, v->len) == 0) {
      *start = off;
      *end = off + v->len;
      return 0;
    }
    return -1;
  }
  if (off < len && (text[off] == '{' || text[off] == '[')) {
    *start = off;
    *end = flow_end(text, len, off);
    return 0;
  }
  if (v->kind != MODEL_YAML_MAPPING) return -1;
  /* Block map: from after the key's colon to the last line indented at
  ** least as far as the map's keys. */
  size_t koff = offset_of(text, len, kp->key->line, kp->key->col) + kp->key->len;
  while (koff < len && text[koff] != ':') koff++;
  if (koff >= len) return -1;
  size_t indent = off - line_start(text, off);
  size_t last = line_end(text, len, off), i = last;
  while (i < len) {
    size_t ls = i + 1, j = ls;
    while (j < len && text[j] == ' ') j++;
    if (j >= len) break;
    if (text[j] == '\n' || text[j] == '#') {
      i = line_end(text, len, j);
      continue;
    }
    if (j - ls < indent) break;
    last = i = line_end(text, len, j);
  }
  *start = koff + 1;
  *end = last;
  return 0;
}

static const model_yaml_node *find_item(const model_yaml_node *seq, const char *key,
                                        const char *name) {
  if (!seq || seq->kind != MODEL_YAML_SEQUENCE) return NULL;
  for (size_t i = 0; i < seq->n_items; i++) {
    const model_yaml_node *v = model_yaml_get(seq->items[i], key);
    if (v && v->kind == MODEL_YAML_SCALAR && strcmp(v->str, name) == 0) return seq->items[i];
  }
  return NULL;
}

/* The leading blanks of the line holding off. */
static void indent_of(const char *text, size_t off, char *buf, size_t n) {
  size_t ls = line_start(text, off), k = 0;
  while (text[ls + k] == ' ' && k + 1 < n) {
    buf[k] = ' ';
    k++;
  }
  buf[k] = '\0';
}

typedef struct opts {
  const char *dist;
  uint64_t min_n, boot, seed;
} opts;

/* Calibrate one step (or detection, step_map NULL with dist_pair given).
** Appends edits and prints the summary row. Returns 0, 1 when skipped
** (reason printed), -1 when out of memory. */
static int calibrate_one(const char *text, size_t len, const fit_drills_step *d,
                         const model_yaml_node *step_map, model_yaml_pair *dist_pair,
                         const opts *o, gsl_rng *rng, edits *es) {
  char span[64], note[1024], snip[600], buf[1400], ind[256];
  fit_drills_span(d, span, sizeof span);
  size_t completed = d->n - d->n_censored;
  if (!dist_pair) {
    printf("| %s | %s | %zu | %zu | – | – | – | skipped: no duration to fit (a standby step "
           "or business_hours/off_hours) |\n", d->environment, d->step, d->n, d->n_censored);
    return 1;
  }
  /* The family: keep the one written, unless asked otherwise. */
  fit_family fam = FIT_LOGNORMAL;
  const char *how = "kept";
  const model_yaml_node *dn = model_yaml_get(dist_pair->value, "dist");
  if (!strcmp(o->dist, "keep")) {
    if (dn && dn->kind == MODEL_YAML_SCALAR && fit_family_parse(dn->str, &fam) == 0) how = "kept";
    else {
      fam = FIT_LOGNORMAL;
      how = "lognormal: the written kind cannot be fitted";
    }
  } else if (!strcmp(o->dist, "auto")) {
    how = "lowest AIC";
  } else {
    fit_family_parse(o->dist, &fam);
    how = "asked";
  }
  if (completed < o->min_n) {
    printf("| %s | %s | %zu | %zu | – | – | – | skipped: %zu completed attempts, fewer than "
           "--min-n %llu |\n", d->environment, d->step, d->n, d->n_censored, completed,
           (unsigned long long)o->min_n);
    return 1;
  }
  fit_result f;
  char err[256];
  int have = 0;
  if (!strcmp(o->dist, "auto")) {
    for (int k = 0; k < FIT_N_FAMILIES; k++) {
      fit_result t;
      if (fit_mle((fit_family)k, d->x, d->censored, d->n, &t, err, sizeof err)) continue;
      if (!have || t.aic < f.aic) f = t;
      have = 1;
    }
  } else {
    have = fit_mle(fam, d->x, d->censored, d->n, &f, err, sizeof err) == 0;
  }
  if (!have || !f.cov_ok) {
    printf("| %s | %s | %zu | %zu | – | – | – | skipped: %s |\n", d->environment, d->step, d->n,
           d->n_censored, have ? "the fit's information matrix is singular" : err);
    return 1;
  }
  double dks = NAN, pks = NAN;
  if (o->boot) fit_gof_bootstrap(&f, d->x, d->censored, d->n, (size_t)o->boot, rng, &dks, &pks);
  size_t s, e;
  if (value_span(text, len, dist_pair, &s, &e)) {
    printf("| %s | %s | %zu | %zu | – | – | – | skipped: the value's text could not be located "
           "|\n", d->environment, d->step, d->n, d->n_censored);
    return 1;
  }
  int block = s > 0 && text[s - 1] == ':';
  fit_yaml_snippet(&f, 1, snip, sizeof snip);
  snprintf(buf, sizeof buf, "%s%s", block ? " " : "", snip);
  char was[200];
  snprintf(was, sizeof was, "%.*s", (int)(e - s > 150 ? 150 : e - s), text + s);
  for (char *c = was; *c; c++)
    if (*c == '\n' || *c == '|') *c = ' ';
  size_t kline = offset_of(text, len, dist_pair->key->line, dist_pair->key->col);
  indent_of(text, kline, ind, sizeof ind);
  /* Failures. */
  double a = 0, b = 0;
  fit_ci fp = fit_beta_posterior(d->failures, d->completed, 0.95, &a, &b);
  int pn = snprintf(note, sizeof note, "%s# calibrate: %s fitted from %s, n=%zu",
                    ind, dist_pair->key->str, span, d->n);
  if (d->n_censored) pn += snprintf(note + pn, sizeof note - (size_t)pn, " (%zu censored)",
                                    d->n_censored);
  pn += snprintf(note + pn, sizeof note - (size_t)pn, ", %s (%s)", fit_family_name(f.family), how);
  if (!isnan(pks)) pn += snprintf(note + pn, sizeof note - (size_t)pn, ", KS p=%.2f", pks);
  /* Failures are reported where they matter: the step models them, or
  ** some attempts failed. */
  if (step_map && (d->failures > 0 || model_yaml_get(step_map, "failure_probability")))
    pn += snprintf(note + pn, sizeof note - (size_t)pn,
                   "; %lu of %lu attempts failed (95 %% interval %.2g..%.2g)", d->failures,
                   d->completed, fp.lo, fp.hi);
  if (step_map && d->max_attempts > 1)
    pn += snprintf(note + pn, sizeof note - (size_t)pn, "; up to %zu attempts in one drill",
                   d->max_attempts);
  if (step_map && model_yaml_get(step_map, "business_hours"))
    snprintf(note + pn, sizeof note - (size_t)pn, "; business_hours/off_hours still assumed "
             "(with an oncall block they are drawn instead of duration)");
  size_t nl = strlen(note);
  if (nl + 2 < sizeof note) {
    note[nl] = '\n';
    note[nl + 1] = '\0';
  }
  if (edit_add(es, line_start(text, kline), line_start(text, kline), note) ||
      edit_add(es, s, e, buf))
    return -1;
  /* failure_probability: replaced when written, added when some failed. */
  char fpv[128] = "–";
  if (step_map) {
    model_yaml_pair *fpp = model_yaml_get_pair(step_map, "failure_probability");
    char val[32];
    snprintf(val, sizeof val, "%.4g", fp.est >= 1 ? 0.999 : fp.est);
    size_t fs, fe;
    char counts[96];
    snprintf(counts, sizeof counts, "{failures: %lu, attempts: %lu}", d->failures, d->completed);
    if (fpp && fpp->value->kind == MODEL_YAML_SCALAR && value_span(text, len, fpp, &fs, &fe) == 0) {
      if (edit_add(es, fs, fe, val)) return -1;
      snprintf(fpv, sizeof fpv, "%s", val);
      /* The counts behind it (for --epistemic): replaced, or added on the
      ** next line in a block-style step. */
      model_yaml_pair *cp = model_yaml_get_pair(step_map, "failure_counts");
      size_t cs, ce;
      size_t so = offset_of(text, len, step_map->line, step_map->col);
      if (cp && value_span(text, len, cp, &cs, &ce) == 0) {
        if (edit_add(es, cs, ce, counts)) return -1;
      } else if (!cp && text[so] != '{') {
        size_t ko = offset_of(text, len, fpp->key->line, fpp->key->col);
        char line[200];
        snprintf(line, sizeof line, "\n%*sfailure_counts: %s", (int)(ko - line_start(text, ko)),
                 "", counts);
        size_t at = line_end(text, len, fe);
        if (edit_add(es, at, at, line)) return -1;
      }
    } else if (!fpp && d->failures > 0) {
      /* A new line after the duration's last line, at the key's indentation
      ** (block-style step maps only: a flow-style step is left alone). */
      size_t ko = offset_of(text, len, dist_pair->key->line, dist_pair->key->col);
      size_t kcol = ko - line_start(text, ko);
      size_t so = offset_of(text, len, step_map->line, step_map->col);
      if (text[so] != '{') {
        char line[300];
        snprintf(line, sizeof line, "\n%*sfailure_probability: %s\n%*sfailure_counts: %s",
                 (int)kcol, "", val, (int)kcol, "", counts);
        size_t at = line_end(text, len, e > 0 ? e - 1 : e);
        if (e < len && text[e - 1] != '\n') at = line_end(text, len, e);
        if (edit_add(es, at, at, line)) return -1;
        snprintf(fpv, sizeof fpv, "%s (added)", val);
      } else {
        snprintf(fpv, sizeof fpv, "%s (not written: flow-style step)", val);
      }
    }
  }
  char ks[32] = "–";
  if (!isnan(pks)) snprintf(ks, sizeof ks, "%.2f", pks);
  fit_yaml_snippet(&f, 0, snip, sizeof snip);
  printf("| %s | %s | %zu | %zu | `%s` | `%s` | %s | %s |\n", d->environment, d->step, d->n,
         d->n_censored, was, snip, ks, fpv);
  return 0;
}

int cli_cmd_calibrate(int argc, char **argv) {
  cli_strlist pos = {0};
  int help = 0;
  opts o = {"keep", 3, 199, 42};
  const char *drills_path = NULL, *out_path = NULL;
  cli_opt optv[] = {
    {"--drills", CLI_OPT_STRING, &drills_path, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--dist", CLI_OPT_STRING, &o.dist, 0, 0, NULL},
    {"--min-n", CLI_OPT_U64, &o.min_n, 1, 1000000, NULL},
    {"--bootstrap", CLI_OPT_U64, &o.boot, 0, 100000, NULL},
    {"--seed", CLI_OPT_U64, &o.seed, 0, UINT64_MAX, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  char *text = NULL, *out = NULL;
  model_scenario *sc = NULL;
  model_yaml_doc *doc = NULL;
  model_diag *diag = NULL;
  fit_drills *dr = NULL;
  gsl_rng *rng = NULL;
  edits es = {0};
  char err[512], tmp[4200] = "";
  unsigned char *used = NULL;
  if (cli_args_parse("calibrate", argc, argv, 2, optv, sizeof optv / sizeof *optv, &pos))
    goto done;
  if (help) {
    usage();
    status = CLI_EXIT_OK;
    goto done;
  }
  if (pos.n != 1 || !drills_path || !out_path) {
    cli_error("calibrate", "usage: drsim calibrate SCENARIO.yaml --drills DRILLS.csv -o NEW.yaml");
    goto done;
  }
  fit_family ff;
  if (strcmp(o.dist, "keep") && strcmp(o.dist, "auto") && fit_family_parse(o.dist, &ff)) {
    cli_error("calibrate", "--dist '%s' is not valid; use keep, auto, exponential, lognormal, "
                           "gamma, weibull or normal", o.dist);
    goto done;
  }
  struct stat si, so;
  if (!strcmp(pos.items[0], out_path) ||
      (stat(pos.items[0], &si) == 0 && stat(out_path, &so) == 0 && si.st_dev == so.st_dev &&
       si.st_ino == so.st_ino)) {
    cli_error("calibrate", "-o %s is the input scenario; write the calibrated one to a new file",
              out_path);
    goto done;
  }
  status = cli_load_scenario_text(pos.items[0], NULL, NULL, &sc, &text);
  if (status != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  size_t len = strlen(text);
  diag = model_diag_new();
  if (!diag || model_yaml_parse(text, len, pos.items[0], &doc, diag)) {
    cli_error("calibrate", "cannot parse %s", pos.items[0]);
    goto done;
  }
  dr = fit_drills_read(drills_path, err, sizeof err);
  if (!dr) {
    cli_error("calibrate", "%s", err);
    status = access(drills_path, R_OK) ? CLI_EXIT_IO : CLI_EXIT_USAGE;
    goto done;
  }
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) goto oom;
  gsl_rng_set(rng, (unsigned long)o.seed);
  const model_yaml_node *root = model_yaml_root(doc);
  const model_yaml_node *wfs = model_yaml_get(root, "workflows");
  size_t n_groups = fit_drills_count(dr);
  used = calloc(n_groups ? n_groups : 1, 1);
  if (!used) goto oom;
  printf("calibration of %s from %s\n\n", pos.items[0], drills_path);
  printf("| environment | step | attempts | censored | was | now | KS p | failure_probability |\n"
         "|:--|:--|--:|--:|:--|:--|--:|:--|\n");
  size_t fitted = 0;
  for (size_t g = 0; g < n_groups; g++) {
    const fit_drills_step *d = fit_drills_get(dr, g);
    const model_yaml_node *wf = find_item(wfs, "environment", d->environment);
    if (!wf) continue;
    int rc;
    if (!strcmp(d->step, "detection") && !find_item(model_yaml_get(wf, "steps"), "name",
                                                    "detection")) {
      model_yaml_pair *dp = model_yaml_get_pair(wf, "detection");
      if (!dp) continue;
      used[g] = 1;
      rc = calibrate_one(text, len, d, NULL, dp, &o, rng, &es);
    } else {
      const model_yaml_node *st = find_item(model_yaml_get(wf, "steps"), "name", d->step);
      if (!st) continue;
      used[g] = 1;
      rc = calibrate_one(text, len, d, st, model_yaml_get_pair(st, "duration"), &o, rng, &es);
    }
    if (rc < 0) goto oom;
    fitted += rc == 0;
  }
  for (size_t g = 0; g < n_groups; g++)
    if (!used[g]) {
      const fit_drills_step *d = fit_drills_get(dr, g);
      fprintf(stderr, "drsim calibrate: warning: %s: %s/%s is not a step (or detection) of %s; "
              "its %zu rows are ignored\n", drills_path, d->environment, d->step, pos.items[0],
              d->n);
    }
  /* Still assumed: every timed step and detection without drill data. */
  printf("\nstill assumed (no drill data):");
  size_t n_assumed = 0;
  for (size_t w = 0; wfs && wfs->kind == MODEL_YAML_SEQUENCE && w < wfs->n_items; w++) {
    const model_yaml_node *wf = wfs->items[w], *env = model_yaml_get(wf, "environment");
    if (!env || env->kind != MODEL_YAML_SCALAR) continue;
    if (model_yaml_get(wf, "detection") && !fit_drills_find(dr, env->str, "detection")) {
      printf("%s %s/detection", n_assumed++ ? "," : "", env->str);
    }
    const model_yaml_node *steps = model_yaml_get(wf, "steps");
    for (size_t i = 0; steps && steps->kind == MODEL_YAML_SEQUENCE && i < steps->n_items; i++) {
      const model_yaml_node *nm = model_yaml_get(steps->items[i], "name");
      if (!nm || nm->kind != MODEL_YAML_SCALAR) continue;
      if (!fit_drills_find(dr, env->str, nm->str))
        printf("%s %s/%s", n_assumed++ ? "," : "", env->str, nm->str);
      else if (model_yaml_get(steps->items[i], "business_hours"))
        printf("%s %s/%s (business_hours, off_hours)", n_assumed++ ? "," : "", env->str,
               nm->str);
    }
  }
  printf("%s\n", n_assumed ? "" : " none");
  if (fitted == 0) {
    cli_error("calibrate", "the drill log updates no step of %s; nothing written", pos.items[0]);
    goto done;
  }
  /* A header line of provenance. */
  {
    char line[4400];
    snprintf(line, sizeof line, "# calibrate: %zu step value%s fitted from %s by drsim %s; "
             "%zu still assumed\n", fitted, fitted == 1 ? "" : "s", drills_path, DRSIM_VERSION,
             n_assumed);
    if (edit_add(&es, 0, 0, line)) goto oom;
  }
  size_t out_len = 0;
  out = apply_edits(text, len, &es, &out_len);
  if (!out) goto oom;
  /* The result must load, exactly like its input. */
  {
    model_scenario *chk = NULL;
    model_diag *d2 = model_diag_new();
    if (!d2) goto oom;
    int lr = model_scenario_load_string(out, out_len, out_path, NULL, 0, &chk, d2);
    if (lr) {
      model_diag_print(d2, stderr);
      cli_error("calibrate", "the calibrated scenario does not load (a bug: please report it); "
                             "nothing written");
      model_diag_free(d2);
      status = CLI_EXIT_USAGE;
      goto done;
    }
    model_scenario_free(chk);
    model_diag_free(d2);
  }
  snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out_path);
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    if (fd >= 0) close(fd);
    cli_error("calibrate", "cannot write %s: %s", out_path, strerror(errno));
    tmp[0] = '\0';
    status = CLI_EXIT_IO;
    goto done;
  }
  size_t wr = fwrite(out, 1, out_len, f);
  if (fclose(f) != 0 || wr != out_len || rename(tmp, out_path) != 0) {
    cli_error("calibrate", "cannot write %s: %s", out_path, strerror(errno));
    status = CLI_EXIT_IO;
    goto done;
  }
  tmp[0] = '\0';
  printf("\nwrote %s (%zu value%s fitted); next: drsim run %s --epistemic 200\n", out_path,
         fitted, fitted == 1 ? "" : "s", out_path);
  status = CLI_EXIT_OK;
  goto done;
oom:
  cli_error("calibrate", "out of memory");
  status = CLI_EXIT_IO;
done:
  if (tmp[0]) unlink(tmp);
  for (size_t i = 0; i < es.n; i++) free(es.e[i].text);
  free(es.e);
  free(used);
  gsl_rng_free(rng);
  fit_drills_free(dr);
  model_yaml_free(doc);
  model_diag_free(diag);
  model_scenario_free(sc);
  free(text);
  free(out);
  cli_strlist_free(&pos);
  return status;
}
