/* detect.c - the detectors together (detect.h), and what they share. */
#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "blocklist.h"
#include "detect_priv.h"

struct detector {
	struct detect_conf conf;
	struct emit emit;
	struct scan_det *scan;
	struct infected_det *infected;
	struct outbreak_det *outbreak;
	struct rep_det *reputation; /* NULL without a block list (conf.block) */
};

void detect_conf_default(struct detect_conf *c)
{
	memset(c, 0, sizeof *c);
	c->scan_idle_us = 2 * 3600 * 1000000LL;
	c->scan_ports = 8;
	c->scan_hosts = 8;
	c->scan_protos = 8;
	/* The paper's values: benign first contacts mostly succeed, scanners'
	 * mostly fail; with these a scanner is flagged after 4 failures. */
	c->trw_theta0 = 0.8;
	c->trw_theta1 = 0.2;
	c->trw_pd = 0.99;
	c->trw_pf = 0.01;
	c->max_sources = 1u << 21;
	c->max_details = 65536;
	c->infected_hosts = 20;
	c->infected_window_us = 10 * 60 * 1000000LL;
	c->outbreak_min = 10;
	c->outbreak_factor = 4.0;
	c->outbreak_mads = 5.0;
	c->max_ports = 32768;
	c->live = 1;
}

struct detector *detect_new(const struct detect_conf *c, detect_cb cb, void *arg)
{
	struct detector *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->conf = *c;
	d->emit = (struct emit){ cb, arg, 0 };
	d->scan = scan_new(&d->conf, &d->emit);
	d->infected = infected_new(&d->conf, &d->emit);
	d->outbreak = outbreak_new(&d->conf, &d->emit);
	if (c->block && !(d->reputation = reputation_new(&d->conf, &d->emit))) {
		detect_free(d);
		return NULL;
	}
	if (!d->scan || !d->infected || !d->outbreak) {
		detect_free(d);
		return NULL;
	}
	return d;
}

int detect_feed(struct detector *d, const struct event *ev)
{
	if (ev->trusted || !(ev->has & EV_HAS_TS) || !ev->src.family)
		return d->emit.rc;
	/* The outbreak detector's port is looked up first and counted last:
	 * its state loads while the scan detector works, and the scan
	 * detector's slot in its index (prefetched) while that lookup runs. */
	int outbreak = ev->direction != EV_DIR_OUTBOUND && ev->direction != EV_DIR_INTERNAL;
	int scan = ev->direction != EV_DIR_OUTBOUND;
	uint32_t src_hash = scan ? scan_prefetch(d->scan, ev) : 0;
	struct port_state *port = outbreak ? outbreak_locate(d->outbreak, ev) : NULL;
	if (d->reputation)
		reputation_feed(d->reputation, ev);
	if (scan)
		scan_feed_hashed(d->scan, ev, src_hash);
	else
		infected_feed(d->infected, ev);
	if (outbreak)
		outbreak_count(d->outbreak, port, ev);
	return d->emit.rc;
}

int detect_finish(struct detector *d)
{
	scan_finish(d->scan);
	infected_finish(d->infected);
	outbreak_finish(d->outbreak);
	if (d->reputation)
		reputation_finish(d->reputation);
	return d->emit.rc;
}

size_t detect_memory(const struct detector *d)
{
	return sizeof *d + scan_memory(d->scan) + infected_memory(d->infected) +
	       outbreak_memory(d->outbreak) + (d->reputation ? reputation_memory(d->reputation) : 0);
}

void detect_free(struct detector *d)
{
	if (!d)
		return;
	scan_free(d->scan);
	infected_free(d->infected);
	outbreak_free(d->outbreak);
	reputation_free(d->reputation);
	free(d);
}

/* ---- shared helpers ---- */

int hset_add(struct hset *s, uint32_t h)
{
	if (!h)
		h = 1;
	uint32_t *v = s->cap > HSET_INLINE ? s->v : s->inl;
	if ((s->n + 1) * 2 > s->cap) {
		if (s->cap >= s->max) {
			s->full = 1;
			/* Still answer "seen" for what is there; new ones are not added. */
			for (uint32_t j = h & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
				if (!v[j])
					return 0;
				if (v[j] == h)
					return 0;
			}
		}
		uint32_t cap = s->cap ? s->cap * 2 : HSET_INLINE;
		uint32_t *nv;
		if (cap <= HSET_INLINE) {
			nv = s->inl; /* the first size: nothing to move */
			memset(nv, 0, sizeof s->inl);
		} else if (!(nv = calloc(cap, sizeof *nv))) {
			s->full = 1;
			return 0;
		}
		for (uint32_t i = 0; i < s->cap; i++) {
			if (!v[i])
				continue;
			uint32_t j = v[i] & (cap - 1);
			while (nv[j])
				j = (j + 1) & (cap - 1);
			nv[j] = v[i];
		}
		if (s->cap > HSET_INLINE)
			free(s->v);
		if (cap > HSET_INLINE)
			s->v = nv;
		s->cap = cap;
		v = nv;
	}
	uint32_t j = h & (s->cap - 1);
	while (v[j]) {
		if (v[j] == h)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	v[j] = h;
	s->n++;
	return 1;
}

void hset_free(struct hset *s)
{
	if (s->cap > HSET_INLINE)
		free(s->v);
	memset(s, 0, sizeof *s);
}

uint32_t addr_hash32(const struct ev_addr *a, uint32_t salt)
{
	return (uint32_t)hash_bytes(a->bytes, a->family == 4 ? 4 : 16, salt + a->family);
}

int addr_is_multicast(const struct ev_addr *a)
{
	if (a->family == 4)
		return (a->bytes[0] & 0xf0) == 0xe0 ||
		       (a->bytes[0] == 255 && a->bytes[1] == 255 && a->bytes[2] == 255 &&
			a->bytes[3] == 255);
	return a->family == 6 && a->bytes[0] == 0xff;
}

void port_proto_str(int port, int proto, char *buf, size_t n)
{
	const char *pn = proto >= 0 ? ev_proto_name(proto) : NULL;
	if (port < 0)
		snprintf(buf, n, "%s", pn ? pn : "other");
	else if (pn)
		snprintf(buf, n, "%d/%s", port, pn);
	else
		snprintf(buf, n, "%d/%d", port, proto);
}

void append_bounded(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);
	/* a list that ends in "..." is closed */
	struct textbuf t = { buf, n, len, len >= 3 && !strcmp(buf + len - 3, "...") };
	textbuf_add(&t, s, strlen(s));
}

void textbuf_add(struct textbuf *t, const char *s, size_t k)
{
	if (t->cut)
		return;
	if (t->len + k + 4 < t->n) {
		memcpy(t->buf + t->len, s, k);
		t->len += k;
		t->buf[t->len] = '\0';
	} else {
		/* "..." when it fits; either way nothing more will */
		if (t->len + 4 <= t->n) {
			memcpy(t->buf + t->len, "...", 4);
			t->len += 3;
		}
		t->cut = 1;
	}
}

size_t uint_text(char *p, uint32_t v)
{
	char tmp[10];
	size_t k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < k; i++)
		p[i] = tmp[k - 1 - i];
	return k;
}

void copy_text(char *dst, size_t n, const char *src)
{
	size_t k = strlen(src);
	if (k >= n)
		k = n - 1;
	memcpy(dst, src, k);
	dst[k] = '\0';
}
