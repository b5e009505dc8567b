/* parse_thread.h - the thread between the network queue and the store
 * thread: it takes raw messages off the queue (msgq), parses them
 * (parse_line, the same path as import), classifies them (direction_of)
 * and hands the events over in batches that own their bytes (batch.h).
 *
 * So the store thread does nothing but store: parsing overlaps the database
 * work instead of adding to it, as in `portlog import`. */
#ifndef PORTLOG_PARSE_THREAD_H
#define PORTLOG_PARSE_THREAD_H

#include <stdint.h>

#include "../classify/netset.h"
#include "batch.h"
#include "queue.h"
#include "stats.h"

enum { PARSE_THREAD_LISTENERS_MAX = 64 };

struct parse_thread;

struct parse_stats {
	uint64_t lines;   /* messages taken off the queue */
	uint64_t skipped; /* not packet lines */
	uint64_t bad;     /* malformed packet lines */
	struct stat_table reasons;
};

struct parse_thread *parse_thread_new(struct msgq *q, struct batch_pool *pool);
/* Before start: what listener i is ("udp", "tcp", "snmptrap"), for the
 * events' origin. */
void parse_thread_set_listener(struct parse_thread *t, int i, const char *kind);
/* Takes *home (freed here); may be called while running (SIGHUP): the swap
 * happens between two messages. */
void parse_thread_set_home(struct parse_thread *t, struct netset *home);

int parse_thread_start(struct parse_thread *t);
/* The receivers have stopped: parse what is queued, hand it over with the
 * last batch marked (ev_batch.last), and end.  Does not wait; see join. */
void parse_thread_stop(struct parse_thread *t);
void parse_thread_join(struct parse_thread *t);
void parse_thread_free(struct parse_thread *t);

/* A recent copy of the counters (published at every hand-over and when the
 * queue runs empty). */
void parse_thread_stats(struct parse_thread *t, struct parse_stats *out);

#endif
