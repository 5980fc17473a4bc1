/*
** import/draft.c — building a draft scenario's text (see draft.h).
*/
#include "import/draft.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct region_entry {
  char *name;
  int primary;
  char *comment;
} region_entry;

struct import_draft {
  char *name, *description;
  region_entry *regions;
  size_t n_regions, cap_regions;
  char **envs;
  size_t n_envs, cap_envs;
  char **names;                       /* reserved item names */
  size_t n_names, cap_names;
  char *buf[IMPORT_SECTION_COUNT];
  size_t len[IMPORT_SECTION_COUNT];
  FILE *out[IMPORT_SECTION_COUNT];
};

static char *dupstr(const char *s) {
  size_t n = strlen(s ? s : "") + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s ? s : "", n);
  return p;
}

static int grow(void **items, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 8;
  void *p = realloc(*items, nc * size);
  if (!p) return -1;
  *items = p;
  *cap = nc;
  return 0;
}

import_draft *import_draft_new(const char *name, const char *description) {
  import_draft *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->name = dupstr(name ? name : "draft");
  d->description = description ? dupstr(description) : NULL;
  int bad = !d->name || (description && !d->description);
  for (int s = 0; s < IMPORT_SECTION_COUNT && !bad; s++) {
    d->out[s] = open_memstream(&d->buf[s], &d->len[s]);
    if (!d->out[s]) bad = 1;
  }
  if (bad) {
    import_draft_free(d);
    return NULL;
  }
  return d;
}

void import_draft_free(import_draft *d) {
  if (!d) return;
  for (int s = 0; s < IMPORT_SECTION_COUNT; s++) {
    if (d->out[s]) fclose(d->out[s]);
    free(d->buf[s]);
  }
  for (size_t i = 0; i < d->n_regions; i++) {
    free(d->regions[i].name);
    free(d->regions[i].comment);
  }
  for (size_t i = 0; i < d->n_envs; i++) free(d->envs[i]);
  for (size_t i = 0; i < d->n_names; i++) free(d->names[i]);
  free(d->regions);
  free(d->envs);
  free(d->names);
  free(d->name);
  free(d->description);
  free(d);
}

int import_draft_add_region(import_draft *d, const char *name, int primary, const char *comment) {
  for (size_t i = 0; i < d->n_regions; i++) {
    region_entry *r = &d->regions[i];
    if (strcmp(r->name, name) != 0) continue;
    if (primary && !r->primary) return -1;   /* already a standby */
    if (comment && !r->comment) r->comment = dupstr(comment);
    return 0;
  }
  if (primary && import_draft_primary(d)) return -1;
  if (grow((void **)&d->regions, &d->cap_regions, d->n_regions, sizeof *d->regions)) return -1;
  region_entry *r = &d->regions[d->n_regions];
  r->name = dupstr(name);
  r->primary = primary;
  r->comment = comment ? dupstr(comment) : NULL;
  if (!r->name) return -1;
  d->n_regions++;
  return 0;
}

int import_draft_has_region(const import_draft *d, const char *name) {
  for (size_t i = 0; i < d->n_regions; i++)
    if (strcmp(d->regions[i].name, name) == 0) return 1;
  return 0;
}

const char *import_draft_primary(const import_draft *d) {
  for (size_t i = 0; i < d->n_regions; i++)
    if (d->regions[i].primary) return d->regions[i].name;
  return NULL;
}

const char *import_draft_first_standby(const import_draft *d) {
  for (size_t i = 0; i < d->n_regions; i++)
    if (!d->regions[i].primary) return d->regions[i].name;
  return NULL;
}

int import_draft_add_environment(import_draft *d, const char *env) {
  for (size_t i = 0; i < d->n_envs; i++)
    if (strcmp(d->envs[i], env) == 0) return 0;
  if (grow((void **)&d->envs, &d->cap_envs, d->n_envs, sizeof *d->envs)) return -1;
  if (!(d->envs[d->n_envs] = dupstr(env))) return -1;
  d->n_envs++;
  return 0;
}

FILE *import_draft_section(import_draft *d, import_section section) {
  return section < IMPORT_SECTION_COUNT ? d->out[section] : NULL;
}

char *import_name(const char *in, char *buf, size_t n) {
  size_t k = 0;
  if (n == 0) return buf;
  for (const char *p = in ? in : ""; *p && k + 1 < n && k < 128; p++) {
    unsigned char c = (unsigned char)*p;
    int ok = isalnum(c) || c == '-' || c == '_' || c == '.';
    if (k == 0 && !isalnum(c)) continue;     /* must start with a letter or digit */
    buf[k++] = ok ? (char)c : '-';
  }
  if (k == 0 && n > 1) buf[k++] = 'x';
  buf[k] = '\0';
  return buf;
}

int import_draft_unique_name(import_draft *d, const char *base, char *buf, size_t n) {
  char clean[120];
  import_name(base, clean, sizeof clean);
  snprintf(buf, n, "%s", clean);
  for (int k = 2;; k++) {
    int taken = 0;
    for (size_t i = 0; i < d->n_names && !taken; i++) taken = strcmp(d->names[i], buf) == 0;
    if (!taken) break;
    snprintf(buf, n, "%s-%d", clean, k);
  }
  if (grow((void **)&d->names, &d->cap_names, d->n_names, sizeof *d->names)) return -1;
  if (!(d->names[d->n_names] = dupstr(buf))) return -1;
  d->n_names++;
  return 0;
}

char *import_duration(double seconds, char *buf, size_t n) {
  if (!(seconds >= 0) || !isfinite(seconds)) seconds = 0;
  unsigned long long s = (unsigned long long)llround(seconds);
  if (s == 0) {
    snprintf(buf, n, "0s");
    return buf;
  }
  static const struct { unsigned long long size; char unit; } units[] = {
    {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  size_t k = 0;
  buf[0] = '\0';
  for (size_t u = 0; u < 4 && k + 1 < n; u++) {
    unsigned long long q = s / units[u].size;
    if (q == 0) continue;
    int w = snprintf(buf + k, n - k, "%llu%c", q, units[u].unit);
    if (w < 0 || (size_t)w >= n - k) break;
    k += (size_t)w;
    s -= q * units[u].size;
  }
  return buf;
}

char *import_comment_text(const char *text, char *buf, size_t n) {
  size_t k = 0;
  if (n == 0) return buf;
  for (const char *p = text ? text : ""; *p && k + 1 < n; p++) {
    unsigned char c = (unsigned char)*p;
    buf[k++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
  }
  buf[k] = '\0';
  return buf;
}

/* A YAML double-quoted scalar of free text. */
static void put_quoted(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p < 0x20) fputc(' ', out);
    else fputc(*p, out);
  }
  fputc('"', out);
}

int import_draft_write(import_draft *d, FILE *out) {
  for (int s = 0; s < IMPORT_SECTION_COUNT; s++)
    if (fflush(d->out[s])) return -1;
  fprintf(out, "# Draft scenario written by drsim import. Review every PLACEHOLDER and\n"
               "# ASSUMPTION comment before trusting its figures; see docs/import.md.\n");
  fprintf(out, "version: 1\nname: ");
  put_quoted(out, d->name);
  fputc('\n', out);
  if (d->description) {
    fprintf(out, "description: ");
    put_quoted(out, d->description);
    fputc('\n', out);
  }
  fprintf(out, "\nobjectives:\n");
  if (d->n_envs == 0) import_draft_add_environment(d, "production");
  for (size_t i = 0; i < d->n_envs; i++)
    fprintf(out, "  %s: {rto: 4h}   # PLACEHOLDER: the sources hold no objectives; set rto, rpo, availability\n",
            d->envs[i]);

  fprintf(out, "\nregions:\n");
  if (!import_draft_primary(d))
    fprintf(out, "  - {name: %s, role: primary}   # PLACEHOLDER: the sources name no primary region\n",
            IMPORT_PLACEHOLDER_PRIMARY);
  for (size_t i = 0; i < d->n_regions; i++) {
    const region_entry *r = &d->regions[i];
    if (!r->primary) continue;
    fprintf(out, "  - {name: %s, role: primary}", r->name);
    if (r->comment) fprintf(out, "   # %s", r->comment);
    fputc('\n', out);
  }
  if (!import_draft_first_standby(d))
    fprintf(out, "  - {name: %s, role: standby}   # PLACEHOLDER: the sources name no standby region\n",
            IMPORT_PLACEHOLDER_STANDBY);
  for (size_t i = 0; i < d->n_regions; i++) {
    const region_entry *r = &d->regions[i];
    if (r->primary) continue;
    fprintf(out, "  - {name: %s, role: standby}", r->name);
    if (r->comment) fprintf(out, "   # %s", r->comment);
    fputc('\n', out);
  }
  static const char *const keys[IMPORT_SECTION_COUNT] = {"components", "standby", "workflows"};
  for (int s = 0; s < IMPORT_SECTION_COUNT; s++) {
    if (d->len[s] == 0) continue;
    fprintf(out, "\n%s:\n", keys[s]);
    fwrite(d->buf[s], 1, d->len[s], out);
  }
  return ferror(out) ? -1 : 0;
}

char *import_draft_text(import_draft *d, size_t *len) {
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  if (!f) return NULL;
  int bad = import_draft_write(d, f);
  if (fclose(f) || bad) {
    free(text);
    return NULL;
  }
  if (len) *len = n;
  return text;
}
