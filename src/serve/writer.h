/* writer.h - the store: one thread that writes it, fed by a parse thread.
 *
 *   network thread -> msgq -> parse thread (parse_thread.c: parse, classify,
 *   batch) -> batch pool -> store thread (here: store_add, commit)
 *
 * The store thread also reads the followed files, since their positions
 * commit with their events.  Commits happen at least every COMMIT_MS, so a
 * crash loses at most the last batch.  The queue and the batch pool are both
 * bounded: when the store falls behind, the queue fills and the receivers
 * count drops (UDP) or stop reading (TCP). */
#ifndef PORTLOG_WRITER_H
#define PORTLOG_WRITER_H

#include <stdint.h>

#include "../classify/netset.h"
#include "queue.h"
#include "stats.h"

enum { WRITER_COMMIT_MS = 200, WRITER_LISTENERS_MAX = 64 };

struct writer;

struct writer_stats {
	uint64_t lines;   /* messages and followed lines handled */
	uint64_t stored;  /* events stored (committed or in the open batch) */
	uint64_t skipped; /* not packet lines */
	uint64_t bad;     /* malformed packet lines */
	uint64_t follow_lines, rotations, commits, store_errors;
	struct stat_table reasons; /* parse errors and skips by reason */
};

/* Open the store at db; NULL with a message in err. */
struct writer *writer_open(const char *db, struct msgq *q, char *err, size_t errlen);
/* Before writer_start: what listener i is ("udp", "tcp", "snmptrap"), for
 * the events' origin, and the files to follow. */
void writer_set_listener(struct writer *w, int i, const char *kind);
int writer_follow(struct writer *w, const char *path);
/* Home networks: takes *home (the writer frees it); may be called while
 * running (SIGHUP): the swap happens between two messages. */
void writer_set_home(struct writer *w, struct netset *home);

int writer_start(struct writer *w);
/* Drain the queue, read the followed files once more, commit. */
void writer_stop(struct writer *w);
/* Close the store and free (after writer_stop, or when never started). */
void writer_free(struct writer *w);
void writer_get_stats(struct writer *w, struct writer_stats *out);

#endif
