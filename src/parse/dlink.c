/* dlink.c - D-Link home router firewall log lines (DI-/DIR- series: the
 * Status > Log page, its e-mail and its syslog carry the same text).
 *
 *   Blocked incoming TCP packet from 203.0.113.7:51515 to 192.0.2.1:22 as SYN received ...
 *   Blocked incoming TCP connection request from 203.0.113.7:4459 to 192.0.2.1:445
 *   Blocked incoming ICMP packet (ICMP type 8) from 203.0.113.7 to 192.0.2.1
 *   Blocked outgoing UDP packet from 192.168.0.100:1025 to 198.51.100.9:53
 *   Dropped incoming packet from 203.0.113.7 to 192.0.2.1 (IP protocol 47) as ...
 *   Unrecognized attempt blocked from 203.0.113.7:1986 to 192.0.2.1 UDP:2463   (DI-604)
 *
 * DIR models may put "[INFO] Sun Mar 10 10:11:12 2024 " (level and local
 * time) before the sentence; that time is used when present. */
#include "soho.h"

#include <string.h>
#include <strings.h>

static const char *skip_level_and_time(const char *s, const char *end)
{
	if (s < end && *s == '[') {
		const char *c = memchr(s, ']', (size_t)(end - s));
		if (c && c - s < 12)
			s = c + 1;
		while (s < end && *s == ' ')
			s++;
	}
	return s;
}

/* "Www Mmm dd hh:mm:ss yyyy " at s: bytes used, 0 if none. */
static size_t dl_time(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts)
{
	if (n < 25 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
	    s[19] != ' ')
		return 0;
	size_t used;
	int mon = soho_month(s + 4, 3, &used);
	uint32_t d, hh, mm, ss, y;
	const char *dd = s[8] == ' ' ? s + 9 : s + 8;
	if (!mon || parse_uint(dd, (size_t)(s + 10 - dd), 31, &d) || !d ||
	    parse_uint(s + 11, 2, 23, &hh) || parse_uint(s + 14, 2, 59, &mm) ||
	    parse_uint(s + 17, 2, 60, &ss) || parse_uint(s + 20, 4, 9999, &y) || y < 1970)
		return 0;
	*ts = parse_local_to_utc(ctx, (int)y, mon, (int)d, (int)hh, (int)mm, (int)ss) * 1000000;
	return n > 24 && s[24] == ' ' ? 25 : 24;
}

static int sentence_start(const char *s, size_t n)
{
	return (n > 16 && (!memcmp(s, "Blocked incoming", 16) || !memcmp(s, "Blocked outgoing", 16) ||
			   !memcmp(s, "Dropped incoming", 16) || !memcmp(s, "Dropped outgoing", 16) ||
			   !memcmp(s, "Allowed incoming", 16) || !memcmp(s, "Allowed outgoing", 16))) ||
	       (n > 33 && !memcmp(s, "Unrecognized attempt blocked from", 33));
}

static int dl_detect(const struct syslog_msg *m)
{
	const char *s = m->msg.p, *end = s + m->msg.n;
	s = skip_level_and_time(s, end);
	if (end - s > 25 && s[3] == ' ' && s[19] == ' ')
		s += 25; /* a DIR-style time; checked again by parse */
	return sentence_start(s, (size_t)(end - s));
}

static int end_at(const char *s, const char *end, struct ev_addr *a, uint16_t *port,
		  uint32_t has_bit, struct event *ev)
{
	int hp;
	while (s < end && *s == ' ')
		s++;
	if (!soho_addr(s, (size_t)(end - s), a, port, &hp))
		return -1;
	if (hp)
		ev->has |= has_bit;
	return 0;
}

static int dl_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *s = m->msg.p, *end = s + m->msg.n;
	s = skip_level_and_time(s, end);
	int64_t ts;
	size_t tu = dl_time(ctx, s, (size_t)(end - s), &ts);
	if (tu) {
		ev->ts_us = ts;
		ev->has |= EV_HAS_TS;
		s += tu;
	}
	if (!sentence_start(s, (size_t)(end - s))) {
		*why = "not a D-Link firewall sentence";
		return PARSE_SKIP;
	}
	const char *from = soho_find(s, (size_t)(end - s), "from ");
	const char *to = from ? soho_find(from, (size_t)(end - from), " to ") : NULL;
	if (!from || !to) {
		*why = "no 'from A to B'";
		return PARSE_BAD;
	}
	/* the rule: the sentence up to "from" ("Blocked incoming TCP packet") */
	const char *re = from;
	while (re > s && re[-1] == ' ')
		re--;
	ev->rule = (struct ev_str){ s, (uint32_t)(re - s) };
	if (!memcmp(s, "Allowed", 7))
		ev->action = EV_ACTION_ALLOWED;
	else
		ev->action = EV_ACTION_BLOCKED;
	if (!memcmp(s + 8, "incoming", 8) || s[0] == 'U')
		ev->direction_hint = EV_DIR_INBOUND;
	else if (!memcmp(s + 8, "outgoing", 8))
		ev->direction_hint = EV_DIR_OUTBOUND;

	if (end_at(from + 5, to, &ev->src, &ev->sport, EV_HAS_SPORT, ev) ||
	    end_at(to + 4, end, &ev->dst, &ev->dport, EV_HAS_DPORT, ev)) {
		*why = "bad address";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "addresses of different families";
		return PARSE_BAD;
	}
	/* protocol: a word after incoming/outgoing, "(IP protocol N)", or the
	 * DI-604 "PROTO:port" after the destination */
	int pr = -1;
	if (s[0] != 'U') {
		const char *w = s + 17;
		pr = soho_proto_word(w, (size_t)(end - w));
	}
	const char *ipp = soho_find(to, (size_t)(end - to), "(IP protocol ");
	uint32_t x;
	if (pr < 0 && ipp && soho_num(ipp + 13, (size_t)(end - ipp - 13), 255, &x))
		pr = (int)x;
	if (s[0] == 'U') {
		const char *sp = memchr(to + 4, ' ', (size_t)(end - to - 4));
		if (sp) {
			pr = soho_proto_word(sp + 1, (size_t)(end - sp - 1));
			const char *c = memchr(sp, ':', (size_t)(end - sp));
			if (pr < 0 || !c || !soho_num(c + 1, (size_t)(end - c - 1), 65535, &x)) {
				*why = "bad PROTO:port after the destination";
				return PARSE_BAD;
			}
			ev->dport = (uint16_t)x;
			ev->has |= EV_HAS_DPORT;
		}
	}
	if (pr >= 0) {
		ev->proto = (uint8_t)pr;
		ev->has |= EV_HAS_PROTO;
	}
	const char *it = soho_find(s, (size_t)(from - s), "(ICMP type ");
	if (it && pr == EV_PROTO_ICMP && soho_num(it + 11, (size_t)(from - it - 11), 255, &x)) {
		ev->icmp_type = (uint8_t)x;
		ev->has |= EV_HAS_ICMP;
	}
	if ((pr == EV_PROTO_TCP || pr == EV_PROTO_UDP) &&
	    !((ev->has & EV_HAS_SPORT) && (ev->has & EV_HAS_DPORT))) {
		*why = "truncated: no ports";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

const struct parse_format parse_dlink = {
	.name = "dlink",
	.description = "D-Link home router firewall log (Blocked incoming TCP packet from ...)",
	.example = "Mar 10 10:11:12 dlink Blocked incoming TCP connection request from "
		   "203.0.113.7:4459 to 192.0.2.1:445",
	.detect = dl_detect,
	.parse = dl_parse,
};
