/* kv.h - the key=value scanner shared by the formats that log that way
 * (FortiGate, SonicWall, Sophos, Zyxel).
 *
 * Values are bare up to the next space, or quoted with "..." or '...'
 * (a backslash escapes the next byte; a missing closing quote runs to the
 * end of the line, as a truncated line has it).  Tokens without '=' are
 * skipped: devices print stray words such as "ether_type=Unknown (0x0000)". */
#ifndef PORTLOG_KV_H
#define PORTLOG_KV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../event.h"

struct kv_pair {
	const char *k, *v;
	uint32_t kn, vn;
};

/* The next pair at or after *pos (before end): 1 and *out filled, *pos
 * moved past it; 0 when no pair is left.  Inline, with a plain loop over
 * bare values (short: cheaper than a memchr call), because it runs once per
 * field of every line. */
static inline int kv_next(const char **pos, const char *end, struct kv_pair *out)
{
	const char *p = *pos;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end) {
			*pos = end;
			return 0;
		}
		const char *k = p;
		while (p < end && *p != '=' && *p != ' ') {
			if (*p == '>') /* "<190>date=...": a priority glued to the key */
				k = p + 1;
			p++;
		}
		if (p >= end || *p == ' ' || p == k) {
			/* a word without '=' (or "=x"): skip it */
			if (p < end && *p == '=')
				p++;
			while (p < end && *p != ' ')
				p++;
			continue;
		}
		out->k = k;
		out->kn = (uint32_t)(p - k);
		p++; /* '=' */
		if (p < end && (*p == '"' || *p == '\'')) {
			char q = *p++;
			const char *v = p;
			while (p < end) {
				const char *c = memchr(p, q, (size_t)(end - p));
				if (!c) {
					p = end;
					break;
				}
				size_t bs = 0; /* an odd run of backslashes escapes it */
				while (c - bs > v && c[-1 - (ptrdiff_t)bs] == '\\')
					bs++;
				p = c;
				if (bs % 2 == 0)
					break;
				p++;
			}
			out->v = v;
			out->vn = (uint32_t)(p - v);
			if (p < end)
				p++; /* closing quote */
		} else {
			const char *v = p; /* values are short: a loop beats memchr's call */
			while (p < end && *p != ' ')
				p++;
			out->v = v;
			out->vn = (uint32_t)(p - v);
		}
		*pos = p;
		return 1;
	}
}

static inline int kv_is(const struct kv_pair *p, const char *lit, size_t n)
{
	return p->kn == n && !memcmp(p->k, lit, n);
}
#define KV_IS(pair, lit) kv_is((pair), lit, sizeof(lit) - 1)

/* Case-insensitive: does the value equal lit? */
int kv_val_is(const struct kv_pair *p, const char *lit);

/* Position of needle (case-insensitive, ASCII) in s, or NULL. */
const char *kv_find_ci(const char *s, size_t n, const char *needle);

/* A protocol name or number ("tcp", "UDP", " ICMP", "6", "ipv6-icmp");
 * -1 if unknown.  Leading and trailing spaces are ignored. */
int kv_proto(const char *s, size_t n);

/* "ip:port" or "[v6]:port" or a bare address: fills addr and, when a port
 * is there, *port and *has_port.  0 on success, -1 if malformed. */
int kv_addr_port(const char *s, size_t n, struct ev_addr *addr, uint16_t *port, int *has_port);

/* The direction the two ends' sides give (1 outside, 2 inside, 0 unknown, as
 * the zones, roles or interfaces say): inbound, outbound, internal, or
 * EV_DIR_UNKNOWN when they say nothing. */
static inline int kv_sides_dir(int from, int to)
{
	if (from == 1 && to == 2)
		return EV_DIR_INBOUND;
	if (from == 2 && to == 1)
		return EV_DIR_OUTBOUND;
	if (from == 2 && to == 2)
		return EV_DIR_INTERNAL;
	return EV_DIR_UNKNOWN;
}

static inline struct ev_str kv_str(const struct kv_pair *p)
{
	return (struct ev_str){ p->v, p->vn };
}

#endif
