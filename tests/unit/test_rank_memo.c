/* test_rank_memo.c - ranking the busiest sources with the sums of whole past
 * days kept between rankings (rank_memo.h): every answer equals the same
 * question asked of raw events, asked again after a live stream's events
 * and after events written to an old hour, also when that hour's rows come
 * back with the same count and ids (a compaction), which only meta
 * rollup_past_gen tells. */
#include "testutil.h"

#include <limits.h>
#include <sqlite3.h>
#include <string.h>

#include "event.h"
#include "store/store.h"

enum { DAYS = 12 };
static const int64_t HOUR_US = 3600LL * 1000000;
static const int64_t T0 = 1709251200LL * 1000000; /* 2024-03-01 00:00 UTC */

/* An inbound (mostly) event from one of 300 sources, at ts_us. */
static void make_event(struct event *ev, int64_t ts_us, uint8_t src_last, uint8_t src_third)
{
	event_clear(ev);
	ev->ts_us = ts_us;
	ev->has = EV_HAS_TS | EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT;
	ev->action = EV_ACTION_BLOCKED;
	ev->direction = rnd(8) ? EV_DIR_INBOUND : EV_DIR_OUTBOUND;
	ev->src.family = ev->dst.family = 4;
	ev->src.bytes[0] = 203;
	ev->src.bytes[2] = src_third;
	ev->src.bytes[3] = src_last;
	ev->dst.bytes[0] = 192;
	ev->dst.bytes[1] = 168;
	ev->dst.bytes[3] = (uint8_t)rnd(5);
	ev->proto = EV_PROTO_TCP;
	ev->dport = (uint16_t)(20 + rnd(40));
	ev->sport = (uint16_t)(1024 + rnd(60000));
	ev->rule = (struct ev_str){ "DROP", 4 };
}

static void add(struct store *st, int64_t ts_us, uint8_t src_last, uint8_t src_third)
{
	struct event ev;
	make_event(&ev, ts_us, src_last, src_third);
	assert_int_equal(store_add(st, &ev, "test"), 0);
}

/* The top 10 inbound sources of [since, until) from store_rank and from raw events agree. */
static void check_top(struct store *st, sqlite3 *db, int64_t since, int64_t until)
{
	struct rank_row rows[10];
	int n = 0;
	assert_int_equal(store_rank(st, RANK_SOURCE, since, until, EV_DIR_INBOUND, 10, rows, &n), 0);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT src, count(*), count(DISTINCT coalesce(dport,-1))"
					    " FROM events WHERE src IS NOT NULL AND direction=1"
					    " AND ts>=?1 AND ts<?2 GROUP BY src ORDER BY 2 DESC, src"
					    " LIMIT 10",
					    -1, &s, NULL),
			 SQLITE_OK);
	/* store_rank counts whole hours */
	sqlite3_bind_int64(s, 1, since / HOUR_US * HOUR_US);
	sqlite3_bind_int64(s, 2, (until + HOUR_US - 1) / HOUR_US * HOUR_US);
	int i = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(i < n);
		assert_int_equal(rows[i].count, sqlite3_column_int64(s, 1));
		assert_int_equal(rows[i].extra, sqlite3_column_int64(s, 2));
		struct ev_addr a = { .family = 4 };
		memcpy(a.bytes, sqlite3_column_blob(s, 0), 4);
		char key[64];
		ev_addr_str(&a, key, sizeof key);
		assert_string_equal(rows[i].key, key);
		i++;
	}
	sqlite3_finalize(s);
	assert_int_equal(i, n);
	assert_int_equal(n, 10);
}

static void kept_sums_follow_every_write(void **state)
{
	(void)state;
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/memo.db", test_tmpdir());
	struct store *w = store_open(path, 0, err, sizeof err);
	assert_non_null(w);
	for (int h = 0; h < DAYS * 24; h++) {
		for (int i = 0; i < 40; i++)
			add(w, T0 + h * HOUR_US + i * 60000000LL, (uint8_t)rnd(150), (uint8_t)rnd(2));
		if (h % 24 == 23)
			assert_int_equal(store_commit(w), 0);
	}
	assert_int_equal(store_commit(w), 0);
	int64_t until = T0 + DAYS * 24 * HOUR_US - 30 * 60000000LL; /* the last hour's middle */
	int64_t since = until - 8 * 24 * HOUR_US;
	/* a live stream: its newest hour */
	for (int i = 0; i < 30; i++)
		add(w, until - 60000000LL + i, 9, 9);
	assert_int_equal(store_commit(w), 0);
	/* an old hour written again: it is compacted to one row, the newest id */
	int64_t old = T0 + (DAYS - 5) * 24 * HOUR_US + 7 * HOUR_US;
	add(w, old + 1000000, 1, 1);
	assert_int_equal(store_commit(w), 0);

	struct store *r = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(r);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	check_top(r, db, since, until); /* kept */
	check_top(r, db, since, until); /* from what was kept */

	/* the old hour again, enough events to be the busiest source: the
	 * hour's rows come back as one row with the same id, so only
	 * rollup_past_gen says the kept sums are stale */
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*), sum(id) FROM rollup_time WHERE hour=?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, old / HOUR_US);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t rows0 = sqlite3_column_int64(s, 0), ids0 = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	for (int i = 0; i < 500; i++)
		add(w, old + 2000000 + i, 77, 7);
	assert_int_equal(store_commit(w), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), rows0);
	assert_int_equal(sqlite3_column_int64(s, 1), ids0);
	sqlite3_finalize(s);
	check_top(r, db, since, until);

	/* the live stream goes on: the kept sums hold, the new hour is read */
	for (int i = 0; i < 60; i++)
		add(w, until - 30000000LL + i, 9, 9);
	assert_int_equal(store_commit(w), 0);
	check_top(r, db, since, until);

	/* another process's store handle sees the same */
	struct store *r2 = store_open(path, STORE_READONLY, err, sizeof err);
	assert_non_null(r2);
	check_top(r2, db, since, until);
	check_top(r2, db, since - 24 * HOUR_US, until - 24 * HOUR_US);
	store_close(r2);
	sqlite3_close(db);
	store_close(r);
	store_close(w);
}

int main(void)
{
	test_seed(7);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_sums_follow_every_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
