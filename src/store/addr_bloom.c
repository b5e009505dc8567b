/* addr_bloom.c - see addr_bloom.h. */
#include "addr_bloom.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

enum {
	PROBES = 4,
	BITS_PER_ADDR = 12,    /* about 0.5% false hits at 4 probes */
	SEG_MIN = 8,           /* bytes */
	SEG_MAX = 1 << 17,     /* 128 KiB: a flood's hour may answer "maybe" more often */
	HOURS_INIT = 64,
};

uint64_t abloom_hash(const struct ev_addr *a)
{
	int n = a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
	return hash_bytes(a->bytes, (size_t)n, 0x6a09e667f3bcc908ULL ^ (uint64_t)a->family);
}

struct hour_hashes {
	int32_t hour;
	int used;
	uint64_t *h;
	size_t n, cap;
};

struct abloom_set {
	struct hour_hashes *slot; /* open addressing by hour */
	size_t cap, n;
	int32_t last_hour; /* the slot of the last note: events come in time order */
	struct hour_hashes *last;
};

struct abloom_set *abloom_new(void)
{
	struct abloom_set *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cap = HOURS_INIT;
	s->slot = calloc(s->cap, sizeof *s->slot);
	if (!s->slot) {
		free(s);
		return NULL;
	}
	return s;
}

void abloom_free(struct abloom_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i].h);
	free(s->slot);
	free(s);
}

/* Forget every hour (after a flush, or a rollback). */
void abloom_reset(struct abloom_set *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slot[i].h);
		memset(&s->slot[i], 0, sizeof s->slot[i]);
	}
	s->n = 0;
	s->last = NULL;
}

static size_t hour_index(int32_t hour, size_t cap)
{
	return (size_t)(((uint32_t)hour * 2654435761u) & (cap - 1));
}

static struct hour_hashes *find(struct abloom_set *s, int32_t hour, int add)
{
	size_t j = hour_index(hour, s->cap);
	while (s->slot[j].used && s->slot[j].hour != hour)
		j = (j + 1) & (s->cap - 1);
	if (s->slot[j].used || !add)
		return s->slot[j].used ? &s->slot[j] : NULL;
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap * 2;
		struct hour_hashes *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return NULL;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i].used)
				continue;
			size_t k = hour_index(s->slot[i].hour, cap);
			while (slot[k].used)
				k = (k + 1) & (cap - 1);
			slot[k] = s->slot[i];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
		return find(s, hour, add);
	}
	s->slot[j].used = 1;
	s->slot[j].hour = hour;
	s->n++;
	return &s->slot[j];
}

int abloom_note(struct abloom_set *s, int32_t hour, const struct ev_addr *a)
{
	if (!a->family)
		return 0;
	struct hour_hashes *hh = s->last && s->last_hour == hour ? s->last : find(s, hour, 1);
	if (!hh)
		return -1;
	s->last = hh;
	s->last_hour = hour;
	uint64_t h = abloom_hash(a);
	/* the same address as just before (a burst from one scanner) adds nothing */
	if (hh->n && hh->h[hh->n - 1] == h)
		return 0;
	if (hh->n == hh->cap) {
		size_t cap = hh->cap ? hh->cap * 2 : 256;
		uint64_t *p = realloc(hh->h, cap * sizeof *p);
		if (!p)
			return -1;
		hh->h = p;
		hh->cap = cap;
	}
	hh->h[hh->n++] = h;
	return 0;
}

static void probe(uint64_t h, uint32_t bits, uint32_t out[PROBES])
{
	uint32_t a = (uint32_t)h, b = (uint32_t)(h >> 32) | 1;
	for (int i = 0; i < PROBES; i++)
		out[i] = (a + (uint32_t)i * b) & (bits - 1);
}

int abloom_build(const struct abloom_set *s, int32_t hour, struct rubuf *out)
{
	struct hour_hashes *hh = find((struct abloom_set *)s, hour, 0);
	if (!hh || !hh->n)
		return 0;
	/* the addresses noted, repeats counted: an over-estimate of its size */
	return abloom_segment(hh->h, hh->n, out);
}

int abloom_segment(const uint64_t *h, size_t n, struct rubuf *out)
{
	size_t bytes = SEG_MIN;
	while (bytes < SEG_MAX && bytes * 8 < n * BITS_PER_ADDR)
		bytes *= 2;
	if (rubuf_reserve(out, bytes + 4))
		return -1;
	uint8_t *seg = out->p + out->n;
	seg[0] = (uint8_t)bytes;
	seg[1] = (uint8_t)(bytes >> 8);
	seg[2] = (uint8_t)(bytes >> 16);
	seg[3] = (uint8_t)(bytes >> 24);
	uint8_t *bits = seg + 4;
	memset(bits, 0, bytes);
	for (size_t i = 0; i < n; i++) {
		uint32_t at[PROBES];
		probe(h[i], (uint32_t)(bytes * 8), at);
		for (int k = 0; k < PROBES; k++)
			bits[at[k] >> 3] |= (uint8_t)(1u << (at[k] & 7));
	}
	out->n += bytes + 4;
	return 0;
}

int abloom_test(const uint8_t *p, size_t n, uint64_t h)
{
	size_t pos = 0;
	while (pos < n) {
		if (n - pos < 4)
			return 1;
		uint32_t bytes = (uint32_t)p[pos] | (uint32_t)p[pos + 1] << 8 |
				 (uint32_t)p[pos + 2] << 16 | (uint32_t)p[pos + 3] << 24;
		pos += 4;
		if (bytes < SEG_MIN || (bytes & (bytes - 1)) || n - pos < bytes)
			return 1;
		uint32_t at[PROBES];
		probe(h, bytes * 8, at);
		int all = 1;
		for (int k = 0; k < PROBES && all; k++)
			all = (p[pos + (at[k] >> 3)] >> (at[k] & 7)) & 1;
		if (all)
			return 1;
		pos += bytes;
	}
	return 0;
}
