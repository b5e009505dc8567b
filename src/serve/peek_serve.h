/* peek_serve.h - peek's listeners inside `portlog serve`, from [peek] in
 * portlog.conf: the same capture and recognition as `portlog peek`, on
 * serve's event loop, storing through a store handle of their own. */
#ifndef PORTLOG_PEEK_SERVE_H
#define PORTLOG_PEEK_SERVE_H

#include <stddef.h>

#include <event2/event.h>

#include "../conf.h"

struct peek_serve;

/* Bind what [peek] asks for; call before privileges are dropped.  Returns
 * NULL with err "" when nothing is configured, NULL with err set on error. */
struct peek_serve *peek_serve_bind(const struct conf *c, char *err, size_t errlen);
/* Start listening on base; events and captures go to the database at db. */
int peek_serve_start(struct peek_serve *ps, struct event_base *base, const char *db, char *err,
		     size_t errlen);
int peek_serve_listeners(const struct peek_serve *ps);
/* Record what is open, commit, close everything.  NULL is fine. */
void peek_serve_free(struct peek_serve *ps);

#endif
