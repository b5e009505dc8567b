/* recog_bin.c - binary protocols found by their headers: RDP connection
 * requests ([MS-RDPBCGR] 2.2.1.1: TPKT, X.224 CR, mstshash cookie,
 * RDP_NEG_REQ), MS-SQL TDS ([MS-TDS] 2.2.3.1 header, 2.2.6.5 PRELOGIN), the
 * SQL Server Resolution Protocol on 1434/udp ([MC-SQLR] 2.2.2-2.2.5, where
 * Slammer lived) and NetBIOS name queries on 137/udp (RFC 1002 4.2.12). */
#include <stdio.h>
#include <string.h>

#include "rd.h"
#include "recog.h"

static void rdp_protocols(struct recog *r, uint32_t req)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} protos[] = { { 1, "ssl" }, { 2, "hybrid" }, { 4, "rdstls" }, { 8, "hybrid-ex" },
		       { 16, "rdsaad" } };
	if (!req)
		recog_append(r, "requested_protocols", "rdp");
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (req & protos[i].bit)
			recog_append(r, "requested_protocols", protos[i].name);
}

int recog_rdp(const unsigned char *p, size_t n, struct recog *r)
{
	/* TPKT (RFC 1006): version 3, reserved 0, length; X.224 CR code 0xE0. */
	if (n < 11 || p[0] != 3 || p[1] != 0 || (p[5] & 0xf0) != 0xe0)
		return 0;
	size_t tpkt = (size_t)p[2] << 8 | p[3];
	if (tpkt < 11 || p[4] + 5u > tpkt)
		return 0;
	recog_kind(r, "rdp-connection-request");
	size_t end = tpkt < n ? tpkt : n;
	struct rd d = rd_init(p, end);
	rd_skip(&d, 11);
	static const char cookie[] = "Cookie: mstshash=";
	const size_t cl = sizeof cookie - 1;
	if (rd_left(&d) >= cl && !memcmp(d.p + d.off, cookie, cl)) {
		const unsigned char *s = d.p + d.off + cl;
		size_t room = rd_left(&d) - cl, k = 0;
		while (k + 1 < room && !(s[k] == '\r' && s[k + 1] == '\n'))
			k++;
		recog_add_bytes(r, "mstshash", s, k);
		rd_skip(&d, cl + k + 2);
	} else if (rd_left(&d) >= 2 && d.p[d.off] == 'C') {
		/* routingToken or another cookie: up to CR LF */
		const unsigned char *s = d.p + d.off;
		size_t k = 0;
		while (k + 1 < rd_left(&d) && !(s[k] == '\r' && s[k + 1] == '\n'))
			k++;
		recog_add_bytes(r, "cookie", s, k);
		rd_skip(&d, k + 2);
	}
	if (rd_left(&d) >= 8 && d.p[d.off] == 0x01) { /* TYPE_RDP_NEG_REQ */
		rd_skip(&d, 1);
		unsigned flags = rd_u8(&d), len = rd_u16le(&d);
		uint32_t req = rd_u32le(&d);
		if (!d.err && len == 8) {
			recog_add(r, "neg_flags", "0x%02x", flags);
			rdp_protocols(r, req);
		}
	}
	return 1;
}

static const char *tds_type(unsigned t)
{
	switch (t) {
	case 0x01: return "sql-batch";
	case 0x03: return "rpc";
	case 0x07: return "bulk-load";
	case 0x0e: return "transaction";
	case 0x10: return "login7";
	case 0x11: return "sspi";
	case 0x12: return "prelogin";
	default: return NULL;
	}
}

int recog_tds(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 8)
		return 0;
	const char *type = tds_type(p[0]);
	size_t len = (size_t)p[2] << 8 | p[3];
	/* Status bits above 0x1f are not defined; a packet is 8..32767 bytes. */
	if (!type || (p[1] & 0xe0) || len < 8 || len > 32768 || p[0] == 0x03)
		return 0;
	struct rd d = rd_init(p + 8, (len < n ? len : n) - 8);
	if (p[0] != 0x12) {
		if (p[0] != 0x10 || len < 94) /* LOGIN7's fixed part is 94 bytes */
			return 0;
		recog_kind(r, "tds-login7");
		uint32_t version = (rd_skip(&d, 4), rd_u32le(&d));
		if (!d.err)
			recog_add(r, "tds_version", "0x%08x", version);
		return 1;
	}
	/* PRELOGIN: option tokens (token, offset, length) up to 0xFF. */
	struct rd t = d;
	int ok = 0;
	for (int i = 0; i < 16; i++) {
		unsigned token = rd_u8(&t);
		if (t.err)
			break;
		if (token == 0xff) {
			ok = 1;
			break;
		}
		size_t off = rd_u16be(&t), olen = rd_u16be(&t);
		if (t.err || off + olen > d.n)
			break;
		const unsigned char *v = d.p + off;
		if (token == 0 && olen >= 6)
			recog_add(r, "client_version", "%u.%u.%u", v[0], v[1],
				  (unsigned)v[2] << 8 | v[3]);
		else if (token == 1 && olen >= 1)
			recog_add(r, "encryption", "%s",
				  v[0] == 0 ? "off" : v[0] == 1 ? "on" : v[0] == 2 ? "not-supported"
						: v[0] == 3 ? "required" : "other");
		else if (token == 2 && olen >= 1)
			recog_add_bytes(r, "instance", v, strnlen((const char *)v, olen));
		else if (token == 4 && olen >= 1)
			recog_add(r, "mars", "%s", v[0] ? "on" : "off");
	}
	if (!ok)
		return 0;
	recog_kind(r, "mssql-prelogin");
	return 1;
}

int recog_ssrp(const unsigned char *p, size_t n, int port, struct recog *r)
{
	if (port != 1434)
		return 0;
	switch (p[0]) {
	case 0x02:
	case 0x03:
		if (n != 1)
			return 0;
		recog_kind(r, p[0] == 2 ? "ssrp-broadcast" : "ssrp-unicast");
		return 1;
	case 0x04: {
		/* CLNT_UCAST_INST: an instance name of at most 32 bytes and its NUL.
		 * A longer one is what overflowed SQL Server 2000 (CVE-2002-0649);
		 * Slammer sent 376 bytes of it. */
		const unsigned char *z = memchr(p + 1, 0, n - 1);
		size_t name = z ? (size_t)(z - p - 1) : n - 1;
		if (name > 32) {
			recog_kind(r, "ssrp-overflow");
			recog_add(r, "instance_length", "%zu", name);
			recog_add(r, "datagram_length", "%zu", n);
			return 1;
		}
		recog_kind(r, "ssrp-instance");
		recog_add_bytes(r, "instance", p + 1, name);
		return 1;
	}
	case 0x0f:
		if (n < 2 || p[1] != 1)
			return 0;
		recog_kind(r, "ssrp-dac");
		recog_add_bytes(r, "instance", p + 2, strnlen((const char *)p + 2, n - 2));
		return 1;
	default:
		return 0;
	}
}

int recog_nbns(const unsigned char *p, size_t n, int port, struct recog *r)
{
	if (port != 137 || n < 12 + 34 + 4)
		return 0;
	struct rd d = rd_init(p, n);
	unsigned id = rd_u16be(&d), flags = rd_u16be(&d), qd = rd_u16be(&d);
	rd_skip(&d, 6);
	if ((flags & 0x8000) || ((flags >> 11) & 0xf) != 0 || qd != 1)
		return 0;
	unsigned len = rd_u8(&d);
	const unsigned char *s = rd_take(&d, len);
	if (d.err || len != 32)
		return 0;
	char name[80];
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		unsigned hi = (unsigned)s[2 * i] - 'A', lo = (unsigned)s[2 * i + 1] - 'A';
		if (hi > 15 || lo > 15)
			return 0;
		unsigned c = hi << 4 | lo;
		if (i == 15)
			o += (size_t)snprintf(name + o, sizeof name - o, "<%02x>", c);
		else if (c > 0x20 && c < 0x7f && c != '\\')
			name[o++] = (char)c;
		else if (c != ' ' && c != 0)
			o += (size_t)snprintf(name + o, sizeof name - o, "\\x%02x", c);
		name[o] = '\0';
	}
	if (rd_u8(&d) != 0) /* scope ids: not read */
		return 0;
	unsigned type = rd_u16be(&d);
	if (d.err)
		return 0;
	recog_kind(r, type == 0x21 ? "nbns-nbstat" : "nbns-query");
	recog_add(r, "transaction", "0x%04x", id);
	recog_add(r, "name", "%s", name);
	return 1;
}
