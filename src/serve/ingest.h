/* ingest.h - where every receiver (udp.c, tcp.c, the trap listener) hands
 * its messages: counted per listener and per peer, then queued for the
 * store writer.  What does not fit the queue is counted as dropped; what a
 * receiver refuses is counted by reason.  Network thread only. */
#ifndef PORTLOG_INGEST_H
#define PORTLOG_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../event.h"
#include "../util/sockaddr.h" /* sockaddr_to_ev, for the listeners */
#include "queue.h"
#include "stats.h"

enum { INGEST_LISTENERS_MAX = 64, INGEST_PEERS_MAX = 256, INGEST_NAME_MAX = 80 };

struct ingest {
	struct msgq *q;
	int nlisteners;
	struct {
		char name[INGEST_NAME_MAX]; /* "udp 127.0.0.1:5514" */
		uint64_t msgs, bytes;
	} listeners[INGEST_LISTENERS_MAX];
	struct {
		struct ev_addr addr;
		uint64_t msgs;
	} peers[INGEST_PEERS_MAX];
	int npeers, last_peer;
	uint64_t other_peers; /* messages from peers past INGEST_PEERS_MAX */
	struct stat_table rejected;
	uint64_t received, queue_drops, kernel_drops;
};

void ingest_init(struct ingest *in, struct msgq *q);
/* Register a listener; returns its index, -1 when there are too many. */
int ingest_listener(struct ingest *in, const char *name);

/* One message from peer; trailing newlines and NULs are trimmed, empty ones
 * ignored.  0, or -1 when the queue was full: counted as a drop when
 * may_drop (UDP: the datagram is gone), else not counted at all (TCP: the
 * caller keeps the message and stops reading until there is room, so the
 * sender slows down instead of losing messages). */
int ingest_msg(struct ingest *in, int listener, const struct ev_addr *peer, const char *p,
	       size_t n, int64_t recv_us, int may_drop);
void ingest_reject(struct ingest *in, const char *why);
/* Tell the writer there is work (once per burst). */
void ingest_flush(struct ingest *in);

#endif
