/* parsers_bench.c - lines per second of each parser on its example line,
 * forced and auto-detected.  Built by hand against the library:
 *   make && cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -o build/parsers_bench \
 *       bench/parsers_bench.c build/libportlog.a $(pkg-config --libs sqlite3 zlib libevent) -lm
 *   TZ=UTC build/parsers_bench [FORMAT...]
 * One core, no I/O: the line is parsed again and again from memory.  A
 * report, not a test: a timing never decides pass or fail. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parse/parse.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double rate(int fmt, const char *line, size_t n, long iters)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	struct event ev;
	const char *why;
	long ok = 0;
	double t0 = now();
	for (long i = 0; i < iters; i++)
		ok += parse_line(&ctx, fmt, line, n, &ev, &why) == PARSE_OK;
	double dt = now() - t0;
	if (ok != iters)
		fprintf(stderr, "warning: %ld of %ld lines did not parse\n", iters - ok, iters);
	return (double)iters / dt;
}

int main(int argc, char **argv)
{
	const long iters = 2000000;
	printf("%-12s %6s %14s %14s %8s\n", "format", "bytes", "forced l/s", "auto l/s", "auto +%");
	for (int i = 0; i < parse_format_count; i++) {
		const struct parse_format *f = parse_formats[i];
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], f->name);
		if (!want || !f->example)
			continue;
		size_t n = strlen(f->example);
		double forced = rate(i, f->example, n, iters);
		double autod = rate(PARSE_AUTO, f->example, n, iters);
		printf("%-12s %6zu %14.0f %14.0f %7.1f%%\n", f->name, n, forced, autod,
		       (forced / autod - 1) * 100);
	}
	return 0;
}
