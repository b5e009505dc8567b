/* host_tally.c - see host_tally.h. */
#include "host_tally.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"
#include "host_cover.h"
#include "keytab.h"
#include "rupack.h"
#include "sqlite_priv.h"

int host_addr_covered(const struct ev_addr *a)
{
	const uint8_t *b = a->bytes;
	if (a->family == 4)
		return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	if (a->family != 6)
		return 0;
	if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
		return 1;
	static const uint8_t loopback[16] = { [15] = 1 };
	return !memcmp(b, loopback, 16);
}

/* One address's counts since the last flush; peers: its host_peer row,
 * put together when flushing. */
struct host_acc {
	uint8_t fam, used;
	uint8_t addr[16];
	int64_t first, last;
	uint64_t events, as_src, as_dst, trusted, blocked, allowed;
	struct rubuf peers;
	struct host_hours src_hours; /* the hours it was a source in */
};

/* Events as source by (address, port, protocol), the address being its
 * host_acc's index, and their destinations appended as they come (4 or 16
 * bytes each): made distinct only when read or merged, since within one
 * commit nearly all differ. */
struct host_port_acc {
	uint32_t acc;
	int32_t port;
	int16_t proto;
	uint8_t used;
	uint64_t events;
	struct rubuf v4, v6;
};

struct host_tally {
	uint64_t seed;        /* hash_secret(): a home network's addresses are
				 the attacker's to pick, as destinations */
	struct host_acc *acc; /* open addressing, at most half full */
	size_t cap, n;
	struct host_port_acc *port;
	size_t pcap, pn;
	size_t last; /* the slot found last: most events repeat an address */
};

static size_t addr_len(const struct ev_addr *a)
{
	return a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
}

static uint64_t addr_hash(const struct host_tally *t, uint8_t fam, const uint8_t *b)
{
	if (fam == 4) {
		uint32_t v;
		memcpy(&v, b, 4);
		/* a multiply alone would leave the slot bits to the address's
		 * low bits, whatever the seed: addresses differing above them
		 * would share a slot */
		return hash_mix64(v ^ t->seed);
	}
	return hash_bytes(b, 16, t->seed ^ 6);
}

static uint64_t port_hash(uint32_t acc, int32_t port, int16_t proto)
{
	uint64_t k = (uint64_t)acc << 32 ^ (uint64_t)(uint32_t)port << 9 ^ (uint16_t)proto;
	return (k * 0x9e3779b97f4a7c15ull) >> 20;
}

struct host_tally *host_tally_new(void)
{
	struct host_tally *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->seed = hash_secret();
	t->cap = 1 << 10;
	t->pcap = 1 << 10;
	t->acc = calloc(t->cap, sizeof *t->acc);
	t->port = calloc(t->pcap, sizeof *t->port);
	if (!t->acc || !t->port) {
		host_tally_free(t);
		return NULL;
	}
	return t;
}

void host_tally_clear(struct host_tally *t)
{
	if (!t || !t->n)
		return;
	for (size_t i = 0; i < t->cap; i++) {
		rubuf_free(&t->acc[i].peers);
		host_hours_free(&t->acc[i].src_hours);
	}
	for (size_t i = 0; i < t->pcap; i++) {
		rubuf_free(&t->port[i].v4);
		rubuf_free(&t->port[i].v6);
	}
	memset(t->acc, 0, t->cap * sizeof *t->acc);
	memset(t->port, 0, t->pcap * sizeof *t->port);
	t->n = t->pn = 0;
	t->last = 0;
}

void host_tally_free(struct host_tally *t)
{
	if (!t)
		return;
	if (t->acc)
		host_tally_clear(t);
	free(t->acc);
	free(t->port);
	free(t);
}

/* The port table rehashed into cap slots; moved: each address's new index
 * (NULL: unchanged).  NULL: no memory. */
static struct host_port_acc *rehash_ports(const struct host_tally *t, size_t cap,
					  const size_t *moved)
{
	struct host_port_acc *p = calloc(cap, sizeof *p);
	if (!p)
		return NULL;
	for (size_t i = 0; i < t->pcap; i++) {
		struct host_port_acc e = t->port[i];
		if (!e.used)
			continue;
		if (moved)
			e.acc = (uint32_t)moved[e.acc];
		size_t j = port_hash(e.acc, e.port, e.proto) & (cap - 1);
		while (p[j].used)
			j = (j + 1) & (cap - 1);
		p[j] = e;
	}
	return p;
}

/* The address table twice as big; port entries keep their address's new index. */
static int grow(struct host_tally *t)
{
	size_t cap = t->cap * 2;
	struct host_acc *a = calloc(cap, sizeof *a);
	size_t *moved = malloc(t->cap * sizeof *moved);
	if (!a || !moved) {
		free(a);
		free(moved);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->acc[i].used)
			continue;
		size_t j = addr_hash(t, t->acc[i].fam, t->acc[i].addr) & (cap - 1);
		while (a[j].used)
			j = (j + 1) & (cap - 1);
		a[j] = t->acc[i];
		moved[i] = j;
	}
	struct host_port_acc *p = rehash_ports(t, t->pcap, moved);
	free(moved);
	if (!p) {
		free(a);
		return -1;
	}
	free(t->acc);
	free(t->port);
	t->acc = a;
	t->port = p;
	t->cap = cap;
	t->last = 0;
	return 0;
}

static int grow_ports(struct host_tally *t)
{
	struct host_port_acc *p = rehash_ports(t, t->pcap * 2, NULL);
	if (!p)
		return -1;
	free(t->port);
	t->port = p;
	t->pcap *= 2;
	return 0;
}

static int acc_is(const struct host_acc *e, uint8_t fam, const uint8_t *b)
{
	if (!e->used || e->fam != fam)
		return 0;
	if (fam != 4)
		return !memcmp(e->addr, b, 16);
	uint32_t x, y;
	memcpy(&x, e->addr, 4);
	memcpy(&y, b, 4);
	return x == y;
}

/* The address's counts, added if new; NULL: no memory. */
static struct host_acc *acc_find(struct host_tally *t, const struct ev_addr *a)
{
	size_t n = addr_len(a);
	struct host_acc *e = &t->acc[t->last];
	if (acc_is(e, a->family, a->bytes))
		return e;
	if ((t->n + 1) * 2 > t->cap && grow(t))
		return NULL;
	uint8_t key[16] = { 0 };
	memcpy(key, a->bytes, n);
	size_t j = addr_hash(t, a->family, key) & (t->cap - 1);
	while ((e = &t->acc[j])->used) {
		if (acc_is(e, a->family, key))
			break;
		j = (j + 1) & (t->cap - 1);
	}
	if (!e->used) {
		e->used = 1;
		e->fam = a->family;
		memcpy(e->addr, key, 16);
		t->n++;
	}
	t->last = j;
	return e;
}

/* Count an event as source of the address at acc, to port and dst. */
static int port_count(struct host_tally *t, size_t acc, int32_t port, int16_t proto,
		      const struct ev_addr *dst)
{
	if ((t->pn + 1) * 2 > t->pcap && grow_ports(t))
		return -1;
	size_t j = port_hash((uint32_t)acc, port, proto) & (t->pcap - 1);
	struct host_port_acc *e;
	while ((e = &t->port[j])->used) {
		if (e->acc == acc && e->port == port && e->proto == proto)
			break;
		j = (j + 1) & (t->pcap - 1);
	}
	if (!e->used) {
		*e = (struct host_port_acc){ .acc = (uint32_t)acc, .port = port, .proto = proto,
					     .used = 1 };
		t->pn++;
	}
	e->events++;
	if (dst->family == 4)
		return rubuf_append(&e->v4, dst->bytes, 4);
	if (dst->family == 6)
		return rubuf_append(&e->v6, dst->bytes, 16);
	return 0;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Cover [lo, hi) too (whole bytes, a day's slack); past HOST_HOURS_MAX
 * hours it becomes "any hour" instead. */
static int widen(struct host_hours *h, int64_t lo, int64_t hi)
{
	if (h->any || (h->nbits && lo >= h->base && hi <= h->base + (int64_t)h->nbits))
		return 0;
	if (h->nbits) {
		lo = lo < h->base ? lo : h->base;
		hi = hi > h->base + (int64_t)h->nbits ? hi : h->base + (int64_t)h->nbits;
	}
	if (hi - lo > HOST_HOURS_MAX) {
		host_hours_free(h);
		h->any = 1;
		return 0;
	}
	uint32_t nbits = (uint32_t)((hi - lo + 24 + 7) / 8 * 8);
	uint8_t *bits = calloc(nbits / 8, 1);
	if (!bits)
		return -1;
	for (uint32_t i = 0; i < h->nbits; i++)
		if (h->bits[i / 8] & (1u << (i % 8))) {
			uint32_t j = (uint32_t)(h->base + (int64_t)i - lo);
			bits[j / 8] |= (uint8_t)(1u << (j % 8));
		}
	free(h->bits);
	h->bits = bits;
	h->base = (int32_t)lo;
	h->nbits = nbits;
	return 0;
}

int host_hours_set(struct host_hours *h, int32_t hour)
{
	if (widen(h, hour, (int64_t)hour + 1))
		return -1;
	if (!h->any)
		h->bits[(hour - h->base) / 8] |= (uint8_t)(1u << ((hour - h->base) % 8));
	return 0;
}

int host_hours_read(struct host_hours *h, const uint8_t *p, size_t n)
{
	if (!p || !n)
		return 0;
	if (n < 8)
		return -1;
	int32_t base = (int32_t)get_le(p, 4);
	uint32_t nbits = get_le(p + 4, 4);
	if (!nbits)
		return 0;
	if (nbits == UINT32_MAX) { /* any hour */
		host_hours_free(h);
		h->any = 1;
		return 0;
	}
	if (nbits > HOST_HOURS_MAX + 64 || (n - 8) * 8 < nbits)
		return -1;
	if (widen(h, base, (int64_t)base + nbits))
		return -1;
	for (uint32_t i = 0; !h->any && i < nbits; i++)
		if (p[8 + i / 8] & (1u << (i % 8))) {
			uint32_t j = (uint32_t)((int64_t)base + i - h->base);
			h->bits[j / 8] |= (uint8_t)(1u << (j % 8));
		}
	return 0;
}

void host_hours_free(struct host_hours *h)
{
	free(h->bits);
	memset(h, 0, sizeof *h);
}

/* [base int32][nbits u32, UINT32_MAX: any hour][the bits, hour base first] */
static int hours_put(const struct host_hours *h, struct rubuf *out)
{
	uint8_t head[8];
	put_le(head, (uint32_t)h->base, 4);
	put_le(head + 4, h->any ? UINT32_MAX : h->nbits, 4);
	return rubuf_append(out, head, 8) ||
	       (!h->any && rubuf_append(out, h->bits, h->nbits / 8));
}

static void add_totals(struct host_acc *e, const struct event *ev, int as_src, int as_dst)
{
	if (!e->events++ || ev->ts_us < e->first)
		e->first = ev->ts_us;
	if (ev->ts_us > e->last || e->events == 1)
		e->last = ev->ts_us;
	e->as_src += (uint64_t)as_src;
	e->as_dst += (uint64_t)as_dst;
	e->trusted += ev->trusted != 0;
	e->blocked += ev->action == EV_ACTION_BLOCKED;
	e->allowed += ev->action == EV_ACTION_ALLOWED;
}

/* Count the event under its source if sc, its destination if dc. */
static int count_sides(struct host_tally *t, const struct event *ev, int sc, int dc)
{
	if (!sc && !dc)
		return 0;
	int same = sc && dc && ev->src.family == ev->dst.family &&
		   !memcmp(ev->src.bytes, ev->dst.bytes, addr_len(&ev->src));
	if (sc) {
		struct host_acc *e = acc_find(t, &ev->src);
		if (!e)
			return -1;
		add_totals(e, ev, 1, same);
		if (host_hours_set(&e->src_hours, store_hour(ev->ts_us)))
			return -1;
		int32_t port = (ev->has & EV_HAS_DPORT) ? ev->dport : -1;
		int16_t proto = (ev->has & EV_HAS_PROTO) ? ev->proto : -1;
		if (port_count(t, (size_t)(e - t->acc), port, proto, &ev->dst))
			return -1;
	}
	if (dc && !same) {
		struct host_acc *e = acc_find(t, &ev->dst);
		if (!e)
			return -1;
		add_totals(e, ev, 0, 1);
	}
	return 0;
}

int host_tally_add(struct host_tally *t, const struct event *ev)
{
	return count_sides(t, ev, host_addr_covered(&ev->src), host_addr_covered(&ev->dst));
}

int host_tally_add_nets(struct host_tally *t, const struct event *ev,
			const struct host_cover *nets)
{
	if (!nets || !nets->nets.n)
		return 0;
	return count_sides(t, ev, host_cover_has(nets, &ev->src) && !host_addr_covered(&ev->src),
			   host_cover_has(nets, &ev->dst) && !host_addr_covered(&ev->dst));
}

/* ---- writing ---- */

/* One group of a host_peer list: count destinations of family fam. */
static int group_put(struct rubuf *b, int32_t port, int16_t proto, uint8_t fam,
		     const uint8_t *dsts, uint32_t count)
{
	uint8_t h[11];
	put_le(h, (uint32_t)port, 4);
	put_le(h + 4, (uint16_t)proto, 2);
	h[6] = fam;
	put_le(h + 7, count, 4);
	return rubuf_append(b, h, sizeof h) ||
	       rubuf_append(b, dsts, (size_t)count * (fam == 4 ? 4 : 16));
}

void host_peer_iter_init(struct host_peer_iter *it, const uint8_t *p, size_t n)
{
	memset(it, 0, sizeof *it);
	it->p = p;
	it->n = p ? n : 0;
}

int host_peer_next(struct host_peer_iter *it, struct host_peer *out)
{
	while (!it->left) {
		if (it->pos >= it->n)
			return 0;
		if (it->n - it->pos < 11)
			return -1;
		const uint8_t *h = it->p + it->pos;
		memset(&it->group, 0, sizeof it->group);
		it->group.port = (int32_t)get_le(h, 4);
		it->group.proto = (int16_t)get_le(h + 4, 2);
		it->group.dst.family = h[6];
		it->left = get_le(h + 7, 4);
		it->pos += 11;
		size_t an = h[6] == 4 ? 4 : 16;
		if ((h[6] != 4 && h[6] != 6) || (it->n - it->pos) / an < it->left)
			return -1;
	}
	*out = it->group;
	size_t an = out->dst.family == 4 ? 4 : 16;
	memcpy(out->dst.bytes, it->p + it->pos, an);
	it->pos += an;
	it->left--;
	return 1;
}

struct writer {
	sqlite3 *db;
	sqlite3_stmt *total, *port, *peer, *peer_rows, *peer_get, *peer_del;
	struct rubuf peers;
};

static void writer_done(struct writer *w)
{
	sqlite3_finalize(w->total);
	sqlite3_finalize(w->port);
	sqlite3_finalize(w->peer);
	sqlite3_finalize(w->peer_rows);
	sqlite3_finalize(w->peer_get);
	sqlite3_finalize(w->peer_del);
	rubuf_free(&w->peers);
}

static int writer_init(struct writer *w, sqlite3 *db)
{
	memset(w, 0, sizeof *w);
	w->db = db;
	struct {
		sqlite3_stmt **s;
		const char *sql;
	} q[] = {
		{ &w->total, "INSERT INTO host_total(addr,events,first_ts,last_ts,as_src,as_dst,"
			     "trusted,blocked,allowed) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
			     " ON CONFLICT(addr) DO UPDATE SET events=events+excluded.events,"
			     " first_ts=min(first_ts,excluded.first_ts),"
			     " last_ts=max(last_ts,excluded.last_ts),"
			     " as_src=as_src+excluded.as_src, as_dst=as_dst+excluded.as_dst,"
			     " trusted=trusted+excluded.trusted, blocked=blocked+excluded.blocked,"
			     " allowed=allowed+excluded.allowed" },
		{ &w->port, "INSERT INTO host_port(addr,port,proto,events) VALUES(?1,?2,?3,?4)"
			    " ON CONFLICT(addr,port,proto) DO UPDATE SET"
			    " events=events+excluded.events" },
		{ &w->peer, "INSERT INTO host_peer(addr,peers,hours) VALUES(?1,?2,?3)" },
		{ &w->peer_rows, "SELECT count(*) FROM host_peer WHERE addr=?1" },
		{ &w->peer_get, "SELECT peers, hours FROM host_peer WHERE addr=?1" },
		{ &w->peer_del, "DELETE FROM host_peer WHERE addr=?1" },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (sqlite3_prepare_v2(db, q[i].sql, -1, q[i].s, NULL) != SQLITE_OK) {
			writer_done(w);
			memset(w, 0, sizeof *w);
			return -1;
		}
	return 0;
}

static int step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void bind_acc_addr(sqlite3_stmt *s, const struct host_acc *a)
{
	sqlite3_bind_blob(s, 1, a->addr, a->fam == 4 ? 4 : 16, SQLITE_STATIC);
}

static int cmp_peer(const void *a, const void *b)
{
	const struct host_peer *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->dst.family != y->dst.family)
		return x->dst.family < y->dst.family ? -1 : 1;
	return memcmp(x->dst.bytes, y->dst.bytes, 16);
}

/* The distinct peers, sorted, as a host_peer list in out. */
static int encode_peers(struct host_peer *v, size_t n, struct rubuf *out)
{
	if (n)
		qsort(v, n, sizeof *v, cmp_peer);
	struct rubuf dsts = { 0 };
	int bad = 0;
	for (size_t i = 0; i < n && !bad;) {
		size_t j = i;
		dsts.n = 0;
		for (; j < n && v[j].port == v[i].port && v[j].proto == v[i].proto &&
		       v[j].dst.family == v[i].dst.family;
		     j++)
			bad = bad || rubuf_append(&dsts, v[j].dst.bytes, v[i].dst.family == 4 ? 4 : 16);
		bad = bad || group_put(out, v[i].port, v[i].proto, v[i].dst.family, dsts.p,
				       (uint32_t)(j - i));
		i = j;
	}
	rubuf_free(&dsts);
	return bad ? -1 : 0;
}

/* The address's peer rows as one, without repeats. */
static int merge_peers(struct writer *w, const struct host_acc *a)
{
	struct keytab seen = { 0 };
	struct host_peer *v = NULL;
	size_t nv = 0, capv = 0;
	struct rubuf out = { 0 }, hours = { 0 };
	struct host_hours all = { 0 };
	int bad = 0, rc;
	bind_acc_addr(w->peer_get, a);
	while (!bad && (rc = sqlite3_step(w->peer_get)) == SQLITE_ROW) {
		if (host_hours_read(&all, sqlite3_column_blob(w->peer_get, 1),
				    (size_t)sqlite3_column_bytes(w->peer_get, 1))) {
			bad = 1;
			break;
		}
		struct host_peer_iter it;
		host_peer_iter_init(&it, sqlite3_column_blob(w->peer_get, 0),
				    (size_t)sqlite3_column_bytes(w->peer_get, 0));
		struct host_peer e;
		int got;
		while (!bad && (got = host_peer_next(&it, &e)) > 0) {
			uint8_t key[KEYTAB_KEY];
			keytab_peer_key(&e.dst, e.port, e.proto, key);
			int isnew;
			if (!keytab_find(&seen, key, &isnew)) {
				bad = 1;
			} else if (isnew) {
				if (nv == capv) {
					size_t cap = capv ? capv * 2 : 1024;
					struct host_peer *nvp = realloc(v, cap * sizeof *v);
					if (!nvp) {
						bad = 1;
						break;
					}
					v = nvp;
					capv = cap;
				}
				v[nv++] = e;
			}
		}
		bad = bad || got < 0;
	}
	sqlite3_reset(w->peer_get);
	keytab_free(&seen);
	if (!bad && rc == SQLITE_DONE && !encode_peers(v, nv, &out) && !hours_put(&all, &hours)) {
		bind_acc_addr(w->peer_del, a);
		bind_acc_addr(w->peer, a);
		sqlite3_bind_blob(w->peer, 2, out.n ? (const void *)out.p : "", (int)out.n,
				  SQLITE_STATIC);
		sqlite3_bind_blob(w->peer, 3, hours.p, (int)hours.n, SQLITE_STATIC);
		bad = step_reset(w->peer_del) || step_reset(w->peer);
	} else {
		bad = 1;
	}
	free(v);
	rubuf_free(&out);
	rubuf_free(&hours);
	host_hours_free(&all);
	return bad ? -1 : 0;
}

/* One address's totals and its new peer row. */
static int write_acc(struct writer *w, const struct host_acc *a)
{
	sqlite3_stmt *s = w->total;
	bind_acc_addr(s, a);
	sqlite3_bind_int64(s, 2, (int64_t)a->events);
	sqlite3_bind_int64(s, 3, a->first);
	sqlite3_bind_int64(s, 4, a->last);
	sqlite3_bind_int64(s, 5, (int64_t)a->as_src);
	sqlite3_bind_int64(s, 6, (int64_t)a->as_dst);
	sqlite3_bind_int64(s, 7, (int64_t)a->trusted);
	sqlite3_bind_int64(s, 8, (int64_t)a->blocked);
	sqlite3_bind_int64(s, 9, (int64_t)a->allowed);
	if (step_reset(s))
		return -1;
	if (!a->as_src)
		return 0;
	w->peers.n = 0;
	if (hours_put(&a->src_hours, &w->peers))
		return -1;
	bind_acc_addr(w->peer, a);
	sqlite3_bind_blob(w->peer, 2, a->peers.n ? (const void *)a->peers.p : "", (int)a->peers.n,
			  SQLITE_STATIC);
	sqlite3_bind_blob(w->peer, 3, w->peers.p, (int)w->peers.n, SQLITE_STATIC);
	if (step_reset(w->peer))
		return -1;
	bind_acc_addr(w->peer_rows, a);
	int64_t rows = sqlite3_step(w->peer_rows) == SQLITE_ROW
			       ? sqlite3_column_int64(w->peer_rows, 0)
			       : -1;
	sqlite3_reset(w->peer_rows);
	if (rows < 0)
		return -1;
	return rows > HOST_PEER_ROWS ? merge_peers(w, a) : 0;
}

int host_tally_flush(struct host_tally *t, sqlite3 *db)
{
	if (!t || !t->n)
		return 0;
	struct writer w;
	int rc = writer_init(&w, db);
	/* each port's count, and its destinations into its address's row */
	for (size_t i = 0; i < t->pcap && rc == 0; i++) {
		const struct host_port_acc *e = &t->port[i];
		if (!e->used)
			continue;
		struct host_acc *a = &t->acc[e->acc];
		bind_acc_addr(w.port, a);
		sqlite3_bind_int(w.port, 2, e->port);
		sqlite3_bind_int(w.port, 3, e->proto);
		sqlite3_bind_int64(w.port, 4, (int64_t)e->events);
		rc = step_reset(w.port);
		if (rc == 0 && e->v4.n)
			rc = group_put(&a->peers, e->port, e->proto, 4, e->v4.p,
				       (uint32_t)(e->v4.n / 4));
		if (rc == 0 && e->v6.n)
			rc = group_put(&a->peers, e->port, e->proto, 6, e->v6.p,
				       (uint32_t)(e->v6.n / 16));
	}
	for (size_t i = 0; i < t->cap && rc == 0; i++)
		if (t->acc[i].used)
			rc = write_acc(&w, &t->acc[i]);
	writer_done(&w);
	host_tally_clear(t);
	return rc;
}

int host_tally_scan(sqlite3 *db, struct host_tally *t, int fixed, const struct host_cover *nets)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT ts, action, proto, src, dst, dport, trusted FROM events",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	int rc = SQLITE_OK;
	uint64_t n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event ev;
		memset(&ev, 0, sizeof ev);
		ev.ts_us = sqlite3_column_int64(s, 0);
		ev.action = (uint8_t)sqlite3_column_int(s, 1);
		if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
			ev.has |= EV_HAS_PROTO;
			ev.proto = (uint8_t)sqlite3_column_int(s, 2);
		}
		sqlite_col_addr(s, 3, &ev.src);
		sqlite_col_addr(s, 4, &ev.dst);
		if (sqlite3_column_type(s, 5) != SQLITE_NULL) {
			ev.has |= EV_HAS_DPORT;
			ev.dport = (uint16_t)sqlite3_column_int(s, 5);
		}
		ev.trusted = sqlite3_column_int(s, 6) != 0;
		rc = SQLITE_OK;
		if ((fixed && host_tally_add(t, &ev)) || host_tally_add_nets(t, &ev, nets) ||
		    (++n % 250000 == 0 && host_tally_flush(t, db)))
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE && host_tally_flush(t, db))
		rc = SQLITE_ERROR;
	return rc == SQLITE_DONE ? 0 : -1;
}

int host_tally_rebuild(sqlite3 *db)
{
	if (sqlite3_exec(db, "DELETE FROM host_total; DELETE FROM host_port;"
			     " DELETE FROM host_peer; DELETE FROM host_trust;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	struct host_cover nets = { 0 };
	struct host_tally *t = host_tally_new();
	int rc = !t || host_cover_read(db, &nets) || host_tally_scan(db, t, 1, &nets) ? -1 : 0;
	host_tally_free(t);
	host_cover_free(&nets);
	return rc;
}
