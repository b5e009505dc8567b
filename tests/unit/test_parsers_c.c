/* test_parsers_c.c - pointed checks of the key=value and home-router
 * parsers: the cases that are easy to get wrong. */
#include "testutil.h"

#include "event.h"
#include "parse/parse.h"
#include "util/timearg.h"

static int parse_as(const char *fmt, const char *line, struct event *ev, const char **why)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	*why = NULL;
	int f = fmt ? parse_format_find(fmt) : PARSE_AUTO;
	assert_true(f != -1);
	return parse_line(&ctx, f, line, strlen(line), ev, why);
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

static const char *fmt_of(const struct event *ev)
{
	return parse_formats[ev->format]->name;
}

static void fortigate_tz_and_vpn_ends(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	/* a PRI glued to the first key, tz= applied */
	assert_int_equal(parse_as(NULL, "<190>date=2024-08-28 time=10:33:52 devname=\"FW\" devid=\"FG1\" "
				  "logid=\"0000000013\" type=\"traffic\" tz=\"+0200\" srcip=10.2.3.4 "
				  "srcport=59968 dstip=10.3.2.1 dstport=8443 proto=6 action=\"deny\" policyid=15",
				  &ev, &why),
			 PARSE_OK);
	assert_string_equal(fmt_of(&ev), "fortigate");
	char buf[40];
	assert_string_equal(fmt_utc(ev.ts_us, buf, 1), "2024-08-28 08:33:52.000000");
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_str(ev.rule, "15");
	/* VPN event: the remote peer is the source */
	assert_int_equal(parse_as(NULL, "date=2024-04-03 time=17:38:00 devname=\"FW\" devid=\"FG1\" "
				  "logid=\"0101037120\" type=\"event\" subtype=\"vpn\" action=\"negotiate\" "
				  "remip=172.20.114.249 locip=172.20.121.252 remport=500 locport=4500",
				  &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "172.20.114.249");
	assert_int_equal(ev.sport, 500);
	assert_addr(&ev.dst, "172.20.121.252");
	assert_int_equal(ev.dport, 4500);
	assert_int_equal(ev.action, EV_ACTION_OTHER);
	/* an event without both ends is not a packet */
	assert_int_equal(parse_as(NULL, "date=2024-04-03 time=17:38:00 devname=\"FW\" devid=\"FG1\" "
				  "logid=\"0100032009\" type=\"event\" msg=\"update\"",
				  &ev, &why),
			 PARSE_SKIP);
}

static void sonicwall_ends(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	/* empty IPv4 with a port, the address in srcV6=/dstV6= */
	assert_int_equal(parse_as(NULL, "id=firewall sn=X time=\"2007-01-03 14:48:22\" fw=1.1.1.1 pri=6 "
				  "m=98 msg=\"Connection Opened\" src=:28503:WAN:SOURCEHOST "
				  "srcV6=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 dst=::LAN:DSTHOST "
				  "proto=tcp/dns dstV6=::1",
				  &ev, &why),
			 PARSE_OK);
	assert_string_equal(fmt_of(&ev), "sonicwall");
	assert_addr(&ev.src, "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
	assert_int_equal(ev.sport, 28503);
	assert_addr(&ev.dst, "::1");
	assert_false(ev.has & EV_HAS_DPORT);
	assert_str(ev.in_if, "WAN");
	assert_str(ev.out_if, "LAN");
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
	assert_int_equal(ev.action, EV_ACTION_ALLOWED);
	/* an address without port, an interface without address */
	assert_int_equal(parse_as("sonicwall", "id=firewall sn=X time=\"2019-02-27 12:55:40 UTC\" m=1197 "
				  "src=10.12.14.9::X500 dst=81.2.69.144::X3 proto=icmp",
				  &ev, &why),
			 PARSE_OK);
	assert_false(ev.has & (EV_HAS_SPORT | EV_HAS_DPORT));
	assert_str(ev.in_if, "X500");
	assert_int_equal(ev.proto, EV_PROTO_ICMP);
	assert_int_equal(ev.action, EV_ACTION_OTHER);
	/* fw_action says drop */
	assert_int_equal(parse_as("sonicwall", "id=firewall sn=X time=\"2022-02-24 03:29:07\" m=609 "
				  "src=216.160.83.61:54192:X20 dst=1.2.3.4:8080:X20 fw_action=\"drop\"",
				  &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_int_equal(parse_as("sonicwall", "id=firewall sn=X time=\"2022-02-24 03:29:07\" "
				  "src=1.2.3.4:99999:X1 dst=1.2.3.5:1:X1", &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "bad src");
}

static void sophos_spaced_protocol_and_atp(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as(NULL, "device=\"SFW\" date=2018-06-05 time=08:49:00 timezone=\"BST\" "
				  "device_name=\"XG310\" log_id=086320518009 log_type=\"ATP\" "
				  "log_component=\"Firewall\" log_subtype=\"Alert\" protocol=\" ICMP\" "
				  "src_port=0 dst_port=0 sourceip=10.198.32.89 destinationip=81.2.69.193",
				  &ev, &why),
			 PARSE_OK);
	assert_string_equal(fmt_of(&ev), "sophos");
	assert_int_equal(ev.proto, EV_PROTO_ICMP);
	assert_addr(&ev.src, "10.198.32.89");
	assert_int_equal(ev.sport, 0);
	assert_true(ev.has & EV_HAS_SPORT);
	assert_int_equal(ev.action, EV_ACTION_OTHER);
	assert_str(ev.device, "XG310");
	/* status= decides over log_subtype=; an unterminated quote runs to the end */
	assert_int_equal(parse_as("sophos", "device=\"SFW\" date=2018-06-05 time=08:49:00 "
				  "log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Denied\" "
				  "status=\"Allow\" src_ip=1.2.3.4 dst_ip=5.6.7.8 protocol=\"UDP\" "
				  "src_port=1 dst_port=2 appresolvedby=\"Signature",
				  &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.action, EV_ACTION_ALLOWED);
}

static void mikrotik_nat_and_tag(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	/* the translated pair is not the packet */
	assert_int_equal(parse_as(NULL, "Mar 10 10:11:15 gw firewall,info forward: in:bridge out:ether1, "
				  "connection-state:new,snat src-mac 00:0c:42:44:55:66, proto TCP (SYN,ACK), "
				  "192.168.88.10:50123->198.51.100.9:443, NAT (192.168.88.10:50123->"
				  "198.51.100.1:50123)->198.51.100.9:443, len 52",
				  &ev, &why),
			 PARSE_OK);
	assert_string_equal(fmt_of(&ev), "mikrotik");
	assert_addr(&ev.src, "192.168.88.10");
	assert_int_equal(ev.tcp_flags, EV_TCP_SYN | EV_TCP_ACK);
	assert_str(ev.rule, "forward");
	assert_str(ev.out_if, "ether1");
	/* no topics, no prefix: syslog takes "input:" for the tag */
	assert_int_equal(parse_as(NULL, "Mar 10 10:11:23 gw input: in:ether1 out:(unknown 0), "
				  "proto UDP, 203.0.113.15:1->198.51.100.1:161, len 44",
				  &ev, &why),
			 PARSE_OK);
	assert_str(ev.rule, "input");
	assert_str(ev.in_if, "ether1");
	assert_int_equal(ev.out_if.n, 0);
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
}

static void netgear_has_no_destination(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as(NULL, "[DoS Attack: SYN/ACK Scan] from source: 203.0.113.7, port 80, "
				  "Sunday, March 10,2024 10:11:12",
				  &ev, &why),
			 PARSE_OK);
	assert_string_equal(fmt_of(&ev), "netgear");
	assert_int_equal(ev.sport, 80);
	assert_false(ev.has & EV_HAS_DPORT);
	assert_int_equal(ev.dst.family, 0);
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	char buf[40];
	assert_string_equal(fmt_utc(ev.ts_us, buf, 1), "2024-03-10 10:11:12.000000");
}

static void linksys_bare_trap_payload(void **state)
{
	(void)state;
	/* What the SNMP receiver hands over: the payload alone, no envelope. */
	const char *payload = "@in TCP from scanner(203.0.113.9):6000 to 192.168.1.100:1433";
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	struct syslog_msg m;
	syslog_parse(&ctx, payload, strlen(payload), &m);
	int f = parse_format_find("linksys");
	assert_true(f >= 0);
	assert_true(parse_formats[f]->detect(&m));
	struct event ev;
	event_clear(&ev);
	const char *why = NULL;
	assert_int_equal(parse_formats[f]->parse(&ctx, &m, &ev, &why), PARSE_OK);
	assert_addr(&ev.src, "203.0.113.9");
	assert_int_equal(ev.sport, 6000);
	assert_int_equal(ev.dport, 1433);
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
	assert_int_equal(ev.action, EV_ACTION_UNKNOWN);
	/* the older form with an arrow */
	const char *old = "@out 192.168.1.104 1026 -> 198.51.100.10 25";
	syslog_parse(&ctx, old, strlen(old), &m);
	event_clear(&ev);
	assert_int_equal(parse_formats[f]->parse(&ctx, &m, &ev, &why), PARSE_OK);
	assert_int_equal(ev.dport, 25);
	assert_int_equal(ev.direction_hint, EV_DIR_OUTBOUND);
}

static void unifi_suffix_decides(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	const char *cases[][2] = { { "[WAN_IN-default-D]", "blocked" }, { "[LAN_LOCAL-4000-A]", "allowed" },
				   { "[WAN_IN-20-R]", "blocked" } };
	for (size_t i = 0; i < 3; i++) {
		char line[400];
		snprintf(line, sizeof line, "Jan  5 20:17:05 fw kernel: %sIN=eth0 OUT= SRC=1.2.3.4 "
			 "DST=5.6.7.8 LEN=40 TTL=1 PROTO=TCP SPT=1 DPT=2", cases[i][0]);
		assert_int_equal(parse_as(NULL, line, &ev, &why), PARSE_OK);
		assert_string_equal(ev_action_name(ev.action), cases[i][1]);
	}
}

/* Every prefix of each example is parsed or refused, never overread (ASan). */
static void truncations_are_safe(void **state)
{
	(void)state;
	static const char *const names[] = { "fortigate", "sonicwall", "sophos", "mikrotik",
					     "netgear", "dlink", "zyxel", "linksys" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int f = parse_format_find(names[i]);
		assert_true(f >= 0);
		const char *line = parse_formats[f]->example;
		size_t n = strlen(line);
		struct event ev;
		const char *why;
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, 2024, 0);
		assert_int_equal(parse_line(&ctx, PARSE_AUTO, line, n, &ev, &why), PARSE_OK);
		assert_int_equal(ev.format, f);
		for (size_t k = 0; k <= n; k++) {
			char *copy = malloc(k ? k : 1);
			memcpy(copy, line, k);
			parse_ctx_init(&ctx, 2024, 0);
			why = NULL;
			int rc = parse_line(&ctx, f, copy, k, &ev, &why);
			assert_true(rc == PARSE_OK || rc == PARSE_BAD || rc == PARSE_SKIP);
			if (rc != PARSE_OK)
				assert_non_null(why);
			free(copy);
		}
	}
}

/* Found by fuzz_netgear: a forced netgear parse of a message starting with
 * ']' made a rule slice of length -1. */
static void netgear_forced_on_a_stray_bracket(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	static const char *const lines[] = {
		"] from 203.0.113.15:41890 to 192.168.1.2:22, Sunday, March 10,2024 10:11:21",
		"] from source: 203.0.113.3, port 80, Sunday, Mar 10,2024 10:11:12",
		"]",
		"x] [DoS Attack: SYN Scan] from source: 203.0.113.3, port 80",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		int rc = parse_as("netgear", lines[i], &ev, &why);
		assert_int_not_equal(rc, PARSE_OK);
		assert_non_null(why);
	}
}

/* Found by fuzz_mikrotik: a segment of just "->" was compared with "NAT"
 * past its end. */
static void mikrotik_short_pair_segment(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	static const char *const lines[] = {
		"M: in:1 out:bdg,->",
		"forward: in:ether1 out:bridge, ->",
		"forward: in:ether1 out:bridge,->,",
	};
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1710892800);
	int f = parse_format_find("mikrotik");
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		/* exactly the line's bytes on the heap: ASan sees a read past it */
		size_t n = strlen(lines[i]);
		char *copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, lines[i], n);
		why = NULL;
		int rc = parse_line(&ctx, f, copy, n, &ev, &why);
		free(copy);
		assert_int_not_equal(rc, PARSE_OK);
		assert_non_null(why);
	}
}

/* Found by fuzz_zyxel (a 1 s run in make test): a zone of three letters
 * ending the line, "WLA", was compared with "WLAN" one byte past it. */
static void zyxel_zone_cut_short(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Mar 10 10:11:12 usg src=\"203.0.113.7:51515\" dst=\"192.0.2.1:23\" "
		"msg=\"x\" note=\"ACCESS BLOCK\" dir=LAN:WLA",
		"Mar 10 10:11:12 usg src=\"203.0.113.7:51515\" dst=\"192.0.2.1:23\" "
		"msg=\"x\" note=\"ACCESS BLOCK\" dir=WLA:LAN",
		"Mar 10 10:11:12 usg src=\"203.0.113.7:51515\" dst=\"192.0.2.1:23\" "
		"msg=\"x\" note=\"ACCESS BLOCK\" dir=WAN:WLAN",
	};
	static const int hint[] = { EV_DIR_UNKNOWN, EV_DIR_UNKNOWN, EV_DIR_INBOUND };
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1710892800);
	int f = parse_format_find("zyxel");
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		/* exactly the line's bytes on the heap: ASan sees a read past it */
		size_t n = strlen(lines[i]);
		char *copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, lines[i], n);
		struct event ev;
		const char *why = NULL;
		int rc = parse_line(&ctx, f, copy, n, &ev, &why);
		free(copy);
		assert_int_equal(rc, PARSE_OK);
		assert_int_equal(ev.direction_hint, hint[i]);
	}
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fortigate_tz_and_vpn_ends),
		cmocka_unit_test(sonicwall_ends),
		cmocka_unit_test(sophos_spaced_protocol_and_atp),
		cmocka_unit_test(mikrotik_nat_and_tag),
		cmocka_unit_test(netgear_has_no_destination),
		cmocka_unit_test(linksys_bare_trap_payload),
		cmocka_unit_test(unifi_suffix_decides),
		cmocka_unit_test(truncations_are_safe),
		cmocka_unit_test(netgear_forced_on_a_stray_bracket),
		cmocka_unit_test(mikrotik_short_pair_segment),
		cmocka_unit_test(zyxel_zone_cut_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
