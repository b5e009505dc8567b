/* status.c - `portlog status`: what serve is doing, from the snapshot it
 * writes next to the database every second (serve/stats.h) and from the
 * store itself. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../serve/stats.h"
#include "../util/escape.h"
#include "common.h"

enum { ROWS_MAX = 1200 };

static const char usage[] =
	"usage: portlog status [--db PATH] [--config FILE] [--format text|json]\n"
	"\n"
	"Show what portlog serve is doing: uptime, messages per listener and per peer,\n"
	"drops, rejected input and parse errors by reason, events and size of the store.\n";

struct row {
	char kind[16], key[STAT_KEY_MAX];
	uint64_t v;
};

struct snapshot {
	struct row rows[ROWS_MAX];
	int n;
};

static int load(const char *db, struct snapshot *s, char *path, size_t pathlen)
{
	stats_path(path, pathlen, db);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	s->n = 0;
	if (!fgets(line, sizeof line, f) || strncmp(line, "portlog-serve-stats 1", 21)) {
		fclose(f);
		return -2;
	}
	while (s->n < ROWS_MAX && fgets(line, sizeof line, f)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strrchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || t2 == t1)
			continue;
		*t1 = *t2 = '\0';
		struct row *r = &s->rows[s->n++];
		snprintf(r->kind, sizeof r->kind, "%.15s", line);
		snprintf(r->key, sizeof r->key, "%.95s", t1 + 1);
		r->v = strtoull(t2 + 1, NULL, 10);
	}
	fclose(f);
	return 0;
}

static uint64_t get(const struct snapshot *s, const char *kind, const char *key)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].kind, kind) && !strcmp(s->rows[i].key, key))
			return s->rows[i].v;
	return 0;
}

static uint64_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static void duration(char *buf, size_t n, int64_t s)
{
	if (s >= 86400)
		snprintf(buf, n, "%lldd %02lldh %02lldm", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, n, "%02lldh %02lldm %02llds", (long long)(s / 3600),
			 (long long)(s % 3600 / 60), (long long)(s % 60));
}

static void text_section(const struct snapshot *s, const char *kind, const char *title)
{
	int any = 0;
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->rows[i].kind, kind))
			continue;
		if (!any++)
			printf("\n%s\n", title);
		printf("  %-40s %12llu\n", s->rows[i].key, (unsigned long long)s->rows[i].v);
	}
}

static void json_section(const struct snapshot *s, const char *kind)
{
	printf(",\"%s\":{", kind);
	int any = 0;
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->rows[i].kind, kind))
			continue;
		printf("%s", any++ ? "," : "");
		esc_json(stdout, s->rows[i].key, strlen(s->rows[i].key));
		printf(":%llu", (unsigned long long)s->rows[i].v);
	}
	printf("}");
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbflag = NULL, *config = NULL;
	enum out_format fmt = OUT_TEXT;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbflag = optarg; break;
		case 'c': config = optarg; break;
		case 'f':
			if (parse_out_format(optarg, &fmt) || fmt == OUT_CSV)
				die_usage("status", "--format wants text or json, not '%s'", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog status: %s\n", err);
		return EXIT_ERR;
	}
	const char *db = db_path(dbflag, &conf, 0);
	static struct snapshot snap;
	char path[1200];
	int lr = load(db, &snap, path, sizeof path);
	if (lr == -2) {
		warnx_cmd("status", "%s is not a serve snapshot", path);
		return EXIT_ERR;
	}
	if (lr == -1 && file_size(db) == 0) {
		warnx_cmd("status", "no database at %s and no serve snapshot: start portlog serve "
				    "(or pass --db)", db);
		return EXIT_ERR;
	}
	uint64_t events = 0;
	struct store *st = store_open(db, STORE_READONLY, err, sizeof err);
	if (st) {
		events = store_event_count(st);
		store_close(st);
	}
	char wal[1100];
	snprintf(wal, sizeof wal, "%s-wal", db);
	uint64_t size = file_size(db) + file_size(wal);
	int64_t now = now_us();
	pid_t pid = lr == 0 ? (pid_t)get(&snap, "info", "pid") : 0;
	int64_t written = (int64_t)get(&snap, "info", "written_us");
	int64_t started = (int64_t)get(&snap, "info", "started_us");
	/* Running: its process exists and the snapshot is fresh. */
	int running = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) &&
		      now - written < 10 * 1000000LL;
	int64_t uptime = running ? (now - started) / 1000000 : 0;
	if (fmt == OUT_JSON) {
		printf("{\"running\":%s,\"pid\":%d,\"uptime_s\":%lld,\"snapshot_age_s\":%lld,"
		       "\"db\":",
		       running ? "true" : "false", running ? (int)pid : 0, (long long)uptime,
		       lr == 0 ? (long long)((now - written) / 1000000) : -1LL);
		esc_json(stdout, db, strlen(db));
		printf(",\"db_bytes\":%llu,\"events\":%llu", (unsigned long long)size,
		       (unsigned long long)events);
		json_section(&snap, "counter");
		json_section(&snap, "listener");
		json_section(&snap, "peer");
		json_section(&snap, "rejected");
		json_section(&snap, "parse");
		printf("}\n");
		return EXIT_OK;
	}
	char up[64];
	duration(up, sizeof up, uptime);
	if (running)
		printf("portlog serve: running, pid %d, up %s\n", (int)pid, up);
	else if (lr == 0)
		printf("portlog serve: not running (last snapshot %lld s old)\n",
		       (long long)((now - written) / 1000000));
	else
		printf("portlog serve: never ran with this database\n");
	printf("database:      ");
	esc_text(stdout, db, strlen(db));
	printf(" (%.1f MB), %llu events stored\n", (double)size / 1e6, (unsigned long long)events);
	if (lr != 0)
		return EXIT_OK;
	printf("received:      %llu messages, %llu lines from files; %llu events stored, %llu "
	       "skipped, %llu malformed\n",
	       (unsigned long long)get(&snap, "counter", "received"),
	       (unsigned long long)get(&snap, "counter", "follow_lines"),
	       (unsigned long long)get(&snap, "counter", "stored"),
	       (unsigned long long)get(&snap, "counter", "skipped"),
	       (unsigned long long)get(&snap, "counter", "malformed"));
	printf("dropped:       %llu (queue full), %llu (kernel UDP buffer); %llu rejected\n",
	       (unsigned long long)get(&snap, "counter", "queue_drops"),
	       (unsigned long long)get(&snap, "counter", "kernel_drops"),
	       (unsigned long long)get(&snap, "counter", "rejected"));
	printf("queue:         %llu of %llu bytes; %llu TCP connections; %llu file rotations\n",
	       (unsigned long long)get(&snap, "counter", "queue_bytes"),
	       (unsigned long long)get(&snap, "counter", "queue_capacity"),
	       (unsigned long long)get(&snap, "counter", "tcp_connections"),
	       (unsigned long long)get(&snap, "counter", "rotations"));
	text_section(&snap, "listener", "messages per listener:");
	text_section(&snap, "peer", "messages per peer:");
	text_section(&snap, "rejected", "rejected, by reason:");
	text_section(&snap, "parse", "not stored, by reason:");
	return EXIT_OK;
}
