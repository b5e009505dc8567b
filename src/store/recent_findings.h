/* recent_findings.h - when the findings this connection wrote ended, by
 * (kind, subject), as an upper bound.
 *
 * A new finding continues an earlier one only if that one ended within
 * the detector's window before it starts (sqlite_findings.c).  For subjects
 * with no finding stored before (subject_filter.h says so), this sketch of
 * what we wrote ourselves answers "none can have ended that late" without
 * reading the table.
 *
 * Each (kind, subject) has two cells of a table (64 KiB growing to 1 MiB); a cell holds
 * the latest end noted for any subject that maps to it, so even the earlier
 * of the two is never before the subject's own latest end: subjects sharing
 * both cells make it later, which costs a lookup, never a miss.  It forgets
 * nothing and cannot fill up: an earlier map dropped old entries behind a
 * horizon, and on a year's log 13% of findings started before it and were
 * looked up for nothing. */
#ifndef PORTLOG_RECENT_FINDINGS_H
#define PORTLOG_RECENT_FINDINGS_H

#include <stdint.h>

struct recent_findings;

struct recent_findings *recent_findings_new(void);
void recent_findings_free(struct recent_findings *r);
/* Not before the end of the latest finding noted for (kind, subject);
 * INT64_MIN when none was noted. */
int64_t recent_findings_latest(const struct recent_findings *r, int kind, const char *subject);
/* A finding of (kind, subject) was written ending at last_us. */
void recent_findings_note(struct recent_findings *r, int kind, const char *subject,
			  int64_t last_us);

#endif
