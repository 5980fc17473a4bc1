/*
** study/input.c — a scenario read once (see input.h).
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "study/input.h"
#include "study/status.h"

#include <stdlib.h>
#include <string.h>

struct study_input {
  char *path;
  char *text;
  size_t len;
};

static study_input *input_new(const char *path) {
  study_input *in = calloc(1, sizeof *in);
  if (!in) return NULL;
  size_t n = strlen(path) + 1;
  in->path = malloc(n);
  if (!in->path) {
    free(in);
    return NULL;
  }
  memcpy(in->path, path, n);
  return in;
}

int study_input_read(const char *path, study_input **out, model_diag *diag) {
  *out = NULL;
  study_input *in = input_new(path);
  if (!in) {
    model_diag_add(diag, model_scenario_source_name(path), 0, 0,
                   "out of memory while reading the scenario");
    model_diag_set_nomem(diag);
    return STUDY_EIO;
  }
  in->text = model_scenario_read_file(path, &in->len, diag);
  if (!in->text) {
    study_input_free(in);
    return model_diag_nomem(diag) ? STUDY_EIO : STUDY_EINPUT;
  }
  *out = in;
  return STUDY_OK;
}

int study_input_from_text(const char *path, const char *text, study_input **out) {
  *out = NULL;
  study_input *in = input_new(path);
  if (!in) return STUDY_EIO;
  in->len = strlen(text);
  in->text = malloc(in->len + 1);
  if (!in->text) {
    study_input_free(in);
    return STUDY_EIO;
  }
  memcpy(in->text, text, in->len + 1);
  *out = in;
  return STUDY_OK;
}

int study_input_load(const study_input *in, const char *const *overrides, size_t n_overrides,
                     const model_load_opts *opts, model_scenario **out, model_diag *diag) {
  *out = NULL;
  if (model_scenario_load_string_opts(in->text, in->len, study_input_name(in), overrides,
                                      n_overrides, opts, out, diag) != 0) {
    model_scenario_free(*out);
    *out = NULL;
    return model_diag_nomem(diag) ? STUDY_EIO : STUDY_EINPUT;
  }
  return STUDY_OK;
}

const char *study_input_text(const study_input *in) { return in->text; }
const char *study_input_path(const study_input *in) { return in->path; }
const char *study_input_name(const study_input *in) { return model_scenario_source_name(in->path); }

char *study_input_folder(const study_input *in) {
  const char *path = in->path;
  const char *slash = strcmp(path, "-") ? strrchr(path, '/') : NULL;
  if (!slash) return realpath(".", NULL);
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (!dir) return NULL;
  memcpy(dir, path, n);
  dir[n] = '\0';
  char *real = realpath(dir, NULL);
  free(dir);
  return real;
}

void study_input_free(study_input *in) {
  if (!in) return;
  free(in->path);
  free(in->text);
  free(in);
}
