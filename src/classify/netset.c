/* netset.c - CIDR blocks and sets of them. */
#include "netset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mask(struct ev_addr *a, int bits)
{
	int total = a->family == 4 ? 32 : 128;
	for (int i = bits; i < total; i++)
		a->bytes[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

int cidr_parse(struct cidr *c, const char *s)
{
	memset(c, 0, sizeof *c);
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (ev_addr_parse(&c->net, s, alen))
		return -1;
	int max = c->net.family == 4 ? 32 : 128;
	int bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end || b < 0 || b > max)
			return -1;
		bits = (int)b;
	}
	c->bits = (uint8_t)bits;
	mask(&c->net, bits);
	return 0;
}

int cidr_parse_parts(const char *s, uint8_t *family, uint8_t *bits, uint8_t net[16])
{
	struct cidr c;
	if (cidr_parse(&c, s))
		return -1;
	*family = c.net.family;
	*bits = c.bits;
	memcpy(net, c.net.bytes, 16);
	return 0;
}

int cidr_contains(const struct cidr *c, const struct ev_addr *a)
{
	if (a->family != c->net.family)
		return 0;
	int full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(a->bytes, c->net.bytes, (size_t)full))
		return 0;
	if (rest) {
		uint8_t m = (uint8_t)(0xffu << (8 - rest));
		if ((a->bytes[full] & m) != c->net.bytes[full])
			return 0;
	}
	return 1;
}

const char *cidr_str(const struct cidr *c, char *buf, size_t n)
{
	char a[EV_ADDR_STRLEN];
	ev_addr_str(&c->net, a, sizeof a);
	snprintf(buf, n, "%s/%u", a, c->bits);
	return buf;
}

void netset_init(struct netset *s)
{
	memset(s, 0, sizeof *s);
}

void netset_free(struct netset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

int netset_add(struct netset *s, const struct cidr *c)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 8;
		struct cidr *v = realloc(s->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *c;
	return 0;
}

int netset_add_list(struct netset *s, const char *list, char *bad, size_t badlen)
{
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ", \t");
		char one[80];
		struct cidr c;
		if (n >= sizeof one || (memcpy(one, p, n), one[n] = '\0', cidr_parse(&c, one))) {
			if (bad && badlen) {
				size_t k = n < badlen - 1 ? n : badlen - 1;
				memcpy(bad, p, k);
				bad[k] = '\0';
			}
			return -1;
		}
		if (netset_add(s, &c))
			return -1;
		p += n;
	}
	return 0;
}

int netset_contains(const struct netset *s, const struct ev_addr *a)
{
	for (int i = 0; i < s->n; i++)
		if (cidr_contains(&s->v[i], a))
			return 1;
	return 0;
}
