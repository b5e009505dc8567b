/* main.c - one binary, `portlog COMMAND`: dispatch only. */
#include <stdio.h>
#include <string.h>

#include "cmd/common.h"

#ifndef PORTLOG_VERSION
#define PORTLOG_VERSION "0.1"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "import", cmd_import, "read firewall log files into the store" },
	{ "events", cmd_events, "list stored events, newest first" },
	{ "report", cmd_report, "summary, events per port, unique sources per port" },
	{ "formats", cmd_formats, "list the log formats portlog recognises" },
	{ "parse", cmd_parse, "show how each line of a log is understood (stores nothing)" },
	{ "port", cmd_port, "what a port is for, what traffic on it means, and your figures" },
	{ "serve", cmd_serve, "receive syslog, SNMP traps and growing files; store as they arrive" },
	{ "status", cmd_status, "what serve is doing: messages, peers, drops, errors, store size" },
	{ "trust", cmd_trust, "trusted networks: add, rm, list (their traffic is never a finding)" },
	{ "peek", cmd_peek, "open unused ports and record what scanners and worms send" },
	{ "captures", cmd_captures, "what peers sent to peek's ports, recognised; --show ID dumps one" },
	{ "passwd", cmd_passwd, "set the web dashboard's password (needed off loopback)" },
	{ "homenet", cmd_homenet, "home networks: add, rm, list (they decide inbound or outbound)" },
	{ "block", cmd_block, "block list of known-bad networks: add, rm, list, import (reputation)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: portlog COMMAND [options]\n\n"
		   "A firewall log analyzer and port-scan watchdog.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'portlog COMMAND --help' describes each command's options.\n\n"
		   "The database is --db PATH, else 'db' in [store] of portlog.conf, else $PORTLOG_DB,\n"
		   "else /var/lib/portlog/portlog.db (root) or ~/.local/share/portlog/portlog.db.\n"
		   "portlog.conf is --config FILE, else $PORTLOG_CONF, ./portlog.conf or\n"
		   "/etc/portlog/portlog.conf.  Times are stored and reported in UTC; log timestamps\n"
		   "without a zone are read in the local time zone (TZ).\n\n"
		   "Exit status: 0 ok, 1 error, 2 usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("portlog %s\n", PORTLOG_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "portlog: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
