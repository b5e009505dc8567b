/* sqlite_blocklist.c - the user's block list of known-bad networks (`portlog
 * block`), in the SQLite store (schema: migration 8 in sqlite.c).  Events
 * from a listed source raise a reputation finding (classify/reputation.c). */
#include <stdio.h>
#include <time.h>

#include "sqlite_priv.h"
#include "store.h"

int store_block_add(struct store *st, const char *cidr, const char *note)
{
	if (sqlite_join_batch(st))
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM blocklist WHERE cidr=?", -1, &s, NULL))
		return sqlite_fail(st, "reading the block list");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading the block list");
	int existed = rc == SQLITE_ROW;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO blocklist(cidr, note, added) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(cidr) DO UPDATE SET note=?2",
			       -1, &s, NULL))
		return sqlite_fail(st, "adding to the block list");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "adding to the block list");
	return existed;
}

int store_block_rm(struct store *st, const char *cidr)
{
	if (sqlite_join_batch(st))
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM blocklist WHERE cidr=?", -1, &s, NULL))
		return sqlite_fail(st, "removing from the block list");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "removing from the block list");
	return sqlite3_changes(st->db) ? 0 : 1;
}

int store_block_list(struct store *st, store_block_cb cb, void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT cidr, note, added FROM blocklist ORDER BY cidr", -1,
			       &s, NULL))
		return sqlite_fail(st, "reading the block list");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cidr = (const char *)sqlite3_column_text(s, 0);
		const char *note = (const char *)sqlite3_column_text(s, 1);
		if (cb(arg, cidr ? cidr : "", note ? note : "", sqlite3_column_int64(s, 2)))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading the block list");
	return 0;
}
