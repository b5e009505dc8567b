#!/bin/sh
# /api/overview's numbers are exact: events by action and direction, the top
# inbound ports with their distinct sources and the top inbound sources with
# their distinct ports, each compared with counts made here from the raw
# events (portlog events --format csv); after serve starts (the warmed
# answer) and again after a line serve stored itself (worked out again, the
# top sources on a thread of their own).
. tests/e2e/lib.sh
. tests/e2e/web_lib.inc

make_db 20000
start_web

# check_overview WHEN RANGE: a 30-day overview (all of the week's events) against the raw events
check_overview() {
	curl -s "$BASE/api/overview?range=$2" >"$TMP/ov.json"
	$PORTLOG events --db "$WDB" --limit 0 --format csv >"$TMP/ev.csv" 2>/dev/null
	python3 - "$TMP/ov.json" "$TMP/ev.csv" "$1" <<'P'
import csv, json, sys
ov = json.load(open(sys.argv[1]))
when = sys.argv[3]
acts, dirs, pev, psrc, sev, sport = {}, {}, {}, {}, {}, {}
for e in csv.DictReader(open(sys.argv[2])):
    acts[e["action"]] = acts.get(e["action"], 0) + 1
    dirs[e["direction"]] = dirs.get(e["direction"], 0) + 1
    if e["direction"] != "inbound" or not e["src"]:
        continue
    port = e["dport"] or "none"
    sev[e["src"]] = sev.get(e["src"], 0) + 1
    sport.setdefault(e["src"], set()).add(port)
    if e["dport"]:
        k = e["dport"] + "/" + e["proto"]
        pev[k] = pev.get(k, 0) + 1
        psrc.setdefault(k, set()).add(e["src"])
def check(name, ok):
    print(("ok " if ok else "not ok ") + "overview %s: %s" % (when, name))
check("events by action", ov["actions"] == acts)
check("events by direction", ov["directions"] == dirs)
check("events", ov["events"] == sum(acts.values()))
top = ov["top_ports"]
check("ten top ports", len(top) == min(10, len(pev)))
check("top ports' events and distinct sources",
      all(pev.get(p["key"]) == p["events"] and len(psrc[p["key"]]) == p["sources"] for p in top))
least = min(p["events"] for p in top)
check("no port left out busier than the top ones",
      all(n <= least for k, n in pev.items() if k not in {p["key"] for p in top}))
top = ov["top_sources"]
check("ten top sources", len(top) == min(10, len(sev)))
check("top sources' events and distinct ports",
      all(sev.get(s["addr"]) == s["events"] and len(sport[s["addr"]]) == s["ports"] for s in top))
least = min(s["events"] for s in top)
check("no source left out busier than the top ones",
      all(n <= least for a, n in sev.items() if a not in {s["addr"] for s in top}))
P
}

check_overview "warmed" 30d
# A line stored by serve: the busiest source hits the busiest port once more,
# from a new port to count; the answer kept from the start no longer holds.
src=$(sed -n 's/.*"top_sources":\[{"addr":"\([^"]*\)".*/\1/p' "$TMP/ov.json")
port=$(sed -n 's/.*"top_ports":\[{"key":"\([0-9]*\)\/tcp".*/\1/p' "$TMP/ov.json")
# (RFC 5424: the year in the line; the week ends 2024-03-07 23:59)
bash -c "printf '%s' '<4>1 2024-03-07T23:59:58Z gw kernel - - - [UFW BLOCK] IN=eth0 OUT= SRC=$src DST=192.168.1.5 LEN=44 TTL=53 PROTO=TCP SPT=5555 DPT=${port:-445} WINDOW=3072 RES=0x00 SYN URGP=0' >/dev/udp/127.0.0.1/$SPORT"
i=0
until $PORTLOG events --db "$WDB" --limit 1 --src "$src" --format csv 2>/dev/null | grep -q ',5555,' ||
	[ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ $i -lt 50 ] && echo "ok overview: the new line was stored" ||
	echo "not ok overview: the new line was stored"
# each range's answer is kept a minute once asked for: 720h, the same 30
# days not asked for yet, is worked out now
check_overview "after a new event" 720h
stop_web
check_eq "web serve stops cleanly" "$WEB_RC" 0
