/*
** import/k8s.h — Kubernetes manifests (a folder of YAML files, several
** documents per file allowed) as draft data components: every
** PersistentVolumeClaim, and every volume claim template of a StatefulSet,
** becomes a component whose replication is the backup policy the user
** names (--backup INTERVAL[:RETENTION], per storage class CLASS=...). Storage
** classes found in the manifests say whether the disk is zone-redundant.
*/
#ifndef DRSIM_IMPORT_K8S_H
#define DRSIM_IMPORT_K8S_H

#include <stddef.h>
#include <stdio.h>
#include "import/draft.h"
#include "models/diag.h"

typedef struct import_k8s_options {
  const char *environment;          /* drsim environment of the claims (required) */
  const char *region;               /* cluster region (made the draft's primary when it
                                       has none); NULL: the draft's primary */
  const char *backup_to;            /* where backups land; NULL: the draft's first standby */
  const char *const *backups;       /* "[CLASS=]INTERVAL[:RETENTION]" or "[CLASS=]none" */
  size_t n_backups;
} import_k8s_options;

/* Read every *.yaml and *.yml file directly in `dir` (in name order) and
** add its claims to `draft`. Returns 0, or -1 with diag (a folder that
** cannot be read, YAML errors as file:line:col, a malformed --backup). */
int import_k8s_dir(const char *dir, const import_k8s_options *opts, import_draft *draft,
                   FILE *notes, model_diag *diag);

/* The same for one file's text (`file` names it in messages and markers). */
int import_k8s_text(const char *text, size_t len, const char *file, const import_k8s_options *opts,
                    import_draft *draft, FILE *notes, model_diag *diag);

#endif
