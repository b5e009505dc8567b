/* test_checkpointer.c - the bulk store's WAL copier (store/checkpointer.c)
 * where it cannot start, and beside another writer and a long reader: the
 * store falls back to SQLite's own checkpoints, never waits forever, and the
 * WAL starts over once the reader has gone. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "event.h"
#include "store/checkpointer.h"
#include "store/sqlite_priv.h"
#include "store/store.h"

static void add_events(struct store *st, int64_t *k, int n)
{
	struct event ev;
	for (int i = 0; i < n; i++, (*k)++) {
		event_clear(&ev);
		ev.ts_us = (1704067200LL + *k) * 1000000;
		ev.has = EV_HAS_TS | EV_HAS_PROTO | EV_HAS_DPORT;
		ev.action = 1;
		ev.proto = EV_PROTO_TCP;
		ev.dport = (uint16_t)(1 + *k % 1000);
		ev.src.family = 4;
		ev.src.bytes[0] = 10;
		ev.src.bytes[3] = (uint8_t)*k;
		assert_int_equal(store_add(st, &ev, "netfilter"), 0);
	}
}

/* What the connection's WAL hook is: SQLite's own checkpoint every N pages
 * answers N, a hook of our own (the checkpointer's) 0. */
static int autocheckpoint(struct store *st)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(st->db, "PRAGMA wal_autocheckpoint", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Failing to start frees what it took (the sanitizer build finds leaks) and
 * says why. */
static void start_fails_cleanly(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[300], err[256] = "";
	snprintf(path, sizeof path, "%s/missing/x.db", dir);
	assert_null(checkpointer_start(path, err, sizeof err));
	assert_true(err[0] != 0);
	snprintf(path, sizeof path, "%s/text.db", dir);
	write_file(path, "this is no database, but long enough to have a header of one.......\n"
			 "...............................................................\n");
	err[0] = 0;
	assert_null(checkpointer_start(path, err, sizeof err));
	assert_non_null(strstr(err, "not a database"));
	checkpointer_stop(NULL);
	rm_rf(dir);
}

/* No file descriptor left for the checkpointer's connection: the bulk store
 * opens all the same, keeps SQLite's own checkpoints, stores, and leaves no
 * WAL at close.  With descriptors enough it has the checkpointer instead. */
static void falls_back_without_checkpointer(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[300], wal[310], err[256];
	snprintf(path, sizeof path, "%s/f.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	struct store *st = store_open(path, 0, err, sizeof err);
	assert_non_null(st);
	store_close(st);

	st = store_open(path, STORE_BULK, err, sizeof err);
	assert_non_null(st);
	assert_non_null(st->ckpt);
	assert_int_equal(autocheckpoint(st), 0);
	store_close(st);

	int lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	struct rlimit was, lim;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	st = NULL;
	/* the fewest descriptors the store opens with: its own connection's
	 * files, none left for the checkpointer's */
	for (int extra = 0; extra < 12 && !st; extra++) {
		lim = was;
		lim.rlim_cur = (rlim_t)(lowest + extra);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
		st = store_open(path, STORE_BULK, err, sizeof err);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	}
	assert_non_null(st);
	assert_null(st->ckpt);
	assert_int_equal(autocheckpoint(st), 8192);
	int64_t k = 0;
	for (int c = 0; c < 5; c++) {
		add_events(st, &k, 300);
		assert_int_equal(store_commit(st), 0);
		assert_int_equal(count_events(path), k);
	}
	store_close(st);
	assert_true(file_size(wal) <= 0);
	assert_int_equal(count_events(path), k);
	rm_rf(dir);
}

/* Beside another writer (serve's connection) and a reader that holds its
 * snapshot across commits: the bulk store's waits end (a PASSIVE copy stops
 * where the reader is), the WAL grows past the restart mark meanwhile, and
 * starts over once the reader is gone. */
static void beside_writer_and_reader(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[300], wal[310], err[256];
	snprintf(path, sizeof path, "%s/b.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	setenv("PORTLOG_WAL_RESTART_FRAMES", "16", 1);
	struct store *bulk = store_open(path, STORE_BULK, err, sizeof err);
	unsetenv("PORTLOG_WAL_RESTART_FRAMES");
	assert_non_null(bulk);
	assert_non_null(bulk->ckpt);
	struct store *other = store_open(path, 0, err, sizeof err);
	assert_non_null(other);
	int64_t k = 0;
	add_events(bulk, &k, 500);
	assert_int_equal(store_commit(bulk), 0);

	sqlite3 *rd;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &rd, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(rd, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(rd, "SELECT count(*) FROM events", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	long seen = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (int c = 0; c < 20; c++) {
		add_events(bulk, &k, 500);
		assert_int_equal(store_commit(bulk), 0);
		add_events(other, &k, 20);
		assert_int_equal(store_commit(other), 0);
	}
	int held = bulk->wal_frames;
	assert_true(held > 4 * bulk->wal_restart_frames);
	sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(rd);
	assert_int_equal(seen, 500);

	int least = held;
	for (int c = 0; c < 3; c++) {
		add_events(bulk, &k, 500);
		assert_int_equal(store_commit(bulk), 0);
		if (bulk->wal_frames < least)
			least = bulk->wal_frames;
	}
	/* started over: a commit's frames and the restart mark's at most */
	assert_true(least * 4 < held);
	/* Readers that come and go (serve's dashboard, a report): a copy run
	 * while one read stops at its snapshot.  The next transaction, begun
	 * once it has gone, must wait for a copy begun after that, or the WAL
	 * does not start over -- nor ever, while a reader overlaps each copy
	 * (a writer's commit during a copy is the same: frames it cannot see). */
	int most = 0;
	for (int c = 0; c < 8; c++) {
		assert_int_equal(sqlite3_open_v2(path, &rd, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM events", NULL, NULL,
					      NULL),
				 SQLITE_OK);
		add_events(bulk, &k, 500);
		assert_int_equal(store_commit(bulk), 0);
		checkpointer_wait(bulk->ckpt); /* copied as far as the reader's snapshot */
		sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(rd);
		add_events(bulk, &k, 500); /* no reader now: the WAL starts over */
		assert_int_equal(store_commit(bulk), 0);
		if (bulk->wal_frames > most)
			most = bulk->wal_frames;
		add_events(other, &k, 20);
		assert_int_equal(store_commit(other), 0);
	}
	assert_true(most < 3 * least + bulk->wal_restart_frames);
	assert_int_equal(count_events(path), k);
	store_close(other);
	store_close(bulk);
	assert_true(file_size(wal) <= 0);
	assert_int_equal(count_events(path), k);
	rm_rf(dir);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_fails_cleanly),
		cmocka_unit_test(falls_back_without_checkpointer),
		cmocka_unit_test(beside_writer_and_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
