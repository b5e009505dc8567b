/* probe_rec.h - one probe's record in a pack (the format: probe_packs.h).
 * Shared by the packer (probe_packs.c) and the virtual table that reads
 * packs (probes_vtab.c). */
#ifndef PORTLOG_PROBE_REC_H
#define PORTLOG_PROBE_REC_H

#include <stddef.h>
#include <stdint.h>

#include "../finding.h"
#include "../util/varint.h"

enum {
	REC_DELETED = 1, /* the flags byte: set by DELETE FROM probes */
	REC_V4 = 1 << 1,
	REC_V6 = 2 << 1,
	/* the longest texts (finding.h's fields, less their NUL) */
	REC_PROBE_MAX = sizeof ((struct finding *)0)->probe - 1,
	REC_HOSTS_MAX = sizeof ((struct finding *)0)->hosts - 1,
	REC_OS_MAX = sizeof ((struct finding *)0)->os - 1,
	/* the longest record */
	REC_MAX = 1 + 16 + 8 * VARINT_MAX + REC_PROBE_MAX + REC_HOSTS_MAX + REC_OS_MAX,
	/* A pack's records start below this offset, which the low bits of a
	 * probe's rowid hold (pack id << REC_OFF_BITS | offset). */
	REC_OFF_BITS = 24,
	PACK_DATA_MAX = (1 << REC_OFF_BITS) - REC_MAX,
};

/* Times a pack holds, 0 <= t < this: differences of two fit in 63 bits. */
#define REC_TIME_MAX (INT64_C(1) << 61)

/* A record as read: its texts point into the pack's data. */
struct probe_rec {
	uint8_t flags;
	struct ev_addr src;
	int64_t first_us, last_us;
	uint64_t packets, nhosts, trw_probes;
	const char *probe, *hosts, *os; /* not terminated */
	size_t probe_len, hosts_len, os_len;
};

/* Encode f's own fields at out (REC_MAX bytes of room), its first time
 * relative to base; returns the bytes written.  f is probe_packable. */
size_t probe_rec_encode(uint8_t *out, const struct finding *f, int64_t base);
/* The record at *pos of p[0..n) in a pack whose base is base: 1 and *pos
 * past it, 0 at the end, -1 if damaged. */
int probe_rec_decode(const uint8_t *p, size_t n, size_t *pos, int64_t base, struct probe_rec *r);

#endif
