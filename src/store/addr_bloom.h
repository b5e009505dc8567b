/* addr_bloom.h - which hours an address may appear in.
 *
 * Each rollup_time part has a Bloom filter of the addresses (sources and
 * destinations) of its hour's events, in rollup_bloom (hour, part) beside
 * it (schema 11; rollup.h), so "everything about one
 * address" reads the events of the hours that may hold it instead of every
 * event (sqlite_addr.c).  A filter is a list of segments, each
 * [4-byte little-endian length][bits], a power of two bytes long; compacting
 * parts concatenates their segments, which loses nothing.  An address may
 * be in the hour if any segment has all its bits. */
#ifndef PORTLOG_ADDR_BLOOM_H
#define PORTLOG_ADDR_BLOOM_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "rupack.h"

uint64_t abloom_hash(const struct ev_addr *a);

/* The addresses seen per hour since the last reset. */
struct abloom_set;
struct abloom_set *abloom_new(void);
void abloom_free(struct abloom_set *s);
void abloom_reset(struct abloom_set *s);
/* 0, or -1 out of memory. */
int abloom_note(struct abloom_set *s, int32_t hour, const struct ev_addr *a);
/* Append hour's segment to out (nothing if no address was noted). */
int abloom_build(const struct abloom_set *s, int32_t hour, struct rubuf *out);
/* Append one segment holding the n addresses whose abloom_hash are h[]
 * (the probe packs' filters, probe_packs.h).  0, or -1 out of memory. */
int abloom_segment(const uint64_t *h, size_t n, struct rubuf *out);

/* 1 if the address with hash h may be in the filter p[0..n), else 0.  A
 * damaged filter answers 1 (read the hour rather than miss it). */
int abloom_test(const uint8_t *p, size_t n, uint64_t h);

#endif
