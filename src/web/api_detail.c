/* api_detail.c - the API's detail answers: /ports/N (knowledge base page,
 * statistics, busiest sources, findings on it), /ports/N/chart.svg (the
 * server's own SVG chart, report/chart.h), /series, /sources/ADDR,
 * /findings, /captures and /captures/ID. */
#include <stdlib.h>
#include <string.h>

#include "../classify/netset.h"
#include "../kb/kb.h"
#include "../report/chart.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "api_priv.h"

enum { MAX_COMPARE = 8 };

/* ---- findings ---- */

struct findings_out {
	FILE *f;
	int n;
	int max;     /* stop after this many; 0 no limit */
};

static void finding_json(FILE *f, const struct finding *fd)
{
	char a[EV_ADDR_STRLEN];
	fputs("{\"kind\":", f);
	jstr(f, finding_kind_name(fd->kind));
	jfield(f, "subject", fd->subject);
	jfield(f, "src", fd->src.family ? ev_addr_str(&fd->src, a, sizeof a) : NULL);
	fputs(",\"first\":", f);
	jtime(f, fd->first_us);
	fputs(",\"last\":", f);
	jtime(f, fd->last_us);
	jfield(f, "shape", fd->shape);
	jfield(f, "probe", fd->probe);
	fprintf(f, ",\"proto\":%d,\"port_lo\":%d,\"port_hi\":%d,\"nports\":%u,\"nhosts\":%u,"
		   "\"packets\":%llu,\"danger\":%d",
		fd->proto, fd->port_lo, fd->port_hi, fd->nports, fd->nhosts,
		(unsigned long long)fd->packets, fd->danger);
	jfield(f, "ports", fd->ports);
	jfield(f, "hosts", fd->hosts);
	jfield(f, "signature", fd->signature);
	jfield(f, "refs", fd->refs);
	fprintf(f, ",\"value\":%.1f,\"baseline\":%.1f,\"factor\":%.2f,\"second_wave\":%s",
		fd->value, fd->baseline, fd->factor, fd->second_wave ? "true" : "false");
	jfield(f, "summary", fd->summary);
	fputc('}', f);
}

static int finding_row(void *arg, const struct finding *fd)
{
	struct findings_out *o = arg;
	if (o->max && o->n >= o->max)
		return 1;
	fputs(o->n++ ? ",\n" : "\n", o->f);
	finding_json(o->f, fd);
	return 0;
}

void api_findings_json(FILE *f, struct store *st, const struct finding_filter *q)
{
	struct findings_out o = { .f = f };
	fputc('[', f);
	store_findings(st, q, finding_row, &o);
	fputc(']', f);
}

static void api_findings(struct req *r, struct store *st)
{
	int64_t since, until;
	if (api_window(r, st, "30d", &since, &until))
		return api_error(r, 400, "bad range (24h, 7d, 30d, 1y)");
	struct finding_filter q = { .since_us = since, .until_us = until, .limit = 500 };
	const char *k = req_arg(r, "kind");
	if (k && strcmp(k, "any") && (q.kind = finding_kind_parse(k)) < 0)
		return api_error(r, 400, "bad kind (scans, infected, outbreaks)");
	fputs("{\"since\":", r->out);
	jtime(r->out, since);
	fputs(",\"until\":", r->out);
	jtime(r->out, until);
	fputs(",\"findings\":", r->out);
	api_findings_json(r->out, st, &q);
	fputs("}\n", r->out);
}

/* ---- ports ---- */

static int parse_ports(const char *s, int *v, int max)
{
	int n = 0;
	while (s && *s) {
		char *end;
		long p = strtol(s, &end, 10);
		if (end == s || p < 0 || p > 65535 || n == max || (*end && *end != ','))
			return -1;
		v[n++] = (int)p;
		s = *end ? end + 1 : end;
	}
	return n;
}

static enum store_period period_parse(const char *s, enum store_period dflt)
{
	if (!s)
		return dflt;
	return !strcmp(s, "hour") ? PERIOD_HOUR
	       : !strcmp(s, "week") ? PERIOD_WEEK
	       : !strcmp(s, "month") ? PERIOD_MONTH
				     : PERIOD_DAY;
}

/* The series question of ?ports=&measure=&by=&range=&direction= */
static const char *series_args(struct req *r, struct store *st, int first_port,
			       struct series_query *q, struct port_sel *sel, char labels[][48])
{
	int ports[MAX_COMPARE];
	int n = 0;
	if (first_port >= 0)
		ports[n++] = first_port;
	int m = parse_ports(req_arg(r, first_port >= 0 ? "compare" : "ports"), ports + n,
			    MAX_COMPARE - n);
	if (m < 0)
		return "bad port list (up to 8 ports, comma-separated)";
	n += m;
	if (!n)
		return "name at least one port";
	const char *meas = req_arg(r, "measure");
	*q = (struct series_query){ .direction = -1,
				    .measure = meas && !strcmp(meas, "sources") ? MEASURE_SOURCES
										: MEASURE_EVENTS,
				    .ports = sel,
				    .nports = n };
	q->by = period_parse(req_arg(r, "by"),
			     q->measure == MEASURE_SOURCES ? PERIOD_HOUR : PERIOD_DAY);
	const char *dir = req_arg(r, "direction");
	if (dir && strcmp(dir, "any") && (q->direction = ev_direction_parse(dir)) < 0)
		return "bad direction";
	if (api_window(r, st, q->by == PERIOD_HOUR ? "7d" : "30d", &q->since_us, &q->until_us))
		return "bad range";
	if (q->by == PERIOD_HOUR && q->until_us - q->since_us > 400LL * 86400 * 1000000)
		return "hourly charts span at most 400 days";
	const struct kb *kb = kb_default();
	for (int i = 0; i < n; i++) {
		sel[i] = (struct port_sel){ .port = ports[i], .proto = -1 };
		const char *name = kb ? kb_service(kb, ports[i], 6) : "";
		if (!*name && kb)
			name = kb_service(kb, ports[i], 17);
		snprintf(labels[i], 48, "%d%s%.30s", ports[i], *name ? " " : "", name);
	}
	return NULL;
}

static void port_chart(struct req *r, struct store *st, int port)
{
	struct series_query q;
	struct port_sel sel[MAX_COMPARE];
	char labels[MAX_COMPARE][48];
	const char *lp[MAX_COMPARE];
	const char *bad = series_args(r, st, port, &q, sel, labels);
	if (bad)
		return api_error(r, 400, bad);
	for (int i = 0; i < q.nports; i++)
		lp[i] = labels[i];
	r->type = "image/svg+xml";
	if (chart_report_svg(r->out, st, &q, lp, 0))
		api_error(r, 500, "cannot draw the chart");
}

static void api_series(struct req *r, struct store *st)
{
	struct series_query q;
	struct port_sel sel[MAX_COMPARE];
	char labels[MAX_COMPARE][48], err[256];
	const char *bad = series_args(r, st, -1, &q, sel, labels);
	if (bad)
		return api_error(r, 400, bad);
	struct chart_grid g;
	if (chart_grid_fill(st, &q, &g, err, sizeof err))
		return api_error(r, 500, err);
	FILE *f = r->out;
	fputs("{\"starts\":[", f);
	for (int i = 0; i < g.nperiods; i++)
		fprintf(f, "%s%lld", i ? "," : "", (long long)g.starts[i]);
	fputs("],\"series\":[", f);
	for (int s = 0; s < g.nseries; s++) {
		fprintf(f, "%s{\"label\":", s ? "," : "");
		jstr(f, labels[s]);
		fprintf(f, ",\"port\":%d,\"values\":[", sel[s].port);
		for (int i = 0; i < g.nperiods; i++)
			fprintf(f, "%s%lld", i ? "," : "", (long long)g.cells[i * g.nseries + s]);
		fputs("]}", f);
	}
	fputs("]}\n", f);
	chart_grid_free(&g);
}

static void api_port(struct req *r, struct store *st, int port)
{
	int64_t since, until;
	if (api_window(r, st, "30d", &since, &until))
		return api_error(r, 400, "bad range");
	const struct kb *kb = kb_default();
	FILE *f = r->out;
	fprintf(f, "{\"port\":%d,\"services\":{", port);
	const int protos[] = { 6, 17 };
	for (int i = 0; i < 2; i++) {
		fprintf(f, "%s\"%s\":{\"name\":", i ? "," : "", ev_proto_name(protos[i]));
		jstr(f, kb ? kb_service(kb, port, protos[i]) : "");
		jfield(f, "note", kb ? kb_service_note(kb, port, protos[i]) : "");
		fprintf(f, ",\"open_freq\":%.6f}", kb ? kb_open_freq(kb, port, protos[i]) : -1.0);
	}
	const struct kb_entry *e = kb ? kb_entry_for(kb, port, -1) : NULL;
	fputs("},\"page\":", f);
	if (e) {
		fputs("{\"ports\":", f);
		jstr(f, e->ports);
		jfield(f, "title", e->title);
		jfield(f, "use", e->use);
		jfield(f, "inbound", e->inbound);
		jfield(f, "outbound", e->outbound);
		jfield(f, "refs", e->refs);
		fputc('}', f);
	} else
		fputs("null", f);
	struct port_stats ps;
	fputs(",\"since\":", f);
	jtime(f, since);
	fputs(",\"until\":", f);
	jtime(f, until);
	/* figures and busiest sources in one pass over the port's roll-up */
	struct rank_row rows[10];
	int n = 0;
	if (store_port_overview(st, port, -1, since, until, &ps, 10, rows, &n,
				PORT_SOURCE_HOURS) == 0) {
		fputs(",\"first_seen\":", f);
		jtime(f, ps.first_us);
		fputs(",\"last_seen\":", f);
		jtime(f, ps.last_us);
		fprintf(f, ",\"events\":%lld,\"sources\":%lld", (long long)ps.events,
			(long long)ps.sources);
	} else
		n = 0;
	fputs(",\"top_sources\":", f);
	api_sources_json(f, rows, n, "hours");
	/* through the port indexes: its outbreaks, then the newest findings
	 * about it alone, not a sort of the whole period's findings */
	fputs(",\"findings\":[", f);
	struct findings_out o = { .f = f, .max = 50 };
	store_port_findings_alone(st, port, -1, since, until, 50, finding_row, &o);
	fputs("]}\n", f);
}

/* ---- sources ---- */

struct trust_find {
	const struct ev_addr *a;
	char cidr[64], note[256];
};

static int trust_match(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	(void)added_s;
	struct trust_find *t = arg;
	struct cidr c;
	if (t->cidr[0] || cidr_parse(&c, cidr) || !cidr_contains(&c, t->a))
		return 0;
	snprintf(t->cidr, sizeof t->cidr, "%s", cidr);
	snprintf(t->note, sizeof t->note, "%s", note ? note : "");
	return 0;
}

struct danger_out {
	struct findings_out fo;
	int danger;
};

static int finding_danger(void *arg, const struct finding *fd)
{
	struct danger_out *d = arg;
	if (fd->danger > d->danger)
		d->danger = fd->danger;
	return finding_row(&d->fo, fd);
}

static void capture_json(FILE *f, const struct capture *c, int with_data);

static int capture_row(void *arg, const struct capture *c)
{
	struct findings_out *o = arg;
	fputs(o->n++ ? ",\n" : "\n", o->f);
	capture_json(o->f, c, 0);
	return 0;
}

struct ev_rows {
	FILE *f;
	int n;
};

static int ev_row(void *arg, const struct event *ev, const char *format_name)
{
	struct ev_rows *o = arg;
	fputs(o->n++ ? ",\n" : "\n", o->f);
	api_event_json(o->f, ev, format_name);
	return 0;
}

static void api_source(struct req *r, struct store *st, const char *text)
{
	struct ev_addr a;
	char canon[EV_ADDR_STRLEN];
	if (strlen(text) >= EV_ADDR_STRLEN || ev_addr_parse(&a, text, strlen(text)))
		return api_error(r, 400, "not an IPv4 or IPv6 address");
	ev_addr_str(&a, canon, sizeof canon);
	FILE *f = r->out;
	/* Read from the database alone: kept while nothing is written, so a
	 * page asked again costs a lookup (an outside address's events are
	 * found by reading the hours that may hold it: milliseconds each). */
	char key[64];
	snprintf(key, sizeof key, "source %s", canon);
	int64_t version = store_answer_version(st);
	size_t kept_len;
	const char *kept = store_answer_get(st, key, version, &kept_len);
	if (kept) {
		fwrite(kept, 1, kept_len, f);
		return;
	}
	fflush(f);
	size_t from = r->len;
	struct trust_find t = { .a = &a };
	int failed = store_trust_list(st, trust_match, &t) != 0;
	fprintf(f, "{\"addr\":\"%s\",\"trusted\":%s,\"trusted_by\":", canon,
		t.cidr[0] ? "true" : "false");
	jstr(f, t.cidr[0] ? t.cidr : NULL);
	jfield(f, "trust_note", t.cidr[0] ? t.note : NULL);
	struct addr_info info;
	struct rank_row rows[20];
	int n = 0;
	int known = store_addr_profile(st, &a, &info, 20, rows, &n) == 0;
	failed |= !known;
	if (known) {
		fputs(",\"first_seen\":", f);
		jtime(f, info.first_us);
		fputs(",\"last_seen\":", f);
		jtime(f, info.last_us);
		fprintf(f, ",\"as_src\":%llu,\"as_dst\":%llu,\"trusted_events\":%llu,"
			   "\"blocked\":%llu,\"allowed\":%llu",
			(unsigned long long)info.as_src, (unsigned long long)info.as_dst,
			(unsigned long long)info.trusted_events, (unsigned long long)info.blocked,
			(unsigned long long)info.allowed);
	}
	fputs(",\"ports\":", f);
	api_ports_json(f, rows, known ? n : 0);
	fputs(",\"findings\":[", f);
	struct danger_out d = { .fo = { .f = f } };
	struct finding_filter fq = { .since_us = INT64_MIN, .until_us = INT64_MAX, .have_src = 1,
				     .src = a, .limit = 200 };
	failed |= store_findings(st, &fq, finding_danger, &d) != 0;
	fprintf(f, "],\"danger\":%d,\"captures\":[", d.danger);
	struct capture_filter cq = { .since_us = INT64_MIN, .port = -1, .have_src = 1,
				     .src_family = a.family, .src_bits = a.family == 4 ? 32 : 128,
				     .limit = 50 };
	memcpy(cq.src_net, a.bytes, 16);
	struct findings_out co = { .f = f };
	failed |= store_captures(st, &cq, capture_row, &co) != 0;
	fputs("],\"events\":[", f);
	struct event_filter ef = { .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				   .direction = -1, .limit = 50, .have_src = 1,
				   .src_family = a.family, .src_bits = a.family == 4 ? 32 : 128 };
	memcpy(ef.src_net, a.bytes, 16);
	struct ev_rows er = { .f = f };
	failed |= store_events(st, &ef, ev_row, &er) != 0;
	fputs("]}\n", f);
	fflush(f);
	if (!failed && r->status == 200 && r->len >= from)
		store_answer_put(st, key, version, r->buf + from, r->len - from);
}

/* ---- captures ---- */

static void capture_json(FILE *f, const struct capture *c, int with_data)
{
	char a[EV_ADDR_STRLEN], b[EV_ADDR_STRLEN];
	fprintf(f, "{\"id\":%lld,\"time\":", (long long)c->id);
	jtime(f, c->ts_us);
	fprintf(f, ",\"duration_us\":%lld,\"proto\":\"%s\",\"src\":\"%s\",\"sport\":%d,"
		   "\"dst\":",
		(long long)c->duration_us, c->proto == 17 ? "udp" : "tcp",
		ev_addr_str(&c->src, a, sizeof a), c->sport);
	jstr(f, c->dst.family ? ev_addr_str(&c->dst, b, sizeof b) : NULL);
	fprintf(f, ",\"dport\":%d,\"bytes_in\":%llu,\"bytes_out\":%llu,\"kept\":%zu", c->dport,
		(unsigned long long)c->bytes_in, (unsigned long long)c->bytes_out, c->len);
	jfield(f, "end_reason", c->end_reason);
	jfield(f, "kind", c->kind);
	jfield(f, "patterns", c->patterns);
	/* fields: "key\tvalue" lines -> [[key, value], ...] */
	fputs(",\"fields\":[", f);
	const char *p = c->fields ? c->fields : "";
	for (int n = 0; *p; n++) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		fputs(n ? ",[" : "[", f);
		esc_json(f, p, (size_t)((tab ? tab : end) - p));
		fputc(',', f);
		if (tab)
			esc_json(f, tab + 1, (size_t)(end - tab - 1));
		else
			fputs("\"\"", f);
		fputc(']', f);
		p = nl ? nl + 1 : end;
	}
	fputc(']', f);
	if (with_data) {
		fputs(",\"data_hex\":\"", f);
		for (size_t i = 0; i < c->len; i++)
			fprintf(f, "%02x", c->data[i]);
		fputc('"', f);
	}
	fputc('}', f);
}

static int capture_one(void *arg, const struct capture *c)
{
	struct findings_out *o = arg;
	capture_json(o->f, c, 1);
	o->n++;
	return 1;
}

static void api_captures(struct req *r, struct store *st, const char *id_text)
{
	struct capture_filter q = { .since_us = INT64_MIN, .port = -1, .limit = 200 };
	FILE *f = r->out;
	if (id_text) {
		char *end;
		long long id = strtoll(id_text, &end, 10);
		if (!*id_text || *end || id <= 0)
			return api_error(r, 400, "bad capture id");
		q.id = id;
		struct findings_out o = { .f = f };
		if (store_captures(st, &q, capture_one, &o))
			return api_error(r, 500, store_errmsg(st));
		if (!o.n)
			return api_error(r, 404, "no such capture");
		fputc('\n', f);
		return;
	}
	const char *v = req_arg(r, "port");
	if (v) {
		int p[1];
		if (parse_ports(v, p, 1) != 1)
			return api_error(r, 400, "bad port");
		q.port = p[0];
	}
	char kind[64];
	if ((v = req_arg(r, "kind"))) {
		snprintf(kind, sizeof kind, "%s", v);
		q.kind = kind;
	}
	fputs("{\"captures\":[", f);
	struct findings_out o = { .f = f };
	if (store_captures(st, &q, capture_row, &o))
		return api_error(r, 500, store_errmsg(st));
	fputs("]}\n", f);
}

int api_detail(struct req *r, struct store *st, const char *u)
{
	if (!strcmp(u, "/findings"))
		api_findings(r, st);
	else if (!strcmp(u, "/series"))
		api_series(r, st);
	else if (!strcmp(u, "/captures"))
		api_captures(r, st, NULL);
	else if (!strncmp(u, "/captures/", 10))
		api_captures(r, st, u + 10);
	else if (!strncmp(u, "/sources/", 9))
		api_source(r, st, u + 9);
	else if (!strncmp(u, "/ports/", 7)) {
		char *end;
		long port = strtol(u + 7, &end, 10);
		if (end == u + 7 || port < 0 || port > 65535)
			api_error(r, 400, "bad port (0-65535)");
		else if (!*end)
			api_port(r, st, (int)port);
		else if (!strcmp(end, "/chart.svg"))
			port_chart(r, st, (int)port);
		else
			return -1;
	} else
		return -1;
	return 0;
}
