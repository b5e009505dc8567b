/* static.c - the pages, styles and scripts of data/web, read once at start
 * (installed to PREFIX/share/portlog/web; build/data/web in the build tree;
 * $PORTLOG_WEB overrides).  Only plain file names are served, from memory,
 * so no request can name a path. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../kb/kb.h"
#include "../util/hash.h"
#include "web_priv.h"

enum { STATIC_MAX_FILES = 64, STATIC_MAX_BYTES = 512 * 1024 };

static const char *type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

static int plain_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) >= sizeof ((struct static_file *)0)->name)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int load_one(struct static_file *sf, const char *dir, const char *name)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat sb;
	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode) || sb.st_size > STATIC_MAX_BYTES) {
		fclose(f);
		return -1;
	}
	sf->len = (size_t)sb.st_size;
	sf->data = malloc(sf->len + 1);
	if (!sf->data || fread(sf->data, 1, sf->len, f) != sf->len) {
		free(sf->data);
		fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(sf->name, sizeof sf->name, "%s", name);
	sf->type = type_of(name);
	snprintf(sf->etag, sizeof sf->etag, "\"%016llx\"",
		 (unsigned long long)hash_bytes(sf->data, sf->len, 0));
	return 0;
}

int static_load(struct static_files *sf, char *err, size_t errlen)
{
	memset(sf, 0, sizeof *sf);
	const char *env = getenv("PORTLOG_WEB"), *data = kb_data_dir();
	if (env && *env)
		snprintf(sf->dir, sizeof sf->dir, "%s", env);
	else if (data)
		snprintf(sf->dir, sizeof sf->dir, "%s/web", data);
	else
		snprintf(sf->dir, sizeof sf->dir, "%s/web", PORTLOG_DATADIR);
	DIR *d = opendir(sf->dir);
	if (!d) {
		snprintf(err, errlen,
			 "no web pages in %s (run make, or make install; or set PORTLOG_WEB to data/web)",
			 sf->dir);
		return -1;
	}
	sf->v = calloc(STATIC_MAX_FILES, sizeof *sf->v);
	for (struct dirent *e; sf->v && (e = readdir(d)) && sf->n < STATIC_MAX_FILES;)
		if (plain_name(e->d_name) && type_of(e->d_name) &&
		    load_one(&sf->v[sf->n], sf->dir, e->d_name) == 0)
			sf->n++;
	closedir(d);
	if (!sf->v || !static_find(sf, "/")) {
		snprintf(err, errlen, "%s has no index.html (run make, or set PORTLOG_WEB)", sf->dir);
		static_free(sf);
		return -1;
	}
	return 0;
}

void static_free(struct static_files *sf)
{
	for (int i = 0; i < sf->n; i++)
		free(sf->v[i].data);
	free(sf->v);
	sf->v = NULL;
	sf->n = 0;
}

const struct static_file *static_find(const struct static_files *sf, const char *url)
{
	if (*url != '/')
		return NULL;
	const char *name = url[1] ? url + 1 : "index.html";
	if (!plain_name(name))
		return NULL;
	for (int i = 0; i < sf->n; i++)
		if (!strcmp(sf->v[i].name, name))
			return &sf->v[i];
	return NULL;
}
