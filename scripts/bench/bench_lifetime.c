/*
** scripts/bench/bench_lifetime.c — throughput of lifetime mode
** (models/lifetime_sim.c), run by scripts/bench-lifetime.sh on one core.
**
** Runs consecutive trials of a lifetime scenario (default: the reference,
** scenarios/azure-aks-east-west-lifetime.yaml) on one model_lifetime_sim for
** a fixed wall time and prints trials/s, simulated years/s and
** component-years/s. Component-years count the components that fail and
** are repaired (those the sweep simulates); the figure over all components
** is printed too. The target in issue 7 is >= 100 k simulated
** component-years/s per core. The mean availability per environment is
** printed as a sanity check (and so the work cannot be optimised away).
**
** Usage: bench_lifetime [SCENARIO.yaml] [seconds, default 3]
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "models/scenario.h"
#include "models/units.h"

/* Bench targets get no compile definitions: the default path is relative to
** the working directory unless a build defines DRSIM_SOURCE_DIR. */
#ifndef DRSIM_SOURCE_DIR
#define DRSIM_SOURCE_DIR "."
#endif

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : DRSIM_SOURCE_DIR "/scenarios/azure-aks-east-west-lifetime.yaml";
  double seconds = argc > 2 ? atof(argv[2]) : 3.0;
  if (!(seconds > 0)) seconds = 3.0;
  model_scenario *sc = NULL;
  model_diag *diag = model_diag_new();
  if (!diag || model_scenario_load_file(path, NULL, 0, &sc, diag) != 0) {
    if (diag) model_diag_print(diag, stderr);
    model_diag_free(diag);
    return 2;
  }
  model_diag_free(diag);
  model_lifetime_sim *s = model_lifetime_sim_new(sc);
  void *rec = calloc(1, model_outcome_size(sc));
  double *avail = calloc(sc->n_environments ? sc->n_environments : 1, sizeof *avail);
  if (!s || !rec || !avail) {
    fprintf(stderr, "bench_lifetime: out of memory (or the scenario has no horizon)\n");
    return 3;
  }
  size_t n_fail = 0;
  for (size_t c = 0; c < sc->n_components; c++) n_fail += sc->components[c].has_failure != 0;
  double years = sc->horizon_s / MODEL_UNITS_YEAR;

  uint64_t n = 0, incidents = 0, failures = 0;
  double t0 = now_s(), t1;
  do {
    for (int k = 0; k < 256; k++, n++) {
      if (model_lifetime_sim_trial(s, sc->seed, n, rec, NULL, NULL)) {
        fprintf(stderr, "bench_lifetime: trial %llu failed\n", (unsigned long long)n);
        return 3;
      }
      model_trial_view v = model_outcome_view(sc, rec);
      for (size_t e = 0; e < sc->n_environments; e++) {
        avail[e] += v.env[e].availability;
        incidents += (uint64_t)v.env[e].disaster_incidents;
      }
      for (size_t c = 0; c < sc->n_components; c++) failures += (uint64_t)v.components[c].failures;
    }
    t1 = now_s();
  } while (t1 - t0 < seconds);
  double dt = t1 - t0, tps = (double)n / dt;

  printf("scenario            %s (%zu components, %zu fail and are repaired, horizon %.3g y)\n",
         sc->name, sc->n_components, n_fail, years);
  printf("trials              %llu in %.2f s, one thread\n", (unsigned long long)n, dt);
  printf("trials/s            %.0f\n", tps);
  printf("simulated years/s   %.0f\n", tps * years);
  printf("component-years/s   %.0f (components that fail; %.0f over all %zu)\n",
         tps * years * (double)n_fail, tps * years * (double)sc->n_components, sc->n_components);
  printf("failures/s          %.0f (%.1f per trial)\n", (double)failures / dt,
         (double)failures / (double)n);
  printf("disaster incidents  %.4f per trial-environment\n",
         (double)incidents / (double)n / (double)(sc->n_environments ? sc->n_environments : 1));
  for (size_t e = 0; e < sc->n_environments; e++)
    printf("mean availability   %-12s %.5f\n", sc->environments[e].name, avail[e] / (double)n);
  free(avail);
  free(rec);
  model_lifetime_sim_free(s);
  model_scenario_free(sc);
  return 0;
}
