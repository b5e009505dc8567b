/* port.c - `portlog port N`: what a port is for, what traffic on it means,
 * and what this user's firewall has seen on it. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../kb/kb.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"

static const char usage[] =
	"usage: portlog port PORT[/tcp|/udp] [options]\n"
	"       portlog port --search WORD\n"
	"\n"
	"The port's page (common use, what inbound and outbound traffic on it means and\n"
	"what to do, references), then your own figures for it from the store: first and\n"
	"last seen, events and unique sources over 30 days, top sources, a daily trend.\n"
	"\n"
	"  --proto tcp|udp         which protocol's page and figures (default: both)\n"
	"  --search WORD           list ports whose name or page mentions WORD\n"
	"  --db PATH               database (figures are skipped when there is none)\n"
	"  --days N                length of the recent window (default 30)\n"
	"  --limit N               top sources shown (default 10)\n"
	"  --format text|json      output (default text)\n"
	"  -h, --help              this help\n";

enum { MAX_TOP = 100, MAX_DAYS = 366 };

/* Print text wrapped at width: the first line after lead, the others indented. */
static void wrap(const char *text, const char *lead, int indent, int width)
{
	int col = printf("%s", lead);
	int start = col;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (!w)
			break;
		if (col > start && col + 1 + (int)w > width) {
			printf("\n%*s", indent, "");
			col = start = indent;
		} else if (col > start) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, w, stdout);
		col += (int)w;
		p += w;
	}
	putchar('\n');
}

/* References are " ; "-separated: one per line. */
static void print_refs(const char *refs)
{
	const char *p = refs;
	while (*p) {
		const char *sep = strstr(p, " ; ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		char item[1024];
		snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item - 1 ? n : sizeof item - 1), p);
		wrap(item, "  - ", 4, 78);
		p += n + (sep ? 3 : 0);
	}
}

static const char *proto_label(int proto)
{
	return proto == EV_PROTO_UDP ? "udp" : proto == EV_PROTO_TCP ? "tcp" : "tcp/udp";
}

static void print_page_text(const struct kb *kb, int port, int proto)
{
	const struct kb_entry *e = kb ? kb_entry_for(kb, port, proto) : NULL;
	int protos[2] = { EV_PROTO_TCP, EV_PROTO_UDP };
	if (proto < 0)
		printf("Port %d", port);
	else
		printf("%s port %d", proto == EV_PROTO_UDP ? "UDP" : "TCP", port);
	if (e)
		printf(" - %s", e->title);
	printf("\n");
	for (int i = 0; i < 2; i++) {
		if (proto >= 0 && protos[i] != proto)
			continue;
		const char *name = kb ? kb_service(kb, port, protos[i]) : "";
		const char *note = kb ? kb_service_note(kb, port, protos[i]) : "";
		double freq = kb ? kb_open_freq(kb, port, protos[i]) : -1;
		if (!*name && !*note && freq < 0)
			continue;
		printf("  %d/%s registered as %s", port, protos[i] == EV_PROTO_UDP ? "udp" : "tcp",
		       *name ? name : "(unnamed)");
		if (*note)
			printf(" (%s)", note);
		if (freq > 0)
			printf("; nmap finds it open on %.3g%% of hosts", freq * 100.0);
		printf("\n");
	}
	if (!e) {
		printf("\nportlog has no page for this port yet; 'portlog port --search WORD' finds"
		       " related ones.\n");
		return;
	}
	printf("\nCommon use\n");
	wrap(e->use, "  ", 2, 78);
	printf("\nInbound traffic (from outside to this port)\n");
	wrap(e->inbound, "  ", 2, 78);
	printf("\nOutbound traffic (from your network to this port elsewhere)\n");
	wrap(e->outbound, "  ", 2, 78);
	printf("\nReferences\n");
	print_refs(e->refs);
}

static void json_str(const char *key, const char *s, int comma)
{
	printf("%s\"%s\":", comma ? "," : "", key);
	esc_json(stdout, s, strlen(s));
}

static void print_page_json(const struct kb *kb, int port, int proto)
{
	const struct kb_entry *e = kb ? kb_entry_for(kb, port, proto) : NULL;
	int p = proto < 0 ? EV_PROTO_TCP : proto;
	printf("{\"port\":%d,\"proto\":\"%s\"", port, proto_label(proto));
	json_str("service", kb ? kb_service(kb, port, p) : "", 1);
	json_str("service_note", kb ? kb_service_note(kb, port, p) : "", 1);
	printf(",\"page\":");
	if (!e) {
		printf("null");
		return;
	}
	printf("{");
	json_str("ports", e->ports, 0);
	json_str("title", e->title, 1);
	json_str("use", e->use, 1);
	json_str("inbound", e->inbound, 1);
	json_str("outbound", e->outbound, 1);
	json_str("refs", e->refs, 1);
	printf("}");
}

struct trend {
	int64_t day0; /* UTC seconds of the first day */
	int ndays;
	int64_t counts[MAX_DAYS];
};

static void trend_cell(void *arg, int64_t period_start, int port_index, int64_t value)
{
	(void)port_index;
	struct trend *t = arg;
	int64_t i = (period_start - t->day0) / 86400;
	if (i >= 0 && i < t->ndays)
		t->counts[i] += value;
}

/* Is port in an evidence list like "23,2323" or "1000-1500,3389..."? */
static int ports_has(const char *list, int port)
{
	const char *p = list;
	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p)
			break;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (port >= lo && port <= hi)
			return 1;
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

struct port_findings {
	int port, proto, n, max;
	enum out_format fmt;
};

static int port_finding(void *arg, const struct finding *f)
{
	struct port_findings *pf = arg;
	int on_port = f->ports[0] ? ports_has(f->ports, pf->port)
				  : f->port_lo >= 0 && f->port_lo <= pf->port && pf->port <= f->port_hi;
	if (!on_port || (pf->proto >= 0 && f->proto >= 0 && f->proto != pf->proto))
		return 0;
	/* Sweeps of whole port ranges say little about one port; keep the focused ones. */
	if (f->kind == FINDING_SCAN && f->nports > 20)
		return 0;
	if (pf->n >= pf->max)
		return 1;
	char a[40], b[40];
	if (pf->fmt == OUT_JSON) {
		printf("%s{\"kind\":\"%s\",\"first\":\"%s\",\"last\":\"%s\",\"danger\":%d",
		       pf->n ? "," : "", finding_kind_name(f->kind), fmt_iso(f->first_us, a),
		       fmt_iso(f->last_us, b), f->danger);
		json_str("subject", f->subject, 1);
		json_str("summary", f->summary, 1);
		printf("}");
	} else {
		printf("  %-8s %s .. %s  ", finding_kind_name(f->kind), fmt_utc(f->first_us, a, 0),
		       fmt_utc(f->last_us, b, 0));
		esc_text(stdout, f->summary[0] ? f->summary : f->subject,
			 strlen(f->summary[0] ? f->summary : f->subject));
		printf("\n");
	}
	pf->n++;
	return 0;
}

/* Scans, infected hosts and outbreaks (issue 5's detectors) touching the port. */
static int print_port_findings(struct store *st, int port, int proto, int64_t since_us,
			       int64_t until_us, enum out_format fmt)
{
	struct port_findings pf = { .port = port, .proto = proto, .max = 10, .fmt = fmt };
	if (fmt == OUT_TEXT)
		printf("\nFindings on this port in the same period\n");
	else
		printf(",\"findings\":[");
	int rc = store_port_findings(st, port, proto, since_us, until_us, 200, port_finding, &pf);
	if (fmt == OUT_TEXT && !pf.n)
		printf("  (none: no scan, infected host or outbreak involving it)\n");
	else if (fmt == OUT_JSON)
		printf("]");
	return rc;
}

static int print_figures(struct store *st, int port, int proto, int days, int limit,
			 enum out_format fmt)
{
	int64_t first, last, now = now_us();
	if (store_time_range(st, &first, &last) < 0)
		return -1;
	/* The window ends now, or at the newest event when the store holds only
	 * older logs, so an imported archive still shows its figures. */
	int64_t until = now;
	if (last + 1 < now - (int64_t)days * 86400 * 1000000)
		until = last + 1;
	int64_t until_day = (until - 1) / 1000000 / 86400 * 86400;
	struct trend *t = calloc(1, sizeof *t);
	struct rank_row *top = calloc(MAX_TOP, sizeof *top);
	if (!t || !top) {
		free(t);
		free(top);
		return -1;
	}
	t->ndays = days;
	t->day0 = until_day - (int64_t)(days - 1) * 86400;
	int64_t since = t->day0 * 1000000;
	struct port_stats ps;
	struct port_sel sel = { port, proto };
	struct series_query q = { .since_us = since, .until_us = until, .direction = -1,
				  .by = PERIOD_DAY, .measure = MEASURE_EVENTS, .ports = &sel,
				  .nports = 1 };
	int ntop = 0;
	if (store_port_overview(st, port, proto, since, until, &ps, limit, top, &ntop,
				PORT_SOURCE_LAST_SEEN) ||
	    store_series(st, &q, trend_cell, t)) {
		free(t);
		free(top);
		return -1;
	}
	char a[40], b[40], c[40];
	if (fmt == OUT_JSON) {
		printf(",\"figures\":{\"since\":\"%s\",\"until\":\"%s\"", fmt_utc(since, a, 0),
		       fmt_utc(until, b, 0));
		if (ps.first_us)
			printf(",\"first_seen\":\"%s\",\"last_seen\":\"%s\"", fmt_iso(ps.first_us, a),
			       fmt_iso(ps.last_us, b));
		printf(",\"events\":%lld,\"sources\":%lld,\"top_sources\":[", (long long)ps.events,
		       (long long)ps.sources);
		for (int i = 0; i < ntop; i++)
			printf("%s{\"address\":\"%s\",\"events\":%lld,\"last_hour\":\"%s\"}",
			       i ? "," : "", top[i].key, (long long)top[i].count,
			       fmt_utc(top[i].extra * 1000000, a, 0));
		printf("],\"daily\":[");
		for (int i = 0; i < t->ndays; i++)
			printf("%s%lld", i ? "," : "", (long long)t->counts[i]);
		printf("]}");
	} else {
		if (proto < 0)
			printf("\nYour firewall on port %d (tcp and udp)\n", port);
		else
			printf("\nYour firewall on %d/%s\n", port, proto_label(proto));
		if (!ps.first_us) {
			printf("  never seen in this database\n");
		} else {
			printf("  First seen   %s UTC\n", fmt_utc(ps.first_us, a, 0));
			printf("  Last seen    %s UTC\n", fmt_utc(ps.last_us, b, 0));
		}
		printf("  %d days to %s UTC: %lld events from %lld unique sources\n", days,
		       fmt_utc(until, c, 0), (long long)ps.events, (long long)ps.sources);
		printf("\nTop sources, %d days\n", days);
		if (!ntop)
			printf("  (none)\n");
		for (int i = 0; i < ntop; i++)
			printf("  %-39s %8lld events, last %.16s\n", top[i].key,
			       (long long)top[i].count, fmt_utc(top[i].extra * 1000000, a, 0));
		int64_t max = 0;
		for (int i = 0; i < t->ndays; i++)
			max = t->counts[i] > max ? t->counts[i] : max;
		printf("\nDaily trend (events per day, UTC)\n");
		for (int i = 0; i < t->ndays; i++) {
			char day[16];
			int64_t d = t->day0 + (int64_t)i * 86400;
			fmt_utc(d * 1000000, a, 0);
			snprintf(day, sizeof day, "%.10s", a);
			int bar = max ? (int)((t->counts[i] * 50 + max - 1) / max) : 0;
			printf("  %s %8lld %.*s\n", day, (long long)t->counts[i], bar,
			       "##################################################");
		}
	}
	int frc = print_port_findings(st, port, proto, since, until, fmt);
	free(t);
	free(top);
	return frc;
}

struct search_out {
	enum out_format fmt;
	int n, limit;
};

static int search_match(void *arg, int port, int proto, const char *service,
			const struct kb_entry *entry)
{
	struct search_out *o = arg;
	if (o->n >= o->limit)
		return 1;
	const char *title = entry ? entry->title : "";
	if (o->fmt == OUT_JSON) {
		printf("%s{\"port\":%d,\"proto\":\"%s\"", o->n ? "," : "", port, proto_label(proto));
		json_str("service", service, 1);
		json_str("title", title, 1);
		printf(",\"page\":%s}", entry ? "true" : "false");
	} else {
		char pp[16];
		snprintf(pp, sizeof pp, "%d/%s", port, proto_label(proto));
		printf("%-11s %-20s %s%s\n", pp, *service ? service : "-", entry ? "* " : "", title);
	}
	o->n++;
	return 0;
}

static int do_search(const struct kb *kb, const char *word, int limit, enum out_format fmt)
{
	struct search_out o = { fmt, 0, limit };
	if (fmt == OUT_JSON) {
		/* the word is the user's: escape it like any text */
		printf("{\"query\":");
		esc_json(stdout, word, strlen(word));
		printf(",\"matches\":[");
	}
	int total = kb_search(kb, word, search_match, &o);
	if (fmt == OUT_JSON)
		printf("]}\n");
	else if (!total)
		printf("no port mentions '%s'\n", word);
	else if (o.n < total || total > limit)
		printf("(first %d shown; --limit N for more)\n", o.n);
	else
		printf("(* has a portlog page: portlog port N)\n");
	return total ? EXIT_OK : EXIT_ERR;
}

int cmd_port(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	   { "proto", required_argument, NULL, 'p' },
		{ "search", required_argument, NULL, 's' }, { "days", required_argument, NULL, 'D' },
		{ "limit", required_argument, NULL, 'l' },  { "format", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *config = NULL, *search = NULL;
	int proto = -1, days = 30, limit = 10, c, limit_set = 0;
	enum out_format fmt = OUT_TEXT;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 's': search = optarg; break;
		case 'p':
			proto = ev_proto_parse(optarg);
			if (proto != EV_PROTO_TCP && proto != EV_PROTO_UDP)
				die_usage("port", "bad --proto '%s' (tcp or udp)", optarg);
			break;
		case 'D':
			days = (int)strtol(optarg, &end, 10);
			if (*end || days < 1 || days > MAX_DAYS)
				die_usage("port", "bad --days '%s' (1-%d)", optarg, MAX_DAYS);
			break;
		case 'l':
			limit_set = 1;
			limit = (int)strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 100000)
				die_usage("port", "bad --limit '%s'", optarg);
			break;
		case 'f':
			if (parse_out_format(optarg, &fmt) || fmt == OUT_CSV)
				die_usage("port", "bad --format '%s' (text or json)", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	const struct kb *kb = kb_default();
	if (search) {
		if (optind < argc)
			die_usage("port", "give a PORT or --search WORD, not both");
		if (!kb)
			return EXIT_ERR;
		return do_search(kb, search, limit_set ? limit : 200, fmt);
	}
	if (optind >= argc)
		die_usage("port", "name a PORT (445, 1434/udp) or --search WORD");
	if (optind + 1 < argc)
		die_usage("port", "unexpected argument '%s'", argv[optind + 1]);
	const char *arg = argv[optind];
	long port = strtol(arg, &end, 10);
	if (*end == '/') {
		int p = ev_proto_parse(end + 1);
		if (p != EV_PROTO_TCP && p != EV_PROTO_UDP)
			die_usage("port", "bad protocol in '%s' (tcp or udp)", arg);
		proto = p;
	} else if (*end || end == arg) {
		die_usage("port", "bad port '%s' (0-65535, optionally /tcp or /udp)", arg);
	}
	if (end == arg || port < 0 || port > 65535)
		die_usage("port", "bad port '%s' (0-65535)", arg);
	if (limit > MAX_TOP)
		limit = MAX_TOP;

	if (fmt == OUT_JSON)
		print_page_json(kb, (int)port, proto);
	else
		print_page_text(kb, (int)port, proto);

	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog port: %s\n", err);
		return EXIT_ERR;
	}
	const char *path = db_path(db, &conf, 0);
	int rc = 0;
	char errbuf[1024];
	struct store *st = store_open(path, STORE_READONLY, errbuf, sizeof errbuf);
	if (!st) {
		/* The page is useful alone; say why the figures are missing. */
		if (fmt == OUT_TEXT)
			printf("\n(no figures: %s)\n", errbuf);
		else
			printf(",\"figures\":null");
	} else {
		rc = print_figures(st, (int)port, proto, days, limit, fmt);
		if (rc)
			fprintf(stderr, "portlog port: %s\n", store_errmsg(st));
		store_close(st);
	}
	if (fmt == OUT_JSON)
		printf("}\n");
	return rc ? EXIT_ERR : EXIT_OK;
}
