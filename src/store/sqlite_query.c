/* sqlite_query.c - the questions reports ask, answered from the SQLite store.
 *
 * Time series come from the roll-ups, at whole hours: a --since or --until
 * inside an hour takes in that whole hour.  store_series_raw() asks the same
 * of raw events, so tests can prove the roll-ups exact. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr_count.h"
#include "host_cover.h"
#include "host_tally.h"
#include "keytab.h"
#include "rank_memo.h"
#include "rollup.h"
#include "rupack.h"
#include "sqlite_addr.h"
#include "sqlite_priv.h"
#include "store.h"

/* SQL for the start (UTC seconds) of the period holding hour expression h. */
static void period_sql(char *buf, size_t n, enum store_period by, const char *h)
{
	switch (by) {
	case PERIOD_HOUR:
		snprintf(buf, n, "((%s)*3600)", h);
		break;
	case PERIOD_DAY:
		snprintf(buf, n, "(((%s)/24)*86400)", h);
		break;
	case PERIOD_WEEK: /* weeks start on Monday; 1970-01-01 was a Thursday */
		snprintf(buf, n, "((((%s)/24) - (((%s)/24)+3)%%7)*86400)", h, h);
		break;
	case PERIOD_MONTH:
		snprintf(buf, n,
			 "CAST(strftime('%%s', (%s)*3600, 'unixepoch', 'start of month') AS INTEGER)",
			 h);
		break;
	}
}

static int run_cells(struct store *st, const char *sql, const struct series_query *q, int pi,
		     int64_t lo, int64_t hi, store_cell_cb cb, void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing report query");
	const struct port_sel *p = &q->ports[pi];
	sqlite3_bind_int(s, 1, p->port);
	sqlite3_bind_int(s, 2, p->proto);
	sqlite3_bind_int(s, 3, q->direction);
	sqlite3_bind_int64(s, 4, lo);
	sqlite3_bind_int64(s, 5, hi);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb(arg, sqlite3_column_int64(s, 0), pi, sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "running report query");
}

int store_series(struct store *st, const struct series_query *q, store_cell_cb cb, void *arg)
{
	int64_t h0, h1;
	store_hours(q->since_us, q->until_us, &h0, &h1);
	char per[256], sql[1024];
	period_sql(per, sizeof per, q->by, "hour");
	for (int i = 0; i < q->nports; i++) {
		/* Parts of one (port, hour) add up (rollup.c); a filter reads
		 * the packed lists through ru_each (rupack.c). */
		int filtered = q->ports[i].proto >= 0 || q->direction >= 0;
		if (q->measure == MEASURE_EVENTS && !filtered)
			snprintf(sql, sizeof sql,
				 RU_DAYS("?4", "?5") "SELECT %s AS p, sum(r.events) FROM ru_days d"
				 " CROSS JOIN rollup_port r WHERE r.day=d.day AND r.port=?1"
				 " AND r.hour>=?4 AND r.hour<?5 GROUP BY p ORDER BY p",
				 per);
		else if (q->measure == MEASURE_EVENTS)
			snprintf(sql, sizeof sql,
				 RU_DAYS("?4", "?5") "SELECT %s AS p, sum(c.events) FROM ru_days d"
				 " CROSS JOIN rollup_port r, ru_each(r.combos) c"
				 " WHERE r.day=d.day AND r.port=?1 AND r.hour>=?4 AND r.hour<?5"
				 " AND (?2<0 OR c.proto=?2) AND (?3<0 OR c.direction=?3)"
				 " GROUP BY p ORDER BY p",
				 per);
		else if (q->by == PERIOD_HOUR && !filtered)
			snprintf(sql, sizeof sql,
				 RU_DAYS("?4", "?5") "SELECT r.hour*3600, sum(r.sources) FROM ru_days d"
				 " CROSS JOIN rollup_port r WHERE r.day=d.day AND r.port=?1"
				 " AND r.hour>=?4 AND r.hour<?5"
				 " GROUP BY r.hour ORDER BY r.hour");
		else if (q->by == PERIOD_HOUR)
			snprintf(sql, sizeof sql,
				 RU_DAYS("?4", "?5") "SELECT r.hour*3600, sum(u.sources) FROM ru_days d"
				 " CROSS JOIN rollup_port r, ru_each(r.uniq) u"
				 " WHERE r.day=d.day AND r.port=?1 AND r.hour>=?4 AND r.hour<?5"
				 " AND u.proto=(CASE WHEN ?2<0 THEN -1 ELSE ?2 END)"
				 " AND u.direction=(CASE WHEN ?3<0 THEN -1 ELSE ?3 END)"
				 " GROUP BY r.hour ORDER BY r.hour");
		else
			snprintf(sql, sizeof sql,
				 RU_DAYS("?4", "?5") "SELECT %s AS p, count(DISTINCT x.src) FROM ru_days d"
				 " CROSS JOIN rollup_port r, ru_each(r.srcs) x WHERE r.day=d.day AND r.port=?1"
				 " AND (?2<0 OR x.proto=?2) AND (?3<0 OR x.direction=?3)"
				 " AND r.hour>=?4 AND r.hour<?5 GROUP BY p ORDER BY p",
				 per);
		if (run_cells(st, sql, q, i, h0, h1, cb, arg))
			return -1;
	}
	return 0;
}

int store_series_raw(struct store *st, const struct series_query *q, store_cell_cb cb, void *arg)
{
	int64_t h0, h1;
	store_hours(q->since_us, q->until_us, &h0, &h1);
	char per[256], sql[1024];
	period_sql(per, sizeof per, q->by, "ts/3600000000");
	for (int i = 0; i < q->nports; i++) {
		snprintf(sql, sizeof sql,
			 "SELECT %s AS p, %s FROM events WHERE coalesce(dport,-1)=?1"
			 " AND (?2<0 OR coalesce(proto,256)=?2) AND (?3<0 OR direction=?3)"
			 " AND ts>=?4*3600000000 AND ts<?5*3600000000 GROUP BY p ORDER BY p",
			 per, q->measure == MEASURE_EVENTS ? "count(*)" : "count(DISTINCT src)");
		if (run_cells(st, sql, q, i, h0, h1, cb, arg))
			return -1;
	}
	return 0;
}

int store_time_range(struct store *st, int64_t *first_us, int64_t *last_us)
{
	sqlite3_stmt *s;
	int found = 0;
	/* ids order events by second: look only inside the first and last one.
	 * min() and max() in separate subqueries: together in one SELECT they
	 * would scan the table instead of reading each end of it. */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT (SELECT min(ts) FROM events WHERE id < ((a >> 22) + 1) << 22),"
			       " (SELECT max(ts) FROM events WHERE id >= (b >> 22) << 22)"
			       " FROM (SELECT (SELECT min(id) FROM events) AS a,"
			       " (SELECT max(id) FROM events) AS b) WHERE a IS NOT NULL",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading time range");
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*first_us = sqlite3_column_int64(s, 0);
		*last_us = sqlite3_column_int64(s, 1);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

uint64_t store_event_count(struct store *st)
{
	sqlite3_stmt *s;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM events", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* ---- top sources, aggregated here: SQLite's GROUP BY would sort every
 * (source, port) of the period ---- */


static int rank_row_before(const struct rank_row *a, const uint8_t *akey,
			   const struct rank_row *b, const uint8_t *bkey)
{
	if (a->count != b->count)
		return a->count > b->count;
	/* ties in the order of the address bytes, as SQL's ORDER BY src */
	int alen = akey[0] == 4 ? 4 : 16, blen = bkey[0] == 4 ? 4 : 16;
	int c = memcmp(akey + 1, bkey + 1, (size_t)(alen < blen ? alen : blen));
	return c ? c < 0 : alen < blen;
}

/* Pass 0 of rank_addrs keeps the IPv4 (address, port) entries it reads, up
 * to PAIRS_KEPT: the distinct ports of the busiest addresses then come from
 * them instead of a second reading of every list (about a third of ranking
 * 30 days' sources on 10M events).  More entries, or an IPv6 address among
 * the busiest, and the lists are read again. */
enum { PAIRS_KEPT = 1 << 20 };
struct kept_pairs {
	uint64_t *v; /* rank_memo_pair()s, as the kept sums hold them */
	size_t n, cap;
	int overflow;
};

static void keep_pair(struct kept_pairs *k, const uint8_t *addr4, int32_t port)
{
	if (k->overflow)
		return;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 65536;
		uint64_t *v = cap <= PAIRS_KEPT ? realloc(k->v, cap * sizeof *v) : NULL;
		if (!v) {
			k->overflow = 1;
			return;
		}
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = rank_memo_pair(addr4, port);
}

/* The top addresses ranked so far, and the (address, port) pairs seen of them. */
struct top_ports {
	struct rank_row *rows;
	uint8_t (*keys)[KEYTAB_KEY];
	const uint32_t *prefix; /* the keys' first address bytes: most entries are none of them */
	int n, count_portless;
	struct keytab pairs;
};

/* One (address, port) entry: when key (an address, zeroed past it) is one of
 * the top, a pair not seen before is one more distinct port.  -1: no memory. */
static int count_top_port(struct top_ports *t, uint8_t key[KEYTAB_KEY], int32_t port)
{
	uint32_t p4;
	memcpy(&p4, key + 1, 4);
	int top = -1;
	for (int i = 0; i < t->n && top < 0; i++)
		if (t->prefix[i] == p4 && !memcmp(t->keys[i], key, KEYTAB_KEY))
			top = i;
	if (top < 0 || (!t->count_portless && port < 0))
		return 0;
	/* the same address with its port: a new pair is a new port */
	key[17] = (uint8_t)((uint32_t)port >> 8);
	key[18] = (uint8_t)port;
	key[19] = port < 0;
	int isnew;
	if (!keytab_find(&t->pairs, key, &isnew))
		return -1;
	t->rows[top].extra += isnew;
	return 0;
}

/* count_top_port of a kept IPv4 pair (rank_memo_pair). */
static int count_top_pair(struct top_ports *t, uint64_t pair)
{
	uint8_t key[KEYTAB_KEY] = { 4, (uint8_t)(pair >> 56), (uint8_t)(pair >> 48),
				    (uint8_t)(pair >> 40), (uint8_t)(pair >> 32) };
	return count_top_port(t, key, rank_memo_pair_port(pair));
}

/* The entries with a source address (in direction; -1: any) of the source
 * lists s reads for hours [h0, h1), one at a time: both passes of
 * rank_addrs walk them. */
struct src_entries {
	sqlite3_stmt *s;
	const uint8_t *p; /* the current row's list, NULL between rows */
	size_t n, pos;
	int direction;
	int rc; /* the last sqlite3_step() code */
};

static void src_entries_start(struct src_entries *it, sqlite3_stmt *s, int64_t h0, int64_t h1,
			      int direction)
{
	*it = (struct src_entries){ .s = s, .direction = direction, .rc = SQLITE_DONE };
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, h0);
	sqlite3_bind_int64(s, 2, h1);
}

/* The next entry, with its address's keytab key: 1; 0 after the last row
 * (it->rc says how they ended); -1 on a damaged list. */
static inline int src_entries_next(struct src_entries *it, struct ru_ent *e,
				   uint8_t key[KEYTAB_KEY])
{
	for (;;) {
		if (it->p) {
			int got;
			while ((got = rupack_next(it->p, it->n, &it->pos, e)) == 1) {
				if (!e->fam || (it->direction >= 0 && e->dir != it->direction))
					continue;
				memset(key, 0, KEYTAB_KEY);
				key[0] = e->fam;
				memcpy(key + 1, e->addr, e->fam == 4 ? 4 : 16);
				return 1;
			}
			if (got < 0)
				return -1;
			it->p = NULL;
		}
		if ((it->rc = sqlite3_step(it->s)) != SQLITE_ROW)
			return 0;
		it->p = sqlite3_column_blob(it->s, 0);
		it->n = (size_t)sqlite3_column_bytes(it->s, 0);
		it->pos = 0;
	}
}

/* Pass 0 of rank_addrs over the lists of hours [h0, h1): events by address
 * into srcs (each list is sorted by address, so a run of one address is one
 * table lookup), the IPv4 (address, port) entries into kept.  Returns the
 * last sqlite3_step() code; *bad set out of memory or on a damaged list. */
static int scan_addrs(sqlite3_stmt *s, int64_t h0, int64_t h1, int direction,
		      struct addr_count *srcs, struct kept_pairs *kept, int *bad)
{
	if (h0 >= h1)
		return SQLITE_DONE;
	struct src_entries it;
	src_entries_start(&it, s, h0, h1, direction);
	struct ru_ent e;
	uint8_t key[KEYTAB_KEY], run[KEYTAB_KEY] = { 0 }; /* the address being summed */
	int64_t run_events = 0;
	int got = 0;
	while (!*bad && (got = src_entries_next(&it, &e, key)) == 1) {
		if (e.fam == 4)
			keep_pair(kept, e.addr, e.port);
		if (run[0] && memcmp(run, key, KEYTAB_KEY)) {
			if (addr_count_add(srcs, run, run_events)) {
				*bad = 1;
				break;
			}
			run_events = 0;
		}
		memcpy(run, key, KEYTAB_KEY);
		run_events += (int64_t)e.events;
	}
	if (got < 0 || (!*bad && run[0] && addr_count_add(srcs, run, run_events)))
		*bad = 1;
	sqlite3_reset(s);
	return it.rc;
}

/* Pass 1: every (address, port) entry of hours [h0, h1) of the top addresses. */
static int scan_top_ports(sqlite3_stmt *s, int64_t h0, int64_t h1, int direction,
			  struct top_ports *top, int *bad)
{
	struct src_entries it;
	src_entries_start(&it, s, h0, h1, direction);
	struct ru_ent e;
	uint8_t key[KEYTAB_KEY];
	int got = 0;
	while (!*bad && (got = src_entries_next(&it, &e, key)) == 1)
		if (count_top_port(top, key, e.port))
			*bad = 1;
	if (got < 0)
		*bad = 1;
	sqlite3_reset(s);
	return it.rc;
}

/* Keep the busiest `limit` of srcs in rows and keys, in order. */
static void rank_top(const struct addr_count *srcs, int limit, struct rank_row *rows,
		     uint8_t (*keys)[KEYTAB_KEY], int *nrows)
{
	size_t pos = 0;
	uint8_t k[KEYTAB_KEY];
	int64_t events;
	while (addr_count_next(srcs, &pos, k, &events)) {
		struct rank_row r = { .count = events };
		int at = *nrows < limit ? (*nrows)++ : limit;
		if (at == limit && !rank_row_before(&r, k, &rows[limit - 1], keys[limit - 1]))
			continue;
		if (at == limit)
			at = limit - 1;
		while (at > 0 && rank_row_before(&r, k, &rows[at - 1], keys[at - 1])) {
			rows[at] = rows[at - 1];
			memcpy(keys[at], keys[at - 1], KEYTAB_KEY);
			at--;
		}
		rows[at] = r;
		memcpy(keys[at], k, KEYTAB_KEY);
	}
}

static int64_t meta_int(sqlite3 *db, const char *key, int64_t dflt)
{
	sqlite3_stmt *s;
	int64_t v = dflt;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?1", -1, &s, NULL) != SQLITE_OK)
		return dflt;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The whole past days of hours [h0, h1) whose sums rank_memo.h may keep, as
 * its key.  0 with a read transaction begun on st (to end with COMMIT once
 * the ranking is done: the key and the lists read are of one snapshot), or
 * -1: nothing to keep (no transaction).  Periods up to RANK_MEMO_DAYS only
 * (the dashboard's 7 and 30 days); a longer one costs more to keep than to
 * read once. */
enum { RANK_MEMO_DAYS = 32 };
static int memo_key(struct store *st, const char *list, int direction, int64_t h0, int64_t h1,
		    struct rank_memo_key *k)
{
	if (h1 - h0 > RANK_MEMO_DAYS * 24 || !sqlite3_get_autocommit(st->db))
		return -1;
	const char *path = sqlite3_db_filename(st->db, "main");
	struct stat sb;
	memset(k, 0, sizeof *k);
	if (!path || !*path || strlen(path) >= sizeof k->path || strlen(list) >= sizeof k->list ||
	    stat(path, &sb))
		return -1;
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	int64_t newest = meta_int(st->db, "rollup_max_hour", INT64_MIN);
	int64_t d0 = floor_div(h0 + 23, 24), d1 = floor_div(h1, 24);
	if (newest != INT64_MIN && floor_div(newest - ROLLUP_PAST_HOURS, 24) < d1)
		d1 = floor_div(newest - ROLLUP_PAST_HOURS, 24);
	sqlite3_stmt *s = NULL;
	int ok = newest != INT64_MIN && d1 - d0 >= 2 &&
		 sqlite3_prepare_v2(st->db,
				    "SELECT count(*), sum(id) FROM rollup_time WHERE hour>=?1 AND hour<?2",
				    -1, &s, NULL) == SQLITE_OK;
	if (ok) {
		snprintf(k->path, sizeof k->path, "%s", path);
		snprintf(k->list, sizeof k->list, "%s", list);
		k->dev = (uint64_t)sb.st_dev;
		k->ino = (uint64_t)sb.st_ino;
		k->direction = direction;
		k->h0 = d0 * 24;
		k->h1 = d1 * 24;
		k->past_gen = meta_int(st->db, "rollup_past_gen", 0);
		sqlite3_bind_int64(s, 1, k->h0);
		sqlite3_bind_int64(s, 2, k->h1);
		ok = sqlite3_step(s) == SQLITE_ROW;
		k->rows = ok ? sqlite3_column_int64(s, 0) : 0;
		k->id_sum = ok ? sqlite3_column_int64(s, 1) : 0;
	}
	sqlite3_finalize(s);
	if (!ok) {
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Fill m (rank_memo_take) from the lists of its hours.  0, or -1 (m emptied). */
static int memo_fill(sqlite3_stmt *s, struct rank_memo *m, int *rc, int *bad)
{
	struct kept_pairs kept = { 0 };
	*rc = scan_addrs(s, m->key.h0, m->key.h1, m->key.direction, &m->counts, &kept, bad);
	if (*bad || (*rc != SQLITE_DONE && *rc != SQLITE_ROW)) {
		free(kept.v);
		rank_memo_clear(m);
		return -1;
	}
	m->pairs_ok = !kept.overflow;
	if (m->pairs_ok) {
		m->pairs = kept.v; /* taken over */
		kept.v = NULL;
		if (rank_memo_pairs_done(m, kept.n))
			m->pairs_ok = 0;
	}
	free(kept.v);
	return 0;
}

/* The busiest addresses of a rollup_time list (srcs: sources; inside:
 * inside hosts hit) with their distinct ports; portless entries count as
 * a port of their own when count_portless.  Two passes: events by address
 * first (scan_addrs), then the distinct ports of the few busiest only, from
 * the kept pairs when they hold them all, else from a second reading.  The
 * whole past days of a period up to a month come from rank_memo.h when it
 * holds them (read and kept otherwise): only the hours around them are read. */
static int rank_addrs(struct store *st, const char *list, int count_portless, int64_t h0,
		      int64_t h1, int direction, int limit, struct rank_row *rows, int *nrows)
{
	*nrows = 0;
	if (limit > 64)
		limit = 64;
	sqlite3_stmt *s;
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT %s FROM rollup_time WHERE hour>=?1 AND hour<?2", list);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing summary query");
	struct kept_pairs kept = { 0 };
	struct addr_count srcs = { 0 }; /* events by address (addr_count.h) */
	uint8_t keys[64][KEYTAB_KEY];
	uint32_t prefix[64];
	struct top_ports top = { .rows = rows, .keys = keys, .prefix = prefix,
				 .count_portless = count_portless };
	int rc = SQLITE_DONE, bad = 0;
	struct rank_memo_key mk;
	struct rank_memo *memo = NULL;
	int in_tx = memo_key(st, list, direction, h0, h1, &mk) == 0;
	if (in_tx) {
		rank_memo_lock();
		memo = rank_memo_find(&mk);
		if (!memo && memo_fill(s, memo = rank_memo_take(&mk), &rc, &bad))
			memo = NULL;
		if (!memo)
			rank_memo_unlock();
	}
	if (memo) {
		/* the hours before and after the kept days, added to a copy */
		bad = addr_count_copy(&srcs, &memo->counts) != 0;
		if (!bad)
			rc = scan_addrs(s, h0, mk.h0, direction, &srcs, &kept, &bad);
		if (!bad && (rc == SQLITE_DONE || rc == SQLITE_ROW))
			rc = scan_addrs(s, mk.h1, h1, direction, &srcs, &kept, &bad);
	} else if (!bad) {
		rc = scan_addrs(s, h0, h1, direction, &srcs, &kept, &bad);
	}
	int reread = kept.overflow || (memo && !memo->pairs_ok);
	if (!bad && (rc == SQLITE_DONE || rc == SQLITE_ROW)) {
		rank_top(&srcs, limit, rows, keys, nrows);
		for (int i = 0; i < *nrows; i++) {
			memcpy(&prefix[i], keys[i] + 1, 4);
			if (keys[i][0] != 4)
				reread = 1; /* an IPv6 address's entries were not kept */
		}
		top.n = *nrows;
		if (reread) {
			rc = scan_top_ports(s, h0, h1, direction, &top, &bad);
		} else {
			for (int i = 0; memo && i < *nrows && !bad; i++) {
				const uint8_t *a = keys[i] + 1;
				for (size_t j = rank_memo_pairs_of(memo, a);
				     j < memo->npairs && memo->pairs[j] >> 32 == rank_memo_pair(a, -1) >> 32 &&
				     !bad;
				     j++)
					bad = count_top_pair(&top, memo->pairs[j]) != 0;
			}
			for (size_t j = 0; j < kept.n && !bad; j++)
				bad = count_top_pair(&top, kept.v[j]) != 0;
		}
	}
	if (memo)
		rank_memo_unlock();
	if (in_tx)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	free(kept.v);
	sqlite3_finalize(s);
	keytab_free(&top.pairs);
	for (int i = 0; !bad && i < *nrows; i++) {
		struct ev_addr ad = { .family = keys[i][0] };
		memcpy(ad.bytes, keys[i] + 1, ad.family == 4 ? 4 : 16);
		ev_addr_str(&ad, rows[i].key, sizeof rows[i].key);
	}
	addr_count_free(&srcs);
	if (bad) {
		*nrows = 0;
		snprintf(st->err, sizeof st->err, "out of memory or a damaged roll-up ranking sources");
		return -1;
	}
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sqlite_fail(st, "running summary query");
}

/* A ranking row's key text from its number (direction, action, protocol
 * or port; extra holds a port's protocol). */
static void name_row(enum store_rank what, int k, struct rank_row *r)
{
	const char *name;
	switch (what) {
	case RANK_DIRECTION:
		snprintf(r->key, sizeof r->key, "%s", ev_direction_name(k));
		break;
	case RANK_ACTION:
		snprintf(r->key, sizeof r->key, "%s", ev_action_name(k));
		break;
	case RANK_PROTO:
		name = k >= 0 && k < 256 ? ev_proto_name(k) : "none";
		if (name)
			snprintf(r->key, sizeof r->key, "%s", name);
		else
			snprintf(r->key, sizeof r->key, "%d", k);
		r->proto = k;
		break;
	case RANK_PORT:
		r->port = k;
		r->proto = (int)r->extra;
		name = r->proto < 256 ? ev_proto_name(r->proto) : NULL;
		if (name)
			snprintf(r->key, sizeof r->key, "%d/%s", k, name);
		else
			snprintf(r->key, sizeof r->key, "%d/%d", k, r->proto);
		r->extra = 0;
		break;
	default:
		break;
	}
}

/* Direction, action, protocol or port totals from rollup_time's port lists,
 * added up here: a GROUP BY over every (port, combo) of a year took seconds. */
static int rank_counts(struct store *st, enum store_rank what, int64_t h0, int64_t h1,
		       int direction, int limit, struct rank_row *rows, int *nrows)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT ports FROM rollup_time WHERE hour>=?1 AND hour<?2",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing summary query");
	sqlite3_bind_int64(s, 1, h0);
	sqlite3_bind_int64(s, 2, h1);
	/* small keys (direction, action, protocol) index an array; a port
	 * with its protocol goes to a table */
	int64_t small[258] = { 0 };
	struct keytab ports = { 0 };
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const uint8_t *p = sqlite3_column_blob(s, 0);
		size_t n = (size_t)sqlite3_column_bytes(s, 0), pos = 0;
		struct ru_ent e;
		int got = 0;
		while (p && (got = rupack_next(p, n, &pos, &e)) == 1) {
			if (direction >= 0 && e.dir != direction)
				continue;
			if (what == RANK_PORT) {
				if (e.port < 0)
					continue;
				uint8_t key[KEYTAB_KEY] = { (uint8_t)(e.port >> 8), (uint8_t)e.port,
						    (uint8_t)(e.proto >> 8), (uint8_t)e.proto };
				int isnew;
				struct keytab_slot *k = keytab_find(&ports, key, &isnew);
				if (!k) {
					bad = 1;
					break;
				}
				k->events += (int64_t)e.events;
				continue;
			}
			int k = what == RANK_DIRECTION ? e.dir : what == RANK_ACTION ? e.action : e.proto;
			if (k >= 0 && k < 258)
				small[k] += (int64_t)e.events;
		}
		if (p && got < 0)
			bad = 1;
	}
	sqlite3_finalize(s);
	if (bad || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		keytab_free(&ports);
		snprintf(st->err, sizeof st->err, "out of memory or a damaged roll-up in the summary");
		return -1;
	}
	/* the busiest `limit`, ties by number */
	int n = 0;
	size_t count = what == RANK_PORT ? ports.cap : 258;
	for (size_t i = 0; i < count; i++) {
		int64_t c;
		int k, extra = 0;
		if (what == RANK_PORT) {
			const struct keytab_slot *ks = &ports.slot[i];
			if (!ks->used)
				continue;
			c = ks->events;
			k = ks->key[0] << 8 | ks->key[1];
			extra = (int16_t)(ks->key[2] << 8 | ks->key[3]);
		} else {
			c = small[i];
			k = (int)i;
		}
		if (c <= 0)
			continue;
		struct rank_row r = { .count = c, .extra = extra, .port = k };
		int at = n < limit ? n++ : limit;
		while (at > 0 && (rows[at - 1].count < c ||
				  (rows[at - 1].count == c && (rows[at - 1].port > k ||
				   (rows[at - 1].port == k && rows[at - 1].extra > extra))))) {
			if (at < limit)
				rows[at] = rows[at - 1];
			at--;
		}
		if (at < limit)
			rows[at] = r;
	}
	keytab_free(&ports);
	for (int i = 0; i < n; i++) {
		int k = rows[i].port;
		rows[i].port = 0;
		name_row(what, k, &rows[i]);
	}
	*nrows = n;
	return 0;
}

/* Distinct sources of each top port, from the exact per-port lists,
 * counted in a table here (SQL's count(DISTINCT) sorts them all). */
static int port_sources(struct store *st, int64_t h0, int64_t h1, int direction,
			struct rank_row *rows, int n)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       RU_DAYS("?2", "?3") "SELECT r.srcs FROM ru_days d CROSS JOIN rollup_port r"
			       " WHERE r.day=d.day AND r.port=?1 AND r.hour>=?2 AND r.hour<?3",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing summary query");
	int bad = 0, rc = SQLITE_DONE;
	for (int i = 0; i < n && !bad; i++) {
		struct addr_count seen = { 0 };
		sqlite3_reset(s);
		sqlite3_bind_int(s, 1, rows[i].port);
		sqlite3_bind_int64(s, 2, h0);
		sqlite3_bind_int64(s, 3, h1);
		while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			const uint8_t *p = sqlite3_column_blob(s, 0);
			size_t len = (size_t)sqlite3_column_bytes(s, 0), pos = 0;
			struct ru_ent e;
			int got = 0;
			while (p && (got = rupack_next(p, len, &pos, &e)) == 1) {
				if (!e.fam || e.proto != rows[i].proto ||
				    (direction >= 0 && e.dir != direction))
					continue;
				uint8_t key[KEYTAB_KEY] = { e.fam };
				memcpy(key + 1, e.addr, e.fam == 4 ? 4 : 16);
				if (addr_count_add(&seen, key, 1))
					bad = 1;
			}
			if (p && got < 0)
				bad = 1;
		}
		rows[i].extra = (int64_t)(seen.n4 + seen.other.n);
		addr_count_free(&seen);
	}
	sqlite3_finalize(s);
	if (bad) {
		snprintf(st->err, sizeof st->err, "out of memory or a damaged roll-up counting sources");
		return -1;
	}
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sqlite_fail(st, "running summary query");
}

int store_rank(struct store *st, enum store_rank what, int64_t since_us, int64_t until_us,
	       int direction, int limit, struct rank_row *rows, int *nrows)
{
	int64_t h0, h1;
	store_hours(since_us, until_us, &h0, &h1);
	*nrows = 0;
	switch (what) {
	case RANK_DIRECTION:
	case RANK_ACTION:
	case RANK_PROTO:
		return rank_counts(st, what, h0, h1, direction, limit, rows, nrows);
	case RANK_PORT:
		if (rank_counts(st, what, h0, h1, direction, limit, rows, nrows))
			return -1;
		return port_sources(st, h0, h1, direction, rows, *nrows);
	case RANK_SOURCE:
		return rank_addrs(st, "srcs", 1, h0, h1, direction, limit, rows, nrows);
	case RANK_INSIDE_DST:
		break;
	}
	/* inside hosts are hit inbound or internally */
	if (direction == EV_DIR_OUTBOUND || direction == EV_DIR_UNKNOWN)
		return 0;
	return rank_addrs(st, "inside", 0, h0, h1, direction, limit, rows, nrows);
}

void sqlite_net_range(uint8_t family, uint8_t bits, const uint8_t *net, uint8_t *lo, uint8_t *hi)
{
	int len = family == 4 ? 4 : 16;
	memcpy(lo, net, (size_t)len);
	memcpy(hi, net, (size_t)len);
	for (int i = bits; i < len * 8; i++) {
		lo[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
		hi[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	}
}

/* The one address a filter names exactly (a /32 or /128), or NULL. */
static const struct ev_addr *single_addr(const struct event_filter *f, struct ev_addr *a)
{
	memset(a, 0, sizeof *a);
	if (f->have_src && f->src_bits == (f->src_family == 4 ? 32 : 128)) {
		a->family = f->src_family;
		memcpy(a->bytes, f->src_net, 16);
		return a;
	}
	if (f->have_dst && f->dst_bits == (f->dst_family == 4 ? 32 : 128)) {
		a->family = f->dst_family;
		memcpy(a->bytes, f->dst_net, 16);
		return a;
	}
	return NULL;
}

int store_events(struct store *st, const struct event_filter *f, store_event_cb cb, void *arg)
{
	/* One address: read only the hours that may hold it (sqlite_addr.c);
	 * the joined ranges come newest first, in id order within each. */
	struct ev_addr one;
	int by_hours = 0;
	if (single_addr(f, &one)) {
		int64_t h0, h1;
		store_hours(f->since_us, f->until_us, &h0, &h1);
		/* an inside host as source: the hours it was one (host_tally.h;
		 * an open batch's are not written yet) */
		int r = f->have_src && f->src_bits == (f->src_family == 4 ? 32 : 128) &&
				!st->in_tx && sqlite_covered(st, &one)
			? addr_src_hours(st, &one, h0, h1)
			: -2;
		if (r == -1 || (r == -2 && addr_hours(st, &one, h0, h1) < 0))
			return -1;
		by_hours = 1;
	}
	char sql[2048];
	int n = snprintf(sql, sizeof sql,
			 "SELECT e.ts, e.action, e.direction, e.proto, e.src, e.dst, e.sport, e.dport,"
			 " e.pkt, c.device, c.rule, c.in_if, c.out_if, c.phys_in, c.phys_out, c.mac,"
			 " c.format, c.origin, e.line, e.trusted"
			 " FROM %s JOIN contexts c ON c.id = e.ctx"
			 " WHERE %s AND e.ts>=?1 AND e.ts<?2",
			 by_hours ? ADDR_HOURS_JOIN : "events e",
			 /* the hours are within the period already; given both,
			  * SQLite might search by the period's ids, not the hour's */
			 by_hours ? ADDR_HOURS_WHERE : "e.id>=?12 AND e.id<?13");
	if (f->after_id)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND e.id>?14");
	if (f->upto_id)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND e.id<=?15");
	if (f->action_set)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND e.action=?16");
	if (f->device)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND c.device=?17");
	if (f->format)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND c.format=?18");
	if (f->port >= 0)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND (e.dport=?3 OR e.sport=?3)");
	if (f->have_src)
		n += snprintf(sql + n, sizeof sql - (size_t)n,
			      " AND length(e.src)=?4 AND +e.src BETWEEN ?5 AND ?6");
	if (f->have_dst)
		n += snprintf(sql + n, sizeof sql - (size_t)n,
			      " AND length(e.dst)=?7 AND +e.dst BETWEEN ?8 AND ?9");
	if (f->direction >= 0)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND e.direction=?10");
	/* ids are in time order by second, then arrival within it */
	snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY %se.id DESC LIMIT ?11 OFFSET ?19",
		 by_hours ? "h.lo DESC, " : "");

	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing events query");
	sqlite3_bind_int64(s, 1, f->since_us);
	sqlite3_bind_int64(s, 2, f->until_us);
	if (f->port >= 0)
		sqlite3_bind_int(s, 3, f->port);
	uint8_t lo[16], hi[16], lo2[16], hi2[16];
	if (f->have_src) {
		int len = f->src_family == 4 ? 4 : 16;
		sqlite_net_range(f->src_family, f->src_bits, f->src_net, lo, hi);
		sqlite3_bind_int(s, 4, len);
		sqlite3_bind_blob(s, 5, lo, len, SQLITE_STATIC);
		sqlite3_bind_blob(s, 6, hi, len, SQLITE_STATIC);
	}
	if (f->have_dst) {
		int len = f->dst_family == 4 ? 4 : 16;
		sqlite_net_range(f->dst_family, f->dst_bits, f->dst_net, lo2, hi2);
		sqlite3_bind_int(s, 7, len);
		sqlite3_bind_blob(s, 8, lo2, len, SQLITE_STATIC);
		sqlite3_bind_blob(s, 9, hi2, len, SQLITE_STATIC);
	}
	if (f->direction >= 0)
		sqlite3_bind_int(s, 10, f->direction);
	sqlite3_bind_int64(s, 11, f->limit > 0 ? f->limit : -1);
	if (f->after_id)
		sqlite3_bind_int64(s, 14, f->after_id);
	if (f->upto_id)
		sqlite3_bind_int64(s, 15, f->upto_id);
	if (f->action_set)
		sqlite3_bind_int(s, 16, f->action);
	if (f->device)
		sqlite3_bind_text(s, 17, f->device, -1, SQLITE_STATIC);
	if (f->format)
		sqlite3_bind_text(s, 18, f->format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 19, f->offset > 0 ? f->offset : 0);
	sqlite3_bind_int64(s, 12, f->since_us <= 0 ? INT64_MIN : (f->since_us / 1000000) << 22);
	sqlite3_bind_int64(s, 13, f->until_us == INT64_MAX || f->until_us / 1000000 >= (1LL << 40)
					  ? INT64_MAX
					  : ((f->until_us + 999999) / 1000000 + 1) << 22);

	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event ev;
		event_clear(&ev);
		ev.ts_us = sqlite3_column_int64(s, 0);
		ev.has = EV_HAS_TS;
		ev.action = (uint8_t)sqlite3_column_int(s, 1);
		ev.direction = (uint8_t)sqlite3_column_int(s, 2);
#define COL_INT(col, bit, field)                                      \
	if (sqlite3_column_type(s, col) != SQLITE_NULL) {              \
		ev.field = (__typeof__(ev.field))sqlite3_column_int64(s, col); \
		ev.has |= (bit);                                       \
	}
		COL_INT(3, EV_HAS_PROTO, proto)
		COL_INT(6, EV_HAS_SPORT, sport)
		COL_INT(7, EV_HAS_DPORT, dport)
#undef COL_INT
		sqlite_col_addr(s, 4, &ev.src);
		sqlite_col_addr(s, 5, &ev.dst);
		/* (the blob and texts live until the next step, after the callback) */
		if (sqlite_col_pkt(s, 8, &ev)) {
			sqlite3_finalize(s);
			snprintf(st->err, sizeof st->err,
				 "reading events: an event's packet details (pkt) are damaged");
			return -1;
		}
		struct ev_str *strs[] = { &ev.device, &ev.rule,	    &ev.in_if, &ev.out_if,
					  &ev.phys_in, &ev.phys_out, &ev.mac };
		for (int k = 0; k < 7; k++) {
			const char *t = (const char *)sqlite3_column_text(s, 9 + k);
			if (t)
				*strs[k] = (struct ev_str){ t, (uint32_t)sqlite3_column_bytes(s, 9 + k) };
		}
		const char *fmt = (const char *)sqlite3_column_text(s, 16);
		const char *origin = (const char *)sqlite3_column_text(s, 17);
		if (origin)
			ev.origin = (struct ev_str){ origin, (uint32_t)sqlite3_column_bytes(s, 17) };
		ev.line = (uint64_t)sqlite3_column_int64(s, 18);
		ev.trusted = (uint8_t)sqlite3_column_int(s, 19);
		if (cb(arg, &ev, fmt ? fmt : ""))
			break;
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : sqlite_fail(st, "reading events");
}
