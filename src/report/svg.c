/* svg.c - drawing a chart_grid as SVG (see chart.h).
 *
 * Readable at 800 px: 12-16 px text, a colour-blind-safe palette (Okabe and
 * Ito) plus dash patterns past eight series, axis ticks on calendar
 * boundaries chosen by the span (hours to decades), bars when there are few
 * periods and lines when there are many, and at most one point per two pixel
 * columns (each the peak of the periods it covers, so outbreaks stay visible). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "xmlesc.h"

static const char *const palette[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#000000", "#B8A200" };
static const char *const dashes[] = { "", "7 4", "2 3", "9 3 2 3" };
enum { NPAL = 8, NDASH = 4 };

struct frame {
	double L, T, W, H; /* plot area */
	int64_t t0, t1;    /* time span, UTC seconds */
	double ymax;
};

static double x_of(const struct frame *fr, int64_t t)
{
	return fr->L + (double)(t - fr->t0) * fr->W / (double)(fr->t1 - fr->t0);
}

static double y_of(const struct frame *fr, double v)
{
	return fr->T + fr->H - v * fr->H / fr->ymax;
}

/* 1, 2 or 5 times a power of ten, at least raw. */
static double nice_step(double raw)
{
	double p = pow(10.0, floor(log10(raw)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void fmt_count(char *buf, size_t n, double v)
{
	if (v >= 1e6)
		snprintf(buf, n, "%gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, n, "%gk", v / 1e3);
	else
		snprintf(buf, n, "%g", v);
}

/* ---- time axis ---- */
enum unit { U_HOUR, U_DAY, U_WEEK, U_MONTH, U_YEAR };
static const struct tick_step {
	enum unit unit;
	int k;
	int64_t approx; /* seconds */
} steps[] = {
	{ U_HOUR, 1, 3600 },	     { U_HOUR, 2, 7200 },	  { U_HOUR, 3, 10800 },
	{ U_HOUR, 6, 21600 },	     { U_HOUR, 12, 43200 },	  { U_DAY, 1, 86400 },
	{ U_DAY, 2, 172800 },	     { U_WEEK, 1, 604800 },	  { U_WEEK, 2, 1209600 },
	{ U_MONTH, 1, 2629746 },     { U_MONTH, 2, 5259492 },	  { U_MONTH, 3, 7889238 },
	{ U_MONTH, 6, 15778476 },    { U_YEAR, 1, 31556952 },	  { U_YEAR, 2, 63113904 },
	{ U_YEAR, 5, 157784760 },    { U_YEAR, 10, 315569520 },	  { U_YEAR, 20, 631139040 },
	{ U_YEAR, 50, 1577847600 },  { U_YEAR, 100, 3155695200 },
};

/* First tick at or after t for the step. */
static int64_t tick_first(const struct tick_step *s, int64_t t)
{
	time_t tt;
	struct tm tm;
	switch (s->unit) {
	case U_HOUR:
	case U_DAY: {
		int64_t d = s->unit == U_HOUR ? 3600LL * s->k : 86400LL * s->k;
		int64_t q = t >= 0 ? (t + d - 1) / d : -((-t) / d);
		return q * d;
	}
	case U_WEEK: {
		int64_t day = (t + 86399) / 86400;
		while (((day + 3) % 7 + 7) % 7 != 0 || (s->k == 2 && ((day + 3) / 7) % 2))
			day++;
		return day * 86400;
	}
	case U_MONTH:
	case U_YEAR:
		tt = (time_t)t;
		gmtime_r(&tt, &tm);
		if (tm.tm_mday != 1 || tm.tm_hour || tm.tm_min || tm.tm_sec || s->unit == U_YEAR) {
			if (s->unit == U_YEAR && tm.tm_mon == 0 && tm.tm_mday == 1 && !tm.tm_hour &&
			    !tm.tm_min && !tm.tm_sec) {
				/* already on a year boundary */
			} else if (s->unit == U_YEAR) {
				tm.tm_year++;
			} else {
				tm.tm_mon++;
			}
		}
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		if (s->unit == U_YEAR) {
			tm.tm_mon = 0;
			while ((tm.tm_year + 1900) % s->k)
				tm.tm_year++;
		} else {
			tm.tm_mon += (s->k - tm.tm_mon % s->k) % s->k;
		}
		return (int64_t)timegm(&tm);
	}
	return t;
}

static int64_t tick_next(const struct tick_step *s, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	switch (s->unit) {
	case U_HOUR: return t + 3600LL * s->k;
	case U_DAY: return t + 86400LL * s->k;
	case U_WEEK: return t + 7 * 86400LL * s->k;
	case U_MONTH:
	case U_YEAR:
		gmtime_r(&tt, &tm);
		if (s->unit == U_MONTH)
			tm.tm_mon += s->k;
		else
			tm.tm_year += s->k;
		return (int64_t)timegm(&tm);
	}
	return t + 86400;
}

static void time_axis(FILE *f, const struct frame *fr)
{
	int max_ticks = (int)(fr->W / 95);
	if (max_ticks < 2)
		max_ticks = 2;
	const struct tick_step *s = &steps[sizeof steps / sizeof steps[0] - 1];
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if ((fr->t1 - fr->t0) / steps[i].approx <= max_ticks) {
			s = &steps[i];
			break;
		}
	double base = fr->T + fr->H;
	fprintf(f, "<g class=\"x-axis\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\">\n");
	int prev_day = -1, prev_year = -1000000;
	int n = 0;
	for (int64_t t = tick_first(s, fr->t0); t <= fr->t1 && n < 64; t = tick_next(s, t), n++) {
		double x = x_of(fr, t);
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		char l1[32] = "", l2[32] = "";
		switch (s->unit) {
		case U_HOUR:
			strftime(l1, sizeof l1, "%H:00", &tm);
			if (tm.tm_yday != prev_day)
				strftime(l2, sizeof l2, "%d %b %Y", &tm);
			break;
		case U_DAY:
		case U_WEEK:
			strftime(l1, sizeof l1, "%d %b", &tm);
			if (tm.tm_year != prev_year)
				strftime(l2, sizeof l2, "%Y", &tm);
			break;
		case U_MONTH:
			strftime(l1, sizeof l1, "%b", &tm);
			if (tm.tm_year != prev_year)
				strftime(l2, sizeof l2, "%Y", &tm);
			break;
		case U_YEAR: strftime(l1, sizeof l1, "%Y", &tm); break;
		}
		prev_day = tm.tm_yday;
		prev_year = tm.tm_year;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			x, base, x, base + 5);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
			x, fr->T, x, base);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, base + 18, l1);
		if (*l2)
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">%s</text>\n", x, base + 32,
				l2);
	}
	fprintf(f, "</g>\n");
}

static void value_axis(FILE *f, const struct frame *fr, double step)
{
	fprintf(f, "<g class=\"y-axis\" font-size=\"12\" fill=\"#333\" text-anchor=\"end\">\n");
	for (double v = 0; v <= fr->ymax + step / 2; v += step) {
		double y = y_of(fr, v);
		char lab[32];
		fmt_count(lab, sizeof lab, v);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			fr->L, y, fr->L + fr->W, y, v == 0 ? "#333" : "#ddd");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", fr->L - 6, y + 4, lab);
	}
	fprintf(f, "</g>\n");
}

static void series_style(FILE *f, int i)
{
	fprintf(f, " stroke=\"%s\"", palette[i % NPAL]);
	if (*dashes[(i / NPAL) % NDASH])
		fprintf(f, " stroke-dasharray=\"%s\"", dashes[(i / NPAL) % NDASH]);
}

static void draw_bars(FILE *f, const struct chart *c, const struct frame *fr)
{
	const struct chart_grid *g = c->grid;
	for (int s = 0; s < g->nseries; s++) {
		fprintf(f, "<g class=\"series\" data-label=\"");
		esc_xml_str(f, c->labels[s]);
		fprintf(f, "\" fill=\"%s\"><title>", palette[s % NPAL]);
		esc_xml_str(f, c->labels[s]);
		fprintf(f, "</title>\n");
		for (int p = 0; p < g->nperiods; p++) {
			int64_t v = g->cells[(size_t)p * (size_t)g->nseries + (size_t)s];
			if (!v)
				continue;
			double x0 = x_of(fr, g->starts[p]);
			double x1 = x_of(fr, chart_period_next(g->by, g->starts[p]));
			/* A few periods would make slabs: at most 40 px per bar. */
			double gw = (x1 - x0) * 0.8, bw = gw / g->nseries;
			if (bw > 40) {
				bw = 40;
				gw = bw * g->nseries;
			}
			double x = x0 + (x1 - x0 - gw) / 2 + bw * s, y = y_of(fr, (double)v);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
				   "<title>%lld</title></rect>\n",
				x, y, bw > 1 ? bw - (g->nseries > 1 ? 0.5 : 0) : bw, fr->T + fr->H - y,
				(long long)v);
		}
		fprintf(f, "</g>\n");
	}
}

/* Lines, thinned to buckets of per periods each (the bucket's peak). */
static void draw_lines(FILE *f, const struct chart *c, const struct frame *fr, int per)
{
	const struct chart_grid *g = c->grid;
	for (int s = 0; s < g->nseries; s++) {
		fprintf(f, "<g class=\"series\" data-label=\"");
		esc_xml_str(f, c->labels[s]);
		fprintf(f, "\"><title>");
		esc_xml_str(f, c->labels[s]);
		fprintf(f, "</title>\n<polyline fill=\"none\" stroke-width=\"1.8\""
			   " stroke-linejoin=\"round\"");
		series_style(f, s);
		fprintf(f, " points=\"");
		for (int p = 0; p < g->nperiods; p += per) {
			int64_t peak = 0;
			int end = p + per < g->nperiods ? p + per : g->nperiods;
			for (int q = p; q < end; q++) {
				int64_t v = g->cells[(size_t)q * (size_t)g->nseries + (size_t)s];
				peak = v > peak ? v : peak;
			}
			int64_t mid0 = g->starts[p];
			int64_t mid1 = chart_period_next(g->by, g->starts[end - 1]);
			fprintf(f, "%.1f,%.1f ", x_of(fr, mid0 + (mid1 - mid0) / 2),
				y_of(fr, (double)peak));
		}
		fprintf(f, "\"/>\n</g>\n");
	}
}

static void draw_markers(FILE *f, const struct chart *c, const struct frame *fr)
{
	if (!c->nmarkers)
		return;
	fprintf(f, "<g class=\"markers\" font-size=\"12\" fill=\"#222\">\n");
	for (int i = 0; i < c->nmarkers; i++) {
		const struct chart_marker *m = &c->markers[i];
		if (m->t < fr->t0 || m->t > fr->t1)
			continue;
		double x = x_of(fr, m->t), y = fr->T + 14 + (i % 3) * 15;
		fprintf(f, "<g class=\"marker\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
			   " stroke=\"#222\" stroke-dasharray=\"4 3\"/>\n",
			x, fr->T, x, fr->T + fr->H);
		fprintf(f, "<path d=\"M%.1f %.1f l-5 -8 h10 z\"/>\n", x, fr->T);
		int right = x < fr->L + fr->W * 0.75;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" stroke=\"#fff\""
			   " stroke-width=\"3\" paint-order=\"stroke\">",
			right ? x + 4 : x - 4, y, right ? "start" : "end");
		esc_xml(f, m->label, strnlen(m->label, sizeof m->label));
		fprintf(f, "</text></g>\n");
	}
	fprintf(f, "</g>\n");
}

/* Legend rows below the title; returns the height used. */
static double legend(FILE *f, const struct chart *c, double x0, double y0, double width,
		     int lines)
{
	double x = x0, y = y0;
	fprintf(f, "<g class=\"legend\" font-size=\"13\" fill=\"#222\">\n");
	for (int s = 0; s < c->grid->nseries; s++) {
		double w = 34 + 7.5 * (double)strlen(c->labels[s]) + 18;
		if (x > x0 && x + w > x0 + width) {
			x = x0;
			y += 20;
		}
		if (lines) {
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
				   " stroke-width=\"3\"", x, y - 4, x + 26, y - 4);
			series_style(f, s);
			fprintf(f, "/>\n");
		} else {
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
				x + 6, y - 12, palette[s % NPAL]);
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x + 32, y);
		esc_xml_str(f, c->labels[s]);
		fprintf(f, "</text>\n");
		x += w;
	}
	fprintf(f, "</g>\n");
	return y - y0 + 20;
}

static int render(FILE *f, const struct chart *c, int standalone)
{
	static int serial; /* unique ids when several charts share a page */
	const struct chart_grid *g = c->grid;
	int W = c->width ? c->width : 800, H = c->height ? c->height : 400;
	struct frame fr = { .L = 64, .W = W - 64 - 24 };
	fr.t0 = g->nperiods ? g->starts[0] : 0;
	fr.t1 = g->nperiods ? chart_period_next(g->by, g->starts[g->nperiods - 1]) : 3600;
	int64_t vmax = 0;
	for (size_t i = 0; i < (size_t)g->nperiods * (size_t)g->nseries; i++)
		vmax = g->cells[i] > vmax ? g->cells[i] : vmax;
	double step = nice_step(vmax > 0 ? (double)vmax / 5.0 : 0.2);
	if (step < 1)
		step = 1;
	fr.ymax = ceil((double)(vmax > 0 ? vmax : 1) / step) * step;

	/* Bars while each bar keeps at least 3 px; else lines, one point per 2 px. */
	int bars = g->nperiods > 0 && g->nperiods <= 90 &&
		   fr.W / (g->nperiods * (g->nseries ? g->nseries : 1)) >= 3;
	int per = 1;
	while (g->nperiods / per > (int)(fr.W / 2))
		per++;
	serial++;
	if (standalone)
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	/* Inline in HTML the namespace is implied; leaving it out keeps the page
	 * free of anything that looks like an address. */
	fprintf(f, "<svg%s width=\"%d\" height=\"%d\""
		   " viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart-title-%d\""
		   " font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
		standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", W, H, W, H, serial);
	fprintf(f, "<title id=\"chart-title-%d\">", serial);
	esc_xml_str(f, c->title);
	fprintf(f, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"#111\">",
		fr.L);
	esc_xml_str(f, c->title);
	fprintf(f, "</text>\n");
	double top = 48;
	if (per > 1) {
		/* Say what a point is when one stands for several periods. */
		static const char *const unit[] = { "hours", "days", "weeks", "months" };
		fprintf(f, "<text x=\"%.1f\" y=\"43\" font-size=\"12\" fill=\"#555\">"
			   "Each point is the busiest of %d %s.</text>\n",
			fr.L, per, unit[g->by]);
		top += 18;
	}
	double lh = legend(f, c, fr.L, top, fr.W, !bars);
	fr.T = top + lh;
	fr.H = H - fr.T - 44;
	value_axis(f, &fr, step);
	time_axis(f, &fr);
	if (vmax == 0)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" fill=\"#555\""
			   " text-anchor=\"middle\">No events in this period</text>\n",
			fr.L + fr.W / 2, fr.T + fr.H / 2);
	if (bars)
		draw_bars(f, c, &fr);
	else
		draw_lines(f, c, &fr, per);
	draw_markers(f, c, &fr);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -1 : 0;
}

int chart_svg(FILE *f, const struct chart *c)
{
	return render(f, c, 1);
}

int chart_svg_inline(FILE *f, const struct chart *c)
{
	return render(f, c, 0);
}
