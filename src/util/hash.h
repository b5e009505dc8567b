/* hash.h - a small fast 64-bit hash for in-memory tables and file identity. */
#ifndef PORTLOG_HASH_H
#define PORTLOG_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* splitmix64's finalizer: every bit of the result depends on every bit of
 * h, so a seed mixed into h changes which keys share a slot. */
static inline uint64_t hash_mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

/* FNV-1a over 8-byte words, the last few a byte at a time, from state h:
 * hash_bytes without its avalanche, for a key in several pieces (mix each
 * piece's length in first, and finish with hash_mix64). */
static inline uint64_t hash_update(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	while (n--) {
		h = (h ^ *p++) * 0x100000001b3ull;
	}
	return h;
}

/* hash_update over one key with a final avalanche (hash_mix64): quick on
 * short keys, and well spread for open addressing. */
static inline uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
	return hash_mix64(hash_update(0xcbf29ce484222325ull ^ seed, data, n));
}

/* A random value, the same for the life of the process, for the seed of an
 * in-memory table keyed by what an attacker chooses (the source addresses
 * of the packets a firewall logs, a peer's address): with a seed nobody
 * knows, nobody can compute thousands of keys that land in one slot and
 * turn every lookup into a walk (hash flooding).  Never for what is stored
 * or compared across runs (file fingerprints, the store's Bloom filters),
 * nor where the slot changes a result rather than only where it is kept. */
uint64_t hash_secret(void);

#endif
