/* ber.h - a small bounded reader for the BER subset SNMP uses (X.690):
 * one-byte tags, definite lengths, integers, octet strings, OIDs.
 *
 * Pure, no allocation: every value is a slice of the packet, and every read
 * checks its length against what is left, so a hostile packet can only make
 * a read fail. */
#ifndef PORTLOG_BER_H
#define PORTLOG_BER_H

#include <stddef.h>
#include <stdint.h>

enum {
	BER_INTEGER = 0x02,
	BER_OCTET_STRING = 0x04,
	BER_NULL = 0x05,
	BER_OID = 0x06,
	BER_SEQUENCE = 0x30,
	BER_IPADDRESS = 0x40, /* [APPLICATION 0] */
	BER_TIMETICKS = 0x43, /* [APPLICATION 3] */
};

struct ber {
	const uint8_t *p;
	size_t n;
};

/* Read one tag-length-value from b: the tag into *tag and the value into
 * *val; b advances past it.  0 on success, -1 on a malformed or truncated
 * element (multi-byte tags, indefinite lengths and lengths over 2^24 are
 * refused). */
int ber_next(struct ber *b, unsigned *tag, struct ber *val);
/* Same, but the tag must be want. */
int ber_expect(struct ber *b, unsigned want, struct ber *val);
/* A two's-complement INTEGER of at most 8 bytes. */
int ber_int(const struct ber *v, int64_t *out);
/* Dotted text of an OID ("1.3.6.1.4.1.3955"); -1 if malformed or longer than n. */
int ber_oid_str(const struct ber *v, char *buf, size_t n);

#endif
