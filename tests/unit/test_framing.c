/* test_framing.c - RFC 6587 framing (octet counting and newline), and the
 * bounded queue between receivers and the store writer. */
#include "testutil.h"

#include "serve/queue.h"
#include "source/framing.h"

/* Feed buf to the framer in pieces of step bytes (as a socket might deliver
 * it) and collect the messages, joined by '|', and the reasons of rejects. */
static int run(const char *buf, size_t step, size_t max, char *out, size_t outn, char *why,
	       size_t whyn)
{
	struct framer fr;
	framer_init(&fr, max);
	char pend[4096];
	size_t have = 0, fed = 0, total = strlen(buf);
	out[0] = why[0] = '\0';
	int fatal = 0;
	while (!fatal) {
		size_t k = total - fed < step ? total - fed : step;
		memcpy(pend + have, buf + fed, k);
		have += k;
		fed += k;
		int eof = fed == total;
		for (;;) {
			struct frame f;
			int rc = frame_next(&fr, pend, have, eof, &f);
			if (rc == FRAME_NEED)
				break;
			if (rc == FRAME_OK) {
				strncat(out, f.p, f.n < outn - strlen(out) - 2 ? f.n : 0);
				strcat(out, "|");
			} else if (f.why) {
				strncat(why, f.why, whyn - strlen(why) - 2);
				strcat(why, ";");
			}
			assert_true(f.consumed > 0 && f.consumed <= have);
			memmove(pend, pend + f.consumed, have - f.consumed);
			have -= f.consumed;
			if (rc == FRAME_FATAL) {
				fatal = 1;
				break;
			}
		}
		if (eof)
			break;
	}
	return fatal;
}

static void check(const char *in, size_t max, const char *want, const char *want_why,
		  int want_fatal)
{
	/* Every way of splitting the input gives the same messages. */
	for (size_t step = 1; step <= strlen(in) + 1; step++) {
		char out[2048], why[256];
		int fatal = run(in, step, max, out, sizeof out, why, sizeof why);
		if (strcmp(out, want) || strcmp(why, want_why) || fatal != want_fatal)
			fail_msg("step %zu: got '%s' (why '%s', fatal %d), want '%s' ('%s', %d)", step,
				 out, why, fatal, want, want_why, want_fatal);
	}
}

static void newline_framing(void **state)
{
	(void)state;
	check("<13>a b\n<14>c d\r\n\n", 100, "<13>a b|<14>c d|", "", 0);
	check("Mar 11 x\nlast without newline", 100, "Mar 11 x|last without newline|", "", 0);
	check("2024-03-11T20:00:00Z host x\n", 100, "2024-03-11T20:00:00Z host x|", "", 0);
}

static void octet_counting(void **state)
{
	(void)state;
	check("7 <13>a b5 <1>cd", 100, "<13>a b|<1>cd|", "", 0);
	check("8 <13>a b\n\n5 <1>cd\n", 100, "<13>a b|<1>cd|", "", 0);
	/* mixed in one stream, as some relays do */
	check("5 <1>cd<2>ef\n3 xyz", 100, "<1>cd|<2>ef|xyz|", "", 0);
}

static void bounds(void **state)
{
	(void)state;
	/* a newline line over max is skipped, the next one still arrives */
	check("0123456789abcdef\nok\n", 8, "ok|", "line too long;", 0);
	/* so is the last line, unterminated at the end of the stream, when it
	 * is one byte over (found by fuzz/fuzz_framing.c); at max it arrives */
	check("ok\n012345678", 8, "ok|", "line too long;", 0);
	check("ok\n01234567", 8, "ok|01234567|", "", 0);
	check("ok\n01234567\r", 8, "ok|01234567|", "", 0);
	/* an octet count over max ends the stream */
	check("99 <13>x", 8, "", "frame too large;", 1);
	/* a frame cut short by the end of the stream */
	check("5 <1>cd12 <13>ab", 100, "<1>cd|", "truncated frame;", 1);
}

static void queue_order_and_bounds(void **state)
{
	(void)state;
	struct msgq *q = msgq_new(1 << 16);
	assert_non_null(q);
	char msg[1000];
	int pushed = 0, popped = 0, dropped = 0;
	/* Push until full, pop half, push again (forcing wrap-around), repeatedly:
	 * every message comes out once, in order, intact. */
	for (int round = 0; round < 50; round++) {
		for (;;) {
			struct qmsg h = { .listener = (uint16_t)(pushed & 7) };
			int n = snprintf(msg, sizeof msg, "message %d %.*s", pushed, pushed % 600,
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			if (msgq_push(q, &h, msg, (size_t)n)) {
				dropped++;
				break;
			}
			pushed++;
		}
		assert_true(msgq_used(q) <= msgq_capacity(q));
		int half = (pushed - popped) / 2;
		for (int i = 0; i < half; i++) {
			const char *p;
			const struct qmsg *h = msgq_peek(q, &p);
			assert_non_null(h);
			int n = snprintf(msg, sizeof msg, "message %d ", popped);
			assert_true(h->len >= (uint32_t)n);
			assert_memory_equal(p, msg, (size_t)n);
			assert_int_equal(h->listener, popped & 7);
			msgq_pop(q);
			popped++;
		}
	}
	const char *p;
	while (msgq_peek(q, &p)) {
		msgq_pop(q);
		popped++;
	}
	assert_int_equal(popped, pushed);
	assert_int_equal(dropped, 50);
	assert_int_equal(msgq_used(q), 0);
	msgq_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newline_framing),
		cmocka_unit_test(octet_counting),
		cmocka_unit_test(bounds),
		cmocka_unit_test(queue_order_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
