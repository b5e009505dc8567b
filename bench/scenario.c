/* scenario.c - a firewall log with known answers, for the detectors.
 *
 *   scenario LOG TRUTH [SCALE]
 *
 * Writes nine days of netfilter lines (home network 192.168.1.0/24, from
 * 2024-05-01 UTC) to LOG, sorted by time, and what a detector should find to
 * TRUTH, one per line:
 *   scan ADDR          an outside scanner (several speeds, shapes and probes)
 *   infected ADDR      an inside host that is a worm or a bot
 *   outbreak PORT/PROTO YYYY-MM-DDTHH   an outbreak's first hour (second waves too)
 *   benign ADDR        must raise nothing: noise, worm probes of one or two packets,
 *                      the trusted partner (trust it: portlog trust add 198.51.100.0/24)
 *   trusted CIDR
 * SCALE (default 1) multiplies the background noise, for benchmarks.
 * Deterministic: the same arguments give the same files.  Standalone: built
 * with `cc -O2 -o scenario bench/scenario.c` by the tests and bench scripts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}
static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

struct line {
	int64_t ts; /* seconds */
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto, out, allowed;
	const char *flags;
};

static struct line *v;
static size_t n, cap;
static FILE *truth;

static void add(int64_t ts, uint32_t src, uint32_t dst, int proto, int dport, const char *flags,
		int out, int allowed)
{
	if (n == cap) {
		cap = cap ? cap * 2 : 65536;
		v = realloc(v, cap * sizeof *v);
		if (!v) {
			perror("scenario");
			exit(1);
		}
	}
	v[n++] = (struct line){ ts, src, dst, (uint16_t)(1024 + below(60000)), (uint16_t)dport,
				(uint8_t)proto, (uint8_t)out, (uint8_t)allowed, flags };
}

static uint32_t ip(int a, int b, int c, int d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}
static const char *ipstr(uint32_t a, char *buf)
{
	sprintf(buf, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
	return buf;
}
static void fact(const char *kind, uint32_t a)
{
	char b[16];
	fprintf(truth, "%s %s\n", kind, ipstr(a, b));
}
static uint32_t inside(void)
{
	return ip(192, 168, 1, 2 + (int)below(250));
}
/* Outside addresses that never collide with the scenario's named ones. */
static uint32_t outside_random(void)
{
	return ip(11 + (int)below(80), (int)below(256), (int)below(256), 1 + (int)below(254));
}

static int cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static const int64_t T0 = 1714521600; /* 2024-05-01 00:00:00 UTC */
enum { HOUR = 3600, DAY = 86400 };

static void outbreak(int port, int proto, int64_t from, int64_t to, int per_hour)
{
	char when[32];
	time_t t = (time_t)from;
	strftime(when, sizeof when, "%Y-%m-%dT%H", gmtime(&t));
	fprintf(truth, "outbreak %d/%s %s\n", port, proto == 6 ? "tcp" : "udp", when);
	for (int64_t h = from; h < to; h += HOUR)
		for (int i = 0; i < per_hour; i++) {
			uint32_t s = outside_random();
			int k = 1 + (int)below(2); /* one or two probes: not a scan on its own */
			for (int j = 0; j < k; j++)
				add(h + below(HOUR), s, inside(), proto, port, "SYN", 0, 0);
			fact("benign", s); /* a worm probe, not a scanner: must raise nothing alone */
		}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: scenario LOG TRUTH [SCALE]\n");
		return 2;
	}
	int scale = argc > 3 ? atoi(argv[3]) : 1;
	if (scale < 1)
		scale = 1;
	FILE *log = fopen(argv[1], "w");
	truth = fopen(argv[2], "w");
	if (!log || !truth) {
		perror("scenario");
		return 1;
	}
	/* Background: outside hosts touching one inside host once or twice on
	 * ordinary ports; some 445 and 5000 worm noise; inside hosts browsing. */
	static const int ports[] = { 80, 443, 8080, 25, 110, 143, 993, 21 };
	uint32_t pool[4000];
	for (int i = 0; i < 4000; i++) {
		pool[i] = ip(100, 64 + (int)below(64), (int)below(256), 1 + (int)below(254));
		fact("benign", pool[i]);
	}
	for (int64_t h = T0; h < T0 + 9 * DAY; h += HOUR) {
		for (int i = 0; i < 6 * scale; i++) {
			uint32_t s = pool[below(4000)], d = inside();
			int p = ports[below(8)], k = 1 + (int)below(2);
			for (int j = 0; j < k; j++)
				add(h + below(HOUR), s, d, 6, p, "SYN", 0, 0);
		}
		for (int i = 0; i < 3 + (int)below(3); i++) {
			uint32_t s = pool[below(4000)];
			add(h + below(HOUR), s, inside(), 6, 445, "SYN", 0, 0);
		}
		for (int i = 0; i < 1 + (int)below(3); i++)
			add(h + below(HOUR), pool[below(4000)], inside(), 6, 5000, "SYN", 0, 0);
		for (int i = 0; i < 10 * scale; i++) {
			uint32_t s = inside();
			for (int j = 0; j < 3; j++)
				add(h + below(HOUR), s, pool[below(4000)], 6, 443, "SYN", 1, 1);
		}
		/* The trusted partner's monitoring: 40 checks an hour across the network. */
		for (int i = 0; i < 40; i++)
			add(h + below(HOUR), ip(198, 51, 100, 10), inside(), 6, 1 + (int)below(1024),
			    "SYN", 0, 0);
	}
	fact("benign", ip(198, 51, 100, 10));
	fprintf(truth, "trusted 198.51.100.0/24\n");

	/* Scanners, fast and slow. */
	int64_t t;
	uint32_t s;
	s = ip(203, 0, 113, 5); /* fast vertical SYN: 1024 ports in 30 s */
	fact("scan", s);
	t = T0 + 1 * DAY + 10 * HOUR;
	for (int p = 1; p <= 1024; p++)
		add(t + p * 30 / 1024, s, ip(192, 168, 1, 10), 6, p, "SYN", 0, 0);
	s = ip(203, 0, 113, 6); /* fast horizontal sweep of 22 */
	fact("scan", s);
	t = T0 + 2 * DAY + 14 * HOUR;
	for (int d = 1; d <= 200; d++)
		add(t + d / 4, s, ip(192, 168, 1, d), 6, 22, "SYN", 0, 0);
	s = ip(203, 0, 113, 7); /* block: 11 ports on 20 hosts */
	fact("scan", s);
	t = T0 + 3 * DAY + 9 * HOUR;
	for (int d = 1; d <= 20; d++)
		for (int p = 20; p <= 30; p++)
			add(t + d * 11 + p, s, ip(192, 168, 1, d), 6, p, "SYN", 0, 0);
	s = ip(203, 0, 113, 8); /* slow vertical: one probe a minute for six hours */
	fact("scan", s);
	t = T0 + 4 * DAY + 2 * HOUR;
	for (int i = 0; i < 360; i++)
		add(t + i * 60, s, ip(192, 168, 1, 20), 6, 1000 + i, "SYN", 0, 0);
	s = ip(203, 0, 113, 9); /* slow horizontal: one probe each 90 s, 3306 over 100 hosts */
	fact("scan", s);
	t = T0 + 5 * DAY + 1 * HOUR;
	for (int d = 1; d <= 100; d++)
		add(t + d * 90, s, ip(192, 168, 1, d), 6, 3306, "SYN", 0, 0);
	s = ip(203, 0, 113, 10); /* UDP scan */
	fact("scan", s);
	t = T0 + 6 * DAY + 3 * HOUR;
	for (int p = 100; p <= 300; p++)
		add(t + (p - 100) / 10, s, ip(192, 168, 1, 30), 17, p, "", 0, 0);
	s = ip(203, 0, 113, 11); /* FIN scan, one probe each 5 s */
	fact("scan", s);
	t = T0 + 7 * DAY + 5 * HOUR;
	for (int p = 1; p <= 200; p++)
		add(t + p * 5, s, ip(192, 168, 1, 40), 6, p, "FIN", 0, 0);
	s = ip(203, 0, 113, 12); /* Mirai: telnet over 30 hosts */
	fact("scan", s);
	t = T0 + 8 * DAY + 1 * HOUR;
	for (int d = 1; d <= 30; d++) {
		add(t + d * 2, s, ip(192, 168, 1, 100 + d), 6, 23, "SYN", 0, 0);
		add(t + d * 2 + 1, s, ip(192, 168, 1, 100 + d), 6, 2323, "SYN", 0, 0);
	}

	/* A worm outbreak on 445 with a second wave on the raised level, and one on 5000. */
	/* The first wave stays: the second lands on its raised level. */
	outbreak(445, 6, T0 + 3 * DAY, T0 + 7 * DAY + 12 * HOUR, 60);
	outbreak(445, 6, T0 + 7 * DAY + 12 * HOUR, T0 + 8 * DAY + 12 * HOUR, 400);
	outbreak(5000, 6, T0 + 5 * DAY + 6 * HOUR, T0 + 5 * DAY + 18 * HOUR, 80);

	/* Infected inside hosts: a worm spreading out on 445, a bot calling IRC. */
	s = ip(192, 168, 1, 23);
	fact("infected", s);
	t = T0 + 6 * DAY + 15 * HOUR;
	for (int i = 0; i < 800; i++)
		add(t + i * 600 / 800, s, outside_random(), 6, 445, "SYN", 1, 0);
	s = ip(192, 168, 1, 77);
	fact("infected", s);
	t = T0 + 2 * DAY + 20 * HOUR;
	for (int i = 0; i < 6; i++)
		add(t + i * 1800, s, ip(45, 33, 7, 9), 6, 6667, "SYN", 1, 1);

	qsort(v, n, sizeof *v, cmp);
	char a[16], b[16], when[32];
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &v[i];
		time_t tt = (time_t)l->ts;
		strftime(when, sizeof when, "%b %e %H:%M:%S", gmtime(&tt));
		fprintf(log, "%s gw kernel: [%lld.000000] %s IN=%s OUT=%s SRC=%s DST=%s LEN=44 TTL=50 "
			     "PROTO=%s SPT=%u DPT=%u ",
			when, (long long)(l->ts - T0), l->allowed ? "ACCEPT" : "DROP",
			l->out ? "eth1" : "eth0", l->out ? "eth0" : "", ipstr(l->src, a),
			ipstr(l->dst, b), l->proto == 6 ? "TCP" : "UDP", l->sport, l->dport);
		if (l->proto == 6)
			fprintf(log, "WINDOW=1024 RES=0x00 %s URGP=0\n", l->flags);
		else
			fprintf(log, "LEN=8\n");
	}
	fclose(log);
	fclose(truth);
	free(v);
	return 0;
}
