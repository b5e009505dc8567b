/* follow.h - `serve --follow FILE`: read a growing log file as it grows,
 * across rotation (rename and create, copytruncate) and restarts.
 *
 * The position is the import's file mark (store_file_find/store_file_save):
 * identity by content, offset saved in the same transaction as the events it
 * covers, so after a restart or a crash nothing is read twice or skipped.
 * A follower is driven by the store writer's thread (it needs the store). */
#ifndef PORTLOG_FOLLOW_H
#define PORTLOG_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

struct follower;

/* One line read: p/n without newline; too_long when cut at LINE_MAX_BYTES. */
typedef void (*follow_line_fn)(void *arg, const char *origin, const char *p, size_t n,
			       uint64_t lineno, int too_long);

struct follower *follower_new(const char *path);
void follower_free(struct follower *f);
const char *follower_path(const struct follower *f);

/* Read what is new, at most max_lines lines, calling fn for each, and save
 * the position in the store's open batch.  Returns lines read, or -1 with a
 * message in err (the follower retries on the next poll). */
long follower_poll(struct follower *f, struct store *st, follow_line_fn fn, void *arg,
		   long max_lines, char *err, size_t errlen);

/* Rotations seen so far (renamed away, truncated). */
uint64_t follower_rotations(const struct follower *f);

#endif
