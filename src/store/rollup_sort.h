/* rollup_sort.h - the roll-up tally's entries (rollup.c): appended as
 * events are counted, then sorted and added up for the flush.
 *
 * Counting is one sequential write per event, no lookup: on a sparse log
 * nearly every event is a new key, and a hash table paid a cache and TLB
 * miss per event.  The sort is a radix sort by a 64-bit prefix of the key
 * (util/radix.h), the full comparison only for prefixes that tie. */
#ifndef PORTLOG_ROLLUP_SORT_H
#define PORTLOG_ROLLUP_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Every byte is set (pad zero, src zero past the family's length), so
 * equal keys are equal bytes. */
struct ru_key {
	int32_t port, hour;
	int16_t proto;
	uint8_t dir, action, fam, pad[3];
	uint8_t src[16];
};

struct ru_entry {
	struct ru_key k;
	uint64_t events;
};

/* (day, port, hour, source, combo), day = hour / 24 as rollup_port's key,
 * and (hour, source, port, combo), on entries. */
int ru_cmp_day_port(const void *a, const void *b);
int ru_cmp_hour_major(const void *a, const void *b);

/* Entries in the order counted; a key may come many times until merged.
 * The slots, and the sort's buffers while it runs, are mapped directly
 * rather than taken from malloc: a tally's buffers are megabytes, and
 * unmapped they give their pages back at once (import's peak memory),
 * where malloc's arenas would keep them; growing moves no bytes. */
struct ru_list {
	struct ru_entry *slots;
	size_t n, cap;
	/* Past this many entries the list is merged before it grows, so its
	 * memory stays bounded by the distinct keys (serve counts for a
	 * whole commit). */
	size_t compact_at;
};
enum { RU_COMPACT_AT = 1 << 20 };

int ru_list_init(struct ru_list *l, size_t cap);
void ru_list_free(struct ru_list *l);
/* Room for one more entry: merge (at compact_at) or grow.  0, or -1. */
int ru_list_make_room(struct ru_list *l);

static inline int ru_list_add(struct ru_list *l, const struct ru_key *k)
{
	if (l->n == l->cap && ru_list_make_room(l))
		return -1;
	struct ru_entry *e = &l->slots[l->n++];
	e->k = *k;
	e->events = 1;
	return 0;
}

/* Add up the entries of equal keys, so the slots hold unique keys: in
 * hour-major order (ru_cmp_hour_major) if by_hour is NULL; otherwise in
 * rollup_port's key order (ru_cmp_day_port), with by_hour[0..n) pointing at them
 * hour-major.  0, or -1 out of memory (the slots left as they were). */
int ru_list_sort(struct ru_list *l, const struct ru_entry **by_hour);

#endif
