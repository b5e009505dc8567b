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

static inline void rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif
