/* recent_findings.c - see recent_findings.h. */
#include "recent_findings.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

/* Cells hold whole seconds since 1970, rounded up so they never fall
 * before the end they stand for; 0 is "nothing noted", CELL_LATE "too
 * late to say" (ends after 2106, or unknown: always looked up). */
enum { CELLS = 1 << 20 };
#define CELL_LATE UINT32_MAX

struct recent_findings {
	uint32_t cell[CELLS];
};

struct recent_findings *recent_findings_new(void)
{
	return calloc(1, sizeof(struct recent_findings));
}

void recent_findings_free(struct recent_findings *r)
{
	free(r);
}

static void cells_of(int kind, const char *subject, uint32_t *a, uint32_t *b)
{
	uint64_t h = hash_bytes(subject, strlen(subject), 0x51ed27fd1c4a3b8dULL ^ (uint64_t)kind);
	*a = (uint32_t)h & (CELLS - 1);
	*b = (uint32_t)(h >> 32) & (CELLS - 1);
	if (*b == *a)
		*b = (*a + 1) & (CELLS - 1);
}

static uint32_t to_cell(int64_t us)
{
	if (us <= 0)
		return 1; /* before 1970: "1970" is later, so still a bound */
	int64_t s = us / 1000000 + (us % 1000000 != 0);
	return s >= (int64_t)CELL_LATE ? CELL_LATE : (uint32_t)s;
}

int64_t recent_findings_latest(const struct recent_findings *r, int kind, const char *subject)
{
	uint32_t a, b;
	cells_of(kind, subject, &a, &b);
	uint32_t v = r->cell[a] < r->cell[b] ? r->cell[a] : r->cell[b];
	if (v == 0)
		return INT64_MIN;
	if (v == CELL_LATE)
		return INT64_MAX;
	return (int64_t)v * 1000000;
}

void recent_findings_note(struct recent_findings *r, int kind, const char *subject,
			  int64_t last_us)
{
	uint32_t a, b, v = to_cell(last_us);
	cells_of(kind, subject, &a, &b);
	if (r->cell[a] < v)
		r->cell[a] = v;
	if (r->cell[b] < v)
		r->cell[b] = v;
}
