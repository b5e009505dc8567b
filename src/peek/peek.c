/* peek.c - the peek engine's life: limits, banners, the one-second tick
 * (commit, counters, pruning idle sources) and shutdown.  See peek.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "peek_priv.h"

void peek_limits_default(struct peek_limits *l)
{
	l->max_bytes = 4096;
	l->timeout_s = 10;
	l->conn_bytes = 65536;
	l->max_conns = 1024;
	l->max_per_src = 32;
	l->rate = 10;
	l->burst = 40;
	l->max_sources = 65536;
}

int64_t peek_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const struct banner *peek_banner(const struct peek *pk, int port)
{
	for (int i = 0; i < pk->nbanners; i++)
		if (pk->banners[i]->port == port)
			return pk->banners[i];
	return NULL;
}

int peek_set_banner(struct peek *pk, int port, const unsigned char *p, size_t n)
{
	if (n > PEEK_BANNER_MAX || pk->nbanners == PEEK_BANNERS || peek_banner(pk, port))
		return -1;
	struct banner *b = calloc(1, sizeof *b);
	if (!b)
		return -1;
	b->port = port;
	b->n = n;
	memcpy(b->b, p, n);
	pk->banners[pk->nbanners++] = b;
	return 0;
}

const struct peek_counters *peek_counters(const struct peek *pk)
{
	return &pk->c;
}

int peek_flush(struct peek *pk)
{
	const struct peek_counters *c = &pk->c;
	const struct {
		const char *name;
		uint64_t v;
	} all[] = {
		{ "accepted", c->accepted },
		{ "datagrams", c->datagrams },
		{ "recorded", c->recorded },
		{ "bytes_in", c->bytes_in },
		{ "rejected_total_limit", c->rej_total },
		{ "rejected_per_source", c->rej_per_src },
		{ "rejected_rate", c->rej_rate },
		{ "rejected_sources_full", c->rej_sources },
		{ "evicted_silent", c->evicted },
		{ "closed_timeout", c->timeouts },
		{ "closed_byte_limit", c->byte_limits },
		{ "closed_reset", c->resets },
		{ "closed_shutdown", c->shutdowns },
		{ "accept_errors", c->accept_errors },
		{ "store_errors", c->store_errors },
		{ "banner_errors", c->banner_errors },
		{ "open", c->open },
		{ "open_max", c->open_max },
		{ "sources_tracked", (uint64_t)pk->srcs.used },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		rc |= store_peek_counter_set(pk->st, all[i].name, all[i].v);
	rc |= store_commit(pk->st);
	pk->uncommitted = 0;
	if (rc && !pk->c.store_errors++)
		fprintf(stderr, "portlog peek: %s\n", store_errmsg(pk->st));
	return rc ? -1 : 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct peek *pk = arg;
	src_prune(&pk->srcs, &pk->lim, peek_now_us());
	peek_flush(pk);
}

struct peek *peek_new(struct event_base *base, struct store *st, const struct patterns *pats,
		      const struct peek_limits *lim)
{
	struct peek *pk = calloc(1, sizeof *pk);
	if (!pk)
		return NULL;
	pk->base = base;
	pk->st = st;
	pk->pats = pats;
	pk->lim = *lim;
	if (src_table_init(&pk->srcs, lim->max_sources)) {
		free(pk);
		return NULL;
	}
	peek_listener_setup(pk);
	pk->tick = event_new(base, -1, EV_PERSIST, on_tick, pk);
	struct timeval sec = { 1, 0 };
	if (!pk->resume || !pk->tick || event_add(pk->tick, &sec)) {
		peek_free(pk);
		return NULL;
	}
	return pk;
}

void peek_free(struct peek *pk)
{
	if (!pk)
		return;
	peek_listeners_free(pk);
	conn_close_all(pk, "shutdown");
	peek_flush(pk);
	if (pk->tick)
		event_free(pk->tick);
	if (pk->resume)
		event_free(pk->resume);
	for (int i = 0; i < pk->nbanners; i++)
		free(pk->banners[i]);
	src_table_free(&pk->srcs);
	free(pk);
}
