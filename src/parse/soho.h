/* soho.h - small scanners shared by the home-router formats (Netgear,
 * D-Link, Linksys), whose lines are English sentences around addresses. */
#ifndef PORTLOG_SOHO_H
#define PORTLOG_SOHO_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "parse.h"

/* An address with an optional ":port" at s, ending at the first byte that
 * cannot belong to it (space, comma, ')' ...).  Returns bytes used, 0 if
 * none.  IPv6 with a port is bracketed: "[2001:db8::1]:80". */
size_t soho_addr(const char *s, size_t n, struct ev_addr *a, uint16_t *port, int *has_port);

/* Decimal number at s; bytes used, 0 if none or above max. */
size_t soho_num(const char *s, size_t n, uint32_t max, uint32_t *out);

/* Where lit starts in s, or NULL (exact bytes). */
const char *soho_find(const char *s, size_t n, const char *lit);

/* "TCP", "UDP", "ICMP" word at s -> protocol number, or -1. */
int soho_proto_word(const char *s, size_t n);

/* Month name, full or three letters, at s: 1..12 and *used, or 0. */
int soho_month(const char *s, size_t n, size_t *used);

#endif
