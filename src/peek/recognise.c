/* recognise.c - which recogniser gets the bytes, and the field helpers.
 *
 * Binary protocols with a distinctive header go first (their headers cannot
 * be mistaken for text); the text protocols after them, and recog_text last
 * for any other line of text.  The port only breaks ties for protocols whose
 * first bytes prove little (SQL Server Resolution, NetBIOS name service). */
#include "recog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void recog_reset(struct recog *r)
{
	r->kind[0] = '\0';
	r->nfields = 0;
}

void recog_kind(struct recog *r, const char *kind)
{
	snprintf(r->kind, sizeof r->kind, "%s", kind);
}

/* Escape n bytes into dst (cap bytes with NUL); marks truncation with "...". */
static void escape_into(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char tmp[5];
		size_t k;
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			tmp[0] = (char)s[i];
			k = 1;
		} else if (s[i] == '\\') {
			memcpy(tmp, "\\\\", 2);
			k = 2;
		} else {
			snprintf(tmp, sizeof tmp, "\\x%02x", s[i]);
			k = 4;
		}
		if (o + k + 4 > cap) { /* room for "..." and NUL */
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(dst + o, tmp, k);
		o += k;
	}
	dst[o] = '\0';
}

static struct recog_field *field(struct recog *r, const char *key)
{
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	if (r->nfields == RECOG_FIELDS)
		return NULL;
	struct recog_field *f = &r->f[r->nfields++];
	snprintf(f->key, sizeof f->key, "%s", key);
	f->val[0] = '\0';
	return f;
}

void recog_add_bytes(struct recog *r, const char *key, const void *p, size_t n)
{
	struct recog_field *f = field(r, key);
	if (f)
		escape_into(f->val, sizeof f->val, p, n);
}

void recog_add(struct recog *r, const char *key, const char *fmt, ...)
{
	char buf[RECOG_VAL];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	recog_add_bytes(r, key, buf, (size_t)k < sizeof buf ? (size_t)k : sizeof buf - 1);
}

void recog_append(struct recog *r, const char *key, const char *text)
{
	struct recog_field *f = field(r, key);
	if (!f)
		return;
	size_t have = strlen(f->val);
	if (have >= 3 && !strcmp(f->val + have - 3, "..."))
		return; /* already full */
	char esc[RECOG_VAL];
	escape_into(esc, sizeof esc, (const unsigned char *)text, strlen(text));
	size_t need = (have ? 1 : 0) + strlen(esc);
	if (have + need + 4 > sizeof f->val) {
		memcpy(f->val + have, "...", 4);
		return;
	}
	if (have)
		f->val[have++] = ',';
	memcpy(f->val + have, esc, strlen(esc) + 1);
}

const char *recog_get(const struct recog *r, const char *key)
{
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(r->f[i].key, key))
			return r->f[i].val;
	return NULL;
}

int recognise(const unsigned char *p, size_t n, int proto, int port, struct recog *r)
{
	recog_reset(r);
	if (!n)
		return 0;
	if (proto == 17) {
		if (recog_ssrp(p, n, port, r) || recog_nbns(p, n, port, r) || recog_sip(p, n, r) ||
		    recog_text(p, n, r))
			return 1;
		recog_reset(r);
		return 0;
	}
	if (recog_netbios(p, n, r) || recog_smb(p, n, r) || recog_dcerpc(p, n, r) ||
	    recog_tls(p, n, r) || recog_rdp(p, n, r) || recog_tds(p, n, r) ||
	    recog_telnet(p, n, r) || recog_ssh(p, n, r) || recog_http(p, n, r) ||
	    recog_sip(p, n, r) || recog_redis(p, n, r) || recog_text(p, n, r))
		return 1;
	recog_reset(r);
	return 0;
}
