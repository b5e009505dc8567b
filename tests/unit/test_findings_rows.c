/* test_findings_rows.c - findings as stored and read back (schema 12): a
 * scan's and a block-list finding's summary is not stored but written again
 * from its fields, identical; every kind is listed, also over a time window
 * and for one address; a port finds the findings that start or end at it. */
#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

#include "finding.h"
#include "store/store.h"

static struct finding make(int kind, const char *subject, int64_t first_s, int lo, int hi)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = kind;
	snprintf(f.subject, sizeof f.subject, "%s", subject);
	if (kind != FINDING_OUTBREAK)
		assert_int_equal(ev_addr_parse(&f.src, subject, strlen(subject)), 0);
	f.first_us = first_s * 1000000;
	f.last_us = (first_s + 600) * 1000000;
	f.proto = 6;
	f.port_lo = lo;
	f.port_hi = hi;
	f.nports = (uint32_t)(hi - lo + 1);
	f.nhosts = 2;
	f.packets = 40;
	f.danger = 3;
	f.trw_probes = kind == FINDING_SCAN ? 5 : 0;
	if (lo == hi)
		snprintf(f.ports, sizeof f.ports, "%d", lo);
	else
		snprintf(f.ports, sizeof f.ports, "%d-%d", lo, hi);
	snprintf(f.hosts, sizeof f.hosts, "192.168.1.2,192.168.1.3");
	snprintf(f.shape, sizeof f.shape, "%s",
		 kind == FINDING_SCAN ? (lo == hi ? "horizontal" : "vertical")
		 : kind == FINDING_REPUTATION ? "listed" : kind == FINDING_INFECTED ? "worm"
		 : "hourly");
	snprintf(f.probe, sizeof f.probe, "SYN");
	if (kind == FINDING_REPUTATION) {
		snprintf(f.signature, sizeof f.signature, "known bad actor");
		snprintf(f.refs, sizeof f.refs, "blocklist");
	}
	if (kind == FINDING_SCAN || kind == FINDING_REPUTATION)
		finding_summary(&f);
	else
		snprintf(f.summary, sizeof f.summary, "%s told in its own words", subject);
	return f;
}

struct got {
	struct finding v[16];
	int n;
};

static int collect(void *arg, const struct finding *f)
{
	struct got *g = arg;
	if (g->n < 16)
		g->v[g->n++] = *f;
	return 0;
}

struct got_all {
	int n;
	struct finding v[400];
};

static int collect_all(void *arg, const struct finding *f)
{
	struct got_all *g = arg;
	if (g->n < 400)
		g->v[g->n++] = *f;
	return 0;
}

static const struct finding *find(const struct got *g, const struct finding *want)
{
	for (int i = 0; i < g->n; i++)
		if (g->v[i].kind == want->kind && !strcmp(g->v[i].subject, want->subject) &&
		    g->v[i].first_us == want->first_us)
			return &g->v[i];
	return NULL;
}

static void assert_same(const struct finding *a, const struct finding *b)
{
	assert_non_null(a);
	assert_string_equal(a->summary, b->summary);
	assert_string_equal(a->shape, b->shape);
	assert_string_equal(a->ports, b->ports);
	assert_string_equal(a->hosts, b->hosts);
	assert_string_equal(a->signature, b->signature);
	assert_int_equal(a->port_lo, b->port_lo);
	assert_int_equal(a->port_hi, b->port_hi);
	assert_int_equal(a->packets, b->packets);
	assert_int_equal(a->last_us, b->last_us);
}

static void stored_and_read_back(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/f.db", test_tmpdir());
	char err[256];
	struct store *st = store_open(path, 0, err, sizeof err);
	assert_non_null(st);
	struct finding want[] = {
		make(FINDING_SCAN, "203.0.113.7", 1000, 445, 445),
		make(FINDING_SCAN, "203.0.113.8", 2000, 20, 1024),
		make(FINDING_REPUTATION, "198.51.100.9", 3000, 23, 23),
		make(FINDING_INFECTED, "192.168.1.23", 4000, 445, 445),
		make(FINDING_OUTBREAK, "445/tcp", 5000, 445, 445),
	};
	size_t n = sizeof want / sizeof want[0];
	/* one of a thing is not "1 ports" */
	assert_non_null(strstr(want[0].summary, "from 203.0.113.7: 1 port 445 on 2 hosts, 40 packets"));
	assert_int_equal(store_findings_put(st, want, n), 0);
	assert_int_equal(store_commit(st), 0);

	/* every kind, all time */
	struct got g = { .n = 0 };
	struct finding_filter q = { .kind = 0, .since_us = 0, .until_us = INT64_MAX };
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, (int)n);
	for (size_t i = 0; i < n; i++)
		assert_same(find(&g, &want[i]), &want[i]);
	/* a window holding only the second and third */
	g.n = 0;
	q.since_us = 1900 * 1000000LL;
	q.until_us = 3500 * 1000000LL;
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_non_null(find(&g, &want[1]));
	assert_non_null(find(&g, &want[2]));
	/* one address */
	g.n = 0;
	q = (struct finding_filter){ .kind = 0, .until_us = INT64_MAX, .have_src = 1,
				     .src = want[2].src };
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_same(&g.v[0], &want[2]);
	/* the port a range ends at finds it, with its summary */
	g.n = 0;
	assert_int_equal(store_port_findings(st, 1024, -1, 0, INT64_MAX, 10, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_same(&g.v[0], &want[1]);
	g.n = 0;
	assert_int_equal(store_port_findings(st, 445, -1, 0, INT64_MAX, 10, collect, &g), 0);
	assert_int_equal(g.n, 4); /* and the range 20-1024 that spans it */
	for (int i = 0; i < 5; i++)
		if (i != 2)
			assert_same(find(&g, &want[i]), &want[i]);
	/* about the port alone: not the range that spans it, nor one ending there */
	g.n = 0;
	assert_int_equal(store_port_findings_alone(st, 445, -1, 0, INT64_MAX, 10, collect, &g), 0);
	assert_int_equal(g.n, 3);
	for (int i = 0; i < 5; i++)
		if (i != 1 && i != 2)
			assert_same(find(&g, &want[i]), &want[i]);
	g.n = 0;
	assert_int_equal(store_port_findings_alone(st, 1024, -1, 0, INT64_MAX, 10, collect, &g), 0);
	assert_int_equal(g.n, 0);
	store_close(st);

	/* stored: the summary only where the fields cannot say it again */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT kind, summary IS NULL FROM findings", -1,
					    &s, NULL),
			 SQLITE_OK);
	int rows = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int kind = sqlite3_column_int(s, 0);
		assert_int_equal(sqlite3_column_int(s, 1),
				 kind == FINDING_SCAN || kind == FINDING_REPUTATION);
		rows++;
	}
	assert_int_equal(rows, (int)n);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* A listing of every kind in parts (store_findings) is the one ORDER BY of
 * schema 11 and before, whatever the window and limit. */
static void listing_in_danger_order(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/o.db", test_tmpdir());
	char err[256];
	struct store *st = store_open(path, 0, err, sizeof err);
	assert_non_null(st);
	uint64_t r = 7;
	for (int i = 0; i < 400; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		int kind = 1 + (int)((r >> 33) % 4);
		char subject[64];
		if (kind == FINDING_OUTBREAK)
			snprintf(subject, sizeof subject, "%d/tcp", 1 + (int)((r >> 20) % 50));
		else
			snprintf(subject, sizeof subject, "203.0.113.%d", (int)((r >> 24) % 250));
		struct finding f = make(kind, subject, 1000 + (int64_t)((r >> 40) % 5000) * 60, 80, 80);
		f.danger = 1 + (int)((r >> 13) % 5);
		f.first_us += i; /* distinct keys */
		assert_int_equal(store_findings_put(st, &f, 1), 0);
	}
	assert_int_equal(store_commit(st), 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *ref;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT kind, subject, first_ts FROM findings"
					    " WHERE (?1 = 0 OR kind = ?1) AND last_ts >= ?2 AND first_ts < ?3"
					    " ORDER BY CASE WHEN kind = 3 THEN 0 ELSE -danger END,"
					    " first_ts, subject LIMIT ?4",
					    -1, &ref, NULL),
			 SQLITE_OK);
	const int64_t windows[][2] = { { 0, INT64_MAX },
				       { 2000 * 1000000LL, 200000 * 1000000LL },
				       { 100000 * 1000000LL, 100600 * 1000000LL } };
	const int limits[] = { 0, 5, 60, 500 };
	for (int kind = 0; kind <= 2; kind++)
		for (size_t w = 0; w < 3; w++)
			for (size_t l = 0; l < 4; l++) {
				struct finding_filter q = { .kind = kind, .since_us = windows[w][0],
							    .until_us = windows[w][1],
							    .limit = limits[l] };
				static struct got_all all;
				all.n = 0;
				assert_int_equal(store_findings(st, &q, collect_all, &all), 0);
				sqlite3_reset(ref);
				sqlite3_bind_int(ref, 1, kind);
				sqlite3_bind_int64(ref, 2, windows[w][0]);
				sqlite3_bind_int64(ref, 3, windows[w][1]);
				sqlite3_bind_int(ref, 4, limits[l] ? limits[l] : -1);
				int n = 0;
				while (sqlite3_step(ref) == SQLITE_ROW) {
					assert_true(n < all.n);
					assert_int_equal(all.v[n].kind, sqlite3_column_int(ref, 0));
					assert_string_equal(all.v[n].subject,
							    (const char *)sqlite3_column_text(ref, 1));
					assert_int_equal(all.v[n].first_us, sqlite3_column_int64(ref, 2));
					n++;
				}
				assert_int_equal(n, all.n);
			}
	sqlite3_finalize(ref);
	sqlite3_close(db);
	store_close(st);
}

static int count_by_src(const char *path, const char *addr)
{
	char err[256];
	struct store *ro = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(ro);
	struct finding_filter q = { .kind = 0, .until_us = INT64_MAX, .have_src = 1 };
	assert_int_equal(ev_addr_parse(&q.src, addr, strlen(addr)), 0);
	static struct got_all g;
	g.n = 0;
	assert_int_equal(store_findings(ro, &q, collect_all, &g), 0);
	store_close(ro);
	for (int i = 0; i < g.n; i++)
		assert_int_equal(memcmp(g.v[i].src.bytes, q.src.bytes, 16), 0);
	return g.n;
}

static void put1(struct store *st, int kind, const char *subject, int64_t first_s)
{
	struct finding f = make(kind, subject, first_s, 445, 445);
	assert_int_equal(store_findings_put(st, &f, 1), 0);
	assert_int_equal(store_commit(st), 0);
}

/* One address's findings (schema 16): a bulk store indexes them by address
 * in batches, so another connection finds them through finding_src, the
 * newest ones by reading them, and never twice -- also after deletions let
 * SQLite give a new finding an id that was indexed before. */
static void found_by_address_indexed_or_not(void **state)
{
	(void)state;
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/a.db", test_tmpdir());
	struct store *st = store_open(path, STORE_BULK, err, sizeof err);
	assert_non_null(st);
	put1(st, FINDING_SCAN, "203.0.113.7", 1000);
	put1(st, FINDING_SCAN, "203.0.113.7", 9000);
	put1(st, FINDING_REPUTATION, "203.0.113.7", 1000);
	put1(st, FINDING_SCAN, "2001:db8::7", 1000);
	put1(st, FINDING_OUTBREAK, "445/tcp", 1000);
	/* none indexed yet, all found */
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM finding_src"), 0);
	assert_int_equal(count_by_src(path, "203.0.113.7"), 3);
	assert_int_equal(count_by_src(path, "2001:db8::7"), 1);
	assert_int_equal(count_by_src(path, "203.0.113.8"), 0);
	/* indexed: every finding with an address, once */
	assert_int_equal(store_findings_index(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM finding_src"), 4);
	assert_int_equal(test_query_int(path, "SELECT value FROM meta WHERE key = 'findings_indexed'"),
			 test_query_int(path, "SELECT max(id) FROM findings"));
	assert_int_equal(count_by_src(path, "203.0.113.7"), 3);
	/* one more, not indexed: found beside the indexed ones */
	put1(st, FINDING_INFECTED, "203.0.113.7", 20000);
	assert_int_equal(count_by_src(path, "203.0.113.7"), 4);
	/* the newest findings (highest ids) go: the next one takes an id at
	 * or below findings_indexed and must still be found */
	assert_int_equal(store_findings_clear_kind(st, FINDING_INFECTED), 0);
	assert_int_equal(store_findings_clear_kind(st, FINDING_OUTBREAK), 0);
	assert_int_equal(store_findings_clear_kind(st, FINDING_SCAN), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(count_by_src(path, "203.0.113.7"), 1);
	assert_int_equal(count_by_src(path, "2001:db8::7"), 0);
	put1(st, FINDING_SCAN, "2001:db8::7", 5000);
	assert_true(test_query_int(path, "SELECT max(id) FROM findings") <= 4);
	assert_int_equal(count_by_src(path, "2001:db8::7"), 1);
	assert_int_equal(count_by_src(path, "203.0.113.7"), 1);
	/* all cleared: the same */
	assert_int_equal(store_findings_clear(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM finding_src"), 0);
	put1(st, FINDING_SCAN, "203.0.113.9", 5000);
	assert_int_equal(count_by_src(path, "203.0.113.9"), 1);
	assert_int_equal(count_by_src(path, "2001:db8::7"), 0);
	/* a batch is indexed without being asked once it is big enough */
	enum { MANY = 40000 };
	for (int i = 0; i < MANY; i++) {
		char a[32];
		snprintf(a, sizeof a, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		struct finding f = make(FINDING_SCAN, a, 7000 + i, 23, 23);
		assert_int_equal(store_findings_put(st, &f, 1), 0);
	}
	assert_int_equal(store_commit(st), 0);
	int64_t indexed = test_query_int(path, "SELECT count(*) FROM finding_src");
	assert_true(indexed >= MANY / 2 && indexed < MANY);
	assert_int_equal(count_by_src(path, "10.0.0.1"), 1);
	assert_int_equal(count_by_src(path, "10.0.156.63"), 1); /* the last */
	store_close(st);
	/* a store that is not bulk indexes at once */
	st = store_open(path, 0, err, sizeof err);
	assert_non_null(st);
	put1(st, FINDING_SCAN, "198.51.100.1", 8000);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM findings WHERE src IS NOT NULL"),
			 test_query_int(path, "SELECT count(*) FROM finding_src"));
	store_close(st);
}

/* A store of schema 15 (findings keyed by kind, subject, first time; no
 * finding_src) is migrated with every finding kept and found by address. */
static void migrated_from_schema_15(void **state)
{
	(void)state;
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/m.db", test_tmpdir());
	struct store *st = store_open(path, 0, err, sizeof err);
	assert_non_null(st);
	put1(st, FINDING_SCAN, "203.0.113.7", 1000);
	put1(st, FINDING_REPUTATION, "203.0.113.7", 2000);
	put1(st, FINDING_SCAN, "2001:db8::7", 1000);
	put1(st, FINDING_OUTBREAK, "445/tcp", 1000);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE old(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
			     " subject TEXT NOT NULL, src BLOB, first_ts INTEGER NOT NULL,"
			     " last_ts INTEGER NOT NULL, shape TEXT, probe TEXT, proto INTEGER,"
			     " port_lo INTEGER, port_hi INTEGER, nports INTEGER, nhosts INTEGER,"
			     " packets INTEGER, ports TEXT, hosts TEXT, danger INTEGER,"
			     " trw_probes INTEGER, signature TEXT, refs TEXT, value REAL,"
			     " baseline REAL, factor REAL, second_wave INTEGER, summary TEXT, os TEXT,"
			     " UNIQUE(kind, subject, first_ts));"
			     "INSERT INTO old SELECT * FROM findings; DROP TABLE findings;"
			     "ALTER TABLE old RENAME TO findings; DROP TABLE finding_src;"
			     "DELETE FROM meta WHERE key = 'findings_indexed'; PRAGMA user_version=15;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(count_by_src(path, "203.0.113.7"), 2);
	assert_int_equal(count_by_src(path, "2001:db8::7"), 1);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM findings"), 4);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM finding_src"), 3);
	assert_int_equal(test_query_int(path, "PRAGMA user_version"), 18);
}

static void put_scan(struct store *st, const char *subject, int64_t first_s)
{
	struct finding f = make(FINDING_SCAN, subject, first_s, 445, 445);
	f.window_us = 7200 * 1000000LL;
	assert_int_equal(store_findings_put(st, &f, 1), 0);
	assert_int_equal(store_commit(st), 0);
}

/* A connection's filter of stored subjects (which spares a bulk import the
 * merge lookups) sees what another connection wrote after deleting
 * findings: SQLite gives a new row the id after the highest left, which
 * may be one the filter has read already. */
static void continued_after_another_cleared(void **state)
{
	(void)state;
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/r.db", test_tmpdir());
	struct store *c = store_open(path, 0, err, sizeof err);
	assert_non_null(c);
	put_scan(c, "198.51.100.1", 1000);
	put_scan(c, "198.51.100.2", 1000);
	store_close(c);
	struct store *a = store_open(path, STORE_BULK, err, sizeof err);
	assert_non_null(a);
	put_scan(a, "198.51.100.3", 1000); /* its filter has read ids 1 and 2 */
	struct store *b = store_open(path, 0, err, sizeof err);
	assert_non_null(b);
	assert_int_equal(store_findings_clear_kind(b, FINDING_SCAN), 0);
	put_scan(b, "198.51.100.9", 5000); /* id 1 again */
	store_close(b);
	assert_int_equal(test_query_int(path, "SELECT max(id) FROM findings"), 1);
	put_scan(a, "198.51.100.9", 5000 + 600 + 3600); /* within the window */
	store_close(a);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM findings"), 1);
	assert_int_equal(test_query_int(path, "SELECT last_ts FROM findings"),
			 (5000 + 600 + 3600 + 600) * 1000000LL);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stored_and_read_back),
		cmocka_unit_test(listing_in_danger_order),
		cmocka_unit_test(found_by_address_indexed_or_not),
		cmocka_unit_test(migrated_from_schema_15),
		cmocka_unit_test(continued_after_another_cleared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
