/* ber.c - see ber.h. */
#include "ber.h"

#include <stdio.h>

enum { BER_LEN_MAX = 1 << 24 };

int ber_next(struct ber *b, unsigned *tag, struct ber *val)
{
	if (b->n < 2)
		return -1;
	unsigned t = b->p[0];
	if ((t & 0x1f) == 0x1f)
		return -1; /* high tag numbers: not used by SNMP */
	size_t i = 1, len = b->p[i++];
	if (len & 0x80) {
		size_t k = len & 0x7f;
		if (k == 0 || k > 3 || b->n - i < k)
			return -1; /* indefinite, or too long to be honest */
		len = 0;
		while (k--)
			len = (len << 8) | b->p[i++];
	}
	if (len > BER_LEN_MAX || b->n - i < len)
		return -1;
	*tag = t;
	val->p = b->p + i;
	val->n = len;
	b->p += i + len;
	b->n -= i + len;
	return 0;
}

int ber_expect(struct ber *b, unsigned want, struct ber *val)
{
	unsigned tag;
	if (ber_next(b, &tag, val) || tag != want)
		return -1;
	return 0;
}

int ber_int(const struct ber *v, int64_t *out)
{
	if (v->n == 0 || v->n > 8)
		return -1;
	uint64_t u = (v->p[0] & 0x80) ? UINT64_MAX : 0;
	for (size_t i = 0; i < v->n; i++)
		u = (u << 8) | v->p[i];
	*out = (int64_t)u;
	return 0;
}

int ber_oid_str(const struct ber *v, char *buf, size_t n)
{
	if (v->n == 0 || n == 0)
		return -1;
	size_t used = 0;
	uint64_t arc = 0;
	int first = 1, in_arc = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (arc >> 56)
			return -1; /* arc would overflow */
		arc = (arc << 7) | (v->p[i] & 0x7f);
		in_arc = 1;
		if (v->p[i] & 0x80)
			continue;
		int k;
		if (first) {
			uint64_t a = arc < 80 ? arc / 40 : 2, b = arc - a * 40;
			k = snprintf(buf + used, n - used, "%llu.%llu", (unsigned long long)a,
				     (unsigned long long)b);
			first = 0;
		} else {
			k = snprintf(buf + used, n - used, ".%llu", (unsigned long long)arc);
		}
		if (k < 0 || (size_t)k >= n - used)
			return -1;
		used += (size_t)k;
		arc = 0;
		in_arc = 0;
	}
	return in_arc ? -1 : 0; /* last arc must be complete */
}
