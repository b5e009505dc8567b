#!/bin/sh
# Detectors end to end on bench/scenario.c's log with ground truth: every finding kind found,
# nothing benign flagged, and trust removes a partner's findings and brings them back.
. tests/e2e/lib.sh
CC=${CC:-cc}
if ! $CC -O2 -o "$TMP/scenario" bench/scenario.c 2>"$TMP/cc.err"; then
	not_ok "scenario generator builds" "$(head -5 "$TMP/cc.err")"
	exit 0
fi
"$TMP/scenario" "$TMP/s.log" "$TMP/s.truth"
db="$TMP/s.db"
out=$($PORTLOG import --quiet --year 2024 --home-net 192.168.1.0/24 --db "$db" "$TMP/s.log" 2>&1)
check_contains "scenario imports" "$out" "skipped 0,"

partner=198.51.100.10
scans=$($PORTLOG report scans --db "$db" --format csv)
check_contains "untrusted partner's monitoring is a scan" "$scans" "scan,$partner,"

out=$($PORTLOG trust add 198.51.100.0/24 --note "monitoring partner" --db "$db")
check_contains "trust add re-marks the partner's events" "$out" "re-marked 8640 events"
scans=$($PORTLOG report scans --db "$db" --format csv)
case "$scans" in
*"$partner"*) not_ok "trusting the partner removes its findings" "$(echo "$scans" | grep "$partner")" ;;
*) ok "trusting the partner removes its findings" ;;
esac
list=$($PORTLOG trust list --db "$db" --format json)
check_contains "trust list json" "$list" '{"cidr":"198.51.100.0/24","note":"monitoring partner"'
src=$($PORTLOG report source $partner --db "$db" --format json)
check_contains "report source: trusted, events marked" "$src" '"trusted":true'
check_contains "report source: no findings for the trusted" "$src" '"rows":[]}'

score=$(bench/scenario_score.sh "$TMP/s.truth" "$db" "$PORTLOG" 2>"$TMP/score.err")
for k in scan infected outbreak; do
	# and something was found: 1.00 of nothing proves nothing
	case "$score" in
	*"$k precision 1.00 recall 1.00 (tp "[1-9]*) ok "$k precision and recall 1.0" ;;
	*) not_ok "$k precision and recall 1.0" "$score" ;;
	esac
done
check_contains "no benign source flagged" "$score" "benign flagged 0"
[ -s "$TMP/score.err" ] && cat "$TMP/score.err"

slow=$($PORTLOG report source 203.0.113.8 --db "$db" --format json)
check_contains "slow scan (one probe a minute for 6 h) found" "$slow" '"shape":"vertical","probe":"SYN","proto":"tcp","port_lo":1000,"port_hi":1359'
check_contains "slow scan flagged by TRW after 4 probes" "$slow" '"trw_probes":4'
ob=$($PORTLOG report outbreaks --db "$db" --format json)
check_contains "second wave on a raised level" "$ob" '"second_wave":true'
check_contains "outbreak json echoes the query" "$ob" '{"query":{"kind":"outbreaks","since":null,"until":null},"rows":[{'
inf=$($PORTLOG report infected --db "$db")
check_contains "worm on an inside host" "$inf" "possible worm infection on 192.168.1.23: 800 hosts on 445/tcp in 10 min"
check_contains "bot calling IRC" "$inf" "possible bot on 192.168.1.77"
mirai=$($PORTLOG report scans --db "$db" --since 2024-05-09 --format json)
check_contains "--since selects; Mirai named" "$mirai" '"subject":"203.0.113.12"'
check_contains "Mirai named by signature" "$mirai" '"signature":"Mirai telnet scan'

out=$($PORTLOG trust rm 198.51.100.0/24 --db "$db")
check_contains "trust rm re-marks" "$out" "re-marked 8640 events"
scans=$($PORTLOG report scans --db "$db" --format csv)
check_contains "removing trust brings the partner's findings back" "$scans" "scan,$partner,"
check_status "trust rm of an unknown network fails" 1 $PORTLOG trust rm 10.9.9.0/24 --db "$db"
check_status "trust add of a bad network is a usage error" 2 $PORTLOG trust add 10.9.9.0/33 --db "$db"
check_status "report source wants an address" 2 $PORTLOG report source nonsense --db "$db"
