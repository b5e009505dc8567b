/* direction.c - see direction.h. */
#include "direction.h"

int direction_of(const struct netset *home, const struct event *ev)
{
	int src_in = netset_contains(home, &ev->src);
	int dst_in = netset_contains(home, &ev->dst);
	if (src_in && dst_in)
		return EV_DIR_INTERNAL;
	if (dst_in)
		return EV_DIR_INBOUND;
	if (src_in)
		return EV_DIR_OUTBOUND;
	return ev->direction_hint;
}
