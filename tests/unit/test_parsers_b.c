/* test_parsers_b.c - the vendor parsers' trickiest cases, field by field:
 * ASA direction words and the 106100 hit-count forms, SRX structured versus
 * plain, PAN-OS quoted columns, Check Point's layered rules, CEF escaping. */
#include "testutil.h"

#include "event.h"
#include "parse/parse.h"

static int parse_as(const char *fmt, const char *line, struct event *ev, const char **why)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1710892800);
	*why = NULL;
	int f = parse_format_find(fmt);
	assert_true(f >= 0);
	/* Auto-detection must pick the same format. */
	struct event ev2;
	const char *why2 = NULL;
	int rc = parse_line(&ctx, PARSE_AUTO, line, strlen(line), &ev2, &why2);
	if (rc == PARSE_OK)
		assert_string_equal(parse_formats[ev2.format]->name, fmt);
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

static void assert_ports(const struct event *ev, int sport, int dport)
{
	assert_int_equal(!!(ev->has & EV_HAS_SPORT), sport >= 0);
	assert_int_equal(!!(ev->has & EV_HAS_DPORT), dport >= 0);
	if (sport >= 0)
		assert_int_equal(ev->sport, sport);
	if (dport >= 0)
		assert_int_equal(ev->dport, dport);
}

/* 302013: "inbound" keeps for->to; "outbound" means the 'to' side started it. */
static void asa_302013_direction_words(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:23 fw01 : %ASA-6-302013: Built inbound "
				  "TCP connection 1 for outside:203.0.113.15/51515 (203.0.113.15/51515) "
				  "to inside:192.0.2.50/443 (198.51.100.50/443)", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "203.0.113.15");
	assert_addr(&ev.dst, "192.0.2.50");
	assert_ports(&ev, 51515, 443);
	assert_str(ev.in_if, "outside");
	assert_str(ev.out_if, "inside");
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
	assert_int_equal(ev.action, EV_ACTION_ALLOWED);
	assert_str(ev.device, "fw01");

	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:24 fw01 : %ASA-6-302013: Built outbound "
				  "TCP connection 2 for outside:2001:db8:9::1/443 (2001:db8:9::1/443) "
				  "to inside:2001:db8:2::30/50123 (2001:db8:2::30/50123)", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "2001:db8:2::30");
	assert_addr(&ev.dst, "2001:db8:9::1");
	assert_ports(&ev, 50123, 443);
	assert_str(ev.in_if, "inside");
	assert_str(ev.out_if, "outside");
	assert_int_equal(ev.direction_hint, EV_DIR_OUTBOUND);

	/* Teardown: no direction word, endpoints as logged. */
	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:25 fw01 : %ASA-6-302014: Teardown TCP "
				  "connection 2 for outside:198.51.100.80/80 to inside:192.0.2.51/49152 "
				  "duration 0:00:05 bytes 1534 TCP FINs", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "198.51.100.80");
	assert_int_equal(ev.direction_hint, EV_DIR_UNKNOWN);
	assert_int_equal(ev.action, EV_ACTION_OTHER);
}

/* 106100: "first hit" and "N-second interval" forms, IPv6, and the
 * interface/address(port) endpoint with a user name glued to it. */
static void asa_106100_hit_count_forms(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:21 fw01 : %ASA-6-106100: access-list "
				  "inside_out permitted udp inside/192.0.2.41(1025)(LOCAL\\\\bob) -> "
				  "outside/198.51.100.53(53) hit-cnt 12 300-second interval "
				  "[0x1b2c3d4e, 0x0]", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "192.0.2.41");
	assert_addr(&ev.dst, "198.51.100.53");
	assert_ports(&ev, 1025, 53);
	assert_int_equal(ev.proto, EV_PROTO_UDP);
	assert_str(ev.rule, "inside_out");
	assert_str(ev.in_if, "inside");
	assert_str(ev.out_if, "outside");
	assert_int_equal(ev.action, EV_ACTION_ALLOWED);

	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:22 fw01 : %ASA-6-106100: access-list "
				  "outside_in denied tcp outside/2001:db8:1::9(51000) -> "
				  "inside/2001:db8:2::20(443) hit-cnt 1 first hit [0x0, 0x0]", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "2001:db8:1::9");
	assert_addr(&ev.dst, "2001:db8:2::20");
	assert_ports(&ev, 51000, 443);
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);

	/* A port no TCP has: malformed, with a reason. */
	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:22 fw01 : %ASA-6-106100: access-list "
				  "outside_in denied tcp outside/203.0.113.1(51000) -> "
				  "inside/192.0.2.1(123123) hit-cnt 1 first hit [0x0, 0x0]", &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "port out of range");
}

/* The ASA's own "Mmm dd yyyy hh:mm:ss:" stamp, and 733100 skipped with a reason. */
static void asa_own_timestamp_and_733100(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	setenv("TZ", "UTC", 1);
	assert_int_equal(parse_as("asa", "<164>Mar 11 2024 20:35:35: %ASA-4-106023: Deny udp src "
				  "outside:203.0.113.21/123 dst inside:192.0.2.80/123 by access-group "
				  "\"outside_access_in\" [0x0, 0x0]", &ev, &why),
			 PARSE_OK);
	assert_true(ev.has & EV_HAS_TS);
	assert_int_equal(ev.ts_us, (int64_t)1710189335 * 1000000);
	assert_str(ev.rule, "outside_access_in");
	assert_int_equal(parse_as("asa", "Mar 11 2024 20:35:32 fw01 : %ASA-4-733100: [ Scanning] "
				  "drop rate-1 exceeded. Current burst rate is 10 per second", &ev, &why),
			 PARSE_SKIP);
	assert_non_null(strstr(why, "733100"));
}

/* SRX: the same deny, structured and plain, gives the same event. */
static void srx_structured_vs_plain(void **state)
{
	(void)state;
	struct event a, b;
	const char *why;
	assert_int_equal(parse_as("srx", "<14>1 2024-03-11T20:35:12.000Z srx1 RT_FLOW - "
				  "RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.40 source-address="
				  "\"203.0.113.8\" source-port=\"2048\" destination-address="
				  "\"198.51.100.2\" destination-port=\"1\" service-name=\"icmp\" "
				  "protocol-id=\"1\" icmp-type=\"8\" policy-name=\"default-deny\" "
				  "packet-incoming-interface=\"ge-0/0/0.0\" reason=\"Denied by policy\"]",
				  &a, &why),
			 PARSE_OK);
	assert_int_equal(parse_as("srx", "Mar 11 20:35:12 srx1 RT_FLOW: RT_FLOW_SESSION_DENY: "
				  "session denied 203.0.113.8/2048->198.51.100.2/1 icmp 1(8) "
				  "default-deny untrust junos-host UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 "
				  "No policy deny", &b, &why),
			 PARSE_OK);
	const struct event *e[2] = { &a, &b };
	for (int i = 0; i < 2; i++) {
		assert_addr(&e[i]->src, "203.0.113.8");
		assert_addr(&e[i]->dst, "198.51.100.2");
		assert_ports(e[i], 2048, 1);
		assert_int_equal(e[i]->proto, EV_PROTO_ICMP);
		assert_true(e[i]->has & EV_HAS_ICMP);
		assert_int_equal(e[i]->icmp_type, 8);
		assert_str(e[i]->rule, "default-deny");
		assert_str(e[i]->in_if, "ge-0/0/0.0");
		assert_int_equal(e[i]->action, EV_ACTION_BLOCKED);
		assert_str(e[i]->device, "srx1");
	}
	/* Plain CREATE of a newer release: "source rule" has a space, so the
	 * protocol is found counting back from username(roles). */
	assert_int_equal(parse_as("srx", "Mar 11 20:35:19 srx1 RT_FLOW: RT_FLOW_SESSION_CREATE: "
				  "session created 192.0.2.11/51003->198.51.100.83/80 0x0 junos-http "
				  "198.51.100.2/31003->198.51.100.83/80 0x0 source rule r1 N/A N/A 17 "
				  "trust-to-untrust trust untrust 40006 N/A(N/A) ge-0/0/1.0 HTTP UNKNOWN No",
				  &a, &why),
			 PARSE_OK);
	assert_int_equal(a.proto, EV_PROTO_UDP);
	assert_str(a.rule, "trust-to-untrust");
	assert_str(a.in_if, "ge-0/0/1.0");
	assert_int_equal(a.action, EV_ACTION_ALLOWED);
	assert_ports(&a, 51003, 80);
}

/* PAN-OS: a quoted rule name with a comma does not shift the columns. */
static void panos_quoted_column(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as("panos", "1,2024/03/11 20:35:23,0128,TRAFFIC,deny,2561,2024/03/11 "
				  "20:35:23,203.0.113.11,198.51.100.2,0.0.0.0,0.0.0.0,\"block, then log\""
				  ",,,telnet,vsys1,untrust,trust,ethernet1/1,,default,2024/03/11 20:35:23,"
				  "1,1,40003,23,0,0,0x0,tcp,reset-both,60", &ev, &why),
			 PARSE_OK);
	assert_str(ev.rule, "block, then log");
	assert_ports(&ev, 40003, 23);
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_str(ev.in_if, "ethernet1/1");
	assert_int_equal(ev.out_if.n, 0);
	assert_str(ev.device, "0128");
}

/* Check Point: ifdir says which interface, the last rule_name decided. */
static void checkpoint_interface_and_layers(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as("checkpoint", "<134>1 2024-03-11T20:35:17Z gw1 CheckPoint 1 - "
				  "[action:\"Accept\"; ifdir:\"outbound\"; ifname:\"eth4\"; time:"
				  "\"1710189317\"; dst:\"192.0.2.20\"; proto:\"17\"; rule_name:\"Servers\"; "
				  "rule_name:\"LDAP in\"; service:\"389\"; src:\"192.0.2.12\"]", &ev, &why),
			 PARSE_OK);
	assert_str(ev.rule, "LDAP in");
	assert_str(ev.out_if, "eth4");
	assert_int_equal(ev.in_if.n, 0);
	assert_ports(&ev, -1, 389);
	assert_int_equal(ev.direction_hint, EV_DIR_UNKNOWN);
	assert_int_equal(ev.ts_us, (int64_t)1710189317 * 1000000);
}

/* CEF: \| in the header, \= and \\ in values do not split anything. */
static void cef_escaping(void **state)
{
	(void)state;
	struct event ev;
	const char *why;
	assert_int_equal(parse_as("cef", "CEF:0|Exa\\|mple|Fire\\\\wall|1.0|103|Denied \\| logged|5|"
				  "msg=rule a\\=b matched, path C:\\\\temp src=203.0.113.9 "
				  "spt=40002 dst=198.51.100.2 dpt=23 proto=TCP act=deny cs1Label=Rule "
				  "cs1=a\\=b deviceDirection=0 rt=1710189316000", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "203.0.113.9");
	assert_addr(&ev.dst, "198.51.100.2");
	assert_ports(&ev, 40002, 23);
	assert_str(ev.rule, "a\\=b");
	assert_int_equal(ev.action, EV_ACTION_BLOCKED);
	assert_int_equal(ev.direction_hint, EV_DIR_INBOUND);
	assert_int_equal(ev.ts_us, (int64_t)1710189316 * 1000000);

	assert_int_equal(parse_as("cef", "CEF:0|V|P|1|1|N|5|rt=1710189316000 msg=x\\=y "
				  "src=203.0.113.1 dst=198.51.100.2 proto=UDP", &ev, &why),
			 PARSE_OK);
	assert_addr(&ev.src, "203.0.113.1");
	assert_int_equal(ev.proto, EV_PROTO_UDP);
	assert_int_equal(parse_as("cef", "CEF:0|V|P|1|1|N\\|5|src=203.0.113.1 dst=198.51.100.2",
				  &ev, &why),
			 PARSE_BAD);
	assert_string_equal(why, "truncated CEF header (fewer than 8 fields)");
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(asa_302013_direction_words),
		cmocka_unit_test(asa_106100_hit_count_forms),
		cmocka_unit_test(asa_own_timestamp_and_733100),
		cmocka_unit_test(srx_structured_vs_plain),
		cmocka_unit_test(panos_quoted_column),
		cmocka_unit_test(checkpoint_interface_and_layers),
		cmocka_unit_test(cef_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
