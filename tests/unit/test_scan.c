/* test_scan.c - scan_find_at (src/parse/scan.h), the detectors' substring
 * search, finds exactly what memmem finds: same first position or none, for
 * every anchor, at the slice's edges, and never reads outside the slice
 * (ASan checks that: each haystack is its own heap block). */
#include "testutil.h"

#include "parse/scan.h"

static void check(const char *hay, size_t n, const char *lit, size_t ln)
{
	char *h = malloc(n ? n : 1); /* exactly n bytes: a read past them is an ASan error */
	assert_non_null(h);
	memcpy(h, hay, n);
	const char *want = memmem(h, n, lit, ln);
	for (size_t a = 0; a < ln; a++) {
		const char *got = scan_find_at(h, n, lit, ln, a);
		if (got != want)
			fail_msg("\"%.*s\" in \"%.*s\" anchored at %zu: got %td, want %td", (int)ln,
				 lit, (int)n, hay, a, got ? got - h : -1, want ? want - h : -1);
	}
	free(h);
}

static void fixed_cases(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "IN=eth0 OUT= SRC=1.2.3.4", "IN=" },
		{ "IN=eth0 OUT= SRC=1.2.3.4", "SRC=" },
		{ "PHYSIN=br0 IN=eth0", "IN=" },
		{ "xxIN", "IN=" },      /* a partial match at the very end */
		{ "IN=", "IN=" },       /* the whole slice */
		{ "IN", "IN=" },        /* shorter than the literal */
		{ "", "IN=" },
		{ "id=1 sn=2", " sn=" },
		{ "aaaaaaaab", "aab" }, /* overlapping false starts */
		{ "src=\"x\" dst=\"y\"", " dst=\"" },
		{ "a->b", "->" },
		{ "--->", "->" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i][0], strlen(cases[i][0]), cases[i][1], strlen(cases[i][1]));
}

/* Random haystacks over a three-letter alphabet, so matches and near
 * misses are frequent, against every literal of length 1..4 drawn from it. */
static void random_cases(void **state)
{
	(void)state;
	unsigned seed = 12345;
	char hay[40], lit[4];
	for (int round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof hay;
		size_t ln = 1 + (seed >> 8) % sizeof lit;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			hay[i] = (char)('a' + (seed >> 16) % 3);
		}
		for (size_t i = 0; i < ln; i++) {
			seed = seed * 1103515245u + 12345u;
			lit[i] = (char)('a' + (seed >> 16) % 3);
		}
		check(hay, n, lit, ln);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixed_cases),
		cmocka_unit_test(random_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
