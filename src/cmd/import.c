/* import.c - `portlog import`: read log files into the store.
 *
 * Each file is read from where the last import of the same content stopped
 * (store_file_find), so importing twice adds nothing twice and a grown file
 * adds only its new lines.  The position is committed together with the
 * events it covers. */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/detect_run.h" /* issue 5: detectors */
#include "../classify/direction.h"
#include "../parse/parse.h"
#include "../source/file.h"
#include "../source/mark.h"
#include "../util/escape.h"
#include "common.h"
#include "homenet.h"

/* A commit every COMMIT_EVERY events; the first after COMMIT_FIRST, each
 * next one after twice as many, up to COMMIT_EVERY.  A commit's roll-up
 * flush runs on the store thread while the reader reads on -- except the
 * last one, which nothing overlaps: a 200,000-line log committed once
 * flushed all its roll-ups after reading it.  Committed at 50,000 and
 * 150,000 too, it imports 15% faster (medians 0.35 s against 0.41; at
 * 100,000 only, 0.37).  A first commit at 25,000 was faster still but
 * raised a 10M-line import's peak memory from 140 to 152 MB (tallies and
 * buffers grown in more steps); at 50,000 it stays at 140. */
enum { COMMIT_EVERY = 250000, COMMIT_FIRST = 50000, SHOW_ERRORS = 5, MAX_REASONS = 32 };

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
	"  --home-net CIDR,...  networks that are inside (replaces home_net of the config;\n"
	"                       those added with portlog homenet count as well)\n"
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
	struct detect_session *ds; /* detectors (classify/detect_run.h); NULL: none */
};

/* Import runs on two threads: a reader that reads, parses and classifies
 * lines into batches and counts them into the roll-ups' tally, and the
 * caller's thread, which stores them.  Parsing and counting then overlap
 * the database work instead of adding to it.  A batch owns copies of its
 * events' strings (keep_strings), so they stay valid while they wait.  The
 * batch that ends a commit window carries the window's tally to the store
 * thread, which writes it with that commit; the reader counts on into the
 * other. */
/* BATCHES of BATCH_EVENTS: while the store thread commits (the roll-up
 * flush and the WAL writes, a burst every COMMIT_EVERY events) the reader
 * fills the free batches, and then waits.  Four batches left it waiting
 * 2.7 s of a 10M-line import; eight took it from 11.0 to 10.0 s, twelve
 * to 9.6, and still waiting a second on a slow day; sixteen, 9.2-9.8
 * against 9.4-10.3.  A batch keeps only its events' strings, not their
 * lines: 2.6 MB each, the 16 within the 150 MB of a 10M-line import (140)
 * since the roll-ups' map of known rows grows only as it needs to
 * (store/rollup_known.c).  BATCH_BYTES leaves room for one more line of
 * any length. */
enum { BATCH_BYTES = 1 << 19, BATCH_EVENTS = 8192, BATCHES = 16, TALLIES = 2 };

struct batch {
	char *buf; /* copies of the strings the events point into */
	size_t used;
	struct event ev[BATCH_EVENTS];
	uint64_t ctx_hash[BATCH_EVENTS]; /* store_context_hash of each */
	uint8_t ctx_same[BATCH_EVENTS];  /* its context is the one before's */
	int n;
	/* the reader's position after the batch's last line, for the file mark */
	uint64_t offset, lineno;
	unsigned char tail[MARK_TAIL_MAX];
	uint32_t tail_len;
	int last; /* end of input (or the reader stopped) */
	struct store_tally *tally; /* set: commit after this batch, with this tally */
	int tally_sorted;          /* the reader has sorted it (under the pipeline's mu) */
	struct batch *next;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *full, *full_tail, *free;
	struct store_tally *tallies[TALLIES]; /* free ones; the reader counts into cur */
	int ntallies;
	struct store_tally *cur;
	uint64_t since_commit; /* events the reader counted into cur */
	uint64_t commit_at;    /* since_commit that ends the transaction */
	int stop;   /* the store failed: the reader should give up */
	int failed; /* the reader failed */
	/* reader's input */
	struct linereader *r;
	struct parse_ctx ctx;
	const struct import_opts *o;
	const char *origin;
	uint64_t lineno;
	struct totals *t;
	char err[512];
};

static struct batch *take_free(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->free && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	struct batch *b = p->stop ? NULL : p->free;
	if (b)
		p->free = b->next;
	pthread_mutex_unlock(&p->mu);
	if (b) {
		b->used = 0;
		b->n = 0;
		b->last = 0;
		b->next = NULL;
	}
	return b;
}

static void push_full(struct pipeline *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	if (p->full_tail)
		p->full_tail->next = b;
	else
		p->full = b;
	p->full_tail = b;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static struct batch *take_full(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->full)
		pthread_cond_wait(&p->cv, &p->mu);
	struct batch *b = p->full;
	p->full = b->next;
	if (!p->full)
		p->full_tail = NULL;
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void give_back(struct pipeline *p, struct batch *b, int stop)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->free;
	p->free = b;
	if (stop)
		p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* A cleared tally for the next commit window (the store thread gives one
 * back after each commit); NULL when the store failed. */
static struct store_tally *take_tally(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->ntallies && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	struct store_tally *t = p->stop ? NULL : p->tallies[--p->ntallies];
	pthread_mutex_unlock(&p->mu);
	return t;
}

static void give_tally(struct pipeline *p, struct store_tally *t)
{
	store_tally_clear(t);
	pthread_mutex_lock(&p->mu);
	p->tallies[p->ntallies++] = t;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void end_batch(struct pipeline *p, struct batch *b, int last)
{
	const unsigned char *t;
	size_t k = lr_tail(p->r, &t, MARK_TAIL_MAX);
	memcpy(b->tail, t, k);
	b->tail_len = (uint32_t)k;
	b->offset = lr_offset(p->r);
	b->lineno = p->lineno;
	b->last = last;
	b->tally = NULL;
	if (!(last || p->since_commit >= p->commit_at)) {
		push_full(p, b);
		return;
	}
	/* The tally is sorted here, not on the store thread (out of memory: the
	 * flush sorts it), after the batch is handed over: the store thread
	 * stores the queued batches meanwhile and waits for the sort only at
	 * the commit (tally_sorted), where before it sat idle for the whole sort
	 * once it had emptied the queue (1.1 s of a 10M-line import). */
	struct store_tally *tally = p->cur;
	b->tally = tally;
	b->tally_sorted = 0;
	push_full(p, b);
	(void)store_tally_done(tally);
	pthread_mutex_lock(&p->mu);
	b->tally_sorted = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	p->cur = last ? NULL : take_tally(p);
	p->since_commit = 0;
	if (p->commit_at < COMMIT_EVERY)
		p->commit_at = p->commit_at * 2 < COMMIT_EVERY ? p->commit_at * 2 : COMMIT_EVERY;
}

/* The store thread, before committing b: until the reader has sorted b's tally. */
static void wait_sorted(struct pipeline *p, const struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (!b->tally_sorted)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void report_bad(struct pipeline *p, const struct line *l, const char *why)
{
	struct totals *t = p->t;
	t->bad++;
	if (p->o->quiet || t->shown >= SHOW_ERRORS)
		return;
	t->shown++;
	fprintf(stderr, "%s:%llu: %s: ", p->origin, (unsigned long long)p->lineno, why);
	esc_text(stderr, l->p, l->n > 160 ? 160 : l->n);
	fprintf(stderr, "%s\n", l->n > 160 ? "..." : "");
}

static int within(const struct ev_str *s, const struct line *l)
{
	uintptr_t p = (uintptr_t)s->p, lo = (uintptr_t)l->p;
	return s->n && p >= lo && p - lo + s->n <= l->n;
}

/* Copies into the batch the strings of ev that are slices of the line l,
 * which the reader reads over next.  A context equal to the event before's
 * (same_ctx) shares that event's copies, so mostly only the TCP options are
 * copied.  Never more than the line's length is used (slices may overlap:
 * then the whole line is copied), so a batch with room for a line has
 * room for its event. */
enum { NSTRS = 8 };

/* The strings a parser may point into its line: the TCP options, then the
 * context's (origin is import's own). */
static void line_strings(struct event *ev, struct ev_str *f[NSTRS])
{
	f[0] = &ev->tcp_opts;
	f[1] = &ev->device;
	f[2] = &ev->rule;
	f[3] = &ev->in_if;
	f[4] = &ev->out_if;
	f[5] = &ev->phys_in;
	f[6] = &ev->phys_out;
	f[7] = &ev->mac;
}

static void keep_strings(struct batch *b, struct event *ev, const struct line *l, int same_ctx)
{
	struct ev_str *f[NSTRS], *prev[NSTRS];
	line_strings(ev, f);
	int nf = NSTRS;
	if (same_ctx) {
		line_strings(ev - 1, prev);
		for (int i = 1; i < NSTRS; i++)
			*f[i] = *prev[i];
		nf = 1; /* the TCP options only */
	}
	size_t need = 0;
	for (int i = 0; i < nf; i++)
		if (within(f[i], l))
			need += f[i]->n;
	char *to = b->buf + b->used;
	if (need > l->n) {
		memcpy(to, l->p, l->n);
		for (int i = 0; i < nf; i++)
			if (within(f[i], l))
				f[i]->p = to + (f[i]->p - l->p);
		b->used += l->n;
		return;
	}
	for (int i = 0; i < nf; i++)
		if (within(f[i], l)) {
			memcpy(to, f[i]->p, f[i]->n);
			f[i]->p = to;
			to += f[i]->n;
		}
	b->used = (size_t)(to - b->buf);
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;
	struct batch *b = take_free(p);
	struct line l;
	uint32_t origin_len = (uint32_t)strlen(p->origin);
	int rc = 0;
	while (b && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED) &&
	       (rc = lr_next(p->r, &l, p->err, sizeof p->err)) == 1) {
		p->lineno++;
		p->t->lines++;
		const char *why = "line too long";
		struct event *ev = &b->ev[b->n];
		int pr = l.too_long ? PARSE_BAD : parse_line(&p->ctx, p->o->format, l.p, l.n, ev, &why);
		if (pr == PARSE_OK) {
			ev->direction = (uint8_t)direction_of(&p->o->home, ev);
			ev->origin = (struct ev_str){ p->origin, origin_len };
			ev->line = p->lineno;
			/* the context compared with the batch's last event's and
			 * hashed here, not on the store thread, import's bottleneck;
			 * the same context has the same hash */
			const char *fmt = parse_formats[ev->format]->name;
			b->ctx_same[b->n] = b->n > 0 &&
					    store_context_same(ev, fmt, ev - 1,
							       parse_formats[ev[-1].format]->name);
			b->ctx_hash[b->n] = b->ctx_same[b->n] ? b->ctx_hash[b->n - 1]
							      : store_context_hash(ev, fmt);
			keep_strings(b, ev, &l, b->ctx_same[b->n]);
			/* detectors on this thread, beside the store's: marks trust,
			 * finds scans; findings are drained by the store thread */
			detect_session_event(p->o->ds, ev);
			if (store_tally_add(p->cur, ev)) {
				snprintf(p->err, sizeof p->err, "out of memory counting roll-ups");
				rc = -1;
				break;
			}
			b->n++;
			p->since_commit++;
		} else {
			count_reason(p->t, why);
			if (pr == PARSE_SKIP)
				p->t->skipped++;
			else
				report_bad(p, &l, why);
		}
		/* Full?  Hand it over now, while the reader's position is just
		 * past this line: the batch's file mark then covers exactly the
		 * lines it holds.  Room is kept for one more line of any length. */
		if (b->n == BATCH_EVENTS || b->used + LINE_MAX_BYTES > BATCH_BYTES) {
			end_batch(p, b, 0);
			b = p->cur ? take_free(p) : NULL; /* no tally: the store failed */
		}
	}
	if (rc < 0)
		p->failed = 1;
	if (b)
		end_batch(p, b, 1);
	return NULL;
}

static int save_and_commit(struct store *st, struct file_mark *mark, const struct batch *b,
			   int track)
{
	mark_set(mark, b->offset, b->lineno, b->tail, b->tail_len);
	return (track && store_file_save(st, mark)) || store_commit_tally(st, b->tally) ? -1 : 0;
}

/* Store what the reader produces; returns -1 if the store failed. */
static int store_batches(struct store *st, struct pipeline *p, struct file_mark *mark, int track,
			 struct totals *t)
{
	int failed = 0;
	for (;;) {
		struct batch *b = take_full(p);
		int last = b->last;
		/* rows only: the reader counted the roll-ups into the tally */
		for (int i = 0; i < b->n && !failed; i++) {
			if (store_add_counted(st, &b->ev[i], parse_formats[b->ev[i].format]->name,
					      b->ctx_hash[i], b->ctx_same[i]))
				failed = 1;
			else
				t->events++;
		}
		/* findings the reader's detectors made, in this batch's transaction */
		if (!failed && detect_session_drain(p->o->ds))
			failed = 1;
		/* After a read error too: what was read is kept, with its position. */
		if (b->tally) {
			wait_sorted(p, b);
			if (!failed && save_and_commit(st, mark, b, track))
				failed = 1;
			give_tally(p, b->tally);
			b->tally = NULL;
		}
		give_back(p, b, failed);
		if (last || failed)
			break; /* on failure the reader sees stop and ends by itself */
	}
	if (failed) {
		warnx_cmd("import", "%s", store_errmsg(st));
		/* what this file added since its last commit goes, with no mark:
		 * the next import reads it again, so nothing is lost or doubled */
		store_rollback(st);
	}
	return failed ? -1 : 0;
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
		if (mark_find(st, path, r, &mark, err, sizeof err)) {
			warnx_cmd("import", "%s: %s", path, err);
			lr_close(r);
			return -1;
		}
	} else {
		memset(&mark, 0, sizeof mark);
	}

	struct pipeline p = { .r = r, .o = o, .origin = origin, .lineno = mark.lines, .t = t,
			      .commit_at = COMMIT_FIRST };
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	parse_ctx_init(&p.ctx, o->year, lr_mtime(r) ? lr_mtime(r) : now_us() / 1000000);
	struct batch *all[BATCHES] = { 0 };
	int failed = 0;
	for (int i = 0; i < TALLIES && !failed; i++)
		if (!(p.tallies[p.ntallies++] = store_tally_new()))
			failed = 1;
	p.cur = failed ? NULL : p.tallies[--p.ntallies];
	for (int i = 0; i < BATCHES && !failed; i++) {
		all[i] = calloc(1, sizeof *all[i]);
		if (!all[i] || !(all[i]->buf = malloc(BATCH_BYTES)))
			failed = 1;
		else {
			all[i]->next = p.free;
			p.free = all[i];
		}
	}
	pthread_t reader;
	if (failed || pthread_create(&reader, NULL, reader_main, &p)) {
		warnx_cmd("import", "out of memory or threads");
		failed = 1;
	} else {
		failed = store_batches(st, &p, &mark, track, t) != 0;
		pthread_join(reader, NULL);
		if (p.failed) {
			warnx_cmd("import", "%s: %s", origin, p.err);
			failed = 1;
		}
	}
	if (!failed && lr_held_back(r) && !o->quiet)
		fprintf(stderr,
			"%s: last line has no newline yet (%zu bytes); it is left for the next import\n",
			origin, lr_held_back(r));
	for (int i = 0; i < BATCHES; i++)
		if (all[i]) {
			store_tally_free(all[i]->tally); /* a batch the store never took */
			free(all[i]->buf);
			free(all[i]);
		}
	for (int i = 0; i < p.ntallies; i++)
		store_tally_free(p.tallies[i]);
	store_tally_free(p.cur);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
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
	/* Checked before the store is opened, so a typo creates no database. */
	const char *nets = home ? home : conf.home_net;
	if (homenet_load(&o.home, nets, NULL, err, sizeof err))
		die_usage("import", "%s", err);
	netset_free(&o.home);

	struct store *st = open_store(db_path(db, &conf, 1), STORE_BULK);
	if (!st)
		return EXIT_ERR;
	/* The configured networks plus those stored by the dashboard or
	 * `portlog homenet add` (cmd/homenet.h). */
	if (homenet_load(&o.home, nets, st, err, sizeof err) ||
	    homenet_cover(st, &o.home, err, sizeof err)) {
		fprintf(stderr, "portlog import: %s\n", err);
		netset_free(&o.home);
		store_close(st);
		return EXIT_ERR;
	}
	o.ds = detect_session_open(st, o.quiet);
	detect_session_defer(o.ds); /* fed by the reader thread, drained by this one */
	struct totals t = { 0 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int failures = 0;
	for (int i = optind; i < argc; i++)
		if (import_one(st, argv[i], &o, &t))
			failures++;
	if (detect_session_close(o.ds))
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
