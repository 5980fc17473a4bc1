/*
** import/k8s.c — Kubernetes PersistentVolumeClaims to draft data components
** (see k8s.h). Multi-document files are split at "---" lines in column 1
** (a document marker can stand nowhere else in a manifest's block YAML);
** each document is parsed with models/yaml_tree at its own line numbers.
*/
#include "import/k8s.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"
#include "models/yaml_tree.h"

#define K8S_MAX_FILES 1000
#define K8S_MAX_BYTES (16u << 20)

static const char *sget(const model_yaml_node *m, const char *k) {
  const model_yaml_node *v = model_yaml_get(m, k);
  return v && v->kind == MODEL_YAML_SCALAR && v->len ? v->str : NULL;
}

/* Storage classes seen so far in all documents: name -> skuName. */
typedef struct sclass { char name[128], sku[64], provisioner[128]; } sclass;

typedef struct k8s {
  const import_k8s_options *opts;
  import_draft *draft;
  FILE *notes;
  model_diag *diag;
  sclass classes[64];
  size_t n_classes;
  size_t n_claims;
} k8s;

/* The backup policy for `cls`: the CLASS= entry, else the general one.
** Returns 1 with interval/retention (retention < 0 when not given), 0 for
** none/not given, -1 malformed. */
static int policy_for(k8s *k, const char *cls, double *interval, double *retention, const char **spec) {
  const char *general = NULL, *mine = NULL;
  for (size_t i = 0; i < k->opts->n_backups; i++) {
    const char *b = k->opts->backups[i];
    const char *eq = strchr(b, '=');
    if (!eq) general = b;
    else if (cls && (size_t)(eq - b) == strlen(cls) && strncmp(b, cls, (size_t)(eq - b)) == 0) mine = eq + 1;
  }
  const char *p = mine ? mine : general;
  *spec = p;
  *retention = -1;
  if (!p || strcmp(p, "none") == 0) return 0;
  char buf[64];
  snprintf(buf, sizeof buf, "%s", p);
  char *colon = strchr(buf, ':');
  if (colon) *colon = '\0';
  if (model_units_parse_duration(buf, interval, NULL) || !(*interval > 0)) return -1;
  if (colon && (model_units_parse_duration(colon + 1, retention, NULL) || *retention < *interval)) return -1;
  return 1;
}

static int check_backups(const import_k8s_options *o, model_diag *diag) {
  for (size_t i = 0; i < o->n_backups; i++) {
    const char *b = o->backups[i];
    const char *eq = strchr(b, '=');
    const char *p = eq ? eq + 1 : b;
    if (strcmp(p, "none") == 0) continue;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", p);
    char *colon = strchr(buf, ':');
    if (colon) *colon = '\0';
    double iv, rt;
    if (model_units_parse_duration(buf, &iv, NULL) || !(iv > 0) ||
        (colon && (model_units_parse_duration(colon + 1, &rt, NULL) || rt < iv))) {
      model_diag_add(diag, "--backup", 0, (int)i + 1,
                     "'%s': write [CLASS=]INTERVAL[:RETENTION] (e.g. 24h:30d, premium=1h) or "
                     "[CLASS=]none; retention at least the interval", b);
      return -1;
    }
  }
  return 0;
}

static const char *region_or(k8s *k, int standby) {
  if (!standby) {
    if (k->opts->region) return k->opts->region;
    const char *p = import_draft_primary(k->draft);
    return p ? p : IMPORT_PLACEHOLDER_PRIMARY;
  }
  if (k->opts->backup_to) return k->opts->backup_to;
  const char *s = import_draft_first_standby(k->draft);
  if (s) return s;
  import_draft_add_region(k->draft, IMPORT_PLACEHOLDER_STANDBY, 0,
                          "PLACEHOLDER: name where backups land with --backup-to");
  return IMPORT_PLACEHOLDER_STANDBY;
}

static int claim(k8s *k, const char *file, const char *kind, const char *ns, const char *cname,
                 const model_yaml_node *spec, const char *replicas) {
  char base[256], name[130], c1[256], dur[32];
  if (ns) snprintf(base, sizeof base, "pvc-%s-%s", ns, cname);
  else snprintf(base, sizeof base, "pvc-%s", cname);
  if (import_draft_unique_name(k->draft, base, name, sizeof name)) return -1;
  FILE *out = import_draft_section(k->draft, IMPORT_SECTION_COMPONENTS);
  const char *cls = sget(spec, "storageClassName");
  const char *size = sget(model_yaml_get(model_yaml_get(spec, "resources"), "requests"), "storage");
  const char *region = region_or(k, 0);
  fprintf(out, "  - name: %s   # kubernetes: %s %s %s%s%s\n", name, import_comment_text(file, c1, sizeof c1),
          kind, ns ? ns : "", ns ? "/" : "", cname);
  fprintf(out, "    environment: %s\n    region: %s\n", k->opts->environment, region);
  const sclass *sc = NULL;
  for (size_t i = 0; i < k->n_classes && cls; i++)
    if (strcmp(k->classes[i].name, cls) == 0) sc = &k->classes[i];
  fprintf(out, "    # storage class %s", cls ? cls : "(cluster default)");
  if (sc) fprintf(out, " (%s%s%s)", sc->provisioner, *sc->sku ? ", skuName " : "", sc->sku);
  if (size) fprintf(out, ", %s", size);
  if (replicas) fprintf(out, "; one claim per replica (%s replicas)", replicas);
  fputc('\n', out);
  if (sc && strstr(sc->sku, "ZRS")) fprintf(out, "    zone: redundant   # skuName %s\n", sc->sku);
  else if (sc && strstr(sc->sku, "LRS"))
    fprintf(out, "    # skuName %s: a zonal disk, lost with its zone (PLACEHOLDER: zone: 1, 2 or 3)\n", sc->sku);
  double interval, retention;
  const char *spec_text;
  int p = policy_for(k, cls, &interval, &retention, &spec_text);
  if (p <= 0) {
    if (spec_text)
      fprintf(out, "    # --backup %s: no copy outside %s\n    replication: {mode: none}\n", spec_text, region);
    else
      fprintf(out, "    # PLACEHOLDER: no backup policy given for it (--backup); nothing outside %s\n"
                   "    replication: {mode: none}\n", region);
    return 0;
  }
  const char *to = region_or(k, 1);
  if (import_draft_add_region(k->draft, to, 0, NULL)) {
    model_diag_add(k->diag, "--backup-to", 0, 0, "'%s' is the primary region; backups must land elsewhere", to);
    return -1;
  }
  fprintf(out, "    replication:   # --backup %s: disk snapshots copied to %s\n      mode: periodic\n"
               "      to: %s\n      interval: %s   # the policy given\n",
          spec_text, to, to, import_duration(interval, dur, sizeof dur));
  fprintf(out, "      copy: {dist: uniform, min: 15m, max: 2h}   " IMPORT_ASSUMPTION "\n");
  if (retention > 0)
    fprintf(out, "      retention: %s   # the policy given\n", import_duration(retention, dur, sizeof dur));
  fprintf(out, "    # Restored by someone (PLACEHOLDER: failover: {by: STEP}, the restore step)\n"
               "    failover: {after: 0s, duration: {dist: lognormal, median: 20m, p95: 1h}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int document(k8s *k, const char *file, const model_yaml_node *doc, int pass) {
  if (!doc || doc->kind != MODEL_YAML_MAPPING) return 0;
  const char *kind = sget(doc, "kind");
  if (!kind) return 0;
  if (strcmp(kind, "List") == 0) {
    const model_yaml_node *items = model_yaml_get(doc, "items");
    for (size_t i = 0; items && items->kind == MODEL_YAML_SEQUENCE && i < items->n_items; i++)
      if (document(k, file, items->items[i], pass)) return -1;
    return 0;
  }
  const model_yaml_node *meta = model_yaml_get(doc, "metadata");
  const char *name = sget(meta, "name");
  const char *ns = sget(meta, "namespace");
  if (!name) return 0;
  if (pass == 0) {
    if (strcmp(kind, "StorageClass") == 0 && k->n_classes < sizeof k->classes / sizeof *k->classes) {
      sclass *c = &k->classes[k->n_classes++];
      snprintf(c->name, sizeof c->name, "%s", name);
      const char *sku = sget(model_yaml_get(doc, "parameters"), "skuName");
      if (!sku) sku = sget(model_yaml_get(doc, "parameters"), "skuname");
      snprintf(c->sku, sizeof c->sku, "%s", sku ? sku : "");
      snprintf(c->provisioner, sizeof c->provisioner, "%s", sget(doc, "provisioner") ? sget(doc, "provisioner") : "?");
    }
    return 0;
  }
  if (strcmp(kind, "PersistentVolumeClaim") == 0) {
    k->n_claims++;
    return claim(k, file, kind, ns, name, model_yaml_get(doc, "spec"), NULL);
  }
  if (strcmp(kind, "StatefulSet") == 0) {
    const model_yaml_node *spec = model_yaml_get(doc, "spec");
    const model_yaml_node *tpl = model_yaml_get(spec, "volumeClaimTemplates");
    for (size_t i = 0; tpl && tpl->kind == MODEL_YAML_SEQUENCE && i < tpl->n_items; i++) {
      const char *tn = sget(model_yaml_get(tpl->items[i], "metadata"), "name");
      if (!tn) continue;
      char both[260];
      snprintf(both, sizeof both, "%s-%s", tn, name);
      k->n_claims++;
      if (claim(k, file, "StatefulSet", ns, both, model_yaml_get(tpl->items[i], "spec"),
                sget(spec, "replicas") ? sget(spec, "replicas") : "1"))
        return -1;
    }
  }
  return 0;
}

static int parse_one(k8s *k, const char *text, size_t start, size_t end, size_t start_line,
                     const char *file, int pass) {
  /* blank lines in front keep libyaml's line numbers right */
  size_t pad = start_line - 1, n = end - start;
  char *buf = malloc(pad + n + 1);
  if (!buf) return -1;
  memset(buf, '\n', pad);
  memcpy(buf + pad, text + start, n);
  model_yaml_doc *doc = NULL;
  int rc = model_yaml_parse(buf, pad + n, file, &doc, k->diag) != 0 ? -1
           : document(k, file, model_yaml_root(doc), pass);
  model_yaml_free(doc);
  free(buf);
  return rc;
}

/* Each "---"-separated document of text. A marker line is "---" in column
** 1, alone or followed by blanks; what follows it on that line is ignored. */
static int each_document(k8s *k, const char *text, size_t len, const char *file, int pass) {
  size_t start = 0, start_line = 1, line = 1, p = 0;
  while (p < len) {
    const char *nl = memchr(text + p, '\n', len - p);
    size_t e = nl ? (size_t)(nl - text) + 1 : len;
    int marker = e - p >= 3 && strncmp(text + p, "---", 3) == 0 &&
                 (e - p == 3 || strchr(" \t\r\n", text[p + 3]) != NULL);
    if (marker) {
      if (parse_one(k, text, start, p, start_line, file, pass)) return -1;
      start = e;
      start_line = line + 1;
    }
    p = e;
    line++;
  }
  return parse_one(k, text, start, len, start_line, file, pass);
}

static int run_text(k8s *k, const char *text, size_t len, const char *file, int pass) {
  return each_document(k, text, len, file, pass);
}

int import_k8s_text(const char *text, size_t len, const char *file, const import_k8s_options *opts,
                    import_draft *draft, FILE *notes, model_diag *diag) {
  k8s k;
  memset(&k, 0, sizeof k);
  k.opts = opts;
  k.draft = draft;
  k.notes = notes;
  k.diag = diag;
  if (check_backups(opts, diag) || import_draft_add_environment(draft, opts->environment)) return -1;
  if (opts->region && !import_draft_primary(draft) && import_draft_add_region(draft, opts->region, 1, NULL)) return -1;
  if (run_text(&k, text, len, file, 0) || run_text(&k, text, len, file, 1)) return -1;
  if (k.n_claims == 0 && notes) fprintf(notes, "note: no PersistentVolumeClaim in %s\n", file);
  return 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      if (cap >= K8S_MAX_BYTES) break;
      cap = cap ? cap * 2 : 1 << 14;
      char *p = realloc(buf, cap + 1);
      if (!p) { free(buf); fclose(f); return NULL; }
      buf = p;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(buf); return NULL; }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int import_k8s_dir(const char *dir, const import_k8s_options *opts, import_draft *draft,
                   FILE *notes, model_diag *diag) {
  DIR *d = opendir(dir);
  if (!d) {
    model_diag_add(diag, dir, 0, 0, "cannot read the folder");
    return -1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  int rc = -1;
  while ((e = readdir(d)) && n < K8S_MAX_FILES) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.') continue;
    if (!((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) || (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)))
      continue;
    char **p = realloc(names, (n + 1) * sizeof *names);
    if (!p) goto done;
    names = p;
    if (!(names[n] = strdup(e->d_name))) goto done;
    n++;
  }
  qsort(names, n, sizeof *names, by_name);
  k8s k;
  memset(&k, 0, sizeof k);
  k.opts = opts;
  k.draft = draft;
  k.notes = notes;
  k.diag = diag;
  if (check_backups(opts, diag) || import_draft_add_environment(draft, opts->environment)) goto done;
  if (opts->region && !import_draft_primary(draft) && import_draft_add_region(draft, opts->region, 1, NULL)) goto done;
  char **texts = calloc(n ? n : 1, sizeof *texts);
  size_t *lens = calloc(n ? n : 1, sizeof *lens);
  char **paths = calloc(n ? n : 1, sizeof *paths);
  int bad = !texts || !lens || !paths;
  for (size_t i = 0; i < n && !bad; i++) {
    size_t pl = strlen(dir) + strlen(names[i]) + 2;
    if (!(paths[i] = malloc(pl))) { bad = 1; break; }
    snprintf(paths[i], pl, "%s/%s", dir, names[i]);
    if (!(texts[i] = read_file(paths[i], &lens[i]))) {
      model_diag_add(diag, paths[i], 0, 0, "cannot read the file");
      bad = 1;
    }
  }
  /* storage classes from every file first, then the claims */
  for (int pass = 0; pass < 2 && !bad; pass++)
    for (size_t i = 0; i < n && !bad; i++)
      if (run_text(&k, texts[i], lens[i], paths[i], pass)) bad = 1;
  if (!bad && k.n_claims == 0 && notes) fprintf(notes, "note: no PersistentVolumeClaim in %s\n", dir);
  for (size_t i = 0; i < n; i++) {
    if (texts) free(texts[i]);
    if (paths) free(paths[i]);
  }
  free(texts);
  free(lens);
  free(paths);
  rc = bad ? -1 : 0;
done:
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  closedir(d);
  return rc;
}
