/* homenet.h - the home networks in effect, one rule for import, serve and the
 * dashboard:
 *
 *   configured  --home-net if given, else home_net in portlog.conf; stays in
 *               the user's file (the dashboard never rewrites it)
 *   stored      added in the dashboard or with `portlog homenet add`, kept in
 *               the database (store_homenet_*)
 *
 * Both lists count; a network in either is inside.  Directions are decided
 * when an event arrives, so a change applies to new events only. */
#ifndef PORTLOG_CMD_HOMENET_H
#define PORTLOG_CMD_HOMENET_H

#include <stddef.h>

#include "../classify/netset.h"

struct store;

enum { HOMENET_CIDR_MAX = 64, HOMENET_NOTE_MAX = 200 };

/* A network a user typed: canonical "NET/BITS" into canon (HOMENET_CIDR_MAX
 * bytes; host bits cleared).  0, or -1 with a sentence saying what to type
 * in err. */
int homenet_check(const char *in, char *canon, size_t n, char *err, size_t errlen);
/* Is canon (canonical text) one of the configured list's networks? */
int homenet_configured_has(const char *configured, const char *canon);
/* home (initialised here) = the configured list (comma- or space-separated,
 * may be "") plus the networks stored in st (NULL: none).  0, or -1 with err
 * (home is then empty). */
int homenet_load(struct netset *home, const char *configured, struct store *st, char *err,
		 size_t errlen);
/* The same, reading the stored ones through a short read-only handle on db;
 * a database that does not exist yet holds none. */
int homenet_load_db(struct netset *home, const char *configured, const char *db, char *err,
		    size_t errlen);
/* Have the store keep its host roll-up for home's public networks too
 * (store_cover_nets: their stored events are counted once, the first time)
 * and commit.  0, or -1 with err. */
int homenet_cover(struct store *st, const struct netset *home, char *err, size_t errlen);
/* The same through a short writable handle on db (created if need be). */
int homenet_cover_db(const struct netset *home, const char *db, char *err, size_t errlen);

#endif
