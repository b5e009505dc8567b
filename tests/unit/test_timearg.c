/* test_timearg.c - the times people type after --since and --until, and
 * the dashboard's since/until arguments (util/timearg.c): every form the
 * help names, and times outside 1970 through 9999 refused -- before, one an
 * int64_t of microseconds could not hold wrapped, and ones it could still
 * overflowed the store's hour and event-id arithmetic (found by
 * fuzz/fuzz_args.c and then `report`/`events` under UBSan). */
#include "testutil.h"

#include "util/timearg.h"

static const int64_t NOW = 1735689600LL * 1000000; /* 2025-01-01T00:00:00Z */

static int64_t parsed(const char *s)
{
	int64_t us = 0;
	if (timearg_parse(s, NOW, &us))
		fail_msg("'%s' refused", s);
	return us;
}

static void refused(const char *s)
{
	int64_t us = 12345;
	if (timearg_parse(s, NOW, &us) == 0)
		fail_msg("'%s' accepted as %lld", s, (long long)us);
}

static void every_form(void **state)
{
	(void)state;
	assert_int_equal(parsed("now"), NOW);
	assert_int_equal(parsed("90s"), NOW - 90 * 1000000LL);
	assert_int_equal(parsed("30m"), NOW - 1800 * 1000000LL);
	assert_int_equal(parsed("12h"), NOW - 43200 * 1000000LL);
	assert_int_equal(parsed("7d"), NOW - 7 * 86400 * 1000000LL);
	assert_int_equal(parsed("2w"), NOW - 14 * 86400 * 1000000LL);
	assert_int_equal(parsed("2024-05-01"), 1714521600LL * 1000000);
	assert_int_equal(parsed("2024-05-01T12:00"), (1714521600LL + 43200) * 1000000);
	assert_int_equal(parsed("2024-05-01 12:00:30"), (1714521600LL + 43230) * 1000000);
	assert_int_equal(parsed("2024-05-01T12:00:00+02:00"), (1714521600LL + 36000) * 1000000);
	assert_int_equal(parsed("@1714564800"), 1714564800LL * 1000000);
	refused("");
	refused("yesterday");
	refused("7y");
	refused("@");
	refused("@12x");
	refused("2024-13-01");
}

static void outside_1970_to_9999_refused(void **state)
{
	(void)state;
	assert_int_equal(parsed("@0"), 0);
	refused("@-1");
	refused("@-86400");
	assert_int_equal(parsed("@253402300799"), 253402300799LL * 1000000); /* 9999-12-31T23:59:59 */
	refused("@253402300800");
	assert_int_equal(parsed("9999-12-31T23:59:59"), 253402300799LL * 1000000);
	assert_int_equal(parsed("1970-01-01"), 0);
	refused("1969-12-31");
	refused("0001-01-01");
	/* past what an int64_t of microseconds holds, both ways, and past long long */
	refused("@9223372036855");
	refused("@-9223372036855");
	refused("@5555555555555555555555");
	/* relative: 2000 weeks back is 1986; 20000 is before 1970; ten digits of
	 * weeks is 190,000 centuries */
	assert_int_equal(parsed("2000w"), NOW - 2000 * 7 * 86400 * 1000000LL);
	refused("20000w");
	refused("9999999999w");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_form),
		cmocka_unit_test(outside_1970_to_9999_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
