/* test_psad_extra.c - the pieces behind psad's remaining checks: the netfilter
 * fields they need (DF, IP option records), the passive OS guess (osfp.c),
 * the payload size rule of the SPA signature, the block list lookup, and
 * merging the two parts of a scan split across imports (finding_merge.c). */
#include "testutil.h"

#include "classify/blocklist.h"
#include "classify/osfp.h"
#include "classify/signature.h"
#include "finding.h"
#include "parse/parse.h"

static void parse_ok(const char *line, struct event *ev)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	const char *why = NULL;
	event_clear(ev);
	int rc = parse_line(&ctx, PARSE_AUTO, line, strlen(line), ev, &why);
	if (rc != PARSE_OK)
		fail_msg("did not parse (%s): %s", why ? why : "?", line);
}

#define V4_SYN(ttl, df, len, win, opts)                                                      \
	"Mar 11 20:35:11 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.1 LEN=" len  \
	" TOS=0x00 PREC=0x00 TTL=" ttl " ID=1 " df "PROTO=TCP SPT=40000 DPT=80 WINDOW=" win     \
	" RES=0x00 SYN URGP=0 " opts

static void netfilter_df_and_ip_options(void **state)
{
	(void)state;
	struct event ev;
	parse_ok(V4_SYN("64", "DF ", "60", "29200", "OPT (020405B40402080A000000000000000001030307)"),
		 &ev);
	assert_true(ev.has & EV_HAS_IP_FLAGS);
	assert_int_equal(ev.ip_flags & EV_IP_DF, EV_IP_DF);
	assert_int_equal(ev.ip_opts, 0);
	parse_ok(V4_SYN("64", "", "44", "1024", "OPT (020405B4)"), &ev);
	assert_int_equal(ev.ip_flags & EV_IP_DF, 0);
	/* Topera's packets: nine empty IPv6 option headers before PROTO */
	parse_ok("Dec 20 20:10:01 rohan kernel: DROP IN=eth0 OUT= SRC=2012:1234:1234::1 "
		 "DST=2012:1234:1234::2 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) OPT ( ) "
		 "OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) PROTO=TCP SPT=58537 DPT=1234 "
		 "WINDOW=8192 RES=0x00 SYN URGP=0",
		 &ev);
	assert_int_equal(ev.ip_opts, 9);
	assert_int_equal(ev.tcp_opts.n, 0); /* IP options are not TCP options */
	assert_int_equal(ev.dport, 1234);
}

static const char *const table[] = {
	"1024,2048,3072,4096 64 0 24 M* | nmap SYN",
	"65535 255 0 20 . | ZMap",
	"mss*10 64 1 40 M*,S,T,N,W* | Linux new",
	"5840,5760 64 * 40 * | Linux 2.6",
	"8192 128 1 32 M*,N,W8,N,N,S | Windows 7",
};

static void load(struct osfp *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		char line[128];
		snprintf(line, sizeof line, "%s", table[i]);
		const char *why = osfp_parse_line(t, line);
		if (why)
			fail_msg("%s: %s", table[i], why);
	}
}

static const char *guess(const struct osfp *t, const char *line)
{
	struct event ev;
	parse_ok(line, &ev);
	int i = osfp_match(t, &ev);
	return i < 0 ? "-" : t->v[i].name;
}

static void os_guess(void **state)
{
	(void)state;
	struct osfp t;
	load(&t);
	/* nmap: small window, one MSS option, no DF, TTL a few hops below 64 */
	assert_string_equal(guess(&t, V4_SYN("53", "", "44", "3072", "OPT (020405B4)")), "nmap SYN");
	/* the same with DF set is not nmap's raw packet */
	assert_string_equal(guess(&t, V4_SYN("53", "DF ", "44", "3072", "OPT (020405B4)")), "-");
	/* a window nmap does not use */
	assert_string_equal(guess(&t, V4_SYN("53", "", "44", "5000", "OPT (020405B4)")), "-");
	/* ZMap: TTL 228 counts as 255 minus 27 hops */
	assert_string_equal(guess(&t, V4_SYN("228", "", "40", "65535", "")), "ZMap");
	/* Linux: window 10 x MSS 1460, options MSS, SACK, timestamps, NOP, wscale 7 */
	assert_string_equal(guess(&t, V4_SYN("61", "DF ", "60", "14600",
					     "OPT (020405B40402080A00A1B2C30000000001030307)")),
			    "Linux new");
	/* same but the window is not 10 x MSS */
	assert_string_equal(guess(&t, V4_SYN("61", "DF ", "60", "14000",
					     "OPT (020405B40402080A00A1B2C30000000001030307)")),
			    "-");
	/* options in Windows' order, wscale 8 */
	assert_string_equal(guess(&t, V4_SYN("121", "DF ", "52", "8192",
					     "OPT (020405B4010303080101 0402)")),
			    "Windows 7");
	/* no options logged (no --log-tcp-options): the header length stands in */
	assert_string_equal(guess(&t, "Mar 17 13:39:13 gw kernel: DROP IN=eth0 OUT= "
				      "SRC=2001:db8::2 DST=2001:db8::1 LEN=80 TC=0 HOPLIMIT=64 "
				      "FLOWLBL=0 PROTO=TCP SPT=46395 DPT=80 WINDOW=5760 RES=0x00 SYN "
				      "URGP=0"),
			    "Linux 2.6");
	/* bad lines say why */
	char bad[] = "1024 63 0 24 M* | x";
	assert_non_null(osfp_parse_line(&t, bad));
	char bad2[] = "1024 64 0 24 M*,Q | x";
	assert_non_null(osfp_parse_line(&t, bad2));
	osfp_free(&t);
}

static void os_table_in_data_loads(void **state)
{
	(void)state;
	const char *path = sigset_default_path();
	assert_non_null(path);
	struct sigset s;
	char err[600];
	if (sigset_load(&s, path, err, sizeof err))
		fail_msg("%s", err);
	assert_true(s.os.n >= 10);
	/* and the SPA signature only takes packets with a payload over 130 bytes */
	struct event ev;
	parse_ok("Feb  9 20:55:06 gw kernel: IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.1 LEN=189 "
		 "TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=UDP SPT=33197 DPT=62201 LEN=169",
		 &ev);
	int i = sigset_match(&s, &ev);
	assert_true(i >= 0);
	assert_true(s.v[i].spa);
	parse_ok("Feb  9 20:55:06 gw kernel: IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.1 LEN=60 "
		 "TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=UDP SPT=33197 DPT=62201 LEN=40",
		 &ev);
	assert_int_equal(sigset_match(&s, &ev), -1);
	sigset_free(&s);
}

static void blocklist_most_specific(void **state)
{
	(void)state;
	struct blocklist b;
	blocklist_init(&b);
	assert_int_equal(blocklist_add(&b, "203.0.113.0/24", "net"), 0);
	assert_int_equal(blocklist_add(&b, "203.0.113.7", "host"), 0);
	assert_int_equal(blocklist_add(&b, "2001:db8::/32", "v6"), 0);
	assert_int_equal(blocklist_add(&b, "10.0.0.0/33", "x"), -1);
	char name[64];
	for (int i = 0; i < 300; i++) { /* enough to grow the hash */
		snprintf(name, sizeof name, "198.51.%d.%d", i / 200, i % 200);
		assert_int_equal(blocklist_add(&b, name, ""), 0);
	}
	struct ev_addr a;
	assert_int_equal(ev_addr_parse(&a, "203.0.113.7", 11), 0);
	assert_string_equal(blocklist_find(&b, &a)->note, "host");
	assert_int_equal(ev_addr_parse(&a, "203.0.113.8", 11), 0);
	assert_string_equal(blocklist_find(&b, &a)->note, "net");
	assert_string_equal(blocklist_find(&b, &a)->cidr, "203.0.113.0/24");
	assert_int_equal(ev_addr_parse(&a, "203.0.114.8", 11), 0);
	assert_null(blocklist_find(&b, &a));
	assert_int_equal(ev_addr_parse(&a, "2001:db8:1::5", 13), 0);
	assert_string_equal(blocklist_find(&b, &a)->note, "v6");
	assert_int_equal(ev_addr_parse(&a, "198.51.1.99", 11), 0);
	assert_non_null(blocklist_find(&b, &a));
	assert_int_equal(ev_addr_parse(&a, "198.51.1.100", 12), 0);
	assert_null(blocklist_find(&b, &a));
	blocklist_free(&b);
}

static struct finding scan(int64_t first_s, int64_t last_s, const char *ports, uint32_t nports,
			   int lo, int hi, const char *hosts, uint32_t nhosts, uint64_t packets)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_SCAN;
	snprintf(f.subject, sizeof f.subject, "203.0.113.9");
	f.first_us = first_s * 1000000;
	f.last_us = last_s * 1000000;
	snprintf(f.shape, sizeof f.shape, "vertical");
	snprintf(f.probe, sizeof f.probe, "SYN");
	f.proto = EV_PROTO_TCP;
	snprintf(f.ports, sizeof f.ports, "%s", ports);
	f.nports = nports;
	f.port_lo = lo;
	f.port_hi = hi;
	snprintf(f.hosts, sizeof f.hosts, "%s", hosts);
	f.nhosts = nhosts;
	f.packets = packets;
	f.danger = 2;
	f.window_us = 7200 * 1000000LL;
	return f;
}

static void merge_parts(void **state)
{
	(void)state;
	struct finding a = scan(100, 200, "1-10,20", 11, 1, 20, "192.0.2.1", 1, 11);
	struct finding b = scan(300, 400, "11-19,30", 10, 11, 30, "192.0.2.1,192.0.2.2", 2, 10);
	assert_true(finding_mergeable(&a, &b));
	finding_merge(&a, &b, 0);
	assert_string_equal(a.ports, "1-20,30");
	assert_int_equal(a.nports, 21);
	assert_int_equal(a.port_lo, 1);
	assert_int_equal(a.port_hi, 30);
	assert_string_equal(a.hosts, "192.0.2.1,192.0.2.2");
	assert_int_equal(a.nhosts, 2);
	assert_int_equal(a.packets, 21);
	assert_int_equal(a.first_us, 100 * 1000000LL);
	assert_int_equal(a.last_us, 400 * 1000000LL);
	/* the part grows and is merged again: its old packets are replaced, not added */
	struct finding b2 = scan(300, 500, "11-19,30-31", 11, 11, 31, "192.0.2.2", 1, 15);
	finding_merge(&a, &b2, 10);
	assert_int_equal(a.packets, 26);
	assert_string_equal(a.ports, "1-20,30-31");
	assert_int_equal(a.last_us, 500 * 1000000LL);
	/* 4 ports on 4 hosts or more is a block scan */
	struct finding c = scan(600, 700, "40-45", 6, 40, 45, "192.0.2.3,192.0.2.4", 2, 6);
	finding_merge(&a, &c, 0);
	assert_string_equal(a.shape, "block");
	assert_int_equal(a.danger, 3); /* block scans rank higher */
	assert_non_null(strstr(a.summary, "SYN block scan from 203.0.113.9: 28 ports 1-45 on 4 hosts"));
	/* protocol numbers and ports do not mix */
	struct finding p = scan(600, 700, "1,2,6", 3, 1, 6, "192.0.2.1", 1, 3);
	snprintf(p.shape, sizeof p.shape, "protocol");
	assert_false(finding_mergeable(&a, &p));
	/* cut lists: the counts come from the parts, the range from their bounds */
	struct finding x = scan(100, 200, "1000-1100,...", 300, 1000, 1400, "192.0.2.1", 1, 300);
	struct finding y = scan(300, 400, "1401-1450,...", 100, 1401, 1500, "192.0.2.1", 1, 100);
	finding_merge(&x, &y, 0);
	assert_int_equal(x.nports, 400);
	assert_int_equal(x.port_hi, 1500);
	assert_int_equal(x.packets, 400);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netfilter_df_and_ip_options),
		cmocka_unit_test(os_guess),
		cmocka_unit_test(os_table_in_data_loads),
		cmocka_unit_test(blocklist_most_specific),
		cmocka_unit_test(merge_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
