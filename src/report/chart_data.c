/* chart_data.c - the dense grid a chart draws, filled from the store. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/timearg.h"
#include "chart.h"

/* A chart of more periods than this is not readable; the caller says so. */
enum { CHART_MAX_PERIODS = 2000000 };

int64_t chart_period_floor(enum store_period by, int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	switch (by) {
	case PERIOD_HOUR: return t >= 0 ? t / 3600 * 3600 : -((-t + 3599) / 3600) * 3600;
	case PERIOD_DAY: return day * 86400;
	case PERIOD_WEEK: return (day - ((day + 3) % 7 + 7) % 7) * 86400; /* Mondays */
	case PERIOD_MONTH: {
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		return (int64_t)timegm(&tm);
	}
	}
	return t;
}

int64_t chart_period_next(enum store_period by, int64_t start)
{
	switch (by) {
	case PERIOD_HOUR: return start + 3600;
	case PERIOD_DAY: return start + 86400;
	case PERIOD_WEEK: return start + 7 * 86400;
	case PERIOD_MONTH: {
		time_t tt = (time_t)start;
		struct tm tm;
		gmtime_r(&tt, &tm);
		tm.tm_mon++;
		return (int64_t)timegm(&tm);
	}
	}
	return start + 86400;
}

static void grid_cell(void *arg, int64_t period_start, int series, int64_t value)
{
	struct chart_grid *g = arg;
	int lo = 0, hi = g->nperiods - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (g->starts[mid] == period_start) {
			g->cells[(size_t)mid * (size_t)g->nseries + (size_t)series] += value;
			return;
		}
		if (g->starts[mid] < period_start)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
}

void chart_grid_free(struct chart_grid *g)
{
	free(g->starts);
	free(g->cells);
	memset(g, 0, sizeof *g);
}

int chart_grid_fill(struct store *st, const struct series_query *q, struct chart_grid *g,
		    char *err, size_t errlen)
{
	memset(g, 0, sizeof *g);
	g->by = q->by;
	g->nseries = q->nports;
	int64_t t0 = chart_period_floor(q->by, q->since_us / 1000000);
	int64_t t_end = (q->until_us - 1) / 1000000;
	size_t cap = 0;
	for (int64_t t = t0; t <= t_end; t = chart_period_next(q->by, t)) {
		if (g->nperiods >= CHART_MAX_PERIODS) {
			snprintf(err, errlen, "more than %d periods; use a coarser --by or a shorter "
					      "--since/--until", CHART_MAX_PERIODS);
			chart_grid_free(g);
			return -1;
		}
		if ((size_t)g->nperiods == cap) {
			cap = cap ? cap * 2 : 256;
			int64_t *p = realloc(g->starts, cap * sizeof *p);
			if (!p) {
				snprintf(err, errlen, "out of memory");
				chart_grid_free(g);
				return -1;
			}
			g->starts = p;
		}
		g->starts[g->nperiods++] = t;
	}
	g->cells = calloc((size_t)(g->nperiods ? g->nperiods : 1) *
				  (size_t)(g->nseries ? g->nseries : 1),
			  sizeof *g->cells);
	if (!g->cells) {
		snprintf(err, errlen, "out of memory");
		chart_grid_free(g);
		return -1;
	}
	if (store_series(st, q, grid_cell, g)) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		chart_grid_free(g);
		return -1;
	}
	return 0;
}

struct marker_ctx {
	const struct series_query *q;
	struct chart_marker *out;
	int n, max;
	int64_t last_t[CHART_MAX_SERIES]; /* per port: the last marker, to merge repeats */
};

static int marker_add(void *arg, const struct finding *f)
{
	struct marker_ctx *m = arg;
	if (m->n >= m->max)
		return 1;
	for (int i = 0; i < m->q->nports && i < CHART_MAX_SERIES; i++) {
		const struct port_sel *p = &m->q->ports[i];
		if (f->port_lo != p->port || (p->proto >= 0 && f->proto >= 0 && f->proto != p->proto))
			continue;
		int64_t t = f->first_us / 1000000;
		/* The hourly and daily detectors often report one outbreak twice. */
		if (m->last_t[i] && t - m->last_t[i] < 2 * 86400 && t >= m->last_t[i])
			return 0;
		m->last_t[i] = t;
		struct chart_marker *mk = &m->out[m->n++];
		mk->t = t;
		char day[16];
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(day, sizeof day, "%d %b", &tm);
		if (f->signature[0])
			snprintf(mk->label, sizeof mk->label, "%.30s %.16s, %.8s", f->signature,
				 f->subject, day);
		else
			snprintf(mk->label, sizeof mk->label, "outbreak %.30s, %.8s", f->subject, day);
		return 0;
	}
	return 0;
}

int chart_finding_markers(struct store *st, const struct series_query *q,
			  struct chart_marker *out, int max)
{
	/* Outbreak findings (issue 5's detectors) on the chart's ports, oldest
	 * first; a store without findings simply gives none. */
	struct marker_ctx m = { .q = q, .out = out, .max = max };
	if (store_outbreaks(st, q->since_us, q->until_us, marker_add, &m))
		return 0; /* markers are a garnish: the chart is drawn without them */
	return m.n;
}

const char *chart_period_word(enum store_period by)
{
	static const char *const w[] = { "hour", "day", "week", "month" };
	return w[by];
}

int chart_report_svg(FILE *f, struct store *st, const struct series_query *q,
		     const char *const *labels, int inline_svg)
{
	struct chart_grid g;
	char err[256];
	if (chart_grid_fill(st, q, &g, err, sizeof err)) {
		fprintf(stderr, "portlog report: %s\n", err);
		return -1;
	}
	struct chart_marker markers[CHART_MAX_MARKERS];
	int nm = chart_finding_markers(st, q, markers, CHART_MAX_MARKERS);
	/* The title names the periods drawn: first and last, whole periods. */
	char title[256], a[40], b[40];
	int64_t t0 = g.nperiods ? g.starts[0] : q->since_us / 1000000;
	int64_t tl = g.nperiods ? g.starts[g.nperiods - 1] : t0;
	int hourly = q->by == PERIOD_HOUR;
	fmt_utc(t0 * 1000000, a, 0);
	fmt_utc((hourly ? tl + 3599 : tl) * 1000000, b, 0);
	if (hourly)
		memcpy(b + 14, "59", 2); /* "2004-06-30 23:59", the end of the last hour */
	snprintf(title, sizeof title, "%s per %s, %.*s to %.*s UTC",
		 q->measure == MEASURE_SOURCES ? "Unique source addresses" : "Events",
		 chart_period_word(q->by), hourly ? 16 : q->by == PERIOD_MONTH ? 7 : 10, a,
		 hourly ? 16 : q->by == PERIOD_MONTH ? 7 : 10, b);
	struct chart c = { .grid = &g, .title = title, .labels = labels, .markers = markers,
			   .nmarkers = nm };
	int rc = inline_svg ? chart_svg_inline(f, &c) : chart_svg(f, &c);
	chart_grid_free(&g);
	return rc;
}
