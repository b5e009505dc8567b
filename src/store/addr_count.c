/* addr_count.c - see addr_count.h. */
#include "addr_count.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(uint32_t addr, size_t cap)
{
	return (size_t)(((uint64_t)addr * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static int grow(struct addr_count *c)
{
	size_t cap = c->cap4 ? c->cap4 * 2 : 1 << 14;
	struct addr_count_v4 *s = calloc(cap, sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < c->cap4; i++) {
		if (!c->v4[i].used)
			continue;
		size_t j = slot_of(c->v4[i].addr, cap);
		while (s[j].used)
			j = (j + 1) & (cap - 1);
		s[j] = c->v4[i];
	}
	free(c->v4);
	c->v4 = s;
	c->cap4 = cap;
	return 0;
}

int addr_count_add(struct addr_count *c, const uint8_t key[KEYTAB_KEY], int64_t events)
{
	if (key[0] != 4) {
		uint8_t k[KEYTAB_KEY] = { key[0] };
		memcpy(k + 1, key + 1, 16);
		int isnew;
		struct keytab_slot *s = keytab_find(&c->other, k, &isnew);
		if (!s)
			return -1;
		s->events += events;
		return 0;
	}
	if ((c->n4 + 1) * 2 > c->cap4 && grow(c))
		return -1;
	uint32_t a;
	memcpy(&a, key + 1, 4);
	size_t j = slot_of(a, c->cap4);
	while (c->v4[j].used && c->v4[j].addr != a)
		j = (j + 1) & (c->cap4 - 1);
	if (!c->v4[j].used) {
		c->v4[j].used = 1;
		c->v4[j].addr = a;
		c->n4++;
	}
	c->v4[j].events += events;
	return 0;
}

int addr_count_next(const struct addr_count *c, size_t *pos, uint8_t key[KEYTAB_KEY],
		    int64_t *events)
{
	for (; *pos < c->cap4; (*pos)++) {
		const struct addr_count_v4 *s = &c->v4[*pos];
		if (!s->used)
			continue;
		memset(key, 0, KEYTAB_KEY);
		key[0] = 4;
		memcpy(key + 1, &s->addr, 4);
		*events = s->events;
		(*pos)++;
		return 1;
	}
	for (size_t i = *pos - c->cap4; i < c->other.cap; i++, (*pos)++) {
		const struct keytab_slot *s = &c->other.slot[i];
		if (!s->used)
			continue;
		memcpy(key, s->key, KEYTAB_KEY);
		*events = s->events;
		(*pos)++;
		return 1;
	}
	return 0;
}

int addr_count_copy(struct addr_count *dst, const struct addr_count *src)
{
	*dst = (struct addr_count){ .cap4 = src->cap4, .n4 = src->n4 };
	dst->other = (struct keytab){ .cap = src->other.cap, .n = src->other.n };
	if (src->cap4 && !(dst->v4 = malloc(src->cap4 * sizeof *dst->v4)))
		goto bad;
	if (src->other.cap && !(dst->other.slot = malloc(src->other.cap * sizeof *src->other.slot)))
		goto bad;
	if (src->cap4)
		memcpy(dst->v4, src->v4, src->cap4 * sizeof *dst->v4);
	if (src->other.cap)
		memcpy(dst->other.slot, src->other.slot, src->other.cap * sizeof *src->other.slot);
	return 0;
bad:
	free(dst->v4);
	memset(dst, 0, sizeof *dst);
	return -1;
}

void addr_count_free(struct addr_count *c)
{
	free(c->v4);
	keytab_free(&c->other);
	memset(c, 0, sizeof *c);
}
