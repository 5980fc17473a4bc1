/*
** import/region_pairs.c — the Azure region pair table.
**
** Source: Microsoft's Azure documentation of cross-region replication
** ("Azure region pairs and nonpaired regions", in the Azure reliability
** documentation), as published in 2024. A pair is listed in both directions;
** the few one-way pairs (a region whose pair does not pair back) are listed
** one way. Regions Microsoft lists as nonpaired (e.g. Poland Central, Italy
** North, Israel Central, Qatar Central, Mexico Central, Spain Central) are
** absent: import_region_pair() returns NULL for them and the importers say
** so. Check the current documentation before relying on a pair.
*/
#include "import/region_pairs.h"

#include <ctype.h>
#include <string.h>

typedef struct pair { const char *region, *pair; } pair;

static const pair pairs[] = {
  /* Americas */
  {"eastus", "westus"},               {"westus", "eastus"},
  {"eastus2", "centralus"},           {"centralus", "eastus2"},
  {"northcentralus", "southcentralus"}, {"southcentralus", "northcentralus"},
  {"westus2", "westcentralus"},       {"westcentralus", "westus2"},
  {"westus3", "eastus"},              /* one way: East US pairs with West US */
  {"canadacentral", "canadaeast"},    {"canadaeast", "canadacentral"},
  {"brazilsouth", "southcentralus"},  /* one way */
  {"brazilsoutheast", "brazilsouth"}, /* one way */
  /* Europe */
  {"northeurope", "westeurope"},      {"westeurope", "northeurope"},
  {"uksouth", "ukwest"},              {"ukwest", "uksouth"},
  {"francecentral", "francesouth"},   {"francesouth", "francecentral"},
  {"germanywestcentral", "germanynorth"}, {"germanynorth", "germanywestcentral"},
  {"switzerlandnorth", "switzerlandwest"}, {"switzerlandwest", "switzerlandnorth"},
  {"norwayeast", "norwaywest"},       {"norwaywest", "norwayeast"},
  {"swedencentral", "swedensouth"},   {"swedensouth", "swedencentral"},
  /* Asia Pacific */
  {"eastasia", "southeastasia"},      {"southeastasia", "eastasia"},
  {"japaneast", "japanwest"},         {"japanwest", "japaneast"},
  {"koreacentral", "koreasouth"},     {"koreasouth", "koreacentral"},
  {"australiaeast", "australiasoutheast"}, {"australiasoutheast", "australiaeast"},
  {"australiacentral", "australiacentral2"}, {"australiacentral2", "australiacentral"},
  {"centralindia", "southindia"},     {"southindia", "centralindia"},
  {"westindia", "southindia"},        /* one way */
  /* Middle East and Africa */
  {"uaenorth", "uaecentral"},         {"uaecentral", "uaenorth"},
  {"southafricanorth", "southafricawest"}, {"southafricawest", "southafricanorth"},
};

char *import_region_normalize(const char *location, char *buf, size_t n) {
  size_t k = 0;
  if (n == 0) return buf;
  for (const char *p = location ? location : ""; *p && k + 1 < n; p++) {
    unsigned char c = (unsigned char)*p;
    if (isspace(c)) continue;
    buf[k++] = (char)tolower(c);
  }
  buf[k] = '\0';
  return buf;
}

const char *import_region_pair(const char *region) {
  char key[64];
  import_region_normalize(region, key, sizeof key);
  for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
    if (strcmp(pairs[i].region, key) == 0) return pairs[i].pair;
  return NULL;
}
