/* scan.c - per-source scan detection (see detect.h).
 *
 * Every source gets a 64-byte slot in one open-addressing table.  Most
 * sources touch one or two targets and never need more.  A source that
 * reaches a third distinct target, matches a signature or sends crafted ICMP
 * gets a detail record (distinct ports as a bitmap, hosts, protocols, probe
 * types); those are the candidates for a finding.  Slots expire after
 * scan_idle_us without events; a full table is swept of the idlest first.
 *
 * Threshold Random Walk: each first contact (a new destination, protocol
 * and port) is a trial that succeeded when the firewall allowed it and
 * failed otherwise.  The log-likelihood ratio of "scanner" against "benign"
 * walks up on failures and down on successes; crossing ln(PD/PF) flags a
 * scanner (after 4 failures with the paper's parameters), crossing
 * ln((1-PD)/(1-PF)) clears the source. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "detect_priv.h"
#include "srctab.h"

enum probe {
	PROBE_SYN,
	PROBE_FIN,
	PROBE_XMAS,
	PROBE_NULL,
	PROBE_ACK,
	PROBE_UDP,
	PROBE_ICMP,
	PROBE_PROTO,
	PROBE_N,
	PROBE_NONE = -1, /* not a probe: replies, established traffic, ICMP errors */
};
static const char *const probe_names[PROBE_N] = { "SYN", "FIN", "XMAS", "NULL",
						  "ACK", "UDP", "ICMP", "PROTO" };

enum {
	ST_SCANNER = 1,  /* TRW said scanner */
	ST_BENIGN = 2,   /* TRW said benign */
	ST_REPORTED = 4, /* a finding was emitted for this state */
	ST_NODETAIL = 8, /* wanted a detail record but the pool was full */
	MAX_EV_HOSTS = 16,
	HSET_MAX = 1u << 14,
};

enum { FEW_PORTS = 16 };

/* IPv6 allows one hop-by-hop and at most two destination options headers
 * (RFC 8200 4.1), each logged as "OPT (..)"; more is a hand-made packet --
 * Topera stacks empty ones to slip past IDS rules. */
enum { TOPERA_OPTS = 4 };
enum { OS_TRIES = 4 }; /* SYNs tried for an OS guess before giving up */

struct detail {
	uint64_t *portmap; /* 65536 bits, allocated past FEW_PORTS distinct ports */
	uint16_t few[FEW_PORTS]; /* the ports until then */
	uint32_t nports;
	int port_lo, port_hi;
	uint64_t protomap[4];
	uint32_t nprotos;
	int proto_lo, proto_hi;
	struct hset targets, hosts;
	struct ev_addr ev_hosts[MAX_EV_HOSTS];
	int nev_hosts;
	int listed0; /* the slot's first host is in ev_hosts */
	uint32_t probes[PROBE_N];
	uint32_t crafted;
	uint32_t per_proto[3]; /* tcp, udp, icmp packets */
	uint32_t topera;       /* IPv6 packets with a stack of extension headers */
	int16_t os;            /* 1 + the OS guess (osfp.h) from its SYNs, 0 none yet */
	uint8_t os_tries;
	int next_free;
};

struct slot {
	uint8_t addr[16];
	uint8_t family; /* 0: empty */
	uint8_t state;
	uint8_t proto0; /* the first probe's protocol and port, kept for the detail */
	uint8_t has0;
	uint16_t dport0;
	int16_t sig;
	uint16_t sig_hits;
	uint16_t contacts; /* first contacts (saturating) */
	float trw;
	int64_t first_us, last_us;
	uint32_t packets;
	uint32_t detail; /* 1-based index into the pool, 0 none */
	uint32_t h0;     /* the first probe's host (hash), before a detail exists */
	uint16_t trw_at;
};

struct scan_det {
	const struct detect_conf *c;
	struct emit *e;
	struct srctab t; /* the slots, by source address (srctab.h) */
	struct detail **pool;
	size_t pool_cap, pool_alloc, pool_used;
	int pool_free; /* free list head, -1 none */
	int64_t now_us, last_sweep_us;
	double up, down, hi, lo; /* TRW steps and thresholds */
};

static const struct signature *sig_of(const struct scan_det *s, const struct slot *x)
{
	return x->sig >= 0 && s->c->sigs && x->sig < s->c->sigs->n ? &s->c->sigs->v[x->sig] : NULL;
}

struct scan_det *scan_new(const struct detect_conf *c, struct emit *e)
{
	struct scan_det *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->c = c;
	s->e = e;
	int fail = srctab_init(&s->t, sizeof(struct slot), 1024);
	s->pool_free = -1;
	s->up = log((1 - c->trw_theta1) / (1 - c->trw_theta0));
	s->down = log(c->trw_theta1 / c->trw_theta0);
	s->hi = log(c->trw_pd / c->trw_pf);
	s->lo = log((1 - c->trw_pd) / (1 - c->trw_pf));
	if (fail) {
		free(s);
		return NULL;
	}
	return s;
}

static enum probe probe_of(const struct event *ev, int *crafted)
{
	*crafted = 0;
	if (!(ev->has & EV_HAS_PROTO))
		return PROBE_NONE;
	switch (ev->proto) {
	case EV_PROTO_TCP: {
		if (!(ev->has & EV_HAS_TCP_FLAGS))
			return PROBE_SYN; /* formats without flags log connection attempts */
		unsigned f = ev->tcp_flags & 0x3f; /* ECE and CWR do not change the intent */
		if ((f & (EV_TCP_SYN | EV_TCP_ACK)) == EV_TCP_SYN)
			return PROBE_SYN;
		if (f == 0)
			return PROBE_NULL;
		if (f == (EV_TCP_FIN | EV_TCP_PSH | EV_TCP_URG))
			return PROBE_XMAS;
		if (f == EV_TCP_FIN)
			return PROBE_FIN;
		if (f == EV_TCP_ACK)
			return PROBE_ACK;
		return PROBE_NONE;
	}
	case EV_PROTO_UDP: return PROBE_UDP;
	case EV_PROTO_ICMP:
	case EV_PROTO_ICMPV6: {
		if (!(ev->has & EV_HAS_ICMP))
			return PROBE_NONE;
		int t = ev->icmp_type, code = ev->icmp_code;
		if (ev->proto == EV_PROTO_ICMP) {
			/* Requests probe; errors and replies answer someone. */
			static const signed char max_code[44] = {
				[0] = 0,  [1] = -1, [2] = -1, [3] = 15, [4] = 0,  [5] = 3,
				[6] = 0,  [7] = -1, [8] = 0,  [9] = 16, [10] = 0, [11] = 1,
				[12] = 2, [13] = 0, [14] = 0, [15] = 0, [16] = 0, [17] = 0,
				[18] = 0, [30] = 0, [40] = 5, [41] = 0, [42] = 0, [43] = 4,
			};
			int known = t < 44 && (t <= 18 || t == 30 || t >= 40) && max_code[t] >= 0;
			if (!known || code > max_code[t]) {
				*crafted = 1;
				return PROBE_ICMP;
			}
			return (t == 8 || t == 13 || t == 15 || t == 17 || t == 42) ? PROBE_ICMP
										: PROBE_NONE;
		}
		/* ICMPv6: errors 1-4, echo 128/129, MLD and ND 130-143 and the rest of
		 * RFC 4443's informational range, each with the codes it defines. */
		int maxc;
		if (t == 1)
			maxc = 8;
		else if (t == 2)
			maxc = 0;
		else if (t == 3)
			maxc = 1;
		else if (t == 4)
			maxc = 3;
		else if (t == 138)
			maxc = 255;
		else if (t == 139 || t == 140)
			maxc = 2;
		else if (t >= 128 && t <= 161)
			maxc = 0;
		else
			maxc = -1;
		if (maxc < 0 || (t != 138 && code > maxc) ||
		    (t == 138 && code != 0 && code != 1 && code != 255)) {
			*crafted = 1;
			return PROBE_ICMP;
		}
		return (t == 128 || t == 139) ? PROBE_ICMP : PROBE_NONE;
	}
	default: return PROBE_PROTO;
	}
}

/* ---- the table ---- */

/* srctab keeps records that start with the address and the family. */
_Static_assert(offsetof(struct slot, addr) == 0 && offsetof(struct slot, family) == 16,
	       "struct slot must start with addr[16] and family");

/* NULL only when out of memory.  h: srctab_hash of a. */
static struct slot *find(struct scan_det *s, const struct ev_addr *a, uint32_t h, int create)
{
	size_t n0 = s->t.n;
	struct slot *x = srctab_find_hashed(&s->t, a->bytes, a->family, h, create);
	if (x && s->t.n != n0)
		x->sig = -1;
	return x;
}

enum { HAS0 = 1, HAS0_ICMP = 2, HAS0_NOPORT = 4 };

/* A target is a host, a protocol and a port (or ICMP type). */
static uint32_t target_hash(uint32_t host, int key, int proto)
{
	uint64_t v = (uint64_t)host << 32 ^ (uint64_t)(uint32_t)key << 8 ^ (uint64_t)proto;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return (uint32_t)v;
}

static int key0(const struct slot *x)
{
	return (x->has0 & HAS0_NOPORT) ? 70000 : (x->has0 & HAS0_ICMP) ? 65536 + x->dport0 : x->dport0;
}

static void note_proto(struct detail *d, int proto)
{
	if (d->protomap[proto >> 6] >> (proto & 63) & 1)
		return;
	d->protomap[proto >> 6] |= 1ull << (proto & 63);
	d->nprotos++;
	if (proto < d->proto_lo)
		d->proto_lo = proto;
	if (proto > d->proto_hi)
		d->proto_hi = proto;
}

static int has_port(const struct detail *d, int p)
{
	if (d->portmap)
		return d->portmap[p >> 6] >> (p & 63) & 1;
	for (uint32_t i = 0; i < d->nports; i++)
		if (d->few[i] == p)
			return 1;
	return 0;
}

/* Most sources touch a few ports: a short list, and a bitmap only for scanners. */
static void note_port(struct detail *d, int p)
{
	if (has_port(d, p))
		return;
	if (!d->portmap && d->nports < FEW_PORTS) {
		d->few[d->nports] = (uint16_t)p;
	} else {
		if (!d->portmap) {
			if (!(d->portmap = calloc(65536 / 64, sizeof(uint64_t))))
				return;
			for (uint32_t i = 0; i < d->nports; i++)
				d->portmap[d->few[i] >> 6] |= 1ull << (d->few[i] & 63);
		}
		d->portmap[p >> 6] |= 1ull << (p & 63);
	}
	d->nports++;
	if (p < d->port_lo)
		d->port_lo = p;
	if (p > d->port_hi)
		d->port_hi = p;
}

static struct detail *detail_of(const struct scan_det *s, const struct slot *x)
{
	return x->detail ? s->pool[x->detail - 1] : NULL;
}

static void detail_release(struct scan_det *s, struct slot *x)
{
	struct detail *d = detail_of(s, x);
	if (!d)
		return;
	free(d->portmap);
	hset_free(&d->targets);
	hset_free(&d->hosts);
	int idx = (int)x->detail - 1;
	memset(d, 0, sizeof *d);
	d->next_free = s->pool_free;
	s->pool_free = idx;
	s->pool_used--;
	x->detail = 0;
}

static struct detail *detail_get(struct scan_det *s, struct slot *x)
{
	struct detail *d = detail_of(s, x);
	if (d || (x->state & ST_NODETAIL))
		return d;
	if (s->pool_used >= s->c->max_details) {
		x->state |= ST_NODETAIL;
		return NULL;
	}
	int idx;
	if (s->pool_free >= 0) {
		idx = s->pool_free;
		s->pool_free = s->pool[idx]->next_free;
	} else {
		if (s->pool_alloc == s->pool_cap) {
			size_t cap = s->pool_cap ? s->pool_cap * 2 : 64;
			struct detail **p = realloc(s->pool, cap * sizeof *p);
			if (!p)
				return NULL;
			memset(p + s->pool_cap, 0, (cap - s->pool_cap) * sizeof *p);
			s->pool = p;
			s->pool_cap = cap;
		}
		idx = (int)s->pool_alloc;
		s->pool[idx] = calloc(1, sizeof(struct detail));
		if (!s->pool[idx])
			return NULL;
		s->pool_alloc++;
	}
	d = s->pool[idx];
	memset(d, 0, sizeof *d);
	d->port_lo = d->proto_lo = 1 << 30;
	d->port_hi = d->proto_hi = -1;
	d->targets.max = d->hosts.max = HSET_MAX;
	s->pool_used++;
	x->detail = (uint32_t)idx + 1;
	/* The first probe, seen before the record existed (its host is counted,
	 * but only later ones are listed). */
	if (x->has0) {
		hset_add(&d->targets, target_hash(x->h0, key0(x), x->proto0));
		hset_add(&d->hosts, x->h0);
		note_proto(d, x->proto0);
		if (!(x->has0 & (HAS0_ICMP | HAS0_NOPORT)) &&
		    (x->proto0 == EV_PROTO_TCP || x->proto0 == EV_PROTO_UDP))
			note_port(d, x->dport0);
	}
	return d;
}

/* ---- verdict and finding ---- */

static const char *shape_of(const struct scan_det *s, const struct slot *x,
			    const struct detail *d)
{
	const struct detect_conf *c = s->c;
	if (d && (int)d->nprotos >= c->scan_protos)
		return "protocol";
	uint32_t np = d ? d->nports : 0, nh = d ? d->hosts.n : 0;
	if ((x->state & ST_SCANNER) || (int)np >= c->scan_ports || (int)nh >= c->scan_hosts) {
		if (np >= 4 && nh >= 4)
			return "block";
		return np >= nh ? "vertical" : "horizontal";
	}
	if (d && d->crafted)
		return "crafted";
	const struct signature *g = sig_of(s, x);
	if (g && x->sig_hits >= g->min)
		return g->spa ? "spa" : "probe";
	return NULL;
}

/* The lowest port >= p the source probed; 65536 if none (a report walks the
 * set this way instead of testing each of up to 65536 ports). */
static int next_port(const struct detail *d, int p)
{
	if (p >= 65536)
		return 65536;
	if (!d->portmap) {
		int best = 65536;
		for (uint32_t i = 0; i < d->nports; i++)
			if (d->few[i] >= p && d->few[i] < best)
				best = d->few[i];
		return best;
	}
	uint64_t w = d->portmap[p >> 6] & (~0ull << (p & 63));
	for (int k = p >> 6; k < 65536 / 64;) {
		if (w)
			return k * 64 + __builtin_ctzll(w);
		if (++k < 65536 / 64)
			w = d->portmap[k];
	}
	return 65536;
}

static void ports_text(const struct detail *d, char *buf, size_t n)
{
	struct textbuf t;
	textbuf_init(&t, buf, n);
	if (!d || !d->nports)
		return;
	char item[32];
	for (int p = next_port(d, d->port_lo); p <= d->port_hi && !t.cut; p = next_port(d, p + 1)) {
		int q = p;
		while (q + 1 <= d->port_hi && has_port(d, q + 1))
			q++;
		size_t k = 0;
		if (t.len)
			item[k++] = ',';
		k += uint_text(item + k, (uint32_t)p);
		if (q > p) {
			item[k++] = '-';
			k += uint_text(item + k, (uint32_t)q);
		}
		textbuf_add(&t, item, k);
		p = q;
	}
}

static void protos_text(const struct detail *d, char *buf, size_t n)
{
	struct textbuf t;
	textbuf_init(&t, buf, n);
	char item[16];
	for (int p = 0; p < 256; p++)
		if (d->protomap[p >> 6] >> (p & 63) & 1) {
			size_t k = 0;
			if (t.len)
				item[k++] = ',';
			k += uint_text(item + k, (uint32_t)p);
			textbuf_add(&t, item, k);
		}
}

static int danger_of(const struct scan_det *s, const struct slot *x, const struct detail *d,
		     const char *shape, enum probe pr)
{
	/* Volume, as psad's default thresholds (5, 15, 150, 1500, 10000 packets) */
	int lvl = x->packets >= 10000 ? 5 : x->packets >= 1500 ? 4 : x->packets >= 150 ? 3
		: x->packets >= 15 ? 2 : 1;
	if (strcmp(shape, "probe") && strcmp(shape, "crafted") && strcmp(shape, "spa") && lvl < 2)
		lvl = 2; /* a scan is never the lowest level */
	/* Breadth */
	if (d && (d->nports >= 1000 || d->hosts.n >= 256 || !strcmp(shape, "block")) && lvl < 4)
		lvl++;
	/* Persistence: probing for an hour or more */
	if (x->last_us - x->first_us >= 3600 * 1000000LL && x->contacts >= 10)
		lvl++;
	/* What it probed: stealth flags or crafted packets show intent */
	if (pr == PROBE_FIN || pr == PROBE_XMAS || pr == PROBE_NULL || (d && d->crafted))
		lvl++;
	const struct signature *g = sig_of(s, x);
	if (g && x->sig_hits >= g->min && g->danger > lvl)
		lvl = g->danger;
	return lvl < 1 ? 1 : lvl > 5 ? 5 : lvl;
}

static int report(struct scan_det *s, struct slot *x)
{
	struct detail *d = detail_of(s, x);
	const char *shape = shape_of(s, x, d);
	if (!shape)
		return 0;
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_SCAN;
	f.src.family = x->family;
	memcpy(f.src.bytes, x->addr, 16);
	ev_addr_str(&f.src, f.subject, sizeof f.subject);
	f.first_us = x->first_us;
	f.last_us = x->last_us;
	copy_text(f.shape, sizeof f.shape, shape);
	enum probe pr = PROBE_NONE;
	if (d) {
		uint32_t best = 0;
		for (int i = 0; i < PROBE_N; i++)
			if (d->probes[i] > best) {
				best = d->probes[i];
				pr = (enum probe)i;
			}
	}
	if (!strcmp(shape, "protocol"))
		pr = PROBE_PROTO;
	copy_text(f.probe, sizeof f.probe, pr == PROBE_NONE ? "" : probe_names[pr]);
	f.proto = -1;
	f.port_lo = f.port_hi = -1;
	if (d) {
		uint32_t t = d->per_proto[0], u = d->per_proto[1], i = d->per_proto[2];
		if (!strcmp(shape, "protocol")) {
			f.port_lo = d->proto_lo;
			f.port_hi = d->proto_hi;
			f.nports = d->nprotos;
			protos_text(d, f.ports, sizeof f.ports);
		} else {
			if (t >= u && t >= i && t)
				f.proto = EV_PROTO_TCP;
			else if (u >= i && u)
				f.proto = EV_PROTO_UDP;
			else if (i)
				f.proto = x->family == 6 ? EV_PROTO_ICMPV6 : EV_PROTO_ICMP;
			if (d->nports) {
				f.port_lo = d->port_lo;
				f.port_hi = d->port_hi;
			}
			f.nports = d->nports;
			ports_text(d, f.ports, sizeof f.ports);
		}
		f.nhosts = d->hosts.n;
		char a[EV_ADDR_STRLEN + 2];
		struct textbuf hosts;
		textbuf_init(&hosts, f.hosts, sizeof f.hosts);
		for (int k = 0; k < d->nev_hosts && !hosts.cut; k++) {
			a[0] = ',';
			size_t len = strlen(ev_addr_str(&d->ev_hosts[k], a + (k ? 1 : 0), sizeof a - 1));
			textbuf_add(&hosts, a, len + (k ? 1 : 0));
		}
		if ((int)d->hosts.n > d->nev_hosts)
			textbuf_add(&hosts, ",...", 4);
	}
	f.packets = x->packets;
	f.trw_probes = (x->state & ST_SCANNER) ? x->trw_at : 0;
	const struct signature *g = sig_of(s, x);
	if (g && x->sig_hits >= g->min) {
		copy_text(f.signature, sizeof f.signature, g->name);
		copy_text(f.refs, sizeof f.refs, g->refs);
	}
	if (d && d->topera) {
		snprintf(f.signature, sizeof f.signature,
			 "Topera IPv6 scanner (stacked extension headers)");
		snprintf(f.refs, sizeof f.refs, "RFC 8200 4.1");
	}
	if (d && d->os > 0 && s->c->sigs && d->os <= s->c->sigs->os.n)
		copy_text(f.os, sizeof f.os, s->c->sigs->os.v[d->os - 1].name);
	f.window_us = s->c->scan_idle_us; /* a part in the next import continues it */
	f.danger = danger_of(s, x, d, shape, pr);
	/* No summary: it is finding_summary() of these fields, which the store
	 * neither keeps nor needs (it writes it again when a finding is read),
	 * and nothing else reads it from here. */
	x->state |= ST_REPORTED;
	emit(s->e, &f);
	return 1;
}

/* The slot ends: its last word, then forget it. */
static void retire(struct scan_det *s, struct slot *x)
{
	report(s, x);
	detail_release(s, x);
}

/* Retire the slots idle since before keep_after, in place (the hourly sweep
 * used to allocate and fill a whole new table). */
static void sweep(struct scan_det *s, int64_t keep_after)
{
	for (size_t i = 0; i < s->t.n;) {
		struct slot *x = srctab_at(&s->t, i);
		if (x->last_us < keep_after) {
			retire(s, x);
			srctab_remove(&s->t, i); /* the last slot moved to i */
		} else {
			i++;
		}
	}
}

static void make_room(struct scan_det *s)
{
	size_t n = s->t.n, cap = s->t.cap;
	if ((n + 1) * 4 <= cap * 3 && (n + 1) * 2 <= cap)
		return;
	if ((n + 1) * 2 > cap && cap < s->c->max_sources) {
		sweep(s, s->now_us - s->c->scan_idle_us);
		srctab_grow(&s->t, cap * 2);
		return;
	}
	/* At the size limit: expire the idle ones, then ever more recent ones. */
	int64_t idle = s->c->scan_idle_us;
	while ((s->t.n + 1) * 4 > s->t.cap * 3 && idle > 1000000) {
		sweep(s, s->now_us - idle);
		idle /= 2;
	}
}

uint32_t scan_prefetch(const struct scan_det *s, const struct event *ev)
{
	uint32_t h = srctab_hash(&s->t, ev->src.bytes, ev->src.family);
	srctab_prefetch(&s->t, h);
	return h;
}

void scan_feed_hashed(struct scan_det *s, const struct event *ev, uint32_t src_hash)
{
	int crafted;
	enum probe pr = probe_of(ev, &crafted);
	if (addr_is_multicast(&ev->dst) && !crafted)
		return; /* discovery and routing chatter, not a probe of anyone */
	if (ev->ts_us > s->now_us)
		s->now_us = ev->ts_us;
	if (s->now_us - s->last_sweep_us >= 3600 * 1000000LL) {
		if (s->last_sweep_us)
			sweep(s, s->now_us - s->c->scan_idle_us);
		s->last_sweep_us = s->now_us;
	}
	make_room(s);
	struct slot *x = find(s, &ev->src, src_hash, 1);
	if (!x)
		return; /* out of memory */
	if (x->packets && ev->ts_us - x->last_us > s->c->scan_idle_us) {
		/* Back after a long pause: a new episode. */
		retire(s, x);
		uint8_t fam = x->family;
		memset(x, 0, sizeof *x);
		memcpy(x->addr, ev->src.bytes, 16);
		x->family = fam;
		x->sig = -1;
	}
	if (!x->packets)
		x->first_us = ev->ts_us;
	if (ev->ts_us > x->last_us)
		x->last_us = ev->ts_us;
	if (x->packets < UINT32_MAX)
		x->packets++;

	int sig = s->c->sigs ? sigset_match(s->c->sigs, ev) : -1;
	if (sig >= 0) {
		const struct signature *g = &s->c->sigs->v[sig];
		const struct signature *cur = sig_of(s, x);
		if (!cur || g->danger > cur->danger || x->sig == sig) {
			if (x->sig != sig)
				x->sig_hits = 0;
			x->sig = (int16_t)sig;
			if (x->sig_hits < UINT16_MAX)
				x->sig_hits++;
		}
	}
	if (pr == PROBE_NONE)
		return;

	/* The target: where, which protocol, which port (or ICMP type). */
	int key = (ev->has & EV_HAS_DPORT) ? ev->dport
		: (ev->has & EV_HAS_ICMP) ? 65536 + ev->icmp_type : 70000;
	uint32_t hh = addr_hash32(&ev->dst, 0);
	uint32_t th = target_hash(hh, key, ev->proto);
	int is_new;
	struct detail *d = detail_of(s, x);
	if (!d && !x->has0) {
		/* The first probe: kept in the slot. */
		is_new = 1;
		x->has0 = HAS0 | (key == 70000 ? HAS0_NOPORT : key > 65535 ? HAS0_ICMP : 0);
		x->dport0 = (uint16_t)(key & 0xffff);
		x->proto0 = ev->proto;
		x->h0 = hh;
		if (crafted || sig >= 0)
			d = detail_get(s, x);
		if (d)
			is_new = hset_add(&d->targets, th);
	} else if (!d) {
		is_new = th != target_hash(x->h0, key0(x), x->proto0);
		if (is_new || crafted || sig >= 0)
			d = detail_get(s, x);
		if (d)
			is_new = hset_add(&d->targets, th);
	} else {
		is_new = hset_add(&d->targets, th);
	}
	if (is_new) {
		if (x->contacts < UINT16_MAX)
			x->contacts++;
		if (!(x->state & (ST_SCANNER | ST_BENIGN))) {
			x->trw += (float)(ev->action == EV_ACTION_ALLOWED ? s->down : s->up);
			if (x->trw >= s->hi) {
				x->state |= ST_SCANNER;
				x->trw_at = x->contacts;
			} else if (x->trw <= s->lo) {
				x->state |= ST_BENIGN;
			}
		}
	}
	if (d) {
		d->probes[pr]++;
		if (crafted)
			d->crafted++;
		if (ev->proto == EV_PROTO_TCP)
			d->per_proto[0]++;
		else if (ev->proto == EV_PROTO_UDP)
			d->per_proto[1]++;
		else if (pr == PROBE_ICMP)
			d->per_proto[2]++;
		note_proto(d, ev->proto);
		if ((ev->has & EV_HAS_DPORT) &&
		    (ev->proto == EV_PROTO_TCP || ev->proto == EV_PROTO_UDP))
			note_port(d, ev->dport);
		/* The first probe's host was counted from its hash; list it when seen. */
		int listed = hset_add(&d->hosts, hh);
		if (!listed && hh == x->h0 && !d->listed0)
			listed = 1;
		if (hh == x->h0)
			d->listed0 = 1;
		if (listed && d->nev_hosts < MAX_EV_HOSTS)
			d->ev_hosts[d->nev_hosts++] = ev->dst;
		if (ev->ip_opts >= TOPERA_OPTS && ev->src.family == 6)
			d->topera++;
		if (!d->os && d->os_tries < OS_TRIES && pr == PROBE_SYN &&
		    (ev->has & EV_HAS_TCP_FLAGS) && s->c->sigs && s->c->sigs->os.n) {
			d->os_tries++;
			int os = osfp_match(&s->c->sigs->os, ev);
			if (os >= 0)
				d->os = (int16_t)(os + 1);
		}
	}
	/* Live: say it the moment it becomes a finding (in batch, once at the end). */
	if (s->c->live && !(x->state & ST_REPORTED))
		report(s, x);
}

void scan_finish(struct scan_det *s)
{
	for (size_t i = 0; i < s->t.n; i++)
		retire(s, srctab_at(&s->t, i));
	srctab_clear(&s->t);
}

size_t scan_memory(const struct scan_det *s)
{
	size_t m = sizeof *s + srctab_bytes(&s->t) + s->pool_cap * sizeof(void *);
	for (size_t i = 0; i < s->pool_cap; i++) {
		const struct detail *d = s->pool[i];
		if (!d)
			continue;
		m += sizeof *d + (d->portmap ? 8192 : 0) + hset_bytes(&d->targets) +
		     hset_bytes(&d->hosts);
	}
	return m;
}

void scan_free(struct scan_det *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->pool_cap; i++)
		if (s->pool[i]) {
			free(s->pool[i]->portmap);
			hset_free(&s->pool[i]->targets);
			hset_free(&s->pool[i]->hosts);
			free(s->pool[i]);
		}
	free(s->pool);
	srctab_free(&s->t);
	free(s);
}
