/*
** cli/common.h — helpers shared by drsim's commands: loading a scenario with
** its --set overrides (errors printed as file:line:col, exit status 2), and
** the per-command entry points wired up by main.c.
*/
#ifndef DRSIM_CLI_COMMON_H
#define DRSIM_CLI_COMMON_H

#include <signal.h>
#include "cli/args.h"
#include "models/scenario.h"
#include "study/input.h"

/* Load and validate `path` ("-": standard input, "<stdin>" in messages)
** with `overrides` and `opts` (NULL: defaults; see model_load_opts). Prints
** the warnings (overrides of values the model does not use; see
** models/unused.h) to stderr. Returns CLI_EXIT_OK and *out, or prints every
** diagnostic to stderr and returns CLI_EXIT_USAGE (CLI_EXIT_IO when out of
** memory), *out = NULL. */
int cli_load_scenario(const char *path, const cli_strlist *overrides, const model_load_opts *opts,
                      model_scenario **out);

/* cli_load_scenario that also hands back the text exactly as read (the
** file is read once: standard input cannot be read twice), malloc'ed in
** *text (NULL on failure), for storing with the run. */
int cli_load_scenario_text(const char *path, const cli_strlist *overrides,
                           const model_load_opts *opts, model_scenario **out, char **text);

/* Read a scenario once ("-": standard input) into *text (malloc'ed, NUL
** terminated), for commands that load it many times (sweep points).
** Returns CLI_EXIT_OK, or prints "FILE:0:0: error: ..." and returns
** CLI_EXIT_USAGE (cannot open, too large) or CLI_EXIT_IO (out of memory). */
int cli_read_scenario(const char *path, char **text);

/* cli_load_scenario from a text read by cli_read_scenario (NULL: read path
** now); messages name path ("<stdin>" for "-"). */
int cli_load_scenario_from(const char *path, const char *text, const cli_strlist *overrides,
                           const model_load_opts *opts, model_scenario **out);

/* Flags of the *_flags variants below. */
enum {
  CLI_LOAD_STRICT = 1,       /* --strict: a warning fails the load (exit 2) */
  CLI_LOAD_NO_WARNINGS = 2   /* do not print warnings (shown by an earlier load) */
};

/* The three loaders above with flags (they pass 0): with CLI_LOAD_STRICT a
** load that gave warnings fails with CLI_EXIT_USAGE. */
int cli_load_scenario_flags(const char *path, const cli_strlist *overrides,
                            const model_load_opts *opts, unsigned flags, model_scenario **out);
int cli_load_scenario_text_flags(const char *path, const cli_strlist *overrides,
                                 const model_load_opts *opts, unsigned flags,
                                 model_scenario **out, char **text);
int cli_load_scenario_from_flags(const char *path, const char *text,
                                 const cli_strlist *overrides, const model_load_opts *opts,
                                 unsigned flags, model_scenario **out);

/* Read a scenario input once (study/input.h; "-": standard input). Returns
** CLI_EXIT_OK and *in, or prints the diagnostic and "1 error in FILE" as
** the loaders above do and returns CLI_EXIT_USAGE (CLI_EXIT_IO when out of
** memory). */
int cli_input_read(const char *path, study_input **in);

/* Load the input's scenario with overrides, opts and flags (CLI_LOAD_*),
** printing warnings and errors as the loaders above do. Returns
** CLI_EXIT_OK and *out, or CLI_EXIT_USAGE / CLI_EXIT_IO with *out = NULL. */
int cli_input_load(const study_input *in, const cli_strlist *overrides,
                   const model_load_opts *opts, unsigned flags, model_scenario **out);

/* The exit status of a study_status (study/status.h): OK 0, EINPUT 2,
** EIO 3, INTERRUPTED 130. */
int cli_exit_from_study(int study_status);

/* A progress bar on stderr ("[####....]  42.0%  4200/10000 trials  ...
** ETA 3s"), the shape of study_exec's progress callback (ctx unused). */
void cli_progress_bar(void *ctx, uint64_t done, uint64_t total, double elapsed_s);

/* Load options from a command's --allow-path list (the folders besides the
** scenario's own that empirical `file:` samples may be read from). */
model_load_opts cli_load_opts(const cli_strlist *allow_paths);

/* The --help line of --allow-path, shared by the commands that load a
** scenario. */
#define CLI_ALLOW_PATH_HELP \
  "  --allow-path DIR  empirical `file:` samples may also be read from DIR (repeatable);\n" \
  "                    by default only from the scenario's folder and below\n"

/* The lint for silent optimism (models/lint.h): print every finding to
** stderr as file:line:col: warning: ... Returns CLI_EXIT_OK, or with
** `strict` and at least one finding, prints that they count as errors and
** returns CLI_EXIT_USAGE (CLI_EXIT_IO when out of memory). */
int cli_lint(const char *cmd, const model_scenario *sc, int strict);

/* Read a whole file (at most MODEL_MAX_FILE_BYTES) into a NUL-terminated
** malloc'ed buffer; NULL with errno set on failure. */
char *cli_read_text(const char *path);

/* Create directory `path` and any missing parents (as mkdir -p; mode 0777
** less the umask). 0 when it exists afterwards, else -1 with errno set
** (ENOTDIR when a component is a file). */
int cli_mkdirs(const char *path);

/* Until cli_signals_restore(), SIGINT and SIGTERM raise the returned flag
** (one per process: signal handlers cannot take a context) instead of
** killing the process, so runs stop cleanly and keep finished trials. */
volatile sig_atomic_t *cli_signals_catch(void);
void cli_signals_restore(void);

/* Print "drsim CMD: error: MSG\n" to stderr (printf-style). */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Entry points: argv[0] is "drsim", argv[1] the command name. Each returns
** an exit status (CLI_EXIT_*). */
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_trace(int argc, char **argv);
int cli_cmd_run(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
int cli_cmd_runs(int argc, char **argv);
int cli_cmd_compare(int argc, char **argv);
int cli_cmd_export(int argc, char **argv);
int cli_cmd_merge(int argc, char **argv);
int cli_cmd_complete(int argc, char **argv);   /* set-paths, for shell completion */
int cli_cmd_serve(int argc, char **argv);   /* cli/cmd_serve.c */
int cli_cmd_import(int argc, char **argv);
int cli_cmd_drift(int argc, char **argv);
int cli_cmd_merge_draft(int argc, char **argv);
int cli_cmd_diagram(int argc, char **argv);
int cli_cmd_explain(int argc, char **argv);   /* cli/cmd_explain.c */

#endif
