/* sonicwall.c - SonicWall (SonicOS) key=value syslog.
 *
 *   id=firewall sn=0017C5000000 time="2024-03-10 10:11:12 UTC" fw=198.51.100.2 pri=1
 *   c=32 m=36 msg="TCP packet dropped" n=1234 src=203.0.113.7:51515:X1
 *   dst=198.51.100.2:23:X1 proto=tcp/23 fw_action="drop"
 *
 * src= and dst= are ip:port:interface[:host], any part may be empty; IPv6
 * ends come in srcV6= / dstV6= with the port still in src=/dst=.  proto= is
 * protocol/service ("tcp/https": the port is the one in dst=).  The action
 * comes from fw_action= when it says, else from the message id m= and the
 * text msg= (SonicOS Log Events Reference).  time= without " UTC" is local. */
#include "kv.h"
#include "scan.h"
#include "parse.h"

#include <strings.h>

static int sw_detect(const struct syslog_msg *m)
{
	size_t n = m->msg.n < 64 ? m->msg.n : 64;
	const char *id = SCAN_FIND_AT(m->msg.p, n, "id=", 1);
	if (!id || (id > m->msg.p && id[-1] != ' ' && id[-1] != '>'))
		return 0;
	size_t rest = m->msg.n - (size_t)(id - m->msg.p);
	return SCAN_FIND_AT(id, rest < 48 ? rest : 48, " sn=", 2) != NULL;
}

/* ip:port:iface[:host] -> address (if any), port (if any), interface. */
static int end_of(const struct kv_pair *p, struct ev_addr *a, uint16_t *port, int *has_port,
		  struct ev_str *iface)
{
	const char *v = p->v, *e = p->v + p->vn, *c1;
	*has_port = 0;
	if (p->vn && v[0] == '[') { /* [v6]:port:iface */
		const char *close = memchr(v, ']', p->vn);
		if (!close || ev_addr_parse(a, v + 1, (size_t)(close - v - 1)))
			return -1;
		if (close + 1 < e && close[1] != ':')
			return -1;
		c1 = close + 1 < e ? close + 1 : NULL;
	} else {
		c1 = memchr(v, ':', p->vn);
		const char *ip_end = c1 ? c1 : e;
		if (ip_end > v && ev_addr_parse(a, v, (size_t)(ip_end - v))) {
			/* not IPv4: perhaps a bare IPv6 address */
			return ev_addr_parse(a, v, p->vn);
		}
	}
	if (!c1)
		return 0;
	const char *pp = c1 + 1;
	const char *c2 = memchr(pp, ':', (size_t)(e - pp));
	const char *pe = c2 ? c2 : e;
	if (pe > pp) {
		uint32_t x;
		if (parse_uint(pp, (size_t)(pe - pp), 65535, &x))
			return -1;
		*port = (uint16_t)x;
		*has_port = 1;
	}
	if (c2) {
		const char *ie = memchr(c2 + 1, ':', (size_t)(e - c2 - 1));
		if (!ie)
			ie = e;
		*iface = (struct ev_str){ c2 + 1, (uint32_t)(ie - c2 - 1) };
	}
	return 0;
}

/* Interface or zone name -> 1 outside, 2 inside, 0 unknown. */
static int side_of(struct ev_str s)
{
	if ((s.n == 3 && !strncasecmp(s.p, "WAN", 3)) || (s.n == 9 && !strncasecmp(s.p, "Untrusted", 9)))
		return 1;
	if ((s.n == 3 && (!strncasecmp(s.p, "LAN", 3) || !strncasecmp(s.p, "DMZ", 3))) ||
	    (s.n == 7 && !strncasecmp(s.p, "Trusted", 7)))
		return 2;
	return 0;
}

/* SonicOS message ids whose meaning is fixed (Log Events Reference). */
static int action_of_m(uint32_t m)
{
	switch (m) {
	case 97:  /* Web site hit */
	case 98:  /* Connection Opened */
	case 537: /* Connection Closed */
	case 1235: /* stack traffic */
		return EV_ACTION_ALLOWED;
	case 14:  /* Web site access denied */
	case 36:  /* TCP packet dropped */
	case 37:  /* UDP packet dropped */
	case 38:  /* ICMP packet dropped */
	case 41:  /* Unknown protocol dropped */
	case 27:  /* Land attack dropped */
	case 22:  /* Ping of death blocked */
	case 23:  /* IP spoof dropped */
	case 173: /* Malformed packet dropped */
	case 524: /* Packet dropped */
	case 597: /* ICMP packet dropped (unknown type) */
	case 1198: /* Packet dropped (IPv6) */
		return EV_ACTION_BLOCKED;
	case 30:  /* Administrator login denied */
	case 608: /* IPS detection alert */
	case 1197: /* NAT mapping */
		return EV_ACTION_OTHER;
	}
	return -1;
}

static int action_of_msg(const char *s, size_t n)
{
	static const char *const blocked[] = { "dropped", "denied", "blocked", "rejected",
					       "discarded", NULL };
	for (int i = 0; blocked[i]; i++)
		if (kv_find_ci(s, n, blocked[i]))
			return EV_ACTION_BLOCKED;
	if (kv_find_ci(s, n, "Connection Opened") || kv_find_ci(s, n, "Connection Closed") ||
	    kv_find_ci(s, n, "allowed"))
		return EV_ACTION_ALLOWED;
	return EV_ACTION_OTHER;
}

static int sw_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *pos = m->msg.p, *end = m->msg.p + m->msg.n;
	struct kv_pair p, msg = { 0 }, fw_action = { 0 }, tim = { 0 }, type = { 0 }, code = { 0 };
	struct ev_str src_zone = { 0 }, dst_zone = { 0 };
	int have_src = 0, have_dst = 0, have_m = 0, sp, dp;
	uint32_t mid = 0;
	while (kv_next(&pos, end, &p)) {
		switch (p.k[0]) {
		case 's':
			if (KV_IS(&p, "src")) {
				if (end_of(&p, &ev->src, &ev->sport, &sp, &ev->in_if)) {
					*why = "bad src";
					return PARSE_BAD;
				}
				if (sp)
					ev->has |= EV_HAS_SPORT;
				have_src |= ev->src.family != 0;
			} else if (KV_IS(&p, "srcV6") && !ev->src.family) {
				if (ev_addr_parse(&ev->src, p.v, p.vn)) {
					*why = "bad srcV6";
					return PARSE_BAD;
				}
				have_src = 1;
			} else if (KV_IS(&p, "sn"))
				ev->device = kv_str(&p);
			else if (KV_IS(&p, "srcMac"))
				ev->mac = kv_str(&p);
			else if (KV_IS(&p, "srcZone"))
				src_zone = kv_str(&p);
			break;
		case 'd':
			if (KV_IS(&p, "dst")) {
				if (end_of(&p, &ev->dst, &ev->dport, &dp, &ev->out_if)) {
					*why = "bad dst";
					return PARSE_BAD;
				}
				if (dp)
					ev->has |= EV_HAS_DPORT;
				have_dst |= ev->dst.family != 0;
			} else if (KV_IS(&p, "dstV6") && !ev->dst.family) {
				if (ev_addr_parse(&ev->dst, p.v, p.vn)) {
					*why = "bad dstV6";
					return PARSE_BAD;
				}
				have_dst = 1;
			} else if (KV_IS(&p, "dstZone"))
				dst_zone = kv_str(&p);
			break;
		case 'p':
			if (KV_IS(&p, "proto")) {
				const char *sl = memchr(p.v, '/', p.vn);
				int pr = kv_proto(p.v, sl ? (size_t)(sl - p.v) : p.vn);
				if (pr >= 0) {
					ev->proto = (uint8_t)pr;
					ev->has |= EV_HAS_PROTO;
				}
			}
			break;
		case 'm':
			if (KV_IS(&p, "msg") && !msg.k)
				msg = p;
			else if (KV_IS(&p, "m"))
				have_m = parse_uint(p.v, p.vn, 0xffffffffu, &mid) == 0;
			break;
		case 'f':
			if (KV_IS(&p, "fw_action"))
				fw_action = p;
			break;
		case 't':
			if (KV_IS(&p, "time"))
				tim = p;
			else if (KV_IS(&p, "type"))
				type = p;
			break;
		case 'c':
			if (KV_IS(&p, "code"))
				code = p;
			break;
		case 'r':
			if (KV_IS(&p, "rule"))
				ev->rule = kv_str(&p);
			break;
		default:
			break;
		}
	}
	if (!have_src || !have_dst) {
		*why = "SonicWall log without both addresses";
		return PARSE_SKIP;
	}
	/* Families may differ: SonicOS logs an IPv4 client reaching an IPv6
	 * server through its NAT64 as src=v4 and dstV6=v6. */
	/* "ICMP packet dropped" names the protocol only in the text. */
	if (!(ev->has & EV_HAS_PROTO) && msg.vn && kv_find_ci(msg.v, msg.vn, "ICMP")) {
		ev->proto = ev->src.family == 6 ? EV_PROTO_ICMPV6 : EV_PROTO_ICMP;
		ev->has |= EV_HAS_PROTO;
	}
	if ((ev->has & EV_HAS_PROTO) &&
	    (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6) && type.vn && code.vn) {
		uint32_t t, c;
		if (parse_uint(type.v, type.vn, 255, &t) == 0 &&
		    parse_uint(code.v, code.vn, 255, &c) == 0) {
			ev->icmp_type = (uint8_t)t;
			ev->icmp_code = (uint8_t)c;
			ev->has |= EV_HAS_ICMP;
		}
	}

	int action = -1;
	if (kv_val_is(&fw_action, "drop") || kv_val_is(&fw_action, "reject") ||
	    kv_val_is(&fw_action, "deny"))
		action = EV_ACTION_BLOCKED;
	else if (kv_val_is(&fw_action, "forward") || kv_val_is(&fw_action, "allow"))
		action = EV_ACTION_ALLOWED;
	if (action < 0 && have_m)
		action = action_of_m(mid);
	if (action < 0 && msg.vn)
		action = action_of_msg(msg.v, msg.vn);
	ev->action = (uint8_t)(action < 0 ? EV_ACTION_UNKNOWN : action);

	int dir = kv_sides_dir(side_of(src_zone.n ? src_zone : ev->in_if),
			       side_of(dst_zone.n ? dst_zone : ev->out_if));
	if (dir != EV_DIR_UNKNOWN)
		ev->direction_hint = (uint8_t)dir;

	if (tim.vn) {
		int64_t ts = 0;
		size_t used = 0;
		if (tim.vn == 23 && !memcmp(tim.v + 19, " UTC", 4))
			used = parse_rfc3339(tim.v, 19, &ts);
		else if (tim.vn == 19)
			used = parse_rfc3339_ctx(ctx, tim.v, 19, &ts);
		if (used != 19) {
			*why = "bad time=";
			return PARSE_BAD;
		}
		ev->ts_us = ts;
		ev->has |= EV_HAS_TS;
	}
	return PARSE_OK;
}

const struct parse_format parse_sonicwall = {
	.name = "sonicwall",
	.description = "SonicWall SonicOS key=value syslog (src=ip:port:iface)",
	.example = "id=firewall sn=0017C5000000 time=\"2024-03-10 10:11:12 UTC\" fw=198.51.100.2 "
		   "pri=1 c=32 m=36 msg=\"TCP packet dropped\" n=1234 src=203.0.113.7:51515:X1 "
		   "dst=198.51.100.2:23:X1 proto=tcp/23 fw_action=\"drop\"",
	.detect = sw_detect,
	.parse = sw_parse,
};
