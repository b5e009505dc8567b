/* test_probe_packs.c - a bulk import's one-port probes, packed (schema 17,
 * store/probe_packs.h): read back as the same findings, listed, found by
 * address and by port in the same order as rows of findings; a key lives
 * in one place, moved to findings when it is written again; cleared with
 * the scans; a damaged pack is an error, never a crash. */
#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

#include "finding.h"
#include "store/probe_packs.h"
#include "store/store.h"
#include "finding_assert.h"

static const int64_t WINDOW = 7200 * 1000000LL;

/* A probe as the scan detector reports it (classify/scan.c): shape
 * "probe", one port or, for ICMP, none. */
static struct finding probe(const char *subject, int64_t first_s, int port)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_SCAN;
	snprintf(f.subject, sizeof f.subject, "%s", subject);
	assert_int_equal(ev_addr_parse(&f.src, subject, strlen(subject)), 0);
	f.first_us = first_s * 1000000;
	f.last_us = (first_s + 300) * 1000000;
	snprintf(f.shape, sizeof f.shape, "probe");
	if (port < 0) {
		f.proto = f.src.family == 4 ? 1 : 58;
		f.port_lo = f.port_hi = -1;
		snprintf(f.probe, sizeof f.probe, "ICMP");
		snprintf(f.signature, sizeof f.signature, "ICMP echo probing (ping)");
		snprintf(f.refs, sizeof f.refs, "-");
	} else {
		f.proto = 6;
		f.port_lo = f.port_hi = port;
		f.nports = 1;
		snprintf(f.ports, sizeof f.ports, "%d", port);
		snprintf(f.probe, sizeof f.probe, "SYN");
		snprintf(f.signature, sizeof f.signature, "MS SQL Server probe");
		snprintf(f.refs, sizeof f.refs, "CVE-2000-1209");
		snprintf(f.os, sizeof f.os, "Windows XP");
	}
	f.nhosts = 1;
	snprintf(f.hosts, sizeof f.hosts, "192.168.1.7");
	f.packets = 3;
	f.danger = 2;
	f.window_us = WINDOW;
	finding_summary(&f);
	return f;
}

struct got {
	int n;
	struct finding v[600];
};

static int collect(void *arg, const struct finding *f)
{
	struct got *g = arg;
	if (g->n < 600)
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

static int64_t packed(const char *path)
{
	return test_query_int(path, "SELECT coalesce(sum(n), 0) FROM probe_packs");
}

static int64_t rows(const char *path)
{
	return test_query_int(path, "SELECT count(*) FROM findings");
}

static int count_by_src(struct store *st, const char *addr)
{
	struct finding_filter q = { .kind = 0, .until_us = INT64_MAX, .have_src = 1 };
	assert_int_equal(ev_addr_parse(&q.src, addr, strlen(addr)), 0);
	static struct got g;
	g.n = 0;
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	return g.n;
}

static struct store *open_at(const char *path, int flags)
{
	char err[256];
	struct store *st = store_open(path, flags, err, sizeof err);
	assert_non_null(st);
	return st;
}

static void put(struct store *st, const struct finding *v, size_t n)
{
	assert_int_equal(store_findings_put(st, v, n), 0);
	assert_int_equal(store_commit(st), 0);
}

static void packed_and_read_back(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/p.db", test_tmpdir());
	struct store *st = open_at(path, STORE_BULK);
	struct finding want[] = {
		probe("203.0.113.7", 1000, 1433),
		probe("2001:db8::7", 1100, -1),
		probe("203.0.113.8", 1200, 1433),
		probe("203.0.113.9", 1300, 1433),  /* a horizontal scan below */
		probe("203.0.113.10", 1400, 1433), /* two ports below */
		probe("203.0.113.11", 1500, 1433), /* Topera below */
		probe("203.0.113.12", 1600, 80),
	};
	snprintf(want[3].shape, sizeof want[3].shape, "horizontal");
	snprintf(want[4].ports, sizeof want[4].ports, "139,1433");
	want[4].nports = 2;
	snprintf(want[5].signature, sizeof want[5].signature, "Topera IPv6 scanner");
	want[6].danger = 4;
	want[6].trw_probes = 3;
	snprintf(want[6].hosts, sizeof want[6].hosts, "192.168.1.1,192.168.1.2,...");
	want[6].nhosts = 5;
	size_t n = sizeof want / sizeof want[0];
	for (size_t i = 0; i < n; i++)
		finding_summary(&want[i]);
	put(st, want, n);
	assert_int_equal(packed(path), 4);
	assert_int_equal(rows(path), 3);
	/* one pack per danger, port, protocol and name */
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM probe_packs"), 3);

	static struct got g;
	g.n = 0;
	struct finding_filter q = { .kind = 0, .until_us = INT64_MAX };
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, (int)n);
	for (size_t i = 0; i < n; i++)
		assert_finding_equal(find(&g, &want[i]), &want[i]);
	assert_string_equal(g.v[0].subject, "203.0.113.12"); /* the most dangerous first */
	assert_int_equal(count_by_src(st, "203.0.113.7"), 1);
	assert_int_equal(count_by_src(st, "2001:db8::7"), 1);
	assert_int_equal(count_by_src(st, "203.0.113.99"), 0);
	q.kind = FINDING_OUTBREAK;
	g.n = 0;
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 0);

	/* by port, newest first across rows and packs, cut at the limit */
	g.n = 0;
	assert_int_equal(store_port_findings(st, 1433, -1, 0, INT64_MAX, 4, collect, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.v[0].subject, "203.0.113.11");
	assert_string_equal(g.v[1].subject, "203.0.113.10");
	assert_string_equal(g.v[2].subject, "203.0.113.9");
	assert_string_equal(g.v[3].subject, "203.0.113.8"); /* a probe */
	g.n = 0;
	assert_int_equal(store_port_findings_alone(st, 80, -1, 0, INT64_MAX, 10, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_finding_equal(&g.v[0], &want[6]);
	store_close(st);

	/* another connection, read-only, reads them the same */
	st = open_at(path, STORE_READONLY);
	g.n = 0;
	q.kind = FINDING_SCAN;
	q.since_us = 1350 * 1000000LL;
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, (int)n - 1); /* 203.0.113.7 ended before */
	store_close(st);
}

/* The same order as rows of findings: a reference query over findings and
 * the virtual table, on a connection of its own. */
static void listed_in_order(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/o.db", test_tmpdir());
	struct store *st = open_at(path, STORE_BULK);
	uint64_t r = 11;
	static struct finding v[400];
	for (int i = 0; i < 400; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		char subject[64]; /* one finding each: none continues another */
		if ((r >> 60) & 1)
			snprintf(subject, sizeof subject, "2001:db8::%x", i + 1);
		else
			snprintf(subject, sizeof subject, "10.0.%d.%d", i / 200, i % 200 + 1);
		v[i] = probe(subject, 1000 + (int64_t)((r >> 40) % 5000) * 60,
			     (r >> 20) % 7 == 0 ? -1 : 1433 + (int)((r >> 30) % 3));
		v[i].first_us += i; /* distinct keys */
		v[i].danger = 1 + (int)((r >> 13) % 5);
		if ((r >> 50) % 4 == 0) /* a row of findings */
			snprintf(v[i].shape, sizeof v[i].shape, "vertical");
		finding_summary(&v[i]);
	}
	/* in a few writes, as an import drains its findings */
	for (int i = 0; i < 400; i += 100)
		put(st, v + i, 100);
	assert_true(packed(path) > 250);
	assert_true(rows(path) > 50);
	assert_int_equal(packed(path) + rows(path), 400);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(probe_packs_register(db), SQLITE_OK);
	sqlite3_stmt *ref, *ref_port;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT kind, subject, first_ts FROM (SELECT kind, subject,"
					    " first_ts, last_ts, danger FROM findings UNION ALL"
					    " SELECT kind, subject, first_ts, last_ts, danger FROM probes)"
					    " WHERE (?1 = 0 OR kind = ?1) AND last_ts >= ?2 AND first_ts < ?3"
					    " ORDER BY -danger, first_ts, subject LIMIT ?4",
					    -1, &ref, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT subject, first_ts FROM (SELECT subject, first_ts,"
					    " last_ts, port_lo FROM findings UNION ALL SELECT subject,"
					    " first_ts, last_ts, port_lo FROM probes) WHERE port_lo = ?1"
					    " AND last_ts >= ?2 AND first_ts < ?3"
					    " ORDER BY last_ts DESC, first_ts DESC LIMIT ?4",
					    -1, &ref_port, NULL),
			 SQLITE_OK);
	const int64_t windows[][2] = { { 0, INT64_MAX },
				       { 2000 * 1000000LL, 200000 * 1000000LL },
				       { 100000 * 1000000LL, 100600 * 1000000LL } };
	const int limits[] = { 0, 5, 60, 500 };
	static struct got g;
	for (int kind = 0; kind <= 2; kind++)
		for (size_t w = 0; w < 3; w++)
			for (size_t l = 0; l < 4; l++) {
				struct finding_filter q = { .kind = kind, .since_us = windows[w][0],
							    .until_us = windows[w][1],
							    .limit = limits[l] };
				g.n = 0;
				assert_int_equal(store_findings(st, &q, collect, &g), 0);
				sqlite3_reset(ref);
				sqlite3_bind_int(ref, 1, kind);
				sqlite3_bind_int64(ref, 2, windows[w][0]);
				sqlite3_bind_int64(ref, 3, windows[w][1]);
				sqlite3_bind_int(ref, 4, limits[l] ? limits[l] : -1);
				int n = 0;
				while (sqlite3_step(ref) == SQLITE_ROW) {
					assert_true(n < g.n);
					assert_int_equal(g.v[n].kind, sqlite3_column_int(ref, 0));
					assert_string_equal(g.v[n].subject,
							    (const char *)sqlite3_column_text(ref, 1));
					assert_int_equal(g.v[n].first_us, sqlite3_column_int64(ref, 2));
					n++;
				}
				assert_int_equal(n, g.n);
				/* and a port's, with the same bounds */
				int port = 1433 + (int)(w + l) % 3;
				g.n = 0;
				assert_int_equal(store_port_findings_alone(st, port, -1, windows[w][0],
									   windows[w][1], limits[l],
									   collect, &g),
						 0);
				sqlite3_reset(ref_port);
				sqlite3_bind_int(ref_port, 1, port);
				sqlite3_bind_int64(ref_port, 2, windows[w][0]);
				sqlite3_bind_int64(ref_port, 3, windows[w][1]);
				sqlite3_bind_int(ref_port, 4, limits[l] ? limits[l] : -1);
				n = 0;
				while (sqlite3_step(ref_port) == SQLITE_ROW) {
					assert_true(n < g.n);
					/* last_ts ties between rows and probes: compared as sets */
					int found = 0;
					for (int k = 0; k < g.n && !found; k++)
						found = !strcmp(g.v[k].subject, (const char *)
								sqlite3_column_text(ref_port, 0)) &&
							g.v[k].first_us ==
								sqlite3_column_int64(ref_port, 1);
					assert_true(found);
					n++;
				}
				assert_int_equal(n, g.n);
			}
	/* each by its address */
	for (int i = 0; i < 400; i += 37) {
		struct finding_filter q = { .kind = 0, .until_us = INT64_MAX, .have_src = 1,
					    .src = v[i].src };
		g.n = 0;
		assert_int_equal(store_findings(st, &q, collect, &g), 0);
		assert_int_equal(g.n, 1);
		assert_finding_equal(&g.v[0], &v[i]);
	}
	/* deleted across packs, each once: the others stay, rowids unchanged */
	int64_t before = packed(path);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM probes WHERE danger IN (1, 3)", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	int gone = 0;
	for (int i = 0; i < 400; i++)
		gone += !strcmp(v[i].shape, "probe") && (v[i].danger == 1 || v[i].danger == 3);
	assert_true(gone > 50);
	assert_int_equal(packed(path), before - gone);
	struct finding_filter all = { .kind = 0, .until_us = INT64_MAX };
	g.n = 0;
	assert_int_equal(store_findings(st, &all, collect, &g), 0);
	assert_int_equal(g.n, 400 - gone);
	for (int i = 0; i < 400; i++) {
		const struct finding *k = find(&g, &v[i]);
		if (!strcmp(v[i].shape, "probe") && (v[i].danger == 1 || v[i].danger == 3))
			assert_null(k);
		else
			assert_finding_equal(k, &v[i]);
	}
	/* SQL does not write probes: the store does */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO probes(kind) VALUES(1)", NULL, NULL,
					  NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE probes SET danger = 5", NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_finalize(ref);
	sqlite3_finalize(ref_port);
	sqlite3_close(db);
	store_close(st);
}

/* A packed probe written again (serve, or the next import, telling the same
 * scan) moves to findings: one finding, never two. */
static void told_again_moves(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/m.db", test_tmpdir());
	struct store *st = open_at(path, STORE_BULK);
	struct finding f[] = { probe("198.51.100.5", 1000, 1433), probe("198.51.100.6", 1000, 1433) };
	put(st, f, 2);
	store_close(st);
	assert_int_equal(packed(path), 2);

	st = open_at(path, 0);
	struct finding grown = f[0];
	snprintf(grown.shape, sizeof grown.shape, "vertical");
	snprintf(grown.ports, sizeof grown.ports, "1433-1434");
	grown.nports = 2;
	grown.port_hi = 1434;
	grown.last_us += 60 * 1000000LL;
	finding_summary(&grown);
	put(st, &grown, 1);
	assert_int_equal(packed(path), 1);
	assert_int_equal(rows(path), 1);
	put(st, &f[0], 1); /* told as a probe again: stays where it is */
	assert_int_equal(packed(path), 1);
	assert_int_equal(rows(path), 1);
	static struct got g;
	g.n = 0;
	struct finding_filter q = { .kind = 0, .until_us = INT64_MAX };
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_finding_equal(find(&g, &f[0]), &f[0]);
	assert_finding_equal(find(&g, &f[1]), &f[1]);
	/* the pack keeps its other probe; deleting it twice changes nothing */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(probe_packs_register(db), SQLITE_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(sqlite3_exec(db, "DELETE FROM probes WHERE subject = '198.51.100.6'",
					      NULL, NULL, NULL),
				 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(packed(path), 0);
	assert_int_equal(test_query_int(path, "SELECT count(*) FROM probe_packs"), 1);
	assert_int_equal(count_by_src(st, "198.51.100.6"), 0);
	assert_int_equal(count_by_src(st, "198.51.100.5"), 1);
	store_close(st);

	/* serve writes rows; a re-run of the detectors on the same connection
	 * (store_findings_batch) packs, and after it rows again */
	snprintf(path, sizeof path, "%s/s.db", test_tmpdir());
	st = open_at(path, 0);
	put(st, f, 2);
	assert_int_equal(packed(path), 0);
	assert_int_equal(rows(path), 2);
	assert_int_equal(store_findings_clear(st), 0);
	store_findings_batch(st, 1);
	put(st, f, 2);
	store_findings_batch(st, 0);
	assert_int_equal(packed(path), 2);
	assert_int_equal(rows(path), 0);
	struct finding later = probe("198.51.100.7", 9000, 1433);
	put(st, &later, 1);
	assert_int_equal(packed(path), 2);
	assert_int_equal(rows(path), 1);
	store_close(st);
}

/* A probe split across two imports is one finding: the second part,
 * within the first's window, is merged into the packed first part. */
static void continued_by_next_import(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/c.db", test_tmpdir());
	struct finding first = probe("198.51.100.5", 1000, 1433);
	struct finding second = probe("198.51.100.5", 1000 + 3600, 1433);
	second.packets = 2;
	for (int i = 0; i < 2; i++) {
		struct store *st = open_at(path, STORE_BULK);
		put(st, i ? &second : &first, 1);
		store_close(st);
	}
	assert_int_equal(packed(path), 0);
	assert_int_equal(rows(path), 1);
	struct store *st = open_at(path, STORE_READONLY);
	static struct got g;
	g.n = 0;
	struct finding_filter q = { .kind = 0, .until_us = INT64_MAX };
	assert_int_equal(store_findings(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].first_us, first.first_us);
	assert_int_equal(g.v[0].last_us, second.last_us);
	assert_int_equal(g.v[0].packets, first.packets + second.packets);
	store_close(st);
}

static void cleared_with_scans(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/x.db", test_tmpdir());
	struct store *st = open_at(path, STORE_BULK);
	struct finding f[] = { probe("198.51.100.5", 1000, 1433), probe("198.51.100.6", 1000, -1) };
	put(st, f, 2);
	assert_int_equal(store_findings_clear_kind(st, FINDING_INFECTED), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(packed(path), 2);
	assert_int_equal(store_findings_clear_kind(st, FINDING_SCAN), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(packed(path), 0);
	assert_int_equal(count_by_src(st, "198.51.100.5"), 0);
	put(st, f, 2);
	assert_int_equal(count_by_src(st, "198.51.100.5"), 1);
	assert_int_equal(store_findings_clear(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(packed(path), 0);
	assert_int_equal(count_by_src(st, "198.51.100.6"), 0);
	store_close(st);
}

/* A pack cut short, or with bytes changed, is reported: a listing fails
 * (or reads fewer), never reads past the blob (ASan watches). */
static void damaged_pack(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/d.db", test_tmpdir());
	struct store *st = open_at(path, STORE_BULK);
	struct finding f[] = { probe("198.51.100.5", 1000, 1433), probe("2001:db8::9", 1000, 1433) };
	put(st, f, 2);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM probe_packs", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int n = sqlite3_column_bytes(s, 0);
	static uint8_t good[4096];
	assert_true(n > 20 && n < (int)sizeof good);
	memcpy(good, sqlite3_column_blob(s, 0), (size_t)n);
	sqlite3_finalize(s);
	int failed = 0;
	for (int cut = 0; cut <= n + 1; cut++) {
		uint8_t bad[4096];
		memcpy(bad, good, (size_t)n);
		int len = cut <= n ? cut : n;
		if (cut == n + 1)
			bad[0] = 0x80; /* unknown flags */
		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE probe_packs SET data = ?1, bloom = ?2",
						    -1, &s, NULL),
				 SQLITE_OK);
		/* exactly len bytes, in a blob of its own */
		uint8_t *exact = malloc(len ? (size_t)len : 1);
		memcpy(exact, bad, (size_t)len);
		sqlite3_bind_blob(s, 1, exact, len, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 2, exact, len > 3 ? 3 : len, SQLITE_TRANSIENT); /* damaged too */
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		free(exact);
		st = open_at(path, STORE_READONLY);
		static struct got g;
		g.n = 0;
		struct finding_filter q = { .kind = 0, .until_us = INT64_MAX };
		int rc = store_findings(st, &q, collect, &g);
		if (rc)
			failed++;
		else
			assert_true(g.n <= 2);
		g.n = 0;
		q.have_src = 1;
		q.src = f[1].src;
		rc = store_findings(st, &q, collect, &g); /* a damaged filter says "maybe" */
		assert_true(rc != 0 || g.n <= 1);
		store_close(st);
	}
	assert_true(failed > n / 2);
	sqlite3_close(db);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packed_and_read_back),
		cmocka_unit_test(listed_in_order),
		cmocka_unit_test(told_again_moves),
		cmocka_unit_test(continued_by_next_import),
		cmocka_unit_test(cleared_with_scans),
		cmocka_unit_test(damaged_pack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
