/* subject_filter.c - see subject_filter.h. */
#include "subject_filter.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

enum { PROBES = 3, BITS_PER_SUBJECT = 16, MIN_BITS = 1 << 20, MAX_BITS = 1 << 30 };

struct subject_filter {
	uint64_t mask; /* bits - 1, bits a power of two */
	uint8_t bits[];
};

struct subject_filter *subject_filter_new(size_t expect)
{
	uint64_t bits = MIN_BITS;
	while (bits < MAX_BITS && bits < (uint64_t)expect * BITS_PER_SUBJECT)
		bits *= 2;
	struct subject_filter *f = calloc(1, sizeof *f + bits / 8);
	if (f)
		f->mask = bits - 1;
	return f;
}

void subject_filter_free(struct subject_filter *f)
{
	free(f);
}

static uint64_t subject_hash(int kind, const char *subject)
{
	return hash_bytes(subject, strlen(subject), 0x9e3779b97f4a7c15ULL * (uint64_t)(kind + 1));
}

void subject_filter_add(struct subject_filter *f, int kind, const char *subject)
{
	uint64_t h = subject_hash(kind, subject), step = (h >> 32) | 1;
	for (int i = 0; i < PROBES; i++) {
		uint64_t b = (h + (uint64_t)i * step) & f->mask;
		f->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
	}
}

int subject_filter_maybe(const struct subject_filter *f, int kind, const char *subject)
{
	uint64_t h = subject_hash(kind, subject), step = (h >> 32) | 1;
	for (int i = 0; i < PROBES; i++) {
		uint64_t b = (h + (uint64_t)i * step) & f->mask;
		if (!(f->bits[b >> 3] & (1u << (b & 7))))
			return 0;
	}
	return 1;
}
