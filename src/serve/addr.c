/* addr.c - see addr.h. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_port(const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

static int parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	int port;
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host)
			return -1;
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = '\0';
		colon = close + 1;
	} else if ((colon = strrchr(spec, ':'))) {
		if ((size_t)(colon - spec) >= sizeof host)
			return -1;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	} else {
		snprintf(host, sizeof host, "127.0.0.1");
		colon = spec - 1;
	}
	if (parse_port(colon + 1, &port))
		return -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!host[0]) { /* every address, v4 and v6 */
		v6->sin6_family = AF_INET6;
		v6->sin6_addr = in6addr_any;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
	} else if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
	} else {
		return -1;
	}
	return 0;
}

int addr_bind(const char *spec, int type, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse(spec, &ss, &len)) {
		snprintf(err, errlen,
			 "bad listen address '%s' (want ADDR:PORT, [IPV6]:PORT, :PORT or PORT)", spec);
		return -1;
	}
	int fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: socket: %s", spec, strerror(errno));
		return -1;
	}
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 1024))) {
		int e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s%s", spec, strerror(e),
			 e == EACCES ? " (ports below 1024 need root; start as root, serve drops "
				       "privileges after binding)"
			 : e == EADDRINUSE ? " (another program has it: pick another port)"
					   : "");
		close(fd);
		return -1;
	}
	return fd;
}
