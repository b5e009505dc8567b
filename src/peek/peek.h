/* peek.h - listening on ports nothing else uses and recording what peers
 * send: each TCP connection and UDP datagram becomes an inbound event plus a
 * capture of its first bytes, with what was recognised in them.
 *
 *   listener.c  accept and receive, non-blocking, on libevent
 *   srclimit.c  per-source bookkeeping: open connections, connection rate
 *   capture.c   one connection: banner, first bytes, limits, timeout
 *   record.c    a finished capture -> recognise -> event + capture row
 *
 * Everything is bounded: connections in total and per source, new
 * connections per second per source, bytes and seconds per connection, and
 * sources tracked.  What a limit turns away is counted (struct peek_counters).
 * One thread: the store is written from the event loop, committed once a
 * second, so a capture is durable within about a second. */
#ifndef PORTLOG_PEEK_H
#define PORTLOG_PEEK_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "../store/store.h"
#include "patterns.h"

struct peek_limits {
	size_t max_bytes;    /* first bytes kept per connection or datagram */
	int timeout_s;       /* a connection is closed after this many seconds */
	uint64_t conn_bytes; /* ... or after the peer sent this many bytes */
	int max_conns;       /* open connections in total */
	int max_per_src;     /* open connections from one source */
	double rate;         /* new connections and datagrams per second per source */
	int burst;           /* ... allowing bursts of this many */
	int max_sources;     /* sources tracked at once */
};

/* Defaults for the limits (see cmd/peek.c --help). */
void peek_limits_default(struct peek_limits *l);

struct peek_counters {
	uint64_t accepted, datagrams, recorded, bytes_in;
	uint64_t rej_total, rej_per_src, rej_rate, rej_sources; /* turned away, by limit */
	uint64_t evicted;      /* silent connections closed to make room */
	uint64_t timeouts, byte_limits, resets, shutdowns; /* how connections ended */
	uint64_t accept_errors, store_errors, banner_errors;
	uint64_t open, open_max; /* connections open now, and at most */
};

struct peek;

struct peek *peek_new(struct event_base *base, struct store *st, const struct patterns *pats,
		      const struct peek_limits *lim);
/* Sent to every peer that connects to port (at most 4096 bytes kept). */
int peek_set_banner(struct peek *pk, int port, const unsigned char *p, size_t n);
/* Take over a listening TCP socket or a bound UDP socket (non-blocking). */
int peek_listen_tcp(struct peek *pk, int fd);
int peek_listen_udp(struct peek *pk, int fd);
/* Record every open connection as it stands ("shutdown"), commit, free. */
void peek_free(struct peek *pk);
const struct peek_counters *peek_counters(const struct peek *pk);
/* Write the counters to the store and commit (also done once a second). */
int peek_flush(struct peek *pk);

#endif
