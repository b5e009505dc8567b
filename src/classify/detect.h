/* detect.h - the detectors: state machines fed events in time order.
 *
 *   scan.c      per source: vertical / horizontal / block / protocol scans, the
 *               probe type from the flags, Threshold Random Walk (Jung, Paxson,
 *               Berger, Balakrishnan, IEEE S&P 2004), crafted ICMP, signatures
 *   infected.c  per inside host and port: worm-like fan-out, bot command channels
 *   outbreak.c  per port: hourly and daily unique sources against their own
 *               robust baseline (median and MAD of the earlier buckets)
 *
 *   reputation.c  sources on the user's block list (blocklist.h)
 *
 * detect_feed() takes one event and reports findings through the callback as
 * soon as they exist (live use in serve), and again with fuller evidence when
 * the state behind them expires or at detect_finish().  A finding is updated
 * in place by (kind, subject, first_us): the store upserts on that key.
 *
 * Trusted events (ev->trusted) and events of unknown time are skipped.  All
 * state is bounded (see the max_ fields) and expires when idle, so a million
 * distinct sources stay within a couple of hundred megabytes. */
#ifndef PORTLOG_DETECT_H
#define PORTLOG_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "../finding.h"
#include "signature.h"

struct blocklist;

struct detect_conf {
	const struct sigset *sigs; /* may be NULL: nothing is named */
	const struct blocklist *block; /* `portlog block` (blocklist.h); NULL or empty: none */
	/* scans */
	int64_t scan_idle_us;      /* a source's state ends after this long without events */
	int scan_ports, scan_hosts; /* distinct ports / hosts that make a scan alone */
	int scan_protos;           /* distinct IP protocols that make a protocol scan */
	double trw_theta0, trw_theta1; /* P(success) for benign hosts and for scanners */
	double trw_pd, trw_pf;     /* wanted detection and false positive probability */
	size_t max_sources;        /* table slots (a power of two); memory ~64 bytes each */
	size_t max_details;        /* sources tracked in detail at once (ports, hosts) */
	/* infected inside hosts */
	int infected_hosts;        /* distinct outside hosts on one port ... */
	int64_t infected_window_us; /* ... within this window */
	/* outbreaks */
	int outbreak_min;          /* at least this many more sources than the baseline */
	double outbreak_factor;    /* and this many times the baseline */
	double outbreak_mads;      /* and this many MADs above it */
	size_t max_ports;          /* (port, protocol) series tracked */
	int live;                  /* report a scan the moment it is one (serve), not only
				      when its state ends (import: fewer writes) */
};

void detect_conf_default(struct detect_conf *c);

/* Called for every new or updated finding; non-zero stops detect_feed. */
typedef int (*detect_cb)(void *arg, const struct finding *f);

struct detector;
struct detector *detect_new(const struct detect_conf *c, detect_cb cb, void *arg);
/* 0, or the callback's non-zero value. */
int detect_feed(struct detector *d, const struct event *ev);
/* End every open state and report what it found. */
int detect_finish(struct detector *d);
/* Bytes of detector state now (for benchmarks). */
size_t detect_memory(const struct detector *d);
void detect_free(struct detector *d);

#endif
