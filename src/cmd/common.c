/* common.c - see common.h. */
#include "common.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../event.h"
#include "../util/timearg.h"
#include "../kb/kb.h"

static int mkdirs(const char *dir)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

const char *db_path(const char *flag, const struct conf *c, int create)
{
	static char buf[1024];
	const char *p = flag;
	if (!p && c && c->db[0])
		p = c->db;
	if (!p)
		p = getenv("PORTLOG_DB");
	if (!p || !*p) {
		const char *home = getenv("HOME");
		if (geteuid() == 0 || !home)
			p = "/var/lib/portlog/portlog.db";
		else {
			const char *xdg = getenv("XDG_DATA_HOME");
			if (xdg && *xdg)
				snprintf(buf, sizeof buf, "%s/portlog/portlog.db", xdg);
			else
				snprintf(buf, sizeof buf, "%s/.local/share/portlog/portlog.db", home);
			p = buf;
		}
	}
	if (create) {
		char dir[1024];
		snprintf(dir, sizeof dir, "%s", p);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			mkdirs(dir);
		}
	}
	return p;
}

struct store *open_store(const char *path, int flags)
{
	char err[1024];
	struct store *st = store_open(path, flags, err, sizeof err);
	if (!st)
		fprintf(stderr, "portlog: %s\n", err);
	return st;
}

int parse_out_format(const char *s, enum out_format *f)
{
	if (!strcmp(s, "text"))
		*f = OUT_TEXT;
	else if (!strcmp(s, "json"))
		*f = OUT_JSON;
	else if (!strcmp(s, "csv"))
		*f = OUT_CSV;
	else
		return -1;
	return 0;
}

int parse_port_list(const char *s, struct port_sel *out, int max, const char **bad)
{
	static char badbuf[64];
	int n = 0;
	const char *p = s;
	while (*p) {
		size_t len = strcspn(p, ", ");
		if (len) {
			char item[64];
			if (len >= sizeof item || n >= max)
				goto bad;
			memcpy(item, p, len);
			item[len] = '\0';
			struct port_sel sel = { -1, -1 };
			char *slash = strchr(item, '/');
			if (slash) {
				*slash = '\0';
				if ((sel.proto = ev_proto_parse(slash + 1)) < 0)
					goto bad;
			}
			char *end;
			long v = strtol(item, &end, 10);
			if (end != item && !*end && v >= 0 && v <= 65535) {
				sel.port = (int)v;
			} else if (!slash && (sel.proto = ev_proto_parse(item)) >= 0 &&
				   sel.proto != EV_PROTO_TCP && sel.proto != EV_PROTO_UDP) {
				sel.port = -1; /* "icmp": a portless protocol */
			} else {
				goto bad;
			}
			out[n++] = sel;
		}
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
		continue;
	bad:
		snprintf(badbuf, sizeof badbuf, "%.*s", (int)(len < 60 ? len : 60), p);
		*bad = badbuf;
		return -1;
	}
	return n;
}

int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void die_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "portlog %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'portlog %s --help'.\n", cmd);
	exit(EXIT_USAGE);
}

void warnx_cmd(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "portlog %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *service_name(int port, int proto)
{
	if (port < 0)
		return "";
	const struct kb *kb = kb_default();
	if (kb)
		return kb_service(kb, port, proto == EV_PROTO_UDP ? EV_PROTO_UDP : EV_PROTO_TCP);
	/* No knowledge base installed: the system's (smaller) list. */
	const char *pn = proto == EV_PROTO_UDP ? "udp" : "tcp";
	struct servent *se = getservbyport(htons((uint16_t)port), pn);
	return se ? se->s_name : "";
}

struct store *open_reader(const char *cmd, const char *config, const char *db)
{
	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog %s: %s\n", cmd, err);
		return NULL;
	}
	return open_store(db_path(db, &conf, 0), STORE_READONLY);
}

int64_t time_opt(const char *cmd, const char *opt, const char *arg, int64_t now)
{
	int64_t us;
	if (timearg_parse(arg, now, &us))
		die_usage(cmd, "bad %s '%s' (a date, date-time or relative like 7d, in 1970-9999)",
			  opt, arg);
	return us;
}
