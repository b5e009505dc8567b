/* test_finding_pack.c - findings packed for a queue (finding_pack.c) come
 * back field for field, in fewer bytes, one after another. */
#include "testutil.h"

#include <string.h>

#include "finding.h"
#include "finding_assert.h"

/* s, an array, full: n - 1 bytes of c and the NUL */
#define FILL(s, c) (memset((s), (c), sizeof(s) - 1), (s)[sizeof(s) - 1] = 0)

/* and the outbreak's fields, which the queue carries too */
static void assert_same(const struct finding *a, const struct finding *b)
{
	assert_finding_equal(a, b);
	assert_true(a->value == b->value && a->baseline == b->baseline && a->factor == b->factor);
	assert_int_equal(a->second_wave, b->second_wave);
	assert_true(a->window_us == b->window_us);
}

static void packs_and_unpacks(void **state)
{
	(void)state;
	static unsigned char buf[4 * sizeof(struct finding)];
	struct finding f[3];
	memset(f, 0, sizeof f);
	/* a probe as the scan detector writes it */
	f[0].kind = FINDING_SCAN;
	snprintf(f[0].subject, sizeof f[0].subject, "203.0.113.9");
	assert_int_equal(ev_addr_parse(&f[0].src, "203.0.113.9", 11), 0);
	f[0].first_us = 1700000000000000LL;
	f[0].last_us = f[0].first_us + 5;
	snprintf(f[0].shape, sizeof f[0].shape, "probe");
	snprintf(f[0].probe, sizeof f[0].probe, "SYN");
	f[0].proto = 6;
	f[0].port_lo = f[0].port_hi = 1433;
	f[0].nports = f[0].nhosts = 1;
	f[0].packets = 1;
	snprintf(f[0].ports, sizeof f[0].ports, "1433");
	snprintf(f[0].hosts, sizeof f[0].hosts, "192.168.1.5");
	f[0].danger = 2;
	snprintf(f[0].summary, sizeof f[0].summary, "MS SQL Server probe");
	f[0].window_us = 7200000000LL;
	/* every text full to its last byte */
	f[1].kind = FINDING_OUTBREAK;
	FILL(f[1].subject, 's');
	FILL(f[1].shape, 'h');
	FILL(f[1].probe, 'p');
	FILL(f[1].ports, '1');
	FILL(f[1].hosts, '2');
	FILL(f[1].signature, 'g');
	FILL(f[1].refs, 'r');
	FILL(f[1].summary, 'y');
	FILL(f[1].os, 'o');
	f[1].value = 41.5;
	f[1].baseline = 3.25;
	f[1].factor = 12.8;
	f[1].second_wave = 1;
	f[1].port_lo = f[1].port_hi = -1;
	/* f[2]: all empty */

	size_t len = 0, sizes[3];
	for (int i = 0; i < 3; i++) {
		sizes[i] = finding_pack(&f[i], buf + len);
		assert_true(sizes[i] <= sizeof f[i]);
		len += sizes[i];
	}
	assert_true(sizes[0] < sizeof f[0] / 3); /* the point of it */
	size_t at = 0;
	for (int i = 0; i < 3; i++) {
		struct finding g;
		memset(&g, 0x5a, sizeof g); /* what unpacking leaves alone shows */
		size_t n = finding_unpack(buf + at, &g);
		assert_int_equal(n, sizes[i]);
		assert_same(&f[i], &g);
		at += n;
	}
	assert_int_equal(at, len);
}

/* A text without its NUL (never written so, but the queue must not run
 * past it) comes back cut by one byte. */
static void cuts_an_unterminated_text(void **state)
{
	(void)state;
	static unsigned char buf[sizeof(struct finding)];
	struct finding f, g;
	memset(&f, 0, sizeof f);
	memset(f.shape, 'x', sizeof f.shape);
	finding_pack(&f, buf);
	finding_unpack(buf, &g);
	assert_int_equal(strlen(g.shape), sizeof g.shape - 1);
	assert_int_equal(g.probe[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packs_and_unpacks),
		cmocka_unit_test(cuts_an_unterminated_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
