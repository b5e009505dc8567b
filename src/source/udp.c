/* udp.c - see udp.h. */
#include "udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "snmptrap.h"

enum {
	BATCH = 32,            /* datagrams per recvmmsg */
	ROUNDS = 64,           /* recvmmsg calls per wakeup, then others get a turn */
	RCVBUF = 8 << 20,      /* absorb bursts while the writer commits */
};

struct udp_listener {
	struct ingest *in;
	int index, fd, traps;
	struct event *ev;
	uint32_t ovfl_last; /* kernel drop counter seen last */
	int ovfl_seen;
	char *bufs;         /* BATCH buffers of UDP_MSG_MAX + 1 */
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	char ctl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
};

static int64_t wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void kernel_drops(struct udp_listener *u, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL)
			continue;
		uint32_t v;
		memcpy(&v, CMSG_DATA(c), sizeof v);
		if (u->ovfl_seen)
			u->in->kernel_drops += (uint32_t)(v - u->ovfl_last);
		else
			u->in->kernel_drops += v;
		u->ovfl_last = v;
		u->ovfl_seen = 1;
	}
}

/* Each text varbind of a trap is one or more log lines. */
static void trap(struct udp_listener *u, const struct ev_addr *peer, const char *p, size_t n,
		 int64_t now)
{
	struct snmp_trap t;
	const char *why;
	if (snmp_trap_decode((const uint8_t *)p, n, &t, &why)) {
		ingest_reject(u->in, why);
		return;
	}
	if (t.ntexts == 0)
		ingest_reject(u->in, "SNMP trap without text");
	if (t.texts_dropped)
		ingest_reject(u->in, "SNMP trap with too many texts");
	for (int i = 0; i < t.ntexts; i++) {
		const char *s = t.texts[i].p, *end = s + t.texts[i].n;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			const char *e = nl ? nl : end;
			ingest_msg(u->in, u->index, peer, s, (size_t)(e - s), now, 1);
			s = e + 1;
		}
	}
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct udp_listener *u = arg;
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < BATCH; i++) {
			u->msgs[i].msg_hdr.msg_namelen = sizeof u->from[i];
			u->msgs[i].msg_hdr.msg_controllen = sizeof u->ctl[i];
			u->msgs[i].msg_hdr.msg_flags = 0;
		}
		int k = recvmmsg(fd, u->msgs, BATCH, MSG_DONTWAIT, NULL);
		if (k <= 0)
			break;
		int64_t now = wall_us();
		for (int i = 0; i < k; i++) {
			struct msghdr *mh = &u->msgs[i].msg_hdr;
			kernel_drops(u, mh);
			size_t n = u->msgs[i].msg_len;
			if ((mh->msg_flags & MSG_TRUNC) || n > UDP_MSG_MAX) {
				ingest_reject(u->in, "oversized datagram");
				continue;
			}
			struct ev_addr peer;
			sockaddr_to_ev((struct sockaddr *)mh->msg_name, &peer);
			const char *p = u->iov[i].iov_base;
			if (u->traps)
				trap(u, &peer, p, n, now);
			else
				ingest_msg(u->in, u->index, &peer, p, n, now, 1);
		}
		if (k < BATCH)
			break;
	}
	ingest_flush(u->in);
}

struct udp_listener *udp_listener_new(struct event_base *base, struct ingest *in, int index,
				      int fd, int traps)
{
	struct udp_listener *u = calloc(1, sizeof *u);
	if (!u || !(u->bufs = malloc((size_t)BATCH * (UDP_MSG_MAX + 1)))) {
		free(u);
		return NULL;
	}
	u->in = in;
	u->index = index;
	u->fd = fd;
	u->traps = traps;
	for (int i = 0; i < BATCH; i++) {
		/* One byte more than accepted, so MSG_TRUNC tells an oversized one. */
		u->iov[i] = (struct iovec){ u->bufs + (size_t)i * (UDP_MSG_MAX + 1), UDP_MSG_MAX + 1 };
		u->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &u->from[i],
						      .msg_iov = &u->iov[i],
						      .msg_iovlen = 1,
						      .msg_control = u->ctl[i] };
	}
	int one = 1, size = RCVBUF;
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
	/* FORCE works for root (past net.core.rmem_max); otherwise take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	u->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, u);
	if (!u->ev || event_add(u->ev, NULL)) {
		udp_listener_free(u);
		return NULL;
	}
	return u;
}

void udp_listener_free(struct udp_listener *u)
{
	if (!u)
		return;
	if (u->ev)
		event_free(u->ev);
	close(u->fd);
	free(u->bufs);
	free(u);
}
