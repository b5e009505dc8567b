/* gen_traffic.c - who sends what: the actors of the generated log.
 *
 * Each actor is one source of traffic with the habits of the real thing:
 * nmap and masscan scans (randomised port order, nmap's 1024-4096 windows and
 * varying TTLs, FIN/XMAS/NULL/ACK/UDP variants), sweeps over the inside
 * network, worm-infected Windows and IoT hosts retrying SYNs on 445, 135,
 * 139, 1433, 1434 (Slammer, UDP), 3389, 23 (Mirai) and 5000, zmap probes
 * (IP ID 54321), inside hosts going out, an inside host spreading a worm,
 * IPv6 neighbour discovery and scans, pings and ICMP errors that quote the
 * packet they answer.  Addresses come from fixed pools derived from the seed,
 * so a few scanners and servers recur as they do in real logs. */
#include <string.h>

#include "gen.h"

uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		r->s[i] = mix64(seed);
	}
}

enum { POOL_SCANNERS = 5000, POOL_WORMS = 300000, POOL_SERVERS = 20000 };
enum { SALT_SCANNER = 1, SALT_WORM, SALT_SERVER, SALT_MAC, SALT_WORLD };

static void set_v4(struct addr *a, uint32_t v)
{
	memset(a, 0, sizeof *a);
	a->b[0] = (uint8_t)(v >> 24);
	a->b[1] = (uint8_t)(v >> 16);
	a->b[2] = (uint8_t)(v >> 8);
	a->b[3] = (uint8_t)v;
}

static int in_home(const struct world *w, uint32_t v)
{
	return v - w->net < w->size;
}

/* Routable unicast IPv4 that is not ours: what the Internet looks like. */
static int is_public4(const struct world *w, uint32_t v)
{
	uint32_t o = v >> 24;
	if (o == 0 || o == 10 || o == 127 || o >= 224)
		return 0;
	if ((v & 0xFFFF0000u) == 0xA9FE0000u || (v & 0xFFF00000u) == 0xAC100000u ||
	    (v & 0xFFFF0000u) == 0xC0A80000u || (v & 0xFFC00000u) == 0x64400000u ||
	    (v & 0xFFFE0000u) == 0xC6120000u)
		return 0;
	return !in_home(w, v);
}

static void public4(struct addr *a, const struct world *w, uint64_t h)
{
	uint32_t v = (uint32_t)h;
	while (!is_public4(w, v)) {
		h = mix64(h + 0x9e3779b97f4a7c15ULL);
		v = (uint32_t)h;
	}
	set_v4(a, v);
}

/* Member i of a fixed pool: the same address every time for a seed. */
static void pool4(struct addr *a, const struct world *w, int salt, uint32_t i)
{
	public4(a, w, mix64(w->seed ^ ((uint64_t)salt << 56) ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL)));
}

static void fresh4(struct addr *a, const struct world *w, struct rng *r)
{
	public4(a, w, rng_next(r));
}

/* Global unicast IPv6 (2000::/3) outside the documentation prefix. */
static void public6(struct addr *a, struct rng *r)
{
	uint64_t hi = rng_next(r), lo = rng_next(r);
	a->v6 = 1;
	for (int i = 0; i < 8; i++) {
		a->b[i] = (uint8_t)(hi >> (56 - 8 * i));
		a->b[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
	}
	a->b[0] = (uint8_t)(0x20 | (a->b[0] & 0x1f));
	if (a->b[0] == 0x20 && a->b[1] == 0x01 && a->b[2] == 0x0d && a->b[3] == 0xb8)
		a->b[1] = 0x02;
	if (rng_percent(r, 60)) /* many hosts use small interface ids (::1, ::10) */
		memset(a->b + 8, 0, 7);
}

/* SLAAC address of inside host h: our /64 plus its MAC as EUI-64. */
static void inside6(struct addr *a, const struct world *w, int h)
{
	const uint8_t *m = w->inside_mac[h];
	a->v6 = 1;
	memcpy(a->b, w->v6_prefix, 8);
	a->b[8] = m[0] ^ 2;
	a->b[9] = m[1];
	a->b[10] = m[2];
	a->b[11] = 0xff;
	a->b[12] = 0xfe;
	a->b[13] = m[3];
	a->b[14] = m[4];
	a->b[15] = m[5];
}

static void make_mac(uint8_t *m, uint64_t h)
{
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)(h >> (8 * i));
	m[0] &= 0xfc; /* unicast, globally administered */
}

void world_init(struct world *w, uint64_t seed, uint32_t net, int prefix_len, int64_t start_us)
{
	struct rng r;
	memset(w, 0, sizeof *w);
	w->seed = seed;
	rng_seed(&r, mix64(seed ^ ((uint64_t)SALT_WORLD << 56)));
	w->size = prefix_len == 0 ? 0xFFFFFFFFu : (uint32_t)1 << (32 - prefix_len);
	w->net = prefix_len == 0 ? 0 : net & ~(w->size - 1);
	w->hostname = "gw";
	/* The firewall is .1; inside hosts are spread over the rest. */
	if (w->size >= 4) {
		w->gw = w->net + 1;
		uint32_t span = w->size - 3 < 4094 ? w->size - 3 : 4094;
		w->ninside = span < MAX_INSIDE ? (int)span : 40;
		for (int i = 0; i < w->ninside; i++) {
			uint32_t v;
			int dup;
			do {
				v = w->net + 2 + rng_below(&r, span);
				dup = 0;
				for (int j = 0; j < i; j++)
					dup |= w->inside[j] == v;
			} while (dup);
			w->inside[i] = v;
		}
	} else {
		w->gw = w->net;
		w->ninside = (int)w->size;
		for (int i = 0; i < w->ninside; i++)
			w->inside[i] = w->net + (uint32_t)i;
	}
	for (int i = 0; i < w->ninside; i++)
		make_mac(w->inside_mac[i], mix64(seed ^ ((uint64_t)SALT_MAC << 56) ^ (uint64_t)(i + 3)));
	make_mac(w->wan_mac, rng_next(&r));
	make_mac(w->upstream_mac, rng_next(&r));
	make_mac(w->lan_mac, rng_next(&r));
	static const uint8_t v6[8] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00 };
	memcpy(w->v6_prefix, v6, 8);
	w->v6_prefix[7] = (uint8_t)rng_below(&r, 256);
	/* Up a few days to a couple of months when the log starts. */
	w->boot_us = start_us - (int64_t)rng_range(&r, 3 * 86400, 60 * 86400) * 1000000 -
		     rng_below(&r, 1000000);
}

/* ---- what the firewall prints in front of IN= ---- */

static const char *pick(struct rng *r, const char *const *names, const uint8_t *weights, int n)
{
	uint32_t total = 0;
	for (int i = 0; i < n; i++)
		total += weights[i];
	uint32_t x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < weights[i])
			return names[i];
		x -= weights[i];
	}
	return names[n - 1];
}

#define PICK(r, names, weights) pick((r), (names), (weights), (int)(sizeof(weights)))

static const char *prefix_block_in(struct rng *r)
{
	static const char *const n[] = { "DROP ", "[UFW BLOCK] ", "Shorewall:net:DROP:",
					 "filter_IN_public_REJECT: ", "IPTables-Dropped: ",
					 "nft drop in: " };
	static const uint8_t wt[] = { 30, 35, 12, 10, 8, 5 };
	return PICK(r, n, wt);
}

static const char *prefix_invalid(struct rng *r)
{
	static const char *const n[] = { "DROP INVALID ", "[UFW BLOCK] ", "Shorewall:net:DROP:",
					 "FINAL_REJECT: " };
	static const uint8_t wt[] = { 45, 30, 15, 10 };
	return PICK(r, n, wt);
}

static const char *prefix_allow_out(struct rng *r)
{
	static const char *const n[] = { "ACCEPT ", "[UFW ALLOW] ", "Shorewall:loc2net:ACCEPT:",
					 "[UFW AUDIT] " };
	static const uint8_t wt[] = { 30, 45, 15, 10 };
	return PICK(r, n, wt);
}

static const char *prefix_block_out(struct rng *r)
{
	static const char *const n[] = { "DROP ", "[UFW BLOCK] ", "Shorewall:loc2net:DROP:",
					 "REJECT OUT: " };
	static const uint8_t wt[] = { 30, 40, 15, 15 };
	return PICK(r, n, wt);
}

/* ---- ports ---- */

static const uint16_t popular_tcp[] = {
	22,   23,    80,    443,  8080, 3389, 445,  1433, 3306, 5900,  6379, 8443, 25,
	21,   8888,  2323,  5555, 7547, 81,	  9200, 139,  135,  27017, 5432, 110,  143,
	8000, 11211, 37215, 52869, 60001, 8081, 10000, 9000, 1723, 5060, 4567, 8291, 2375,
};
static const uint16_t popular_udp[] = { 53,  123,  161, 1900, 5060, 137,  500,  11211,
					19,  389,  5353, 3702, 1434, 69, 47808, 10001 };
static const uint16_t top_ports[] = {
	21,   22,   23,	  25,	53,   80,   81,	  88,	110,  111,  113,  119,	135,  139,  143,
	179,  199,  389,  443,	445,  465,  514,  515,	548,  554,  587,  631,	646,  873,  990,
	993,  995,  1025, 1026, 1027, 1433, 1720, 1723, 2000, 2001, 2049, 2121, 2717, 3000, 3128,
	3306, 3389, 3986, 4899, 5000, 5009, 5051, 5060, 5101, 5190, 5357, 5432, 5631, 5666, 5800,
	5900, 6000, 6001, 6646, 7070, 8000, 8008, 8009, 8080, 8081, 8443, 8888, 9100, 9999, 10000,
	32768, 49152, 49153, 49154, 49155, 49156, 49157,
};
static const uint16_t sweep_ports[] = { 22, 23, 80, 443, 445, 3389, 8080, 1083, 5900, 3306 };
static const uint16_t worm_ports[] = { 445, 135, 139, 1433, 1434, 3389, 23, 5000 };
static const uint8_t worm_weights[] = { 30, 15, 8, 8, 6, 10, 18, 5 };
static const uint16_t out_tcp[] = { 443, 443, 443, 443, 80, 80, 993, 5223, 22, 587, 8443 };
static const uint16_t out_udp[] = { 53, 53, 53, 123, 443, 3478 };

#define LEN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* TCP options as the kernel prints them, per sender. */
static const char OPT_NMAP[] = "020405B4";
static const char OPT_WINDOWS[] = "020405B40103030801010402";

/* Linux: MSS, SACK permitted, timestamps (a random TSval), window scale.  The
 * buffer lives until the next call, which is after the line is written. */
static const char *linux_opt(struct rng *r)
{
	static const char hex[] = "0123456789ABCDEF";
	static char buf[48];
	uint32_t ts = (uint32_t)rng_next(r);
	memcpy(buf, "020405B40402080A", 16);
	for (int i = 0; i < 8; i++)
		buf[16 + i] = hex[(ts >> (28 - 4 * i)) & 15];
	memcpy(buf + 24, "0000000001030307", 17);
	return buf;
}

/* ---- the actors ---- */

enum scan_style { S_SYN, S_MASSCAN, S_FIN, S_XMAS, S_NULL, S_ACK, S_UDP, S_STYLES };
enum { WAN_TARGET_GW = 50 };

static uint32_t inside_target(const struct world *w, struct rng *r)
{
	if (rng_percent(r, WAN_TARGET_GW) || !w->ninside)
		return w->gw;
	return w->inside[rng_below(r, (uint32_t)w->ninside)];
}

static void spawn_vscan(struct actor *a, const struct world *w, struct rng *r)
{
	static const uint8_t style_w[S_STYLES] = { 50, 12, 8, 6, 6, 5, 13 };
	uint32_t x = rng_below(r, 100), s = 0;
	while (x >= style_w[s]) {
		x -= style_w[s];
		s++;
	}
	a->style = (uint8_t)s;
	if (rng_percent(r, 80))
		pool4(&a->src, w, SALT_SCANNER, rng_skewed(r, POOL_SCANNERS));
	else
		fresh4(&a->src, w, r);
	set_v4(&a->dst, inside_target(w, r));
	uint32_t pick_range = rng_below(r, 100);
	a->port_list = NULL;
	if (pick_range < 35) {
		a->port_lo = 1;
		a->port_range = 1024;
	} else if (pick_range < 55) {
		a->port_lo = 1;
		a->port_range = 65535;
	} else if (pick_range < 70) {
		a->port_lo = rng_range(r, 1000, 20000);
		a->port_range = rng_range(r, 100, 1000);
	} else {
		a->port_list = top_ports;
		a->port_list_len = LEN(top_ports);
		a->port_range = LEN(top_ports);
		a->port_lo = 0;
	}
	uint32_t want = rng_range(r, 60, 1500);
	a->left = a->port_range < want ? a->port_range : want;
	/* nmap and masscan send ports in a shuffled order: walk by a stride
	 * coprime with the range, from a random start. */
	a->stride = 1;
	if (a->port_range > 2) {
		do
			a->stride = rng_range(r, 1, a->port_range - 1);
		while (gcd(a->stride, a->port_range) != 1);
	}
	a->pos = rng_below(r, a->port_range);
	a->sport = (uint16_t)(a->style == S_MASSCAN ? 61000 : rng_range(r, 32768, 65535));
	a->ttl = (uint8_t)(a->style == S_MASSCAN ? rng_range(r, 230, 250) : 0);
	a->prefix = (a->style == S_SYN || a->style == S_MASSCAN || a->style == S_UDP)
			    ? prefix_block_in(r)
			    : prefix_invalid(r);
}

static void emit_vscan(struct actor *a, struct rng *r, struct pkt *k)
{
	static const uint8_t flags[S_STYLES] = { TF_SYN, TF_SYN, TF_FIN, TF_URG | TF_PSH | TF_FIN,
						 0, TF_ACK, 0 };
	uint32_t i = (a->pos + a->done * a->stride) % a->port_range;
	k->dport = (uint16_t)(a->port_list ? a->port_list[i] : a->port_lo + i);
	k->sport = a->sport;
	k->src = a->src;
	k->dst = a->dst;
	k->ttl = a->ttl ? a->ttl : (uint8_t)rng_range(r, 37, 59);
	k->id = (uint16_t)rng_next(r);
	if (a->style == S_UDP) {
		k->proto = PR_UDP;
		k->len = 28;
		k->udp_len = 8;
		return;
	}
	k->proto = PR_TCP;
	k->flags = flags[a->style];
	k->window = (uint16_t)(a->style == S_MASSCAN ? 1024 : 1024 * rng_range(r, 1, 4));
	k->opt = a->style == S_SYN ? OPT_NMAP : NULL;
	k->len = k->opt ? 44 : 40;
}

static void spawn_sweep(struct actor *a, const struct world *w, struct rng *r)
{
	if (rng_percent(r, 70))
		pool4(&a->src, w, SALT_SCANNER, rng_skewed(r, POOL_SCANNERS));
	else
		fresh4(&a->src, w, r);
	a->port_lo = sweep_ports[rng_below(r, LEN(sweep_ports))];
	uint32_t n = w->size >= 4 ? w->size - 2 : w->size;
	a->left = n < 254 ? n : 254;
	a->pos = w->size >= 4 ? w->net + 1 : w->net;
	a->style = (uint8_t)(rng_percent(r, 50) ? S_MASSCAN : S_SYN);
	a->sport = (uint16_t)rng_range(r, 32768, 65535);
	a->ttl = (uint8_t)rng_range(r, 40, 250);
	a->prefix = prefix_block_in(r);
}

static void emit_sweep(struct actor *a, struct rng *r, struct pkt *k)
{
	k->src = a->src;
	set_v4(&k->dst, a->pos + a->done);
	k->proto = PR_TCP;
	k->sport = a->sport;
	k->dport = (uint16_t)a->port_lo;
	k->flags = TF_SYN;
	k->ttl = a->ttl;
	k->id = (uint16_t)rng_next(r);
	k->window = a->style == S_MASSCAN ? 1024 : 65535;
	k->opt = a->style == S_SYN ? OPT_NMAP : NULL;
	k->len = k->opt ? 44 : 40;
}

static void spawn_worm(struct actor *a, const struct world *w, struct rng *r)
{
	pool4(&a->src, w, SALT_WORM, rng_below(r, POOL_WORMS));
	uint32_t x = rng_below(r, 100), i = 0;
	while (x >= worm_weights[i]) {
		x -= worm_weights[i];
		i++;
	}
	a->port_lo = worm_ports[i];
	a->proto = a->port_lo == 1434 ? PR_UDP : PR_TCP;
	uint32_t hosts = rng_range(r, 1, 3), tries = a->proto == PR_UDP ? 1 : rng_range(r, 1, 3);
	a->left = hosts * tries;
	a->stride = tries;
	a->pos = inside_target(w, r);
	a->sport = (uint16_t)rng_range(r, 1025, 65535);
	a->ttl = (uint8_t)(a->port_lo == 23 ? rng_range(r, 40, 60) : rng_range(r, 100, 120));
	a->window = (uint16_t)(a->port_lo == 23 ? rng_range(r, 5000, 65535)
						: (rng_percent(r, 50) ? 8192 : 64240));
	a->prefix = prefix_block_in(r);
}

static void emit_worm(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	uint32_t host = a->done / a->stride;
	if (host && a->done % a->stride == 0) /* on to the next victim */
		a->pos = inside_target(w, r);
	k->src = a->src;
	set_v4(&k->dst, a->pos);
	k->dport = (uint16_t)a->port_lo;
	k->sport = (uint16_t)(a->sport + host);
	k->ttl = a->ttl;
	k->id = (uint16_t)rng_next(r);
	k->proto = a->proto;
	if (a->proto == PR_UDP) { /* Slammer: one 376-byte datagram */
		k->len = 404;
		k->udp_len = 384;
		return;
	}
	k->flags = TF_SYN;
	k->window = a->window;
	if (a->port_lo == 23) { /* Mirai: bare SYN */
		k->len = 40;
	} else {
		k->df = 1;
		k->opt = OPT_WINDOWS;
		k->len = 52;
	}
}

static void emit_noise(const struct world *w, struct rng *r, struct pkt *k)
{
	if (rng_percent(r, 40))
		pool4(&k->src, w, SALT_SCANNER, rng_skewed(r, POOL_SCANNERS));
	else
		fresh4(&k->src, w, r);
	set_v4(&k->dst, inside_target(w, r));
	k->sport = (uint16_t)rng_range(r, 1024, 65535);
	k->id = (uint16_t)rng_next(r);
	if (rng_percent(r, 15)) {
		k->proto = PR_UDP;
		k->dport = popular_udp[rng_skewed(r, LEN(popular_udp))];
		k->udp_len = (uint16_t)rng_range(r, 8, 120);
		k->len = (uint16_t)(k->udp_len + 20);
		k->ttl = (uint8_t)rng_range(r, 40, 120);
		return;
	}
	k->proto = PR_TCP;
	k->flags = TF_SYN;
	k->dport = popular_tcp[rng_skewed(r, LEN(popular_tcp))];
	switch (rng_below(r, 4)) {
	case 0: /* zmap: its fixed IP ID */
		k->id = 54321;
		k->ttl = (uint8_t)rng_range(r, 225, 250);
		k->window = 65535;
		k->len = 40;
		break;
	case 1: /* masscan-like */
		k->ttl = (uint8_t)rng_range(r, 225, 250);
		k->window = 1024;
		k->len = 40;
		break;
	case 2: /* a Linux box */
		k->df = 1;
		k->ttl = (uint8_t)rng_range(r, 40, 60);
		k->window = 64240;
		k->opt = linux_opt(r);
		k->len = 60;
		break;
	default: /* a Windows box */
		k->df = 1;
		k->ttl = (uint8_t)rng_range(r, 100, 120);
		k->window = 8192;
		k->opt = OPT_WINDOWS;
		k->len = 52;
		break;
	}
}

static void spawn_outbound(struct actor *a, const struct world *w, struct rng *r)
{
	a->host = (uint8_t)(w->ninside ? rng_skewed(r, (uint32_t)w->ninside) : 0);
	a->left = rng_range(r, 1, 6);
	a->style = (uint8_t)rng_percent(r, 25); /* 1: ufw on the host itself */
	a->prefix = a->style ? (rng_percent(r, 85) ? "[UFW ALLOW] " : "[UFW AUDIT] ")
			     : prefix_allow_out(r);
	a->ttl = (uint8_t)(a->host % 3 ? 64 : 128);
}

static void emit_outbound(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	set_v4(&k->src, w->ninside ? w->inside[a->host] : w->gw);
	pool4(&k->dst, w, SALT_SERVER, rng_skewed(r, POOL_SERVERS));
	k->host = a->host;
	k->ttl = (uint8_t)(a->style ? a->ttl : a->ttl - 1);
	k->id = (uint16_t)rng_next(r);
	k->df = 1;
	k->sport = (uint16_t)(a->ttl == 64 ? rng_range(r, 32768, 60999) : rng_range(r, 49152, 65535));
	if (rng_percent(r, 70)) {
		k->proto = PR_TCP;
		k->dport = out_tcp[rng_below(r, LEN(out_tcp))];
		k->flags = TF_SYN;
		k->window = a->ttl == 64 ? 64240 : 65535;
		k->opt = a->ttl == 64 ? linux_opt(r) : OPT_WINDOWS;
		k->len = a->ttl == 64 ? 60 : 52;
		return;
	}
	k->proto = PR_UDP;
	k->dport = out_udp[rng_below(r, LEN(out_udp))];
	k->udp_len = (uint16_t)(k->dport == 443 ? 1260 : k->dport == 123 ? 56 : rng_range(r, 36, 80));
	k->len = (uint16_t)(k->udp_len + 20);
	k->df = k->dport != 53;
}

static void spawn_infected(struct actor *a, const struct world *w, struct rng *r)
{
	a->host = (uint8_t)(w->ninside ? rng_below(r, (uint32_t)w->ninside) : 0);
	a->left = rng_range(r, 50, 400);
	a->port_lo = rng_percent(r, 70) ? 445 : rng_percent(r, 60) ? 25 : 23;
	a->prefix = prefix_block_out(r);
}

static void emit_infected(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	set_v4(&k->src, w->ninside ? w->inside[a->host] : w->gw);
	fresh4(&k->dst, w, r);
	k->host = a->host;
	k->proto = PR_TCP;
	k->flags = TF_SYN;
	k->dport = (uint16_t)a->port_lo;
	k->sport = (uint16_t)rng_range(r, 49152, 65535);
	k->ttl = 127;
	k->id = (uint16_t)rng_next(r);
	k->df = 1;
	k->window = 8192;
	k->opt = OPT_WINDOWS;
	k->len = 52;
}

enum { V6_ND, V6_SCAN, V6_PROBE, V6_ECHO };

static void spawn_v6(struct actor *a, const struct world *w, struct rng *r)
{
	uint32_t x = rng_below(r, 100);
	a->style = x < 35 ? V6_ND : x < 55 ? V6_SCAN : x < 85 ? V6_PROBE : V6_ECHO;
	public6(&a->src, r);
	int h = w->ninside ? (int)rng_below(r, (uint32_t)w->ninside) : 0;
	a->host = (uint8_t)h;
	inside6(&a->dst, w, h);
	a->left = a->style == V6_SCAN ? rng_range(r, 20, 300) : rng_range(r, 1, 3);
	a->port_lo = 1;
	a->port_range = 1024;
	a->stride = 1;
	do
		a->stride = rng_range(r, 1, 1023);
	while (gcd(a->stride, 1024) != 1);
	a->pos = rng_below(r, 1024);
	a->sport = (uint16_t)rng_range(r, 32768, 65535);
	a->ttl = (uint8_t)rng_range(r, 40, 60);
	a->prefix = rng_percent(r, 50) ? "DROP " : "[UFW BLOCK] ";
}

static void emit_v6(struct actor *a, struct rng *r, struct pkt *k)
{
	k->src = a->src;
	k->dst = a->dst;
	k->ttl = a->ttl;
	k->tos = 0;
	switch (a->style) {
	case V6_ND: /* neighbour solicitation from the upstream router's link-local address */
		memset(&k->src, 0, sizeof k->src);
		k->src.v6 = 1;
		k->src.b[0] = 0xfe;
		k->src.b[1] = 0x80;
		memcpy(k->src.b + 8, a->src.b + 8, 8);
		memset(&k->dst, 0, sizeof k->dst);
		k->dst.v6 = 1;
		k->dst.b[0] = 0xff;
		k->dst.b[1] = 0x02;
		k->dst.b[11] = 1;
		k->dst.b[12] = 0xff;
		memcpy(k->dst.b + 13, a->dst.b + 13, 3);
		k->proto = PR_ICMP6;
		k->icmp_type = 135;
		k->len = 72;
		k->ttl = 255;
		return;
	case V6_ECHO:
		k->proto = PR_ICMP6;
		k->icmp_type = 128;
		k->icmp_echo = 1;
		k->icmp_id = a->sport;
		k->icmp_seq = (uint16_t)(a->done + 1);
		k->len = 104;
		k->flowlbl = (uint32_t)rng_below(r, 1u << 20);
		return;
	default:
		k->proto = PR_TCP;
		k->flags = TF_SYN;
		k->sport = a->sport;
		k->dport = (uint16_t)(a->style == V6_SCAN
					      ? a->port_lo + (a->pos + a->done * a->stride) % 1024
					      : popular_tcp[rng_skewed(r, LEN(popular_tcp))]);
		k->window = a->style == V6_SCAN ? 1024 : 64800;
		k->opt = a->style == V6_SCAN ? OPT_NMAP : "020405A00402080A0000000000000000";
		k->len = a->style == V6_SCAN ? 64 : 80;
		k->flowlbl = a->style == V6_SCAN ? 0 : (uint32_t)rng_below(r, 1u << 20);
		return;
	}
}

static void spawn_icmp(struct actor *a, const struct world *w, struct rng *r)
{
	a->style = (uint8_t)rng_percent(r, 25); /* 1: an ICMP error */
	a->left = a->style ? 1 : rng_range(r, 1, 5);
	if (rng_percent(r, 50))
		pool4(&a->src, w, SALT_SCANNER, rng_skewed(r, POOL_SCANNERS));
	else
		fresh4(&a->src, w, r);
	set_v4(&a->dst, inside_target(w, r));
	a->sport = (uint16_t)rng_next(r);
	a->len = (uint16_t)(rng_percent(r, 40) ? 28 : rng_percent(r, 50) ? 84 : 60);
	a->ttl = (uint8_t)rng_range(r, 40, 120);
	a->prefix = prefix_block_in(r);
}

static void emit_icmp(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	k->src = a->src;
	k->dst = a->dst;
	k->proto = PR_ICMP;
	k->ttl = a->ttl;
	k->id = (uint16_t)rng_next(r);
	if (!a->style) { /* echo request */
		k->icmp_type = 8;
		k->icmp_echo = 1;
		k->icmp_id = a->sport;
		k->icmp_seq = (uint16_t)((a->done + 1) * (a->len == 60 ? 256 : 1));
		k->len = a->len;
		k->df = a->len == 84;
		return;
	}
	/* Port unreachable or time exceeded, quoting the UDP packet an inside
	 * host sent (a DNS query, or a traceroute probe). */
	struct pkt *in = &a->inner;
	memset(in, 0, sizeof *in);
	int h = w->ninside ? (int)rng_below(r, (uint32_t)w->ninside) : 0;
	set_v4(&in->src, w->ninside ? w->inside[h] : w->gw);
	pool4(&in->dst, w, SALT_SERVER, rng_skewed(r, POOL_SERVERS));
	in->proto = PR_UDP;
	int trace = rng_percent(r, 40);
	in->sport = (uint16_t)rng_range(r, 32768, 60999);
	in->dport = (uint16_t)(trace ? rng_range(r, 33434, 33534) : 53);
	in->udp_len = (uint16_t)(trace ? 40 : rng_range(r, 36, 80));
	in->len = (uint16_t)(in->udp_len + 20);
	in->ttl = (uint8_t)(trace ? 1 : 63);
	in->id = (uint16_t)rng_next(r);
	k->icmp_type = trace ? 11 : 3;
	k->icmp_code = trace ? 0 : 3;
	k->src = trace ? a->src : in->dst;
	set_v4(&k->dst, w->ninside ? w->inside[h] : w->gw);
	k->len = (uint16_t)(28 + in->len); /* IP and ICMP headers, then the quote */
	k->prec = 0xC0;
	k->inner = in;
}

static void spawn_otherproto(struct actor *a, const struct world *w, struct rng *r)
{
	a->style = (uint8_t)rng_below(r, 3);
	a->left = rng_range(r, 1, 3);
	fresh4(&a->src, w, r);
	a->prefix = prefix_block_in(r);
}

static void emit_otherproto(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	k->id = (uint16_t)rng_next(r);
	if (a->style == 0) { /* IGMP membership query from the ISP's modem */
		set_v4(&k->src, 0x0A000001u);
		set_v4(&k->dst, 0xE0000001u);
		k->proto = 2;
		k->len = 36;
		k->prec = 0xC0;
		k->ttl = 1;
		k->id = 0;
		return;
	}
	k->src = a->src;
	set_v4(&k->dst, w->gw);
	k->proto = a->style == 1 ? 47 : 50;
	k->len = (uint16_t)rng_range(r, 60, 200);
	k->ttl = (uint8_t)rng_range(r, 40, 120);
}

/* Share of lines each kind should produce, and its mean length in packets;
 * spawning in proportion to share/length gives those shares. */
static const struct {
	uint16_t share;
	uint16_t mean_len;
} mix[ACT_KINDS] = {
	[ACT_NOISE] = { 280, 1 },     [ACT_VSCAN] = { 220, 700 }, [ACT_SWEEP] = { 60, 200 },
	[ACT_WORM] = { 160, 4 },      [ACT_OUTBOUND] = { 180, 3 }, [ACT_INFECTED] = { 20, 225 },
	[ACT_V6] = { 50, 40 },	      [ACT_ICMP] = { 25, 2 },	  [ACT_OTHERPROTO] = { 5, 2 },
};

void actor_spawn(struct actor *a, const struct world *w, struct rng *r)
{
	static uint32_t cum[ACT_KINDS], total;
	if (!total) {
		for (int i = 0; i < ACT_KINDS; i++) {
			total += (uint32_t)mix[i].share * 100000u / mix[i].mean_len;
			cum[i] = total;
		}
	}
	uint32_t x = rng_below(r, total);
	int kind = 0;
	while (x >= cum[kind])
		kind++;
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->left = 1;
	switch (kind) {
	case ACT_VSCAN: spawn_vscan(a, w, r); break;
	case ACT_SWEEP: spawn_sweep(a, w, r); break;
	case ACT_WORM: spawn_worm(a, w, r); break;
	case ACT_OUTBOUND: spawn_outbound(a, w, r); break;
	case ACT_INFECTED: spawn_infected(a, w, r); break;
	case ACT_V6: spawn_v6(a, w, r); break;
	case ACT_ICMP: spawn_icmp(a, w, r); break;
	case ACT_OTHERPROTO: spawn_otherproto(a, w, r); break;
	default: a->prefix = prefix_block_in(r); break;
	}
}

void actor_emit(struct actor *a, const struct world *w, struct rng *r, struct pkt *k)
{
	memset(k, 0, sizeof *k);
	k->prefix = a->prefix;
	k->in = "eth0";
	k->out = "";
	k->mac_kind = MAC_WAN;
	switch (a->kind) {
	case ACT_VSCAN: emit_vscan(a, r, k); break;
	case ACT_SWEEP: emit_sweep(a, r, k); break;
	case ACT_WORM: emit_worm(a, w, r, k); break;
	case ACT_OUTBOUND:
		emit_outbound(a, w, r, k);
		k->in = a->style ? "" : "eth1";
		k->out = "eth0";
		k->mac_kind = a->style ? MAC_NONE : MAC_LAN;
		break;
	case ACT_INFECTED:
		emit_infected(a, w, r, k);
		k->in = "eth1";
		k->out = "eth0";
		k->mac_kind = MAC_LAN;
		break;
	case ACT_V6: emit_v6(a, r, k); break;
	case ACT_ICMP: emit_icmp(a, w, r, k); break;
	case ACT_OTHERPROTO: emit_otherproto(a, w, r, k); break;
	default: emit_noise(w, r, k); break;
	}
	a->done++;
	a->left--;
}

uint32_t actor_burst(const struct actor *a, struct rng *r)
{
	switch (a->kind) {
	case ACT_VSCAN: return rng_range(r, 10, 300);
	case ACT_SWEEP: return rng_range(r, 5, 60);
	case ACT_INFECTED: return rng_range(r, 5, 50);
	case ACT_V6: return a->style == V6_SCAN ? rng_range(r, 10, 100) : 1;
	case ACT_OUTBOUND: return rng_range(r, 1, 3);
	default: return 1;
	}
}

uint32_t actor_gap_us(const struct actor *a, struct rng *r)
{
	switch (a->kind) {
	case ACT_VSCAN: return a->style == S_MASSCAN ? rng_range(r, 20, 500) : rng_range(r, 50, 3000);
	case ACT_SWEEP: return rng_range(r, 500, 20000);
	case ACT_INFECTED: return rng_range(r, 2000, 50000);
	case ACT_OUTBOUND: return rng_range(r, 5000, 500000);
	default: return rng_range(r, 100, 5000);
	}
}
