/*
** cli/common.c — scenario loading and error printing shared by commands.
*/
#include "cli/common.h"
#include "models/lint.h"
#include "study/status.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

void cli_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "drsim %s: error: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* After a load: print the warnings (unless CLI_LOAD_NO_WARNINGS) and the
** errors (if it failed), and return the exit status: out of memory 3, bad
** input 2, warnings with CLI_LOAD_STRICT 2, else 0. */
static int finish_load(model_diag *diag, int rc, const char *name, unsigned flags) {
  if (!(flags & CLI_LOAD_NO_WARNINGS)) model_diag_print_warnings(diag, stderr);
  if (rc != 0) {
    model_diag_print(diag, stderr);
    size_t n = model_diag_count(diag);
    /* Out of memory before any diagnostic was recorded (study_input_read
    ** failing to allocate its own record): say so, not "0 errors". */
    if (n == 0 && model_diag_nomem(diag))
      fprintf(stderr, "drsim: error: out of memory while reading %s\n", name);
    else
      fprintf(stderr, "%zu error%s in %s\n", n, n == 1 ? "" : "s", name);
    return model_diag_nomem(diag) ? CLI_EXIT_IO : CLI_EXIT_USAGE;
  }
  size_t w = model_diag_warning_count(diag);
  if (w && (flags & CLI_LOAD_STRICT)) {
    fprintf(stderr, "drsim: error: %zu warning%s about %s and --strict was given\n", w,
            w == 1 ? "" : "s", name);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

int cli_load_scenario_text_flags(const char *path, const cli_strlist *overrides,
                                 const model_load_opts *opts, unsigned flags,
                                 model_scenario **out, char **text) {
  *out = NULL;
  if (text) *text = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  const char *name = model_scenario_source_name(path);
  size_t len = 0;
  char *buf = model_scenario_read_file(path, &len, diag);
  int rc = buf ? model_scenario_load_string_opts(buf, len, name,
                                                 overrides ? overrides->items : NULL,
                                                 overrides ? overrides->n : 0, opts, out, diag)
               : -1;
  int status = finish_load(diag, rc, name, flags);
  model_diag_free(diag);
  if (status != CLI_EXIT_OK) {
    model_scenario_free(*out);
    *out = NULL;
    free(buf);
    buf = NULL;
  }
  if (text) *text = buf;
  else free(buf);
  return status;
}

int cli_read_scenario(const char *path, char **text) {
  *text = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  size_t len = 0;
  *text = model_scenario_read_file(path, &len, diag);
  int status = CLI_EXIT_OK;
  if (!*text) {
    model_diag_print(diag, stderr);
    status = model_diag_nomem(diag) ? CLI_EXIT_IO : CLI_EXIT_USAGE;
  }
  model_diag_free(diag);
  return status;
}

int cli_load_scenario_from_flags(const char *path, const char *text,
                                 const cli_strlist *overrides, const model_load_opts *opts,
                                 unsigned flags, model_scenario **out) {
  if (!text) return cli_load_scenario_text_flags(path, overrides, opts, flags, out, NULL);
  *out = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  const char *name = model_scenario_source_name(path);
  int rc = model_scenario_load_string_opts(text, strlen(text), name,
                                           overrides ? overrides->items : NULL,
                                           overrides ? overrides->n : 0, opts, out, diag);
  int status = finish_load(diag, rc, name, flags);
  model_diag_free(diag);
  if (status != CLI_EXIT_OK) {
    model_scenario_free(*out);
    *out = NULL;
  }
  return status;
}

int cli_load_scenario_flags(const char *path, const cli_strlist *overrides,
                            const model_load_opts *opts, unsigned flags, model_scenario **out) {
  return cli_load_scenario_text_flags(path, overrides, opts, flags, out, NULL);
}

int cli_load_scenario(const char *path, const cli_strlist *overrides, const model_load_opts *opts,
                      model_scenario **out) {
  return cli_load_scenario_text_flags(path, overrides, opts, 0, out, NULL);
}

int cli_load_scenario_text(const char *path, const cli_strlist *overrides,
                           const model_load_opts *opts, model_scenario **out, char **text) {
  return cli_load_scenario_text_flags(path, overrides, opts, 0, out, text);
}

int cli_load_scenario_from(const char *path, const char *text, const cli_strlist *overrides,
                           const model_load_opts *opts, model_scenario **out) {
  return cli_load_scenario_from_flags(path, text, overrides, opts, 0, out);
}

int cli_input_read(const char *path, study_input **in) {
  *in = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  int rs = study_input_read(path, in, diag);
  int status = rs == STUDY_OK ? CLI_EXIT_OK
                              : finish_load(diag, -1, model_scenario_source_name(path), 0);
  model_diag_free(diag);
  return status;
}

int cli_input_load(const study_input *in, const cli_strlist *overrides,
                   const model_load_opts *opts, unsigned flags, model_scenario **out) {
  *out = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) {
    fprintf(stderr, "drsim: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  int rs = study_input_load(in, overrides ? overrides->items : NULL, overrides ? overrides->n : 0,
                            opts, out, diag);
  int status = finish_load(diag, rs == STUDY_OK ? 0 : -1, study_input_name(in), flags);
  model_diag_free(diag);
  if (status != CLI_EXIT_OK) {
    model_scenario_free(*out);
    *out = NULL;
  }
  return status;
}

int cli_exit_from_study(int study_status) {
  switch (study_status) {
  case STUDY_OK: return CLI_EXIT_OK;
  case STUDY_EINPUT: return CLI_EXIT_USAGE;
  case STUDY_INTERRUPTED: return CLI_EXIT_INTERRUPTED;
  default: return CLI_EXIT_IO;
  }
}

void cli_progress_bar(void *ctx, uint64_t done, uint64_t total, double elapsed) {
  (void)ctx;
  double rate = elapsed > 0 ? (double)done / elapsed : 0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, filled = total ? (int)((double)width * (double)done / (double)total) : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '.';
  bar[width] = 0;
  fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu trials  %.0f trials/s  ETA %.0fs   ", bar,
          total ? 100.0 * (double)done / (double)total : 100.0, (unsigned long long)done,
          (unsigned long long)total, rate, eta);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

model_load_opts cli_load_opts(const cli_strlist *allow_paths) {
  model_load_opts o;
  memset(&o, 0, sizeof o);
  if (allow_paths) {
    o.allow_paths = allow_paths->items;
    o.n_allow_paths = allow_paths->n;
  }
  return o;
}

char *cli_read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || cap >= MODEL_MAX_FILE_BYTES) break;
    char *bigger = realloc(buf, cap * 2 + 1);
    if (!bigger) {
      free(buf);
      buf = NULL;
      errno = ENOMEM;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (buf && bad) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  if (buf) buf[n] = '\0';
  return buf;
}

int cli_mkdirs(const char *path) {
  size_t n = strlen(path);
  if (n == 0) {
    errno = ENOENT;
    return -1;
  }
  char *p = malloc(n + 1);
  if (!p) {
    errno = ENOMEM;
    return -1;
  }
  memcpy(p, path, n + 1);
  int rc = 0;
  for (char *q = p + 1; rc == 0; q++) {
    if (*q != '/' && *q != '\0') continue;
    char c = *q;
    *q = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
    *q = c;
    if (c == '\0') break;
  }
  struct stat st;
  if (rc == 0 && stat(path, &st) != 0) rc = -1;
  else if (rc == 0 && !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    rc = -1;
  }
  int e = errno;
  free(p);
  errno = e;
  return rc;
}

static volatile sig_atomic_t stop_requested = 0;
static struct sigaction old_int, old_term;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

volatile sig_atomic_t *cli_signals_catch(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  stop_requested = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  return &stop_requested;
}

void cli_signals_restore(void) {
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

int cli_lint(const char *cmd, const model_scenario *sc, int strict) {
  model_lint *l = model_lint_run(sc);
  if (!l) {
    cli_error(cmd, "out of memory");
    return CLI_EXIT_IO;
  }
  size_t n = model_lint_count(l);
  model_lint_print(l, sc, stderr);
  model_lint_free(l);
  if (strict && n) {
    fprintf(stderr, "%zu warning%s treated as error%s (--strict)\n", n, n == 1 ? "" : "s",
            n == 1 ? "" : "s");
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}
