/* server.c - the dashboard's HTTP server (libmicrohttpd, one thread per
 * connection, at most max_conns of them).
 *
 * Every request: bounded (headers by MHD's connection memory limit, bodies
 * by WEB_BODY_MAX, 30 s idle timeout), checked (Host names this server when
 * bound to loopback, so DNS rebinding cannot reach it; a session when a
 * password is set; a session plus its CSRF token and a matching Origin for
 * every POST), answered with security headers (a Content-Security-Policy
 * without inline script).  The database is read through a pool of read-only
 * store handles: SQLite's WAL lets them read beside serve's writer thread,
 * which never waits for them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../kb/kb.h"
#include "../serve/addr.h"
#include "../util/hex.h"
#include "web_priv.h"

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
			  "img-src 'self'; connect-src 'self'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'";

struct store *web_store_get(struct web *w)
{
	struct store *st = NULL;
	pthread_mutex_lock(&w->pool.lock);
	if (w->pool.nfree)
		st = w->pool.free[--w->pool.nfree];
	pthread_mutex_unlock(&w->pool.lock);
	if (!st) {
		char err[512];
		st = store_open(w->db, STORE_READONLY, err, sizeof err);
	}
	return st;
}

void web_store_put(struct web *w, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&w->pool.lock);
	if (w->pool.nfree < WEB_POOL_MAX) {
		w->pool.free[w->pool.nfree++] = st;
		st = NULL;
	}
	pthread_mutex_unlock(&w->pool.lock);
	if (st)
		store_close(st);
}

const char *req_arg(struct req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

const char *req_form(struct req *r, const char *name, char *buf, size_t n)
{
	size_t nl = strlen(name);
	const char *p = r->body, *end = r->body + r->body_len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;
		if ((size_t)(fe - p) > nl && !memcmp(p, name, nl) && p[nl] == '=') {
			size_t o = 0;
			for (const char *q = p + nl + 1; q < fe; q++) {
				int c = (unsigned char)*q;
				if (c == '+')
					c = ' ';
				else if (c == '%' && fe - q > 2 && hex_digit(q[1]) >= 0 &&
					 hex_digit(q[2]) >= 0) {
					c = hex_digit(q[1]) * 16 + hex_digit(q[2]);
					q += 2;
				}
				if (c == 0 || o + 1 >= n)
					return NULL;
				buf[o++] = (char)c;
			}
			buf[o] = 0;
			return buf;
		}
		p = fe + 1;
	}
	return NULL;
}

static void add_headers(struct MHD_Response *resp, int api)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control", api ? "no-store" : "no-cache");
}

static enum MHD_Result send_text(struct MHD_Connection *c, int status, const char *type,
				 const char *text)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	add_headers(resp, 1);
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result send_static(struct web *w, struct MHD_Connection *c, const char *url)
{
	const struct static_file *f = static_find(&w->files, url);
	if (!f)
		return send_text(c, 404, "text/plain; charset=utf-8", "not found\n");
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	int same = inm && !strcmp(inm, f->etag);
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		same ? 0 : f->len, same ? (void *)"" : f->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", f->type);
	MHD_add_response_header(resp, "ETag", f->etag);
	add_headers(resp, 0);
	enum MHD_Result rc = MHD_queue_response(c, same ? 304 : 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* The Host header must name this server when it listens on loopback: a page
 * of another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its
 * own name and is turned away. */
static int host_ok(struct web *w, struct MHD_Connection *c)
{
	if (!w->loopback)
		return 1;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!h)
		return 0;
	char want[64];
	const char *names[] = { "127.0.0.1", "localhost", "[::1]" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(want, sizeof want, "%s:%d", names[i], w->port);
		if (!strcmp(h, want))
			return 1;
	}
	return 0;
}

/* A browser's POST names its page's origin; it must be ours. */
static int origin_ok(struct MHD_Connection *c)
{
	const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!o)
		return 1;
	return h && !strncmp(o, "http://", 7) && !strcmp(o + 7, h);
}

static enum MHD_Result send_api(struct req *r)
{
	fclose(r->out);
	r->out = NULL;
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(r->len, r->buf, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		return MHD_NO;
	r->buf = NULL;
	MHD_add_response_header(resp, "Content-Type", r->type);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	add_headers(resp, 1);
	enum MHD_Result rc = MHD_queue_response(r->c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result handle(struct web *w, struct req *r)
{
	struct MHD_Connection *c = r->c;
	if (!host_ok(w, c))
		return send_text(c, 421, "text/plain; charset=utf-8",
				 "wrong Host: open http://127.0.0.1:PORT/ as printed by serve\n");
	int is_api = !strncmp(r->url, "/api/", 5);
	if (!is_api) {
		if (r->is_post)
			return send_text(c, 405, "text/plain; charset=utf-8", "use GET\n");
		return send_static(w, c, r->url);
	}
	auth_reload(&w->auth);
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_COOKIE);
	if (cookie && auth_session_find(&w->auth, cookie, r->csrf) == 0) {
		r->have_session = 1;
		snprintf(r->session_id, sizeof r->session_id, "%s", cookie);
	}
	int public = !strcmp(r->url, "/api/session") || !strcmp(r->url, "/api/login");
	if (!public && !r->have_session && auth_has_password(&w->auth))
		return send_text(c, 401, "application/json", "{\"error\":\"log in first\"}\n");
	if (r->is_post) {
		if (!origin_ok(c))
			return send_text(c, 403, "application/json",
					 "{\"error\":\"request from another site\"}\n");
		if (r->body_too_big)
			return send_text(c, 413, "application/json",
					 "{\"error\":\"request body too large\"}\n");
		if (strcmp(r->url, "/api/login")) {
			if (!r->have_session)
				return send_text(c, 403, "application/json",
						 "{\"error\":\"no session: open the dashboard first\"}\n");
			const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								      "X-CSRF-Token");
			if (!tok || auth_token_cmp(tok, r->csrf))
				return send_text(c, 403, "application/json",
						 "{\"error\":\"missing or wrong CSRF token\"}\n");
		}
	}
	if (!strcmp(r->url, "/api/stream") && !r->is_post) {
		struct MHD_Response *resp = sse_response(w);
		if (!resp)
			return send_text(c, 503, "application/json",
					 "{\"error\":\"too many live streams\"}\n");
		MHD_add_response_header(resp, "Content-Type", "text/event-stream");
		add_headers(resp, 1);
		enum MHD_Result rc = MHD_queue_response(c, 200, resp);
		MHD_destroy_response(resp);
		return rc;
	}
	r->out = open_memstream(&r->buf, &r->len);
	if (!r->out)
		return MHD_NO;
	r->status = 200;
	r->type = "application/json";
	api_handle(r);
	return send_api(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct web *w = cls;
	struct req *r = *con_cls;
	if (!r) {
		int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
		if (!get && strcmp(method, "POST") && strcmp(method, "DELETE"))
			return send_text(c, 405, "text/plain; charset=utf-8",
					 "only GET, HEAD, POST and DELETE\n");
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->w = w;
		r->c = c;
		r->url = url;
		r->method = method;
		r->is_post = !get;
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		if (r->body_len + n > WEB_BODY_MAX)
			r->body_too_big = 1;
		else {
			memcpy(r->body + r->body_len, upload, n);
			r->body_len += n;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	r->body[r->body_len] = 0;
	return handle(w, r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	struct req *r = *con_cls;
	if (!r)
		return;
	if (r->out)
		fclose(r->out);
	free(r->buf);
	free(r);
	*con_cls = NULL;
}

static int is_loopback(int fd, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		*port = ntohs(s4->sin_port);
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		*port = ntohs(s6->sin6_port);
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && s6->sin6_addr.s6_addr[12] == 127);
	}
	return 0;
}

struct web *web_bind(const struct web_opts *o, char *err, size_t errlen)
{
	struct web *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *listen = o->listen ? o->listen : WEB_DEFAULT_LISTEN;
	snprintf(w->db, sizeof w->db, "%s", o->db);
	snprintf(w->home_net, sizeof w->home_net, "%s", o->home_net ? o->home_net : "");
	snprintf(w->home_from, sizeof w->home_from, "%s", o->home_from ? o->home_from : "");
	w->home_changed = o->home_changed;
	w->home_arg = o->home_arg;
	pthread_mutex_init(&w->home_lock, NULL);
	w->max_conns = o->max_conns > 0 ? o->max_conns : 64;
	w->fd = addr_bind(listen, SOCK_STREAM, err, errlen);
	if (w->fd < 0) {
		free(w);
		return NULL;
	}
	w->loopback = is_loopback(w->fd, &w->port);
	if (!w->loopback && !web_passwd_exists(o->db)) {
		snprintf(err, errlen,
			 "--web %s is reachable from other hosts: set a password first "
			 "(portlog passwd --db %s), or use 127.0.0.1:PORT",
			 listen, o->db);
		close(w->fd);
		free(w);
		return NULL;
	}
	snprintf(w->url, sizeof w->url, "http://%s/", w->loopback ? listen : listen);
	if (w->loopback && !strncmp(listen, "[::1]", 5))
		snprintf(w->url, sizeof w->url, "http://[::1]:%d/", w->port);
	else if (w->loopback)
		snprintf(w->url, sizeof w->url, "http://127.0.0.1:%d/", w->port);
	return w;
}

static void *warm_overview(void *arg)
{
	/* A visitor's request goes first: a Sources page asked as serve came
	 * up (10M events) took 186-192 ms beside the warm-up, 149-164 with
	 * the warm-up niced, 90 with none; both start cold. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	api_overview_warm(arg);
	return NULL;
}

int web_run(struct web *w, char *err, size_t errlen)
{
	if (static_load(&w->files, err, errlen))
		return -1;
	if (auth_init(&w->auth, w->db)) {
		snprintf(err, errlen, "libsodium did not start");
		return -1;
	}
	pthread_mutex_init(&w->pool.lock, NULL);
	pthread_mutex_init(&w->trust_lock, NULL);
	(void)kb_default(); /* loaded once, before the threads that read it */
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL;
	w->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, w, MHD_OPTION_LISTEN_SOCKET, w->fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)w->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(w->loopback ? w->max_conns : 16),
		MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32 * 1024, MHD_OPTION_NOTIFY_COMPLETED, on_done, w, MHD_OPTION_END);
	if (!w->d) {
		snprintf(err, errlen, "cannot start the web server on %s", w->url);
		return -1;
	}
	w->fd = -1; /* MHD closes it when it stops */
	w->warmer_on = pthread_create(&w->warmer, NULL, warm_overview, w) == 0;
	return 0;
}

void web_set_home(struct web *w, const char *home_net)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->home_lock);
	snprintf(w->home_net, sizeof w->home_net, "%s", home_net);
	pthread_mutex_unlock(&w->home_lock);
}

const char *web_url(const struct web *w)
{
	return w->url;
}

void web_stop(struct web *w)
{
	if (!w)
		return;
	atomic_store(&w->stopping, 1);
	if (w->warmer_on) {
		pthread_join(w->warmer, NULL); /* it uses the pool below */
		w->warmer_on = 0;
	}
	if (w->d) {
		MHD_stop_daemon(w->d);
		static_free(&w->files);
		auth_free(&w->auth);
		while (w->pool.nfree)
			store_close(w->pool.free[--w->pool.nfree]);
		pthread_mutex_destroy(&w->pool.lock);
		pthread_mutex_destroy(&w->trust_lock);
	}
	if (w->fd >= 0)
		close(w->fd);
	pthread_mutex_destroy(&w->home_lock);
	free(w);
}
