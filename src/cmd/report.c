/* report.c - `portlog report KIND`: summary, ports, sources. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../report/chart.h"
#include "../report/html.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"

static const char usage[] =
	"usage: portlog report KIND [options]\n"
	"\n"
	"Kinds:\n"
	"  summary   period covered; events by direction, action and protocol; top ports,\n"
	"            top sources, most targeted inside hosts\n"
	"  ports     events per period for selected ports (attacks per day)\n"
	"  sources   unique source addresses per period for selected ports\n"
	"  html      one self-contained page: summary, charts, top ports explained, top\n"
	"            sources, findings (--out FILE; viewable offline)\n"
	"  scans, infected, outbreaks, reputation, source ADDR\n"
	"            what the detectors found (portlog report scans --help)\n"
	"\n"
	"Options:\n"
	"  --db PATH                   database\n"
	"  --since T, --until T        2024-05-01, 2024-05-01T12:00, 7d, 12h, now (UTC; whole hours)\n"
	"  --ports LIST                135,445 or 445/tcp,1434/udp,icmp (ports, sources;\n"
	"                              default: the 5 busiest)\n"
	"  --by hour|day|week|month    period (default day for ports, hour for sources)\n"
	"  --direction in|out|internal|any   (default any)\n"
	"  --limit N                   rows in each top list (default 10)\n"
	"  --format text|json|csv|svg  output (default text; svg draws ports and sources)\n"
	"  --out FILE                  where html writes its page (default report.html)\n"
	"  -h, --help                  this help\n";

enum { MAX_PORTS = 64 };

struct report_opts {
	const char *kind;
	int64_t since_us, until_us;
	int direction, limit;
	enum store_period by;
	int by_set;
	struct port_sel ports[MAX_PORTS];
	int nports;
	enum out_format fmt;
	int svg;         /* --format svg: a chart (src/report/svg.c) */
	const char *out; /* --out, for html */
};

static void port_label(const struct port_sel *p, char *buf, size_t n)
{
	const char *pn = p->proto >= 0 ? ev_proto_name(p->proto) : NULL;
	if (p->port < 0)
		snprintf(buf, n, "%s", pn ? pn : "other");
	else if (p->proto < 0)
		snprintf(buf, n, "%d", p->port);
	else if (pn)
		snprintf(buf, n, "%d/%s", p->port, pn);
	else
		snprintf(buf, n, "%d/%d", p->port, p->proto);
}

static void period_label(enum store_period by, int64_t start, char *buf, size_t n)
{
	time_t tt = (time_t)start;
	struct tm tm;
	gmtime_r(&tt, &tm);
	const char *f = by == PERIOD_HOUR ? "%Y-%m-%d %H:00" : by == PERIOD_MONTH ? "%Y-%m" : "%Y-%m-%d";
	strftime(buf, n, f, &tm);
}

static void print_query_json(const struct report_opts *o, int64_t from_us, int64_t to_us)
{
	char a[40], b[40], lab[32];
	printf("{\"query\":{\"kind\":\"%s\"", o->kind);
	if (strcmp(o->kind, "summary"))
		printf(",\"by\":\"%s\"", chart_period_word(o->by));
	printf(",\"since\":\"%s\",\"until\":\"%s\",\"direction\":\"%s\"", fmt_utc(from_us, a, 0),
	       fmt_utc(to_us, b, 0), o->direction < 0 ? "any" : ev_direction_name(o->direction));
	if (strcmp(o->kind, "summary")) {
		printf(",\"ports\":[");
		for (int i = 0; i < o->nports; i++) {
			port_label(&o->ports[i], lab, sizeof lab);
			printf("%s\"%s\"", i ? "," : "", lab);
		}
		printf("]");
	} else {
		printf(",\"limit\":%d", o->limit);
	}
	printf("}");
}

/* Default ports: the busiest few in the window. */
static int default_ports(struct store *st, struct report_opts *o)
{
	struct rank_row rows[5];
	int n = 0;
	if (store_rank(st, RANK_PORT, o->since_us, o->until_us, o->direction, 5, rows, &n))
		return -1;
	for (int i = 0; i < n; i++) {
		int dup = 0;
		for (int k = 0; k < o->nports; k++)
			dup |= o->ports[k].port == rows[i].port;
		if (!dup)
			o->ports[o->nports++] = (struct port_sel){ rows[i].port, -1 };
	}
	return 0;
}

/* --format svg: the same series drawn as a chart (src/report/chart.h). */
static int report_series_svg(struct store *st, const struct report_opts *o, int64_t from_us,
			     int64_t to_us)
{
	char labels[MAX_PORTS][32];
	const char *lp[MAX_PORTS];
	for (int i = 0; i < o->nports; i++) {
		port_label(&o->ports[i], labels[i], sizeof labels[i]);
		lp[i] = labels[i];
	}
	struct series_query q = { .since_us = from_us, .until_us = to_us, .direction = o->direction,
				  .by = o->by,
				  .measure = strcmp(o->kind, "sources") ? MEASURE_EVENTS : MEASURE_SOURCES,
				  .ports = o->ports, .nports = o->nports };
	return chart_report_svg(stdout, st, &q, lp, 0);
}

static int report_series(struct store *st, struct report_opts *o)
{
	if (o->nports == 0 && default_ports(st, o))
		return -1;
	int64_t first, last;
	int have = store_time_range(st, &first, &last);
	if (have < 0)
		return -1;
	int64_t from_us = o->since_us != INT64_MIN ? o->since_us : have ? first : now_us();
	int64_t to_us = o->until_us != INT64_MAX ? o->until_us : have ? last + 1 : from_us + 1;
	if (to_us <= from_us) {
		fprintf(stderr, "portlog report: --until is not after --since\n");
		return 1;
	}
	if (o->svg)
		return report_series_svg(st, o, from_us, to_us);
	struct series_query q = { .since_us = from_us, .until_us = to_us, .direction = o->direction,
				  .by = o->by,
				  .measure = strcmp(o->kind, "sources") ? MEASURE_EVENTS : MEASURE_SOURCES,
				  .ports = o->ports, .nports = o->nports };
	struct chart_grid g;
	char gerr[256];
	if (chart_grid_fill(st, &q, &g, gerr, sizeof gerr)) {
		fprintf(stderr, "portlog report: %s\n", gerr);
		return 1;
	}
	int rc = 0;
	{
		char lab[32], per[32], a[40], b[40];
		int sources = q.measure == MEASURE_SOURCES;
		switch (o->fmt) {
		case OUT_TEXT:
			printf("%s per %s, %s .. %s UTC, direction %s\n",
			       sources ? "Unique source addresses" : "Events",
			       chart_period_word(o->by), fmt_utc(from_us, a, 0), fmt_utc(to_us, b, 0),
			       o->direction < 0 ? "any" : ev_direction_name(o->direction));
			printf("%-17s", "period");
			for (int i = 0; i < g.nseries; i++) {
				port_label(&o->ports[i], lab, sizeof lab);
				printf(" %10s", lab);
			}
			printf("\n");
			for (int p = 0; p < g.nperiods; p++) {
				period_label(o->by, g.starts[p], per, sizeof per);
				printf("%-17s", per);
				for (int i = 0; i < g.nseries; i++)
					printf(" %10lld", (long long)g.cells[(size_t)p * (size_t)g.nseries + (size_t)i]);
				printf("\n");
			}
			break;
		case OUT_JSON:
			print_query_json(o, from_us, to_us);
			printf(",\n\"measure\":\"%s\",\"rows\":[", sources ? "sources" : "events");
			for (int p = 0; p < g.nperiods; p++) {
				period_label(o->by, g.starts[p], per, sizeof per);
				printf("%s\n {\"period\":\"%s\",\"start\":%lld,\"values\":{", p ? "," : "",
				       per, (long long)g.starts[p]);
				for (int i = 0; i < g.nseries; i++) {
					port_label(&o->ports[i], lab, sizeof lab);
					printf("%s\"%s\":%lld", i ? "," : "", lab,
					       (long long)g.cells[(size_t)p * (size_t)g.nseries + (size_t)i]);
				}
				printf("}}");
			}
			printf("\n]}\n");
			break;
		case OUT_CSV:
			printf("period");
			for (int i = 0; i < g.nseries; i++) {
				port_label(&o->ports[i], lab, sizeof lab);
				printf(",%s", lab);
			}
			printf("\n");
			for (int p = 0; p < g.nperiods; p++) {
				period_label(o->by, g.starts[p], per, sizeof per);
				printf("%s", per);
				for (int i = 0; i < g.nseries; i++)
					printf(",%lld", (long long)g.cells[(size_t)p * (size_t)g.nseries + (size_t)i]);
				printf("\n");
			}
			break;
		}
	}
	chart_grid_free(&g);
	return rc;
}

struct section {
	const char *name;
	enum store_rank rank;
	const char *extra; /* name of the extra column, NULL if none */
};

static const struct section sections[] = {
	{ "by_direction", RANK_DIRECTION, NULL },
	{ "by_action", RANK_ACTION, NULL },
	{ "by_proto", RANK_PROTO, NULL },
	{ "top_ports", RANK_PORT, "sources" },
	{ "top_sources", RANK_SOURCE, "ports" },
	{ "top_inside_hosts", RANK_INSIDE_DST, "ports" },
};

static int report_summary(struct store *st, struct report_opts *o)
{
	int64_t first = 0, last = 0;
	int have = store_time_range(st, &first, &last);
	if (have < 0)
		return -1;
	int64_t from_us = o->since_us != INT64_MIN ? o->since_us : first;
	int64_t to_us = o->until_us != INT64_MAX ? o->until_us : last + 1;
	int nsec = (int)(sizeof sections / sizeof sections[0]);
	/* The first three sections are breakdowns (a handful of rows each). */
	int per = o->limit > 16 ? o->limit : 16;
	struct rank_row *rows = calloc((size_t)nsec * (size_t)per, sizeof *rows);
	int counts[8] = { 0 };
	if (!rows)
		return -1;
	for (int s = 0; s < nsec; s++) {
		if (store_rank(st, sections[s].rank, from_us, to_us, o->direction, s < 3 ? 16 : o->limit,
			       rows + (size_t)s * (size_t)per, &counts[s])) {
			free(rows);
			return -1;
		}
	}
	int64_t total = 0;
	for (int i = 0; i < counts[0]; i++)
		total += rows[i].count;
	char a[40], b[40];
	switch (o->fmt) {
	case OUT_TEXT:
		if (!have) {
			printf("No events stored yet.  Import some: portlog import /var/log/kern.log\n");
			break;
		}
		printf("portlog summary: %s .. %s UTC\n", fmt_utc(from_us, a, 0), fmt_utc(to_us, b, 0));
		printf("%lld events\n", (long long)total);
		for (int s = 0; s < 3; s++) {
			printf("%-13s", s == 0 ? "Direction:" : s == 1 ? "Action:" : "Protocol:");
			struct rank_row *r = rows + (size_t)s * (size_t)per;
			for (int i = 0; i < counts[s]; i++)
				printf("%s %s %lld", i ? "," : "", r[i].key, (long long)r[i].count);
			printf("\n");
		}
		for (int s = 3; s < nsec; s++) {
			struct rank_row *r = rows + (size_t)s * (size_t)per;
			printf("\n%s\n", s == 3 ? "Top destination ports" : s == 4 ? "Top sources"
									       : "Most targeted inside hosts");
			if (!counts[s]) {
				printf("  (none)\n");
				continue;
			}
			if (s == 3)
				printf("  %-12s %10s %8s  %s\n", "port", "events", "sources", "service");
			else
				printf("  %-39s %10s %6s\n", "address", "events", "ports");
			for (int i = 0; i < counts[s]; i++) {
				if (s == 3)
					printf("  %-12s %10lld %8lld  %s\n", r[i].key, (long long)r[i].count,
					       (long long)r[i].extra, service_name(r[i].port, r[i].proto));
				else
					printf("  %-39s %10lld %6lld\n", r[i].key, (long long)r[i].count,
					       (long long)r[i].extra);
			}
		}
		break;
	case OUT_JSON:
		print_query_json(o, from_us, to_us);
		printf(",\n\"events\":%lld", (long long)total);
		if (have)
			printf(",\"first\":\"%s\",\"last\":\"%s\"", fmt_utc(first, a, 0),
			       fmt_utc(last, b, 0));
		for (int s = 0; s < nsec; s++) {
			struct rank_row *r = rows + (size_t)s * (size_t)per;
			if (s < 3) {
				printf(",\n\"%s\":{", sections[s].name);
				for (int i = 0; i < counts[s]; i++)
					printf("%s\"%s\":%lld", i ? "," : "", r[i].key, (long long)r[i].count);
				printf("}");
				continue;
			}
			printf(",\n\"%s\":[", sections[s].name);
			for (int i = 0; i < counts[s]; i++) {
				if (s == 3)
					printf("%s{\"port\":%d,\"proto\":\"%s\",\"events\":%lld,\"sources\":%lld,"
					       "\"service\":",
					       i ? "," : "", r[i].port, strchr(r[i].key, '/') + 1,
					       (long long)r[i].count, (long long)r[i].extra);
				else
					printf("%s{\"address\":\"%s\",\"events\":%lld,\"ports\":%lld", i ? "," : "",
					       r[i].key, (long long)r[i].count, (long long)r[i].extra);
				if (s == 3) {
					const char *sv = service_name(r[i].port, r[i].proto);
					esc_json(stdout, sv, strlen(sv));
				}
				printf("}");
			}
			printf("]");
		}
		printf("}\n");
		break;
	case OUT_CSV:
		printf("section,key,count,extra\n");
		for (int s = 0; s < nsec; s++) {
			struct rank_row *r = rows + (size_t)s * (size_t)per;
			for (int i = 0; i < counts[s]; i++)
				printf("%s,%s,%lld,%lld\n", sections[s].name, r[i].key, (long long)r[i].count,
				       (long long)r[i].extra);
		}
		break;
	}
	free(rows);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	    { "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },    { "ports", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },	    { "direction", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'l' },    { "format", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },   { "help", no_argument, NULL, 'h' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	if (report_findings_wants(argc, argv)) /* detector findings: report_findings.c */
		return cmd_report_findings(argc, argv);
	struct report_opts o = { .since_us = INT64_MIN, .until_us = INT64_MAX, .direction = -1,
				 .limit = 10, .by = PERIOD_DAY, .fmt = OUT_TEXT };
	const char *db = NULL, *config = NULL, *bad;
	int64_t now = now_us();
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 's':
			o.since_us = time_opt("report", "--since", optarg, now);
			break;
		case 'u':
			o.until_us = time_opt("report", "--until", optarg, now);
			break;
		case 'p':
			o.nports = parse_port_list(optarg, o.ports, MAX_PORTS, &bad);
			if (o.nports < 0)
				die_usage("report", "bad port '%s' in --ports (want 445, 445/tcp or icmp)",
					  bad);
			break;
		case 'b':
			o.by_set = 1;
			if (!strcmp(optarg, "hour"))
				o.by = PERIOD_HOUR;
			else if (!strcmp(optarg, "day"))
				o.by = PERIOD_DAY;
			else if (!strcmp(optarg, "week"))
				o.by = PERIOD_WEEK;
			else if (!strcmp(optarg, "month"))
				o.by = PERIOD_MONTH;
			else
				die_usage("report", "bad --by '%s' (hour, day, week or month)", optarg);
			break;
		case 'r':
			if (!strcmp(optarg, "any"))
				o.direction = -1;
			else if ((o.direction = ev_direction_parse(optarg)) < 0)
				die_usage("report", "bad --direction '%s'", optarg);
			break;
		case 'l':
			o.limit = (int)strtol(optarg, &end, 10);
			if (*end || o.limit < 1 || o.limit > 10000)
				die_usage("report", "bad --limit '%s' (1-10000)", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "svg"))
				o.svg = 1;
			else if (parse_out_format(optarg, &o.fmt))
				die_usage("report", "bad --format '%s' (text, json, csv or svg)", optarg);
			break;
		case 'o': o.out = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		die_usage("report", "name a KIND: summary, ports, sources or html");
	o.kind = argv[optind];
	if (optind + 1 < argc)
		die_usage("report", "unexpected argument '%s'", argv[optind + 1]);
	int series = !strcmp(o.kind, "ports") || !strcmp(o.kind, "sources");
	int html = !strcmp(o.kind, "html");
	if (o.svg && !series)
		die_usage("report", "--format svg draws the ports and sources reports");
	if (!series && !html && strcmp(o.kind, "summary"))
		die_usage("report", "unknown report '%s' (summary, ports, sources or html)", o.kind);
	if (!o.by_set && !strcmp(o.kind, "sources"))
		o.by = PERIOD_HOUR;
	if (o.since_us != INT64_MIN && o.until_us != INT64_MAX && o.until_us <= o.since_us)
		die_usage("report", "--until must be after --since");

	struct store *st = open_reader("report", config, db);
	if (!st)
		return EXIT_ERR;
	struct html_opts ho = { .since_us = o.since_us, .until_us = o.until_us,
				.direction = o.direction, .limit = o.limit,
				.out = o.out ? o.out : "report.html" };
	int rc = html ? report_html(st, &ho) : series ? report_series(st, &o) : report_summary(st, &o);
	if (rc < 0)
		fprintf(stderr, "portlog report: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
