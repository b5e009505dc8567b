/* file.h - log lines from a file: plain, gzip (by content, not by name), or
 * standard input ("-").  Lines come out without their newline; the reader
 * never allocates per line. */
#ifndef PORTLOG_FILE_H
#define PORTLOG_FILE_H

#include <stddef.h>
#include <stdint.h>

enum { LINE_MAX_BYTES = 65536 }; /* longer lines are cut and flagged */

struct linereader;

struct line {
	const char *p;
	size_t n;
	int too_long; /* the line was longer than LINE_MAX_BYTES; p holds its start */
};

/* NULL on error with a message in err. */
struct linereader *lr_open(const char *path, char *err, size_t errlen);
void lr_close(struct linereader *r);

/* 1: a line; 0: end of input; -1: read error (message in err). */
int lr_next(struct linereader *r, struct line *l, char *err, size_t errlen);

/* The first bytes of the content (up to max), for file identity. */
size_t lr_head(struct linereader *r, const unsigned char **head);
/* Skip to a content offset previously returned by lr_offset (a line start). */
int lr_seek(struct linereader *r, uint64_t offset, char *err, size_t errlen);
/* Read exactly n bytes at the current position (after lr_seek); returns the
 * count read, less at end of input, -1 on error. */
long lr_read(struct linereader *r, unsigned char *buf, size_t n, char *err, size_t errlen);
/* Up to max bytes just before lr_offset() still held in memory (for the
 * resume check); returns their count. */
size_t lr_tail(const struct linereader *r, const unsigned char **p, size_t max);
/* Content offset just past the last line returned. */
uint64_t lr_offset(const struct linereader *r);

int lr_is_stdin(const struct linereader *r);
int lr_is_gzip(const struct linereader *r);
/* Bytes after the last newline, not returned (a line still being written);
 * only plain files hold one back, since they may still grow. */
size_t lr_held_back(const struct linereader *r);
/* After end of input: look again, for a plain file that may have grown
 * (serve --follow).  The held-back partial line is read on. */
void lr_more(struct linereader *r);
/* stat() of the file when opened (0 for stdin). */
uint64_t lr_dev(const struct linereader *r);
uint64_t lr_ino(const struct linereader *r);
int64_t lr_mtime(const struct linereader *r);

#endif
