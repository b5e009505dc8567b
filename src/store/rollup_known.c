/* rollup_known.c - see rollup_known.h. */
#include "rollup_known.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

/* The table starts at MIN_SLOTS and doubles, at half full, up to
 * MAX_SLOTS: a bulk import of a log of a few thousand lines an hour keeps
 * a few thousand rows here (its newest two hours), where a table of the
 * bound's size was 12 MiB of its memory. */
enum { MIN_SLOTS = 1 << 12, MAX_SLOTS = 1 << 18, MAX_ENTRIES = MAX_SLOTS / 2, COMBOS = 4 };

struct kkey {
	int32_t port, hour;
	uint8_t fam, pad[3];
	uint8_t src[16];
};

struct kentry {
	struct kkey key;
	uint8_t used, n, overflow;
	struct combo c[COMBOS];
};

struct known {
	struct kentry *slots; /* nslots entries, allocated on first use */
	size_t nslots, n;
	int32_t from; /* INT32_MAX: covers nothing */
	int frozen;   /* cleared for lack of room during this flush */
};

struct known *known_new(void)
{
	struct known *k = calloc(1, sizeof *k);
	if (k)
		k->from = INT32_MAX;
	return k;
}

void known_free(struct known *k)
{
	if (!k)
		return;
	free(k->slots);
	free(k);
}

void known_clear(struct known *k)
{
	if (k->slots && k->n)
		memset(k->slots, 0, k->nslots * sizeof *k->slots);
	k->n = 0;
	k->from = INT32_MAX;
}

void known_start(struct known *k, int32_t hour)
{
	if (!k->frozen && k->from == INT32_MAX)
		k->from = hour;
}

int known_covers(const struct known *k, int32_t hour)
{
	return hour >= k->from;
}

void known_thaw(struct known *k)
{
	k->frozen = 0;
}

static void make_key(struct kkey *key, int32_t port, int32_t hour, uint8_t fam, const uint8_t src[16])
{
	memset(key, 0, sizeof *key);
	key->port = port;
	key->hour = hour;
	key->fam = fam;
	memcpy(key->src, src, 16);
}

static struct kentry *find(const struct known *k, const struct kkey *key, int *found)
{
	size_t mask = k->nslots - 1, j = hash_bytes(key, sizeof *key, 0) & mask;
	while (k->slots[j].used) {
		if (!memcmp(&k->slots[j].key, key, sizeof *key)) {
			*found = 1;
			return &k->slots[j];
		}
		j = (j + 1) & mask;
	}
	*found = 0;
	return &k->slots[j];
}

int known_get(const struct known *k, int32_t port, int32_t hour, uint8_t fam,
	      const uint8_t src[16], struct combo *out, int max)
{
	if (!k->slots)
		return 0;
	struct kkey key;
	make_key(&key, port, hour, fam, src);
	int found;
	struct kentry *e = find(k, &key, &found);
	if (!found)
		return 0;
	if (e->overflow || e->n > max)
		return -1;
	memcpy(out, e->c, e->n * sizeof *out);
	return e->n;
}

/* Twice the slots, every entry placed again; -1 out of memory. */
static int grow(struct known *k)
{
	struct kentry *old = k->slots;
	size_t nold = k->nslots;
	struct kentry *slots = calloc(2 * nold, sizeof *slots);
	if (!slots)
		return -1;
	k->slots = slots;
	k->nslots = 2 * nold;
	for (size_t i = 0; i < nold; i++)
		if (old[i].used) {
			int found;
			*find(k, &old[i].key, &found) = old[i];
		}
	free(old);
	return 0;
}

void known_add(struct known *k, int32_t port, int32_t hour, uint8_t fam, const uint8_t src[16],
	       struct combo c)
{
	if (!known_covers(k, hour))
		return;
	if (!k->slots) {
		k->nslots = MIN_SLOTS;
		k->slots = calloc(MIN_SLOTS, sizeof *k->slots);
	}
	if (!k->slots || (k->n >= k->nslots / 2 && k->nslots < MAX_SLOTS && grow(k))) {
		known_clear(k); /* out of memory: reads answer */
		k->frozen = 1;
		return;
	}
	struct kkey key;
	make_key(&key, port, hour, fam, src);
	int found;
	struct kentry *e = find(k, &key, &found);
	if (!found) {
		if (k->n >= MAX_ENTRIES) {
			known_clear(k); /* bounded: reads answer again from here */
			k->frozen = 1;
			return;
		}
		memset(e, 0, sizeof *e);
		e->key = key;
		e->used = 1;
		k->n++;
	}
	for (int i = 0; i < e->n; i++)
		if (e->c[i].proto == c.proto && e->c[i].dir == c.dir && e->c[i].action == c.action)
			return;
	if (e->n == COMBOS)
		e->overflow = 1;
	else
		e->c[e->n++] = c;
}

void known_prune(struct known *k, int32_t hour)
{
	if (k->from >= hour || k->from == INT32_MAX)
		return;
	k->from = hour;
	if (!k->slots || !k->n)
		return;
	/* In place, without a second table (12 MiB, which was the import's
	 * peak memory while both lived): entries of old hours go, the others
	 * are placed again, so each sits at the first free slot of its probe.
	 * The walk starts after a slot that was free before, which no probe
	 * crosses, so it meets every probe in order; an entry placed again
	 * lands at or before where it was, and the slots it passed over were
	 * walked already and stay taken. */
	size_t start = 0;
	while (k->slots[start].used)
		start++; /* n < nslots: there is one */
	for (size_t step = 1; step <= k->nslots; step++) {
		size_t i = (start + step) & (k->nslots - 1);
		if (!k->slots[i].used)
			continue;
		struct kentry e = k->slots[i];
		k->slots[i].used = 0;
		k->n--;
		if (e.key.hour < hour)
			continue;
		int found;
		*find(k, &e.key, &found) = e;
		k->n++;
	}
}
