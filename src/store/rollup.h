/* rollup.h - per port and hour aggregates, kept exact as events arrive.
 *
 * Tables (SQLite backend, schema 6 and 11), one row per key and flush ("part"):
 *   rollup_port (port, hour, part) -> events, sources, and packed lists
 *       combos (proto, direction, action -> events, new sources),
 *       uniq   (proto|-1, direction|-1   -> new sources),
 *       srcs   (source, proto, direction, action -> events);
 *   rollup_time (hour, part) -> packed lists
 *       ports (port, proto, direction, action -> events),
 *       srcs  (source, port, proto, direction, action -> events),
 *       inside (destination, port, direction -> events) of inbound and
 *              internal events: the inside hosts hit;
 *   rollup_bloom (hour, part) -> bloom, a filter of the hour's addresses
 *       (addr_bloom.h; schema 11, in rollup_time before).
 * The lists are BLOBs of rupack.h entries: a row per (port, hour) instead
 * of a row per source is what keeps import fast.  Parts of one key add up:
 * a part counts only sources its key had not seen before (read back from
 * the earlier parts, or known from rollup_known.c), so sums are exact.
 *
 * Events are aggregated in memory and flushed with each commit. */
#ifndef PORTLOG_ROLLUP_H
#define PORTLOG_ROLLUP_H

#include <sqlite3.h>
#include <stdint.h>

#include "../event.h"

struct rollup;

struct rollup *rollup_new(void);
void rollup_free(struct rollup *r);
/* Count one event: its (port, hour, protocol, direction, action, source),
 * its addresses for the hour's Bloom filter, and, inbound or internal, its
 * destination among the inside hosts hit.  0, or -1 out of memory. */
int rollup_count(struct rollup *r, int port, int32_t hour, int proto, int direction, int action,
		 const struct ev_addr *src, const struct ev_addr *dst);
size_t rollup_pending(const struct rollup *r);
/* Write everything pending inside the caller's transaction.  0 on success. */
int rollup_flush(struct rollup *r, sqlite3 *db);

/* The same counting into an accumulator of the caller's, which may run on
 * another thread than the writer's (import counts on its reader thread);
 * rollup_flush_acc writes it with the writer's state and clears it. */
struct rollup_acc;
struct rollup_acc *rollup_acc_new(void);
void rollup_acc_free(struct rollup_acc *a);
void rollup_acc_clear(struct rollup_acc *a);
int rollup_acc_count(struct rollup_acc *a, int port, int32_t hour, int proto, int direction,
		     int action, const struct ev_addr *src, const struct ev_addr *dst);
/* Sort what is counted, ready for the flush (import's reader does this
 * before handing a tally over, so the writer need not); nothing more may
 * be counted until it is cleared.  0, or -1 out of memory (left unsorted). */
int rollup_acc_sort(struct rollup_acc *a);
int rollup_flush_acc(struct rollup *r, struct rollup_acc *acc, sqlite3 *db);
/* Forget what is pending and what is known stored: the transaction it was
 * meant for was rolled back. */
void rollup_reset(struct rollup *r);

/* The port and protocol an event is rolled up under. */
static inline int rollup_port(const struct event *ev)
{
	return (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
}
/* A flush that writes an hour more than ROLLUP_PAST_HOURS before the newest
 * hour stored so far (meta rollup_max_hour) sets meta rollup_past_gen to its
 * part number: a reader that kept sums of hours that old (rank_memo.h) knows
 * from it whether they changed since.  A live stream writes its last hours
 * only and leaves it alone. */
enum { ROLLUP_PAST_HOURS = 48 };
/* -1 means "any protocol" in rollup_uniq, so an absent protocol is 256. */
enum { ROLLUP_PROTO_NONE = 256 };
static inline int rollup_proto(const struct event *ev)
{
	return (ev->has & EV_HAS_PROTO) ? ev->proto : ROLLUP_PROTO_NONE;
}

#endif
