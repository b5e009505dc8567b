#!/bin/sh
# psad parity: for every file of ../shared/corpus/psad-scans (its README says what psad finds),
# `portlog report scans --format json` after importing it into a fresh database finds the same
# source, scan type, port range and destinations.  One ok / not ok per file.
. tests/e2e/lib.sh

# want FILE NAME NEEDLE... : every NEEDLE must be in the JSON report of FILE
want() {
	file=$1
	name=$2
	shift 2
	db="$TMP/$file.db"
	rm -f "$db"
	if ! $PORTLOG import --quiet --db "$db" "$CORPUS/psad-scans/$file" >/dev/null 2>"$TMP/err"; then
		not_ok "psad $file: $name" "import failed: $(head -3 "$TMP/err")"
		return
	fi
	json=$($PORTLOG report scans --db "$db" --format json 2>&1)
	for needle in "$@"; do
		case "$json" in
		*"$needle"*) ;;
		*)
			not_ok "psad $file: $name" "missing: $needle" "in: $(printf '%s' "$json" | head -c 1500)"
			return
			;;
		esac
	done
	ok "psad $file: $name"
}

# none FILE NAME: no finding at all
none() {
	want "$1" "$2" '"rows":[]}'
}

# lacks FILE NAME NEEDLE: NEEDLE is not in the JSON report of the last want for FILE
lacks() {
	json=$($PORTLOG report scans --db "$TMP/$1.db" --format json 2>&1)
	case "$json" in
	*"$3"*) not_ok "psad $1: $2" "found: $3" "in: $(printf '%s' "$json" | head -c 1500)" ;;
	*) ok "psad $1: $2" ;;
	esac
}

SRC='"subject":"192.168.10.55"'
ONE='"hosts":["192.168.10.1"],"nhosts":1'
want syn_scan_1000_1500 "SYN scan, 1000-1500, one destination" "$SRC" \
	'"shape":"vertical","probe":"SYN","proto":"tcp","port_lo":1000,"port_hi":1500' '"nports":501' "$ONE"
# psad's "Source OS" (p0f signatures): nmap's raw SYNs (window 1024-4096, one MSS option, no DF)
want syn_scan_1000_1500 "passive OS guess: nmap's raw SYN packets" '"os":"nmap SYN scan (raw packets)"'
check_contains "psad syn_scan_1000_1500: report source shows the OS guess" \
	"$($PORTLOG report source 192.168.10.55 --db "$TMP/syn_scan_1000_1500.db")" \
	"sender: nmap SYN scan (raw packets) (passive OS guess)"
check_contains "psad syn_scan_1000_1500: report scans text shows the OS guess" \
	"$($PORTLOG report scans --db "$TMP/syn_scan_1000_1500.db")" "sender: nmap SYN scan (raw packets)"
want syn_scan_1000_1500_multi_dst "SYN scan, 1000-1500, 4 destinations" "$SRC" \
	'"shape":"block","probe":"SYN","proto":"tcp","port_lo":1000,"port_hi":1500' '"nhosts":4' \
	'"192.168.10.1"' '"192.168.10.2"' '"192.168.10.45"' '"192.168.10.232"'
want syn_scan_1000_1500_localhost "SYN scan from 127.0.0.1" '"subject":"127.0.0.1"' \
	'"probe":"SYN","proto":"tcp","port_lo":1000,"port_hi":1500' "$ONE"
want syn_scan_1000_1500_zeroip "SYN scan from 0.0.0.0" '"subject":"0.0.0.0"' \
	'"probe":"SYN","proto":"tcp","port_lo":1000,"port_hi":1500' "$ONE"
want syn_sweep "horizontal sweep of 1083 over 11 hosts" "$SRC" \
	'"shape":"horizontal","probe":"SYN","proto":"tcp","port_lo":1083,"port_hi":1083' '"nhosts":11' \
	'"10.0.0.201"' '"192.168.10.244"'
for t in fin:FIN xmas:XMAS null:NULL ack:ACK udp:UDP; do
	f=${t%%:*}_scan_1000_1150
	p=${t#*:}
	proto=tcp
	[ "$p" = UDP ] && proto=udp
	want "$f" "$p scan, 1000-1150" "$SRC" \
		"\"shape\":\"vertical\",\"probe\":\"$p\",\"proto\":\"$proto\",\"port_lo\":1000,\"port_hi\":1150" \
		'"nports":151' "$ONE"
done
want proto_scan "IP protocol scan" "$SRC" '"shape":"protocol","probe":"PROTO"' '"port_lo":0,"port_hi":255' "$ONE"
want topera_ipv6_syn_scan_no_ip_opts "IPv6 SYN scan, 0-1023" '"subject":"2012:1234:1234::1"' \
	'"probe":"SYN","proto":"tcp","port_lo":0,"port_hi":1023' '"nports":1024' '"hosts":["2012:1234:1234::2"]'
lacks topera_ipv6_syn_scan_no_ip_opts "Topera not named without its extension headers logged" \
	'Topera'
want topera_ipv6_syn_scan_with_ip_opts "IPv6 SYN scan, 0-1234, named Topera" \
	'"subject":"2012:1234:1234::1"' '"probe":"SYN","proto":"tcp","port_lo":0,"port_hi":1234' \
	'"signature":"Topera IPv6 scanner' '"summary":"Topera SYN vertical scan from 2012:1234:1234::1'
# A trust change re-runs the detectors over the stored events, which do not keep the extension
# headers: the name is kept for the same scan.
$PORTLOG trust add 198.51.100.0/24 --db "$TMP/topera_ipv6_syn_scan_with_ip_opts.db" >/dev/null
check_contains "psad topera_ipv6_syn_scan_with_ip_opts: still named Topera after a trust change" \
	"$($PORTLOG report scans --db "$TMP/topera_ipv6_syn_scan_with_ip_opts.db" --format json)" \
	'"signature":"Topera IPv6 scanner'
want ipv6_tcp_connect_nmap_default_scan "IPv6 connect scan, nmap's 1000 ports" \
	'"subject":"2001:db8:0:f101::2"' '"probe":"SYN","proto":"tcp"' '"nports":1000' \
	'"hosts":["2001:db8:0:f101::1"]'
# a connect() scan shows the scanner's own stack: window 5760 (4 x MSS 1440), hop limit 64
want ipv6_tcp_connect_nmap_default_scan "passive OS guess: Linux" '"os":"Linux 2.6"'
want ipv4_valid_ping "ICMP echo probing" "$SRC" '"probe":"ICMP"' '"signature":"ICMP echo probing'
want invalid_icmp_type_code "crafted ICMP type/code" "$SRC" '"shape":"crafted","probe":"ICMP"'
want ipv6_invalid_icmp6_type_code "crafted ICMPv6 type/code" '"subject":"2001:db8:0:f101::2"' \
	'"shape":"crafted","probe":"ICMP","proto":"icmpv6"'
want ms_sql_server_sig_match "MS SQL Server probe named" "$SRC" '"port_lo":1433,"port_hi":1433' \
	'"signature":"MS SQL Server probe'
want ipv6_ms_sql_server_sig_match "IPv6 MS SQL Server probe named" \
	'"subject":"2001:db8:0:f101::2"' '"port_lo":1433' '"signature":"MS SQL Server probe'
want mirai_default_credentials_scan "Mirai telnet scan named" "$SRC" '"port_lo":23,"port_hi":2323' \
	'"ports":"23,2323"' '"signature":"Mirai telnet scan' '"refs":"US-CERT TA16-288A"'
none ipv4_igmp "IGMP is not a scan"
# Differences from psad, each still checked:
# - ipv6_ping_scan holds only neighbour solicitations to a multicast group (ICMPv6 type 135),
#   which are address resolution, not echo probing: portlog raises nothing.
none ipv6_ping_scan "neighbour discovery to multicast is not a scan"
# fwknop SPA: one UDP datagram to 62201 with more than 130 bytes of payload, named as an
# authorization knock (shape spa), not as a scan.
want fwknop_spa_pkt "fwknop SPA packet named, not a scan" "$SRC" '"shape":"spa"' \
	'"port_lo":62201' '"signature":"fwknop Single Packet Authorization (SPA) packet"' \
	'(an authorization knock, not a scan)'
lacks fwknop_spa_pkt "SPA is no scan shape" '"shape":"vertical"'
# reputation_scan: 1-2 packets per source are no scan; what psad finds there comes from a
# block list the user supplies (psad's test lists two hosts and two /24s): block_list.sh.
none reputation_scan "no scan without a block list"
# - syslog_time_fmt1.log is about timestamps: one packet per source.
none syslog_time_fmt1.log "one packet per source is not a scan"

# Every file of the corpus is covered above.
for f in "$CORPUS"/psad-scans/*; do
	b=$(basename "$f")
	[ "$b" = README.md ] && continue
	[ -f "$TMP/$b.db" ] || not_ok "psad $b: covered by psad_parity.sh" "add an expectation for it"
done
