/* fuzz_escape.c - libFuzzer target: attacker-made bytes written to a
 * terminal, JSON and CSV (util/escape.c) and SVG/HTML (report/xmlesc.c),
 * each output read back by a decoder, or compared with a model, written
 * here from the formats' rules, not from the escapers.
 *
 * Checks: terminal text is printable ASCII and decodes to the input; a JSON
 * string is well formed, holds only valid UTF-8 and no raw control byte,
 * and decodes to the input with each byte of an invalid sequence made
 * U+FFFD; a CSV field is one RFC 4180 field that decodes to the input, with
 * a ' put before what a spreadsheet would take for a formula; XML text is
 * the input with & < > " ' as entities, a tab as a space, and every byte
 * XML 1.0 cannot hold (controls, invalid UTF-8, U+FFFE, U+FFFF) as
 * U+FFFD. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/report/xmlesc.h"
#include "../src/util/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) __attribute__((noreturn));
static void fail(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

/* The length of a valid UTF-8 sequence at s, 0 if none (RFC 3629 4). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
		   : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* RFC 3629's table: no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

static char *run(void (*fn)(FILE *, const char *, size_t), const uint8_t *d, size_t n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	fn(f, (const char *)d, n);
	fclose(f);
	return buf;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void check_text(const uint8_t *d, size_t n)
{
	size_t len, k = 0;
	char *o = run(esc_text, d, n, &len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)o[i];
		if (c < 0x20 || c > 0x7e)
			fail("text: a byte a terminal would act on");
		if (c == '\\') {
			int v;
			if (i + 1 < len && o[i + 1] == '\\')
				v = '\\', i++;
			else if (i + 3 < len && o[i + 1] == 'x' && hexval(o[i + 2]) >= 0 &&
				 hexval(o[i + 3]) >= 0)
				v = hexval(o[i + 2]) * 16 + hexval(o[i + 3]), i += 3;
			else
				fail("text: a bad escape");
			c = (unsigned char)v;
		}
		if (k >= n || d[k++] != c)
			fail("text: does not decode to the input");
	}
	if (k != n)
		fail("text: shorter than the input");
	free(o);
}

static void check_json(const uint8_t *d, size_t n)
{
	size_t len;
	char *o = run(esc_json, d, n, &len);
	if (len < 2 || o[0] != '"' || o[len - 1] != '"')
		fail("json: not a quoted string");
	size_t k = 0; /* position in the input */
	const unsigned char *u = (const unsigned char *)o;
	for (size_t i = 1; i < len - 1;) {
		if (u[i] < 0x20)
			fail("json: a raw control byte");
		if (u[i] == '"')
			fail("json: a quote not escaped");
		if (u[i] == '\\') {
			if (i + 1 >= len - 1)
				fail("json: a lone backslash");
			char e = o[i + 1];
			unsigned cp;
			if (e == '"' || e == '\\' || e == '/') {
				cp = (unsigned char)e;
				i += 2;
			} else if (e == 'u' && i + 5 < len - 1) {
				cp = 0;
				for (int j = 2; j < 6; j++) {
					int h = hexval(o[i + j]);
					if (h < 0)
						fail("json: a bad \\u escape");
					cp = cp * 16 + (unsigned)h;
				}
				i += 6;
			} else {
				fail("json: an escape this encoder should not need");
			}
			if (cp == 0xfffd) { /* an invalid input byte */
				if (k >= n || utf8_len(d + k, n - k))
					fail("json: U+FFFD for a valid byte");
				k++;
			} else if (cp >= 0x80 || k >= n || d[k++] != cp) {
				fail("json: an escape that is not the input's byte");
			}
			continue;
		}
		size_t l = utf8_len(u + i, len - 1 - i);
		if (!l)
			fail("json: invalid UTF-8 in the output");
		if (k + l > n || memcmp(d + k, u + i, l))
			fail("json: does not decode to the input");
		k += l;
		i += l;
	}
	if (k != n)
		fail("json: shorter than the input");
	free(o);
}

static void check_csv(const uint8_t *d, size_t n)
{
	size_t len;
	char *o = run(esc_csv, d, n, &len);
	int formula = n && (d[0] == '=' || d[0] == '+' || d[0] == '-' || d[0] == '@' ||
			    d[0] == '\t' || d[0] == '\r');
	if (len == 0 || o[0] != '"') { /* unquoted: the input, with nothing to quote */
		if (formula)
			fail("csv: a formula left as it is");
		if (len != n || memcmp(o, d, n))
			fail("csv: an unquoted field that is not the input");
		if (memchr(o, ',', len) || memchr(o, '"', len) || memchr(o, '\n', len) ||
		    memchr(o, '\r', len))
			fail("csv: a separator in an unquoted field");
		free(o);
		return;
	}
	if (len < 2 || o[len - 1] != '"')
		fail("csv: a quoted field not closed");
	char *v = malloc(len);
	size_t k = 0;
	for (size_t i = 1; i < len - 1; i++) {
		if (o[i] == '"') {
			if (i + 1 >= len - 1 || o[i + 1] != '"')
				fail("csv: a quote not doubled");
			i++;
		}
		v[k++] = o[i];
	}
	size_t skip = formula ? 1 : 0;
	if (formula && (k == 0 || v[0] != '\''))
		fail("csv: a formula not defused");
	if (k - skip != n || memcmp(v + skip, d, n))
		fail("csv: a quoted field that is not the input");
	free(v);
	free(o);
}

static void check_xml(const uint8_t *d, size_t n)
{
	size_t len;
	char *o = run(esc_xml, d, n, &len);
	char *want = NULL;
	size_t wlen;
	FILE *w = open_memstream(&want, &wlen);
	if (!w)
		abort();
	for (size_t k = 0; k < n;) {
		unsigned c = d[k];
		const char *ent = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
				: c == '"' ? "&quot;" : c == '\'' ? "&#39;" : NULL;
		size_t l = c >= 0x80 ? utf8_len(d + k, n - k) : 1;
		if (l == 3 && d[k] == 0xef && d[k + 1] == 0xbf && d[k + 2] >= 0xbe)
			l = 0; /* U+FFFE, U+FFFF: not XML characters */
		if (ent)
			fputs(ent, w);
		else if (c == '\t')
			putc(' ', w);
		else if (c < 0x20 || c == 0x7f || !l)
			fputs("\xef\xbf\xbd", w);
		else
			fwrite(d + k, 1, l, w);
		k += l ? l : 1;
	}
	fclose(w);
	if (len != wlen || memcmp(o, want, len))
		fail("xml: not the input with entities and replacements");
	free(want);
	free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_xml(data, size);
	check_text(data, size);
	check_json(data, size);
	check_csv(data, size);
	return 0;
}
