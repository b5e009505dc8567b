/* stats.c - see stats.h. */
#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void stat_add(struct stat_table *t, const char *key, uint64_t n)
{
	for (int i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].key, key)) {
			t->rows[i].n += n;
			return;
		}
	if (t->nrows == STAT_ROWS_MAX) {
		t->other += n;
		return;
	}
	struct stat_row *r = &t->rows[t->nrows++];
	snprintf(r->key, sizeof r->key, "%s", key);
	r->n = n;
}

uint64_t stat_total(const struct stat_table *t)
{
	uint64_t s = t->other;
	for (int i = 0; i < t->nrows; i++)
		s += t->rows[i].n;
	return s;
}

void stats_path(char *buf, size_t n, const char *db)
{
	snprintf(buf, n, "%s.serve-stats", db);
}

int stats_begin(struct stats_writer *w, const char *db)
{
	stats_path(w->path, sizeof w->path, db);
	snprintf(w->tmp, sizeof w->tmp, "%s.tmp", w->path);
	w->f = fopen(w->tmp, "w");
	if (!w->f)
		return -1;
	fputs("portlog-serve-stats 1\n", w->f);
	return 0;
}

void stats_put(struct stats_writer *w, const char *kind, const char *key, uint64_t value)
{
	fprintf(w->f, "%s\t", kind);
	/* Keys are ours (reasons, addresses, listener names from the config),
	 * but keep the format unbreakable all the same. */
	for (const char *p = key; *p; p++)
		fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, w->f);
	fprintf(w->f, "\t%llu\n", (unsigned long long)value);
}

void stats_put_table(struct stats_writer *w, const char *kind, const struct stat_table *t)
{
	for (int i = 0; i < t->nrows; i++)
		stats_put(w, kind, t->rows[i].key, t->rows[i].n);
	if (t->other)
		stats_put(w, kind, "(other)", t->other);
}

int stats_end(struct stats_writer *w)
{
	int bad = ferror(w->f);
	if (fclose(w->f) || bad || rename(w->tmp, w->path)) {
		unlink(w->tmp);
		return -1;
	}
	return 0;
}
