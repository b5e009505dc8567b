/* listener.c - accepting TCP connections and receiving UDP datagrams on the
 * peek ports, non-blocking.  Limits are checked before anything is kept: the
 * source's connection rate, its open connections, then the total (where the
 * oldest connection that has sent nothing makes room, else the new one is
 * turned away).  Every refusal is counted by reason. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/sockaddr.h"
#include "peek_priv.h"

/* Refuse a connection now: RST rather than FIN, so no TIME_WAIT is kept. */
static void refuse(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct peek *pk = arg;
	pk->paused = 0;
	for (int i = 0; i < pk->nls; i++)
		event_add(pk->ls[i]->ev, NULL);
}

/* Out of descriptors: stop accepting for a moment instead of spinning. */
static void pause_accepting(struct peek *pk)
{
	if (pk->paused)
		return;
	pk->paused = 1;
	for (int i = 0; i < pk->nls; i++)
		if (!pk->ls[i]->udp)
			event_del(pk->ls[i]->ev);
	struct timeval tv = { 0, 100000 };
	event_add(pk->resume, &tv);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	struct listener *l = arg;
	struct peek *pk = l->pk;
	for (int i = 0; i < 256; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				pk->c.accept_errors++;
				if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
				    errno == ENOMEM) {
					if (conn_evict_silent(pk))
						pause_accepting(pk);
				}
			}
			return;
		}
		int64_t now = peek_now_us();
		struct ev_addr src, dst;
		int sport, dport;
		sport = sockaddr_to_ev((struct sockaddr *)&ss, &src);
		struct src_entry *se = src_get(&pk->srcs, &src, &pk->lim, now);
		if (!se) {
			pk->c.rej_sources++;
			refuse(fd);
			continue;
		}
		if (src_take(se, &pk->lim, now)) {
			pk->c.rej_rate++;
			refuse(fd);
			continue;
		}
		if (se->open >= pk->lim.max_per_src) {
			pk->c.rej_per_src++;
			refuse(fd);
			continue;
		}
		if (pk->c.open >= (uint64_t)pk->lim.max_conns && conn_evict_silent(pk)) {
			pk->c.rej_total++;
			refuse(fd);
			continue;
		}
		sl = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			dport = sockaddr_to_ev((struct sockaddr *)&ss, &dst);
		else
			dst = l->local, dport = l->port;
		pk->c.accepted++;
		conn_start(pk, l, fd, &src, sport, &dst, dport, se);
	}
}

static void on_datagram(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct listener *l = arg;
	struct peek *pk = l->pk;
	for (int i = 0; i < 256; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		/* MSG_TRUNC: the datagram's real length, even past the buffer. */
		ssize_t n = recvfrom(fd, pk->scratch, sizeof pk->scratch, MSG_TRUNC,
				     (struct sockaddr *)&ss, &sl);
		if (n < 0)
			return;
		int64_t now = peek_now_us();
		struct ev_addr src;
		int sport;
		sport = sockaddr_to_ev((struct sockaddr *)&ss, &src);
		struct src_entry *se = src_get(&pk->srcs, &src, &pk->lim, now);
		if (!se) {
			pk->c.rej_sources++;
			continue;
		}
		if (src_take(se, &pk->lim, now)) {
			pk->c.rej_rate++;
			continue;
		}
		pk->c.datagrams++;
		pk->c.bytes_in += (uint64_t)n;
		size_t got = (size_t)n < sizeof pk->scratch ? (size_t)n : sizeof pk->scratch;
		struct peek_record r = {
			.ts_us = now,
			.proto = 17,
			.src = &src,
			.dst = &l->local,
			.sport = sport,
			.dport = l->port,
			.bytes_in = (uint64_t)n,
			.end_reason = "datagram",
			.data = pk->scratch,
			.len = got < pk->lim.max_bytes ? got : pk->lim.max_bytes,
		};
		peek_record(pk, &r);
	}
}

static int add_listener(struct peek *pk, int fd, int udp)
{
	if (pk->nls == PEEK_LISTENERS)
		return -1;
	struct listener *l = calloc(1, sizeof *l);
	if (!l)
		return -1;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		free(l);
		return -1;
	}
	l->port = sockaddr_to_ev((struct sockaddr *)&ss, &l->local);
	static const uint8_t zero[16];
	if (!memcmp(l->local.bytes, zero, l->local.family == 4 ? 4 : 16))
		l->local.family = 0; /* a wildcard says nothing about the destination */
	l->pk = pk;
	l->fd = fd;
	l->udp = udp;
	l->ev = event_new(pk->base, fd, EV_READ | EV_PERSIST, udp ? on_datagram : on_accept, l);
	if (!l->ev || event_add(l->ev, NULL)) {
		if (l->ev)
			event_free(l->ev);
		free(l);
		return -1;
	}
	pk->ls[pk->nls++] = l;
	return 0;
}

int peek_listen_tcp(struct peek *pk, int fd)
{
	return add_listener(pk, fd, 0);
}

int peek_listen_udp(struct peek *pk, int fd)
{
	return add_listener(pk, fd, 1);
}

void peek_listeners_free(struct peek *pk)
{
	for (int i = 0; i < pk->nls; i++) {
		event_free(pk->ls[i]->ev);
		close(pk->ls[i]->fd);
		free(pk->ls[i]);
	}
	pk->nls = 0;
	if (pk->resume)
		event_del(pk->resume);
}

void peek_listener_setup(struct peek *pk)
{
	pk->resume = evtimer_new(pk->base, on_resume, pk);
}
