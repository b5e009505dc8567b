/* sqlite.c - the embedded store: one SQLite file in WAL mode.
 *
 * Raw events go to `events`, with repeated strings (device, rule, interfaces,
 * MAC header, format, origin) interned in `strs`.  Roll-ups (rollup.c) answer
 * the reports.  The schema is versioned; migrations run on open. */
#include "store.h"

#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/hash.h"
#include "rollup.h"
#include "sqlite_priv.h"

static const char *const migrations[] = {
	/* 1: events, interned strings, file positions, roll-ups */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
	"CREATE TABLE strs(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);"
	"CREATE TABLE events("
	" id INTEGER PRIMARY KEY,"
	" ts INTEGER NOT NULL,"         /* UTC microseconds */
	" action INTEGER NOT NULL,"     /* enum ev_action */
	" direction INTEGER NOT NULL,"  /* enum ev_direction */
	" proto INTEGER, src BLOB, dst BLOB, sport INTEGER, dport INTEGER,"
	" tcp_flags INTEGER, icmp_type INTEGER, icmp_code INTEGER,"
	" len INTEGER, ttl INTEGER, window INTEGER, tcp_opts TEXT,"
	" device INTEGER, rule INTEGER, in_if INTEGER, out_if INTEGER,"
	" phys_in INTEGER, phys_out INTEGER, mac INTEGER,"
	" format INTEGER, origin INTEGER, line INTEGER);" /* strs ids */
	"CREATE INDEX events_ts ON events(ts);"
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
};
enum { SCHEMA_VERSION = sizeof migrations / sizeof migrations[0] };

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
		snprintf(st->err, sizeof st->err,
			 "database needs migrating (schema %d, want %d): run portlog import once", v,
			 SCHEMA_VERSION);
		return -1;
	}
	if (exec(st, "BEGIN IMMEDIATE"))
		return -1;
	for (int i = v; i < SCHEMA_VERSION; i++)
		if (exec(st, migrations[i])) {
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

struct store *store_open(const char *path, int flags, char *err, size_t errlen)
{
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
	const char *setup = (flags & STORE_READONLY)
				    ? "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
				    : "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;"
				      " PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;";
	if (exec(st, setup) || (!(flags & STORE_READONLY) &&
				exec(st, (flags & STORE_BULK) ? "PRAGMA synchronous=OFF"
							       : "PRAGMA synchronous=NORMAL")))
		goto bad;
	if (migrate(st))
		goto bad;
	if (!(flags & STORE_READONLY)) {
		st->ru = rollup_new();
		if (!st->ru) {
			snprintf(st->err, sizeof st->err, "out of memory");
			goto bad;
		}
		if (prep(st, &st->ins_event,
			 "INSERT INTO events(ts,action,direction,proto,src,dst,sport,dport,tcp_flags,"
			 "icmp_type,icmp_code,len,ttl,window,tcp_opts,device,rule,in_if,out_if,"
			 "phys_in,phys_out,mac,format,origin,line) "
			 "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
		    prep(st, &st->str_get, "SELECT id FROM strs WHERE s=?") ||
		    prep(st, &st->str_ins, "INSERT INTO strs(s) VALUES(?)") ||
		    prep(st, &st->begin, "BEGIN") || prep(st, &st->commit, "COMMIT"))
			goto bad;
	}
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
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->in_tx)
		store_commit(st);
	rollup_free(st->ru);
	sqlite3_finalize(st->ins_event);
	sqlite3_finalize(st->str_get);
	sqlite3_finalize(st->str_ins);
	sqlite3_finalize(st->begin);
	sqlite3_finalize(st->commit);
	intern_clear(st);
	sqlite3_close(st->db);
	free(st);
}

/* The id of string s in strs, adding it if new; 0 for an empty string. */
static int64_t intern(struct store *st, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (st->intern_n * 2 >= st->intern_cap) {
		if (st->intern_n >= INTERN_MAX)
			intern_clear(st); /* bound memory: the table still has them */
		size_t cap = st->intern_cap ? st->intern_cap * 2 : 1024;
		struct intern_slot *v = calloc(cap, sizeof *v);
		if (!v)
			return -1;
		for (size_t i = 0; i < st->intern_cap; i++) {
			if (!st->intern[i].s)
				continue;
			size_t j = st->intern[i].hash & (cap - 1);
			while (v[j].s)
				j = (j + 1) & (cap - 1);
			v[j] = st->intern[i];
		}
		free(st->intern);
		st->intern = v;
		st->intern_cap = cap;
	}
	uint64_t h = hash_bytes(s, n, 0);
	size_t j = h & (st->intern_cap - 1);
	while (st->intern[j].s) {
		if (st->intern[j].hash == h && st->intern[j].n == n && !memcmp(st->intern[j].s, s, n))
			return st->intern[j].id;
		j = (j + 1) & (st->intern_cap - 1);
	}
	int64_t id = 0;
	sqlite3_bind_text(st->str_get, 1, s, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st->str_get) == SQLITE_ROW)
		id = sqlite3_column_int64(st->str_get, 0);
	sqlite3_reset(st->str_get);
	if (!id) {
		sqlite3_bind_text(st->str_ins, 1, s, (int)n, SQLITE_STATIC);
		int rc = sqlite3_step(st->str_ins);
		sqlite3_reset(st->str_ins);
		if (rc != SQLITE_DONE)
			return -1;
		id = sqlite3_last_insert_rowid(st->db);
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	st->intern[j] = (struct intern_slot){ h, copy, (uint32_t)n, id };
	st->intern_n++;
	return id;
}

static int begin(struct store *st)
{
	if (st->in_tx)
		return 0;
	int rc = sqlite3_step(st->begin);
	sqlite3_reset(st->begin);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "beginning a transaction");
	st->in_tx = 1;
	return 0;
}

static void bind_str(struct store *st, sqlite3_stmt *s, int col, struct ev_str v, int *err)
{
	int64_t id = intern(st, v.p, v.n);
	if (id < 0)
		*err = 1;
	if (id > 0)
		sqlite3_bind_int64(s, col, id);
	else
		sqlite3_bind_null(s, col);
}

static void bind_addr(sqlite3_stmt *s, int col, const struct ev_addr *a)
{
	if (a->family)
		sqlite3_bind_blob(s, col, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, col);
}

int store_add(struct store *st, const struct event *ev, const char *format_name)
{
	if (begin(st))
		return -1;
	sqlite3_stmt *s = st->ins_event;
	int err = 0;
	sqlite3_bind_int64(s, 1, ev->ts_us);
	sqlite3_bind_int(s, 2, ev->action);
	sqlite3_bind_int(s, 3, ev->direction);
#define OPT_INT(col, bit, val)                      \
	do {                                         \
		if (ev->has & (bit))                 \
			sqlite3_bind_int(s, col, val); \
		else                                 \
			sqlite3_bind_null(s, col);     \
	} while (0)
	OPT_INT(4, EV_HAS_PROTO, ev->proto);
	bind_addr(s, 5, &ev->src);
	bind_addr(s, 6, &ev->dst);
	OPT_INT(7, EV_HAS_SPORT, ev->sport);
	OPT_INT(8, EV_HAS_DPORT, ev->dport);
	OPT_INT(9, EV_HAS_TCP_FLAGS, ev->tcp_flags);
	OPT_INT(10, EV_HAS_ICMP, ev->icmp_type);
	OPT_INT(11, EV_HAS_ICMP, ev->icmp_code);
	OPT_INT(12, EV_HAS_LEN, (int)ev->len);
	OPT_INT(13, EV_HAS_TTL, ev->ttl);
	OPT_INT(14, EV_HAS_WINDOW, ev->window);
#undef OPT_INT
	if (ev->tcp_opts.n)
		sqlite3_bind_text(s, 15, ev->tcp_opts.p, (int)ev->tcp_opts.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 15);
	bind_str(st, s, 16, ev->device, &err);
	bind_str(st, s, 17, ev->rule, &err);
	bind_str(st, s, 18, ev->in_if, &err);
	bind_str(st, s, 19, ev->out_if, &err);
	bind_str(st, s, 20, ev->phys_in, &err);
	bind_str(st, s, 21, ev->phys_out, &err);
	bind_str(st, s, 22, ev->mac, &err);
	bind_str(st, s, 23, (struct ev_str){ format_name, (uint32_t)strlen(format_name) }, &err);
	bind_str(st, s, 24, ev->origin, &err);
	if (ev->line)
		sqlite3_bind_int64(s, 25, (sqlite3_int64)ev->line);
	else
		sqlite3_bind_null(s, 25);
	if (err)
		return sqlite_fail(st, "storing a string");
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "storing an event");
	int32_t hour = (int32_t)(ev->ts_us >= 0 ? ev->ts_us / 3600000000LL
						 : -((-ev->ts_us + 3599999999LL) / 3600000000LL));
	if (rollup_add(st->ru, rollup_port(ev), hour, rollup_proto(ev), ev->direction, ev->action,
		       &ev->src)) {
		snprintf(st->err, sizeof st->err, "out of memory in roll-up");
		return -1;
	}
	st->added++;
	return 0;
}

uint64_t store_added(const struct store *st)
{
	return st->added;
}

int store_commit(struct store *st)
{
	if (!st->in_tx)
		return 0;
	if (rollup_flush(st->ru, st->db))
		return sqlite_fail(st, "updating roll-ups");
	int rc = sqlite3_step(st->commit);
	sqlite3_reset(st->commit);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "committing");
	st->in_tx = 0;
	return 0;
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
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "saving file position");
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
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "saving file position");
	if (!mark->id)
		mark->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}
