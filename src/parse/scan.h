/* scan.h - finding a short literal in a slice of a line, cheaply.
 *
 * Detectors run on every line of --format auto and look for a few bytes in
 * the first hundred or so.  glibc's memmem prepares a table for each call
 * (tens of nanoseconds, as much as a detector's whole budget), so these
 * jump with memchr to one byte of the literal and compare the rest there.
 * Choose as anchor a byte of the literal that is rare in the lines searched
 * (not a space): each false stop costs a memcmp and another memchr.  The
 * work is at most the slice's length times the literal's, both bounded. */
#ifndef PORTLOG_PARSE_SCAN_H
#define PORTLOG_PARSE_SCAN_H

#include <stddef.h>
#include <string.h>

/* First position of lit (ln bytes) in s (n bytes), or NULL; memchr looks for
 * lit[anchor] (anchor < ln). */
static inline const char *scan_find_at(const char *s, size_t n, const char *lit, size_t ln,
				       size_t anchor)
{
	if (n < ln)
		return NULL;
	const char *p = s + anchor, *last = s + (n - ln) + anchor; /* last place for the anchor */
	while (p <= last) {
		p = memchr(p, (unsigned char)lit[anchor], (size_t)(last - p) + 1);
		if (!p)
			return NULL;
		if (!memcmp(p - anchor, lit, ln))
			return p - anchor;
		p++;
	}
	return NULL;
}

/* Anchored on the literal's first byte, or on its byte k. */
#define SCAN_FIND(s, n, lit) scan_find_at((s), (n), lit, sizeof(lit) - 1, 0)
#define SCAN_FIND_AT(s, n, lit, k) scan_find_at((s), (n), lit, sizeof(lit) - 1, (k))

#endif
