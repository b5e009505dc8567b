/* ingest.c - see ingest.h. */
#include "ingest.h"

#include <netinet/in.h>
#include <string.h>

void ingest_init(struct ingest *in, struct msgq *q)
{
	memset(in, 0, sizeof *in);
	in->q = q;
}

int ingest_listener(struct ingest *in, const char *name)
{
	if (in->nlisteners == INGEST_LISTENERS_MAX)
		return -1;
	snprintf(in->listeners[in->nlisteners].name, INGEST_NAME_MAX, "%s", name);
	return in->nlisteners++;
}

static int same_addr(const struct ev_addr *a, const struct ev_addr *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

static void count_peer(struct ingest *in, const struct ev_addr *peer)
{
	if (in->npeers && same_addr(&in->peers[in->last_peer].addr, peer)) {
		in->peers[in->last_peer].msgs++;
		return;
	}
	for (int i = 0; i < in->npeers; i++)
		if (same_addr(&in->peers[i].addr, peer)) {
			in->peers[i].msgs++;
			in->last_peer = i;
			return;
		}
	if (in->npeers == INGEST_PEERS_MAX) {
		in->other_peers++;
		return;
	}
	in->peers[in->npeers].addr = *peer;
	in->peers[in->npeers].msgs = 1;
	in->last_peer = in->npeers++;
}

int ingest_msg(struct ingest *in, int listener, const struct ev_addr *peer, const char *p,
	       size_t n, int64_t recv_us, int may_drop)
{
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == '\0'))
		n--;
	if (n == 0)
		return 0;
	struct qmsg h = { .listener = (uint16_t)listener, .recv_us = recv_us, .peer = *peer };
	int full = msgq_push(in->q, &h, p, n) != 0;
	if (full && !may_drop)
		return -1;
	in->received++;
	in->listeners[listener].msgs++;
	in->listeners[listener].bytes += n;
	count_peer(in, peer);
	if (full) {
		in->queue_drops++;
		return -1;
	}
	return 0;
}

void ingest_reject(struct ingest *in, const char *why)
{
	stat_add(&in->rejected, why, 1);
}

void ingest_flush(struct ingest *in)
{
	msgq_wake(in->q);
}
