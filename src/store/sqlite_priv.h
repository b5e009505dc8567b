/* sqlite_priv.h - what the SQLite backend's files share, and nobody else. */
#ifndef PORTLOG_SQLITE_PRIV_H
#define PORTLOG_SQLITE_PRIV_H

#include <sqlite3.h>
#include <stdint.h>

#include "rollup.h"

struct intern_slot {
	uint64_t hash;
	char *s;
	uint32_t n;
	int64_t id;
};
enum { INTERN_MAX = 1 << 18 };

struct store {
	sqlite3 *db;
	int flags;
	int in_tx;
	uint64_t added;
	struct rollup *ru;
	sqlite3_stmt *ins_event, *str_get, *str_ins, *begin, *commit;
	struct intern_slot *intern;
	size_t intern_cap, intern_n;
	char err[512];
};

/* Record "what: sqlite's message" as the store's error; returns -1. */
int sqlite_fail(struct store *st, const char *what);

#endif
