/*
** models/calendar.h — working calendars of the people a recovery needs:
** a time zone, daily business hours, workdays and holidays, and the two
** questions the simulation asks of them: "is this instant inside business
** hours?" and "when does the next business window open?".
**
** Instants are UTC seconds since 1970-01-01 00:00 (double). A calendar's
** time zone is resolved once, at load time, from the system's time-zone
** database into a table of UTC-offset transitions the calendar owns
** (model_calendar_resolve); after that every query is a pure function of
** the calendar: no TZ variable, no global state, safe from many threads.
** Meaning of the keys: scenarios/README.md (`calendars`).
*/
#ifndef DRSIM_MODELS_CALENDAR_H
#define DRSIM_MODELS_CALENDAR_H

#include <stddef.h>

typedef struct model_calendar model_calendar;

/* A new calendar named `name` (copied): time zone UTC, business hours
** 08:00-18:00, workdays Monday to Friday, no holidays. NULL when out of
** memory. */
model_calendar *model_calendar_new(const char *name);

void model_calendar_free(model_calendar *c);  /* NULL is a no-op */

const char *model_calendar_name(const model_calendar *c);
const char *model_calendar_timezone(const model_calendar *c);

/* Business hours "HH:MM-HH:MM" (local time, within one day, end after
** start; "00:00-24:00" is the whole day). 0, or -1 with the reason in why. */
int model_calendar_set_hours(model_calendar *c, const char *text, char *why, size_t n);

/* "HH:MM" (len characters, "24:00" allowed) -> seconds after midnight; -1
** when malformed. */
double model_calendar_parse_clock(const char *text, size_t len);

/* The same from seconds after local midnight (0 <= start < end <= 86400). */
int model_calendar_set_hours_s(model_calendar *c, double start_s, double end_s);

/* Business hours as seconds after local midnight. */
void model_calendar_hours(const model_calendar *c, double *start_s, double *end_s);

/* Workdays: the first n days of the week from Monday (1..7). */
int model_calendar_set_workdays_count(model_calendar *c, int n);

/* Workdays: clear them all, then add days one at a time (0 = Monday .. 6 =
** Sunday). A calendar needs at least one workday to ever open. */
void model_calendar_clear_workdays(model_calendar *c);
void model_calendar_add_workday(model_calendar *c, int weekday);

/* 1 when weekday (0 = Monday) is a workday. */
int model_calendar_is_workday(const model_calendar *c, int weekday);

/* "mon", "Monday", "TUE", ... -> 0..6; -1 when it is not a day name. */
int model_calendar_parse_weekday(const char *text);

/* A holiday, a local date "YYYY-MM-DD": closed all day. 0, or -1 with the
** reason in why (malformed date, out of memory). */
int model_calendar_add_holiday(model_calendar *c, const char *date, char *why, size_t n);

size_t model_calendar_n_holidays(const model_calendar *c);

/* The i-th holiday as days since 1970-01-01 (in the order added). */
long model_calendar_holiday(const model_calendar *c, size_t i);

/* Set the time zone (an IANA name such as "America/New_York", or "UTC").
** The name must exist in the system's time-zone database (TZDIR, else
** /usr/share/zoneinfo); offsets are not read until model_calendar_resolve.
** 0, or -1 with the reason in why. */
int model_calendar_set_timezone(model_calendar *c, const char *tz, char *why, size_t n);

/* Read the zone's UTC offsets over [from, to] (UTC seconds) from the system
** database into the calendar's own transition table; outside that span the
** nearest known offset holds. Sets the process's TZ variable for the time of
** the call (under a lock, restored before returning): call it while loading,
** not while simulations run. 0, or -1 with the reason in why. */
int model_calendar_resolve(model_calendar *c, double from, double to, char *why, size_t n);

/* The zone's offset from UTC at instant t, seconds (local = t + offset). */
double model_calendar_offset(const model_calendar *c, double t);

/* 1 when instant t is inside business hours: a workday that is not a
** holiday, local time of day in [start, end). */
int model_calendar_is_open(const model_calendar *c, double t);

/* The first instant >= t inside business hours (t itself when open);
** INFINITY when none within 1000 days (no workday, or holidays all along).
** A window whose local opening time falls in a daylight-saving gap opens
** when the clocks have jumped past it. */
double model_calendar_next_open(const model_calendar *c, double t);

/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", with an
** optional trailing "Z" (the instant is UTC) into UTC seconds. 0, or -1. */
int model_calendar_parse_utc(const char *text, double *out);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long model_calendar_days_from_civil(int y, int m, int d);

/* The civil date of a day number (inverse of the above). */
void model_calendar_civil_from_days(long z, int *y, int *m, int *d);

/* Format instant t in the calendar's local time: "Fri 2026-01-09 18:04"
** (c NULL: UTC). Writes at most n bytes including the NUL; returns buf. */
char *model_calendar_format(const model_calendar *c, double t, char *buf, size_t n);

#endif
