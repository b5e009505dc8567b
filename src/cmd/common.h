/* common.h - what the commands share: options every command takes, opening
 * the store, output formats. */
#ifndef PORTLOG_CMD_COMMON_H
#define PORTLOG_CMD_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "../conf.h"
#include "../store/store.h"

enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

/* The database path: --db, else portlog.conf, else $PORTLOG_DB, else
 * /var/lib/portlog/portlog.db for root and ~/.local/share/portlog/portlog.db
 * for others.  Creates the directory when creating is allowed. */
const char *db_path(const char *flag, const struct conf *c, int create);

/* Open the store or print why and return NULL. */
struct store *open_store(const char *path, int flags);
/* What a reporting command does first: read portlog.conf (--config or the
 * default places), find the database (--db or the config) and open it
 * read-only; on failure print why, prefixed with "portlog CMD", and return
 * NULL. */
struct store *open_reader(const char *cmd, const char *config, const char *db);
/* A --since/--until value (see util/timearg.h); exits with a usage error
 * naming the option when it is not a time. */
int64_t time_opt(const char *cmd, const char *opt, const char *arg, int64_t now);

int parse_out_format(const char *s, enum out_format *f);
/* "135,445/tcp,icmp" -> port selections; returns count or -1 (bad item in *bad). */
int parse_port_list(const char *s, struct port_sel *out, int max, const char **bad);

int64_t now_us(void);

/* Print "portlog CMD: msg" to stderr. */
void die_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void warnx_cmd(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Service name of port/proto ("microsoft-ds"), or "" */
const char *service_name(int port, int proto);

int cmd_import(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_formats(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_peek(int argc, char **argv);
int cmd_captures(int argc, char **argv);
int cmd_passwd(int argc, char **argv);
int cmd_homenet(int argc, char **argv);
int cmd_block(int argc, char **argv);
/* report scans|infected|outbreaks|source (report_findings.c), reached from report.c */
int report_findings_wants(int argc, char **argv);
int cmd_report_findings(int argc, char **argv);

#endif
