/*
** import/region_pairs.h — Azure's fixed region pairs, for the importers:
** geo-redundant storage (GRS, RA-GRS, GZRS), geo-redundant backups and Key
** Vault replicate only to a region's pair, so a draft scenario must send that
** data there and nowhere else. The table (import/region_pairs.c) says where
** it comes from.
*/
#ifndef DRSIM_IMPORT_REGION_PAIRS_H
#define DRSIM_IMPORT_REGION_PAIRS_H

#include <stddef.h>

/* The pair of `region` (an Azure location name such as "eastus"; case and
** spaces are ignored, so "East US" works), or NULL when the region has no
** documented pair or is unknown. Pairs are directional where Azure's are
** (westus3 copies to eastus, whose own pair is westus). */
const char *import_region_pair(const char *region);

/* Azure location as a drsim region name: lower case, spaces removed
** ("East US 2" -> "eastus2"). Writes at most n bytes including the NUL;
** returns buf. */
char *import_region_normalize(const char *location, char *buf, size_t n);

#endif
