/* peek.c - `portlog peek`: open ports nothing else uses and record what
 * scanners and worms send to them (src/peek/).
 *
 * Order at start: bind every socket, drop root, open the store, listen.
 * SIGTERM/SIGINT record the open connections as they stand and commit. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "../peek/patterns.h"
#include "../peek/peek.h"
#include "../serve/addr.h"
#include "../util/privdrop.h"
#include "common.h"

enum { MAX_PORTS = 64, MAX_BINDS = 8, MAX_BANNERS = 64 };

static const char usage[] =
	"usage: portlog peek --tcp PORTS [--udp PORTS] [options]\n"
	"\n"
	"Listen on ports nothing else uses and record what scanners and worms send: every\n"
	"TCP connection and UDP datagram becomes an inbound event (see portlog events) and a\n"
	"capture of its first bytes with what was recognised in them (portlog captures).\n"
	"peek only reads and records; it answers nothing but an optional banner.\n"
	"\n"
	"  --tcp PORTS          TCP ports, e.g. 135,139,445,1433,3389,5000\n"
	"  --udp PORTS          UDP ports, e.g. 137,1434\n"
	"  --bind ADDR          address to listen on (repeatable; default 127.0.0.1; use\n"
	"                       0.0.0.0 or :: deliberately, to face the network)\n"
	"  --max-bytes N        bytes kept from each connection or datagram (default 4096)\n"
	"  --timeout SECS       close a connection after this long (default 10)\n"
	"  --conn-bytes N       close a connection after it sent this much (default 65536)\n"
	"  --max-conns N        connections open at once (default 1024; at the limit the\n"
	"                       oldest one that has sent nothing is closed to make room)\n"
	"  --max-per-source N   connections open at once from one address or IPv6 /64\n"
	"                       (default 32)\n"
	"  --rate N             new connections and datagrams per second from one source\n"
	"                       (default 10, bursts of --burst, default 40)\n"
	"  --banner PORT:FILE   send FILE (at most 4096 bytes) to each peer on PORT when it\n"
	"                       connects (repeatable)\n"
	"  --payloads FILE      known worm and exploit patterns (default data/payloads)\n"
	"  --user NAME          drop root to this user after binding (default portlog when\n"
	"                       started as root; --user root keeps root, not advised)\n"
	"  --db PATH            database (default: see portlog --help)\n"
	"  --config FILE        configuration file (for the database path)\n"
	"  -h, --help           this help\n"
	"\n"
	"Everything turned away by a limit is counted: portlog captures --counters.\n";

struct opts {
	int tcp[MAX_PORTS], udp[MAX_PORTS], ntcp, nudp;
	const char *bind[MAX_BINDS];
	int nbind;
	const char *banner[MAX_BANNERS];
	int nbanner;
	const char *db, *config, *user, *payloads;
	struct peek_limits lim;
};

static long num_arg(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		die_usage("peek", "%s wants a number from %ld to %ld, not '%s'", opt, lo, hi, s);
	return v;
}

static void port_list(const char *opt, const char *s, int *v, int *n)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (*n == MAX_PORTS)
			die_usage("peek", "at most %d ports in %s", MAX_PORTS, opt);
		v[(*n)++] = (int)num_arg(opt, t, 1, 65535);
	}
}

static volatile sig_atomic_t stopping;

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	stopping = 1;
	event_base_loopbreak(arg);
}

static int bind_one(const char *addr, int port, int type, int *fds, int *nfds, int max)
{
	char spec[160], err[512];
	if (strchr(addr, ':'))
		snprintf(spec, sizeof spec, "[%s]:%d", addr, port);
	else
		snprintf(spec, sizeof spec, "%s:%d", addr, port);
	if (*nfds == max) {
		warnx_cmd("peek", "too many listeners");
		return -1;
	}
	int fd = addr_bind(spec, type, err, sizeof err);
	if (fd < 0) {
		warnx_cmd("peek", "%s", err);
		return -1;
	}
	/* A deeper accept queue than addr_bind's: a burst of scanners must not
	 * overflow it while the loop is storing (listen again only raises it). */
	if (type == SOCK_STREAM)
		listen(fd, 8192);
	fds[(*nfds)++] = fd;
	return 0;
}

static int load_banner(struct peek *pk, const char *spec)
{
	char *end;
	long port = strtol(spec, &end, 10);
	if (end == spec || *end != ':' || port < 1 || port > 65535) {
		warnx_cmd("peek", "--banner wants PORT:FILE, not '%s'", spec);
		return -1;
	}
	FILE *f = fopen(end + 1, "rb");
	if (!f) {
		warnx_cmd("peek", "cannot read banner file %s: %s", end + 1, strerror(errno));
		return -1;
	}
	unsigned char buf[4097];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n > 4096 || peek_set_banner(pk, (int)port, buf, n)) {
		warnx_cmd("peek", "banner %s: at most 4096 bytes and one banner per port", spec);
		return -1;
	}
	return 0;
}

static void raise_fd_limit(int want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	rlim_t need = (rlim_t)want + 256;
	if (rl.rlim_cur < need) {
		rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need)
		warnx_cmd("peek",
			  "only %llu file descriptors allowed; --max-conns %d may not be reached "
			  "(raise ulimit -n)",
			  (unsigned long long)rl.rlim_cur, want);
}

static int run(struct opts *o, struct conf *conf)
{
	int fds[MAX_PORTS * MAX_BINDS * 2], kinds[MAX_PORTS * MAX_BINDS * 2], nfds = 0;
	int rc = EXIT_ERR, max = (int)(sizeof fds / sizeof fds[0]);
	raise_fd_limit(o->lim.max_conns);
	for (int b = 0; b < o->nbind; b++) {
		for (int i = 0; i < o->ntcp; i++) {
			if (bind_one(o->bind[b], o->tcp[i], SOCK_STREAM, fds, &nfds, max))
				goto out_fds;
			kinds[nfds - 1] = 0;
		}
		for (int i = 0; i < o->nudp; i++) {
			if (bind_one(o->bind[b], o->udp[i], SOCK_DGRAM, fds, &nfds, max))
				goto out_fds;
			kinds[nfds - 1] = 1;
		}
	}
	if (privdrop("peek", o->user))
		goto out_fds;
	char err[512];
	struct patterns *pats = patterns_load(o->payloads, err, sizeof err);
	if (!pats) {
		if (o->payloads)
			goto out_fds_msg;
		warnx_cmd("peek", "%s; continuing without known payload patterns", err);
	}
	struct store *st = open_store(db_path(o->db, conf, 1), 0);
	if (!st)
		goto out_pats;
	struct event_base *base = event_base_new();
	struct peek *pk = base ? peek_new(base, st, pats, &o->lim) : NULL;
	if (!pk) {
		warnx_cmd("peek", "out of memory");
		goto out_base;
	}
	for (int i = 0; i < o->nbanner; i++)
		if (load_banner(pk, o->banner[i]))
			goto out_peek;
	for (int i = 0; i < nfds; i++) {
		if ((kinds[i] ? peek_listen_udp : peek_listen_tcp)(pk, fds[i])) {
			warnx_cmd("peek", "cannot listen (out of memory)");
			goto out_peek;
		}
		fds[i] = -1; /* the listener owns it now */
	}
	signal(SIGPIPE, SIG_IGN);
	struct event *sig_term = evsignal_new(base, SIGTERM, on_stop, base);
	struct event *sig_int = evsignal_new(base, SIGINT, on_stop, base);
	if (!sig_term || !sig_int || event_add(sig_term, NULL) || event_add(sig_int, NULL)) {
		warnx_cmd("peek", "cannot set up signals");
	} else {
		fprintf(stderr, "portlog peek: listening on %d tcp and %d udp port(s) at %d address(es)\n",
			o->ntcp, o->nudp, o->nbind);
		event_base_dispatch(base);
		rc = EXIT_OK;
	}
	if (sig_term)
		event_free(sig_term);
	if (sig_int)
		event_free(sig_int);
out_peek:
	if (pk) {
		const struct peek_counters c = *peek_counters(pk);
		peek_free(pk); /* records what is open, commits */
		fprintf(stderr,
			"portlog peek: %llu connections, %llu datagrams, %llu recorded; turned away: "
			"%llu total limit, %llu per source, %llu rate, %llu sources full; %llu evicted\n",
			(unsigned long long)c.accepted, (unsigned long long)c.datagrams,
			(unsigned long long)c.recorded + c.open, (unsigned long long)c.rej_total,
			(unsigned long long)c.rej_per_src, (unsigned long long)c.rej_rate,
			(unsigned long long)c.rej_sources, (unsigned long long)c.evicted);
	}
out_base:
	if (base)
		event_base_free(base);
	store_close(st);
out_pats:
	patterns_free(pats);
	goto out_fds;
out_fds_msg:
	warnx_cmd("peek", "%s", err);
out_fds:
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

int cmd_peek(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "tcp", required_argument, NULL, 't' },
		{ "udp", required_argument, NULL, 'u' },
		{ "bind", required_argument, NULL, 'b' },
		{ "max-bytes", required_argument, NULL, 'B' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "conn-bytes", required_argument, NULL, 'C' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "max-per-source", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "burst", required_argument, NULL, 'R' },
		{ "banner", required_argument, NULL, 'n' },
		{ "payloads", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .ntcp = 0 };
	peek_limits_default(&o.lim);
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'c': o.config = optarg; break;
		case 'U': o.user = optarg; break;
		case 'P': o.payloads = optarg; break;
		case 't': port_list("--tcp", optarg, o.tcp, &o.ntcp); break;
		case 'u': port_list("--udp", optarg, o.udp, &o.nudp); break;
		case 'b':
			if (o.nbind == MAX_BINDS)
				die_usage("peek", "at most %d --bind addresses", MAX_BINDS);
			o.bind[o.nbind++] = optarg;
			break;
		case 'n':
			if (o.nbanner == MAX_BANNERS)
				die_usage("peek", "at most %d --banner files", MAX_BANNERS);
			o.banner[o.nbanner++] = optarg;
			break;
		case 'B': o.lim.max_bytes = (size_t)num_arg("--max-bytes", optarg, 1, 65536); break;
		case 'T': o.lim.timeout_s = (int)num_arg("--timeout", optarg, 1, 3600); break;
		case 'C':
			o.lim.conn_bytes = (uint64_t)num_arg("--conn-bytes", optarg, 1, 1L << 30);
			break;
		case 'm': o.lim.max_conns = (int)num_arg("--max-conns", optarg, 1, 1000000); break;
		case 'p':
			o.lim.max_per_src = (int)num_arg("--max-per-source", optarg, 1, 1000000);
			break;
		case 'r': o.lim.rate = (double)num_arg("--rate", optarg, 1, 10000000); break;
		case 'R': o.lim.burst = (int)num_arg("--burst", optarg, 1, 10000000); break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("peek", "unexpected argument '%s'", argv[optind]);
	if (!o.ntcp && !o.nudp)
		die_usage("peek", "say which ports to open: --tcp 135,139,445 and/or --udp 137,1434");
	if (!o.nbind)
		o.bind[o.nbind++] = "127.0.0.1";
	if (o.lim.max_bytes > o.lim.conn_bytes)
		o.lim.conn_bytes = o.lim.max_bytes;
	struct conf conf;
	char err[1024];
	if (conf_load(&conf, o.config, err, sizeof err)) {
		fprintf(stderr, "portlog peek: %s\n", err);
		return EXIT_ERR;
	}
	return run(&o, &conf);
}
