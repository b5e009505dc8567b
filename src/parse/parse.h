/* parse.h - bytes in, event out.
 *
 * Parsing is pure: no I/O, no allocation, no global state beyond the caller's
 * struct parse_ctx, so every parser can be fuzzed and benchmarked alone.  A
 * line goes through the syslog envelope first (syslog.c: priority, timestamp,
 * host, tag) and the message is then handed to a format parser, chosen per
 * line by detect() or forced by the user. */
#ifndef PORTLOG_PARSE_H
#define PORTLOG_PARSE_H

#include <stdint.h>
#include <stddef.h>

#include "../event.h"

enum parse_status {
	PARSE_OK = 0,   /* ev holds a packet event */
	PARSE_SKIP = 1, /* not a packet log line (counted, not an error) */
	PARSE_BAD = 2,  /* a packet line of a known format that is malformed */
};

/* Per-input state: the year to assume and a cache for local-time conversion. */
struct parse_ctx {
	int forced_year;  /* --year; 0 to infer from ref_time */
	int64_t ref_time; /* seconds since the epoch: no line is later (file mtime) */
	int ref_year, ref_yday_sec; /* derived from ref_time (local time) */
	int ref_mon;
	int cur_year, last_mon; /* rollover tracking when forced_year is set */
	/* local hour -> UTC seconds of its start, for the last eight hours seen:
	 * mktime costs a stat of /etc/localtime when TZ is unset, and lines of
	 * a few hours may alternate (devices with skewed clocks in one stream). */
	int cache_key[8];
	int64_t cache_utc[8];
	unsigned cache_last, cache_next; /* slot last used, slot to fill next */
	/* Windows Firewall (W3C extended log): column index of each field, from
	 * the last "#Fields:" line; w3c_ncols == 0 until one was seen. */
	int8_t w3c_cols[32];
	int w3c_ncols;
	/* Time to give a line that carries none (UTC µs), e.g. when a network
	 * message arrived; 0: such a line is malformed ("no wall-clock timestamp"). */
	int64_t fallback_ts_us;
	/* The format the previous line was; auto-detection asks it first.
	 * Detectors are mutually exclusive (tests/unit/test_detect.c proves it
	 * on every fixture and corpus line), so the order of asking does not
	 * change the answer, only its cost. */
	int last_format;
};

/* The syslog envelope of a line; msg is the whole line when there is none. */
struct syslog_msg {
	const char *line;
	size_t len;
	int64_t ts_us;
	int has_ts;
	struct ev_str host, tag, msg;
};

struct parse_format {
	const char *name;
	const char *description;
	const char *example; /* one line, for `portlog formats` and the tests */
	/* Cheap: nonzero when the message looks like this format. */
	int (*detect)(const struct syslog_msg *m);
	/* Fill ev from m; on PARSE_BAD or PARSE_SKIP set *why to a static reason.
	 * ctx carries per-input state a format may need (e.g. the columns a W3C
	 * "#Fields:" header declared); ev arrives cleared. */
	int (*parse)(struct parse_ctx *ctx, const struct syslog_msg *m, struct event *ev,
		     const char **why);
};

extern const struct parse_format *const parse_formats[];
extern const int parse_format_count;

/* Index of a format by name, -1 if none.  "auto" is PARSE_AUTO. */
enum { PARSE_AUTO = -2 };
int parse_format_find(const char *name);

void parse_ctx_init(struct parse_ctx *ctx, int forced_year, int64_t ref_time);

/* Parse the envelope of one line (no trailing newline).  Always succeeds:
 * what is not recognised stays in m->msg. */
void syslog_parse(struct parse_ctx *ctx, const char *line, size_t len, struct syslog_msg *m);

/* Envelope + format.  format is an index or PARSE_AUTO.  On success ev->format
 * is set, the envelope's time and host are copied into ev where the format
 * gave none, and the reason pointer is left alone. */
int parse_line(struct parse_ctx *ctx, int format, const char *line, size_t len,
	       struct event *ev, const char **why);

/* Timestamp helpers shared by format parsers (syslog.c). */
/* RFC 3339 / ISO 8601 date-time at s; returns bytes consumed, 0 if none. */
size_t parse_rfc3339(const char *s, size_t n, int64_t *ts_us); /* no zone: UTC */
size_t parse_rfc3339_ctx(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts_us); /* no zone: local */
/* Convert a broken-down local time to UTC seconds using ctx's cache. */
int64_t parse_local_to_utc(struct parse_ctx *ctx, int year, int mon, int day, int hour,
			   int min, int sec);
int64_t days_from_civil(int y, int m, int d);

/* Small scanners used by every parser: decimal number of at most max value. */
int parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out);

#endif
