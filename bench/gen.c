/* gen.c - build/gen: write a realistic, reproducible firewall log to stdout.
 *
 *   build/gen [--lines N] [--seed S] [--start YYYY-MM-DD] [--days D]
 *             [--home-net CIDR] [--format netfilter]
 *
 * The same options give the same bytes on every machine: the generator has
 * its own PRNG and no floating point in anything that reaches the output.
 * Lines are in time order and spread over --days with more traffic in the
 * evening than at night; each actor (gen_traffic.c) sends its packets in
 * bursts a few milliseconds apart, as scanners do, between which the clock
 * follows that daily shape.  Used by `make bench`, `make run` (demo log) and
 * the tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

enum { SLOTS = 24, OUTBUF = 1 << 20 };

static const struct gen_format *const formats[] = { &gen_netfilter };

static const char usage[] =
	"usage: gen [options] > FILE\n"
	"\n"
	"Write a realistic firewall log, reproducible from its seed, to standard output:\n"
	"inbound scans and sweeps, worm-like sources, outbound traffic from the home\n"
	"network, IPv6, ICMP, with ufw, Shorewall, firewalld and plain prefixes.\n"
	"\n"
	"  --lines N          number of lines (default 100000)\n"
	"  --seed S           seed; the same seed gives the same bytes (default 1)\n"
	"  --start YYYY-MM-DD first day of the log (default 2024-01-01)\n"
	"  --days D           days the log spans, lines in time order (default 30)\n"
	"  --home-net CIDR    the inside IPv4 network (default 192.168.1.0/24)\n"
	"  --format NAME      log format (default netfilter):\n";

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "gen: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static uint64_t parse_u64(const char *s, const char *what, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "gen: %s wants a whole number from %llu to %llu, not '%s'\n", what,
			(unsigned long long)min, (unsigned long long)max, s);
		exit(2);
	}
	return v;
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t parse_start(const char *s)
{
	int y, m, d, n = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || y < 1970 || y > 9000 ||
	    m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		die("--start wants a date like 2024-01-31", s);
	return days_from_civil(y, m, d) * 86400 * 1000000;
}

static void parse_cidr(const char *s, uint32_t *net, int *len)
{
	char a[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in_addr in;
	if (n >= sizeof a)
		die("--home-net wants an IPv4 network like 192.168.1.0/24", s);
	memcpy(a, s, n);
	a[n] = 0;
	if (inet_pton(AF_INET, a, &in) != 1)
		die("--home-net wants an IPv4 network like 192.168.1.0/24", s);
	*net = ntohl(in.s_addr);
	*len = slash ? (int)parse_u64(slash + 1, "--home-net prefix length", 0, 32) : 32;
}

/* The daily shape: relative traffic per hour of the day (UTC). */
static const uint32_t hour_weight[24] = { 60,  55,  50,  48,  47,  48,  55,  65,
					  75,  85,  90,  95,  100, 100, 100, 102,
					  105, 110, 120, 125, 120, 105, 85,  70 };
enum { HOUR_SCALE = 1 << 16 };

struct schedule {
	int64_t start_us;
	uint64_t lines, days;
	uint64_t cum[25]; /* cumulative hour weights, scaled */
	uint64_t day;
	int hour;
};

static void schedule_init(struct schedule *s, int64_t start_us, uint64_t lines, uint64_t days)
{
	memset(s, 0, sizeof *s);
	s->start_us = start_us;
	s->lines = lines;
	s->days = days;
	for (int h = 0; h < 24; h++)
		s->cum[h + 1] = s->cum[h] + (uint64_t)hour_weight[h] * HOUR_SCALE;
}

/* When line i is due, if lines were spread evenly over the days and within a
 * day by hour_weight.  Integer arithmetic only, so it is exact everywhere.
 * Called with i increasing. */
static int64_t schedule_at(struct schedule *s, uint64_t i)
{
	unsigned __int128 x = (unsigned __int128)i * s->days;
	uint64_t day = (uint64_t)(x / s->lines), rem = (uint64_t)(x % s->lines);
	if (day != s->day) {
		s->day = day;
		s->hour = 0;
	}
	uint64_t p = (uint64_t)((unsigned __int128)rem * s->cum[24] / s->lines);
	while (s->hour < 23 && p >= s->cum[s->hour + 1])
		s->hour++;
	uint64_t in_hour = (uint64_t)((unsigned __int128)(p - s->cum[s->hour]) * 3600000000u /
				      (s->cum[s->hour + 1] - s->cum[s->hour]));
	return s->start_us + (int64_t)(day * 86400000000u + (uint64_t)s->hour * 3600000000u + in_hour);
}

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(STDOUT_FILENO, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "gen: writing the log failed: %s\n", strerror(errno));
			exit(1);
		}
		p += k;
		n -= (size_t)k;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lines", required_argument, NULL, 'l' }, { "seed", required_argument, NULL, 's' },
		{ "start", required_argument, NULL, 'S' }, { "days", required_argument, NULL, 'd' },
		{ "home-net", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t lines = 100000, seed = 1, days = 30;
	int64_t start_us = parse_start("2024-01-01");
	uint32_t net = 0xC0A80100u;
	int net_len = 24;
	const struct gen_format *fmt = formats[0];
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': lines = parse_u64(optarg, "--lines", 0, 1000000000000ULL); break;
		case 's': seed = parse_u64(optarg, "--seed", 0, UINT64_MAX); break;
		case 'S': start_us = parse_start(optarg); break;
		case 'd': days = parse_u64(optarg, "--days", 1, 36500); break;
		case 'n': parse_cidr(optarg, &net, &net_len); break;
		case 'f': {
			fmt = NULL;
			for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
				if (!strcmp(optarg, formats[i]->name))
					fmt = formats[i];
			if (!fmt)
				die("unknown --format (see gen --help)", optarg);
			break;
		}
		case 'h':
			fputs(usage, stdout);
			for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
				printf("                       %-10s %s\n", formats[i]->name,
				       formats[i]->description);
			return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc)
		die("unexpected argument (the log goes to standard output)", argv[optind]);

	struct world w;
	world_init(&w, seed, net, net_len, start_us);
	struct rng r;
	rng_seed(&r, seed);
	struct schedule sched;
	schedule_init(&sched, start_us, lines ? lines : 1, days);

	char *buf = malloc(OUTBUF);
	if (!buf) {
		fprintf(stderr, "gen: out of memory\n");
		return 1;
	}
	static struct actor slots[SLOTS];
	struct pkt k;
	char *p = buf;
	int cur = 0;
	uint32_t burst = 0;
	int64_t clock = start_us;
	for (uint64_t i = 0; i < lines; i++) {
		if (!burst || !slots[cur].left) {
			cur = (int)rng_below(&r, SLOTS);
			if (!slots[cur].left)
				actor_spawn(&slots[cur], &w, &r);
			burst = actor_burst(&slots[cur], &r);
			int64_t due = schedule_at(&sched, i);
			clock = due > clock ? due : clock + 1;
		} else {
			clock += actor_gap_us(&slots[cur], &r);
		}
		actor_emit(&slots[cur], &w, &r, &k);
		burst--;
		k.t_us = clock;
		p = fmt->write(p, &w, &k);
		if ((size_t)(p - buf) > OUTBUF - GEN_LINE_MAX) {
			write_all(buf, (size_t)(p - buf));
			p = buf;
		}
	}
	write_all(buf, (size_t)(p - buf));
	free(buf);
	return 0;
}
