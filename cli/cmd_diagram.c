/*
** cli/cmd_diagram.c — `drsim diagram SCENARIO [--db FILE --run ID]
** [-o FILE.svg|.png|.html|.dot] [--environment ENV] [--set k=v ...]`: the
** disaster-recovery architecture diagram of a scenario with its recovery
** workflows (reports/diagram.h), annotated with a stored run's figures
** when --db or --run is given.
*/
#include "study/detail.h"
#include "cli/common.h"
#include "reports/diagram.h"
#include "reports/store.h"
#include "reports/summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
  puts("usage: drsim diagram SCENARIO.yaml [-o FILE.svg|.png|.html|.dot] [--environment ENV]\n"
       "                     [--db FILE] [--run ID] [--set key.path=value ...]\n"
       "\n"
       "Draws the scenario's disaster-recovery architecture, laid out by Graphviz:\n"
       "regions as clusters (primary left, standby regions right, shared services\n"
       "on top), components styled by role (solid active, dashed standby, dotted\n"
       "replica/backup) and coloured by kind (blue active, light blue standby,\n"
       "green replication, red failover, yellow monitoring/detection, purple\n"
       "network/DNS), replication arrows with their figures, failover arrows,\n"
       "standby pools with warm and required nodes; beside it each environment's\n"
       "recovery workflow: numbered steps, diamonds for manual steps and\n"
       "validations, orange boxes for automated steps, RTO/RPO milestones.\n"
       "A component's optional `kind:` key sets its kind; otherwise it is inferred\n"
       "from the name (see scenarios/README.md).\n"
       "\n"
       "  -o FILE            .svg (default: stdout), .png, .html (a page with the\n"
       "                     SVG inline) or .dot (the laid-out Graphviz graph)\n"
       "  --environment ENV  only that environment (and the shared services)\n"
       "  --db FILE, --run ID  add the simulated figures of a stored run of this\n"
       "                     scenario (default run: the newest; default database\n"
       "                     drsim-results.db when only --run is given): step\n"
       "                     median/p95 and criticality, RTO/RPO p50/p95 against\n"
       "                     the objective, each flow's RPO contribution\n"
       "  --set k=v          override a scenario value, as for drsim run\n"
       "SCENARIO '-' reads the scenario from standard input.\n"
       CLI_ALLOW_PATH_HELP
       "exit status: 0 ok, 2 bad input, 3 I/O or database error");
}

typedef enum { OUT_SVG, OUT_PNG, OUT_HTML, OUT_DOT } out_kind;

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The figures of a stored run of sc (the newest unless run_seen) for the
** diagram's labels; errors printed. Returns a CLI_EXIT_* status. */
static int load_figures(const char *db, int run_seen, uint64_t run, const model_scenario *sc,
                        report_store **st, report_summary **s, report_diagram_figures **fig) {
  report_error err;
  if (report_store_open(db, REPORT_STORE_READONLY, st, &err) != REPORT_OK) {
    fprintf(stderr, "drsim diagram: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  /* Step and RPO percentiles of a run without detail rows: simulated again. */
  if (study_detail_attach(*st, 0, NULL) != STUDY_OK) {
    fprintf(stderr, "drsim diagram: error: out of memory\n");
    return CLI_EXIT_IO;
  }
  int64_t id = (int64_t)run;
  if (!run_seen && report_store_latest_run(*st, &id, &err) != REPORT_OK) {
    fprintf(stderr, "drsim diagram: error: %s\n", err.text);
    return CLI_EXIT_USAGE;
  }
  int rc = report_summary_build(*st, id, s, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim diagram: error: %s\n", err.text);
    return rc == REPORT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
  }
  const report_run *r = report_summary_run(*s);
  if (strcmp(r->scenario_name, sc->name) != 0) {
    cli_error("diagram", "run %lld of %s is of scenario '%s', not '%s'", (long long)id, db,
              r->scenario_name, sc->name);
    return CLI_EXIT_USAGE;
  }
  if (r->scenario_hash && sc->text_hash && strcmp(r->scenario_hash, sc->text_hash) != 0)
    fprintf(stderr, "drsim diagram: warning: run %lld was made from another version of %s "
                    "(or other --set overrides); its figures are matched by name\n",
            (long long)id, sc->name);
  if (report_diagram_figures_load(*st, *s, fig, &err) != REPORT_OK) {
    fprintf(stderr, "drsim diagram: error: %s\n", err.text);
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

/* The rendered diagram to out (NULL or "-": standard output), an HTML page
** around it for OUT_HTML. Returns a CLI_EXIT_* status. */
static int write_out(const char *out, out_kind kind, const char *name, const char *data,
                     size_t len) {
  FILE *f = out && strcmp(out, "-") != 0 ? fopen(out, kind == OUT_PNG ? "wb" : "w") : stdout;
  if (!f) {
    cli_error("diagram", "cannot write %s: %s", out, strerror(errno));
    return CLI_EXIT_IO;
  }
  int wrc = 0;
  if (kind == OUT_HTML) {
    char title[512];
    snprintf(title, sizeof title, "%s: disaster-recovery architecture", name);
    wrc = report_diagram_write_html(f, data, title) != REPORT_OK;
  } else {
    wrc = fwrite(data, 1, len, f) != len;
  }
  int crc = f == stdout ? fflush(f) : fclose(f);
  if (wrc || crc) {
    cli_error("diagram", "cannot write %s: %s", out ? out : "stdout", strerror(errno));
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_cmd_diagram(int argc, char **argv) {
  cli_strlist sets = {0}, pos = {0}, allow = {0};
  int help = 0, run_seen = 0, db_seen = 0;
  uint64_t run = 0;
  const char *db = "drsim-results.db", *out = NULL, *environment = NULL;
  cli_opt opts[] = {
    {"--db", CLI_OPT_STRING, &db, 0, 0, &db_seen},
    {"--run", CLI_OPT_U64, &run, 1, INT64_MAX, &run_seen},
    {"-o", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--output", CLI_OPT_STRING, &out, 0, 0, NULL},
    {"--environment", CLI_OPT_STRING, &environment, 0, 0, NULL},
    {"--set", CLI_OPT_LIST, &sets, 0, 0, NULL},
    {"--allow-path", CLI_OPT_LIST, &allow, 0, 0, NULL},
    {"--help", CLI_OPT_FLAG, &help, 0, 0, NULL},
  };
  int status = CLI_EXIT_USAGE;
  model_scenario *sc = NULL;
  report_store *st = NULL;
  report_summary *s = NULL;
  report_diagram_figures *fig = NULL;
  char *data = NULL;
  size_t len = 0;
  if (cli_args_parse("diagram", argc, argv, 2, opts, sizeof opts / sizeof *opts, &pos)) goto done;
  if (help) { usage(); status = CLI_EXIT_OK; goto done; }
  if (pos.n != 1) {
    cli_error("diagram", "expected exactly one scenario file; usage: drsim diagram SCENARIO.yaml [-o FILE.svg]");
    goto done;
  }
  out_kind kind = OUT_SVG;
  if (out && strcmp(out, "-") != 0) {
    if (ends_with(out, ".png")) kind = OUT_PNG;
    else if (ends_with(out, ".html") || ends_with(out, ".htm")) kind = OUT_HTML;
    else if (ends_with(out, ".dot") || ends_with(out, ".gv")) kind = OUT_DOT;
    else if (!ends_with(out, ".svg")) {
      cli_error("diagram", "-o %s: the name must end in .svg, .png, .html or .dot", out);
      goto done;
    }
  }
  model_load_opts lo = cli_load_opts(&allow);
  if ((status = cli_load_scenario(pos.items[0], &sets, &lo, &sc)) != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_USAGE;
  if (environment && model_scenario_find_environment(sc, environment) < 0) {
    cli_error("diagram", "--environment '%s' is not an environment of %s", environment, sc->name);
    goto done;
  }
  report_error err;
  if ((db_seen || run_seen) &&
      (status = load_figures(db, run_seen, run, sc, &st, &s, &fig)) != CLI_EXIT_OK)
    goto done;
  status = CLI_EXIT_USAGE;
  report_diagram_options o = {environment, fig};
  int rc = report_diagram_render(sc, &o, kind == OUT_PNG ? REPORT_DIAGRAM_PNG
                                         : kind == OUT_DOT ? REPORT_DIAGRAM_DOT
                                                           : REPORT_DIAGRAM_SVG,
                                 &data, &len, &err);
  if (rc != REPORT_OK) {
    fprintf(stderr, "drsim diagram: error: %s\n", err.text);
    status = rc == REPORT_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_USAGE;
    goto done;
  }
  if ((status = write_out(out, kind, sc->name, data, len)) != CLI_EXIT_OK) goto done;
  status = CLI_EXIT_OK;
done:
  free(data);
  report_diagram_figures_free(fig);
  report_summary_free(s);
  report_store_close(st);
  model_scenario_free(sc);
  cli_strlist_free(&sets);
  cli_strlist_free(&allow);
  cli_strlist_free(&pos);
  return status;
}
