/* blocklist.h - the user's list of known-bad networks (`portlog block`), as
 * the reputation detector reads it: each entry with its note, found for an
 * address by its most specific network.
 *
 * Lists can be long (published reputation lists hold thousands of hosts), and
 * every event is looked up, so entries are hashed by (family, prefix length,
 * masked address): a lookup costs one probe per distinct prefix length. */
#ifndef PORTLOG_BLOCKLIST_H
#define PORTLOG_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "../store/store.h"
#include "netset.h"

struct block_entry {
	struct cidr net;
	char cidr[52];
	char note[96];
};

struct blocklist {
	struct block_entry *v;
	int n, cap;
	int32_t *slots;       /* hash of entries, -1 empty */
	size_t nslots;        /* a power of two */
	uint16_t lens[64];    /* distinct (family << 8 | bits), most specific first */
	int nlens;
};

void blocklist_init(struct blocklist *b);
/* Add one entry (text is canonicalised).  0, or -1 when cidr is not a network. */
int blocklist_add(struct blocklist *b, const char *cidr, const char *note);
/* Read the list from the store.  0 on success. */
int blocklist_load(struct blocklist *b, struct store *st);
void blocklist_free(struct blocklist *b);
/* The most specific entry holding a, or NULL. */
const struct block_entry *blocklist_find(const struct blocklist *b, const struct ev_addr *a);

#endif
