/* stats.h - what serve counts, and the snapshot `portlog status` reads.
 *
 * Counters live with the thread that updates them (the network thread: per
 * listener, per peer, rejects, drops; the writer: stored, parse errors); the
 * network thread writes a snapshot of both to a small text file next to the
 * database every second and on exit:
 *
 *   portlog-serve-stats 1
 *   KIND <TAB> KEY <TAB> VALUE        (kind: info, counter, listener, peer,
 *                                       rejected, parse)
 *
 * written to a temporary file and renamed, so a reader never sees half. */
#ifndef PORTLOG_STATS_H
#define PORTLOG_STATS_H

#include <stdint.h>
#include <stdio.h>

enum { STAT_KEY_MAX = 96, STAT_ROWS_MAX = 256 };

/* Counts by key; past STAT_ROWS_MAX distinct keys, counts go to "other". */
struct stat_table {
	struct stat_row {
		char key[STAT_KEY_MAX];
		uint64_t n;
	} rows[STAT_ROWS_MAX];
	int nrows;
	uint64_t other;
};

void stat_add(struct stat_table *t, const char *key, uint64_t n);
uint64_t stat_total(const struct stat_table *t);

/* The snapshot path for a database path: "<db>.serve-stats". */
void stats_path(char *buf, size_t n, const char *db);

struct stats_writer {
	FILE *f;
	char path[1100], tmp[1108];
};
int stats_begin(struct stats_writer *w, const char *db);
void stats_put(struct stats_writer *w, const char *kind, const char *key, uint64_t value);
void stats_put_table(struct stats_writer *w, const char *kind, const struct stat_table *t);
int stats_end(struct stats_writer *w);

#endif
