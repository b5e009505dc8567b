/* fuzz_lines.c - libFuzzer target: a log file as `portlog import` reads it
 * (source/file.c): plain or gzip (told by content), lines of any length,
 * a partial last line held back, and a resume at a saved offset.
 *
 * Byte 0 repeats the rest 1-32 times, so a few kilobytes of input make
 * lines past LINE_MAX_BYTES.  The content goes to a memory file opened by
 * its /proc path.  Checks beyond the sanitizers: every line is at most
 * LINE_MAX_BYTES with no newline in it; offsets only grow; for plain
 * content whose lines all fit, the lines are exactly the content's
 * newline-ended lines, and what was read plus what was held back is all of
 * it; reading again from the offset after the first line gives the second. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../src/source/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t reps = 1 + (data[0] & 31), k = size - 1, total = k * reps;
	char *content = malloc(total ? total : 1);
	if (!content)
		abort();
	for (size_t i = 0; i < reps; i++)
		memcpy(content + i * k, data + 1, k);
	int fd = memfd_create("fuzz_lines", 0);
	if (fd < 0 || (total && write(fd, content, total) != (ssize_t)total))
		abort();
	char path[64], err[256];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct linereader *r = lr_open(path, err, sizeof err);
	if (!r) { /* a broken gzip stream may be refused at once; nothing else */
		if (total < 2 || (uint8_t)content[0] != 0x1f || (uint8_t)content[1] != 0x8b)
			fail(err);
		close(fd);
		free(content);
		return 0;
	}
	int plain = !lr_is_gzip(r);
	/* the content's newline-ended lines all fit: the reader must give
	 * exactly those */
	int all_fit = plain;
	for (size_t s = 0; s < total && all_fit;) {
		const char *nl = memchr(content + s, '\n', total - s);
		size_t n = (size_t)((nl ? nl : content + total) - (content + s));
		if (n > LINE_MAX_BYTES)
			all_fit = 0;
		s += n + 1;
	}
	uint64_t last = lr_offset(r), second_at = 0;
	size_t expect_at = 0; /* the next line's start in content, when all_fit */
	int lines = 0;
	char *second = NULL;
	size_t second_n = 0;
	struct line l;
	int rc;
	while ((rc = lr_next(r, &l, err, sizeof err)) == 1) {
		if (l.n > LINE_MAX_BYTES || (l.n && !l.p) || (l.n && memchr(l.p, '\n', l.n)))
			fail("a line too long, or holding a newline");
		uint64_t off = lr_offset(r);
		if (off < last)
			fail("the offset went back");
		last = off;
		if (all_fit) {
			if (l.too_long || expect_at + l.n >= total ||
			    memcmp(l.p, content + expect_at, l.n) || content[expect_at + l.n] != '\n')
				fail("a line is not the content's next line");
			expect_at += l.n + 1;
			if (off != expect_at)
				fail("the offset is not just past the line");
		}
		if (++lines == 1)
			second_at = off;
		else if (lines == 2 && !l.too_long && (second = malloc(l.n ? l.n : 1))) {
			memcpy(second, l.p, l.n);
			second_n = l.n;
		}
	}
	if (rc < 0 && plain)
		fail("a read error on a plain file");
	if (all_fit && rc == 0 && expect_at + lr_held_back(r) != total)
		fail("lines and the held-back tail are not the whole content");
	/* resume after the first line, as a later import does */
	if (second && lr_seek(r, second_at, err, sizeof err) == 0) {
		if (lr_next(r, &l, err, sizeof err) != 1 || l.n != second_n ||
		    memcmp(l.p, second, l.n))
			fail("reading on from a saved offset gave another line");
	}
	free(second);
	lr_close(r);
	close(fd);
	free(content);
	return 0;
}
