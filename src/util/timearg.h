/* timearg.h - times the user types: --since 7d, --until 2024-05-01T12:00. */
#ifndef PORTLOG_TIMEARG_H
#define PORTLOG_TIMEARG_H

#include <stdint.h>

/* Accepts "now", relative "90s" "30m" "12h" "7d" "2w" (before now), dates
 * "YYYY-MM-DD", date-times "YYYY-MM-DD[T ]hh:mm[:ss]" with optional zone,
 * and "@EPOCH".  Without a zone a time is UTC (reports are in UTC).  The
 * time must lie in 1970 through 9999.  Returns 0 and sets *us, or -1. */
int timearg_parse(const char *s, int64_t now_us, int64_t *us);

/* "2024-05-01 13:00:00" (UTC) into buf (at least 32 bytes). */
char *fmt_utc(int64_t us, char *buf, int with_us);

/* "2024-05-01T13:00:00.000000Z" into buf (at least 32 bytes). */
char *fmt_iso(int64_t us, char *buf);

#endif
