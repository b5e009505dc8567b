/* srctab.h - a table of per-source records keyed by address, for detectors
 * that may hold a million sources at once (scan.c).
 *
 * Records are fixed-size and start with the key: 16 address bytes, then the
 * family byte (0 never stored).  They live in a dense array allocated in
 * chunks that never move; an open-addressing index (8 bytes a slot: 32 hash
 * bits and the record's position) finds them.  So growing the index copies
 * 8 bytes per source, not the records, and costs no doubled peak; removing
 * a record moves the last one into its place, so the dense part shrinks
 * back (and frees its chunks) when sources expire. */
#ifndef PORTLOG_SRCTAB_H
#define PORTLOG_SRCTAB_H

#include <stddef.h>
#include <stdint.h>

struct srctab {
	uint64_t seed;   /* hash_secret(): sources are the attacker's choice */
	uint64_t *idx;   /* hash << 32 | (position + 1); 0 empty */
	size_t cap;      /* index slots, a power of two */
	size_t n;        /* records */
	size_t size;     /* bytes of one record */
	unsigned char **chunks;
	size_t nchunks;  /* allocated chunks (a prefix of chunks[]) */
	size_t chunks_cap;
};

/* 0, or -1 out of memory.  cap: index slots, a power of two. */
int srctab_init(struct srctab *t, size_t record_size, size_t cap);
void srctab_free(struct srctab *t);
/* The record of (addr, family); with create, a new zeroed one holding the key
 * when absent (the caller keeps the index's load in check with srctab_grow).
 * NULL if absent, or out of memory. */
void *srctab_find(struct srctab *t, const uint8_t addr[16], uint8_t family, int create);
/* The same with h = srctab_hash(t, addr, family), worked out earlier: a
 * caller that hashes ahead and prefetches (srctab_prefetch) hides the
 * index's cache miss behind other work. */
void *srctab_find_hashed(struct srctab *t, const uint8_t addr[16], uint8_t family, uint32_t h,
			 int create);
uint32_t srctab_hash(const struct srctab *t, const uint8_t addr[16], uint8_t family);
static inline void srctab_prefetch(const struct srctab *t, uint32_t h)
{
	__builtin_prefetch(&t->idx[h & (t->cap - 1)]);
}
/* The record at position i, 0 <= i < n. */
static inline void *srctab_at(const struct srctab *t, size_t i)
{
	return t->chunks[i >> 12] + (i & 4095) * t->size;
}
/* Remove the record at position i: the last record moves to i (walk with
 * "if removed, look at i again"). */
void srctab_remove(struct srctab *t, size_t i);
/* Forget every record (keeps the index's size). */
void srctab_clear(struct srctab *t);
/* An index of cap slots (a power of two, > n).  0, or -1 (unchanged). */
int srctab_grow(struct srctab *t, size_t cap);
size_t srctab_bytes(const struct srctab *t);

#endif
