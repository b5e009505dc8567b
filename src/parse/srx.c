/* srx.c - Juniper SRX session logs (RT_FLOW) and NetScreen/ScreenOS traffic logs.
 *
 * SRX, structured (RFC 5424, "set system syslog ... structured-data"): the
 * event name is the MSGID and the fields a [junos@2636.1.1.1.2.N k="v" ...]
 * element:
 *   <14>1 TS HOST RT_FLOW - RT_FLOW_SESSION_DENY [junos@... source-address="a"
 *     source-port="p" destination-address="b" destination-port="q"
 *     protocol-id="6" policy-name="x" packet-incoming-interface="ge-0/0/0.0" ...]
 * SRX, plain text (the same events, positional, per Junos' RT_FLOW reference):
 *   RT_FLOW_SESSION_CREATE: session created SA/SP->DA/DP [tag] SERVICE NSA/NSP->NDA/NDP
 *     [tag] [type] SNAT-RULE [type] DNAT-RULE PROTO POLICY SZONE DZONE ID USER(ROLES) IFACE ..
 *   RT_FLOW_SESSION_CLOSE: session closed REASON: SA/SP->DA/DP ... PROTO POLICY SZONE
 *     DZONE ID PKTS(BYTES) PKTS(BYTES) ELAPSED APP NESTED USER(ROLES) IFACE ..
 *   RT_FLOW_SESSION_DENY: session denied SA/SP->DA/DP [tag] SERVICE PROTO(ICMPTYPE) POLICY
 *     SZONE DZONE APP NESTED USER(ROLES) IFACE ..
 * The NAT-rule part varies between releases ("source rule r1" has a space),
 * so the protocol and policy are found counting back from the first
 * "x(y)" word, which every release writes after the session id.
 * APPTRACK_SESSION_* (structured) carry the same fields.
 *
 * NetScreen (ScreenOS) traffic log:
 *   NetScreen device_id=ID [Root]system-notification-00257(traffic): start_time="..."
 *     duration=0 policy_id=N service=.. proto=17 src zone=Untrust dst zone=Trust
 *     action=Deny sent=0 rcvd=0 src=a dst=b src_port=p dst_port=q session_id=0
 *
 * CREATE is allowed, DENY blocked, CLOSE and updates other.  Zones are named
 * by the administrator, so they give no direction. */
#include "parse.h"
#include "scan.h"
#include "fields.h"
#include "kv.h"

#include <string.h>

static const char *find_kind(const char *s, size_t n, size_t *kn)
{
	if (n > 256)
		n = 256;
	const char *hit = SCAN_FIND(s, n, "RT_FLOW_SESSION_");
	size_t skip = 16;
	if (!hit) {
		hit = SCAN_FIND(s, n, "APPTRACK_SESSION_");
		skip = 17;
	}
	if (!hit)
		return NULL;
	const char *k = hit + skip, *e = s + n;
	while (k < e && ((*k >= 'A' && *k <= 'Z') || *k == '_'))
		k++;
	*kn = (size_t)(k - hit - skip);
	return hit + skip;
}

static int is_netscreen(const struct syslog_msg *m)
{
	return m->msg.n > 20 && !memcmp(m->msg.p, "NetScreen device_id=", 20);
}

static int srx_detect(const struct syslog_msg *m)
{
	size_t kn;
	if (m->tag.n == 7 && !memcmp(m->tag.p, "RT_FLOW", 7))
		return 1;
	if (m->msg.n > 16 && !memcmp(m->msg.p, "RT_FLOW_SESSION_", 16))
		return 1;
	if (is_netscreen(m))
		return 1;
	return m->tag.n && find_kind(m->tag.p, m->tag.n, &kn) != NULL;
}

static int kind_action(const char *k, size_t n)
{
	if (fld_prefix(k, n, "DENY"))
		return EV_ACTION_BLOCKED;
	if (fld_prefix(k, n, "CREATE"))
		return EV_ACTION_ALLOWED;
	return EV_ACTION_OTHER;
}

static int set_proto(struct event *ev, const char *v, size_t n)
{
	uint32_t x;
	if (parse_uint(v, n, 255, &x))
		return -1;
	ev->proto = (uint8_t)x;
	ev->has |= EV_HAS_PROTO;
	return 0;
}

/* Addresses and ports must both be there, and of one family. */
static int finish(struct event *ev, int have, const char **why)
{
	if ((have & 3) != 3) {
		*why = "no source or destination address";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "source and destination of different families";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

/* [junos@... key="value" ...] */
static int srx_structured(const char *p, const char *end, struct event *ev, const char **why)
{
	int have = 0, icmp_type = -1;
	while (p < end && *p != ' ' && *p != ']') /* the SD-ID */
		p++;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == ']')
			break;
		const char *k = p;
		p = memchr(p, '=', (size_t)(end - p));
		if (!p)
			break;
		size_t kn = (size_t)(p - k);
		if (p + 1 >= end || p[1] != '"') {
			/* Not key="value" (devices have been seen writing typographic
			 * quotes): skip the word, keep what the others say. */
			while (p < end && *p != ' ' && *p != ']')
				p++;
			continue;
		}
		const char *v = p + 2;
		p = fld_quote_end(v, end);
		if (!p) {
			*why = "unterminated value in structured data";
			return PARSE_BAD;
		}
		size_t vn = (size_t)(p - v);
		p++;
		switch (k[0]) {
		case 's':
			if (fld_is(k, kn, "source-address")) {
				if (fld_addr(&ev->src, v, vn)) {
					*why = "bad source-address";
					return PARSE_BAD;
				}
				have |= 1;
			} else if (fld_is(k, kn, "source-port")) {
				if (fld_port(v, vn, &ev->sport)) {
					*why = "bad source-port";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_SPORT;
			}
			break;
		case 'd':
			if (fld_is(k, kn, "destination-address")) {
				if (fld_addr(&ev->dst, v, vn)) {
					*why = "bad destination-address";
					return PARSE_BAD;
				}
				have |= 2;
			} else if (fld_is(k, kn, "destination-port")) {
				if (fld_port(v, vn, &ev->dport)) {
					*why = "bad destination-port";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_DPORT;
			}
			break;
		case 'p':
			if (fld_is(k, kn, "protocol-id")) {
				if (set_proto(ev, v, vn)) {
					*why = "bad protocol-id";
					return PARSE_BAD;
				}
			} else if (fld_is(k, kn, "policy-name")) {
				ev->rule = fld_slice(v, vn);
			} else if (fld_is(k, kn, "packet-incoming-interface")) {
				ev->in_if = fld_slice(v, vn);
			}
			break;
		case 'i':
			if (fld_is(k, kn, "icmp-type")) {
				uint32_t x;
				if (!parse_uint(v, vn, 255, &x))
					icmp_type = (int)x;
			}
			break;
		}
	}
	if (icmp_type >= 0 && (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6) &&
	    (ev->has & EV_HAS_PROTO)) {
		ev->icmp_type = (uint8_t)icmp_type;
		ev->has |= EV_HAS_ICMP;
	}
	return finish(ev, have, why);
}

struct word {
	const char *p;
	size_t n;
};

/* "addr/port->addr/port" */
static int flow_pair(const struct word *w, struct event *ev, const char **why)
{
	const char *arrow = memmem(w->p, w->n, "->", 2);
	const char *halves[2][2] = { { w->p, arrow }, { arrow + 2, w->p + w->n } };
	for (int i = 0; i < 2; i++) {
		const char *a = halves[i][0], *e = halves[i][1], *slash = NULL;
		for (const char *q = e; q > a; q--)
			if (q[-1] == '/') {
				slash = q - 1;
				break;
			}
		struct ev_addr *addr = i ? &ev->dst : &ev->src;
		uint16_t *port = i ? &ev->dport : &ev->sport;
		if (!slash || fld_addr(addr, a, (size_t)(slash - a))) {
			*why = i ? "bad destination address" : "bad source address";
			return -1;
		}
		if (fld_port(slash + 1, (size_t)(e - slash - 1), port)) {
			*why = i ? "bad destination port" : "bad source port";
			return -1;
		}
		ev->has |= i ? EV_HAS_DPORT : EV_HAS_SPORT;
	}
	return 0;
}

static int paren_word(const struct word *w)
{
	return w->n >= 3 && w->p[w->n - 1] == ')' && memchr(w->p, '(', w->n) != NULL;
}

static int digits_before_paren(const struct word *w)
{
	const char *o = memchr(w->p, '(', w->n);
	uint32_t x;
	return o && !parse_uint(w->p, (size_t)(o - w->p), 0xffffffffu, &x);
}

enum { MAX_WORDS = 48 };

static int srx_plain(const char *kind, size_t kn, const char *p, const char *end, struct event *ev,
		     const char **why)
{
	/* Skip "session created"/"session denied"/"session closed REASON:". */
	if (fld_prefix(kind, kn, "CLOSE")) {
		const char *c = memmem(p, (size_t)(end - p), ": ", 2);
		if (!c) {
			*why = "session closed without its reason";
			return PARSE_BAD;
		}
		p = c + 2;
	}
	struct word w[MAX_WORDS];
	int n = 0, pair = -1;
	while (p < end && n < MAX_WORDS) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *s = p;
		while (p < end && *p != ' ')
			p++;
		w[n] = (struct word){ s, (size_t)(p - s) };
		if (pair < 0 && memmem(s, (size_t)(p - s), "->", 2))
			pair = n;
		n++;
	}
	if (pair < 0) {
		*why = "no source->destination pair";
		return PARSE_BAD;
	}
	if (flow_pair(&w[pair], ev, why))
		return PARSE_BAD;
	int a = -1;
	for (int i = pair + 1; i < n; i++)
		if (paren_word(&w[i])) {
			a = i;
			break;
		}
	if (fld_prefix(kind, kn, "DENY")) {
		if (a < 0) {
			*why = "no protocol(icmp-type) word";
			return PARSE_BAD;
		}
		const char *o = memchr(w[a].p, '(', w[a].n);
		if (set_proto(ev, w[a].p, (size_t)(o - w[a].p))) {
			*why = "bad protocol";
			return PARSE_BAD;
		}
		uint32_t t;
		if ((ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6) &&
		    !parse_uint(o + 1, (size_t)(w[a].p + w[a].n - o - 2), 255, &t)) {
			ev->icmp_type = (uint8_t)t;
			ev->has |= EV_HAS_ICMP;
		}
		if (a + 1 < n)
			ev->rule = fld_slice(w[a + 1].p, w[a + 1].n);
	} else {
		/* Old releases end with the session id: count back from the end. */
		int anchor = a < 0 ? n : a;
		if (anchor - 5 > pair) {
			if (set_proto(ev, w[anchor - 5].p, w[anchor - 5].n)) {
				*why = "bad protocol";
				return PARSE_BAD;
			}
			ev->rule = fld_slice(w[anchor - 4].p, w[anchor - 4].n);
		}
	}
	/* username(roles) is followed by the incoming interface. */
	for (int i = a < 0 ? n : a; i < n; i++)
		if (paren_word(&w[i]) && !digits_before_paren(&w[i])) {
			if (i + 1 < n)
				ev->in_if = fld_slice(w[i + 1].p, w[i + 1].n);
			break;
		}
	if (ev->src.family != ev->dst.family) {
		*why = "source and destination of different families";
		return PARSE_BAD;
	}
	return PARSE_OK;
}

static int netscreen(struct parse_ctx *ctx, const char *p, const char *end, struct event *ev,
		     const char **why)
{
	const char *id = p + 20, *ide = id;
	while (ide < end && *ide != ' ')
		ide++;
	ev->device = fld_slice(id, (size_t)(ide - id));
	const char *tr = memmem(ide, (size_t)(end - ide), "(traffic):", 10);
	if (!tr) {
		*why = "NetScreen message that is not a traffic log";
		return PARSE_SKIP;
	}
	p = tr + 10;
	int have = 0, type = -1;
	struct kv_pair kv; /* kv_next skips the words without '=' ("src zone=...") */
	while (kv_next(&p, end, &kv)) {
		const char *k = kv.k, *v = kv.v;
		size_t kn = kv.kn, vn = kv.vn;
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
		} else if (fld_is(k, kn, "src_port")) {
			if (fld_port(v, vn, &ev->sport)) {
				*why = "bad src_port";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_SPORT;
		} else if (fld_is(k, kn, "dst_port")) {
			if (fld_port(v, vn, &ev->dport)) {
				*why = "bad dst_port";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_DPORT;
		} else if (fld_is(k, kn, "proto")) {
			if (set_proto(ev, v, vn)) {
				*why = "bad proto";
				return PARSE_BAD;
			}
		} else if (fld_is(k, kn, "policy_id")) {
			ev->rule = fld_slice(v, vn);
		} else if (fld_is(k, kn, "action")) {
			if (fld_ci(v, vn, "Permit") || fld_ci(v, vn, "Tunnel"))
				ev->action = EV_ACTION_ALLOWED;
			else if (fld_ci(v, vn, "Deny") || fld_ci(v, vn, "Reject"))
				ev->action = EV_ACTION_BLOCKED;
			else
				ev->action = EV_ACTION_OTHER;
		} else if (fld_is(k, kn, "type")) {
			uint32_t x;
			if (!parse_uint(v, vn, 255, &x))
				type = (int)x;
		} else if (fld_is(k, kn, "start_time")) {
			int64_t ts;
			if (parse_rfc3339_ctx(ctx, v, vn, &ts) == vn) {
				ev->ts_us = ts;
				ev->has |= EV_HAS_TS;
			}
		}
	}
	if (type >= 0 && (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6)) {
		ev->icmp_type = (uint8_t)type;
		ev->has |= EV_HAS_ICMP;
	}
	return finish(ev, have, why);
}

static int srx_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		     const char **why)
{
	if (is_netscreen(m))
		return netscreen(ctx, m->msg.p, m->msg.p + m->msg.n, ev, why);
	const char *line = m->line, *end = line + m->len;
	size_t kn;
	const char *kind = NULL;
	if (m->tag.n) { /* RFC 5424: the MSGID after APP-NAME and PROCID */
		const char *q = m->tag.p + m->tag.n, *e = q;
		for (int f = 0; f < 2 && q < end; f++) {
			while (q < end && *q == ' ')
				q++;
			e = q;
			while (e < end && *e != ' ')
				e++;
			if (f == 0)
				q = e;
		}
		if (q < end)
			kind = find_kind(q, (size_t)(e - q), &kn);
	}
	if (!kind)
		kind = find_kind(line, m->len, &kn);
	if (!kind) {
		*why = "RT_FLOW message that is not a session log";
		return PARSE_SKIP;
	}
	ev->action = (uint8_t)kind_action(kind, kn);
	const char *after = kind + kn;
	const char *sd = memmem(after, (size_t)(end - after) < 8 ? (size_t)(end - after) : 8,
				"[junos@", 7);
	if (sd)
		return srx_structured(sd, end, ev, why);
	if (after < end && *after == ':')
		after++;
	if (!fld_prefix(after, (size_t)(end - after), " session ")) {
		*why = "RT_FLOW session event without session text";
		return PARSE_SKIP;
	}
	return srx_plain(kind, kn, after + 9, end, ev, why);
}

const struct parse_format parse_srx = {
	.name = "srx",
	.description = "Juniper SRX RT_FLOW session logs (structured and plain), NetScreen traffic logs",
	.example = "<14>1 2024-03-11T20:35:11.000Z srx1 RT_FLOW - RT_FLOW_SESSION_DENY "
		   "[junos@2636.1.1.1.2.40 source-address=\"203.0.113.7\" source-port=\"51234\" "
		   "destination-address=\"192.0.2.10\" destination-port=\"22\" protocol-id=\"6\" "
		   "policy-name=\"deny-all\" packet-incoming-interface=\"ge-0/0/0.0\"]",
	.detect = srx_detect,
	.parse = srx_parse,
};
