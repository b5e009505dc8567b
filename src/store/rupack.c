/* rupack.c - see rupack.h. */
#include "rupack.h"

#include <stdlib.h>
#include <string.h>

#include "../util/varint.h"

/* Small signed fields are stored plus one, so "any" (-1) is zero. */
size_t rupack_put(uint8_t *out, const struct ru_ent *e)
{
	size_t n = 0, alen = e->fam == 4 ? 4 : e->fam == 6 ? 16 : 0;
	out[n++] = (uint8_t)(alen ? e->fam : 0);
	memcpy(out + n, e->addr, alen);
	n += alen;
	n += varint_put(out + n, (uint64_t)((int64_t)e->port + 1));
	n += varint_put(out + n, (uint64_t)((int64_t)e->proto + 1));
	n += varint_put(out + n, (uint64_t)((int64_t)e->dir + 1));
	n += varint_put(out + n, (uint64_t)((int64_t)e->action + 1));
	n += varint_put(out + n, e->events);
	n += varint_put(out + n, e->sources);
	return n;
}

int rupack_next(const uint8_t *p, size_t n, size_t *pos, struct ru_ent *e)
{
	if (*pos >= n)
		return 0;
	uint8_t fam = p[(*pos)++];
	size_t alen = fam == 4 ? 4 : fam == 6 ? 16 : 0;
	if ((fam && !alen) || n - *pos < alen)
		return -1;
	memset(e->addr, 0, sizeof e->addr);
	memcpy(e->addr, p + *pos, alen);
	*pos += alen;
	e->fam = fam;
	uint64_t v[6];
	for (int i = 0; i < 6; i++)
		if (varint_get(p, n, pos, &v[i]))
			return -1;
	if (v[0] > 65536 || v[1] > 257 || v[2] > 127 || v[3] > 127)
		return -1;
	e->port = (int32_t)v[0] - 1;
	e->proto = (int16_t)((int)v[1] - 1);
	e->dir = (int8_t)((int)v[2] - 1);
	e->action = (int8_t)((int)v[3] - 1);
	e->events = v[4];
	e->sources = v[5];
	return 1;
}

int rubuf_reserve(struct rubuf *b, size_t n)
{
	if (b->cap - b->n >= n)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap - b->n < n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int rubuf_put(struct rubuf *b, const struct ru_ent *e)
{
	if (rubuf_reserve(b, RUPACK_MAX))
		return -1;
	b->n += rupack_put(b->p + b->n, e);
	return 0;
}

int rubuf_append(struct rubuf *b, const void *p, size_t n)
{
	if (rubuf_reserve(b, n))
		return -1;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

void rubuf_free(struct rubuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- ru_each(blob): an eponymous table-valued function ---- */

enum { COL_SRC, COL_PORT, COL_PROTO, COL_DIR, COL_ACTION, COL_EVENTS, COL_SOURCES, COL_DATA };

struct each_cursor {
	sqlite3_vtab_cursor base;
	uint8_t *data; /* a copy: the argument lives only during xFilter */
	size_t n, pos;
	struct ru_ent cur;
	int eof;
	sqlite3_int64 rowid;
};

static int each_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	(void)aux, (void)argc, (void)argv, (void)err;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(src BLOB, port INTEGER, proto INTEGER,"
					  " direction INTEGER, action INTEGER, events INTEGER,"
					  " sources INTEGER, data HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*out = v;
	return SQLITE_OK;
}

static int each_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

/* The list argument must be given: ru_each(x) is the only way to use it. */
static int each_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (c->iColumn == COL_DATA && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			if (!c->usable)
				return SQLITE_CONSTRAINT;
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->estimatedCost = 10;
			info->estimatedRows = 10;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT;
}

static int each_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	(void)v;
	struct each_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->eof = 1;
	*out = &c->base;
	return SQLITE_OK;
}

static int each_close(sqlite3_vtab_cursor *cur)
{
	struct each_cursor *c = (struct each_cursor *)cur;
	sqlite3_free(c->data);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int each_next(sqlite3_vtab_cursor *cur)
{
	struct each_cursor *c = (struct each_cursor *)cur;
	int r = rupack_next(c->data, c->n, &c->pos, &c->cur);
	if (r < 0) {
		sqlite3_free(cur->pVtab->zErrMsg);
		cur->pVtab->zErrMsg = sqlite3_mprintf("damaged roll-up list");
		c->eof = 1;
		return SQLITE_CORRUPT;
	}
	c->eof = r == 0;
	c->rowid++;
	return SQLITE_OK;
}

static int each_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
		       sqlite3_value **argv)
{
	(void)idx, (void)idxstr;
	struct each_cursor *c = (struct each_cursor *)cur;
	sqlite3_free(c->data);
	c->data = NULL;
	c->n = c->pos = 0;
	c->rowid = 0;
	c->eof = 1;
	if (argc < 1 || sqlite3_value_type(argv[0]) != SQLITE_BLOB)
		return SQLITE_OK;
	int n = sqlite3_value_bytes(argv[0]);
	const void *p = sqlite3_value_blob(argv[0]);
	if (n <= 0 || !p)
		return SQLITE_OK;
	c->data = sqlite3_malloc(n);
	if (!c->data)
		return SQLITE_NOMEM;
	memcpy(c->data, p, (size_t)n);
	c->n = (size_t)n;
	return each_next(cur);
}

static int each_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct each_cursor *)cur)->eof;
}

static int each_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct ru_ent *e = &((struct each_cursor *)cur)->cur;
	switch (col) {
	case COL_SRC:
		if (e->fam)
			sqlite3_result_blob(ctx, e->addr, e->fam == 4 ? 4 : 16, SQLITE_TRANSIENT);
		else
			sqlite3_result_null(ctx);
		break;
	case COL_PORT:
		sqlite3_result_int(ctx, e->port);
		break;
	case COL_PROTO:
		sqlite3_result_int(ctx, e->proto);
		break;
	case COL_DIR:
		sqlite3_result_int(ctx, e->dir);
		break;
	case COL_ACTION:
		sqlite3_result_int(ctx, e->action);
		break;
	case COL_EVENTS:
		sqlite3_result_int64(ctx, (sqlite3_int64)e->events);
		break;
	case COL_SOURCES:
		sqlite3_result_int64(ctx, (sqlite3_int64)e->sources);
		break;
	default:
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int each_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct each_cursor *)cur)->rowid;
	return SQLITE_OK;
}

static const sqlite3_module each_module = {
	.iVersion = 0,
	.xConnect = each_connect,
	.xBestIndex = each_best_index,
	.xDisconnect = each_disconnect,
	.xOpen = each_open,
	.xClose = each_close,
	.xFilter = each_filter,
	.xNext = each_next,
	.xEof = each_eof,
	.xColumn = each_column,
	.xRowid = each_rowid,
};

int rupack_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "ru_each", &each_module, NULL);
}
