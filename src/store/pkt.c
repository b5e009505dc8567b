/* pkt.c - see pkt.h. */
#include "pkt.h"

#include <string.h>

#include "../util/varint.h"

enum {
	PKT_HAS_FLAGS = 1,
	PKT_HAS_ICMP = 2,
	PKT_HAS_LEN = 4,
	PKT_HAS_TTL = 8,
	PKT_HAS_WINDOW = 16,
	PKT_HAS_OPTS = 32,
	PKT_HAS_IP = 64, /* the IP flags and options count (EV_HAS_IP_FLAGS) */
};

size_t pkt_encode(const struct event *ev, unsigned char *out)
{
	unsigned bits = 0;
	size_t n = 1;
	if (ev->has & EV_HAS_TCP_FLAGS) {
		bits |= PKT_HAS_FLAGS;
		out[n++] = ev->tcp_flags;
	}
	if (ev->has & EV_HAS_ICMP) {
		bits |= PKT_HAS_ICMP;
		out[n++] = ev->icmp_type;
		out[n++] = ev->icmp_code;
	}
	if (ev->has & EV_HAS_LEN) {
		bits |= PKT_HAS_LEN;
		n += varint_put(out + n, ev->len);
	}
	if (ev->has & EV_HAS_TTL) {
		bits |= PKT_HAS_TTL;
		out[n++] = ev->ttl;
	}
	if (ev->has & EV_HAS_WINDOW) {
		bits |= PKT_HAS_WINDOW;
		n += varint_put(out + n, ev->window);
	}
	if (ev->has & EV_HAS_IP_FLAGS) {
		bits |= PKT_HAS_IP;
		out[n++] = ev->ip_flags;
		out[n++] = ev->ip_opts;
	}
	if (ev->tcp_opts.n) {
		bits |= PKT_HAS_OPTS;
		memcpy(out + n, ev->tcp_opts.p, ev->tcp_opts.n);
		n += ev->tcp_opts.n;
	}
	if (!bits)
		return 0;
	out[0] = (unsigned char)bits;
	return n;
}

int pkt_decode(const void *blob, size_t n, struct event *ev)
{
	const uint8_t *p = blob;
	size_t at = 1;
	uint64_t v;
	if (n < 1 || p[0] >= 128)
		return -1;
	unsigned bits = p[0];
	if (bits & PKT_HAS_FLAGS) {
		if (at + 1 > n)
			return -1;
		ev->tcp_flags = p[at++];
		ev->has |= EV_HAS_TCP_FLAGS;
	}
	if (bits & PKT_HAS_ICMP) {
		if (at + 2 > n)
			return -1;
		ev->icmp_type = p[at++];
		ev->icmp_code = p[at++];
		ev->has |= EV_HAS_ICMP;
	}
	if (bits & PKT_HAS_LEN) {
		if (varint_get(p, n, &at, &v) || v > UINT32_MAX)
			return -1;
		ev->len = (uint32_t)v;
		ev->has |= EV_HAS_LEN;
	}
	if (bits & PKT_HAS_TTL) {
		if (at + 1 > n)
			return -1;
		ev->ttl = p[at++];
		ev->has |= EV_HAS_TTL;
	}
	if (bits & PKT_HAS_WINDOW) {
		if (varint_get(p, n, &at, &v) || v > UINT16_MAX)
			return -1;
		ev->window = (uint16_t)v;
		ev->has |= EV_HAS_WINDOW;
	}
	if (bits & PKT_HAS_IP) {
		if (at + 2 > n)
			return -1;
		ev->ip_flags = p[at++];
		ev->ip_opts = p[at++];
		ev->has |= EV_HAS_IP_FLAGS;
	}
	size_t rest = n - at;
	if (!(bits & PKT_HAS_OPTS))
		return rest ? -1 : 0;
	if (!rest || rest > UINT32_MAX)
		return -1;
	ev->tcp_opts = (struct ev_str){ (const char *)p + at, (uint32_t)rest };
	return 0;
}

/* pkt_pack(tcp_flags, icmp_type, icmp_code, len, ttl, window, tcp_opts):
 * the columns of schema 17 as one pkt BLOB (NULL: nothing). */
static void pack_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct event ev;
	event_clear(&ev);
	static const unsigned bit[6] = { EV_HAS_TCP_FLAGS, EV_HAS_ICMP, EV_HAS_ICMP,
					 EV_HAS_LEN,	   EV_HAS_TTL,	EV_HAS_WINDOW };
	int64_t v[6];
	for (int i = 0; i < 6; i++) {
		v[i] = sqlite3_value_int64(argv[i]);
		if (sqlite3_value_type(argv[i]) != SQLITE_NULL)
			ev.has |= bit[i];
	}
	/* ICMP type and code were stored together */
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL)
		ev.has &= ~(unsigned)EV_HAS_ICMP;
	ev.tcp_flags = (uint8_t)v[0];
	ev.icmp_type = (uint8_t)v[1];
	ev.icmp_code = (uint8_t)v[2];
	ev.len = (uint32_t)v[3];
	ev.ttl = (uint8_t)v[4];
	ev.window = (uint16_t)v[5];
	const unsigned char *opts = sqlite3_value_text(argv[6]);
	int nopts = sqlite3_value_bytes(argv[6]);
	if (opts && nopts > 0)
		ev.tcp_opts = (struct ev_str){ (const char *)opts, (uint32_t)nopts };
	unsigned char *out = sqlite3_malloc64(PKT_FIXED_MAX + (size_t)(nopts > 0 ? nopts : 0));
	if (!out) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	size_t n = pkt_encode(&ev, out);
	if (n)
		sqlite3_result_blob(cx, out, (int)n, sqlite3_free);
	else {
		sqlite3_free(out);
		sqlite3_result_null(cx);
	}
}

int pkt_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "pkt_pack", 7, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       pack_fn, NULL, NULL);
}
