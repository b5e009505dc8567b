/* testutil.h - shared helpers for the cmocka unit tests. */
#ifndef PORTLOG_TESTUTIL_H
#define PORTLOG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/store.h"

/* Tests run in UTC unless they say otherwise. */
static inline void test_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Where ../shared is (the test runner sets PORTLOG_SHARED). */
static inline const char *shared_dir(void)
{
	const char *s = getenv("PORTLOG_SHARED");
	return s && *s ? s : "../shared";
}

/* A fresh temporary directory for a test's files. */
static inline char *test_tmpdir(void)
{
	static char dir[256];
	snprintf(dir, sizeof dir, "/tmp/portlog-test-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	return dir;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Varied but reproducible test data: test_seed(N), then rnd(n) in [0, n)
 * (a 64-bit linear congruential generator; its state is this file's own). */
static inline uint64_t *test_rng_state(void)
{
	static uint64_t state;
	return &state;
}

static inline void test_seed(uint64_t seed)
{
	*test_rng_state() = seed;
}

static inline uint32_t rnd(uint32_t n)
{
	uint64_t *s = test_rng_state();
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)((*s >> 33) % n);
}

/* A file's size in bytes, -1 if it is not there. */
static inline long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* The first column of the first row sql gives on a connection of its own
 * to the database at path. */
static inline int64_t test_query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The events a database holds, read by a connection of its own. */
static inline long count_events(const char *path)
{
	return (long)test_query_int(path, "SELECT count(*) FROM events");
}

/* A store opened at path, or the test fails with store_open's message. */
static inline struct store *test_store_open(const char *path, int flags)
{
	char err[256];
	struct store *st = store_open(path, flags, err, sizeof err);
	if (!st)
		fail_msg("%s", err);
	return st;
}

static inline void rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif
