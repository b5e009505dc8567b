/* radix.c - see radix.h. */
#include "radix.h"

/* Below this, sorting by insertion beats counting 8 x 256 buckets. */
enum { RADIX_SMALL = 48 };

static void insertion_sort(struct radix_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct radix_item x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1].key > x.key; j--) /* strictly greater: stable */
			v[j] = v[j - 1];
		v[j] = x;
	}
}

struct radix_item *radix_sort(struct radix_item *v, struct radix_item *tmp, size_t n)
{
	if (n < RADIX_SMALL) {
		insertion_sort(v, n);
		return v;
	}
	/* Every byte's histogram in one reading; a byte with one value in all
	 * items needs no pass. */
	size_t count[8][256] = { { 0 } };
	for (size_t i = 0; i < n; i++) {
		uint64_t k = v[i].key;
		for (int d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t *c = count[d];
		unsigned shift = 8 * (unsigned)d;
		if (c[(v[0].key >> shift) & 0xff] == n)
			continue;
		size_t sum = 0;
		for (int b = 0; b < 256; b++) {
			size_t t = c[b];
			c[b] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[(v[i].key >> shift) & 0xff]++] = v[i];
		struct radix_item *s = v;
		v = tmp;
		tmp = s;
	}
	return v;
}
