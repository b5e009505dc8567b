/* test_rollup_known.c - the map of roll-up rows stored for the newest hours
 * (store/rollup_known.c): what it holds is found, and dropping the old hours
 * in place keeps every newer row findable, however the probes ran. */
#include "testutil.h"

#include <string.h>

#include "store/rollup_known.h"

/* A source address that differs in a few bits only, so hashes collide in
 * runs and probes cross the table's end. */
static uint8_t salt; /* a different table layout for each value */

static void source(uint8_t src[16], uint32_t i)
{
	memset(src, 0, 16);
	src[0] = 198;
	src[1] = salt;
	src[2] = (uint8_t)(i >> 8);
	src[3] = (uint8_t)i;
}

static struct combo combo_of(uint32_t i)
{
	return (struct combo){ .proto = (int16_t)(i % 3 ? 6 : 17), .dir = (uint8_t)(1 + i % 3),
			       .action = (uint8_t)(1 + i % 2) };
}

/* Entry i: port i % 977, hour base + i % hours. */
static void add_all(struct known *k, int32_t base, int hours, uint32_t n)
{
	uint8_t src[16];
	for (uint32_t i = 0; i < n; i++) {
		source(src, i);
		known_add(k, (int32_t)(i % 977), base + (int32_t)(i % (uint32_t)hours), 4, src,
			  combo_of(i));
	}
}

/* Every entry of an hour from `from` on is there with its combo; every
 * older one is gone. */
static void check_all(const struct known *k, int32_t base, int hours, uint32_t n, int32_t from)
{
	uint8_t src[16];
	struct combo c[4];
	for (uint32_t i = 0; i < n; i++) {
		int32_t hour = base + (int32_t)(i % (uint32_t)hours);
		source(src, i);
		int got = known_get(k, (int32_t)(i % 977), hour, 4, src, c, 4);
		if (hour < from) {
			assert_int_equal(got, 0);
			continue;
		}
		assert_int_equal(got, 1);
		struct combo want = combo_of(i);
		assert_int_equal(c[0].proto, want.proto);
		assert_int_equal(c[0].dir, want.dir);
		assert_int_equal(c[0].action, want.action);
	}
}

static void prune_once(void)
{
	struct known *k = known_new();
	assert_non_null(k);
	known_start(k, 1000);
	/* 120,000 entries: near the map's bound, so runs are long */
	add_all(k, 1000, 10, 120000);
	check_all(k, 1000, 10, 120000, 1000);
	known_prune(k, 1004);
	assert_false(known_covers(k, 1003));
	assert_true(known_covers(k, 1004));
	check_all(k, 1000, 10, 120000, 1004);
	/* again, and the freed room takes new entries */
	known_prune(k, 1009);
	check_all(k, 1000, 10, 120000, 1009);
	add_all(k, 1009, 3, 100000);
	check_all(k, 1009, 3, 100000, 1009);
	/* an hour not newer than the map's start changes nothing */
	known_prune(k, 1005);
	check_all(k, 1009, 3, 100000, 1009);
	known_prune(k, 1012);
	check_all(k, 1009, 3, 100000, 1012);
	known_free(k);
}

/* Sixteen layouts: in some (the eleventh) a run of taken slots wraps past
 * the table's end, where a rebuild that starts at slot 0 loses entries. */
static void prune_keeps_the_newer_hours(void **state)
{
	(void)state;
	for (salt = 0; salt < 16; salt++)
		prune_once();
}

static void clears_itself_when_full(void **state)
{
	(void)state;
	salt = 51;
	struct known *k = known_new();
	assert_non_null(k);
	known_start(k, 0);
	add_all(k, 0, 1, 200000); /* more than it holds */
	assert_false(known_covers(k, 0));
	uint8_t src[16];
	struct combo c[4];
	source(src, 1);
	assert_int_equal(known_get(k, 1, 0, 4, src, c, 4), 0);
	known_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prune_keeps_the_newer_hours),
		cmocka_unit_test(clears_itself_when_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
