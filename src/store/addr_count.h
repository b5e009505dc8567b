/* addr_count.h - events by address for the summary's top sources (the
 * busiest of every source of a period: hundreds of thousands of them).
 *
 * IPv4 addresses, nearly all of them, go to a table of 16-byte slots keyed
 * by the address itself; a keytab of 48-byte slots (keytab.h) hashed over
 * 24 bytes holds the rest.  The smaller table is what makes the count fast:
 * it is a random access per source, and under a third of the memory misses
 * the cache less than a third as often. */
#ifndef PORTLOG_ADDR_COUNT_H
#define PORTLOG_ADDR_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "keytab.h"

struct addr_count_v4 {
	uint32_t addr; /* network order, as stored */
	uint32_t used;
	int64_t events;
};

struct addr_count {
	struct addr_count_v4 *v4;
	size_t cap4, n4; /* cap4 a power of two, at most half full */
	struct keytab other;
};

/* Add events to the address of key (keytab_addr_key's layout; only the
 * family and address are read).  0, or -1 out of memory. */
int addr_count_add(struct addr_count *c, const uint8_t key[KEYTAB_KEY], int64_t events);
/* Walk the addresses: *pos starts at 0; 1 with key and events filled, 0 at the end. */
int addr_count_next(const struct addr_count *c, size_t *pos, uint8_t key[KEYTAB_KEY],
		    int64_t *events);
/* dst (not set up) becomes a copy of src.  0, or -1 out of memory. */
int addr_count_copy(struct addr_count *dst, const struct addr_count *src);
void addr_count_free(struct addr_count *c);

#endif
