/* file.c - see file.h. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* 128 KiB: the kernel's copy then lands in the CPU cache the parser reads
 * from next; with 1 MiB it did not, and read() cost a fifth of import's
 * reader thread on 10M lines (3.0 s of samples, 1.2 s at 128 KiB). */
enum { BUF_SIZE = 1 << 17, HEAD_MAX = 4096 };

struct linereader {
	int fd;
	gzFile gz; /* set when the content is gzip (or when reading stdin) */
	int is_stdin, is_gzip, eof;
	char *buf;
	size_t start, end; /* unread bytes are buf[start, end) */
	uint64_t buf_offset; /* content offset of buf[0] */
	uint64_t offset;     /* content offset after the last returned line */
	int skipping;        /* discarding the rest of an over-long line */
	unsigned char head[HEAD_MAX];
	size_t head_len;
	size_t held;
	uint64_t dev, ino;
	int64_t mtime;
};

static ssize_t fill_read(struct linereader *r, char *dst, size_t n)
{
	if (r->gz) {
		int k = gzread(r->gz, dst, (unsigned)n);
		return k;
	}
	ssize_t k;
	do
		k = read(r->fd, dst, n);
	while (k < 0 && errno == EINTR);
	return k;
}

/* Read more into the buffer, moving unread bytes to the front. */
static int fill(struct linereader *r, char *err, size_t errlen)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->buf_offset += r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == BUF_SIZE)
		return 1; /* full: caller handles an over-long line */
	ssize_t k = fill_read(r, r->buf + r->end, BUF_SIZE - r->end);
	if (k < 0) {
		int e;
		const char *msg = r->gz ? gzerror(r->gz, &e) : strerror(errno);
		snprintf(err, errlen, "read error: %s", msg);
		return -1;
	}
	if (k == 0)
		r->eof = 1;
	r->end += (size_t)k;
	return 0;
}

struct linereader *lr_open(const char *path, char *err, size_t errlen)
{
	struct linereader *r = calloc(1, sizeof *r);
	if (!r || !(r->buf = malloc(BUF_SIZE))) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		r->is_stdin = 1;
		r->fd = dup(STDIN_FILENO);
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (r->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	struct stat sb;
	if (fstat(r->fd, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			goto bad;
		}
		if (!r->is_stdin) {
			r->dev = (uint64_t)sb.st_dev;
			r->ino = (uint64_t)sb.st_ino;
			r->mtime = (int64_t)sb.st_mtime;
		}
	}
	unsigned char magic[2];
	if (!r->is_stdin && pread(r->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
		r->is_gzip = 1;
	if (r->is_gzip || r->is_stdin) {
		/* gzip reads plain input through unchanged, so stdin may be either. */
		r->gz = gzdopen(r->fd, "rb");
		if (!r->gz) {
			snprintf(err, errlen, "%s: cannot open gzip stream", path);
			goto bad;
		}
		r->fd = -1;
		gzbuffer(r->gz, 256 * 1024);
	}
	/* Read the first block now: it is the file's identity. */
	while (!r->eof && r->end < HEAD_MAX) {
		if (fill(r, err, errlen) < 0)
			goto bad;
	}
	r->head_len = r->end < HEAD_MAX ? r->end : HEAD_MAX;
	memcpy(r->head, r->buf, r->head_len);
	return r;
bad:
	lr_close(r);
	return NULL;
}

void lr_close(struct linereader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	else if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r);
}

size_t lr_head(struct linereader *r, const unsigned char **head)
{
	*head = r->head;
	return r->head_len;
}

int lr_seek(struct linereader *r, uint64_t offset, char *err, size_t errlen)
{
	if (offset >= r->buf_offset && offset <= r->buf_offset + r->end) {
		r->start = (size_t)(offset - r->buf_offset);
		r->offset = offset;
		return 0;
	}
	if (r->gz) {
		if (gzseek(r->gz, (z_off_t)offset, SEEK_SET) < 0) {
			snprintf(err, errlen, "cannot skip to offset %llu", (unsigned long long)offset);
			return -1;
		}
	} else if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0) {
		snprintf(err, errlen, "cannot seek: %s", strerror(errno));
		return -1;
	}
	r->start = r->end = 0;
	r->buf_offset = offset;
	r->offset = offset;
	r->eof = 0;
	return 0;
}

long lr_read(struct linereader *r, unsigned char *buf, size_t n, char *err, size_t errlen)
{
	while (r->end - r->start < n && !r->eof)
		if (fill(r, err, errlen) < 0)
			return -1;
	size_t k = r->end - r->start < n ? r->end - r->start : n;
	memcpy(buf, r->buf + r->start, k);
	r->start += k;
	r->offset = r->buf_offset + r->start;
	return (long)k;
}

int lr_next(struct linereader *r, struct line *l, char *err, size_t errlen)
{
	for (;;) {
		char *p = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - p);
			r->start += n + 1;
			r->offset = r->buf_offset + r->start;
			if (r->skipping) { /* tail of an over-long line */
				r->skipping = 0;
				continue;
			}
			l->p = p;
			l->n = n > LINE_MAX_BYTES ? LINE_MAX_BYTES : n;
			l->too_long = n > LINE_MAX_BYTES;
			return 1;
		}
		if (avail >= LINE_MAX_BYTES && !r->eof) {
			/* No newline in sight: a line longer than we keep.  Return
			 * its start once, then discard until its newline. */
			int first = !r->skipping;
			r->start = r->end;
			r->skipping = 1;
			if (first) {
				l->p = p;
				l->n = LINE_MAX_BYTES;
				l->too_long = 1;
				return 1;
			}
			if (fill(r, err, errlen) < 0)
				return -1;
			continue;
		}
		if (r->eof) {
			if (avail == 0 || r->skipping) {
				r->held = 0;
				return 0;
			}
			if (!r->is_stdin && !r->is_gzip) {
				/* A plain file may still be growing: keep the partial
				 * line for the next run. */
				r->held = avail;
				return 0;
			}
			r->start = r->end;
			r->offset = r->buf_offset + r->end;
			l->p = p;
			l->n = avail > LINE_MAX_BYTES ? LINE_MAX_BYTES : avail;
			l->too_long = avail > LINE_MAX_BYTES;
			return 1;
		}
		if (fill(r, err, errlen) < 0)
			return -1;
	}
}

size_t lr_tail(const struct linereader *r, const unsigned char **p, size_t max)
{
	size_t k = r->start < max ? r->start : max;
	*p = (const unsigned char *)r->buf + r->start - k;
	return k;
}

void lr_more(struct linereader *r)
{
	if (!r->gz)
		r->eof = 0;
	r->held = 0;
}

uint64_t lr_offset(const struct linereader *r) { return r->offset; }
int lr_is_stdin(const struct linereader *r) { return r->is_stdin; }
int lr_is_gzip(const struct linereader *r) { return r->is_gzip; }
size_t lr_held_back(const struct linereader *r) { return r->held; }
uint64_t lr_dev(const struct linereader *r) { return r->dev; }
uint64_t lr_ino(const struct linereader *r) { return r->ino; }
int64_t lr_mtime(const struct linereader *r) { return r->mtime; }
