/* udp.h - syslog over UDP (RFC 5426: one message per datagram) and SNMP
 * traps (UDP 162), on libevent.  Datagrams are read in batches (recvmmsg);
 * oversized ones are refused and counted; the kernel's own drops on the
 * socket (SO_RXQ_OVFL) are counted too. */
#ifndef PORTLOG_UDP_H
#define PORTLOG_UDP_H

#include <event2/event.h>

#include "../serve/ingest.h"

enum { UDP_MSG_MAX = 16384 }; /* longest datagram accepted */

struct udp_listener;

/* fd: a bound datagram socket (addr_bind); traps: decode SNMP traps instead
 * of reading syslog text.  NULL on error (out of memory). */
struct udp_listener *udp_listener_new(struct event_base *base, struct ingest *in, int index,
				      int fd, int traps);
void udp_listener_free(struct udp_listener *u);

#endif
