/*
** study/flip.c — where an objective flips along one parameter (see flip.h).
*/
#include "study/flip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/units.h"
#include "study/grid.h"

static int end_value(const char *s, double *v, int *integer, int *duration) {
  const char *why = NULL;
  if (study_grid_plain_number(s, v)) {
    *integer = *v == floor(*v) && !strpbrk(s, ".eE");
    *duration = 0;
    return 0;
  }
  *integer = 0;
  *duration = 1;
  return model_units_parse_duration(s, v, &why) == 0 ? 0 : -1;
}

int study_flip_range_parse(const char *spec, study_flip_range *r, char *err, size_t n) {
  memset(r, 0, sizeof *r);
  const char *eq = strchr(spec, '=');
  const char *dots = eq ? strstr(eq + 1, "..") : NULL;
  if (!eq || eq == spec || !dots || (size_t)(eq - spec) >= sizeof r->path) {
    snprintf(err, n, "--range '%s' is not PATH=LO..HI, e.g. "
             "components.sql-prod.failover.after=1h..6h", spec);
    return -1;
  }
  memcpy(r->path, spec, (size_t)(eq - spec));
  char lo[128], hi[128];
  size_t ll = (size_t)(dots - eq - 1);
  if (ll >= sizeof lo || strlen(dots + 2) >= sizeof hi) {
    snprintf(err, n, "--range '%s': the ends are too long", spec);
    return -1;
  }
  memcpy(lo, eq + 1, ll);
  lo[ll] = 0;
  snprintf(hi, sizeof hi, "%s", dots + 2);
  int il, ih, dl, dh;
  if (end_value(lo, &r->lo, &il, &dl) != 0 || end_value(hi, &r->hi, &ih, &dh) != 0 ||
      dl != dh || !(r->lo < r->hi)) {
    snprintf(err, n, "--range '%s': LO and HI must be two numbers or two durations with "
             "LO < HI, e.g. 1..8 or 1h..6h", spec);
    return -1;
  }
  r->integer = il && ih;
  r->duration = dl;
  return 0;
}

char *study_flip_override(const study_flip_range *r, double v, char *buf, size_t n) {
  if (r->integer) snprintf(buf, n, "%s=%lld", r->path, (long long)llround(v));
  else snprintf(buf, n, "%s=%.17g", r->path, v);
  return buf;
}

static int eval_at(const study_flip_range *r, double v, study_flip_eval_fn eval, void *ctx,
                   report_stats_ci *p, size_t *count) {
  char o[700];
  (*count)++;
  return eval(ctx, study_flip_override(r, v, o, sizeof o), p);
}

int study_flip_find(const study_flip_range *r, double share, size_t max_evals,
                    study_flip_eval_fn eval, void *ctx, study_flip_result *out) {
  memset(out, 0, sizeof *out);
  double a = r->lo, b = r->hi;
  report_stats_ci pa, pb;
  int rc;
  if ((rc = eval_at(r, a, eval, ctx, &pa, &out->evaluations)) != STUDY_OK ||
      (rc = eval_at(r, b, eval, ctx, &pb, &out->evaluations)) != STUDY_OK)
    return rc;
  int ma = pa.est >= share, mb = pb.est >= share;
  out->meets_at_lo = ma;
  out->flips = ma != mb;
  double tol = (r->hi - r->lo) / 1000;
  while (out->flips && out->evaluations < max_evals) {
    if (r->integer ? b - a <= 1 : b - a <= tol) break;
    double m = r->integer ? floor((a + b) / 2) : (a + b) / 2;
    report_stats_ci pm;
    if ((rc = eval_at(r, m, eval, ctx, &pm, &out->evaluations)) != STUDY_OK) return rc;
    if ((pm.est >= share) == ma) {
      a = m;
      pa = pm;
    } else {
      b = m;
      pb = pm;
    }
  }
  out->below = a;
  out->above = b;
  out->p_below = pa;
  out->p_above = pb;
  return STUDY_OK;
}
