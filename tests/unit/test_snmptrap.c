/* test_snmptrap.c - the BER reader and SNMP trap decoding, on traps built
 * byte by byte here (v1 as Linksys-style routers send them, v2c as net-snmp
 * does), and on every truncation and corruption of them. */
#include "testutil.h"

#include "source/ber.h"
#include "source/snmptrap.h"

struct buf {
	uint8_t b[1024];
	size_t n;
};

/* Append tag, length and value (value may be another buf). */
static void tlv(struct buf *o, unsigned tag, const void *v, size_t n)
{
	assert_true(o->n + n + 4 < sizeof o->b);
	o->b[o->n++] = (uint8_t)tag;
	if (n < 128) {
		o->b[o->n++] = (uint8_t)n;
	} else {
		o->b[o->n++] = 0x82;
		o->b[o->n++] = (uint8_t)(n >> 8);
		o->b[o->n++] = (uint8_t)n;
	}
	memcpy(o->b + o->n, v, n);
	o->n += n;
}

static const uint8_t OID_LINKSYS[] = { 0x2b, 6, 1, 4, 1, 0x9e, 0x73 }; /* 1.3.6.1.4.1.3955 */
static const uint8_t OID_VAR[] = { 0x2b, 6, 1, 4, 1, 0x9e, 0x73, 1, 1 };
static const uint8_t OID_UPTIME[] = { 0x2b, 6, 1, 2, 1, 1, 3, 0 };
static const uint8_t OID_TRAPOID[] = { 0x2b, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static const char TEXT[] = "@in 203.0.113.7 4321 192.168.1.10 445";

static void build_v1(struct buf *out)
{
	struct buf vb = { 0 }, list = { 0 }, pdu = { 0 }, msg = { 0 };
	tlv(&vb, BER_OID, OID_VAR, sizeof OID_VAR);
	tlv(&vb, BER_OCTET_STRING, TEXT, strlen(TEXT));
	tlv(&list, BER_SEQUENCE, vb.b, vb.n);
	tlv(&pdu, BER_OID, OID_LINKSYS, sizeof OID_LINKSYS);
	tlv(&pdu, BER_IPADDRESS, "\xc0\xa8\x01\x01", 4);
	tlv(&pdu, BER_INTEGER, "\x06", 1);
	tlv(&pdu, BER_INTEGER, "\x01", 1);
	tlv(&pdu, BER_TIMETICKS, "\x01\x02", 2);
	tlv(&pdu, BER_SEQUENCE, list.b, list.n);
	tlv(&msg, BER_INTEGER, "\x00", 1);
	tlv(&msg, BER_OCTET_STRING, "public", 6);
	tlv(&msg, 0xa4, pdu.b, pdu.n);
	out->n = 0;
	tlv(out, BER_SEQUENCE, msg.b, msg.n);
}

static void build_v2c(struct buf *out, const char *text)
{
	struct buf vb1 = { 0 }, vb2 = { 0 }, vb3 = { 0 }, list = { 0 }, pdu = { 0 }, msg = { 0 };
	tlv(&vb1, BER_OID, OID_UPTIME, sizeof OID_UPTIME);
	tlv(&vb1, BER_TIMETICKS, "\x10", 1);
	tlv(&vb2, BER_OID, OID_TRAPOID, sizeof OID_TRAPOID);
	tlv(&vb2, BER_OID, OID_LINKSYS, sizeof OID_LINKSYS);
	tlv(&vb3, BER_OID, OID_VAR, sizeof OID_VAR);
	tlv(&vb3, BER_OCTET_STRING, text, strlen(text));
	tlv(&list, BER_SEQUENCE, vb1.b, vb1.n);
	tlv(&list, BER_SEQUENCE, vb2.b, vb2.n);
	tlv(&list, BER_SEQUENCE, vb3.b, vb3.n);
	tlv(&pdu, BER_INTEGER, "\x12\x34", 2);
	tlv(&pdu, BER_INTEGER, "\x00", 1);
	tlv(&pdu, BER_INTEGER, "\x00", 1);
	tlv(&pdu, BER_SEQUENCE, list.b, list.n);
	tlv(&msg, BER_INTEGER, "\x01", 1);
	tlv(&msg, BER_OCTET_STRING, "public", 6);
	tlv(&msg, 0xa7, pdu.b, pdu.n);
	out->n = 0;
	tlv(out, BER_SEQUENCE, msg.b, msg.n);
}

static void v1_trap(void **state)
{
	(void)state;
	struct buf p;
	build_v1(&p);
	struct snmp_trap t;
	const char *why = NULL;
	assert_int_equal(snmp_trap_decode(p.b, p.n, &t, &why), 0);
	assert_int_equal(t.version, 0);
	assert_string_equal(t.trap_oid, "1.3.6.1.4.1.3955");
	assert_int_equal(t.agent.family, 4);
	assert_memory_equal(t.agent.bytes, "\xc0\xa8\x01\x01", 4);
	assert_int_equal(t.generic, 6);
	assert_int_equal(t.specific, 1);
	assert_int_equal(t.ntexts, 1);
	assert_int_equal(t.texts[0].n, strlen(TEXT));
	assert_memory_equal(t.texts[0].p, TEXT, strlen(TEXT));
}

static void v2c_trap_long_text(void **state)
{
	(void)state;
	char text[300];
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0'; /* forces two-byte lengths */
	struct buf p;
	build_v2c(&p, text);
	struct snmp_trap t;
	const char *why = NULL;
	assert_int_equal(snmp_trap_decode(p.b, p.n, &t, &why), 0);
	assert_int_equal(t.version, 1);
	assert_string_equal(t.trap_oid, "1.3.6.1.4.1.3955");
	assert_int_equal(t.agent.family, 0);
	assert_int_equal(t.ntexts, 1);
	assert_int_equal(t.texts[0].n, strlen(text));
}

/* Every prefix of a valid trap is refused, never read past. */
static void truncations_refused(void **state)
{
	(void)state;
	struct buf p;
	build_v2c(&p, TEXT);
	for (size_t n = 0; n < p.n; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(copy, p.b, n);
		struct snmp_trap t;
		const char *why = NULL;
		assert_int_equal(snmp_trap_decode(copy, n, &t, &why), -1);
		assert_non_null(why);
		free(copy);
	}
}

/* Flipping any byte either decodes or is refused; nothing is read out of bounds. */
static void corruptions_are_safe(void **state)
{
	(void)state;
	struct buf p;
	build_v1(&p);
	for (size_t i = 0; i < p.n; i++)
		for (unsigned v = 0; v < 256; v += 7) {
			uint8_t *copy = malloc(p.n);
			memcpy(copy, p.b, p.n);
			copy[i] = (uint8_t)v;
			struct snmp_trap t;
			const char *why = NULL;
			if (snmp_trap_decode(copy, p.n, &t, &why) == 0)
				for (int k = 0; k < t.ntexts; k++)
					assert_true((const uint8_t *)t.texts[k].p >= copy &&
						    (const uint8_t *)t.texts[k].p + t.texts[k].n <=
							    copy + p.n);
			else
				assert_non_null(why);
			free(copy);
		}
}

static void not_traps(void **state)
{
	(void)state;
	const char *why = NULL;
	struct snmp_trap t;
	assert_int_equal(snmp_trap_decode((const uint8_t *)"<13>hello", 9, &t, &why), -1);
	assert_string_equal(why, "not an SNMP message");
	/* a v2c GetRequest */
	static const uint8_t get[] = { 0x30, 0x0d, 0x02, 0x01, 0x01, 0x04, 0x01, 'p',
				       0xa0, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00 };
	assert_int_equal(snmp_trap_decode(get, sizeof get, &t, &why), -1);
	assert_string_equal(why, "SNMP message is not a trap");
	static const uint8_t v3[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };
	assert_int_equal(snmp_trap_decode(v3, sizeof v3, &t, &why), -1);
	assert_string_equal(why, "SNMPv3 is not supported");
}

static void ber_primitives(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(ber_int(&(struct ber){ (const uint8_t *)"\xff", 1 }, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(ber_int(&(struct ber){ (const uint8_t *)"\x00\x80", 2 }, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(ber_int(&(struct ber){ (const uint8_t *)"123456789", 9 }, &v), -1);
	char oid[32];
	assert_int_equal(ber_oid_str(&(struct ber){ OID_UPTIME, sizeof OID_UPTIME }, oid, sizeof oid), 0);
	assert_string_equal(oid, "1.3.6.1.2.1.1.3.0");
	assert_int_equal(ber_oid_str(&(struct ber){ OID_UPTIME, sizeof OID_UPTIME }, oid, 8), -1);
	assert_int_equal(ber_oid_str(&(struct ber){ (const uint8_t *)"\x2b\x86", 2 }, oid, sizeof oid), -1);
	/* indefinite length and a 4-byte length are refused */
	struct ber b = { (const uint8_t *)"\x30\x80\x00\x00", 4 }, val;
	unsigned tag;
	assert_int_equal(ber_next(&b, &tag, &val), -1);
	b = (struct ber){ (const uint8_t *)"\x04\x84\x00\x00\x00\x01x", 7 };
	assert_int_equal(ber_next(&b, &tag, &val), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v1_trap),
		cmocka_unit_test(v2c_trap_long_text),
		cmocka_unit_test(truncations_refused),
		cmocka_unit_test(corruptions_are_safe),
		cmocka_unit_test(not_traps),
		cmocka_unit_test(ber_primitives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
