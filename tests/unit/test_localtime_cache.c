/* test_localtime_cache.c - parse_local_to_utc keeps the UTC start of the
 * last eight local hours it converted (parse_ctx): whatever order hours come
 * in, across daylight-saving changes, each answer equals a conversion with
 * an empty cache.  Twelve hours in a shuffled, repeating order exercise hits
 * on the previous slot, hits elsewhere, and replacement. */
#include "testutil.h"

#include "parse/parse.h"

struct when {
	int y, mo, d, h;
};

static int64_t uncached(const struct when *w, int mi, int s)
{
	struct parse_ctx fresh;
	parse_ctx_init(&fresh, 2024, 0);
	return parse_local_to_utc(&fresh, w->y, w->mo, w->d, w->h, mi, s);
}

static void check_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
	/* around both changes of 2024 in Europe and the US, and ordinary hours */
	static const struct when hours[] = {
		{ 2024, 3, 31, 1 },  { 2024, 3, 31, 3 },  { 2024, 3, 10, 1 },   { 2024, 3, 10, 3 },
		{ 2024, 10, 27, 1 }, { 2024, 10, 27, 3 }, { 2024, 11, 3, 0 },   { 2024, 11, 3, 2 },
		{ 2024, 6, 1, 12 },  { 2023, 6, 1, 12 },  { 2024, 12, 31, 23 }, { 2025, 1, 1, 0 },
	};
	const int n = (int)(sizeof hours / sizeof hours[0]);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	unsigned seed = 7;
	for (int i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		/* mostly a few neighbours, sometimes any of the twelve */
		int k = (int)((seed >> 16) % 8 < 6 ? (seed >> 20) % 3 : (seed >> 20) % (unsigned)n);
		int mi = (int)((seed >> 8) % 60), s = (int)((seed >> 4) % 60);
		int64_t got = parse_local_to_utc(&ctx, hours[k].y, hours[k].mo, hours[k].d, hours[k].h,
						 mi, s);
		int64_t want = uncached(&hours[k], mi, s);
		if (got != want)
			fail_msg("%s: %d-%02d-%02d %02d:%02d:%02d step %d: %lld, want %lld", tz, hours[k].y,
				 hours[k].mo, hours[k].d, hours[k].h, mi, s, i, (long long)got,
				 (long long)want);
	}
}

static void cache_agrees_with_mktime(void **state)
{
	(void)state;
	check_zone("Europe/Berlin");
	check_zone("America/New_York");
	check_zone("UTC");
	/* and the zone really matters, or the test would prove nothing */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	struct when summer = { 2024, 6, 1, 12 };
	int64_t berlin = uncached(&summer, 0, 0);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(uncached(&summer, 0, 0) - berlin, 2 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache_agrees_with_mktime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
