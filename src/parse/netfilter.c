/* netfilter.c - Linux kernel packet log lines (iptables/ip6tables LOG,
 * nftables `log`, ufw, firewalld, Shorewall): the kernel's nf_log text.
 *
 *   [uptime] PREFIX IN=eth0 OUT= MAC=.. SRC=.. DST=.. LEN=.. TOS=.. PREC=.. TTL=..
 *   ID=.. [CE] [DF] [MF] [FRAG=..] [OPT (..)] PROTO=TCP SPT=.. DPT=.. [SEQ=.. ACK=..]
 *   WINDOW=.. RES=.. FLAGS... URGP=.. [OPT (..)] [UID=.. GID=..] [MARK=..]
 *
 * IPv6 has TC= HOPLIMIT= FLOWLBL= instead of TOS..ID.  ICMP errors embed the
 * offending packet in [ ... ]; its fields are not the packet's and are
 * skipped.  The prefix is whatever precedes IN=, even glued to it
 * ("...attemptsIN=br0"). */
#include "parse.h"
#include "scan.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The end of the token at p (the next space, or end), and in *eq its first
 * '=' (NULL: none).  Eight bytes at a time where the machine is little-
 * endian: two memchr calls a token were a quarter of a line's parse, and a
 * loop of a byte at a time mispredicts its exit at every token. */
static inline const char *token_end(const char *p, const char *end, const char **eq)
{
	*eq = NULL;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		/* a byte's high bit where it is a space, or an '=': exact up to
		 * the first one of each, which is all that is read */
		uint64_t s = w ^ (ones * ' '), e = w ^ (ones * '=');
		uint64_t sp = (s - ones) & ~s & highs, eqs = (e - ones) & ~e & highs;
		if (eqs && !*eq && (!sp || __builtin_ctzll(eqs) < __builtin_ctzll(sp)))
			*eq = p + __builtin_ctzll(eqs) / 8;
		if (sp)
			return p + __builtin_ctzll(sp) / 8;
		p += 8;
	}
#endif
	for (; p < end && *p != ' '; p++)
		if (*p == '=' && !*eq)
			*eq = p;
	return p;
}

/* Find where "IN=<iface> OUT=" begins in msg, or NULL. */
static const char *find_in(const char *s, size_t n)
{
	const char *end = s + n, *p = s;
	while (p + 8 <= end) {
		const char *hit = SCAN_FIND_AT(p, (size_t)(end - p), "IN=", 2);
		if (!hit)
			return NULL;
		const char *v = hit + 3;
		while (v < end && *v != ' ')
			v++;
		const char *w = v; /* " OUT=", or more spaces from odd writers */
		while (w < end && *w == ' ')
			w++;
		if (w > v && end - w >= 4 && !memcmp(w, "OUT=", 4))
			return hit;
		p = hit + 3;
	}
	return NULL;
}

static int nf_detect(const struct syslog_msg *m)
{
	if (m->msg.n < 20)
		return 0;
	const char *in = find_in(m->msg.p, m->msg.n);
	/* SRC= comes after IN= in every nf_log line: look only there */
	return in && SCAN_FIND(in, (size_t)(m->msg.p + m->msg.n - in), "SRC=") != NULL;
}

/* Case-insensitive search for word (starting with a letter) in s (n bytes).
 * The first letter is compared inline: a call to strncasecmp at every
 * position of the prefix for every word was a sixth of a line's parse. */
static int has_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	char first = (char)(word[0] | 0x20);
	for (size_t i = 0; i + w <= n; i++)
		if ((char)(s[i] | 0x20) == first && !strncasecmp(s + i, word, w))
			return 1;
	return 0;
}

/* UniFi / EdgeRouter name each rule "[CHAIN-RULE-X]" ("[WAN_IN-default-D]",
 * "[LAN_LOCAL-4000-A]"): X is the rule's action, D drop, R reject, A accept.
 * -1 when the prefix is not of that shape. */
static int unifi_action(const char *p, size_t n)
{
	if (n < 5 || p[0] != '[')
		return -1;
	const char *close = memchr(p, ']', n);
	if (!close || close - p < 4 || close[-2] != '-')
		return -1;
	switch (close[-1]) {
	case 'D':
	case 'R':
		return EV_ACTION_BLOCKED;
	case 'A':
		return EV_ACTION_ALLOWED;
	}
	return -1;
}

/* What the log prefix says was done with the packet. */
static int action_of_prefix(const char *p, size_t n)
{
	static const char *const blocked[] = { "DROP", "REJECT", "BLOCK", "DENY", "DENIED",
					       "INVALID", "REJ", NULL };
	static const char *const allowed[] = { "ACCEPT", "ALLOW", "PASS", "PERMIT", NULL };
	static const char *const other[] = { "AUDIT", "LOG", NULL };
	if (!n)
		return EV_ACTION_UNKNOWN;
	int u = unifi_action(p, n);
	if (u >= 0)
		return u;
	for (int i = 0; blocked[i]; i++)
		if (has_word(p, n, blocked[i]))
			return EV_ACTION_BLOCKED;
	for (int i = 0; allowed[i]; i++)
		if (has_word(p, n, allowed[i]))
			return EV_ACTION_ALLOWED;
	for (int i = 0; other[i]; i++)
		if (has_word(p, n, other[i]))
			return EV_ACTION_OTHER;
	return EV_ACTION_UNKNOWN;
}

/* Recent prefixes' actions, per parsing thread, in a small table indexed by
 * the prefix's length and ends: a log repeats a dozen prefixes millions of
 * times, and looking for the words in each was 2% of a 10M-line import. */
enum { PREFIX_MEMO = 32, PREFIX_MEMO_MAX = 48 };
static __thread struct {
	uint8_t n;
	uint8_t action;
	char p[PREFIX_MEMO_MAX];
} prefix_memo[PREFIX_MEMO];

int netfilter_action_from_prefix(const char *p, size_t n)
{
	if (!n)
		return EV_ACTION_UNKNOWN;
	if (n > PREFIX_MEMO_MAX)
		return action_of_prefix(p, n);
	unsigned k = (unsigned)(n * 7 + (unsigned char)p[0] * 3 + (unsigned char)p[n / 2] * 5 +
				(unsigned char)p[n - 1]) % PREFIX_MEMO;
	if (prefix_memo[k].n == n && !memcmp(prefix_memo[k].p, p, n))
		return prefix_memo[k].action;
	int a = action_of_prefix(p, n);
	prefix_memo[k].n = (uint8_t)n;
	prefix_memo[k].action = (uint8_t)a;
	memcpy(prefix_memo[k].p, p, n);
	return a;
}

static int key_is(const char *k, size_t kn, const char *name, size_t len)
{
	return kn == len && !memcmp(k, name, len);
}

#define KEY(lit) key_is(k, kn, lit, sizeof(lit) - 1)

static int num(const char *v, size_t vn, uint32_t max, uint32_t *out)
{
	return parse_uint(v, vn, max, out);
}

static int tcp_flag(const char *t, size_t n)
{
	if (n != 3)
		return 0;
	switch (t[0]) {
	case 'F': return !memcmp(t, "FIN", 3) ? EV_TCP_FIN : 0;
	case 'S': return !memcmp(t, "SYN", 3) ? EV_TCP_SYN : 0;
	case 'R': return !memcmp(t, "RST", 3) ? EV_TCP_RST : 0;
	case 'P': return !memcmp(t, "PSH", 3) ? EV_TCP_PSH : 0;
	case 'A': return !memcmp(t, "ACK", 3) ? EV_TCP_ACK : 0;
	case 'U': return !memcmp(t, "URG", 3) ? EV_TCP_URG : 0;
	case 'E': return !memcmp(t, "ECE", 3) ? EV_TCP_ECE : 0;
	case 'C': return !memcmp(t, "CWR", 3) ? EV_TCP_CWR : 0;
	}
	return 0;
}

static int nf_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	const char *s = m->msg.p, *end = s + m->msg.n;
	const char *in = find_in(s, m->msg.n);
	if (!in) {
		*why = "not a packet log line";
		return PARSE_SKIP;
	}
	/* The prefix: after an optional "[ uptime]" stamp, up to IN=. */
	const char *pre = s;
	if (pre < in && *pre == '[') { /* "[463490.251762]": digits, spaces, a dot */
		const char *q = pre + 1;
		while (q < in && ((*q >= '0' && *q <= '9') || *q == ' ' || *q == '.'))
			q++;
		if (q < in && *q == ']' && q > pre + 1)
			pre = q + 1;
	}
	while (pre < in && *pre == ' ')
		pre++;
	const char *pre_end = in;
	while (pre_end > pre && pre_end[-1] == ' ')
		pre_end--;
	ev->rule = (struct ev_str){ pre, (uint32_t)(pre_end - pre) };
	ev->action = (uint8_t)netfilter_action_from_prefix(pre, (size_t)(pre_end - pre));

	int seen_proto = 0, seen_src = 0, seen_dst = 0, fragment = 0, incomplete = 0;
	int seen_ip_len = 0, depth = 0, want_opt = 0;
	const char *p = in;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *t = p, *eq;
		const char *te = token_end(p, end, &eq);
		p = te;
		size_t tn = (size_t)(te - t);

		/* Embedded packet of an ICMP error: [SRC=... ] possibly nested. */
		if (depth || *t == '[') {
			for (size_t i = 0; i < tn; i++) {
				if (t[i] == '[')
					depth++;
				else if (t[i] == ']' && depth)
					depth--;
			}
			continue;
		}
		if (want_opt) { /* "OPT (hex)" or "OPT ( )": the parenthesised part */
			if (*t == '(') {
				const char *close = memchr(t, ')', (size_t)(end - t));
				const char *o = t + 1, *oe = close ? close : end;
				if (want_opt == 2 && oe > o)
					ev->tcp_opts = (struct ev_str){ o, (uint32_t)(oe - o) };
				else if (want_opt == 1 && ev->ip_opts < 255)
					ev->ip_opts++; /* an IP option or IPv6 extension header */
				p = close ? close + 1 : end;
			}
			want_opt = 0;
			if (*t == '(')
				continue;
		}
		if (!eq) {
			int f;
			if (tn == 3 && !memcmp(t, "OPT", 3))
				want_opt = (seen_proto && ev->proto == EV_PROTO_TCP) ? 2 : 1;
			else if (seen_proto && ev->proto == EV_PROTO_TCP && (f = tcp_flag(t, tn))) {
				ev->tcp_flags |= (uint8_t)f;
				ev->has |= EV_HAS_TCP_FLAGS;
			} else if (tn == 10 && !memcmp(t, "INCOMPLETE", 10))
				incomplete = 1;
			else if (tn == 2 && !seen_proto && !memcmp(t, "DF", 2))
				ev->ip_flags |= EV_IP_DF;
			/* DF, CE, MF and anything unknown carry nothing we keep. */
			continue;
		}
		const char *k = t, *v = eq + 1;
		size_t kn = (size_t)(eq - t), vn = (size_t)(te - v);
		uint32_t x;
		switch (k[0]) {
		case 'I':
			if (KEY("IN"))
				ev->in_if = (struct ev_str){ v, (uint32_t)vn };
			break;
		case 'O':
			if (KEY("OUT"))
				ev->out_if = (struct ev_str){ v, (uint32_t)vn };
			break;
		case 'P':
			if (KEY("PROTO") && !seen_proto) {
				int pr;
				if (vn == 3 && !memcmp(v, "TCP", 3))
					pr = EV_PROTO_TCP;
				else if (vn == 3 && !memcmp(v, "UDP", 3))
					pr = EV_PROTO_UDP;
				else if (vn == 4 && !memcmp(v, "ICMP", 4))
					pr = EV_PROTO_ICMP;
				else if (vn == 6 && !memcmp(v, "ICMPv6", 6))
					pr = EV_PROTO_ICMPV6;
				else if (vn == 7 && !memcmp(v, "UDPLITE", 7))
					pr = 136;
				else if (vn == 4 && !memcmp(v, "SCTP", 4))
					pr = EV_PROTO_SCTP;
				else if (vn == 3 && !memcmp(v, "ESP", 3))
					pr = EV_PROTO_ESP;
				else if (vn == 2 && !memcmp(v, "AH", 2))
					pr = EV_PROTO_AH;
				else if (num(v, vn, 255, &x) == 0)
					pr = (int)x;
				else {
					*why = "unknown PROTO";
					return PARSE_BAD;
				}
				ev->proto = (uint8_t)pr;
				ev->has |= EV_HAS_PROTO;
				seen_proto = 1;
			} else if (KEY("PHYSIN"))
				ev->phys_in = (struct ev_str){ v, (uint32_t)vn };
			else if (KEY("PHYSOUT"))
				ev->phys_out = (struct ev_str){ v, (uint32_t)vn };
			break;
		case 'M':
			if (KEY("MAC") && vn)
				ev->mac = (struct ev_str){ v, (uint32_t)vn };
			break;
		case 'S':
			if (KEY("SRC") && !seen_src) {
				if (ev_addr_parse(&ev->src, v, vn)) {
					*why = "bad SRC address";
					return PARSE_BAD;
				}
				seen_src = 1;
			} else if (KEY("SPT") && seen_proto) {
				if (num(v, vn, 65535, &x)) {
					*why = "bad SPT";
					return PARSE_BAD;
				}
				ev->sport = (uint16_t)x;
				ev->has |= EV_HAS_SPORT;
			}
			break;
		case 'D':
			if (KEY("DST") && !seen_dst) {
				if (ev_addr_parse(&ev->dst, v, vn)) {
					*why = "bad DST address";
					return PARSE_BAD;
				}
				seen_dst = 1;
			} else if (KEY("DPT") && seen_proto) {
				if (num(v, vn, 65535, &x)) {
					*why = "bad DPT";
					return PARSE_BAD;
				}
				ev->dport = (uint16_t)x;
				ev->has |= EV_HAS_DPORT;
			}
			break;
		case 'L':
			if (KEY("LEN") && !seen_ip_len) {
				if (num(v, vn, 0xffffffffu, &x)) {
					*why = "bad LEN";
					return PARSE_BAD;
				}
				ev->len = x;
				ev->has |= EV_HAS_LEN;
				seen_ip_len = 1;
			}
			break;
		case 'T':
			if ((KEY("TTL")) && !seen_proto) {
				if (num(v, vn, 255, &x)) {
					*why = "bad TTL";
					return PARSE_BAD;
				}
				ev->ttl = (uint8_t)x;
				ev->has |= EV_HAS_TTL;
			} else if (KEY("TYPE") && seen_proto &&
				   (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6)) {
				if (num(v, vn, 255, &x)) {
					*why = "bad ICMP TYPE";
					return PARSE_BAD;
				}
				ev->icmp_type = (uint8_t)x;
				ev->has |= EV_HAS_ICMP;
			}
			break;
		case 'H':
			if (KEY("HOPLIMIT") && !seen_proto) {
				if (num(v, vn, 255, &x)) {
					*why = "bad HOPLIMIT";
					return PARSE_BAD;
				}
				ev->ttl = (uint8_t)x;
				ev->has |= EV_HAS_TTL;
			}
			break;
		case 'C':
			if (KEY("CODE") && (ev->has & EV_HAS_ICMP)) {
				if (num(v, vn, 255, &x)) {
					*why = "bad ICMP CODE";
					return PARSE_BAD;
				}
				ev->icmp_code = (uint8_t)x;
			}
			break;
		case 'W':
			if (KEY("WINDOW") && seen_proto) {
				if (num(v, vn, 65535, &x)) {
					*why = "bad WINDOW";
					return PARSE_BAD;
				}
				ev->window = (uint16_t)x;
				ev->has |= EV_HAS_WINDOW;
			}
			break;
		case 'F':
			if (KEY("FRAG") && !(vn == 1 && v[0] == '0'))
				fragment = 1;
			break;
		case 'R':
			/* The flag words follow RES=: none at all is a NULL packet, whose
			 * flags are known to be empty (a NULL scan), not absent. */
			if (KEY("RES") && seen_proto && ev->proto == EV_PROTO_TCP)
				ev->has |= EV_HAS_TCP_FLAGS;
			break;
		default:
			break;
		}
	}
	if (!seen_src || !seen_dst) {
		*why = "truncated: no SRC or DST";
		return PARSE_BAD;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "SRC and DST of different families";
		return PARSE_BAD;
	}
	if (!seen_proto) {
		*why = "truncated: no PROTO";
		return PARSE_BAD;
	}
	if ((ev->proto == EV_PROTO_TCP || ev->proto == EV_PROTO_UDP) && !fragment && !incomplete &&
	    !((ev->has & EV_HAS_SPORT) && (ev->has & EV_HAS_DPORT))) {
		*why = "truncated: no ports";
		return PARSE_BAD;
	}
	if (seen_ip_len)
		ev->has |= EV_HAS_IP_FLAGS; /* the kernel always prints DF and IP options */
	/* What the chain says: IN only is a packet for this host, OUT only one
	 * from it; both is forwarded, which only the home networks can place. */
	if (ev->in_if.n && !ev->out_if.n)
		ev->direction_hint = EV_DIR_INBOUND;
	else if (!ev->in_if.n && ev->out_if.n)
		ev->direction_hint = EV_DIR_OUTBOUND;
	return PARSE_OK;
}

const struct parse_format parse_netfilter = {
	.name = "netfilter",
	.description = "Linux netfilter LOG / nftables log (iptables, ip6tables, ufw, firewalld, Shorewall)",
	.example = "Mar 11 20:35:11 gw kernel: [463490.251762] [UFW BLOCK] IN=eth0 OUT= "
		   "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.7 DST=192.0.2.1 "
		   "LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP SPT=56247 DPT=445 "
		   "WINDOW=3072 RES=0x00 SYN URGP=0",
	.detect = nf_detect,
	.parse = nf_parse,
};
