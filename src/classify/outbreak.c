/* outbreak.c - ports whose unique sources jump above their own baseline.
 *
 * Per (port, protocol), two series: hourly and daily unique sources (and
 * events, for the evidence).  Unique sources in the open bucket are counted
 * by linear counting (Whang et al. 1990): the bits of a 2048- or 8192-bit
 * map that the sources hash to, a few percent error (the set bits are
 * stored sparsely while they are few, see below).  At most max_ports
 * series are kept; when that is full, ports quiet for longer than the daily
 * history and never raised are forgotten.  The baseline of a bucket is the
 * median of the earlier buckets (48 hours, 14 days) and its spread their
 * MAD, both robust to the outbreak itself; a bucket is raised when its
 * sources reach
 *     max(median + outbreak_mads * 1.4826 * MAD,
 *         outbreak_factor * max(median, 1),  median + outbreak_min).
 * The threshold is fixed when a bucket opens, so the finding appears the
 * moment the sources cross it (live) and is updated with the peak after.
 * Since the history includes raised buckets, a long wave becomes the new
 * normal after a day; a later jump on that raised level is a second wave,
 * and is reported as such.  A daily onset within a day of an hourly one on
 * the same port is the same outbreak and is not reported twice. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect_priv.h"

/* Cost, per event: one probe of a small index and two bit tests.  What is
 * not needed per event is not done per event:
 * - the threshold (two medians of up to 48 values) is worked out only when
 *   the open bucket could reach it: every threshold is at least
 *   max(outbreak_min, outbreak_factor), and most buckets of most ports
 *   never get that many sources;
 * - the estimate -m ln(1 - ones/m) is a table lookup, and the threshold is
 *   turned into the number of bits that reach it, so no log() per event;
 * - a bucket's first few sources are kept as a short list, then in a small
 *   hash set that doubles as needed (bucket bits are hashes already); a
 *   bitmap (half the memory) is only
 *   allocated for a bucket with more (most ports see one or two sources an
 *   hour), so memory goes to busy ports, not to every port ever probed. */

enum { HOURLY, DAILY, NGRAN };
static const int64_t bucket_us[NGRAN] = { 3600 * 1000000LL, 86400 * 1000000LL };
enum { RING_H = 48, RING_D = 14, BITS_H = 2048, BITS_D = 8192 };
static const int ring_len[NGRAN] = { RING_H, RING_D };
static const int nbits[NGRAN] = { BITS_H, BITS_D };
static const char *const gran_name[NGRAN] = { "hourly", "daily" };
enum {
	FEW = 8,         /* sources listed in the series before a set or bitmap */
	SET0 = 32,       /* first size of the set (slots; at most half full) */
	BITMAP = 0xffff, /* more_cap of a series whose `more` is a bitmap */
	KEEP = 2 * FEW,  /* a bucket that ends with more keeps its set / bitmap */
	CHUNK = 1024,    /* port states are allocated this many at a time, never moved */
};
#define NEVER UINT32_MAX

/* Hot fields first: an event reads and writes these of both series, which
 * then share the port state's first two cache lines. */
struct series {
	int64_t bucket;   /* index of the open bucket */
	void *more;       /* the open bucket's sources past FEW: a set of bit + 1
			     (uint16_t, more_cap slots) or a bitmap; NULL before */
	uint32_t events;  /* in the open bucket */
	uint32_t ones;    /* distinct bits (sources) in the open bucket */
	uint32_t need;    /* ones that raise the open bucket (once thr_known: the
			     threshold in bits; before, the least any threshold
			     takes); NEVER while warming up */
	float median;     /* baseline of the open bucket (once thr_known); a
			     median of integers below 2^24 is exact in a float */
	uint16_t few[FEW]; /* the open bucket's bits while `more` is NULL */
	uint16_t more_cap;
	uint8_t raised;   /* the open bucket crossed its threshold */
	uint8_t started;  /* the first bucket is open */
	uint8_t active;   /* an outbreak is going on (since onset_us) */
	uint8_t thr_known;
	uint16_t nhist, pos;
};

/* An outbreak's own fields: allocated for the few ports that have one. */
struct series_cold {
	int64_t onset_us;
	double onset_baseline, peak, peak_events;
	double first_baseline; /* baseline at this port's first outbreak */
	int waves;
};

struct port_cold {
	int64_t last_hourly_onset_us;
	struct series_cold k[NGRAN];
};

struct port_state {
	struct series s[NGRAN];
	int port, proto;
	struct port_cold *cold; /* NULL until the port's first outbreak */
	uint16_t hist_h[RING_H]; /* hourly values fit: at most 2048 ln 2048 */
	uint32_t hist_d[RING_D];
};

struct outbreak_det {
	const struct detect_conf *c;
	struct emit *e;
	uint64_t *slots;  /* open addressing: key << 32 | (index + 1); 0 empty */
	size_t cap;       /* slots: a power of two, twice the ports at most */
	struct port_state **chunks;
	size_t n, limit;
	size_t more_bytes, cold_bytes;
	uint64_t dropped; /* events on ports beyond the limit */
	int have_start;
	int64_t start_us; /* the first event the detector saw, on any port */
	int64_t now_us;   /* the latest event */
	int64_t last_expiry_us;
	uint32_t lazy_need[NGRAN]; /* bits below which no threshold can be reached */
	/* The bucket of the last time asked about, and its bounds: events come
	 * in time order, so nearly every event is in the same hour and day as
	 * the one before, and two 64-bit divisions an event are saved. */
	int64_t at_bucket[NGRAN], at_lo[NGRAN], at_hi[NGRAN]; /* [lo, hi) in us */
	double est_h[BITS_H + 1], est_d[BITS_D + 1]; /* estimate by bits set */
};

/* The index of ts's bucket of granularity g (floor division). */
static int64_t floor_bucket(int g, int64_t ts)
{
	return ts >= 0 ? ts / bucket_us[g] : -((-ts + bucket_us[g] - 1) / bucket_us[g]);
}

/* floor_bucket, remembering the last answer's bounds. */
static int64_t bucket_of(struct outbreak_det *s, int g, int64_t ts)
{
	if (ts >= s->at_lo[g] && ts < s->at_hi[g])
		return s->at_bucket[g];
	int64_t b = floor_bucket(g, ts);
	if (b * bucket_us[g] > INT64_MAX - bucket_us[g])
		return b; /* the last bucket there is: not kept (its end overflows) */
	s->at_bucket[g] = b;
	s->at_lo[g] = b * bucket_us[g];
	s->at_hi[g] = s->at_lo[g] + bucket_us[g];
	return b;
}

static const double *est_of(const struct outbreak_det *s, int g)
{
	return g == HOURLY ? s->est_h : s->est_d;
}

/* Linear counting: sources behind `ones` of m bits. */
static double estimate_bits(uint32_t ones, int g)
{
	double m = nbits[g];
	if (ones >= (uint32_t)nbits[g])
		return m * log(m); /* saturated: the most the bitmap can say */
	return -m * log(1.0 - (double)ones / m);
}

/* The fewest bits whose estimate reaches t; NEVER if none does. */
static uint32_t bits_for(const struct outbreak_det *s, int g, double t)
{
	const double *est = est_of(s, g);
	uint32_t lo = 0, hi = (uint32_t)nbits[g] + 1; /* answer in [lo, hi) or NEVER */
	if (!(est[nbits[g]] >= t))
		return NEVER;
	while (lo < hi) { /* the estimate grows with the bits */
		uint32_t mid = lo + (hi - lo) / 2;
		if (est[mid] >= t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct outbreak_det *outbreak_new(const struct detect_conf *c, struct emit *e)
{
	struct outbreak_det *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->c = c;
	s->e = e;
	/* As many ports as a table of twice max_ports (a power of two) holds
	 * at half load. */
	s->cap = 256;
	while (s->cap < c->max_ports * 2)
		s->cap *= 2;
	s->limit = s->cap / 2;
	s->slots = calloc(s->cap, sizeof *s->slots);
	s->chunks = calloc(s->limit / CHUNK + 1, sizeof *s->chunks);
	if (!s->slots || !s->chunks) {
		outbreak_free(s);
		return NULL;
	}
	for (uint32_t k = 0; k <= BITS_H; k++)
		s->est_h[k] = estimate_bits(k, HOURLY);
	for (uint32_t k = 0; k <= BITS_D; k++)
		s->est_d[k] = estimate_bits(k, DAILY);
	/* Every threshold is at least median + outbreak_min and at least
	 * outbreak_factor * max(median, 1), with median >= 0. */
	double floor = c->outbreak_min > c->outbreak_factor ? c->outbreak_min : c->outbreak_factor;
	for (int g = 0; g < NGRAN; g++)
		s->lazy_need[g] = bits_for(s, g, floor);
	return s;
}

static struct port_state *port_at(const struct outbreak_det *s, size_t i)
{
	return &s->chunks[i / CHUNK][i % CHUNK];
}

static uint32_t hist_at(const struct port_state *p, int g, int i)
{
	return g == HOURLY ? p->hist_h[i] : p->hist_d[i];
}

/* The k-th smallest of v[0..n), 0 <= k < n, by Hoare's selection: v is
 * reordered so that v[0..k) <= v[k] <= v[k+1..n).  A threshold is worked out
 * for every busy port every hour: two medians of up to 48 values, which a
 * full sort made cost ten times as many comparisons. */
static uint32_t select_kth(uint32_t *v, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t pivot = v[lo + (hi - lo) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break; /* v[j+1..i) all equal the pivot, k among them */
	}
	return v[k];
}

/* The median of v[0..n), which it reorders. */
static double median_of(uint32_t *v, int n)
{
	if (n <= 0)
		return 0;
	uint32_t upper = select_kth(v, n, n / 2);
	if (n % 2)
		return upper;
	uint32_t lower = v[0]; /* the largest of v[0..n/2), all <= upper */
	for (int i = 1; i < n / 2; i++)
		if (v[i] > lower)
			lower = v[i];
	return (lower + upper) / 2.0;
}

/* Baseline and threshold of the open bucket, from the history before it:
 *     max(median + outbreak_mads * 1.4826 * MAD,
 *         outbreak_factor * max(median, 1),  median + outbreak_min). */
static void work_out_threshold(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	int n = x->nhist;
	uint32_t tmp[RING_H], nonzero = 0;
	for (int i = 0; i < n; i++)
		nonzero += hist_at(p, g, i) != 0;
	double med = 0, mad = 0;
	if (nonzero * 2 >= (uint32_t)n) { /* else both are 0: most ports are quiet */
		for (int i = 0; i < n; i++)
			tmp[i] = hist_at(p, g, i);
		med = median_of(tmp, n);
		for (int i = 0; i < n; i++)
			tmp[i] = (uint32_t)fabs((double)hist_at(p, g, i) - med);
		mad = median_of(tmp, n);
	}
	double t = med + s->c->outbreak_mads * 1.4826 * mad;
	double f = s->c->outbreak_factor * (med > 1 ? med : 1);
	if (f > t)
		t = f;
	if (med + s->c->outbreak_min > t)
		t = med + s->c->outbreak_min;
	x->median = (float)med;
	x->thr_known = 1;
	x->need = bits_for(s, g, t);
}

/* A bucket opens: its threshold is worked out when it is first needed. */
static void open_threshold(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	x->thr_known = 0;
	if (x->nhist < ring_len[g] / 2) {
		/* not enough history to know what is normal: never raised */
		x->median = 0;
		x->thr_known = 1;
		x->need = NEVER;
		return;
	}
	x->need = s->lazy_need[g];
}

static void push_hist(struct port_state *p, int g, uint32_t v)
{
	struct series *x = &p->s[g];
	if (g == HOURLY)
		p->hist_h[x->pos] = (uint16_t)v;
	else
		p->hist_d[x->pos] = v;
	x->pos = (uint16_t)((x->pos + 1) % ring_len[g]);
	if (x->nhist < ring_len[g])
		x->nhist++;
}

/* n quiet buckets: zeros into the history, as n push_hist(0) would.  A ring
 * of nothing but zeros is the same whichever slot comes next. */
static void push_zeros(struct port_state *p, int g, int64_t n)
{
	struct series *x = &p->s[g];
	int len = ring_len[g];
	if (n >= len) {
		n = len;
		x->pos = 0;
	}
	/* from pos to the end of the ring, then from its start */
	int first = (int)n < len - x->pos ? (int)n : len - x->pos, rest = (int)n - first;
	if (g == HOURLY) {
		memset(p->hist_h + x->pos, 0, (size_t)first * sizeof *p->hist_h);
		memset(p->hist_h, 0, (size_t)rest * sizeof *p->hist_h);
	} else {
		memset(p->hist_d + x->pos, 0, (size_t)first * sizeof *p->hist_d);
		memset(p->hist_d, 0, (size_t)rest * sizeof *p->hist_d);
	}
	x->pos = (uint16_t)((x->pos + n) % len);
	x->nhist = (uint16_t)(x->nhist + n < len ? x->nhist + n : len);
}

/* Only for an active series (its port has a cold part). */
static void report(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	struct series_cold *k = &p->cold->k[g];
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_OUTBREAK;
	port_proto_str(p->port, p->proto, f.subject, sizeof f.subject);
	f.first_us = k->onset_us;
	f.last_us = (x->bucket + 1) * bucket_us[g] - 1;
	snprintf(f.shape, sizeof f.shape, "%s", gran_name[g]);
	f.proto = p->proto;
	f.port_lo = f.port_hi = p->port;
	f.nports = p->port >= 0;
	if (p->port >= 0)
		snprintf(f.ports, sizeof f.ports, "%d", p->port);
	f.value = round(k->peak);
	f.baseline = k->onset_baseline;
	f.factor = k->peak / (k->onset_baseline > 1 ? k->onset_baseline : 1);
	f.packets = (uint64_t)k->peak_events;
	f.second_wave = k->waves > 1 && k->onset_baseline >= 2 * k->first_baseline + 1;
	f.danger = f.factor >= 30 ? 5 : f.factor >= 10 ? 4 : 3;
	time_t t = (time_t)(k->onset_us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[32];
	strftime(when, sizeof when, g == HOURLY ? "%Y-%m-%d %H:00" : "%Y-%m-%d", &tm);
	snprintf(f.summary, sizeof f.summary,
		 "%s: %.0fx baseline from %s (%.0f sources per %s, baseline %.0f)%s", f.subject,
		 f.factor, when, f.value, g == HOURLY ? "hour" : "day", f.baseline,
		 f.second_wave ? ", second wave on a raised level" : "");
	emit(s->e, &f);
}

/* The open bucket crossed its threshold. */
static void raise_bucket(struct outbreak_det *s, struct port_state *p, int g, double v)
{
	struct series *x = &p->s[g];
	x->raised = 1;
	if (!x->active) {
		int64_t start = x->bucket * bucket_us[g];
		if (g == DAILY && p->cold && p->cold->last_hourly_onset_us &&
		    p->cold->last_hourly_onset_us >= start - bucket_us[DAILY])
			return; /* the hourly series already reported this one */
		if (!p->cold) {
			if (!(p->cold = calloc(1, sizeof *p->cold)))
				return; /* out of memory: not reported */
			s->cold_bytes += sizeof *p->cold;
		}
		struct series_cold *k = &p->cold->k[g];
		x->active = 1;
		k->onset_us = start;
		k->onset_baseline = x->median;
		k->peak = v;
		k->peak_events = x->events;
		k->waves++;
		if (k->waves == 1)
			k->first_baseline = x->median;
		if (g == HOURLY)
			p->cold->last_hourly_onset_us = start;
		report(s, p, g);
	}
}

/* Close the open bucket (its final value goes into the history). */
static void close_bucket(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	double v = est_of(s, g)[x->ones];
	if (x->active) {
		struct series_cold *k = &p->cold->k[g];
		if (!x->raised && !x->thr_known)
			work_out_threshold(s, p, g);
		/* est[ones] >= threshold, in bits */
		if (x->raised || x->ones >= x->need) {
			if (v > k->peak) {
				k->peak = v;
				k->peak_events = x->events;
			}
			report(s, p, g); /* extend it */
		} else {
			x->active = 0;
		}
	}
	push_hist(p, g, (uint32_t)(v + 0.5));
}

static size_t more_size(const struct series *x, int g)
{
	return x->more_cap == BITMAP ? (size_t)nbits[g] / 8 : x->more_cap * sizeof(uint16_t);
}

/* Forget the open bucket's sources; a set or bitmap stays only on a busy port. */
static void clear_sources(struct outbreak_det *s, struct series *x, int g)
{
	if (x->more) {
		if (x->ones > KEEP) {
			memset(x->more, 0, more_size(x, g));
		} else {
			s->more_bytes -= more_size(x, g);
			free(x->more);
			x->more = NULL;
			x->more_cap = 0;
		}
	}
	x->ones = 0;
}

static void advance(struct outbreak_det *s, struct port_state *p, int g, int64_t ts)
{
	struct series *x = &p->s[g];
	int64_t b = bucket_of(s, g, ts);
	if (!x->started) {
		x->started = 1;
		x->bucket = b;
		/* The port was quiet since the stream began: that is history too,
		 * so a port never seen before that suddenly fills (Bobax on 5000
		 * in May 2004) is measured against zero, not ignored. */
		int64_t s0 = floor_bucket(g, s->start_us);
		if (s0 < b)
			push_zeros(p, g, b - s0);
		open_threshold(s, p, g);
		return;
	}
	if (b <= x->bucket)
		return; /* the same bucket, or a little late: counted in the open one */
	close_bucket(s, p, g);
	/* Quiet buckets in between count as zero (and end an outbreak). */
	int64_t gap = b - x->bucket - 1;
	if (gap > 0 && x->active)
		x->active = 0;
	if (gap > 0)
		push_zeros(p, g, gap);
	x->bucket = b;
	x->events = 0;
	x->raised = 0;
	clear_sources(s, x, g);
	open_threshold(s, p, g);
}

static int set_insert(uint16_t *v, uint16_t cap, uint32_t bit)
{
	uint16_t key = (uint16_t)(bit + 1);
	for (uint32_t j = bit & (cap - 1u);; j = (j + 1) & (cap - 1u)) {
		if (v[j] == key)
			return 0;
		if (!v[j]) {
			v[j] = key;
			return 1;
		}
	}
}

static void bitmap_insert(uint64_t *v, uint32_t bit)
{
	v[bit >> 6] |= 1ull << (bit & 63);
}

/* Move the open bucket's sources into a set of cap slots, or a bitmap when
 * a set that big would take more than half the bitmap's memory.  0, or -1. */
static int regrow(struct outbreak_det *s, struct series *x, int g, uint32_t cap)
{
	int to_bitmap = cap * sizeof(uint16_t) > (size_t)nbits[g] / 16;
	size_t bytes = to_bitmap ? (size_t)nbits[g] / 8 : cap * sizeof(uint16_t);
	void *v = calloc(1, bytes);
	if (!v)
		return -1;
	if (!x->more) {
		for (uint32_t i = 0; i < x->ones; i++)
			to_bitmap ? bitmap_insert(v, x->few[i]) : (void)set_insert(v, (uint16_t)cap,
										 x->few[i]);
	} else {
		const uint16_t *old = x->more;
		for (uint32_t i = 0; i < x->more_cap; i++)
			if (old[i])
				to_bitmap ? bitmap_insert(v, old[i] - 1u)
					  : (void)set_insert(v, (uint16_t)cap, old[i] - 1u);
		s->more_bytes -= more_size(x, g);
		free(x->more);
	}
	x->more = v;
	x->more_cap = to_bitmap ? BITMAP : (uint16_t)cap;
	s->more_bytes += bytes;
	return 0;
}

/* Count bit `bit` in the open bucket; 1 if it was not set before. */
static int add_source(struct outbreak_det *s, struct series *x, int g, uint32_t bit)
{
	if (x->more_cap == BITMAP) {
		uint64_t *v = x->more;
		if (v[bit >> 6] >> (bit & 63) & 1)
			return 0;
		bitmap_insert(v, bit);
		x->ones++;
		return 1;
	}
	if (x->more) {
		uint16_t *v = x->more;
		uint16_t key = (uint16_t)(bit + 1);
		for (uint32_t j = bit & (x->more_cap - 1u); v[j]; j = (j + 1) & (x->more_cap - 1u))
			if (v[j] == key)
				return 0;
		if ((x->ones + 1) * 2 > x->more_cap && regrow(s, x, g, x->more_cap * 2u))
			return 0; /* out of memory: counted as seen, a lower bound */
		if (x->more_cap == BITMAP)
			bitmap_insert(x->more, bit);
		else
			set_insert(x->more, x->more_cap, bit);
		x->ones++;
		return 1;
	}
	for (uint32_t i = 0; i < x->ones; i++)
		if (x->few[i] == bit)
			return 0;
	if (x->ones < FEW) {
		x->few[x->ones++] = (uint16_t)bit;
		return 1;
	}
	if (regrow(s, x, g, SET0))
		return 0;
	if (x->more_cap == BITMAP)
		bitmap_insert(x->more, bit);
	else
		set_insert(x->more, x->more_cap, bit);
	x->ones++;
	return 1;
}

static uint32_t port_key(int port, int proto)
{
	return (uint32_t)(port + 1) << 8 | (uint32_t)(proto & 0xff);
}

static size_t key_slot(const struct outbreak_det *s, uint32_t key)
{
	uint64_t v = key * 0x9e3779b97f4a7c15ull;
	return (size_t)(v >> 32 ^ v) & (s->cap - 1);
}

/* Is the port's whole history older than both rings, with no outbreak ever?
 * Then a fresh state, which counts the quiet since the stream began as
 * zeros, is the same as this one: it can go. */
static int idle_port(const struct outbreak_det *s, const struct port_state *p)
{
	for (int g = 0; g < NGRAN; g++) {
		const struct series *x = &p->s[g];
		int64_t b = floor_bucket(g, s->now_us);
		if (x->active || p->cold || b - x->bucket - 1 < ring_len[g])
			return 0;
	}
	return 1;
}

/* The table is full: forget ports idle for longer than the daily ring (at
 * most once an hour of log time), so that serve, running for years, keeps
 * room for ports that come up.  Returns the number forgotten. */
static size_t expire_idle(struct outbreak_det *s)
{
	if (s->last_expiry_us && s->now_us - s->last_expiry_us < bucket_us[HOURLY])
		return 0;
	s->last_expiry_us = s->now_us;
	size_t gone = 0;
	for (size_t i = 0; i < s->n;) {
		struct port_state *p = port_at(s, i);
		if (!idle_port(s, p)) {
			i++;
			continue;
		}
		for (int g = 0; g < NGRAN; g++)
			if (p->s[g].more) {
				s->more_bytes -= more_size(&p->s[g], g);
				free(p->s[g].more);
			}
		if (i != s->n - 1)
			*p = *port_at(s, s->n - 1);
		s->n--;
		gone++;
	}
	if (gone) { /* positions changed: index again */
		memset(s->slots, 0, s->cap * sizeof *s->slots);
		for (size_t i = 0; i < s->n; i++) {
			struct port_state *p = port_at(s, i);
			uint32_t key = port_key(p->port, p->proto);
			size_t j = key_slot(s, key);
			while (s->slots[j])
				j = (j + 1) & (s->cap - 1);
			s->slots[j] = (uint64_t)key << 32 | (i + 1);
		}
	}
	return gone;
}

static struct port_state *port_get(struct outbreak_det *s, int port, int proto)
{
	uint32_t key = port_key(port, proto);
	size_t j = key_slot(s, key);
	for (; s->slots[j]; j = (j + 1) & (s->cap - 1))
		if ((uint32_t)(s->slots[j] >> 32) == key)
			return port_at(s, (uint32_t)s->slots[j] - 1);
	if (s->n >= s->limit) {
		if (!expire_idle(s))
			return NULL;
		for (j = key_slot(s, key); s->slots[j]; j = (j + 1) & (s->cap - 1))
			;
	}
	size_t i = s->n;
	if (!s->chunks[i / CHUNK] && !(s->chunks[i / CHUNK] = malloc(CHUNK * sizeof **s->chunks)))
		return NULL;
	struct port_state *p = port_at(s, i);
	memset(p, 0, sizeof *p);
	p->port = port;
	p->proto = proto;
	s->slots[j] = (uint64_t)key << 32 | (i + 1);
	s->n++;
	return p;
}

struct port_state *outbreak_locate(struct outbreak_det *s, const struct event *ev)
{
	if (!(ev->has & EV_HAS_PROTO))
		return NULL;
	if (!s->have_start || ev->ts_us < s->start_us) {
		s->have_start = 1;
		s->start_us = ev->ts_us;
	}
	if (ev->ts_us > s->now_us || s->now_us == 0)
		s->now_us = ev->ts_us;
	int port = (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
	struct port_state *p = port_get(s, port, ev->proto);
	if (!p) {
		s->dropped++;
		return NULL;
	}
	/* Both series' hot fields (the first two cache lines), on their way
	 * while the caller feeds the other detectors. */
	__builtin_prefetch(&p->s[HOURLY], 1);
	__builtin_prefetch(&p->s[DAILY], 1);
	return p;
}

void outbreak_count(struct outbreak_det *s, struct port_state *p, const struct event *ev)
{
	if (!p)
		return;
	uint32_t h = addr_hash32(&ev->src, 0x0b7eac);
	for (int g = 0; g < NGRAN; g++) {
		struct series *x = &p->s[g];
		advance(s, p, g, ev->ts_us);
		x->events++;
		if (!add_source(s, x, g, h % (uint32_t)nbits[g]) || x->raised || x->ones < x->need)
			continue;
		if (!x->thr_known)
			work_out_threshold(s, p, g);
		if (x->ones >= x->need)
			raise_bucket(s, p, g, est_of(s, g)[x->ones]);
	}
}

void outbreak_finish(struct outbreak_det *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct port_state *p = port_at(s, i);
		for (int g = 0; g < NGRAN; g++)
			if (p->s[g].active) {
				struct series *x = &p->s[g];
				struct series_cold *k = &p->cold->k[g];
				double v = est_of(s, g)[x->ones];
				if (v > k->peak) {
					k->peak = v;
					k->peak_events = x->events;
				}
				report(s, p, g);
			}
	}
}

size_t outbreak_memory(const struct outbreak_det *s)
{
	size_t chunks = 0;
	for (size_t k = 0; k <= s->limit / CHUNK; k++)
		chunks += s->chunks[k] != NULL;
	return sizeof *s + s->cap * sizeof *s->slots + (s->limit / CHUNK + 1) * sizeof(void *) +
	       chunks * CHUNK * sizeof(struct port_state) + s->more_bytes + s->cold_bytes;
}

void outbreak_free(struct outbreak_det *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		for (int g = 0; g < NGRAN; g++)
			free(port_at(s, i)->s[g].more);
		free(port_at(s, i)->cold);
	}
	if (s->chunks)
		for (size_t k = 0; k <= s->limit / CHUNK; k++)
			free(s->chunks[k]);
	free(s->chunks);
	free(s->slots);
	free(s);
}
