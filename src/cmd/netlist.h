/* netlist.h - what `portlog block`, `trust` and `homenet` share: the same
 * options (--db, --config, --note, --format) and, for block and trust, the
 * same list of networks with a note and the time each was added. */
#ifndef PORTLOG_CMD_NETLIST_H
#define PORTLOG_CMD_NETLIST_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct netlist_opts {
	const char *db, *config, *note;
	enum out_format fmt;
};

/* Read the options of command cmd into o (zeroed first).  -1 when the command
 * goes on with argv[optind]; else the exit code (help printed: EXIT_OK, a bad
 * option: usage on stderr, EXIT_USAGE). */
int netlist_opts(const char *cmd, const char *usage, int argc, char **argv,
		 struct netlist_opts *o);

/* The network argv[optind] of `CMD add|rm NET` (verb): canonical "NET/BITS"
 * into canon (n bytes), optind moved past it; a usage error when it is
 * missing or not a network. */
void netlist_cidr_arg(const char *cmd, const char *verb, int argc, char **argv, char *canon,
		      size_t n);

struct netlist_out {
	enum out_format fmt;
	int n;
};

/* List output: netlist_begin (the JSON object's start, labelled kind, or the
 * CSV header), netlist_row per network (a store_*_list callback), then
 * netlist_end, which prints empty (text only) when there was no row. */
void netlist_begin(struct netlist_out *o, enum out_format fmt, const char *kind);
int netlist_row(void *arg, const char *cidr, const char *note, int64_t added_s);
void netlist_end(const struct netlist_out *o, const char *empty);

#endif
