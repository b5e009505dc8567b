/* serve.c - `portlog serve`: the daemon.  Receives syslog over UDP and TCP,
 * SNMP traps, and growing files, and stores what it receives as it arrives.
 *
 *   network thread (libevent): udp.c, tcp.c, traps -> ingest -> queue
 *   writer thread (writer.c):  queue + followed files -> parse -> store
 *
 * Order at start: read the configuration, bind every socket, drop root,
 * open the store, start the writer, then receive.  SIGTERM/SIGINT stop
 * receiving, drain the queue and commit; SIGHUP re-reads home_net from the
 * configuration while messages keep flowing, and a home network added or
 * removed in the dashboard applies to the next message (home_changed). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "../classify/netset.h"
#include "../serve/addr.h"
#include "../serve/ingest.h"
#include "../serve/log.h"
#include "../serve/peek_serve.h"
#include "../serve/stats.h"
#include "../serve/writer.h"
#include "../source/tcp.h"
#include "../source/udp.h"
#include "../util/privdrop.h"
#include "../web/web.h"
#include "common.h"
#include "homenet.h"

enum { MAX_LISTEN = 16, MAX_FOLLOW = 32, DEFAULT_PORT = 5514 };

static const char usage[] =
	"usage: portlog serve [options]\n"
	"\n"
	"Receive firewall logs as they happen and store them: syslog over UDP and TCP\n"
	"(RFC 3164 and RFC 5424; RFC 6587 octet counting or newline framing), SNMP traps\n"
	"(routers of the Linksys kind send their log that way), and growing files.\n"
	"Without --udp/--tcp/--snmptrap/--follow (here or in [serve] of portlog.conf) it\n"
	"listens on UDP and TCP 127.0.0.1:5514.\n"
	"\n"
	"  --db PATH            database (default: see portlog --help)\n"
	"  --config FILE        configuration file; SIGHUP re-reads its home_net and the\n"
	"                       home networks stored by portlog homenet (those changed in\n"
	"                       the dashboard apply at once)\n"
	"  --udp ADDR:PORT      syslog over UDP (repeatable; [::1]:5514, :514 for all)\n"
	"  --tcp ADDR:PORT      syslog over TCP (repeatable)\n"
	"  --snmptrap ADDR:PORT SNMP traps, e.g. 0.0.0.0:162 (repeatable)\n"
	"  --follow FILE        read a log file as it grows, across rotation and restarts\n"
	"                       (repeatable)\n"
	"  --home-net CIDR,...  networks that are inside (replaces home_net of the config;\n"
	"                       stored ones count as well)\n"
	"  --user NAME          drop root to this user after binding (default portlog when\n"
	"                       started as root; --user root keeps root)\n"
	"  --foreground         stay in the foreground, messages to stderr\n"
	"                       (otherwise detach and log to syslog)\n"
	"  --max-conns N        TCP connections per listener (default 512; at the limit the\n"
	"                       one silent for longest is closed)\n"
	"  --idle-timeout SECS  close TCP connections silent this long (default 300)\n"
	"  --max-message BYTES  longest TCP message (default 16384; UDP: 16384)\n"
	"  --queue-mb N         memory for messages waiting to be stored (default 32); when\n"
	"                       full, messages are dropped and counted (portlog status)\n"
	"  --web ADDR:PORT      the web dashboard (default 127.0.0.1:8445; when that is\n"
	"                       taken serve goes on without it); an address other hosts\n"
	"                       reach needs a password first (portlog passwd)\n"
	"  --no-web             no web dashboard\n"
	"  -h, --help           this help\n"
	"\n"
	"Point a router at it: its remote syslog server is this host, port 5514 (or 514 with\n"
	"--udp :514 as root).  rsyslog: '*.* @HOST:5514' (UDP) or '*.* @@HOST:5514' (TCP).\n"
	"Test: logger -n 127.0.0.1 -P 5514 -d 'IN=eth0 OUT= SRC=203.0.113.7 ...'\n";

struct opts {
	const char *udp[MAX_LISTEN], *tcp[MAX_LISTEN], *trap[MAX_LISTEN], *follow[MAX_FOLLOW];
	int nudp, ntcp, ntrap, nfollow;
	const char *db, *config, *home, *user, *web;
	int foreground, no_web;
	struct tcp_limits lim;
	long queue_mb;
};

struct server {
	struct opts *o;
	struct event_base *base;
	struct msgq *q;
	struct ingest in;
	struct writer *w;
	struct udp_listener *udp[MAX_LISTEN * 2];
	struct tcp_server *tcp[MAX_LISTEN];
	int nudp, ntcp;
	const char *db;
	int64_t started_us;
	struct web *web;
	struct peek_serve *peek; /* [peek] listeners, NULL when none */
	/* The home networks: one reload at a time (SIGHUP on the event thread,
	 * the dashboard on its own threads), so the last one read is in use. */
	pthread_mutex_t home_lock;
	char configured[sizeof((struct conf *)0)->home_net]; /* as last read */
};

static int add_spec(const char **v, int *n, int max, const char *s, const char *what)
{
	if (*n == max) {
		warnx_cmd("serve", "at most %d %s", max, what);
		return -1;
	}
	v[(*n)++] = s;
	return 0;
}

/* Split a comma-separated config value into v (pointers into buf). */
static int add_list(const char **v, int *n, int max, char *buf, const char *what)
{
	for (char *save = NULL, *t = strtok_r(buf, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save))
		if (add_spec(v, n, max, t, what))
			return -1;
	return 0;
}

static long num_arg(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		die_usage("serve", "%s wants a number from %ld to %ld, not '%s'", opt, lo, hi, s);
	return v;
}

/* Leave root: to --user, [serve] user, or "portlog". */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The home networks in effect (cmd/homenet.h): --home-net or home_net of
 * portlog.conf (re-read when reread), plus those stored in the database. */
static int load_home(struct server *s, int reread, struct netset *home)
{
	char err[1024];
	const char *configured = s->configured;
	struct conf conf;
	if (reread) {
		if (conf_load(&conf, s->o->config, err, sizeof err)) {
			slog("%s", err);
			return -1;
		}
		configured = s->o->home ? s->o->home : conf.home_net;
	}
	if (homenet_load_db(home, configured, s->db, err, sizeof err)) {
		slog("%s", err);
		return -1;
	}
	if (configured != s->configured)
		snprintf(s->configured, sizeof s->configured, "%s", configured);
	return 0;
}

/* Load and hand to the writer and the dashboard.  0, or -1 (the old
 * networks stay). */
static int reload_home(struct server *s, int reread)
{
	struct netset home;
	pthread_mutex_lock(&s->home_lock);
	int rc = load_home(s, reread, &home);
	if (rc == 0) {
		writer_set_home(s->w, &home);
		web_set_home(s->web, s->configured);
	}
	pthread_mutex_unlock(&s->home_lock);
	return rc;
}

/* The dashboard stored or removed a home network (a web thread). */
static int home_changed(void *arg)
{
	if (reload_home(arg, 0)) {
		slog("home networks changed in the dashboard, not applied: keeping the old ones");
		return -1;
	}
	slog("home networks changed in the dashboard: applied");
	return 0;
}

static void write_stats(struct server *s)
{
	struct stats_writer sw;
	struct writer_stats ws;
	writer_get_stats(s->w, &ws);
	if (stats_begin(&sw, s->db))
		return;
	stats_put(&sw, "info", "pid", (uint64_t)getpid());
	stats_put(&sw, "info", "started_us", (uint64_t)s->started_us);
	stats_put(&sw, "info", "written_us", (uint64_t)now_us());
	const struct ingest *in = &s->in;
	stats_put(&sw, "counter", "received", in->received);
	stats_put(&sw, "counter", "queue_drops", in->queue_drops);
	stats_put(&sw, "counter", "kernel_drops", in->kernel_drops);
	stats_put(&sw, "counter", "rejected", stat_total(&in->rejected));
	stats_put(&sw, "counter", "queue_bytes", msgq_used(s->q));
	stats_put(&sw, "counter", "queue_capacity", msgq_capacity(s->q));
	uint64_t conns = 0;
	for (int i = 0; i < s->ntcp; i++)
		conns += (uint64_t)tcp_server_conns(s->tcp[i]);
	stats_put(&sw, "counter", "tcp_connections", conns);
	stats_put(&sw, "counter", "lines", ws.lines);
	stats_put(&sw, "counter", "stored", ws.stored);
	stats_put(&sw, "counter", "skipped", ws.skipped);
	stats_put(&sw, "counter", "malformed", ws.bad);
	stats_put(&sw, "counter", "follow_lines", ws.follow_lines);
	stats_put(&sw, "counter", "rotations", ws.rotations);
	stats_put(&sw, "counter", "commits", ws.commits);
	stats_put(&sw, "counter", "store_errors", ws.store_errors);
	for (int i = 0; i < in->nlisteners; i++)
		stats_put(&sw, "listener", in->listeners[i].name, in->listeners[i].msgs);
	for (int i = 0; i < in->npeers; i++) {
		char a[EV_ADDR_STRLEN];
		stats_put(&sw, "peer", ev_addr_str(&in->peers[i].addr, a, sizeof a),
			  in->peers[i].msgs);
	}
	if (in->other_peers)
		stats_put(&sw, "peer", "(other)", in->other_peers);
	stats_put_table(&sw, "rejected", &in->rejected);
	stats_put_table(&sw, "parse", &ws.reasons);
	if (stats_end(&sw))
		slog("cannot write %s (portlog status reads it)", sw.path);
}

static void on_stats(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	write_stats(arg);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct server *s = arg;
	slog("signal %d: flushing and stopping", (int)sig);
	event_base_loopbreak(s->base);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	struct server *s = arg;
	if (reload_home(s, 1)) {
		slog("SIGHUP: configuration not reloaded; keeping the old one");
		return;
	}
	slog("SIGHUP: configuration reloaded");
}

/* The dashboard's socket, bound with the others.  The default address may be
 * taken (another serve): then serve goes on without it; an address the user
 * asked for must work. */
static int bind_web(struct opts *o, struct conf *conf, struct server *s)
{
	if (o->no_web)
		return 0;
	char err[1024];
	struct web_opts wo = { .listen = o->web, .db = db_path(o->db, conf, 0),
			       .home_net = o->home ? o->home : conf->home_net,
			       .home_from = o->home ? "serve --home-net" : "portlog.conf",
			       .home_changed = home_changed, .home_arg = s };
	s->web = web_bind(&wo, err, sizeof err);
	if (s->web)
		return 0;
	warnx_cmd("serve", "%s%s", err, o->web ? "" : " (going on without the web dashboard)");
	return o->web ? -1 : 0;
}

/* Bind everything first (ports below 1024 need root), before anything else. */
static int bind_all(struct opts *o, int *fds, char *names[], int *kinds, int *n)
{
	char err[512];
	struct {
		const char **v;
		int n, type, kind;
		const char *label;
	} sets[] = {
		{ o->udp, o->nudp, SOCK_DGRAM, 0, "udp" },
		{ o->tcp, o->ntcp, SOCK_STREAM, 1, "tcp" },
		{ o->trap, o->ntrap, SOCK_DGRAM, 2, "snmptrap" },
	};
	*n = 0;
	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++)
		for (int i = 0; i < sets[k].n; i++) {
			int fd = addr_bind(sets[k].v[i], sets[k].type, err, sizeof err);
			if (fd < 0) {
				warnx_cmd("serve", "%s", err);
				return -1;
			}
			fds[*n] = fd;
			kinds[*n] = sets[k].kind;
			names[*n] = malloc(INGEST_NAME_MAX);
			if (names[*n])
				snprintf(names[*n], INGEST_NAME_MAX, "%s %s", sets[k].label,
					 sets[k].v[i]);
			(*n)++;
		}
	return 0;
}

static int run(struct opts *o, struct conf *conf)
{
	static const char *const kind_names[] = { "udp", "tcp", "snmptrap" };
	int fds[MAX_LISTEN * 3], kinds[MAX_LISTEN * 3], nl = 0, rc = EXIT_ERR;
	char *names[MAX_LISTEN * 3] = { 0 };
	struct server s = { .o = o };
	struct netset home;
	pthread_mutex_init(&s.home_lock, NULL);
	raise_fd_limit();
	if (bind_all(o, fds, names, kinds, &nl))
		goto out_fds;
	if (bind_web(o, conf, &s))
		goto out_fds;
	char perr[512];
	s.peek = peek_serve_bind(conf, perr, sizeof perr);
	if (!s.peek && perr[0]) {
		warnx_cmd("serve", "%s", perr);
		goto out_fds;
	}
	if (privdrop("serve", o->user ? o->user : conf->serve_user[0] ? conf->serve_user : NULL))
		goto out_fds;
	s.db = db_path(o->db, conf, 1);
	if (load_home(&s, 1, &home))
		goto out_fds;
	/* Their inside hosts' pages read the host roll-up: a network new to
	 * the store has its stored events counted first (seconds on millions;
	 * here, not on SIGHUP, which would hold up the event loop; one added
	 * in the dashboard is counted as it is added).  Failing, the pages
	 * read the events. */
	char cerr[1024];
	if (homenet_cover_db(&home, s.db, cerr, sizeof cerr))
		slog("%s", cerr);
	if (!o->foreground) {
		if (daemon(1, 0)) {
			warnx_cmd("serve", "cannot detach: %s", strerror(errno));
			netset_free(&home);
			goto out_fds;
		}
		slog_to_syslog();
	}
	s.started_us = now_us();
	s.q = msgq_new((size_t)o->queue_mb << 20);
	char err[1024];
	if (!s.q || !(s.w = writer_open(s.db, s.q, err, sizeof err))) {
		slog("%s", s.q ? err : "out of memory");
		netset_free(&home);
		goto out;
	}
	writer_set_home(s.w, &home);
	ingest_init(&s.in, s.q);
	for (int i = 0; i < nl; i++) {
		ingest_listener(&s.in, names[i] ? names[i] : kind_names[kinds[i]]);
		writer_set_listener(s.w, i, kind_names[kinds[i]]);
	}
	for (int i = 0; i < o->nfollow; i++)
		writer_follow(s.w, o->follow[i]);
	s.base = event_base_new();
	if (!s.base)
		goto out;
	for (int i = 0; i < nl; i++) {
		if (kinds[i] == 1) {
			s.tcp[s.ntcp] = tcp_server_new(s.base, &s.in, i, fds[i], &o->lim);
			if (!s.tcp[s.ntcp])
				goto out;
			s.ntcp++;
		} else {
			s.udp[s.nudp] = udp_listener_new(s.base, &s.in, i, fds[i], kinds[i] == 2);
			if (!s.udp[s.nudp])
				goto out;
			s.nudp++;
		}
		fds[i] = -1; /* owned by its listener now */
	}
	signal(SIGPIPE, SIG_IGN);
	struct event *sigs[4] = {
		evsignal_new(s.base, SIGTERM, on_stop, &s),
		evsignal_new(s.base, SIGINT, on_stop, &s),
		evsignal_new(s.base, SIGHUP, on_hup, &s),
		event_new(s.base, -1, EV_PERSIST, on_stats, &s),
	};
	struct timeval sec = { 1, 0 };
	for (int i = 0; i < 4; i++)
		if (!sigs[i] || event_add(sigs[i], i == 3 ? &sec : NULL)) {
			slog("cannot set up signals");
			goto out_events;
		}
	if (writer_start(s.w)) {
		slog("cannot start the store writer thread");
		goto out_events;
	}
	slog("receiving on %d listener(s), following %d file(s); storing into %s", nl, o->nfollow,
	     s.db);
	if (s.web) {
		char werr[512];
		if (web_run(s.web, werr, sizeof werr)) {
			slog("web dashboard not started: %s", werr);
			web_stop(s.web);
			s.web = NULL;
		} else
			slog("web dashboard on %s", web_url(s.web));
	}
	if (s.peek) {
		if (peek_serve_start(s.peek, s.base, s.db, perr, sizeof perr)) {
			slog("peek listeners not started: %s", perr);
			peek_serve_free(s.peek);
			s.peek = NULL;
		} else
			slog("peek on %d port(s) from [peek]", peek_serve_listeners(s.peek));
	}
	write_stats(&s);
	event_base_dispatch(s.base);
	web_stop(s.web);
	s.web = NULL;
	peek_serve_free(s.peek); /* records what is open, commits */
	s.peek = NULL;
	/* Stop receiving, then let the writer take what is queued. */
	for (int i = 0; i < s.nudp; i++)
		udp_listener_free(s.udp[i]);
	for (int i = 0; i < s.ntcp; i++)
		tcp_server_free(s.tcp[i]);
	s.nudp = s.ntcp = 0;
	writer_stop(s.w);
	write_stats(&s);
	struct writer_stats ws;
	writer_get_stats(s.w, &ws);
	slog("stopped: %llu messages received, %llu events stored, %llu dropped",
	     (unsigned long long)s.in.received, (unsigned long long)ws.stored,
	     (unsigned long long)(s.in.queue_drops + s.in.kernel_drops));
	rc = EXIT_OK;
out_events:
	for (int i = 0; i < 4; i++)
		if (sigs[i])
			event_free(sigs[i]);
out:
	for (int i = 0; i < s.nudp; i++)
		udp_listener_free(s.udp[i]);
	for (int i = 0; i < s.ntcp; i++)
		tcp_server_free(s.tcp[i]);
	writer_free(s.w);
	if (s.base)
		event_base_free(s.base);
	msgq_free(s.q);
out_fds:
	peek_serve_free(s.peek);
	web_stop(s.web);
	for (int i = 0; i < nl; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(names[i]);
	}
	pthread_mutex_destroy(&s.home_lock);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "udp", required_argument, NULL, 'u' },
		{ "tcp", required_argument, NULL, 't' },
		{ "snmptrap", required_argument, NULL, 's' },
		{ "follow", required_argument, NULL, 'f' },
		{ "home-net", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'U' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "max-message", required_argument, NULL, 'M' },
		{ "queue-mb", required_argument, NULL, 'Q' },
		{ "web", required_argument, NULL, 'W' },
		{ "no-web", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .lim = { 512, 300, UDP_MSG_MAX }, .queue_mb = 32 };
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'c': o.config = optarg; break;
		case 'n': o.home = optarg; break;
		case 'U': o.user = optarg; break;
		case 'F': o.foreground = 1; break;
		case 'u':
			if (add_spec(o.udp, &o.nudp, MAX_LISTEN, optarg, "--udp"))
				return EXIT_USAGE;
			break;
		case 't':
			if (add_spec(o.tcp, &o.ntcp, MAX_LISTEN, optarg, "--tcp"))
				return EXIT_USAGE;
			break;
		case 's':
			if (add_spec(o.trap, &o.ntrap, MAX_LISTEN, optarg, "--snmptrap"))
				return EXIT_USAGE;
			break;
		case 'f':
			if (add_spec(o.follow, &o.nfollow, MAX_FOLLOW, optarg, "--follow"))
				return EXIT_USAGE;
			break;
		case 'm': o.lim.max_conns = (int)num_arg("--max-conns", optarg, 1, 100000); break;
		case 'i': o.lim.idle_s = (int)num_arg("--idle-timeout", optarg, 1, 86400); break;
		case 'M':
			o.lim.max_frame = (size_t)num_arg("--max-message", optarg, 480, 1 << 20);
			break;
		case 'Q': o.queue_mb = num_arg("--queue-mb", optarg, 1, 4096); break;
		case 'W': o.web = optarg; break;
		case 'X': o.no_web = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("serve", "unexpected argument '%s'", argv[optind]);
	struct conf conf;
	char err[1024];
	if (conf_load(&conf, o.config, err, sizeof err)) {
		fprintf(stderr, "portlog serve: %s\n", err);
		return EXIT_ERR;
	}
	/* Flags replace the configuration's lists; the configuration replaces the
	 * defaults. */
	if (!o.nudp && !o.ntcp && !o.ntrap && !o.nfollow) {
		if (add_list(o.udp, &o.nudp, MAX_LISTEN, conf.serve_udp, "udp listeners") ||
		    add_list(o.tcp, &o.ntcp, MAX_LISTEN, conf.serve_tcp, "tcp listeners") ||
		    add_list(o.trap, &o.ntrap, MAX_LISTEN, conf.serve_snmptrap, "trap listeners") ||
		    add_list(o.follow, &o.nfollow, MAX_FOLLOW, conf.serve_follow, "followed files"))
			return EXIT_USAGE;
		if (!o.nudp && !o.ntcp && !o.ntrap && !o.nfollow) {
			o.udp[o.nudp++] = "127.0.0.1:5514";
			o.tcp[o.ntcp++] = "127.0.0.1:5514";
		}
	}
	return run(&o, &conf);
}
