/* recent_findings.h - the findings this connection wrote lately, by
 * (kind, subject), with the end of the latest one.
 *
 * A new finding continues an earlier one only if that one ended within
 * the detector's window before it starts (sqlite_findings.c).  For subjects
 * with no finding stored before (subject_filter.h says so), this map of
 * what we wrote ourselves answers exactly, without reading the table, as
 * long as the finding starts after the map's horizon: entries that ended
 * before the horizon were dropped to keep the map small. */
#ifndef PORTLOG_RECENT_FINDINGS_H
#define PORTLOG_RECENT_FINDINGS_H

#include <stdint.h>

struct recent_findings;

struct recent_findings *recent_findings_new(void);
void recent_findings_free(struct recent_findings *r);
/* Everything that ended before this was dropped; INT64_MIN: nothing was. */
int64_t recent_findings_horizon(const struct recent_findings *r);
/* The end of the latest finding written for (kind, subject); 0 if none
 * since the horizon. */
int recent_findings_last(const struct recent_findings *r, int kind, const char *subject,
			 int64_t *last_us);
/* A finding was written ending at last_us.  0, or -1 out of memory (the
 * caller then stops trusting the map). */
int recent_findings_note(struct recent_findings *r, int kind, const char *subject,
			 int64_t last_us, int64_t keep_us);

#endif
