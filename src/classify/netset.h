/* netset.h - a small set of networks (CIDR blocks), IPv4 and IPv6. */
#ifndef PORTLOG_NETSET_H
#define PORTLOG_NETSET_H

#include "../event.h"

struct cidr {
	struct ev_addr net; /* masked to prefix bits */
	uint8_t bits;
};

struct netset {
	struct cidr *v;
	int n, cap;
};

/* "192.168.1.0/24", "10.0.0.1" (a host), "fd00::/8".  0 on success. */
int cidr_parse(struct cidr *c, const char *s);
/* The same, as the store's filters hold a network (store.h: family, prefix
 * bits, 16 address bytes). */
int cidr_parse_parts(const char *s, uint8_t *family, uint8_t *bits, uint8_t net[16]);
int cidr_contains(const struct cidr *c, const struct ev_addr *a);
/* Text of c into buf (46+4 bytes). */
const char *cidr_str(const struct cidr *c, char *buf, size_t n);

void netset_init(struct netset *s);
void netset_free(struct netset *s);
int netset_add(struct netset *s, const struct cidr *c);
/* Comma- or space-separated CIDRs; on error *bad points at the offending one
 * (copied into bad, badlen bytes) and -1 is returned. */
int netset_add_list(struct netset *s, const char *list, char *bad, size_t badlen);
int netset_contains(const struct netset *s, const struct ev_addr *a);

#endif
