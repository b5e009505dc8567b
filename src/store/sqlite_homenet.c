/* sqlite_homenet.c - home networks added in the dashboard or with `portlog
 * homenet add`, in the SQLite store (schema: migration 7 in sqlite.c).
 *
 * Only these are stored: portlog.conf's home_net and --home-net stay where
 * the user wrote them, and the readers (cmd/homenet.c) join the two lists.
 * A network added has its stored events counted into the host roll-up
 * (store_cover_nets, host_cover.h); removing it leaves them counted. */
#include <stdio.h>
#include <time.h>

#include "../classify/netset.h"
#include "host_cover.h"
#include "sqlite_priv.h"
#include "store.h"

/* One row of "SELECT COUNT(*) ..." or "SELECT 1 ... WHERE cidr=?"; -1 error. */
static int64_t scalar(struct store *st, const char *sql, const char *cidr)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading home networks");
	if (cidr)
		sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading home networks");
	return v;
}

int store_homenet_add(struct store *st, const char *cidr, const char *note)
{
	if (sqlite_join_batch(st))
		return -1;
	int64_t existed = scalar(st, "SELECT 1 FROM home_nets WHERE cidr=?", cidr);
	if (existed < 0)
		return -1;
	if (!existed) {
		int64_t n = scalar(st, "SELECT COUNT(*) FROM home_nets", NULL);
		if (n < 0)
			return -1;
		if (n >= STORE_HOMENET_MAX)
			return 2;
	}
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO home_nets(cidr, note, added) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(cidr) DO UPDATE SET note=?2",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "adding a home network");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "adding a home network");
	/* its hosts' pages read the host roll-up from now on (host_cover.h) */
	struct store_net net;
	if (cidr_parse_parts(cidr, &net.family, &net.bits, net.net) == 0 &&
	    store_cover_nets(st, &net, 1) < 0)
		return -1;
	return existed ? 1 : 0;
}

int store_homenet_rm(struct store *st, const char *cidr)
{
	if (sqlite_join_batch(st))
		return -1;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM home_nets WHERE cidr=?", -1, &s, NULL) !=
	    SQLITE_OK)
		return sqlite_fail(st, "removing a home network");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "removing a home network");
	return sqlite3_changes(st->db) ? 0 : 1;
}

int store_homenet_list(struct store *st, store_homenet_cb cb, void *arg)
{
	sqlite3_stmt *s;
	static const char sql[] = "SELECT cidr, note, added FROM home_nets ORDER BY added, cidr";
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading home networks");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cidr = (const char *)sqlite3_column_text(s, 0);
		const char *note = (const char *)sqlite3_column_text(s, 1);
		if (cidr && cb(arg, cidr, note ? note : "", sqlite3_column_int64(s, 2)))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading home networks");
	return 0;
}
