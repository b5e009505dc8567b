/* keytab.c - see keytab.h. */
#include "keytab.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

void keytab_addr_key(const struct ev_addr *a, uint8_t key[KEYTAB_KEY])
{
	memset(key, 0, KEYTAB_KEY);
	key[0] = a->family;
	memcpy(key + 1, a->bytes, a->family == 4 ? 4 : a->family == 6 ? 16 : 0);
}

void keytab_peer_key(const struct ev_addr *a, int32_t port, int16_t proto,
		     uint8_t key[KEYTAB_KEY])
{
	keytab_addr_key(a, key);
	memcpy(key + 17, &port, sizeof port);
	memcpy(key + 21, &proto, sizeof proto);
}

struct keytab_slot *keytab_find(struct keytab *t, const uint8_t key[KEYTAB_KEY], int *isnew)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct keytab_slot *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return NULL;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->slot[i].used)
				continue;
			size_t j = hash_bytes(t->slot[i].key, KEYTAB_KEY, 0) & (cap - 1);
			while (slot[j].used)
				j = (j + 1) & (cap - 1);
			slot[j] = t->slot[i];
		}
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	size_t j = hash_bytes(key, KEYTAB_KEY, 0) & (t->cap - 1);
	while (t->slot[j].used && memcmp(t->slot[j].key, key, KEYTAB_KEY))
		j = (j + 1) & (t->cap - 1);
	*isnew = !t->slot[j].used;
	if (*isnew) {
		memcpy(t->slot[j].key, key, KEYTAB_KEY);
		t->slot[j].used = 1;
		t->n++;
	}
	return &t->slot[j];
}

void keytab_free(struct keytab *t)
{
	free(t->slot);
	memset(t, 0, sizeof *t);
}
