/* detect_run.h - the detectors wired to the store and the trust list: what
 * import (and serve) call.  Findings are written to the store as they
 * appear, in the store's open batch. */
#ifndef PORTLOG_DETECT_RUN_H
#define PORTLOG_DETECT_RUN_H

#include <stdint.h>

#include "../store/store.h"

struct detect_session;

enum {
	DETECT_QUIET = 1, /* no warning when data/signatures is missing */
	DETECT_LIVE = 2,  /* serve: write each finding the moment it exists; without it
			     (import) findings are written in groups and scans once, at the end */
};
/* Load the trust list and data/signatures (a warning, unless quiet, when the
 * signatures are missing: nothing is named then).  NULL on error (printed),
 * or when PORTLOG_DETECT=0 (benchmarks). */
struct detect_session *detect_session_open(struct store *st, int flags);
/* One event, in time order: marks ev->trusted and feeds the detectors.
 * NULL ds does nothing. */
void detect_session_event(struct detect_session *ds, struct event *ev);
/* Feed events on one thread and write findings on another (import): after
 * this, detect_session_event may run on the feeding thread while the
 * store's thread calls detect_session_drain to write what was found. */
void detect_session_defer(struct detect_session *ds);
/* Write the findings queued since the last drain (store thread).  0 or -1. */
int detect_session_drain(struct detect_session *ds);
/* End: last findings, trusted marks of the events seen, commit.  Frees ds.
 * Call after the feeding thread is done.  0, or -1 after printing the
 * store's error. */
int detect_session_close(struct detect_session *ds);
uint64_t detect_session_findings(const struct detect_session *ds);
/* Read the trust list and the block list again (serve, on SIGHUP): events
 * from now on are judged by them.  On error -1 is returned and the old
 * block list (or both lists) stays. */
int detect_session_reload_trust(struct detect_session *ds);
size_t detect_session_memory(const struct detect_session *ds);

/* After the trust list changed: re-mark every stored event, forget the
 * findings and run the detectors again over all events in time order. */
int detect_recompute(struct store *st, uint64_t *remarked, uint64_t *findings);

#endif
