/* sqlite.c - the embedded store: one SQLite file in WAL mode.
 *
 * Raw events go to `events`, with repeated strings (device, rule, interfaces,
 * MAC header, format, origin) interned in `strs`.  Roll-ups (rollup.c) answer
 * the reports.  The schema is versioned; migrations run on open. */
#include "store.h"

#include <inttypes.h>
#include <pthread.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/hash.h"
#include "checkpointer.h"
#include "host_cover.h"
#include "host_tally.h"
#include "rollup.h"
#include "pkt.h"
#include "probe_packs.h"
#include "rupack.h"
#include "sqlite_priv.h"
#include "recent_findings.h"
#include "subject_filter.h"

/* Keeps host_trust (host_tally.h) current as events' trusted marks change;
 * made in schema 9, again with the events table of schema 18. */
#define HOST_TRUST_MARK                                                                            \
	"CREATE TRIGGER host_trust_mark AFTER UPDATE OF trusted ON events"                          \
	" WHEN (NEW.trusted != 0) != (OLD.trusted != 0) BEGIN"                                     \
	" INSERT INTO host_trust(addr, delta) SELECT NEW.src, (NEW.trusted != 0) - (OLD.trusted != 0)" \
	"  WHERE NEW.src IS NOT NULL"                                                               \
	"  ON CONFLICT(addr) DO UPDATE SET delta = delta + excluded.delta;"                        \
	" INSERT INTO host_trust(addr, delta) SELECT NEW.dst, (NEW.trusted != 0) - (OLD.trusted != 0)" \
	"  WHERE NEW.dst IS NOT NULL AND NEW.dst IS NOT NEW.src"                                    \
	"  ON CONFLICT(addr) DO UPDATE SET delta = delta + excluded.delta;"                        \
	" END;"

static const char *const migrations[] = {
	/* 1: events, interned strings, file positions, roll-ups */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
	/* Where an event was logged and by which rule: these strings repeat
	 * across millions of events, so each distinct combination is stored
	 * once and events point at it. */
	"CREATE TABLE contexts(id INTEGER PRIMARY KEY, device TEXT, rule TEXT, in_if TEXT,"
	" out_if TEXT, phys_in TEXT, phys_out TEXT, mac TEXT, format TEXT, origin TEXT);"
	"CREATE INDEX contexts_all ON contexts(device, rule, in_if, out_if, phys_in, phys_out, mac,"
	" format, origin);"
	/* id = second << 22 | arrival within that second (EVENT_ID_BITS): the
	 * table is clustered by time, so time ranges and "newest first" need no
	 * index, and a log read in time order appends. */
	"CREATE TABLE events("
	" id INTEGER PRIMARY KEY,"
	" ts INTEGER NOT NULL,"         /* UTC microseconds */
	" action INTEGER NOT NULL,"     /* enum ev_action */
	" direction INTEGER NOT NULL,"  /* enum ev_direction */
	" proto INTEGER, src BLOB, dst BLOB, sport INTEGER, dport INTEGER,"
	" tcp_flags INTEGER, icmp_type INTEGER, icmp_code INTEGER,"
	" len INTEGER, ttl INTEGER, window INTEGER, tcp_opts TEXT,"
	" ctx INTEGER NOT NULL REFERENCES contexts(id), line INTEGER);"
	/* For people and scripts: events with their context spelled out. */
	"CREATE VIEW events_v AS SELECT e.id, e.ts, e.action, e.direction, e.proto, e.src, e.dst,"
	" e.sport, e.dport, e.tcp_flags, e.icmp_type, e.icmp_code, e.len, e.ttl, e.window,"
	" e.tcp_opts, c.device, c.rule, c.in_if, c.out_if, c.phys_in, c.phys_out, c.mac, c.format,"
	" c.origin, e.line FROM events e JOIN contexts c ON c.id = e.ctx;"
	"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT, dev INTEGER, ino INTEGER,"
	" fp_len INTEGER, fp INTEGER, offset INTEGER, tail_len INTEGER, tail_fp INTEGER,"
	" lines INTEGER, updated INTEGER);"
	"CREATE INDEX files_fp ON files(fp);"
	"CREATE INDEX files_path ON files(path);"
	"CREATE INDEX files_ino ON files(dev, ino);"
	"CREATE TABLE rollup_src(port INTEGER NOT NULL, hour INTEGER NOT NULL, src BLOB NOT NULL,"
	" proto INTEGER NOT NULL, direction INTEGER NOT NULL, action INTEGER NOT NULL,"
	" events INTEGER NOT NULL,"
	" PRIMARY KEY(port, hour, src, proto, direction, action)) WITHOUT ROWID;"
	"CREATE TABLE rollup_hour(port INTEGER NOT NULL, hour INTEGER NOT NULL,"
	" proto INTEGER NOT NULL, direction INTEGER NOT NULL, action INTEGER NOT NULL,"
	" events INTEGER NOT NULL, sources INTEGER NOT NULL,"
	" PRIMARY KEY(port, hour, proto, direction, action)) WITHOUT ROWID;"
	"CREATE INDEX rollup_hour_hour ON rollup_hour(hour);"
	"CREATE TABLE rollup_uniq(port INTEGER NOT NULL, hour INTEGER NOT NULL,"
	" proto INTEGER NOT NULL, direction INTEGER NOT NULL, sources INTEGER NOT NULL,"
	" PRIMARY KEY(port, hour, proto, direction)) WITHOUT ROWID;",
	/* 2: trusted networks, the trusted mark on events, detector findings
	 * (classify/detect.h; read and written by sqlite_findings.c) */
	"ALTER TABLE events ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE trusted(cidr TEXT PRIMARY KEY, note TEXT, added INTEGER);"
	"CREATE TABLE findings(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	" subject TEXT NOT NULL, src BLOB, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" shape TEXT, probe TEXT, proto INTEGER, port_lo INTEGER, port_hi INTEGER,"
	" nports INTEGER, nhosts INTEGER, packets INTEGER, ports TEXT, hosts TEXT,"
	" danger INTEGER, trw_probes INTEGER, signature TEXT, refs TEXT,"
	" value REAL, baseline REAL, factor REAL, second_wave INTEGER, summary TEXT,"
	" UNIQUE(kind, subject, first_ts));"
	"CREATE INDEX findings_last ON findings(last_ts);",
	/* 3: what peers sent to peek's ports (sqlite_captures.c): the first
	 * bytes of each connection or datagram, what was recognised in them,
	 * and peek's counters (accepted, rejected by reason, ...). */
	"CREATE TABLE captures(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" duration_us INTEGER NOT NULL, proto INTEGER NOT NULL, src BLOB NOT NULL,"
	" sport INTEGER NOT NULL, dst BLOB, dport INTEGER NOT NULL, bytes_in INTEGER NOT NULL,"
	" bytes_out INTEGER NOT NULL, end_reason TEXT, kind TEXT, fields TEXT, patterns TEXT,"
	" data BLOB);"
	"CREATE INDEX captures_ts ON captures(ts);"
	"CREATE INDEX captures_dport ON captures(dport, ts);"
	"CREATE TABLE peek_counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);",
	/* 4: findings by kind and by port (sqlite_ports.c): outbreak markers on
	 * charts and the port page read a few rows, not every scan finding. */
	"CREATE INDEX findings_kind ON findings(kind, last_ts);"
	"CREATE INDEX findings_port_lo ON findings(port_lo, last_ts);"
	"CREATE INDEX findings_port_hi ON findings(port_hi, last_ts);",
	/* 5: compact unique-source roll-up (rollup.c).  A (port, hour) whose
	 * sources all share one (proto, direction) -- nearly all of them -- is
	 * one row, (-1, -1), naming that pair in only_proto/only_dir, instead of
	 * four rows with equal counts.  only_proto -2 (or NULL in rows written
	 * before) means the specific rows are there. */
	"ALTER TABLE rollup_uniq ADD COLUMN only_proto INTEGER;"
	"ALTER TABLE rollup_uniq ADD COLUMN only_dir INTEGER;",
	/* 6: packed roll-ups (rollup.c, rupack.h).  One row per (port, hour)
	 * and flush, its sources in a BLOB, instead of one row per source: the
	 * roll-up rows had become most of import's cost.  rollup_time holds
	 * each hour's totals by port and by source and the inside hosts hit,
	 * for the summaries, and a Bloom filter of the hour's addresses
	 * (addr_bloom.h), so one address's page reads only the hours that may
	 * hold it.  Rows of one key with different parts add up; the migration
	 * rebuilds them from the events (REBUILD_FROM below). */
	"DROP TABLE rollup_src; DROP TABLE rollup_hour; DROP TABLE rollup_uniq;"
	"DELETE FROM meta WHERE key IN ('rollup_max_hour', 'rollup_gen');"
	"CREATE TABLE rollup_port(port INTEGER NOT NULL, hour INTEGER NOT NULL,"
	" part INTEGER NOT NULL, events INTEGER NOT NULL, sources INTEGER NOT NULL,"
	" combos BLOB NOT NULL, uniq BLOB NOT NULL, srcs BLOB NOT NULL,"
	" PRIMARY KEY(port, hour, part)) WITHOUT ROWID;"
	"CREATE TABLE rollup_time(id INTEGER PRIMARY KEY, hour INTEGER NOT NULL,"
	" part INTEGER NOT NULL, ports BLOB NOT NULL, srcs BLOB NOT NULL, bloom BLOB NOT NULL,"
	" inside BLOB NOT NULL);"
	"CREATE INDEX rollup_time_hour ON rollup_time(hour, part);",
	/* 7: home networks added in the dashboard or with `portlog homenet add`
	 * (sqlite_homenet.c); used together with portlog.conf's home_net. */
	"CREATE TABLE home_nets(cidr TEXT PRIMARY KEY, note TEXT, added INTEGER);",
	/* 8: the block list (`portlog block`, sqlite_blocklist.c): its sources
	 * raise reputation findings; a scan's passive OS guess; and the parts
	 * merged into an earlier finding they continue (a scan split across two
	 * imports, sqlite_findings.c), with the packets each part added. */
	"CREATE TABLE blocklist(cidr TEXT PRIMARY KEY, note TEXT, added INTEGER);"
	"ALTER TABLE findings ADD COLUMN os TEXT;"
	"CREATE TABLE finding_parts(kind INTEGER NOT NULL, subject TEXT NOT NULL,"
	" first_ts INTEGER NOT NULL, into_first_ts INTEGER NOT NULL, packets INTEGER NOT NULL,"
	" PRIMARY KEY(kind, subject, first_ts)) WITHOUT ROWID;",
	/* 9: the host roll-up (host_tally.h): each private address's totals,
	 * ports and peers, so an inside host's page need not read every event.
	 * An older database has it counted from its events (HOSTS_FROM).  The
	 * trigger keeps trusted counts right when store_mark_trusted re-marks. */
	"CREATE TABLE host_total(addr BLOB PRIMARY KEY, events INTEGER NOT NULL,"
	" first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, as_src INTEGER NOT NULL,"
	" as_dst INTEGER NOT NULL, trusted INTEGER NOT NULL, blocked INTEGER NOT NULL,"
	" allowed INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE host_port(addr BLOB NOT NULL, port INTEGER NOT NULL, proto INTEGER NOT NULL,"
	" events INTEGER NOT NULL, PRIMARY KEY(addr, port, proto)) WITHOUT ROWID;"
	"CREATE TABLE host_peer(id INTEGER PRIMARY KEY, addr BLOB NOT NULL, peers BLOB NOT NULL);"
	"CREATE INDEX host_peer_addr ON host_peer(addr);"
	"CREATE TABLE host_trust(addr BLOB PRIMARY KEY, delta INTEGER NOT NULL) WITHOUT ROWID;"
	HOST_TRUST_MARK,
	/* 10: the hours each private address was a source in, beside its peers
	 * (host_tally.h): its Sources page lists its events from those hours
	 * only.  Counted again from the events (HOSTS_FROM). */
	"ALTER TABLE host_peer ADD COLUMN hours BLOB;",
	/* 11: each hour's address filter in a table of its own (rollup.c).  In
	 * rollup_time it came after the hour's port and source lists, so
	 * finding one address's hours read every row's overflow pages up to it
	 * (~30 ms of a cold Sources page on 10M events); rollup_time.bloom
	 * stays, empty. */
	/* A rowid table: its leaves hold a 5 KB filter in place, where a
	 * WITHOUT ROWID table's spill most of each to an overflow page (3x
	 * the bytes). */
	"CREATE TABLE rollup_bloom(id INTEGER PRIMARY KEY, hour INTEGER NOT NULL,"
	" part INTEGER NOT NULL, bloom BLOB NOT NULL);"
	"CREATE INDEX rollup_bloom_hour ON rollup_bloom(hour, part);"
	"INSERT INTO rollup_bloom(hour, part, bloom) SELECT hour, part, bloom FROM rollup_time"
	" ORDER BY hour, part;"
	"UPDATE rollup_time SET bloom = x'';",
	/* 12: lighter findings, the detectors' share of import (issue 5).
	 * Listing every kind reads findings_kind kind by kind, so findings_last
	 * goes; and 97% of scan findings name one port, which findings_port_lo
	 * finds already, so findings_port_range, for the ranges' last ports,
	 * replaces findings_port_hi.  A
	 * scan's or block-list finding's summary is no longer stored (NULL) but
	 * written again from its fields when read (finding_summary). */
	"DROP INDEX IF EXISTS findings_last;"
	"DROP INDEX IF EXISTS findings_port_hi;"
	"CREATE INDEX findings_port_range ON findings(port_hi, last_ts) WHERE port_lo <> port_hi;",
	/* 13: rollup_port keyed by day first, (day, port, hour, part).  Keyed
	 * (port, hour, part), each commit's rows (a window of days, every port
	 * seen in it) landed on a page per port: thousands of pages rewritten
	 * through the WAL per commit, 4.2 of the 6.3 GB a 10M-line import
	 * wrote.  By day, a commit's rows land on the last days' pages: import
	 * 19% faster, same size.  A port's hours are read a day at a time
	 * (RU_DAYS in sqlite_priv.h): a year is 365 seeks. */
	"CREATE TABLE rollup_port_by_day(day INTEGER NOT NULL, port INTEGER NOT NULL,"
	" hour INTEGER NOT NULL, part INTEGER NOT NULL, events INTEGER NOT NULL,"
	" sources INTEGER NOT NULL, combos BLOB NOT NULL, uniq BLOB NOT NULL, srcs BLOB NOT NULL,"
	" PRIMARY KEY(day, port, hour, part)) WITHOUT ROWID;"
	"INSERT INTO rollup_port_by_day SELECT hour/24, port, hour, part, events, sources,"
	" combos, uniq, srcs FROM rollup_port ORDER BY hour/24, port, hour, part;"
	"DROP TABLE rollup_port;"
	"ALTER TABLE rollup_port_by_day RENAME TO rollup_port;",
	/* 14: the dangerous findings (4 and 5, 7% of a year's) by danger and
	 * time, so a long window's listing, most dangerous first, reads them
	 * and stops instead of sorting every finding (store_findings). */
	"CREATE INDEX IF NOT EXISTS findings_danger ON findings(danger, last_ts)"
	" WHERE danger >= 4 AND kind <> 3;",
	/* 15: public home networks the host roll-up counts too, once their
	 * stored events are counted into it (host_cover.h). */
	"CREATE TABLE IF NOT EXISTS host_cover(cidr TEXT PRIMARY KEY, family INTEGER NOT NULL,"
	" bits INTEGER NOT NULL, net BLOB NOT NULL, added INTEGER);",
	/* 16: findings unique by (first_ts, kind, subject), time first.  Led
	 * by kind and subject, the key put each new finding on a random page
	 * of its index, so every commit of an import rewrote nearly all of
	 * that index through the WAL: half of what storing findings cost.
	 * One address's findings are found through finding_src instead, which
	 * a bulk import fills in batches (sqlite_findings.c); findings
	 * above meta's findings_indexed are not in it yet, and readers look at
	 * those too. */
	"CREATE TABLE findings_new(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	" subject TEXT NOT NULL, src BLOB, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" shape TEXT, probe TEXT, proto INTEGER, port_lo INTEGER, port_hi INTEGER,"
	" nports INTEGER, nhosts INTEGER, packets INTEGER, ports TEXT, hosts TEXT,"
	" danger INTEGER, trw_probes INTEGER, signature TEXT, refs TEXT,"
	" value REAL, baseline REAL, factor REAL, second_wave INTEGER, summary TEXT, os TEXT,"
	" UNIQUE(first_ts, kind, subject));"
	"INSERT INTO findings_new SELECT id, kind, subject, src, first_ts, last_ts, shape, probe,"
	" proto, port_lo, port_hi, nports, nhosts, packets, ports, hosts, danger, trw_probes,"
	" signature, refs, value, baseline, factor, second_wave, summary, os FROM findings"
	" ORDER BY id;"
	"DROP TABLE findings;"
	"ALTER TABLE findings_new RENAME TO findings;"
	"CREATE INDEX findings_kind ON findings(kind, last_ts);"
	"CREATE INDEX findings_port_lo ON findings(port_lo, last_ts);"
	"CREATE INDEX findings_port_range ON findings(port_hi, last_ts) WHERE port_lo <> port_hi;"
	"CREATE INDEX findings_danger ON findings(danger, last_ts) WHERE danger >= 4 AND kind <> 3;"
	"DROP TABLE IF EXISTS finding_src;" /* a store set back to an older version */
	"CREATE TABLE finding_src(src BLOB NOT NULL, id INTEGER NOT NULL,"
	" PRIMARY KEY(src, id)) WITHOUT ROWID;"
	"INSERT INTO finding_src SELECT src, id FROM findings WHERE src IS NOT NULL ORDER BY src, id;"
	"INSERT OR REPLACE INTO meta(key, value)"
	" SELECT 'findings_indexed', coalesce(max(id), 0) FROM findings;",
	/* 17: a bulk import's one-port probes, packed (probe_packs.h): one
	 * row for the probes of one write with the same danger, port,
	 * protocol, signature and references; read as the virtual table
	 * `probes`.  Each probe's first time is stored relative to base;
	 * first_min and last_max bound both times of every probe in the pack.
	 * IF NOT EXISTS: a store set back to an older version and migrated
	 * again keeps them. */
	"CREATE TABLE IF NOT EXISTS probe_packs(id INTEGER PRIMARY KEY, danger INTEGER NOT NULL,"
	" port INTEGER NOT NULL, proto INTEGER NOT NULL, base INTEGER NOT NULL,"
	" first_min INTEGER NOT NULL,"
	" last_max INTEGER NOT NULL, n INTEGER NOT NULL, signature TEXT NOT NULL,"
	" refs TEXT NOT NULL, bloom BLOB NOT NULL, data BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS probe_packs_last ON probe_packs(last_max);",
	/* 18: the packet details (TCP flags, ICMP type and code, length, TTL,
	 * window, TCP options) in one BLOB, pkt (pkt.h): never searched, and
	 * seven columns a row were a fifth of what storing an event costs.
	 * The table is written again, in id order; its view and trigger with
	 * it.  The view shows pkt as it is: `portlog events` spells it out. */
	"CREATE TABLE events_new(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" action INTEGER NOT NULL, direction INTEGER NOT NULL,"
	" proto INTEGER, src BLOB, dst BLOB, sport INTEGER, dport INTEGER,"
	" ctx INTEGER NOT NULL REFERENCES contexts(id), line INTEGER,"
	" trusted INTEGER NOT NULL DEFAULT 0, pkt BLOB);"
	"INSERT INTO events_new SELECT id, ts, action, direction, proto, src, dst, sport, dport,"
	" ctx, line, trusted, pkt_pack(tcp_flags, icmp_type, icmp_code, len, ttl, window, tcp_opts)"
	" FROM events ORDER BY id;"
	"DROP VIEW IF EXISTS events_v;"
	"DROP TABLE events;"
	"ALTER TABLE events_new RENAME TO events;"
	"CREATE VIEW events_v AS SELECT e.id, e.ts, e.action, e.direction, e.proto, e.src, e.dst,"
	" e.sport, e.dport, c.device, c.rule, c.in_if, c.out_if, c.phys_in, c.phys_out, c.mac,"
	" c.format, c.origin, e.line, e.trusted, e.pkt FROM events e JOIN contexts c ON c.id = e.ctx;"
	HOST_TRUST_MARK,
};
enum { SCHEMA_VERSION = sizeof migrations / sizeof migrations[0] };
/* A database older than this has its roll-ups rebuilt from its events. */
enum { REBUILD_FROM = 6 };
/* A database older than this has its host roll-up counted from its events. */
enum { HOSTS_FROM = 10 };

const char *store_errmsg(struct store *st)
{
	return st->err[0] ? st->err : sqlite3_errmsg(st->db);
}

int sqlite_fail(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

static int exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "%s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Roll every stored event up again (inside the caller's transaction). */
static int rebuild_rollups(struct store *st)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT coalesce(dport,-1), ts, coalesce(proto,256), direction, action,"
			       " src, dst FROM events ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "rebuilding roll-ups");
	struct rollup *ru = rollup_new();
	int rc = ru ? SQLITE_OK : SQLITE_NOMEM;
	uint64_t n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ev_addr src, dst;
		sqlite_col_addr(s, 5, &src);
		sqlite_col_addr(s, 6, &dst);
		int32_t hour = store_hour(sqlite3_column_int64(s, 1));
		rc = SQLITE_OK;
		if (rollup_count(ru, sqlite3_column_int(s, 0), hour, sqlite3_column_int(s, 2),
				 sqlite3_column_int(s, 3), sqlite3_column_int(s, 4), &src, &dst) ||
		    (++n % 1000000 == 0 && rollup_flush(ru, st->db)))
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE && rollup_flush(ru, st->db))
		rc = SQLITE_ERROR;
	rollup_free(ru);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "rebuilding roll-ups");
	return 0;
}

/* Schema 18 moved the packet details into events.pkt. */
enum { PKT_SCHEMA = 18 };

static int events_have_pkt(struct store *st)
{
	sqlite3_stmt *s;
	int have = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM pragma_table_info('events') WHERE name='pkt'",
			       -1, &s, NULL) == SQLITE_OK) {
		have = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	return have;
}

static int migrate(struct store *st)
{
	int v = user_version(st);
	if (v < 0)
		return sqlite_fail(st, "reading schema version");
	if (v > SCHEMA_VERSION) {
		snprintf(st->err, sizeof st->err,
			 "database schema version %d is newer than this portlog (%d); upgrade portlog",
			 v, SCHEMA_VERSION);
		return -1;
	}
	if (v == SCHEMA_VERSION)
		return 0;
	if (st->flags & STORE_READONLY) {
		/* A reader of an older database: migrate it through a short-lived
		 * writable connection, so an upgrade needs no extra step. */
		sqlite3 *rw;
		int ok = sqlite3_open_v2(sqlite3_db_filename(st->db, "main"), &rw,
					 SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
			 pkt_register(rw) == SQLITE_OK; /* schema 18 uses it */
		if (ok) {
			sqlite3 *ro = st->db;
			st->db = rw;
			st->flags &= ~STORE_READONLY;
			sqlite3_busy_timeout(rw, 10000);
			ok = migrate(st) == 0;
			st->flags |= STORE_READONLY;
			st->db = ro;
			/* copied into the database now: a reader cannot, and a
			 * migration that rewrote the events left a WAL as big */
			if (ok)
				sqlite3_wal_checkpoint_v2(rw, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		}
		sqlite3_close(rw);
		if (!ok && !st->err[0])
			snprintf(st->err, sizeof st->err,
				 "database needs migrating (schema %d, want %d) and is not writable", v,
				 SCHEMA_VERSION);
		return ok ? 0 : -1;
	}
	/* a store with events: some steps rewrite them (18: 10M events in
	 * about 20 s), so whoever waits is told why */
	if (v > 0)
		fprintf(stderr, "portlog: upgrading %s from schema %d to %d...\n",
			sqlite3_db_filename(st->db, "main"), v, SCHEMA_VERSION);
	if (exec(st, "BEGIN IMMEDIATE"))
		return -1;
	for (int i = v; i < SCHEMA_VERSION; i++) {
		/* a store set back to an older version may have events with pkt
		 * already: 18 would find none of the columns it packs */
		if (i + 1 == PKT_SCHEMA && events_have_pkt(st))
			continue;
		if (exec(st, migrations[i])) {
			exec(st, "ROLLBACK");
			return -1;
		}
	}
	if (v > 0 && v < REBUILD_FROM && rebuild_rollups(st)) {
		exec(st, "ROLLBACK");
		return -1;
	}
	if (v > 0 && v < HOSTS_FROM && host_tally_rebuild(st->db)) {
		sqlite_fail(st, "counting the host roll-up");
		exec(st, "ROLLBACK");
		return -1;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
	if (exec(st, sql) || exec(st, "COMMIT")) {
		exec(st, "ROLLBACK");
		return -1;
	}
	return 0;
}

static int prep(struct store *st, sqlite3_stmt **s, const char *sql)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing statement");
	return 0;
}

/* OR FAIL: a statement of several rows that may abort (NOT NULL, the id)
 * makes SQLite copy every page it touches into a statement journal, to
 * undo that statement alone -- 6% of the store thread on a 10M-line
 * import.  Nothing needs that here: a batch with a refused row is rolled
 * back whole (fail_batch). */
static const char insert_head[] =
	"INSERT OR FAIL INTO events(id,ts,action,direction,proto,src,dst,sport,dport,ctx,line,"
	"trusted,pkt) VALUES";

static int prep_multi_insert(struct store *st)
{
	static const char row[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?)"; /* EVENT_COLS */
	size_t n = sizeof insert_head + PENDING_ROWS * sizeof row + 8;
	char *sql = malloc(n);
	if (!sql)
		return -1;
	strcpy(sql, insert_head);
	for (int i = 0; i < PENDING_ROWS; i++) {
		if (i)
			strcat(sql, ",");
		strcat(sql, row);
	}
	int rc = prep(st, &st->ins_events, sql);
	free(sql);
	return rc;
}

static int load_id_state(struct store *st)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM events", -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading events");
	st->id_max_sec = -1;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		st->id_max_sec = sqlite3_column_int64(s, 0) >> EVENT_ID_BITS;
	sqlite3_finalize(s);
	st->id_sec = -1;
	return 0;
}

/* After each commit, in place of SQLite's own checkpoint: how long the WAL
 * is.  The checkpointer is kicked after the commit returns (commit()): here
 * the connection still reads the snapshot before it, and a copy begun now
 * would stop short of the frames just committed. */
static int wal_committed(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	struct store *st = arg;
	st->wal_frames = frames;
	return SQLITE_OK;
}

/* A bulk import's checkpoints run on a thread of their own (checkpointer.h).
 * Without one -- no WAL (a database in memory), no thread -- SQLite's own
 * checkpoints every wal_autocheckpoint pages stay. */
static void start_checkpointer(struct store *st, const char *path)
{
	sqlite3_stmt *s;
	int wal = 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK) {
		wal = sqlite3_step(s) == SQLITE_ROW &&
		      !sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
	}
	char err[256];
	if (!wal || !(st->ckpt = checkpointer_start(path, err, sizeof err)))
		return;
	sqlite3_wal_hook(st->db, wal_committed, st);
	/* tests set a small one, to see the WAL start over without writing
	 * 256 MiB */
	const char *env = getenv("PORTLOG_WAL_RESTART_FRAMES");
	st->wal_restart_frames = env && atoi(env) > 0 ? atoi(env) : WAL_RESTART_FRAMES;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
	/* No allocation statistics: they take a global mutex on every malloc. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *store_open(const char *path, int flags, char *err, size_t errlen)
{
	pthread_once(&sqlite_once, sqlite_setup);
	struct store *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->flags = flags;
	int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
					      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s%s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory",
			 (flags & STORE_READONLY) ? " (import some logs first)" : "");
		sqlite3_close(st->db);
		free(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if (rupack_register(st->db) != SQLITE_OK || probe_packs_register(st->db) != SQLITE_OK ||
	    pkt_register(st->db) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database %s: %s", path, sqlite3_errmsg(st->db));
		sqlite3_close(st->db);
		free(st);
		return NULL;
	}
	const char *setup = (flags & STORE_READONLY)
				    ? "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
				    : "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;"
				      " PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;";
	/* Bulk import gets a page cache of 16 MiB (the packed roll-ups touch
	 * few pages; 24, 32 and 64 MiB bought no speed on 10M lines, and the
	 * memory serves import's batches better) and checkpoints every 128 MiB of WAL instead of 16 (a
	 * page rewritten between checkpoints is copied back once: 5% faster);
	 * a long-running writer (serve) a small cache, so the daemon stays
	 * small. */
	if (exec(st, setup) || (!(flags & STORE_READONLY) &&
				exec(st, (flags & STORE_BULK) ? "PRAGMA synchronous=OFF;"
								" PRAGMA cache_size=-16384;"
								" PRAGMA wal_autocheckpoint=8192"
							       : "PRAGMA synchronous=NORMAL;"
								 " PRAGMA cache_size=-16384")))
		goto bad;
	if (migrate(st))
		goto bad;
	if (!(flags & STORE_READONLY)) {
		st->ru = rollup_new();
		st->hosts = host_tally_new();
		if (!st->ru || !st->hosts) {
			snprintf(st->err, sizeof st->err, "out of memory");
			goto bad;
		}
		if (prep(st, &st->ins_event,
			 "INSERT INTO events(id,ts,action,direction,proto,src,dst,sport,dport,ctx,line,"
			 "trusted,pkt) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
		    prep(st, &st->max_in_sec, "SELECT max(id) FROM events WHERE id BETWEEN ?1 AND ?2") ||
		    prep_multi_insert(st) ||
		    prep(st, &st->ctx_get,
			 "SELECT id FROM contexts WHERE device IS ?1 AND rule IS ?2 AND in_if IS ?3"
			 " AND out_if IS ?4 AND phys_in IS ?5 AND phys_out IS ?6 AND mac IS ?7"
			 " AND format IS ?8 AND origin IS ?9") ||
		    prep(st, &st->ctx_ins,
			 "INSERT INTO contexts(device,rule,in_if,out_if,phys_in,phys_out,mac,format,"
			 "origin) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)") ||
		    prep(st, &st->begin, "BEGIN IMMEDIATE") || prep(st, &st->commit, "COMMIT"))
			goto bad;
	}
	if (!(flags & STORE_READONLY) && load_id_state(st))
		goto bad;
	if ((flags & STORE_BULK) && !(flags & STORE_READONLY))
		start_checkpointer(st, path);
	return st;
bad:
	snprintf(err, errlen, "%s: %s", path, store_errmsg(st));
	store_close(st);
	return NULL;
}

static void intern_clear(struct store *st)
{
	for (size_t i = 0; i < st->intern_cap; i++)
		free(st->intern[i].s);
	free(st->intern);
	st->intern = NULL;
	st->intern_cap = st->intern_n = 0;
	st->intern_bytes = 0;
	st->last_ctx = NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->in_tx) /* only store_commit() makes a batch durable */
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/* the last copy before the connection closes, so closing it finds
	 * the WAL copied and removes it */
	checkpointer_stop(st->ckpt);
	rollup_free(st->ru);
	host_tally_free(st->hosts);
	if (st->cover)
		host_cover_free(st->cover);
	free(st->cover);
	sqlite_answers_close(st);
	sqlite3_finalize(st->ins_event);
	sqlite3_finalize(st->ins_events);
	sqlite3_finalize(st->max_in_sec);
	sqlite3_finalize(st->ctx_get);
	sqlite3_finalize(st->ctx_ins);
	sqlite3_finalize(st->begin);
	sqlite3_finalize(st->commit);
	intern_clear(st);
	sqlite_findings_close(st);
	subject_filter_free(st->subjects);
	recent_findings_free(st->recent);
	sqlite3_close(st->db);
	free(st);
}

enum { NCTX = 9 };

/* The context strings of an event, in contexts' column order. */
static void context_of(const struct event *ev, const char *format_name, struct ev_str out[NCTX])
{
	out[0] = ev->device;
	out[1] = ev->rule;
	out[2] = ev->in_if;
	out[3] = ev->out_if;
	out[4] = ev->phys_in;
	out[5] = ev->phys_out;
	out[6] = ev->mac;
	out[7] = (struct ev_str){ format_name, (uint32_t)strlen(format_name) };
	out[8] = ev->origin;
}

/* The strings as one key, each one's length first (so ("ab", "c") is not
 * ("a", "bc")), and one avalanche at the end: hash_bytes for each string
 * paid nine of them, 2% of import's reader thread.  Seeded with
 * hash_secret: the cache it keys holds what senders choose. */
static uint64_t context_hash(const struct ev_str v[NCTX])
{
	uint64_t h = 0xcbf29ce484222325ull ^ hash_secret();
	for (int i = 0; i < NCTX; i++) {
		uint64_t n = v[i].n;
		h = hash_update(h, &n, sizeof n);
		h = hash_update(h, v[i].p, v[i].n);
	}
	return hash_mix64(h);
}

/* Serialised key for the cache: lengths then bytes. */
static size_t context_key(const struct ev_str v[NCTX], char **out)
{
	size_t n = NCTX * sizeof(uint32_t);
	for (int i = 0; i < NCTX; i++)
		n += v[i].n;
	char *k = malloc(n ? n : 1);
	if (!k)
		return 0;
	size_t o = 0;
	for (int i = 0; i < NCTX; i++) {
		memcpy(k + o, &v[i].n, sizeof(uint32_t));
		o += sizeof(uint32_t);
	}
	for (int i = 0; i < NCTX; i++) {
		if (v[i].n)
			memcpy(k + o, v[i].p, v[i].n);
		o += v[i].n;
	}
	*out = k;
	return n;
}

static int context_equal(const char *k, const struct ev_str v[NCTX])
{
	size_t o = NCTX * sizeof(uint32_t);
	for (int i = 0; i < NCTX; i++) {
		uint32_t n;
		memcpy(&n, k + i * sizeof(uint32_t), sizeof n);
		if (n != v[i].n || (n && memcmp(k + o, v[i].p, n)))
			return 0;
		o += n;
	}
	return 1;
}

uint64_t store_context_hash(const struct event *ev, const char *format_name)
{
	struct ev_str v[NCTX];
	context_of(ev, format_name, v);
	return context_hash(v);
}

int store_context_same(const struct event *a, const char *a_format, const struct event *b,
		       const char *b_format)
{
	struct ev_str x[NCTX], y[NCTX];
	context_of(a, a_format, x);
	context_of(b, b_format, y);
	for (int i = 0; i < NCTX; i++)
		if (x[i].n != y[i].n || (x[i].n && memcmp(x[i].p, y[i].p, x[i].n)))
			return 0;
	return 1;
}

static void bind_ctx(sqlite3_stmt *s, const struct ev_str v[NCTX])
{
	for (int i = 0; i < NCTX; i++)
		if (v[i].n)
			sqlite3_bind_text(s, i + 1, v[i].p, (int)v[i].n, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, i + 1);
}

/* The id of an event's context, adding it if new; -1 on error.  A bounded
 * in-memory cache spares the database lookup for the contexts seen before.
 * h: the context's hash (store_context_hash) if the caller has it, else 0;
 * same: the caller found it equal to the last event's (store_context_same). */
static int64_t context_id(struct store *st, const struct event *ev, const char *format_name,
			  uint64_t h, int same)
{
	/* Events in a row mostly share their context: the last one is
	 * compared first (when the hash is given, only if the hashes match),
	 * unless the caller compared them already. */
	if (same && h && st->last_ctx && st->last_ctx->hash == h)
		return st->last_ctx->id;
	struct ev_str v[NCTX];
	context_of(ev, format_name, v);
	if (st->last_ctx && (!h || st->last_ctx->hash == h) && context_equal(st->last_ctx->s, v))
		return st->last_ctx->id;
	/* Also bounded in bytes: hostile senders can make every rule and device
	 * string unique and long. */
	if (st->intern_bytes > INTERN_MAX_BYTES)
		intern_clear(st);
	if (st->intern_n * 2 >= st->intern_cap) {
		if (st->intern_n >= INTERN_MAX)
			intern_clear(st); /* bound memory: the table still has them */
		size_t cap = st->intern_cap ? st->intern_cap * 2 : 1024;
		struct intern_slot *nv = calloc(cap, sizeof *nv);
		if (!nv)
			return -1;
		for (size_t i = 0; i < st->intern_cap; i++) {
			if (!st->intern[i].s)
				continue;
			size_t j = st->intern[i].hash & (cap - 1);
			while (nv[j].s)
				j = (j + 1) & (cap - 1);
			nv[j] = st->intern[i];
		}
		free(st->intern);
		st->intern = nv;
		st->intern_cap = cap;
		st->last_ctx = NULL; /* it pointed into the old table */
	}
	if (!h)
		h = context_hash(v);
	size_t j = h & (st->intern_cap - 1);
	while (st->intern[j].s) {
		if (st->intern[j].hash == h && context_equal(st->intern[j].s, v)) {
			st->last_ctx = &st->intern[j];
			return st->intern[j].id;
		}
		j = (j + 1) & (st->intern_cap - 1);
	}
	int64_t id = 0;
	bind_ctx(st->ctx_get, v);
	if (sqlite3_step(st->ctx_get) == SQLITE_ROW)
		id = sqlite3_column_int64(st->ctx_get, 0);
	sqlite3_reset(st->ctx_get);
	if (!id) {
		bind_ctx(st->ctx_ins, v);
		int rc = sqlite3_step(st->ctx_ins);
		sqlite3_reset(st->ctx_ins);
		if (rc != SQLITE_DONE)
			return -1;
		id = sqlite3_last_insert_rowid(st->db);
	}
	char *key;
	size_t kn = context_key(v, &key);
	if (!kn)
		return -1;
	st->intern[j] = (struct intern_slot){ h, key, (uint32_t)kn, id };
	st->last_ctx = &st->intern[j];
	st->intern_n++;
	st->intern_bytes += kn;
	return id;
}

static int load_id_state(struct store *st);

static int begin(struct store *st)
{
	if (st->in_tx)
		return st->tx_failed ? -1 : 0;
	if (!st->begin) {
		snprintf(st->err, sizeof st->err, "the store is open read-only");
		return -1;
	}
	/* The WAL starts over only in a transaction begun after all of it was
	 * copied: past wal_restart_frames, wait for the copy to catch up -- a
	 * copy begun now, as the last one may have stopped at a reader's
	 * snapshot or before another writer's (serve's) commit. */
	if (st->ckpt && st->wal_frames >= st->wal_restart_frames) {
		checkpointer_kick(st->ckpt);
		checkpointer_wait(st->ckpt);
		st->wal_frames = 0;
	}
	int rc = sqlite3_step(st->begin);
	sqlite3_reset(st->begin);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "beginning a transaction");
	st->in_tx = 1;
	/* Another writer (peek beside serve, an import beside either) may have
	 * stored events since our last batch: ids continue after its; and
	 * covered home networks (host_cover.h) the batch must count. */
	if (load_id_state(st) || sqlite_cover_refresh(st, 1)) {
		st->tx_failed = 1;
		return -1;
	}
	return 0;
}

int sqlite_join_batch(struct store *st)
{
	return begin(st);
}

int64_t sqlite_data_version(struct store *st)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Undo the open transaction and everything kept for it. */
static void abandon(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
	st->tx_failed = 0;
	st->npending = 0;
	rollup_reset(st->ru);
	host_tally_clear(st->hosts);
	intern_clear(st); /* context ids made in the transaction are gone */
	st->id_sec = -1;
}

void sqlite_bind_addr(sqlite3_stmt *s, int col, const struct ev_addr *a)
{
	if (a->family)
		sqlite3_bind_blob(s, col, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, col);
}

void sqlite_col_addr(sqlite3_stmt *s, int col, struct ev_addr *a)
{
	memset(a, 0, sizeof *a);
	int n = sqlite3_column_bytes(s, col);
	const void *b = sqlite3_column_blob(s, col);
	if (b && (n == 4 || n == 16)) {
		a->family = n == 4 ? 4 : 6;
		memcpy(a->bytes, b, (size_t)n);
	}
}

int sqlite_col_pkt(sqlite3_stmt *s, int col, struct event *ev)
{
	const void *pkt = sqlite3_column_blob(s, col);
	return pkt ? pkt_decode(pkt, (size_t)sqlite3_column_bytes(s, col), ev) : 0;
}

/* Binding a value costs more than comparing it: each slot of the multi-row
 * statement remembers what it has bound (struct bound_row), and a column
 * whose value is unchanged since the slot's last row is not bound again --
 * the action, direction, protocol, trust and the absent ICMP fields mostly.
 * Bindings outlive sqlite3_reset.  The addresses and the TCP options are
 * bound SQLITE_STATIC from the slot's own event, whose bytes SQLite reads at
 * the step: they are bound again only when their length changes. */
/* 1 when br's slot has column col bound already as it would be now (null,
 * or the value v); else notes it as bound so, and 0.  NULL br: 0 (bind). */
static int bound_already(struct bound_row *br, int col, int null, int64_t v)
{
	if (!br)
		return 0;
	uint32_t bit = 1u << (col - 1);
	if ((br->known & bit) && !!(br->null & bit) == null && (null || br->v[col - 1] == v))
		return 1;
	br->known |= bit;
	if (null) {
		br->null |= bit;
	} else {
		br->null &= ~bit;
		br->v[col - 1] = v;
	}
	return 0;
}

static void bind_int_col(sqlite3_stmt *s, int base, struct bound_row *br, int col, int64_t v)
{
	if (!bound_already(br, col, 0, v))
		sqlite3_bind_int64(s, base + col, v);
}

static void bind_null_col(sqlite3_stmt *s, int base, struct bound_row *br, int col)
{
	if (!bound_already(br, col, 1, 0))
		sqlite3_bind_null(s, base + col);
}

/* p must stay where it is until the statement is bound again (see above):
 * with br, it is always the same slot's own field, so only n can change. */
static void bind_static_col(sqlite3_stmt *s, int base, struct bound_row *br, int col,
			    const void *p, int n, int text)
{
	if (bound_already(br, col, 0, n))
		return;
	if (text)
		sqlite3_bind_text(s, base + col, p, n, SQLITE_STATIC);
	else
		sqlite3_bind_blob(s, base + col, p, n, SQLITE_STATIC);
}

static void bind_addr_col(sqlite3_stmt *s, int base, struct bound_row *br, int col,
			  const struct ev_addr *a)
{
	if (a->family)
		bind_static_col(s, base, br, col, a->bytes, a->family == 4 ? 4 : 16, 0);
	else
		bind_null_col(s, base, br, col);
}

/* Bind one event's columns at parameter offset base (0 for the first row);
 * br: what the slot has bound (NULL: bind every column). */
static void bind_event(sqlite3_stmt *s, int base, const struct pending_event *p,
		       struct bound_row *br)
{
	const struct event *ev = &p->ev;
	bind_int_col(s, base, br, 1, p->id);
	bind_int_col(s, base, br, 2, ev->ts_us);
	bind_int_col(s, base, br, 3, ev->action);
	bind_int_col(s, base, br, 4, ev->direction);
#define OPT_INT(col, bit, val)                                 \
	do {                                                    \
		if (ev->has & (bit))                            \
			bind_int_col(s, base, br, (col), (val)); \
		else                                            \
			bind_null_col(s, base, br, (col));       \
	} while (0)
	OPT_INT(5, EV_HAS_PROTO, ev->proto);
	bind_addr_col(s, base, br, 6, &ev->src);
	bind_addr_col(s, base, br, 7, &ev->dst);
	OPT_INT(8, EV_HAS_SPORT, ev->sport);
	OPT_INT(9, EV_HAS_DPORT, ev->dport);
#undef OPT_INT
	bind_int_col(s, base, br, 10, p->ctx);
	if (ev->line)
		bind_int_col(s, base, br, 11, (int64_t)ev->line);
	else
		bind_null_col(s, base, br, 11);
	bind_int_col(s, base, br, 12, ev->trusted);
	if (p->pkt_len)
		bind_static_col(s, base, br, 13, p->pkt, p->pkt_len, 0);
	else
		bind_null_col(s, base, br, 13);
}

/* Write the queued events: whole groups with the multi-row statement, the
 * rest one by one.  One statement for many rows is what makes bulk import
 * fast: SQLite's cost is mostly per statement, not per row. */
static int write_pending(struct store *st)
{
	int i = 0;
	if (st->npending == PENDING_ROWS) {
		for (; i < PENDING_ROWS; i++)
			bind_event(st->ins_events, i * EVENT_COLS, &st->pending[i], &st->bound[i]);
		int rc = sqlite3_step(st->ins_events);
		sqlite3_reset(st->ins_events);
		if (rc != SQLITE_DONE) {
			st->npending = 0; /* the batch is lost as a whole: see store_commit */
			st->tx_failed = 1;
			return sqlite_fail(st, "storing events");
		}
	}
	for (; i < st->npending; i++) {
		bind_event(st->ins_event, 0, &st->pending[i], NULL);
		int rc = sqlite3_step(st->ins_event);
		sqlite3_reset(st->ins_event);
		if (rc != SQLITE_DONE) {
			st->npending = 0;
			st->tx_failed = 1;
			return sqlite_fail(st, "storing an event");
		}
	}
	st->npending = 0;
	return 0;
}

/* The id for an event at ts_us: its second, then the next free arrival
 * number in that second.  Seconds past everything stored are free; an older
 * second (an older log imported later) asks the table once. */
static int64_t event_id(struct store *st, int64_t ts_us)
{
	int64_t sec = ts_us >= 0 ? ts_us / 1000000 : -((-ts_us + 999999) / 1000000);
	if (sec < 0 || sec >= EVENT_SEC_LIMIT) {
		snprintf(st->err, sizeof st->err, "timestamp out of range (%lld)", (long long)sec);
		return -1;
	}
	if (sec != st->id_sec) {
		st->id_sec = sec;
		st->id_next = 0;
		if (sec <= st->id_max_sec) {
			if (write_pending(st))
				return -1;
			sqlite3_bind_int64(st->max_in_sec, 1, sec << EVENT_ID_BITS);
			sqlite3_bind_int64(st->max_in_sec, 2, ((sec + 1) << EVENT_ID_BITS) - 1);
			int rc = sqlite3_step(st->max_in_sec);
			if (rc == SQLITE_ROW && sqlite3_column_type(st->max_in_sec, 0) != SQLITE_NULL)
				st->id_next = (sqlite3_column_int64(st->max_in_sec, 0) &
					       ((1LL << EVENT_ID_BITS) - 1)) + 1;
			sqlite3_reset(st->max_in_sec);
			if (rc != SQLITE_ROW) {
				st->id_sec = -1;
				st->tx_failed = 1;
				sqlite_fail(st, "numbering events");
				return -1;
			}
		}
	}
	if (st->id_next >= (1LL << EVENT_ID_BITS)) {
		snprintf(st->err, sizeof st->err, "more than %lld events in one second",
			 1LL << EVENT_ID_BITS);
		return -1;
	}
	if (sec > st->id_max_sec)
		st->id_max_sec = sec;
	return (sec << EVENT_ID_BITS) | st->id_next++;
}

static int64_t hour_floor(int64_t us)
{
	return us >= 0 ? us / 3600000000LL : -((-us + 3599999999LL) / 3600000000LL);
}

int32_t store_hour(int64_t us)
{
	return (int32_t)hour_floor(us);
}

void store_hours(int64_t since_us, int64_t until_us, int64_t *h0, int64_t *h1)
{
	*h0 = since_us == INT64_MIN ? INT32_MIN : hour_floor(since_us);
	*h1 = until_us == INT64_MAX ? INT32_MAX : -hour_floor(-until_us);
}

/* Store the event's row; the roll-ups are the caller's. */
static int add_row(struct store *st, const struct event *ev, const char *format_name,
		   uint64_t ctx_hash, int ctx_same)
{
	if (begin(st))
		return -1;
	int64_t id = event_id(st, ev->ts_us);
	if (id < 0)
		return -1;
	int64_t ctx = context_id(st, ev, format_name, ctx_hash, ctx_same);
	if (ctx < 0)
		return sqlite_fail(st, "storing an event's context");
	if (ev->tcp_opts.n > PENDING_OPTS_MAX) {
		/* Longer than TCP options can be; never truncated: written now. */
		if (write_pending(st))
			return -1;
		unsigned char *pkt = malloc(PKT_FIXED_MAX + ev->tcp_opts.n);
		if (!pkt) {
			snprintf(st->err, sizeof st->err, "out of memory storing an event");
			return -1;
		}
		struct pending_event one = { .ev = *ev, .ctx = ctx, .id = id };
		bind_event(st->ins_event, 0, &one, NULL);
		sqlite3_bind_blob(st->ins_event, 13, pkt, (int)pkt_encode(ev, pkt), SQLITE_STATIC);
		int rc = sqlite3_step(st->ins_event);
		sqlite3_reset(st->ins_event);
		free(pkt);
		if (rc != SQLITE_DONE)
			return sqlite_fail(st, "storing an event");
	} else {
		struct pending_event *p = &st->pending[st->npending++];
		p->ev = *ev;
		p->ctx = ctx;
		p->id = id;
		p->pkt_len = (int)pkt_encode(ev, p->pkt);
		if (st->npending == PENDING_ROWS && write_pending(st))
			return -1;
	}
	st->added++;
	return 0;
}

int store_add(struct store *st, const struct event *ev, const char *format_name)
{
	if (add_row(st, ev, format_name, 0, 0))
		return -1;
	if (rollup_count(st->ru, rollup_port(ev), store_hour(ev->ts_us), rollup_proto(ev),
			 ev->direction, ev->action, &ev->src, &ev->dst) ||
	    host_tally_add(st->hosts, ev) || host_tally_add_nets(st->hosts, ev, st->cover)) {
		snprintf(st->err, sizeof st->err, "out of memory in roll-up");
		return -1;
	}
	return 0;
}

/* ---- roll-ups counted on another thread (store.h) ---- */

struct store_tally {
	struct rollup_acc *acc;
	struct host_tally *hosts;
};

struct store_tally *store_tally_new(void)
{
	struct store_tally *t = calloc(1, sizeof *t);
	if (t && (!(t->acc = rollup_acc_new()) || !(t->hosts = host_tally_new()))) {
		rollup_acc_free(t->acc);
		free(t);
		return NULL;
	}
	return t;
}

void store_tally_free(struct store_tally *t)
{
	if (t) {
		rollup_acc_free(t->acc);
		host_tally_free(t->hosts);
	}
	free(t);
}

void store_tally_clear(struct store_tally *t)
{
	rollup_acc_clear(t->acc);
	host_tally_clear(t->hosts);
}

int store_tally_add(struct store_tally *t, const struct event *ev)
{
	return rollup_acc_count(t->acc, rollup_port(ev), store_hour(ev->ts_us), rollup_proto(ev),
				ev->direction, ev->action, &ev->src, &ev->dst) ||
	       host_tally_add(t->hosts, ev);
}

int store_tally_done(struct store_tally *t)
{
	return rollup_acc_sort(t->acc);
}

int store_add_counted(struct store *st, const struct event *ev, const char *format_name,
		      uint64_t ctx_hash, int ctx_same)
{
	/* the tally counts the fixed space; covered home networks are the
	 * store's (host_tally_add_nets) */
	if (add_row(st, ev, format_name, ctx_hash, ctx_same))
		return -1;
	if (host_tally_add_nets(st->hosts, ev, st->cover)) {
		snprintf(st->err, sizeof st->err, "out of memory in roll-up");
		return -1;
	}
	return 0;
}


uint64_t store_added(const struct store *st)
{
	return st->added;
}

void store_rollback(struct store *st)
{
	if (st->in_tx)
		abandon(st);
}

/* Roll the batch back, keeping the reason; returns -1. */
static int fail_batch(struct store *st)
{
	char why[400];
	snprintf(why, sizeof why, "%.399s", st->err);
	abandon(st);
	snprintf(st->err, sizeof st->err, "%s; the batch was rolled back", why);
	return -1;
}

/* Commit the batch with its roll-ups: the store's own, and tallied, if
 * given, the ones counted on another thread. */
static int commit(struct store *st, struct rollup_acc *tallied, struct host_tally *hosts)
{
	if (!st->in_tx)
		return 0;
	/* A batch commits whole or not at all: after any failed write in it,
	 * it is rolled back (with the file positions saved in it), so nothing
	 * is half stored and a re-read adds nothing twice. */
	if (st->tx_failed || write_pending(st))
		return fail_batch(st);
	if (rollup_flush(st->ru, st->db) ||
	    (tallied && rollup_flush_acc(st->ru, tallied, st->db)) ||
	    host_tally_flush(st->hosts, st->db) || host_tally_flush(hosts, st->db)) {
		sqlite_fail(st, "updating roll-ups");
		return fail_batch(st);
	}
	int rc = sqlite3_step(st->commit);
	sqlite3_reset(st->commit);
	if (rc != SQLITE_DONE) {
		sqlite_fail(st, "committing");
		return fail_batch(st);
	}
	st->in_tx = 0;
	if (st->ckpt)
		checkpointer_kick(st->ckpt);
	return 0;
}

int store_commit(struct store *st)
{
	return commit(st, NULL, NULL);
}

int store_commit_tally(struct store *st, struct store_tally *t)
{
	int rc = commit(st, t->acc, t->hosts);
	rollup_acc_clear(t->acc); /* written, or rolled back with the batch */
	host_tally_clear(t->hosts);
	return rc;
}

/* ---- file positions ---- */

int store_file_find(struct store *st, const char *path, uint64_t dev, uint64_t ino,
		    const unsigned char *head, size_t head_len, struct file_mark *mark)
{
	memset(mark, 0, sizeof *mark);
	snprintf(mark->path, sizeof mark->path, "%s", path);
	mark->dev = dev;
	mark->ino = ino;
	mark->fp_len = (uint32_t)(head_len < STORE_FP_MAX ? head_len : STORE_FP_MAX);
	mark->fp = hash_bytes(head, mark->fp_len, 0);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, fp_len, fp, offset, lines, tail_len, tail_fp FROM files "
			       "WHERE path=?1 OR (dev=?2 AND ino=?3) OR fp=?4",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "looking up file");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)dev);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)ino);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)mark->fp);
	while (sqlite3_step(s) == SQLITE_ROW) {
		uint32_t fl = (uint32_t)sqlite3_column_int64(s, 1);
		uint64_t fp = (uint64_t)sqlite3_column_int64(s, 2);
		uint64_t off = (uint64_t)sqlite3_column_int64(s, 3);
		/* Same content at the start, so the same file (or a copy of it). */
		if (fl > head_len || hash_bytes(head, fl, 0) != fp)
			continue;
		if (mark->id == 0 || off > mark->offset) {
			mark->id = sqlite3_column_int64(s, 0);
			mark->offset = off;
			mark->lines = (uint64_t)sqlite3_column_int64(s, 4);
			mark->tail_len = (uint32_t)sqlite3_column_int64(s, 5);
			mark->tail_fp = (uint64_t)sqlite3_column_int64(s, 6);
		}
	}
	sqlite3_finalize(s);
	return 0;
}

int store_file_save(struct store *st, struct file_mark *mark)
{
	if (begin(st))
		return -1;
	sqlite3_stmt *s;
	const char *sql = mark->id
		? "UPDATE files SET path=?1, dev=?2, ino=?3, fp_len=?4, fp=?5, offset=?6, lines=?7,"
		  " updated=?8, tail_len=?10, tail_fp=?11 WHERE id=?9"
		: "INSERT INTO files(path,dev,ino,fp_len,fp,offset,lines,updated,tail_len,tail_fp)"
		  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?10,?11)";
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		st->tx_failed = 1; /* positions and events commit together */
		return sqlite_fail(st, "saving file position");
	}
	sqlite3_bind_text(s, 1, mark->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)mark->dev);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)mark->ino);
	sqlite3_bind_int64(s, 4, mark->fp_len);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)mark->fp);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)mark->offset);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)mark->lines);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)time(NULL));
	if (mark->id)
		sqlite3_bind_int64(s, 9, mark->id);
	sqlite3_bind_int64(s, 10, mark->tail_len);
	sqlite3_bind_int64(s, 11, (sqlite3_int64)mark->tail_fp);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		st->tx_failed = 1; /* positions and events commit together */
		return sqlite_fail(st, "saving file position");
	}
	if (!mark->id)
		mark->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}
