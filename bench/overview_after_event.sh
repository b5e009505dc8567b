#!/bin/sh
# overview_after_event.sh - the 30-day overview worked out again after a new
# event: serve keeps the answers it works out as it starts only while no event
# is stored, so the first request after one computes it (store_rank: actions,
# directions, top ports and sources).  This times that request, RUNS times,
# each with a fresh serve.
#
# Usage: bench/overview_after_event.sh COPY_OF_DB [RUNS]
#   COPY_OF_DB  a copy of a big store (e.g. of bench/out/import-big.db in
#               /tmp): serve migrates it and each run stores one event in it,
#               dated at its newest event (RFC 5424 line over UDP, loopback)
# Prints one line per run: the request's time, then the same request kept.
set -eu
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C PORTLOG_CONF=/dev/null
DB=${1:?usage: bench/overview_after_event.sh COPY_OF_DB [RUNS]}
RUNS=${2:-5}
PORTLOG=${PORTLOG:-build/portlog}
[ -z "${PORTLOG_DATA:-}" ] && [ -d build/data ] && export PORTLOG_DATA="$PWD/build/data"
command -v curl >/dev/null || { echo "overview_after_event: curl is missing" >&2; exit 1; }
command -v bash >/dev/null || { echo "overview_after_event: bash is missing (/dev/udp)" >&2; exit 1; }
port=$((37000 + $$ % 1000))
udp=$((port + 1000))
base="http://127.0.0.1:$port"
ms() { curl -s -o /dev/null -w '%{time_total}' "$base$1" | awk '{ printf "%.1f", $1 * 1000 }'; }
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
last=$($PORTLOG events --db "$DB" --limit 1 --format csv |
	sed -n '2s/^\([0-9-]*\) \([0-9:]*\)\.[0-9]*,.*/\1T\2Z/p')
[ -n "$last" ] || { echo "overview_after_event: no events in $DB" >&2; exit 1; }
mkdir -p bench/out # serve's messages go there, also on a fresh clone
i=1
while [ $i -le "$RUNS" ]; do
	$PORTLOG serve --foreground --user "$(id -un)" --db "$DB" --udp "127.0.0.1:$udp" \
		--web "127.0.0.1:$port" 2>bench/out/overview_after_event.err &
	pid=$!
	n=0
	until curl -s -o /dev/null "$base/api/session"; do
		n=$((n + 1))
		[ $n -lt 300 ] || { echo "overview_after_event: serve did not start" >&2; exit 1; }
		sleep 0.1
	done
	sleep 5 # serve works the overviews out as it starts
	src="198.18.$(($$ % 250)).$i"
	bash -c "printf '%s' '<4>1 $last gw kernel - - - [UFW BLOCK] IN=eth0 OUT= SRC=$src DST=192.168.1.5 LEN=40 TTL=50 PROTO=TCP SPT=1234 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0' >/dev/udp/127.0.0.1/$udp"
	n=0
	until curl -s "$base/api/events?limit=1" | grep -q "\"$src\""; do
		n=$((n + 1))
		[ $n -lt 100 ] || { echo "overview_after_event: the event was not stored" >&2; exit 1; }
		sleep 0.1
	done
	t=$(ms "/api/overview?range=30d")
	echo "run $i: /api/overview?range=30d after a new event $t ms, then $(ms "/api/overview?range=30d") ms"
	kill $pid
	wait $pid 2>/dev/null || true
	pid=
	i=$((i + 1))
done
