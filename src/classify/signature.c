/* signature.c - see signature.h. */
#include "signature.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/datafile.h"
#include "../util/linefile.h"

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static void trim_copy(char *dst, size_t n, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		       s[len - 1] == '\r'))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int add(struct sigset *s, const struct signature *g)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 32;
		struct signature *v = realloc(s->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *g;
	return 0;
}

/* "tcp 23,2323 in SYN 3 3 | name | refs": one signature per port item. */
static const char *parse_line(struct sigset *s, char *line)
{
	char *bar = strchr(line, '|');
	if (!bar)
		return "want: PROTO PORTS DIR FLAGS MIN DANGER | NAME | REFERENCES";
	*bar = '\0';
	char *name = bar + 1, *refs = strchr(name, '|');
	if (refs)
		*refs++ = '\0';
	char *f[6];
	int nf = linefile_fields(line, f, 6);
	if (nf > 6)
		return "too many fields before '|'";
	if (nf != 6)
		return "want 6 fields before '|': PROTO PORTS DIR FLAGS MIN DANGER";
	struct signature g;
	memset(&g, 0, sizeof g);
	if (!strcasecmp(f[0], "any"))
		g.proto = -1;
	else if ((g.proto = ev_proto_parse(f[0])) < 0)
		return "unknown protocol";
	if (!strcasecmp(f[2], "in"))
		g.dir = SIG_IN;
	else if (!strcasecmp(f[2], "out"))
		g.dir = SIG_OUT;
	else if (!strcasecmp(f[2], "any"))
		g.dir = SIG_ANY;
	else
		return "direction must be in, out or any";
	/* FLAGS: SYN or any, then "+payload>N" and "+spa" if wanted */
	char *save3 = NULL;
	for (char *t = strtok_r(f[3], "+", &save3); t; t = strtok_r(NULL, "+", &save3)) {
		if (!strcasecmp(t, "SYN"))
			g.syn_only = 1;
		else if (!strcasecmp(t, "spa"))
			g.spa = 1;
		else if (!strncasecmp(t, "payload>", 8)) {
			if (parse_int(t + 8, 0, 65535, &g.min_payload))
				return "payload>N wants N 0-65535";
		} else if (strcasecmp(t, "any"))
			return "flags must be SYN or any, optionally +payload>N and +spa";
	}
	if (parse_int(f[4], 1, 1000000, &g.min))
		return "min must be a count of packets";
	if (parse_int(f[5], 1, 5, &g.danger))
		return "danger must be 1-5";
	trim_copy(g.name, sizeof g.name, name);
	trim_copy(g.refs, sizeof g.refs, refs ? refs : "");
	if (!g.name[0])
		return "a signature needs a name";
	char *save2 = NULL;
	for (char *item = strtok_r(f[1], ",", &save2); item; item = strtok_r(NULL, ",", &save2)) {
		char *dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		if (parse_int(item, 0, 65535, &g.lo) ||
		    parse_int(dash ? dash + 1 : item, 0, 65535, &g.hi) || g.hi < g.lo)
			return "ports must be like 23,2323 or 6660-6669";
		if (add(s, &g))
			return "out of memory";
	}
	return NULL;
}

static const char *parse_record(void *s, char *line)
{
	return parse_line(s, line);
}

/* The classes of keys: by protocol, as sigset_match tells them apart. */
enum { KC_TCP, KC_UDP, KC_ICMP, KC_ICMPV6, KC_OTHER, KC_N, KEYS = 65536 };

static int key_class(int proto)
{
	return proto == EV_PROTO_TCP ? KC_TCP : proto == EV_PROTO_UDP ? KC_UDP
		: proto == EV_PROTO_ICMP ? KC_ICMP : proto == EV_PROTO_ICMPV6 ? KC_ICMPV6
		: KC_OTHER;
}

/* s->keys from s->v; left NULL (every match walks) without memory. */
static void build_keys(struct sigset *s)
{
	uint64_t *k = calloc((size_t)KC_N * KEYS / 64, sizeof *k);
	if (!k)
		return;
	for (int i = 0; i < s->n; i++) {
		const struct signature *g = &s->v[i];
		int lo = g->lo < 0 ? 0 : g->lo, hi = g->hi > KEYS - 1 ? KEYS - 1 : g->hi;
		for (int c = 0; c < KC_N; c++) {
			if (g->proto >= 0 && key_class(g->proto) != c)
				continue;
			for (int key = lo; key <= hi; key++)
				k[(size_t)c * (KEYS / 64) + (size_t)key / 64] |= 1ull << (key % 64);
		}
	}
	s->keys = k;
	if (s->n > 64)
		return;
	size_t n = 0;
	for (size_t w = 0; w < (size_t)KC_N * KEYS / 64; w++)
		n += (size_t)__builtin_popcountll(k[w]);
	struct sig_cover *cv = malloc((n ? n : 1) * sizeof *cv);
	if (!cv)
		return;
	size_t m = 0;
	for (size_t w = 0; w < (size_t)KC_N * KEYS / 64; w++)
		for (uint64_t bits = k[w]; bits; bits &= bits - 1) {
			uint32_t at = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			int c = (int)(at / KEYS), key = (int)(at % KEYS);
			uint64_t sigs = 0;
			for (int i = 0; i < s->n; i++) {
				const struct signature *g = &s->v[i];
				if ((g->proto < 0 || key_class(g->proto) == c) && key >= g->lo &&
				    key <= g->hi)
					sigs |= 1ull << i;
			}
			cv[m++] = (struct sig_cover){ at, sigs }; /* ascending: w, then bit */
		}
	s->cover = cv;
	s->ncover = (int)m;
}

/* The signatures that could match key at of class c's, as build_keys listed them. */
static uint64_t cover_of(const struct sigset *s, uint32_t at)
{
	int lo = 0, hi = s->ncover;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (s->cover[mid].key < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ncover && s->cover[lo].key == at ? s->cover[lo].sigs : 0;
}

int sigset_load(struct sigset *s, const char *path, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (linefile_each(path, "signatures", parse_record, s, err, errlen)) {
		sigset_free(s);
		return -1;
	}
	snprintf(s->path, sizeof s->path, "%s", path);
	/* The OS guesses live beside it (osfp.h). */
	char os_path[sizeof s->path + 16];
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(os_path, sizeof os_path, "%.*s/os_signatures", (int)(slash - path), path);
	else
		snprintf(os_path, sizeof os_path, "os_signatures");
	if (access(os_path, R_OK) == 0 && osfp_load(&s->os, os_path, err, errlen)) {
		sigset_free(s);
		return -1;
	}
	build_keys(s);
	return 0;
}

void sigset_free(struct sigset *s)
{
	free(s->v);
	s->v = NULL;
	free(s->keys);
	s->keys = NULL;
	free(s->cover);
	s->cover = NULL;
	s->ncover = 0;
	s->n = s->cap = 0;
	osfp_free(&s->os);
}

/* Bytes after the IP and UDP/TCP headers, from the logged IP length; -1 unknown. */
static long payload_of(const struct event *ev)
{
	if (!(ev->has & EV_HAS_LEN) || ev->ip_opts)
		return -1;
	long l4 = ev->proto == EV_PROTO_UDP ? 8 : 20;
	long p = (long)ev->len - (ev->src.family == 6 ? 40 : 20) - l4;
	return p < 0 ? -1 : p;
}

const char *sigset_default_path(void)
{
	static char path[PATH_MAX + 64];
	const char *env = getenv("PORTLOG_SIGNATURES");
	if (env && *env)
		return env;
	env = getenv("PORTLOG_DATA");
	if (env && *env) {
		snprintf(path, sizeof path, "%s/signatures", env);
		if (access(path, R_OK) == 0)
			return path;
	}
	char dir[PATH_MAX];
	if (!datafile_dir("signatures", dir, sizeof dir))
		return NULL;
	snprintf(path, sizeof path, "%s/signatures", dir);
	return path;
}

int sigset_match(const struct sigset *s, const struct event *ev)
{
	if (!(ev->has & EV_HAS_PROTO))
		return -1;
	int icmp = ev->proto == EV_PROTO_ICMP || ev->proto == EV_PROTO_ICMPV6;
	int key;
	if (icmp && (ev->has & EV_HAS_ICMP))
		key = ev->icmp_type;
	else if (ev->has & EV_HAS_DPORT)
		key = ev->dport;
	else
		return -1;
	/* Every signature may match, unless the key tables say otherwise. */
	uint64_t maybe = ~0ull;
	if (s->keys && key >= 0 && key < KEYS) {
		size_t bit = (size_t)key_class(ev->proto) * KEYS + (size_t)key;
		if (!(s->keys[bit / 64] >> (bit % 64) & 1))
			return -1;
		if (s->cover)
			maybe = cover_of(s, (uint32_t)bit);
	}
	int out = ev->direction == EV_DIR_OUTBOUND;
	int best = -1;
	for (int i = 0; i < s->n; i++) {
		if (i < 64 && !(maybe >> i & 1)) {
			if (!(maybe >> i)) /* none left */
				break;
			continue;
		}
		const struct signature *g = &s->v[i];
		if (g->proto >= 0 && g->proto != ev->proto)
			continue;
		if (key < g->lo || key > g->hi)
			continue;
		if ((g->dir == SIG_IN && out) || (g->dir == SIG_OUT && !out))
			continue;
		if (g->syn_only && (!(ev->has & EV_HAS_TCP_FLAGS) ||
				    (ev->tcp_flags & (EV_TCP_SYN | EV_TCP_ACK)) != EV_TCP_SYN))
			continue;
		if (g->min_payload && payload_of(ev) <= g->min_payload)
			continue;
		if (best < 0 || g->danger > s->v[best].danger)
			best = i;
	}
	return best;
}
