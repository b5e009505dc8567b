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
 * moved past it; 0 when no pair is left. */
int kv_next(const char **pos, const char *end, struct kv_pair *out);

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

static inline struct ev_str kv_str(const struct kv_pair *p)
{
	return (struct ev_str){ p->v, p->vn };
}

#endif
