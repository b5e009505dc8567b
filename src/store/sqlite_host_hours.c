/* sqlite_host_hours.c - the hours a private address was a source in, as
 * the ranges of temp.addr_hours (sqlite_addr.h, addr_src_hours). */
#include <stdint.h>
#include <string.h>

#include "host_tally.h"
#include "sqlite_addr.h"
#include "sqlite_priv.h"

int addr_src_hours(struct store *st, const struct ev_addr *a, int64_t h0, int64_t h1)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT hours FROM host_peer WHERE addr=?1", -1, &q,
			       NULL) != SQLITE_OK)
		return sqlite_fail(st, "reading an address's hours");
	sqlite3_bind_blob(q, 1, a->bytes, a->family == 4 ? 4 : 16, SQLITE_STATIC);
	struct host_hours h = { 0 };
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(q)) == SQLITE_ROW)
		bad = host_hours_read(&h, sqlite3_column_blob(q, 0),
				      (size_t)sqlite3_column_bytes(q, 0)) != 0;
	sqlite3_finalize(q);
	if (bad || rc != SQLITE_DONE) {
		host_hours_free(&h);
		return bad ? -2 : sqlite_fail(st, "reading an address's hours");
	}
	if (h.any) {
		host_hours_free(&h);
		return -2;
	}
	if (!(ins = addr_hours_begin(st))) {
		host_hours_free(&h);
		return -1;
	}
	int64_t lo = h.base > h0 ? h.base : h0;
	int64_t hi = h.base + (int64_t)h.nbits < h1 ? h.base + (int64_t)h.nbits : h1;
	int ranges = 0;
	for (int64_t hour = lo; hour < hi && !bad;) {
		if (!host_hours_has(&h, hour)) {
			hour++;
			continue;
		}
		int64_t end = hour + 1;
		while (end < hi && host_hours_has(&h, end))
			end++;
		bad = addr_hours_put(ins, hour, end);
		ranges++;
		hour = end;
	}
	sqlite3_finalize(ins);
	host_hours_free(&h);
	return bad ? sqlite_fail(st, "finding an address's hours") : ranges;
}
