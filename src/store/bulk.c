/* bulk.c - see bulk.h. */
#include "bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int prepare_rows(sqlite3 *db, sqlite3_stmt **st, const char *head, int ncols, int rows,
			const char *tail)
{
	size_t row_len = (size_t)ncols * 2 + 3;
	size_t n = strlen(head) + strlen(tail) + 16 + (size_t)rows * row_len;
	char *sql = malloc(n);
	if (!sql)
		return -1;
	size_t o = (size_t)snprintf(sql, n, "%s VALUES", head);
	for (int r = 0; r < rows; r++) {
		sql[o++] = r ? ',' : ' ';
		sql[o++] = '(';
		for (int c = 0; c < ncols; c++) {
			if (c)
				sql[o++] = ',';
			sql[o++] = '?';
		}
		sql[o++] = ')';
	}
	snprintf(sql + o, n - o, "%s", tail);
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

int bulk_prepare(struct bulk *b, sqlite3 *db, const char *head, int ncols, int blobcol,
		 const char *tail)
{
	memset(b, 0, sizeof *b);
	if (ncols > BULK_MAXCOLS)
		return -1;
	b->ncols = ncols;
	b->blobcol = blobcol;
	if (prepare_rows(db, &b->multi, head, ncols, BULK_ROWS, tail) ||
	    prepare_rows(db, &b->single, head, ncols, 1, tail)) {
		bulk_finalize(b);
		return -1;
	}
	return 0;
}

static void bind_row(struct bulk *b, sqlite3_stmt *st, int base, int row)
{
	for (int c = 0; c < b->ncols; c++) {
		if (c == b->blobcol)
			sqlite3_bind_blob(st, base + c + 1, b->blob[row], b->bloblen[row],
					  SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, base + c + 1, b->v[row][c]);
	}
}

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int bulk_flush(struct bulk *b)
{
	int r = 0, rc = 0;
	if (b->n == BULK_ROWS) {
		for (; r < BULK_ROWS; r++)
			bind_row(b, b->multi, r * b->ncols, r);
		rc = run(b->multi);
	}
	for (; r < b->n && rc == 0; r++) {
		bind_row(b, b->single, 0, r);
		rc = run(b->single);
	}
	b->n = 0;
	return rc;
}

int bulk_add(struct bulk *b, const int64_t *vals, const void *blob, int bloblen)
{
	if (b->blobcol >= 0 && (bloblen < 0 || bloblen > BULK_BLOB_MAX))
		return -1; /* refused before it is counted */
	int r = b->n++;
	memcpy(b->v[r], vals, (size_t)b->ncols * sizeof *vals);
	if (b->blobcol >= 0) {
		if (bloblen)
			memcpy(b->blob[r], blob, (size_t)bloblen);
		b->bloblen[r] = (uint8_t)bloblen;
	}
	return b->n == BULK_ROWS ? bulk_flush(b) : 0;
}

void bulk_finalize(struct bulk *b)
{
	sqlite3_finalize(b->multi);
	sqlite3_finalize(b->single);
	b->multi = b->single = NULL;
	b->n = 0;
}
