/* recent_findings.c - see recent_findings.h. */
#include "recent_findings.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

/* Cells hold whole seconds since 1970, rounded up so they never fall
 * before the end they stand for; 0 is "nothing noted", CELL_LATE "too
 * late to say" (ends after 2106, or unknown: always looked up). */
#define CELL_LATE UINT32_MAX

/* The table starts small (a short import faulted in all of it at once) and
 * doubles as findings are noted.  Doubling keeps every bound: a subject's
 * cell in the larger table is one of the two its old cell splits into, and
 * both start with the old cell's value.  1 MiB is plenty: a lookup for
 * nothing needs both cells written by findings that ended within the new
 * one's window, and a year's log writes about 1,300 findings a day. */
enum { CELLS_MIN = 1 << 14, CELLS_MAX = 1 << 18 };

struct recent_findings {
	uint32_t *cell;
	uint32_t mask;  /* cells - 1 */
	uint64_t notes; /* noted since the last doubling */
};

struct recent_findings *recent_findings_new(void)
{
	struct recent_findings *r = calloc(1, sizeof *r);
	if (r && !(r->cell = calloc(CELLS_MIN, sizeof *r->cell))) {
		free(r);
		return NULL;
	}
	if (r)
		r->mask = CELLS_MIN - 1;
	return r;
}

void recent_findings_free(struct recent_findings *r)
{
	if (r)
		free(r->cell);
	free(r);
}

static void grow(struct recent_findings *r)
{
	size_t n = (size_t)r->mask + 1;
	uint32_t *c = realloc(r->cell, 2 * n * sizeof *c);
	if (!c)
		return; /* stays smaller: more lookups, still no miss */
	memcpy(c + n, c, n * sizeof *c);
	r->cell = c;
	r->mask = (uint32_t)(2 * n - 1);
	r->notes = 0;
}

static void cells_of(const struct recent_findings *r, int kind, const char *subject,
		     uint32_t *a, uint32_t *b)
{
	uint64_t h = hash_bytes(subject, strlen(subject), 0x51ed27fd1c4a3b8dULL ^ (uint64_t)kind);
	/* the two cells must stay apart as the table grows: one from the low
	 * bits, one from the high, never the same */
	*a = (uint32_t)h & r->mask;
	*b = (uint32_t)(h >> 32) & r->mask;
	if (*b == *a)
		*b = *a ^ 1;
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
	cells_of(r, kind, subject, &a, &b);
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
	if (++r->notes > (uint64_t)r->mask / 4 && r->mask < CELLS_MAX - 1)
		grow(r);
	uint32_t a, b, v = to_cell(last_us);
	cells_of(r, kind, subject, &a, &b);
	if (r->cell[a] < v)
		r->cell[a] = v;
	if (r->cell[b] < v)
		r->cell[b] = v;
}
