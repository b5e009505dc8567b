/* framing.c - see framing.h. */
#include "framing.h"

#include <string.h>

enum { LEN_DIGITS_MAX = 9 };

void framer_init(struct framer *fr, size_t max)
{
	fr->max = max;
	fr->skipping = 0;
}

/* Strip what senders put around a message but is not part of it. */
static void trim_end(struct frame *f)
{
	while (f->n && (f->p[f->n - 1] == '\n' || f->p[f->n - 1] == '\r' || f->p[f->n - 1] == '\0'))
		f->n--;
}

/* "LEN SP": 1 and *len when buf starts with one, 0 when it is not octet
 * counting, -1 when more bytes are needed to tell. */
static int length_prefix(const char *buf, size_t n, size_t *len, size_t *hdr)
{
	if (n == 0)
		return -1;
	if (buf[0] < '1' || buf[0] > '9')
		return 0;
	size_t v = 0, i = 0;
	while (i < n && i < LEN_DIGITS_MAX + 1 && buf[i] >= '0' && buf[i] <= '9')
		v = v * 10 + (size_t)(buf[i++] - '0');
	if (i == n)
		return i > LEN_DIGITS_MAX ? 0 : -1;
	if (buf[i] != ' ' || i > LEN_DIGITS_MAX)
		return 0; /* e.g. a bare "2024-03-11T..." line: newline framed */
	*len = v;
	*hdr = i + 1;
	return 1;
}

static int newline_frame(struct framer *fr, const char *buf, size_t n, int eof, struct frame *f)
{
	size_t look = n < fr->max + 2 ? n : fr->max + 2;
	const char *nl = memchr(buf, '\n', look);
	if (fr->skipping) {
		const char *end = memchr(buf, '\n', n);
		f->consumed = end ? (size_t)(end - buf) + 1 : n;
		if (end)
			fr->skipping = 0;
		f->n = 0;
		return f->consumed ? FRAME_SKIPPED : FRAME_NEED;
	}
	if (!nl) {
		if (n > fr->max + 1) {
			/* Longer than any message we keep: drop it up to its newline. */
			const char *end = memchr(buf, '\n', n);
			fr->skipping = !end;
			f->consumed = end ? (size_t)(end - buf) + 1 : n;
			f->why = "line too long";
			return FRAME_SKIPPED;
		}
		if (!eof || n == 0)
			return FRAME_NEED;
		f->n = n; /* the stream's unterminated last line */
		f->consumed = n;
	} else {
		f->n = (size_t)(nl - buf);
		f->consumed = f->n + 1;
	}
	f->p = buf;
	trim_end(f);
	/* up to max + 1 bytes were let through above, for a CR */
	if (f->n > fr->max) {
		f->why = "line too long";
		return FRAME_SKIPPED;
	}
	return FRAME_OK;
}

int frame_next(struct framer *fr, const char *buf, size_t n, int eof, struct frame *f)
{
	memset(f, 0, sizeof *f);
	if (n == 0)
		return FRAME_NEED;
	/* Blank separators between frames (a LF after an octet-counted frame). */
	size_t lead = 0;
	if (!fr->skipping)
		while (lead < n && (buf[lead] == '\n' || buf[lead] == '\r' || buf[lead] == '\0'))
			lead++;
	if (lead) {
		f->consumed = lead;
		f->why = NULL;
		return FRAME_SKIPPED;
	}
	if (!fr->skipping) {
		size_t len = 0, hdr = 0;
		int lp = length_prefix(buf, n, &len, &hdr);
		if (lp < 0) {
			if (!eof)
				return FRAME_NEED;
			f->consumed = n;
			f->why = "truncated frame";
			return FRAME_FATAL;
		}
		if (lp > 0) {
			if (len > fr->max) {
				f->why = "frame too large";
				f->consumed = n;
				return FRAME_FATAL;
			}
			if (n - hdr < len) {
				if (!eof)
					return FRAME_NEED;
				f->consumed = n;
				f->why = "truncated frame";
				return FRAME_FATAL;
			}
			f->p = buf + hdr;
			f->n = len;
			f->consumed = hdr + len;
			trim_end(f);
			return FRAME_OK;
		}
	}
	return newline_frame(fr, buf, n, eof, f);
}
