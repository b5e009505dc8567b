/* sqlite_captures.c - peek's captures and counters in the SQLite store
 * (schema: migration 3 in sqlite.c).  Kept apart from sqlite.c so the event
 * insert path stays one concern. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite_priv.h"
#include "store.h"

static void bind_text_or_null(sqlite3_stmt *s, int col, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, col);
}

int store_capture_add(struct store *st, struct capture *c)
{
	if (sqlite_join_batch(st))
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO captures(ts, duration_us, proto, src, sport, dst, dport,"
			       " bytes_in, bytes_out, end_reason, kind, fields, patterns, data)"
			       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing capture insert");
	sqlite3_bind_int64(s, 1, c->ts_us);
	sqlite3_bind_int64(s, 2, c->duration_us);
	sqlite3_bind_int(s, 3, c->proto);
	sqlite_bind_addr(s, 4, &c->src);
	sqlite3_bind_int(s, 5, c->sport);
	sqlite_bind_addr(s, 6, &c->dst);
	sqlite3_bind_int(s, 7, c->dport);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)c->bytes_in);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)c->bytes_out);
	bind_text_or_null(s, 10, c->end_reason);
	bind_text_or_null(s, 11, c->kind);
	bind_text_or_null(s, 12, c->fields);
	bind_text_or_null(s, 13, c->patterns);
	if (c->len)
		sqlite3_bind_blob(s, 14, c->data, (int)c->len, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(s, 14, 0);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "storing a capture");
	c->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_captures(struct store *st, const struct capture_filter *f, store_capture_cb cb,
		   void *arg)
{
	char sql[1024];
	int n = snprintf(sql, sizeof sql,
			 "SELECT id, ts, duration_us, proto, src, sport, dst, dport, bytes_in,"
			 " bytes_out, end_reason, kind, fields, patterns, data FROM captures"
			 " WHERE ts >= ?1");
	if (f->id)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND id = ?2");
	if (f->port >= 0)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND dport = ?3");
	if (f->have_src)
		n += snprintf(sql + n, sizeof sql - (size_t)n,
			      " AND length(src) = ?4 AND src BETWEEN ?5 AND ?6");
	size_t klen = f->kind ? strlen(f->kind) : 0;
	int prefix = klen && f->kind[klen - 1] == '*';
	if (klen)
		n += snprintf(sql + n, sizeof sql - (size_t)n,
			      prefix ? " AND substr(kind, 1, ?8) = ?7" : " AND kind = ?7");
	snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY ts DESC, id DESC LIMIT ?9");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing captures query");
	sqlite3_bind_int64(s, 1, f->since_us);
	if (f->id)
		sqlite3_bind_int64(s, 2, f->id);
	if (f->port >= 0)
		sqlite3_bind_int(s, 3, f->port);
	uint8_t lo[16], hi[16];
	if (f->have_src) {
		int len = f->src_family == 4 ? 4 : 16;
		sqlite_net_range(f->src_family, f->src_bits, f->src_net, lo, hi);
		sqlite3_bind_int(s, 4, len);
		sqlite3_bind_blob(s, 5, lo, len, SQLITE_STATIC);
		sqlite3_bind_blob(s, 6, hi, len, SQLITE_STATIC);
	}
	if (klen) {
		sqlite3_bind_text(s, 7, f->kind, (int)(prefix ? klen - 1 : klen), SQLITE_STATIC);
		sqlite3_bind_int(s, 8, (int)(klen - 1));
	}
	sqlite3_bind_int64(s, 9, f->limit > 0 ? f->limit : -1);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct capture c;
		memset(&c, 0, sizeof c);
		c.id = sqlite3_column_int64(s, 0);
		c.ts_us = sqlite3_column_int64(s, 1);
		c.duration_us = sqlite3_column_int64(s, 2);
		c.proto = sqlite3_column_int(s, 3);
		sqlite_col_addr(s, 4, &c.src);
		c.sport = sqlite3_column_int(s, 5);
		sqlite_col_addr(s, 6, &c.dst);
		c.dport = sqlite3_column_int(s, 7);
		c.bytes_in = (uint64_t)sqlite3_column_int64(s, 8);
		c.bytes_out = (uint64_t)sqlite3_column_int64(s, 9);
		c.end_reason = (const char *)sqlite3_column_text(s, 10);
		c.kind = (const char *)sqlite3_column_text(s, 11);
		c.fields = (const char *)sqlite3_column_text(s, 12);
		c.patterns = (const char *)sqlite3_column_text(s, 13);
		c.data = sqlite3_column_blob(s, 14);
		c.len = (size_t)sqlite3_column_bytes(s, 14);
		if (cb(arg, &c))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading captures");
	return 0;
}

int store_peek_counter_set(struct store *st, const char *name, uint64_t value)
{
	if (sqlite_join_batch(st))
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO peek_counters(name, value, updated) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(name) DO UPDATE SET value = ?2, updated = ?3",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "preparing counter update");
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)value);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "storing a counter");
}

int store_peek_counters(struct store *st, store_counter_cb cb, void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT name, value, updated FROM peek_counters ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading peek counters");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(s, 0),
		       (uint64_t)sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)))
			break;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlite_fail(st, "reading peek counters");
}
