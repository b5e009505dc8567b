/* rd.h - a bounds-checked reader over captured bytes.  Reading past the end
 * sets err and yields zeros, so a parser checks err once at the end of a
 * step instead of before every field. */
#ifndef PORTLOG_RD_H
#define PORTLOG_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const unsigned char *p;
	size_t n, off;
	int err;
};

static inline struct rd rd_init(const unsigned char *p, size_t n)
{
	return (struct rd){ p, n, 0, 0 };
}

static inline int rd_has(struct rd *r, size_t k)
{
	if (r->err || r->off > r->n || k > r->n - r->off) {
		r->err = 1;
		return 0;
	}
	return 1;
}

static inline const unsigned char *rd_take(struct rd *r, size_t k)
{
	if (!rd_has(r, k))
		return NULL;
	const unsigned char *q = r->p + r->off;
	r->off += k;
	return q;
}

static inline unsigned rd_u8(struct rd *r)
{
	const unsigned char *q = rd_take(r, 1);
	return q ? q[0] : 0;
}

static inline unsigned rd_u16be(struct rd *r)
{
	const unsigned char *q = rd_take(r, 2);
	return q ? (unsigned)q[0] << 8 | q[1] : 0;
}

static inline unsigned rd_u16le(struct rd *r)
{
	const unsigned char *q = rd_take(r, 2);
	return q ? (unsigned)q[1] << 8 | q[0] : 0;
}

static inline uint32_t rd_u24be(struct rd *r)
{
	const unsigned char *q = rd_take(r, 3);
	return q ? (uint32_t)q[0] << 16 | (uint32_t)q[1] << 8 | q[2] : 0;
}

static inline uint32_t rd_u32le(struct rd *r)
{
	const unsigned char *q = rd_take(r, 4);
	return q ? (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0] : 0;
}

static inline void rd_skip(struct rd *r, size_t k)
{
	(void)rd_take(r, k);
}

/* Go to offset off from the start; past the end is an error like any
 * read there (never an offset beyond n, from which n - off would wrap). */
static inline void rd_seek(struct rd *r, size_t off)
{
	if (off > r->n)
		r->err = 1;
	else
		r->off = off;
}

/* A sub-reader over the next k bytes (which this reader skips). */
static inline struct rd rd_sub(struct rd *r, size_t k)
{
	const unsigned char *q = rd_take(r, k);
	struct rd s = rd_init(q ? q : r->p, q ? k : 0);
	s.err = q ? 0 : 1;
	return s;
}

static inline size_t rd_left(const struct rd *r)
{
	return r->err ? 0 : r->n - r->off;
}

#endif
