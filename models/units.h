/*
** models/units.h — durations and percentages as planners write them.
**
** Durations: a number with a unit suffix s, m, h, d, w, y (y = 365 d), e.g.
** "30s", "15m", "4h", "2d", "1w", "1y", "1.5h", or a bare number of seconds
** ("90"). Compound forms like "1h30m" are accepted. Negative, NaN, infinite or
** overflowing values are errors.
** Percentages / fractions: "99.9%" or "0.999" (both give 0.999), in [0, 1].
*/
#ifndef DRSIM_MODELS_UNITS_H
#define DRSIM_MODELS_UNITS_H

#include <stddef.h>

#define MODEL_UNITS_MINUTE 60.0
#define MODEL_UNITS_HOUR 3600.0
#define MODEL_UNITS_DAY 86400.0
#define MODEL_UNITS_WEEK (7.0 * 86400.0)
#define MODEL_UNITS_YEAR (365.0 * 86400.0)

/* Parse a duration into seconds (>= 0). Returns 0 on success; on error returns
** -1 and, when why is not NULL, points *why at a static message that says what
** is wrong and how to write it (e.g. "unknown unit 'hh'; use s, m, h, d, w or
** y, as in 4h"). */
int model_units_parse_duration(const char *text, double *seconds, const char **why);

/* Parse a fraction in [0, 1] written as "99.9%" or "0.999". Same error
** convention as model_units_parse_duration. */
int model_units_parse_fraction(const char *text, double *fraction, const char **why);

/* Parse a rate "1/10y", "2/1y", "0.1/y" into events per second (> 0). Same
** error convention. */
int model_units_parse_rate(const char *text, double *per_second, const char **why);

/* Format seconds compactly for humans: "0s", "45s", "12m 30s", "4h 05m",
** "2d 03h". Writes at most n bytes including the NUL; returns buf. */
char *model_units_format_duration(double seconds, char *buf, size_t n);

/* Format seconds as a clock "HH:MM:SS" (hours may exceed 24: "49:05:00").
** Returns buf. */
char *model_units_format_clock(double seconds, char *buf, size_t n);

#endif
