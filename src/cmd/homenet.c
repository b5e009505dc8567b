/* homenet.c - `portlog homenet add CIDR [--note TEXT] | rm CIDR | list`, and
 * the rule every command uses to know which networks are inside (homenet.h).
 *
 * The networks added here are stored in the database beside the events, so
 * import, serve and the dashboard all see them; portlog.conf's home_net is
 * only read, never rewritten (it is the user's file, comments and all). */
#include "homenet.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"
#include "netlist.h"

static const char usage[] =
	"usage: portlog homenet add CIDR [--note TEXT]\n"
	"       portlog homenet rm CIDR\n"
	"       portlog homenet list [--format text|json|csv]\n"
	"\n"
	"Home networks: the addresses inside, which decide whether an event is inbound,\n"
	"outbound or internal.  Those added here are stored in the database and used\n"
	"together with home_net of [network] in portlog.conf (or --home-net of import and\n"
	"serve); those in the file are listed but changed only in the file.\n"
	"import uses the stored ones from its next run; a running serve when it gets\n"
	"SIGHUP (changes made in the dashboard apply at once).  Events already stored\n"
	"keep the direction they were given.  A network outside private address space\n"
	"(up to a /16, or an IPv6 /48) added here, or given to import or serve, has its\n"
	"hosts' stored events counted once, so their Sources pages are quick (a pass\n"
	"over every stored event: seconds on millions).\n"
	"\n"
	"  --db PATH        database\n"
	"  --config FILE    configuration file (its home_net is listed)\n"
	"  --note TEXT      what the network is (add; at most 200 characters)\n"
	"  --format F       text, json or csv (list)\n"
	"  -h, --help       this help\n";

/* ---- the rule (homenet.h) ---- */

int homenet_check(const char *in, char *canon, size_t n, char *err, size_t errlen)
{
	size_t len = strlen(in);
	if (!len) {
		snprintf(err, errlen, "empty: type a network, like 192.168.1.0/24 or fd00::/8");
		return -1;
	}
	if (len > 60 || strspn(in, "0123456789abcdefABCDEF.:/") != len) {
		snprintf(err, errlen,
			 "type an address or NET/BITS, like 192.168.1.0/24 or fd00::/8 (digits, "
			 "'.', ':' and '/' only, at most 60 characters)");
		return -1;
	}
	struct cidr c;
	if (cidr_parse(&c, in)) {
		snprintf(err, errlen,
			 "want an IPv4 or IPv6 address, or NET/BITS with BITS at most 32 (IPv4) "
			 "or 128 (IPv6), like 192.168.1.0/24 or fd00::/8");
		return -1;
	}
	if (c.bits == 0) {
		snprintf(err, errlen,
			 "a /0 would put every address inside; name your own networks, like "
			 "192.168.1.0/24");
		return -1;
	}
	cidr_str(&c, canon, n);
	return 0;
}

int homenet_configured_has(const char *configured, const char *canon)
{
	/* Each item on its own, so one bad item does not hide the others. */
	const char *p = configured;
	int found = 0;
	while (*p && !found) {
		size_t k = strcspn(p, ", \t");
		char one[80], text[HOMENET_CIDR_MAX];
		struct cidr c;
		if (k && k < sizeof one) {
			memcpy(one, p, k);
			one[k] = '\0';
			found = cidr_parse(&c, one) == 0 &&
				!strcmp(cidr_str(&c, text, sizeof text), canon);
		}
		p += k;
		p += strspn(p, ", \t");
	}
	return found;
}

static int add_stored(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	(void)note;
	(void)added_s;
	struct cidr c;
	/* Rows are written checked; one edited by hand into nonsense is skipped
	 * rather than stopping serve. */
	if (cidr_parse(&c, cidr))
		return 0;
	return netset_add(arg, &c) ? -1 : 0;
}

int homenet_load(struct netset *home, const char *configured, struct store *st, char *err,
		 size_t errlen)
{
	char bad[80];
	netset_init(home);
	if (netset_add_list(home, configured ? configured : "", bad, sizeof bad)) {
		snprintf(err, errlen,
			 "bad network '%s' in home networks (want CIDR like 192.168.1.0/24)", bad);
		netset_free(home);
		return -1;
	}
	if (st && store_homenet_list(st, add_stored, home)) {
		snprintf(err, errlen, "home networks stored in the database: %s", store_errmsg(st));
		netset_free(home);
		return -1;
	}
	return 0;
}

int homenet_load_db(struct netset *home, const char *configured, const char *db, char *err,
		    size_t errlen)
{
	if (access(db, F_OK) && errno == ENOENT)
		return homenet_load(home, configured, NULL, err, errlen);
	struct store *st = store_open(db, STORE_READONLY, err, errlen);
	if (!st) {
		netset_init(home);
		return -1;
	}
	int rc = homenet_load(home, configured, st, err, errlen);
	store_close(st);
	return rc;
}

int homenet_cover(struct store *st, const struct netset *home, char *err, size_t errlen)
{
	struct store_net *v = calloc(home->n ? (size_t)home->n : 1, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < home->n; i++) {
		v[i].family = home->v[i].net.family;
		v[i].bits = home->v[i].bits;
		memcpy(v[i].net, home->v[i].net.bytes, 16);
	}
	int rc = store_cover_nets(st, v, home->n) < 0 || store_commit(st) ? -1 : 0;
	free(v);
	if (rc)
		snprintf(err, errlen, "counting the home networks' stored events: %s",
			 store_errmsg(st));
	return rc;
}

int homenet_cover_db(const struct netset *home, const char *db, char *err, size_t errlen)
{
	struct store *st = store_open(db, 0, err, errlen);
	if (!st)
		return -1;
	int rc = homenet_cover(st, home, err, errlen);
	store_close(st);
	return rc;
}

/* ---- the command ---- */

struct list_out {
	enum out_format fmt;
	int n;
};

static void print_row(struct list_out *o, const char *cidr, const char *from, const char *note,
		      int64_t added_s)
{
	char when[40] = "-";
	if (added_s)
		fmt_utc(added_s * 1000000, when, 0);
	switch (o->fmt) {
	case OUT_JSON:
		printf("%s{\"cidr\":", o->n ? "," : "");
		esc_json(stdout, cidr, strlen(cidr));
		printf(",\"from\":\"%s\",\"note\":", from);
		esc_json(stdout, note, strlen(note));
		if (added_s)
			printf(",\"added\":\"%s\"}", when);
		else
			printf(",\"added\":null}");
		break;
	case OUT_CSV:
		esc_csv(stdout, cidr, strlen(cidr));
		printf(",%s,", from);
		esc_csv(stdout, note, strlen(note));
		printf(",%s\n", added_s ? when : "");
		break;
	case OUT_TEXT:
		printf("%-43s  %-8s  %-19s  ", cidr, from, when);
		esc_text(stdout, note, strlen(note));
		printf("\n");
		break;
	}
	o->n++;
}

static int stored_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	print_row(arg, cidr, "stored", note, added_s);
	return 0;
}

static int list(struct store *st, const struct conf *conf, enum out_format fmt)
{
	struct list_out o = { fmt, 0 };
	if (fmt == OUT_JSON)
		printf("{\"query\":{\"kind\":\"homenet\"},\"rows\":[");
	else if (fmt == OUT_CSV)
		printf("cidr,from,note,added\n");
	else
		printf("%-43s  %-8s  %-19s  %s\n", "NETWORK", "FROM", "ADDED (UTC)", "NOTE");
	/* The configured ones as written (escaped: the file may hold anything). */
	const char *p = conf->home_net;
	while (*(p += strspn(p, ", \t"))) {
		size_t k = strcspn(p, ", \t");
		char one[80];
		int shown = (int)(k < sizeof one - 1 ? k : sizeof one - 1);
		snprintf(one, sizeof one, "%.*s", shown, p);
		print_row(&o, one, "config", "", 0);
		p += k;
	}
	int rc = store_homenet_list(st, stored_row, &o);
	if (fmt == OUT_JSON)
		printf("]}\n");
	else if (fmt == OUT_TEXT && !o.n)
		printf("(none: directions follow what each log format says; add one with portlog "
		       "homenet add CIDR)\n");
	return rc;
}

static const char applies[] =
	"import uses it from its next run, a running serve after SIGHUP (systemctl reload\n"
	"portlog).  Events already stored keep their direction.\n";

static int change(struct store *st, const struct conf *conf, int is_add, const char *canon,
		  const char *note)
{
	const char *file = conf->path[0] ? conf->path : "portlog.conf";
	if (homenet_configured_has(conf->home_net, canon)) {
		if (is_add)
			fprintf(stderr, "portlog homenet: %s is already a home network in %s\n",
				canon, file);
		else
			fprintf(stderr,
				"portlog homenet: %s comes from home_net in %s: remove it there, "
				"then reload serve (SIGHUP)\n",
				canon, file);
		return -1;
	}
	int r = is_add ? store_homenet_add(st, canon, note) : store_homenet_rm(st, canon);
	if (r < 0 || store_commit(st)) {
		fprintf(stderr, "portlog homenet: %s\n", store_errmsg(st));
		return -1;
	}
	if (is_add && r == 2) {
		fprintf(stderr,
			"portlog homenet: at most %d stored home networks; remove one first or "
			"join them into a larger network\n",
			STORE_HOMENET_MAX);
		return -1;
	}
	if (!is_add && r == 1) {
		fprintf(stderr, "portlog homenet: %s is not a stored home network (see portlog "
				"homenet list)\n",
			canon);
		return -1;
	}
	printf("%s %s\n%s",
	       is_add ? (r ? "home network updated:" : "home network added:")
		      : "home network removed:",
	       canon, applies);
	return 0;
}

int cmd_homenet(int argc, char **argv)
{
	struct netlist_opts opt;
	int done = netlist_opts("homenet", usage, argc, argv, &opt);
	if (done >= 0)
		return done;
	const char *db = opt.db, *config = opt.config, *note = opt.note;
	if (optind >= argc)
		die_usage("homenet", "say add, rm or list");
	const char *verb = argv[optind++];
	int is_add = !strcmp(verb, "add"), is_rm = !strcmp(verb, "rm");
	if (!is_add && !is_rm && strcmp(verb, "list"))
		die_usage("homenet", "unknown action '%s' (add, rm or list)", verb);
	char canon[HOMENET_CIDR_MAX] = "", why[256];
	if (is_add || is_rm) {
		if (optind >= argc)
			die_usage("homenet", "%s wants a network like 192.168.1.0/24", verb);
		if (homenet_check(argv[optind], canon, sizeof canon, why, sizeof why))
			die_usage("homenet", "bad network '%s': %s", argv[optind], why);
		optind++;
	}
	if (optind < argc)
		die_usage("homenet", "unexpected argument '%s'", argv[optind]);
	if (note && !is_add)
		die_usage("homenet", "--note goes with add");
	if (note && strlen(note) > HOMENET_NOTE_MAX)
		die_usage("homenet", "--note is at most %d characters", HOMENET_NOTE_MAX);

	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog homenet: %s\n", err);
		return EXIT_ERR;
	}
	int writes = is_add || is_rm;
	struct store *st = open_store(db_path(db, &conf, is_add), writes ? 0 : STORE_READONLY);
	if (!st)
		return EXIT_ERR;
	int rc;
	if (writes) {
		rc = change(st, &conf, is_add, canon, note);
	} else {
		rc = list(st, &conf, opt.fmt);
		if (rc)
			fprintf(stderr, "portlog homenet: %s\n", store_errmsg(st));
	}
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
