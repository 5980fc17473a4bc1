/*
** cli/args.h — command-line parsing shared by every drsim command.
**
** Each command declares its options in a table; cli_args_parse() fills the
** values, collects positional arguments, and reports misuse as a clear error
** (unknown flag with a "did you mean" suggestion, missing value, malformed or
** out-of-range number) so the caller can exit with status 2.
*/
#ifndef DRSIM_CLI_ARGS_H
#define DRSIM_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses (the contract, documented in README.md and docs/results.md). */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_MISSED = 1,  /* --fail-on-miss and an objective was missed */
  CLI_EXIT_USAGE = 2,   /* bad input: scenario, flags */
  CLI_EXIT_IO = 3,      /* I/O or database failure */
  CLI_EXIT_INTERRUPTED = 130  /* SIGINT/SIGTERM: stopped, finished trials kept */
};

typedef enum cli_opt_kind {
  CLI_OPT_FLAG,      /* no value; *(int *)dest = 1 */
  CLI_OPT_STRING,    /* *(const char **)dest = value */
  CLI_OPT_U64,       /* *(uint64_t *)dest, within [min, max] */
  CLI_OPT_LIST       /* repeatable: appended to a cli_strlist */
} cli_opt_kind;

typedef struct cli_strlist {
  const char **items;
  size_t n, cap;
} cli_strlist;

typedef struct cli_opt {
  const char *name;     /* "--trials" */
  cli_opt_kind kind;
  void *dest;
  uint64_t min, max;    /* CLI_OPT_U64 range */
  int *seen;            /* optional: set to 1 when given */
} cli_opt;

/* Parse argv[first..argc) against opts (n_opts entries). Positional
** arguments are appended to *positional. "--name=value" and "--name value"
** both work; "--" ends options. When opts has a "--help" flag and "-h" or
** "--help" appears before "--", only that flag is set and nothing else is
** parsed or checked. Returns 0, or prints
** "drsim CMD: error: ...; see drsim CMD --help" to stderr and returns
** CLI_EXIT_USAGE (CLI_EXIT_IO when out of memory): the command's exit status. */
int cli_args_parse(const char *cmd, int argc, char **argv, int first,
                   const cli_opt *opts, size_t n_opts, cli_strlist *positional);

/* Append to / free a string list (the strings themselves are borrowed). */
int cli_strlist_push(cli_strlist *l, const char *s);
void cli_strlist_free(cli_strlist *l);

/* Levenshtein distance, for suggestions. */
size_t cli_args_distance(const char *a, const char *b);

#endif
