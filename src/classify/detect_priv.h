/* detect_priv.h - what the detectors share, and nobody else. */
#ifndef PORTLOG_DETECT_PRIV_H
#define PORTLOG_DETECT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"

struct emit {
	detect_cb cb;
	void *arg;
	int rc; /* first non-zero callback result */
};
static inline void emit(struct emit *e, const struct finding *f)
{
	if (!e->rc)
		e->rc = e->cb(e->arg, f);
}

/* A bounded set of 32-bit hashes (open addressing; 0 is never stored).
 * The first HSET_INLINE slots live in the set itself: most sets (a
 * source's targets, a host's peers) stay that small, and a malloc and a
 * free for each of hundreds of thousands of them was a tenth of the
 * detectors' cost.  Being inside, they move with the struct when it is
 * copied (infected.c moves its states). */
enum { HSET_INLINE = 16 };
struct hset {
	uint32_t *v;  /* the slots once cap > HSET_INLINE; unused before */
	uint32_t n, cap, max;
	uint8_t full; /* stopped growing at max: counts are lower bounds */
	uint32_t inl[HSET_INLINE];
};
/* 1 if h was new (and added), 0 if seen or the set is full. */
int hset_add(struct hset *s, uint32_t h);
void hset_free(struct hset *s);
static inline size_t hset_bytes(const struct hset *s) /* beyond the struct itself */
{
	return s->cap > HSET_INLINE ? (size_t)s->cap * sizeof(uint32_t) : 0;
}

uint32_t addr_hash32(const struct ev_addr *a, uint32_t salt);
int addr_is_multicast(const struct ev_addr *a); /* also broadcast */
/* "445/tcp", "icmp", "47" */
void port_proto_str(int port, int proto, char *buf, size_t n);
/* Append s to buf (capacity n) if it fits, else "..." once: a textbuf
 * (below) over the text already in buf. */
void append_bounded(char *buf, size_t n, const char *s);

/* The same text, built without printf: a finding's evidence is written for
 * every scan that ends (hundreds of thousands in a big import), on the
 * thread that reads the log.  A textbuf is append_bounded with the length
 * kept, so a list of k items costs k copies, not k strlen()s. */
struct textbuf {
	char *buf;
	size_t n, len; /* capacity, and the text's length */
	int cut;       /* "..." was appended (or nothing more fits): the list is closed */
};
static inline void textbuf_init(struct textbuf *t, char *buf, size_t n)
{
	*t = (struct textbuf){ buf, n, 0, 0 };
	buf[0] = '\0';
}
/* As append_bounded(t->buf, t->n, s) for s of length k. */
void textbuf_add(struct textbuf *t, const char *s, size_t k);
/* Decimal digits of v into p (room for 10); their number. */
size_t uint_text(char *p, uint32_t v);
/* snprintf(dst, n, "%s", src) */
void copy_text(char *dst, size_t n, const char *src);

struct scan_det;
struct scan_det *scan_new(const struct detect_conf *c, struct emit *e);
/* An event is fed in two steps: hash the source and prefetch its place in
 * the table (returns the hash), then, after other work, feed with it. */
uint32_t scan_prefetch(const struct scan_det *s, const struct event *ev);
void scan_feed_hashed(struct scan_det *s, const struct event *ev, uint32_t src_hash);
void scan_finish(struct scan_det *s);
size_t scan_memory(const struct scan_det *s);
void scan_free(struct scan_det *s);

struct infected_det;
struct infected_det *infected_new(const struct detect_conf *c, struct emit *e);
void infected_feed(struct infected_det *s, const struct event *ev);
void infected_finish(struct infected_det *s);
size_t infected_memory(const struct infected_det *s);
void infected_free(struct infected_det *s);

struct outbreak_det;
struct outbreak_det *outbreak_new(const struct detect_conf *c, struct emit *e);
/* An event is fed in two steps, so the port's state (a cache miss on a port
 * not seen lately) can arrive while other detectors work: its state, or
 * NULL (no protocol, or no room); then count the event there.  Nothing
 * else may feed s in between. */
struct port_state;
struct port_state *outbreak_locate(struct outbreak_det *s, const struct event *ev);
void outbreak_count(struct outbreak_det *s, struct port_state *p, const struct event *ev);
void outbreak_finish(struct outbreak_det *s);
size_t outbreak_memory(const struct outbreak_det *s);
void outbreak_free(struct outbreak_det *s);

struct rep_det;
struct rep_det *reputation_new(const struct detect_conf *c, struct emit *e);
void reputation_feed(struct rep_det *r, const struct event *ev);
void reputation_finish(struct rep_det *r);
size_t reputation_memory(const struct rep_det *r);
void reputation_free(struct rep_det *r);

#endif
