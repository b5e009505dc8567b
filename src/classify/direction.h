/* direction.h - which way a packet went, seen from the home networks. */
#ifndef PORTLOG_DIRECTION_H
#define PORTLOG_DIRECTION_H

#include "netset.h"

/* Inside to inside is internal, outside to inside inbound, inside to outside
 * outbound.  When neither end is inside (the firewall's own public address is
 * usually not a home network) the format's own hint decides, else unknown. */
int direction_of(const struct netset *home, const struct event *ev);

#endif
