/* batch.c - see batch.h.  One mutex, two condition variables (something to
 * fill, something to store); both sides hand over whole batches, so the
 * lock is taken a few hundred times a second, not once per event. */
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct batch_pool {
	pthread_mutex_t mu;
	pthread_cond_t has_empty, has_ready;
	struct ev_batch *empty, *ready, *ready_tail;
	_Atomic int nready;
	struct ev_batch *all;
	int count;
};

struct batch_pool *batch_pool_new(int count, int events, size_t bytes)
{
	struct batch_pool *p = calloc(1, sizeof *p);
	if (!p || !(p->all = calloc((size_t)count, sizeof *p->all))) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->has_empty, &ca);
	pthread_cond_init(&p->has_ready, &ca);
	pthread_condattr_destroy(&ca);
	p->count = count;
	for (int i = 0; i < count; i++) {
		struct ev_batch *b = &p->all[i];
		b->ev = malloc((size_t)events * sizeof *b->ev);
		b->buf = malloc(bytes);
		if (!b->ev || !b->buf) {
			batch_pool_free(p);
			return NULL;
		}
		b->cap = events;
		b->size = bytes;
		b->next = p->empty;
		p->empty = b;
	}
	return p;
}

void batch_pool_free(struct batch_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->count; i++) {
		free(p->all[i].ev);
		free(p->all[i].buf);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->has_empty);
	pthread_cond_destroy(&p->has_ready);
	free(p->all);
	free(p);
}

static void deadline(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Pop the head of *list, waiting on cv until timeout_ms; NULL on timeout. */
static struct ev_batch *take(struct batch_pool *p, struct ev_batch **list, pthread_cond_t *cv,
			     int timeout_ms)
{
	struct timespec ts;
	deadline(&ts, timeout_ms);
	pthread_mutex_lock(&p->mu);
	int rc = 0;
	while (!*list && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(cv, &p->mu, &ts);
	struct ev_batch *b = *list;
	if (b) {
		*list = b->next;
		b->next = NULL;
		if (list == &p->ready) {
			if (!p->ready)
				p->ready_tail = NULL;
			atomic_fetch_sub(&p->nready, 1);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

struct ev_batch *batch_get_empty(struct batch_pool *p, int timeout_ms)
{
	struct ev_batch *b = take(p, &p->empty, &p->has_empty, timeout_ms);
	if (b) {
		b->n = 0;
		b->used = 0;
		b->last = 0;
	}
	return b;
}

void batch_put_ready(struct batch_pool *p, struct ev_batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = NULL;
	if (p->ready_tail)
		p->ready_tail->next = b;
	else
		p->ready = b;
	p->ready_tail = b;
	atomic_fetch_add(&p->nready, 1);
	pthread_cond_signal(&p->has_ready);
	pthread_mutex_unlock(&p->mu);
}

int batch_ready_count(struct batch_pool *p)
{
	return atomic_load(&p->nready);
}

struct ev_batch *batch_get_ready(struct batch_pool *p, int timeout_ms)
{
	return take(p, &p->ready, &p->has_ready, timeout_ms);
}

void batch_put_empty(struct batch_pool *p, struct ev_batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->empty;
	p->empty = b;
	pthread_cond_signal(&p->has_empty);
	pthread_mutex_unlock(&p->mu);
}
