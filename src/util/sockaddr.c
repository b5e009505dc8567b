/* sockaddr.c - see sockaddr.h. */
#include "sockaddr.h"

#include <netinet/in.h>
#include <string.h>

int sockaddr_to_ev(const struct sockaddr *sa, struct ev_addr *a)
{
	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)sa;
		a->family = 4;
		memcpy(a->bytes, &v4->sin_addr, 4);
		return ntohs(v4->sin_port);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
			a->family = 4;
			memcpy(a->bytes, v6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = 6;
			memcpy(a->bytes, v6->sin6_addr.s6_addr, 16);
		}
		return ntohs(v6->sin6_port);
	}
	return 0;
}
