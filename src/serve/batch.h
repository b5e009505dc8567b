/* batch.h - parsed events on their way from the parse thread to the store
 * thread, and the fixed pool of batches that carries them.
 *
 * A batch owns the bytes its events point into (the lines and the peer and
 * origin texts are copied into buf), so an event stays valid after the
 * network queue has moved on.  The pool has a fixed number of batches: when
 * the store falls behind, the parse thread waits for one to come back, the
 * network queue fills, and the receivers count drops (UDP) or stop reading
 * (TCP).  Memory stays bounded and nothing is lost silently. */
#ifndef PORTLOG_BATCH_H
#define PORTLOG_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct ev_batch {
	struct event *ev;
	int n, cap;
	char *buf; /* bytes the events' strings point into */
	size_t used, size;
	int last; /* the parse thread has stopped: nothing follows */
	struct ev_batch *next;
};

/* Room for n more bytes; the caller then advances used itself. */
static inline char *batch_room(struct ev_batch *b, size_t n)
{
	return b->size - b->used >= n ? b->buf + b->used : NULL;
}

struct batch_pool;

/* count batches of events events and bytes bytes each; NULL if out of memory. */
struct batch_pool *batch_pool_new(int count, int events, size_t bytes);
void batch_pool_free(struct batch_pool *p);

/* Parse thread: an empty batch, waiting at most timeout_ms (NULL then). */
struct ev_batch *batch_get_empty(struct batch_pool *p, int timeout_ms);
/* Parse thread: hand a filled batch to the store thread. */
void batch_put_ready(struct batch_pool *p, struct ev_batch *b);
/* Batches handed over and not yet taken: 0 means the store thread waits. */
int batch_ready_count(struct batch_pool *p);

/* Store thread: the oldest filled batch, waiting at most timeout_ms. */
struct ev_batch *batch_get_ready(struct batch_pool *p, int timeout_ms);
/* Store thread: give a stored batch back. */
void batch_put_empty(struct batch_pool *p, struct ev_batch *b);

#endif
