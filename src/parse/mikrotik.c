/* mikrotik.c - MikroTik RouterOS firewall log lines (action=log or
 * log=yes on a filter, NAT or mangle rule).
 *
 *   firewall,info DROP-WAN input: in:ether1 out:(unknown 0), src-mac 00:0c:42:11:22:33,
 *   proto TCP (SYN), 203.0.113.7:51515->192.0.2.1:22, len 60
 *
 * "firewall,info" is the topic list (present when the router's remote
 * action prints topics), then the rule's log-prefix (optional), then the
 * chain.  RouterOS 7 adds "connection-state:new" (",snat", ",dnat") before
 * src-mac; NAT'd packets carry a second, translated "NAT (a->b)->c" pair,
 * which is not the packet as the rule saw it and is ignored.  ICMP prints
 * "(type T, code C)" and no ports; IPv6 ends with ports are bracketed. */
#include "kv.h"
#include "parse.h"
#include "scan.h"

#include <strings.h>

int netfilter_action_from_prefix(const char *p, size_t n); /* netfilter.c */

/* ": in:" of "CHAIN: in:IFACE out:IFACE," in the first bytes of msg. */
static const char *find_chain_in(const char *s, size_t n)
{
	size_t lim = n < 256 ? n : 256;
	const char *hit = SCAN_FIND(s, lim, ": in:");
	if (!hit)
		return NULL;
	const char *out = SCAN_FIND_AT(hit, (size_t)(s + n - hit), " out:", 1);
	return out && out - hit < 80 ? hit : NULL;
}

/* Without topics or prefix the syslog envelope takes "input:" for the tag
 * and the message starts at "in:". */
static int chain_is_tag(const struct syslog_msg *m)
{
	return m->tag.n && m->msg.n > 3 && !memcmp(m->msg.p, "in:", 3) &&
	       SCAN_FIND_AT(m->msg.p, m->msg.n < 80 ? m->msg.n : 80, " out:", 1);
}

static int mt_detect(const struct syslog_msg *m)
{
	if (m->msg.n <= 30)
		return 0;
	const char *in = find_chain_in(m->msg.p, m->msg.n);
	if (!in && !chain_is_tag(m))
		return 0;
	const char *from = in ? in : m->msg.p; /* "proto" follows the interfaces */
	return SCAN_FIND(from, (size_t)(m->msg.p + m->msg.n - from), "proto ") != NULL;
}

static int flag_bits(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int bit;
	} f[] = { { "FIN", EV_TCP_FIN }, { "SYN", EV_TCP_SYN }, { "RST", EV_TCP_RST },
		  { "PSH", EV_TCP_PSH }, { "ACK", EV_TCP_ACK }, { "URG", EV_TCP_URG },
		  { "ECE", EV_TCP_ECE }, { "CWR", EV_TCP_CWR } };
	int bits = 0;
	const char *e = s + n;
	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));
		const char *we = c ? c : e;
		while (s < we && *s == ' ')
			s++;
		for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
			if (we - s == 3 && !memcmp(s, f[i].name, 3))
				bits |= f[i].bit;
		s = c ? c + 1 : e;
	}
	return bits;
}

/* "proto TCP (SYN,ACK)", "proto ICMP (type 3, code 1)", "proto 47". */
static int proto_segment(const char *s, size_t n, struct event *ev)
{
	const char *e = s + n, *name = s + 6; /* after "proto " */
	const char *ne = memchr(name, ' ', (size_t)(e - name));
	if (!ne)
		ne = e;
	int pr = kv_proto(name, (size_t)(ne - name));
	if (pr < 0)
		return -1;
	ev->proto = (uint8_t)pr;
	ev->has |= EV_HAS_PROTO;
	const char *open = memchr(ne, '(', (size_t)(e - ne));
	const char *close = open ? memchr(open, ')', (size_t)(e - open)) : NULL;
	if (!open || !close)
		return 0;
	const char *in = open + 1;
	size_t inn = (size_t)(close - in);
	if (pr == EV_PROTO_TCP) {
		ev->tcp_flags = (uint8_t)flag_bits(in, inn);
		ev->has |= EV_HAS_TCP_FLAGS;
	} else if (inn > 5 && !memcmp(in, "type ", 5)) {
		const char *t = in + 5, *comma = memchr(t, ',', (size_t)(close - t));
		uint32_t ty, co;
		if (!comma || parse_uint(t, (size_t)(comma - t), 255, &ty))
			return -1;
		const char *c = comma + 1;
		while (c < close && *c == ' ')
			c++;
		if (close - c < 6 || memcmp(c, "code ", 5) ||
		    parse_uint(c + 5, (size_t)(close - c - 5), 255, &co))
			return -1;
		ev->icmp_type = (uint8_t)ty;
		ev->icmp_code = (uint8_t)co;
		ev->has |= EV_HAS_ICMP;
	}
	return 0;
}

/* "a:p->b:p", "[v6]:p->[v6]:p" or "a->b". */
static int pair_segment(const char *s, size_t n, struct event *ev)
{
	const char *arrow = memmem(s, n, "->", 2);
	if (!arrow)
		return -1;
	uint16_t sp = 0, dp = 0;
	int hs, hd;
	if (kv_addr_port(s, (size_t)(arrow - s), &ev->src, &sp, &hs) ||
	    kv_addr_port(arrow + 2, n - (size_t)(arrow + 2 - s), &ev->dst, &dp, &hd))
		return -1;
	if (hs) {
		ev->sport = sp;
		ev->has |= EV_HAS_SPORT;
	}
	if (hd) {
		ev->dport = dp;
		ev->has |= EV_HAS_DPORT;
	}
	return 0;
}

static int mt_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	const char *s = m->msg.p, *end = s + m->msg.n;
	const char *colon = find_chain_in(s, m->msg.n), *chain, *pre = s, *pre_end, *inval;
	size_t cn;
	if (colon) {
		/* chain: the word before ": in:"; prefix: between the topics and it */
		chain = colon;
		while (chain > s && chain[-1] != ' ')
			chain--;
		cn = (size_t)(colon - chain);
		const char *sp = memchr(s, ' ', (size_t)(chain - s));
		if (sp && memchr(s, ',', (size_t)(sp - s)) && memmem(s, (size_t)(sp - s), "firewall", 8))
			pre = sp + 1; /* "firewall,info " topics */
		while (pre < chain && *pre == ' ')
			pre++;
		pre_end = chain;
		while (pre_end > pre && pre_end[-1] == ' ')
			pre_end--;
		inval = colon + 5;
	} else if (chain_is_tag(m)) {
		chain = m->tag.p;
		cn = m->tag.n;
		inval = s + 3;
		pre_end = pre;
	} else {
		*why = "not a RouterOS firewall line";
		return PARSE_SKIP;
	}
	if (pre_end > pre)
		ev->rule = (struct ev_str){ pre, (uint32_t)(pre_end - pre) };
	else
		ev->rule = (struct ev_str){ chain, (uint32_t)cn };
	ev->action = (uint8_t)netfilter_action_from_prefix(pre, (size_t)(pre_end - pre));
	if (cn == 5 && !memcmp(chain, "input", 5))
		ev->direction_hint = EV_DIR_INBOUND;
	else if (cn == 6 && !memcmp(chain, "output", 6))
		ev->direction_hint = EV_DIR_OUTBOUND;

	/* in:IFACE out:IFACE, then ", "-separated parts (parentheses nest commas) */
	const char *p = inval;
	const char *ie = p;
	if (end - p >= 8 && !memcmp(p, "(unknown", 8)) { /* "(unknown 0)": none */
		const char *c = memchr(p, ')', (size_t)(end - p));
		ie = c ? c + 1 : end;
	} else {
		while (ie < end && *ie != ' ' && *ie != ',')
			ie++;
		ev->in_if = (struct ev_str){ p, (uint32_t)(ie - p) };
	}
	p = ie;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 4 || memcmp(p, "out:", 4)) {
		*why = "no out: interface";
		return PARSE_BAD;
	}
	p += 4;
	const char *oe = p;
	int depth = 0;
	while (oe < end && (depth || *oe != ',')) {
		if (*oe == '(')
			depth++;
		else if (*oe == ')' && depth)
			depth--;
		oe++;
	}
	if (!(oe - p >= 8 && !memcmp(p, "(unknown", 8)))
		ev->out_if = (struct ev_str){ p, (uint32_t)(oe - p) };
	int have_pair = 0;
	p = oe;
	while (p < end) {
		while (p < end && (*p == ',' || *p == ' '))
			p++;
		const char *seg = p;
		depth = 0;
		while (p < end && (depth || *p != ',')) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && depth)
				depth--;
			p++;
		}
		size_t sn = (size_t)(p - seg);
		if (!sn)
			continue;
		const char *mac = memmem(seg, sn, "src-mac ", 8);
		if (mac) {
			ev->mac = (struct ev_str){ mac + 8, (uint32_t)(seg + sn - mac - 8) };
		} else if (sn > 6 && !memcmp(seg, "proto ", 6)) {
			if (proto_segment(seg, sn, ev)) {
				*why = "bad proto part";
				return PARSE_BAD;
			}
		} else if (sn > 4 && !memcmp(seg, "len ", 4)) {
			uint32_t x;
			if (parse_uint(seg + 4, sn - 4, 0xffffffffu, &x)) {
				*why = "bad len";
				return PARSE_BAD;
			}
			ev->len = x;
			ev->has |= EV_HAS_LEN;
		} else if (!have_pair && memmem(seg, sn, "->", 2) && (sn < 3 || memcmp(seg, "NAT", 3))) {
			if (pair_segment(seg, sn, ev)) {
				*why = "bad address pair";
				return PARSE_BAD;
			}
			have_pair = 1;
		}
	}
	if (!have_pair) {
		*why = "truncated: no addresses";
		return PARSE_BAD;
	}
	if (!(ev->has & EV_HAS_PROTO)) {
		*why = "truncated: no proto";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "addresses of different families";
		return PARSE_BAD;
	}
	if (ev->src.family == 6 && ev->proto == EV_PROTO_ICMP) /* RouterOS says ICMP for both */
		ev->proto = EV_PROTO_ICMPV6;
	if ((ev->proto == EV_PROTO_TCP || ev->proto == EV_PROTO_UDP) &&
	    !((ev->has & EV_HAS_SPORT) && (ev->has & EV_HAS_DPORT))) {
		*why = "truncated: no ports";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

const struct parse_format parse_mikrotik = {
	.name = "mikrotik",
	.description = "MikroTik RouterOS firewall log (chain: in:.. out:.., proto .., a:p->b:p)",
	.example = "Mar 10 10:11:12 gw firewall,info DROP-WAN input: in:ether1 out:(unknown 0), "
		   "src-mac 00:0c:42:11:22:33, proto TCP (SYN), 203.0.113.7:51515->192.0.2.1:22, "
		   "len 60",
	.detect = mt_detect,
	.parse = mt_parse,
};
