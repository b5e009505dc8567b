/* test_addr_profile.c - store_addr_profile (sqlite_addr_profile.c) gives the
 * same totals and busiest ports as the same question asked of the raw events,
 * for inside hosts (the host roll-up, host_tally.h) and outside addresses
 * (the events), through trust re-marks, home-network changes, a migration
 * from schema 8, merged peer lists, and a reader's kept answers. */
#include "testutil.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "store/store.h"

/* The addresses events are made of: inside hosts (private), an inside
 * host of a public home network, outside scanners, IPv6 of both kinds. */
static const char *const names[] = {
	"192.168.1.1", "192.168.1.2", "192.168.1.3", "10.0.0.9",  "fd00::5",
	"203.0.113.5", "198.51.100.1", "198.51.100.2", "2001:db8::9", "100.64.0.1",
	"10.9.9.9", /* an inside host that is a source now and then only */
};
enum { NADDR = sizeof names / sizeof names[0] };
static struct ev_addr addrs[NADDR];

static void parse_addrs(void)
{
	for (int i = 0; i < NADDR; i++)
		assert_int_equal(ev_addr_parse(&addrs[i], names[i], strlen(names[i])), 0);
}

static void pick(struct ev_addr *a, int v6)
{
	static const int four[] = { 0, 1, 2, 3, 5, 6, 7, 9 }, six[] = { 4, 8 };
	*a = v6 ? addrs[six[rnd(2)]] : addrs[four[rnd(8)]];
}

/* Varied events: any direction (home networks change), some with no
 * destination, port or protocol, some with the same address at both ends. */
static void make_event(struct event *ev, int64_t ts)
{
	event_clear(ev);
	ev->ts_us = ts;
	ev->has = EV_HAS_TS;
	ev->action = (uint8_t)rnd(4);
	ev->direction = (uint8_t)rnd(4);
	ev->trusted = rnd(7) == 0;
	int v6 = rnd(5) == 0;
	pick(&ev->src, v6);
	uint32_t d = rnd(12);
	if (d == 0)
		ev->dst.family = 0;
	else if (d == 1)
		ev->dst = ev->src;
	else if (d < 6) { /* many outside destinations: distinct hosts matter */
		ev->dst.family = v6 ? 6 : 4;
		ev->dst.bytes[0] = v6 ? 0x20 : 198;
		ev->dst.bytes[1] = v6 ? 0x01 : 18;
		ev->dst.bytes[3] = (uint8_t)rnd(60);
	} else
		pick(&ev->dst, v6);
	uint32_t p = rnd(10);
	if (p < 8) {
		ev->proto = p < 5 ? EV_PROTO_TCP : EV_PROTO_UDP;
		ev->has |= EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT;
		static const int ports[] = { 22, 53, 443, 445, 3389, 0 };
		ev->dport = (uint16_t)ports[rnd(6)];
		ev->sport = (uint16_t)(1024 + rnd(60000));
	} else if (p == 8) {
		ev->proto = EV_PROTO_ICMP;
		ev->has |= EV_HAS_PROTO;
	}
	ev->rule = (struct ev_str){ "DROP", 4 };
}

/* Store n events, half through the store's own roll-up (as serve does) and
 * half counted beside it (as import does), committing every `every`. */
static void add_events(struct store *st, int n, int every, int64_t t0)
{
	struct store_tally *t = store_tally_new();
	assert_non_null(t);
	int tallied = 0;
	for (int i = 0; i < n; i++) {
		struct event ev;
		make_event(&ev, t0 + (int64_t)i * 37 * 1000000 + rnd(1000000));
		if ((i / every) % 2) {
			assert_int_equal(store_add_counted(st, &ev, "netfilter",
							   store_context_hash(&ev, "netfilter"), 0), 0);
			assert_int_equal(store_tally_add(t, &ev), 0);
			tallied = 1;
		} else {
			assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		}
		if ((i + 1) % every == 0 || i + 1 == n) {
			if (tallied) {
				assert_int_equal(store_tally_done(t), 0);
				assert_int_equal(store_commit_tally(st, t), 0);
			} else {
				assert_int_equal(store_commit(st), 0);
			}
			tallied = 0;
		}
	}
	store_tally_free(t);
}

/* The answer asked of the raw events. */
static void expected(sqlite3 *db, const struct ev_addr *a, struct addr_info *info, int limit,
		     struct rank_row *rows, int *n)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT coalesce(min(ts),0), coalesce(max(ts),0),"
					    " total(src IS ?1), total(dst IS ?1), total(trusted != 0),"
					    " total(action = 1), total(action = 2)"
					    " FROM events WHERE src = ?1 OR dst = ?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	info->first_us = sqlite3_column_int64(s, 0);
	info->last_us = sqlite3_column_int64(s, 1);
	info->as_src = (uint64_t)sqlite3_column_int64(s, 2);
	info->as_dst = (uint64_t)sqlite3_column_int64(s, 3);
	info->trusted_events = (uint64_t)sqlite3_column_int64(s, 4);
	info->blocked = (uint64_t)sqlite3_column_int64(s, 5);
	info->allowed = (uint64_t)sqlite3_column_int64(s, 6);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT coalesce(dport,-1), coalesce(proto,-1), count(*),"
					    " count(DISTINCT dst) FROM events WHERE src = ?1"
					    " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?2",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, limit);
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		rows[*n].port = sqlite3_column_int(s, 0);
		rows[*n].proto = sqlite3_column_int(s, 1);
		rows[*n].count = sqlite3_column_int64(s, 2);
		rows[*n].extra = sqlite3_column_int64(s, 3);
		(*n)++;
	}
	sqlite3_finalize(s);
}

struct listed {
	uint64_t n;
	int64_t newest;
};
static int list_event(void *arg, const struct event *ev, const char *fmt)
{
	(void)fmt;
	struct listed *l = arg;
	if (!l->n++)
		l->newest = ev->ts_us;
	return 0;
}

/* Every address's answer equals the raw events' (and one never seen). */
static void check_all(struct store *st, const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	uint64_t seen = 0;
	for (int i = 0; i <= NADDR; i++) {
		struct ev_addr a = addrs[i % NADDR];
		if (i == NADDR)
			a.bytes[3] ^= 0x55; /* 192.168.1.84: never seen */
		struct addr_info want, got;
		int64_t want_last_src;
		struct rank_row wrows[8], grows[8];
		int wn = 0, gn = 0;
		expected(db, &a, &want, 8, wrows, &wn);
		sqlite3_stmt *ls;
		assert_int_equal(sqlite3_prepare_v2(db,
						    "SELECT ts FROM events WHERE src = ?1"
						    " ORDER BY id DESC LIMIT 1",
						    -1, &ls, NULL),
				 SQLITE_OK);
		sqlite3_bind_blob(ls, 1, a.bytes, a.family == 4 ? 4 : 16, SQLITE_STATIC);
		want_last_src = sqlite3_step(ls) == SQLITE_ROW ? sqlite3_column_int64(ls, 0) : 0;
		sqlite3_finalize(ls);
		assert_int_equal(store_addr_profile(st, &a, &got, 8, grows, &gn), 0);
		assert_int_equal(got.first_us, want.first_us);
		assert_int_equal(got.last_us, want.last_us);
		assert_int_equal(got.as_src, want.as_src);
		assert_int_equal(got.as_dst, want.as_dst);
		assert_int_equal(got.trusted_events, want.trusted_events);
		assert_int_equal(got.blocked, want.blocked);
		assert_int_equal(got.allowed, want.allowed);
		assert_int_equal(gn, wn);
		for (int j = 0; j < wn; j++) {
			assert_int_equal(grows[j].port, wrows[j].port);
			assert_int_equal(grows[j].proto, wrows[j].proto);
			assert_int_equal(grows[j].count, wrows[j].count);
			assert_int_equal(grows[j].extra, wrows[j].extra);
		}
		/* the events it is the source of, newest first (the Sources
		 * page's list): all of them, and the newest few */
		for (int lim = 0; lim <= 7; lim += 7) {
			struct event_filter ef = { .since_us = INT64_MIN, .until_us = INT64_MAX,
						   .port = -1, .direction = -1, .limit = lim,
						   .have_src = 1, .src_family = a.family,
						   .src_bits = a.family == 4 ? 32 : 128 };
			memcpy(ef.src_net, a.bytes, 16);
			struct listed l = { 0 };
			assert_int_equal(store_events(st, &ef, list_event, &l), 0);
			assert_int_equal(l.n, lim ? (want.as_src < 7 ? want.as_src : 7) : want.as_src);
			if (l.n)
				assert_int_equal(l.newest, want_last_src);
		}
		/* the totals alone, as store_addr_info, agree too */
		struct addr_info only;
		assert_int_equal(store_addr_info(st, &a, &only), 0);
		assert_int_equal(only.as_src + only.as_dst, want.as_src + want.as_dst);
		seen += want.as_src + want.as_dst;
	}
	assert_true(seen > 1000); /* the comparison had something to compare */
	sqlite3_close(db);
}

static int trust_one; /* the address store_mark_trusted trusts: index in addrs */
static int is_trusted(void *arg, const struct ev_addr *src, const struct ev_addr *dst)
{
	(void)arg;
	const struct ev_addr *t = &addrs[trust_one];
	return (src->family == t->family && !memcmp(src->bytes, t->bytes, 16)) ||
	       (dst->family == t->family && !memcmp(dst->bytes, t->bytes, 16));
}

static struct store *open_or_fail(const char *path, int flags)
{
	char err[256];
	struct store *st = store_open(path, flags, err, sizeof err);
	if (!st)
		fail_msg("%s", err);
	return st;
}

static void answers_equal_raw_events(void **state)
{
	(void)state;
	parse_addrs();
	char *dir = test_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/p.db", dir);
	test_seed(11);
	int64_t t0 = 1704067200LL * 1000000;
	struct store *st = open_or_fail(path, STORE_BULK);
	/* 130 commits: more peer rows than HOST_PEER_ROWS, so they are merged */
	add_events(st, 6500, 50, t0);
	/* a source in a few scattered hours, some of them in one commit */
	for (int k = 0; k < 12; k++) {
		struct event ev;
		make_event(&ev, t0 + (int64_t)(k * k + 2) * 3600 * 1000000);
		ev.src = addrs[NADDR - 1];
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		if (k % 3 == 2)
			assert_int_equal(store_commit(st), 0);
	}
	store_close(st);
	/* an inside source's peer rows were merged: never more than the bound */
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT max(n) FROM (SELECT count(*) n FROM host_peer"
					    " GROUP BY addr)",
					    -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_in_range(sqlite3_column_int(s, 0), 2, 64);
	sqlite3_finalize(s);
	sqlite3_close(db);
	struct store *ro = open_or_fail(path, STORE_READONLY);
	check_all(ro, path);

	/* trust re-marks events (the trigger keeps the counts): the reader's
	 * kept answers must not outlive the write */
	st = open_or_fail(path, 0);
	for (trust_one = 0; trust_one < NADDR; trust_one += 4) {
		uint64_t changed = 0;
		assert_int_equal(store_mark_trusted(st, INT64_MIN, INT64_MAX, is_trusted, NULL,
						    &changed),
				 0);
		assert_true(changed > 0);
		assert_int_equal(store_commit(st), 0);
		check_all(ro, path);
	}
	/* events added and re-marked in one batch, as serve may do */
	add_events(st, 300, 1000, t0 + 86400LL * 30 * 1000000);
	trust_one = 1;
	uint64_t changed = 0;
	assert_int_equal(store_mark_trusted(st, INT64_MIN, INT64_MAX, is_trusted, NULL, &changed),
			 0);
	add_events(st, 200, 1000, t0 + 86400LL * 40 * 1000000);
	assert_int_equal(store_commit(st), 0);
	/* a home network added: later events of its hosts go the other way */
	assert_int_equal(store_homenet_add(st, "203.0.113.0/24", "test"), 0);
	assert_int_equal(store_commit(st), 0);
	add_events(st, 500, 70, t0 + 86400LL * 50 * 1000000);
	store_close(st);
	check_all(ro, path);
	store_close(ro);
	rm_rf(dir);
}

/* A store of schema 8 (no host roll-up) gets it counted from its events. */
static void migration_from_schema_8(void **state)
{
	(void)state;
	parse_addrs();
	char *dir = test_tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/m.db", dir);
	test_seed(5);
	struct store *st = open_or_fail(path, STORE_BULK);
	add_events(st, 3000, 400, 1704067200LL * 1000000);
	trust_one = 3;
	uint64_t changed = 0;
	assert_int_equal(store_mark_trusted(st, INT64_MIN, INT64_MAX, is_trusted, NULL, &changed),
			 0);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TRIGGER host_trust_mark; DROP TABLE host_total;"
				      " DROP TABLE host_port; DROP TABLE host_peer;"
				      " DROP TABLE host_trust;"
				      /* schema 8 kept each hour's filter in rollup_time */
				      " UPDATE rollup_time SET bloom = (SELECT b.bloom FROM rollup_bloom b"
				      "  WHERE b.hour = rollup_time.hour AND b.part = rollup_time.part);"
				      " DROP TABLE rollup_bloom;"
				      /* and schema 8's findings indexes */
				      " DROP INDEX findings_port_range;"
				      " CREATE INDEX findings_last ON findings(last_ts);"
				      " CREATE INDEX findings_port_hi ON findings(port_hi, last_ts);"
				      " PRAGMA user_version=8;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	/* a reader's open migrates it (through a writable connection) */
	struct store *ro = open_or_fail(path, STORE_READONLY);
	check_all(ro, path);
	store_close(ro);
	rm_rf(dir);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_equal_raw_events),
		cmocka_unit_test(migration_from_schema_8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
