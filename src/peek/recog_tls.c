/* recog_tls.c - TLS ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2): version,
 * server name (RFC 6066 3), ALPN (RFC 7301), supported versions, and the JA3
 * fingerprint (Salesforce's JA3: the ClientHello's version, cipher suites,
 * extensions, groups and point formats in decimal, GREASE values of RFC 8701
 * left out, and the MD5 of that text).  Only the first record is read. */
#include <stdio.h>
#include <string.h>

#include "../util/md5.h"
#include "rd.h"
#include "recog.h"

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa are reserved to keep peers honest. */
static int grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static const char *version_name(unsigned v)
{
	switch (v) {
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "unknown";
	}
}

/* A growing JA3 string; overflow is remembered so no wrong hash is given. */
struct ja3 {
	char s[2048];
	size_t n;
	int over;
};

static void ja3_put(struct ja3 *j, const char *fmt, unsigned v)
{
	int k = snprintf(j->s + j->n, sizeof j->s - j->n, fmt, v);
	if (k < 0 || (size_t)k >= sizeof j->s - j->n)
		j->over = 1;
	else
		j->n += (size_t)k;
}

/* A list of 16-bit values (len bytes) into the JA3 text, GREASE left out. */
static void ja3_list16(struct ja3 *j, struct rd *d, size_t len)
{
	int first = 1;
	for (size_t i = 0; i + 2 <= len; i += 2) {
		unsigned v = rd_u16be(d);
		if (d->err)
			return;
		if (grease(v))
			continue;
		ja3_put(j, first ? "%u" : "-%u", v);
		first = 0;
	}
}

static void sni(struct recog *r, struct rd e)
{
	size_t list = rd_u16be(&e);
	struct rd l = rd_sub(&e, list);
	while (rd_left(&l) >= 3) {
		unsigned type = rd_u8(&l);
		size_t len = rd_u16be(&l);
		const unsigned char *name = rd_take(&l, len);
		if (l.err)
			return;
		if (type == 0) {
			recog_add_bytes(r, "sni", name, len);
			return;
		}
	}
}

static void alpn(struct recog *r, struct rd e)
{
	size_t list = rd_u16be(&e);
	struct rd l = rd_sub(&e, list);
	while (rd_left(&l) >= 1) {
		size_t len = rd_u8(&l);
		const unsigned char *name = rd_take(&l, len);
		if (l.err)
			return;
		char esc[64];
		size_t k = 0;
		for (size_t i = 0; i < len && k + 5 < sizeof esc; i++)
			k += (size_t)snprintf(esc + k, sizeof esc - k,
					      name[i] > 0x20 && name[i] < 0x7f && name[i] != ',' &&
							      name[i] != '\\'
						      ? "%c"
						      : "\\x%02x",
					      name[i]);
		esc[k] = '\0';
		recog_append(r, "alpn", esc);
	}
}

static void versions(struct recog *r, struct rd e)
{
	size_t len = rd_u8(&e);
	for (size_t i = 0; i + 2 <= len; i += 2) {
		unsigned v = rd_u16be(&e);
		if (e.err)
			return;
		if (!grease(v))
			recog_append(r, "supported_versions", version_name(v));
	}
}

static int sslv2(const unsigned char *p, size_t n, struct recog *r)
{
	/* SSL 2.0 CLIENT-HELLO: 2-byte length with the top bit set, type 1,
	 * then the version it offers (draft-hickman, "SSL 2.0"). */
	if (n < 5 || !(p[0] & 0x80) || p[2] != 1 || p[3] != 0 || p[4] > 3)
		return 0;
	recog_kind(r, "sslv2-clienthello");
	recog_add(r, "version", "%s", p[4] == 2 ? "SSL 2.0" : version_name(0x0300u | p[4]));
	return 1;
}

int recog_tls(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 9 || p[0] != 22 || p[1] != 3 || p[5] != 1)
		return sslv2(p, n, r);
	struct rd d = rd_init(p, n);
	rd_skip(&d, 3);
	size_t rec = rd_u16be(&d);
	struct rd h = rd_sub(&d, rec <= rd_left(&d) ? rec : rd_left(&d));
	rd_skip(&h, 1);
	size_t hlen = rd_u24be(&h);
	struct rd c = rd_sub(&h, hlen <= rd_left(&h) ? hlen : rd_left(&h));
	unsigned version = rd_u16be(&c);
	rd_skip(&c, 32);
	if (c.err)
		return 0;
	recog_kind(r, "tls-clienthello");
	recog_add(r, "version", "%s", version_name(version));
	struct ja3 j = { .n = 0 };
	ja3_put(&j, "%u,", version);
	size_t sid = rd_u8(&c);
	rd_skip(&c, sid);
	size_t ciphers = rd_u16be(&c);
	struct rd cs = rd_sub(&c, ciphers);
	ja3_list16(&j, &cs, ciphers);
	ja3_put(&j, ",", 0);
	size_t comp = rd_u8(&c);
	rd_skip(&c, comp);
	if (c.err) {
		recog_add(r, "truncated", "yes");
		return 1;
	}
	recog_add(r, "cipher_suites", "%zu", ciphers / 2);
	size_t ext_len = rd_left(&c) >= 2 ? rd_u16be(&c) : 0;
	struct rd ex = rd_sub(&c, ext_len <= rd_left(&c) ? ext_len : rd_left(&c));
	char groups[1024] = "", formats[256] = "";
	size_t gn = 0, fn = 0;
	int first = 1;
	while (rd_left(&ex) >= 4) {
		unsigned type = rd_u16be(&ex);
		size_t len = rd_u16be(&ex);
		struct rd e = rd_sub(&ex, len);
		if (ex.err)
			break;
		if (!grease(type)) {
			ja3_put(&j, first ? "%u" : "-%u", type);
			first = 0;
		}
		if (type == 0)
			sni(r, e);
		else if (type == 16)
			alpn(r, e);
		else if (type == 43)
			versions(r, e);
		else if (type == 10) {
			size_t gl = rd_u16be(&e);
			for (size_t i = 0; i + 2 <= gl; i += 2) {
				unsigned g = rd_u16be(&e);
				if (e.err)
					break;
				if (grease(g))
					continue;
				int k = snprintf(groups + gn, sizeof groups - gn, gn ? "-%u" : "%u", g);
				if (k < 0 || (size_t)k >= sizeof groups - gn) {
					j.over = 1;
					break;
				}
				gn += (size_t)k;
			}
		} else if (type == 11) {
			size_t fl = rd_u8(&e);
			for (size_t i = 0; i < fl; i++) {
				unsigned f = rd_u8(&e);
				if (e.err)
					break;
				int k = snprintf(formats + fn, sizeof formats - fn, fn ? "-%u" : "%u", f);
				if (k < 0 || (size_t)k >= sizeof formats - fn) {
					j.over = 1;
					break;
				}
				fn += (size_t)k;
			}
		}
	}
	ja3_put(&j, ",", 0);
	if (!j.over && j.n + strlen(groups) + strlen(formats) + 2 < sizeof j.s) {
		j.n += (size_t)snprintf(j.s + j.n, sizeof j.s - j.n, "%s,%s", groups, formats);
		char hex[33];
		recog_add(r, "ja3", "%s", j.s);
		recog_add(r, "ja3_md5", "%s", md5_hex(j.s, j.n, hex));
	}
	return 1;
}
