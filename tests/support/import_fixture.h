/*
** tests/support/import_fixture.h — helpers of the importer tests
** (tests/test_import_*.c): read a fixture under tests/data/import/, run an
** importer into a fresh draft and get its text and notes, load a text as a
** scenario (failing the test with the loader's messages if it does not).
*/
#ifndef DRSIM_TESTS_IMPORT_FIXTURE_H
#define DRSIM_TESTS_IMPORT_FIXTURE_H

#include <stddef.h>
#include "import/draft.h"
#include "models/scenario.h"



/* The whole file at `path` (NUL-terminated, malloc'ed); fails the test if
** it cannot be read. *len gets the length when len is not NULL. */
char *import_fixture_read(const char *path, size_t *len);

/* tests/data/import/NAME, read. */
char *import_fixture_data(const char *name, size_t *len);

/* The draft of `terraform show -json` fixture NAME (tests/data/import/),
** untagged resources in production; *notes (malloc'ed) gets the notes. */
char *import_fixture_terraform(const char *name, char **notes);

/* Load `text` as a scenario; fails the test with the diagnostics if it
** does not validate. */
model_scenario *import_fixture_load(const char *text);

/* Every line of `text` that holds a distribution or a detection/duration
** key outside its comment carries IMPORT_ASSUMPTION (or, for a value the
** user gave, "# the policy given"). Returns the number of
** such lines (fails the test on the first unmarked one). */
size_t import_fixture_check_marked(const char *text);

#endif
