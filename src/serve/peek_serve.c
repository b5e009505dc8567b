/* peek_serve.c - see peek_serve.h. */
#include "peek_serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../peek/patterns.h"
#include "../peek/peek.h"
#include "../store/store.h"
#include "addr.h"

enum { MAX_FDS = 256 };

struct peek_serve {
	int fds[MAX_FDS], udp[MAX_FDS], n;
	struct store *st;
	struct patterns *pats;
	struct peek *pk;
};

/* "135, 139 445" -> ports; -1 on a bad one (named in err). */
static int bind_ports(struct peek_serve *ps, const char *addr, const char *list, int type,
		      char *err, size_t errlen)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save)) {
		char *end;
		long port = strtol(t, &end, 10);
		if (*end || port < 1 || port > 65535) {
			snprintf(err, errlen, "[peek]: bad port '%s' (1-65535)", t);
			return -1;
		}
		if (ps->n == MAX_FDS) {
			snprintf(err, errlen, "[peek]: more than %d listeners", MAX_FDS);
			return -1;
		}
		char spec[300];
		snprintf(spec, sizeof spec, strchr(addr, ':') ? "[%s]:%ld" : "%s:%ld", addr, port);
		int fd = addr_bind(spec, type, err, errlen);
		if (fd < 0)
			return -1;
		if (type == SOCK_STREAM)
			listen(fd, 8192); /* a burst of scanners must not overflow it */
		ps->fds[ps->n] = fd;
		ps->udp[ps->n] = type == SOCK_DGRAM;
		ps->n++;
	}
	return 0;
}

struct peek_serve *peek_serve_bind(const struct conf *c, char *err, size_t errlen)
{
	err[0] = '\0';
	if (!c->peek_tcp[0] && !c->peek_udp[0])
		return NULL;
	struct peek_serve *ps = calloc(1, sizeof *ps);
	if (!ps) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	char binds[1024];
	/* loopback unless told: peek talks to attackers, exposing it is a choice */
	snprintf(binds, sizeof binds, "%s", c->peek_bind[0] ? c->peek_bind : "127.0.0.1");
	for (char *save = NULL, *a = strtok_r(binds, ", \t", &save); a;
	     a = strtok_r(NULL, ", \t", &save))
		if (bind_ports(ps, a, c->peek_tcp, SOCK_STREAM, err, errlen) ||
		    bind_ports(ps, a, c->peek_udp, SOCK_DGRAM, err, errlen)) {
			peek_serve_free(ps);
			return NULL;
		}
	return ps;
}

int peek_serve_start(struct peek_serve *ps, struct event_base *base, const char *db, char *err,
		     size_t errlen)
{
	char perr[512];
	ps->pats = patterns_load(NULL, perr, sizeof perr); /* missing: nothing is named */
	ps->st = store_open(db, 0, err, errlen);
	if (!ps->st)
		return -1;
	struct peek_limits lim;
	peek_limits_default(&lim);
	ps->pk = peek_new(base, ps->st, ps->pats, &lim);
	if (!ps->pk) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < ps->n; i++) {
		if ((ps->udp[i] ? peek_listen_udp : peek_listen_tcp)(ps->pk, ps->fds[i])) {
			snprintf(err, errlen, "cannot listen (out of memory)");
			return -1;
		}
		ps->fds[i] = -1; /* the listener owns it */
	}
	return 0;
}

int peek_serve_listeners(const struct peek_serve *ps)
{
	return ps ? ps->n : 0;
}

void peek_serve_free(struct peek_serve *ps)
{
	if (!ps)
		return;
	peek_free(ps->pk); /* records what is open, commits */
	store_close(ps->st);
	patterns_free(ps->pats);
	for (int i = 0; i < ps->n; i++)
		if (ps->fds[i] >= 0)
			close(ps->fds[i]);
	free(ps);
}
