/* block.c - `portlog block add CIDR [--note TEXT] | rm CIDR | list | import FILE`.
 *
 * The block list holds networks the user knows to be bad (a published
 * reputation list, addresses that attacked before).  Any event from a listed
 * source raises a reputation finding naming the entry and its note
 * (classify/reputation.c), as psad's reputation checks do.  Changing the list
 * recomputes the reputation findings over the stored events. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/netset.h"
#include "../classify/reputation_run.h"
#include "common.h"
#include "netlist.h"

static const char usage[] =
	"usage: portlog block add CIDR [--note TEXT]\n"
	"       portlog block rm CIDR\n"
	"       portlog block list [--format text|json|csv]\n"
	"       portlog block import FILE [--note TEXT]\n"
	"\n"
	"The block list: known-bad networks.  Events from a listed source raise a\n"
	"reputation finding (portlog report reputation) with the entry's note.  Each\n"
	"change recomputes the reputation findings over the stored events.\n"
	"\n"
	"import reads one network per line (203.0.113.7 or 198.51.100.0/24 or 2001:db8::/32);\n"
	"'#' starts a comment, and a comment after the network is its note unless --note\n"
	"is given.  A line that is not a network stops the import before anything is added.\n"
	"\n"
	"  --db PATH        database\n"
	"  --note TEXT      why it is listed (add, import; at most 200 characters)\n"
	"  --format F       text, json or csv (list)\n"
	"  -h, --help       this help\n";

enum { NOTE_MAX = 200, IMPORT_MAX = 1000000 };

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

struct entry {
	char cidr[52];
	char note[NOTE_MAX + 1];
};

/* Read every line first, so a bad one adds nothing.  Count, or -1 (printed). */
static long read_list(const char *path, const char *note, struct entry **out)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "portlog block: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct entry *v = NULL;
	long n = 0, cap = 0, lineno = 0;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "portlog block: %s:%ld: line longer than %zu bytes\n", path,
				lineno, sizeof line - 2);
			goto fail;
		}
		char *hash = strchr(line, '#');
		char *comment = hash ? trim(hash + 1) : NULL;
		if (hash)
			*hash = '\0';
		char *net = trim(line);
		if (!*net)
			continue;
		if (strpbrk(net, " \t")) {
			fprintf(stderr, "portlog block: %s:%ld: one network per line, not '%.60s'\n",
				path, lineno, net);
			goto fail;
		}
		struct cidr cd;
		if (cidr_parse(&cd, net)) {
			fprintf(stderr,
				"portlog block: %s:%ld: '%.60s' is not a network (want 203.0.113.0/24,"
				" 203.0.113.7 or 2001:db8::/32); nothing was added\n",
				path, lineno, net);
			goto fail;
		}
		if (n == IMPORT_MAX) {
			fprintf(stderr, "portlog block: %s: more than %d networks\n", path, IMPORT_MAX);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct entry *nv = realloc(v, (size_t)cap * sizeof *nv);
			if (!nv) {
				fprintf(stderr, "portlog block: out of memory reading %s\n", path);
				goto fail;
			}
			v = nv;
		}
		cidr_str(&cd, v[n].cidr, sizeof v[n].cidr);
		snprintf(v[n].note, sizeof v[n].note, "%s", note ? note : comment ? comment : "");
		n++;
	}
	if (ferror(f)) {
		fprintf(stderr, "portlog block: reading %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*out = v;
	return n;
fail:
	if (f != stdin)
		fclose(f);
	free(v);
	return -1;
}

static int recompute(struct store *st)
{
	uint64_t findings;
	if (reputation_recompute(st, &findings))
		return -1;
	printf("reputation findings recomputed (%llu written)\n", (unsigned long long)findings);
	return 0;
}

int cmd_block(int argc, char **argv)
{
	struct netlist_opts opt;
	int done = netlist_opts("block", usage, argc, argv, &opt);
	if (done >= 0)
		return done;
	const char *db = opt.db, *config = opt.config, *note = opt.note;
	if (optind >= argc)
		die_usage("block", "say add, rm, list or import");
	const char *verb = argv[optind++];
	int is_add = !strcmp(verb, "add"), is_rm = !strcmp(verb, "rm"),
	    is_import = !strcmp(verb, "import");
	if (!is_add && !is_rm && !is_import && strcmp(verb, "list"))
		die_usage("block", "unknown action '%s' (add, rm, list or import)", verb);
	char canon[64] = "";
	const char *file = NULL;
	if (is_add || is_rm) {
		netlist_cidr_arg("block", verb, argc, argv, canon, sizeof canon);
	} else if (is_import) {
		if (optind >= argc)
			die_usage("block", "import wants a FILE with one network per line (- for stdin)");
		file = argv[optind++];
	}
	if (optind < argc)
		die_usage("block", "unexpected argument '%s'", argv[optind]);
	if (note && !is_add && !is_import)
		die_usage("block", "--note goes with add or import");
	if (note && strlen(note) > NOTE_MAX)
		die_usage("block", "--note is at most %d characters", NOTE_MAX);

	struct entry *list = NULL;
	long nlist = 0;
	if (is_import && (nlist = read_list(file, note, &list)) < 0)
		return EXIT_ERR;

	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog block: %s\n", err);
		free(list);
		return EXIT_ERR;
	}
	int writes = is_add || is_rm || is_import;
	struct store *st = open_store(db_path(db, &conf, writes), writes ? 0 : STORE_READONLY);
	if (!st) {
		free(list);
		return EXIT_ERR;
	}
	int rc = 0;
	if (is_import) {
		long added = 0, updated = 0;
		for (long i = 0; i < nlist && !rc; i++) {
			int r = store_block_add(st, list[i].cidr, list[i].note);
			if (r < 0)
				rc = -1;
			else if (r)
				updated++;
			else
				added++;
		}
		if (!rc && !store_commit(st)) {
			printf("%ld networks added, %ld already listed (note updated) from %s\n", added,
			       updated, file);
			rc = recompute(st);
		} else {
			rc = -1;
		}
	} else if (is_add || is_rm) {
		int r = is_add ? store_block_add(st, canon, note) : store_block_rm(st, canon);
		if (r < 0 || store_commit(st)) {
			rc = -1;
		} else if (is_rm && r == 1) {
			fprintf(stderr, "portlog block: %s is not on the block list (see block list)\n",
				canon);
			store_close(st);
			return EXIT_ERR;
		} else {
			printf("%s %s\n", is_add ? (r ? "updated" : "blocked") : "no longer listed:",
			       canon);
			rc = recompute(st);
		}
	} else {
		struct netlist_out o;
		netlist_begin(&o, opt.fmt, "block");
		rc = store_block_list(st, netlist_row, &o);
		netlist_end(&o, "the block list is empty (add with portlog block add CIDR or block import"
				 " FILE)");
	}
	free(list);
	if (rc < 0)
		fprintf(stderr, "portlog block: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
