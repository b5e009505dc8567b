/* capture.c - one TCP connection to a peek port: send the port's banner,
 * keep the first max_bytes the peer sends, count the rest, and end it when
 * the peer closes, after timeout_s seconds, or past conn_bytes.  A
 * connection costs a small struct and its libevent event until it sends;
 * its capture buffer is allocated on its first bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peek_priv.h"

struct conn {
	struct peek *pk;
	struct listener *l;
	struct event *ev;
	int fd;
	int silent; /* on the silent list (nothing received yet) */
	struct conn *prev, *next;
	struct src_entry *se;
	struct ev_addr src, dst;
	uint16_t sport, dport;
	int64_t start_us, deadline_us;
	unsigned char *buf;
	size_t len;
	uint64_t total, sent;
};

static void unlink_conn(struct conn *c)
{
	struct peek *pk = c->pk;
	if (c->prev)
		c->prev->next = c->next;
	else if (c->silent)
		pk->silent_head = c->next;
	else
		pk->active_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else if (c->silent)
		pk->silent_tail = c->prev;
	c->prev = c->next = NULL;
}

static void finish(struct conn *c, const char *why)
{
	struct peek *pk = c->pk;
	int64_t now = peek_now_us();
	struct peek_record r = {
		.ts_us = c->start_us,
		.duration_us = now - c->start_us,
		.proto = 6,
		.src = &c->src,
		.dst = &c->dst,
		.sport = c->sport,
		.dport = c->dport,
		.bytes_in = c->total,
		.bytes_out = c->sent,
		.end_reason = why,
		.data = c->buf,
		.len = c->len,
	};
	peek_record(pk, &r);
	unlink_conn(c);
	event_free(c->ev);
	close(c->fd);
	if (c->se)
		c->se->open--;
	pk->c.open--;
	free(c->buf);
	free(c);
}

/* Wait for the next bytes, no longer than what is left of the deadline. */
static int rearm(struct conn *c)
{
	int64_t left = c->deadline_us - peek_now_us();
	if (left < 0)
		left = 0;
	struct timeval tv = { (time_t)(left / 1000000), (suseconds_t)(left % 1000000) };
	return event_add(c->ev, &tv);
}

static void became_active(struct conn *c)
{
	struct peek *pk = c->pk;
	unlink_conn(c);
	c->silent = 0;
	c->next = pk->active_head;
	if (c->next)
		c->next->prev = c;
	pk->active_head = c;
}

static void on_conn(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct peek *pk = c->pk;
	if (what & EV_TIMEOUT) {
		pk->c.timeouts++;
		finish(c, "timeout");
		return;
	}
	/* A few reads per wake-up, so one fast sender cannot starve the rest. */
	for (int i = 0; i < 4; i++) {
		ssize_t n = recv(fd, pk->scratch, sizeof pk->scratch, 0);
		if (n == 0) {
			finish(c, "closed");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			pk->c.resets++;
			finish(c, errno == ECONNRESET ? "reset" : "error");
			return;
		}
		if (c->silent)
			became_active(c);
		pk->c.bytes_in += (uint64_t)n;
		if (c->len < pk->lim.max_bytes) {
			if (!c->buf && !(c->buf = malloc(pk->lim.max_bytes))) {
				finish(c, "out-of-memory");
				return;
			}
			size_t room = pk->lim.max_bytes - c->len;
			size_t k = (size_t)n < room ? (size_t)n : room;
			memcpy(c->buf + c->len, pk->scratch, k);
			c->len += k;
		}
		c->total += (uint64_t)n;
		if (c->total >= pk->lim.conn_bytes) {
			pk->c.byte_limits++;
			finish(c, "byte-limit");
			return;
		}
	}
	if (rearm(c))
		finish(c, "error");
}

void conn_start(struct peek *pk, struct listener *l, int fd, const struct ev_addr *src, int sport,
		const struct ev_addr *dst, int dport, struct src_entry *se)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	c->pk = pk;
	c->l = l;
	c->fd = fd;
	c->src = *src;
	c->dst = *dst;
	c->sport = (uint16_t)sport;
	c->dport = (uint16_t)dport;
	c->se = se;
	c->start_us = peek_now_us();
	c->deadline_us = c->start_us + (int64_t)pk->lim.timeout_s * 1000000;
	c->ev = event_new(pk->base, fd, EV_READ, on_conn, c);
	if (!c->ev) {
		close(fd);
		free(c);
		return;
	}
	se->open++;
	pk->c.open++;
	if (pk->c.open > pk->c.open_max)
		pk->c.open_max = pk->c.open;
	c->silent = 1;
	c->prev = pk->silent_tail;
	if (pk->silent_tail)
		pk->silent_tail->next = c;
	else
		pk->silent_head = c;
	pk->silent_tail = c;
	const struct banner *b = peek_banner(pk, dport);
	if (b) {
		/* Best effort into the socket buffer; a banner is never queued. */
		ssize_t n = send(fd, b->b, b->n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			c->sent = (uint64_t)n;
		else
			pk->c.banner_errors++;
	}
	if (rearm(c))
		finish(c, "error");
}

int conn_evict_silent(struct peek *pk)
{
	if (!pk->silent_head)
		return -1;
	pk->c.evicted++;
	finish(pk->silent_head, "evicted");
	return 0;
}

void conn_close_all(struct peek *pk, const char *why)
{
	while (pk->silent_head) {
		pk->c.shutdowns++;
		finish(pk->silent_head, why);
	}
	while (pk->active_head) {
		pk->c.shutdowns++;
		finish(pk->active_head, why);
	}
}
