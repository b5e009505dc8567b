/* chart.h - time-series charts as SVG: events or unique sources per period,
 * one series per port, with finding markers.
 *
 * The grid (chart_data.c) is filled from store_series(); the renderer
 * (svg.c) draws it: bars for a few periods, lines for many, thinned to the
 * plot's pixel columns (keeping each column's peak) for years of hours. */
#ifndef PORTLOG_CHART_H
#define PORTLOG_CHART_H

#include <stdint.h>
#include <stdio.h>

#include "../store/store.h"

enum { CHART_MAX_SERIES = 64, CHART_MAX_MARKERS = 64 };

/* A labelled moment drawn as a vertical marker: an outbreak finding, say. */
struct chart_marker {
	int64_t t;      /* UTC seconds */
	char label[64]; /* from the findings; escaped when drawn */
};

struct chart_grid {
	enum store_period by;
	int64_t *starts; /* period starts, UTC seconds, nperiods of them */
	int64_t *cells;  /* [period * nseries + series] */
	int nperiods, nseries;
};

/* Fill g with q's answer over [q->since_us, q->until_us) (both required),
 * every period present (zeros included).  0, or -1 with the store's error
 * or a message in err. */
int chart_grid_fill(struct store *st, const struct series_query *q, struct chart_grid *g,
		    char *err, size_t errlen);
void chart_grid_free(struct chart_grid *g);

/* Start of the period holding t (UTC seconds), and of the one after. */
int64_t chart_period_floor(enum store_period by, int64_t t);
int64_t chart_period_next(enum store_period by, int64_t start);
/* "hour", "day", "week" or "month". */
const char *chart_period_word(enum store_period by);

struct chart {
	const struct chart_grid *grid;
	const char *title;         /* names the measure and the period */
	const char *const *labels; /* one per series */
	const struct chart_marker *markers;
	int nmarkers;
	int width, height; /* 0: 800 x 400 */
};

/* Write a standalone SVG document.  0, or -1 on a write error. */
int chart_svg(FILE *f, const struct chart *c);
/* Inline (no XML declaration) for embedding in HTML. */
int chart_svg_inline(FILE *f, const struct chart *c);

/* Outbreak findings (store_findings) on the chart's ports and period, as
 * markers, repeats within two days merged.  Returns how many (at most max). */
int chart_finding_markers(struct store *st, const struct series_query *q,
			  struct chart_marker *out, int max);

/* The whole `report ports|sources --format svg` answer: fill, title, markers,
 * draw.  labels name the ports.  0 on success, -1 with the store's error. */
int chart_report_svg(FILE *f, struct store *st, const struct series_query *q,
		     const char *const *labels, int inline_svg);

#endif
