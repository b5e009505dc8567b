/* anonmap.h - zeroed memory mapped directly, not taken from malloc.
 *
 * For buffers of megabytes that live for one pass (a roll-up tally's sort,
 * a port's per-source table): unmapped, their pages go back at once (import's
 * peak memory), where malloc's arenas would keep them; and they can be
 * offered huge pages, one fault per 2 MiB instead of per 4 KiB. */
#ifndef PORTLOG_ANONMAP_H
#define PORTLOG_ANONMAP_H

#include <stddef.h>

/* bytes of zeroes (at least one page), or NULL.  huge: allow huge pages
 * (a hint, for a buffer that is filled whole soon: each one is resident
 * as soon as it is touched). */
void *anon_map(size_t bytes, int huge);
/* Give back what anon_map(bytes, ...) returned; NULL is ignored. */
void anon_unmap(void *p, size_t bytes);

#endif
