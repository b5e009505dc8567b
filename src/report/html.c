/* html.c - see html.h. */
#include "html.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kb/kb.h"
#include "../util/timearg.h"
#include "chart.h"
#include "xmlesc.h"

enum { TOP_CHART_PORTS = 5, RECENT_EVENTS = 20, MAX_ROWS = 1000 };

static const char css[] =
	"body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#111;background:#fff;"
	"max-width:860px;margin:1.5em auto;padding:0 1em;line-height:1.4}"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
	"border-bottom:1px solid #ccc;padding-bottom:.2em}"
	"table{border-collapse:collapse;width:100%;font-size:.9em}"
	"th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #e4e4e4;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	".muted{color:#555}.kb{font-size:.85em;color:#333}"
	"figure{margin:1em 0}svg{max-width:100%;height:auto}"
	"code{font-family:'DejaVu Sans Mono',monospace;font-size:.9em;word-break:break-all}"
	"td.port code{white-space:nowrap;word-break:normal}";

static void h(FILE *f, const char *s)
{
	esc_xml_str(f, s);
}

static void hn(FILE *f, const char *s, size_t n)
{
	esc_xml(f, s, n);
}

static void port_text(const struct rank_row *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s", r->key);
}

/* First sentence of a knowledge-base paragraph (ours, but escaped anyway). */
static void first_sentence(FILE *f, const char *s)
{
	const char *dot = strstr(s, ". ");
	hn(f, s, dot ? (size_t)(dot - s + 1) : strlen(s));
}

static int summary(FILE *f, struct store *st, int64_t from, int64_t to, const struct html_opts *o)
{
	static const struct {
		const char *name;
		enum store_rank rank;
	} rows[] = { { "Direction", RANK_DIRECTION }, { "Action", RANK_ACTION },
		     { "Protocol", RANK_PROTO } };
	struct rank_row r[16];
	int64_t total = 0;
	fprintf(f, "<h2 id=\"summary\">Summary</h2>\n<table>\n");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int n = 0;
		if (store_rank(st, rows[i].rank, from, to, o->direction, 16, r, &n))
			return -1;
		if (i == 0)
			for (int k = 0; k < n; k++)
				total += r[k].count;
		fprintf(f, "<tr><th>%s</th><td>", rows[i].name);
		for (int k = 0; k < n; k++) {
			fprintf(f, "%s", k ? ", " : "");
			h(f, r[k].key);
			fprintf(f, " %lld", (long long)r[k].count);
		}
		fprintf(f, "%s</td></tr>\n", n ? "" : "none");
	}
	fprintf(f, "<tr><th>Events</th><td>%lld</td></tr>\n</table>\n", (long long)total);
	return 0;
}

static int top_ports(FILE *f, struct store *st, int64_t from, int64_t to,
		     const struct html_opts *o, struct rank_row *r, int *n)
{
	if (store_rank(st, RANK_PORT, from, to, o->direction, o->limit, r, n))
		return -1;
	const struct kb *kb = kb_default();
	fprintf(f, "<h2 id=\"ports\">Top destination ports</h2>\n");
	if (!*n) {
		fprintf(f, "<p class=\"muted\">No events with a port in this period.</p>\n");
		return 0;
	}
	fprintf(f, "<table><tr><th>Port</th><th class=\"n\">Events</th><th class=\"n\">Sources</th>"
		   "<th>What it is, and what inbound traffic means</th></tr>\n");
	for (int i = 0; i < *n; i++) {
		char lab[64];
		port_text(&r[i], lab, sizeof lab);
		fprintf(f, "<tr><td class=\"port\"><code>");
		h(f, lab);
		fprintf(f, "</code></td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>",
			(long long)r[i].count, (long long)r[i].extra);
		const struct kb_entry *e = kb ? kb_entry_for(kb, r[i].port, r[i].proto) : NULL;
		const char *svc = kb ? kb_service(kb, r[i].port, r[i].proto) : "";
		if (e) {
			fprintf(f, "<b>");
			h(f, e->title);
			fprintf(f, "</b><div class=\"kb\">");
			first_sentence(f, e->use);
			fprintf(f, " <i>Inbound:</i> ");
			first_sentence(f, e->inbound);
			fprintf(f, "</div>");
		} else if (*svc) {
			h(f, svc);
			const char *note = kb_service_note(kb, r[i].port, r[i].proto);
			if (*note) {
				fprintf(f, " <span class=\"muted\">(");
				h(f, note);
				fprintf(f, ")</span>");
			}
		} else {
			fprintf(f, "<span class=\"muted\">unregistered</span>");
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n<p class=\"muted\">More on any port: <code>portlog port N</code>.</p>\n");
	return 0;
}

static int top_sources(FILE *f, struct store *st, int64_t from, int64_t to,
		       const struct html_opts *o)
{
	struct rank_row *r = calloc((size_t)o->limit, sizeof *r);
	int n = 0;
	if (!r || store_rank(st, RANK_SOURCE, from, to, o->direction, o->limit, r, &n)) {
		free(r);
		return -1;
	}
	fprintf(f, "<h2 id=\"sources\">Top sources</h2>\n");
	if (!n)
		fprintf(f, "<p class=\"muted\">None.</p>\n");
	else
		fprintf(f, "<table><tr><th>Address</th><th class=\"n\">Events</th>"
			   "<th class=\"n\">Ports</th></tr>\n");
	for (int i = 0; i < n; i++) {
		fprintf(f, "<tr><td><code>");
		h(f, r[i].key);
		fprintf(f, "</code></td><td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr>\n",
			(long long)r[i].count, (long long)r[i].extra);
	}
	if (n)
		fprintf(f, "</table>\n");
	free(r);
	return 0;
}

struct recent {
	FILE *f;
	int n;
};

static void text_cell(FILE *f, struct ev_str s)
{
	fprintf(f, "<td><code>");
	if (s.n)
		hn(f, s.p, s.n);
	fprintf(f, "</code></td>");
}

static int recent_row(void *arg, const struct event *ev, const char *format_name)
{
	(void)format_name;
	struct recent *rc = arg;
	FILE *f = rc->f;
	char t[40], src[EV_ADDR_STRLEN], dst[EV_ADDR_STRLEN];
	fprintf(f, "<tr><td>%s</td><td>", fmt_utc(ev->ts_us, t, 0));
	h(f, ev_action_name(ev->action));
	fprintf(f, "</td><td><code>");
	h(f, ev_addr_str(&ev->src, src, sizeof src));
	fprintf(f, "</code></td><td><code>");
	h(f, ev_addr_str(&ev->dst, dst, sizeof dst));
	fprintf(f, "</code></td><td class=\"n\">");
	if (ev->has & EV_HAS_DPORT)
		fprintf(f, "%u", ev->dport);
	fprintf(f, "</td>");
	text_cell(f, ev->rule);
	text_cell(f, ev->device);
	fprintf(f, "</tr>\n");
	rc->n++;
	return 0;
}

static int recent_events(FILE *f, struct store *st, int64_t from, int64_t to,
			 const struct html_opts *o)
{
	struct event_filter flt = { .since_us = from, .until_us = to, .port = -1,
				    .direction = o->direction, .limit = RECENT_EVENTS };
	fprintf(f, "<h2 id=\"recent\">Latest events</h2>\n<table><tr><th>Time (UTC)</th>"
		   "<th>Action</th><th>Source</th><th>Destination</th><th class=\"n\">Port</th>"
		   "<th>Rule or log prefix</th><th>Device</th></tr>\n");
	struct recent rc = { f, 0 };
	if (store_events(st, &flt, recent_row, &rc))
		return -1;
	fprintf(f, "</table>\n");
	return 0;
}

struct finding_rows {
	FILE *f;
	int n;
};

static const char finding_head[] = "<table><tr><th>First (UTC)</th><th>Last</th><th>Subject</th>"
				   "<th class=\"n\">Danger</th><th>What</th></tr>\n";

static int finding_row(void *arg, const struct finding *fd)
{
	struct finding_rows *r = arg;
	FILE *f = r->f;
	char a[40], b[40];
	if (!r->n)
		fputs(finding_head, f);
	fprintf(f, "<tr><td>%s</td><td>%s</td><td><code>", fmt_utc(fd->first_us, a, 0),
		fmt_utc(fd->last_us, b, 0));
	h(f, fd->subject);
	fprintf(f, "</code></td><td class=\"n\">%d</td><td>", fd->danger);
	if (fd->signature[0]) {
		fprintf(f, "<b>");
		h(f, fd->signature);
		fprintf(f, "</b> ");
	}
	h(f, fd->summary);
	fprintf(f, "</td></tr>\n");
	r->n++;
	return 0;
}

/* Scans, infected inside hosts and outbreaks: the findings of the detectors
 * (classify/detect.h) that overlap the period, most dangerous first. */
static int findings_sections(FILE *f, struct store *st, int64_t from, int64_t to,
			     const struct html_opts *o)
{
	static const struct {
		int kind;
		const char *id, *title, *none;
	} kinds[] = {
		{ FINDING_SCAN, "scans", "Scans", "No scans found in this period." },
		{ FINDING_INFECTED, "infected", "Infected inside hosts",
		  "No inside host behaved like a worm or a bot." },
		{ FINDING_OUTBREAK, "outbreaks", "Outbreaks", "No port saw its sources jump." },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		fprintf(f, "<h2 id=\"%s\">%s</h2>\n", kinds[i].id, kinds[i].title);
		struct finding_rows r = { f, 0 };
		struct finding_filter ff = { .kind = kinds[i].kind, .since_us = from, .until_us = to,
					     .limit = o->limit };
		if (store_findings(st, &ff, finding_row, &r))
			return -1;
		if (r.n)
			fprintf(f, "</table>\n");
		else
			fprintf(f, "<p class=\"muted\">%s</p>\n", kinds[i].none);
		if (r.n >= o->limit)
			fprintf(f, "<p class=\"muted\">The first %d; <code>portlog report %s</code>"
				   " lists all.</p>\n", r.n, kinds[i].id);
	}
	return 0;
}

/* A chart period that keeps the chart readable for the span. */
static enum store_period pick_by(int64_t span_s, int sources)
{
	if (span_s <= 3 * 86400 || (sources && span_s <= 92 * 86400))
		return PERIOD_HOUR;
	if (span_s <= 2 * 366 * 86400LL)
		return PERIOD_DAY;
	if (span_s <= 6 * 366 * 86400LL)
		return PERIOD_WEEK;
	return PERIOD_MONTH;
}

static int charts(FILE *f, struct store *st, int64_t from, int64_t to, const struct html_opts *o,
		  const struct rank_row *top, int ntop)
{
	struct port_sel sel[TOP_CHART_PORTS];
	char labels[TOP_CHART_PORTS][64];
	const char *lp[TOP_CHART_PORTS];
	int n = 0;
	for (int i = 0; i < ntop && n < TOP_CHART_PORTS; i++) {
		sel[n] = (struct port_sel){ top[i].port, top[i].proto };
		snprintf(labels[n], sizeof labels[n], "%s", top[i].key);
		lp[n] = labels[n];
		n++;
	}
	fprintf(f, "<h2 id=\"charts\">Charts</h2>\n");
	if (!n) {
		fprintf(f, "<p class=\"muted\">Nothing to draw.</p>\n");
		return 0;
	}
	int64_t span = (to - from) / 1000000;
	struct series_query q = { .since_us = from, .until_us = to, .direction = o->direction,
				  .by = pick_by(span, 0), .measure = MEASURE_EVENTS,
				  .ports = sel, .nports = n };
	fprintf(f, "<figure>\n");
	if (chart_report_svg(f, st, &q, lp, 1))
		return -1;
	fprintf(f, "<figcaption class=\"muted\">Events per %s on the %d busiest ports.</figcaption>"
		   "\n</figure>\n<figure>\n", chart_period_word(q.by), n);
	q.measure = MEASURE_SOURCES;
	q.by = pick_by(span, 1);
	q.nports = 1;
	if (chart_report_svg(f, st, &q, lp, 1))
		return -1;
	fprintf(f, "<figcaption class=\"muted\">Unique source addresses per %s on the busiest"
		   " port.</figcaption>\n</figure>\n", chart_period_word(q.by));
	return 0;
}

static int write_page(FILE *f, struct store *st, const struct html_opts *o)
{
	int64_t first = 0, last = 0;
	int have = store_time_range(st, &first, &last);
	if (have < 0)
		return -1;
	int64_t from = o->since_us != INT64_MIN ? o->since_us : have ? first : 0;
	int64_t to = o->until_us != INT64_MAX ? o->until_us : have ? last + 1 : 1;
	char a[40], b[40], now[40];
	fmt_utc(from, a, 0);
	fmt_utc(to, b, 0);
	fmt_utc((int64_t)time(NULL) * 1000000, now, 0);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
		   " style-src 'unsafe-inline'; img-src data:\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>portlog report, %s to %s UTC</title>\n<style>%s</style>\n</head>\n<body>\n",
		a, b, css);
	fprintf(f, "<h1>portlog report</h1>\n<p class=\"muted\">%s to %s UTC, direction %s."
		   " Made %s UTC.</p>\n",
		a, b, o->direction < 0 ? "any" : ev_direction_name(o->direction), now);
	if (!have)
		fprintf(f, "<p>No events stored yet. Import some: <code>portlog import"
			   " /var/log/kern.log</code></p>\n");
	struct rank_row *top = calloc((size_t)o->limit, sizeof *top);
	int ntop = 0;
	if (!top)
		return -1;
	int rc = summary(f, st, from, to, o);
	if (!rc)
		rc = top_ports(f, st, from, to, o, top, &ntop);
	if (!rc)
		rc = charts(f, st, from, to, o, top, ntop);
	if (!rc)
		rc = top_sources(f, st, from, to, o);
	if (!rc)
		rc = findings_sections(f, st, from, to, o);
	if (!rc)
		rc = recent_events(f, st, from, to, o);
	free(top);
	fprintf(f, "</body>\n</html>\n");
	return rc;
}

int report_html(struct store *st, const struct html_opts *o)
{
	int to_stdout = !strcmp(o->out, "-");
	char tmp[PATH_MAX];
	FILE *f = stdout;
	if (!to_stdout) {
		/* Written beside the target and renamed, so a reader never sees half a page. */
		if (snprintf(tmp, sizeof tmp, "%s.tmp", o->out) >= (int)sizeof tmp) {
			fprintf(stderr, "portlog report: --out path too long\n");
			return 1;
		}
		f = fopen(tmp, "w");
		if (!f) {
			fprintf(stderr, "portlog report: cannot write %s: %s\n", tmp, strerror(errno));
			return 1;
		}
	}
	int rc = write_page(f, st, o);
	if (to_stdout)
		return rc;
	if (fclose(f) && !rc) {
		fprintf(stderr, "portlog report: writing %s: %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (rc) {
		remove(tmp);
		return rc;
	}
	if (rename(tmp, o->out)) {
		fprintf(stderr, "portlog report: cannot rename %s to %s: %s\n", tmp, o->out,
			strerror(errno));
		remove(tmp);
		return 1;
	}
	fprintf(stderr, "portlog report: wrote %s\n", o->out);
	return 0;
}
