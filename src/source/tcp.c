/* tcp.c - see tcp.h. */
#include "tcp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "framing.h"

enum {
	BUF_START = 4096,
	READS_PER_WAKE = 16, /* then other connections get a turn */
	ACCEPTS_PER_WAKE = 256,
	ACCEPT_PAUSE_MS = 100, /* out of file descriptors: try again later */
	UNPAUSE_MS = 5,        /* queue full: look again this soon */
};

struct tcp_conn {
	struct tcp_server *srv;
	int fd, slot;
	struct event *ev;
	struct ev_addr peer;
	char *buf;
	size_t len, cap;
	struct framer fr;
	int64_t last_ms;
	int paused; /* the queue was full: not reading until it has room */
};

struct tcp_server {
	struct event_base *base;
	struct ingest *in;
	int index, fd;
	struct tcp_limits lim;
	struct event *accept_ev, *sweep_ev, *resume_ev, *unpause_ev;
	struct tcp_conn **conns;
	int nconns, npaused;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void conn_close(struct tcp_conn *c)
{
	struct tcp_server *s = c->srv;
	if (c->paused)
		s->npaused--;
	/* Keep the array dense: the last one takes this slot. */
	s->conns[c->slot] = s->conns[--s->nconns];
	s->conns[c->slot]->slot = c->slot;
	event_free(c->ev);
	close(c->fd);
	free(c->buf);
	free(c);
}

/* The queue is full: stop reading this connection (TCP then slows the
 * sender down) and look again in UNPAUSE_MS. */
static void pause_conn(struct tcp_conn *c)
{
	struct tcp_server *s = c->srv;
	if (c->paused)
		return;
	c->paused = 1;
	event_del(c->ev);
	if (s->npaused++ == 0) {
		struct timeval tv = { 0, UNPAUSE_MS * 1000 };
		evtimer_add(s->unpause_ev, &tv);
	}
}

/* Queue every complete frame in the buffer; 0, or -1 when the stream can
 * not go on (the reason is counted).  A frame the queue has no room for
 * stays in the buffer and the connection pauses. */
static int frames(struct tcp_conn *c, int eof)
{
	struct tcp_server *s = c->srv;
	size_t off = 0;
	int64_t now = wall_us();
	int rc = 0;
	while (off < c->len) {
		struct frame f;
		struct framer saved = c->fr;
		int r = frame_next(&c->fr, c->buf + off, c->len - off, eof, &f);
		if (r == FRAME_NEED)
			break;
		if (r == FRAME_OK && ingest_msg(s->in, s->index, &c->peer, f.p, f.n, now, 0)) {
			c->fr = saved;
			pause_conn(c);
			break;
		}
		off += f.consumed;
		if (r != FRAME_OK && f.why)
			ingest_reject(s->in, f.why);
		if (r == FRAME_FATAL) {
			rc = -1;
			break;
		}
	}
	if (off) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	ingest_flush(s->in);
	return rc;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct tcp_conn *c = arg;
	size_t limit = c->srv->lim.max_frame + 32; /* a frame plus its length prefix */
	for (int i = 0; i < READS_PER_WAKE; i++) {
		if (c->cap - c->len < BUF_START && c->cap < limit) {
			size_t cap = c->cap ? c->cap * 4 : BUF_START;
			if (cap > limit)
				cap = limit;
			char *b = realloc(c->buf, cap);
			if (!b) {
				ingest_reject(c->srv->in, "out of memory");
				conn_close(c);
				return;
			}
			c->buf = b;
			c->cap = cap;
		}
		ssize_t k = read(fd, c->buf + c->len, c->cap - c->len);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k <= 0) {
			if (k < 0)
				ingest_reject(c->srv->in, "connection reset");
			if (c->len && frames(c, 1) == 0 && c->len)
				ingest_reject(c->srv->in, "truncated frame");
			conn_close(c);
			return;
		}
		c->len += (size_t)k;
		c->last_ms = mono_ms();
		if (frames(c, 0)) {
			conn_close(c);
			return;
		}
		if (c->paused)
			return;
		if (c->len == c->cap && c->cap >= limit) {
			/* Cannot happen with the framer's bounds; never spin. */
			ingest_reject(c->srv->in, "frame too large");
			conn_close(c);
			return;
		}
	}
}

/* At the limit: the connection silent for longest goes. */
static void evict_one(struct tcp_server *s)
{
	int oldest = 0;
	for (int i = 1; i < s->nconns; i++)
		if (s->conns[i]->last_ms < s->conns[oldest]->last_ms)
			oldest = i;
	ingest_reject(s->in, "connection evicted (connection limit)");
	conn_close(s->conns[oldest]);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct tcp_server *s = arg;
	event_add(s->accept_ev, NULL);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	struct tcp_server *s = arg;
	for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				ingest_reject(s->in, "accept failed: out of file descriptors");
				event_del(s->accept_ev);
				struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
				evtimer_add(s->resume_ev, &tv);
			}
			return;
		}
		if (s->nconns >= s->lim.max_conns)
			evict_one(s);
		struct tcp_conn *c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			ingest_reject(s->in, "out of memory");
			return;
		}
		c->srv = s;
		c->fd = fd;
		sockaddr_to_ev((struct sockaddr *)&ss, &c->peer);
		framer_init(&c->fr, s->lim.max_frame);
		c->last_ms = mono_ms();
		c->ev = event_new(s->base, fd, EV_READ | EV_PERSIST, on_read, c);
		if (!c->ev || event_add(c->ev, NULL)) {
			if (c->ev)
				event_free(c->ev);
			close(fd);
			free(c);
			ingest_reject(s->in, "out of memory");
			return;
		}
		c->slot = s->nconns;
		s->conns[s->nconns++] = c;
	}
}

static void on_unpause(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct tcp_server *s = arg;
	for (int i = 0; i < s->nconns;) {
		struct tcp_conn *c = s->conns[i];
		if (c->paused) {
			c->paused = 0;
			s->npaused--;
			if (frames(c, 0)) {
				conn_close(c);
				continue;
			}
			if (!c->paused)
				event_add(c->ev, NULL);
		}
		i++;
	}
	if (s->npaused) {
		struct timeval tv = { 0, UNPAUSE_MS * 1000 };
		evtimer_add(s->unpause_ev, &tv);
	}
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct tcp_server *s = arg;
	int64_t now = mono_ms(), idle = (int64_t)s->lim.idle_s * 1000;
	for (int i = 0; i < s->nconns;) {
		struct tcp_conn *c = s->conns[i];
		if (now - c->last_ms >= idle && !c->paused) {
			ingest_reject(s->in, c->len ? "idle timeout inside a frame" : "idle timeout");
			conn_close(c); /* the last one moved into slot i */
			continue;
		}
		i++;
	}
}

struct tcp_server *tcp_server_new(struct event_base *base, struct ingest *in, int index, int fd,
				  const struct tcp_limits *lim)
{
	struct tcp_server *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->base = base;
	s->in = in;
	s->index = index;
	s->fd = fd;
	s->lim = *lim;
	s->conns = calloc((size_t)lim->max_conns, sizeof *s->conns);
	s->accept_ev = event_new(base, fd, EV_READ | EV_PERSIST, on_accept, s);
	s->sweep_ev = event_new(base, -1, EV_PERSIST, on_sweep, s);
	s->resume_ev = evtimer_new(base, on_resume, s);
	s->unpause_ev = evtimer_new(base, on_unpause, s);
	struct timeval sec = { 1, 0 };
	if (!s->conns || !s->accept_ev || !s->sweep_ev || !s->resume_ev || !s->unpause_ev ||
	    event_add(s->accept_ev, NULL) || event_add(s->sweep_ev, &sec)) {
		tcp_server_free(s);
		return NULL;
	}
	return s;
}

void tcp_server_free(struct tcp_server *s)
{
	if (!s)
		return;
	while (s->nconns)
		conn_close(s->conns[s->nconns - 1]);
	if (s->accept_ev)
		event_free(s->accept_ev);
	if (s->sweep_ev)
		event_free(s->sweep_ev);
	if (s->resume_ev)
		event_free(s->resume_ev);
	if (s->unpause_ev)
		event_free(s->unpause_ev);
	close(s->fd);
	free(s->conns);
	free(s);
}

int tcp_server_conns(const struct tcp_server *s)
{
	return s->nconns;
}
