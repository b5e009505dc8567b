/* queue.h - the bounded queue between the receivers (network thread) and
 * the store writer (writer thread): one producer, one consumer.
 *
 * A ring of bytes of fixed size holding records (header + message).  When it
 * is full, msgq_push() refuses and the caller counts the drop: memory stays
 * bounded however slow the store is, and nothing is lost silently. */
#ifndef PORTLOG_QUEUE_H
#define PORTLOG_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct msgq;

struct qmsg {
	uint32_t len;      /* message bytes that follow */
	uint16_t listener; /* index of the receiving listener */
	uint16_t kind;     /* enum qmsg_kind */
	int64_t recv_us;   /* when it arrived (UTC µs) */
	struct ev_addr peer;
	/* message bytes follow */
};

enum qmsg_kind { QMSG_LINE = 0, QMSG_TRAP_TEXT = 1 };

/* capacity in bytes (rounded up to a power of two); NULL if out of memory. */
struct msgq *msgq_new(size_t capacity);
void msgq_free(struct msgq *q);

/* Producer: copy one message in.  0, or -1 when it does not fit (full). */
int msgq_push(struct msgq *q, const struct qmsg *h, const char *p, size_t n);
/* Producer: wake the consumer if it sleeps (after a burst of pushes). */
void msgq_wake(struct msgq *q);

/* Consumer: the oldest record, or NULL when empty.  *msg points at its bytes,
 * valid until msgq_pop(). */
const struct qmsg *msgq_peek(struct msgq *q, const char **msg);
void msgq_pop(struct msgq *q);
/* Consumer: sleep until something is pushed, msgq_wake() or timeout_ms. */
void msgq_wait(struct msgq *q, int timeout_ms);

size_t msgq_used(struct msgq *q);
size_t msgq_capacity(const struct msgq *q);

#endif
