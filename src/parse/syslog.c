/* syslog.c - the envelope around a log message, and timestamps.
 *
 * Recognised at the start of a line:
 *   <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG      RFC 5424
 *   [<PRI>]Mmm dd [yyyy] hh:mm:ss[.frac] HOST TAG: MSG  RFC 3164, as files hold it
 *   [<PRI>]YYYY-MM-DDThh:mm:ss[.frac][zone] HOST TAG: MSG  rsyslog high precision,
 *                                                      journalctl -o short-iso
 *   [Www Mmm dd hh:mm:ss yyyy] MSG                     dmesg -T
 * Anything else is left whole in msg, without a timestamp.
 *
 * A timestamp without a zone is local time (TZ).  One without a year gets the
 * year from ctx: --year (advancing at a December to January step), or else the
 * latest year that puts it no later than the file's modification time. */
#include "parse.h"

#include <string.h>
#include <time.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	if (n == 0 || n > 10)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Exactly k digits at s (n bytes available); -1 if not. */
static int digits(const char *s, size_t n, int k)
{
	if (n < (size_t)k)
		return -1;
	int v = 0;
	for (int i = 0; i < k; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Howard Hinnant's days_from_civil: days since 1970-01-01, proleptic Gregorian. */
int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void parse_ctx_init(struct parse_ctx *ctx, int forced_year, int64_t ref_time)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->forced_year = forced_year;
	ctx->cur_year = forced_year;
	ctx->ref_time = ref_time;
	for (size_t i = 0; i < sizeof ctx->cache_key / sizeof ctx->cache_key[0]; i++)
		ctx->cache_key[i] = -1;
	ctx->last_format = -1;
	time_t t = (time_t)ref_time;
	struct tm tm;
	localtime_r(&t, &tm);
	ctx->ref_year = tm.tm_year + 1900;
	ctx->ref_mon = tm.tm_mon + 1;
	ctx->ref_yday_sec = ((((tm.tm_mon + 1) * 32 + tm.tm_mday) * 24 + tm.tm_hour) * 60 + tm.tm_min) * 60 + tm.tm_sec;
}

int64_t parse_local_to_utc(struct parse_ctx *ctx, int year, int mon, int day, int hour, int min,
			   int sec)
{
	int key = ((year * 13 + mon) * 32 + day) * 24 + hour;
	enum { SLOTS = sizeof ctx->cache_key / sizeof ctx->cache_key[0] };
	/* The hour of the previous line first; then any of the eight; else the
	 * oldest filled slot is replaced. */
	unsigned slot = ctx->cache_last;
	if (key != ctx->cache_key[slot]) {
		for (slot = 0; slot < SLOTS && ctx->cache_key[slot] != key; slot++)
			;
	}
	if (slot == SLOTS) {
		slot = ctx->cache_next;
		ctx->cache_next = (slot + 1) % SLOTS;
		struct tm tm = { 0 };
		tm.tm_year = year - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = day;
		tm.tm_hour = hour;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1) /* outside what the C library handles: assume UTC */
			t = (time_t)(days_from_civil(year, mon, day) * 86400 + hour * 3600);
		ctx->cache_key[slot] = key;
		ctx->cache_utc[slot] = (int64_t)t;
	}
	ctx->cache_last = slot;
	return ctx->cache_utc[slot] + min * 60 + sec;
}

static int month_of(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++)
		if (s[0] == names[i * 3] && s[1] == names[i * 3 + 1] && s[2] == names[i * 3 + 2])
			return i + 1;
	return 0;
}

static int year_for(struct parse_ctx *ctx, int mon, int day, int hour, int min, int sec)
{
	if (ctx->forced_year) {
		if (ctx->last_mon && mon + 6 < ctx->last_mon)
			ctx->cur_year++;
		ctx->last_mon = mon;
		return ctx->cur_year;
	}
	int key = (((mon * 32 + day) * 24 + hour) * 60 + min) * 60 + sec;
	/* A day of slack for clock skew and time zones between writer and file. */
	return key > ctx->ref_yday_sec + 86400 ? ctx->ref_year - 1 : ctx->ref_year;
}

/* Optional fraction ".ddd..." at s: returns bytes consumed, adds microseconds. */
static size_t fraction(const char *s, size_t n, int64_t *us)
{
	if (n < 2 || s[0] != '.' || !is_digit(s[1]))
		return 0;
	size_t i = 1;
	int64_t v = 0;
	int scale = 0;
	while (i < n && is_digit(s[i])) {
		if (scale < 6) {
			v = v * 10 + (s[i] - '0');
			scale++;
		}
		i++;
	}
	while (scale++ < 6)
		v *= 10;
	*us = v;
	return i;
}

/* "Mmm dd [yyyy] hh:mm:ss[.frac]" */
static size_t parse_rfc3164_ts(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts_us)
{
	if (n < 14)
		return 0;
	int mon = month_of(s);
	if (!mon || s[3] != ' ')
		return 0;
	/* Day: " 9", "09" or, from some devices, "9". */
	size_t i = 4;
	if (s[i] == ' ')
		i++;
	int day = 0, nd = 0;
	while (i < n && nd < 2 && is_digit(s[i]))
		day = day * 10 + (s[i++] - '0'), nd++;
	if (nd == 0 || day < 1 || day > 31 || i >= n || s[i] != ' ')
		return 0;
	i++;
	int year = 0;
	if (n >= i + 5 && digits(s + i, 4, 4) >= 0 && s[i + 4] == ' ') {
		year = digits(s + i, 4, 4);
		i += 5;
	}
	if (n < i + 8 || s[i + 2] != ':' || s[i + 5] != ':')
		return 0;
	int hh = digits(s + i, n - i, 2), mm = digits(s + i + 3, n - i - 3, 2),
	    ss = digits(s + i + 6, n - i - 6, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return 0;
	i += 8;
	int64_t us = 0;
	i += fraction(s + i, n - i, &us);
	if (!year)
		year = year_for(ctx, mon, day, hh, mm, ss);
	*ts_us = parse_local_to_utc(ctx, year, mon, day, hh, mm, ss) * 1000000 + us;
	return i;
}

size_t parse_rfc3339(const char *s, size_t n, int64_t *ts_us)
{
	return parse_rfc3339_ctx(NULL, s, n, ts_us);
}

/* YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm]; without a zone: local time
 * when ctx is given, else UTC. */
size_t parse_rfc3339_ctx(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts_us)
{
	if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	int y = digits(s, n, 4), mo = digits(s + 5, 2, 2), d = digits(s + 8, 2, 2);
	int hh = digits(s + 11, 2, 2), mm = digits(s + 14, 2, 2), ss = digits(s + 17, 2, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 ||
	    mm > 59 || ss < 0 || ss > 60)
		return 0;
	size_t i = 19;
	int64_t us = 0;
	i += fraction(s + i, n - i, &us);
	int64_t secs;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
		secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		int oh = digits(s + i + 1, n - i - 1, 2), om;
		if (oh < 0 || oh > 23)
			return 0;
		if (i + 3 < n && s[i + 3] == ':') {
			om = digits(s + i + 4, n - i - 4, 2);
			i += 6;
		} else {
			om = digits(s + i + 3, n - i - 3, 2);
			i += 5;
		}
		if (om < 0 || om > 59)
			return 0;
		secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss -
		       sign * (oh * 3600 + om * 60);
	} else if (ctx) {
		secs = parse_local_to_utc(ctx, y, mo, d, hh, mm, ss);
	} else {
		secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
	}
	*ts_us = secs * 1000000 + us;
	return i;
}

/* "[Www Mmm dd hh:mm:ss yyyy]" as dmesg -T prints. */
static size_t parse_dmesg_t(struct parse_ctx *ctx, const char *s, size_t n, int64_t *ts_us)
{
	if (n < 26 || s[0] != '[' || s[4] != ' ' || s[25] != ']')
		return 0;
	int mon = month_of(s + 5);
	int day = s[9] == ' ' ? digits(s + 10, 1, 1) : digits(s + 9, 2, 2);
	int hh = digits(s + 12, 2, 2), mm = digits(s + 15, 2, 2), ss = digits(s + 18, 2, 2);
	int y = digits(s + 21, 4, 4);
	if (!mon || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 60 || y < 1970 || s[8] != ' ' || s[11] != ' ' || s[14] != ':' || s[17] != ':' ||
	    s[20] != ' ')
		return 0;
	*ts_us = parse_local_to_utc(ctx, y, mon, day, hh, mm, ss) * 1000000;
	return 26;
}

static size_t skip_spaces(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static size_t token_end(const char *s, size_t i, size_t n)
{
	const char *sp = memchr(s + i, ' ', n - i);
	return sp ? (size_t)(sp - s) : n;
}

/* Is s[i..e) a syslog tag: name[pid]: or name: ? */
static int is_tag(const char *s, size_t i, size_t e)
{
	if (e - i < 2 || s[e - 1] != ':')
		return 0;
	for (size_t k = i; k < e - 1; k++) {
		char c = s[k];
		if (c == '[') {
			/* [pid] then ':' */
			size_t j = k + 1;
			while (j < e && is_digit(s[j]))
				j++;
			return j == e - 2 && s[j] == ']';
		}
		if (!(c == '_' || c == '-' || c == '.' || c == '/' || (c >= '0' && c <= '9') ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

/* Past the closing quote of the value whose opening quote is at s[i] (or n
 * when it has none); a quote preceded by an odd run of backslashes is
 * escaped.  memchr jumps over the value: values are most of the bytes of
 * structured data (SRX, Check Point lines of 1-3 kB). */
static size_t quoted_end(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	for (;;) {
		const char *q = memchr(s + j, '"', n - j);
		if (!q)
			return n;
		size_t at = (size_t)(q - s), bs = 0;
		while (at - bs > i + 1 && s[at - bs - 1] == '\\')
			bs++;
		j = at + 1;
		if (!(bs & 1))
			return j;
	}
}

static void rfc5424(const char *s, size_t i, size_t n, struct syslog_msg *m)
{
	/* TIMESTAMP HOST APP PROCID MSGID SD [MSG] */
	size_t e = token_end(s, i, n);
	int64_t ts;
	if (e - i >= 19 && parse_rfc3339(s + i, e - i, &ts) == e - i) {
		m->ts_us = ts;
		m->has_ts = 1;
	}
	i = skip_spaces(s, e, n);
	e = token_end(s, i, n);
	if (!(e - i == 1 && s[i] == '-'))
		m->host = (struct ev_str){ s + i, (uint32_t)(e - i) };
	i = skip_spaces(s, e, n);
	e = token_end(s, i, n);
	if (!(e - i == 1 && s[i] == '-'))
		m->tag = (struct ev_str){ s + i, (uint32_t)(e - i) };
	for (int f = 0; f < 2; f++) { /* PROCID, MSGID */
		i = skip_spaces(s, e, n);
		e = token_end(s, i, n);
	}
	i = skip_spaces(s, e, n);
	/* Structured data: '-' or one or more [id k="v" ...] with \] escapes. */
	if (i < n && s[i] == '-') {
		i++;
	} else {
		while (i < n && s[i] == '[') {
			i++;
			while (i < n) {
				char c = s[i];
				if (c == '\\' && i + 1 < n) {
					i += 2;
					continue;
				}
				if (c == '"') {
					i = quoted_end(s, i, n);
					continue;
				}
				if (c == ']')
					break;
				i++;
			}
			if (i < n)
				i++;
		}
	}
	if (i < n && s[i] == ' ')
		i++;
	/* A UTF-8 byte order mark may start MSG. */
	if (n - i >= 3 && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBB &&
	    (unsigned char)s[i + 2] == 0xBF)
		i += 3;
	m->msg = (struct ev_str){ s + i, (uint32_t)(n - i) };
}

static int envelope(struct parse_ctx *ctx, const char *s, size_t n, struct syslog_msg *m);

void syslog_parse(struct parse_ctx *ctx, const char *s, size_t n, struct syslog_msg *m)
{
	if (envelope(ctx, s, n, m))
		return;
	/* "kern.log:Mar 11 ..." as grep -H and zgrep print: a name glued to the
	 * line by a colon, before any space. */
	size_t k = 0;
	while (k < n && k < 256 && s[k] != ':' && s[k] != ' ')
		k++;
	if (k > 0 && k < n && k < 256 && s[k] == ':' && envelope(ctx, s + k + 1, n - k - 1, m)) {
		m->line = s;
		m->len = n;
		return;
	}
	memset(m, 0, sizeof *m);
	m->line = s;
	m->len = n;
	m->msg = (struct ev_str){ s, (uint32_t)n };
}

/* Returns 1 when an envelope with a timestamp was found. */
static int envelope(struct parse_ctx *ctx, const char *s, size_t n, struct syslog_msg *m)
{
	memset(m, 0, sizeof *m);
	m->line = s;
	m->len = n;
	m->msg = (struct ev_str){ s, (uint32_t)n };
	size_t i = 0;
	if (n > 2 && s[0] == '<') {
		size_t k = 1;
		while (k < n && k < 5 && is_digit(s[k]))
			k++;
		if (k > 1 && k < n && s[k] == '>') {
			i = k + 1;
			if (n - i >= 2 && s[i] == '1' && s[i + 1] == ' ') {
				rfc5424(s, i + 2, n, m);
				return 1;
			}
		}
	}
	int64_t ts;
	size_t used = 0;
	if (i < n && s[i] >= 'A' && s[i] <= 'Z')
		used = parse_rfc3164_ts(ctx, s + i, n - i, &ts);
	else if (i < n && is_digit(s[i]))
		used = parse_rfc3339_ctx(ctx, s + i, n - i, &ts);
	else if (i < n && s[i] == '[' && (used = parse_dmesg_t(ctx, s + i, n - i, &ts))) {
		m->ts_us = ts;
		m->has_ts = 1;
		i = skip_spaces(s, i + used, n);
		m->msg = (struct ev_str){ s + i, (uint32_t)(n - i) };
		return 1;
	}
	if (!used || (i + used < n && s[i + used] != ' '))
		return 0; /* no envelope we know */
	m->ts_us = ts;
	m->has_ts = 1;
	i = skip_spaces(s, i + used, n);
	size_t e = token_end(s, i, n);
	if (is_tag(s, i, e)) {
		/* No host: "<PRI>Mmm dd hh:mm:ss tag: msg" as some routers send. */
		m->tag = (struct ev_str){ s + i, (uint32_t)(e - i - 1) };
	} else {
		m->host = (struct ev_str){ s + i, (uint32_t)(e - i) };
		i = skip_spaces(s, e, n);
		e = token_end(s, i, n);
		if (!is_tag(s, i, e)) {
			m->msg = (struct ev_str){ s + i, (uint32_t)(n - i) };
			return 1;
		}
		m->tag = (struct ev_str){ s + i, (uint32_t)(e - i - 1) };
	}
	/* Drop a [pid] from the tag. */
	const char *br = memchr(m->tag.p, '[', m->tag.n);
	if (br)
		m->tag.n = (uint32_t)(br - m->tag.p);
	i = skip_spaces(s, e, n);
	m->msg = (struct ev_str){ s + i, (uint32_t)(n - i) };
	return 1;
}
