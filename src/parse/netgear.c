/* netgear.c - Netgear home router log lines (the router's Logs page, its
 * e-mailed logs and its syslog carry the same text).
 *
 *   [DoS Attack: SYN/ACK Scan] from source: 203.0.113.7, port 80, Sunday, March 10,2024 10:11:12
 *   [DoS Attack: RST Scan] from source: 203.0.113.7:443, Sunday, Mar 10,2024 10:11:12
 *   [LAN access from remote] from 203.0.113.7:41890 to 192.168.1.2:22, Sunday, Mar 10,2024 10:11:12
 *
 * A DoS Attack line names only the attacker and its (source) port: the
 * target is the router's WAN address, which the line does not give, so the
 * destination stays absent.  "LAN access from remote" is a port-forwarding
 * hit: allowed, inbound.  Other bracketed notices (Internet connected,
 * DHCP IP, Access Control, admin login ...) carry no packet: skipped.  The
 * trailing "Weekday, Month DD,YYYY hh:mm:ss" is the router's local time. */
#include "soho.h"

#include <string.h>
#include <strings.h>

static int ng_detect(const struct syslog_msg *m)
{
	const char *s = m->msg.p;
	size_t n = m->msg.n;
	return n > 24 && s[0] == '[' &&
	       ((n > 12 && !memcmp(s, "[DoS Attack:", 12)) ||
		(n > 24 && !memcmp(s, "[LAN access from remote]", 24)));
}

/* ", Weekday, Month DD,YYYY hh:mm:ss" at the end of the line. */
static int trailing_time(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts)
{
	/* the time is the last 8 bytes; walk back over "Month DD,YYYY " */
	if (n < 20 || s[n - 3] != ':' || s[n - 6] != ':')
		return -1;
	uint32_t hh, mm, ss, day, year;
	if (parse_uint(s + n - 8, 2, 23, &hh) || parse_uint(s + n - 5, 2, 59, &mm) ||
	    parse_uint(s + n - 2, 2, 60, &ss) || s[n - 9] != ' ')
		return -1;
	size_t e = n - 9; /* end of "YYYY" */
	if (e < 4 || parse_uint(s + e - 4, 4, 9999, &year) || year < 1970)
		return -1;
	size_t c = e - 4; /* "," or ", " before YYYY */
	while (c && s[c - 1] == ' ')
		c--;
	if (!c || s[c - 1] != ',')
		return -1;
	size_t d_end = c - 1, d = d_end;
	while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
		d--;
	if (d == d_end || d_end - d > 2 || parse_uint(s + d, d_end - d, 31, &day) || day == 0 ||
	    !d || s[d - 1] != ' ')
		return -1;
	size_t mo_end = d - 1, mo = mo_end;
	while (mo && s[mo - 1] != ' ')
		mo--;
	size_t used;
	int mon = soho_month(s + mo, mo_end - mo, &used);
	if (!mon || used != mo_end - mo)
		return -1;
	*ts = parse_local_to_utc(ctx, (int)year, mon, (int)day, (int)hh, (int)mm, (int)ss) * 1000000;
	return 0;
}

static int ng_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *s = m->msg.p, *end = s + m->msg.n;
	if (m->msg.n < 2 || s[0] != '[') {
		*why = "not a [event] line";
		return PARSE_SKIP;
	}
	const char *close = memchr(s, ']', m->msg.n);
	if (!close) {
		*why = "no closing ] after the event name";
		return PARSE_BAD;
	}
	ev->rule = (struct ev_str){ s + 1, (uint32_t)(close - s - 1) };
	const char *p = close + 1;
	int has_port;
	size_t used;
	if (m->msg.n > 12 && !memcmp(s, "[DoS Attack:", 12)) {
		const char *from = soho_find(p, (size_t)(end - p), "from source:");
		if (!from) {
			*why = "DoS Attack line without 'from source:'";
			return PARSE_BAD;
		}
		p = from + 12;
		while (p < end && *p == ' ')
			p++;
		used = soho_addr(p, (size_t)(end - p), &ev->src, &ev->sport, &has_port);
		if (!used) {
			*why = "bad source address";
			return PARSE_BAD;
		}
		p += used;
		while (!has_port && p < end && (*p == ',' || *p == ' '))
			p++;
		if (has_port)
			ev->has |= EV_HAS_SPORT;
		else if (end - p > 5 && !memcmp(p, "port ", 5)) {
			uint32_t x;
			size_t k = soho_num(p + 5, (size_t)(end - p - 5), 65535, &x);
			if (!k) {
				*why = "bad port";
				return PARSE_BAD;
			}
			ev->sport = (uint16_t)x;
			ev->has |= EV_HAS_SPORT;
		}
		/* the attack's name says the protocol where it is a TCP or UDP probe */
		const char *name = s + 12;
		size_t nn = (size_t)(close - name);
		int tcp = soho_find(name, nn, "SYN") || soho_find(name, nn, "ACK") ||
			  soho_find(name, nn, "RST") || soho_find(name, nn, "FIN") ||
			  soho_find(name, nn, "TCP");
		int udp = soho_find(name, nn, "UDP") != NULL;
		int icmp = soho_find(name, nn, "ICMP") || soho_find(name, nn, "Ping");
		if (tcp + udp + icmp == 1) {
			ev->proto = tcp ? EV_PROTO_TCP : udp ? EV_PROTO_UDP : EV_PROTO_ICMP;
			ev->has |= EV_HAS_PROTO;
		}
		ev->action = EV_ACTION_BLOCKED;
	} else {
		const char *from = soho_find(p, (size_t)(end - p), "from ");
		const char *to = from ? soho_find(from, (size_t)(end - from), " to ") : NULL;
		if (!from || !to) {
			*why = "LAN access line without 'from A to B'";
			return PARSE_BAD;
		}
		from += 5;
		if (!soho_addr(from, (size_t)(to - from), &ev->src, &ev->sport, &has_port) ||
		    !has_port) {
			*why = "bad source address:port";
			return PARSE_BAD;
		}
		ev->has |= EV_HAS_SPORT;
		to += 4;
		if (!soho_addr(to, (size_t)(end - to), &ev->dst, &ev->dport, &has_port) || !has_port) {
			*why = "bad destination address:port";
			return PARSE_BAD;
		}
		ev->has |= EV_HAS_DPORT;
		if (ev->src.family != ev->dst.family) {
			*why = "addresses of different families";
			return PARSE_BAD;
		}
		ev->action = EV_ACTION_ALLOWED;
	}
	ev->direction_hint = EV_DIR_INBOUND;
	int64_t ts;
	if (trailing_time(ctx, s, m->msg.n, &ts) == 0) {
		ev->ts_us = ts;
		ev->has |= EV_HAS_TS;
	}
	return PARSE_OK;
}

const struct parse_format parse_netgear = {
	.name = "netgear",
	.description = "Netgear home router log ([DoS Attack: ...], [LAN access from remote])",
	.example = "[DoS Attack: SYN/ACK Scan] from source: 203.0.113.7, port 80, Sunday, "
		   "March 10,2024 10:11:12",
	.detect = ng_detect,
	.parse = ng_parse,
};
