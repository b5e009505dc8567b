/* detect_run.c - see detect_run.h. */
#include "detect_run.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist.h"
#include "detect.h"
#include "signature.h"
#include "trust.h"

struct detect_session {
	struct store *st;
	struct trust trust;
	struct sigset sigs;
	struct blocklist block; /* `portlog block`: reputation findings */
	struct detect_conf conf;
	struct detector *det;
	uint64_t findings;
	int failed; /* set on the store thread, read on the feeding one: atomic */
	int marked; /* every event's mark is already right */
	uint64_t *count_out; /* where close leaves the number of findings */
	int live;
	struct finding buf[128]; /* written in groups: one statement for many */
	size_t nbuf;
	int64_t min_us, max_us;
	/* deferred: events are fed on one thread (import's reader), findings are
	 * written on another (the store's), which drains this list */
	int deferred;
	pthread_mutex_t mu;
	/* findings packed (finding_pack): a burst of thousands of probes takes
	 * a fifth of the memory it took as structs (12 MB of a 1M-line import) */
	unsigned char *pend;
	size_t pend_len, pend_cap;
	/* The list the store thread drained last, kept for the next swap: a
	 * few hundred findings are a hundred kilobytes, which malloc would
	 * otherwise map, fault in and unmap again every batch. */
	unsigned char *spare;
	size_t spare_cap;
};

static int flush(struct detect_session *ds)
{
	if (ds->nbuf && store_findings_put(ds->st, ds->buf, ds->nbuf))
		__atomic_store_n(&ds->failed, 1, __ATOMIC_RELAXED);
	ds->nbuf = 0;
	return ds->failed ? -1 : 0;
}

static int put(void *arg, const struct finding *f)
{
	struct detect_session *ds = arg;
	if (ds->deferred) {
		pthread_mutex_lock(&ds->mu);
		if (ds->pend_cap - ds->pend_len < sizeof *f) {
			size_t cap = ds->pend_cap ? ds->pend_cap * 2 : 64 * sizeof *f;
			unsigned char *v = realloc(ds->pend, cap);
			if (!v) {
				__atomic_store_n(&ds->failed, 1, __ATOMIC_RELAXED);
				pthread_mutex_unlock(&ds->mu);
				return -1;
			}
			ds->pend = v;
			ds->pend_cap = cap;
		}
		ds->pend_len += finding_pack(f, ds->pend + ds->pend_len);
		ds->findings++;
		pthread_mutex_unlock(&ds->mu);
		return 0;
	}
	ds->buf[ds->nbuf++] = *f;
	ds->findings++;
	if (ds->live || ds->nbuf == sizeof ds->buf / sizeof ds->buf[0])
		return flush(ds);
	return 0;
}

struct detect_session *detect_session_open(struct store *st, int flags)
{
	int quiet = flags & DETECT_QUIET;
	/* For benchmarks: PORTLOG_DETECT=0 imports without the detectors. */
	const char *env = getenv("PORTLOG_DETECT");
	if (env && !strcmp(env, "0"))
		return NULL;
	struct detect_session *ds = calloc(1, sizeof *ds);
	if (!ds) {
		fprintf(stderr, "portlog: out of memory for the detectors\n");
		return NULL;
	}
	ds->st = st;
	ds->min_us = INT64_MAX;
	ds->max_us = INT64_MIN;
	if (trust_load(&ds->trust, st)) {
		fprintf(stderr, "portlog: reading trusted networks: %s\n", store_errmsg(st));
		trust_free(&ds->trust);
		free(ds);
		return NULL;
	}
	const char *path = sigset_default_path();
	char err[600];
	if (!path) {
		if (!quiet)
			fprintf(stderr, "portlog: data/signatures not found (set PORTLOG_SIGNATURES);"
					" probes are not named\n");
	} else if (sigset_load(&ds->sigs, path, err, sizeof err)) {
		fprintf(stderr, "portlog: %s; probes are not named\n", err);
	}
	if (blocklist_load(&ds->block, st))
		fprintf(stderr, "portlog: reading the block list: %s; reputation not checked\n",
			store_errmsg(st));
	detect_conf_default(&ds->conf);
	ds->conf.sigs = &ds->sigs;
	ds->conf.block = &ds->block;
	ds->live = ds->conf.live = (flags & DETECT_LIVE) != 0;
	ds->det = detect_new(&ds->conf, put, ds);
	if (!ds->det) {
		fprintf(stderr, "portlog: out of memory for the detectors\n");
		sigset_free(&ds->sigs);
		blocklist_free(&ds->block);
		trust_free(&ds->trust);
		free(ds);
		return NULL;
	}
	return ds;
}

void detect_session_event(struct detect_session *ds, struct event *ev)
{
	if (!ds || __atomic_load_n(&ds->failed, __ATOMIC_RELAXED))
		return;
	trust_mark(&ds->trust, ev);
	if (ev->ts_us < ds->min_us)
		ds->min_us = ev->ts_us;
	if (ev->ts_us > ds->max_us)
		ds->max_us = ev->ts_us;
	detect_feed(ds->det, ev);
}

static int trusted_pair(void *arg, const struct ev_addr *src, const struct ev_addr *dst)
{
	return trust_pair(arg, src, dst);
}

void detect_session_defer(struct detect_session *ds)
{
	if (!ds || ds->deferred)
		return;
	pthread_mutex_init(&ds->mu, NULL);
	ds->deferred = 1;
}

int detect_session_drain(struct detect_session *ds)
{
	if (!ds || !ds->deferred)
		return 0;
	pthread_mutex_lock(&ds->mu);
	unsigned char *v = ds->pend;
	size_t len = ds->pend_len, cap = ds->pend_cap;
	ds->pend = ds->spare;
	ds->pend_cap = ds->spare_cap;
	ds->pend_len = 0;
	pthread_mutex_unlock(&ds->mu);
	/* unpacked into buf, which only direct writes use otherwise (none
	 * are waiting there while deferred), and written in groups of its size */
	const size_t group = sizeof ds->buf / sizeof ds->buf[0];
	size_t at = 0;
	while (at < len && !ds->failed) {
		size_t n = 0;
		while (n < group && at < len)
			at += finding_unpack(v + at, &ds->buf[n++]);
		if (store_findings_put(ds->st, ds->buf, n))
			__atomic_store_n(&ds->failed, 1, __ATOMIC_RELAXED);
	}
	ds->spare = v; /* only this thread touches the spare */
	ds->spare_cap = cap;
	return ds->failed ? -1 : 0;
}

int detect_session_close(struct detect_session *ds)
{
	if (!ds)
		return 0;
	int rc = 0;
	if (ds->deferred) { /* the feeding thread is done: back to direct writes */
		detect_session_drain(ds);
		ds->deferred = 0;
		pthread_mutex_destroy(&ds->mu);
		free(ds->pend);
		free(ds->spare);
		ds->pend = ds->spare = NULL;
		ds->pend_len = ds->pend_cap = ds->spare_cap = 0;
	}
	/* For benchmarks: PORTLOG_DETECT_STATS=1 says how big the state grew. */
	const char *env = getenv("PORTLOG_DETECT_STATS");
	if (env && !strcmp(env, "1"))
		fprintf(stderr, "detectors: %.1f MB of state at the end, %llu finding updates\n",
			(double)detect_memory(ds->det) / 1048576.0, (unsigned long long)ds->findings);
	if (!ds->failed)
		detect_finish(ds->det);
	flush(ds);
	/* The store writes events as they come; their trusted mark is set here,
	 * over the time range this session saw, while the list is non-empty. */
	uint64_t changed;
	if (!ds->failed && !ds->marked && ds->trust.nets.n && ds->min_us <= ds->max_us &&
	    store_mark_trusted(ds->st, ds->min_us, ds->max_us, trusted_pair, &ds->trust, &changed))
		__atomic_store_n(&ds->failed, 1, __ATOMIC_RELAXED);
	if (ds->failed || store_findings_index(ds->st) || store_commit(ds->st)) {
		fprintf(stderr, "portlog: storing findings: %s\n", store_errmsg(ds->st));
		rc = -1;
	}
	if (ds->count_out)
		*ds->count_out = ds->findings;
	detect_free(ds->det);
	sigset_free(&ds->sigs);
	blocklist_free(&ds->block);
	trust_free(&ds->trust);
	free(ds);
	return rc;
}

uint64_t detect_session_findings(const struct detect_session *ds)
{
	return ds ? ds->findings : 0;
}

size_t detect_session_memory(const struct detect_session *ds)
{
	return ds ? detect_memory(ds->det) : 0;
}

static int feed_stored(void *arg, int64_t id, struct event *ev)
{
	(void)id;
	struct detect_session *ds = arg;
	detect_session_event(ds, ev);
	return ds->failed;
}

int detect_recompute(struct store *st, uint64_t *remarked, uint64_t *findings)
{
	*remarked = *findings = 0;
	struct detect_session *ds = detect_session_open(st, DETECT_QUIET);
	if (!ds)
		return -1;
	store_findings_batch(st, 1); /* not live: each finding comes once */
	if (store_mark_trusted(st, INT64_MIN, INT64_MAX, trusted_pair, &ds->trust, remarked) ||
	    store_findings_clear(st) || store_events_ordered(st, 0, feed_stored, ds)) {
		fprintf(stderr, "portlog: %s\n", store_errmsg(st));
		__atomic_store_n(&ds->failed, 1, __ATOMIC_RELAXED);
	}
	ds->marked = 1;
	ds->count_out = findings;
	int rc = detect_session_close(ds);
	store_findings_batch(st, 0);
	return rc;
}

int detect_session_reload_trust(struct detect_session *ds)
{
	if (!ds)
		return 0;
	struct trust fresh;
	if (trust_load(&fresh, ds->st)) {
		trust_free(&fresh);
		return -1;
	}
	trust_free(&ds->trust);
	ds->trust = fresh;
	/* and the block list (the reputation detector copies what it keeps of it) */
	struct blocklist block;
	if (blocklist_load(&block, ds->st)) {
		blocklist_free(&block);
		return -1;
	}
	blocklist_free(&ds->block);
	ds->block = block;
	return 0;
}
