/* rank_memo.c - see rank_memo.h. */
#include "rank_memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct rank_memo memos[RANK_MEMO_KEPT];
static uint64_t clock_;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

void rank_memo_lock(void)
{
	pthread_mutex_lock(&memo_lock);
}

void rank_memo_unlock(void)
{
	pthread_mutex_unlock(&memo_lock);
}

static int same_key(const struct rank_memo_key *a, const struct rank_memo_key *b)
{
	return !strcmp(a->path, b->path) && a->dev == b->dev && a->ino == b->ino &&
	       !strcmp(a->list, b->list) && a->direction == b->direction && a->h0 == b->h0 &&
	       a->h1 == b->h1 && a->past_gen == b->past_gen && a->rows == b->rows &&
	       a->id_sum == b->id_sum;
}

struct rank_memo *rank_memo_find(const struct rank_memo_key *key)
{
	for (int i = 0; i < RANK_MEMO_KEPT; i++)
		if (memos[i].used && same_key(&memos[i].key, key)) {
			memos[i].used = ++clock_;
			return &memos[i];
		}
	return NULL;
}

void rank_memo_clear(struct rank_memo *m)
{
	addr_count_free(&m->counts);
	free(m->pairs);
	memset(m, 0, sizeof *m);
}

struct rank_memo *rank_memo_take(const struct rank_memo_key *key)
{
	struct rank_memo *m = &memos[0];
	for (int i = 1; i < RANK_MEMO_KEPT; i++)
		if (memos[i].used < m->used)
			m = &memos[i];
	rank_memo_clear(m);
	m->key = *key;
	m->used = ++clock_;
	return m;
}

/* A radix sort, 16 bits a pass: a month's 370k pairs in a few ms (qsort
 * took ~35 ms of filling an entry). */
int rank_memo_pairs_done(struct rank_memo *m, size_t n)
{
	uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	size_t *count = malloc(65536 * sizeof *count);
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -1;
	}
	uint64_t *a = m->pairs, *b = tmp;
	for (int shift = 0; shift < 64; shift += 16) {
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xffff]++;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 0xffff]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	/* four passes: the sorted numbers are back in m->pairs */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || a[k - 1] != a[i])
			a[k++] = a[i];
	m->npairs = k;
	free(tmp);
	free(count);
	return 0;
}

size_t rank_memo_pairs_of(const struct rank_memo *m, const uint8_t addr[4])
{
	uint64_t want = rank_memo_pair(addr, -1);
	size_t lo = 0, hi = m->npairs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->pairs[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
