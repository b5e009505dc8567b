/* privdrop.h - leaving root after the sockets are bound (serve, peek). */
#ifndef PORTLOG_PRIVDROP_H
#define PORTLOG_PRIVDROP_H

/* Become user (NULL: "portlog") when running as root; "root" keeps root.
 * Not root: fine unless a different user was asked for.  Supplementary
 * groups are cleared and the drop is checked (setuid(0) must then fail).
 * cmd names the command in messages, which say what to do.  0 or -1. */
int privdrop(const char *cmd, const char *user);

#endif
