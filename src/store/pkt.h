/* pkt.h - an event's packet details as one BLOB: events.pkt (schema 18).
 *
 * TCP flags, ICMP type and code, IP length, TTL, TCP window, TCP options,
 * and the IP flags (DF) and options count are shown or fed to the
 * detectors, never searched with SQL.  In one
 * column instead of seven, storing an event costs a fifth less: SQLite's
 * cost for a row is mostly per column (bound, copied, encoded).
 *
 * Layout: a byte of bits saying which are there, then those, in this
 * order: TCP flags (1 byte), ICMP type and code (2), length (varint), TTL
 * (1), window (varint), IP flags and options count (2), and to the end the
 * TCP options as logged.  (The IP flags are new with schema 18: detectors
 * run again over stored events (trust add) guess a sender's system as the
 * import did.)  (As
 * bytes instead of hex they would take 4% less room in all, for more CPU
 * on import's busiest thread than that room costs to write.)  An event
 * with none of these has no BLOB (NULL). */
#ifndef PORTLOG_PKT_H
#define PORTLOG_PKT_H

#include <sqlite3.h>
#include <stddef.h>

#include "../event.h"

/* the bits, flags, ICMP, TTL, IP flags and two varints of 32 and 16 bits */
enum { PKT_FIXED_MAX = 15 };

/* ev's details into out (PKT_FIXED_MAX + ev->tcp_opts.n bytes of room);
 * returns the bytes written, 0 when there is nothing to store. */
size_t pkt_encode(const struct event *ev, unsigned char *out);
/* The details in p[0..n) into ev (fields and has bits; the TCP options
 * point into p).  0, or -1 when p is not such a BLOB. */
int pkt_decode(const void *p, size_t n, struct event *ev);

/* SQL function pkt_pack(tcp_flags, icmp_type, icmp_code, len, ttl, window,
 * tcp_opts), for the migration that moved these columns into pkt.
 * SQLITE_OK on success. */
int pkt_register(sqlite3 *db);

#endif
