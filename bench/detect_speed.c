/* detect_speed.c - what the detectors cost on import's reader thread.
 *
 *   build/detect_speed [-y YEAR] [-H CIDRS] [-o FINDINGS] [-p] FILE
 *
 * Reads FILE twice the way import's reader does (a line, a copy, parse,
 * direction): once parsing only and once also feeding the detectors (trust
 * marking with an empty list, then detect_feed, as in import: findings
 * batched, scans reported when they end).  Prints lines per second of each
 * pass in this thread's CPU time, the detectors' state (peak and at the end,
 * detect_memory) and the process's peak RSS.  -p skips the parse-only pass.
 * -o writes every finding update, one line each, so two builds can be
 * compared (sort the files: the order of updates may differ, the set not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../src/classify/detect.h"
#include "../src/classify/direction.h"
#include "../src/classify/netset.h"
#include "../src/classify/signature.h"
#include "../src/parse/parse.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sink {
	FILE *out;
	unsigned long long n;
};

static int on_finding(void *arg, const struct finding *f)
{
	struct sink *s = arg;
	s->n++;
	if (!s->out)
		return 0;
	/* A scan's summary is the store's to write (finding_summary, when read):
	 * written here too, so the lines compare with builds that wrote it. */
	struct finding copy;
	if (f->kind == FINDING_SCAN || f->kind == FINDING_REPUTATION) {
		copy = *f;
		finding_summary(&copy);
		f = &copy;
	}
	fprintf(s->out,
		"%d|%s|%lld|%lld|%s|%s|%d|%d-%d|%u|%u|%llu|%s|%s|%d|%d|%s|%.3f|%.3f|%.3f|%d|%s\n",
		f->kind, f->subject, (long long)f->first_us, (long long)f->last_us, f->shape,
		f->probe, f->proto, f->port_lo, f->port_hi, f->nports, f->nhosts,
		(unsigned long long)f->packets, f->ports, f->hosts, f->danger, f->trw_probes,
		f->signature, f->value, f->baseline, f->factor, f->second_wave, f->summary);
	return 0;
}

/* One pass over the file; returns lines per second of CPU time. */
static double pass(const char *path, int year, const struct netset *home, struct detector *d,
		   size_t *lines, size_t *events, size_t *peak_mem)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, year, 1735689600);
	char *line = NULL, copy[8192];
	size_t cap = 0, n = 0, ok = 0;
	ssize_t len;
	double t0 = cpu_s();
	while ((len = getline(&line, &cap, f)) > 0) {
		n++;
		if (line[len - 1] == '\n')
			len--;
		if ((size_t)len > sizeof copy)
			continue;
		memcpy(copy, line, (size_t)len);
		struct event ev;
		const char *why;
		if (parse_line(&ctx, PARSE_AUTO, copy, (size_t)len, &ev, &why) != PARSE_OK)
			continue;
		ok++;
		ev.direction = (uint8_t)direction_of(home, &ev);
		if (d) {
			ev.trusted = 0;
			detect_feed(d, &ev);
			if (!(ok & 0xffff)) {
				size_t m = detect_memory(d);
				if (m > *peak_mem)
					*peak_mem = m;
			}
		}
	}
	double dt = cpu_s() - t0;
	free(line);
	fclose(f);
	*lines = n;
	*events = ok;
	return (double)n / dt;
}

int main(int argc, char **argv)
{
	int year = 2024, skip_parse = 0;
	const char *home_list = "192.168.1.0/24", *out = NULL;
	int a = 1;
	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (!strcmp(argv[a], "-p"))
			skip_parse = 1;
		else if (a + 1 < argc && !strcmp(argv[a], "-y"))
			year = atoi(argv[++a]);
		else if (a + 1 < argc && !strcmp(argv[a], "-H"))
			home_list = argv[++a];
		else if (a + 1 < argc && !strcmp(argv[a], "-o"))
			out = argv[++a];
		else
			break;
	}
	if (a + 1 != argc) {
		fprintf(stderr, "usage: detect_speed [-y YEAR] [-H CIDRS] [-o FINDINGS] [-p] FILE\n");
		return 2;
	}
	const char *path = argv[a];
	struct netset home;
	netset_init(&home);
	char bad[80];
	if (netset_add_list(&home, home_list, bad, sizeof bad)) {
		fprintf(stderr, "detect_speed: bad network '%s'\n", bad);
		return 2;
	}
	size_t lines, events, peak = 0;
	if (!skip_parse) {
		double r = pass(path, year, &home, NULL, &lines, &events, &peak);
		printf("parse only:     %10.0f lines/s  (%zu lines, %zu events)\n", r, lines, events);
	}
	struct sigset sigs;
	memset(&sigs, 0, sizeof sigs);
	const char *sp = sigset_default_path();
	char err[600];
	if (!sp || sigset_load(&sigs, sp, err, sizeof err))
		fprintf(stderr, "detect_speed: no data/signatures (set PORTLOG_SIGNATURES)\n");
	struct detect_conf conf;
	detect_conf_default(&conf);
	conf.sigs = &sigs;
	conf.live = 0;
	struct sink sink = { NULL, 0 };
	if (out && !(sink.out = fopen(out, "w"))) {
		perror(out);
		return 1;
	}
	struct detector *d = detect_new(&conf, on_finding, &sink);
	if (!d) {
		fprintf(stderr, "detect_speed: out of memory\n");
		return 1;
	}
	double r = pass(path, year, &home, d, &lines, &events, &peak);
	size_t end_mem = detect_memory(d);
	if (end_mem > peak)
		peak = end_mem;
	double t0 = cpu_s();
	detect_finish(d);
	double fin = cpu_s() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("parse + detect: %10.0f lines/s  (finish %.3f s, %llu finding updates)\n", r, fin,
	       sink.n);
	printf("detector state: %.1f MB peak, %.1f MB at the end; process peak RSS %.1f MB\n",
	       peak / 1048576.0, end_mem / 1048576.0, ru.ru_maxrss / 1024.0);
	detect_free(d);
	sigset_free(&sigs);
	netset_free(&home);
	if (sink.out)
		fclose(sink.out);
	return 0;
}
