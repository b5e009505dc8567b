/* rollup.c - see rollup.h. */
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_bloom.h"
#include "rollup_known.h"
#include "rollup_sort.h"
#include "rupack.h"
#include "../util/radix.h"

/* What a flush writes: counted by the writer (rollup_add), or on another
 * thread into an accumulator of its own (import's reader). */
struct rollup_acc {
	struct ru_list main;   /* (port, hour, source, combo) */
	struct ru_list inside; /* (hour, destination, port, direction), inbound and internal */
	struct abloom_set *addrs; /* each hour's addresses */
	/* After rollup_acc_sort (no more counting until cleared): main's
	 * entries merged in rollup_port's key order, by_hour the same entries
	 * hour-major, and inside's entries merged hour-major. */
	int sorted;
	const struct ru_entry **by_hour;
	size_t cap_by_hour;
};

/* A rollup_port row queued for a multi-row INSERT (see write_port_rows). */
struct port_row {
	int32_t port, hour;
	int64_t part, events, sources;
	struct rubuf combos, uniq, srcs;
};
enum { PORT_ROWS = 32, PORT_COLS = 9 };

struct rollup {
	struct rollup_acc own;
	sqlite3 *db; /* statements below belong to it */
	sqlite3_stmt *wm_get, *wm_set, *gen_get, *gen_set, *parts_get, *port_put, *time_put,
		*bloom_put;
	struct known *known; /* rows stored for the newest hours */
	int64_t gen;         /* meta rollup_gen after our last flush */
	/* Keys given a second part by this writer, to compact once their hour
	 * is past (port TIME_KEY: rollup_time's hour). */
	struct part_key *multi;
	size_t nmulti, capmulti;
	sqlite3_stmt *port_parts, *port_del, *time_parts, *time_del, *bloom_del;
	sqlite3_stmt *past_set; /* meta rollup_past_gen (ROLLUP_PAST_HOURS) */
	/* rollup_port rows queued for one INSERT of PORT_ROWS rows: SQLite's
	 * cost is mostly per statement, and a 10M-line import writes 2.4M of
	 * these rows (one statement each were 17% of its store thread) */
	sqlite3_stmt *port_multi;
	struct port_row rows[PORT_ROWS];
	int nrows;
};

struct part_key {
	int32_t port, hour;
};
enum { TIME_KEY = INT32_MIN };

static void acc_done(struct rollup_acc *a)
{
	free(a->by_hour);
	ru_list_free(&a->main);
	ru_list_free(&a->inside);
	abloom_free(a->addrs);
	memset(a, 0, sizeof *a);
}

static int acc_init(struct rollup_acc *a)
{
	int bad = ru_list_init(&a->main, 1 << 16);
	bad |= ru_list_init(&a->inside, 1 << 12);
	a->addrs = abloom_new();
	if (bad || !a->addrs) {
		acc_done(a);
		return -1;
	}
	return 0;
}

struct rollup_acc *rollup_acc_new(void)
{
	struct rollup_acc *a = calloc(1, sizeof *a);
	if (a && acc_init(a)) {
		free(a);
		return NULL;
	}
	return a;
}

void rollup_acc_free(struct rollup_acc *a)
{
	if (a)
		acc_done(a);
	free(a);
}

void rollup_acc_clear(struct rollup_acc *a)
{
	a->sorted = 0;
	a->main.n = a->inside.n = 0;
	abloom_reset(a->addrs);
}

struct rollup *rollup_new(void)
{
	struct rollup *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->known = known_new();
	r->gen = -1;
	if (acc_init(&r->own) || !r->known) {
		acc_done(&r->own);
		known_free(r->known);
		free(r);
		return NULL;
	}
	return r;
}

static void finalize_all(struct rollup *r)
{
	sqlite3_stmt **s[] = { &r->wm_get,     &r->wm_set,   &r->gen_get,	  &r->gen_set,
			       &r->parts_get,  &r->port_put, &r->time_put,	  &r->port_parts,
			       &r->port_del,   &r->time_parts, &r->time_del,
			       &r->bloom_put,  &r->bloom_del, &r->past_set,   &r->port_multi };
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		sqlite3_finalize(*s[i]);
		*s[i] = NULL;
	}
	r->db = NULL;
}

void rollup_free(struct rollup *r)
{
	if (!r)
		return;
	finalize_all(r);
	known_free(r->known);
	acc_done(&r->own);
	free(r->multi);
	for (int i = 0; i < PORT_ROWS; i++) {
		rubuf_free(&r->rows[i].combos);
		rubuf_free(&r->rows[i].uniq);
		rubuf_free(&r->rows[i].srcs);
	}
	free(r);
}

void rollup_reset(struct rollup *r)
{
	rollup_acc_clear(&r->own);
	known_clear(r->known);
	r->nmulti = 0;
	r->gen = -1;
}

size_t rollup_pending(const struct rollup *r)
{
	return r->own.main.n;
}

static int acc_add(struct rollup_acc *a, int port, int32_t hour, int proto, int direction,
		   int action, const struct ev_addr *src)
{
	struct ru_key k;
	memset(&k, 0, sizeof k);
	k.port = port;
	k.hour = hour;
	k.proto = (int16_t)proto;
	k.dir = (uint8_t)direction;
	k.action = (uint8_t)action;
	k.fam = src->family;
	memcpy(k.src, src->bytes, src->family == 4 ? 4 : src->family == 6 ? 16 : 0);
	return ru_list_add(&a->main, &k);
}

static int acc_inside(struct rollup_acc *a, int32_t hour, const struct ev_addr *dst, int port,
		      int direction)
{
	if (!dst->family || (direction != EV_DIR_INBOUND && direction != EV_DIR_INTERNAL))
		return 0;
	struct ru_key k;
	memset(&k, 0, sizeof k);
	k.port = port;
	k.hour = hour;
	k.dir = (uint8_t)direction;
	k.fam = dst->family;
	memcpy(k.src, dst->bytes, dst->family == 4 ? 4 : 16);
	return ru_list_add(&a->inside, &k);
}

int rollup_acc_count(struct rollup_acc *a, int port, int32_t hour, int proto, int direction,
		     int action, const struct ev_addr *src, const struct ev_addr *dst)
{
	return acc_add(a, port, hour, proto, direction, action, src) ||
	       abloom_note(a->addrs, hour, src) || abloom_note(a->addrs, hour, dst) ||
	       acc_inside(a, hour, dst, port, direction);
}

int rollup_count(struct rollup *r, int port, int32_t hour, int proto, int direction, int action,
		 const struct ev_addr *src, const struct ev_addr *dst)
{
	return rollup_acc_count(&r->own, port, hour, proto, direction, action, src, dst);
}

int rollup_acc_sort(struct rollup_acc *a)
{
	if (a->sorted)
		return 0;
	size_t n = a->main.n; /* at least the keys that remain */
	if (n > a->cap_by_hour) { /* first: a failure leaves the lists counted, unsorted */
		const struct ru_entry **p = realloc(a->by_hour, n * sizeof *p);
		if (!p)
			return -1;
		a->by_hour = p;
		a->cap_by_hour = n;
	}
	if (ru_list_sort(&a->main, a->by_hour) || ru_list_sort(&a->inside, NULL))
		return -1;
	a->sorted = 1;
	return 0;
}

static int same_src(const struct ru_key *a, const struct ru_key *b)
{
	return a->fam == b->fam && !memcmp(a->src, b->src, 16);
}

static int prepare(struct rollup *r, sqlite3 *db)
{
	if (r->db == db)
		return 0;
	finalize_all(r);
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} q[] = {
		{ &r->wm_get, "SELECT value FROM meta WHERE key='rollup_max_hour'" },
		{ &r->wm_set, "INSERT OR REPLACE INTO meta(key,value) VALUES('rollup_max_hour',?)" },
		/* Bumped by every flush: a change we did not make ourselves
		 * means another writer, and the known map is forgotten.  It
		 * also numbers the parts a flush writes. */
		{ &r->gen_get, "SELECT value FROM meta WHERE key='rollup_gen'" },
		{ &r->gen_set, "INSERT OR REPLACE INTO meta(key,value) VALUES('rollup_gen',?)" },
		{ &r->parts_get, "SELECT srcs FROM rollup_port WHERE day=?2/24 AND port=?1 AND hour=?2" },
		{ &r->port_put, "INSERT INTO rollup_port(day,port,hour,part,events,sources,combos,"
				"uniq,srcs) VALUES(?,?,?,?,?,?,?,?,?)" }, /* bind_port_row */
		{ &r->time_put, "INSERT INTO rollup_time(hour,part,ports,srcs,bloom,inside)"
				" VALUES(?1,?2,?3,?4,x'',?5)" },
		{ &r->bloom_put, "INSERT INTO rollup_bloom(hour,part,bloom) VALUES(?1,?2,?3)" },
		{ &r->port_parts, "SELECT part, events, sources, combos, uniq, srcs FROM rollup_port"
				  " WHERE day=?2/24 AND port=?1 AND hour=?2" },
		{ &r->port_del, "DELETE FROM rollup_port WHERE day=?2/24 AND port=?1 AND hour=?2" },
		{ &r->time_parts, "SELECT t.part, t.ports, t.srcs, coalesce(b.bloom, x''), t.inside"
				  " FROM rollup_time t LEFT JOIN rollup_bloom b"
				  " ON b.hour = t.hour AND b.part = t.part WHERE t.hour=?1" },
		{ &r->time_del, "DELETE FROM rollup_time WHERE hour=?1" },
		{ &r->bloom_del, "DELETE FROM rollup_bloom WHERE hour=?1" },
		{ &r->past_set, "INSERT OR REPLACE INTO meta(key,value) VALUES('rollup_past_gen',?)" },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (sqlite3_prepare_v3(db, q[i].sql, -1, SQLITE_PREPARE_PERSISTENT, q[i].st, NULL) !=
		    SQLITE_OK) {
			finalize_all(r);
			return -1;
		}
	/* port_put's columns PORT_ROWS times; the day is bound, not computed */
	char sql[PORT_ROWS * 24 + 128];
	int at = snprintf(sql, sizeof sql, "INSERT INTO rollup_port(day,port,hour,part,events,"
					   "sources,combos,uniq,srcs) VALUES");
	for (int i = 0; i < PORT_ROWS; i++)
		at += snprintf(sql + at, sizeof sql - (size_t)at, "%s(?,?,?,?,?,?,?,?,?)",
			       i ? "," : "");
	if (sqlite3_prepare_v3(db, sql, at, SQLITE_PREPARE_PERSISTENT, &r->port_multi, NULL) !=
	    SQLITE_OK) {
		finalize_all(r);
		return -1;
	}
	r->nrows = 0;
	r->db = db;
	return 0;
}

/* ---- small accumulators for one (port, hour) group ---- */

struct hour_acc {
	int16_t proto;
	uint8_t dir, action;
	uint64_t events, sources;
};
struct uniq_acc {
	int16_t proto, dir; /* -1 = any */
	uint64_t sources;
};

/* What is already stored for one group: its (source, combo) pairs. */
struct stored {
	uint8_t fam, src[16];
	struct combo c;
};

struct accs {
	struct hour_acc *h;
	size_t nh, caph;
	struct uniq_acc *u;
	size_t nu, capu;
	struct combo *e; /* combos already stored for the current source */
	size_t ne, cape;
	struct stored *g; /* the group's stored pairs, sorted, when read back */
	size_t ng, capg;
	int g_loaded;
	struct rubuf combos, uniq, srcs;
};

static void accs_free(struct accs *a)
{
	free(a->h);
	free(a->u);
	free(a->e);
	free(a->g);
	rubuf_free(&a->combos);
	rubuf_free(&a->uniq);
	rubuf_free(&a->srcs);
}

static int grow_array(void **p, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static struct hour_acc *hour_slot(struct accs *a, int proto, int dir, int action)
{
	for (size_t i = 0; i < a->nh; i++)
		if (a->h[i].proto == proto && a->h[i].dir == dir && a->h[i].action == action)
			return &a->h[i];
	if (a->nh == a->caph && grow_array((void **)&a->h, &a->caph, sizeof *a->h))
		return NULL;
	a->h[a->nh] = (struct hour_acc){ (int16_t)proto, (uint8_t)dir, (uint8_t)action, 0, 0 };
	return &a->h[a->nh++];
}

static int uniq_inc(struct accs *a, int proto, int dir)
{
	for (size_t i = 0; i < a->nu; i++)
		if (a->u[i].proto == proto && a->u[i].dir == dir) {
			a->u[i].sources++;
			return 0;
		}
	if (a->nu == a->capu && grow_array((void **)&a->u, &a->capu, sizeof *a->u))
		return -1;
	a->u[a->nu++] = (struct uniq_acc){ (int16_t)proto, (int16_t)dir, 1 };
	return 0;
}

static int existing_has(const struct accs *a, int proto, int dir, int action)
{
	for (size_t i = 0; i < a->ne; i++)
		if ((proto < -1 || a->e[i].proto == proto) && (dir < 0 || a->e[i].dir == dir) &&
		    (action < 0 || a->e[i].action == action))
			return 1;
	return 0;
}

static int cmp_stored(const void *a, const void *b)
{
	const struct stored *x = a, *y = b;
	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	return memcmp(x->src, y->src, 16);
}

/* Read back every part of (port, hour): the pairs stored so far. */
static int load_group(struct rollup *r, struct accs *a, int port, int hour)
{
	a->ng = 0;
	sqlite3_stmt *st = r->parts_get;
	sqlite3_bind_int(st, 1, port);
	sqlite3_bind_int(st, 2, hour);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0), pos = 0;
		struct ru_ent e;
		int got;
		while (p && (got = rupack_next(p, n, &pos, &e)) == 1) {
			if (a->ng == a->capg &&
			    grow_array((void **)&a->g, &a->capg, sizeof *a->g)) {
				sqlite3_reset(st);
				return -1;
			}
			struct stored *s = &a->g[a->ng++];
			s->fam = e.fam;
			memcpy(s->src, e.addr, 16);
			s->c = (struct combo){ e.proto, (uint8_t)e.dir, (uint8_t)e.action };
		}
		if (p && got < 0) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (a->ng)
		qsort(a->g, a->ng, sizeof *a->g, cmp_stored);
	a->g_loaded = 1;
	return 0;
}

/* The combos stored for one source, from the group read back. */
static int group_combos(struct accs *a, const struct ru_key *k)
{
	a->ne = 0;
	struct stored key = { .fam = k->fam };
	memcpy(key.src, k->src, 16);
	size_t lo = 0, hi = a->ng;
	while (lo < hi) { /* first stored pair not below the source */
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_stored(&a->g[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->ng && !cmp_stored(&a->g[i], &key); i++) {
		if (a->ne == a->cape && grow_array((void **)&a->e, &a->cape, sizeof *a->e))
			return -1;
		a->e[a->ne++] = a->g[i].c;
	}
	return 0;
}

/* One source's entries [b, e) of a group: list it, count what is new. */
static int flush_source(struct rollup *r, struct accs *a, const struct ru_entry *b,
			const struct ru_entry *e, int merge)
{
	a->ne = 0;
	if (merge) {
		int n = -1;
		if (known_covers(r->known, b->k.hour)) {
			if (a->cape < 8 && grow_array((void **)&a->e, &a->cape, sizeof *a->e))
				return -1;
			n = known_get(r->known, b->k.port, b->k.hour, b->k.fam, b->k.src, a->e,
				      (int)a->cape);
		}
		if (n >= 0) {
			a->ne = (size_t)n;
		} else {
			if (!a->g_loaded && load_group(r, a, b->k.port, b->k.hour))
				return -1;
			if (group_combos(a, &b->k))
				return -1;
		}
	}
	int any_new = a->ne == 0;
	unsigned dirs_seen = 0;
	for (const struct ru_entry *x = b; x < e; x++) {
		const struct ru_key *k = &x->k;
		struct hour_acc *h = hour_slot(a, k->proto, k->dir, k->action);
		if (!h)
			return -1;
		h->events += x->events;
		if (!existing_has(a, k->proto, k->dir, k->action))
			h->sources++;
		/* (proto, dir): entries are sorted by proto, dir, action, so the
		 * first of each run stands for the pair. */
		int first_pair = x == b || x[-1].k.proto != k->proto || x[-1].k.dir != k->dir;
		if (first_pair && !existing_has(a, k->proto, k->dir, -1) && uniq_inc(a, k->proto, k->dir))
			return -1;
		int first_proto = x == b || x[-1].k.proto != k->proto;
		if (first_proto && !existing_has(a, k->proto, -1, -1) && uniq_inc(a, k->proto, -1))
			return -1;
		if (!(dirs_seen & (1u << k->dir))) {
			dirs_seen |= 1u << k->dir;
			if (!existing_has(a, -2, k->dir, -1) && uniq_inc(a, -1, k->dir))
				return -1;
		}
		struct ru_ent ent = { .port = -1, .proto = k->proto, .dir = (int8_t)k->dir,
				      .action = (int8_t)k->action, .fam = k->fam,
				      .events = x->events };
		memcpy(ent.addr, k->src, 16);
		if (rubuf_put(&a->srcs, &ent))
			return -1;
		known_add(r->known, k->port, k->hour, k->fam, k->src,
			  (struct combo){ k->proto, k->dir, k->action });
	}
	if (any_new && uniq_inc(a, -1, -1))
		return -1;
	return 0;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_buf(sqlite3_stmt *st, int col, const struct rubuf *b)
{
	/* an empty list is a zero-length BLOB, never NULL */
	sqlite3_bind_blob(st, col, b->n ? (const void *)b->p : "", (int)b->n, SQLITE_STATIC);
}

/* Bind row w as port_put's columns, from parameter b + 1 on: port_multi's
 * row i at b = i * PORT_COLS.  Its day is the hour / 24, as C and SQLite
 * both divide (towards zero). */
static void bind_port_row(sqlite3_stmt *st, int b, const struct port_row *w)
{
	sqlite3_bind_int(st, b + 1, w->hour / 24);
	sqlite3_bind_int(st, b + 2, w->port);
	sqlite3_bind_int(st, b + 3, w->hour);
	sqlite3_bind_int64(st, b + 4, w->part);
	sqlite3_bind_int64(st, b + 5, w->events);
	sqlite3_bind_int64(st, b + 6, w->sources);
	bind_buf(st, b + 7, &w->combos);
	bind_buf(st, b + 8, &w->uniq);
	bind_buf(st, b + 9, &w->srcs);
}

/* Write the queued rollup_port rows: a full queue with one statement, the
 * rest of a flush one by one.  Each row's lists are then emptied for reuse;
 * a list grown past 64 KiB is freed, so a queue that once held a busy hour
 * does not keep it. */
static int write_port_rows(struct rollup *r)
{
	int rc = 0;
	if (r->nrows == PORT_ROWS) {
		for (int i = 0; i < PORT_ROWS; i++)
			bind_port_row(r->port_multi, i * PORT_COLS, &r->rows[i]);
		rc = step_reset(r->port_multi);
	} else {
		for (int i = 0; i < r->nrows && rc == 0; i++) {
			bind_port_row(r->port_put, 0, &r->rows[i]);
			rc = step_reset(r->port_put);
		}
	}
	for (int i = 0; i < r->nrows; i++) {
		struct rubuf *l[] = { &r->rows[i].combos, &r->rows[i].uniq, &r->rows[i].srcs };
		for (int j = 0; j < 3; j++)
			if (l[j]->cap > 65536)
				rubuf_free(l[j]);
			else
				l[j]->n = 0;
	}
	r->nrows = 0;
	return rc;
}

static void swap_buf(struct rubuf *a, struct rubuf *b)
{
	struct rubuf t = *a;
	*a = *b;
	*b = t;
}

/* Write one part of (port, hour): this flush's counts, new sources only. */
static int write_group(struct rollup *r, struct accs *a, int port, int hour, int64_t part)
{
	uint64_t events = 0, sources = 0;
	a->combos.n = a->uniq.n = 0;
	for (size_t i = 0; i < a->nh; i++) {
		struct ru_ent e = { .port = -1, .proto = a->h[i].proto, .dir = (int8_t)a->h[i].dir,
				    .action = (int8_t)a->h[i].action, .events = a->h[i].events,
				    .sources = a->h[i].sources };
		events += a->h[i].events;
		if (rubuf_put(&a->combos, &e))
			return -1;
	}
	for (size_t i = 0; i < a->nu; i++) {
		struct ru_ent e = { .port = -1, .proto = a->u[i].proto, .dir = (int8_t)a->u[i].dir,
				    .action = -1, .sources = a->u[i].sources };
		if (a->u[i].proto == -1 && a->u[i].dir == -1)
			sources = a->u[i].sources;
		if (rubuf_put(&a->uniq, &e))
			return -1;
	}
	/* queued: the row takes the lists, and leaves its emptied ones */
	struct port_row *w = &r->rows[r->nrows++];
	w->port = port;
	w->hour = hour;
	w->part = part;
	w->events = (int64_t)events;
	w->sources = (int64_t)sources;
	swap_buf(&w->combos, &a->combos);
	swap_buf(&w->uniq, &a->uniq);
	swap_buf(&w->srcs, &a->srcs);
	a->nh = a->nu = 0;
	a->srcs.n = 0;
	a->g_loaded = 0;
	return r->nrows == PORT_ROWS ? write_port_rows(r) : 0;
}

/* rollup_time's port list is in (port, proto, direction, action) order:
 * that order as one number, for radix_sort (qsort with a comparator was 4%
 * of the store thread on a 10M-line import).  Port -1..65535 and proto
 * -1..65534 are shifted by one so that -1 sorts first. */
static uint64_t port_order(const struct ru_key *k)
{
	return (uint64_t)(uint32_t)(k->port + 1) << 32 | (uint64_t)(uint16_t)(k->proto + 1) << 16 |
	       (uint64_t)k->dir << 8 | k->action;
}

/* One part of an hour: its lists in rollup_time, its address filter in
 * rollup_bloom (apart, so finding an address's hours reads filters only). */
static int put_time(struct rollup *r, int32_t hour, int64_t part, const struct rubuf *ports,
		    const struct rubuf *srcs, const struct rubuf *bloom, const struct rubuf *inside)
{
	sqlite3_stmt *st = r->time_put;
	sqlite3_bind_int(st, 1, hour);
	sqlite3_bind_int64(st, 2, part);
	bind_buf(st, 3, ports);
	bind_buf(st, 4, srcs);
	bind_buf(st, 5, inside);
	if (step_reset(st))
		return -1;
	st = r->bloom_put;
	sqlite3_bind_int(st, 1, hour);
	sqlite3_bind_int64(st, 2, part);
	bind_buf(st, 3, bloom);
	return step_reset(st);
}

/* rollup_time: one part per hour and flush.  slots [b, e) are one hour,
 * sorted by (source, port, combo). */
static int write_hour(struct rollup *r, struct rollup_acc *acc, const struct ru_entry *const *b,
		      const struct ru_entry *const *e, const struct ru_entry *ib,
		      const struct ru_entry *ie, int64_t part,
		      struct rubuf *ports, struct rubuf *srcs, struct rubuf *bloom,
		      struct rubuf *inside, struct radix_item **pa, size_t *pcap)
{
	ports->n = srcs->n = bloom->n = inside->n = 0;
	for (const struct ru_entry *x = ib; x < ie; x++) {
		struct ru_ent ent = { .port = x->k.port, .proto = -1, .dir = (int8_t)x->k.dir,
				      .action = -1, .fam = x->k.fam, .events = x->events };
		memcpy(ent.addr, x->k.src, 16);
		if (rubuf_put(inside, &ent))
			return -1;
	}
	if (abloom_build(acc->addrs, (*b)->k.hour, bloom))
		return -1;
	size_t n = (size_t)(e - b);
	if (n > *pcap) { /* n to sort, n more for radix_sort's passes */
		struct radix_item *p = realloc(*pa, 2 * n * sizeof *p);
		if (!p)
			return -1;
		*pa = p;
		*pcap = n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ru_key *k = &b[i]->k;
		(*pa)[i] = (struct radix_item){ .key = port_order(k), .idx = (uint32_t)i };
		struct ru_ent ent = { .port = k->port, .proto = k->proto, .dir = (int8_t)k->dir,
				      .action = (int8_t)k->action, .fam = k->fam,
				      .events = b[i]->events };
		memcpy(ent.addr, k->src, 16);
		if (rubuf_put(srcs, &ent))
			return -1;
	}
	const struct radix_item *o = n ? radix_sort(*pa, *pa + n, n) : *pa;
	for (size_t i = 0; i < n;) {
		const struct ru_key *k = &b[o[i].idx]->k;
		struct ru_ent ent = { .port = k->port, .proto = k->proto, .dir = (int8_t)k->dir,
				      .action = (int8_t)k->action, .events = 0 };
		size_t j = i;
		for (; j < n && o[j].key == o[i].key; j++)
			ent.events += b[o[j].idx]->events;
		if (rubuf_put(ports, &ent))
			return -1;
		i = j;
	}
	return put_time(r, (*b)->k.hour, part, ports, srcs, bloom, inside);
}

/* ---- compaction: many parts of one key become one ---- */

static int note_multi(struct rollup *r, int32_t port, int32_t hour)
{
	for (size_t i = r->nmulti; i-- > 0;)
		if (r->multi[i].port == port && r->multi[i].hour == hour)
			return 0;
	if (r->nmulti == r->capmulti &&
	    grow_array((void **)&r->multi, &r->capmulti, sizeof *r->multi))
		return -1;
	r->multi[r->nmulti++] = (struct part_key){ port, hour };
	return 0;
}

struct ent_vec {
	struct ru_ent *v;
	size_t n, cap;
};

static int cmp_ent(const void *a, const void *b)
{
	const struct ru_ent *x = a, *y = b;
	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	int c = memcmp(x->addr, y->addr, 16);
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return (int)x->action - (int)y->action;
}

static int vec_load(struct ent_vec *v, sqlite3_stmt *st, int col)
{
	const uint8_t *p = sqlite3_column_blob(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col), pos = 0;
	struct ru_ent e;
	int got = 0;
	while (p && (got = rupack_next(p, n, &pos, &e)) == 1) {
		if (v->n == v->cap && grow_array((void **)&v->v, &v->cap, sizeof *v->v))
			return -1;
		v->v[v->n++] = e;
	}
	return got < 0 ? -1 : 0;
}

/* Equal entries (all but the counts) add up; the sum goes into out. */
static int vec_merge(struct ent_vec *v, struct rubuf *out)
{
	out->n = 0;
	if (v->n)
		qsort(v->v, v->n, sizeof *v->v, cmp_ent);
	for (size_t i = 0; i < v->n;) {
		struct ru_ent sum = v->v[i];
		size_t j = i + 1;
		for (; j < v->n && !cmp_ent(&v->v[j], &sum); j++) {
			sum.events += v->v[j].events;
			sum.sources += v->v[j].sources;
		}
		if (rubuf_put(out, &sum))
			return -1;
		i = j;
	}
	v->n = 0;
	return 0;
}

static int compact_port(struct rollup *r, int32_t port, int32_t hour)
{
	struct ent_vec lists[3] = { { 0 } };
	struct rubuf out[3] = { { 0 } };
	int64_t part = INT64_MAX, events = 0, sources = 0, parts = 0;
	sqlite3_stmt *st = r->port_parts;
	sqlite3_bind_int(st, 1, port);
	sqlite3_bind_int(st, 2, hour);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t p = sqlite3_column_int64(st, 0);
		part = p < part ? p : part;
		events += sqlite3_column_int64(st, 1);
		sources += sqlite3_column_int64(st, 2);
		parts++;
		if (vec_load(&lists[0], st, 3) || vec_load(&lists[1], st, 4) ||
		    vec_load(&lists[2], st, 5)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_reset(st);
	int ok = rc == SQLITE_DONE;
	if (ok && parts > 1) {
		for (int i = 0; i < 3 && ok; i++)
			ok = vec_merge(&lists[i], &out[i]) == 0;
		sqlite3_bind_int(r->port_del, 1, port);
		sqlite3_bind_int(r->port_del, 2, hour);
		ok = ok && step_reset(r->port_del) == 0;
		if (ok) {
			struct port_row w = { .port = port, .hour = hour, .part = part,
					      .events = events, .sources = sources,
					      .combos = out[0], .uniq = out[1], .srcs = out[2] };
			bind_port_row(r->port_put, 0, &w);
			ok = step_reset(r->port_put) == 0;
		}
	}
	for (int i = 0; i < 3; i++) {
		free(lists[i].v);
		rubuf_free(&out[i]);
	}
	return ok ? 0 : -1;
}

static int compact_time(struct rollup *r, int32_t hour)
{
	struct ent_vec lists[3] = { { 0 } };
	struct rubuf out[3] = { { 0 } }, bloom = { 0 };
	int64_t part = INT64_MAX, parts = 0;
	sqlite3_stmt *st = r->time_parts;
	sqlite3_bind_int(st, 1, hour);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t p = sqlite3_column_int64(st, 0);
		part = p < part ? p : part;
		parts++;
		if (vec_load(&lists[0], st, 1) || vec_load(&lists[1], st, 2) ||
		    vec_load(&lists[2], st, 4)) {
			rc = SQLITE_ERROR;
			break;
		}
		/* the parts' filter segments, one after another (addr_bloom.h) */
		size_t n = (size_t)sqlite3_column_bytes(st, 3);
		if (n && rubuf_append(&bloom, sqlite3_column_blob(st, 3), n)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	int ok = rc == SQLITE_DONE;
	if (ok && parts > 1) {
		for (int i = 0; i < 3 && ok; i++)
			ok = vec_merge(&lists[i], &out[i]) == 0;
		sqlite3_bind_int(r->time_del, 1, hour);
		sqlite3_bind_int(r->bloom_del, 1, hour);
		ok = ok && step_reset(r->time_del) == 0 && step_reset(r->bloom_del) == 0;
		ok = ok && put_time(r, hour, part, &out[0], &out[1], &bloom, &out[2]) == 0;
	}
	for (int i = 0; i < 3; i++) {
		free(lists[i].v);
		rubuf_free(&out[i]);
	}
	rubuf_free(&bloom);
	return ok ? 0 : -1;
}

/* Compact the keys whose hour is before `live`: no more parts will come
 * to them from a stream, so readers get one row per key again. */
static int compact_past(struct rollup *r, int32_t live)
{
	size_t kept = 0;
	for (size_t i = 0; i < r->nmulti; i++) {
		struct part_key k = r->multi[i];
		if (k.hour >= live) {
			r->multi[kept++] = k;
			continue;
		}
		if (k.port == TIME_KEY ? compact_time(r, k.hour) : compact_port(r, k.port, k.hour))
			return -1;
	}
	r->nmulti = kept;
	return 0;
}

int rollup_flush(struct rollup *r, sqlite3 *db)
{
	return rollup_flush_acc(r, &r->own, db);
}

int rollup_flush_acc(struct rollup *r, struct rollup_acc *acc, sqlite3 *db)
{
	if (acc->main.n == 0)
		return 0;
	if (prepare(r, db))
		return -1;
	int64_t watermark = INT32_MIN;
	if (sqlite3_step(r->wm_get) == SQLITE_ROW)
		watermark = sqlite3_column_int64(r->wm_get, 0);
	sqlite3_reset(r->wm_get);
	int64_t gen = 0;
	if (sqlite3_step(r->gen_get) == SQLITE_ROW)
		gen = sqlite3_column_int64(r->gen_get, 0);
	sqlite3_reset(r->gen_get);
	if (gen != r->gen)
		known_clear(r->known); /* another writer was here */
	known_thaw(r->known);
	int64_t part = gen + 1; /* this flush's rows, unique in every (port, hour) */

	if (rollup_acc_sort(acc))
		return -1;
	struct ru_entry *slots = acc->main.slots;
	size_t n = acc->main.n;
	int32_t min_new = INT32_MAX, max_any = INT32_MIN, min_any = INT32_MAX;
	for (size_t i = 0; i < n; i++) {
		int32_t h = slots[i].k.hour;
		if (h < min_any)
			min_any = h;
		if (h > watermark && h < min_new)
			min_new = h;
		if (h > max_any)
			max_any = h;
	}
	/* The map keeps the newest two hours only (a live stream's next batch
	 * lands there); recording older ones would be thrown away at the end.
	 * Nothing is stored past the watermark, so from there it is complete. */
	int32_t keep = max_any > watermark ? max_any - 1 : (int32_t)watermark - 1;
	known_prune(r->known, keep);
	if (min_new != INT32_MAX)
		known_start(r->known, min_new > keep ? min_new : keep);

	struct accs a = { 0 };
	int rc = 0;
	int64_t max_hour = watermark;
	for (size_t g = 0; g < n && rc == 0;) {
		size_t ge = g + 1;
		while (ge < n && slots[ge].k.port == slots[g].k.port &&
		       slots[ge].k.hour == slots[g].k.hour)
			ge++;
		int hour = slots[g].k.hour, port = slots[g].k.port;
		int merge = hour <= watermark;
		for (size_t s = g; s < ge && rc == 0;) {
			size_t se = s + 1;
			while (se < ge && same_src(&slots[s].k, &slots[se].k))
				se++;
			rc = flush_source(r, &a, &slots[s], &slots[se], merge);
			s = se;
		}
		if (rc == 0)
			rc = write_group(r, &a, port, hour, part);
		if (rc == 0 && merge)
			rc = note_multi(r, port, hour);
		if (hour > max_hour)
			max_hour = hour;
		g = ge;
	}
	if (rc == 0)
		rc = write_port_rows(r);
	r->nrows = 0; /* after a failure: the transaction is rolled back */
	accs_free(&a);

	if (rc == 0) {
		const struct ru_entry **by = acc->by_hour;
		struct rubuf ports = { 0 }, srcs = { 0 }, bloom = { 0 }, inside = { 0 };
		/* inside hosts hit: sorted the same way, walked alongside */
		struct ru_entry *in = acc->inside.slots;
		size_t nin = acc->inside.n, ig = 0;
		struct radix_item *pa = NULL;
		size_t pcap = 0;
		for (size_t g = 0; g < n && rc == 0;) {
			size_t ge = g + 1;
			while (ge < n && by[ge]->k.hour == by[g]->k.hour)
				ge++;
			int32_t hour = by[g]->k.hour;
			while (ig < nin && in[ig].k.hour < hour)
				ig++; /* cannot happen: every event has a main entry */
			size_t igend = ig;
			while (igend < nin && in[igend].k.hour == hour)
				igend++;
			rc = write_hour(r, acc, &by[g], &by[ge], &in[ig], &in[igend], part, &ports, &srcs,
					&bloom, &inside, &pa, &pcap);
			ig = igend;
			if (rc == 0 && hour <= watermark)
				rc = note_multi(r, TIME_KEY, hour);
			g = ge;
		}
		rubuf_free(&ports);
		rubuf_free(&srcs);
		rubuf_free(&bloom);
		rubuf_free(&inside);
		free(pa);
	}
	if (rc == 0)
		rc = compact_past(r, (int32_t)max_hour - 1);
	if (rc == 0 && max_hour > watermark) {
		sqlite3_bind_int64(r->wm_set, 1, max_hour);
		rc = step_reset(r->wm_set);
	}
	/* hours older than ROLLUP_PAST_HOURS before the watermark changed:
	 * what rankings kept of them is stale (sqlite_query.c, rank_memo.h) */
	if (rc == 0 && watermark != INT32_MIN && min_any < watermark - ROLLUP_PAST_HOURS) {
		sqlite3_bind_int64(r->past_set, 1, part);
		rc = step_reset(r->past_set);
	}
	if (rc == 0) {
		sqlite3_bind_int64(r->gen_set, 1, part);
		rc = step_reset(r->gen_set);
		r->gen = rc == 0 ? part : -1;
	} else {
		r->gen = -1; /* the transaction will not commit: trust nothing */
	}
	/* keep the newest two hours: a live stream's batches land there */
	known_prune(r->known, (int32_t)max_hour - 1);
	rollup_acc_clear(acc);
	return rc;
}
