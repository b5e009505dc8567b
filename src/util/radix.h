/* radix.h - a stable LSD radix sort of (64-bit key, index) pairs.
 *
 * For sorting many records by a key computed once per record (the roll-up
 * tally, src/store/rollup_sort.c): a few linear passes instead of n log n
 * calls of a comparator, and only the 16-byte pairs move, not the records. */
#ifndef PORTLOG_RADIX_H
#define PORTLOG_RADIX_H

#include <stddef.h>
#include <stdint.h>

struct radix_item {
	uint64_t key;
	uint32_t idx; /* the caller's: which record */
	uint32_t aux; /* the caller's too, carried along */
};

/* Sort v[0..n) by key; items with equal keys keep their order.  tmp has
 * room for n items.  Returns v or tmp, whichever holds the result.  Bytes
 * of the key that are the same in every item cost nothing. */
struct radix_item *radix_sort(struct radix_item *v, struct radix_item *tmp, size_t n);

#endif
