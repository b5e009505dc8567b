/* conf.c - see conf.h. */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set(struct conf *c, const char *section, const char *key, const char *value)
{
	struct {
		const char *section, *key;
		char *dst;
		size_t size;
	} keys[] = {
		{ "store", "db", c->db, sizeof c->db },
		{ "network", "home_net", c->home_net, sizeof c->home_net },
		{ "serve", "udp", c->serve_udp, sizeof c->serve_udp },
		{ "serve", "tcp", c->serve_tcp, sizeof c->serve_tcp },
		{ "serve", "snmptrap", c->serve_snmptrap, sizeof c->serve_snmptrap },
		{ "serve", "follow", c->serve_follow, sizeof c->serve_follow },
		{ "serve", "user", c->serve_user, sizeof c->serve_user },
		{ "peek", "tcp", c->peek_tcp, sizeof c->peek_tcp },
		{ "peek", "udp", c->peek_udp, sizeof c->peek_udp },
		{ "peek", "bind", c->peek_bind, sizeof c->peek_bind },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(section, keys[i].section) || strcmp(key, keys[i].key))
			continue;
		if (strlen(value) >= keys[i].size)
			return -2;
		strcpy(keys[i].dst, value);
		return 0;
	}
	return -1;
}

int conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (!path) {
		const char *env = getenv("PORTLOG_CONF");
		const char *cands[] = { env, "portlog.conf", "/etc/portlog/portlog.conf" };
		for (size_t i = 0; i < 3 && !path; i++)
			if (cands[i] && *cands[i] && access(cands[i], R_OK) == 0)
				path = cands[i];
		if (!path)
			return 0;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	char line[8192], section[64] = "";
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close || close[1] || close - s - 1 >= (long)sizeof section) {
				snprintf(err, errlen, "%s:%d: bad section header", path, lineno);
				rc = -1;
				break;
			}
			*close = '\0';
			snprintf(section, sizeof section, "%s", trim(s + 1));
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		int r = set(c, section, key, value);
		if (r) {
			snprintf(err, errlen, r == -2 ? "%s:%d: value of %s too long"
						      : "%s:%d: unknown key '%s' in section [%s]",
				 path, lineno, key, section);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}
