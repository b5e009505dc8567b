/* pf.c - OpenBSD pf's log as tcpdump prints it: `tcpdump -n -e -ttt -r
 * /var/log/pflog` (or -i pflog0, piped to logger(1) into syslog).
 *
 *   Feb 16 19:25:28.418380 rule 0/(match) block in on em0: 198.51.100.7.1038 >
 *       192.0.2.9.80: S 1430528353:1430528353(0) win 16384 <mss 1460> (DF)
 *
 * The pflog(4) header comes first: "rule N[.ANCHOR.M]/(REASON) ACTION DIR on
 * IFACE: " as OpenBSD's tcpdump prints it, or "rule N/REASON [uid U]: ACTION
 * DIR on IFACE: " as tcpdump.org's (FreeBSD, pfSense) does.  Then the packet
 * in tcpdump's usual words: SRC[.SPORT] > DST[.DPORT]: PAYLOAD, where the
 * payload says the protocol ("icmp:", "udp 32", TCP flags "S", "Flags [S]").
 * The time is -ttt's "Mmm dd hh:mm:ss.frac", or the syslog envelope's.
 * (OpenBSD pf.conf(5), pflog(4), tcpdump(8).) */
#include "field.h"

#include <strings.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Does s start a rule number ("0/", "12.", "def/")? */
static int rule_number_at(const char *s, size_t n)
{
	if (n >= 4 && !memcmp(s, "def", 3))
		return s[3] == '/' || s[3] == '.';
	return n >= 2 && is_digit(s[0]);
}

/* Where "rule N/..." starts in the line, or NULL.  A tcpdump -ttt stamp
 * before it is read as a syslog envelope whose "host" is the word rule. */
static const char *pf_header(const struct syslog_msg *m, const char **end)
{
	const char *s = m->msg.p;
	size_t n = m->msg.n;
	*end = m->line + m->len;
	if (m->host.n == 4 && !memcmp(m->host.p, "rule", 4)) {
		const char *after = m->host.p + 5;
		if (after < *end && rule_number_at(after, (size_t)(*end - after)))
			return m->host.p;
		return NULL;
	}
	*end = s + n;
	/* Up to a short time stamp (tcpdump's own, inside a syslog message). */
	size_t lim = n < 48 ? n : 48;
	for (size_t i = 0; i + 5 <= lim; i++) {
		char c = s[i];
		if (!memcmp(s + i, "rule ", 5) && (i == 0 || s[i - 1] == ' '))
			return rule_number_at(s + i + 5, n - i - 5) ? s + i : NULL;
		if (!(is_digit(c) || c == ' ' || c == ':' || c == '.' || c == '-' ||
		      (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return NULL;
	}
	return NULL;
}

static int pf_detect(const struct syslog_msg *m)
{
	const char *end;
	return pf_header(m, &end) != NULL;
}

#define BAD(reason)               \
	do {                      \
		*why = reason;    \
		return PARSE_BAD; \
	} while (0)

static const char *skip_sp(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *find(const char *p, const char *end, const char *lit)
{
	return memmem(p, (size_t)(end - p), lit, strlen(lit));
}

/* Skip "[...]" groups (uid/pid, rewritten addresses) and spaces. */
static const char *skip_brackets(const char *p, const char *end)
{
	p = skip_sp(p, end);
	while (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close)
			return end;
		p = skip_sp(close + 1, end);
	}
	return p;
}

/* "ADDR" or "ADDR.PORT" as tcpdump -n prints an endpoint. */
static int endpoint(const char *s, size_t n, struct ev_addr *a, uint16_t *port, int *has_port)
{
	*has_port = 0;
	if (ev_addr_parse(a, s, n) == 0)
		return 0;
	const char *dot = memrchr(s, '.', n);
	if (!dot)
		return -1;
	uint32_t v;
	size_t an = (size_t)(dot - s);
	if (ev_addr_parse(a, s, an))
		return -1;
	if (parse_uint(dot + 1, n - an - 1, 65535, &v))
		return -2;
	*port = (uint16_t)v;
	*has_port = 1;
	return 0;
}

/* TCP flag letters as tcpdump prints them; '.' is ACK (tcpdump.org) or
 * "no S/F/R/P" (OpenBSD, which then prints "ack N" too). */
static int tcp_flag_letters(const char *s, size_t n, uint8_t *flags)
{
	uint8_t v = 0;
	if (n == 0 || n > 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case 'S': v |= EV_TCP_SYN; break;
		case 'F': v |= EV_TCP_FIN; break;
		case 'R': v |= EV_TCP_RST; break;
		case 'P': v |= EV_TCP_PSH; break;
		case 'U': v |= EV_TCP_URG; break;
		case 'E': v |= EV_TCP_ECE; break;
		case 'W': v |= EV_TCP_CWR; break;
		case '.': v |= EV_TCP_ACK; break;
		default: return -1;
		}
	}
	*flags = v;
	return 0;
}

/* Number after "key " (e.g. " win 16384") in p..end; -1 if none. */
static int number_after(const char *p, const char *end, const char *key, uint32_t max,
			uint32_t *out)
{
	const char *k = find(p, end, key);
	if (!k)
		return -1;
	const char *v = k + strlen(key), *e = v;
	while (e < end && is_digit(*e))
		e++;
	return parse_uint(v, (size_t)(e - v), max, out);
}

/* What the payload text says about the protocol; fills proto-specific fields. */
static void payload(const char *p, const char *end, struct event *ev, int has_ports)
{
	size_t n = (size_t)(end - p);
	const char *sp = memchr(p, ' ', n);
	size_t tn = sp ? (size_t)(sp - p) : n;
	uint32_t v;
	if (n >= 6 && !memcmp(p, "icmp: ", 6)) {
		ev->proto = EV_PROTO_ICMP;
		if (find(p, end, "echo request"))
			ev->icmp_type = 8, ev->has |= EV_HAS_ICMP;
		else if (find(p, end, "echo reply"))
			ev->icmp_type = 0, ev->has |= EV_HAS_ICMP;
		else if (find(p, end, " port ") && find(p, end, " unreachable"))
			ev->icmp_type = 3, ev->icmp_code = 3, ev->has |= EV_HAS_ICMP;
	} else if (n >= 7 && !memcmp(p, "icmp6: ", 7)) {
		ev->proto = EV_PROTO_ICMPV6;
		if (find(p, end, "echo request"))
			ev->icmp_type = 128, ev->has |= EV_HAS_ICMP;
		else if (find(p, end, "echo reply"))
			ev->icmp_type = 129, ev->has |= EV_HAS_ICMP;
		else if (find(p, end, "neighbor sol"))
			ev->icmp_type = 135, ev->has |= EV_HAS_ICMP;
		else if (find(p, end, "neighbor adv"))
			ev->icmp_type = 136, ev->has |= EV_HAS_ICMP;
	} else if (has_ports && ((tn == 3 && !memcmp(p, "udp", 3)) ||
				 (tn == 4 && !memcmp(p, "UDP,", 4)))) {
		ev->proto = EV_PROTO_UDP;
	} else if (has_ports && n >= 7 && !memcmp(p, "Flags [", 7)) {
		const char *close = memchr(p + 7, ']', n - 7);
		ev->proto = EV_PROTO_TCP;
		if (close && tcp_flag_letters(p + 7, (size_t)(close - p - 7), &ev->tcp_flags) == 0)
			ev->has |= EV_HAS_TCP_FLAGS;
	} else if (has_ports && tcp_flag_letters(p, tn, &ev->tcp_flags) == 0 &&
		   (!sp || is_digit(sp[1]) || (end - sp >= 4 && (!memcmp(sp + 1, "ack", 3) ||
								 !memcmp(sp + 1, "win", 3))))) {
		ev->proto = EV_PROTO_TCP;
		if (find(p, end, " ack "))
			ev->tcp_flags |= EV_TCP_ACK;
		ev->has |= EV_HAS_TCP_FLAGS;
	} else if (!has_ports && tn > 9 && !memcmp(p, "ip-proto-", 9) &&
		   parse_uint(p + 9, tn - 9, 255, &v) == 0) {
		ev->proto = (uint8_t)v;
	} else if (!has_ports) {
		static const struct {
			const char *word;
			uint8_t proto;
		} words[] = { { "igmp", EV_PROTO_IGMP }, { "esp", EV_PROTO_ESP }, { "ah", EV_PROTO_AH },
			      { "gre", EV_PROTO_GRE }, { "CARPv2-advertise", 112 }, { "carp", 112 },
			      { "pim", 103 } };
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
			size_t wn = strlen(words[i].word);
			if (tn >= wn && !memcmp(p, words[i].word, wn) &&
			    (tn == wn || p[wn] == ':' || p[wn] == ' ')) {
				ev->proto = words[i].proto;
				break;
			}
		}
	}
	if (ev->proto)
		ev->has |= EV_HAS_PROTO;
	if (ev->proto == EV_PROTO_TCP && number_after(p, end, " win ", 65535, &v) == 0) {
		ev->window = (uint16_t)v;
		ev->has |= EV_HAS_WINDOW;
	}
	/* tcpdump -v adds "(ttl 64, id 1, len 60)" (OpenBSD). */
	if (number_after(p, end, "(ttl ", 255, &v) == 0) {
		ev->ttl = (uint8_t)v;
		ev->has |= EV_HAS_TTL;
		if (number_after(p, end, ", len ", 0xffffffffu, &v) == 0) {
			ev->len = v;
			ev->has |= EV_HAS_LEN;
		}
	}
}

static int pf_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *end;
	const char *h = pf_header(m, &end);
	if (!h) {
		*why = "not a pf log line";
		return PARSE_SKIP;
	}
	if (h == m->host.p) /* "rule" took the host's place: there is none */
		ev->device = (struct ev_str){ m->host.p, 0 };
	/* A tcpdump stamp inside a syslog message is the packet's own time. */
	if (h > m->msg.p && h < m->msg.p + m->msg.n) {
		struct syslog_msg inner;
		syslog_parse(ctx, m->msg.p, (size_t)(h - m->msg.p) + 4, &inner);
		if (inner.has_ts && inner.host.n == 4 && !memcmp(inner.host.p, "rule", 4)) {
			ev->ts_us = inner.ts_us;
			ev->has |= EV_HAS_TS;
		}
	}
	/* rule N[.ANCHOR.M] then "/(REASON) " or "/REASON[ [uid U]]: " */
	const char *p = h + 5;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp)
		BAD("pf: truncated after rule");
	const char *paren = find(p, sp, "/(");
	const char *rule_end;
	if (paren) {
		rule_end = paren;
		const char *close = memchr(paren, ')', (size_t)(end - paren));
		if (!close)
			BAD("pf: unclosed (reason)");
		p = close + 1;
	} else {
		rule_end = memrchr(p, '/', (size_t)(sp - p));
		if (!rule_end)
			BAD("pf: no /reason after the rule");
		p = sp;
	}
	ev->rule = (struct ev_str){ h + 5, (uint32_t)(rule_end - h - 5) };
	p = skip_brackets(p, end);
	if (p < end && *p == ':')
		p = skip_sp(p + 1, end);

	/* ACTION DIR on IFACE: */
	const char *a = p;
	p = memchr(a, ' ', (size_t)(end - a));
	if (!p)
		BAD("pf: truncated after the action");
	struct ev_str act = { a, (uint32_t)(p - a) };
	if (FIELD_IS(act, "pass"))
		ev->action = EV_ACTION_ALLOWED;
	else if (FIELD_IS(act, "block") || FIELD_IS(act, "drop") || FIELD_IS(act, "synproxy-drop"))
		ev->action = EV_ACTION_BLOCKED;
	else
		ev->action = EV_ACTION_OTHER; /* match, scrub, nat, binat, rdr */
	const char *d = skip_sp(p, end);
	p = memchr(d, ' ', (size_t)(end - d));
	if (!p || end - p < 4 || memcmp(p, " on ", 4))
		BAD("pf: no \"DIR on IFACE\"");
	struct ev_str dir = { d, (uint32_t)(p - d) };
	const char *ifc = p + 4;
	const char *colon = memchr(ifc, ':', (size_t)(end - ifc));
	if (!colon || colon == ifc || memchr(ifc, ' ', (size_t)(colon - ifc)))
		BAD("pf: no interface");
	struct ev_str iface = { ifc, (uint32_t)(colon - ifc) };
	if (FIELD_IS(dir, "in")) {
		ev->direction_hint = EV_DIR_INBOUND;
		ev->in_if = iface;
	} else if (FIELD_IS(dir, "out")) {
		ev->direction_hint = EV_DIR_OUTBOUND;
		ev->out_if = iface;
	} else if (!FIELD_IS(dir, "in/out") && !FIELD_IS(dir, "fwd")) {
		BAD("pf: direction is not in or out");
	}
	p = skip_brackets(colon + 1, end);

	/* [IP |IP6 ]SRC[.SPORT] > DST[.DPORT]: PAYLOAD */
	if (end - p >= 3 && !memcmp(p, "IP ", 3))
		p += 3;
	else if (end - p >= 4 && !memcmp(p, "IP6 ", 4))
		p += 4;
	const char *gt = find(p, end, " > ");
	if (!gt)
		BAD("pf: no \"SRC > DST\"");
	const char *dst = gt + 3;
	const char *dend = find(dst, end, ": ");
	if (!dend) { /* the payload may be empty */
		dend = end;
		while (dend > dst && dend[-1] == ':')
			dend--;
	}
	int sp_has, dp_has, rc;
	if ((rc = endpoint(p, (size_t)(gt - p), &ev->src, &ev->sport, &sp_has)))
		BAD(rc == -2 ? "pf: bad source port"
			     : "pf: bad source address (tcpdump -n prints numbers)");
	if ((rc = endpoint(dst, (size_t)(dend - dst), &ev->dst, &ev->dport, &dp_has)))
		BAD(rc == -2 ? "pf: bad destination port"
			     : "pf: bad destination address (tcpdump -n prints numbers)");
	if (ev->src.family != ev->dst.family)
		BAD("pf: source and destination of different families");
	if (sp_has != dp_has)
		BAD("pf: only one side has a port");
	if (sp_has)
		ev->has |= EV_HAS_SPORT | EV_HAS_DPORT;
	payload(dend + 2 <= end ? dend + 2 : end, end, ev, sp_has);
	return PARSE_OK;
}

const struct parse_format parse_pf = {
	.name = "pf",
	.description = "OpenBSD pf log as tcpdump -n -e -ttt prints it (pflog), also via syslog",
	.example = "Feb 16 19:25:28.418380 rule 0/(match) block in on em0: 198.51.100.7.1038 > "
		   "192.0.2.9.80: S 1430528353:1430528353(0) win 16384 <mss 1460> (DF)",
	.detect = pf_detect,
	.parse = pf_parse,
};
