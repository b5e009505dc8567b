/* queue.c - see queue.h.  head and tail are byte counts that only grow;
 * the producer writes head (release), the consumer writes tail (release),
 * each reads the other's with acquire, so a record is complete before the
 * consumer sees it and free space is free before the producer reuses it. */
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ALIGN = 8 };
#define WRAP_MARK UINT32_MAX /* header len meaning "continue at the ring's start" */

struct msgq {
	char *buf;
	size_t cap, mask;
	_Atomic uint64_t head, tail;
	_Atomic int sleeping;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static size_t rec_size(size_t n)
{
	return (sizeof(struct qmsg) + n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

struct msgq *msgq_new(size_t capacity)
{
	size_t cap = 1 << 16;
	while (cap < capacity)
		cap <<= 1;
	struct msgq *q = calloc(1, sizeof *q);
	if (!q || !(q->buf = malloc(cap))) {
		free(q);
		return NULL;
	}
	q->cap = cap;
	q->mask = cap - 1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

void msgq_free(struct msgq *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->buf);
	free(q);
}

int msgq_push(struct msgq *q, const struct qmsg *h, const char *p, size_t n)
{
	size_t need = rec_size(n);
	uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t at = (size_t)(head & q->mask), to_end = q->cap - at;
	/* A record never straddles the end: skip the rest with a wrap mark. */
	size_t skip = to_end < need ? to_end : 0;
	if (need > q->cap / 2 || head + skip + need - tail > q->cap)
		return -1;
	if (skip) {
		struct qmsg mark = { .len = WRAP_MARK };
		if (to_end >= sizeof mark)
			memcpy(q->buf + at, &mark, sizeof mark);
		head += skip;
		at = 0;
	}
	struct qmsg rec = *h;
	rec.len = (uint32_t)n;
	memcpy(q->buf + at, &rec, sizeof rec);
	memcpy(q->buf + at + sizeof rec, p, n);
	atomic_store_explicit(&q->head, head + need, memory_order_release);
	return 0;
}

void msgq_wake(struct msgq *q)
{
	if (!atomic_load_explicit(&q->sleeping, memory_order_acquire))
		return;
	pthread_mutex_lock(&q->mu);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

const struct qmsg *msgq_peek(struct msgq *q, const char **msg)
{
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	if (tail == head)
		return NULL;
	size_t at = (size_t)(tail & q->mask), to_end = q->cap - at;
	const struct qmsg *h = (const struct qmsg *)(q->buf + at);
	if (to_end < sizeof *h || h->len == WRAP_MARK) {
		tail += to_end;
		atomic_store_explicit(&q->tail, tail, memory_order_release);
		if (tail == head)
			return NULL;
		h = (const struct qmsg *)q->buf;
	}
	*msg = (const char *)(h + 1);
	return h;
}

void msgq_pop(struct msgq *q)
{
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	const struct qmsg *h = (const struct qmsg *)(q->buf + (tail & q->mask));
	atomic_store_explicit(&q->tail, tail + rec_size(h->len), memory_order_release);
}

void msgq_wait(struct msgq *q, int timeout_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->mu);
	atomic_store_explicit(&q->sleeping, 1, memory_order_seq_cst);
	/* Re-check after announcing sleep, so a push just before is not missed
	 * for a whole timeout. */
	if (atomic_load_explicit(&q->head, memory_order_seq_cst) ==
	    atomic_load_explicit(&q->tail, memory_order_relaxed)) {
		int rc = 0;
		while (rc != ETIMEDOUT && atomic_load(&q->head) == atomic_load(&q->tail))
			rc = pthread_cond_timedwait(&q->cv, &q->mu, &ts);
	}
	atomic_store_explicit(&q->sleeping, 0, memory_order_relaxed);
	pthread_mutex_unlock(&q->mu);
}

size_t msgq_used(struct msgq *q)
{
	return (size_t)(atomic_load(&q->head) - atomic_load(&q->tail));
}

size_t msgq_capacity(const struct msgq *q)
{
	return q->cap;
}
