/* anonmap.c - see anonmap.h. */
#include "anonmap.h"

#include <sys/mman.h>

void *anon_map(size_t bytes, int huge)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (huge && bytes >= (size_t)2 << 20)
		(void)madvise(p, bytes, MADV_HUGEPAGE); /* refused: 4 KiB pages, as before */
	return p;
}

void anon_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}
