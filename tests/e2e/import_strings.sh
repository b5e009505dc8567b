#!/bin/sh
# What import stores is what the parser read, field for field: every event
# of a file, listed back with `portlog events`, equals its line's event from
# `portlog parse` (which stores nothing), strings included.  Import keeps an
# event's strings apart from its line while the event waits to be stored
# (src/cmd/import.c, keep_strings), sharing them with the event before when
# the context is the same; a wrong copy shows here as a wrong rule,
# interface, MAC, TCP options or device.  One check per file: our fixtures
# of every format, the vendor logs and the psad scans.
. tests/e2e/lib.sh

# one event object a line, without origin (parse has none), sorted
from_parse() {
	$PORTLOG parse --events-only --year 2024 --home-net 192.168.0.0/16 "$1" |
		sed 's/^{"line":[0-9]*,"status":"ok","event"://; s/}$//' |
		sed 's/"origin":\("[^"]*"\|null\),//' | LC_ALL=C sort
}
from_store() {
	$PORTLOG events --db "$2" --limit 100000000 --format json |
		sed -n 's/^  \({.*}\),\{0,1\}$/\1/p' |
		sed 's/"origin":\("[^"]*"\|null\),//' | LC_ALL=C sort
}

n=0
for f in tests/fixtures/*/*.log "$CORPUS"/vendor-logs/*/*.log "$CORPUS"/psad-scans/*; do
	[ -f "$f" ] || continue
	case "$f" in *.tsv | *.md | *.jsonl) continue ;; esac
	n=$((n + 1))
	db="$TMP/s$n.db"
	name="import keeps the parsed strings: ${f#"$CORPUS"/}"
	if ! $PORTLOG import --quiet --db "$db" --year 2024 --home-net 192.168.0.0/16 "$f" \
		>/dev/null 2>"$TMP/err"; then
		not_ok "$name" "import failed" "$(head -3 "$TMP/err")"
		continue
	fi
	from_parse "$f" >"$TMP/want"
	from_store "$f" "$db" >"$TMP/got"
	if [ ! -s "$TMP/want" ]; then
		not_ok "$name" "no events parsed"
	elif cmp -s "$TMP/got" "$TMP/want"; then
		ok "$name"
	else
		not_ok "$name" "$(diff "$TMP/want" "$TMP/got" | head -6)"
	fi
done
[ "$n" -gt 20 ] || not_ok "import keeps the parsed strings" "only $n files found"
