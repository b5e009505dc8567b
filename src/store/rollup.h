/* rollup.h - per port and hour aggregates, kept exact as events arrive.
 *
 * Tables (SQLite backend):
 *   rollup_src  (port, hour, src, proto, direction, action) -> events
 *   rollup_hour (port, hour, proto, direction, action)      -> events, sources
 *   rollup_uniq (port, hour, proto|-1, direction|-1)        -> sources
 * rollup_src is the ground truth for distinct sources over any period;
 * rollup_hour answers counts, and rollup_uniq answers "unique sources per
 * hour" for any protocol/direction filter without counting at query time.
 *
 * Events are aggregated in memory and flushed with each commit.  Hours newer
 * than everything flushed before are written without reading (the common
 * case: a log read in time order); older hours are merged row by row. */
#ifndef PORTLOG_ROLLUP_H
#define PORTLOG_ROLLUP_H

#include <sqlite3.h>
#include <stdint.h>

#include "../event.h"

struct rollup;

struct rollup *rollup_new(void);
void rollup_free(struct rollup *r);
int rollup_add(struct rollup *r, int port, int32_t hour, int proto, int direction, int action,
	       const struct ev_addr *src);
size_t rollup_pending(const struct rollup *r);
/* Write everything pending inside the caller's transaction.  0 on success. */
int rollup_flush(struct rollup *r, sqlite3 *db);
/* Forget what is pending and what is known stored: the transaction it was
 * meant for was rolled back. */
void rollup_reset(struct rollup *r);

/* The port and protocol an event is rolled up under. */
static inline int rollup_port(const struct event *ev)
{
	return (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
}
/* -1 means "any protocol" in rollup_uniq, so an absent protocol is 256. */
enum { ROLLUP_PROTO_NONE = 256 };
static inline int rollup_proto(const struct event *ev)
{
	return (ev->has & EV_HAS_PROTO) ? ev->proto : ROLLUP_PROTO_NONE;
}

#endif
