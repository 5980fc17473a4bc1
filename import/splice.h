/*
** import/splice.h — combine a draft into a scenario at the text level, so
** every comment (where a value came from, ASSUMPTION, PLACEHOLDER) survives:
** the draft's components, standby pools and workflows are appended to the
** scenario's lists, its environments to the objectives, and the standby
** regions its new items use to the regions. What the scenario already has
** (an item of the same name, a workflow of the same environment) is kept
** and the draft's is dropped with a note. Top-level keys other than those
** come from the scenario.
*/
#ifndef DRSIM_IMPORT_SPLICE_H
#define DRSIM_IMPORT_SPLICE_H

#include <stddef.h>
#include <stdio.h>
#include "models/diag.h"

/* Splice `src` (src_len bytes, named src_name in messages) into `dst`.
** Lists must be block lists ("- item" lines) in both. Returns 0 and a
** malloc'ed NUL-terminated *out; or -1 with diag (not YAML, a flow-style
** list to add to, a draft item in a region the scenario does not have as a
** standby). Notes about dropped items go to `notes` when not NULL. The
** result is not validated: load it with the scenario loader. */
int import_splice(const char *dst, size_t dst_len, const char *dst_name,
                  const char *src, size_t src_len, const char *src_name,
                  char **out, FILE *notes, model_diag *diag);

#endif
