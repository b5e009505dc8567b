/* trust.c - see trust.h. */
#include "trust.h"

#include <stdio.h>

static int add_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	(void)note;
	(void)added_s;
	struct trust *t = arg;
	struct cidr c;
	if (cidr_parse(&c, cidr) == 0)
		netset_add(&t->nets, &c); /* rows were checked by `trust add` */
	return 0;
}

int trust_load(struct trust *t, struct store *st)
{
	netset_init(&t->nets);
	return store_trust_list(st, add_row, t);
}

void trust_free(struct trust *t)
{
	netset_free(&t->nets);
}

int trust_pair(const struct trust *t, const struct ev_addr *src, const struct ev_addr *dst)
{
	return t->nets.n && (netset_contains(&t->nets, src) || netset_contains(&t->nets, dst));
}

int trust_mark(const struct trust *t, struct event *ev)
{
	ev->trusted = (uint8_t)trust_pair(t, &ev->src, &ev->dst);
	return ev->trusted;
}
