/* snmptrap.h - the log text inside SNMP traps (SNMPv1 Trap-PDU, SNMPv2c
 * SNMPv2-Trap and InformRequest).  SOHO routers of the Linksys kind send
 * each log entry as a trap to UDP 162 with the entry as an OCTET STRING
 * varbind; each such string is one log line for parse_line().
 *
 * Pure: bytes in, slices of them out (ber.c does the bounded reading). */
#ifndef PORTLOG_SNMPTRAP_H
#define PORTLOG_SNMPTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

enum { SNMP_TEXTS_MAX = 16, SNMP_OID_MAX = 128 };

struct snmp_trap {
	int version;            /* 0: SNMPv1, 1: SNMPv2c */
	struct ev_addr agent;   /* SNMPv1 agent-addr; family 0 for v2c */
	char trap_oid[SNMP_OID_MAX]; /* v1 enterprise, v2c snmpTrapOID.0 value */
	int generic, specific;  /* SNMPv1 generic-trap, specific-trap; -1 for v2c */
	struct ev_str texts[SNMP_TEXTS_MAX]; /* OCTET STRING varbind values, in order */
	int ntexts;
	int texts_dropped;      /* string varbinds past SNMP_TEXTS_MAX */
};

/* 0 and *t filled, or -1 with a static reason in *why (not SNMP, SNMPv3,
 * not a trap PDU, malformed BER). */
int snmp_trap_decode(const uint8_t *pkt, size_t n, struct snmp_trap *t, const char **why);

#endif
