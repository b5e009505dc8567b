/* host_cover.c - see host_cover.h. */
#include "host_cover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_tally.h"
#include "sqlite_priv.h"

static int net_len(const struct store_net *n)
{
	return n->family == 4 ? 4 : 16;
}

/* Clear the host bits. */
static void net_mask(struct store_net *n)
{
	int len = net_len(n);
	for (int i = n->bits; i < len * 8; i++)
		n->net[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	for (int i = len; i < 16; i++)
		n->net[i] = 0;
}

/* The store's form of a network as netset's (its bytes as they are). */
static struct cidr cidr_of(const struct store_net *n)
{
	struct cidr c = { .net = { .family = n->family }, .bits = n->bits };
	memcpy(c.net.bytes, n->net, 16);
	return c;
}

static int cidr_len(const struct cidr *c)
{
	return c->net.family == 4 ? 4 : 16;
}

int host_cover_has(const struct host_cover *c, const struct ev_addr *a)
{
	return c && netset_contains(&c->nets, a);
}

/* 0: c can be covered; 1: it need not be (private space already); -1: it
 * may not be (too large, holds ::1, or no address family). */
static int coverable(const struct cidr *c)
{
	if ((c->net.family != 4 && c->net.family != 6) || c->bits > cidr_len(c) * 8)
		return -1;
	if (c->bits < (c->net.family == 4 ? HOST_COVER_MIN_BITS4 : HOST_COVER_MIN_BITS6))
		return -1;
	/* Within the bounds a network is wholly inside or wholly outside each
	 * private block (all /16 or larger), except ::1 in a network of ::. */
	if (host_addr_covered(&c->net))
		return 1;
	struct ev_addr loopback = { .family = 6, .bytes = { [15] = 1 } };
	return cidr_contains(c, &loopback) ? -1 : 0;
}

int host_cover_read(sqlite3 *db, struct host_cover *c)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT family, bits, net FROM host_cover", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	c->nets.n = 0;
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_net n = { .family = (uint8_t)sqlite3_column_int(s, 0),
				       .bits = (uint8_t)sqlite3_column_int(s, 1) };
		int len = sqlite3_column_bytes(s, 2);
		const void *b = sqlite3_column_blob(s, 2);
		if (b && len == net_len(&n))
			memcpy(n.net, b, (size_t)len);
		struct cidr one = cidr_of(&n);
		if (coverable(&one) == 0) /* a row spoilt by hand is not trusted */
			bad = netset_add(&c->nets, &one);
	}
	sqlite3_finalize(s);
	return bad || rc != SQLITE_DONE ? -1 : 0;
}

void host_cover_free(struct host_cover *c)
{
	netset_free(&c->nets);
	memset(c, 0, sizeof *c);
}

int sqlite_cover_refresh(struct store *st, int force)
{
	if (!st->cover && !(st->cover = calloc(1, sizeof *st->cover))) {
		snprintf(st->err, sizeof st->err, "out of memory");
		return -1;
	}
	struct host_cover *c = st->cover;
	int64_t v = force ? -1 : sqlite_data_version(st);
	if (!force && c->loaded && v == c->version)
		return 0;
	if (host_cover_read(st->db, c)) {
		c->loaded = 0;
		return sqlite_fail(st, "reading the covered home networks");
	}
	c->version = v;
	c->loaded = 1;
	return 0;
}

int sqlite_covered(struct store *st, const struct ev_addr *a)
{
	if (host_addr_covered(a))
		return 1;
	if (a->family != 4 && a->family != 6)
		return 0;
	/* in an open batch the set is the batch's own (read when it began) */
	if (!st->in_tx && sqlite_cover_refresh(st, 0))
		return 0; /* read from the events instead: slower, same answer */
	return host_cover_has(st->cover, a);
}

/* Drop the roll-up of net's addresses, to be counted again whole. */
static int drop_net(sqlite3 *db, const struct cidr *n)
{
	static const char *const tables[] = { "host_total", "host_port", "host_peer",
					      "host_trust" };
	uint8_t lo[16], hi[16];
	sqlite_net_range(n->net.family, n->bits, n->net.bytes, lo, hi);
	int len = cidr_len(n);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
			 "DELETE FROM %s WHERE length(addr)=?1 AND addr BETWEEN ?2 AND ?3", tables[i]);
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int(s, 1, len);
		sqlite3_bind_blob(s, 2, lo, len, SQLITE_STATIC);
		sqlite3_bind_blob(s, 3, hi, len, SQLITE_STATIC);
		int rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int record_net(sqlite3 *db, const struct cidr *n)
{
	char cidr[EV_ADDR_STRLEN + 8];
	cidr_str(n, cidr, sizeof cidr);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db,
			       "INSERT OR IGNORE INTO host_cover(cidr, family, bits, net, added)"
			       " VALUES(?1, ?2, ?3, ?4, ?5)",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, n->net.family);
	sqlite3_bind_int(s, 3, n->bits);
	sqlite3_bind_blob(s, 4, n->net.bytes, cidr_len(n), SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Is n inside one of c's networks? */
static int cover_holds(const struct host_cover *c, const struct cidr *n)
{
	for (int i = 0; c && i < c->nets.n; i++)
		if (c->nets.v[i].bits <= n->bits && cidr_contains(&c->nets.v[i], &n->net))
			return 1;
	return 0;
}

/* Count the stored events of the networks of add (none covered yet, or
 * holding covered ones, counted again whole) into the roll-up, in st's
 * open batch. */
static int count_nets(struct store *st, const struct host_cover *add)
{
	/* the rows first: the batch takes the write lock before the long
	 * read, so no other writer commits events the read would miss */
	for (int i = 0; i < add->nets.n; i++)
		if (record_net(st->db, &add->nets.v[i]))
			return -1;
	/* what the batch has counted is written, then dropped with the rest
	 * of these networks' roll-up, and its events counted below with the
	 * stored ones: each once */
	if (host_tally_flush(st->hosts, st->db))
		return -1;
	for (int i = 0; i < add->nets.n; i++)
		if (drop_net(st->db, &add->nets.v[i]))
			return -1;
	struct host_tally *t = host_tally_new();
	int rc = !t || host_tally_scan(st->db, t, 0, add) ? -1 : 0;
	/* and the batch's events not written to the table yet */
	for (int i = 0; rc == 0 && i < st->npending; i++)
		rc = host_tally_add_nets(t, &st->pending[i].ev, add);
	if (rc == 0)
		rc = host_tally_flush(t, st->db);
	host_tally_free(t);
	return rc;
}

/* A store_net as a netset entry, its host bits cleared. */
static struct cidr masked_cidr(const struct store_net *n)
{
	struct store_net masked = *n;
	net_mask(&masked);
	return cidr_of(&masked);
}

int store_cover_nets(struct store *st, const struct store_net *nets, int n)
{
	/* Private home networks (the usual case) need nothing: no batch, no
	 * write, at every import and serve start. */
	int any = 0;
	for (int i = 0; i < n && !any; i++) {
		struct cidr one = masked_cidr(&nets[i]);
		any = coverable(&one) == 0;
	}
	if (!any)
		return 0;
	/* begins the batch, if need be, reading the set as of it (sqlite.c) */
	if (sqlite_join_batch(st) || (!st->cover && sqlite_cover_refresh(st, 1)))
		return -1;
	struct host_cover add = { 0 };
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct cidr one = masked_cidr(&nets[i]);
		if (coverable(&one) || cover_holds(st->cover, &one) || cover_holds(&add, &one))
			continue;
		/* a network inside this one, met earlier, is counted with it */
		struct netset *a = &add.nets;
		for (int j = 0; j < a->n; j++)
			if (one.bits <= a->v[j].bits && cidr_contains(&one, &a->v[j].net))
				a->v[j--] = a->v[--a->n];
		rc = netset_add(a, &one);
	}
	if (rc == 0 && add.nets.n && count_nets(st, &add))
		rc = -1;
	for (int i = 0; rc == 0 && i < add.nets.n; i++)
		rc = netset_add(&st->cover->nets, &add.nets.v[i]);
	if (rc) {
		st->tx_failed = 1; /* the batch rolls back as a whole */
		sqlite_fail(st, "counting a home network's stored events");
		st->cover->loaded = 0;
	}
	int added = add.nets.n;
	host_cover_free(&add);
	return rc ? -1 : added;
}
