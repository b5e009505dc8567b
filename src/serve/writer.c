/* writer.c - see writer.h. */
#include "writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/direction.h"
#include "../parse/parse.h"
#include "../source/follow.h"
#include "../store/store.h"
#include "log.h"

enum {
	FOLLOW_MAX = 64,
	FOLLOW_LINES_PER_POLL = 20000, /* so the network queue is served between files */
	DRAIN_CHECK_EVERY = 1024,      /* messages between looks at the clock */
	CTX_REFRESH_S = 60,            /* how often "now" for year inference moves */
	ERROR_LOG_EVERY_S = 10,
};

struct writer {
	struct store *st;
	struct msgq *q;
	pthread_t thread;
	int started;
	_Atomic int stop;
	char kinds[WRITER_LISTENERS_MAX][16];
	struct follower *follow[FOLLOW_MAX];
	int nfollow;

	/* writer thread only */
	struct netset home;
	struct parse_ctx ctx, fctx;
	int64_t ctx_at;
	struct writer_stats local;
	int64_t last_error_log;
	uint64_t uncommitted;

	/* shared, under mu */
	pthread_mutex_t mu;
	struct netset *pending_home;
	struct writer_stats shared;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct writer *writer_open(const char *db, struct msgq *q, char *err, size_t errlen)
{
	struct writer *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->st = store_open(db, 0, err, errlen);
	if (!w->st) {
		free(w);
		return NULL;
	}
	w->q = q;
	netset_init(&w->home);
	pthread_mutex_init(&w->mu, NULL);
	return w;
}

void writer_set_listener(struct writer *w, int i, const char *kind)
{
	if (i >= 0 && i < WRITER_LISTENERS_MAX)
		snprintf(w->kinds[i], sizeof w->kinds[i], "%s", kind);
}

int writer_follow(struct writer *w, const char *path)
{
	if (w->nfollow == FOLLOW_MAX)
		return -1;
	struct follower *f = follower_new(path);
	if (!f)
		return -1;
	w->follow[w->nfollow++] = f;
	return 0;
}

void writer_set_home(struct writer *w, struct netset *home)
{
	struct netset *n = malloc(sizeof *n);
	if (!n) {
		netset_free(home);
		return;
	}
	*n = *home;
	pthread_mutex_lock(&w->mu);
	struct netset *old = w->pending_home;
	w->pending_home = n;
	pthread_mutex_unlock(&w->mu);
	if (old) {
		netset_free(old);
		free(old);
	}
}

static void take_home(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	struct netset *n = w->pending_home;
	w->pending_home = NULL;
	pthread_mutex_unlock(&w->mu);
	if (!n)
		return;
	netset_free(&w->home);
	w->home = *n;
	free(n);
}

static void refresh_ctx(struct writer *w)
{
	int64_t now = (int64_t)time(NULL);
	if (w->ctx_at && now - w->ctx_at < CTX_REFRESH_S)
		return;
	/* A line is never from more than a day in the future: device clocks run
	 * a little ahead, and a year boundary must not push lines a year back. */
	parse_ctx_init(&w->ctx, 0, now + 86400);
	parse_ctx_init(&w->fctx, 0, now + 86400);
	w->ctx_at = now;
}

static void store_failed(struct writer *w)
{
	w->local.store_errors++;
	int64_t now = (int64_t)time(NULL);
	if (now - w->last_error_log >= ERROR_LOG_EVERY_S) {
		w->last_error_log = now;
		slog("cannot store events: %s", store_errmsg(w->st));
	}
}

/* One line from any source: parse, classify, store. */
static void handle_line(struct writer *w, struct parse_ctx *ctx, const char *line, size_t n,
			int too_long, struct ev_str device, struct ev_str origin, uint64_t lineno)
{
	struct event ev;
	const char *why = NULL;
	w->local.lines++;
	int pr = too_long ? PARSE_BAD : parse_line(ctx, PARSE_AUTO, line, n, &ev, &why);
	if (too_long)
		why = "line too long";
	if (pr != PARSE_OK) {
		if (pr == PARSE_SKIP)
			w->local.skipped++;
		else
			w->local.bad++;
		stat_add(&w->local.reasons, why ? why : "unknown", 1);
		return;
	}
	if (!ev.device.n)
		ev.device = device;
	ev.origin = origin;
	ev.line = lineno;
	ev.direction = (uint8_t)direction_of(&w->home, &ev);
	if (store_add(w->st, &ev, parse_formats[ev.format]->name)) {
		store_failed(w);
		return;
	}
	w->local.stored++;
	w->uncommitted++;
}

static void handle_msg(struct writer *w, const struct qmsg *h, const char *p)
{
	char peer[EV_ADDR_STRLEN], origin[EV_ADDR_STRLEN + 24];
	ev_addr_str(&h->peer, peer, sizeof peer);
	const char *kind = h->listener < WRITER_LISTENERS_MAX ? w->kinds[h->listener] : "";
	int k = snprintf(origin, sizeof origin, "%s:%s", kind[0] ? kind : "net", peer);
	w->ctx.fallback_ts_us = h->recv_us;
	handle_line(w, &w->ctx, p, h->len, 0, (struct ev_str){ peer, (uint32_t)strlen(peer) },
		    (struct ev_str){ origin, (uint32_t)k }, 0);
}

static void follow_line(void *arg, const char *path, const char *p, size_t n, uint64_t lineno,
			int too_long)
{
	struct writer *w = arg;
	w->local.follow_lines++;
	handle_line(w, &w->fctx, p, n, too_long, (struct ev_str){ NULL, 0 },
		    (struct ev_str){ path, (uint32_t)strlen(path) }, lineno);
}

static long poll_files(struct writer *w)
{
	long total = 0;
	for (int i = 0; i < w->nfollow; i++) {
		char err[512];
		long got = follower_poll(w->follow[i], w->st, follow_line, w, FOLLOW_LINES_PER_POLL,
					 err, sizeof err);
		if (got < 0) {
			int64_t now = (int64_t)time(NULL);
			if (now - w->last_error_log >= ERROR_LOG_EVERY_S) {
				w->last_error_log = now;
				slog("following %s: %s", follower_path(w->follow[i]), err);
			}
			continue;
		}
		total += got;
	}
	return total;
}

static void publish_stats(struct writer *w)
{
	uint64_t rot = 0;
	for (int i = 0; i < w->nfollow; i++)
		rot += follower_rotations(w->follow[i]);
	w->local.rotations = rot;
	pthread_mutex_lock(&w->mu);
	w->shared = w->local;
	pthread_mutex_unlock(&w->mu);
}

static void commit(struct writer *w)
{
	if (store_commit(w->st))
		store_failed(w);
	else
		w->local.commits++;
	w->uncommitted = 0;
	publish_stats(w);
}

/* Take what is queued until the queue is empty or it is time to commit. */
static long drain(struct writer *w, int64_t deadline)
{
	long n = 0;
	const struct qmsg *h;
	const char *p;
	while ((h = msgq_peek(w->q, &p))) {
		handle_msg(w, h, p);
		msgq_pop(w->q);
		if (++n % DRAIN_CHECK_EVERY == 0 && mono_ms() >= deadline)
			break;
	}
	return n;
}

static void *run(void *arg)
{
	struct writer *w = arg;
	int64_t last_commit = mono_ms(), last_follow = 0;
	for (;;) {
		int stopping = atomic_load(&w->stop);
		refresh_ctx(w);
		take_home(w);
		long n = drain(w, last_commit + WRITER_COMMIT_MS);
		int64_t now = mono_ms();
		if (w->nfollow && (stopping || now - last_follow >= 100 || n == 0)) {
			n += poll_files(w);
			last_follow = now;
		}
		now = mono_ms();
		if (now - last_commit >= WRITER_COMMIT_MS || stopping) {
			if (w->uncommitted || stopping)
				commit(w);
			else
				publish_stats(w);
			last_commit = now;
		}
		/* Receivers have stopped: once the queue is empty, we are done (the
		 * followed files were read once more above). */
		if (stopping && !msgq_peek(w->q, &(const char *){ NULL }))
			break;
		if (n == 0 && !stopping) {
			int wait = (int)(last_commit + WRITER_COMMIT_MS - now);
			msgq_wait(w->q, wait < 1 ? 1 : wait > 100 ? 100 : wait);
		}
	}
	commit(w);
	return NULL;
}

int writer_start(struct writer *w)
{
	if (pthread_create(&w->thread, NULL, run, w))
		return -1;
	w->started = 1;
	return 0;
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	if (w->started) {
		atomic_store(&w->stop, 1);
		msgq_wake(w->q);
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	writer_stop(w);
	for (int i = 0; i < w->nfollow; i++)
		follower_free(w->follow[i]);
	store_close(w->st);
	netset_free(&w->home);
	if (w->pending_home) {
		netset_free(w->pending_home);
		free(w->pending_home);
	}
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void writer_get_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->shared;
	pthread_mutex_unlock(&w->mu);
}
