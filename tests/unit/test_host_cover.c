/* test_host_cover.c - public home networks in the host roll-up (host_cover.h):
 * an inside host of a covered public network has its Sources page (profile,
 * events as source) answered from the roll-up, and the answer equals the raw
 * events' whether its events were stored after the network was covered,
 * before (counted when it was), or both; covering again counts nothing twice;
 * a batch rolled back leaves nothing covered; a reader and a writer see a
 * network covered by another connection; too large networks are left out. */
#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

#include "event.h"
#include "store/store.h"

/* Inside hosts of the public home networks 198.51.100.0/24 and
 * 2001:db8:1::/48 first (NHOME), then outside and private ones. */
static const char *const names[] = {
	"198.51.100.1", "198.51.100.77", "198.51.100.200", "2001:db8:1::5", /* home */
	"203.0.113.5",	"192.168.1.1",	 "2001:db8:2::9",  "198.51.101.3",
};
enum { NHOME = 4, NADDR = sizeof names / sizeof names[0] };
static struct ev_addr addrs[NADDR];

static void parse_addrs(void)
{
	for (int i = 0; i < NADDR; i++)
		assert_int_equal(ev_addr_parse(&addrs[i], names[i], strlen(names[i])), 0);
}

static void pick(struct ev_addr *a, int v6)
{
	static const int four[] = { 0, 1, 2, 4, 5, 7 }, six[] = { 3, 6 };
	*a = v6 ? addrs[six[rnd(2)]] : addrs[four[rnd(6)]];
}

static void make_event(struct event *ev, int64_t ts)
{
	event_clear(ev);
	ev->ts_us = ts;
	ev->has = EV_HAS_TS;
	ev->action = (uint8_t)rnd(3);
	ev->direction = (uint8_t)rnd(4);
	ev->trusted = rnd(6) == 0;
	int v6 = rnd(4) == 0;
	pick(&ev->src, v6);
	uint32_t d = rnd(10);
	if (d == 0)
		ev->dst.family = 0;
	else if (d == 1)
		ev->dst = ev->src;
	else if (d < 5) { /* outside destinations: distinct hosts count */
		ev->dst.family = v6 ? 6 : 4;
		ev->dst.bytes[0] = v6 ? 0x20 : 198;
		ev->dst.bytes[1] = v6 ? 0x01 : 18;
		ev->dst.bytes[3] = (uint8_t)rnd(40);
	} else
		pick(&ev->dst, v6);
	if (rnd(8)) {
		ev->proto = rnd(2) ? EV_PROTO_TCP : EV_PROTO_UDP;
		ev->has |= EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT;
		static const int ports[] = { 22, 53, 443, 445, 3389 };
		ev->dport = (uint16_t)ports[rnd(5)];
		ev->sport = (uint16_t)(1024 + rnd(60000));
	}
	ev->rule = (struct ev_str){ "DROP", 4 };
}

/* n events from t0 on, half stored with the store's own roll-up (serve),
 * half counted beside it (import); committed every `every` unless every is
 * 0 (left in the open batch). */
static void add_events(struct store *st, int n, int every, int64_t t0)
{
	struct store_tally *t = store_tally_new();
	assert_non_null(t);
	int tallied = 0;
	for (int i = 0; i < n; i++) {
		struct event ev;
		make_event(&ev, t0 + (int64_t)i * 41 * 1000000 + rnd(1000000));
		if (i % 2) {
			assert_int_equal(store_add_counted(st, &ev, "netfilter",
							   store_context_hash(&ev, "netfilter"), 0), 0);
			assert_int_equal(store_tally_add(t, &ev), 0);
			tallied = 1;
		} else {
			assert_int_equal(store_add(st, &ev, "netfilter"), 0);
		}
		if (tallied && (every ? (i + 1) % every == 0 || i + 1 == n : i + 1 == n)) {
			/* the tally counts exactly the events since the last commit */
			assert_int_equal(store_commit_tally(st, t), 0);
			tallied = 0;
		}
	}
	store_tally_free(t);
}

static int64_t one_int(sqlite3 *db, const char *sql, const struct ev_addr *a)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (a)
		sqlite3_bind_blob(s, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return v;
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

/* Each address's profile and events as source equal the raw events'; the
 * home hosts' roll-up rows hold them (counted, not read from the events);
 * covered: whether the home networks are. */
static void check_all(struct store *st, const char *path, int covered)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	uint64_t seen = 0;
	for (int i = 0; i < NADDR; i++) {
		const struct ev_addr *a = &addrs[i];
		struct addr_info got;
		struct rank_row rows[8];
		int n = 0;
		assert_int_equal(store_addr_profile(st, a, &got, 8, rows, &n), 0);
		int64_t as_src = one_int(db, "SELECT count(*) FROM events WHERE src = ?1", a);
		int64_t as_dst = one_int(db, "SELECT count(*) FROM events WHERE dst = ?1", a);
		int64_t trusted = one_int(db,
					  "SELECT count(*) FROM events WHERE (src = ?1 OR dst = ?1)"
					  " AND trusted != 0",
					  a);
		int64_t blocked = one_int(db,
					  "SELECT count(*) FROM events WHERE (src = ?1 OR dst = ?1)"
					  " AND action = 1",
					  a);
		int64_t first = one_int(db,
					"SELECT coalesce(min(ts), 0) FROM events WHERE src = ?1 OR dst = ?1",
					a);
		int64_t last = one_int(db,
				       "SELECT coalesce(max(ts), 0) FROM events WHERE src = ?1 OR dst = ?1",
				       a);
		int64_t ports = one_int(db,
					"SELECT count(*) FROM (SELECT DISTINCT coalesce(dport, -1),"
					" coalesce(proto, -1) FROM events WHERE src = ?1)",
					a);
		int64_t top = one_int(db,
				      "SELECT count(*) FROM events WHERE src = ?1 GROUP BY"
				      " coalesce(dport, -1), coalesce(proto, -1) ORDER BY 1 DESC LIMIT 1",
				      a);
		int64_t top_hosts = one_int(db,
					    "SELECT count(DISTINCT dst) FROM events WHERE src = ?1"
					    " GROUP BY coalesce(dport, -1), coalesce(proto, -1)"
					    " ORDER BY count(*) DESC, coalesce(dport, -1),"
					    " coalesce(proto, -1) LIMIT 1",
					    a);
		int64_t last_src = one_int(db,
					   "SELECT ts FROM events WHERE src = ?1 ORDER BY id DESC LIMIT 1",
					   a);
		assert_int_equal(got.as_src, as_src);
		assert_int_equal(got.as_dst, as_dst);
		assert_int_equal(got.trusted_events, trusted);
		assert_int_equal(got.blocked, blocked);
		assert_int_equal(got.first_us, first);
		assert_int_equal(got.last_us, last);
		assert_int_equal(n, ports < 8 ? ports : 8);
		if (n) {
			assert_int_equal(rows[0].count, top);
			assert_int_equal(rows[0].extra, top_hosts);
		}
		/* the Sources page's list: every event it is the source of,
		 * newest first, and the newest few */
		for (int lim = 0; lim <= 5; lim += 5) {
			struct event_filter ef = { .since_us = INT64_MIN, .until_us = INT64_MAX,
						   .port = -1, .direction = -1, .limit = lim,
						   .have_src = 1, .src_family = a->family,
						   .src_bits = a->family == 4 ? 32 : 128 };
			memcpy(ef.src_net, a->bytes, 16);
			struct listed l = { 0 };
			assert_int_equal(store_events(st, &ef, list_event, &l), 0);
			assert_int_equal(l.n, lim && as_src > lim ? lim : as_src);
			if (l.n)
				assert_int_equal(l.newest, last_src);
		}
		/* the roll-up itself: a home host's row holds every event of it
		 * once the network is covered; an outside host has none */
		int64_t rolled = one_int(db, "SELECT as_src + as_dst FROM host_total WHERE addr = ?1",
					 a);
		if (i < NHOME && covered)
			assert_int_equal(rolled, as_src + as_dst);
		else if (i != 5) /* 192.168.1.1: private, always counted */
			assert_int_equal(rolled, -1);
		seen += (uint64_t)(as_src + as_dst);
	}
	assert_true(seen > 500); /* the comparison had something to compare */
	sqlite3_close(db);
}

static const int64_t T0 = 1704067200LL * 1000000;

static int cover_home(struct store *st)
{
	int a = store_homenet_add(st, "198.51.100.0/24", "isp");
	struct store_net six = { .family = 6, .bits = 48 };
	memcpy(six.net, addrs[3].bytes, 6);
	int b = store_cover_nets(st, &six, 1);
	assert_in_range(a, 0, 1); /* 1: stored before */
	return b;
}

/* Each test's start: the addresses parsed, a fresh directory holding
 * the database at path, and its own seed.  Returns the directory. */
static char *start(char *path, size_t n, const char *db, uint64_t seed)
{
	parse_addrs();
	char *dir = test_tmpdir();
	snprintf(path, n, "%s/%s", dir, db);
	test_seed(seed);
	return dir;
}

/* check_all through a read-only connection of its own. */
static void check_reader(const char *path, int covered)
{
	struct store *ro = test_store_open(path, STORE_READONLY);
	check_all(ro, path, covered);
	store_close(ro);
}

/* Events stored after the networks were covered. */
static void after_covered(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "a.db", 3);
	struct store *st = test_store_open(path, STORE_BULK);
	assert_int_equal(cover_home(st), 1);
	assert_int_equal(store_commit(st), 0);
	add_events(st, 3000, 100, T0);
	check_all(st, path, 1);
	store_close(st);
	check_reader(path, 1);
	rm_rf(dir);
}

/* Events stored before: counted when the networks are covered, once, and
 * again not when covered again (here and by a fresh connection). */
static void before_covered(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "b.db", 4);
	struct store *st = test_store_open(path, STORE_BULK);
	add_events(st, 3000, 100, T0);
	check_all(st, path, 0);
	assert_int_equal(cover_home(st), 1);
	assert_int_equal(store_commit(st), 0);
	check_all(st, path, 1);
	assert_int_equal(cover_home(st), 0); /* already covered: nothing counted */
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	st = test_store_open(path, 0);
	assert_int_equal(cover_home(st), 0);
	assert_int_equal(store_commit(st), 0);
	check_all(st, path, 1);
	store_close(st);
	rm_rf(dir);
}

/* Both, with the covering inside an open batch that holds events counted
 * and not yet written, and a larger network covering a smaller one. */
static void before_and_after(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "c.db", 5);
	struct store *st = test_store_open(path, 0);
	struct store_net half = { .family = 4, .bits = 25, .net = { 198, 51, 100, 0 } };
	assert_int_equal(store_cover_nets(st, &half, 1), 1);
	assert_int_equal(store_commit(st), 0);
	add_events(st, 1500, 70, T0);
	for (int i = 0; i < 37; i++) { /* an open batch, some rows still queued */
		struct event ev;
		make_event(&ev, T0 + 86400LL * 20 * 1000000 + i * 1000000LL);
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
	assert_int_equal(cover_home(st), 1); /* the /24 holds the /25: counted whole */
	add_events(st, 1500, 0, T0 + 86400LL * 30 * 1000000);
	check_all(st, path, 1);
	store_close(st);
	check_reader(path, 1);
	rm_rf(dir);
}

/* A batch rolled back covers nothing; a reader sees the networks covered
 * by another connection at once and reads their roll-up. */
static void rollback_and_reader(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "d.db", 6);
	struct store *st = test_store_open(path, 0);
	add_events(st, 2000, 100, T0);
	assert_int_equal(cover_home(st), 1);
	store_rollback(st);
	check_all(st, path, 0);
	struct store *ro = test_store_open(path, STORE_READONLY);
	check_all(ro, path, 0);
	assert_int_equal(cover_home(st), 1);
	assert_int_equal(store_commit(st), 0);
	check_all(ro, path, 1);
	/* the reader's answer comes from the roll-up: a count changed there
	 * by hand shows */
	struct addr_info before, after;
	assert_int_equal(store_addr_info(ro, &addrs[1], &before), 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "UPDATE host_total SET as_dst = as_dst + 1000 WHERE addr=?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, addrs[1].bytes, 4, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(store_addr_info(ro, &addrs[1], &after), 0);
	assert_int_equal(after.as_dst, before.as_dst + 1000);
	store_close(ro);
	store_close(st);
	rm_rf(dir);
}

/* A writer whose batches began before another connection covered the
 * networks counts their events from its next batch on. */
static void another_writer(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "w.db", 8);
	struct store *st = test_store_open(path, 0);
	add_events(st, 1000, 100, T0);
	struct store *other = test_store_open(path, 0);
	assert_int_equal(cover_home(other), 1);
	assert_int_equal(store_commit(other), 0);
	store_close(other);
	add_events(st, 1000, 100, T0 + 86400LL * 10 * 1000000);
	check_all(st, path, 1);
	store_close(st);
	rm_rf(dir);
}

/* Private space needs no covering; networks larger than /16 or /48 are
 * left out; their hosts' answers still equal the events'. */
static void bounds(void **state)
{
	(void)state;
	char path[300], *dir = start(path, sizeof path, "e.db", 7);
	struct store *st = test_store_open(path, 0);
	add_events(st, 1000, 100, T0);
	struct store_net nets[] = {
		{ .family = 4, .bits = 8, .net = { 198 } },
		{ .family = 4, .bits = 15, .net = { 198, 50 } },
		{ .family = 4, .bits = 16, .net = { 192, 168 } },
		{ .family = 6, .bits = 32, .net = { 0x20, 0x01, 0x0d, 0xb8 } },
		{ .family = 6, .bits = 64, .net = { 0 } }, /* holds ::1 */
	};
	assert_int_equal(store_cover_nets(st, nets, 5), 0);
	assert_int_equal(store_homenet_add(st, "198.0.0.0/8", ""), 0);
	assert_int_equal(store_commit(st), 0);
	check_all(st, path, 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM host_cover", NULL), 0);
	sqlite3_close(db);
	store_close(st);
	rm_rf(dir);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(after_covered),      cmocka_unit_test(before_covered),
		cmocka_unit_test(before_and_after),   cmocka_unit_test(rollback_and_reader),
		cmocka_unit_test(another_writer),     cmocka_unit_test(bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
