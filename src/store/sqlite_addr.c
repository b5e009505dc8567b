/* sqlite_addr.c - the hours that may hold one address.
 *
 * Events are clustered by time and have no index by address; each hour's
 * Bloom filter of addresses (rollup_bloom, addr_bloom.h) says which
 * hours may hold one.  Their id ranges go into a temporary table, and the
 * per-address questions (sqlite_findings.c, sqlite_query.c) join events to
 * it, so they read those hours instead of every event. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr_bloom.h"
#include "sqlite_addr.h"
#include "sqlite_priv.h"

static int64_t hour_id(int64_t hour)
{
	return hour * 3600 * (1LL << EVENT_ID_BITS);
}

sqlite3_stmt *addr_hours_begin(struct store *st)
{
	/* the table is refilled: the cache of addr_hours no longer describes it */
	st->hours_addr.family = 0;
	/* The temporary database is writable on a read-only connection too. */
	sqlite3_stmt *ins = NULL;
	if (sqlite3_exec(st->db,
			 "CREATE TEMP TABLE IF NOT EXISTS addr_hours(lo INTEGER PRIMARY KEY,"
			 " hi INTEGER NOT NULL); DELETE FROM temp.addr_hours;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "INSERT INTO temp.addr_hours(lo, hi) VALUES(?1, ?2)", -1,
			       &ins, NULL) != SQLITE_OK) {
		sqlite_fail(st, "preparing an address's hours");
		return NULL;
	}
	return ins;
}

int addr_hours_put(sqlite3_stmt *ins, int64_t lo, int64_t hi)
{
	sqlite3_bind_int64(ins, 1, hour_id(lo));
	sqlite3_bind_int64(ins, 2, hour_id(hi));
	int rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

int addr_hours(struct store *st, const struct ev_addr *a, int64_t h0, int64_t h1)
{
	/* A page asks several questions of one address: find its hours once.
	 * Kept as the answers are (store_answer_version): under the data
	 * version, on a reader's connection only (-1 on any other). */
	int64_t version = store_answer_version(st);
	if (version >= 0 && version == st->hours_version && st->hours_addr.family &&
	    st->hours_addr.family == a->family && h0 == st->hours_h0 && h1 == st->hours_h1 &&
	    !memcmp(st->hours_addr.bytes, a->bytes, 16))
		return st->hours_ranges;
	sqlite3_stmt *q = NULL, *ins = addr_hours_begin(st);
	if (!ins)
		return -1;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT hour, bloom FROM rollup_bloom WHERE hour>=?1 AND hour<?2"
			       " ORDER BY hour",
			       -1, &q, NULL) != SQLITE_OK) {
		sqlite3_finalize(ins);
		return sqlite_fail(st, "preparing an address's hours");
	}
	sqlite3_bind_int64(q, 1, h0);
	sqlite3_bind_int64(q, 2, h1);
	uint64_t h = abloom_hash(a);
	int64_t run_lo = 0, run_hi = -1; /* the run of candidate hours being built */
	int rc, ranges = 0, bad = 0;
	while (!bad && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t hour = sqlite3_column_int64(q, 0);
		if (hour <= run_hi)
			continue; /* another part of an hour already taken */
		int maybe = abloom_test(sqlite3_column_blob(q, 1),
					(size_t)sqlite3_column_bytes(q, 1), h);
		if (!maybe)
			continue;
		if (hour == run_hi + 1 && run_hi >= run_lo) {
			run_hi = hour;
			continue;
		}
		if (run_hi >= run_lo) {
			bad = addr_hours_put(ins, run_lo, run_hi + 1);
			ranges++;
		}
		run_lo = run_hi = hour;
	}
	if (!bad && run_hi >= run_lo) {
		bad = addr_hours_put(ins, run_lo, run_hi + 1);
		ranges++;
	}
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	if (bad || (rc != SQLITE_DONE && rc != SQLITE_ROW))
		return sqlite_fail(st, "finding an address's hours");
	st->hours_addr = *a;
	st->hours_h0 = h0;
	st->hours_h1 = h1;
	st->hours_version = version;
	st->hours_ranges = ranges;
	return ranges;
}
