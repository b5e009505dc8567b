/* test_srctab.c - the detectors' source table (classify/srctab.h): after any
 * mix of inserts, removals (the last record moves into the hole, the index
 * shifts back) and index growth, every live key is found with its own record,
 * no removed key is, and the count is right.  Checked against a plain array. */
#include "testutil.h"

#include "classify/srctab.h"

struct rec {
	uint8_t addr[16];
	uint8_t family;
	uint32_t id; /* which key this record was made for */
};

static void key_of(uint32_t id, uint8_t addr[16], uint8_t *family)
{
	memset(addr, 0, 16);
	/* clustered keys: neighbours in the index collide often */
	addr[0] = (uint8_t)(id >> 24);
	addr[1] = (uint8_t)(id >> 16);
	addr[2] = (uint8_t)(id >> 8);
	addr[3] = (uint8_t)id;
	*family = (id & 1) ? 6 : 4;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void check_all(struct srctab *t, const uint8_t *live, uint32_t nkeys, size_t want_n)
{
	assert_int_equal(t->n, want_n);
	for (uint32_t id = 0; id < nkeys; id++) {
		uint8_t a[16], fam;
		key_of(id, a, &fam);
		struct rec *r = srctab_find(t, a, fam, 0);
		if (live[id]) {
			assert_non_null(r);
			assert_int_equal(r->id, id);
		} else {
			assert_null(r);
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct rec *r = srctab_at(t, i);
		assert_true(r->id < nkeys && live[r->id]);
	}
}

static void inserts_removals_and_growth_keep_every_key(void **state)
{
	(void)state;
	enum { NKEYS = 40000 };
	static uint8_t live[NKEYS];
	memset(live, 0, sizeof live);
	struct srctab t;
	assert_int_equal(srctab_init(&t, sizeof(struct rec), 64), 0);
	size_t n = 0;
	for (int round = 0; round < 200000; round++) {
		uint32_t id = next() % NKEYS;
		uint8_t a[16], fam;
		key_of(id, a, &fam);
		if ((t.n + 1) * 2 > t.cap)
			assert_int_equal(srctab_grow(&t, t.cap * 2), 0);
		if (next() % 3) {
			size_t n0 = t.n;
			struct rec *r = srctab_find(&t, a, fam, 1);
			assert_non_null(r);
			if (t.n != n0) {
				assert_false(live[id]);
				r->id = id;
				live[id] = 1;
				n++;
			} else {
				assert_true(live[id]);
				assert_int_equal(r->id, id);
			}
		} else if (t.n) {
			/* remove a random record, as a sweep does */
			size_t i = next() % t.n;
			struct rec *r = srctab_at(&t, i);
			live[r->id] = 0;
			srctab_remove(&t, i);
			n--;
		}
		if (round % 20000 == 0)
			check_all(&t, live, NKEYS, n);
	}
	check_all(&t, live, NKEYS, n);
	/* a sweep that removes everything, walking as scan.c does */
	for (size_t i = 0; i < t.n;)
		if (((struct rec *)srctab_at(&t, i))->id % 2 == 0) {
			live[((struct rec *)srctab_at(&t, i))->id] = 0;
			srctab_remove(&t, i);
			n--;
		} else {
			i++;
		}
	check_all(&t, live, NKEYS, n);
	srctab_clear(&t);
	memset(live, 0, sizeof live);
	check_all(&t, live, NKEYS, 0);
	srctab_free(&t);
}

static void a_full_index_refuses_instead_of_looping(void **state)
{
	(void)state;
	struct srctab t;
	assert_int_equal(srctab_init(&t, sizeof(struct rec), 8), 0);
	int made = 0;
	for (uint32_t id = 0; id < 20; id++) {
		uint8_t a[16], fam;
		key_of(id, a, &fam);
		if (srctab_find(&t, a, fam, 1))
			made++;
	}
	assert_true(made < 8); /* one slot always stays empty, so lookups end */
	uint8_t a[16], fam;
	key_of(999, a, &fam);
	assert_null(srctab_find(&t, a, fam, 0));
	srctab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inserts_removals_and_growth_keep_every_key),
		cmocka_unit_test(a_full_index_refuses_instead_of_looping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
