/* fields.h - small scanners shared by the vendor parsers (asa.c, srx.c,
 * panos.c, checkpoint.c, cef.c): words, slices, ports and protocol names.
 * Everything works on (pointer, length) slices of the line; nothing copies
 * more than a bounded protocol name. */
#ifndef PORTLOG_PARSE_FIELDS_H
#define PORTLOG_PARSE_FIELDS_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/* Does p[0..n) equal the literal exactly / ignoring case? */
static inline int fld_is(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n == l && !memcmp(p, lit, l);
}

static inline int fld_ci(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n == l && !strncasecmp(p, lit, l);
}

/* Does p[0..n) start with the literal? */
static inline int fld_prefix(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && !memcmp(p, lit, l);
}

static inline struct ev_str fld_slice(const char *p, size_t n)
{
	return (struct ev_str){ p, (uint32_t)n };
}

/* A port number 0..65535; 0 on success. */
static inline int fld_port(const char *p, size_t n, uint16_t *out)
{
	uint32_t v;
	if (parse_uint(p, n, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* A protocol given by name (tcp, UDP, icmp6, ipv6-icmp, ...) or IANA number;
 * -1 when unknown.  The common names are matched without copying. */
static inline int fld_proto(const char *p, size_t n)
{
	if (fld_ci(p, n, "tcp"))
		return EV_PROTO_TCP;
	if (fld_ci(p, n, "udp"))
		return EV_PROTO_UDP;
	if (fld_ci(p, n, "icmp"))
		return EV_PROTO_ICMP;
	char buf[24];
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return ev_proto_parse(buf);
}

/* The closing quote of a value starting at v (just past its opening quote):
 * the first '"' not escaped by an odd run of backslashes; NULL if none. */
static inline const char *fld_quote_end(const char *v, const char *end)
{
	const char *p = v;
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return NULL;
		size_t bs = 0;
		while (q - bs > v && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (!(bs & 1))
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Set the event's address from text; 0 on success. */
static inline int fld_addr(struct ev_addr *a, const char *p, size_t n)
{
	return ev_addr_parse(a, p, n);
}

#endif
