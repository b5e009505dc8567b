/* fuzz_packs.c - libFuzzer target: probes packed and read back (store/
 * probe_packs.h), then their packs damaged.
 *
 * Byte 0: bits 0-3 the number of probes less one, bit 7 whether the packs
 * are then damaged.  Each probe takes its fields from the bytes that follow
 * (zeros once they run out): address and family, first time, a signed span
 * to its last, packets, hosts, TRW probes, port or none, protocol, danger,
 * one of two names, and probe, hosts and OS texts of any length their
 * fields hold.  Checks beyond the sanitizers: every probe_packable probe is
 * read back through the virtual table with every field equal (summary
 * included), none more; after damage (what is left of the input truncates
 * a pack, sets bytes in it, or cuts its Bloom filter), listing, looking up
 * by address and by port, DELETE and the subjects' walk end without a
 * crash, an error being a fine answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../src/finding.h"
#include "../src/store/probe_packs.h"
#include "../src/store/sqlite_priv.h"
#include "../src/store/store.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

static char path[64];

static void remove_store(void)
{
	char p[80];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

/* A store made once with the migrations (probe_packs among them), then a
 * plain connection to it with the virtual table. */
static sqlite3 *db_once(void)
{
	static sqlite3 *db;
	if (db)
		return db;
	snprintf(path, sizeof path, "/tmp/fuzz_packs-%d.db", (int)getpid());
	remove_store();
	char err[256];
	struct store *st = store_open(path, 0, err, sizeof err);
	if (!st)
		fail(err);
	store_close(st);
	atexit(remove_store);
	if (sqlite3_open(path, &db) != SQLITE_OK || probe_packs_register(db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL) != SQLITE_OK)
		fail("opening the store");
	return db;
}

struct in {
	const uint8_t *p;
	size_t n, pos;
};

static uint64_t take(struct in *in, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | (in->pos < in->n ? in->p[in->pos++] : 0);
	return v;
}

static void take_text(struct in *in, char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = (char)take(in, 1);
		out[i] = c ? c : 'x'; /* a C string holds no NUL */
	}
	out[len] = '\0';
}

static struct finding probe_from(struct in *in)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_SCAN;
	uint64_t flags = take(in, 1);
	f.src.family = flags & 1 ? 6 : 4;
	for (int i = 0; i < (f.src.family == 4 ? 4 : 16); i++)
		f.src.bytes[i] = (uint8_t)take(in, 1);
	ev_addr_str(&f.src, f.subject, sizeof f.subject);
	f.first_us = (int64_t)take(in, 7);
	f.last_us = f.first_us + (int32_t)(uint32_t)take(in, 4);
	f.packets = take(in, 4);
	f.nhosts = (uint32_t)take(in, 2);
	f.trw_probes = (int)take(in, 1);
	snprintf(f.shape, sizeof f.shape, "probe");
	f.proto = (int)take(in, 1);
	if (flags & 2) {
		f.port_lo = f.port_hi = -1;
	} else {
		f.port_lo = f.port_hi = (int)take(in, 2);
		f.nports = 1;
		snprintf(f.ports, sizeof f.ports, "%d", f.port_lo);
	}
	f.danger = 1 + (int)(take(in, 1) % 5);
	snprintf(f.signature, sizeof f.signature, "%s", flags & 4 ? "SMB worm probe" : "");
	snprintf(f.refs, sizeof f.refs, "%s", flags & 4 ? "MS04-011" : "");
	take_text(in, f.probe, take(in, 1) % sizeof f.probe);
	take_text(in, f.hosts, take(in, 2) % sizeof f.hosts);
	take_text(in, f.os, take(in, 1) % sizeof f.os);
	finding_summary(&f);
	return f;
}

static int same(const struct finding *a, const struct finding *b)
{
	return a->kind == b->kind && !strcmp(a->subject, b->subject) &&
	       a->src.family == b->src.family && !memcmp(a->src.bytes, b->src.bytes, 16) &&
	       a->first_us == b->first_us && a->last_us == b->last_us &&
	       !strcmp(a->shape, b->shape) && !strcmp(a->probe, b->probe) &&
	       a->proto == b->proto && a->port_lo == b->port_lo && a->port_hi == b->port_hi &&
	       a->nports == b->nports && a->nhosts == b->nhosts && a->packets == b->packets &&
	       !strcmp(a->ports, b->ports) && !strcmp(a->hosts, b->hosts) &&
	       a->danger == b->danger && a->trw_probes == b->trw_probes &&
	       !strcmp(a->signature, b->signature) && !strcmp(a->refs, b->refs) &&
	       !strcmp(a->os, b->os) && !strcmp(a->summary, b->summary);
}

/* Run sql to its end; errors are answers too. */
static void run(sqlite3 *db, const char *sql, const struct ev_addr *a, int port)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db)); /* the SQL is ours: it must prepare */
	if (a)
		sqlite3_bind_blob(s, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, port);
	while (sqlite3_step(s) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
}

static void count_subject(void *arg, const char *subject)
{
	(void)subject;
	(*(size_t *)arg)++;
}

/* The pack with rowid id cut, set and with its filter cut as the input
 * says. */
static void damage(sqlite3 *db, struct in *in)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT id, data, bloom FROM probe_packs ORDER BY id", -1, &s,
			       NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	int64_t want = (int64_t)take(in, 1), id = -1;
	uint8_t *d = NULL, *b = NULL;
	size_t dn = 0, bn = 0;
	for (int64_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++)
		if (i == 0 || i == want) {
			free(d);
			free(b);
			id = sqlite3_column_int64(s, 0);
			dn = (size_t)sqlite3_column_bytes(s, 1);
			bn = (size_t)sqlite3_column_bytes(s, 2);
			d = exact_copy(sqlite3_column_blob(s, 1), dn);
			b = exact_copy(sqlite3_column_blob(s, 2), bn);
		}
	sqlite3_finalize(s);
	if (id < 0)
		return;
	uint64_t op = take(in, 1);
	if (op & 1 && dn)
		dn = take(in, 2) % dn; /* cut short */
	for (int k = 0; k < (int)(op >> 4) && dn; k++) {
		size_t at = take(in, 2) % dn;
		d[at] = (uint8_t)take(in, 1);
	}
	if (op & 2)
		bn = bn ? take(in, 1) % bn : 0;
	if (sqlite3_prepare_v2(db, "UPDATE probe_packs SET data = ?1, bloom = ?2 WHERE id = ?3", -1,
			       &s, NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	sqlite3_bind_blob(s, 1, d, (int)dn, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, b, (int)bn, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		fail(sqlite3_errmsg(db));
	sqlite3_finalize(s);
	free(d);
	free(b);
}

enum { MAX_PROBES = 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sqlite3 *db = db_once();
	struct in in = { data, size, 1 };
	int n = 1 + (data[0] & 15), damaged = data[0] & 0x80;
	static struct finding want[MAX_PROBES], got[MAX_PROBES + 1];
	int nwant = 0;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	struct probe_packer *pk = probe_packer_new(db);
	if (!pk)
		abort();
	for (int i = 0; i < n; i++) {
		struct finding f = probe_from(&in);
		if (!probe_packable(&f))
			continue;
		if (probe_packer_add(pk, &f))
			abort();
		want[nwant++] = f;
	}
	if (probe_packer_flush(pk) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	probe_packer_free(pk);

	/* read back: the same probes, each once */
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT " SQLITE_FINDING_COLS " FROM probes", -1, &s, NULL) !=
	    SQLITE_OK)
		fail(sqlite3_errmsg(db));
	int ngot = 0, rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && ngot <= MAX_PROBES)
		sqlite_read_finding(s, &got[ngot++]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		fail(sqlite3_errmsg(db));
	sqlite3_finalize(s);
	if (ngot != nwant)
		fail("a different number of probes read back");
	int used[MAX_PROBES + 1] = { 0 };
	for (int i = 0; i < nwant; i++) {
		int k = 0;
		while (k < ngot && (used[k] || !same(&want[i], &got[k])))
			k++;
		if (k == ngot)
			fail("a probe read back differs");
		used[k] = 1;
	}

	if (damaged) {
		damage(db, &in);
		struct ev_addr a = nwant ? want[0].src : (struct ev_addr){ 4, { 192, 0, 2, 1 } };
		int port = nwant ? want[0].port_lo : 445;
		run(db, "SELECT " SQLITE_FINDING_COLS " FROM probes", NULL, 0);
		run(db, "SELECT " SQLITE_FINDING_COLS " FROM probes WHERE src = ?1", &a, 0);
		run(db, "SELECT subject FROM probes WHERE port_lo = ?2 AND last_ts >= 0"
			" AND first_ts < 9000000000000000 AND danger >= 2", NULL, port);
		run(db, "DELETE FROM probes WHERE packets % 2 = 0 OR src = ?1", &a, 0);
		run(db, "SELECT count(*) FROM probes", NULL, 0);
		size_t subjects = 0;
		int64_t last = 0;
		probe_packs_subjects(db, 0, &last, count_subject, &subjects);
	}
	if (sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	return 0;
}
