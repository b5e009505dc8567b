/* netlist.c - options and list output shared by block, trust and homenet
 * (netlist.h). */
#include "netlist.h"

#include <getopt.h>
#include <string.h>

#include "../classify/netset.h"
#include "../util/escape.h"
#include "../util/timearg.h"

int netlist_opts(const char *cmd, const char *usage, int argc, char **argv,
		 struct netlist_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },	 { "note", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' }, { "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },	 { NULL, 0, NULL, 0 },
	};
	*o = (struct netlist_opts){ .fmt = OUT_TEXT };
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'c': o->config = optarg; break;
		case 'n': o->note = optarg; break;
		case 'f':
			if (parse_out_format(optarg, &o->fmt))
				die_usage(cmd, "bad --format '%s' (text, json or csv)", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	return -1;
}

void netlist_cidr_arg(const char *cmd, const char *verb, int argc, char **argv, char *canon,
		      size_t n)
{
	if (optind >= argc)
		die_usage(cmd, "%s wants a network like 203.0.113.0/24", verb);
	struct cidr cd;
	if (cidr_parse(&cd, argv[optind]))
		die_usage(cmd, "bad network '%s' (want CIDR like 203.0.113.0/24)", argv[optind]);
	cidr_str(&cd, canon, n);
	optind++;
}

void netlist_begin(struct netlist_out *o, enum out_format fmt, const char *kind)
{
	*o = (struct netlist_out){ fmt, 0 };
	if (fmt == OUT_JSON)
		printf("{\"query\":{\"kind\":\"%s\"},\"rows\":[", kind);
	else if (fmt == OUT_CSV)
		printf("cidr,note,added\n");
}

int netlist_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	struct netlist_out *o = arg;
	char when[40] = "";
	fmt_utc(added_s * 1000000, when, 0);
	switch (o->fmt) {
	case OUT_JSON:
		printf("%s{\"cidr\":", o->n ? "," : "");
		esc_json(stdout, cidr, strlen(cidr));
		printf(",\"note\":");
		esc_json(stdout, note, strlen(note));
		printf(",\"added\":\"%s\"}", when);
		break;
	case OUT_CSV:
		esc_csv(stdout, cidr, strlen(cidr));
		printf(",");
		esc_csv(stdout, note, strlen(note));
		printf(",%s\n", when);
		break;
	case OUT_TEXT:
		printf("%-43s  %s  ", cidr, when);
		esc_text(stdout, note, strlen(note));
		printf("\n");
		break;
	}
	o->n++;
	return 0;
}

void netlist_end(const struct netlist_out *o, const char *empty)
{
	if (o->fmt == OUT_JSON)
		printf("]}\n");
	else if (o->fmt == OUT_TEXT && !o->n)
		printf("%s\n", empty);
}
