/* zyxel.c - Zyxel ZyWALL / USG (ZLD) and Prestige syslog, key=value.
 *
 *   src="203.0.113.7:51515" dst="192.0.2.1:23" msg="Firewall default policy: TCP (W to W/ZW)"
 *   note="ACCESS BLOCK" devID="0013493f0c4d" cat="Access Control"
 *   src="192.168.1.33:1044" dst="198.51.100.9:80" msg="Traffic Log" note="Traffic Log"
 *   devID="..." cat="Traffic Log" duration=30 sent=500 rcvd=1500 dir="LAN:WAN" protoID=6
 *   proto="WWW" trans="Normal"
 *
 * note= says what was done ("ACCESS BLOCK", "ACCESS FORWARD", "ACCESS
 * PERMIT"); a Traffic Log is a closed session that was let through.  dir=
 * is "from:to" zones.  msg= is kept as the rule: it names the policy. */
#include "kv.h"
#include "parse.h"
#include "scan.h"

#include <strings.h>

static int zy_detect(const struct syslog_msg *m)
{
	const char *s = m->msg.p;
	size_t n = m->msg.n;
	if (n < 30)
		return 0;
	const char *src = SCAN_FIND(s, n < 48 ? n : 48, "src=\"");
	if (!src || (src > s && src[-1] != ' '))
		return 0;
	/* src="..." early and dst="..." soon after is Zyxel's alone among the
	 * formats (test_detect proves detectors exclusive); msg= is left to
	 * the parser, which needs it. */
	size_t rest = n - (size_t)(src - s);
	return SCAN_FIND_AT(src, rest < 120 ? rest : 120, " dst=\"", 1) != NULL;
}

static int zone_side(const char *s, size_t n)
{
	if (n >= 3 && !strncasecmp(s, "WAN", 3))
		return 1;
	if ((n >= 3 && (!strncasecmp(s, "LAN", 3) || !strncasecmp(s, "DMZ", 3))) ||
	    (n >= 4 && !strncasecmp(s, "WLAN", 4)))
		return 2;
	if (n == 6 && !strncasecmp(s, "ZyWALL", 6)) /* the device itself */
		return 2;
	return 0;
}

static int zy_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	(void)ctx;
	const char *pos = m->msg.p, *end = m->msg.p + m->msg.n;
	struct kv_pair p, note = { 0 }, msg = { 0 }, cat = { 0 }, dir = { 0 };
	int have_src = 0, have_dst = 0, hp;
	while (kv_next(&pos, end, &p)) {
		if (KV_IS(&p, "src")) {
			if (kv_addr_port(p.v, p.vn, &ev->src, &ev->sport, &hp)) {
				*why = "bad src";
				return PARSE_BAD;
			}
			if (hp)
				ev->has |= EV_HAS_SPORT;
			have_src = 1;
		} else if (KV_IS(&p, "dst")) {
			if (kv_addr_port(p.v, p.vn, &ev->dst, &ev->dport, &hp)) {
				*why = "bad dst";
				return PARSE_BAD;
			}
			if (hp)
				ev->has |= EV_HAS_DPORT;
			have_dst = 1;
		} else if (KV_IS(&p, "note"))
			note = p;
		else if (KV_IS(&p, "msg"))
			msg = p;
		else if (KV_IS(&p, "cat"))
			cat = p;
		else if (KV_IS(&p, "dir"))
			dir = p;
		else if (KV_IS(&p, "protoID")) {
			uint32_t x;
			if (parse_uint(p.v, p.vn, 255, &x)) {
				*why = "bad protoID";
				return PARSE_BAD;
			}
			ev->proto = (uint8_t)x;
			ev->has |= EV_HAS_PROTO;
		}
	}
	if (!have_src || !have_dst) {
		*why = "Zyxel log without both addresses";
		return PARSE_SKIP;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "src and dst of different families";
		return PARSE_BAD;
	}
	/* the protocol also shows as a word in msg ("default policy: TCP (W to W/ZW)") */
	if (!(ev->has & EV_HAS_PROTO) && msg.vn) {
		static const struct {
			const char *w;
			int pr;
		} words[] = { { ": TCP", EV_PROTO_TCP }, { ": UDP", EV_PROTO_UDP },
			      { ": ICMP", EV_PROTO_ICMP }, { ": IGMP", EV_PROTO_IGMP },
			      { ": GRE", EV_PROTO_GRE }, { ": ESP", EV_PROTO_ESP } };
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (memmem(msg.v, msg.vn, words[i].w, strlen(words[i].w))) {
				ev->proto = (uint8_t)words[i].pr;
				ev->has |= EV_HAS_PROTO;
				break;
			}
	}
	ev->rule = kv_str(&msg);
	if (note.vn && (kv_find_ci(note.v, note.vn, "BLOCK") || kv_find_ci(note.v, note.vn, "DROP") ||
			kv_find_ci(note.v, note.vn, "DENY") || kv_find_ci(note.v, note.vn, "REJECT")))
		ev->action = EV_ACTION_BLOCKED;
	else if (note.vn && (kv_find_ci(note.v, note.vn, "FORWARD") ||
			     kv_find_ci(note.v, note.vn, "PERMIT") ||
			     kv_find_ci(note.v, note.vn, "ALLOW") || kv_find_ci(note.v, note.vn, "ACCEPT")))
		ev->action = EV_ACTION_ALLOWED;
	else if (kv_val_is(&cat, "Traffic Log"))
		ev->action = EV_ACTION_ALLOWED;
	else
		ev->action = EV_ACTION_OTHER;
	const char *colon = dir.vn ? memchr(dir.v, ':', dir.vn) : NULL;
	if (colon) {
		int d = kv_sides_dir(zone_side(dir.v, (size_t)(colon - dir.v)),
				     zone_side(colon + 1, dir.vn - (size_t)(colon + 1 - dir.v)));
		if (d != EV_DIR_UNKNOWN)
			ev->direction_hint = (uint8_t)d;
	}
	return PARSE_OK;
}

const struct parse_format parse_zyxel = {
	.name = "zyxel",
	.description = "Zyxel ZyWALL / USG syslog (src=\"ip:port\" dst=\"ip:port\" msg= note=)",
	.example = "Mar 10 10:11:12 usg src=\"203.0.113.7:51515\" dst=\"192.0.2.1:23\" "
		   "msg=\"Firewall default policy: TCP (W to W/ZW)\" note=\"ACCESS BLOCK\" "
		   "devID=\"0013493f0c4d\" cat=\"Access Control\"",
	.detect = zy_detect,
	.parse = zy_parse,
};
