/* test_outbreak.c - the outbreak detector's bounds (classify/outbreak.c):
 * with its port table full of ports probed once long ago, a port that comes
 * up later still gets a series (the idle ones are forgotten) and its jump is
 * found; a port with an outbreak in its history is never forgotten; and a
 * port that is merely quiet for less than the daily history is kept. */
#include "testutil.h"

#include "classify/detect.h"

static const int64_t HOUR = 3600 * 1000000LL, DAY = 24 * 3600 * 1000000LL;
static const int64_t T0 = 1704067200LL * 1000000LL; /* 2024-01-01 */

/* Outbreak findings (updates included) on one port, and on the others. */
struct seen {
	const char *port;
	int on_port, elsewhere;
};

static int on_finding(void *arg, const struct finding *f)
{
	struct seen *s = arg;
	if (f->kind == FINDING_OUTBREAK) {
		if (!strcmp(f->subject, s->port))
			s->on_port++;
		else
			s->elsewhere++;
	}
	return 0;
}

static void feed(struct detector *d, int64_t ts, uint32_t src, int port)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = ts;
	ev.has = EV_HAS_TS | EV_HAS_PROTO | EV_HAS_DPORT;
	ev.proto = EV_PROTO_TCP;
	ev.dport = (uint16_t)port;
	ev.action = EV_ACTION_BLOCKED;
	ev.direction = EV_DIR_INBOUND;
	ev.src.family = ev.dst.family = 4;
	ev.src.bytes[0] = (uint8_t)(src >> 24);
	ev.src.bytes[1] = (uint8_t)(src >> 16);
	ev.src.bytes[2] = (uint8_t)(src >> 8);
	ev.src.bytes[3] = (uint8_t)src;
	memcpy(ev.dst.bytes, "\xc0\xa8\x01\x01", 4);
	assert_int_equal(detect_feed(d, &ev), 0);
}

/* Fill the table (128 ports at the smallest max_ports) on day 0; then, days
 * later, 40 sources in one hour on a new port. */
static int burst_after(int64_t quiet)
{
	struct detect_conf c;
	detect_conf_default(&c);
	c.max_ports = 64; /* the table's smallest: 128 ports */
	struct seen seen = { "9999/tcp", 0, 0 };
	struct detector *d = detect_new(&c, on_finding, &seen);
	assert_non_null(d);
	for (int p = 0; p < 128; p++)
		feed(d, T0 + p * 1000000LL, 0x0b000001, 1000 + p);
	int64_t t = T0 + quiet;
	for (uint32_t s = 0; s < 40; s++)
		feed(d, t + s * 60 * 1000000LL, 0x0c000000 + s * 7919, 9999);
	assert_int_equal(detect_finish(d), 0);
	detect_free(d);
	assert_int_equal(seen.elsewhere, 0);
	return seen.on_port;
}

static void a_new_port_gets_room_after_idle_ports_expire(void **state)
{
	(void)state;
	assert_true(burst_after(20 * DAY) > 0);
}

static void recently_quiet_ports_are_kept(void **state)
{
	(void)state;
	/* 3 days: the day-0 ports' daily history still holds their probe, so
	 * they stay and the table has no room for port 9999 */
	assert_int_equal(burst_after(3 * DAY), 0);
}

static void a_port_with_an_outbreak_is_kept(void **state)
{
	(void)state;
	struct detect_conf c;
	detect_conf_default(&c);
	c.max_ports = 64;
	struct seen seen = { "7777/tcp", 0, 0 };
	struct detector *d = detect_new(&c, on_finding, &seen);
	assert_non_null(d);
	/* port 1000: quiet history, then a burst on day 3 (an outbreak) */
	feed(d, T0, 0x0b000001, 1000);
	for (uint32_t s = 0; s < 40; s++)
		feed(d, T0 + 3 * DAY + s * 60 * 1000000LL, 0x0d000000 + s * 104729, 1000);
	assert_int_equal(seen.elsewhere, 1);
	/* a probe after quiet hours ends it (the series is no longer active) */
	feed(d, T0 + 3 * DAY + 5 * HOUR, 0x0b000001, 1000);
	/* 127 more ports fill the table */
	for (int p = 1; p < 128; p++)
		feed(d, T0 + 3 * DAY + HOUR + p * 1000000LL, 0x0b000001, 1000 + p);
	/* 40 days on, 127 new ports take the idle ones' places; port 1000
	 * keeps its (outbreak) history, so there is no room for a 128th */
	int64_t t = T0 + 43 * DAY;
	for (int p = 0; p < 127; p++)
		feed(d, t + p * 1000000LL, 0x0b000002, 2000 + p);
	for (uint32_t s = 0; s < 40; s++)
		feed(d, t + 2 * HOUR + s * 60 * 1000000LL, 0x0e000000 + s * 7919, 7777);
	assert_int_equal(seen.on_port, 0);
	assert_int_equal(detect_finish(d), 0);
	assert_int_equal(seen.on_port, 0);
	detect_free(d);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_port_gets_room_after_idle_ports_expire),
		cmocka_unit_test(recently_quiet_ports_are_kept),
		cmocka_unit_test(a_port_with_an_outbreak_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
