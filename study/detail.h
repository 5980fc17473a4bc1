/*
** study/detail.h — the detail source of the results store: a stored run's
** per-trial step, component and pool values simulated again on demand, for
** runs that kept one compact row per trial and environment (every run
** without --detail steps). A trial depends only on (scenario, overrides,
** seed, trial number), so the re-simulated values are the ones --detail
** steps would have stored, bit for bit; each simulated trial's RTO is
** checked against the stored one, and a run that does not reproduce is an
** error, never a silent difference. See reports/store.h
** (report_store_set_detail_source) for what the store asks.
*/
#ifndef DRSIM_STUDY_DETAIL_H
#define DRSIM_STUDY_DETAIL_H

#include "models/scenario.h"
#include "reports/store.h"
#include "study/status.h"

/* Install in st a detail source simulating on `threads` threads (0: all
** cores) and loading a run's scenario with opts (the struct is copied,
** what it points to must outlive st; NULL: defaults). The store owns it.
** Returns STUDY_OK, or STUDY_EIO when out of memory (st is then left
** without a source). */
int study_detail_attach(report_store *st, unsigned threads, const model_load_opts *opts);

#endif
