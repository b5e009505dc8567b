#!/bin/sh
# bench/gen (build/gen): reproducible, the requested size, in time order, and
# every line it writes is a packet line portlog imports.
. tests/e2e/lib.sh
GEN=${GEN:-$(pwd)/build/gen}
if [ ! -x "$GEN" ]; then
	not_ok "gen is built" "$GEN is missing: run make"
	exit 0
fi

a=$("$GEN" --lines 20000 --seed 7 | md5sum)
b=$("$GEN" --lines 20000 --seed 7 | md5sum)
c=$("$GEN" --lines 20000 --seed 8 | md5sum)
check_eq "same seed gives the same bytes" "$a" "$b"
if [ "$a" != "$c" ]; then ok "another seed gives other bytes"; else not_ok "another seed gives other bytes" "seeds 7 and 8 both: $a"; fi

"$GEN" --lines 12345 --seed 3 --start 2024-03-01 --days 10 >"$TMP/g.log"
check_eq "--lines is the line count" "$(wc -l <"$TMP/g.log" | tr -d ' ')" 12345
check_eq "--start is the first day" "$(head -1 "$TMP/g.log" | cut -c1-6)" "Mar  1"
check_eq "--days is the span" "$(tail -1 "$TMP/g.log" | cut -c1-6)" "Mar 10"
unordered=$(awk 'BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " ");
		for (i = 1; i <= 12; i++) mon[m[i]] = i }
	{ t = sprintf("%02d%02d%s", mon[$1], $2, $3); if (t < last) { print NR ": " $0; exit } last = t }' \
	"$TMP/g.log")
check_eq "lines are in time order" "$unordered" ""
# The mix: enough lines for every kind of actor to show up.
"$GEN" --lines 100000 --seed 3 >"$TMP/big.log"
for want in "PROTO=TCP" "PROTO=UDP" "PROTO=ICMP " "PROTO=ICMPv6" "HOPLIMIT=" "[UFW BLOCK] " \
	"[UFW ALLOW] " "DROP IN=" "Shorewall:net:DROP:IN=" " OUT=eth0 " "URG PSH FIN" "DPT=445 " \
	"DPT=1434 " "SRC=192.168.1." "RES=0x00 URGP=0" "RES=0x00 FIN URGP" "TYPE=3 CODE=3 [SRC=" \
	"PROTO=47"; do
	if grep -qF -- "$want" "$TMP/big.log"; then ok "log has $want"; else not_ok "log has $want"; fi
done

"$GEN" --lines 3000 --seed 5 --home-net 10.20.0.0/16 >"$TMP/h.log"
check_eq "--home-net: outbound sources from it" \
	"$(grep ' OUT=eth0 ' "$TMP/h.log" | grep -vc ' SRC=10\.20\.')" 0

out=$($PORTLOG import --db "$TMP/g.db" --year 2024 --home-net 192.168.1.0/24 "$TMP/big.log" 2>&1)
check_contains "every generated line imports" "$out" "read 100000 lines, stored 100000 events, skipped 0,"
dirs=$($PORTLOG report summary --db "$TMP/g.db")
check_contains "inbound and outbound both present" "$dirs" "outbound"
rm -f "$TMP/big.log"

check_status "bad --lines is a usage error" 2 "$GEN" --lines ten
check_status "bad --home-net is a usage error" 2 "$GEN" --home-net 300.1.1.0/24
check_status "unknown --format is a usage error" 2 "$GEN" --format pf
