/* test_recent.c - the map of findings written lately (store/recent_findings.c)
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
	int64_t last = 0;
	assert_int_equal(recent_findings_last(r, 1, "203.0.113.7", &last), 0);
	assert_true(recent_findings_horizon(r) == INT64_MIN);
	assert_int_equal(recent_findings_note(r, 1, "203.0.113.7", 5 * HOUR, 2 * HOUR), 0);
	assert_int_equal(recent_findings_note(r, 1, "203.0.113.7", 4 * HOUR, 2 * HOUR), 0);
	assert_int_equal(recent_findings_last(r, 1, "203.0.113.7", &last), 1);
	assert_true(last == 5 * HOUR); /* the later end stays */
	/* kinds are apart */
	assert_int_equal(recent_findings_last(r, 2, "203.0.113.7", &last), 0);
	recent_findings_free(r);
}

/* Many findings over a long time: the old ones go, the horizon says from
 * when on the map is complete, and everything after it is still there. */
static void drops_old_ends_behind_a_horizon(void **state)
{
	(void)state;
	struct recent_findings *r = recent_findings_new();
	assert_non_null(r);
	char subject[64];
	enum { N = 20000 };
	for (int i = 0; i < N; i++) {
		snprintf(subject, sizeof subject, "10.0.%d.%d", i / 250, i % 250);
		/* one finding a minute */
		assert_int_equal(recent_findings_note(r, 1, subject, (int64_t)i * 60000000,
						      2 * HOUR), 0);
	}
	int64_t horizon = recent_findings_horizon(r);
	assert_true(horizon > 0); /* something was dropped */
	assert_true(horizon <= (int64_t)(N - 1) * 60000000 - 2 * HOUR);
	int64_t last;
	for (int i = 0; i < N; i++) {
		snprintf(subject, sizeof subject, "10.0.%d.%d", i / 250, i % 250);
		int64_t end = (int64_t)i * 60000000;
		if (end >= horizon) { /* complete from the horizon on */
			assert_int_equal(recent_findings_last(r, 1, subject, &last), 1);
			assert_true(last == end);
		}
	}
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
		cmocka_unit_test(drops_old_ends_behind_a_horizon),
		cmocka_unit_test(subject_filter_has_no_false_negatives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
