/* probe_packs.c - see probe_packs.h. */
#include "probe_packs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_bloom.h"
#include "probe_rec.h"

int probe_packable(const struct finding *f)
{
	if (f->kind != FINDING_SCAN || strcmp(f->shape, "probe") ||
	    (f->src.family != 4 && f->src.family != 6) || f->value != 0 || f->baseline != 0 ||
	    f->factor != 0 || f->second_wave || f->trw_probes < 0 ||
	    !strncmp(f->signature, "Topera", 6) || f->first_us < 0 || f->first_us >= REC_TIME_MAX ||
	    f->last_us < 0 || f->last_us >= REC_TIME_MAX)
		return 0;
	char text[EV_ADDR_STRLEN];
	if (strcmp(f->subject, ev_addr_str(&f->src, text, sizeof text)))
		return 0;
	char port[16] = "";
	if (f->nports == 1 && f->port_lo >= 0 && f->port_lo == f->port_hi)
		snprintf(port, sizeof port, "%d", f->port_lo);
	else if (f->nports != 0 || f->port_lo != -1 || f->port_hi != -1)
		return 0;
	return !strcmp(f->ports, port);
}

/* ---- the packer ---- */

struct group {
	int danger, port, proto;
	char signature[sizeof ((struct finding *)0)->signature];
	char refs[sizeof ((struct finding *)0)->refs];
	int64_t base; /* the first record's first time: the others' are relative to it */
	int64_t first_min, last_max;
	uint8_t *data;  /* the records */
	size_t len, cap;
	uint64_t *keys; /* their addresses' abloom_hash */
	size_t n, kcap;
};

struct probe_packer {
	struct group *g;
	size_t n, cap;
	sqlite3 *db;
	sqlite3_stmt *insert; /* prepared at the first flush */
};

struct probe_packer *probe_packer_new(sqlite3 *db)
{
	struct probe_packer *p = calloc(1, sizeof *p);
	if (p)
		p->db = db;
	return p;
}

static void packer_clear(struct probe_packer *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->g[i].data);
		free(p->g[i].keys);
	}
	p->n = 0;
}

void probe_packer_free(struct probe_packer *p)
{
	if (!p)
		return;
	packer_clear(p);
	sqlite3_finalize(p->insert);
	free(p->g);
	free(p);
}

static struct group *group_for(struct probe_packer *p, const struct finding *f)
{
	for (size_t i = 0; i < p->n; i++) {
		struct group *c = &p->g[i];
		if (c->danger == f->danger && c->port == f->port_lo && c->proto == f->proto &&
		    c->len < PACK_DATA_MAX && !strcmp(c->signature, f->signature) &&
		    !strcmp(c->refs, f->refs))
			return c;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct group *v = realloc(p->g, cap * sizeof *v);
		if (!v)
			return NULL;
		p->g = v;
		p->cap = cap;
	}
	struct group *g = &p->g[p->n++];
	memset(g, 0, sizeof *g);
	g->danger = f->danger;
	g->port = f->port_lo;
	g->proto = f->proto;
	snprintf(g->signature, sizeof g->signature, "%s", f->signature);
	snprintf(g->refs, sizeof g->refs, "%s", f->refs);
	g->base = g->first_min = f->first_us;
	g->last_max = f->last_us;
	return g;
}

int probe_packer_add(struct probe_packer *p, const struct finding *f)
{
	struct group *g = group_for(p, f);
	if (!g)
		return -1;
	if (g->cap - g->len < REC_MAX) {
		size_t cap = g->cap ? g->cap * 2 : 16 * REC_MAX;
		uint8_t *v = realloc(g->data, cap);
		if (!v)
			return -1;
		g->data = v;
		g->cap = cap;
	}
	if (g->n == g->kcap) {
		size_t cap = g->kcap ? g->kcap * 2 : 64;
		uint64_t *v = realloc(g->keys, cap * sizeof *v);
		if (!v)
			return -1;
		g->keys = v;
		g->kcap = cap;
	}
	g->len += probe_rec_encode(g->data + g->len, f, g->base);
	g->keys[g->n++] = abloom_hash(&f->src);
	if (f->first_us < g->first_min)
		g->first_min = f->first_us;
	/* last_max bounds both times of every record */
	if (f->first_us > g->last_max)
		g->last_max = f->first_us;
	if (f->last_us > g->last_max)
		g->last_max = f->last_us;
	return 0;
}

static int write_group(sqlite3_stmt *s, const struct group *g)
{
	struct rubuf bloom = { 0 };
	if (abloom_segment(g->keys, g->n, &bloom))
		return SQLITE_NOMEM;
	sqlite3_bind_int(s, 1, g->danger);
	sqlite3_bind_int(s, 2, g->port);
	sqlite3_bind_int(s, 3, g->proto);
	sqlite3_bind_int64(s, 4, g->base);
	sqlite3_bind_int64(s, 5, g->first_min);
	sqlite3_bind_int64(s, 6, g->last_max);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)g->n);
	sqlite3_bind_text(s, 8, g->signature, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, g->refs, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, bloom.p, (int)bloom.n, SQLITE_STATIC);
	sqlite3_bind_blob(s, 11, g->data, (int)g->len, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	rubuf_free(&bloom);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int probe_packer_flush(struct probe_packer *p)
{
	if (!p->n)
		return SQLITE_OK;
	int rc = SQLITE_OK;
	if (!p->insert)
		rc = sqlite3_prepare_v3(p->db,
					"INSERT INTO probe_packs(danger, port, proto, base, first_min,"
					" last_max, n, signature, refs, bloom, data)"
					" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
					-1, SQLITE_PREPARE_PERSISTENT, &p->insert, NULL);
	for (size_t i = 0; i < p->n && rc == SQLITE_OK; i++)
		rc = write_group(p->insert, &p->g[i]);
	packer_clear(p);
	return rc;
}

/* ---- the subjects of packs, for the store's subject filter ---- */

int probe_packs_subjects(sqlite3 *db, int64_t after, int64_t *last,
			 void (*cb)(void *arg, const char *subject), void *arg)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT id, base, data FROM probe_packs WHERE id > ?1"
				    " ORDER BY id",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, after);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const uint8_t *p = sqlite3_column_blob(s, 2);
		size_t n = (size_t)sqlite3_column_bytes(s, 2), pos = 0;
		int64_t base = sqlite3_column_int64(s, 1);
		struct probe_rec r;
		int k;
		char text[EV_ADDR_STRLEN];
		while ((k = probe_rec_decode(p, n, &pos, base, &r)) > 0)
			if (!(r.flags & REC_DELETED))
				cb(arg, ev_addr_str(&r.src, text, sizeof text));
		if (k < 0) {
			rc = SQLITE_CORRUPT;
			break;
		}
		*last = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
