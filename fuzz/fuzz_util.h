/* fuzz_util.h - what the fuzz targets share besides the line-based entry
 * point (fuzz_common.h). */
#ifndef PORTLOG_FUZZ_UTIL_H
#define PORTLOG_FUZZ_UTIL_H

#include <stdlib.h>
#include <string.h>

/* n bytes of p in a block of exactly n bytes (one when n is 0), so ASan
 * sees a read one byte past them; aborts when out of memory. */
static inline void *exact_copy(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);
	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

#endif
