/*
** cli/cmd_trace.c — `drsim trace SCENARIO.yaml --trial K`: the timeline of
** one trial, every event with its time. It is the very trial that `drsim run`
** simulated with the same seed (trials depend only on scenario, seed, index).
*/
#include "cli/common.h"
#include "models/disaster_sim.h"
#include "models/lifetime_sim.h"
#include "models/outcome.h"
#include "models/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void) {
  puts("usage: drsim trace SCENARIO.yaml --trial K [--seed S] [--set key.path=value ...] [--csv]\n"
       "       [--strict]\n"
       "Prints the timeline of trial K (0-based) as `drsim run` simulated it\n"
       "with the same seed, then each environment's RTO and RPO. With --csv, the\n"
       "result is printed instead as environment,rto_s,rpo_s,recovered rows with\n"
       "full precision (the values `drsim run` stores for that trial).\n"
       "SCENARIO '-' reads the scenario from standard input. --strict makes a warning\n"
       "(an override of a value the model does not use) an error.\n"
       CLI_ALLOW_PATH_HELP
       "exit status: 0 ok, 2 bad input, 3 out of memory.");
}

static void print_line(void *ctx, double t, const char *text) {
  (void)ctx;
  char clock[32];
  printf("%s  %s\n", model_units_format_clock(t, clock, sizeof clock), text);
}

int cli_cmd_trace(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0};
  int help = 0, seed_seen = 0, trial_seen = 0, csv = 0, strict = 0;
  uint64_t trial = 0, seed = 0;
  cli_opt opts[] = {
    {"--trial", CLI_OPT_U64, &trial, 0, UINT64_C(1000000000000), &trial_seen},
    {"--seed", CLI_OPT_U64, &seed, 0, UINT64_MAX, &seed_seen},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--csv", CLI_OPT_FLAG, &csv, 0, 0, NULL},
    {"--strict", CLI_OPT_FLAG, &strict, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  model_scenario *sc = NULL;
  model_disaster_sim *sim = NULL;
  model_lifetime_sim *life = NULL;
  void *record = NULL;
  if ((status = cli_args_parse("trace", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) != 0) goto done;
  status = CLI_EXIT_USAGE;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("trace", "expected exactly one scenario file; usage: drsim trace SCENARIO.yaml --trial K");
    goto done;
  }
  if (!trial_seen) {
    cli_error("trace", "missing --trial K (the 0-based trial index to show)");
    goto done;
  }
  model_load_opts lo = cli_load_opts(&allow);
  status = cli_load_scenario_flags(pos.items[0], &sets, &lo, strict ? CLI_LOAD_STRICT : 0, &sc);
  if (status != CLI_EXIT_OK) goto done;
  if (!seed_seen) seed = sc->seed;
  if (sc->mode == MODEL_MODE_LIFETIME)
    life = model_lifetime_sim_new(sc);
  else
    sim = model_disaster_sim_new(sc);
  record = calloc(1, model_outcome_size(sc));
  if ((!sim && !life) || !record) {
    cli_error("trace", "out of memory");
    status = CLI_EXIT_IO;
    goto done;
  }
  if (!csv)
    printf("trace of trial %llu, seed %llu, scenario %s\n", (unsigned long long)trial,
           (unsigned long long)seed, sc->name);
  int trc = life ? model_lifetime_sim_trial(life, seed, trial, record, csv ? NULL : print_line, NULL)
                : model_disaster_sim_trial(sim, seed, trial, record, csv ? NULL : print_line, NULL);
  if (trc != 0) {
    cli_error("trace", "internal error while simulating trial %llu", (unsigned long long)trial);
    status = CLI_EXIT_IO;
    goto done;
  }
  model_trial_view v = model_outcome_view(sc, record);
  if (csv) {
    puts(life ? "environment,rto_s,rpo_s,recovered,availability,downtime_s"
              : "environment,rto_s,rpo_s,recovered");
    for (size_t e = 0; e < sc->n_environments; e++) {
      printf("%s,%.17g,%.17g,%d", sc->environments[e].name, v.env[e].rto_s, v.env[e].rpo_s,
             (int)v.env[e].recovered);
      if (life) printf(",%.17g,%.17g", v.env[e].availability, v.env[e].downtime_s);
      putchar('\n');
    }
    status = CLI_EXIT_OK;
    goto done;
  }
  puts("");
  for (size_t e = 0; e < sc->n_environments; e++) {
    char rto[32], rpo[32];
    const model_env_outcome *o = &v.env[e];
    if (o->recovered)
      model_units_format_duration(o->rto_s, rto, sizeof rto);
    else
      snprintf(rto, sizeof rto, "not recovered");
    if (isfinite(o->rpo_s))
      model_units_format_duration(o->rpo_s, rpo, sizeof rpo);
    else
      snprintf(rpo, sizeof rpo, "all data lost");
    if (life) {
      char down[32];
      printf("%-14s availability %.5f %%  downtime %-12s incidents %d  worst RTO %-12s worst RPO %s\n",
             sc->environments[e].name, 100.0 * o->availability,
             model_units_format_duration(o->downtime_s, down, sizeof down), (int)o->incidents, rto, rpo);
    } else {
      printf("%-14s RTO %-14s RPO %s\n", sc->environments[e].name, rto, rpo);
    }
  }
  status = CLI_EXIT_OK;
done:
  free(record);
  model_disaster_sim_free(sim);
  model_lifetime_sim_free(life);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
