/* linefile.c - see linefile.h. */
#include "linefile.h"

#include <stdio.h>
#include <string.h>

int linefile_each(const char *path, const char *what, linefile_fn fn, void *arg, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read %s %s", what, path);
		return -1;
	}
	char line[2048];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
			continue;
		const char *why = fn(arg, p);
		if (why) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int linefile_fields(char *s, char **f, int max)
{
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		f[n++] = t;
	}
	return n;
}
