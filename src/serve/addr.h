/* addr.h - listen addresses: "127.0.0.1:5514", "[::1]:5514", "0.0.0.0:514",
 * ":5514" (all IPv4 and IPv6 addresses), or a bare port (127.0.0.1). */
#ifndef PORTLOG_ADDR_H
#define PORTLOG_ADDR_H

#include <stddef.h>

/* Create, configure and bind a socket (SOCK_DGRAM or SOCK_STREAM, which is
 * also put into listening state); nonblocking, close-on-exec.  Returns the
 * fd, or -1 with a message (saying what to do) in err. */
int addr_bind(const char *spec, int type, char *err, size_t errlen);

#endif
