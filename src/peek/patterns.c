/* patterns.c - see patterns.h; the file format is in data/payloads. */
#include "patterns.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/datafile.h"
#include "../util/hex.h"
#include "../util/linefile.h"

enum { PAT_ITEMS = 8, PAT_BYTES = 128, PAT_PORTS = 16, PAT_MAX = 1024 };

struct item {
	unsigned char b[PAT_BYTES];
	size_t n;
	long at;   /* -1 anywhere */
	int nocase;
};

struct pattern {
	char name[48];
	int proto; /* 0 any */
	int ports[PAT_PORTS], nports; /* 0 ports: any */
	struct item items[PAT_ITEMS];
	int nitems;
};

struct patterns {
	struct pattern *v;
	int n;
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t k = strlen(s);
	while (k && isspace((unsigned char)s[k - 1]))
		s[--k] = '\0';
	return s;
}

static int parse_ports(struct pattern *p, char *s)
{
	char *proto = strtok(s, " \t"), *ports = strtok(NULL, " \t");
	if (!proto || !ports || strtok(NULL, " \t"))
		return -1;
	if (!strcmp(proto, "tcp"))
		p->proto = 6;
	else if (!strcmp(proto, "udp"))
		p->proto = 17;
	else if (strcmp(proto, "any"))
		return -1;
	if (!strcmp(ports, "any"))
		return 0;
	for (char *save = NULL, *t = strtok_r(ports, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(t, &end, 10);
		if (*end || v < 1 || v > 65535 || p->nports == PAT_PORTS)
			return -1;
		p->ports[p->nports++] = (int)v;
	}
	return 0;
}

/* The MATCH column: items as described in data/payloads. */
static int parse_items(struct pattern *p, const char *s, const char **why)
{
	while (*s) {
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (p->nitems == PAT_ITEMS) {
			*why = "too many items (at most 8)";
			return -1;
		}
		struct item *it = &p->items[p->nitems];
		memset(it, 0, sizeof *it);
		it->at = -1;
		if (*s == '@') {
			char *end;
			it->at = strtol(s + 1, &end, 10);
			if (end == s + 1 || it->at < 0 || it->at > 65535) {
				*why = "bad @offset";
				return -1;
			}
			s = end;
		}
		if (*s == 'i' && s[1] == '"') {
			it->nocase = 1;
			s++;
		}
		if (*s == '"') {
			const char *e = strchr(s + 1, '"');
			if (!e || e == s + 1 || (size_t)(e - s - 1) > PAT_BYTES) {
				*why = "unterminated, empty or too long \"text\"";
				return -1;
			}
			it->n = (size_t)(e - s - 1);
			memcpy(it->b, s + 1, it->n);
			s = e + 1;
		} else if (*s == '|') {
			s++;
			while (*s && *s != '|') {
				if (isspace((unsigned char)*s)) {
					s++;
					continue;
				}
				int hi = hex_digit((unsigned char)s[0]);
				int lo = hex_digit((unsigned char)s[1]);
				if (hi < 0 || lo < 0 || it->n == PAT_BYTES) {
					*why = "bad or too many hex bytes";
					return -1;
				}
				it->b[it->n++] = (unsigned char)(hi << 4 | lo);
				s += 2;
			}
			if (*s != '|' || !it->n) {
				*why = "unterminated or empty |hex|";
				return -1;
			}
			s++;
		} else {
			*why = "expected \"text\", i\"text\" or |hex|";
			return -1;
		}
		p->nitems++;
	}
	if (!p->nitems) {
		*why = "no items to match";
		return -1;
	}
	return 0;
}

/* One line of data/payloads: NAME | PROTO PORTS | MATCH | REFERENCES. */
static const char *parse_record(void *arg, char *line)
{
	struct patterns *ps = arg;
	char *s = trim(line);
	if (!*s || *s == '#')
		return NULL;
	char *cols[4];
	int nc = 0;
	for (char *c = s; nc < 4; nc++) {
		cols[nc] = c;
		/* '|' inside "text" or |hex| is not a separator: split on " | ". */
		char *bar = strstr(c, " | ");
		if (!bar) {
			nc++;
			break;
		}
		*bar = '\0';
		c = bar + 3;
	}
	if (nc != 4)
		return "want NAME | PROTO PORTS | MATCH | REFERENCES";
	if (ps->n == PAT_MAX)
		return "too many patterns";
	if (!(ps->n & (ps->n - 1)) || !ps->n) {
		struct pattern *nv = realloc(ps->v, sizeof *nv * (size_t)(ps->n ? ps->n * 2 : 16));
		if (!nv)
			return "out of memory";
		ps->v = nv;
	}
	struct pattern *p = &ps->v[ps->n];
	memset(p, 0, sizeof *p);
	char *name = trim(cols[0]);
	if (!*name || strlen(name) >= sizeof p->name || strpbrk(name, " \t,"))
		return "bad name (lower-case, no spaces or commas, under 48 bytes)";
	snprintf(p->name, sizeof p->name, "%s", name);
	if (parse_ports(p, trim(cols[1])))
		return "bad PROTO PORTS (want tcp|udp|any and 80,8080 or any)";
	const char *why = NULL;
	if (parse_items(p, trim(cols[2]), &why))
		return why;
	ps->n++;
	return NULL;
}

struct patterns *patterns_load(const char *path, char *err, size_t errlen)
{
	if (!path)
		path = patterns_default_path();
	if (!path) {
		snprintf(err, errlen, "payload patterns not found: set PORTLOG_PAYLOADS to data/payloads");
		return NULL;
	}
	struct patterns *ps = calloc(1, sizeof *ps);
	if (!ps) {
		snprintf(err, errlen, "%s:0: out of memory", path);
		return NULL;
	}
	if (linefile_each(path, "payload patterns", parse_record, ps, err, errlen)) {
		patterns_free(ps);
		return NULL;
	}
	return ps;
}

void patterns_free(struct patterns *ps)
{
	if (!ps)
		return;
	free(ps->v);
	free(ps);
}

int patterns_count(const struct patterns *ps)
{
	return ps ? ps->n : 0;
}

static int item_at(const struct item *it, const unsigned char *p)
{
	if (!it->nocase)
		return !memcmp(p, it->b, it->n);
	for (size_t i = 0; i < it->n; i++)
		if (tolower(p[i]) != tolower(it->b[i]))
			return 0;
	return 1;
}

static int item_matches(const struct item *it, const unsigned char *p, size_t n)
{
	if (it->n > n)
		return 0;
	if (it->at >= 0)
		return (size_t)it->at + it->n <= n && item_at(it, p + it->at);
	if (!it->nocase)
		return memmem(p, n, it->b, it->n) != NULL;
	for (size_t i = 0; i + it->n <= n; i++)
		if (item_at(it, p + i))
			return 1;
	return 0;
}

int patterns_match(const struct patterns *ps, const unsigned char *p, size_t n, int proto,
		   int port, char *out, size_t cap)
{
	int hits = 0;
	size_t o = 0;
	if (cap)
		out[0] = '\0';
	for (int i = 0; ps && i < ps->n; i++) {
		const struct pattern *pt = &ps->v[i];
		if (pt->proto && pt->proto != proto)
			continue;
		int port_ok = !pt->nports;
		for (int k = 0; k < pt->nports; k++)
			port_ok |= pt->ports[k] == port;
		if (!port_ok)
			continue;
		int all = 1;
		for (int k = 0; k < pt->nitems && all; k++)
			all = item_matches(&pt->items[k], p, n);
		if (!all)
			continue;
		hits++;
		int w = snprintf(out + o, cap > o ? cap - o : 0, "%s%s", o ? "," : "", pt->name);
		if (w > 0 && o + (size_t)w < cap)
			o += (size_t)w;
	}
	return hits;
}

const char *patterns_default_path(void)
{
	static char path[PATH_MAX + 64];
	const char *env = getenv("PORTLOG_PAYLOADS");
	if (env && *env)
		return env;
	env = getenv("PORTLOG_DATA");
	if (env && *env) {
		snprintf(path, sizeof path, "%s/payloads", env);
		return path;
	}
	char dir[PATH_MAX];
	if (!datafile_dir("payloads", dir, sizeof dir))
		return NULL;
	snprintf(path, sizeof path, "%s/payloads", dir);
	return path;
}
