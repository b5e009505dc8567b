/* varint.h - unsigned LEB128 integers, as the packed blobs of the store
 * hold them (store/rupack.c, store/probe_packs.c): seven bits a byte, low
 * first, the high bit set on every byte but the last. */
#ifndef PORTLOG_VARINT_H
#define PORTLOG_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* The longest encoding of a 64-bit value. */
enum { VARINT_MAX = 10 };

/* Encode v at out (VARINT_MAX bytes of room); returns the bytes written. */
static inline size_t varint_put(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* Decode the value at *pos of p[0..n) into *v and advance *pos: 0, or -1
 * when it runs past n or past 64 bits. */
static inline int varint_get(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64 && *pos < n; shift += 7) {
		uint8_t b = p[(*pos)++];
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

#endif
