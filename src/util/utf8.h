/* utf8.h - how long a valid UTF-8 sequence is, for the escapers. */
#ifndef PORTLOG_UTF8_H
#define PORTLOG_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if it is
 * invalid: truncated, overlong, a surrogate or beyond U+10FFFF.  With
 * xml_strict, U+FFFE and U+FFFF (which XML forbids) are invalid too. */
static inline size_t utf8_valid_len(const unsigned char *s, size_t n, int xml_strict)
{
	unsigned c = s[0], min;
	size_t len;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		len = 2, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		len = 3, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	if (xml_strict && (c == 0xfffe || c == 0xffff))
		return 0;
	return len;
}

#endif
