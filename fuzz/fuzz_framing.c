/* fuzz_framing.c - libFuzzer target: a syslog TCP stream (RFC 6587 octet
 * counting and newline framing, source/framing.c) read the way serve's TCP
 * reader reads it: bytes arrive in pieces, each call's consumed bytes are
 * dropped from the front of the buffer, the rest waits for more.
 *
 * The first input byte sets the piece size (1-64) and the largest message
 * (16-1039); the rest is the stream.  Checks beyond the sanitizers: every
 * frame is a slice of the bytes given, no longer than the largest message;
 * a call that returns a frame or a skip consumes bytes (the reader cannot
 * loop); a fatal error says why (a skip says why only when it is to be
 * counted: blank separators and the rest of a long line do not). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/source/framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = 1 + (data[0] & 63), max = 16 + (size_t)data[0] * 4;
	data++;
	size--;
	struct framer fr;
	framer_init(&fr, max);
	/* the reader's buffer: what arrived and was not consumed yet */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	size_t have = 0, fed = 0;
	for (;;) {
		int eof = fed == size;
		struct frame f;
		memset(&f, 0, sizeof f);
		int rc = frame_next(&fr, buf, have, eof, &f);
		if (rc == FRAME_NEED) {
			if (eof)
				break;
			size_t k = size - fed < piece ? size - fed : piece;
			memcpy(buf + have, data + fed, k);
			have += k;
			fed += k;
			continue;
		}
		if (rc == FRAME_FATAL) {
			if (!f.why)
				abort();
			break;
		}
		if (rc != FRAME_OK && rc != FRAME_SKIPPED)
			abort();
		if (f.consumed == 0 || f.consumed > have)
			abort();
		if (rc == FRAME_OK &&
		    (f.n > max || (f.n && (!f.p || f.p < buf || f.p + f.n > buf + have))))
			abort();
		memmove(buf, buf + f.consumed, have - f.consumed);
		have -= f.consumed;
	}
	free(buf);
	return 0;
}
