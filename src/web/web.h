/* web.h - the dashboard `portlog serve --web ADDR:PORT` serves (libmicrohttpd).
 *
 *   server.c  the HTTP daemon: limits, routing, security headers, a pool of
 *             read-only store handles (the writer thread is never waited on)
 *   api.c     the JSON API under /api/ (docs/api.md)
 *   sse.c     /api/stream: new events as Server-Sent Events
 *   auth.c    password (Argon2id via libsodium), sessions, CSRF tokens
 *   static.c  the pages: data/web (html, css, js files), loaded at start */
#ifndef PORTLOG_WEB_H
#define PORTLOG_WEB_H

#include <stddef.h>

enum { WEB_DEFAULT_PORT = 8445 };
#define WEB_DEFAULT_LISTEN "127.0.0.1:8445"

struct web_opts {
	const char *listen;   /* ADDR:PORT, default WEB_DEFAULT_LISTEN */
	const char *db;       /* the database serve writes */
	const char *home_net; /* home networks as configured (shown on Settings) */
	const char *home_from; /* where they are set: "portlog.conf", "serve --home-net" */
	/* Called after a home network was stored or removed in the dashboard (on
	 * a web thread): serve reloads the networks its classification uses.
	 * 0 applied, -1 not.  NULL: nobody to tell. */
	int (*home_changed)(void *arg);
	void *home_arg;
	int max_conns;        /* 0: 64 */
};

struct web;

/* Bind listen (refused for a non-loopback address while no password is set).
 * Call before dropping privileges; nothing runs until web_run(). */
struct web *web_bind(const struct web_opts *o, char *err, size_t errlen);
/* Start the server threads (after daemon(): threads do not survive fork). */
int web_run(struct web *w, char *err, size_t errlen);
/* Stop: live streams end within a second; frees w. */
void web_stop(struct web *w);
/* The configured home networks changed (SIGHUP); w may be NULL. */
void web_set_home(struct web *w, const char *home_net);
/* What the URL is, for the log. */
const char *web_url(const struct web *w);

/* The password file beside the database: DB.passwd. */
void web_passwd_path(const char *db, char *buf, size_t n);
/* Hash and store a new password (portlog passwd).  0, or -1 with err. */
int web_passwd_set(const char *db, const char *password, char *err, size_t errlen);
/* Is a password set? */
int web_passwd_exists(const char *db);

#endif
