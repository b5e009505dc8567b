/* winfw.c - Windows Defender Firewall's pfirewall.log, a W3C extended log:
 *
 *   #Version: 1.5
 *   #Software: Microsoft Windows Firewall
 *   #Time Format: Local
 *   #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags
 *            tcpsyn tcpack tcpwin icmptype icmpcode info path [pid]
 *   2024-03-01 10:15:02 DROP TCP 203.0.113.5 192.168.1.20 51234 3389 52 S 1 0 8192 - - - RECEIVE
 *
 * The "#Fields:" header decides the columns (kept in ctx for the lines that
 * follow); without one, the order above.  Columns are separated by spaces;
 * "-" is an absent value.  Times are local.  path says which way the packet
 * went: RECEIVE (in) or SEND (out).  (Microsoft Learn, "Configure Windows
 * Firewall logging" / "Interpreting the Windows Firewall log".) */
#include "field.h"

enum w3c_field {
	W_DATE, W_TIME, W_ACTION, W_PROTO, W_SRC, W_DST, W_SPORT, W_DPORT, W_SIZE, W_TCPFLAGS,
	W_TCPSYN, W_TCPACK, W_TCPWIN, W_ICMPTYPE, W_ICMPCODE, W_INFO, W_PATH, W_PID, W_NFIELDS,
	MAX_COLS = 64,
};

static const char *const w3c_names[W_NFIELDS] = {
	"date", "time", "action", "protocol", "src-ip", "dst-ip", "src-port", "dst-port", "size",
	"tcpflags", "tcpsyn", "tcpack", "tcpwin", "icmptype", "icmpcode", "info", "path", "pid",
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* "YYYY-MM-DD hh:mm:ss" at s (spaces between date and time): the offset just
 * past the seconds (at most 48), or 0. */
static size_t datetime_end(const char *s, size_t n)
{
	if (n < 20 || !is_digit(s[0]) || !is_digit(s[3]) || s[4] != '-' || s[7] != '-' ||
	    s[10] != ' ')
		return 0;
	size_t i = 11;
	while (i < n && i < 40 && s[i] == ' ')
		i++;
	return n - i >= 8 && is_digit(s[i]) && s[i + 2] == ':' && s[i + 5] == ':' &&
	       is_digit(s[i + 7]) ? i + 8 : 0;
}

static int starts_with_datetime(const char *s, size_t n)
{
	return datetime_end(s, n) != 0;
}

static int is_header(const char *s, size_t n)
{
	static const char *const directives[] = { "#Fields:", "#Version:", "#Software:",
						  "#Time Format:", "#Start-Date:", "#Date:" };
	if (n < 6 || s[0] != '#')
		return 0;
	for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
		size_t k = strlen(directives[i]);
		if (n >= k && !memcmp(s, directives[i], k))
			return 1;
	}
	return 0;
}

/* 1 ALLOW, 2 DROP, 3 OPEN, 4 CLOSE, 5 OPEN-INBOUND, 6 INFO-EVENTS-LOST, 0 none.
 * The detector asks this of every column it looks at: by length first, and
 * comparisons of a constant size the compiler does inline. */
static int action_word(const char *s, size_t n)
{
	switch (n) {
	case 4:
		return !memcmp(s, "DROP", 4) ? 2 : !memcmp(s, "OPEN", 4) ? 3 : 0;
	case 5:
		return !memcmp(s, "ALLOW", 5) ? 1 : !memcmp(s, "CLOSE", 5) ? 4 : 0;
	case 12:
		return !memcmp(s, "OPEN-INBOUND", 12) ? 5 : 0;
	case 16:
		return !memcmp(s, "INFO-EVENTS-LOST", 16) ? 6 : 0;
	}
	return 0;
}

/* The text this format reads: the whole line (a file), or the syslog
 * message when a forwarder wrapped the line in an envelope. */
static struct ev_str w3c_text(const struct syslog_msg *m)
{
	if (starts_with_datetime(m->line, m->len) || is_header(m->line, m->len))
		return (struct ev_str){ m->line, (uint32_t)m->len };
	return m->msg;
}

/* Split on runs of spaces or tabs. */
static int split_ws(const char *s, size_t n, struct ev_str *f, int max)
{
	int k = 0;
	size_t i = 0;
	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		size_t b = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		f[k++] = (struct ev_str){ s + b, (uint32_t)(i - b) };
	}
	return k;
}

static int wf_detect(const struct syslog_msg *m)
{
	/* What w3c_text() would choose, without looking at the date twice. */
	struct ev_str t = { m->line, (uint32_t)m->len };
	size_t i = datetime_end(t.p, t.n);
	if (!i) {
		if (is_header(t.p, t.n))
			return 1;
		t = m->msg;
		if (is_header(t.p, t.n))
			return 1;
		if (!(i = datetime_end(t.p, t.n)))
			return 0;
	}
	/* An action word in columns 2..5 of the first 120 bytes (as split_ws
	 * splits them), each tested as soon as it is found: in the default
	 * column order the first one tested is the action.  Columns 0 and 1
	 * are the date and time just checked; the time may go on (a fraction). */
	size_t lim = t.n < 120 ? t.n : 120;
	while (i < lim && t.p[i] != ' ' && t.p[i] != '\t')
		i++;
	for (int col_no = 2; col_no < 6; col_no++) {
		while (i < lim && (t.p[i] == ' ' || t.p[i] == '\t'))
			i++;
		if (i >= lim)
			return 0;
		size_t b = i;
		while (i < lim && t.p[i] != ' ' && t.p[i] != '\t')
			i++;
		if (action_word(t.p + b, i - b))
			return 1;
	}
	return 0;
}

/* "#Fields: a b c": remember which column holds each field we know. */
static void read_fields(struct parse_ctx *ctx, const char *s, size_t n)
{
	struct ev_str f[MAX_COLS];
	int k = split_ws(s, n, f, MAX_COLS);
	memset(ctx->w3c_cols, -1, sizeof ctx->w3c_cols);
	for (int c = 0; c < k; c++)
		for (int w = 0; w < W_NFIELDS; w++)
			if (f[c].n == strlen(w3c_names[w]) && !memcmp(f[c].p, w3c_names[w], f[c].n))
				ctx->w3c_cols[w] = (int8_t)c;
	ctx->w3c_ncols = k > 0 ? k : -1; /* -1: a header without fields */
}

#define BAD(reason)               \
	do {                      \
		*why = reason;    \
		return PARSE_BAD; \
	} while (0)

/* Column of field w in this line, or an absent slice ("-" too). */
static struct ev_str col(const struct parse_ctx *ctx, const struct ev_str *f, int k, int w)
{
	int c = ctx->w3c_ncols ? ctx->w3c_cols[w] : w;
	if (c < 0 || c >= k || (f[c].n == 1 && f[c].p[0] == '-'))
		return (struct ev_str){ NULL, 0 };
	return f[c];
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static int wf_parse(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		    const char **why)
{
	struct ev_str t = w3c_text(m);
	if (t.p == m->line) /* no envelope: the "host" it saw is a column */
		ev->device = (struct ev_str){ m->line, 0 };
	if (t.n && t.p[0] == '#') {
		if (t.n >= 8 && !memcmp(t.p, "#Fields:", 8))
			read_fields(ctx, t.p + 8, t.n - 8);
		*why = "W3C header";
		return PARSE_SKIP;
	}
	struct ev_str f[MAX_COLS];
	int k = split_ws(t.p, t.n, f, MAX_COLS);
	struct ev_str action = col(ctx, f, k, W_ACTION);
	int act = action_word(action.p, action.n);
	if (!act)
		BAD("winfw: unknown action");
	if (act == 6) {
		*why = "winfw: events lost (not a packet)";
		return PARSE_SKIP;
	}
	ev->action = (uint8_t)(act == 1 || act == 3 || act == 5 ? EV_ACTION_ALLOWED
				: act == 2                      ? EV_ACTION_BLOCKED
								: EV_ACTION_OTHER);

	struct ev_str d = col(ctx, f, k, W_DATE), tm = col(ctx, f, k, W_TIME);
	if (d.n != 10 || tm.n < 8 || d.p[4] != '-' || d.p[7] != '-' || tm.p[2] != ':' ||
	    tm.p[5] != ':')
		BAD("winfw: bad date or time");
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(d.p[i]))
			BAD("winfw: bad date");
	for (int i = 0; i < 8; i++)
		if (i != 2 && i != 5 && !is_digit(tm.p[i]))
			BAD("winfw: bad time");
	int y = two(d.p) * 100 + two(d.p + 2), mo = two(d.p + 5), dd = two(d.p + 8);
	int hh = two(tm.p), mi = two(tm.p + 3), ss = two(tm.p + 6);
	if (y < 1970 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 60)
		BAD("winfw: date or time out of range");
	ev->ts_us = parse_local_to_utc(ctx, y, mo, dd, hh, mi, ss) * 1000000;
	ev->has |= EV_HAS_TS;

	struct ev_str src = col(ctx, f, k, W_SRC), dst = col(ctx, f, k, W_DST);
	if (ev_addr_parse(&ev->src, src.p, src.n))
		BAD("winfw: bad src-ip");
	if (ev_addr_parse(&ev->dst, dst.p, dst.n))
		BAD("winfw: bad dst-ip");
	if (ev->src.family != ev->dst.family)
		BAD("winfw: src-ip and dst-ip of different families");

	struct ev_str proto = col(ctx, f, k, W_PROTO);
	uint32_t v;
	if (FIELD_IS(proto, "TCP"))
		ev->proto = EV_PROTO_TCP;
	else if (FIELD_IS(proto, "UDP"))
		ev->proto = EV_PROTO_UDP;
	else if (FIELD_IS(proto, "ICMP")) /* Windows says ICMP for ICMPv6 too */
		ev->proto = ev->src.family == 6 ? EV_PROTO_ICMPV6 : EV_PROTO_ICMP;
	else if (FIELD_IS(proto, "ICMPv6"))
		ev->proto = EV_PROTO_ICMPV6;
	else if (proto.n && field_uint(proto, 255, &v) == 0)
		ev->proto = (uint8_t)v;
	else if (proto.n)
		BAD("winfw: unknown protocol");
	if (proto.n)
		ev->has |= EV_HAS_PROTO;

	struct ev_str x;
	if ((x = col(ctx, f, k, W_SPORT)).n &&
	    field_port(x, &ev->sport, &ev->has, EV_HAS_SPORT))
		BAD("winfw: bad src-port");
	if ((x = col(ctx, f, k, W_DPORT)).n &&
	    field_port(x, &ev->dport, &ev->has, EV_HAS_DPORT))
		BAD("winfw: bad dst-port");
	if ((x = col(ctx, f, k, W_SIZE)).n) {
		if (field_uint(x, 0xffffffffu, &v))
			BAD("winfw: bad size");
		ev->len = v;
		ev->has |= EV_HAS_LEN;
	}
	if ((x = col(ctx, f, k, W_TCPFLAGS)).n) {
		for (uint32_t i = 0; i < x.n; i++) {
			switch (x.p[i]) {
			case 'A': ev->tcp_flags |= EV_TCP_ACK; break;
			case 'F': ev->tcp_flags |= EV_TCP_FIN; break;
			case 'P': ev->tcp_flags |= EV_TCP_PSH; break;
			case 'R': ev->tcp_flags |= EV_TCP_RST; break;
			case 'S': ev->tcp_flags |= EV_TCP_SYN; break;
			case 'U': ev->tcp_flags |= EV_TCP_URG; break;
			default: BAD("winfw: bad tcpflags");
			}
		}
		ev->has |= EV_HAS_TCP_FLAGS;
	}
	if ((x = col(ctx, f, k, W_TCPWIN)).n) {
		if (field_uint(x, 65535, &v))
			BAD("winfw: bad tcpwin");
		ev->window = (uint16_t)v;
		ev->has |= EV_HAS_WINDOW;
	}
	struct ev_str it = col(ctx, f, k, W_ICMPTYPE), ic = col(ctx, f, k, W_ICMPCODE);
	if (it.n && ic.n) {
		uint32_t c;
		if (field_uint(it, 255, &v) || field_uint(ic, 255, &c))
			BAD("winfw: bad icmptype or icmpcode");
		ev->icmp_type = (uint8_t)v;
		ev->icmp_code = (uint8_t)c;
		ev->has |= EV_HAS_ICMP;
	}
	struct ev_str path = col(ctx, f, k, W_PATH);
	if (FIELD_IS(path, "RECEIVE"))
		ev->direction_hint = EV_DIR_INBOUND;
	else if (FIELD_IS(path, "SEND"))
		ev->direction_hint = EV_DIR_OUTBOUND;
	return PARSE_OK;
}

const struct parse_format parse_winfw = {
	.name = "winfw",
	.description = "Windows Firewall pfirewall.log (W3C extended; #Fields decides the columns)",
	.example = "2024-03-01 10:15:02 DROP TCP 203.0.113.5 192.168.1.20 51234 3389 52 S 1 0 8192 "
		   "- - - RECEIVE",
	.detect = wf_detect,
	.parse = wf_parse,
};
