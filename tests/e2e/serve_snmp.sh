#!/bin/sh
# SNMP traps: one sent by net-snmp's snmptrap (v1 and v2c) and one built
# byte by byte here, each carrying a log line as an OCTET STRING varbind, are
# stored as events; a GetRequest and garbage are rejected and counted.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

export SNMP_PERSISTENT_DIR="$TMP/snmp" MIBS=""
start_serve --snmptrap "127.0.0.1:$PORT"
LINE='Mar 11 20:35:11 rt kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=56247 DPT=2001 WINDOW=3072 RES=0x00 SYN URGP=0'
if command -v snmptrap >/dev/null; then
	snmptrap -v 2c -c public "127.0.0.1:$PORT" '' 1.3.6.1.4.1.3955.1 \
		1.3.6.1.4.1.3955.1.1 s "$LINE"
	snmptrap -v 1 -c public "127.0.0.1:$PORT" 1.3.6.1.4.1.3955 127.0.0.1 6 1 '' \
		1.3.6.1.4.1.3955.1.1 s "$(echo "$LINE" | sed 's/DPT=2001/DPT=2002/')"
else
	not_ok "snmptrap installed" "run scripts/deps.sh (Debian package snmp)"
fi
# v1 trap, Linksys style, built by hand: the log text with no time of its own.
text=$(echo "$LINE" | sed 's/^Mar 11 20:35:11 rt //; s/DPT=2001/DPT=2003/')
python3 - "$PORT" "$text" <<'P'
import socket, sys
def tlv(t, v): 
    n = len(v)
    l = bytes([n]) if n < 128 else bytes([0x82, n >> 8, n & 255])
    return bytes([t]) + l + v
oid = bytes([0x2b, 6, 1, 4, 1, 0x9e, 0x73])
vb = tlv(0x30, tlv(6, oid + b'\x01\x01') + tlv(4, sys.argv[2].encode()))
pdu = tlv(6, oid) + tlv(0x40, bytes([192, 168, 1, 1])) + tlv(2, b'\x06') + tlv(2, b'\x01') + tlv(0x43, b'\x10') + tlv(0x30, vb)
msg = tlv(0x30, tlv(2, b'\x00') + tlv(4, b'public') + tlv(0xa4, pdu))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(msg, ('127.0.0.1', int(sys.argv[1])))
s.sendto(b'\x30\x0d\x02\x01\x01\x04\x01p\xa0\x05\x02\x01\x01\x30\x00', ('127.0.0.1', int(sys.argv[1])))
s.sendto(b'garbage', ('127.0.0.1', int(sys.argv[1])))
P
wait_stored 3 5
fresh_snapshot
check_eq "traps stored (snmptrap v2c, v1, hand-built v1)" "$(stored)" 3
check_eq "snmptrap v2c text parsed" "$(sqlite3 "$DB" "select device, origin from events_v where dport=2001")" "rt|snmptrap:127.0.0.1"
check_eq "snmptrap v1 text parsed" "$(sqlite3 "$DB" "select count(*) from events where dport=2002")" 1
now=$(date +%s)
set -- $(sqlite3 -separator ' ' "$DB" "select device, ts/1000000 from events_v where dport=2003")
check_eq "hand-built trap: device is the peer" "$1" "127.0.0.1"
dt=$(( $2 - now ))
[ ${dt#-} -le 60 ] && ok "hand-built trap: time of arrival" || not_ok "hand-built trap: time of arrival" "off by $dt s"
check_eq "GetRequest rejected" "$(status_value rejected 'SNMP message is not a trap')" 1
check_eq "garbage rejected" "$(status_value rejected 'not an SNMP message')" 1
