/* reputation_run.c - after the block list changed: the reputation findings
 * recomputed from the stored events, the other findings left as they are
 * (they do not depend on the list, and some -- the Topera name, the DF bit
 * of the OS guess -- come from log fields the events table does not keep). */
#include "reputation_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist.h"
#include "detect_priv.h"

struct rerun {
	struct store *st;
	struct rep_det *rep;
	struct finding buf[64];
	size_t n;
	uint64_t findings;
	int failed;
};

static int flush(struct rerun *r)
{
	if (r->n && !r->failed && store_findings_put(r->st, r->buf, r->n))
		r->failed = 1;
	r->n = 0;
	return r->failed;
}

static int put(void *arg, const struct finding *f)
{
	struct rerun *r = arg;
	r->buf[r->n++] = *f;
	r->findings++;
	return r->n == sizeof r->buf / sizeof r->buf[0] ? flush(r) : 0;
}

static int feed(void *arg, int64_t id, struct event *ev)
{
	(void)id;
	struct rerun *r = arg;
	if (!ev->trusted && ev->src.family)
		reputation_feed(r->rep, ev);
	return r->failed;
}

int reputation_recompute(struct store *st, uint64_t *findings)
{
	*findings = 0;
	struct blocklist bl;
	if (blocklist_load(&bl, st) || store_findings_clear_kind(st, FINDING_REPUTATION)) {
		blocklist_free(&bl);
		return -1;
	}
	int rc = 0;
	if (bl.n) {
		struct detect_conf c;
		detect_conf_default(&c);
		c.block = &bl;
		c.live = 0;
		struct rerun *r = calloc(1, sizeof *r);
		struct emit e = { put, r, 0 };
		if (!r || !(r->rep = reputation_new(&c, &e))) {
			free(r);
			blocklist_free(&bl);
			return -1;
		}
		r->st = st;
		rc = store_events_ordered(st, 0, feed, r);
		if (!rc && !r->failed)
			reputation_finish(r->rep);
		if (flush(r) || r->failed)
			rc = -1;
		*findings = r->findings;
		reputation_free(r->rep);
		free(r);
	}
	blocklist_free(&bl);
	if (rc || store_commit(st))
		return -1;
	return 0;
}
