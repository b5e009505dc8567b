/* rollup_sort.c - see rollup_sort.h. */
#include "rollup_sort.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h> /* mremap: a list grows in place */

#include "../util/anonmap.h"
#include "../util/radix.h"

static int cmp_src(const struct ru_key *x, const struct ru_key *y)
{
	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	return memcmp(x->src, y->src, 16);
}

static int cmp_combo(const struct ru_key *x, const struct ru_key *y)
{
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return (int)x->action - (int)y->action;
}

/* (day, port, hour, source, combo): rollup_port's rows in its key order
 * (schema 13), one (port, hour) group at a time, each group's sources
 * sorted; written so, a flush appends rather than jumping between days. */
int ru_cmp_day_port(const void *a, const void *b)
{
	const struct ru_key *x = &((const struct ru_entry *)a)->k, *y = &((const struct ru_entry *)b)->k;
	if (x->hour / 24 != y->hour / 24)
		return x->hour / 24 < y->hour / 24 ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	int c = cmp_src(x, y);
	return c ? c : cmp_combo(x, y);
}

/* (hour, source, port, combo): rollup_time's rows and their source lists. */
int ru_cmp_hour_major(const void *a, const void *b)
{
	const struct ru_key *x = &((const struct ru_entry *)a)->k, *y = &((const struct ru_entry *)b)->k;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	int c = cmp_src(x, y);
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return cmp_combo(x, y);
}

int ru_list_init(struct ru_list *l, size_t cap)
{
	memset(l, 0, sizeof *l);
	l->slots = anon_map(cap * sizeof *l->slots, 0);
	if (!l->slots)
		return -1;
	l->cap = cap;
	l->compact_at = RU_COMPACT_AT;
	return 0;
}

void ru_list_free(struct ru_list *l)
{
	anon_unmap(l->slots, l->cap * sizeof *l->slots);
	memset(l, 0, sizeof *l);
}

/* ---- the hour-major key: a 64-bit prefix of (hour, source, port, combo) ---- */

/* What the entries' keys need: the hours' offset from the smallest, in hb
 * bits; whether every family is 0, 4 or 6 (addr); whether the fields after
 * an IPv4 address fit in their bits below it (combo). */
struct key_plan {
	int32_t min_hour;
	unsigned hb;
	int addr, combo;
};

static struct key_plan plan_keys(const struct ru_entry *e, size_t n)
{
	struct key_plan p = { INT32_MAX, 0, 1, 1 };
	int32_t max_hour = INT32_MIN;
	for (size_t i = 0; i < n; i++) {
		const struct ru_key *k = &e[i].k;
		if (k->hour < p.min_hour)
			p.min_hour = k->hour;
		if (k->hour > max_hour)
			max_hour = k->hour;
		if (k->fam != 0 && k->fam != 4 && k->fam != 6)
			p.addr = 0;
		uint64_t rest;
		uint32_t last;
		memcpy(&rest, k->src + 4, 8);
		memcpy(&last, k->src + 12, 4);
		if (k->port < -1 || k->port > 65535 || k->proto < 0 || k->proto > 511 ||
		    k->dir > 3 || k->action > 3 || (k->fam != 6 && (rest | last)))
			p.combo = 0;
	}
	uint64_t span = n ? (uint64_t)((int64_t)max_hour - p.min_hour) : 0;
	while (p.hb < 64 && (span >> p.hb))
		p.hb++;
	return p;
}

static uint64_t load_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Order-preserving: a smaller key is a smaller entry; equal keys are
 * compared in full.  The hour's offset on top, then the family (2 bits),
 * then an IPv6 address's first 62 bits, or an IPv4 address and, when they
 * fit, port+1, proto, dir and action; cut to what remains below the hour. */
static uint64_t hour_key(const struct ru_key *k, const struct key_plan *p)
{
	uint64_t tail = 0;
	if (p->addr) {
		tail = (uint64_t)(k->fam == 0 ? 0 : k->fam == 4 ? 1 : 2) << 62;
		if (k->fam == 6) {
			tail |= load_be(k->src, 8) >> 2;
		} else {
			tail |= load_be(k->src, 4) << 30;
			if (p->combo)
				tail |= (uint64_t)(k->port + 1) << 13 | (uint64_t)k->proto << 4 |
					(uint64_t)k->dir << 2 | k->action;
		}
	}
	if (!p->hb)
		return tail;
	uint64_t off = (uint64_t)((int64_t)k->hour - p->min_hour);
	return off << (64 - p->hb) | tail >> p->hb;
}

static int cmp_item_entries(const void *a, const void *b, void *slots)
{
	const struct ru_entry *e = slots;
	return ru_cmp_hour_major(&e[((const struct radix_item *)a)->idx],
				 &e[((const struct radix_item *)b)->idx]);
}

/* Items [0, n) have equal keys: order them in full, unless all are the
 * same key (duplicates, the common tie), which need no order. */
static void sort_tie(struct radix_item *v, size_t n, const struct ru_entry *e)
{
	size_t i = 1;
	while (i < n && !memcmp(&e[v[i].idx].k, &e[v[0].idx].k, sizeof e->k))
		i++;
	if (i == n)
		return;
	if (n > 16) {
		qsort_r(v, n, sizeof *v, cmp_item_entries, (void *)e);
		return;
	}
	for (i = 1; i < n; i++) {
		struct radix_item x = v[i];
		size_t j = i;
		for (; j > 0 && ru_cmp_hour_major(&e[v[j - 1].idx], &e[x.idx]) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Radix-sort v[0..n), the dead bytes at spare (room for n items) as its
 * second buffer: the result is in v. */
static void sort_items(struct radix_item *v, void *spare, size_t n)
{
	struct radix_item *r = radix_sort(v, spare, n);
	if (r != v)
		memcpy(v, r, n * sizeof *v);
}

/* The slots sorted hour-major into out (room for n entries), equal keys
 * added up; v has room for n items.  Returns how many remain. */
static size_t merge_into(const struct ru_list *l, struct ru_entry *out, struct radix_item *v)
{
	size_t n = l->n;
	const struct ru_entry *e = l->slots;
	struct key_plan p = plan_keys(e, n);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct radix_item){ hour_key(&e[i].k, &p), (uint32_t)i, 0 };
	sort_items(v, out, n); /* out is free until the entries are gathered */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j].key == v[i].key)
			j++;
		if (j - i > 1)
			sort_tie(v + i, j - i, e);
		i = j;
	}
	/* equal keys are neighbours now: add them up */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ru_entry *x = &e[v[i].idx];
		if (m && !memcmp(&out[m - 1].k, &x->k, sizeof x->k))
			out[m - 1].events += x->events;
		else
			out[m++] = *x;
	}
	return m;
}

/* h[0..m) hour-major into out in rollup_port's key order: a stable sort
 * by (day, port) of the hour-major order keeps (hour, source, combo) within
 * each.  out's old entries are dead (gathered into h). */
static void day_port_major(const struct ru_entry *h, size_t m, struct ru_entry *out,
			   const struct ru_entry **by_hour, struct radix_item *v)
{
	int32_t min_port = INT32_MAX, min_day = INT32_MAX;
	for (size_t i = 0; i < m; i++) {
		if (h[i].k.port < min_port)
			min_port = h[i].k.port;
		if (h[i].k.hour / 24 < min_day)
			min_day = h[i].k.hour / 24;
	}
	/* ports -1..65535 take 17 bits; the days' offset goes above them */
	for (size_t i = 0; i < m; i++)
		v[i] = (struct radix_item){
			(uint64_t)((int64_t)h[i].k.hour / 24 - min_day) << 17 |
				(uint64_t)((int64_t)h[i].k.port - min_port),
			(uint32_t)i, 0 };
	sort_items(v, out, m);
	for (size_t i = 0; i < m; i++) {
		out[i] = h[v[i].idx];
		by_hour[v[i].idx] = &out[i];
	}
}

int ru_list_sort(struct ru_list *l, const struct ru_entry **by_hour)
{
	size_t n = l->n;
	if (!n)
		return 0;
	if (n > UINT32_MAX)
		return -1;
	/* memory: the sort's buffers exist while a tally is full (import's
	 * peak).  Both are filled whole at once: in huge pages, faulting them
	 * in costs a fraction, and import's store thread waits for this sort
	 * at every commit (0.58 -> 0.38 s of waiting on 10M lines). */
	size_t vbytes = n * sizeof(struct radix_item), hbytes = n * sizeof(struct ru_entry);
	struct radix_item *v = anon_map(vbytes, 1);
	struct ru_entry *h = anon_map(hbytes, 1);
	if (!v || !h) {
		anon_unmap(v, vbytes);
		anon_unmap(h, hbytes);
		return -1;
	}
	size_t m = merge_into(l, h, v);
	if (by_hour)
		day_port_major(h, m, l->slots, by_hour, v);
	else
		memcpy(l->slots, h, m * sizeof *h);
	l->n = m;
	anon_unmap(v, vbytes);
	anon_unmap(h, hbytes);
	return 0;
}

int ru_list_make_room(struct ru_list *l)
{
	if (l->n >= l->compact_at) {
		if (ru_list_sort(l, NULL))
			return -1;
		if (l->n < l->cap / 2)
			return 0;
	}
	size_t cap = l->cap ? l->cap * 2 : 1024;
	struct ru_entry *s = mremap(l->slots, l->cap * sizeof *s, cap * sizeof *s, MREMAP_MAYMOVE);
	if (s == MAP_FAILED)
		return -1;
	l->slots = s;
	l->cap = cap;
	return 0;
}
