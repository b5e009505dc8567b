/* probe_packs.h - one-port probes, stored packed (schema 17).
 *
 * Nearly all of a bulk import's findings are probes: one source that sent
 * a few packets to one port that data/signatures names (or pinged).  As
 * rows of findings each cost an upsert into five B-trees: half of what the
 * detectors add to an import.  Here the probes that one call of
 * store_findings_put writes with the same danger, port, protocol,
 * signature and references are one row of probe_packs: their own fields
 * packed in a blob, their addresses in a Bloom filter (one addr_bloom.h
 * segment), the pack's time bounds in columns.
 *
 * The eponymous virtual table `probes` reads them back as rows with the
 * columns of findings (SQLITE_FINDING_COLS), so SQL written for findings
 * reads both with UNION ALL.  It skips the packs that a query's src, port,
 * danger and time bounds rule out, and SQLite checks every condition
 * again.  DELETE FROM probes marks a probe deleted in its record (the
 * store moves a probe to findings when it is written again).  Packs are
 * written only by a bulk import; serve's findings, updated as they grow,
 * stay rows of findings.
 *
 * A record in a pack's data (probe_rec.c):
 *   byte     flags: bit 0 deleted; bits 1-2 family (1 IPv4, 2 IPv6)
 *   4/16     the address
 *   varints  zigzag(first_ts - the pack's base), zigzag(last_ts - first_ts),
 *            packets, nhosts, trw_probes
 *   strings  probe (byte length), hosts (varint length), os (byte length) */
#ifndef PORTLOG_PROBE_PACKS_H
#define PORTLOG_PROBE_PACKS_H

#include <sqlite3.h>
#include <stdint.h>

#include "../finding.h"

/* Is f a probe that a pack holds and gives back the same? */
int probe_packable(const struct finding *f);

/* The probes of one store_findings_put, grouped into packs, for db. */
struct probe_packer;
struct probe_packer *probe_packer_new(sqlite3 *db);
void probe_packer_free(struct probe_packer *p);
/* Add f (probe_packable): 0, or -1 out of memory. */
int probe_packer_add(struct probe_packer *p, const struct finding *f);
/* Write the packs as rows of probe_packs and start empty: SQLITE_OK or
 * SQLite's error (the packer is empty either way). */
int probe_packer_flush(struct probe_packer *p);

/* Register the virtual table `probes` on db (probes_vtab.c): SQLITE_OK or
 * an error. */
int probe_packs_register(sqlite3 *db);

/* cb(arg, subject) for every probe not deleted in the packs whose id is
 * above after; *last is set to the highest id read (or left).  SQLITE_OK,
 * SQLITE_CORRUPT for a damaged pack, or SQLite's error. */
int probe_packs_subjects(sqlite3 *db, int64_t after, int64_t *last,
			 void (*cb)(void *arg, const char *subject), void *arg);

#endif
