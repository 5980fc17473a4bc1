/*
** import/drift.h — what changed in the platform since a scenario was
** written: the scenario is compared with a draft of the current Terraform
** state (import/terraform.h), item by item. An item is matched by the
** "# terraform: ADDRESS" mark the importer wrote on its first line, else by
** name. Only values that come from the platform are compared (regions,
** environments, zones, replication mode and target, backup retention, the
** kind and grace period of a failover, a standby pool's warm and required
** nodes); values that are assumptions (durations, lags, intervals) are the
** planner's to calibrate and never drift.
*/
#ifndef DRSIM_IMPORT_DRIFT_H
#define DRSIM_IMPORT_DRIFT_H

#include <stddef.h>
#include <stdio.h>
#include "import/terraform.h"
#include "models/diag.h"

typedef struct import_drift_result {
  size_t changes;      /* changed, new and gone items (lines starting "changed", "new", "gone") */
  size_t notes;        /* lint notes: the scenario disagrees with what the platform can do */
  size_t checked;      /* scenario items matched to a resource */
  size_t unchecked;    /* scenario items that came from elsewhere (no mark, no matching name) */
} import_drift_result;

/* Compare the scenario `scen` (text, its file name for messages) with the
** Terraform state `state` (the output of `terraform show -json`). One line
** per finding goes to `out`:
**   changed  component NAME (ADDRESS): WHAT OLD -> NEW
**   new      component NAME (ADDRESS): in the platform, not in the scenario
**   gone     component NAME (ADDRESS): in the scenario, no longer in the platform
**   note     component NAME (ADDRESS): ...   (the scenario says otherwise than the platform allows)
** (standby pools likewise). `opts->environment` is the environment of
** untagged resources; the primary region is the scenario's. Returns 0 with
** *res filled, or -1 with diag (the scenario or the state does not load;
** notes of the state import go to `notes` when not NULL). */
int import_drift(const char *scen, size_t scen_len, const char *scen_file,
                 const char *state, size_t state_len, const char *state_file,
                 const import_terraform_options *opts, FILE *out, FILE *notes,
                 import_drift_result *res, model_diag *diag);

#endif
