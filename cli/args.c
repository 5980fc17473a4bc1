/*
** cli/args.c — option parsing for drsim's commands (see args.h).
*/
#include "cli/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_strlist_push(cli_strlist *l, const char *s) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    const char **items = realloc(l->items, cap * sizeof *items);
    if (!items) return -1;
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = s;
  return 0;
}

void cli_strlist_free(cli_strlist *l) {
  if (!l) return;
  free(l->items);
  l->items = NULL;
  l->n = l->cap = 0;
}

size_t cli_args_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return (size_t)-1;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Parse an unsigned decimal integer with no sign, exponent or junk: "1e99"
** and "-5" are refused rather than silently truncated. */
static int parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s) return -1;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno == ERANGE || *end) return -1;
  *out = (uint64_t)v;
  return 0;
}

static const cli_opt *find_opt(const cli_opt *opts, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
  return NULL;
}

int cli_args_parse(const char *cmd, int argc, char **argv, int first,
                   const cli_opt *opts, size_t n_opts, cli_strlist *positional) {
  /* -h or --help anywhere before "--" asks for the help and nothing else:
  ** the other arguments are not checked (`drsim run -h` must not complain
  ** about a missing scenario). */
  const cli_opt *help = find_opt(opts, n_opts, "--help", 6);
  if (help && help->kind == CLI_OPT_FLAG)
    for (int i = first; i < argc && strcmp(argv[i], "--") != 0; i++)
      if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
        *(int *)help->dest = 1;
        if (help->seen) *help->seen = 1;
        return 0;
      }
  int only_positional = 0;
  for (int i = first; i < argc; i++) {
    const char *arg = argv[i];
    if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if (cli_strlist_push(positional, arg)) goto nomem;
      continue;
    }
    if (strcmp(arg, "--") == 0) { only_positional = 1; continue; }
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const cli_opt *o = find_opt(opts, n_opts, arg, len);
    if (!o) {
      const char *best = NULL;
      size_t best_d = 4;
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)(len < 100 ? len : 100), arg);
      for (size_t k = 0; k < n_opts; k++) {
        size_t d = cli_args_distance(name, opts[k].name);
        if (d < best_d) { best_d = d; best = opts[k].name; }
      }
      if (best)
        fprintf(stderr, "drsim %s: error: unknown option '%s'; did you mean '%s'?\n", cmd, name, best);
      else
        fprintf(stderr, "drsim %s: error: unknown option '%s'; see 'drsim %s --help'\n", cmd, name, cmd);
      return CLI_EXIT_USAGE;
    }
    if (o->seen) *o->seen = 1;
    if (o->kind == CLI_OPT_FLAG) {
      if (eq) {
        fprintf(stderr, "drsim %s: error: option '%s' takes no value\n", cmd, o->name);
        return CLI_EXIT_USAGE;
      }
      *(int *)o->dest = 1;
      continue;
    }
    const char *value = eq ? eq + 1 : NULL;
    if (!value) {
      if (i + 1 >= argc) {
        fprintf(stderr, "drsim %s: error: option '%s' needs a value\n", cmd, o->name);
        return CLI_EXIT_USAGE;
      }
      value = argv[++i];
    }
    switch (o->kind) {
    case CLI_OPT_STRING:
      if (!*value) {
        fprintf(stderr, "drsim %s: error: option '%s' needs a non-empty value\n", cmd, o->name);
        return CLI_EXIT_USAGE;
      }
      *(const char **)o->dest = value;
      break;
    case CLI_OPT_U64: {
      uint64_t v;
      if (parse_u64(value, &v) || v < o->min || v > o->max) {
        fprintf(stderr,
                "drsim %s: error: %s '%s' is not valid; give a whole number from %llu to %llu\n",
                cmd, o->name, value, (unsigned long long)o->min, (unsigned long long)o->max);
        return CLI_EXIT_USAGE;
      }
      *(uint64_t *)o->dest = v;
      break;
    }
    case CLI_OPT_LIST:
      if (cli_strlist_push((cli_strlist *)o->dest, value)) goto nomem;
      break;
    case CLI_OPT_FLAG:
      break;
    }
  }
  return 0;
nomem:
  fprintf(stderr, "drsim %s: error: out of memory\n", cmd);
  return CLI_EXIT_IO;
}
