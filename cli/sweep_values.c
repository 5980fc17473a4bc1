/*
** cli/sweep_values.c — study points and sweep stores with their errors
** printed (see sweep_values.h).
*/
#include "cli/sweep_values.h"
#include "cli/common.h"

#include <stdio.h>

int cli_sweep_point_run(study_point *p) {
  study_error err;
  int rs = study_point_run(p, &err);
  if (p->failed_diag) model_diag_print(p->failed_diag, stderr);   /* it did not load */
  if (rs != STUDY_OK && err.text[0]) cli_error(p->cmd ? p->cmd : "sweep", "%s", err.text);
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
