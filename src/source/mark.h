/* mark.h - where an earlier read of a file stopped.  import and serve
 * --follow both continue a file from its mark: found by content
 * (store_file_find), trusted only if the bytes just before it are the ones
 * seen then, and moved forward with the lines that commit with it. */
#ifndef PORTLOG_MARK_H
#define PORTLOG_MARK_H

#include <stdint.h>

#include "../store/store.h"
#include "file.h"

enum { MARK_TAIL_MAX = 256 }; /* bytes before the mark that must match */

/* Find r's mark and position r after it; if the bytes before the mark
 * differ (another file that merely starts the same), r is at the start and
 * *m is a new mark.  0, or -1 with a message in err. */
int mark_find(struct store *st, const char *path, struct linereader *r, struct file_mark *m,
	      char *err, size_t errlen);
/* The mark after `lines` lines ending at offset, tail being the bytes just
 * before offset (as lr_tail gives them). */
void mark_set(struct file_mark *m, uint64_t offset, uint64_t lines, const unsigned char *tail,
	      size_t tail_len);
/* The mark at r's current position. */
void mark_here(struct file_mark *m, const struct linereader *r, uint64_t lines);

#endif
