/*
** cli/report_lead.c — the answer `drsim report` leads with (see
** report_lead.h): the sentences come from study/explain_run.h, this file
** adds them to the summary and prints the note when there are none.
*/
#include "cli/report_lead.h"

#include <stdio.h>

#include "study/explain_run.h"

int cli_report_leads(report_store *st, report_summary *s, unsigned threads) {
  char **leads = NULL, note[1200];
  size_t n = 0;
  if (study_explain_run_leads(st, report_summary_run(s), threads, &leads, &n, note,
                              sizeof note) != STUDY_OK)
    return -1;
  if (note[0])
    fprintf(stderr, "drsim report: note: the report does not lead with the drivers of misses: %s\n",
            note);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++)
    if (report_summary_add_lead(s, leads[i]) != REPORT_OK) rc = -1;
  study_explain_run_leads_free(leads, n);
  return rc;
}
