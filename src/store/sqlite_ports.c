/* sqlite_ports.c - what `portlog port N` asks of the SQLite store.
 *
 * Everything comes from the roll-ups, whose keys start with the port, so the
 * answer costs the same with ten events or ten million.  Only the exact first
 * and last times read raw events, and only within one hour. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/anonmap.h"
#include "rupack.h"
#include "sqlite_priv.h"
#include "store.h"

static int step_int64(struct store *st, sqlite3_stmt *s, int64_t *v, int *null)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*null = sqlite3_column_type(s, 0) == SQLITE_NULL;
		*v = sqlite3_column_int64(s, 0);
	} else if (rc == SQLITE_DONE) {
		*null = 1;
	} else {
		return sqlite_fail(st, "reading port figures");
	}
	return 0;
}

/* Exact time of the first (or last) event on the port within hour h. */
static int edge_time(struct store *st, int port, int proto, int64_t h, int last, int64_t *us)
{
	/* Event ids are second << EVENT_ID_BITS, so one hour is one id range
	 * of the table's own B-tree: no index needed. */
	const char *sql = last ? "SELECT max(ts) FROM events WHERE id>=?1 AND id<?2 AND dport=?3"
				 " AND (?4<0 OR proto=?4)"
			       : "SELECT min(ts) FROM events WHERE id>=?1 AND id<?2 AND dport=?3"
				 " AND (?4<0 OR proto=?4)";
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing port query");
	sqlite3_bind_int64(s, 1, h * 3600 * (1LL << EVENT_ID_BITS));
	sqlite3_bind_int64(s, 2, (h + 1) * 3600 * (1LL << EVENT_ID_BITS));
	sqlite3_bind_int(s, 3, port);
	sqlite3_bind_int(s, 4, proto);
	int null = 1;
	int64_t v = 0;
	int rc = step_int64(st, s, &v, &null);
	sqlite3_finalize(s);
	/* Raw events may have been pruned while the roll-up stays: keep the hour. */
	*us = null ? (h + (last ? 1 : 0)) * 3600000000LL - (last ? 1 : 0) : v;
	return rc;
}

/* First and last seen, and events in the window: everything but sources. */
static int port_counts(struct store *st, int port, int proto, int64_t since_us, int64_t until_us,
		       struct port_stats *out)
{
	memset(out, 0, sizeof *out);
	int64_t h0, h1;
	store_hours(since_us, until_us, &h0, &h1);
	sqlite3_stmt *s;
	/* The port's first and last hour with the protocol: its rows of every
	 * day the table holds, a seek a day (RU_DAYS). */
	if (sqlite3_prepare_v2(st->db,
			       RU_DAYS("-2147483648", "2147483647")
			       "SELECT min(r.hour), max(r.hour) FROM ru_days d CROSS JOIN rollup_port r"
			       " WHERE r.day=d.day AND r.port=?1 AND (?2<0 OR"
			       " EXISTS(SELECT 1 FROM ru_each(r.combos) c WHERE c.proto=?2))",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing port query");
	sqlite3_bind_int(s, 1, port);
	sqlite3_bind_int(s, 2, proto);
	int rc = sqlite3_step(s);
	int seen = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
	int64_t hmin = seen ? sqlite3_column_int64(s, 0) : 0;
	int64_t hmax = seen ? sqlite3_column_int64(s, 1) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading port figures");
	if (!seen)
		return 0;
	if (edge_time(st, port, proto, hmin, 0, &out->first_us) ||
	    edge_time(st, port, proto, hmax, 1, &out->last_us))
		return -1;

	int null;
	if (sqlite3_prepare_v2(st->db,
			       RU_DAYS("?3", "?4") "SELECT sum(c.events) FROM ru_days d"
			       " CROSS JOIN rollup_port r, ru_each(r.combos) c WHERE r.day=d.day"
			       " AND r.port=?1 AND (?2<0 OR c.proto=?2) AND r.hour>=?3 AND r.hour<?4",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing port query");
	sqlite3_bind_int(s, 1, port);
	sqlite3_bind_int(s, 2, proto);
	sqlite3_bind_int64(s, 3, h0);
	sqlite3_bind_int64(s, 4, h1);
	rc = step_int64(st, s, &out->events, &null);
	sqlite3_finalize(s);
	if (rc)
		return -1;
	return 0;
}

/* Keep rows[0..*n) the busiest first (events, then address text); limit slots. */
static void top_insert(struct rank_row *rows, int *n, int limit, const struct rank_row *r)
{
	int i = *n < limit ? (*n)++ : limit;
	if (i == limit && (r->count < rows[limit - 1].count ||
			   (r->count == rows[limit - 1].count &&
			    strcmp(r->key, rows[limit - 1].key) >= 0)))
		return;
	if (i == limit)
		i = limit - 1;
	while (i > 0 && (rows[i - 1].count < r->count ||
			 (rows[i - 1].count == r->count && strcmp(rows[i - 1].key, r->key) > 0))) {
		rows[i] = rows[i - 1];
		i--;
	}
	rows[i] = *r;
}

/* ---- per-source totals of a port's period ----
 * Aggregated here rather than by SQLite's GROUP BY: the rows come a day at
 * a time, in hour order, and a table by source beats sorting them all by
 * source.  A busy port's year is half a million sources, so the slots are
 * small (40 bytes) and the hash a multiply: keytab's general slots (24-byte
 * keys hashed whole) were most of the port page's time. */
struct src_slot {
	uint64_t hi, lo; /* the address's bytes (IPv4: lo only) */
	uint64_t events;
	int32_t last_hour; /* the last hour seen */
	uint32_t hours;    /* the hours seen, counted as the hour moves on; 0: free */
	uint8_t family;
};

struct src_tab {
	struct src_slot *slot;
	size_t cap, n;
	unsigned bits; /* cap = 1 << bits */
};

static size_t src_home(const struct src_tab *t, uint64_t hi, uint64_t lo, uint8_t family)
{
	uint64_t h = (hi ^ (lo * 0x9E3779B97F4A7C15ull) ^ family) * 0xBF58476D1CE4E5B9ull;
	return (size_t)(h >> (64 - t->bits));
}

/* The slot of an address, added (hours 0) if new; NULL: no memory. */
static struct src_slot *src_find(struct src_tab *t, uint64_t hi, uint64_t lo, uint8_t family)
{
	if ((t->n + 1) * 2 > t->cap) {
		unsigned bits = t->bits ? t->bits + 1 : 12;
		/* huge pages: a busy port's year is tens of megabytes, and
		 * faulted in 4 KiB at a time they were a quarter of the page's
		 * first request */
		struct src_tab g = { anon_map(sizeof *g.slot << bits, 1), (size_t)1 << bits, t->n,
				     bits };
		if (!g.slot)
			return NULL;
		for (size_t i = 0; i < t->cap; i++) {
			const struct src_slot *x = &t->slot[i];
			if (!x->hours)
				continue;
			size_t j = src_home(&g, x->hi, x->lo, x->family);
			while (g.slot[j].hours)
				j = (j + 1) & (g.cap - 1);
			g.slot[j] = *x;
		}
		anon_unmap(t->slot, t->cap * sizeof *t->slot);
		*t = g;
	}
	size_t j = src_home(t, hi, lo, family);
	struct src_slot *x;
	while ((x = &t->slot[j])->hours &&
	       (x->lo != lo || x->hi != hi || x->family != family))
		j = (j + 1) & (t->cap - 1);
	if (!x->hours) {
		x->hi = hi;
		x->lo = lo;
		x->family = family;
		t->n++;
	}
	return x;
}

static int sources_pass(struct store *st, int port, int proto, int64_t since_us, int64_t until_us,
			int limit, struct rank_row *rows, int *nrows, int64_t *distinct,
			enum port_source_extra extra)
{
	*nrows = 0;
	*distinct = 0;
	int64_t h0, h1;
	store_hours(since_us, until_us, &h0, &h1);
	sqlite3_stmt *s;
	/* the lists decoded here (rupack_next): through ru_each, SQLite's
	 * machinery per entry cost most of a busy port's year */
	if (sqlite3_prepare_v2(st->db,
			       RU_DAYS("?2", "?3") "SELECT r.srcs, r.hour FROM ru_days d"
			       " CROSS JOIN rollup_port r WHERE r.day=d.day"
			       " AND r.port=?1 AND r.hour>=?2 AND r.hour<?3",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing port query");
	sqlite3_bind_int(s, 1, port);
	sqlite3_bind_int64(s, 2, h0);
	sqlite3_bind_int64(s, 3, h1);
	struct src_tab t = { 0 };
	int rc, damaged = 0;
	while (!damaged && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const uint8_t *list = sqlite3_column_blob(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0), pos = 0;
		int32_t h = (int32_t)sqlite3_column_int64(s, 1);
		struct ru_ent e;
		int k;
		while ((k = rupack_next(list, len, &pos, &e)) == 1) {
			if (!e.fam || (proto >= 0 && e.proto != proto))
				continue; /* no source address, or another protocol */
			uint64_t hi = 0, lo = 0;
			if (e.fam == 4) {
				uint32_t a;
				memcpy(&a, e.addr, 4);
				lo = a;
			} else {
				memcpy(&hi, e.addr, 8);
				memcpy(&lo, e.addr + 8, 8);
			}
			struct src_slot *a = src_find(&t, hi, lo, e.fam);
			if (!a) {
				rc = SQLITE_NOMEM;
				break;
			}
			a->events += e.events;
			if (!a->hours || h > a->last_hour) {
				a->hours++;
				a->last_hour = h;
			}
		}
		if (rc == SQLITE_NOMEM)
			break;
		damaged = k < 0;
	}
	sqlite3_finalize(s);
	*distinct = (int64_t)t.n;
	for (size_t i = 0; i < t.cap && limit > 0; i++) {
		const struct src_slot *a = &t.slot[i];
		if (!a->hours || (*nrows == limit && (int64_t)a->events < rows[limit - 1].count))
			continue;
		struct rank_row r;
		memset(&r, 0, sizeof r);
		struct ev_addr ad = { .family = a->family };
		if (a->family == 4) {
			uint32_t v = (uint32_t)a->lo;
			memcpy(ad.bytes, &v, 4);
		} else {
			memcpy(ad.bytes, &a->hi, 8);
			memcpy(ad.bytes + 8, &a->lo, 8);
		}
		ev_addr_str(&ad, r.key, sizeof r.key);
		r.port = port;
		r.proto = proto;
		r.count = (int64_t)a->events;
		r.extra = extra == PORT_SOURCE_HOURS ? a->hours : (int64_t)a->last_hour * 3600;
		top_insert(rows, nrows, limit, &r);
	}
	anon_unmap(t.slot, t.cap * sizeof *t.slot);
	if (rc == SQLITE_NOMEM) {
		snprintf(st->err, sizeof st->err, "out of memory counting sources");
		return -1;
	}
	if (damaged) {
		snprintf(st->err, sizeof st->err, "a damaged roll-up row for port %d", port);
		return -1;
	}
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "reading port sources");
}

int store_port_overview(struct store *st, int port, int proto, int64_t since_us,
			int64_t until_us, struct port_stats *out, int limit, struct rank_row *rows,
			int *nrows, enum port_source_extra extra)
{
	*nrows = 0;
	if (port_counts(st, port, proto, since_us, until_us, out))
		return -1;
	return out->first_us ? sources_pass(st, port, proto, since_us, until_us, limit, rows, nrows,
					    &out->sources, extra)
			     : 0;
}

/* ---- findings on a port (indexes of schema 4) ---- */

/* Is port in a finding's port list, "23,1000-1500,2323"? */
static int ports_list_has(const char *list, int port)
{
	const char *p = list;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			return 0;
		if (*end == '-') {
			const char *q = end + 1;
			b = strtol(q, &end, 10);
			if (end == q)
				return 0;
		}
		if (port >= a && port <= b)
			return 1;
		if (*end != ',')
			return 0;
		p = end + 1;
	}
	return 0;
}

/* within: 0, or the port a row must list (for findings whose range only
 * spans it). */
static int finding_rows_in(struct store *st, sqlite3_stmt *s, store_finding_cb cb, void *arg,
			   int *stop, int within);

static int finding_rows(struct store *st, sqlite3_stmt *s, store_finding_cb cb, void *arg,
			int *stop)
{
	return finding_rows_in(st, s, cb, arg, stop, -1);
}

static int finding_rows_in(struct store *st, sqlite3_stmt *s, store_finding_cb cb, void *arg,
			   int *stop, int within)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct finding f;
		sqlite_read_finding(s, &f);
		if (within >= 0 && !ports_list_has(f.ports, within))
			continue;
		if (cb(arg, &f)) {
			*stop = 1;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sqlite_fail(st, "reading findings");
}

static int port_findings(struct store *st, int port, int proto, int64_t since_us,
			 int64_t until_us, int limit, int alone, store_finding_cb cb, void *arg)
{
	/* Three index walks: the port's outbreaks (kind index), then findings
	 * starting at the port, newest first (port_lo index, read backwards),
	 * merged with the packed probes of the port (probe_packs.h; a probe
	 * has one port, never a range), and ranges ending at it (port_range). */
	static const char *const sql[] = {
		"SELECT " SQLITE_FINDING_COLS " FROM findings INDEXED BY findings_kind"
		" WHERE kind = 3 AND last_ts >= ?2"
		" AND first_ts < ?3 AND port_lo = ?1 AND (?4 < 0 OR proto IS NULL OR proto < 0"
		" OR proto = ?4) ORDER BY first_ts",
		"SELECT " SQLITE_FINDING_COLS " FROM findings INDEXED BY findings_port_lo"
		" WHERE port_lo = ?1 AND (?6 = 0 OR port_hi = ?1)"
		" AND last_ts >= ?2 AND first_ts < ?3 AND kind <> 3"
		" AND (?4 < 0 OR proto IS NULL OR proto < 0 OR proto = ?4)"
		" UNION ALL SELECT " SQLITE_FINDING_COLS " FROM probes WHERE port_lo = ?1"
		" AND last_ts >= ?2 AND first_ts < ?3"
		" AND (?4 < 0 OR proto IS NULL OR proto < 0 OR proto = ?4)"
		" ORDER BY last_ts DESC LIMIT ?5",
		"SELECT " SQLITE_FINDING_COLS " FROM findings INDEXED BY findings_port_range"
		" WHERE port_hi = ?1 AND port_lo <> port_hi AND port_lo <> ?1"
		" AND last_ts >= ?2 AND first_ts < ?3"
		" AND kind <> 3 AND (?4 < 0 OR proto IS NULL OR proto < 0 OR proto = ?4)"
		" ORDER BY last_ts DESC LIMIT ?5",
		/* and those whose range spans it: listed only if their port list
		 * names it (checked in C); bounded, newest first */
		"SELECT " SQLITE_FINDING_COLS " FROM findings"
		" WHERE port_lo < ?1 AND port_hi > ?1 AND last_ts >= ?2 AND first_ts < ?3"
		" AND kind <> 3 AND (?4 < 0 OR proto IS NULL OR proto < 0 OR proto = ?4)"
		" ORDER BY last_ts DESC LIMIT 1000",
	};
	/* alone: the port's outbreaks and its findings from port_lo (the
	 * ranges of the other two never name it alone) */
	size_t nsql = alone ? 2 : sizeof sql / sizeof sql[0];
	for (size_t i = 0; i < nsql; i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, sql[i], -1, &s, NULL) != SQLITE_OK)
			return sqlite_fail(st, "preparing port findings query");
		sqlite3_bind_int(s, 1, port);
		sqlite3_bind_int64(s, 2, since_us);
		sqlite3_bind_int64(s, 3, until_us);
		sqlite3_bind_int(s, 4, proto);
		sqlite3_bind_int(s, 5, limit > 0 ? limit : -1);
		if (i == 1)
			sqlite3_bind_int(s, 6, alone);
		int stop = 0;
		if (finding_rows_in(st, s, cb, arg, &stop, i == 3 ? port : -1))
			return -1;
		if (stop)
			break;
	}
	return 0;
}

int store_port_findings(struct store *st, int port, int proto, int64_t since_us,
			int64_t until_us, int limit, store_finding_cb cb, void *arg)
{
	return port_findings(st, port, proto, since_us, until_us, limit, 0, cb, arg);
}

int store_port_findings_alone(struct store *st, int port, int proto, int64_t since_us,
			      int64_t until_us, int limit, store_finding_cb cb, void *arg)
{
	return port_findings(st, port, proto, since_us, until_us, limit, 1, cb, arg);
}

int store_outbreaks(struct store *st, int64_t since_us, int64_t until_us, store_finding_cb cb,
		    void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT " SQLITE_FINDING_COLS " FROM findings WHERE kind = 3"
			       " AND last_ts >= ?1 AND first_ts < ?2 ORDER BY first_ts",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing outbreaks query");
	sqlite3_bind_int64(s, 1, since_us);
	sqlite3_bind_int64(s, 2, until_us);
	int stop = 0;
	return finding_rows(st, s, cb, arg, &stop);
}
