/* writer.c - see writer.h. */
#include "writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/detect_run.h"
#include "../classify/direction.h"
#include "../parse/parse.h"
#include "../source/follow.h"
#include "../store/store.h"
#include "batch.h"
#include "home_post.h"
#include "live_ctx.h"
#include "log.h"
#include "parse_thread.h"

enum {
	FOLLOW_MAX = 64,
	FOLLOW_LINES_PER_POLL = 20000, /* so batches are stored between files */
	FOLLOW_EVERY_MS = 100,         /* look at the files this often while busy */
	COMMIT_CHECK_EVERY = 1024,     /* events between looks at the clock */
	ERROR_LOG_EVERY_S = 10,
	/* The batch pool: enough to keep both threads busy; bytes per batch hold
	 * the longest message (--max-message, at most 1 MiB) with room left. */
	BATCHES = 6,
	BATCH_EVENTS = 4096,
	BATCH_BYTES = (2 << 20) + (64 << 10),
};

struct writer {
	struct store *st;
	struct detect_session *ds; /* the detectors, live (issue 5); NULL: off */
	struct msgq *q;
	struct batch_pool *pool;
	struct parse_thread *pt;
	pthread_t thread;
	int started;
	struct follower *follow[FOLLOW_MAX];
	int nfollow;

	/* store thread only */
	struct netset home; /* for followed lines (the parse thread has its own) */
	struct parse_ctx fctx;
	int64_t ctx_at, last_commit;
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
	/* Findings are written the moment they exist and committed with the
	 * next batch, so one is in the store within a commit interval. */
	w->ds = detect_session_open(w->st, DETECT_LIVE);
	w->q = q;
	w->pool = batch_pool_new(BATCHES, BATCH_EVENTS, BATCH_BYTES);
	w->pt = w->pool ? parse_thread_new(q, w->pool) : NULL;
	netset_init(&w->home);
	pthread_mutex_init(&w->mu, NULL);
	if (!w->pt) {
		snprintf(err, errlen, "out of memory");
		writer_free(w);
		return NULL;
	}
	return w;
}

void writer_set_listener(struct writer *w, int i, const char *kind)
{
	parse_thread_set_listener(w->pt, i, kind);
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

/* dst = a copy of src; 0, or -1 when out of memory (dst then empty). */
static int netset_copy(struct netset *dst, const struct netset *src)
{
	netset_init(dst);
	for (int i = 0; i < src->n; i++)
		if (netset_add(dst, &src->v[i])) {
			netset_free(dst);
			netset_init(dst);
			return -1;
		}
	return 0;
}

void writer_set_home(struct writer *w, struct netset *home)
{
	struct netset copy;
	if (netset_copy(&copy, home) == 0)
		parse_thread_set_home(w->pt, &copy);
	else
		slog("out of memory: home networks of network messages not changed");
	home_post(&w->mu, &w->pending_home, home);
}

static void take_home(struct writer *w)
{
	/* the same SIGHUP: trusted networks may have changed too */
	if (home_take(&w->mu, &w->pending_home, &w->home) &&
	    detect_session_reload_trust(w->ds))
		slog("could not re-read trusted networks: %s; keeping the old list",
		     store_errmsg(w->st));
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

/* One parsed and classified event into the open batch.  Whatever must see
 * every event in order before it is stored (the detectors) is called here:
 * this is the one thread that sees them all. */
static void store_event(struct writer *w, struct event *ev)
{
	detect_session_event(w->ds, ev); /* marks trust, feeds the detectors */
	if (store_add(w->st, ev, parse_formats[ev->format]->name)) {
		store_failed(w);
		return;
	}
	w->local.stored++;
	w->uncommitted++;
}

/* A followed file's line: parsed here, since its position commits with it. */
static void handle_line(struct writer *w, const char *line, size_t n, int too_long,
			struct ev_str origin, uint64_t lineno)
{
	struct event ev;
	const char *why = NULL;
	w->local.lines++;
	int pr = too_long ? PARSE_BAD : parse_line(&w->fctx, PARSE_AUTO, line, n, &ev, &why);
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
	ev.origin = origin;
	ev.line = lineno;
	ev.direction = (uint8_t)direction_of(&w->home, &ev);
	store_event(w, &ev);
}

static void follow_line(void *arg, const char *path, const char *p, size_t n, uint64_t lineno,
			int too_long)
{
	struct writer *w = arg;
	w->local.follow_lines++;
	handle_line(w, p, n, too_long, (struct ev_str){ path, (uint32_t)strlen(path) }, lineno);
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
	w->last_commit = mono_ms();
	if (store_commit(w->st))
		store_failed(w);
	else
		w->local.commits++;
	w->uncommitted = 0;
	publish_stats(w);
}

/* Store a batch, committing on the way when it is time. */
static void store_batch(struct writer *w, struct ev_batch *b)
{
	for (int i = 0; i < b->n; i++) {
		store_event(w, &b->ev[i]);
		if (i % COMMIT_CHECK_EVERY == COMMIT_CHECK_EVERY - 1 &&
		    mono_ms() - w->last_commit >= WRITER_COMMIT_MS)
			commit(w);
	}
}

static void *run(void *arg)
{
	struct writer *w = arg;
	int64_t last_follow = 0;
	long followed = 0;
	pthread_setname_np(pthread_self(), "portlog-store"); /* for top -H and perf */
	w->last_commit = mono_ms();
	for (;;) {
		live_ctx_refresh(&w->fctx, &w->ctx_at);
		take_home(w);
		int64_t now = mono_ms();
		int wait = (int)(w->last_commit + WRITER_COMMIT_MS - now);
		if (w->nfollow && last_follow + FOLLOW_EVERY_MS - now < wait)
			wait = (int)(last_follow + FOLLOW_EVERY_MS - now);
		if (followed > 0)
			wait = 0; /* the files have more */
		struct ev_batch *b = batch_get_ready(w->pool, wait < 0 ? 0 : wait);
		int last = 0;
		if (b) {
			store_batch(w, b);
			last = b->last;
			batch_put_empty(w->pool, b);
		}
		now = mono_ms();
		followed = 0;
		if (w->nfollow && (last || !b || now - last_follow >= FOLLOW_EVERY_MS)) {
			followed = poll_files(w);
			last_follow = now;
		}
		/* The parse thread's last batch: the receivers stopped and the queue
		 * is empty; the files were read once more above. */
		if (last)
			break;
		if (mono_ms() - w->last_commit >= WRITER_COMMIT_MS) {
			if (w->uncommitted)
				commit(w);
			else {
				w->last_commit = mono_ms();
				publish_stats(w);
			}
		}
	}
	commit(w);
	return NULL;
}

int writer_start(struct writer *w)
{
	if (parse_thread_start(w->pt))
		return -1;
	if (pthread_create(&w->thread, NULL, run, w)) {
		parse_thread_stop(w->pt); /* nothing was received yet */
		parse_thread_join(w->pt);
		return -1;
	}
	w->started = 1;
	return 0;
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	if (w->pt)
		parse_thread_stop(w->pt);
	if (w->started) {
		pthread_join(w->thread, NULL); /* ends with the parse thread's last batch */
		w->started = 0;
	}
	if (w->pt)
		parse_thread_join(w->pt);
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	writer_stop(w);
	for (int i = 0; i < w->nfollow; i++)
		follower_free(w->follow[i]);
	if (w->ds && detect_session_close(w->ds))
		slog("could not write the last findings: %s", store_errmsg(w->st));
	store_close(w->st);
	parse_thread_free(w->pt);
	batch_pool_free(w->pool);
	netset_free(&w->home);
	home_drop(&w->pending_home);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void writer_get_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->shared;
	pthread_mutex_unlock(&w->mu);
	/* Network messages are counted by the parse thread, followed lines here. */
	static __thread struct parse_stats ps; /* 26 KB: not on the caller's stack */
	parse_thread_stats(w->pt, &ps);
	out->lines += ps.lines;
	out->skipped += ps.skipped;
	out->bad += ps.bad;
	for (int i = 0; i < ps.reasons.nrows; i++)
		stat_add(&out->reasons, ps.reasons.rows[i].key, ps.reasons.rows[i].n);
	out->reasons.other += ps.reasons.other;
}
