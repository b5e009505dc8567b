/* osfp.c - see osfp.h. */
#include "osfp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/hex.h"
#include "../util/linefile.h"

static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static const char *parse_window(struct os_sig *g, char *f)
{
	long v;
	if (!strcmp(f, "*"))
		return NULL;
	if (!strncasecmp(f, "mss*", 4)) {
		if (parse_num(f + 4, 1, 1000, &v))
			return "window mss*N wants N 1-1000";
		g->win_mss = (int)v;
		return NULL;
	}
	if (f[0] == '%') {
		if (parse_num(f + 1, 2, 65535, &v))
			return "window %N wants N 2-65535";
		g->win_mod = (int)v;
		return NULL;
	}
	char *save = NULL;
	for (char *t = strtok_r(f, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (g->nwin == OSFP_MAX_WIN)
			return "at most 8 windows";
		if (parse_num(t, 0, 65535, &v))
			return "window must be *, mss*N, %N or numbers like 1024,2048";
		g->win[g->nwin++] = (unsigned)v;
	}
	return NULL;
}

static const char *parse_opts(struct os_sig *g, char *f)
{
	if (!strcmp(f, "*")) {
		g->opts_any = 1;
		return NULL;
	}
	if (!strcmp(f, "."))
		return NULL;
	char *save = NULL;
	for (char *t = strtok_r(f, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (g->nopts == OSFP_MAX_OPTS)
			return "at most 16 options";
		char c = (char)(t[0] & ~0x20);
		if (!strchr("MNWSTE", c) || !c)
			return "options are M N W S T E (MSS, NOP, window scale, SACK, timestamp, EOL)";
		long v = -1;
		if (t[1] && strcmp(t + 1, "*")) {
			if ((c != 'M' && c != 'W') || parse_num(t + 1, 0, 65535, &v))
				return "only M and W take a value (M1460, W7, or M* for any)";
		}
		g->opt[g->nopts] = c;
		g->optval[g->nopts++] = (int)v;
	}
	return NULL;
}

const char *osfp_parse_line(struct osfp *t, char *line)
{
	char *bar = strchr(line, '|');
	if (!bar)
		return "want: WINDOW TTL DF TCPHDR OPTIONS | NAME";
	*bar = '\0';
	char *name = bar + 1;
	char *f[5];
	int nf = linefile_fields(line, f, 5);
	if (nf > 5)
		return "too many fields before '|'";
	if (nf != 5)
		return "want 5 fields before '|': WINDOW TTL DF TCPHDR OPTIONS";
	struct os_sig g;
	memset(&g, 0, sizeof g);
	const char *why = parse_window(&g, f[0]);
	if (why)
		return why;
	long v;
	if (parse_num(f[1], 1, 255, &v) || (v != 32 && v != 64 && v != 128 && v != 255))
		return "TTL is the initial one: 32, 64, 128 or 255";
	g.ttl = (int)v;
	if (!strcmp(f[2], "*"))
		g.df = -1;
	else if (!strcmp(f[2], "0") || !strcmp(f[2], "1"))
		g.df = f[2][0] - '0';
	else
		return "DF is 0, 1 or *";
	if (!strcmp(f[3], "*"))
		g.hdr = -1;
	else if (parse_num(f[3], 20, 60, &v))
		return "TCPHDR is 20-60 bytes or *";
	else
		g.hdr = (int)v;
	if ((why = parse_opts(&g, f[4])))
		return why;
	while (*name == ' ' || *name == '\t')
		name++;
	size_t n = strcspn(name, "\r\n");
	while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	if (!n)
		return "a signature needs a name";
	if (n >= sizeof g.name)
		n = sizeof g.name - 1;
	memcpy(g.name, name, n);
	g.name[n] = '\0';
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 32;
		struct os_sig *nv = realloc(t->v, (size_t)cap * sizeof *nv);
		if (!nv)
			return "out of memory";
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n++] = g;
	return NULL;
}

static const char *parse_record(void *t, char *line)
{
	return osfp_parse_line(t, line);
}

int osfp_load(struct osfp *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	if (linefile_each(path, "OS signatures", parse_record, t, err, errlen)) {
		osfp_free(t);
		return -1;
	}
	return 0;
}

void osfp_free(struct osfp *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* The logged option bytes ("020405B40103030801010402", hex) as letters and
 * values; -1 when they do not decode (a cut or odd log). */
struct syn_opts {
	int n;
	char opt[OSFP_MAX_OPTS];
	int val[OSFP_MAX_OPTS];
	int mss;
};

static int decode_opts(const struct ev_str *s, struct syn_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mss = -1;
	uint8_t b[40];
	size_t nb = 0;
	for (uint32_t i = 0; i < s->n;) {
		if (s->p[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= s->n || nb == sizeof b)
			return -1;
		int hi = hex_digit(s->p[i]), lo = hex_digit(s->p[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		b[nb++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	for (size_t i = 0; i < nb;) {
		if (o->n == OSFP_MAX_OPTS)
			return -1;
		uint8_t kind = b[i];
		if (kind == 0 || kind == 1) {
			o->opt[o->n] = kind ? 'N' : 'E';
			o->val[o->n++] = -1;
			i++;
			continue;
		}
		if (i + 1 >= nb || b[i + 1] < 2 || i + b[i + 1] > nb)
			return -1;
		size_t len = b[i + 1];
		int val = -1;
		char c;
		switch (kind) {
		case 2:
			c = 'M';
			if (len == 4)
				val = o->mss = b[i + 2] << 8 | b[i + 3];
			break;
		case 3:
			c = 'W';
			if (len == 3)
				val = b[i + 2];
			break;
		case 4: c = 'S'; break;
		case 8: c = 'T'; break;
		default: c = '?'; break;
		}
		o->opt[o->n] = c;
		o->val[o->n++] = val;
		i += len;
	}
	return 0;
}

static int initial_ttl(int ttl)
{
	return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

static int window_ok(const struct os_sig *g, unsigned win, int mss)
{
	if (g->nwin) {
		for (int i = 0; i < g->nwin; i++)
			if (g->win[i] == win)
				return 1;
		return 0;
	}
	if (g->win_mss)
		return mss > 0 && win == (unsigned)(g->win_mss * mss);
	if (g->win_mod)
		return win % (unsigned)g->win_mod == 0;
	return 1;
}

static int opts_ok(const struct os_sig *g, const struct syn_opts *o)
{
	if (g->opts_any)
		return 1;
	if (g->nopts != o->n)
		return 0;
	for (int i = 0; i < o->n; i++)
		if (g->opt[i] != o->opt[i] || (g->optval[i] >= 0 && g->optval[i] != o->val[i]))
			return 0;
	return 1;
}

int osfp_match(const struct osfp *t, const struct event *ev)
{
	if (!t || !t->n || !(ev->has & EV_HAS_TTL) || !(ev->has & EV_HAS_WINDOW))
		return -1;
	int ttl0 = initial_ttl(ev->ttl);
	int df = -1; /* unknown: IPv6 has no DF bit, and some formats do not log it */
	if (ev->src.family == 4 && (ev->has & EV_HAS_IP_FLAGS))
		df = ev->ip_flags & EV_IP_DF ? 1 : 0;
	int hdr = -1; /* the TCP header: the SYN carries no data */
	if ((ev->has & EV_HAS_LEN) && !ev->ip_opts) {
		long h = (long)ev->len - (ev->src.family == 6 ? 40 : 20);
		if (h >= 20 && h <= 60)
			hdr = (int)h;
	}
	struct syn_opts o;
	int have_opts = ev->tcp_opts.n > 0 && decode_opts(&ev->tcp_opts, &o) == 0;
	if (!have_opts) {
		memset(&o, 0, sizeof o);
		o.mss = -1;
	}
	for (int i = 0; i < t->n; i++) {
		const struct os_sig *g = &t->v[i];
		if (g->ttl != ttl0 || (g->df >= 0 && df >= 0 && g->df != df))
			continue;
		if (g->hdr >= 0 && hdr >= 0 && g->hdr != hdr)
			continue;
		if (g->hdr >= 0 && hdr < 0 && !have_opts)
			continue; /* neither length nor options to go by */
		/* Options are logged only with --log-tcp-options; without them the
		 * header length stands in for the layout. */
		if (have_opts ? !opts_ok(g, &o) : (g->nopts && hdr < 0))
			continue;
		if (!window_ok(g, ev->window, o.mss))
			continue;
		return i;
	}
	return -1;
}
