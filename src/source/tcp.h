/* tcp.h - syslog over TCP (RFC 6587: octet counting and newline framing,
 * told apart per frame; framing.c), on libevent.
 *
 * Bounded in every way an attacker could stretch: frame size (a longer
 * newline frame is skipped, a longer octet count closes the connection),
 * buffer per connection (grows only as far as a frame needs), idle time
 * (silent connections are closed) and number of connections (at the limit
 * the connection silent for longest makes room for the new one).  Each
 * refusal is counted by reason. */
#ifndef PORTLOG_TCP_H
#define PORTLOG_TCP_H

#include <event2/event.h>

#include "../serve/ingest.h"

struct tcp_limits {
	int max_conns;    /* open connections per listener */
	int idle_s;       /* close a connection silent this long */
	size_t max_frame; /* longest message */
};

struct tcp_server;

/* fd: a listening socket (addr_bind).  NULL when out of memory. */
struct tcp_server *tcp_server_new(struct event_base *base, struct ingest *in, int index, int fd,
				  const struct tcp_limits *lim);
/* Close every connection (their complete frames were already queued). */
void tcp_server_free(struct tcp_server *s);
int tcp_server_conns(const struct tcp_server *s);

#endif
