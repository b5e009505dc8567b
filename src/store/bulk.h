/* bulk.h - many rows per INSERT statement.
 *
 * SQLite's cost for a small INSERT is mostly per statement (cursor set-up,
 * VDBE start and halt), not per row, so writing 64 rows per statement is
 * several times cheaper than 64 statements.  Rows are integers plus at most
 * one short BLOB column (an address), copied in until the statement runs. */
#ifndef PORTLOG_BULK_H
#define PORTLOG_BULK_H

#include <sqlite3.h>
#include <stdint.h>

enum { BULK_ROWS = 64, BULK_MAXCOLS = 8, BULK_BLOB_MAX = 16 };

struct bulk {
	sqlite3_stmt *multi, *single;
	int ncols, blobcol; /* blobcol: index of the BLOB column, -1 if none */
	int n;
	int64_t v[BULK_ROWS][BULK_MAXCOLS];
	uint8_t blob[BULK_ROWS][BULK_BLOB_MAX];
	uint8_t bloblen[BULK_ROWS];
};

/* head: "INSERT INTO t(a,b,c)"; tail: "" or " ON CONFLICT DO UPDATE ...".
 * 0 on success. */
int bulk_prepare(struct bulk *b, sqlite3 *db, const char *head, int ncols, int blobcol,
		 const char *tail);
/* Queue a row (writing a full statement when BULK_ROWS are queued). */
int bulk_add(struct bulk *b, const int64_t *vals, const void *blob, int bloblen);
/* Write what is queued. */
int bulk_flush(struct bulk *b);
void bulk_finalize(struct bulk *b);

#endif
