/* snmptrap.c - see snmptrap.h.
 *
 *   Message ::= SEQUENCE { version INTEGER, community OCTET STRING, data PDU }
 *   v1 Trap-PDU [4] ::= SEQUENCE { enterprise OID, agent-addr IpAddress,
 *        generic-trap INTEGER, specific-trap INTEGER, time-stamp TimeTicks,
 *        variable-bindings VarBindList }                           (RFC 1157)
 *   v2 SNMPv2-Trap-PDU [7], InformRequest [6] ::= SEQUENCE { request-id,
 *        error-status, error-index, variable-bindings }            (RFC 3416)
 *   VarBindList ::= SEQUENCE OF SEQUENCE { name OID, value ANY } */
#include "snmptrap.h"

#include <string.h>

#include "ber.h"

enum { PDU_INFORM = 0xa6, PDU_V1_TRAP = 0xa4, PDU_V2_TRAP = 0xa7 };

/* snmpTrapOID.0: its value names the v2 trap. */
static const uint8_t SNMP_TRAP_OID_0[] = { 0x2b, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static int varbinds(struct ber *list, struct snmp_trap *t, const char **why)
{
	while (list->n) {
		struct ber vb, name, val;
		unsigned tag;
		if (ber_expect(list, BER_SEQUENCE, &vb) || ber_expect(&vb, BER_OID, &name) ||
		    ber_next(&vb, &tag, &val)) {
			*why = "malformed SNMP varbind";
			return -1;
		}
		if (tag == BER_OCTET_STRING) {
			if (t->ntexts < SNMP_TEXTS_MAX)
				t->texts[t->ntexts++] = (struct ev_str){ (const char *)val.p,
									 (uint32_t)val.n };
			else
				t->texts_dropped++;
		} else if (tag == BER_OID && name.n == sizeof SNMP_TRAP_OID_0 &&
			   !memcmp(name.p, SNMP_TRAP_OID_0, name.n)) {
			if (ber_oid_str(&val, t->trap_oid, sizeof t->trap_oid))
				t->trap_oid[0] = '\0';
		}
	}
	return 0;
}

static int v1_trap(struct ber *pdu, struct snmp_trap *t, const char **why)
{
	struct ber ent, addr, gen, spec, ticks, list;
	int64_t g, s;
	if (ber_expect(pdu, BER_OID, &ent) || ber_expect(pdu, BER_IPADDRESS, &addr) ||
	    ber_expect(pdu, BER_INTEGER, &gen) || ber_expect(pdu, BER_INTEGER, &spec) ||
	    ber_expect(pdu, BER_TIMETICKS, &ticks) || ber_expect(pdu, BER_SEQUENCE, &list) ||
	    ber_int(&gen, &g) || ber_int(&spec, &s)) {
		*why = "malformed SNMPv1 trap";
		return -1;
	}
	if (ber_oid_str(&ent, t->trap_oid, sizeof t->trap_oid))
		t->trap_oid[0] = '\0';
	if (addr.n == 4) {
		t->agent.family = 4;
		memcpy(t->agent.bytes, addr.p, 4);
	}
	t->generic = g < 0 || g > 1000000 ? -1 : (int)g;
	t->specific = s < 0 || s > 1000000000 ? -1 : (int)s;
	return varbinds(&list, t, why);
}

static int v2_trap(struct ber *pdu, struct snmp_trap *t, const char **why)
{
	struct ber id, status, index, list;
	if (ber_expect(pdu, BER_INTEGER, &id) || ber_expect(pdu, BER_INTEGER, &status) ||
	    ber_expect(pdu, BER_INTEGER, &index) || ber_expect(pdu, BER_SEQUENCE, &list)) {
		*why = "malformed SNMPv2 trap";
		return -1;
	}
	return varbinds(&list, t, why);
}

int snmp_trap_decode(const uint8_t *pkt, size_t n, struct snmp_trap *t, const char **why)
{
	memset(t, 0, sizeof *t);
	t->generic = t->specific = -1;
	struct ber b = { pkt, n }, msg, ver, community, pdu;
	unsigned tag;
	int64_t v;
	if (ber_expect(&b, BER_SEQUENCE, &msg) || ber_expect(&msg, BER_INTEGER, &ver) ||
	    ber_int(&ver, &v)) {
		*why = "not an SNMP message";
		return -1;
	}
	if (v != 0 && v != 1) {
		*why = v == 3 ? "SNMPv3 is not supported" : "unknown SNMP version";
		return -1;
	}
	t->version = (int)v;
	if (ber_expect(&msg, BER_OCTET_STRING, &community) || ber_next(&msg, &tag, &pdu)) {
		*why = "not an SNMP message";
		return -1;
	}
	if (v == 0 && tag == PDU_V1_TRAP)
		return v1_trap(&pdu, t, why);
	if (v == 1 && (tag == PDU_V2_TRAP || tag == PDU_INFORM))
		return v2_trap(&pdu, t, why);
	*why = "SNMP message is not a trap";
	return -1;
}
