/* checkpoint.c - Check Point (R80/R81) logs sent by Log Exporter as syslog.
 *
 * Two shapes, both a bracketed list of quoted values after the header:
 *   <134>1 TS HOST CheckPoint PID - [action:"Drop"; ifdir:"inbound"; ifname:"eth1";
 *     origin:"192.0.2.1"; time:"1710189311"; src:"a"; s_port:"p"; dst:"b";
 *     service:"q"; proto:"6"; rule_name:"..."; ...]          ("syslog" format)
 *   <85>1 TS HOST APP - Log [Fields@1.3.6.1.4.1.2620 src="a" dst="b" proto="6" ...]
 *                                                            (RFC 5424 structured data)
 * Field names are those of Check Point's "Log Exporter - Appendix: Log Field
 * Description": src/dst addresses, s_port source port, service destination
 * port, proto IP protocol, ifname/ifdir the interface and whether the packet
 * came in or went out through it (a property of the interface, not of the
 * traffic's direction), origin the gateway that logged, time epoch seconds,
 * rule_name (repeated per policy layer: the last one decided), icmp_type and
 * icmp_code.  A backslash escapes the next byte inside a value.
 * The Fields@ form's svc/sport_svc are not read as ports: no reference we
 * could check says what they hold. */
#include "parse.h"
#include "scan.h"
#include "fields.h"

#include <string.h>

static const char *fields_sd(const struct syslog_msg *m)
{
	size_t n = m->len < 300 ? m->len : 300;
	return SCAN_FIND_AT(m->line, n, "[Fields@1.3.6.1.4.1.2620", 7);
}

static int cp_detect(const struct syslog_msg *m)
{
	if (m->tag.n == 10 && !memcmp(m->tag.p, "CheckPoint", 10))
		return 1;
	if (m->msg.n > 11 && !memcmp(m->msg.p, "CheckPoint ", 11))
		return 1;
	return m->len > 40 && m->line[0] == '<' && fields_sd(m) != NULL;
}

static int cp_action(const char *v, size_t n)
{
	if (fld_ci(v, n, "Accept") || fld_ci(v, n, "Allow") || fld_ci(v, n, "Encrypt") ||
	    fld_ci(v, n, "Decrypt"))
		return EV_ACTION_ALLOWED;
	if (fld_ci(v, n, "Drop") || fld_ci(v, n, "Reject") || fld_ci(v, n, "Block") ||
	    fld_ci(v, n, "Prevent"))
		return EV_ACTION_BLOCKED;
	return n ? EV_ACTION_OTHER : EV_ACTION_UNKNOWN;
}

/* RFC 5424 time as some gateways write it, "2023-01-13T10:10:16--5:00":
 * the zone's sign doubled and its hour one digit.  0 on success. */
static int odd_5424_time(const struct syslog_msg *m, int64_t *us)
{
	const char *s = m->line, *end = s + m->len;
	const char *p = memchr(s, '>', end - s < 8 ? (size_t)(end - s) : 8);
	if (!p || end - p < 22 || p[1] != '1' || p[2] != ' ')
		return -1;
	p += 3;
	int64_t t;
	if (parse_rfc3339(p, 19, &t) != 19) /* without a zone: read as UTC, then shifted */
		return -1;
	const char *z = p + 19;
	int sign = 0;
	while (z < end && (*z == '-' || *z == '+'))
		sign = *z++ == '-' ? -1 : 1;
	uint32_t h, mi;
	const char *colon = memchr(z, ':', end - z < 4 ? (size_t)(end - z) : 4);
	if (!sign || !colon || end - colon < 3 || parse_uint(z, (size_t)(colon - z), 23, &h) ||
	    parse_uint(colon + 1, 2, 59, &mi) || (colon + 3 < end && colon[3] != ' '))
		return -1;
	*us = t - sign * ((int64_t)h * 3600 + mi * 60) * 1000000;
	return 0;
}

static int cp_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	const char *end = m->line + m->len;
	int named = m->tag.n == 10 && !memcmp(m->tag.p, "CheckPoint", 10);
	const char *p = named ? NULL : fields_sd(m);
	if (!p)
		p = memchr(m->msg.p, '[', m->msg.n);
	if (!p) {
		/* RFC 5424: the list is where structured data would be. */
		const char *q = m->tag.p ? m->tag.p : m->line;
		p = memchr(q, '[', (size_t)(end - q));
	}
	if (!p) {
		*why = "Check Point line without its [field list]";
		return PARSE_BAD;
	}
	p++;
	int have = 0, ifdir = 0;
	struct ev_str ifname = { NULL, 0 }, rule = { NULL, 0 };
	while (p < end) {
		/* Jump to the next value's opening quote; its key is the word
		 * before ':' or '=' in front of it. */
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q || memchr(p, ']', (size_t)(q - p)))
			break;
		if (q == p || (q[-1] != ':' && q[-1] != '=')) {
			*why = "quote outside a value";
			return PARSE_BAD;
		}
		const char *ke = q - 1, *k = ke;
		while (k > p && k[-1] != ' ' && k[-1] != ';')
			k--;
		size_t kn = (size_t)(ke - k);
		/* "ICMP Type=" and "ICMP Code=" in the Fields@ form */
		int after_icmp = k - p >= 5 && !memcmp(k - 5, "ICMP ", 5);
		const char *v = q + 1;
		p = fld_quote_end(v, end);
		if (!p) {
			*why = "unterminated value";
			return PARSE_BAD;
		}
		size_t vn = (size_t)(p - v);
		p++;
		uint32_t x;
		if (fld_is(k, kn, "src")) {
			if (fld_addr(&ev->src, v, vn)) {
				*why = "bad src";
				return PARSE_BAD;
			}
			have |= 1;
		} else if (fld_is(k, kn, "dst")) {
			if (fld_addr(&ev->dst, v, vn)) {
				*why = "bad dst";
				return PARSE_BAD;
			}
			have |= 2;
		} else if (fld_is(k, kn, "s_port")) {
			if (fld_port(v, vn, &ev->sport)) {
				*why = "bad s_port";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_SPORT;
		} else if (fld_is(k, kn, "service")) {
			if (fld_port(v, vn, &ev->dport)) {
				*why = "bad service port";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_DPORT;
		} else if (fld_is(k, kn, "proto")) {
			if (parse_uint(v, vn, 255, &x)) {
				*why = "bad proto";
				return PARSE_BAD;
			}
			ev->proto = (uint8_t)x;
			ev->has |= EV_HAS_PROTO;
		} else if (fld_is(k, kn, "action")) {
			ev->action = (uint8_t)cp_action(v, vn);
		} else if (fld_is(k, kn, "ifdir")) {
			ifdir = fld_is(v, vn, "inbound") ? 1 : fld_is(v, vn, "outbound") ? 2 : 0;
		} else if (fld_is(k, kn, "ifname")) {
			ifname = fld_slice(v, vn);
		} else if (fld_is(k, kn, "rule_name")) {
			if (vn)
				rule = fld_slice(v, vn);
		} else if (fld_is(k, kn, "origin")) {
			ev->device = fld_slice(v, vn);
		} else if (fld_is(k, kn, "time")) {
			if (!parse_uint(v, vn, 0xffffffffu, &x)) {
				ev->ts_us = (int64_t)x * 1000000;
				ev->has |= EV_HAS_TS;
			}
		} else if (fld_is(k, kn, "icmp_type") || (after_icmp && fld_is(k, kn, "Type"))) {
			if (!parse_uint(v, vn, 255, &x)) {
				ev->icmp_type = (uint8_t)x;
				ev->has |= EV_HAS_ICMP;
			}
		} else if (fld_is(k, kn, "icmp_code") || (after_icmp && fld_is(k, kn, "Code"))) {
			if (!parse_uint(v, vn, 255, &x))
				ev->icmp_code = (uint8_t)x;
		}
	}
	if ((have & 3) != 3) {
		*why = "no src or dst";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "src and dst of different families";
		return PARSE_BAD;
	}
	if (ev->proto != EV_PROTO_ICMP && ev->proto != EV_PROTO_ICMPV6) {
		ev->has &= ~(uint32_t)EV_HAS_ICMP;
		ev->icmp_type = ev->icmp_code = 0;
	}
	ev->rule = rule;
	if (ifdir == 1)
		ev->in_if = ifname;
	else if (ifdir == 2)
		ev->out_if = ifname;
	int64_t us;
	if (!(ev->has & EV_HAS_TS) && !m->has_ts && !odd_5424_time(m, &us)) {
		ev->ts_us = us;
		ev->has |= EV_HAS_TS;
	}
	return PARSE_OK;
}

const struct parse_format parse_checkpoint = {
	.name = "checkpoint",
	.description = "Check Point R80/R81 Log Exporter syslog ([key:\"value\"; ...] and Fields@ forms)",
	.example = "<134>1 2024-03-11T20:35:11Z gw1 CheckPoint 16700 - [action:\"Drop\"; "
		   "ifdir:\"inbound\"; ifname:\"eth0\"; origin:\"192.0.2.1\"; time:\"1710189311\"; "
		   "src:\"203.0.113.7\"; s_port:\"51234\"; dst:\"192.0.2.10\"; service:\"22\"; "
		   "proto:\"6\"; rule_name:\"Cleanup rule\"]",
	.detect = cp_detect,
	.parse = cp_parse,
};
