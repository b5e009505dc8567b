/* reputation.c - sources on the user's block list (blocklist.h), as psad's
 * reputation checks do: any event from a listed network is a finding, named
 * by the entry and its note, with the evidence of what the source did.
 *
 * State is one small record per listed source active now, in a bounded
 * table; a record ends after scan_idle_us without events (as a scan's does),
 * or the least recently active is ended when the table is full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "blocklist.h"
#include "detect_priv.h"

enum { REP_PORTS = 16, REP_HOSTS = 8, REP_MAX = 4096 };

struct rep_src {
	struct ev_addr a;
	char cidr[52], note[96]; /* the entry's, copied: the list may be read again (SIGHUP) */
	int64_t first_us, last_us;
	uint64_t packets;
	uint16_t ports[REP_PORTS];
	uint8_t nports, more_ports, nhosts, more_hosts, reported;
	int proto; /* the first event's, -1 when they differ */
	struct ev_addr hosts[REP_HOSTS];
};

struct rep_det {
	const struct detect_conf *c;
	struct emit *e;
	struct rep_src *v; /* open addressing by address; family 0 empty */
	size_t cap, n;
};

struct rep_det *reputation_new(const struct detect_conf *c, struct emit *e)
{
	struct rep_det *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->c = c;
	r->e = e;
	return r;
}

static void report(struct rep_det *r, struct rep_src *x)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_REPUTATION;
	f.src = x->a;
	ev_addr_str(&x->a, f.subject, sizeof f.subject);
	f.first_us = x->first_us;
	f.last_us = x->last_us;
	snprintf(f.shape, sizeof f.shape, "listed");
	f.proto = x->proto;
	f.port_lo = f.port_hi = -1;
	/* ports sorted, as lists elsewhere are */
	uint16_t p[REP_PORTS];
	memcpy(p, x->ports, sizeof p);
	for (int i = 1; i < x->nports; i++)
		for (int j = i; j > 0 && p[j - 1] > p[j]; j--) {
			uint16_t t = p[j];
			p[j] = p[j - 1];
			p[j - 1] = t;
		}
	char item[64];
	for (int i = 0; i < x->nports; i++) {
		snprintf(item, sizeof item, "%s%u", i ? "," : "", p[i]);
		append_bounded(f.ports, sizeof f.ports, item);
	}
	if (x->nports) {
		f.port_lo = p[0];
		f.port_hi = p[x->nports - 1];
	}
	if (x->more_ports)
		append_bounded(f.ports, sizeof f.ports, ",...");
	f.nports = x->nports;
	for (int i = 0; i < x->nhosts; i++) {
		char a[EV_ADDR_STRLEN];
		snprintf(item, sizeof item, "%s%s", i ? "," : "", ev_addr_str(&x->hosts[i], a, sizeof a));
		append_bounded(f.hosts, sizeof f.hosts, item);
	}
	if (x->more_hosts)
		append_bounded(f.hosts, sizeof f.hosts, ",...");
	f.nhosts = x->nhosts;
	f.packets = x->packets;
	snprintf(f.signature, sizeof f.signature, "%s", x->note);
	snprintf(f.refs, sizeof f.refs, "%s", x->cidr);
	/* Known bad is worth a look at once; more so the more it sends. */
	uint64_t n = x->packets;
	f.danger = n >= 10000 ? 5 : n >= 1500 ? 4 : n >= 150 ? 3 : 2;
	f.window_us = r->c->scan_idle_us;
	finding_summary(&f);
	x->reported = 1;
	emit(r->e, &f);
}

static struct rep_src *find(struct rep_det *r, const struct ev_addr *a, int create)
{
	if (!r->cap)
		return NULL;
	size_t j = hash_bytes(a->bytes, 16, a->family) & (r->cap - 1);
	while (r->v[j].a.family) {
		if (r->v[j].a.family == a->family && !memcmp(r->v[j].a.bytes, a->bytes, 16))
			return &r->v[j];
		j = (j + 1) & (r->cap - 1);
	}
	if (!create)
		return NULL;
	memset(&r->v[j], 0, sizeof r->v[j]);
	r->v[j].a = *a;
	r->n++;
	return &r->v[j];
}

/* Rebuild into cap slots, reporting and dropping those idle before keep_after. */
static int rebuild(struct rep_det *r, size_t cap, int64_t keep_after)
{
	struct rep_src *nv = calloc(cap, sizeof *nv);
	if (!nv)
		return -1;
	struct rep_src *old = r->v;
	size_t ocap = r->cap;
	r->v = nv;
	r->cap = cap;
	r->n = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].a.family)
			continue;
		if (old[i].last_us < keep_after) {
			report(r, &old[i]);
			continue;
		}
		struct rep_src *x = find(r, &old[i].a, 1);
		*x = old[i];
	}
	free(old);
	return 0;
}

void reputation_feed(struct rep_det *r, const struct event *ev)
{
	const struct block_entry *be = blocklist_find(r->c->block, &ev->src);
	if (!be)
		return;
	if (r->n + 1 > r->cap / 2) {
		if (r->cap < REP_MAX * 2) {
			if (rebuild(r, r->cap ? r->cap * 2 : 64, INT64_MIN))
				return;
		} else {
			/* Full: end the idle ones, then ever more recent ones. */
			int64_t idle = r->c->scan_idle_us;
			while (r->n + 1 > r->cap / 2 && idle > 1000000) {
				rebuild(r, r->cap, ev->ts_us - idle);
				idle /= 2;
			}
			if (r->n + 1 > r->cap / 2)
				return;
		}
	}
	struct rep_src *x = find(r, &ev->src, 1);
	if (x->packets && ev->ts_us - x->last_us > r->c->scan_idle_us) {
		report(r, x); /* back after a long pause: a new episode */
		struct ev_addr a = x->a;
		memset(x, 0, sizeof *x);
		x->a = a;
	}
	if (!x->packets) {
		x->first_us = ev->ts_us;
		x->proto = (ev->has & EV_HAS_PROTO) ? ev->proto : -1;
	} else if (x->proto != ((ev->has & EV_HAS_PROTO) ? ev->proto : -1)) {
		x->proto = -1;
	}
	memcpy(x->cidr, be->cidr, sizeof x->cidr);
	memcpy(x->note, be->note, sizeof x->note);
	if (ev->ts_us > x->last_us)
		x->last_us = ev->ts_us;
	x->packets++;
	if ((ev->has & EV_HAS_DPORT) && (ev->proto == EV_PROTO_TCP || ev->proto == EV_PROTO_UDP)) {
		int seen = 0;
		for (int i = 0; i < x->nports && !seen; i++)
			seen = x->ports[i] == ev->dport;
		if (!seen && x->nports < REP_PORTS)
			x->ports[x->nports++] = ev->dport;
		else if (!seen)
			x->more_ports = 1;
	}
	if (ev->dst.family) {
		int seen = 0;
		for (int i = 0; i < x->nhosts && !seen; i++)
			seen = !memcmp(&x->hosts[i], &ev->dst, sizeof ev->dst);
		if (!seen && x->nhosts < REP_HOSTS)
			x->hosts[x->nhosts++] = ev->dst;
		else if (!seen)
			x->more_hosts = 1;
	}
	if (r->c->live && !x->reported)
		report(r, x);
}

void reputation_finish(struct rep_det *r)
{
	for (size_t i = 0; i < r->cap; i++)
		if (r->v[i].a.family) {
			report(r, &r->v[i]);
			r->v[i].a.family = 0;
		}
	r->n = 0;
}

size_t reputation_memory(const struct rep_det *r)
{
	return sizeof *r + r->cap * sizeof *r->v;
}

void reputation_free(struct rep_det *r)
{
	if (!r)
		return;
	free(r->v);
	free(r);
}
