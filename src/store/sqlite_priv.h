/* sqlite_priv.h - what the SQLite backend's files share, and nobody else. */
#ifndef PORTLOG_SQLITE_PRIV_H
#define PORTLOG_SQLITE_PRIV_H

#include <sqlite3.h>
#include <stdint.h>

#include "pkt.h"
#include "rollup.h"

/* A cached context: key is the serialised strings (see sqlite.c). */
struct intern_slot {
	uint64_t hash;
	char *s;
	uint32_t n;
	int64_t id;
};
enum { INTERN_MAX = 1 << 18, INTERN_MAX_BYTES = 32 << 20 };

enum { PENDING_ROWS = 64, EVENT_COLS = 13, PENDING_OPTS_MAX = 128 };

/* With a checkpointer, a bulk store lets its WAL grow to this many frames
 * (pages of 16 KiB) before it waits for the copy to catch up and starts the
 * WAL over (checkpointer.h). */
enum { WAL_RESTART_FRAMES = 16384 };

/* events.id = second << EVENT_ID_BITS | arrival number within the second. */
#define EVENT_ID_BITS 22
#define EVENT_SEC_LIMIT (1LL << 40)

/* An event queued for the next multi-row INSERT, with what it points to
 * copied: its pkt column (pkt.h), TCP options of up to PENDING_OPTS_MAX
 * bytes included. */
struct pending_event {
	struct event ev;
	int64_t id, ctx;
	int pkt_len;
	unsigned char pkt[PKT_FIXED_MAX + PENDING_OPTS_MAX];
};

/* What one row of the multi-row INSERT has bound (bind_event in sqlite.c):
 * column c (1-based) in bit c-1; v is an integer column's value or a
 * blob's or text's length (its bytes are the slot's own pending_event's). */
struct bound_row {
	uint32_t known, null;
	int64_t v[EVENT_COLS];
};

struct store {
	sqlite3 *db;
	int flags;
	int in_tx;
	int tx_failed; /* a write in the open transaction failed: it is rolled back */
	uint64_t added;
	struct rollup *ru;
	struct host_tally *hosts; /* the host roll-up's counts (host_tally.h) */
	struct host_cover *cover; /* and its networks beyond private space (host_cover.h) */
	struct answers *answers; /* pages kept (sqlite_answers.c) */
	struct checkpointer *ckpt; /* a bulk store's WAL copier (checkpointer.h), or NULL */
	int wal_frames;            /* the WAL's length at the last commit, with ckpt */
	int wal_restart_frames;    /* WAL_RESTART_FRAMES, or $PORTLOG_WAL_RESTART_FRAMES */
	sqlite3_stmt *ins_event, *ins_events, *ctx_get, *ctx_ins, *begin, *commit;
	struct pending_event pending[PENDING_ROWS];
	struct bound_row bound[PENDING_ROWS]; /* ins_events' bindings, row by row */
	int npending;
	sqlite3_stmt *max_in_sec;
	int64_t id_sec, id_next, id_max_sec; /* event_id() state */
	/* what temp.addr_hours holds (sqlite_addr.c): for this address and
	 * hours, as of this data_version; ranges < 0: nothing */
	struct ev_addr hours_addr;
	int64_t hours_h0, hours_h1, hours_version;
	int hours_ranges;
	struct subject_filter *subjects; /* findings' subjects (sqlite_findings.c) */
	struct recent_findings *recent;  /* and what this connection wrote since */
	int recent_failed;               /* no memory for it: every finding is looked up */
	struct findings_writer *findings_writer; /* its statements (sqlite_findings.c) */
	int kept_names;                  /* temp.kept_names exists (store_findings_clear) */
	int64_t subjects_version;        /* PRAGMA data_version when it was read */
	int64_t subjects_max_id;         /* the last finding it has read */
	int64_t subjects_max_pack;       /* and the last probe pack (probe_packs.h) */
	int findings_batch;              /* store_findings_batch */
	int64_t subjects_cleared;        /* meta's findings_cleared when it was read */
	uint64_t findings_unindexed;     /* written since the last finding_src batch */
	struct intern_slot *intern;
	const struct intern_slot *last_ctx; /* the last context looked up, in intern */
	size_t intern_cap, intern_n, intern_bytes;
	char err[512];
};

/* Writes join the open batch (store_commit ends it), beginning it if need
 * be, as store_add does: 0, or -1 (read-only, or the batch failed). */
int sqlite_join_batch(struct store *st);
/* Finalize the statements store_findings_put keeps (before closing). */
void sqlite_findings_close(struct store *st);
/* Free the answers store_answer_put kept (before closing). */
void sqlite_answers_close(struct store *st);
/* PRAGMA data_version: changes when another connection commits. */
int64_t sqlite_data_version(struct store *st);

/* rollup_port is keyed (day, port, hour, part), day = hour/24 (schema 13),
 * so one port's rows over the hours [H0, H1) (SQL expressions) are read a
 * day at a time: "RU_DAYS(H0, H1) SELECT ... FROM ru_days d CROSS JOIN
 * rollup_port r WHERE r.day = d.day AND r.port = ...", a seek a day.  The
 * days are clamped to those the table holds (an open range is INT32_MIN to
 * INT32_MAX hours, store_hours). */
#define RU_DAYS(H0, H1)                                                                     \
	"WITH RECURSIVE ru_days(day) AS (SELECT max((" H0 ")/24,"                             \
	" (SELECT min(day) FROM rollup_port)) UNION ALL SELECT day+1 FROM ru_days"          \
	" WHERE day < min(((" H1 ")-1)/24, (SELECT max(day) FROM rollup_port))) "

/* The columns of a finding, in the order sqlite_read_finding reads them. */
#define SQLITE_FINDING_COLS \
	"kind, subject, src, first_ts, last_ts, shape, probe, proto, port_lo, port_hi, nports," \
	" nhosts, packets, ports, hosts, danger, trw_probes, signature, refs, value, baseline," \
	" factor, second_wave, summary, os"
struct finding;
/* A row selected with SQLITE_FINDING_COLS (sqlite_findings.c); a summary
 * not stored (schema 12) is written again from the fields. */
void sqlite_read_finding(sqlite3_stmt *s, struct finding *f);

/* A CIDR (family, prefix bits, 16 bytes as store.h's filters hold it) as
 * the BLOB range [lo, hi], each 4 or 16 bytes, for BETWEEN. */
void sqlite_net_range(uint8_t family, uint8_t bits, const uint8_t *net, uint8_t *lo, uint8_t *hi);
/* An address as a BLOB of 4 or 16 bytes (NULL when absent), both ways. */
void sqlite_bind_addr(sqlite3_stmt *s, int col, const struct ev_addr *a);
void sqlite_col_addr(sqlite3_stmt *s, int col, struct ev_addr *a);
/* An events.pkt column into ev (pkt.h; NULL: no details); its TCP options
 * point into the row, valid until the next step.  0, or -1 damaged. */
int sqlite_col_pkt(sqlite3_stmt *s, int col, struct event *ev);

/* The hour (since 1970, UTC) holding time us, rounded down; and the hours
 * [h0, h1) covering [since, until), INT64_MIN/MAX meaning open. */
int32_t store_hour(int64_t us);
void store_hours(int64_t since_us, int64_t until_us, int64_t *h0, int64_t *h1);

/* Record "what: sqlite's message" as the store's error; returns -1. */
int sqlite_fail(struct store *st, const char *what);

#endif
