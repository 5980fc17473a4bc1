/*
** import/drift.c — scenario against the current Terraform state (see
** drift.h): both are loaded as scenarios (the state through a draft) and
** compared item by item.
*/
#include "import/drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "import/draft.h"
#include "import/region_pairs.h"
#include "models/scenario.h"

typedef struct item {
  int standby;           /* 0 component, 1 standby pool */
  size_t index;
  const char *name;
  char addr[512];        /* "" when unmarked */
  int matched;
} item;

/* The address in the "# terraform: " mark on 1-based line `line`. */
static void mark_at(const char *text, size_t len, int line, char *buf, size_t n) {
  buf[0] = '\0';
  const char *p = text, *end = text + len;
  for (int l = 1; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return;
    p = nl + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *le = nl ? nl : end;
  size_t ml = strlen(IMPORT_TERRAFORM_MARK);
  for (const char *q = p; q + ml <= le; q++) {
    if (strncmp(q, IMPORT_TERRAFORM_MARK, ml) != 0) continue;
    q += ml;
    size_t k = 0;
    while (q < le && *q != ' ' && *q != '\t' && *q != '\r' && k + 1 < n) buf[k++] = *q++;
    buf[k] = '\0';
    return;
  }
}

static item *items_of(const model_scenario *sc, const char *text, size_t len, size_t *n) {
  *n = sc->n_components + sc->n_standby;
  item *it = calloc(*n ? *n : 1, sizeof *it);
  if (!it) return NULL;
  for (size_t c = 0; c < sc->n_components; c++) {
    it[c].index = c;
    it[c].name = sc->components[c].name;
    mark_at(text, len, sc->components[c].loc.line, it[c].addr, sizeof it[c].addr);
  }
  for (size_t p = 0; p < sc->n_standby; p++) {
    item *x = &it[sc->n_components + p];
    x->standby = 1;
    x->index = p;
    x->name = sc->standby[p].name;
    mark_at(text, len, sc->standby[p].loc.line, x->addr, sizeof x->addr);
  }
  return it;
}

static const char *kind_word(const item *x) { return x->standby ? "standby" : "component"; }

static const char *env_name(const model_scenario *sc, int e) {
  return e >= 0 ? sc->environments[e].name : "(shared)";
}

static const char *region_name(const model_scenario *sc, int r) {
  return r >= 0 ? sc->regions[r].name : "(none)";
}

static const char *repl_word(model_repl_mode m) {
  switch (m) {
    case MODEL_REPL_SYNC: return "sync";
    case MODEL_REPL_ASYNC: return "async";
    case MODEL_REPL_PERIODIC: return "periodic";
    default: return "none";
  }
}

static const char *failover_word(model_failover_kind k) {
  return k == MODEL_FAILOVER_AUTO ? "automatic" : k == MODEL_FAILOVER_BY_STEP ? "by a step" : "none";
}

static const char *zone_word(int z, char *buf, size_t n) {
  if (z == 0) snprintf(buf, n, "redundant");
  else snprintf(buf, n, "%d", z);
  return buf;
}

/* The resource type in an address such as module.x.azurerm_storage_account.y */
static int addr_is_type(const char *addr, const char *type) {
  const char *p = strstr(addr, type);
  size_t tl = strlen(type);
  return p && (p == addr || p[-1] == '.') && p[tl] == '.';
}

/* Types whose geo copy Azure sends only to the region's pair. */
static int pair_bound(const char *addr) {
  return addr_is_type(addr, "azurerm_storage_account") || addr_is_type(addr, "azurerm_key_vault") ||
         addr_is_type(addr, "azurerm_postgresql_flexible_server") || addr_is_type(addr, "azurerm_mssql_database");
}

typedef struct cmp {
  FILE *out;
  const model_scenario *s, *d;
  const item *si, *di;
  import_drift_result *res;
} cmp;

static void changed(cmp *c, const char *what, const char *old, const char *now) {
  fprintf(c->out, "changed  %s %s (%s): %s %s -> %s\n", kind_word(c->si), c->si->name,
          *c->di->addr ? c->di->addr : c->si->addr, what, old, now);
  c->res->changes++;
}

static void compare_component(cmp *c) {
  const model_component *a = &c->s->components[c->si->index], *b = &c->d->components[c->di->index];
  char x[64], y[64];
  if (strcmp(region_name(c->s, a->region), region_name(c->d, b->region)) != 0)
    changed(c, "region", region_name(c->s, a->region), region_name(c->d, b->region));
  if (strcmp(env_name(c->s, a->environment), env_name(c->d, b->environment)) != 0)
    changed(c, "environment", env_name(c->s, a->environment), env_name(c->d, b->environment));
  if (a->zone != b->zone) changed(c, "zone", zone_word(a->zone, x, sizeof x), zone_word(b->zone, y, sizeof y));
  const model_replication *ra = &a->replication, *rb = &b->replication;
  if (ra->mode != rb->mode) {
    changed(c, "replication", repl_word(ra->mode), repl_word(rb->mode));
  } else if (ra->mode != MODEL_REPL_NONE) {
    const char *ta = region_name(c->s, ra->to_region), *tb = region_name(c->d, rb->to_region);
    if (strcmp(ta, tb) != 0) {
      const char *home = region_name(c->d, b->region);
      const char *pair = import_region_pair(home);
      if (pair_bound(c->di->addr) && pair && strcmp(pair, tb) == 0) {
        fprintf(c->out, "note     component %s (%s): the scenario replicates to %s, but its geo-redundant "
                        "copy can go only to %s's Azure pair, %s\n", c->si->name, c->di->addr, ta, home, pair);
        c->res->notes++;
      } else {
        changed(c, "replication target", ta, tb);
      }
    }
    if (ra->mode == MODEL_REPL_PERIODIC && fabs(ra->retention_s - rb->retention_s) > 0.5 &&
        !(isinf(ra->retention_s) && isinf(rb->retention_s))) {
      import_duration(ra->retention_s, x, sizeof x);
      import_duration(rb->retention_s, y, sizeof y);
      changed(c, "retention", isinf(ra->retention_s) ? "forever" : x, isinf(rb->retention_s) ? "forever" : y);
    }
  }
  /* A draft's failover is automatic or absent; a scenario's "by a step"
  ** is the planner's refinement of either and is not drift. */
  const model_failover *fa = &a->failover, *fb = &b->failover;
  /* A changed replication mode brings its failover along: one change. */
  if (fa->kind != MODEL_FAILOVER_BY_STEP && ra->mode == rb->mode) {
    if (fa->kind != fb->kind) changed(c, "failover", failover_word(fa->kind), failover_word(fb->kind));
    else if (fa->kind == MODEL_FAILOVER_AUTO && fabs(fa->after_s - fb->after_s) > 0.5)
      changed(c, "failover after", import_duration(fa->after_s, x, sizeof x), import_duration(fb->after_s, y, sizeof y));
  }
}

static void compare_standby(cmp *c) {
  const model_standby *a = &c->s->standby[c->si->index], *b = &c->d->standby[c->di->index];
  char x[32], y[32];
  if (strcmp(region_name(c->s, a->region), region_name(c->d, b->region)) != 0)
    changed(c, "region", region_name(c->s, a->region), region_name(c->d, b->region));
  if (strcmp(env_name(c->s, a->environment), env_name(c->d, b->environment)) != 0)
    changed(c, "environment", env_name(c->s, a->environment), env_name(c->d, b->environment));
  if (a->warm_nodes != b->warm_nodes) {
    snprintf(x, sizeof x, "%d", a->warm_nodes);
    snprintf(y, sizeof y, "%d", b->warm_nodes);
    changed(c, "warm_nodes", x, y);
  }
  if (a->required_nodes != b->required_nodes) {
    snprintf(x, sizeof x, "%d", a->required_nodes);
    snprintf(y, sizeof y, "%d", b->required_nodes);
    changed(c, "required_nodes", x, y);
  }
}

int import_drift(const char *scen, size_t scen_len, const char *scen_file,
                 const char *state, size_t state_len, const char *state_file,
                 const import_terraform_options *opts, FILE *out, FILE *notes,
                 import_drift_result *res, model_diag *diag) {
  memset(res, 0, sizeof *res);
  model_scenario *s = NULL, *d = NULL;
  import_draft *draft = NULL;
  char *dtext = NULL;
  item *si = NULL, *di = NULL;
  size_t ns = 0, nd = 0, dlen = 0;
  int rc = -1;
  if (model_scenario_load_string(scen, scen_len, scen_file, NULL, 0, &s, diag) != 0) goto done;
  if (!(draft = import_draft_new("drift", NULL))) goto done;
  for (size_t r = 0; r < s->n_regions; r++)
    if (s->regions[r].primary) import_draft_add_region(draft, s->regions[r].name, 1, NULL);
  for (size_t r = 0; r < s->n_regions; r++)
    if (!s->regions[r].primary) import_draft_add_region(draft, s->regions[r].name, 0, NULL);
  import_terraform_options o = {opts && opts->environment ? opts->environment : "production", NULL};
  if (import_terraform(state, state_len, state_file, &o, draft, notes, diag) != 0) goto done;
  if (!(dtext = import_draft_text(draft, &dlen))) goto done;
  if (model_scenario_load_string(dtext, dlen, "the state's draft", NULL, 0, &d, diag) != 0) goto done;
  if (!(si = items_of(s, scen, scen_len, &ns)) || !(di = items_of(d, dtext, dlen, &nd))) goto done;

  for (size_t j = 0; j < nd; j++) {
    item *b = &di[j], *a = NULL;
    for (size_t i = 0; i < ns && !a; i++)
      if (!si[i].matched && si[i].standby == b->standby && *si[i].addr && strcmp(si[i].addr, b->addr) == 0) a = &si[i];
    for (size_t i = 0; i < ns && !a; i++)
      if (!si[i].matched && si[i].standby == b->standby && !*si[i].addr && strcmp(si[i].name, b->name) == 0) a = &si[i];
    if (!a) {
      fprintf(out, "new      %s %s (%s): in the platform, not in the scenario\n", kind_word(b), b->name, b->addr);
      res->changes++;
      continue;
    }
    a->matched = b->matched = 1;
    res->checked++;
    cmp c = {out, s, d, a, b, res};
    if (b->standby) compare_standby(&c);
    else compare_component(&c);
  }
  for (size_t i = 0; i < ns; i++) {
    if (si[i].matched) continue;
    if (*si[i].addr) {
      fprintf(out, "gone     %s %s (%s): in the scenario, no longer in the platform\n", kind_word(&si[i]),
              si[i].name, si[i].addr);
      res->changes++;
    } else {
      res->unchecked++;
    }
  }
  rc = 0;
done:
  free(si);
  free(di);
  free(dtext);
  import_draft_free(draft);
  model_scenario_free(s);
  model_scenario_free(d);
  return rc;
}
