/* web_priv.h - what the files of src/web share, and nobody else. */
#ifndef PORTLOG_WEB_PRIV_H
#define PORTLOG_WEB_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include "../store/store.h"
#include "web.h"

enum {
	WEB_BODY_MAX = 4096,     /* largest POST body accepted */
	WEB_POOL_MAX = 16,       /* read-only store handles kept open */
	WEB_SSE_MAX = 16,        /* live streams at once */
	AUTH_SESSIONS = 64,      /* sessions at once; the oldest goes first */
	AUTH_TOKEN_HEX = 64,     /* 32 random bytes as hex */
	AUTH_SESSION_S = 12 * 3600,
};

#define WEB_COOKIE "portlog_session"

/* ---- auth.c ---- */
struct auth_session {
	char id[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
	int64_t expires_s, created_s;
};
struct auth {
	pthread_mutex_t lock;
	char path[1100];            /* the password file */
	int64_t mtime_ns;           /* of the file as last read; -1 none */
	char hash[160];             /* crypto_pwhash_str(), "" when no password */
	struct auth_session s[AUTH_SESSIONS];
	pthread_mutex_t verify_lock; /* one password check at a time (slows guessing) */
};
int auth_init(struct auth *a, const char *db);
void auth_free(struct auth *a);
/* Re-read the password file if it changed (sessions end when it does). */
void auth_reload(struct auth *a);
int auth_has_password(struct auth *a);
/* The session named by cookie (its CSRF token into csrf); 0 found, -1 not. */
int auth_session_find(struct auth *a, const char *cookie, char *csrf);
/* A new session: id and csrf filled (AUTH_TOKEN_HEX + 1 bytes each). */
void auth_session_new(struct auth *a, char *id, char *csrf);
void auth_session_end(struct auth *a, const char *id);
/* 0 when pw is the password. */
int auth_password_ok(struct auth *a, const char *pw);
/* Constant-time comparison of two tokens; 0 equal. */
int auth_token_cmp(const char *a, const char *b);

/* ---- static.c ---- */
struct static_file {
	char name[64];
	const char *type;
	char *data;
	size_t len;
	char etag[24];
};
struct static_files {
	char dir[1024];
	struct static_file *v;
	int n;
};
/* Load every page, style and script of DATADIR/web (or $PORTLOG_WEB). */
int static_load(struct static_files *sf, char *err, size_t errlen);
void static_free(struct static_files *sf);
/* "/" -> index.html; only plain names, never a path. */
const struct static_file *static_find(const struct static_files *sf, const char *url);

/* ---- server.c ---- */
struct store_pool {
	pthread_mutex_t lock;
	struct store *free[WEB_POOL_MAX];
	int nfree;
};

struct web {
	struct MHD_Daemon *d;
	int fd, loopback, port;
	char url[96];
	char db[1024];
	pthread_mutex_t home_lock;  /* home_net is replaced on SIGHUP */
	char home_net[4096];        /* configured (portlog.conf or --home-net) */
	char home_from[32];
	int (*home_changed)(void *arg);
	void *home_arg;
	struct store_pool pool;
	struct auth auth;
	struct static_files files;
	pthread_mutex_t trust_lock; /* one trust change (and recompute) at a time */
	atomic_int stopping, sse_clients;
	int max_conns;
	pthread_t warmer; /* works the overview out as serve starts */
	int warmer_on;
};

/* A read-only store handle for this request; give it back with web_store_put. */
struct store *web_store_get(struct web *w);
void web_store_put(struct web *w, struct store *st);

/* One request being answered by api.c. */
struct req {
	struct web *w;
	struct MHD_Connection *c;
	const char *url, *method;
	int is_post; /* any state-changing method: POST or DELETE */
	char body[WEB_BODY_MAX + 1];
	size_t body_len;
	int body_too_big;
	int have_session;
	char session_id[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
	/* the answer */
	FILE *out;
	char *buf;
	size_t len;
	int status;
	const char *type;
	char set_cookie[256];
	const char *disposition; /* Content-Disposition, or NULL */
};

/* A query-string argument, or NULL (empty counts as absent). */
const char *req_arg(struct req *r, const char *name);
/* A field of the urlencoded POST body, decoded into buf (n bytes); NULL when
 * absent or too long. */
const char *req_form(struct req *r, const char *name, char *buf, size_t n);

/* ---- api.c ---- */
/* Answer r (url under /api/); r->out is open.  Sets status and type. */
void api_handle(struct req *r);
/* Work out the overview's three ranges and keep them for the first visit
 * (api.c); stops early when the server is stopping. */
void api_overview_warm(struct web *w);
/* One event as the API shows it: event_out.h's JSON plus "trusted". */
void api_event_json(FILE *f, const struct event *ev, const char *format_name);
/* {"error":"msg"} with status. */
void api_error(struct req *r, int status, const char *msg);

/* ---- sse.c ---- */
/* The response for /api/stream, or NULL (too many streams: 503). */
struct MHD_Response *sse_response(struct web *w);

#endif
