/* asa.c - Cisco ASA, PIX and Firepower Threat Defense syslog messages.
 *
 *   [<PRI>][Mmm dd [yyyy] hh:mm:ss[:]] [HOST [:]] %ASA-[class-]L-NNNNNN: BODY
 *
 * The %PIX- and %FTD- prefixes are the same family.  Message bodies follow
 * the Cisco "ASA Series Syslog Messages" guide; they are read by a walk over
 * words where a keyword announces what follows:
 *
 *   from/for/src/faddr ENDPOINT   source       to/dst/dest/laddr ENDPOINT  destination
 *   ENDPOINT -> ENDPOINT          106100 form  on interface NAME           input interface
 *   access-group/access-list/list NAME  rule   type T, code C              ICMP
 *   flags SYN ACK ...             TCP flags    inbound/outbound            direction_hint
 *
 * An ENDPOINT is "if:addr/port", "addr/port", "if/addr(port)" or "(addr)",
 * possibly followed by "(user)" or a NAT mapping in parentheses; IPv6
 * addresses appear in the same places.  In "Built outbound" messages the
 * "for"/faddr side is the foreign responder, so the two are swapped to give
 * the initiator as source.  Teardown messages carry no direction word: their
 * endpoints stay in the order logged and direction_hint stays unknown.
 *
 * FTD connection events (430001-430003) are "Key: value, Key: value" lists.
 * Message 733100 (threat-detection rate) carries no packet and is skipped. */
#include "parse.h"
#include "fields.h"

#include <string.h>

struct tok {
	const char *p;
	size_t n;
};

/* The next word; spaces inside parentheses do not split, so "(LOCAL\alice,
 * 123)" and "(type 8, code 0)" stay one word. */
static int next_tok(const char **pp, const char *end, struct tok *t)
{
	const char *p = *pp;
	while (p < end && *p == ' ')
		p++;
	if (p >= end)
		return 0;
	const char *s = p;
	int depth = 0;
	while (p < end) {
		char c = *p;
		if (c == '(')
			depth++;
		else if (c == ')' && depth)
			depth--;
		else if (c == ' ' && !depth)
			break;
		p++;
	}
	*pp = p;
	t->p = s;
	t->n = (size_t)(p - s);
	return 1;
}

/* Where "%ASA-", "%PIX-" or "%FTD-" starts in the first bytes of s. */
static const char *find_mark(const char *s, size_t n)
{
	if (n > 200)
		n = 200;
	const char *end = s + n, *p = s;
	while (p + 5 <= end && (p = memchr(p, '%', (size_t)(end - p - 4))) != NULL) {
		if (p[4] == '-' && (!memcmp(p + 1, "ASA", 3) || !memcmp(p + 1, "FTD", 3) ||
				    !memcmp(p + 1, "PIX", 3)))
			return p;
		p++;
	}
	return NULL;
}

static int asa_detect(const struct syslog_msg *m)
{
	return m->msg.n >= 12 && find_mark(m->msg.p, m->msg.n) != NULL;
}

struct endpoint {
	struct ev_addr a;
	uint16_t port;
	int has_port;
	struct ev_str ifc;
};

enum { EP_OK = 0, EP_NONE = -1, EP_BADPORT = -2 };

static int all_digits(const char *p, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "if:addr[/port]" or "addr[/port]": split off an interface name unless the
 * whole text is an address. */
static int endpoint_colon_form(const char *p, size_t n, struct endpoint *e)
{
	const char *slash = NULL;
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '/') {
			slash = p + i - 1;
			break;
		}
	const char *a = p, *ae = slash ? slash : p + n;
	const char *colon = memchr(a, ':', (size_t)(ae - a));
	if (colon) {
		/* An interface name is not a hex group of an IPv6 address. */
		int name = colon - a > 4;
		for (const char *q = a; q < colon && !name; q++)
			name = !is_hex(*q);
		if (name || fld_addr(&e->a, a, (size_t)(ae - a))) {
			e->ifc = fld_slice(a, (size_t)(colon - a));
			a = colon + 1;
		}
	}
	if (fld_addr(&e->a, a, (size_t)(ae - a)))
		return EP_NONE;
	if (slash) {
		if (fld_port(slash + 1, (size_t)(p + n - slash - 1), &e->port))
			return EP_BADPORT;
		e->has_port = 1;
	}
	return EP_OK;
}

/* Parse an endpoint word; EP_NONE when it is not one (the keyword was used
 * in prose), EP_BADPORT when the address is fine but the port impossible. */
static int parse_endpoint(const char *p, size_t n, struct endpoint *e)
{
	memset(e, 0, sizeof *e);
	if (n && p[0] == '(') { /* "(addr)" as 106016 writes the spoofed source */
		const char *c = memchr(p, ')', n);
		p++;
		n = c ? (size_t)(c - p) : n - 1;
	}
	while (n && (p[n - 1] == ',' || p[n - 1] == ';' || p[n - 1] == '.' ||
		     (p[n - 1] == ':' && !(n >= 2 && p[n - 2] == ':'))))
		n--;
	if (!n)
		return EP_NONE;
	const char *paren = memchr(p, '(', n);
	size_t mn = paren ? (size_t)(paren - p) : n;
	if (paren) {
		/* "if/addr(port)" (106100) when the parenthesis holds digits and
		 * what follows the first slash is an address. */
		const char *close = memchr(paren, ')', (size_t)(p + n - paren));
		const char *d = paren + 1, *de = close ? close : p + n;
		const char *slash = memchr(p, '/', mn);
		if (all_digits(d, (size_t)(de - d)) && slash &&
		    !fld_addr(&e->a, slash + 1, (size_t)(p + mn - slash - 1))) {
			e->ifc = fld_slice(p, (size_t)(slash - p));
			if (fld_port(d, (size_t)(de - d), &e->port))
				return EP_BADPORT;
			e->has_port = 1;
			return EP_OK;
		}
	}
	return endpoint_colon_form(p, mn, e);
}

static int tcp_flag_word(const char *p, size_t n)
{
	if (fld_is(p, n, "SYN"))
		return EV_TCP_SYN;
	if (fld_is(p, n, "ACK"))
		return EV_TCP_ACK;
	if (fld_is(p, n, "FIN"))
		return EV_TCP_FIN;
	if (fld_is(p, n, "RST"))
		return EV_TCP_RST;
	if (fld_is(p, n, "PSH"))
		return EV_TCP_PSH;
	if (fld_is(p, n, "URG"))
		return EV_TCP_URG;
	if (fld_is(p, n, "ECE"))
		return EV_TCP_ECE;
	if (fld_is(p, n, "CWR"))
		return EV_TCP_CWR;
	return 0;
}

/* A protocol word as ASA writes it before the addresses; "IP" means any. */
static int proto_word(const char *p, size_t n)
{
	if (n < 2 || n > 6 || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
		return -1;
	if (fld_ci(p, n, "icmp6") || fld_ci(p, n, "icmpv6"))
		return EV_PROTO_ICMPV6;
	static const char *const names[] = { "tcp", "udp", "icmp", "gre", "esp", "ah", "sctp",
					     "igmp", NULL };
	for (int i = 0; names[i]; i++)
		if (fld_ci(p, n, names[i]))
			return fld_proto(p, n);
	return -1;
}

/* A small number possibly glued to ',' or ')' ("11," "0)"); -1 if none. */
static int small_num(const char *p, size_t n)
{
	while (n && (p[n - 1] == ',' || p[n - 1] == ')'))
		n--;
	uint32_t v;
	if (parse_uint(p, n, 255, &v))
		return -1;
	return (int)v;
}

/* "(type 8, code 0)" as one word. */
static void icmp_paren(const char *p, size_t n, int *type, int *code)
{
	const char *end = p + n;
	p++;
	struct tok t;
	int want = 0;
	while (next_tok(&p, end, &t)) {
		if (want == 1)
			*type = small_num(t.p, t.n);
		else if (want == 2)
			*code = small_num(t.p, t.n);
		want = fld_is(t.p, t.n, "type") ? 1 : fld_is(t.p, t.n, "code") ? 2 : 0;
	}
}

enum want {
	W_NONE,
	W_SRC,
	W_DST,
	W_SRC_ID, /* faddr: the number after the slash is an ICMP id, not a port */
	W_DST_ID, /* laddr */
	W_IFACE,
	W_RULE,
	W_TYPE,
	W_CODE,
	W_PROTO,
	W_ARROW,
};

static enum want keyword(const char *p, size_t n)
{
	switch (n) {
	case 2:
		if (!memcmp(p, "to", 2))
			return W_DST;
		if (!memcmp(p, "->", 2))
			return W_ARROW;
		break;
	case 3:
		if (!memcmp(p, "src", 3) || !memcmp(p, "for", 3))
			return W_SRC;
		if (!memcmp(p, "dst", 3))
			return W_DST;
		break;
	case 4:
		if (!memcmp(p, "from", 4))
			return W_SRC;
		if (!memcmp(p, "dest", 4))
			return W_DST;
		if (!memcmp(p, "type", 4))
			return W_TYPE;
		if (!memcmp(p, "code", 4))
			return W_CODE;
		if (!memcmp(p, "list", 4))
			return W_RULE;
		break;
	case 5:
		if (!memcmp(p, "faddr", 5))
			return W_SRC_ID;
		if (!memcmp(p, "laddr", 5))
			return W_DST_ID;
		break;
	case 8:
		if (!memcmp(p, "protocol", 8))
			return W_PROTO;
		break;
	case 9:
		if (!memcmp(p, "interface", 9))
			return W_IFACE;
		break;
	case 11:
		if (!memcmp(p, "access-list", 11))
			return W_RULE;
		break;
	case 12:
		if (!memcmp(p, "access-group", 12))
			return W_RULE;
		break;
	}
	return W_NONE;
}

static int action_word(const char *p, size_t n)
{
	if (fld_is(p, n, "Deny") || fld_is(p, n, "denied") || fld_is(p, n, "Denied") ||
	    fld_is(p, n, "discarded"))
		return EV_ACTION_BLOCKED;
	if (fld_is(p, n, "Built") || fld_is(p, n, "permitted") || fld_is(p, n, "est-allowed"))
		return EV_ACTION_ALLOWED;
	if (fld_is(p, n, "Teardown"))
		return EV_ACTION_OTHER;
	return EV_ACTION_UNKNOWN;
}

/* Messages whose bodies name a packet or connection. */
static int packet_message(unsigned id)
{
	switch (id) {
	case 106001: case 106002: case 106006: case 106007: case 106010: case 106014:
	case 106015: case 106016: case 106017: case 106018: case 106020: case 106021:
	case 106022: case 106023: case 106100: case 106102: case 106103:
	case 302013: case 302014: case 302015: case 302016: case 302017: case 302018:
	case 302020: case 302021:
	case 313001: case 313004: case 313008: case 313009:
	case 434004:
	case 710003: case 710005:
		return 1;
	}
	return 0;
}

/* 1 when t was an endpoint (now in *dst), 0 when not (the keyword was prose,
 * as in "due to DNS"), -1 for an impossible port. */
static int set_endpoint(struct endpoint *dst, int *have, const struct tok *t, int keep_port,
			const char **why)
{
	struct endpoint e;
	int rc = parse_endpoint(t->p, t->n, &e);
	if (rc == EP_BADPORT) {
		*why = "port out of range";
		return -1;
	}
	if (rc != EP_OK)
		return 0;
	if (!keep_port)
		e.has_port = 0;
	*dst = e;
	*have = 1;
	return 1;
}

static int asa_body(unsigned id, const char *p, const char *end, struct event *ev,
		    const char **why)
{
	struct endpoint src, dst;
	int have_src = 0, have_dst = 0, dir = 0, action = 0, proto = -1, type = -1, code = -1;
	int built = 0, in_flags = 0;
	enum want want = W_NONE;
	struct tok t, prev = { NULL, 0 };
	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	while (next_tok(&p, end, &t)) {
		enum want w = want;
		int used = 1, rc;
		want = W_NONE;
		switch (w) {
		case W_SRC:
		case W_SRC_ID:
			if (have_src)
				break;
			if ((rc = set_endpoint(&src, &have_src, &t, w == W_SRC, why)) < 0)
				return PARSE_BAD;
			used = rc;
			break;
		case W_DST:
		case W_DST_ID:
			if (have_dst)
				break;
			if ((rc = set_endpoint(&dst, &have_dst, &t, w == W_DST, why)) < 0)
				return PARSE_BAD;
			used = rc;
			break;
		case W_ARROW: /* "if/src(port) -> if/dst(port)": the word before is the source */
			have_src = have_dst = 0;
			if (set_endpoint(&src, &have_src, &prev, 1, why) < 0 ||
			    set_endpoint(&dst, &have_dst, &t, 1, why) < 0)
				return PARSE_BAD;
			break;
		case W_IFACE:
			if (!ev->in_if.n)
				ev->in_if = fld_slice(t.p, t.n);
			break;
		case W_RULE:
			if (!ev->rule.n) {
				const char *r = t.p;
				size_t rn = t.n;
				if (rn >= 2 && r[0] == '"' && r[rn - 1] == '"')
					r++, rn -= 2;
				ev->rule = fld_slice(r, rn);
			}
			break;
		case W_TYPE:
			type = small_num(t.p, t.n);
			break;
		case W_CODE:
			code = small_num(t.p, t.n);
			break;
		case W_PROTO: {
			uint32_t v;
			if (proto < 0 && !parse_uint(t.p, t.n, 255, &v))
				proto = (int)v;
			break;
		}
		case W_NONE:
			break;
		}
		if (w != W_NONE && used) {
			prev = t;
			continue;
		}
		if (in_flags) {
			int f = tcp_flag_word(t.p, t.n);
			if (f) {
				ev->tcp_flags |= (uint8_t)f;
				ev->has |= EV_HAS_TCP_FLAGS;
				prev = t;
				continue;
			}
			in_flags = 0;
		}
		want = keyword(t.p, t.n);
		if (want == W_ARROW && !prev.n) {
			*why = "'->' without a source";
			return PARSE_BAD;
		}
		if (want == W_ARROW)
			continue; /* prev stays the source word */
		if (want != W_NONE) {
			prev = t;
			continue;
		}
		if (fld_is(t.p, t.n, "flags")) {
			in_flags = 1;
		} else if (t.p[0] == '(' && t.n > 6 && !memcmp(t.p, "(type ", 6)) {
			icmp_paren(t.p, t.n, &type, &code);
		} else if (t.n > 5 && !memcmp(t.p, "type=", 5)) { /* 313001: type=8, code=0 */
			type = small_num(t.p + 5, t.n - 5);
		} else if (t.n > 5 && !memcmp(t.p, "code=", 5)) {
			code = small_num(t.p + 5, t.n - 5);
		} else if (!dir && fld_ci(t.p, t.n, "inbound")) {
			dir = EV_DIR_INBOUND;
		} else if (!dir && fld_ci(t.p, t.n, "outbound")) {
			dir = EV_DIR_OUTBOUND;
		} else if (!action && (action = action_word(t.p, t.n)) != 0) {
			built = fld_is(t.p, t.n, "Built");
		} else if (proto < 0 && !have_src) {
			proto = proto_word(t.p, t.n);
		}
		prev = t;
	}
	if (!have_src) {
		*why = "no source address";
		return PARSE_BAD;
	}
	/* Built outbound: "for"/faddr names the foreign side, the responder. */
	if (built && dir == EV_DIR_OUTBOUND && have_dst) {
		struct endpoint x = src;
		src = dst;
		dst = x;
	}
	if (have_dst && src.a.family != dst.a.family) {
		*why = "source and destination of different families";
		return PARSE_BAD;
	}
	ev->src = src.a;
	if (src.has_port) {
		ev->sport = src.port;
		ev->has |= EV_HAS_SPORT;
	}
	if (have_dst) {
		ev->dst = dst.a;
		if (dst.has_port) {
			ev->dport = dst.port;
			ev->has |= EV_HAS_DPORT;
		}
	}
	if (src.ifc.n)
		ev->in_if = src.ifc;
	if (dst.ifc.n) {
		/* 710003/710005 name the device's own interface the packet came to */
		if (id / 1000 == 710 && !ev->in_if.n)
			ev->in_if = dst.ifc;
		else
			ev->out_if = dst.ifc;
	}
	if (proto == EV_PROTO_ICMP && src.a.family == 6)
		proto = EV_PROTO_ICMPV6;
	if (proto >= 0) {
		ev->proto = (uint8_t)proto;
		ev->has |= EV_HAS_PROTO;
	}
	if (type >= 0 && (proto == EV_PROTO_ICMP || proto == EV_PROTO_ICMPV6)) {
		ev->icmp_type = (uint8_t)type;
		ev->icmp_code = (uint8_t)(code >= 0 ? code : 0);
		ev->has |= EV_HAS_ICMP;
	}
	if (id == 434004) /* redirection bypass: a decision about inspection, not access */
		action = EV_ACTION_OTHER;
	ev->action = (uint8_t)action;
	/* Messages about traffic to the device itself (710003/5, 313001/4/8). */
	if (!dir && (id / 1000 == 710 || id / 1000 == 313))
		dir = EV_DIR_INBOUND;
	ev->direction_hint = (uint8_t)dir;
	return PARSE_OK;
}

/* FTD connection events: "Key: value, Key: value, ..." */
static int ftd_connection(const char *p, const char *end, struct event *ev, const char **why)
{
	int have_src = 0, have_dst = 0;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		const char *k = p;
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			break;
		size_t kn = (size_t)(colon - k);
		const char *v = colon + 1;
		while (v < end && *v == ' ')
			v++;
		/* The value ends at ", " followed by the next key (values such as
		 * times contain ':' but never ", "). */
		const char *ve = v;
		while (ve < end && !(ve[0] == ',' && ve + 1 < end && ve[1] == ' '))
			ve++;
		size_t vn = (size_t)(ve - v);
		p = ve;
		if (fld_is(k, kn, "SrcIP")) {
			if (fld_addr(&ev->src, v, vn)) {
				*why = "bad SrcIP";
				return PARSE_BAD;
			}
			have_src = 1;
		} else if (fld_is(k, kn, "DstIP")) {
			if (fld_addr(&ev->dst, v, vn)) {
				*why = "bad DstIP";
				return PARSE_BAD;
			}
			have_dst = 1;
		} else if (fld_is(k, kn, "SrcPort")) {
			if (fld_port(v, vn, &ev->sport)) {
				*why = "bad SrcPort";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_SPORT;
		} else if (fld_is(k, kn, "DstPort")) {
			if (fld_port(v, vn, &ev->dport)) {
				*why = "bad DstPort";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_DPORT;
		} else if (fld_is(k, kn, "Protocol")) {
			int pr = fld_proto(v, vn);
			if (pr >= 0) {
				ev->proto = (uint8_t)pr;
				ev->has |= EV_HAS_PROTO;
			}
		} else if (fld_is(k, kn, "IngressInterface")) {
			ev->in_if = fld_slice(v, vn);
		} else if (fld_is(k, kn, "EgressInterface")) {
			ev->out_if = fld_slice(v, vn);
		} else if (fld_is(k, kn, "AccessControlRuleName")) {
			ev->rule = fld_slice(v, vn);
		} else if (fld_is(k, kn, "AccessControlRuleAction")) {
			if (fld_is(v, vn, "Allow") || fld_is(v, vn, "Trust"))
				ev->action = EV_ACTION_ALLOWED;
			else if (fld_prefix(v, vn, "Block"))
				ev->action = EV_ACTION_BLOCKED;
			else
				ev->action = EV_ACTION_OTHER;
		}
	}
	if (!have_src || !have_dst) {
		*why = "no SrcIP or DstIP";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "SrcIP and DstIP of different families";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

static int asa_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		     const char **why)
{
	const char *s = m->msg.p, *end = s + m->msg.n;
	const char *mark = find_mark(s, m->msg.n);
	if (!mark) {
		*why = "no %ASA-/%PIX-/%FTD- message id";
		return PARSE_SKIP;
	}
	/* The device's own "logging timestamp" before the mark, when the
	 * envelope did not take it (ASA writes "Mmm dd yyyy hh:mm:ss:" with a
	 * colon that ends the syslog envelope early). */
	const char *pe = mark;
	while (pe > s && (pe[-1] == ' ' || pe[-1] == ':'))
		pe--;
	if (pe > s && ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || *s == '<')) {
		struct syslog_msg pm;
		syslog_parse(ctx, s, (size_t)(pe - s), &pm);
		if (pm.has_ts) {
			ev->ts_us = pm.ts_us;
			ev->has |= EV_HAS_TS;
			if (pm.host.n)
				ev->device = pm.host;
		}
	}
	if (!ev->device.n && !m->host.n && m->tag.n) /* "host: %ASA-..." reads as a tag */
		ev->device = m->tag;
	/* %ASA-[class-]L-NNNNNN: */
	const char *p = mark + 5;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon - p > 40) {
		*why = "malformed message id";
		return PARSE_BAD;
	}
	const char *dash = colon;
	while (dash > p && dash[-1] != '-')
		dash--;
	uint32_t id;
	if (dash == p || parse_uint(dash, (size_t)(colon - dash), 999999, &id) ||
	    colon - dash != 6) {
		*why = "malformed message id";
		return PARSE_BAD;
	}
	p = colon + 1;
	while (p < end && *p == ' ')
		p++;
	/* "message repeated N times: [ BODY]" */
	if (end - p > 17 && !memcmp(p, "message repeated ", 17)) {
		const char *br = memchr(p, '[', (size_t)(end - p));
		if (!br) {
			*why = "repeated message without its text";
			return PARSE_BAD;
		}
		p = br + 1;
		if (end > p && end[-1] == ']')
			end--;
	}
	if (id >= 430001 && id <= 430003)
		return ftd_connection(p, end, ev, why);
	if (id == 733100) {
		*why = "threat-detection rate report (733100): no per-packet addresses";
		return PARSE_SKIP;
	}
	if (!packet_message(id)) {
		*why = "ASA message that names no packet";
		return PARSE_SKIP;
	}
	return asa_body(id, p, end, ev, why);
}

const struct parse_format parse_asa = {
	.name = "asa",
	.description = "Cisco ASA, PIX and Firepower Threat Defense syslog (%ASA-, %PIX-, %FTD-)",
	.example = "Mar 11 2024 20:35:11 fw01 : %ASA-4-106023: Deny tcp src outside:203.0.113.7/"
		   "51234 dst inside:192.0.2.10/445 by access-group \"outside_in\" [0x0, 0x0]",
	.detect = asa_detect,
	.parse = asa_parse,
};
