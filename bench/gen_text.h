/* gen_text.h - fast text building for the generator's format writers.
 *
 * printf would cap the generator near a million lines a second; these write
 * straight into the output buffer, which always has room for a whole line
 * (GEN_LINE_MAX), so none of them checks bounds. */
#ifndef PORTLOG_BENCH_GEN_TEXT_H
#define PORTLOG_BENCH_GEN_TEXT_H

#include <string.h>

#include "gen.h"

extern const char gen_digits2[201]; /* "00" "01" ... "99" */

#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

static inline char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static inline char *put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;
	while (v >= 100) {
		uint32_t q = v / 100, d = v - q * 100;
		tmp[n++] = gen_digits2[2 * d + 1];
		tmp[n++] = gen_digits2[2 * d];
		v = q;
	}
	if (v >= 10) {
		tmp[n++] = gen_digits2[2 * v + 1];
		tmp[n++] = gen_digits2[2 * v];
	} else {
		tmp[n++] = (char)('0' + v);
	}
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Exactly two digits, zero padded. */
static inline char *put_2d(char *p, uint32_t v)
{
	p[0] = gen_digits2[2 * v];
	p[1] = gen_digits2[2 * v + 1];
	return p + 2;
}

static inline char *put_hex2(char *p, uint8_t v, const char *digits)
{
	p[0] = digits[v >> 4];
	p[1] = digits[v & 15];
	return p + 2;
}

static inline char *put_ipv4(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_u32(p, b[i]);
	}
	return p;
}

/* The kernel's %pI6: eight groups of four lower-case hex digits, no "::". */
static inline char *put_ipv6_full(char *p, const uint8_t *b)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i += 2) {
		if (i)
			*p++ = ':';
		p = put_hex2(p, b[i], hex);
		p = put_hex2(p, b[i + 1], hex);
	}
	return p;
}

static inline char *put_mac(char *p, const uint8_t *m)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		p = put_hex2(p, m[i], hex);
		*p++ = ':';
	}
	return p; /* ends with ':', the caller adds the next bytes */
}

#endif
