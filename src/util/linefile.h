/* linefile.h - reading portlog's line-oriented data files (data/signatures,
 * data/os_signatures, data/payloads): one record a line, '#' comments and blank lines. */
#ifndef PORTLOG_LINEFILE_H
#define PORTLOG_LINEFILE_H

#include <stddef.h>

/* Parses one record (leading blanks skipped, the newline still on it);
 * returns NULL, or why the line is wrong. */
typedef const char *(*linefile_fn)(void *arg, char *line);

/* Calls fn for each line of path that is not blank or a '#' comment (lines
 * of up to 2047 bytes).  0 when every line parsed; -1 with "cannot read WHAT
 * PATH" or "PATH:LINE: why" in err. */
int linefile_each(const char *path, const char *what, linefile_fn fn, void *arg, char *err,
		  size_t errlen);

/* Splits s at blanks (spaces, tabs) into at most max fields in f.  Returns
 * how many, or max + 1 when there are more. */
int linefile_fields(char *s, char **f, int max);

#endif
