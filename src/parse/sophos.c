/* sophos.c - Sophos XG / SFOS (Sophos Firewall) key=value logs.
 *
 *   device="SFW" date=2024-03-10 time=10:11:12 timezone="CET" device_name="XG125"
 *   device_id=C0100000000000 log_id=010102600002 log_type="Firewall"
 *   log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority=Information
 *   fw_rule_id=1 in_interface="Port2" out_interface="" src_mac=00:00:5e:00:53:01
 *   src_ip=203.0.113.7 dst_ip=192.0.2.10 protocol="TCP" src_port=51515 dst_port=22 ...
 *
 * SFOS 19+ writes timestamp="2024-03-10T10:11:12+0100" and device_name= first;
 * ATP logs name the ends sourceip=/destinationip=.  The action is status=
 * (Allow/Deny) or else log_subtype= (Allowed/Denied/Drop/Alert).  date= and
 * time= are local time; timezone= is an abbreviation ("IST" is both India
 * and Ireland), so the reader's TZ decides, as for syslog.  Fragments the
 * firewall could not attribute are logged from 0.0.0.0 to 0.0.0.0 with
 * protocol "0" and ports 0: kept as logged, a report can tell them apart. */
#include "kv.h"
#include "parse.h"
#include "scan.h"

#include <strings.h>

static int so_detect(const struct syslog_msg *m)
{
	size_t n = m->msg.n < 400 ? m->msg.n : 400;
	if (n < 40)
		return 0;
	return SCAN_FIND_AT(m->msg.p, n, "log_type=", 5) &&
	       SCAN_FIND_AT(m->msg.p, n, "log_component=", 7);
}

static int action_of(const struct kv_pair *p)
{
	static const char *const blocked[] = { "Deny", "Denied", "Drop", "Dropped", "Reject",
					       "Block", "Blocked", NULL };
	static const char *const allowed[] = { "Allow", "Allowed", "Accept", NULL };
	for (int i = 0; blocked[i]; i++)
		if (kv_val_is(p, blocked[i]))
			return EV_ACTION_BLOCKED;
	for (int i = 0; allowed[i]; i++)
		if (kv_val_is(p, allowed[i]))
			return EV_ACTION_ALLOWED;
	return p->vn ? EV_ACTION_OTHER : -1;
}

/* "LAN", "WAN", "DMZ", "VPN", "LOCAL": 1 outside, 2 inside, 0 unknown. */
static int zone_side(const struct kv_pair *p)
{
	const char *v = p->v;
	size_t n = p->vn;
	while (n && *v == ' ')
		v++, n--;
	if (n == 3 && !strncasecmp(v, "WAN", 3))
		return 1;
	if (n == 3 && (!strncasecmp(v, "LAN", 3) || !strncasecmp(v, "DMZ", 3)))
		return 2;
	return 0;
}

static int so_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *pos = m->msg.p, *end = m->msg.p + m->msg.n;
	struct kv_pair p, date = { 0 }, tim = { 0 }, stamp = { 0 }, status = { 0 }, subtype = { 0 };
	struct kv_pair rule_id = { 0 }, rule_name = { 0 }, itype = { 0 }, icode = { 0 };
	int have_src = 0, have_dst = 0, src_zone = 0, dst_zone = 0;
	uint32_t x;
	while (kv_next(&pos, end, &p)) {
		switch (p.k[0]) {
		case 's':
			if (KV_IS(&p, "src_ip") || KV_IS(&p, "sourceip")) {
				if (ev_addr_parse(&ev->src, p.v, p.vn)) {
					*why = "bad src_ip";
					return PARSE_BAD;
				}
				have_src = 1;
			} else if (KV_IS(&p, "src_port")) {
				if (parse_uint(p.v, p.vn, 65535, &x)) {
					*why = "bad src_port";
					return PARSE_BAD;
				}
				ev->sport = (uint16_t)x;
				ev->has |= EV_HAS_SPORT;
			} else if (KV_IS(&p, "status"))
				status = p;
			else if (KV_IS(&p, "src_mac"))
				ev->mac = kv_str(&p);
			else if (KV_IS(&p, "srczonetype") || KV_IS(&p, "src_zone_type"))
				src_zone = zone_side(&p);
			break;
		case 'd':
			if (KV_IS(&p, "dst_ip") || KV_IS(&p, "destinationip")) {
				if (ev_addr_parse(&ev->dst, p.v, p.vn)) {
					*why = "bad dst_ip";
					return PARSE_BAD;
				}
				have_dst = 1;
			} else if (KV_IS(&p, "dst_port")) {
				if (parse_uint(p.v, p.vn, 65535, &x)) {
					*why = "bad dst_port";
					return PARSE_BAD;
				}
				ev->dport = (uint16_t)x;
				ev->has |= EV_HAS_DPORT;
			} else if (KV_IS(&p, "date"))
				date = p;
			else if (KV_IS(&p, "device_name"))
				ev->device = kv_str(&p);
			else if (KV_IS(&p, "dstzonetype") || KV_IS(&p, "dst_zone_type"))
				dst_zone = zone_side(&p);
			break;
		case 'p':
			if (KV_IS(&p, "protocol") && p.vn) {
				int pr = kv_proto(p.v, p.vn);
				if (pr < 0) {
					*why = "unknown protocol";
					return PARSE_BAD;
				}
				ev->proto = (uint8_t)pr;
				ev->has |= EV_HAS_PROTO;
			}
			break;
		case 'i':
			if (KV_IS(&p, "in_interface"))
				ev->in_if = kv_str(&p);
			else if (KV_IS(&p, "icmp_type"))
				itype = p;
			else if (KV_IS(&p, "icmp_code"))
				icode = p;
			break;
		case 'o':
			if (KV_IS(&p, "out_interface"))
				ev->out_if = kv_str(&p);
			break;
		case 'l':
			if (KV_IS(&p, "log_subtype"))
				subtype = p;
			break;
		case 'f':
			if (KV_IS(&p, "fw_rule_id"))
				rule_id = p;
			else if (KV_IS(&p, "fw_rule_name"))
				rule_name = p;
			break;
		case 't':
			if (KV_IS(&p, "time"))
				tim = p;
			else if (KV_IS(&p, "timestamp"))
				stamp = p;
			break;
		default:
			break;
		}
	}
	if (!have_src || !have_dst) {
		*why = "Sophos log without both addresses";
		return PARSE_SKIP;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "src_ip and dst_ip of different families";
		return PARSE_BAD;
	}
	if ((ev->has & EV_HAS_PROTO) &&
	    (ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6) && itype.vn) {
		uint32_t t, c = 0;
		if (parse_uint(itype.v, itype.vn, 255, &t) ||
		    (icode.vn && parse_uint(icode.v, icode.vn, 255, &c))) {
			*why = "bad icmp_type or icmp_code";
			return PARSE_BAD;
		}
		ev->icmp_type = (uint8_t)t;
		ev->icmp_code = (uint8_t)c;
		ev->has |= EV_HAS_ICMP;
	}
	int action = action_of(&status);
	if (action < 0)
		action = action_of(&subtype);
	ev->action = (uint8_t)(action < 0 ? EV_ACTION_UNKNOWN : action);
	ev->rule = rule_name.vn ? kv_str(&rule_name) : kv_str(&rule_id);
	int dir = kv_sides_dir(src_zone, dst_zone);
	if (dir != EV_DIR_UNKNOWN)
		ev->direction_hint = (uint8_t)dir;

	int64_t ts;
	if (stamp.vn) {
		if (parse_rfc3339_ctx(ctx, stamp.v, stamp.vn, &ts) != stamp.vn) {
			*why = "bad timestamp=";
			return PARSE_BAD;
		}
		ev->ts_us = ts;
		ev->has |= EV_HAS_TS;
	} else if (date.vn || tim.vn) {
		char buf[20];
		if (date.vn != 10 || tim.vn != 8) {
			*why = "bad date= or time=";
			return PARSE_BAD;
		}
		memcpy(buf, date.v, 10);
		buf[10] = 'T';
		memcpy(buf + 11, tim.v, 8);
		if (parse_rfc3339_ctx(ctx, buf, 19, &ts) != 19) {
			*why = "bad date= or time=";
			return PARSE_BAD;
		}
		ev->ts_us = ts;
		ev->has |= EV_HAS_TS;
	}
	return PARSE_OK;
}

const struct parse_format parse_sophos = {
	.name = "sophos",
	.description = "Sophos XG / SFOS key=value firewall and ATP logs",
	.example = "device=\"SFW\" date=2024-03-10 time=10:11:12 timezone=\"CET\" "
		   "device_name=\"XG125\" device_id=C0100000000000 log_id=010102600002 "
		   "log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Denied\" "
		   "status=\"Deny\" fw_rule_id=1 in_interface=\"Port2\" out_interface=\"\" "
		   "src_ip=203.0.113.7 dst_ip=192.0.2.10 protocol=\"TCP\" src_port=51515 dst_port=22",
	.detect = so_detect,
	.parse = so_parse,
};
