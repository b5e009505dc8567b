/* mark.c - see mark.h. */
#include "mark.h"

#include <stdio.h>
#include <string.h>

#include "../util/hash.h"

static int resume(struct linereader *r, struct file_mark *m, char *err, size_t errlen)
{
	unsigned char tail[MARK_TAIL_MAX];
	if (m->tail_len > MARK_TAIL_MAX)
		m->tail_len = MARK_TAIL_MAX; /* never from us; do not trust it */
	if (lr_seek(r, m->offset - m->tail_len, err, errlen))
		return -1;
	long k = lr_read(r, tail, m->tail_len, err, errlen);
	if (k < 0)
		return -1;
	if ((uint32_t)k == m->tail_len && hash_bytes(tail, (size_t)k, 0) == m->tail_fp)
		return 0;
	m->id = 0;
	m->offset = m->lines = 0;
	return lr_seek(r, 0, err, errlen);
}

int mark_find(struct store *st, const char *path, struct linereader *r, struct file_mark *m,
	      char *err, size_t errlen)
{
	const unsigned char *head;
	size_t hl = lr_head(r, &head);
	if (store_file_find(st, path, lr_dev(r), lr_ino(r), head, hl, m)) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return -1;
	}
	return m->offset ? resume(r, m, err, errlen) : 0;
}

void mark_set(struct file_mark *m, uint64_t offset, uint64_t lines, const unsigned char *tail,
	      size_t tail_len)
{
	m->offset = offset;
	m->lines = lines;
	m->tail_len = (uint32_t)tail_len;
	m->tail_fp = hash_bytes(tail, tail_len, 0);
}

void mark_here(struct file_mark *m, const struct linereader *r, uint64_t lines)
{
	const unsigned char *t;
	size_t k = lr_tail(r, &t, MARK_TAIL_MAX);
	mark_set(m, lr_offset(r), lines, t, k);
}
