/* cef.c - ArcSight Common Event Format, bare or inside syslog.
 *
 *   CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 *
 * Per the ArcSight CEF implementation standard: in the header a pipe or
 * backslash inside a field is escaped (\| \\); the extension is key=value
 * pairs separated by spaces, where a value may hold spaces and an equal sign
 * or backslash inside it is escaped (\= \\).  So a value ends where the next
 * unescaped '=' begins a new key after a space.
 *
 * Keys read: src dst (IPv4 or IPv6; c6a2/c6a3 as the IPv6 source/destination
 * when src/dst are absent), spt dpt, proto (name or number), act (the
 * device's action word), rt or else start (epoch milliseconds or
 * "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]"), deviceDirection (0 inbound,
 * 1 outbound), deviceInboundInterface, deviceOutboundInterface, dvchost or
 * dvc (the device), and csN whose csNLabel names a rule.  Values are kept as
 * slices of the line, so escapes stay as logged in the rule and interface
 * names. */
#include "parse.h"
#include "scan.h"
#include "fields.h"

#include <string.h>

static const char *find_cef(const char *s, size_t n)
{
	size_t lim = n < 160 ? n : 160;
	const char *p = SCAN_FIND(s, lim, "CEF:");
	if (!p || (size_t)(s + n - p) < 8)
		return NULL;
	const char *q = p + 4;
	while (q < s + n && *q >= '0' && *q <= '9')
		q++;
	return q > p + 4 && q < s + n && *q == '|' ? p : NULL;
}

static int cef_detect(const struct syslog_msg *m)
{
	return m->msg.n >= 12 && find_cef(m->msg.p, m->msg.n) != NULL;
}

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

static int cef_action(const char *v, size_t n)
{
	static const char *const allowed[] = { "allow", "allowed", "accept", "accepted", "permit",
					       "permitted", "pass", "passed", NULL };
	static const char *const blocked[] = { "deny", "denied", "drop", "dropped", "block",
					       "blocked", "reject", "rejected", "refuse", "refused",
					       "discard", "discarded", "reset", NULL };
	for (int i = 0; allowed[i]; i++)
		if (fld_ci(v, n, allowed[i]))
			return EV_ACTION_ALLOWED;
	for (int i = 0; blocked[i]; i++)
		if (fld_ci(v, n, blocked[i]))
			return EV_ACTION_BLOCKED;
	return n ? EV_ACTION_OTHER : EV_ACTION_UNKNOWN;
}

static int month_of(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++)
		if (!memcmp(s, names + i * 3, 3))
			return i + 1;
	return 0;
}

/* rt/start: epoch milliseconds, or "MMM dd yyyy HH:mm:ss[.SSS] [zone]" with
 * a zone of UTC, GMT, Z or none (local time), or yearless without a zone.
 * 0 on success. */
static int cef_time(struct parse_ctx *ctx, const char *v, size_t n, int64_t *us)
{
	uint32_t x;
	if (n >= 10 && n <= 13 && v[0] >= '0' && v[0] <= '9') {
		uint64_t ms = 0;
		for (size_t i = 0; i < n; i++) {
			if (v[i] < '0' || v[i] > '9')
				return -1;
			ms = ms * 10 + (uint64_t)(v[i] - '0');
		}
		/* milliseconds as the standard says; ten digits are seconds */
		*us = n <= 10 ? (int64_t)ms * 1000000 : (int64_t)ms * 1000;
		return 0;
	}
	if (n >= 20 && v[3] == ' ' && v[6] == ' ' && v[11] == ' ' && v[14] == ':' && v[17] == ':') {
		int mon = month_of(v);
		uint32_t d, y, h, mi, s;
		if (!mon || parse_uint(v + 4, 2, 31, &d) || parse_uint(v + 7, 4, 9999, &y) ||
		    parse_uint(v + 12, 2, 23, &h) || parse_uint(v + 15, 2, 59, &mi) ||
		    parse_uint(v + 18, 2, 60, &s) || !d || y < 1970)
			return -1;
		size_t i = 20;
		int64_t frac = 0;
		if (i < n && v[i] == '.') {
			size_t k = ++i;
			while (i < n && v[i] >= '0' && v[i] <= '9')
				i++;
			if (i - k != 3 || parse_uint(v + k, 3, 999, &x))
				return -1;
			frac = (int64_t)x * 1000;
		}
		const char *z = v + i, *ze = v + n;
		while (z < ze && *z == ' ')
			z++;
		int64_t secs;
		if (z == ze)
			secs = parse_local_to_utc(ctx, (int)y, mon, (int)d, (int)h, (int)mi, (int)s);
		else if (fld_is(z, (size_t)(ze - z), "UTC") || fld_is(z, (size_t)(ze - z), "GMT") ||
			 fld_is(z, (size_t)(ze - z), "Z"))
			secs = days_from_civil((int)y, mon, (int)d) * 86400 + h * 3600 + mi * 60 + s;
		else
			return -1; /* a zone name we cannot place */
		*us = secs * 1000000 + frac;
		return 0;
	}
	/* "MMM dd HH:mm:ss": the syslog reader infers the year. */
	if (n == 15 && v[3] == ' ' && v[9] == ':') {
		struct syslog_msg sm;
		syslog_parse(ctx, v, n, &sm);
		if (sm.has_ts) {
			*us = sm.ts_us;
			return 0;
		}
	}
	return -1;
}

enum { CS_MAX = 7 };

static int cef_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		     const char **why)
{
	const char *end = m->msg.p + m->msg.n;
	const char *p = find_cef(m->msg.p, m->msg.n);
	if (!p) {
		*why = "no CEF header";
		return PARSE_SKIP;
	}
	/* Seven header fields, split at unescaped '|'. */
	p += 4;
	for (int f = 0; f < 7; f++) {
		while (p < end && *p != '|')
			p += (*p == '\\' && p + 1 < end) ? 2 : 1;
		if (p >= end) {
			*why = "truncated CEF header (fewer than 8 fields)";
			return PARSE_BAD;
		}
		p++;
	}
	struct ev_str cs_label[CS_MAX] = { { NULL, 0 } }, cs_val[CS_MAX] = { { NULL, 0 } };
	struct ev_str dvc = { NULL, 0 }, dvchost = { NULL, 0 }, v6src = { NULL, 0 },
		      v6dst = { NULL, 0 };
	int have = 0, time_rank = 0;
	while (p < end && *p == ' ')
		p++;
	while (p < end) {
		const char *k = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p != '=') {
			*why = "CEF extension word without '='";
			return PARSE_BAD;
		}
		size_t kn = (size_t)(p - k);
		const char *v = ++p, *ve = end, *next = end;
		/* The value runs to the space before the next unescaped "key=". */
		while (p < end) {
			if (*p == '\\') {
				p += 2;
				continue;
			}
			if (*p == '=') {
				const char *ks = p;
				while (ks > v && key_char(ks[-1]))
					ks--;
				if (ks > v && ks[-1] == ' ' && ks < p) {
					ve = ks - 1;
					next = ks;
					break;
				}
			}
			p++;
		}
		while (ve > v && ve[-1] == ' ')
			ve--;
		if (ve > end)
			ve = end;
		size_t vn = (size_t)(ve - v);
		p = next;
		switch (k[0]) {
		case 's':
			if (fld_is(k, kn, "src")) {
				if (fld_addr(&ev->src, v, vn)) {
					*why = "bad src";
					return PARSE_BAD;
				}
				have |= 1;
			} else if (fld_is(k, kn, "spt")) {
				if (fld_port(v, vn, &ev->sport)) {
					*why = "bad spt";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_SPORT;
			} else if (fld_is(k, kn, "start") && time_rank < 1) {
				int64_t us;
				if (!cef_time(ctx, v, vn, &us)) {
					ev->ts_us = us;
					time_rank = 1;
				}
			}
			break;
		case 'd':
			if (fld_is(k, kn, "dst")) {
				if (fld_addr(&ev->dst, v, vn)) {
					*why = "bad dst";
					return PARSE_BAD;
				}
				have |= 2;
			} else if (fld_is(k, kn, "dpt")) {
				if (fld_port(v, vn, &ev->dport)) {
					*why = "bad dpt";
					return PARSE_BAD;
				}
				ev->has |= EV_HAS_DPORT;
			} else if (fld_is(k, kn, "deviceDirection")) {
				if (fld_is(v, vn, "0"))
					ev->direction_hint = EV_DIR_INBOUND;
				else if (fld_is(v, vn, "1"))
					ev->direction_hint = EV_DIR_OUTBOUND;
			} else if (fld_is(k, kn, "deviceInboundInterface")) {
				ev->in_if = fld_slice(v, vn);
			} else if (fld_is(k, kn, "deviceOutboundInterface")) {
				ev->out_if = fld_slice(v, vn);
			} else if (fld_is(k, kn, "dvc")) {
				dvc = fld_slice(v, vn);
			} else if (fld_is(k, kn, "dvchost")) {
				dvchost = fld_slice(v, vn);
			}
			break;
		case 'p':
			if (fld_is(k, kn, "proto")) {
				int pr = fld_proto(v, vn);
				if (pr < 0) {
					*why = "unknown proto";
					return PARSE_BAD;
				}
				ev->proto = (uint8_t)pr;
				ev->has |= EV_HAS_PROTO;
			}
			break;
		case 'a':
			if (fld_is(k, kn, "act"))
				ev->action = (uint8_t)cef_action(v, vn);
			break;
		case 'r':
			if (fld_is(k, kn, "rt")) {
				int64_t us;
				if (!cef_time(ctx, v, vn, &us)) {
					ev->ts_us = us;
					time_rank = 2;
				}
			}
			break;
		case 'c':
			/* cs1..cs6 and cs1Label..cs6Label */
			if (kn >= 3 && k[1] == 's' && k[2] >= '1' && k[2] <= '6') {
				int i = k[2] - '0';
				if (kn == 3)
					cs_val[i] = fld_slice(v, vn);
				else if (fld_is(k + 3, kn - 3, "Label"))
					cs_label[i] = fld_slice(v, vn);
			} else if (fld_is(k, kn, "c6a2")) {
				v6src = fld_slice(v, vn);
			} else if (fld_is(k, kn, "c6a3")) {
				v6dst = fld_slice(v, vn);
			}
			break;
		}
	}
	if (!(have & 1) && v6src.n) {
		if (fld_addr(&ev->src, v6src.p, v6src.n)) {
			*why = "bad c6a2";
			return PARSE_BAD;
		}
		have |= 1;
	}
	if (!(have & 2) && v6dst.n) {
		if (fld_addr(&ev->dst, v6dst.p, v6dst.n)) {
			*why = "bad c6a3";
			return PARSE_BAD;
		}
		have |= 2;
	}
	if ((have & 3) != 3) {
		*why = "CEF event without src and dst";
		return PARSE_SKIP; /* CEF carries many non-packet events */
	}
	if (ev->src.family != ev->dst.family) {
		*why = "src and dst of different families";
		return PARSE_BAD;
	}
	for (int i = 1; i < CS_MAX; i++) {
		const struct ev_str *l = &cs_label[i];
		if (cs_val[i].n && l->n && memmem(l->p, l->n, "ule", 3) &&
		    (memmem(l->p, l->n, "Rule", 4) || memmem(l->p, l->n, "rule", 4))) {
			ev->rule = cs_val[i];
			break;
		}
	}
	ev->device = dvchost.n ? dvchost : dvc;
	if (time_rank)
		ev->has |= EV_HAS_TS;
	return PARSE_OK;
}

const struct parse_format parse_cef = {
	.name = "cef",
	.description = "ArcSight Common Event Format (CEF) with firewall extensions, bare or in syslog",
	.example = "CEF:0|Vendor|Firewall|1.0|100|Connection denied|5|rt=1710189311000 "
		   "src=203.0.113.7 spt=51234 dst=192.0.2.10 dpt=22 proto=TCP act=deny "
		   "deviceDirection=0 dvchost=fw1",
	.detect = cef_detect,
	.parse = cef_parse,
};
