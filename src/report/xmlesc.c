/* xmlesc.c - see xmlesc.h. */
#include "xmlesc.h"

/* Length of a valid, XML-allowed UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], min;
	size_t len;
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
	/* overlong, surrogates, beyond Unicode, and the non-characters XML forbids */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff || c == 0xfffe || c == 0xffff)
		return 0;
	return len;
}

void esc_xml(FILE *f, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		switch (c) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		default: break;
		}
		if (c >= 0x20 && c < 0x7f) {
			putc((int)c, f);
			i++;
		} else if (c == '\t') {
			putc(' ', f);
			i++;
		} else if (c >= 0x80) {
			size_t len = utf8_seq(u + i, n - i);
			if (len) {
				fwrite(u + i, 1, len, f);
				i += len;
			} else {
				fputs("\xef\xbf\xbd", f);
				i++;
			}
		} else {
			fputs("\xef\xbf\xbd", f); /* controls, DEL: not allowed in XML 1.0 */
			i++;
		}
	}
}
