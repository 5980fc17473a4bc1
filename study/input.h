/*
** study/input.h — one scenario input: the file (or standard input, "-")
** read once, and every scenario of a study (the run, each point of a sweep,
** each draw) loaded from that text with its own overrides. The text is what
** a run stores for --resume and what MPI ranks rebuild the scenario from.
*/
#ifndef DRSIM_STUDY_INPUT_H
#define DRSIM_STUDY_INPUT_H

#include <stddef.h>
#include "models/diag.h"
#include "models/scenario.h"

typedef struct study_input study_input;

/* Read `path` ("-": standard input) whole, once. Returns STUDY_OK and *out,
** or STUDY_EINPUT (cannot open, a directory, too large) / STUDY_EIO (out of
** memory) with the reason in diag ("FILE:0:0: error: ..."), *out = NULL. */
int study_input_read(const char *path, study_input **out, model_diag *diag);

/* An input over a text already in memory (copied), named as `path` would
** be. Returns STUDY_OK and *out, or STUDY_EIO (out of memory). */
int study_input_from_text(const char *path, const char *text, study_input **out);

/* Load the scenario from the input's text with overrides ("PATH=VALUE")
** and opts (NULL: defaults). Returns STUDY_OK and *out, or STUDY_EINPUT
** (STUDY_EIO when out of memory) with the diagnostics in diag, *out = NULL.
** Warnings (overrides of unused values) are in diag in both cases. */
int study_input_load(const study_input *in, const char *const *overrides, size_t n_overrides,
                     const model_load_opts *opts, model_scenario **out, model_diag *diag);

/* The text as read (NUL-terminated; owned by the input). */
const char *study_input_text(const study_input *in);

/* The path as given, and the name messages use ("<stdin>" for "-"). */
const char *study_input_path(const study_input *in);
const char *study_input_name(const study_input *in);

/* The absolute folder of the scenario file (where its `file:` names
** resolve), the current directory for standard input; malloc'ed, or NULL
** (errno set). */
char *study_input_folder(const study_input *in);

/* Release; NULL is a no-op. */
void study_input_free(study_input *in);

#endif
