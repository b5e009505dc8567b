/* srctab.c - see srctab.h. */
#include "srctab.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

enum { CHUNK_SHIFT = 12, CHUNK = 1 << CHUNK_SHIFT, KEY = 17 };

static uint32_t key_hash(const struct srctab *t, const uint8_t *rec)
{
	return (uint32_t)hash_bytes(rec, 16, t->seed ^ rec[16]);
}

int srctab_init(struct srctab *t, size_t record_size, size_t cap)
{
	memset(t, 0, sizeof *t);
	t->seed = hash_secret();
	t->size = record_size;
	t->cap = cap;
	t->idx = calloc(cap, sizeof *t->idx);
	return t->idx ? 0 : -1;
}

void srctab_free(struct srctab *t)
{
	for (size_t k = 0; k < t->nchunks; k++)
		free(t->chunks[k]);
	free(t->chunks);
	free(t->idx);
	memset(t, 0, sizeof *t);
}

/* The index slot that points at position pos (whose key hashes to h). */
static size_t slot_of(const struct srctab *t, uint32_t h, size_t pos)
{
	size_t mask = t->cap - 1, j = h & mask;
	while ((t->idx[j] & 0xffffffffu) != pos + 1)
		j = (j + 1) & mask;
	return j;
}

uint32_t srctab_hash(const struct srctab *t, const uint8_t addr[16], uint8_t family)
{
	uint8_t key[KEY];
	memcpy(key, addr, 16);
	key[16] = family;
	return key_hash(t, key);
}

void *srctab_find(struct srctab *t, const uint8_t addr[16], uint8_t family, int create)
{
	return srctab_find_hashed(t, addr, family, srctab_hash(t, addr, family), create);
}

void *srctab_find_hashed(struct srctab *t, const uint8_t addr[16], uint8_t family, uint32_t h,
			 int create)
{
	uint8_t key[KEY];
	memcpy(key, addr, 16);
	key[16] = family;
	size_t mask = t->cap - 1, j = h & mask;
	for (; t->idx[j]; j = (j + 1) & mask) {
		if ((uint32_t)(t->idx[j] >> 32) != h)
			continue;
		unsigned char *r = srctab_at(t, (uint32_t)t->idx[j] - 1);
		if (!memcmp(r, key, KEY))
			return r;
	}
	if (!create || t->n + 1 >= t->cap)
		return NULL;
	size_t pos = t->n;
	if ((pos >> CHUNK_SHIFT) >= t->nchunks) {
		if (t->nchunks == t->chunks_cap) {
			size_t cc = t->chunks_cap ? t->chunks_cap * 2 : 16;
			unsigned char **v = realloc(t->chunks, cc * sizeof *v);
			if (!v)
				return NULL;
			t->chunks = v;
			t->chunks_cap = cc;
		}
		if (!(t->chunks[t->nchunks] = malloc(CHUNK * t->size)))
			return NULL;
		t->nchunks++;
	}
	unsigned char *r = srctab_at(t, pos);
	memset(r, 0, t->size);
	memcpy(r, key, KEY);
	t->idx[j] = (uint64_t)h << 32 | (pos + 1);
	t->n++;
	return r;
}

void srctab_remove(struct srctab *t, size_t i)
{
	size_t mask = t->cap - 1;
	/* Out of the index: later members of the cluster move back so each
	 * stays reachable from its home slot (no tombstones). */
	size_t hole = slot_of(t, key_hash(t, srctab_at(t, i)), i);
	for (size_t j = (hole + 1) & mask; t->idx[j]; j = (j + 1) & mask) {
		size_t home = (uint32_t)(t->idx[j] >> 32) & mask;
		/* j may fill the hole unless its home lies cyclically in (hole, j] */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			t->idx[hole] = t->idx[j];
			hole = j;
		}
	}
	t->idx[hole] = 0;
	/* The last record takes its place in the dense part. */
	size_t last = t->n - 1;
	if (i != last) {
		unsigned char *from = srctab_at(t, last);
		uint32_t h = key_hash(t, from);
		t->idx[slot_of(t, h, last)] = (uint64_t)h << 32 | (i + 1);
		memcpy(srctab_at(t, i), from, t->size);
	}
	t->n--;
	/* Give back chunks two past the one in use: a burst's memory returns,
	 * without freeing and allocating again at every boundary. */
	size_t keep = (t->n >> CHUNK_SHIFT) + 2;
	while (t->nchunks > keep)
		free(t->chunks[--t->nchunks]);
}

void srctab_clear(struct srctab *t)
{
	memset(t->idx, 0, t->cap * sizeof *t->idx);
	t->n = 0;
	while (t->nchunks > 1)
		free(t->chunks[--t->nchunks]);
}

int srctab_grow(struct srctab *t, size_t cap)
{
	if (cap <= t->n)
		return -1;
	uint64_t *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	size_t mask = cap - 1;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->idx[i])
			continue;
		size_t j = (uint32_t)(t->idx[i] >> 32) & mask;
		while (v[j])
			j = (j + 1) & mask;
		v[j] = t->idx[i];
	}
	free(t->idx);
	t->idx = v;
	t->cap = cap;
	return 0;
}

size_t srctab_bytes(const struct srctab *t)
{
	return t->cap * sizeof *t->idx + t->chunks_cap * sizeof *t->chunks +
	       t->nchunks * CHUNK * t->size;
}
