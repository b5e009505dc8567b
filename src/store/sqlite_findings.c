/* sqlite_findings.c - trusted networks, the trusted mark on events, and the
 * detectors' findings, in the SQLite store (schema: migration 2 in sqlite.c).
 *
 * Kept apart from sqlite.c so the hot insert path stays one concern. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe_packs.h"
#include "sqlite_addr.h"
#include "sqlite_priv.h"
#include "keytab.h"
#include "recent_findings.h"
#include "subject_filter.h"
#include "store.h"

static int run1(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlite_fail(st, what);
	return 0;
}

/* ---- one address's findings ----
 *
 * finding_src lists (src, id) for the findings up to meta's
 * findings_indexed (schema 16).  A bulk import adds to it in batches
 * (index_findings), so the findings written since are looked at directly:
 * a rowid range at the table's end.  BY_SRC(P) selects the findings whose
 * src is parameter P, through both; with FROM findings NOT INDEXED, or the
 * planner, not knowing how few they are, walks a whole index instead. */
/* A number in meta as an SQL value, 0 when absent. */
#define META_VALUE(KEY) "(SELECT coalesce(max(value), 0) FROM meta WHERE key = '" KEY "')"
/* findings_indexed: when absent, every finding is read directly, never
 * missed. */
#define FINDINGS_INDEXED META_VALUE("findings_indexed")
#define BY_SRC(P)                                                                \
	"(id IN (SELECT id FROM finding_src WHERE src = " P ") OR id > " FINDINGS_INDEXED \
	") AND src = " P

/* ---- trust ---- */

int store_trust_add(struct store *st, const char *cidr, const char *note)
{
	sqlite3_stmt *s;
	if (sqlite_join_batch(st))
		return -1;
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM trusted WHERE cidr=?", -1, &s, NULL))
		return sqlite_fail(st, "reading trusted networks");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	int existed = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO trusted(cidr, note, added) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(cidr) DO UPDATE SET note=?2",
			       -1, &s, NULL))
		return sqlite_fail(st, "adding a trusted network");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	if (run1(st, s, "adding a trusted network"))
		return -1;
	return existed;
}

int store_trust_rm(struct store *st, const char *cidr)
{
	sqlite3_stmt *s;
	if (sqlite_join_batch(st))
		return -1;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM trusted WHERE cidr=?", -1, &s, NULL))
		return sqlite_fail(st, "removing a trusted network");
	sqlite3_bind_text(s, 1, cidr, -1, SQLITE_STATIC);
	if (run1(st, s, "removing a trusted network"))
		return -1;
	return sqlite3_changes(st->db) ? 0 : 1;
}

int store_trust_list(struct store *st, store_trust_cb cb, void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT cidr, note, added FROM trusted ORDER BY cidr", -1, &s,
			       NULL))
		return sqlite_fail(st, "reading trusted networks");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *note = (const char *)sqlite3_column_text(s, 1);
		if (cb(arg, (const char *)sqlite3_column_text(s, 0), note ? note : "",
		       sqlite3_column_int64(s, 2)))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading trusted networks");
	return 0;
}

/* ---- events for the detectors ---- */

int store_events_ordered(struct store *st, int64_t from_id, store_event_id_cb cb, void *arg)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, ts, action, direction, proto, src, dst, sport, dport,"
			       " trusted, pkt FROM events WHERE id > ?"
			       " ORDER BY id", /* ids are clustered by time (sqlite_priv.h) */
			       -1, &s, NULL))
		return sqlite_fail(st, "reading events");
	sqlite3_bind_int64(s, 1, from_id);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event ev;
		event_clear(&ev);
		ev.ts_us = sqlite3_column_int64(s, 1);
		ev.has = EV_HAS_TS;
		ev.action = (uint8_t)sqlite3_column_int(s, 2);
		ev.direction = (uint8_t)sqlite3_column_int(s, 3);
#define OPT(col, bit, field)                                            \
	do {                                                             \
		if (sqlite3_column_type(s, col) != SQLITE_NULL) {         \
			ev.field = (__typeof__(ev.field))sqlite3_column_int(s, col); \
			ev.has |= (bit);                                  \
		}                                                        \
	} while (0)
		OPT(4, EV_HAS_PROTO, proto);
		OPT(7, EV_HAS_SPORT, sport);
		OPT(8, EV_HAS_DPORT, dport);
#undef OPT
		/* (the blob lives until the next step, after the callback) */
		if (sqlite_col_pkt(s, 10, &ev)) {
			snprintf(st->err, sizeof st->err,
				 "reading events: the packet details (pkt) of event %lld are damaged",
				 (long long)sqlite3_column_int64(s, 0));
			sqlite3_finalize(s);
			return -1;
		}
		sqlite_col_addr(s, 5, &ev.src);
		sqlite_col_addr(s, 6, &ev.dst);
		ev.trusted = (uint8_t)sqlite3_column_int(s, 9);
		if (cb(arg, sqlite3_column_int64(s, 0), &ev))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading events");
	return 0;
}

static int64_t id_floor(int64_t ts_us)
{
	if (ts_us <= 0)
		return 0;
	int64_t sec = ts_us / 1000000;
	return sec >= EVENT_SEC_LIMIT ? INT64_MAX : sec << EVENT_ID_BITS;
}

int store_mark_trusted(struct store *st, int64_t since_us, int64_t until_us,
		       store_trust_fn is_trusted, void *arg, uint64_t *changed)
{
	*changed = 0;
	int64_t lo = since_us == INT64_MIN ? INT64_MIN : id_floor(since_us);
	int64_t hi = until_us == INT64_MAX ? INT64_MAX : id_floor(until_us + 1000000);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, src, dst, trusted FROM events WHERE id >= ? AND id < ?"
			       " ORDER BY id",
			       -1, &s, NULL))
		return sqlite_fail(st, "reading events to mark");
	sqlite3_bind_int64(s, 1, lo);
	sqlite3_bind_int64(s, 2, hi);
	/* Collected first, written after: the read does not see its own writes. */
	int64_t *ids = NULL;
	uint8_t *to = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ev_addr a, b;
		sqlite_col_addr(s, 1, &a);
		sqlite_col_addr(s, 2, &b);
		int want = is_trusted(arg, &a, &b) ? 1 : 0;
		if (want == sqlite3_column_int(s, 3))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			int64_t *ni = realloc(ids, cap * sizeof *ids);
			uint8_t *nt = ni ? realloc(to, cap) : NULL;
			if (ni)
				ids = ni;
			if (!ni || !nt) {
				free(ids);
				free(to);
				sqlite3_finalize(s);
				snprintf(st->err, sizeof st->err, "out of memory marking trusted events");
				return -1;
			}
			to = nt;
		}
		ids[n] = sqlite3_column_int64(s, 0);
		to[n++] = (uint8_t)want;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(ids);
		free(to);
		return sqlite_fail(st, "reading events to mark");
	}
	int err = 0;
	if (n && !sqlite_join_batch(st)) {
		if (sqlite3_prepare_v2(st->db, "UPDATE events SET trusted=? WHERE id=?", -1, &s,
				       NULL)) {
			err = sqlite_fail(st, "marking trusted events");
		} else {
			for (size_t i = 0; i < n && !err; i++) {
				sqlite3_bind_int(s, 1, to[i]);
				sqlite3_bind_int64(s, 2, ids[i]);
				if (sqlite3_step(s) != SQLITE_DONE)
					err = sqlite_fail(st, "marking trusted events");
				sqlite3_reset(s);
			}
			sqlite3_finalize(s);
		}
	} else if (n) {
		err = -1;
	}
	free(ids);
	free(to);
	*changed = n;
	return err ? -1 : 0;
}

int64_t store_last_event_id(struct store *st)
{
	sqlite3_stmt *s;
	int64_t id = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM events", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

/* ---- findings ---- */

static const char finding_cols[] = SQLITE_FINDING_COLS;

/* A scan's and a block-list finding's summary is finding_summary() of the
 * other fields: not stored (NULL), a third of such a row; read back, it is
 * written again (sqlite_read_finding). */
static int summary_derived(int kind)
{
	return kind == FINDING_SCAN || kind == FINDING_REPUTATION;
}

static void bind_finding(sqlite3_stmt *s, const struct finding *f)
{
	sqlite3_bind_int(s, 1, f->kind);
	sqlite3_bind_text(s, 2, f->subject, -1, SQLITE_STATIC);
	if (f->src.family)
		sqlite3_bind_blob(s, 3, f->src.bytes, f->src.family == 4 ? 4 : 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 3);
	sqlite3_bind_int64(s, 4, f->first_us);
	sqlite3_bind_int64(s, 5, f->last_us);
	sqlite3_bind_text(s, 6, f->shape, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, f->probe, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, f->proto);
	sqlite3_bind_int(s, 9, f->port_lo);
	sqlite3_bind_int(s, 10, f->port_hi);
	sqlite3_bind_int64(s, 11, f->nports);
	sqlite3_bind_int64(s, 12, f->nhosts);
	sqlite3_bind_int64(s, 13, (sqlite3_int64)f->packets);
	sqlite3_bind_text(s, 14, f->ports, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, f->hosts, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 16, f->danger);
	sqlite3_bind_int(s, 17, f->trw_probes);
	sqlite3_bind_text(s, 18, f->signature, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 19, f->refs, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 20, f->value);
	sqlite3_bind_double(s, 21, f->baseline);
	sqlite3_bind_double(s, 22, f->factor);
	sqlite3_bind_int(s, 23, f->second_wave);
	if (summary_derived(f->kind))
		sqlite3_bind_null(s, 24);
	else
		sqlite3_bind_text(s, 24, f->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 25, f->os, -1, SQLITE_STATIC);
}

static void col_text(sqlite3_stmt *s, int col, char *out, size_t n)
{
	const char *t = (const char *)sqlite3_column_text(s, col);
	snprintf(out, n, "%s", t ? t : "");
}

void sqlite_read_finding(sqlite3_stmt *s, struct finding *f)
{
	memset(f, 0, sizeof *f);
	f->kind = sqlite3_column_int(s, 0);
	col_text(s, 1, f->subject, sizeof f->subject);
	sqlite_col_addr(s, 2, &f->src);
	f->first_us = sqlite3_column_int64(s, 3);
	f->last_us = sqlite3_column_int64(s, 4);
	col_text(s, 5, f->shape, sizeof f->shape);
	col_text(s, 6, f->probe, sizeof f->probe);
	f->proto = sqlite3_column_int(s, 7);
	f->port_lo = sqlite3_column_int(s, 8);
	f->port_hi = sqlite3_column_int(s, 9);
	f->nports = (uint32_t)sqlite3_column_int64(s, 10);
	f->nhosts = (uint32_t)sqlite3_column_int64(s, 11);
	f->packets = (uint64_t)sqlite3_column_int64(s, 12);
	col_text(s, 13, f->ports, sizeof f->ports);
	col_text(s, 14, f->hosts, sizeof f->hosts);
	f->danger = sqlite3_column_int(s, 15);
	f->trw_probes = sqlite3_column_int(s, 16);
	col_text(s, 17, f->signature, sizeof f->signature);
	col_text(s, 18, f->refs, sizeof f->refs);
	f->value = sqlite3_column_double(s, 19);
	f->baseline = sqlite3_column_double(s, 20);
	f->factor = sqlite3_column_double(s, 21);
	f->second_wave = sqlite3_column_int(s, 22);
	col_text(s, 23, f->summary, sizeof f->summary);
	col_text(s, 24, f->os, sizeof f->os);
	if (sqlite3_column_type(s, 23) == SQLITE_NULL && summary_derived(f->kind))
		finding_summary(f);
}

/* ---- a finding continued by a later part (a scan split across two imports) ----
 *
 * The detectors of one import cannot see the previous import's state, so a
 * scan whose log was split in two arrives as two findings.  A finding whose
 * (kind, subject, first time) is new, with an earlier finding of the same
 * kind and subject that ended less than its window_us before it began, is
 * merged into that one (finding_merge).  finding_parts remembers where each
 * merged part went and how many packets it had added, so the part's later,
 * fuller updates (the detectors report a finding again as it grows) replace
 * its contribution instead of adding to it. */

struct merger {
	sqlite3_stmt *exact, *part, *head, *byfirst, *note;
};

static int index_findings(struct store *st);

static void merger_free(struct merger *m)
{
	sqlite3_finalize(m->exact);
	sqlite3_finalize(m->part);
	sqlite3_finalize(m->head);
	sqlite3_finalize(m->byfirst);
	sqlite3_finalize(m->note);
	memset(m, 0, sizeof *m);
}

/* A statement kept for the connection's life (struct findings_writer): told
 * to SQLite so it is not held in the lookaside memory meant for brief ones. */
static int prepare_kept(struct store *st, const char *sql, sqlite3_stmt **s)
{
	return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
}

/* An earlier finding a part continues may be a packed probe (probe_packs.h,
 * found by address, ?5); what a merge writes is a row of findings, and so
 * is a finding stored as it is (a packed probe is only ever written once). */
static int merger_prepare(struct store *st, struct merger *m)
{
	char head[1024], byfirst[512];
	snprintf(head, sizeof head,
		 "SELECT %s FROM findings NOT INDEXED WHERE " BY_SRC("?5") " AND kind = ?1"
		 " AND subject = ?2 AND first_ts < ?3 AND last_ts >= ?3 - ?4"
		 " UNION ALL SELECT %s FROM probes WHERE src = ?5 AND kind = ?1"
		 " AND subject = ?2 AND first_ts < ?3 AND last_ts >= ?3 - ?4"
		 " ORDER BY last_ts DESC LIMIT 1",
		 finding_cols, finding_cols);
	snprintf(byfirst, sizeof byfirst,
		 "SELECT %s FROM findings WHERE kind = ?1 AND subject = ?2 AND first_ts = ?3",
		 finding_cols);
	if (prepare_kept(st,
			 "SELECT 1 FROM findings WHERE kind = ?1 AND subject = ?2 AND first_ts = ?3",
			 &m->exact) ||
	    prepare_kept(st,
			 "SELECT into_first_ts, packets FROM finding_parts WHERE kind = ?1"
			 " AND subject = ?2 AND first_ts = ?3",
			 &m->part) ||
	    prepare_kept(st, head, &m->head) || prepare_kept(st, byfirst, &m->byfirst) ||
	    prepare_kept(st,
			 "INSERT INTO finding_parts(kind, subject, first_ts, into_first_ts,"
			 " packets) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, subject,"
			 " first_ts) DO UPDATE SET into_first_ts = ?4, packets = ?5",
			 &m->note)) {
		merger_free(m);
		return sqlite_fail(st, "preparing the finding merge");
	}
	return 0;
}

/* ?1-?3 a finding's key, and ?5 its address where the statement has it
 * (NULL for none: no probe then). */
static void bind_key(sqlite3_stmt *s, const struct finding *f, int64_t first_us)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_int(s, 1, f->kind);
	sqlite3_bind_text(s, 2, f->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, first_us);
	if (sqlite3_bind_parameter_count(s) >= 5 && (f->src.family == 4 || f->src.family == 6))
		sqlite_bind_addr(s, 5, &f->src);
}

enum { MERGED = 1, STORED_AS_IS = 2 };

/* MERGED and *out = the merged finding when f continues an earlier one (to
 * be written in its place), STORED_AS_IS when f's key is a row of findings
 * already (an update), 0 when f stands alone, -1 on error. */
static int merge_into_earlier(struct store *st, struct merger *m, const struct finding *f,
			      struct finding *out)
{
	if (f->window_us <= 0)
		return 0;
	bind_key(m->exact, f, f->first_us);
	int rc = sqlite3_step(m->exact);
	sqlite3_reset(m->exact);
	if (rc == SQLITE_ROW)
		return STORED_AS_IS;
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "looking up a finding");
	uint64_t prev = 0;
	bind_key(m->part, f, f->first_us);
	rc = sqlite3_step(m->part);
	sqlite3_stmt *h;
	if (rc == SQLITE_ROW) { /* merged before: back to the same finding */
		int64_t into = sqlite3_column_int64(m->part, 0);
		prev = (uint64_t)sqlite3_column_int64(m->part, 1);
		h = m->byfirst;
		bind_key(h, f, into);
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(m->part);
		if (f->src.family != 4 && f->src.family != 6)
			return 0; /* earlier ones are found by address: none */
		/* this connection's own findings indexed first, so the part of
		 * BY_SRC that reads the table's end directly stays short */
		if (index_findings(st))
			return -1;
		h = m->head;
		bind_key(h, f, f->first_us);
		sqlite3_bind_int64(h, 4, f->window_us);
	} else {
		sqlite3_reset(m->part);
		return sqlite_fail(st, "looking up a finding's parts");
	}
	sqlite3_reset(m->part);
	rc = sqlite3_step(h);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(h);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(h);
		return sqlite_fail(st, "looking up an earlier finding");
	}
	sqlite_read_finding(h, out);
	sqlite3_reset(h);
	if (!finding_mergeable(out, f))
		return 0;
	finding_merge(out, f, prev);
	bind_key(m->note, f, f->first_us);
	sqlite3_bind_int64(m->note, 4, out->first_us);
	sqlite3_bind_int64(m->note, 5, (sqlite3_int64)f->packets);
	rc = sqlite3_step(m->note);
	sqlite3_reset(m->note);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "noting a merged finding");
	return MERGED;
}

/* Names the detectors cannot give again from stored events: Topera is known
 * by IPv6 extension headers the events table does not keep.  Kept (on this
 * connection) when the findings are cleared for a re-run, and given back to
 * the same scan (kind, subject, first time) when it is found again. */
static const char keep_names_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS kept_names(kind INTEGER, subject TEXT, first_ts INTEGER,"
	" signature TEXT, refs TEXT, PRIMARY KEY(kind, subject, first_ts));"
	"DELETE FROM temp.kept_names;"
	"INSERT OR REPLACE INTO temp.kept_names SELECT kind, subject, first_ts, signature, refs"
	" FROM findings WHERE kind = 1 AND signature LIKE 'Topera%';";

/* 1 and f's name restored into *out when a kept name is f's; 0 otherwise. */
static int restore_name(sqlite3_stmt *k, const struct finding *f, struct finding *out)
{
	if (!k || f->kind != FINDING_SCAN || !strncmp(f->signature, "Topera", 6))
		return 0;
	sqlite3_reset(k);
	sqlite3_bind_int(k, 1, f->kind);
	sqlite3_bind_text(k, 2, f->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(k, 3, f->first_us);
	if (sqlite3_step(k) != SQLITE_ROW) {
		sqlite3_reset(k);
		return 0;
	}
	*out = *f;
	col_text(k, 0, out->signature, sizeof out->signature);
	col_text(k, 1, out->refs, sizeof out->refs);
	sqlite3_reset(k);
	finding_summary(out);
	return 1;
}

/* meta's count of clears, which every deletion of findings raises: after
 * one, SQLite gives the next finding the id after the highest left.
 * (AUTOINCREMENT would never reuse an id, but it writes sqlite_sequence
 * at every insert, and an import writes its findings one row at a time.) */
#define FINDINGS_CLEARED META_VALUE("findings_cleared")
static const char count_clear_sql[] = "INSERT OR REPLACE INTO meta(key, value)"
				      " SELECT 'findings_cleared', " FINDINGS_CLEARED " + 1";

static void add_probe_subject(void *filter, const char *subject)
{
	subject_filter_add(filter, FINDING_SCAN, subject);
}

/* The subjects with a stored finding (subject_filter.h).  When another
 * connection has written since, only the findings added after the last
 * one read are read: ids grow, unless findings were deleted, and then the
 * filter is read again whole (a deleted finding's bits would only cost
 * lookups; a new finding with an id already passed would be missed).
 * NULL (no memory): every finding is then looked up. */
static struct subject_filter *stored_subjects(struct store *st)
{
	int64_t version = sqlite_data_version(st);
	if (st->subjects && version == st->subjects_version)
		return st->subjects;
	sqlite3_stmt *s;
	int64_t cleared = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT " FINDINGS_CLEARED, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(s) == SQLITE_ROW)
		cleared = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (st->subjects && cleared != st->subjects_cleared) {
		subject_filter_free(st->subjects);
		st->subjects = NULL;
	}
	st->subjects_cleared = cleared;
	if (!st->subjects) {
		if (sqlite3_prepare_v2(st->db,
				       "SELECT (SELECT count(*) FROM findings)"
				       " + (SELECT coalesce(sum(n), 0) FROM probe_packs)",
				       -1, &s, NULL) != SQLITE_OK)
			return NULL;
		size_t n = sqlite3_step(s) == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
		sqlite3_finalize(s);
		if (!(st->subjects = subject_filter_new(n + 65536)))
			return NULL;
		st->subjects_max_id = st->subjects_max_pack = 0;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT id, kind, subject FROM findings WHERE id > ?1", -1,
			       &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, st->subjects_max_id);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *subject = (const char *)sqlite3_column_text(s, 2);
		subject_filter_add(st->subjects, sqlite3_column_int(s, 1), subject ? subject : "");
		if (id > st->subjects_max_id)
			st->subjects_max_id = id;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE ||
	    probe_packs_subjects(st->db, st->subjects_max_pack, &st->subjects_max_pack,
				 add_probe_subject, st->subjects) != SQLITE_OK)
		goto fail;
	st->subjects_version = version;
	return st->subjects;
fail:
	subject_filter_free(st->subjects);
	st->subjects = NULL;
	return NULL;
}

/* The statements that write findings, prepared once per connection:
 * import drains findings after every batch, and preparing seven statements
 * each time cost more than a percent of it. */
struct findings_writer {
	sqlite3_stmt *put;
	struct merger m;
	sqlite3_stmt *kept; /* once temp.kept_names exists */
	sqlite3_stmt *index_add, *index_mark; /* index_findings */
	sqlite3_stmt *drop_probe; /* put_placed */
	struct probe_packer *packer;            /* a bulk import's probes */
};

void sqlite_findings_close(struct store *st)
{
	struct findings_writer *w = st->findings_writer;
	if (!w)
		return;
	sqlite3_finalize(w->put);
	merger_free(&w->m);
	sqlite3_finalize(w->kept);
	sqlite3_finalize(w->index_add);
	sqlite3_finalize(w->index_mark);
	sqlite3_finalize(w->drop_probe);
	probe_packer_free(w->packer);
	free(w);
	st->findings_writer = NULL;
}

static struct findings_writer *findings_writer(struct store *st)
{
	struct findings_writer *w = st->findings_writer;
	if (w)
		return w;
	if (!(w = calloc(1, sizeof *w))) {
		snprintf(st->err, sizeof st->err, "out of memory");
		return NULL;
	}
	st->findings_writer = w;
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "INSERT INTO findings(%s) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
		 "?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25)"
		 " ON CONFLICT(kind, subject, first_ts) DO UPDATE SET src=?3, last_ts=?5,"
		 " shape=?6, probe=?7, proto=?8, port_lo=?9, port_hi=?10, nports=?11,"
		 " nhosts=?12, packets=?13, ports=?14, hosts=?15, danger=?16,"
		 " trw_probes=?17, signature=?18, refs=?19, value=?20, baseline=?21,"
		 " factor=?22, second_wave=?23, summary=?24, os=?25",
		 finding_cols);
	if (prepare_kept(st, sql, &w->put)) {
		sqlite_fail(st, "storing a finding");
		sqlite_findings_close(st);
		return NULL;
	}
	if (merger_prepare(st, &w->m)) {
		sqlite_findings_close(st);
		return NULL;
	}
	if (prepare_kept(st,
			 "INSERT OR IGNORE INTO finding_src SELECT src, id FROM findings"
			 " WHERE id > " FINDINGS_INDEXED " AND src IS NOT NULL",
			 &w->index_add) ||
	    prepare_kept(st,
			 "INSERT OR REPLACE INTO meta(key, value)"
			 " SELECT 'findings_indexed', coalesce(max(id), 0) FROM findings",
			 &w->index_mark) ||
	    prepare_kept(st,
			 "DELETE FROM probes WHERE src = ?5 AND kind = ?1 AND first_ts = ?3"
			 " AND subject = ?2",
			 &w->drop_probe)) {
		sqlite_fail(st, "preparing the findings' statements");
		sqlite_findings_close(st);
		return NULL;
	}
	if (((st->flags & STORE_BULK) || st->findings_batch) && !(w->packer = probe_packer_new(st->db))) {
		snprintf(st->err, sizeof st->err, "out of memory");
		sqlite_findings_close(st);
		return NULL;
	}
	return w;
}

void store_findings_batch(struct store *st, int on)
{
	st->findings_batch = on;
	struct findings_writer *w = st->findings_writer;
	if (!w || (st->flags & STORE_BULK))
		return;
	if (on && !w->packer)
		w->packer = probe_packer_new(st->db); /* none (no memory): rows */
	if (!on) {
		probe_packer_free(w->packer); /* empty: every write flushes it */
		w->packer = NULL;
	}
}

/* A bulk import indexes its findings by address this many at a time.  A
 * batch rewrites each page of finding_src it touches once; indexed as they
 * came, nearly every page was rewritten at every commit (schema 16).  Not
 * sorted by address first: SQLite's sorter held 8 MB more at the peak of a
 * 10M-line import, for no speed. */
enum { INDEX_FINDINGS_EVERY = 32768 };

/* Adds the findings above findings_indexed to finding_src, in the open
 * transaction.  Read back from the table, not remembered, so findings
 * another connection left unindexed (an import stopped half-way) are
 * indexed too. */
static int index_findings(struct store *st)
{
	struct findings_writer *w = findings_writer(st);
	if (!w)
		return -1;
	int rc = sqlite3_step(w->index_add);
	sqlite3_reset(w->index_add);
	if (rc == SQLITE_DONE) {
		rc = sqlite3_step(w->index_mark);
		sqlite3_reset(w->index_mark);
	}
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, "indexing findings by address");
	st->findings_unindexed = 0;
	return 0;
}

int store_findings_index(struct store *st)
{
	if (!st->findings_unindexed)
		return 0;
	if (sqlite_join_batch(st))
		return -1;
	return index_findings(st);
}

/* After store_findings_clear on this connection: the names to give back. */
static sqlite3_stmt *kept_names(struct store *st, struct findings_writer *w)
{
	if (!w->kept && st->kept_names &&
	    prepare_kept(st,
			 "SELECT signature, refs FROM temp.kept_names WHERE kind = ?1"
			 " AND subject = ?2 AND first_ts = ?3",
			 &w->kept) != SQLITE_OK) {
		sqlite3_finalize(w->kept);
		w->kept = NULL;
	}
	return w->kept;
}

static int put_row(struct store *st, struct findings_writer *w, const struct finding *f)
{
	bind_finding(w->put, f);
	int rc = sqlite3_step(w->put);
	sqlite3_reset(w->put);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "storing a finding");
}

/* f, whose key may be stored already: a row of findings is updated; a
 * packed probe is deleted from its pack and written as a row. */
static int put_placed(struct store *st, struct findings_writer *w, const struct finding *f)
{
	bind_key(w->m.exact, f, f->first_us);
	int rc = sqlite3_step(w->m.exact);
	sqlite3_reset(w->m.exact);
	if (rc == SQLITE_DONE) {
		bind_key(w->drop_probe, f, f->first_us);
		rc = sqlite3_step(w->drop_probe);
		sqlite3_reset(w->drop_probe);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "looking up a finding");
	return put_row(st, w, f);
}

int store_findings_put(struct store *st, const struct finding *v, size_t n)
{
	if (n == 0)
		return 0;
	if (sqlite_join_batch(st))
		return -1;
	struct findings_writer *w = findings_writer(st);
	if (!w)
		return -1;
	sqlite3_stmt *kept = kept_names(st, w);
	int can_merge = 0;
	for (size_t i = 0; i < n && !can_merge; i++)
		can_merge = v[i].window_us > 0;
	/* A finding continues none when its subject has no finding stored
	 * before (the filter) and none we wrote ended within its window (the
	 * sketch): then its key is stored nowhere, and it needs no lookups. */
	struct subject_filter *sf = can_merge ? stored_subjects(st) : NULL;
	if (sf && !st->recent && !st->recent_failed && !(st->recent = recent_findings_new()))
		st->recent_failed = 1;
	struct recent_findings *rf = sf ? st->recent : NULL;
	struct finding merged, named;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct finding *f = restore_name(kept, &v[i], &named) ? &named : &v[i];
		int fresh = rf && f->window_us > 0 &&
			    !subject_filter_maybe(sf, f->kind, f->subject) &&
			    recent_findings_latest(rf, f->kind, f->subject) <
				    f->first_us - f->window_us;
		int mr = can_merge && f->window_us > 0 && !fresh
				 ? merge_into_earlier(st, &w->m, f, &merged)
				 : 0;
		if (mr < 0)
			return -1;
		const struct finding *g = mr == MERGED ? &merged : f;
		if (mr == STORED_AS_IS)
			rc = put_row(st, w, g);
		else if (!fresh)
			rc = put_placed(st, w, g);
		else if (w->packer && probe_packable(g))
			rc = probe_packer_add(w->packer, g)
				     ? snprintf(st->err, sizeof st->err, "out of memory"), -1
				     : 0;
		else
			rc = put_row(st, w, g);
		if (rf)
			recent_findings_note(rf, f->kind, f->subject, g->last_us);
	}
	if (w->packer && probe_packer_flush(w->packer) != SQLITE_OK && !rc)
		rc = sqlite_fail(st, "storing probes");
	if (rc)
		return -1;
	st->findings_unindexed += n;
	if (!(st->flags & STORE_BULK) || st->findings_unindexed >= INDEX_FINDINGS_EVERY)
		return index_findings(st);
	return 0;
}

int store_finding_put(struct store *st, const struct finding *f)
{
	return store_findings_put(st, f, 1);
}

/* After this connection cleared findings: what it knew was stored is gone.
 * (A connection sees another's clear by the findings_cleared count; its
 * own does not change PRAGMA data_version.)  Kept, the filters would only
 * cost lookups; forgotten, the next findings need none, and can be packed. */
static void forget_written(struct store *st)
{
	subject_filter_free(st->subjects);
	st->subjects = NULL;
	recent_findings_free(st->recent);
	st->recent = NULL;
}

int store_findings_clear(struct store *st)
{
	if (sqlite_join_batch(st))
		return -1;
	char *msg = NULL;
	if (sqlite3_exec(st->db, keep_names_sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "keeping findings' names: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	st->kept_names = 1;
	if (sqlite3_exec(st->db,
			 "DELETE FROM findings; DELETE FROM finding_parts; DELETE FROM finding_src;"
			 "DELETE FROM probe_packs;"
			 "INSERT OR REPLACE INTO meta(key, value) VALUES('findings_indexed', 0);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, count_clear_sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(st, "clearing findings");
	st->findings_unindexed = 0;
	forget_written(st);
	return 0;
}

/* After findings were deleted: new ids start above the highest left
 * (INTEGER PRIMARY KEY), which may be below findings_indexed.  Lowering it
 * there keeps every finding not in finding_src above it. */
static const char lower_indexed_sql[] =
	"INSERT OR REPLACE INTO meta(key, value) SELECT 'findings_indexed',"
	" min(" FINDINGS_INDEXED ", (SELECT coalesce(max(id), 0) FROM findings))";

int store_findings_clear_kind(struct store *st, int kind)
{
	static const char *const steps[] = {
		"DELETE FROM finding_src WHERE (src, id) IN"
		" (SELECT src, id FROM findings WHERE kind = ?1 AND src IS NOT NULL)",
		"DELETE FROM findings WHERE kind = ?1",
		"DELETE FROM finding_parts WHERE kind = ?1",
		"DELETE FROM probe_packs WHERE ?1 = 1", /* probes are scans */
		lower_indexed_sql,
		count_clear_sql,
	};
	if (sqlite_join_batch(st))
		return -1;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, steps[i], -1, &s, NULL))
			return sqlite_fail(st, "clearing findings");
		if (sqlite3_bind_parameter_count(s))
			sqlite3_bind_int(s, 1, kind);
		if (run1(st, s, "clearing findings"))
			return -1;
	}
	forget_written(st);
	return 0;
}

/* One part of a findings listing: q's kinds, window and address, with
 * `more` (SQL) added, in `order`, at most *left rows (counted down); 1 when
 * the callback stopped it. */
static int findings_part(struct store *st, const struct finding_filter *q, const char *hint,
			 const char *more, const char *order, int64_t *left, store_finding_cb cb,
			 void *arg)
{
	char sql[3072], kinds[64] = "kind = ?1";
	/* Every kind: named one by one, so an index led by the kind, (kind,
	 * last_ts), serves a time window.  One address's come through BY_SRC. */
	if (q->kind == 0) {
		size_t n = (size_t)snprintf(kinds, sizeof kinds, "kind IN (");
		for (int k = 1; k < FINDING_KINDS && n < sizeof kinds - 8; k++)
			n += (size_t)snprintf(kinds + n, sizeof kinds - n, "%s%d", k > 1 ? "," : "", k);
		snprintf(kinds + n, sizeof kinds - n, ")");
	}
	/* The same conditions for the packed probes, whose columns are named
	 * as findings' (probe_packs.h); src = ?4 finds one address's there. */
	char where[512];
	snprintf(where, sizeof where, "%s AND last_ts >= ?2 AND first_ts < ?3%s%s", kinds,
		 q->have_src ? " AND src = ?4" : "", more);
	snprintf(sql, sizeof sql,
		 "SELECT * FROM (SELECT %s FROM findings%s WHERE %s%s"
		 " UNION ALL SELECT %s FROM probes WHERE %s) ORDER BY %s LIMIT ?5",
		 finding_cols, hint, where, q->have_src ? " AND " BY_SRC("?4") : "", finding_cols,
		 where, order);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL))
		return sqlite_fail(st, "reading findings");
	sqlite3_bind_int(s, 1, q->kind);
	sqlite3_bind_int64(s, 2, q->since_us);
	sqlite3_bind_int64(s, 3, q->until_us);
	if (q->have_src)
		sqlite3_bind_blob(s, 4, q->src.bytes, q->src.family == 4 ? 4 : 16, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, *left);
	int rc, stopped = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct finding f;
		sqlite_read_finding(s, &f);
		if (*left > 0)
			(*left)--;
		if (cb(arg, &f)) {
			stopped = 1;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, "reading findings");
	return stopped;
}

int store_findings(struct store *st, const struct finding_filter *q, store_finding_cb cb,
		   void *arg)
{
	int64_t left = q->limit > 0 ? q->limit : -1;
	/* One address's findings, or outbreaks alone: few rows, one query. */
	if (q->have_src || q->kind == FINDING_OUTBREAK)
		return findings_part(st, q, q->have_src ? " NOT INDEXED" : "", "",
				     "CASE WHEN kind = 3 THEN 0 ELSE -danger END, first_ts, subject",
				     &left, cb, arg) < 0 ? -1 : 0;
	/* A window of every finding, in the same order, part by part so a
	 * long window (a year: 400,000 findings on 10M events) is not read and
	 * sorted whole for its first few hundred: the dangerous ones (4 and 5,
	 * 7% of them) through findings_danger, then the rest, then outbreaks. */
	static const struct {
		const char *hint, *more, *order;
	} parts[] = {
		{ " INDEXED BY findings_danger", " AND danger IN (5, 4) AND danger >= 4 AND kind <> 3",
		  "danger DESC, first_ts, subject" },
		{ "", " AND danger NOT IN (5, 4) AND kind <> 3", "-danger, first_ts, subject" },
		{ "", " AND kind = 3", "first_ts, subject" },
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && left != 0; i++) {
		int rc = findings_part(st, q, parts[i].hint, parts[i].more, parts[i].order, &left,
				       cb, arg);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}
