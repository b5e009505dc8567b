/* recog_smb.c - NetBIOS session service (RFC 1002 4.3) and SMB: SMB1
 * ([MS-CIFS] 2.2.3.1 header, 2.2.4.52 NEGOTIATE) and SMB2/3 ([MS-SMB2] 2.2.1
 * header, 2.2.3 NEGOTIATE).  Port 445 carries SMB behind a 4-byte header
 * (zero byte, 24-bit length) that has the NetBIOS session message's shape. */
#include <stdio.h>
#include <string.h>

#include "rd.h"
#include "recog.h"

static const char *smb1_command(unsigned c)
{
	switch (c) {
	case 0x72: return "negotiate";
	case 0x73: return "session-setup-andx";
	case 0x75: return "tree-connect-andx";
	case 0x25: return "trans";
	case 0x32: return "trans2";
	case 0xa0: return "nt-trans";
	case 0xa2: return "nt-create-andx";
	case 0x2e: return "read-andx";
	case 0x2f: return "write-andx";
	case 0x04: return "close";
	case 0x71: return "tree-disconnect";
	case 0x74: return "logoff-andx";
	case 0x2b: return "echo";
	default: return NULL;
	}
}

static const char *smb2_command(unsigned c)
{
	static const char *const names[] = {
		"negotiate", "session-setup", "logoff", "tree-connect", "tree-disconnect",
		"create", "close", "flush", "read", "write", "lock", "ioctl", "cancel", "echo",
		"query-directory", "change-notify", "query-info", "set-info", "oplock-break",
	};
	return c < sizeof names / sizeof names[0] ? names[c] : NULL;
}

static const char *smb2_dialect(unsigned d, char *buf, size_t n)
{
	switch (d) {
	case 0x0202: return "2.0.2";
	case 0x0210: return "2.1";
	case 0x02ff: return "2.???"; /* wildcard: "any SMB2", [MS-SMB2] 2.2.3 */
	case 0x0300: return "3.0";
	case 0x0302: return "3.0.2";
	case 0x0311: return "3.1.1";
	default: snprintf(buf, n, "0x%04x", d); return buf;
	}
}

/* SMB1: header then, for NEGOTIATE, the dialect strings (0x02 "name" NUL). */
static int smb1(const unsigned char *p, size_t n, struct recog *r)
{
	struct rd d = rd_init(p, n);
	rd_skip(&d, 4);
	unsigned cmd = rd_u8(&d);
	rd_skip(&d, 27); /* status .. MID */
	if (d.err)
		return 0;
	const char *name = smb1_command(cmd);
	char kind[RECOG_KIND];
	snprintf(kind, sizeof kind, "smb1-%s", name ? name : "command");
	recog_kind(r, kind);
	recog_add(r, "version", "SMB1");
	recog_add(r, "command", "0x%02x%s%s", cmd, name ? " " : "", name ? name : "");
	unsigned words = rd_u8(&d);
	if (cmd == 0x72 && !d.err) {
		rd_skip(&d, 2 * (size_t)words);
		size_t bytes = rd_u16le(&d);
		struct rd b = rd_sub(&d, bytes <= rd_left(&d) ? bytes : rd_left(&d));
		while (rd_left(&b) >= 2 && rd_u8(&b) == 0x02) {
			const unsigned char *s = b.p + b.off;
			const unsigned char *z = memchr(s, 0, rd_left(&b));
			size_t len = z ? (size_t)(z - s) : rd_left(&b);
			char dialect[64];
			size_t k = len < sizeof dialect - 1 ? len : sizeof dialect - 1;
			memcpy(dialect, s, k);
			dialect[k] = '\0';
			recog_append(r, "dialects", dialect);
			rd_skip(&b, len + (z ? 1 : 0));
		}
	} else if (cmd == 0x32 && words >= 15 && !d.err) {
		/* TRANS2: the first setup word names the subcommand (MS17-010 tools
		 * send SESSION_SETUP, 0x000e, which nothing legitimate uses). */
		rd_skip(&d, 28);
		unsigned setup_count = rd_u8(&d);
		rd_skip(&d, 1);
		unsigned sub = rd_u16le(&d);
		if (!d.err && setup_count)
			recog_add(r, "trans2_subcommand", "0x%04x", sub);
	}
	return 1;
}

static int smb2(const unsigned char *p, size_t n, struct recog *r)
{
	struct rd d = rd_init(p, n);
	rd_skip(&d, 4);
	unsigned size = rd_u16le(&d);
	rd_skip(&d, 6);
	unsigned cmd = rd_u16le(&d);
	if (d.err || size != 64)
		return 0;
	const char *name = smb2_command(cmd);
	char kind[RECOG_KIND];
	snprintf(kind, sizeof kind, "smb2-%s", name ? name : "command");
	recog_kind(r, kind);
	recog_add(r, "version", "SMB2/3");
	recog_add(r, "command", "0x%04x%s%s", cmd, name ? " " : "", name ? name : "");
	rd_seek(&d, 64); /* the header's size, which a short capture may not hold */
	if (cmd != 0)
		return 1;
	unsigned ssize = rd_u16le(&d), count = rd_u16le(&d);
	unsigned secmode = rd_u16le(&d);
	rd_skip(&d, 2);
	uint32_t caps = rd_u32le(&d);
	const unsigned char *guid = rd_take(&d, 16);
	rd_skip(&d, 8);
	if (d.err || ssize != 36)
		return 1;
	recog_add(r, "security_mode", "0x%04x%s", secmode,
		  secmode & 2 ? " signing-required" : secmode & 1 ? " signing-enabled" : "");
	recog_add(r, "capabilities", "0x%08x", caps);
	recog_add(r, "client_guid",
		  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", guid[3],
		  guid[2], guid[1], guid[0], guid[5], guid[4], guid[7], guid[6], guid[8], guid[9],
		  guid[10], guid[11], guid[12], guid[13], guid[14], guid[15]);
	recog_add(r, "dialect_count", "%u", count);
	for (unsigned i = 0; i < count && i < 64; i++) {
		unsigned dia = rd_u16le(&d);
		if (d.err)
			break;
		char buf[16];
		recog_append(r, "dialects", smb2_dialect(dia, buf, sizeof buf));
	}
	return 1;
}

int recog_smb(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 4 || p[1] != 'S' || p[2] != 'M' || p[3] != 'B')
		return 0;
	if (p[0] == 0xff)
		return smb1(p, n, r);
	if (p[0] == 0xfe)
		return smb2(p, n, r);
	if (p[0] == 0xfd) { /* [MS-SMB2] 2.2.41: encrypted, nothing more to read */
		recog_kind(r, "smb3-encrypted");
		recog_add(r, "version", "SMB3");
		return 1;
	}
	return 0;
}

/* A NetBIOS name, first-level encoded (RFC 1001 14.1): 32 letters 'A'..'P',
 * two per byte; 15 characters and a suffix byte naming the service. */
static int nb_name(struct rd *d, char *out, size_t cap, unsigned *suffix)
{
	unsigned len = rd_u8(d);
	const unsigned char *s = rd_take(d, len);
	if (d->err || len != 32)
		return -1;
	unsigned char dec[16];
	for (int i = 0; i < 16; i++) {
		unsigned hi = s[2 * i] - 'A', lo = s[2 * i + 1] - 'A';
		if (hi > 15 || lo > 15)
			return -1;
		dec[i] = (unsigned char)(hi << 4 | lo);
	}
	/* Scope labels, if any, end with a zero length. */
	for (int labels = 0; labels < 16; labels++) {
		unsigned l = rd_u8(d);
		if (d->err)
			return -1;
		if (!l)
			break;
		rd_skip(d, l);
	}
	size_t k = 15;
	while (k && dec[k - 1] == ' ')
		k--;
	size_t o = 0;
	for (size_t i = 0; i < k && o + 5 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o,
				      dec[i] >= 0x20 && dec[i] < 0x7f && dec[i] != '\\' ? "%c"
										  : "\\x%02x",
				      dec[i]);
	out[o] = '\0';
	*suffix = dec[15];
	return 0;
}

int recog_netbios(const unsigned char *p, size_t n, struct recog *r)
{
	if (n < 8)
		return 0;
	unsigned type = p[0];
	size_t len = (size_t)(p[1] & 1) << 16 | (size_t)p[2] << 8 | p[3];
	if (type == 0x00 && p[1] == 0) {
		/* Session message (or 445's direct header): SMB follows. */
		if (!recog_smb(p + 4, n - 4, r))
			return 0;
		recog_add(r, "netbios_length", "%zu", len);
		return 1;
	}
	if (type != 0x81 || (p[1] & 0xfe))
		return 0;
	struct rd d = rd_init(p, n);
	rd_skip(&d, 4);
	char called[80], calling[80];
	unsigned s1, s2;
	if (nb_name(&d, called, sizeof called, &s1) || nb_name(&d, calling, sizeof calling, &s2))
		return 0;
	recog_kind(r, "netbios-session-request");
	recog_add(r, "called", "%s<%02x>", called, s1);
	recog_add(r, "calling", "%s<%02x>", calling, s2);
	/* A client that does not wait for the positive response sends SMB at once. */
	if (rd_left(&d) >= 8 && d.p[d.off] == 0x00) {
		struct recog smb;
		recog_reset(&smb);
		if (recog_netbios(d.p + d.off, rd_left(&d), &smb)) {
			recog_add(r, "then", "%s", smb.kind);
			const char *dia = recog_get(&smb, "dialects");
			if (dia)
				recog_add(r, "dialects", "%s", dia);
		}
	}
	return 1;
}
