/* sqlite_answers.c - answers a reader's connection keeps (store.h,
 * store_answer_*): a page asked again while nothing was written is not
 * computed again.
 *
 * PRAGMA data_version changes whenever another connection commits, and a
 * reader's connection writes nothing itself, so an answer kept under the
 * version read before computing it is exact as long as that version is
 * still the current one.  Bounded: ANSWERS_KEPT answers of at most
 * ANSWER_MAX bytes, ANSWERS_BYTES in all, the least recently used going
 * first. */
#include <stdlib.h>
#include <string.h>

#include "sqlite_priv.h"
#include "store.h"

enum { ANSWERS_KEPT = 16, ANSWER_KEY = 96, ANSWER_MAX = 256 << 10, ANSWERS_BYTES = 1 << 20 };

struct answer {
	char key[ANSWER_KEY];
	int64_t version;
	uint64_t used; /* 0: empty */
	char *text;
	size_t len;
};

struct answers {
	struct answer a[ANSWERS_KEPT];
	uint64_t clock;
	size_t bytes;
};

static void drop(struct answers *k, struct answer *a)
{
	k->bytes -= a->len;
	free(a->text);
	memset(a, 0, sizeof *a);
}

void sqlite_answers_close(struct store *st)
{
	struct answers *k = st->answers;
	for (int i = 0; k && i < ANSWERS_KEPT; i++)
		free(k->a[i].text);
	free(k);
	st->answers = NULL;
}

int64_t store_answer_version(struct store *st)
{
	return (st->flags & STORE_READONLY) ? sqlite_data_version(st) : -1;
}

const char *store_answer_get(struct store *st, const char *key, int64_t version, size_t *len)
{
	struct answers *k = st->answers;
	for (int i = 0; k && version >= 0 && i < ANSWERS_KEPT; i++) {
		struct answer *a = &k->a[i];
		if (!a->used)
			continue;
		if (a->version != version) {
			drop(k, a); /* written since: never asked for again */
			continue;
		}
		if (!strcmp(a->key, key)) {
			a->used = ++k->clock;
			*len = a->len;
			return a->text;
		}
	}
	return NULL;
}

void store_answer_put(struct store *st, const char *key, int64_t version, const char *text,
		      size_t len)
{
	if (version < 0 || len > ANSWER_MAX || strlen(key) >= ANSWER_KEY)
		return;
	if (!st->answers && !(st->answers = calloc(1, sizeof *st->answers)))
		return; /* not kept: asked again, it is computed again */
	struct answers *k = st->answers;
	struct answer *slot = NULL;
	for (;;) {
		struct answer *oldest = NULL;
		slot = NULL;
		for (int i = 0; i < ANSWERS_KEPT; i++) {
			struct answer *a = &k->a[i];
			if (a->used && (a->version != version || !strcmp(a->key, key)))
				drop(k, a); /* stale, or the same question's */
			if (!a->used && !slot)
				slot = a;
			if (a->used && (!oldest || a->used < oldest->used))
				oldest = a;
		}
		if (slot && k->bytes + len <= ANSWERS_BYTES)
			break;
		drop(k, oldest); /* len <= ANSWER_MAX < ANSWERS_BYTES: ends */
	}
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return;
	memcpy(copy, text, len);
	strcpy(slot->key, key);
	slot->version = version;
	slot->text = copy;
	slot->len = len;
	slot->used = ++k->clock;
	k->bytes += len;
}
