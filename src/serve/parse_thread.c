/* parse_thread.c - see parse_thread.h. */
#include "parse_thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/direction.h"
#include "../parse/parse.h"
#include "home_post.h"
#include "live_ctx.h"

enum {
	KIND_MAX = 16,
	ORIGIN_MAX = KIND_MAX + EV_ADDR_STRLEN + 2, /* "tcp:2001:db8::1" */
	PEER_TEXT_MAX = EV_ADDR_STRLEN + ORIGIN_MAX,
	DRAIN_MAX = 4096,    /* messages between looks at the clock and the home networks */
	IDLE_WAIT_MS = 100,  /* nothing queued, nothing held back */
	HOLD_WAIT_MS = 2,    /* a partial batch waits while the store thread is busy */
};

struct parse_thread {
	struct msgq *q;
	struct batch_pool *pool;
	pthread_t thread;
	int started;
	_Atomic int stop;
	char kinds[PARSE_THREAD_LISTENERS_MAX][KIND_MAX];

	/* parse thread only */
	struct netset home;
	struct parse_ctx ctx;
	int64_t ctx_at;
	struct parse_stats local;
	uint64_t published_lines;
	struct ev_batch *b;
	uint64_t batch_seq;
	/* The texts of the last (listener, peer): formatted once, copied into
	 * each batch once (text_seq says which batch holds them, at text_at). */
	int text_listener;
	struct ev_addr text_peer;
	char peer[EV_ADDR_STRLEN], origin[ORIGIN_MAX];
	uint32_t peer_n, origin_n;
	uint64_t text_seq;
	size_t text_at;

	/* shared, under mu */
	pthread_mutex_t mu;
	struct netset *pending_home;
	struct parse_stats shared;
};

struct parse_thread *parse_thread_new(struct msgq *q, struct batch_pool *pool)
{
	struct parse_thread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->q = q;
	t->pool = pool;
	t->text_listener = -1;
	netset_init(&t->home);
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void parse_thread_set_listener(struct parse_thread *t, int i, const char *kind)
{
	if (i >= 0 && i < PARSE_THREAD_LISTENERS_MAX)
		snprintf(t->kinds[i], sizeof t->kinds[i], "%s", kind);
}

void parse_thread_set_home(struct parse_thread *t, struct netset *home)
{
	home_post(&t->mu, &t->pending_home, home);
}

static void publish(struct parse_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->shared = t->local;
	pthread_mutex_unlock(&t->mu);
	t->published_lines = t->local.lines;
}

/* An empty batch to fill; waits while the store thread holds them all. */
static void next_batch(struct parse_thread *t)
{
	while (!(t->b = batch_get_empty(t->pool, IDLE_WAIT_MS)))
		publish(t);
	t->batch_seq++;
}

static void hand_over(struct parse_thread *t, int last)
{
	t->b->last = last;
	batch_put_ready(t->pool, t->b);
	t->b = NULL;
	publish(t);
}

static int same_peer(const struct ev_addr *a, const struct ev_addr *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

/* The device and origin texts of h, in the current batch. */
static void peer_texts(struct parse_thread *t, const struct qmsg *h, struct ev_str *device,
		       struct ev_str *origin)
{
	struct ev_batch *b = t->b;
	if (t->text_listener != h->listener || !same_peer(&t->text_peer, &h->peer)) {
		ev_addr_str(&h->peer, t->peer, sizeof t->peer);
		const char *kind = h->listener < PARSE_THREAD_LISTENERS_MAX ? t->kinds[h->listener] : "";
		int k = snprintf(t->origin, sizeof t->origin, "%s:%s", kind[0] ? kind : "net", t->peer);
		t->peer_n = (uint32_t)strlen(t->peer);
		t->origin_n = k < 0 ? 0 : k >= (int)sizeof t->origin ? sizeof t->origin - 1 : (uint32_t)k;
		t->text_listener = h->listener;
		t->text_peer = h->peer;
		t->text_seq = 0;
	}
	if (t->text_seq != t->batch_seq) {
		/* Room was checked by the caller (PEER_TEXT_MAX). */
		char *p = b->buf + b->used;
		memcpy(p, t->peer, t->peer_n);
		memcpy(p + t->peer_n, t->origin, t->origin_n);
		t->text_at = b->used;
		b->used += t->peer_n + t->origin_n;
		t->text_seq = t->batch_seq;
	}
	*device = (struct ev_str){ b->buf + t->text_at, t->peer_n };
	*origin = (struct ev_str){ b->buf + t->text_at + t->peer_n, t->origin_n };
}

static void count_failure(struct parse_thread *t, int pr, const char *why)
{
	if (pr == PARSE_SKIP)
		t->local.skipped++;
	else
		t->local.bad++;
	stat_add(&t->local.reasons, why ? why : "unknown", 1);
}

/* One message: copy it into the batch, parse the copy, classify. */
static void handle_msg(struct parse_thread *t, const struct qmsg *h, const char *p)
{
	t->local.lines++;
	size_t need = (size_t)h->len + PEER_TEXT_MAX;
	if (t->b->n && (t->b->n == t->b->cap || !batch_room(t->b, need))) {
		hand_over(t, 0);
		next_batch(t);
	}
	struct ev_batch *b = t->b;
	if (!batch_room(b, need)) { /* longer than a whole batch: the receivers prevent it */
		count_failure(t, PARSE_BAD, "line too long");
		return;
	}
	struct ev_str device, origin;
	peer_texts(t, h, &device, &origin);
	char *copy = b->buf + b->used;
	memcpy(copy, p, h->len);
	struct event *ev = &b->ev[b->n];
	const char *why = NULL;
	t->ctx.fallback_ts_us = h->recv_us;
	int pr = parse_line(&t->ctx, PARSE_AUTO, copy, h->len, ev, &why);
	if (pr != PARSE_OK) {
		count_failure(t, pr, why);
		return; /* the copy's bytes are reused by the next message */
	}
	b->used += h->len;
	if (!ev->device.n)
		ev->device = device;
	ev->origin = origin;
	ev->line = 0;
	ev->direction = (uint8_t)direction_of(&t->home, ev);
	b->n++;
}

static void *run(void *arg)
{
	struct parse_thread *t = arg;
	pthread_setname_np(pthread_self(), "portlog-parse"); /* for top -H and perf */
	next_batch(t);
	for (;;) {
		/* Read stop before looking at the queue: once it is set the
		 * receivers have stopped, so an empty queue stays empty. */
		int stopping = atomic_load(&t->stop);
		live_ctx_refresh(&t->ctx, &t->ctx_at);
		home_take(&t->mu, &t->pending_home, &t->home);
		const struct qmsg *h;
		const char *p;
		int n = 0;
		while (n < DRAIN_MAX && (h = msgq_peek(t->q, &p))) {
			handle_msg(t, h, p);
			msgq_pop(t->q);
			n++;
		}
		if (n == DRAIN_MAX)
			continue;
		/* The queue is empty.  Hand over what we have if the store thread
		 * is waiting for work; if it is busy, keep filling (bigger batches
		 * while it catches up) and look again soon. */
		if (stopping)
			break;
		int idle = batch_ready_count(t->pool) == 0;
		if (t->b->n && idle) {
			hand_over(t, 0);
			next_batch(t);
		} else if (t->local.lines != t->published_lines) {
			publish(t);
		}
		msgq_wait(t->q, t->b->n ? HOLD_WAIT_MS : IDLE_WAIT_MS);
	}
	hand_over(t, 1);
	return NULL;
}

int parse_thread_start(struct parse_thread *t)
{
	if (pthread_create(&t->thread, NULL, run, t))
		return -1;
	t->started = 1;
	return 0;
}

void parse_thread_stop(struct parse_thread *t)
{
	atomic_store(&t->stop, 1);
	msgq_wake(t->q);
}

void parse_thread_join(struct parse_thread *t)
{
	if (t && t->started) {
		pthread_join(t->thread, NULL);
		t->started = 0;
	}
}

void parse_thread_free(struct parse_thread *t)
{
	if (!t)
		return;
	parse_thread_join(t);
	netset_free(&t->home);
	home_drop(&t->pending_home);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

void parse_thread_stats(struct parse_thread *t, struct parse_stats *out)
{
	pthread_mutex_lock(&t->mu);
	*out = t->shared;
	pthread_mutex_unlock(&t->mu);
}
