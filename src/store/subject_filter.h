/* subject_filter.h - which (kind, subject) may have a stored finding.
 *
 * A finding that starts a new part may continue an earlier one (a scan
 * split across two imports, sqlite_findings.c), which takes three lookups
 * in a big findings table.  Nearly every new finding's subject has none, and
 * this Bloom filter, loaded from the table (again when another connection
 * has written to it), says so without reading anything; what this
 * connection writes afterwards is kept by recent_findings.h.  It answers
 * "may have" for anything it was told, and for a few others (false hits
 * cost only the lookups). */
#ifndef PORTLOG_SUBJECT_FILTER_H
#define PORTLOG_SUBJECT_FILTER_H

#include <stddef.h>
#include <stdint.h>

struct subject_filter;

/* Sized for about `expect` subjects (at least a million bits). */
struct subject_filter *subject_filter_new(size_t expect);
void subject_filter_free(struct subject_filter *f);
void subject_filter_add(struct subject_filter *f, int kind, const char *subject);
int subject_filter_maybe(const struct subject_filter *f, int kind, const char *subject);

#endif
