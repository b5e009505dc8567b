/* sse.c - /api/stream: events as they are stored, as Server-Sent Events.
 *
 * Each stream has its own connection thread (server.c), so its reader may
 * wait: it asks a pooled read-only store for the highest event id every
 * SSE_POLL_MS (the writer commits every 200 ms, so a line shows within half
 * a second) and sends what is new, oldest first, at most SSE_BATCH per poll
 * (a flood is thinned, not queued).  A comment every 10 s keeps proxies and
 * the idle timeout from closing it; after an hour it ends and the browser's
 * EventSource reconnects, so no stream lives forever. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web_priv.h"

enum { SSE_POLL_MS = 250, SSE_BATCH = 100, SSE_PING_S = 10, SSE_LIFE_S = 3600 };

struct sse {
	struct web *w;
	int64_t last_id;
	time_t started, last_sent;
	char *buf; /* what is ready to send */
	size_t len, off;
	char *lines[SSE_BATCH];
	size_t lens[SSE_BATCH];
	int nlines;
};

static int collect(void *arg, const struct event *ev, const char *format_name)
{
	struct sse *s = arg;
	if (s->nlines == SSE_BATCH)
		return 1;
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	if (!f)
		return 1;
	api_event_json(f, ev, format_name);
	fclose(f);
	s->lines[s->nlines] = p;
	s->lens[s->nlines++] = n;
	return 0;
}

/* New events since last_id into s->buf, oldest first.  0 when none. */
static int poll_new(struct sse *s)
{
	struct store *st = web_store_get(s->w);
	if (!st)
		return 0;
	int64_t top = store_last_event_id(st);
	if (top > s->last_id) {
		struct event_filter f = { .since_us = INT64_MIN, .until_us = INT64_MAX,
					  .port = -1, .direction = -1, .limit = SSE_BATCH,
					  .after_id = s->last_id, .upto_id = top };
		s->nlines = 0;
		store_events(st, &f, collect, s);
		s->last_id = top;
	}
	web_store_put(s->w, st);
	if (!s->nlines)
		return 0;
	FILE *f = open_memstream(&s->buf, &s->len);
	for (int i = s->nlines - 1; i >= 0; i--) {
		if (f) {
			fputs("event: event\ndata: ", f);
			fwrite(s->lines[i], 1, s->lens[i], f);
			fputs("\n\n", f);
		}
		free(s->lines[i]);
	}
	s->nlines = 0;
	if (f)
		fclose(f);
	s->off = 0;
	return f ? 1 : 0;
}

static void set_text(struct sse *s, const char *t)
{
	free(s->buf);
	s->buf = strdup(t);
	s->len = s->buf ? strlen(t) : 0;
	s->off = 0;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct sse *s = cls;
	for (;;) {
		if (s->buf && s->off < s->len) {
			size_t n = s->len - s->off < max ? s->len - s->off : max;
			memcpy(out, s->buf + s->off, n);
			s->off += n;
			s->last_sent = time(NULL);
			return (ssize_t)n;
		}
		free(s->buf);
		s->buf = NULL;
		time_t now = time(NULL);
		if (atomic_load(&s->w->stopping) || now - s->started > SSE_LIFE_S)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (poll_new(s))
			continue;
		if (now - s->last_sent >= SSE_PING_S) {
			set_text(s, ": ping\n\n");
			continue;
		}
		usleep(SSE_POLL_MS * 1000);
	}
}

static void sse_free(void *cls)
{
	struct sse *s = cls;
	atomic_fetch_sub(&s->w->sse_clients, 1);
	free(s->buf);
	free(s);
}

struct MHD_Response *sse_response(struct web *w)
{
	if (atomic_fetch_add(&w->sse_clients, 1) >= WEB_SSE_MAX) {
		atomic_fetch_sub(&w->sse_clients, 1);
		return NULL;
	}
	struct sse *s = calloc(1, sizeof *s);
	struct store *st = s ? web_store_get(w) : NULL;
	if (!st) {
		free(s);
		atomic_fetch_sub(&w->sse_clients, 1);
		return NULL;
	}
	s->w = w;
	s->last_id = store_last_event_id(st);
	web_store_put(w, st);
	s->started = s->last_sent = time(NULL);
	/* tell EventSource to come back after 2 s if the stream ends */
	set_text(s, "retry: 2000\n: portlog live events\n\n");
	struct MHD_Response *r =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, s, sse_free);
	if (!r)
		sse_free(s);
	return r;
}
