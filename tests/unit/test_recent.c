/* test_recent.c - the sketch of findings written lately (store/recent_findings.c)
 * and the filter of stored subjects (store/subject_filter.c). */
#include "testutil.h"

#include <stdio.h>

#include "store/recent_findings.h"
#include "store/subject_filter.h"

static const int64_t HOUR = 3600000000LL;

static void remembers_the_latest_end(void **state)
{
	(void)state;
	struct recent_findings *r = recent_findings_new();
	assert_non_null(r);
	assert_true(recent_findings_latest(r, 1, "203.0.113.7") == INT64_MIN);
	recent_findings_note(r, 1, "203.0.113.7", 5 * HOUR);
	recent_findings_note(r, 1, "203.0.113.7", 4 * HOUR);
	assert_true(recent_findings_latest(r, 1, "203.0.113.7") == 5 * HOUR); /* the later end stays */
	/* kinds are apart */
	assert_true(recent_findings_latest(r, 2, "203.0.113.7") == INT64_MIN);
	/* a fraction of a second rounds up, never down */
	recent_findings_note(r, 3, "198.51.100.1", 5 * HOUR + 1);
	assert_true(recent_findings_latest(r, 3, "198.51.100.1") == 5 * HOUR + 1000000);
	/* before 1970 and after 2106 still bound the truth */
	recent_findings_note(r, 3, "198.51.100.2", -HOUR);
	assert_true(recent_findings_latest(r, 3, "198.51.100.2") >= -HOUR);
	recent_findings_note(r, 3, "198.51.100.3", INT64_MAX / 2);
	assert_true(recent_findings_latest(r, 3, "198.51.100.3") >= INT64_MAX / 2);
	recent_findings_free(r);
}

/* A year of findings, one a minute from 300,000 subjects: no subject's
 * bound is ever before its own latest end, and a subject never noted
 * seldom looks as if it had ended within the last day (a lookup for
 * nothing, not a miss). */
static void bounds_many_subjects(void **state)
{
	(void)state;
	struct recent_findings *r = recent_findings_new();
	assert_non_null(r);
	char subject[64];
	enum { N = 300000 };
	const int64_t MINUTE = 60000000;
	for (int i = 0; i < N; i++) {
		snprintf(subject, sizeof subject, "10.%d.%d.%d", i / 65536, i / 256 % 256, i % 256);
		recent_findings_note(r, 1, subject, (int64_t)i * MINUTE);
	}
	for (int i = 0; i < N; i++) {
		snprintf(subject, sizeof subject, "10.%d.%d.%d", i / 65536, i / 256 % 256, i % 256);
		assert_true(recent_findings_latest(r, 1, subject) >= (int64_t)i * MINUTE);
	}
	int looks_recent = 0;
	const int64_t day_ago = (int64_t)N * MINUTE - 24 * HOUR;
	for (int i = 0; i < 100000; i++) {
		snprintf(subject, sizeof subject, "172.16.%d.%d", i / 256, i % 256);
		looks_recent += recent_findings_latest(r, 1, subject) >= day_ago;
	}
	assert_true(looks_recent < 1000); /* under 1% */
	recent_findings_free(r);
}

static void subject_filter_has_no_false_negatives(void **state)
{
	(void)state;
	struct subject_filter *f = subject_filter_new(10000);
	assert_non_null(f);
	char subject[64];
	for (int i = 0; i < 10000; i++) {
		snprintf(subject, sizeof subject, "192.0.2.%d %d/tcp", i % 256, i);
		subject_filter_add(f, 2, subject);
	}
	int false_hits = 0;
	for (int i = 0; i < 10000; i++) {
		snprintf(subject, sizeof subject, "192.0.2.%d %d/tcp", i % 256, i);
		assert_int_equal(subject_filter_maybe(f, 2, subject), 1);
		false_hits += subject_filter_maybe(f, 1, subject); /* another kind */
		snprintf(subject, sizeof subject, "198.51.100.%d", i);
		false_hits += subject_filter_maybe(f, 2, subject);
	}
	assert_true(false_hits < 200); /* about 1% of 20,000 at most */
	subject_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remembers_the_latest_end),
		cmocka_unit_test(bounds_many_subjects),
		cmocka_unit_test(subject_filter_has_no_false_negatives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
