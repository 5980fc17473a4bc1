/*
** import/terraform.h — the output of `terraform show -json` (azurerm
** resources) as draft components and standby pools: AKS clusters and their
** node pools (a cluster in the primary region is a component, one in
** another region a standby pool sized from the primary's node counts),
** storage accounts (GRS/RA-GRS/GZRS replicate to the Azure pair), SQL
** failover groups (grace_minutes -> failover.after), SQL databases outside
** a group (geo-restore), Cosmos DB (locations, consistency), PostgreSQL
** flexible servers (geo-redundant backup), Key Vault, Container Registry
** geo-replicas, Front Door and Traffic Manager. Every item's first line is
** marked "# terraform: ADDRESS" so `drsim drift` can find it again.
*/
#ifndef DRSIM_IMPORT_TERRAFORM_H
#define DRSIM_IMPORT_TERRAFORM_H

#include <stddef.h>
#include <stdio.h>
#include "import/draft.h"
#include "models/diag.h"

typedef struct import_terraform_options {
  const char *environment;   /* for resources without an `environment` tag */
  const char *primary;       /* primary region; NULL: the draft's, else where most resources are */
} import_terraform_options;

/* The marker that starts a comment naming a resource's address. */
#define IMPORT_TERRAFORM_MARK "# terraform: "

/* Parse the JSON state `text` (len bytes; `file` names it in messages) and
** add what it holds to `draft`. Resource types not modelled are listed on
** `notes` (when not NULL), one line each, and as comments in the draft;
** types known to play no part in recovery (resource groups, networks,
** role assignments, ...) are counted in one line. Returns 0, or -1 with
** diag (not JSON, no values.root_module, a region that cannot be named). */
int import_terraform(const char *text, size_t len, const char *file,
                     const import_terraform_options *opts, import_draft *draft,
                     FILE *notes, model_diag *diag);

#endif
