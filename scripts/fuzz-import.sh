#!/usr/bin/env bash
# fuzz-import.sh SECONDS — fuzz the importers (tests/fuzz/fuzz_import.c: the
# same input read as a GitHub Actions workflow, a Terraform state and a
# Kubernetes manifest, the drafts loaded and spliced) with libFuzzer + ASan +
# UBSan for SECONDS seconds. Builds with clang in build-fuzz/ (as
# scripts/fuzz-scenarios.sh does). The seed corpus is a temporary copy of
# tests/data/import/; exits non-zero on any crash, leak, timeout or
# out-of-memory, keeping the reproducer in the printed temporary directory.
set -euo pipefail
secs=${1:-}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "usage: scripts/fuzz-import.sh SECONDS" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
build=${DRSIM_FUZZ_BUILD_DIR:-$here/build-fuzz}
command -v clang >/dev/null || { echo "fuzz-import.sh: clang is needed" >&2; exit 3; }

CC=clang cmake -S "$here" -B "$build" -DDRSIM_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
cmake --build "$build" --target fuzz_import -j "$(nproc)" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/drsim-fuzz-import.XXXXXX")
keep=0
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
mkdir "$work/corpus" "$work/artifacts"
cp "$here"/tests/data/import/*.yml "$here"/tests/data/import/*.json "$here"/tests/data/import/k8s/*.y*ml \
   "$work/corpus/"
{
  for w in jobs needs environment name steps uses with max_attempts retry_wait_seconds \
           timeout-minutes continue-on-error if strategy values root_module child_modules \
           resources mode managed type address location tags default_node_pool node_count \
           min_count max_count auto_scaling_enabled zones kubernetes_cluster_id \
           account_replication_type GRS RA-GRS LRS server_id partner_server databases \
           read_write_endpoint_failover_policy grace_minutes Automatic geo_location \
           failover_priority consistency_policy consistency_level Strong \
           geo_redundant_backup_enabled backup_retention_days georeplications kind \
           PersistentVolumeClaim StatefulSet StorageClass List items metadata namespace spec \
           storageClassName volumeClaimTemplates parameters skuName replicas \
           azurerm_kubernetes_cluster azurerm_kubernetes_cluster_node_pool azurerm_storage_account \
           azurerm_mssql_failover_group azurerm_mssql_server azurerm_mssql_database \
           azurerm_cosmosdb_account azurerm_postgresql_flexible_server azurerm_key_vault \
           azurerm_container_registry azurerm_cdn_frontdoor_profile eastus westus2 westus; do
    printf '"%s"\n' "$w"
  done
  printf '"%s"\n' ": " "- " "{" "}" "[" "]" ", " "---" "\\\"" "null" "true" "60"
} > "$work/dict"
log="$work/fuzz.log"
status=0
(cd "$work" && "$build/fuzz_import" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
   -dict="$work/dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus") \
   >"$log" 2>&1 || status=$?
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tail -n 2 || true
if [ "$status" != 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  keep=1
  echo "fuzz-import.sh: FAILED (status $status); log and reproducers in $work" >&2
  grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -n 20 >&2 || true
  exit 1
fi
echo "fuzz-import.sh: ${secs}s, no crash, leak or hang"
