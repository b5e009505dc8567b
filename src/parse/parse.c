/* parse.c - the table of formats and the per-line entry point. */
#include "parse.h"

#include <string.h>
#include <strings.h>

/* One line per format, in detection order: the first whose detect()
 * accepts a line wins, so more specific formats come before general ones.
 * Each format lives in its own file, src/parse/NAME.c, and defines
 * `const struct parse_format parse_NAME`. */
#define PARSE_FORMATS(X) \
	X(filterlog) \
	X(pf) \
	X(winfw) \
	X(cef) \
	X(asa) \
	X(srx) \
	X(panos) \
	X(checkpoint) \
	X(fortigate) \
	X(sonicwall) \
	X(sophos) \
	X(mikrotik) \
	X(netgear) \
	X(dlink) \
	X(zyxel) \
	X(linksys) \
	X(netfilter)

#define DECLARE(name) extern const struct parse_format parse_##name;
PARSE_FORMATS(DECLARE)
#define ENTRY(name) &parse_##name,
const struct parse_format *const parse_formats[] = { PARSE_FORMATS(ENTRY) };
const int parse_format_count = (int)(sizeof parse_formats / sizeof parse_formats[0]);

int parse_format_find(const char *name)
{
	if (!strcasecmp(name, "auto"))
		return PARSE_AUTO;
	for (int i = 0; i < parse_format_count; i++)
		if (!strcasecmp(parse_formats[i]->name, name))
			return i;
	return -1;
}

int parse_line(struct parse_ctx *ctx, int format, const char *line, size_t len, struct event *ev,
	       const char **why)
{
	struct syslog_msg m;
	event_clear(ev);
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0) {
		*why = "blank line";
		return PARSE_SKIP;
	}
	syslog_parse(ctx, line, len, &m);
	if (format == PARSE_AUTO) {
		format = -1;
		int last = ctx->last_format;
		if (last >= 0 && parse_formats[last]->detect(&m))
			format = last; /* a log is mostly one format: ask it first */
		for (int i = 0; i < parse_format_count && format < 0; i++)
			if (parse_formats[i]->detect(&m))
				format = i;
		ctx->last_format = format;
		if (format < 0) {
			*why = "not a packet log line";
			return PARSE_SKIP;
		}
	}
	int rc = parse_formats[format]->parse(ctx, &m, ev, why);
	if (rc != PARSE_OK)
		return rc;
	ev->format = (uint8_t)format;
	if (!(ev->has & EV_HAS_TS)) {
		if (!m.has_ts && !ctx->fallback_ts_us) {
			*why = "no wall-clock timestamp";
			return PARSE_BAD;
		}
		ev->ts_us = m.has_ts ? m.ts_us : ctx->fallback_ts_us;
		ev->has |= EV_HAS_TS;
	}
	/* Before 1970 or past year 36000: nothing a firewall logs, and not a
	 * time the store can order (store/sqlite_priv.h EVENT_SEC_LIMIT). */
	if (ev->ts_us < 0 || ev->ts_us / 1000000 >= (1LL << 40)) {
		*why = "timestamp out of range";
		return PARSE_BAD;
	}
	/* A format that found no device where the envelope's host would be
	 * (pf: tcpdump's stamp makes "rule" look like a host) says so with an
	 * empty slice that points somewhere. */
	if (!ev->device.n && !ev->device.p)
		ev->device = m.host;
	return PARSE_OK;
}
