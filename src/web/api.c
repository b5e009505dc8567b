/* api.c - the JSON API under /api/ (documented in docs/api.md): session and
 * login, overview, events (filters, paging, CSV), settings, trust/untrust.
 * Ports, sources, findings and captures are in api_detail.c; home networks
 * in api_homenet.c.
 *
 * Everything from logs goes out through esc_json/esc_csv (util/escape.h);
 * the pages put it into the document with textContent only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../classify/detect_run.h"
#include "../classify/netset.h"
#include "../kb/kb.h"
#include "../report/event_out.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "api_priv.h"

int64_t api_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void jstr(FILE *f, const char *s)
{
	if (s)
		esc_json(f, s, strlen(s));
	else
		fputs("null", f);
}

void jfield(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	jstr(f, s);
}

void jtime(FILE *f, int64_t us)
{
	char buf[40];
	if (us)
		fprintf(f, "\"%s\"", fmt_iso(us, buf));
	else
		fputs("null", f);
}

void api_error(struct req *r, int status, const char *msg)
{
	r->status = status;
	r->type = "application/json";
	fflush(r->out);
	rewind(r->out);
	r->len = 0;
	fputs("{\"error\":", r->out);
	jstr(r->out, msg);
	fputs("}\n", r->out);
}

void api_event_json(FILE *f, const struct event *ev, const char *format_name)
{
	event_write_json(f, ev, format_name);
	/* event_out.c's object is shared with the CLI and its golden files; the
	 * trusted mark is added here by replacing its closing brace. */
	fseeko(f, -1, SEEK_CUR);
	fprintf(f, ",\"trusted\":%s}", ev->trusted ? "true" : "false");
}

const char *port_label(int port, int proto, char *buf, size_t n)
{
	const char *pn = proto >= 0 ? ev_proto_name(proto) : NULL;
	if (port < 0)
		snprintf(buf, n, "%s", pn ? pn : "other");
	else if (pn)
		snprintf(buf, n, "%d/%s", port, pn);
	else
		snprintf(buf, n, "%d", port);
	return buf;
}

/* The window a range name asks for ("24h", "7d", "30d", or anything
 * timearg takes), ending now, or at the newest stored event when that is
 * older (an imported old log still shows its last day).  -1 if bad. */
static int window_of(struct store *st, const char *range, int64_t *since, int64_t *until)
{
	int64_t now = api_now_us(), first, last, from;
	*until = now;
	if (store_time_range(st, &first, &last) && last < now)
		*until = last + 1000000;
	char years[32];
	size_t rl = strlen(range);
	if (rl > 1 && rl < 8 && range[rl - 1] == 'y' && strspn(range, "0123456789") == rl - 1) {
		snprintf(years, sizeof years, "%ldd", strtol(range, NULL, 10) * 366);
		range = years; /* "1y": timearg counts up to weeks */
	}
	if (timearg_parse(range, now, &from) || from > now)
		return -1;
	*since = *until - (now - from);
	return 0;
}

int api_window(struct req *r, struct store *st, const char *dflt, int64_t *since, int64_t *until)
{
	const char *range = req_arg(r, "range");
	return window_of(st, range ? range : dflt, since, until);
}

/* ---- session ---- */

static void session_json(struct req *r)
{
	fprintf(r->out, "{\"logged_in\":%s,\"password\":%s,\"loopback\":%s",
		r->have_session ? "true" : "false", auth_has_password(&r->w->auth) ? "true" : "false",
		r->w->loopback ? "true" : "false");
	if (r->have_session)
		fprintf(r->out, ",\"csrf\":\"%s\"", r->csrf);
	fputs("}\n", r->out);
}

static void new_session(struct req *r)
{
	auth_session_new(&r->w->auth, r->session_id, r->csrf);
	r->have_session = 1;
	snprintf(r->set_cookie, sizeof r->set_cookie,
		 WEB_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", r->session_id,
		 AUTH_SESSION_S);
}

/* Without a password (allowed on loopback only) opening the dashboard is
 * enough for a session; the CSRF token still guards every change. */
static void api_session(struct req *r)
{
	if (!r->have_session && !auth_has_password(&r->w->auth) && r->w->loopback)
		new_session(r);
	session_json(r);
}

static void api_login(struct req *r)
{
	char pw[512];
	if (!req_form(r, "password", pw, sizeof pw))
		return api_error(r, 400, "send password=...");
	if (!auth_has_password(&r->w->auth))
		return api_error(r, 400, "no password is set (portlog passwd sets one)");
	if (auth_password_ok(&r->w->auth, pw))
		return api_error(r, 403, "wrong password");
	if (r->have_session)
		auth_session_end(&r->w->auth, r->session_id);
	new_session(r);
	session_json(r);
}

static void api_logout(struct req *r)
{
	auth_session_end(&r->w->auth, r->session_id);
	r->have_session = 0;
	snprintf(r->set_cookie, sizeof r->set_cookie,
		 WEB_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	session_json(r);
}

/* ---- overview ---- */

static void rank_counts(struct req *r, struct store *st, enum store_rank what, int64_t since,
			int64_t until, int64_t *total)
{
	struct rank_row rows[16];
	int n = 0;
	fputc('{', r->out);
	if (store_rank(st, what, since, until, -1, 16, rows, &n) == 0)
		for (int i = 0; i < n; i++) {
			fprintf(r->out, "%s", i ? "," : "");
			jstr(r->out, rows[i].key);
			fprintf(r->out, ":%lld", (long long)rows[i].count);
			if (total)
				*total += rows[i].count;
		}
	fputc('}', r->out);
}

void api_ports_json(FILE *f, const struct rank_row *rows, int n)
{
	const struct kb *kb = kb_default();
	fputc('[', f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s{\"key\":", i ? "," : "");
		jstr(f, rows[i].key);
		fprintf(f, ",\"port\":%d,\"proto\":%d,\"name\":", rows[i].port, rows[i].proto);
		jstr(f, kb && rows[i].port >= 0 ? kb_service(kb, rows[i].port, rows[i].proto) : "");
		const struct kb_entry *e =
			kb && rows[i].port >= 0 ? kb_entry_for(kb, rows[i].port, rows[i].proto) : NULL;
		jfield(f, "title", e ? e->title : NULL);
		fprintf(f, ",\"events\":%lld,\"sources\":%lld}", (long long)rows[i].count,
			(long long)rows[i].extra);
	}
	fputc(']', f);
}

void api_sources_json(FILE *f, const struct rank_row *rows, int n, const char *extra_name)
{
	fputc('[', f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s{\"addr\":", i ? "," : "");
		jstr(f, rows[i].key);
		fprintf(f, ",\"events\":%lld,\"%s\":%lld}", (long long)rows[i].count, extra_name,
			(long long)rows[i].extra);
	}
	fputc(']', f);
}

/* The overview's top sources rank the whole source roll-up of the period
 * (about 30 ms over 30 days of a 10M-event year, 60-100 before the sums of
 * past days were kept: rank_memo.h), so each range's answer
 * is kept for OVERVIEW_TTL_S: a dashboard left open, or many of them, cost
 * one computation a minute.  Serve also works the three ranges out as it
 * starts (api_overview_warm), so the first visit finds them; those answers
 * hold only while no event has been stored since (last_id), since they
 * were not asked for after anything the visitor did. */
enum { OVERVIEW_TTL_S = 60, OVERVIEW_CACHED = 4 };
static struct {
	char range[16];
	time_t at;
	char *json;
	size_t len;
	int64_t last_id; /* warmed: the newest event id then; -1: asked for */
} overview_cache[OVERVIEW_CACHED];
static pthread_mutex_t overview_lock = PTHREAD_MUTEX_INITIALIZER;

static void overview_compute(struct req *r, struct store *st, int64_t since, int64_t until);

/* Keep json (taken over) as range's answer. */
static void overview_keep(const char *range, char *json, size_t len, time_t at, int64_t last_id)
{
	pthread_mutex_lock(&overview_lock);
	int slot = 0;
	for (int i = 0; i < OVERVIEW_CACHED; i++)
		if (!strcmp(overview_cache[i].range, range) || overview_cache[i].at < overview_cache[slot].at) {
			slot = i;
			if (!strcmp(overview_cache[i].range, range))
				break;
		}
	free(overview_cache[slot].json);
	snprintf(overview_cache[slot].range, sizeof overview_cache[slot].range, "%s", range);
	overview_cache[slot].json = json;
	overview_cache[slot].len = len;
	overview_cache[slot].at = at;
	overview_cache[slot].last_id = last_id;
	pthread_mutex_unlock(&overview_lock);
}

void api_overview_warm(struct web *w)
{
	static const char *const ranges[] = { "24h", "7d", "30d" };
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0] && !atomic_load(&w->stopping); i++) {
		struct store *st = web_store_get(w);
		int64_t since, until;
		if (!st || window_of(st, ranges[i], &since, &until)) {
			web_store_put(w, st);
			return;
		}
		int64_t last_id = store_last_event_id(st);
		struct req *r = calloc(1, sizeof *r);
		if (r && (r->out = open_memstream(&r->buf, &r->len))) {
			r->w = w;
			r->status = 200;
			time_t at = time(NULL);
			overview_compute(r, st, since, until);
			if (fclose(r->out) == 0 && last_id >= 0) {
				overview_keep(ranges[i], r->buf, r->len, at, last_id);
				r->buf = NULL;
			}
			free(r->buf);
		}
		free(r);
		web_store_put(w, st);
	}
}

static void api_overview(struct req *r, struct store *st)
{
	int64_t since, until;
	if (api_window(r, st, "24h", &since, &until))
		return api_error(r, 400, "bad range (24h, 7d, 30d)");
	const char *range = req_arg(r, "range") ? req_arg(r, "range") : "24h";
	time_t now = time(NULL);
	/* read before the lock: other requests need not wait on the database */
	int64_t last_id = store_last_event_id(st);
	pthread_mutex_lock(&overview_lock);
	for (int i = 0; i < OVERVIEW_CACHED; i++) {
		if (!overview_cache[i].json || strcmp(overview_cache[i].range, range) ||
		    now - overview_cache[i].at >= OVERVIEW_TTL_S)
			continue;
		/* warmed: only while the events are the same */
		if (overview_cache[i].last_id >= 0 && last_id != overview_cache[i].last_id)
			continue;
		fwrite(overview_cache[i].json, 1, overview_cache[i].len, r->out);
		pthread_mutex_unlock(&overview_lock);
		return;
	}
	pthread_mutex_unlock(&overview_lock);
	overview_compute(r, st, since, until);
	if (r->status != 200 || strlen(range) >= sizeof overview_cache[0].range)
		return;
	fflush(r->out);
	char *copy = malloc(r->len);
	if (!copy)
		return;
	memcpy(copy, r->buf, r->len);
	overview_keep(range, copy, r->len, now, -1);
}

/* The top sources are ranked on a thread of their own, with a store handle
 * of their own, while the request's thread does the rest, so an overview
 * worked out again after a new event costs the longer of the two rather
 * than their sum (on a free second core).  Reading every source list of 30
 * days of the 10M-event year took 25-35 ms, as long as the rest together;
 * with the sums of past days kept (rank_memo.h) it is ~6 ms, and the top
 * ports' distinct sources (~15 ms) are the longer part.  The answer is the
 * same either way. */
struct top_sources_job {
	struct web *w;
	int64_t since, until;
	struct rank_row rows[10];
	int n, rc;
};

static void top_sources_rank(struct top_sources_job *j, struct store *st)
{
	j->n = 0;
	j->rc = st ? store_rank(st, RANK_SOURCE, j->since, j->until, EV_DIR_INBOUND, 10, j->rows,
				&j->n)
		   : -1;
	if (j->rc)
		j->n = 0;
}

static void *top_sources_thread(void *arg)
{
	struct top_sources_job *j = arg;
	struct store *st = web_store_get(j->w);
	top_sources_rank(j, st);
	web_store_put(j->w, st);
	return NULL;
}

static void overview_compute(struct req *r, struct store *st, int64_t since, int64_t until)
{
	struct top_sources_job job = { .w = r->w, .since = since, .until = until };
	pthread_t helper;
	int threaded = r->w && pthread_create(&helper, NULL, top_sources_thread, &job) == 0;
	FILE *f = r->out;
	fputs("{\"since\":", f);
	jtime(f, since);
	fputs(",\"until\":", f);
	jtime(f, until);
	int64_t total = 0;
	fputs(",\"actions\":", f);
	rank_counts(r, st, RANK_ACTION, since, until, &total);
	fputs(",\"directions\":", f);
	rank_counts(r, st, RANK_DIRECTION, since, until, NULL);
	fprintf(f, ",\"events\":%lld", (long long)total);
	struct rank_row rows[10];
	int n = 0;
	fputs(",\"top_ports\":", f);
	if (store_rank(st, RANK_PORT, since, until, EV_DIR_INBOUND, 10, rows, &n))
		n = 0;
	api_ports_json(f, rows, n);
	fputs(",\"top_sources\":", f);
	if (threaded)
		pthread_join(helper, NULL);
	else
		top_sources_rank(&job, st);
	api_sources_json(f, job.rows, job.n, "ports");
	fputs(",\"findings\":", f);
	struct finding_filter ff = { .since_us = since, .until_us = until, .limit = 20 };
	api_findings_json(f, st, &ff);
	fputs("}\n", f);
}

/* ---- events ---- */

static int action_parse(const char *s)
{
	for (int a = EV_ACTION_UNKNOWN; a <= EV_ACTION_OTHER; a++)
		if (!strcmp(s, ev_action_name(a)))
			return a;
	return -1;
}

static int num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The filters of /api/events from the query string; NULL or a complaint. */
static const char *events_filter(struct req *r, struct event_filter *f)
{
	const char *v;
	long n;
	int64_t now = api_now_us();
	*f = (struct event_filter){ .since_us = INT64_MIN, .until_us = INT64_MAX, .port = -1,
				    .direction = -1, .limit = 100 };
	if ((v = req_arg(r, "since")) && timearg_parse(v, now, &f->since_us))
		return "bad since (2024-05-01, 2024-05-01T12:00, 7d, 12h; in 1970-9999)";
	if ((v = req_arg(r, "until")) && timearg_parse(v, now, &f->until_us))
		return "bad until (2024-05-01, 2024-05-01T12:00, 7d, 12h; in 1970-9999)";
	if ((v = req_arg(r, "port"))) {
		if (num(v, 0, 65535, &n))
			return "bad port (0-65535)";
		f->port = (int)n;
	}
	if ((v = req_arg(r, "src"))) {
		if (cidr_parse_parts(v, &f->src_family, &f->src_bits, f->src_net))
			return "bad src (an address or CIDR)";
		f->have_src = 1;
	}
	if ((v = req_arg(r, "dst"))) {
		if (cidr_parse_parts(v, &f->dst_family, &f->dst_bits, f->dst_net))
			return "bad dst (an address or CIDR)";
		f->have_dst = 1;
	}
	if ((v = req_arg(r, "direction")) && strcmp(v, "any")) {
		if ((f->direction = ev_direction_parse(v)) < 0)
			return "bad direction (inbound, outbound, internal, unknown)";
	}
	if ((v = req_arg(r, "action")) && strcmp(v, "any")) {
		if ((f->action = action_parse(v)) < 0)
			return "bad action (blocked, allowed, other, unknown)";
		f->action_set = 1;
	}
	if ((v = req_arg(r, "device"))) {
		if (strlen(v) > 255)
			return "device too long";
		f->device = v;
	}
	if ((v = req_arg(r, "format"))) {
		if (strlen(v) > 32)
			return "format too long";
		f->format = v;
	}
	int csv = (v = req_arg(r, "as")) && !strcmp(v, "csv");
	if ((v = req_arg(r, "limit"))) {
		if (num(v, 1, csv ? 100000 : 1000, &n))
			return csv ? "bad limit (1-100000 for csv)" : "bad limit (1-1000)";
		f->limit = (int)n;
	} else if (csv)
		f->limit = 10000;
	if ((v = req_arg(r, "offset"))) {
		if (num(v, 0, 1000000, &n))
			return "bad offset (0-1000000)";
		f->offset = (int)n;
	}
	return NULL;
}

struct events_out {
	FILE *f;
	int n, max, more;
};

static int event_json_row(void *arg, const struct event *ev, const char *format_name)
{
	struct events_out *o = arg;
	if (o->n == o->max) {
		o->more = 1; /* the extra row only says there is more */
		return 1;
	}
	fputs(o->n ? ",\n" : "\n", o->f);
	api_event_json(o->f, ev, format_name);
	o->n++;
	return 0;
}

static void csv_str(FILE *f, struct ev_str s)
{
	fputc(',', f);
	if (s.n)
		esc_csv(f, s.p, s.n);
}

static int event_csv_row(void *arg, const struct event *ev, const char *format_name)
{
	FILE *f = ((struct events_out *)arg)->f;
	char t[40], a[EV_ADDR_STRLEN], b[EV_ADDR_STRLEN];
	fprintf(f, "%s,%s,%s,", fmt_iso(ev->ts_us, t), ev_action_name(ev->action),
		ev_direction_name(ev->direction));
	if (ev->has & EV_HAS_PROTO)
		fprintf(f, "%u", ev->proto);
	fprintf(f, ",%s,", ev_addr_str(&ev->src, a, sizeof a));
	if (ev->has & EV_HAS_SPORT)
		fprintf(f, "%u", ev->sport);
	fprintf(f, ",%s,", ev_addr_str(&ev->dst, b, sizeof b));
	if (ev->has & EV_HAS_DPORT)
		fprintf(f, "%u", ev->dport);
	fprintf(f, ",%d", ev->trusted);
	csv_str(f, ev->device);
	csv_str(f, ev->rule);
	csv_str(f, ev->in_if);
	csv_str(f, ev->out_if);
	fputc(',', f);
	esc_csv(f, format_name, strlen(format_name));
	fputs("\r\n", f);
	return 0;
}

static void api_events(struct req *r, struct store *st)
{
	struct event_filter f;
	const char *bad = events_filter(r, &f);
	if (bad)
		return api_error(r, 400, bad);
	const char *as = req_arg(r, "as");
	struct events_out o = { .f = r->out, .max = f.limit };
	if (as && !strcmp(as, "csv")) {
		r->type = "text/csv; charset=utf-8";
		r->disposition = "attachment; filename=\"portlog-events.csv\"";
		fputs("time,action,direction,proto,src,sport,dst,dport,trusted,device,rule,in_if,"
		      "out_if,format\r\n",
		      r->out);
		if (store_events(st, &f, event_csv_row, &o))
			return api_error(r, 500, store_errmsg(st));
		return;
	}
	f.limit++;
	fputs("{\"events\":[", r->out);
	if (store_events(st, &f, event_json_row, &o))
		return api_error(r, 500, store_errmsg(st));
	fprintf(r->out, "],\"offset\":%d,\"limit\":%d,\"more\":%s}\n", f.offset, o.max,
		o.more ? "true" : "false");
}

/* ---- settings and trust ---- */

struct trust_out {
	FILE *f;
	int n;
};

static int trust_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	struct trust_out *o = arg;
	fprintf(o->f, "%s{\"cidr\":", o->n++ ? "," : "");
	jstr(o->f, cidr);
	jfield(o->f, "note", note);
	fputs(",\"added\":", o->f);
	jtime(o->f, added_s * 1000000);
	fputc('}', o->f);
	return 0;
}

static void api_settings(struct req *r, struct store *st)
{
	FILE *f = r->out;
	fputs("{\"home_net\":[", f);
	char buf[sizeof r->w->home_net];
	pthread_mutex_lock(&r->w->home_lock);
	snprintf(buf, sizeof buf, "%s", r->w->home_net);
	pthread_mutex_unlock(&r->w->home_lock);
	int n = 0;
	for (char *save = NULL, *t = strtok_r(buf, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save)) {
		fputs(n++ ? "," : "", f);
		jstr(f, t);
	}
	fputs("],", f);
	if (api_homenet_json(r, st))
		return api_error(r, 500, store_errmsg(st));
	fputs(",\"trusted\":[", f);
	struct trust_out o = { .f = f };
	if (store_trust_list(st, trust_row, &o))
		return api_error(r, 500, store_errmsg(st));
	fprintf(f, "],\"password\":%s,\"loopback\":%s}\n",
		auth_has_password(&r->w->auth) ? "true" : "false", r->w->loopback ? "true" : "false");
}

/* Trust or untrust a network: the one write the dashboard makes, through its
 * own short-lived writable handle (SQLite serialises it with serve's writer,
 * which waits at most for this commit), then the same re-marking and
 * detector re-run as `portlog trust`. */
static void api_trust(struct req *r, int add)
{
	char cidr_in[128], note[256] = "", canon[64];
	struct cidr cd;
	if (!req_form(r, "cidr", cidr_in, sizeof cidr_in) || cidr_parse(&cd, cidr_in))
		return api_error(r, 400, "send cidr=ADDR or cidr=NET/BITS");
	if (add && !req_form(r, "note", note, sizeof note) && strstr(r->body, "note="))
		return api_error(r, 400, "note too long (at most 200 characters)");
	if (strlen(note) > 200)
		return api_error(r, 400, "note too long (at most 200 characters)");
	cidr_str(&cd, canon, sizeof canon);
	char err[512];
	pthread_mutex_lock(&r->w->trust_lock);
	struct store *st = store_open(r->w->db, 0, err, sizeof err);
	if (!st) {
		pthread_mutex_unlock(&r->w->trust_lock);
		return api_error(r, 500, err);
	}
	int rc = add ? store_trust_add(st, canon, note) : store_trust_rm(st, canon);
	uint64_t remarked = 0, findings = 0;
	if (rc < 0 || store_commit(st)) {
		api_error(r, 500, store_errmsg(st));
	} else if (!add && rc == 1) {
		api_error(r, 404, "not in the trusted list");
	} else if (detect_recompute(st, &remarked, &findings)) {
		api_error(r, 500, store_errmsg(st));
	} else {
		fprintf(r->out, "{\"ok\":true,\"cidr\":\"%s\",\"trusted\":%s,\"remarked\":%llu,"
				"\"finding_updates\":%llu}\n",
			canon, add ? "true" : "false", (unsigned long long)remarked,
			(unsigned long long)findings);
	}
	store_close(st);
	pthread_mutex_unlock(&r->w->trust_lock);
}

/* ---- routing ---- */

void api_handle(struct req *r)
{
	const char *u = r->url + 4; /* after "/api" */
	if (r->is_post) {
		if (!strcmp(r->method, "DELETE")) {
			if (!strcmp(u, "/homenet"))
				return api_homenet_change(r, 0);
			return api_error(r, 405,
					 "DELETE only removes a home network (/api/homenet)");
		}
		if (!strcmp(u, "/homenet"))
			return api_homenet_change(r, 1);
		if (!strcmp(u, "/login"))
			return api_login(r);
		if (!strcmp(u, "/logout"))
			return api_logout(r);
		if (!strcmp(u, "/trust"))
			return api_trust(r, 1);
		if (!strcmp(u, "/untrust"))
			return api_trust(r, 0);
		return api_error(r, 404, "no such action");
	}
	if (!strcmp(u, "/session"))
		return api_session(r);
	struct store *st = web_store_get(r->w);
	if (!st)
		return api_error(r, 503, "the database cannot be opened yet");
	if (!strcmp(u, "/overview"))
		api_overview(r, st);
	else if (!strcmp(u, "/events"))
		api_events(r, st);
	else if (!strcmp(u, "/settings"))
		api_settings(r, st);
	else if (!strcmp(u, "/homenet"))
		api_homenet_get(r, st);
	else if (api_detail(r, st, u) < 0)
		api_error(r, 404, "no such API (see docs/api.md)");
	web_store_put(r->w, st);
}
