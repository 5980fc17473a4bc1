/*
** study/trials.c — the scenario's model on the runner's workers (see
** trials.h).
*/
#include "study/trials.h"
#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/outcome.h"

#include <stdlib.h>

/* One worker per thread: the model of the scenario's mode. */
typedef struct trials_worker {
  model_disaster_sim *disaster;  /* disaster mode */
  model_lifetime_sim *lifetime;  /* lifetime mode */
  uint64_t seed;
} trials_worker;

static void *worker_new(void *arg) {
  study_trials *t = arg;
  trials_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->seed = t->seed;
  if (t->sc->mode == MODEL_MODE_LIFETIME)
    w->lifetime = model_lifetime_sim_new(t->sc);
  else
    w->disaster = model_disaster_sim_new(t->sc);
  if (!w->disaster && !w->lifetime) {
    free(w);
    return NULL;
  }
  return w;
}

static void worker_free(void *p) {
  trials_worker *w = p;
  if (!w) return;
  model_disaster_sim_free(w->disaster);
  model_lifetime_sim_free(w->lifetime);
  free(w);
}

static int run_trial(void *p, uint64_t trial, void *record) {
  trials_worker *w = p;
  if (w->lifetime) return model_lifetime_sim_trial(w->lifetime, w->seed, trial, record, NULL, NULL);
  return model_disaster_sim_trial(w->disaster, w->seed, trial, record, NULL, NULL);
}

void study_trials_config(study_trials *t, sim_runner_config *cfg) {
  cfg->chunk = STUDY_TRIALS_CHUNK;
  cfg->result_size = model_outcome_size(t->sc);
  cfg->worker_new = worker_new;
  cfg->worker_free = worker_free;
  cfg->worker_arg = t;
  cfg->trial = run_trial;
}

unsigned study_trials_threads(unsigned requested) {
  return requested ? requested : sim_runner_cores();
}
