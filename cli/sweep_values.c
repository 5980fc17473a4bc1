/*
** cli/sweep_values.c — study points and sweep stores with their errors
** printed (see sweep_values.h).
*/
#include "cli/sweep_values.h"
#include "cli/common.h"

#include <stdio.h>

int cli_sweep_point_run(study_point *p) {
  const char *cmd = p->cmd ? p->cmd : "sweep";
  model_diag *own = NULL;
  if (!p->diag && !(p->diag = own = model_diag_new())) {
    cli_error(cmd, "out of memory");
    return CLI_EXIT_IO;
  }
  study_error err;
  int rs = study_point_run(p, &err);
  if (own) {
    if (rs != STUDY_OK && !p->sc) model_diag_print(own, stderr);   /* it did not load */
    model_diag_free(own);
    p->diag = NULL;
  }
  if (rs != STUDY_OK && err.text[0]) cli_error(cmd, "%s", err.text);
  return cli_exit_from_study(rs);
}

int cli_sweep_open_existing(const char *cmd, const char *db_path, int64_t sweep_id,
                            report_store **store) {
  study_error err;
  int rs = study_point_open_existing(db_path, sweep_id, store, &err);
  if (rs != STUDY_OK) cli_error(cmd, "%s", err.text);
  return cli_exit_from_study(rs);
}

int cli_sweep_open_store(const char *cmd, const char *db_path, report_store **store,
                         int64_t *sweep_id) {
  study_error err;
  int rs = study_point_open_store(db_path, store, sweep_id, &err);
  if (rs != STUDY_OK) cli_error(cmd, "%s", err.text);
  return cli_exit_from_study(rs);
}
