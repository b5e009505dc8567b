/* fortigate.c - FortiGate (FortiOS) key=value logs.
 *
 *   date=2024-03-10 time=10:11:12 devname="FG60E" devid="FGT60E..." logid="0000000013"
 *   type="traffic" subtype="forward" level="notice" vd="root" tz="+0100"
 *   srcip=203.0.113.7 srcport=51515 srcintf="wan1" srcintfrole="wan" dstip=192.0.2.10
 *   dstport=22 dstintf="internal" dstintfrole="lan" proto=6 action="deny" policyid=0 ...
 *
 * Traffic logs (accept, deny, close, timeout, server-rst, client-rst, ...),
 * UTM logs (ips, virus, ssl, ...) and event logs that name the two ends: with
 * srcip/dstip, or remip/locip for VPN (the remote peer is the source, as the
 * peer initiates).  Lines without both addresses are not packets: skipped.
 * Time: date= time= with tz= when given (FortiOS 6.2+), else local time. */
#include "kv.h"
#include "parse.h"
#include "scan.h"

#include <strings.h>

static int fg_detect(const struct syslog_msg *m)
{
	size_t n = m->msg.n < 320 ? m->msg.n : 320;
	return n >= 20 && SCAN_FIND(m->msg.p, n, "logid=") &&
	       (SCAN_FIND_AT(m->msg.p, n, "devid=", 2) || SCAN_FIND_AT(m->msg.p, n, "devname=", 2));
}

/* What FortiOS' action= says happened to the session. */
static int fg_action(const struct kv_pair *p)
{
	static const char *const blocked[] = { "deny", "blocked", "block", "dropped", "drop",
					       "reset", "reject", NULL };
	static const char *const allowed[] = { "accept", "close", "timeout", "server-rst",
					       "client-rst", "start", "pass", "passthrough",
					       "allow", "permit", "monitored", "detected", NULL };
	for (int i = 0; blocked[i]; i++)
		if (kv_val_is(p, blocked[i]))
			return EV_ACTION_BLOCKED;
	for (int i = 0; allowed[i]; i++)
		if (kv_val_is(p, allowed[i]))
			return EV_ACTION_ALLOWED;
	return EV_ACTION_OTHER;
}

/* "wan", "lan", "dmz", "undefined": the role FortiOS gives an interface. */
static int role_of(const struct kv_pair *p)
{
	if (kv_val_is(p, "wan"))
		return 1;
	if (kv_val_is(p, "lan") || kv_val_is(p, "dmz"))
		return 2;
	return 0;
}

/* "+0200", "-0700", "+02:00"; seconds east of UTC, or 1 if not understood. */
static int tz_offset(const struct kv_pair *p, int *secs)
{
	const char *v = p->v;
	size_t n = p->vn;
	if (n != 5 && n != 6)
		return 1;
	if (v[0] != '+' && v[0] != '-')
		return 1;
	uint32_t h, m;
	if (parse_uint(v + 1, 2, 23, &h) || parse_uint(v + n - 2, 2, 59, &m))
		return 1;
	if (n == 6 && v[3] != ':')
		return 1;
	*secs = (v[0] == '-' ? -1 : 1) * (int)(h * 3600 + m * 60);
	return 0;
}

static int port_of(const struct kv_pair *p, uint16_t *out)
{
	uint32_t v;
	if (parse_uint(p->v, p->vn, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int fg_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	const char *pos = m->msg.p, *end = m->msg.p + m->msg.n;
	struct kv_pair p, date = { 0 }, tim = { 0 }, tz = { 0 };
	struct kv_pair remip = { 0 }, locip = { 0 }, remport = { 0 }, locport = { 0 };
	struct kv_pair policyid = { 0 }, policyname = { 0 };
	int src_role = 0, dst_role = 0, have_src = 0, have_dst = 0, dir_word = 0;
	int action = -1;
	while (kv_next(&pos, end, &p)) {
		switch (p.k[0]) {
		case 'a':
			if (KV_IS(&p, "action"))
				action = fg_action(&p);
			break;
		case 'd':
			if (KV_IS(&p, "date"))
				date = p;
			else if (KV_IS(&p, "dstip")) {
				if (ev_addr_parse(&ev->dst, p.v, p.vn)) {
					*why = "bad dstip";
					return PARSE_BAD;
				}
				have_dst = 1;
			} else if (KV_IS(&p, "dstport")) {
				if (port_of(&p, &ev->dport)) {
					*why = "bad dstport";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_DPORT;
			} else if (KV_IS(&p, "dstintf"))
				ev->out_if = kv_str(&p);
			else if (KV_IS(&p, "dstintfrole"))
				dst_role = role_of(&p);
			else if (KV_IS(&p, "devname"))
				ev->device = kv_str(&p);
			else if (KV_IS(&p, "direction")) {
				if (kv_val_is(&p, "incoming"))
					dir_word = EV_DIR_INBOUND;
				else if (kv_val_is(&p, "outgoing"))
					dir_word = EV_DIR_OUTBOUND;
			}
			break;
		case 'l':
			if (KV_IS(&p, "locip"))
				locip = p;
			else if (KV_IS(&p, "locport"))
				locport = p;
			break;
		case 'p':
			if (KV_IS(&p, "proto")) {
				uint32_t v;
				if (parse_uint(p.v, p.vn, 255, &v)) {
					*why = "bad proto";
					return PARSE_BAD;
				}
				ev->proto = (uint8_t)v;
				ev->has |= EV_HAS_PROTO;
			} else if (KV_IS(&p, "policyid"))
				policyid = p;
			else if (KV_IS(&p, "policyname"))
				policyname = p;
			break;
		case 'r':
			if (KV_IS(&p, "remip"))
				remip = p;
			else if (KV_IS(&p, "remport"))
				remport = p;
			break;
		case 's':
			if (KV_IS(&p, "srcip")) {
				if (ev_addr_parse(&ev->src, p.v, p.vn)) {
					*why = "bad srcip";
					return PARSE_BAD;
				}
				have_src = 1;
			} else if (KV_IS(&p, "srcport")) {
				if (port_of(&p, &ev->sport)) {
					*why = "bad srcport";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_SPORT;
			} else if (KV_IS(&p, "srcintf"))
				ev->in_if = kv_str(&p);
			else if (KV_IS(&p, "srcintfrole"))
				src_role = role_of(&p);
			else if (KV_IS(&p, "srcmac"))
				ev->mac = kv_str(&p);
			break;
		case 't':
			if (KV_IS(&p, "time"))
				tim = p;
			else if (KV_IS(&p, "tz"))
				tz = p;
			break;
		default:
			break;
		}
	}
	/* VPN events name the ends remip/locip: the remote peer is the source. */
	if (!have_src && !have_dst && remip.vn && locip.vn) {
		if (ev_addr_parse(&ev->src, remip.v, remip.vn) ||
		    ev_addr_parse(&ev->dst, locip.v, locip.vn)) {
			*why = "bad remip or locip";
			return PARSE_BAD;
		}
		have_src = have_dst = 1;
		if (remport.vn) {
			if (port_of(&remport, &ev->sport)) {
				*why = "bad remport";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_SPORT;
		}
		if (locport.vn) {
			if (port_of(&locport, &ev->dport)) {
				*why = "bad locport";
				return PARSE_BAD;
			}
			ev->has |= EV_HAS_DPORT;
		}
		ev->direction_hint = EV_DIR_INBOUND;
	}
	if (!have_src || !have_dst) {
		*why = "FortiGate log without both addresses";
		return PARSE_SKIP;
	}
	if (ev->src.family != ev->dst.family) {
		*why = "srcip and dstip of different families";
		return PARSE_BAD;
	}
	ev->action = (uint8_t)(action < 0 ? EV_ACTION_UNKNOWN : action);
	ev->rule = policyname.vn ? kv_str(&policyname) : kv_str(&policyid);
	int role_dir = kv_sides_dir(src_role, dst_role);
	if (dir_word)
		ev->direction_hint = (uint8_t)dir_word;
	else if (role_dir != EV_DIR_UNKNOWN)
		ev->direction_hint = (uint8_t)role_dir;
	/* local-in / local-out traffic: the firewall's own interface is "root" */
	else if (ev->out_if.n == 4 && !memcmp(ev->out_if.p, "root", 4))
		ev->direction_hint = EV_DIR_INBOUND;
	else if (ev->in_if.n == 4 && !memcmp(ev->in_if.p, "root", 4))
		ev->direction_hint = EV_DIR_OUTBOUND;

	/* date=YYYY-MM-DD time=hh:mm:ss */
	if (date.vn == 10 && tim.vn == 8) {
		char buf[20];
		memcpy(buf, date.v, 10);
		buf[10] = 'T';
		memcpy(buf + 11, tim.v, 8);
		int64_t ts;
		int off;
		if (tz.vn && tz_offset(&tz, &off) == 0) {
			if (parse_rfc3339(buf, 19, &ts) == 19) {
				ev->ts_us = ts - (int64_t)off * 1000000;
				ev->has |= EV_HAS_TS;
			}
		} else if (parse_rfc3339_ctx(ctx, buf, 19, &ts) == 19) {
			ev->ts_us = ts;
			ev->has |= EV_HAS_TS;
		}
		if (!(ev->has & EV_HAS_TS)) {
			*why = "bad date= or time=";
			return PARSE_BAD;
		}
	}
	return PARSE_OK;
}

const struct parse_format parse_fortigate = {
	.name = "fortigate",
	.description = "Fortinet FortiGate key=value traffic, UTM and event logs",
	.example = "date=2024-03-10 time=10:11:12 devname=\"FG60E\" devid=\"FGT60E0000000001\" "
		   "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" "
		   "vd=\"root\" tz=\"+0100\" srcip=203.0.113.7 srcport=51515 srcintf=\"wan1\" "
		   "srcintfrole=\"wan\" dstip=192.0.2.10 dstport=22 dstintf=\"internal\" "
		   "dstintfrole=\"lan\" proto=6 action=\"deny\" policyid=0 service=\"SSH\"",
	.detect = fg_detect,
	.parse = fg_parse,
};
