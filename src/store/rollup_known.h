/* rollup_known.h - the roll-up rows this writer knows are stored for the
 * newest hours, so that merging the next batch into an hour already written
 * (every commit of a live stream does that) needs no reads.
 *
 * The map covers every hour from `from` on, completely: it starts at the
 * first hour this writer finds empty (past the watermark) and holds every
 * (port, hour, source) row written since.  Another writer, or a map grown
 * past its bound, makes it forget everything; reads then answer until the
 * next empty hour. */
#ifndef PORTLOG_ROLLUP_KNOWN_H
#define PORTLOG_ROLLUP_KNOWN_H

#include <stdint.h>

/* One stored (protocol, direction, action) of a (port, hour, source). */
struct combo {
	int16_t proto;
	uint8_t dir, action;
};

struct known;

struct known *known_new(void);
void known_free(struct known *k);
/* Forget everything; the map covers nothing until known_start(). */
void known_clear(struct known *k);
/* hour is empty in the store: the map covers it and every later hour. */
void known_start(struct known *k, int32_t hour);
int known_covers(const struct known *k, int32_t hour);
/* The combos stored for (port, hour, source): their count (0 if none), or
 * -1 when the map cannot say (too many for one entry). */
int known_get(const struct known *k, int32_t port, int32_t hour, uint8_t fam,
	      const uint8_t src[16], struct combo *out, int max);
/* Record a row written; on running out of room the map forgets everything
 * (and covers nothing until the next known_start after known_thaw). */
void known_add(struct known *k, int32_t port, int32_t hour, uint8_t fam, const uint8_t src[16],
	       struct combo c);
/* Between flushes: allow known_start again after a forced clear. */
void known_thaw(struct known *k);
/* Drop hours before `hour` (the map then covers from there). */
void known_prune(struct known *k, int32_t hour);

#endif
