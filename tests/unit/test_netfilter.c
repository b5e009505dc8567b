/* test_netfilter.c - the syslog envelope and the netfilter parser, field by field. */
#include "testutil.h"

#include "event.h"
#include "parse/parse.h"
#include "util/timearg.h"

/* 2024-03-20 00:00:00 UTC: the "file's mtime" for year inference. */
#define REF_2024 1710892800

static int parse(const char *line, struct event *ev, const char **why)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 0, REF_2024);
	*why = NULL;
	return parse_line(&ctx, PARSE_AUTO, line, strlen(line), ev, why);
}

static void assert_str(struct ev_str s, const char *want)
{
	char buf[512];
	assert_true(s.n < sizeof buf);
	memcpy(buf, s.p ? s.p : "", s.n);
	buf[s.n] = '\0';
	assert_string_equal(buf, want);
}

static void assert_addr(const struct ev_addr *a, const char *want)
{
	char buf[EV_ADDR_STRLEN];
	assert_string_equal(ev_addr_str(a, buf, sizeof buf), want);
}

static void assert_time(int64_t us, const char *want)
{
	char buf[40];
	assert_string_equal(fmt_utc(us, buf, 1), want);
}

static void tcp_syn_rfc3164(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Mar 11 20:35:11 gw kernel: [463490.251762] DROP IN=eth1 OUT= "
			       "MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 "
			       "DST=192.168.10.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP "
			       "SPT=56247 DPT=1025 WINDOW=3072 RES=0x00 SYN URGP=0 OPT (020405B4) ",
			       &ev, &why),
			 PARSE_OK);
	assert_time(ev.ts_us, "2024-03-11 20:35:11.000000");
	assert_str(ev.device, "gw");
	assert_str(ev.rule, "DROP");
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_str(ev.in_if, "eth1");
	assert_int_equal(ev.out_if.n, 0);
	assert_str(ev.mac, "23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00");
	assert_addr(&ev.src, "192.168.10.55");
	assert_addr(&ev.dst, "192.168.10.1");
	assert_int_equal(ev.proto, EV_PROTO_TCP);
	assert_int_equal(ev.sport, 56247);
	assert_int_equal(ev.dport, 1025);
	assert_int_equal(ev.len, 44);
	assert_int_equal(ev.ttl, 53);
	assert_int_equal(ev.window, 3072);
	assert_int_equal(ev.tcp_flags, EV_TCP_SYN);
	assert_str(ev.tcp_opts, "020405B4");
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
	assert_true(ev.has & EV_HAS_TCP_FLAGS);
	assert_false(ev.has & EV_HAS_ICMP);
}

static void rfc3339_with_zone(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: IN=eth0 OUT= "
			       "MAC=00:00:00:00:00:00:00:00:00:00:00:00:00:00 SRC=4.4.4.4 DST=1.2.3.4 "
			       "LEN=40 TOS=0x00 PREC=0x00 TTL=228 ID=54321 PROTO=TCP SPT=58923 DPT=21 "
			       "WINDOW=65535 RES=0x00 SYN URGP=0 ",
			       &ev, &why),
			 PARSE_OK);
	assert_time(ev.ts_us, "2015-03-07 03:09:30.045015");
	assert_str(ev.rule, "DROP:");
	assert_str(ev.device, "servername");
	/* journalctl -o short-iso: offset without a colon */
	assert_int_equal(parse("2015-03-07T05:09:30+0100 host kernel: IN=eth0 OUT= SRC=4.4.4.4 "
			       "DST=1.2.3.4 LEN=40 TTL=1 PROTO=UDP SPT=1 DPT=2 LEN=20",
			       &ev, &why),
			 PARSE_OK);
	assert_time(ev.ts_us, "2015-03-07 04:09:30.000000");
	assert_int_equal(ev.len, 40); /* the IP length, not the UDP one */
	assert_int_equal(ev.action, EV_ACTION_UNKNOWN);
	assert_int_equal(ev.rule.n, 0);
}

static void glued_prefix_and_bridge(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Jan  2 03:04:05 router kernel: Drop TCP after 17 attemptsIN=br0 OUT=eth0 "
			       "PHYSIN=vif1.0 PHYSOUT=eth2 SRC=10.0.0.5 DST=8.8.8.8 LEN=60 TOS=0x00 "
			       "PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=53 WINDOW=29200 "
			       "RES=0x00 ACK PSH FIN URGP=0",
			       &ev, &why),
			 PARSE_OK);
	assert_str(ev.rule, "Drop TCP after 17 attempts");
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_str(ev.in_if, "br0");
	assert_str(ev.out_if, "eth0");
	assert_str(ev.phys_in, "vif1.0");
	assert_str(ev.phys_out, "eth2");
	assert_int_equal(ev.tcp_flags, EV_TCP_ACK | EV_TCP_PSH | EV_TCP_FIN);
	assert_int_equal(ev.direction_hint, EV_DIR_UNKNOWN); /* forwarded */
	assert_time(ev.ts_us, "2024-01-02 03:04:05.000000");
	/* Shorewall glues with a colon */
	assert_int_equal(parse("Apr 24 12:06:50 localhost kernel: [ 3445.031964] "
			       "Shorewall:wlan0_mac:DROP:IN=wlan0 OUT= MAC=02:00 SRC=192.168.10.55 "
			       "DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2",
			       &ev, &why),
			 PARSE_OK);
	assert_str(ev.rule, "Shorewall:wlan0_mac:DROP:");
	assert_int_equal(ev.proto, EV_PROTO_IGMP);
	assert_false(ev.has & (EV_HAS_SPORT | EV_HAS_DPORT));
}

static void ipv6_and_icmpv6(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Mar 17 13:39:13 linux kernel: [956932.482127] DROP IN=eth0 OUT= "
			       "MAC=33:33:ff:00:00:01:00:1b:b9:76:9c:e4:86:dd "
			       "SRC=2001:0db8:0000:f101:0000:0000:0000:0002 "
			       "DST=ff02:0000:0000:0000:0000:0001:ff00:0001 LEN=72 TC=0 HOPLIMIT=255 "
			       "FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ",
			       &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "2001:db8:0:f101::2");
	assert_addr(&ev.dst, "ff02::1:ff00:1");
	assert_int_equal(ev.proto, EV_PROTO_ICMPV6);
	assert_int_equal(ev.icmp_type, 135);
	assert_int_equal(ev.icmp_code, 0);
	assert_int_equal(ev.ttl, 255);
	assert_true(ev.has & EV_HAS_ICMP);
	/* IPv6 extension headers printed as OPT ( ) before PROTO */
	assert_int_equal(parse("Dec 20 20:10:01 rohan kernel: [  449.059230] DROP IN=eth0 OUT= "
			       "SRC=2012:1234:1234::1 DST=2012:1234:1234::2 LEN=132 TC=0 HOPLIMIT=64 "
			       "FLOWLBL=0 OPT ( ) OPT ( ) PROTO=TCP SPT=58537 DPT=1234 WINDOW=8192 "
			       "RES=0x00 SYN URGP=0 ",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.dport, 1234);
	assert_int_equal(ev.tcp_opts.n, 0);
}

static void icmp_error_embeds_packet(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: REJECT IN=eth0 OUT= SRC=203.0.113.9 "
			       "DST=192.0.2.1 LEN=56 TOS=0x00 PREC=0x00 TTL=60 ID=0 PROTO=ICMP TYPE=3 "
			       "CODE=3 [SRC=192.0.2.1 DST=203.0.113.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 "
			       "ID=1 PROTO=UDP SPT=53 DPT=33434 LEN=8 ] ",
			       &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "203.0.113.9");
	assert_addr(&ev.dst, "192.0.2.1");
	assert_int_equal(ev.proto, EV_PROTO_ICMP);
	assert_int_equal(ev.icmp_type, 3);
	assert_int_equal(ev.icmp_code, 3);
	assert_false(ev.has & EV_HAS_DPORT);
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
}

static void other_protocols(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Mar 15 20:59:04 linux kernel: DROP IN=eth0 OUT= SRC=192.168.10.55 "
			       "DST=192.168.10.1 LEN=20 TOS=0x00 PREC=0x00 TTL=48 ID=27713 PROTO=ESP "
			       "INCOMPLETE [0 bytes] ",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.proto, EV_PROTO_ESP);
	assert_int_equal(parse("Mar 15 20:59:04 linux kernel: DROP IN=eth0 OUT= SRC=192.168.10.55 "
			       "DST=192.168.10.1 LEN=20 TTL=48 PROTO=47 ",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.proto, EV_PROTO_GRE);
	/* a fragment carries no ports */
	assert_int_equal(parse("Mar 15 20:59:04 linux kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 "
			       "DST=5.6.7.8 LEN=20 TTL=48 ID=9 FRAG=185 PROTO=UDP ",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.proto, EV_PROTO_UDP);
	assert_false(ev.has & EV_HAS_DPORT);
}

static void actions_from_prefix(void **state)
{
	(void)state;
	struct {
		const char *prefix;
		int action;
	} cases[] = {
		{ "[UFW BLOCK] ", EV_ACTION_BLOCKED }, { "[UFW ALLOW] ", EV_ACTION_ALLOWED },
		{ "[UFW AUDIT] ", EV_ACTION_OTHER },   { "FINAL_REJECT: ", EV_ACTION_BLOCKED },
		{ "filter_IN_public_REJECT: ", EV_ACTION_BLOCKED },
		{ "accept-ssh ", EV_ACTION_ALLOWED },  { "", EV_ACTION_UNKNOWN },
		{ "mystery ", EV_ACTION_UNKNOWN },
		{ "[UFW BLOCK] ", EV_ACTION_BLOCKED }, { "[UFW ALLOW] ", EV_ACTION_ALLOWED },
		{ "mysterx ", EV_ACTION_UNKNOWN },     { "[UFW ALLOW] ", EV_ACTION_ALLOWED },
		{ "accept-ssh ", EV_ACTION_ALLOWED },  { "[UFW AUDIT] ", EV_ACTION_OTHER },
		{ "[UFW BLOCK] ", EV_ACTION_BLOCKED },
		{ "a DROP z ", EV_ACTION_BLOCKED },    { "a LOOP z ", EV_ACTION_UNKNOWN },
		{ "a DROP z ", EV_ACTION_BLOCKED },
	};
	/* the same prefixes again, interleaved, some of one length, the last
	 * three alike in length, ends and middle (parsing remembers recent
	 * prefixes' actions) */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char line[512];
		snprintf(line, sizeof line,
			 "Mar 1 00:00:00 gw kernel: %sIN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TTL=1 "
			 "PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0",
			 cases[i].prefix);
		struct event ev;
		const char *why;
		assert_int_equal(parse(line, &ev, &why), PARSE_OK);
		assert_int_equal(ev.action, cases[i].action);
	}
}

static void malformed_and_skipped(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse("Mar 1 00:00:00 gw sshd[12]: Accepted publickey for root", &ev, &why),
			 PARSE_SKIP);
	assert_int_equal(parse("", &ev, &why), PARSE_SKIP);
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: DROP IN=eth0 OUT= SRC=1.2.3. DST=5.6.7.8 "
			       "PROTO=TCP SPT=1 DPT=2",
			       &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "bad SRC address");
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 "
			       "LEN=40 PROTO=TCP SPT=1",
			       &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "truncated: no ports");
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=4",
			       &ev, &why),
			 PARSE_BAD);
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 "
			       "PROTO=TCP SPT=1 DPT=99999",
			       &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "bad DPT");
	assert_int_equal(parse("Mar 1 00:00:00 gw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=::1 PROTO=2",
			       &ev, &why),
			 PARSE_BAD);
	/* dmesg without wall-clock time */
	assert_int_equal(parse("[  449.059230] DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=2", &ev,
			       &why),
			 PARSE_BAD);
	assert_string_equal(why, "no wall-clock timestamp");
	/* before 1970: not a time the store can order */
	assert_int_equal(parse("1970-01-01T00:00:00+01:00 gw kernel: IN=eth0 OUT= SRC=1.2.3.4 "
			       "DST=5.6.7.8 LEN=40 TTL=1 PROTO=UDP SPT=1 DPT=2",
			       &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "timestamp out of range");
}

/* Every prefix of a valid line parses or is refused, never crashes (ASan). */
static void every_truncation_is_safe(void **state)
{
	(void)state;
	const char *line = "2015-03-07T05:09:30.045015+02:00 host kernel: [1.5] X IN=eth0 OUT= "
			   "MAC=00:01 SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 "
			   "FLOWLBL=0 OPT ( ) PROTO=TCP SPT=1 DPT=2 WINDOW=3 RES=0x00 SYN URGP=0 "
			   "OPT (0204) [SRC=1.2.3.4 ]";
	size_t n = strlen(line);
	for (size_t k = 0; k <= n; k++) {
		char *copy = malloc(k ? k : 1); /* exact size: ASan sees any overread */
		memcpy(copy, line, k);
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, 0, REF_2024);
		struct event ev;
		const char *why = NULL;
		int rc = parse_line(&ctx, PARSE_AUTO, copy, k, &ev, &why);
		assert_true(rc == PARSE_OK || rc == PARSE_BAD || rc == PARSE_SKIP);
		if (rc != PARSE_OK)
			assert_non_null(why);
		free(copy);
	}
}

static void other_envelopes(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	const char *tail = "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TTL=1 PROTO=UDP SPT=1 DPT=2";
	char line[512];
	snprintf(line, sizeof line, "<4>1 2024-02-03T04:05:06.5Z fw kernel - - - %s", tail);
	assert_int_equal(parse(line, &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2024-02-03 04:05:06.500000");
	assert_str(ev.device, "fw");
	snprintf(line, sizeof line, "<4>Feb  3 04:05:06 fw kernel: %s", tail);
	assert_int_equal(parse(line, &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2024-02-03 04:05:06.000000");
	snprintf(line, sizeof line, "[Sat Feb  3 04:05:06 2024] %s", tail);
	assert_int_equal(parse(line, &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2024-02-03 04:05:06.000000");
	assert_int_equal(ev.device.n, 0);
	snprintf(line, sizeof line, "kern.log:Feb  3 04:05:06 fw kernel: [ 5.0] %s", tail);
	assert_int_equal(parse(line, &ev, &why), PARSE_OK);
	assert_str(ev.device, "fw");
}

static void year_inference(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	const char *tail = "gw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TTL=1 PROTO=UDP SPT=1 DPT=2";
	char l1[256], l2[256];
	snprintf(l1, sizeof l1, "Dec 31 23:59:00 %s", tail);
	snprintf(l2, sizeof l2, "Jan  1 00:01:00 %s", tail);
	/* file last written 2024-01-05: December is the year before */
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 0, 1704412800);
	assert_int_equal(parse_line(&ctx, PARSE_AUTO, l1, strlen(l1), &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2023-12-31 23:59:00.000000");
	assert_int_equal(parse_line(&ctx, PARSE_AUTO, l2, strlen(l2), &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2024-01-01 00:01:00.000000");
	/* --year 2023 names the first line's year; the step to January advances it */
	parse_ctx_init(&ctx, 2023, 0);
	assert_int_equal(parse_line(&ctx, PARSE_AUTO, l1, strlen(l1), &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2023-12-31 23:59:00.000000");
	assert_int_equal(parse_line(&ctx, PARSE_AUTO, l2, strlen(l2), &ev, &why), PARSE_OK);
	assert_time(ev.ts_us, "2024-01-01 00:01:00.000000");
}

static void local_time_zone(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	struct event ev;
	const char *why;
	/* summer time: UTC+2 */
	assert_int_equal(parse("Jul  1 12:00:00 gw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=1 "
			       "TTL=1 PROTO=2",
			       &ev, &why),
			 PARSE_OK);
	assert_time(ev.ts_us, "2023-07-01 10:00:00.000000"); /* July is after the March mtime */
	test_utc();
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_syn_rfc3164),
		cmocka_unit_test(rfc3339_with_zone),
		cmocka_unit_test(glued_prefix_and_bridge),
		cmocka_unit_test(ipv6_and_icmpv6),
		cmocka_unit_test(icmp_error_embeds_packet),
		cmocka_unit_test(other_protocols),
		cmocka_unit_test(actions_from_prefix),
		cmocka_unit_test(malformed_and_skipped),
		cmocka_unit_test(every_truncation_is_safe),
		cmocka_unit_test(other_envelopes),
		cmocka_unit_test(year_inference),
		cmocka_unit_test(local_time_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
