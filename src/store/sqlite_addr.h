/* sqlite_addr.h - the hours that may hold one address (sqlite_addr.c). */
#ifndef PORTLOG_SQLITE_ADDR_H
#define PORTLOG_SQLITE_ADDR_H

#include <sqlite3.h>
#include <stdint.h>

#include "../event.h"
#include "store.h"

/* Fill the temporary table addr_hours(lo, hi) with the events.id ranges of
 * the hours in [h0, h1) that may hold a as source or destination.  Returns
 * the number of ranges, or -1 (the store's error says why). */
int addr_hours(struct store *st, const struct ev_addr *a, int64_t h0, int64_t h1);

/* The same for an address the host roll-up covers (a private one, or one
 * of a covered home network: sqlite_covered, host_cover.h) as a source,
 * from the hours the roll-up keeps (host_tally.h; sqlite_host_hours.c):
 * exact, where the filter holds an inside host in every hour as a
 * destination.  Returns the number of ranges, -2 when those hours are not
 * kept (use addr_hours), or -1 (the store's error says why). */
int addr_src_hours(struct store *st, const struct ev_addr *a, int64_t h0, int64_t h1);

/* Empty temp.addr_hours (created if need be) for new ranges, and return
 * the statement addr_hours_put binds (the caller finalizes it); NULL: the
 * store's error says why. */
sqlite3_stmt *addr_hours_begin(struct store *st);
/* Add the events.id range of the hours [lo, hi).  0, or -1. */
int addr_hours_put(sqlite3_stmt *ins, int64_t lo, int64_t hi);

/* Join to it as: FROM temp.addr_hours h CROSS JOIN events e
 *                WHERE e.id >= h.lo AND e.id < h.hi ... */
#define ADDR_HOURS_JOIN "temp.addr_hours h CROSS JOIN events e"
#define ADDR_HOURS_WHERE "e.id >= h.lo AND e.id < h.hi"

#endif
