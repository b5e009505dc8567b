/* probes_vtab.c - the virtual table `probes`: packed probes read back as
 * rows with findings' columns (probe_packs.h). */
#include "probe_packs.h"

#include <stdio.h>
#include <string.h>

#include "addr_bloom.h"
#include "probe_rec.h"

/* Its columns are findings' (SQLITE_FINDING_COLS), in that order. */
enum {
	C_KIND, C_SUBJECT, C_SRC, C_FIRST, C_LAST, C_SHAPE, C_PROBE, C_PROTO, C_PORT_LO,
	C_PORT_HI, C_NPORTS, C_NHOSTS, C_PACKETS, C_PORTS, C_HOSTS, C_DANGER, C_TRW,
	C_SIGNATURE, C_REFS, C_VALUE, C_BASELINE, C_FACTOR, C_SECOND_WAVE, C_SUMMARY, C_OS,
};

/* The bounds a query gives, bit by bit in idxNum; their values come in
 * argv in this order. */
enum {
	B_KIND = 1,      /* kind = ?: no probe unless 1 */
	B_SRC = 2,       /* src = ? */
	B_PORT = 4,      /* port_lo or port_hi = ? */
	B_DANGER = 8,    /* danger = ? */
	B_DANGER_GE = 16, /* danger >= ? (or >) */
	B_SINCE = 32,    /* last_ts >= ? (or >) */
	B_UNTIL = 64,    /* first_ts < ? (or <=) */
	B_FIRST = 128,   /* first_ts = ? */
	B_ALL = 255,
};

struct probes_vtab {
	sqlite3_vtab base;
	sqlite3 *db;
};

struct probes_cursor {
	sqlite3_vtab_cursor base;
	sqlite3_stmt *packs; /* the packs the bounds leave */
	int have_src, have_first;
	struct ev_addr src;
	uint64_t src_key;
	int64_t first_us;
	/* the pack being read (a copy: a DELETE may rewrite its row) */
	int64_t pack_id, time_base; /* the pack's base */
	int danger, port, proto;
	char *signature, *refs;
	uint8_t *data;
	size_t n, pos, rec_pos;
	struct probe_rec rec;
	char subject[EV_ADDR_STRLEN];
	int eof;
};

static int probes_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			  sqlite3_vtab **out, char **err)
{
	(void)aux, (void)argc, (void)argv, (void)err;
	int rc = sqlite3_declare_vtab(db,
		"CREATE TABLE x(kind, subject, src, first_ts, last_ts, shape, probe, proto,"
		" port_lo, port_hi, nports, nhosts, packets, ports, hosts, danger, trw_probes,"
		" signature, refs, value, baseline, factor, second_wave, summary, os)");
	if (rc != SQLITE_OK)
		return rc;
	struct probes_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	v->db = db;
	*out = &v->base;
	return SQLITE_OK;
}

static int probes_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

static int bound_of(int col, unsigned char op)
{
	switch (col) {
	case C_KIND:
		return op == SQLITE_INDEX_CONSTRAINT_EQ ? B_KIND : 0;
	case C_SRC:
		return op == SQLITE_INDEX_CONSTRAINT_EQ ? B_SRC : 0;
	case C_PORT_LO:
	case C_PORT_HI:
		return op == SQLITE_INDEX_CONSTRAINT_EQ ? B_PORT : 0;
	case C_DANGER:
		return op == SQLITE_INDEX_CONSTRAINT_EQ ? B_DANGER
		       : op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_GT
			       ? B_DANGER_GE
			       : 0;
	case C_LAST:
		return op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_GT
			       ? B_SINCE
			       : 0;
	case C_FIRST:
		return op == SQLITE_INDEX_CONSTRAINT_EQ ? B_FIRST
		       : op == SQLITE_INDEX_CONSTRAINT_LT || op == SQLITE_INDEX_CONSTRAINT_LE
			       ? B_UNTIL
			       : 0;
	}
	return 0;
}

/* Every bound it can use, one constraint each; SQLite checks them all
 * again (omit stays 0), so a bound only skips packs and records. */
static int probes_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	int which[8], used = 0; /* the constraint of bound 1 << k */
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		int b = c->usable ? bound_of(c->iColumn, c->op) : 0;
		if (b && !(used & b)) {
			which[__builtin_ctz((unsigned)b)] = i;
			used |= b;
		}
	}
	int argv = 0;
	for (int k = 0; k < 8; k++)
		if (used & 1 << k)
			info->aConstraintUsage[which[k]].argvIndex = ++argv;
	info->idxNum = used;
	double cost = 1e6;
	if (used & B_SRC)
		cost /= 1000;
	if (used & (B_FIRST | B_PORT))
		cost /= 20;
	if (used & (B_SINCE | B_DANGER | B_DANGER_GE))
		cost /= 2;
	info->estimatedCost = cost;
	info->estimatedRows = (sqlite3_int64)cost;
	return SQLITE_OK;
}

static void pack_drop(struct probes_cursor *c)
{
	sqlite3_free(c->data);
	sqlite3_free(c->signature);
	sqlite3_free(c->refs);
	c->data = NULL;
	c->signature = c->refs = NULL;
	c->n = c->pos = 0;
}

static int probes_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	(void)v;
	struct probes_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->eof = 1;
	*out = &c->base;
	return SQLITE_OK;
}

static int probes_close(sqlite3_vtab_cursor *cur)
{
	struct probes_cursor *c = (struct probes_cursor *)cur;
	sqlite3_finalize(c->packs);
	pack_drop(c);
	sqlite3_free(c);
	return SQLITE_OK;
}

static char *dup_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return sqlite3_mprintf("%s", t ? (const char *)t : "");
}

static int fail(struct probes_cursor *c, int rc, const char *what)
{
	sqlite3_vtab *v = c->base.pVtab;
	sqlite3_free(v->zErrMsg);
	v->zErrMsg = sqlite3_mprintf("%s", what);
	c->eof = 1;
	return rc;
}

/* The next pack the bounds leave (and whose filter may hold the address):
 * 1, 0 at the end, or an SQLite error code (negative). */
static int next_pack(struct probes_cursor *c)
{
	pack_drop(c);
	for (;;) {
		int rc = sqlite3_step(c->packs);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW)
			return -rc;
		if (c->have_src) {
			const uint8_t *b = sqlite3_column_blob(c->packs, 7);
			size_t nb = (size_t)sqlite3_column_bytes(c->packs, 7);
			if (!abloom_test(b, nb, c->src_key))
				continue;
		}
		c->pack_id = sqlite3_column_int64(c->packs, 0);
		c->danger = sqlite3_column_int(c->packs, 1);
		c->port = sqlite3_column_int(c->packs, 2);
		c->proto = sqlite3_column_int(c->packs, 3);
		c->time_base = sqlite3_column_int64(c->packs, 4);
		int n = sqlite3_column_bytes(c->packs, 8);
		const void *p = sqlite3_column_blob(c->packs, 8);
		c->signature = dup_text(c->packs, 5);
		c->refs = dup_text(c->packs, 6);
		c->data = sqlite3_malloc(n > 0 ? n : 1);
		if (!c->signature || !c->refs || !c->data)
			return -SQLITE_NOMEM;
		if (n > 0)
			memcpy(c->data, p, (size_t)n);
		c->n = n > 0 ? (size_t)n : 0;
		return 1;
	}
}

static int probes_next(sqlite3_vtab_cursor *cur)
{
	struct probes_cursor *c = (struct probes_cursor *)cur;
	const struct probes_vtab *v = (const struct probes_vtab *)cur->pVtab;
	for (;;) {
		if (!c->data) {
			int r = next_pack(c);
			if (r < 0)
				return fail(c, -r, sqlite3_errmsg(v->db));
			if (r == 0) {
				c->eof = 1;
				return SQLITE_OK;
			}
		}
		c->rec_pos = c->pos;
		int k = probe_rec_decode(c->data, c->n, &c->pos, c->time_base, &c->rec);
		if (k < 0)
			return fail(c, SQLITE_CORRUPT, "damaged probe pack");
		if (k == 0) {
			pack_drop(c);
			continue;
		}
		if (c->rec.flags & REC_DELETED)
			continue;
		if (c->have_src && (c->rec.src.family != c->src.family ||
				    memcmp(c->rec.src.bytes, c->src.bytes, 16)))
			continue;
		if (c->have_first && c->rec.first_us != c->first_us)
			continue;
		c->eof = 0;
		return SQLITE_OK;
	}
}

static int probes_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
			 sqlite3_value **argv)
{
	(void)idxstr;
	struct probes_cursor *c = (struct probes_cursor *)cur;
	struct probes_vtab *v = (struct probes_vtab *)cur->pVtab;
	pack_drop(c);
	c->eof = 1;
	c->have_src = c->have_first = 0;
	int64_t since = INT64_MIN, until = INT64_MAX, danger_ge = INT64_MIN;
	int have_port = 0, have_danger = 0, port = 0, danger = 0, a = 0;
	for (int b = 1; b <= B_ALL && a < argc; b <<= 1) {
		if (!(idx & b))
			continue;
		sqlite3_value *x = argv[a++];
		/* the value's own type: no affinity applied, which would change
		 * the value SQLite checks the condition with again */
		int type = sqlite3_value_type(x);
		if (b == B_SRC) {
			int n = sqlite3_value_bytes(x);
			if (type != SQLITE_BLOB || (n != 4 && n != 16))
				return SQLITE_OK; /* equal to no address */
			memset(&c->src, 0, sizeof c->src);
			c->src.family = n == 4 ? 4 : 6;
			memcpy(c->src.bytes, sqlite3_value_blob(x), (size_t)n);
			c->src_key = abloom_hash(&c->src);
			c->have_src = 1;
			continue;
		}
		if (type != SQLITE_INTEGER) {
			if (type == SQLITE_NULL)
				return SQLITE_OK; /* compared with NULL: no row */
			continue;                 /* a real or a text: left to SQLite */
		}
		int64_t i = sqlite3_value_int64(x);
		switch (b) {
		case B_KIND:
			if (i != FINDING_SCAN)
				return SQLITE_OK;
			break;
		case B_PORT:
			have_port = 1;
			port = i < -1 ? -2 : i > 65535 ? 65536 : (int)i;
			break;
		case B_DANGER:
			have_danger = 1;
			danger = i < -1 ? -2 : i > 99 ? 100 : (int)i;
			break;
		case B_DANGER_GE:
			danger_ge = i;
			break;
		case B_SINCE:
			since = i;
			break;
		case B_UNTIL:
			until = i;
			break;
		case B_FIRST:
			c->have_first = 1;
			c->first_us = i;
			break;
		}
	}
	if (c->have_first) {
		/* last_ts >= first_ts: the packs that end before it hold none */
		if (c->first_us > since)
			since = c->first_us;
		if (c->first_us < until)
			until = c->first_us;
	}
	if (!c->packs &&
	    sqlite3_prepare_v2(v->db,
			       "SELECT id, danger, port, proto, base, signature, refs, bloom,"
			       " data FROM probe_packs WHERE n > 0 AND last_max >= ?1"
			       " AND first_min <= ?2 AND (?3 IS NULL OR port = ?3)"
			       " AND danger >= ?4 AND (?5 IS NULL OR danger = ?5)",
			       -1, &c->packs, NULL) != SQLITE_OK)
		return fail(c, sqlite3_errcode(v->db), sqlite3_errmsg(v->db));
	sqlite3_reset(c->packs);
	sqlite3_bind_int64(c->packs, 1, since);
	sqlite3_bind_int64(c->packs, 2, until);
	if (have_port)
		sqlite3_bind_int(c->packs, 3, port);
	else
		sqlite3_bind_null(c->packs, 3);
	sqlite3_bind_int64(c->packs, 4, danger_ge);
	if (have_danger)
		sqlite3_bind_int(c->packs, 5, danger);
	else
		sqlite3_bind_null(c->packs, 5);
	return probes_next(cur);
}

static int probes_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct probes_cursor *)cur)->eof;
}

static void result_text(sqlite3_context *ctx, const char *s, size_t n)
{
	sqlite3_result_text(ctx, s, (int)n, SQLITE_TRANSIENT);
}

static int probes_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct probes_cursor *c = (struct probes_cursor *)cur;
	const struct probe_rec *r = &c->rec;
	char port[16];
	switch (col) {
	case C_KIND:
		sqlite3_result_int(ctx, FINDING_SCAN);
		break;
	case C_SUBJECT:
		ev_addr_str(&r->src, c->subject, sizeof c->subject);
		sqlite3_result_text(ctx, c->subject, -1, SQLITE_TRANSIENT);
		break;
	case C_SRC:
		sqlite3_result_blob(ctx, r->src.bytes, r->src.family == 4 ? 4 : 16,
				    SQLITE_TRANSIENT);
		break;
	case C_FIRST:
		sqlite3_result_int64(ctx, r->first_us);
		break;
	case C_LAST:
		sqlite3_result_int64(ctx, r->last_us);
		break;
	case C_SHAPE:
		sqlite3_result_text(ctx, "probe", -1, SQLITE_STATIC);
		break;
	case C_PROBE:
		result_text(ctx, r->probe, r->probe_len);
		break;
	case C_PROTO:
		sqlite3_result_int(ctx, c->proto);
		break;
	case C_PORT_LO:
	case C_PORT_HI:
		sqlite3_result_int(ctx, c->port);
		break;
	case C_NPORTS:
		sqlite3_result_int(ctx, c->port >= 0);
		break;
	case C_NHOSTS:
		sqlite3_result_int64(ctx, (sqlite3_int64)r->nhosts);
		break;
	case C_PACKETS:
		sqlite3_result_int64(ctx, (sqlite3_int64)r->packets);
		break;
	case C_PORTS:
		if (c->port >= 0)
			sqlite3_result_text(ctx, port, snprintf(port, sizeof port, "%d", c->port),
					    SQLITE_TRANSIENT);
		else
			sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		break;
	case C_HOSTS:
		result_text(ctx, r->hosts, r->hosts_len);
		break;
	case C_DANGER:
		sqlite3_result_int(ctx, c->danger);
		break;
	case C_TRW:
		sqlite3_result_int64(ctx, (sqlite3_int64)r->trw_probes);
		break;
	case C_SIGNATURE:
		sqlite3_result_text(ctx, c->signature, -1, SQLITE_TRANSIENT);
		break;
	case C_REFS:
		sqlite3_result_text(ctx, c->refs, -1, SQLITE_TRANSIENT);
		break;
	case C_VALUE:
	case C_BASELINE:
	case C_FACTOR:
		sqlite3_result_double(ctx, 0);
		break;
	case C_SECOND_WAVE:
		sqlite3_result_int(ctx, 0);
		break;
	case C_OS:
		result_text(ctx, r->os, r->os_len);
		break;
	default: /* the summary: written again from the fields when read */
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int probes_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	struct probes_cursor *c = (struct probes_cursor *)cur;
	*rowid = (sqlite3_int64)((uint64_t)c->pack_id << REC_OFF_BITS | c->rec_pos);
	return SQLITE_OK;
}

static int vtab_fail(struct probes_vtab *v, int rc, const char *what)
{
	sqlite3_free(v->base.zErrMsg);
	v->base.zErrMsg = sqlite3_mprintf("%s: %s", what, sqlite3_errmsg(v->db));
	return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}

/* DELETE: the record's deleted flag set and the pack's count lowered; the
 * rowids of the others do not change.  A pack left empty stays (n = 0):
 * ids are never given twice, which the store's subject filter, reading
 * packs above the last id it read, counts on. */
static int probes_update(sqlite3_vtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid)
{
	(void)rowid;
	struct probes_vtab *v = (struct probes_vtab *)vt;
	if (argc != 1) {
		sqlite3_free(vt->zErrMsg);
		vt->zErrMsg = sqlite3_mprintf("probes are written by the store, not by SQL");
		return SQLITE_READONLY;
	}
	int64_t id = sqlite3_value_int64(argv[0]);
	int64_t pack = id >> REC_OFF_BITS;
	size_t off = (size_t)(id & ((1 << REC_OFF_BITS) - 1));
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(v->db, "SELECT data FROM probe_packs WHERE id = ?1", -1, &s,
				    NULL);
	if (rc != SQLITE_OK)
		return vtab_fail(v, rc, "reading a probe pack");
	sqlite3_bind_int64(s, 1, pack);
	rc = sqlite3_step(s);
	uint8_t *copy = NULL;
	size_t n = 0;
	if (rc == SQLITE_ROW) {
		n = (size_t)sqlite3_column_bytes(s, 0);
		copy = sqlite3_malloc64(n ? n : 1);
		if (copy && n)
			memcpy(copy, sqlite3_column_blob(s, 0), n);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return SQLITE_OK; /* gone already */
	if (rc != SQLITE_ROW || !copy) {
		sqlite3_free(copy);
		return rc != SQLITE_ROW ? vtab_fail(v, rc, "reading a probe pack") : SQLITE_NOMEM;
	}
	size_t pos = off;
	struct probe_rec r;
	if (probe_rec_decode(copy, n, &pos, 0, &r) != 1) {
		sqlite3_free(copy);
		sqlite3_free(vt->zErrMsg);
		vt->zErrMsg = sqlite3_mprintf("damaged probe pack");
		return SQLITE_CORRUPT;
	}
	if (r.flags & REC_DELETED) {
		sqlite3_free(copy);
		return SQLITE_OK;
	}
	copy[off] |= REC_DELETED;
	rc = sqlite3_prepare_v2(v->db, "UPDATE probe_packs SET data = ?2, n = n - 1 WHERE id = ?1",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, pack);
		sqlite3_bind_blob(s, 2, copy, (int)n, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
	}
	sqlite3_free(copy);
	return rc == SQLITE_DONE ? SQLITE_OK : vtab_fail(v, rc, "deleting a probe");
}

static const sqlite3_module probes_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous: `probes` exists on every connection that registers it */
	.xConnect = probes_connect,
	.xBestIndex = probes_best_index,
	.xDisconnect = probes_disconnect,
	.xOpen = probes_open,
	.xClose = probes_close,
	.xFilter = probes_filter,
	.xNext = probes_next,
	.xEof = probes_eof,
	.xColumn = probes_column,
	.xRowid = probes_rowid,
	.xUpdate = probes_update,
};

int probe_packs_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "probes", &probes_module, NULL);
}
