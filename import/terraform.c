/*
** import/terraform.c — `terraform show -json` to draft components and
** standby pools (see terraform.h). JSON is read with jansson.
*/
#include "import/terraform.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "import/region_pairs.h"

typedef struct res {
  const char *address, *type, *name;
  json_t *v;                        /* the resource's "values" */
} res;

typedef struct tf {
  res *r;
  size_t n, cap;
  const char *file;
  const import_terraform_options *opts;
  import_draft *draft;
  FILE *notes, *out, *standby;
  const char *primary;
  char primary_buf[64];
} tf;

/* Types that play no part in recovery (or are read through another). */
static const char *const quiet_types[] = {
  "azurerm_resource_group", "azurerm_virtual_network", "azurerm_subnet",
  "azurerm_virtual_network_peering", "azurerm_network_security_group",
  "azurerm_subnet_network_security_group_association", "azurerm_role_assignment",
  "azurerm_user_assigned_identity", "azurerm_private_endpoint", "azurerm_private_dns_zone",
  "azurerm_private_dns_zone_virtual_network_link", "azurerm_log_analytics_workspace",
  "azurerm_storage_container", "azurerm_key_vault_secret", "azurerm_key_vault_access_policy",
  "azurerm_mssql_server", "azurerm_cosmosdb_sql_database", "azurerm_cosmosdb_sql_container",
  "azurerm_cdn_frontdoor_endpoint", "azurerm_cdn_frontdoor_origin_group",
  "azurerm_cdn_frontdoor_origin", "azurerm_cdn_frontdoor_route",
  "azurerm_kubernetes_cluster_node_pool",   /* read with its cluster */
  "azurerm_traffic_manager_azure_endpoint", "azurerm_traffic_manager_external_endpoint",
};

static const char *str(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s && *s ? s : NULL;
}

/* A count or a number of minutes/days: a field's value in [0, 10^9]; -1
** when absent, null, negative or absurdly large. */
static long long num(json_t *o, const char *k) {
  json_t *x = json_object_get(o, k);
  double v = -1;
  if (json_is_integer(x)) v = (double)json_integer_value(x);
  else if (json_is_real(x)) v = json_real_value(x);
  return (v >= 0 && v <= 1e9) ? (long long)v : -1;
}

static int truthy(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }

/* First element of a nested block (terraform writes blocks as arrays). */
static json_t *block(json_t *o, const char *k) {
  json_t *a = json_object_get(o, k);
  if (json_is_array(a)) return json_array_get(a, 0);
  return json_is_object(a) ? a : NULL;
}

static const char *last_segment(const char *id) {
  if (!id) return NULL;
  const char *s = strrchr(id, '/');
  return s ? s + 1 : id;
}

static int collect(tf *t, json_t *module) {
  json_t *rs = json_object_get(module, "resources");
  size_t i;
  json_t *x;
  json_array_foreach(rs, i, x) {
    const char *mode = str(x, "mode");
    if (mode && strcmp(mode, "managed") != 0) continue;
    if (!str(x, "type") || !json_is_object(json_object_get(x, "values"))) continue;
    if (t->n == t->cap) {
      size_t nc = t->cap ? t->cap * 2 : 32;
      res *p = realloc(t->r, nc * sizeof *p);
      if (!p) return -1;
      t->r = p;
      t->cap = nc;
    }
    res *r = &t->r[t->n++];
    r->type = str(x, "type");
    r->name = str(x, "name") ? str(x, "name") : "";
    r->address = str(x, "address") ? str(x, "address") : r->type;
    r->v = json_object_get(x, "values");
  }
  json_t *children = json_object_get(module, "child_modules");
  json_array_foreach(children, i, x)
    if (collect(t, x)) return -1;
  return 0;
}

static const char *region_of(json_t *v, char *buf, size_t n) {
  const char *loc = str(v, "location");
  if (!loc) return NULL;
  import_region_normalize(loc, buf, n);
  return *buf ? buf : NULL;
}

static const char *env_of(const tf *t, json_t *v, char *buf, size_t n) {
  json_t *tags = json_object_get(v, "tags");
  const char *e = str(tags, "environment");
  if (!e) e = str(tags, "Environment");
  if (!e) e = str(tags, "env");
  if (e) {
    import_name(e, buf, n);
    return buf;
  }
  return t->opts->environment;
}

static int is_type(const res *r, const char *type) { return strcmp(r->type, type) == 0; }

/* The item's first lines: name with the marker, environment, region. */
static int want_standby(tf *t, const char *region, const char *why);

static int begin_item(tf *t, FILE *out, const res *r, const char *base, const char *region,
                      int with_env, char *name, size_t nn) {
  if (import_draft_unique_name(t->draft, base, name, nn)) return -1;
  /* an item outside the primary makes its region a standby region */
  if (strcmp(region, t->primary) != 0 && want_standby(t, region, "resources of the state run here too"))
    return -1;
  char env[130];
  fprintf(out, "  - name: %s   " IMPORT_TERRAFORM_MARK "%s\n", name, r->address);
  if (with_env) {
    const char *e = env_of(t, r->v, env, sizeof env);
    fprintf(out, "    environment: %s\n", e);
    if (import_draft_add_environment(t->draft, e)) return -1;
  }
  fprintf(out, "    region: %s\n", region);
  return 0;
}

/* A standby region, added when first used (comment says why). */
static int want_standby(tf *t, const char *region, const char *why) {
  if (t->primary && strcmp(region, t->primary) == 0) return -1;
  return import_draft_add_region(t->draft, region, 0, why);
}

/* The pair of `region` as a standby region; NULL (and a note) when none. */
static const char *pair_standby(tf *t, const res *r, const char *region) {
  const char *p = import_region_pair(region);
  if (!p) {
    if (t->notes)
      fprintf(t->notes, "note: %s: region '%s' has no Azure pair in drsim's table; its geo copy "
                        "is not modelled\n", r->address, region);
    return NULL;
  }
  char why[128];
  snprintf(why, sizeof why, "Azure pair of %s: geo-redundant copies land here", region);
  if (want_standby(t, p, why)) return NULL;
  return p;
}

/* --- AKS ------------------------------------------------------------------ */

typedef struct pool_sum {
  long long nodes;          /* node_count now (min_count when null) */
  long long max;            /* autoscale max (node_count when fixed) */
  int zones_mask;           /* bit z for zone z */
  char desc[512];
} pool_sum;

static void add_pool(pool_sum *s, json_t *p) {
  long long count = num(p, "node_count"), mn = num(p, "min_count"), mx = num(p, "max_count");
  int autoscale = truthy(p, "enable_auto_scaling") || truthy(p, "auto_scaling_enabled");
  if (count < 0) count = mn >= 0 ? mn : 0;
  s->nodes += count;
  s->max += autoscale && mx >= 0 ? mx : count;
  json_t *zones = json_object_get(p, "zones");
  if (!zones) zones = json_object_get(p, "availability_zones");
  size_t i;
  json_t *z;
  char zs[32] = "";
  json_array_foreach(zones, i, z) {
    const char *zz = json_string_value(z);
    int k = zz ? atoi(zz) : (int)json_integer_value(z);
    if (k >= 1 && k <= 3) {
      s->zones_mask |= 1 << k;
      size_t l = strlen(zs);
      snprintf(zs + l, sizeof zs - l, "%s%d", l ? "," : "", k);
    }
  }
  size_t l = strlen(s->desc);
  if (autoscale)
    snprintf(s->desc + l, sizeof s->desc - l, "%s%s %lld (autoscale %lld-%lld)%s%s%s", l ? ", " : "",
             str(p, "name") ? str(p, "name") : "pool", count, mn < 0 ? 0 : mn, mx < 0 ? count : mx,
             *zs ? " zones " : "", zs, "");
  else
    snprintf(s->desc + l, sizeof s->desc - l, "%s%s %lld%s%s", l ? ", " : "",
             str(p, "name") ? str(p, "name") : "pool", count, *zs ? " zones " : "", zs);
}

static void sum_cluster(const tf *t, const res *r, pool_sum *s) {
  memset(s, 0, sizeof *s);
  json_t *dp = block(r->v, "default_node_pool");
  if (dp) add_pool(s, dp);
  const char *cname = str(r->v, "name");
  for (size_t i = 0; i < t->n; i++) {
    if (!is_type(&t->r[i], "azurerm_kubernetes_cluster_node_pool")) continue;
    const char *cid = str(t->r[i].v, "kubernetes_cluster_id");
    const char *seg = last_segment(cid);
    if (seg && cname && strcmp(seg, cname) == 0) add_pool(s, t->r[i].v);
  }
}

/* The primary-region cluster a standby cluster stands in for: the one whose
** name prefixes the standby's, else the only one of the same environment. */
static const res *counterpart(const tf *t, const res *dr) {
  const char *dn = str(dr->v, "name");
  const res *byenv = NULL;
  int nenv = 0;
  char e1[130], e2[130], rg[64];
  for (size_t i = 0; i < t->n; i++) {
    const res *r = &t->r[i];
    if (!is_type(r, "azurerm_kubernetes_cluster") || r == dr) continue;
    const char *reg = region_of(r->v, rg, sizeof rg);
    if (!reg || strcmp(reg, t->primary) != 0) continue;
    const char *n = str(r->v, "name");
    if (n && dn && strncmp(dn, n, strlen(n)) == 0) return r;
    if (strcmp(env_of(t, r->v, e1, sizeof e1), env_of(t, dr->v, e2, sizeof e2)) == 0) {
      byenv = r;
      nenv++;
    }
  }
  return nenv == 1 ? byenv : NULL;
}

static int do_aks(tf *t, const res *r, const char *region) {
  char name[130];
  pool_sum s;
  sum_cluster(t, r, &s);
  const char *cname = str(r->v, "name") ? str(r->v, "name") : r->name;
  if (strcmp(region, t->primary) == 0) {
    if (begin_item(t, t->out, r, cname, region, 1, name, sizeof name)) return -1;
    int zm = s.zones_mask;
    if (zm == (1 << 1) || zm == (1 << 2) || zm == (1 << 3))
      fprintf(t->out, "    zone: %d   # every node pool in this zone\n", zm == 2 ? 1 : zm == 4 ? 2 : 3);
    fprintf(t->out, "    # node pools now: %s (%lld nodes)\n", s.desc, s.nodes);
    fprintf(t->out, "    # PLACEHOLDER: failover: {by: STEP}, the workflow step that brings up its standby\n");
    return 0;
  }
  /* a cluster outside the primary: a standby pool */
  const res *prim = counterpart(t, r);
  pool_sum ps;
  long long required = s.max;
  char why[600];
  snprintf(why, sizeof why, "autoscale maximum of its node pools");
  if (prim) {
    sum_cluster(t, prim, &ps);
    required = ps.nodes;
    snprintf(why, sizeof why, "%s's nodes now: %s", str(prim->v, "name") ? str(prim->v, "name") : prim->name, ps.desc);
  }
  if (required < s.nodes) required = s.nodes;
  if (required < 1) required = 1;
  if (required > 10000) required = 10000;
  long long warm = s.nodes > required ? required : s.nodes;
  FILE *o = t->standby;
  if (import_draft_unique_name(t->draft, cname, name, sizeof name)) return -1;
  char env[130];
  const char *e = env_of(t, r->v, env, sizeof env);
  if (import_draft_add_environment(t->draft, e)) return -1;
  fprintf(o, "  - name: %s   " IMPORT_TERRAFORM_MARK "%s\n", name, r->address);
  fprintf(o, "    region: %s\n    environment: %s\n", region, e);
  fprintf(o, "    warm_nodes: %lld   # node pools now: %s\n", warm, s.desc);
  fprintf(o, "    required_nodes: %lld   # %s\n", required, why);
  if (required > s.max && t->notes)
    fprintf(t->notes, "note: %s: needs %lld nodes but its node pools reach only %lld (autoscale maximum)\n",
            r->address, required, s.max);
  fprintf(o, "    provision: {dist: lognormal, median: 5m, p95: 12m}   " IMPORT_ASSUMPTION "\n");
  long long par = required - warm < 1 ? 1 : required - warm;
  fprintf(o, "    max_parallel: %lld   # assumption: one scale-out brings the missing nodes up together\n", par);
  if (s.zones_mask) {
    fprintf(o, "    # spread over zones");
    for (int z = 1; z <= 3; z++)
      if (s.zones_mask & (1 << z)) fprintf(o, " %d", z);
    fputc('\n', o);
  }
  return 0;
}

/* --- data services --------------------------------------------------------- */

static int do_storage(tf *t, const res *r, const char *region) {
  char name[130];
  const char *type = str(r->v, "account_replication_type");
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  int geo = type && (strstr(type, "GRS") || strstr(type, "GZRS"));
  const char *to = geo ? pair_standby(t, r, region) : NULL;
  if (to) {
    fprintf(t->out, "    # account_replication_type %s: copied asynchronously to %s's Azure pair, %s%s\n",
            type, region, to, type[0] == 'R' ? " (readable there at once)" : "");
    fprintf(t->out, "    replication: {mode: async, to: %s, lag: {dist: lognormal, median: 3m, p95: 12m}}   "
                    IMPORT_ASSUMPTION "\n", to);
    fprintf(t->out, "    # Writes need a customer-initiated account failover (PLACEHOLDER: or\n"
                    "    # failover: {by: STEP} naming the workflow step that starts it).\n"
                    "    failover: {after: 0s, duration: {dist: lognormal, median: 30m, p95: 1h}}   "
                    IMPORT_ASSUMPTION "\n");
  } else {
    fprintf(t->out, "    # account_replication_type %s: no copy outside %s\n", type ? type : "(not set)", region);
    fprintf(t->out, "    replication: {mode: none}\n");
  }
  return 0;
}

static const res *find_by_id(const tf *t, const char *type, const char *id) {
  if (!id) return NULL;
  for (size_t i = 0; i < t->n; i++) {
    if (!is_type(&t->r[i], type)) continue;
    const char *rid = str(t->r[i].v, "id");
    const char *n = str(t->r[i].v, "name");
    if ((rid && strcmp(rid, id) == 0) || (n && strcmp(n, last_segment(id)) == 0)) return &t->r[i];
  }
  return NULL;
}

static int do_failover_group(tf *t, const res *r, const char *fallback_region) {
  char name[130], rg[64], prg[64], dur[32];
  const res *srv = find_by_id(t, "azurerm_mssql_server", str(r->v, "server_id"));
  const char *region = srv ? region_of(srv->v, rg, sizeof rg) : NULL;
  if (!region) region = fallback_region;
  json_t *partner = block(r->v, "partner_server");
  const char *pregion = region_of(partner, prg, sizeof prg);
  if (!pregion) {
    const res *ps = find_by_id(t, "azurerm_mssql_server", str(partner, "id"));
    pregion = ps ? region_of(ps->v, prg, sizeof prg) : NULL;
  }
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  fprintf(t->out, "    # server %s, partner %s; databases:", srv && str(srv->v, "name") ? str(srv->v, "name") : "?",
          last_segment(str(partner, "id")) ? last_segment(str(partner, "id")) : "?");
  size_t i;
  json_t *db;
  json_array_foreach(json_object_get(r->v, "databases"), i, db)
    fprintf(t->out, " %s", last_segment(json_string_value(db)) ? last_segment(json_string_value(db)) : "?");
  fputc('\n', t->out);
  char why[96];
  snprintf(why, sizeof why, "SQL failover group partner (%s)", r->address);
  if (!pregion || want_standby(t, pregion, why)) {
    fprintf(t->out, "    # partner region unknown or the primary: no cross-region copy modelled\n"
                    "    replication: {mode: none}\n");
    return 0;
  }
  fprintf(t->out, "    replication: {mode: async, to: %s, lag: {dist: lognormal, median: 1s, p95: 5s}}   "
                  IMPORT_ASSUMPTION "\n", pregion);
  json_t *pol = block(r->v, "read_write_endpoint_failover_policy");
  const char *mode = str(pol, "mode");
  long long grace = num(pol, "grace_minutes");
  if (mode && strcmp(mode, "Automatic") == 0 && grace >= 0) {
    fprintf(t->out, "    # after: grace_minutes = %lld (Automatic read-write failover policy)\n", grace);
    fprintf(t->out, "    failover: {after: %s, duration: {dist: lognormal, median: 1m, p95: 5m}}   " IMPORT_ASSUMPTION "\n",
            import_duration((double)grace * 60, dur, sizeof dur));
  } else {
    fprintf(t->out, "    # Manual failover policy: someone starts it (PLACEHOLDER: failover: {by: STEP})\n");
    fprintf(t->out, "    failover: {after: 0s, duration: {dist: lognormal, median: 1m, p95: 5m}}   " IMPORT_ASSUMPTION "\n");
  }
  return 0;
}

static int in_failover_group(const tf *t, const res *db) {
  const char *id = str(db->v, "id");
  const char *n = str(db->v, "name");
  for (size_t i = 0; i < t->n; i++) {
    if (!is_type(&t->r[i], "azurerm_mssql_failover_group")) continue;
    size_t k;
    json_t *x;
    json_array_foreach(json_object_get(t->r[i].v, "databases"), k, x) {
      const char *s = json_string_value(x);
      if (s && ((id && strcmp(s, id) == 0) || (n && strcmp(last_segment(s), n) == 0))) return 1;
    }
  }
  return 0;
}

static int do_sql_database(tf *t, const res *r, const char *fallback_region) {
  if (in_failover_group(t, r)) return 0;
  char name[130], rg[64];
  const res *srv = find_by_id(t, "azurerm_mssql_server", str(r->v, "server_id"));
  const char *region = srv ? region_of(srv->v, rg, sizeof rg) : NULL;
  if (!region) region = fallback_region;
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  const char *bk = str(r->v, "storage_account_type");
  const char *to = (!bk || strcmp(bk, "Geo") == 0 || strcmp(bk, "GeoZone") == 0) ? pair_standby(t, r, region) : NULL;
  if (!to) {
    fprintf(t->out, "    # not in a failover group; backup storage %s: no copy outside %s\n"
                    "    replication: {mode: none}\n", bk ? bk : "?", region);
    return 0;
  }
  fprintf(t->out, "    # not in a failover group: geo-restore from geo-redundant backups (storage_account_type %s)\n"
                  "    replication:\n      mode: periodic\n      to: %s   # Azure pair of %s\n"
                  "      interval: 10m   " IMPORT_ASSUMPTION "\n"
                  "      copy: {dist: uniform, min: 10m, max: 50m}   " IMPORT_ASSUMPTION "\n",
          bk ? bk : "Geo (default)", to, region);
  fprintf(t->out, "    # Geo-restore is done by someone (PLACEHOLDER: failover: {by: STEP})\n"
                  "    failover: {after: 0s, duration: {dist: lognormal, median: 30m, p95: 2h}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int do_cosmos(tf *t, const res *r, const char *region) {
  char name[130];
  /* locations by failover priority */
  json_t *locs = json_object_get(r->v, "geo_location");
  const char *by_prio[16] = {0};
  char bufs[16][64];
  size_t i;
  json_t *l;
  json_array_foreach(locs, i, l) {
    long long p = num(l, "failover_priority");
    if (p >= 0 && p < 16 && region_of(l, bufs[p], sizeof bufs[p])) by_prio[p] = bufs[p];
  }
  const char *home = by_prio[0] ? by_prio[0] : region;
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, home, 1, name, sizeof name))
    return -1;
  json_t *cp = block(r->v, "consistency_policy");
  const char *level = str(cp, "consistency_level");
  int multi = truthy(r->v, "multiple_write_locations_enabled") || truthy(r->v, "enable_multiple_write_locations");
  int autofo = truthy(r->v, "automatic_failover_enabled") || truthy(r->v, "enable_automatic_failover");
  fprintf(t->out, "    # locations:");
  for (int p = 0; p < 16; p++)
    if (by_prio[p]) fprintf(t->out, " %s (priority %d)", by_prio[p], p);
  fprintf(t->out, "; consistency %s%s%s\n", level ? level : "?", multi ? "; multi-region writes" : "",
          autofo ? "; automatic failover" : "");
  const char *to = NULL;
  char why[96];
  snprintf(why, sizeof why, "Cosmos DB location (%s)", r->address);
  for (int p = 1; p < 16 && !to; p++)
    if (by_prio[p] && strcmp(by_prio[p], t->primary) != 0 && want_standby(t, by_prio[p], why) == 0) to = by_prio[p];
  if (!to) {
    fprintf(t->out, "    # a single location: no copy outside %s\n    replication: {mode: none}\n", home);
    return 0;
  }
  if (level && strcmp(level, "Strong") == 0)
    fprintf(t->out, "    replication: {mode: sync, to: %s}   # Strong consistency: a write commits in every region\n", to);
  else
    fprintf(t->out, "    replication: {mode: async, to: %s, lag: {dist: lognormal, median: 1s, p95: 30s}}   "
                    IMPORT_ASSUMPTION "\n", to);
  if (multi)
    fprintf(t->out, "    # multi-region writes: %s already takes writes\n"
                    "    failover: {after: 0s, duration: {dist: uniform, min: 30s, max: 5m}}   " IMPORT_ASSUMPTION "\n", to);
  else if (autofo)
    fprintf(t->out, "    # service-managed failover to the next priority\n"
                    "    failover: {after: 0s, duration: {dist: lognormal, median: 15m, p95: 1h}}   " IMPORT_ASSUMPTION "\n");
  else
    fprintf(t->out, "    # no automatic failover: someone fails it over (PLACEHOLDER: failover: {by: STEP})\n"
                    "    failover: {after: 0s, duration: {dist: lognormal, median: 15m, p95: 1h}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int do_postgres(tf *t, const res *r, const char *region) {
  char name[130], dur[32];
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  json_t *ha = block(r->v, "high_availability");
  if (ha && str(ha, "mode")) fprintf(t->out, "    # high availability: %s\n", str(ha, "mode"));
  const char *to = truthy(r->v, "geo_redundant_backup_enabled") ? pair_standby(t, r, region) : NULL;
  if (!to) {
    fprintf(t->out, "    # geo_redundant_backup_enabled is off: backups stay in %s\n"
                    "    replication: {mode: none}\n", region);
    return 0;
  }
  long long days = num(r->v, "backup_retention_days");
  fprintf(t->out, "    # geo_redundant_backup_enabled: geo-restore from backups copied to the Azure pair\n"
                  "    replication:\n      mode: periodic\n      to: %s   # Azure pair of %s\n"
                  "      interval: 1h   " IMPORT_ASSUMPTION "\n"
                  "      copy: {dist: uniform, min: 5m, max: 1h}   " IMPORT_ASSUMPTION "\n", to, region);
  if (days > 0)
    fprintf(t->out, "      retention: %s   # backup_retention_days = %lld\n",
            import_duration((double)days * 86400, dur, sizeof dur), days);
  fprintf(t->out, "    # Geo-restore is done by someone (PLACEHOLDER: failover: {by: STEP})\n"
                  "    failover: {after: 0s, duration: {dist: lognormal, median: 20m, p95: 1h}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int do_keyvault(tf *t, const res *r, const char *region) {
  char name[130];
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  long long sd = num(r->v, "soft_delete_retention_days");
  int purge = truthy(r->v, "purge_protection_enabled");
  if (sd >= 0) fprintf(t->out, "    # soft delete %lld days%s\n", sd, purge ? ", purge protection" : "");
  else if (purge) fprintf(t->out, "    # purge protection\n");
  const char *to = pair_standby(t, r, region);
  if (!to) {
    fprintf(t->out, "    replication: {mode: none}\n");
    return 0;
  }
  fprintf(t->out, "    # Azure copies vault contents to %s's pair, %s; read-only there during an outage\n", region, to);
  fprintf(t->out, "    replication: {mode: async, to: %s, lag: {dist: lognormal, median: 1m, p95: 10m}}   "
                  IMPORT_ASSUMPTION "\n", to);
  fprintf(t->out, "    failover: {after: 0s, duration: {dist: uniform, min: 1m, max: 20m}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int do_registry(tf *t, const res *r, const char *region) {
  char name[130], rg[64];
  if (begin_item(t, t->out, r, str(r->v, "name") ? str(r->v, "name") : r->name, region, 1, name, sizeof name))
    return -1;
  json_t *geo = block(r->v, "georeplications");
  const char *to = geo ? region_of(geo, rg, sizeof rg) : NULL;
  char why[96];
  snprintf(why, sizeof why, "container registry replica (%s)", r->address);
  if (!to || want_standby(t, to, why)) {
    fprintf(t->out, "    # sku %s, no geo-replica outside %s\n    replication: {mode: none}\n",
            str(r->v, "sku") ? str(r->v, "sku") : "?", region);
    return 0;
  }
  fprintf(t->out, "    # geo-replicated to %s: pulls are routed to the healthy replica\n", to);
  fprintf(t->out, "    replication: {mode: async, to: %s, lag: {dist: lognormal, median: 1m, p95: 10m}}   "
                  IMPORT_ASSUMPTION "\n", to);
  fprintf(t->out, "    failover: {after: 0s, duration: {dist: uniform, min: 1m, max: 5m}}   " IMPORT_ASSUMPTION "\n");
  return 0;
}

static int do_global(tf *t, const res *r) {
  char name[130];
  const char *sb = import_draft_first_standby(t->draft);
  if (!sb) {
    if (import_draft_add_region(t->draft, IMPORT_PLACEHOLDER_STANDBY, 0,
                                "PLACEHOLDER: the state names no standby region"))
      return -1;
    sb = IMPORT_PLACEHOLDER_STANDBY;
  }
  if (import_draft_unique_name(t->draft, str(r->v, "name") ? str(r->v, "name") : r->name, name, sizeof name))
    return -1;
  fprintf(t->out, "  - name: %s   " IMPORT_TERRAFORM_MARK "%s\n", name, r->address);
  fprintf(t->out, "    # A global service: it has no region. Placed in the standby region so that\n"
                  "    # losing the primary does not take it down; switching its origins is a\n"
                  "    # workflow step.\n    region: %s\n", sb);
  return 0;
}

/* --- the whole state -------------------------------------------------------- */

static const char *choose_primary(tf *t) {
  if (t->opts->primary) return import_region_normalize(t->opts->primary, t->primary_buf, sizeof t->primary_buf);
  if (import_draft_primary(t->draft)) {
    snprintf(t->primary_buf, sizeof t->primary_buf, "%s", import_draft_primary(t->draft));
    return t->primary_buf;
  }
  size_t best = 0;
  for (size_t i = 0; i < t->n; i++) {
    char a[64], b[64];
    if (!region_of(t->r[i].v, a, sizeof a) || is_type(&t->r[i], "azurerm_resource_group")) continue;
    size_t c = 0;
    for (size_t j = 0; j < t->n; j++)
      if (!is_type(&t->r[j], "azurerm_resource_group") && region_of(t->r[j].v, b, sizeof b) &&
          strcmp(a, b) == 0)
        c++;
    if (c > best) {
      best = c;
      snprintf(t->primary_buf, sizeof t->primary_buf, "%s", a);
    }
  }
  return best ? t->primary_buf : NULL;
}

int import_terraform(const char *text, size_t len, const char *file, const import_terraform_options *opts,
                     import_draft *draft, FILE *notes, model_diag *diag) {
  json_error_t err;
  json_t *root = json_loadb(text, len, 0, &err);
  if (!root) {
    model_diag_add(diag, file, err.line, err.column, "not JSON: %s (give the output of `terraform show -json`)",
                   err.text);
    return -1;
  }
  int rc = -1;
  tf t;
  memset(&t, 0, sizeof t);
  t.file = file;
  t.opts = opts;
  t.draft = draft;
  t.notes = notes;
  t.out = import_draft_section(draft, IMPORT_SECTION_COMPONENTS);
  t.standby = import_draft_section(draft, IMPORT_SECTION_STANDBY);
  json_t *rm = json_object_get(json_object_get(root, "values"), "root_module");
  if (!json_is_object(rm)) {
    model_diag_add(diag, file, 1, 1, "no values.root_module: give the output of `terraform show -json` "
                                     "(a state, not a plan)");
    goto done;
  }
  if (collect(&t, rm)) goto done;
  t.primary = choose_primary(&t);
  if (!t.primary) {
    model_diag_add(diag, file, 0, 0, "no resource has a location; give the primary region with --primary");
    goto done;
  }
  if (import_draft_add_region(draft, t.primary, 1, "where most resources of the state are")) {
    model_diag_add(diag, file, 0, 0, "the primary region '%s' is not the scenario's primary '%s'",
                   t.primary, import_draft_primary(draft) ? import_draft_primary(draft) : "?");
    goto done;
  }
  /* standby clusters' regions first: the first standby is the default target */
  for (size_t i = 0; i < t.n; i++) {
    char rg[64];
    const char *reg = region_of(t.r[i].v, rg, sizeof rg);
    if (is_type(&t.r[i], "azurerm_kubernetes_cluster") && reg && strcmp(reg, t.primary) != 0)
      if (want_standby(&t, reg, "standby AKS cluster")) goto done;
  }
  size_t quiet = 0;
  for (size_t i = 0; i < t.n; i++) {
    const res *r = &t.r[i];
    char rg[64];
    const char *reg = region_of(r->v, rg, sizeof rg);
    if (!reg) reg = t.primary;
    int e = 0, handled = 1;
    if (is_type(r, "azurerm_kubernetes_cluster")) e = do_aks(&t, r, reg);
    else if (is_type(r, "azurerm_storage_account")) e = do_storage(&t, r, reg);
    else if (is_type(r, "azurerm_mssql_failover_group")) e = do_failover_group(&t, r, t.primary);
    else if (is_type(r, "azurerm_mssql_database")) e = do_sql_database(&t, r, t.primary);
    else if (is_type(r, "azurerm_cosmosdb_account")) e = do_cosmos(&t, r, reg);
    else if (is_type(r, "azurerm_postgresql_flexible_server")) e = do_postgres(&t, r, reg);
    else if (is_type(r, "azurerm_key_vault")) e = do_keyvault(&t, r, reg);
    else if (is_type(r, "azurerm_container_registry")) e = do_registry(&t, r, reg);
    else if (is_type(r, "azurerm_cdn_frontdoor_profile") || is_type(r, "azurerm_frontdoor") ||
             is_type(r, "azurerm_traffic_manager_profile"))
      e = do_global(&t, r);
    else handled = 0;
    if (e) goto done;
    if (handled) continue;
    int q = 0;
    for (size_t k = 0; k < sizeof quiet_types / sizeof *quiet_types && !q; k++) q = is_type(r, quiet_types[k]);
    if (q) {
      quiet++;
      continue;
    }
    fprintf(t.out, "  # not modelled: %s (%s)\n", r->address, r->type);
    if (notes) fprintf(notes, "not modelled: %s (unknown resource type %s)\n", r->address, r->type);
  }
  if (quiet && notes)
    fprintf(notes, "note: %zu resource%s of types with no part in recovery (networks, identities, "
                   "role assignments, ...) not modelled\n", quiet, quiet == 1 ? "" : "s");
  rc = 0;
done:
  free(t.r);
  json_decref(root);
  return rc;
}
