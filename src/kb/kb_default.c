/* kb_default.c - finding the data directory and the process-wide knowledge base. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/datafile.h"
#include "kb_priv.h"

#ifndef PORTLOG_DATADIR
#define PORTLOG_DATADIR "/usr/local/share/portlog"
#endif

const char *kb_data_dir(void)
{
	static char dir[PATH_MAX + 64];
	const char *env = getenv("PORTLOG_DATA");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
		return dir;
	}
	return datafile_dir("ports/curated.txt", dir, sizeof dir);
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
