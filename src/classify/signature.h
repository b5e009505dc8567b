/* signature.h - what a port, protocol and flag pattern usually means.
 *
 * Loaded at run time from data/signatures (a text file reviewed like code,
 * format described at its top).  A signature names a probe ("MS SQL Server
 * probe", "Mirai telnet scan") and carries a danger level and advisories. */
#ifndef PORTLOG_SIGNATURE_H
#define PORTLOG_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "osfp.h"

enum sig_dir { SIG_IN = 1, SIG_OUT = 2, SIG_ANY = 3 };

struct signature {
	int proto;           /* IP protocol, -1 any */
	int lo, hi;          /* destination port range, or ICMP type range */
	int dir;             /* enum sig_dir: in = not outbound; out = outbound */
	int syn_only;        /* TCP: only SYN (no ACK) */
	int min_payload;     /* only packets carrying more than this many bytes (UDP/TCP
				payload from the logged lengths), 0 any */
	int spa;             /* an authorization knock (fwknop SPA), not a probe */
	int min;             /* packets from one source before it counts */
	int danger;          /* 1-5 */
	char name[96];
	char refs[96];
};

struct sig_cover {
	uint32_t key;
	uint64_t sigs;
};

struct sigset {
	struct signature *v;
	int n, cap;
	/* Which (protocol class, port or ICMP type) any signature could match,
	 * one bit each (sigset_load builds it): most events match none, and
	 * are told so by one bit instead of a walk over every signature.
	 * NULL: walk. */
	uint64_t *keys;
	/* And for each of those keys, which signatures (bit i: v[i]) could
	 * match it, sorted by key (class << 16 | key): a match then tests the
	 * one to three that could instead of all of them.  NULL: walk them
	 * all (more than 64 signatures, or no memory). */
	struct sig_cover *cover;
	int ncover;
	char path[512]; /* where it was read from, "" if none */
	struct osfp os; /* data/os_signatures beside it (osfp.h), empty if absent */
};

/* Parse one file, and os_signatures in its directory when there is one.  0
 * on success; -1 with "path:line: why" in err. */
int sigset_load(struct sigset *s, const char *path, char *err, size_t errlen);
/* The first of $PORTLOG_SIGNATURES, $PORTLOG_DATA/signatures, data/ beside the
 * binary (build tree), PORTLOG_DATADIR/signatures.  NULL if none exists. */
const char *sigset_default_path(void);
void sigset_free(struct sigset *s);

/* The most dangerous signature this event matches (ignoring min), or -1. */
int sigset_match(const struct sigset *s, const struct event *ev);

#endif
