/* test_rollup_sort.c - the roll-up tally's sort (store/rollup_sort.c) and
 * its radix sort (util/radix.c) against qsort with the full comparators. */
#include "testutil.h"

#include "store/rollup_sort.h"
#include "util/radix.h"

static int cmp_key_then_idx(const void *a, const void *b)
{
	const struct radix_item *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorted by key, and stable: equal keys keep their first order. */
static void radix_sorts_stably(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 47, 48, 49, 1000, 100000 };
	test_seed(7);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		struct radix_item *v = calloc(n + 1, sizeof *v), *tmp = calloc(n + 1, sizeof *tmp);
		struct radix_item *want = calloc(n + 1, sizeof *want);
		assert_true(v && tmp && want);
		for (size_t i = 0; i < n; i++) {
			/* few distinct keys, spread over the top, middle and low bytes */
			uint64_t k = (uint64_t)rnd(3) << 60 | (uint64_t)rnd(5) << 33 | rnd(40);
			v[i] = (struct radix_item){ k, (uint32_t)i, (uint32_t)(i * 3) };
		}
		memcpy(want, v, n * sizeof *v);
		qsort(want, n, sizeof *want, cmp_key_then_idx);
		struct radix_item *got = radix_sort(v, tmp, n);
		assert_true(got == v || got == tmp);
		for (size_t i = 0; i < n; i++) {
			assert_true(got[i].key == want[i].key);
			assert_int_equal(got[i].idx, want[i].idx);
			assert_int_equal(got[i].aux, want[i].idx * 3);
		}
		free(v);
		free(tmp);
		free(want);
	}
}

/* ---- the tally ---- */

enum { WIDE_HOURS = 1, ODD_FIELDS = 2, FEW_KEYS = 4 };

static struct ru_key make_key(int flags)
{
	struct ru_key k;
	memset(&k, 0, sizeof k);
	static const int ports[] = { -1, 0, 22, 445, 65535 };
	k.port = ports[rnd(5)];
	k.hour = 480000 + (int32_t)rnd(30);
	if (flags & WIDE_HOURS) /* hours far apart: the key keeps few address bits */
		k.hour = rnd(2) ? INT32_MIN + (int32_t)rnd(3) : INT32_MAX - (int32_t)rnd(3);
	k.proto = rnd(4) ? (int16_t)(6 + 11 * rnd(2)) : 256;
	k.dir = (uint8_t)rnd(4);
	k.action = (uint8_t)rnd(3);
	uint32_t f = rnd(10);
	k.fam = f < 6 ? 4 : f < 9 ? 6 : 0;
	if (k.fam == 4) {
		k.src[0] = 10;
		k.src[3] = (uint8_t)rnd(8);
	} else if (k.fam == 6) {
		/* the same first 8 bytes: only the rest tells them apart */
		k.src[0] = 0x20;
		k.src[1] = 0x01;
		k.src[7 + rnd(9)] = (uint8_t)(1 + rnd(2));
	}
	if (flags & FEW_KEYS) { /* about a thousand distinct keys */
		k.port = 22;
		k.hour = 480000;
	}
	if (flags & ODD_FIELDS) { /* outside what the key's bits hold: full comparisons */
		if (!rnd(8))
			k.fam = (uint8_t)(1 + rnd(3));
		if (!rnd(8))
			k.port = rnd(2) ? 70000 : -5;
		if (!rnd(8))
			k.dir = 9;
		if (k.fam == 4 && !rnd(8))
			k.src[9] = 1;
	}
	return k;
}

/* What the sort must give: the entries ordered by cmp, equal keys added up. */
static size_t reference(const struct ru_entry *in, size_t n, struct ru_entry *out,
			int (*cmp)(const void *, const void *))
{
	memcpy(out, in, n * sizeof *in);
	qsort(out, n, sizeof *out, ru_cmp_hour_major);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !memcmp(&out[m - 1].k, &out[i].k, sizeof out[i].k))
			out[m - 1].events += out[i].events;
		else
			out[m++] = out[i];
	}
	qsort(out, m, sizeof *out, cmp);
	return m;
}

static void assert_same(const struct ru_entry *got, const struct ru_entry *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_memory_equal(&got[i].k, &want[i].k, sizeof got[i].k);
		assert_true(got[i].events == want[i].events);
	}
}

static void check_tally(size_t nadd, int flags, size_t compact_at)
{
	struct ru_list l, l2; /* l2 sorted in key order straight away, as import does */
	assert_int_equal(ru_list_init(&l, 16), 0);
	assert_int_equal(ru_list_init(&l2, 1), 0);
	l.compact_at = compact_at;
	struct ru_entry *all = calloc(nadd + 1, sizeof *all);
	struct ru_entry *want = calloc(nadd + 1, sizeof *want);
	assert_true(all && want);
	for (size_t i = 0; i < nadd; i++) {
		all[i].k = make_key(flags);
		all[i].events = 1;
		assert_int_equal(ru_list_add(&l, &all[i].k), 0);
		assert_int_equal(ru_list_add(&l2, &all[i].k), 0);
	}
	if (compact_at < nadd) { /* merged before growing: the distinct keys bound it */
		size_t distinct = reference(all, nadd, want, ru_cmp_hour_major);
		assert_true(l.cap <= 4 * distinct + 2 * compact_at);
		if (4 * distinct + 2 * compact_at < nadd)
			assert_true(l.cap < nadd);
	}

	assert_int_equal(ru_list_sort(&l, NULL), 0);
	size_t m = reference(all, nadd, want, ru_cmp_hour_major);
	assert_int_equal(l.n, m);
	assert_same(l.slots, want, m);

	const struct ru_entry **by_hour = calloc(m + 1, sizeof *by_hour);
	assert_non_null(by_hour);
	assert_int_equal(ru_list_sort(&l2, by_hour), 0);
	for (size_t i = 0; i < m; i++) {
		assert_true(by_hour[i] >= l2.slots && by_hour[i] < l2.slots + m);
		assert_memory_equal(&by_hour[i]->k, &want[i].k, sizeof want[i].k);
		assert_true(by_hour[i]->events == want[i].events);
	}
	assert_int_equal(reference(all, nadd, want, ru_cmp_day_port), m);
	assert_int_equal(l2.n, m);
	assert_same(l2.slots, want, m);
	assert_int_equal(ru_list_sort(&l, by_hour), 0); /* merged already: the same */
	assert_int_equal(l.n, m);
	assert_same(l.slots, want, m);

	free(by_hour);
	ru_list_free(&l2);
	free(all);
	free(want);
	ru_list_free(&l);
}

/* Many duplicates (a few thousand keys counted 20000 times), IPv4, IPv6
 * that tie on their first bytes, no address, ports -1 and 65535. */
static void duplicates_add_up(void **state)
{
	(void)state;
	test_seed(1);
	check_tally(0, 0, RU_COMPACT_AT);
	check_tally(1, 0, RU_COMPACT_AT);
	check_tally(30, 0, RU_COMPACT_AT);
	check_tally(20000, 0, RU_COMPACT_AT);
}

/* Hours at both ends of int32: the hour takes all 32 bits of the key. */
static void wide_hours(void **state)
{
	(void)state;
	test_seed(2);
	check_tally(5000, WIDE_HOURS, RU_COMPACT_AT);
}

/* Families, ports, directions the key cannot hold: compared in full. */
static void odd_fields(void **state)
{
	(void)state;
	test_seed(3);
	check_tally(5000, ODD_FIELDS, RU_COMPACT_AT);
	check_tally(5000, ODD_FIELDS | WIDE_HOURS, RU_COMPACT_AT);
}

/* Past compact_at the list merges before it grows (serve's bound). */
static void compacts_at_cap(void **state)
{
	(void)state;
	test_seed(4);
	check_tally(20000, FEW_KEYS, 64);
	check_tally(20000, FEW_KEYS | ODD_FIELDS, 100);
	check_tally(20000, 0, 64); /* mostly distinct: it must grow */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(radix_sorts_stably),
		cmocka_unit_test(duplicates_add_up),
		cmocka_unit_test(wide_hours),
		cmocka_unit_test(odd_fields),
		cmocka_unit_test(compacts_at_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
