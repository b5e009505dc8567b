/* test_store.c - the SQLite store: every roll-up answer equals the same
 * question asked of raw events; file marks; events query filters. */
#include "testutil.h"

#include <limits.h>
#include <sqlite3.h>
#include <string.h>

#include "event.h"
#include "store/pkt.h"
#include "store/store.h"

/* A deterministic generator of varied events. */
static void make_event(struct event *ev, int64_t ts_us)
{
	event_clear(ev);
	ev->ts_us = ts_us;
	ev->has = EV_HAS_TS;
	ev->action = (uint8_t)(1 + rnd(2));
	ev->direction = (uint8_t)rnd(4);
	ev->src.family = rnd(5) ? 4 : 6;
	ev->dst.family = ev->src.family;
	ev->src.bytes[0] = 10;
	ev->src.bytes[3] = (uint8_t)rnd(40); /* 40 sources, so distinct counts matter */
	ev->dst.bytes[0] = 192;
	ev->dst.bytes[3] = (uint8_t)rnd(5);
	uint32_t p = rnd(10);
	if (p < 8) {
		ev->proto = p < 5 ? EV_PROTO_TCP : EV_PROTO_UDP;
		ev->has |= EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT;
		static const int ports[] = { 22, 135, 445, 1433, 3389 };
		ev->dport = (uint16_t)ports[rnd(5)];
		ev->sport = (uint16_t)(1024 + rnd(60000));
	} else if (p == 8) {
		ev->proto = EV_PROTO_ICMP;
		ev->has |= EV_HAS_PROTO | EV_HAS_ICMP;
	} else {
		/* no protocol at all: kept apart from "any protocol" */
	}
	ev->rule = (struct ev_str){ "DROP", 4 };
}

struct cells {
	int n;
	int64_t start[65536];
	int port[65536];
	int64_t value[65536];
};

static void collect(void *arg, int64_t period_start, int port_index, int64_t value)
{
	struct cells *c = arg;
	assert_true(c->n < 65536);
	c->start[c->n] = period_start;
	c->port[c->n] = port_index;
	c->value[c->n] = value;
	c->n++;
}

/* Compare as sets: both queries return rows ordered by period per port. */
static void assert_same(struct store *st, const struct series_query *q)
{
	static struct cells a, b;
	a.n = b.n = 0;
	assert_int_equal(store_series(st, q, collect, &a), 0);
	assert_int_equal(store_series_raw(st, q, collect, &b), 0);
	/* roll-ups may return zero rows that raw events do not have: drop zeros */
	struct cells *s[2] = { &a, &b };
	for (int k = 0; k < 2; k++) {
		int w = 0;
		for (int i = 0; i < s[k]->n; i++)
			if (s[k]->value[i]) {
				s[k]->start[w] = s[k]->start[i];
				s[k]->port[w] = s[k]->port[i];
				s[k]->value[w] = s[k]->value[i];
				w++;
			}
		s[k]->n = w;
	}
	assert_int_equal(a.n, b.n);
	assert_true(a.n > 0);
	for (int i = 0; i < a.n; i++) {
		assert_int_equal(a.start[i], b.start[i]);
		assert_int_equal(a.port[i], b.port[i]);
		assert_int_equal(a.value[i], b.value[i]);
	}
}

static void check_all_questions(struct store *st)
{
	static const struct port_sel ports[] = {
		{ 445, -1 }, { 445, EV_PROTO_TCP }, { 445, EV_PROTO_UDP }, { 22, -1 },
		{ 3389, EV_PROTO_TCP }, { -1, EV_PROTO_ICMP }, { -1, 256 }, { -1, -1 },
	};
	for (int by = PERIOD_HOUR; by <= PERIOD_MONTH; by++)
		for (int m = MEASURE_EVENTS; m <= MEASURE_SOURCES; m++)
			for (int dir = -1; dir <= EV_DIR_INTERNAL; dir++) {
				struct series_query q = {
					.since_us = INT64_MIN, .until_us = INT64_MAX, .direction = dir,
					.by = (enum store_period)by, .measure = (enum store_measure)m,
					.ports = ports, .nports = (int)(sizeof ports / sizeof ports[0]),
				};
				assert_same(st, &q);
				/* and a window that starts and ends inside the data */
				q.since_us = 1704067200LL * 1000000 + 5 * 3600000000LL;
				q.until_us = q.since_us + 30LL * 86400 * 1000000;
				assert_same(st, &q);
			}
}

/* A port page's figures and busiest sources (store_port_overview, one pass
 * over the port's source lists) against the raw events of the port. */
static void check_port_overview(struct store *st, const char *path, int proto)
{
	struct port_stats ps;
	struct rank_row rows[10], last[10];
	int n = 0, nl = 0;
	assert_int_equal(store_port_overview(st, 445, proto, INT64_MIN, INT64_MAX, &ps, 10, rows,
					     &n, PORT_SOURCE_HOURS),
			 0);
	assert_int_equal(store_port_overview(st, 445, proto, INT64_MIN, INT64_MAX, &ps, 10, last,
					     &nl, PORT_SOURCE_LAST_SEEN),
			 0);
	assert_int_equal(n, 10);
	assert_int_equal(nl, 10);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *s;
	/* the ranking: the same counts in the same order (ties may name others) */
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM events WHERE dport = 445 AND"
					    " src IS NOT NULL AND (?1 < 0 OR proto = ?1)"
					    " GROUP BY src ORDER BY 1 DESC LIMIT 10",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(s, 1, proto);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(rows[i].count, sqlite3_column_int64(s, 0));
	}
	sqlite3_finalize(s);
	/* each row's events, hours seen and last hour */
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*), count(DISTINCT ts / 3600000000),"
					    " max(ts / 3600000000) * 3600 FROM events"
					    " WHERE dport = 445 AND src = ?2 AND (?1 < 0 OR proto = ?1)",
					    -1, &s, NULL),
			 SQLITE_OK);
	for (int i = 0; i < 10; i++) {
		struct ev_addr a;
		assert_int_equal(ev_addr_parse(&a, rows[i].key, strlen(rows[i].key)), 0);
		sqlite3_reset(s);
		sqlite3_bind_int(s, 1, proto);
		sqlite3_bind_blob(s, 2, a.bytes, a.family == 4 ? 4 : 16, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(rows[i].count, sqlite3_column_int64(s, 0));
		assert_int_equal(rows[i].extra, sqlite3_column_int64(s, 1));
		assert_string_equal(last[i].key, rows[i].key);
		assert_int_equal(last[i].extra, sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
	/* and how many sources in all */
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(DISTINCT src) FROM events WHERE dport = 445"
					    " AND (?1 < 0 OR proto = ?1)",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(s, 1, proto);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(ps.sources, sqlite3_column_int64(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* The summary's rankings (from rollup_time) against the same question
 * asked of the raw events with SQL. */
static void assert_rank_same(struct store *st, sqlite3 *db, enum store_rank what, int dir,
			     const char *sql)
{
	struct rank_row rows[10];
	int n = 0;
	assert_int_equal(store_rank(st, what, INT64_MIN, INT64_MAX, dir, 10, rows, &n), 0);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int(s, 1, dir);
	int i = 0;
	while (sqlite3_step(s) == SQLITE_ROW && i < 10) {
		assert_true(i < n);
		assert_int_equal(rows[i].count, sqlite3_column_int64(s, 1));
		if (what == RANK_SOURCE || what == RANK_INSIDE_DST) {
			assert_int_equal(rows[i].extra, sqlite3_column_int64(s, 2));
			struct ev_addr a = { .family = sqlite3_column_bytes(s, 0) == 4 ? 4 : 6 };
			memcpy(a.bytes, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
			char key[64];
			ev_addr_str(&a, key, sizeof key);
			assert_string_equal(rows[i].key, key);
		} else if (what == RANK_PORT) {
			assert_int_equal(rows[i].port, sqlite3_column_int(s, 0));
			assert_int_equal(rows[i].proto, sqlite3_column_int(s, 2));
			assert_int_equal(rows[i].extra, sqlite3_column_int64(s, 3));
		}
		i++;
	}
	sqlite3_finalize(s);
	assert_int_equal(i, n);
	assert_true(n > 0);
}

static void check_rankings(struct store *st, const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int dir = -1; dir <= EV_DIR_INTERNAL; dir++) {
		if (dir == 0)
			continue; /* unknown: none in the test data */
		assert_rank_same(st, db, RANK_SOURCE, dir,
				 "SELECT src, count(*), count(DISTINCT coalesce(dport,-1)) FROM events"
				 " WHERE src IS NOT NULL AND (?1<0 OR direction=?1)"
				 " GROUP BY src ORDER BY 2 DESC, src");
		assert_rank_same(st, db, RANK_PORT, dir,
				 "SELECT dport, count(*), coalesce(proto,256), count(DISTINCT src)"
				 " FROM events WHERE dport IS NOT NULL AND (?1<0 OR direction=?1)"
				 " GROUP BY dport, coalesce(proto,256) ORDER BY 2 DESC, dport");
		if (dir != EV_DIR_OUTBOUND)
			assert_rank_same(st, db, RANK_INSIDE_DST, dir,
					 "SELECT dst, count(*), count(DISTINCT dport) FROM events"
					 " WHERE direction IN (1,3) AND (?1<0 OR direction=?1)"
					 " AND dst IS NOT NULL GROUP BY dst ORDER BY 2 DESC, dst");
		assert_rank_same(st, db, RANK_PROTO, dir,
				 "SELECT coalesce(proto,256), count(*) FROM events"
				 " WHERE ?1<0 OR direction=?1 GROUP BY 1 ORDER BY 2 DESC");
		assert_rank_same(st, db, RANK_ACTION, dir,
				 "SELECT action, count(*) FROM events WHERE ?1<0 OR direction=?1"
				 " GROUP BY 1 ORDER BY 2 DESC");
	}
	/* Hours a stream wrote in many commits were compacted to one row each
	 * once later hours came (all but the newest two). */
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT (SELECT count(*) FROM (SELECT 1 FROM rollup_port"
					    " WHERE hour < (SELECT max(hour) - 1 FROM rollup_port)"
					    " GROUP BY port, hour HAVING count(*) > 1)),"
					    " (SELECT count(*) FROM (SELECT 1 FROM rollup_time"
					    " WHERE hour < (SELECT max(hour) - 1 FROM rollup_time)"
					    " GROUP BY hour HAVING count(*) > 1))",
					    -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	assert_int_equal(sqlite3_column_int(s, 1), 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* A new store in a temporary directory of its own: *dir to remove, path
 * (room for 300) to open it again. */
static struct store *open_fresh(int flags, char **dir, char *path)
{
	*dir = test_tmpdir();
	snprintf(path, 300, "%s/t.db", *dir);
	return test_store_open(path, flags);
}

static void rollups_equal_raw_events(void **state)
{
	(void)state;
	char *dir, path[300], err[256];
	struct store *st = open_fresh(STORE_BULK, &dir, path);
	test_seed(42);
	int64_t t0 = 1704067200LL * 1000000; /* 2024-01-01 */
	struct event ev;
	/* 1: in time order over 90 days, committed in small batches so hours
	 * are split across commits */
	for (int i = 0; i < 20000; i++) {
		make_event(&ev, t0 + (int64_t)i * 90 * 86400 / 20000 * 1000000);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		if (i % 777 == 0)
			assert_int_equal(store_commit(st), 0);
	}
	assert_int_equal(store_commit(st), 0);
	/* 1b: a live stream: many small commits into the same few hours, so
	 * every commit merges into hours already written (known map path) */
	for (int i = 0; i < 6000; i++) {
		make_event(&ev, t0 + 91LL * 86400 * 1000000 + (int64_t)i * 3 * 3600 / 6000 * 1000000);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		if (i % 50 == 49)
			assert_int_equal(store_commit(st), 0);
	}
	assert_int_equal(store_commit(st), 0);
	/* 2: an older log imported afterwards, overlapping the same hours (the
	 * merging path) */
	for (int i = 0; i < 6000; i++) {
		make_event(&ev, t0 + (int64_t)rnd(40 * 86400) * 1000000);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	assert_int_equal(store_commit(st), 0);
	store_close(st);

	st = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(st);
	check_all_questions(st);
	check_rankings(st, path);
	check_port_overview(st, path, -1);
	check_port_overview(st, path, EV_PROTO_TCP);
	assert_int_equal(store_event_count(st), 32000);
	store_close(st);

	/* the same rows in schema 12's rollup_port, keyed (port, hour, part):
	 * migration 13 re-keys them by day, and every answer stays */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE old_port(port INTEGER NOT NULL, hour INTEGER NOT NULL,"
			     " part INTEGER NOT NULL, events INTEGER NOT NULL, sources INTEGER NOT NULL,"
			     " combos BLOB NOT NULL, uniq BLOB NOT NULL, srcs BLOB NOT NULL,"
			     " PRIMARY KEY(port, hour, part)) WITHOUT ROWID;"
			     "INSERT INTO old_port SELECT port, hour, part, events, sources, combos,"
			     " uniq, srcs FROM rollup_port;"
			     "DROP TABLE rollup_port; ALTER TABLE old_port RENAME TO rollup_port;"
			     "PRAGMA user_version=12;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	st = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(st);
	check_all_questions(st);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM rollup_port WHERE day <> hour/24",
					    -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	rm_rf(dir);
}

static int count_only(void *arg, const struct event *ev, const char *fmt)
{
	(void)ev, (void)fmt;
	(*(int *)arg)++;
	return 0;
}

/* One address's page reads only the hours its Bloom filters allow
 * (sqlite_addr.c): it must still find every event of the address. */
static void address_questions(void **state)
{
	(void)state;
	char *dir, path[300], err[256];
	struct store *st = open_fresh(STORE_BULK, &dir, path);
	test_seed(7);
	int64_t t0 = 1704067200LL * 1000000;
	struct event ev;
	struct ev_addr rare4, rare6;
	assert_int_equal(ev_addr_parse(&rare4, "172.16.0.7", 10), 0);
	assert_int_equal(ev_addr_parse(&rare6, "2001:db8::7", 11), 0);
	for (int i = 0; i < 5000; i++) {
		int64_t ts = t0 + (int64_t)i * 30 * 86400 / 5000 * 1000000;
		make_event(&ev, ts);
		if (i == 100 || i == 4000) { /* the rare address as source, twice */
			ev.src = rare4;
			ev.dst.family = 4;
		}
		if (i == 2500) { /* and once as destination */
			ev.dst = rare4;
			ev.src.family = 4;
		}
		if (i == 3000) {
			ev.src = rare6;
			ev.dst.family = 6;
		}
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		if (i % 999 == 0) /* hours split across commits: several parts */
			assert_int_equal(store_commit(st), 0);
	}
	assert_int_equal(store_commit(st), 0);
	store_close(st);

	st = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(st);
	struct addr_info info;
	assert_int_equal(store_addr_info(st, &rare4, &info), 0);
	assert_int_equal(info.as_src, 2);
	assert_int_equal(info.as_dst, 1);
	assert_int_equal(info.first_us, t0 + 100LL * 30 * 86400 / 5000 * 1000000);
	assert_int_equal(info.last_us, t0 + 4000LL * 30 * 86400 / 5000 * 1000000);
	struct rank_row rows[4];
	int n = 0;
	assert_int_equal(store_addr_ports(st, &rare4, 4, rows, &n), 0);
	int64_t total = 0;
	for (int i = 0; i < n; i++)
		total += rows[i].count;
	assert_int_equal(total, 2);
	assert_int_equal(store_addr_info(st, &rare6, &info), 0);
	assert_int_equal(info.as_src, 1);
	/* events by the exact address, as source and as destination */
	struct event_filter f = { .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				  .direction = -1, .have_src = 1, .src_family = 4,
				  .src_bits = 32 };
	memcpy(f.src_net, rare4.bytes, 16);
	int got = 0;
	assert_int_equal(store_events(st, &f, count_only, &got), 0);
	assert_int_equal(got, 2);
	f.have_src = 0;
	f.have_dst = 1;
	f.dst_family = 4;
	f.dst_bits = 32;
	memcpy(f.dst_net, rare4.bytes, 16);
	got = 0;
	assert_int_equal(store_events(st, &f, count_only, &got), 0);
	assert_int_equal(got, 1);
	/* an address never seen: nothing, and no hour needs reading */
	struct ev_addr none;
	assert_int_equal(ev_addr_parse(&none, "172.16.0.8", 10), 0);
	assert_int_equal(store_addr_info(st, &none, &info), 0);
	assert_int_equal(info.as_src + info.as_dst, 0);
	/* a busy address (in every hour) is counted whole */
	struct ev_addr busy;
	assert_int_equal(ev_addr_parse(&busy, "192.0.0.3", 9), 0);
	assert_int_equal(store_addr_info(st, &busy, &info), 0);
	f.dst_family = 4;
	memcpy(f.dst_net, busy.bytes, 16);
	f.limit = 0;
	got = 0;
	assert_int_equal(store_events(st, &f, count_only, &got), 0);
	assert_int_equal((uint64_t)got, info.as_dst);
	assert_true(got > 500);
	store_close(st);
	rm_rf(dir);
}

static void file_marks(void **state)
{
	(void)state;
	char *dir, path[300];
	struct store *st = open_fresh(0, &dir, path);
	const unsigned char head[] = "Mar 11 20:35:11 gw kernel: first line\nsecond\n";
	struct file_mark m;
	assert_int_equal(store_file_find(st, "/var/log/kern.log", 1, 2, head, sizeof head - 1, &m), 0);
	assert_int_equal(m.id, 0);
	assert_int_equal(m.offset, 0);
	m.offset = 38;
	m.lines = 1;
	m.tail_len = 5;
	m.tail_fp = 99;
	assert_int_equal(store_file_save(st, &m), 0);
	assert_int_equal(store_commit(st), 0);
	/* same content elsewhere (a rotated, renamed copy) */
	struct file_mark k;
	assert_int_equal(store_file_find(st, "/tmp/other", 7, 8, head, sizeof head - 1, &k), 0);
	assert_int_equal(k.id, m.id);
	assert_int_equal(k.offset, 38);
	assert_int_equal(k.tail_fp, 99);
	/* the file grew: its first bytes still match the shorter fingerprint */
	unsigned char longer[200];
	memset(longer, 'x', sizeof longer);
	memcpy(longer, head, sizeof head - 1);
	assert_int_equal(store_file_find(st, "/var/log/kern.log", 1, 2, longer, sizeof longer, &k), 0);
	assert_int_equal(k.id, m.id);
	/* a different file at the same path is new */
	const unsigned char other[] = "Apr  1 00:00:00 gw kernel: something else entirely\n";
	assert_int_equal(store_file_find(st, "/var/log/kern.log", 1, 2, other, sizeof other - 1, &k), 0);
	assert_int_equal(k.id, 0);
	store_close(st);
	rm_rf(dir);
}

static int count_cb(void *arg, const struct event *ev, const char *fmt)
{
	(void)ev;
	assert_string_equal(fmt, "netfilter");
	(*(int *)arg)++;
	return 0;
}

static void events_filters(void **state)
{
	(void)state;
	char *dir, path[300];
	struct store *st = open_fresh(0, &dir, path);
	struct event ev;
	event_clear(&ev);
	ev.has = EV_HAS_TS | EV_HAS_PROTO | EV_HAS_DPORT | EV_HAS_SPORT;
	ev.proto = EV_PROTO_TCP;
	ev_addr_parse(&ev.dst, "192.168.1.1", 11);
	for (int i = 0; i < 10; i++) {
		char a[32];
		snprintf(a, sizeof a, "10.0.%d.1", i);
		ev_addr_parse(&ev.src, a, strlen(a));
		ev.ts_us = (int64_t)i * 1000000;
		ev.dport = (uint16_t)(i % 2 ? 445 : 22);
		ev.sport = 40000;
		ev.direction = EV_DIR_INBOUND;
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	/* an IPv6 source whose first bytes equal 10.0.x.x must not match v4 nets */
	ev_addr_parse(&ev.src, "a00:1::1", 8);
	ev_addr_parse(&ev.dst, "::1", 3);
	assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	assert_int_equal(store_commit(st), 0);
	struct event_filter f = { .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				  .direction = -1 };
	int n = 0;
	assert_int_equal(store_events(st, &f, count_cb, &n), 0);
	assert_int_equal(n, 11);
	f.port = 445; /* five IPv4 events and the IPv6 one */
	n = 0;
	store_events(st, &f, count_cb, &n);
	assert_int_equal(n, 6);
	f.port = -1;
	f.have_src = 1;
	f.src_family = 4;
	f.src_bits = 22; /* 10.0.0.0/22: 10.0.0-3.x */
	memset(f.src_net, 0, 16);
	f.src_net[0] = 10;
	n = 0;
	store_events(st, &f, count_cb, &n);
	assert_int_equal(n, 4);
	f.have_src = 0;
	f.since_us = 3 * 1000000;
	f.until_us = 6 * 1000000;
	n = 0;
	store_events(st, &f, count_cb, &n);
	assert_int_equal(n, 3);
	f.since_us = INT64_MIN;
	f.until_us = INT64_MAX;
	f.limit = 2;
	n = 0;
	store_events(st, &f, count_cb, &n);
	assert_int_equal(n, 2);
	store_close(st);
	rm_rf(dir);
}

/* A row SQLite itself refuses in the middle of a multi-row INSERT (here a
 * trigger; OR FAIL keeps the rows before it in the statement) fails the
 * whole batch: none of its events stay, and the next batch is stored. */
static void row_refused_by_sqlite_fails_batch(void **state)
{
	(void)state;
	char *dir, path[300];
	struct store *st = open_fresh(STORE_BULK, &dir, path);
	struct event ev;
	test_seed(11);
	for (int i = 0; i < 10; i++) {
		make_event(&ev, 1704067200LL * 1000000 + i * 1000000);
		ev.dport = 80;
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	assert_int_equal(store_commit(st), 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.dport = 666"
				      " BEGIN SELECT RAISE(FAIL, 'refused'); END;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	int failed = 0;
	for (int i = 0; i < 200; i++) { /* several multi-row statements */
		make_event(&ev, 1704070000LL * 1000000 + i * 1000000);
		ev.dport = i == 77 ? 666 : 80;
		failed |= store_add(st, &ev, "netfilter") != 0;
	}
	failed |= store_commit(st) != 0;
	assert_true(failed);
	store_rollback(st);
	assert_int_equal(store_event_count(st), 10);
	make_event(&ev, 1704080000LL * 1000000);
	ev.dport = 80;
	assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_event_count(st), 11);
	store_close(st);
	rm_rf(dir);
}

/* An event the store cannot number is refused alone; a batch given up with
 * store_rollback leaves nothing behind, and the next batch works. */
static void refused_event_and_rollback(void **state)
{
	(void)state;
	char *dir, path[300], err[256];
	struct store *st = open_fresh(0, &dir, path);
	struct event ev;
	test_seed(7);
	make_event(&ev, 1704067200LL * 1000000);
	assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	make_event(&ev, -5000000); /* before 1970: refused, the batch goes on */
	assert_int_equal(store_add(st, &ev, "netfilter"), -1);
	make_event(&ev, 1704067201LL * 1000000);
	assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_event_count(st), 2);
	for (int i = 0; i < 100; i++) { /* more than one multi-row statement */
		make_event(&ev, 1704067300LL * 1000000 + i * 1000000);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	store_rollback(st);
	assert_int_equal(store_commit(st), 0); /* nothing open */
	assert_int_equal(store_event_count(st), 2);
	make_event(&ev, 1704067400LL * 1000000);
	assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_event_count(st), 3);
	store_close(st);
	/* and the roll-ups count what is stored, not what was rolled back */
	st = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(st);
	struct rank_row rows[8];
	int n = 0;
	assert_int_equal(store_rank(st, RANK_DIRECTION, INT64_MIN, INT64_MAX, -1, 8, rows, &n), 0);
	int64_t total = 0;
	for (int i = 0; i < n; i++)
		total += rows[i].count;
	assert_int_equal(total, 3);
	store_close(st);
	rm_rf(dir);
}

/* A bulk store's WAL is copied by the checkpointer thread and starts over
 * once it passes PORTLOG_WAL_RESTART_FRAMES: it stays short while the
 * database grows, what each commit wrote is readable by another connection
 * at once, and closing leaves no WAL behind. */
static void bulk_wal_copied_and_restarted(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[300], wal[310], err[256];
	snprintf(path, sizeof path, "%s/w.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	setenv("PORTLOG_WAL_RESTART_FRAMES", "16", 1);
	struct store *st = store_open(path, STORE_BULK, err, sizeof err);
	unsetenv("PORTLOG_WAL_RESTART_FRAMES");
	assert_non_null(st);
	test_seed(7);
	int64_t t0 = 1704067200LL * 1000000;
	long max_wal = 0, stored = 0;
	struct event ev;
	for (int c = 0; c < 120; c++) {
		for (int i = 0; i < 400; i++, stored++) {
			make_event(&ev, t0 + stored * 7 * 1000000);
			assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		}
		assert_int_equal(store_commit(st), 0);
		long w = file_size(wal);
		if (w > max_wal)
			max_wal = w;
		if (c % 40 == 0)
			assert_int_equal(count_events(path), stored);
	}
	long db = file_size(path);
	/* Never started over, the WAL would hold every page written (more
	 * than the database); starting over, about 16 pages and a commit's. */
	assert_true(max_wal > 0);
	assert_true(max_wal * 4 < db);
	store_close(st);
	assert_true(file_size(wal) <= 0);
	assert_int_equal(count_events(path), stored);
}

/* The k-th event of events_rebind: slots of the multi-row INSERT see a
 * field present, absent, then present again with the same value, addresses
 * change family, TCP options change length. */
static void rebind_event(struct event *ev, int k, char *opts)
{
	event_clear(ev);
	ev->ts_us = 1704067200LL * 1000000 + (int64_t)k * 1000000;
	ev->has = EV_HAS_TS;
	ev->action = (uint8_t)(1 + (k / 64) % 2);
	ev->direction = (uint8_t)((k / 128) % 4);
	ev->trusted = (uint8_t)((k / 64) % 3 == 2);
	int g = (k / 64) % 4;
	if (g == 0 || g == 2) { /* every field; the same values in groups 0 and 2 */
		ev->has |= EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT | EV_HAS_TCP_FLAGS |
			   EV_HAS_LEN | EV_HAS_TTL | EV_HAS_WINDOW;
		ev->proto = EV_PROTO_TCP;
		ev->sport = 40000;
		ev->dport = 445;
		ev->tcp_flags = 2;
		ev->len = 60;
		ev->ttl = 50;
		ev->window = 1024;
		ev->src.family = 4;
		ev->src.bytes[0] = 10;
		ev->src.bytes[3] = (uint8_t)(k % 64);
		ev->dst.family = 4;
		ev->dst.bytes[0] = 192;
		int n = 2 + 2 * (k % 3);
		memcpy(opts, "020405B40402", (size_t)n);
		ev->tcp_opts = (struct ev_str){ opts, (uint32_t)n };
	} else if (g == 1) { /* nothing optional: NULLs where groups 0 and 2 have values */
		ev->src.family = 6;
		ev->src.bytes[15] = (uint8_t)(k % 64);
	} else { /* ICMP, with a port-less destination only */
		ev->has |= EV_HAS_PROTO | EV_HAS_ICMP;
		ev->proto = EV_PROTO_ICMP;
		ev->icmp_type = 8;
		ev->dst.family = 4;
		ev->dst.bytes[0] = 192;
	}
}

struct rebind_seen {
	int n;
	struct event ev[300];
	char opts[300][16];
};

static int rebind_cb(void *arg, const struct event *ev, const char *format_name)
{
	(void)format_name;
	struct rebind_seen *seen = arg;
	assert_true(seen->n < 300);
	seen->ev[seen->n] = *ev;
	assert_true(ev->tcp_opts.n < sizeof seen->opts[0]);
	memcpy(seen->opts[seen->n], ev->tcp_opts.p ? ev->tcp_opts.p : "", ev->tcp_opts.n);
	seen->n++;
	return 0;
}

enum { REBIND_N = 64 * 4 + 20 }; /* four whole groups, then rows one by one */

/* The events of rebind_event come back from st field for field. */
static void check_rebind_events(struct store *st)
{
	enum { N = REBIND_N };
	char opts[16];
	struct event ev;
	static struct rebind_seen seen;
	seen.n = 0;
	struct event_filter f = { .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				  .direction = -1 };
	assert_int_equal(store_events(st, &f, rebind_cb, &seen), 0);
	assert_int_equal(seen.n, N);
	for (int k = 0; k < N; k++) {
		const struct event *got = &seen.ev[N - 1 - k]; /* newest first */
		rebind_event(&ev, k, opts);
		uint32_t fields = EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT | EV_HAS_TCP_FLAGS |
				  EV_HAS_LEN | EV_HAS_TTL | EV_HAS_WINDOW | EV_HAS_ICMP;
		assert_int_equal(got->has & fields, ev.has & fields);
		assert_int_equal(got->ts_us, ev.ts_us);
		assert_int_equal(got->action, ev.action);
		assert_int_equal(got->direction, ev.direction);
		assert_int_equal(got->trusted, ev.trusted);
		if (ev.has & EV_HAS_PROTO)
			assert_int_equal(got->proto, ev.proto);
		if (ev.has & EV_HAS_DPORT)
			assert_int_equal(got->dport, ev.dport);
		if (ev.has & EV_HAS_WINDOW)
			assert_int_equal(got->window, ev.window);
		if (ev.has & EV_HAS_ICMP)
			assert_int_equal(got->icmp_type, ev.icmp_type);
		if (ev.has & EV_HAS_TCP_FLAGS)
			assert_int_equal(got->tcp_flags, ev.tcp_flags);
		if (ev.has & EV_HAS_LEN)
			assert_int_equal(got->len, ev.len);
		if (ev.has & EV_HAS_TTL)
			assert_int_equal(got->ttl, ev.ttl);
		if (ev.has & EV_HAS_SPORT)
			assert_int_equal(got->sport, ev.sport);
		assert_int_equal(got->src.family, ev.src.family);
		assert_memory_equal(got->src.bytes, ev.src.bytes, 16);
		assert_int_equal(got->dst.family, ev.dst.family);
		assert_memory_equal(got->dst.bytes, ev.dst.bytes, 16);
		assert_int_equal(got->tcp_opts.n, ev.tcp_opts.n);
		assert_memory_equal(seen.opts[N - 1 - k], opts, ev.tcp_opts.n);
	}
}

static struct store *store_rebind_events(const char *path)
{
	char err[256], opts[16];
	struct store *st = store_open(path, STORE_BULK, err, sizeof err);
	assert_non_null(st);
	struct event ev;
	for (int k = 0; k < REBIND_N; k++) {
		rebind_event(&ev, k, opts);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	assert_int_equal(store_commit(st), 0);
	return st;
}

/* Each row of the multi-row INSERT binds only what changed since its last
 * event (sqlite.c, bind_event): every field must still come back as it was
 * stored, through NULL and back, through changes of length and family. */
static void events_rebind(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/r.db", test_tmpdir());
	struct store *st = store_rebind_events(path);
	check_rebind_events(st);
	store_close(st);
}

/* Schema 17 kept the packet details in columns of their own; migration 18
 * packs them into pkt (store/pkt.h) and every event reads back the same.
 * The test writes the events, then puts the table back as schema 17 had
 * it, with the details in their columns. */
static void events_migrated_from_schema_17(void **state)
{
	(void)state;
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/m17.db", test_tmpdir());
	store_close(store_rebind_events(path));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE old(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
			     " action INTEGER NOT NULL, direction INTEGER NOT NULL, proto INTEGER,"
			     " src BLOB, dst BLOB, sport INTEGER, dport INTEGER, tcp_flags INTEGER,"
			     " icmp_type INTEGER, icmp_code INTEGER, len INTEGER, ttl INTEGER,"
			     " window INTEGER, tcp_opts TEXT, ctx INTEGER NOT NULL, line INTEGER,"
			     " trusted INTEGER NOT NULL DEFAULT 0);"
			     "INSERT INTO old(id, ts, action, direction, proto, src, dst, sport, dport,"
			     " ctx, line, trusted) SELECT id, ts, action, direction, proto, src, dst,"
			     " sport, dport, ctx, line, trusted FROM events ORDER BY id;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	/* the details, in id order (the events' order: one a second) */
	sqlite3_stmt *ids, *set;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM old ORDER BY id", -1, &ids, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "UPDATE old SET tcp_flags=?1, icmp_type=?2, icmp_code=?3,"
					    " len=?4, ttl=?5, window=?6, tcp_opts=?7 WHERE id=?8",
					    -1, &set, NULL),
			 SQLITE_OK);
	for (int k = 0; sqlite3_step(ids) == SQLITE_ROW; k++) {
		struct event ev;
		char opts[16];
		rebind_event(&ev, k, opts);
		sqlite3_reset(set);
		sqlite3_clear_bindings(set);
		if (ev.has & EV_HAS_TCP_FLAGS)
			sqlite3_bind_int(set, 1, ev.tcp_flags);
		if (ev.has & EV_HAS_ICMP) {
			sqlite3_bind_int(set, 2, ev.icmp_type);
			sqlite3_bind_int(set, 3, ev.icmp_code);
		}
		if (ev.has & EV_HAS_LEN)
			sqlite3_bind_int(set, 4, (int)ev.len);
		if (ev.has & EV_HAS_TTL)
			sqlite3_bind_int(set, 5, ev.ttl);
		if (ev.has & EV_HAS_WINDOW)
			sqlite3_bind_int(set, 6, ev.window);
		if (ev.tcp_opts.n)
			sqlite3_bind_text(set, 7, opts, (int)ev.tcp_opts.n, SQLITE_TRANSIENT);
		sqlite3_bind_int64(set, 8, sqlite3_column_int64(ids, 0));
		assert_int_equal(sqlite3_step(set), SQLITE_DONE);
	}
	sqlite3_finalize(ids);
	sqlite3_finalize(set);
	assert_int_equal(sqlite3_exec(db,
				      "DROP VIEW events_v; DROP TABLE events;"
				      " ALTER TABLE old RENAME TO events;"
				      "CREATE VIEW events_v AS SELECT e.id, e.ts, e.action, e.direction,"
				      " e.proto, e.src, e.dst, e.sport, e.dport, e.tcp_flags, e.icmp_type,"
				      " e.icmp_code, e.len, e.ttl, e.window, e.tcp_opts, c.device, c.rule,"
				      " c.in_if, c.out_if, c.phys_in, c.phys_out, c.mac, c.format, c.origin,"
				      " e.line FROM events e JOIN contexts c ON c.id = e.ctx;"
				      " PRAGMA user_version=17;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	/* a reader migrates it */
	struct store *st = store_open(path, STORE_READONLY, err, sizeof err);
	if (!st)
		fail_msg("%s", err);
	check_rebind_events(st);
	store_close(st);
	assert_int_equal(test_query_int(path, "PRAGMA user_version"), 18);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM sqlite_master WHERE"
					      " name IN ('events_v', 'host_trust_mark')"),
			 2);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM events WHERE pkt IS NULL"),
			 64); /* rebind_event's second group of 64 has no details */
}

/* store/pkt.h: an event's packet details come back from their BLOB field
 * for field, the has bits included; every cut of a BLOB is refused or read
 * within its bytes (ASan), never past them. */
static void pkt_round_trip(void **state)
{
	(void)state;
	const uint32_t mine = EV_HAS_TCP_FLAGS | EV_HAS_ICMP | EV_HAS_LEN | EV_HAS_TTL |
			      EV_HAS_WINDOW | EV_HAS_IP_FLAGS;
	static const char *const opts[] = { "", "020405B4", "020405B40402080A0001E2400000000001030307",
					     "mss 1460,nop,wscale 7" };
	for (int k = 0; k < 4000; k++) {
		struct event ev, got;
		event_clear(&ev);
		event_clear(&got);
		ev.has = rnd(1u << 10) & mine;
		ev.tcp_flags = (uint8_t)rnd(256);
		ev.icmp_type = (uint8_t)rnd(256);
		ev.icmp_code = (uint8_t)rnd(256);
		ev.len = k % 7 == 0 ? UINT32_MAX : rnd(70000);
		ev.ttl = (uint8_t)rnd(256);
		ev.window = (uint16_t)(k % 5 == 0 ? 65535 : rnd(65536));
		ev.ip_flags = (uint8_t)rnd(2);
		ev.ip_opts = (uint8_t)rnd(256);
		const char *o = opts[rnd(4)];
		ev.tcp_opts = (struct ev_str){ o, (uint32_t)strlen(o) };
		unsigned char blob[PKT_FIXED_MAX + 64];
		size_t n = pkt_encode(&ev, blob);
		if (!(ev.has & mine) && !ev.tcp_opts.n) {
			assert_int_equal(n, 0); /* nothing: no BLOB */
			continue;
		}
		assert_true(n > 0 && n <= PKT_FIXED_MAX + ev.tcp_opts.n);
		assert_int_equal(pkt_decode(blob, n, &got), 0);
		assert_int_equal(got.has & mine, ev.has & mine);
		if (ev.has & EV_HAS_TCP_FLAGS)
			assert_int_equal(got.tcp_flags, ev.tcp_flags);
		if (ev.has & EV_HAS_ICMP) {
			assert_int_equal(got.icmp_type, ev.icmp_type);
			assert_int_equal(got.icmp_code, ev.icmp_code);
		}
		if (ev.has & EV_HAS_LEN)
			assert_true(got.len == ev.len);
		if (ev.has & EV_HAS_TTL)
			assert_int_equal(got.ttl, ev.ttl);
		if (ev.has & EV_HAS_WINDOW)
			assert_int_equal(got.window, ev.window);
		if (ev.has & EV_HAS_IP_FLAGS) {
			assert_int_equal(got.ip_flags, ev.ip_flags);
			assert_int_equal(got.ip_opts, ev.ip_opts);
		}
		assert_int_equal(got.tcp_opts.n, ev.tcp_opts.n);
		assert_memory_equal(got.tcp_opts.p ? got.tcp_opts.p : "", o, ev.tcp_opts.n);
		/* cut short: its own copy of each length, so ASan sees an overread */
		for (size_t cut = 0; cut < n; cut++) {
			unsigned char *c = malloc(cut ? cut : 1);
			assert_non_null(c);
			memcpy(c, blob, cut);
			struct event x;
			event_clear(&x);
			int rc = pkt_decode(c, cut, &x);
			/* only the options' text can lose bytes and still be read */
			if (rc == 0)
				assert_true(ev.tcp_opts.n && x.tcp_opts.n < ev.tcp_opts.n);
			free(c);
		}
	}
	unsigned char bad = 0x80; /* a bit no field has */
	struct event x;
	event_clear(&x);
	assert_int_equal(pkt_decode(&bad, 1, &x), -1);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollups_equal_raw_events),
		cmocka_unit_test(address_questions),
		cmocka_unit_test(file_marks),
		cmocka_unit_test(events_filters),
		cmocka_unit_test(refused_event_and_rollback),
		cmocka_unit_test(row_refused_by_sqlite_fails_batch),
		cmocka_unit_test(bulk_wal_copied_and_restarted),
		cmocka_unit_test(events_rebind),
		cmocka_unit_test(events_migrated_from_schema_17),
		cmocka_unit_test(pkt_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
