/* timearg.c - see timearg.h. */
#include "timearg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../parse/parse.h"

/* The instants a time argument may name (timearg.h): 1970 through 9999.
 * The store's hour and event-id arithmetic is only defined within them. */
static const int64_t LATEST_US = 253402300799999999LL; /* 9999-12-31T23:59:59.999999Z */

/* Any of the forms, whatever instant it names. */
static int parse_any(const char *s, int64_t now_us, int64_t *us)
{
	if (!strcmp(s, "now")) {
		*us = now_us;
		return 0;
	}
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		/* seconds whose microseconds an int64_t cannot hold are refused */
		if (end == s + 1 || *end || errno || v > INT64_MAX / 1000000 ||
		    v < INT64_MIN / 1000000)
			return -1;
		*us = (int64_t)v * 1000000;
		return 0;
	}
	size_t n = strlen(s);
	if (n >= 2 && n < 12 && strspn(s, "0123456789") == n - 1) {
		int64_t unit;
		switch (s[n - 1]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -1;
		}
		int64_t ago;
		if (__builtin_mul_overflow(atoll(s), unit * 1000000, &ago) ||
		    __builtin_sub_overflow(now_us, ago, us))
			return -1; /* further back than an int64_t of microseconds */
		return 0;
	}
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		char buf[32];
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		return parse_rfc3339(buf, strlen(buf), us) == strlen(buf) ? 0 : -1;
	}
	if (n == 16 && s[4] == '-' && (s[10] == 'T' || s[10] == ' ')) { /* no seconds */
		char buf[32];
		snprintf(buf, sizeof buf, "%s:00", s);
		return parse_rfc3339(buf, strlen(buf), us) == strlen(buf) ? 0 : -1;
	}
	return parse_rfc3339(s, n, us) == n && n >= 19 ? 0 : -1;
}

int timearg_parse(const char *s, int64_t now_us, int64_t *us)
{
	int64_t v;
	if (parse_any(s, now_us, &v) || v < 0 || v > LATEST_US)
		return -1;
	*us = v;
	return 0;
}

char *fmt_utc(int64_t us, char *buf, int with_us)
{
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
	if (with_us)
		snprintf(buf + n, 32 - n, ".%06lld", (long long)(us - secs * 1000000));
	return buf;
}

char *fmt_iso(int64_t us, char *buf)
{
	fmt_utc(us, buf, 1);
	buf[10] = 'T';
	strcat(buf, "Z");
	return buf;
}
