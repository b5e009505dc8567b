/* keytab.h - counts by a short binary key (an address, or an address and a
 * port), for the rankings the store adds up itself rather than through
 * SQLite's GROUP BY, which would sort every row of a long period. */
#ifndef PORTLOG_KEYTAB_H
#define PORTLOG_KEYTAB_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

enum { KEYTAB_KEY = 24 }; /* an address (17 bytes) and a port and protocol */

struct keytab_slot {
	uint8_t key[KEYTAB_KEY]; /* family, address bytes, then what the caller adds */
	uint8_t used;
	int64_t events, extra;
};

struct keytab {
	struct keytab_slot *slot;
	size_t cap, n; /* cap a power of two, at most half full */
};

/* The key of an address: its family, its bytes, zeros after. */
void keytab_addr_key(const struct ev_addr *a, uint8_t key[KEYTAB_KEY]);
/* The key of an address (family 0: none) and a port and protocol: the
 * address's key, the port at byte 17, the protocol at 21. */
void keytab_peer_key(const struct ev_addr *a, int32_t port, int16_t proto,
		     uint8_t key[KEYTAB_KEY]);
/* The slot for key, added (zeroed, *isnew set) if new; NULL: no memory.
 * Slots move when the table grows: use one before the next find. */
struct keytab_slot *keytab_find(struct keytab *t, const uint8_t key[KEYTAB_KEY], int *isnew);
void keytab_free(struct keytab *t);

#endif
