/* rupack.h - the packed roll-up entry and its BLOB encoding.
 *
 * A roll-up row holds one (port, hour) or one hour; what it counts is a
 * list of entries packed into a BLOB, so a row costs one B-tree insert
 * instead of one per source (rollup.c).  Every list uses the same entry,
 * with the fields it does not need left at "any" (-1) or zero:
 *
 *   byte  family: 0 no address, 4 IPv4, 6 IPv6
 *   0/4/16 bytes  the address
 *   varints       port+1, proto+1, direction+1, action+1, events, sources
 *
 * SQL reads a list with the table-valued function ru_each(blob), whose rows
 * are (src, port, proto, direction, action, events, sources); C code reads
 * it with rupack_next(). */
#ifndef PORTLOG_RUPACK_H
#define PORTLOG_RUPACK_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct ru_ent {
	int32_t port;  /* -1: none or any */
	int16_t proto; /* 0..256 (256: none), -1: any */
	int8_t dir, action; /* -1: any */
	uint8_t fam;   /* 0, 4 or 6 */
	uint8_t addr[16];
	uint64_t events, sources;
};

/* The longest encoded entry. */
enum { RUPACK_MAX = 1 + 16 + 6 * 10 };

/* Encode e at out (RUPACK_MAX bytes of room); returns the bytes written. */
size_t rupack_put(uint8_t *out, const struct ru_ent *e);

/* Decode the entry at *pos in [p, p+n) and advance *pos.  1 on success, 0 at
 * the end, -1 if the list is damaged. */
int rupack_next(const uint8_t *p, size_t n, size_t *pos, struct ru_ent *e);

/* A growing byte buffer for building lists. */
struct rubuf {
	uint8_t *p;
	size_t n, cap;
};
int rubuf_put(struct rubuf *b, const struct ru_ent *e);
/* Room for n more bytes at p + n (0, or -1 out of memory). */
int rubuf_reserve(struct rubuf *b, size_t n);
/* Append n raw bytes. */
int rubuf_append(struct rubuf *b, const void *p, size_t n);
void rubuf_free(struct rubuf *b);

/* Register ru_each() on a connection.  SQLITE_OK on success. */
int rupack_register(sqlite3 *db);

#endif
