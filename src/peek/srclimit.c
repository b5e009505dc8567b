/* srclimit.c - per-source bookkeeping for peek: open connections and a token
 * bucket for the connection rate, in a fixed pool (no allocation after start,
 * so a flood of sources cannot grow memory). */
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "peek_priv.h"

int src_table_init(struct src_table *t, int cap)
{
	memset(t, 0, sizeof *t);
	size_t nb = 1;
	while (nb < (size_t)cap * 2)
		nb <<= 1;
	t->pool = calloc((size_t)cap, sizeof *t->pool);
	t->buckets = calloc(nb, sizeof *t->buckets);
	if (!t->pool || !t->buckets) {
		src_table_free(t);
		return -1;
	}
	t->nbuckets = nb;
	t->cap = cap;
	t->seed = hash_secret();
	for (int i = cap - 1; i >= 0; i--) {
		t->pool[i].next = t->free;
		t->free = &t->pool[i];
	}
	return 0;
}

void src_table_free(struct src_table *t)
{
	free(t->pool);
	free(t->buckets);
	memset(t, 0, sizeof *t);
}

static struct ev_addr key_of(const struct ev_addr *a)
{
	struct ev_addr k = *a;
	if (k.family == 6)
		memset(k.bytes + 8, 0, 8); /* a /64 is one subscriber */
	else
		memset(k.bytes + 4, 0, 12);
	return k;
}

static size_t bucket(const struct src_table *t, const struct ev_addr *k)
{
	return hash_bytes(k->bytes, 16, t->seed ^ k->family) & (t->nbuckets - 1);
}

static int idle(const struct src_entry *e, const struct peek_limits *l, int64_t now_us)
{
	return e->open == 0 &&
	       e->tokens + (double)(now_us - e->last_us) / 1e6 * l->rate >= (double)l->burst;
}

void src_prune(struct src_table *t, const struct peek_limits *l, int64_t now_us)
{
	for (size_t b = 0; b < t->nbuckets; b++) {
		struct src_entry **pp = &t->buckets[b];
		while (*pp) {
			struct src_entry *e = *pp;
			if (idle(e, l, now_us)) {
				*pp = e->next;
				e->next = t->free;
				t->free = e;
				t->used--;
			} else {
				pp = &e->next;
			}
		}
	}
}

struct src_entry *src_get(struct src_table *t, const struct ev_addr *a, const struct peek_limits *l,
			  int64_t now_us)
{
	struct ev_addr k = key_of(a);
	size_t b = bucket(t, &k);
	for (struct src_entry *e = t->buckets[b]; e; e = e->next)
		if (e->addr.family == k.family && !memcmp(e->addr.bytes, k.bytes, 16))
			return e;
	if (!t->free)
		src_prune(t, l, now_us);
	if (!t->free)
		return NULL;
	struct src_entry *e = t->free;
	t->free = e->next;
	e->addr = k;
	e->open = 0;
	e->tokens = l->burst;
	e->last_us = now_us;
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->used++;
	return e;
}

int src_take(struct src_entry *e, const struct peek_limits *l, int64_t now_us)
{
	double t = e->tokens + (double)(now_us - e->last_us) / 1e6 * l->rate;
	e->tokens = t > l->burst ? l->burst : t;
	e->last_us = now_us;
	if (e->tokens < 1.0)
		return -1;
	e->tokens -= 1.0;
	return 0;
}
