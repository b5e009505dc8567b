/* panos.c - Palo Alto Networks PAN-OS TRAFFIC and THREAT logs, CSV over syslog.
 *
 * Columns (0-based) from Palo Alto's "Syslog Field Descriptions"; TRAFFIC,
 * THREAT and DECRYPTION share the first 31:
 *   0 FUTURE_USE  1 Receive Time  2 Serial Number  3 Type  4 Subtype  5 FUTURE_USE
 *   6 Generated Time  7 Source Address  8 Destination Address  9 NAT Source IP
 *   10 NAT Destination IP  11 Rule Name  12 Source User  13 Destination User
 *   14 Application  15 Virtual System  16 Source Zone  17 Destination Zone
 *   18 Inbound Interface  19 Outbound Interface  20 Log Action  21 FUTURE_USE
 *   22 Session ID  23 Repeat Count  24 Source Port  25 Destination Port
 *   26 NAT Source Port  27 NAT Destination Port  28 Flags  29 Protocol  30 Action
 * A field holding a comma is quoted ("a,b"), with "" for a quote inside.
 * Times are the firewall's local time ("2024/03/11 20:35:11"); the
 * generated time (6) is when the session or threat was logged.
 *
 * Types that log no packet (CONFIG, SYSTEM, USERID, ...) are skipped; a type
 * this parser does not know is read with the shared layout when its address
 * and port columns hold addresses and ports. */
#include "parse.h"
#include "fields.h"

#include <string.h>

enum { PAN_COLS = 31 };

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* "N,YYYY/MM/DD hh:mm:ss," at the start of the message. */
static int panos_detect(const struct syslog_msg *m)
{
	const char *s = m->msg.p;
	size_t n = m->msg.n, i = 0;
	while (i < n && i < 4 && is_digit(s[i]))
		i++;
	if (i >= n || s[i] != ',' || n < i + 24)
		return 0;
	s += i + 1;
	return is_digit(s[0]) && is_digit(s[3]) && s[4] == '/' && s[7] == '/' && s[10] == ' ' &&
	       s[13] == ':' && s[16] == ':' && s[19] == ',';
}

/* Split up to max CSV fields; returns how many. */
static int csv_split(const char *p, const char *end, struct ev_str *f, int max)
{
	int n = 0;
	while (n < max) {
		if (p < end && *p == '"') {
			const char *v = ++p;
			while (p < end && !(*p == '"' && (p + 1 >= end || p[1] != '"')))
				p += (*p == '"') ? 2 : 1;
			f[n++] = fld_slice(v, (size_t)((p < end ? p : end) - v));
			if (p < end)
				p++;
			while (p < end && *p != ',') /* junk after the closing quote */
				p++;
		} else {
			const char *v = p;
			while (p < end && *p != ',')
				p++;
			f[n++] = fld_slice(v, (size_t)(p - v));
		}
		if (p >= end)
			break;
		p++; /* the comma */
	}
	return n;
}

static int skipped_type(struct ev_str t)
{
	static const char *const no_packet[] = { "CONFIG", "SYSTEM", "HIP-MATCH", "GLOBALPROTECT",
						 "USERID", "AUTH", "IPTAG", "CORRELATION", NULL };
	for (int i = 0; no_packet[i]; i++)
		if (fld_is(t.p, t.n, no_packet[i]))
			return 1;
	return 0;
}

static int pan_action(struct ev_str a)
{
	if (fld_is(a.p, a.n, "allow") || fld_is(a.p, a.n, "alert") ||
	    fld_is(a.p, a.n, "continue") || fld_is(a.p, a.n, "override"))
		return EV_ACTION_ALLOWED;
	if (fld_is(a.p, a.n, "deny") || fld_prefix(a.p, a.n, "drop") ||
	    fld_prefix(a.p, a.n, "reset-") || fld_prefix(a.p, a.n, "block") ||
	    fld_is(a.p, a.n, "random-drop") || fld_is(a.p, a.n, "sinkhole"))
		return EV_ACTION_BLOCKED;
	return a.n ? EV_ACTION_OTHER : EV_ACTION_UNKNOWN;
}

/* "YYYY/MM/DD hh:mm:ss", local time. */
static int pan_time(struct parse_ctx *ctx, struct ev_str t, int64_t *us)
{
	const char *s = t.p;
	uint32_t y, mo, d, h, mi, se;
	if (t.n != 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':' || parse_uint(s, 4, 9999, &y) || parse_uint(s + 5, 2, 12, &mo) ||
	    parse_uint(s + 8, 2, 31, &d) || parse_uint(s + 11, 2, 23, &h) ||
	    parse_uint(s + 14, 2, 59, &mi) || parse_uint(s + 17, 2, 60, &se) || y < 1970 || !mo ||
	    !d)
		return -1;
	*us = parse_local_to_utc(ctx, (int)y, (int)mo, (int)d, (int)h, (int)mi, (int)se) * 1000000;
	return 0;
}

static int panos_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		       const char **why)
{
	struct ev_str f[PAN_COLS];
	int n = csv_split(m->msg.p, m->msg.p + m->msg.n, f, PAN_COLS);
	if (n < 4) {
		*why = "truncated PAN-OS log: no type";
		return PARSE_BAD;
	}
	if (skipped_type(f[3])) {
		*why = "PAN-OS log type that names no packet";
		return PARSE_SKIP;
	}
	if (n < PAN_COLS) {
		*why = "truncated PAN-OS log: fewer than 31 columns";
		return PARSE_BAD;
	}
	if (fld_addr(&ev->src, f[7].p, f[7].n)) {
		*why = "bad or missing source address (column 8)";
		return PARSE_BAD;
	}
	if (fld_addr(&ev->dst, f[8].p, f[8].n)) {
		*why = "bad or missing destination address (column 9)";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "source and destination of different families";
		return PARSE_BAD;
	}
	if (f[24].n) {
		if (fld_port(f[24].p, f[24].n, &ev->sport)) {
			*why = "bad source port (column 25)";
			return PARSE_BAD;
		}
		ev->has |= EV_HAS_SPORT;
	}
	if (f[25].n) {
		if (fld_port(f[25].p, f[25].n, &ev->dport)) {
			*why = "bad destination port (column 26)";
			return PARSE_BAD;
		}
		ev->has |= EV_HAS_DPORT;
	}
	int pr = fld_proto(f[29].p, f[29].n);
	if (pr >= 0) {
		ev->proto = (uint8_t)pr;
		ev->has |= EV_HAS_PROTO;
	}
	/* ICMP has no ports; PAN-OS writes 0 in their columns. */
	if (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6)
		ev->has &= ~(uint32_t)(EV_HAS_SPORT | EV_HAS_DPORT);
	ev->action = (uint8_t)pan_action(f[30]);
	ev->rule = f[11];
	ev->in_if = f[18];
	ev->out_if = f[19];
	if (!m->host.n)
		ev->device = f[2]; /* the serial number names the firewall */
	int64_t us;
	if (!pan_time(ctx, f[6], &us)) {
		ev->ts_us = us;
		ev->has |= EV_HAS_TS;
	}
	return PARSE_OK;
}

const struct parse_format parse_panos = {
	.name = "panos",
	.description = "Palo Alto Networks PAN-OS TRAFFIC and THREAT logs (CSV syslog)",
	.example = "<14>Mar 11 20:35:11 PA-220 1,2024/03/11 20:35:11,012801000001,TRAFFIC,drop,"
		   "2561,2024/03/11 20:35:11,203.0.113.7,192.0.2.10,0.0.0.0,0.0.0.0,deny-in,,,"
		   "not-applicable,vsys1,untrust,trust,ethernet1/1,,default,2024/03/11 20:35:11,0,1,"
		   "51234,22,0,0,0x0,tcp,deny,66,66,0,1,2024/03/11 20:35:11,0,any,0,7003,0x0,"
		   "198.51.100.0-198.51.100.255,192.0.2.0-192.0.2.255,0,1,0,policy-deny",
	.detect = panos_detect,
	.parse = panos_parse,
};
