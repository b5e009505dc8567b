/* filterlog.c - pfSense and OPNsense `filterlog`: pf's log as one CSV line,
 * usually inside a syslog envelope (RFC 3164 or 5424) with the tag filterlog.
 *
 *   RULE,SUBRULE,ANCHOR,TRACKER,IFACE,REASON,ACTION,DIR,IPVER,
 *   IPv4: TOS,ECN,TTL,ID,OFFSET,FLAGS,PROTO_ID,PROTO,LEN,SRC,DST,
 *   IPv6: CLASS,FLOWLABEL,HOPLIMIT,PROTO,PROTO_ID,LEN,SRC,DST,
 *   TCP:  SPORT,DPORT,DATALEN,TCPFLAGS,SEQ,ACK,WIN,URG,OPTIONS
 *   UDP:  SPORT,DPORT,DATALEN
 *   ICMP: TYPE-NAME,... (what follows depends on the type)
 *   CARP: TYPE,TTL,VHID,VERSION,ADVSKEW,ADVBASE
 *   other protocols: nothing, or (OPNsense) datalength=N
 *
 * (Netgate, "Raw Filter Log Format", pfSense documentation; OPNsense's
 * filterlog description.txt.)  ACTION and DIR are pf's own words; DIR is
 * relative to IFACE, like pf's "in"/"out". */
#include "field.h"

enum {
	F_RULE, F_SUBRULE, F_ANCHOR, F_TRACKER, F_IFACE, F_REASON, F_ACTION, F_DIR, F_IPVER,
	F_COMMON, /* first field after the common part */
	MAX_FIELDS = 40,
};

/* A cheap look at the first nine fields: numbers, "in"/"out", "4"/"6". */
static int looks_like_filterlog(const char *s, size_t n)
{
	struct ev_str f[F_COMMON + 1];
	if (n < 20 || !(s[0] >= '0' && s[0] <= '9'))
		return 0;
	if (n > 200)
		n = 200; /* the common part is short; don't scan long lines */
	int k = field_split(s, n, ',', f, F_COMMON + 1);
	if (k <= F_COMMON)
		return 0;
	uint32_t v;
	return field_uint(f[F_RULE], 0xffffffffu, &v) == 0 &&
	       (FIELD_IS(f[F_DIR], "in") || FIELD_IS(f[F_DIR], "out")) &&
	       (FIELD_IS(f[F_IPVER], "4") || FIELD_IS(f[F_IPVER], "6")) && f[F_IFACE].n > 0;
}

static int fl_detect(const struct syslog_msg *m)
{
	if (FIELD_IS(m->tag, "filterlog"))
		return 1;
	return looks_like_filterlog(m->msg.p, m->msg.n);
}

/* pf's action names (pf.conf(5)): what happened to the packet. */
static int action_of(struct ev_str a)
{
	if (FIELD_IS(a, "pass"))
		return EV_ACTION_ALLOWED;
	if (FIELD_IS(a, "block") || FIELD_IS(a, "reject") || FIELD_IS(a, "drop") ||
	    FIELD_IS(a, "synproxy-drop"))
		return EV_ACTION_BLOCKED;
	return EV_ACTION_OTHER; /* scrub, nat, binat, rdr, match: logged, not decided */
}

/* pf's TCP flag letters, FSRPAUEW. */
static int tcp_flags_of(struct ev_str f, uint8_t *flags)
{
	static const char letters[] = "FSRPAUEW";
	uint8_t v = 0;
	for (uint32_t i = 0; i < f.n; i++) {
		const char *c = memchr(letters, f.p[i], 8);
		if (!c)
			return -1;
		v |= (uint8_t)(1u << (c - letters));
	}
	*flags = v;
	return 0;
}

/* ICMP type names filterlog prints, with the type and code when the name
 * fixes both (echo is code 0; "unreach" alone does not say which code). */
static int icmp_of(struct ev_str t, uint8_t *type, uint8_t *code)
{
	static const struct {
		const char *name;
		uint8_t type, code;
	} names[] = {
		{ "request", 8, 0 },     { "reply", 0, 0 },        { "unreachproto", 3, 2 },
		{ "unreachport", 3, 3 }, { "needfrag", 3, 4 },     { "tstamp", 13, 0 },
		{ "tstampreply", 14, 0 }, { "maskreply", 18, 0 },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (t.n == strlen(names[i].name) && !memcmp(t.p, names[i].name, t.n)) {
			*type = names[i].type;
			*code = names[i].code;
			return 0;
		}
	return -1;
}

#define BAD(reason)               \
	do {                      \
		*why = reason;    \
		return PARSE_BAD; \
	} while (0)

static int fl_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	struct ev_str f[MAX_FIELDS];
	int nf = field_split(m->msg.p, m->msg.n, ',', f, MAX_FIELDS);
	uint32_t v;
	if (nf < 2 || field_uint(f[F_RULE], 0xffffffffu, &v)) {
		*why = "filterlog: not a packet line";
		return PARSE_SKIP; /* filterlog's own messages: startup, errors */
	}
	if (nf <= F_IPVER || !(FIELD_IS(f[F_DIR], "in") || FIELD_IS(f[F_DIR], "out")))
		BAD("filterlog: truncated common fields");
	/* The tracker is the rule's stable id in the GUI; older lines lack it. */
	ev->rule = f[F_TRACKER].n ? f[F_TRACKER] : f[F_RULE];
	ev->action = (uint8_t)action_of(f[F_ACTION]);
	if (FIELD_IS(f[F_DIR], "in")) {
		ev->direction_hint = EV_DIR_INBOUND;
		ev->in_if = f[F_IFACE];
	} else {
		ev->direction_hint = EV_DIR_OUTBOUND;
		ev->out_if = f[F_IFACE];
	}

	int i, offset = 0;
	struct ev_str ttl, len, proto, src, dst;
	if (FIELD_IS(f[F_IPVER], "4")) {
		/* TOS,ECN,TTL,ID,OFFSET,FLAGS,PROTO_ID,PROTO,LEN,SRC,DST */
		if (nf < F_COMMON + 11)
			BAD("filterlog: truncated IPv4 header fields");
		ttl = f[F_COMMON + 2];
		if (f[F_COMMON + 4].n && field_uint(f[F_COMMON + 4], 65535, &v) == 0)
			offset = v != 0;
		proto = f[F_COMMON + 6];
		len = f[F_COMMON + 8];
		src = f[F_COMMON + 9];
		dst = f[F_COMMON + 10];
		i = F_COMMON + 11;
	} else if (FIELD_IS(f[F_IPVER], "6")) {
		/* CLASS,FLOWLABEL,HOPLIMIT,PROTO,PROTO_ID,LEN,SRC,DST */
		if (nf < F_COMMON + 8)
			BAD("filterlog: truncated IPv6 header fields");
		ttl = f[F_COMMON + 2];
		proto = f[F_COMMON + 4];
		len = f[F_COMMON + 5];
		src = f[F_COMMON + 6];
		dst = f[F_COMMON + 7];
		i = F_COMMON + 8;
	} else {
		BAD("filterlog: IP version is neither 4 nor 6");
	}
	if (ev_addr_parse(&ev->src, src.p, src.n))
		BAD("filterlog: bad source address");
	if (ev_addr_parse(&ev->dst, dst.p, dst.n))
		BAD("filterlog: bad destination address");
	if (ev->src.family != ev->dst.family ||
	    ev->src.family != (FIELD_IS(f[F_IPVER], "4") ? 4 : 6))
		BAD("filterlog: address family differs from the IP version");
	if (field_uint(proto, 255, &v))
		BAD("filterlog: bad protocol id");
	ev->proto = (uint8_t)v;
	ev->has |= EV_HAS_PROTO;
	if (ttl.n) {
		if (field_uint(ttl, 255, &v))
			BAD("filterlog: bad TTL or hop limit");
		ev->ttl = (uint8_t)v;
		ev->has |= EV_HAS_TTL;
	}
	if (len.n) {
		if (field_uint(len, 0xffffffffu, &v))
			BAD("filterlog: bad length");
		ev->len = v;
		ev->has |= EV_HAS_LEN;
	}

	int rest = nf - i; /* fields after the addresses */
	switch (ev->proto) {
	case EV_PROTO_TCP:
	case EV_PROTO_UDP:
		if (rest < 2) {
			if (offset) /* a later fragment carries no transport header */
				break;
			BAD("filterlog: truncated: no ports");
		}
		if (field_port(f[i], &ev->sport, &ev->has, EV_HAS_SPORT) ||
		    field_port(f[i + 1], &ev->dport, &ev->has, EV_HAS_DPORT))
			BAD("filterlog: bad port");
		/* TCP: DATALEN,FLAGS,SEQ,ACK,WIN,URG,OPTIONS after the ports */
		if (ev->proto == EV_PROTO_TCP && rest >= 4 && f[i + 3].n) {
			if (tcp_flags_of(f[i + 3], &ev->tcp_flags))
				BAD("filterlog: bad TCP flags");
			ev->has |= EV_HAS_TCP_FLAGS;
		}
		if (ev->proto == EV_PROTO_TCP && rest >= 7 && f[i + 6].n) {
			if (field_uint(f[i + 6], 65535, &v))
				BAD("filterlog: bad TCP window");
			ev->window = (uint16_t)v;
			ev->has |= EV_HAS_WINDOW;
		}
		if (ev->proto == EV_PROTO_TCP && rest >= 9 && f[i + 8].n)
			ev->tcp_opts = f[i + 8];
		break;
	case EV_PROTO_ICMP:
		if (rest >= 1 && icmp_of(f[i], &ev->icmp_type, &ev->icmp_code) == 0)
			ev->has |= EV_HAS_ICMP;
		break;
	default:
		break;
	}
	return PARSE_OK;
}

const struct parse_format parse_filterlog = {
	.name = "filterlog",
	.description = "pfSense / OPNsense filterlog CSV (pf), IPv4 and IPv6",
	.example = "<134>Jul  3 19:10:30 fw filterlog[72237]: 146,,,1535324496,igb1,match,block,in,4,"
		   "0x0,,63,12617,0,DF,6,tcp,60,198.51.100.50,192.0.2.1,49724,853,0,S,1891286705,,"
		   "64240,,mss;sackOK;TS;nop;wscale",
	.detect = fl_detect,
	.parse = fl_parse,
};
