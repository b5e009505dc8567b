/* parse.c - `portlog parse`: show how each line of a log is understood,
 * without storing anything.  For checking a new device's log, and the form
 * the parser fixtures' golden files take. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../classify/direction.h"
#include "../parse/parse.h"
#include "../report/event_out.h"
#include "../source/file.h"
#include "../util/escape.h"
#include "common.h"

static const char usage[] =
	"usage: portlog parse [options] FILE...\n"
	"\n"
	"Print what each line of FILE (plain, .gz or -) gives, one JSON object a line:\n"
	"the event, or {\"status\":\"bad\"|\"skip\",\"reason\":...}.  Nothing is stored.\n"
	"\n"
	"  --format NAME|auto   log format (default auto)\n"
	"  --year YYYY          year for timestamps without one (default: from the file's mtime)\n"
	"  --home-net CIDR,...  networks that are inside, for the direction\n"
	"  --output json|tsv    tsv: line, status, format, src, sport, dst, dport, proto,\n"
	"                       action, direction, reason\n"
	"  --events-only        leave out skipped and malformed lines\n"
	"  -h, --help           this help\n";

static void tsv(uint64_t lineno, const char *status, const char *fmt, const struct event *ev,
		const char *reason)
{
	char a[EV_ADDR_STRLEN], b[EV_ADDR_STRLEN];
	printf("%llu\t%s\t%s\t", (unsigned long long)lineno, status, fmt);
	if (ev) {
		printf("%s\t", ev_addr_str(&ev->src, a, sizeof a));
		if (ev->has & EV_HAS_SPORT)
			printf("%u", ev->sport);
		printf("\t%s\t", ev_addr_str(&ev->dst, b, sizeof b));
		if (ev->has & EV_HAS_DPORT)
			printf("%u", ev->dport);
		printf("\t");
		if (ev->has & EV_HAS_PROTO)
			printf("%u", ev->proto);
		printf("\t%s\t%s\t\n", ev_action_name(ev->action), ev_direction_name(ev->direction));
	} else {
		printf("\t\t\t\t\t\t\t%s\n", reason);
	}
}

int cmd_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "year", required_argument, NULL, 'y' },
		{ "home-net", required_argument, NULL, 'n' }, { "output", required_argument, NULL, 'o' },
		{ "events-only", no_argument, NULL, 'e' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "auto", *home = "";
	int year = 0, as_tsv = 0, events_only = 0, c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'n': home = optarg; break;
		case 'e': events_only = 1; break;
		case 'y':
			year = atoi(optarg);
			if (year < 1970 || year > 9999)
				die_usage("parse", "--year wants a year like 2024, not '%s'", optarg);
			break;
		case 'o':
			if (!strcmp(optarg, "tsv"))
				as_tsv = 1;
			else if (strcmp(optarg, "json"))
				die_usage("parse", "bad --output '%s' (json or tsv)", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		die_usage("parse", "name at least one FILE (or - for standard input)");
	int fmt = parse_format_find(format);
	if (fmt == -1)
		die_usage("parse", "unknown format '%s' (see portlog formats)", format);
	struct netset nets;
	netset_init(&nets);
	char bad[80];
	if (netset_add_list(&nets, home, bad, sizeof bad))
		die_usage("parse", "bad network '%s' in --home-net", bad);
	int rc = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		char err[512];
		struct linereader *r = lr_open(argv[i], err, sizeof err);
		if (!r) {
			warnx_cmd("parse", "%s", err);
			rc = EXIT_ERR;
			continue;
		}
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, year, lr_mtime(r) ? lr_mtime(r) : now_us() / 1000000);
		struct line l;
		uint64_t lineno = 0;
		int k;
		while ((k = lr_next(r, &l, err, sizeof err)) == 1) {
			lineno++;
			struct event ev;
			const char *why = "line too long";
			int pr = l.too_long ? PARSE_BAD : parse_line(&ctx, fmt, l.p, l.n, &ev, &why);
			if (pr == PARSE_OK) {
				ev.direction = (uint8_t)direction_of(&nets, &ev);
				ev.line = lineno;
				const char *name = parse_formats[ev.format]->name;
				if (as_tsv) {
					tsv(lineno, "ok", name, &ev, "");
				} else {
					printf("{\"line\":%llu,\"status\":\"ok\",\"event\":",
					       (unsigned long long)lineno);
					event_write_json(stdout, &ev, name);
					printf("}\n");
				}
			} else if (!events_only) {
				const char *status = pr == PARSE_BAD ? "bad" : "skip";
				if (as_tsv) {
					tsv(lineno, status, "", NULL, why);
				} else {
					printf("{\"line\":%llu,\"status\":\"%s\",\"reason\":",
					       (unsigned long long)lineno, status);
					esc_json(stdout, why, strlen(why));
					printf("}\n");
				}
			}
		}
		if (k < 0) {
			warnx_cmd("parse", "%s: %s", argv[i], err);
			rc = EXIT_ERR;
		}
		lr_close(r);
	}
	netset_free(&nets);
	return rc;
}
