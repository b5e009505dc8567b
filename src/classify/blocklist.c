/* blocklist.c - see blocklist.h. */
#include "blocklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

void blocklist_init(struct blocklist *b)
{
	memset(b, 0, sizeof *b);
}

void blocklist_free(struct blocklist *b)
{
	free(b->v);
	free(b->slots);
	memset(b, 0, sizeof *b);
}

static uint64_t key_hash(int family, int bits, const uint8_t *bytes)
{
	return hash_bytes(bytes, family == 4 ? 4 : 16, (uint64_t)(family << 8 | bits));
}

static void masked(const struct ev_addr *a, int bits, uint8_t out[16])
{
	memset(out, 0, 16);
	int full = bits / 8, rest = bits % 8;
	memcpy(out, a->bytes, (size_t)full);
	if (rest)
		out[full] = a->bytes[full] & (uint8_t)(0xffu << (8 - rest));
}

static int rehash(struct blocklist *b)
{
	size_t n = 16;
	while (n < (size_t)b->n * 2 + 2)
		n *= 2;
	int32_t *s = malloc(n * sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		s[i] = -1;
	for (int i = 0; i < b->n; i++) {
		const struct cidr *c = &b->v[i].net;
		size_t j = key_hash(c->net.family, c->bits, c->net.bytes) & (n - 1);
		while (s[j] >= 0)
			j = (j + 1) & (n - 1);
		s[j] = i;
	}
	free(b->slots);
	b->slots = s;
	b->nslots = n;
	return 0;
}

int blocklist_add(struct blocklist *b, const char *cidr, const char *note)
{
	struct cidr c;
	if (cidr_parse(&c, cidr))
		return -1;
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		struct block_entry *v = realloc(b->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	struct block_entry *e = &b->v[b->n++];
	memset(e, 0, sizeof *e);
	e->net = c;
	cidr_str(&c, e->cidr, sizeof e->cidr);
	snprintf(e->note, sizeof e->note, "%s", note ? note : "");
	/* Prefix lengths in use, longest first: the most specific entry wins. */
	uint16_t len = (uint16_t)(c.net.family << 8 | c.bits);
	int k = 0;
	while (k < b->nlens && b->lens[k] != len)
		k++;
	if (k == b->nlens && b->nlens < (int)(sizeof b->lens / sizeof b->lens[0])) {
		int at = b->nlens++;
		while (at > 0 && (b->lens[at - 1] & 0xff) < c.bits) {
			b->lens[at] = b->lens[at - 1];
			at--;
		}
		b->lens[at] = len;
	}
	if ((size_t)b->n * 2 + 2 > b->nslots)
		return rehash(b);
	size_t j = key_hash(c.net.family, c.bits, c.net.bytes) & (b->nslots - 1);
	while (b->slots[j] >= 0)
		j = (j + 1) & (b->nslots - 1);
	b->slots[j] = b->n - 1;
	return 0;
}

const struct block_entry *blocklist_find(const struct blocklist *b, const struct ev_addr *a)
{
	if (!b || !b->n || !a->family)
		return NULL;
	uint8_t m[16];
	for (int k = 0; k < b->nlens; k++) {
		int family = b->lens[k] >> 8, bits = b->lens[k] & 0xff;
		if (family != a->family)
			continue;
		masked(a, bits, m);
		size_t j = key_hash(family, bits, m) & (b->nslots - 1);
		for (; b->slots[j] >= 0; j = (j + 1) & (b->nslots - 1)) {
			const struct block_entry *e = &b->v[b->slots[j]];
			if (e->net.net.family == family && e->net.bits == bits &&
			    !memcmp(e->net.net.bytes, m, family == 4 ? 4 : 16))
				return e;
		}
	}
	/* More distinct prefix lengths than lens holds (never in practice): look at all. */
	if (b->nlens == (int)(sizeof b->lens / sizeof b->lens[0])) {
		const struct block_entry *best = NULL;
		for (int i = 0; i < b->n; i++)
			if (cidr_contains(&b->v[i].net, a) && (!best || b->v[i].net.bits > best->net.bits))
				best = &b->v[i];
		return best;
	}
	return NULL;
}

static int load_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	(void)added_s;
	return blocklist_add(arg, cidr, note) ? 1 : 0;
}

int blocklist_load(struct blocklist *b, struct store *st)
{
	blocklist_init(b);
	return store_block_list(st, load_row, b);
}
