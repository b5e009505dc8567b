/* linksys.c - Linksys router logs: the SNMP-trap text its "Log" page sends
 * to a chosen host (what Link Logger, WallWatcher and LinkLog received),
 * and the RV-series syslog sentences.
 *
 *   @in TCP from 203.0.113.7:51515 to 192.168.1.100:80        (E/WRT series, as LinkLog reads)
 *   @out UDP from host.example(192.168.1.100):1025 to 198.51.100.9:53
 *   @in 203.0.113.7 2002 -> 192.168.1.100 80                  (older BEFSR firmware)
 *   Connection Refused - Policy violation TCP 203.0.113.7:6000->192.168.1.5:1433 on ixp1
 *   Connection Accepted UDP 192.168.1.100:1500->198.51.100.9:53 on ixp0
 *
 * A trap is sent when a connection is initiated, not when it is dropped,
 * so @in/@out say the direction but not the action.  The SNMP receiver
 * hands the bare payload ("@in ...") as one line; in a file it usually
 * follows a syslog envelope written by whatever relayed it. */
#include "soho.h"
#include "scan.h"

#include <string.h>
#include <strings.h>

static int ls_detect(const struct syslog_msg *m)
{
	const char *s = m->msg.p;
	size_t n = m->msg.n;
	return (n > 12 && s[0] == '@' && (!memcmp(s, "@in ", 4) || !memcmp(s, "@out ", 5))) ||
	       (n > 30 && (!memcmp(s, "Connection Refused", 18) ||
			   !memcmp(s, "Connection Accepted", 19)) &&
		SCAN_FIND_AT(s, n, "->", 1));
}

/* "[name(]ip[)]:port" */
static size_t named_end(const char *s, size_t n, struct ev_addr *a, uint16_t *port, int *hp)
{
	const char *open = memchr(s, '(', n);
	const char *sp = memchr(s, ' ', n);
	if (open && (!sp || open < sp)) {
		const char *close = memchr(open, ')', n - (size_t)(open - s));
		if (!close || ev_addr_parse(a, open + 1, (size_t)(close - open - 1)))
			return 0;
		size_t used = (size_t)(close + 1 - s);
		if (used < n && s[used] == ':') {
			uint32_t x;
			size_t k = soho_num(s + used + 1, n - used - 1, 65535, &x);
			if (!k)
				return 0;
			*port = (uint16_t)x;
			*hp = 1;
			used += 1 + k;
		}
		return used;
	}
	return soho_addr(s, n, a, port, hp);
}

static int trap_text(const char *s, const char *end, struct event *ev, const char **why)
{
	int out = s[1] == 'o';
	const char *p = s + (out ? 5 : 4);
	ev->direction_hint = out ? EV_DIR_OUTBOUND : EV_DIR_INBOUND;
	while (p < end && *p == ' ')
		p++;
	int pr = soho_proto_word(p, (size_t)(end - p));
	int hp;
	if (pr >= 0) { /* "TCP from A:p to B:p" */
		ev->proto = (uint8_t)pr;
		ev->has |= EV_HAS_PROTO;
		p += pr == EV_PROTO_ICMP ? 4 : 3;
		if (end - p < 6 || memcmp(p, " from ", 6)) {
			*why = "no 'from' after the protocol";
			return PARSE_BAD;
		}
		p += 6;
		size_t k = named_end(p, (size_t)(end - p), &ev->src, &ev->sport, &hp);
		if (!k) {
			*why = "bad source";
			return PARSE_BAD;
		}
		if (hp)
			ev->has |= EV_HAS_SPORT;
		p += k;
		if (end - p < 4 || memcmp(p, " to ", 4)) {
			*why = "no 'to' after the source";
			return PARSE_BAD;
		}
		p += 4;
		k = named_end(p, (size_t)(end - p), &ev->dst, &ev->dport, &hp);
		if (!k) {
			*why = "bad destination";
			return PARSE_BAD;
		}
		if (hp)
			ev->has |= EV_HAS_DPORT;
	} else { /* "A sport [->] B dport" */
		uint32_t x;
		size_t k = soho_addr(p, (size_t)(end - p), &ev->src, &ev->sport, &hp);
		if (!k || hp || p + k >= end || p[k] != ' ') {
			*why = "bad source address";
			return PARSE_BAD;
		}
		while (p + k < end && p[k] == ' ')
			k++;
		p += k;
		if (!(k = soho_num(p, (size_t)(end - p), 65535, &x))) {
			*why = "bad source port";
			return PARSE_BAD;
		}
		ev->sport = (uint16_t)x;
		ev->has |= EV_HAS_SPORT;
		p += k;
		while (p < end && *p == ' ')
			p++;
		if (end - p >= 2 && !memcmp(p, "->", 2))
			p += 2;
		while (p < end && *p == ' ')
			p++;
		k = soho_addr(p, (size_t)(end - p), &ev->dst, &ev->dport, &hp);
		if (!k || hp || p + k >= end || p[k] != ' ') {
			*why = "bad destination address";
			return PARSE_BAD;
		}
		while (p + k < end && p[k] == ' ')
			k++;
		p += k;
		if (!(k = soho_num(p, (size_t)(end - p), 65535, &x))) {
			*why = "bad destination port";
			return PARSE_BAD;
		}
		ev->dport = (uint16_t)x;
		ev->has |= EV_HAS_DPORT;
	}
	ev->action = EV_ACTION_UNKNOWN;
	return PARSE_OK;
}

static int rv_sentence(const char *s, const char *end, struct event *ev, const char **why)
{
	ev->action = s[11] == 'R' ? EV_ACTION_BLOCKED : EV_ACTION_ALLOWED;
	const char *arrow = memmem(s, (size_t)(end - s), "->", 2);
	const char *a = arrow;
	while (a > s && a[-1] != ' ')
		a--;
	if (a == s) {
		*why = "no protocol before the address pair";
		return PARSE_BAD;
	}
	const char *pw = a - 1; /* protocol word before the pair */
	while (pw > s && pw[-1] == ' ')
		pw--;
	const char *pws = pw;
	while (pws > s && pws[-1] != ' ')
		pws--;
	int pr = soho_proto_word(pws, (size_t)(pw - pws));
	if (pr >= 0) {
		ev->proto = (uint8_t)pr;
		ev->has |= EV_HAS_PROTO;
	}
	const char *re = pws;
	while (re > s && re[-1] == ' ')
		re--;
	ev->rule = (struct ev_str){ s, (uint32_t)(re - s) };
	int hp;
	if (!soho_addr(a, (size_t)(arrow - a), &ev->src, &ev->sport, &hp)) {
		*why = "bad source";
		return PARSE_BAD;
	}
	if (hp)
		ev->has |= EV_HAS_SPORT;
	size_t k = soho_addr(arrow + 2, (size_t)(end - arrow - 2), &ev->dst, &ev->dport, &hp);
	if (!k) {
		*why = "bad destination";
		return PARSE_BAD;
	}
	if (hp)
		ev->has |= EV_HAS_DPORT;
	const char *on = arrow + 2 + k;
	if (end - on > 4 && !memcmp(on, " on ", 4)) {
		const char *ie = memchr(on + 4, ' ', (size_t)(end - on - 4));
		ev->in_if = (struct ev_str){ on + 4, (uint32_t)((ie ? ie : end) - on - 4) };
	}
	return PARSE_OK;
}

static int ls_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	const char *s = m->msg.p, *end = s + m->msg.n;
	int rc;
	if (m->msg.n > 4 && s[0] == '@')
		rc = trap_text(s, end, ev, why);
	else if (m->msg.n > 20 && memmem(s, m->msg.n, "->", 2))
		rc = rv_sentence(s, end, ev, why);
	else {
		*why = "not a Linksys log line";
		return PARSE_SKIP;
	}
	if (rc != PARSE_OK)
		return rc;
	if (ev->src.family != ev->dst.family) {
		*why = "addresses of different families";
		return PARSE_BAD;
	}
	if ((ev->has & EV_HAS_PROTO) && (ev->proto == EV_PROTO_TCP || ev->proto == EV_PROTO_UDP) &&
	    !((ev->has & EV_HAS_SPORT) && (ev->has & EV_HAS_DPORT))) {
		*why = "truncated: no ports";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

const struct parse_format parse_linksys = {
	.name = "linksys",
	.description = "Linksys router log: SNMP-trap text (@in/@out) and RV-series syslog",
	.example = "Mar 10 10:11:12 gw linksys: @in TCP from 203.0.113.7:51515 to 192.168.1.100:80",
	.detect = ls_detect,
	.parse = ls_parse,
};
