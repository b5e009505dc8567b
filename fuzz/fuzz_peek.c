/* fuzz_peek.c - libFuzzer target: what a peer sends to a peek port, named
 * by the recognisers (peek/recognise.c, recog_*.c) and matched against
 * data/payloads (peek/patterns.c), as peek_record does.  The first two
 * input bytes choose the local port and the third TCP or UDP (both pick
 * what is tried); the rest is the captured data.  Run from the top of the
 * tree (scripts/fuzz.sh does), or with PORTLOG_PAYLOADS set.
 *
 * Checks beyond the sanitizers: the kind and every field are terminated
 * strings of printable ASCII within their sizes (recog.h promises this, so
 * outputs can show them as they are), no more fields than there is room
 * for, and the matched patterns' names a terminated string. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/peek/patterns.h"
#include "../src/peek/recog.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, size_t cap, const char *what)
{
	const char *end = memchr(s, 0, cap);
	if (!end) {
		fprintf(stderr, "%s not terminated\n", what);
		abort();
	}
	for (; s < end; s++)
		if (*s < 0x20 || *s > 0x7e) {
			fprintf(stderr, "%s holds byte 0x%02x\n", what, (unsigned char)*s);
			abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	int port = data[0] << 8 | data[1], proto = data[2] & 1 ? 17 : 6;
	data += 3;
	size -= 3;
	unsigned char *p = exact_copy(data, size);
	static struct patterns *pats;
	if (!pats) {
		char err[512];
		const char *path = getenv("PORTLOG_PAYLOADS");
		if (!(pats = patterns_load(path && *path ? path : "data/payloads", err, sizeof err))) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
	}
	static struct recog r;
	recognise(p, size, proto, port, &r);
	char names[512];
	memset(names, 'x', sizeof names);
	patterns_match(pats, p, size, proto, port, names, sizeof names);
	if (!memchr(names, 0, sizeof names))
		abort();
	printable(r.kind, sizeof r.kind, "kind");
	if (r.nfields < 0 || r.nfields > RECOG_FIELDS)
		abort();
	for (int i = 0; i < r.nfields; i++) {
		printable(r.f[i].key, sizeof r.f[i].key, "a field's key");
		printable(r.f[i].val, sizeof r.f[i].val, "a field's value");
	}
	free(p);
	return 0;
}
