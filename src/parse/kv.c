/* kv.c - see kv.h. */
#include "kv.h"

#include <strings.h>

#include "parse.h"

int kv_val_is(const struct kv_pair *p, const char *lit)
{
	size_t n = strlen(lit);
	return p->vn == n && !strncasecmp(p->v, lit, n);
}

const char *kv_find_ci(const char *s, size_t n, const char *needle)
{
	size_t w = strlen(needle);
	for (size_t i = 0; i + w <= n; i++)
		if (!strncasecmp(s + i, needle, w))
			return s + i;
	return NULL;
}

int kv_proto(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int num;
	} names[] = {
		{ "tcp", EV_PROTO_TCP },	  { "udp", EV_PROTO_UDP },
		{ "icmp", EV_PROTO_ICMP },	  { "icmpv6", EV_PROTO_ICMPV6 },
		{ "ipv6-icmp", EV_PROTO_ICMPV6 }, { "icmp6", EV_PROTO_ICMPV6 },
		{ "igmp", EV_PROTO_IGMP },	  { "gre", EV_PROTO_GRE },
		{ "esp", EV_PROTO_ESP },	  { "ah", EV_PROTO_AH },
		{ "sctp", EV_PROTO_SCTP },	  { "ospf", 89 },
		{ "ipv6", 41 },			  { "pim", 103 },
		{ "vrrp", 112 },
	};
	while (n && s[0] == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	if (!n)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		uint32_t v;
		return parse_uint(s, n, 255, &v) ? -1 : (int)v;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n && !strncasecmp(names[i].name, s, n))
			return names[i].num;
	return -1;
}

int kv_addr_port(const char *s, size_t n, struct ev_addr *addr, uint16_t *port, int *has_port)
{
	*has_port = 0;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close || ev_addr_parse(addr, s + 1, (size_t)(close - s - 1)))
			return -1;
		size_t rest = n - (size_t)(close + 1 - s);
		if (rest == 0)
			return 0;
		if (close[1] != ':')
			return -1;
		uint32_t v;
		if (parse_uint(close + 2, rest - 1, 65535, &v))
			return -1;
		*port = (uint16_t)v;
		*has_port = 1;
		return 0;
	}
	const char *c = memchr(s, ':', n);
	if (c && memchr(c + 1, ':', n - (size_t)(c + 1 - s)))
		return ev_addr_parse(addr, s, n); /* bare IPv6 */
	if (!c)
		return ev_addr_parse(addr, s, n);
	if (ev_addr_parse(addr, s, (size_t)(c - s)))
		return -1;
	size_t pn = n - (size_t)(c + 1 - s);
	if (pn == 0)
		return 0;
	uint32_t v;
	if (parse_uint(c + 1, pn, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	*has_port = 1;
	return 0;
}
