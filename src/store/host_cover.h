/* host_cover.h - the networks the host roll-up (host_tally.h) counts beyond
 * the fixed private space: public home networks (schema 15, host_cover).
 *
 * An inside host of a public home network (a /24 from the ISP, say) is in
 * every hour like a private one, so its Sources page read every hour's
 * events.  When such a network becomes known to the store (store_homenet_add,
 * or import's and serve's configured networks through store_cover_nets), its
 * stored events are counted into the roll-up once and the network is
 * recorded in host_cover, in one transaction; from then on every event of
 * it is counted as it is stored.  A covered network stays covered: removing
 * the home network changes directions, not the counts, which stay right as
 * long as every event of it is counted.
 *
 * Each connection keeps the set in memory: a writer reads it again at the
 * start of every batch (inside the batch's snapshot, so the events it
 * counts and the set agree; a batch that would commit on an older snapshot
 * fails as any write would), a reader when PRAGMA data_version says another
 * connection committed.  A set read earlier is a subset of the current one,
 * so a reader never uses the roll-up of a network not yet counted.
 *
 * Bounded: IPv4 networks of at least /16 (65,536 addresses) and IPv6 of at
 * least /48 (a site).  The roll-up keeps a row for every address of a
 * covered network that is seen, with the destinations of each as a source:
 * a /8 typed by mistake would put the internet's scanners in it, and every
 * event would be counted twice.  A larger home network still works; its
 * hosts' pages are read from the events (slower, same answers). */
#ifndef PORTLOG_HOST_COVER_H
#define PORTLOG_HOST_COVER_H

#include <sqlite3.h>
#include <stdint.h>

#include "../classify/netset.h"
#include "../event.h"
#include "store.h"

enum { HOST_COVER_MIN_BITS4 = 16, HOST_COVER_MIN_BITS6 = 48 };

struct host_cover {
	struct netset nets; /* masked to their bits, as netset keeps them */
	int64_t version; /* PRAGMA data_version when read (readers) */
	int loaded;
};

/* Is a in one of c's networks (c may be NULL)?  Not the fixed space. */
int host_cover_has(const struct host_cover *c, const struct ev_addr *a);
/* Replace c's networks with the host_cover table's (absent: none). */
int host_cover_read(sqlite3 *db, struct host_cover *c);
void host_cover_free(struct host_cover *c);

struct store;
/* The store's set, read again if another connection committed (readers) or
 * always (force: a writer beginning a batch; the next reader's question
 * reads it again too, so networks of a batch rolled back are forgotten).
 * 0, or -1 with the error. */
int sqlite_cover_refresh(struct store *st, int force);
/* Does the host roll-up hold every event of a (fixed space or covered)? */
int sqlite_covered(struct store *st, const struct ev_addr *a);

#endif
