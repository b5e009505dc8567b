#!/bin/sh
# report --format svg and report html: well-formed, one series per port,
# readable at any span, self-contained, and escaping what the logs say.
. tests/e2e/lib.sh
db="$TMP/c.db"
log="$TMP/spring2004.log"
awk -v prefix='<script>alert(1)</script>' -f tests/fixtures/outbreak.awk | sort -k1M -k2n -k3 >"$log"
touch -d 2004-07-01 "$log"
$PORTLOG import --db "$db" --home-net 192.168.1.0/24 "$log" >/dev/null 2>&1

svg_ok() { # NAME FILE
	if xmllint --noout "$2" 2>"$TMP/xmlerr"; then ok "$1: well-formed"; else
		not_ok "$1: well-formed" "$(head -5 "$TMP/xmlerr")"; fi
}
series() { grep -o 'class="series"' "$1" | wc -l | tr -d ' '; }

$PORTLOG report ports --db "$db" --by day --ports 135,445,5000 --format svg >"$TMP/ports.svg"
svg_ok "ports by day" "$TMP/ports.svg"
check_eq "ports by day: one series per port" "$(series "$TMP/ports.svg")" 3
for p in 135 445 5000; do
	check_contains "ports by day: legend names $p" "$(cat "$TMP/ports.svg")" ">$p</text>"
done
check_contains "ports by day: title names the period" "$(cat "$TMP/ports.svg")" \
	"Events per day, 2004-04-01 to 2004-06-30 UTC"
check_contains "ports by day: dated axis" "$(cat "$TMP/ports.svg")" ">03 May</text>"

$PORTLOG report sources --db "$db" --by hour --ports 445 --format svg >"$TMP/sources.svg"
svg_ok "sources by hour" "$TMP/sources.svg"
check_eq "sources by hour: one series" "$(series "$TMP/sources.svg")" 1
check_contains "sources by hour: title" "$(cat "$TMP/sources.svg")" "Unique source addresses per hour"
check_contains "sources by hour: thinned, and says so" "$(cat "$TMP/sources.svg")" "Each point is the busiest of"

$PORTLOG report ports --db "$db" --by hour --ports 445 --since 2004-05-01T10:00 \
	--until 2004-05-01T11:00 --format svg >"$TMP/one.svg"
svg_ok "one point" "$TMP/one.svg"
check_contains "one point is drawn as a bar" "$(cat "$TMP/one.svg")" "<rect x="

$PORTLOG report ports --db "$db" --by month --ports 445,135 --since 1996-01-01 \
	--until 2006-01-01 --format svg >"$TMP/decade.svg"
svg_ok "ten years by month" "$TMP/decade.svg"
check_contains "ten years: year ticks" "$(cat "$TMP/decade.svg")" ">2004</text>"

$PORTLOG report ports --db "$db" --by day --ports 8080 --format svg >"$TMP/empty.svg"
svg_ok "no events" "$TMP/empty.svg"
check_contains "no events is said" "$(cat "$TMP/empty.svg")" "No events in this period"
check_status "svg for summary is a usage error" 2 $PORTLOG report summary --db "$db" --format svg

$PORTLOG report html --db "$db" --out "$TMP/report.html" 2>/dev/null
html=$(cat "$TMP/report.html")
for s in 'id="summary"' 'id="ports"' 'id="charts"' 'id="sources"' 'id="scans"' \
	'id="infected"' 'id="outbreaks"' "Microsoft SMB over TCP"; do
	check_contains "html has $s" "$html" "$s"
done
check_eq "html has both charts" "$(grep -c '<svg' "$TMP/report.html")" 2
refs=$(grep -Eio 'https?:|//|src=[^ >]*|url\(|@import' "$TMP/report.html" | grep -v '^src="\?data:' | sort -u)
check_eq "html has no external references" "$refs" ""
check_eq "html has no script element" "$(grep -ci '<script' "$TMP/report.html")" 0
check_contains "html shows the hostile prefix escaped" "$html" "&lt;script&gt;alert(1)&lt;/script&gt;"
check_status "html to an unwritable path fails" 1 $PORTLOG report html --db "$db" --out /nonexistent/dir/r.html

# Outbreak findings (issue 5's detectors) become labelled markers and rows.
check_contains "ports chart marks the Sasser outbreak" "$(cat "$TMP/ports.svg")" \
	'outbreak 445/tcp, 01 May</text>'
# Bobax: 5000/tcp was never seen before 15 May; quiet is a baseline too
check_contains "ports chart marks the Bobax outbreak on a port new to the log" \
	"$(cat "$TMP/ports.svg")" 'outbreak 5000/tcp, 15 May</text>'
check_contains "ports chart marks the Korgo wave" "$(cat "$TMP/ports.svg")" \
	'outbreak 445/tcp, 01 Jun</text>'
check_contains "html lists outbreaks" "$html" "<code>445/tcp</code></td>"
check_contains "port page lists the outbreak on it" \
	"$($PORTLOG port 445 --db "$db" --days 90)" "outbreak 2004-05-01"
