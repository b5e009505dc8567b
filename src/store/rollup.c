/* rollup.c - see rollup.h. */
#include "rollup.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "bulk.h"
#include "rollup_known.h"

struct ru_key {
	int32_t port, hour;
	int16_t proto;
	uint8_t dir, action, fam, pad[3];
	uint8_t src[16];
};

struct ru_entry {
	struct ru_key k;
	uint64_t events; /* 0 marks an empty slot */
};

struct rollup {
	struct ru_entry *slots;
	size_t cap, n;
	sqlite3 *db; /* statements below belong to it */
	sqlite3_stmt *wm_get, *wm_set, *src_existing, *gen_get, *gen_set, *group_get;
	struct bulk src_new, src_merge, hour, uniq;
	struct known *known; /* rows stored for the newest hours */
	int64_t gen;         /* meta rollup_gen after our last flush */
};

struct rollup *rollup_new(void)
{
	struct rollup *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cap = 1 << 16;
	r->slots = calloc(r->cap, sizeof *r->slots);
	r->known = known_new();
	r->gen = -1;
	if (!r->slots || !r->known) {
		free(r->slots);
		known_free(r->known);
		free(r);
		return NULL;
	}
	return r;
}

static void finalize_all(struct rollup *r)
{
	sqlite3_stmt **s[] = { &r->wm_get, &r->wm_set, &r->src_existing, &r->gen_get,
			       &r->gen_set, &r->group_get };
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		sqlite3_finalize(*s[i]);
		*s[i] = NULL;
	}
	bulk_finalize(&r->src_new);
	bulk_finalize(&r->src_merge);
	bulk_finalize(&r->hour);
	bulk_finalize(&r->uniq);
	r->db = NULL;
}

void rollup_free(struct rollup *r)
{
	if (!r)
		return;
	finalize_all(r);
	known_free(r->known);
	free(r->slots);
	free(r);
}

void rollup_reset(struct rollup *r)
{
	memset(r->slots, 0, r->cap * sizeof *r->slots);
	r->n = 0;
	r->src_new.n = r->src_merge.n = r->hour.n = r->uniq.n = 0;
	known_clear(r->known);
	r->gen = -1;
}

size_t rollup_pending(const struct rollup *r)
{
	return r->n;
}

static uint64_t key_hash(const struct ru_key *k)
{
	return hash_bytes(k, sizeof *k, 0);
}

static int grow(struct rollup *r)
{
	size_t cap = r->cap * 2;
	struct ru_entry *s = calloc(cap, sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < r->cap; i++) {
		if (!r->slots[i].events)
			continue;
		size_t j = key_hash(&r->slots[i].k) & (cap - 1);
		while (s[j].events)
			j = (j + 1) & (cap - 1);
		s[j] = r->slots[i];
	}
	free(r->slots);
	r->slots = s;
	r->cap = cap;
	return 0;
}

int rollup_add(struct rollup *r, int port, int32_t hour, int proto, int direction, int action,
	       const struct ev_addr *src)
{
	if (r->n * 2 >= r->cap && grow(r))
		return -1;
	struct ru_key k;
	memset(&k, 0, sizeof k);
	k.port = port;
	k.hour = hour;
	k.proto = (int16_t)proto;
	k.dir = (uint8_t)direction;
	k.action = (uint8_t)action;
	k.fam = src->family;
	memcpy(k.src, src->bytes, src->family == 4 ? 4 : src->family == 6 ? 16 : 0);
	size_t j = key_hash(&k) & (r->cap - 1);
	while (r->slots[j].events) {
		if (!memcmp(&r->slots[j].k, &k, sizeof k)) {
			r->slots[j].events++;
			return 0;
		}
		j = (j + 1) & (r->cap - 1);
	}
	r->slots[j].k = k;
	r->slots[j].events = 1;
	r->n++;
	return 0;
}

static int src_len(const struct ru_key *k)
{
	return k->fam == 4 ? 4 : k->fam == 6 ? 16 : 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ru_key *x = &((const struct ru_entry *)a)->k, *y = &((const struct ru_entry *)b)->k;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	int c = memcmp(x->src, y->src, 16);
	if (c)
		return c;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return (int)x->action - (int)y->action;
}

static int same_group(const struct ru_key *a, const struct ru_key *b)
{
	return a->hour == b->hour && a->port == b->port;
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
		{ &r->src_existing, "SELECT proto,direction,action FROM rollup_src "
				    "WHERE port=? AND hour=? AND src=?" },
		/* Bumped by every flush: a change we did not make ourselves
		 * means another writer, and the known map is forgotten. */
		{ &r->gen_get, "SELECT value FROM meta WHERE key='rollup_gen'" },
		{ &r->gen_set, "INSERT OR REPLACE INTO meta(key,value) VALUES('rollup_gen',?)" },
		{ &r->group_get, "SELECT sources, only_proto, only_dir FROM rollup_uniq"
				 " WHERE port=? AND hour=? AND proto=-1 AND direction=-1" },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (sqlite3_prepare_v3(db, q[i].sql, -1, SQLITE_PREPARE_PERSISTENT, q[i].st, NULL) !=
		    SQLITE_OK) {
			finalize_all(r);
			return -1;
		}
	static const char src_head[] =
		"INSERT INTO rollup_src(port,hour,src,proto,direction,action,events)";
	if (bulk_prepare(&r->src_new, db, src_head, 7, 2, "") ||
	    bulk_prepare(&r->src_merge, db, src_head, 7, 2,
			 " ON CONFLICT DO UPDATE SET events=events+excluded.events") ||
	    bulk_prepare(&r->hour, db,
			 "INSERT INTO rollup_hour(port,hour,proto,direction,action,events,sources)", 7,
			 -1,
			 " ON CONFLICT DO UPDATE SET events=events+excluded.events,"
			 " sources=sources+excluded.sources") ||
	    bulk_prepare(&r->uniq, db,
			 "INSERT INTO rollup_uniq(port,hour,proto,direction,sources,only_proto,"
			 "only_dir)",
			 7, -1,
			 " ON CONFLICT DO UPDATE SET sources=sources+excluded.sources,"
			 " only_proto=excluded.only_proto, only_dir=excluded.only_dir")) {
		finalize_all(r);
		return -1;
	}
	r->db = db;
	return 0;
}

/* Small accumulators for one (port, hour) group. */
struct hour_acc {
	int16_t proto;
	uint8_t dir, action;
	uint64_t events, sources;
};
struct uniq_acc {
	int16_t proto, dir; /* -1 = any */
	uint64_t sources;
};

struct accs {
	struct hour_acc *h;
	size_t nh, caph;
	struct uniq_acc *u;
	size_t nu, capu;
	struct combo *e; /* combos already stored for the current source */
	size_t ne, cape;
};

static struct hour_acc *hour_slot(struct accs *a, int proto, int dir, int action)
{
	for (size_t i = 0; i < a->nh; i++)
		if (a->h[i].proto == proto && a->h[i].dir == dir && a->h[i].action == action)
			return &a->h[i];
	if (a->nh == a->caph) {
		size_t cap = a->caph ? a->caph * 2 : 16;
		struct hour_acc *h = realloc(a->h, cap * sizeof *h);
		if (!h)
			return NULL;
		a->h = h;
		a->caph = cap;
	}
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
	if (a->nu == a->capu) {
		size_t cap = a->capu ? a->capu * 2 : 16;
		struct uniq_acc *u = realloc(a->u, cap * sizeof *u);
		if (!u)
			return -1;
		a->u = u;
		a->capu = cap;
	}
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

/* Load the combos already stored for (port, hour, src) into a->e. */
static int load_existing(struct rollup *r, struct accs *a, const struct ru_key *k)
{
	a->ne = 0;
	sqlite3_stmt *st = r->src_existing;
	sqlite3_bind_int(st, 1, k->port);
	sqlite3_bind_int(st, 2, k->hour);
	sqlite3_bind_blob(st, 3, k->src, src_len(k), SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->ne == a->cape) {
			size_t cap = a->cape ? a->cape * 2 : 16;
			struct combo *e = realloc(a->e, cap * sizeof *e);
			if (!e) {
				sqlite3_reset(st);
				return -1;
			}
			a->e = e;
			a->cape = cap;
		}
		a->e[a->ne++] = (struct combo){ (int16_t)sqlite3_column_int(st, 0),
						(uint8_t)sqlite3_column_int(st, 1),
						(uint8_t)sqlite3_column_int(st, 2) };
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One source's entries [b, e) of a group: write rollup_src, count what is new. */
static int flush_source(struct rollup *r, struct accs *a, const struct ru_entry *b,
			const struct ru_entry *e, int merge)
{
	a->ne = 0;
	if (merge) {
		int n = -1;
		if (known_covers(r->known, b->k.hour)) {
			if (a->cape < 8) {
				struct combo *grown = realloc(a->e, 8 * sizeof *grown);
				if (!grown)
					return -1;
				a->e = grown;
				a->cape = 8;
			}
			n = known_get(r->known, b->k.port, b->k.hour, b->k.fam, b->k.src, a->e,
				      (int)a->cape);
		}
		if (n >= 0)
			a->ne = (size_t)n;
		else if (load_existing(r, a, &b->k))
			return -1;
	}
	int any_new = a->ne == 0;
	struct bulk *ins = merge ? &r->src_merge : &r->src_new;
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
		int64_t row[7] = { k->port, k->hour, 0, k->proto, k->dir, k->action,
				   (int64_t)x->events };
		if (bulk_add(ins, row, k->src, src_len(k)))
			return -1;
		known_add(r->known, k->port, k->hour, k->fam, k->src,
			  (struct combo){ k->proto, k->dir, k->action });
	}
	if (any_new && uniq_inc(a, -1, -1))
		return -1;
	return 0;
}

/* How a (port, hour) stands in rollup_uniq before this flush. */
enum { GROUP_NONE, GROUP_COMPACT, GROUP_FULL };

static int group_state(struct rollup *r, int port, int hour, int64_t *n, int *p0, int *d0)
{
	sqlite3_stmt *st = r->group_get;
	sqlite3_bind_int(st, 1, port);
	sqlite3_bind_int(st, 2, hour);
	int state = GROUP_NONE, rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		int compact = sqlite3_column_type(st, 1) != SQLITE_NULL &&
			      sqlite3_column_int(st, 1) >= 0;
		*p0 = sqlite3_column_int(st, 1);
		*d0 = sqlite3_column_int(st, 2);
		state = compact ? GROUP_COMPACT : GROUP_FULL;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? state : -1;
}

static int uniq_row(struct rollup *r, int port, int hour, int proto, int dir, int64_t n,
		    int only_p, int only_d)
{
	int64_t row[7] = { port, hour, proto, dir, n, only_p, only_d };
	return bulk_add(&r->uniq, row, NULL, 0);
}

static int write_group(struct rollup *r, struct accs *a, int port, int hour, int merge)
{
	for (size_t i = 0; i < a->nh; i++) {
		int64_t row[7] = { port, hour, a->h[i].proto, a->h[i].dir, a->h[i].action,
				   (int64_t)a->h[i].events, (int64_t)a->h[i].sources };
		if (bulk_add(&r->hour, row, NULL, 0))
			return -1;
	}
	/* The batch's (proto, direction) pairs: one, or more than one? */
	int single = a->nh > 0, bp = a->nh ? a->h[0].proto : 0, bd = a->nh ? a->h[0].dir : 0;
	for (size_t i = 1; i < a->nh; i++)
		if (a->h[i].proto != bp || a->h[i].dir != bd)
			single = 0;
	int64_t any = 0; /* new sources for (-1, -1) */
	for (size_t i = 0; i < a->nu; i++)
		if (a->u[i].proto == -1 && a->u[i].dir == -1)
			any = (int64_t)a->u[i].sources;
	int64_t n = 0;
	int p0 = 0, d0 = 0, state = merge ? group_state(r, port, hour, &n, &p0, &d0) : GROUP_NONE;
	if (state < 0)
		return -1;
	int rc = 0;
	if (single && (state == GROUP_NONE || (state == GROUP_COMPACT && p0 == bp && d0 == bd))) {
		/* still one pair: the (-1, -1) row says which, and that is all */
		rc = uniq_row(r, port, hour, -1, -1, any, bp, bd);
	} else {
		if (state == GROUP_COMPACT) /* a second pair: spell out the first */
			rc = uniq_row(r, port, hour, p0, d0, n, -2, -2) ||
			     uniq_row(r, port, hour, p0, -1, n, -2, -2) ||
			     uniq_row(r, port, hour, -1, d0, n, -2, -2);
		int wrote_any = 0;
		for (size_t i = 0; i < a->nu && rc == 0; i++) {
			wrote_any |= a->u[i].proto == -1 && a->u[i].dir == -1;
			rc = uniq_row(r, port, hour, a->u[i].proto, a->u[i].dir,
				      (int64_t)a->u[i].sources, -2, -2);
		}
		if (rc == 0 && !wrote_any) /* mark the hour as spelled out */
			rc = uniq_row(r, port, hour, -1, -1, 0, -2, -2);
	}
	a->nh = a->nu = 0;
	return rc ? -1 : 0;
}

int rollup_flush(struct rollup *r, sqlite3 *db)
{
	if (r->n == 0)
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

	/* Compact the occupied slots to the front and sort them. */
	size_t n = 0;
	for (size_t i = 0; i < r->cap; i++)
		if (r->slots[i].events)
			r->slots[n++] = r->slots[i];
	qsort(r->slots, n, sizeof *r->slots, cmp_entry);

	struct accs a = { 0 };
	int rc = 0;
	int64_t max_hour = watermark;
	for (size_t g = 0; g < n && rc == 0;) {
		size_t ge = g + 1;
		while (ge < n && same_group(&r->slots[g].k, &r->slots[ge].k))
			ge++;
		int hour = r->slots[g].k.hour, port = r->slots[g].k.port;
		/* Nothing is stored for hours past the watermark: no need to read. */
		int merge = hour <= watermark;
		if (!merge)
			known_start(r->known, hour);
		for (size_t s = g; s < ge && rc == 0;) {
			size_t se = s + 1;
			while (se < ge && same_src(&r->slots[s].k, &r->slots[se].k))
				se++;
			rc = flush_source(r, &a, &r->slots[s], &r->slots[se], merge);
			s = se;
		}
		if (rc == 0)
			rc = write_group(r, &a, port, hour, merge);
		if (hour > max_hour)
			max_hour = hour;
		g = ge;
	}
	free(a.h);
	free(a.u);
	free(a.e);
	if (rc == 0 && (bulk_flush(&r->src_new) || bulk_flush(&r->src_merge) ||
			bulk_flush(&r->hour) || bulk_flush(&r->uniq)))
		rc = -1;
	if (rc == 0 && max_hour > watermark) {
		sqlite3_bind_int64(r->wm_set, 1, max_hour);
		rc = step_reset(r->wm_set);
	}
	if (rc == 0) {
		sqlite3_bind_int64(r->gen_set, 1, gen + 1);
		rc = step_reset(r->gen_set);
		r->gen = rc == 0 ? gen + 1 : -1;
	} else {
		r->gen = -1; /* the transaction will not commit: trust nothing */
	}
	/* keep the newest two hours: a live stream's batches land there */
	known_prune(r->known, (int32_t)max_hour - 1);
	memset(r->slots, 0, r->cap * sizeof *r->slots);
	r->n = 0;
	return rc;
}
