/* escape.c - see escape.h. */
#include "escape.h"
#include "utf8.h"

#include <string.h>

void esc_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			putc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

void esc_json(FILE *f, const char *s, size_t n)
{
	putc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			putc(c, f);
			i++;
		} else {
			size_t k = utf8_valid_len((const unsigned char *)s + i, n - i, 0);
			if (k) {
				fwrite(s + i, 1, k, f);
				i += k;
			} else {
				fputs("\\ufffd", f);
				i++;
			}
		}
	}
	putc('"', f);
}

/* What a spreadsheet may take as the start of a formula (OWASP's CSV
 * injection list: = + - @, and tab and carriage return before them). */
static int formula_start(const char *s, size_t n)
{
	return n && s[0] && strchr("=+-@\t\r", s[0]);
}

void esc_csv(FILE *f, const char *s, size_t n)
{
	int defuse = formula_start(s, n), quote = defuse;
	for (size_t i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	if (defuse)
		putc('\'', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}
