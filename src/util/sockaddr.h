/* sockaddr.h - a socket address as the event's address. */
#ifndef PORTLOG_SOCKADDR_H
#define PORTLOG_SOCKADDR_H

#include <sys/socket.h>

#include "../event.h"

/* The address of sa (a v4 sender on a dual-stack socket as IPv4; family 0
 * for anything but IPv4 and IPv6); returns its port, 0 if it has none. */
int sockaddr_to_ev(const struct sockaddr *sa, struct ev_addr *a);

#endif
