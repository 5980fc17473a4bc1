/*
** cli/report_lead.h — the answer `drsim report` leads with: per environment
** and objective one sentence (P(meet) with its interval, the top drivers
** with their shares, the best counterfactual), from study/explain_run.h on
** the run's trials simulated again.
*/
#ifndef DRSIM_CLI_REPORT_LEAD_H
#define DRSIM_CLI_REPORT_LEAD_H

#include "reports/store.h"
#include "reports/summary.h"

/* Add the sentences to s (report_summary_add_lead) for every environment
** and objective the run has (RTO, RPO; availability in lifetime mode):
** one simulation of the run's trials feeds every analysis, then one
** counterfactual per objective that misses (its top removable condition).
** When the run cannot be simulated again identically (another model
** version, no stored scenario, inputs changed) nothing is added and a note
** says so on stderr: the report is written without the lead. Returns 0, or
** -1 when out of memory or interrupted. */
int cli_report_leads(report_store *st, report_summary *s, unsigned threads);

#endif
