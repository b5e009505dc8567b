/* rank_memo.h - what ranking the busiest addresses read of whole past days,
 * kept between rankings (rank_addrs in sqlite_query.c).
 *
 * The overview's top sources add up every source list of the period: 25-35
 * ms for 30 days of a 10M-event year, each time an event arrives.  Nearly
 * all of those days are past and do not change with a live stream, so their
 * sums (events by address, and the distinct IPv4 (address, port) pairs) are
 * kept here, and a ranking reads only the hours around them.  Kept sums hold
 * while the hours they cover have not changed: a flush that writes an hour
 * that old moves meta rollup_past_gen (rollup.h, ROLLUP_PAST_HOURS), which is
 * part of the key, as are the database file and the count and ids of the
 * rollup_time rows the sums were made of.  Process-wide, shared by every
 * connection; RANK_MEMO_KEPT entries, the least recently used replaced. */
#ifndef PORTLOG_RANK_MEMO_H
#define PORTLOG_RANK_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "addr_count.h"

enum { RANK_MEMO_KEPT = 2 };

struct rank_memo_key {
	char path[512];       /* the database file, and its identity */
	uint64_t dev, ino;
	char list[8];         /* rollup_time's column */
	int direction;
	int64_t h0, h1;       /* the hours summed: whole days */
	int64_t past_gen;     /* meta rollup_past_gen then */
	int64_t rows, id_sum; /* rollup_time rows of [h0, h1): how many, their ids added */
};

/* An IPv4 (address, port) pair as one number, so that numbers sort by
 * address then port: the address (network order bytes) in the high half,
 * the port + 1 (0: none) in the low. */
static inline uint64_t rank_memo_pair(const uint8_t addr[4], int32_t port)
{
	return (uint64_t)addr[0] << 56 | (uint64_t)addr[1] << 48 | (uint64_t)addr[2] << 40 |
	       (uint64_t)addr[3] << 32 | (uint32_t)(port + 1);
}
static inline int32_t rank_memo_pair_port(uint64_t pair)
{
	return (int32_t)(uint32_t)pair - 1;
}

struct rank_memo {
	struct rank_memo_key key;
	struct addr_count counts; /* events by address */
	uint64_t *pairs;          /* rank_memo_pair()s, distinct, sorted */
	size_t npairs;
	int pairs_ok; /* 0: too many to keep, read the lists again for ports */
	uint64_t used; /* for replacing the least recently used */
};

/* Hold the lock while finding, filling or reading an entry. */
void rank_memo_lock(void);
void rank_memo_unlock(void);
/* The entry for key, or NULL. */
struct rank_memo *rank_memo_find(const struct rank_memo_key *key);
/* An emptied entry to fill for key (the least recently used one). */
struct rank_memo *rank_memo_take(const struct rank_memo_key *key);
/* Empty an entry (filling it failed). */
void rank_memo_clear(struct rank_memo *m);
/* Sort and make distinct m->pairs[0..n).  0, or -1 out of memory. */
int rank_memo_pairs_done(struct rank_memo *m, size_t n);
/* The first pair of addr in m->pairs (npairs if none). */
size_t rank_memo_pairs_of(const struct rank_memo *m, const uint8_t addr[4]);

#endif
