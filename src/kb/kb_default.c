/* kb_default.c - finding the data directory and the process-wide knowledge base. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb_priv.h"

#ifndef PORTLOG_DATADIR
#define PORTLOG_DATADIR "/usr/local/share/portlog"
#endif

static int has_kb(const char *dir)
{
	char path[PATH_MAX + 96];
	snprintf(path, sizeof path, "%s/ports/curated.txt", dir);
	return access(path, R_OK) == 0;
}

const char *kb_data_dir(void)
{
	static char dir[PATH_MAX + 64];
	const char *env = getenv("PORTLOG_DATA");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
		return dir;
	}
	/* Beside the binary: build/portlog -> build/data, build/san/portlog and
	 * build/san/tests/x -> build/data, PREFIX/bin/portlog -> PREFIX/share/portlog. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		static const char *const rel[] = { "data", "../data", "../../data",
						   "../share/portlog" };
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(dir, sizeof dir, "%s/%s", exe, rel[i]);
			if (has_kb(dir))
				return dir;
		}
	}
	if (has_kb(PORTLOG_DATADIR)) {
		snprintf(dir, sizeof dir, "%s", PORTLOG_DATADIR);
		return dir;
	}
	return NULL;
}

const struct kb *kb_default(void)
{
	static struct kb *kb;
	static int tried;
	if (tried)
		return kb;
	tried = 1;
	const char *dir = kb_data_dir();
	char err[512];
	if (!dir) {
		fprintf(stderr, "portlog: port knowledge base not found (looked beside the binary "
				"and in %s); run make, or set PORTLOG_DATA to the data directory\n",
			PORTLOG_DATADIR);
		return NULL;
	}
	kb = kb_load(dir, err, sizeof err);
	if (!kb)
		fprintf(stderr, "portlog: %s\n", err);
	return kb;
}
