/* recog_text.c - line-oriented protocols: SSH identification (RFC 4253
 * 4.2), HTTP requests (RFC 9112 3), SIP requests (RFC 3261 7.1), Redis
 * (RESP arrays and inline commands), Telnet option negotiation (RFC 854,
 * 855) and, last, any other line of text. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "recog.h"

/* Length of the first line (without CR LF or LF), bounded by n. */
static size_t line_len(const unsigned char *p, size_t n)
{
	const unsigned char *nl = memchr(p, '\n', n);
	size_t k = nl ? (size_t)(nl - p) : n;
	if (k && p[k - 1] == '\r')
		k--;
	return k;
}

/* The start of the line after the one at p, or NULL. */
static const unsigned char *next_line(const unsigned char *p, size_t n, size_t *left)
{
	const unsigned char *nl = memchr(p, '\n', n);
	if (!nl)
		return NULL;
	*left = n - (size_t)(nl + 1 - p);
	return nl + 1;
}

int recog_ssh(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 8 || memcmp(p, "SSH-", 4))
		return 0;
	size_t k = line_len(p, n);
	if (k > 255) /* RFC 4253 4.2: at most 255 characters with CR LF */
		k = 255;
	const unsigned char *dash = memchr(p + 4, '-', k - 4);
	if (!dash)
		return 0;
	recog_kind(r, "ssh");
	recog_add_bytes(r, "protocol", p + 4, (size_t)(dash - p - 4));
	const unsigned char *sw = dash + 1, *end = p + k;
	const unsigned char *sp = memchr(sw, ' ', (size_t)(end - sw));
	recog_add_bytes(r, "software", sw, (size_t)((sp ? sp : end) - sw));
	if (sp)
		recog_add_bytes(r, "comments", sp + 1, (size_t)(end - sp - 1));
	return 1;
}

/* A request line "TOKEN SP target SP proto/x.y": 1 and the parts, or 0. */
static int request_line(const unsigned char *p, size_t k, const char *proto, size_t *mlen,
			const unsigned char **target, size_t *tlen)
{
	const unsigned char *sp1 = memchr(p, ' ', k);
	if (!sp1 || sp1 == p || sp1 - p > 32)
		return 0;
	for (const unsigned char *c = p; c < sp1; c++)
		if (!isupper(*c) && *c != '-' && *c != '_')
			return 0;
	const unsigned char *t = sp1 + 1, *end = p + k;
	const unsigned char *sp2 = NULL;
	for (const unsigned char *c = end; c > t; c--)
		if (c[-1] == ' ') {
			sp2 = c - 1;
			break;
		}
	size_t pl = strlen(proto);
	if (!sp2 || (size_t)(end - sp2 - 1) < pl || memcmp(sp2 + 1, proto, pl))
		return 0;
	*mlen = (size_t)(sp1 - p);
	*target = t;
	*tlen = (size_t)(sp2 - t);
	return 1;
}

/* Header values named in want[] (case-insensitive names) as fields. */
static void headers(struct recog *r, const unsigned char *p, size_t n,
		    const char *const want[][2], size_t nwant)
{
	size_t left = n;
	const unsigned char *l = next_line(p, n, &left);
	for (int lines = 0; l && lines < 64; lines++) {
		size_t k = line_len(l, left);
		if (!k)
			break;
		const unsigned char *colon = memchr(l, ':', k);
		if (colon)
			for (size_t i = 0; i < nwant; i++) {
				size_t wl = strlen(want[i][0]);
				if ((size_t)(colon - l) == wl && !strncasecmp((const char *)l, want[i][0], wl)) {
					const unsigned char *v = colon + 1;
					while (v < l + k && (*v == ' ' || *v == '\t'))
						v++;
					recog_add_bytes(r, want[i][1], v, (size_t)(l + k - v));
				}
			}
		l = next_line(l, left, &left);
	}
}

int recog_http(const unsigned char *p, size_t n, struct recog *r)
{
	size_t k = line_len(p, n), ml, tl;
	const unsigned char *target;
	if (!request_line(p, k, "HTTP/", &ml, &target, &tl) &&
	    !request_line(p, k, "RTSP/", &ml, &target, &tl))
		return 0;
	int rtsp = target[tl + 1] == 'R'; /* the version after the target */
	recog_kind(r, rtsp ? "rtsp" : "http");
	recog_add_bytes(r, "method", p, ml);
	recog_add_bytes(r, "path", target, tl);
	recog_add_bytes(r, "version", target + tl + 1, (size_t)(p + k - target - tl - 1));
	static const char *const want[][2] = {
		{ "Host", "host" }, { "User-Agent", "user_agent" }, { "Content-Length", "content_length" },
		{ "Upgrade", "upgrade" },
	};
	headers(r, p, n, want, sizeof want / sizeof want[0]);
	return 1;
}

int recog_sip(const unsigned char *p, size_t n, struct recog *r)
{
	size_t k = line_len(p, n), ml, tl;
	const unsigned char *target;
	if (!request_line(p, k, "SIP/2.0", &ml, &target, &tl))
		return 0;
	recog_kind(r, "sip");
	recog_add_bytes(r, "method", p, ml);
	recog_add_bytes(r, "uri", target, tl);
	static const char *const want[][2] = {
		{ "From", "from" }, { "To", "to" }, { "User-Agent", "user_agent" }, { "f", "from" },
		{ "t", "to" },
	};
	headers(r, p, n, want, sizeof want / sizeof want[0]);
	return 1;
}

static int is_redis_command(const unsigned char *s, size_t k)
{
	static const char *const cmds[] = {
		"PING", "INFO", "CONFIG", "SET", "GET", "KEYS", "SLAVEOF", "REPLICAOF", "MODULE",
		"EVAL", "FLUSHALL", "AUTH", "CLIENT", "COMMAND", "SAVE", "DBSIZE", "QUIT", "HELLO",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strlen(cmds[i]) == k && !strncasecmp((const char *)s, cmds[i], k))
			return 1;
	return 0;
}

int recog_redis(const unsigned char *p, size_t n, struct recog *r)
{
	if (p[0] == '*') {
		/* RESP: *N CRLF $len CRLF word CRLF ... */
		size_t k = line_len(p, n), left;
		if (k < 2 || k > 6)
			return 0;
		for (size_t i = 1; i < k; i++)
			if (!isdigit(p[i]))
				return 0;
		const unsigned char *l = next_line(p, n, &left);
		if (!l || !left || l[0] != '$')
			return 0;
		const unsigned char *w = next_line(l, left, &left);
		if (!w)
			return 0;
		size_t wl = line_len(w, left);
		recog_kind(r, "redis");
		recog_add_bytes(r, "command", w, wl);
		/* The second word says what CONFIG or CLIENT was asked to do. */
		const unsigned char *l2 = next_line(w, left, &left);
		if (l2 && left && l2[0] == '$' && (l2 = next_line(l2, left, &left)))
			recog_add_bytes(r, "argument", l2, line_len(l2, left));
		return 1;
	}
	size_t k = line_len(p, n);
	const unsigned char *sp = memchr(p, ' ', k);
	size_t wl = sp ? (size_t)(sp - p) : k;
	if (!is_redis_command(p, wl) || k == n)
		return 0;
	/* Inline commands look like any text; only a few exact words count. */
	if (wl == 3 && !sp)
		return 0;
	recog_kind(r, "redis-inline");
	recog_add_bytes(r, "command", p, k);
	return 1;
}

int recog_telnet(const unsigned char *p, size_t n, struct recog *r)
{
	/* IAC (255) then WILL/WONT/DO/DONT (251-254) and an option byte. */
	if (n < 3 || p[0] != 255 || p[1] < 251 || p[1] > 254)
		return 0;
	recog_kind(r, "telnet");
	static const char *const verbs[] = { "WILL", "WONT", "DO", "DONT" };
	size_t i = 0, count = 0;
	while (i + 2 < n + 0 && p[i] == 255 && count < 32) {
		unsigned cmd = p[i + 1];
		if (cmd >= 251 && cmd <= 254) {
			char item[24];
			snprintf(item, sizeof item, "%s %u", verbs[cmd - 251], p[i + 2]);
			recog_append(r, "options", item);
			i += 3;
		} else if (cmd == 250) { /* subnegotiation: up to IAC SE */
			size_t j = i + 2;
			while (j + 1 < n && !(p[j] == 255 && p[j + 1] == 240))
				j++;
			char item[24];
			snprintf(item, sizeof item, "SB %u", p[i + 2]);
			recog_append(r, "options", item);
			i = j + 2;
		} else {
			i += 2;
		}
		count++;
	}
	if (i < n)
		recog_add_bytes(r, "then", p + i, line_len(p + i, n - i));
	return 1;
}

int recog_text(const unsigned char *p, size_t n, struct recog *r)
{
	size_t k = line_len(p, n);
	if (!k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return 0;
	recog_kind(r, "text");
	recog_add_bytes(r, "first_line", p, k);
	return 1;
}
