/* gen.h - the benchmark log generator (build/gen), shared by its parts.
 *
 * Two layers, so that other log formats and a "scenario with ground truth"
 * mode (issue 5) fit without touching the traffic:
 *
 *   traffic (gen_traffic.c)  actors - scanners, sweeps, worm sources, inside
 *                            hosts - each emitting format-free struct pkt;
 *   format  (gen_netfilter.c) one struct pkt -> one log line.
 *
 * gen.c schedules the actors over the requested time span and writes the
 * lines.  A scenario mode would spawn chosen actors at chosen times and write
 * each actor's kind, source and time range as the ground truth. */
#ifndef PORTLOG_BENCH_GEN_H
#define PORTLOG_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** seeded through splitmix64: our own generator, so a seed gives
 * the same bytes with every libc (rand() does not). */
struct rng {
	uint64_t s[4];
};

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return out;
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static inline int rng_percent(struct rng *r, uint32_t pct)
{
	return rng_below(r, 100) < pct;
}

/* Skewed towards 0: a few members of a pool of n are drawn very often. */
static inline uint32_t rng_skewed(struct rng *r, uint32_t n)
{
	return rng_below(r, rng_below(r, n) + 1);
}

uint64_t mix64(uint64_t x);
void rng_seed(struct rng *r, uint64_t seed);

struct addr {
	uint8_t v6;
	uint8_t b[16]; /* IPv4 in b[0..3], network order */
};

enum { PR_ICMP = 1, PR_TCP = 6, PR_UDP = 17, PR_ICMP6 = 58 };
enum {
	TF_FIN = 1,
	TF_SYN = 2,
	TF_RST = 4,
	TF_PSH = 8,
	TF_ACK = 16,
	TF_URG = 32,
	TF_ECE = 64,
	TF_CWR = 128,
};
/* Which link header the firewall saw: none (locally made), from upstream
 * on the WAN side, or from an inside host on the LAN side. */
enum { MAC_NONE, MAC_WAN, MAC_LAN };

/* One logged packet, independent of any log format. */
struct pkt {
	int64_t t_us;	    /* wall-clock time, microseconds since the epoch */
	const char *prefix; /* the log prefix with its separator ("DROP ", "x:DROP:") */
	const char *in, *out;
	uint8_t mac_kind, host;	 /* host: inside host index for MAC_LAN */
	struct addr src, dst;
	uint16_t len, id;
	uint8_t ttl, tos, prec, df;
	uint32_t flowlbl;
	uint8_t proto;
	uint16_t sport, dport, window, udp_len;
	uint8_t flags;
	const char *opt; /* TCP options as the kernel prints them (hex), or NULL */
	uint8_t icmp_type, icmp_code, icmp_echo;
	uint16_t icmp_id, icmp_seq;
	const struct pkt *inner; /* the packet an ICMP error quotes, or NULL */
};

enum { MAX_INSIDE = 64 };

/* The network being logged: fixed for a run, derived from the seed. */
struct world {
	uint32_t net, size;  /* home network (IPv4, host order) and its address count */
	uint32_t gw;	     /* the firewall's inside address */
	uint32_t inside[MAX_INSIDE];
	uint8_t inside_mac[MAX_INSIDE][6];
	int ninside;
	uint8_t v6_prefix[8]; /* inside IPv6 /64 */
	uint8_t wan_mac[6], upstream_mac[6], lan_mac[6];
	int64_t boot_us;      /* when the firewall booted: the kernel's uptime stamp */
	const char *hostname;
	uint64_t seed;
};

void world_init(struct world *w, uint64_t seed, uint32_t net, int prefix_len,
		int64_t start_us);

/* Actors: one source of traffic each, alive for `left` more packets. */
enum actor_kind {
	ACT_NOISE,    /* single probes from anywhere to popular ports */
	ACT_VSCAN,    /* one source, one target, many ports (SYN/FIN/XMAS/NULL/ACK/UDP) */
	ACT_SWEEP,    /* one source, one port, every inside address */
	ACT_WORM,     /* a worm-infected source: a few tries on a worm port */
	ACT_OUTBOUND, /* an inside host's allowed connections out */
	ACT_INFECTED, /* an inside host spreading a worm outwards, blocked */
	ACT_V6,	      /* IPv6: probes, scans, neighbour discovery */
	ACT_ICMP,     /* pings and ICMP errors */
	ACT_OTHERPROTO, /* IGMP, GRE, ESP */
	ACT_KINDS
};

struct actor {
	int kind;
	uint32_t left, done;
	struct addr src, dst;
	uint32_t port_lo, port_range, stride, pos;
	const uint16_t *port_list;
	uint32_t port_list_len;
	uint16_t sport, window, len;
	uint8_t style, ttl, flags, host, proto;
	const char *prefix, *opt;
	struct pkt inner; /* storage for an ICMP error's quoted packet */
};

void actor_spawn(struct actor *a, const struct world *w, struct rng *r);
/* Fill k (all but its time) with the actor's next packet. */
void actor_emit(struct actor *a, const struct world *w, struct rng *r, struct pkt *k);
/* How many packets the actor sends back to back, and the gap between them. */
uint32_t actor_burst(const struct actor *a, struct rng *r);
uint32_t actor_gap_us(const struct actor *a, struct rng *r);

/* A log format.  write() renders k as one line, newline included, at p, which
 * has at least GEN_LINE_MAX bytes free, and returns the end. */
enum { GEN_LINE_MAX = 2048 };
struct gen_format {
	const char *name;
	const char *description;
	char *(*write)(char *p, const struct world *w, const struct pkt *k);
};

extern const struct gen_format gen_netfilter;

#endif
