/*
** reports/diagram.h — the disaster-recovery architecture diagram of a
** scenario (`drsim diagram`, and the first section of the HTML report),
** laid out by Graphviz (libcgraph builds the graph, libgvc's dot layout
** places it, its renderers write SVG, PNG or DOT).
**
** What is drawn, all of it from the scenario (nothing is specific to one
** architecture):
**  - regions as clusters: the primary region on the left, the standby
**    regions to its right (scenario order), shared components (those without
**    an environment, "global and shared services") in a band on top;
**    inside the primary region one sub-cluster per environment;
**  - components as boxes styled by role and coloured by kind: active
**    services solid and blue, standby services dashed and light blue,
**    replicas and backup copies dotted and green; network and DNS
**    components purple, monitoring yellow, whatever their role; the shape
**    tells the kind (cylinder: database, folder: storage, box3d: cluster,
**    hexagon: network, ellipse: dns, note: monitoring, tab: registry,
**    octagon: secrets, component: gateway, box: unknown). The kind is the
**    scenario's `kind:` key, or inferred from the name
**    (report_diagram_kind);
**  - replication and backup flows as green arrows from the component to its
**    copy in the target region, labelled with the mode and its figures (lag
**    p50/p95, backup interval, copy time p50/p95, failure share,
**    retention); failovers as red arrows to the standby service, labelled
**    "automatic after 1h" or "manual: step 7"; dependencies (depends_on) as
**    blue arrows (normal operation); standby pools with their warm and
**    required nodes (one square a node: filled = warm);
**  - beside the regions, one recovery process flow per environment: the
**    detection (yellow, with yellow arrows to the first steps), the steps
**    numbered in a topological order of their needs, manual steps and
**    validations (names starting with validate, verify, check or approve)
**    as diamonds, automated steps as orange boxes, needs as arrows, and the
**    RTO and RPO objectives as milestone markers.
**
** With figures from a stored run (report_diagram_figures_load), steps also
** carry their simulated median and p95 duration (the mean when the run kept
** no per-trial detail) and criticality share, the milestones the simulated
** p50/p95 RTO and RPO against the objective and the share of trials meeting
** it, replication arrows each flow's simulated RPO contribution (p50/p95
** and the share of trials in which it set its environment's RPO), pools
** their simulated time to service and full capacity.
**
** Stable hooks for tests and styling (SVG <g> elements; Graphviz writes the
** class as "node ..." / "edge ..." / "cluster ..."):
**   nodes    id="component:NAME" class="component role-active|role-standby
**            kind-KIND env-ENV|shared", id="replica:NAME" class="replica",
**            id="standby:NAME" class="standby-service" (a failover target
**            without a replica or pool), id="pool:NAME" class="pool",
**            id="step:ENV/NAME" class="step manual|automated [validation]",
**            id="detection:ENV" class="detection", id="rto:ENV" and
**            id="rpo:ENV" class="milestone rto|rpo", id="legend"
**   edges    id="replication:NAME" class="replication mode-MODE",
**            id="failover:NAME" class="failover automatic|manual",
**            id="depends:A:B" class="depends", id="needs:ENV/A:B" class="needs",
**            id="alert:ENV/STEP" class="alert", id="milestone:ENV/STEP"
**   clusters id="region:NAME" class="region primary|standby", id="global"
**            class="global", id="env:REGION/ENV" class="environment",
**            id="flow:ENV" class="flow"
** Colours are the REPORT_DIAGRAM_* constants below. Fonts are the generic
** "sans-serif" family, so the SVG is self-contained.
*/
#ifndef DRSIM_REPORTS_DIAGRAM_H
#define DRSIM_REPORTS_DIAGRAM_H

#include <stddef.h>
#include <stdio.h>
#include "models/scenario.h"
#include "reports/store.h"
#include "reports/summary.h"

/* The colour table (stroke = lines and arrows, fill = boxes). */
#define REPORT_DIAGRAM_BLUE          "#1f5fbf"  /* primary active services; normal data flow */
#define REPORT_DIAGRAM_BLUE_FILL     "#d6e4fa"
#define REPORT_DIAGRAM_LIGHTBLUE     "#5aa9e6"  /* standby services */
#define REPORT_DIAGRAM_LIGHTBLUE_FILL "#eef6fd"
#define REPORT_DIAGRAM_GREEN         "#2e8b3e"  /* backup and replication */
#define REPORT_DIAGRAM_GREEN_FILL    "#e2f3e4"
#define REPORT_DIAGRAM_RED           "#d62728"  /* disaster and failover */
#define REPORT_DIAGRAM_YELLOW        "#d4a800"  /* monitoring, detection, health checks */
#define REPORT_DIAGRAM_YELLOW_FILL   "#fff4c2"
#define REPORT_DIAGRAM_PURPLE        "#7b3fb5"  /* network connectivity and DNS */
#define REPORT_DIAGRAM_PURPLE_FILL   "#ece1f7"
#define REPORT_DIAGRAM_ORANGE        "#e67e00"  /* recovery automation and workflows */
#define REPORT_DIAGRAM_ORANGE_FILL   "#fde3c8"
#define REPORT_DIAGRAM_MANUAL_FILL   "#ffffff"  /* manual steps: white diamonds, orange border */

typedef enum report_diagram_format {
  REPORT_DIAGRAM_SVG = 0,
  REPORT_DIAGRAM_PNG,
  REPORT_DIAGRAM_DOT           /* the laid-out graph in Graphviz's own language */
} report_diagram_format;

/* Simulated figures of one stored run, matched to the scenario by name. */
typedef struct report_diagram_figures report_diagram_figures;

/* Read the figures of the run summarised by s (report_summary_build on st):
** the summary's rows plus, for runs kept with detail = steps, per-step
** duration and per-component RPO quantiles from the store. REPORT_OK and
** *out (free with report_diagram_figures_free), or a REPORT_* status with
** err filled. */
int report_diagram_figures_load(report_store *st, const report_summary *s,
                                report_diagram_figures **out, report_error *err);
void report_diagram_figures_free(report_diagram_figures *f);   /* NULL is a no-op */

typedef struct report_diagram_options {
  const char *environment;                 /* draw only this environment (and the
                                              shared parts); NULL: all */
  const report_diagram_figures *figures;   /* simulated figures, or NULL: the plan */
} report_diagram_options;

/* Lay out and render the diagram of sc. Not thread-safe: it uses one
** Graphviz context for the whole process (see diagram.c); call it from one
** thread at a time. On REPORT_OK *data is a malloc'ed
** buffer of *len bytes (NUL-terminated for SVG and DOT; free() it).
** REPORT_EINVAL: opt->environment is not an environment of sc, or the
** format's renderer is missing from the Graphviz installation;
** REPORT_ENOMEM; in each case err (may be NULL) says why. opt may be NULL. */
int report_diagram_render(const model_scenario *sc, const report_diagram_options *opt,
                          report_diagram_format format, char **data, size_t *len,
                          report_error *err);

/* Write a rendered SVG (report_diagram_render with REPORT_DIAGRAM_SVG) as an
** inline <svg> element for an HTML page: without the XML prolog and
** DOCTYPE, with data-chart="architecture", class="chart diagram",
** role="img" and a <title> (the scenario's name) first, as
** scripts/check-report.sh expects of every chart. Returns REPORT_OK or
** REPORT_EIO (write error, or svg holds no <svg> element). */
int report_diagram_write_inline(FILE *out, const char *svg, const char *title);

/* Write a standalone HTML page holding the inline SVG (`drsim diagram -o
** FILE.html`): self-contained, no script. REPORT_OK or REPORT_EIO. */
int report_diagram_write_html(FILE *out, const char *svg, const char *title);

/* The kind of component i: the scenario's `kind:` when given, else inferred
** from its name (the first match, names compared case-insensitively as
** substrings, in this order: monitoring: monitor, grafana, prometheus,
** alert, log-analytics, insights; dns: dns, frontdoor, front-door,
** traffic-manager, trafficmanager, route53, cdn; network: expressroute,
** vnet, vpn, peering, network, firewall, circuit, link; registry: acr,
** registry, ecr, gcr, harbor; secrets: vault, secret, kms, hsm; gateway:
** gateway, appgw, lb, load-balancer, loadbalancer, ingress, apim, proxy;
** database: sql, cosmos, postgres, mysql, mongo, redis, database, db;
** storage: storage, blob, file, table, bucket, s3, disk, snapshot,
** backup, volume, pv; cluster: aks, eks, gke, k8s, kube, cluster, node),
** else a periodic replication means storage; MODEL_KIND_UNSET when nothing
** matches. */
model_component_kind report_diagram_kind(const model_scenario *sc, size_t i);

#endif
