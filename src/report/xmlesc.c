/* xmlesc.c - see xmlesc.h. */
#include "xmlesc.h"

#include "../util/utf8.h"

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
			size_t len = utf8_valid_len(u + i, n - i, 1);
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
