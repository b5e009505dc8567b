/* trust.h - networks the owner connects to on purpose.
 *
 * Events from or to a trusted address are stored marked trusted, counted as
 * normal traffic, and never raise a finding.  The list lives in the store
 * (`portlog trust add|rm|list`). */
#ifndef PORTLOG_TRUST_H
#define PORTLOG_TRUST_H

#include "../store/store.h"
#include "netset.h"

struct trust {
	struct netset nets;
};

/* Read the trusted networks from the store.  0 on success. */
int trust_load(struct trust *t, struct store *st);
void trust_free(struct trust *t);
/* Is either end trusted?  Sets ev->trusted and returns it. */
int trust_mark(const struct trust *t, struct event *ev);
int trust_pair(const struct trust *t, const struct ev_addr *src, const struct ev_addr *dst);

#endif
