/* patterns.h - known worm and exploit byte patterns (data/payloads) matched
 * against captures.  Matching is memmem over the captured bytes: nothing is
 * decoded or run. */
#ifndef PORTLOG_PATTERNS_H
#define PORTLOG_PATTERNS_H

#include <stddef.h>

struct patterns;

/* Load path (NULL: the default place, see data/payloads).  NULL and a
 * message "file:line: why" in err. */
struct patterns *patterns_load(const char *path, char *err, size_t errlen);
void patterns_free(struct patterns *ps);
int patterns_count(const struct patterns *ps);
/* Where the default file is, or NULL when none is found. */
const char *patterns_default_path(void);

/* Names of the patterns that match (proto 6/17, local port), comma-separated
 * into out (truncated to cap).  Returns how many matched. */
int patterns_match(const struct patterns *ps, const unsigned char *p, size_t n, int proto,
		   int port, char *out, size_t cap);

#endif
