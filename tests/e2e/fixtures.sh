#!/bin/sh
# Parser fixtures: every tests/fixtures/FORMAT/NAME.log, parsed with
# `portlog parse --year 2024` (auto-detection, TZ=UTC), must give exactly
# tests/fixtures/FORMAT/NAME.golden.jsonl.  Per FORMAT directory also: at
# least 20 lines that are not '#' comments, and every event attributed to
# FORMAT, so auto-detection hands each line to the right parser.
#
# A new or changed fixture's golden file is made with
#   (cd tests/fixtures/FORMAT && TZ=UTC ../../../build/portlog parse --year 2024 NAME.log \
#       >NAME.golden.jsonl)
# and then read field by field against the vendor's documentation before it
# is committed: a golden file nobody checked proves nothing.
. tests/e2e/lib.sh

MIN_LINES=20
found=0
for dir in tests/fixtures/*/; do
	[ -d "$dir" ] || continue
	fmt=$(basename "$dir")
	nlines=0
	nlogs=0
	: >"$TMP/all-$fmt"
	for log in "$dir"*.log; do
		[ -f "$log" ] || continue
		found=1
		nlogs=$((nlogs + 1))
		name=$(basename "$log" .log)
		golden="$dir$name.golden.jsonl"
		n=$(grep -v '^#' "$log" | grep -c '[^[:space:]]')
		nlines=$((nlines + n))
		out="$TMP/$fmt-$name.out"
		(cd "$dir" && $PORTLOG parse --year 2024 "$name.log") >"$out" 2>"$TMP/err"
		rc=$?
		cat "$out" >>"$TMP/all-$fmt"
		if [ $rc -ne 0 ]; then
			not_ok "fixture $fmt/$name" "portlog parse exited $rc" "$(head -5 "$TMP/err")"
		elif [ ! -f "$golden" ]; then
			not_ok "fixture $fmt/$name" "no $golden: generate it (see the top of this script)" \
				"and check every field by hand"
		elif diff -u "$golden" "$out" >"$TMP/diff"; then
			ok "fixture $fmt/$name"
		else
			not_ok "fixture $fmt/$name" "output differs from $golden (- want, + got):"
			tail -n +3 "$TMP/diff" | grep '^[-+]' | head -12 | cut -c1-400 | sed 's/^/  /'
		fi
	done
	[ $nlogs -eq 0 ] && continue
	if [ $nlines -ge $MIN_LINES ]; then
		ok "fixtures $fmt: $nlines lines (>= $MIN_LINES)"
	else
		not_ok "fixtures $fmt: $nlines lines (>= $MIN_LINES)" \
			"write more fixture lines from the vendor's reference"
	fi
	# The top-level "format" key of each event; a quote inside a string
	# value is escaped, so this pattern cannot match inside one.
	wrong=$(grep '"status":"ok"' "$TMP/all-$fmt" |
		sed 's/.*"format":"\([^"]*\)".*/\1/' | grep -vx "$fmt" | sort | uniq -c | head -5)
	nok=$(grep -c '"status":"ok"' "$TMP/all-$fmt")
	if [ -z "$wrong" ] && [ "$nok" -gt 0 ]; then
		ok "fixtures $fmt: all $nok events detected as $fmt"
	elif [ "$nok" -eq 0 ]; then
		not_ok "fixtures $fmt: events detected as $fmt" "no line parsed at all"
	else
		not_ok "fixtures $fmt: all events detected as $fmt" "attributed elsewhere (count format):"
		echo "$wrong" | sed 's/^/  /'
	fi
done
[ $found -eq 1 ] || not_ok "fixtures exist" "no tests/fixtures/FORMAT/*.log found"
