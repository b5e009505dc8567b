/* fuzz_form.c - libFuzzer target: a POST body as the dashboard reads its
 * forms (web/server.c req_form): the login form, before any session, and
 * the home-network and trust forms.  Byte 0 picks the field asked for and
 * the size of the caller's buffer; the rest is the body.
 *
 * Checks: what comes back is a terminated string within the buffer, and is
 * exactly the model's answer written here from the urlencoded rules: the
 * first field named so, '+' a space, %XX a byte, refused when it decodes
 * to a NUL or does not fit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/web/web_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The value of the first field called name in body[0, len): 1 and out, or
 * 0 (absent, holding a NUL, or longer than n - 1 bytes). */
static int model(const char *body, size_t len, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (size_t start = 0; start < len;) {
		const char *amp = memchr(body + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end - start > nl && !memcmp(body + start, name, nl) && body[start + nl] == '=') {
			size_t o = 0;
			for (size_t i = start + nl + 1; i < end; i++) {
				int c = (unsigned char)body[i];
				if (c == '+')
					c = ' ';
				else if (c == '%' && i + 2 < end && hexv(body[i + 1]) >= 0 &&
					 hexv(body[i + 2]) >= 0) {
					c = hexv(body[i + 1]) * 16 + hexv(body[i + 2]);
					i += 2;
				}
				if (c == 0 || o + 1 >= n)
					return 0;
				out[o++] = (char)c;
			}
			out[o] = 0;
			return 1;
		}
		start = end + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size - 1 > WEB_BODY_MAX)
		return 0;
	static const char *const names[] = { "password", "cidr", "note", "p" };
	const char *name = names[data[0] & 3];
	size_t n = 1 + ((data[0] >> 2) & 63); /* 1-64 bytes */
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	memcpy(r->body, data + 1, size - 1);
	r->body_len = size - 1;
	r->body[r->body_len] = 0;
	char *buf = malloc(n), want[64];
	if (!buf)
		abort();
	const char *got = req_form(r, name, buf, n);
	int have = model(r->body, r->body_len, name, want, n);
	if (!got != !have || (got && (got != buf || !memchr(buf, 0, n) || strcmp(buf, want)))) {
		fprintf(stderr, "req_form disagrees with the model\n");
		abort();
	}
	free(buf);
	free(r);
	return 0;
}
