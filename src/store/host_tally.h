/* host_tally.h - the host roll-up: every event of a private address, added
 * up under that address as it is stored (schema 9).
 *
 * Events have no index by address, and an inside host is in every hour, so
 * its Sources page read every event (a second on 10M).  Each event with a
 * private address at either end (host_addr_covered) is counted here under
 * that address and written with the commit:
 *   host_total(addr) -> events, first_ts, last_ts, as_src, as_dst, trusted,
 *                       blocked, allowed;
 *   host_port(addr, port, proto) -> events as source (port, proto -1: none);
 *   host_peer(addr, peers): the (port, proto, destination) of each of its
 *       events as source, grouped by port, a row per commit; repeats are
 *       dropped when read,
 *       and when an address has more than HOST_PEER_ROWS rows they are
 *       merged into one without them (within one commit nearly all differ,
 *       so counting them distinct there cost import more than it saved);
 *   host_trust(addr) -> delta: trusted marks changed since the events were
 *       stored (a trigger on events.trusted keeps it, so store_mark_trusted
 *       needs no help).
 * The covered set is fixed address space, not the home networks (which the
 * user changes): the roll-up of a covered address always holds every event
 * of it, whatever the home networks were when each was stored.  Public home
 * networks are added to it once their stored events are counted
 * (host_cover.h, schema 15), and stay. */
#ifndef PORTLOG_HOST_TALLY_H
#define PORTLOG_HOST_TALLY_H

#include <sqlite3.h>
#include <stdint.h>

#include "../event.h"

enum { HOST_PEER_ROWS = 64 };

/* Private, CGNAT, link-local and loopback IPv4; ULA, link-local and
 * loopback IPv6: the addresses home networks are made of. */
int host_addr_covered(const struct ev_addr *a);

struct host_tally;
struct host_tally *host_tally_new(void);
void host_tally_free(struct host_tally *t);
void host_tally_clear(struct host_tally *t);
/* Count one stored event: its ends in the fixed space.  0, or -1 out of
 * memory. */
int host_tally_add(struct host_tally *t, const struct event *ev);
/* The same for its ends in nets (host_cover.h; NULL or empty: none) that
 * are not in the fixed space: the store counts these beside the fixed
 * space's, which import counts on its own thread. */
struct host_cover;
int host_tally_add_nets(struct host_tally *t, const struct event *ev,
			const struct host_cover *nets);
/* Write what is counted inside the caller's transaction and clear it. */
int host_tally_flush(struct host_tally *t, sqlite3 *db);
/* Count every stored event into t and write it: the fixed space's ends if
 * fixed, and those in nets.  0, or -1. */
int host_tally_scan(sqlite3 *db, struct host_tally *t, int fixed, const struct host_cover *nets);
/* Count every stored event again (the migration to schema 9), with the
 * covered networks of host_cover. */
int host_tally_rebuild(sqlite3 *db);

/* The hours an address was a source in (host_peer.hours): the events a
 * Sources page lists are found by reading those hours only, not every hour
 * its address filter may hold it (an inside host is in every one, as a
 * destination).  any: too long a span to keep, read every hour. */
enum { HOST_HOURS_MAX = 24 * 366 * 40 };
struct host_hours {
	int32_t base;   /* the hour of bit 0 */
	uint32_t nbits; /* a multiple of 8 */
	uint8_t *bits;
	int any;
};
int host_hours_set(struct host_hours *h, int32_t hour);
/* Add the hours of a stored list (0, or -1 malformed or out of memory). */
int host_hours_read(struct host_hours *h, const uint8_t *p, size_t n);
static inline int host_hours_has(const struct host_hours *h, int64_t hour)
{
	return h->any || (hour >= h->base && hour < h->base + (int64_t)h->nbits &&
			  (h->bits[(hour - h->base) / 8] & (1u << ((hour - h->base) % 8))));
}
void host_hours_free(struct host_hours *h);

/* A host_peer list: groups of [port int32][proto int16][family u8]
 * [count u32] (little-endian; port and proto -1: none), each followed by
 * count destinations of that family (4 or 16 bytes). */
struct host_peer {
	int32_t port;
	int16_t proto;
	struct ev_addr dst;
};
struct host_peer_iter {
	const uint8_t *p;
	size_t n, pos;
	struct host_peer group; /* the current group's port, proto and family */
	uint32_t left;          /* its destinations not yet read */
};
void host_peer_iter_init(struct host_peer_iter *it, const uint8_t *p, size_t n);
/* The next entry: 1, 0 at the end, -1 if the list is malformed. */
int host_peer_next(struct host_peer_iter *it, struct host_peer *out);

#endif
