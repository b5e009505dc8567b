/* recent_findings.c - see recent_findings.h. */
#include "recent_findings.h"

#include <stdlib.h>
#include <string.h>

#include "../util/hash.h"

enum { SUBJECT_MAX = 64, INITIAL = 1024, CAP_MAX = 1 << 16 /* 5.6 MiB */ };

struct entry {
	int kind; /* 0: empty */
	int64_t last_us;
	char subject[SUBJECT_MAX];
};

struct recent_findings {
	struct entry *slot;
	size_t cap, n;
	int64_t horizon, newest;
};

struct recent_findings *recent_findings_new(void)
{
	struct recent_findings *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cap = INITIAL;
	r->slot = calloc(r->cap, sizeof *r->slot);
	if (!r->slot) {
		free(r);
		return NULL;
	}
	r->horizon = r->newest = INT64_MIN;
	return r;
}

void recent_findings_free(struct recent_findings *r)
{
	if (r)
		free(r->slot);
	free(r);
}

int64_t recent_findings_horizon(const struct recent_findings *r)
{
	return r->horizon;
}

static size_t slot_of(const struct entry *slots, size_t cap, int kind, const char *subject)
{
	size_t j = hash_bytes(subject, strlen(subject), (uint64_t)kind) & (cap - 1);
	while (slots[j].kind && (slots[j].kind != kind || strcmp(slots[j].subject, subject)))
		j = (j + 1) & (cap - 1);
	return j;
}

int recent_findings_last(const struct recent_findings *r, int kind, const char *subject,
			 int64_t *last_us)
{
	size_t j = slot_of(r->slot, r->cap, kind, subject);
	if (!r->slot[j].kind)
		return 0;
	*last_us = r->slot[j].last_us;
	return 1;
}

/* Rebuild into cap slots, keeping entries that ended at or after keep. */
static int rebuild(struct recent_findings *r, size_t cap, int64_t keep)
{
	struct entry *s = calloc(cap, sizeof *s);
	if (!s)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < r->cap; i++) {
		const struct entry *e = &r->slot[i];
		if (!e->kind || e->last_us < keep)
			continue;
		s[slot_of(s, cap, e->kind, e->subject)] = *e;
		n++;
	}
	free(r->slot);
	r->slot = s;
	r->cap = cap;
	r->n = n;
	if (keep > r->horizon)
		r->horizon = keep;
	return 0;
}

int recent_findings_note(struct recent_findings *r, int kind, const char *subject,
			 int64_t last_us, int64_t keep_us)
{
	if (strlen(subject) >= SUBJECT_MAX)
		return -1;
	if (last_us > r->newest)
		r->newest = last_us;
	if ((r->n + 1) * 2 > r->cap) {
		/* Drop what ended keep_us before the newest end; grow only if
		 * that leaves the table more than a quarter full. */
		int64_t keep = r->newest > INT64_MIN + keep_us ? r->newest - keep_us : INT64_MIN;
		if (rebuild(r, r->cap, keep))
			return -1;
		if ((r->n + 1) * 4 > r->cap && (r->cap >= CAP_MAX || rebuild(r, r->cap * 2, keep)))
			return -1; /* too many at once: the caller stops asking */
	}
	size_t j = slot_of(r->slot, r->cap, kind, subject);
	if (!r->slot[j].kind) {
		r->slot[j].kind = kind;
		memcpy(r->slot[j].subject, subject, strlen(subject) + 1);
		r->slot[j].last_us = last_us;
		r->n++;
	} else if (last_us > r->slot[j].last_us) {
		r->slot[j].last_us = last_us;
	}
	return 0;
}
