/* rollup_sort.c - see rollup_sort.h. */
#include "rollup_sort.h"

#include <stdlib.h>
#include <string.h>

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

/* (port, hour, source, combo): the order of rollup_port's key, so rows are
 * written in key order, and each group's sources come sorted. */
int ru_cmp_port_major(const void *a, const void *b)
{
	const struct ru_key *x = &((const struct ru_entry *)a)->k, *y = &((const struct ru_entry *)b)->k;
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

int ru_list_init(struct ru_list *l, size_t cap, struct ru_scratch *scratch)
{
	memset(l, 0, sizeof *l);
	l->slots = malloc(cap * sizeof *l->slots);
	if (!l->slots)
		return -1;
	l->cap = cap;
	l->scratch = scratch;
	l->compact_at = RU_COMPACT_AT;
	return 0;
}

void ru_list_free(struct ru_list *l)
{
	free(l->slots);
	free(l->spare);
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

static int scratch_reserve(struct ru_scratch *s, size_t n)
{
	if (n <= s->cap)
		return 0;
	struct radix_item *v = malloc(n * sizeof *v); /* nothing to keep: no realloc copy */
	if (!v)
		return -1;
	free(s->v);
	s->v = v;
	s->cap = n;
	return 0;
}

static int spare_reserve(struct ru_list *l, size_t n)
{
	if (n <= l->capspare)
		return 0;
	struct ru_entry *s = malloc(n * sizeof *s);
	if (!s)
		return -1;
	free(l->spare);
	l->spare = s;
	l->capspare = n;
	return 0;
}

static void swap_buffers(struct ru_list *l)
{
	struct ru_entry *s = l->slots;
	size_t c = l->cap;
	l->slots = l->spare;
	l->cap = l->capspare;
	l->spare = s;
	l->capspare = c;
}

int ru_list_merge(struct ru_list *l)
{
	size_t n = l->n;
	if (n > UINT32_MAX || scratch_reserve(l->scratch, 2 * n) || spare_reserve(l, n))
		return -1;
	const struct ru_entry *e = l->slots;
	struct key_plan p = plan_keys(e, n);
	struct radix_item *v = l->scratch->v;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct radix_item){ hour_key(&e[i].k, &p), (uint32_t)i, 0 };
	v = radix_sort(v, v + n, n);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j].key == v[i].key)
			j++;
		if (j - i > 1)
			sort_tie(v + i, j - i, e);
		i = j;
	}
	/* equal keys are neighbours now: add them up */
	struct ru_entry *out = l->spare;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ru_entry *x = &e[v[i].idx];
		if (m && !memcmp(&out[m - 1].k, &x->k, sizeof x->k))
			out[m - 1].events += x->events;
		else
			out[m++] = *x;
	}
	swap_buffers(l);
	l->n = m;
	return 0;
}

int ru_list_port_major(struct ru_list *l, const struct ru_entry **by_hour)
{
	size_t n = l->n;
	if (scratch_reserve(l->scratch, 2 * n) || spare_reserve(l, n))
		return -1;
	const struct ru_entry *e = l->slots;
	int32_t min_port = INT32_MAX;
	for (size_t i = 0; i < n; i++)
		if (e[i].k.port < min_port)
			min_port = e[i].k.port;
	/* a stable sort by port of the hour-major order is port-major: within
	 * a port it keeps (hour, source, combo) */
	struct radix_item *v = l->scratch->v;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct radix_item){ (uint64_t)((int64_t)e[i].k.port - min_port),
					    (uint32_t)i, 0 };
	v = radix_sort(v, v + n, n);
	for (size_t i = 0; i < n; i++) {
		l->spare[i] = e[v[i].idx];
		by_hour[i] = &e[i];
	}
	swap_buffers(l);
	return 0;
}

int ru_list_make_room(struct ru_list *l)
{
	if (l->n >= l->compact_at) {
		if (ru_list_merge(l))
			return -1;
		if (l->n < l->cap / 2)
			return 0;
	}
	size_t cap = l->cap ? l->cap * 2 : 1024;
	struct ru_entry *s = realloc(l->slots, cap * sizeof *s);
	if (!s)
		return -1;
	l->slots = s;
	l->cap = cap;
	return 0;
}
