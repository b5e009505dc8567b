/* store.h - where events live, and the questions reports ask of them.
 *
 * The only way into the database: import, reports and (later) serve and the
 * web UI call these functions, so a second backend can stand behind them.
 * The embedded backend is SQLite (sqlite.c, rollup.c).
 *
 * Writes are batched: store_add() queues an event in the open transaction and
 * in the in-memory roll-up; store_commit() makes both durable together. */
#ifndef PORTLOG_STORE_H
#define PORTLOG_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "../event.h"

struct store;

enum store_flags {
	STORE_READONLY = 1, /* reports: never create or migrate */
	STORE_BULK = 2,     /* import: trade durability of the last batch for speed */
};

/* Open (creating and migrating if needed).  On error returns NULL and writes
 * a message for the user into err. */
struct store *store_open(const char *path, int flags, char *err, size_t errlen);
/* Close; a batch not committed with store_commit() is rolled back. */
void store_close(struct store *st);
const char *store_errmsg(struct store *st);

/* ---- writing ---- */
int store_add(struct store *st, const struct event *ev, const char *format_name);
/* Commit the open batch (events, roll-ups, file positions). */
int store_commit(struct store *st);
/* Give up the open batch: nothing of it is stored (file positions neither). */
void store_rollback(struct store *st);
/* Roll-ups counted on another thread: import's reader counts each event
 * into a tally while it parses, the store thread stores the event with
 * store_add_counted (its row only) and hands the tally to
 * store_commit_tally, which writes it with the batch and clears it.  The
 * tally must count exactly the events stored since the last commit. */
struct store_tally;
struct store_tally *store_tally_new(void);
void store_tally_free(struct store_tally *t);
void store_tally_clear(struct store_tally *t);
int store_tally_add(struct store_tally *t, const struct event *ev);
/* Nothing more will be counted: get it ready for the commit (sorting it on
 * the counting thread).  Optional; 0, or -1 out of memory. */
int store_tally_done(struct store_tally *t);
/* ctx_hash: store_context_hash(ev, format_name), worked out on the counting
 * thread so the store thread need not (0: the store works it out).
 * ctx_same: 1 when the counting thread found ev's context the same as that
 * of the event it added just before (store_context_same), so the store
 * need not compare them either; 0 when it does not know. */
int store_add_counted(struct store *st, const struct event *ev, const char *format_name,
		      uint64_t ctx_hash, int ctx_same);
int store_context_same(const struct event *a, const char *a_format, const struct event *b,
		       const char *b_format);
/* The hash by which the store knows an event's context (device, rule,
 * interfaces, MAC, format, origin): its strings are hashed once per event,
 * the import's one hot spot that needs no database. */
uint64_t store_context_hash(const struct event *ev, const char *format_name);
int store_commit_tally(struct store *st, struct store_tally *t);

/* Events added since open. */
uint64_t store_added(const struct store *st);

/* What import has read of a file.  Identity is content, not name: the hash
 * of the first fp_len bytes (at most STORE_FP_MAX), found by path, by device
 * and inode, or by that hash alone (a rotated, renamed or compressed copy). */
enum { STORE_FP_MAX = 4096 };
struct file_mark {
	int64_t id; /* 0 when new */
	char path[1024];
	uint64_t dev, ino;
	uint32_t fp_len;
	uint64_t fp;
	uint64_t offset; /* bytes of (decompressed) content consumed */
	uint32_t tail_len; /* the tail_len bytes before offset hash to tail_fp: */
	uint64_t tail_fp;  /* checked on resume, so a different file with the same start is not skipped */
	uint64_t lines;  /* lines consumed */
};
/* head: the first head_len bytes of the file's content.  Fills *mark with the
 * best match (largest offset) or a new mark with offset 0. */
int store_file_find(struct store *st, const char *path, uint64_t dev, uint64_t ino,
		    const unsigned char *head, size_t head_len, struct file_mark *mark);
/* Saved in the open batch, so position and events commit together. */
int store_file_save(struct store *st, struct file_mark *mark);

/* ---- reading ---- */
struct event_filter {
	int64_t since_us, until_us; /* [since, until); INT64_MIN/MAX for open */
	int port;                   /* either side; -1 any */
	int have_src, have_dst;
	uint8_t src_family, src_bits, dst_family, dst_bits;
	uint8_t src_net[16], dst_net[16];
	int direction; /* -1 any */
	int limit;     /* 0 no limit */
	/* The web API's further filters; zero (as left by designated
	 * initialisers) means no constraint. */
	int action_set, action;      /* action_set: only events whose action is action */
	const char *device, *format; /* exact reporting device / format name; NULL any */
	int offset;                  /* skip this many of the newest (paging) */
	int64_t after_id, upto_id;   /* only ids in (after_id, upto_id]; 0 open (live stream) */
};

/* A stored event with its strings owned by the row (valid during callback). */
typedef int (*store_event_cb)(void *arg, const struct event *ev, const char *format_name);
int store_events(struct store *st, const struct event_filter *f, store_event_cb cb, void *arg);

enum store_period { PERIOD_HOUR, PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH };
enum store_measure { MEASURE_EVENTS, MEASURE_SOURCES };

struct port_sel {
	int port;  /* 0-65535, or -1 for portless protocols (ICMP, ...) */
	int proto; /* -1 any */
};

struct series_query {
	int64_t since_us, until_us;
	int direction; /* -1 any */
	enum store_period by;
	enum store_measure measure;
	const struct port_sel *ports;
	int nports;
};

/* Calls cb once per non-empty (period, port) cell; period_start in UTC seconds. */
typedef void (*store_cell_cb)(void *arg, int64_t period_start, int port_index, int64_t value);
int store_series(struct store *st, const struct series_query *q, store_cell_cb cb, void *arg);
/* Same question asked of raw events (slow); the roll-up tests compare the two. */
int store_series_raw(struct store *st, const struct series_query *q, store_cell_cb cb, void *arg);

/* Time range of stored events (UTC µs); returns 0 when the store is empty. */
int store_time_range(struct store *st, int64_t *first_us, int64_t *last_us);

/* Counting and ranking for the summary: rows of (key text, count). */
enum store_rank {
	RANK_DIRECTION,  /* key: direction name */
	RANK_ACTION,     /* key: action name */
	RANK_PROTO,      /* key: protocol name or number */
	RANK_PORT,       /* key: "445/tcp"; extra: distinct sources */
	RANK_SOURCE,     /* key: address; extra: distinct ports */
	RANK_INSIDE_DST, /* key: address of an inside host hit inbound */
};
struct rank_row {
	char key[64];
	int proto, port; /* for RANK_PORT */
	int64_t count, extra;
};
int store_rank(struct store *st, enum store_rank what, int64_t since_us, int64_t until_us,
	       int direction, int limit, struct rank_row *rows, int *nrows);

uint64_t store_event_count(struct store *st);

/* ---- one port (portlog port; sqlite_ports.c) ---- */
struct port_stats {
	int64_t first_us, last_us; /* ever; 0 when never seen */
	int64_t events, sources;   /* in [since, until), whole hours */
};
/* What a busiest source's extra says (store_port_overview). */
enum port_source_extra {
	PORT_SOURCE_LAST_SEEN, /* the start of the last hour it was seen (UTC seconds) */
	PORT_SOURCE_HOURS,     /* in how many hours it was seen */
};
/* The port's figures (*out; proto 6, 17, or -1 for any) and its busiest
 * sources (key address, count events, extra as asked), in one pass over the
 * port's per-source roll-up: a port page.  Answers from the roll-ups (plus
 * one hour of raw events for the exact first and last time), so it stays
 * fast however many events are stored. */
int store_port_overview(struct store *st, int port, int proto, int64_t since_us,
			int64_t until_us, struct port_stats *out, int limit, struct rank_row *rows,
			int *nrows, enum port_source_extra extra);

/* ---- trust and findings (sqlite_findings.c; see classify/detect.h) ---- */
#include "../finding.h"

/* Trusted networks, as CIDR text ("203.0.113.0/24").  add: 0 added, 1 it was
 * there (note updated); rm: 0 removed, 1 not there. */
int store_trust_add(struct store *st, const char *cidr, const char *note);
int store_trust_rm(struct store *st, const char *cidr);
typedef int (*store_trust_cb)(void *arg, const char *cidr, const char *note, int64_t added_s);
int store_trust_list(struct store *st, store_trust_cb cb, void *arg);

/* Home networks added in the dashboard or with `portlog homenet` (sqlite_homenet.c;
 * migration 7).  They are used together with portlog.conf's home_net (or
 * --home-net), which this list never holds.  cidr is canonical text.  add: 0
 * added, 1 it was there (note updated), 2 refused: STORE_HOMENET_MAX already;
 * rm: 0 removed, 1 not there.  Both join the open batch (store_commit). */
enum { STORE_HOMENET_MAX = 256 };
int store_homenet_add(struct store *st, const char *cidr, const char *note);
int store_homenet_rm(struct store *st, const char *cidr);
typedef int (*store_homenet_cb)(void *arg, const char *cidr, const char *note, int64_t added_s);
int store_homenet_list(struct store *st, store_homenet_cb cb, void *arg);
/* A network as the store's filters hold it: family 4 or 6, prefix bits,
 * 16 address bytes. */
struct store_net {
	uint8_t family, bits;
	uint8_t net[16];
};
/* Home networks whose hosts' pages should read the host roll-up, as private
 * addresses' do (host_cover.h): those not covered yet have their stored
 * events counted into it now (one pass over every event: seconds on
 * millions) and are kept counted from then on.  store_homenet_add does it
 * for the network it adds; import and serve for their configured ones.
 * Private space needs none; networks larger than /16 (IPv4) or /48 (IPv6)
 * are left out.  Joins the open batch.  The number newly covered, or -1. */
int store_cover_nets(struct store *st, const struct store_net *nets, int n);

/* Stored events oldest first (ts, then id), with the columns detectors need
 * (no strings), each with its row id.  Stops early when cb returns non-zero. */
typedef int (*store_event_id_cb)(void *arg, int64_t id, struct event *ev);
int store_events_ordered(struct store *st, int64_t from_id, store_event_id_cb cb, void *arg);
/* Set each event's trusted mark in [since, until] (INT64_MIN/MAX open) to
 * is_trusted(src, dst), in the open batch; *changed = events re-marked. */
typedef int (*store_trust_fn)(void *arg, const struct ev_addr *src, const struct ev_addr *dst);
int store_mark_trusted(struct store *st, int64_t since_us, int64_t until_us,
		       store_trust_fn is_trusted, void *arg, uint64_t *changed);
/* Highest event id so far (0 for none). */
int64_t store_last_event_id(struct store *st);

/* Insert or update (same kind, subject and first time) findings.  A new
 * finding that continues an earlier one of the same kind and subject (it
 * begins within f->window_us of that one's end: a scan split across two
 * imports) is merged into it instead (finding_merge). */
int store_finding_put(struct store *st, const struct finding *f);
int store_findings_put(struct store *st, const struct finding *v, size_t n);
/* on: the findings written from now on come once each, when complete (a
 * re-run of the detectors), not again as they grow (serve), so one-port
 * probes may be packed (probe_packs.h), as a bulk store (STORE_BULK) packs
 * them always.  off: back to rows. */
void store_findings_batch(struct store *st, int on);
/* A bulk store (STORE_BULK) indexes its findings by address in batches;
 * this indexes the rest now, in the open batch.  Until then they are
 * found all the same, by reading the newest findings one by one. */
int store_findings_index(struct store *st);
int store_findings_clear(struct store *st);
/* Forget the findings of one kind (enum finding_kind), in the open batch. */
int store_findings_clear_kind(struct store *st, int kind);

/* The block list (`portlog block`, sqlite_blocklist.c; migration 8): known-bad
 * networks whose events raise reputation findings.  cidr is canonical text.
 * add: 0 added, 1 it was there (note updated); rm: 0 removed, 1 not there.
 * Both join the open batch (store_commit). */
int store_block_add(struct store *st, const char *cidr, const char *note);
int store_block_rm(struct store *st, const char *cidr);
typedef int (*store_block_cb)(void *arg, const char *cidr, const char *note, int64_t added_s);
int store_block_list(struct store *st, store_block_cb cb, void *arg);

struct finding_filter {
	int kind;                   /* enum finding_kind, 0 any */
	int64_t since_us, until_us; /* findings overlapping [since, until) */
	int have_src;
	struct ev_addr src;         /* only findings about this address */
	int limit;                  /* 0 no limit */
};
typedef int (*store_finding_cb)(void *arg, const struct finding *f);
/* Most dangerous first, then oldest (scans, infected); outbreaks by time. */
int store_findings(struct store *st, const struct finding_filter *q, store_finding_cb cb,
		   void *arg);
/* Findings overlapping [since, until) whose first or last port is port (proto -1
 * any): its outbreaks oldest first, then the most recent others (at most limit),
 * then ranges that span it and list it.  Read through indexes (sqlite_ports.c). */
int store_port_findings(struct store *st, int port, int proto, int64_t since_us,
			int64_t until_us, int limit, store_finding_cb cb, void *arg);
/* The same, only findings about that port alone (port_lo = port_hi = port):
 * its outbreaks, then the most recent others (at most limit). */
int store_port_findings_alone(struct store *st, int port, int proto, int64_t since_us,
			      int64_t until_us, int limit, store_finding_cb cb, void *arg);
int store_outbreaks(struct store *st, int64_t since_us, int64_t until_us, store_finding_cb cb,
		    void *arg);

/* What the events say about one address. */
struct addr_info {
	int64_t first_us, last_us; /* 0 when never seen */
	uint64_t as_src, as_dst, trusted_events, blocked, allowed;
};
/* Both of the below from one reading of the address's events. */
int store_addr_profile(struct store *st, const struct ev_addr *a, struct addr_info *info,
		       int limit, struct rank_row *rows, int *nrows);
int store_addr_info(struct store *st, const struct ev_addr *a, struct addr_info *info);
/* Its busiest destination ports as a source: key "445/tcp", count, extra = hosts. */
int store_addr_ports(struct store *st, const struct ev_addr *a, int limit, struct rank_row *rows,
		     int *nrows);

/* ---- answers a reader's connection keeps (sqlite_answers.c) ---- */
/* For text computed from the database alone (a page): the version to keep
 * it under, read BEFORE computing it (-1: this connection cannot keep
 * answers, it writes); the kept answer for key while nothing was written
 * since (valid until the next call on st), or NULL; and keeping a copy
 * (bounded: older answers make room, a big one is not kept). */
int64_t store_answer_version(struct store *st);
const char *store_answer_get(struct store *st, const char *key, int64_t version, size_t *len);
void store_answer_put(struct store *st, const char *key, int64_t version, const char *text,
		      size_t len);

/* ---- peek captures (sqlite_captures.c; schema: migration 3) ---- */
/* What one peer sent to a peek port: its first bytes (data, at most what peek
 * was told to keep), totals, and what was recognised in it.  fields are
 * "key\tvalue" lines of printable text (peek/recog.h); patterns is a
 * comma-separated list of data/payloads names.  Strings may be NULL. */
struct capture {
	int64_t id; /* set by store_capture_add */
	int64_t ts_us, duration_us;
	int proto; /* 6 or 17 */
	struct ev_addr src, dst;
	int sport, dport;
	uint64_t bytes_in, bytes_out;
	const char *end_reason; /* "closed", "timeout", "byte-limit", "datagram", ... */
	const char *kind;       /* "smb2-negotiate", ...; NULL or "" when unknown */
	const char *fields, *patterns;
	const unsigned char *data;
	size_t len;
};
/* In the open batch, like store_add (store_commit makes it durable). */
int store_capture_add(struct store *st, struct capture *c);

struct capture_filter {
	int64_t id;       /* one capture; 0 any */
	int64_t since_us; /* INT64_MIN for any */
	int port;         /* local port; -1 any */
	int have_src;
	uint8_t src_family, src_bits, src_net[16]; /* as in event_filter */
	const char *kind; /* exact kind, or a prefix ending in '*' ("smb*"); NULL any */
	int limit;        /* 0 no limit */
};
/* Newest first; strings and data valid during the callback only. */
typedef int (*store_capture_cb)(void *arg, const struct capture *c);
int store_captures(struct store *st, const struct capture_filter *f, store_capture_cb cb,
		   void *arg);

/* peek's counters, replaced as a whole set (name, value) in the open batch. */
int store_peek_counter_set(struct store *st, const char *name, uint64_t value);
typedef int (*store_counter_cb)(void *arg, const char *name, uint64_t value, int64_t updated_s);
int store_peek_counters(struct store *st, store_counter_cb cb, void *arg);

#endif
