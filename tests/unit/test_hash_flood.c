/* test_hash_flood.c - the scan detector's table of sources (srctab.h) is
 * keyed by addresses the attacker picks: the source addresses of the
 * packets the firewall logged.  With a hash anyone can compute, an attacker
 * could pick thousands of IPv6 sources for one index slot and make every
 * lookup walk them all.  Such a set is built here against the fixed seed
 * the table used before (hash_bytes with the family as seed), and must not
 * land together in a table seeded with hash_secret(). */
#include "testutil.h"

#include "classify/srctab.h"
#include "util/hash.h"

enum { SLOTS = 1 << 16, WANT = 64 };

static void colliding_sources_spread(void **state)
{
	(void)state;
	/* 2001:db8::/32 sources whose unseeded hash ends in the same 16 bits */
	static uint8_t keys[WANT][16];
	int n = 0;
	for (uint64_t i = 0; n < WANT; i++) {
		uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
		memcpy(a + 8, &i, 8);
		if ((hash_bytes(a, 16, 6) & (SLOTS - 1)) == 0)
			memcpy(keys[n++], a, 16);
	}
	struct srctab t;
	assert_int_equal(srctab_init(&t, 32, SLOTS), 0);
	static unsigned char used[SLOTS];
	memset(used, 0, sizeof used);
	int distinct = 0;
	for (int k = 0; k < WANT; k++) {
		size_t slot = srctab_hash(&t, keys[k], 6) & (SLOTS - 1);
		distinct += !used[slot];
		used[slot] = 1;
	}
	/* 64 keys over 65,536 slots: nearly all apart, unless the seed is known */
	assert_true(distinct >= WANT / 2);
	/* and still found, each once */
	for (int k = 0; k < WANT; k++)
		assert_non_null(srctab_find(&t, keys[k], 6, 1));
	assert_int_equal(t.n, WANT);
	for (int k = 0; k < WANT; k++)
		assert_non_null(srctab_find(&t, keys[k], 6, 0));
	srctab_free(&t);
}

static void secret_fixed_for_the_process(void **state)
{
	(void)state;
	uint64_t s = hash_secret();
	assert_true(s != 0);
	assert_true(hash_secret() == s);
	struct srctab a, b;
	assert_int_equal(srctab_init(&a, 32, 1024), 0);
	assert_int_equal(srctab_init(&b, 32, 1024), 0);
	uint8_t addr[16] = { 203, 0, 113, 7 };
	assert_int_equal(srctab_hash(&a, addr, 4), srctab_hash(&b, addr, 4));
	srctab_free(&a);
	srctab_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(colliding_sources_spread),
		cmocka_unit_test(secret_fixed_for_the_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
