#!/bin/sh
# portlog block (the user's list of known-bad networks) and the reputation findings it raises,
# on psad's reputation_scan (../shared/corpus/psad-scans): psad's own test lists two hosts and
# two /24s of it and expects those sources reported, and the scanner that is not listed not.
. tests/e2e/lib.sh
db="$TMP/r.db"
log="$CORPUS/psad-scans/reputation_scan"

cat >"$TMP/list" <<'EOF'
# a reputation list, one network per line; a comment after one is its note
100.16.243.115      # probed us before
107.170.219.0/24

104.131.109.234
92.53.90.0/24       # bulk hoster
EOF
printf '198.51.100.0/24\nnot-a-network\n' >"$TMP/bad"

check_status "block add with a note" 0 $PORTLOG block add 192.0.2.0/24 --note "test net" --db "$db"
check_status "block import refuses a file with a bad line" 1 \
	$PORTLOG block import "$TMP/bad" --db "$db"
check_contains "the refusal names the line" "$(cat "$TMP/err")" "bad:2: 'not-a-network' is not a network"
out=$($PORTLOG block list --db "$db" --format csv | sed 1d | cut -d, -f1,2)
check_eq "nothing was added from the refused file" "$out" '192.0.2.0/24,test net'

out=$($PORTLOG block import "$TMP/list" --db "$db" 2>&1)
check_contains "block import adds every network" "$out" "4 networks added, 0 already listed"
list=$($PORTLOG block list --db "$db" --format csv)
check_contains "a trailing comment is the note" "$list" '100.16.243.115/32,probed us before,'
check_contains "networks are stored canonical" "$list" '107.170.219.0/24,,'
check_status "block add of a bad network is a usage error" 2 $PORTLOG block add 300.1.2.3 --db "$db"
check_status "block rm of an unlisted network fails" 1 $PORTLOG block rm 198.18.0.0/15 --db "$db"
check_status "block rm" 0 $PORTLOG block rm 192.0.2.0/24 --db "$db"

$PORTLOG import --quiet --db "$db" "$log" >/dev/null 2>"$TMP/err" ||
	not_ok "reputation_scan imports" "$(head -3 "$TMP/err")"
rep=$($PORTLOG report reputation --db "$db" --format json)
for s in 100.16.243.115 104.131.109.234 107.170.219.23 92.53.90.100; do
	check_contains "listed source $s is a reputation finding" "$rep" "\"kind\":\"reputation\",\"subject\":\"$s\""
done
case "$rep" in
*'"subject":"192.168.10.55"'*) not_ok "the unlisted scanner is no reputation finding" "$rep" ;;
*) ok "the unlisted scanner is no reputation finding" ;;
esac
check_contains "the finding carries the entry's note and network" "$rep" \
	'"signature":"probed us before","refs":"100.16.243.115/32"'
check_contains "the /24 entry names the network" "$rep" '"subject":"107.170.219.23"'
check_contains "evidence: packets and ports" "$rep" '"ports":"1075,1149","nports":2'
text=$($PORTLOG report source 92.53.90.100 --db "$db")
check_contains "report source shows the reputation finding" "$text" \
	"92.53.90.100 is on the block list (92.53.90.0/24: bulk hoster)"

# Changing the list recomputes the reputation findings over the stored events.
$PORTLOG block rm 92.53.90.0/24 --db "$db" >/dev/null
rep=$($PORTLOG report reputation --db "$db" --format json)
case "$rep" in
*92.53.90.100*) not_ok "block rm drops the source's finding" "$rep" ;;
*) ok "block rm drops the source's finding" ;;
esac
$PORTLOG block add 192.168.10.0/24 --note "lab scanner" --db "$db" >/dev/null
rep=$($PORTLOG report reputation --db "$db" --format json)
check_contains "block add flags events already stored" "$rep" '"subject":"192.168.10.55"'
# Trust wins: a trusted source never raises a finding, listed or not.
$PORTLOG trust add 100.16.243.115 --db "$db" >/dev/null
rep=$($PORTLOG report reputation --db "$db" --format json)
case "$rep" in
*100.16.243.115*) not_ok "a trusted listed source raises nothing" "$rep" ;;
*) check_contains "a trusted listed source raises nothing (others stay)" "$rep" '"subject":"104.131.109.234"' ;;
esac

# A block list given before the import: the findings appear as the events arrive.
db2="$TMP/r2.db"
$PORTLOG block add 104.131.109.0/24 --note "before import" --db "$db2" >/dev/null
$PORTLOG import --quiet --db "$db2" "$log" >/dev/null 2>&1
rep=$($PORTLOG report reputation --db "$db2" --format csv)
check_contains "import checks the list as it reads" "$rep" "reputation,104.131.109.234,"
check_eq "only the listed source" "$(printf '%s\n' "$rep" | grep -c '^reputation,')" 1
