/* datafile.c - see datafile.h. */
#include "datafile.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef PORTLOG_DATADIR
#define PORTLOG_DATADIR "/usr/local/share/portlog"
#endif

static int holds(const char *dir, const char *name)
{
	char path[PATH_MAX + 128];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

const char *datafile_dir(const char *name, char *dir, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		static const char *const rel[] = { "data", "../data", "../../data", "../../../data",
						   "../share/portlog" };
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(dir, cap, "%s/%s", exe, rel[i]);
			if (holds(dir, name))
				return dir;
		}
	}
	snprintf(dir, cap, "%s", PORTLOG_DATADIR);
	return holds(dir, name) ? dir : NULL;
}
