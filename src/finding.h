/* finding.h - what the detectors conclude (src/classify/detect.h), stored
 * like events (store.h) and shown by `portlog report scans|infected|outbreaks`.
 *
 * One type for every kind, so the store and the reports need one code path;
 * fields a kind does not use stay zero / empty.  Strings are bounded copies
 * (an address or a port list), never attacker text. */
#ifndef PORTLOG_FINDING_H
#define PORTLOG_FINDING_H

#include <stdint.h>

#include "event.h"

enum finding_kind {
	FINDING_SCAN = 1,     /* a source probing ports / hosts, or a named probe */
	FINDING_INFECTED = 2, /* an inside host behaving like a worm or a bot */
	FINDING_OUTBREAK = 3, /* a port whose sources jumped above their baseline */
	FINDING_REPUTATION = 4, /* a source on the user's block list (`portlog block`) */
	FINDING_KINDS /* one past the last */
};

struct finding {
	int kind;             /* enum finding_kind */
	char subject[64];     /* source address, or "445/tcp" for an outbreak */
	struct ev_addr src;   /* the scanner / infected host; absent for outbreaks */
	int64_t first_us, last_us;
	char shape[16];       /* scan: vertical, horizontal, block, protocol, probe, crafted,
				 spa (an authorization knock, not a scan); infected: worm,
				 botnet; outbreak: hourly, daily; reputation: listed */
	char probe[16];       /* SYN FIN XMAS NULL ACK UDP ICMP PROTO OTHER */
	int proto;            /* main IP protocol, -1 mixed or unknown */
	int port_lo, port_hi; /* ports (or IP protocols for a protocol scan); -1 none */
	uint32_t nports, nhosts;
	uint64_t packets;
	char ports[256];      /* evidence: "1000-1500" or "23,2323", truncated with "..." */
	char hosts[512];      /* evidence: destinations, truncated with "..." */
	int danger;           /* 1-5 */
	int trw_probes;       /* Threshold Random Walk flagged it after this many first
				 contacts; 0 when the walk did not decide "scanner" */
	char signature[96];   /* what data/signatures calls it, "" if nothing matched */
	char refs[96];        /* its advisories (CVE, CERT) */
	double value;         /* outbreak: sources in the bucket at onset (peak later) */
	double baseline;      /* outbreak: median of the earlier buckets */
	double factor;        /* outbreak: value / baseline (peak) */
	int second_wave;      /* outbreak: began on an already raised level */
	char summary[256];    /* one line for people */
	char os[48];          /* scan: passive OS / tool guess from the SYNs (data/os_signatures) */
	int64_t window_us;    /* a later finding of the same kind and subject starting within
				 this long after this one's end continues it (a scan split
				 across two imports): the store merges them; 0 never */
};

const char *finding_kind_name(int kind);
int finding_kind_parse(const char *s); /* "scans", "scan", ...; -1 unknown */

/* finding_pack.c: f into out (room for sizeof *f), its texts without their
 * unused room; the bytes written.  Unpacking gives back f, its texts'
 * unused room zeroed; the bytes read. */
size_t finding_pack(const struct finding *f, unsigned char *out);
size_t finding_unpack(const unsigned char *in, struct finding *f);

/* finding_merge.c: write f->summary from its fields (scans and reputation). */
void finding_summary(struct finding *f);
/* May part continue into (same kind and subject, compatible evidence)? */
int finding_mergeable(const struct finding *into, const struct finding *part);
/* Unite part into into: times, ports, hosts, packets (part counted with
 * prev_packets already in into, when it was merged before), shape, danger,
 * summary. */
void finding_merge(struct finding *into, const struct finding *part, uint64_t prev_packets);

#endif
