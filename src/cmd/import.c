/* import.c - `portlog import`: read log files into the store.
 *
 * Each file is read from where the last import of the same content stopped
 * (store_file_find), so importing twice adds nothing twice and a grown file
 * adds only its new lines.  The position is committed together with the
 * events it covers. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/direction.h"
#include "../parse/parse.h"
#include "../source/file.h"
#include "../util/escape.h"
#include "../util/hash.h"
#include "common.h"

enum { COMMIT_EVERY = 250000, SHOW_ERRORS = 5, MAX_REASONS = 32, TAIL_MAX = 256 };

static const char usage[] =
	"usage: portlog import [options] FILE...\n"
	"\n"
	"Read firewall log files (plain, .gz, or - for standard input) into the store.\n"
	"A file imported before continues where the last import stopped.\n"
	"\n"
	"  --db PATH            database (default: see portlog --help)\n"
	"  --config FILE        configuration file (default ./portlog.conf, /etc/portlog/portlog.conf)\n"
	"  --year YYYY          year of the first line for timestamps without one\n"
	"                       (default: inferred so no line is later than the file's mtime)\n"
	"  --home-net CIDR,...  networks that are inside (overrides home_net in the config)\n"
	"  --format NAME|auto   log format (default auto: decided per line; see portlog formats)\n"
	"  --quiet              print only the final line\n"
	"  -h, --help           this help\n";

struct reason_count {
	const char *why;
	uint64_t n;
};

struct totals {
	uint64_t lines, events, bad, skipped;
	struct reason_count reasons[MAX_REASONS];
	int nreasons;
	int shown;
};

static void count_reason(struct totals *t, const char *why)
{
	for (int i = 0; i < t->nreasons; i++)
		if (t->reasons[i].why == why || !strcmp(t->reasons[i].why, why)) {
			t->reasons[i].n++;
			return;
		}
	if (t->nreasons < MAX_REASONS)
		t->reasons[t->nreasons++] = (struct reason_count){ why, 1 };
}

struct import_opts {
	int year, format, quiet;
	struct netset home;
};

/* Position r where the last import stopped, if the bytes before that point
 * are the ones seen then; otherwise the file is another one that merely
 * starts the same, and is read from the beginning as new. */
static int resume(struct linereader *r, struct file_mark *mark, char *err, size_t errlen)
{
	unsigned char tail[TAIL_MAX];
	uint64_t at = mark->offset - mark->tail_len;
	if (lr_seek(r, at, err, errlen))
		return -1;
	long k = lr_read(r, tail, mark->tail_len, err, errlen);
	if (k < 0)
		return -1;
	if ((uint32_t)k == mark->tail_len && hash_bytes(tail, (size_t)k, 0) == mark->tail_fp)
		return 0;
	mark->id = 0;
	mark->offset = mark->lines = 0;
	return lr_seek(r, 0, err, errlen);
}

/* Remember how far r has been read. */
static void mark_position(struct linereader *r, struct file_mark *mark, uint64_t lineno)
{
	const unsigned char *t;
	size_t k = lr_tail(r, &t, TAIL_MAX);
	mark->offset = lr_offset(r);
	mark->lines = lineno;
	mark->tail_len = (uint32_t)k;
	mark->tail_fp = hash_bytes(t, k, 0);
}

static int import_one(struct store *st, const char *path, const struct import_opts *o,
		      struct totals *t)
{
	char err[512];
	struct linereader *r = lr_open(path, err, sizeof err);
	if (!r) {
		warnx_cmd("import", "%s", err);
		return -1;
	}
	const char *origin = lr_is_stdin(r) ? "<stdin>" : path;
	struct file_mark mark;
	int track = !lr_is_stdin(r);
	if (track) {
		const unsigned char *head;
		size_t hl = lr_head(r, &head);
		if (store_file_find(st, path, lr_dev(r), lr_ino(r), head, hl, &mark)) {
			warnx_cmd("import", "%s", store_errmsg(st));
			lr_close(r);
			return -1;
		}
		if (mark.offset && resume(r, &mark, err, sizeof err)) {
			warnx_cmd("import", "%s: %s", path, err);
			lr_close(r);
			return -1;
		}
	} else {
		memset(&mark, 0, sizeof mark);
	}
	uint64_t lineno = mark.lines;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, o->year, lr_mtime(r) ? lr_mtime(r) : now_us() / 1000000);

	struct line l;
	int rc, failed = 0;
	uint64_t since_commit = 0;
	struct event ev;
	while ((rc = lr_next(r, &l, err, sizeof err)) == 1) {
		lineno++;
		t->lines++;
		const char *why = NULL;
		int pr = l.too_long ? PARSE_BAD : parse_line(&ctx, o->format, l.p, l.n, &ev, &why);
		if (l.too_long)
			why = "line too long";
		if (pr == PARSE_OK) {
			ev.direction = (uint8_t)direction_of(&o->home, &ev);
			ev.origin = (struct ev_str){ origin, (uint32_t)strlen(origin) };
			ev.line = lineno;
			if (store_add(st, &ev, parse_formats[ev.format]->name)) {
				warnx_cmd("import", "%s", store_errmsg(st));
				failed = 1;
				break;
			}
			t->events++;
			if (++since_commit >= COMMIT_EVERY) {
				mark_position(r, &mark, lineno);
				if ((track && store_file_save(st, &mark)) || store_commit(st)) {
					warnx_cmd("import", "%s", store_errmsg(st));
					failed = 1;
					break;
				}
				since_commit = 0;
			}
			continue;
		}
		count_reason(t, why);
		if (pr == PARSE_SKIP) {
			t->skipped++;
			continue;
		}
		t->bad++;
		if (!o->quiet && t->shown < SHOW_ERRORS) {
			t->shown++;
			fprintf(stderr, "%s:%llu: %s: ", origin, (unsigned long long)lineno, why);
			esc_text(stderr, l.p, l.n > 160 ? 160 : l.n);
			fprintf(stderr, "%s\n", l.n > 160 ? "..." : "");
		}
	}
	if (rc < 0) {
		warnx_cmd("import", "%s: %s", origin, err);
		failed = 1;
	}
	if (!failed) {
		mark_position(r, &mark, lineno);
		if ((track && store_file_save(st, &mark)) || store_commit(st)) {
			warnx_cmd("import", "%s", store_errmsg(st));
			failed = 1;
		}
		if (lr_held_back(r) && !o->quiet)
			fprintf(stderr,
				"%s: last line has no newline yet (%zu bytes); it is left for the next "
				"import\n",
				origin, lr_held_back(r));
	}
	lr_close(r);
	return failed ? -1 : 0;
}

int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	{ "config", required_argument, NULL, 'c' },
		{ "year", required_argument, NULL, 'y' },	{ "home-net", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *config = NULL, *home = NULL, *format = "auto";
	struct import_opts o = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 'n': home = optarg; break;
		case 'f': format = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'y': {
			char *end;
			long y = strtol(optarg, &end, 10);
			if (*end || y < 1970 || y > 9999)
				die_usage("import", "--year wants a year like 2024, not '%s'", optarg);
			o.year = (int)y;
			break;
		}
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		die_usage("import", "name at least one FILE (or - for standard input)");
	o.format = parse_format_find(format);
	if (o.format == -1)
		die_usage("import", "unknown format '%s' (see portlog formats)", format);

	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog import: %s\n", err);
		return EXIT_ERR;
	}
	netset_init(&o.home);
	const char *nets = home ? home : conf.home_net;
	char bad[80];
	if (netset_add_list(&o.home, nets, bad, sizeof bad))
		die_usage("import", "bad network '%s' in home networks (want CIDR like 192.168.1.0/24)",
			  bad);

	struct store *st = open_store(db_path(db, &conf, 1), STORE_BULK);
	if (!st) {
		netset_free(&o.home);
		return EXIT_ERR;
	}
	struct totals t = { 0 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int failures = 0;
	for (int i = optind; i < argc; i++)
		if (import_one(st, argv[i], &o, &t))
			failures++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(st);
	netset_free(&o.home);

	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("read %llu lines, stored %llu events, skipped %llu",
	       (unsigned long long)t.lines, (unsigned long long)t.events,
	       (unsigned long long)(t.skipped + t.bad));
	if (t.nreasons) {
		printf(" (");
		for (int i = 0; i < t.nreasons; i++)
			printf("%s%s: %llu", i ? ", " : "", t.reasons[i].why,
			       (unsigned long long)t.reasons[i].n);
		printf(")");
	}
	printf(", %.2f s, %.0f lines/s\n", secs, secs > 0 ? (double)t.lines / secs : 0.0);
	return failures ? EXIT_ERR : EXIT_OK;
}
