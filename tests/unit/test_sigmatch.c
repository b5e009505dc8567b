/* test_sigmatch.c - sigset_match's key tables (signature.h: keys, cover)
 * answer as the walk over every signature does, for every port and ICMP
 * type of every protocol class, both directions, with and without SYN,
 * small and large payloads -- on data/signatures and on a set made here
 * with overlapping ranges and "any protocol" entries. */
#include "testutil.h"

#include "classify/signature.h"

/* sigset_match of s with its tables, against the same set walked. */
static void same_answers(struct sigset *s)
{
	struct sigset walk = *s;
	walk.keys = NULL;
	walk.cover = NULL;
	walk.ncover = 0;
	static const int protos[] = { EV_PROTO_TCP, EV_PROTO_UDP, EV_PROTO_ICMP, EV_PROTO_ICMPV6,
				      47, 132 };
	unsigned long checked = 0, matched = 0;
	for (size_t p = 0; p < sizeof protos / sizeof protos[0]; p++)
		for (int key = 0; key < 65536; key++)
			for (int v = 0; v < 4; v++) {
				struct event ev;
				event_clear(&ev);
				ev.has = EV_HAS_PROTO | EV_HAS_LEN;
				ev.proto = (uint8_t)protos[p];
				ev.src.family = 4;
				ev.len = (v & 2) ? 600 : 40;
				ev.direction = (v & 1) ? EV_DIR_OUTBOUND : EV_DIR_INBOUND;
				int icmp = ev.proto == EV_PROTO_ICMP || ev.proto == EV_PROTO_ICMPV6;
				if (icmp) {
					if (key > 255)
						break;
					ev.has |= EV_HAS_ICMP;
					ev.icmp_type = (uint8_t)key;
				} else {
					ev.has |= EV_HAS_DPORT;
					ev.dport = (uint16_t)key;
				}
				if (ev.proto == EV_PROTO_TCP) {
					ev.has |= EV_HAS_TCP_FLAGS;
					ev.tcp_flags = (key & 1) ? EV_TCP_SYN : EV_TCP_SYN | EV_TCP_ACK;
				}
				int want = sigset_match(&walk, &ev), got = sigset_match(s, &ev);
				if (want != got)
					fail_msg("proto %d key %d variant %d: %d with the tables, %d walked",
						 protos[p], key, v, got, want);
				checked++;
				matched += want >= 0;
			}
	assert_true(checked > 1000000);
	assert_true(matched > 0); /* the set names something */
}

static void data_signatures_match_as_walked(void **state)
{
	(void)state;
	const char *path = sigset_default_path();
	assert_non_null(path);
	struct sigset s;
	char err[600];
	if (sigset_load(&s, path, err, sizeof err))
		fail_msg("%s", err);
	assert_non_null(s.keys);
	assert_non_null(s.cover);
	same_answers(&s);
	sigset_free(&s);
}

static void overlapping_ranges_match_as_walked(void **state)
{
	(void)state;
	char dir[] = "/tmp/portlog-sigmatch-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/signatures", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	/* overlapping ranges of different danger, any protocol, outbound only,
	 * an ICMP type, a protocol by number, a payload rule */
	fputs("tcp  1000-2000  in   SYN  1  2 | wide | -\n"
	      "tcp  1500       in   SYN  1  4 | inner | -\n"
	      "tcp  1500-1600  any  any  1  4 | inner any | -\n"
	      "any  53         any  any  1  1 | any 53 | -\n"
	      "udp  53         out  any  1  3 | out 53 | -\n"
	      "icmp 8          in   any  1  2 | echo | -\n"
	      "47   0-65535    in   any  1  2 | gre | -\n"
	      "udp  62201      in   any+payload>130+spa  1  1 | knock | -\n",
	      f);
	fclose(f);
	struct sigset s;
	char err[600];
	int rc = sigset_load(&s, path, err, sizeof err);
	unlink(path);
	rmdir(dir);
	if (rc)
		fail_msg("%s", err);
	assert_true(s.n >= 6);
	assert_non_null(s.cover);
	same_answers(&s);
	sigset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_signatures_match_as_walked),
		cmocka_unit_test(overlapping_ranges_match_as_walked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
