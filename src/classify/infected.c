/* infected.c - inside hosts that behave like worms or bots (see detect.h).
 *
 * Fed outbound events only.  State per (inside host, protocol, port): the
 * distinct outside hosts it reached.  A worm spreads by trying many hosts on
 * one port quickly, so infected_hosts new hosts within infected_window_us
 * make a "worm" finding.  Reaching a port that data/signatures marks as an
 * outbound command channel (IRC 6667, ...) often enough makes a "botnet"
 * finding.  A state ends after an hour without events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "detect_priv.h"

enum { IDLE_US = 3600 * 1000000LL, MAX_STATES = 1 << 16, INF_HSET_MAX = 1 << 16 };

struct inf {
	struct ev_addr src;
	int proto, port;
	int64_t first_us, last_us, win_start;
	uint64_t packets;
	uint32_t win_hosts, peak_hosts;
	struct hset dsts;
	int sig, sig_hits;
	int reported; /* 0 no, 1 worm, 2 botnet */
	int used;
};

struct infected_det {
	const struct detect_conf *c;
	struct emit *e;
	struct inf *v;
	/* last[i] is v[i].last_us, INT64_MAX for a free slot: the sweeps,
	 * every ten minutes of log time, walk these 8 bytes a slot instead of
	 * the states themselves. */
	int64_t *last;
	size_t cap, n;
	int64_t now_us, last_sweep_us;
	int64_t oldest_us; /* no state was last seen before this (a lower bound) */
};

struct infected_det *infected_new(const struct detect_conf *c, struct emit *e)
{
	struct infected_det *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->c = c;
	s->e = e;
	s->oldest_us = INT64_MIN;
	s->cap = 256;
	s->v = calloc(s->cap, sizeof *s->v);
	s->last = malloc(s->cap * sizeof *s->last);
	if (!s->v || !s->last) {
		free(s->v);
		free(s->last);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < s->cap; i++)
		s->last[i] = INT64_MAX;
	return s;
}

static size_t idx_of(const struct infected_det *s, const struct ev_addr *a, int proto, int port)
{
	uint64_t h = hash_bytes(a->bytes, 16, (uint64_t)a->family << 32 | (uint64_t)proto << 17 |
						      (uint64_t)(port + 1));
	return h & (s->cap - 1);
}

static void report(struct infected_det *s, struct inf *x, int what)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_INFECTED;
	f.src = x->src;
	char a[EV_ADDR_STRLEN], pp[16];
	ev_addr_str(&x->src, a, sizeof a);
	port_proto_str(x->port, x->proto, pp, sizeof pp);
	snprintf(f.subject, sizeof f.subject, "%s %s", a, pp);
	f.first_us = x->first_us;
	f.last_us = x->last_us;
	f.proto = x->proto;
	f.port_lo = f.port_hi = x->port;
	if (x->port >= 0) {
		f.nports = 1;
		snprintf(f.ports, sizeof f.ports, "%d", x->port);
	}
	f.nhosts = x->dsts.n;
	f.packets = x->packets;
	snprintf(f.probe, sizeof f.probe, "%s",
		 x->proto == EV_PROTO_TCP ? "SYN" : x->proto == EV_PROTO_UDP ? "UDP" : "");
	const struct signature *g =
		x->sig >= 0 && s->c->sigs && x->sig < s->c->sigs->n ? &s->c->sigs->v[x->sig] : NULL;
	if (g) {
		snprintf(f.signature, sizeof f.signature, "%s", g->name);
		snprintf(f.refs, sizeof f.refs, "%s", g->refs);
	}
	int mins = (int)(s->c->infected_window_us / 60000000LL);
	if (what == 1) {
		snprintf(f.shape, sizeof f.shape, "worm");
		f.danger = x->peak_hosts >= 200 ? 5 : 4;
		snprintf(f.summary, sizeof f.summary,
			 "possible worm infection on %s: %u hosts on %s in %d min (%u in all)%s%s", a,
			 x->peak_hosts, pp, mins, x->dsts.n, g ? "; " : "", g ? g->name : "");
	} else {
		snprintf(f.shape, sizeof f.shape, "botnet");
		f.danger = g ? (g->danger > 3 ? g->danger : 3) : 3;
		snprintf(f.summary, sizeof f.summary,
			 "possible bot on %s: %llu packets to %u hosts on %s (%s)", a,
			 (unsigned long long)x->packets, x->dsts.n, pp, g ? g->name : "command channel");
	}
	x->reported = what;
	emit(s->e, &f);
}

static void check(struct infected_det *s, struct inf *x)
{
	if ((int)x->peak_hosts >= s->c->infected_hosts) {
		report(s, x, 1);
		return;
	}
	const struct signature *g =
		x->sig >= 0 && s->c->sigs && x->sig < s->c->sigs->n ? &s->c->sigs->v[x->sig] : NULL;
	if (g && g->dir == SIG_OUT && x->sig_hits >= g->min && !x->reported)
		report(s, x, 2);
}

static void retire(struct infected_det *s, struct inf *x)
{
	if (x->reported)
		report(s, x, x->reported);
	hset_free(&x->dsts);
}

/* Free slot i of the table: later members of its cluster move back so every
 * state stays reachable from its home slot (no tombstones, no new table). */
static void remove_at(struct infected_det *s, size_t i)
{
	size_t mask = s->cap - 1;
	for (size_t j = (i + 1) & mask; s->v[j].used; j = (j + 1) & mask) {
		size_t home = idx_of(s, &s->v[j].src, s->v[j].proto, s->v[j].port);
		/* j may fill the hole unless its home lies cyclically in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			s->v[i] = s->v[j];
			s->last[i] = s->last[j];
			i = j;
		}
	}
	memset(&s->v[i], 0, sizeof s->v[i]);
	s->last[i] = INT64_MAX;
	s->n--;
}

/* Retire the states idle since before keep_after, in place.  The walk starts
 * at an empty slot, so a hole is only ever filled from slots not yet seen. */
static void sweep(struct infected_det *s, int64_t keep_after)
{
	if (keep_after <= s->oldest_us)
		return; /* nothing can have expired: skip the walk */
	int64_t oldest = INT64_MAX;
	size_t mask = s->cap - 1, start = 0;
	while (start < s->cap && s->v[start].used)
		start++;
	for (size_t k = 1; k <= s->cap; k++) {
		size_t i = (start + k) & mask;
		while (s->last[i] < keep_after) { /* so the slot is in use */
			retire(s, &s->v[i]);
			remove_at(s, i);
		}
		if (s->last[i] < oldest)
			oldest = s->last[i];
	}
	s->oldest_us = oldest; /* states only get newer; new ones start at now */
}

/* A table twice as big; states idle since before keep_after retire. */
static void grow(struct infected_det *s, int64_t keep_after)
{
	size_t cap = s->cap * 2;
	struct inf *nv = calloc(cap, sizeof *nv);
	int64_t *nl = nv ? malloc(cap * sizeof *nl) : NULL;
	if (!nl) {
		free(nv);
		sweep(s, keep_after);
		return;
	}
	for (size_t i = 0; i < cap; i++)
		nl[i] = INT64_MAX;
	free(s->last);
	s->last = nl;
	struct inf *old = s->v;
	size_t ocap = s->cap;
	s->v = nv;
	s->cap = cap;
	s->n = 0;
	for (size_t i = 0; i < ocap; i++) {
		struct inf *x = &old[i];
		if (!x->used)
			continue;
		if (x->last_us < keep_after) {
			retire(s, x);
			continue;
		}
		size_t j = idx_of(s, &x->src, x->proto, x->port);
		while (nv[j].used)
			j = (j + 1) & (cap - 1);
		nv[j] = *x;
		nl[j] = x->last_us;
		s->n++;
	}
	free(old);
}

void infected_feed(struct infected_det *s, const struct event *ev)
{
	if (!ev->dst.family || addr_is_multicast(&ev->dst))
		return;
	if (ev->ts_us > s->now_us)
		s->now_us = ev->ts_us;
	if (s->now_us - s->last_sweep_us >= 600 * 1000000LL) {
		if (s->last_sweep_us)
			sweep(s, s->now_us - IDLE_US);
		s->last_sweep_us = s->now_us;
	}
	if ((s->n + 1) * 2 > s->cap) {
		if (s->cap < MAX_STATES)
			grow(s, s->now_us - IDLE_US);
		else
			sweep(s, s->now_us - IDLE_US / 6);
		if ((s->n + 1) * 2 > s->cap)
			return; /* bounded: drop rather than grow */
	}
	int proto = (ev->has & EV_HAS_PROTO) ? ev->proto : -1;
	int port = (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
	size_t j = idx_of(s, &ev->src, proto, port);
	while (s->v[j].used && !(s->v[j].proto == proto && s->v[j].port == port &&
				 s->v[j].src.family == ev->src.family &&
				 !memcmp(s->v[j].src.bytes, ev->src.bytes, 16)))
		j = (j + 1) & (s->cap - 1);
	struct inf *x = &s->v[j];
	if (!x->used) {
		memset(x, 0, sizeof *x);
		x->used = 1;
		x->src = ev->src;
		x->proto = proto;
		x->port = port;
		x->first_us = x->last_us = x->win_start = ev->ts_us;
		if (ev->ts_us < s->oldest_us)
			s->oldest_us = ev->ts_us;
		x->sig = -1;
		x->dsts.max = INF_HSET_MAX;
		s->n++;
	}
	if (ev->ts_us > x->last_us)
		x->last_us = ev->ts_us;
	s->last[j] = x->last_us;
	x->packets++;
	if (ev->ts_us - x->win_start >= s->c->infected_window_us) {
		x->win_start = ev->ts_us;
		x->win_hosts = 0;
	}
	if (hset_add(&x->dsts, addr_hash32(&ev->dst, 7))) {
		x->win_hosts++;
		if (x->win_hosts > x->peak_hosts)
			x->peak_hosts = x->win_hosts;
	}
	if (s->c->sigs) {
		int sig = sigset_match(s->c->sigs, ev);
		if (sig >= 0) {
			x->sig = sig;
			x->sig_hits++;
		}
	}
	if (x->reported != 1)
		check(s, x);
}

void infected_finish(struct infected_det *s)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].used) {
			retire(s, &s->v[i]);
			s->v[i].used = 0;
			s->last[i] = INT64_MAX;
		}
	s->n = 0;
}

size_t infected_memory(const struct infected_det *s)
{
	size_t m = sizeof *s + s->cap * (sizeof(struct inf) + sizeof *s->last);
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].used)
			m += hset_bytes(&s->v[i].dsts);
	return m;
}

void infected_free(struct infected_det *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].used)
			hset_free(&s->v[i].dsts);
	free(s->v);
	free(s->last);
	free(s);
}
