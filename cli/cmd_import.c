/*
** cli/cmd_import.c — `drsim import SOURCE ...`: draft a scenario from what
** already exists (a GitHub Actions failover workflow, a Terraform state,
** Kubernetes manifests; the importers are import/'s), optionally spliced into an existing scenario
** (--into). The result is validated with the scenario loader before it is
** written; notes (assumed gates, resources not modelled) go to stderr.
** cli_cmd_import is longer than 100 lines on purpose: it is one sequence
** (options, read, import, splice, validate, drift note, write), each step
** one call into import/ with its own message, sharing six buffers released
** in one place; split, the steps would pass all of them around.
*/
#include "cli/common.h"
#include "import/draft.h"
#include "import/drift.h"
#include "import/gha.h"
#include "import/k8s.h"
#include "import/splice.h"
#include "import/terraform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim import github-workflow FILE.yml --environment ENV [--no-gate NAME ...]\n"
       "                                    [--standby JOB=POOL ...] [common]\n"
       "       drsim import terraform STATE.json [--environment ENV] [common]\n"
       "       drsim import kubernetes DIR [--environment ENV] [--region REGION]\n"
       "                               [--backup [CLASS=]INTERVAL[:RETENTION] ...] [--backup-to REGION] [common]\n"
       "common: [--primary REGION] [--into SCENARIO.yaml] [-o OUT.yaml] [--name NAME]\n"
       "\n"
       "Drafts a scenario from what already exists and prints it (or writes -o):\n"
       "  github-workflow  jobs become steps (needs kept; a job in a GitHub environment\n"
       "                   becomes a manual approval step unless --no-gate NAME;\n"
       "                   timeout-minutes -> timeout; retry actions -> retry)\n"
       "  terraform        `terraform show -json` output: AKS clusters and node pools,\n"
       "                   storage accounts, SQL failover groups, Cosmos DB, PostgreSQL\n"
       "                   flexible servers, Key Vault, Front Door / Traffic Manager;\n"
       "                   unknown resource types are listed on stderr\n"
       "  kubernetes       PersistentVolumeClaims (and StatefulSet volume claim\n"
       "                   templates) become data components with the backup policy\n"
       "                   --backup names (e.g. --backup 24h:30d, --backup premium=1h)\n"
       "\n"
       "options:\n"
       "  --environment ENV  drsim environment (github-workflow: required; others: for\n"
       "                     resources without an 'environment' tag, default production)\n"
       "  --no-gate NAME     GitHub environment NAME has no required reviewers (repeatable)\n"
       "  --standby JOB=POOL job JOB brings standby pool POOL up (a pool of the --into\n"
       "                     scenario, e.g. one drafted from Terraform; repeatable)\n"
       "  --primary REGION   the primary region (terraform default: where most resources are;\n"
       "                     otherwise a placeholder unless --into)\n"
       "  --region REGION    kubernetes: region of the cluster (default: --into's primary)\n"
       "  --backup-to REGION kubernetes: where backups land (default: the first standby)\n"
       "  --into SCENARIO    splice the draft into this scenario: its regions and\n"
       "                     environments are used, items it already has are kept\n"
       "  -o FILE            write the scenario to FILE instead of stdout\n"
       "  --name NAME        the draft's scenario name\n"
       "\n"
       "Every duration the sources do not hold is marked\n"
       "  # ASSUMPTION: no timing data; calibrate from drills\n"
       "and every placeholder PLACEHOLDER. See docs/import.md.\n"
       "exit status: 0 ok, 2 bad input (or a draft that does not validate), 3 I/O error");
}

typedef enum source_kind { SRC_GHA, SRC_TERRAFORM, SRC_K8S } source_kind;

/* Regions and environment names taken from the --into scenario. */
static void seed_from_scenario(import_draft *d, const model_scenario *sc) {
  for (size_t r = 0; r < sc->n_regions; r++)
    if (sc->regions[r].primary) import_draft_add_region(d, sc->regions[r].name, 1, NULL);
  for (size_t r = 0; r < sc->n_regions; r++)
    if (!sc->regions[r].primary) import_draft_add_region(d, sc->regions[r].name, 0, NULL);
}

static int write_text(const char *path, const char *text, size_t len) {
  FILE *f = path ? fopen(path, "wb") : stdout;
  if (!f) {
    cli_error("import", "cannot write %s: %s", path, strerror(errno));
    return CLI_EXIT_IO;
  }
  size_t w = fwrite(text, 1, len, f);
  int bad = w != len;
  if (path) bad |= fclose(f) != 0;
  else bad |= fflush(f) != 0;
  if (bad) {
    cli_error("import", "cannot write %s", path ? path : "stdout");
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_cmd_import(int argc, char **argv) {
  cli_strlist pos = {0}, no_gate = {0}, backups = {0}, standby = {0};
  const char *environment = NULL, *primary = NULL, *region = NULL, *backup_to = NULL;
  const char *into = NULL, *out_path = NULL, *name = NULL;
  int help = 0;
  cli_opt opts[] = {
    {"--environment", CLI_OPT_STRING, &environment, 0, 0, NULL},
    {"--no-gate", CLI_OPT_LIST, &no_gate, 0, 0, NULL},
    {"--standby", CLI_OPT_LIST, &standby, 0, 0, NULL},
    {"--primary", CLI_OPT_STRING, &primary, 0, 0, NULL},
    {"--region", CLI_OPT_STRING, &region, 0, 0, NULL},
    {"--backup", CLI_OPT_LIST, &backups, 0, 0, NULL},
    {"--backup-to", CLI_OPT_STRING, &backup_to, 0, 0, NULL},
    {"--into", CLI_OPT_STRING, &into, 0, 0, NULL},
    {"-o", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--name", CLI_OPT_STRING, &name, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  model_scenario *target = NULL;
  import_draft *draft = NULL;
  model_diag *diag = model_diag_new();
  char *src_text = NULL, *draft_text = NULL, *into_text = NULL, *merged = NULL;
  size_t draft_len = 0;
  if (!diag) return CLI_EXIT_IO;
  if ((status = cli_args_parse("import", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 2) {
    cli_error("import", "expected a source kind and a file; usage: drsim import "
                        "github-workflow|terraform|kubernetes PATH (see drsim import --help)");
    goto done;
  }
  source_kind kind;
  const char *what = pos.items[0], *path = pos.items[1];
  if (strcmp(what, "github-workflow") == 0) kind = SRC_GHA;
  else if (strcmp(what, "terraform") == 0) kind = SRC_TERRAFORM;
  else if (strcmp(what, "kubernetes") == 0) kind = SRC_K8S;
  else {
    cli_error("import", "unknown source '%s'; use github-workflow, terraform or kubernetes", what);
    goto done;
  }
  if (kind == SRC_GHA && !environment) {
    cli_error("import", "github-workflow needs --environment ENV (the drsim environment it recovers)");
    goto done;
  }
  if (into && (status = cli_load_scenario(into, NULL, NULL, &target)) != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;

  char defname[256];
  snprintf(defname, sizeof defname, "draft from %s", path);
  draft = import_draft_new(name ? name : defname, NULL);
  if (!draft) { status = CLI_EXIT_IO; goto done; }
  if (target) seed_from_scenario(draft, target);
  if (primary && kind != SRC_TERRAFORM && !target && import_draft_add_region(draft, primary, 1, NULL)) {
    status = CLI_EXIT_IO;
    goto done;
  }

  int rc = -1;
  if (kind == SRC_K8S) {
    import_k8s_options ko = {environment ? environment : "production", region, backup_to,
                             backups.items, backups.n};
    rc = import_k8s_dir(path, &ko, draft, stderr, diag);
  } else {
    src_text = cli_read_text(path);
    if (!src_text) {
      cli_error("import", "cannot read %s: %s", path, strerror(errno));
      status = CLI_EXIT_IO;
      goto done;
    }
    if (kind == SRC_GHA) {
      import_gha_options go = {environment, no_gate.items, no_gate.n, standby.items, standby.n};
      rc = import_gha(src_text, strlen(src_text), path, &go, draft, stderr, diag);
    } else {
      import_terraform_options to = {environment ? environment : "production", primary};
      rc = import_terraform(src_text, strlen(src_text), path, &to, draft, stderr, diag);
    }
  }
  if (rc != 0) {
    if (model_diag_count(diag) == 0) { status = CLI_EXIT_IO; cli_error("import", "out of memory"); }
    model_diag_print(diag, stderr);
    goto done;
  }
  draft_text = import_draft_text(draft, &draft_len);
  if (!draft_text) { status = CLI_EXIT_IO; goto done; }
  const char *result = draft_text;
  size_t result_len = draft_len;
  if (into) {
    into_text = cli_read_text(into);
    if (!into_text) {
      cli_error("import", "cannot read %s: %s", into, strerror(errno));
      status = CLI_EXIT_IO;
      goto done;
    }
    if (import_splice(into_text, strlen(into_text), into, draft_text, draft_len, "the draft",
                      &merged, stderr, diag) != 0) {
      model_diag_print(diag, stderr);
      goto done;
    }
    result = merged;
    result_len = strlen(merged);
  }
  /* The draft must be a scenario the loader accepts. */
  model_scenario *check = NULL;
  const char *shown = out_path ? out_path : "draft";
  if (model_scenario_load_string(result, result_len, shown, NULL, 0, &check, diag) != 0) {
    model_diag_print(diag, stderr);
    cli_error("import", "the drafted scenario does not validate (above); nothing written");
    goto done;
  }
  model_scenario_free(check);
  if (kind == SRC_TERRAFORM && into) {
    /* Items the scenario kept may disagree with the state: say so. */
    import_terraform_options to = {environment ? environment : "production", primary};
    import_drift_result dr;
    FILE *quiet = fopen("/dev/null", "w");
    if (import_drift(result, result_len, into, src_text, strlen(src_text), path, &to, stderr, quiet, &dr,
                     diag) == 0 && (dr.changes || dr.notes))
      fprintf(stderr, "note: the lines above compare %s's items with %s (drsim drift)\n", into, path);
    if (quiet) fclose(quiet);
  }
  status = write_text(out_path, result, result_len);
done:
  free(src_text);
  free(draft_text);
  free(into_text);
  free(merged);
  import_draft_free(draft);
  model_scenario_free(target);
  model_diag_free(diag);
  cli_strlist_free(&pos);
  cli_strlist_free(&no_gate);
  cli_strlist_free(&backups);
  cli_strlist_free(&standby);
  return status;
}

static void merge_usage(void) {
  puts("usage: drsim merge-draft SCENARIO.yaml DRAFT.yaml ... [-o OUT.yaml]\n"
       "\n"
       "Splices each DRAFT (e.g. written by drsim import) into SCENARIO in turn, as\n"
       "`drsim import ... --into` does: their components, standby pools, workflows,\n"
       "new environments and the standby regions those use are appended, comments\n"
       "kept; what SCENARIO (or an earlier draft) already has is kept, with a note.\n"
       "The result is validated, then printed (or written to -o). See docs/import.md.\n"
       "exit status: 0 ok, 2 bad input (or a result that does not validate), 3 I/O error");
}

int cli_cmd_merge_draft(int argc, char **argv) {
  cli_strlist pos = {0};
  const char *out_path = NULL;
  int help = 0;
  cli_opt opts[] = {
    {"-o", CLI_OPT_STRING, &out_path, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  char *acc = NULL;
  model_diag *diag = model_diag_new();
  if (!diag) return CLI_EXIT_IO;
  if (cli_args_parse("merge-draft", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) { merge_usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n < 2) {
    cli_error("merge-draft", "expected a scenario and at least one draft; usage: drsim merge-draft "
                             "SCENARIO.yaml DRAFT.yaml ... [-o OUT.yaml]");
    goto done;
  }
  for (size_t i = 0; i < pos.n; i++) {
    char *text = cli_read_text(pos.items[i]);
    if (!text) {
      cli_error("merge-draft", "cannot read %s: %s", pos.items[i], strerror(errno));
      status = errno == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO;
      goto done;
    }
    if (i == 0) {
      acc = text;
      continue;
    }
    char *merged = NULL;
    int rc = import_splice(acc, strlen(acc), i == 1 ? pos.items[0] : "the merged scenario", text,
                           strlen(text), pos.items[i], &merged, stderr, diag);
    free(text);
    if (rc != 0) {
      model_diag_print(diag, stderr);
      goto done;
    }
    free(acc);
    acc = merged;
  }
  model_scenario *check = NULL;
  if (model_scenario_load_string(acc, strlen(acc), out_path ? out_path : "merged", NULL, 0, &check, diag) != 0) {
    model_diag_print(diag, stderr);
    cli_error("merge-draft", "the merged scenario does not validate (above); nothing written");
    goto done;
  }
  model_scenario_free(check);
  status = write_text(out_path, acc, strlen(acc));
done:
  free(acc);
  model_diag_free(diag);
  cli_strlist_free(&pos);
  return status;
}
