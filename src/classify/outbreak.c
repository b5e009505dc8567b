/* outbreak.c - ports whose unique sources jump above their own baseline.
 *
 * Per (port, protocol), two series: hourly and daily unique sources (and
 * events, for the evidence).  Unique sources in the open bucket are counted
 * with a linear-counting bitmap (Whang et al. 1990): fixed memory per port,
 * a few percent error.  The baseline of a bucket is the median of the
 * earlier buckets (48 hours, 14 days) and its spread their MAD, both robust
 * to the outbreak itself; a bucket is raised when its sources reach
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

#include "../util/hash.h"
#include "detect_priv.h"

enum { HOURLY, DAILY, NGRAN };
static const int64_t bucket_us[NGRAN] = { 3600 * 1000000LL, 86400 * 1000000LL };
enum { RING_H = 48, RING_D = 14, BITS_H = 2048, BITS_D = 8192 };
static const int ring_len[NGRAN] = { RING_H, RING_D };
static const int nbits[NGRAN] = { BITS_H, BITS_D };
static const char *const gran_name[NGRAN] = { "hourly", "daily" };

struct series {
	int64_t bucket;   /* index of the open bucket */
	uint32_t events;  /* in the open bucket */
	uint32_t ones;    /* bits set in the open bucket */
	double thr;       /* sources that raise the open bucket; INFINITY while warming up */
	double median;    /* baseline of the open bucket */
	uint32_t hist[RING_H];
	uint16_t nhist, pos;
	uint8_t raised;   /* the open bucket crossed thr */
	uint8_t active;   /* an outbreak is going on (since onset_us) */
	uint8_t started;  /* the first bucket is open */
	int64_t onset_us;
	double onset_baseline, peak, peak_events;
	double first_baseline; /* baseline at this port's first outbreak */
	int waves;
	uint64_t *bits;
};

struct port_state {
	int port, proto;
	int used;
	int64_t last_hourly_onset_us;
	struct series s[NGRAN];
};

struct outbreak_det {
	const struct detect_conf *c;
	struct emit *e;
	struct port_state *v;
	size_t cap, n;
	uint64_t dropped; /* events on ports beyond max_ports */
	int have_start;
	int64_t start_us; /* the first event the detector saw, on any port */
};

struct outbreak_det *outbreak_new(const struct detect_conf *c, struct emit *e)
{
	struct outbreak_det *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->c = c;
	s->e = e;
	s->cap = 256;
	s->v = calloc(s->cap, sizeof *s->v);
	if (!s->v) {
		free(s);
		return NULL;
	}
	return s;
}

static double estimate(const struct series *x, int g)
{
	double m = nbits[g];
	if (x->ones >= (uint32_t)nbits[g])
		return m * log(m); /* saturated: the most the bitmap can say */
	return -m * log(1.0 - (double)x->ones / m);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static double median_of(uint32_t *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_u32);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Baseline and threshold for a bucket about to open. */
static void set_threshold(struct outbreak_det *s, struct series *x, int g)
{
	int n = x->nhist;
	if (n < ring_len[g] / 2) {
		x->thr = INFINITY; /* not enough history to know what is normal */
		x->median = 0;
		return;
	}
	uint32_t tmp[RING_H], nonzero = 0;
	for (int i = 0; i < n; i++)
		nonzero += x->hist[i] != 0;
	double med = 0, mad = 0;
	if (nonzero * 2 >= (uint32_t)n) { /* else both are 0: most ports are quiet, no sort */
		memcpy(tmp, x->hist, (size_t)n * sizeof *tmp);
		med = median_of(tmp, n);
		for (int i = 0; i < n; i++)
			tmp[i] = (uint32_t)fabs((double)x->hist[i] - med);
		mad = median_of(tmp, n);
	}
	double t = med + s->c->outbreak_mads * 1.4826 * mad;
	double f = s->c->outbreak_factor * (med > 1 ? med : 1);
	if (f > t)
		t = f;
	if (med + s->c->outbreak_min > t)
		t = med + s->c->outbreak_min;
	x->thr = t;
	x->median = med;
}

static void push_hist(struct series *x, int g, uint32_t v)
{
	x->hist[x->pos] = v;
	x->pos = (uint16_t)((x->pos + 1) % ring_len[g]);
	if (x->nhist < ring_len[g])
		x->nhist++;
}

static void report(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_OUTBREAK;
	port_proto_str(p->port, p->proto, f.subject, sizeof f.subject);
	f.first_us = x->onset_us;
	f.last_us = (x->bucket + 1) * bucket_us[g] - 1;
	snprintf(f.shape, sizeof f.shape, "%s", gran_name[g]);
	f.proto = p->proto;
	f.port_lo = f.port_hi = p->port;
	f.nports = p->port >= 0;
	if (p->port >= 0)
		snprintf(f.ports, sizeof f.ports, "%d", p->port);
	f.value = round(x->peak);
	f.baseline = x->onset_baseline;
	f.factor = x->peak / (x->onset_baseline > 1 ? x->onset_baseline : 1);
	f.packets = (uint64_t)x->peak_events;
	f.second_wave = x->waves > 1 && x->onset_baseline >= 2 * x->first_baseline + 1;
	f.danger = f.factor >= 30 ? 5 : f.factor >= 10 ? 4 : 3;
	time_t t = (time_t)(x->onset_us / 1000000);
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
		if (g == DAILY && p->last_hourly_onset_us &&
		    p->last_hourly_onset_us >= start - bucket_us[DAILY])
			return; /* the hourly series already reported this one */
		x->active = 1;
		x->onset_us = start;
		x->onset_baseline = x->median;
		x->peak = v;
		x->peak_events = x->events;
		x->waves++;
		if (x->waves == 1)
			x->first_baseline = x->median;
		if (g == HOURLY)
			p->last_hourly_onset_us = start;
		report(s, p, g);
	}
}

/* Close the open bucket (its final value goes into the history). */
static void close_bucket(struct outbreak_det *s, struct port_state *p, int g)
{
	struct series *x = &p->s[g];
	double v = estimate(x, g);
	if (x->active) {
		if (x->raised || v >= x->thr) {
			if (v > x->peak) {
				x->peak = v;
				x->peak_events = x->events;
			}
			report(s, p, g); /* extend it */
		} else {
			x->active = 0;
		}
	}
	push_hist(x, g, (uint32_t)(v + 0.5));
}

static void advance(struct outbreak_det *s, struct port_state *p, int g, int64_t ts)
{
	struct series *x = &p->s[g];
	int64_t b = ts >= 0 ? ts / bucket_us[g] : -((-ts + bucket_us[g] - 1) / bucket_us[g]);
	if (!x->started) {
		x->started = 1;
		x->bucket = b;
		/* The port was quiet since the stream began: that is history too,
		 * so a port never seen before that suddenly fills (Bobax on 5000
		 * in May 2004) is measured against zero, not ignored. */
		int64_t s0 = s->start_us >= 0 ? s->start_us / bucket_us[g]
					       : -((-s->start_us + bucket_us[g] - 1) / bucket_us[g]);
		for (int64_t i = s0; i < b && i - s0 < ring_len[g]; i++)
			push_hist(x, g, 0);
		set_threshold(s, x, g);
		return;
	}
	if (b <= x->bucket)
		return; /* the same bucket, or a little late: counted in the open one */
	close_bucket(s, p, g);
	/* Quiet buckets in between count as zero (and end an outbreak). */
	int64_t gap = b - x->bucket - 1;
	if (gap > 0 && x->active)
		x->active = 0;
	for (int64_t i = 0; i < gap && i < ring_len[g]; i++)
		push_hist(x, g, 0);
	x->bucket = b;
	x->events = 0;
	x->ones = 0;
	x->raised = 0;
	memset(x->bits, 0, (size_t)nbits[g] / 8);
	set_threshold(s, x, g);
}

static struct port_state *port_get(struct outbreak_det *s, int port, int proto)
{
	if ((s->n + 1) * 2 > s->cap) {
		if (s->cap >= s->c->max_ports * 2)
			goto find_only;
		size_t cap = s->cap * 2;
		struct port_state *nv = calloc(cap, sizeof *nv);
		if (!nv)
			goto find_only;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->v[i].used)
				continue;
			size_t j = hash_bytes(&s->v[i].port, 2 * sizeof(int), 0) & (cap - 1);
			while (nv[j].used)
				j = (j + 1) & (cap - 1);
			nv[j] = s->v[i];
		}
		free(s->v);
		s->v = nv;
		s->cap = cap;
	}
find_only:;
	int key[2] = { port, proto };
	size_t j = hash_bytes(key, sizeof key, 0) & (s->cap - 1);
	while (s->v[j].used) {
		if (s->v[j].port == port && s->v[j].proto == proto)
			return &s->v[j];
		j = (j + 1) & (s->cap - 1);
	}
	if ((s->n + 1) * 2 > s->cap)
		return NULL;
	struct port_state *p = &s->v[j];
	memset(p, 0, sizeof *p);
	p->used = 1;
	p->port = port;
	p->proto = proto;
	for (int g = 0; g < NGRAN; g++) {
		p->s[g].bits = calloc((size_t)nbits[g] / 64, sizeof(uint64_t));
		if (!p->s[g].bits) {
			free(p->s[0].bits);
			p->used = 0;
			return NULL;
		}
	}
	s->n++;
	return p;
}

void outbreak_feed(struct outbreak_det *s, const struct event *ev)
{
	if (!(ev->has & EV_HAS_PROTO))
		return;
	if (!s->have_start || ev->ts_us < s->start_us) {
		s->have_start = 1;
		s->start_us = ev->ts_us;
	}
	int port = (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
	struct port_state *p = port_get(s, port, ev->proto);
	if (!p) {
		s->dropped++;
		return;
	}
	uint32_t h = addr_hash32(&ev->src, 0x0b7eac);
	for (int g = 0; g < NGRAN; g++) {
		struct series *x = &p->s[g];
		advance(s, p, g, ev->ts_us);
		x->events++;
		uint32_t bit = h % (uint32_t)nbits[g];
		if (x->bits[bit >> 6] >> (bit & 63) & 1)
			continue;
		x->bits[bit >> 6] |= 1ull << (bit & 63);
		x->ones++;
		if (!x->raised && x->thr < INFINITY) {
			double v = estimate(x, g);
			if (v >= x->thr)
				raise_bucket(s, p, g, v);
		}
	}
}

void outbreak_finish(struct outbreak_det *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		struct port_state *p = &s->v[i];
		if (!p->used)
			continue;
		for (int g = 0; g < NGRAN; g++)
			if (p->s[g].active) {
				struct series *x = &p->s[g];
				double v = estimate(x, g);
				if (v > x->peak) {
					x->peak = v;
					x->peak_events = x->events;
				}
				report(s, p, g);
			}
	}
}

size_t outbreak_memory(const struct outbreak_det *s)
{
	return sizeof *s + s->cap * sizeof(struct port_state) + s->n * (BITS_H + BITS_D) / 8;
}

void outbreak_free(struct outbreak_det *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].used)
			for (int g = 0; g < NGRAN; g++)
				free(s->v[i].s[g].bits);
	free(s->v);
	free(s);
}
