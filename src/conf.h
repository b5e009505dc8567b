/* conf.h - portlog.conf: one INI-style file; command-line flags override it.
 *
 *   [store]
 *   db = /var/lib/portlog/portlog.db
 *   [network]
 *   home_net = 192.168.1.0/24, fd00::/8
 *   [serve]
 *   udp = 127.0.0.1:5514
 *   tcp = 127.0.0.1:5514
 *   snmptrap = 0.0.0.0:162
 *   follow = /var/log/ufw.log
 *   user = portlog
 *   [peek]
 *   tcp = 135, 139, 445
 *   udp = 137, 1434
 *   bind = 127.0.0.1
 */
#ifndef PORTLOG_CONF_H
#define PORTLOG_CONF_H

#include <stddef.h>

struct conf {
	char path[1024]; /* the file read, "" if none */
	char db[1024];
	char home_net[4096];
	/* [serve]: comma-separated listen addresses and files, as the flags */
	char serve_udp[1024], serve_tcp[1024], serve_snmptrap[1024];
	char serve_follow[4096];
	char serve_user[64];
	/* [peek]: ports serve also listens on as `portlog peek` would */
	char peek_tcp[1024], peek_udp[1024], peek_bind[1024];
};

/* Read path (must exist), or, when path is NULL, the first of
 * $PORTLOG_CONF, ./portlog.conf, /etc/portlog/portlog.conf that exists (none
 * is fine).  Unknown sections or keys are errors, so typos do not pass
 * silently.  0 on success, else -1 with "file:line: why" in err. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

#endif
