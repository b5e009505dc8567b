/* events.c - `portlog events`: list stored events, newest first. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../classify/netset.h"
#include "../report/event_out.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"

static const char usage[] =
	"usage: portlog events [options]\n"
	"\n"
	"List stored events, newest first, with every field.\n"
	"\n"
	"  --db PATH               database\n"
	"  --since T, --until T    time window: 2024-05-01, 2024-05-01T12:00, 7d, 12h, now\n"
	"  --port N                source or destination port\n"
	"  --src ADDR|CIDR         source address or network\n"
	"  --dst ADDR|CIDR         destination address or network\n"
	"  --direction in|out|internal|unknown|any\n"
	"  --limit N               at most N events (default 100; 0 for all)\n"
	"  --format text|json|csv  output (default text)\n"
	"  -h, --help              this help\n";

struct printer {
	enum out_format fmt;
	int n;
};

static void text_field(FILE *f, struct ev_str s)
{
	if (s.n)
		esc_text(f, s.p, s.n);
	else
		fputc('-', f);
}

static void endpoint(char *buf, size_t n, const struct ev_addr *a, int has_port, int port)
{
	char addr[EV_ADDR_STRLEN];
	ev_addr_str(a, addr, sizeof addr);
	if (!has_port)
		snprintf(buf, n, "%s", a->family ? addr : "-");
	else if (a->family == 6)
		snprintf(buf, n, "[%s]:%d", addr, port);
	else
		snprintf(buf, n, "%s:%d", a->family ? addr : "-", port);
}

static const char *proto_text(const struct event *ev, char *buf, size_t n)
{
	if (!(ev->has & EV_HAS_PROTO))
		return "-";
	const char *name = ev_proto_name(ev->proto);
	if (name)
		return name;
	snprintf(buf, n, "%u", ev->proto);
	return buf;
}

static int print_event(void *arg, const struct event *ev, const char *fmtname)
{
	struct printer *p = arg;
	FILE *f = stdout;
	char ts[40], src[80], dst[80], flags[40], pb[8], addr[EV_ADDR_STRLEN];
	fmt_utc(ev->ts_us, ts, 1);
	ev_tcp_flags_str(ev->tcp_flags, flags, sizeof flags);
	struct ev_str fmt = { fmtname, (uint32_t)strlen(fmtname) };
	switch (p->fmt) {
	case OUT_TEXT:
		endpoint(src, sizeof src, &ev->src, ev->has & EV_HAS_SPORT, ev->sport);
		endpoint(dst, sizeof dst, &ev->dst, ev->has & EV_HAS_DPORT, ev->dport);
		fprintf(f, "%s  %-7s %-8s %-6s %s -> %s", ts, ev_action_name(ev->action),
			ev_direction_name(ev->direction), proto_text(ev, pb, sizeof pb), src, dst);
		if (ev->has & EV_HAS_TCP_FLAGS)
			fprintf(f, " %s", flags[0] ? flags : "NONE");
		if (ev->has & EV_HAS_ICMP)
			fprintf(f, " type=%u code=%u", ev->icmp_type, ev->icmp_code);
		if (ev->has & EV_HAS_LEN)
			fprintf(f, " len=%u", ev->len);
		if (ev->has & EV_HAS_TTL)
			fprintf(f, " ttl=%u", ev->ttl);
		if (ev->has & EV_HAS_WINDOW)
			fprintf(f, " win=%u", ev->window);
		fputs(" rule=", f);
		text_field(f, ev->rule);
		fputs(" in=", f);
		text_field(f, ev->in_if);
		fputs(" out=", f);
		text_field(f, ev->out_if);
		if (ev->phys_in.n || ev->phys_out.n) {
			fputs(" physin=", f);
			text_field(f, ev->phys_in);
			fputs(" physout=", f);
			text_field(f, ev->phys_out);
		}
		if (ev->tcp_opts.n) {
			fputs(" opts=", f);
			text_field(f, ev->tcp_opts);
		}
		fputs(" mac=", f);
		text_field(f, ev->mac);
		fputs(" device=", f);
		text_field(f, ev->device);
		fputs(" format=", f);
		text_field(f, fmt);
		fputs(" from=", f);
		text_field(f, ev->origin);
		if (ev->line)
			fprintf(f, ":%llu", (unsigned long long)ev->line);
		fputc('\n', f);
		break;
	case OUT_JSON:
		fputs(p->n ? ",\n  " : "\n  ", f);
		event_write_json(f, ev, fmtname);
		break;
	case OUT_CSV: {
		if (p->n == 0)
			fputs("time,action,direction,proto,src,sport,dst,dport,tcp_flags,icmp_type,"
			      "icmp_code,len,ttl,window,tcp_options,rule,in_if,out_if,phys_in,phys_out,"
			      "mac,device,format,origin,line\n",
			      f);
		fprintf(f, "%s,%s,%s,", ts, ev_action_name(ev->action),
			ev_direction_name(ev->direction));
		if (ev->has & EV_HAS_PROTO)
			fputs(ev_proto_name(ev->proto) ? ev_proto_name(ev->proto) : pb, f);
		if (ev->has & EV_HAS_PROTO && !ev_proto_name(ev->proto))
			fprintf(f, "%u", ev->proto);
		fprintf(f, ",%s,", ev_addr_str(&ev->src, addr, sizeof addr));
		if (ev->has & EV_HAS_SPORT)
			fprintf(f, "%u", ev->sport);
		fprintf(f, ",%s,", ev_addr_str(&ev->dst, addr, sizeof addr));
		if (ev->has & EV_HAS_DPORT)
			fprintf(f, "%u", ev->dport);
		fputc(',', f);
		if (ev->has & EV_HAS_TCP_FLAGS) /* "SYN,ACK": quoted */
			esc_csv(f, flags, strlen(flags));
		fputc(',', f);
		if (ev->has & EV_HAS_ICMP)
			fprintf(f, "%u,%u", ev->icmp_type, ev->icmp_code);
		else
			fputc(',', f);
		fputc(',', f);
		if (ev->has & EV_HAS_LEN)
			fprintf(f, "%u", ev->len);
		fputc(',', f);
		if (ev->has & EV_HAS_TTL)
			fprintf(f, "%u", ev->ttl);
		fputc(',', f);
		if (ev->has & EV_HAS_WINDOW)
			fprintf(f, "%u", ev->window);
		struct ev_str cols[] = { ev->tcp_opts, ev->rule,   ev->in_if,  ev->out_if, ev->phys_in,
					 ev->phys_out, ev->mac,    ev->device, fmt,	   ev->origin };
		for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
			fputc(',', f);
			esc_csv(f, cols[i].p ? cols[i].p : "", cols[i].n);
		}
		fputc(',', f);
		if (ev->line)
			fprintf(f, "%llu", (unsigned long long)ev->line);
		fputc('\n', f);
		break;
	}
	}
	p->n++;
	return 0;
}

int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	    { "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },    { "port", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 'S' },	    { "dst", required_argument, NULL, 'D' },
		{ "direction", required_argument, NULL, 'r' }, { "limit", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },   { "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *config = NULL;
	struct event_filter f = { .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				  .direction = -1, .limit = 100 };
	struct printer p = { OUT_TEXT, 0 };
	int64_t now = now_us();
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 's':
			f.since_us = time_opt("events", "--since", optarg, now);
			break;
		case 'u':
			f.until_us = time_opt("events", "--until", optarg, now);
			break;
		case 'p':
			f.port = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || f.port < 0 || f.port > 65535)
				die_usage("events", "bad --port '%s' (0-65535)", optarg);
			break;
		case 'S':
			if (cidr_parse_parts(optarg, &f.src_family, &f.src_bits, f.src_net))
				die_usage("events", "bad --src '%s' (address or CIDR)", optarg);
			f.have_src = 1;
			break;
		case 'D':
			if (cidr_parse_parts(optarg, &f.dst_family, &f.dst_bits, f.dst_net))
				die_usage("events", "bad --dst '%s' (address or CIDR)", optarg);
			f.have_dst = 1;
			break;
		case 'r':
			if (!strcmp(optarg, "any"))
				f.direction = -1;
			else if ((f.direction = ev_direction_parse(optarg)) < 0)
				die_usage("events", "bad --direction '%s'", optarg);
			break;
		case 'l':
			f.limit = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || f.limit < 0)
				die_usage("events", "bad --limit '%s'", optarg);
			break;
		case 'f':
			if (parse_out_format(optarg, &p.fmt))
				die_usage("events", "bad --format '%s' (text, json or csv)", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("events", "unexpected argument '%s'", argv[optind]);
	struct store *st = open_reader("events", config, db);
	if (!st)
		return EXIT_ERR;
	if (p.fmt == OUT_JSON) {
		char a[40], b[40];
		printf("{\"query\":{\"since\":%s%s%s,\"until\":%s%s%s,\"port\":", 
		       f.since_us == INT64_MIN ? "" : "\"",
		       f.since_us == INT64_MIN ? "null" : fmt_utc(f.since_us, a, 0),
		       f.since_us == INT64_MIN ? "" : "\"", f.until_us == INT64_MAX ? "" : "\"",
		       f.until_us == INT64_MAX ? "null" : fmt_utc(f.until_us, b, 0),
		       f.until_us == INT64_MAX ? "" : "\"");
		if (f.port >= 0)
			printf("%d", f.port);
		else
			printf("null");
		printf(",\"direction\":\"%s\",\"limit\":%d},\n\"events\":[",
		       f.direction < 0 ? "any" : ev_direction_name(f.direction), f.limit);
	}
	int rc = store_events(st, &f, print_event, &p);
	if (p.fmt == OUT_JSON)
		printf("\n]}\n");
	if (rc)
		fprintf(stderr, "portlog events: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
