/* framing.h - syslog over a byte stream (RFC 6587): octet counting
 * ("LEN SP MSG") and newline framing ("MSG LF"), told apart per frame.
 *
 * Pure: no I/O, no allocation.  The caller owns the buffer; a frame is a
 * slice of it.  Every frame is bounded by max: a longer one is rejected and
 * skipped (newline framing) or ends the stream (octet counting, since a
 * sender that lies about lengths cannot be resynchronised). */
#ifndef PORTLOG_FRAMING_H
#define PORTLOG_FRAMING_H

#include <stddef.h>

enum frame_status {
	FRAME_NEED = 0,     /* no complete frame yet: read more */
	FRAME_OK = 1,       /* *f holds one message */
	FRAME_SKIPPED = 2,  /* consumed bytes of an over-long line (counted once) */
	FRAME_FATAL = -1,   /* unrecoverable: close the connection (why says what) */
};

struct framer {
	size_t max;   /* largest message accepted */
	int skipping; /* inside an over-long newline-framed line */
};

struct frame {
	const char *p; /* message, without length prefix or trailing CR/LF */
	size_t n;
	size_t consumed; /* bytes of the buffer this call used up */
	const char *why; /* FRAME_FATAL's reason; FRAME_SKIPPED's when it is to
			    be counted (the first piece of an over-long line),
			    NULL for blank separators and the pieces after */
};

void framer_init(struct framer *fr, size_t max);

/* Look at buf[0, n) (unconsumed bytes).  eof: no more bytes will come, so an
 * unterminated newline-framed tail is a message, and an incomplete
 * octet-counted one is a truncated frame.  The caller drops f->consumed bytes
 * from its buffer after every call that returns other than FRAME_NEED. */
int frame_next(struct framer *fr, const char *buf, size_t n, int eof, struct frame *f);

#endif
