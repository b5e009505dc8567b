/* report_findings.c - `portlog report scans|infected|outbreaks|source ADDR`:
 * what the detectors found (classify/detect.h), from the store.
 *
 * Reached from report.c's dispatch; options are its own so the two files
 * change independently. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../classify/trust.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"

static const char usage[] =
	"usage: portlog report scans|infected|outbreaks|reputation [options]\n"
	"       portlog report source ADDR [options]\n"
	"\n"
	"  scans      sources probing ports or hosts: shape (vertical, horizontal, block,\n"
	"             protocol; probe = a named probe; crafted = impossible ICMP), probe type,\n"
	"             ports, hosts, danger 1-5, after how many probes the Threshold Random\n"
	"             Walk flagged it, what data/signatures calls it (spa = an fwknop\n"
	"             authorization knock, not a scan), and a passive guess of the\n"
	"             sender's OS or tool from its SYNs (data/os_signatures)\n"
	"  infected   inside hosts behaving like worms (many outside hosts on one port) or bots\n"
	"  outbreaks  ports whose unique sources jumped above their own baseline, with the\n"
	"             start, the factor and whether it was a second wave on a raised level\n"
	"  reputation sources on the block list (portlog block), with the entry's note\n"
	"  source     everything known about one address\n"
	"\n"
	"  --db PATH                database\n"
	"  --since T, --until T     findings active in [T, T): 2024-05-01, 7d, now (UTC)\n"
	"  --limit N                at most N rows (default all)\n"
	"  --format text|json|csv   output (default text)\n"
	"  -h, --help               this help\n";

static const char *const kinds[] = { "scans", "infected", "outbreaks", "reputation", "source" };

int report_findings_wants(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		/* A value of an option ("--db scans") is not a kind. */
		if (i > 1 && argv[i - 1][0] == '-' && !strchr(argv[i - 1], '=') &&
		    strcmp(argv[i - 1], "-h") && strcmp(argv[i - 1], "--help"))
			continue;
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
			if (!strcmp(argv[i], kinds[k]))
				return 1;
		return 0;
	}
	return 0;
}

struct out {
	enum out_format fmt;
	int n;
};

static void json_str(const char *s)
{
	esc_json(stdout, s, strlen(s));
}

static void print_query(const char *kind, int64_t since, int64_t until, const char *addr)
{
	char a[40], b[40];
	printf("{\"query\":{\"kind\":\"%s\"", kind);
	if (addr) {
		printf(",\"address\":");
		json_str(addr);
	}
	printf(",\"since\":");
	if (since == INT64_MIN)
		printf("null");
	else
		printf("\"%s\"", fmt_iso(since, a));
	printf(",\"until\":");
	if (until == INT64_MAX)
		printf("null");
	else
		printf("\"%s\"", fmt_iso(until, b));
	printf("}");
}

static const char csv_header[] =
	"kind,subject,first,last,shape,probe,proto,port_lo,port_hi,ports,nports,hosts,nhosts,"
	"packets,danger,trw_probes,signature,refs,value,baseline,factor,second_wave,summary,os\n";

static void csv_field(const char *s)
{
	esc_csv(stdout, s, strlen(s));
}

static int print_row(void *arg, const struct finding *f)
{
	struct out *o = arg;
	char a[40], b[40];
	const char *pn = f->proto >= 0 ? ev_proto_name(f->proto) : NULL;
	char proto[16];
	if (pn)
		snprintf(proto, sizeof proto, "%s", pn);
	else if (f->proto >= 0)
		snprintf(proto, sizeof proto, "%d", f->proto);
	else
		proto[0] = '\0';
	switch (o->fmt) {
	case OUT_JSON:
		printf("%s{\"kind\":\"%s\",\"subject\":", o->n ? "," : "", finding_kind_name(f->kind));
		json_str(f->subject);
		printf(",\"first\":\"%s\",\"last\":\"%s\",\"shape\":", fmt_iso(f->first_us, a),
		       fmt_iso(f->last_us, b));
		json_str(f->shape);
		printf(",\"probe\":");
		json_str(f->probe);
		printf(",\"proto\":");
		json_str(proto);
		if (f->port_lo >= 0)
			printf(",\"port_lo\":%d,\"port_hi\":%d", f->port_lo, f->port_hi);
		else
			printf(",\"port_lo\":null,\"port_hi\":null");
		printf(",\"ports\":");
		json_str(f->ports);
		printf(",\"nports\":%u,\"hosts\":[", f->nports);
		/* hosts is a comma list, possibly ending in "..." */
		const char *p = f->hosts;
		int first = 1;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			if (len) {
				printf("%s", first ? "" : ",");
				esc_json(stdout, p, len);
				first = 0;
			}
			p += len + (e ? 1 : 0);
		}
		printf("],\"nhosts\":%u,\"packets\":%llu,\"danger\":%d,\"trw_probes\":", f->nhosts,
		       (unsigned long long)f->packets, f->danger);
		if (f->trw_probes)
			printf("%d", f->trw_probes);
		else
			printf("null");
		printf(",\"signature\":");
		json_str(f->signature);
		printf(",\"refs\":");
		json_str(f->refs);
		if (f->kind == FINDING_SCAN) {
			printf(",\"os\":");
			if (f->os[0])
				json_str(f->os);
			else
				printf("null");
		}
		if (f->kind == FINDING_OUTBREAK)
			printf(",\"value\":%.0f,\"baseline\":%.1f,\"factor\":%.1f,\"second_wave\":%s",
			       f->value, f->baseline, f->factor, f->second_wave ? "true" : "false");
		printf(",\"summary\":");
		json_str(f->summary);
		printf("}");
		break;
	case OUT_CSV:
		printf("%s,", finding_kind_name(f->kind));
		csv_field(f->subject);
		printf(",%s,%s,%s,%s,%s,", fmt_iso(f->first_us, a), fmt_iso(f->last_us, b), f->shape,
		       f->probe, proto);
		if (f->port_lo >= 0)
			printf("%d,%d,", f->port_lo, f->port_hi);
		else
			printf(",,");
		csv_field(f->ports);
		printf(",%u,", f->nports);
		csv_field(f->hosts);
		printf(",%u,%llu,%d,%d,", f->nhosts, (unsigned long long)f->packets, f->danger,
		       f->trw_probes);
		csv_field(f->signature);
		printf(",");
		csv_field(f->refs);
		printf(",%.0f,%.1f,%.1f,%d,", f->value, f->baseline, f->factor, f->second_wave);
		csv_field(f->summary);
		printf(",");
		csv_field(f->os);
		printf("\n");
		break;
	case OUT_TEXT: {
		char lvl[8] = "  ";
		if (f->kind != FINDING_OUTBREAK)
			snprintf(lvl, sizeof lvl, "D%d", f->danger);
		fmt_utc(f->first_us, a, 0);
		fmt_utc(f->last_us, b, 0);
		/* the last time without its date when it is the same day */
		printf("%s  %s..%s  ", lvl, a, strncmp(a, b, 10) ? b : b + 11);
		esc_text(stdout, f->summary, strlen(f->summary));
		printf("\n");
		if (f->kind != FINDING_OUTBREAK && f->hosts[0]) {
			printf("                                            hosts: ");
			esc_text(stdout, f->hosts, strlen(f->hosts));
			printf("\n");
		}
		if (f->os[0]) {
			printf("                                            sender: ");
			esc_text(stdout, f->os, strlen(f->os));
			printf(" (passive OS guess)\n");
		}
		if (f->refs[0] && strcmp(f->refs, "-")) {
			printf("                                            see: ");
			esc_text(stdout, f->refs, strlen(f->refs));
			printf("\n");
		}
		break;
	}
	}
	o->n++;
	return 0;
}

static int report_list(struct store *st, const char *kind, struct finding_filter *q,
		       enum out_format fmt)
{
	struct out o = { fmt, 0 };
	if (fmt == OUT_JSON) {
		print_query(kind, q->since_us, q->until_us, NULL);
		printf(",\"rows\":[");
	} else if (fmt == OUT_CSV) {
		fputs(csv_header, stdout);
	}
	int rc = store_findings(st, q, print_row, &o);
	if (fmt == OUT_JSON)
		printf("]}\n");
	else if (fmt == OUT_TEXT && o.n == 0)
		printf("no %s found\n", kind);
	return rc;
}

static int report_source(struct store *st, const char *text, const struct ev_addr *a,
			 struct finding_filter *q, enum out_format fmt)
{
	struct addr_info info;
	struct rank_row ports[10];
	int nports = 0;
	struct trust tr;
	if (store_addr_profile(st, a, &info, 10, ports, &nports) || trust_load(&tr, st))
		return -1;
	int trusted = netset_contains(&tr.nets, a);
	trust_free(&tr);
	/* Its findings, as a source or an infected host: the danger is the worst. */
	q->have_src = 1;
	q->src = *a;
	char canon[EV_ADDR_STRLEN];
	ev_addr_str(a, canon, sizeof canon);
	char f1[40], f2[40];
	if (fmt == OUT_JSON) {
		print_query("source", q->since_us, q->until_us, text);
		printf(",\"address\":\"%s\",\"trusted\":%s,\"seen\":%s", canon,
		       trusted ? "true" : "false", info.first_us || info.last_us ? "true" : "false");
		if (info.first_us || info.last_us)
			printf(",\"first_seen\":\"%s\",\"last_seen\":\"%s\"", fmt_iso(info.first_us, f1),
			       fmt_iso(info.last_us, f2));
		printf(",\"events_as_source\":%llu,\"events_as_destination\":%llu,"
		       "\"trusted_events\":%llu,\"blocked\":%llu,\"allowed\":%llu,\"ports\":[",
		       (unsigned long long)info.as_src, (unsigned long long)info.as_dst,
		       (unsigned long long)info.trusted_events, (unsigned long long)info.blocked,
		       (unsigned long long)info.allowed);
		for (int i = 0; i < nports; i++)
			printf("%s{\"port\":\"%s\",\"events\":%lld,\"hosts\":%lld}", i ? "," : "",
			       ports[i].key, (long long)ports[i].count, (long long)ports[i].extra);
		printf("],\"rows\":[");
		struct out o = { fmt, 0 };
		int rc = store_findings(st, q, print_row, &o);
		printf("]}\n");
		return rc;
	}
	if (fmt == OUT_CSV)
		return report_list(st, "source", q, fmt);
	printf("%s%s\n", canon, trusted ? "  (trusted)" : "");
	if (!info.first_us && !info.last_us) {
		printf("  never seen in the stored events\n");
	} else {
		printf("  first seen  %s\n  last seen   %s\n", fmt_utc(info.first_us, f1, 0),
		       fmt_utc(info.last_us, f2, 0));
		printf("  events      %llu as source, %llu as destination (%llu blocked, %llu "
		       "allowed, %llu trusted)\n",
		       (unsigned long long)info.as_src, (unsigned long long)info.as_dst,
		       (unsigned long long)info.blocked, (unsigned long long)info.allowed,
		       (unsigned long long)info.trusted_events);
	}
	if (nports) {
		printf("  ports       ");
		for (int i = 0; i < nports; i++)
			printf("%s%s (%lld)", i ? ", " : "", ports[i].key, (long long)ports[i].count);
		printf("\n");
	}
	printf("  findings:\n");
	struct out o = { fmt, 0 };
	int rc = store_findings(st, q, print_row, &o);
	if (!o.n)
		printf("  none\n");
	return rc;
}

int cmd_report_findings(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	   { "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },   { "limit", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },  { "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },	   { NULL, 0, NULL, 0 },
	};
	struct finding_filter q = { .since_us = INT64_MIN, .until_us = INT64_MAX };
	enum out_format fmt = OUT_TEXT;
	const char *db = NULL, *config = NULL;
	int64_t now = now_us();
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 's':
			q.since_us = time_opt("report", "--since", optarg, now);
			break;
		case 'u':
			q.until_us = time_opt("report", "--until", optarg, now);
			break;
		case 'l':
			q.limit = (int)strtol(optarg, &end, 10);
			if (*end || q.limit < 1 || q.limit > 1000000)
				die_usage("report", "bad --limit '%s' (1-1000000)", optarg);
			break;
		case 'f':
			if (parse_out_format(optarg, &fmt))
				die_usage("report", "bad --format '%s' (text, json or csv)", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		die_usage("report",
			  "name a KIND: scans, infected, outbreaks, reputation or source ADDR");
	const char *kind = argv[optind++];
	const char *addr_text = NULL;
	struct ev_addr addr;
	if (!strcmp(kind, "source")) {
		if (optind >= argc)
			die_usage("report", "report source wants an address (like 203.0.113.7)");
		addr_text = argv[optind++];
		if (ev_addr_parse(&addr, addr_text, strlen(addr_text)))
			die_usage("report", "'%s' is not an IPv4 or IPv6 address", addr_text);
	} else {
		q.kind = finding_kind_parse(kind);
		if (q.kind < 0)
			die_usage("report", "unknown report '%s'", kind);
	}
	if (optind < argc)
		die_usage("report", "unexpected argument '%s'", argv[optind]);
	if (q.since_us != INT64_MIN && q.until_us != INT64_MAX && q.until_us <= q.since_us)
		die_usage("report", "--until must be after --since");

	struct store *st = open_reader("report", config, db);
	if (!st)
		return EXIT_ERR;
	int rc = addr_text ? report_source(st, addr_text, &addr, &q, fmt)
			   : report_list(st, kind, &q, fmt);
	if (rc < 0)
		fprintf(stderr, "portlog report: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
