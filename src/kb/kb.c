/* kb.c - loading services.tsv, lookups and word search (see kb.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_priv.h"

char *kb_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		snprintf(err, errlen, "cannot read %s: %s", path, bad ? "read error" : "out of memory");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct kb *kb_new(void)
{
	return calloc(1, sizeof(struct kb));
}

void kb_free(struct kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->nentries; i++) {
		struct kb_entry *e = &kb->entries[i];
		free((char *)e->ports);
		free((char *)e->title);
		free((char *)e->use);
		free((char *)e->inbound);
		free((char *)e->outbound);
		free((char *)e->refs);
	}
	free(kb->entries);
	free(kb->index);
	free(kb->services);
	free(kb->services_buf);
	free(kb);
}

static int cmp_service(const void *a, const void *b)
{
	const struct kb_service_row *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

/* PORT/PROTO <TAB> NAME <TAB> FREQ <TAB> NOTE; lines we cannot read are skipped
 * (the file is generated, and a name is a convenience, not a fact we need). */
int kb_load_services(struct kb *kb, const char *path, char *err, size_t errlen)
{
	size_t len, lines = 0;
	char *buf = kb_slurp(path, &len, err, errlen);
	if (!buf)
		return -1;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	struct kb_service_row *rows = calloc(lines + 1, sizeof *rows);
	if (!rows) {
		free(buf);
		snprintf(err, errlen, "out of memory reading %s", path);
		return -1;
	}
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { line, NULL, NULL, NULL };
		for (int k = 1; k < 4; k++) {
			char *tab = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (tab) {
				*tab = '\0';
				f[k] = tab + 1;
			}
		}
		char *end;
		long port = strtol(f[0], &end, 10);
		int proto = !strcmp(end, "/tcp") ? 6 : !strcmp(end, "/udp") ? 17 : -1;
		int key = end != f[0] ? kb_key((int)port, proto) : -1;
		if (key < 0 || !f[1])
			continue;
		rows[n++] = (struct kb_service_row){
			.key = key, .name = f[1], .note = f[3] ? f[3] : "",
			.freq = f[2] && *f[2] ? strtof(f[2], NULL) : -1.0f,
		};
	}
	qsort(rows, n, sizeof *rows, cmp_service);
	free(kb->services);
	free(kb->services_buf);
	kb->services = rows;
	kb->nservices = n;
	kb->services_buf = buf;
	return 0;
}

struct kb *kb_load(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	struct kb *kb = kb_new();
	if (!kb) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof path, "%s/ports/curated.txt", dir);
	if (kb_load_curated(kb, path, err, errlen)) {
		kb_free(kb);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/ports/services.tsv", dir);
	char ignored[256];
	kb_load_services(kb, path, ignored, sizeof ignored);
	return kb;
}

static const struct kb_service_row *find_service(const struct kb *kb, int key)
{
	if (!kb || key < 0)
		return NULL;
	struct kb_service_row k = { .key = key };
	return bsearch(&k, kb->services, kb->nservices, sizeof k, cmp_service);
}

static const struct kb_entry *find_entry(const struct kb *kb, int key)
{
	if (!kb || key < 0)
		return NULL;
	size_t lo = 0, hi = kb->nindex;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (kb->index[mid].key == key)
			return &kb->entries[kb->index[mid].entry];
		if (kb->index[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct kb_entry *kb_entry_for(const struct kb *kb, int port, int proto)
{
	if (proto < 0) {
		const struct kb_entry *e = find_entry(kb, kb_key(port, 6));
		return e ? e : find_entry(kb, kb_key(port, 17));
	}
	return find_entry(kb, kb_key(port, proto));
}

static const struct kb_service_row *service_row(const struct kb *kb, int port, int proto)
{
	if (proto < 0) {
		const struct kb_service_row *r = find_service(kb, kb_key(port, 6));
		return r && *r->name ? r : find_service(kb, kb_key(port, 17));
	}
	return find_service(kb, kb_key(port, proto));
}

const char *kb_service(const struct kb *kb, int port, int proto)
{
	const struct kb_service_row *r = service_row(kb, port, proto);
	return r ? r->name : "";
}

const char *kb_service_note(const struct kb *kb, int port, int proto)
{
	const struct kb_service_row *r = service_row(kb, port, proto);
	return r ? r->note : "";
}

double kb_open_freq(const struct kb *kb, int port, int proto)
{
	const struct kb_service_row *r = service_row(kb, port, proto);
	return r ? r->freq : -1.0;
}

size_t kb_entry_count(const struct kb *kb)
{
	return kb ? kb->nentries : 0;
}

const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i)
{
	return kb && i < kb->nentries ? &kb->entries[i] : NULL;
}

static int entry_matches(const struct kb_entry *e, const char *w)
{
	return e && (strcasestr(e->title, w) || strcasestr(e->use, w) ||
		     strcasestr(e->inbound, w) || strcasestr(e->outbound, w) ||
		     strcasestr(e->refs, w));
}

int kb_search(const struct kb *kb, const char *word, kb_match_cb cb, void *arg)
{
	if (!kb || !word || !*word)
		return 0;
	/* Walk keys in order, merging the two sorted tables. */
	size_t si = 0, ei = 0;
	int found = 0;
	while (si < kb->nservices || ei < kb->nindex) {
		int32_t sk = si < kb->nservices ? kb->services[si].key : INT32_MAX;
		int32_t ek = ei < kb->nindex ? kb->index[ei].key : INT32_MAX;
		int32_t key = sk < ek ? sk : ek;
		const struct kb_service_row *s = sk == key ? &kb->services[si++] : NULL;
		const struct kb_entry *e = ek == key ? &kb->entries[kb->index[ei++].entry] : NULL;
		int hit = entry_matches(e, word) ||
			  (s && (strcasestr(s->name, word) || strcasestr(s->note, word)));
		if (!hit)
			continue;
		found++;
		if (cb(arg, key / 2, key % 2 ? 17 : 6, s ? s->name : "", e))
			break;
	}
	return found;
}
