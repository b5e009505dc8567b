/* finding_pack.c - a finding in the bytes it uses: its texts without their
 * unused room.  For a queue that may hold thousands of findings at once
 * (classify/detect_run.c's, between import's reader and store threads): a
 * one-port probe takes about 300 bytes there instead of 1.5 KB. */
#include "finding.h"

#include <stddef.h>
#include <string.h>

#define TEXT(name) { offsetof(struct finding, name), sizeof(((struct finding *)0)->name) }

/* The text fields in the order they are declared. */
static const struct {
	size_t off, size;
} texts[] = { TEXT(subject), TEXT(shape),	  TEXT(probe),	 TEXT(ports), TEXT(hosts),
	      TEXT(signature), TEXT(refs), TEXT(summary), TEXT(os) };

enum { NTEXTS = sizeof texts / sizeof texts[0] };

size_t finding_pack(const struct finding *f, unsigned char *out)
{
	const unsigned char *in = (const unsigned char *)f;
	size_t at = 0, from = 0;
	for (int i = 0; i < NTEXTS; i++) {
		memcpy(out + at, in + from, texts[i].off - from);
		at += texts[i].off - from;
		/* a text that fills its field is cut to keep its NUL */
		size_t n = strnlen((const char *)in + texts[i].off, texts[i].size - 1);
		memcpy(out + at, in + texts[i].off, n);
		out[at + n] = 0;
		at += n + 1;
		from = texts[i].off + texts[i].size;
	}
	memcpy(out + at, in + from, sizeof *f - from);
	return at + sizeof *f - from;
}

size_t finding_unpack(const unsigned char *in, struct finding *f)
{
	unsigned char *out = (unsigned char *)f;
	size_t at = 0, from = 0;
	for (int i = 0; i < NTEXTS; i++) {
		memcpy(out + from, in + at, texts[i].off - from);
		at += texts[i].off - from;
		size_t n = strlen((const char *)in + at);
		memcpy(out + texts[i].off, in + at, n);
		memset(out + texts[i].off + n, 0, texts[i].size - n);
		at += n + 1;
		from = texts[i].off + texts[i].size;
	}
	memcpy(out + from, in + at, sizeof *f - from);
	return at + sizeof *f - from;
}
