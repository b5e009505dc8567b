/* kb_curated.c - reading data/ports/curated.txt (format in its header).
 *
 * Strict on purpose: the file is reviewed like code, so an unknown field, a
 * missing one, a bad port or a port described twice stops the load with the
 * line number, and the unit test fails before a release does. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_priv.h"

enum { F_PORTS, F_TITLE, F_USE, F_INBOUND, F_OUTBOUND, F_REFS, F_COUNT };
static const char *const field_names[F_COUNT] = { "port", "title", "use",
						  "inbound", "outbound", "refs" };

struct stanza {
	char *field[F_COUNT];
	int line;
};

static void stanza_free(struct stanza *s)
{
	for (int i = 0; i < F_COUNT; i++)
		free(s->field[i]);
	memset(s, 0, sizeof *s);
}

/* Append text (trimmed) to *dst, joined by one blank. */
static int append(char **dst, const char *text, size_t n)
{
	while (n && isspace((unsigned char)*text))
		text++, n--;
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	size_t old = *dst ? strlen(*dst) : 0;
	char *p = realloc(*dst, old + n + 2);
	if (!p)
		return -1;
	if (old && n)
		p[old++] = ' ';
	memcpy(p + old, text, n);
	p[old + n] = '\0';
	*dst = p;
	return 0;
}

static int cmp_index(const void *a, const void *b)
{
	const struct kb_index_row *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

/* Close a stanza: check it, move it into kb, index its ports. */
static int finish(struct kb *kb, struct stanza *s, const char *path, char *err, size_t errlen)
{
	for (int i = 0; i < F_COUNT; i++)
		if (!s->field[i] || !*s->field[i]) {
			snprintf(err, errlen, "%s:%d: entry has no '%s:' field", path, s->line,
				 field_names[i]);
			return -1;
		}
	struct kb_entry *e = realloc(kb->entries, (kb->nentries + 1) * sizeof *e);
	if (!e)
		goto oom;
	kb->entries = e;
	int32_t idx = (int32_t)kb->nentries;
	/* Index each PORT/PROTO item. */
	const char *p = s->field[F_PORTS];
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " ");
		char item[32];
		if (len >= sizeof item)
			goto bad_port;
		memcpy(item, p, len);
		item[len] = '\0';
		char *slash = strchr(item, '/'), *end;
		if (!slash)
			goto bad_port;
		*slash = '\0';
		long port = strtol(item, &end, 10);
		int proto = !strcmp(slash + 1, "tcp") ? 6 : !strcmp(slash + 1, "udp") ? 17 : -1;
		if (end == item || *end || port < 0 || port > 65535 || proto < 0)
			goto bad_port;
		struct kb_index_row *ix = realloc(kb->index, (kb->nindex + 1) * sizeof *ix);
		if (!ix)
			goto oom;
		kb->index = ix;
		int32_t key = (int32_t)kb_key((int)port, proto);
		for (size_t i = 0; i < kb->nindex; i++)
			if (kb->index[i].key == key) {
				snprintf(err, errlen, "%s:%d: %.*s is already described at line %d",
					 path, s->line, (int)len, p,
					 kb->entries[kb->index[i].entry].line);
				return -1;
			}
		kb->index[kb->nindex++] = (struct kb_index_row){ key, idx };
		p += len;
	}
	kb->entries[kb->nentries++] = (struct kb_entry){
		.ports = s->field[F_PORTS], .title = s->field[F_TITLE], .use = s->field[F_USE],
		.inbound = s->field[F_INBOUND], .outbound = s->field[F_OUTBOUND],
		.refs = s->field[F_REFS], .line = s->line,
	};
	memset(s, 0, sizeof *s); /* the strings now belong to kb */
	return 0;
bad_port:
	snprintf(err, errlen, "%s:%d: bad port item '%.*s' (want PORT/tcp or PORT/udp)", path,
		 s->line, (int)strcspn(p, " ") > 30 ? 30 : (int)strcspn(p, " "), p);
	return -1;
oom:
	snprintf(err, errlen, "out of memory reading %s", path);
	return -1;
}

int kb_load_curated(struct kb *kb, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf = kb_slurp(path, &len, err, errlen);
	if (!buf)
		return -1;
	struct stanza s = { 0 };
	int cur = -1, lineno = 0, rc = 0;
	char *line = buf;
	while (line < buf + len && rc == 0) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(buf + len - line);
		lineno++;
		int blank = 1;
		for (size_t i = 0; i < n; i++)
			blank &= isspace((unsigned char)line[i]) != 0;
		if (line[0] == '#') {
			/* comment */
		} else if (blank) {
			if (s.line)
				rc = finish(kb, &s, path, err, errlen);
			cur = -1;
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (cur < 0) {
				snprintf(err, errlen, "%s:%d: continuation line outside a field", path,
					 lineno);
				rc = -1;
			} else if (append(&s.field[cur], line, n)) {
				rc = -1;
			}
		} else {
			char *colon = memchr(line, ':', n);
			cur = -1;
			for (int i = 0; colon && i < F_COUNT; i++)
				if ((size_t)(colon - line) == strlen(field_names[i]) &&
				    !memcmp(line, field_names[i], (size_t)(colon - line)))
					cur = i;
			if (cur < 0) {
				snprintf(err, errlen, "%s:%d: unknown field '%.*s' (want port, title, "
						      "use, inbound, outbound or refs)",
					 path, lineno, (int)(colon && colon - line < 30 ? colon - line : 30), line);
				rc = -1;
			} else if (s.field[cur]) {
				snprintf(err, errlen, "%s:%d: field '%s' given twice", path, lineno,
					 field_names[cur]);
				rc = -1;
			} else {
				if (!s.line)
					s.line = lineno;
				rc = append(&s.field[cur], colon + 1, n - (size_t)(colon + 1 - line));
				if (rc)
					snprintf(err, errlen, "out of memory reading %s", path);
			}
		}
		line += n + 1;
	}
	if (rc == 0 && s.line)
		rc = finish(kb, &s, path, err, errlen);
	stanza_free(&s);
	free(buf);
	if (rc == 0)
		qsort(kb->index, kb->nindex, sizeof *kb->index, cmp_index);
	return rc;
}
