#!/bin/sh
# One stream mixing every format: a few lines of each format's fixtures
# (those their golden file says parse), shuffled the same way every run, must
# each be attributed to the format whose fixture they came from, by
# `portlog parse` and after `portlog import` in the stored events.
#
# Fixture files holding a W3C "#Fields:" header are left out: their lines
# mean what that header says, and a mixed stream carries no header.
. tests/e2e/lib.sh

PER_FILE=3
mixed="$TMP/mixed.log"
: >"$TMP/picked"
for log in tests/fixtures/*/*.log; do
	[ -f "$log" ] || continue
	grep -qi '^#Fields:' "$log" && continue
	golden="${log%.log}.golden.jsonl"
	[ -f "$golden" ] || continue
	fmt=$(basename "$(dirname "$log")")
	for n in $(sed -n 's/^{"line":\([0-9]*\),"status":"ok".*/\1/p' "$golden" | head -$PER_FILE); do
		printf '%s\t%s\n' "$fmt" "$(sed -n "${n}p" "$log")" >>"$TMP/picked"
	done
done
total=$(wc -l <"$TMP/picked" | tr -d ' ')
nfmt=$(cut -f1 "$TMP/picked" | sort -u | wc -l | tr -d ' ')
if [ "$total" -eq 0 ]; then
	not_ok "mixed: fixture lines to mix" "no tests/fixtures/*/*.log with ok lines in the golden file"
	exit 0
fi

# Deterministic shuffle: a fixed permutation of the line numbers.
awk '{ printf "%d\t%s\n", (NR * 7919) % 10007, $0 }' "$TMP/picked" | sort -n -k1,1 | cut -f2- \
	>"$TMP/shuffled"
cut -f1 "$TMP/shuffled" >"$TMP/want"
cut -f2- "$TMP/shuffled" >"$mixed"

$PORTLOG parse --year 2024 --output tsv "$mixed" >"$TMP/got" 2>"$TMP/err"
awk -F'\t' 'FNR == NR { want[FNR] = $1; next }
	$2 != "ok" || $3 != want[$1] {
		printf "line %s (%s): got %s %s %s\n", $1, want[$1], $2, $3, $11 }' \
	"$TMP/want" "$TMP/got" >"$TMP/wrong"
nok=$(awk -F'\t' '$2 == "ok"' "$TMP/got" | wc -l | tr -d ' ')
if [ -s "$TMP/wrong" ] || [ "$nok" -ne "$total" ]; then
	not_ok "mixed: parse attributes each of $total lines ($nfmt formats) to its format" \
		"$nok lines parsed; wrong ones:"
	head -10 "$TMP/wrong" | cut -c1-300 | sed 's/^/  /'
else
	ok "mixed: parse attributes each of $total lines ($nfmt formats) to its format"
fi

# Import stores every line, and each stored event keeps its format.
db="$TMP/mixed.db"
touch -d 2024-12-31 "$mixed"
out=$($PORTLOG import --db "$db" --year 2024 "$mixed" 2>"$TMP/err")
check_contains "mixed: import stores every line" "$out" \
	"read $total lines, stored $total events, skipped 0"
$PORTLOG events --db "$db" --limit 0 --format json >"$TMP/events" 2>>"$TMP/err"
sed -n 's/.*"format":"\([^"]*\)".*"line":\([0-9]*\)}.*/\2\t\1/p' "$TMP/events" | sort -n >"$TMP/stored"
awk '{ printf "%d\t%s\n", NR, $0 }' "$TMP/want" >"$TMP/want-numbered"
if diff "$TMP/want-numbered" "$TMP/stored" >"$TMP/diff"; then
	ok "mixed: stored events keep their format"
else
	not_ok "mixed: stored events keep their format" "line, format (< want, > stored):"
	head -10 "$TMP/diff" | sed 's/^/  /'
fi
