/* sqlite_addr_profile.c - one address: its totals and its busiest ports as
 * a source (store_addr_profile, the Sources page and report source).
 *
 * A private address, or one of a covered home network (sqlite_covered,
 * host_cover.h), is read from the host roll-up (host_tally.h): an inside
 * host is in every hour, and reading its events
 * meant reading them all.  Any other address is read from the events of
 * the hours whose filter may hold it (sqlite_addr.c).  Nothing is kept:
 * the Sources page keeps its whole answer while nothing is written. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_cover.h"
#include "host_tally.h"
#include "keytab.h"
#include "sqlite_addr.h"
#include "sqlite_priv.h"
#include "store.h"

/* Keep rows[0..*n) the busiest first (events, then port and protocol). */
static void port_row_insert(struct rank_row *rows, int *n, int limit, const struct rank_row *r)
{
	int at = *n < limit ? (*n)++ : limit;
	while (at > 0 && (rows[at - 1].count < r->count ||
			  (rows[at - 1].count == r->count &&
			   (rows[at - 1].port > r->port ||
			    (rows[at - 1].port == r->port && rows[at - 1].proto > r->proto))))) {
		if (at < limit)
			rows[at] = rows[at - 1];
		at--;
	}
	if (at < limit)
		rows[at] = *r;
}

/* The key of a (port, protocol) alone: zeros where the address goes. */
static void port_key(uint8_t key[KEYTAB_KEY], int32_t port, int16_t proto)
{
	static const struct ev_addr none;
	keytab_peer_key(&none, port, proto, key);
}

/* Count events to (port, proto) and, the first time dst is seen on it, one
 * more distinct host (none for no address, as count(DISTINCT dst)). */
static int count_peer(struct keytab *ports, struct keytab *hosts, const struct ev_addr *dst,
		      int32_t port, int16_t proto, int64_t events)
{
	uint8_t key[KEYTAB_KEY];
	int new_host, isnew;
	keytab_peer_key(dst, port, proto, key);
	if (!keytab_find(hosts, key, &new_host))
		return -1;
	if (!new_host && !events)
		return 0;
	port_key(key, port, proto);
	struct keytab_slot *p = keytab_find(ports, key, &isnew);
	if (!p)
		return -1;
	p->events += events;
	p->extra += new_host && dst->family;
	return 0;
}

/* The busiest of ports (events, extra = hosts) into rows. */
static void rank_ports(const struct keytab *ports, int limit, struct rank_row *rows, int *nrows)
{
	for (size_t i = 0; i < ports->cap; i++) {
		const struct keytab_slot *p = &ports->slot[i];
		if (!p->used)
			continue;
		struct rank_row r;
		memset(&r, 0, sizeof r);
		int32_t port;
		int16_t proto;
		memcpy(&port, p->key + 17, sizeof port);
		memcpy(&proto, p->key + 21, sizeof proto);
		r.port = port;
		r.proto = proto;
		r.count = p->events;
		r.extra = p->extra;
		port_row_insert(rows, nrows, limit, &r);
	}
}

/* One pass over the hours that may hold the address (sqlite_addr.c): its
 * totals as source or destination, and its busiest destination ports as a
 * source with the distinct hosts on each (a table by (port, protocol) and
 * one by (port, protocol, host), keytab.h). */
static int profile_from_events(struct store *st, const struct ev_addr *a, struct addr_info *info,
			       int limit, struct rank_row *rows, int *nrows)
{
	if (addr_hours(st, a, INT32_MIN, INT32_MAX) < 0)
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT e.ts, e.src = ?1, e.dst = ?1, e.trusted, e.action,"
			       " coalesce(e.dport, -1), coalesce(e.proto, -1), e.dst"
			       " FROM " ADDR_HOURS_JOIN " WHERE " ADDR_HOURS_WHERE
			       /* "+": no automatic index over every event's address */
			       " AND (+e.src = ?1 OR +e.dst = ?1)",
			       -1, &s, NULL))
		return sqlite_fail(st, "reading an address");
	sqlite3_bind_blob(s, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	struct keytab ports = { 0 }, hosts = { 0 };
	uint64_t events = 0;
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t ts = sqlite3_column_int64(s, 0);
		if (!events++ || ts < info->first_us)
			info->first_us = ts;
		if (ts > info->last_us)
			info->last_us = ts;
		int as_src = sqlite3_column_int(s, 1);
		info->as_src += (uint64_t)as_src;
		info->as_dst += (uint64_t)sqlite3_column_int(s, 2);
		info->trusted_events += sqlite3_column_int(s, 3) != 0;
		int action = sqlite3_column_int(s, 4);
		info->blocked += action == 1;
		info->allowed += action == 2;
		if (!as_src || limit <= 0)
			continue;
		struct ev_addr dst;
		sqlite_col_addr(s, 7, &dst);
		bad = count_peer(&ports, &hosts, &dst, sqlite3_column_int(s, 5),
				 (int16_t)sqlite3_column_int(s, 6), 1) != 0;
	}
	sqlite3_finalize(s);
	if (!bad)
		rank_ports(&ports, limit, rows, nrows);
	keytab_free(&ports);
	keytab_free(&hosts);
	if (bad) {
		snprintf(st->err, sizeof st->err, "out of memory reading an address");
		return -1;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlite_fail(st, "reading an address");
	return 0;
}

/* The (port, protocol, IPv4 destination)s seen, as one 64-bit word each:
 * a busy inside source's peer lists hold a quarter of a million entries, and
 * keytab's 48-byte slots and 24-byte keys made counting them most of its
 * page (38 of 40 ms, 10M events).  Open addressing, at most half full; a
 * word's top bit marks a slot used. */
struct pair_set {
	uint64_t *v;
	size_t cap, n;
};

static uint64_t pair_word(int32_t port, int16_t proto, const uint8_t *v4)
{
	return 1ull << 63 | (uint64_t)((uint32_t)(port + 1) & 0x1ffff) << 41 |
	       (uint64_t)((uint16_t)(proto + 1) & 0x1ff) << 32 |
	       (uint64_t)v4[0] << 24 | (uint64_t)v4[1] << 16 | (uint64_t)v4[2] << 8 | v4[3];
}

static size_t pair_slot(const struct pair_set *s, uint64_t w)
{
	return (size_t)((w * 0x9e3779b97f4a7c15ull) >> 20) & (s->cap - 1);
}

/* Add w: 1 if new, 0 if seen, -1 out of memory. */
static int pair_add(struct pair_set *s, uint64_t w)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct pair_set g = { calloc(cap, sizeof *g.v), cap, s->n };
		if (!g.v)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i]) {
				size_t j = pair_slot(&g, s->v[i]);
				while (g.v[j])
					j = (j + 1) & (cap - 1);
				g.v[j] = s->v[i];
			}
		free(s->v);
		*s = g;
	}
	size_t j = pair_slot(s, w);
	while (s->v[j] && s->v[j] != w)
		j = (j + 1) & (s->cap - 1);
	if (s->v[j])
		return 0;
	s->v[j] = w;
	s->n++;
	return 1;
}

/* The busiest ports from the roll-up: events from by_port (host_port), the
 * distinct hosts on each from the peer lists of peers (host_peer).  0, or -1. */
static int ports_from_hosts(sqlite3_stmt *by_port, sqlite3_stmt *peers, int limit,
			    struct rank_row *rows, int *nrows)
{
	struct keytab ports = { 0 }, hosts = { 0 };
	struct pair_set v4 = { 0 };
	uint8_t key[KEYTAB_KEY];
	int isnew, rc, bad = 0;
	while (!bad && (rc = sqlite3_step(by_port)) == SQLITE_ROW) {
		port_key(key, sqlite3_column_int(by_port, 0),
			 (int16_t)sqlite3_column_int(by_port, 1));
		struct keytab_slot *p = keytab_find(&ports, key, &isnew);
		if (!p)
			bad = 1;
		else
			p->events += sqlite3_column_int64(by_port, 2);
	}
	bad = bad || rc != SQLITE_DONE;
	while (!bad && (rc = sqlite3_step(peers)) == SQLITE_ROW) {
		struct host_peer_iter it;
		host_peer_iter_init(&it, sqlite3_column_blob(peers, 0),
				    (size_t)sqlite3_column_bytes(peers, 0));
		struct host_peer e;
		int got = 0;
		while (!bad && (got = host_peer_next(&it, &e)) > 0) {
			if (e.dst.family != 4) {
				bad = count_peer(&ports, &hosts, &e.dst, e.port, e.proto, 0) != 0;
				continue;
			}
			int isnew_host = pair_add(&v4, pair_word(e.port, e.proto, e.dst.bytes));
			if (isnew_host <= 0) { /* seen (the port too), or no memory */
				bad = isnew_host < 0;
				continue;
			}
			port_key(key, e.port, e.proto);
			struct keytab_slot *p = keytab_find(&ports, key, &isnew);
			if (!p)
				bad = 1;
			else
				p->extra++;
		}
		bad = bad || got < 0;
	}
	bad = bad || rc != SQLITE_DONE;
	if (!bad)
		rank_ports(&ports, limit, rows, nrows);
	keytab_free(&ports);
	keytab_free(&hosts);
	free(v4.v);
	return bad ? -1 : 0;
}

/* The same answer from the host roll-up: totals, trusted marks changed
 * since, events by port, and the distinct destinations of its peer lists. */
static int profile_from_hosts(struct store *st, const struct ev_addr *a, struct addr_info *info,
			      int limit, struct rank_row *rows, int *nrows)
{
	sqlite3_stmt *s[4] = { NULL };
	static const char *const sql[4] = {
		"SELECT first_ts, last_ts, as_src, as_dst, trusted, blocked, allowed"
		" FROM host_total WHERE addr=?1",
		"SELECT delta FROM host_trust WHERE addr=?1",
		"SELECT port, proto, events FROM host_port WHERE addr=?1",
		"SELECT peers FROM host_peer WHERE addr=?1",
	};
	int n = limit > 0 ? 4 : 2, bad = 0;
	for (int i = 0; i < n; i++) {
		if (sqlite3_prepare_v2(st->db, sql[i], -1, &s[i], NULL) != SQLITE_OK) {
			for (int j = 0; j < i; j++)
				sqlite3_finalize(s[j]);
			return sqlite_fail(st, "reading an address's roll-up");
		}
		sqlite3_bind_blob(s[i], 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	}
	int rc = sqlite3_step(s[0]);
	if (rc == SQLITE_ROW) {
		info->first_us = sqlite3_column_int64(s[0], 0);
		info->last_us = sqlite3_column_int64(s[0], 1);
		info->as_src = (uint64_t)sqlite3_column_int64(s[0], 2);
		info->as_dst = (uint64_t)sqlite3_column_int64(s[0], 3);
		info->trusted_events = (uint64_t)sqlite3_column_int64(s[0], 4);
		info->blocked = (uint64_t)sqlite3_column_int64(s[0], 5);
		info->allowed = (uint64_t)sqlite3_column_int64(s[0], 6);
	} else if (rc != SQLITE_DONE) {
		bad = 1;
	}
	if (!bad && (rc = sqlite3_step(s[1])) == SQLITE_ROW)
		info->trusted_events += (uint64_t)sqlite3_column_int64(s[1], 0);
	else if (rc != SQLITE_DONE)
		bad = 1;
	if (!bad && n > 2)
		bad = ports_from_hosts(s[2], s[3], limit, rows, nrows) != 0;
	for (int i = 0; i < n; i++)
		sqlite3_finalize(s[i]);
	if (bad)
		return sqlite_fail(st, "reading an address's roll-up");
	return 0;
}

int store_addr_profile(struct store *st, const struct ev_addr *a, struct addr_info *info,
		       int limit, struct rank_row *rows, int *nrows)
{
	memset(info, 0, sizeof *info);
	*nrows = 0;
	if (limit < 0)
		limit = 0;
	int rc = sqlite_covered(st, a) ? profile_from_hosts(st, a, info, limit, rows, nrows)
				       : profile_from_events(st, a, info, limit, rows, nrows);
	if (rc) {
		*nrows = 0;
		return -1;
	}
	for (int i = 0; i < *nrows; i++) {
		struct rank_row *r = &rows[i];
		const char *pn = r->proto >= 0 ? ev_proto_name(r->proto) : NULL;
		if (r->port < 0)
			snprintf(r->key, sizeof r->key, "%s", pn ? pn : "other");
		else if (pn)
			snprintf(r->key, sizeof r->key, "%d/%s", r->port, pn);
		else
			snprintf(r->key, sizeof r->key, "%d/%d", r->port, r->proto);
	}
	return 0;
}

int store_addr_info(struct store *st, const struct ev_addr *a, struct addr_info *info)
{
	int n;
	return store_addr_profile(st, a, info, 0, NULL, &n);
}

int store_addr_ports(struct store *st, const struct ev_addr *a, int limit, struct rank_row *rows,
		     int *nrows)
{
	struct addr_info info;
	return store_addr_profile(st, a, &info, limit, rows, nrows);
}
