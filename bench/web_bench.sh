#!/bin/sh
# web_bench.sh - the dashboard's API over a big store: latency of each answer
# (best of 3, and the first "cold" one where a cache matters) and, when wrk is
# installed (Debian package wrk), requests per second on a few of them.
#
# Usage: bench/web_bench.sh DB [ADDR...]
#   DB     a store made by `make bench` (bench/out/import-big.db holds 10M
#          events) or by portlog import
#   ADDR   addresses for /api/sources/ADDR (default: the busiest source, an
#          inside host; the first scanner found; and an address never seen)
# Loopback only; the server is stopped at the end.  Prints a Markdown table.
# Serve works the overview's three ranges out as it starts and keeps them
# while no event is stored, so their first requests here find them kept; the
# computation itself is timed by the first overview request after an event
# arrives: bench/overview_after_event.sh (about 30 ms for 30 days of the
# 10M-event year).
set -eu
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C PORTLOG_CONF=/dev/null
DB=${1:?usage: bench/web_bench.sh DB [ADDR...]}
shift
PORTLOG=${PORTLOG:-build/portlog}
[ -z "${PORTLOG_DATA:-}" ] && [ -d build/data ] && export PORTLOG_DATA="$PWD/build/data"
command -v curl >/dev/null || { echo "web_bench: curl is missing" >&2; exit 1; }

mkdir -p bench/out # serve's messages go there, also on a fresh clone
port=$((38000 + $$ % 1000))
udp=$((port + 1000))
$PORTLOG serve --foreground --user "$(id -un)" --db "$DB" --udp "127.0.0.1:$udp" \
	--web "127.0.0.1:$port" 2>bench/out/web_bench.err &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM
base="http://127.0.0.1:$port"
i=0
until curl -s -o /dev/null "$base/api/session"; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "web_bench: serve did not start" >&2; cat bench/out/web_bench.err >&2; exit 1; }
	sleep 0.1
done

# ms PATH: time of one request in milliseconds
ms() { curl -s -o /dev/null -w '%{time_total}' "$base$1" | awk '{ printf "%.1f", $1 * 1000 }'; }
# row PATH: cold, then best of three more
row() {
	cold=$(ms "$1")
	best=
	for _ in 1 2 3; do
		t=$(ms "$1")
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
	done
	printf '| `%s` | %s | %s |\n' "$1" "$cold" "$best"
}

if [ $# -eq 0 ]; then
	busy=$($PORTLOG report summary --db "$DB" --format json --limit 1 |
		sed -n 's/.*"top_sources":\[{"address":"\([^"]*\)".*/\1/p')
	scanner=$($PORTLOG report scans --db "$DB" --format csv --limit 1 2>/dev/null |
		sed -n '2s/^scan,\([^,]*\),.*/\1/p')
	set -- "${busy:-192.168.1.1}" ${scanner:+"$scanner"} 203.0.113.250
fi

echo "| Request | first (ms) | best of 3 (ms) |"
echo "|---|---|---|"
for r in 24h 7d 30d; do row "/api/overview?range=$r"; done
row "/api/events?limit=100"
row "/api/events?port=445&action=blocked&direction=inbound&limit=100"
row "/api/ports/445"
row "/api/ports/445?range=1y" # the longest range the port page offers
row "/api/ports/445/chart.svg"
row "/api/series?ports=445,3389&range=1y"
row "/api/findings"
row "/api/findings?range=1y"
for a in "$@"; do row "/api/sources/$a"; done
row "/api/events?src=$1&limit=50"
[ -n "${2:-}" ] && row "/api/events?src=$2&limit=50"

if command -v wrk >/dev/null; then
	echo
	for p in "/api/events?limit=100" "/api/overview?range=7d" "/api/sources/$2"; do
		rps=$(wrk -t2 -c16 -d5s "$base$p" | sed -n 's/^Requests\/sec: *//p')
		echo "wrk -t2 -c16 -d5s $p: $rps requests/s"
	done
fi
