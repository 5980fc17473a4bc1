/*
** tests/test_import_region_pairs.c — the Azure region pair table
** (import/region_pairs.c): pairs both ways, one-way pairs, display names,
** nonpaired regions.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "import/region_pairs.h"

static void test_pairs(void **state) {
  (void)state;
  assert_string_equal(import_region_pair("eastus"), "westus");
  assert_string_equal(import_region_pair("westus"), "eastus");
  assert_string_equal(import_region_pair("eastus2"), "centralus");
  assert_string_equal(import_region_pair("centralus"), "eastus2");
  assert_string_equal(import_region_pair("westus2"), "westcentralus");
  assert_string_equal(import_region_pair("westcentralus"), "westus2");
  assert_string_equal(import_region_pair("northeurope"), "westeurope");
  assert_string_equal(import_region_pair("westeurope"), "northeurope");
  assert_string_equal(import_region_pair("westus3"), "eastus");      /* one way */
  assert_string_equal(import_region_pair("East US 2"), "centralus"); /* display name */
  assert_string_equal(import_region_pair("UK South"), "ukwest");
  assert_null(import_region_pair("polandcentral"));                  /* nonpaired */
  assert_null(import_region_pair("nowhere"));
  assert_null(import_region_pair(""));
  assert_null(import_region_pair(NULL));
}

static void test_normalize(void **state) {
  (void)state;
  char buf[16];
  assert_string_equal(import_region_normalize("West Central US", buf, sizeof buf), "westcentralus");
  assert_string_equal(import_region_normalize("averyveryverylongregionname", buf, 8), "averyve");
  assert_string_equal(import_region_normalize(NULL, buf, sizeof buf), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pairs),
    cmocka_unit_test(test_normalize),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
