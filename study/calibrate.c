/*
** study/calibrate.c — `drsim calibrate`'s fits and textual edits (see
** calibrate.h).
*/
#include "study/calibrate.h"

#include "drsim_version.h"   /* DRSIM_VERSION */
#include "fit/gof.h"
#include "fit/mle.h"
#include "models/scenario.h"
#include "models/yaml_tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

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

/* The fit of one group: the family (kept, asked, or the lowest AIC), the
** MLE, the KS bootstrap. Returns 0, or 1 with row->skipped saying why. */
static int fit_group(const fit_drills_step *d, const model_yaml_pair *dist_pair,
                     const study_calibrate_opts *o, gsl_rng *rng, fit_result *f,
                     const char **how, double *pks, study_calibrate_row *row) {
  size_t completed = d->n - d->n_censored;
  fit_family fam = FIT_LOGNORMAL;
  *how = "kept";
  const model_yaml_node *dn = model_yaml_get(dist_pair->value, "dist");
  if (!strcmp(o->dist, "keep")) {
    if (dn && dn->kind == MODEL_YAML_SCALAR && fit_family_parse(dn->str, &fam) == 0) *how = "kept";
    else {
      fam = FIT_LOGNORMAL;
      *how = "lognormal: the written kind cannot be fitted";
    }
  } else if (!strcmp(o->dist, "auto")) {
    *how = "lowest AIC";
  } else {
    fit_family_parse(o->dist, &fam);
    *how = "asked";
  }
  if (completed < o->min_n) {
    snprintf(row->skipped, sizeof row->skipped, "%zu completed attempts, fewer than --min-n %llu",
             completed, (unsigned long long)o->min_n);
    return 1;
  }
  char err[256];
  int have = 0;
  if (!strcmp(o->dist, "auto")) {
    for (int k = 0; k < FIT_N_FAMILIES; k++) {
      fit_result t;
      if (fit_mle((fit_family)k, d->x, d->censored, d->n, &t, err, sizeof err)) continue;
      if (!have || t.aic < f->aic) *f = t;
      have = 1;
    }
  } else {
    have = fit_mle(fam, d->x, d->censored, d->n, f, err, sizeof err) == 0;
  }
  if (!have || !f->cov_ok) {
    snprintf(row->skipped, sizeof row->skipped, "%s",
             have ? "the fit's information matrix is singular" : err);
    return 1;
  }
  *pks = NAN;
  double dks = NAN;
  if (o->boot) fit_gof_bootstrap(f, d->x, d->censored, d->n, (size_t)o->boot, rng, &dks, pks);
  return 0;
}

/* The "# calibrate: ..." comment line above the duration's key. */
static void provenance(const fit_drills_step *d, const model_yaml_node *step_map,
                       const model_yaml_pair *dist_pair, const fit_result *f, const char *how,
                       double pks, fit_ci fp, const char *ind, char *note, size_t n) {
  char span[64];
  fit_drills_span(d, span, sizeof span);
  int pn = snprintf(note, n, "%s# calibrate: %s fitted from %s, n=%zu", ind, dist_pair->key->str,
                    span, d->n);
  if (d->n_censored) pn += snprintf(note + pn, n - (size_t)pn, " (%zu censored)", d->n_censored);
  pn += snprintf(note + pn, n - (size_t)pn, ", %s (%s)", fit_family_name(f->family), how);
  if (!isnan(pks)) pn += snprintf(note + pn, n - (size_t)pn, ", KS p=%.2f", pks);
  /* Failures are reported where they matter: the step models them, or
  ** some attempts failed. */
  if (step_map && (d->failures > 0 || model_yaml_get(step_map, "failure_probability")))
    pn += snprintf(note + pn, n - (size_t)pn,
                   "; %lu of %lu attempts failed (95 %% interval %.2g..%.2g)", d->failures,
                   d->completed, fp.lo, fp.hi);
  if (step_map && d->max_attempts > 1)
    pn += snprintf(note + pn, n - (size_t)pn, "; up to %zu attempts in one drill",
                   d->max_attempts);
  if (step_map && model_yaml_get(step_map, "business_hours"))
    snprintf(note + pn, n - (size_t)pn, "; business_hours/off_hours still assumed "
             "(with an oncall block they are drawn instead of duration)");
  size_t nl = strlen(note);
  if (nl + 2 < n) {
    note[nl] = '\n';
    note[nl + 1] = '\0';
  }
}

/* failure_probability (and failure_counts): replaced when written, added
** when some attempts failed; row->fp says what was done. The duration's
** value spans [s, e). Returns 0 or -1 (out of memory). */
static int failure_edits(const char *text, size_t len, const fit_drills_step *d,
                         const model_yaml_node *step_map, const model_yaml_pair *dist_pair,
                         fit_ci fp, size_t e, edits *es, study_calibrate_row *row) {
  model_yaml_pair *fpp = model_yaml_get_pair(step_map, "failure_probability");
  char val[32];
  snprintf(val, sizeof val, "%.4g", fp.est >= 1 ? 0.999 : fp.est);
  size_t fs, fe;
  char counts[96];
  snprintf(counts, sizeof counts, "{failures: %lu, attempts: %lu}", d->failures, d->completed);
  if (fpp && fpp->value->kind == MODEL_YAML_SCALAR && value_span(text, len, fpp, &fs, &fe) == 0) {
    if (edit_add(es, fs, fe, val)) return -1;
    snprintf(row->fp, sizeof row->fp, "%s", val);
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
      snprintf(row->fp, sizeof row->fp, "%s (added)", val);
    } else {
      snprintf(row->fp, sizeof row->fp, "%s (not written: flow-style step)", val);
    }
  }
  return 0;
}

/* Calibrate one step (or detection: step_map NULL, dist_pair given).
** Appends edits and fills the row. Returns 0, 1 when skipped (row->skipped
** says why), -1 when out of memory. */
static int calibrate_one(const char *text, size_t len, const fit_drills_step *d,
                         const model_yaml_node *step_map, model_yaml_pair *dist_pair,
                         const study_calibrate_opts *o, gsl_rng *rng, edits *es,
                         study_calibrate_row *row) {
  char note[1024], snip[600], buf[1400], ind[256];
  row->d = d;
  snprintf(row->fp, sizeof row->fp, "–");
  snprintf(row->ks, sizeof row->ks, "–");
  if (!dist_pair) {
    snprintf(row->skipped, sizeof row->skipped, "no duration to fit (a standby step or "
             "business_hours/off_hours)");
    return 1;
  }
  fit_result f;
  const char *how;
  double pks = NAN;
  if (fit_group(d, dist_pair, o, rng, &f, &how, &pks, row)) return 1;
  size_t s, e;
  if (value_span(text, len, dist_pair, &s, &e)) {
    snprintf(row->skipped, sizeof row->skipped, "the value's text could not be located");
    return 1;
  }
  int block = s > 0 && text[s - 1] == ':';
  fit_yaml_snippet(&f, 1, snip, sizeof snip);
  snprintf(buf, sizeof buf, "%s%s", block ? " " : "", snip);
  snprintf(row->was, sizeof row->was, "%.*s", (int)(e - s > 150 ? 150 : e - s), text + s);
  for (char *c = row->was; *c; c++)
    if (*c == '\n' || *c == '|') *c = ' ';
  size_t kline = offset_of(text, len, dist_pair->key->line, dist_pair->key->col);
  indent_of(text, kline, ind, sizeof ind);
  double a = 0, b = 0;
  fit_ci fp = fit_beta_posterior(d->failures, d->completed, 0.95, &a, &b);
  provenance(d, step_map, dist_pair, &f, how, pks, fp, ind, note, sizeof note);
  if (edit_add(es, line_start(text, kline), line_start(text, kline), note) ||
      edit_add(es, s, e, buf))
    return -1;
  if (step_map && failure_edits(text, len, d, step_map, dist_pair, fp, e, es, row)) return -1;
  if (!isnan(pks)) snprintf(row->ks, sizeof row->ks, "%.2f", pks);
  fit_yaml_snippet(&f, 0, row->now, sizeof row->now);
  return 0;
}

static int push_assumed(study_calibrate_result *res, const char *env, const char *step,
                        const char *tail) {
  char **na = realloc(res->assumed, (res->n_assumed + 1) * sizeof *na);
  if (!na) return -1;
  res->assumed = na;
  size_t n = strlen(env) + strlen(step) + strlen(tail) + 2;
  if (!(na[res->n_assumed] = malloc(n))) return -1;
  snprintf(na[res->n_assumed++], n, "%s/%s%s", env, step, tail);
  return 0;
}

/* Still assumed: every timed step and detection without drill data. */
static int still_assumed(const model_yaml_node *wfs, const fit_drills *dr,
                         study_calibrate_result *res) {
  for (size_t w = 0; wfs && wfs->kind == MODEL_YAML_SEQUENCE && w < wfs->n_items; w++) {
    const model_yaml_node *wf = wfs->items[w], *env = model_yaml_get(wf, "environment");
    if (!env || env->kind != MODEL_YAML_SCALAR) continue;
    if (model_yaml_get(wf, "detection") && !fit_drills_find(dr, env->str, "detection") &&
        push_assumed(res, env->str, "detection", ""))
      return -1;
    const model_yaml_node *steps = model_yaml_get(wf, "steps");
    for (size_t i = 0; steps && steps->kind == MODEL_YAML_SEQUENCE && i < steps->n_items; i++) {
      const model_yaml_node *nm = model_yaml_get(steps->items[i], "name");
      if (!nm || nm->kind != MODEL_YAML_SCALAR) continue;
      if (!fit_drills_find(dr, env->str, nm->str)) {
        if (push_assumed(res, env->str, nm->str, "")) return -1;
      } else if (model_yaml_get(steps->items[i], "business_hours")) {
        if (push_assumed(res, env->str, nm->str, " (business_hours, off_hours)")) return -1;
      }
    }
  }
  return 0;
}

/* Every group of the log against the workflows; unmatched ones listed. */
static int calibrate_groups(const char *text, size_t len, const model_yaml_node *wfs,
                            const fit_drills *dr, const study_calibrate_opts *o, gsl_rng *rng,
                            edits *es, study_calibrate_result *res) {
  size_t n_groups = fit_drills_count(dr);
  res->rows = calloc(n_groups + 1, sizeof *res->rows);
  res->unused = calloc(n_groups + 1, sizeof *res->unused);
  if (!res->rows || !res->unused) return -1;
  for (size_t g = 0; g < n_groups; g++) {
    const fit_drills_step *d = fit_drills_get(dr, g);
    const model_yaml_node *wf = find_item(wfs, "environment", d->environment);
    model_yaml_pair *dp = NULL;
    const model_yaml_node *st = NULL;
    if (wf && !strcmp(d->step, "detection") &&
        !find_item(model_yaml_get(wf, "steps"), "name", "detection")) {
      dp = model_yaml_get_pair(wf, "detection");
      if (!dp) wf = NULL;
    } else if (wf) {
      st = find_item(model_yaml_get(wf, "steps"), "name", d->step);
      if (!st) wf = NULL;
      else dp = model_yaml_get_pair(st, "duration");
    }
    if (!wf) {
      res->unused[res->n_unused++] = d;
      continue;
    }
    int rc = calibrate_one(text, len, d, st, dp, o, rng, es, &res->rows[res->n_rows++]);
    if (rc < 0) return -1;
    res->fitted += rc == 0;
  }
  return 0;
}

int study_calibrate(const char *text, size_t len, const char *source, const char *out_name,
                    const fit_drills *dr, const char *drills_path, const study_calibrate_opts *o, model_diag *diag,
                    study_calibrate_result *res, study_error *err) {
  memset(res, 0, sizeof *res);
  int rc = STUDY_EIO;
  edits es = {0};
  model_yaml_doc *doc = NULL;
  model_diag *pd = model_diag_new();
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!pd || !rng) goto oom;
  if (model_yaml_parse(text, len, source, &doc, pd)) {
    rc = study_fail(err, STUDY_EINPUT, "cannot parse %s", source);
    goto done;
  }
  gsl_rng_set(rng, (unsigned long)o->seed);
  const model_yaml_node *wfs = model_yaml_get(model_yaml_root(doc), "workflows");
  if (calibrate_groups(text, len, wfs, dr, o, rng, &es, res) || still_assumed(wfs, dr, res))
    goto oom;
  rc = STUDY_OK;
  if (res->fitted == 0) goto done;
  char line[4400];
  snprintf(line, sizeof line, "# calibrate: %zu step value%s fitted from %s by drsim %s; "
           "%zu still assumed\n", res->fitted, res->fitted == 1 ? "" : "s", drills_path,
           DRSIM_VERSION, res->n_assumed);
  if (edit_add(&es, 0, 0, line) || !(res->text = apply_edits(text, len, &es, &res->len)))
    goto oom;
  /* The result must load, exactly like its input. */
  model_scenario *chk = NULL;
  if (model_scenario_load_string(res->text, res->len, out_name, NULL, 0, &chk, diag ? diag : pd)) {
    rc = study_fail(err, STUDY_EINPUT, "the calibrated scenario does not load (a bug: please "
                    "report it); nothing written");
    free(res->text);
    res->text = NULL;
  }
  model_scenario_free(chk);
  goto done;
oom:
  rc = study_fail(err, STUDY_EIO, "out of memory");
done:
  for (size_t i = 0; i < es.n; i++) free(es.e[i].text);
  free(es.e);
  gsl_rng_free(rng);
  model_yaml_free(doc);
  model_diag_free(pd);
  return rc;
}

void study_calibrate_free(study_calibrate_result *res) {
  free(res->rows);
  free(res->unused);
  for (size_t i = 0; i < res->n_assumed; i++) free(res->assumed[i]);
  free(res->assumed);
  free(res->text);
  memset(res, 0, sizeof *res);
}
