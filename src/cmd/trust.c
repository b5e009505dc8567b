/* trust.c - `portlog trust add CIDR [--note TEXT] | rm CIDR | list`.
 *
 * Trusted networks are the systems the owner talks to on purpose: their
 * events are stored as normal traffic and never raise a finding.  Changing
 * the list re-marks the stored events and runs the detectors again, so the
 * findings always match the list. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/detect_run.h"
#include "common.h"
#include "netlist.h"

static const char usage[] =
	"usage: portlog trust add CIDR [--note TEXT]\n"
	"       portlog trust rm CIDR\n"
	"       portlog trust list [--format text|json|csv]\n"
	"\n"
	"Trusted networks: events from or to them are normal traffic and never a finding.\n"
	"Adding or removing one re-marks the stored events and recomputes the findings.\n"
	"\n"
	"  --db PATH        database\n"
	"  --note TEXT      why it is trusted (add)\n"
	"  --format F       text, json or csv (list)\n"
	"  -h, --help       this help\n";

static int recompute(struct store *st)
{
	uint64_t remarked, findings;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (detect_recompute(st, &remarked, &findings))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("re-marked %llu events, detectors re-run (%llu finding updates), %.2f s\n",
	       (unsigned long long)remarked,
	       (unsigned long long)findings, secs);
	return 0;
}

int cmd_trust(int argc, char **argv)
{
	struct netlist_opts opt;
	int done = netlist_opts("trust", usage, argc, argv, &opt);
	if (done >= 0)
		return done;
	const char *db = opt.db, *config = opt.config, *note = opt.note;
	if (optind >= argc)
		die_usage("trust", "say add, rm or list");
	const char *verb = argv[optind++];
	int is_add = !strcmp(verb, "add"), is_rm = !strcmp(verb, "rm");
	if (!is_add && !is_rm && strcmp(verb, "list"))
		die_usage("trust", "unknown action '%s' (add, rm or list)", verb);
	char canon[64] = "";
	if (is_add || is_rm) {
		netlist_cidr_arg("trust", verb, argc, argv, canon, sizeof canon);
	}
	if (optind < argc)
		die_usage("trust", "unexpected argument '%s'", argv[optind]);
	if (note && !is_add)
		die_usage("trust", "--note goes with add");
	if (note && strlen(note) > 200)
		die_usage("trust", "--note is at most 200 characters");

	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog trust: %s\n", err);
		return EXIT_ERR;
	}
	struct store *st = open_store(db_path(db, &conf, is_add), is_add || is_rm ? 0 : STORE_READONLY);
	if (!st)
		return EXIT_ERR;
	int rc = 0;
	if (is_add || is_rm) {
		int r = is_add ? store_trust_add(st, canon, note) : store_trust_rm(st, canon);
		if (r < 0 || store_commit(st)) {
			rc = -1;
		} else if (is_rm && r == 1) {
			fprintf(stderr, "portlog trust: %s is not in the trusted list (see trust list)\n",
				canon);
			store_close(st);
			return EXIT_ERR;
		} else {
			printf("%s %s\n", is_add ? (r ? "updated" : "trusted") : "no longer trusted:",
			       canon);
			rc = recompute(st);
		}
	} else {
		struct netlist_out o;
		netlist_begin(&o, opt.fmt, "trust");
		rc = store_trust_list(st, netlist_row, &o);
		netlist_end(&o, "no trusted networks (add one with portlog trust add CIDR)");
	}
	if (rc < 0)
		fprintf(stderr, "portlog trust: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
