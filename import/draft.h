/*
** import/draft.h — a draft scenario being written by an importer: regions,
** environments (with placeholder objectives), and the YAML text of its
** components, standby pools and workflows, kept with the comments that say
** where each value came from. import_draft_write() assembles a complete
** scenario that the loader accepts (placeholders where the sources say
** nothing: objectives, a region that is not known), so a draft validates on
** its own and can be spliced into another scenario (import/splice.h).
**
** Conventions every importer follows: a duration the importer had to invent
** ends its line with IMPORT_ASSUMPTION; a value read from the source says
** where it was read in a comment; a placeholder says PLACEHOLDER.
*/
#ifndef DRSIM_IMPORT_DRAFT_H
#define DRSIM_IMPORT_DRAFT_H

#include <stddef.h>
#include <stdio.h>

#define IMPORT_ASSUMPTION "# ASSUMPTION: no timing data; calibrate from drills"

/* Names given to regions nobody named (no --primary/--standby, no --into). */
#define IMPORT_PLACEHOLDER_PRIMARY "primary-region"
#define IMPORT_PLACEHOLDER_STANDBY "standby-region"

typedef enum import_section {
  IMPORT_SECTION_COMPONENTS = 0,
  IMPORT_SECTION_STANDBY,
  IMPORT_SECTION_WORKFLOWS,
  IMPORT_SECTION_COUNT
} import_section;

typedef struct import_draft import_draft;

/* A new empty draft named `name` (the scenario's name:) with an optional
** description (may be NULL). NULL when out of memory. */
import_draft *import_draft_new(const char *name, const char *description);
void import_draft_free(import_draft *d);   /* NULL is a no-op */

/* Add a region once (a second call with the same name only fills in a
** missing comment). primary: 1 primary, 0 standby. Standby regions keep the
** order they were first added in: the first is the default replication
** target. Returns 0; -1 when a different primary is already set or on
** allocation failure. `comment` (may be NULL) is written after the item. */
int import_draft_add_region(import_draft *d, const char *name, int primary,
                            const char *comment);
int import_draft_has_region(const import_draft *d, const char *name);
/* The primary region's name, or NULL when none was added. */
const char *import_draft_primary(const import_draft *d);
/* The first standby region's name, or NULL. */
const char *import_draft_first_standby(const import_draft *d);

/* Note an environment the draft uses; it gets a placeholder objective. */
int import_draft_add_environment(import_draft *d, const char *env);

/* The stream to append YAML list items of `section` to, written at indent 2
** ("  - name: x\n    key: v\n"). Borrowed; valid until import_draft_free. */
FILE *import_draft_section(import_draft *d, import_section section);

/* Reserve a unique item name (components and standby pools share one name
** space here) from `base`, made a valid drsim name (letters, digits, '-',
** '_', '.'; other characters become '-'). Writes it to buf; returns 0, or
** -1 on allocation failure. */
int import_draft_unique_name(import_draft *d, const char *base, char *buf, size_t n);

/* Write the whole scenario (comments included) to out. Returns 0, -1 on a
** write error. */
int import_draft_write(import_draft *d, FILE *out);

/* The same as a malloc'ed NUL-terminated string (NULL when out of memory);
** *len gets its length when len is not NULL. */
char *import_draft_text(import_draft *d, size_t *len);

/* `in` as a valid drsim name (see import_draft_unique_name), at most n
** bytes with the NUL; an empty result becomes "x". Returns buf. */
char *import_name(const char *in, char *buf, size_t n);

/* Seconds as a scenario duration without spaces: "1h", "1h30m", "45s",
** "2d". Returns buf. */
char *import_duration(double seconds, char *buf, size_t n);

/* Copy `text` into buf as one comment-safe line (newlines and control
** characters become spaces), at most n bytes with the NUL. Returns buf. */
char *import_comment_text(const char *text, char *buf, size_t n);

#endif
