/* field.h - small helpers for format parsers that work on slices of a line:
 * splitting on a separator, comparing a slice with a literal, numbers.
 * Header-only and inline so each parser stays one self-contained file. */
#ifndef PORTLOG_PARSE_FIELD_H
#define PORTLOG_PARSE_FIELD_H

#include <string.h>

#include "parse.h"

/* Split s (n bytes) at every sep into at most max slices; the last slice
 * takes the rest when there are more.  Returns the number of slices (>= 1). */
static inline int field_split(const char *s, size_t n, char sep, struct ev_str *f, int max)
{
	int k = 0;
	const char *end = s + n;
	while (k < max - 1) {
		const char *c = memchr(s, sep, (size_t)(end - s));
		if (!c)
			break;
		f[k++] = (struct ev_str){ s, (uint32_t)(c - s) };
		s = c + 1;
	}
	f[k++] = (struct ev_str){ s, (uint32_t)(end - s) };
	return k;
}

/* Is the slice exactly the literal? */
#define FIELD_IS(f, lit) ((f).n == sizeof(lit) - 1 && !memcmp((f).p, lit, sizeof(lit) - 1))

/* Decimal number of at most max in the slice; 0 on success. */
static inline int field_uint(struct ev_str f, uint32_t max, uint32_t *out)
{
	return parse_uint(f.p, f.n, max, out);
}

/* Port field: 0 on success with ev->sport/dport and its EV_HAS_ bit set. */
static inline int field_port(struct ev_str f, uint16_t *port, uint32_t *has, uint32_t bit)
{
	uint32_t v;
	if (field_uint(f, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	*has |= bit;
	return 0;
}

#endif
