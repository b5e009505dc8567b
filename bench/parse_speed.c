/* parse_speed.c - lines per second of one parser on one core, forced and
 * with auto-detection, in the same process on the same lines.
 *
 * Reads the lines of FILE... that FORMAT parses (comment and header lines and
 * malformed ones are left out, so the number is for real events), repeats
 * them to LINES (default 2000000) in memory, and times parse_line() over all
 * of them with the format forced and with --format auto, in RUNS (default 5)
 * alternating pairs after a warm-up, in this thread's CPU time (so other
 * load on a shared machine does not count).  Prints the median rate of each
 * and the median of the pairs' overheads: a pair runs back to back, so a
 * slow spell of the machine moves both of its runs alike.  No I/O inside
 * the timed loops.
 *
 *   build/parse_speed [-n LINES] [-r RUNS] FORMAT FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/parse/parse.h"

struct slice {
	const char *p;
	size_t n;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: other load does not count */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse every line count times over; returns lines per second. */
static double run(int format, const struct slice *lines, size_t nlines, size_t total,
		  size_t *ok)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1735689600);
	struct event ev;
	const char *why;
	size_t good = 0;
	unsigned sink = 0;
	double t0 = now_s();
	for (size_t i = 0; i < total; i++) {
		const struct slice *l = &lines[i % nlines];
		if (parse_line(&ctx, format, l->p, l->n, &ev, &why) == PARSE_OK) {
			good++;
			sink += ev.dport;
		}
	}
	double dt = now_s() - t0;
	*ok = good + (sink & 0); /* sink keeps the loop's work observable */
	if (sink == 0xffffffffu)
		fputc(' ', stderr);
	return (double)total / dt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum { MAX_RUNS = 99 };

int main(int argc, char **argv)
{
	size_t total = 2000000;
	int runs = 5;
	int a = 1;
	for (;;) {
		if (a + 1 < argc && !strcmp(argv[a], "-n")) {
			total = strtoul(argv[a + 1], NULL, 10);
			a += 2;
		} else if (a + 1 < argc && !strcmp(argv[a], "-r")) {
			runs = atoi(argv[a + 1]);
			a += 2;
		} else {
			break;
		}
	}
	if (argc - a < 2 || total == 0 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: parse_speed [-n LINES] [-r RUNS (1-%d)] FORMAT FILE...\n",
			MAX_RUNS);
		return 2;
	}
	int format = parse_format_find(argv[a]);
	if (format < 0) {
		fprintf(stderr, "parse_speed: unknown format '%s' (see portlog formats)\n", argv[a]);
		return 2;
	}
	struct slice *lines = NULL;
	size_t nlines = 0, cap = 0;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1735689600);
	for (int i = a + 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		char *buf = NULL;
		size_t bcap = 0;
		ssize_t n;
		while ((n = getline(&buf, &bcap, f)) > 0) {
			while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
				n--;
			struct event ev;
			const char *why;
			if (parse_line(&ctx, format, buf, (size_t)n, &ev, &why) != PARSE_OK)
				continue;
			if (nlines == cap) {
				cap = cap ? cap * 2 : 64;
				lines = realloc(lines, cap * sizeof *lines);
				if (!lines)
					return 1;
			}
			char *copy = malloc((size_t)n);
			if (!copy && n)
				return 1;
			memcpy(copy, buf, (size_t)n);
			lines[nlines++] = (struct slice){ copy, (size_t)n };
		}
		free(buf);
		fclose(f);
	}
	if (nlines == 0) {
		fprintf(stderr, "parse_speed: no line of the files parses as %s\n", argv[a]);
		return 1;
	}
	/* A warm-up first: it pays for page faults and the time zone's loading. */
	size_t ok_forced, ok_auto;
	double forced[MAX_RUNS], autod[MAX_RUNS], cost[MAX_RUNS];
	run(format, lines, nlines, total / 10 + 1, &ok_forced);
	run(PARSE_AUTO, lines, nlines, total / 10 + 1, &ok_auto);
	for (int k = 0; k < runs; k++) {
		forced[k] = run(format, lines, nlines, total, &ok_forced);
		autod[k] = run(PARSE_AUTO, lines, nlines, total, &ok_auto);
		cost[k] = (forced[k] / autod[k] - 1) * 100;
	}
	printf("%-10s %zu distinct lines x %zu: forced %.0f lines/s, auto %.0f lines/s "
	       "(auto costs %+.1f%%, median of %d)%s\n",
	       argv[a], nlines, total, median(forced, runs), median(autod, runs),
	       median(cost, runs), runs,
	       ok_forced == ok_auto ? "" : "  [auto parsed a different number of lines]");
	for (size_t i = 0; i < nlines; i++)
		free((void *)lines[i].p);
	free(lines);
	return 0;
}
