/* peek_priv.h - what the peek files share, and nobody else. */
#ifndef PORTLOG_PEEK_PRIV_H
#define PORTLOG_PEEK_PRIV_H

#include "peek.h"

enum { PEEK_BANNER_MAX = 4096, PEEK_BANNERS = 64, PEEK_LISTENERS = 256 };

/* One source address (IPv6: its /64, so one host cannot spread over many). */
struct src_entry {
	struct ev_addr addr;
	int open;        /* connections open now */
	double tokens;   /* connection-rate bucket */
	int64_t last_us; /* last refill */
	struct src_entry *next; /* hash chain or free list */
};

struct src_table {
	uint64_t seed; /* hash_secret(): peers choose their addresses */
	struct src_entry *pool, *free;
	struct src_entry **buckets;
	size_t nbuckets;
	int used, cap;
};

int src_table_init(struct src_table *t, int cap);
void src_table_free(struct src_table *t);
/* The entry for a, created if needed; NULL when the table is full even
 * after pruning idle entries. */
struct src_entry *src_get(struct src_table *t, const struct ev_addr *a, const struct peek_limits *l,
			  int64_t now_us);
/* Take one token from the rate bucket: 0 allowed, -1 over the rate. */
int src_take(struct src_entry *e, const struct peek_limits *l, int64_t now_us);
/* Drop entries with nothing open and a full bucket. */
void src_prune(struct src_table *t, const struct peek_limits *l, int64_t now_us);

struct conn;

struct listener {
	struct peek *pk;
	struct event *ev;
	int fd, udp, port;
	struct ev_addr local; /* bound address (family 0 for a wildcard) */
};

struct banner {
	int port;
	size_t n;
	unsigned char b[PEEK_BANNER_MAX];
};

struct peek {
	struct event_base *base;
	struct store *st;
	const struct patterns *pats;
	struct peek_limits lim;
	struct peek_counters c;
	struct src_table srcs;
	struct listener *ls[PEEK_LISTENERS];
	int nls;
	struct banner *banners[PEEK_BANNERS];
	int nbanners;
	struct conn *silent_head, *silent_tail; /* sent nothing yet, oldest first */
	struct conn *active_head;               /* sent something */
	struct event *tick, *resume;
	int paused; /* accepting paused after running out of descriptors */
	unsigned char scratch[65536];
	int uncommitted;
};

int64_t peek_now_us(void);
const struct banner *peek_banner(const struct peek *pk, int port);

/* listener.c: the resume timer; closing every listener. */
void peek_listener_setup(struct peek *pk);
void peek_listeners_free(struct peek *pk);

/* capture.c */
void conn_start(struct peek *pk, struct listener *l, int fd, const struct ev_addr *src, int sport,
		const struct ev_addr *dst, int dport, struct src_entry *se);
/* Close the oldest connection that has sent nothing; 0 if there was one. */
int conn_evict_silent(struct peek *pk);
void conn_close_all(struct peek *pk, const char *why);

/* record.c: the event and the capture row for what one peer sent. */
struct peek_record {
	int64_t ts_us, duration_us;
	int proto;
	const struct ev_addr *src, *dst;
	int sport, dport;
	uint64_t bytes_in, bytes_out;
	const char *end_reason;
	const unsigned char *data;
	size_t len;
};
void peek_record(struct peek *pk, const struct peek_record *r);

#endif
